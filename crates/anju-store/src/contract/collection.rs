//! Contract cases for the collection registry and bills.

use super::BoxFuture;
use super::cases::d;
use crate::{
    BillLineRecord, BillPayment, BillRecord, EmployerRecord, MemberChange, MemberRecord, Store,
};
use anju_domain::access::Channel;
use anju_domain::collection::EmployerStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::ledger::MemberId;
use std::sync::Arc;

pub(super) fn employer(id: i64, uscc: &str) -> EmployerRecord {
    EmployerRecord {
        employer_id: id,
        uscc: uscc.to_string(),
        name: format!("单位{id}"),
        pay_day: Some(15),
        employer_rate_ppm: crate::contract::ppm(100_000),
        member_rate_ppm: crate::contract::ppm(100_000),
        status: EmployerStatus::Active,
        opened_at_us: 1,
        economic_type: Some("150".to_string()),
        industry: Some("I".to_string()),
        bank_account: None,
        source: "counter".to_string(),
    }
}

pub(super) fn member(
    id: i64,
    id_card: &str,
    employer_id: Option<i64>,
    status: MemberStatus,
) -> MemberRecord {
    MemberRecord {
        member_id: id,
        id_card: id_card.to_string(),
        name: format!("职工{id}"),
        employer_id,
        status,
        wage_fen: anju_domain::Fen::new(800_000),
        employer_rate_ppm: None,
        member_rate_ppm: (id == 3).then_some(crate::contract::ppm(50_000)),
        enrolled_at_us: 2,
    }
}

pub(super) fn bill(id: i64, employer_id: i64, period: i32, due: &str) -> BillRecord {
    let total = anju_domain::Fen::new(320_000);
    BillRecord::open_remittance(id, employer_id, period, d(due), total, 2, 3)
}

pub fn employers_and_members_register_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let e = employer(10, "91350100M000100Y43");
        store.register_employer(&e).await.expect("register");
        let dup = store
            .register_employer(&employer(11, "91350100M000100Y43"))
            .await;
        assert_eq!(dup.expect_err("same code").code(), Some("EMPLOYER_EXISTS"));
        assert_eq!(
            store
                .employer_by_uscc("91350100M000100Y43")
                .await
                .expect("read"),
            Some(e.clone())
        );
        assert_eq!(store.employers(10).await.expect("list"), vec![e.clone()]);
        assert_eq!(
            store
                .count_employers(EmployerStatus::Active)
                .await
                .expect("count"),
            1
        );
        assert_eq!(
            store
                .count_employers(EmployerStatus::Closed)
                .await
                .expect("count"),
            0
        );
        let second = employer(12, "91320500MA1MXXXX07");
        store.register_employer(&second).await.expect("register");
        assert_eq!(
            store.employers_by_ids(&[12, 99, 10]).await.expect("batch"),
            vec![e, second],
            "the registered ones, by id; an unknown id is left out"
        );
        assert!(store.employers_by_ids(&[]).await.expect("none").is_empty());
        let members = [
            member(1, "320502199003071230", Some(10), MemberStatus::Active),
            member(2, "11010519491231002X", Some(10), MemberStatus::Sealed),
            member(3, "320502199001020013", Some(10), MemberStatus::Active),
        ];
        store
            .enrol_members(&members, d("2026-11-01"))
            .await
            .expect("enrol");
        assert!(
            store
                .member_balance(MemberId(1))
                .await
                .expect("read")
                .is_some(),
            "the ledger account is open"
        );
        assert_eq!(
            store.member(3).await.expect("read"),
            Some(members[2].clone())
        );
        assert_eq!(
            store
                .member_by_id_card("11010519491231002X")
                .await
                .expect("read")
                .map(|m| m.member_id),
            Some(2)
        );
        let mut known: Vec<i64> = store
            .members_by_id_cards(&[
                "11010519491231002X",
                "320502199003071230",
                "320502199001030019",
            ])
            .await
            .expect("batch lookup")
            .iter()
            .map(|m| m.member_id)
            .collect();
        known.sort();
        assert_eq!(known, vec![1, 2], "only the enrolled ones");
        let active: Vec<i64> = store
            .active_members(10)
            .await
            .expect("active")
            .iter()
            .map(|m| m.member_id)
            .collect();
        assert_eq!(active, vec![1, 3], "sealed members are not billed");
        let seal = MemberChange {
            member_id: 1,
            expected_status: MemberStatus::Active,
            status: MemberStatus::Sealed,
            employer_id: None,
            wage_fen: None,
            on: Some(d("2026-11-02")),
        };
        assert!(store.update_member(&seal).await.expect("seal"));
        assert!(
            !store.update_member(&seal).await.expect("seal twice"),
            "only from the expected status"
        );
        let moved = MemberChange {
            member_id: 1,
            expected_status: MemberStatus::Sealed,
            status: MemberStatus::Active,
            employer_id: Some(10),
            wage_fen: Some(anju_domain::Fen::new(900_000)),
            on: None,
        };
        assert!(store.update_member(&moved).await.expect("unseal"));
        let back = store.member(1).await.expect("read").expect("exists");
        assert_eq!(
            (back.status.code(), back.employer_id, back.wage_fen),
            ("01", Some(10), anju_domain::Fen::new(900_000))
        );
        let again = [
            member(4, "320502199001030019", Some(10), MemberStatus::Active),
            member(5, "320502199003071230", Some(10), MemberStatus::Active),
        ];
        let dup = store.enrol_members(&again, d("2026-11-01")).await;
        assert_eq!(dup.expect_err("dup").code(), Some("MEMBER_EXISTS"));
        assert_eq!(store.member(4).await.expect("read"), None, "all or nothing");
        assert!(
            store
                .member_balance(MemberId(4))
                .await
                .expect("read")
                .is_none()
        );
    })
}

pub fn bills_are_monthly_and_paid_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let lines = [
            BillLineRecord {
                line_no: 1,
                member_id: 1,
                base_fen: anju_domain::Fen::new(800_000),
                employer_fen: anju_domain::Fen::new(80_000),
                member_fen: anju_domain::Fen::new(80_000),
            },
            BillLineRecord {
                line_no: 2,
                member_id: 3,
                base_fen: anju_domain::Fen::new(800_000),
                employer_fen: anju_domain::Fen::new(80_000),
                member_fen: anju_domain::Fen::new(80_000),
            },
        ];
        let b = bill(100, 10, 202611, "2026-11-20");
        store.save_bill(&b, &lines).await.expect("save");
        let dup = store
            .save_bill(&bill(101, 10, 202611, "2026-11-20"), &lines)
            .await;
        assert_eq!(dup.expect_err("same month").code(), Some("BILL_EXISTS"));
        assert_eq!(
            store.bill(100).await.expect("read"),
            Some((b.clone(), lines.to_vec()))
        );
        assert!(
            store
                .overdue_bills(d("2026-11-20"), 10)
                .await
                .expect("overdue")
                .is_empty(),
            "due today is not overdue"
        );
        let overdue = store
            .overdue_bills(d("2026-11-21"), 10)
            .await
            .expect("overdue");
        assert_eq!(
            overdue.iter().map(|b| b.bill_id).collect::<Vec<_>>(),
            vec![100]
        );
        let payment = |entry_id: i64, on: &str| BillPayment {
            entry_id,
            paid_on: d(on),
            channel: "bank".into(),
            reference: format!("BK-{entry_id}"),
            paid_via: Channel::Online,
        };
        assert!(
            store
                .mark_bill_paid(100, &payment(555, "2026-11-25"))
                .await
                .expect("pay")
        );
        assert!(
            !store
                .mark_bill_paid(100, &payment(556, "2026-11-26"))
                .await
                .expect("pay again"),
            "paid once"
        );
        let (paid, _) = store.bill(100).await.expect("read").expect("exists");
        assert_eq!(
            (paid.status.code(), paid.paid_entry_id, paid.paid_on),
            ("paid", Some(555), Some(d("2026-11-25")))
        );
        assert_eq!(paid.payment_reference.as_deref(), Some("BK-555"));
        let that_day = store
            .bills_paid_on(d("2026-11-25"))
            .await
            .expect("paid that day");
        assert_eq!(
            that_day.iter().map(|b| b.bill_id).collect::<Vec<_>>(),
            vec![100]
        );
        assert!(
            store
                .bills_paid_on(d("2026-11-26"))
                .await
                .expect("none")
                .is_empty()
        );
        assert!(
            store
                .overdue_bills(d("2027-01-01"), 10)
                .await
                .expect("overdue")
                .is_empty()
        );
        assert_eq!(store.bills_of(10, 10).await.expect("list").len(), 1);
    })
}

/// A status the code does not know, written behind the store's back (`raw`
/// runs one SQL statement on the backend), is reported naming the table,
/// the column and the value — never read as a default. Backends call this
/// from their own tests, since only they can write raw SQL.
pub async fn unknown_codes_are_reported<F>(store: &dyn Store, raw: F)
where
    F: Fn(&'static str) -> BoxFuture<()>,
{
    one_member(store).await;
    raw("UPDATE employer SET status = '99' WHERE employer_id = 10").await;
    raw("UPDATE member SET status = 'gone' WHERE member_id = 1").await;
    let employer_error = store.employer(10).await.expect_err("employer status 99");
    assert!(
        matches!(
            &employer_error,
            crate::StoreError::Corrupt { table: "employer", column: "status", value } if value == "99"
        ),
        "{employer_error}"
    );
    assert_eq!(
        employer_error.to_string(),
        "stored value not understood: employer.status = “99”"
    );
    let member_error = store
        .active_members(10)
        .await
        .map(|found| found.len())
        .err()
        .or(store.member(1).await.err())
        .expect("member status gone");
    assert!(
        member_error.to_string().contains("member.status = “gone”"),
        "{member_error}"
    );
}

/// A database from before sealing, as the sealing step finds it: every
/// sealed column in clear, no blind index, `personal_seal` empty. Opening
/// it again (`reopen`) seals and indexes every row, so a member is found by
/// ID number and name and opens; a rotated key file (`reopen_rotated`: a new
/// key first, the old one last) re-seals it all and still finds them.
/// `document_in_clear` writes withdrawal 10's scan (`职工1身份证.jpg`,
/// bytes FF D8 FF E0) as a database from before documents were sealed
/// holds it: each engine spells bytes its own way.
pub async fn rows_in_clear_are_sealed_on_open<F, R, Q>(
    store: &dyn Store,
    raw: F,
    document_in_clear: &'static str,
    reopen: R,
    reopen_rotated: Q,
) where
    F: Fn(&'static str) -> BoxFuture<()>,
    R: Fn() -> BoxFuture<Arc<dyn Store>>,
    Q: FnOnce() -> BoxFuture<Arc<dyn Store>>,
{
    one_member(store).await;
    let call = super::quality::call("CDR-1", "2026-11-02", None);
    store.insert_calls(&[call]).await.expect("a call");
    let scan = crate::DocumentRecord {
        withdrawal_id: 10,
        doc_no: 1,
        doc_type: "身份证".into(),
        file_name: "职工1身份证.jpg".into(),
        content_type: "image/jpeg".into(),
        size_bytes: 4,
        sha256: "ab".into(),
        content: b"\xff\xd8\xff\xe0".to_vec(),
    };
    let application = super::withdrawal::application(10, 1, 100_00, None);
    let scans = [scan];
    let submitted = store.submit_withdrawal(&application, &scans, false);
    submitted.await.expect("a document");
    raw(
        "UPDATE member SET id_card = '320502199001011234', name = '职工1', \
         id_card_bidx = NULL, name_bidx = NULL WHERE member_id = 1",
    )
    .await;
    raw("UPDATE hotline_call SET caller = '13812345678'").await;
    raw(document_in_clear).await;
    raw("UPDATE personal_seal SET key_id = '', index_key_id = '', scope = 1").await;
    let found = |store: Arc<dyn Store>| async move {
        let by_id = store
            .member_by_id_card("320502199001011234")
            .await
            .expect("lookup")
            .expect("found by its blind index");
        assert_eq!((by_id.member_id, by_id.name.as_str()), (1, "职工1"));
        let by_name = store.search_members("职工1", 10).await.expect("search");
        assert_eq!(by_name.len(), 1, "found by name");
        assert_eq!(
            store.member(1).await.expect("opens").map(|m| m.member_id),
            Some(1)
        );
        let call = store.hotline_call("CDR-1").await.expect("opens");
        assert_eq!(call.expect("the call").call.caller, "13812345678");
        let scan = store
            .document(10, 1)
            .await
            .expect("opens")
            .expect("the scan");
        assert_eq!(scan.file_name, "职工1身份证.jpg");
        assert_eq!(scan.content, b"\xff\xd8\xff\xe0");
        let listed = store.documents_of(10).await.expect("list opens");
        assert_eq!(listed[0].file_name, "职工1身份证.jpg");
    };
    found(reopen().await).await;
    // A database sealed before callers and documents were (scope 1): they
    // are sealed on the next open, with no new key…
    raw("UPDATE hotline_call SET caller = '13812345678'").await;
    raw(document_in_clear).await;
    raw("UPDATE personal_seal SET scope = 1").await;
    found(reopen().await).await;
    // …one sealed before documents were (scope 2) has them sealed…
    raw(document_in_clear).await;
    raw("UPDATE personal_seal SET scope = 2").await;
    found(reopen().await).await;
    // …and with a new key, the rest re-sealed at the same time.
    raw("UPDATE hotline_call SET caller = '13812345678'").await;
    raw(document_in_clear).await;
    raw("UPDATE personal_seal SET scope = 1").await;
    found(reopen_rotated().await).await;
}

/// Employer 10 with member 1 (320502199001011234), enrolled on 1 July 2026.
async fn one_member(store: &dyn Store) {
    store
        .register_employer(&employer(10, "91320500MA1XXXXX1X"))
        .await
        .expect("register");
    let enrolled = [member(
        1,
        "320502199001011234",
        Some(10),
        MemberStatus::Active,
    )];
    store
        .enrol_members(&enrolled, d("2026-07-01"))
        .await
        .expect("enrol");
}
