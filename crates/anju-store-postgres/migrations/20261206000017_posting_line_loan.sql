-- A loan's posting lines by day: the personal book at a past year end is GL
-- 121 + 122 less the project loans' lines up to that day (K13, K14, K15),
-- found through this index rather than by reading every line. Partial, so
-- the monthly remittance's lines (no loan) cost nothing more to post.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE INDEX posting_line_loan ON posting_line (loan_id, value_date) WHERE loan_id IS NOT NULL;
