//! Casework end to end on SQLite: back payments, corrections, reliefs, the
//! base filing (K05), K06, enforcement, the employer life cycle with the
//! “一件事” messages, and flexible workers (K07/K08).

use super::tests::{app, batch, d, rates, register};
use super::{CaseStepInput, CompanyRegistered, FlexibleSignup};
use crate::App;
use crate::access::{Actor, Principal};
use anju_domain::access::Role;
use anju_domain::collection::BillStatus;
use anju_domain::collection::CaseStatus;
use anju_domain::collection::EmployerStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::collection::ReliefStatus;
use anju_domain::collection::ReviewOutcome;
use anju_domain::collection::{
    BackPayRequest, CaseStep, MemberEnrolment, ReliefApplication, ReliefKind,
};
use anju_domain::ids::{IdCardNo, MobileNo, uscc_check_char};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, Fen, Period};
use anju_store::{MemberRecord, NewBase};

fn id(body: &str) -> String {
    IdCardNo::complete(body).expect("id").as_str().to_string()
}

fn uscc(n: u32) -> String {
    let body = format!("91320500MA1TXWQ{n:02}");
    let check = uscc_check_char(&body).expect("check char");
    format!("{body}{check}")
}

fn p(text: &str) -> Period {
    Period::parse(text).expect("period")
}

fn person(user_id: i64, role: Role, employer_id: Option<i64>) -> Actor {
    let principal = Principal {
        user_id,
        login: format!("1380000{user_id:04}"),
        display_name: format!("{}{user_id}", role.name_zh()),
        role,
        member_id: None,
        employer_id,
    };
    Actor::of(principal, "req", "127.0.0.1")
}

async fn balance(app: &App, member_id: i64) -> Fen {
    app.ledger()
        .member_balance(MemberId(member_id))
        .await
        .expect("balance")
        .balance
}

/// An employer paying 10% + 10% with two members (8,000 and 6,000 a month).
async fn employer_with_two(app: &App, n: u32) -> (i64, Vec<MemberRecord>) {
    let employer = register(app, &uscc(n), &format!("测试单位{n}"), Some(15), "10").await;
    let people = [
        MemberEnrolment::new(&id(&format!("320502199003{n:02}111")), "张伟", "8000.00").expect("m"),
        MemberEnrolment::new(&id(&format!("320502199104{n:02}222")), "李娜", "6000.00").expect("m"),
    ];
    let members = app
        .collection()
        .enrol_members(&batch(), employer.employer_id, &people, d("2026-09-01"))
        .await
        .expect("enrol");
    (employer.employer_id, members)
}

async fn billed_and_paid(app: &App, employer_id: i64, period: &str, paid_on: &str) -> i64 {
    let bill = app
        .collection()
        .generate_bill(&batch(), employer_id, p(period))
        .await
        .expect("bill");
    app.collection()
        .pay_bill(&batch(), bill.bill_id, "bank", d(paid_on))
        .await
        .expect("pay");
    bill.bill_id
}

#[tokio::test]
async fn a_back_payment_tops_up_a_low_base_and_a_missed_member() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, members) = employer_with_two(&app, 1).await;
    billed_and_paid(&app, employer_id, "202610", "2026-10-18").await;
    let late = app
        .collection()
        .enrol_members(
            &batch(),
            employer_id,
            &[MemberEnrolment::new(&id("32050219920505333"), "王强", "5000.00").expect("m")],
            d("2026-11-05"),
        )
        .await
        .expect("late hire");
    let requests = [
        BackPayRequest {
            member: MemberId(members[0].member_id),
            wage: Fen::new(9_000_00),
            rates: None,
        },
        BackPayRequest {
            member: MemberId(late[0].member_id),
            wage: Fen::new(5_000_00),
            rates: None,
        },
    ];
    let reason = "10月基数申报有误，王强漏缴";
    let today = d("2026-11-20");
    let current = app
        .collection()
        .create_back_payment(&batch(), employer_id, p("202611"), reason, &requests, today)
        .await;
    assert_eq!(
        current.expect_err("this month").code(),
        Some("BACKPAY_PERIOD")
    );
    let no_reason = app
        .collection()
        .create_back_payment(&batch(), employer_id, p("202610"), " ", &requests, today)
        .await;
    assert_eq!(
        no_reason.expect_err("reason").code(),
        Some("REASON_REQUIRED")
    );
    let bill = app
        .collection()
        .create_back_payment(&batch(), employer_id, p("202610"), reason, &requests, today)
        .await
        .expect("back payment");
    // 1,000 more base × 10% × 2 = 200.00; the missed month 5,000 × 20% = 1,000.00.
    assert_eq!(
        (bill.kind.code(), bill.total_fen),
        ("02", anju_domain::Fen::new(1_200_00))
    );
    let paid = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "bank", today)
        .await
        .expect("pay");
    let entry = app
        .ledger_port()
        .entry(anju_domain::ledger::EntryId(
            paid.paid_entry_id.expect("entry"),
        ))
        .await
        .expect("read")
        .expect("entry");
    assert_eq!(entry.entry.business_type, "C02");
    assert_eq!(
        balance(&app, members[0].member_id).await,
        Fen::new(1_800_00)
    );
    assert_eq!(balance(&app, late[0].member_id).await, Fen::new(1_000_00));
    let twice = app
        .collection()
        .create_back_payment(
            &batch(),
            employer_id,
            p("202610"),
            reason,
            &requests[..1],
            today,
        )
        .await;
    assert_eq!(
        twice.expect_err("charged already").code(),
        Some("BACKPAY_NOT_HIGHER"),
        "the same back payment is not billed twice"
    );
    assert!(
        app.collection()
            .overdue_bills(d("2026-12-31"))
            .await
            .expect("o")
            .is_empty()
    );
    let open_month = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202611"))
        .await
        .expect("bill");
    let refused = app
        .collection()
        .create_back_payment(
            &batch(),
            employer_id,
            p("202611"),
            reason,
            &requests,
            d("2026-12-02"),
        )
        .await;
    assert_eq!(
        refused.expect_err("open").code(),
        Some("BACKPAY_MONTHLY_OPEN")
    );
    assert_eq!(open_month.status, BillStatus::Open);
}

#[tokio::test]
async fn a_correction_reverses_a_paid_bill_after_approval_and_frees_the_month() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, members) = employer_with_two(&app, 2).await;
    let bill_id = billed_and_paid(&app, employer_id, "202610", "2026-10-18").await;
    let clerk = person(1, Role::Clerk, None);
    let reviewer = person(2, Role::Reviewer, None);
    let agent = person(3, Role::EmployerAgent, Some(employer_id));
    let forbidden = app
        .collection()
        .request_bill_correction(&agent, bill_id, "工资录错")
        .await;
    assert_eq!(
        forbidden.expect_err("maker role").code(),
        Some("ROLE_FORBIDDEN")
    );
    let task = app
        .collection()
        .request_bill_correction(&clerk, bill_id, "张伟工资录错")
        .await
        .expect("request");
    let duplicate = app
        .collection()
        .request_bill_correction(&clerk, bill_id, "重复申请")
        .await;
    assert_eq!(duplicate.expect_err("pending").code(), Some("TASK_PENDING"));
    let by_entry = app
        .access()
        .request_reversal(
            &clerk,
            &crate::access::ReversalRequest {
                entry_id: app
                    .collection_port()
                    .bill(bill_id)
                    .await
                    .expect("b")
                    .and_then(|(b, _)| b.paid_entry_id)
                    .expect("paid"),
                reason: "同一笔".into(),
            },
        )
        .await;
    assert_eq!(by_entry.expect_err("pending").code(), Some("TASK_PENDING"));
    assert_eq!(
        balance(&app, members[0].member_id).await,
        Fen::new(1_600_00)
    );
    app.access()
        .decide_task(&reviewer, task.task_id, true, "", d("2026-12-01"))
        .await
        .expect("approve");
    assert_eq!(balance(&app, members[0].member_id).await, Fen::ZERO);
    let (bill, _) = app
        .collection_port()
        .bill(bill_id)
        .await
        .expect("b")
        .expect("bill");
    assert!(bill.reversal_entry_id.is_some());
    let again = app
        .collection()
        .request_bill_correction(&clerk, bill_id, "再次")
        .await;
    assert_eq!(
        again.expect_err("once").code(),
        Some("BILL_NOT_CORRECTABLE")
    );
    billed_and_paid(&app, employer_id, "202610", "2026-11-02").await;
    assert_eq!(
        balance(&app, members[0].member_id).await,
        Fen::new(1_600_00)
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

fn relief(kind: ReliefKind, from: &str, to: &str, rate: Option<&str>) -> ReliefApplication {
    ReliefApplication {
        kind,
        from: p(from),
        to: p(to),
        rates: rate.map(rates),
        reason: "订单下降，经营困难".to_string(),
        consent: "职代会决议〔2026〕5号".to_string(),
    }
}

#[tokio::test]
async fn an_approved_deferral_moves_the_due_date_and_ends_by_itself() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, _) = employer_with_two(&app, 3).await;
    let agent = person(3, Role::EmployerAgent, Some(employer_id));
    let reviewer = person(2, Role::Reviewer, None);
    let application = relief(ReliefKind::Deferral, "202612", "202702", None);
    let filed = app
        .collection()
        .apply_for_relief(&agent, employer_id, &application, d("2026-11-20"))
        .await
        .expect("apply");
    assert_eq!(filed.status, ReliefStatus::Pending);
    let overlap = app
        .collection()
        .apply_for_relief(
            &agent,
            employer_id,
            &relief(ReliefKind::Deferral, "202702", "202704", None),
            d("2026-11-20"),
        )
        .await;
    assert_eq!(overlap.expect_err("overlap").code(), Some("RELIEF_OVERLAP"));
    let own = app
        .access()
        .decide_task(&agent, filed.task_id, true, "", d("2026-12-01"))
        .await;
    assert_eq!(own.expect_err("checker").code(), Some("MAKER_CHECKER_SELF"));
    // JC08's five working days run from Friday 20 November to the 27th; a
    // refused attempt to decide leaves the work open.
    let work = || async {
        let kind = anju_domain::service_times::WorkKind::Relief;
        let item = app.work_port().work_item(kind, filed.relief_id).await;
        item.expect("read").expect("clocked")
    };
    let open = work().await;
    assert_eq!(
        (open.accepted_on, open.due_on, open.completed_on),
        (d("2026-11-20"), d("2026-11-27"), None)
    );
    app.access()
        .decide_task(&reviewer, filed.task_id, true, "同意", d("2026-12-01"))
        .await
        .expect("approve");
    let decided = work().await;
    assert!(decided.was_late(), "decided on 1 December: {decided:?}");
    let employer = app
        .collection_port()
        .employer(employer_id)
        .await
        .expect("e")
        .expect("e");
    assert_eq!(employer.status, EmployerStatus::Deferred);
    let bill = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202612"))
        .await
        .expect("bill while deferred");
    assert_eq!(bill.due_date, d("2027-03-31"));
    assert!(
        app.collection()
            .overdue_bills(d("2027-02-15"))
            .await
            .expect("o")
            .is_empty()
    );
    let day = app
        .collection()
        .collection_day(&batch(), d("2027-02-28"))
        .await
        .expect("day");
    assert!(day.deferrals_ended.is_empty());
    let day = app
        .collection()
        .collection_day(&batch(), d("2027-03-01"))
        .await
        .expect("day");
    assert_eq!(day.deferrals_ended, vec![employer_id]);
    let employer = app
        .collection_port()
        .employer(employer_id)
        .await
        .expect("e")
        .expect("e");
    assert_eq!(employer.status, EmployerStatus::Active);
}

#[tokio::test]
async fn an_approved_rate_reduction_bills_the_reduced_rates_and_a_rejection_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, _) = employer_with_two(&app, 4).await;
    let agent = person(3, Role::EmployerAgent, Some(employer_id));
    let reviewer = person(2, Role::Reviewer, None);
    let rejected = app
        .collection()
        .apply_for_relief(
            &agent,
            employer_id,
            &relief(ReliefKind::RateReduction, "202612", "202702", Some("6")),
            d("2026-11-20"),
        )
        .await
        .expect("apply");
    app.access()
        .decide_task(
            &reviewer,
            rejected.task_id,
            false,
            "材料不全",
            d("2026-12-01"),
        )
        .await
        .expect("reject");
    let approved = app
        .collection()
        .apply_for_relief(
            &agent,
            employer_id,
            &relief(ReliefKind::RateReduction, "202612", "202702", Some("5")),
            d("2026-11-21"),
        )
        .await
        .expect("apply");
    app.access()
        .decide_task(&reviewer, approved.task_id, true, "", d("2026-12-01"))
        .await
        .expect("approve");
    let statuses: Vec<ReliefStatus> = app
        .collection()
        .reliefs_of(employer_id)
        .await
        .expect("list")
        .into_iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [ReliefStatus::Approved, ReliefStatus::Rejected]);
    let november = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202611"))
        .await
        .expect("bill");
    let december = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202612"))
        .await
        .expect("bill");
    // 14,000 of bases: at 10% + 10% 2,800.00; at 5% + 5% 1,400.00.
    assert_eq!(
        (november.total_fen, december.total_fen),
        (
            anju_domain::Fen::new(2_800_00),
            anju_domain::Fen::new(1_400_00)
        )
    );
    let other = person(9, Role::EmployerAgent, Some(employer_id + 1));
    let scoped = app
        .collection()
        .apply_for_relief(
            &other,
            employer_id,
            &relief(ReliefKind::Deferral, "202612", "202701", None),
            d("2026-11-21"),
        )
        .await;
    assert_eq!(scoped.expect_err("scope").code(), Some("EMPLOYER_SCOPE"));
}

#[tokio::test]
async fn the_base_filing_applies_new_bases_and_counts_for_k05() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (first, members) = employer_with_two(&app, 5).await;
    employer_with_two(&app, 6).await;
    let today = d("2026-07-10");
    let partial = [NewBase {
        member_id: members[0].member_id,
        wage_fen: anju_domain::Fen::new(9_000_00),
    }];
    let refused = app
        .collection()
        .file_bases(&batch(), first, 2026, &partial, today)
        .await;
    assert_eq!(
        refused.expect_err("all staff").code(),
        Some("BASE_INCOMPLETE")
    );
    let wrong_year = app
        .collection()
        .file_bases(&batch(), first, 2025, &partial, today)
        .await;
    assert_eq!(wrong_year.expect_err("year").code(), Some("BASE_YEAR"));
    assert_eq!(
        app.collection()
            .base_filing_counts(2026)
            .await
            .expect("k05"),
        (0, 2)
    );
    let all = [
        NewBase {
            member_id: members[0].member_id,
            wage_fen: anju_domain::Fen::new(9_000_00),
        },
        NewBase {
            member_id: members[1].member_id,
            wage_fen: anju_domain::Fen::new(7_000_00),
        },
    ];
    app.collection()
        .file_bases(&batch(), first, 2026, &all, today)
        .await
        .expect("file");
    assert_eq!(
        app.collection()
            .base_filing_counts(2026)
            .await
            .expect("k05"),
        (1, 2)
    );
    let missing: Vec<i64> = app
        .collection()
        .employers_not_filed(2026)
        .await
        .expect("list")
        .iter()
        .map(|e| e.employer_id)
        .collect();
    assert_eq!(missing.len(), 1);
    assert_ne!(missing[0], first);
    let july = app
        .collection()
        .generate_bill(&batch(), first, p("202607"))
        .await
        .expect("bill");
    // New bases 9,000 + 7,000 at 10% + 10%.
    assert_eq!(july.total_fen, anju_domain::Fen::new(3_200_00));
}

#[tokio::test]
async fn k06_counts_employers_with_an_overdue_bill_on_both_sides_of_the_due_date() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (late, _) = employer_with_two(&app, 7).await;
    let (on_time, _) = employer_with_two(&app, 8).await;
    employer_with_two(&app, 9).await;
    app.collection()
        .generate_bill(&batch(), late, p("202610"))
        .await
        .expect("bill");
    billed_and_paid(&app, on_time, "202610", "2026-10-20").await;
    // Pay day 15 + 5 days: due 2026-10-20.
    assert_eq!(
        app.collection()
            .employer_overdue_counts(d("2026-10-20"))
            .await
            .expect("k06"),
        (0, 3)
    );
    assert_eq!(
        app.collection()
            .employer_overdue_counts(d("2026-10-21"))
            .await
            .expect("k06"),
        (1, 3)
    );
}

#[tokio::test]
async fn enforcement_escalates_after_each_deadline_and_closes_when_paid() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, _) = employer_with_two(&app, 10).await;
    let bill = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202610"))
        .await
        .expect("bill");
    let (agent, _) = app
        .access()
        .create_account(
            crate::access::NewAccount {
                login: "agent-late".into(),
                display_name: "经办人".into(),
                role: Role::EmployerAgent,
                password: "anju2026pass".into(),
                member_id: None,
                employer_id: Some(employer_id),
                mobile: Some("13900001111".into()),
                email: None,
                totp_secret: None,
            },
            d("2026-10-01"),
        )
        .await
        .expect("agent");
    let staff = person(1, Role::EnforcementOfficer, None);
    let clerk = person(5, Role::Clerk, None);
    let refused = app
        .collection()
        .open_enforcement_case(
            &clerk,
            employer_id,
            "催缴1号",
            d("2026-11-05"),
            d("2026-10-21"),
        )
        .await;
    assert_eq!(
        refused.expect_err("clerk").code(),
        Some("CASE_STEP_FORBIDDEN"),
        "enforcement is the enforcement staff's duty"
    );
    let not_yet = app
        .collection()
        .open_enforcement_case(
            &staff,
            employer_id,
            "催缴1号",
            d("2026-11-05"),
            d("2026-10-20"),
        )
        .await;
    assert_eq!(
        not_yet.expect_err("not overdue").code(),
        Some("CASE_NOT_OVERDUE")
    );
    assert_eq!(
        overdue_with_cases(&app, d("2026-10-21")).await,
        [(employer_id, None)]
    );
    let day = app
        .collection()
        .collection_day(&batch(), d("2026-10-21"))
        .await
        .expect("day");
    assert_eq!((day.overdue_employers, day.cases_opened.len()), (1, 1));
    let again = app
        .collection()
        .collection_day(&batch(), d("2026-10-22"))
        .await
        .expect("day");
    assert!(again.cases_opened.is_empty(), "one open case per employer");
    let case_id = day.cases_opened[0];
    assert_eq!(
        overdue_with_cases(&app, d("2026-10-22")).await,
        [(employer_id, Some(case_id))],
        "the list shows the case the job opened"
    );
    let inbox = app.access().inbox(agent.user_id, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "the agent is told of the reminder");
    assert_eq!(inbox[0].title, "住房公积金催缴通知");
    assert!(inbox[0].body.contains("2026-11-05"), "{}", inbox[0].body);
    let (case, steps) = app
        .collection()
        .enforcement_case(case_id)
        .await
        .expect("c")
        .expect("case");
    assert_eq!(
        (case.arrears_fen, case.periods.as_str()),
        (anju_domain::Fen::new(2_800_00), "202610")
    );
    assert_eq!(steps[0].deadline, Some(d("2026-11-05")));
    let order = step_input(CaseStep::Order, Some("2026-12-05"), "苏公积责〔2026〕12号");
    let unguided = app
        .collection()
        .add_case_step(&staff, case_id, &order, d("2026-11-06"))
        .await;
    assert_eq!(
        unguided.expect_err("guidance first").code(),
        Some("CASE_GUIDANCE_REQUIRED")
    );
    let guidance = CaseStepInput {
        evidence: "约谈笔录：单位负责人承诺 11 月底前缴清".to_string(),
        ..step_input(CaseStep::Guidance, None, "苏公积约〔2026〕3号")
    };
    let early = app
        .collection()
        .add_case_step(&staff, case_id, &guidance, d("2026-11-05"))
        .await;
    assert_eq!(
        early.expect_err("deadline").code(),
        Some("CASE_DEADLINE_PENDING")
    );
    app.collection()
        .add_case_step(&staff, case_id, &guidance, d("2026-11-06"))
        .await
        .expect("guidance");
    let unreviewed = app
        .collection()
        .add_case_step(&staff, case_id, &order, d("2026-11-06"))
        .await;
    assert_eq!(
        unreviewed.expect_err("review first").code(),
        Some("CASE_LEGAL_REVIEW_REQUIRED")
    );
    let review = CaseStepInput {
        outcome: Some(ReviewOutcome::Approved),
        note: "事实清楚，证据确凿，程序合法，同意责令限期缴存".to_string(),
        ..step_input(CaseStep::LegalReview, None, "法审〔2026〕7号")
    };
    let by_handler = app
        .collection()
        .add_case_step(&staff, case_id, &review, d("2026-11-07"))
        .await;
    assert_eq!(
        by_handler.expect_err("not a reviewer").code(),
        Some("CASE_STEP_FORBIDDEN")
    );
    let reviewer = person(7, Role::LegalReviewer, None);
    app.collection()
        .add_case_step(&reviewer, case_id, &review, d("2026-11-07"))
        .await
        .expect("review");
    let bare_order = app
        .collection()
        .add_case_step(&staff, case_id, &order, d("2026-11-07"))
        .await;
    assert_eq!(
        bare_order.expect_err("evidence").code(),
        Some("TEXT_INVALID"),
        "a penalty names its evidence"
    );
    let order = CaseStepInput {
        evidence: "逾期清册 202610；催缴通知送达回证".to_string(),
        ..order
    };
    app.collection()
        .add_case_step(&staff, case_id, &order, d("2026-11-07"))
        .await
        .expect("order");
    let decision = app
        .collection()
        .case_document(case_id, 4)
        .await
        .expect("document");
    assert_eq!(decision.title, "责令限期缴存住房公积金决定书");
    assert_eq!(decision.number, "苏公积责〔2026〕12号");
    let body = decision.paragraphs.join("");
    for part in [
        "202610",
        "¥2,800.00",
        "于 2026-10-21 送达催缴通知（催缴〔2026〕",
        "于 2026-11-06 进行提示约谈（苏公积约〔2026〕3号）",
        "经法制审核（法审〔2026〕7号）",
        "第三十八条",
        "于 2026-12-05 前",
        "行政复议",
    ] {
        assert!(body.contains(part), "{part}: {body}");
    }
    let close = step_input(CaseStep::Closed, None, "");
    let unpaid = app
        .collection()
        .add_case_step(&staff, case_id, &close, d("2026-11-20"))
        .await;
    assert_eq!(unpaid.expect_err("note").code(), Some("TEXT_INVALID"));
    app.collection()
        .pay_bill(&batch(), bill.bill_id, "bank", d("2026-11-20"))
        .await
        .expect("pay");
    let closed = app
        .collection()
        .add_case_step(&staff, case_id, &close, d("2026-11-21"))
        .await
        .expect("close");
    assert_eq!(closed.status, CaseStatus::Closed);
    let (_, steps) = app
        .collection()
        .enforcement_case(case_id)
        .await
        .expect("c")
        .expect("case");
    let kinds: Vec<&str> = steps.iter().map(|s| s.kind.code()).collect();
    assert_eq!(
        kinds,
        ["reminder", "guidance", "legal_review", "order", "closed"]
    );
    let officer = staff.principal.as_ref().map(Principal::masked_login);
    assert_eq!(Some(steps[1].staff_login.clone()), officer);
    assert_eq!(steps[2].outcome, Some(ReviewOutcome::Approved));
    assert_eq!(steps[3].evidence, "逾期清册 202610；催缴通知送达回证");
    let inbox = app.access().inbox(agent.user_id, 10).await.expect("inbox");
    let titles: Vec<&str> = inbox.iter().map(|m| m.title.as_str()).collect();
    assert!(
        !titles.contains(&"法制审核"),
        "the employer is not told of the centre's own review: {titles:?}"
    );
    assert_eq!(steps[0].staff_login, "system", "the job sent the reminder");
}

fn step_input(step: CaseStep, deadline: Option<&str>, document: &str) -> CaseStepInput {
    CaseStepInput {
        step,
        deadline: deadline.map(d),
        document: document.to_string(),
        note: String::new(),
        outcome: None,
        evidence: String::new(),
    }
}

/// The staff page's list of overdue employers, as (employer, open case).
async fn overdue_with_cases(app: &App, today: Date) -> Vec<(i64, Option<i64>)> {
    let found = app
        .collection()
        .overdue_employers(today, 10)
        .await
        .expect("overdue");
    found
        .iter()
        .map(|(e, case)| (e.employer_id, case.as_ref().map(|c| c.case_id)))
        .collect()
}

fn registered(n: u32) -> CompanyRegistered {
    CompanyRegistered {
        message_id: format!("YJS-{n}"),
        uscc: uscc(n),
        name: format!("一件事新办企业{n}"),
        economic_type: Some("159".to_string()),
        industry: Some("I".to_string()),
    }
}

#[tokio::test]
async fn a_registration_message_opens_and_a_deregistration_closes_once_empty() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let message = registered(11);
    let opened = app
        .collection()
        .open_employer_from_message(&batch(), &message, d("2026-11-02"))
        .await
        .expect("open");
    assert_eq!(
        (opened.status.code(), opened.source.as_str()),
        ("02", "yjs")
    );
    assert_eq!(opened.industry.as_deref(), Some("I"));
    let redelivered = app
        .collection()
        .open_employer_from_message(&batch(), &message, d("2026-11-03"))
        .await
        .expect("again");
    assert_eq!(redelivered.employer_id, opened.employer_id);
    let hired = app
        .collection()
        .enrol_members(
            &batch(),
            opened.employer_id,
            &[MemberEnrolment::new(&id("32050219930707444"), "赵敏", "7000").expect("m")],
            d("2026-11-05"),
        )
        .await
        .expect("enrol");
    let active = app
        .collection_port()
        .employer(opened.employer_id)
        .await
        .expect("e")
        .expect("e");
    assert_eq!(
        active.status,
        EmployerStatus::Active,
        "the first staff make the account contributing"
    );
    let agent = person(4, Role::EmployerAgent, Some(opened.employer_id));
    let too_high = app
        .collection()
        .confirm_employer_terms(
            &agent,
            opened.employer_id,
            Some(10),
            rates("13"),
            d("2026-11-06"),
        )
        .await;
    assert_eq!(
        too_high.expect_err("band").code(),
        Some("RATE_OUT_OF_POLICY")
    );
    let bad_day = app
        .collection()
        .confirm_employer_terms(
            &agent,
            opened.employer_id,
            Some(31),
            rates("8"),
            d("2026-11-06"),
        )
        .await;
    assert_eq!(bad_day.expect_err("day").code(), Some("PAY_DAY_INVALID"));
    let confirmed = app
        .collection()
        .confirm_employer_terms(
            &agent,
            opened.employer_id,
            Some(10),
            rates("8"),
            d("2026-11-06"),
        )
        .await
        .expect("terms");
    assert_eq!(
        (confirmed.pay_day, confirmed.employer_rate_ppm),
        (Some(10), anju_domain::RatePpm::new(80_000).expect("rate"))
    );
    let lowered = app
        .collection()
        .confirm_employer_terms(
            &agent,
            opened.employer_id,
            Some(10),
            rates("6"),
            d("2026-11-07"),
        )
        .await;
    assert_eq!(
        lowered.expect_err("approval").code(),
        Some("RATE_REDUCTION_NEEDS_APPROVAL"),
        "once contributing, a reduction goes through the relief workflow"
    );
    let refused = app
        .collection()
        .close_employer_from_message(&batch(), &message.uscc, "YJS-C1")
        .await;
    assert_eq!(
        refused.expect_err("members").code(),
        Some("EMPLOYER_HAS_MEMBERS")
    );
    app.collection()
        .seal_member(&batch(), hired[0].member_id, d("2026-11-02"))
        .await
        .expect("leave");
    let closed = app
        .collection()
        .close_employer_from_message(&batch(), &message.uscc, "YJS-C1")
        .await
        .expect("close");
    assert_eq!(closed.status, EmployerStatus::Closed);
    let late = app
        .collection()
        .enrol_members(
            &batch(),
            opened.employer_id,
            &[MemberEnrolment::new(&id("32050219930707444"), "赵敏", "7000").expect("m")],
            d("2026-11-25"),
        )
        .await;
    assert_eq!(
        late.expect_err("closed").code(),
        Some("EMPLOYER_NOT_ACTIVE")
    );
    let bad = CompanyRegistered {
        // A valid body with a wrong check character.
        uscc: format!("{}0", &uscc(12)[..17]).replace("00", "01"),
        ..registered(12)
    };
    let invalid = app
        .collection()
        .open_employer_from_message(&batch(), &bad, d("2026-11-02"))
        .await;
    assert!(invalid.is_err(), "a bad credit code opens nothing");
    let found = app
        .collection()
        .search_registry("一件事新办")
        .await
        .expect("search");
    assert_eq!(found.0.len(), 1);
}

fn signup(body: &str, monthly: &str) -> FlexibleSignup {
    FlexibleSignup {
        id_card: IdCardNo::complete(body).expect("id"),
        name: "周杰".to_string(),
        mobile: MobileNo::parse("13912345678").expect("mobile"),
        monthly: Fen::parse(monthly).expect("amount"),
        agreed: true,
    }
}

#[tokio::test]
async fn flexible_workers_sign_up_deposit_and_count_for_k07_k08() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (_, employed) = employer_with_two(&app, 13).await;
    let today = d("2026-11-10");
    let low = app
        .collection()
        .sign_up_flexible(&batch(), &signup("32050219950101555", "400.00"), today)
        .await;
    assert_eq!(
        low.expect_err("minimum").code(),
        Some("DEPOSIT_BELOW_MINIMUM")
    );
    let mut unsigned = signup("32050219950101555", "600.00");
    unsigned.agreed = false;
    let refused = app
        .collection()
        .sign_up_flexible(&batch(), &unsigned, today)
        .await;
    assert_eq!(
        refused.expect_err("agree").code(),
        Some("AGREEMENT_REQUIRED")
    );
    let worker = app
        .collection()
        .sign_up_flexible(&batch(), &signup("32050219950101555", "600.00"), today)
        .await
        .expect("sign up");
    assert_eq!(worker.employer_id, None);
    let twice = app
        .collection()
        .sign_up_flexible(&batch(), &signup("32050219950101555", "600.00"), today)
        .await;
    assert_eq!(twice.expect_err("once").code(), Some("AGREEMENT_EXISTS"));
    let employed_id = employed[0].id_card.clone();
    let busy = FlexibleSignup {
        id_card: IdCardNo::parse(&employed_id).expect("id"),
        name: employed[0].name.clone(),
        ..signup("32050219950101555", "600.00")
    };
    let busy = app
        .collection()
        .sign_up_flexible(&batch(), &busy, today)
        .await;
    assert_eq!(
        busy.expect_err("employed").code(),
        Some("FLEXIBLE_EMPLOYED")
    );
    assert_eq!(
        app.collection().flexible_counts(today).await.expect("k07"),
        (0, 2)
    );
    let small = app
        .collection()
        .deposit_flexible(
            &batch(),
            worker.member_id,
            p("202611"),
            Fen::new(495_19),
            "ecny",
            "request-small1",
            today,
        )
        .await;
    assert_eq!(
        small.expect_err("minimum").code(),
        Some("DEPOSIT_BELOW_MINIMUM")
    );
    let deposit = app
        .collection()
        .deposit_flexible(
            &batch(),
            worker.member_id,
            p("202611"),
            Fen::new(2_000_00),
            "ecny",
            "request-first1",
            today,
        )
        .await
        .expect("deposit");
    assert!(deposit.reference.starts_with("EC"));
    assert_eq!(balance(&app, worker.member_id).await, Fen::new(2_000_00));
    let resubmitted = app
        .collection()
        .deposit_flexible(
            &batch(),
            worker.member_id,
            p("202611"),
            Fen::new(2_000_00),
            "ecny",
            "request-first1",
            today,
        )
        .await
        .expect("the same request again");
    assert_eq!(resubmitted.deposit_id, deposit.deposit_id);
    assert_eq!(
        balance(&app, worker.member_id).await,
        Fen::new(2_000_00),
        "a resubmitted form collects and credits once"
    );
    let stranger = person(5, Role::Member, None);
    let scoped = app
        .collection()
        .deposit_flexible(
            &stranger,
            worker.member_id,
            p("202611"),
            Fen::new(600_00),
            "bank",
            "request-scope1",
            today,
        )
        .await;
    assert_eq!(scoped.expect_err("scope").code(), Some("MEMBER_SCOPE"));
    let not_flexible = app
        .collection()
        .deposit_flexible(
            &batch(),
            employed[0].member_id,
            p("202611"),
            Fen::new(600_00),
            "bank",
            "request-other1",
            today,
        )
        .await;
    assert_eq!(
        not_flexible.expect_err("employed").code(),
        Some("FLEXIBLE_NOT_SIGNED")
    );
    assert_eq!(
        app.collection().flexible_counts(today).await.expect("k07"),
        (1, 2)
    );
    assert_eq!(
        app.collection()
            .flexible_counts(d("2027-11-11"))
            .await
            .expect("k07"),
        (0, 2)
    );
    // A member who left a job continues in the same account as a flexible worker.
    app.collection()
        .seal_member(&batch(), employed[1].member_id, d("2026-11-02"))
        .await
        .expect("leave");
    let impostor = FlexibleSignup {
        id_card: IdCardNo::parse(&employed[1].id_card).expect("id"),
        name: "冒用者".to_string(),
        ..signup("32050219950101555", "600.00")
    };
    let refused = app
        .collection()
        .sign_up_flexible(&batch(), &impostor, today)
        .await;
    assert_eq!(
        refused.expect_err("name").code(),
        Some("MEMBER_NOT_MATCHED")
    );
    let untouched = app
        .collection_port()
        .member(employed[1].member_id)
        .await
        .expect("m")
        .expect("member");
    assert_eq!(
        untouched.status,
        MemberStatus::Sealed,
        "a refused sign-up changes nothing"
    );
    let continued = FlexibleSignup {
        id_card: IdCardNo::parse(&employed[1].id_card).expect("id"),
        name: employed[1].name.clone(),
        ..signup("32050219950101555", "600.00")
    };
    let same = app
        .collection()
        .sign_up_flexible(&batch(), &continued, today)
        .await
        .expect("continue");
    assert_eq!(same.member_id, employed[1].member_id);
    assert_eq!(same.status, MemberStatus::Active);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// The bad file as an Excel workbook: a wrong ID checksum in row 7,
/// a rate outside the policy in row 9. Nothing is written unless the agent
/// takes the valid rows.
#[tokio::test]
async fn a_bad_excel_roster_names_rows_and_columns_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let employer = register(&app, &uscc(14), "表格单位", Some(15), "10").await;
    let rows: [(&str, &str, f64, Option<f64>); 8] = [
        ("320502199001020018", "甲", 8000.0, Some(12.0)),
        ("320502199001030013", "乙", 9000.0, None),
        ("11010519491231002X", "丙", 10000.5, Some(10.0)),
        ("320502199003071230", "丁", 6000.0, Some(5.0)),
        ("320502199001040019", "戊", 7000.0, Some(8.0)),
        ("320502199001050011", "己", 7000.0, Some(8.0)),
        ("32050219900106001X", "庚", 7000.0, Some(8.0)),
        ("320502199001070015", "辛", 7000.0, Some(13.0)),
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, name) in (0u16..).zip(["身份证号", "姓名", "月工资", "单位比例", "个人比例"])
    {
        sheet.write_string(0, col, name).expect("write");
    }
    for (row, (id, name, wage, rate)) in (1u32..).zip(rows) {
        sheet.write_string(row, 0, id).expect("write");
        sheet.write_string(row, 1, name).expect("write");
        sheet.write_number(row, 2, wage).expect("write");
        if let Some(rate) = rate {
            sheet.write_number(row, 3, rate).expect("write");
            sheet.write_number(row, 4, rate.min(12.0)).expect("write");
        }
    }
    let bytes = book.save_to_buffer().expect("xlsx");
    let today = d("2026-11-02");
    let refused = app
        .collection()
        .import_roster(&batch(), employer.employer_id, &bytes, false, today)
        .await
        .expect("report");
    let found: Vec<(usize, &str)> = refused
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(found, [(7, "身份证号"), (9, "单位比例")]);
    assert!(refused.enrolled.is_empty());
    assert!(
        app.collection_port()
            .active_members(employer.employer_id)
            .await
            .expect("roster")
            .is_empty(),
        "nothing written"
    );
    let taken = app
        .collection()
        .import_roster(&batch(), employer.employer_id, &bytes, true, today)
        .await
        .expect("report");
    assert_eq!((taken.enrolled.len(), taken.errors.len()), (6, 2));
}

#[tokio::test]
async fn a_base_file_files_every_member_or_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, members) = employer_with_two(&app, 15).await;
    let today = d("2026-07-12");
    let stranger = id("32050219800101999");
    let bad = format!(
        "身份证号,月平均工资\n{},9000\n{stranger},7000\n",
        members[0].id_card
    );
    let (filing, errors) = app
        .collection()
        .file_bases_from_file(&batch(), employer_id, bad.as_bytes(), today)
        .await
        .expect("report");
    assert!(filing.is_none());
    assert_eq!(
        errors.iter().map(|e| (e.row, e.code)).collect::<Vec<_>>(),
        [(3, "MEMBER_NOT_IN_EMPLOYER")]
    );
    let half = format!("身份证号,月平均工资\n{},9000\n", members[0].id_card);
    let incomplete = app
        .collection()
        .file_bases_from_file(&batch(), employer_id, half.as_bytes(), today)
        .await;
    assert_eq!(
        incomplete.expect_err("all staff").code(),
        Some("BASE_INCOMPLETE")
    );
    assert_eq!(
        app.collection()
            .base_filing_counts(2026)
            .await
            .expect("k05")
            .0,
        0
    );
    let good = format!(
        "身份证号,月平均工资\n{},9000\n{},7000.50\n",
        members[0].id_card, members[1].id_card
    );
    let (filing, errors) = app
        .collection()
        .file_bases_from_file(&batch(), employer_id, good.as_bytes(), today)
        .await
        .expect("file");
    assert!(errors.is_empty());
    assert_eq!(filing.map(|f| f.member_count), Some(2));
    let wage = app
        .collection_port()
        .member(members[1].member_id)
        .await
        .expect("m")
        .map(|m| m.wage_fen);
    assert_eq!(wage, Some(anju_domain::Fen::new(7_000_50)));
}

#[tokio::test]
async fn reversing_a_bills_entry_directly_also_marks_the_bill_corrected() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, _) = employer_with_two(&app, 16).await;
    let bill_id = billed_and_paid(&app, employer_id, "202610", "2026-10-18").await;
    let entry_id = app
        .collection_port()
        .bill(bill_id)
        .await
        .expect("b")
        .and_then(|(b, _)| b.paid_entry_id)
        .expect("paid");
    let task = app
        .access()
        .request_reversal(
            &person(1, Role::Clerk, None),
            &crate::access::ReversalRequest {
                entry_id,
                reason: "重复入账".into(),
            },
        )
        .await
        .expect("request");
    app.access()
        .decide_task(
            &person(2, Role::Reviewer, None),
            task.task_id,
            true,
            "",
            d("2026-12-01"),
        )
        .await
        .expect("approve");
    let (bill, _) = app
        .collection_port()
        .bill(bill_id)
        .await
        .expect("b")
        .expect("bill");
    assert!(
        bill.reversal_entry_id.is_some(),
        "the bill knows it was reversed"
    );
    assert!(
        app.case_port()
            .monthly_bill(employer_id, 202610)
            .await
            .expect("m")
            .is_none(),
        "the month can be billed again"
    );
}

#[tokio::test]
async fn a_bill_knows_who_joined_and_left_since_last_month() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (employer_id, members) = employer_with_two(&app, 17).await;
    let october = billed_and_paid(&app, employer_id, "202610", "2026-10-18").await;
    let (first, first_lines) = app
        .collection_port()
        .bill(october)
        .await
        .expect("b")
        .expect("bill");
    assert_eq!(
        app.collection()
            .roster_changes(&first, &first_lines)
            .await
            .expect("c"),
        None
    );
    app.collection()
        .seal_member(&batch(), members[0].member_id, d("2026-11-02"))
        .await
        .expect("leave");
    let hired = app
        .collection()
        .enrol_members(
            &batch(),
            employer_id,
            &[MemberEnrolment::new(&id("32050219940404777"), "新人", "7000").expect("m")],
            d("2026-11-02"),
        )
        .await
        .expect("hire");
    let november = app
        .collection()
        .generate_bill(&batch(), employer_id, p("202611"))
        .await
        .expect("bill");
    let (bill, lines) = app
        .collection_port()
        .bill(november.bill_id)
        .await
        .expect("b")
        .expect("bill");
    assert_eq!(
        app.collection()
            .roster_changes(&bill, &lines)
            .await
            .expect("c"),
        Some((vec![hired[0].member_id], vec![members[0].member_id]))
    );
}
