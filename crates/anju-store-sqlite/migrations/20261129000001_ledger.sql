-- Ledger: member accounts, journal entries and their lines, GL balances.
-- Money is INTEGER fen; dates are 'YYYY-MM-DD' text; instants are UTC microseconds.
-- Keep in step with the PostgreSQL migration of the same name (parity test).

CREATE TABLE member_account (
    member_id        INTEGER NOT NULL PRIMARY KEY,
    centre_code      TEXT    NOT NULL,
    opened_on        TEXT    NOT NULL,
    balance_fen      INTEGER NOT NULL,
    -- The interest year (by the year of its 30 June) the product belongs to.
    product_year     INTEGER NOT NULL,
    year_opening_fen INTEGER NOT NULL,
    product_fen_days INTEGER NOT NULL
);

CREATE TABLE journal_entry (
    entry_id          INTEGER NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    business_type     TEXT    NOT NULL,
    value_date        TEXT    NOT NULL,
    booked_at_us      INTEGER NOT NULL,
    idempotency_key   TEXT    NOT NULL,
    digest            TEXT    NOT NULL,
    memo              TEXT    NOT NULL,
    reverses_entry_id INTEGER,
    line_count        INTEGER NOT NULL,
    total_fen         INTEGER NOT NULL CHECK (total_fen > 0)
);
CREATE UNIQUE INDEX journal_entry_idempotency_key ON journal_entry (idempotency_key);
-- An entry can be reversed once.
CREATE UNIQUE INDEX journal_entry_reverses ON journal_entry (reverses_entry_id);

CREATE TABLE posting_line (
    entry_id    INTEGER NOT NULL,
    line_no     INTEGER NOT NULL,
    gl_code     TEXT    NOT NULL,
    member_id   INTEGER,
    employer_id INTEGER,
    loan_id     INTEGER,
    side        TEXT    NOT NULL CHECK (side IN ('D', 'C')),
    amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
    value_date  TEXT    NOT NULL,
    PRIMARY KEY (entry_id, line_no)
);
CREATE INDEX posting_line_member ON posting_line (member_id, entry_id, line_no)
    WHERE member_id IS NOT NULL;

CREATE TABLE gl_balance (
    gl_code    TEXT    NOT NULL PRIMARY KEY,
    debit_fen  INTEGER NOT NULL,
    credit_fen INTEGER NOT NULL
);
