//! Backdated postings, closing interest and the flexible-worker subsidy.

use super::tests::{app, batch, d, moved, open, worked_example};
use super::*;
use crate::policy::{BUILT_IN_SUZHOU, load_policy};
use anju_domain::policy::parse_policy;
use anju_store::AgreementRecord;
use proptest::prelude::*;

fn settle_on(year_end: i32) -> (InterestYear, Date) {
    let year = InterestYear::ending(year_end);
    (year, d(&format!("{year_end}-07-01")))
}

async fn settle(app: &App, year_end: i32) -> SettlementRun {
    let (year, on) = settle_on(year_end);
    app.interest()
        .settle_interest(&batch(), year, on, SettleOptions::default(), &|_| {})
        .await
        .expect("settle")
}

async fn balance(app: &App, member: i64) -> Fen {
    app.ledger()
        .member_balance(MemberId(member))
        .await
        .expect("balance")
        .balance
}

async fn gl(app: &App, code: &str) -> Fen {
    let found = app.ledger_port().gl_balances().await.expect("gl");
    found
        .iter()
        .find(|g| g.gl_code == code)
        .map_or(Fen::ZERO, |g| g.debit.checked_sub(g.credit).expect("net"))
}

/// Σ of the C09 (or C16) credits to members, from their histories.
async fn credited_by_type(app: &App, members: &[i64], business_type: &str) -> Fen {
    let mut total = Fen::ZERO;
    for m in members {
        let moves = app
            .movements_in(MemberId(*m), d("1999-01-01"), d("2099-12-31"))
            .await
            .expect("moves");
        for h in moves.iter().filter(|h| h.business_type == business_type) {
            total = total.checked_add(h.movement.amount).expect("sum");
        }
    }
    total
}

async fn sign_flexible(app: &App, member: i64, on: &str) {
    let agreement = AgreementRecord {
        member_id: member,
        agreement_version: "2025-07".to_string(),
        signed_on: d(on),
        mobile: "13800001234".to_string(),
        monthly_fen: anju_domain::Fen::new(50_000),
    };
    app.case_port()
        .save_agreement(&agreement)
        .await
        .expect("sign");
}

/// The worked example moved on one year, into 2025-26, when the subsidy applies.
async fn worked_example_2026(app: &App, member: i64) {
    moved(app, member, "2025-06-20", 50_000_00, &format!("o-{member}")).await;
    for i in 0..12 {
        let (y, m) = if i < 6 { (2025, 7 + i) } else { (2026, i - 5) };
        let on = format!("{y}-{m:02}-10");
        moved(app, member, &on, 2_400_00, &format!("k-{member}-{i}")).await;
    }
    moved(
        app,
        member,
        "2026-03-15",
        -20_000_00,
        &format!("x-{member}"),
    )
    .await;
}

#[tokio::test]
async fn a_flexible_worker_gets_the_subsidy_as_its_own_line_and_account() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "s.db").await;
    open(&app, 1..=2).await;
    worked_example_2026(&app, 1).await;
    worked_example_2026(&app, 2).await;
    sign_flexible(&app, 2, "2025-08-01").await;
    let run = settle(&app, 2026).await;
    // 2025-26 has 365 days like 2024-25, so the example's ¥885.60 holds;
    // 30% of it is ¥265.68, for the flexible worker only.
    assert_eq!(run.interest, Fen::new(2 * 885_60));
    assert_eq!(run.subsidy, Fen::new(265_68));
    assert_eq!(gl(&app, "41101").await, Fen::new(2 * 885_60));
    assert_eq!(gl(&app, "41104").await, Fen::new(265_68));
    assert_eq!(
        credited_by_type(&app, &[2], SUBSIDY_TYPE).await,
        Fen::new(265_68)
    );
    assert_eq!(credited_by_type(&app, &[1], SUBSIDY_TYPE).await, Fen::ZERO);
    let account = app
        .interest()
        .interest_statement(MemberId(2), InterestYear::ending(2026))
        .await
        .expect("statement");
    assert_eq!(
        (account.due, account.credited),
        (
            Due {
                interest: Fen::new(885_60),
                subsidy: Fen::new(265_68)
            },
            Due {
                interest: Fen::new(885_60),
                subsidy: Fen::new(265_68)
            }
        )
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// 年度结息通知: the member with an online account finds the year's interest
/// and subsidy in the inbox, once, however often the run is repeated.
#[tokio::test]
async fn the_finishing_run_sends_each_online_member_the_yearly_notice_once() {
    use crate::access::NewAccount;
    use anju_domain::access::Role;
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "n.db").await;
    open(&app, 1..=2).await;
    worked_example_2026(&app, 2).await;
    sign_flexible(&app, 2, "2025-08-01").await;
    let account = NewAccount {
        login: "320502199003071230".to_string(),
        display_name: "王芳".to_string(),
        role: Role::Member,
        password: "correct horse 42".to_string(),
        member_id: Some(2),
        employer_id: None,
        mobile: Some("13800001234".to_string()),
        email: None,
        totp_secret: None,
    };
    let (user, _) = app
        .access()
        .create_account(account, d("2026-01-01"))
        .await
        .expect("user");
    let run = settle(&app, 2026).await;
    assert_eq!(run.notified, 1);
    settle(&app, 2026).await;
    let inbox = app.access().inbox(user.user_id, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1, "one notice, not one per run");
    assert_eq!(inbox[0].title, "2026 年度结息通知");
    assert!(
        inbox[0].body.contains("¥885.60") && inbox[0].body.contains("灵活就业利息补贴 ¥265.68"),
        "{}",
        inbox[0].body
    );
}

#[tokio::test]
async fn a_year_is_settled_only_after_it_ends_and_a_run_finishes_once_complete() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "o.db").await;
    open(&app, 1..=3).await;
    worked_example(&app, 1).await;
    let err = app
        .interest()
        .settle_interest(
            &batch(),
            InterestYear::ending(2025),
            d("2025-06-30"),
            SettleOptions::default(),
            &|_| {},
        )
        .await
        .expect_err("refused");
    assert_eq!(err.code(), Some("INTEREST_YEAR_OPEN"));
    assert!(
        app.interest_port()
            .interest_runs()
            .await
            .expect("runs")
            .is_empty()
    );
    let part = app
        .interest()
        .settle_interest(
            &batch(),
            InterestYear::ending(2025),
            d("2025-07-01"),
            SettleOptions {
                accounts_per_page: 1,
                pages_per_post: 1,
                stop_after_pages: Some(2),
            },
            &|_| {},
        )
        .await
        .expect("part");
    assert!(!part.finished);
    let runs = app.interest_port().interest_runs().await.expect("runs");
    assert_eq!(runs[0].finished_on, None, "a stopped run is not finished");
    let rest = settle(&app, 2025).await;
    assert!(rest.finished);
    let runs = app.interest_port().interest_runs().await.expect("runs");
    assert_eq!(runs[0].finished_on, Some(d("2025-07-01")));
}

/// A movement valued in a settled year, posted after the settlement, is
/// adjusted at once (the Suzhou policy): the member ends where posting it in
/// order would have left them.
#[tokio::test]
async fn a_backdated_posting_is_adjusted_to_what_posting_in_order_gives() {
    let dir = tempfile::tempdir().expect("dir");
    let in_order = app(&dir, "in-order.db").await;
    let late = app(&dir, "late.db").await;
    for app in [&in_order, &late] {
        open(app, 1..=1).await;
        worked_example(app, 1).await;
    }
    moved(&in_order, 1, "2025-01-10", 1_000_00, "late").await;
    settle(&in_order, 2025).await;
    settle(&late, 2025).await;
    moved(&late, 1, "2025-01-10", 1_000_00, "late").await;
    // ¥1,000 held 2025-01-10 … 06-30 (172 days) at 1.5%/360 = ¥7.166… → the
    // year rounds to 885.60 + 7.17 = 892.77 (exactly: (3,254,400 + 172,000)
    // yuan-days × 1.5% / 360 = 142.766…; 750 + 142.77).
    assert_eq!(balance(&late, 1).await, balance(&in_order, 1).await);
    assert_eq!(gl(&late, "41101").await, Fen::new(892_77));
    assert_eq!(gl(&in_order, "41101").await, Fen::new(892_77));
    // The statement shows the settlement and its adjustment as the year's
    // result (no days), and the late movement with its 172 days.
    let range = late
        .interest()
        .member_statement(MemberId(1), d("2024-07-01"), d("2025-06-30"))
        .await
        .expect("statement");
    let results: Vec<Fen> = range
        .lines
        .iter()
        .filter(|l| l.business_type == INTEREST_TYPE)
        .map(|l| {
            assert_eq!((l.value_date, l.days), (d("2025-06-30"), None));
            l.amount
        })
        .collect();
    assert_eq!(results, vec![Fen::new(885_60), Fen::new(7_17)]);
    let moved_late = range
        .lines
        .iter()
        .find(|l| l.amount == Fen::new(1_000_00))
        .expect("late line");
    assert_eq!(
        (moved_late.days, moved_late.product_fen_days),
        (Some(172), Some(172 * 1_000_00))
    );
    assert_eq!(range.closing, range.lines.last().expect("line").balance);
    let rechecks = late
        .interest_port()
        .rechecks_between(1, 1)
        .await
        .expect("rechecks");
    assert_eq!(rechecks.len(), 1, "kept until the next run clears it");
    // The next settlement pays the same on both and clears the recheck.
    let a = settle(&in_order, 2026).await;
    let b = settle(&late, 2026).await;
    assert_eq!(a.interest, b.interest);
    assert_eq!(balance(&late, 1).await, balance(&in_order, 1).await);
    assert!(
        late.interest_port()
            .rechecks_between(1, 1)
            .await
            .expect("r")
            .is_empty()
    );
    let check = late.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// 销户结息: interest to the day before the closing day, then the closing
/// withdrawal; the year's settlement pays that account nothing more.
#[tokio::test]
async fn closing_interest_is_paid_once_and_the_settlement_adds_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir, "c.db").await;
    open(&app, 1..=2).await;
    worked_example(&app, 1).await;
    worked_example(&app, 2).await;
    settle(&app, 2025).await;
    let before = balance(&app, 1).await;
    let closing_day = d("2025-10-01");
    let paid = app
        .interest()
        .close_account_interest(&batch(), MemberId(1), closing_day)
        .await
        .expect("close");
    // Method B treats the closing withdrawal like any other: the balance
    // brought forward earns the annual rate, and the withdrawal on 1 October
    // takes back its 273 days to 30 June at rate / 360 — before × 1.5% ×
    // (1 − 273/360) = before × 1.5% × 87/360, rounded once. (Method A would
    // pay the 92 days held at rate / 360.)
    let expected = anju_domain::Rounding::HalfUpFen
        .apply(i128::from(before.get()) * 87 * 15, 360 * 1000)
        .expect("round");
    assert_eq!(paid.interest, expected);
    let again = app
        .interest()
        .close_account_interest(&batch(), MemberId(1), closing_day)
        .await
        .expect("again");
    assert_eq!(again, Due::default(), "a second call pays nothing");
    let all = balance(&app, 1).await;
    moved(&app, 1, "2025-10-01", -all.get(), "close-1").await;
    let run = settle(&app, 2026).await;
    assert_eq!(
        balance(&app, 1).await,
        Fen::ZERO,
        "nothing more for account 1"
    );
    assert_eq!(run.credited, 1, "only account 2 is credited");
    let err = app
        .interest()
        .close_account_interest(&batch(), MemberId(2), d("2026-06-01"))
        .await
        .expect_err("settled year");
    assert_eq!(err.code(), Some("INTEREST_YEAR_SETTLED"));
}

/// The three worked examples of business-rules §2 through a settlement run:
/// the policy's method for the year decides (A and B from the kept
/// balance-days, C from the history).
#[tokio::test]
async fn the_three_worked_examples_settle_to_the_rules_figures() {
    let dir = tempfile::tempdir().expect("dir");
    for (method, expected, from_history) in [("A", 896_02, 0), ("B", 885_60, 0), ("C", 884_87, 1)] {
        let text = BUILT_IN_SUZHOU.replacen(
            "effective_from = \"2016-02-21\"\nrate_current_year = \"1.50\"\nrate_brought_forward = \"1.50\"\nmethod = \"B\"",
            &format!(
                "effective_from = \"2016-02-21\"\nrate_current_year = \"1.50\"\nrate_brought_forward = \"1.50\"\nmethod = \"{method}\""
            ),
            1,
        );
        assert!(
            method == "B" || text != BUILT_IN_SUZHOU,
            "the method was replaced"
        );
        let store = crate::test_support::sqlite_store(&dir, &format!("{method}.db")).await;
        let app = App::new(store, parse_policy("t.toml", &text).expect("policy"));
        open(&app, 1..=1).await;
        worked_example(&app, 1).await;
        let run = settle(&app, 2025).await;
        assert_eq!(run.interest, Fen::new(expected), "method {method}");
        assert_eq!(run.from_history, from_history, "method {method}");
        assert_eq!(
            gl(&app, "41101").await,
            Fen::new(expected),
            "method {method}"
        );
    }
}

fn next_settlement_policy() -> anju_domain::policy::PolicySet {
    let text = BUILT_IN_SUZHOU.replace(
        "backdated_adjustment = \"immediate\"",
        "backdated_adjustment = \"next_settlement\"",
    );
    parse_policy("test.toml", &text).expect("policy")
}

async fn app_with(dir: &tempfile::TempDir, name: &str, immediate: bool) -> App {
    let store = crate::test_support::sqlite_store(dir, name).await;
    let policy = if immediate {
        load_policy(None).expect("policy")
    } else {
        next_settlement_policy()
    };
    App::new(store, policy)
}

/// One deposit of a random history: member, day offset from 2024-07-01,
/// amount, and when it is posted — in order (0), after the 2025 settlement
/// (1) or after the 2026 one (2).
type Deposit = (i64, i32, i64, u8);

fn deposits() -> impl Strategy<Value = Vec<Deposit>> {
    prop::collection::vec((1i64..=3, 0i32..730, 1i64..5_000_00, 0u8..3), 1..12)
}

async fn run_history(app: &App, history: &[Deposit], late: bool) -> Vec<Fen> {
    open(app, 1..=3).await;
    sign_flexible(app, 3, "2025-07-01").await;
    for m in 1..=3 {
        moved(app, m, "2024-06-01", 10_000_00, &format!("o-{m}")).await;
    }
    let post = |stage: u8| async move {
        for (i, (m, offset, amount, when)) in history.iter().enumerate() {
            if (if late { *when } else { 0 }) == stage {
                let on = d("2024-07-01").add_days(*offset).expect("day");
                moved(app, *m, &on.to_string(), *amount, &format!("h-{i}")).await;
            }
        }
    };
    post(0).await;
    settle(app, 2025).await;
    post(1).await;
    settle(app, 2026).await;
    post(2).await;
    settle(app, 2027).await;
    let mut balances = Vec::new();
    for m in 1..=3 {
        balances.push(balance(app, m).await);
    }
    balances.push(gl(app, "41101").await);
    balances.push(gl(app, "41104").await);
    let posted = credited_by_type(app, &[1, 2, 3], INTEREST_TYPE).await;
    assert_eq!(
        posted,
        gl(app, "41101").await,
        "Σ interest posted = GL 41101"
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    balances
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Backdated-then-adjusted = in order, under either policy: balances,
    /// GL 41101 and 41104 all agree after three settlements.
    #[test]
    fn backdated_then_adjusted_equals_in_order(history in deposits(), immediate in any::<bool>()) {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let (ordered, adjusted) = runtime.block_on(async {
            let dir = tempfile::tempdir().expect("dir");
            let a = app_with(&dir, "a.db", immediate).await;
            let b = app_with(&dir, "b.db", immediate).await;
            (run_history(&a, &history, false).await, run_history(&b, &history, true).await)
        });
        prop_assert_eq!(ordered, adjusted);
    }
}
