//! Storage of the collection registry: employers, members (with their ledger
//! account), and monthly remittance bills.

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::collection::{BillKind, BillStatus, EmployerStatus, MemberStatus};
use anju_domain::{Fen, RatePpm};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerRecord {
    pub employer_id: i64,
    pub uscc: String,
    pub name: String,
    pub pay_day: Option<i32>,
    pub employer_rate_ppm: RatePpm,
    pub member_rate_ppm: RatePpm,
    pub status: EmployerStatus,
    pub opened_at_us: i64,
    /// JGJ/T 320 单位经济类型 and 所属行业 codes, and the 单位账号 it pays from.
    pub economic_type: Option<String>,
    pub industry: Option<String>,
    pub bank_account: Option<String>,
    /// `counter` (柜面/网厅) or `yjs` (the “一件事” registration message).
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub member_id: i64,
    pub id_card: String,
    pub name: String,
    pub employer_id: Option<i64>,
    pub status: MemberStatus,
    pub wage_fen: Fen,
    /// Personal rates where policy allows an override.
    pub employer_rate_ppm: Option<RatePpm>,
    pub member_rate_ppm: Option<RatePpm>,
    pub enrolled_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRecord {
    pub bill_id: i64,
    pub employer_id: i64,
    /// yyyymm
    pub period: i32,
    pub due_date: Date,
    pub status: BillStatus,
    pub total_fen: Fen,
    pub line_count: i32,
    pub created_at_us: i64,
    pub paid_entry_id: Option<i64>,
    pub paid_on: Option<Date>,
    pub payment_channel: Option<String>,
    pub payment_reference: Option<String>,
    pub kind: BillKind,
    /// Why a back payment was made.
    pub reason: Option<String>,
    /// Set when the paid bill was reversed (错缴更正).
    pub reversal_entry_id: Option<i64>,
}

impl MemberRecord {
    /// An account contributing through an employer at the policy's rates,
    /// as enrolment (个人开户) first saves it.
    pub fn active(
        member_id: i64,
        id_card: &str,
        name: &str,
        employer_id: i64,
        wage_fen: Fen,
        enrolled_at_us: i64,
    ) -> MemberRecord {
        MemberRecord {
            member_id,
            id_card: id_card.to_string(),
            name: name.to_string(),
            employer_id: Some(employer_id),
            status: MemberStatus::Active,
            wage_fen,
            employer_rate_ppm: None,
            member_rate_ppm: None,
            enrolled_at_us,
        }
    }
}

impl BillRecord {
    /// A remittance bill (汇缴清册) as it is first saved: open, nothing paid,
    /// nothing reversed. Back payments start from it too and set their kind
    /// and reason.
    pub fn open_remittance(
        bill_id: i64,
        employer_id: i64,
        period: i32,
        due_date: Date,
        total_fen: Fen,
        line_count: i32,
        created_at_us: i64,
    ) -> BillRecord {
        BillRecord {
            bill_id,
            employer_id,
            period,
            due_date,
            status: BillStatus::Open,
            total_fen,
            line_count,
            created_at_us,
            paid_entry_id: None,
            paid_on: None,
            payment_channel: None,
            payment_reference: None,
            kind: BillKind::Remittance,
            reason: None,
            reversal_entry_id: None,
        }
    }
}

/// A status change of a member account (封存, 启封, 内部转移, 冻结, 解冻).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChange {
    pub member_id: i64,
    pub expected_status: MemberStatus,
    pub status: MemberStatus,
    pub employer_id: Option<i64>,
    /// New monthly wage (a rehire brings one); `None` keeps the old.
    pub wage_fen: Option<Fen>,
    /// The business date the new status starts (kept as `status_on`, e.g.
    /// sealed since); `None` keeps the old.
    pub on: Option<anju_domain::Date>,
}

/// How a bill was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPayment {
    pub entry_id: i64,
    pub paid_on: Date,
    /// The payment channel (bank, ecny).
    pub channel: String,
    pub reference: String,
    /// Who paid it, by channel (K18): an employer agent online, a clerk at
    /// the counter, the monthly run (batch).
    pub paid_via: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLineRecord {
    pub line_no: i32,
    pub member_id: i64,
    pub base_fen: Fen,
    pub employer_fen: Fen,
    pub member_fen: Fen,
}

#[async_trait]
pub trait CollectionStore: Send + Sync {
    /// Refuses (`EMPLOYER_EXISTS`) a credit code already registered.
    async fn register_employer(&self, employer: &EmployerRecord) -> StoreResult<()>;
    async fn employer(&self, employer_id: i64) -> StoreResult<Option<EmployerRecord>>;
    async fn employer_by_uscc(&self, uscc: &str) -> StoreResult<Option<EmployerRecord>>;
    async fn employers(&self, limit: u32) -> StoreResult<Vec<EmployerRecord>>;
    /// Those of `employer_ids` that are registered, in one round trip per
    /// chunk, so a list names its employers without a read per row.
    async fn employers_by_ids(&self, employer_ids: &[i64]) -> StoreResult<Vec<EmployerRecord>>;
    /// The members with these ids (the applicants or borrowers of a page),
    /// ordered by id, each once; an id with no member has no row.
    async fn members_by_ids(&self, member_ids: &[i64]) -> StoreResult<Vec<MemberRecord>>;
    async fn count_employers(&self, status: EmployerStatus) -> StoreResult<i64>;

    /// Enrols members and opens their ledger accounts in one transaction:
    /// all or nothing (`MEMBER_EXISTS` when an ID number is already enrolled).
    async fn enrol_members(&self, members: &[MemberRecord], opened_on: Date) -> StoreResult<()>;
    async fn member(&self, member_id: i64) -> StoreResult<Option<MemberRecord>>;
    async fn member_by_id_card(&self, id_card: &str) -> StoreResult<Option<MemberRecord>>;
    /// Those of `id_cards` that are enrolled, in one round trip per chunk.
    async fn members_by_id_cards(&self, id_cards: &[&str]) -> StoreResult<Vec<MemberRecord>>;
    /// Moves a member to `status` (and employer, and wage when given) if the
    /// member is still in `expected_status`; false when it was not.
    async fn update_member(&self, change: &MemberChange) -> StoreResult<bool>;
    /// Active members of an employer, by member id.
    async fn active_members(&self, employer_id: i64) -> StoreResult<Vec<MemberRecord>>;

    /// Saves a bill and its lines (`BILL_EXISTS` for a second bill of a month).
    async fn save_bill(&self, bill: &BillRecord, lines: &[BillLineRecord]) -> StoreResult<()>;
    async fn bill(&self, bill_id: i64) -> StoreResult<Option<(BillRecord, Vec<BillLineRecord>)>>;
    async fn bills_of(&self, employer_id: i64, limit: u32) -> StoreResult<Vec<BillRecord>>;
    /// Marks an open bill paid; false when it was not open.
    async fn mark_bill_paid(&self, bill_id: i64, payment: &BillPayment) -> StoreResult<bool>;
    /// Bills paid with value date `paid_on` (for reconciliation).
    async fn bills_paid_on(&self, paid_on: Date) -> StoreResult<Vec<BillRecord>>;
    /// Open bills due before `as_of` (overdue on that day).
    async fn overdue_bills(&self, as_of: Date, limit: u32) -> StoreResult<Vec<BillRecord>>;
}
