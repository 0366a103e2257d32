//! 导出 for the employer: its roster (在职缴存职工) and its bills (汇缴清册)
//! as `.xlsx` or CSV, with the employer's page's columns, each export
//! audited (`crate::export`). An agent exports their own employer only.
//!
//! The identified roster (实名导出) carries full names and ID numbers: only
//! the roles that may see a full identity ask for it, always with a reason;
//! a list longer than the configured limit becomes a task a manager decides,
//! and once approved is handed to the one who asked, once.

use super::{BillRecord, MemberRecord, check_scope};
use crate::access::tasks::{TaskDraft, acting, checked_reason};
use crate::access::{Actor, Principal, TaskRecord};
use crate::export::{Cell, Export, Format, Sheet, masked_id_card, render};
use crate::{AppResult, Collection};
use anju_domain::access::{Role, TaskKind, TaskStatus, duties};
use anju_domain::collection::BillStatus;
use anju_domain::{Date, DomainError};

/// Bills one export holds, newest first: fifty years of months.
pub const MAX_EXPORTED_BILLS: u32 = 600;

const ROSTER_HEADS: &[&str] = &["个人账号", "姓名", "身份证号", "月工资（元）"];
const IDENTIFIED_HEADS: &[&str] = &["个人账号", "姓名", "身份证号（完整）", "月工资（元）"];

/// The audit trail's action for every step of an identified export.
const IDENTIFIED_ACTION: &str = "export.roster.identified";

/// An identified roster asked for: its employer, format and the reason.
#[derive(Debug, Clone)]
pub struct IdentifiedExportRequest {
    pub employer_id: i64,
    pub format: Format,
    pub reason: String,
}

/// What asking for an identified roster comes to.
#[derive(Debug, Clone)]
pub enum IdentifiedRoster {
    /// Within the limit: the file, audited with the reason.
    Ready(Export),
    /// Above it: the task a manager decides; the file is taken after approval.
    AwaitingApproval(TaskRecord),
}

/// How long an approval to export stays good for the one who asked.
pub const APPROVAL_VALID_DAYS: i64 = 7;

/// Approved tasks looked through for the ones still to be taken.
const APPROVED_SCAN: u32 = 500;

/// What an identified-export task carries: whose roster, in what format,
/// and how many people the manager approved.
struct IdentifiedPayload {
    employer_id: i64,
    format: Format,
    people: usize,
}

impl IdentifiedPayload {
    /// The task's JSON (written by `try_identified`).
    fn parse(text: &str) -> AppResult<IdentifiedPayload> {
        let corrupt = || DomainError::new("TASK_CORRUPT", "待办内容无效");
        let json: serde_json::Value = serde_json::from_str(text).map_err(|_| corrupt())?;
        let employer_id = json["employer_id"].as_i64().ok_or_else(corrupt)?;
        let format = Format::parse(json["format"].as_str().ok_or_else(corrupt)?)?;
        let people = json["people"].as_u64().ok_or_else(corrupt)?;
        let people = usize::try_from(people).map_err(|_| corrupt())?;
        Ok(IdentifiedPayload {
            employer_id,
            format,
            people,
        })
    }
}

/// Decided more than [`APPROVAL_VALID_DAYS`] before `now_us`.
fn approval_expired(task: &TaskRecord, now_us: i64) -> bool {
    const DAY_US: i64 = 86_400 * 1_000_000;
    let decided = task.decided_at_us.unwrap_or(i64::MIN / 2);
    now_us.saturating_sub(decided) > APPROVAL_VALID_DAYS * DAY_US
}
const BILL_HEADS: &[&str] = &[
    "缴存年月",
    "类型",
    "人数",
    "应缴金额（元）",
    "缴存期限",
    "状态",
];

/// A bill's standing on `today`, as the employer's page shows it.
pub fn bill_standing(bill: &BillRecord, today: Date) -> &'static str {
    match (bill.status, bill.due_date < today) {
        _ if bill.reversal_entry_id.is_some() => "已更正（冲正）",
        (BillStatus::Paid, _) => "已缴",
        (_, true) => "逾期未缴",
        _ => "待缴",
    }
}

/// The employer's own agent, or staff: what an export holds is personal
/// data, so nobody else (a member, a partner, a job) exports it.
fn check_reader(actor: &Actor, employer_id: i64) -> AppResult<()> {
    check_scope(actor, employer_id)?;
    match &actor.principal {
        Some(p) if p.role == Role::EmployerAgent || p.role.is_staff() => Ok(()),
        _ => Err(DomainError::new("EMPLOYER_SCOPE", "只能导出本单位的数据").into()),
    }
}

/// The account number is an identifier, not a quantity: text, so a
/// spreadsheet shows all sixteen digits rather than `1.79662E+15`.
fn roster_row(m: &MemberRecord) -> Vec<Cell> {
    vec![
        Cell::text(m.member_id.to_string()),
        Cell::text(&m.name),
        Cell::text(masked_id_card(&m.id_card)),
        Cell::Money(m.wage_fen),
    ]
}

fn identified_row(m: &MemberRecord) -> Vec<Cell> {
    vec![
        Cell::text(m.member_id.to_string()),
        Cell::text(&m.name),
        Cell::text(&m.id_card),
        Cell::Money(m.wage_fen),
    ]
}

/// A role that may see full identities, or a refusal.
fn identity_viewer(actor: &Actor) -> AppResult<&Principal> {
    let principal = acting(actor)?;
    if duties::IDENTITY_VIEWERS.contains(&principal.role) {
        return Ok(principal);
    }
    Err(DomainError::new("ROLE_FORBIDDEN", "实名导出只能由柜员、审核员或管理员申请").into())
}

fn bill_row(b: &BillRecord, today: Date) -> Vec<Cell> {
    vec![
        Cell::text(b.period.to_string()),
        Cell::text(b.kind.name_zh()),
        Cell::Whole(i64::from(b.line_count)),
        Cell::Money(b.total_fen),
        Cell::text(b.due_date.to_string()),
        Cell::text(bill_standing(b, today)),
    ]
}

impl Collection<'_> {
    /// 在职缴存职工 of `employer_id`: 个人账号, 姓名, the ID number masked
    /// as screens show it, and the monthly wage the contributions are on.
    pub async fn export_roster(
        self,
        actor: &Actor,
        employer_id: i64,
        format: Format,
    ) -> AppResult<Export> {
        let result = match check_reader(actor, employer_id) {
            Ok(()) => self.roster_export(employer_id, format).await,
            Err(e) => Err(e),
        };
        let subject = format!("employer:{employer_id}");
        self.audited_export(actor, "export.roster", &subject, format, result)
            .await
    }

    /// 汇缴清册 of `employer_id`, newest first, standing as on `today`.
    pub async fn export_bills(
        self,
        actor: &Actor,
        employer_id: i64,
        today: Date,
        format: Format,
    ) -> AppResult<Export> {
        let result = match check_reader(actor, employer_id) {
            Ok(()) => self.bills_export(employer_id, today, format).await,
            Err(e) => Err(e),
        };
        let subject = format!("employer:{employer_id}");
        self.audited_export(actor, "export.bills", &subject, format, result)
            .await
    }

    /// 实名导出 of `employer_id`'s roster: the file now when it lists no
    /// more people than the limit, else a task for a manager. Either way
    /// the request, its reason and its outcome are in the audit trail.
    pub async fn export_roster_identified(
        self,
        actor: &Actor,
        request: &IdentifiedExportRequest,
    ) -> AppResult<IdentifiedRoster> {
        // The reason as asked, cut to the length a reason may have: a
        // refused overlong one must not fill the trail.
        let reason: String = request
            .reason
            .trim()
            .chars()
            .take(anju_domain::access::MAX_REASON_CHARS)
            .collect();
        let subject = format!("employer:{} 理由：{reason}", request.employer_id);
        let file = match self.try_identified(actor, request).await {
            Ok(IdentifiedRoster::AwaitingApproval(task)) => {
                let target = format!("{subject} task={}", task.task_id);
                let payload = task.payload.clone();
                let audited = self.audited(
                    actor,
                    IDENTIFIED_ACTION,
                    &target,
                    payload.as_bytes(),
                    Ok(task),
                );
                return audited.await.map(IdentifiedRoster::AwaitingApproval);
            }
            Ok(IdentifiedRoster::Ready(export)) => Ok(export),
            Err(e) => Err(e),
        };
        let audited = self.audited_export(actor, IDENTIFIED_ACTION, &subject, request.format, file);
        audited.await.map(IdentifiedRoster::Ready)
    }

    async fn try_identified(
        self,
        actor: &Actor,
        request: &IdentifiedExportRequest,
    ) -> AppResult<IdentifiedRoster> {
        let maker = identity_viewer(actor)?;
        let reason = checked_reason(&request.reason)?;
        let employer_id = request.employer_id;
        let Some(employer) = self.employer(employer_id).await? else {
            return Err(DomainError::new("EMPLOYER_NOT_FOUND", "缴存单位不存在").into());
        };
        let roster = self.active_members(employer_id).await?;
        if roster.len() <= self.identified_export_limit() {
            let sheet = identified_sheet(employer_id, &roster);
            return Ok(IdentifiedRoster::Ready(render(&sheet, request.format)?));
        }
        let target = format!("roster:{employer_id}");
        self.refuse_if_pending(std::slice::from_ref(&target))
            .await?;
        let payload = serde_json::json!({
            "employer_id": employer_id,
            "format": request.format.code(),
            "people": roster.len(),
        });
        let draft = TaskDraft {
            kind: TaskKind::IdentifiedExport,
            target,
            payload: payload.to_string(),
            summary: format!(
                "导出“{}”在职职工实名清单（{} 人，{}）：{reason}",
                employer.name,
                roster.len(),
                request.format.code()
            ),
            reason,
        };
        let task = self.create_task(maker, draft, self.posting_port().reserve_ids(1));
        Ok(IdentifiedRoster::AwaitingApproval(task.await?))
    }

    /// The approved identified roster of task `task_id`, handed once to the
    /// one who asked for it, as the roster stands now; audited with the
    /// file's digest.
    pub async fn take_identified_export(self, actor: &Actor, task_id: i64) -> AppResult<Export> {
        let subject = format!("task:{task_id}");
        match self.try_take(actor, task_id).await {
            Ok((export, format, employer_id)) => {
                let subject = format!("{subject} employer:{employer_id}");
                self.audited_export(actor, IDENTIFIED_ACTION, &subject, format, Ok(export))
                    .await
            }
            Err(e) => {
                self.audited(actor, IDENTIFIED_ACTION, &subject, b"", Err(e))
                    .await
            }
        }
    }

    async fn try_take(self, actor: &Actor, task_id: i64) -> AppResult<(Export, Format, i64)> {
        let user = identity_viewer(actor)?;
        let now = crate::clock::now_micros();
        let approved = self.approved_export(user, task_id, now).await?;
        let employer_id = approved.employer_id;
        let roster = self.active_members(employer_id).await?;
        // The approval covers the list the manager saw, not one grown since.
        if roster.len() > approved.people {
            let refused = DomainError::new(
                "EXPORT_SCOPE_CHANGED",
                format!(
                    "名单已从批准时的 {} 人增至 {} 人，请重新申请",
                    approved.people,
                    roster.len()
                ),
            );
            return Err(refused.into());
        }
        let export = render(&identified_sheet(employer_id, &roster), approved.format)?;
        // Released before the audit row is written: should that write fail,
        // nothing is handed out and the approval is spent (fail closed: an
        // export never leaves unaudited, nor twice).
        if !self
            .access_port()
            .release_export(task_id, user.user_id, now)
            .await?
        {
            let refused = DomainError::new(
                "EXPORT_ALREADY_RELEASED",
                "该实名导出已下载过；如需再次导出，请重新申请",
            );
            return Err(refused.into());
        }
        Ok((export, approved.format, employer_id))
    }

    /// Task `task_id` as an identified export `user` asked for, approved
    /// within the last [`APPROVAL_VALID_DAYS`] days, or the refusal.
    async fn approved_export(
        self,
        user: &Principal,
        task_id: i64,
        now_us: i64,
    ) -> AppResult<IdentifiedPayload> {
        let task = self.access_port().task(task_id).await?;
        let task = task
            .ok_or_else(|| DomainError::new("TASK_NOT_FOUND", format!("待办 {task_id} 不存在")))?;
        if task.kind != TaskKind::IdentifiedExport {
            return Err(DomainError::new("EXPORT_TASK_INVALID", "该待办不是实名导出").into());
        }
        if task.maker_user_id != user.user_id {
            let refused = DomainError::new("EXPORT_NOT_REQUESTER", "实名导出只能由申请人本人下载");
            return Err(refused.into());
        }
        let refused = match task.status {
            TaskStatus::Approved if approval_expired(&task, now_us) => DomainError::new(
                "EXPORT_APPROVAL_EXPIRED",
                format!("批准已超过 {APPROVAL_VALID_DAYS} 天，请重新申请"),
            ),
            TaskStatus::Approved => return IdentifiedPayload::parse(&task.payload),
            TaskStatus::Pending => DomainError::new(
                "EXPORT_AWAITING_APPROVAL",
                "实名导出尚待审批，批准后才能下载",
            ),
            TaskStatus::Rejected => DomainError::new("EXPORT_REJECTED", "实名导出申请已被驳回"),
        };
        Err(refused.into())
    }

    /// The approved identified exports `user` asked for and may still take
    /// (not taken, not expired), newest first; none for a role that may not.
    pub async fn identified_exports_ready(self, user: &Principal) -> AppResult<Vec<TaskRecord>> {
        if !duties::IDENTITY_VIEWERS.contains(&user.role) {
            return Ok(Vec::new());
        }
        let now = crate::clock::now_micros();
        let approved = self
            .access_port()
            .tasks(Some(TaskStatus::Approved), APPROVED_SCAN);
        let mine: Vec<TaskRecord> = approved
            .await?
            .into_iter()
            .filter(|t| t.kind == TaskKind::IdentifiedExport && t.maker_user_id == user.user_id)
            .filter(|t| !approval_expired(t, now))
            .collect();
        let ids: Vec<i64> = mine.iter().map(|t| t.task_id).collect();
        let taken = self.access_port().released_exports(&ids).await?;
        Ok(mine
            .into_iter()
            .filter(|t| !taken.contains(&t.task_id))
            .collect())
    }

    async fn roster_export(self, employer_id: i64, format: Format) -> AppResult<Export> {
        self.existing_employer(employer_id).await?;
        let roster = self.active_members(employer_id).await?;
        let sheet = Sheet {
            title: "在职缴存职工",
            file_stem: format!("roster-{employer_id}"),
            heads: ROSTER_HEADS,
            rows: roster.iter().map(roster_row).collect(),
        };
        render(&sheet, format)
    }

    async fn bills_export(
        self,
        employer_id: i64,
        today: Date,
        format: Format,
    ) -> AppResult<Export> {
        self.existing_employer(employer_id).await?;
        let bills = self.bills_of(employer_id, MAX_EXPORTED_BILLS).await?;
        let sheet = Sheet {
            title: "汇缴清册",
            file_stem: format!("bills-{employer_id}"),
            heads: BILL_HEADS,
            rows: bills.iter().map(|b| bill_row(b, today)).collect(),
        };
        render(&sheet, format)
    }

    async fn existing_employer(self, employer_id: i64) -> AppResult<()> {
        match self.employer(employer_id).await? {
            Some(_) => Ok(()),
            None => Err(DomainError::new("EMPLOYER_NOT_FOUND", "缴存单位不存在").into()),
        }
    }
}

fn identified_sheet(employer_id: i64, roster: &[MemberRecord]) -> Sheet {
    Sheet {
        title: "在职缴存职工（实名）",
        file_stem: format!("roster-{employer_id}-identified"),
        heads: IDENTIFIED_HEADS,
        rows: roster.iter().map(identified_row).collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::access::{AuditQuery, Principal};
    use crate::export::Format;
    use crate::test_support::{d, person, sqlite_app};
    use anju_domain::access::Role;
    use anju_domain::collection::{ContributionRates, EmployerRegistration, MemberEnrolment};
    use anju_domain::{Period, RatePpm};

    fn agent_of(employer_id: i64) -> crate::access::Actor {
        let mut actor = person(Role::EmployerAgent, "agent-1", None);
        actor.principal = actor.principal.map(|p| Principal {
            employer_id: Some(employer_id),
            ..p
        });
        actor
    }

    async fn employer(app: &crate::App, uscc: &str) -> i64 {
        let rate = RatePpm::parse_percent("10").expect("rate");
        let rates = ContributionRates {
            employer: rate,
            member: rate,
        };
        let registration = EmployerRegistration::new(uscc, "苏州导出测试有限公司", Some(15), rates);
        let batch = crate::access::Actor::anonymous(anju_domain::access::Channel::Batch, "t", "-");
        let registered = app
            .collection()
            .register_employer(&batch, &registration.expect("reg"), d("2026-11-01"))
            .await;
        registered.expect("register").employer_id
    }

    async fn audit(app: &crate::App, action: &str) -> Vec<(String, String)> {
        let query = AuditQuery {
            action: Some(action.to_string()),
            limit: 10,
            ..AuditQuery::default()
        };
        let rows = app.access().search_audit(&query).await.expect("audit");
        rows.into_iter().map(|r| (r.target, r.result)).collect()
    }

    #[tokio::test]
    async fn export_of_a_roster_is_the_agents_own_and_audited() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "export.db").await;
        let mine = employer(&app, "91350100M000100Y43").await;
        let other = crate::demo::demo_employer_uscc(1).expect("uscc");
        let theirs = employer(&app, &other).await;
        let people = [MemberEnrolment::new("320502199003071230", "=张伟", "8000.50").expect("m")];
        let agent = agent_of(mine);
        app.collection()
            .enrol_members(&agent, mine, &people, d("2026-11-01"))
            .await
            .expect("enrol");
        let csv = app
            .collection()
            .export_roster(&agent, mine, Format::Csv)
            .await;
        let text = String::from_utf8(csv.expect("csv").bytes).expect("utf-8");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "\u{feff}个人账号,姓名,身份证号,月工资（元）");
        assert!(
            lines[1].ends_with(",'=张伟,3205**********1230,8000.50"),
            "{}",
            lines[1]
        );
        let refused = app
            .collection()
            .export_roster(&agent, theirs, Format::Xlsx)
            .await;
        assert_eq!(refused.expect_err("scope").code(), Some("EMPLOYER_SCOPE"));
        let member = person(Role::Member, "320502199003071230", Some(1));
        let refused = app
            .collection()
            .export_roster(&member, mine, Format::Csv)
            .await;
        assert_eq!(refused.expect_err("member").code(), Some("EMPLOYER_SCOPE"));
        assert_eq!(
            audit(&app, "export.roster").await,
            [
                (
                    format!("employer:{mine} format=csv"),
                    "EMPLOYER_SCOPE".to_string()
                ),
                (
                    format!("employer:{theirs} format=xlsx"),
                    "EMPLOYER_SCOPE".to_string()
                ),
                (
                    format!("employer:{mine} format=csv rows=1"),
                    "ok".to_string()
                ),
            ]
        );
    }

    #[tokio::test]
    async fn export_of_bills_words_their_standing_on_the_day() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "bills.db").await;
        let mine = employer(&app, "91350100M000100Y43").await;
        let agent = agent_of(mine);
        let people = [MemberEnrolment::new("320502199003071230", "张伟", "8000").expect("m")];
        app.collection()
            .enrol_members(&agent, mine, &people, d("2026-11-01"))
            .await
            .expect("enrol");
        let period = Period::parse("202611").expect("period");
        let bill = app.collection().generate_bill(&agent, mine, period).await;
        let due = bill.expect("bill").due_date;
        let on = |day| {
            let app = app.clone();
            let agent = agent.clone();
            async move {
                let export = app
                    .collection()
                    .export_bills(&agent, mine, day, Format::Csv);
                String::from_utf8(export.await.expect("csv").bytes).expect("utf-8")
            }
        };
        let open = on(due).await;
        assert!(open.ends_with(&format!(",{due},待缴\r\n")), "{open}");
        let late = on(due.add_days(1).expect("day")).await;
        assert!(late.ends_with(&format!(",{due},逾期未缴\r\n")), "{late}");
        let rows = audit(&app, "export.bills").await;
        assert_eq!(
            rows[0],
            (format!("employer:{mine} format=csv rows=1"), "ok".into())
        );
    }

    fn staff(role: Role, login: &str, user_id: i64) -> crate::access::Actor {
        let mut actor = person(role, login, None);
        actor.principal = actor.principal.map(|p| Principal { user_id, ..p });
        actor
    }

    #[tokio::test]
    async fn export_identified_needs_a_reason_and_above_the_limit_a_managers_approval() {
        use super::{IdentifiedExportRequest, IdentifiedRoster};
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "identified.db")
            .await
            .with_identified_export_limit(1);
        let mine = employer(&app, "91350100M000100Y43").await;
        let agent = agent_of(mine);
        let enrol = |id: &'static str, name: &'static str| {
            let (app, agent) = (app.clone(), agent.clone());
            async move {
                let people = [MemberEnrolment::new(id, name, "8000").expect("m")];
                let enrolled =
                    app.collection()
                        .enrol_members(&agent, mine, &people, d("2026-11-01"));
                enrolled.await.expect("enrol");
            }
        };
        enrol("320502199003071230", "张伟").await;
        let clerk = staff(Role::Clerk, "clerk-1", 11);
        let ask = |actor: crate::access::Actor, reason: &'static str| {
            let app = app.clone();
            async move {
                let request = IdentifiedExportRequest {
                    employer_id: mine,
                    format: Format::Csv,
                    reason: reason.into(),
                };
                app.collection()
                    .export_roster_identified(&actor, &request)
                    .await
            }
        };
        let refused = ask(clerk.clone(), "  ").await.expect_err("no reason");
        assert_eq!(refused.code(), Some("REASON_REQUIRED"));
        let refused = ask(agent.clone(), "核对").await.expect_err("agent");
        assert_eq!(refused.code(), Some("ROLE_FORBIDDEN"));
        let Ok(IdentifiedRoster::Ready(file)) = ask(clerk.clone(), "核对身份").await else {
            panic!("one person is within the limit");
        };
        let text = String::from_utf8(file.bytes).expect("utf-8");
        assert!(text.contains(",张伟,320502199003071230,8000.00"), "{text}");
        let rows = audit(&app, "export.roster.identified").await;
        assert_eq!(
            rows[0],
            (
                format!("employer:{mine} 理由：核对身份 format=csv rows=1"),
                "ok".into()
            )
        );

        enrol("320502199107081230", "李娜").await;
        let Ok(IdentifiedRoster::AwaitingApproval(task)) = ask(clerk.clone(), "法院协查").await
        else {
            panic!("two people are above the limit");
        };
        assert!(task.summary.contains("2 人"), "{}", task.summary);
        let again = ask(clerk.clone(), "法院协查").await.expect_err("pending");
        assert_eq!(again.code(), Some("TASK_PENDING"));
        let take = |actor: crate::access::Actor| {
            let app = app.clone();
            async move {
                app.collection()
                    .take_identified_export(&actor, task.task_id)
                    .await
            }
        };
        let early = take(clerk.clone()).await.expect_err("not approved");
        assert_eq!(early.code(), Some("EXPORT_AWAITING_APPROVAL"));
        let reviewer = staff(Role::Reviewer, "reviewer-1", 12);
        let decided = app
            .access()
            .decide_task(&reviewer, task.task_id, true, "", d("2026-12-01"))
            .await;
        assert_eq!(
            decided.expect_err("reviewer").code(),
            Some("MAKER_CHECKER_ROLE")
        );
        let manager = staff(Role::Manager, "manager-1", 13);
        let decided = app
            .access()
            .decide_task(&manager, task.task_id, true, "同意", d("2026-12-01"))
            .await;
        assert_eq!(
            decided.expect("approve").status,
            anju_domain::access::TaskStatus::Approved
        );

        let ready = |actor: crate::access::Actor| {
            let app = app.clone();
            async move {
                let principal = actor.principal.expect("signed in");
                let ready = app.collection().identified_exports_ready(&principal);
                let ready = ready.await.expect("ready");
                ready.iter().map(|t| t.task_id).collect::<Vec<_>>()
            }
        };
        assert_eq!(ready(clerk.clone()).await, [task.task_id]);
        assert!(ready(manager.clone()).await.is_empty(), "the maker's only");
        let other = staff(Role::Clerk, "clerk-2", 14);
        let theirs = take(other).await.expect_err("not theirs");
        assert_eq!(theirs.code(), Some("EXPORT_NOT_REQUESTER"));
        let file = take(clerk.clone()).await.expect("approved");
        let text = String::from_utf8(file.bytes).expect("utf-8");
        assert_eq!(file.rows, 2);
        assert!(text.contains(",李娜,320502199107081230,"), "{text}");
        let twice = take(clerk.clone()).await.expect_err("once");
        assert_eq!(twice.code(), Some("EXPORT_ALREADY_RELEASED"));
        assert!(ready(clerk.clone()).await.is_empty(), "taken");
        let rows = audit(&app, "export.roster.identified").await;
        let id = task.task_id;
        assert_eq!(
            rows[..6],
            [
                (format!("task:{id}"), "EXPORT_ALREADY_RELEASED".to_string()),
                (
                    format!("task:{id} employer:{mine} format=csv rows=2"),
                    "ok".to_string()
                ),
                (format!("task:{id}"), "EXPORT_NOT_REQUESTER".to_string()),
                (format!("task:{id}"), "EXPORT_AWAITING_APPROVAL".to_string()),
                (
                    format!("employer:{mine} 理由：法院协查 format=csv"),
                    "TASK_PENDING".to_string()
                ),
                (
                    format!("employer:{mine} 理由：法院协查 task={id}"),
                    "ok".to_string()
                ),
            ]
        );

        // An approval covers the list the manager saw, not one grown since.
        enrol("320502198801011238", "王强").await;
        let Ok(IdentifiedRoster::AwaitingApproval(grown)) = ask(clerk.clone(), "年度核查").await
        else {
            panic!("three people are above the limit");
        };
        let decided = app
            .access()
            .decide_task(&manager, grown.task_id, true, "", d("2026-12-01"));
        decided.await.expect("approve");
        enrol("320502198802021235", "赵敏").await;
        let taken = app
            .collection()
            .take_identified_export(&clerk, grown.task_id);
        let refused = taken.await.expect_err("grown");
        assert_eq!(refused.code(), Some("EXPORT_SCOPE_CHANGED"));
    }

    #[test]
    fn export_approvals_last_seven_days() {
        let day_us = 86_400 * 1_000_000;
        let mut task = crate::access::TaskRecord {
            task_id: 1,
            kind: anju_domain::access::TaskKind::IdentifiedExport,
            target: "roster:1".into(),
            payload: "{}".into(),
            summary: String::new(),
            maker_user_id: 1,
            maker_login: "clerk".into(),
            created_at_us: 0,
            status: anju_domain::access::TaskStatus::Approved,
            decider_user_id: Some(2),
            decider_login: Some("manager".into()),
            decided_at_us: Some(10 * day_us),
            reason: None,
        };
        assert!(!super::approval_expired(&task, 17 * day_us));
        assert!(super::approval_expired(&task, 17 * day_us + 1));
        task.decided_at_us = None;
        assert!(super::approval_expired(&task, 0), "never decided");
    }
}
