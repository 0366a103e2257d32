//! 好差评: a member rates a completed service once (1–5 stars with their
//! reasons); a bad rating opens a rectification that someone other than the
//! person rated takes and rectifies, and a third person visits the member
//! (回访). The member is told at each step and sees it on their page.

use super::{desk_staff, not_found};
use crate::access::Actor;
use crate::{AppResult, Quality};
use anju_domain::access::{Channel, Role};
use anju_domain::loan::LoanStatus;
use anju_domain::quality::{
    RatedService, RectificationStatus, check_rectification_step, check_stars, checked_text,
    follow_up_due, rectification_due,
};
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::{Date, DomainError};
use anju_store::{ReviewGroup, ReviewRecord};

/// A completed service of the member's, with who served them: what can be
/// rated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rateable {
    pub service: RatedService,
    pub service_ref: i64,
    /// How it ended, in words (已到账, 不予提取, 还款中 …).
    pub outcome: &'static str,
    pub applied_on: Date,
    pub channel: Channel,
    pub staff_login: Option<String>,
}

/// A member's rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateInput {
    pub service: RatedService,
    pub service_ref: i64,
    pub stars: i64,
    pub reasons: String,
}

fn member_of(actor: &Actor) -> AppResult<i64> {
    actor
        .acting_member()
        .ok_or_else(|| DomainError::new("REVIEW_NOT_MEMBER", "只有缴存职工本人可以评价").into())
}

impl Quality<'_> {
    /// The member's completed services: withdrawals paid or refused, loans
    /// disbursed, settled or refused. Those rated already are left out.
    pub async fn rateable(self, member_id: i64) -> AppResult<Vec<Rateable>> {
        let rated = self.quality_port().member_reviews(member_id).await?;
        let mut done = self.completed_withdrawals(member_id).await?;
        done.extend(self.completed_loans(member_id).await?);
        done.retain(|s| {
            !rated
                .iter()
                .any(|r| r.service == s.service && r.service_ref == s.service_ref)
        });
        Ok(done)
    }

    async fn completed_withdrawals(self, member_id: i64) -> AppResult<Vec<Rateable>> {
        let mut out = Vec::new();
        for w in self.withdrawals().withdrawals_of(member_id).await? {
            if !matches!(
                w.status,
                WithdrawalStatus::Paid | WithdrawalStatus::Rejected
            ) {
                continue;
            }
            out.push(Rateable {
                service: RatedService::Withdrawal,
                service_ref: w.withdrawal_id,
                outcome: w.status.name_zh(),
                applied_on: w.applied_on,
                channel: Channel::parse(&w.channel)?,
                staff_login: w.approved_by.or(w.prepared_by),
            });
        }
        Ok(out)
    }

    async fn completed_loans(self, member_id: i64) -> AppResult<Vec<Rateable>> {
        let done = [
            LoanStatus::Active,
            LoanStatus::Settled,
            LoanStatus::Rejected,
        ];
        Ok(self
            .loans()
            .loans_of(member_id)
            .await?
            .into_iter()
            .filter(|l| done.contains(&l.status))
            .map(|l| Rateable {
                service: RatedService::Loan,
                service_ref: l.loan_id,
                outcome: l.status.name_zh(),
                applied_on: l.applied_on,
                channel: l.applied_via,
                staff_login: l.approved_by.or(l.reviewed_by),
            })
            .collect())
    }

    /// Rates a completed service of the member's own; a bad rating (at most
    /// the policy's stars) opens its rectification, due in the policy's days.
    pub async fn rate_service(
        self,
        actor: &Actor,
        input: &RateInput,
        today: Date,
    ) -> AppResult<ReviewRecord> {
        let result = self.try_rate(actor, input, today).await;
        let target = format!("{}:{}", input.service.code(), input.service_ref);
        self.audited(
            actor,
            "review.rate",
            &target,
            input.reasons.as_bytes(),
            result,
        )
        .await
    }

    async fn try_rate(
        self,
        actor: &Actor,
        input: &RateInput,
        today: Date,
    ) -> AppResult<ReviewRecord> {
        let member_id = member_of(actor)?;
        let stars = check_stars(input.stars)?;
        let served = self
            .rateable(member_id)
            .await?
            .into_iter()
            .find(|s| s.service == input.service && s.service_ref == input.service_ref)
            .ok_or_else(|| {
                DomainError::new(
                    "REVIEW_SERVICE_NOT_DONE",
                    "该事项不是您已办结且未评价的事项",
                )
            })?;
        let rules = self.policy().service.at(today)?.value;
        let due = rectification_due(stars, today, &rules)?;
        let review = ReviewRecord {
            review_id: self.posting_port().reserve_ids(1),
            member_id,
            service: served.service,
            service_ref: served.service_ref,
            channel: served.channel,
            staff_login: served.staff_login,
            stars,
            reasons: checked_text(&input.reasons, "评价理由", due.is_some())?,
            reviewed_on: today,
            rectification: due.map(|_| RectificationStatus::Open),
            rectification_due: due,
            owner_login: None,
            rectification_note: String::new(),
            rectified_on: None,
            follow_up_note: String::new(),
            followed_up_on: None,
            visitor_login: None,
        };
        self.quality_port().insert_review(&review).await?;
        Ok(review)
    }

    /// A rectification's next step: `Taken` (认领), `Rectified` (整改情况)
    /// or `FollowedUp` (回访, with the member's answer).
    pub async fn rectify(
        self,
        actor: &Actor,
        review_id: i64,
        next: RectificationStatus,
        note: &str,
        today: Date,
    ) -> AppResult<ReviewRecord> {
        let result = self.try_rectify(actor, review_id, next, note, today).await;
        let target = format!("review:{review_id}");
        self.audited(
            actor,
            "review.rectify",
            &target,
            next.code().as_bytes(),
            result,
        )
        .await
    }

    async fn try_rectify(
        self,
        actor: &Actor,
        review_id: i64,
        next: RectificationStatus,
        note: &str,
        today: Date,
    ) -> AppResult<ReviewRecord> {
        let staff = desk_staff(actor)?.login.clone();
        let before = self.review_record(review_id).await?;
        let Some(status) = before.rectification else {
            return Err(DomainError::new("RECTIFICATION_STEP_ORDER", "好评无需整改").into());
        };
        check_rectification_step(
            status,
            next,
            before.staff_login.as_deref(),
            before.owner_login.as_deref(),
            &staff,
        )?;
        let after = self.stepped(&before, next, staff, note, today)?;
        if !self
            .quality_port()
            .update_rectification(&after, status)
            .await?
        {
            return Err(
                DomainError::new("RECTIFICATION_CHANGED", "整改任务已变化，请刷新后重试").into(),
            );
        }
        self.tell_rated(&after, next).await;
        Ok(after)
    }

    fn stepped(
        self,
        before: &ReviewRecord,
        next: RectificationStatus,
        staff: String,
        note: &str,
        today: Date,
    ) -> AppResult<ReviewRecord> {
        let mut after = ReviewRecord {
            rectification: Some(next),
            ..before.clone()
        };
        match next {
            RectificationStatus::Taken => after.owner_login = Some(staff),
            RectificationStatus::Rectified => {
                after.rectification_note = checked_text(note, "整改情况", true)?;
                after.rectified_on = Some(today);
            }
            RectificationStatus::FollowedUp => {
                after.follow_up_note = checked_text(note, "回访情况", true)?;
                after.followed_up_on = Some(today);
                after.visitor_login = Some(staff);
            }
            RectificationStatus::Open => {}
        }
        Ok(after)
    }

    /// The member hears of the rectification and of the visit.
    async fn tell_rated(self, review: &ReviewRecord, step: RectificationStatus) {
        let service = review.service.name_zh();
        let (title, body) = match step {
            RectificationStatus::Rectified => (
                "您的差评已整改",
                format!("您对“{service}”的评价已整改：{}", review.rectification_note),
            ),
            RectificationStatus::FollowedUp => (
                "差评整改回访",
                format!(
                    "我们已就您对“{service}”的评价回访：{}",
                    review.follow_up_note
                ),
            ),
            _ => return,
        };
        self.tell_member(Some(review.member_id), title, &body).await;
    }

    /// When the visit is due (from the rectification day).
    pub fn follow_up_due(self, review: &ReviewRecord) -> AppResult<Option<Date>> {
        let Some(on) = review.rectified_on else {
            return Ok(None);
        };
        let rules = self.policy().service.at(on)?.value;
        Ok(Some(follow_up_due(on, &rules)?))
    }

    /// The reviews a member of the desk may read: nobody reads the reviews
    /// of themselves, unless a manager (who reads all).
    pub async fn reviews_for(self, actor: &Actor) -> AppResult<Vec<ReviewRecord>> {
        let staff = desk_staff(actor)?;
        let mut reviews = self.quality_port().reviews(super::LIST_LIMIT).await?;
        if staff.role != Role::Manager {
            reviews.retain(|r| r.staff_login.as_deref() != Some(staff.login.as_str()));
        }
        Ok(reviews)
    }

    /// Ratings of `[from, to]` by service, channel and member of staff;
    /// again without the viewer's own unless a manager.
    pub async fn review_groups_for(
        self,
        actor: &Actor,
        from: Date,
        to: Date,
    ) -> AppResult<Vec<ReviewGroup>> {
        let staff = desk_staff(actor)?;
        let mut groups = self.quality_port().review_groups(from, to).await?;
        if staff.role != Role::Manager {
            groups.retain(|g| g.staff_login.as_deref() != Some(staff.login.as_str()));
        }
        Ok(groups)
    }

    pub async fn review_for(self, actor: &Actor, review_id: i64) -> AppResult<ReviewRecord> {
        let staff = desk_staff(actor)?;
        let review = self.review_record(review_id).await?;
        let own = review.staff_login.as_deref() == Some(staff.login.as_str());
        if own && staff.role != Role::Manager {
            return Err(DomainError::new(
                "RECTIFICATION_OWN_REVIEW",
                "被评价人不能查看对自己的评价",
            )
            .into());
        }
        Ok(review)
    }

    pub async fn member_reviews(self, member_id: i64) -> AppResult<Vec<ReviewRecord>> {
        Ok(self.quality_port().member_reviews(member_id).await?)
    }

    async fn review_record(self, review_id: i64) -> AppResult<ReviewRecord> {
        self.quality_port()
            .review(review_id)
            .await?
            .ok_or_else(|| not_found("REVIEW_NOT_FOUND", format!("评价 {review_id} 不存在")))
    }
}
