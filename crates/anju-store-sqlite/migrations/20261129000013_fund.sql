-- Fund management: the GL by day (statements for any period), employers'
-- branches (分中心), the fund's bank deposits, dated manual inputs for the
-- plan's KPIs, liquidity alerts and the yearly value-added distribution.
-- Keep in step with the PostgreSQL migration of the same name (parity test).

-- Σ debit and Σ credit per value date, GL account and business type, kept
-- by the posting path in the same transaction as the lines.
CREATE TABLE gl_day (
    value_date    TEXT    NOT NULL,
    gl_code       TEXT    NOT NULL,
    business_type TEXT    NOT NULL,
    debit_fen     INTEGER NOT NULL,
    credit_fen    INTEGER NOT NULL,
    PRIMARY KEY (value_date, gl_code, business_type)
);
INSERT INTO gl_day (value_date, gl_code, business_type, debit_fen, credit_fen)
SELECT l.value_date, l.gl_code, e.business_type,
       SUM(CASE WHEN l.side = 'D' THEN l.amount_fen ELSE 0 END),
       SUM(CASE WHEN l.side = 'C' THEN l.amount_fen ELSE 0 END)
FROM posting_line l JOIN journal_entry e ON e.entry_id = l.entry_id
GROUP BY l.value_date, l.gl_code, e.business_type;

ALTER TABLE employer ADD COLUMN branch_code TEXT NOT NULL DEFAULT '';

-- The year's new employers and members (新开户), and what loan schedules
-- still expect by due day (the cash-flow forecast).
CREATE INDEX employer_opened ON employer (opened_at_us);
CREATE INDEX member_enrolled ON member (enrolled_at_us);
-- A year's paid bills (缴存额, 实缴单位, per branch).
CREATE INDEX remittance_bill_paid ON remittance_bill (status, paid_on);
CREATE INDEX loan_installment_due ON loan_installment (due_date) WHERE status <> 'paid';

-- 实缴职工 by year: a member counts in a year once a bill with them on it
-- (or their flexible deposit) is paid in it; kept when bills are marked
-- paid, so the yearly count is a range count, not a distinct over a year
-- of bill lines; `first_paid_on` is the first payment recorded in the
-- year (a year-to-date count reads it).
CREATE TABLE contributor_year (
    year          INTEGER NOT NULL,
    member_id     INTEGER NOT NULL,
    first_paid_on TEXT    NOT NULL,
    PRIMARY KEY (year, member_id)
);
INSERT INTO contributor_year (year, member_id, first_paid_on)
SELECT CAST(substr(b.paid_on, 1, 4) AS INTEGER), l.member_id, MIN(b.paid_on)
FROM remittance_bill_line l
JOIN remittance_bill b ON b.bill_id = l.bill_id
WHERE b.status = 'paid' AND b.reversal_entry_id IS NULL
GROUP BY CAST(substr(b.paid_on, 1, 4) AS INTEGER), l.member_id;
INSERT INTO contributor_year (year, member_id, first_paid_on)
SELECT CAST(substr(paid_on, 1, 4) AS INTEGER), member_id, MIN(paid_on)
FROM flexible_deposit
WHERE true
GROUP BY CAST(substr(paid_on, 1, 4) AS INTEGER), member_id
ON CONFLICT (year, member_id) DO NOTHING;

CREATE TABLE fund_deposit (
    deposit_id    INTEGER NOT NULL PRIMARY KEY,
    bank          TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('current', 'time')),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    rate_ppm      INTEGER NOT NULL,
    placed_on     TEXT    NOT NULL,
    matures_on    TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('held', 'matured')),
    interest_fen  INTEGER,
    entry_id      INTEGER,
    note          TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL
);

CREATE TABLE fund_input (
    input_id      INTEGER NOT NULL PRIMARY KEY,
    year          INTEGER NOT NULL,
    input_key     TEXT    NOT NULL,
    value_text    TEXT    NOT NULL,
    entered_on    TEXT    NOT NULL,
    entered_by    TEXT    NOT NULL,
    entered_at_us INTEGER NOT NULL,
    note          TEXT    NOT NULL
);
CREATE INDEX fund_input_year ON fund_input (year, input_key, input_id);

CREATE TABLE fund_alert (
    alert_id        INTEGER NOT NULL PRIMARY KEY,
    indicator       TEXT    NOT NULL,
    level           TEXT    NOT NULL,
    value_ppm       INTEGER NOT NULL,
    threshold_ppm   INTEGER NOT NULL,
    message         TEXT    NOT NULL,
    raised_on       TEXT    NOT NULL,
    cleared_on      TEXT,
    acknowledged_by TEXT,
    acknowledged_at_us INTEGER,
    ack_note        TEXT
);
-- One open alert per indicator: a check that finds it again keeps it.
CREATE UNIQUE INDEX fund_alert_open ON fund_alert (indicator) WHERE cleared_on IS NULL;

CREATE TABLE fund_distribution (
    year              INTEGER NOT NULL PRIMARY KEY,
    status            TEXT    NOT NULL CHECK (status IN ('prepared', 'approved')),
    value_added_fen   INTEGER NOT NULL,
    reserve_fen       INTEGER NOT NULL,
    management_fen    INTEGER NOT NULL,
    public_rental_fen INTEGER NOT NULL,
    reserve_reason    TEXT    NOT NULL,
    prepared_by       TEXT    NOT NULL,
    prepared_at_us    INTEGER NOT NULL,
    approved_by       TEXT,
    approved_at_us    INTEGER,
    closing_entry_id  INTEGER,
    entry_id          INTEGER
);
