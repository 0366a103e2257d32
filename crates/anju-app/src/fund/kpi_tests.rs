//! The plan's KPI formulas on small hand-built ledgers, posted through the
//! use cases (and the store where a use case would need a whole month's
//! run): each expected figure is worked out by hand in the comments, to the
//! fen and the basis point, on fixed business dates. Each test fails on the
//! formula it replaced (the figure the old one gave is in the comment).

use super::*;
use crate::access::Principal;
use crate::loan::{LoanApplication, LoanRecord, PrepaymentRequest, ProjectLoanApplication};
use crate::test_support::{contribution, d, test_employer, yuan};
use crate::withdrawal::{RepaymentTerms, WithdrawalApplication};
use anju_domain::access::Channel;
use anju_domain::collection::BillStatus;
use anju_domain::fund::{KpiResult, KpiUnit};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::loan::{AfterPrepayment, LoanStatus, Method, PropertyKind};
use anju_domain::policy::EvidenceKind;
use anju_domain::withdrawal::{AgreementKind, WithdrawalRequest, WithdrawalStatus};
use anju_domain::{Period, RatePpm};
use anju_store::{BillLineRecord, BillRecord, MemberRecord, NewBase, WithdrawalRecord};

const EMPLOYER: i64 = 9;
const CARD: &str = "62220201000041234";
/// Ends 0000: the deduction simulator takes nothing from it.
const EMPTY_CARD: &str = "62220201000080000";
/// Ends 0001: the deduction simulator takes half of what is asked.
const HALF_CARD: &str = "6222020100000070001";
const SELLER: &str = "6222020100009874";

fn person(role: Role, login: &str, member_id: Option<i64>, employer_id: Option<i64>) -> Actor {
    let principal = Principal {
        user_id: 1,
        login: login.to_string(),
        display_name: login.to_string(),
        role,
        member_id,
        employer_id,
    };
    Actor::of(principal, "kpi-test", "local")
}

/// Members 1 and 2 apply for themselves, online.
fn member(id: i64) -> Actor {
    let id_card = ["320502199003071230", "320502199205101223"][(id - 1) as usize];
    person(Role::Member, id_card, Some(id), None)
}

fn agent() -> Actor {
    person(Role::EmployerAgent, "13800005678", None, Some(EMPLOYER))
}

fn staff(role: Role, login: &str) -> Actor {
    person(role, login, None, None)
}

fn batch() -> Actor {
    Actor::anonymous(Channel::Batch, "kpi-test", "local")
}

/// Employer 9 with members 1 and 2 (born 1990 and 1992), accounts opened
/// on `opened`, each credited ¥2,000.00 汇缴 on the 10th of every month
/// from `first` to `last` (an older system's postings: no bills, so not in
/// the collection K10 and K02 count, but in the balance and the months a
/// loan needs).
async fn centre(dir: &tempfile::TempDir, opened: &str, months: Option<(u32, u32)>) -> App {
    let app = crate::test_support::sqlite_app(dir, "kpi.db").await;
    test_employer(&app, EMPLOYER, "91320500MA1000009X").await;
    let wage = yuan("10000.00");
    let record = |member_id, id_card: &str| {
        MemberRecord::active(member_id, id_card, "王强", EMPLOYER, wage, 1)
    };
    app.collection_port()
        .enrol_members(
            &[
                record(1, "320502199003071230"),
                record(2, "320502199205101223"),
            ],
            d(opened),
        )
        .await
        .expect("enrol");
    if let Some((first, last)) = months {
        seed(&app, first, last).await;
    }
    app
}

async fn seed(app: &App, first: u32, last: u32) {
    let mut entries = Vec::new();
    let mut period = Period::from_yyyymm(first).expect("period");
    while period.yyyymm() <= last {
        for m in [1, 2] {
            let key = format!("seed-{m}-{}", period.yyyymm());
            let on = period.first_day().expect("day").add_days(9).expect("10th");
            entries.push(contribution(m, on, &key, yuan("2000.00")));
        }
        period = period.next().expect("next");
    }
    app.ledger().post_entries(&entries).await.expect("seed");
}

/// A monthly bill of `each` (half employer, half member) for members 1 and
/// 2, paid through the bank on `on` by `payer` (the 汇缴 use case).
async fn paid_bill(app: &App, bill_id: i64, period: i32, each: &str, on: &str, payer: &Actor) {
    let each = yuan(each).get();
    let total = anju_domain::Fen::new(2 * each);
    let bill = BillRecord::open_remittance(bill_id, EMPLOYER, period, d(on), total, 2, 1);
    let line = |line_no: i32, member_id: i64| BillLineRecord {
        line_no,
        member_id,
        base_fen: anju_domain::Fen::new(each * 5),
        employer_fen: anju_domain::Fen::new(each / 2),
        member_fen: anju_domain::Fen::new(each - each / 2),
    };
    app.collection_port()
        .save_bill(&bill, &[line(1, 1), line(2, 2)])
        .await
        .expect("bill");
    let paid = app
        .collection()
        .pay_bill(payer, bill_id, "bank", d(on))
        .await
        .expect("pay");
    assert_eq!(paid.status, BillStatus::Paid);
}

fn loan_application(key: &str, amount: &str, repay_card: &str, entrusted: bool) -> LoanApplication {
    LoanApplication {
        request_key: key.into(),
        co_borrower_id_cards: Vec::new(),
        property_kind: PropertyKind::SecondHand,
        property_address: "苏州市姑苏区示范路 1 号 101 室".into(),
        price: yuan("1000000.00"),
        appraisal: None,
        area_centi_m2: 89_50,
        monthly_income: yuan("20000.00"),
        amount: yuan(amount),
        months: 120,
        method: Method::EqualPrincipal,
        seller_name: "李卖".into(),
        seller_account: SELLER.into(),
        repay_card: repay_card.into(),
        entrusted,
        remote: None,
        commercial: None,
    }
}

/// Member 1 applies online; a clerk reviews, a reviewer approves, the
/// contract is signed and finance disburses, all on `on`.
async fn personal_loan(app: &App, a: LoanApplication, on: &str) -> LoanRecord {
    let loan = app
        .loans()
        .apply_loan(&member(1), 1, a, d(on))
        .await
        .expect("apply");
    let id = loan.loan_id;
    let loans = app.loans();
    loans
        .review_loan(&staff(Role::Clerk, "clerk-1"), id, "材料齐全")
        .await
        .expect("review");
    loans
        .approve_loan(
            &staff(Role::Reviewer, "reviewer-1"),
            id,
            "同意",
            d("2026-12-01"),
        )
        .await
        .expect("approve");
    loans
        .sign_loan_contract(&staff(Role::Clerk, "clerk-1"), id, "苏(2025)抵押 1", d(on))
        .await
        .expect("contract");
    loans
        .disburse_loan(&staff(Role::Finance, "finance-1"), id, d(on))
        .await
        .expect("disburse")
}

/// A project loan entered, approved (by a second person, and a manager
/// when the amount asks for it), signed and disbursed on `on`.
async fn project_loan(app: &App, key: &str, amount: &str, account: &str, on: &str) {
    let application = ProjectLoanApplication {
        request_key: key.into(),
        project_name: "苏州市相城区公租房二期".into(),
        borrower_name: "苏州市安居建设有限公司".into(),
        account: account.into(),
        amount: yuan(amount),
        months: 60,
        rate: RatePpm::parse_percent("2.60").expect("rate"),
        method: Method::EqualPrincipal,
    };
    let loans = app.loans();
    let loan = loans
        .enter_project_loan(&staff(Role::Reviewer, "reviewer-1"), application, d(on))
        .await
        .expect("enter");
    let approved = loans
        .approve_loan(
            &staff(Role::Reviewer, "reviewer-2"),
            loan.loan_id,
            "",
            d("2026-12-01"),
        )
        .await
        .expect("approve");
    if approved.status != LoanStatus::Approved {
        loans
            .approve_loan(
                &staff(Role::Manager, "manager-1"),
                loan.loan_id,
                "",
                d("2026-12-01"),
            )
            .await
            .expect("second approval");
    }
    loans
        .sign_loan_contract(
            &staff(Role::Clerk, "clerk-1"),
            loan.loan_id,
            "项目抵押",
            d(on),
        )
        .await
        .expect("contract");
    loans
        .disburse_loan(&staff(Role::Finance, "finance-1"), loan.loan_id, d(on))
        .await
        .expect("disburse");
}

/// The KPI `id` of `year` on the cockpit as of `today`, as shown.
async fn shown(app: &App, year: i32, today: &str, id: &str) -> Option<String> {
    let cockpit = app
        .fund()
        .kpi_cockpit(year, d(today))
        .await
        .expect("cockpit");
    let result: &KpiResult = cockpit
        .years
        .iter()
        .find(|y| y.year == year)
        .and_then(|y| y.results.iter().find(|r| r.id == id))
        .expect("the year's KPI");
    result.value.as_ref().map(|v| v.text(result.unit))
}

/// A withdrawal paid for reason 09 (illness: not housing), through the
/// register as the payout use case writes it.
async fn illness_withdrawal(app: &App, member_id: i64, amount: &str, on: &str) {
    let fen = yuan(amount);
    let record = WithdrawalRecord {
        withdrawal_id: 70,
        member_id,
        reason: "09".into(),
        amount_fen: fen,
        months: 1,
        evidence_kind: EvidenceKind::None,
        evidence_no: None,
        evidence_date: None,
        evidence_amount_fen: Some(fen),
        status: WithdrawalStatus::Submitted,
        channel: "counter".into(),
        applied_on: d(on),
        applicant: "clerk-1".into(),
        rule: "大病医疗".into(),
        needs_second: false,
        closes_account: false,
        bank_card: CARD.into(),
        prepared_by: None,
        approved_by: None,
        note: String::new(),
        payout_reference: None,
        entry_id: None,
        request_key: "illness-70".into(),
        updated_at_us: 1,
        facts_source: String::new(),
        verification: None,
        verified_by: None,
    };
    app.withdrawal_port()
        .submit_withdrawal(&record, &[], false)
        .await
        .expect("submit");
    assert!(
        app.withdrawal_port()
            .approve_withdrawal(70, WithdrawalStatus::Submitted, "reviewer-1", "")
            .await
            .expect("approve")
    );
    let entry = NewEntry::new(
        "C11",
        d(on),
        IdempotencyKey::parse("withdrawal-70").expect("key"),
        "部分提取（原因 09）",
        vec![
            Line::debit("201", fen).for_member(MemberId(member_id)),
            Line::credit("101", fen),
        ],
    )
    .expect("entry");
    let posted = app.ledger().post_entry(entry).await.expect("post");
    assert!(
        app.withdrawal_port()
            .settle_withdrawal(70, true, "PAY-70", Some(posted.entry_id.0))
            .await
            .expect("settle")
    );
}

/// K10 提取率 and K11 住房消费类提取率 count a loan repaid straight from the
/// HPF balance once, as reason 06, and so do the cumulative withdrawals.
///
/// 2025, members 1 and 2 (¥12,000.00 each from July–December 2024):
/// - 01-10 January's bill paid: 2 × ¥8,000.00 = ¥16,000.00 collected;
/// - 01-06 member 1's loan, ¥120,000.00, 120 months equal principal at
///   2.85% (first home over five years, rates of 2024-05-18), entrusted;
/// - 02-06 the run takes the first installment from the HPF balance:
///   principal 120,000.00 ÷ 120 = 1,000.00, interest 120,000.00 × 2.85% ÷
///   12 = 285.00, ¥1,285.00 posted L05 Dr 201 / Cr 121 + 40103;
/// - 02-06 member 1 prepays ¥5,000.00 from the balance (no day since the
///   installment, no interest): L05 Dr 201 / Cr 121 ¥5,000.00;
/// - 02-20 member 2's 委托提取还贷 for a commercial loan: a reason-06
///   withdrawal of ¥1,500.00 paid to the card (C11);
/// - 02-25 member 2's reason-09 withdrawal (illness) of ¥2,215.00 (C11).
///
/// Withdrawn 1,285.00 + 5,000.00 + 1,500.00 + 2,215.00 = ¥10,000.00, of
/// which housing (06) 7,785.00: K10 = 10,000 ÷ 16,000 = 62.50%, K11 =
/// 7,785 ÷ 10,000 = 77.85%, 提取总额 ¥10,000.00. The register alone (the
/// old formula) gave 3,715 ÷ 16,000 = 23.22%, 1,500 ÷ 3,715 = 40.38% and
/// ¥3,715.00.
#[tokio::test]
async fn k10_k11_count_a_repayment_from_the_hpf_balance_once_as_reason_06() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir, "2024-06-01", Some((202407, 202412))).await;
    let loan = personal_loan(
        &app,
        loan_application("k10", "120000.00", CARD, true),
        "2025-01-06",
    )
    .await;
    assert_eq!(loan.rate_ppm.ppm(), 28_500, "2.85%");
    paid_bill(&app, 100, 202501, "8000.00", "2025-01-10", &agent()).await;
    let run = app
        .loans()
        .run_repayments(d("2025-02-06"))
        .await
        .expect("run");
    assert_eq!(
        (run.collected_fen, run.principal_fen, run.interest_fen),
        (1_285_00, 1_000_00, 285_00)
    );
    let prepay = PrepaymentRequest {
        request_key: "p1".into(),
        amount: yuan("5000.00"),
        choice: AfterPrepayment::ShorterTerm,
        from_hpf: true,
    };
    app.loans()
        .prepay_loan(&member(1), loan.loan_id, prepay, d("2025-02-06"))
        .await
        .expect("prepay");
    let terms = RepaymentTerms {
        kind: AgreementKind::Commercial,
        lender: "中国工商银行苏州分行".into(),
        loan_contract_no: "GH-2025-01".into(),
        monthly: yuan("1500.00"),
        pay_day: 20,
        bank_card: CARD.into(),
        ends_on: d("2045-01-31"),
    };
    app.withdrawals()
        .sign_repayment_agreement(&member(2), 2, &terms, d("2025-02-01"))
        .await
        .expect("sign");
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch(), d("2025-02-20"))
        .await
        .expect("repayment day");
    assert_eq!((day.paid, day.total), (1, yuan("1500.00")));
    illness_withdrawal(&app, 2, "2215.00", "2025-02-25").await;

    let k = app
        .withdrawals()
        .withdrawal_indicators(d("2025-01-01"), d("2025-02-28"))
        .await
        .expect("indicators");
    assert_eq!(
        (k.repaid_from_balance, k.withdrawn, k.housing, k.collected),
        (
            yuan("6285.00"),
            yuan("10000.00"),
            yuan("7785.00"),
            yuan("16000.00")
        )
    );
    let today = "2025-02-28";
    assert_eq!(
        shown(&app, 2025, today, "K10").await.as_deref(),
        Some("62.50%")
    );
    assert_eq!(
        shown(&app, 2025, today, "K11").await.as_deref(),
        Some("77.85%")
    );
    let figures = app.fund().year_figures(2025, d(today)).await.expect("year");
    assert_eq!(figures.cumulative_withdrawals_fen, 10_000_00);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// K13 个人贷款逾期率 is the personal book's, as at each year end.
///
/// - 2025-11-05 member 1's loan, ¥120,000.00, 120 months equal principal,
///   repaid from a card the bank refuses; a project loan of ¥600,000.00
///   over 60 months at 2.60%, repaid from an account the bank pays half;
/// - 2025-12-05 the run: the personal installment's 1,000.00 principal
///   goes overdue; the project's owes 10,000.00 + 600,000.00 × 2.60% ÷ 12
///   = 1,300.00, half (5,650.00) is paid — interest 1,300.00 first, then
///   4,350.00 principal — and 5,650.00 goes overdue;
/// - 2026-02-01 another project loan of ¥900,000.00.
///
/// At 2025-12-31 the personal book is 119,000.00 (121) + 1,000.00 (122) =
/// ¥120,000.00, overdue ¥1,000.00: K13 = 1,000 ÷ 120,000 = 8.333‰. The old
/// formula took 122 whole (1,000.00 + 5,650.00) over GL 121 + 122
/// (120,000.00 + 595,650.00) less the project book as it stands in 2026
/// (595,650.00 + 900,000.00): 6,650 ÷ −780,000.
#[tokio::test]
async fn k13_is_the_personal_book_at_each_year_end() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir, "2024-06-01", Some((202407, 202510))).await;
    personal_loan(
        &app,
        loan_application("k13", "120000.00", EMPTY_CARD, false),
        "2025-11-05",
    )
    .await;
    project_loan(&app, "gzf-1", "600000.00", HALF_CARD, "2025-11-05").await;
    let run = app
        .loans()
        .run_repayments(d("2025-12-05"))
        .await
        .expect("run");
    assert_eq!(run.newly_overdue_fen, 1_000_00 + 5_650_00);
    project_loan(&app, "gzf-2", "900000.00", CARD, "2026-02-01").await;

    let figures = app
        .fund()
        .year_figures(2025, d("2026-03-01"))
        .await
        .expect("2025");
    assert_eq!(
        (
            figures.loan_balance_fen,
            figures.overdue_principal_fen,
            figures.project_loan_balance_fen
        ),
        (120_000_00, 1_000_00, 595_650_00)
    );
    assert_eq!(
        shown(&app, 2025, "2026-03-01", "K13").await.as_deref(),
        Some("8.333‰")
    );
}

/// K02 归集额年均增长率 is the plan's average a year since 2020.
///
/// Collected (bills paid): 2020 ¥10,000.00, 2021 ¥11,500.00, 2022
/// ¥12,100.00, 2023 ¥13,000.00.
/// - 2021: 11,500 ÷ 10,000 − 1 = 15.00%;
/// - 2022: √(12,100 ÷ 10,000) − 1 = √1.21 − 1 = 10.00% (last year's growth,
///   the old formula: 12,100 ÷ 11,500 − 1 = 5.22%);
/// - 2023: ∛1.3 − 1 = 9.139…%: 1.09135³ = 1.299847 ≤ 1.3 < 1.09145³ =
///   1.300204, so 9.14% (old: 13,000 ÷ 12,100 − 1 = 7.44%).
/// Without the 2020 bill in the ledger, a typed 2020 collection (a yearly
/// total) is the baseline; with neither there is no data.
#[tokio::test]
async fn k02_is_the_average_yearly_growth_since_2020() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir, "2019-12-01", None).await;
    // Half of each bill per member.
    paid_bill(&app, 100, 202006, "5000.00", "2020-06-10", &agent()).await;
    paid_bill(&app, 101, 202106, "5750.00", "2021-06-10", &agent()).await;
    paid_bill(&app, 102, 202206, "6050.00", "2022-06-10", &agent()).await;
    paid_bill(&app, 103, 202306, "6500.00", "2023-06-10", &agent()).await;
    let today = "2023-12-31";
    assert_eq!(
        shown(&app, 2021, today, "K02").await.as_deref(),
        Some("15.00%")
    );
    assert_eq!(
        shown(&app, 2022, today, "K02").await.as_deref(),
        Some("10.00%")
    );
    assert_eq!(
        shown(&app, 2023, today, "K02").await.as_deref(),
        Some("9.14%")
    );
    // By month: June 2022's year to date against January–June 2020.
    let months = app
        .fund()
        .kpi_months(2022, d("2022-06-30"))
        .await
        .expect("months");
    let june = months[5]
        .results
        .iter()
        .find(|r| r.id == "K02")
        .and_then(|r| r.value.as_ref())
        .map(|v| v.text(KpiUnit::Percent));
    assert_eq!(june.as_deref(), Some("10.00%"));

    // A centre whose ledger starts in 2021: the 2020 collection typed in.
    let dir = tempfile::tempdir().expect("dir");
    let typed = centre(&dir, "2020-12-01", None).await;
    paid_bill(&typed, 101, 202106, "5750.00", "2021-06-10", &agent()).await;
    paid_bill(&typed, 102, 202206, "6050.00", "2022-06-10", &agent()).await;
    assert_eq!(shown(&typed, 2022, today, "K02").await, None);
    let finance = staff(Role::Finance, "finance-1");
    typed
        .fund()
        .enter_fund_input(
            &finance,
            2020,
            "collection",
            "10000.00",
            "2020年报",
            d(today),
        )
        .await
        .expect("baseline");
    assert_eq!(
        shown(&typed, 2022, today, "K02").await.as_deref(),
        Some("10.00%")
    );
}

/// K18 不见面办理率 counts services completed, by the channel each was
/// applied through — not audit rows.
///
/// In 2025: January's bill paid by the employer's agent online, February's
/// by a clerk at the counter and March's by the batch (left out); the
/// base filing by the agent online; member 1's rent applied for online and
/// paid after a clerk's review (online still); member 2's rent applied at
/// the counter; member 1's loan applied for online, reviewed, approved and
/// disbursed by staff (online); a refused application and a batch run's
/// audit rows count for nothing. Online 4 (bill, filing, rent, loan) of 6:
/// 66.67%. The audit rows (the old formula) gave 5 ÷ 12 = 41.67%: the
/// staff's review, approval, contract and disbursement of the online loan
/// and the review of the online rent counted as counter work, the refused
/// application as online work.
#[tokio::test]
async fn k18_counts_services_completed_by_the_channel_applied_through() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir, "2024-06-01", Some((202407, 202507))).await;
    let clerk = staff(Role::Clerk, "clerk-1");
    paid_bill(&app, 100, 202501, "2000.00", "2025-01-10", &agent()).await;
    paid_bill(&app, 101, 202502, "2000.00", "2025-02-10", &clerk).await;
    paid_bill(&app, 102, 202503, "2000.00", "2025-03-10", &batch()).await;
    let bases = [
        NewBase {
            member_id: 1,
            wage_fen: anju_domain::Fen::new(10_000_00),
        },
        NewBase {
            member_id: 2,
            wage_fen: anju_domain::Fen::new(10_000_00),
        },
    ];
    app.collection()
        .file_bases(&agent(), EMPLOYER, 2025, &bases, d("2025-07-10"))
        .await
        .expect("bases");
    let rent = |key: &str| WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "07".into(),
            amount: yuan("1000.00"),
            months: 1,
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: Vec::new(),
        request_key: key.into(),
    };
    let online = app
        .withdrawals()
        .apply_withdrawal(&member(1), 1, rent("r1"), d("2025-07-15"))
        .await
        .expect("apply online");
    let paid = app
        .withdrawals()
        .prepare_withdrawal(&clerk, online.withdrawal_id, "核对无误", d("2025-07-15"))
        .await
        .expect("review");
    assert_eq!(paid.status, WithdrawalStatus::Paid);
    let counter = app
        .withdrawals()
        .apply_withdrawal(&clerk, 2, rent("r2"), d("2025-07-16"))
        .await
        .expect("apply at the counter");
    if counter.status != WithdrawalStatus::Paid {
        app.withdrawals()
            .approve_withdrawal(
                &staff(Role::Reviewer, "reviewer-1"),
                counter.withdrawal_id,
                "同意",
                d("2025-07-16"),
            )
            .await
            .expect("approve");
    }
    let refused = app
        .withdrawals()
        .apply_withdrawal(&member(1), 2, rent("r3"), d("2025-07-16"))
        .await;
    assert!(refused.is_err(), "a member applies only for themselves");
    personal_loan(
        &app,
        loan_application("k18", "100000.00", CARD, false),
        "2025-08-01",
    )
    .await;
    app.loans()
        .run_repayments(d("2025-09-01"))
        .await
        .expect("run");

    let services = app
        .fund()
        .service_channels(d("2025-01-01"), d("2025-12-31"))
        .await
        .expect("services");
    assert_eq!((services.online, services.all), (4, 6));
    assert_eq!(
        shown(&app, 2025, "2025-12-31", "K18").await.as_deref(),
        Some("66.67%")
    );
}
