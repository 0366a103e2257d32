//! Fund management (资金管理): the GL day book that period statements read,
//! the year's collection counts and per-branch figures the yearly report
//! needs, the fund's bank deposits, dated manual inputs for the plan's KPIs,
//! liquidity alerts and the yearly value-added distribution. Generic over
//! the [`Dialect`](crate::sql::Dialect) like `loan_sql`.

use crate::StoreResult;
use crate::rows::Stored;
use crate::rows::coded;
use anju_domain::Date;
use anju_domain::access::Channel;
use anju_domain::fund::{DepositKind, DepositStatus, DistributionStatus, ServiceKind};
use anju_domain::{Fen, RatePpm};
use async_trait::async_trait;

/// Σ debit and Σ credit of one GL account on one value date for one
/// business type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlDayRow {
    pub value_date: Date,
    pub gl_code: String,
    pub business_type: String,
    pub debit_fen: Fen,
    pub credit_fen: Fen,
}

/// The year's stock and flow counts of collection (the report's 实缴 and
/// 新开户 figures, K05, K06, K07).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionYear {
    /// Employers with a paid bill (汇缴 or 补缴) paid in the year.
    pub employers: i64,
    /// Members on those bills plus flexible workers who paid in the year.
    pub members: i64,
    pub new_employers: i64,
    pub new_members: i64,
    /// Contributing employers that filed the year's base adjustment.
    pub base_adjusted: i64,
    /// Employers with a monthly bill due in the year paid late or still
    /// unpaid past its due date on `as_of`.
    pub overdue_employers: i64,
    pub flexible_contributors: i64,
    /// Members paid a withdrawal in the year.
    pub withdrawers: i64,
    /// Project loans (公租房建设贷款) disbursed in the year and their Σ.
    pub project_loans_issued: i64,
    pub project_loans_issued_fen: Fen,
}

/// How many services of a kind were completed through a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCount {
    pub service: ServiceKind,
    pub channel: Channel,
    pub count: i64,
}

/// One branch's (分中心) figures: flows in the period, balances now.
/// Members without an employer (flexible workers) are under branch "".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchFigures {
    pub branch_code: String,
    pub employers: i64,
    pub members: i64,
    pub collection_fen: Fen,
    /// Withdrawals paid (the register, as posted); loans repaid from the
    /// HPF balance are not split by branch.
    pub withdrawals: i64,
    pub withdrawals_fen: Fen,
    pub loans_issued: i64,
    pub loans_issued_fen: Fen,
    pub loan_balance_fen: Fen,
    pub overdue_principal_fen: Fen,
    pub deposit_balance_fen: Fen,
}

/// A deposit of the fund at a bank: `current` (活期) or `time` (定期, with
/// its maturity). A time deposit `matured` once its interest is booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundDepositRecord {
    pub deposit_id: i64,
    pub bank: String,
    pub kind: DepositKind,
    pub amount_fen: Fen,
    pub rate_ppm: RatePpm,
    pub placed_on: Date,
    pub matures_on: Option<Date>,
    pub status: DepositStatus,
    pub interest_fen: Option<Fen>,
    pub entry_id: Option<i64>,
    pub note: String,
    pub created_by: String,
    pub created_at_us: i64,
}

/// A manual input for a year (an external figure or a loaded yearly
/// total); the latest per (year, key) is the one in force, the rest is
/// its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundInputRecord {
    pub input_id: i64,
    pub year: i32,
    pub key: String,
    pub value_text: String,
    pub entered_on: Date,
    pub entered_by: String,
    pub entered_at_us: i64,
    pub note: String,
}

/// A liquidity early warning: raised when a check finds the indicator out
/// of bounds, cleared when a later check finds it back, acknowledged by a
/// person with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundAlertRecord {
    pub alert_id: i64,
    pub indicator: String,
    pub level: String,
    pub value_ppm: i64,
    pub threshold_ppm: i64,
    pub message: String,
    pub raised_on: Date,
    pub cleared_on: Option<Date>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at_us: Option<i64>,
    pub ack_note: Option<String>,
}

/// The year's value-added distribution: `prepared` by one person,
/// `approved` (and posted) by another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionRecord {
    pub year: i32,
    pub status: DistributionStatus,
    pub value_added_fen: Fen,
    pub reserve_fen: Fen,
    pub management_fen: Fen,
    pub public_rental_fen: Fen,
    pub reserve_reason: String,
    pub prepared_by: String,
    pub prepared_at_us: i64,
    pub approved_by: Option<String>,
    pub approved_at_us: Option<i64>,
    pub closing_entry_id: Option<i64>,
    pub entry_id: Option<i64>,
}

#[async_trait]
pub trait FundStore: Send + Sync {
    /// The day book in `[from, to]`, by day, account and business type.
    async fn gl_days(&self, from: Date, to: Date) -> StoreResult<Vec<GlDayRow>>;

    /// Σ debit and Σ credit per account of every day before `day`.
    async fn gl_totals_before(&self, day: Date) -> StoreResult<Vec<(String, i64, i64)>>;

    /// Collection counts of the year `[from, to]`; `as_of` decides which
    /// unpaid bills are overdue.
    async fn collection_year(
        &self,
        from: Date,
        to: Date,
        from_us: i64,
        to_us: i64,
        as_of: Date,
    ) -> StoreResult<CollectionYear>;

    /// The services completed in `[from, to]` (K18), counted by the channel
    /// each was applied through: withdrawals paid (by payout day; an
    /// entrusted repayment withdrawal is the batch's), personal loans
    /// disbursed, remittance and back-payment bills paid and not reversed,
    /// flexible workers' deposits paid, and base filings by the day filed.
    async fn services_by_channel(&self, from: Date, to: Date) -> StoreResult<Vec<ServiceCount>>;

    /// Figures by branch: flows in `[from, to]`, balances now.
    async fn branch_figures(&self, from: Date, to: Date) -> StoreResult<Vec<BranchFigures>>;

    /// What loan schedules still expect in `[from, to]` (principal and
    /// interest not yet paid), by due day: the forecast's known inflow.
    async fn installments_due_between(&self, from: Date, to: Date)
    -> StoreResult<Vec<(Date, i64)>>;

    /// Σ approved loans not yet disbursed: the forecast's known outflow.
    async fn pending_disbursements_fen(&self) -> StoreResult<i64>;

    /// Puts employers in branches (分中心), as (employer, branch code).
    async fn set_employer_branches(&self, rows: &[(i64, String)]) -> StoreResult<()>;

    async fn save_fund_deposit(&self, deposit: &FundDepositRecord) -> StoreResult<()>;

    async fn fund_deposits(&self) -> StoreResult<Vec<FundDepositRecord>>;

    /// Marks a held deposit matured with its booked interest; false when it
    /// was not held (already matured).
    async fn mature_fund_deposit(
        &self,
        deposit_id: i64,
        interest_fen: i64,
        entry_id: i64,
    ) -> StoreResult<bool>;

    async fn add_fund_input(&self, input: &FundInputRecord) -> StoreResult<()>;

    /// Every input, oldest first within (year, key); one year or all.
    async fn fund_inputs(&self, year: Option<i32>) -> StoreResult<Vec<FundInputRecord>>;

    /// Raises the alert unless one for its indicator is open; true when raised.
    async fn raise_fund_alert(&self, alert: &FundAlertRecord) -> StoreResult<bool>;

    /// Clears open alerts of indicators not in `firing`; returns how many.
    async fn clear_fund_alerts(&self, firing: &[String], on: Date) -> StoreResult<u64>;

    /// Acknowledges an alert once; false when unknown or already acknowledged.
    async fn acknowledge_fund_alert(
        &self,
        alert_id: i64,
        by: &str,
        at_us: i64,
        note: &str,
    ) -> StoreResult<bool>;

    /// Alerts, open ones first, newest first.
    async fn fund_alerts(&self, limit: u32) -> StoreResult<Vec<FundAlertRecord>>;

    /// Saves a prepared distribution; false when the year already has one.
    async fn save_distribution(&self, record: &DistributionRecord) -> StoreResult<bool>;

    /// Replaces a still-prepared distribution (prepared again); false when
    /// none is prepared.
    async fn replace_prepared_distribution(&self, record: &DistributionRecord)
    -> StoreResult<bool>;

    /// Moves a prepared distribution to approved with its entries; false
    /// when it is not prepared.
    async fn approve_distribution(
        &self,
        year: i32,
        by: &str,
        at_us: i64,
        closing_entry_id: Option<i64>,
        entry_id: i64,
    ) -> StoreResult<bool>;

    async fn distribution(&self, year: i32) -> StoreResult<Option<DistributionRecord>>;
}

#[doc(hidden)]
#[derive(sqlx::FromRow)]
pub struct DepositRow {
    pub deposit_id: i64,
    pub bank: String,
    pub kind: String,
    pub amount_fen: i64,
    pub rate_ppm: i64,
    pub placed_on: String,
    pub matures_on: Option<String>,
    pub status: String,
    pub interest_fen: Option<i64>,
    pub entry_id: Option<i64>,
    pub note: String,
    pub created_by: String,
    pub created_at_us: i64,
}

#[doc(hidden)]
pub fn deposit_from(r: DepositRow) -> StoreResult<FundDepositRecord> {
    Ok(FundDepositRecord {
        deposit_id: r.deposit_id,
        bank: r.bank,
        kind: coded("fund_deposit", "kind", &r.kind, DepositKind::parse)?,
        amount_fen: Fen::new(r.amount_fen),
        rate_ppm: crate::rows::cooked("fund_deposit", "rate_ppm", r.rate_ppm)?,
        placed_on: crate::rows::stored_date(&r.placed_on)?,
        matures_on: r
            .matures_on
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()?,
        status: coded("fund_deposit", "status", &r.status, DepositStatus::parse)?,
        interest_fen: r.interest_fen.map(Fen::new),
        entry_id: r.entry_id,
        note: r.note,
        created_by: r.created_by,
        created_at_us: r.created_at_us,
    })
}

#[doc(hidden)]
#[derive(sqlx::FromRow)]
pub struct AlertRow {
    pub alert_id: i64,
    pub indicator: String,
    pub level: String,
    pub value_ppm: i64,
    pub threshold_ppm: i64,
    pub message: String,
    pub raised_on: String,
    pub cleared_on: Option<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at_us: Option<i64>,
    pub ack_note: Option<String>,
}

#[doc(hidden)]
pub fn alert_from(r: AlertRow) -> StoreResult<FundAlertRecord> {
    Ok(FundAlertRecord {
        alert_id: r.alert_id,
        indicator: r.indicator,
        level: r.level,
        value_ppm: r.value_ppm,
        threshold_ppm: r.threshold_ppm,
        message: r.message,
        raised_on: crate::rows::stored_date(&r.raised_on)?,
        cleared_on: r
            .cleared_on
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()?,
        acknowledged_by: r.acknowledged_by,
        acknowledged_at_us: r.acknowledged_at_us,
        ack_note: r.ack_note,
    })
}

#[doc(hidden)]
#[derive(sqlx::FromRow)]
pub struct DistributionRow {
    pub year: i32,
    pub status: String,
    pub value_added_fen: i64,
    pub reserve_fen: i64,
    pub management_fen: i64,
    pub public_rental_fen: i64,
    pub reserve_reason: String,
    pub prepared_by: String,
    pub prepared_at_us: i64,
    pub approved_by: Option<String>,
    pub approved_at_us: Option<i64>,
    pub closing_entry_id: Option<i64>,
    pub entry_id: Option<i64>,
}

#[doc(hidden)]
pub fn distribution_from(r: DistributionRow) -> StoreResult<DistributionRecord> {
    Ok(DistributionRecord {
        year: r.year,
        status: coded(
            "fund_distribution",
            "status",
            &r.status,
            DistributionStatus::parse,
        )?,
        value_added_fen: Fen::new(r.value_added_fen),
        reserve_fen: Fen::new(r.reserve_fen),
        management_fen: Fen::new(r.management_fen),
        public_rental_fen: Fen::new(r.public_rental_fen),
        reserve_reason: r.reserve_reason,
        prepared_by: r.prepared_by,
        prepared_at_us: r.prepared_at_us,
        approved_by: r.approved_by,
        approved_at_us: r.approved_at_us,
        closing_entry_id: r.closing_entry_id,
        entry_id: r.entry_id,
    })
}

/// Merges per-measure rows into one [`BranchFigures`] per branch code.
#[doc(hidden)]
pub fn branch_slot<'a>(
    branches: &'a mut std::collections::BTreeMap<String, BranchFigures>,
    code: &str,
) -> &'a mut BranchFigures {
    branches
        .entry(code.to_string())
        .or_insert_with(|| BranchFigures {
            branch_code: code.to_string(),
            ..BranchFigures::default()
        })
}

/// The tail of a statement that records the members on the bills of a
/// `v (bill_id, paid_on, year)` CTE as contributors of that year (实缴职工),
/// the first payment of a year kept. `WHERE true`: SQLite's upsert after a
/// join needs a WHERE to parse.
#[doc(hidden)]
#[macro_export]
macro_rules! record_contributors {
    () => {
        "INSERT INTO contributor_year (year, member_id, first_paid_on) \
         SELECT v.year, l.member_id, v.paid_on FROM v \
         JOIN remittance_bill_line l ON l.bill_id = v.bill_id \
         WHERE true ON CONFLICT (year, member_id) DO NOTHING"
    };
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::fund_sql::FundStore for S
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
    async fn gl_days(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<Vec<crate::fund_sql::GlDayRow>> {
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as("SELECT CAST(value_date AS TEXT) AS value_date, gl_code, business_type, debit_fen, credit_fen \
             FROM gl_day WHERE value_date BETWEEN $1 AND $2 ORDER BY value_date, gl_code, business_type")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| {
                Ok(crate::fund_sql::GlDayRow {
                    value_date: crate::rows::stored_date(&r.0)?,
                    gl_code: r.1,
                    business_type: r.2,
                    debit_fen: Fen::new(r.3),
                    credit_fen: Fen::new(r.4),
                })
            })
            .collect()
    }

    async fn gl_totals_before(
        &self,
        day: anju_domain::Date,
    ) -> crate::StoreResult<Vec<(String, i64, i64)>> {
        sqlx::query_as(
            "SELECT gl_code, CAST(SUM(debit_fen) AS BIGINT), CAST(SUM(credit_fen) AS BIGINT) \
             FROM gl_day WHERE value_date < $1 GROUP BY gl_code ORDER BY gl_code",
        )
        .bind(S::day(day))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn collection_year(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
        from_us: i64,
        to_us: i64,
        as_of: anju_domain::Date,
    ) -> crate::StoreResult<crate::fund_sql::CollectionYear> {
        let paid: (i64, i64) = sqlx::query_as(
            "SELECT CAST(COUNT(DISTINCT b.employer_id) AS BIGINT), \
             CAST((SELECT COUNT(*) FROM contributor_year WHERE year = $3 \
               AND first_paid_on BETWEEN $1 AND $2) AS BIGINT) \
             FROM remittance_bill b WHERE b.status = 'paid' AND b.reversal_entry_id IS NULL \
             AND b.paid_on BETWEEN $1 AND $2",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .bind(from.year())
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let counts: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as("SELECT \
             (SELECT COUNT(*) FROM employer WHERE opened_at_us BETWEEN $3 AND $4), \
             (SELECT COUNT(*) FROM member WHERE enrolled_at_us BETWEEN $3 AND $4), \
             (SELECT COUNT(*) FROM base_filing WHERE year = $5 AND employer_id IN \
               (SELECT employer_id FROM remittance_bill WHERE status = 'paid' AND reversal_entry_id IS NULL \
                AND paid_on BETWEEN $1 AND $2)), \
             (SELECT COUNT(DISTINCT employer_id) FROM remittance_bill WHERE kind = '01' \
               AND reversal_entry_id IS NULL AND due_date BETWEEN $1 AND $2 \
               AND ((status = 'open' AND due_date < $6) OR paid_on > due_date)), \
             (SELECT COUNT(DISTINCT member_id) FROM flexible_deposit WHERE paid_on BETWEEN $1 AND $2), \
             (SELECT COUNT(DISTINCT w.member_id) FROM withdrawal w JOIN journal_entry j ON j.entry_id = w.entry_id \
               WHERE w.status = 'paid' AND j.value_date BETWEEN $1 AND $2), \
             (SELECT COUNT(*) FROM loan WHERE product = 'project' AND disbursed_on BETWEEN $1 AND $2), \
             CAST(COALESCE((SELECT SUM(amount_fen) FROM loan WHERE product = 'project' \
               AND disbursed_on BETWEEN $1 AND $2), 0) AS BIGINT)")
        .bind(S::day(from))
        .bind(S::day(to))
        .bind(from_us)
        .bind(to_us)
        .bind(from.year())
        .bind(S::day(as_of))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(crate::fund_sql::CollectionYear {
            employers: paid.0,
            members: paid.1,
            new_employers: counts.0,
            new_members: counts.1,
            base_adjusted: counts.2,
            overdue_employers: counts.3,
            flexible_contributors: counts.4,
            withdrawers: counts.5,
            project_loans_issued: counts.6,
            project_loans_issued_fen: Fen::new(counts.7),
        })
    }

    async fn services_by_channel(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<Vec<crate::fund_sql::ServiceCount>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as("SELECT 'withdrawal', CASE WHEN w.channel = 'entrusted' THEN 'batch' ELSE w.channel END AS via, \
               CAST(COUNT(*) AS BIGINT) FROM withdrawal w JOIN journal_entry j ON j.entry_id = w.entry_id \
               WHERE w.status = 'paid' AND j.value_date BETWEEN $1 AND $2 \
               GROUP BY CASE WHEN w.channel = 'entrusted' THEN 'batch' ELSE w.channel END \
             UNION ALL SELECT 'loan', applied_via, CAST(COUNT(*) AS BIGINT) FROM loan \
               WHERE product = 'personal' AND disbursed_on BETWEEN $1 AND $2 GROUP BY applied_via \
             UNION ALL SELECT 'remittance', paid_via, CAST(COUNT(*) AS BIGINT) FROM remittance_bill \
               WHERE status = 'paid' AND reversal_entry_id IS NULL AND paid_on BETWEEN $1 AND $2 \
               GROUP BY paid_via \
             UNION ALL SELECT 'flexible_deposit', applied_via, CAST(COUNT(*) AS BIGINT) FROM flexible_deposit \
               WHERE paid_on BETWEEN $1 AND $2 GROUP BY applied_via \
             UNION ALL SELECT 'base_filing', applied_via, CAST(COUNT(*) AS BIGINT) FROM base_filing \
               WHERE filed_on BETWEEN $1 AND $2 GROUP BY applied_via \
             ORDER BY 1, 2")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|(service, via, count)| {
                Ok(crate::fund_sql::ServiceCount {
                    service: crate::rows::coded(
                        "service",
                        "kind",
                        &service,
                        anju_domain::fund::ServiceKind::parse,
                    )?,
                    channel: crate::rows::coded(
                        "service",
                        "channel",
                        &via,
                        anju_domain::access::Channel::parse,
                    )?,
                    count,
                })
            })
            .collect()
    }

    async fn branch_figures(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<Vec<crate::fund_sql::BranchFigures>> {
        use crate::fund_sql::branch_slot;
        let mut branches = std::collections::BTreeMap::new();
        let bills: Vec<(String, i64, i64)> = sqlx::query_as("SELECT e.branch_code, CAST(COUNT(DISTINCT b.employer_id) AS BIGINT), CAST(SUM(b.total_fen) AS BIGINT) \
             FROM remittance_bill b JOIN employer e ON e.employer_id = b.employer_id \
             WHERE b.status = 'paid' AND b.reversal_entry_id IS NULL AND b.paid_on BETWEEN $1 AND $2 GROUP BY e.branch_code")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        for (code, employers, fen) in bills {
            let slot = branch_slot(&mut branches, &code);
            slot.employers = employers;
            slot.collection_fen = Fen::new(fen);
        }
        let members: Vec<(String, i64)> = sqlx::query_as("SELECT COALESCE(e.branch_code, ''), CAST(COUNT(*) AS BIGINT) FROM contributor_year c \
             JOIN member m ON m.member_id = c.member_id LEFT JOIN employer e ON e.employer_id = m.employer_id \
             WHERE c.year = $3 AND c.first_paid_on BETWEEN $1 AND $2 GROUP BY COALESCE(e.branch_code, '')")
        .bind(S::day(from))
        .bind(S::day(to))
        .bind(from.year())
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        for (code, count) in members {
            branch_slot(&mut branches, &code).members = count;
        }
        // Flexible workers' deposits (their members are counted above,
        // under no branch).
        let flexible_fen: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) \
             FROM flexible_deposit WHERE paid_on BETWEEN $1 AND $2",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        if flexible_fen > 0 {
            let slot = branch_slot(&mut branches, "");
            slot.collection_fen = slot.collection_fen.checked_add(Fen::new(flexible_fen))?;
        }
        let withdrawals: Vec<(String, i64, i64)> = sqlx::query_as("SELECT COALESCE(e.branch_code, ''), CAST(COUNT(*) AS BIGINT), CAST(SUM(j.total_fen) AS BIGINT) \
             FROM withdrawal w JOIN journal_entry j ON j.entry_id = w.entry_id \
             JOIN member m ON m.member_id = w.member_id LEFT JOIN employer e ON e.employer_id = m.employer_id \
             WHERE w.status = 'paid' AND j.business_type IN ('C11', 'C12') \
             AND j.value_date BETWEEN $1 AND $2 GROUP BY COALESCE(e.branch_code, '')")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        for (code, count, fen) in withdrawals {
            let slot = branch_slot(&mut branches, &code);
            slot.withdrawals = count;
            slot.withdrawals_fen = Fen::new(fen);
        }
        let loans: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as("SELECT COALESCE(e.branch_code, ''), \
             CAST(SUM(CASE WHEN l.disbursed_on BETWEEN $1 AND $2 THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN l.disbursed_on BETWEEN $1 AND $2 THEN l.amount_fen ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN l.status = 'active' THEN l.outstanding_fen ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN l.status = 'active' THEN l.overdue_principal_fen ELSE 0 END) AS BIGINT) \
             FROM loan l JOIN member m ON m.member_id = l.member_id LEFT JOIN employer e ON e.employer_id = m.employer_id \
             WHERE l.product = 'personal' AND l.disbursed_on IS NOT NULL GROUP BY COALESCE(e.branch_code, '')")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        for (code, count, fen, balance, overdue) in loans {
            let slot = branch_slot(&mut branches, &code);
            slot.loans_issued = count;
            slot.loans_issued_fen = Fen::new(fen);
            slot.loan_balance_fen = Fen::new(balance);
            slot.overdue_principal_fen = Fen::new(overdue);
        }
        let deposits: Vec<(String, i64)> = sqlx::query_as(
            "SELECT COALESCE(e.branch_code, ''), CAST(SUM(a.balance_fen) AS BIGINT) FROM member_account a \
             JOIN member m ON m.member_id = a.member_id LEFT JOIN employer e ON e.employer_id = m.employer_id \
             GROUP BY COALESCE(e.branch_code, '')",
        )
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        for (code, fen) in deposits {
            branch_slot(&mut branches, &code).deposit_balance_fen = Fen::new(fen);
        }
        Ok(branches.into_values().collect())
    }

    async fn installments_due_between(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<Vec<(anju_domain::Date, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT CAST(i.due_date AS TEXT) AS due_date, CAST(SUM(i.principal_fen + i.interest_fen \
             - i.paid_principal_fen - i.paid_interest_fen) AS BIGINT) \
             FROM loan_installment i JOIN loan l ON l.loan_id = i.loan_id \
             WHERE l.status = 'active' AND i.status <> 'paid' AND i.due_date BETWEEN $1 AND $2 GROUP BY i.due_date ORDER BY i.due_date")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|(day, fen)| Ok((crate::rows::stored_date(&day)?, fen)))
            .collect()
    }

    async fn pending_disbursements_fen(&self) -> crate::StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM loan \
             WHERE status IN ('approved', 'first_approved', 'contracted')",
        )
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn set_employer_branches(&self, rows: &[(i64, String)]) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        for (employer_id, code) in rows {
            sqlx::query("UPDATE employer SET branch_code = $1 WHERE employer_id = $2")
                .bind(code)
                .bind(employer_id)
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn save_fund_deposit(
        &self,
        d: &crate::fund_sql::FundDepositRecord,
    ) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO fund_deposit (deposit_id, bank, kind, amount_fen, rate_ppm, placed_on, matures_on, \
             status, interest_fen, entry_id, note, created_by, created_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(d.deposit_id)
        .bind(&d.bank)
        .bind(d.kind.code())
        .bind(d.amount_fen.raw())
        .bind(d.rate_ppm.raw())
        .bind(S::day(d.placed_on))
        .bind(d.matures_on.map(S::day))
        .bind(d.status.code())
        .bind(d.interest_fen.raw())
        .bind(d.entry_id)
        .bind(&d.note)
        .bind(&d.created_by)
        .bind(d.created_at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn fund_deposits(&self) -> crate::StoreResult<Vec<crate::fund_sql::FundDepositRecord>> {
        let rows: Vec<crate::fund_sql::DepositRow> = sqlx::query_as(
            "SELECT deposit_id, bank, kind, amount_fen, rate_ppm, CAST(placed_on AS TEXT) AS placed_on, \
             CAST(matures_on AS TEXT) AS matures_on, status, interest_fen, entry_id, note, created_by, created_at_us \
             FROM fund_deposit ORDER BY status, placed_on, deposit_id",
        )
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::fund_sql::deposit_from)
            .collect()
    }

    async fn mature_fund_deposit(
        &self,
        deposit_id: i64,
        interest_fen: i64,
        entry_id: i64,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE fund_deposit SET status = 'matured', interest_fen = $1, entry_id = $2 \
             WHERE deposit_id = $3 AND status = 'held'",
        )
        .bind(interest_fen)
        .bind(entry_id)
        .bind(deposit_id)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn add_fund_input(&self, i: &crate::fund_sql::FundInputRecord) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO fund_input (input_id, year, input_key, value_text, entered_on, entered_by, \
             entered_at_us, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(i.input_id)
        .bind(i.year)
        .bind(&i.key)
        .bind(&i.value_text)
        .bind(S::day(i.entered_on))
        .bind(&i.entered_by)
        .bind(i.entered_at_us)
        .bind(&i.note)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn fund_inputs(
        &self,
        year: Option<i32>,
    ) -> crate::StoreResult<Vec<crate::fund_sql::FundInputRecord>> {
        let rows: Vec<(i64, i32, String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT input_id, year, input_key, value_text, CAST(entered_on AS TEXT) AS entered_on, entered_by, \
             entered_at_us, note FROM fund_input WHERE $1 IS NULL OR year = $1 \
             ORDER BY year, input_key, input_id",
        )
        .bind(year)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| {
                Ok(crate::fund_sql::FundInputRecord {
                    input_id: r.0,
                    year: r.1,
                    key: r.2,
                    value_text: r.3,
                    entered_on: crate::rows::stored_date(&r.4)?,
                    entered_by: r.5,
                    entered_at_us: r.6,
                    note: r.7,
                })
            })
            .collect()
    }

    async fn raise_fund_alert(
        &self,
        a: &crate::fund_sql::FundAlertRecord,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query("INSERT INTO fund_alert (alert_id, indicator, level, value_ppm, threshold_ppm, message, raised_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (indicator) WHERE cleared_on IS NULL DO NOTHING")
        .bind(a.alert_id)
        .bind(&a.indicator)
        .bind(&a.level)
        .bind(a.value_ppm)
        .bind(a.threshold_ppm)
        .bind(&a.message)
        .bind(S::day(a.raised_on))
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn clear_fund_alerts(
        &self,
        firing: &[String],
        on: anju_domain::Date,
    ) -> crate::StoreResult<u64> {
        let mut q = sqlx::QueryBuilder::<S::Db>::new("UPDATE fund_alert SET cleared_on = ");
        q.push_bind(S::day(on));
        q.push(" WHERE cleared_on IS NULL");
        if !firing.is_empty() {
            q.push(" AND indicator NOT IN (");
            let mut list = q.separated(", ");
            for indicator in firing {
                list.push_bind(indicator.as_str());
            }
            q.push(")");
        }
        let done = q
            .build()
            .execute(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok(S::affected(&done))
    }

    async fn acknowledge_fund_alert(
        &self,
        alert_id: i64,
        by: &str,
        at_us: i64,
        note: &str,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE fund_alert SET acknowledged_by = $1, acknowledged_at_us = $2, ack_note = $3 \
             WHERE alert_id = $4 AND acknowledged_by IS NULL",
        )
        .bind(by)
        .bind(at_us)
        .bind(note)
        .bind(alert_id)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn fund_alerts(
        &self,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::fund_sql::FundAlertRecord>> {
        let rows: Vec<crate::fund_sql::AlertRow> = sqlx::query_as(
            "SELECT alert_id, indicator, level, value_ppm, threshold_ppm, message, CAST(raised_on AS TEXT) AS raised_on, \
             CAST(cleared_on AS TEXT) AS cleared_on, acknowledged_by, acknowledged_at_us, ack_note FROM fund_alert \
             ORDER BY CASE WHEN cleared_on IS NULL THEN 0 ELSE 1 END, alert_id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter().map(crate::fund_sql::alert_from).collect()
    }

    async fn save_distribution(
        &self,
        r: &crate::fund_sql::DistributionRecord,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO fund_distribution (year, status, value_added_fen, reserve_fen, management_fen, \
             public_rental_fen, reserve_reason, prepared_by, prepared_at_us) \
             VALUES ($1, 'prepared', $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (year) DO NOTHING",
        )
        .bind(r.year)
        .bind(r.value_added_fen.raw())
        .bind(r.reserve_fen.raw())
        .bind(r.management_fen.raw())
        .bind(r.public_rental_fen.raw())
        .bind(&r.reserve_reason)
        .bind(&r.prepared_by)
        .bind(r.prepared_at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn replace_prepared_distribution(
        &self,
        r: &crate::fund_sql::DistributionRecord,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE fund_distribution SET value_added_fen = $1, reserve_fen = $2, management_fen = $3, \
             public_rental_fen = $4, reserve_reason = $5, prepared_by = $6, prepared_at_us = $7 \
             WHERE year = $8 AND status = 'prepared'",
        )
        .bind(r.value_added_fen.raw())
        .bind(r.reserve_fen.raw())
        .bind(r.management_fen.raw())
        .bind(r.public_rental_fen.raw())
        .bind(&r.reserve_reason)
        .bind(&r.prepared_by)
        .bind(r.prepared_at_us)
        .bind(r.year)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn approve_distribution(
        &self,
        year: i32,
        by: &str,
        at_us: i64,
        closing_entry_id: Option<i64>,
        entry_id: i64,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE fund_distribution SET status = 'approved', approved_by = $1, approved_at_us = $2, \
             closing_entry_id = $3, entry_id = $4 WHERE year = $5 AND status = 'prepared'",
        )
        .bind(by)
        .bind(at_us)
        .bind(closing_entry_id)
        .bind(entry_id)
        .bind(year)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn distribution(
        &self,
        year: i32,
    ) -> crate::StoreResult<Option<crate::fund_sql::DistributionRecord>> {
        let row: Option<crate::fund_sql::DistributionRow> = sqlx::query_as(
            "SELECT year, status, value_added_fen, reserve_fen, management_fen, public_rental_fen, \
             reserve_reason, prepared_by, prepared_at_us, approved_by, approved_at_us, closing_entry_id, \
             entry_id FROM fund_distribution WHERE year = $1",
        )
        .bind(year)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::fund_sql::distribution_from).transpose()
    }
}
