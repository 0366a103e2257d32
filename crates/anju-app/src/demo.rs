//! `anju serve --demo`: a small demo centre on the embedded database. Seeding is
//! idempotent (fixed idempotency keys), so running it again changes nothing.
//! Later capabilities add their part (employers, users, loans …).

use crate::{App, AppResult};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen, Period};

pub const DEMO_MEMBERS: i64 = 300;
const DEMO_EMPLOYERS: i64 = 5;
/// First contribution month of the demo history.
const FIRST_PERIOD: u32 = 202_407;

/// What the seed wrote (or found already there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub members: i64,
    pub entries_posted: usize,
    pub entries_already_there: usize,
}

/// Seeds members and their monthly remittances up to the month before `today`.
pub async fn seed(app: &App, today: Date) -> AppResult<DemoSummary> {
    let opened = Period::from_yyyymm(FIRST_PERIOD)?.first_day()?;
    if app.store().member_balance(MemberId(1)).await?.is_none() {
        let accounts: Vec<(MemberId, Date)> =
            (1..=DEMO_MEMBERS).map(|m| (MemberId(m), opened)).collect();
        app.open_member_accounts(&accounts).await?;
    }
    let mut entries = Vec::new();
    let mut period = Period::from_yyyymm(FIRST_PERIOD)?;
    while period.last_day()? < today {
        for employer in 1..=DEMO_EMPLOYERS {
            entries.push(remittance(employer, period)?);
        }
        period = period.next()?;
    }
    let posted = app.post_entries(&entries).await?;
    let replayed = posted.iter().filter(|p| p.replayed).count();
    Ok(DemoSummary {
        members: DEMO_MEMBERS,
        entries_posted: posted.len() - replayed,
        entries_already_there: replayed,
    })
}

/// One employer's month: Dr 101 / Cr 201 for each of its members, valued on the 10th.
fn remittance(employer: i64, period: Period) -> AppResult<NewEntry> {
    let members = (1..=DEMO_MEMBERS).filter(|m| m % DEMO_EMPLOYERS == employer % DEMO_EMPLOYERS);
    let mut lines = Vec::new();
    let mut total = Fen::ZERO;
    for member in members {
        let amount = monthly_contribution(member);
        total = total.checked_add(amount)?;
        lines.push(Line::credit("201", amount).for_member(MemberId(member)));
    }
    lines.insert(0, Line::debit("101", total).for_employer(employer));
    let key = IdempotencyKey::parse(&format!("demo-remit-{employer}-{period}"))?;
    let value_date = Date::from_ymd(period.year(), period.month(), 10)?;
    Ok(NewEntry::new(
        "C01",
        value_date,
        key,
        &format!("{period} 汇缴（演示）"),
        lines,
    )?)
}

/// A stable, varied amount between ¥500 and ¥3,000 for each member.
fn monthly_contribution(member: i64) -> Fen {
    let spread = (member * 7_919) % 2_501;
    Fen::new((500 + spread) * 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load_policy;
    use anju_store_sqlite::SqliteStore;
    use std::sync::Arc;

    #[tokio::test]
    async fn seeding_twice_posts_once_and_keeps_the_ledger_whole() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite://{}", dir.path().join("demo.db").display());
        let store = SqliteStore::open(&url, "320500000000000")
            .await
            .expect("store");
        let app = App::new(Arc::new(store), load_policy(None).expect("policy"));
        let today = Date::parse("2026-11-29").expect("date");
        let first = seed(&app, today).await.expect("seed");
        // 2024-07 … 2026-10 is 28 months, five employers each.
        assert_eq!(first.entries_posted, 28 * 5);
        let second = seed(&app, today).await.expect("seed again");
        assert_eq!(
            (second.entries_posted, second.entries_already_there),
            (0, 140)
        );
        let check = app.check_ledger().await.expect("check");
        assert!(check.is_ok(), "{}", check.render());
        let expected: i64 = (1..=DEMO_MEMBERS)
            .map(|m| monthly_contribution(m).get() * 28)
            .sum();
        assert_eq!(check.gl_201, Fen::new(expected));
    }
}
