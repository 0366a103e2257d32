//! Service quality (服务质量): complaints and disputes (投诉、纠纷调处) with
//! their time limits and appeal, ratings after a service (好差评) whose bad
//! ones open a rectification (整改) and a follow-up visit (回访), and the
//! 12329 hotline's calls with their survey answers. The rules here are the
//! time limits, who may act, and what each step must say; the KPIs K17, K20
//! and K21 count the records (`fund::kpi`).

mod cdr;
mod codes;

pub use cdr::{CdrCall, CdrRowError, MAX_CDR_ROWS, check_call, parse_cdr};
pub use codes::*;

use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};

/// From the policy in force (`service` group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceRules {
    /// Calendar days from receipt to the answer (办结时限).
    pub complaint_days: i64,
    /// Days after the answer in which the complainant may appeal.
    pub appeal_days: i64,
    /// Days from a bad review to its rectification.
    pub rectification_days: i64,
    /// Days from the rectification to the follow-up visit.
    pub follow_up_days: i64,
    /// A rating of at most this many stars is a 差评.
    pub bad_review_max_stars: i64,
}

/// Longest subject, finding, reply or note staff or members may type.
pub const MAX_TEXT_CHARS: usize = 500;

/// `text` trimmed, refused when empty (if `required`) or too long.
pub fn checked_text(text: &str, what: &str, required: bool) -> DomainResult<String> {
    let text = text.trim();
    if (required && text.is_empty()) || text.chars().count() > MAX_TEXT_CHARS {
        return Err(DomainError::new(
            "QUALITY_TEXT_INVALID",
            format!("请填写{what}（{MAX_TEXT_CHARS}字以内）"),
        ));
    }
    Ok(text.to_string())
}

fn days(n: i64) -> DomainResult<i32> {
    i32::try_from(n).map_err(|_| DomainError::new("POLICY_INVALID", "期限天数无效"))
}

/// The day a complaint received on `received_on` must be answered by.
pub fn complaint_due(received_on: Date, rules: &ServiceRules) -> DomainResult<Date> {
    received_on.add_days(days(rules.complaint_days)?)
}

/// Overdue: still unanswered after its due day.
pub fn is_overdue(status: ComplaintStatus, due_on: Date, today: Date) -> bool {
    !matches!(status, ComplaintStatus::Resolved) && today > due_on
}

/// Who may take a complaint's next step from `status`, and whether this
/// person may: a resolved complaint takes an appeal only (from the
/// complainant); an appeal is handled by someone other than the first
/// handler, so the answer is looked at again by fresh eyes.
pub fn check_handler(
    status: ComplaintStatus,
    first_handler: Option<&str>,
    handler: &str,
) -> DomainResult<()> {
    match status {
        ComplaintStatus::Resolved => Err(DomainError::new(
            "COMPLAINT_RESOLVED",
            "投诉已办结；投诉人可在期限内申请复核",
        )),
        ComplaintStatus::Appealed if first_handler == Some(handler) => Err(DomainError::new(
            "COMPLAINT_APPEAL_SAME_HANDLER",
            "复核须由原承办人以外的人员办理",
        )),
        _ => Ok(()),
    }
}

/// An appeal comes from a resolved complaint, once, within the policy's days
/// of the answer.
pub fn check_appeal(
    status: ComplaintStatus,
    resolved_on: Option<Date>,
    appealed_before: bool,
    today: Date,
    rules: &ServiceRules,
) -> DomainResult<()> {
    let Some(resolved_on) = resolved_on.filter(|_| status == ComplaintStatus::Resolved) else {
        return Err(DomainError::new(
            "COMPLAINT_NOT_RESOLVED",
            "投诉尚未办结，无需申请复核",
        ));
    };
    if appealed_before {
        return Err(DomainError::new("COMPLAINT_APPEALED", "该投诉已复核过一次"));
    }
    let last_day = resolved_on.add_days(days(rules.appeal_days)?)?;
    if today > last_day {
        return Err(DomainError::new(
            "COMPLAINT_APPEAL_LATE",
            format!(
                "复核申请期已过（办结后 {} 日内，截至 {last_day}）",
                rules.appeal_days
            ),
        ));
    }
    Ok(())
}

/// A rating is one to five stars.
pub fn check_stars(stars: i64) -> DomainResult<u8> {
    u8::try_from(stars)
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| DomainError::new("REVIEW_STARS_INVALID", "请选择 1 至 5 星"))
}

/// A bad review (差评) opens a rectification due on this day; a good one
/// none.
pub fn rectification_due(
    stars: u8,
    reviewed_on: Date,
    rules: &ServiceRules,
) -> DomainResult<Option<Date>> {
    if i64::from(stars) > rules.bad_review_max_stars {
        return Ok(None);
    }
    Ok(Some(reviewed_on.add_days(days(rules.rectification_days)?)?))
}

/// The visit is due this many days after the rectification.
pub fn follow_up_due(rectified_on: Date, rules: &ServiceRules) -> DomainResult<Date> {
    rectified_on.add_days(days(rules.follow_up_days)?)
}

/// The next step of a rectification, by whom. The person reviewed never
/// handles their own review (nor sees it, unless a manager shows it); the
/// owner records the rectification; the visit is by someone else again, so
/// the member's answer is heard by a third person.
pub fn check_rectification_step(
    status: RectificationStatus,
    next: RectificationStatus,
    reviewed_staff: Option<&str>,
    owner: Option<&str>,
    actor: &str,
) -> DomainResult<()> {
    if reviewed_staff == Some(actor) {
        return Err(DomainError::new(
            "RECTIFICATION_OWN_REVIEW",
            "被评价人不能处理对自己的评价",
        ));
    }
    let expected = match status {
        RectificationStatus::Open => RectificationStatus::Taken,
        RectificationStatus::Taken => RectificationStatus::Rectified,
        RectificationStatus::Rectified => RectificationStatus::FollowedUp,
        RectificationStatus::FollowedUp => {
            return Err(DomainError::new("RECTIFICATION_DONE", "该差评已整改并回访"));
        }
    };
    if next != expected {
        return Err(DomainError::new(
            "RECTIFICATION_STEP_ORDER",
            format!("“{}”之后应为“{}”", status.name_zh(), expected.name_zh()),
        ));
    }
    match next {
        RectificationStatus::Rectified if owner != Some(actor) => Err(DomainError::new(
            "RECTIFICATION_NOT_OWNER",
            "整改情况由认领人填写",
        )),
        RectificationStatus::FollowedUp if owner == Some(actor) => Err(DomainError::new(
            "RECTIFICATION_VISIT_BY_OWNER",
            "回访须由整改人以外的人员进行",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
