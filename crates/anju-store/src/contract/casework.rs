//! Contract cases for collection casework: employer status, base filings,
//! reliefs, bill reversal, enforcement cases, flexible workers, search.

use super::BoxFuture;
use super::cases::d;
use super::collection::{bill, employer, member};
use crate::{
    AgreementRecord, BaseFilingRecord, BillPayment, CaseRecord, CaseStepRecord, DepositRecord,
    NewBase, ReliefRecord, Store,
};
use anju_domain::access::Channel;
use anju_domain::collection::BillKind;
use anju_domain::collection::CaseStatus;
use anju_domain::collection::CaseStep;
use anju_domain::collection::EmployerStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::collection::ReliefKind;
use anju_domain::collection::ReliefStatus;
use anju_domain::collection::ReviewOutcome;
use std::sync::Arc;

async fn two_employers_three_members(store: &Arc<dyn Store>) {
    store
        .register_employer(&employer(10, "91350100M000100Y43"))
        .await
        .expect("register");
    store
        .register_employer(&employer(11, "91320594MA1MXXXX9X"))
        .await
        .expect("register");
    let members = [
        member(1, "320502199003071230", Some(10), MemberStatus::Active),
        member(2, "11010519491231002X", Some(10), MemberStatus::Active),
        member(3, "320502198001011236", None, MemberStatus::Active),
    ];
    store
        .enrol_members(&members, d("2026-11-01"))
        .await
        .expect("enrol");
}

pub fn employer_status_filings_and_search(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        two_employers_three_members(&store).await;
        assert_eq!(store.count_attached_members(10).await.expect("n"), 2);
        assert!(
            !store
                .set_employer_status(10, &[EmployerStatus::Sealed], EmployerStatus::Closed)
                .await
                .expect("status"),
            "only from an expected status"
        );
        assert!(
            store
                .set_employer_status(
                    11,
                    &[EmployerStatus::Active, EmployerStatus::Deferred],
                    EmployerStatus::Deferred
                )
                .await
                .expect("status")
        );
        assert_eq!(store.count_contributing_employers().await.expect("n"), 2);
        assert!(
            store
                .set_employer_terms(10, Some(20), 120_000, 110_000)
                .await
                .expect("terms")
        );
        let terms = store.employer(10).await.expect("e").expect("employer");
        assert_eq!(
            (
                terms.pay_day,
                terms.employer_rate_ppm,
                terms.member_rate_ppm
            ),
            (Some(20), super::ppm(120_000), super::ppm(110_000))
        );
        assert!(
            !store
                .set_employer_terms(99, None, 1, 1)
                .await
                .expect("none")
        );
        assert!(store.employer_user_ids(10).await.expect("users").is_empty());
        let filing = BaseFilingRecord {
            employer_id: 10,
            year: 2026,
            filed_on: d("2026-07-10"),
            member_count: 1,
            filed_by: "13****5678".to_string(),
            applied_via: Channel::Online,
        };
        let gone = [NewBase {
            member_id: 3,
            wage_fen: anju_domain::Fen::new(900_000),
        }];
        assert_eq!(
            store.file_bases(&filing, &gone).await.map_err(|e| e.code()),
            Err(Some("MEMBER_CHANGED")),
            "a member of another employer is refused"
        );
        assert_eq!(store.count_base_filings(2026).await.expect("n"), 0);
        let ok = [NewBase {
            member_id: 1,
            wage_fen: anju_domain::Fen::new(900_000),
        }];
        store.file_bases(&filing, &ok).await.expect("file");
        store.file_bases(&filing, &ok).await.expect("re-file");
        assert_eq!(store.count_base_filings(2026).await.expect("n"), 1);
        assert_eq!(
            store.member(1).await.expect("m").map(|m| m.wage_fen),
            Some(anju_domain::Fen::new(900_000))
        );
        let missing = store.employers_not_filed(2026, 0, 10).await.expect("list");
        assert_eq!(
            missing.iter().map(|e| e.employer_id).collect::<Vec<_>>(),
            [11]
        );
        let past = store.employers_not_filed(2026, 11, 10).await.expect("page");
        assert!(past.is_empty(), "the page after the last one is empty");
        assert_eq!(store.base_filing(10, 2026).await.expect("f"), Some(filing));
        let found = store.search_employers("单位1", 10).await.expect("search");
        assert_eq!(found.len(), 2, "name contains");
        let exact = store
            .search_employers("91350100M000100Y43", 10)
            .await
            .expect("search");
        assert_eq!(exact.len(), 1);
        assert!(store.search_employers("%", 10).await.expect("s").is_empty());
        let people = store
            .search_members("11010519491231002X", 10)
            .await
            .expect("search");
        assert_eq!(people.iter().map(|m| m.member_id).collect::<Vec<_>>(), [2]);
        assert_eq!(store.members_of(10, 10).await.expect("list").len(), 2);
        assert_eq!(store.count_employed_members().await.expect("n"), 2);
    })
}

pub fn reversed_bills_free_the_month_and_reliefs_are_decided_once(
    store: Arc<dyn Store>,
) -> BoxFuture<()> {
    Box::pin(async move {
        two_employers_three_members(&store).await;
        let first = bill(100, 10, 202610, "2026-10-20");
        store.save_bill(&first, &[]).await.expect("save");
        assert_eq!(
            store
                .count_overdue_employers(d("2026-10-20"))
                .await
                .expect("n"),
            0
        );
        assert_eq!(
            store
                .count_overdue_employers(d("2026-10-21"))
                .await
                .expect("n"),
            1
        );
        assert_eq!(
            store
                .overdue_employer_ids(d("2026-10-21"), 0, 10)
                .await
                .expect("ids"),
            [10]
        );
        assert!(
            store
                .overdue_employer_ids(d("2026-10-21"), 10, 10)
                .await
                .expect("ids")
                .is_empty()
        );
        assert_eq!(
            store
                .overdue_bills_of(10, d("2026-10-21"))
                .await
                .expect("b")
                .len(),
            1
        );
        assert!(
            store
                .overdue_bills_of(11, d("2026-10-21"))
                .await
                .expect("b")
                .is_empty()
        );
        assert_eq!(
            store
                .monthly_bill(10, 202610)
                .await
                .expect("b")
                .map(|b| b.bill_id),
            Some(100)
        );
        assert!(
            !store.mark_bill_reversed(100, 900).await.expect("rev"),
            "an open bill cannot be reversed"
        );
        let payment = BillPayment {
            entry_id: 555,
            paid_on: d("2026-10-18"),
            channel: "bank".to_string(),
            reference: "B1".to_string(),
            paid_via: Channel::Counter,
        };
        assert!(store.mark_bill_paid(100, &payment).await.expect("pay"));
        assert_eq!(
            store.bill_paid_by(555).await.expect("b").map(|b| b.bill_id),
            Some(100)
        );
        assert!(store.mark_bill_reversed(100, 900).await.expect("rev"));
        assert!(!store.mark_bill_reversed(100, 901).await.expect("twice"));
        assert_eq!(store.monthly_bill(10, 202610).await.expect("b"), None);
        store
            .save_bill(&bill(101, 10, 202610, "2026-10-20"), &[])
            .await
            .expect("the month may be billed again");
        let mut back = bill(102, 10, 202610, "2026-12-01");
        back.kind = BillKind::BackPayment;
        back.reason = Some("基数申报有误".to_string());
        store
            .save_bill(&back, &[])
            .await
            .expect("a back payment beside the monthly bill");
        let relief = ReliefRecord {
            relief_id: 200,
            employer_id: 10,
            kind: ReliefKind::Deferral,
            from_period: 202612,
            to_period: 202702,
            employer_rate_ppm: None,
            member_rate_ppm: None,
            reason: "经营困难".to_string(),
            consent: "职代会决议1号".to_string(),
            status: ReliefStatus::Pending,
            task_id: 300,
            filed_at_us: 1,
        };
        store.save_relief(&relief).await.expect("save");
        assert_eq!(
            store.relief_by_task(300).await.expect("r"),
            Some(relief.clone())
        );
        assert!(
            store
                .approved_reliefs_in(202612)
                .await
                .expect("r")
                .is_empty()
        );
        assert!(
            store
                .decide_relief(200, ReliefStatus::Approved)
                .await
                .expect("d")
        );
        let covering = store.approved_reliefs_in(202612).await.expect("r");
        assert_eq!(
            covering.iter().map(|r| r.relief_id).collect::<Vec<_>>(),
            [200]
        );
        assert!(
            store
                .approved_reliefs_in(202703)
                .await
                .expect("r")
                .is_empty()
        );
        assert!(
            !store
                .decide_relief(200, ReliefStatus::Rejected)
                .await
                .expect("once")
        );
        assert_eq!(store.reliefs_of(10, 10).await.expect("l").len(), 1);
        store
            .set_employer_status(10, &[EmployerStatus::Active], EmployerStatus::Deferred)
            .await
            .expect("defer");
        assert!(store.ended_deferrals(202702).await.expect("e").is_empty());
        let ended = store.ended_deferrals(202703).await.expect("e");
        assert_eq!(ended.iter().map(|r| r.relief_id).collect::<Vec<_>>(), [200]);
    })
}

fn step(no: i32, kind: CaseStep, on: &str, deadline: Option<&str>) -> CaseStepRecord {
    CaseStepRecord {
        step_no: no,
        kind,
        acted_on: d(on),
        deadline: deadline.map(d),
        document: format!("苏公积催〔2026〕{no}号"),
        staff_login: "13****5678".to_string(),
        note: String::new(),
        outcome: None,
        evidence: String::new(),
    }
}

pub fn enforcement_cases_open_once_and_close(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        two_employers_three_members(&store).await;
        let case = CaseRecord {
            case_id: 40,
            employer_id: 10,
            opened_on: d("2026-11-25"),
            status: CaseStatus::Open,
            arrears_fen: anju_domain::Fen::new(320_000),
            periods: "202610".to_string(),
            closed_on: None,
        };
        let first = step(1, CaseStep::Reminder, "2026-11-25", Some("2026-12-10"));
        store.open_case(&case, &first).await.expect("open");
        let again = CaseRecord {
            case_id: 41,
            ..case.clone()
        };
        assert_eq!(
            store.open_case(&again, &first).await.map_err(|e| e.code()),
            Err(Some("CASE_OPEN"))
        );
        // A legal review keeps its conclusion and the evidence it read.
        let order = CaseStepRecord {
            outcome: Some(ReviewOutcome::Refused),
            evidence: "约谈笔录（2026-12-09）".to_string(),
            staff_login: "fazhi01".to_string(),
            ..step(2, CaseStep::LegalReview, "2026-12-11", None)
        };
        assert!(store.add_case_step(40, &order, None).await.expect("step"));
        assert!(
            !store.add_case_step(40, &order, None).await.expect("dup"),
            "a step number is taken once"
        );
        assert_eq!(
            store.open_case_of(10).await.expect("o").map(|c| c.case_id),
            Some(40)
        );
        let open: Vec<(i64, i64)> = store
            .open_cases_of(&[11, 10, 99])
            .await
            .expect("batch")
            .iter()
            .map(|c| (c.employer_id, c.case_id))
            .collect();
        assert_eq!(open, [(10, 40)], "only the employers with an open case");
        let close = step(3, CaseStep::Closed, "2026-12-20", None);
        assert!(
            store
                .add_case_step(40, &close, Some(d("2026-12-20")))
                .await
                .expect("close")
        );
        let (closed, steps) = store.case(40).await.expect("c").expect("found");
        assert_eq!(closed.status, CaseStatus::Closed);
        assert_eq!(closed.closed_on, Some(d("2026-12-20")));
        assert_eq!(steps, vec![first, order, close]);
        assert!(
            !store
                .add_case_step(40, &step(4, CaseStep::Court, "2026-12-21", None), None)
                .await
                .expect("closed"),
            "a closed case takes no more steps"
        );
        assert_eq!(store.open_case_of(10).await.expect("o"), None);
        assert!(store.open_cases_of(&[10]).await.expect("o").is_empty());
        assert_eq!(
            store
                .cases(Some(CaseStatus::Closed), 10)
                .await
                .expect("l")
                .len(),
            1
        );
        assert!(
            store
                .cases(Some(CaseStatus::Open), 10)
                .await
                .expect("l")
                .is_empty()
        );
        assert_eq!(store.cases(None, 10).await.expect("l").len(), 1);
    })
}

pub fn flexible_agreements_and_deposits(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        two_employers_three_members(&store).await;
        let agreement = AgreementRecord {
            member_id: 3,
            agreement_version: "2025-07".to_string(),
            signed_on: d("2026-11-02"),
            mobile: "13800001234".to_string(),
            monthly_fen: anju_domain::Fen::new(50_000),
        };
        store.save_agreement(&agreement).await.expect("sign");
        assert_eq!(
            store.save_agreement(&agreement).await.map_err(|e| e.code()),
            Err(Some("AGREEMENT_EXISTS"))
        );
        assert_eq!(store.agreement(3).await.expect("a"), Some(agreement));
        assert_eq!(
            store
                .count_flexible_contributing(d("2026-01-01"))
                .await
                .expect("n"),
            0
        );
        let deposit = DepositRecord {
            deposit_id: 60,
            member_id: 3,
            period: 202611,
            amount_fen: anju_domain::Fen::new(50_000),
            paid_on: d("2026-11-03"),
            channel: "ecny".to_string(),
            reference: "E1".to_string(),
            entry_id: 70,
            request_key: "k1".to_string(),
            applied_via: Channel::Online,
        };
        store.save_deposit(&deposit).await.expect("deposit");
        store
            .save_deposit(&DepositRecord {
                deposit_id: 61,
                request_key: "k2".to_string(),
                ..deposit.clone()
            })
            .await
            .expect("deposit");
        assert!(
            store
                .save_deposit(&DepositRecord {
                    deposit_id: 62,
                    ..deposit.clone()
                })
                .await
                .is_err(),
            "one deposit per request key"
        );
        assert_eq!(
            store
                .deposit_by_key(3, "k2")
                .await
                .expect("d")
                .map(|d| d.deposit_id),
            Some(61)
        );
        assert_eq!(store.deposit_by_key(3, "k9").await.expect("d"), None);
        assert_eq!(store.deposits_of(3, 10).await.expect("l").len(), 2);
        assert_eq!(
            store
                .count_flexible_contributing(d("2026-01-01"))
                .await
                .expect("n"),
            1
        );
        assert_eq!(
            store
                .count_flexible_contributing(d("2026-11-04"))
                .await
                .expect("n"),
            0
        );
    })
}
