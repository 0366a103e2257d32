//! Batch collection jobs: the synthetic dataset (`synthetic`) and the month's
//! remittance run — for every active employer, the month's bill from its
//! roster, collected through a payment channel and posted as one balanced entry
//! per bill (Dr 101 the employer / Cr 201 each member) through the bulk posting
//! path, then marked paid. Employers are read a page at a time, so memory stays
//! bounded at Suzhou scale (197k employers, 4.71M members).
//!
//! A rerun of the same month is safe: an employer with a bill for the month gets
//! no second one, a paid bill is skipped, and an open one (a run that stopped
//! between saving and marking) is paid under its key `bill-<id>`, which replays
//! an entry already posted instead of posting it twice.

mod synthetic;

pub use synthetic::{
    DEFAULT_SEED, MAX_SEED_MEMBERS, SUZHOU_EMPLOYERS, SUZHOU_MEMBERS, SeedSpec, SeedSummary,
    SplitMix64, employer_sizes, employer_uscc, member_id_card,
};

use super::{PaymentAdapter, PaymentRequest, ReliefFor, rates_of};
use crate::Collection;
use crate::access::Actor;
use crate::ledger::MAX_ENTRIES_PER_BATCH;
use crate::{App, AppResult};
use anju_domain::access::Channel;
use anju_domain::collection::BillStatus;
use anju_domain::collection::{BillLine, BillableMember, ContributionRates, RemittanceBill};
use anju_domain::ledger::{IdempotencyKey, MemberId, NewEntry, Side};
use anju_domain::policy::ContributionRules;
use anju_domain::{DomainError, Fen, Period};
use anju_store::{
    Backend, BillLineRecord, BillPayment, BillRecord, BillableRow, EmployerRecord, NewBill,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Employers per page: a page's rosters average ≈ 96k members (≈ 40 MiB
/// planned), enough for PostgreSQL's large posting calls.
pub const EMPLOYERS_PER_PAGE: u32 = 4_000;
/// Posting lines per bulk posting call (one transaction each), by backend,
/// as measured at one million members: on PostgreSQL each call's set-based
/// member update costs in proportion to the highest member id it touches (a
/// merge join over the key), so fewer, larger calls win; on SQLite larger
/// transactions outgrow the page cache and 20,000 lines did best.
pub const LINES_PER_POST_SQLITE: usize = 20_000;
pub const LINES_PER_POST_POSTGRES: usize = 100_000;

/// Lines per posting call on the store's backend.
pub fn lines_per_post(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => LINES_PER_POST_SQLITE,
        Backend::Postgres => LINES_PER_POST_POSTGRES,
    }
}

/// A bill to collect: its id, the employer's credit code, the bill.
#[derive(Debug, Clone)]
pub struct BillToPay {
    pub bill_id: i64,
    pub employer_uscc: String,
    pub bill: RemittanceBill,
}

/// One page of employers, planned: the bills to save and the bills to pay.
#[derive(Debug, Clone, Default)]
pub struct RemittancePage {
    /// The cursor for the next page.
    pub last_employer: i64,
    pub employers: u64,
    pub members: u64,
    pub new_bills: Vec<NewBill>,
    pub to_pay: Vec<BillToPay>,
    pub already_paid: u64,
}

/// What a remittance run did; Σ credits = Σ debits when it balanced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemittanceRun {
    pub employers: u64,
    pub members: u64,
    pub bills_created: u64,
    /// Lines of the bills created (one per member billed).
    pub bill_lines_created: u64,
    pub bills_paid: u64,
    pub bills_already_paid: u64,
    pub payments_declined: u64,
    pub entries_posted: u64,
    pub entries_replayed: u64,
    pub lines_posted: u64,
    /// Σ employer debits (101) of the entries posted by this run.
    pub employer_debits: Fen,
    /// Σ member credits (201) of the entries posted by this run.
    pub member_credits: Fen,
    /// Where the time went, for the benchmark's profile.
    pub timings: RunTimings,
}

/// Wall time by step of a remittance run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunTimings {
    /// Reading employers, rosters and bills, and computing the bills.
    pub plan: Duration,
    pub save_bills: Duration,
    /// Collecting payments and building the entries.
    pub collect: Duration,
    pub post: Duration,
    pub mark_paid: Duration,
}

impl RemittanceRun {
    /// Rows the run inserted: entries, their lines, bills and bill lines.
    pub fn rows(&self) -> u64 {
        self.entries_posted + self.lines_posted + self.bills_created + self.bill_lines_created
    }
}

/// The domain bill from stored rows.
pub(crate) fn stored_bill(
    record: &BillRecord,
    lines: &[BillLineRecord],
) -> AppResult<RemittanceBill> {
    Ok(RemittanceBill {
        employer_id: record.employer_id,
        period: Period::from_yyyymm(u32::try_from(record.period).unwrap_or(0))?,
        due_date: record.due_date,
        lines: lines
            .iter()
            .map(|l| BillLine {
                member: MemberId(l.member_id),
                base: l.base_fen,
                employer: l.employer_fen,
                member_part: l.member_fen,
            })
            .collect(),
    })
}

/// The rows to save for a computed bill.
pub(crate) fn bill_rows(
    bill: &RemittanceBill,
    bill_id: i64,
    created_at_us: i64,
) -> AppResult<NewBill> {
    let record = BillRecord::open_remittance(
        bill_id,
        bill.employer_id,
        i32::try_from(bill.period.yyyymm()).unwrap_or(0),
        bill.due_date,
        bill.total()?,
        i32::try_from(bill.lines.len()).unwrap_or(i32::MAX),
        created_at_us,
    );
    Ok(NewBill {
        bill: record,
        lines: line_rows(&bill.lines),
    })
}

/// A bill's lines as stored, numbered from 1.
pub(crate) fn line_rows(lines: &[BillLine]) -> Vec<BillLineRecord> {
    lines
        .iter()
        .zip(1..)
        .map(|(l, line_no)| BillLineRecord {
            line_no,
            member_id: l.member.0,
            base_fen: l.base,
            employer_fen: l.employer,
            member_fen: l.member_part,
        })
        .collect()
}

fn billable(row: &BillableRow) -> AppResult<BillableMember> {
    let personal = match (row.employer_rate_ppm, row.member_rate_ppm) {
        (Some(e), Some(m)) => Some(ContributionRates {
            employer: e,
            member: m,
        }),
        _ => None,
    };
    Ok(BillableMember {
        member: MemberId(row.member_id),
        wage: row.wage_fen,
        rates: personal,
    })
}

/// The employer's bill for the month from its roster (`None` without active members).
/// An approved relief replaces the employer's rates (降比例) or moves the due
/// date (缓缴), as `generate_bill` does for one employer.
fn compute_bill(
    employer: &EmployerRecord,
    roster: &[BillableRow],
    period: Period,
    rules: &ContributionRules,
    relief: Option<&ReliefFor>,
) -> AppResult<Option<RemittanceBill>> {
    if roster.is_empty() {
        return Ok(None);
    }
    let members = roster.iter().map(billable).collect::<AppResult<Vec<_>>>()?;
    let pay_day = employer.pay_day.and_then(|d| u32::try_from(d).ok());
    let rates = match relief.and_then(|r| r.rates) {
        Some(reduced) => reduced,
        None => rates_of(employer)?,
    };
    let mut bill = RemittanceBill::compute(
        employer.employer_id,
        period,
        pay_day,
        rates,
        &members,
        rules,
    )?;
    if let Some(due) = relief.and_then(|r| r.due_date) {
        bill.due_date = due;
    }
    Ok(Some(bill))
}

/// Splits a roster sorted by employer into each employer's slice, in the
/// employers' order (members of employers not on the page are skipped).
fn rosters<'a>(
    employers: &[EmployerRecord],
    mut rows: &'a [BillableRow],
) -> Vec<&'a [BillableRow]> {
    employers
        .iter()
        .map(|e| {
            let skip = rows
                .iter()
                .take_while(|r| r.employer_id < e.employer_id)
                .count();
            rows = &rows[skip..];
            let mine = rows
                .iter()
                .take_while(|r| r.employer_id == e.employer_id)
                .count();
            let (head, tail) = rows.split_at(mine);
            rows = tail;
            head
        })
        .collect()
}

/// The month's entry for a bill paid on `receipt_date`, keyed by the bill.
pub fn bill_entry(
    bill_id: i64,
    bill: &RemittanceBill,
    paid_on: anju_domain::Date,
) -> AppResult<NewEntry> {
    Ok(bill.entry(paid_on, IdempotencyKey::parse(&format!("bill-{bill_id}"))?)?)
}

/// Payments collected and waiting for their entries to post.
#[derive(Default)]
struct Pending {
    entries: Vec<NewEntry>,
    bills: Vec<(i64, super::PaymentReceipt)>,
    lines: usize,
}

impl App {
    async fn try_run_remittances(
        &self,
        period: Period,
        channel: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<RemittanceRun> {
        let adapter = self
            .payment_adapters()
            .iter()
            .find(|a| a.channel() == channel)
            .ok_or_else(|| super::payment::unknown_channel(channel))?;
        let mut run = RemittanceRun::default();
        let mut after = 0;
        // Pages are planned and written in turn: reading the next page while
        // writing this one was measured slower on SQLite (two cores; the
        // reader and the writer compete) and gained little on PostgreSQL.
        loop {
            let started = Instant::now();
            let Some(page) = self
                .collection()
                .plan_remittance_page(after, period, true)
                .await?
            else {
                break;
            };
            run.timings.plan += started.elapsed();
            after = page.last_employer;
            run.employers += page.employers;
            run.members += page.members;
            run.bills_already_paid += page.already_paid;
            self.settle_page(&page, adapter.as_ref(), &mut run).await?;
            progress(run.members);
        }
        Ok(run)
    }

    /// An open bill a previous run saved, read back to be paid.
    async fn reopened(&self, bill: &BillRecord, employer: &EmployerRecord) -> AppResult<BillToPay> {
        let (record, lines) = self
            .collection_port()
            .bill(bill.bill_id)
            .await?
            .ok_or_else(|| {
                DomainError::new(
                    "BILL_NOT_FOUND",
                    format!("汇缴清册 {} 不存在", bill.bill_id),
                )
            })?;
        Ok(BillToPay {
            bill_id: record.bill_id,
            employer_uscc: employer.uscc.clone(),
            bill: stored_bill(&record, &lines)?,
        })
    }

    /// Saves the page's new bills, collects each bill (requested on its due
    /// date), posts the entries in bulk calls and marks the bills paid.
    async fn settle_page(
        &self,
        page: &RemittancePage,
        adapter: &dyn PaymentAdapter,
        run: &mut RemittanceRun,
    ) -> AppResult<()> {
        let started = Instant::now();
        if !page.new_bills.is_empty() {
            self.batch_port().save_bills(&page.new_bills).await?;
            run.bills_created += page.new_bills.len() as u64;
            run.bill_lines_created += page
                .new_bills
                .iter()
                .map(|b| b.lines.len() as u64)
                .sum::<u64>();
        }
        run.timings.save_bills += started.elapsed();
        let mut started = Instant::now();
        let lines_per_call = lines_per_post(self.backend());
        let mut pending = Pending::default();
        let mut payments: Vec<(i64, BillPayment)> = Vec::with_capacity(page.to_pay.len());
        for to_pay in &page.to_pay {
            let request = PaymentRequest {
                order_id: to_pay.bill_id,
                payer: to_pay.employer_uscc.clone(),
                amount: to_pay.bill.total()?,
                requested_on: to_pay.bill.due_date,
            };
            let receipt = match adapter.collect(&request).await {
                Ok(receipt) => receipt,
                // A declined debit leaves the bill open, as `pay_bill` does.
                Err(e) if e.code() == Some("PAYMENT_DECLINED") => {
                    run.payments_declined += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let entry = bill_entry(to_pay.bill_id, &to_pay.bill, receipt.paid_on)?;
            pending.lines += entry.lines.len();
            pending.entries.push(entry);
            pending.bills.push((to_pay.bill_id, receipt));
            if pending.lines >= lines_per_call || pending.entries.len() == MAX_ENTRIES_PER_BATCH {
                run.timings.collect += started.elapsed();
                self.post_pending(&mut pending, &mut payments, run).await?;
                started = Instant::now();
            }
        }
        run.timings.collect += started.elapsed();
        self.post_pending(&mut pending, &mut payments, run).await?;
        let started = Instant::now();
        run.bills_paid += self.batch_port().mark_bills_paid(&payments).await?;
        run.timings.mark_paid += started.elapsed();
        Ok(())
    }

    async fn post_pending(
        &self,
        pending: &mut Pending,
        payments: &mut Vec<(i64, BillPayment)>,
        run: &mut RemittanceRun,
    ) -> AppResult<()> {
        if pending.entries.is_empty() {
            return Ok(());
        }
        let started = Instant::now();
        let posted = self.ledger().post_entries(&pending.entries).await?;
        run.timings.post += started.elapsed();
        for ((entry, (bill_id, receipt)), p) in pending
            .entries
            .iter()
            .zip(pending.bills.drain(..))
            .zip(posted)
        {
            if p.replayed {
                run.entries_replayed += 1;
            } else {
                count_posted(entry, run)?;
            }
            payments.push((
                bill_id,
                BillPayment {
                    entry_id: p.entry_id.0,
                    paid_on: receipt.paid_on,
                    channel: receipt.channel.to_string(),
                    reference: receipt.reference,
                    // Collected by the monthly run, whoever started it: no
                    // one applied (K18 leaves it out).
                    paid_via: Channel::Batch,
                },
            ));
        }
        pending.entries.clear();
        pending.lines = 0;
        Ok(())
    }
}

impl Collection<'_> {
    /// The month's remittance run over every active employer (see the module
    /// docs). `progress` hears the members billed so far.
    pub async fn run_remittances(
        self,
        actor: &Actor,
        period: Period,
        channel: &str,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<RemittanceRun> {
        let result = self.try_run_remittances(period, channel, progress).await;
        let payload = format!("{channel}|{period}");
        self.audited(
            actor,
            "remittance.batch",
            &format!("period:{period}"),
            payload.as_bytes(),
            result,
        )
        .await
    }

    /// Reads the page of active employers after `after` with their rosters and
    /// plans it: a new bill for each employer without one for the month, and
    /// every open bill to pay. With `heed_existing` false every employer gets a
    /// new bill (the benchmark's baseline rebuilds the same rows this way).
    pub async fn plan_remittance_page(
        self,
        after: i64,
        period: Period,
        heed_existing: bool,
    ) -> AppResult<Option<RemittancePage>> {
        let employers = self
            .batch_port()
            .active_employers_after(after, EMPLOYERS_PER_PAGE)
            .await?;
        let (Some(first), Some(last)) = (employers.first(), employers.last()) else {
            return Ok(None);
        };
        let (first, last) = (first.employer_id, last.employer_id);
        let roster = self
            .batch_port()
            .billable_members_between(first, last)
            .await?;
        let yyyymm = i32::try_from(period.yyyymm()).unwrap_or(0);
        let existing: HashMap<i64, BillRecord> = match heed_existing {
            true => self.batch_port().bills_between(first, last, yyyymm).await?,
            false => Vec::new(),
        }
        .into_iter()
        .map(|b| (b.employer_id, b))
        .collect();
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let reliefs = self.reliefs_in(period).await?;
        let mut page = RemittancePage {
            last_employer: last,
            employers: employers.len() as u64,
            members: roster.len() as u64,
            ..RemittancePage::default()
        };
        for (employer, mine) in employers.iter().zip(rosters(&employers, &roster)) {
            match existing.get(&employer.employer_id) {
                Some(b) if b.status == BillStatus::Paid => page.already_paid += 1,
                Some(b) => page.to_pay.push(self.reopened(b, employer).await?),
                None => {
                    let relief = reliefs.get(&employer.employer_id);
                    let Some(bill) = compute_bill(employer, mine, period, rules, relief)? else {
                        continue;
                    };
                    let bill_id = self.posting_port().reserve_ids(1);
                    page.new_bills
                        .push(bill_rows(&bill, bill_id, crate::clock::now_micros())?);
                    page.to_pay.push(BillToPay {
                        bill_id,
                        employer_uscc: employer.uscc.clone(),
                        bill,
                    });
                }
            }
        }
        Ok(Some(page))
    }
}

/// Adds a posted entry's lines to the run's totals: debits naming no member
/// (the employer's bank line), credits naming a member.
fn count_posted(entry: &NewEntry, run: &mut RemittanceRun) -> AppResult<()> {
    run.entries_posted += 1;
    run.lines_posted += entry.lines.len() as u64;
    for line in &entry.lines {
        match (line.side, line.member()) {
            (Side::Debit, _) => {
                run.employer_debits = run.employer_debits.checked_add(line.amount)?
            }
            (Side::Credit, Some(_)) => {
                run.member_credits = run.member_credits.checked_add(line.amount)?;
            }
            (Side::Credit, None) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
