-- 住房公积金贷款: applications and loans in one row each (the status says
-- which), the people on them, the schedule, the rate history and what
-- happened (disbursement, repayments, overdue, prepayment, settlement).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE loan (
    loan_id                INTEGER NOT NULL PRIMARY KEY,
    member_id              INTEGER NOT NULL,
    product                TEXT    NOT NULL,
    status                 TEXT    NOT NULL,
    applied_on             TEXT    NOT NULL,
    applicant              TEXT    NOT NULL,
    request_key            TEXT    NOT NULL,
    co_borrowers           TEXT    NOT NULL,
    property_kind          TEXT    NOT NULL,
    property_address       TEXT    NOT NULL,
    price_fen              INTEGER NOT NULL,
    appraisal_fen          INTEGER,
    area_centi_m2          INTEGER NOT NULL,
    monthly_income_fen     INTEGER NOT NULL,
    credit_grade           TEXT    NOT NULL,
    first_home             INTEGER NOT NULL,
    family                 INTEGER NOT NULL,
    amount_fen             INTEGER NOT NULL CHECK (amount_fen > 0),
    months                 INTEGER NOT NULL CHECK (months > 0),
    method                 TEXT    NOT NULL,
    rate_ppm               INTEGER NOT NULL,
    limit_fen              INTEGER NOT NULL,
    binding_cap            TEXT    NOT NULL,
    caps                   TEXT    NOT NULL,
    remote_centre          TEXT,
    remote_certificate_no  TEXT,
    remote_balance_fen     INTEGER,
    remote_months          INTEGER,
    commercial_bank        TEXT,
    commercial_amount_fen  INTEGER,
    commercial_rate_ppm    INTEGER,
    seller_name            TEXT    NOT NULL,
    seller_account         TEXT    NOT NULL,
    repay_card             TEXT    NOT NULL,
    entrusted              INTEGER NOT NULL,
    needs_second           INTEGER NOT NULL,
    reviewed_by            TEXT,
    approved_by            TEXT,
    second_approved_by     TEXT,
    note                   TEXT    NOT NULL,
    contract_no            TEXT,
    mortgage_no            TEXT,
    disbursed_on           TEXT,
    disbursement_entry_id  INTEGER,
    payout_reference       TEXT,
    outstanding_fen        INTEGER NOT NULL,
    overdue_principal_fen  INTEGER NOT NULL,
    overdue_since          TEXT,
    grade                  TEXT    NOT NULL,
    consecutive_overdue    INTEGER NOT NULL,
    cumulative_overdue     INTEGER NOT NULL,
    last_run_on            TEXT,
    settled_on             TEXT,
    release_certificate    TEXT,
    updated_at_us          INTEGER NOT NULL
);
CREATE UNIQUE INDEX loan_request ON loan (member_id, request_key);
CREATE INDEX loan_status ON loan (status, loan_id);

-- Borrower and co-borrowers: “no outstanding HPF loan” and the family's
-- count of loans are asked of every person on a loan.
CREATE TABLE loan_party (
    loan_id   INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    role      TEXT   NOT NULL,
    PRIMARY KEY (loan_id, member_id)
);
CREATE INDEX loan_party_member ON loan_party (member_id);

CREATE TABLE loan_installment (
    loan_id             INTEGER NOT NULL,
    period              INTEGER NOT NULL,
    due_date            TEXT    NOT NULL,
    principal_fen       INTEGER NOT NULL,
    interest_fen        INTEGER NOT NULL,
    paid_principal_fen  INTEGER NOT NULL,
    paid_interest_fen   INTEGER NOT NULL,
    paid_penalty_fen    INTEGER NOT NULL,
    penalty_owed_fen    INTEGER NOT NULL,
    penalty_from        TEXT,
    status              TEXT    NOT NULL,
    paid_on             TEXT,
    PRIMARY KEY (loan_id, period)
);
-- The run finds a loan's open installments by its key (loan_id, period);
-- no further index, so paying one touches only its row.

CREATE TABLE loan_rate (
    loan_id        INTEGER NOT NULL,
    effective_from TEXT   NOT NULL,
    rate_ppm       INTEGER NOT NULL,
    reason         TEXT   NOT NULL,
    PRIMARY KEY (loan_id, effective_from)
);

CREATE TABLE loan_event (
    loan_id        INTEGER NOT NULL,
    event_key      TEXT    NOT NULL,
    happened_on    TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    amount_fen     INTEGER NOT NULL,
    principal_fen  INTEGER NOT NULL,
    interest_fen   INTEGER NOT NULL,
    penalty_fen    INTEGER NOT NULL,
    entry_id       INTEGER,
    note           TEXT    NOT NULL,
    PRIMARY KEY (loan_id, event_key)
);

-- The centre's document-signing key (Ed25519), made on first use: it signs
-- mortgage-release certificates. A production centre keeps it in an HSM.
CREATE TABLE signing_key (
    key_id        TEXT    NOT NULL PRIMARY KEY,
    secret        BLOB    NOT NULL,
    public_key    BLOB    NOT NULL,
    created_at_us INTEGER NOT NULL
);
