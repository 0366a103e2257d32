-- 办件时效: one row per timed piece of work (an application, a complaint,
-- a conversation handed to a person): when it was accepted, when its
-- promise fell due when it was recorded (read again with the calendar of
-- the day) and when it was completed (NULL while open).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE work_item (
    kind         TEXT    NOT NULL,
    subject_id   BIGINT  NOT NULL,
    accepted_on  DATE    NOT NULL,
    due_on       DATE    NOT NULL,
    completed_on DATE,
    PRIMARY KEY (kind, subject_id)
);
CREATE INDEX work_item_accepted_on ON work_item (accepted_on);
CREATE INDEX work_item_open ON work_item (due_on) WHERE completed_on IS NULL;
