use super::*;
use crate::test_support::{clerk, contribution, d, person, reviewer, sqlite_app, yuan};
use anju_domain::access::Role;
use anju_domain::collection::MemberStatus;
use anju_domain::withdrawal::AgreementKind;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_store::MemberRecord;

const CARD: &str = "62220201000041234";
/// Luhn-valid and ending in 0000: the payout simulator's bank refuses it.
const REFUSED_CARD: &str = "62220201000080000";
const TODAY: &str = "2026-11-29";

fn member() -> Actor {
    person(Role::Member, "320502199003071230", Some(1))
}

/// A centre with member 1 (born 1990) holding ¥50,000.00, and member 2
/// (born 1966, so 60) holding ¥30,000.00.
async fn centre(dir: &tempfile::TempDir) -> App {
    // Member 2 is member 1's parent, by the (simulated) civil registers.
    let registers = crate::registries::RegistryData {
        parents: vec![(
            IdCardNo::parse("320502199003071230").expect("id"),
            IdCardNo::parse("320502196611290011").expect("id"),
        )],
        ..crate::registries::RegistryData::default()
    };
    let app = sqlite_app(dir, "w.db")
        .await
        .with_registries(crate::registries::Registries::simulated(registers));
    let wage = yuan("10000.00");
    let record =
        |member_id, id_card: &str| MemberRecord::active(member_id, id_card, "王芳", 9, wage, 1);
    let members = [
        record(1, "320502199003071230"),
        record(2, "320502196611290011"),
    ];
    app.collection_port()
        .enrol_members(&members, d("2024-07-01"))
        .await
        .expect("enrol");
    for (m, fen) in [(1, 50_000_00), (2, 30_000_00)] {
        let entry = contribution(m, d("2026-10-10"), &format!("seed-{m}"), Fen::new(fen));
        app.ledger().post_entry(entry).await.expect("post");
    }
    app
}

fn rent(amount: &str, months: i64, key: &str) -> WithdrawalApplication {
    WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "07".into(),
            amount: yuan(amount),
            months,
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: Vec::new(),
        request_key: key.into(),
    }
}

/// A commercial mortgage's 委托提取还贷 terms: paid on the 20th to `CARD`.
fn commercial_terms(contract_no: &str, monthly: &str) -> RepaymentTerms {
    RepaymentTerms {
        kind: AgreementKind::Commercial,
        lender: "中国工商银行苏州分行".into(),
        loan_contract_no: contract_no.into(),
        monthly: yuan(monthly),
        pay_day: 20,
        bank_card: CARD.into(),
        ends_on: d("2046-10-31"),
    }
}

async fn balance(app: &App, member: i64) -> Fen {
    app.ledger()
        .member_balance(MemberId(member))
        .await
        .expect("balance")
        .balance
}

#[tokio::test]
async fn a_month_of_rent_is_reviewed_once_and_paid() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("1500.00", 1, "k1"), d(TODAY))
        .await
        .expect("apply");
    assert_eq!(
        (applied.status.code(), applied.needs_second),
        ("submitted", false)
    );
    assert!(
        applied.rule.contains("每人每月最高 ¥1,500.00"),
        "{}",
        applied.rule
    );
    let again = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("1500.00", 1, "k1"), d(TODAY))
        .await
        .expect("replay");
    assert_eq!(
        again.withdrawal_id, applied.withdrawal_id,
        "the same request key is one application"
    );
    let paid = app
        .withdrawals()
        .prepare_withdrawal(
            &clerk(),
            applied.withdrawal_id,
            "无自有住房，核对无误",
            d(TODAY),
        )
        .await
        .expect("prepare");
    assert_eq!(paid.status, WithdrawalStatus::Paid);
    assert!(
        paid.payout_reference
            .as_deref()
            .is_some_and(|r| r.starts_with("PO20261129"))
    );
    assert_eq!(balance(&app, 1).await, yuan("48500.00"));
    let late = app
        .withdrawals()
        .reject_withdrawal(&reviewer(), applied.withdrawal_id, "复查", d("2026-12-01"))
        .await
        .expect_err("paid already");
    assert_eq!(late.code(), Some("WITHDRAWAL_STATE"));
    assert_eq!(
        app.withdrawals()
            .withdrawal(applied.withdrawal_id)
            .await
            .expect("read")
            .status,
        WithdrawalStatus::Paid
    );
    let k = app
        .withdrawals()
        .withdrawal_indicators(d("2026-01-01"), d(TODAY))
        .await
        .expect("indicators");
    assert_eq!(
        (k.withdrawn, k.housing),
        (yuan("1500.00"), yuan("1500.00")),
        "rent is housing (K11)"
    );
    assert_eq!(
        k.by_reason,
        vec![("07".to_string(), "租房".to_string(), 1, yuan("1500.00"))]
    );
    // The month's cap is used up.
    let more = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("0.01", 1, "k2"), d(TODAY))
        .await
        .expect_err("cap reached");
    assert_eq!(more.code(), Some("NOTHING_TO_WITHDRAW"));
    assert!(more.to_string().contains("已提取 ¥1,500.00"), "{more}");
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

#[tokio::test]
async fn a_year_of_rent_needs_a_second_person_and_a_refusal_writes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let over = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("18000.01", 12, "k0"), d(TODAY))
        .await
        .expect_err("over the cap");
    assert_eq!(over.code(), Some("AMOUNT_OVER_CAP"));
    assert!(
        app.withdrawals()
            .withdrawals_of(1)
            .await
            .expect("list")
            .is_empty(),
        "nothing written"
    );
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("18000.00", 12, "k1"), d(TODAY))
        .await
        .expect("apply");
    assert!(applied.needs_second);
    let prepared = app
        .withdrawals()
        .prepare_withdrawal(&clerk(), applied.withdrawal_id, "材料齐全", d(TODAY))
        .await
        .expect("prepare");
    assert_eq!(
        prepared.status,
        WithdrawalStatus::Prepared,
        "waits for 复核"
    );
    let by_clerk = app
        .withdrawals()
        .approve_withdrawal(&clerk(), applied.withdrawal_id, "", d(TODAY))
        .await
        .expect_err("a clerk is not a reviewer");
    assert_eq!(by_clerk.code(), Some("NOT_A_REVIEWER"));
    let manager_who_prepared = person(Role::Manager, "clerk-1", None);
    let own = app
        .withdrawals()
        .approve_withdrawal(&manager_who_prepared, applied.withdrawal_id, "", d(TODAY))
        .await
        .expect_err("own preparation");
    assert_eq!(own.code(), Some("SELF_APPROVAL"));
    let paid = app
        .withdrawals()
        .approve_withdrawal(&reviewer(), applied.withdrawal_id, "同意", d(TODAY))
        .await
        .expect("approve");
    assert_eq!(
        (paid.status.code(), paid.approved_by.as_deref()),
        ("paid", Some("reviewer-1"))
    );
    assert_eq!(balance(&app, 1).await, yuan("32000.00"));
}

#[tokio::test]
async fn a_refused_payout_leaves_the_balance_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let application = WithdrawalApplication {
        bank_card: REFUSED_CARD.into(),
        ..rent("1500.00", 1, "k1")
    };
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, application, d(TODAY))
        .await
        .expect("apply");
    let failed = app
        .withdrawals()
        .prepare_withdrawal(&clerk(), applied.withdrawal_id, "", d(TODAY))
        .await
        .expect("prepare");
    assert_eq!(failed.status, WithdrawalStatus::Failed);
    assert!(
        failed
            .payout_reference
            .as_deref()
            .is_some_and(|r| r.contains("银行退回"))
    );
    assert_eq!(balance(&app, 1).await, yuan("50000.00"));
    // The hold is released: the month can be applied for again, to a good card.
    let retry = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("1500.00", 1, "k2"), d(TODAY))
        .await
        .expect("again");
    assert_eq!(retry.status, WithdrawalStatus::Submitted);
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

#[tokio::test]
async fn retirement_at_the_counter_pays_everything_with_closing_interest_and_closes() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let application = WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "03".into(),
            amount: yuan("30000.00"),
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: Vec::new(),
        request_key: "k1".into(),
    };
    let applied = app
        .withdrawals()
        .apply_withdrawal(&clerk(), 2, application, d(TODAY))
        .await
        .expect("apply");
    assert_eq!(
        (applied.channel.as_str(), applied.status.code()),
        ("counter", "prepared")
    );
    assert!(applied.needs_second && applied.closes_account);
    let paid = app
        .withdrawals()
        .approve_withdrawal(&reviewer(), applied.withdrawal_id, "同意", d(TODAY))
        .await
        .expect("approve");
    assert_eq!(paid.status, WithdrawalStatus::Paid);
    assert_eq!(balance(&app, 2).await, Fen::ZERO);
    let closed = app
        .collection_port()
        .member(2)
        .await
        .expect("read")
        .expect("member");
    assert_eq!(closed.status, MemberStatus::Closed, "销户");
    let moves = app
        .ledger()
        .member_movements_newest(MemberId(2), 5)
        .await
        .expect("moves");
    let types: Vec<&str> = moves.iter().map(|m| m.business_type.as_str()).collect();
    assert!(
        types.contains(&"C12") && types.contains(&"C09"),
        "{types:?}"
    );
    let more = app
        .withdrawals()
        .apply_withdrawal(&clerk(), 2, rent("1.00", 1, "k2"), d(TODAY))
        .await
        .expect_err("closed");
    assert_eq!(more.code(), Some("ACCOUNT_CLOSED"));
}

#[tokio::test]
async fn documents_are_checked_and_a_contract_serves_once() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let purchase = |key: &str, documents: Vec<UploadedDocument>| WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "01".into(),
            amount: yuan("5000.00"),
            evidence_no: Some("SZ-2026-0001".into()),
            evidence_date: Some(d("2026-10-01")),
            evidence_amount: Some(yuan("300000.00")),
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents,
        request_key: key.into(),
    };
    let doc = |doc_type: &str, content: &[u8]| UploadedDocument {
        doc_type: doc_type.into(),
        file_name: "scan.pdf".into(),
        content: content.to_vec(),
    };
    let missing = app
        .withdrawals()
        .apply_withdrawal(
            &member(),
            1,
            purchase("k1", vec![doc("购房合同", b"%PDF-1.4 x")]),
            d(TODAY),
        )
        .await
        .expect_err("invoice missing");
    assert_eq!(missing.code(), Some("DOCUMENT_MISSING"));
    let bad = app
        .withdrawals()
        .apply_withdrawal(
            &member(),
            1,
            purchase(
                "k1",
                vec![
                    doc("购房合同", b"MZ\x90"),
                    doc("购房发票或完税凭证", b"%PDF-1.4"),
                ],
            ),
            d(TODAY),
        )
        .await
        .expect_err("not a PDF");
    assert_eq!(bad.code(), Some("DOCUMENT_FORMAT"));
    let good = vec![
        doc("购房合同", b"%PDF-1.4 a"),
        doc("购房发票或完税凭证", b"\x89PNG...."),
    ];
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, purchase("k1", good.clone()), d(TODAY))
        .await
        .expect("apply");
    let docs = app
        .withdrawal_port()
        .documents_of(applied.withdrawal_id)
        .await
        .expect("docs");
    assert_eq!(
        docs.iter()
            .map(|d| d.content_type.as_str())
            .collect::<Vec<_>>(),
        ["application/pdf", "image/png"]
    );
    // Family members share a purchase contract up to the price: member 2
    // (member 1's parent, by the registers) may draw on it too, but the
    // total stays within ¥300,000.00.
    let decision = app
        .withdrawals()
        .withdrawal_eligibility(2, &purchase("x", Vec::new()).request, d(TODAY))
        .await
        .expect("decide");
    assert!(decision.allowed, "{}", decision.rule);
    assert!(
        decision.rule.contains("已提取 ¥5,000.00"),
        "{}",
        decision.rule
    );
}

#[tokio::test]
async fn members_apply_only_for_themselves_and_the_blacklist_refuses() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let other = app
        .withdrawals()
        .apply_withdrawal(&member(), 2, rent("100.00", 1, "k1"), d(TODAY))
        .await
        .expect_err("someone else's account");
    assert_eq!(other.code(), Some("WITHDRAWAL_SCOPE"));
    let entry = anju_store::BlacklistRecord::to_list(
        "320502199003071230",
        d("2026-01-05"),
        d("2029-01-04"),
        "骗提住房公积金",
        "（2026）苏05刑初1号",
    );
    let by_clerk = app
        .withdrawals()
        .add_to_blacklist(&clerk(), &entry)
        .await
        .expect_err("clerk");
    assert_eq!(by_clerk.code(), Some("NOT_A_REVIEWER"));
    let backwards = anju_store::BlacklistRecord {
        expires_on: d("2025-01-01"),
        ..entry.clone()
    };
    let err = app
        .withdrawals()
        .add_to_blacklist(&reviewer(), &backwards)
        .await
        .expect_err("period");
    assert_eq!(err.code(), Some("BLACKLIST_PERIOD"));
    app.withdrawals()
        .add_to_blacklist(&reviewer(), &entry)
        .await
        .expect("list");
    let listed = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("100.00", 1, "k2"), d(TODAY))
        .await
        .expect_err("blacklisted");
    assert_eq!(listed.code(), Some("BLACKLISTED"));
    assert!(listed.to_string().contains("骗提住房公积金"), "{listed}");
}

/// 委托提取还贷: signed once, paid on its day each month (once however often
/// the day runs), what the account holds when it holds less, and no more
/// once ended.
#[tokio::test]
async fn an_entrusted_repayment_pays_each_month_once() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let terms = commercial_terms("GH-2026-77", "30000.00");
    let bad = RepaymentTerms {
        pay_day: 31,
        ..terms.clone()
    };
    let refused = app
        .withdrawals()
        .sign_repayment_agreement(&member(), 1, &bad, d(TODAY))
        .await
        .expect_err("day 31");
    assert_eq!(refused.code(), Some("REPAYMENT_TERMS"));
    app.withdrawals()
        .sign_repayment_agreement(&member(), 1, &terms, d(TODAY))
        .await
        .expect("sign");
    let not_yet = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-19"))
        .await
        .expect("day 19");
    assert_eq!(not_yet.due, 0);
    let first = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-20"))
        .await
        .expect("day 20");
    assert_eq!(
        (first.due, first.paid, first.total),
        (1, 1, yuan("30000.00"))
    );
    let again = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-20"))
        .await
        .expect("again");
    assert_eq!((again.due, again.already_done, again.paid), (1, 1, 0));
    assert_eq!(balance(&app, 1).await, yuan("20000.00"));
    // January: the account holds ¥20,000.00, less than the installment.
    let january = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-01-20"))
        .await
        .expect("january");
    assert_eq!(
        (january.paid, january.partial, january.total),
        (1, 1, yuan("20000.00"))
    );
    let february = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-02-20"))
        .await
        .expect("february");
    assert_eq!(february.nothing_to_pay, 1);
    app.withdrawals()
        .end_repayment_agreement(&member(), 1)
        .await
        .expect("end");
    let march = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-03-20"))
        .await
        .expect("march");
    assert_eq!(march.due, 0);
    let paid = app.withdrawals().withdrawals_of(1).await.expect("list");
    assert!(
        paid.iter()
            .all(|w| w.channel == "entrusted" && w.bank_card == CARD)
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// A repayment day stopped half way (killed after writing an installment,
/// or after approving it) is carried on by the next run and paid once; a
/// withdrawal the run did not write is never approved by it; nobody can
/// apply under the run's keys.
#[tokio::test]
async fn a_half_done_installment_is_carried_on_and_foreign_ones_are_not() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let terms = commercial_terms("GH-2026-78", "1000.00");
    let signer = member();
    let agreement = app
        .withdrawals()
        .sign_repayment_agreement(&signer, 1, &terms, d(TODAY));
    let agreement = agreement.await.expect("sign");
    let refused = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("100.00", 1, "repay-1-202612"), d(TODAY))
        .await
        .expect_err("reserved");
    assert_eq!(refused.code(), Some("REQUEST_KEY_RESERVED"));

    // December: killed after the withdrawal was written, before approval.
    let key = |month: &str| format!("repay-{}-{month}", agreement.agreement_id);
    let write = |month: &str, day: &str| {
        let id = app.posting_port().reserve_ids(1);
        let amount = yuan("1000.00");
        repayment::installment_withdrawal(&agreement, id, amount, d(day), key(month))
    };
    let december = write("202612", "2026-12-20");
    let port = app.withdrawal_port();
    port.submit_withdrawal(&december, &[], false)
        .await
        .expect("write");
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-20"));
    let day = day.await.expect("december");
    assert_eq!(
        (day.paid, day.already_done, day.total),
        (1, 0, yuan("1000.00"))
    );
    assert_eq!(balance(&app, 1).await, yuan("49000.00"));

    // January: killed after approval, before the posting.
    let january = write("202701", "2027-01-20");
    port.submit_withdrawal(&january, &[], false)
        .await
        .expect("write");
    let approved = port.approve_withdrawal(
        january.withdrawal_id,
        WithdrawalStatus::Prepared,
        "system",
        "委托提取还贷",
    );
    assert!(approved.await.expect("approve"));
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-01-20"));
    assert_eq!(day.await.expect("january").paid, 1);
    let again = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-01-20"));
    assert_eq!(again.await.expect("again").already_done, 1);
    assert_eq!(balance(&app, 1).await, yuan("48000.00"));

    // February: a counter application written under the key (before keys
    // were reserved) is not the run's to approve.
    let mut foreign = write("202702", "2027-02-20");
    foreign.applicant = "clerk-1".into();
    foreign.channel = "counter".into();
    foreign.prepared_by = Some("clerk-1".into());
    port.submit_withdrawal(&foreign, &[], false)
        .await
        .expect("write");
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2027-02-20"));
    let day = day.await.expect("february");
    assert_eq!((day.failed, day.paid), (1, 0));
    let left = app
        .withdrawals()
        .withdrawal(foreign.withdrawal_id)
        .await
        .expect("read");
    assert_eq!(left.status, WithdrawalStatus::Prepared);
    assert_eq!(balance(&app, 1).await, yuan("48000.00"));
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// A withdrawal approved by a process that then stopped (killed between
/// approval and payment) is paid by the next payout retry once it has sat
/// long enough, and only once; a recent one is left to its process.
#[tokio::test]
async fn an_approved_withdrawal_left_unpaid_is_carried_on_by_the_retry() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let terms = commercial_terms("GH-2026-79", "1000.00");
    let signer = member();
    let agreement = app
        .withdrawals()
        .sign_repayment_agreement(&signer, 1, &terms, d(TODAY));
    let agreement = agreement.await.expect("sign");
    let id = app.posting_port().reserve_ids(1);
    let mut record = repayment::installment_withdrawal(
        &agreement,
        id,
        yuan("2500.00"),
        d(TODAY),
        "counter-7".into(),
    );
    record.channel = "counter".into();
    record.applicant = "王芳".into();
    let port = app.withdrawal_port();
    port.submit_withdrawal(&record, &[], false)
        .await
        .expect("write");
    let approved = port.approve_withdrawal(id, WithdrawalStatus::Prepared, "reviewer-1", "同意");
    assert!(approved.await.expect("approve"));
    // Too recent: its own process may still be paying it.
    let mut summary = PayoutRetry::default();
    let recent = app.withdrawals().resume_stranded(d(TODAY), 0, &mut summary);
    recent.await.expect("recent");
    assert_eq!(summary, PayoutRetry::default());
    let retry = app.withdrawals().retry_pending_payouts(&batch, d(TODAY));
    assert_eq!(
        retry.await.expect("retry").resumed,
        0,
        "five minutes have not passed"
    );
    // Staff see it once it has sat long enough, not before.
    assert!(
        app.withdrawals()
            .stranded_queue()
            .await
            .expect("queue")
            .is_empty()
    );
    let listed = app
        .withdrawals()
        .approved_before(i64::MAX)
        .await
        .expect("queue");
    let listed: Vec<i64> = listed.iter().map(|q| q.application.withdrawal_id).collect();
    assert_eq!(listed, [id]);
    // It was posted yesterday, before the process stopped: today's retry
    // asks the bank about that posting rather than posting again.
    let yesterday = d(TODAY).add_days(-1).expect("day");
    let posted = withdrawal_entry(&record, record.amount_fen, yesterday).expect("entry");
    app.ledger()
        .post_entry(posted)
        .await
        .expect("posted before the stop");
    let mut summary = PayoutRetry::default();
    let stranded = app
        .withdrawals()
        .resume_stranded(d(TODAY), i64::MAX, &mut summary);
    stranded.await.expect("stranded");
    assert_eq!((summary.resumed, summary.paid), (1, 1));
    let paid = app.withdrawals().withdrawal(id).await.expect("read");
    assert_eq!(paid.status, WithdrawalStatus::Paid);
    assert_eq!(balance(&app, 1).await, yuan("47500.00"));
    let mut again = PayoutRetry::default();
    let twice = app
        .withdrawals()
        .resume_stranded(d(TODAY), i64::MAX, &mut again);
    twice.await.expect("again");
    assert_eq!(again.resumed, 0, "paid once");
    assert_eq!(balance(&app, 1).await, yuan("47500.00"));

    // One approved for an account a court has frozen since is left to staff.
    let frozen_id = app.posting_port().reserve_ids(1);
    let frozen = WithdrawalRecord {
        withdrawal_id: frozen_id,
        request_key: "counter-8".into(),
        ..record.clone()
    };
    port.submit_withdrawal(&frozen, &[], false)
        .await
        .expect("write");
    let approved =
        port.approve_withdrawal(frozen_id, WithdrawalStatus::Prepared, "reviewer-1", "同意");
    assert!(approved.await.expect("approve"));
    app.collection()
        .freeze_member(&clerk(), 1, "（2026）苏0508执保125号 协助冻结通知书")
        .await
        .expect("freeze");
    let mut held = PayoutRetry::default();
    let stranded = app
        .withdrawals()
        .resume_stranded(d(TODAY), i64::MAX, &mut held);
    stranded.await.expect("frozen");
    assert_eq!((held.resumed, held.left_to_staff), (0, 1));
    assert_eq!(balance(&app, 1).await, yuan("47500.00"));
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
}

/// A court-frozen (冻结) account: no withdrawal, and the entrusted
/// repayment day skips it, taking nothing; unfrozen, it pays again.
#[tokio::test]
async fn a_frozen_account_gives_nothing_to_withdrawals_or_entrusted_repayments() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let batch = Actor::anonymous(anju_domain::access::Channel::Batch, "test", "local");
    let terms = commercial_terms("GH-2026-78", "3000.00");
    app.withdrawals()
        .sign_repayment_agreement(&member(), 1, &terms, d(TODAY))
        .await
        .expect("sign");
    app.collection()
        .freeze_member(&clerk(), 1, "（2026）苏0508执保123号 协助冻结通知书")
        .await
        .expect("freeze");
    let refused = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("1000.00", 1, "k-frozen"), d(TODAY))
        .await
        .expect_err("frozen");
    assert_eq!(refused.code(), Some("ACCOUNT_FROZEN"));
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&batch, d("2026-12-20"))
        .await
        .expect("day 20");
    assert_eq!((day.due, day.paid, day.nothing_to_pay), (1, 0, 1));
    assert_eq!(
        balance(&app, 1).await,
        yuan("50000.00"),
        "nothing left the account"
    );
    assert!(
        app.withdrawals()
            .withdrawals_of(1)
            .await
            .expect("list")
            .is_empty()
    );
}

/// Frozen after applying, before the review: the approval is refused and
/// nothing leaves the account.
#[tokio::test]
async fn an_account_frozen_while_an_application_waits_is_not_paid() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let applied = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("1500.00", 1, "k-late-freeze"), d(TODAY))
        .await
        .expect("apply");
    app.collection()
        .freeze_member(&clerk(), 1, "（2026）苏0508执保124号 协助冻结通知书")
        .await
        .expect("freeze");
    let refused = app
        .withdrawals()
        .prepare_withdrawal(&clerk(), applied.withdrawal_id, "核对无误", d(TODAY))
        .await
        .expect_err("frozen");
    assert_eq!(refused.code(), Some("ACCOUNT_FROZEN"));
    assert_eq!(balance(&app, 1).await, yuan("50000.00"));
}

#[tokio::test]
async fn the_review_queue_carries_each_applicant_and_their_documents() {
    let dir = tempfile::tempdir().expect("dir");
    let app = centre(&dir).await;
    let parent = person(Role::Member, "320502196611290011", Some(2));
    let purchase = WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "01".into(),
            amount: yuan("5000.00"),
            evidence_no: Some("SZ-2026-0002".into()),
            evidence_date: Some(d("2026-10-01")),
            evidence_amount: Some(yuan("300000.00")),
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: ["购房合同", "购房发票或完税凭证"]
            .map(|doc_type| UploadedDocument {
                doc_type: doc_type.into(),
                file_name: "scan.pdf".into(),
                content: b"%PDF-1.4 x".to_vec(),
            })
            .to_vec(),
        request_key: "k2".into(),
    };
    let rent_1 = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, rent("100.00", 1, "k1"), d(TODAY))
        .await
        .expect("rent");
    let bought = app
        .withdrawals()
        .apply_withdrawal(&member(), 1, purchase, d(TODAY))
        .await
        .expect("purchase");
    let rent_2 = app
        .withdrawals()
        .apply_withdrawal(&parent, 2, rent("100.00", 1, "k3"), d(TODAY))
        .await
        .expect("rent");
    let queue = app
        .withdrawals()
        .review_queue(WithdrawalStatus::Submitted)
        .await
        .expect("queue");
    let seen: Vec<(i64, Option<i64>, Vec<&str>)> = queue
        .iter()
        .map(|q| {
            (
                q.application.withdrawal_id,
                q.applicant.as_ref().map(|m| m.member_id),
                q.documents.iter().map(|d| d.doc_type.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (rent_1.withdrawal_id, Some(1), Vec::new()),
            (
                bought.withdrawal_id,
                Some(1),
                vec!["购房合同", "购房发票或完税凭证"]
            ),
            (rent_2.withdrawal_id, Some(2), Vec::new()),
        ]
    );
    assert!(
        queue
            .iter()
            .flat_map(|q| &q.documents)
            .all(|d| d.content.is_empty()),
        "the queue carries no document's content"
    );
    assert!(
        app.withdrawals()
            .review_queue(WithdrawalStatus::Prepared)
            .await
            .expect("queue")
            .is_empty()
    );
}
