use super::*;
use crate::registries::sim::{Couple, Person};
use crate::registries::{OutstandingLoan, Registries, RegistryData, SimulatedRegistries};
use crate::test_support::{clerk, contribution, d, finance, person, reviewer, sqlite_app, yuan};
use anju_domain::facts::Party;
use anju_domain::loan::AfterPrepayment;
use anju_domain::loan::CreditGrade;
use anju_domain::loan::Grade;
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanEventKind;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::Method;
use anju_domain::loan::PropertyKind;
use anju_store::MemberRecord;
use std::sync::Arc;

const CARD: &str = "62220201000041234";
/// Luhn-valid, ending 0000: the deduction simulator's bank refuses it.
const EMPTY_CARD: &str = "62220201000080000";
/// Luhn-valid, ending 0001: the simulator takes half.
const HALF_CARD: &str = "6222020100000070001";
const SELLER: &str = "6222020100009874";

fn member(id: i64) -> Actor {
    person(Role::Member, &format!("member-{id}"), Some(id))
}

/// Members 1 and 2 (born 1990) contributed ¥1,000.00 each month from July
/// 2024 to November 2026; member 3 only since September 2026.
/// Members 1 and 2 are married (by the simulated marriage register);
/// nobody has an HPF loan elsewhere; everyone is graded A.
fn registers() -> Arc<SimulatedRegistries> {
    let person = |id: &str, name: &str| Person {
        id_card: IdCardNo::parse(id).expect("id"),
        name: name.to_string(),
    };
    Arc::new(SimulatedRegistries::new(RegistryData {
        couples: vec![Couple {
            one: person("320502199003071230", "王强"),
            other: person("320502199205101223", "王丽"),
            married_on: d("2019-10-01"),
            certificate_no: "J320502-2019-000777".into(),
        }],
        ..RegistryData::default()
    }))
}

async fn centre(dir: &tempfile::TempDir) -> App {
    centre_with(dir, registers()).await
}

async fn centre_with(dir: &tempfile::TempDir, registers: Arc<SimulatedRegistries>) -> App {
    let app = sqlite_app(dir, "l.db")
        .await
        .with_registries(Registries::all(registers, true));
    let wage = yuan("10000.00");
    let record =
        |member_id, id_card: &str| MemberRecord::active(member_id, id_card, "王强", 9, wage, 1);
    let members = [
        record(1, "320502199003071230"),
        record(2, "320502199205101223"),
        record(3, "320502199507153010"),
    ];
    app.collection_port()
        .enrol_members(&members, d("2024-07-01"))
        .await
        .expect("enrol");
    let mut entries = Vec::new();
    for (m, first) in [(1, (2024, 7)), (2, (2024, 7)), (3, (2026, 9))] {
        let (mut y, mut mo) = first;
        while (y, mo) <= (2026, 11) {
            let date = Date::from_ymd(y, mo, 10).expect("date");
            let key = format!("seed-{m}-{y}{mo:02}");
            entries.push(contribution(m, date, &key, yuan("1000.00")));
            (y, mo) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
        }
    }
    app.ledger().post_entries(&entries).await.expect("seed");
    app
}

fn application(key: &str, amount: &str, months: u32) -> LoanApplication {
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
        months,
        method: Method::Annuity,
        seller_name: "李卖".into(),
        seller_account: SELLER.into(),
        repay_card: CARD.into(),
        entrusted: false,
        remote: None,
        commercial: None,
    }
}

/// Applies, reviews, approves, signs and disburses on `day`.
async fn disbursed(app: &App, m: i64, a: LoanApplication, day: Date) -> LoanRecord {
    let loan = app
        .loans()
        .apply_loan(&member(m), m, a, day)
        .await
        .expect("apply");
    app.loans()
        .review_loan(&clerk(), loan.loan_id, "材料齐全")
        .await
        .expect("review");
    app.loans()
        .approve_loan(&reviewer(), loan.loan_id, "同意", day)
        .await
        .expect("approve");
    app.loans()
        .sign_loan_contract(&clerk(), loan.loan_id, "苏(2026)不动产证明第0001号", day)
        .await
        .expect("contract");
    app.loans()
        .disburse_loan(&finance(), loan.loan_id, day)
        .await
        .expect("disburse")
}

async fn gl(app: &App, code: &str, day: &str) -> i64 {
    app.ledger_port()
        .gl_net_as_of(code, d(day))
        .await
        .expect("gl")
        .get()
}

async fn entries(app: &App) -> i64 {
    app.ledger().check_ledger().await.expect("check").entries
}

#[tokio::test]
async fn a_loan_is_reviewed_approved_by_another_and_disbursed_to_the_seller() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let day = d("2026-11-29");
    let check = app
        .loans()
        .assess_loan(1, &application("k", "300000.00", 240), day)
        .await
        .expect("assess");
    assert!(check.allowed(), "{:?}", check.eligibility.refusals);
    // 29 months × ¥1,000 = ¥29,000 × 15 = ¥435,000: the balance cap binds.
    assert_eq!(check.limit.binding, loan::CapKind::Balance);
    assert_eq!(check.limit.limit, yuan("435000.00"));
    assert_eq!(check.rate.to_string(), "2.60%");

    let loan = app
        .loans()
        .apply_loan(&member(1), 1, application("k", "300000.00", 240), day)
        .await
        .expect("apply");
    assert_eq!(loan.status, LoanStatus::Submitted);
    let again = app
        .loans()
        .apply_loan(&member(1), 1, application("k", "300000.00", 240), day)
        .await
        .expect("same key");
    assert_eq!(again.loan_id, loan.loan_id);
    let e = app
        .loans()
        .approve_loan(&clerk(), loan.loan_id, "", d("2026-12-01"))
        .await
        .expect_err("a clerk does not approve");
    assert_eq!(e.code(), Some("NOT_PERMITTED"));
    app.loans()
        .review_loan(&reviewer(), loan.loan_id, "")
        .await
        .expect("review");
    let e = app
        .loans()
        .approve_loan(&reviewer(), loan.loan_id, "", d("2026-12-01"))
        .await
        .expect_err("not the same person");
    assert_eq!(e.code(), Some("SELF_APPROVAL"));
    // DK01: accepted Sunday 29 November, due on the 15th working day
    // after (18 December); open until approved, refusals leave it open.
    let work = || async {
        let kind = anju_domain::service_times::WorkKind::Loan;
        let item = app.work_port().work_item(kind, loan.loan_id).await;
        item.expect("read").expect("clocked")
    };
    let open = work().await;
    assert_eq!((open.due_on, open.completed_on), (d("2026-12-18"), None));
    let other = person(Role::Manager, "manager-1", None);
    app.loans()
        .approve_loan(&other, loan.loan_id, "", d("2026-12-01"))
        .await
        .expect("approve");
    assert_eq!(work().await.completed_on, Some(d("2026-12-01")));
    let e = app
        .loans()
        .disburse_loan(&finance(), loan.loan_id, day)
        .await
        .expect_err("no contract yet");
    assert_eq!(e.code(), Some("LOAN_STATE"));
    app.loans()
        .sign_loan_contract(&clerk(), loan.loan_id, "苏(2026)第1号", day)
        .await
        .expect("contract");
    let active = app
        .loans()
        .disburse_loan(&finance(), loan.loan_id, day)
        .await
        .expect("disburse");
    assert_eq!(active.status, LoanStatus::Active);
    assert_eq!(
        active.outstanding_fen,
        anju_domain::Fen::new(yuan("300000.00").get())
    );
    assert_eq!(gl(&app, "121", "2026-11-29").await, yuan("300000.00").get());
    let rows = app
        .loan_port()
        .installments(loan.loan_id)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 240);
    assert_eq!(rows[0].due_date, d("2026-12-29"));
    let sum: i64 = rows.iter().map(|r| r.principal_fen.get()).sum();
    assert_eq!(sum, active.amount_fen.get());
    // The member now has an HPF loan: a second one is refused.
    let e = app
        .loans()
        .apply_loan(&member(1), 1, application("k2", "100000.00", 120), day)
        .await
        .expect_err("second while the first is outstanding");
    assert_eq!(e.code(), Some("LOAN_NOT_ELIGIBLE"));
    assert!(app.loans().has_hpf_loan(1).await.expect("has"));

    // `anju check` ties the loan book to GL 121 + 122.
    assert!(app.ledger().check_ledger().await.expect("check").is_ok());
    app.loan_port()
        .adjust_outstanding(active.loan_id, 1)
        .await
        .expect("corrupt");
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(!check.is_ok());
    assert!(check.render().contains("FAIL] Σ loans outstanding"));
}

#[tokio::test]
async fn ineligible_and_over_limit_applications_write_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let day = d("2026-11-29");
    let e = app
        .loans()
        .apply_loan(&member(3), 3, application("a", "10000.00", 60), day)
        .await
        .expect_err("three months of contributions");
    assert_eq!(e.code(), Some("LOAN_NOT_ELIGIBLE"));
    assert!(e.to_string().contains("连续足额缴存 6 个月"), "{e}");
    let e = app
        .loans()
        .apply_loan(&member(1), 1, application("b", "500000.00", 240), day)
        .await
        .expect_err("over the balance cap");
    assert!(e.to_string().contains("超过可贷额度"), "{e}");
    let mut bad = application("c", "100000.00", 120);
    bad.repay_card = "62220201000041235".into();
    assert!(
        app.loans()
            .apply_loan(&member(1), 1, bad, day)
            .await
            .is_err()
    );
    let e = app
        .loans()
        .apply_loan(&member(2), 1, application("d", "100000.00", 120), day)
        .await
        .expect_err("someone else's name");
    assert_eq!(e.code(), Some("LOAN_SCOPE"));
    assert!(app.loans().loans_of(1).await.expect("loans").is_empty());
}

#[tokio::test]
async fn a_family_loan_above_the_limit_needs_a_manager_second() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    // Raise member 1's balance with a back payment so the caps allow ¥1.2M.
    let lines = vec![
        Line::debit("101", yuan("60000.00")),
        Line::credit("201", yuan("60000.00")).for_member(MemberId(1)),
    ];
    let key = IdempotencyKey::parse("backpay").expect("key");
    app.ledger()
        .post_entry(NewEntry::new("C02", d("2026-11-10"), key, "补缴", lines).expect("e"))
        .await
        .expect("post");
    let mut a = application("big", "1200000.00", 300);
    a.co_borrower_id_cards = vec!["320502199205101223".into()];
    a.price = yuan("2000000.00");
    a.monthly_income = yuan("40000.00");
    let loan = app
        .loans()
        .apply_loan(&member(1), 1, a, d("2026-11-29"))
        .await
        .expect("apply");
    assert!(loan.needs_second && loan.family);
    // The co-borrower has not said yes: no review yet, and nobody else may
    // say it for them.
    let early = app
        .loans()
        .review_loan(&clerk(), loan.loan_id, "")
        .await
        .expect_err("consent first");
    assert_eq!(early.code(), Some("CO_BORROWER_CONSENT"));
    for someone_else in [member(1), clerk()] {
        let e = app
            .loans()
            .consent_to_loan(&someone_else, loan.loan_id, d("2026-11-29"))
            .await
            .expect_err("only the co-borrower");
        assert_eq!(e.code(), Some("CO_BORROWER_CONSENT"));
    }
    let awaited = app.loans().consents_awaited(2).await.expect("awaited");
    assert_eq!(awaited.len(), 1, "member 2 sees the loan waiting for them");
    app.loans()
        .consent_to_loan(&member(2), loan.loan_id, d("2026-11-29"))
        .await
        .expect("consent");
    assert!(
        app.loans()
            .consents_awaited(2)
            .await
            .expect("awaited")
            .is_empty()
    );
    let missing = app
        .loans()
        .consents_missing_of(&[loan.loan_id])
        .await
        .expect("m");
    assert_eq!(missing.get(&loan.loan_id).copied().unwrap_or(0), 0);
    app.loans()
        .review_loan(&clerk(), loan.loan_id, "")
        .await
        .expect("review");
    let first = app
        .loans()
        .approve_loan(&reviewer(), loan.loan_id, "", d("2026-12-01"))
        .await
        .expect("first");
    assert_eq!(first.status, LoanStatus::FirstApproved);
    let another_reviewer = person(Role::Reviewer, "reviewer-2", None);
    let e = app
        .loans()
        .approve_loan(&another_reviewer, loan.loan_id, "", d("2026-12-01"))
        .await
        .expect_err("a manager approves second");
    assert_eq!(e.code(), Some("NOT_A_MANAGER"));
    let second = app
        .loans()
        .approve_loan(
            &person(Role::Manager, "manager-1", None),
            loan.loan_id,
            "",
            d("2026-12-01"),
        )
        .await
        .expect("second");
    assert_eq!(second.status, LoanStatus::Approved);
    // The co-borrower is on the loan: their own loans list shows it.
    assert_eq!(app.loans().loans_of(2).await.expect("loans").len(), 1);
}

#[tokio::test]
async fn repayment_runs_collect_once_and_shortfalls_go_overdue_with_penalty() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let loan = disbursed(&app, 1, application("k", "300000.00", 240), d("2026-11-29")).await;
    let id = loan.loan_id;
    let rows = app.loan_port().installments(id).await.expect("rows");

    let first = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!((first.loans, first.paid_in_full, first.entries), (1, 1, 1));
    assert_eq!(
        first.collected_fen,
        rows[0].principal_fen.get() + rows[0].interest_fen.get()
    );
    let posted = entries(&app).await;
    let again = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("rerun");
    assert_eq!(again.loans, 0);
    assert_eq!(entries(&app).await, posted, "a rerun posts nothing new");

    // The second month the bank refuses; the run is five days late.
    app.loans()
        .change_repay_card(&member(1), id, EMPTY_CARD)
        .await
        .expect("card");
    let second = app
        .loans()
        .run_repayments(d("2027-02-03"))
        .await
        .expect("run 2");
    assert_eq!((second.unpaid, second.entries), (1, 1));
    assert_eq!(second.newly_overdue_fen, rows[1].principal_fen.get());
    let account = app
        .loans()
        .loan_account(&member(1), id, d("2027-02-03"))
        .await
        .expect("account");
    assert_eq!(account.loan.overdue_principal_fen, rows[1].principal_fen);
    assert_eq!(account.loan.overdue_since, Some(d("2027-01-29")));
    assert_eq!(account.loan.grade, Grade::Attention);
    assert_eq!(
        (
            account.loan.consecutive_overdue,
            account.loan.cumulative_overdue
        ),
        (1, 1)
    );
    let expected = anju_domain::loan::penalty_interest(
        rows[1].principal_fen,
        RatePpm::new(loan.rate_ppm.ppm()).expect("rate"),
        50,
        5,
    )
    .expect("penalty");
    assert!(expected.is_positive());
    assert_eq!(account.penalty_to_date, expected);
    assert_eq!(
        gl(&app, "122", "2027-02-03").await,
        rows[1].principal_fen.get(),
        "overdue principal moved to 122"
    );
    let risk = person(Role::RiskManager, "risk-1", None);
    let list = app
        .loans()
        .overdue_loan_list(&risk, d("2027-02-03"))
        .await
        .expect("list");
    assert_eq!(list.len(), 1);
    // The list's figures are the loan account's, read for the whole list at once.
    let one = app
        .loans()
        .loan_account(&risk, id, d("2027-02-03"))
        .await
        .expect("account");
    assert_eq!(
        (list[0].overdue_fen, list[0].penalty_to_date),
        (one.overdue_fen, one.penalty_to_date)
    );
    assert!(list[0].overdue_fen.is_positive());

    // The card is fixed: the next run pays the overdue month with its
    // penalty and the month due, and the loan is normal again.
    app.loans()
        .change_repay_card(&member(1), id, CARD)
        .await
        .expect("card");
    let third = app
        .loans()
        .run_repayments(d("2027-02-28"))
        .await
        .expect("run 3");
    assert_eq!(third.paid_in_full, 1);
    assert!(third.penalty_fen > expected.get());
    let account = app
        .loans()
        .loan_account(&member(1), id, d("2027-02-28"))
        .await
        .expect("account");
    assert_eq!(account.loan.overdue_since, None);
    assert_eq!(account.loan.grade, Grade::Normal);
    assert_eq!(
        (
            account.loan.consecutive_overdue,
            account.loan.cumulative_overdue
        ),
        (0, 1)
    );
    assert_eq!(gl(&app, "122", "2027-02-28").await, 0);
    let paid: i64 = account
        .installments
        .iter()
        .map(|i| i.paid_principal_fen.get())
        .sum();
    assert_eq!(
        gl(&app, "121", "2027-02-28").await,
        loan.amount_fen.get() - paid,
        "121 + 122 is the outstanding principal"
    );
    assert_eq!(
        account.loan.outstanding_fen,
        anju_domain::Fen::new(loan.amount_fen.get() - paid)
    );
    assert!(app.ledger().check_ledger().await.expect("check").is_ok());
}

#[tokio::test]
async fn a_partial_deduction_pays_interest_first_and_the_rest_is_overdue() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let mut a = application("k", "100000.00", 120);
    a.repay_card = HALF_CARD.into();
    let loan = disbursed(&app, 1, a, d("2026-11-29")).await;
    let rows = app
        .loan_port()
        .installments(loan.loan_id)
        .await
        .expect("rows");
    let run = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!(run.partly_paid, 1);
    let half = (rows[0].principal_fen.get() + rows[0].interest_fen.get()) / 2;
    assert_eq!(run.collected_fen, half);
    assert_eq!(run.interest_fen, rows[0].interest_fen.get());
    let after = app
        .loan_port()
        .installments(loan.loan_id)
        .await
        .expect("rows");
    assert_eq!(after[0].status, InstallmentStatus::Overdue);
    assert_eq!(
        after[0].paid_principal_fen.get(),
        half - rows[0].interest_fen.get()
    );
    let account = app
        .loans()
        .loan_account(&member(1), loan.loan_id, d("2026-12-29"))
        .await
        .expect("account");
    assert_eq!(
        account.loan.overdue_principal_fen,
        anju_domain::Fen::new(rows[0].principal_fen.get() - after[0].paid_principal_fen.get())
    );
}

#[tokio::test]
async fn entrusted_loans_repay_from_the_hpf_balance_first() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let mut a = application("k", "100000.00", 120);
    a.entrusted = true;
    a.repay_card = EMPTY_CARD.into();
    let loan = disbursed(&app, 1, a, d("2026-11-29")).await;
    let before = app
        .ledger()
        .member_balance(MemberId(1))
        .await
        .expect("b")
        .balance;
    let run = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!(run.paid_in_full, 1, "the balance covers the month");
    let after = app
        .ledger()
        .member_balance(MemberId(1))
        .await
        .expect("b")
        .balance;
    assert_eq!(before.get() - after.get(), run.collected_fen);
    assert_eq!(loan.status, LoanStatus::Active);
}

#[tokio::test]
async fn prepayment_shortens_the_term_and_full_prepayment_settles_with_a_certificate() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let loan = disbursed(&app, 1, application("k", "300000.00", 240), d("2026-11-29")).await;
    let id = loan.loan_id;
    let early = PrepaymentRequest {
        request_key: "p0".into(),
        amount: yuan("1000.00"),
        choice: AfterPrepayment::LowerInstallment,
        from_hpf: false,
    };
    let e = app
        .loans()
        .prepay_loan(&member(1), id, early, d("2026-12-29"))
        .await
        .expect_err("the month due is the run's");
    assert_eq!(e.code(), Some("LOAN_DUE_FIRST"));
    app.loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    let before = app.loan_port().installments(id).await.expect("rows");
    let prepay = PrepaymentRequest {
        request_key: "p1".into(),
        amount: yuan("100000.00"),
        choice: AfterPrepayment::ShorterTerm,
        from_hpf: false,
    };
    let after_prepay = app
        .loans()
        .prepay_loan(&member(1), id, prepay.clone(), d("2026-12-29"))
        .await
        .expect("prepay");
    let rows = app.loan_port().installments(id).await.expect("rows");
    assert!(rows.len() < before.len(), "a shorter term");
    assert!(
        rows[1].principal_fen.get() + rows[1].interest_fen.get()
            <= before[1].principal_fen.get() + before[1].interest_fen.get()
    );
    let principal: i64 = rows.iter().map(|r| r.principal_fen.get()).sum();
    assert_eq!(
        principal + yuan("100000.00").get(),
        loan.amount_fen.get(),
        "Σ principal (paid, prepaid, scheduled) is the loan"
    );
    let twice = app
        .loans()
        .prepay_loan(&member(1), id, prepay, d("2026-12-29"))
        .await
        .expect("same key");
    assert_eq!(twice.outstanding_fen, after_prepay.outstanding_fen);

    let full = PrepaymentRequest {
        request_key: "p2".into(),
        amount: Fen::ZERO,
        choice: AfterPrepayment::LowerInstallment,
        from_hpf: false,
    };
    let settled = app
        .loans()
        .prepay_loan(&member(1), id, full, d("2027-01-10"))
        .await
        .expect("full");
    assert_eq!(settled.status, LoanStatus::Settled);
    assert_eq!(gl(&app, "121", "2027-01-10").await, 0);
    let certificate = app
        .loans()
        .release_certificate(&member(1), id)
        .await
        .expect("certificate");
    assert!(certificate.valid());
    assert!(certificate.text.contains("抵押注销"));
    let trusted = app.keys().expect("keys").published();
    // The loan keeps the e-certificate's serial.
    assert_eq!(settled.release_certificate, certificate.serial);
    let stored = format!(
        "{}--\n{}\n{}\n",
        certificate.text, certificate.signature_hex, certificate.key_id
    );
    assert_eq!(
        service::read_certificate(&stored, trusted).verdict,
        anju_domain::trust::keys::Verdict::Valid
    );
    let tampered = stored.replace("300,000.00", "900,000.00");
    assert_eq!(
        service::read_certificate(&tampered, trusted).verdict,
        anju_domain::trust::keys::Verdict::Altered
    );
    // Signed by someone else with their own key: the key inside proves nothing.
    use ed25519_dalek::Signer as _;
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let forged_text = tampered.split("--\n").next().expect("text");
    let public = stranger.verifying_key().to_bytes();
    let forged = format!(
        "{forged_text}--\n{}\n{}\n",
        anju_domain::trust::keys::hex(&stranger.sign(forged_text.as_bytes()).to_bytes()),
        anju_domain::trust::keys::key_id(&public)
    );
    assert_eq!(
        service::read_certificate(&forged, trusted).verdict,
        anju_domain::trust::keys::Verdict::UnknownKey
    );
    let e = app
        .loans()
        .release_certificate(&member(2), id)
        .await
        .expect_err("not theirs");
    assert_eq!(e.code(), Some("LOAN_SCOPE"));
}

#[tokio::test]
async fn a_2025_loan_reprices_on_1_january_2026() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    // Opened before the 2025-05-08 cut at 2.85% (first home, over 5 years).
    let loan = disbursed(&app, 1, application("k", "300000.00", 240), d("2025-03-01")).await;
    assert_eq!(loan.rate_ppm.ppm(), 28_500);
    for month in 4..=12 {
        let day = Date::from_ymd(2025, month, 1).expect("day");
        app.loans().run_repayments(day).await.expect("run");
    }
    let e = app
        .loans()
        .reprice_loans(d("2025-12-31"))
        .await
        .expect_err("only on 1 January");
    assert_eq!(e.code(), Some("REPRICE_DATE"));
    let summary = app
        .loans()
        .reprice_loans(d("2026-01-01"))
        .await
        .expect("reprice");
    assert_eq!(summary.repriced, 1);
    let account = app
        .loans()
        .loan_account(&member(1), loan.loan_id, d("2026-01-01"))
        .await
        .expect("account");
    assert_eq!(account.loan.rate_ppm.ppm(), 26_000);
    assert_eq!(account.rates.len(), 2);
    let next = account.next_due.expect("next");
    assert_eq!((next.period, next.due_date), (10, d("2026-01-01")));
    let performing = account.loan.outstanding_fen;
    assert_eq!(
        next.interest_fen,
        anju_domain::Fen::new(
            anju_domain::loan::monthly_interest(performing, RatePpm::new(26_000).expect("r"))
                .expect("i")
                .get()
        )
    );
    let left: i64 = account
        .installments
        .iter()
        .filter(|i| i.status == InstallmentStatus::Due)
        .map(|i| i.principal_fen.get())
        .sum();
    assert_eq!(left, account.loan.outstanding_fen.get());
    let again = app
        .loans()
        .reprice_loans(d("2026-01-01"))
        .await
        .expect("again");
    assert_eq!(again.repriced, 0);
}

#[tokio::test]
async fn a_project_loan_is_entered_approved_by_another_and_repaid_by_the_run() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let day = d("2026-11-29");
    let application = ProjectLoanApplication {
        request_key: "gzf-1".into(),
        project_name: "苏州市相城区公租房二期".into(),
        borrower_name: "苏州市安居建设有限公司".into(),
        account: SELLER.into(),
        amount: yuan("5000000.00"),
        months: 120,
        rate: RatePpm::parse_percent("2.60").expect("rate"),
        method: Method::EqualPrincipal,
    };
    let loan = app
        .loans()
        .enter_project_loan(&reviewer(), application.clone(), day)
        .await
        .expect("enter");
    assert_eq!(
        (loan.product.code(), loan.status.code()),
        ("project", "reviewed")
    );
    assert!(loan.needs_second);
    let again = app
        .loans()
        .enter_project_loan(&reviewer(), application, day)
        .await
        .expect("same key");
    assert_eq!(again.loan_id, loan.loan_id);
    let e = app
        .loans()
        .approve_loan(&reviewer(), loan.loan_id, "", d("2026-12-01"))
        .await
        .expect_err("the one who entered it does not approve it");
    assert_eq!(e.code(), Some("SELF_APPROVAL"));
    let manager = person(Role::Manager, "manager-1", None);
    app.loans()
        .approve_loan(
            &person(Role::Reviewer, "reviewer-2", None),
            loan.loan_id,
            "",
            d("2026-12-01"),
        )
        .await
        .expect("first");
    app.loans()
        .approve_loan(&manager, loan.loan_id, "", d("2026-12-01"))
        .await
        .expect("second");
    let kind = anju_domain::service_times::WorkKind::Loan;
    let clocked = app.work_port().work_item(kind, loan.loan_id).await;
    assert_eq!(clocked.expect("read"), None, "a project loan is not DK01's");
    app.loans()
        .sign_loan_contract(&clerk(), loan.loan_id, "项目抵押 1", day)
        .await
        .expect("contract");
    app.loans()
        .disburse_loan(&finance(), loan.loan_id, day)
        .await
        .expect("disburse");
    let run = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!(run.paid_in_full, 1);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    let book = app.loan_port().loan_book().await.expect("book");
    assert_eq!(
        book.outstanding_fen,
        anju_domain::Fen::ZERO,
        "not in the personal book"
    );
    assert_eq!(
        book.project_outstanding_fen,
        anju_domain::Fen::new(yuan("5000000.00").get() - run.principal_fen)
    );
    let active = app
        .loans()
        .loan_queue(LoanStatus::Active)
        .await
        .expect("active");
    assert_eq!(
        active
            .iter()
            .filter(|l| l.product == LoanProduct::Project)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_page_posts_one_voucher_per_business_type_and_replays_after_a_lost_write() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let day = d("2026-11-29");
    let mut refused = application("r", "100000.00", 120);
    refused.repay_card = EMPTY_CARD.into();
    let paying = disbursed(&app, 1, application("p", "100000.00", 120), day).await;
    let failing = disbursed(&app, 2, refused, day).await;
    let run = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!((run.loans, run.paid_in_full, run.unpaid), (2, 1, 1));
    assert_eq!(
        run.entries, 2,
        "正常还款 L02 and 逾期 L04, one voucher each"
    );
    // The normal payment is in the schedule, the shortfall in the events.
    let paid = app
        .loans()
        .loan_account(&member(1), paying.loan_id, d("2026-12-29"))
        .await
        .expect("a");
    assert_eq!(paid.installments[0].status, InstallmentStatus::Paid);
    assert!(paid.events.iter().all(|e| e.kind != LoanEventKind::Repaid));
    let short = app
        .loans()
        .loan_account(&member(2), failing.loan_id, d("2026-12-29"))
        .await
        .expect("b");
    assert!(
        short
            .events
            .iter()
            .any(|e| e.kind == LoanEventKind::Overdue && e.entry_id.is_some())
    );
    // A run whose page write was lost (the loans forget the day) posts its
    // vouchers again under the same keys: replayed, nothing new.
    let posted = entries(&app).await;
    for loan in [&paying, &failing] {
        let mut rows = app
            .loan_port()
            .installments(loan.loan_id)
            .await
            .expect("rows");
        rows.truncate(1);
        rows[0].status = InstallmentStatus::Due;
        rows[0].paid_principal_fen = anju_domain::Fen::ZERO;
        rows[0].paid_interest_fen = anju_domain::Fen::ZERO;
        rows[0].paid_on = None;
        rows[0].penalty_from = None;
        let undo = anju_store::LoanRunUpdate {
            loan_id: loan.loan_id,
            principal_paid_fen: anju_domain::Fen::new(
                -(loan.amount_fen.get()
                    - (app
                        .loans()
                        .loan(loan.loan_id)
                        .await
                        .expect("loan")
                        .outstanding_fen)
                        .get()),
            ),
            overdue_principal_fen: anju_domain::Fen::ZERO,
            overdue_since: None,
            grade: Grade::Normal,
            consecutive_overdue: 0,
            cumulative_overdue: 0,
            last_run_on: d("2026-12-28"),
        };
        app.loan_port()
            .save_run_page(&[undo], &rows, &[])
            .await
            .expect("undo the write");
    }
    let again = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("rerun");
    assert_eq!((again.entries, again.replayed), (2, 2));
    assert_eq!(entries(&app).await, posted, "nothing new in the ledger");
    assert!(app.ledger().check_ledger().await.expect("check").is_ok());
}

#[tokio::test]
async fn a_combination_loan_shows_the_bank_part_beside_the_hpf_part() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let mut a = application("c", "300000.00", 240);
    a.commercial = Some(CommercialPart {
        bank: "中国建设银行苏州分行".into(),
        amount: yuan("500000.00"),
        rate: RatePpm::parse_percent("3.05").expect("rate"),
    });
    let loan = disbursed(&app, 1, a, d("2026-11-29")).await;
    assert_eq!(loan.commercial_amount_fen, Some(yuan("500000.00")));
    let account = app
        .loans()
        .loan_account(&member(1), loan.loan_id, d("2026-11-29"))
        .await
        .expect("account");
    assert_eq!(account.commercial_schedule.len(), 240);
    let bank_a = anju_domain::loan::annuity_payment(
        yuan("500000.00"),
        240,
        RatePpm::parse_percent("3.05").expect("rate"),
    )
    .expect("A");
    assert_eq!(account.commercial_schedule[0].payment, bank_a);
    assert_eq!(
        account.commercial_schedule[0].due_date,
        Some(d("2026-12-29"))
    );
    // Only the HPF part is the centre's: GL 121 holds ¥300,000.
    assert_eq!(gl(&app, "121", "2026-11-29").await, yuan("300000.00").get());
}

/// A court-frozen (冻结) account: the repayment run takes nothing from the
/// HPF balance of an entrusted loan (the bank card is asked instead), and a
/// prepayment from the HPF balance is refused — the balance stays whole.
#[tokio::test]
async fn a_frozen_account_is_never_debited_by_the_run_or_a_prepayment() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let mut a = application("k", "100000.00", 120);
    a.entrusted = true;
    a.repay_card = EMPTY_CARD.into();
    let loan = disbursed(&app, 1, a, d("2026-11-29")).await;
    app.collection()
        .freeze_member(&clerk(), 1, "（2026）苏0508执保123号 协助冻结通知书")
        .await
        .expect("freeze");
    let balance = |app: App| async move {
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("b")
            .balance
    };
    let before = balance(app.clone()).await;
    let prepay = PrepaymentRequest {
        request_key: "p-frozen".into(),
        amount: yuan("1000.00"),
        choice: AfterPrepayment::LowerInstallment,
        from_hpf: true,
    };
    let refused = app
        .loans()
        .prepay_loan(&member(1), loan.loan_id, prepay, d("2026-12-10"))
        .await
        .expect_err("frozen");
    assert_eq!(refused.code(), Some("ACCOUNT_FROZEN"));
    assert_eq!(balance(app.clone()).await, before);
    let run = app
        .loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    assert_eq!(
        (run.paid_in_full, run.collected_fen),
        (0, 0),
        "the frozen balance pays nothing and the empty card nothing"
    );
    assert_eq!(balance(app.clone()).await, before);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// The grade is the bureau's and the first-home test reads the national
/// loan data; the family ceiling needs a spouse, not any co-borrower; each
/// answer's reference is kept on the loan.
#[tokio::test]
async fn loan_terms_come_from_the_registries_not_the_form() {
    let dir = tempfile::tempdir().expect("dir");
    let registers = registers();
    registers.update(|data| {
        data.credit.push((
            IdCardNo::parse("320502199003071230").expect("id"),
            CreditGrade::B,
        ));
    });
    let app = centre_with(&dir, registers.clone()).await;
    let rules = app
        .policy()
        .at(d("2026-11-29"))
        .expect("policy")
        .loan_rule
        .value
        .clone();
    let graded = app
        .loans()
        .assess_loan(1, &application("g", "100000.00", 120), d("2026-11-29"))
        .await
        .expect("assess");
    assert_eq!(graded.grade, CreditGrade::B);
    let base = app
        .policy()
        .at(d("2026-11-29"))
        .expect("p")
        .loan_rate
        .value
        .first_home_over_5y;
    assert_eq!(
        graded.rate.ppm(),
        base.ppm() + rules.credit_adjust_ppm[1],
        "grade B's adjustment"
    );
    assert!(
        graded
            .sources
            .iter()
            .any(|s| s.starts_with("征信：信用等级 B（查询号 SIM-CREDIT-"))
    );
    // A parent co-borrows: allowed, but the ceiling is one person's.
    registers.update(|data| {
        data.parents.push((
            IdCardNo::parse("320502199003071230").expect("id"),
            IdCardNo::parse("320502199507153010").expect("id"),
        ));
    });
    let mut with_parent = application("p", "100000.00", 120);
    with_parent.co_borrower_id_cards = vec!["320502199507153010".into()];
    let parent = app
        .loans()
        .assess_loan(1, &with_parent, d("2026-11-29"))
        .await
        .expect("assess");
    assert!(
        parent.allowed() && !parent.family,
        "{:?}",
        parent.eligibility.refusals
    );
    let mut with_spouse = application("s", "100000.00", 120);
    with_spouse.co_borrower_id_cards = vec!["320502199205101223".into()];
    let spouse = app
        .loans()
        .assess_loan(1, &with_spouse, d("2026-11-29"))
        .await
        .expect("assess");
    assert!(spouse.allowed() && spouse.family);
    // Member 3 and member 2 have no tie: refused, naming the rule.
    let mut stranger = application("x", "100000.00", 120);
    stranger.co_borrower_id_cards = vec!["320502199205101223".into()];
    let refused = app
        .loans()
        .apply_loan(&member(3), 3, stranger, d("2026-11-29"))
        .await
        .expect_err("no tie");
    assert!(
        refused.to_string().contains("民政登记无此关系"),
        "{refused}"
    );
    // An HPF loan with a balance in Wuxi: refused, and not a first home.
    registers.update(|data| {
        data.hpf_loans.push((
            IdCardNo::parse("320502199003071230").expect("id"),
            OutstandingLoan {
                centre: "无锡市住房公积金管理中心".into(),
                loan_no: "WX-2022-00031234".into(),
                principal: yuan("412000.00"),
            },
        ));
    });
    let elsewhere = app
        .loans()
        .assess_loan(1, &application("w", "100000.00", 120), d("2026-11-29"))
        .await
        .expect("assess");
    assert!(!elsewhere.allowed() && !elsewhere.eligibility.first_home);
    assert!(
        elsewhere
            .eligibility
            .refusals
            .iter()
            .any(|r| r.contains("WX-2022-00031234")),
        "{:?}",
        elsewhere.eligibility.refusals
    );
    assert!(app.loans().loans_of(1).await.expect("loans").is_empty());
}

/// The bureau does not answer: nothing is decided on a guess and nothing
/// is written; the member may try again.
#[tokio::test]
async fn a_silent_bureau_stops_the_application_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let registers = registers();
    let app = centre_with(&dir, registers.clone()).await;
    registers.update(|data| data.down.push(Party::Credit));
    let e = app
        .loans()
        .apply_loan(
            &member(1),
            1,
            application("k", "100000.00", 120),
            d("2026-11-29"),
        )
        .await
        .expect_err("bureau down");
    assert_eq!(e.code(), Some("REGISTRY_UNAVAILABLE"));
    assert!(e.to_string().contains("人民银行征信暂不可用"), "{e}");
    assert!(app.loans().loans_of(1).await.expect("loans").is_empty());
    registers.update(|data| data.down.clear());
    let loan = app
        .loans()
        .apply_loan(
            &member(1),
            1,
            application("k", "100000.00", 120),
            d("2026-11-29"),
        )
        .await
        .expect("the bureau is back");
    assert_eq!(loan.credit_grade, CreditGrade::A);
    assert!(
        loan.facts_source
            .contains("全国公积金贷款数据：借款人在外地无未结清贷款"),
        "{}",
        loan.facts_source
    );
}

/// Consecutive months are counted by the month a contribution was for
/// (所属年月) and only when paid by its due date: a bill paid a day late
/// breaks the run, even though the money arrived in the same month.
#[tokio::test]
async fn a_month_paid_late_breaks_the_run_of_contributions() {
    use anju_domain::collection::{EmployerRegistration, MemberEnrolment};
    let dir = tempfile::tempdir().expect("dir");
    let app = crate::test_support::sqlite_app(&dir, "m.db").await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let registration = EmployerRegistration::new(
        "91350100M000100Y43",
        "苏州示范科技有限公司",
        Some(15),
        anju_domain::collection::ContributionRates {
            employer: RatePpm::parse_percent("12").expect("rate"),
            member: RatePpm::parse_percent("12").expect("rate"),
        },
    )
    .expect("registration");
    let employer = app
        .collection()
        .register_employer(&batch, &registration, d("2026-04-01"))
        .await
        .expect("register");
    let people = [MemberEnrolment::new("320502199003071230", "王强", "20000.00").expect("m")];
    let enrolled = app
        .collection()
        .enrol_members(&batch, employer.employer_id, &people, d("2026-04-01"))
        .await
        .expect("enrol");
    let member_id = enrolled[0].member_id;
    let months = |app: App, today: &'static str| async move {
        let assessed = app
            .loans()
            .assess_loan(member_id, &application("m", "100000.00", 120), d(today))
            .await
            .expect("assess");
        assessed.eligibility.refusals.join("；")
    };
    let mut bills = Vec::new();
    for (period, late) in [
        ("202605", false),
        ("202606", false),
        ("202607", false),
        ("202608", true),
        ("202609", false),
        ("202610", false),
    ] {
        let bill = app
            .collection()
            .generate_bill(
                &batch,
                employer.employer_id,
                Period::parse(period).expect("p"),
            )
            .await
            .expect("bill");
        let paid_on = match late {
            false => bill.due_date,
            true => bill.due_date.add_days(1).expect("day"),
        };
        assert_eq!(
            paid_on.month(),
            bill.due_date.month(),
            "late, but in the same month"
        );
        let paid = app
            .collection()
            .pay_bill(&batch, bill.bill_id, "bank", paid_on)
            .await
            .expect("pay");
        bills.push(paid);
    }
    // August was paid a day late: September and October are all that count.
    let refusals = months(app.clone(), "2026-11-20").await;
    assert!(refusals.contains("（目前 2 个月）"), "{refusals}");
    // September's payment reversed (错缴更正): it paid nothing for its month.
    let september = &bills[4];
    assert!(
        app.case_port()
            .mark_bill_reversed(september.bill_id, september.paid_entry_id.expect("entry"))
            .await
            .expect("reverse")
    );
    let refusals = months(app.clone(), "2026-11-20").await;
    assert!(refusals.contains("（目前 1 个月）"), "{refusals}");
}

/// A month of an entrusted HPF loan is taken once: the run takes it from
/// the balance, so an HPF-kind 委托提取还贷 agreement is refused once the
/// loan is entrusted, and one signed before is skipped by the repayment day.
#[tokio::test]
async fn an_entrusted_loan_is_not_also_paid_by_a_repayment_agreement() {
    use crate::withdrawal::RepaymentTerms;
    use anju_domain::withdrawal::AgreementKind;
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let terms = RepaymentTerms {
        kind: AgreementKind::Hpf,
        lender: "苏州市住房公积金管理中心".into(),
        loan_contract_no: "GJJ-2026-0001".into(),
        monthly: yuan("900.00"),
        pay_day: 20,
        bank_card: CARD.into(),
        ends_on: d("2036-11-30"),
    };
    app.withdrawals()
        .sign_repayment_agreement(&member(1), 1, &terms, d("2026-11-20"))
        .await
        .expect("signed before the loan");
    let mut a = application("k", "100000.00", 120);
    a.entrusted = true;
    disbursed(&app, 1, a, d("2026-11-29")).await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-20"))
        .await
        .expect("day");
    assert_eq!((day.due, day.paid, day.nothing_to_pay), (1, 0, 1));
    assert!(
        app.withdrawals()
            .withdrawals_of(1)
            .await
            .expect("list")
            .is_empty()
    );
    app.withdrawals()
        .end_repayment_agreement(&member(1), 1)
        .await
        .expect("end");
    let refused = app
        .withdrawals()
        .sign_repayment_agreement(&member(1), 1, &terms, d("2026-12-21"))
        .await
        .expect_err("the run already repays it");
    assert_eq!(refused.code(), Some("REPAYMENT_TERMS"));
    assert!(refused.to_string().contains("无须另签"), "{refused}");
}

/// A remote borrower's certificate is confirmed by the centre that issued
/// it: its balance and months are the centre's, not the form's; a
/// certificate that does not exist, or is someone else's, is refused.
#[tokio::test]
async fn a_remote_certificate_is_confirmed_by_its_centre() {
    use crate::registries::RemoteContribution;
    let dir = tempfile::tempdir().expect("dir");
    let registers = registers();
    registers.update(|data| {
        data.certificates.push(RemoteContribution {
            certificate_no: "SH-ZM-2026-000123".into(),
            centre: "上海市公积金管理中心".into(),
            holder: IdCardNo::parse("320502199507153010").expect("id"),
            holder_name: "演示职工三".into(),
            base: yuan("12000.00"),
            balance: yuan("86000.00"),
            months: 36,
            issued_on: d("2026-11-01"),
        });
    });
    let app = centre_with(&dir, registers).await;
    let remote = |no: &str| {
        let mut a = application("r", "100000.00", 120);
        a.remote = Some(RemoteCertificate {
            centre: "上海市公积金管理中心".into(),
            certificate_no: no.into(),
        });
        a
    };
    // Member 3 has contributed here only since September: three months.
    let local = app
        .loans()
        .assess_loan(3, &application("l", "100000.00", 120), d("2026-11-29"))
        .await
        .expect("assess");
    assert!(!local.allowed(), "three local months are not enough");
    let certified = app
        .loans()
        .assess_loan(3, &remote("SH-ZM-2026-000123"), d("2026-11-29"))
        .await
        .expect("assess");
    assert!(certified.allowed(), "{:?}", certified.eligibility.refusals);
    let balance_here = app
        .ledger()
        .member_balance(MemberId(3))
        .await
        .expect("b")
        .balance;
    assert_eq!(
        certified.balances,
        balance_here.checked_add(yuan("86000.00")).expect("sum")
    );
    assert!(
        certified
            .sources
            .iter()
            .any(|s| s.contains("余额 ¥86,000.00，连续缴存 36 个月") && s.contains("SIM-CENTRES-")),
        "{:?}",
        certified.sources
    );
    let missing = app
        .loans()
        .assess_loan(3, &remote("SH-ZM-0"), d("2026-11-29"))
        .await
        .expect("assess");
    assert!(
        missing
            .eligibility
            .refusals
            .iter()
            .any(|r| r.contains("经核验不存在"))
    );
    let not_theirs = app
        .loans()
        .assess_loan(1, &remote("SH-ZM-2026-000123"), d("2026-11-29"))
        .await
        .expect("assess");
    assert!(
        not_theirs
            .eligibility
            .refusals
            .iter()
            .any(|r| r.contains("不是借款人本人")),
        "{:?}",
        not_theirs.eligibility.refusals
    );
}

#[tokio::test]
async fn the_loan_list_shows_each_loans_next_installment_not_paid_in_full() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let next = |list: Vec<LoanListItem>| -> Vec<(i64, Option<(i32, InstallmentStatus)>)> {
        list.into_iter()
            .map(|i| {
                let due = i.next_unpaid.map(|n| (n.period, n.status));
                (i.loan.loan_id, due)
            })
            .collect()
    };
    assert!(app.loans().loan_list(1).await.expect("list").is_empty());
    let loan = disbursed(&app, 1, application("k", "300000.00", 240), d("2026-11-29")).await;
    let id = loan.loan_id;
    let list = app.loans().loan_list(1).await.expect("list");
    assert_eq!(next(list), [(id, Some((1, InstallmentStatus::Due)))]);
    app.loans()
        .run_repayments(d("2026-12-29"))
        .await
        .expect("run");
    let list = app.loans().loan_list(1).await.expect("list");
    assert_eq!(next(list), [(id, Some((2, InstallmentStatus::Due)))]);
    // The bank refuses the second month: it stays next, now overdue.
    app.loans()
        .change_repay_card(&member(1), id, EMPTY_CARD)
        .await
        .expect("card");
    app.loans()
        .run_repayments(d("2027-02-03"))
        .await
        .expect("run 2");
    let list = app.loans().loan_list(1).await.expect("list");
    assert_eq!(next(list), [(id, Some((2, InstallmentStatus::Overdue)))]);
}
