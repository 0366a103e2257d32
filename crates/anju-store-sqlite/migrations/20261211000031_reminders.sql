-- 服务找人: reminders sent to members, one row each, unique per member and
-- key so a reminder is sent once; the inbox message it became (opened is
-- that message read); and the kinds a member opted out of.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE reminder (
    reminder_id INTEGER NOT NULL PRIMARY KEY,
    member_id   INTEGER NOT NULL,
    kind        TEXT   NOT NULL,
    reminder_key TEXT  NOT NULL,
    title       TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    sent_on     TEXT   NOT NULL,
    message_id  INTEGER
);
CREATE UNIQUE INDEX reminder_member_key ON reminder (member_id, reminder_key);
CREATE INDEX reminder_sent_on ON reminder (sent_on);

CREATE TABLE reminder_opt_out (
    member_id INTEGER NOT NULL,
    kind      TEXT   NOT NULL,
    PRIMARY KEY (member_id, kind)
);
