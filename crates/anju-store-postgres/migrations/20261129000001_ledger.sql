-- Ledger: member accounts, journal entries and their lines, GL balances.
-- Money is BIGINT fen; dates are DATE; instants are UTC microseconds (BIGINT).
-- Ids come from the application (no sequences). Keep in step with the SQLite
-- migration of the same name (parity test).

CREATE TABLE member_account (
    member_id        BIGINT  NOT NULL PRIMARY KEY,
    centre_code      TEXT    NOT NULL,
    opened_on        DATE    NOT NULL,
    balance_fen      BIGINT  NOT NULL,
    product_year     INTEGER NOT NULL,
    year_opening_fen BIGINT  NOT NULL,
    product_fen_days BIGINT  NOT NULL
);

CREATE TABLE journal_entry (
    entry_id          BIGINT  NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    business_type     TEXT    NOT NULL,
    value_date        DATE    NOT NULL,
    booked_at_us      BIGINT  NOT NULL,
    idempotency_key   TEXT    NOT NULL,
    digest            TEXT    NOT NULL,
    memo              TEXT    NOT NULL,
    reverses_entry_id BIGINT,
    line_count        INTEGER NOT NULL,
    total_fen         BIGINT  NOT NULL CHECK (total_fen > 0)
);
CREATE UNIQUE INDEX journal_entry_idempotency_key ON journal_entry (idempotency_key);
CREATE UNIQUE INDEX journal_entry_reverses ON journal_entry (reverses_entry_id);

CREATE TABLE posting_line (
    entry_id    BIGINT  NOT NULL,
    line_no     INTEGER NOT NULL,
    gl_code     TEXT    NOT NULL,
    member_id   BIGINT,
    employer_id BIGINT,
    loan_id     BIGINT,
    side        CHAR(1) NOT NULL CHECK (side IN ('D', 'C')),
    amount_fen  BIGINT  NOT NULL CHECK (amount_fen > 0),
    value_date  DATE    NOT NULL,
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX posting_line_member ON posting_line (member_id, entry_id, line_no)
    WHERE member_id IS NOT NULL;

CREATE TABLE gl_balance (
    gl_code    TEXT   NOT NULL PRIMARY KEY,
    debit_fen  BIGINT NOT NULL,
    credit_fen BIGINT NOT NULL
);
