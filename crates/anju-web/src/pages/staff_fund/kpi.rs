//! 规划指标驾驶舱: the plan's KPIs with charts and dated inputs.

use super::{Outcome, Refusal, Tab, YearQuery, failed, instant, is_finance, tabs, year_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pages::with_status;
use crate::pages::{Layout, render};
use crate::state::WebState;
use anju_app::fund::KpiCockpit;
use anju_domain::fund::{KpiDef, KpiSource, KpiStatus, KpiUnit, KpiValue, Ratio};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use serde::Deserialize;

pub struct KpiRow {
    pub id: String,
    pub group: String,
    pub name: String,
    pub value: String,
    pub target: String,
    pub status: &'static str,
    /// ontrack, atrisk, nodata or implausible (the CSS class).
    pub class: &'static str,
    pub from_input: bool,
    pub note: String,
    /// Why a value is 数据异常: the range the measure can take.
    pub alert: Option<String>,
}

/// The KPIs of one cockpit section, in catalogue order, with its anchor.
pub struct KpiGroup {
    pub anchor: String,
    pub name: String,
    pub rows: Vec<KpiRow>,
}

/// Rows into their sections, each section where its first KPI stands.
fn grouped(rows: Vec<KpiRow>) -> Vec<KpiGroup> {
    let mut groups: Vec<KpiGroup> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|g| g.name == row.group) {
            Some(group) => group.rows.push(row),
            None => groups.push(KpiGroup {
                anchor: format!("kpi-group-{}", groups.len() + 1),
                name: row.group.clone(),
                rows: vec![row],
            }),
        }
    }
    groups
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
    groups: Vec<KpiGroup>,
    month_heads: Vec<String>,
    month_rows: Vec<MonthRow>,
    on_track: usize,
    at_risk: usize,
    no_data: usize,
    implausible: usize,
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
        "online_transactions" => "线上办结业务笔数",
        "all_transactions" => "办结业务笔数",
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
        KpiStatus::Implausible => "implausible",
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
    let cockpit = match app.reports().fund().kpi_cockpit(i32::MAX, today).await {
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
                group: def.group.clone(),
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
                alert: (status == KpiStatus::Implausible).then(|| {
                    let range = def.plausible.text(def.unit);
                    format!("超出该指标可能的范围（{range}），请核对录入项或业务记录")
                }),
            }
        })
        .collect();
    let count = |class: &str| rows.iter().filter(|r| r.class == class).count();
    let (on_track, at_risk, no_data) = (count("ontrack"), count("atrisk"), count("nodata"));
    let implausible = count("implausible");
    let charts = cat
        .kpis
        .iter()
        .filter(|k| k.unit != KpiUnit::Grade)
        .map(|k| chart(k, &cockpit))
        .collect();
    let keys = input_keys(cat);
    let logins = cockpit.inputs.iter().map(|i| i.entered_by.as_str());
    let people = match app.access().names_of(logins).await {
        Ok(p) => p,
        Err(e) => return failed(state, session, e),
    };
    let inputs = cockpit
        .inputs
        .iter()
        .rev()
        .map(|i| InputRow {
            year: i.year,
            label: label_of(&keys, &i.key),
            value: i.value_text.clone(),
            entered_on: i.entered_on.to_string(),
            entered_by: people.of(&i.entered_by),
            entered_at: instant(i.entered_at_us),
            note: i.note.clone(),
        })
        .collect();
    let shown_year = shown.map_or(cockpit.year, |y| y.year);
    let months = match app.reports().fund().kpi_months(shown_year, today).await {
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
        groups: grouped(rows),
        month_heads,
        month_rows,
        on_track,
        at_risk,
        no_data,
        implausible,
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
                .fund()
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
    let keys = input_keys(&state.app.fund().plan_catalogue());
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

#[cfg(test)]
mod tests {
    use super::chart_number;
    use anju_domain::fund::{KpiUnit, KpiValue, Ratio};

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
