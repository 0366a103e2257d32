-- Withdrawals (提取): applications with their documents, the evidence numbers
-- claimed (a contract or invoice serves once in the centre), the blacklist,
-- and the day a member account entered its status (sealed since …).
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE member ADD COLUMN status_on DATE;

CREATE TABLE withdrawal (
    withdrawal_id       BIGINT NOT NULL PRIMARY KEY,
    member_id           BIGINT NOT NULL,
    reason              TEXT    NOT NULL,
    amount_fen          BIGINT NOT NULL CHECK (amount_fen > 0),
    months              INTEGER NOT NULL,
    evidence_kind       TEXT    NOT NULL,
    evidence_no         TEXT,
    evidence_date       DATE,
    evidence_amount_fen BIGINT,
    status              TEXT    NOT NULL,
    channel             TEXT    NOT NULL,
    applied_on          DATE    NOT NULL,
    applicant           TEXT    NOT NULL,
    rule                TEXT    NOT NULL,
    needs_second        BOOLEAN NOT NULL,
    closes_account      BOOLEAN NOT NULL,
    bank_card           TEXT    NOT NULL,
    prepared_by         TEXT,
    approved_by         TEXT,
    note                TEXT    NOT NULL,
    payout_reference    TEXT,
    entry_id            BIGINT,
    request_key         TEXT    NOT NULL,
    updated_at_us       BIGINT NOT NULL
);
CREATE UNIQUE INDEX withdrawal_request ON withdrawal (member_id, request_key);
CREATE INDEX withdrawal_member ON withdrawal (member_id, withdrawal_id);
CREATE INDEX withdrawal_status ON withdrawal (status, withdrawal_id);
CREATE INDEX withdrawal_evidence ON withdrawal (evidence_kind, evidence_no);

CREATE TABLE evidence_claim (
    evidence_kind TEXT    NOT NULL,
    evidence_no   TEXT    NOT NULL,
    withdrawal_id BIGINT NOT NULL,
    PRIMARY KEY (evidence_kind, evidence_no)
);

CREATE TABLE withdrawal_document (
    withdrawal_id BIGINT NOT NULL,
    doc_no        INTEGER NOT NULL,
    doc_type      TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT    NOT NULL,
    content       BYTEA    NOT NULL,
    PRIMARY KEY (withdrawal_id, doc_no)
);

CREATE TABLE blacklist (
    id_card    TEXT NOT NULL,
    listed_on  DATE NOT NULL,
    expires_on DATE NOT NULL,
    reason     TEXT NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (id_card, listed_on)
);
