//! The demo's fund management: employers spread over branches, the fund's
//! money registered at two banks, Suzhou's published 2024/2025 totals and a
//! few external KPI inputs entered by finance, last year's distribution
//! prepared (awaiting a manager), and a liquidity check. Idempotent: what
//! is there already is left alone.

use crate::access::Actor;
use crate::fund::DepositRequest;
use crate::{App, AppResult};
use anju_domain::access::Role;
use anju_domain::fund::DepositKind;
use anju_domain::ledger::{IdempotencyKey, Line, NewEntry};
use anju_domain::{Date, Fen, RatePpm};

const PUBLISHED: &str = include_str!("../../../fixtures/suzhou-published.toml");

/// External inputs of the business year (演示数据), as (key, value).
const DEMO_INPUTS: &[(&str, &str)] = &[
    // Persons, like the contributing members it divides (≈ 73.5% covered).
    ("urban_employed", "6410000"),
    ("security_grade", "良好"),
];

/// Service-quality counts typed for the plan's last year only: the demo
/// centre's complaint, hotline and staff records start after it, so the
/// year under way is counted from the records instead.
const TYPED_BEFORE_RECORDS: &[(&str, &str)] = &[
    ("hotline_satisfied", "9930"),
    ("hotline_ratings", "10000"),
    ("complaints_received", "40"),
    ("complaints_mediated", "38"),
    ("complaints_verified", "0"),
    ("legal_reviewers", "6"),
    ("enforcement_staff", "100"),
];

fn finance() -> Actor {
    Actor::seeded(Role::Finance, "finance01", None, "demo-fund")
}

pub async fn seed_demo_fund(app: &App, today: Date) -> AppResult<()> {
    spread_branches(app).await?;
    book_bank_interest(app, today).await?;
    register_deposits(app, today).await?;
    enter_inputs(app, today).await?;
    // Last year's distribution, prepared by finance for a manager to approve
    // (a demo whose last year had no income has nothing to distribute).
    let last_year = today.year() - 1;
    if app.fund_port().distribution(last_year).await?.is_none() {
        let _ = app
            .fund()
            .prepare_distribution(&finance(), last_year, today)
            .await;
    }
    app.fund().check_liquidity(&finance(), today).await?;
    Ok(())
}

/// The banks credit the fund's 协定存款 interest on the 21st of each
/// quarter's last month: GL 101 that day × 1.50% ÷ 4, half-up, as Dr 101 /
/// Cr 40101 (F02), for last year and this year so far. Without it the
/// demo's year would spend more on member interest than it earns.
async fn book_bank_interest(app: &App, today: Date) -> AppResult<()> {
    for year in [today.year() - 1, today.year()] {
        for month in [3, 6, 9, 12] {
            let day = Date::from_ymd(year, month, 21)?;
            if day > today {
                return Ok(());
            }
            let position = app.fund().position_at(day).await?;
            let balance = position.get("101").map_or(0, |net| net.get());
            let interest = (i128::from(balance) * 15_000 + 2_000_000) / 4_000_000;
            let interest = Fen::new(i64::try_from(interest).unwrap_or(0));
            if interest <= Fen::ZERO {
                continue;
            }
            let entry = NewEntry::new(
                "F02",
                day,
                IdempotencyKey::parse(&format!("demo-bank-interest-{day}"))?,
                &format!("{day} 协定存款利息"),
                vec![
                    Line::debit("101", interest),
                    Line::credit("40101", interest),
                ],
            )?;
            app.ledger().post_entry(entry).await?;
        }
    }
    Ok(())
}

/// The demo employers in turn over the first branches.
async fn spread_branches(app: &App) -> AppResult<()> {
    let employers = app.collection_port().employers(100).await?;
    let rows: Vec<(i64, String)> = employers
        .iter()
        .enumerate()
        .map(|(i, e)| (e.employer_id, format!("{:02}", i % 5 + 1)))
        .collect();
    Ok(app.fund_port().set_employer_branches(&rows).await?)
}

/// GL 101 registered as 70% current at one bank and 30% a one-year time
/// deposit at another.
async fn register_deposits(app: &App, today: Date) -> AppResult<()> {
    if !app.fund_port().fund_deposits().await?.is_empty() {
        return Ok(());
    }
    let gl_101 = app.fund().cash_plan(today).await?.gl_101_fen;
    if gl_101 <= 0 {
        return Ok(());
    }
    let time_fen = gl_101 * 3 / 10;
    let placed = today.add_days(-180)?;
    let deposits = [
        (
            "中国工商银行苏州分行",
            DepositKind::Current,
            gl_101 - time_fen,
            "0.20",
            None,
        ),
        (
            "中国建设银行苏州分行",
            DepositKind::Time,
            time_fen,
            "1.50",
            Some(placed.add_days(365)?),
        ),
    ];
    for (bank, kind, amount, rate, matures_on) in deposits {
        let request = DepositRequest {
            bank: bank.to_string(),
            kind,
            amount: Fen::new(amount),
            rate: RatePpm::parse_percent(rate)?,
            placed_on: if kind == DepositKind::Time {
                placed
            } else {
                today
            },
            matures_on,
            note: "演示数据".to_string(),
        };
        app.fund().place_fund_deposit(&finance(), &request).await?;
    }
    Ok(())
}

async fn enter_inputs(app: &App, today: Date) -> AppResult<()> {
    if !app.fund_port().fund_inputs(None).await?.is_empty() {
        return Ok(());
    }
    app.fund()
        .load_year_totals(&finance(), PUBLISHED, today)
        .await?;
    // For the plan's last year the cockpit shows (and this year's report).
    let plan_year = app.fund().plan_catalogue().last_year.min(today.year());
    let mut years = vec![plan_year];
    if plan_year != today.year() {
        years.push(today.year());
    }
    for year in years {
        let typed = if year == today.year() {
            &[][..]
        } else {
            TYPED_BEFORE_RECORDS
        };
        for (key, value) in DEMO_INPUTS.iter().chain(typed) {
            app.fund()
                .enter_fund_input(&finance(), year, key, value, "演示数据", today)
                .await?;
        }
    }
    Ok(())
}
