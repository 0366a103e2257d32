-- Interest (结息): which yearly settlements have started and finished, and the
-- accounts whose kept balance-days cannot be trusted for interest — a posting
-- valued in a settled year (it needs an adjustment) or a closing-interest
-- credit inside the open year — with the earliest value date concerned.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE interest_run (
    end_year    INTEGER NOT NULL PRIMARY KEY,
    started_on  TEXT    NOT NULL,
    finished_on TEXT
);

CREATE TABLE interest_recheck (
    member_id INTEGER NOT NULL PRIMARY KEY,
    from_day  TEXT    NOT NULL
);
CREATE INDEX interest_recheck_from_day ON interest_recheck (from_day, member_id);
