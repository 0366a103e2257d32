use super::*;
use crate::App;
use crate::test_support::{clerk, d, person, reviewer, sqlite_app};
use anju_domain::quality::TicketKind;

const CDR: &[u8] = include_bytes!("../../../../fixtures/hotline-cdr-2026-11.csv");

fn member() -> Actor {
    person(Role::Member, "320502199003071230", Some(7))
}

fn about_the_counter() -> ComplaintInput {
    ComplaintInput {
        source: ComplaintSource::Hall,
        category: ComplaintCategory::ServiceQuality,
        complainant: String::new(),
        contact: "13812345678".to_string(),
        subject: "窗口办理时间过长".to_string(),
        detail: "11月2日在园区网点等候两小时".to_string(),
    }
}

fn resolution(outcome: ComplaintOutcome, verified: bool) -> Resolution {
    Resolution {
        outcome,
        verified,
        finding: "调取叫号记录，属实".to_string(),
        reply: "已增开窗口并致歉".to_string(),
    }
}

async fn figures(app: &App) -> anju_domain::fund::YearFigures {
    app.fund()
        .year_figures(2026, d("2026-12-31"))
        .await
        .expect("figures")
}

#[tokio::test]
async fn a_complaint_is_answered_in_time_appealed_once_and_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let app = sqlite_app(&dir, "q.db").await;
    let q = app.quality();
    let filed = q
        .file_complaint(&member(), &about_the_counter(), d("2026-11-02"))
        .await
        .expect("file");
    assert_eq!(
        (filed.source, filed.member_id, filed.due_on),
        (ComplaintSource::Hall, Some(7), d("2026-11-17")),
        "the hall's own, due in 15 days"
    );
    assert!(anju_domain::quality::is_overdue(
        filed.status,
        filed.due_on,
        d("2026-11-18")
    ));
    let early = q
        .resolve_complaint(
            &clerk(),
            filed.complaint_id,
            &resolution(ComplaintOutcome::Explained, false),
            d("2026-11-03"),
        )
        .await;
    assert_eq!(
        early.expect_err("take first").code(),
        Some("COMPLAINT_NOT_HANDLER")
    );
    q.take_complaint(&clerk(), filed.complaint_id, d("2026-12-01"))
        .await
        .expect("take");
    let answered = q
        .resolve_complaint(
            &clerk(),
            filed.complaint_id,
            &resolution(ComplaintOutcome::Explained, true),
            d("2026-11-10"),
        )
        .await
        .expect("resolve");
    assert_eq!(answered.status, ComplaintStatus::Resolved);
    let stranger = person(Role::Member, "320502199001020018", Some(8));
    let not_theirs = q
        .appeal_complaint(&stranger, filed.complaint_id, "不满意", d("2026-11-12"))
        .await;
    assert_eq!(
        not_theirs.expect_err("own only").code(),
        Some("COMPLAINT_NOT_YOURS")
    );
    let late = q
        .appeal_complaint(&member(), filed.complaint_id, "不满意", d("2026-11-26"))
        .await;
    assert_eq!(
        late.expect_err("late").code(),
        Some("COMPLAINT_APPEAL_LATE")
    );
    let appealed = q
        .appeal_complaint(
            &member(),
            filed.complaint_id,
            "答复未解决问题",
            d("2026-11-12"),
        )
        .await
        .expect("appeal");
    assert_eq!(appealed.due_on, d("2026-11-27"), "due again in 15 days");
    let same = q
        .take_complaint(&clerk(), filed.complaint_id, d("2026-12-01"))
        .await;
    assert_eq!(
        same.expect_err("fresh eyes").code(),
        Some("COMPLAINT_APPEAL_SAME_HANDLER")
    );
    q.take_complaint(&reviewer(), filed.complaint_id, d("2026-12-01"))
        .await
        .expect("second handler");
    q.resolve_complaint(
        &reviewer(),
        filed.complaint_id,
        &resolution(ComplaintOutcome::Mediated, true),
        d("2026-11-20"),
    )
    .await
    .expect("mediated");
    let again = q
        .appeal_complaint(&member(), filed.complaint_id, "再次复核", d("2026-11-21"))
        .await;
    assert_eq!(again.expect_err("once").code(), Some("COMPLAINT_APPEALED"));

    // A policy complaint left unanswered, and one that could not be settled.
    let policy = ComplaintInput {
        category: ComplaintCategory::Policy,
        complainant: "李明".to_string(),
        source: ComplaintSource::Letter,
        ..about_the_counter()
    };
    q.file_complaint(&clerk(), &policy, d("2026-12-01"))
        .await
        .expect("letter");
    let unsettled = q
        .file_complaint(&clerk(), &policy, d("2026-12-01"))
        .await
        .expect("letter");
    q.take_complaint(&reviewer(), unsettled.complaint_id, d("2026-12-01"))
        .await
        .expect("take");
    let not_quality = q
        .resolve_complaint(
            &reviewer(),
            unsettled.complaint_id,
            &resolution(ComplaintOutcome::NotMediated, true),
            d("2026-12-05"),
        )
        .await;
    assert_eq!(
        not_quality.expect_err("policy").code(),
        Some("COMPLAINT_VERIFY_CATEGORY")
    );
    q.resolve_complaint(
        &reviewer(),
        unsettled.complaint_id,
        &resolution(ComplaintOutcome::NotMediated, false),
        d("2026-12-05"),
    )
    .await
    .expect("not mediated");
    let f = figures(&app).await;
    assert_eq!(
        (
            f.complaints_received,
            f.complaints_mediated,
            f.complaints_verified
        ),
        (3, 1, 1),
        "K17 = 1/3 mediated, K21 = 1/3 verified"
    );
    let inbox_of_member = app.quality().member_complaints(7).await.expect("mine");
    assert_eq!(inbox_of_member.len(), 1);
}

#[tokio::test]
async fn a_member_who_is_not_staff_cannot_take_complaints() {
    let dir = tempfile::tempdir().expect("dir");
    let app = sqlite_app(&dir, "q.db").await;
    let filed = app
        .quality()
        .file_complaint(&member(), &about_the_counter(), d("2026-11-02"))
        .await
        .expect("file");
    let taken = app
        .quality()
        .take_complaint(&member(), filed.complaint_id, d("2026-12-01"))
        .await;
    assert_eq!(
        taken.expect_err("staff only").code(),
        Some("ROLE_FORBIDDEN")
    );
    let finance = person(Role::Finance, "finance-1", None);
    let by_finance = app
        .quality()
        .file_complaint(&finance, &about_the_counter(), d("2026-11-02"))
        .await;
    assert_eq!(
        by_finance.expect_err("desk only").code(),
        Some("ROLE_FORBIDDEN")
    );
}

#[tokio::test]
async fn the_hotline_file_is_taken_once_and_gives_k20() {
    let dir = tempfile::tempdir().expect("dir");
    let app = sqlite_app(&dir, "q.db").await;
    let q = app.quality();
    let first = q.import_cdr(&clerk(), CDR).await.expect("import");
    assert_eq!((first.added, first.already_there), (11, 0));
    let lines: Vec<(usize, &str)> = first.refused.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(lines, [(13, "started_at")]);
    let again = q.import_cdr(&clerk(), CDR).await.expect("again");
    assert_eq!((again.added, again.already_there), (0, 11));
    let f = figures(&app).await;
    assert_eq!(
        (f.hotline_ratings, f.hotline_satisfied),
        (10, 8),
        "K20 = 80%"
    );
    let complaint = ComplaintInput {
        complainant: "来电人".to_string(),
        contact: String::new(),
        ..about_the_counter()
    };
    let call_id = "SZ12329-20261102-0004";
    let filed = q
        .call_to_complaint(&clerk(), call_id, &complaint, d("2026-11-02"))
        .await
        .expect("to complaint");
    assert_eq!(
        (
            filed.source,
            filed.contact.as_str(),
            filed.call_id.as_deref()
        ),
        (ComplaintSource::Hotline, "051265001234", Some(call_id))
    );
    let call = q.call(call_id).await.expect("call");
    assert_eq!(
        (call.call.ticket, call.complaint_id),
        (TicketKind::Complaint, Some(filed.complaint_id))
    );
    let twice = q
        .call_to_complaint(&clerk(), call_id, &complaint, d("2026-11-02"))
        .await;
    assert_eq!(
        twice.expect_err("once").code(),
        Some("HOTLINE_CALL_HAS_COMPLAINT")
    );
    let fields = [
        "SZ12329-MANUAL-1",
        "2026-11-04 10:00:00",
        "13812349999",
        "A017",
        "60",
        "consultation",
        "basic",
        "手工登记",
    ]
    .map(String::from);
    q.enter_call(&clerk(), &fields).await.expect("entered");
    let dup = q.enter_call(&clerk(), &fields).await;
    assert_eq!(dup.expect_err("exists").code(), Some("HOTLINE_CALL_EXISTS"));
    let bad = ["X", "2026-11-04", "1", "A", "1", "consultation", "", ""].map(String::from);
    assert_eq!(
        q.enter_call(&clerk(), &bad).await.expect_err("bad").code(),
        Some("HOTLINE_CALL_INVALID")
    );
}
