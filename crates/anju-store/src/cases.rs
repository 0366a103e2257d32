//! Storage of collection's casework around the monthly bill: employer life
//! cycle, the yearly base filing (年度基数调整), deferral and rate-reduction
//! reliefs (缓缴/降比例), enforcement cases (催缴 → 责令限期缴存 → 申请法院强制执行),
//! flexible workers' agreements and deposits, and staff search.

use crate::StoreResult;
use crate::collection::{BillRecord, EmployerRecord, MemberRecord};
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::collection::{
    CaseStatus, CaseStep, EmployerStatus, ReliefKind, ReliefStatus, ReviewOutcome, StepFact,
};
use anju_domain::{Fen, RatePpm};
use async_trait::async_trait;

/// One employer's base filing for a contribution year (K05 counts these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFilingRecord {
    pub employer_id: i64,
    /// The contribution year by its starting calendar year (2026 = 2026-07 … 2027-06).
    pub year: i32,
    pub filed_on: Date,
    pub member_count: i32,
    pub filed_by: String,
    /// The channel it was filed through (K18): an employer agent online, a
    /// clerk at the counter.
    pub applied_via: Channel,
}

/// A new base (as the monthly wage it is derived from) for one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewBase {
    pub member_id: i64,
    pub wage_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefRecord {
    pub relief_id: i64,
    pub employer_id: i64,
    pub kind: ReliefKind,
    pub from_period: i32,
    pub to_period: i32,
    /// The reduced rates (rate reduction only).
    pub employer_rate_ppm: Option<RatePpm>,
    pub member_rate_ppm: Option<RatePpm>,
    pub reason: String,
    /// How the staff representatives agreed (职工代表大会决议 reference).
    pub consent: String,
    pub status: ReliefStatus,
    pub task_id: i64,
    pub filed_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub case_id: i64,
    pub employer_id: i64,
    pub opened_on: Date,
    pub status: CaseStatus,
    pub arrears_fen: Fen,
    /// The overdue months, `yyyymm` comma-separated.
    pub periods: String,
    pub closed_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStepRecord {
    pub step_no: i32,
    pub kind: CaseStep,
    pub acted_on: Date,
    pub deadline: Option<Date>,
    /// The document's number (文书编号).
    pub document: String,
    pub staff_login: String,
    pub note: String,
    /// A legal review's conclusion (legal reviews only).
    pub outcome: Option<ReviewOutcome>,
    /// What the step rests on (约谈笔录, 送达回证, 审核意见书 …).
    pub evidence: String,
}

impl CaseStepRecord {
    /// The step as the enforcement rules read it.
    pub fn fact(&self) -> StepFact<'_> {
        StepFact {
            kind: self.kind,
            deadline: self.deadline,
            outcome: self.outcome,
            staff: &self.staff_login,
            acted_on: Some(self.acted_on),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementRecord {
    pub member_id: i64,
    pub agreement_version: String,
    pub signed_on: Date,
    pub mobile: String,
    /// The monthly amount the worker means to deposit.
    pub monthly_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositRecord {
    pub deposit_id: i64,
    pub member_id: i64,
    /// The month the deposit is for, yyyymm.
    pub period: i32,
    pub amount_fen: Fen,
    pub paid_on: Date,
    /// The payment channel (bank, ecny).
    pub channel: String,
    pub reference: String,
    pub entry_id: i64,
    /// The key of the request that made it (one deposit per key and member).
    pub request_key: String,
    /// The channel the member paid through (K18): online, or a clerk at the
    /// counter.
    pub applied_via: Channel,
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Moves an employer from one of `expected` statuses to `status`; false when
    /// it was in none of them.
    async fn set_employer_status(
        &self,
        employer_id: i64,
        expected: &[EmployerStatus],
        status: EmployerStatus,
    ) -> StoreResult<bool>;
    /// Sets an employer's pay day and rates (confirmed or changed by its agent).
    async fn set_employer_terms(
        &self,
        employer_id: i64,
        pay_day: Option<i32>,
        employer_rate_ppm: i64,
        member_rate_ppm: i64,
    ) -> StoreResult<bool>;
    /// The sign-ins of an employer's agents (to tell them of a reminder).
    async fn employer_user_ids(&self, employer_id: i64) -> StoreResult<Vec<i64>>;
    /// Members still attached to an employer (active or frozen while employed).
    async fn count_attached_members(&self, employer_id: i64) -> StoreResult<i64>;
    /// Employers by credit code, or whose name contains `text`.
    async fn search_employers(&self, text: &str, limit: u32) -> StoreResult<Vec<EmployerRecord>>;
    /// Members by ID number or exact name.
    async fn search_members(&self, text: &str, limit: u32) -> StoreResult<Vec<MemberRecord>>;
    /// Members attached to an employer (any status), by member id.
    async fn members_of(&self, employer_id: i64, limit: u32) -> StoreResult<Vec<MemberRecord>>;

    /// Employers with a monthly bill still open after its due date (K06).
    async fn count_overdue_employers(&self, as_of: Date) -> StoreResult<i64>;
    /// Those employers by id, `limit` after `after` (for jobs and lists).
    async fn overdue_employer_ids(
        &self,
        as_of: Date,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<i64>>;
    /// One employer's overdue monthly bills, oldest first.
    async fn overdue_bills_of(&self, employer_id: i64, as_of: Date)
    -> StoreResult<Vec<BillRecord>>;
    /// The month's live monthly bill (汇缴, not reversed), if any.
    async fn monthly_bill(&self, employer_id: i64, period: i32) -> StoreResult<Option<BillRecord>>;
    /// Records the reversal of a paid bill; false when it was not paid or
    /// was already reversed.
    async fn mark_bill_reversed(&self, bill_id: i64, reversal_entry_id: i64) -> StoreResult<bool>;
    /// The bill an entry paid, if any.
    async fn bill_paid_by(&self, entry_id: i64) -> StoreResult<Option<BillRecord>>;

    /// Files (or re-files) an employer's bases for a year and applies them to
    /// the members, in one transaction.
    async fn file_bases(&self, filing: &BaseFilingRecord, bases: &[NewBase]) -> StoreResult<()>;
    async fn base_filing(
        &self,
        employer_id: i64,
        year: i32,
    ) -> StoreResult<Option<BaseFilingRecord>>;
    /// Employers that filed for `year` and are still active or deferred.
    async fn count_base_filings(&self, year: i32) -> StoreResult<i64>;
    /// Active or deferred employers that have not filed for `year`, by id
    /// after `after` (a page).
    async fn employers_not_filed(
        &self,
        year: i32,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<EmployerRecord>>;
    /// Active or deferred employers (the K05/K06 denominator).
    async fn count_contributing_employers(&self) -> StoreResult<i64>;

    async fn save_relief(&self, relief: &ReliefRecord) -> StoreResult<()>;
    async fn relief_by_task(&self, task_id: i64) -> StoreResult<Option<ReliefRecord>>;
    async fn reliefs_of(&self, employer_id: i64, limit: u32) -> StoreResult<Vec<ReliefRecord>>;
    /// Decides a pending relief; false when it was no longer pending.
    async fn decide_relief(&self, relief_id: i64, status: ReliefStatus) -> StoreResult<bool>;
    /// Approved reliefs covering `period`, for a run over every employer.
    async fn approved_reliefs_in(&self, period: i32) -> StoreResult<Vec<ReliefRecord>>;
    /// Approved deferrals whose last month is before `period` while the
    /// employer is still marked deferred (to be restored to 正常).
    async fn ended_deferrals(&self, period: i32) -> StoreResult<Vec<ReliefRecord>>;

    /// Opens a case with its first step (`CASE_OPEN` if one is open already).
    async fn open_case(&self, case: &CaseRecord, first: &CaseStepRecord) -> StoreResult<()>;
    async fn case(&self, case_id: i64) -> StoreResult<Option<(CaseRecord, Vec<CaseStepRecord>)>>;
    async fn open_case_of(&self, employer_id: i64) -> StoreResult<Option<CaseRecord>>;
    /// The open cases of `employer_ids` (at most one each), in one round trip
    /// per chunk, for lists of employers.
    async fn open_cases_of(&self, employer_ids: &[i64]) -> StoreResult<Vec<CaseRecord>>;
    /// Cases, newest first; `status` filters when given.
    async fn cases(&self, status: Option<CaseStatus>, limit: u32) -> StoreResult<Vec<CaseRecord>>;
    /// Appends a step to an open case (closing it when `closed_on` is given);
    /// false when the case was not open or the step number was taken.
    async fn add_case_step(
        &self,
        case_id: i64,
        step: &CaseStepRecord,
        closed_on: Option<Date>,
    ) -> StoreResult<bool>;

    async fn save_agreement(&self, agreement: &AgreementRecord) -> StoreResult<()>;
    async fn agreement(&self, member_id: i64) -> StoreResult<Option<AgreementRecord>>;
    async fn save_deposit(&self, deposit: &DepositRecord) -> StoreResult<()>;
    async fn deposits_of(&self, member_id: i64, limit: u32) -> StoreResult<Vec<DepositRecord>>;
    async fn deposit_by_key(&self, member_id: i64, key: &str)
    -> StoreResult<Option<DepositRecord>>;
    /// Flexible workers with an active account who deposited on or after `since` (K07).
    async fn count_flexible_contributing(&self, since: Date) -> StoreResult<i64>;
    /// Active members with an employer (the K08 denominator).
    async fn count_employed_members(&self) -> StoreResult<i64>;
}
