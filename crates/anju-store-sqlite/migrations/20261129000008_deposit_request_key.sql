-- A flexible worker's deposit carries the request key its page (or caller)
-- minted, so a resubmitted form finds the deposit instead of collecting twice.
-- Keep in step with the other backend's migration of the same name (parity test).
ALTER TABLE flexible_deposit ADD COLUMN request_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX flexible_deposit_request ON flexible_deposit (member_id, request_key);
