//! Fixtures the use-case tests share: dates and amounts written as text,
//! the staff who act in them, and an app on a fresh SQLite file.

use crate::App;
use crate::access::Actor;
use crate::policy::load_policy;
use anju_domain::access::Role;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store_sqlite::SqliteStore;
use std::sync::Arc;

pub(crate) fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

pub(crate) fn yuan(text: &str) -> Fen {
    Fen::parse(text).expect("amount")
}

/// A signed-in user with a seeded account (user id 0).
pub(crate) fn person(role: Role, login: &str, member_id: Option<i64>) -> Actor {
    Actor::seeded(role, login, member_id, "test")
}

pub(crate) fn clerk() -> Actor {
    person(Role::Clerk, "clerk-1", None)
}

pub(crate) fn reviewer() -> Actor {
    person(Role::Reviewer, "reviewer-1", None)
}

pub(crate) fn finance() -> Actor {
    person(Role::Finance, "finance-1", None)
}

/// One fixed personal-data key for tests, so a test may reopen its file.
pub(crate) const TEST_PERSONAL_KEY: &str =
    "7465737420706572736f6e616c2d64617461206b657920666f7220616e6a7521";

/// The SQLite store in file `name` of `dir`, migrated.
pub(crate) async fn sqlite_store(dir: &tempfile::TempDir, name: &str) -> Arc<SqliteStore> {
    let url = format!("sqlite://{}", dir.path().join(name).display());
    let seal = anju_store::PersonalSeal::parse(TEST_PERSONAL_KEY).expect("key");
    let store = SqliteStore::open(&url, "320500000000000", seal).await;
    Arc::new(store.expect("store"))
}

/// An app with the shipped policy on a fresh SQLite file.
pub(crate) async fn sqlite_app(dir: &tempfile::TempDir, name: &str) -> App {
    let store = sqlite_store(dir, name).await;
    App::new(store, load_policy(None).expect("policy"))
}

/// A 汇缴 posting crediting `fen` to the member on `date`.
pub(crate) fn contribution(member_id: i64, date: Date, key: &str, fen: Fen) -> NewEntry {
    let lines = vec![
        Line::debit("101", fen),
        Line::credit("201", fen).for_member(MemberId(member_id)),
    ];
    let key = IdempotencyKey::parse(key).expect("key");
    NewEntry::new("C01", date, key, "汇缴", lines).expect("entry")
}

/// Employer `employer_id` (苏州测试有限公司, paying on the 15th at 10% and
/// 10%), registered straight in the store.
pub(crate) async fn test_employer(app: &App, employer_id: i64, uscc: &str) {
    let rate = anju_domain::RatePpm::new(100_000).expect("rate");
    let record = anju_store::EmployerRecord {
        employer_id,
        uscc: uscc.into(),
        name: "苏州测试有限公司".into(),
        pay_day: Some(15),
        employer_rate_ppm: rate,
        member_rate_ppm: rate,
        status: anju_domain::collection::EmployerStatus::Active,
        opened_at_us: 1,
        economic_type: None,
        industry: None,
        bank_account: None,
        source: "counter".into(),
    };
    let port = app.collection_port();
    port.register_employer(&record).await.expect("employer");
}

/// An online application for one month's rent (租房提取, ¥1,500.00) to
/// the member's card, under `key`.
pub(crate) fn month_of_rent(key: &str) -> crate::withdrawal::WithdrawalApplication {
    crate::withdrawal::WithdrawalApplication {
        request: anju_domain::withdrawal::WithdrawalRequest {
            reason: "07".into(),
            amount: yuan("1500.00"),
            months: 1,
            ..anju_domain::withdrawal::WithdrawalRequest::default()
        },
        bank_card: "62220201000041234".into(),
        documents: Vec::new(),
        request_key: key.into(),
    }
}
