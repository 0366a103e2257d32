//! 资金存储与现金流预测: the fund's bank deposits against GL 101 with the
//! 12-month cash-flow forecast and the term-deposit ladder.

use super::{Outcome, Refusal, Tab, date_or, failed, is_finance, period_text, tabs};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pages::with_status;
use crate::pages::{Layout, render};
use crate::state::WebState;
use anju_app::fund::{CashPlan, DepositRequest, FundDepositRecord};
use anju_domain::fund::{DepositKind, DepositStatus};
use anju_domain::{Date, DomainError, Fen, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;

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
        amount: d.amount_fen,
        rate: RatePpm::new(d.rate_ppm.ppm()).map_or_else(|_| "-".to_string(), |r| r.to_string()),
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
            .map_or_else(|| "—".to_string(), |i| i.to_string()),
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
    let (records, reconciliation, plan, plan_refusal) = match app.fund().cash_plan(today).await {
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
                .fund()
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
            d.amount_fen,
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
        .fund()
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
