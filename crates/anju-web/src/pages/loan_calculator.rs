//! 贷款计算器: the public loan calculator page. A GET form (so a result can
//! be bookmarked or sent on) in yuan; the answer is the API's calculation
//! under the policy in force today: the contract rate, every cap with the
//! one that bound, the limit, and both methods' schedules side by side.

use super::fields::FieldErrors;
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

    /// Every field checked, so one answer lists all that is wrong.
    fn input(&self, max_months: i64) -> Result<LoanInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let price = errors.take(
            "price",
            yuan("房价", &self.price).and_then(positive("房价")),
        );
        let appraisal = errors.take(
            "appraisal",
            optional_yuan("评估价", &self.appraisal)
                .and_then(|a| a.map(positive("评估价")).transpose()),
        );
        let balances = errors.take(
            "balances",
            yuan("账户余额", &self.balances).and_then(not_negative("账户余额")),
        );
        let income = errors.take(
            "income",
            yuan("家庭月收入", &self.income).and_then(not_negative("家庭月收入")),
        );
        let months = errors.take("months", term_months(&self.months, max_months));
        let method = errors.take("method", Method::parse(&self.method));
        let grade = errors.take("grade", CreditGrade::parse(&self.grade));
        let wanted = errors.take(
            "wanted",
            optional_yuan("期望贷款金额", &self.wanted)
                .and_then(|w| w.map(positive("期望贷款金额")).transpose()),
        );
        let (
            Some(price),
            Some(appraisal),
            Some(balances),
            Some(monthly_income),
            Some(months),
            Some(method),
            Some(grade),
            Some(wanted),
        ) = (
            price, appraisal, balances, income, months, method, grade, wanted,
        )
        else {
            return Err(errors);
        };
        Ok(LoanInput {
            price,
            appraisal,
            completed_home: self.completed_home,
            first_home: self.first_home,
            family: self.family,
            balances,
            monthly_income,
            months,
            method,
            grade,
            wanted,
        })
    }
}

/// 1 to the policy's longest term, in whole months.
fn term_months(text: &str, max_months: i64) -> DomainResult<u32> {
    let refused = || {
        let message = format!("贷款期限请填写 1 至 {max_months} 之间的整数月数，如 {max_months}");
        DomainError::new("LOAN_TERM_INVALID", message)
    };
    let months: u32 = text.parse().map_err(|_| refused())?;
    if months == 0 || i64::from(months) > max_months {
        return Err(refused());
    }
    Ok(months)
}

fn positive(label: &'static str) -> impl Fn(Fen) -> DomainResult<Fen> {
    move |amount| {
        if amount.is_positive() {
            Ok(amount)
        } else {
            let message = format!("{label}须大于零");
            Err(DomainError::new("AMOUNT_NOT_POSITIVE", message))
        }
    }
}

fn not_negative(label: &'static str) -> impl Fn(Fen) -> DomainResult<Fen> {
    move |amount| {
        if amount.is_negative() {
            let message = format!("{label}不能为负");
            Err(DomainError::new("AMOUNT_NOT_POSITIVE", message))
        } else {
            Ok(amount)
        }
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
    /// Each field's refusal, beside the field and in the summary.
    errors: FieldErrors,
    /// A refusal of the whole case (the policy's rules), above the form.
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
    let max_months = policy.loan_limit.value.max_term_months;
    let (mut errors, mut error, mut result) = (FieldErrors::default(), None, None);
    match form.submitted.then(|| form.input(max_months)) {
        None => {}
        Some(Err(fields)) => errors = fields,
        Some(Ok(input)) => match calculate(policy, &input) {
            Ok(c) => result = Some(result_view(policy, &input, &c)),
            Err(e) => error = Some(e),
        },
    }
    CalculatorPage {
        layout,
        today: today.to_string(),
        form,
        errors,
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
    let refused = page.error.is_some() || !page.errors.is_empty();
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
            page.errors
                .of("price")
                .map(|m| m.starts_with("房价：金额“abc”格式不正确")),
            Some(true)
        );
        assert!(html.contains("房价：金额“abc”格式不正确"), "{html}");
        assert!(
            !html.contains("AMOUNT_FORMAT）"),
            "no internal code in the text"
        );
        let (page, _) = render_for("calc=1&price=1250000&balances=1&income=1&months=0");
        assert!(
            page.errors
                .of("months")
                .is_some_and(|m| m.contains("1 至 360"))
        );
    }

    /// A negative price and a term of "1e3" are both named at once, each
    /// beside its field and in the summary linking to it; the rest of the
    /// form is kept as typed.
    #[test]
    fn every_refused_field_is_named_at_once_beside_the_field() {
        let (page, html) =
            render_for("calc=1&price=-5&balances=100000&income=-1&months=1e3&wanted=0");
        assert!(page.result.is_none() && page.error.is_none());
        assert_eq!(page.errors.len(), 4);
        for (field, text) in [
            ("price", "房价须大于零"),
            ("income", "家庭月收入不能为负"),
            ("months", "贷款期限请填写 1 至 360 之间的整数月数"),
            ("wanted", "期望贷款金额须大于零"),
        ] {
            assert!(
                page.errors.of(field).is_some_and(|m| m.contains(text)),
                "{field}"
            );
            let beside = format!("<span class=\"field-error\" id=\"{field}-error\">");
            assert!(html.contains(&beside), "{field}: {html}");
            let described = format!("aria-invalid=\"true\" aria-describedby=\"{field}-error\"");
            assert!(html.contains(&described), "{field}");
            assert!(
                html.contains(&format!("<li><a href=\"#{field}\">")),
                "{field}"
            );
        }
        assert!(html.contains("请更正以下 4 项后重新提交"), "{html}");
        assert!(html.contains("value=\"100000\"") && html.contains("value=\"1e3\""));
        assert!(page.errors.of("balances").is_none());
    }
}
