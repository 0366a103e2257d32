//! 结息明细: a member's interest year worked out line by line — value date,
//! amount, the days counted, the product, the rate and what it is divided by —
//! so the member can redo the sum by hand (or with `anju interest calc`) —
//! and 账户明细 for any date range as CSV or PDF.

use super::{Layout, failure, no_member_account, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pdf::{Column, TableDoc};
use crate::state::WebState;
use anju_app::export::Format;
use anju_app::interest::StatementRange;
use anju_domain::interest::{yuan_days, yuan_days_text};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError, Fen, InterestYear};
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
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
    let current = state.today().interest_year().end_year();
    // The last settled year by default; the current one (so far) on request.
    let year_end = query
        .year
        .filter(|y| (current - 10..=current).contains(y))
        .unwrap_or(current - 1);
    let Some(member) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let year = InterestYear::ending(year_end);
    let read = app
        .interest()
        .interest_statement(MemberId(member), year)
        .await
        .and_then(|account| Ok((account.owed()?, account)));
    let (owed, account) = match read {
        Ok(read) => read,
        Err(e) => return failure(app, Some(&session), e),
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
                product: yuan_days_text(l.product_fen_days),
                rate: l.rate.to_string(),
                per_days: l.per_days,
            })
            .collect(),
        product: yuan_days_text(worked.product_fen_days),
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

#[derive(Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The member's range statement, or the page to show instead.
async fn range_of(
    state: &WebState,
    session: &Session,
    query: &RangeQuery,
) -> Result<StatementRange, Response> {
    let app = &state.app;
    let Some(member) = session.principal.member_id else {
        return Err(no_member_account(app, Some(session)));
    };
    let (Ok(from), Ok(to)) = (Date::parse(&query.from), Date::parse(&query.to)) else {
        let message = "请填写明细的起始日和截止日（格式如 2025-07-01）。";
        return Err(failure(
            app,
            Some(session),
            DomainError::new("DATE_FORMAT", message),
        ));
    };
    match app
        .interest()
        .member_statement(MemberId(member), from, to)
        .await
    {
        Ok(range) => Ok(range),
        Err(e) => Err(failure(app, Some(session), e)),
    }
}

fn download(content_type: &'static str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn product_yuan_days(product: Option<i128>) -> String {
    product.map(yuan_days).unwrap_or_default()
}

/// 账户明细 as CSV: the statement export (`crate::exports`) in CSV,
/// audited like every export.
pub async fn member_statement_csv(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Query(query): Query<RangeQuery>,
) -> Response {
    let range = (query.from.as_str(), query.to.as_str());
    let result = crate::exports::statement(&state, &context, &session, range, Format::Csv).await;
    crate::exports::page_answer(&state, &session, result)
}

const PDF_COLUMNS: &[Column] = &[
    Column {
        head: "起息日",
        x: 40.0,
        width: 58.0,
        right: false,
    },
    Column {
        head: "业务",
        x: 102.0,
        width: 50.0,
        right: false,
    },
    Column {
        head: "摘要",
        x: 156.0,
        width: 100.0,
        right: false,
    },
    Column {
        head: "发生额",
        x: 258.0,
        width: 70.0,
        right: true,
    },
    Column {
        head: "余额",
        x: 332.0,
        width: 76.0,
        right: true,
    },
    Column {
        head: "天数",
        x: 410.0,
        width: 30.0,
        right: true,
    },
    Column {
        head: "积数（元·天）",
        x: 444.0,
        width: 111.0,
        right: true,
    },
];

/// 账户明细 as a PDF a member can print or hand to a bank.
pub async fn member_statement_pdf(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<RangeQuery>,
) -> Response {
    let range = match range_of(&state, &session, &query).await {
        Ok(range) => range,
        Err(page) => return page,
    };
    let centre = state.app.policy().centre_name.clone();
    let rows = range
        .lines
        .iter()
        .map(|l| {
            vec![
                l.value_date.to_string(),
                l.business_name.to_string(),
                l.memo.clone(),
                l.amount.to_yuan_string(),
                l.balance.to_yuan_string(),
                l.days.map(|d| d.to_string()).unwrap_or_default(),
                product_yuan_days(l.product_fen_days),
            ]
        })
        .collect();
    let doc = TableDoc {
        title: "住房公积金个人账户明细",
        lines: vec![
            format!(
                "户名：{}    个人账号：{}",
                session.principal.display_name, range.member.0
            ),
            format!("期间：{} 至 {}", range.from, range.to),
            format!(
                "期初余额：{} 元    期末余额：{} 元    笔数：{}",
                range.opening.to_yuan_string(),
                range.closing.to_yuan_string(),
                range.lines.len()
            ),
            "计息天数计至发生额所在结息年度的 6 月 30 日（含）；积数 = 发生额 × 天数。".to_string(),
        ],
        columns: PDF_COLUMNS,
        rows,
        footer: centre,
    };
    let name = format!("statement-{}-{}.pdf", range.from, range.to);
    download("application/pdf", name, crate::pdf::render(&doc))
}
