//! `anju serve --demo`: a small demo centre on the embedded database — five
//! employers, 300 members enrolled with them, and every month's remittance bill
//! from July 2024 to last month, generated from the roster and paid, so the
//! ledger holds real history (three employers file this year's bases before
//! July's bill); then the casework of `demo_cases`. Seeding is
//! idempotent: what exists is left alone.

use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::Channel;
use anju_domain::collection::{ContributionRates, EmployerRegistration, MemberEnrolment};
use anju_domain::ids::{IdCardNo, uscc_check_char};
use anju_domain::{Date, DomainError, Period, RatePpm};
use std::collections::BTreeSet;

pub const DEMO_MEMBERS: i64 = 300;
/// First contribution month of the demo history.
const FIRST_PERIOD: u32 = 202_407;

/// (name, pay day, rate in percent for both sides).
const EMPLOYERS: [(&str, u32, &str); 5] = [
    ("苏州示范科技有限公司", 15, "12"),
    ("苏州工业园区示范制造有限公司", 10, "10"),
    ("姑苏区示范商贸有限公司", 5, "8"),
    ("吴中区示范建设工程有限公司", 20, "5"),
    ("苏州市示范医院", 25, "12"),
];

const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN: [&str; 10] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"];

/// What the seed did (or found already there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub employers: usize,
    pub members: i64,
    pub bills_paid_now: usize,
    pub bills_already_there: usize,
}

/// The demo's member number `m` (1…300) as a valid 身份证号.
pub fn demo_member_id_card(member: i64) -> AppResult<IdCardNo> {
    Ok(IdCardNo::complete(&format!(
        "320502199001{:02}{:03}",
        1 + member % 28,
        member % 1000
    ))?)
}

/// The demo's member number `m`'s name.
pub fn demo_member_name(member: i64) -> String {
    format!(
        "{}{}",
        SURNAMES[(member % 10) as usize],
        GIVEN[((member / 10) % 10) as usize]
    )
}

/// The demo employer `i` (0…4) as a valid 统一社会信用代码.
pub fn demo_employer_uscc(i: usize) -> AppResult<String> {
    let body = format!("91320500MA1DEM90{i}");
    let check =
        uscc_check_char(&body).ok_or_else(|| DomainError::new("USCC_CHARS", "演示单位代码无效"))?;
    Ok(format!("{body}{check}"))
}

fn demo_actor() -> Actor {
    Actor::anonymous(Channel::Batch, "demo-seed", "local")
}

/// A stable wage between ¥4,000 and ¥30,000 for each member.
fn demo_wage(member: i64) -> String {
    format!("{}.00", 4_000 + (member * 7_919) % 26_001)
}

pub async fn seed(app: &App, today: Date) -> AppResult<DemoSummary> {
    let opened = Period::from_yyyymm(FIRST_PERIOD)?.first_day()?;
    let mut employer_ids = Vec::new();
    for (i, (name, pay_day, rate)) in EMPLOYERS.iter().enumerate() {
        let uscc = demo_employer_uscc(i)?;
        let employer_id = match app.collection_port().employer_by_uscc(&uscc).await? {
            Some(e) => e.employer_id,
            None => {
                let r = RatePpm::parse_percent(rate)?;
                let rates = ContributionRates {
                    employer: r,
                    member: r,
                };
                let registration = EmployerRegistration::new(&uscc, name, Some(*pay_day), rates)?;
                app.collection()
                    .register_employer(&demo_actor(), &registration, opened)
                    .await?
                    .employer_id
            }
        };
        enrol_staff(app, i, employer_id, opened).await?;
        employer_ids.push(employer_id);
    }
    let (mut paid_now, mut already) = (0, 0);
    for (index, employer_id) in employer_ids.iter().enumerate() {
        let billed: BTreeSet<i32> = app
            .collection_port()
            .bills_of(*employer_id, 500)
            .await?
            .iter()
            .map(|b| b.period)
            .collect();
        let mut period = Period::from_yyyymm(FIRST_PERIOD)?;
        while period.last_day()? < today {
            crate::demo_cases::file_demo_bases(app, index, *employer_id, period, today).await?;
            if billed.contains(&i32::try_from(period.yyyymm()).unwrap_or(0)) {
                already += 1;
            } else {
                let bill = app
                    .collection()
                    .generate_bill(&demo_actor(), *employer_id, period)
                    .await?;
                let paid_on = Date::from_ymd(period.year(), period.month(), 10)?;
                app.collection()
                    .pay_bill(&demo_actor(), bill.bill_id, "bank", paid_on)
                    .await?;
                paid_now += 1;
            }
            period = period.next()?;
        }
    }
    crate::demo_cases::seed_cases(app, today).await?;
    Ok(DemoSummary {
        employers: employer_ids.len(),
        members: DEMO_MEMBERS,
        bills_paid_now: paid_now,
        bills_already_there: already,
    })
}

/// Settles every interest year of the demo's history that has ended, after
/// the sign-ins exist, so members see interest credited and the year's
/// notice. Idempotent like any settlement run.
pub async fn settle_demo_interest(app: &App, today: Date) -> AppResult<u64> {
    let first = Period::from_yyyymm(FIRST_PERIOD)?
        .first_day()?
        .interest_year()
        .end_year();
    let mut credited = 0;
    for end_year in first..today.interest_year().end_year() {
        let run = app
            .interest()
            .settle_interest(
                &demo_actor(),
                anju_domain::InterestYear::ending(end_year),
                today,
                crate::interest::SettleOptions::default(),
                &|_| {},
            )
            .await?;
        credited += run.credited;
    }
    Ok(credited)
}

/// A month of rent paid at the counter for demo member 2, and an online rent
/// application from member 3 waiting for review — so the review queue and
/// K10/K11 have something to show. Member 1 (the printed sign-in) is left
/// with the whole month's rent cap. Replays on a second start.
pub async fn seed_demo_withdrawals(app: &App, today: Date) -> AppResult<()> {
    use crate::withdrawal::WithdrawalApplication;
    use anju_domain::access::Role;
    use anju_domain::withdrawal::WithdrawalRequest;
    let person = |role: Role, login: &str, member_id: Option<i64>| {
        Actor::seeded(role, login, member_id, "demo-seed")
    };
    for (k, amount, counter) in [(2, "1500.00", true), (3, "1200.00", false)] {
        let id_card = demo_member_id_card(k)?;
        let Some(member) = app
            .collection_port()
            .member_by_id_card(id_card.as_str())
            .await?
        else {
            continue;
        };
        let actor = if counter {
            person(Role::Clerk, "clerk01", None)
        } else {
            person(Role::Member, id_card.as_str(), Some(member.member_id))
        };
        let application = WithdrawalApplication {
            request: WithdrawalRequest {
                reason: "07".to_string(),
                amount: anju_domain::Fen::parse(amount)?,
                months: 1,
                ..WithdrawalRequest::default()
            },
            bank_card: "62220201000041234".to_string(),
            documents: Vec::new(),
            request_key: format!("demo-rent-{}", Period::of_date(today).yyyymm()),
        };
        app.withdrawals()
            .apply_withdrawal(&actor, member.member_id, application, today)
            .await?;
    }
    Ok(())
}

/// Members m with m mod 5 = i work for employer i; enrolled once.
async fn enrol_staff(app: &App, i: usize, employer_id: i64, opened: Date) -> AppResult<()> {
    let mine: Vec<i64> = (1..=DEMO_MEMBERS)
        .filter(|m| usize::try_from(m % 5).ok() == Some(i))
        .collect();
    let Some(first) = mine.first() else {
        return Ok(());
    };
    if app
        .collection_port()
        .member_by_id_card(demo_member_id_card(*first)?.as_str())
        .await?
        .is_some()
    {
        return Ok(());
    }
    let people = mine
        .iter()
        .map(|m| {
            let name = demo_member_name(*m);
            Ok(MemberEnrolment::new(
                demo_member_id_card(*m)?.as_str(),
                &name,
                &demo_wage(*m),
            )?)
        })
        .collect::<AppResult<Vec<_>>>()?;
    app.collection()
        .enrol_members(&demo_actor(), employer_id, &people, opened)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use anju_domain::collection::CaseStatus;

    #[tokio::test]
    async fn seeding_twice_bills_once_and_keeps_the_ledger_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let app = crate::test_support::sqlite_app(&dir, "demo.db").await;
        let today = Date::parse("2026-11-29").expect("date");
        let first = seed(&app, today).await.expect("seed");
        // 2024-07 … 2026-10 is 28 months, five employers each.
        assert_eq!(
            (
                first.employers,
                first.bills_paid_now,
                first.bills_already_there
            ),
            (5, 140, 0)
        );
        let second = seed(&app, today).await.expect("seed again");
        assert_eq!(
            (second.bills_paid_now, second.bills_already_there),
            (0, 140)
        );
        let check = app.ledger().check_ledger().await.expect("check");
        assert!(check.is_ok(), "{}", check.render());
        // 140 monthly bills, one back payment, two flexible workers × 3 months.
        assert_eq!(check.entries, 147);
        let member = app
            .collection_port()
            .member_by_id_card(demo_member_id_card(1).expect("id").as_str())
            .await;
        assert!(member.expect("read").is_some());
        let overdue = app
            .collection()
            .overdue_bills(today)
            .await
            .expect("overdue");
        assert_eq!(overdue.len(), 2, "the late employer's two months");
        assert_eq!(
            app.collection()
                .enforcement_cases(Some(CaseStatus::Open))
                .await
                .expect("cases")
                .len(),
            1
        );
        assert_eq!(
            app.collection()
                .base_filing_counts(2026)
                .await
                .expect("k05"),
            (3, 6)
        );
        assert_eq!(
            app.collection()
                .flexible_counts(today)
                .await
                .expect("k07")
                .0,
            2
        );
        assert_eq!(
            app.access().pending_tasks(10).await.expect("queue").len(),
            1
        );
    }

    /// The demo's K01 reads its urban employed in persons, like the members
    /// it divides: a share, not the 1,208,692% "达标" of an input in 万人.
    #[tokio::test]
    async fn the_demo_coverage_is_a_share_of_the_urban_employed() {
        let dir = tempfile::tempdir().expect("dir");
        let app = crate::test_support::sqlite_app(&dir, "fund.db").await;
        let today = Date::parse("2026-11-29").expect("date");
        seed(&app, today).await.expect("demo");
        crate::demo_fund::seed_demo_fund(&app, today)
            .await
            .expect("fund");
        let cockpit = app.fund().kpi_cockpit(2025, today).await.expect("kpi");
        let year = cockpit.years.iter().find(|y| y.year == 2025).expect("2025");
        let k01 = year.results.iter().find(|r| r.id == "K01").expect("K01");
        let Some(anju_domain::fund::KpiValue::Ratio(share)) = &k01.value else {
            panic!("K01 has no ratio: {k01:?}");
        };
        let ratio = |n| anju_domain::fund::Ratio::new(n, 1).expect("ratio");
        let (zero, whole) = (ratio(0), ratio(1));
        assert!(*share > zero && *share < whole, "{}", share.percent_text(2));
        assert_ne!(k01.status, anju_domain::fund::KpiStatus::Implausible);
        assert_eq!(share.percent_text(2), "73.54%");
    }
}
