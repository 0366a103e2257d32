//! 导出 for the employer: its roster (在职缴存职工) and its bills (汇缴清册)
//! as `.xlsx` or CSV, with the employer's page's columns, each export
//! audited (`crate::export`). An agent exports their own employer only.

use super::{BillRecord, MemberRecord, check_scope};
use crate::access::Actor;
use crate::export::{Cell, Export, Format, Sheet, masked_id_card, render};
use crate::{AppResult, Collection};
use anju_domain::access::Role;
use anju_domain::collection::BillStatus;
use anju_domain::{Date, DomainError};

/// Bills one export holds, newest first: fifty years of months.
pub const MAX_EXPORTED_BILLS: u32 = 600;

const ROSTER_HEADS: &[&str] = &["个人账号", "姓名", "身份证号", "月工资（元）"];
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
}
