//! 资金管理 for finance, risk and managers (auditors read): the statements
//! for any period (试算平衡表, 资产负债表, 增值收益表 and the year's
//! distribution); 增值收益分配 prepared by finance and approved by a
//! manager who did not prepare it; the fund's bank deposits against GL 101
//! with the 12-month cash-flow forecast and the term-deposit ladder; the
//! liquidity cockpit with its alerts; the plan's KPI cockpit with charts and
//! dated inputs; and the yearly report as a page and as PDF.

use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::report_render::{self, HtmlBlock, ReportView};
use crate::state::WebState;
use anju_app::clock::date_of_micros;
use anju_app::fund::{
    CashPlan, DepositRequest, DistributionRecord, FundAlertRecord, FundDepositRecord, KpiCockpit,
    LiquidityView, Statements,
};
use anju_app::{AppError, AppResult};
use anju_domain::access::{Role, duties};
use anju_domain::fund::DepositKind;
use anju_domain::fund::DepositStatus;
use anju_domain::fund::DistributionStatus;
use anju_domain::fund::{
    AlertLevel, DistributionPlan, KpiDef, KpiSource, KpiStatus, KpiUnit, KpiValue, Ratio,
};
use anju_domain::{Date, DomainError, Fen, Period, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
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

fn with_status(mut response: Response, status: StatusCode) -> Response {
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
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

// ---- 财务报表 ----

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A distribution record as the pages show it.
pub struct DistView {
    pub approved: bool,
    pub status: &'static str,
    pub value_added: Fen,
    pub reserve: Fen,
    pub management: Fen,
    pub public_rental: Fen,
    pub reason: String,
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: String,
    pub approved_at: String,
    pub entries: String,
}

fn dist_view(d: &DistributionRecord) -> DistView {
    let approved = d.status == DistributionStatus::Approved;
    DistView {
        approved,
        status: if approved {
            "已审批入账"
        } else {
            "已编制，待审批"
        },
        value_added: Fen::new(d.value_added_fen),
        reserve: Fen::new(d.reserve_fen),
        management: Fen::new(d.management_fen),
        public_rental: Fen::new(d.public_rental_fen),
        reason: d.reserve_reason.clone(),
        prepared_by: d.prepared_by.clone(),
        prepared_at: instant(d.prepared_at_us),
        approved_by: d.approved_by.clone().unwrap_or_default(),
        approved_at: d.approved_at_us.map(instant).unwrap_or_default(),
        entries: [d.closing_entry_id, d.entry_id]
            .iter()
            .flatten()
            .map(|id| format!("凭证 {id}"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

#[derive(Template)]
#[template(path = "staff_fund.html")]
struct StatementsPage {
    layout: Layout,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    error: Option<Refusal>,
    s: Option<Statements>,
    distribution: Option<DistView>,
}

/// 财务报表 for a period (default: this year to today).
pub async fn fund_statements(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let year_start = Date::from_ymd(today.year(), 1, 1).unwrap_or(today);
    let period =
        date_or(&query.from, year_start).and_then(|from| Ok((from, date_or(&query.to, today)?)));
    let (from_text, to_text) = match &period {
        Ok((from, to)) => (from.to_string(), to.to_string()),
        Err(_) => (query.from.clone(), query.to.clone()),
    };
    let result = match period {
        Ok((from, to)) => app.statements(from, to).await,
        Err(e) => Err(e.into()),
    };
    let (s, error) = match result {
        Ok(s) => (Some(s), None),
        Err(AppError::Rejected(e)) => (None, Some(Refusal::of(&e))),
        Err(e) => return failed(&state, &session, e),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = StatementsPage {
        layout: Layout::new(app, Some(&session)),
        tabs: tabs("/staff/fund"),
        from: from_text,
        to: to_text,
        error,
        distribution: s
            .as_ref()
            .and_then(|s| s.distribution.as_ref())
            .map(dist_view),
        s,
    };
    with_status(render(app, Some(&session), page.render()), status)
}

// ---- 增值收益分配 ----

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

pub struct PlanView {
    pub value_added: Fen,
    pub reserve: Fen,
    pub reason: String,
    pub management: Fen,
    pub public_rental: Fen,
    pub reserve_after: Fen,
    pub adequacy_after: String,
}

fn plan_view(p: &DistributionPlan) -> PlanView {
    PlanView {
        value_added: p.value_added_fen,
        reserve: p.reserve_fen,
        reason: p.reserve_reason.clone(),
        management: p.management_fen,
        public_rental: p.public_rental_fen,
        reserve_after: p.reserve_after_fen,
        adequacy_after: percent(p.adequacy_after),
    }
}

#[derive(Template)]
#[template(path = "staff_fund_distribution.html")]
struct DistributionPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    notice: Option<String>,
    error: Option<Refusal>,
    plan: Option<PlanView>,
    plan_refusal: Option<Refusal>,
    record: Option<DistView>,
    year_ended: bool,
    can_prepare: bool,
    can_approve: bool,
    own: bool,
}

async fn distribution_page(
    state: &WebState,
    session: &Session,
    year: i32,
    outcome: Outcome,
) -> Response {
    let app = &state.app;
    let (plan, plan_refusal) = match app.distribution_plan(year).await {
        Ok(p) => (Some(plan_view(&p)), None),
        Err(AppError::Rejected(e)) => (None, Some(Refusal::of(&e))),
        Err(e) => return failed(state, session, e),
    };
    let record = match app.distribution(year).await {
        Ok(r) => r,
        Err(e) => return failed(state, session, e),
    };
    let me = &session.principal;
    let year_ended = Date::from_ymd(year, 12, 31).is_ok_and(|end| state.today() > end);
    let prepared = record
        .as_ref()
        .is_some_and(|r| r.status == DistributionStatus::Prepared);
    let can_prepare =
        is_finance(me.role) && year_ended && plan.is_some() && (record.is_none() || prepared);
    let (notice, error, status) = outcome.split();
    let page = DistributionPage {
        layout: Layout::new(app, Some(session)),
        tabs: tabs("/staff/fund/distribution"),
        year,
        notice,
        error,
        plan,
        plan_refusal,
        can_prepare,
        can_approve: me.role == Role::Manager && prepared,
        own: record.as_ref().is_some_and(|r| r.prepared_by == me.login),
        record: record.as_ref().map(dist_view),
        year_ended,
    };
    with_status(render(app, Some(session), page.render()), status)
}

/// 增值收益分配 of a year (default: last year).
pub async fn fund_distribution(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    match year_of(&query.year, state.today().year() - 1) {
        Ok(year) => distribution_page(&state, &session, year, Outcome::Quiet).await,
        Err(e) => failed(&state, &session, e.into()),
    }
}

#[derive(Deserialize)]
pub struct YearForm {
    #[serde(default)]
    year: String,
}

/// 编制分配方案 (finance or a manager; again while not approved).
pub async fn fund_distribution_prepare(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<YearForm>,
) -> Response {
    let today = state.today();
    let year = match year_of(&form.year, today.year() - 1) {
        Ok(y) => y,
        Err(e) => return failed(&state, &session, e.into()),
    };
    let result = state
        .app
        .prepare_distribution(&session.actor(&context), year, today)
        .await;
    match Outcome::of(result, |r| {
        format!("{} 年增值收益分配方案已编制，待另一位管理员审批。", r.year)
    }) {
        Ok(outcome) => distribution_page(&state, &session, year, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}

/// 审批分配方案 (a manager who did not prepare it): posts the entries.
pub async fn fund_distribution_approve(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<YearForm>,
) -> Response {
    let year = match year_of(&form.year, state.today().year() - 1) {
        Ok(y) => y,
        Err(e) => return failed(&state, &session, e.into()),
    };
    let result = state
        .app
        .approve_distribution(&session.actor(&context), year)
        .await;
    match Outcome::of(result, |r| {
        format!(
            "{} 年增值收益分配已审批，并已记账（凭证 {}）。",
            r.year,
            r.entry_id.unwrap_or_default()
        )
    }) {
        Ok(outcome) => distribution_page(&state, &session, year, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}

// ---- 资金存储与现金流预测 ----

pub struct DepositRow {
    pub id: i64,
    pub bank: String,
    pub kind: &'static str,
    pub amount: Fen,
    pub rate: String,
    pub placed_on: String,
    pub matures_on: String,
    pub status: &'static str,
    pub held: bool,
    pub interest: String,
    pub note: String,
    pub can_mature: bool,
    pub due: bool,
}

fn deposit_row(d: &FundDepositRecord, today: Date, finance: bool) -> DepositRow {
    let time = d.kind == DepositKind::Time;
    let held = d.status == DepositStatus::Held;
    DepositRow {
        id: d.deposit_id,
        bank: d.bank.clone(),
        kind: if time { "定期" } else { "活期" },
        amount: Fen::new(d.amount_fen),
        rate: RatePpm::new(d.rate_ppm).map_or_else(|_| "-".to_string(), |r| r.to_string()),
        placed_on: d.placed_on.to_string(),
        matures_on: d
            .matures_on
            .map_or_else(|| "—".to_string(), |m| m.to_string()),
        status: match (held, time) {
            (true, _) => "存续",
            (false, true) => "已到期结息",
            (false, false) => "已支取",
        },
        held,
        interest: d
            .interest_fen
            .map_or_else(|| "—".to_string(), |i| Fen::new(i).to_string()),
        note: d.note.clone(),
        can_mature: finance && time && held,
        due: d.matures_on.is_some_and(|m| m <= today),
    }
}

pub struct ForecastRow {
    pub month: String,
    pub collection: Fen,
    pub withdrawals: Fen,
    pub known_in: Fen,
    pub known_out: Fen,
    pub net: Fen,
    pub balance: Fen,
    /// Bar width in percent of the largest balance.
    pub bar: i64,
    pub low: bool,
}

pub struct RungRow {
    pub months: u32,
    pub amount: Fen,
    pub matures: String,
    pub rate: String,
    pub interest: Fen,
}

pub struct PlanTables {
    pub forecast: Vec<ForecastRow>,
    pub lowest: Fen,
    pub need: Fen,
    pub buffer: Fen,
    pub keep_current: Fen,
    pub rungs: Vec<RungRow>,
    pub ladder_interest: Fen,
}

fn plan_tables(plan: &CashPlan) -> PlanTables {
    let months = &plan.forecast.months;
    let largest = months
        .iter()
        .map(|m| m.balance_fen.unsigned_abs())
        .max()
        .unwrap_or(0)
        .max(1);
    let bar = |fen: i64| {
        let share = u128::from(fen.unsigned_abs()) * 100 / u128::from(largest);
        i64::try_from(share).unwrap_or(100).clamp(0, 100)
    };
    PlanTables {
        forecast: months
            .iter()
            .map(|m| ForecastRow {
                month: period_text(m.period),
                collection: Fen::new(m.collection_fen),
                withdrawals: Fen::new(m.withdrawals_fen),
                known_in: Fen::new(m.known_in_fen),
                known_out: Fen::new(m.known_out_fen),
                net: Fen::new(m.net_fen),
                balance: Fen::new(m.balance_fen),
                bar: bar(m.balance_fen),
                low: m.balance_fen < plan.buffer_fen,
            })
            .collect(),
        lowest: Fen::new(plan.forecast.lowest_balance_fen),
        need: Fen::new(plan.forecast.liquidity_need_fen),
        buffer: Fen::new(plan.buffer_fen),
        keep_current: Fen::new(plan.ladder.keep_current_fen),
        rungs: plan
            .ladder
            .rungs
            .iter()
            .map(|r| RungRow {
                months: r.months,
                amount: Fen::new(r.amount_fen),
                matures: period_text(r.matures),
                rate: RatePpm::new(r.rate_ppm).map_or_else(|_| "-".to_string(), |r| r.to_string()),
                interest: Fen::new(r.interest_fen),
            })
            .collect(),
        ladder_interest: Fen::new(plan.ladder.interest_fen),
    }
}

pub struct Reconciliation {
    pub current: Fen,
    pub time: Fen,
    pub gl_101: Fen,
    pub unregistered: Fen,
    pub agrees: bool,
}

#[derive(Template)]
#[template(path = "staff_fund_deposits.html")]
struct DepositsPage {
    layout: Layout,
    tabs: Vec<Tab>,
    today: String,
    notice: Option<String>,
    error: Option<Refusal>,
    deposits: Vec<DepositRow>,
    reconciliation: Option<Reconciliation>,
    plan: Option<PlanTables>,
    plan_refusal: Option<Refusal>,
    can_place: bool,
    form: DepositForm,
}

async fn deposits_page(
    state: &WebState,
    session: &Session,
    outcome: Outcome,
    form: DepositForm,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let finance = is_finance(session.principal.role);
    let (records, reconciliation, plan, plan_refusal) = match app.cash_plan(today).await {
        Ok(plan) => (
            plan.deposits.clone(),
            Some(Reconciliation {
                current: Fen::new(plan.held_current_fen),
                time: Fen::new(plan.held_time_fen),
                gl_101: Fen::new(plan.gl_101_fen),
                unregistered: Fen::new(plan.unregistered_fen),
                agrees: plan.unregistered_fen == 0,
            }),
            Some(plan_tables(&plan)),
            None,
        ),
        Err(e) => return failed(state, session, e),
    };
    let (notice, error, status) = outcome.split();
    let page = DepositsPage {
        layout: Layout::new(app, Some(session)),
        tabs: tabs("/staff/fund/deposits"),
        today: today.to_string(),
        notice,
        error,
        deposits: records
            .iter()
            .map(|d| deposit_row(d, today, finance))
            .collect(),
        reconciliation,
        plan,
        plan_refusal,
        can_place: finance,
        form,
    };
    with_status(render(app, Some(session), page.render()), status)
}

/// 资金存储与现金流预测.
pub async fn fund_deposits(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    deposits_page(
        &state,
        &session,
        Outcome::Quiet,
        DepositForm::fresh(state.today()),
    )
    .await
}

#[derive(Deserialize, Clone, Default)]
pub struct DepositForm {
    #[serde(default)]
    pub bank: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub placed_on: String,
    #[serde(default)]
    pub matures_on: String,
    #[serde(default)]
    pub note: String,
}

impl DepositForm {
    fn fresh(today: Date) -> DepositForm {
        DepositForm {
            kind: "time".to_string(),
            placed_on: today.to_string(),
            ..DepositForm::default()
        }
    }

    fn request(&self, today: Date) -> Result<DepositRequest, DomainError> {
        Ok(DepositRequest {
            bank: self.bank.trim().to_string(),
            kind: DepositKind::parse(self.kind.trim())
                .map_err(|_| DomainError::new("DEPOSIT_KIND", "存款类型须为活期或定期"))?,
            amount: Fen::parse(self.amount.trim())?,
            rate: RatePpm::parse_percent(self.rate.trim())?,
            placed_on: date_or(&self.placed_on, today)?,
            matures_on: match self.matures_on.trim() {
                "" => None,
                t => Some(Date::parse(t)?),
            },
            note: self.note.trim().to_string(),
        })
    }
}

/// 登记存款.
pub async fn fund_deposit_place(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<DepositForm>,
) -> Response {
    let result = match form.request(state.today()) {
        Ok(request) => {
            state
                .app
                .place_fund_deposit(&session.actor(&context), &request)
                .await
        }
        Err(e) => Err(e.into()),
    };
    match Outcome::of(result, |d| {
        format!(
            "已登记 {} {}存款 {}（编号 {}）。",
            d.bank,
            if d.kind == DepositKind::Time {
                "定期"
            } else {
                "活期"
            },
            Fen::new(d.amount_fen),
            d.deposit_id
        )
    }) {
        Ok(outcome) => {
            // A refused form comes back filled in; a placed one comes back empty.
            let again = if outcome.notice().is_some() {
                DepositForm::fresh(state.today())
            } else {
                form
            };
            deposits_page(&state, &session, outcome, again).await
        }
        Err(e) => failed(&state, &session, e),
    }
}

/// 定期存款到期: books the interest.
pub async fn fund_deposit_mature(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let result = state
        .app
        .mature_fund_deposit(&session.actor(&context), id, state.today())
        .await;
    match Outcome::of(result, |interest| {
        format!("存款 {id} 已到期，利息 {} 已入账。", Fen::new(interest))
    }) {
        Ok(outcome) => {
            deposits_page(&state, &session, outcome, DepositForm::fresh(state.today())).await
        }
        Err(e) => failed(&state, &session, e),
    }
}

// ---- 流动性监测 ----

pub struct IndicatorCard {
    pub key: &'static str,
    pub name: &'static str,
    pub value: String,
    pub band: String,
    /// ok, warning, critical or nodata (the CSS class).
    pub state: &'static str,
    pub state_name: &'static str,
    pub message: String,
}

pub struct AlertRow {
    pub id: i64,
    pub name: &'static str,
    pub level: String,
    pub critical: bool,
    pub message: String,
    pub raised_on: String,
    pub cleared_on: String,
    pub acknowledged: Option<String>,
    pub note: String,
}

fn indicator_name(key: &str) -> &'static str {
    match key {
        "utilisation" => "资金运用率",
        "loan_ratio" => "个贷率",
        "reserve_adequacy" => "风险准备金充足率",
        "overdue_rate" => "个人贷款逾期率",
        "bank_deposits" => "住房公积金银行存款",
        _ => "其他指标",
    }
}

fn cards(view: &LiquidityView) -> Vec<IndicatorCard> {
    let s = &view.snapshot;
    let t = &view.thresholds;
    let pct = |ppm: i64| Ratio::from_ppm(ppm).percent_text(2);
    let card = |key: &'static str, present: bool, value: String, band: String| {
        let firing = view.firing.iter().find(|a| a.indicator == key);
        let (state, state_name) = match firing.map(|a| a.level) {
            Some(AlertLevel::Critical) => ("critical", "严重"),
            Some(AlertLevel::Warning) => ("warning", "预警"),
            None if present => ("ok", "正常"),
            None => ("nodata", "无数据"),
        };
        IndicatorCard {
            key,
            name: indicator_name(key),
            value,
            band,
            state,
            state_name,
            message: firing.map(|a| a.message.clone()).unwrap_or_default(),
        }
    };
    vec![
        card(
            "utilisation",
            s.utilisation.is_some(),
            percent(s.utilisation),
            format!(
                "{} – {}",
                pct(t.utilisation_min_ppm),
                pct(t.utilisation_max_ppm)
            ),
        ),
        card(
            "loan_ratio",
            s.loan_ratio.is_some(),
            percent(s.loan_ratio),
            format!(
                "预警线 {}，紧张线 {}",
                pct(t.loan_ratio_warn_ppm),
                pct(t.loan_ratio_tight_ppm)
            ),
        ),
        card(
            "reserve_adequacy",
            s.reserve_adequacy.is_some(),
            percent(s.reserve_adequacy),
            format!("不低于 {}", pct(t.reserve_adequacy_min_ppm)),
        ),
        card(
            "overdue_rate",
            s.overdue_rate.is_some(),
            s.overdue_rate
                .map_or_else(|| "无数据".to_string(), |r| r.permille_text(3)),
            format!(
                "不高于 {}",
                Ratio::from_ppm(t.overdue_rate_max_ppm).permille_text(3)
            ),
        ),
        card(
            "bank_deposits",
            true,
            Fen::new(s.bank_deposits_fen).to_string(),
            format!("不低于 {}", Fen::new(t.min_bank_deposits_fen)),
        ),
    ]
}

fn alert_row(a: &FundAlertRecord) -> AlertRow {
    AlertRow {
        id: a.alert_id,
        name: indicator_name(&a.indicator),
        level: a.level.clone(),
        critical: a.level == AlertLevel::Critical.name(),
        message: a.message.clone(),
        raised_on: a.raised_on.to_string(),
        cleared_on: a
            .cleared_on
            .map_or_else(|| "未解除".to_string(), |d| d.to_string()),
        acknowledged: a.acknowledged_by.as_ref().map(|who| {
            format!(
                "{who}（{}）",
                a.acknowledged_at_us.map(instant).unwrap_or_default()
            )
        }),
        note: a.ack_note.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "staff_fund_liquidity.html")]
struct LiquidityPage {
    layout: Layout,
    tabs: Vec<Tab>,
    as_of: String,
    notice: Option<String>,
    error: Option<Refusal>,
    cards: Vec<IndicatorCard>,
    firing: Vec<(String, bool, String)>,
    alerts: Vec<AlertRow>,
    can_act: bool,
}

async fn liquidity_page(state: &WebState, session: &Session, outcome: Outcome) -> Response {
    let app = &state.app;
    let view = match app.liquidity(state.today()).await {
        Ok(v) => v,
        Err(e) => return failed(state, session, e),
    };
    let (notice, error, status) = outcome.split();
    let page = LiquidityPage {
        layout: Layout::new(app, Some(session)),
        tabs: tabs("/staff/fund/liquidity"),
        as_of: view.as_of.to_string(),
        notice,
        error,
        cards: cards(&view),
        firing: view
            .firing
            .iter()
            .map(|a| {
                (
                    a.level.name().to_string(),
                    a.level == AlertLevel::Critical,
                    a.message.clone(),
                )
            })
            .collect(),
        alerts: view.alerts.iter().map(alert_row).collect(),
        can_act: watches_liquidity(session.principal.role),
    };
    with_status(render(app, Some(session), page.render()), status)
}

/// 流动性监测: the indicators against their thresholds and the alerts.
pub async fn fund_liquidity(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    liquidity_page(&state, &session, Outcome::Quiet).await
}

/// 立即检查: records what fires now as alerts and clears the rest.
pub async fn fund_liquidity_check(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .check_liquidity(&session.actor(&context), state.today())
        .await;
    match Outcome::of(result, |raised| {
        if raised.is_empty() {
            "检查完成，没有新的预警。".to_string()
        } else {
            format!(
                "检查完成，新增预警 {} 条：{}。",
                raised.len(),
                raised.iter().map(|a| a.name).collect::<Vec<_>>().join("、")
            )
        }
    }) {
        Ok(outcome) => liquidity_page(&state, &session, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}

#[derive(Deserialize)]
pub struct AckForm {
    #[serde(default)]
    note: String,
}

/// 确认预警 with a note on what is being done.
pub async fn fund_alert_acknowledge(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<AckForm>,
) -> Response {
    let result = state
        .app
        .acknowledge_alert(&session.actor(&context), id, &form.note)
        .await;
    match Outcome::of(result, |()| format!("预警 {id} 已确认。")) {
        Ok(outcome) => liquidity_page(&state, &session, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}

// ---- 规划指标驾驶舱 ----

pub struct KpiRow {
    pub id: String,
    pub name: String,
    pub value: String,
    pub target: String,
    pub status: &'static str,
    /// ontrack, atrisk or nodata (the CSS class).
    pub class: &'static str,
    pub from_input: bool,
    pub note: String,
}

/// A computed KPI's year-to-date value at each month end.
pub struct MonthRow {
    pub id: String,
    pub name: String,
    pub values: Vec<String>,
}

pub struct Chart {
    pub id: String,
    pub title: String,
    pub json: String,
}

pub struct InputKey {
    pub key: String,
    pub label: String,
}

pub struct InputRow {
    pub year: i32,
    pub key: String,
    pub label: String,
    pub value: String,
    pub entered_on: String,
    pub entered_by: String,
    pub entered_at: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "staff_fund_kpi.html")]
struct KpiPage {
    layout: Layout,
    tabs: Vec<Tab>,
    plan_name: String,
    year: i32,
    years: Vec<i32>,
    notice: Option<String>,
    error: Option<Refusal>,
    rows: Vec<KpiRow>,
    month_heads: Vec<String>,
    month_rows: Vec<MonthRow>,
    on_track: usize,
    at_risk: usize,
    no_data: usize,
    charts: Vec<Chart>,
    keys: Vec<InputKey>,
    inputs: Vec<InputRow>,
    can_enter: bool,
    form: InputForm,
    input_years: Vec<i32>,
}

/// Chinese names of the catalogue's input keys.
fn input_label(key: &str) -> &'static str {
    match key {
        "legal_reviewers" => "法制审核人员数",
        "enforcement_staff" => "一线执法人员数",
        "complaints_mediated" => "投诉调处件数",
        "complaints_received" => "受理投诉件数",
        "complaints_verified" => "投诉查实件数",
        "hotline_satisfied" => "12329热线满意评价数",
        "hotline_ratings" => "12329热线评价总数",
        "security_grade" => "等保三级测评结论",
        _ => total_label(key),
    }
}

/// Chinese names of the yearly totals (the `YearFigures` keys a published
/// report is loaded as).
fn total_label(key: &str) -> &'static str {
    match key {
        "collection" => "缴存额（元）",
        "cumulative_collection" => "缴存总额（元）",
        "withdrawals" => "提取额（元）",
        "housing_withdrawals" => "住房消费类提取额（元）",
        "cumulative_withdrawals" => "提取总额（元）",
        "withdrawers" => "提取人数",
        "deposit_balance" => "缴存余额（元）",
        "avg_monthly_deposit_balance" => "月均缴存余额（元）",
        "fund_bank_deposits" => "住房公积金银行存款（元）",
        "loans_issued_count" => "发放个人住房贷款笔数",
        "loans_issued" => "发放个人住房贷款额（元）",
        "remote_loans_count" => "异地贷款笔数",
        "remote_loans" => "异地贷款额（元）",
        "project_loans_issued" => "项目贷款发放额（元）",
        "loans_repaid" => "回收个人住房贷款（元）",
        "loan_balance" => "个人住房贷款余额（元）",
        "project_loan_balance" => "项目贷款余额（元）",
        "bond_balance" => "国债余额（元）",
        "overdue_principal" => "逾期贷款额（元）",
        "risk_reserve" => "贷款风险准备金余额（元）",
        "business_income" => "业务收入（元）",
        "business_expense" => "业务支出（元）",
        "contributing_employers" => "实缴单位数",
        "contributing_members" => "实缴职工人数",
        "new_employers" => "新开户单位数",
        "new_members" => "新开户职工人数",
        "base_adjusted_employers" => "办理基数调整单位数",
        "overdue_employers" => "汇缴逾期单位数",
        "flexible_contributors" => "灵活就业缴存人数",
        "online_transactions" => "线上办理笔数",
        "all_transactions" => "全部业务笔数",
        _ => "",
    }
}

/// The keys offered in the input form: each KPI's inputs in catalogue
/// order, then the formulas' own inputs.
fn input_keys(catalogue: &anju_domain::fund::PlanCatalogue) -> Vec<InputKey> {
    let mut keys: Vec<InputKey> = Vec::new();
    let mut push = |key: &str, label: String| {
        if !keys.iter().any(|k| k.key == key) {
            keys.push(InputKey {
                key: key.to_string(),
                label,
            });
        }
    };
    for k in &catalogue.kpis {
        if let KpiSource::Input(inputs) = &k.source {
            for key in inputs {
                let name = match input_label(key) {
                    "" => key.as_str(),
                    name => name,
                };
                push(key, format!("{} {}：{name}", k.id, k.name));
            }
        }
    }
    for (key, label) in anju_app::fund::FORMULA_INPUTS {
        push(key, (*label).to_string());
    }
    keys
}

fn label_of(keys: &[InputKey], key: &str) -> String {
    match (keys.iter().find(|k| k.key == key), total_label(key)) {
        (Some(k), _) => k.label.clone(),
        (None, "") => key.to_string(),
        (None, label) => format!("年度汇总：{label}"),
    }
}

/// A KPI value as a number in its unit for the charts (presentation only).
fn chart_number(value: &KpiValue, unit: KpiUnit) -> Option<f64> {
    let ratio = |r: &Ratio, scale: f64| r.num as f64 / r.den as f64 * scale;
    match value {
        KpiValue::Ratio(r) if unit == KpiUnit::Permille => Some(ratio(r, 1_000.0)),
        KpiValue::Ratio(r) => Some(ratio(r, 100.0)),
        KpiValue::Count(n) => Some(*n as f64),
        KpiValue::Fen(f) => Some(*f as f64 / 1e10),
        KpiValue::Text(_) => None,
    }
    .map(|v| (v * 10_000.0).round() / 10_000.0)
}

fn unit_suffix(unit: KpiUnit) -> &'static str {
    match unit {
        KpiUnit::Percent => "%",
        KpiUnit::Permille => "‰",
        KpiUnit::Count => "人",
        KpiUnit::Yuan100m => "亿元",
        KpiUnit::Grade => "",
    }
}

/// One line chart: the values by year from the baseline, and the path.
fn chart(def: &KpiDef, cockpit: &KpiCockpit) -> Chart {
    let cat = &cockpit.catalogue;
    let years: Vec<i32> = (cat.baseline_year..=cat.last_year).collect();
    let number = |v: Option<&KpiValue>| v.and_then(|v| chart_number(v, def.unit));
    let result_of = |year: i32| {
        cockpit
            .years
            .iter()
            .find(|y| y.year == year)
            .and_then(|y| y.results.iter().find(|r| r.id == def.id))
    };
    let values: Vec<Option<f64>> = years
        .iter()
        .map(|y| {
            if *y == cat.baseline_year {
                number(def.baseline.as_ref())
            } else {
                number(result_of(*y).and_then(|r| r.value.as_ref()))
            }
        })
        .collect();
    let targets: Vec<Option<f64>> = years
        .iter()
        .map(|y| {
            if *y == cat.baseline_year {
                return number(def.baseline.as_ref());
            }
            if def.target_input.is_some() {
                return number(result_of(*y).and_then(|r| r.target_this_year.as_ref()));
            }
            match def.path.get(y) {
                Some(v) => number(Some(v)),
                None if *y == cat.last_year => number(Some(&def.target)),
                None => None,
            }
        })
        .collect();
    let title = format!("{} {}", def.id, def.name);
    let json = serde_json::json!({
        "kind": "line",
        "title": title,
        "years": years,
        "values": values,
        "targets": targets,
        "unit": unit_suffix(def.unit),
    });
    Chart {
        id: format!("chart-{}", def.id),
        title,
        json: json.to_string(),
    }
}

fn status_class(status: KpiStatus) -> &'static str {
    match status {
        KpiStatus::OnTrack => "ontrack",
        KpiStatus::AtRisk => "atrisk",
        KpiStatus::NoData => "nodata",
    }
}

async fn kpi_page(
    state: &WebState,
    session: &Session,
    year: Option<i32>,
    outcome: Outcome,
    form: InputForm,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let cockpit = match app.kpi_cockpit(i32::MAX, today).await {
        Ok(c) => c,
        Err(e) => return failed(state, session, e),
    };
    let cat = &cockpit.catalogue;
    let shown = cockpit
        .years
        .iter()
        .find(|y| Some(y.year) == year)
        .or_else(|| cockpit.years.last());
    let rows: Vec<KpiRow> = cat
        .kpis
        .iter()
        .map(|def| {
            let result = shown.and_then(|y| y.results.iter().find(|r| r.id == def.id));
            let status = result.map_or(KpiStatus::NoData, |r| r.status);
            KpiRow {
                id: def.id.clone(),
                name: def.name.clone(),
                value: result
                    .and_then(|r| r.value.as_ref())
                    .map_or_else(|| "无数据".to_string(), |v| v.text(def.unit)),
                target: result
                    .and_then(|r| r.target_this_year.as_ref())
                    .map_or_else(|| def.target.text(def.unit), |t| t.text(def.unit)),
                status: status.name(),
                class: status_class(status),
                from_input: result.is_some_and(|r| r.from_input),
                note: def.note.clone(),
            }
        })
        .collect();
    let count = |class: &str| rows.iter().filter(|r| r.class == class).count();
    let (on_track, at_risk, no_data) = (count("ontrack"), count("atrisk"), count("nodata"));
    let charts = cat
        .kpis
        .iter()
        .filter(|k| k.unit != KpiUnit::Grade)
        .map(|k| chart(k, &cockpit))
        .collect();
    let keys = input_keys(cat);
    let inputs = cockpit
        .inputs
        .iter()
        .rev()
        .map(|i| InputRow {
            year: i.year,
            label: label_of(&keys, &i.key),
            key: i.key.clone(),
            value: i.value_text.clone(),
            entered_on: i.entered_on.to_string(),
            entered_by: i.entered_by.clone(),
            entered_at: instant(i.entered_at_us),
            note: i.note.clone(),
        })
        .collect();
    let shown_year = shown.map_or(cockpit.year, |y| y.year);
    let months = match app.kpi_months(shown_year, today).await {
        Ok(m) => m,
        Err(e) => return failed(state, session, e),
    };
    let month_heads = months
        .iter()
        .map(|m| format!("{}月", m.period.month()))
        .collect();
    let month_rows = month_rows(cat, &months);
    let (notice, error, status) = outcome.split();
    let page = KpiPage {
        layout: Layout::new(app, Some(session)),
        tabs: tabs("/staff/kpi"),
        plan_name: cat.name.clone(),
        year: shown_year,
        years: cockpit.years.iter().map(|y| y.year).collect(),
        notice,
        error,
        rows,
        month_heads,
        month_rows,
        on_track,
        at_risk,
        no_data,
        charts,
        keys,
        inputs,
        can_enter: is_finance(session.principal.role),
        form: InputForm {
            year: if form.year.is_empty() {
                shown_year.to_string()
            } else {
                form.year
            },
            ..form
        },
        input_years: (cat.baseline_year..=today.year()).rev().collect(),
    };
    with_status(render(app, Some(session), page.render()), status)
}

/// The computed KPIs (typed-in ones do not change by month) by month.
fn month_rows(
    cat: &anju_domain::fund::PlanCatalogue,
    months: &[anju_app::fund::KpiMonth],
) -> Vec<MonthRow> {
    cat.kpis
        .iter()
        .filter(|k| matches!(k.source, anju_domain::fund::KpiSource::Formula(_)))
        .map(|k| MonthRow {
            id: k.id.clone(),
            name: k.name.clone(),
            values: months
                .iter()
                .map(|m| {
                    m.results
                        .iter()
                        .find(|r| r.id == k.id)
                        .and_then(|r| r.value.as_ref())
                        .map_or_else(|| "—".to_string(), |v| v.text(k.unit))
                })
                .collect(),
        })
        .collect()
}

/// 规划指标驾驶舱 for a year (default: the latest year of the plan so far).
pub async fn kpi_cockpit(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let year = query.year.trim().parse::<i32>().ok();
    kpi_page(&state, &session, year, Outcome::Quiet, InputForm::default()).await
}

#[derive(Deserialize, Clone, Default)]
pub struct InputForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub note: String,
}

/// 录入: a dated input for a year.
pub async fn kpi_input(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<InputForm>,
) -> Response {
    let today = state.today();
    let year = year_of(&form.year, today.year());
    let shown = year.as_ref().ok().copied();
    let result = match year {
        Ok(year) => {
            state
                .app
                .enter_fund_input(
                    &session.actor(&context),
                    year,
                    &form.key,
                    &form.value,
                    &form.note,
                    today,
                )
                .await
        }
        Err(e) => Err(e.into()),
    };
    let keys = input_keys(&state.app.plan_catalogue());
    match Outcome::of(result, |r| {
        format!(
            "已录入 {} 年 {}：{}。",
            r.year,
            label_of(&keys, &r.key),
            r.value_text
        )
    }) {
        Ok(outcome) => {
            let again = if outcome.notice().is_some() {
                InputForm {
                    year: form.year.clone(),
                    ..InputForm::default()
                }
            } else {
                form
            };
            kpi_page(&state, &session, shown, outcome, again).await
        }
        Err(e) => failed(&state, &session, e),
    }
}

// ---- 年度报告 ----

#[derive(Template)]
#[template(path = "staff_fund_report.html")]
struct ReportPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    years: Vec<i32>,
    view: ReportView,
}

/// The year asked for (default: last year) and its report to today.
async fn annual(
    state: &WebState,
    query: &YearQuery,
) -> AppResult<(i32, anju_app::fund::AnnualReport)> {
    let today = state.today();
    let year = year_of(&query.year, today.year() - 1)?;
    Ok((year, state.app.annual_report(year, today).await?))
}

/// 年度报告 as a page, with the PDF to download.
pub async fn annual_report(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let (year, report) = match annual(&state, &query).await {
        Ok(r) => r,
        Err(e) => return failed(&state, &session, e),
    };
    let first = state.app.plan_catalogue().first_year;
    let page = ReportPage {
        layout: Layout::new(&state.app, Some(&session)),
        tabs: tabs("/staff/report/annual"),
        year,
        years: (first..=state.today().year()).rev().collect(),
        view: report_render::report_view(&report),
    };
    render(&state.app, Some(&session), page.render())
}

/// 年度报告 as PDF (an attachment with an ASCII file name).
pub async fn annual_report_pdf(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let (year, report) = match annual(&state, &query).await {
        Ok(r) => r,
        Err(e) => return failed(&state, &session, e),
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"annual-report-{year}.pdf\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        report_render::report_pdf(&report),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{chart_number, instant, year_of};
    use anju_domain::fund::{KpiUnit, KpiValue, Ratio};

    #[test]
    fn years_and_instants_read_as_typed() {
        assert_eq!(year_of("", 2025).ok(), Some(2025));
        assert_eq!(year_of(" 2024 ", 2025).ok(), Some(2024));
        assert!(year_of("二〇二四", 2025).is_err());
        assert!(year_of("1800", 2025).is_err());
        // 2026-11-29 06:05 UTC is 14:05 in China.
        assert_eq!(instant(1_795_932_300_000_000), "2026-11-29 14:05");
    }

    #[test]
    fn charts_read_values_in_their_unit() {
        let r = KpiValue::Ratio(Ratio::new(6976, 10_000).expect("ratio"));
        assert_eq!(chart_number(&r, KpiUnit::Percent), Some(69.76));
        let o = KpiValue::Ratio(Ratio::new(12, 1_000_000).expect("ratio"));
        assert_eq!(chart_number(&o, KpiUnit::Permille), Some(0.012));
        let f = KpiValue::Fen(550_000_000_000_000);
        assert_eq!(chart_number(&f, KpiUnit::Yuan100m), Some(55_000.0));
        assert_eq!(
            chart_number(&KpiValue::Text("良好".into()), KpiUnit::Grade),
            None
        );
    }
}
