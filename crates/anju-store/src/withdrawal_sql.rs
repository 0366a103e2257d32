//! Withdrawal applications (提取) and what they rest on: documents, claimed
//! evidence numbers, the blacklist. Generic over the [`Dialect`](crate::sql::Dialect)
//! like `batch_sql`; `Dialect::ROW_LOCK` is the row lock (`FOR UPDATE` on
//! PostgreSQL; SQLite's single writer serialises anyway).
//!
//! Money moves elsewhere: an approved withdrawal is a *hold* (Σ approved
//! amounts is held from the member's balance, checked under the member's
//! row lock when approving), and the payout's posting goes through
//! `post_entries` with the withdrawal's key, so it lands once.

use crate::StoreResult;
use crate::rows::Stored;
use crate::rows::{coded, stored_date};
use anju_domain::Date;
use anju_domain::Fen;
use anju_domain::policy::EvidenceKind;
use anju_domain::withdrawal::{AgreementKind, AgreementStatus, WithdrawalStatus};
use async_trait::async_trait;

/// Statuses: `submitted` → `prepared` (初审) → `approved` (hold) → `paid` or
/// `failed`; `rejected` from the first two. The live ones (not refused or
/// failed), as an SQL list literal.
#[doc(hidden)]
#[macro_export]
macro_rules! withdrawal_live {
    () => {
        "('submitted', 'prepared', 'approved', 'paid', 'payout_pending')"
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRecord {
    pub withdrawal_id: i64,
    pub member_id: i64,
    pub reason: String,
    pub amount_fen: Fen,
    pub months: i32,
    pub evidence_kind: EvidenceKind,
    pub evidence_no: Option<String>,
    pub evidence_date: Option<Date>,
    pub evidence_amount_fen: Option<Fen>,
    pub status: WithdrawalStatus,
    /// `online` or `counter`.
    pub channel: String,
    pub applied_on: Date,
    /// The login that applied (the member, or the clerk at the counter).
    pub applicant: String,
    /// The eligibility rule that allowed it, as the member saw it.
    pub rule: String,
    pub needs_second: bool,
    pub closes_account: bool,
    pub bank_card: String,
    pub prepared_by: Option<String>,
    pub approved_by: Option<String>,
    pub note: String,
    pub payout_reference: Option<String>,
    pub entry_id: Option<i64>,
    pub request_key: String,
    pub updated_at_us: i64,
    /// Where the facts the decision rests on came from: each registry's
    /// answer with its reference number, and any verification by hand.
    pub facts_source: String,
    /// A fact no registry could confirm, which a named staff member must
    /// verify before approval (`None`: nothing to verify).
    pub verification: Option<String>,
    /// The staff login that verified it.
    pub verified_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    pub withdrawal_id: i64,
    pub doc_no: i32,
    pub doc_type: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlacklistRecord {
    pub id_card: String,
    pub listed_on: Date,
    pub expires_on: Date,
    pub reason: String,
    /// The decision it rests on (legal basis).
    pub source: String,
    /// The entry's id and log leaf (None for entries listed before the log).
    pub entry_id: Option<i64>,
    /// Who listed it: this centre, or the partner it was imported from.
    pub issuing_centre: String,
    /// The issuing centre's signature over the entry (`trust::blacklist`).
    pub key_id: String,
    pub signature: String,
}

/// What the eligibility engine needs from a member's withdrawals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WithdrawalStats {
    /// Σ approved, not yet paid.
    pub held_fen: Fen,
    /// Live withdrawals for the reason applied for since the year's start.
    pub this_year_for_reason: i64,
    /// Σ live rent withdrawals applied for since the rent window's start.
    pub rent_recent_fen: Fen,
}

/// 委托提取还贷协议.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepaymentAgreementRecord {
    pub agreement_id: i64,
    pub member_id: i64,
    pub kind: AgreementKind,
    pub lender: String,
    pub loan_contract_no: String,
    pub monthly_fen: Fen,
    pub pay_day: i32,
    /// The loan's repayment account the money goes to.
    pub bank_card: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: AgreementStatus,
    pub signed_by: String,
    pub created_at_us: i64,
}

#[derive(sqlx::FromRow)]
pub struct AgreementRow {
    pub agreement_id: i64,
    pub member_id: i64,
    pub kind: String,
    pub lender: String,
    pub loan_contract_no: String,
    pub monthly_fen: i64,
    pub pay_day: i32,
    pub bank_card: String,
    pub starts_on: String,
    pub ends_on: String,
    pub status: String,
    pub signed_by: String,
    pub created_at_us: i64,
}

/// A repayment agreement opened: the bank card is sealed at rest.
pub fn repayment_agreement_from(
    seal: &crate::PersonalSeal,
    r: AgreementRow,
) -> StoreResult<RepaymentAgreementRecord> {
    Ok(RepaymentAgreementRecord {
        agreement_id: r.agreement_id,
        member_id: r.member_id,
        kind: coded("repayment_agreement", "kind", &r.kind, AgreementKind::parse)?,
        lender: r.lender,
        loan_contract_no: r.loan_contract_no,
        monthly_fen: Fen::new(r.monthly_fen),
        pay_day: r.pay_day,
        bank_card: seal.open(
            crate::seal::field("repayment_agreement", "bank_card", r.agreement_id),
            &r.bank_card,
        )?,
        starts_on: crate::rows::stored_date(&r.starts_on)?,
        ends_on: crate::rows::stored_date(&r.ends_on)?,
        status: coded(
            "repayment_agreement",
            "status",
            &r.status,
            AgreementStatus::parse,
        )?,
        signed_by: r.signed_by,
        created_at_us: r.created_at_us,
    })
}

/// The columns of an [`AgreementRow`], dates as text.
#[doc(hidden)]
#[macro_export]
macro_rules! repayment_agreement_columns {
    () => {
        "agreement_id, member_id, kind, lender, loan_contract_no, monthly_fen, pay_day, bank_card, \
         CAST(starts_on AS TEXT) AS starts_on, CAST(ends_on AS TEXT) AS ends_on, status, signed_by, created_at_us"
    };
}

#[async_trait]
pub trait WithdrawalStore: Send + Sync {
    /// Saves a repayment agreement (`REPAYMENT_AGREEMENT_EXISTS` when the
    /// member has an active one).
    async fn save_repayment_agreement(&self, a: &RepaymentAgreementRecord) -> StoreResult<()>;

    /// The member's active agreement.
    async fn repayment_agreement_of(
        &self,
        member_id: i64,
    ) -> StoreResult<Option<RepaymentAgreementRecord>>;

    /// Active agreements paying on `pay_day` and in force on `today`, by id above `after`.
    async fn repayment_agreements_due(
        &self,
        pay_day: i32,
        today: Date,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<RepaymentAgreementRecord>>;

    /// Ends the member's active agreement; false when there was none.
    async fn end_repayment_agreement(&self, member_id: i64) -> StoreResult<bool>;

    /// Saves an application with its documents; with `claim`, also claims
    /// its evidence number (`EVIDENCE_USED` when already claimed). A second
    /// application with the same request key is `WITHDRAWAL_EXISTS`.
    async fn submit_withdrawal(
        &self,
        record: &WithdrawalRecord,
        documents: &[DocumentRecord],
        claim: bool,
    ) -> StoreResult<()>;

    async fn withdrawal(&self, withdrawal_id: i64) -> StoreResult<Option<WithdrawalRecord>>;

    async fn withdrawal_by_key(
        &self,
        member_id: i64,
        request_key: &str,
    ) -> StoreResult<Option<WithdrawalRecord>>;

    /// A member's applications, newest first.
    async fn withdrawals_of(
        &self,
        member_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<WithdrawalRecord>>;

    /// Applications in a status with an id above `after` (0: from the
    /// first), oldest first (the review queue; a job pages with `after`).
    async fn withdrawals_in(
        &self,
        status: WithdrawalStatus,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<WithdrawalRecord>>;

    /// Moves an application from `from` to `to` recording who and why;
    /// false when it was no longer in `from`. Leaving for `rejected` or
    /// `failed` releases its evidence claim.
    async fn move_withdrawal(
        &self,
        withdrawal_id: i64,
        from: WithdrawalStatus,
        to: WithdrawalStatus,
        login: &str,
        note: &str,
    ) -> StoreResult<bool>;

    /// Records that `login` verified by hand what a registry could not
    /// confirm, appending `record` to the facts' source; false unless the
    /// application is still undecided, needs verification and has none.
    async fn verify_withdrawal(
        &self,
        withdrawal_id: i64,
        login: &str,
        record: &str,
    ) -> StoreResult<bool>;

    /// Approves (`from` → `approved`, the hold) if the member's balance less
    /// what is already held covers it — checked under the member's row lock
    /// (`INSUFFICIENT_AVAILABLE` otherwise); false when no longer in `from`.
    async fn approve_withdrawal(
        &self,
        withdrawal_id: i64,
        from: WithdrawalStatus,
        login: &str,
        note: &str,
    ) -> StoreResult<bool>;

    /// Records the payout: `approved` (or `payout_pending`) → `paid` (with
    /// the entry) or `failed` (releasing the hold and the claim); false
    /// when in neither.
    async fn settle_withdrawal(
        &self,
        withdrawal_id: i64,
        paid: bool,
        payout_reference: &str,
        entry_id: Option<i64>,
    ) -> StoreResult<bool>;

    /// The payout was posted but the bank could not be heard: `approved` →
    /// `payout_pending` with the entry and the amount posted (no longer a
    /// hold: the posting took it); false when not `approved`.
    async fn mark_payout_pending(
        &self,
        withdrawal_id: i64,
        entry_id: i64,
        amount_fen: i64,
        note: &str,
    ) -> StoreResult<bool>;

    async fn withdrawal_stats(
        &self,
        member_id: i64,
        reason: &str,
        year_from: Date,
        rent_from: Date,
    ) -> StoreResult<WithdrawalStats>;

    /// Whether live withdrawals used this evidence, and Σ their amounts.
    async fn evidence_usage(&self, kind: EvidenceKind, number: &str) -> StoreResult<(bool, i64)>;

    /// The ID numbers of the members whose live withdrawals used this
    /// evidence (a family sharing a purchase must all be family).
    async fn evidence_holders(&self, kind: EvidenceKind, number: &str) -> StoreResult<Vec<String>>;

    /// The day the member's account entered its status, if recorded.
    async fn member_status_on(&self, member_id: i64) -> StoreResult<Option<Date>>;

    /// Lists entries, each with its log leaf, in one transaction; an entry
    /// already there (same person, same day) is skipped with its leaf.
    /// Returns how many were added.
    async fn add_blacklist(
        &self,
        entries: &[(BlacklistRecord, crate::LeafRecord)],
    ) -> StoreResult<u64>;

    /// Entries in force on `today`, newest first.
    async fn blacklist_in_force(
        &self,
        today: Date,
        limit: u32,
    ) -> StoreResult<Vec<BlacklistRecord>>;

    /// The entry in force on `today`, if any.
    async fn blacklist_entry(
        &self,
        id_card: &str,
        today: Date,
    ) -> StoreResult<Option<BlacklistRecord>>;

    /// Documents of an application without their content.
    async fn documents_of(&self, withdrawal_id: i64) -> StoreResult<Vec<DocumentRecord>>;

    /// Documents of these applications without their content, by
    /// application then number: one statement per `IDS_PER_LOOKUP` ids
    /// for a page of the review queue, not one per application.
    async fn documents_of_withdrawals(
        &self,
        withdrawal_ids: &[i64],
    ) -> StoreResult<Vec<DocumentRecord>>;

    async fn document(
        &self,
        withdrawal_id: i64,
        doc_no: i32,
    ) -> StoreResult<Option<DocumentRecord>>;

    /// Paid withdrawals with a payout day in `[from, to]`, by reason:
    /// (reason, count, Σ fen paid). The amount is the posting's (a closing
    /// withdrawal pays the whole balance with its closing interest, not the
    /// amount applied for), and only withdrawal postings (C11, C12) count: a
    /// 201 debit under any other business type (a loan repaid from the HPF
    /// balance) is counted from the ledger, so never twice.
    async fn paid_by_reason(&self, from: Date, to: Date) -> StoreResult<Vec<(String, i64, i64)>>;

    /// The online accounts of a member (who is told of an application's outcome).
    async fn users_of_member(&self, member_id: i64) -> StoreResult<Vec<i64>>;

    /// Σ collected in `[from, to]`: paid remittance and back-payment bills
    /// (not reversed) and flexible workers' deposits, by payment day (K10's
    /// denominator).
    async fn collected_between(&self, from: Date, to: Date) -> StoreResult<i64>;

    /// What each of these members may still draw: balance less what
    /// approved withdrawals hold, as (member, fen), for those with an
    /// account — one statement for a page of members. A frozen (冻结)
    /// member has no row: nothing may be debited from a frozen account.
    async fn available_balances(&self, member_ids: &[i64]) -> StoreResult<Vec<(i64, i64)>>;
}

/// The columns of a withdrawal, in [`WithdrawalRecord`] order, dates as text.
#[doc(hidden)]
#[macro_export]
macro_rules! withdrawal_columns {
    () => {
        "withdrawal_id, member_id, reason, amount_fen, months, evidence_kind, evidence_no, \
         CAST(evidence_date AS TEXT) AS evidence_date, evidence_amount_fen, status, channel, \
         CAST(applied_on AS TEXT) AS applied_on, applicant, rule, needs_second, closes_account, \
         bank_card, prepared_by, approved_by, note, payout_reference, entry_id, request_key, updated_at_us, \
         facts_source, verification, verified_by"
    };
}

#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub withdrawal_id: i64,
    pub doc_no: i32,
    pub doc_type: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content: Vec<u8>,
}

/// `withdrawal_document.<column>` of one document.
pub fn document_field(column: &'static str, withdrawal_id: i64, doc_no: i32) -> crate::seal::Field {
    let row = crate::seal::text_row(&format!("{withdrawal_id}/{doc_no}"));
    crate::seal::field("withdrawal_document", column, row)
}

/// A document as read: its name opened, and its content when it was read
/// (the lists read none).
pub fn document_from(seal: &crate::PersonalSeal, r: DocumentRow) -> StoreResult<DocumentRecord> {
    let at = |column| document_field(column, r.withdrawal_id, r.doc_no);
    let content = if r.content.is_empty() {
        Vec::new()
    } else {
        seal.open_bytes(at("content"), &r.content)?
    };
    Ok(DocumentRecord {
        withdrawal_id: r.withdrawal_id,
        doc_no: r.doc_no,
        doc_type: r.doc_type,
        file_name: seal.open(at("file_name"), &r.file_name)?,
        content_type: r.content_type,
        size_bytes: r.size_bytes,
        sha256: r.sha256,
        content,
    })
}

impl BlacklistRecord {
    /// An entry this centre is about to list: its provenance (id, centre,
    /// signature) is filled in when it is listed.
    pub fn to_list(
        id_card: &str,
        listed_on: Date,
        expires_on: Date,
        reason: &str,
        source: &str,
    ) -> Self {
        BlacklistRecord {
            id_card: id_card.to_string(),
            listed_on,
            expires_on,
            reason: reason.to_string(),
            source: source.to_string(),
            entry_id: None,
            issuing_centre: String::new(),
            key_id: String::new(),
            signature: String::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct BlacklistRow {
    pub id_card: String,
    pub listed_on: String,
    pub expires_on: String,
    pub reason: String,
    pub source: String,
    pub entry_id: Option<i64>,
    pub issuing_centre: String,
    pub key_id: String,
    pub signature: String,
}

/// A blacklist row opened: the ID number is sealed at rest.
pub fn blacklist_from(seal: &crate::PersonalSeal, r: BlacklistRow) -> StoreResult<BlacklistRecord> {
    Ok(BlacklistRecord {
        id_card: seal.open(
            crate::seal::field("blacklist", "id_card", crate::seal_sql::BLACKLIST_ROW),
            &r.id_card,
        )?,
        listed_on: crate::rows::stored_date(&r.listed_on)?,
        expires_on: crate::rows::stored_date(&r.expires_on)?,
        reason: r.reason,
        source: r.source,
        entry_id: r.entry_id,
        issuing_centre: r.issuing_centre,
        key_id: r.key_id,
        signature: r.signature,
    })
}

#[derive(sqlx::FromRow)]
pub struct WithdrawalRow {
    pub withdrawal_id: i64,
    pub member_id: i64,
    pub reason: String,
    pub amount_fen: i64,
    pub months: i32,
    pub evidence_kind: String,
    pub evidence_no: Option<String>,
    pub evidence_date: Option<String>,
    pub evidence_amount_fen: Option<i64>,
    pub status: String,
    pub channel: String,
    pub applied_on: String,
    pub applicant: String,
    pub rule: String,
    pub needs_second: bool,
    pub closes_account: bool,
    pub bank_card: String,
    pub prepared_by: Option<String>,
    pub approved_by: Option<String>,
    pub note: String,
    pub payout_reference: Option<String>,
    pub entry_id: Option<i64>,
    pub request_key: String,
    pub updated_at_us: i64,
    pub facts_source: String,
    pub verification: Option<String>,
    pub verified_by: Option<String>,
}

/// A withdrawal row opened: the applicant's login and the bank card are
/// sealed at rest.
pub fn withdrawal_from(
    seal: &crate::PersonalSeal,
    r: WithdrawalRow,
) -> StoreResult<WithdrawalRecord> {
    Ok(WithdrawalRecord {
        withdrawal_id: r.withdrawal_id,
        member_id: r.member_id,
        reason: r.reason,
        amount_fen: Fen::new(r.amount_fen),
        months: r.months,
        evidence_kind: coded(
            "withdrawal",
            "evidence_kind",
            &r.evidence_kind,
            anju_domain::policy::EvidenceKind::parse,
        )?,
        evidence_no: r.evidence_no,
        evidence_date: r.evidence_date.as_deref().map(stored_date).transpose()?,
        evidence_amount_fen: r.evidence_amount_fen.map(Fen::new),
        status: coded(
            "withdrawal",
            "status",
            &r.status,
            anju_domain::withdrawal::WithdrawalStatus::parse,
        )?,
        channel: r.channel,
        applied_on: stored_date(&r.applied_on)?,
        applicant: seal.open(
            crate::seal::field("withdrawal", "applicant", r.withdrawal_id),
            &r.applicant,
        )?,
        rule: r.rule,
        needs_second: r.needs_second,
        closes_account: r.closes_account,
        bank_card: seal.open(
            crate::seal::field("withdrawal", "bank_card", r.withdrawal_id),
            &r.bank_card,
        )?,
        prepared_by: r.prepared_by,
        approved_by: r.approved_by,
        note: r.note,
        payout_reference: r.payout_reference,
        entry_id: r.entry_id,
        request_key: r.request_key,
        updated_at_us: r.updated_at_us,
        facts_source: r.facts_source,
        verification: r.verification,
        verified_by: r.verified_by,
    })
}

/// Steps several methods share, generic over the dialect like the impls.
struct WithdrawalSteps<S>(std::marker::PhantomData<S>);

impl<S: crate::sql::Dialect> WithdrawalSteps<S>
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
    /// Frees the evidence number a refused or failed withdrawal claimed.
    async fn release_claim(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        withdrawal_id: i64,
    ) -> crate::StoreResult<()> {
        sqlx::query("DELETE FROM evidence_claim WHERE withdrawal_id = $1")
            .bind(withdrawal_id)
            .execute(&mut **tx)
            .await
            .map_err(crate::sql::backend)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::WithdrawalStore for S
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
    async fn submit_withdrawal(
        &self,
        w: &crate::WithdrawalRecord,
        documents: &[crate::DocumentRecord],
        claim: bool,
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        if claim && let Some(no) = &w.evidence_no {
            sqlx::query(
                "INSERT INTO evidence_claim (evidence_kind, evidence_no, withdrawal_id) VALUES ($1, $2, $3)",
            )
            .bind(w.evidence_kind.code())
            .bind(no)
            .bind(w.withdrawal_id)
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::unique_or_backend(
                "EVIDENCE_USED",
                format!("该凭证（{no}）已用于提取，不能重复使用"),
            ))?;
        }
        sqlx::query("INSERT INTO withdrawal (withdrawal_id, member_id, reason, amount_fen, months, evidence_kind, \
             evidence_no, evidence_date, evidence_amount_fen, status, channel, applied_on, applicant, rule, \
             needs_second, closes_account, bank_card, prepared_by, approved_by, note, payout_reference, \
             entry_id, request_key, updated_at_us, facts_source, verification, verified_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)")
        .bind(w.withdrawal_id)
        .bind(w.member_id)
        .bind(&w.reason)
        .bind(w.amount_fen.raw())
        .bind(w.months)
        .bind(w.evidence_kind.code())
        .bind(&w.evidence_no)
        .bind(w.evidence_date.map(S::day))
        .bind(w.evidence_amount_fen.raw())
        .bind(w.status.code())
        .bind(&w.channel)
        .bind(S::day(w.applied_on))
        .bind(self.seal().seal(crate::seal::field("withdrawal", "applicant", w.withdrawal_id), &w.applicant))
        .bind(&w.rule)
        .bind(w.needs_second)
        .bind(w.closes_account)
        .bind(self.seal().seal(crate::seal::field("withdrawal", "bank_card", w.withdrawal_id), &w.bank_card))
        .bind(&w.prepared_by)
        .bind(&w.approved_by)
        .bind(&w.note)
        .bind(&w.payout_reference)
        .bind(w.entry_id)
        .bind(&w.request_key)
        .bind(w.updated_at_us)
        .bind(&w.facts_source)
        .bind(&w.verification)
        .bind(&w.verified_by)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend("WITHDRAWAL_EXISTS", "该申请已提交"))?;
        for d in documents {
            let at = |column| document_field(column, d.withdrawal_id, d.doc_no);
            sqlx::query(
                "INSERT INTO withdrawal_document (withdrawal_id, doc_no, doc_type, file_name, content_type, \
                 size_bytes, sha256, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(d.withdrawal_id)
            .bind(d.doc_no)
            .bind(&d.doc_type)
            .bind(self.seal().seal(at("file_name"), &d.file_name))
            .bind(&d.content_type)
            .bind(d.size_bytes)
            .bind(&d.sha256)
            .bind(self.seal().seal_bytes(at("content"), &d.content))
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn withdrawal(&self, id: i64) -> crate::StoreResult<Option<crate::WithdrawalRecord>> {
        let row: Option<WithdrawalRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::withdrawal_columns!(),
            " FROM withdrawal WHERE withdrawal_id = $1"
        ))
        .bind(id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| withdrawal_from(self.seal(), r)).transpose()
    }

    async fn withdrawal_by_key(
        &self,
        member_id: i64,
        key: &str,
    ) -> crate::StoreResult<Option<crate::WithdrawalRecord>> {
        let row: Option<WithdrawalRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::withdrawal_columns!(),
            " FROM withdrawal WHERE member_id = $1 AND request_key = $2"
        ))
        .bind(member_id)
        .bind(key)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| withdrawal_from(self.seal(), r)).transpose()
    }

    async fn withdrawals_of(
        &self,
        member_id: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::WithdrawalRecord>> {
        let rows: Vec<WithdrawalRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::withdrawal_columns!(),
            " FROM withdrawal WHERE member_id = $1 ORDER BY withdrawal_id DESC LIMIT $2"
        ))
        .bind(member_id)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| withdrawal_from(self.seal(), r))
    }

    async fn withdrawals_in(
        &self,
        status: anju_domain::withdrawal::WithdrawalStatus,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::WithdrawalRecord>> {
        let rows: Vec<WithdrawalRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::withdrawal_columns!(),
            " FROM withdrawal WHERE status = $1 AND withdrawal_id > $2 ORDER BY withdrawal_id LIMIT $3"
        ))
        .bind(status.code())
        .bind(after)
        .bind(crate::access_sql::list_limit(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| withdrawal_from(self.seal(), r))
    }

    async fn verify_withdrawal(
        &self,
        id: i64,
        login: &str,
        record: &str,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE withdrawal SET verified_by = $2, \
             facts_source = CASE WHEN facts_source = '' THEN $3 ELSE facts_source || '；' || $3 END, \
             updated_at_us = $4 \
             WHERE withdrawal_id = $1 AND verification IS NOT NULL AND verified_by IS NULL \
             AND status IN ($5, $6)",
        )
        .bind(id)
        .bind(login)
        .bind(record)
        .bind(crate::now_micros())
        .bind(anju_domain::withdrawal::WithdrawalStatus::Submitted.code())
        .bind(anju_domain::withdrawal::WithdrawalStatus::Prepared.code())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        let done = S::affected(&done) == 1;
        Ok(done)
    }

    async fn move_withdrawal(
        &self,
        id: i64,
        from: anju_domain::withdrawal::WithdrawalStatus,
        to: anju_domain::withdrawal::WithdrawalStatus,
        login: &str,
        note: &str,
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let done = sqlx::query(
            "UPDATE withdrawal SET status = $3, \
             prepared_by = CASE WHEN $3 = 'prepared' THEN $4 ELSE prepared_by END, \
             approved_by = CASE WHEN $3 = 'rejected' THEN $4 ELSE approved_by END, \
             note = $5, updated_at_us = $6 WHERE withdrawal_id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from.code())
        .bind(to.code())
        .bind(login)
        .bind(note)
        .bind(crate::now_micros())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        let done = S::affected(&done) == 1;
        if done && !to.is_live() {
            WithdrawalSteps::<S>::release_claim(&mut tx, id).await?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(done)
    }

    async fn approve_withdrawal(
        &self,
        id: i64,
        from: anju_domain::withdrawal::WithdrawalStatus,
        login: &str,
        note: &str,
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let found: Option<(i64, i64)> = sqlx::query_as(
            "SELECT member_id, amount_fen FROM withdrawal WHERE withdrawal_id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from.code())
        .fetch_optional(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        let Some((member_id, amount)) = found else {
            return Ok(false);
        };
        let balance: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT balance_fen FROM member_account WHERE member_id = $1{}",
            S::ROW_LOCK
        )))
        .bind(member_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        // A hold ends when its payout is posted (the balance then carries
        // it), which is a moment before the withdrawal is settled: a payout
        // already posted under its key (`withdrawal-{id}`, the app's) is not
        // counted twice. Posting commits the balance and the entry together,
        // so no approval sees one without the other.
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(w.amount_fen), 0) AS BIGINT) FROM withdrawal w \
             WHERE w.member_id = $1 AND w.status = 'approved' AND NOT EXISTS (\
             SELECT 1 FROM journal_entry j \
             WHERE j.idempotency_key = 'withdrawal-' || CAST(w.withdrawal_id AS TEXT))",
        )
        .bind(member_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        let available = balance.unwrap_or(0) - held;
        if amount > available {
            return Err(crate::StoreError::rejected(
                "INSUFFICIENT_AVAILABLE",
                format!(
                    "可用余额不足：余额减去已批准待付款项后为 {}，申请 {}",
                    Fen::new(available),
                    Fen::new(amount)
                ),
            ));
        }
        let done = sqlx::query(
            "UPDATE withdrawal SET status = 'approved', approved_by = $3, note = $4, updated_at_us = $5 \
             WHERE withdrawal_id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from.code())
        .bind(login)
        .bind(note)
        .bind(crate::now_micros())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        let done = S::affected(&done) == 1;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(done)
    }

    async fn settle_withdrawal(
        &self,
        id: i64,
        paid: bool,
        reference: &str,
        entry_id: Option<i64>,
    ) -> crate::StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let done = sqlx::query(
            "UPDATE withdrawal SET status = $2, payout_reference = $3, \
             entry_id = COALESCE($4, entry_id), updated_at_us = $5 \
             WHERE withdrawal_id = $1 AND status IN ('approved', 'payout_pending')",
        )
        .bind(id)
        .bind(if paid { "paid" } else { "failed" })
        .bind(reference)
        .bind(entry_id)
        .bind(crate::now_micros())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        let done = S::affected(&done) == 1;
        if done && !paid {
            WithdrawalSteps::<S>::release_claim(&mut tx, id).await?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(done)
    }

    async fn mark_payout_pending(
        &self,
        id: i64,
        entry_id: i64,
        amount_fen: i64,
        note: &str,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE withdrawal SET status = 'payout_pending', entry_id = $2, amount_fen = $3, \
             note = $4, updated_at_us = $5 WHERE withdrawal_id = $1 AND status = 'approved'",
        )
        .bind(id)
        .bind(entry_id)
        .bind(amount_fen)
        .bind(note)
        .bind(crate::now_micros())
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        let done = S::affected(&done) == 1;
        Ok(done)
    }

    async fn withdrawal_stats(
        &self,
        member_id: i64,
        reason: &str,
        year_from: anju_domain::Date,
        rent_from: anju_domain::Date,
    ) -> crate::StoreResult<crate::WithdrawalStats> {
        let (held, count, rent): (i64, i64, i64) = sqlx::query_as(concat!(
"SELECT \
             CAST(COALESCE(SUM(CASE WHEN status = 'approved' THEN amount_fen ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN reason = $2 AND applied_on >= $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN reason = '07' AND applied_on >= $4 THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
             FROM withdrawal WHERE member_id = $1 AND status IN ",
crate::withdrawal_live!()
))
        .bind(member_id)
        .bind(reason)
        .bind(S::day(year_from))
        .bind(S::day(rent_from))
        .fetch_one(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(crate::WithdrawalStats {
            held_fen: Fen::new(held),
            this_year_for_reason: count,
            rent_recent_fen: Fen::new(rent),
        })
    }

    async fn evidence_usage(
        &self,
        kind: anju_domain::policy::EvidenceKind,
        number: &str,
    ) -> crate::StoreResult<(bool, i64)> {
        let (count, sum): (i64, i64) = sqlx::query_as(concat!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM withdrawal \
             WHERE evidence_kind = $1 AND evidence_no = $2 AND status IN ",
            crate::withdrawal_live!()
        ))
        .bind(kind.code())
        .bind(number)
        .fetch_one(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok((count > 0, sum))
    }

    async fn evidence_holders(
        &self,
        kind: anju_domain::policy::EvidenceKind,
        number: &str,
    ) -> crate::StoreResult<Vec<String>> {
        let sealed: Vec<(i64, String)> = sqlx::query_as(concat!(
            "SELECT DISTINCT m.member_id, m.id_card FROM withdrawal w JOIN member m ON m.member_id = w.member_id \
             WHERE w.evidence_kind = $1 AND w.evidence_no = $2 AND w.status IN ",
            crate::withdrawal_live!()
        ))
        .bind(kind.code())
        .bind(number)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        let mut holders = crate::sql::mapped(sealed, |(member_id, id_card)| {
            let at = crate::seal::field("member", "id_card", member_id);
            self.seal().open(at, &id_card)
        })?;
        holders.sort();
        holders.dedup();
        Ok(holders)
    }

    async fn member_status_on(
        &self,
        member_id: i64,
    ) -> crate::StoreResult<Option<anju_domain::Date>> {
        let day: Option<Option<String>> = sqlx::query_scalar(
            "SELECT CAST(status_on AS TEXT) AS status_on FROM member WHERE member_id = $1",
        )
        .bind(member_id)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        day.flatten()
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()
    }

    async fn add_blacklist(
        &self,
        entries: &[(crate::BlacklistRecord, crate::LeafRecord)],
    ) -> crate::StoreResult<u64> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let mut added = 0;
        for (b, leaf) in entries {
            let done = sqlx::query(
                "INSERT INTO blacklist (id_card, listed_on, expires_on, reason, source, entry_id, \
                 issuing_centre, key_id, signature, id_card_bidx) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (id_card_bidx, listed_on) DO NOTHING",
            )
            .bind(self.seal().seal(
                crate::seal::field("blacklist", "id_card", crate::seal_sql::BLACKLIST_ROW),
                &b.id_card,
            ))
            .bind(S::day(b.listed_on))
            .bind(S::day(b.expires_on))
            .bind(&b.reason)
            .bind(&b.source)
            .bind(b.entry_id)
            .bind(&b.issuing_centre)
            .bind(&b.key_id)
            .bind(&b.signature)
            .bind(self.seal().index(crate::seal::kind::ID_CARD, &b.id_card))
            .execute(&mut *tx)
            .await
            .map_err(crate::sql::backend)?;
            if S::affected(&done) == 1 {
                crate::trust_sql::insert_leaf::<S>(&mut tx, leaf).await?;
                added += 1;
            }
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(added)
    }

    async fn blacklist_in_force(
        &self,
        today: anju_domain::Date,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::BlacklistRecord>> {
        let rows: Vec<crate::withdrawal_sql::BlacklistRow> = sqlx::query_as("SELECT id_card, CAST(listed_on AS TEXT) AS listed_on, CAST(expires_on AS TEXT) AS expires_on, reason, source, entry_id, issuing_centre, key_id, signature FROM blacklist \
             WHERE listed_on <= $1 AND expires_on >= $1")
        .bind(S::day(today))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        // Sealed ID numbers sort only once opened (the list is short: entries
        // in force are hundreds, not millions).
        let mut entries = crate::sql::mapped(rows, |r| {
            crate::withdrawal_sql::blacklist_from(self.seal(), r)
        })?;
        entries.sort_by(|a, b| {
            b.listed_on
                .cmp(&a.listed_on)
                .then_with(|| a.id_card.cmp(&b.id_card))
        });
        entries
            .truncate(usize::try_from(crate::access_sql::list_limit(limit)).unwrap_or(usize::MAX));
        Ok(entries)
    }

    async fn blacklist_entry(
        &self,
        id_card: &str,
        today: anju_domain::Date,
    ) -> crate::StoreResult<Option<crate::BlacklistRecord>> {
        let row: Option<crate::withdrawal_sql::BlacklistRow> = sqlx::query_as("SELECT id_card, CAST(listed_on AS TEXT) AS listed_on, CAST(expires_on AS TEXT) AS expires_on, reason, source, entry_id, issuing_centre, key_id, signature FROM blacklist \
             WHERE id_card_bidx = $1 AND listed_on <= $2 AND expires_on >= $2 ORDER BY expires_on DESC LIMIT 1")
        .bind(self.seal().index(crate::seal::kind::ID_CARD, id_card))
        .bind(S::day(today))
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::withdrawal_sql::blacklist_from(self.seal(), r))
            .transpose()
    }

    async fn documents_of(&self, id: i64) -> crate::StoreResult<Vec<crate::DocumentRecord>> {
        let rows: Vec<crate::withdrawal_sql::DocumentRow> = sqlx::query_as(
            "SELECT withdrawal_id, doc_no, doc_type, file_name, content_type, size_bytes, sha256, \
             SUBSTR(content, 1, 0) AS content FROM withdrawal_document WHERE withdrawal_id = $1 ORDER BY doc_no",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| {
            crate::withdrawal_sql::document_from(self.seal(), r)
        })
    }

    async fn documents_of_withdrawals(
        &self,
        withdrawal_ids: &[i64],
    ) -> crate::StoreResult<Vec<crate::DocumentRecord>> {
        // Each id once and in order, so the chunks come back in order and
        // no application's documents twice.
        let mut ids = withdrawal_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let rows: Vec<crate::withdrawal_sql::DocumentRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT withdrawal_id, doc_no, doc_type, file_name, content_type, size_bytes, sha256, \
             SUBSTR(content, 1, 0) AS content FROM withdrawal_document WHERE withdrawal_id IN (",
            &ids,
            ") ORDER BY withdrawal_id, doc_no",
        )
        .await?;
        crate::sql::mapped(rows, |r| {
            crate::withdrawal_sql::document_from(self.seal(), r)
        })
    }

    async fn document(
        &self,
        id: i64,
        doc_no: i32,
    ) -> crate::StoreResult<Option<crate::DocumentRecord>> {
        let row: Option<crate::withdrawal_sql::DocumentRow> = sqlx::query_as(
            "SELECT withdrawal_id, doc_no, doc_type, file_name, content_type, size_bytes, sha256, content \
             FROM withdrawal_document WHERE withdrawal_id = $1 AND doc_no = $2",
        )
        .bind(id)
        .bind(doc_no)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::withdrawal_sql::document_from(self.seal(), r))
            .transpose()
    }

    async fn paid_by_reason(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<Vec<(String, i64, i64)>> {
        sqlx::query_as(
            "SELECT w.reason, COUNT(*), CAST(SUM(e.total_fen) AS BIGINT) FROM withdrawal w \
             JOIN journal_entry e ON e.entry_id = w.entry_id \
             WHERE w.status = 'paid' AND e.business_type IN ('C11', 'C12') \
             AND e.value_date BETWEEN $1 AND $2 GROUP BY w.reason ORDER BY w.reason",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn save_repayment_agreement(
        &self,
        a: &crate::RepaymentAgreementRecord,
    ) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO repayment_agreement (agreement_id, member_id, kind, lender, loan_contract_no, \
             monthly_fen, pay_day, bank_card, starts_on, ends_on, status, signed_by, created_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(a.agreement_id)
        .bind(a.member_id)
        .bind(a.kind.code())
        .bind(&a.lender)
        .bind(&a.loan_contract_no)
        .bind(a.monthly_fen.raw())
        .bind(a.pay_day)
        .bind(
            self.seal()
                .seal(crate::seal::field("repayment_agreement", "bank_card", a.agreement_id), &a.bank_card),
        )
        .bind(S::day(a.starts_on))
        .bind(S::day(a.ends_on))
        .bind(a.status.code())
        .bind(&a.signed_by)
        .bind(a.created_at_us)
        .execute(self.writer())
        .await
        .map_err(crate::sql::unique_or_backend("REPAYMENT_AGREEMENT_EXISTS", "已签订委托提取还贷协议"))?;
        Ok(())
    }

    async fn repayment_agreement_of(
        &self,
        member_id: i64,
    ) -> crate::StoreResult<Option<crate::RepaymentAgreementRecord>> {
        let row: Option<crate::withdrawal_sql::AgreementRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::repayment_agreement_columns!(),
            " FROM repayment_agreement WHERE member_id = $1 AND status = 'active'"
        ))
        .bind(member_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| crate::withdrawal_sql::repayment_agreement_from(self.seal(), r))
            .transpose()
    }

    async fn repayment_agreements_due(
        &self,
        pay_day: i32,
        today: anju_domain::Date,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::RepaymentAgreementRecord>> {
        let rows: Vec<crate::withdrawal_sql::AgreementRow> = sqlx::query_as(concat!(
"SELECT ",
crate::repayment_agreement_columns!(),
" FROM repayment_agreement WHERE status = 'active' AND pay_day = $1 AND starts_on <= $2 AND ends_on >= $2 AND agreement_id > $3 ORDER BY agreement_id LIMIT $4"
))
        .bind(pay_day)
        .bind(S::day(today))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(|r| crate::withdrawal_sql::repayment_agreement_from(self.seal(), r))
            .collect()
    }

    async fn end_repayment_agreement(&self, member_id: i64) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE repayment_agreement SET status = 'ended' WHERE member_id = $1 AND status = 'active'",
        )
        .bind(member_id)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) > 0)
    }

    async fn users_of_member(&self, member_id: i64) -> crate::StoreResult<Vec<i64>> {
        sqlx::query_scalar("SELECT user_id FROM app_user WHERE member_id = $1 ORDER BY user_id")
            .bind(member_id)
            .fetch_all(self.reader())
            .await
            .map_err(crate::sql::backend)
    }

    async fn collected_between(
        &self,
        from: anju_domain::Date,
        to: anju_domain::Date,
    ) -> crate::StoreResult<i64> {
        sqlx::query_scalar("SELECT CAST(COALESCE((SELECT SUM(total_fen) FROM remittance_bill WHERE status = 'paid' \
             AND reversal_entry_id IS NULL AND paid_on BETWEEN $1 AND $2), 0) + COALESCE((SELECT SUM(amount_fen) FROM flexible_deposit WHERE paid_on BETWEEN $1 AND $2), 0) AS BIGINT)")
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn available_balances(&self, member_ids: &[i64]) -> crate::StoreResult<Vec<(i64, i64)>> {
        if member_ids.is_empty() {
            return Ok(Vec::new());
        }
        // The writer: a hold just approved must count.
        let mut q = sqlx::QueryBuilder::<S::Db>::new(
            "SELECT a.member_id, CAST(a.balance_fen - COALESCE((SELECT SUM(w.amount_fen) FROM withdrawal w \
             WHERE w.member_id = a.member_id AND w.status = 'approved'), 0) AS BIGINT) \
             FROM member_account a WHERE NOT EXISTS (SELECT 1 FROM member m \
             WHERE m.member_id = a.member_id AND m.status = ",
        );
        // A court-frozen (冻结) account has nothing available: no
        // debit path may take from it.
        q.push_bind(anju_domain::collection::MemberStatus::Frozen.code());
        q.push(") AND a.member_id IN (");
        let mut ids = q.separated(", ");
        for id in member_ids {
            ids.push_bind(*id);
        }
        q.push(")");
        q.build_query_as()
            .fetch_all(self.writer())
            .await
            .map_err(crate::sql::backend)
    }
}
