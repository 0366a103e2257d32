-- Withdrawals (提取): applications with their documents, the evidence numbers
-- claimed (a contract or invoice serves once in the centre), the blacklist,
-- and the day a member account entered its status (sealed since …).
-- Keep in step with the other backend's migration of the same name (parity test).

ALTER TABLE member ADD COLUMN status_on TEXT;

CREATE TABLE withdrawal (
    withdrawal_id       INTEGER NOT NULL PRIMARY KEY,
    member_id           INTEGER NOT NULL,
    reason              TEXT    NOT NULL,
    amount_fen          INTEGER NOT NULL CHECK (amount_fen > 0),
    months              INTEGER NOT NULL,
    evidence_kind       TEXT    NOT NULL,
    evidence_no         TEXT,
    evidence_date       TEXT,
    evidence_amount_fen INTEGER,
    status              TEXT    NOT NULL,
    channel             TEXT    NOT NULL,
    applied_on          TEXT    NOT NULL,
    applicant           TEXT    NOT NULL,
    rule                TEXT    NOT NULL,
    needs_second        INTEGER NOT NULL,
    closes_account      INTEGER NOT NULL,
    bank_card           TEXT    NOT NULL,
    prepared_by         TEXT,
    approved_by         TEXT,
    note                TEXT    NOT NULL,
    payout_reference    TEXT,
    entry_id            INTEGER,
    request_key         TEXT    NOT NULL,
    updated_at_us       INTEGER NOT NULL
);
CREATE UNIQUE INDEX withdrawal_request ON withdrawal (member_id, request_key);
CREATE INDEX withdrawal_member ON withdrawal (member_id, withdrawal_id);
CREATE INDEX withdrawal_status ON withdrawal (status, withdrawal_id);
CREATE INDEX withdrawal_evidence ON withdrawal (evidence_kind, evidence_no);

CREATE TABLE evidence_claim (
    evidence_kind TEXT    NOT NULL,
    evidence_no   TEXT    NOT NULL,
    withdrawal_id INTEGER NOT NULL,
    PRIMARY KEY (evidence_kind, evidence_no)
);

CREATE TABLE withdrawal_document (
    withdrawal_id INTEGER NOT NULL,
    doc_no        INTEGER NOT NULL,
    doc_type      TEXT    NOT NULL,
    file_name     TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    content       BLOB    NOT NULL,
    PRIMARY KEY (withdrawal_id, doc_no)
);

CREATE TABLE blacklist (
    id_card    TEXT NOT NULL,
    listed_on  TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    reason     TEXT NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (id_card, listed_on)
);
