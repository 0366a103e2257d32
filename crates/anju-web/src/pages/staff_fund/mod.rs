//! 资金管理 for finance, risk and managers (auditors read): the statements
//! for any period (试算平衡表, 资产负债表, 增值收益表 and the year's
//! distribution); 增值收益分配 prepared by finance and approved by a
//! manager who did not prepare it; the fund's bank deposits against GL 101
//! with the 12-month cash-flow forecast and the term-deposit ladder; the
//! liquidity cockpit with its alerts; the plan's KPI cockpit with charts and
//! dated inputs; and the yearly report as a page and as PDF.

mod deposits;
mod distribution;
mod kpi;
mod liquidity;
mod report;
mod statements;

pub use deposits::{fund_deposit_mature, fund_deposit_place, fund_deposits};
pub use distribution::{fund_distribution, fund_distribution_approve, fund_distribution_prepare};
pub use kpi::{kpi_cockpit, kpi_input};
pub use liquidity::{fund_alert_acknowledge, fund_liquidity, fund_liquidity_check};
pub use report::{annual_report, annual_report_pdf};
pub use statements::fund_statements;

use super::failure;
use crate::auth::Session;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::clock::date_of_micros;
use anju_app::{AppError, AppResult};
use anju_domain::access::{Role, duties};
use anju_domain::fund::Ratio;
use anju_domain::{Date, DomainError, Period};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// The sub-navigation shared by the pages.
const TABS: [(&str, &str); 6] = [
    ("/staff/fund", "财务报表"),
    ("/staff/fund/distribution", "增值收益分配"),
    ("/staff/fund/deposits", "资金存储"),
    ("/staff/fund/liquidity", "流动性监测"),
    ("/staff/kpi", "规划指标"),
    ("/staff/report/annual", "年度报告"),
];

pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

fn tabs(current: &str) -> Vec<Tab> {
    TABS.iter()
        .map(|(href, label)| Tab {
            href,
            label,
            current: *href == current,
        })
        .collect()
}

/// A refusal as the pages show it.
pub struct Refusal {
    pub message: String,
    pub code: String,
    /// The status of the page that shows it.
    pub status: StatusCode,
}

impl Refusal {
    fn of(e: &DomainError) -> Refusal {
        Refusal {
            message: e.message().to_string(),
            code: e.code().to_string(),
            status: status_of(e.kind()),
        }
    }
}

/// The error page for a failure reading what a page shows.
fn failed(state: &WebState, session: &Session, e: AppError) -> Response {
    failure(&state.app, Some(session), e)
}

/// What a state change said: a notice, or a refusal shown on the page.
enum Outcome {
    Quiet,
    Done(String),
    Refused(Refusal),
}

impl Outcome {
    fn of<T>(result: AppResult<T>, notice: impl FnOnce(T) -> String) -> Result<Outcome, AppError> {
        match result {
            Ok(value) => Ok(Outcome::Done(notice(value))),
            Err(AppError::Rejected(e)) => Ok(Outcome::Refused(Refusal::of(&e))),
            Err(e) => Err(e),
        }
    }

    fn notice(&self) -> Option<String> {
        match self {
            Outcome::Done(n) => Some(n.clone()),
            _ => None,
        }
    }

    fn split(self) -> (Option<String>, Option<Refusal>, StatusCode) {
        match self {
            Outcome::Quiet => (None, None, StatusCode::OK),
            Outcome::Done(n) => (Some(n), None, StatusCode::OK),
            Outcome::Refused(r) => {
                let status = r.status;
                (None, Some(r), status)
            }
        }
    }
}

/// `2026-11-29 12:05`, China time, from microseconds.
fn instant(us: i64) -> String {
    let seconds = us.div_euclid(1_000_000) + 8 * 3600;
    let in_day = seconds.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        date_of_micros(us),
        in_day / 3600,
        in_day % 3600 / 60
    )
}

/// A year typed in a form or query; `default` when empty.
fn year_of(text: &str, default: i32) -> Result<i32, DomainError> {
    match text.trim() {
        "" => Ok(default),
        t => t
            .parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .ok_or_else(|| DomainError::new("YEAR_INVALID", format!("年份“{t}”无效"))),
    }
}

fn date_or(text: &str, default: Date) -> Result<Date, DomainError> {
    match text.trim() {
        "" => Ok(default),
        t => Date::parse(t),
    }
}

fn percent(r: Option<Ratio>) -> String {
    r.map_or_else(|| "无数据".to_string(), |r| r.percent_text(2))
}

fn period_text(p: Period) -> String {
    format!("{}年{:02}月", p.year(), p.month())
}

fn is_finance(role: Role) -> bool {
    duties::FINANCE.contains(&role)
}

fn watches_liquidity(role: Role) -> bool {
    duties::FUND_WATCH.contains(&role)
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

#[cfg(test)]
mod tests {
    use super::{instant, year_of};

    #[test]
    fn years_and_instants_read_as_typed() {
        assert_eq!(year_of("", 2025).ok(), Some(2025));
        assert_eq!(year_of(" 2024 ", 2025).ok(), Some(2024));
        assert!(year_of("二〇二四", 2025).is_err());
        assert!(year_of("1800", 2025).is_err());
        // 2026-11-29 06:05 UTC is 14:05 in China.
        assert_eq!(instant(1_795_932_300_000_000), "2026-11-29 14:05");
    }
}
