//! The SQL of [`AccessStore`](crate::AccessStore): plain generic code over
//! [`Dialect`](crate::sql::Dialect), the same text on SQLite and PostgreSQL
//! (`$n` placeholders, `i64`/text columns only).

use crate::StoreResult;
use crate::access::{
    ApiTokenRecord, AuditRecord, Delivery, InboxMessage, TaskRecord, TokenRevocation, UserRecord,
};
use crate::rows::coded;
use anju_domain::access::{DeliveryStatus, LoginState, Role, TaskKind, TaskStatus};

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub member_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub mobile: Option<String>,
    pub failed_attempts: i64,
    pub locked_until_us: Option<i64>,
    pub created_at_us: i64,
    pub email: Option<String>,
}

/// A user row opened: login, name, mobile and e-mail are sealed at rest.
pub fn user_from(seal: &crate::PersonalSeal, r: UserRow) -> StoreResult<UserRecord> {
    Ok(UserRecord {
        user_id: r.user_id,
        login: seal.open(crate::seal::field("app_user", "login", r.user_id), &r.login)?,
        display_name: seal.open(
            crate::seal::field("app_user", "display_name", r.user_id),
            &r.display_name,
        )?,
        role: coded("app_user", "role", &r.role, Role::parse)?,
        password_hash: r.password_hash,
        totp_secret: r.totp_secret,
        member_id: r.member_id,
        employer_id: r.employer_id,
        mobile: seal.open_opt(
            crate::seal::field("app_user", "mobile", r.user_id),
            r.mobile.as_deref(),
        )?,
        email: seal.open_opt(
            crate::seal::field("app_user", "email", r.user_id),
            r.email.as_deref(),
        )?,
        login_state: LoginState {
            failures: r.failed_attempts,
            locked_until_us: r.locked_until_us,
        },
        created_at_us: r.created_at_us,
    })
}

/// A token's columns with its revocation's, dates as text on both engines.
macro_rules! api_token_select {
    () => {
        "SELECT t.token_id, t.user_id, t.token_hash, t.scopes, t.issued_by, \
         CAST(t.issued_on AS TEXT) AS issued_on, CAST(t.expires_on AS TEXT) AS expires_on, \
         CAST(r.revoked_on AS TEXT) AS revoked_on, r.revoked_by, r.reason AS revoke_reason \
         FROM api_token t LEFT JOIN api_token_revocation r ON r.token_id = t.token_id"
    };
}

#[derive(sqlx::FromRow)]
pub struct ApiTokenRow {
    token_id: i64,
    user_id: i64,
    token_hash: String,
    scopes: String,
    issued_by: String,
    issued_on: String,
    expires_on: String,
    revoked_on: Option<String>,
    revoked_by: Option<String>,
    revoke_reason: Option<String>,
}

fn api_token_from(r: ApiTokenRow) -> StoreResult<ApiTokenRecord> {
    let scopes = anju_domain::access::parse_token_scopes(&r.scopes).map_err(|_| {
        crate::StoreError::Corrupt {
            table: "api_token",
            column: "scopes",
            value: r.scopes.clone(),
        }
    })?;
    Ok(ApiTokenRecord {
        token_id: r.token_id,
        user_id: r.user_id,
        token_hash: r.token_hash,
        scopes,
        issued_by: r.issued_by,
        issued_on: crate::rows::stored_date(&r.issued_on)?,
        expires_on: crate::rows::stored_date(&r.expires_on)?,
        revoked_on: r
            .revoked_on
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()?,
        revoked_by: r.revoked_by,
        revoke_reason: r.revoke_reason,
    })
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub audit_id: i64,
    pub at_us: i64,
    pub actor_user_id: Option<i64>,
    pub actor_login: String,
    pub role: String,
    pub channel: String,
    pub action: String,
    pub target: String,
    pub payload_digest: String,
    pub result: String,
    pub request_id: String,
    pub client_addr: String,
}

pub fn audit_from(r: AuditRow) -> AuditRecord {
    AuditRecord {
        audit_id: r.audit_id,
        at_us: r.at_us,
        actor_user_id: r.actor_user_id,
        actor_login: r.actor_login,
        role: r.role,
        channel: r.channel,
        action: r.action,
        target: r.target,
        payload_digest: r.payload_digest,
        result: r.result,
        request_id: r.request_id,
        client_addr: r.client_addr,
    }
}

#[derive(sqlx::FromRow)]
pub struct TaskRow {
    pub task_id: i64,
    pub kind: String,
    pub target: String,
    pub payload: String,
    pub summary: String,
    pub maker_user_id: i64,
    pub maker_login: String,
    pub created_at_us: i64,
    pub status: String,
    pub decider_user_id: Option<i64>,
    pub decider_login: Option<String>,
    pub decided_at_us: Option<i64>,
    pub reason: Option<String>,
}

pub fn task_from(r: TaskRow) -> StoreResult<TaskRecord> {
    Ok(TaskRecord {
        task_id: r.task_id,
        kind: coded("approval_task", "kind", &r.kind, TaskKind::parse)?,
        target: r.target,
        payload: r.payload,
        summary: r.summary,
        maker_user_id: r.maker_user_id,
        maker_login: r.maker_login,
        created_at_us: r.created_at_us,
        status: coded("approval_task", "status", &r.status, TaskStatus::parse)?,
        decider_user_id: r.decider_user_id,
        decider_login: r.decider_login,
        decided_at_us: r.decided_at_us,
        reason: r.reason,
    })
}

#[derive(sqlx::FromRow)]
pub struct MessageRow {
    pub message_id: i64,
    pub user_id: i64,
    pub category: String,
    pub title: String,
    pub body: String,
    pub created_at_us: i64,
    pub read_at_us: Option<i64>,
}

pub fn message_from(r: MessageRow) -> InboxMessage {
    InboxMessage {
        message_id: r.message_id,
        user_id: r.user_id,
        category: r.category,
        title: r.title,
        body: r.body,
        created_at_us: r.created_at_us,
        read_at_us: r.read_at_us,
    }
}

#[derive(sqlx::FromRow)]
pub struct DeliveryRow {
    pub delivery_id: i64,
    pub message_id: i64,
    pub user_id: i64,
    pub channel: String,
    pub address: String,
    pub content: String,
    pub status: String,
    pub sent_at_us: i64,
}

/// A delivery row opened: the address (a mobile or e-mail) is sealed at rest.
pub fn delivery_from(seal: &crate::PersonalSeal, r: DeliveryRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        delivery_id: r.delivery_id,
        message_id: r.message_id,
        user_id: r.user_id,
        channel: r.channel,
        address: seal.open(
            crate::seal::field("outbox_delivery", "address", r.delivery_id),
            &r.address,
        )?,
        content: r.content,
        status: coded(
            "outbox_delivery",
            "status",
            &r.status,
            DeliveryStatus::parse,
        )?,
        sent_at_us: r.sent_at_us,
    })
}

/// `%`, `_` and `\` escaped for a `LIKE … ESCAPE '\'` substring match.
pub fn like_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// Most rows a listing returns.
pub const MAX_LIST: u32 = 500;

pub fn list_limit(limit: u32) -> i64 {
    i64::from(limit.clamp(1, MAX_LIST))
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::AccessStore for S
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    i32: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    bool: crate::sql::Col<S::Db>,
    Vec<u8>: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    Option<i32>: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    Option<S::Date>: for<'q> crate::sql::Arg<'q, S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db> + sqlx::Decode<'a, S::Db>,
    for<'a> &'a [u8]: crate::sql::Arg<'a, S::Db>,
    for<'a> Option<&'a str>: crate::sql::Arg<'a, S::Db>,
{
    async fn create_user(&self, u: &crate::UserRecord) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO app_user (user_id, login, display_name, role, password_hash, totp_secret, \
             member_id, employer_id, mobile, failed_attempts, locked_until_us, created_at_us, email, \
             login_bidx) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(u.user_id)
        .bind(self.seal().seal(crate::seal::field("app_user", "login", u.user_id), &u.login))
        .bind(self.seal().seal(crate::seal::field("app_user", "display_name", u.user_id), &u.display_name))
        .bind(u.role.code())
        .bind(&u.password_hash)
        .bind(&u.totp_secret)
        .bind(u.member_id)
        .bind(u.employer_id)
        .bind(self.seal().seal_opt(crate::seal::field("app_user", "mobile", u.user_id), u.mobile.as_deref()))
        .bind(u.login_state.failures)
        .bind(u.login_state.locked_until_us)
        .bind(u.created_at_us)
        .bind(self.seal().seal_opt(crate::seal::field("app_user", "email", u.user_id), u.email.as_deref()))
        .bind(self.seal().index(crate::seal::kind::LOGIN, &u.login))
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend("USER_EXISTS", "该登录名已存在"))?;
        Ok(())
    }

    async fn user_by_login(&self, login: &str) -> crate::StoreResult<Option<crate::UserRecord>> {
        let row: Option<crate::access_sql::UserRow> = sqlx::query_as(
            "SELECT user_id, login, display_name, role, password_hash, totp_secret, member_id, \
             employer_id, mobile, failed_attempts, locked_until_us, created_at_us, email \
             FROM app_user WHERE login_bidx = $1",
        )
        .bind(self.seal().index(crate::seal::kind::LOGIN, login))
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::access_sql::user_from(self.seal(), r))
            .transpose()
    }

    async fn users_with_role(
        &self,
        role: anju_domain::access::Role,
    ) -> crate::StoreResult<Vec<crate::UserRecord>> {
        let rows: Vec<crate::access_sql::UserRow> = sqlx::query_as(
            "SELECT user_id, login, display_name, role, password_hash, totp_secret, member_id, \
             employer_id, mobile, failed_attempts, locked_until_us, created_at_us, email \
             FROM app_user WHERE role = $1",
        )
        .bind(role.code())
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        // Sealed names sort only once opened.
        let mut users = crate::sql::mapped(rows, |r| crate::access_sql::user_from(self.seal(), r))?;
        users.sort_by(|a, b| (&a.display_name, &a.login).cmp(&(&b.display_name, &b.login)));
        Ok(users)
    }

    async fn users_by_logins(
        &self,
        logins: &[String],
    ) -> crate::StoreResult<Vec<crate::UserRecord>> {
        let indexes: Vec<String> = logins
            .iter()
            .map(|l| self.seal().index(crate::seal::kind::LOGIN, l))
            .collect();
        let rows: Vec<crate::access_sql::UserRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT user_id, login, display_name, role, password_hash, totp_secret, member_id, \
             employer_id, mobile, failed_attempts, locked_until_us, created_at_us, email \
             FROM app_user WHERE login_bidx IN (",
            &indexes,
            ")",
        )
        .await?;
        let mut users = crate::sql::mapped(rows, |r| crate::access_sql::user_from(self.seal(), r))?;
        users.sort_by(|a, b| a.login.cmp(&b.login));
        Ok(users)
    }

    async fn accounts_by_role(
        &self,
        before_us: i64,
    ) -> crate::StoreResult<Vec<(anju_domain::access::Role, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT role, COUNT(*) FROM app_user WHERE created_at_us < $1 GROUP BY role ORDER BY role",
        )
        .bind(before_us)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |(role, n)| {
            let role =
                crate::rows::coded("app_user", "role", &role, anju_domain::access::Role::parse)?;
            Ok((role, n))
        })
    }

    async fn user(&self, user_id: i64) -> crate::StoreResult<Option<crate::UserRecord>> {
        let row: Option<crate::access_sql::UserRow> = sqlx::query_as(
            "SELECT user_id, login, display_name, role, password_hash, totp_secret, member_id, \
             employer_id, mobile, failed_attempts, locked_until_us, created_at_us, email \
             FROM app_user WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::access_sql::user_from(self.seal(), r))
            .transpose()
    }

    async fn set_login_state(
        &self,
        user_id: i64,
        state: anju_domain::access::LoginState,
    ) -> crate::StoreResult<()> {
        sqlx::query(
            "UPDATE app_user SET failed_attempts = $2, locked_until_us = $3 WHERE user_id = $1",
        )
        .bind(user_id)
        .bind(state.failures)
        .bind(state.locked_until_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn create_session(&self, s: &crate::SessionRecord) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO web_session (token_hash, user_id, csrf_token, created_at_us, last_seen_us, \
             client_addr) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(s.created_at_us)
        .bind(s.last_seen_us)
        .bind(&s.client_addr)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> crate::StoreResult<Option<crate::SessionRecord>> {
        let row: Option<(String, i64, String, i64, i64, String)> = sqlx::query_as(
            "SELECT token_hash, user_id, csrf_token, created_at_us, last_seen_us, client_addr \
             FROM web_session WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(row.map(|r| crate::SessionRecord {
            token_hash: r.0,
            user_id: r.1,
            csrf_token: r.2,
            created_at_us: r.3,
            last_seen_us: r.4,
            client_addr: r.5,
        }))
    }

    async fn touch_session(&self, token_hash: &str, last_seen_us: i64) -> crate::StoreResult<()> {
        sqlx::query("UPDATE web_session SET last_seen_us = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(last_seen_us)
            .execute(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> crate::StoreResult<()> {
        sqlx::query("DELETE FROM web_session WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn append_audit(
        &self,
        r: &crate::AuditRecord,
        leaf: &crate::LeafRecord,
    ) -> crate::StoreResult<()> {
        // The row carries its leaf; the table's trigger writes the leaf in
        // the same statement (one round trip, one transaction).
        sqlx::query(
            "INSERT INTO audit_log (audit_id, at_us, actor_user_id, actor_login, role, channel, \
             action, target, payload_digest, result, request_id, client_addr, leaf_id, leaf_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(r.audit_id)
        .bind(r.at_us)
        .bind(r.actor_user_id)
        .bind(&r.actor_login)
        .bind(&r.role)
        .bind(&r.channel)
        .bind(&r.action)
        .bind(&r.target)
        .bind(&r.payload_digest)
        .bind(&r.result)
        .bind(&r.request_id)
        .bind(&r.client_addr)
        .bind(leaf.leaf_id)
        .bind(anju_domain::trust::keys::hex(&leaf.leaf_hash))
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend(
            "LOG_LEAF_EXISTS",
            format!("记录 audit {} 已记入日志", r.audit_id),
        ))?;
        Ok(())
    }

    async fn search_audit(
        &self,
        q: &crate::AuditQuery,
    ) -> crate::StoreResult<Vec<crate::AuditRecord>> {
        let rows: Vec<crate::access_sql::AuditRow> = sqlx::query_as(
            "SELECT audit_id, at_us, actor_user_id, actor_login, role, channel, action, target, \
             payload_digest, result, request_id, client_addr FROM audit_log \
             WHERE ($1 IS NULL OR actor_login LIKE $1 ESCAPE '\\') \
             AND ($2 IS NULL OR action = $2) \
             AND ($3 IS NULL OR at_us >= $3) AND ($4 IS NULL OR at_us < $4) \
             AND ($5 IS NULL OR audit_id < $5) \
             ORDER BY audit_id DESC LIMIT $6",
        )
        .bind(q.actor.as_deref().map(crate::access_sql::like_pattern))
        .bind(q.action.as_deref())
        .bind(q.from_us)
        .bind(q.to_us)
        .bind(q.before_id)
        .bind(crate::access_sql::list_limit(q.limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(rows
            .into_iter()
            .map(crate::access_sql::audit_from)
            .collect())
    }

    async fn create_task(&self, t: &crate::TaskRecord) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO approval_task (task_id, kind, target, payload, summary, maker_user_id, \
             maker_login, created_at_us, status, decider_user_id, decider_login, decided_at_us, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(t.task_id)
        .bind(t.kind.code())
        .bind(&t.target)
        .bind(&t.payload)
        .bind(&t.summary)
        .bind(t.maker_user_id)
        .bind(&t.maker_login)
        .bind(t.created_at_us)
        .bind(t.status.code())
        .bind(t.decider_user_id)
        .bind(&t.decider_login)
        .bind(t.decided_at_us)
        .bind(&t.reason)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn task(&self, task_id: i64) -> crate::StoreResult<Option<crate::TaskRecord>> {
        let row: Option<crate::access_sql::TaskRow> = sqlx::query_as(
            "SELECT task_id, kind, target, payload, summary, maker_user_id, maker_login, created_at_us, \
             status, decider_user_id, decider_login, decided_at_us, reason FROM approval_task \
             WHERE task_id = $1",
        )
        .bind(task_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::access_sql::task_from).transpose()
    }

    async fn decide_task(&self, d: &crate::TaskDecision) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE approval_task SET status = $2, decider_user_id = $3, decider_login = $4, \
             decided_at_us = $5, reason = $6 WHERE task_id = $1 AND status = 'pending'",
        )
        .bind(d.task_id)
        .bind(d.status.code())
        .bind(d.decider_user_id)
        .bind(&d.decider_login)
        .bind(d.decided_at_us)
        .bind(&d.reason)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn tasks(
        &self,
        status: Option<anju_domain::access::TaskStatus>,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::TaskRecord>> {
        let rows: Vec<crate::access_sql::TaskRow> = sqlx::query_as(
            "SELECT task_id, kind, target, payload, summary, maker_user_id, maker_login, created_at_us, \
             status, decider_user_id, decider_login, decided_at_us, reason FROM approval_task \
             WHERE ($1 IS NULL OR status = $1) ORDER BY task_id DESC LIMIT $2",
        )
        .bind(status.map(|s| s.code()))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter().map(crate::access_sql::task_from).collect()
    }

    async fn release_export(
        &self,
        task_id: i64,
        user_id: i64,
        at_us: i64,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO export_release (task_id, user_id, released_at_us) VALUES ($1, $2, $3) \
             ON CONFLICT (task_id) DO NOTHING",
        )
        .bind(task_id)
        .bind(user_id)
        .bind(at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn released_exports(&self, task_ids: &[i64]) -> crate::StoreResult<Vec<i64>> {
        let head = "SELECT task_id FROM export_release WHERE task_id IN (";
        let rows: Vec<(i64,)> =
            crate::sql::rows_in::<S, _, _>(self.reader(), head, task_ids, ")").await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn idempotency_record(
        &self,
        actor_user_id: i64,
        key: &str,
    ) -> crate::StoreResult<Option<crate::IdempotencyRecord>> {
        let row: Option<(i64, String, String, i32, String, i64)> = sqlx::query_as(
            "SELECT actor_user_id, idempotency_key, request_hash, status_code, response_body, \
             created_at_us FROM api_idempotency WHERE actor_user_id = $1 AND idempotency_key = $2",
        )
        .bind(actor_user_id)
        .bind(key)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(row.map(|r| crate::IdempotencyRecord {
            actor_user_id: r.0,
            key: r.1,
            request_hash: r.2,
            status_code: r.3,
            response_body: r.4,
            created_at_us: r.5,
        }))
    }

    async fn save_idempotency_record(
        &self,
        r: &crate::IdempotencyRecord,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO api_idempotency (actor_user_id, idempotency_key, request_hash, status_code, \
             response_body, created_at_us) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (actor_user_id, idempotency_key) DO NOTHING",
        )
        .bind(r.actor_user_id)
        .bind(&r.key)
        .bind(&r.request_hash)
        .bind(r.status_code)
        .bind(&r.response_body)
        .bind(r.created_at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn deliver_message(
        &self,
        m: &crate::InboxMessage,
        deliveries: &[crate::Delivery],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO inbox_message (message_id, user_id, category, title, body, created_at_us, \
             read_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.message_id)
        .bind(m.user_id)
        .bind(&m.category)
        .bind(&m.title)
        .bind(&m.body)
        .bind(m.created_at_us)
        .bind(m.read_at_us)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        for d in deliveries {
            sqlx::query(
                "INSERT INTO outbox_delivery (delivery_id, message_id, user_id, channel, address, \
                 content, status, sent_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(d.delivery_id)
            .bind(d.message_id)
            .bind(d.user_id)
            .bind(&d.channel)
            .bind(self.seal().seal(
                crate::seal::field("outbox_delivery", "address", d.delivery_id),
                &d.address,
            ))
            .bind(&d.content)
            .bind(d.status.code())
            .bind(d.sent_at_us)
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn inbox(
        &self,
        user_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::InboxMessage>> {
        let rows: Vec<crate::access_sql::MessageRow> = sqlx::query_as(
            "SELECT message_id, user_id, category, title, body, created_at_us, read_at_us \
             FROM inbox_message WHERE user_id = $1 ORDER BY message_id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(rows
            .into_iter()
            .map(crate::access_sql::message_from)
            .collect())
    }

    async fn mark_read(&self, user_id: i64, message_id: i64, at_us: i64) -> crate::StoreResult<()> {
        sqlx::query(
            "UPDATE inbox_message SET read_at_us = $3 WHERE user_id = $1 AND message_id = $2 \
             AND read_at_us IS NULL",
        )
        .bind(user_id)
        .bind(message_id)
        .bind(at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn deliveries(
        &self,
        user_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::Delivery>> {
        let rows: Vec<crate::access_sql::DeliveryRow> = sqlx::query_as(
            "SELECT delivery_id, message_id, user_id, channel, address, content, status, sent_at_us \
             FROM outbox_delivery WHERE user_id = $1 ORDER BY delivery_id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| crate::access_sql::delivery_from(self.seal(), r))
            .collect()
    }

    async fn insert_api_token(&self, t: &ApiTokenRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO api_token (token_id, user_id, token_hash, scopes, issued_by, issued_on, \
             expires_on) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.token_id)
        .bind(t.user_id)
        .bind(t.token_hash.as_str())
        .bind(anju_domain::access::token_scopes_text(&t.scopes))
        .bind(t.issued_by.as_str())
        .bind(S::day(t.issued_on))
        .bind(S::day(t.expires_on))
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend("TOKEN_EXISTS", "令牌已存在"))?;
        Ok(())
    }

    async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>> {
        let row: Option<ApiTokenRow> =
            sqlx::query_as(concat!(api_token_select!(), " WHERE t.token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(crate::sql::backend)?;
        row.map(api_token_from).transpose()
    }

    async fn api_token(&self, token_id: i64) -> StoreResult<Option<ApiTokenRecord>> {
        let row: Option<ApiTokenRow> =
            sqlx::query_as(concat!(api_token_select!(), " WHERE t.token_id = $1"))
                .bind(token_id)
                .fetch_optional(self.writer())
                .await
                .map_err(crate::sql::backend)?;
        row.map(api_token_from).transpose()
    }

    async fn api_tokens(&self, limit: u32) -> StoreResult<Vec<ApiTokenRecord>> {
        let rows: Vec<ApiTokenRow> = sqlx::query_as(concat!(
            api_token_select!(),
            " ORDER BY t.token_id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, api_token_from)
    }

    async fn revoke_api_token(&self, r: &TokenRevocation) -> StoreResult<()> {
        // One statement, so two staff stopping one token cannot both win.
        let done = sqlx::query(
            "INSERT INTO api_token_revocation (token_id, revoked_on, revoked_by, reason) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (token_id) DO UPDATE SET revoked_on = excluded.revoked_on, \
             revoked_by = excluded.revoked_by, reason = excluded.reason \
             WHERE api_token_revocation.revoked_on > excluded.revoked_on",
        )
        .bind(r.token_id)
        .bind(S::day(r.revoked_on))
        .bind(r.revoked_by.as_str())
        .bind(r.reason.as_str())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        if S::affected(&done) == 0 {
            return Err(crate::StoreError::rejected(
                "TOKEN_ALREADY_REVOKED",
                "令牌已吊销",
            ));
        }
        Ok(())
    }
}
