//! Contract cases for loans: applications, state moves, schedules, the
//! repayment run's page writes and the loan book.

use super::BoxFuture;
use super::cases::d;
use crate::{InstallmentRecord, LoanEventRecord, LoanRecord, LoanRunUpdate, Store};
use anju_domain::access::Channel;
use anju_domain::loan::CreditGrade;
use anju_domain::loan::Grade;
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanEventKind;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::Method;
use anju_domain::loan::PropertyKind;
use std::sync::Arc;

pub fn loan_record(loan_id: i64, member_id: i64, key: &str) -> LoanRecord {
    LoanRecord {
        loan_id,
        member_id,
        product: LoanProduct::Personal,
        status: LoanStatus::Submitted,
        applied_on: d("2026-11-01"),
        applicant: "320502199003071230".into(),
        request_key: key.into(),
        co_borrowers: String::new(),
        property_kind: PropertyKind::Completed,
        property_address: "苏州市工业园区星湖街 1 号".into(),
        price_fen: anju_domain::Fen::new(2_000_000_00),
        appraisal_fen: Some(anju_domain::Fen::new(1_900_000_00)),
        area_centi_m2: 89_50,
        monthly_income_fen: anju_domain::Fen::new(30_000_00),
        credit_grade: CreditGrade::A,
        first_home: true,
        family: false,
        amount_fen: anju_domain::Fen::new(600_000_00),
        months: 360,
        method: Method::Annuity,
        rate_ppm: crate::contract::ppm(26_000),
        limit_fen: anju_domain::Fen::new(1_200_000_00),
        binding_cap: "balance".into(),
        caps: "ceiling:150000000;balance:120000000".into(),
        remote_centre: Some("上海市住房公积金管理中心".into()),
        remote_certificate_no: Some("SH-2026-1".into()),
        remote_balance_fen: Some(anju_domain::Fen::new(50_000_00)),
        remote_months: Some(24),
        commercial_bank: None,
        commercial_amount_fen: None,
        commercial_rate_ppm: None,
        seller_name: "李卖".into(),
        seller_account: "6222020100009874".into(),
        repay_card: "62220201000041234".into(),
        entrusted: false,
        needs_second: false,
        reviewed_by: None,
        approved_by: None,
        second_approved_by: None,
        note: String::new(),
        contract_no: None,
        mortgage_no: None,
        disbursed_on: None,
        disbursement_entry_id: None,
        payout_reference: None,
        outstanding_fen: anju_domain::Fen::ZERO,
        overdue_principal_fen: anju_domain::Fen::ZERO,
        overdue_since: None,
        grade: Grade::Normal,
        consecutive_overdue: 0,
        cumulative_overdue: 0,
        last_run_on: None,
        settled_on: None,
        release_certificate: None,
        facts_source: String::new(),
        updated_at_us: 1,
        applied_via: Channel::Online,
    }
}

fn installment(loan_id: i64, period: i32, due: &str) -> InstallmentRecord {
    InstallmentRecord {
        loan_id,
        period,
        due_date: d(due),
        principal_fen: anju_domain::Fen::new(1_000_00),
        interest_fen: anju_domain::Fen::new(100_00),
        paid_principal_fen: anju_domain::Fen::ZERO,
        paid_interest_fen: anju_domain::Fen::ZERO,
        paid_penalty_fen: anju_domain::Fen::ZERO,
        penalty_owed_fen: anju_domain::Fen::ZERO,
        penalty_from: None,
        status: InstallmentStatus::Due,
        paid_on: None,
    }
}

pub fn loans_move_once_and_runs_write_a_page(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let parties = vec![(7, "borrower".to_string()), (8, "co".to_string())];
        let mut loan = loan_record(1, 7, "k1");
        store.save_loan(&loan, &parties).await.expect("save");
        let twice = store
            .save_loan(&loan_record(2, 7, "k1"), &[])
            .await
            .expect_err("same key");
        assert_eq!(twice.code(), Some("LOAN_EXISTS"));
        assert_eq!(store.loan(1).await.expect("read"), Some(loan.clone()));
        assert_eq!(store.loans_of(8).await.expect("co").len(), 1);
        assert_eq!(
            store
                .loans_in(LoanStatus::Submitted, 10)
                .await
                .expect("q")
                .len(),
            1
        );

        loan.status = LoanStatus::Active;
        loan.disbursed_on = Some(d("2026-11-29"));
        loan.outstanding_fen = anju_domain::Fen::new(3_000_00);
        assert!(
            store
                .update_loan(&loan, LoanStatus::Submitted)
                .await
                .expect("move")
        );
        assert!(
            !store
                .update_loan(&loan, LoanStatus::Submitted)
                .await
                .expect("moved")
        );
        // The run-owned outstanding principal moves only relatively (or on
        // disbursement, contracted → active).
        assert_eq!(
            store
                .loan(1)
                .await
                .expect("read")
                .expect("loan")
                .outstanding_fen,
            anju_domain::Fen::ZERO
        );
        store.adjust_outstanding(1, 3_000_00).await.expect("adjust");
        assert_eq!(store.loan_counts(&[7, 8]).await.expect("counts"), (1, 1));
        assert_eq!(store.loan_counts(&[]).await.expect("none"), (0, 0));

        let rows: Vec<InstallmentRecord> = ["2026-12-29", "2027-01-29", "2027-02-28"]
            .iter()
            .zip(1..)
            .map(|(due, p)| installment(1, p, due))
            .collect();
        store.replace_schedule(1, 1, &rows).await.expect("schedule");
        store
            .add_loan_rate(1, d("2026-11-29"), 26_000, "合同利率")
            .await
            .expect("rate");
        store
            .add_loan_rate(1, d("2026-11-29"), 26_000, "合同利率")
            .await
            .expect("rate twice is once");
        assert_eq!(store.loan_rates(1).await.expect("rates").len(), 1);

        assert!(
            store
                .loans_due(d("2026-12-28"), 0, 10)
                .await
                .expect("early")
                .is_empty()
        );
        let due = store.loans_due(d("2027-01-29"), 0, 10).await.expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].1.len(), 2, "two installments due by then");

        let mut first = rows[0].clone();
        first.paid_principal_fen = anju_domain::Fen::new(1_000_00);
        first.paid_interest_fen = anju_domain::Fen::new(100_00);
        first.status = InstallmentStatus::Paid;
        first.paid_on = Some(d("2027-01-29"));
        let mut second = rows[1].clone();
        second.status = InstallmentStatus::Overdue;
        second.penalty_from = Some(d("2027-01-29"));
        let update = LoanRunUpdate {
            loan_id: 1,
            principal_paid_fen: anju_domain::Fen::new(1_000_00),
            overdue_principal_fen: anju_domain::Fen::new(1_000_00),
            overdue_since: Some(d("2027-01-29")),
            grade: Grade::Attention,
            consecutive_overdue: 1,
            cumulative_overdue: 1,
            last_run_on: d("2027-01-29"),
        };
        let event = LoanEventRecord {
            loan_id: 1,
            event_key: "run-20270129".into(),
            happened_on: d("2027-01-29"),
            kind: LoanEventKind::Repaid,
            amount_fen: anju_domain::Fen::new(1_100_00),
            principal_fen: anju_domain::Fen::new(1_000_00),
            interest_fen: anju_domain::Fen::new(100_00),
            penalty_fen: anju_domain::Fen::ZERO,
            entry_id: Some(42),
            note: "银行代扣".into(),
        };
        store
            .save_run_page(
                &[update],
                &[first.clone(), second.clone()],
                std::slice::from_ref(&event),
            )
            .await
            .expect("page");
        store
            .add_loan_events(std::slice::from_ref(&event))
            .await
            .expect("event twice is once");
        assert_eq!(store.loan_events(1).await.expect("events").len(), 1);
        assert_eq!(
            store.installments(1).await.expect("rows")[..2],
            [first, second]
        );
        assert!(
            store
                .loans_due(d("2027-01-29"), 0, 10)
                .await
                .expect("rerun")
                .is_empty(),
            "run once a day"
        );
        let read = store.loan(1).await.expect("read").expect("loan");
        assert_eq!(
            (read.grade.code(), read.overdue_since),
            ("02", Some(d("2027-01-29")))
        );
        assert_eq!(store.overdue_loans(10).await.expect("overdue").len(), 1);
        let book = store.loan_book().await.expect("book");
        assert_eq!(
            (book.active_loans, book.outstanding_fen),
            (1, anju_domain::Fen::new(2_000_00))
        );
        assert_eq!(
            (book.overdue_principal_fen, book.overdue_loans),
            (anju_domain::Fen::new(1_000_00), 1)
        );
        let issued = store
            .loans_issued(d("2026-11-01"), d("2026-11-30"))
            .await
            .expect("issued");
        assert_eq!((issued.count, issued.remote_count), (1, 1));
        assert_eq!(
            store.active_loans_after(0, 10).await.expect("active").len(),
            1
        );

        // A prepayment replaces the rows still due, once per key.
        let prepaid = LoanEventRecord {
            event_key: "prepay-p1".into(),
            kind: LoanEventKind::Prepaid,
            principal_fen: anju_domain::Fen::new(500_00),
            ..event.clone()
        };
        let shorter = [installment(1, 3, "2027-02-28")];
        assert!(
            store
                .apply_prepayment(&prepaid, 3, &shorter)
                .await
                .expect("prepay")
        );
        assert!(
            !store
                .apply_prepayment(&prepaid, 3, &shorter)
                .await
                .expect("again")
        );
        assert_eq!(store.installments(1).await.expect("rows").len(), 3);
        let read = store.loan(1).await.expect("read").expect("loan");
        assert_eq!(
            read.outstanding_fen,
            anju_domain::Fen::new(1_500_00),
            "once"
        );
        let mut contracted = loan_record(3, 9, "k3");
        contracted.status = LoanStatus::Contracted;
        store.save_loan(&contracted, &[]).await.expect("save");
        contracted.status = LoanStatus::Active;
        assert!(
            store
                .update_loan(&contracted, LoanStatus::Contracted)
                .await
                .expect("disburse")
        );
        let read = store.loan(3).await.expect("read").expect("loan");
        assert_eq!(
            read.outstanding_fen, read.amount_fen,
            "disbursement sets it"
        );
    })
}

/// Each co-borrower consents once, for themselves, while the loan waits
/// for review; the borrower and strangers have nothing to consent to.
pub fn co_borrowers_consent_once_before_review(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let parties = vec![
            (7, "borrower".to_string()),
            (8, "co".to_string()),
            (9, "co".to_string()),
        ];
        let mut loan = LoanRecord {
            facts_source: "征信：信用等级 A（查询号 SIM-CREDIT-000001）".to_string(),
            ..loan_record(1, 7, "k1")
        };
        store.save_loan(&loan, &parties).await.expect("save");
        let read = store.loan(1).await.expect("read").expect("saved");
        assert_eq!(
            read.facts_source,
            "征信：信用等级 A（查询号 SIM-CREDIT-000001）"
        );
        assert_eq!(
            store.loan_consents(1).await.expect("consents"),
            vec![(8, None), (9, None)]
        );
        assert_eq!(
            store.consents_awaited_of(&[99, 1]).await.expect("awaited"),
            vec![(1, 8), (1, 9)]
        );
        assert!(
            store
                .consent_to_loan(1, 8, d("2026-11-30"))
                .await
                .expect("consent")
        );
        assert!(
            !store
                .consent_to_loan(1, 8, d("2026-12-01"))
                .await
                .expect("again"),
            "once"
        );
        assert!(
            !store
                .consent_to_loan(1, 7, d("2026-11-30"))
                .await
                .expect("borrower")
        );
        assert!(
            !store
                .consent_to_loan(1, 5, d("2026-11-30"))
                .await
                .expect("stranger")
        );
        assert_eq!(
            store.loan_consents(1).await.expect("consents"),
            vec![(8, Some(d("2026-11-30"))), (9, None)]
        );
        assert_eq!(
            store.consents_awaited_of(&[1]).await.expect("awaited"),
            vec![(1, 9)]
        );
        loan.status = LoanStatus::Rejected;
        assert!(
            store
                .update_loan(&loan, LoanStatus::Submitted)
                .await
                .expect("move")
        );
        assert!(
            !store
                .consent_to_loan(1, 9, d("2026-12-01"))
                .await
                .expect("late"),
            "a decided loan takes no consent"
        );
    })
}

/// A member's list of loans reads their schedules at once: the same rows
/// as loan by loan, each once and by loan then period, whatever order or
/// repetition the ids come in, and past the ids one lookup binds.
pub fn loan_schedules_are_read_at_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let borrower = [(7, "borrower".to_string())];
        // 950 is beyond the first lookup's 900 ids; 4 has no schedule yet.
        for (id, key) in [(3, "k3"), (950, "k950"), (4, "k4")] {
            store
                .save_loan(&loan_record(id, 7, key), &borrower)
                .await
                .expect("save");
        }
        let schedule = |loan_id: i64, dues: &[&str]| -> Vec<InstallmentRecord> {
            dues.iter()
                .zip(1..)
                .map(|(due, period)| installment(loan_id, period, due))
                .collect()
        };
        store
            .replace_schedule(3, 1, &schedule(3, &["2026-12-29", "2027-01-29"]))
            .await
            .expect("schedule");
        store
            .replace_schedule(950, 1, &schedule(950, &["2026-12-15"]))
            .await
            .expect("schedule");
        let mut one_by_one = Vec::new();
        for id in [3, 4, 950] {
            one_by_one.extend(store.installments(id).await.expect("installments"));
        }
        let mut ids: Vec<i64> = (1..=1_000).rev().collect();
        ids.extend([950, 3]);
        let at_once = store.installments_of(&ids).await.expect("installments");
        assert_eq!(at_once, one_by_one);
        let keys: Vec<(i64, i32)> = at_once.iter().map(|i| (i.loan_id, i.period)).collect();
        assert_eq!(keys, [(3, 1), (3, 2), (950, 1)]);
        assert!(store.installments_of(&[4]).await.expect("none").is_empty());
        assert!(store.installments_of(&[]).await.expect("none").is_empty());
    })
}
