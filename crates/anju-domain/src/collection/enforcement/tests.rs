use super::*;
use crate::collection::codes::ReviewOutcome::{Approved, Refused};

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn step(kind: CaseStep, deadline: Option<&str>, staff: &'static str) -> StepFact<'static> {
    StepFact {
        kind,
        deadline: deadline.map(d),
        outcome: None,
        staff,
        acted_on: None,
    }
}

fn review(outcome: Option<ReviewOutcome>, staff: &'static str) -> StepFact<'static> {
    StepFact {
        outcome,
        ..step(CaseStep::LegalReview, None, staff)
    }
}

fn refusal(history: &[StepFact<'_>], next: &StepFact<'_>, today: &str) -> Option<&'static str> {
    check_next_step(history, next, d(today))
        .err()
        .map(|e| e.code())
}

/// The reminder, due on 15 December, that the daily job sent.
fn reminded() -> Vec<StepFact<'static>> {
    vec![step(CaseStep::Reminder, Some("2026-12-15"), "system")]
}

#[test]
fn guidance_comes_after_the_reminder_deadline_and_before_any_order() {
    let order = step(CaseStep::Order, Some("2027-01-20"), "zhifa01");
    assert_eq!(
        refusal(&reminded(), &order, "2026-12-20"),
        Some("CASE_GUIDANCE_REQUIRED")
    );
    let court = step(CaseStep::Court, None, "zhifa01");
    assert_eq!(
        refusal(&reminded(), &court, "2026-12-20"),
        Some("CASE_GUIDANCE_REQUIRED")
    );
    let guidance = step(CaseStep::Guidance, None, "zhifa01");
    // The deadline's own day is still the employer's.
    assert_eq!(
        refusal(&reminded(), &guidance, "2026-12-15"),
        Some("CASE_DEADLINE_PENDING")
    );
    assert_eq!(refusal(&reminded(), &guidance, "2026-12-16"), None);
}

#[test]
fn an_order_needs_the_approval_of_a_reviewer_who_did_not_handle_the_case() {
    let mut history = reminded();
    history.push(step(CaseStep::Guidance, None, "zhifa01"));
    let order = step(CaseStep::Order, Some("2027-01-20"), "zhifa01");
    assert_eq!(
        refusal(&history, &order, "2026-12-20"),
        Some("CASE_LEGAL_REVIEW_REQUIRED")
    );
    assert_eq!(
        refusal(&history, &review(Some(Approved), "zhifa01"), "2026-12-20"),
        Some("CASE_REVIEWER_IS_HANDLER"),
        "the handler may not review their own case"
    );
    assert_eq!(
        refusal(&history, &review(None, "fazhi01"), "2026-12-20"),
        Some("REVIEW_OUTCOME_REQUIRED")
    );
    history.push(review(Some(Refused), "fazhi01"));
    assert_eq!(
        refusal(&history, &order, "2026-12-21"),
        Some("CASE_LEGAL_REVIEW_REQUIRED"),
        "a refused review leaves the order barred"
    );
    let again = step(CaseStep::Guidance, None, "zhifa01");
    assert_eq!(refusal(&history, &again, "2026-12-21"), None);
    history.push(again);
    history.push(review(Some(Approved), "fazhi01"));
    assert_eq!(refusal(&history, &order, "2026-12-22"), None);
    let no_deadline = step(CaseStep::Order, None, "zhifa01");
    assert_eq!(
        refusal(&history, &no_deadline, "2026-12-22"),
        Some("CASE_DEADLINE_REQUIRED")
    );
}

#[test]
fn the_court_filing_needs_its_own_review_after_the_order_deadline() {
    let mut history = reminded();
    history.push(step(CaseStep::Guidance, None, "zhifa01"));
    history.push(review(Some(Approved), "fazhi01"));
    assert_eq!(proposed_penalty(&history), CaseStep::Order);
    history.push(StepFact {
        acted_on: Some(d("2026-12-22")),
        ..step(CaseStep::Order, Some("2027-01-20"), "zhifa01")
    });
    assert_eq!(proposed_penalty(&history), CaseStep::Court);
    let court = step(CaseStep::Court, None, "zhifa01");
    assert_eq!(
        refusal(&history, &court, "2027-01-21"),
        Some("CASE_LEGAL_REVIEW_REQUIRED"),
        "the order's approval does not carry over to the court"
    );
    let second = review(Some(Approved), "fazhi02");
    assert_eq!(
        refusal(&history, &second, "2027-01-20"),
        Some("CASE_DEADLINE_PENDING")
    );
    history.push(second);
    // The employer may seek review or sue for six months from the order.
    assert_eq!(
        refusal(&history, &court, "2027-06-22"),
        Some("CASE_REMEDY_PERIOD")
    );
    assert_eq!(refusal(&history, &court, "2027-06-23"), None);
    history.push(court);
    let more = step(CaseStep::Court, None, "zhifa01");
    assert_eq!(
        refusal(&history, &more, "2027-06-24"),
        Some("CASE_STEP_ORDER")
    );
}

#[test]
fn a_case_from_before_guidance_existed_still_needs_a_talk_before_the_court() {
    // Recorded as reminder → order before the guidance step existed.
    let mut history = reminded();
    history.push(step(CaseStep::Order, Some("2026-12-31"), "zhifa01"));
    history.push(review(Some(Approved), "fazhi01"));
    let court = step(CaseStep::Court, None, "zhifa01");
    assert_eq!(
        refusal(&history, &court, "2027-08-01"),
        Some("CASE_GUIDANCE_REQUIRED")
    );
}

#[test]
fn closing_is_allowed_at_any_step_of_an_open_case_only() {
    let close = step(CaseStep::Closed, None, "zhifa01");
    assert_eq!(refusal(&reminded(), &close, "2026-12-01"), None);
    let mut history = reminded();
    history.push(close);
    assert_eq!(
        refusal(
            &history,
            &step(CaseStep::Closed, None, "zhifa01"),
            "2026-12-02"
        ),
        Some("CASE_CLOSED")
    );
    assert_eq!(refusal(&[], &close, "2026-12-02"), Some("CASE_CORRUPT"));
}

#[test]
fn the_legal_review_is_the_legal_reviewers_duty_alone() {
    assert_eq!(CaseStep::LegalReview.duty(), [Role::LegalReviewer]);
    for kind in [CaseStep::Guidance, CaseStep::Order, CaseStep::Court] {
        assert!(kind.duty().contains(&Role::EnforcementOfficer), "{kind:?}");
        assert!(!kind.duty().contains(&Role::LegalReviewer), "{kind:?}");
    }
}
