//! Enforcement cases and their steps, and the daily collection job
//! (`collection_day`) that opens them.

use super::{not_found, period_value};
use crate::Collection;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::collection::CaseStatus;
use anju_domain::collection::{
    CaseStep, EmployerStatus, ReviewOutcome, StepFact, check_deadline, check_next_step,
};
use anju_domain::{Date, DomainError, Fen, Period};
use anju_store::{CaseRecord, CaseStepRecord};

/// Days an automatic 催缴 reminder gives the employer.
pub const REMINDER_DAYS: i32 = 15;
/// Longest document number or note staff may type.
const MAX_TEXT_CHARS: usize = 200;
/// Overdue employers the daily job reads at a time.
const OVERDUE_EMPLOYERS_PAGE: u32 = 1_000;

/// A step staff add to an enforcement case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStepInput {
    pub step: CaseStep,
    pub deadline: Option<Date>,
    /// 文书编号 of the notice, decision or court filing.
    pub document: String,
    pub note: String,
    /// A legal review's conclusion (legal reviews only).
    pub outcome: Option<ReviewOutcome>,
    /// What the step rests on: 约谈笔录, 送达回证, 审核意见 …
    pub evidence: String,
}

/// What the daily collection job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionDay {
    /// Employers whose deferral ended and who are back to 正常.
    pub deferrals_ended: Vec<i64>,
    /// Employers with an overdue bill.
    pub overdue_employers: usize,
    /// Enforcement cases opened today with a 催缴 reminder.
    pub cases_opened: Vec<i64>,
}

fn checked_text(text: &str, what: &str, required: bool) -> AppResult<String> {
    let text = text.trim();
    if (required && text.is_empty()) || text.chars().count() > MAX_TEXT_CHARS {
        return Err(DomainError::new("TEXT_INVALID", format!("请填写{what}（200字以内）")).into());
    }
    Ok(text.to_string())
}

impl App {
    async fn try_open_case(
        &self,
        actor: &Actor,
        employer_id: i64,
        document: &str,
        deadline: Date,
        today: Date,
    ) -> AppResult<CaseRecord> {
        check_duty(actor, CaseStep::Reminder)?;
        check_deadline(CaseStep::Reminder, Some(deadline), today)?;
        let document = checked_text(document, "催缴通知书编号", true)?;
        let overdue = self
            .case_port()
            .overdue_bills_of(employer_id, today)
            .await?;
        if overdue.is_empty() {
            return Err(DomainError::new("CASE_NOT_OVERDUE", "该单位没有逾期未缴的清册").into());
        }
        let arrears = overdue
            .iter()
            .try_fold(Fen::ZERO, |acc, b| acc.checked_add(b.total_fen))?;
        let periods: Vec<String> = overdue.iter().map(|b| b.period.to_string()).collect();
        let case = CaseRecord {
            case_id: self.posting_port().reserve_ids(1),
            employer_id,
            opened_on: today,
            status: CaseStatus::Open,
            arrears_fen: arrears,
            periods: periods.join(","),
            closed_on: None,
        };
        let first = CaseStepRecord {
            step_no: 1,
            kind: CaseStep::Reminder,
            acted_on: today,
            deadline: Some(deadline),
            document,
            staff_login: actor.recorded_login(),
            note: format!("欠缴 {arrears}，月份 {}", case.periods),
            outcome: None,
            evidence: String::new(),
        };
        self.case_port().open_case(&case, &first).await?;
        let body = format!(
            "贵单位 {} 的住房公积金逾期未缴，合计 {arrears}。请于 {deadline} 前缴清（{}）。",
            case.periods, first.document
        );
        self.tell_employer(employer_id, "住房公积金催缴通知", &body)
            .await?;
        Ok(case)
    }

    async fn try_add_case_step(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &CaseStepInput,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let (case, steps) = self
            .case_port()
            .case(case_id)
            .await?
            .ok_or_else(|| not_found("CASE_NOT_FOUND", format!("案件 {case_id} 不存在")))?;
        check_duty(actor, input.step)?;
        let staff = actor.recorded_login();
        let mut history: Vec<StepFact<'_>> = steps.iter().map(CaseStepRecord::fact).collect();
        if case.status == CaseStatus::Closed {
            history.push(StepFact {
                kind: CaseStep::Closed,
                deadline: None,
                outcome: None,
                staff: "",
                acted_on: None,
            });
        }
        let next = StepFact {
            kind: input.step,
            deadline: input.deadline.filter(|_| input.step.has_deadline()),
            outcome: input
                .outcome
                .filter(|_| input.step == CaseStep::LegalReview),
            staff: &staff,
            acted_on: None,
        };
        check_next_step(&history, &next, today)?;
        let still_overdue = !self
            .case_port()
            .overdue_bills_of(case.employer_id, today)
            .await?
            .is_empty();
        let step = CaseStepRecord {
            step_no: steps.last().map_or(1, |s| s.step_no + 1),
            kind: input.step,
            acted_on: today,
            deadline: next.deadline,
            document: checked_text(&input.document, "文书编号", needs_document(input.step))?,
            note: checked_text(
                &input.note,
                note_label(input.step),
                needs_note(input.step, still_overdue),
            )?,
            outcome: next.outcome,
            evidence: checked_text(&input.evidence, "证据材料", needs_evidence(input.step))?,
            staff_login: staff.clone(),
        };
        let closing = input.step == CaseStep::Closed;
        let closed_on = closing.then_some(today);
        if !self
            .case_port()
            .add_case_step(case_id, &step, closed_on)
            .await?
        {
            return Err(DomainError::new("CASE_CHANGED", "案件已变化，请刷新后重试").into());
        }
        let deadline = step
            .deadline
            .map(|d| format!("，期限 {d}"))
            .unwrap_or_default();
        let body = format!(
            "催缴案件 {case_id}：{}（{}）{deadline}。",
            input.step.name_zh(),
            step.document
        );
        // The legal review is the centre's own deliberation; the employer
        // hears of the decision it clears.
        if input.step != CaseStep::LegalReview {
            self.tell_employer(case.employer_id, input.step.name_zh(), &body)
                .await?;
        }
        self.case_port()
            .case(case_id)
            .await?
            .map(|(c, _)| c)
            .ok_or_else(|| not_found("CASE_NOT_FOUND", format!("案件 {case_id} 不存在")))
    }
}

impl Collection<'_> {
    /// Opens a case against an employer with overdue bills, its first step a
    /// 催缴 reminder with a deadline.
    pub async fn open_enforcement_case(
        self,
        actor: &Actor,
        employer_id: i64,
        document: &str,
        deadline: Date,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let result = self
            .try_open_case(actor, employer_id, document, deadline, today)
            .await;
        let target = format!("employer:{employer_id}");
        self.audited(
            actor,
            "enforcement.open",
            &target,
            document.as_bytes(),
            result,
        )
        .await
    }

    /// Escalates (责令限期缴存, then 申请法院强制执行) once the last deadline has
    /// passed, or closes the case: when nothing is overdue any more, or with a
    /// note saying why.
    pub async fn add_case_step(
        self,
        actor: &Actor,
        case_id: i64,
        input: &CaseStepInput,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let result = self.try_add_case_step(actor, case_id, input, today).await;
        let target = format!("case:{case_id}");
        self.audited(
            actor,
            "enforcement.step",
            &target,
            input.step.code().as_bytes(),
            result,
        )
        .await
    }

    pub async fn enforcement_case(
        self,
        case_id: i64,
    ) -> AppResult<Option<(CaseRecord, Vec<CaseStepRecord>)>> {
        Ok(self.case_port().case(case_id).await?)
    }

    pub async fn enforcement_cases(self, status: Option<CaseStatus>) -> AppResult<Vec<CaseRecord>> {
        Ok(self.case_port().cases(status, 200).await?)
    }

    /// 归集日终: restore employers whose deferral ended, and open a case with a
    /// 催缴 reminder (deadline in [`REMINDER_DAYS`]) for every employer with an
    /// overdue bill and no open case. Safe to run twice on a day.
    pub async fn collection_day(self, actor: &Actor, today: Date) -> AppResult<CollectionDay> {
        let mut day = CollectionDay::default();
        for r in self
            .case_port()
            .ended_deferrals(period_value(Period::of_date(today)))
            .await?
        {
            let moved = self
                .case_port()
                .set_employer_status(
                    r.employer_id,
                    &[EmployerStatus::Deferred],
                    EmployerStatus::Active,
                )
                .await?;
            if moved {
                day.deferrals_ended.push(r.employer_id);
            }
        }
        let deadline = today.add_days(REMINDER_DAYS)?;
        let mut after = 0;
        loop {
            let page = self
                .case_port()
                .overdue_employer_ids(today, after, OVERDUE_EMPLOYERS_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = *last;
            day.overdue_employers += page.len();
            for employer_id in page {
                if self.case_port().open_case_of(employer_id).await?.is_some() {
                    continue;
                }
                let document = format!("催缴〔{}〕{employer_id}-{}号", today.year(), today);
                // A case opened meanwhile (by staff, or a second run) is fine.
                match self
                    .open_enforcement_case(actor, employer_id, &document, deadline, today)
                    .await
                {
                    Ok(case) => day.cases_opened.push(case.case_id),
                    Err(e) if e.code() == Some("CASE_OPEN") => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(day)
    }
}

/// A person records only the steps of their duty; the daily job (no
/// person) sends reminders.
fn check_duty(actor: &Actor, step: CaseStep) -> AppResult<()> {
    match &actor.principal {
        Some(p) if !step.duty().contains(&p.role) => Err(DomainError::new(
            "CASE_STEP_FORBIDDEN",
            format!("{}不能办理“{}”", p.role.name_zh(), step.name_zh()),
        )
        .into()),
        _ => Ok(()),
    }
}

/// Every step but closing is a document (通知书, 决定书, 审核意见书 …).
fn needs_document(step: CaseStep) -> bool {
    step != CaseStep::Closed
}

/// A legal review states its reasons; a case closed while money is still
/// owed says why.
fn needs_note(step: CaseStep, still_overdue: bool) -> bool {
    match step {
        CaseStep::LegalReview => true,
        CaseStep::Closed => still_overdue,
        _ => false,
    }
}

fn note_label(step: CaseStep) -> &'static str {
    match step {
        CaseStep::LegalReview => "审核意见",
        CaseStep::Closed => "结案说明",
        _ => "说明",
    }
}

/// Guidance rests on its record (约谈笔录 or the 提示函's delivery), and a
/// penalty on the evidence of the arrears and its delivery.
fn needs_evidence(step: CaseStep) -> bool {
    matches!(step, CaseStep::Guidance | CaseStep::Order | CaseStep::Court)
}
