-- People and their actions: users, sessions, the append-only audit trail,
-- maker-checker tasks, API idempotency records, inbox and outbox.
-- Keep in step with the SQLite migration of the same name (parity test).

CREATE TABLE app_user (
    user_id         BIGINT  NOT NULL PRIMARY KEY,
    login           TEXT    NOT NULL,
    display_name    TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,
    totp_secret     TEXT,
    member_id       BIGINT,
    employer_id     BIGINT,
    mobile          TEXT,
    failed_attempts BIGINT  NOT NULL,
    locked_until_us BIGINT,
    created_at_us   BIGINT  NOT NULL
);
CREATE UNIQUE INDEX app_user_login ON app_user (login);

CREATE TABLE web_session (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id       BIGINT  NOT NULL,
    csrf_token    TEXT    NOT NULL,
    created_at_us BIGINT  NOT NULL,
    last_seen_us  BIGINT  NOT NULL,
    client_addr   TEXT    NOT NULL
);
CREATE INDEX web_session_user ON web_session (user_id);

CREATE TABLE audit_log (
    audit_id       BIGINT  NOT NULL PRIMARY KEY,
    at_us          BIGINT  NOT NULL,
    actor_user_id  BIGINT,
    actor_login    TEXT    NOT NULL,
    role           TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    target         TEXT    NOT NULL,
    payload_digest TEXT    NOT NULL,
    result         TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    client_addr    TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_us);
CREATE INDEX audit_log_action ON audit_log (action, audit_id);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE approval_task (
    task_id         BIGINT  NOT NULL PRIMARY KEY,
    kind            TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    maker_user_id   BIGINT  NOT NULL,
    maker_login     TEXT    NOT NULL,
    created_at_us   BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decider_user_id BIGINT,
    decider_login   TEXT,
    decided_at_us   BIGINT,
    reason          TEXT
);
CREATE INDEX approval_task_status ON approval_task (status, task_id);

CREATE TABLE api_idempotency (
    actor_user_id   BIGINT  NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    status_code     INTEGER NOT NULL,
    response_body   TEXT    NOT NULL,
    created_at_us   BIGINT  NOT NULL,
    PRIMARY KEY (actor_user_id, idempotency_key)
);

CREATE TABLE inbox_message (
    message_id    BIGINT  NOT NULL PRIMARY KEY,
    user_id       BIGINT  NOT NULL,
    category      TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    created_at_us BIGINT  NOT NULL,
    read_at_us    BIGINT
);
CREATE INDEX inbox_message_user ON inbox_message (user_id, message_id);

CREATE TABLE outbox_delivery (
    delivery_id BIGINT  NOT NULL PRIMARY KEY,
    message_id  BIGINT  NOT NULL,
    user_id     BIGINT  NOT NULL,
    channel     TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    sent_at_us  BIGINT  NOT NULL
);
CREATE INDEX outbox_delivery_user ON outbox_delivery (user_id, delivery_id);
