-- Collection, the rest of the life cycle: employer attributes (JGJ/T 320) and
-- where the account came from; back payments and corrected bills; the yearly
-- base filing; deferral and rate-reduction reliefs; enforcement cases; the
-- flexible workers' agreements and deposits.
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE employer ADD COLUMN economic_type TEXT;
ALTER TABLE employer ADD COLUMN industry TEXT;
ALTER TABLE employer ADD COLUMN bank_account TEXT;
-- counter (柜面) or yjs (“一件事” company-registration message).
ALTER TABLE employer ADD COLUMN source TEXT NOT NULL DEFAULT 'counter';

-- kind: 01 汇缴 (monthly), 02 补缴 (back payment, with a reason).
ALTER TABLE remittance_bill ADD COLUMN kind TEXT NOT NULL DEFAULT '01';
ALTER TABLE remittance_bill ADD COLUMN reason TEXT;
-- 错缴更正: the reversing entry of a paid bill; the month may then be billed again.
ALTER TABLE remittance_bill ADD COLUMN reversal_entry_id BIGINT;
DROP INDEX remittance_bill_employer_period;
CREATE UNIQUE INDEX remittance_bill_employer_period ON remittance_bill (employer_id, period)
    WHERE kind = '01' AND reversal_entry_id IS NULL;
CREATE INDEX remittance_bill_employer ON remittance_bill (employer_id, period);
CREATE INDEX member_name ON member (name);

CREATE TABLE base_filing (
    employer_id  BIGINT NOT NULL,
    year         INTEGER NOT NULL,
    filed_on     DATE    NOT NULL,
    member_count INTEGER NOT NULL,
    filed_by     TEXT    NOT NULL,
    PRIMARY KEY (employer_id, year)
);

CREATE TABLE employer_relief (
    relief_id         BIGINT NOT NULL PRIMARY KEY,
    employer_id       BIGINT NOT NULL,
    kind              TEXT    NOT NULL CHECK (kind IN ('deferral', 'rate_reduction')),
    from_period       INTEGER NOT NULL,
    to_period         INTEGER NOT NULL,
    employer_rate_ppm BIGINT,
    member_rate_ppm   BIGINT,
    reason            TEXT    NOT NULL,
    consent           TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    task_id           BIGINT NOT NULL,
    filed_at_us       BIGINT NOT NULL
);
CREATE INDEX employer_relief_employer ON employer_relief (employer_id, from_period);

CREATE TABLE enforcement_case (
    case_id      BIGINT NOT NULL PRIMARY KEY,
    employer_id  BIGINT NOT NULL,
    opened_on    DATE    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
    arrears_fen  BIGINT NOT NULL,
    periods      TEXT    NOT NULL,
    closed_on    DATE
);
CREATE UNIQUE INDEX enforcement_case_open ON enforcement_case (employer_id) WHERE status = 'open';

CREATE TABLE enforcement_step (
    case_id     BIGINT NOT NULL,
    step_no     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    acted_on    DATE    NOT NULL,
    deadline    DATE,
    document    TEXT    NOT NULL,
    staff_login TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    PRIMARY KEY (case_id, step_no)
);

CREATE TABLE flexible_agreement (
    member_id         BIGINT NOT NULL PRIMARY KEY,
    agreement_version TEXT    NOT NULL,
    signed_on         DATE    NOT NULL,
    mobile            TEXT    NOT NULL,
    monthly_fen       BIGINT NOT NULL
);

CREATE TABLE flexible_deposit (
    deposit_id BIGINT NOT NULL PRIMARY KEY,
    member_id  BIGINT NOT NULL,
    period     INTEGER NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on    DATE    NOT NULL,
    channel    TEXT    NOT NULL,
    reference  TEXT    NOT NULL,
    entry_id   BIGINT NOT NULL
);
CREATE INDEX flexible_deposit_member ON flexible_deposit (member_id, paid_on);
CREATE INDEX flexible_deposit_paid_on ON flexible_deposit (paid_on);
