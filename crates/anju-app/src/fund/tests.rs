//! Fund management use cases on a real SQLite store: statements on a
//! hand-built ledger, the distribution's maker-checker and its entries,
//! deposits and their interest, the cash plan, liquidity alerts, KPI inputs
//! with the published totals, and the annual report.

use super::report::ReportPart;
use super::*;
use anju_domain::fund::DepositKind;
use anju_domain::fund::DepositStatus;
use anju_domain::fund::DistributionStatus;
use anju_domain::fund::indicators;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::EvidenceKind;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::{Period, RatePpm};
use anju_store::{BillLineRecord, BillPayment, BillRecord, MemberRecord, WithdrawalRecord};

/// 1 亿元 in fen.
const YI: i64 = 100_000_000_00;

use crate::test_support::{clerk, d, finance};

fn person(role: Role, login: &str) -> Actor {
    Actor::seeded(role, login, None, "req")
}

fn manager(login: &str) -> Actor {
    person(Role::Manager, login)
}

async fn app(dir: &tempfile::TempDir) -> App {
    crate::test_support::sqlite_app(dir, "fund.db").await
}

async fn open_accounts(app: &App, members: &[i64]) {
    let accounts: Vec<(MemberId, Date)> = members
        .iter()
        .map(|m| (MemberId(*m), d("2024-01-01")))
        .collect();
    app.ledger()
        .open_member_accounts(&accounts)
        .await
        .expect("open");
}

async fn post(app: &App, kind: &str, on: &str, key: &str, lines: Vec<Line>) -> i64 {
    let entry = NewEntry::new(
        kind,
        d(on),
        IdempotencyKey::parse(key).expect("key"),
        "测试",
        lines,
    )
    .expect("entry");
    app.ledger()
        .post_entry(entry)
        .await
        .expect("post")
        .entry_id
        .0
}

/// 汇缴: Dr 101 / Cr 201 for each (member, fen).
async fn remit(app: &App, on: &str, key: &str, credits: &[(i64, i64)]) {
    let total = credits.iter().map(|(_, f)| f).sum();
    let mut lines = vec![Line::debit("101", Fen::new(total))];
    lines.extend(
        credits
            .iter()
            .map(|(m, f)| Line::credit("201", Fen::new(*f)).for_member(MemberId(*m))),
    );
    post(app, "C01", on, key, lines).await;
}

/// 部分提取: Dr 201 / Cr 101.
async fn withdraw(app: &App, on: &str, key: &str, member: i64, fen: i64) -> i64 {
    let lines = vec![
        Line::debit("201", Fen::new(fen)).for_member(MemberId(member)),
        Line::credit("101", Fen::new(fen)),
    ];
    post(app, "C11", on, key, lines).await
}

fn code<T: std::fmt::Debug>(result: AppResult<T>) -> Option<&'static str> {
    result.expect_err("must be refused").code()
}

fn row<'a>(tb: &'a TrialBalance, code: &str) -> &'a anju_domain::fund::TrialBalanceRow {
    tb.rows
        .iter()
        .find(|r| r.gl_code == code)
        .unwrap_or_else(|| panic!("{code} in the trial balance"))
}

/// (opening, debit, credit, closing) of one trial-balance row, in fen.
fn figures(tb: &TrialBalance, code: &str) -> (i64, i64, i64, i64) {
    let r = row(tb, code);
    (
        r.opening_fen.get(),
        r.debit_fen.get(),
        r.credit_fen.get(),
        r.closing_fen.get(),
    )
}

fn line_amount(lines: &[anju_domain::fund::StatementLine], code: &str) -> i64 {
    lines
        .iter()
        .find(|l| l.gl_code == code)
        .unwrap_or_else(|| panic!("{code} on the statement"))
        .amount_fen
        .get()
}

/// The hand-built ledger of 2026 (members 1 and 2, loan 7):
/// - 01-10 C01 汇缴 Dr 101 300,000.00 / Cr 201 200,000.00 (m1) + 100,000.00 (m2)
/// - 02-01 L01 放款 Dr 121 (loan 7) 150,000.00 / Cr 101
/// - 03-01 L02 还款 Dr 101 8,000.00 / Cr 121 5,000.00 + Cr 40103 3,000.00
/// - 04-01 F99 购买国债 Dr 124 50,000.00 / Cr 101
/// - 05-01 F02 存款利息 Dr 101 300.00 / Cr 40101
/// - 06-30 C09 结息 Dr 41101 2,000.00 / Cr 201 1,200.00 (m1) + 800.00 (m2)
async fn small_ledger(app: &App) {
    open_accounts(app, &[1, 2]).await;
    remit(
        app,
        "2026-01-10",
        "s-c01",
        &[(1, 200_000_00), (2, 100_000_00)],
    )
    .await;
    post(
        app,
        "L01",
        "2026-02-01",
        "s-l01",
        vec![
            Line::debit("121", Fen::new(150_000_00)).for_loan(7),
            Line::credit("101", Fen::new(150_000_00)),
        ],
    )
    .await;
    post(
        app,
        "L02",
        "2026-03-01",
        "s-l02",
        vec![
            Line::debit("101", Fen::new(8_000_00)),
            Line::credit("121", Fen::new(5_000_00)).for_loan(7),
            Line::credit("40103", Fen::new(3_000_00)),
        ],
    )
    .await;
    post(
        app,
        "F99",
        "2026-04-01",
        "s-f99",
        vec![
            Line::debit("124", Fen::new(50_000_00)),
            Line::credit("101", Fen::new(50_000_00)),
        ],
    )
    .await;
    post(
        app,
        "F02",
        "2026-05-01",
        "s-f02",
        vec![
            Line::debit("101", Fen::new(300_00)),
            Line::credit("40101", Fen::new(300_00)),
        ],
    )
    .await;
    post(
        app,
        "C09",
        "2026-06-30",
        "s-c09",
        vec![
            Line::debit("41101", Fen::new(2_000_00)),
            Line::credit("201", Fen::new(1_200_00)).for_member(MemberId(1)),
            Line::credit("201", Fen::new(800_00)).for_member(MemberId(2)),
        ],
    )
    .await;
}

#[tokio::test]
async fn statements_of_a_hand_built_ledger_add_up() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    small_ledger(&app).await;

    let year = app
        .fund()
        .statements(d("2026-01-01"), d("2026-12-31"))
        .await
        .expect("statements");
    let tb = &year.trial_balance;
    assert!(tb.balanced);
    // Debits: 101 308,300 + 121 150,000 + 124 50,000 + 41101 2,000.
    assert_eq!(tb.total_debit_fen, Fen::new(510_300_00));
    assert_eq!(tb.total_credit_fen, Fen::new(510_300_00));
    assert_eq!(figures(tb, "101"), (0, 308_300_00, 200_000_00, 108_300_00));
    assert_eq!(figures(tb, "121"), (0, 150_000_00, 5_000_00, 145_000_00));
    assert_eq!(figures(tb, "124"), (0, 50_000_00, 0, 50_000_00));
    // Liabilities and income in their normal (credit) direction.
    assert_eq!(figures(tb, "201"), (0, 0, 302_000_00, 302_000_00));
    assert_eq!(figures(tb, "40103"), (0, 0, 3_000_00, 3_000_00));
    assert_eq!(figures(tb, "40101"), (0, 0, 300_00, 300_00));
    assert_eq!(
        figures(tb, "401"),
        (0, 0, 3_300_00, 3_300_00),
        "the parent sums"
    );
    assert!(row(tb, "401").parent);
    assert_eq!(figures(tb, "41101"), (0, 2_000_00, 0, 2_000_00));
    assert_eq!(figures(tb, "301"), (0, 0, 0, 0));

    let bs = &year.balance_sheet;
    assert!(bs.balanced);
    assert_eq!(line_amount(&bs.assets, "101"), 108_300_00);
    assert_eq!(line_amount(&bs.assets, "121"), 145_000_00);
    assert_eq!(line_amount(&bs.assets, "124"), 50_000_00);
    assert_eq!(line_amount(&bs.liabilities, "201"), 302_000_00);
    assert_eq!(bs.total_assets_fen, Fen::new(303_300_00));
    assert_eq!(bs.total_liabilities_and_funds_fen, Fen::new(303_300_00));
    // Income 3,300 − expense 2,000 not yet closed into 311.
    assert_eq!(line_amount(&bs.funds, ""), 1_300_00);

    let is = &year.income_statement;
    assert_eq!(line_amount(&is.income, "40103"), 3_000_00);
    assert_eq!(line_amount(&is.income, "40101"), 300_00);
    assert_eq!(line_amount(&is.expense, "41101"), 2_000_00);
    assert_eq!(is.income_total_fen, Fen::new(3_300_00));
    assert_eq!(is.expense_total_fen, Fen::new(2_000_00));
    assert_eq!(is.value_added_fen, Fen::new(1_300_00));
    assert_eq!(year.distribution, None);

    // March to May: January and February are opening balances, 30 June is
    // left out.
    let spring = app
        .fund()
        .statements(d("2026-03-01"), d("2026-05-31"))
        .await
        .expect("spring");
    let tb = &spring.trial_balance;
    assert!(tb.balanced);
    assert_eq!(
        figures(tb, "101"),
        (150_000_00, 8_300_00, 50_000_00, 108_300_00)
    );
    assert_eq!(figures(tb, "121"), (150_000_00, 0, 5_000_00, 145_000_00));
    assert_eq!(figures(tb, "201"), (300_000_00, 0, 0, 300_000_00));
    assert_eq!(figures(tb, "41101"), (0, 0, 0, 0));
    // Period movements: 101 8,300 + 124 50,000 debit.
    assert_eq!(tb.total_debit_fen, Fen::new(58_300_00));
    assert_eq!(spring.income_statement.value_added_fen, Fen::new(3_300_00));
    assert!(spring.balance_sheet.balanced);
    assert_eq!(spring.balance_sheet.total_assets_fen, Fen::new(303_300_00));

    // After the last entry: all opening, no movement.
    let autumn = app
        .fund()
        .statements(d("2026-07-01"), d("2026-12-31"))
        .await
        .expect("autumn");
    assert_eq!(
        figures(&autumn.trial_balance, "201"),
        (302_000_00, 0, 0, 302_000_00)
    );
    assert_eq!(autumn.trial_balance.total_debit_fen, Fen::ZERO);
    assert!(autumn.trial_balance.balanced);
    assert_eq!(autumn.income_statement.value_added_fen, Fen::ZERO);

    assert_eq!(
        code(
            app.fund()
                .statements(d("2026-02-01"), d("2026-01-31"))
                .await
        ),
        Some("PERIOD_INVALID")
    );
    let position = app
        .fund()
        .position_at(d("2026-02-01"))
        .await
        .expect("position");
    assert_eq!(position.get("101"), Some(&Fen::new(150_000_00)));
    assert_eq!(position.get("201"), Some(&Fen::new(-300_000_00)));
}

/// 2025: ¥10亿 collected, ¥5.2亿 deposit interest (40101), ¥0.2亿 member
/// interest (41101): value added ¥5亿 → reserve 60% = ¥3亿, management
/// ¥1.5亿 (the budget), public rental housing the remaining ¥0.5亿.
async fn year_with_value_added(app: &App) {
    open_accounts(app, &[1]).await;
    remit(app, "2025-01-10", "v-c01", &[(1, 10 * YI)]).await;
    post(
        app,
        "F02",
        "2025-06-21",
        "v-f02",
        vec![
            Line::debit("101", Fen::new(52 * YI / 10)),
            Line::credit("40101", Fen::new(52 * YI / 10)),
        ],
    )
    .await;
    post(
        app,
        "C09",
        "2025-06-30",
        "v-c09",
        vec![
            Line::debit("41101", Fen::new(2 * YI / 10)),
            Line::credit("201", Fen::new(2 * YI / 10)).for_member(MemberId(1)),
        ],
    )
    .await;
}

#[tokio::test]
async fn distribution_is_prepared_after_year_end_and_approved_by_another_manager() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    year_with_value_added(&app).await;

    assert_eq!(
        code(
            app.fund()
                .prepare_distribution(&finance(), 2025, d("2025-12-31"))
                .await
        ),
        Some("DISTRIBUTION_YEAR_OPEN")
    );
    assert_eq!(
        code(
            app.fund()
                .prepare_distribution(&clerk(), 2025, d("2026-01-05"))
                .await
        ),
        Some("FUND_ROLE")
    );
    assert_eq!(
        app.fund_port().distribution(2025).await.expect("read"),
        None
    );

    // A manager prepares; the same manager cannot approve it.
    let by_manager = app
        .fund()
        .prepare_distribution(&manager("manager-1"), 2025, d("2026-01-05"))
        .await
        .expect("prepare");
    assert_eq!(by_manager.prepared_by, "manager-1");
    let before = app.ledger_port().gl_balances().await.expect("balances");
    assert_eq!(
        code(
            app.fund()
                .approve_distribution(&manager("manager-1"), 2025)
                .await
        ),
        Some("DISTRIBUTION_SAME_PERSON")
    );
    assert_eq!(
        app.ledger_port().gl_balances().await.expect("balances"),
        before
    );

    // Finance prepares it again (replacing the draft).
    let prepared = app
        .fund()
        .prepare_distribution(&finance(), 2025, d("2026-01-06"))
        .await
        .expect("prepare again");
    assert_eq!(
        (
            prepared.status.code(),
            prepared.prepared_by.as_str(),
            prepared.value_added_fen,
            prepared.reserve_fen,
            prepared.management_fen,
            prepared.public_rental_fen,
        ),
        (
            "prepared",
            "finance-1",
            anju_domain::Fen::new(5 * YI),
            anju_domain::Fen::new(3 * YI),
            anju_domain::Fen::new(15 * YI / 10),
            anju_domain::Fen::new(5 * YI / 10)
        )
    );
    assert_eq!(
        app.fund_port().distribution(2025).await.expect("read"),
        Some(prepared.clone())
    );
    assert_eq!(
        code(app.fund().approve_distribution(&finance(), 2025).await),
        Some("FUND_ROLE"),
        "finance prepares, a manager approves"
    );
    assert_eq!(
        code(
            app.fund()
                .approve_distribution(&manager("manager-1"), 2024)
                .await
        ),
        Some("DISTRIBUTION_NOT_PREPARED")
    );
    assert_eq!(
        app.ledger_port().gl_balances().await.expect("balances"),
        before
    );
    let year_end = d("2025-12-31");
    assert!(
        app.fund_port()
            .gl_days(year_end, year_end)
            .await
            .expect("days")
            .is_empty(),
        "nothing posted by the refusals"
    );

    let approved = app
        .fund()
        .approve_distribution(&manager("manager-1"), 2025)
        .await
        .expect("approve");
    assert_eq!(approved.status, DistributionStatus::Approved);
    assert_eq!(approved.approved_by.as_deref(), Some("manager-1"));
    assert!(approved.closing_entry_id.is_some());
    assert_eq!(
        app.fund_port().distribution(2025).await.expect("read"),
        Some(approved.clone())
    );

    // F03 closes 40101 and 41101 into 311; F01 moves 311 out to where the
    // shares go. All dated 31 December.
    let days = app
        .fund_port()
        .gl_days(year_end, year_end)
        .await
        .expect("days");
    let on = |kind: &str, gl: &str| {
        days.iter()
            .find(|r| r.business_type == kind && r.gl_code == gl)
            .map(|r| (r.debit_fen, r.credit_fen))
    };
    assert_eq!(
        on("F03", "40101"),
        Some((
            anju_domain::Fen::new(52 * YI / 10),
            anju_domain::Fen::new(0)
        ))
    );
    assert_eq!(
        on("F03", "41101"),
        Some((anju_domain::Fen::new(0), anju_domain::Fen::new(2 * YI / 10)))
    );
    assert_eq!(
        on("F03", "311"),
        Some((anju_domain::Fen::new(0), anju_domain::Fen::new(5 * YI)))
    );
    assert_eq!(
        on("F01", "301"),
        Some((anju_domain::Fen::new(0), anju_domain::Fen::new(3 * YI)))
    );
    assert_eq!(
        on("F01", "219"),
        Some((
            anju_domain::Fen::new(0),
            anju_domain::Fen::new(15 * YI / 10)
        ))
    );
    assert_eq!(
        on("F01", "21402"),
        Some((anju_domain::Fen::new(0), anju_domain::Fen::new(5 * YI / 10)))
    );
    assert_eq!(
        on("F01", "311"),
        Some((anju_domain::Fen::new(5 * YI), anju_domain::Fen::new(0)))
    );

    let closing = app.fund().position_at(year_end).await.expect("position");
    let net = |code: &str| closing.get(code).copied().unwrap_or(Fen::ZERO).get();
    for code in [
        "40101", "40102", "40103", "41101", "311", "32101", "32102", "32103",
    ] {
        assert_eq!(net(code), 0, "{code} is closed");
    }
    assert_eq!(net("301"), -3 * YI, "the reserve grew by its share");
    assert_eq!(net("219"), -15 * YI / 10);
    assert_eq!(net("21402"), -5 * YI / 10);

    // The year's statements still show the income before it was closed.
    let statements = app
        .fund()
        .statements(d("2025-01-01"), year_end)
        .await
        .expect("statements");
    assert_eq!(
        statements.income_statement.value_added_fen,
        Fen::new(5 * YI)
    );
    assert!(statements.balance_sheet.balanced);
    assert!(statements.trial_balance.balanced);
    assert_eq!(line_amount(&statements.balance_sheet.funds, "301"), 3 * YI);
    assert_eq!(line_amount(&statements.balance_sheet.funds, ""), 0);
    assert_eq!(
        statements.distribution.map(|d| d.status),
        Some(DistributionStatus::Approved)
    );

    let after = app.ledger_port().gl_balances().await.expect("balances");
    assert_eq!(
        code(
            app.fund()
                .approve_distribution(&manager("manager-2"), 2025)
                .await
        ),
        Some("DISTRIBUTION_APPROVED")
    );
    assert_eq!(
        code(
            app.fund()
                .prepare_distribution(&finance(), 2025, d("2026-02-01"))
                .await
        ),
        Some("DISTRIBUTION_APPROVED")
    );
    assert_eq!(
        app.ledger_port().gl_balances().await.expect("balances"),
        after
    );
    assert_eq!(
        app.fund_port().distribution(2025).await.expect("read"),
        Some(approved)
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

fn time_deposit(amount: i64, rate_ppm: i64, placed: &str, matures: &str) -> DepositRequest {
    DepositRequest {
        bank: " 中国建设银行苏州分行 ".to_string(),
        kind: DepositKind::Time,
        amount: Fen::new(amount),
        rate: RatePpm::new(rate_ppm).expect("rate"),
        placed_on: d(placed),
        matures_on: Some(d(matures)),
        note: "定期".to_string(),
    }
}

#[tokio::test]
async fn a_time_deposit_matures_once_with_simple_interest() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    // 73 days at 1.00% on ¥10,002.50: 1,000,250 × 0.01 × 73 / 365 = 2,000.5
    // fen → 2,001 fen half-up (truncation would give 2,000).
    let request = time_deposit(1_000_250, 10_000, "2026-01-01", "2026-03-15");
    assert_eq!(
        code(app.fund().place_fund_deposit(&clerk(), &request).await),
        Some("FUND_ROLE")
    );
    let no_maturity = DepositRequest {
        matures_on: None,
        ..request.clone()
    };
    assert_eq!(
        code(
            app.fund()
                .place_fund_deposit(&finance(), &no_maturity)
                .await
        ),
        Some("DEPOSIT_MATURITY")
    );
    let placed = app
        .fund()
        .place_fund_deposit(&finance(), &request)
        .await
        .expect("place");
    assert_eq!(
        (
            placed.bank.as_str(),
            placed.status.code(),
            placed.created_by.as_str()
        ),
        ("中国建设银行苏州分行", "held", "finance-1")
    );
    // Half a year at 1.50% on ¥10,000,000.00: 1e9 × 0.015 × 181 / 365 =
    // 7,438,356.16 fen → 7,438,356.
    let big = app
        .fund()
        .place_fund_deposit(
            &finance(),
            &time_deposit(1_000_000_000, 15_000, "2026-01-15", "2026-07-15"),
        )
        .await
        .expect("place");
    let current = app
        .fund()
        .place_fund_deposit(
            &finance(),
            &DepositRequest {
                kind: DepositKind::Current,
                matures_on: None,
                ..request.clone()
            },
        )
        .await
        .expect("current");

    assert_eq!(
        code(
            app.fund()
                .mature_fund_deposit(&finance(), placed.deposit_id, d("2026-03-14"))
                .await
        ),
        Some("DEPOSIT_NOT_DUE")
    );
    assert_eq!(
        code(
            app.fund()
                .mature_fund_deposit(&clerk(), placed.deposit_id, d("2026-03-15"))
                .await
        ),
        Some("FUND_ROLE")
    );
    assert!(
        app.fund_port()
            .gl_days(d("2026-01-01"), d("2026-12-31"))
            .await
            .expect("days")
            .is_empty()
    );
    let interest = app
        .fund()
        .mature_fund_deposit(&finance(), placed.deposit_id, d("2026-03-15"))
        .await
        .expect("mature");
    assert_eq!(interest, 20_01);
    // Principal and interest rolled into a current deposit at the same bank.
    let rolled: Vec<_> = app
        .fund_port()
        .fund_deposits()
        .await
        .expect("deposits")
        .into_iter()
        .filter(|r| r.note.contains(&placed.deposit_id.to_string()))
        .collect();
    assert_eq!(rolled.len(), 1, "{rolled:?}");
    assert_eq!(
        (
            rolled[0].kind.code(),
            rolled[0].status.code(),
            rolled[0].bank.as_str()
        ),
        ("current", "held", placed.bank.as_str())
    );
    assert_eq!(
        rolled[0].amount_fen,
        anju_domain::Fen::new(placed.amount_fen.get() + 20_01)
    );
    assert_eq!(rolled[0].placed_on, d("2026-03-15"));
    assert_eq!(
        app.fund_port()
            .gl_days(d("2026-03-15"), d("2026-03-15"))
            .await
            .expect("days"),
        vec![
            anju_store::GlDayRow {
                value_date: d("2026-03-15"),
                gl_code: "101".into(),
                business_type: "F02".into(),
                debit_fen: anju_domain::Fen::new(20_01),
                credit_fen: anju_domain::Fen::ZERO,
            },
            anju_store::GlDayRow {
                value_date: d("2026-03-15"),
                gl_code: "40101".into(),
                business_type: "F02".into(),
                debit_fen: anju_domain::Fen::ZERO,
                credit_fen: anju_domain::Fen::new(20_01),
            },
        ]
    );
    assert_eq!(
        code(
            app.fund()
                .mature_fund_deposit(&finance(), placed.deposit_id, d("2026-03-16"))
                .await
        ),
        Some("DEPOSIT_NOT_MATURABLE")
    );
    // Matured after its day: still dated on the maturity day.
    assert_eq!(
        app.fund()
            .mature_fund_deposit(&finance(), big.deposit_id, d("2026-08-01"))
            .await
            .expect("mature"),
        7_438_356
    );
    assert_eq!(
        code(
            app.fund()
                .mature_fund_deposit(&finance(), current.deposit_id, d("2026-08-01"))
                .await
        ),
        Some("DEPOSIT_NOT_MATURABLE")
    );
    assert_eq!(
        code(
            app.fund()
                .mature_fund_deposit(&finance(), 424_242, d("2026-08-01"))
                .await
        ),
        Some("DEPOSIT_NOT_FOUND")
    );
    let position = app
        .fund()
        .position_at(d("2026-12-31"))
        .await
        .expect("position");
    assert_eq!(position.get("40101"), Some(&Fen::new(-(20_01 + 7_438_356))));
    let deposits = app.fund_port().fund_deposits().await.expect("list");
    let read = |id: i64| {
        deposits
            .iter()
            .find(|x| x.deposit_id == id)
            .expect("deposit")
            .clone()
    };
    assert_eq!(
        (
            read(placed.deposit_id).status.code(),
            read(placed.deposit_id).interest_fen
        ),
        ("matured", Some(anju_domain::Fen::new(20_01)))
    );
    assert_eq!(
        read(big.deposit_id).interest_fen,
        Some(anju_domain::Fen::new(7_438_356))
    );
    assert_eq!(read(current.deposit_id).status, DepositStatus::Held);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

#[tokio::test]
async fn the_cash_plan_forecasts_twelve_months_and_the_ladder_keeps_coverage() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    open_accounts(&app, &[1]).await;
    // An opening ¥20亿 before the history window; then 2025 collects ¥1.5亿
    // a month (¥3亿 in December), 2026 10% more; withdrawals ¥1亿 a month
    // except ¥12亿 each September.
    remit(&app, "2024-12-15", "open", &[(1, 20 * YI)]).await;
    for year in [2025, 2026] {
        for month in 1..=12u32 {
            let base = if month == 12 {
                30 * YI / 10
            } else {
                15 * YI / 10
            };
            let inflow = if year == 2026 { base * 11 / 10 } else { base };
            remit(
                &app,
                &format!("{year}-{month:02}-10"),
                &format!("in-{year}-{month}"),
                &[(1, inflow)],
            )
            .await;
            let outflow = if month == 9 { 12 * YI } else { YI };
            withdraw(
                &app,
                &format!("{year}-{month:02}-20"),
                &format!("out-{year}-{month}"),
                1,
                outflow,
            )
            .await;
        }
    }
    let plan = app.fund().cash_plan(d("2026-12-31")).await.expect("plan");
    // 20 + 19.5 + 21.45 − 46 = ¥14.95亿.
    let gl_101 = 1495 * YI / 100;
    assert_eq!(plan.gl_101_fen, gl_101);
    assert_eq!((plan.held_current_fen, plan.held_time_fen), (0, 0));
    assert_eq!(plan.unregistered_fen, gl_101);
    assert_eq!(plan.buffer_fen, 10 * YI, "the policy's buffer");

    let months = &plan.forecast.months;
    assert_eq!(months.len(), 12);
    assert_eq!(months[0].period, Period::from_yyyymm(202701).expect("p"));
    assert_eq!(months[11].period, Period::from_yyyymm(202712).expect("p"));
    // January: level 21.45/12 × trend 1.1 × index 12/13 = ¥1.815亿; the
    // withdrawals: 23/12 × 1 × (1 ÷ 46/24) = ¥1亿; September ¥12亿.
    assert_eq!(months[0].collection_fen, 1815 * YI / 1000);
    assert_eq!(months[0].withdrawals_fen, YI);
    assert_eq!(months[8].withdrawals_fen, 12 * YI);
    assert_eq!(months[11].collection_fen, 363 * YI / 100);
    // Eight months of +0.815 then September's −10.185: −3.665 at the worst.
    assert_eq!(months[8].cumulative_fen, -3665 * YI / 1000);
    assert_eq!(plan.forecast.liquidity_need_fen, 3665 * YI / 1000);
    assert_eq!(plan.forecast.lowest_balance_fen, gl_101 - 3665 * YI / 1000);

    let ladder = &plan.ladder;
    let placed: i64 = ladder.rungs.iter().map(|r| r.amount_fen).sum();
    assert_eq!(ladder.keep_current_fen + placed, gl_101, "all of it, once");
    for (i, month) in months.iter().enumerate() {
        let matured: i64 = ladder
            .rungs
            .iter()
            .filter(|r| r.months as usize <= i)
            .map(|r| r.amount_fen)
            .sum();
        assert!(
            ladder.keep_current_fen + matured + month.cumulative_fen >= plan.buffer_fen,
            "month {i} keeps the buffer: {ladder:?}"
        );
    }
    // By hand: ¥10亿 kept, September's ¥3.665亿 in the 6-month term, the
    // rest (¥1.285亿) in the longest.
    let rungs: Vec<(u32, i64)> = ladder
        .rungs
        .iter()
        .map(|r| (r.months, r.amount_fen))
        .collect();
    assert_eq!(ladder.keep_current_fen, 10 * YI);
    assert_eq!(rungs, vec![(6, 3665 * YI / 1000), (36, 1285 * YI / 1000)]);

    // A held time deposit is money the plan cannot spend now.
    app.fund()
        .place_fund_deposit(
            &finance(),
            &time_deposit(YI, 15_000, "2026-12-01", "2027-12-01"),
        )
        .await
        .expect("place");
    let plan = app.fund().cash_plan(d("2026-12-31")).await.expect("plan");
    assert_eq!(plan.held_time_fen, YI);
    assert_eq!(plan.unregistered_fen, gl_101 - YI);
    let placed: i64 = plan.ladder.rungs.iter().map(|r| r.amount_fen).sum();
    assert_eq!(plan.ladder.keep_current_fen + placed, gl_101 - YI);
}

#[tokio::test]
async fn a_loan_ratio_above_the_tight_line_alerts_once_and_clears() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    open_accounts(&app, &[1]).await;
    remit(&app, "2026-06-01", "l-c01", &[(1, 10 * YI)]).await;
    post(
        &app,
        "L01",
        "2026-06-02",
        "l-l01",
        vec![
            Line::debit("121", Fen::new(95 * YI / 10)).for_loan(1),
            Line::credit("101", Fen::new(95 * YI / 10)),
        ],
    )
    .await;
    let view = app.fund().liquidity(d("2026-06-30")).await.expect("view");
    assert_eq!(view.figures.loan_balance_fen, 95 * YI / 10);
    assert_eq!(view.figures.deposit_balance_fen, 10 * YI);

    let raised = app
        .fund()
        .check_liquidity(
            &Actor::seeded(Role::RiskManager, "risk-1", None, "t"),
            d("2026-06-30"),
        )
        .await
        .expect("check");
    let loan_ratio: Vec<_> = raised
        .iter()
        .filter(|a| a.indicator == "loan_ratio")
        .collect();
    assert_eq!(loan_ratio.len(), 1, "{raised:?}");
    assert_eq!(loan_ratio[0].level, anju_domain::fund::AlertLevel::Critical);
    assert_eq!(
        (loan_ratio[0].value_ppm, loan_ratio[0].threshold_ppm),
        (950_000, 900_000)
    );
    // 95% utilisation is on the band's edge: no alert.
    assert!(
        raised.iter().all(|a| a.indicator != "utilisation"),
        "{raised:?}"
    );
    let again = app
        .fund()
        .check_liquidity(
            &Actor::seeded(Role::RiskManager, "risk-1", None, "t"),
            d("2026-07-01"),
        )
        .await
        .expect("again");
    assert!(again.is_empty(), "nothing new: {again:?}");
    let alerts = app.fund_port().fund_alerts(100).await.expect("alerts");
    let open: Vec<_> = alerts
        .iter()
        .filter(|a| a.indicator == "loan_ratio")
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (
            open[0].level.as_str(),
            open[0].raised_on,
            open[0].cleared_on
        ),
        ("严重", d("2026-06-30"), None)
    );
    let alert_id = open[0].alert_id;

    // ¥2亿 more deposits: 9.5 ÷ 12 = 79.17%, below both lines.
    remit(&app, "2026-07-02", "l-c01b", &[(1, 2 * YI)]).await;
    app.fund()
        .check_liquidity(
            &Actor::seeded(Role::RiskManager, "risk-1", None, "t"),
            d("2026-07-02"),
        )
        .await
        .expect("check");
    let alerts = app.fund_port().fund_alerts(100).await.expect("alerts");
    let record = alerts
        .iter()
        .find(|a| a.alert_id == alert_id)
        .expect("alert");
    assert_eq!(record.cleared_on, Some(d("2026-07-02")));
    assert!(
        alerts
            .iter()
            .all(|a| a.indicator != "loan_ratio" || a.cleared_on.is_some())
    );

    let risk = person(Role::RiskManager, "risk-1");
    assert_eq!(
        code(app.fund().acknowledge_alert(&risk, alert_id, "  ").await),
        Some("ALERT_NOTE")
    );
    assert_eq!(
        code(
            app.fund()
                .acknowledge_alert(&risk, alert_id, &"长".repeat(201))
                .await
        ),
        Some("ALERT_NOTE")
    );
    assert_eq!(
        code(
            app.fund()
                .acknowledge_alert(&clerk(), alert_id, "已处置")
                .await
        ),
        Some("FUND_ROLE")
    );
    app.fund()
        .acknowledge_alert(&risk, alert_id, " 已暂停新增放款 ")
        .await
        .expect("acknowledge");
    assert_eq!(
        code(
            app.fund()
                .acknowledge_alert(&risk, alert_id, "再次确认")
                .await
        ),
        Some("ALERT_NOT_OPEN")
    );
    let alerts = app.fund_port().fund_alerts(100).await.expect("alerts");
    let record = alerts
        .iter()
        .find(|a| a.alert_id == alert_id)
        .expect("alert");
    assert_eq!(
        (
            record.acknowledged_by.as_deref(),
            record.ack_note.as_deref()
        ),
        (Some("risk-1"), Some("已暂停新增放款"))
    );
}

#[tokio::test]
async fn kpi_inputs_are_checked_and_the_published_totals_reproduce_the_rates() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let today = d("2026-03-31");
    assert_eq!(
        code(
            app.fund()
                .enter_fund_input(&finance(), 2025, "no_such_key", "1", "", today)
                .await
        ),
        Some("INPUT_KEY")
    );
    assert_eq!(
        code(
            app.fund()
                .enter_fund_input(&finance(), 2025, "gdp_growth_percent", "5,8", "", today)
                .await
        ),
        Some("DECIMAL_FORMAT")
    );
    assert_eq!(
        code(
            app.fund()
                .enter_fund_input(&finance(), 2025, "withdrawers", "1.5", "", today)
                .await
        ),
        Some("FUND_TOTAL_COUNT")
    );
    assert_eq!(
        code(
            app.fund()
                .enter_fund_input(&finance(), 2027, "gdp_growth_percent", "5", "", today)
                .await
        ),
        Some("INPUT_YEAR")
    );
    assert_eq!(
        code(
            app.fund()
                .enter_fund_input(&clerk(), 2025, "gdp_growth_percent", "5", "", today)
                .await
        ),
        Some("FUND_ROLE")
    );
    assert!(
        app.fund_port()
            .fund_inputs(None)
            .await
            .expect("none")
            .is_empty()
    );

    let first = app
        .fund()
        .enter_fund_input(
            &finance(),
            2025,
            " gdp_growth_percent ",
            " 5.8 ",
            "统计公报",
            today,
        )
        .await
        .expect("enter");
    assert_eq!(
        (
            first.key.as_str(),
            first.value_text.as_str(),
            first.entered_by.as_str(),
            first.entered_on
        ),
        ("gdp_growth_percent", "5.8", "finance-1", today)
    );
    app.fund()
        .enter_fund_input(
            &manager("manager-1"),
            2025,
            "gdp_growth_percent",
            "6.0",
            "修订",
            d("2026-04-01"),
        )
        .await
        .expect("revise");
    app.fund()
        .enter_fund_input(&finance(), 2025, "security_grade", "良好", "", today)
        .await
        .expect("grade");
    let listed = app.fund_port().fund_inputs(Some(2025)).await.expect("list");
    let who: Vec<(&str, &str, &str, Date)> = listed
        .iter()
        .map(|i| {
            (
                i.key.as_str(),
                i.value_text.as_str(),
                i.entered_by.as_str(),
                i.entered_on,
            )
        })
        .collect();
    assert_eq!(
        who,
        vec![
            ("gdp_growth_percent", "5.8", "finance-1", today),
            ("gdp_growth_percent", "6.0", "manager-1", d("2026-04-01")),
            ("security_grade", "良好", "finance-1", today),
        ]
    );
    let in_force = app.fund().inputs_in_force(2025).await.expect("in force");
    assert_eq!(
        in_force.get("gdp_growth_percent").map(String::as_str),
        Some("6.0")
    );

    let text = include_str!("../../../../fixtures/suzhou-published.toml");
    // On 2024-12-31 the file's 2025 is in the future: nothing is loaded,
    // not even 2024.
    assert_eq!(
        code(
            app.fund()
                .load_year_totals(&finance(), text, d("2024-12-31"))
                .await
        ),
        Some("INPUT_YEAR")
    );
    assert!(
        app.fund_port()
            .fund_inputs(Some(2024))
            .await
            .expect("none")
            .is_empty()
    );
    let loaded = app
        .fund()
        .load_year_totals(&finance(), text, today)
        .await
        .expect("load");
    assert_eq!(loaded, 9 + 8);
    let y2024 = app.fund().year_figures(2024, today).await.expect("2024");
    assert_eq!(y2024.collection_fen, 83_670_000_000_00);
    assert_eq!(y2024.withdrawals_fen, 58_369_000_000_00);
    assert_eq!(
        indicators::withdrawal_rate(&y2024).map(|r| r.percent_text(2)),
        Some("69.76%".to_string())
    );
    let y2025 = app.fund().year_figures(2025, today).await.expect("2025");
    assert_eq!(
        indicators::withdrawal_rate(&y2025).map(|r| r.percent_text(2)),
        Some("70.88%".to_string())
    );
    assert_eq!(y2025.contributing_members, 4_713_900);
    // 2026 has no loaded totals: from the (empty) ledger, no data.
    let y2026 = app.fund().year_figures(2026, today).await.expect("2026");
    assert_eq!(indicators::withdrawal_rate(&y2026), None);
}

/// An employer with two members whose ¥10,000.00 bill for March 2026 was
/// paid, and a ¥3,000.00 withdrawal paid to member 1: 提取率 30.00%.
async fn small_centre(app: &App) {
    crate::test_support::test_employer(app, 10, "91320500MA1000010X").await;
    let wage = anju_domain::Fen::new(25_000_00);
    let member = |member_id: i64, id_card: &str| {
        MemberRecord::active(member_id, id_card, "王强", 10, wage, 1)
    };
    app.collection_port()
        .enrol_members(
            &[
                member(1, "320502199003071230"),
                member(2, "320502199205101223"),
            ],
            d("2026-01-01"),
        )
        .await
        .expect("enrol");
    app.fund_port()
        .set_employer_branches(&[(10, "05".to_string())])
        .await
        .expect("branch");
    let total = anju_domain::Fen::new(10_000_00);
    let bill = BillRecord::open_remittance(100, 10, 202603, d("2026-03-15"), total, 2, 1);
    let line = |line_no: i32, member_id: i64| BillLineRecord {
        line_no,
        member_id,
        base_fen: anju_domain::Fen::new(25_000_00),
        employer_fen: anju_domain::Fen::new(2_500_00),
        member_fen: anju_domain::Fen::new(2_500_00),
    };
    app.collection_port()
        .save_bill(&bill, &[line(1, 1), line(2, 2)])
        .await
        .expect("bill");
    remit(
        app,
        "2026-03-10",
        "bill-100",
        &[(1, 5_000_00), (2, 5_000_00)],
    )
    .await;
    let paid = BillPayment {
        entry_id: 1,
        paid_on: d("2026-03-10"),
        channel: "bank".into(),
        reference: "BK-1".into(),
        paid_via: anju_domain::access::Channel::Online,
    };
    assert!(
        app.collection_port()
            .mark_bill_paid(100, &paid)
            .await
            .expect("pay")
    );
    let application = WithdrawalRecord {
        withdrawal_id: 20,
        member_id: 1,
        reason: "07".into(),
        amount_fen: anju_domain::Fen::new(3_000_00),
        months: 1,
        evidence_kind: EvidenceKind::None,
        evidence_no: None,
        evidence_date: None,
        evidence_amount_fen: None,
        status: WithdrawalStatus::Submitted,
        channel: "counter".into(),
        applied_on: d("2026-05-01"),
        applicant: "clerk-1".into(),
        rule: "测试".into(),
        needs_second: false,
        closes_account: false,
        bank_card: "6222020200112233445".into(),
        prepared_by: None,
        approved_by: None,
        note: String::new(),
        payout_reference: None,
        entry_id: None,
        request_key: "w-20".into(),
        updated_at_us: 1,
        facts_source: String::new(),
        verification: None,
        verified_by: None,
    };
    app.withdrawal_port()
        .submit_withdrawal(&application, &[], false)
        .await
        .expect("submit");
    assert!(
        app.withdrawal_port()
            .approve_withdrawal(20, WithdrawalStatus::Submitted, "reviewer-1", "")
            .await
            .expect("approve")
    );
    let entry_id = withdraw(app, "2026-05-02", "withdrawal-20", 1, 3_000_00).await;
    assert!(
        app.withdrawal_port()
            .settle_withdrawal(20, true, "PAY-20", Some(entry_id))
            .await
            .expect("settle")
    );
}

#[tokio::test]
async fn the_annual_report_follows_the_national_template() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    small_centre(&app).await;
    let report = app
        .fund()
        .annual_report(2026, d("2026-12-31"))
        .await
        .expect("report");
    let headings: Vec<&str> = report.sections.iter().map(|s| s.heading.as_str()).collect();
    assert_eq!(
        headings,
        vec![
            "一、机构概况",
            "二、业务运行情况",
            "三、主要财务数据",
            "四、资产风险状况",
            "五、社会经济效益",
            "六、其他重要事项",
        ]
    );
    assert!(report.title.ends_with("2026年年度报告"), "{}", report.title);
    assert_eq!(report.figures.collection_fen, 10_000_00);
    assert_eq!(report.figures.withdrawals_fen, 3_000_00);
    assert_eq!(report.figures.withdrawers, 1);
    assert_eq!(report.figures.contributing_employers, 1);
    assert_eq!(report.figures.contributing_members, 2);
    assert_eq!(report.figures.deposit_balance_fen, 7_000_00);
    let lines: Vec<&ReportLine> = report
        .sections
        .iter()
        .flat_map(|s| s.parts.iter())
        .filter_map(|p| match p {
            ReportPart::Lines(lines) => Some(lines.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    let rate = lines
        .iter()
        .find(|l| l.label == "提取率")
        .expect("提取率 line");
    let indicator = indicators::withdrawal_rate(&report.figures).expect("rate");
    assert_eq!(rate.value, indicator.percent_text(2));
    assert_eq!(rate.value, "30.00%");
    let collected = lines
        .iter()
        .find(|l| l.label == "缴存额")
        .expect("缴存额 line");
    assert_eq!(collected.value, "1.00万元");
    // The branch table has the employer's branch with its figures.
    let branch = report
        .branches
        .iter()
        .find(|b| b.code == "05")
        .expect("branch 05");
    assert_eq!(branch.name, "昆山分中心");
    assert_eq!(
        (
            branch.figures.employers,
            branch.figures.members,
            branch.figures.collection_fen,
            branch.figures.withdrawals_fen,
            branch.figures.deposit_balance_fen,
        ),
        (
            1,
            2,
            anju_domain::Fen::new(10_000_00),
            anju_domain::Fen::new(3_000_00),
            anju_domain::Fen::new(7_000_00)
        )
    );
    // A year not yet started is refused.
    assert_eq!(
        code(app.fund().annual_report(2027, d("2026-12-31")).await),
        Some("YEAR_NOT_STARTED")
    );
}

#[tokio::test]
async fn kpis_by_month_are_year_to_date() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    // March's bill (¥10,000.00, paid 10 March); May's withdrawal (¥3,000.00).
    small_centre(&app).await;
    let months = app
        .fund()
        .kpi_months(2026, d("2026-05-20"))
        .await
        .expect("months");
    let periods: Vec<u32> = months.iter().map(|m| m.period.yyyymm()).collect();
    assert_eq!(periods, vec![202601, 202602, 202603, 202604, 202605]);
    let k10 = |i: usize| {
        months[i]
            .results
            .iter()
            .find(|r| r.id == "K10")
            .and_then(|r| r.value.as_ref())
            .map(|v| v.text(anju_domain::fund::KpiUnit::Percent))
    };
    // Nothing collected before March: no rate; March and April collected
    // but nothing withdrawn; May: 3,000 ÷ 10,000.
    assert_eq!(k10(1), None);
    assert_eq!(k10(2).as_deref(), Some("0.00%"));
    assert_eq!(k10(3).as_deref(), Some("0.00%"));
    assert_eq!(k10(4).as_deref(), Some("30.00%"));
}

/// With a report store (a standby) the reports read it and the day's work
/// stays on the primary: the same statement differs by what only the
/// report store holds.
#[tokio::test]
async fn reports_read_the_report_store_when_one_is_given() {
    let dir = tempfile::tempdir().expect("dir");
    let primary = app(&dir).await;
    let standby = crate::test_support::sqlite_store(&dir, "standby.db").await;
    let standby_app = App::new(
        standby.clone(),
        crate::policy::load_policy(None).expect("policy"),
    );
    small_ledger(&standby_app).await;
    let app = primary.clone().with_report_store(standby);
    let read = |app: App| async move {
        app.fund()
            .statements(d("2026-01-01"), d("2026-12-31"))
            .await
            .expect("statements")
            .trial_balance
            .total_debit_fen
    };
    assert_eq!(read(app.reports()).await, Fen::new(510_300_00));
    assert_eq!(
        read(app.clone()).await,
        Fen::ZERO,
        "the primary holds nothing"
    );
    assert_eq!(
        read(primary.reports()).await,
        Fen::ZERO,
        "without a report store, reports read the primary"
    );
}
