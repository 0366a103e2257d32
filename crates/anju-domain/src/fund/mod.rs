//! Fund management (plan §3): the centre's statements from GL figures, the
//! distribution of value-added income and its entries, the indicators of
//! business-rules §5, the plan's KPIs as data, a cash-flow forecast, a
//! term-deposit ladder and liquidity warnings. Pure: callers fold the ledger
//! into figures and pass them in. No floats: money is fen, ratios are exact.

pub mod codes;
pub mod distribution;
pub mod forecast;
pub mod indicators;
pub mod kpi;
pub mod ladder;
pub mod liquidity;
pub mod ratio;
pub mod statements;
pub mod totals;

pub use codes::{DepositKind, DepositStatus, DistributionStatus, ServiceKind};
pub use distribution::{
    DistributionInput, DistributionPlan, DistributionRule, closing_lines, distribution_lines,
    plan_distribution,
};
pub use forecast::{Forecast, ForecastMonth, KnownFlow, MonthFlow, forecast};
pub use indicators::YearFigures;
pub use kpi::{
    Comparison, FORMULAS, Inputs, KpiDef, KpiFigures, KpiResult, KpiSource, KpiStatus, KpiUnit,
    KpiValue, PlanCatalogue, evaluate, parse_catalogue, suzhou_14th,
};
pub use ladder::{Ladder, LadderRung, Term, suggest_ladder};
pub use liquidity::{Alert, AlertLevel, Snapshot, Thresholds, check, snapshot};
pub use ratio::Ratio;
pub use statements::{
    BalanceSheet, IncomeStatement, StatementLine, TrialBalance, TrialBalanceRow, balance_sheet,
    income_statement, trial_balance,
};
pub use totals::{apply_totals, parse_year_totals};

use crate::calendar::Period;
use crate::error::DomainResult;

/// `start` moved `months` months on (`Period` has only one-step `next`).
pub(crate) fn add_months(start: Period, months: u32) -> DomainResult<Period> {
    (0..months).try_fold(start, |p, _| p.next())
}

#[cfg(test)]
mod tests;
