//! What the OpenAPI document says of each API call's input: the JSON Schema
//! of a POST body, derived from the struct its handler deserialises, with a
//! worked example that a test deserialises into that struct (so an example
//! cannot drift from the code); file bodies; bodiless POSTs; and the query
//! parameters of the GET routes that take them.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A POST body.
pub(crate) enum Body {
    /// JSON: its schema and example, and the check that the example reads.
    Json {
        schema: Value,
        example: Value,
        reads: fn(&Value) -> bool,
    },
    /// The request body is a CSV or .xlsx file.
    File,
    /// No body.
    Empty,
}

fn json_body<T: JsonSchema + DeserializeOwned>(example: Value) -> Body {
    let schema = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
    Body::Json {
        schema,
        example,
        reads: |v| serde_json::from_value::<T>(v.clone()).is_ok(),
    }
}

/// The body of a POST route under `/api/v1`, or `None` for one not listed
/// (the OpenAPI test fails for it).
pub(crate) fn body_of(path: &str) -> Option<Body> {
    use crate::api::{CompanyDeregisteredBody, CompanyRegisteredBody, DecisionBody, ReversalBody};
    use crate::api_employer::{BasesBody, BillBody, EnrolBody, PayBody};
    use crate::api_member::{AgreementBody, CardBody, DepositBody, PrepayBody};
    use crate::api_quality::{AppealBody, ComplaintBody, RateBody};
    use crate::api_trust::{GrantBody, IssueBody};
    use crate::pages::employer_cases::{BackPayForm, ReliefForm, TermsForm};
    use crate::pages::loan::LoanForm;
    let body = match path {
        "/api/v1/tasks/{id}/decision" => {
            json_body::<DecisionBody>(json!({"approve": true, "reason": "核对无误"}))
        }
        "/api/v1/reversal-requests" => {
            json_body::<ReversalBody>(json!({"entry_id": 1, "reason": "金额录入错误"}))
        }
        "/api/v1/yjs/company-registered" => json_body::<CompanyRegisteredBody>(json!({
            "message_id": "YJS-20261207-0001", "uscc": "91320500MA1XYW4561",
            "name": "苏州新办科技有限公司", "economic_type": "110", "industry": "I"
        })),
        "/api/v1/yjs/company-deregistered" => json_body::<CompanyDeregisteredBody>(
            json!({"message_id": "YJS-20261207-0002", "uscc": "91320500MA1XYW4561"}),
        ),
        "/api/v1/member/withdrawals" => json_body::<crate::api_withdrawal::RequestBody>(json!({
            "reason": "07", "amount_fen": 150000, "months": 1, "bank_card": "62220201000041234"
        })),
        "/api/v1/member/appointments" => json_body::<crate::api_outlets::BookBody>(json!({
            "outlet": "WD01", "day": "2026-12-08", "slot_min": 540, "service": "TQ01"
        })),
        "/api/v1/member/reminders" => json_body::<crate::api_reminders::ChoiceBody>(
            json!({"receive": ["installment_due", "sealed_long"]}),
        ),
        "/api/v1/member/tickets" => json_body::<crate::api_outlets::TicketBody>(
            json!({"outlet": "WD01", "service": "TQ01"}),
        ),
        "/api/v1/assistant/questions" => json_body::<crate::api_assistant::QuestionBody>(
            json!({"question": "租房提取要什么材料"}),
        ),
        "/api/v1/member/reviews" => json_body::<RateBody>(json!({
            "service": "withdrawal", "service_ref": 42, "stars": 5, "reasons": "办理很快"
        })),
        "/api/v1/member/complaints" => json_body::<ComplaintBody>(json!({
            "category": "service_quality", "subject": "窗口等候过长", "detail": "等候两小时"
        })),
        "/api/v1/member/complaints/{id}/appeal" => {
            json_body::<AppealBody>(json!({"reason": "问题没有解决"}))
        }
        "/api/v1/member/certificates" => json_body::<IssueBody>(json!({"kind": "contribution"})),
        "/api/v1/member/grants" => json_body::<GrantBody>(json!({
            "grantee": "partner-sh", "scopes": ["balance"], "purpose": "商业银行住房贷款审批", "days": 30
        })),
        "/api/v1/member/loans" => json_body::<LoanForm>(json!({
            "property_kind": "second_hand", "property_address": "苏州市姑苏区示范路1号101室",
            "area": "89.50", "price": "2000000", "monthly_income": "20000", "amount": "300000",
            "months": "240", "method": "annuity", "seller_name": "李卖",
            "seller_account": "6222020100009874", "repay_card": "62220201000041234"
        })),
        "/api/v1/member/loans/{id}/prepay" => json_body::<PrepayBody>(
            json!({"amount": "50000.00", "choice": "shorter_term", "from_hpf": false}),
        ),
        "/api/v1/member/loans/{id}/card" => {
            json_body::<CardBody>(json!({"card": "62220201000041234"}))
        }
        "/api/v1/member/repayment-agreement" => json_body::<AgreementBody>(json!({
            "kind": "commercial", "lender": "中国银行苏州分行", "loan_contract_no": "BOC-2020-001",
            "monthly": "3000.00", "pay_day": 15, "bank_card": "62220201000041234",
            "ends_on": "2040-06-30"
        })),
        "/api/v1/member/deposits" => json_body::<DepositBody>(
            json!({"period": "202612", "amount": "1200.00", "channel": "bank"}),
        ),
        "/api/v1/employer/members" => json_body::<EnrolBody>(
            json!({"id_card": "320502199003071230", "name": "王芳", "wage": "10000.00"}),
        ),
        "/api/v1/employer/bills" => json_body::<BillBody>(json!({"period": "202612"})),
        "/api/v1/employer/bills/{id}/payment" => json_body::<PayBody>(json!({"channel": "bank"})),
        "/api/v1/employer/terms" => json_body::<TermsForm>(
            json!({"pay_day": "15", "employer_rate": "12", "member_rate": "12"}),
        ),
        "/api/v1/employer/back-payments" => json_body::<BackPayForm>(json!({
            "period": "202611", "member_id": 1, "wage": "12000.00", "reason": "工资基数申报有误"
        })),
        "/api/v1/employer/bases" => {
            json_body::<BasesBody>(json!({"bases": [{"member_id": 1, "wage": "11000.00"}]}))
        }
        "/api/v1/employer/reliefs" => json_body::<ReliefForm>(json!({
            "kind": "deferral", "from": "202701", "to": "202706",
            "reason": "订单骤减，经营困难", "consent": "职工代表大会同意"
        })),
        "/api/v1/employer/members/import"
        | "/api/v1/employer/bases/import"
        | "/api/v1/employer/back-payments/import" => Body::File,
        "/api/v1/member/grants/{code}/revoke"
        | "/api/v1/member/loans/{id}/consent"
        | "/api/v1/member/repayment-agreement/end"
        | "/api/v1/employer/members/{id}/seal"
        | "/api/v1/inbox/{id}/read"
        | "/api/v1/member/appointments/{id}/cancel"
        | "/api/v1/assistant/hand-over"
        | "/api/v1/assistant/end" => Body::Empty,
        _ => return None,
    };
    Some(body)
}

fn schema<T: JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null)
}

/// The JSON Schema of a route's success body: the view its handler
/// serialises, so the document cannot drift from what is sent. `None` for a
/// route not listed (the OpenAPI test fails for it); downloads are typed
/// where the document is built.
pub(crate) fn response_of(method: &axum::http::Method, path: &str) -> Option<Value> {
    use crate::api::{BalanceView, Items, Me, TaskView, UnitView};
    use crate::api_employer as e;
    use crate::api_member as m;
    use crate::api_quality::{ComplaintView, ReviewView, ServiceView};
    use crate::api_trust as t;
    use crate::api_withdrawal::{EligibilityView, WithdrawalView, WithdrawalsView};
    let post = method == axum::http::Method::POST;
    let found = match path {
        "/api/v1/me" => schema::<Me>(),
        "/api/v1/member/balance" => schema::<BalanceView>(),
        "/api/v1/member/withdrawals/eligibility" => schema::<EligibilityView>(),
        "/api/v1/member/withdrawals" if post => schema::<WithdrawalView>(),
        "/api/v1/member/withdrawals" => schema::<WithdrawalsView>(),
        "/api/v1/member/service" => schema::<ServiceView>(),
        "/api/v1/member/reviews" => schema::<ReviewView>(),
        "/api/v1/member/complaints" | "/api/v1/member/complaints/{id}/appeal" => {
            schema::<ComplaintView>()
        }
        "/api/v1/tasks" => schema::<Items<TaskView>>(),
        "/api/v1/tasks/{id}/decision" | "/api/v1/reversal-requests" => schema::<TaskView>(),
        "/api/v1/audit" => schema::<Items<crate::api::AuditView>>(),
        "/api/v1/yjs/company-registered" | "/api/v1/yjs/company-deregistered" => {
            schema::<UnitView>()
        }
        "/api/v1/loan/calculate" => schema::<crate::api_loan::CalculationView>(),
        "/api/v1/services" => schema::<crate::api_catalogue::CatalogueView>(),
        "/api/v1/assistant/questions" => schema::<crate::api_assistant::AskedView>(),
        "/api/v1/outlets" => schema::<crate::api_outlets::OutletsView>(),
        "/api/v1/member/tickets" => schema::<crate::api_outlets::TicketView>(),
        "/api/v1/member/reminders" => schema::<crate::api_reminders::RemindersView>(),
        "/api/v1/outlets/{code}/slots" => schema::<crate::api_outlets::SlotsView>(),
        "/api/v1/member/appointments" if post => schema::<crate::api_outlets::AppointmentView>(),
        "/api/v1/member/appointments" => schema::<crate::api_outlets::AppointmentsView>(),
        "/api/v1/member/appointments/{id}/cancel" => {
            schema::<Option<crate::api_outlets::AppointmentView>>()
        }
        "/api/v1/assistant/conversation" | "/api/v1/assistant/end" => {
            schema::<crate::api_assistant::MyConversationView>()
        }
        "/api/v1/assistant/hand-over" => schema::<crate::api_assistant::ConversationView>(),
        "/api/v1/log/checkpoints" => schema::<t::CheckpointsView>(),
        "/api/v1/log/inclusion" => schema::<t::InclusionView>(),
        "/api/v1/log/consistency" => schema::<t::ConsistencyView>(),
        "/api/v1/certificates/{serial}" => schema::<t::CertificateStatusView>(),
        "/api/v1/member/certificates" if post => schema::<t::CertificateItemView>(),
        "/api/v1/member/certificates" => schema::<t::CertificatesView>(),
        "/api/v1/member/grants" if post => schema::<t::GrantedView>(),
        "/api/v1/member/grants" => schema::<t::GrantsView>(),
        "/api/v1/member/grants/{code}/revoke" => schema::<t::GrantRevokedView>(),
        "/api/v1/partner/grants/{code}" => schema::<t::ProvidedView>(),
        "/api/v1/member/interest" => schema::<m::InterestView>(),
        "/api/v1/member/statement" => schema::<m::StatementView>(),
        "/api/v1/member/loans" if post => schema::<m::LoanView>(),
        "/api/v1/member/loans" => schema::<m::LoansView>(),
        "/api/v1/member/loans/check" => schema::<m::AssessmentView>(),
        "/api/v1/member/loans/{id}" => schema::<m::AccountView>(),
        "/api/v1/member/loans/{id}/consent"
        | "/api/v1/member/loans/{id}/prepay"
        | "/api/v1/member/loans/{id}/card" => schema::<m::LoanView>(),
        "/api/v1/member/loans/{id}/certificate" => schema::<m::ReleaseCertificateView>(),
        "/api/v1/member/repayment-agreement" => schema::<m::AgreementView>(),
        "/api/v1/member/repayment-agreement/end" => schema::<m::Ended>(),
        "/api/v1/member/deposits" => schema::<m::DepositView>(),
        "/api/v1/inbox" => schema::<m::InboxView>(),
        "/api/v1/inbox/{id}/read" => schema::<m::MessageRead>(),
        "/api/v1/employer" | "/api/v1/employer/terms" => schema::<e::EmployerView>(),
        "/api/v1/employer/members" if post => schema::<e::MemberView>(),
        "/api/v1/employer/members" => schema::<e::MembersPage>(),
        "/api/v1/employer/members/import" => schema::<e::RosterImportView>(),
        "/api/v1/employer/members/{id}/seal" => schema::<e::MemberView>(),
        "/api/v1/employer/bills" if post => schema::<e::BillView>(),
        "/api/v1/employer/bills" => schema::<e::BillsPage>(),
        "/api/v1/employer/bills/{id}"
        | "/api/v1/employer/bills/{id}/payment"
        | "/api/v1/employer/back-payments" => schema::<e::BillView>(),
        "/api/v1/employer/back-payments/import" => schema::<e::BackPayImportView>(),
        "/api/v1/employer/bases" | "/api/v1/employer/bases/import" => schema::<e::FilingView>(),
        "/api/v1/employer/reliefs" => schema::<e::ReliefView>(),
        _ => return None,
    };
    Some(found)
}

/// A query parameter: name, required, schema, what it is.
pub(crate) type QueryParameter = (&'static str, bool, Value, &'static str);

/// The query parameters of the routes that take them (the loan calculator's
/// and the log's are declared beside their handlers).
pub(crate) fn query_parameters(path: &str) -> Vec<QueryParameter> {
    let text = || json!({"type": "string"});
    let whole = || json!({"type": "integer", "minimum": 0});
    let page = || {
        vec![
            ("offset", false, whole(), "跳过的条数（默认 0）"),
            ("limit", false, whole(), "每页条数（默认 100，最多 1000）"),
        ]
    };
    match path {
        "/api/v1/employer/members" | "/api/v1/employer/bills" => page(),
        "/api/v1/member/interest" => vec![(
            "year",
            false,
            whole(),
            "结息年度（该年 6 月 30 日所在年份）",
        )],
        "/api/v1/member/statement" => vec![
            ("from", true, text(), "起始日，如 2025-07-01"),
            ("to", true, text(), "截止日，如 2026-06-30"),
        ],
        "/api/v1/member/loans/check" => ["property_kind", "property_address", "area", "price"]
            .into_iter()
            .chain(["monthly_income", "amount", "months", "method"])
            .map(|name| (name, false, text(), "同申请表字段（金额以元为单位）"))
            .collect(),
        "/api/v1/employer/members/import" => {
            vec![(
                "take_valid",
                false,
                json!({"type": "boolean"}),
                "仅导入无误的行",
            )]
        }
        "/api/v1/employer/back-payments/import" => vec![
            ("period", true, text(), "补缴年月，如 202611"),
            ("reason", true, text(), "补缴原因"),
            (
                "take_valid",
                false,
                json!({"type": "boolean"}),
                "仅补缴无误的行",
            ),
        ],
        path if path.ends_with("/export") => {
            let mut parameters = vec![(
                "format",
                false,
                json!({"type": "string", "enum": ["xlsx", "csv"]}),
                "文件格式（默认 xlsx）",
            )];
            parameters.extend(match path {
                "/api/v1/employer/members/export" | "/api/v1/employer/bills/export" => {
                    vec![("employer_id", false, whole(), "单位（默认本单位）")]
                }
                "/api/v1/member/statement/export" => vec![
                    ("from", true, text(), "起始日，如 2025-07-01"),
                    ("to", true, text(), "截止日，如 2026-06-30"),
                ],
                "/api/v1/staff/kpi/export" => vec![("year", false, whole(), "年度")],
                _ => Vec::new(),
            });
            parameters
        }
        _ => Vec::new(),
    }
}

/// Every API POST route is described, and every example reads into its
/// struct.
#[cfg(test)]
fn check_all() -> Vec<String> {
    let mut problems = Vec::new();
    for (spec, _) in crate::routes::table() {
        if spec.method != axum::http::Method::POST || !spec.path.starts_with("/api/v1/") {
            continue;
        }
        match body_of(spec.path) {
            None => problems.push(format!("POST {}: body not described", spec.path)),
            Some(Body::Json { example, reads, .. }) if !reads(&example) => {
                problems.push(format!("POST {}: the example does not read", spec.path));
            }
            // A misspelt field would read into a struct whose fields all have
            // defaults: every key must be one the schema names.
            Some(Body::Json {
                schema, example, ..
            }) => {
                let named = schema["properties"].as_object();
                let keys = example.as_object().map(|o| o.keys().collect::<Vec<_>>());
                for key in keys.unwrap_or_default() {
                    if !named.is_some_and(|n| n.contains_key(key)) {
                        problems.push(format!("POST {}: example key {key} unknown", spec.path));
                    }
                }
            }
            Some(_) => {}
        }
    }
    // The document keeps one definition per struct name (`$defs` move to
    // `components/schemas`): two structs of one name would silently share
    // one schema, and answers of the other would fail it.
    let mut defined: std::collections::BTreeMap<String, (Value, String)> = Default::default();
    for (spec, _) in crate::routes::table() {
        let response = response_of(&spec.method, spec.path);
        let documented = spec.path.ends_with("/export") || response.is_some();
        if spec.path.starts_with("/api/v1/") && !documented {
            problems.push(format!(
                "{} {}: answer not described",
                spec.method, spec.path
            ));
        }
        let body = match body_of(spec.path) {
            Some(Body::Json { schema, .. }) if spec.method == axum::http::Method::POST => {
                Some(schema)
            }
            _ => None,
        };
        for schema in response.into_iter().chain(body) {
            let defs = schema["$defs"].as_object().cloned().unwrap_or_default();
            for (name, def) in defs {
                let route = format!("{} {}", spec.method, spec.path);
                match defined.get(&name) {
                    Some((known, at)) if *known != def => problems.push(format!(
                        "{route}: schema {name} differs from the one of {at}"
                    )),
                    Some(_) => {}
                    None => {
                        defined.insert(name, (def, route));
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_post_body_is_described_and_its_example_reads() {
        let problems = super::check_all();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn an_example_that_does_not_fit_is_caught() {
        let body =
            super::json_body::<crate::api_employer::BillBody>(serde_json::json!({"month": 1}));
        let super::Body::Json { example, reads, .. } = body else {
            panic!("a JSON body");
        };
        assert!(!reads(&example));
    }
}
