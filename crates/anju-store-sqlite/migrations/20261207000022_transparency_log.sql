-- The transparency log (docs/trust.md): one leaf per logged record (audit
-- rows, issued e-certificates and their revocations, data grants with their
-- revocations and every provision under them, blacklist entries; the last
-- three kinds' tables come with migration 023), written in the record's own
-- transaction; the sequencer later gives each leaf its index and signs a
-- checkpoint. E-certificates and their revocations live here too. Every
-- table is append-only: the one change allowed is a leaf getting its index.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE log_leaf (
    leaf_id      INTEGER NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('audit', 'certificate', 'revocation', 'grant', 'grant_revocation', 'provision', 'blacklist')),
    record_id    INTEGER NOT NULL,
    leaf_hash    TEXT    NOT NULL,
    logged_at_us INTEGER NOT NULL,
    leaf_index   INTEGER
);
CREATE UNIQUE INDEX log_leaf_record ON log_leaf (kind, record_id);
CREATE UNIQUE INDEX log_leaf_position ON log_leaf (leaf_index);
CREATE INDEX log_leaf_unsequenced ON log_leaf (leaf_id) WHERE leaf_index IS NULL;
CREATE TRIGGER log_leaf_no_delete BEFORE DELETE ON log_leaf
BEGIN SELECT RAISE(ABORT, 'log_leaf is append-only'); END;
CREATE TRIGGER log_leaf_sequenced_once BEFORE UPDATE ON log_leaf
WHEN OLD.leaf_index IS NOT NULL OR NEW.leaf_index IS NULL
  OR NEW.leaf_id <> OLD.leaf_id OR NEW.kind <> OLD.kind OR NEW.record_id <> OLD.record_id
  OR NEW.leaf_hash <> OLD.leaf_hash OR NEW.logged_at_us <> OLD.logged_at_us
BEGIN SELECT RAISE(ABORT, 'log_leaf is append-only'); END;

-- An audit row carries its leaf (id and hash, computed by the application)
-- and a trigger writes the leaf: the row and its leaf go in one statement,
-- one round trip on the hot path of every command.
ALTER TABLE audit_log ADD COLUMN leaf_id INTEGER;
ALTER TABLE audit_log ADD COLUMN leaf_hash TEXT;
CREATE TRIGGER audit_log_leaf AFTER INSERT ON audit_log WHEN NEW.leaf_id IS NOT NULL
BEGIN
    INSERT INTO log_leaf (leaf_id, kind, record_id, leaf_hash, logged_at_us, leaf_index)
    VALUES (NEW.leaf_id, 'audit', NEW.audit_id, NEW.leaf_hash, NEW.at_us, NULL);
END;

CREATE TABLE log_checkpoint (
    tree_size    INTEGER NOT NULL PRIMARY KEY,
    origin       TEXT    NOT NULL,
    root_hash    TEXT    NOT NULL,
    issued_at_us INTEGER NOT NULL,
    key_id       TEXT    NOT NULL,
    signature    TEXT    NOT NULL,
    frontier     TEXT    NOT NULL
);
CREATE TRIGGER log_checkpoint_no_update BEFORE UPDATE ON log_checkpoint
BEGIN SELECT RAISE(ABORT, 'log_checkpoint is append-only'); END;
CREATE TRIGGER log_checkpoint_no_delete BEFORE DELETE ON log_checkpoint
BEGIN SELECT RAISE(ABORT, 'log_checkpoint is append-only'); END;

CREATE TABLE certificate (
    certificate_id INTEGER NOT NULL PRIMARY KEY,
    serial         TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('contribution', 'remote_loan_use', 'loan_release', 'withdrawal')),
    member_id      INTEGER,
    subject_ref    TEXT    NOT NULL,
    issued_on      TEXT    NOT NULL,
    valid_until    TEXT,
    issued_by      TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    signature      TEXT    NOT NULL,
    key_id         TEXT    NOT NULL
);
CREATE UNIQUE INDEX certificate_serial ON certificate (serial);
CREATE INDEX certificate_member ON certificate (member_id, certificate_id);
CREATE INDEX certificate_subject ON certificate (subject_ref, certificate_id);
CREATE TRIGGER certificate_no_update BEFORE UPDATE ON certificate
BEGIN SELECT RAISE(ABORT, 'certificate is append-only'); END;
CREATE TRIGGER certificate_no_delete BEFORE DELETE ON certificate
BEGIN SELECT RAISE(ABORT, 'certificate is append-only'); END;

CREATE TABLE certificate_revocation (
    revocation_id INTEGER NOT NULL PRIMARY KEY,
    serial        TEXT    NOT NULL,
    revoked_on    TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    revoked_by    TEXT    NOT NULL
);
CREATE UNIQUE INDEX certificate_revocation_serial ON certificate_revocation (serial);
CREATE TRIGGER certificate_revocation_no_update BEFORE UPDATE ON certificate_revocation
BEGIN SELECT RAISE(ABORT, 'certificate_revocation is append-only'); END;
CREATE TRIGGER certificate_revocation_no_delete BEFORE DELETE ON certificate_revocation
BEGIN SELECT RAISE(ABORT, 'certificate_revocation is append-only'); END;
