//! Enforcement documents (执法文书): the notice, talk, review opinion,
//! decision and court filing each step of a case issues, worded from the
//! case's own record so that the paper and the record cannot disagree. The
//! legal basis is 《住房公积金管理条例》第三十八条: an employer that does not
//! pay is ordered to pay within a time limit, and one that still does not
//! may be taken to the people's court.

use super::not_found;
use crate::{AppResult, Collection};
use anju_domain::Date;
use anju_domain::collection::{CaseStep, ReviewOutcome};
use anju_store::{CaseRecord, CaseStepRecord};

const BASIS: &str = "《住房公积金管理条例》第三十八条";
const REMEDY: &str = "如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。";

/// A document as issued: what the page renders as PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDocument {
    pub title: &'static str,
    /// 文书编号.
    pub number: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub issued_on: Date,
}

fn title_of(kind: CaseStep) -> &'static str {
    match kind {
        CaseStep::Reminder => "住房公积金催缴通知书",
        CaseStep::Guidance => "住房公积金缴存提示约谈通知书",
        CaseStep::LegalReview => "重大执法决定法制审核意见书",
        CaseStep::Order => "责令限期缴存住房公积金决定书",
        CaseStep::Court => "强制执行申请书",
        CaseStep::Closed => "结案报告",
    }
}

/// The earlier step of `kind` before step `before`, if any.
fn earlier(steps: &[CaseStepRecord], kind: CaseStep, before: i32) -> Option<&CaseStepRecord> {
    steps
        .iter()
        .rev()
        .find(|s| s.kind == kind && s.step_no < before)
}

/// The day a step was taken and its document's number.
fn on_and_number(step: Option<&CaseStepRecord>) -> (String, String) {
    step.map_or_else(Default::default, |s| {
        (s.acted_on.to_string(), s.document.clone())
    })
}

/// The body of the document of `step`, in the case's words.
fn paragraphs(
    case: &CaseRecord,
    steps: &[CaseStepRecord],
    step: &CaseStepRecord,
    employer: &str,
) -> Vec<String> {
    let arrears = format!(
        "你单位 {} 应缴住房公积金合计 {} 未按时缴存",
        case.periods.replace(',', "、"),
        case.arrears_fen
    );
    let deadline = step.deadline.map(|d| d.to_string()).unwrap_or_default();
    let (reminded, reminder) = on_and_number(earlier(steps, CaseStep::Reminder, step.step_no));
    let (guided, talk) = on_and_number(earlier(steps, CaseStep::Guidance, step.step_no));
    let (_, review) = on_and_number(earlier(steps, CaseStep::LegalReview, step.step_no));
    let (ordered, order) = on_and_number(earlier(steps, CaseStep::Order, step.step_no));
    match step.kind {
        CaseStep::Reminder => vec![format!(
            "经查，{arrears}。请于 {deadline} 前到本中心缴存；逾期不缴存的，本中心将依照{BASIS}责令限期缴存。"
        )],
        CaseStep::Guidance => vec![format!(
            "经查，{arrears}，本中心已于 {reminded} 送达催缴通知（{reminder}）。请你单位负责人到本中心说明情况、接受提示约谈。依照{BASIS}，逾期仍不缴存的，本中心将责令限期缴存。"
        )],
        CaseStep::LegalReview => {
            let conclusion = match step.outcome {
                Some(ReviewOutcome::Approved) => "同意",
                Some(ReviewOutcome::Refused) => "不同意",
                None => "",
            };
            vec![
                format!(
                    "审核事项：对{employer}拟作出的执法决定（案件 {}）。",
                    case.case_id
                ),
                format!("审核意见：{}", step.note),
                format!("审核结论：{conclusion}。"),
            ]
        }
        CaseStep::Order => vec![
            format!(
                "经查，{arrears}。本中心已于 {reminded} 送达催缴通知（{reminder}），并于 {guided} 进行提示约谈（{talk}），你单位仍未缴存。经法制审核（{review}），依照{BASIS}，责令你单位于 {deadline} 前到本中心足额缴存。逾期仍不缴存的，本中心将依法申请人民法院强制执行。"
            ),
            REMEDY.to_string(),
        ],
        CaseStep::Court => vec![format!(
            "被申请人{employer}：{arrears}。本中心于 {ordered} 作出责令限期缴存决定（{order}），被申请人逾期仍未缴存，亦未申请行政复议或提起行政诉讼。经法制审核（{review}），依照{BASIS}，申请人民法院强制执行。"
        )],
        CaseStep::Closed => vec![format!(
            "案件 {} 于 {} 结案。{}",
            case.case_id, step.acted_on, step.note
        )],
    }
}

impl Collection<'_> {
    /// The document step `step_no` of a case issued.
    pub async fn case_document(self, case_id: i64, step_no: i32) -> AppResult<CaseDocument> {
        let (case, steps) = self
            .case_port()
            .case(case_id)
            .await?
            .ok_or_else(|| not_found("CASE_NOT_FOUND", format!("案件 {case_id} 不存在")))?;
        let step = steps.iter().find(|s| s.step_no == step_no).ok_or_else(|| {
            not_found(
                "CASE_NOT_FOUND",
                format!("案件 {case_id} 没有第 {step_no} 步"),
            )
        })?;
        let employer = self
            .collection_port()
            .employer(case.employer_id)
            .await?
            .map_or_else(
                || case.employer_id.to_string(),
                |e| format!("{}（统一社会信用代码 {}）", e.name, e.uscc),
            );
        Ok(CaseDocument {
            title: title_of(step.kind),
            number: step.document.clone(),
            addressee: employer.clone(),
            paragraphs: paragraphs(&case, &steps, step, &employer),
            issuer: self.policy().centre_name.clone(),
            issued_on: step.acted_on,
        })
    }
}
