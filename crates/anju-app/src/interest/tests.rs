use super::*;
use crate::access::Actor;
use anju_domain::access::Channel;
use anju_domain::ledger::IdempotencyKey;

pub(super) use crate::test_support::d;

pub(super) fn batch() -> Actor {
    Actor::anonymous(Channel::Batch, "test", "local")
}

pub(super) async fn app(dir: &tempfile::TempDir, name: &str) -> App {
    crate::test_support::sqlite_app(dir, name).await
}

/// Posts a movement of `amount` fen (credit positive) for `member`.
pub(super) async fn moved(app: &App, member: i64, on: &str, amount: i64, key: &str) {
    let fen = Fen::new(amount.abs());
    let lines = if amount > 0 {
        vec![
            Line::debit("101", fen),
            Line::credit("201", fen).for_member(MemberId(member)),
        ]
    } else {
        vec![
            Line::debit("201", fen).for_member(MemberId(member)),
            Line::credit("101", fen),
        ]
    };
    let code = if amount > 0 { "C01" } else { "C11" };
    let entry = NewEntry::new(
        code,
        d(on),
        IdempotencyKey::parse(key).expect("key"),
        "测试",
        lines,
    )
    .expect("entry");
    app.ledger().post_entry(entry).await.expect("post");
}

/// business-rules §2's worked example on account `member`: ¥50,000.00 by
/// 2024-06-30, ¥2,400 on the 10th of every month, ¥20,000 out on 2025-03-15.
pub(super) async fn worked_example(app: &App, member: i64) {
    moved(
        app,
        member,
        "2024-06-20",
        50_000_00,
        &format!("open-{member}"),
    )
    .await;
    for i in 0..12 {
        let (y, m) = if i < 6 { (2024, 7 + i) } else { (2025, i - 5) };
        let on = format!("{y}-{m:02}-10");
        moved(app, member, &on, 2_400_00, &format!("c-{member}-{i}")).await;
    }
    moved(
        app,
        member,
        "2025-03-15",
        -20_000_00,
        &format!("w-{member}"),
    )
    .await;
}

pub(super) async fn open(app: &App, members: std::ops::RangeInclusive<i64>) {
    let accounts: Vec<(MemberId, Date)> = members.map(|m| (MemberId(m), d("2024-06-01"))).collect();
    app.posting_port()
        .open_member_accounts(&accounts)
        .await
        .expect("open");
}

pub(super) fn year() -> InterestYear {
    InterestYear::ending(2025)
}

#[tokio::test]
async fn the_worked_example_settles_to_885_60_and_once_only() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "i.db").await;
    open(&app, 1..=1).await;
    worked_example(&app, 1).await;
    let before = app
        .ledger()
        .member_balance(MemberId(1))
        .await
        .expect("b")
        .balance;
    let run = app
        .interest()
        .settle_interest(
            &batch(),
            year(),
            d("2025-07-01"),
            SettleOptions::default(),
            &|_| {},
        )
        .await
        .expect("settle");
    assert_eq!((run.credited, run.interest), (1, Fen::new(885_60)));
    assert_eq!(run.from_history, 0, "the kept balance-days were enough");
    let after = app
        .ledger()
        .member_balance(MemberId(1))
        .await
        .expect("b")
        .balance;
    assert_eq!(after.checked_sub(before).expect("diff"), Fen::new(885_60));
    let again = app
        .interest()
        .settle_interest(
            &batch(),
            year(),
            d("2025-07-01"),
            SettleOptions::default(),
            &|_| {},
        )
        .await
        .expect("again");
    assert_eq!((again.pages_posted, again.pages_already_settled), (0, 1));
    let gl = app.ledger_port().gl_balances().await.expect("gl");
    let expense = gl.iter().find(|g| g.gl_code == "41101").expect("41101");
    assert_eq!(
        expense.debit,
        Fen::new(885_60),
        "Σ interest posted = GL 41101"
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    let account = app
        .interest()
        .interest_statement(MemberId(1), year())
        .await
        .expect("statement");
    assert_eq!(
        account.worked.interest,
        Fen::new(885_60),
        "the statement redoes the sum"
    );
    assert_eq!(
        account.worked.lines.len(),
        14,
        "brought forward and 13 movements"
    );
    assert_eq!(
        account.credited.interest,
        Fen::new(885_60),
        "and shows what was credited"
    );
    assert_eq!(account.owed().expect("owed"), Due::default());
}

#[tokio::test]
async fn an_account_that_moved_in_the_next_year_is_settled_from_its_history() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "h.db").await;
    open(&app, 1..=2).await;
    worked_example(&app, 1).await;
    worked_example(&app, 2).await;
    // Account 2 already has a movement valued in the next interest year.
    moved(&app, 2, "2025-07-05", 1_000_00, "next-year").await;
    let run = app
        .interest()
        .settle_interest(
            &batch(),
            year(),
            d("2025-07-01"),
            SettleOptions::default(),
            &|_| {},
        )
        .await
        .expect("settle");
    assert_eq!(run.from_history, 1);
    assert_eq!(
        run.interest,
        Fen::new(2 * 885_60),
        "both accounts get the same interest"
    );
}

/// A run stopped after k pages and then resumed ends exactly where one
/// uninterrupted run ends, for every k.
#[tokio::test]
async fn a_settlement_stopped_after_any_page_resumes_to_the_same_result() {
    let dir = tempfile::tempdir().expect("dir");
    // Two accounts a page, three pages a transaction: a stop after page k
    // loses the pages read since the last transaction.
    let options = |stop| SettleOptions {
        accounts_per_page: 2,
        pages_per_post: 3,
        stop_after_pages: stop,
    };
    let whole = app(&dir, "whole.db").await;
    open(&whole, 1..=7).await;
    for m in 1..=7 {
        moved(&whole, m, "2024-09-01", m * 10_000_00, &format!("in-{m}")).await;
    }
    whole
        .interest()
        .settle_interest(&batch(), year(), d("2025-07-01"), options(None), &|_| {})
        .await
        .expect("settle");
    let expected: Vec<Fen> = {
        let mut v = Vec::new();
        for m in 1..=7 {
            v.push(
                whole
                    .ledger()
                    .member_balance(MemberId(m))
                    .await
                    .expect("b")
                    .balance,
            );
        }
        v
    };
    for k in 0..=5 {
        let resumed = app(&dir, &format!("resume-{k}.db")).await;
        open(&resumed, 1..=7).await;
        for m in 1..=7 {
            moved(&resumed, m, "2024-09-01", m * 10_000_00, &format!("in-{m}")).await;
        }
        let part = resumed
            .interest()
            .settle_interest(&batch(), year(), d("2025-07-01"), options(Some(k)), &|_| {})
            .await
            .expect("part");
        assert_eq!(part.finished, k > 4, "k = {k}");
        let rest = resumed
            .interest()
            .settle_interest(&batch(), year(), d("2025-07-01"), options(None), &|_| {})
            .await
            .expect("rest");
        // Pages 1–3 went to the ledger together once page 3 was read; a stop
        // after the last page comes too late to stop anything.
        let landed = match k {
            0..=2 => 0,
            3 | 4 => 3,
            _ => 4,
        };
        assert_eq!(rest.pages_already_settled, landed, "k = {k}");
        assert_eq!(rest.pages_posted, 4 - landed, "k = {k}");
        let again = resumed
            .interest()
            .settle_interest(&batch(), year(), d("2025-07-01"), options(None), &|_| {})
            .await
            .expect("again");
        assert_eq!(again.pages_posted, 0, "running it again posts nothing");
        for m in 1..=7 {
            let balance = resumed
                .ledger()
                .member_balance(MemberId(m))
                .await
                .expect("b")
                .balance;
            assert_eq!(
                balance,
                expected[usize::try_from(m - 1).expect("index")],
                "k = {k}, member {m}"
            );
        }
    }
}
