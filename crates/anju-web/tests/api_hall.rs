//! The hall's API twins on each backend: an employer agent's month end to
//! end (terms, 增员 one and by file, the bill with its lines, payment, 补缴,
//! base filing, 缓缴, 减员) and a member's (interest, statement, 试算 and
//! application of a loan, its account, the repayment agreement, the inbox),
//! with idempotent replay, conflicts, and people kept to their own records.

mod common;

use anju_app::access::NewAccount;
use anju_app::registries::Registries;
use anju_app::registries::RegistryData;
use anju_domain::access::Role;
use anju_domain::{Date, Period};
use axum::http::{Method, StatusCode};
use common::{Client, Reply, Web, today};
use serde_json::Value;

const WANG: &str = "320502199003071230";
const ROSTER_OK: [&str; 2] = ["320502198501011236", "320502199002022349"];
const CARD: &str = "62220201000041234";

fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|_| panic!("json: {}", reply.body))
}

async fn post(h: &Web, client: &Client, path: &str, key: &str, body: &str) -> Reply {
    let headers = [
        ("idempotency-key", key),
        ("x-csrf-token", client.csrf.as_str()),
    ];
    h.send(Method::POST, path, client, body, &headers).await
}

async fn post_file(h: &Web, client: &Client, path: &str, key: &str, file: &str) -> Reply {
    let headers = [
        ("idempotency-key", key),
        ("x-csrf-token", client.csrf.as_str()),
        ("content-type", "text/csv"),
    ];
    h.send(Method::POST, path, client, file, &headers).await
}

/// A multipart form body (boundary `anjuboundary`): the text fields, then the file.
fn multipart(fields: &[(&str, &str)], file: &str) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--anjuboundary\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--anjuboundary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--anjuboundary--\r\n"
    ));
    body
}

/// The CSV file's cells as an .xlsx workbook (every cell text).
fn as_xlsx(csv: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, line) in (0u32..).zip(csv.lines()) {
        for (col, cell) in (0u16..).zip(line.split(',')) {
            sheet.write_string(row, col, cell).expect("write");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

/// The agent of a counter-registered unit (its code `body` and check
/// character), signed in.
async fn agent_of(h: &Web, login: &str, body: &str, name: &str) -> (Client, i64) {
    let check = anju_domain::ids::uscc_check_char(body).expect("check character");
    let employer_id = common::counter_employer(&h.app, &format!("{body}{check}"), name).await;
    h.create_account(NewAccount {
        employer_id: Some(employer_id),
        ..common::account(login, Role::EmployerAgent)
    })
    .await;
    (h.sign_in(login, Role::EmployerAgent).await, employer_id)
}

#[tokio::test]
async fn an_employer_runs_its_month_over_the_api_on_each_backend() {
    for backend in common::on_each_backend(today()).await {
        let scratch = backend.scratch;
        let h = Web::new(backend.app, backend.dir);
        employer_month(&h, backend.name).await;
        common::drop_scratch(scratch).await;
    }
}

async fn employer_month(h: &Web, backend: &str) {
    let (agent, employer_id) = agent_of(h, "agent-a", "91320500MA1XXXXX0", "苏州甲公司").await;
    let unit = h.get("/api/v1/employer", &agent).await;
    assert_eq!(json(&unit)["employer_id"], employer_id, "{backend}");

    let terms = r#"{"pay_day":"15","employer_rate":"12","member_rate":"12"}"#;
    let set = post(h, &agent, "/api/v1/employer/terms", "t-1", terms).await;
    assert_eq!(set.status, StatusCode::OK, "{backend}: {}", set.body);
    assert_eq!(json(&set)["employer_rate"], "12.00%", "{backend}");

    // 增员 one person; the replay answers the same, another body conflicts.
    let wang = format!(r#"{{"id_card":"{WANG}","name":"王芳","wage":"10000.00"}}"#);
    let added = post(h, &agent, "/api/v1/employer/members", "m-1", &wang).await;
    assert_eq!(
        added.status,
        StatusCode::CREATED,
        "{backend}: {}",
        added.body
    );
    let again = post(h, &agent, "/api/v1/employer/members", "m-1", &wang).await;
    assert_eq!(
        (again.status, &again.body),
        (StatusCode::CREATED, &added.body)
    );
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let other = wang.replace("10000.00", "9000.00");
    let conflict = post(h, &agent, "/api/v1/employer/members", "m-1", &other).await;
    assert_eq!(conflict.code(), "IDEMPOTENCY_CONFLICT", "{backend}");
    let bad = wang.replace("1230", "1231");
    let refused = post(h, &agent, "/api/v1/employer/members", "m-2", &bad).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    // 增员 by file: a bad row refuses the file unless valid rows are taken.
    let file = format!(
        "身份证号,姓名,月工资\n{},张三,8000\n{},李四,9000.50\n320502199203033450,坏号,7000\n",
        ROSTER_OK[0], ROSTER_OK[1]
    );
    let path = "/api/v1/employer/members/import";
    let all_or_none = post_file(h, &agent, path, "f-1", &file).await;
    assert_eq!(
        all_or_none.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        all_or_none.body
    );
    let report = json(&all_or_none);
    assert_eq!(report["enrolled"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["errors"][0]["row"], 4, "{backend}: {report}");
    assert_eq!(report["errors"][0]["column"], "身份证号");
    // The same file as .xlsx: the same answer, row for row.
    let xlsx = h
        .send_bytes(
            Method::POST,
            path,
            &agent,
            as_xlsx(&file),
            &[
                ("idempotency-key", "f-x"),
                ("x-csrf-token", agent.csrf.as_str()),
                (
                    "content-type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ],
        )
        .await;
    assert_eq!(
        xlsx.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        xlsx.body
    );
    assert_eq!(json(&xlsx)["errors"], report["errors"], "{backend}");
    let path = "/api/v1/employer/members/import?take_valid=true";
    let taken = post_file(h, &agent, path, "f-2", &file).await;
    assert_eq!(taken.status, StatusCode::CREATED, "{}", taken.body);
    assert_eq!(json(&taken)["enrolled"].as_array().map(Vec::len), Some(2));

    // A query or path that does not parse is a problem with a stable code.
    for path in [
        "/api/v1/employer/members?limit=-1",
        "/api/v1/employer/bills/abc",
    ] {
        let bad = h.get(path, &agent).await;
        assert_eq!(bad.code(), "PARAM_INVALID", "{path}: {}", bad.body);
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    // The roster pages.
    let first = json(&h.get("/api/v1/employer/members?limit=2", &agent).await);
    assert_eq!(
        (first["total"].as_i64(), first["next_offset"].as_i64()),
        (Some(3), Some(2))
    );
    let rest = json(
        &h.get("/api/v1/employer/members?offset=2&limit=2", &agent)
            .await,
    );
    assert_eq!(rest["members"].as_array().map(Vec::len), Some(1));
    assert!(rest["next_offset"].is_null());
    assert!(
        !first.to_string().contains(WANG),
        "ID numbers are masked: {first}"
    );

    // Last month's bill, its lines, its payment.
    let period = Period::of_date(today())
        .previous()
        .expect("month")
        .to_string();
    let body = format!(r#"{{"period":"{period}"}}"#);
    let bill = post(h, &agent, "/api/v1/employer/bills", "b-1", &body).await;
    assert_eq!(bill.status, StatusCode::CREATED, "{backend}: {}", bill.body);
    let bill = json(&bill);
    let bill_id = bill["bill_id"].as_i64().expect("bill id");
    let detail = json(
        &h.get(&format!("/api/v1/employer/bills/{bill_id}"), &agent)
            .await,
    );
    let lines = detail["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 3);
    let summed: i64 = lines.iter().filter_map(|l| l["total_fen"].as_i64()).sum();
    assert_eq!(Some(summed), detail["total_fen"].as_i64(), "{backend}");
    // 10,000 + 8,000 + 9,000.50 at 12% + 12%.
    assert_eq!(summed, 2 * (1_200_00 + 960_00 + 1_080_06), "{backend}");
    let pay = format!("/api/v1/employer/bills/{bill_id}/payment");
    let paid = post(h, &agent, &pay, "p-1", r#"{"channel":"bank"}"#).await;
    assert_eq!(json(&paid)["status"], "paid", "{backend}: {}", paid.body);
    let listed = json(&h.get("/api/v1/employer/bills", &agent).await);
    assert_eq!(listed["bills"][0]["status"], "paid");

    // Another unit's agent sees none of it; a member may not act as an agent.
    let (stranger, _) = agent_of(h, "agent-b", "91320500MA1YYYYY0", "苏州乙公司").await;
    let hidden = h
        .get(&format!("/api/v1/employer/bills/{bill_id}"), &stranger)
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{backend}");
    let foreign = post(h, &stranger, &pay, "p-2", r#"{"channel":"bank"}"#).await;
    assert_eq!(
        foreign.status,
        StatusCode::FORBIDDEN,
        "{backend}: {}",
        foreign.body
    );
    let member_id = json(&added)["member_id"].as_i64().expect("member id");
    let member = h.person(WANG, Role::Member, Some(member_id)).await;
    let wrong_door = h.get("/api/v1/employer", &member).await;
    assert_eq!(wrong_door.status, StatusCode::FORBIDDEN);

    // 补缴, the year's bases for every member, 缓缴, then 减员.
    // Her base was ¥2,000 short that month: the difference, at 12% + 12%.
    let back = format!(
        r#"{{"period":"{period}","member_id":{member_id},"wage":"12000.00","reason":"工资基数申报有误"}}"#
    );
    let owed = post(h, &agent, "/api/v1/employer/back-payments", "bp-1", &back).await;
    assert_eq!(owed.status, StatusCode::CREATED, "{backend}: {}", owed.body);
    assert_eq!(json(&owed)["kind_name"], "补缴", "{}", owed.body);
    assert_eq!(
        json(&owed)["total_fen"],
        2 * 240_00,
        "{backend}: {}",
        owed.body
    );
    // 补缴 of that month by file: 张三's wage was ¥1,000 higher than billed;
    // 王芳's base for the month is already ¥12,000, so ¥10,000 is not higher.
    let owed_file = format!(
        "身份证号,月工资\n{},9000\n320502199203033450,7000\n{WANG},10000\n",
        ROSTER_OK[0]
    );
    let path = format!(
        "/api/v1/employer/back-payments/import?period={period}&reason={}",
        common::enc("工资基数申报有误")
    );
    let refused = post_file(h, &agent, &path, "bf-1", &owed_file).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{backend}: {}",
        refused.body
    );
    let rows: Vec<(i64, String)> = json(&refused)["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_i64().unwrap_or(0), e["code"].to_string()))
        .collect();
    let expected = [(3, "ID_CHECKSUM"), (4, "BACKPAY_NOT_HIGHER")];
    let expected: Vec<(i64, String)> = expected
        .iter()
        .map(|(r, c)| (*r, format!("\"{c}\"")))
        .collect();
    assert_eq!(rows, expected, "{backend}: each row on its own");
    assert!(json(&refused)["bill"].is_null());
    let taken = format!("{path}&take_valid=true");
    let billed = post_file(h, &agent, &taken, "bf-2", &owed_file).await;
    assert_eq!(
        billed.status,
        StatusCode::CREATED,
        "{backend}: {}",
        billed.body
    );
    assert_eq!(
        json(&billed)["bill"]["total_fen"],
        2 * 120_00,
        "{}",
        billed.body
    );
    assert_eq!(json(&billed)["errors"].as_array().map(Vec::len), Some(2));

    // The page twin, for 李四: the same checks, the rows named on the page.
    let owed_file = format!(
        "身份证号,月工资\n{},9500.50\n320502199203033450,7000\n",
        ROSTER_OK[1]
    );
    let page_upload = |take_valid: bool| {
        let mut fields = vec![("_csrf", agent.csrf.as_str()), ("period", period.as_str())];
        fields.push(("reason", "工资基数申报有误"));
        if take_valid {
            fields.push(("take_valid", "1"));
        }
        multipart(&fields, &owed_file)
    };
    let content_type = [("content-type", "multipart/form-data; boundary=anjuboundary")];
    let path = "/employer/back-payments/import";
    let refused = h
        .send(
            Method::POST,
            path,
            &agent,
            &page_upload(false),
            &content_type,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{backend}"
    );
    assert!(
        refused.body.contains("<td>3</td><td>身份证号</td>"),
        "{}",
        refused.body
    );
    let billed = h
        .send(
            Method::POST,
            path,
            &agent,
            &page_upload(true),
            &content_type,
        )
        .await;
    assert!(
        billed.body.contains("补缴清册（1 人），应缴 ¥120.00"),
        "{}",
        billed.body
    );

    let roster = json(&h.get("/api/v1/employer/members", &agent).await);
    let bases: Vec<String> = roster["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| format!(r#"{{"member_id":{},"wage":"11000.00"}}"#, m["member_id"]))
        .collect();
    let filing = format!(r#"{{"bases":[{}]}}"#, bases.join(","));
    let filed = post(h, &agent, "/api/v1/employer/bases", "bs-1", &filing).await;
    assert_eq!(
        filed.status,
        StatusCode::CREATED,
        "{backend}: {}",
        filed.body
    );
    assert_eq!(json(&filed)["member_count"], 3);
    let next = Period::of_date(today()).next().expect("next").to_string();
    let relief = format!(
        r#"{{"kind":"deferral","from":"{next}","to":"{next}","reason":"订单骤减","consent":"职工代表大会同意"}}"#
    );
    let applied = post(h, &agent, "/api/v1/employer/reliefs", "r-1", &relief).await;
    assert_eq!(
        applied.status,
        StatusCode::CREATED,
        "{backend}: {}",
        applied.body
    );
    assert_eq!(json(&applied)["status"], "pending");
    let seal = format!("/api/v1/employer/members/{member_id}/seal");
    let sealed = post(h, &agent, &seal, "s-1", "").await;
    let sealed_code = anju_domain::collection::MemberStatus::Sealed.code();
    assert_eq!(
        json(&sealed)["status"],
        sealed_code,
        "{backend}: {}",
        sealed.body
    );
}

/// 王芳 (member 1), carried over 400 days ago with ¥10,000.00 credited on
/// the 10th of each of the last seven months; her client.
async fn member_with_history(h: &Web) -> Client {
    common::take_over(&h.app, &[common::member_record(1, WANG, "王芳")], 400).await;
    let mut period = Period::of_date(today());
    let mut entries = Vec::new();
    for _ in 0..7 {
        period = period.previous().expect("period");
        let date = Date::from_ymd(period.year(), period.month(), 10).expect("date");
        let key = format!("seed-{}", period.yyyymm());
        entries.push(common::contribution(date, &key, 1, 10_000_00));
    }
    h.app.ledger().post_entries(&entries).await.expect("seed");
    h.person(WANG, Role::Member, Some(1)).await
}

fn loan_body(amount: &str) -> String {
    format!(
        r#"{{"property_kind":"second_hand","property_address":"苏州市姑苏区示范路1号101室","area":"89.50",
"price":"2000000","monthly_income":"20000","amount":"{amount}","months":"240","method":"annuity",
"seller_name":"李卖","seller_account":"6222020100009874","repay_card":"{CARD}"}}"#
    )
}

#[tokio::test]
async fn a_member_reads_and_borrows_over_the_api_on_each_backend() {
    for backend in common::on_each_backend(today()).await {
        let scratch = backend.scratch;
        let app = backend
            .app
            .with_registries(Registries::simulated(RegistryData::default()));
        let h = Web::new(app, backend.dir);
        member_hall(&h, backend.name).await;
        common::drop_scratch(scratch).await;
    }
}

async fn member_hall(h: &Web, backend: &str) {
    let member = member_with_history(h).await;
    let year = today().interest_year().end_year();
    let interest = h
        .get(&format!("/api/v1/member/interest?year={year}"), &member)
        .await;
    assert_eq!(
        interest.status,
        StatusCode::OK,
        "{backend}: {}",
        interest.body
    );
    let worked = json(&interest);
    // April to June brought forward; July to October each from its day.
    assert_eq!(worked["opening_fen"], 3 * 10_000_00, "{worked}");
    let lines = worked["lines"].as_array().expect("lines");
    let dated: Vec<i64> = lines
        .iter()
        .filter(|l| !l["value_date"].is_null())
        .filter_map(|l| l["amount_fen"].as_i64())
        .collect();
    assert_eq!(dated, [10_000_00; 4], "{worked}");
    assert_eq!(lines[1]["value_date"], "2026-07-10");
    assert_eq!(lines[1]["days"], 356, "10 July to 30 June: {worked}");
    let too_old = h.get("/api/v1/member/interest?year=1990", &member).await;
    assert_eq!(too_old.code(), "YEAR_INVALID");

    let range = format!("/api/v1/member/statement?from=2025-01-01&to={}", today());
    let statement = json(&h.get(&range, &member).await);
    assert_eq!(
        statement["closing_fen"],
        7 * 10_000_00,
        "{backend}: {statement}"
    );
    assert_eq!(statement["lines"].as_array().map(Vec::len), Some(7));
    let bad = h
        .get(
            "/api/v1/member/statement?from=2025-13-01&to=2026-01-01",
            &member,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // 试算 then the application, replayed once.
    let query = format!(
        "price=2000000&monthly_income=20000&amount=300000&months=240&area=89.50\
         &property_kind=second_hand&method=annuity&property_address={}",
        common::enc("苏州市姑苏区示范路1号101室")
    );
    let check = json(
        &h.get(&format!("/api/v1/member/loans/check?{query}"), &member)
            .await,
    );
    assert_eq!(check["allowed"], true, "{backend}: {check}");
    assert_eq!(
        check["limit_fen"],
        70_000_00 * 15,
        "balance × 15 binds: {check}"
    );
    let applied = post(
        h,
        &member,
        "/api/v1/member/loans",
        "l-1",
        &loan_body("300000"),
    )
    .await;
    assert_eq!(
        applied.status,
        StatusCode::CREATED,
        "{backend}: {}",
        applied.body
    );
    let replay = post(
        h,
        &member,
        "/api/v1/member/loans",
        "l-1",
        &loan_body("300000"),
    )
    .await;
    assert_eq!(replay.body, applied.body);
    let loan_id = json(&applied)["loan_id"].as_i64().expect("loan id");
    let loans = json(&h.get("/api/v1/member/loans", &member).await);
    assert_eq!(
        loans["loans"].as_array().map(Vec::len),
        Some(1),
        "{backend}: once"
    );
    let account = json(
        &h.get(&format!("/api/v1/member/loans/{loan_id}"), &member)
            .await,
    );
    assert_eq!(account["loan"]["amount_fen"], 300_000_00);
    let too_much = post(
        h,
        &member,
        "/api/v1/member/loans",
        "l-2",
        &loan_body("5000000"),
    )
    .await;
    assert_eq!(
        too_much.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_much.body
    );
    // Commands on the loan, each through its use case's rules: a new
    // repayment card (a bad one refused), no prepayment before it is
    // disbursed, no consent from someone who is not a co-borrower.
    let card = format!("/api/v1/member/loans/{loan_id}/card");
    let changed = post(h, &member, &card, "c-1", r#"{"card":"6222020100009874"}"#).await;
    assert_eq!(
        changed.status,
        StatusCode::OK,
        "{backend}: {}",
        changed.body
    );
    let bad_card = post(h, &member, &card, "c-2", r#"{"card":"6222020100009875"}"#).await;
    assert_eq!(bad_card.code(), "BANK_CARD_CHECKSUM", "{}", bad_card.body);
    let prepay = format!("/api/v1/member/loans/{loan_id}/prepay");
    let early = post(h, &member, &prepay, "p-1", r#"{"amount":"50000.00"}"#).await;
    assert_eq!(early.code(), "LOAN_STATE", "{}", early.body);
    let consent = format!("/api/v1/member/loans/{loan_id}/consent");
    let agreed = post(h, &member, &consent, "k-1", "").await;
    assert_eq!(agreed.code(), "CO_BORROWER_CONSENT", "{}", agreed.body);
    let none = h
        .get("/api/v1/member/loans/999999/certificate", &member)
        .await;
    assert!(none.status.is_client_error(), "{}", none.body);

    // Another member sees nothing of it.
    common::take_over(
        &h.app,
        &[common::member_record(2, ROSTER_OK[0], "张三")],
        30,
    )
    .await;
    let other = h.person(ROSTER_OK[0], Role::Member, Some(2)).await;
    let hidden = h
        .get(&format!("/api/v1/member/loans/{loan_id}"), &other)
        .await;
    assert!(
        common::refused(&hidden) || hidden.status == StatusCode::NOT_FOUND,
        "{}",
        hidden.body
    );

    // 委托提取还贷 on a commercial loan, then ended.
    let agreement = format!(
        r#"{{"kind":"commercial","lender":"中国银行苏州分行","loan_contract_no":"BOC-2020-001",
"monthly":"3000.00","pay_day":15,"bank_card":"{CARD}","ends_on":"2040-06-30"}}"#
    );
    let path = "/api/v1/member/repayment-agreement";
    let signed = post(h, &member, path, "a-1", &agreement).await;
    assert_eq!(
        signed.status,
        StatusCode::CREATED,
        "{backend}: {}",
        signed.body
    );
    assert_eq!(json(&signed)["monthly_fen"], 3_000_00);
    let end = "/api/v1/member/repayment-agreement/end";
    let ended = post(h, &member, end, "a-2", "").await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);

    // A member who is not a flexible worker cannot deposit as one.
    let deposit = r#"{"period":"202611","amount":"1200.00","channel":"bank"}"#;
    let path = "/api/v1/member/deposits";
    let refused = post(h, &member, path, "deposit-0001", deposit).await;
    assert_eq!(refused.code(), "FLEXIBLE_NOT_SIGNED", "{}", refused.body);

    let notice = "您的缴存证明已开具";
    h.app
        .access()
        .notify_member(1, "certificate", "缴存证明", notice)
        .await;
    let inbox = json(&h.get("/api/v1/inbox", &member).await);
    let first = &inbox["messages"][0];
    assert_eq!(first["read"], false, "{backend}: {inbox}");
    let read = format!("/api/v1/inbox/{}/read", first["message_id"]);
    let marked = post(h, &member, &read, "i-1", "").await;
    assert_eq!(marked.status, StatusCode::OK, "{}", marked.body);
    let inbox = json(&h.get("/api/v1/inbox", &member).await);
    assert_eq!(inbox["messages"][0]["read"], true, "{inbox}");
}
