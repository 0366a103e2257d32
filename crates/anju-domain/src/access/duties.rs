//! The centre's duties as named role sets, defined once. The web routes admit
//! them, the navigation offers them and the use cases check them, so a route,
//! its menu item and the rule behind it cannot disagree.

use super::Role;
use Role::{
    Auditor, Clerk, EmployerAgent, EnforcementOfficer, Finance, LegalReviewer, Manager, Member,
    PartnerCentre, Reviewer, RiskManager,
};

/// 缴存职工: their own account, withdrawals and loans.
pub const MEMBERS: &[Role] = &[Member];

/// 单位经办人: the employer's roster, bills and filings.
pub const AGENTS: &[Role] = &[EmployerAgent];

/// Machine clients with an API token (partner centres, the 一件事 platform).
pub const PARTNERS: &[Role] = &[PartnerCentre];

/// Staff who work the queue and the ledger: every staff role but the
/// read-only auditor.
pub const OPERATIONS: &[Role] = &[Clerk, Reviewer, Finance, RiskManager, Manager];

/// Who may see a member's full name and ID number (the counter checks an
/// applicant against the card in hand); everyone else sees them masked, and
/// each full view is audited. They also export lists with full identities
/// (实名导出), with a reason, and above a configured size only once a
/// manager approves.
pub const IDENTITY_VIEWERS: &[Role] = &[Clerk, Reviewer, Manager];

/// Who reads collection (the overdue list, enforcement cases, employer
/// files): operations and the enforcement staff.
pub const COLLECTION_VIEWERS: &[Role] = &[
    Clerk,
    Reviewer,
    Finance,
    RiskManager,
    Manager,
    EnforcementOfficer,
    LegalReviewer,
];

/// 一线执法: who opens enforcement cases and records their steps (催缴,
/// 提示约谈, 责令限期缴存, 申请法院强制执行, 结案).
pub const ENFORCERS: &[Role] = &[EnforcementOfficer, Manager];

/// 法制审核: who reviews a case's penalty decision; nobody else, not even
/// the manager, so the review stays independent of the handling.
pub const LEGAL_REVIEWERS: &[Role] = &[LegalReviewer];

/// Who records any step of a case (each step then checks its own duty).
pub const CASE_WORKERS: &[Role] = &[EnforcementOfficer, LegalReviewer, Manager];

/// 电子证明: who reads the certificates issued and issues one at the
/// counter for a member (operations), and the auditor who reads them.
pub const CERTIFICATE_VIEWERS: &[Role] = &[Clerk, Reviewer, Finance, RiskManager, Manager, Auditor];

/// 服务质量: who takes complaints, handles them, rectifies bad reviews,
/// visits the member and imports the hotline's calls.
pub const QUALITY_DESK: &[Role] = &[Clerk, Reviewer, Manager];

/// 办件时效: who reads each service's times against its promise and the
/// overdue work — those who do the work and can open every item listed.
pub const TIMELINESS: &[Role] = &[Clerk, Reviewer, Manager];

/// Who may start a correction or reversal (maker of 岗位制衡).
pub const MAKERS: &[Role] = &[Clerk, Finance, Manager];

/// Who may file an employer's deferral or reduction (缓缴、降比例): the
/// employer's agent online, or a clerk at the counter.
pub const RELIEF_MAKERS: &[Role] = &[EmployerAgent, Clerk];

/// Who approves or rejects another's maker-checker task.
pub const CHECKERS: &[Role] = &[Reviewer, Manager];

/// The counter and first review (初审) of withdrawals and loans: taking an
/// application for a member, preparing, rejecting, signing the contract.
pub const CASE_DESK: &[Role] = &[Clerk, Reviewer, Manager];

/// The second review (复核): approving above the limit, the blacklist,
/// project loans.
pub const REVIEWERS: &[Role] = &[Reviewer, Manager];

/// 财务: interest settlement, disbursing loans, the daily loan run,
/// deposits, the distribution's preparation and the plan's inputs.
pub const FINANCE: &[Role] = &[Finance, Manager];

/// Staff who act for a borrower on their loan account (prepaying,
/// changing the repayment card) at the counter.
pub const LOAN_COUNTER: &[Role] = &[Clerk, Manager];

/// Who sees the loan queues (each step then checks its own duty).
pub const LOAN_DESK: &[Role] = &[Clerk, Reviewer, Finance, Manager];

/// Who reads the overdue loan list and the loan risk indicators.
pub const LOAN_RISK: &[Role] = &[RiskManager, Reviewer, Manager, Auditor, Clerk];

/// Who watches rather than works loans: their menu leads to the overdue list.
pub const RISK_WATCH: &[Role] = &[RiskManager, Auditor];

/// Staff who may open a loan's account: every staff role.
pub const LOAN_VIEWERS: &[Role] = &Role::STAFF;

/// Who reads 资金管理 (statements, deposits, liquidity, KPIs, the report).
pub const FUND_VIEWERS: &[Role] = &[Finance, RiskManager, Manager, Auditor];

/// Who runs a liquidity check and acknowledges its alerts.
pub const FUND_WATCH: &[Role] = &[RiskManager, Finance, Manager];

/// Who reads the audit log.
pub const AUDIT: &[Role] = &[Auditor, Manager];

/// The manager alone: approving the distribution, repricing, the
/// collection day run.
pub const MANAGERS: &[Role] = &[Manager];

#[cfg(test)]
mod tests {
    use super::*;

    /// Desk duties are held by staff only; the read-only auditor works none
    /// of the queues.
    #[test]
    fn desk_duties_are_staff_and_exclude_the_auditor() {
        let desks = [
            OPERATIONS,
            MAKERS,
            CHECKERS,
            CASE_DESK,
            REVIEWERS,
            FINANCE,
            LOAN_COUNTER,
            LOAN_DESK,
            FUND_WATCH,
            MANAGERS,
            COLLECTION_VIEWERS,
            ENFORCERS,
            LEGAL_REVIEWERS,
            CASE_WORKERS,
            QUALITY_DESK,
            TIMELINESS,
        ];
        for duty in desks {
            assert!(duty.iter().all(|r| r.is_staff()), "{duty:?}");
            assert!(!duty.contains(&Auditor), "{duty:?}");
        }
        // Operations is every staff role but the auditor and the two
        // enforcement roles, which work their cases only.
        let specialised = [Auditor, EnforcementOfficer, LegalReviewer];
        for role in Role::STAFF {
            assert_eq!(
                OPERATIONS.contains(&role),
                !specialised.contains(&role),
                "{role:?}"
            );
        }
        assert!(!ENFORCERS.iter().any(|r| LEGAL_REVIEWERS.contains(r)));
    }
}
