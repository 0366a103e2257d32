-- The centre's signing keys leave the database: a secret kept next to the
-- data it signs protects nothing. Keys live in the key file
-- (`[trust] key_file`, docs/trust.md); documents name the key by its id and
-- are checked against the published key set.
-- Keep in step with the other backend's migration of the same name (parity test).

DROP TABLE IF EXISTS signing_key;
