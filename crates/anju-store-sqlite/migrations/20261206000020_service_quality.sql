-- Service quality (服务质量): complaints and disputes with their time limit
-- and one appeal; ratings after a service (好差评) whose bad ones carry a
-- rectification and a follow-up visit; the 12329 hotline's calls from the
-- telephony system's CDR files, each a ticket that may become a complaint.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE complaint (
    complaint_id         INTEGER NOT NULL PRIMARY KEY,
    received_on          TEXT    NOT NULL,
    source               TEXT    NOT NULL CHECK (source IN ('hall', 'hotline', 'letter', 'platform', 'counter')),
    category             TEXT    NOT NULL,
    member_id            INTEGER,
    complainant          TEXT    NOT NULL,
    contact              TEXT    NOT NULL,
    subject              TEXT    NOT NULL,
    detail               TEXT    NOT NULL,
    received_by          TEXT    NOT NULL,
    status               TEXT    NOT NULL CHECK (status IN ('received', 'handling', 'resolved', 'appealed')),
    due_on               TEXT    NOT NULL,
    handler_login        TEXT,
    verified             INTEGER NOT NULL DEFAULT 0,
    outcome              TEXT,
    finding              TEXT    NOT NULL DEFAULT '',
    reply                TEXT    NOT NULL DEFAULT '',
    resolved_on          TEXT,
    appeal_reason        TEXT    NOT NULL DEFAULT '',
    appealed_on          TEXT,
    appeal_handler_login TEXT,
    call_id              TEXT
);
CREATE INDEX complaint_received_on ON complaint (received_on);
CREATE INDEX complaint_status ON complaint (status, due_on);
CREATE INDEX complaint_member ON complaint (member_id);

CREATE TABLE service_review (
    review_id          INTEGER NOT NULL PRIMARY KEY,
    member_id          INTEGER NOT NULL,
    service            TEXT    NOT NULL CHECK (service IN ('withdrawal', 'loan')),
    service_ref        INTEGER NOT NULL,
    channel            TEXT    NOT NULL,
    staff_login        TEXT,
    stars              INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    reasons            TEXT    NOT NULL,
    reviewed_on        TEXT    NOT NULL,
    rectification      TEXT CHECK (rectification IN ('open', 'taken', 'rectified', 'followed_up')),
    rectification_due  TEXT,
    owner_login        TEXT,
    rectification_note TEXT    NOT NULL DEFAULT '',
    rectified_on       TEXT,
    follow_up_note     TEXT    NOT NULL DEFAULT '',
    followed_up_on     TEXT,
    visitor_login      TEXT
);
CREATE UNIQUE INDEX service_review_once ON service_review (member_id, service, service_ref);
CREATE INDEX service_review_reviewed_on ON service_review (reviewed_on);

CREATE TABLE hotline_call (
    call_id      TEXT    NOT NULL PRIMARY KEY,
    started_on   TEXT    NOT NULL,
    started_time TEXT    NOT NULL,
    caller       TEXT    NOT NULL,
    agent        TEXT    NOT NULL,
    duration_s   INTEGER NOT NULL,
    ticket       TEXT    NOT NULL CHECK (ticket IN ('consultation', 'complaint', 'handover')),
    satisfaction TEXT CHECK (satisfaction IN ('satisfied', 'basic', 'dissatisfied')),
    summary      TEXT    NOT NULL,
    complaint_id INTEGER,
    imported_by  TEXT    NOT NULL
);
CREATE INDEX hotline_call_started_on ON hotline_call (started_on);
