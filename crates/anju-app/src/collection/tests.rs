use crate::App;
use crate::access::Actor;
use anju_domain::access::Channel;
use anju_domain::collection::BillStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::collection::{ContributionRates, EmployerRegistration, MemberEnrolment};
use anju_domain::ledger::MemberId;
use anju_domain::{Fen, Period, RatePpm};

pub(super) async fn app(dir: &tempfile::TempDir) -> App {
    crate::test_support::sqlite_app(dir, "c.db").await
}

pub(super) use crate::test_support::d;

pub(super) fn batch() -> Actor {
    Actor::anonymous(Channel::Online, "req", "127.0.0.1")
}

pub(super) fn rates(p: &str) -> ContributionRates {
    let r = RatePpm::parse_percent(p).expect("rate");
    ContributionRates {
        employer: r,
        member: r,
    }
}

/// Registers an employer on 2026-11-01 with one rate for both sides.
pub(super) async fn register(
    app: &App,
    uscc: &str,
    name: &str,
    pay_day: Option<u32>,
    rate: &str,
) -> anju_store::EmployerRecord {
    let registration = EmployerRegistration::new(uscc, name, pay_day, rates(rate)).expect("reg");
    app.collection()
        .register_employer(&batch(), &registration, d("2026-11-01"))
        .await
        .expect("register")
}

#[tokio::test]
async fn a_month_from_registration_to_payment() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let employer = register(
        &app,
        "91350100M000100Y43",
        "苏州示范科技有限公司",
        Some(15),
        "10",
    )
    .await;
    let people = [
        MemberEnrolment::new("320502199003071230", "张伟", "8000.00").expect("m"),
        MemberEnrolment::new("11010519491231002X", "王芳", "60000.00").expect("m"),
    ];
    let members = app
        .collection()
        .enrol_members(&batch(), employer.employer_id, &people, d("2026-11-01"))
        .await
        .expect("enrol");
    let again = app
        .collection()
        .enrol_members(
            &batch(),
            employer.employer_id,
            &people[..1],
            d("2026-11-02"),
        )
        .await;
    assert_eq!(
        again.expect_err("one person, one account").code(),
        Some("MEMBER_EXISTS")
    );
    let period = Period::parse("202611").expect("period");
    let bill = app
        .collection()
        .generate_bill(&batch(), employer.employer_id, period)
        .await
        .expect("bill");
    // 8,000 × 10% × 2 = 1,600.00; 60,000 clamps to the 2026 cap of 40,600
    // (in force from 2026-07-01): × 10% × 2 = 8,120.00.
    assert_eq!(bill.total_fen, anju_domain::Fen::new(160_000 + 812_000));
    assert_eq!(bill.due_date, d("2026-11-20"));
    let twice = app
        .collection()
        .generate_bill(&batch(), employer.employer_id, period)
        .await;
    assert_eq!(
        twice.expect_err("one bill a month").code(),
        Some("BILL_EXISTS")
    );
    assert!(
        app.collection()
            .overdue_bills(d("2026-11-20"))
            .await
            .expect("overdue")
            .is_empty()
    );
    assert_eq!(
        app.collection()
            .overdue_bills(d("2026-11-21"))
            .await
            .expect("overdue")
            .len(),
        1
    );
    let paid = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "bank", d("2026-11-18"))
        .await
        .expect("pay");
    assert_eq!(paid.status, BillStatus::Paid);
    let again = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "bank", d("2026-11-19"))
        .await
        .expect("pay again");
    assert_eq!(
        again.paid_entry_id, paid.paid_entry_id,
        "paying twice posts once"
    );
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(members[0].member_id))
            .await
            .expect("b")
            .balance,
        Fen::new(160_000)
    );
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(members[1].member_id))
            .await
            .expect("b")
            .balance,
        Fen::new(812_000)
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    assert_eq!((check.entries, check.gl_201), (1, Fen::new(972_000)));
    assert!(
        app.collection()
            .overdue_bills(d("2026-12-31"))
            .await
            .expect("overdue")
            .is_empty()
    );
}

#[tokio::test]
async fn refusals_write_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let bad_rate = EmployerRegistration::new("91350100M000100Y43", "示范", None, rates("13"))
        .expect("shape ok");
    let refused = app
        .collection()
        .register_employer(&batch(), &bad_rate, d("2026-11-01"))
        .await;
    assert_eq!(refused.expect_err("13%").code(), Some("RATE_OUT_OF_POLICY"));
    assert!(
        app.collection_port()
            .employers(10)
            .await
            .expect("list")
            .is_empty()
    );
    let missing = app
        .collection()
        .enrol_members(
            &batch(),
            42,
            &[MemberEnrolment::new("320502199003071230", "张伟", "8000").expect("m")],
            d("2026-11-01"),
        )
        .await;
    assert_eq!(
        missing.expect_err("no employer").code(),
        Some("EMPLOYER_NOT_FOUND")
    );
    let employer = register(&app, "91350100M000100Y43", "示范", None, "12").await;
    let dup = [
        MemberEnrolment::new("320502199003071230", "张伟", "8000").expect("m"),
        MemberEnrolment::new("320502199003071230", "张伟", "9000").expect("m"),
    ];
    let refused = app
        .collection()
        .enrol_members(&batch(), employer.employer_id, &dup, d("2026-11-01"))
        .await;
    assert_eq!(
        refused.expect_err("duplicate in file").code(),
        Some("MEMBER_DUPLICATE")
    );
    let empty = app
        .collection()
        .generate_bill(
            &batch(),
            employer.employer_id,
            Period::parse("202611").expect("p"),
        )
        .await;
    assert_eq!(empty.expect_err("no staff").code(), Some("BILL_EMPTY"));
    let trail = app
        .access_port()
        .search_audit(&anju_store::AuditQuery {
            limit: 20,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(trail.len(), 5, "every command, refused or not, is audited");
}

#[tokio::test]
async fn a_bad_roster_file_writes_nothing_unless_told_to_take_the_valid_rows() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let employer = register(&app, "91350100M000100Y43", "示范", Some(15), "10").await;
    let file = "身份证号,姓名,月工资,单位比例,个人比例\n\
                320502199001020018,甲,8000,12,12\n\
                320502199001030013,乙,9000,,\n\
                11010519491231002X,丙,10000.50,10,10\n\
                320502199003071230,丁,6000,5,5\n\
                320502199001040019,戊,7000,8,8\n\
                320502199001050011,己,7000,8,8\n\
                32050219900106001X,庚,7000,8,8\n\
                320502199001070015,辛,7000,13,8\n";
    let refused = app
        .collection()
        .import_roster(
            &batch(),
            employer.employer_id,
            file.as_bytes(),
            false,
            d("2026-11-01"),
        )
        .await
        .expect("report");
    let named: Vec<(usize, &str)> = refused
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(named, vec![(7, "身份证号"), (9, "单位比例")]);
    assert!(refused.enrolled.is_empty());
    assert!(
        app.collection_port()
            .active_members(employer.employer_id)
            .await
            .expect("roster")
            .is_empty(),
        "nothing written"
    );
    let taken = app
        .collection()
        .import_roster(
            &batch(),
            employer.employer_id,
            file.as_bytes(),
            true,
            d("2026-11-01"),
        )
        .await
        .expect("report");
    assert_eq!((taken.enrolled.len(), taken.errors.len()), (6, 2));
    let bill = app
        .collection()
        .generate_bill(
            &batch(),
            employer.employer_id,
            Period::parse("202611").expect("p"),
        )
        .await
        .expect("bill");
    // Personal rates apply: 甲 pays 12% + 12% of 8,000 = 1,920.00 instead of 1,600.00.
    let (_, lines) = app
        .collection_port()
        .bill(bill.bill_id)
        .await
        .expect("read")
        .expect("bill");
    let first = lines
        .iter()
        .find(|l| l.member_id == taken.enrolled[0].member_id)
        .expect("line");
    assert_eq!(first.employer_fen.get() + first.member_fen.get(), 192_000);
}

#[tokio::test]
async fn a_declined_payment_leaves_the_bill_open_and_reconciliation_names_differences() {
    use crate::collection::{BankTransferSimulator, EcnySimulator};
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await.with_payment_adapters(vec![
        Box::new(BankTransferSimulator {
            decline_above: Some(Fen::new(100_000)),
        }),
        Box::new(EcnySimulator),
    ]);
    let employer = register(&app, "91350100M000100Y43", "示范", Some(15), "10").await;
    let people = [MemberEnrolment::new("320502199003071230", "张伟", "8000.00").expect("m")];
    app.collection()
        .enrol_members(&batch(), employer.employer_id, &people, d("2026-11-01"))
        .await
        .expect("enrol");
    let bill = app
        .collection()
        .generate_bill(
            &batch(),
            employer.employer_id,
            Period::parse("202611").expect("p"),
        )
        .await
        .expect("bill");
    let declined = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "bank", d("2026-11-18"))
        .await;
    assert_eq!(
        declined.expect_err("over the limit").code(),
        Some("PAYMENT_DECLINED")
    );
    assert_eq!(
        app.ledger().check_ledger().await.expect("check").entries,
        0,
        "nothing posted"
    );
    let unknown = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "cash", d("2026-11-18"))
        .await;
    assert_eq!(
        unknown.expect_err("no such channel").code(),
        Some("PAYMENT_CHANNEL_UNKNOWN")
    );
    let paid = app
        .collection()
        .pay_bill(&batch(), bill.bill_id, "ecny", d("2026-11-18"))
        .await
        .expect("e-CNY");
    let reference = paid.payment_reference.clone().expect("reference");
    assert!(reference.starts_with("EC20261118"), "{reference}");
    let file = format!("reference,channel,amount,paid_on\n{reference},ecny,1600.00,2026-11-18\n");
    let (clean, errors) = app
        .collection()
        .reconcile_day("ecny", d("2026-11-18"), file.as_bytes())
        .await
        .expect("recon");
    assert!(
        clean.balances() && errors.is_empty() && clean.matched == 1,
        "{clean:?}"
    );
    let wrong = format!(
        "reference,channel,amount,paid_on\n{reference},ecny,1600.01,2026-11-18\nEC-X,ecny,5.00,2026-11-18\n"
    );
    let (diff, _) = app
        .collection()
        .reconcile_day("ecny", d("2026-11-18"), wrong.as_bytes())
        .await
        .expect("recon");
    assert_eq!((diff.mismatched.len(), diff.unbooked.len()), (1, 1));
    let (missing, _) = app
        .collection()
        .reconcile_day(
            "ecny",
            d("2026-11-18"),
            b"reference,channel,amount,paid_on\n",
        )
        .await
        .expect("recon");
    assert_eq!(
        missing.unconfirmed.len(),
        1,
        "booked but not in the channel's file"
    );
}

/// A loan-only (异地贷款) account becomes an ordinary one when an employer
/// here enrols the person: same account, the employer's wage as the base.
#[tokio::test]
async fn an_employer_here_turns_a_loan_only_account_into_an_ordinary_one() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let a = register(&app, "91350100M000100Y43", "甲公司", Some(15), "10").await;
    let loan_only = crate::collection::MemberRecord {
        member_id: 77,
        id_card: "320583198808080058".into(),
        name: "周敏".into(),
        employer_id: None,
        status: MemberStatus::RemoteBorrower,
        wage_fen: Fen::new(15_000_00),
        employer_rate_ppm: None,
        member_rate_ppm: None,
        enrolled_at_us: 1,
    };
    app.collection_port()
        .enrol_members(std::slice::from_ref(&loan_only), d("2026-11-01"))
        .await
        .expect("open");
    let hired = MemberEnrolment::new("320583198808080058", "周敏", "9000").expect("m");
    let moved = app
        .collection()
        .enrol_members(&batch(), a.employer_id, &[hired], d("2026-12-01"))
        .await
        .expect("enrol");
    assert_eq!(
        (
            moved[0].member_id,
            moved[0].status,
            moved[0].employer_id,
            moved[0].wage_fen
        ),
        (
            77,
            MemberStatus::Active,
            Some(a.employer_id),
            Fen::new(9_000_00)
        )
    );
}

#[tokio::test]
async fn leaving_sealing_rehire_and_freezing() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let a = register(&app, "91350100M000100Y43", "甲公司", Some(15), "10").await;
    let code_b = format!(
        "91320500MA1XYW123{}",
        anju_domain::ids::uscc_check_char("91320500MA1XYW123").expect("c")
    );
    let b = register(&app, &code_b, "乙公司", Some(15), "12").await;
    let person = MemberEnrolment::new("320502199003071230", "张伟", "8000").expect("m");
    let first = app
        .collection()
        .enrol_members(
            &batch(),
            a.employer_id,
            std::slice::from_ref(&person),
            d("2026-11-01"),
        )
        .await
        .expect("enrol");
    let member_id = first[0].member_id;
    let elsewhere = app
        .collection()
        .enrol_members(
            &batch(),
            b.employer_id,
            std::slice::from_ref(&person),
            d("2026-11-02"),
        )
        .await;
    assert_eq!(
        elsewhere.expect_err("still at A").code(),
        Some("MEMBER_ACTIVE_ELSEWHERE")
    );
    let sealed = app
        .collection()
        .seal_member(&batch(), member_id, d("2026-11-02"))
        .await
        .expect("seal");
    assert_eq!((sealed.status.code(), sealed.employer_id), ("02", None));
    let rehired = MemberEnrolment::new("320502199003071230", "张伟", "12000").expect("m");
    let moved = app
        .collection()
        .enrol_members(&batch(), b.employer_id, &[rehired], d("2026-12-01"))
        .await
        .expect("transfer in");
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].member_id, moved[0].employer_id, moved[0].wage_fen),
        (
            member_id,
            Some(b.employer_id),
            anju_domain::Fen::new(1_200_000)
        ),
        "the same account"
    );
    let no_reason = app
        .collection()
        .freeze_member(&batch(), member_id, " ")
        .await;
    assert_eq!(
        no_reason.expect_err("reason").code(),
        Some("REASON_REQUIRED")
    );
    let frozen = app
        .collection()
        .freeze_member(&batch(), member_id, "（2026）苏05执123号")
        .await
        .expect("freeze");
    assert_eq!(frozen.status, MemberStatus::Frozen);
    assert!(
        app.collection_port()
            .active_members(b.employer_id)
            .await
            .expect("roster")
            .is_empty(),
        "frozen accounts are not billed"
    );
    assert_eq!(
        app.collection()
            .seal_member(&batch(), member_id, d("2026-11-02"))
            .await
            .expect_err("frozen")
            .code(),
        Some("MEMBER_STATUS_INVALID")
    );
    let back = app
        .collection()
        .unfreeze_member(&batch(), member_id, "解除冻结裁定")
        .await
        .expect("unfreeze");
    assert_eq!(
        (back.status.code(), back.employer_id),
        ("01", Some(b.employer_id))
    );
}
