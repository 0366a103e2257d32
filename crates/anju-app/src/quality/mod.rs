//! 服务质量 use cases: complaints and disputes (投诉、纠纷调处) with their
//! time limit and one appeal; ratings after a service (好差评) whose bad
//! ones are rectified and followed up by a visit; the 12329 hotline's calls,
//! imported from the telephony system's CDR files or entered one at a time.
//! The rules are `anju_domain::quality`'s; every change is audited.

mod hotline;
mod reviews;
#[cfg(test)]
mod tests;

pub use hotline::{CallInput, CdrImport};
pub use reviews::{RateInput, Rateable};

use crate::access::{Actor, Principal};
use crate::{AppResult, Quality};
use anju_domain::Date;
use anju_domain::DomainError;
use anju_domain::access::{Role, duties};
use anju_domain::quality::{
    ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, check_appeal,
    check_handler, checked_text, complaint_due,
};
use anju_domain::service_times::WorkKind;
pub use anju_store::{ComplaintRecord, HotlineCallRecord, ReviewGroup, ReviewRecord};

/// Complaints a list shows at most.
const LIST_LIMIT: u32 = 200;

/// What a complainant says, as the hall's form or a clerk takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintInput {
    pub source: ComplaintSource,
    pub category: ComplaintCategory,
    pub complainant: String,
    pub contact: String,
    pub subject: String,
    pub detail: String,
}

/// How a handler answers a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    pub outcome: ComplaintOutcome,
    /// The service-quality fault was found true (查实).
    pub verified: bool,
    pub finding: String,
    pub reply: String,
}

fn not_found(code: &'static str, message: String) -> crate::AppError {
    DomainError::new(code, message).into()
}

/// The member of staff on the quality desk acting, or a refusal.
fn desk_staff(actor: &Actor) -> AppResult<&Principal> {
    match &actor.principal {
        Some(p) if duties::QUALITY_DESK.contains(&p.role) => Ok(p),
        _ => {
            Err(DomainError::new("ROLE_FORBIDDEN", "服务质量事项由柜员、审核员或管理员办理").into())
        }
    }
}

impl Quality<'_> {
    /// Takes a complaint: a member files their own in the hall; staff take
    /// one from the counter, a letter or the government platform. It is due
    /// in the policy's days.
    pub async fn file_complaint(
        self,
        actor: &Actor,
        input: &ComplaintInput,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let result = self.try_file(actor, input, None, today).await;
        self.audited(
            actor,
            "complaint.file",
            "complaint",
            input.subject.as_bytes(),
            result,
        )
        .await
    }

    pub(crate) async fn try_file(
        self,
        actor: &Actor,
        input: &ComplaintInput,
        call_id: Option<String>,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let member = actor.principal.as_ref().filter(|p| p.role == Role::Member);
        let (source, member_id, complainant) = match member {
            Some(p) => (ComplaintSource::Hall, p.member_id, p.display_name.clone()),
            None => {
                desk_staff(actor)?;
                let name = checked_text(&input.complainant, "投诉人", true)?;
                (input.source, None, name)
            }
        };
        let rules = self.policy().service.at(today)?.value;
        let complaint = ComplaintRecord {
            complaint_id: self.posting_port().reserve_ids(1),
            received_on: today,
            source,
            category: input.category,
            member_id,
            complainant,
            contact: checked_text(&input.contact, "联系方式", false)?,
            subject: checked_text(&input.subject, "投诉事项", true)?,
            detail: checked_text(&input.detail, "具体情况", true)?,
            received_by: actor.recorded_login(),
            status: ComplaintStatus::Received,
            due_on: complaint_due(today, &rules)?,
            handler_login: None,
            verified: false,
            outcome: None,
            finding: String::new(),
            reply: String::new(),
            resolved_on: None,
            appeal_reason: String::new(),
            appealed_on: None,
            appeal_handler_login: None,
            call_id,
        };
        self.quality_port().insert_complaint(&complaint).await?;
        self.clock_work(
            WorkKind::Complaint,
            complaint.complaint_id,
            today,
            false,
            today,
        )
        .await;
        Ok(complaint)
    }

    /// A handler takes a received complaint, or a second handler an
    /// appealed one. Taking it (受理) keeps the catalogue's promise (ZH06);
    /// the answer is due by the complaint rules' own day.
    pub async fn take_complaint(
        self,
        actor: &Actor,
        complaint_id: i64,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let result = self.try_take(actor, complaint_id).await;
        let target = format!("complaint:{complaint_id}");
        let result = self
            .audited(actor, "complaint.take", &target, b"", result)
            .await;
        self.taken_on_clock(result, today).await
    }

    /// A complaint taken (ZH06 kept) on the work clock; answering one
    /// whose taking was not clocked completes it too (the first stands).
    async fn taken_on_clock(
        self,
        result: AppResult<ComplaintRecord>,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        if let Ok(c) = &result {
            let (id, received_on) = (c.complaint_id, c.received_on);
            self.clock_work(WorkKind::Complaint, id, received_on, true, today)
                .await;
        }
        result
    }

    async fn try_take(self, actor: &Actor, complaint_id: i64) -> AppResult<ComplaintRecord> {
        let staff = desk_staff(actor)?.login.clone();
        let before = self.complaint_record(complaint_id).await?;
        check_handler(before.status, before.handler_login.as_deref(), &staff)?;
        // Taken once: a received complaint, or an appeal nobody has yet.
        let free = match before.status {
            ComplaintStatus::Received => true,
            ComplaintStatus::Appealed => before.appeal_handler_login.is_none(),
            _ => false,
        };
        if !free {
            return Err(DomainError::new("COMPLAINT_TAKEN", "投诉已由他人认领").into());
        }
        let after = match before.status {
            ComplaintStatus::Appealed => ComplaintRecord {
                appeal_handler_login: Some(staff),
                ..before.clone()
            },
            _ => ComplaintRecord {
                status: ComplaintStatus::Handling,
                handler_login: Some(staff),
                ..before.clone()
            },
        };
        self.moved(&after, before.status).await?;
        Ok(after)
    }

    /// The handler answers: the outcome, whether a service-quality fault
    /// was verified, what was found and the reply the complainant reads.
    pub async fn resolve_complaint(
        self,
        actor: &Actor,
        complaint_id: i64,
        resolution: &Resolution,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let result = self
            .try_resolve(actor, complaint_id, resolution, today)
            .await;
        let target = format!("complaint:{complaint_id}");
        let result = self
            .audited(
                actor,
                "complaint.resolve",
                &target,
                resolution.outcome.code().as_bytes(),
                result,
            )
            .await;
        self.taken_on_clock(result, today).await
    }

    async fn try_resolve(
        self,
        actor: &Actor,
        complaint_id: i64,
        resolution: &Resolution,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let staff = desk_staff(actor)?.login.clone();
        let before = self.complaint_record(complaint_id).await?;
        let handler = match before.status {
            ComplaintStatus::Appealed => before.appeal_handler_login.as_deref(),
            ComplaintStatus::Handling => before.handler_login.as_deref(),
            _ => None,
        };
        check_handler(before.status, before.handler_login.as_deref(), &staff)?;
        if handler != Some(staff.as_str()) {
            return Err(DomainError::new(
                "COMPLAINT_NOT_HANDLER",
                "请先认领该投诉；只有承办人可以办结",
            )
            .into());
        }
        if resolution.verified && before.category != ComplaintCategory::ServiceQuality {
            return Err(DomainError::new(
                "COMPLAINT_VERIFY_CATEGORY",
                "只有服务质量投诉可以认定查实",
            )
            .into());
        }
        let after = ComplaintRecord {
            status: ComplaintStatus::Resolved,
            verified: resolution.verified,
            outcome: Some(resolution.outcome),
            finding: checked_text(&resolution.finding, "调查情况", true)?,
            reply: checked_text(&resolution.reply, "答复内容", true)?,
            resolved_on: Some(today),
            ..before.clone()
        };
        self.moved(&after, before.status).await?;
        let body = format!(
            "您的投诉（{}）已办结：{}。答复：{}",
            after.subject,
            resolution.outcome.name_zh(),
            after.reply
        );
        self.tell_member(after.member_id, "投诉办理结果", &body)
            .await;
        Ok(after)
    }

    /// The complainant asks for the answer to be looked at again, once,
    /// within the policy's days; it is due again in the complaint's days.
    pub async fn appeal_complaint(
        self,
        actor: &Actor,
        complaint_id: i64,
        reason: &str,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let result = self.try_appeal(actor, complaint_id, reason, today).await;
        let target = format!("complaint:{complaint_id}");
        self.audited(
            actor,
            "complaint.appeal",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }

    async fn try_appeal(
        self,
        actor: &Actor,
        complaint_id: i64,
        reason: &str,
        today: Date,
    ) -> AppResult<ComplaintRecord> {
        let before = self.complaint_record(complaint_id).await?;
        let own = actor
            .principal
            .as_ref()
            .is_some_and(|p| p.member_id.is_some() && p.member_id == before.member_id);
        if !own {
            return Err(DomainError::new("COMPLAINT_NOT_YOURS", "只能对本人的投诉申请复核").into());
        }
        let rules = self.policy().service.at(today)?.value;
        check_appeal(
            before.status,
            before.resolved_on,
            before.appealed_on.is_some(),
            today,
            &rules,
        )?;
        let after = ComplaintRecord {
            status: ComplaintStatus::Appealed,
            appeal_reason: checked_text(reason, "复核理由", true)?,
            appealed_on: Some(today),
            due_on: complaint_due(today, &rules)?,
            ..before.clone()
        };
        self.moved(&after, before.status).await?;
        Ok(after)
    }

    pub async fn complaint(self, complaint_id: i64) -> AppResult<ComplaintRecord> {
        self.complaint_record(complaint_id).await
    }

    /// The desk's list: unresolved first, by due day.
    pub async fn complaints(self) -> AppResult<Vec<ComplaintRecord>> {
        Ok(self.quality_port().complaints(LIST_LIMIT).await?)
    }

    /// The complaints a member filed in the hall.
    pub async fn member_complaints(self, member_id: i64) -> AppResult<Vec<ComplaintRecord>> {
        Ok(self.quality_port().member_complaints(member_id).await?)
    }

    async fn complaint_record(self, complaint_id: i64) -> AppResult<ComplaintRecord> {
        self.quality_port()
            .complaint(complaint_id)
            .await?
            .ok_or_else(|| not_found("COMPLAINT_NOT_FOUND", format!("投诉 {complaint_id} 不存在")))
    }

    async fn moved(self, after: &ComplaintRecord, expected: ComplaintStatus) -> AppResult<()> {
        if self
            .quality_port()
            .update_complaint(after, expected)
            .await?
        {
            return Ok(());
        }
        Err(DomainError::new("COMPLAINT_CHANGED", "投诉已变化，请刷新后重试").into())
    }

    /// Tells a member in their inbox; a message that fails does not undo
    /// what was done.
    pub(crate) async fn tell_member(self, member_id: Option<i64>, title: &str, body: &str) {
        if let Some(member_id) = member_id {
            self.access()
                .notify_member(member_id, "service", title, body)
                .await;
        }
    }
}
