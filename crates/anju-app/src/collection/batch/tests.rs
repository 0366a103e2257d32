use super::*;
use crate::access::Actor;
use anju_domain::RatePpm;
use anju_domain::access::Channel;
use anju_domain::collection::BillStatus;
use anju_domain::ids::{IdCardNo, Uscc};
use std::collections::HashSet;

use crate::test_support::d;

fn actor() -> Actor {
    Actor::anonymous(Channel::Batch, "test", "local")
}

fn spec(members: u64, seed: u64) -> SeedSpec {
    SeedSpec {
        members,
        seed,
        opened: d("2026-07-01"),
    }
}

async fn fresh_app(dir: &tempfile::TempDir, name: &str) -> App {
    crate::test_support::sqlite_app(dir, name).await
}

fn period() -> Period {
    Period::parse("202611").expect("period")
}

#[tokio::test]
async fn the_same_seed_writes_the_same_data_and_another_seed_other_data() {
    let dir = tempfile::tempdir().expect("dir");
    let mut digests = Vec::new();
    for (name, seed) in [("a.db", 7), ("b.db", 7), ("c.db", 8)] {
        let app = fresh_app(&dir, name).await;
        let summary = app
            .collection()
            .seed_synthetic(&actor(), spec(500, seed), &|_| {})
            .await
            .expect("seed");
        assert_eq!(summary.members, 500);
        assert_eq!(summary.employers, spec(500, seed).employers());
        digests.push(summary.digest);
    }
    assert_eq!(digests[0], digests[1], "same seed, same data");
    assert_ne!(digests[0], digests[2], "another seed, other data");
}

#[tokio::test]
async fn seeded_codes_and_id_numbers_validate_and_a_second_seed_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let app = fresh_app(&dir, "seed.db").await;
    let summary = app
        .collection()
        .seed_synthetic(&actor(), spec(400, 3), &|_| {})
        .await
        .expect("seed");
    let employers = app
        .collection_port()
        .employers(1_000)
        .await
        .expect("employers");
    assert_eq!(employers.len() as u64, summary.employers);
    let mut members = 0;
    for e in &employers {
        assert!(Uscc::parse(&e.uscc).is_ok(), "{}", e.uscc);
        for m in app
            .collection_port()
            .active_members(e.employer_id)
            .await
            .expect("roster")
        {
            assert!(IdCardNo::parse(&m.id_card).is_ok(), "{}", m.id_card);
            assert!(
                m.wage_fen > anju_domain::Fen::ZERO && m.wage_fen.get() % 100 == 0,
                "whole yuan"
            );
            members += 1;
        }
    }
    assert_eq!(members, 400);
    let again = app
        .collection()
        .seed_synthetic(&actor(), spec(400, 3), &|_| {})
        .await;
    assert_eq!(again.expect_err("seeded").code(), Some("EMPLOYER_EXISTS"));
}

#[test]
fn sizes_are_heavy_tailed_and_add_up() {
    let mut rng = SplitMix64::new(DEFAULT_SEED);
    let members = 1_000_000;
    let employers = spec(members, 1).employers();
    let sizes = employer_sizes(&mut rng, employers, members);
    assert_eq!(sizes.iter().sum::<u64>(), members);
    assert!(sizes.iter().all(|s| *s >= 1));
    let under_20 = sizes.iter().filter(|s| **s < 20).count() as u64;
    assert!(
        under_20 * 100 >= employers * 70,
        "{under_20} of {employers}"
    );
    let largest = sizes.iter().copied().max().unwrap_or(0);
    assert!(
        largest >= 5_000,
        "a few employers are very large: {largest}"
    );
}

#[test]
fn generated_id_numbers_and_codes_are_distinct_and_valid() {
    let mut ids = HashSet::new();
    for k in 0..50_000 {
        let id = member_id_card(k, 11).expect("valid");
        assert!(ids.insert(id.as_str().to_string()), "repeat at {k}");
    }
    let mut codes = HashSet::new();
    for i in 0..20_000 {
        let code = employer_uscc(i, 11).expect("valid");
        assert!(Uscc::parse(&code).is_ok(), "{code}");
        assert!(codes.insert(code));
    }
    assert_ne!(
        member_id_card(0, 11).expect("id"),
        member_id_card(0, 12).expect("id")
    );
}

/// Σ member credits = the employer's debit on every bill's entry.
async fn check_bills(app: &App) -> (u64, i64) {
    let mut bills = 0;
    let mut total = 0;
    for e in app
        .collection_port()
        .employers(1_000)
        .await
        .expect("employers")
    {
        for b in app
            .collection_port()
            .bills_of(e.employer_id, 10)
            .await
            .expect("bills")
        {
            assert_eq!(b.status, BillStatus::Paid);
            let entry_id = b.paid_entry_id.expect("entry");
            let stored = app
                .ledger_port()
                .entry(anju_domain::ledger::EntryId(entry_id))
                .await
                .expect("read")
                .expect("entry");
            let lines = &stored.entry.lines;
            let credits: i64 = lines
                .iter()
                .filter(|l| l.side == Side::Credit && l.member().is_some())
                .map(|l| l.amount.get())
                .sum();
            assert_eq!(lines[0].side, Side::Debit);
            assert_eq!(lines[0].amount.get(), credits);
            assert_eq!(credits, b.total_fen.get());
            assert_eq!(lines.len() as i32, b.line_count + 1);
            assert_eq!(
                stored.entry.idempotency_key.as_str(),
                format!("bill-{}", b.bill_id)
            );
            bills += 1;
            total += credits;
        }
    }
    (bills, total)
}

#[tokio::test]
async fn a_month_of_remittances_balances_and_a_rerun_posts_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = fresh_app(&dir, "run.db").await;
    let seeded = app
        .collection()
        .seed_synthetic(&actor(), spec(300, 5), &|_| {})
        .await
        .expect("seed");
    let run = app
        .collection()
        .run_remittances(&actor(), period(), "bank", &|_| {})
        .await
        .expect("run");
    assert_eq!(run.members, 300);
    assert_eq!(run.employers, seeded.employers);
    assert_eq!(run.bills_created, seeded.employers);
    assert_eq!(run.bills_paid, seeded.employers);
    assert_eq!(run.entries_posted, seeded.employers);
    assert_eq!(run.lines_posted, 300 + seeded.employers);
    assert_eq!(run.bill_lines_created, 300);
    assert_eq!(
        run.rows(),
        2 * seeded.employers + 2 * 300 + seeded.employers
    );
    assert_eq!(run.member_credits, run.employer_debits);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    assert_eq!(check.gl_201, run.member_credits);
    assert_eq!(check.entries as u64, seeded.employers);
    let (bills, total) = check_bills(&app).await;
    assert_eq!((bills, total), (seeded.employers, run.member_credits.get()));

    let again = app
        .collection()
        .run_remittances(&actor(), period(), "bank", &|_| {})
        .await
        .expect("rerun");
    assert_eq!(
        (again.bills_created, again.entries_posted, again.bills_paid),
        (0, 0, 0)
    );
    assert_eq!(again.bills_already_paid, seeded.employers);
    let check = app.ledger().check_ledger().await.expect("check");
    assert_eq!(check.entries as u64, seeded.employers, "nothing twice");
    assert_eq!(check.gl_201, run.member_credits);
}

#[tokio::test]
async fn a_run_stopped_before_marking_heals_by_replaying_its_entries() {
    let dir = tempfile::tempdir().expect("dir");
    let app = fresh_app(&dir, "heal.db").await;
    app.collection()
        .seed_synthetic(&actor(), spec(200, 9), &|_| {})
        .await
        .expect("seed");
    // As if a run died after saving and posting the first page, before marking it paid.
    let page = app
        .collection()
        .plan_remittance_page(0, period(), true)
        .await
        .expect("plan")
        .expect("a page");
    app.batch_port()
        .save_bills(&page.new_bills)
        .await
        .expect("save");
    let entries: Vec<NewEntry> = page
        .to_pay
        .iter()
        .map(|b| bill_entry(b.bill_id, &b.bill, b.bill.due_date).expect("entry"))
        .collect();
    app.ledger().post_entries(&entries).await.expect("post");

    let run = app
        .collection()
        .run_remittances(&actor(), period(), "bank", &|_| {})
        .await
        .expect("run");
    assert_eq!(run.bills_created, 0, "the saved bills are reused");
    assert_eq!(run.entries_posted, 0);
    assert_eq!(run.entries_replayed, entries.len() as u64);
    assert_eq!(run.bills_paid, entries.len() as u64);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    assert_eq!(check.entries as usize, entries.len());
    check_bills(&app).await;
}

#[tokio::test]
async fn an_unknown_channel_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let app = fresh_app(&dir, "chan.db").await;
    app.collection()
        .seed_synthetic(&actor(), spec(50, 1), &|_| {})
        .await
        .expect("seed");
    let refused = app
        .collection()
        .run_remittances(&actor(), period(), "cash", &|_| {})
        .await;
    assert!(refused.is_err());
    assert_eq!(app.ledger().check_ledger().await.expect("check").entries, 0);
}

/// The run over every employer bills an approved rate reduction's rates and
/// a deferral's later due date, as `generate_bill` does for one employer.
#[tokio::test]
async fn the_month_run_honours_approved_reliefs() {
    use crate::access::Principal;
    use anju_domain::access::Role;
    use anju_domain::collection::{
        EmployerRegistration, MemberEnrolment, ReliefApplication, ReliefKind,
    };
    let dir = tempfile::tempdir().expect("dir");
    let app = fresh_app(&dir, "relief.db").await;
    let ten = RatePpm::parse_percent("10").expect("rate");
    let rates = ContributionRates {
        employer: ten,
        member: ten,
    };
    let mut ids = Vec::new();
    for (n, body) in [(1, "91320500MA1RLF001"), (2, "91320500MA1RLF002")] {
        let code = format!(
            "{body}{}",
            anju_domain::ids::uscc_check_char(body).expect("check")
        );
        let registration =
            EmployerRegistration::new(&code, &format!("减免测试{n}"), Some(15), rates)
                .expect("reg");
        let employer = app
            .collection()
            .register_employer(&actor(), &registration, d("2026-10-01"))
            .await
            .expect("register");
        let person = IdCardNo::complete(&format!("3205021990010{n}123")).expect("id");
        app.collection()
            .enrol_members(
                &actor(),
                employer.employer_id,
                &[MemberEnrolment::new(person.as_str(), "职工", "10000.00").expect("m")],
                d("2026-10-01"),
            )
            .await
            .expect("enrol");
        ids.push(employer.employer_id);
    }
    let staff = |user_id, role| {
        Actor::of(
            Principal {
                user_id,
                login: format!("staff{user_id}"),
                display_name: "工作人员".into(),
                role,
                member_id: None,
                employer_id: None,
            },
            "t",
            "local",
        )
    };
    for (employer_id, kind, rate) in [
        (ids[0], ReliefKind::RateReduction, Some("5")),
        (ids[1], ReliefKind::Deferral, None),
    ] {
        let application = ReliefApplication {
            kind,
            from: period(),
            to: period(),
            rates: rate.map(|r| {
                let r = RatePpm::parse_percent(r).expect("rate");
                ContributionRates {
                    employer: r,
                    member: r,
                }
            }),
            reason: "困难".into(),
            consent: "决议1号".into(),
        };
        let relief = app
            .collection()
            .apply_for_relief(
                &staff(1, Role::Clerk),
                employer_id,
                &application,
                d("2026-10-20"),
            )
            .await
            .expect("apply");
        app.access()
            .decide_task(
                &staff(2, Role::Reviewer),
                relief.task_id,
                true,
                "",
                d("2026-12-01"),
            )
            .await
            .expect("approve");
    }
    app.collection()
        .run_remittances(&actor(), period(), "bank", &|_| {})
        .await
        .expect("run");
    let reduced = app
        .collection_port()
        .bills_of(ids[0], 1)
        .await
        .expect("bills");
    // 10,000 at 5% + 5% instead of 10% + 10%.
    assert_eq!(reduced[0].total_fen, anju_domain::Fen::new(1_000_00));
    let deferred = app
        .collection_port()
        .bills_of(ids[1], 1)
        .await
        .expect("bills");
    assert_eq!(deferred[0].total_fen, anju_domain::Fen::new(2_000_00));
    assert_eq!(
        deferred[0].due_date,
        d("2026-12-31"),
        "due a month after the deferral"
    );
}
