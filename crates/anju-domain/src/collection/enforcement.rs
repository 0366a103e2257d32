//! Administrative enforcement (行政执法) of unpaid contributions: the order
//! of a case's steps. 催缴 → 提示约谈 → 法制审核 → 责令限期缴存 → 法制审核 →
//! 申请法院强制执行, closing allowed at any step. Guidance comes before any
//! penalty (说理式执法), and every penalty decision needs the approval of a
//! legal reviewer (法制审核) who has not handled the case: the regulation's
//! 重大执法决定法制审核 rule.

use super::codes::{CaseStep, ReviewOutcome};
use crate::access::Role;
use crate::access::duties::{ENFORCERS, LEGAL_REVIEWERS};
use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};

/// A step of a case as the rules read it: recorded, or proposed next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFact<'a> {
    pub kind: CaseStep,
    pub deadline: Option<Date>,
    /// A legal review's conclusion (legal reviews only).
    pub outcome: Option<ReviewOutcome>,
    /// Who recorded it (their login; `system` for the daily job).
    pub staff: &'a str,
    /// The day it was recorded (none for the step proposed).
    pub acted_on: Option<Date>,
}

impl CaseStep {
    /// Whether the step sets a deadline for the employer.
    pub fn has_deadline(self) -> bool {
        matches!(self, CaseStep::Reminder | CaseStep::Order)
    }

    /// Whether the step is a penalty decision, which needs a legal review.
    pub fn is_penalty(self) -> bool {
        matches!(self, CaseStep::Order | CaseStep::Court)
    }

    /// The roles that may record the step: the legal review is the legal
    /// reviewers' alone, every other step the enforcement staff's.
    pub fn duty(self) -> &'static [Role] {
        match self {
            CaseStep::LegalReview => LEGAL_REVIEWERS,
            _ => ENFORCERS,
        }
    }
}

/// May `next` follow the case's `history` on `today`? Escalation goes one
/// step at a time and a step with a deadline holds the case until it has
/// passed; closing is allowed at any step of an open case.
pub fn check_next_step(
    history: &[StepFact<'_>],
    next: &StepFact<'_>,
    today: Date,
) -> DomainResult<()> {
    let last = history
        .last()
        .ok_or_else(|| DomainError::new("CASE_CORRUPT", "案件没有办理记录"))?;
    if last.kind == CaseStep::Closed {
        return Err(DomainError::new("CASE_CLOSED", "案件已结案"));
    }
    if next.kind == CaseStep::Closed {
        return Ok(());
    }
    if next.kind == CaseStep::LegalReview {
        check_reviewer(history, next)?;
    }
    let guided = history.iter().any(|s| s.kind == CaseStep::Guidance);
    if !allowed_after(last, history).contains(&next.kind) || (next.kind.is_penalty() && !guided) {
        return Err(out_of_order(last, history, next.kind));
    }
    if next.kind == CaseStep::Court {
        check_remedy_period(history, today)?;
    }
    if let Some(due) = last.deadline.filter(|d| today <= *d) {
        return Err(DomainError::new(
            "CASE_DEADLINE_PENDING",
            format!("上一环节的期限 {due} 尚未届满"),
        ));
    }
    check_deadline(next.kind, next.deadline, today)
}

/// The steps that may come next in a case (closing aside): what the case
/// page offers.
pub fn next_steps(history: &[StepFact<'_>]) -> Vec<CaseStep> {
    history
        .last()
        .map(|last| allowed_after(last, history))
        .unwrap_or_default()
}

/// The steps that may follow `last` (closing aside).
fn allowed_after(last: &StepFact<'_>, history: &[StepFact<'_>]) -> Vec<CaseStep> {
    match (last.kind, last.outcome) {
        (CaseStep::Reminder, _) => vec![CaseStep::Guidance],
        (CaseStep::Guidance, _) => vec![CaseStep::Guidance, CaseStep::LegalReview],
        (CaseStep::LegalReview, Some(ReviewOutcome::Approved)) => vec![proposed_penalty(history)],
        (CaseStep::LegalReview, _) => vec![CaseStep::Guidance],
        (CaseStep::Order, _) => vec![CaseStep::LegalReview],
        (CaseStep::Court | CaseStep::Closed, _) => vec![],
    }
}

/// The penalty a legal review in this case decides on: the order first,
/// the court filing once an order was issued.
pub fn proposed_penalty(history: &[StepFact<'_>]) -> CaseStep {
    if history.iter().any(|s| s.kind == CaseStep::Order) {
        CaseStep::Court
    } else {
        CaseStep::Order
    }
}

/// Names the missing step when `next` may not follow `last`.
fn out_of_order(last: &StepFact<'_>, history: &[StepFact<'_>], next: CaseStep) -> DomainError {
    let step_order = || {
        DomainError::new(
            "CASE_STEP_ORDER",
            format!("“{}”之后不能办理“{}”", last.kind.name_zh(), next.name_zh()),
        )
    };
    if last.kind == CaseStep::Court {
        return step_order();
    }
    let guided = history.iter().any(|s| s.kind == CaseStep::Guidance);
    if next.is_penalty() && !guided {
        return DomainError::new(
            "CASE_GUIDANCE_REQUIRED",
            format!("“{}”前须先对单位进行提示约谈", next.name_zh()),
        );
    }
    let approved =
        last.kind == CaseStep::LegalReview && last.outcome == Some(ReviewOutcome::Approved);
    if next.is_penalty() && !approved {
        return DomainError::new(
            "CASE_LEGAL_REVIEW_REQUIRED",
            format!("“{}”须经法制审核同意后方可办理", next.name_zh()),
        );
    }
    step_order()
}

/// A legal review is by someone who has recorded none of the case's other
/// steps, and states its conclusion.
fn check_reviewer(history: &[StepFact<'_>], review: &StepFact<'_>) -> DomainResult<()> {
    let handled = history
        .iter()
        .any(|s| s.kind != CaseStep::LegalReview && s.staff == review.staff);
    if handled {
        return Err(DomainError::new(
            "CASE_REVIEWER_IS_HANDLER",
            "法制审核须由未参与本案办理的法制审核人员进行",
        ));
    }
    if review.outcome.is_none() {
        return Err(DomainError::new(
            "REVIEW_OUTCOME_REQUIRED",
            "请选择审核结论（同意或不同意）",
        ));
    }
    Ok(())
}

/// Months the employer may sue against the order (行政诉讼法第四十六条); the
/// 60 days of 行政复议 fall inside them.
const REMEDY_MONTHS: u32 = 6;

/// The court is asked only once the employer can no longer seek review or
/// sue against the order (行政强制法第五十三条): after the remedy period that
/// runs from the order's day.
fn check_remedy_period(history: &[StepFact<'_>], today: Date) -> DomainResult<()> {
    let Some(ordered_on) = history
        .iter()
        .rev()
        .find(|s| s.kind == CaseStep::Order)
        .and_then(|s| s.acted_on)
    else {
        return Ok(());
    };
    let ends = months_after(ordered_on, REMEDY_MONTHS)?;
    if today <= ends {
        return Err(DomainError::new(
            "CASE_REMEDY_PERIOD",
            format!("责令决定的复议、诉讼期限至 {ends} 届满，届满后方可申请法院强制执行"),
        ));
    }
    Ok(())
}

/// The same day `months` later (the month's last day where it is shorter).
fn months_after(day: Date, months: u32) -> DomainResult<Date> {
    let mut period = crate::calendar::Period::of_date(day);
    for _ in 0..months {
        period = period.next()?;
    }
    let last = period.last_day()?;
    Date::from_ymd(period.year(), period.month(), day.day().min(last.day()))
}

/// A reminder or an order needs a deadline after the day it is issued.
pub fn check_deadline(step: CaseStep, deadline: Option<Date>, today: Date) -> DomainResult<()> {
    match (step.has_deadline(), deadline) {
        (true, Some(d)) if d > today => Ok(()),
        (true, _) => Err(DomainError::new(
            "CASE_DEADLINE_REQUIRED",
            format!("“{}”须设定晚于今天的缴存期限", step.name_zh()),
        )),
        (false, _) => Ok(()),
    }
}

#[cfg(test)]
mod tests;
