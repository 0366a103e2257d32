//! Service quality end to end on both backends: a complaint's life cycle with
//! its deadline (overdue flagged) and one appeal; K17 and K21 from those
//! records; a one-star rating rectified and visited to the end; K20 from the
//! CDR fixture; and the yearly report's 其他重要事项 listing the counts.

mod common;

use anju_app::App;
use anju_app::access::{Actor, Principal};
use anju_app::collection::MemberRecord;
use anju_app::fund::ReportPart;
use anju_app::policy::load_policy;
use anju_app::quality::{ComplaintInput, RateInput, Resolution};
use anju_app::withdrawal::WithdrawalApplication;
use anju_domain::access::{Channel, Role};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::quality::{
    ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, RatedService,
    RectificationStatus, is_overdue,
};
use anju_domain::withdrawal::WithdrawalRequest;
use anju_domain::{Date, Fen};
use common::fresh_stores;

const CDR: &[u8] = include_bytes!("../../../fixtures/hotline-cdr-2026-11.csv");
const MEMBER: &str = "320502199003071230";

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn person(role: Role, login: &str, member_id: Option<i64>) -> Actor {
    Actor::of(
        Principal {
            user_id: 1,
            login: login.to_string(),
            display_name: "王芳".to_string(),
            role,
            member_id,
            employer_id: None,
        },
        "test",
        "local",
    )
}

fn member() -> Actor {
    person(Role::Member, MEMBER, Some(1))
}

fn clerk() -> Actor {
    person(Role::Clerk, "clerk01", None)
}

fn reviewer() -> Actor {
    person(Role::Reviewer, "reviewer01", None)
}

fn manager() -> Actor {
    person(Role::Manager, "manager01", None)
}

fn complaint(category: ComplaintCategory) -> ComplaintInput {
    ComplaintInput {
        source: ComplaintSource::Letter,
        category,
        complainant: "李明".to_string(),
        contact: "13812345678".to_string(),
        subject: "窗口办理时间过长".to_string(),
        detail: "等候两小时".to_string(),
    }
}

fn answer(outcome: ComplaintOutcome, verified: bool) -> Resolution {
    Resolution {
        outcome,
        verified,
        finding: "调取叫号记录".to_string(),
        reply: "已答复".to_string(),
    }
}

/// Four complaints of 2026: one mediated and verified after an appeal, one
/// explained, one not mediated, one still open past its deadline.
async fn complaints(app: &App, backend: &str) {
    let q = app.quality();
    let hall = q
        .file_complaint(
            &member(),
            &complaint(ComplaintCategory::ServiceQuality),
            d("2026-11-02"),
        )
        .await
        .expect("hall");
    assert_eq!(hall.due_on, d("2026-11-17"), "{backend}");
    q.take_complaint(&clerk(), hall.complaint_id, d("2026-12-01"))
        .await
        .expect("take");
    let taken = q
        .take_complaint(&reviewer(), hall.complaint_id, d("2026-12-01"))
        .await;
    assert_eq!(
        code(taken),
        Some("COMPLAINT_TAKEN"),
        "{backend}: taken once"
    );
    q.resolve_complaint(
        &clerk(),
        hall.complaint_id,
        &answer(ComplaintOutcome::NotMediated, false),
        d("2026-11-10"),
    )
    .await
    .expect("answer");
    q.appeal_complaint(&member(), hall.complaint_id, "没有解决", d("2026-11-12"))
        .await
        .expect("appeal");
    let same = q
        .take_complaint(&clerk(), hall.complaint_id, d("2026-12-01"))
        .await;
    assert_eq!(
        same.err().and_then(|e| e.code()),
        Some("COMPLAINT_APPEAL_SAME_HANDLER"),
        "{backend}"
    );
    q.take_complaint(&reviewer(), hall.complaint_id, d("2026-12-01"))
        .await
        .expect("second");
    q.resolve_complaint(
        &reviewer(),
        hall.complaint_id,
        &answer(ComplaintOutcome::Mediated, true),
        d("2026-11-20"),
    )
    .await
    .expect("mediated");
    for outcome in [ComplaintOutcome::Explained, ComplaintOutcome::NotMediated] {
        let c = q
            .file_complaint(
                &clerk(),
                &complaint(ComplaintCategory::Policy),
                d("2026-11-03"),
            )
            .await
            .expect("letter");
        q.take_complaint(&reviewer(), c.complaint_id, d("2026-12-01"))
            .await
            .expect("take");
        q.resolve_complaint(
            &reviewer(),
            c.complaint_id,
            &answer(outcome, false),
            d("2026-11-05"),
        )
        .await
        .expect("answer");
    }
    let open = q
        .file_complaint(
            &clerk(),
            &complaint(ComplaintCategory::ServiceQuality),
            d("2026-11-04"),
        )
        .await
        .expect("open");
    let listed = q.complaints().await.expect("list");
    assert_eq!(
        listed[0].complaint_id, open.complaint_id,
        "{backend}: unresolved first"
    );
    let overdue: Vec<i64> = listed
        .iter()
        .filter(|c| is_overdue(c.status, c.due_on, d("2026-11-20")))
        .map(|c| c.complaint_id)
        .collect();
    assert_eq!(overdue, [open.complaint_id], "{backend}: past 2026-11-19");
    assert_eq!(
        listed
            .iter()
            .filter(|c| c.status == ComplaintStatus::Resolved)
            .count(),
        3
    );
}

/// 王芳's rent application refused at the counter by clerk01: a completed
/// service; its id.
async fn refused_withdrawal(app: &App) -> i64 {
    let record = MemberRecord::active(1, MEMBER, "王芳", 9, Fen::new(10_000_00), 1);
    let batch = Actor::anonymous(Channel::Batch, "t", "local");
    app.collection()
        .take_over_members(&batch, &[record], d("2025-01-01"))
        .await
        .expect("member");
    let lines = vec![
        Line::debit("101", Fen::new(30_000_00)),
        Line::credit("201", Fen::new(30_000_00)).for_member(MemberId(1)),
    ];
    let key = IdempotencyKey::parse("seed-1").expect("key");
    let entry = NewEntry::new("C01", d("2026-10-10"), key, "汇缴", lines).expect("entry");
    app.ledger().post_entry(entry).await.expect("seed");
    let application = WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "07".to_string(),
            amount: Fen::new(1_500_00),
            months: 1,
            ..WithdrawalRequest::default()
        },
        bank_card: "62220201000041234".to_string(),
        documents: Vec::new(),
        request_key: "rent-1".to_string(),
    };
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, application, d("2026-11-18"))
        .await
        .expect("apply");
    app.withdrawals()
        .reject_withdrawal(
            &clerk(),
            applied.withdrawal_id,
            "租房合同未备案",
            d("2026-12-01"),
        )
        .await
        .expect("reject");
    applied.withdrawal_id
}

fn code<T>(result: anju_app::AppResult<T>) -> Option<&'static str> {
    result.err().and_then(|e| e.code())
}

/// A one-star rating of the refused withdrawal: rated once by the member,
/// out of sight of clerk01 (the person rated), taken and rectified by the
/// reviewer, visited by the manager.
async fn one_star_to_the_end(app: &App, backend: &str) {
    let withdrawal_id = refused_withdrawal(app).await;
    let q = app.quality();
    let rateable = q.rateable(1).await.expect("rateable");
    assert_eq!(rateable.len(), 1, "{backend}");
    assert_eq!(
        rateable[0].staff_login.as_deref(),
        Some("clerk01"),
        "{backend}"
    );
    let input = RateInput {
        service: RatedService::Withdrawal,
        service_ref: withdrawal_id,
        stars: 1,
        reasons: "拒绝前没有告知".to_string(),
    };
    let on = d("2026-11-20");
    assert_eq!(
        code(q.rate_service(&clerk(), &input, on).await),
        Some("REVIEW_NOT_MEMBER")
    );
    let zero = RateInput {
        stars: 0,
        ..input.clone()
    };
    assert_eq!(
        code(q.rate_service(&member(), &zero, on).await),
        Some("REVIEW_STARS_INVALID")
    );
    let review = q.rate_service(&member(), &input, on).await.expect("rate");
    assert_eq!(review.rectification_due, Some(d("2026-11-30")), "{backend}");
    let twice = q.rate_service(&member(), &input, on).await;
    assert_eq!(
        code(twice),
        Some("REVIEW_SERVICE_NOT_DONE"),
        "{backend}: once"
    );
    assert!(
        q.reviews_for(&clerk()).await.expect("list").is_empty(),
        "{backend}"
    );
    assert_eq!(
        code(q.review_for(&clerk(), review.review_id).await),
        Some("RECTIFICATION_OWN_REVIEW")
    );
    assert_eq!(
        q.reviews_for(&manager()).await.expect("list").len(),
        1,
        "{backend}"
    );
    let id = review.review_id;
    let step = |who: Actor, next: RectificationStatus, note: &'static str| {
        let q = app.quality();
        async move { q.rectify(&who, id, next, note, d("2026-11-22")).await }
    };
    use RectificationStatus::{FollowedUp, Rectified, Taken};
    assert_eq!(
        code(step(clerk(), Taken, "").await),
        Some("RECTIFICATION_OWN_REVIEW")
    );
    step(reviewer(), Taken, "").await.expect("take");
    assert_eq!(
        code(step(manager(), Rectified, "整改").await),
        Some("RECTIFICATION_NOT_OWNER")
    );
    let rectified = step(reviewer(), Rectified, "窗口培训")
        .await
        .expect("rectify");
    assert_eq!(
        q.follow_up_due(&rectified).expect("due"),
        Some(d("2026-11-27"))
    );
    assert_eq!(
        code(step(reviewer(), FollowedUp, "满意").await),
        Some("RECTIFICATION_VISIT_BY_OWNER")
    );
    step(manager(), FollowedUp, "职工表示满意")
        .await
        .expect("visit");
    let closed = &q.member_reviews(1).await.expect("mine")[0];
    assert_eq!(
        (closed.rectification, closed.follow_up_note.as_str()),
        (Some(FollowedUp), "职工表示满意"),
        "{backend}"
    );
    let (from, to) = (d("2026-11-01"), d("2026-11-30"));
    let groups = q
        .review_groups_for(&manager(), from, to)
        .await
        .expect("groups");
    let counts: Vec<(i64, i64, i64)> = groups
        .iter()
        .map(|g| (g.reviews, g.bad, g.rectified))
        .collect();
    assert_eq!(counts, [(1, 1, 1)], "{backend}");
    let own = q
        .review_groups_for(&clerk(), from, to)
        .await
        .expect("groups");
    assert!(
        own.is_empty(),
        "{backend}: the rated clerk does not see their own line"
    );
}

#[tokio::test]
async fn complaints_reviews_and_calls_count_for_k17_k20_k21() {
    for fresh in fresh_stores().await {
        let backend = fresh.backend();
        let app = App::new(fresh.store(), load_policy(None).expect("policy"));
        complaints(&app, backend).await;
        one_star_to_the_end(&app, backend).await;
        let imported = app.quality().import_cdr(&clerk(), CDR).await.expect("cdr");
        assert_eq!(
            (imported.added, imported.refused.len()),
            (11, 1),
            "{backend}"
        );
        let f = app
            .fund()
            .year_figures(2026, d("2026-12-31"))
            .await
            .expect("figures");
        assert_eq!(
            (
                f.complaints_received,
                f.complaints_mediated,
                f.complaints_verified
            ),
            (4, 2, 1),
            "{backend}: K17 2/4, K21 1/4"
        );
        assert_eq!(
            (f.hotline_ratings, f.hotline_satisfied),
            (10, 8),
            "{backend}: K20 80%"
        );
        let report = app
            .fund()
            .annual_report(2026, d("2026-12-31"))
            .await
            .expect("report");
        let lines: Vec<(String, String)> = report
            .sections
            .iter()
            .flat_map(|s| &s.parts)
            .filter_map(|p| match p {
                ReportPart::Lines(lines) => Some(lines),
                _ => None,
            })
            .flatten()
            .map(|l| (l.label.clone(), l.value.clone()))
            .collect();
        for (label, value) in [
            ("受理投诉（件）", "4"),
            ("调处投诉（件）", "2"),
            ("查实的服务质量投诉（件）", "1"),
            ("12329热线满意度评价（次）", "10"),
        ] {
            assert!(
                lines.contains(&(label.to_string(), value.to_string())),
                "{backend}: {label} {value} in {lines:?}"
            );
        }
        fresh.drop_it().await;
    }
}
