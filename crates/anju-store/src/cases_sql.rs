//! The SQL of [`CaseStore`](crate::CaseStore), generic over the
//! [`Dialect`](crate::sql::Dialect) like `collection_sql`.

use crate::StoreResult;
use crate::cases::{
    AgreementRecord, BaseFilingRecord, CaseRecord, CaseStepRecord, DepositRecord, ReliefRecord,
};
use crate::rows::Stored;
use crate::rows::{coded, stored_date};
use anju_domain::Fen;
use anju_domain::access::Channel;
use anju_domain::collection::{CaseStatus, CaseStep, ReliefKind, ReliefStatus, ReviewOutcome};

/// Statuses of an employer that still contributes: 正常, 开户, 缓缴.
#[doc(hidden)]
#[macro_export]
macro_rules! contributing_statuses {
    () => {
        "('01', '02', '03')"
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! relief_columns {
    () => {
        "relief_id, employer_id, kind, from_period, to_period, employer_rate_ppm, member_rate_ppm, reason, consent, status, task_id, filed_at_us"
    };
}

#[derive(sqlx::FromRow)]
pub struct ReliefRow {
    pub relief_id: i64,
    pub employer_id: i64,
    pub kind: String,
    pub from_period: i32,
    pub to_period: i32,
    pub employer_rate_ppm: Option<i64>,
    pub member_rate_ppm: Option<i64>,
    pub reason: String,
    pub consent: String,
    pub status: String,
    pub task_id: i64,
    pub filed_at_us: i64,
}

pub fn relief_from(r: ReliefRow) -> StoreResult<ReliefRecord> {
    Ok(ReliefRecord {
        relief_id: r.relief_id,
        employer_id: r.employer_id,
        kind: coded("employer_relief", "kind", &r.kind, ReliefKind::parse)?,
        from_period: r.from_period,
        to_period: r.to_period,
        employer_rate_ppm: crate::rows::cooked(
            "employer_relief",
            "employer_rate_ppm",
            r.employer_rate_ppm,
        )?,
        member_rate_ppm: crate::rows::cooked(
            "employer_relief",
            "member_rate_ppm",
            r.member_rate_ppm,
        )?,
        reason: r.reason,
        consent: r.consent,
        status: coded("employer_relief", "status", &r.status, ReliefStatus::parse)?,
        task_id: r.task_id,
        filed_at_us: r.filed_at_us,
    })
}

#[doc(hidden)]
#[macro_export]
macro_rules! case_columns {
    () => {
        "case_id, employer_id, CAST(opened_on AS TEXT) AS opened_on, status, arrears_fen, periods, CAST(closed_on AS TEXT) AS closed_on"
    };
}

#[derive(sqlx::FromRow)]
pub struct CaseRow {
    pub case_id: i64,
    pub employer_id: i64,
    pub opened_on: String,
    pub status: String,
    pub arrears_fen: i64,
    pub periods: String,
    pub closed_on: Option<String>,
}

pub fn case_from(r: CaseRow) -> StoreResult<CaseRecord> {
    Ok(CaseRecord {
        case_id: r.case_id,
        employer_id: r.employer_id,
        opened_on: stored_date(&r.opened_on)?,
        status: coded("enforcement_case", "status", &r.status, CaseStatus::parse)?,
        arrears_fen: Fen::new(r.arrears_fen),
        periods: r.periods,
        closed_on: r.closed_on.as_deref().map(stored_date).transpose()?,
    })
}

#[derive(sqlx::FromRow)]
pub struct StepRow {
    pub step_no: i32,
    pub kind: String,
    pub acted_on: String,
    pub deadline: Option<String>,
    pub document: String,
    pub staff_login: String,
    pub note: String,
    pub outcome: Option<String>,
    pub evidence: String,
}

pub fn step_from(r: StepRow) -> StoreResult<CaseStepRecord> {
    Ok(CaseStepRecord {
        step_no: r.step_no,
        kind: coded("enforcement_step", "kind", &r.kind, CaseStep::parse)?,
        acted_on: stored_date(&r.acted_on)?,
        deadline: r.deadline.as_deref().map(stored_date).transpose()?,
        document: r.document,
        staff_login: r.staff_login,
        note: r.note,
        outcome: r
            .outcome
            .as_deref()
            .map(|o| coded("enforcement_step", "outcome", o, ReviewOutcome::parse))
            .transpose()?,
        evidence: r.evidence,
    })
}

#[derive(sqlx::FromRow)]
pub struct FilingRow {
    pub employer_id: i64,
    pub year: i32,
    pub filed_on: String,
    pub member_count: i32,
    pub filed_by: String,
    pub applied_via: String,
}

pub fn filing_from(r: FilingRow) -> StoreResult<BaseFilingRecord> {
    Ok(BaseFilingRecord {
        employer_id: r.employer_id,
        year: r.year,
        filed_on: stored_date(&r.filed_on)?,
        member_count: r.member_count,
        filed_by: r.filed_by,
        applied_via: coded("base_filing", "applied_via", &r.applied_via, Channel::parse)?,
    })
}

#[derive(sqlx::FromRow)]
pub struct AgreementRow {
    pub member_id: i64,
    pub agreement_version: String,
    pub signed_on: String,
    pub mobile: String,
    pub monthly_fen: i64,
}

/// A flexible worker's agreement opened: the mobile is sealed at rest.
pub fn agreement_from(seal: &crate::PersonalSeal, r: AgreementRow) -> StoreResult<AgreementRecord> {
    Ok(AgreementRecord {
        member_id: r.member_id,
        agreement_version: r.agreement_version,
        signed_on: stored_date(&r.signed_on)?,
        mobile: seal.open(
            crate::seal::field("flexible_agreement", "mobile", r.member_id),
            &r.mobile,
        )?,
        monthly_fen: Fen::new(r.monthly_fen),
    })
}

#[derive(sqlx::FromRow)]
pub struct DepositRow {
    pub deposit_id: i64,
    pub member_id: i64,
    pub period: i32,
    pub amount_fen: i64,
    pub paid_on: String,
    pub channel: String,
    pub reference: String,
    pub entry_id: i64,
    pub request_key: String,
    pub applied_via: String,
}

pub fn deposit_from(r: DepositRow) -> StoreResult<DepositRecord> {
    Ok(DepositRecord {
        deposit_id: r.deposit_id,
        member_id: r.member_id,
        period: r.period,
        amount_fen: Fen::new(r.amount_fen),
        paid_on: stored_date(&r.paid_on)?,
        channel: r.channel,
        reference: r.reference,
        entry_id: r.entry_id,
        request_key: r.request_key,
        applied_via: coded(
            "flexible_deposit",
            "applied_via",
            &r.applied_via,
            Channel::parse,
        )?,
    })
}

/// `LIKE` pattern for "contains `text`", with the wildcards in it escaped.
pub fn contains_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::CaseStore for S
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
    async fn set_employer_status(
        &self,
        employer_id: i64,
        expected: &[anju_domain::collection::EmployerStatus],
        status: anju_domain::collection::EmployerStatus,
    ) -> crate::StoreResult<bool> {
        let mut q = sqlx::QueryBuilder::new("UPDATE employer SET status = ");
        q.push_bind(status.code());
        q.push(" WHERE employer_id = ");
        q.push_bind(employer_id);
        q.push(" AND status IN (");
        let mut list = q.separated(", ");
        for s in expected {
            list.push_bind(s.code());
        }
        q.push(")");
        let done = q
            .build()
            .execute(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn set_employer_terms(
        &self,
        employer_id: i64,
        pay_day: Option<i32>,
        employer_rate_ppm: i64,
        member_rate_ppm: i64,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE employer SET pay_day = $2, employer_rate_ppm = $3, member_rate_ppm = $4 \
             WHERE employer_id = $1",
        )
        .bind(employer_id)
        .bind(pay_day)
        .bind(employer_rate_ppm)
        .bind(member_rate_ppm)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn employer_user_ids(&self, employer_id: i64) -> crate::StoreResult<Vec<i64>> {
        sqlx::query_scalar("SELECT user_id FROM app_user WHERE employer_id = $1 ORDER BY user_id")
            .bind(employer_id)
            .fetch_all(self.reader())
            .await
            .map_err(crate::sql::backend)
    }

    async fn count_attached_members(&self, employer_id: i64) -> crate::StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM member WHERE employer_id = $1 AND status IN ('01', '06')",
        )
        .bind(employer_id)
        .fetch_one(self.writer())
        .await
        .map_err(crate::sql::backend)
    }

    async fn search_employers(
        &self,
        text: &str,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::EmployerRecord>> {
        let rows: Vec<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!("SELECT ", crate::employer_columns!(), " FROM employer WHERE uscc = $1 OR name LIKE $2 ESCAPE '\\' ORDER BY employer_id LIMIT $3"))
        .bind(text)
        .bind(crate::cases_sql::contains_pattern(text))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::employer_from)
            .collect()
    }

    async fn search_members(
        &self,
        text: &str,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::MemberRecord>> {
        let rows: Vec<crate::collection_sql::MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::member_columns!(),
            " FROM member WHERE id_card_bidx = $1 OR name_bidx = $2 ORDER BY member_id LIMIT $3"
        ))
        .bind(self.seal().index(crate::seal::kind::ID_CARD, text))
        .bind(self.seal().index(crate::seal::kind::NAME, text))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| crate::collection_sql::member_from(self.seal(), r))
            .collect()
    }

    async fn members_of(
        &self,
        employer_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::MemberRecord>> {
        let rows: Vec<crate::collection_sql::MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::member_columns!(),
            " FROM member WHERE employer_id = $1 ORDER BY member_id LIMIT $2"
        ))
        .bind(employer_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| crate::collection_sql::member_from(self.seal(), r))
            .collect()
    }

    async fn count_overdue_employers(&self, as_of: anju_domain::Date) -> crate::StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(DISTINCT employer_id) FROM remittance_bill \
             WHERE status = 'open' AND kind = '01' AND due_date < $1",
        )
        .bind(S::day(as_of))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn overdue_employer_ids(
        &self,
        as_of: anju_domain::Date,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<i64>> {
        sqlx::query_scalar("SELECT DISTINCT employer_id FROM remittance_bill \
             WHERE status = 'open' AND kind = '01' AND due_date < $1 AND employer_id > $2 ORDER BY employer_id LIMIT $3")
        .bind(S::day(as_of))
        .bind(after)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn overdue_bills_of(
        &self,
        employer_id: i64,
        as_of: anju_domain::Date,
    ) -> crate::StoreResult<Vec<crate::BillRecord>> {
        let rows: Vec<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE employer_id = $1 AND status = 'open' AND kind = '01' \
             AND due_date < $2 ORDER BY period"
        ))
        .bind(employer_id)
        .bind(S::day(as_of))
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }

    async fn monthly_bill(
        &self,
        employer_id: i64,
        period: i32,
    ) -> crate::StoreResult<Option<crate::BillRecord>> {
        let row: Option<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE employer_id = $1 AND period = $2 AND kind = '01' \
             AND reversal_entry_id IS NULL"
        ))
        .bind(employer_id)
        .bind(period)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::collection_sql::bill_from).transpose()
    }

    async fn mark_bill_reversed(
        &self,
        bill_id: i64,
        reversal_entry_id: i64,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE remittance_bill SET reversal_entry_id = $2 \
             WHERE bill_id = $1 AND status = 'paid' AND reversal_entry_id IS NULL",
        )
        .bind(bill_id)
        .bind(reversal_entry_id)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn bill_paid_by(&self, entry_id: i64) -> crate::StoreResult<Option<crate::BillRecord>> {
        let row: Option<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE paid_entry_id = $1"
        ))
        .bind(entry_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::collection_sql::bill_from).transpose()
    }

    async fn file_bases(
        &self,
        f: &crate::BaseFilingRecord,
        bases: &[crate::NewBase],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query("DELETE FROM base_filing WHERE employer_id = $1 AND year = $2")
            .bind(f.employer_id)
            .bind(f.year)
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
        sqlx::query("INSERT INTO base_filing (employer_id, year, filed_on, member_count, filed_by, applied_via) \
             VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(f.employer_id)
        .bind(f.year)
        .bind(S::day(f.filed_on))
        .bind(f.member_count)
        .bind(&f.filed_by)
        .bind(f.applied_via.code())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        for b in bases {
            let done = sqlx::query(
                "UPDATE member SET wage_fen = $2 WHERE member_id = $1 AND employer_id = $3 AND status = '01'",
            )
            .bind(b.member_id)
            .bind(b.wage_fen.raw())
            .bind(f.employer_id)
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
            if S::affected(&done) != 1 {
                return Err(crate::StoreError::rejected(
                    "MEMBER_CHANGED",
                    format!(
                        "个人账户 {} 已不在本单位正常缴存，请刷新后重新申报",
                        b.member_id
                    ),
                ));
            }
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn base_filing(
        &self,
        employer_id: i64,
        year: i32,
    ) -> crate::StoreResult<Option<crate::BaseFilingRecord>> {
        let row: Option<crate::cases_sql::FilingRow> = sqlx::query_as(
            "SELECT employer_id, year, CAST(filed_on AS TEXT) AS filed_on, member_count, filed_by, applied_via FROM base_filing \
             WHERE employer_id = $1 AND year = $2",
        )
        .bind(employer_id)
        .bind(year)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::cases_sql::filing_from).transpose()
    }

    async fn count_base_filings(&self, year: i32) -> crate::StoreResult<i64> {
        sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM base_filing f JOIN employer e ON e.employer_id = f.employer_id \
             WHERE f.year = $1 AND e.status IN ",
            crate::contributing_statuses!()
        ))
        .bind(year)
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn employers_not_filed(
        &self,
        year: i32,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::EmployerRecord>> {
        let rows: Vec<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::employer_columns!(),
            " FROM employer e WHERE e.status IN ",
            crate::contributing_statuses!(),
            " AND NOT EXISTS \
             (SELECT 1 FROM base_filing f WHERE f.employer_id = e.employer_id AND f.year = $1) \
             AND e.employer_id > $2 ORDER BY e.employer_id LIMIT $3"
        ))
        .bind(year)
        .bind(after)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::employer_from)
            .collect()
    }

    async fn count_contributing_employers(&self) -> crate::StoreResult<i64> {
        sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM employer WHERE status IN ",
            crate::contributing_statuses!()
        ))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn save_relief(&self, r: &crate::ReliefRecord) -> crate::StoreResult<()> {
        sqlx::query(concat!(
            "INSERT INTO employer_relief (",
            crate::relief_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(r.relief_id)
        .bind(r.employer_id)
        .bind(r.kind.code())
        .bind(r.from_period)
        .bind(r.to_period)
        .bind(r.employer_rate_ppm.raw())
        .bind(r.member_rate_ppm.raw())
        .bind(&r.reason)
        .bind(&r.consent)
        .bind(r.status.code())
        .bind(r.task_id)
        .bind(r.filed_at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn relief_by_task(
        &self,
        task_id: i64,
    ) -> crate::StoreResult<Option<crate::ReliefRecord>> {
        let row: Option<crate::cases_sql::ReliefRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::relief_columns!(),
            " FROM employer_relief WHERE task_id = $1"
        ))
        .bind(task_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::cases_sql::relief_from).transpose()
    }

    async fn reliefs_of(
        &self,
        employer_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::ReliefRecord>> {
        let rows: Vec<crate::cases_sql::ReliefRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::relief_columns!(),
            " FROM employer_relief WHERE employer_id = $1 ORDER BY relief_id DESC LIMIT $2"
        ))
        .bind(employer_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::cases_sql::relief_from)
            .collect()
    }

    async fn decide_relief(
        &self,
        relief_id: i64,
        status: anju_domain::collection::ReliefStatus,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE employer_relief SET status = $2 WHERE relief_id = $1 AND status = 'pending'",
        )
        .bind(relief_id)
        .bind(status.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn approved_reliefs_in(
        &self,
        period: i32,
    ) -> crate::StoreResult<Vec<crate::ReliefRecord>> {
        let rows: Vec<crate::cases_sql::ReliefRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::relief_columns!(),
            " FROM employer_relief WHERE status = 'approved' AND from_period <= $1 AND to_period >= $1 \
             ORDER BY relief_id"
        ))
        .bind(period)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::cases_sql::relief_from)
            .collect()
    }

    async fn ended_deferrals(&self, period: i32) -> crate::StoreResult<Vec<crate::ReliefRecord>> {
        let rows: Vec<crate::cases_sql::ReliefRow> = sqlx::query_as(concat!("SELECT ", crate::relief_columns!(), " FROM employer_relief r WHERE r.kind = 'deferral' AND r.status = 'approved' \
             AND r.to_period < $1 AND EXISTS (SELECT 1 FROM employer e WHERE e.employer_id = r.employer_id \
             AND e.status = '03') AND NOT EXISTS (SELECT 1 FROM employer_relief o WHERE \
             o.employer_id = r.employer_id AND o.kind = 'deferral' AND o.status = 'approved' \
             AND o.to_period >= $1) ORDER BY r.relief_id"))
        .bind(period)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::cases_sql::relief_from)
            .collect()
    }

    async fn open_case(
        &self,
        c: &crate::CaseRecord,
        first: &crate::CaseStepRecord,
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query("INSERT INTO enforcement_case (case_id, employer_id, opened_on, status, arrears_fen, periods, closed_on) \
             VALUES ($1, $2, $3, 'open', $4, $5, NULL)")
        .bind(c.case_id)
        .bind(c.employer_id)
        .bind(S::day(c.opened_on))
        .bind(c.arrears_fen.raw())
        .bind(&c.periods)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend("CASE_OPEN", "该单位已有未结案的催缴案件"))?;
        CaseSteps::<S>::insert_step(&mut *tx, c.case_id, first).await?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn case(
        &self,
        case_id: i64,
    ) -> crate::StoreResult<Option<(crate::CaseRecord, Vec<crate::CaseStepRecord>)>> {
        let row: Option<crate::cases_sql::CaseRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::case_columns!(),
            " FROM enforcement_case WHERE case_id = $1"
        ))
        .bind(case_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        let Some(row) = row else { return Ok(None) };
        let steps: Vec<crate::cases_sql::StepRow> = sqlx::query_as(
            "SELECT step_no, kind, CAST(acted_on AS TEXT) AS acted_on, CAST(deadline AS TEXT) AS deadline, document, staff_login, note, outcome, evidence \
             FROM enforcement_step WHERE case_id = $1 ORDER BY step_no",
        )
        .bind(case_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(Some((
            crate::cases_sql::case_from(row)?,
            steps
                .into_iter()
                .map(crate::cases_sql::step_from)
                .collect::<crate::StoreResult<Vec<_>>>()?,
        )))
    }

    async fn open_case_of(
        &self,
        employer_id: i64,
    ) -> crate::StoreResult<Option<crate::CaseRecord>> {
        let row: Option<crate::cases_sql::CaseRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::case_columns!(),
            " FROM enforcement_case WHERE employer_id = $1 AND status = 'open'"
        ))
        .bind(employer_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::cases_sql::case_from).transpose()
    }

    async fn open_cases_of(
        &self,
        employer_ids: &[i64],
    ) -> crate::StoreResult<Vec<crate::CaseRecord>> {
        // From the writer, like `open_case_of`, so a list and the file agree.
        let rows: Vec<crate::cases_sql::CaseRow> = crate::sql::rows_in::<S, _, _>(
            self.writer(),
            concat!(
                "SELECT ",
                crate::case_columns!(),
                " FROM enforcement_case WHERE status = 'open' AND employer_id IN ("
            ),
            employer_ids,
            ") ORDER BY employer_id",
        )
        .await?;
        crate::sql::mapped(rows, crate::cases_sql::case_from)
    }

    async fn cases(
        &self,
        status: Option<anju_domain::collection::CaseStatus>,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::CaseRecord>> {
        let rows: Vec<crate::cases_sql::CaseRow> = sqlx::query_as(concat!("SELECT ", crate::case_columns!(), " FROM enforcement_case WHERE ($1 IS NULL OR status = $1) ORDER BY case_id DESC LIMIT $2"))
        .bind(status.map(|s| s.code()))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter().map(crate::cases_sql::case_from).collect()
    }

    async fn add_case_step(
        &self,
        case_id: i64,
        step: &crate::CaseStepRecord,
        closed_on: Option<anju_domain::Date>,
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let open: Option<i64> = sqlx::query_scalar(
            "SELECT case_id FROM enforcement_case WHERE case_id = $1 AND status = 'open'",
        )
        .bind(case_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        if open.is_none() {
            return Ok(false);
        }
        let taken: Option<i32> = sqlx::query_scalar(
            "SELECT step_no FROM enforcement_step WHERE case_id = $1 AND step_no = $2",
        )
        .bind(case_id)
        .bind(step.step_no)
        .fetch_optional(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        if taken.is_some() {
            return Ok(false);
        }
        CaseSteps::<S>::insert_step(&mut *tx, case_id, step).await?;
        if let Some(day) = closed_on {
            sqlx::query(
                "UPDATE enforcement_case SET status = 'closed', closed_on = $2 WHERE case_id = $1",
            )
            .bind(case_id)
            .bind(S::day(day))
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(true)
    }

    async fn save_agreement(&self, a: &crate::AgreementRecord) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO flexible_agreement (member_id, agreement_version, signed_on, mobile, monthly_fen) \
             VALUES ($1, $2, $3, $4, $5)")
        .bind(a.member_id)
        .bind(&a.agreement_version)
        .bind(S::day(a.signed_on))
        .bind(self.seal().seal(crate::seal::field("flexible_agreement", "mobile", a.member_id), &a.mobile))
        .bind(a.monthly_fen.raw())
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend("AGREEMENT_EXISTS", "已签订灵活就业缴存协议"))?;
        Ok(())
    }

    async fn agreement(
        &self,
        member_id: i64,
    ) -> crate::StoreResult<Option<crate::AgreementRecord>> {
        let row: Option<crate::cases_sql::AgreementRow> = sqlx::query_as(
            "SELECT member_id, agreement_version, CAST(signed_on AS TEXT) AS signed_on, mobile, monthly_fen \
             FROM flexible_agreement WHERE member_id = $1",
        )
        .bind(member_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::cases_sql::agreement_from(self.seal(), r))
            .transpose()
    }

    async fn save_deposit(&self, d: &crate::DepositRecord) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query("INSERT INTO flexible_deposit (deposit_id, member_id, period, amount_fen, paid_on, channel, \
             reference, entry_id, request_key, applied_via) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(d.deposit_id)
        .bind(d.member_id)
        .bind(d.period)
        .bind(d.amount_fen.raw())
        .bind(S::day(d.paid_on))
        .bind(&d.channel)
        .bind(&d.reference)
        .bind(d.entry_id)
        .bind(&d.request_key)
        .bind(d.applied_via.code())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO contributor_year (year, member_id, first_paid_on) \
             VALUES ($1, $2, $3) ON CONFLICT (year, member_id) DO NOTHING",
        )
        .bind(d.paid_on.year())
        .bind(d.member_id)
        .bind(S::day(d.paid_on))
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn deposits_of(
        &self,
        member_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::DepositRecord>> {
        let rows: Vec<crate::cases_sql::DepositRow> = sqlx::query_as(
            "SELECT deposit_id, member_id, period, amount_fen, CAST(paid_on AS TEXT) AS paid_on, channel, reference, entry_id, \
             request_key, applied_via FROM flexible_deposit WHERE member_id = $1 ORDER BY deposit_id DESC LIMIT $2",
        )
        .bind(member_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::cases_sql::deposit_from)
            .collect()
    }

    async fn deposit_by_key(
        &self,
        member_id: i64,
        key: &str,
    ) -> crate::StoreResult<Option<crate::DepositRecord>> {
        let row: Option<crate::cases_sql::DepositRow> = sqlx::query_as(
            "SELECT deposit_id, member_id, period, amount_fen, CAST(paid_on AS TEXT) AS paid_on, channel, reference, entry_id, \
             request_key, applied_via FROM flexible_deposit WHERE member_id = $1 AND request_key = $2",
        )
        .bind(member_id)
        .bind(key)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::cases_sql::deposit_from).transpose()
    }

    async fn count_flexible_contributing(
        &self,
        since: anju_domain::Date,
    ) -> crate::StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(DISTINCT d.member_id) FROM flexible_deposit d JOIN member m ON m.member_id = d.member_id \
             WHERE m.status = '01' AND m.employer_id IS NULL AND d.paid_on >= $1")
        .bind(S::day(since))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn count_employed_members(&self) -> crate::StoreResult<i64> {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM member WHERE status = '01' AND employer_id IS NOT NULL",
        )
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }
}

/// Steps several methods share, generic over the dialect like the impls.
struct CaseSteps<S>(std::marker::PhantomData<S>);

impl<S: crate::sql::Dialect> CaseSteps<S>
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
    /// Inserts one enforcement step inside a transaction.
    async fn insert_step(
        conn: &mut crate::sql::Conn<S>,
        case_id: i64,
        step: &crate::CaseStepRecord,
    ) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO enforcement_step (case_id, step_no, kind, acted_on, deadline, document, staff_login, note, outcome, evidence) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(case_id)
        .bind(step.step_no)
        .bind(step.kind.code())
        .bind(S::day(step.acted_on))
        .bind(step.deadline.map(S::day))
        .bind(&step.document)
        .bind(&step.staff_login)
        .bind(&step.note)
        .bind(step.outcome.map(|o| o.code()))
        .bind(&step.evidence)
        .execute(conn)
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }
}
