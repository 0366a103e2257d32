//! Contract cases for fund management: the GL day book, the year's
//! collection counts and branch figures, loan flows for the forecast, the
//! fund's bank deposits, dated inputs, liquidity alerts and the yearly
//! distribution.

use super::BoxFuture;
use super::cases::{assert_checks, d, key, open, remittance, withdrawal};
use super::collection::{employer, member};
use super::loan::loan_record;
use super::withdrawal::application;
use crate::{
    BillLineRecord, BillPayment, BillRecord, BranchFigures, CollectionYear, DistributionRecord,
    FundAlertRecord, FundDepositRecord, FundInputRecord, GlDayRow, InstallmentRecord, LoanRecord,
    PostOptions, Store,
};
use anju_domain::Fen;
use anju_domain::access::Channel;
use anju_domain::collection::MemberStatus;
use anju_domain::fund::DepositKind;
use anju_domain::fund::DepositStatus;
use anju_domain::fund::DistributionStatus;
use anju_domain::ledger::{Line, NewEntry};
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::LoanStatus;
use anju_domain::withdrawal::WithdrawalStatus;
use std::collections::BTreeMap;
use std::sync::Arc;

fn day_row(on: &str, gl: &str, kind: &str, debit: i64, credit: i64) -> GlDayRow {
    GlDayRow {
        value_date: d(on),
        gl_code: gl.to_string(),
        business_type: kind.to_string(),
        debit_fen: anju_domain::Fen::new(debit),
        credit_fen: anju_domain::Fen::new(credit),
    }
}

/// Σ of the whole day book per account, as (debit, credit).
async fn day_book(store: &dyn Store) -> BTreeMap<String, (i64, i64)> {
    store
        .gl_totals_before(d("2199-12-31"))
        .await
        .expect("totals")
        .into_iter()
        .map(|(code, debit, credit)| (code, (debit, credit)))
        .collect()
}

/// The GL balance rows, as (debit, credit).
async fn balance_rows(store: &dyn Store) -> BTreeMap<String, (i64, i64)> {
    store
        .gl_balances()
        .await
        .expect("balances")
        .into_iter()
        .map(|b| (b.gl_code.clone(), (b.debit.get(), b.credit.get())))
        .collect()
}

/// Postings on two days with three business types: the day book holds Σ
/// per (day, account, type); a replay and a replayed reversal add nothing;
/// a big batch (PostgreSQL's COPY path) lands too.
pub fn gl_day_sums_postings_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-01-01").await;
        let opts = PostOptions::default();
        let r1 = remittance("r1", d("2026-03-10"), &[(1, 100_00), (2, 50_00)]);
        let r2 = remittance("r2", d("2026-03-10"), &[(1, 20_00)]);
        let w1 = withdrawal("w1", d("2026-03-10"), 1, 30_00);
        let r3 = remittance("r3", d("2026-04-01"), &[(2, 5_00)]);
        // Interest income on a fund deposit (F02) on 2026-04-01 too.
        let f1 = NewEntry::new(
            "F02",
            d("2026-04-01"),
            key("f1"),
            "利息",
            vec![
                Line::debit("101", Fen::new(7_77)),
                Line::credit("40101", Fen::new(7_77)),
            ],
        )
        .expect("f1");
        let posted = store
            .post_entries(&[r1.clone(), r2], &opts)
            .await
            .expect("post");
        assert_eq!(posted.len(), 2);
        let w1_id = store
            .post_entries(std::slice::from_ref(&w1), &opts)
            .await
            .expect("w1")[0]
            .entry_id;
        store.post_entries(&[r3, f1], &opts).await.expect("r3 f1");

        let march = vec![
            day_row("2026-03-10", "101", "C01", 170_00, 0),
            day_row("2026-03-10", "101", "C11", 0, 30_00),
            day_row("2026-03-10", "201", "C01", 0, 170_00),
            day_row("2026-03-10", "201", "C11", 30_00, 0),
        ];
        assert_eq!(
            store
                .gl_days(d("2026-03-01"), d("2026-03-31"))
                .await
                .expect("march"),
            march
        );
        let april = vec![
            day_row("2026-04-01", "101", "C01", 5_00, 0),
            day_row("2026-04-01", "101", "F02", 7_77, 0),
            day_row("2026-04-01", "201", "C01", 0, 5_00),
            day_row("2026-04-01", "40101", "F02", 0, 7_77),
        ];
        assert_eq!(
            store
                .gl_days(d("2026-04-01"), d("2026-04-01"))
                .await
                .expect("april"),
            april,
            "both ends of the range are inclusive"
        );
        assert!(
            store
                .gl_days(d("2026-03-11"), d("2026-03-31"))
                .await
                .expect("none")
                .is_empty()
        );

        // A replay posts nothing and adds nothing.
        let again = store
            .post_entries(std::slice::from_ref(&r1), &opts)
            .await
            .expect("replay");
        assert!(again[0].replayed);
        // The reversal of w1: same day, same type, other sides; its replay
        // adds nothing either.
        let reversal = NewEntry::reversal_of(w1_id, &w1, key("w1-rev")).expect("reversal");
        store
            .post_entries(std::slice::from_ref(&reversal), &opts)
            .await
            .expect("reverse");
        let replayed = store
            .post_entries(std::slice::from_ref(&reversal), &opts)
            .await
            .expect("replay the reversal");
        assert!(replayed[0].replayed);
        let march = vec![
            day_row("2026-03-10", "101", "C01", 170_00, 0),
            day_row("2026-03-10", "101", "C11", 30_00, 30_00),
            day_row("2026-03-10", "201", "C01", 0, 170_00),
            day_row("2026-03-10", "201", "C11", 30_00, 30_00),
        ];
        assert_eq!(
            store
                .gl_days(d("2026-03-01"), d("2026-03-31"))
                .await
                .expect("march"),
            march
        );

        // Strictly before the day.
        assert!(
            store
                .gl_totals_before(d("2026-03-10"))
                .await
                .expect("before")
                .is_empty()
        );
        assert_eq!(
            store
                .gl_totals_before(d("2026-03-11"))
                .await
                .expect("before"),
            vec![
                ("101".to_string(), 200_00, 30_00),
                ("201".to_string(), 30_00, 200_00),
            ]
        );
        assert_eq!(
            store
                .gl_totals_before(d("2026-04-02"))
                .await
                .expect("before"),
            vec![
                ("101".to_string(), 212_77, 30_00),
                ("201".to_string(), 30_00, 205_00),
                ("40101".to_string(), 0, 7_77),
            ]
        );
        assert_eq!(day_book(&*store).await, balance_rows(&*store).await);

        // A batch big enough for PostgreSQL's COPY path, over three days.
        let big: Vec<NewEntry> = (0..1_200)
            .map(|i| {
                let on = ["2026-05-01", "2026-05-02", "2026-05-03"][i % 3];
                remittance(&format!("big-{i}"), d(on), &[(1 + (i as i64 % 2), 1_00)])
            })
            .collect();
        store.post_entries(&big, &opts).await.expect("big");
        assert_eq!(
            store
                .gl_days(d("2026-05-02"), d("2026-05-02"))
                .await
                .expect("may"),
            vec![
                day_row("2026-05-02", "101", "C01", 400_00, 0),
                day_row("2026-05-02", "201", "C01", 0, 400_00),
            ]
        );
        let book = day_book(&*store).await;
        assert_eq!(book.get("201"), Some(&(30_00, 1_405_00)));
        assert_eq!(book, balance_rows(&*store).await);
        assert_checks(&*store).await;
    })
}

fn bill_record(id: i64, employer_id: i64, period: i32, due: &str, total: i64) -> BillRecord {
    let total = anju_domain::Fen::new(total);
    BillRecord::open_remittance(id, employer_id, period, d(due), total, 0, 3)
}

/// Lines of `fen` each (half employer, half member) for the members.
fn bill_lines(members: &[i64], fen: i64) -> Vec<BillLineRecord> {
    members
        .iter()
        .zip(1..)
        .map(|(m, no)| BillLineRecord {
            line_no: no,
            member_id: *m,
            base_fen: anju_domain::Fen::new(fen * 5),
            employer_fen: anju_domain::Fen::new(fen / 2),
            member_fen: anju_domain::Fen::new(fen - fen / 2),
        })
        .collect()
}

fn imported(loan_id: i64, member_id: i64, product: LoanProduct, status: LoanStatus) -> LoanRecord {
    LoanRecord {
        product,
        status,
        ..loan_record(loan_id, member_id, &format!("import-{loan_id}"))
    }
}

fn due_row(
    loan_id: i64,
    period: i32,
    due: &str,
    status: InstallmentStatus,
    paid_principal: i64,
) -> InstallmentRecord {
    InstallmentRecord {
        loan_id,
        period,
        due_date: d(due),
        principal_fen: anju_domain::Fen::new(1_000_00),
        interest_fen: anju_domain::Fen::new(100_00),
        paid_principal_fen: anju_domain::Fen::new(paid_principal),
        paid_interest_fen: if status == InstallmentStatus::Paid {
            anju_domain::Fen::new(100_00)
        } else {
            anju_domain::Fen::ZERO
        },
        paid_penalty_fen: anju_domain::Fen::ZERO,
        penalty_owed_fen: anju_domain::Fen::ZERO,
        penalty_from: None,
        status,
        paid_on: (status == InstallmentStatus::Paid).then(|| d(due)),
    }
}

/// A small centre: three employers (two new in the year), four members,
/// bills paid on time, late, unpaid and in another year, a paid
/// withdrawal, a personal and a project loan; then per-branch figures.
pub fn collection_year_and_branch_figures(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        // The year's microsecond span is [1_000, 2_000] for this case.
        let mut e10 = employer(10, "91320500MA1000010X");
        e10.opened_at_us = 1_500;
        let mut e11 = employer(11, "91320500MA1000011X");
        e11.opened_at_us = 2_000;
        let mut e12 = employer(12, "91320500MA1000012X");
        e12.opened_at_us = 999;
        for e in [&e10, &e11, &e12] {
            store.register_employer(e).await.expect("register");
        }
        let mut members = vec![
            member(1, "320502199003071230", Some(10), MemberStatus::Active),
            member(2, "320502199205101223", Some(10), MemberStatus::Active),
            member(3, "320502199507153010", Some(11), MemberStatus::Active),
            member(4, "11010519491231002X", Some(12), MemberStatus::Active),
        ];
        for (m, at) in members.iter_mut().zip([1_000, 2_001, 1_999, 10]) {
            m.enrolled_at_us = at;
        }
        store
            .enrol_members(&members, d("2026-01-01"))
            .await
            .expect("enrol");
        let seed = remittance(
            "seed",
            d("2026-02-01"),
            &[(1, 1_000_00), (2, 500_00), (3, 300_00), (4, 200_00)],
        );
        store
            .post_entries(&[seed], &PostOptions::default())
            .await
            .expect("seed");

        let pay = |entry_id: i64, on: &str| BillPayment {
            entry_id,
            paid_on: d(on),
            channel: "bank".into(),
            reference: format!("BK-{entry_id}"),
            paid_via: Channel::Counter,
        };
        // Employer 10: March paid on time, April paid on time.
        store
            .save_bill(
                &bill_record(100, 10, 202603, "2026-04-15", 2_000_00),
                &bill_lines(&[1, 2], 1_000_00),
            )
            .await
            .expect("bill");
        assert!(
            store
                .mark_bill_paid(100, &pay(1, "2026-04-10"))
                .await
                .expect("pay")
        );
        store
            .save_bill(
                &bill_record(103, 10, 202604, "2026-05-15", 2_000_00),
                &bill_lines(&[1, 2], 1_000_00),
            )
            .await
            .expect("bill");
        assert!(
            store
                .mark_bill_paid(103, &pay(2, "2026-05-15"))
                .await
                .expect("pay")
        );
        // Employer 11: March paid late.
        store
            .save_bill(
                &bill_record(101, 11, 202603, "2026-04-15", 700_00),
                &bill_lines(&[3], 700_00),
            )
            .await
            .expect("bill");
        assert!(
            store
                .mark_bill_paid(101, &pay(3, "2026-04-20"))
                .await
                .expect("pay")
        );
        // Employer 12: December 2025 paid in 2025; March 2026 still open.
        store
            .save_bill(
                &bill_record(104, 12, 202512, "2025-12-15", 400_00),
                &bill_lines(&[4], 400_00),
            )
            .await
            .expect("bill");
        assert!(
            store
                .mark_bill_paid(104, &pay(4, "2025-12-10"))
                .await
                .expect("pay")
        );
        store
            .save_bill(
                &bill_record(102, 12, 202603, "2026-04-15", 400_00),
                &bill_lines(&[4], 400_00),
            )
            .await
            .expect("bill");

        // Member 1 is paid a withdrawal of ¥100.00 on 2026-06-01.
        store
            .submit_withdrawal(&application(20, 1, 100_00, None), &[], false)
            .await
            .expect("submit");
        assert!(
            store
                .approve_withdrawal(20, WithdrawalStatus::Submitted, "reviewer", "")
                .await
                .expect("approve")
        );
        let paid = store
            .post_entries(
                &[withdrawal("wd-20", d("2026-06-01"), 1, 100_00)],
                &PostOptions::default(),
            )
            .await
            .expect("post");
        assert!(
            store
                .settle_withdrawal(20, true, "PAY-20", Some(paid[0].entry_id.0))
                .await
                .expect("settle")
        );

        // A personal loan of member 3 and a project loan, both disbursed in
        // 2026; a personal loan disbursed in 2025 for member 1.
        let mut personal = imported(30, 3, LoanProduct::Personal, LoanStatus::Active);
        personal.disbursed_on = Some(d("2026-06-01"));
        personal.outstanding_fen = anju_domain::Fen::new(590_000_00);
        personal.overdue_principal_fen = anju_domain::Fen::new(1_000_00);
        let mut project = imported(31, 4, LoanProduct::Project, LoanStatus::Active);
        project.amount_fen = anju_domain::Fen::new(9_000_000_00);
        project.disbursed_on = Some(d("2026-07-01"));
        project.outstanding_fen = anju_domain::Fen::new(9_000_000_00);
        let mut older = imported(32, 1, LoanProduct::Personal, LoanStatus::Active);
        older.amount_fen = anju_domain::Fen::new(400_000_00);
        older.disbursed_on = Some(d("2025-03-01"));
        older.outstanding_fen = anju_domain::Fen::new(380_000_00);
        store
            .import_loans(&[personal, project, older], &[])
            .await
            .expect("import");

        let year = store
            .collection_year(
                d("2026-01-01"),
                d("2026-12-31"),
                1_000,
                2_000,
                d("2026-12-31"),
            )
            .await
            .expect("year");
        assert_eq!(
            year,
            CollectionYear {
                employers: 2,
                members: 3,
                new_employers: 2,
                new_members: 2,
                base_adjusted: 0,
                // 11 paid late, 12 still unpaid past its due date.
                overdue_employers: 2,
                flexible_contributors: 0,
                withdrawers: 1,
                project_loans_issued: 1,
                project_loans_issued_fen: anju_domain::Fen::new(9_000_000_00),
            }
        );
        // On 2026-04-15 employer 12's bill is due today, not overdue, and
        // employer 11's was not yet paid: only paid-late or past-due count.
        let early = store
            .collection_year(
                d("2026-01-01"),
                d("2026-12-31"),
                1_000,
                2_000,
                d("2026-04-15"),
            )
            .await
            .expect("early");
        assert_eq!(early.overdue_employers, 1, "11 paid late; 12 due today");
        let last_year = store
            .collection_year(d("2025-01-01"), d("2025-12-31"), 0, 999, d("2025-12-31"))
            .await
            .expect("2025");
        assert_eq!(
            (
                last_year.employers,
                last_year.members,
                last_year.new_employers,
                last_year.withdrawers
            ),
            (1, 1, 1, 0)
        );

        store
            .set_employer_branches(&[(10, "02".to_string()), (11, "03".to_string())])
            .await
            .expect("branches");
        let figures = store
            .branch_figures(d("2026-01-01"), d("2026-12-31"))
            .await
            .expect("figures");
        let expected = vec![
            BranchFigures {
                branch_code: String::new(),
                // Employer 12 paid nothing in 2026; member 4's balance and
                // the project loan are not personal figures.
                deposit_balance_fen: anju_domain::Fen::new(200_00),
                ..BranchFigures::default()
            },
            BranchFigures {
                branch_code: "02".into(),
                employers: 1,
                members: 2,
                collection_fen: anju_domain::Fen::new(4_000_00),
                withdrawals: 1,
                withdrawals_fen: anju_domain::Fen::new(100_00),
                loans_issued: 0,
                loans_issued_fen: anju_domain::Fen::ZERO,
                loan_balance_fen: anju_domain::Fen::new(380_000_00),
                overdue_principal_fen: anju_domain::Fen::ZERO,
                deposit_balance_fen: anju_domain::Fen::new(1_400_00),
            },
            BranchFigures {
                branch_code: "03".into(),
                employers: 1,
                members: 1,
                collection_fen: anju_domain::Fen::new(700_00),
                withdrawals: 0,
                withdrawals_fen: anju_domain::Fen::ZERO,
                loans_issued: 1,
                loans_issued_fen: anju_domain::Fen::new(600_000_00),
                loan_balance_fen: anju_domain::Fen::new(590_000_00),
                overdue_principal_fen: anju_domain::Fen::new(1_000_00),
                deposit_balance_fen: anju_domain::Fen::new(300_00),
            },
        ];
        assert_eq!(figures, expected);
    })
}

/// What loan schedules still expect, by due day, and approved loans not yet
/// paid out.
pub fn loan_flows_for_the_forecast(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let mut active = imported(1, 1, LoanProduct::Personal, LoanStatus::Active);
        active.disbursed_on = Some(d("2026-06-01"));
        active.outstanding_fen = anju_domain::Fen::new(3_000_00);
        let mut second = imported(2, 2, LoanProduct::Personal, LoanStatus::Active);
        second.disbursed_on = Some(d("2026-06-01"));
        let mut settled = imported(3, 3, LoanProduct::Personal, LoanStatus::Settled);
        settled.disbursed_on = Some(d("2026-06-01"));
        let mut approved = imported(4, 4, LoanProduct::Personal, LoanStatus::Approved);
        approved.amount_fen = anju_domain::Fen::new(400_000_00);
        let mut contracted = imported(5, 5, LoanProduct::Personal, LoanStatus::Contracted);
        contracted.amount_fen = anju_domain::Fen::new(300_000_00);
        let mut first = imported(6, 6, LoanProduct::Personal, LoanStatus::FirstApproved);
        first.amount_fen = anju_domain::Fen::new(200_000_00);
        let submitted = imported(7, 7, LoanProduct::Personal, LoanStatus::Submitted);
        let rows = vec![
            due_row(1, 1, "2026-07-01", InstallmentStatus::Paid, 1_000_00),
            due_row(1, 2, "2026-08-01", InstallmentStatus::Due, 200_00),
            due_row(1, 3, "2026-09-01", InstallmentStatus::Due, 0),
            due_row(1, 4, "2026-10-01", InstallmentStatus::Due, 0),
            due_row(2, 1, "2026-09-01", InstallmentStatus::Overdue, 0),
            due_row(3, 1, "2026-08-01", InstallmentStatus::Due, 0),
        ];
        store
            .import_loans(
                &[
                    active, second, settled, approved, contracted, first, submitted,
                ],
                &rows,
            )
            .await
            .expect("import");
        assert_eq!(
            store
                .installments_due_between(d("2026-07-01"), d("2026-09-30"))
                .await
                .expect("due"),
            vec![
                // 1,100.00 less 200.00 principal paid.
                (d("2026-08-01"), 900_00),
                (d("2026-09-01"), 2_200_00),
            ]
        );
        assert_eq!(
            store
                .installments_due_between(d("2026-10-01"), d("2026-10-01"))
                .await
                .expect("due"),
            vec![(d("2026-10-01"), 1_100_00)]
        );
        assert!(
            store
                .installments_due_between(d("2026-11-01"), d("2027-12-31"))
                .await
                .expect("none")
                .is_empty()
        );
        assert_eq!(
            store.pending_disbursements_fen().await.expect("pending"),
            400_000_00 + 300_000_00 + 200_000_00
        );
    })
}

fn deposit(id: i64, kind: DepositKind, placed: &str, matures: Option<&str>) -> FundDepositRecord {
    FundDepositRecord {
        deposit_id: id,
        bank: "中国工商银行苏州分行".into(),
        kind,
        amount_fen: anju_domain::Fen::new(10_000_000_00 * id),
        rate_ppm: crate::contract::ppm(15_000),
        placed_on: d(placed),
        matures_on: matures.map(d),
        status: DepositStatus::Held,
        interest_fen: None,
        entry_id: None,
        note: format!("存款 {id}"),
        created_by: "finance-1".into(),
        created_at_us: 100 + id,
    }
}

fn input(id: i64, year: i32, key: &str, value: &str) -> FundInputRecord {
    FundInputRecord {
        input_id: id,
        year,
        key: key.into(),
        value_text: value.into(),
        entered_on: d("2026-03-01"),
        entered_by: "finance-1".into(),
        entered_at_us: 1_000 + id,
        note: format!("录入 {id}"),
    }
}

fn alert(id: i64, indicator: &str, on: &str) -> FundAlertRecord {
    FundAlertRecord {
        alert_id: id,
        indicator: indicator.into(),
        level: "严重".into(),
        value_ppm: 920_000,
        threshold_ppm: 900_000,
        message: format!("{indicator} {id}"),
        raised_on: d(on),
        cleared_on: None,
        acknowledged_by: None,
        acknowledged_at_us: None,
        ack_note: None,
    }
}

/// Deposits mature once; inputs keep their history in order.
pub fn fund_deposits_mature_once_and_inputs_keep_history(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let current = deposit(1, DepositKind::Current, "2026-01-05", None);
        let late = deposit(2, DepositKind::Time, "2026-02-01", Some("2026-08-01"));
        let early = deposit(3, DepositKind::Time, "2026-01-10", Some("2027-01-10"));
        for dep in [&late, &current, &early] {
            store.save_fund_deposit(dep).await.expect("save");
        }
        assert_eq!(
            store.fund_deposits().await.expect("list"),
            vec![current.clone(), early.clone(), late.clone()],
            "held first, by the day placed"
        );
        assert!(
            store
                .mature_fund_deposit(2, 1_234_56, 77)
                .await
                .expect("mature")
        );
        assert!(
            !store.mature_fund_deposit(2, 9_99, 78).await.expect("again"),
            "matured once"
        );
        assert!(!store.mature_fund_deposit(99, 1, 1).await.expect("unknown"));
        let matured = FundDepositRecord {
            status: DepositStatus::Matured,
            interest_fen: Some(anju_domain::Fen::new(1_234_56)),
            entry_id: Some(77),
            ..late
        };
        assert_eq!(
            store.fund_deposits().await.expect("list"),
            vec![current, early, matured]
        );

        let rows = [
            input(13, 2025, "a", "3"),
            input(10, 2025, "b", "x"),
            input(11, 2024, "a", "1"),
            input(12, 2025, "a", "2"),
            input(9, 2025, "b", "w"),
        ];
        for row in &rows {
            store.add_fund_input(row).await.expect("add");
        }
        let ids = |list: Vec<FundInputRecord>| list.iter().map(|i| i.input_id).collect::<Vec<_>>();
        assert_eq!(
            ids(store.fund_inputs(None).await.expect("all")),
            vec![11, 12, 13, 9, 10]
        );
        assert_eq!(
            ids(store.fund_inputs(Some(2025)).await.expect("2025")),
            vec![12, 13, 9, 10]
        );
        assert!(
            store
                .fund_inputs(Some(2023))
                .await
                .expect("none")
                .is_empty()
        );
        assert_eq!(
            store.fund_inputs(Some(2024)).await.expect("2024"),
            vec![rows[2].clone()],
            "read back as written"
        );
    })
}

/// One open alert per indicator; clearing leaves those still firing;
/// acknowledged once.
pub fn fund_alerts_open_once_clear_and_acknowledge(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        assert!(
            store
                .raise_fund_alert(&alert(1, "loan_ratio", "2026-03-01"))
                .await
                .expect("raise")
        );
        assert!(
            !store
                .raise_fund_alert(&alert(2, "loan_ratio", "2026-03-02"))
                .await
                .expect("again"),
            "one open alert per indicator"
        );
        assert!(
            store
                .raise_fund_alert(&alert(3, "bank_deposits", "2026-03-02"))
                .await
                .expect("raise")
        );
        let ids = |list: &[FundAlertRecord]| list.iter().map(|a| a.alert_id).collect::<Vec<_>>();
        let list = store.fund_alerts(10).await.expect("list");
        assert_eq!(ids(&list), vec![3, 1]);
        assert_eq!(list[1], alert(1, "loan_ratio", "2026-03-01"));

        let cleared = store
            .clear_fund_alerts(&["loan_ratio".to_string()], d("2026-03-05"))
            .await
            .expect("clear");
        assert_eq!(cleared, 1, "bank_deposits no longer fires");
        assert!(
            store
                .raise_fund_alert(&alert(4, "bank_deposits", "2026-03-06"))
                .await
                .expect("raise"),
            "a cleared indicator can alert again"
        );
        let list = store.fund_alerts(10).await.expect("list");
        assert_eq!(ids(&list), vec![4, 1, 3], "open first, newest first");
        assert_eq!(list[2].cleared_on, Some(d("2026-03-05")));
        assert_eq!(list[1].cleared_on, None);
        assert_eq!(
            ids(&store.fund_alerts(2).await.expect("limited")),
            vec![4, 1]
        );

        assert!(
            store
                .acknowledge_fund_alert(1, "risk-1", 5_000, "已约谈贷款部门")
                .await
                .expect("ack")
        );
        assert!(
            !store
                .acknowledge_fund_alert(1, "risk-2", 6_000, "再次")
                .await
                .expect("again")
        );
        assert!(
            !store
                .acknowledge_fund_alert(99, "risk-1", 6_000, "无")
                .await
                .expect("unknown")
        );
        let list = store.fund_alerts(10).await.expect("list");
        let acked = list.iter().find(|a| a.alert_id == 1).expect("alert 1");
        assert_eq!(
            (
                acked.acknowledged_by.as_deref(),
                acked.acknowledged_at_us,
                acked.ack_note.as_deref()
            ),
            (Some("risk-1"), Some(5_000), Some("已约谈贷款部门"))
        );
        assert_eq!(
            store
                .clear_fund_alerts(&[], d("2026-03-07"))
                .await
                .expect("clear all"),
            2
        );
        let list = store.fund_alerts(10).await.expect("list");
        assert!(list.iter().all(|a| a.cleared_on.is_some()));
        assert_eq!(
            store
                .clear_fund_alerts(&[], d("2026-03-08"))
                .await
                .expect("nothing open"),
            0
        );
    })
}

fn distribution_record(year: i32, value_added: i64, by: &str) -> DistributionRecord {
    DistributionRecord {
        year,
        status: DistributionStatus::Prepared,
        value_added_fen: anju_domain::Fen::new(value_added),
        reserve_fen: anju_domain::Fen::new(value_added * 6 / 10),
        management_fen: anju_domain::Fen::new(value_added * 3 / 10),
        public_rental_fen: anju_domain::Fen::new(
            value_added - value_added * 6 / 10 - value_added * 3 / 10,
        ),
        reserve_reason: "按增值收益的最低比例 60.00% 提取".into(),
        prepared_by: by.into(),
        prepared_at_us: 10,
        approved_by: None,
        approved_at_us: None,
        closing_entry_id: None,
        entry_id: None,
    }
}

/// Saved once a year, replaced while prepared, approved once.
pub fn distributions_are_prepared_then_approved_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        assert_eq!(store.distribution(2025).await.expect("none"), None);
        let first = distribution_record(2025, 1_000_00, "finance-1");
        assert!(
            !store
                .replace_prepared_distribution(&first)
                .await
                .expect("nothing to replace")
        );
        assert!(
            !store
                .approve_distribution(2025, "m", 1, None, 1)
                .await
                .expect("nothing to approve")
        );
        assert!(store.save_distribution(&first).await.expect("save"));
        assert!(
            !store
                .save_distribution(&distribution_record(2025, 5_00, "finance-2"))
                .await
                .expect("again"),
            "one per year"
        );
        assert_eq!(store.distribution(2025).await.expect("read"), Some(first));
        let second = DistributionRecord {
            prepared_at_us: 20,
            ..distribution_record(2025, 2_000_00, "finance-2")
        };
        assert!(
            store
                .replace_prepared_distribution(&second)
                .await
                .expect("replace")
        );
        assert_eq!(
            store.distribution(2025).await.expect("read"),
            Some(second.clone())
        );
        assert!(
            store
                .approve_distribution(2025, "manager-1", 30, Some(41), 42)
                .await
                .expect("approve")
        );
        assert!(
            !store
                .approve_distribution(2025, "manager-2", 31, None, 43)
                .await
                .expect("again"),
            "approved once"
        );
        assert!(
            !store
                .replace_prepared_distribution(&distribution_record(2025, 9_00, "finance-1"))
                .await
                .expect("approved stays"),
        );
        let approved = DistributionRecord {
            status: DistributionStatus::Approved,
            approved_by: Some("manager-1".into()),
            approved_at_us: Some(30),
            closing_entry_id: Some(41),
            entry_id: Some(42),
            ..second
        };
        assert_eq!(
            store.distribution(2025).await.expect("read"),
            Some(approved)
        );
        assert_eq!(store.distribution(2024).await.expect("other year"), None);
        assert!(
            store
                .save_distribution(&distribution_record(2024, 3_00, "finance-1"))
                .await
                .expect("another year")
        );
    })
}
