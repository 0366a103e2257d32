-- Collection (归集): employers, members, monthly remittance bills and their lines.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE employer (
    employer_id       BIGINT NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    uscc              TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    pay_day           INTEGER,
    employer_rate_ppm BIGINT NOT NULL,
    member_rate_ppm   BIGINT NOT NULL,
    status            TEXT    NOT NULL,
    opened_at_us      BIGINT NOT NULL
);
CREATE UNIQUE INDEX employer_uscc ON employer (uscc);

CREATE TABLE member (
    member_id         BIGINT NOT NULL PRIMARY KEY,
    centre_code       TEXT    NOT NULL,
    id_card           TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    employer_id       BIGINT,
    status            TEXT    NOT NULL,
    wage_fen          BIGINT NOT NULL CHECK (wage_fen > 0),
    employer_rate_ppm BIGINT,
    member_rate_ppm   BIGINT,
    enrolled_at_us    BIGINT NOT NULL
);
CREATE UNIQUE INDEX member_id_card ON member (id_card);
CREATE INDEX member_employer ON member (employer_id, member_id) WHERE employer_id IS NOT NULL;

CREATE TABLE remittance_bill (
    bill_id       BIGINT NOT NULL PRIMARY KEY,
    employer_id   BIGINT NOT NULL,
    period        INTEGER NOT NULL,
    due_date      DATE    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('open', 'paid')),
    total_fen     BIGINT NOT NULL,
    line_count    INTEGER NOT NULL,
    created_at_us BIGINT NOT NULL,
    paid_entry_id BIGINT,
    paid_on       DATE
);
CREATE UNIQUE INDEX remittance_bill_employer_period ON remittance_bill (employer_id, period);
CREATE INDEX remittance_bill_open ON remittance_bill (status, due_date);

CREATE TABLE remittance_bill_line (
    bill_id      BIGINT NOT NULL,
    line_no      INTEGER NOT NULL,
    member_id    BIGINT NOT NULL,
    base_fen     BIGINT NOT NULL,
    employer_fen BIGINT NOT NULL,
    member_fen   BIGINT NOT NULL,
    PRIMARY KEY (bill_id, line_no)
);
