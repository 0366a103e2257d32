-- 实名导出: a list with full names and ID numbers that needed a manager's
-- approval is handed to the staff member who asked for it once; this row,
-- keyed by the approval task, is that hand-over (a second attempt finds it
-- and is refused). The file's rows and SHA-256 are in the audit trail.
-- Keep in step with the other backend's migration of the same name (parity test).

CREATE TABLE export_release (
    task_id        BIGINT NOT NULL PRIMARY KEY,
    user_id        BIGINT NOT NULL,
    released_at_us BIGINT NOT NULL
);
