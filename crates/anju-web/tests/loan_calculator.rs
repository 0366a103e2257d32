//! The public loan calculator through the real router, signed out: the page
//! and the JSON API. The handlers take today's policy; the expected figures
//! are worked out here with the domain from the business date each answer
//! reports, so the tests hold whatever policy version is in force (the exact
//! worked example under a fixed date is in the crate's unit tests).

mod common;

use anju_app::policy::load_policy;
use anju_domain::loan::{CreditGrade, Installment, Method, contract_rate, schedule, totals};
use anju_domain::policy::Policy;
use anju_domain::{Date, Fen, RatePpm};
use axum::http::StatusCode;
use common::{Client, Web};
use serde_json::Value;

/// A first home at ¥1,250,000 with ample balances and income: the price
/// cap (20% down) binds at ¥1,000,000 under every policy version so far.
const PRICE_BOUND_PAGE: &str = "/loan/calculator?calc=1&price=1250000&first_home=1\
    &balances=100000&income=30000&months=360&method=annuity&grade=A";
const PRICE_BOUND_API: &str = "/api/v1/loan/calculate?price_fen=125000000\
    &balances_fen=10000000&monthly_income_fen=3000000&months=360&method=annuity\
    &credit_grade=A&first_home=true";

/// The Suzhou policy on the wall clock.
async fn harness() -> Web {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app_with(&dir, load_policy(None).expect("policy")).await;
    Web::new(app, dir)
}

/// Signed out, as the calculator is public: status, content type and body.
async fn get(h: &Web, path: &str) -> (StatusCode, String, String) {
    let reply = h.get(path, &Client::default()).await;
    (reply.status, reply.content_type().to_string(), reply.body)
}

fn policy_on(date: Date) -> Policy {
    load_policy(None)
        .expect("policy")
        .at(date)
        .expect("in force")
}

/// The date after “业务日期” on the page.
fn page_date(html: &str) -> Date {
    let at = html.find("业务日期 ").expect("business date shown") + "业务日期 ".len();
    Date::parse(&html[at..at + 10]).expect("a date")
}

fn first_home_rate(policy: &Policy) -> RatePpm {
    let (rates, rules) = (&policy.loan_rate.value, &policy.loan_rule.value);
    contract_rate(rates, rules, true, 360, CreditGrade::A).expect("rate")
}

fn million_over_30_years(rate: RatePpm, method: Method) -> Vec<Installment> {
    let principal = Fen::parse("1000000").expect("amount");
    schedule(principal, 360, rate, method, None).expect("schedule")
}

#[tokio::test]
async fn the_page_names_the_binding_cap_and_shows_both_schedules() {
    let h = harness().await;
    let (status, _, html) = get(&h, PRICE_BOUND_PAGE).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let rate = first_home_rate(&policy_on(page_date(&html)));
    assert!(
        html.contains(&format!("<strong id=\"rate\">{rate}</strong>")),
        "{html}"
    );
    let binding = html.find("起决定作用").expect("binding cap marked");
    let row = &html[html[..binding].rfind("<tr>").expect("row")..binding];
    assert!(
        row.contains("房价与首付比例") && row.contains("¥1,000,000.00"),
        "{row}"
    );
    assert_eq!(html.matches("起决定作用").count(), 1, "one binding cap");
    assert!(html.contains("<span class=\"big\" id=\"limit\">¥1,000,000.00</span>"));
    for method in [Method::Annuity, Method::EqualPrincipal] {
        let rows = million_over_30_years(rate, method);
        let interest = totals(&rows).expect("totals").interest;
        for figure in [rows[0].payment, rows[359].payment, interest] {
            assert!(html.contains(&figure.to_string()), "{method:?} {figure}");
        }
        assert!(html.contains(method.name()));
    }
    // At 2.60% (in force since 2025-05-08) this is the worked example of §4.
    if rate.ppm() == 26_000 {
        assert!(html.contains("¥4,003.40") && html.contains("¥4,944.45"));
    }
    assert!(html.contains("显示全部 360 期"));
}

#[tokio::test]
async fn the_page_refuses_bad_input_in_chinese_with_422() {
    let h = harness().await;
    let (status, _, html) = get(
        &h,
        "/loan/calculator?calc=1&price=1250000&balances=100000&income=30000&months=0",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("贷款期限请填写 1 至 360 之间的整数月数")
            && html.contains("id=\"months-error\""),
        "{html}"
    );
    assert!(
        html.contains("value=\"1250000\""),
        "the form keeps what was typed"
    );
    let (status, _, html) = get(&h, "/loan/calculator?calc=1&price=&balances=1&income=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写房价"), "{html}");
    let (status, _, html) = get(&h, "/loan/calculator").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("贷款计算器")
            && !html.contains("id=\"calc-error\"")
            && !html.contains("id=\"form-errors\"")
    );
}

#[tokio::test]
async fn the_api_returns_the_caps_the_binding_one_and_the_schedule() {
    let h = harness().await;
    let (status, _, body) = get(&h, PRICE_BOUND_API).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let doc: Value = serde_json::from_str(&body).expect("json");
    let date = Date::parse(doc["business_date"].as_str().expect("date")).expect("date");
    let rate = first_home_rate(&policy_on(date));
    assert_eq!(doc["rate_ppm"], rate.ppm());
    let kinds: Vec<&str> = doc["caps"]
        .as_array()
        .expect("caps")
        .iter()
        .map(|c| c["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["ceiling", "balance", "income", "price"]);
    assert_eq!(doc["caps"][3]["amount_fen"], 100_000_000);
    assert_eq!(doc["caps"][1]["amount_fen"], 150_000_000, "¥100,000 × 15");
    assert_eq!(doc["binding"], "price");
    assert_eq!(doc["limit_fen"], 100_000_000);
    let expected = million_over_30_years(rate, Method::Annuity);
    let schedule = &doc["schedule"];
    assert_eq!(schedule["method"], "annuity");
    assert_eq!(schedule["periods"].as_array().map(Vec::len), Some(360));
    assert_eq!(
        schedule["periods"][0]["payment_fen"],
        expected[0].payment.get()
    );
    assert_eq!(schedule["periods"][0]["due_date"], Value::Null);
    let interest = totals(&expected).expect("totals").interest.get();
    assert_eq!(schedule["totals"]["interest_fen"], interest);
    assert_eq!(schedule["totals"]["principal_fen"], 100_000_000);
}

#[tokio::test]
async fn the_api_lends_the_wanted_amount_by_the_method_asked() {
    let h = harness().await;
    let path =
        format!("{PRICE_BOUND_API}&wanted_fen=20000000").replace("annuity", "equal-principal");
    let (status, _, body) = get(&h, &path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let doc: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(doc["principal_fen"], 20_000_000);
    assert_eq!(doc["schedule"]["method"], "equal-principal");
    assert_eq!(
        doc["schedule"]["periods"][0]["principal_fen"], 55_556,
        "¥200,000 / 360"
    );
}

#[tokio::test]
async fn the_api_refuses_bad_input_with_422_and_a_code() {
    let h = harness().await;
    let cases = [
        (
            PRICE_BOUND_API.replace("months=360", "months=0"),
            "LOAN_TERM_INVALID",
        ),
        (
            PRICE_BOUND_API.replace("months=360", "months=361"),
            "LOAN_TERM_INVALID",
        ),
        (
            PRICE_BOUND_API.replace("price_fen=125000000", "price_fen=12.5"),
            "PARAM_INVALID",
        ),
        (
            PRICE_BOUND_API.replace("price_fen=125000000", "price_fen=0"),
            "LOAN_FACTS_INVALID",
        ),
        (
            PRICE_BOUND_API.replace("&balances_fen=10000000", ""),
            "PARAM_MISSING",
        ),
        (
            PRICE_BOUND_API.replace("method=annuity", "method=balloon"),
            "LOAN_METHOD_UNKNOWN",
        ),
        (
            PRICE_BOUND_API.replace("credit_grade=A", "credit_grade=E"),
            "CREDIT_GRADE_UNKNOWN",
        ),
        (
            PRICE_BOUND_API.replace("first_home=true", "first_home=yes"),
            "PARAM_INVALID",
        ),
        (
            format!("{PRICE_BOUND_API}&wanted_fen=-1"),
            "LOAN_PRINCIPAL_INVALID",
        ),
        (format!("{PRICE_BOUND_API}&months=12"), "PARAM_INVALID"),
    ];
    for (path, code) in cases {
        let (status, content_type, body) = get(&h, &path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert_eq!(content_type, "application/problem+json", "{path}");
        let doc: Value = serde_json::from_str(&body).expect("problem json");
        assert_eq!(doc["code"], code, "{path}: {body}");
        let detail = doc["detail"].as_str().expect("detail");
        assert!(
            detail
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn the_home_page_links_the_calculator_and_openapi_documents_it() {
    let h = harness().await;
    let (_, _, home) = get(&h, "/").await;
    assert!(home.contains("href=\"/loan/calculator\""), "{home}");
    let doc = anju_web::openapi_document();
    let operation = &doc["paths"]["/api/v1/loan/calculate"]["get"];
    assert_eq!(operation["security"], serde_json::json!([]));
    let names: Vec<&str> = operation["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert!(
        names.contains(&"price_fen") && names.contains(&"credit_grade"),
        "{names:?}"
    );
}
