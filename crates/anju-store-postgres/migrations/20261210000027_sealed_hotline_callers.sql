-- The 12329 callers' numbers join the sealed columns. `scope` says which
-- set of sealed columns the database's values are sealed over: 1 before
-- this migration, 2 with hotline_call.caller. The first writable open with
-- a key seals what a newer scope adds (SQL cannot: it has no key) and
-- records the scope.
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE personal_seal ADD COLUMN scope BIGINT NOT NULL DEFAULT 1;
