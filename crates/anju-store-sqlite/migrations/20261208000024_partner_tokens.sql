-- Partner tokens (合作方令牌): each names what the partner may call (scopes),
-- runs to its expiry day and stops on its revocation day; only the SHA-256
-- of the secret is kept. Staff issue, rotate and revoke them; a rotation
-- dates the old token's revocation a few days ahead. The token a partner
-- account had until now (its password hash column) becomes its first token,
-- with every scope and two years to run (dates in UTC on both engines), so
-- partners already connected keep working until staff replace it.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE api_token (
    token_id   INTEGER NOT NULL PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    token_hash TEXT    NOT NULL,
    scopes     TEXT    NOT NULL,
    issued_by  TEXT    NOT NULL,
    issued_on  TEXT    NOT NULL,
    expires_on TEXT    NOT NULL
);
CREATE UNIQUE INDEX api_token_hash ON api_token (token_hash);
CREATE INDEX api_token_user ON api_token (user_id, token_id);

CREATE TABLE api_token_revocation (
    token_id   INTEGER NOT NULL PRIMARY KEY,
    revoked_on TEXT    NOT NULL,
    revoked_by TEXT    NOT NULL,
    reason     TEXT    NOT NULL
);

INSERT INTO api_token (token_id, user_id, token_hash, scopes, issued_by, issued_on, expires_on)
SELECT user_id, user_id, substr(password_hash, 8), 'yjs,grants', 'migration',
       date(created_at_us / 1000000, 'unixepoch'), date('now', '+730 days')
FROM app_user
WHERE role = 'partner_centre' AND password_hash LIKE 'sha256$%';
