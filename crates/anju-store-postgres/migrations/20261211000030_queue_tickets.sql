-- 取号: numbered tickets in an outlet's queue, taken online by a member.
-- Numbers run from 1 each day at each outlet, given by the day's counter
-- row (raised in the taker's transaction, so racing takers queue on it). A member holds one ticket not
-- yet called per outlet and day.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE queue_ticket (
    outlet_code  TEXT    NOT NULL,
    day          DATE    NOT NULL,
    number       BIGINT  NOT NULL,
    member_id    BIGINT  NOT NULL,
    service_code TEXT    NOT NULL,
    called       BOOLEAN NOT NULL,
    issued_at_us BIGINT  NOT NULL,
    PRIMARY KEY (outlet_code, day, number)
);
CREATE UNIQUE INDEX queue_ticket_waiting ON queue_ticket (outlet_code, day, member_id) WHERE called = FALSE;
CREATE INDEX queue_ticket_member ON queue_ticket (member_id, day);

CREATE TABLE queue_counter (
    outlet_code TEXT   NOT NULL,
    day         DATE   NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (outlet_code, day)
);
