//! Housing loans (贷款): applications and loans (one row each; the status
//! says which), the people on them, the schedule, the rate history and
//! the loan's events. Generic over the [`Dialect`](crate::sql::Dialect)
//! like `withdrawal_sql`. Money moves through `post_entries`; this
//! module keeps the loan's own state, and the repayment run writes a page
//! of loans at a time (a handful of statements per page, not per loan).

use crate::StoreResult;
use crate::rows::Stored;
use crate::rows::{coded, cooked, stored_date};
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::loan::{
    CreditGrade, Grade, InstallmentStatus, LoanEventKind, LoanProduct, LoanStatus, Method,
    PropertyKind,
};
use anju_domain::{Fen, RatePpm};
use async_trait::async_trait;

/// Statuses: `submitted` → `reviewed` (初审) → `approved` (审批; above the
/// policy amount `first_approved` first, then a second approver) →
/// `contracted` (合同与抵押登记) → `active` (disbursed) → `settled`;
/// `rejected` before disbursement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRecord {
    pub loan_id: i64,
    pub member_id: i64,
    pub product: LoanProduct,
    pub status: LoanStatus,
    pub applied_on: Date,
    pub applicant: String,
    pub request_key: String,
    pub co_borrowers: String,
    pub property_kind: PropertyKind,
    pub property_address: String,
    pub price_fen: Fen,
    pub appraisal_fen: Option<Fen>,
    pub area_centi_m2: i64,
    pub monthly_income_fen: Fen,
    pub credit_grade: CreditGrade,
    pub first_home: bool,
    pub family: bool,
    pub amount_fen: Fen,
    pub months: i32,
    pub method: Method,
    pub rate_ppm: RatePpm,
    pub limit_fen: Fen,
    pub binding_cap: String,
    pub caps: String,
    pub remote_centre: Option<String>,
    pub remote_certificate_no: Option<String>,
    pub remote_balance_fen: Option<Fen>,
    pub remote_months: Option<i32>,
    pub commercial_bank: Option<String>,
    pub commercial_amount_fen: Option<Fen>,
    pub commercial_rate_ppm: Option<RatePpm>,
    pub seller_name: String,
    pub seller_account: String,
    pub repay_card: String,
    pub entrusted: bool,
    pub needs_second: bool,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub second_approved_by: Option<String>,
    pub note: String,
    pub contract_no: Option<String>,
    pub mortgage_no: Option<String>,
    pub disbursed_on: Option<Date>,
    pub disbursement_entry_id: Option<i64>,
    pub payout_reference: Option<String>,
    pub outstanding_fen: Fen,
    pub overdue_principal_fen: Fen,
    pub overdue_since: Option<Date>,
    pub grade: Grade,
    pub consecutive_overdue: i32,
    pub cumulative_overdue: i32,
    pub last_run_on: Option<Date>,
    pub settled_on: Option<Date>,
    pub release_certificate: Option<String>,
    /// Where the decision's facts came from: each registry's answer with
    /// its reference number.
    pub facts_source: String,
    pub updated_at_us: i64,
    /// The channel the application came through (K18): the member online,
    /// a clerk at the counter, a partner's API; a project loan is entered
    /// by staff.
    pub applied_via: Channel,
}

/// One period of a loan's schedule, with what has been paid on it.
/// Status: `due`, `paid`, `overdue` (past due and not paid in full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentRecord {
    pub loan_id: i64,
    pub period: i32,
    pub due_date: Date,
    pub principal_fen: Fen,
    pub interest_fen: Fen,
    pub paid_principal_fen: Fen,
    pub paid_interest_fen: Fen,
    pub paid_penalty_fen: Fen,
    pub penalty_owed_fen: Fen,
    pub penalty_from: Option<Date>,
    pub status: InstallmentStatus,
    pub paid_on: Option<Date>,
}

/// Something that happened to a loan: `disbursed`, `repaid`, `overdue`,
/// `prepaid`, `repriced`, `settled`. `event_key` makes each one once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanEventRecord {
    pub loan_id: i64,
    pub event_key: String,
    pub happened_on: Date,
    pub kind: LoanEventKind,
    pub amount_fen: Fen,
    pub principal_fen: Fen,
    pub interest_fen: Fen,
    pub penalty_fen: Fen,
    pub entry_id: Option<i64>,
    pub note: String,
}

/// What the repayment run reads of a loan (the rest stays in the table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLoan {
    pub loan_id: i64,
    pub member_id: i64,
    pub rate_ppm: RatePpm,
    pub repay_card: String,
    pub entrusted: bool,
    pub outstanding_fen: Fen,
    pub consecutive_overdue: i32,
    pub cumulative_overdue: i32,
}

/// What the repayment run changes on a loan after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRunUpdate {
    pub loan_id: i64,
    /// Principal the run collected: subtracted from what is stored, so a
    /// prepayment between the run's read and write is not lost.
    pub principal_paid_fen: Fen,
    pub overdue_principal_fen: Fen,
    pub overdue_since: Option<Date>,
    pub grade: Grade,
    pub consecutive_overdue: i32,
    pub cumulative_overdue: i32,
    pub last_run_on: Date,
}

/// The loan book by five-grade class: (grade, loans, Σ outstanding fen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoanBook {
    /// Outstanding principal of active project loans (公租房建设贷款),
    /// kept apart from the personal book the indicators read.
    pub project_outstanding_fen: Fen,
    pub active_loans: i64,
    pub outstanding_fen: Fen,
    pub overdue_principal_fen: Fen,
    pub overdue_loans: i64,
    pub by_grade: Vec<(Grade, i64, i64)>,
}

/// Loans disbursed in a period, and how many of them were remote (K12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoansIssued {
    pub count: i64,
    pub amount_fen: Fen,
    pub remote_count: i64,
    pub remote_amount_fen: Fen,
}

/// Rows per multi-row statement in the run's writes (SQLite's bound
/// parameters stay under its limit with the widest row, 12 columns).
pub const LOAN_ROWS_PER_STATEMENT: usize = 2_000;

/// Loans per multi-row insert: 56 columns stay under SQLite's bound parameters.
pub const LOANS_PER_STATEMENT: usize = 500;

#[async_trait]
pub trait LoanStore: Send + Sync {
    /// Saves an application and the people on it (`LOAN_EXISTS` when the
    /// member already used the request key).
    async fn save_loan(&self, loan: &LoanRecord, parties: &[(i64, String)]) -> StoreResult<()>;

    /// Writes the loan's mutable state if it is still in `from_status`;
    /// false when it was not (someone else moved it).
    async fn update_loan(&self, loan: &LoanRecord, from_status: LoanStatus) -> StoreResult<bool>;

    async fn loan(&self, loan_id: i64) -> StoreResult<Option<LoanRecord>>;

    async fn loan_by_key(
        &self,
        member_id: i64,
        request_key: &str,
    ) -> StoreResult<Option<LoanRecord>>;

    /// Loans the member is on (borrower or co-borrower), newest first.
    async fn loans_of(&self, member_id: i64) -> StoreResult<Vec<LoanRecord>>;

    /// The paid bills these entries paid, reversed ones included (a
    /// member's 汇缴 and 补缴 credits → the months they were for, 所属年月,
    /// whether on time, whether since reversed).
    async fn bills_paid_by(&self, entry_ids: &[i64]) -> StoreResult<Vec<crate::BillRecord>>;

    /// A co-borrower's own consent to a loan still waiting for review (初审),
    /// on `on`; false when they are not a co-borrower on it, consented
    /// already, or the loan has moved on.
    async fn consent_to_loan(&self, loan_id: i64, member_id: i64, on: Date) -> StoreResult<bool>;

    /// The co-borrowers of a loan and the day each consented, if they have.
    async fn loan_consents(&self, loan_id: i64) -> StoreResult<Vec<(i64, Option<Date>)>>;

    /// Of these loans, the co-borrowers who have not consented yet, as
    /// (loan, member) by loan then member: a queue in one read.
    async fn consents_awaited_of(&self, loan_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>>;

    /// Loans in a status, oldest first (the queues).
    async fn loans_in(&self, status: LoanStatus, limit: u32) -> StoreResult<Vec<LoanRecord>>;

    /// Of the loans these members are on: (outstanding, ever disbursed).
    async fn loan_counts(&self, member_ids: &[i64]) -> StoreResult<(i64, i64)>;

    /// Replaces the `due` installments from `from_period` on with `rows`.
    async fn replace_schedule(
        &self,
        loan_id: i64,
        from_period: i32,
        rows: &[InstallmentRecord],
    ) -> StoreResult<()>;

    async fn installments(&self, loan_id: i64) -> StoreResult<Vec<InstallmentRecord>>;

    /// The schedules of these loans, by loan then period: one statement
    /// per `IDS_PER_LOOKUP` ids for a list of loans, not one per loan.
    async fn installments_of(&self, loan_ids: &[i64]) -> StoreResult<Vec<InstallmentRecord>>;

    async fn add_loan_rate(
        &self,
        loan_id: i64,
        effective_from: Date,
        rate_ppm: i64,
        reason: &str,
    ) -> StoreResult<()>;

    /// The loan's rate history, oldest first: (from, ppm, reason).
    async fn loan_rates(&self, loan_id: i64) -> StoreResult<Vec<(Date, i64, String)>>;

    /// Records events; one already recorded under its key is left alone.
    async fn add_loan_events(&self, events: &[LoanEventRecord]) -> StoreResult<()>;

    /// The loan's events, oldest first.
    async fn loan_events(&self, loan_id: i64) -> StoreResult<Vec<LoanEventRecord>>;

    /// Active loans above `after` (by id, at most `limit`) not yet run on
    /// `today` with an installment due by `today` not paid in full, with
    /// those installments (by loan, period).
    async fn loans_due(
        &self,
        today: Date,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<(RunLoan, Vec<InstallmentRecord>)>>;

    /// Writes one page of the repayment run in one transaction: the loans'
    /// new state, their installments, their events.
    async fn save_run_page(
        &self,
        loans: &[LoanRunUpdate],
        installments: &[InstallmentRecord],
        events: &[LoanEventRecord],
    ) -> StoreResult<()>;

    /// Adds `delta_fen` to the loan's outstanding principal: relative, like
    /// the run's write (corrections; tests).
    async fn adjust_outstanding(&self, loan_id: i64, delta_fen: i64) -> StoreResult<()>;

    /// Records a prepayment in one transaction: its event (false, and
    /// nothing written, when the event's key was recorded already), the
    /// outstanding principal less the event's principal, and the `due`
    /// installments from `from_period` on replaced by `rows`.
    async fn apply_prepayment(
        &self,
        event: &LoanEventRecord,
        from_period: i32,
        rows: &[InstallmentRecord],
    ) -> StoreResult<bool>;

    /// Active loans above `after`, by id (repricing walks them).
    async fn active_loans_after(&self, after: i64, limit: u32) -> StoreResult<Vec<LoanRecord>>;

    /// Active loans with overdue principal or installments, oldest overdue first.
    async fn overdue_loans(&self, limit: u32) -> StoreResult<Vec<LoanRecord>>;

    async fn loan_book(&self) -> StoreResult<LoanBook>;

    /// Personal loans disbursed in `[from, to]`.
    async fn loans_issued(&self, from: Date, to: Date) -> StoreResult<LoansIssued>;

    /// Project loans' (公租房建设贷款) principal at the end of `day` from
    /// their posting lines: (GL 121, GL 122), debits less credits. GL 121 +
    /// 122 carry both products; these taken off leave the personal book as
    /// it stood that day, whatever the project loans did since.
    async fn project_principal_at(&self, day: Date) -> StoreResult<(i64, i64)>;

    /// Loads loans already decided (with their schedules) in one
    /// transaction: a migration from another system, or a benchmark's book.
    async fn import_loans(
        &self,
        loans: &[LoanRecord],
        installments: &[InstallmentRecord],
    ) -> StoreResult<()>;

    /// Refreshes the planner's statistics of the loan tables (after a book
    /// is imported, so the run's page query is planned on what is there).
    async fn refresh_loan_statistics(&self) -> StoreResult<()>;
}

/// The columns of a loan, in [`LoanRecord`] order, dates as text.
#[doc(hidden)]
#[macro_export]
macro_rules! loan_columns {
    () => {
        "loan_id, member_id, product, status, CAST(applied_on AS TEXT) AS applied_on, applicant, request_key, co_borrowers, property_kind, property_address, price_fen, appraisal_fen, area_centi_m2, monthly_income_fen, credit_grade, first_home, family, amount_fen, months, method, rate_ppm, limit_fen, binding_cap, caps, remote_centre, remote_certificate_no, remote_balance_fen, remote_months, commercial_bank, commercial_amount_fen, commercial_rate_ppm, seller_name, seller_account, repay_card, entrusted, needs_second, reviewed_by, approved_by, second_approved_by, note, contract_no, mortgage_no, CAST(disbursed_on AS TEXT) AS disbursed_on, disbursement_entry_id, payout_reference, outstanding_fen, overdue_principal_fen, CAST(overdue_since AS TEXT) AS overdue_since, grade, consecutive_overdue, cumulative_overdue, CAST(last_run_on AS TEXT) AS last_run_on, CAST(settled_on AS TEXT) AS settled_on, release_certificate, updated_at_us, facts_source, applied_via"
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! installment_columns {
    () => {
        "loan_id, period, CAST(due_date AS TEXT) AS due_date, principal_fen, interest_fen, paid_principal_fen, paid_interest_fen, paid_penalty_fen, penalty_owed_fen, CAST(penalty_from AS TEXT) AS penalty_from, status, CAST(paid_on AS TEXT) AS paid_on"
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! loan_event_columns {
    () => {
        "loan_id, event_key, CAST(happened_on AS TEXT) AS happened_on, kind, amount_fen, principal_fen, interest_fen, penalty_fen, entry_id, note"
    };
}

#[derive(sqlx::FromRow)]
pub struct LoanRow {
    pub loan_id: i64,
    pub member_id: i64,
    pub product: String,
    pub status: String,
    pub applied_on: String,
    pub applicant: String,
    pub request_key: String,
    pub co_borrowers: String,
    pub property_kind: String,
    pub property_address: String,
    pub price_fen: i64,
    pub appraisal_fen: Option<i64>,
    pub area_centi_m2: i64,
    pub monthly_income_fen: i64,
    pub credit_grade: String,
    pub first_home: bool,
    pub family: bool,
    pub amount_fen: i64,
    pub months: i32,
    pub method: String,
    pub rate_ppm: i64,
    pub limit_fen: i64,
    pub binding_cap: String,
    pub caps: String,
    pub remote_centre: Option<String>,
    pub remote_certificate_no: Option<String>,
    pub remote_balance_fen: Option<i64>,
    pub remote_months: Option<i32>,
    pub commercial_bank: Option<String>,
    pub commercial_amount_fen: Option<i64>,
    pub commercial_rate_ppm: Option<i64>,
    pub seller_name: String,
    pub seller_account: String,
    pub repay_card: String,
    pub entrusted: bool,
    pub needs_second: bool,
    pub reviewed_by: Option<String>,
    pub approved_by: Option<String>,
    pub second_approved_by: Option<String>,
    pub note: String,
    pub contract_no: Option<String>,
    pub mortgage_no: Option<String>,
    pub disbursed_on: Option<String>,
    pub disbursement_entry_id: Option<i64>,
    pub payout_reference: Option<String>,
    pub outstanding_fen: i64,
    pub overdue_principal_fen: i64,
    pub overdue_since: Option<String>,
    pub grade: String,
    pub consecutive_overdue: i32,
    pub cumulative_overdue: i32,
    pub last_run_on: Option<String>,
    pub settled_on: Option<String>,
    pub release_certificate: Option<String>,
    pub facts_source: String,
    pub updated_at_us: i64,
    pub applied_via: String,
}

/// A loan row opened: the applicant's login, the property's address, the
/// seller and the cards are sealed at rest.
pub fn loan_from(seal: &crate::PersonalSeal, r: LoanRow) -> StoreResult<LoanRecord> {
    Ok(LoanRecord {
        loan_id: r.loan_id,
        member_id: r.member_id,
        product: coded(
            "loan",
            "product",
            &r.product,
            anju_domain::loan::LoanProduct::parse,
        )?,
        status: coded(
            "loan",
            "status",
            &r.status,
            anju_domain::loan::LoanStatus::parse,
        )?,
        applied_on: stored_date(&r.applied_on)?,
        applicant: seal.open(
            crate::seal::field("loan", "applicant", r.loan_id),
            &r.applicant,
        )?,
        request_key: r.request_key,
        co_borrowers: r.co_borrowers,
        property_kind: coded(
            "loan",
            "property_kind",
            &r.property_kind,
            anju_domain::loan::PropertyKind::parse,
        )?,
        property_address: seal.open(
            crate::seal::field("loan", "property_address", r.loan_id),
            &r.property_address,
        )?,
        price_fen: Fen::new(r.price_fen),
        appraisal_fen: r.appraisal_fen.map(Fen::new),
        area_centi_m2: r.area_centi_m2,
        monthly_income_fen: Fen::new(r.monthly_income_fen),
        credit_grade: coded(
            "loan",
            "credit_grade",
            &r.credit_grade,
            anju_domain::loan::CreditGrade::parse,
        )?,
        first_home: r.first_home,
        family: r.family,
        amount_fen: Fen::new(r.amount_fen),
        months: r.months,
        method: coded(
            "loan",
            "method",
            &r.method,
            anju_domain::loan::Method::parse,
        )?,
        rate_ppm: cooked("loan", "rate_ppm", r.rate_ppm)?,
        limit_fen: Fen::new(r.limit_fen),
        binding_cap: r.binding_cap,
        caps: r.caps,
        remote_centre: r.remote_centre,
        remote_certificate_no: r.remote_certificate_no,
        remote_balance_fen: r.remote_balance_fen.map(Fen::new),
        remote_months: r.remote_months,
        commercial_bank: r.commercial_bank,
        commercial_amount_fen: r.commercial_amount_fen.map(Fen::new),
        commercial_rate_ppm: cooked("loan", "commercial_rate_ppm", r.commercial_rate_ppm)?,
        seller_name: seal.open(
            crate::seal::field("loan", "seller_name", r.loan_id),
            &r.seller_name,
        )?,
        seller_account: seal.open(
            crate::seal::field("loan", "seller_account", r.loan_id),
            &r.seller_account,
        )?,
        repay_card: seal.open(
            crate::seal::field("loan", "repay_card", r.loan_id),
            &r.repay_card,
        )?,
        entrusted: r.entrusted,
        needs_second: r.needs_second,
        reviewed_by: r.reviewed_by,
        approved_by: r.approved_by,
        second_approved_by: r.second_approved_by,
        note: r.note,
        contract_no: r.contract_no,
        mortgage_no: r.mortgage_no,
        disbursed_on: r.disbursed_on.as_deref().map(stored_date).transpose()?,
        disbursement_entry_id: r.disbursement_entry_id,
        payout_reference: r.payout_reference,
        outstanding_fen: Fen::new(r.outstanding_fen),
        overdue_principal_fen: Fen::new(r.overdue_principal_fen),
        overdue_since: r.overdue_since.as_deref().map(stored_date).transpose()?,
        grade: coded("loan", "grade", &r.grade, anju_domain::loan::Grade::parse)?,
        consecutive_overdue: r.consecutive_overdue,
        cumulative_overdue: r.cumulative_overdue,
        last_run_on: r.last_run_on.as_deref().map(stored_date).transpose()?,
        settled_on: r.settled_on.as_deref().map(stored_date).transpose()?,
        release_certificate: r.release_certificate,
        facts_source: r.facts_source,
        updated_at_us: r.updated_at_us,
        applied_via: coded(
            "loan",
            "applied_via",
            &r.applied_via,
            anju_domain::access::Channel::parse,
        )?,
    })
}

#[derive(sqlx::FromRow)]
pub struct InstallmentRow {
    pub loan_id: i64,
    pub period: i32,
    pub due_date: String,
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub paid_principal_fen: i64,
    pub paid_interest_fen: i64,
    pub paid_penalty_fen: i64,
    pub penalty_owed_fen: i64,
    pub penalty_from: Option<String>,
    pub status: String,
    pub paid_on: Option<String>,
}

pub fn installment_from(r: InstallmentRow) -> StoreResult<InstallmentRecord> {
    Ok(InstallmentRecord {
        loan_id: r.loan_id,
        period: r.period,
        due_date: stored_date(&r.due_date)?,
        principal_fen: Fen::new(r.principal_fen),
        interest_fen: Fen::new(r.interest_fen),
        paid_principal_fen: Fen::new(r.paid_principal_fen),
        paid_interest_fen: Fen::new(r.paid_interest_fen),
        paid_penalty_fen: Fen::new(r.paid_penalty_fen),
        penalty_owed_fen: Fen::new(r.penalty_owed_fen),
        penalty_from: r.penalty_from.as_deref().map(stored_date).transpose()?,
        status: coded(
            "loan_installment",
            "status",
            &r.status,
            anju_domain::loan::InstallmentStatus::parse,
        )?,
        paid_on: r.paid_on.as_deref().map(stored_date).transpose()?,
    })
}

#[derive(sqlx::FromRow)]
pub struct LoanEventRow {
    pub loan_id: i64,
    pub event_key: String,
    pub happened_on: String,
    pub kind: String,
    pub amount_fen: i64,
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub penalty_fen: i64,
    pub entry_id: Option<i64>,
    pub note: String,
}

pub fn loan_event_from(r: LoanEventRow) -> StoreResult<LoanEventRecord> {
    Ok(LoanEventRecord {
        loan_id: r.loan_id,
        event_key: r.event_key,
        happened_on: stored_date(&r.happened_on)?,
        kind: coded(
            "loan_event",
            "kind",
            &r.kind,
            anju_domain::loan::LoanEventKind::parse,
        )?,
        amount_fen: Fen::new(r.amount_fen),
        principal_fen: Fen::new(r.principal_fen),
        interest_fen: Fen::new(r.interest_fen),
        penalty_fen: Fen::new(r.penalty_fen),
        entry_id: r.entry_id,
        note: r.note,
    })
}

/// Steps several methods share, generic over the dialect like the impls.
struct LoanSteps<S>(std::marker::PhantomData<S>);

impl<S: crate::sql::Dialect> LoanSteps<S>
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
    async fn loans_where(
        store: &S,
        sql: &'static str,
        bind: Option<i64>,
        text: Option<&str>,
        limit: i64,
    ) -> crate::StoreResult<Vec<crate::LoanRecord>> {
        let mut q = sqlx::query_as::<_, LoanRow>(sql);
        if let Some(v) = bind {
            q = q.bind(v);
        }
        if let Some(t) = text {
            q = q.bind(t);
        }
        let rows = q
            .bind(limit)
            .fetch_all(store.reader())
            .await
            .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| loan_from(store.seal(), r))
    }

    async fn insert_installments(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        rows: &[crate::InstallmentRecord],
    ) -> crate::StoreResult<()> {
        for chunk in rows.chunks(crate::loan_sql::LOAN_ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new(
                "INSERT INTO loan_installment (loan_id, period, due_date, principal_fen, interest_fen, paid_principal_fen, paid_interest_fen, paid_penalty_fen, penalty_owed_fen, penalty_from, status, paid_on) ",
            );
            q.push_values(chunk, |mut b, x| {
                b.push_bind(x.loan_id)
                    .push_bind(x.period)
                    .push_bind(S::day(x.due_date))
                    .push_bind(x.principal_fen.raw())
                    .push_bind(x.interest_fen.raw())
                    .push_bind(x.paid_principal_fen.raw())
                    .push_bind(x.paid_interest_fen.raw())
                    .push_bind(x.paid_penalty_fen.raw())
                    .push_bind(x.penalty_owed_fen.raw())
                    .push_bind(x.penalty_from.map(S::day))
                    .push_bind(x.status.code())
                    .push_bind(x.paid_on.map(S::day));
            });
            q.build()
                .execute(&mut **tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        Ok(())
    }

    /// One multi-row insert of loans (all 56 columns).
    async fn insert_loans(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        seal: &crate::PersonalSeal,
        chunk: &[crate::LoanRecord],
    ) -> Result<(), sqlx::Error> {
        let mut q = sqlx::QueryBuilder::<S::Db>::new(
            "INSERT INTO loan (loan_id, member_id, product, status, applied_on, applicant, request_key, co_borrowers, property_kind, property_address, price_fen, appraisal_fen, area_centi_m2, monthly_income_fen, credit_grade, first_home, family, amount_fen, months, method, rate_ppm, limit_fen, binding_cap, caps, remote_centre, remote_certificate_no, remote_balance_fen, remote_months, commercial_bank, commercial_amount_fen, commercial_rate_ppm, seller_name, seller_account, repay_card, entrusted, needs_second, reviewed_by, approved_by, second_approved_by, note, contract_no, mortgage_no, disbursed_on, disbursement_entry_id, payout_reference, outstanding_fen, overdue_principal_fen, overdue_since, grade, consecutive_overdue, cumulative_overdue, last_run_on, settled_on, release_certificate, updated_at_us, facts_source, applied_via) ",
        );
        q.push_values(chunk, |mut b, x| {
            b.push_bind(x.loan_id)
                .push_bind(x.member_id)
                .push_bind(x.product.code())
                .push_bind(x.status.code())
                .push_bind(S::day(x.applied_on))
                .push_bind(seal.seal(
                    crate::seal::field("loan", "applicant", x.loan_id),
                    &x.applicant,
                ))
                .push_bind(x.request_key.clone())
                .push_bind(x.co_borrowers.clone())
                .push_bind(x.property_kind.code())
                .push_bind(seal.seal(
                    crate::seal::field("loan", "property_address", x.loan_id),
                    &x.property_address,
                ))
                .push_bind(x.price_fen.raw())
                .push_bind(x.appraisal_fen.raw())
                .push_bind(x.area_centi_m2)
                .push_bind(x.monthly_income_fen.raw())
                .push_bind(x.credit_grade.code())
                .push_bind(x.first_home)
                .push_bind(x.family)
                .push_bind(x.amount_fen.raw())
                .push_bind(x.months)
                .push_bind(x.method.code())
                .push_bind(x.rate_ppm.raw())
                .push_bind(x.limit_fen.raw())
                .push_bind(x.binding_cap.clone())
                .push_bind(x.caps.clone())
                .push_bind(x.remote_centre.clone())
                .push_bind(x.remote_certificate_no.clone())
                .push_bind(x.remote_balance_fen.raw())
                .push_bind(x.remote_months)
                .push_bind(x.commercial_bank.clone())
                .push_bind(x.commercial_amount_fen.raw())
                .push_bind(x.commercial_rate_ppm.raw())
                .push_bind(seal.seal(
                    crate::seal::field("loan", "seller_name", x.loan_id),
                    &x.seller_name,
                ))
                .push_bind(seal.seal(
                    crate::seal::field("loan", "seller_account", x.loan_id),
                    &x.seller_account,
                ))
                .push_bind(seal.seal(
                    crate::seal::field("loan", "repay_card", x.loan_id),
                    &x.repay_card,
                ))
                .push_bind(x.entrusted)
                .push_bind(x.needs_second)
                .push_bind(x.reviewed_by.clone())
                .push_bind(x.approved_by.clone())
                .push_bind(x.second_approved_by.clone())
                .push_bind(x.note.clone())
                .push_bind(x.contract_no.clone())
                .push_bind(x.mortgage_no.clone())
                .push_bind(x.disbursed_on.map(S::day))
                .push_bind(x.disbursement_entry_id)
                .push_bind(x.payout_reference.clone())
                .push_bind(x.outstanding_fen.raw())
                .push_bind(x.overdue_principal_fen.raw())
                .push_bind(x.overdue_since.map(S::day))
                .push_bind(x.grade.code())
                .push_bind(x.consecutive_overdue)
                .push_bind(x.cumulative_overdue)
                .push_bind(x.last_run_on.map(S::day))
                .push_bind(x.settled_on.map(S::day))
                .push_bind(x.release_certificate.clone())
                .push_bind(x.updated_at_us)
                .push_bind(x.facts_source.clone())
                .push_bind(x.applied_via.code());
        });
        q.build().execute(&mut **tx).await?;
        Ok(())
    }

    async fn insert_parties(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        parties: &[(i64, i64, String)],
    ) -> crate::StoreResult<()> {
        if parties.is_empty() {
            return Ok(());
        }
        let mut q =
            sqlx::QueryBuilder::<S::Db>::new("INSERT INTO loan_party (loan_id, member_id, role) ");
        q.push_values(parties, |mut b, p| {
            b.push_bind(p.0).push_bind(p.1).push_bind(p.2.clone());
        });
        q.build()
            .execute(&mut **tx)
            .await
            .map_err(crate::sql::unique_or_backend(
                "LOAN_PARTY_TWICE",
                "同一人不能在一笔贷款中出现两次",
            ))?;
        Ok(())
    }

    async fn insert_events(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        events: &[crate::LoanEventRecord],
    ) -> crate::StoreResult<u64> {
        let mut inserted = 0;
        for chunk in events.chunks(crate::loan_sql::LOAN_ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new(
                "INSERT INTO loan_event (loan_id, event_key, happened_on, kind, amount_fen, principal_fen, interest_fen, penalty_fen, entry_id, note) ",
            );
            q.push_values(chunk, |mut b, x| {
                b.push_bind(x.loan_id)
                    .push_bind(x.event_key.clone())
                    .push_bind(S::day(x.happened_on))
                    .push_bind(x.kind.code())
                    .push_bind(x.amount_fen.raw())
                    .push_bind(x.principal_fen.raw())
                    .push_bind(x.interest_fen.raw())
                    .push_bind(x.penalty_fen.raw())
                    .push_bind(x.entry_id)
                    .push_bind(x.note.clone());
            });
            q.push(" ON CONFLICT (loan_id, event_key) DO NOTHING");
            let done = q
                .build()
                .execute(&mut **tx)
                .await
                .map_err(crate::sql::backend)?;
            inserted += S::affected(&done);
        }
        Ok(inserted)
    }

    /// Replaces the loan's `due` installments from `from_period` on.
    async fn replace_due(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        loan_id: i64,
        from_period: i32,
        rows: &[crate::InstallmentRecord],
    ) -> crate::StoreResult<()> {
        sqlx::query(
            "DELETE FROM loan_installment WHERE loan_id = $1 AND period >= $2 AND status = 'due'",
        )
        .bind(loan_id)
        .bind(from_period)
        .execute(&mut **tx)
        .await
        .map_err(crate::sql::backend)?;
        LoanSteps::<S>::insert_installments(tx, rows).await
    }
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::LoanStore for S
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
    async fn save_loan(
        &self,
        x: &crate::LoanRecord,
        parties: &[(i64, String)],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        LoanSteps::<S>::insert_loans(&mut tx, self.seal(), std::slice::from_ref(x))
            .await
            .map_err(crate::sql::unique_or_backend(
                "LOAN_EXISTS",
                "该贷款申请已提交",
            ))?;
        let parties: Vec<(i64, i64, String)> = parties
            .iter()
            .map(|(m, r)| (x.loan_id, *m, r.clone()))
            .collect();
        LoanSteps::<S>::insert_parties(&mut tx, &parties).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn update_loan(
        &self,
        x: &crate::LoanRecord,
        from_status: anju_domain::loan::LoanStatus,
    ) -> crate::StoreResult<bool> {
        // The run-owned columns (outstanding, overdue, grade, counts, last run)
        // are written only relative to what is stored (`save_run_page`,
        // `apply_prepayment`); disbursement (contracted → active) sets the
        // outstanding principal to the amount in the same statement.
        let done = sqlx::query("UPDATE loan SET outstanding_fen = CASE WHEN status = 'contracted' AND $4 = 'active' \
             THEN $18 ELSE outstanding_fen END, member_id = $2, product = $3, status = $4, applied_on = $5, applicant = $6, request_key = $7, co_borrowers = $8, property_kind = $9, property_address = $10, price_fen = $11, appraisal_fen = $12, area_centi_m2 = $13, monthly_income_fen = $14, credit_grade = $15, first_home = $16, family = $17, amount_fen = $18, months = $19, method = $20, rate_ppm = $21, limit_fen = $22, binding_cap = $23, caps = $24, remote_centre = $25, remote_certificate_no = $26, remote_balance_fen = $27, remote_months = $28, commercial_bank = $29, commercial_amount_fen = $30, commercial_rate_ppm = $31, seller_name = $32, seller_account = $33, repay_card = $34, entrusted = $35, needs_second = $36, reviewed_by = $37, approved_by = $38, second_approved_by = $39, note = $40, contract_no = $41, mortgage_no = $42, disbursed_on = $43, disbursement_entry_id = $44, payout_reference = $45, settled_on = $46, release_certificate = $47, updated_at_us = $48 WHERE loan_id = $1 AND status = $49")
        .bind(x.loan_id)
        .bind(x.member_id)
        .bind(x.product.code())
        .bind(x.status.code())
        .bind(S::day(x.applied_on))
        .bind(self.seal().seal(crate::seal::field("loan", "applicant", x.loan_id), &x.applicant))
        .bind(&x.request_key)
        .bind(&x.co_borrowers)
        .bind(x.property_kind.code())
        .bind(self.seal().seal(crate::seal::field("loan", "property_address", x.loan_id), &x.property_address))
        .bind(x.price_fen.raw())
        .bind(x.appraisal_fen.raw())
        .bind(x.area_centi_m2)
        .bind(x.monthly_income_fen.raw())
        .bind(x.credit_grade.code())
        .bind(x.first_home)
        .bind(x.family)
        .bind(x.amount_fen.raw())
        .bind(x.months)
        .bind(x.method.code())
        .bind(x.rate_ppm.raw())
        .bind(x.limit_fen.raw())
        .bind(&x.binding_cap)
        .bind(&x.caps)
        .bind(&x.remote_centre)
        .bind(&x.remote_certificate_no)
        .bind(x.remote_balance_fen.raw())
        .bind(x.remote_months)
        .bind(&x.commercial_bank)
        .bind(x.commercial_amount_fen.raw())
        .bind(x.commercial_rate_ppm.raw())
        .bind(self.seal().seal(crate::seal::field("loan", "seller_name", x.loan_id), &x.seller_name))
        .bind(self.seal().seal(crate::seal::field("loan", "seller_account", x.loan_id), &x.seller_account))
        .bind(self.seal().seal(crate::seal::field("loan", "repay_card", x.loan_id), &x.repay_card))
        .bind(x.entrusted)
        .bind(x.needs_second)
        .bind(&x.reviewed_by)
        .bind(&x.approved_by)
        .bind(&x.second_approved_by)
        .bind(&x.note)
        .bind(&x.contract_no)
        .bind(&x.mortgage_no)
        .bind(x.disbursed_on.map(S::day))
        .bind(x.disbursement_entry_id)
        .bind(&x.payout_reference)
        .bind(x.settled_on.map(S::day))
        .bind(&x.release_certificate)
        .bind(x.updated_at_us)
        .bind(from_status.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn loan(&self, loan_id: i64) -> crate::StoreResult<Option<crate::LoanRecord>> {
        let row: Option<LoanRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::loan_columns!(),
            " FROM loan WHERE loan_id = $1"
        ))
        .bind(loan_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| loan_from(self.seal(), r)).transpose()
    }

    async fn loan_by_key(
        &self,
        member_id: i64,
        request_key: &str,
    ) -> crate::StoreResult<Option<crate::LoanRecord>> {
        let row: Option<LoanRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::loan_columns!(),
            " FROM loan WHERE member_id = $1 AND request_key = $2"
        ))
        .bind(member_id)
        .bind(request_key)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| loan_from(self.seal(), r)).transpose()
    }

    async fn loans_of(&self, member_id: i64) -> crate::StoreResult<Vec<crate::LoanRecord>> {
        LoanSteps::<S>::loans_where(
            self,
            concat!(
                "SELECT ", crate::loan_columns!(), " FROM loan WHERE loan_id IN \
                 (SELECT loan_id FROM loan_party WHERE member_id = $1) ORDER BY loan_id DESC LIMIT $2"
            ),
            Some(member_id),
            None,
            100,
        )
        .await
    }

    async fn bills_paid_by(&self, entry_ids: &[i64]) -> crate::StoreResult<Vec<crate::BillRecord>> {
        if entry_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = sqlx::QueryBuilder::<S::Db>::new(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE status = 'paid' AND paid_entry_id IN ("
        ));
        let mut ids = q.separated(", ");
        for id in entry_ids {
            ids.push_bind(*id);
        }
        q.push(") ORDER BY period, bill_id");
        let rows: Vec<crate::collection_sql::BillRow> = q
            .build_query_as()
            .fetch_all(self.reader())
            .await
            .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }

    async fn consent_to_loan(
        &self,
        loan_id: i64,
        member_id: i64,
        on: anju_domain::Date,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query("UPDATE loan_party SET consented_on = $3 WHERE loan_id = $1 AND member_id = $2 AND role = 'co' AND consented_on IS NULL \
             AND EXISTS (SELECT 1 FROM loan l WHERE l.loan_id = $1 AND l.status = $4)")
        .bind(loan_id)
        .bind(member_id)
        .bind(S::day(on))
        .bind(anju_domain::loan::LoanStatus::Submitted.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn consents_awaited_of(&self, loan_ids: &[i64]) -> crate::StoreResult<Vec<(i64, i64)>> {
        crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT loan_id, member_id FROM loan_party \
             WHERE role = 'co' AND consented_on IS NULL AND loan_id IN (",
            loan_ids,
            ") ORDER BY loan_id, member_id",
        )
        .await
    }

    async fn loan_consents(
        &self,
        loan_id: i64,
    ) -> crate::StoreResult<Vec<(i64, Option<anju_domain::Date>)>> {
        let rows: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT member_id, CAST(consented_on AS TEXT) AS consented_on FROM loan_party \
             WHERE loan_id = $1 AND role = 'co' ORDER BY member_id",
        )
        .bind(loan_id)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|(member, on)| {
                Ok((
                    member,
                    on.as_deref().map(crate::rows::stored_date).transpose()?,
                ))
            })
            .collect()
    }

    async fn loans_in(
        &self,
        status: anju_domain::loan::LoanStatus,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::LoanRecord>> {
        LoanSteps::<S>::loans_where(
            self,
            concat!(
                "SELECT ",
                crate::loan_columns!(),
                " FROM loan WHERE status = $1 ORDER BY loan_id LIMIT $2"
            ),
            None,
            Some(status.code()),
            i64::from(limit),
        )
        .await
    }

    async fn loan_counts(&self, member_ids: &[i64]) -> crate::StoreResult<(i64, i64)> {
        if member_ids.is_empty() {
            return Ok((0, 0));
        }
        let mut q = sqlx::QueryBuilder::<S::Db>::new(
            "SELECT COUNT(DISTINCT CASE WHEN l.status = 'active' THEN l.loan_id END), \
             COUNT(DISTINCT CASE WHEN l.status IN ('active', 'settled') THEN l.loan_id END) \
             FROM loan l JOIN loan_party p ON p.loan_id = l.loan_id WHERE l.product = 'personal' AND p.member_id IN (",
        );
        let mut ids = q.separated(", ");
        for id in member_ids {
            ids.push_bind(*id);
        }
        q.push(")");
        let row: (i64, i64) = q
            .build_query_as()
            .fetch_one(self.reader())
            .await
            .map_err(crate::sql::backend)?;
        Ok(row)
    }

    async fn replace_schedule(
        &self,
        loan_id: i64,
        from_period: i32,
        rows: &[crate::InstallmentRecord],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        LoanSteps::<S>::replace_due(&mut tx, loan_id, from_period, rows).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn installments(
        &self,
        loan_id: i64,
    ) -> crate::StoreResult<Vec<crate::InstallmentRecord>> {
        let rows: Vec<InstallmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::installment_columns!(),
            " FROM loan_installment WHERE loan_id = $1 ORDER BY period"
        ))
        .bind(loan_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, installment_from)
    }

    async fn installments_of(
        &self,
        loan_ids: &[i64],
    ) -> crate::StoreResult<Vec<crate::InstallmentRecord>> {
        // Each id once and in order, so the chunks come back in order and
        // no loan's schedule twice.
        let mut ids = loan_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // The writer, like `installments`: a schedule just written shows.
        let rows: Vec<crate::loan_sql::InstallmentRow> = crate::sql::rows_in::<S, _, _>(
            self.writer(),
            concat!(
                "SELECT ",
                crate::installment_columns!(),
                " FROM loan_installment WHERE loan_id IN ("
            ),
            &ids,
            ") ORDER BY loan_id, period",
        )
        .await?;
        crate::sql::mapped(rows, crate::loan_sql::installment_from)
    }

    async fn add_loan_rate(
        &self,
        loan_id: i64,
        effective_from: anju_domain::Date,
        rate_ppm: i64,
        reason: &str,
    ) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO loan_rate (loan_id, effective_from, rate_ppm, reason) VALUES ($1, $2, $3, $4) ON CONFLICT (loan_id, effective_from) DO NOTHING")
        .bind(loan_id)
        .bind(S::day(effective_from))
        .bind(rate_ppm)
        .bind(reason)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn loan_rates(
        &self,
        loan_id: i64,
    ) -> crate::StoreResult<Vec<(anju_domain::Date, i64, String)>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT CAST(effective_from AS TEXT) AS effective_from, rate_ppm, reason FROM loan_rate WHERE loan_id = $1 ORDER BY effective_from",
        )
        .bind(loan_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|(d, p, r)| Ok((crate::rows::stored_date(&d)?, p, r)))
            .collect()
    }

    async fn add_loan_events(&self, events: &[crate::LoanEventRecord]) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        LoanSteps::<S>::insert_events(&mut tx, events).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn loan_events(&self, loan_id: i64) -> crate::StoreResult<Vec<crate::LoanEventRecord>> {
        let rows: Vec<LoanEventRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::loan_event_columns!(),
            " FROM loan_event WHERE loan_id = $1 ORDER BY happened_on, event_key"
        ))
        .bind(loan_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, loan_event_from)
    }

    async fn loans_due(
        &self,
        today: anju_domain::Date,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<(crate::RunLoan, Vec<crate::InstallmentRecord>)>> {
        // From the reader: the run reads the next page while it writes this one.
        let loans: Vec<(i64, i64, i64, String, bool, i64, i32, i32)> = sqlx::query_as("SELECT loan_id, member_id, rate_ppm, repay_card, entrusted, outstanding_fen, \
             consecutive_overdue, cumulative_overdue FROM loan WHERE status = 'active' AND loan_id > $1 \
             AND (last_run_on IS NULL OR last_run_on < $2) AND EXISTS (SELECT 1 FROM loan_installment i \
             WHERE i.loan_id = loan.loan_id AND i.status IN ('due', 'overdue') AND i.due_date <= $2) \
             ORDER BY loan_id LIMIT $3")
        .bind(after)
        .bind(S::day(today))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let loans: Vec<crate::RunLoan> = loans
            .into_iter()
            .map(|r| {
                Ok(crate::RunLoan {
                    loan_id: r.0,
                    member_id: r.1,
                    rate_ppm: crate::rows::cooked("loan", "rate_ppm", r.2)?,
                    repay_card: self
                        .seal()
                        .open(crate::seal::field("loan", "repay_card", r.0), &r.3)?,
                    entrusted: r.4,
                    outstanding_fen: Fen::new(r.5),
                    consecutive_overdue: r.6,
                    cumulative_overdue: r.7,
                })
            })
            .collect::<crate::StoreResult<_>>()?;
        let (Some(first), Some(last)) = (loans.first(), loans.last()) else {
            return Ok(Vec::new());
        };
        let rows: Vec<InstallmentRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::installment_columns!(),
            " FROM loan_installment WHERE loan_id BETWEEN $1 AND $2 \
             AND status IN ('due', 'overdue') AND due_date <= $3 ORDER BY loan_id, period"
        ))
        .bind(first.loan_id)
        .bind(last.loan_id)
        .bind(S::day(today))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let mut due: Vec<(crate::RunLoan, Vec<crate::InstallmentRecord>)> =
            loans.into_iter().map(|l| (l, Vec::new())).collect();
        let mut at = 0;
        for r in rows {
            let i = installment_from(r)?;
            while at < due.len() && due[at].0.loan_id < i.loan_id {
                at += 1;
            }
            if let Some(slot) = due.get_mut(at).filter(|d| d.0.loan_id == i.loan_id) {
                slot.1.push(i);
            }
        }
        Ok(due)
    }

    async fn save_run_page(
        &self,
        loans: &[crate::LoanRunUpdate],
        installments: &[crate::InstallmentRecord],
        events: &[crate::LoanEventRecord],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        for chunk in loans.chunks(crate::loan_sql::LOAN_ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new(
                "WITH v (loan_id, principal_paid_fen, overdue_principal_fen, overdue_since, grade, \
                 consecutive_overdue, cumulative_overdue, last_run_on) AS (",
            );
            q.push_values(chunk, |mut b, x| {
                b.push_bind(x.loan_id)
                    .push_bind(x.principal_paid_fen.raw())
                    .push_bind(x.overdue_principal_fen.raw())
                    .push_bind(x.overdue_since.map(S::day))
                    .push_bind(x.grade.code())
                    .push_bind(x.consecutive_overdue)
                    .push_bind(x.cumulative_overdue)
                    .push_bind(S::day(x.last_run_on));
            });
            q.push(
                ") UPDATE loan SET outstanding_fen = loan.outstanding_fen - v.principal_paid_fen, overdue_principal_fen = v.overdue_principal_fen, \
                 overdue_since = v.overdue_since, grade = v.grade, consecutive_overdue = v.consecutive_overdue, \
                 cumulative_overdue = v.cumulative_overdue, last_run_on = v.last_run_on FROM v WHERE loan.loan_id = v.loan_id",
            );
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        for chunk in installments.chunks(crate::loan_sql::LOAN_ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new(
                "WITH v (loan_id, period, paid_principal_fen, paid_interest_fen, paid_penalty_fen, \
                 penalty_owed_fen, penalty_from, status, paid_on) AS (",
            );
            q.push_values(chunk, |mut b, x| {
                b.push_bind(x.loan_id)
                    .push_bind(x.period)
                    .push_bind(x.paid_principal_fen.raw())
                    .push_bind(x.paid_interest_fen.raw())
                    .push_bind(x.paid_penalty_fen.raw())
                    .push_bind(x.penalty_owed_fen.raw())
                    .push_bind(x.penalty_from.map(S::day))
                    .push_bind(x.status.code())
                    .push_bind(x.paid_on.map(S::day));
            });
            q.push(
                ") UPDATE loan_installment SET paid_principal_fen = v.paid_principal_fen, \
                 paid_interest_fen = v.paid_interest_fen, paid_penalty_fen = v.paid_penalty_fen, \
                 penalty_owed_fen = v.penalty_owed_fen, penalty_from = v.penalty_from, status = v.status, \
                 paid_on = v.paid_on FROM v WHERE loan_installment.loan_id = v.loan_id \
                 AND loan_installment.period = v.period",
            );
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        LoanSteps::<S>::insert_events(&mut tx, events).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn active_loans_after(
        &self,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::LoanRecord>> {
        LoanSteps::<S>::loans_where(
            self,
            concat!(
                "SELECT ",
                crate::loan_columns!(),
                " FROM loan WHERE status = 'active' AND loan_id > $1 ORDER BY loan_id LIMIT $2"
            ),
            Some(after),
            None,
            i64::from(limit),
        )
        .await
    }

    async fn overdue_loans(&self, limit: u32) -> crate::StoreResult<Vec<crate::LoanRecord>> {
        LoanSteps::<S>::loans_where(
            self,
            concat!(
                "SELECT ",
                crate::loan_columns!(),
                " FROM loan WHERE status = 'active' \
             AND overdue_since IS NOT NULL ORDER BY overdue_since, loan_id LIMIT $1"
            ),
            None,
            None,
            i64::from(limit),
        )
        .await
    }

    async fn loan_book(&self) -> crate::StoreResult<crate::LoanBook> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT grade, COUNT(*), CAST(COALESCE(SUM(outstanding_fen), 0) AS BIGINT), \
             CAST(COALESCE(SUM(overdue_principal_fen), 0) AS BIGINT) \
             FROM loan WHERE status = 'active' AND product = 'personal' GROUP BY grade ORDER BY grade",
        )
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let overdue_loans: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM loan WHERE status = 'active' AND product = 'personal' AND overdue_since IS NOT NULL",
        )
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let project_outstanding_fen: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(outstanding_fen), 0) AS BIGINT) FROM loan \
             WHERE status = 'active' AND product = 'project'",
        )
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let mut book = crate::LoanBook {
            overdue_loans,
            project_outstanding_fen: Fen::new(project_outstanding_fen),
            ..Default::default()
        };
        for (grade, n, outstanding, overdue) in rows {
            book.active_loans += n;
            book.outstanding_fen = book.outstanding_fen.checked_add(Fen::new(outstanding))?;
            book.overdue_principal_fen =
                book.overdue_principal_fen.checked_add(Fen::new(overdue))?;
            let grade: String = grade;
            let grade =
                crate::rows::coded("loan", "grade", &grade, anju_domain::loan::Grade::parse)?;
            book.by_grade.push((grade, n, outstanding));
        }
        Ok(book)
    }

    async fn import_loans(
        &self,
        loans: &[crate::LoanRecord],
        installments: &[crate::InstallmentRecord],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        for chunk in loans.chunks(crate::loan_sql::LOANS_PER_STATEMENT) {
            LoanSteps::<S>::insert_loans(&mut tx, self.seal(), chunk)
                .await
                .map_err(crate::sql::backend)?;
            let parties: Vec<(i64, i64, String)> = chunk
                .iter()
                .map(|l| (l.loan_id, l.member_id, "borrower".to_string()))
                .collect();
            LoanSteps::<S>::insert_parties(&mut tx, &parties).await?;
        }
        LoanSteps::<S>::insert_installments(&mut tx, installments).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn refresh_loan_statistics(&self) -> crate::StoreResult<()> {
        // Both engines know ANALYZE.
        for statement in ["ANALYZE loan", "ANALYZE loan_installment"] {
            sqlx::query(statement)
                .execute(self.writer())
                .await
                .map_err(crate::sql::backend)?;
        }
        Ok(())
    }

    async fn apply_prepayment(
        &self,
        event: &crate::LoanEventRecord,
        from_period: i32,
        rows: &[crate::InstallmentRecord],
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        // The event's key is the guard: recorded already, nothing more.
        if LoanSteps::<S>::insert_events(&mut tx, std::slice::from_ref(event)).await? == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE loan SET outstanding_fen = outstanding_fen - $2 WHERE loan_id = $1")
            .bind(event.loan_id)
            .bind(event.principal_fen.raw())
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
        LoanSteps::<S>::replace_due(&mut tx, event.loan_id, from_period, rows).await?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(true)
    }

    async fn adjust_outstanding(&self, loan_id: i64, delta_fen: i64) -> crate::StoreResult<()> {
        sqlx::query("UPDATE loan SET outstanding_fen = outstanding_fen + $2 WHERE loan_id = $1")
            .bind(loan_id)
            .bind(delta_fen)
            .execute(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn loans_issued(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<crate::LoansIssued> {
        let row: (i64, i64, i64, i64) = sqlx::query_as("SELECT COUNT(*), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN remote_centre IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN remote_centre IS NOT NULL THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
             FROM loan WHERE product = 'personal' AND disbursed_on BETWEEN $1 AND $2")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(crate::LoansIssued {
            count: row.0,
            amount_fen: Fen::new(row.1),
            remote_count: row.2,
            remote_amount_fen: Fen::new(row.3),
        })
    }

    async fn project_principal_at(&self, day: anju_domain::Date) -> crate::StoreResult<(i64, i64)> {
        // Few project loans: their lines are found through the
        // index on posting_line (loan_id, value_date).
        sqlx::query_as("SELECT \
             CAST(COALESCE(SUM(CASE WHEN l.gl_code = '121' THEN \
               CASE WHEN l.side = 'D' THEN l.amount_fen ELSE -l.amount_fen END ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN l.gl_code = '122' THEN \
               CASE WHEN l.side = 'D' THEN l.amount_fen ELSE -l.amount_fen END ELSE 0 END), 0) AS BIGINT) \
             FROM loan p JOIN posting_line l ON l.loan_id = p.loan_id \
             WHERE p.product = 'project' AND l.gl_code IN ('121', '122') AND l.value_date <= $1")
        .bind(S::day(day))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }
}
