-- Personal data sealed at rest (docs/security.md): ID numbers, names, logins,
-- mobiles and e-mail addresses are kept as XChaCha20-Poly1305 ciphertext
-- under a key outside the database, so the columns hold no value a lookup
-- could match. A keyed blind index (HMAC-SHA256) beside each looked-up
-- column takes over its unique index. Rows already here are sealed, and
-- their indexes filled, by the store when it next opens the database with
-- the key (SQL cannot: it has no key); `personal_seal` names the key the
-- database is sealed under and the key its blind indexes were made with
-- ('' until then).
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE member ADD COLUMN id_card_bidx TEXT;
ALTER TABLE member ADD COLUMN name_bidx TEXT;
DROP INDEX member_id_card;
CREATE UNIQUE INDEX member_id_card_bidx ON member (id_card_bidx);
CREATE INDEX member_name_bidx ON member (name_bidx);

ALTER TABLE app_user ADD COLUMN login_bidx TEXT;
DROP INDEX app_user_login;
CREATE UNIQUE INDEX app_user_login_bidx ON app_user (login_bidx);

ALTER TABLE blacklist ADD COLUMN id_card_bidx TEXT;
CREATE UNIQUE INDEX blacklist_id_card_bidx ON blacklist (id_card_bidx, listed_on);

CREATE TABLE personal_seal (
    singleton    INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    key_id       TEXT    NOT NULL,
    index_key_id TEXT    NOT NULL
);
INSERT INTO personal_seal (singleton, key_id, index_key_id) VALUES (1, '', '');
