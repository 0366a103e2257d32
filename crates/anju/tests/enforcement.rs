//! Administrative enforcement with legal review, on both backends: the daily
//! job opens a case with a 催缴 reminder; an order is refused until the
//! employer has had a guidance talk (提示约谈) and a legal reviewer who did
//! not handle the case has approved it; the handler may not review; every
//! step keeps who, when, the document and the evidence.

mod common;

use anju_app::App;
use anju_app::access::{Actor, Principal};
use anju_app::collection::CaseStepInput;
use anju_app::policy::load_policy;
use anju_domain::access::{Channel, Role};
use anju_domain::collection::{
    CaseStatus, CaseStep, ContributionRates, EmployerRegistration, MemberEnrolment, ReviewOutcome,
};
use anju_domain::ids::{IdCardNo, uscc_check_char};
use anju_domain::{Date, Period, RatePpm};
use common::fresh_stores;
use std::sync::Arc;

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn job() -> Actor {
    Actor::anonymous(Channel::Batch, "test", "local")
}

fn person(user_id: i64, role: Role, login: &str) -> Actor {
    Actor::of(
        Principal {
            user_id,
            login: login.to_string(),
            display_name: login.to_string(),
            role,
            member_id: None,
            employer_id: None,
        },
        "test",
        "local",
    )
}

fn input(step: CaseStep, deadline: Option<&str>, evidence: &str) -> CaseStepInput {
    CaseStepInput {
        step,
        deadline: deadline.map(d),
        document: format!("苏公积〔2026〕{}号", step.code()),
        note: String::new(),
        outcome: None,
        evidence: evidence.to_string(),
    }
}

fn review(outcome: ReviewOutcome) -> CaseStepInput {
    CaseStepInput {
        outcome: Some(outcome),
        note: "事实清楚，证据确凿，程序合法".to_string(),
        ..input(CaseStep::LegalReview, None, "")
    }
}

/// An employer whose October bill went unpaid, and the case the daily job
/// opened for it on 2 November (reminder due 17 November).
async fn overdue_case(app: &App) -> i64 {
    let base = "91320500123456789";
    let uscc = format!("{base}{}", uscc_check_char(base).expect("check"));
    let rate = RatePpm::parse_percent("10").expect("rate");
    let rates = ContributionRates {
        employer: rate,
        member: rate,
    };
    let registration =
        EmployerRegistration::new(&uscc, "苏州欠缴示例有限公司", None, rates).expect("employer");
    let opened = d("2026-09-01");
    let employer = app
        .collection()
        .register_employer(&job(), &registration, opened)
        .await
        .expect("register");
    let id = IdCardNo::complete("32050219850510031").expect("id");
    let people = [MemberEnrolment::new(id.as_str(), "钱进", "8000.00").expect("member")];
    app.collection()
        .enrol_members(&job(), employer.employer_id, &people, opened)
        .await
        .expect("enrol");
    app.collection()
        .generate_bill(
            &job(),
            employer.employer_id,
            Period::new(2026, 10).expect("p"),
        )
        .await
        .expect("bill");
    let day = app
        .collection()
        .collection_day(&job(), d("2026-11-02"))
        .await
        .expect("day");
    assert_eq!(day.cases_opened.len(), 1, "the job opens the case");
    day.cases_opened[0]
}

#[tokio::test]
async fn an_order_needs_guidance_and_an_independent_legal_review() {
    for fresh in fresh_stores().await {
        let backend = fresh.backend();
        let app = App::new(fresh.store(), load_policy(None).expect("policy"));
        let case_id = overdue_case(&app).await;
        let officer = person(1, Role::EnforcementOfficer, "zhifa01");
        let reviewer = person(2, Role::LegalReviewer, "fazhi01");
        let order = input(
            CaseStep::Order,
            Some("2026-12-31"),
            "逾期清册 202610；送达回证",
        );
        let step = |who: &Actor, what: &CaseStepInput, on: &str| {
            let (app, who, what, on) = (app.clone(), who.clone(), what.clone(), d(on));
            async move {
                app.collection()
                    .add_case_step(&who, case_id, &what, on)
                    .await
                    .map_err(|e| e.code())
            }
        };
        assert_eq!(
            step(&officer, &order, "2026-11-18").await.err(),
            Some(Some("CASE_GUIDANCE_REQUIRED")),
            "{backend}: no order before guidance"
        );
        let guidance = input(CaseStep::Guidance, None, "约谈笔录（2026-11-18）");
        step(&officer, &guidance, "2026-11-18")
            .await
            .expect("guidance");
        assert_eq!(
            step(&officer, &order, "2026-11-19").await.err(),
            Some(Some("CASE_LEGAL_REVIEW_REQUIRED")),
            "{backend}: no order before the legal review"
        );
        assert_eq!(
            step(&officer, &review(ReviewOutcome::Approved), "2026-11-19")
                .await
                .err(),
            Some(Some("CASE_STEP_FORBIDDEN")),
            "{backend}: the handler may not review the case"
        );
        step(&reviewer, &review(ReviewOutcome::Refused), "2026-11-19")
            .await
            .expect("refused review");
        assert_eq!(
            step(&officer, &order, "2026-11-20").await.err(),
            Some(Some("CASE_LEGAL_REVIEW_REQUIRED")),
            "{backend}: a refused review bars the order"
        );
        step(&officer, &guidance, "2026-11-20")
            .await
            .expect("second talk");
        step(&reviewer, &review(ReviewOutcome::Approved), "2026-11-21")
            .await
            .expect("approved review");
        step(&officer, &order, "2026-11-21").await.expect("order");
        let (case, steps) = app
            .collection()
            .enforcement_case(case_id)
            .await
            .expect("read")
            .expect("case");
        assert_eq!(case.status, CaseStatus::Open);
        let record: Vec<(&str, &str, Option<ReviewOutcome>)> = steps
            .iter()
            .map(|s| (s.kind.code(), s.staff_login.as_str(), s.outcome))
            .collect();
        assert_eq!(
            record,
            [
                ("reminder", "system", None),
                ("guidance", "zhifa01", None),
                ("legal_review", "fazhi01", Some(ReviewOutcome::Refused)),
                ("guidance", "zhifa01", None),
                ("legal_review", "fazhi01", Some(ReviewOutcome::Approved)),
                ("order", "zhifa01", None),
            ],
            "{backend}: the full-process record"
        );
        assert_eq!(steps[5].evidence, "逾期清册 202610；送达回证", "{backend}");
        assert_eq!(steps[5].deadline, Some(d("2026-12-31")), "{backend}");
        fresh.drop_it().await;
    }
}

#[tokio::test]
async fn k16_counts_legal_reviewers_against_enforcement_staff() {
    for fresh in fresh_stores().await {
        let backend = fresh.backend();
        let app = Arc::new(App::new(fresh.store(), load_policy(None).expect("policy")));
        let today = d("2026-11-29");
        let seats = [
            (Role::EnforcementOfficer, "zhifa01"),
            (Role::EnforcementOfficer, "zhifa02"),
            (Role::EnforcementOfficer, "zhifa03"),
            (Role::LegalReviewer, "fazhi01"),
            (Role::Clerk, "clerk01"),
        ];
        for (role, login) in seats {
            app.access()
                .create_account(
                    anju_app::access::NewAccount {
                        login: login.to_string(),
                        display_name: login.to_string(),
                        role,
                        password: "anju2026pass".into(),
                        member_id: None,
                        employer_id: None,
                        mobile: None,
                        email: None,
                        totp_secret: None,
                    },
                    today,
                )
                .await
                .expect("account");
        }
        let figures = app.fund().year_figures(2026, today).await.expect("figures");
        assert_eq!(
            (figures.legal_reviewers, figures.enforcement_staff),
            (1, 3),
            "{backend}"
        );
        let months = app.fund().kpi_months(2026, today).await.expect("kpi");
        let k16 = months
            .last()
            .and_then(|m| m.results.iter().find(|r| r.id == "K16"))
            .expect("K16");
        assert_eq!(
            (k16.value.as_ref().map(|v| v.to_string()), k16.from_input),
            (Some("33.33%".to_string()), false),
            "{backend}: counted from the accounts, not typed"
        );
        fresh.drop_it().await;
    }
}
