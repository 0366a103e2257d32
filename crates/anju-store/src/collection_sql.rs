//! The SQL of [`CollectionStore`](crate::CollectionStore), generic over the
//! [`Dialect`](crate::sql::Dialect): dates are bound as the backend's date
//! (`Dialect::day`) and read back with `CAST(… AS TEXT)`, which both engines
//! accept.

use crate::StoreResult;
use crate::collection::{BillLineRecord, BillRecord, EmployerRecord, MemberRecord};
use crate::rows::Stored;
use crate::rows::{coded, stored_date};
use crate::seal::kind;
use anju_domain::Fen;
use anju_domain::collection::{BillKind, BillStatus, EmployerStatus, MemberStatus};

/// Ids per `IN (…)` list (SQLite binds at most 32,766 parameters a statement).
pub const IDS_PER_LOOKUP: usize = 900;

#[derive(sqlx::FromRow)]
pub struct EmployerRow {
    pub employer_id: i64,
    pub uscc: String,
    pub name: String,
    pub pay_day: Option<i32>,
    pub employer_rate_ppm: i64,
    pub member_rate_ppm: i64,
    pub status: String,
    pub opened_at_us: i64,
    pub economic_type: Option<String>,
    pub industry: Option<String>,
    pub bank_account: Option<String>,
    pub source: String,
}

/// The columns of an [`EmployerRow`], in order.
#[doc(hidden)]
#[macro_export]
macro_rules! employer_columns {
    () => {
        "employer_id, uscc, name, pay_day, employer_rate_ppm, member_rate_ppm, status, opened_at_us, economic_type, industry, bank_account, source"
    };
}

/// The columns of a [`MemberRow`], in order.
#[doc(hidden)]
#[macro_export]
macro_rules! member_columns {
    () => {
        "member_id, id_card, name, employer_id, status, wage_fen, employer_rate_ppm, member_rate_ppm, enrolled_at_us"
    };
}

/// The columns of a [`BillRow`], in order.
#[doc(hidden)]
#[macro_export]
macro_rules! bill_columns {
    () => {
        "bill_id, employer_id, period, CAST(due_date AS TEXT) AS due_date, status, total_fen, line_count, created_at_us, paid_entry_id, CAST(paid_on AS TEXT) AS paid_on, payment_channel, payment_reference, kind, reason, reversal_entry_id"
    };
}

pub fn employer_from(r: EmployerRow) -> StoreResult<EmployerRecord> {
    Ok(EmployerRecord {
        employer_id: r.employer_id,
        uscc: r.uscc,
        name: r.name,
        pay_day: r.pay_day,
        employer_rate_ppm: crate::rows::cooked(
            "employer",
            "employer_rate_ppm",
            r.employer_rate_ppm,
        )?,
        member_rate_ppm: crate::rows::cooked("employer", "member_rate_ppm", r.member_rate_ppm)?,
        status: coded("employer", "status", &r.status, EmployerStatus::parse)?,
        opened_at_us: r.opened_at_us,
        economic_type: r.economic_type,
        industry: r.industry,
        bank_account: r.bank_account,
        source: r.source,
    })
}

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub member_id: i64,
    pub id_card: String,
    pub name: String,
    pub employer_id: Option<i64>,
    pub status: String,
    pub wage_fen: i64,
    pub employer_rate_ppm: Option<i64>,
    pub member_rate_ppm: Option<i64>,
    pub enrolled_at_us: i64,
}

/// A member row opened: the ID number and name are sealed at rest.
pub fn member_from(seal: &crate::PersonalSeal, r: MemberRow) -> StoreResult<MemberRecord> {
    Ok(MemberRecord {
        member_id: r.member_id,
        id_card: seal.open(
            crate::seal::field("member", "id_card", r.member_id),
            &r.id_card,
        )?,
        name: seal.open(crate::seal::field("member", "name", r.member_id), &r.name)?,
        employer_id: r.employer_id,
        status: coded("member", "status", &r.status, MemberStatus::parse)?,
        wage_fen: Fen::new(r.wage_fen),
        employer_rate_ppm: crate::rows::cooked("member", "employer_rate_ppm", r.employer_rate_ppm)?,
        member_rate_ppm: crate::rows::cooked("member", "member_rate_ppm", r.member_rate_ppm)?,
        enrolled_at_us: r.enrolled_at_us,
    })
}

#[derive(sqlx::FromRow)]
pub struct BillRow {
    pub bill_id: i64,
    pub employer_id: i64,
    pub period: i32,
    pub due_date: String,
    pub status: String,
    pub total_fen: i64,
    pub line_count: i32,
    pub created_at_us: i64,
    pub paid_entry_id: Option<i64>,
    pub paid_on: Option<String>,
    pub payment_channel: Option<String>,
    pub payment_reference: Option<String>,
    pub kind: String,
    pub reason: Option<String>,
    pub reversal_entry_id: Option<i64>,
}

pub fn bill_from(r: BillRow) -> StoreResult<BillRecord> {
    Ok(BillRecord {
        bill_id: r.bill_id,
        employer_id: r.employer_id,
        period: r.period,
        due_date: stored_date(&r.due_date)?,
        status: coded("remittance_bill", "status", &r.status, BillStatus::parse)?,
        total_fen: Fen::new(r.total_fen),
        line_count: r.line_count,
        created_at_us: r.created_at_us,
        paid_entry_id: r.paid_entry_id,
        paid_on: r.paid_on.as_deref().map(stored_date).transpose()?,
        payment_channel: r.payment_channel,
        payment_reference: r.payment_reference,
        kind: coded("remittance_bill", "kind", &r.kind, BillKind::parse)?,
        reason: r.reason,
        reversal_entry_id: r.reversal_entry_id,
    })
}

#[derive(sqlx::FromRow)]
pub struct BillLineRow {
    pub line_no: i32,
    pub member_id: i64,
    pub base_fen: i64,
    pub employer_fen: i64,
    pub member_fen: i64,
}

pub fn bill_line_from(r: BillLineRow) -> BillLineRecord {
    BillLineRecord {
        line_no: r.line_no,
        member_id: r.member_id,
        base_fen: Fen::new(r.base_fen),
        employer_fen: Fen::new(r.employer_fen),
        member_fen: Fen::new(r.member_fen),
    }
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::CollectionStore for S
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
    async fn register_employer(&self, e: &crate::EmployerRecord) -> crate::StoreResult<()> {
        sqlx::query(
            "INSERT INTO employer (employer_id, centre_code, uscc, name, pay_day, employer_rate_ppm, \
             member_rate_ppm, status, opened_at_us, economic_type, industry, bank_account, source) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(e.employer_id)
        .bind(self.centre_code())
        .bind(&e.uscc)
        .bind(&e.name)
        .bind(e.pay_day)
        .bind(e.employer_rate_ppm.raw())
        .bind(e.member_rate_ppm.raw())
        .bind(e.status.code())
        .bind(e.opened_at_us)
        .bind(&e.economic_type)
        .bind(&e.industry)
        .bind(&e.bank_account)
        .bind(&e.source)
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend("EMPLOYER_EXISTS", "该统一社会信用代码已登记"))?;
        Ok(())
    }

    async fn employer(
        &self,
        employer_id: i64,
    ) -> crate::StoreResult<Option<crate::EmployerRecord>> {
        let row: Option<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::employer_columns!(),
            " FROM employer WHERE employer_id = $1"
        ))
        .bind(employer_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::collection_sql::employer_from).transpose()
    }

    async fn employer_by_uscc(
        &self,
        uscc: &str,
    ) -> crate::StoreResult<Option<crate::EmployerRecord>> {
        let row: Option<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::employer_columns!(),
            " FROM employer WHERE uscc = $1"
        ))
        .bind(uscc)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(crate::collection_sql::employer_from).transpose()
    }

    async fn employers(&self, limit: u32) -> crate::StoreResult<Vec<crate::EmployerRecord>> {
        let rows: Vec<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::employer_columns!(),
            " FROM employer ORDER BY employer_id LIMIT $1"
        ))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::employer_from)
            .collect()
    }

    async fn members_by_ids(
        &self,
        member_ids: &[i64],
    ) -> crate::StoreResult<Vec<crate::MemberRecord>> {
        // Each id once: a list of applications or loans names a member once.
        let mut ids = member_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let rows: Vec<crate::collection_sql::MemberRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                crate::member_columns!(),
                " FROM member WHERE member_id IN ("
            ),
            &ids,
            ") ORDER BY member_id",
        )
        .await?;
        crate::sql::mapped(rows, |r| crate::collection_sql::member_from(self.seal(), r))
    }

    async fn employers_by_ids(
        &self,
        employer_ids: &[i64],
    ) -> crate::StoreResult<Vec<crate::EmployerRecord>> {
        let rows: Vec<crate::collection_sql::EmployerRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                crate::employer_columns!(),
                " FROM employer WHERE employer_id IN ("
            ),
            employer_ids,
            ") ORDER BY employer_id",
        )
        .await?;
        crate::sql::mapped(rows, crate::collection_sql::employer_from)
    }

    async fn count_employers(
        &self,
        status: anju_domain::collection::EmployerStatus,
    ) -> crate::StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM employer WHERE status = $1")
            .bind(status.code())
            .fetch_one(self.reader())
            .await
            .map_err(crate::sql::backend)
    }

    async fn enrol_members(
        &self,
        members: &[crate::MemberRecord],
        opened_on: anju_domain::Date,
    ) -> crate::StoreResult<()> {
        let year = anju_domain::ledger::MemberBalance::opened(opened_on)
            .year
            .end_year();
        let opened = S::day(opened_on);
        let seal = self.seal();
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        // Multi-row statements: a seeded Suzhou has millions of members,
        // and one round trip per row would dominate.
        for chunk in members.chunks(crate::ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO member (member_id, centre_code, id_card, name, id_card_bidx, name_bidx, \
                 employer_id, status, wage_fen, employer_rate_ppm, member_rate_ppm, enrolled_at_us) ",
            );
            q.push_values(chunk, |mut row, m| {
                row.push_bind(m.member_id)
                    .push_bind(self.centre_code())
                    .push_bind(seal.seal(
                        crate::seal::field("member", "id_card", m.member_id),
                        &m.id_card,
                    ))
                    .push_bind(
                        seal.seal(crate::seal::field("member", "name", m.member_id), &m.name),
                    )
                    .push_bind(seal.index(kind::ID_CARD, &m.id_card))
                    .push_bind(seal.index(kind::NAME, &m.name))
                    .push_bind(m.employer_id)
                    .push_bind(m.status.code())
                    .push_bind(m.wage_fen.raw())
                    .push_bind(m.employer_rate_ppm.raw())
                    .push_bind(m.member_rate_ppm.raw())
                    .push_bind(m.enrolled_at_us);
            });
            // A multi-row statement does not say which row; the caller looks
            // ID numbers up beforehand to name them.
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::unique_or_backend(
                    "MEMBER_EXISTS",
                    "身份证号已有个人账户",
                ))?;
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO member_account (member_id, centre_code, opened_on, balance_fen, product_year, \
                 year_opening_fen, product_fen_days) ",
            );
            q.push_values(chunk, |mut row, m| {
                row.push_bind(m.member_id)
                    .push_bind(self.centre_code())
                    .push_bind(opened.clone())
                    .push_bind(0i64)
                    .push_bind(year)
                    .push_bind(0i64)
                    .push_bind(0i64);
            });
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn member(&self, member_id: i64) -> crate::StoreResult<Option<crate::MemberRecord>> {
        let row: Option<crate::collection_sql::MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::member_columns!(),
            " FROM member WHERE member_id = $1"
        ))
        .bind(member_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::collection_sql::member_from(self.seal(), r))
            .transpose()
    }

    async fn member_by_id_card(
        &self,
        id_card: &str,
    ) -> crate::StoreResult<Option<crate::MemberRecord>> {
        let row: Option<crate::collection_sql::MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::member_columns!(),
            " FROM member WHERE id_card_bidx = $1"
        ))
        .bind(self.seal().index(kind::ID_CARD, id_card))
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::collection_sql::member_from(self.seal(), r))
            .transpose()
    }

    async fn update_member(&self, c: &crate::MemberChange) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE member SET status = $3, employer_id = $4, wage_fen = COALESCE($5, wage_fen), \
             status_on = COALESCE($6, status_on) WHERE member_id = $1 AND status = $2",
        )
        .bind(c.member_id)
        .bind(c.expected_status.code())
        .bind(c.status.code())
        .bind(c.employer_id)
        .bind(c.wage_fen.raw())
        .bind(c.on.map(S::day))
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn members_by_id_cards(
        &self,
        id_cards: &[&str],
    ) -> crate::StoreResult<Vec<crate::MemberRecord>> {
        let indexes: Vec<String> = id_cards
            .iter()
            .map(|c| self.seal().index(kind::ID_CARD, c))
            .collect();
        let rows: Vec<crate::collection_sql::MemberRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                crate::member_columns!(),
                " FROM member WHERE id_card_bidx IN ("
            ),
            &indexes,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, |r| crate::collection_sql::member_from(self.seal(), r))
    }

    async fn active_members(
        &self,
        employer_id: i64,
    ) -> crate::StoreResult<Vec<crate::MemberRecord>> {
        let rows: Vec<crate::collection_sql::MemberRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::member_columns!(),
            " FROM member WHERE employer_id = $1 AND status = '01' \
             ORDER BY member_id"
        ))
        .bind(employer_id)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| crate::collection_sql::member_from(self.seal(), r))
            .collect()
    }

    async fn save_bill(
        &self,
        b: &crate::BillRecord,
        lines: &[crate::BillLineRecord],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query("INSERT INTO remittance_bill (bill_id, employer_id, period, due_date, status, total_fen, \
             line_count, created_at_us, paid_entry_id, paid_on, kind, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10)")
        .bind(b.bill_id)
        .bind(b.employer_id)
        .bind(b.period)
        .bind(S::day(b.due_date))
        .bind(b.status.code())
        .bind(b.total_fen.raw())
        .bind(b.line_count)
        .bind(b.created_at_us)
        .bind(b.kind.code())
        .bind(&b.reason)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "BILL_EXISTS",
            format!("{} 的汇缴清册已生成", b.period),
        ))?;
        for chunk in lines.chunks(crate::ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO remittance_bill_line (bill_id, line_no, member_id, base_fen, employer_fen, member_fen) ",
            );
            q.push_values(chunk, |mut row, l| {
                row.push_bind(b.bill_id)
                    .push_bind(l.line_no)
                    .push_bind(l.member_id)
                    .push_bind(l.base_fen.raw())
                    .push_bind(l.employer_fen.raw())
                    .push_bind(l.member_fen.raw());
            });
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn bill(
        &self,
        bill_id: i64,
    ) -> crate::StoreResult<Option<(crate::BillRecord, Vec<crate::BillLineRecord>)>> {
        let row: Option<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE bill_id = $1"
        ))
        .bind(bill_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        let Some(row) = row else { return Ok(None) };
        let lines: Vec<crate::collection_sql::BillLineRow> = sqlx::query_as(
            "SELECT line_no, member_id, base_fen, employer_fen, member_fen FROM remittance_bill_line \
             WHERE bill_id = $1 ORDER BY line_no",
        )
        .bind(bill_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(Some((
            crate::collection_sql::bill_from(row)?,
            lines
                .into_iter()
                .map(crate::collection_sql::bill_line_from)
                .collect(),
        )))
    }

    async fn bills_of(
        &self,
        employer_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::BillRecord>> {
        let rows: Vec<crate::collection_sql::BillRow> = sqlx::query_as(
            concat!("SELECT ", crate::bill_columns!(), " FROM remittance_bill WHERE employer_id = $1 ORDER BY period DESC, bill_id DESC LIMIT $2"),
        )
        .bind(employer_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }

    async fn mark_bill_paid(
        &self,
        bill_id: i64,
        p: &crate::BillPayment,
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let done = sqlx::query("UPDATE remittance_bill SET status = 'paid', paid_entry_id = $2, paid_on = $3, payment_channel = $4, payment_reference = $5, paid_via = $6 \
             WHERE bill_id = $1 AND status = 'open'")
        .bind(bill_id)
        .bind(p.entry_id)
        .bind(S::day(p.paid_on))
        .bind(&p.channel)
        .bind(&p.reference)
        .bind(p.paid_via.code())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        sqlx::query(concat!(
            "WITH v (bill_id, paid_on, year) AS (VALUES ($1, $2, $3)) ",
            crate::record_contributors!()
        ))
        .bind(bill_id)
        .bind(S::day(p.paid_on))
        .bind(p.paid_on.year())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn bills_paid_on(
        &self,
        paid_on: anju_domain::Date,
    ) -> crate::StoreResult<Vec<crate::BillRecord>> {
        let rows: Vec<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE paid_on = $1 ORDER BY bill_id"
        ))
        .bind(S::day(paid_on))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }

    async fn overdue_bills(
        &self,
        as_of: anju_domain::Date,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::BillRecord>> {
        let rows: Vec<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
"SELECT ",
crate::bill_columns!(),
" FROM remittance_bill WHERE status = 'open' AND kind = '01' AND due_date < $1 ORDER BY due_date, bill_id LIMIT $2"
))
        .bind(S::day(as_of))
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }
}
