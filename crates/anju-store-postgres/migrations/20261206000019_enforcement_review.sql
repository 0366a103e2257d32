-- Administrative enforcement with legal review (法制审核) and full-process
-- records: a legal review step keeps its conclusion (approved, refused), and
-- every step the evidence it rests on (约谈笔录, 送达回证, 审核意见 …).
-- Steps recorded before this migration have none (empty, not a guess).
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE enforcement_step ADD COLUMN outcome TEXT CHECK (outcome IN ('approved', 'refused'));
ALTER TABLE enforcement_step ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
