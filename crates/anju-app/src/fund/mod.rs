//! Fund management (资金管理, plan §3 and §8): statements for any period
//! from the GL day book, one year's figures for the indicators and the
//! KPIs, the value-added distribution (`distribution.rs`), the fund's bank
//! deposits with the cash-flow forecast and the term-deposit ladder
//! (`deposits.rs`), liquidity early warning (`liquidity.rs`), the plan's KPI
//! cockpit with its dated inputs (`kpi.rs`) and the yearly report
//! (`report.rs`).

mod deposits;
mod distribution;
mod export;
mod kpi;
mod liquidity;
mod report;
mod services;

/// The records of deposits, alerts and distributions, as the use cases hand
/// them out.
pub use anju_store::{DistributionRecord, FundAlertRecord, FundDepositRecord};
pub use deposits::{CashPlan, DepositRequest};
pub use kpi::{FORMULA_INPUTS, KpiCockpit, KpiMonth, KpiYear};
pub use liquidity::LiquidityView;
pub use report::{AnnualReport, BranchRow, ReportLine, ReportPart, ReportSection, grouped, money};
pub use services::ServiceChannels;

use crate::Fund;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::{Role, duties};
use anju_domain::fund::{
    self, BalanceSheet, IncomeStatement, TrialBalance, YearFigures, apply_totals, indicators as ind,
};
use anju_domain::{Date, DomainError, Fen};
use anju_store::GlDayRow;
use std::collections::BTreeMap;

/// The year-end transfer of income and expense into 311: left out of the
/// income statement, which shows the year's income before it was closed.
const YEAR_END_TRANSFER: &str = "F03";

/// The four statements for `[from, to]`.
#[derive(Debug, Clone)]
pub struct Statements {
    pub from: Date,
    pub to: Date,
    pub trial_balance: TrialBalance,
    pub balance_sheet: BalanceSheet,
    pub income_statement: IncomeStatement,
    /// The distribution of the year `to` falls in, when prepared.
    pub distribution: Option<DistributionRecord>,
}

/// Net balances (debit − credit) per account at the end of `day`.
pub type Position = BTreeMap<String, Fen>;

/// Σ debit and Σ credit per account.
pub type Movement = BTreeMap<String, (Fen, Fen)>;

impl App {
    async fn ledger_figures(&self, year: i32, from: Date, to: Date) -> AppResult<YearFigures> {
        let closing = self.fund().position_at(to).await?;
        // Since inception: the cumulative figures read the day book (201 by
        // business type, net of reversals), not every bill and withdrawal.
        let history = self.fund_port().gl_days(epoch(), to).await?;
        let days: Vec<GlDayRow> = history
            .iter()
            .filter(|r| r.value_date >= from)
            .cloned()
            .collect();
        let movement = movement_of(&days, |row| row.business_type != YEAR_END_TRANSFER)?;
        let income = fund::income_statement(&movement)?;
        let (from_us, to_us) = (day_start_us(from)?, day_start_us(to.add_days(1)?)? - 1);
        let counts = self
            .fund_port()
            .collection_year(from, to, from_us, to_us, to)
            .await?;
        let withdrawals = self.withdrawals().withdrawal_indicators(from, to).await?;
        let issued = self.loan_port().loans_issued(from, to).await?;
        let project = self.loan_port().project_principal_at(to).await?;
        let services = self.fund().service_channels(from, to).await?;
        // K16 counts the accounts that exist by the year's end (all of them
        // for the year under way): the roles are kept as they are now.
        let year_end_us = day_start_us(Date::from_ymd(year + 1, 1, 1)?)?;
        let staff = self.access_port().accounts_by_role(year_end_us).await?;
        let with_role = |role: Role| {
            staff
                .iter()
                .find(|(r, _)| *r == role)
                .map_or(0, |(_, n)| *n)
        };
        let complaints = self.quality_port().complaint_counts(from, to).await?;
        let hotline = self.quality_port().hotline_counts(from, to).await?;
        let balances = liquidity::balances_of(&closing, year, project);
        Ok(YearFigures {
            year,
            collection_fen: withdrawals.collected.get(),
            cumulative_collection_fen: member_flow(&history, |t| matches!(t, "C01" | "C02")),
            withdrawals_fen: withdrawals.withdrawn.get(),
            housing_withdrawals_fen: withdrawals.housing.get(),
            cumulative_withdrawals_fen: -member_flow(&history, ind::is_withdrawal_type),
            withdrawers: counts.withdrawers,
            avg_monthly_deposit_balance_fen: average_month_end_201(&history, from, to)?,
            loans_issued_count: issued.count,
            loans_issued_fen: issued.amount_fen.get(),
            remote_loans_count: issued.remote_count,
            remote_loans_fen: issued.remote_amount_fen.get(),
            project_loans_issued_fen: counts.project_loans_issued_fen.get(),
            loans_repaid_fen: loans_repaid(&days)?,
            business_income_fen: income.income_total_fen.get(),
            business_expense_fen: income.expense_total_fen.get(),
            contributing_employers: counts.employers,
            contributing_members: counts.members,
            new_employers: counts.new_employers,
            new_members: counts.new_members,
            base_adjusted_employers: counts.base_adjusted,
            overdue_employers: counts.overdue_employers,
            flexible_contributors: counts.flexible_contributors,
            online_transactions: services.online,
            all_transactions: services.all,
            legal_reviewers: with_role(Role::LegalReviewer),
            enforcement_staff: with_role(Role::EnforcementOfficer),
            complaints_received: complaints.received,
            complaints_mediated: complaints.mediated,
            complaints_verified: complaints.verified,
            hotline_ratings: hotline.rated,
            hotline_satisfied: hotline.satisfied,
            ..balances
        })
    }

    /// The latest entered value of each yearly total of `year` (keys that
    /// set a [`YearFigures`] field; other inputs are the KPIs').
    async fn entered_totals(&self, year: i32) -> AppResult<BTreeMap<String, String>> {
        let mut totals = BTreeMap::new();
        for input in self.fund_port().fund_inputs(Some(year)).await? {
            if is_total_key(&input.key) {
                totals.insert(input.key, input.value_text);
            }
        }
        Ok(totals)
    }
}

impl Fund<'_> {
    /// 试算平衡表, 资产负债表, 增值收益表 and the year's 增值收益分配 for
    /// `[from, to]` (any period: a month, a quarter, a year).
    pub async fn statements(self, from: Date, to: Date) -> AppResult<Statements> {
        check_period(from, to)?;
        let opening = self.position_before(from).await?;
        let days = self.fund_port().gl_days(from, to).await?;
        let movement = movement_of(&days, |_| true)?;
        let income_movement = movement_of(&days, |row| row.business_type != YEAR_END_TRANSFER)?;
        let closing = apply_movement(&opening, &movement)?;
        Ok(Statements {
            from,
            to,
            trial_balance: fund::trial_balance(&opening, &movement)?,
            balance_sheet: fund::balance_sheet(&closing)?,
            income_statement: fund::income_statement(&income_movement)?,
            distribution: self.fund_port().distribution(to.year()).await?,
        })
    }

    /// Net balances at the start of `day`.
    pub async fn position_before(self, day: Date) -> AppResult<Position> {
        let mut position = Position::new();
        for (code, debit, credit) in self.fund_port().gl_totals_before(day).await? {
            position.insert(code, Fen::new(debit).checked_sub(Fen::new(credit))?);
        }
        Ok(position)
    }

    /// Net balances at the end of `day`.
    pub async fn position_at(self, day: Date) -> AppResult<Position> {
        self.position_before(day.add_days(1)?).await
    }

    /// One year's figures as of `as_of` (the year so far when it has not
    /// ended): from the ledger and the registers, then any yearly totals
    /// entered for the year (a loaded total replaces the computed figure;
    /// the cockpit marks it).
    pub async fn year_figures(self, year: i32, as_of: Date) -> AppResult<YearFigures> {
        let (from, to) = year_span(year, as_of)?;
        let mut figures = self.ledger_figures(year, from, to).await?;
        // A yearly total is a whole year's: it stands in for the year only
        // once the year is over, never for a part of it.
        if to == Date::from_ymd(year, 12, 31)? {
            let totals = self.entered_totals(year).await?;
            apply_totals(&mut figures, &totals)?;
        }
        Ok(figures)
    }
}

/// A key that sets a [`YearFigures`] field (a yearly total), as opposed to
/// a KPI's external input.
pub fn is_total_key(key: &str) -> bool {
    let probe: BTreeMap<String, String> = [(key.to_string(), "0".to_string())].into();
    apply_totals(&mut YearFigures::default(), &probe).is_ok()
}

fn check_period(from: Date, to: Date) -> AppResult<()> {
    if from > to {
        return Err(DomainError::new("PERIOD_INVALID", "起始日期不能晚于截止日期").into());
    }
    Ok(())
}

/// `[1 January, min(31 December, as_of)]` of `year`.
pub fn year_span(year: i32, as_of: Date) -> AppResult<(Date, Date)> {
    let from = Date::from_ymd(year, 1, 1)?;
    let end = Date::from_ymd(year, 12, 31)?;
    if as_of < from {
        return Err(DomainError::new("YEAR_NOT_STARTED", format!("{year} 年尚未开始")).into());
    }
    Ok((from, end.min(as_of)))
}

/// UTC microseconds at 00:00 China time (UTC+8) of `day`.
fn day_start_us(day: Date) -> AppResult<i64> {
    const DAY_US: i64 = 86_400_000_000;
    const CHINA_OFFSET_US: i64 = 8 * 3_600_000_000;
    Ok(i64::from(day.epoch_days()) * DAY_US - CHINA_OFFSET_US)
}

/// The first day any figure can be on: the start of "since inception".
fn epoch() -> Date {
    Date::from_epoch_days(0).unwrap_or_else(|_| unreachable!("day 0 is a date"))
}

/// Credit − debit of an account in a position (liabilities and funds
/// positive; assets come out negative).
fn credit_side(position: &Position, code: &str) -> Fen {
    position
        .get(code)
        .map_or(Fen::ZERO, |net| Fen::new(-net.get()))
}

fn movement_of(days: &[GlDayRow], keep: impl Fn(&GlDayRow) -> bool) -> AppResult<Movement> {
    let mut movement = Movement::new();
    for row in days.iter().filter(|r| keep(r)) {
        let slot = movement
            .entry(row.gl_code.clone())
            .or_insert((Fen::ZERO, Fen::ZERO));
        slot.0 = slot.0.checked_add(row.debit_fen)?;
        slot.1 = slot.1.checked_add(row.credit_fen)?;
    }
    Ok(movement)
}

fn apply_movement(opening: &Position, movement: &Movement) -> AppResult<Position> {
    let mut closing = opening.clone();
    for (code, (debit, credit)) in movement {
        let slot = closing.entry(code.clone()).or_insert(Fen::ZERO);
        *slot = slot.checked_add(*debit)?.checked_sub(*credit)?;
    }
    Ok(closing)
}

/// The average of GL 201 at each month end from `from` to `to` (the last
/// month ends at `to`), from the day book since inception up to `to`: the
/// denominator of 增值收益率.
fn average_month_end_201(history: &[GlDayRow], from: Date, to: Date) -> AppResult<i64> {
    let mut rows = history.iter().filter(|r| r.gl_code == "201").peekable();
    let mut balance = 0;
    let mut month_ends: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        while let Some(row) = rows.next_if(|r| r.value_date <= day) {
            balance += row.credit_fen.get() - row.debit_fen.get();
        }
        month_ends.insert((day.year(), day.month()), balance);
        day = day.add_days(1)?;
    }
    let count = i64::try_from(month_ends.len()).unwrap_or(1).max(1);
    let total: i128 = month_ends.values().map(|v| i128::from(*v)).sum();
    Ok(i64::try_from(total / i128::from(count)).unwrap_or(i64::MAX))
}

/// Σ credit − debit of 201 (members' deposits) over rows of the business
/// types `kind` accepts: what 汇缴/补缴 brought in, or (negated) what 提取
/// took out — withdrawals paid and loans repaid from the HPF balance, as
/// the year's 提取额 counts them.
fn member_flow(rows: &[GlDayRow], kind: impl Fn(&str) -> bool) -> i64 {
    rows.iter()
        .filter(|r| r.gl_code == "201" && kind(&r.business_type))
        .map(|r| r.credit_fen.get() - r.debit_fen.get())
        .sum()
}

/// Principal recovered in the period (回收, project loans included): what
/// left 121 + 122 other than by disbursement (L01); a move between the two
/// nets to zero.
fn loans_repaid(days: &[GlDayRow]) -> AppResult<i64> {
    let mut repaid = Fen::ZERO;
    let loan_rows = days
        .iter()
        .filter(|r| (r.gl_code == "121" || r.gl_code == "122") && r.business_type != "L01");
    for row in loan_rows {
        repaid = repaid
            .checked_add(row.credit_fen)?
            .checked_sub(row.debit_fen)?;
    }
    Ok(repaid.get())
}

/// Finance staff (财务人员) or a manager.
fn finance_staff(actor: &Actor) -> AppResult<String> {
    staff_login(actor, duties::FINANCE)
}

fn staff_login(actor: &Actor, roles: &[Role]) -> AppResult<String> {
    match &actor.principal {
        Some(p) if roles.contains(&p.role) => Ok(p.login.clone()),
        _ => Err(DomainError::new(
            "FUND_ROLE",
            format!(
                "须由{}办理",
                roles
                    .iter()
                    .map(|r| r.name_zh())
                    .collect::<Vec<_>>()
                    .join("或")
            ),
        )
        .into()),
    }
}

/// The same day a year earlier (29 February becomes the 28th).
pub(crate) fn same_day_a_year_before(day: Date) -> AppResult<Date> {
    same_day_in(day, day.year() - 1)
}

/// The same day of the year in `year` (29 February becomes the 28th).
pub(crate) fn same_day_in(day: Date, year: i32) -> AppResult<Date> {
    let (_, month, dom) = day.ymd();
    Ok(Date::from_ymd(year, month, dom).or_else(|_| Date::from_ymd(year, month, dom - 1))?)
}

#[cfg(test)]
mod kpi_tests;
#[cfg(test)]
mod tests;
