//! 贷款 pages through the real router, against a fresh SQLite database: the
//! member's 试算 with the binding cap, the application, the clerk's 初审 and
//! the reviewer's 审批 on the staff queue, contract, disbursement, the
//! repayment run, prepayment and the signed release certificate; a member
//! kept out of someone else's loan (and a reviewer out of approving what
//! they reviewed); bad input refused in Chinese with nothing written. The
//! pages take today's date from the clock, so the contributions are seeded
//! relative to it.

mod common;

use anju_app::registries::sim::{Couple, Person};
use anju_app::registries::{Registries, RegistryData};
use anju_domain::access::Role;
use anju_domain::ids::IdCardNo;
use anju_domain::loan::LoanStatus;
use anju_domain::{Date, Fen, Period};
use axum::http::StatusCode;
use common::{Web, form_body, today};

const BORROWER: &str = "320502199003071230";
const OTHER: &str = "320502199205101223";
const CARD: &str = "62220201000041234";
const SELLER: &str = "6222020100009874";

/// Members 1 and 2, each credited ¥10,000.00 on the 10th of each of the
/// seven months before this one: ¥70,000 × 15 = ¥1,050,000 by balance.
async fn harness() -> Web {
    let dir = tempfile::tempdir().expect("dir");
    // Members 1 and 2 are married, by the (simulated) marriage register.
    let person = |id: &str, name: &str| Person {
        id_card: IdCardNo::parse(id).expect("id"),
        name: name.to_string(),
    };
    let registers = RegistryData {
        couples: vec![Couple {
            one: person(BORROWER, "王芳"),
            other: person(OTHER, "李娜"),
            married_on: Date::parse("2019-10-01").expect("date"),
            certificate_no: "J320502-2019-000777".into(),
        }],
        ..RegistryData::default()
    };
    let app = common::open_app(&dir, today())
        .await
        .with_registries(Registries::simulated(registers));
    let members = [
        common::member_record(1, BORROWER, "王芳"),
        common::member_record(2, OTHER, "李娜"),
    ];
    common::take_over(&app, &members, 400).await;
    let mut entries = Vec::new();
    let mut period = Period::of_date(today());
    for _ in 0..7 {
        period = period.previous().expect("period");
        let date = Date::from_ymd(period.year(), period.month(), 10).expect("date");
        for m in [1, 2] {
            let key = format!("seed-{m}-{}", period.yyyymm());
            entries.push(common::contribution(date, &key, m, 10_000_00));
        }
    }
    app.ledger().post_entries(&entries).await.expect("seed");
    Web::new(app, dir)
}

/// The application form as the browser sends it (amounts in yuan).
fn application(key: &str, amount: &str, repay_card: &str) -> String {
    form_body(&[
        ("request_key", key),
        ("property_kind", "second_hand"),
        ("property_address", "苏州市姑苏区示范路1号101室"),
        ("area", "89.50"),
        ("price", "2000000"),
        ("monthly_income", "20000"),
        ("amount", amount),
        ("months", "240"),
        ("method", "annuity"),
        ("seller_name", "李卖"),
        ("seller_account", SELLER),
        ("repay_card", repay_card),
    ])
}

/// The table row that holds `needle`.
fn row_of<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).expect(needle);
    let start = html[..at].rfind("<tr").expect("row start");
    let end = at + html[at..].find("</tr>").expect("row end");
    &html[start..end]
}

#[tokio::test]
async fn a_member_checks_and_applies_staff_take_it_to_disbursement_and_it_is_repaid_and_settled() {
    let h = harness().await;
    let member = h.person(BORROWER, Role::Member, Some(1)).await;
    let page = h.get("/member/loans", &member).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("申请贷款")
            && page.body.contains("二手房")
            && page.body.contains("hx-get=\"/member/loans/check\"")
            && page.body.contains("name=\"request_key\""),
        "{}",
        page.body
    );
    // 试算: the balance multiple binds (¥70,000 × 15) below price and income.
    let query = application("", "300000", "");
    let check = h
        .get(&format!("/member/loans/check?{query}"), &member)
        .await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(check.body.contains("符合贷款条件"), "{}", check.body);
    assert!(
        check
            .body
            .contains("id=\"check-binding\">账户余额倍数</dd>"),
        "{}",
        check.body
    );
    assert!(check.body.contains("¥1,050,000.00"), "{}", check.body);
    assert!(
        row_of(&check.body, "账户余额倍数</td>").contains("起决定作用"),
        "{}",
        check.body
    );
    assert!(!row_of(&check.body, "房价与首付比例</td>").contains("起决定作用"));
    assert!(
        check.body.contains("2.60%") && check.body.contains("id=\"check-interest\""),
        "{}",
        check.body
    );
    let over = h
        .get(
            &format!("/member/loans/check?{}", application("", "1050000.01", "")),
            &member,
        )
        .await;
    assert!(over.body.contains("超过可贷额度"), "{}", over.body);

    let applied = h
        .post_form("/member/loans", &member, &application("k1", "300000", CARD))
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(applied.body.contains("贷款申请已提交"), "{}", applied.body);
    let loans = h.app.loans().loans_of(1).await.expect("loans");
    assert_eq!(loans.len(), 1);
    let id = loans[0].loan_id;
    assert!(
        applied
            .body
            .contains(&format!("href=\"/member/loans/{id}\""))
    );
    // The same request key again replays the application.
    h.post_form("/member/loans", &member, &application("k1", "300000", CARD))
        .await;
    assert_eq!(h.app.loans().loans_of(1).await.expect("loans").len(), 1);

    let clerk = h.person("clerk-1", Role::Clerk, None).await;
    let queue = h.get("/staff/loans", &clerk).await;
    let card = &queue.body[queue.body.find(&format!("id=\"loan-{id}\"")).expect("card")..];
    assert!(
        card.contains("王*") && card.contains("3205**********1230"),
        "{card}"
    );
    assert!(card.contains("起决定作用：账户余额倍数"), "{card}");
    assert!(!queue.body.contains("王芳"), "names are masked");
    let reviewed = h
        .post_form(
            &format!("/staff/loans/{id}/review"),
            &clerk,
            "note=材料齐全",
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    assert!(
        reviewed.body.contains(&format!("贷款 {id}：待审批")),
        "{}",
        reviewed.body
    );
    let refused = h
        .post_form(&format!("/staff/loans/{id}/approve"), &clerk, "note=")
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a clerk does not approve"
    );
    let reviewer = h.person("reviewer-1", Role::Reviewer, None).await;
    let approved = h
        .post_form(
            &format!("/staff/loans/{id}/approve"),
            &reviewer,
            "note=同意",
        )
        .await;
    assert!(
        approved.body.contains(&format!("贷款 {id}：待签约")),
        "{}",
        approved.body
    );
    assert!(
        approved
            .body
            .contains("初审：柜员甲（柜员）；审批：审核员甲（审核员）"),
        "{}",
        approved.body
    );
    let signed = h
        .post_form(
            &format!("/staff/loans/{id}/contract"),
            &clerk,
            "mortgage_no=苏2026不动产证明第0001号",
        )
        .await;
    assert!(
        signed.body.contains("已签订借款合同 GJJDK"),
        "{}",
        signed.body
    );
    let finance = h.person("finance-1", Role::Finance, None).await;
    let paid = h
        .post_form(&format!("/staff/loans/{id}/disburse"), &finance, "")
        .await;
    assert!(
        paid.body.contains("已放款 ¥300,000.00") && paid.body.contains("还款中"),
        "{}",
        paid.body
    );

    let account = h.get(&format!("/member/loans/{id}"), &member).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(
        account.body.contains("id=\"outstanding\">¥300,000.00")
            && account.body.contains("放款")
            && account.body.contains("提前还款")
            && account.body.contains("变更还款账户"),
        "{}",
        account.body
    );
    assert_eq!(
        account
            .body
            .matches("<td class=\"status\">待还</td>")
            .count(),
        240
    );
    let first_due = h.app.loans().installments(id).await.expect("rows")[0].due_date;
    let run = h
        .post_form("/staff/loans/run", &finance, &format!("date={first_due}"))
        .await;
    assert!(
        run.body.contains("id=\"run-counts\">1 / 0 / 0"),
        "{}",
        run.body
    );
    let again = h
        .post_form("/staff/loans/run", &finance, &format!("date={first_due}"))
        .await;
    assert!(
        again.body.contains("id=\"run-loans\">0 笔"),
        "the day is collected once: {}",
        again.body
    );
    let account = h.get(&format!("/member/loans/{id}"), &member).await;
    assert_eq!(
        account
            .body
            .matches("<td class=\"status\">已还</td>")
            .count(),
        1
    );
    // The list of loans shows the next installment not yet paid: the second.
    let schedule = h.app.loans().installments(id).await.expect("schedule");
    let second = &schedule[1];
    let next_due = format!(
        "<td>{} {}</td>",
        second.due_date,
        Fen::new(second.principal_fen.get() + second.interest_fen.get())
    );
    let list = h.get("/member/loans", &member).await;
    assert!(
        row_of(&list.body, &format!("href=\"/member/loans/{id}\"")).contains(&next_due),
        "{next_due}: {}",
        list.body
    );
    // 提前还款: part with a lower installment, then the rest; the loan is
    // settled and its release certificate verifies.
    let part = h
        .post_form(
            &format!("/member/loans/{id}/prepay"),
            &member,
            "request_key=p1&amount=100000&choice=lower-installment",
        )
        .await;
    assert_eq!(part.status, StatusCode::OK, "{}", part.body);
    assert!(part.body.contains("提前还款已完成"), "{}", part.body);
    let left = h
        .app
        .loans()
        .loan(id)
        .await
        .expect("loan")
        .outstanding_fen
        .get();
    assert!(
        (19_000_000..20_000_000).contains(&left),
        "¥300,000 less one installment's principal and ¥100,000: {left}"
    );
    let rest = h
        .post_form(
            &format!("/member/loans/{id}/prepay"),
            &member,
            "request_key=p2&amount=",
        )
        .await;
    assert!(rest.body.contains("贷款已全部结清"), "{}", rest.body);
    assert!(
        rest.body
            .contains(&format!("href=\"/member/loans/{id}/certificate\""))
    );
    // The settlement issued an e-certificate: the loan's link leads to it.
    let link = h
        .get(&format!("/member/loans/{id}/certificate"), &member)
        .await;
    assert_eq!(link.status, StatusCode::SEE_OTHER);
    let page_path = link.location().to_string();
    assert!(page_path.starts_with("/certificates/JQ-"), "{page_path}");
    let certificate = h.get(&page_path, &member).await;
    assert_eq!(certificate.status, StatusCode::OK);
    assert!(
        certificate.body.contains("状态：有效")
            && certificate
                .body
                .contains("住房公积金贷款结清及抵押注销证明")
            && certificate.body.contains("苏2026不动产证明第0001号"),
        "{}",
        certificate.body
    );
    // The file and the published key set check offline, without the centre.
    let file = h
        .get(&format!("/member/loans/{id}/certificate?file=1"), &member)
        .await;
    assert_eq!(file.location(), format!("{page_path}?format=file"));
    let file = h.get(file.location(), &member).await;
    assert_eq!(file.content_type(), "text/plain; charset=utf-8");
    let published = h
        .get("/.well-known/anju-keys.json", &common::Client::default())
        .await;
    assert_eq!(published.status, StatusCode::OK);
    let keys: anju_domain::trust::keys::KeySet =
        serde_json::from_str(&published.body).expect("key set");
    assert!(
        keys.keys[0].current && keys.keys[0].id.len() == 16,
        "{}",
        published.body
    );
    let checked = anju_domain::trust::certificate::CertificateFile::parse(&file.body).check(&keys);
    assert!(
        checked.valid() && checked.logged == Some(true),
        "{}",
        file.body
    );
    let staff_view = h.get(&format!("/staff/loans/{id}"), &reviewer).await;
    assert!(
        staff_view.body.contains("3205**********1230")
            && !staff_view.body.contains("action=\"/member/loans"),
        "{}",
        staff_view.body
    );
    assert!(
        staff_view
            .body
            .contains(&format!("href=\"/staff/loans/{id}/certificate\""))
    );
    let staff_link = h
        .get(&format!("/staff/loans/{id}/certificate"), &reviewer)
        .await;
    let staff_certificate = h.get(staff_link.location(), &reviewer).await;
    assert!(
        staff_certificate.body.contains("状态：有效"),
        "{}",
        staff_certificate.body
    );
}

#[tokio::test]
async fn a_reviewer_enters_a_project_loan_and_another_approves_it() {
    let h = harness().await;
    let reviewer = h.person("reviewer-p", Role::Reviewer, None).await;
    let other = h.person("reviewer-q", Role::Reviewer, None).await;
    let clerk = h.person("clerk-p", Role::Clerk, None).await;
    let form = form_body(&[
        ("request_key", "gzf-1"),
        ("project_name", "相城区公租房二期"),
        ("borrower_name", "苏州市安居建设有限公司"),
        ("account", SELLER),
        ("amount", "800000"),
        ("months", "120"),
        ("rate", "2.60"),
        ("method", "equal-principal"),
    ]);
    let refused = h.post_form("/staff/loans/project", &clerk, &form).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "clerks do not enter projects"
    );
    let entered = h.post_form("/staff/loans/project", &reviewer, &form).await;
    assert_eq!(entered.status, StatusCode::OK, "{}", entered.body);
    assert!(entered.body.contains("已登记"), "{}", entered.body);
    assert!(
        entered
            .body
            .contains("苏州市安居建设有限公司（公租房项目贷款）")
    );
    let twice = h.post_form("/staff/loans/project", &reviewer, &form).await;
    assert_eq!(twice.status, StatusCode::OK);
    let queue = h
        .app
        .loans()
        .loan_queue(LoanStatus::Reviewed)
        .await
        .expect("queue");
    assert_eq!(queue.len(), 1, "the same request key enters once");
    let id = queue[0].loan_id;
    let own = h
        .post_form(&format!("/staff/loans/{id}/approve"), &reviewer, "note=")
        .await;
    assert!(own.body.contains("SELF_APPROVAL"), "{}", own.body);
    let approved = h
        .post_form(&format!("/staff/loans/{id}/approve"), &other, "note=")
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(
        h.app.loans().loan(id).await.expect("loan").status,
        LoanStatus::Approved
    );
    let bad = form
        .replace("amount=800000", "amount=abc")
        .replace("gzf-1", "gzf-2");
    let bad = h.post_form("/staff/loans/project", &reviewer, &bad).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        h.app
            .loans()
            .loan_queue(LoanStatus::Reviewed)
            .await
            .expect("queue")
            .len(),
        0
    );
}

#[tokio::test]
async fn a_member_cannot_see_or_change_another_members_loan() {
    let h = harness().await;
    let owner = h.person(BORROWER, Role::Member, Some(1)).await;
    let applied = h
        .post_form("/member/loans", &owner, &application("k1", "300000", CARD))
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let id = h.app.loans().loans_of(1).await.expect("loans")[0].loan_id;
    let other = h.person(OTHER, Role::Member, Some(2)).await;
    let page = h.get(&format!("/member/loans/{id}"), &other).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains("只能查看本人参与的贷款"),
        "{}",
        page.body
    );
    let changed = h
        .post_form(
            &format!("/member/loans/{id}/card"),
            &other,
            "card=6222020100009874",
        )
        .await;
    assert_eq!(changed.status, StatusCode::FORBIDDEN);
    assert_eq!(
        h.app.loans().loans_of(1).await.expect("loans")[0].repay_card,
        CARD,
        "the card is unchanged"
    );
    let mine = h.get("/member/loans", &other).await;
    assert!(mine.body.contains("暂无贷款"), "{}", mine.body);
    // Not a staff page either.
    assert_eq!(
        h.get(&format!("/staff/loans/{id}"), &other).await.status,
        StatusCode::FORBIDDEN
    );
    let risk = h.person("risk-1", Role::RiskManager, None).await;
    let overdue = h.get("/staff/loans/overdue", &risk).await;
    assert_eq!(overdue.status, StatusCode::OK);
    assert!(
        overdue.body.contains("K13") && overdue.body.contains("暂无逾期贷款"),
        "{}",
        overdue.body
    );
    assert_eq!(
        h.get("/staff/loans", &risk).await.status,
        StatusCode::FORBIDDEN,
        "risk staff read the overdue list, not the queues"
    );
    // And one reviewer cannot both review and approve.
    let reviewer = h.person("reviewer-1", Role::Reviewer, None).await;
    h.post_form(&format!("/staff/loans/{id}/review"), &reviewer, "note=")
        .await;
    let own = h
        .post_form(&format!("/staff/loans/{id}/approve"), &reviewer, "note=")
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(
        own.body.contains("审批人不能与初审人或一级审批人相同")
            && own.body.contains("SELF_APPROVAL"),
        "{}",
        own.body
    );
}

#[tokio::test]
async fn bad_input_is_refused_in_chinese_and_writes_nothing() {
    let h = harness().await;
    let member = h.person(BORROWER, Role::Member, Some(1)).await;
    let bad_card = h
        .post_form(
            "/member/loans",
            &member,
            &application("k1", "300000", "62220201000041235"),
        )
        .await;
    assert_eq!(bad_card.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_card.body.contains("还款银行卡号：银行卡号校验位错误")
            && bad_card.body.contains("id=\"repay_card-error\""),
        "{}",
        bad_card.body
    );
    // What was typed stays on the form.
    assert!(bad_card.body.contains("value=\"62220201000041235\""));
    let over = h
        .post_form(
            "/member/loans",
            &member,
            &application("k2", "1100000", CARD),
        )
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        over.body.contains("超过可贷额度") && over.body.contains("LOAN_NOT_ELIGIBLE"),
        "{}",
        over.body
    );
    // Two mistakes at once: both named beside their fields.
    let area = application("k3", "300000", CARD)
        .replace("area=89.50", "area=89.505")
        .replace("months=", "months=x");
    let refused = h.post_form("/member/loans", &member, &area).await;
    assert!(
        refused.body.contains("建筑面积须为数字")
            && refused.body.contains("id=\"months-error\"")
            && refused.body.contains("请更正以下 2 项"),
        "{}",
        refused.body
    );
    assert!(h.app.loans().loans_of(1).await.expect("loans").is_empty());
    assert!(
        h.app
            .loans()
            .loan_queue(LoanStatus::Submitted)
            .await
            .expect("queue")
            .is_empty()
    );
}

/// A spouse named as co-borrower confirms through their own sign-in; until
/// then the clerk cannot review, and the borrower cannot confirm for them.
#[tokio::test]
async fn a_co_borrower_confirms_for_themselves_before_review() {
    let h = harness().await;
    let borrower = h.person(BORROWER, Role::Member, Some(1)).await;
    let form = format!(
        "{}&co_borrower_id_card={OTHER}",
        application("family-1", "300000", CARD)
    );
    let applied = h.post_form("/member/loans", &borrower, &form).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let loan = h.app.loans().loans_of(1).await.expect("loans")[0].clone();
    assert!(loan.family, "a spouse co-borrows: the family ceiling");
    assert!(
        loan.facts_source.contains("民政登记：共同借款人"),
        "{}",
        loan.facts_source
    );
    let id = loan.loan_id;
    let for_them = h
        .post_form(&format!("/member/loans/{id}/consent"), &borrower, "")
        .await;
    assert!(for_them.body.contains("不是贷款"), "{}", for_them.body);
    let clerk = h.person("clerk-1", Role::Clerk, None).await;
    let queue = h.get("/staff/loans", &clerk).await;
    assert!(queue.body.contains("尚有 1 人未本人确认"), "{}", queue.body);
    let early = h
        .post_form(&format!("/staff/loans/{id}/review"), &clerk, "note=")
        .await;
    assert!(
        early.body.contains("共同借款人未本人确认"),
        "{}",
        early.body
    );
    let spouse = h.person(OTHER, Role::Member, Some(2)).await;
    let page = h.get("/member/loans", &spouse).await;
    assert!(
        page.body.contains("待您确认的共同借款")
            && page.body.contains(&format!("/member/loans/{id}/consent")),
        "{}",
        page.body
    );
    let confirmed = h
        .post_form(&format!("/member/loans/{id}/consent"), &spouse, "")
        .await;
    assert!(
        confirmed.body.contains("您已确认作为贷款"),
        "{}",
        confirmed.body
    );
    assert!(
        !confirmed.body.contains("待您确认的共同借款"),
        "{}",
        confirmed.body
    );
    let reviewed = h
        .post_form(
            &format!("/staff/loans/{id}/review"),
            &clerk,
            "note=材料齐全",
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.body);
    let after = h.app.loans().loan(id).await.expect("loan");
    assert_eq!(after.status, LoanStatus::Reviewed);
}

/// 异地贷款开户 over HTTP: a name not on the certificate is refused in
/// Chinese with nothing written; the right one opens a loan-only account
/// and its sign-in, and the member's loan pages open for it.
#[tokio::test]
async fn a_remote_borrower_opens_a_loan_only_account_and_signs_in() {
    let dir = tempfile::tempdir().expect("dir");
    let certificate = anju_app::demo_registries::demo_remote_certificate().expect("cert");
    let registers = RegistryData {
        certificates: vec![certificate.clone()],
        ..RegistryData::default()
    };
    let app = common::open_app(&dir, today())
        .await
        .with_registries(Registries::simulated(registers));
    let h = Web::new(app, dir);
    let nobody = common::Client::default();
    let form = h.get("/register/remote", &nobody).await;
    assert!(form.body.contains("缴存使用证明编号"), "{}", form.body);
    let signup = |name: &str| {
        form_body(&[
            ("id_card", certificate.holder.as_str()),
            ("name", name),
            ("mobile", "13912345678"),
            ("password", common::client::PASSWORD),
            ("centre", certificate.centre.as_str()),
            ("certificate_no", certificate.certificate_no.as_str()),
        ])
    };
    let refused = h
        .post_form("/register/remote", &nobody, &signup("周某"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("姓名与缴存使用证明上的缴存人姓名不一致")
    );
    let holder = certificate.holder.as_str();
    let none = h.app.collection().member_by_id_card(holder).await;
    assert_eq!(none.expect("read"), None, "nothing written");
    let opened = h
        .post_form("/register/remote", &nobody, &signup("周敏"))
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let member = h.app.collection().member_by_id_card(holder).await;
    let member = member.expect("read").expect("opened");
    assert_eq!(member.status.name_zh(), "异地贷款");
    let her = h.sign_in(holder, Role::Member).await;
    let loans = h.get("/member/loans", &her).await;
    assert_eq!(loans.status, StatusCode::OK, "{}", loans.body);
    // Later she contributes here as a flexible worker: her sign-in stays, so
    // the form's password is not checked (nor used).
    let flexible = form_body(&[
        ("id_card", holder),
        ("name", "周敏"),
        ("mobile", "13912345678"),
        ("monthly", "1000.00"),
        ("password", "x"),
        ("agree", "1"),
    ]);
    let joined = h.post_form("/flexible", &nobody, &flexible).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    let member = h.app.collection().member_by_id_card(holder).await;
    assert_eq!(
        member.expect("read").expect("member").status.name_zh(),
        "正常"
    );
}
