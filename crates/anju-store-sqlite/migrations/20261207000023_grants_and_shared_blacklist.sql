-- Data grants (授权): a member lets a named partner (a bank, another
-- centre, a government body) read named parts of their record for a
-- period; every read through the partner API is a provision row, allowed or
-- refused. The shared blacklist (失信名单): each entry names the centre that
-- issued it and carries that centre's signature, so an entry imported from a
-- partner keeps its provenance. Grants, their revocations and provisions are
-- append-only; each is a leaf of the transparency log, as is each blacklist
-- entry from now on (docs/trust.md).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE data_grant (
    grant_id      INTEGER NOT NULL PRIMARY KEY,
    grant_code    TEXT    NOT NULL,
    member_id     INTEGER NOT NULL,
    grantee_login TEXT    NOT NULL,
    grantee_name  TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    purpose       TEXT    NOT NULL,
    granted_on    TEXT    NOT NULL,
    valid_until   TEXT    NOT NULL
);
CREATE UNIQUE INDEX data_grant_code ON data_grant (grant_code);
CREATE INDEX data_grant_member ON data_grant (member_id, grant_id);

CREATE TABLE data_grant_revocation (
    grant_id   INTEGER NOT NULL PRIMARY KEY,
    revoked_on TEXT    NOT NULL,
    revoked_by TEXT    NOT NULL
);

CREATE TABLE data_provision (
    provision_id  INTEGER NOT NULL PRIMARY KEY,
    grant_id      INTEGER,
    member_id     INTEGER,
    grantee_login TEXT    NOT NULL,
    scopes        TEXT    NOT NULL,
    at_us         INTEGER NOT NULL,
    result        TEXT    NOT NULL,
    request_id    TEXT    NOT NULL
);
CREATE INDEX data_provision_grant ON data_provision (grant_id, provision_id);

ALTER TABLE blacklist ADD COLUMN entry_id INTEGER;
ALTER TABLE blacklist ADD COLUMN issuing_centre TEXT NOT NULL DEFAULT '';
ALTER TABLE blacklist ADD COLUMN signature TEXT NOT NULL DEFAULT '';
ALTER TABLE blacklist ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX blacklist_entry ON blacklist (entry_id);
CREATE TRIGGER data_grant_no_update BEFORE UPDATE ON data_grant
BEGIN SELECT RAISE(ABORT, 'data_grant is append-only'); END;
CREATE TRIGGER data_grant_no_delete BEFORE DELETE ON data_grant
BEGIN SELECT RAISE(ABORT, 'data_grant is append-only'); END;
CREATE TRIGGER data_grant_revocation_no_update BEFORE UPDATE ON data_grant_revocation
BEGIN SELECT RAISE(ABORT, 'data_grant_revocation is append-only'); END;
CREATE TRIGGER data_grant_revocation_no_delete BEFORE DELETE ON data_grant_revocation
BEGIN SELECT RAISE(ABORT, 'data_grant_revocation is append-only'); END;
CREATE TRIGGER data_provision_no_update BEFORE UPDATE ON data_provision
BEGIN SELECT RAISE(ABORT, 'data_provision is append-only'); END;
CREATE TRIGGER data_provision_no_delete BEFORE DELETE ON data_provision
BEGIN SELECT RAISE(ABORT, 'data_provision is append-only'); END;
