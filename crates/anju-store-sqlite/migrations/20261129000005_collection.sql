-- Collection (归集): employers, members, monthly remittance bills and their lines.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE employer (
    employer_id       INTEGER NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    uscc              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    pay_day           INTEGER,
    employer_rate_ppm INTEGER NOT NULL,
    member_rate_ppm   INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    opened_at_us      INTEGER NOT NULL
);
CREATE UNIQUE INDEX employer_uscc ON employer (uscc);

CREATE TABLE member (
    member_id         INTEGER NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    id_card           TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    employer_id       INTEGER,
    status            TEXT    NOT NULL,
    wage_fen          INTEGER NOT NULL CHECK (wage_fen > 0),
    employer_rate_ppm INTEGER,
    member_rate_ppm   INTEGER,
    enrolled_at_us    INTEGER NOT NULL
);
CREATE UNIQUE INDEX member_id_card ON member (id_card);
CREATE INDEX member_employer ON member (employer_id, member_id) WHERE employer_id IS NOT NULL;

CREATE TABLE remittance_bill (
    bill_id       INTEGER NOT NULL PRIMARY KEY,
    employer_id   INTEGER NOT NULL,
    period        INTEGER NOT NULL,
    due_date      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'paid')),
    total_fen     INTEGER NOT NULL,
    line_count    INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL,
    paid_entry_id INTEGER,
    paid_on       TEXT
);
CREATE UNIQUE INDEX remittance_bill_employer_period ON remittance_bill (employer_id, period);
CREATE INDEX remittance_bill_open ON remittance_bill (status, due_date);

CREATE TABLE remittance_bill_line (
    bill_id      INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    base_fen     INTEGER NOT NULL,
    employer_fen INTEGER NOT NULL,
    member_fen   INTEGER NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);
