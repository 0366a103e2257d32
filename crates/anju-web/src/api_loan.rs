//! 贷款试算 (the public loan calculator) over the JSON API, and the
//! calculation the public page shares with it: the contract rate, the caps
//! with the binding one, and the repayment schedule of the amount the
//! borrower wants within the limit. No sign-in and no stored data: the
//! policy in force on the business date and the figures given.

use crate::error::WebError;
use crate::state::WebState;
use anju_domain::loan::{
    CreditGrade, Installment, LimitDecision, LimitRequest, Method, ScheduleTotals, contract_rate,
    decide_limit, schedule, totals,
};
use anju_domain::policy::Policy;
use anju_domain::{Date, DomainError, DomainResult, Fen, RatePpm};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

pub(crate) const CALCULATE_PATH: &str = "/api/v1/loan/calculate";

/// The term offered when none is given: 30 years.
pub(crate) const DEFAULT_MONTHS: u32 = 360;

/// What the calculator works from, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LoanInput {
    pub price: Fen,
    pub appraisal: Option<Fen>,
    pub completed_home: bool,
    pub first_home: bool,
    pub family: bool,
    pub balances: Fen,
    pub monthly_income: Fen,
    pub months: u32,
    /// The method the repayment-capacity cap is worked out for.
    pub method: Method,
    pub grade: CreditGrade,
    pub wanted: Option<Fen>,
}

/// One method's schedule of the previewed amount.
pub(crate) struct Preview {
    pub method: Method,
    pub rows: Vec<Installment>,
    pub totals: ScheduleTotals,
}

pub(crate) struct Calculation {
    pub rate: RatePpm,
    pub decision: LimitDecision,
    /// What the preview lends: the wanted amount within the limit, else the limit.
    pub principal: Fen,
    /// 等额本息 then 等额本金; empty when the limit is zero.
    pub previews: Vec<Preview>,
}

impl Calculation {
    pub fn preview(&self, method: Method) -> Option<&Preview> {
        self.previews.iter().find(|p| p.method == method)
    }
}

/// The rate, the limit and both schedules under the policy in force.
pub(crate) fn calculate(policy: &Policy, input: &LoanInput) -> DomainResult<Calculation> {
    let rate = contract_rate(
        &policy.loan_rate.value,
        &policy.loan_rule.value,
        input.first_home,
        input.months,
        input.grade,
    )?;
    let decision = decide_limit(
        &policy.loan_limit.value,
        &LimitRequest {
            family: input.family,
            completed_home: input.completed_home,
            first_home: input.first_home,
            balances: input.balances,
            monthly_income: input.monthly_income,
            price: input.price,
            appraisal: input.appraisal,
            months: input.months,
            rate,
            method: input.method,
        },
    )?;
    if input.wanted.is_some_and(|w| !w.is_positive()) {
        return Err(DomainError::new(
            "LOAN_PRINCIPAL_INVALID",
            "期望贷款金额必须大于零",
        ));
    }
    let principal = input
        .wanted
        .map_or(decision.limit, |w| w.min(decision.limit));
    let mut previews = Vec::new();
    if principal.is_positive() {
        for method in [Method::Annuity, Method::EqualPrincipal] {
            let rows = schedule(principal, input.months, rate, method, None)?;
            let totals = totals(&rows)?;
            previews.push(Preview {
                method,
                rows,
                totals,
            });
        }
    }
    Ok(Calculation {
        rate,
        decision,
        principal,
        previews,
    })
}

/// The query as sent: every field text, so a bad one is refused with its
/// name and a stable code rather than a bare deserializer message.
#[derive(Debug, Default, Deserialize)]
pub struct CalculateQuery {
    price_fen: Option<String>,
    appraisal_fen: Option<String>,
    balances_fen: Option<String>,
    monthly_income_fen: Option<String>,
    wanted_fen: Option<String>,
    months: Option<String>,
    method: Option<String>,
    credit_grade: Option<String>,
    completed_home: Option<String>,
    first_home: Option<String>,
    family: Option<String>,
}

fn given(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn optional_fen(name: &str, value: Option<&String>) -> DomainResult<Option<Fen>> {
    given(value)
        .map(|text| {
            text.parse::<i64>().map(Fen::new).map_err(|_| {
                DomainError::new(
                    "PARAM_INVALID",
                    format!("参数 {name} 应为以分为单位的整数，不能是“{text}”"),
                )
            })
        })
        .transpose()
}

fn required_fen(name: &str, value: Option<&String>) -> DomainResult<Fen> {
    optional_fen(name, value)?
        .ok_or_else(|| DomainError::new("PARAM_MISSING", format!("缺少参数 {name}")))
}

fn flag(name: &str, value: Option<&String>, default: bool) -> DomainResult<bool> {
    match given(value) {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(text) => Err(DomainError::new(
            "PARAM_INVALID",
            format!("参数 {name} 应为 true 或 false，不能是“{text}”"),
        )),
    }
}

fn months_of(value: Option<&String>) -> DomainResult<u32> {
    given(value).map_or(Ok(DEFAULT_MONTHS), |text| {
        text.parse().map_err(|_| {
            DomainError::new(
                "LOAN_TERM_INVALID",
                format!("参数 months 应为月数（整数），不能是“{text}”"),
            )
        })
    })
}

impl CalculateQuery {
    fn input(&self) -> DomainResult<LoanInput> {
        Ok(LoanInput {
            price: required_fen("price_fen", self.price_fen.as_ref())?,
            appraisal: optional_fen("appraisal_fen", self.appraisal_fen.as_ref())?,
            completed_home: flag("completed_home", self.completed_home.as_ref(), false)?,
            first_home: flag("first_home", self.first_home.as_ref(), true)?,
            family: flag("family", self.family.as_ref(), false)?,
            balances: required_fen("balances_fen", self.balances_fen.as_ref())?,
            monthly_income: required_fen("monthly_income_fen", self.monthly_income_fen.as_ref())?,
            months: months_of(self.months.as_ref())?,
            method: Method::parse(given(self.method.as_ref()).unwrap_or("annuity"))?,
            grade: CreditGrade::parse(given(self.credit_grade.as_ref()).unwrap_or("A"))?,
            wanted: optional_fen("wanted_fen", self.wanted_fen.as_ref())?,
        })
    }
}

/// The query parameters, for the OpenAPI document.
pub(crate) fn query_parameters() -> Vec<Value> {
    let param = |name: &str, required: bool, kind: &str, description: &str| {
        json!({ "name": name, "in": "query", "required": required,
                "schema": { "type": kind }, "description": description })
    };
    vec![
        param("price_fen", true, "integer", "房价（分）"),
        param(
            "appraisal_fen",
            false,
            "integer",
            "评估价（分），与房价取低",
        ),
        param(
            "balances_fen",
            true,
            "integer",
            "借款人及共同借款人账户余额之和（分）",
        ),
        param("monthly_income_fen", true, "integer", "家庭月收入（分）"),
        param(
            "wanted_fen",
            false,
            "integer",
            "期望贷款金额（分），不填按可贷额度试算",
        ),
        param("months", false, "integer", "贷款期限（月），默认 360"),
        param(
            "method",
            false,
            "string",
            "annuity（等额本息，默认）或 equal-principal（等额本金）",
        ),
        param("credit_grade", false, "string", "信用等级 A–D，默认 A"),
        param("completed_home", false, "boolean", "现房，默认 false"),
        param("first_home", false, "boolean", "首套住房，默认 true"),
        param(
            "family",
            false,
            "boolean",
            "家庭（有共同借款人），默认 false",
        ),
    ]
}

/// One period of a repayment schedule.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct PeriodView {
    period: u32,
    due_date: Option<String>,
    payment_fen: i64,
    principal_fen: i64,
    interest_fen: i64,
    outstanding_fen: i64,
}

pub(crate) fn periods_view(rows: &[Installment]) -> Vec<PeriodView> {
    rows.iter()
        .map(|r| PeriodView {
            period: r.period,
            due_date: r.due_date.map(|d| d.to_string()),
            payment_fen: r.payment.get(),
            principal_fen: r.principal.get(),
            interest_fen: r.interest.get(),
            outstanding_fen: r.outstanding.get(),
        })
        .collect()
}

/// A schedule's sums.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct TotalsView {
    payment_fen: i64,
    principal_fen: i64,
    interest_fen: i64,
}

/// One method's schedule of the previewed amount.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ScheduleView {
    method: &'static str,
    periods: Vec<PeriodView>,
    totals: TotalsView,
}

/// A cap on the loan, how it was reached and what it comes to.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CalculatorCapView {
    kind: &'static str,
    name: &'static str,
    amount_fen: i64,
    basis: &'static str,
}

/// The calculator's answer: the rate, every cap, the binding one, the limit
/// and the schedule of the amount previewed (none when the limit is zero).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CalculationView {
    business_date: String,
    rate_ppm: i64,
    caps: Vec<CalculatorCapView>,
    binding: &'static str,
    limit_fen: i64,
    principal_fen: i64,
    schedule: Option<ScheduleView>,
}

fn calculation_json(date: Date, input: &LoanInput, c: &Calculation) -> CalculationView {
    let caps = c.decision.caps.iter().map(|cap| CalculatorCapView {
        kind: cap.kind.code(),
        name: cap.kind.name(),
        amount_fen: cap.amount.get(),
        basis: cap.basis,
    });
    let schedule = c.preview(input.method).map(|p| ScheduleView {
        method: p.method.code(),
        periods: periods_view(&p.rows),
        totals: TotalsView {
            payment_fen: p.totals.payment.get(),
            principal_fen: p.totals.principal.get(),
            interest_fen: p.totals.interest.get(),
        },
    });
    CalculationView {
        business_date: date.to_string(),
        rate_ppm: c.rate.ppm(),
        caps: caps.collect(),
        binding: c.decision.binding.code(),
        limit_fen: c.decision.limit.get(),
        principal_fen: c.principal.get(),
        schedule,
    }
}

/// `GET /api/v1/loan/calculate?price_fen=125000000&balances_fen=…&monthly_income_fen=…`
pub async fn calculate_api(
    State(state): State<WebState>,
    query: Result<Query<CalculateQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        let e = DomainError::new("PARAM_INVALID", "查询参数无法识别（每个参数只能出现一次）");
        return WebError::from(e).into_response();
    };
    let today = state.today();
    let policy = match state.app.policy().at(today) {
        Ok(policy) => policy,
        Err(e) => return WebError::from(e).into_response(),
    };
    match query
        .input()
        .and_then(|input| calculate(&policy, &input).map(|c| calculation_json(today, &input, &c)))
    {
        Ok(body) => Json(body).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anju_domain::loan::CapKind;

    /// The business date of these tests: the 2026-05-10 caps and the
    /// 2025-05-08 rates are in force.
    fn policy() -> Policy {
        let set = anju_app::policy::load_policy(None).expect("built-in policy");
        set.at(Date::parse("2026-11-29").expect("date"))
            .expect("policy")
    }

    fn yuan(text: &str) -> Fen {
        Fen::parse(text).expect("amount")
    }

    /// A first home at ¥1,250,000: 20% down leaves ¥1,000,000, lower than
    /// every other cap.
    fn price_bound() -> LoanInput {
        LoanInput {
            price: yuan("1250000"),
            appraisal: None,
            completed_home: false,
            first_home: true,
            family: false,
            balances: yuan("100000"),
            monthly_income: yuan("30000"),
            months: 360,
            method: Method::Annuity,
            grade: CreditGrade::A,
            wanted: None,
        }
    }

    #[test]
    fn the_price_cap_binds_and_the_schedule_is_the_worked_example() {
        let c = calculate(&policy(), &price_bound()).expect("calculation");
        assert_eq!(c.rate.ppm(), 26_000);
        assert_eq!(c.decision.binding, CapKind::Price);
        assert_eq!(c.decision.limit, yuan("1000000"));
        let annuity = c.preview(Method::Annuity).expect("annuity");
        assert_eq!(annuity.rows[0].payment, yuan("4003.40"));
        assert_eq!(annuity.totals.interest, yuan("441222.35"));
        let equal = c.preview(Method::EqualPrincipal).expect("equal principal");
        assert_eq!(equal.rows[0].payment, yuan("4944.45"));
        assert_eq!(equal.totals.interest, yuan("391083.03"));
    }

    #[test]
    fn the_wanted_amount_is_lent_within_the_limit() {
        let wanted = LoanInput {
            wanted: Some(yuan("200000")),
            ..price_bound()
        };
        assert_eq!(
            calculate(&policy(), &wanted).expect("c").principal,
            yuan("200000")
        );
        let too_much = LoanInput {
            wanted: Some(yuan("3000000")),
            ..price_bound()
        };
        assert_eq!(
            calculate(&policy(), &too_much).expect("c").principal,
            yuan("1000000")
        );
    }

    #[test]
    fn no_balance_means_no_loan_and_no_schedule() {
        let empty = LoanInput {
            balances: Fen::ZERO,
            ..price_bound()
        };
        let c = calculate(&policy(), &empty).expect("c");
        assert_eq!(c.decision.binding, CapKind::Balance);
        assert!(c.previews.is_empty());
    }

    #[test]
    fn query_fields_are_refused_by_name() {
        let query = CalculateQuery {
            price_fen: Some("12.5".into()),
            ..CalculateQuery::default()
        };
        let e = query.input().expect_err("refused");
        assert_eq!(e.code(), "PARAM_INVALID");
        assert!(e.message().contains("price_fen"), "{e}");
        let e = CalculateQuery::default().input().expect_err("refused");
        assert_eq!(e.code(), "PARAM_MISSING");
    }
}
