-- Facts from the record: where an application's facts came from (registry
-- answers with their reference numbers), what a named staff member must
-- still verify by hand because a registry did not answer, and who did.
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE withdrawal ADD COLUMN facts_source TEXT NOT NULL DEFAULT '';
ALTER TABLE withdrawal ADD COLUMN verification TEXT;
ALTER TABLE withdrawal ADD COLUMN verified_by TEXT;
