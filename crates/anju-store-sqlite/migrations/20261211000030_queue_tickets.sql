-- 取号: numbered tickets in an outlet's queue, taken online by a member.
-- Numbers run from 1 each day at each outlet, given by the day's counter
-- row (raised in the taker's transaction, so racing takers queue on it). A member holds one ticket not
-- yet called per outlet and day.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE queue_ticket (
    outlet_code  TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    number       INTEGER  NOT NULL,
    member_id    INTEGER  NOT NULL,
    service_code TEXT    NOT NULL,
    called       INTEGER NOT NULL,
    issued_at_us INTEGER  NOT NULL,
    PRIMARY KEY (outlet_code, day, number)
);
CREATE UNIQUE INDEX queue_ticket_waiting ON queue_ticket (outlet_code, day, member_id) WHERE called = 0;
CREATE INDEX queue_ticket_member ON queue_ticket (member_id, day);

CREATE TABLE queue_counter (
    outlet_code TEXT   NOT NULL,
    day         TEXT   NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (outlet_code, day)
);
