//! Storage of service quality (服务质量): complaints with their appeal,
//! ratings after a service (好差评) with a bad one's rectification, and the
//! 12329 hotline's calls. The rules are the domain's (`anju_domain::quality`)
//! and the use cases' (`anju_app::quality`); this port keeps the records and
//! counts them for K17, K20 and K21.

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::quality::{
    CdrCall, ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, RatedService,
    RectificationStatus,
};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRecord {
    pub complaint_id: i64,
    pub received_on: Date,
    pub source: ComplaintSource,
    pub category: ComplaintCategory,
    /// The member complaining, when they are one (and signed in or found).
    pub member_id: Option<i64>,
    pub complainant: String,
    pub contact: String,
    pub subject: String,
    pub detail: String,
    /// Who took it: a member online, or a member of staff.
    pub received_by: String,
    pub status: ComplaintStatus,
    pub due_on: Date,
    pub handler_login: Option<String>,
    /// A service-quality fault found true (查实, K21).
    pub verified: bool,
    pub outcome: Option<ComplaintOutcome>,
    pub finding: String,
    pub reply: String,
    pub resolved_on: Option<Date>,
    pub appeal_reason: String,
    pub appealed_on: Option<Date>,
    pub appeal_handler_login: Option<String>,
    /// The hotline call it came from.
    pub call_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub review_id: i64,
    pub member_id: i64,
    pub service: RatedService,
    /// The withdrawal's or loan's id.
    pub service_ref: i64,
    pub channel: Channel,
    /// Who served the member (decided the application), if staff did.
    pub staff_login: Option<String>,
    pub stars: u8,
    pub reasons: String,
    pub reviewed_on: Date,
    /// A bad review's rectification; none for a good one.
    pub rectification: Option<RectificationStatus>,
    pub rectification_due: Option<Date>,
    pub owner_login: Option<String>,
    pub rectification_note: String,
    pub rectified_on: Option<Date>,
    pub follow_up_note: String,
    pub followed_up_on: Option<Date>,
    pub visitor_login: Option<String>,
}

/// A call as the telephony system recorded it, with what the centre added:
/// the complaint it became and who imported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotlineCallRecord {
    pub call: CdrCall,
    pub complaint_id: Option<i64>,
    pub imported_by: String,
}

/// Complaints received in a span: how many, how many mediated (调处) and
/// how many verified (查实).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ComplaintCounts {
    pub received: i64,
    pub mediated: i64,
    pub verified: i64,
}

/// Hotline calls in a span: how many, how many answered the survey and how
/// many of those were satisfied (满意 or 基本满意).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HotlineCounts {
    pub calls: i64,
    pub rated: i64,
    pub satisfied: i64,
}

/// Reviews of one service, channel and member of staff in a span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewGroup {
    pub service: RatedService,
    pub channel: Channel,
    pub staff_login: Option<String>,
    pub reviews: i64,
    pub stars_total: i64,
    /// 差评 (with a rectification) and those rectified or visited.
    pub bad: i64,
    pub rectified: i64,
}

#[async_trait]
pub trait QualityStore: Send + Sync {
    /// Records a complaint; one from a hotline call also marks the call
    /// (`HOTLINE_CALL_HAS_COMPLAINT` when it already became one), in one
    /// transaction.
    async fn insert_complaint(&self, complaint: &ComplaintRecord) -> StoreResult<()>;
    async fn complaint(&self, complaint_id: i64) -> StoreResult<Option<ComplaintRecord>>;
    /// Unresolved first (by due day), then the latest resolved; at most `limit`.
    async fn complaints(&self, limit: u32) -> StoreResult<Vec<ComplaintRecord>>;
    async fn member_complaints(&self, member_id: i64) -> StoreResult<Vec<ComplaintRecord>>;
    /// Writes a complaint's next state if it is still in `expected`; false
    /// when someone else moved it first.
    async fn update_complaint(
        &self,
        complaint: &ComplaintRecord,
        expected: ComplaintStatus,
    ) -> StoreResult<bool>;
    /// Complaints received in `[from, to]`, counted for K17 and K21.
    async fn complaint_counts(&self, from: Date, to: Date) -> StoreResult<ComplaintCounts>;

    /// Records a rating (`REVIEW_EXISTS` when the service was rated already).
    async fn insert_review(&self, review: &ReviewRecord) -> StoreResult<()>;
    async fn review(&self, review_id: i64) -> StoreResult<Option<ReviewRecord>>;
    async fn member_reviews(&self, member_id: i64) -> StoreResult<Vec<ReviewRecord>>;
    /// The latest reviews, bad ones still being rectified first.
    async fn reviews(&self, limit: u32) -> StoreResult<Vec<ReviewRecord>>;
    /// Writes a rectification's next state if it is still in `expected`.
    async fn update_rectification(
        &self,
        review: &ReviewRecord,
        expected: RectificationStatus,
    ) -> StoreResult<bool>;
    /// Reviews given in `[from, to]`, by service, channel and staff.
    async fn review_groups(&self, from: Date, to: Date) -> StoreResult<Vec<ReviewGroup>>;

    /// Adds the calls not already there (a file imported twice adds
    /// nothing); returns how many were added.
    async fn insert_calls(&self, calls: &[HotlineCallRecord]) -> StoreResult<u64>;
    async fn hotline_call(&self, call_id: &str) -> StoreResult<Option<HotlineCallRecord>>;
    /// The latest calls, at most `limit`.
    async fn hotline_calls(&self, limit: u32) -> StoreResult<Vec<HotlineCallRecord>>;
    /// Calls in `[from, to]`, counted for K20.
    async fn hotline_counts(&self, from: Date, to: Date) -> StoreResult<HotlineCounts>;
}
