-- The transparency log (docs/trust.md): one leaf per logged record (audit
-- rows, issued e-certificates and their revocations, data grants with their
-- revocations and every provision under them, blacklist entries; the last
-- three kinds' tables come with migration 023), written in the record's own
-- transaction; the sequencer later gives each leaf its index and signs a
-- checkpoint. E-certificates and their revocations live here too. Every
-- table is append-only: the one change allowed is a leaf getting its index.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE log_leaf (
    leaf_id      BIGINT  NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('audit', 'certificate', 'revocation', 'grant', 'grant_revocation', 'provision', 'blacklist')),
    record_id    BIGINT  NOT NULL,
    leaf_hash    TEXT    NOT NULL,
    logged_at_us BIGINT  NOT NULL,
    leaf_index   BIGINT
);
CREATE UNIQUE INDEX log_leaf_record ON log_leaf (kind, record_id);
CREATE UNIQUE INDEX log_leaf_position ON log_leaf (leaf_index);
CREATE INDEX log_leaf_unsequenced ON log_leaf (leaf_id) WHERE leaf_index IS NULL;
CREATE FUNCTION log_leaf_sequenced_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.leaf_index IS NOT NULL OR NEW.leaf_index IS NULL
       OR NEW.leaf_id <> OLD.leaf_id OR NEW.kind <> OLD.kind OR NEW.record_id <> OLD.record_id
       OR NEW.leaf_hash <> OLD.leaf_hash OR NEW.logged_at_us <> OLD.logged_at_us THEN
        RAISE EXCEPTION 'log_leaf is append-only';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER log_leaf_sequenced_once BEFORE UPDATE OR DELETE ON log_leaf
    FOR EACH ROW EXECUTE FUNCTION log_leaf_sequenced_once();

-- An audit row carries its leaf (id and hash, computed by the application)
-- and a trigger writes the leaf: the row and its leaf go in one statement,
-- one round trip on the hot path of every command.
ALTER TABLE audit_log ADD COLUMN leaf_id BIGINT;
ALTER TABLE audit_log ADD COLUMN leaf_hash TEXT;
CREATE FUNCTION audit_log_leaf() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.leaf_id IS NOT NULL THEN
        INSERT INTO log_leaf (leaf_id, kind, record_id, leaf_hash, logged_at_us, leaf_index)
        VALUES (NEW.leaf_id, 'audit', NEW.audit_id, NEW.leaf_hash, NEW.at_us, NULL);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_log_leaf AFTER INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_leaf();

CREATE TABLE log_checkpoint (
    tree_size    BIGINT  NOT NULL PRIMARY KEY,
    origin       TEXT    NOT NULL,
    root_hash    TEXT    NOT NULL,
    issued_at_us BIGINT  NOT NULL,
    key_id       TEXT    NOT NULL,
    signature    TEXT    NOT NULL,
    frontier     TEXT    NOT NULL
);

CREATE TABLE certificate (
    certificate_id BIGINT  NOT NULL PRIMARY KEY,
    serial         TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('contribution', 'remote_loan_use', 'loan_release', 'withdrawal')),
    member_id      BIGINT,
    subject_ref    TEXT    NOT NULL,
    issued_on      DATE    NOT NULL,
    valid_until    DATE,
    issued_by      TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    signature      TEXT    NOT NULL,
    key_id         TEXT    NOT NULL
);
CREATE UNIQUE INDEX certificate_serial ON certificate (serial);
CREATE INDEX certificate_member ON certificate (member_id, certificate_id);
CREATE INDEX certificate_subject ON certificate (subject_ref, certificate_id);

CREATE TABLE certificate_revocation (
    revocation_id BIGINT  NOT NULL PRIMARY KEY,
    serial        TEXT    NOT NULL,
    revoked_on    DATE    NOT NULL,
    reason        TEXT    NOT NULL,
    revoked_by    TEXT    NOT NULL
);
CREATE UNIQUE INDEX certificate_revocation_serial ON certificate_revocation (serial);

-- Append-only: the checkpoints, the certificates and their revocations.
CREATE FUNCTION trust_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER log_checkpoint_no_change BEFORE UPDATE OR DELETE ON log_checkpoint
    FOR EACH ROW EXECUTE FUNCTION trust_append_only();
CREATE TRIGGER certificate_no_change BEFORE UPDATE OR DELETE ON certificate
    FOR EACH ROW EXECUTE FUNCTION trust_append_only();
CREATE TRIGGER certificate_revocation_no_change BEFORE UPDATE OR DELETE ON certificate_revocation
    FOR EACH ROW EXECUTE FUNCTION trust_append_only();
