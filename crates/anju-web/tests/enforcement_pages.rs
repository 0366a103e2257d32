//! The enforcement case page as its people use it: the enforcement officer
//! sees the next step due and records guidance; the legal reviewer sees the
//! decision asked of them and records a conclusion; the handler cannot
//! review, a clerk cannot act, and an order before the review is refused
//! with its Chinese message, writing nothing.

mod common;

use anju_app::App;
use anju_domain::Period;
use anju_domain::access::Role;
use anju_domain::collection::MemberEnrolment;
use anju_domain::ids::uscc_check_char;
use axum::http::StatusCode;
use common::{Web, form_body};

/// An employer whose October bill went unpaid, and the case the daily job
/// opened on 2026-11-29 (reminder due 2026-12-14); then the page served on
/// 2026-12-20, after the reminder's deadline. The case's id.
async fn overdue_case_served() -> (Web, i64) {
    let dir = tempfile::tempdir().expect("dir");
    let opened = common::open_app(&dir, common::today()).await;
    let case_id = open_overdue_case(&opened).await;
    let later = anju_domain::Date::parse("2026-12-20").expect("date");
    let app = common::open_app(&dir, later).await;
    (Web::new(app, dir), case_id)
}

async fn open_overdue_case(app: &App) -> i64 {
    let base = "91320500987654321";
    let uscc = format!("{base}{}", uscc_check_char(base).expect("check"));
    let employer_id = common::counter_employer(app, &uscc, "苏州欠缴示例有限公司").await;
    let people = [MemberEnrolment::new("320502199003071230", "王芳", "8000.00").expect("m")];
    app.collection()
        .enrol_members(&common::batch(), employer_id, &people, app.today())
        .await
        .expect("enrol");
    app.collection()
        .generate_bill(
            &common::batch(),
            employer_id,
            Period::new(2026, 10).expect("p"),
        )
        .await
        .expect("bill");
    let day = app
        .collection()
        .collection_day(&common::batch(), app.today())
        .await
        .expect("day");
    day.cases_opened[0]
}

#[tokio::test]
async fn guidance_review_and_order_each_by_their_own_people() {
    let (h, case_id) = overdue_case_served().await;
    let officer = h.person("zhifa01", Role::EnforcementOfficer, None).await;
    let reviewer = h.person("fazhi01", Role::LegalReviewer, None).await;
    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let path = format!("/staff/cases/{case_id}");
    let steps = format!("{path}/steps");

    let page = h.get(&path, &officer).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"case-awaiting\">提示约谈<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"guidance\""), "{}", page.body);
    assert!(
        !page.body.contains("value=\"legal_review\""),
        "not the officer's duty"
    );

    let order = form_body(&[
        ("step", "order"),
        ("deadline", "2027-01-20"),
        ("document", "苏公积责〔2026〕12号"),
        ("evidence", "逾期清册；送达回证"),
    ]);
    let early = h.post_form(&steps, &officer, &order).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.body.contains("前须先对单位进行提示约谈"),
        "{}",
        early.body
    );

    let guidance = form_body(&[
        ("step", "guidance"),
        ("document", "苏公积约〔2026〕3号"),
        ("evidence", "约谈笔录：负责人承诺月底前缴清"),
    ]);
    let guided = h.post_form(&steps, &officer, &guidance).await;
    assert_eq!(guided.status, StatusCode::OK, "{}", guided.body);

    let asked = h.get(&path, &reviewer).await;
    assert!(
        asked.body.contains("法制审核（拟责令限期缴存）"),
        "{}",
        asked.body
    );
    assert!(asked.body.contains("name=\"outcome\" value=\"approved\""));
    let review = form_body(&[
        ("step", "legal_review"),
        ("outcome", "approved"),
        ("document", "法审〔2026〕7号"),
        ("note", "事实清楚，证据确凿，程序合法"),
    ]);
    let by_handler = h.post_form(&steps, &officer, &review).await;
    assert_eq!(
        by_handler.status,
        StatusCode::FORBIDDEN,
        "{}",
        by_handler.body
    );
    let by_clerk = h.post_form(&steps, &clerk, &review).await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN);
    let reviewed = h.post_form(&steps, &reviewer, &review).await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);

    let ordered = h.post_form(&steps, &officer, &order).await;
    assert_eq!(ordered.status, StatusCode::OK, "{}", ordered.body);
    let record = h.get(&path, &officer).await.body;
    for shown in [
        "提示约谈",
        "约谈笔录：负责人承诺月底前缴清",
        "<td>同意</td>",
        "事实清楚，证据确凿，程序合法",
        "责令限期缴存",
        "2027-01-20",
    ] {
        assert!(record.contains(shown), "{shown}: {record}");
    }
    assert!(
        record.contains("id=\"case-awaiting\">法制审核（拟申请法院强制执行）<"),
        "{record}"
    );
    let document = format!("{path}/steps/4/document");
    assert!(
        record.contains(&document),
        "the decision's number links its PDF"
    );
    let pdf = h.get(&document, &officer).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let missing = h.get(&format!("{path}/steps/9/document"), &officer).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // The employer reads the steps that concern them, not the review.
    let (case, _) = h
        .app
        .collection()
        .enforcement_case(case_id)
        .await
        .expect("read")
        .expect("case");
    h.create_account(anju_app::access::NewAccount {
        employer_id: Some(case.employer_id),
        ..common::account("agent-late", Role::EmployerAgent)
    })
    .await;
    let agent = h.sign_in("agent-late", Role::EmployerAgent).await;
    let own = h.get("/employer", &agent).await.body;
    assert!(
        own.contains("提示约谈") && own.contains("责令限期缴存"),
        "{own}"
    );
    assert!(!own.contains("法制审核"), "{own}");
}
