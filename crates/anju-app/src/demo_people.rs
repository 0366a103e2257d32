//! The demo's people: one sign-in per role, with known passwords, so anyone can
//! try every door. Seeding is idempotent: existing logins are left alone.

use crate::access::NewAccount;
use crate::demo::{demo_employer_uscc, demo_member_id_card};
use crate::{App, AppError, AppResult};
use anju_domain::Date;
use anju_domain::access::{Role, base32_encode};

pub const DEMO_PASSWORD: &str = "anju2026demo";
/// Staff second factor in the demo (20 bytes, as authenticator apps expect).
pub const DEMO_TOTP_SECRET: &[u8] = b"anju-demo-totp-2026!";
/// Demo members with sign-ins (the first ledger members).
const MEMBERS_WITH_SIGNIN: i64 = 4;

/// A demo sign-in, as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoSignin {
    pub role: Role,
    pub login: String,
    pub name: String,
    pub created: bool,
    /// Partner centres get a token instead of a password (only when created).
    pub token: Option<String>,
}

pub fn demo_totp_base32() -> String {
    base32_encode(DEMO_TOTP_SECRET)
}

struct Seat {
    role: Role,
    login: String,
    name: String,
    member_id: Option<i64>,
    employer_id: Option<i64>,
}

/// Needs the demo employers and members seeded (`demo::seed`) first.
async fn seats(app: &App) -> AppResult<Vec<Seat>> {
    let mut seats = Vec::new();
    for i in 1..=MEMBERS_WITH_SIGNIN {
        let id_card = demo_member_id_card(i)?;
        let member = app
            .collection_port()
            .member_by_id_card(id_card.as_str())
            .await?;
        seats.push(Seat {
            role: Role::Member,
            login: id_card.as_str().to_string(),
            name: member
                .as_ref()
                .map_or_else(|| "演示职工".to_string(), |m| m.name.clone()),
            member_id: member.map(|m| m.member_id),
            employer_id: None,
        });
    }
    let first_employer = app
        .collection_port()
        .employer_by_uscc(&demo_employer_uscc(0)?)
        .await?
        .map(|e| e.employer_id);
    let staff = [
        (
            Role::EmployerAgent,
            "agent01",
            "苏州示范科技有限公司 经办人",
        ),
        (Role::Clerk, "clerk01", "柜员 陈静"),
        (Role::Reviewer, "reviewer01", "审核员 刘洋"),
        (Role::Finance, "finance01", "财务 赵敏"),
        (Role::RiskManager, "risk01", "风险 孙磊"),
        (Role::Manager, "manager01", "管理员 周强"),
        (Role::Auditor, "auditor01", "审计 吴霞"),
        (Role::EnforcementOfficer, "enforce01", "执法 郑伟"),
        (Role::LegalReviewer, "legal01", "法制审核 王芳"),
        (
            Role::PartnerCentre,
            "partner-sh",
            "上海市住房公积金管理中心",
        ),
    ];
    for (role, login, name) in staff {
        seats.push(Seat {
            role,
            login: login.to_string(),
            name: name.to_string(),
            member_id: None,
            employer_id: first_employer.filter(|_| role == Role::EmployerAgent),
        });
    }
    Ok(seats)
}

/// Creates the demo sign-ins that do not exist yet and greets each new one.
pub async fn seed_people(app: &App, today: Date) -> AppResult<Vec<DemoSignin>> {
    let mut out = Vec::new();
    for seat in seats(app).await? {
        let account = NewAccount {
            login: seat.login.clone(),
            display_name: seat.name.clone(),
            role: seat.role,
            password: DEMO_PASSWORD.to_string(),
            member_id: seat.member_id,
            employer_id: seat.employer_id,
            mobile: Some("13800000000".to_string()).filter(|_| seat.role == Role::Member),
            email: seat
                .role
                .is_staff()
                .then(|| format!("{}@demo.anju.cn", seat.login)),
            totp_secret: seat.role.is_staff().then(|| DEMO_TOTP_SECRET.to_vec()),
        };
        let (created, token) = match app.access().create_account(account, today).await {
            Ok((user, token)) => {
                app.access()
                    .notify(
                        user.user_id,
                        "welcome",
                        "欢迎使用住房公积金网上服务大厅",
                        "本账号为演示账号，数据为模拟数据。",
                    )
                    .await?;
                (true, token)
            }
            Err(AppError::Rejected(e)) if e.code() == "USER_EXISTS" => (false, None),
            Err(e) => return Err(e),
        };
        out.push(DemoSignin {
            role: seat.role,
            login: seat.login,
            name: seat.name,
            created,
            token,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    use anju_domain::Coded;
    use anju_domain::loan::LoanStatus;
    use anju_domain::withdrawal::WithdrawalStatus;

    #[tokio::test]
    async fn one_signin_per_role_seeded_once() {
        let dir = tempfile::tempdir().expect("dir");
        let app = crate::test_support::sqlite_app(&dir, "p.db").await;
        let today = Date::parse("2026-11-29").expect("date");
        crate::demo::seed(&app, today).await.expect("demo centre");
        let first = seed_people(&app, today).await.expect("seed");
        for &role in Role::ALL {
            assert!(
                first.iter().any(|p| p.role == role && p.created),
                "{role:?}"
            );
        }
        assert!(
            first
                .iter()
                .any(|p| p.role == Role::PartnerCentre && p.token.is_some())
        );
        let second = seed_people(&app, today).await.expect("again");
        assert!(second.iter().all(|p| !p.created && p.token.is_none()));
        let member = app
            .access_port()
            .user_by_login(demo_member_id_card(1).expect("id").as_str())
            .await
            .expect("read")
            .expect("seeded");
        let enrolled = app
            .collection_port()
            .member_by_id_card(&member.login)
            .await
            .expect("read")
            .expect("enrolled");
        assert_eq!(member.member_id, Some(enrolled.member_id));
        let inbox = app.access().inbox(member.user_id, 5).await.expect("inbox");
        assert_eq!(inbox.len(), 1, "a welcome message, once");
        // The demo's two ended interest years are settled once; the member
        // gets each year's notice once however often the demo starts.
        let credited = crate::demo::settle_demo_interest(&app, today)
            .await
            .expect("settle");
        assert!(credited > 0, "the demo's members earn interest");
        let again = crate::demo::settle_demo_interest(&app, today)
            .await
            .expect("again");
        assert_eq!(again, 0, "nothing more the second time");
        let inbox = app.access().inbox(member.user_id, 5).await.expect("inbox");
        let titles: Vec<&str> = inbox.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(titles[..2], ["2026 年度结息通知", "2025 年度结息通知"]);
        // The demo's withdrawals: one paid at the counter, one waiting; twice is once.
        for _ in 0..2 {
            crate::demo::seed_demo_withdrawals(&app, today)
                .await
                .expect("withdrawals");
        }
        let queue = app
            .withdrawals()
            .withdrawal_queue(WithdrawalStatus::Submitted)
            .await
            .expect("queue");
        assert_eq!(queue.len(), 1, "one application waits for review");
        let paid = app
            .withdrawals()
            .withdrawal_indicators(Date::parse("2026-01-01").expect("d"), today)
            .await
            .expect("k");
        assert_eq!(
            paid.withdrawn,
            anju_domain::Fen::parse("1500.00").expect("fen")
        );
        // The demo's loans: one current, one overdue, two in the queues; twice is once.
        for _ in 0..2 {
            crate::demo_loans::seed_demo_loans(&app, today)
                .await
                .expect("loans");
        }
        assert_eq!(
            app.loans()
                .loan_queue(LoanStatus::Submitted)
                .await
                .expect("q")
                .len(),
            1
        );
        assert_eq!(
            app.loans()
                .loan_queue(LoanStatus::Reviewed)
                .await
                .expect("q")
                .len(),
            1
        );
        let book = app.loan_port().loan_book().await.expect("book");
        assert_eq!((book.active_loans, book.overdue_loans), (2, 1));
        assert!(book.overdue_principal_fen > anju_domain::Fen::ZERO);
        let check = app.ledger().check_ledger().await.expect("check");
        assert!(check.is_ok(), "{}", check.render());
    }
}
