//! Loans from the record, on both backends: the grade is the bureau's and
//! is kept with its reference; a co-borrower confirms for themselves before
//! review; a silent bureau writes nothing; an HPF loan elsewhere refuses;
//! a court-frozen account pays nothing to the run or a prepayment; and a
//! person contributing elsewhere borrows here on a loan-only account opened
//! from the contributing centre's confirmed certificate.

mod common;

use anju_app::App;
use anju_app::access::{Actor, Principal};
use anju_app::collection::MemberRecord;
use anju_app::loan::{LoanApplication, PrepaymentRequest, RemoteCertificate, RemoteSignup};
use anju_app::policy::load_policy;
use anju_app::registries::sim::{Couple, Person};
use anju_app::registries::{
    OutstandingLoan, Registries, RegistryData, RemoteContribution, SimulatedRegistries,
};
use anju_domain::access::{Channel, Role};
use anju_domain::collection::MemberStatus;
use anju_domain::facts::Party;
use anju_domain::ids::IdCardNo;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::loan::{AfterPrepayment, CreditGrade, LoanStatus, Method, PropertyKind};
use anju_domain::{Date, Fen};
use common::fresh_stores;
use std::sync::Arc;

const BORROWER: &str = "320502199003071230";
const SPOUSE: &str = "320502199205101223";
/// Contributes in Shanghai; no account here until she opens a loan-only one.
const REMOTE: &str = "320583198808080058";
const SHANGHAI: &str = "上海市公积金管理中心";
/// Luhn-valid, ending 0000: the simulated bank refuses to debit it.
const EMPTY_CARD: &str = "62220201000080000";

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn person(role: Role, login: &str, member_id: Option<i64>) -> Actor {
    Actor::of(
        Principal {
            user_id: 1,
            login: login.to_string(),
            display_name: login.to_string(),
            role,
            member_id,
            employer_id: None,
        },
        "test",
        "local",
    )
}

fn registers() -> Arc<SimulatedRegistries> {
    let someone = |id: &str, name: &str| Person {
        id_card: IdCardNo::parse(id).expect("id"),
        name: name.to_string(),
    };
    Arc::new(SimulatedRegistries::new(RegistryData {
        couples: vec![Couple {
            one: someone(BORROWER, "王强"),
            other: someone(SPOUSE, "王丽"),
            married_on: d("2019-10-01"),
            certificate_no: "J320502-2019-000777".into(),
        }],
        credit: vec![(IdCardNo::parse(BORROWER).expect("id"), CreditGrade::B)],
        certificates: vec![RemoteContribution {
            certificate_no: "SH-ZM-2026-000123".into(),
            centre: SHANGHAI.into(),
            holder: IdCardNo::parse(REMOTE).expect("id"),
            holder_name: "周敏".into(),
            base: Fen::new(15_000_00),
            balance: Fen::new(86_000_00),
            months: 36,
            issued_on: d("2026-11-01"),
        }],
        ..RegistryData::default()
    }))
}

/// Members 1 and 2 (married), each with ¥1,000 credited every month from
/// July 2024 to November 2026 (carried over from the previous system).
async fn centre(store: Arc<dyn anju_store::Store>, registers: Arc<SimulatedRegistries>) -> App {
    let app = App::new(store, load_policy(None).expect("policy"))
        .with_registries(Registries::all(registers, true));
    let record = |member_id, id_card: &str| {
        MemberRecord::active(
            member_id,
            id_card,
            "王强",
            9,
            anju_domain::Fen::new(10_000_00),
            1,
        )
    };
    let batch = Actor::anonymous(Channel::Batch, "test-seed", "local");
    app.collection()
        .take_over_members(
            &batch,
            &[record(1, BORROWER), record(2, SPOUSE)],
            d("2024-07-01"),
        )
        .await
        .expect("take over");
    let mut entries = Vec::new();
    for m in [1, 2] {
        let (mut y, mut mo) = (2024, 7);
        while (y, mo) <= (2026, 11) {
            let key = IdempotencyKey::parse(&format!("seed-{m}-{y}{mo:02}")).expect("key");
            let lines = vec![
                Line::debit("101", Fen::new(1_000_00)),
                Line::credit("201", Fen::new(1_000_00)).for_member(MemberId(m)),
            ];
            let date = Date::from_ymd(y, mo, 10).expect("date");
            entries.push(NewEntry::new("C01", date, key, "汇缴", lines).expect("entry"));
            (y, mo) = if mo == 12 { (y + 1, 1) } else { (y, mo + 1) };
        }
    }
    app.ledger().post_entries(&entries).await.expect("seed");
    app
}

fn application(key: &str, co_borrower: Option<&str>) -> LoanApplication {
    LoanApplication {
        request_key: key.into(),
        co_borrower_id_cards: co_borrower.map(str::to_string).into_iter().collect(),
        property_kind: PropertyKind::SecondHand,
        property_address: "苏州市姑苏区示范路 1 号 101 室".into(),
        price: Fen::new(1_000_000_00),
        appraisal: None,
        area_centi_m2: 89_50,
        monthly_income: Fen::new(20_000_00),
        amount: Fen::new(100_000_00),
        months: 120,
        method: Method::Annuity,
        seller_name: "李卖".into(),
        seller_account: "6222020100009874".into(),
        repay_card: EMPTY_CARD.into(),
        entrusted: true,
        remote: None,
        commercial: None,
    }
}

#[tokio::test]
async fn the_bureaus_grade_is_kept_and_the_co_borrower_confirms_before_review() {
    for fresh in fresh_stores().await {
        let app = centre(fresh.store(), registers()).await;
        let borrower = person(Role::Member, BORROWER, Some(1));
        let loan = app
            .loans()
            .apply_loan(
                &borrower,
                1,
                application("k1", Some(SPOUSE)),
                d("2026-11-29"),
            )
            .await
            .expect("apply");
        assert_eq!(loan.credit_grade, CreditGrade::B, "{}", fresh.backend());
        assert!(loan.family, "a spouse co-borrows");
        assert!(
            loan.facts_source
                .contains("征信：信用等级 B（查询号 SIM-CREDIT-"),
            "{}",
            loan.facts_source
        );
        let clerk = person(Role::Clerk, "clerk-1", None);
        let early = app
            .loans()
            .review_loan(&clerk, loan.loan_id, "")
            .await
            .expect_err("consent first");
        assert_eq!(
            early.code(),
            Some("CO_BORROWER_CONSENT"),
            "{}",
            fresh.backend()
        );
        app.loans()
            .consent_to_loan(
                &person(Role::Member, SPOUSE, Some(2)),
                loan.loan_id,
                d("2026-11-30"),
            )
            .await
            .expect("consent");
        let reviewed = app
            .loans()
            .review_loan(&clerk, loan.loan_id, "材料齐全")
            .await
            .expect("review");
        assert_eq!(reviewed.status, LoanStatus::Reviewed);
        fresh.drop_it().await;
    }
}

#[tokio::test]
async fn a_silent_bureau_writes_nothing_and_a_loan_elsewhere_refuses() {
    for fresh in fresh_stores().await {
        let registers = registers();
        let app = centre(fresh.store(), registers.clone()).await;
        let borrower = person(Role::Member, BORROWER, Some(1));
        registers.update(|data| data.down.push(Party::Credit));
        let silent = app
            .loans()
            .apply_loan(&borrower, 1, application("k1", None), d("2026-11-29"))
            .await
            .expect_err("bureau down");
        assert_eq!(
            silent.code(),
            Some("REGISTRY_UNAVAILABLE"),
            "{}",
            fresh.backend()
        );
        registers.update(|data| {
            data.down.clear();
            data.hpf_loans.push((
                IdCardNo::parse(BORROWER).expect("id"),
                OutstandingLoan {
                    centre: "无锡市住房公积金管理中心".into(),
                    loan_no: "WX-2022-00031234".into(),
                    principal: Fen::new(412_000_00),
                },
            ));
        });
        let elsewhere = app
            .loans()
            .apply_loan(&borrower, 1, application("k2", None), d("2026-11-29"))
            .await
            .expect_err("a loan in Wuxi");
        assert_eq!(elsewhere.code(), Some("LOAN_NOT_ELIGIBLE"));
        assert!(
            elsewhere.to_string().contains("WX-2022-00031234"),
            "{elsewhere}"
        );
        assert!(app.loans().loans_of(1).await.expect("loans").is_empty());
        fresh.drop_it().await;
    }
}

#[tokio::test]
async fn a_frozen_account_pays_nothing_to_the_run_or_a_prepayment() {
    for fresh in fresh_stores().await {
        let app = centre(fresh.store(), registers()).await;
        let borrower = person(Role::Member, BORROWER, Some(1));
        let clerk = person(Role::Clerk, "clerk-1", None);
        let loan = app
            .loans()
            .apply_loan(&borrower, 1, application("k1", None), d("2026-11-29"))
            .await
            .expect("apply");
        app.loans()
            .review_loan(&clerk, loan.loan_id, "")
            .await
            .expect("review");
        app.loans()
            .approve_loan(
                &person(Role::Reviewer, "reviewer-1", None),
                loan.loan_id,
                "",
                d("2026-11-30"),
            )
            .await
            .expect("approve");
        app.loans()
            .sign_loan_contract(
                &clerk,
                loan.loan_id,
                "苏(2026)不动产证明第0001号",
                d("2026-11-29"),
            )
            .await
            .expect("contract");
        app.loans()
            .disburse_loan(
                &person(Role::Finance, "finance-1", None),
                loan.loan_id,
                d("2026-11-29"),
            )
            .await
            .expect("disburse");
        app.collection()
            .freeze_member(&clerk, 1, "（2026）苏0508执保123号 协助冻结通知书")
            .await
            .expect("freeze");
        let before = app
            .ledger()
            .member_balance(MemberId(1))
            .await
            .expect("b")
            .balance;
        let prepay = PrepaymentRequest {
            request_key: "p1".into(),
            amount: Fen::new(1_000_00),
            choice: AfterPrepayment::LowerInstallment,
            from_hpf: true,
        };
        let refused = app
            .loans()
            .prepay_loan(&borrower, loan.loan_id, prepay, d("2026-12-10"))
            .await
            .expect_err("frozen");
        assert_eq!(
            refused.code(),
            Some("ACCOUNT_FROZEN"),
            "{}",
            fresh.backend()
        );
        let run = app
            .loans()
            .run_repayments(d("2026-12-29"))
            .await
            .expect("run");
        assert_eq!(run.collected_fen, 0, "{}", fresh.backend());
        let after = app
            .ledger()
            .member_balance(MemberId(1))
            .await
            .expect("b")
            .balance;
        assert_eq!(after, before, "the frozen balance stays whole");
        fresh.drop_it().await;
    }
}

fn remote_signup(name: &str, certificate_no: &str) -> RemoteSignup {
    RemoteSignup {
        id_card: REMOTE.into(),
        name: name.into(),
        mobile: "13912345678".into(),
        password: "Shanghai2026pw".into(),
        certificate: RemoteCertificate {
            centre: SHANGHAI.into(),
            certificate_no: certificate_no.into(),
        },
    }
}

#[tokio::test]
async fn a_remote_borrower_opens_a_loan_only_account_on_the_certificate_and_borrows() {
    for fresh in fresh_stores().await {
        let registers = registers();
        let app = centre(fresh.store(), registers.clone()).await;
        let online = Actor::anonymous(Channel::Online, "test", "local");
        let today = d("2026-11-29");
        let member_here = || async {
            app.collection()
                .member_by_id_card(REMOTE)
                .await
                .expect("read")
        };
        // Refused before anything is written: a name not on the
        // certificate, a certificate the centre never issued, and a centre
        // that does not answer.
        for (signup, code) in [
            (
                remote_signup("周某", "SH-ZM-2026-000123"),
                "REMOTE_CERTIFICATE_REFUSED",
            ),
            (
                remote_signup("周敏", "SH-ZM-0"),
                "REMOTE_CERTIFICATE_REFUSED",
            ),
        ] {
            let refused = app
                .loans()
                .open_remote_account(&online, &signup, today)
                .await
                .expect_err("refused");
            assert_eq!(refused.code(), Some(code), "{}", fresh.backend());
        }
        registers.update(|data| data.down.push(Party::Centres));
        let silent = app
            .loans()
            .open_remote_account(&online, &remote_signup("周敏", "SH-ZM-2026-000123"), today)
            .await
            .expect_err("centre down");
        assert_eq!(silent.code(), Some("REGISTRY_UNAVAILABLE"));
        assert_eq!(member_here().await, None, "nothing written");
        registers.update(|data| data.down.clear());

        let user = app
            .loans()
            .open_remote_account(&online, &remote_signup("周敏", "SH-ZM-2026-000123"), today)
            .await
            .expect("opened");
        let member = member_here().await.expect("the loan-only account");
        assert_eq!(user.member_id, Some(member.member_id));
        assert_eq!(
            (member.status, member.employer_id, member.wage_fen),
            (MemberStatus::RemoteBorrower, None, Fen::new(15_000_00)),
            "{}",
            fresh.backend()
        );
        let again = app
            .loans()
            .open_remote_account(&online, &remote_signup("周敏", "SH-ZM-2026-000123"), today)
            .await
            .expect_err("one sign-in");
        assert_eq!(again.code(), Some("SIGNIN_EXISTS"));

        // Without the certificate, or repaying from a balance she does not
        // hold here, the loan is refused with both reasons.
        let her = person(Role::Member, REMOTE, Some(member.member_id));
        let bare = app
            .loans()
            .apply_loan(&her, member.member_id, application("r1", None), today)
            .await
            .expect_err("no certificate");
        assert_eq!(bare.code(), Some("LOAN_NOT_ELIGIBLE"));
        assert!(
            bare.to_string()
                .contains("须提供缴存地中心出具的缴存使用证明"),
            "{bare}"
        );
        assert!(bare.to_string().contains("不能委托提取还贷"), "{bare}");

        let mut certified = application("r2", None);
        certified.entrusted = false;
        certified.remote = Some(RemoteCertificate {
            centre: SHANGHAI.into(),
            certificate_no: "SH-ZM-2026-000123".into(),
        });
        let loan = app
            .loans()
            .apply_loan(&her, member.member_id, certified, today)
            .await
            .expect("borrows on the certificate");
        assert_eq!(
            (
                loan.remote_centre.as_deref(),
                loan.remote_balance_fen,
                loan.remote_months
            ),
            (Some(SHANGHAI), Some(Fen::new(86_000_00)), Some(36)),
            "{}",
            fresh.backend()
        );

        // Nothing to withdraw here: the account is for the loan only.
        let rent = anju_domain::withdrawal::WithdrawalRequest {
            reason: "07".into(),
            amount: Fen::new(1_000_00),
            months: 1,
            ..Default::default()
        };
        let decision = app
            .withdrawals()
            .withdrawal_eligibility(member.member_id, &rent, today)
            .await
            .expect("decision");
        assert_eq!(
            (decision.allowed, decision.code),
            (false, "ACCOUNT_LOAN_ONLY")
        );
        fresh.drop_it().await;
    }
}
