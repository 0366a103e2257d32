//! Storage of people and their actions: users, sessions, the audit trail,
//! maker-checker tasks, API idempotency records and messages.

use crate::StoreResult;
use anju_domain::access::{DeliveryStatus, LoginState, Role, TaskKind, TaskStatus};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub user_id: i64,
    /// 身份证号 for members, a username for staff and agents, a code for partners.
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// Base32 TOTP secret (staff only).
    pub totp_secret: Option<String>,
    pub member_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub login_state: LoginState,
    pub created_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie's token: a stolen database cannot be replayed as cookies.
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at_us: i64,
    pub last_seen_us: i64,
    pub client_addr: String,
}

/// One row of the append-only audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub audit_id: i64,
    pub at_us: i64,
    pub actor_user_id: Option<i64>,
    pub actor_login: String,
    pub role: String,
    pub channel: String,
    pub action: String,
    pub target: String,
    /// SHA-256 of the command's payload (the payload itself may hold personal data).
    pub payload_digest: String,
    /// `ok` or the refusal's stable code.
    pub result: String,
    pub request_id: String,
    pub client_addr: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Substring of the actor's login.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
    /// Keyset paging: rows with a smaller id than this (newest first).
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub task_id: i64,
    pub kind: TaskKind,
    pub target: String,
    pub payload: String,
    pub summary: String,
    pub maker_user_id: i64,
    pub maker_login: String,
    pub created_at_us: i64,
    pub status: TaskStatus,
    pub decider_user_id: Option<i64>,
    pub decider_login: Option<String>,
    pub decided_at_us: Option<i64>,
    pub reason: Option<String>,
}

/// The decision on a pending task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDecision {
    pub task_id: i64,
    pub status: TaskStatus,
    pub decider_user_id: i64,
    pub decider_login: String,
    pub decided_at_us: i64,
    pub reason: String,
}

/// A stored API response for an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub actor_user_id: i64,
    pub key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub response_body: String,
    pub created_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    pub message_id: i64,
    pub user_id: i64,
    pub category: String,
    pub title: String,
    pub body: String,
    pub created_at_us: i64,
    pub read_at_us: Option<i64>,
}

/// What a channel adapter sent (or would have sent) for a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub delivery_id: i64,
    pub message_id: i64,
    pub user_id: i64,
    pub channel: String,
    pub address: String,
    pub content: String,
    pub status: DeliveryStatus,
    pub sent_at_us: i64,
}

/// A partner system's API token (合作方令牌): only the SHA-256 of its
/// secret is kept. `revoked_on` is the day it stops (a rotation dates it a
/// few days ahead); none while it runs to its expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub token_id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub scopes: Vec<anju_domain::access::TokenScope>,
    pub issued_by: String,
    pub issued_on: anju_domain::Date,
    pub expires_on: anju_domain::Date,
    pub revoked_on: Option<anju_domain::Date>,
    pub revoked_by: Option<String>,
    pub revoke_reason: Option<String>,
}

/// A token's stop: the day it stops working, who stopped it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRevocation {
    pub token_id: i64,
    pub revoked_on: anju_domain::Date,
    pub revoked_by: String,
    pub reason: String,
}

#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Refuses (`USER_EXISTS`) a login already taken.
    async fn create_user(&self, user: &UserRecord) -> StoreResult<()>;
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<UserRecord>>;
    async fn user(&self, user_id: i64) -> StoreResult<Option<UserRecord>>;
    /// The users with these logins (unknown ones are left out), by login.
    async fn users_by_logins(&self, logins: &[String]) -> StoreResult<Vec<UserRecord>>;
    /// The accounts of one role, by display name (partners a member may
    /// grant access to).
    async fn users_with_role(&self, role: Role) -> StoreResult<Vec<UserRecord>>;
    async fn set_login_state(&self, user_id: i64, state: LoginState) -> StoreResult<()>;
    /// How many accounts of each role were created before `before_us`
    /// (roles with none are left out), in the order of the roles' codes.
    async fn accounts_by_role(&self, before_us: i64) -> StoreResult<Vec<(Role, i64)>>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, last_seen_us: i64) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Appends to the audit trail with the row's log leaf, in one
    /// transaction; the tables refuse updates and deletes.
    async fn append_audit(&self, record: &AuditRecord, leaf: &crate::LeafRecord)
    -> StoreResult<()>;
    /// Newest first.
    async fn search_audit(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>>;

    async fn create_task(&self, task: &TaskRecord) -> StoreResult<()>;
    async fn task(&self, task_id: i64) -> StoreResult<Option<TaskRecord>>;
    /// Records a decision if the task is still pending; false when it was not.
    async fn decide_task(&self, decision: &TaskDecision) -> StoreResult<bool>;
    /// Newest first, optionally of one status.
    async fn tasks(&self, status: Option<TaskStatus>, limit: u32) -> StoreResult<Vec<TaskRecord>>;
    /// Records that an approved export was handed to `user_id`; false when
    /// it already had been (each is handed over once).
    async fn release_export(&self, task_id: i64, user_id: i64, at_us: i64) -> StoreResult<bool>;
    /// Which of `task_ids` have been handed over.
    async fn released_exports(&self, task_ids: &[i64]) -> StoreResult<Vec<i64>>;

    async fn idempotency_record(
        &self,
        actor_user_id: i64,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>>;
    /// Saves a response; false when the key was already taken (a race).
    async fn save_idempotency_record(&self, record: &IdempotencyRecord) -> StoreResult<bool>;

    /// Writes a message to a user's inbox and its deliveries, atomically.
    async fn deliver_message(
        &self,
        message: &InboxMessage,
        deliveries: &[Delivery],
    ) -> StoreResult<()>;
    /// Newest first.
    async fn inbox(&self, user_id: i64, limit: u32) -> StoreResult<Vec<InboxMessage>>;
    async fn mark_read(&self, user_id: i64, message_id: i64, at_us: i64) -> StoreResult<()>;
    async fn deliveries(&self, user_id: i64, limit: u32) -> StoreResult<Vec<Delivery>>;

    /// Refuses (`TOKEN_EXISTS`) a token id or hash already stored.
    async fn insert_api_token(&self, token: &ApiTokenRecord) -> StoreResult<()>;
    /// The token with this secret hash, with its revocation if any.
    async fn api_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiTokenRecord>>;
    async fn api_token(&self, token_id: i64) -> StoreResult<Option<ApiTokenRecord>>;
    /// Every partner token, newest first, at most `limit`.
    async fn api_tokens(&self, limit: u32) -> StoreResult<Vec<ApiTokenRecord>>;
    /// Stops a token on the revocation's day, or brings an existing stop
    /// forward to it (a token in a rotation's grace revoked at once); refuses
    /// (`TOKEN_ALREADY_REVOKED`) a stop that is not earlier than the one kept.
    async fn revoke_api_token(&self, revocation: &TokenRevocation) -> StoreResult<()>;
}
