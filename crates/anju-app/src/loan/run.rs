//! The repayment run (还款批量): on each business day, every active loan
//! with an installment due and not paid in full is collected — from the
//! borrower's HPF balance first under an entrusted withdrawal (委托提取),
//! the rest by bank deduction — a page of loans at a time. What is taken
//! pays, oldest installment first, its penalty, its interest, then its
//! principal. What stays unpaid after its due day is overdue: its principal
//! moves from 121 to 122, penalty interest accrues on it by the day and is
//! posted when paid, and the loan is graded by days overdue.
//!
//! Each page is posted as one voucher (凭证) per business type — 正常还款
//! L02, 公积金提取还款 L05, 逾期还款 L04 — with a line per loan on its
//! sub-ledger (121 / 122), keyed `loan-run-{date}-{first loan}-{type}`.
//! Each loan is collected at most once a day: the loan remembers the day it
//! was run, the page read skips it, and a page re-read after a crash between
//! its posting and its write is the same page, so its vouchers replay (a
//! page whose content changed meanwhile is refused, never posted twice).
//! The next page is read while this one is written.

use super::debit::DebitRequest;
use crate::Loans;
use crate::{App, AppResult};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanEventKind;
use anju_domain::loan::{classify, penalty_interest};
use anju_domain::policy::LoanRules;
use anju_domain::{Date, DomainError, Fen, RatePpm};
use anju_store::{InstallmentRecord, LoanEventRecord, LoanRunUpdate, RunLoan};

/// Loans per page: one read, one deduction file, a voucher per business
/// type, one bulk write each.
pub const RUN_PAGE_LOANS: u32 = 5_000;

type Page = Vec<(RunLoan, Vec<InstallmentRecord>)>;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub loans: u64,
    pub paid_in_full: u64,
    pub partly_paid: u64,
    pub unpaid: u64,
    pub collected_fen: i64,
    pub principal_fen: i64,
    pub interest_fen: i64,
    pub penalty_fen: i64,
    pub newly_overdue_fen: i64,
    /// Vouchers posted (a page has one per business type it holds).
    pub entries: u64,
    pub replayed: u64,
}

/// One loan's collection, worked out before anything is written.
#[derive(Debug, Clone)]
struct Collection {
    loan_id: i64,
    member_id: i64,
    update: LoanRunUpdate,
    installments: Vec<InstallmentRecord>,
    events: Vec<LoanEventRecord>,
    paid: Paid,
    newly_overdue_fen: i64,
    owed_fen: i64,
    /// Outstanding principal after this collection, as the run read it.
    remaining_fen: i64,
}

impl Collection {
    /// The voucher this loan's lines go on.
    fn business_type(&self) -> &'static str {
        match (
            self.paid.from_hpf > 0,
            self.paid.principal_overdue + self.paid.penalty + self.newly_overdue_fen > 0,
        ) {
            (_, true) => "L04",
            (true, false) => "L05",
            (false, false) => "L02",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Paid {
    principal_current: i64,
    principal_overdue: i64,
    interest: i64,
    penalty: i64,
    from_hpf: i64,
}

impl Paid {
    fn total(&self) -> i64 {
        self.principal_current + self.principal_overdue + self.interest + self.penalty
    }
}

/// What one installment still owes on `today`, penalty accrued included.
fn owed(
    i: &InstallmentRecord,
    rate: RatePpm,
    markup: i64,
    today: Date,
) -> AppResult<(i64, i64, i64)> {
    let principal = i.principal_fen.get() - i.paid_principal_fen.get();
    let interest = i.interest_fen.get() - i.paid_interest_fen.get();
    let from = i.penalty_from.unwrap_or(i.due_date);
    let days = i64::from(today.epoch_days() - from.epoch_days()).max(0);
    let accrued = if i.due_date < today {
        penalty_interest(Fen::new(principal), rate, markup, days)?.get()
    } else {
        0
    };
    Ok((principal, interest, i.penalty_owed_fen.get() + accrued))
}

impl App {
    async fn collect_page(
        &self,
        page: &Page,
        rules: &LoanRules,
        today: Date,
    ) -> AppResult<Vec<Collection>> {
        let mut owed_by_loan = Vec::with_capacity(page.len());
        for (loan, due) in page {
            let rate = loan.rate_ppm;
            let mut total = 0;
            for i in due {
                let (p, int, pen) = owed(i, rate, rules.penalty_markup_percent, today)?;
                total += p + int + pen;
            }
            owed_by_loan.push(total);
        }
        let from_hpf = self.hpf_shares(page, &owed_by_loan).await?;
        let requests: Vec<DebitRequest> = page
            .iter()
            .zip(owed_by_loan.iter().zip(&from_hpf))
            .map(|((loan, _), (owed, hpf))| DebitRequest {
                reference: debit_reference(loan.loan_id, today),
                bank_card: loan.repay_card.clone(),
                amount: Fen::new(owed - hpf),
                value_date: today,
            })
            .collect();
        let receipts = self.debits().debit(&requests).await?;
        if receipts.len() != page.len() {
            return Err(
                DomainError::new("DEBIT_FILE_MISMATCH", "银行扣款回盘笔数与请求不符").into(),
            );
        }
        let mut collections = Vec::with_capacity(page.len());
        for ((((loan, due), receipt), hpf), owed) in
            page.iter().zip(&receipts).zip(&from_hpf).zip(&owed_by_loan)
        {
            let taken = receipt.debited.get().clamp(0, owed - hpf);
            collections.push(collect(loan, due, taken + hpf, *hpf, rules, today)?);
        }
        Ok(collections)
    }

    /// Under an entrusted withdrawal, the part of each loan's due that the
    /// borrower's available HPF balance (less approved withdrawals not yet
    /// paid) covers: one read for the page.
    async fn hpf_shares(&self, page: &Page, owed: &[i64]) -> AppResult<Vec<i64>> {
        let members: Vec<i64> = page
            .iter()
            .filter(|(loan, _)| loan.entrusted)
            .map(|(loan, _)| loan.member_id)
            .collect();
        let available: std::collections::HashMap<i64, i64> = self
            .withdrawal_port()
            .available_balances(&members)
            .await?
            .into_iter()
            .collect();
        Ok(page
            .iter()
            .zip(owed)
            .map(|((loan, _), owed)| match available.get(&loan.member_id) {
                Some(fen) if loan.entrusted => (*fen).clamp(0, *owed),
                _ => 0,
            })
            .collect())
    }

    async fn write_page(
        &self,
        collections: Vec<Collection>,
        today: Date,
        summary: &mut RunSummary,
    ) -> AppResult<()> {
        let Some(first) = collections.first() else {
            return Ok(());
        };
        let first_loan = first.loan_id;
        let mut entries = Vec::new();
        let mut kinds = Vec::new();
        for code in ["L02", "L04", "L05"] {
            let group: Vec<&Collection> = collections
                .iter()
                .filter(|c| c.business_type() == code)
                .collect();
            if let Some(entry) = page_entry(&group, code, first_loan, today)? {
                entries.push(entry);
                kinds.push(code);
            }
        }
        let posted = if entries.is_empty() {
            Vec::new()
        } else {
            self.ledger().post_entries(&entries).await?
        };
        summary.entries += posted.len() as u64;
        summary.replayed += posted.iter().filter(|p| p.replayed).count() as u64;
        let entry_of = |code: &str| {
            kinds
                .iter()
                .position(|k| *k == code)
                .and_then(|i| posted.get(i))
                .map(|p| p.entry_id.0)
        };
        let mut loans = Vec::with_capacity(collections.len());
        let mut installments = Vec::new();
        let mut events = Vec::new();
        let mut repaid = Vec::new();
        for mut c in collections {
            if c.remaining_fen == 0 {
                repaid.push(c.loan_id);
            }
            let entry_id = entry_of(c.business_type());
            for e in &mut c.events {
                e.entry_id = entry_id;
            }
            tally(summary, &c);
            loans.push(c.update);
            installments.extend(c.installments);
            events.extend(c.events);
        }
        self.loan_port()
            .save_run_page(&loans, &installments, &events)
            .await?;
        // settle_if_repaid reads the loan again and settles only what is
        // truly repaid.
        for id in repaid {
            self.settle_if_repaid(id, today).await?;
        }
        Ok(())
    }
}

impl Loans<'_> {
    /// Runs the day's collection over every loan due. Safe to rerun.
    pub async fn run_repayments(self, today: Date) -> AppResult<RunSummary> {
        let rules = self.policy().at(today)?.loan_rule.value;
        let mut summary = RunSummary::default();
        let mut page = self.loan_port().loans_due(today, 0, RUN_PAGE_LOANS).await?;
        while let Some(last) = page.last() {
            let after = last.0.loan_id;
            let collections = self.collect_page(&page, &rules, today).await?;
            let (next, written) = tokio::join!(
                self.loan_port().loans_due(today, after, RUN_PAGE_LOANS),
                self.write_page(collections, today, &mut summary)
            );
            written?;
            page = next?;
        }
        Ok(summary)
    }
}

fn tally(s: &mut RunSummary, c: &Collection) {
    let paid = c.paid.total();
    s.loans += 1;
    match (paid, paid == c.owed_fen) {
        (0, _) => s.unpaid += 1,
        (_, true) => s.paid_in_full += 1,
        _ => s.partly_paid += 1,
    }
    s.collected_fen += paid;
    s.principal_fen += c.paid.principal_current + c.paid.principal_overdue;
    s.interest_fen += c.paid.interest;
    s.penalty_fen += c.paid.penalty;
    s.newly_overdue_fen += c.newly_overdue_fen;
}

fn yyyymmdd(today: Date) -> String {
    let (y, m, d) = today.ymd();
    format!("{y:04}{m:02}{d:02}")
}

/// The bank's deduplication key for one loan's deduction on a day.
fn debit_reference(loan_id: i64, today: Date) -> String {
    format!("loan-{loan_id}-{}", yyyymmdd(today))
}

/// Allocates `taken` (of which `from_hpf` came from the HPF balance) over
/// the loan's due installments, oldest first: penalty, interest, principal.
fn collect(
    loan: &RunLoan,
    due: &[InstallmentRecord],
    taken: i64,
    from_hpf: i64,
    rules: &LoanRules,
    today: Date,
) -> AppResult<Collection> {
    let rate = loan.rate_ppm;
    let mut left = taken;
    let mut paid = Paid {
        from_hpf,
        ..Paid::default()
    };
    let mut rows = Vec::with_capacity(due.len());
    let mut newly_overdue = 0;
    let mut newly_overdue_count = 0;
    let mut owed_total = 0;
    for i in due {
        let (principal, interest, penalty) = owed(i, rate, rules.penalty_markup_percent, today)?;
        owed_total += principal + interest + penalty;
        let pay_penalty = left.min(penalty);
        left -= pay_penalty;
        let pay_interest = left.min(interest);
        left -= pay_interest;
        let pay_principal = left.min(principal);
        left -= pay_principal;
        let was_overdue = i.status == InstallmentStatus::Overdue;
        if was_overdue {
            paid.principal_overdue += pay_principal;
        } else {
            paid.principal_current += pay_principal;
        }
        paid.interest += pay_interest;
        paid.penalty += pay_penalty;
        let mut row = i.clone();
        row.paid_principal_fen = Fen::new(row.paid_principal_fen.get() + pay_principal);
        row.paid_interest_fen = Fen::new(row.paid_interest_fen.get() + pay_interest);
        row.paid_penalty_fen = Fen::new(row.paid_penalty_fen.get() + pay_penalty);
        let cleared =
            pay_principal == principal && pay_interest == interest && pay_penalty == penalty;
        if cleared {
            row.status = InstallmentStatus::Paid;
            row.paid_on = Some(today);
            row.penalty_owed_fen = anju_domain::Fen::ZERO;
        } else {
            if !was_overdue {
                newly_overdue += principal - pay_principal;
                newly_overdue_count += 1;
            }
            row.status = InstallmentStatus::Overdue;
            row.penalty_owed_fen = anju_domain::Fen::new(penalty - pay_penalty);
            row.penalty_from = Some(today);
        }
        rows.push(row);
    }
    let open: Vec<&InstallmentRecord> = rows
        .iter()
        .filter(|r| r.status == InstallmentStatus::Overdue)
        .collect();
    let overdue_principal: i64 = open
        .iter()
        .map(|r| r.principal_fen.get() - r.paid_principal_fen.get())
        .sum();
    let overdue_since = open.iter().map(|r| r.due_date).min();
    let days = overdue_since.map_or(0, |d| i64::from(today.epoch_days() - d.epoch_days()));
    let principal_paid = paid.principal_current + paid.principal_overdue;
    let consecutive = if newly_overdue_count > 0 {
        loan.consecutive_overdue + newly_overdue_count
    } else if open.is_empty() {
        0
    } else {
        loan.consecutive_overdue
    };
    let update = LoanRunUpdate {
        loan_id: loan.loan_id,
        principal_paid_fen: anju_domain::Fen::new(principal_paid),
        overdue_principal_fen: anju_domain::Fen::new(overdue_principal),
        overdue_since,
        grade: classify(days, &rules.grade_from_days),
        consecutive_overdue: consecutive,
        cumulative_overdue: loan.cumulative_overdue + newly_overdue_count,
        last_run_on: today,
    };
    let events = run_events(loan.loan_id, &paid, newly_overdue, owed_total, today);
    Ok(Collection {
        loan_id: loan.loan_id,
        member_id: loan.member_id,
        update,
        installments: rows,
        events,
        paid,
        newly_overdue_fen: newly_overdue,
        owed_fen: owed_total,
        remaining_fen: loan.outstanding_fen.get() - principal_paid,
    })
}

/// One voucher for a page's loans of one business type: Dr 101 (bank) and
/// Dr 201 per member (HPF balance) / Cr 121 and 122 per loan, Cr 40103;
/// and for principal newly overdue Dr 122 / Cr 121 per loan. None when
/// nothing moved.
fn page_entry(
    group: &[&Collection],
    code: &'static str,
    first_loan: i64,
    today: Date,
) -> AppResult<Option<NewEntry>> {
    let mut lines = Vec::new();
    let mut bank = 0;
    let mut income = 0;
    for c in group {
        let p = &c.paid;
        bank += p.total() - p.from_hpf;
        income += p.interest + p.penalty;
        if p.from_hpf > 0 {
            lines.push(Line::debit("201", Fen::new(p.from_hpf)).for_member(MemberId(c.member_id)));
        }
        if p.principal_current > 0 {
            lines.push(Line::credit("121", Fen::new(p.principal_current)).for_loan(c.loan_id));
        }
        if p.principal_overdue > 0 {
            lines.push(Line::credit("122", Fen::new(p.principal_overdue)).for_loan(c.loan_id));
        }
        if c.newly_overdue_fen > 0 {
            lines.push(Line::debit("122", Fen::new(c.newly_overdue_fen)).for_loan(c.loan_id));
            lines.push(Line::credit("121", Fen::new(c.newly_overdue_fen)).for_loan(c.loan_id));
        }
    }
    if bank > 0 {
        lines.push(Line::debit("101", Fen::new(bank)));
    }
    if income > 0 {
        lines.push(Line::credit("40103", Fen::new(income)));
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let memo = match code {
        "L04" => "逾期还款及逾期本金转列（批量）",
        "L05" => "公积金提取还款（批量）",
        _ => "正常还款（批量）",
    };
    let key = format!("loan-run-{}-{first_loan}-{code}", yyyymmdd(today));
    let key = IdempotencyKey::parse(&key)?;
    Ok(Some(NewEntry::new(code, today, key, memo, lines)?))
}

/// The loan's history: a payment that was not a plain, full, on-time bank
/// deduction (those show in the schedule as paid), and every shortfall.
fn run_events(
    loan_id: i64,
    paid: &Paid,
    newly_overdue: i64,
    owed: i64,
    today: Date,
) -> Vec<LoanEventRecord> {
    let key = format!("run-{}", yyyymmdd(today));
    let plain = paid.total() == owed
        && paid.from_hpf == 0
        && paid.principal_overdue == 0
        && paid.penalty == 0;
    let mut events = Vec::new();
    if paid.total() > 0 && !plain {
        events.push(LoanEventRecord {
            loan_id,
            event_key: key.clone(),
            happened_on: today,
            kind: LoanEventKind::Repaid,
            amount_fen: anju_domain::Fen::new(paid.total()),
            principal_fen: anju_domain::Fen::new(paid.principal_current + paid.principal_overdue),
            interest_fen: anju_domain::Fen::new(paid.interest),
            penalty_fen: anju_domain::Fen::new(paid.penalty),
            entry_id: None,
            note: if paid.from_hpf > 0 {
                format!("其中公积金账户 {}", Fen::new(paid.from_hpf))
            } else {
                "银行代扣".to_string()
            },
        });
    }
    if paid.total() < owed {
        events.push(LoanEventRecord {
            loan_id,
            event_key: format!("{key}-short"),
            happened_on: today,
            kind: LoanEventKind::Overdue,
            amount_fen: anju_domain::Fen::new(owed - paid.total()),
            principal_fen: anju_domain::Fen::new(newly_overdue),
            interest_fen: anju_domain::Fen::ZERO,
            penalty_fen: anju_domain::Fen::ZERO,
            entry_id: None,
            note: "扣款不足，形成逾期".to_string(),
        });
    }
    events
}

/// Penalty accrued on a loan's overdue installments up to `today` (for
/// the member's and risk staff's view; it is posted when paid).
pub fn penalty_to_date(
    installments: &[InstallmentRecord],
    rate: RatePpm,
    markup: i64,
    today: Date,
) -> AppResult<Fen> {
    let mut total = 0;
    for i in installments
        .iter()
        .filter(|i| i.status == InstallmentStatus::Overdue)
    {
        total += owed(i, rate, markup, today)?.2;
    }
    Ok(Fen::new(total))
}
