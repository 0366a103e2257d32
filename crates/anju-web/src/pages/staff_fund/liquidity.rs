//! 流动性监测: the indicators against their thresholds and the alerts.

use super::{Outcome, Refusal, Tab, failed, instant, percent, tabs, watches_liquidity};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pages::with_status;
use crate::pages::{Layout, render};
use crate::state::WebState;
use anju_app::fund::{FundAlertRecord, LiquidityView};
use anju_domain::Fen;
use anju_domain::fund::{AlertLevel, Ratio};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;

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
    let view = match app.fund().liquidity(state.today()).await {
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
        .fund()
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
        .fund()
        .acknowledge_alert(&session.actor(&context), id, &form.note)
        .await;
    match Outcome::of(result, |()| format!("预警 {id} 已确认。")) {
        Ok(outcome) => liquidity_page(&state, &session, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}
