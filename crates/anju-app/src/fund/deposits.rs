//! The fund's money at banks (资金存储): the register of current and time
//! deposits by bank (a sub-ledger of GL 101, reconciled on the page),
//! interest booked when a time deposit matures (Dr 101 / Cr 40101, F02),
//! the 12-month cash-flow forecast and the term-deposit ladder it suggests.

use super::FundDepositRecord;
use super::{credit_side, finance_staff};
use crate::Fund;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::fund::DepositKind;
use anju_domain::fund::DepositStatus;
use anju_domain::fund::{self, Forecast, KnownFlow, Ladder, MonthFlow};
use anju_domain::ledger::{IdempotencyKey, Line, NewEntry};
use anju_domain::{Date, DomainError, Fen, Period, RatePpm};
use std::collections::BTreeMap;

/// Months of history the forecast reads, and the months it projects.
const HISTORY_MONTHS: u32 = 24;
const FORECAST_MONTHS: u32 = 12;
/// Time-deposit interest is simple interest over a 365-day year.
const DAYS_PER_YEAR: i128 = 365;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositRequest {
    pub bank: String,
    pub kind: DepositKind,
    pub amount: Fen,
    pub rate: RatePpm,
    pub placed_on: Date,
    /// Required for a time deposit.
    pub matures_on: Option<Date>,
    pub note: String,
}

/// The deposits page: the register against GL 101, the forecast and the
/// ladder.
#[derive(Debug, Clone)]
pub struct CashPlan {
    pub deposits: Vec<FundDepositRecord>,
    pub held_current_fen: i64,
    pub held_time_fen: i64,
    /// GL 101 at the business date.
    pub gl_101_fen: i64,
    /// GL 101 less the held deposits registered: money no register names.
    pub unregistered_fen: i64,
    pub forecast: Forecast,
    pub ladder: Ladder,
    pub buffer_fen: i64,
}

impl App {
    async fn place_fund_deposit_inner(
        &self,
        actor: &Actor,
        request: &DepositRequest,
    ) -> AppResult<FundDepositRecord> {
        let login = finance_staff(actor)?;
        check_deposit(request)?;
        let record = FundDepositRecord {
            deposit_id: self.posting_port().reserve_ids(1),
            bank: request.bank.trim().to_string(),
            kind: request.kind,
            amount_fen: request.amount,
            rate_ppm: request.rate,
            placed_on: request.placed_on,
            matures_on: request.matures_on,
            status: DepositStatus::Held,
            interest_fen: None,
            entry_id: None,
            note: request.note.trim().to_string(),
            created_by: login,
            created_at_us: crate::clock::now_micros(),
        };
        self.fund_port().save_fund_deposit(&record).await?;
        Ok(record)
    }

    async fn mature_fund_deposit_inner(
        &self,
        actor: &Actor,
        deposit_id: i64,
        today: Date,
    ) -> AppResult<i64> {
        let login = finance_staff(actor)?;
        let deposit = self
            .fund_port()
            .fund_deposits()
            .await?
            .into_iter()
            .find(|d| d.deposit_id == deposit_id)
            .ok_or_else(|| DomainError::new("DEPOSIT_NOT_FOUND", "该存款不存在"))?;
        let matures = match (deposit.kind, deposit.matures_on) {
            (DepositKind::Time, Some(day)) if deposit.status == DepositStatus::Held => day,
            _ => {
                return Err(DomainError::new(
                    "DEPOSIT_NOT_MATURABLE",
                    "只有未到期的定期存款可以办理到期",
                )
                .into());
            }
        };
        if today < matures {
            return Err(DomainError::new(
                "DEPOSIT_NOT_DUE",
                format!("该定期存款 {matures} 到期，尚未到期"),
            )
            .into());
        }
        let interest = term_interest(&deposit)?;
        let entry = NewEntry::new(
            "F02",
            matures,
            IdempotencyKey::parse(&format!("fund-deposit-{deposit_id}-interest"))?,
            &format!("{} 定期存款到期利息", deposit.bank),
            vec![
                Line::debit("101", interest),
                Line::credit("40101", interest),
            ],
        )?;
        let posted = self.ledger().post_entry(entry).await?;
        if !self
            .fund_port()
            .mature_fund_deposit(deposit_id, interest.get(), posted.entry_id.0)
            .await?
        {
            return Err(DomainError::new("DEPOSIT_STATE", "该存款已办理到期，请刷新").into());
        }
        // Principal and interest stay at the bank as current money (转活期),
        // so the register still accounts for them.
        let rolled = FundDepositRecord {
            deposit_id: self.posting_port().reserve_ids(1),
            kind: DepositKind::Current,
            amount_fen: anju_domain::Fen::new(deposit.amount_fen.get() + interest.get()),
            rate_ppm: RatePpm::ZERO,
            placed_on: matures,
            matures_on: None,
            status: DepositStatus::Held,
            interest_fen: None,
            entry_id: None,
            note: format!("定期存款 {deposit_id} 到期本息转活期"),
            created_by: login,
            created_at_us: crate::clock::now_micros(),
            ..deposit
        };
        self.fund_port().save_fund_deposit(&rolled).await?;
        Ok(interest.get())
    }

    /// Collection in (201 credits of 汇缴/补缴) and withdrawals out (201
    /// debits of 部分/销户提取) for the `count` months before `start` (from
    /// the first with any; one empty month when none has).
    async fn month_flows(&self, start: Period, count: u32) -> AppResult<Vec<MonthFlow>> {
        let mut first = start;
        for _ in 0..count {
            first = first.previous()?;
        }
        let last_day = start.previous()?.last_day()?;
        let rows = self
            .fund_port()
            .gl_days(first.first_day()?, last_day)
            .await?;
        let mut months: BTreeMap<Period, (i64, i64)> = BTreeMap::new();
        let mut period = first;
        while period < start {
            months.insert(period, (0, 0));
            period = period.next()?;
        }
        for row in rows.iter().filter(|r| r.gl_code == "201") {
            let slot = months.entry(Period::of_date(row.value_date)).or_default();
            match row.business_type.as_str() {
                "C01" | "C02" => slot.0 += row.credit_fen.get() - row.debit_fen.get(),
                "C11" | "C12" => slot.1 += row.debit_fen.get() - row.credit_fen.get(),
                _ => {}
            }
        }
        // Months before the ledger's first activity are not history.
        let flows: Vec<MonthFlow> = months
            .into_iter()
            .skip_while(|(_, (inflow, outflow))| *inflow == 0 && *outflow == 0)
            .map(|(period, (inflow_fen, outflow_fen))| MonthFlow {
                period,
                inflow_fen,
                outflow_fen,
            })
            .collect();
        if flows.is_empty() {
            return Ok(vec![MonthFlow {
                period: start.previous()?,
                inflow_fen: 0,
                outflow_fen: 0,
            }]);
        }
        Ok(flows)
    }

    /// Installments due per month, and the approved loans still to pay out
    /// (in the first month).
    async fn known_flows(&self, start: Period) -> AppResult<Vec<KnownFlow>> {
        let mut end = start;
        for _ in 1..FORECAST_MONTHS {
            end = end.next()?;
        }
        let due = self
            .fund_port()
            .installments_due_between(start.first_day()?, end.last_day()?)
            .await?;
        let mut by_month: BTreeMap<Period, i64> = BTreeMap::new();
        for (day, fen) in due {
            *by_month.entry(Period::of_date(day)).or_default() += fen;
        }
        let pending = self.fund_port().pending_disbursements_fen().await?;
        let mut flows = Vec::new();
        let mut period = start;
        for _ in 0..FORECAST_MONTHS {
            flows.push(KnownFlow {
                period,
                inflow_fen: by_month.get(&period).copied().unwrap_or(0),
                outflow_fen: if period == start { pending } else { 0 },
            });
            period = period.next()?;
        }
        Ok(flows)
    }
}

impl Fund<'_> {
    /// Registers a deposit of the fund at a bank.
    pub async fn place_fund_deposit(
        self,
        actor: &Actor,
        request: &DepositRequest,
    ) -> AppResult<FundDepositRecord> {
        let result = self.place_fund_deposit_inner(actor, request).await;
        self.audited(actor, "fund.deposit.place", &request.bank, b"", result)
            .await
    }

    /// Books a matured time deposit's interest (on or after its maturity).
    pub async fn mature_fund_deposit(
        self,
        actor: &Actor,
        deposit_id: i64,
        today: Date,
    ) -> AppResult<i64> {
        let result = self
            .mature_fund_deposit_inner(actor, deposit_id, today)
            .await;
        self.audited(
            actor,
            "fund.deposit.mature",
            &deposit_id.to_string(),
            b"",
            result,
        )
        .await
    }

    /// The register, the forecast from the business date's month and the
    /// ladder it suggests.
    pub async fn cash_plan(self, today: Date) -> AppResult<CashPlan> {
        let deposits = self.fund_port().fund_deposits().await?;
        let held = |kind: DepositKind| {
            deposits
                .iter()
                .filter(|d| d.status == DepositStatus::Held && d.kind == kind)
                .map(|d| d.amount_fen.get())
                .sum::<i64>()
        };
        let (held_current_fen, held_time_fen) =
            (held(DepositKind::Current), held(DepositKind::Time));
        let gl_101_fen = -credit_side(&self.position_at(today).await?, "101").get();
        // The forecast starts next month; a month under way is not history
        // until its last day.
        let month = Period::of_date(today);
        let start = month.next()?;
        let history_end = if today == month.last_day()? {
            start
        } else {
            month
        };
        let history = self.month_flows(history_end, HISTORY_MONTHS).await?;
        let known = self.known_flows(start).await?;
        let current = gl_101_fen - held_time_fen;
        let forecast = fund::forecast(&history, &known, start, FORECAST_MONTHS, current)?;
        let rules = self.policy().at(today)?.fund_rule.value;
        let buffer_fen = rules.buffer.get();
        let ladder = fund::suggest_ladder(current, &forecast, &rules.terms(), buffer_fen, start)?;
        Ok(CashPlan {
            deposits,
            held_current_fen,
            held_time_fen,
            gl_101_fen,
            unregistered_fen: gl_101_fen - held_current_fen - held_time_fen,
            forecast,
            ladder,
            buffer_fen,
        })
    }
}

fn check_deposit(request: &DepositRequest) -> AppResult<()> {
    if request.bank.trim().is_empty() || request.bank.chars().count() > 60 {
        return Err(DomainError::new("DEPOSIT_BANK", "请填写存放银行（60 字以内）").into());
    }
    if request.note.chars().count() > 200 {
        return Err(DomainError::new("DEPOSIT_NOTE", "备注请在 200 字以内").into());
    }
    if request.amount <= Fen::ZERO {
        return Err(DomainError::new("DEPOSIT_AMOUNT", "存款金额须大于零").into());
    }
    match (request.kind, request.matures_on) {
        (DepositKind::Current, None) => Ok(()),
        (DepositKind::Time, Some(day)) if day > request.placed_on => Ok(()),
        (DepositKind::Time, _) => {
            Err(DomainError::new("DEPOSIT_MATURITY", "定期存款须填写晚于存入日的到期日").into())
        }
        (DepositKind::Current, Some(_)) => {
            Err(DomainError::new("DEPOSIT_MATURITY", "活期存款没有到期日").into())
        }
    }
}

/// amount × rate × days ÷ 365, half-up to the fen.
fn term_interest(deposit: &FundDepositRecord) -> AppResult<Fen> {
    let days = deposit
        .placed_on
        .days_until(deposit.matures_on.unwrap_or(deposit.placed_on));
    let numerator = i128::from(deposit.amount_fen.get())
        * i128::from(deposit.rate_ppm.ppm())
        * i128::from(days);
    let denominator = DAYS_PER_YEAR * 1_000_000;
    let fen = (numerator + denominator / 2) / denominator;
    let fen =
        i64::try_from(fen).map_err(|_| DomainError::new("AMOUNT_OVERFLOW", "利息金额超出范围"))?;
    if fen <= 0 {
        return Err(DomainError::new("DEPOSIT_NO_INTEREST", "该存款利息为零，无需入账").into());
    }
    Ok(Fen::new(fen))
}
