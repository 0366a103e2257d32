-- 服务找人 for employers: reminders sent to an employer's agents (the
-- yearly base filing window), unique per employer and key so each is
-- sent once; the inbox message of its first agent (opened is that read).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE employer_reminder (
    reminder_id  BIGINT NOT NULL PRIMARY KEY,
    employer_id  BIGINT NOT NULL,
    kind         TEXT   NOT NULL,
    reminder_key TEXT   NOT NULL,
    title        TEXT   NOT NULL,
    body         TEXT   NOT NULL,
    sent_on      DATE   NOT NULL,
    message_id   BIGINT
);
CREATE UNIQUE INDEX employer_reminder_key ON employer_reminder (employer_id, reminder_key);
CREATE INDEX employer_reminder_sent_on ON employer_reminder (sent_on);
