-- The channel each service was applied through (a `Channel` code: online,
-- counter, api, batch), for K18 不见面办理率: services completed online ÷ all
-- services completed. Withdrawals already keep theirs (`withdrawal.channel`).
-- A bill is "applied" by whoever paid it: an employer agent online, a clerk
-- at the counter, or the monthly run (batch, left out of K18). Rows from
-- before these columns count as counter: the online share is never
-- overstated by a guess.
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE loan ADD COLUMN applied_via TEXT NOT NULL DEFAULT 'counter';
ALTER TABLE base_filing ADD COLUMN applied_via TEXT NOT NULL DEFAULT 'counter';
ALTER TABLE flexible_deposit ADD COLUMN applied_via TEXT NOT NULL DEFAULT 'counter';
ALTER TABLE remittance_bill ADD COLUMN paid_via TEXT;
UPDATE remittance_bill SET paid_via = 'counter' WHERE status = 'paid';
-- The year's base filings (K18 counts them by the day filed).
CREATE INDEX base_filing_filed_on ON base_filing (filed_on);
