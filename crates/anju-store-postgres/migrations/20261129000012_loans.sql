-- 住房公积金贷款: applications and loans in one row each (the status says
-- which), the people on them, the schedule, the rate history and what
-- happened (disbursement, repayments, overdue, prepayment, settlement).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE loan (
    loan_id                BIGINT  NOT NULL PRIMARY KEY,
    member_id              BIGINT  NOT NULL,
    product                TEXT    NOT NULL,
    status                 TEXT    NOT NULL,
    applied_on             DATE    NOT NULL,
    applicant              TEXT    NOT NULL,
    request_key            TEXT    NOT NULL,
    co_borrowers           TEXT    NOT NULL,
    property_kind          TEXT    NOT NULL,
    property_address       TEXT    NOT NULL,
    price_fen              BIGINT  NOT NULL,
    appraisal_fen          BIGINT,
    area_centi_m2          BIGINT  NOT NULL,
    monthly_income_fen     BIGINT  NOT NULL,
    credit_grade           TEXT    NOT NULL,
    first_home             BOOLEAN NOT NULL,
    family                 BOOLEAN NOT NULL,
    amount_fen             BIGINT  NOT NULL CHECK (amount_fen > 0),
    months                 INTEGER NOT NULL CHECK (months > 0),
    method                 TEXT    NOT NULL,
    rate_ppm               BIGINT  NOT NULL,
    limit_fen              BIGINT  NOT NULL,
    binding_cap            TEXT    NOT NULL,
    caps                   TEXT    NOT NULL,
    remote_centre          TEXT,
    remote_certificate_no  TEXT,
    remote_balance_fen     BIGINT,
    remote_months          INTEGER,
    commercial_bank        TEXT,
    commercial_amount_fen  BIGINT,
    commercial_rate_ppm    BIGINT,
    seller_name            TEXT    NOT NULL,
    seller_account         TEXT    NOT NULL,
    repay_card             TEXT    NOT NULL,
    entrusted              BOOLEAN NOT NULL,
    needs_second           BOOLEAN NOT NULL,
    reviewed_by            TEXT,
    approved_by            TEXT,
    second_approved_by     TEXT,
    note                   TEXT    NOT NULL,
    contract_no            TEXT,
    mortgage_no            TEXT,
    disbursed_on           DATE,
    disbursement_entry_id  BIGINT,
    payout_reference       TEXT,
    outstanding_fen        BIGINT  NOT NULL,
    overdue_principal_fen  BIGINT  NOT NULL,
    overdue_since          DATE,
    grade                  TEXT    NOT NULL,
    consecutive_overdue    INTEGER NOT NULL,
    cumulative_overdue     INTEGER NOT NULL,
    last_run_on            DATE,
    settled_on             DATE,
    release_certificate    TEXT,
    updated_at_us          BIGINT  NOT NULL
);
CREATE UNIQUE INDEX loan_request ON loan (member_id, request_key);
CREATE INDEX loan_status ON loan (status, loan_id);

-- Borrower and co-borrowers: “no outstanding HPF loan” and the family's
-- count of loans are asked of every person on a loan.
CREATE TABLE loan_party (
    loan_id   BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    role      TEXT   NOT NULL,
    PRIMARY KEY (loan_id, member_id)
);
CREATE INDEX loan_party_member ON loan_party (member_id);

CREATE TABLE loan_installment (
    loan_id             BIGINT  NOT NULL,
    period              INTEGER NOT NULL,
    due_date            DATE    NOT NULL,
    principal_fen       BIGINT  NOT NULL,
    interest_fen        BIGINT  NOT NULL,
    paid_principal_fen  BIGINT  NOT NULL,
    paid_interest_fen   BIGINT  NOT NULL,
    paid_penalty_fen    BIGINT  NOT NULL,
    penalty_owed_fen    BIGINT  NOT NULL,
    penalty_from        DATE,
    status              TEXT    NOT NULL,
    paid_on             DATE,
    PRIMARY KEY (loan_id, period)
);
-- The run finds a loan's open installments by its key (loan_id, period);
-- no further index, so paying one touches only its row.

CREATE TABLE loan_rate (
    loan_id        BIGINT NOT NULL,
    effective_from DATE   NOT NULL,
    rate_ppm       BIGINT NOT NULL,
    reason         TEXT   NOT NULL,
    PRIMARY KEY (loan_id, effective_from)
);

CREATE TABLE loan_event (
    loan_id        BIGINT  NOT NULL,
    event_key      TEXT    NOT NULL,
    happened_on    DATE    NOT NULL,
    kind           TEXT    NOT NULL,
    amount_fen     BIGINT  NOT NULL,
    principal_fen  BIGINT  NOT NULL,
    interest_fen   BIGINT  NOT NULL,
    penalty_fen    BIGINT  NOT NULL,
    entry_id       BIGINT,
    note           TEXT    NOT NULL,
    PRIMARY KEY (loan_id, event_key)
);

-- The centre's document-signing key (Ed25519), made on first use: it signs
-- mortgage-release certificates. A production centre keeps it in an HSM.
CREATE TABLE signing_key (
    key_id        TEXT    NOT NULL PRIMARY KEY,
    secret        BYTEA    NOT NULL,
    public_key    BYTEA    NOT NULL,
    created_at_us BIGINT NOT NULL
);
