-- 网点预约: appointments by half-hour slot at the outlets of
-- services/outlets.toml. A slot's row counts its bookings: a booking
-- raises it only while it is below the slot's capacity, in the booking's
-- transaction, so concurrent bookings never overfill a slot. A member
-- holds at most one booked appointment a day (partial unique index).
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE appointment_slot (
    outlet_code TEXT    NOT NULL,
    day         DATE    NOT NULL,
    slot_min    INTEGER NOT NULL,
    booked      BIGINT  NOT NULL,
    PRIMARY KEY (outlet_code, day, slot_min)
);

CREATE TABLE appointment (
    appointment_id BIGINT NOT NULL PRIMARY KEY,
    member_id      BIGINT NOT NULL,
    outlet_code    TEXT   NOT NULL,
    day            DATE   NOT NULL,
    slot_min       INTEGER NOT NULL,
    service_code   TEXT   NOT NULL,
    status         TEXT   NOT NULL,
    booked_at_us   BIGINT NOT NULL,
    changed_at_us  BIGINT NOT NULL
);
CREATE UNIQUE INDEX appointment_member_day ON appointment (member_id, day) WHERE status = 'booked';
CREATE INDEX appointment_outlet_day ON appointment (outlet_code, day, slot_min);
CREATE INDEX appointment_member ON appointment (member_id, day);
