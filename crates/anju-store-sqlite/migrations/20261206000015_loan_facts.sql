-- Facts from the record for loans: where the credit grade, the national HPF
-- loan data and the co-borrowers' relations came from (each answer with its
-- reference), and each co-borrower's own consent, given through their own
-- sign-in (the borrower's row needs none).
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE loan ADD COLUMN facts_source TEXT NOT NULL DEFAULT '';
ALTER TABLE loan_party ADD COLUMN consented_on TEXT;
