//! 结息明细: a member's interest year worked out line by line — value date,
//! amount, the days counted, the product, the rate and what it is divided by —
//! so the member can redo the sum by hand (or with `anju interest calc`).

use super::{Layout, internal, render};
use crate::auth::Session;
use crate::state::WebState;
use anju_app::clock::today_in_china;
use anju_domain::interest::yuan_days;
use anju_domain::ledger::MemberId;
use anju_domain::{Fen, InterestYear};
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

pub struct LineRow {
    pub label: String,
    pub amount: Fen,
    pub span: String,
    pub days: i64,
    pub product: String,
    pub rate: String,
    pub per_days: i64,
}

#[derive(Template)]
#[template(path = "member_interest.html")]
struct StatementPage {
    layout: Layout,
    year_end: i32,
    span: String,
    method: &'static str,
    opening: Fen,
    lines: Vec<LineRow>,
    product: String,
    interest: Fen,
    /// The flexible-worker subsidy, when the member earns one.
    subsidy: Option<Fen>,
    /// Interest and subsidy credited for the year, once it is settled.
    credited: Option<(Fen, Fen)>,
    /// What the history says is still owed (a backdated posting not yet adjusted).
    owed: Option<Fen>,
    years: Vec<i32>,
    from: String,
    to: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    year: Option<i32>,
}

pub async fn member_interest(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let app = &state.app;
    let current = today_in_china().interest_year().end_year();
    // The last settled year by default; the current one (so far) on request.
    let year_end = query
        .year
        .filter(|y| (current - 10..=current).contains(y))
        .unwrap_or(current - 1);
    let Some(member) = session.principal.member_id else {
        return internal(app, Some(&session));
    };
    let year = InterestYear::ending(year_end);
    let Ok(account) = app.interest_statement(MemberId(member), year).await else {
        return internal(app, Some(&session));
    };
    let Ok(owed) = account.owed() else {
        return internal(app, Some(&session));
    };
    let settled = !account.credited.is_zero();
    let worked = &account.worked;
    let method = match worked.method {
        anju_domain::policy::InterestMethod::A => "A（逐日余额积数）",
        anju_domain::policy::InterestMethod::B => "B（上年结转余额×年利率 + 本年发生额积数）",
        anju_domain::policy::InterestMethod::C => "C（同 B，按 30/360 计天数）",
    };
    let page = StatementPage {
        layout: Layout::new(app, Some(&session)),
        year_end,
        span: format!(
            "{} 至 {}",
            year.first_day().map(|d| d.to_string()).unwrap_or_default(),
            year.last_day().map(|d| d.to_string()).unwrap_or_default()
        ),
        method,
        opening: worked.opening,
        lines: worked
            .lines
            .iter()
            .map(|l| LineRow {
                label: l
                    .value_date
                    .map_or_else(|| "上年结转".to_string(), |d| d.to_string()),
                amount: l.amount,
                span: format!("{} 至 {}", l.from, l.to),
                days: l.days,
                product: yuan_days(l.product_fen_days),
                rate: l.rate.to_string(),
                per_days: l.per_days,
            })
            .collect(),
        product: yuan_days(worked.product_fen_days),
        interest: worked.interest,
        subsidy: (account.due.subsidy != Fen::ZERO).then_some(account.due.subsidy),
        credited: settled.then_some((account.credited.interest, account.credited.subsidy)),
        owed: (settled && !owed.is_zero())
            .then(|| owed.interest.checked_add(owed.subsidy).unwrap_or(Fen::ZERO)),
        years: (current - 3..=current).rev().collect(),
        from: year.first_day().map(|d| d.to_string()).unwrap_or_default(),
        to: year.last_day().map(|d| d.to_string()).unwrap_or_default(),
    };
    render(app, Some(&session), page.render())
}
