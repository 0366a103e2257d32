//! 贷款计算器: the public loan calculator page. A GET form (so a result can
//! be bookmarked or sent on) in yuan; the answer is the API's calculation
//! under the policy in force today: the contract rate, every cap with the
//! one that bound, the limit, and both methods' schedules side by side.

use super::{Layout, failure, render};
use crate::api_loan::{Calculation, DEFAULT_MONTHS, LoanInput, Preview, calculate};
use crate::auth::Session;
use crate::error::status_of;
use crate::state::WebState;
use anju_domain::loan::{CapKind, CreditGrade, Installment, Method, SHORT_TERM_MONTHS};
use anju_domain::policy::{LoanLimits, Policy};
use anju_domain::{Date, DomainError, DomainResult, ErrorKind, Fen, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// Periods shown before the rest is folded into “show all”.
const HEAD_PERIODS: usize = 12;

/// The form as typed. Unchecked boxes are absent from a GET form, so
/// `calc` (a hidden field) tells a submitted form from a first visit, where
/// 首套 starts ticked.
#[derive(Debug, Default, Deserialize)]
pub struct CalcQuery {
    calc: Option<String>,
    #[serde(default)]
    price: String,
    #[serde(default)]
    appraisal: String,
    completed_home: Option<String>,
    first_home: Option<String>,
    family: Option<String>,
    #[serde(default)]
    balances: String,
    #[serde(default)]
    income: String,
    #[serde(default)]
    months: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    wanted: String,
}

/// The form as shown again, with the defaults of a first visit.
pub struct CalcForm {
    submitted: bool,
    price: String,
    appraisal: String,
    completed_home: bool,
    first_home: bool,
    family: bool,
    balances: String,
    income: String,
    months: String,
    method: String,
    grade: String,
    wanted: String,
}

fn or_default(text: &str, default: &str) -> String {
    let text = text.trim();
    if text.is_empty() { default } else { text }.to_string()
}

impl CalcForm {
    fn from_query(q: &CalcQuery) -> CalcForm {
        let submitted = q.calc.is_some();
        CalcForm {
            submitted,
            price: q.price.trim().to_string(),
            appraisal: q.appraisal.trim().to_string(),
            completed_home: q.completed_home.is_some(),
            first_home: q.first_home.is_some() || !submitted,
            family: q.family.is_some(),
            balances: q.balances.trim().to_string(),
            income: q.income.trim().to_string(),
            months: or_default(&q.months, &DEFAULT_MONTHS.to_string()),
            method: or_default(&q.method, Method::Annuity.code()),
            grade: or_default(&q.grade, "A"),
            wanted: q.wanted.trim().to_string(),
        }
    }

    fn input(&self) -> DomainResult<LoanInput> {
        let months = self.months.parse().map_err(|_| {
            DomainError::new("LOAN_TERM_INVALID", "贷款期限请填写月数（整数），如 360")
        })?;
        Ok(LoanInput {
            price: yuan("房价", &self.price)?,
            appraisal: optional_yuan("评估价", &self.appraisal)?,
            completed_home: self.completed_home,
            first_home: self.first_home,
            family: self.family,
            balances: yuan("账户余额", &self.balances)?,
            monthly_income: yuan("家庭月收入", &self.income)?,
            months,
            method: Method::parse(&self.method)?,
            grade: CreditGrade::parse(&self.grade)?,
            wanted: optional_yuan("期望贷款金额", &self.wanted)?,
        })
    }
}

/// A yuan amount the person must give; the message names the field.
fn yuan(label: &str, text: &str) -> DomainResult<Fen> {
    optional_yuan(label, text)?
        .ok_or_else(|| DomainError::new("FORM_INVALID", format!("请填写{label}（元）")))
}

fn optional_yuan(label: &str, text: &str) -> DomainResult<Option<Fen>> {
    if text.is_empty() {
        return Ok(None);
    }
    Fen::parse(text)
        .map(Some)
        .map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message())))
}

pub struct CapRow {
    name: &'static str,
    amount: Fen,
    basis: &'static str,
    /// The figures it came from (`¥100,000.00 × 15`).
    figures: String,
    binding: bool,
}

pub struct PreviewView {
    name: &'static str,
    first: Fen,
    last: Fen,
    total_interest: Fen,
    total_payment: Fen,
    /// The first periods and the last; `None` marks the periods left out.
    shown: Vec<Option<Installment>>,
    all: Vec<Installment>,
}

pub struct ResultView {
    rate: RatePpm,
    rate_terms: String,
    caps: Vec<CapRow>,
    limit: Fen,
    limit_method: &'static str,
    lent_as: String,
    previews: Vec<PreviewView>,
}

#[derive(Template)]
#[template(path = "loan_calculator.html")]
struct CalculatorPage {
    layout: Layout,
    today: String,
    form: CalcForm,
    error: Option<DomainError>,
    result: Option<ResultView>,
}

fn figures(kind: CapKind, limits: &LoanLimits, input: &LoanInput) -> String {
    match kind {
        CapKind::Ceiling => {
            let base = if input.family {
                limits.family_cap
            } else {
                limits.single_cap
            };
            match (input.completed_home, limits.completed_home_bonus_percent) {
                (true, bonus) if bonus > 0 => format!("{base} × (1 + {bonus}%)"),
                _ => base.to_string(),
            }
        }
        CapKind::Balance => format!("{} × {}", input.balances, limits.balance_multiple),
        CapKind::Income => format!(
            "月收入 {} × {}%，{} 个月，{}",
            input.monthly_income,
            limits.income_ratio_percent,
            input.months,
            input.method.name()
        ),
        CapKind::Price => {
            let down = if input.first_home {
                limits.first_home_down_payment_percent
            } else {
                limits.second_home_down_payment_percent
            };
            let valued = match input.appraisal {
                Some(a) => format!("房价 {}、评估价 {a} 取低", input.price),
                None => format!("房价 {}", input.price),
            };
            format!("{valued} × (1 − {down}%)")
        }
    }
}

fn preview_view(p: &Preview) -> PreviewView {
    let mut shown: Vec<Option<Installment>> = p
        .rows
        .iter()
        .take(HEAD_PERIODS)
        .copied()
        .map(Some)
        .collect();
    if p.rows.len() > HEAD_PERIODS + 1 {
        shown.push(None);
    }
    if p.rows.len() > HEAD_PERIODS {
        shown.push(p.rows.last().copied());
    }
    PreviewView {
        name: p.method.name(),
        first: p.rows.first().map_or(Fen::ZERO, |r| r.payment),
        last: p.rows.last().map_or(Fen::ZERO, |r| r.payment),
        total_interest: p.totals.interest,
        total_payment: p.totals.payment,
        shown,
        all: p.rows.clone(),
    }
}

fn lent_as(input: &LoanInput, c: &Calculation) -> String {
    match input.wanted {
        Some(w) if w > c.decision.limit => {
            format!(
                "期望贷款金额 {w} 超过可贷额度，按可贷额度 {} 试算。",
                c.principal
            )
        }
        Some(w) => format!("按期望贷款金额 {w} 试算。"),
        None => format!("按可贷额度 {} 试算。", c.principal),
    }
}

fn result_view(policy: &Policy, input: &LoanInput, c: &Calculation) -> ResultView {
    let band = if input.months <= SHORT_TERM_MONTHS {
        "5 年及以下"
    } else {
        "5 年以上"
    };
    let home = if input.first_home {
        "首套住房"
    } else {
        "二套住房"
    };
    ResultView {
        rate: c.rate,
        rate_terms: format!("{home} · {band} · 信用等级 {}", input.grade.code()),
        caps: c
            .decision
            .caps
            .iter()
            .map(|cap| CapRow {
                name: cap.kind.name(),
                amount: cap.amount,
                basis: cap.basis,
                figures: figures(cap.kind, &policy.loan_limit.value, input),
                binding: cap.kind == c.decision.binding,
            })
            .collect(),
        limit: c.decision.limit,
        limit_method: input.method.name(),
        lent_as: lent_as(input, c),
        previews: c.previews.iter().map(preview_view).collect(),
    }
}

fn page(layout: Layout, today: Date, policy: &Policy, form: CalcForm) -> CalculatorPage {
    let outcome = form.submitted.then(|| {
        let input = form.input()?;
        let c = calculate(policy, &input)?;
        Ok::<_, DomainError>(result_view(policy, &input, &c))
    });
    let (result, error) = match outcome {
        None => (None, None),
        Some(Ok(view)) => (Some(view), None),
        Some(Err(e)) => (None, Some(e)),
    };
    CalculatorPage {
        layout,
        today: today.to_string(),
        form,
        error,
        result,
    }
}

/// `GET /loan/calculator`: open to everyone; a refused input is 422 with
/// the form kept and the reason above it.
pub async fn loan_calculator(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
    query: Result<Query<CalcQuery>, QueryRejection>,
) -> Response {
    let app = &state.app;
    let session = session.as_deref();
    let today = state.today();
    let policy = match app.policy().at(today) {
        Ok(policy) => policy,
        Err(e) => return failure(app, session, e),
    };
    let Ok(Query(query)) = query else {
        let message = "查询参数无法识别，请重新填写表单。";
        return failure(app, session, DomainError::new("PARAM_INVALID", message));
    };
    let page = page(
        Layout::new(app, session),
        today,
        &policy,
        CalcForm::from_query(&query),
    );
    let refused = page.error.is_some();
    let mut response = render(app, session, page.render());
    if refused && response.status() == StatusCode::OK {
        response = crate::pages::with_status(response, status_of(ErrorKind::Invalid));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-11-29").expect("date")
    }

    fn render_for(query: &str) -> (CalculatorPage, String) {
        let set = anju_app::policy::load_policy(None).expect("policy");
        let policy = set.at(today()).expect("in force");
        let query: CalcQuery = serde_urlencoded::from_str(query).expect("query");
        let layout = Layout {
            centre_name: set.centre_name.clone(),
            user: None,
            nav: Vec::new(),
            csrf: String::new(),
            simulators: String::new(),
        };
        let page = page(layout, today(), &policy, CalcForm::from_query(&query));
        let html = page.render().expect("render");
        (page, html)
    }

    /// The binding cap's table row.
    fn binding_row(html: &str) -> &str {
        let at = html.find("起决定作用").expect("a binding cap");
        let start = html[..at].rfind("<tr").expect("row start");
        &html[start..at]
    }

    #[test]
    fn a_first_visit_shows_the_form_with_its_defaults_and_no_answer() {
        let (page, html) = render_for("");
        assert!(page.result.is_none() && page.error.is_none());
        assert!(page.form.first_home && page.form.months == "360");
        assert!(
            html.contains("name=\"first_home\" value=\"1\" checked"),
            "{html}"
        );
        assert!(!html.contains("起决定作用"));
    }

    #[test]
    fn the_price_cap_binds_and_both_methods_are_previewed() {
        let (page, html) = render_for(
            "calc=1&price=1250000&first_home=1&balances=100000&income=30000&months=360&method=annuity&grade=A",
        );
        assert!(page.error.is_none(), "{:?}", page.error);
        assert!(html.contains("2.60%"), "{html}");
        assert!(binding_row(&html).contains("房价与首付比例"), "{html}");
        assert!(html.contains("¥1,000,000.00"));
        for figure in [
            "¥4,003.40",
            "¥4,001.75",
            "¥441,222.35",
            "¥4,944.45",
            "¥2,783.00",
            "¥391,083.03",
        ] {
            assert!(html.contains(figure), "{figure}");
        }
        assert!(html.contains("<details>") && html.contains("显示全部 360 期"));
    }

    #[test]
    fn an_unticked_first_home_box_means_a_second_home() {
        let (page, html) = render_for("calc=1&price=1250000&balances=100000&income=30000");
        assert!(!page.form.first_home);
        assert!(
            html.contains("二套住房") && html.contains("3.075%"),
            "{html}"
        );
    }

    #[test]
    fn bad_input_is_explained_in_chinese_on_the_form() {
        let (page, html) = render_for("calc=1&price=abc&balances=100000&income=30000");
        assert_eq!(
            page.error.as_ref().map(DomainError::code),
            Some("AMOUNT_FORMAT")
        );
        assert!(html.contains("房价：金额“abc”格式不正确"), "{html}");
        let (page, _) = render_for("calc=1&price=1250000&balances=1&income=1&months=0");
        assert_eq!(
            page.error.as_ref().map(DomainError::code),
            Some("LOAN_TERM_INVALID")
        );
    }
}
