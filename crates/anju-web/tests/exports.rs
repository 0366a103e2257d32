//! Exports (issue 23, “Excel in and out”): each table is downloaded as
//! `.xlsx`, opened with the reader crate (calamine) and compared cell by
//! cell with the same data read through the use cases (numbers exactly:
//! a money cell must read back as the same fen); the CSV is compared with
//! the workbook row for row; each download leaves its audit row (format,
//! row count, the file's digest). Refusals: a role that may not export,
//! another employer's roster, a bad `format` (422, no audit row). On a demo
//! centre on each backend `common::on_each_backend` opens: SQLite, and
//! PostgreSQL when `ANJU_TEST_PG_URL` is set.

mod common;

use anju_app::access::{NewAccount, sha256_hex};
use anju_domain::access::Role;
use anju_domain::collection::{BillStatus, mask_name};
use anju_domain::fund::KpiStatus;
use anju_domain::ids::IdCardNo;
use anju_domain::ledger::{Line, MemberId};
use anju_domain::loan::LoanProduct;
use anju_domain::{Date, Fen, Period};
use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use common::{Client, Reply, Web, today};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A value an export must hold, typed as the use case hands it out.
#[derive(Debug, Clone)]
enum Want {
    Text(String),
    Whole(i64),
    /// Money in fen, 积数 in fen·days: two decimals in the file.
    Hundredths(i128),
    Blank,
}

fn text(value: impl Into<String>) -> Want {
    Want::Text(value.into())
}

fn money(fen: Fen) -> Want {
    Want::Hundredths(i128::from(fen.get()))
}

// ------------------------------------------------------------ the centre

/// The demo centre on a business date, with a sign-in for each party.
struct Centre {
    h: Web,
    backend: &'static str,
    scratch: Option<anju_app::PgScratch>,
    /// 苏州示范科技有限公司 and another demo employer.
    employer_id: i64,
    other_employer_id: i64,
    /// Demo member 5: contributions, and the demo's overdue loan.
    member_id: i64,
    agent: Client,
    member: Client,
    clerk: Client,
    risk: Client,
    finance: Client,
    manager: Client,
}

/// The demo centre on every backend available (`common::on_each_backend`).
async fn demo_centres() -> Vec<Centre> {
    let mut centres = Vec::new();
    for backend in common::on_each_backend(today()).await {
        centres.push(demo_centre(backend).await);
    }
    centres
}

async fn demo_centre(backend: common::Backend) -> Centre {
    let app = backend.app;
    anju_app::demo::seed(&app, today()).await.expect("demo");
    anju_app::demo_loans::seed_demo_loans(&app, today())
        .await
        .expect("loans");
    anju_app::demo_fund::seed_demo_fund(&app, today())
        .await
        .expect("fund");
    let member_of = |n| {
        let app = app.clone();
        async move {
            let id = anju_app::demo::demo_member_id_card(n).expect("id");
            let m = app.collection().member_by_id_card(id.as_str()).await;
            m.expect("read").expect("demo member")
        }
    };
    let five = member_of(5).await;
    let other = member_of(1).await;
    let employer_id = five.employer_id.expect("employed");
    let h = Web::new(app, backend.dir);
    let member = person(&h, &five.id_card, Role::Member, Some(five.member_id), None).await;
    Centre {
        agent: person(&h, "agent-1", Role::EmployerAgent, None, Some(employer_id)).await,
        member,
        clerk: person(&h, "clerk-1", Role::Clerk, None, None).await,
        risk: person(&h, "risk-1", Role::RiskManager, None, None).await,
        finance: person(&h, "finance-1", Role::Finance, None, None).await,
        manager: person(&h, "manager-1", Role::Manager, None, None).await,
        employer_id,
        other_employer_id: other.employer_id.expect("employed"),
        member_id: five.member_id,
        backend: backend.name,
        scratch: backend.scratch,
        h,
    }
}

async fn person(
    h: &Web,
    login: &str,
    role: Role,
    member_id: Option<i64>,
    employer_id: Option<i64>,
) -> Client {
    h.create_account(NewAccount {
        member_id,
        employer_id,
        ..common::account(login, role)
    })
    .await;
    h.sign_in(login, role).await
}

impl Centre {
    async fn done(self) {
        common::drop_scratch(self.scratch).await;
    }
}

// ----------------------------------------------------------- reading files

/// The worksheet `title` of a workbook, row by row.
fn workbook_rows(bytes: &[u8], title: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = book.worksheet_range(title).expect("worksheet");
    assert_eq!(range.start(), Some((0, 0)), "the head starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// RFC 4180 as the exports write it: a byte-order mark, CRLF after every
/// row, quoted fields with doubled quotes.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("byte-order mark");
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a bare LF outside quotes"),
            (_, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last row ends in CRLF"
    );
    rows
}

/// Decimal text with at most two decimals as hundredths, exactly.
fn hundredths(text: &str) -> i128 {
    let (negative, body) = text
        .strip_prefix('-')
        .map_or((false, text), |rest| (true, rest));
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    assert!(fraction.len() <= 2, "more than two decimals: {text}");
    let digits = format!("{whole}{fraction:0<2}");
    let value: i128 = digits.parse().expect(text);
    if negative { -value } else { value }
}

fn two_decimals(value: i128) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A workbook cell against what the use case says, exactly: a number is
/// read back through its shortest decimal text, never rounded.
fn assert_cell(got: &Data, want: &Want, at: (usize, usize)) {
    match (want, got) {
        (Want::Blank, Data::Empty) => {}
        (Want::Text(t), Data::Empty) if t.is_empty() => {}
        (Want::Text(t), Data::String(s)) => assert_eq!(s, t, "cell {at:?}"),
        (Want::Whole(n), Data::Float(f)) => assert_eq!(f.to_string(), n.to_string(), "cell {at:?}"),
        (Want::Hundredths(v), Data::Float(f)) => {
            assert_eq!(hundredths(&f.to_string()), *v, "cell {at:?}: {f}");
        }
        _ => panic!("cell {at:?}: {got:?}, wanted {want:?}"),
    }
}

/// A text as the CSV writes it: a leading formula character neutralised.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// A workbook cell as the CSV must carry it.
fn as_csv(got: &Data, want: &Want) -> String {
    match (want, got) {
        (_, Data::Empty) => String::new(),
        (Want::Text(_), Data::String(s)) => neutralised(s),
        (Want::Whole(_), Data::Float(f)) => f.to_string(),
        (Want::Hundredths(_), Data::Float(f)) => two_decimals(hundredths(&f.to_string())),
        _ => panic!("{got:?} is not a {want:?}"),
    }
}

// ------------------------------------------------------------- the checks

/// One export: what to ask for and what it must hold.
struct Case<'a> {
    page: &'a str,
    api: &'a str,
    /// Query parameters besides `format`, each followed by `&`.
    query: String,
    client: &'a Client,
    title: &'a str,
    heads: &'a [&'a str],
    rows: Vec<Vec<Want>>,
    action: &'a str,
}

fn assert_download(reply: &Reply, content_type: &str, extension: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.content_type(), content_type);
    let disposition = reply.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(extension),
        "{disposition}"
    );
    assert_eq!(reply.headers[header::CACHE_CONTROL], "no-store");
}

/// The newest audit rows of `action`, newest first, as the auditor reads them.
async fn audit_rows(c: &Centre, action: &str) -> Vec<serde_json::Value> {
    let reply =
        c.h.get(
            &format!("/api/v1/audit?action={action}&limit=50"),
            &c.manager,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let json: serde_json::Value = serde_json::from_str(&reply.body).expect("json");
    json["items"].as_array().expect("items").clone()
}

fn assert_audited(row: &serde_json::Value, format: &str, rows: usize, bytes: &[u8]) {
    let target = row["target"].as_str().expect("target");
    assert!(
        target.ends_with(&format!(" format={format} rows={rows}")),
        "{target}"
    );
    assert_eq!(row["result"], "ok");
    assert_eq!(
        row["payload_digest"].as_str(),
        Some(sha256_hex(bytes).as_str())
    );
}

/// Downloads the export in both formats through the page and the API;
/// checks the workbook against the use case cell by cell, the CSV against
/// the workbook row for row, and an audit row for each download.
async fn check(c: &Centre, case: &Case<'_>) {
    let who = format!("{} on {}", case.title, c.backend);
    let url = |path: &str, format: &str| format!("{path}?{}format={format}", case.query);
    let xlsx = c.h.get(&url(case.page, "xlsx"), case.client).await;
    assert_download(&xlsx, XLSX, ".xlsx\"");
    let sheet = workbook_rows(&xlsx.bytes, case.title);
    let heads: Vec<Data> = case
        .heads
        .iter()
        .map(|h| Data::String(h.to_string()))
        .collect();
    assert_eq!(sheet[0], heads, "{who}: the head row");
    assert_eq!(sheet.len(), case.rows.len() + 1, "{who}: rows");
    for (r, (got, want)) in sheet[1..].iter().zip(&case.rows).enumerate() {
        assert_eq!(got.len(), want.len(), "{who}: row {r} width");
        for (col, (g, w)) in got.iter().zip(want).enumerate() {
            assert_cell(g, w, (r + 1, col));
        }
    }
    let csv = c.h.get(&url(case.api, "csv"), case.client).await;
    assert_download(&csv, "text/csv; charset=utf-8", ".csv\"");
    let lines = csv_rows(&csv.bytes);
    assert_eq!(lines[0], case.heads, "{who}: the CSV head");
    assert_eq!(lines.len(), sheet.len(), "{who}: CSV rows");
    for (r, (line, row)) in lines[1..].iter().zip(&sheet[1..]).enumerate() {
        let from_sheet: Vec<String> = row
            .iter()
            .zip(&case.rows[r])
            .map(|(g, w)| as_csv(g, w))
            .collect();
        assert_eq!(
            *line, from_sheet,
            "{}: CSV row {r} against the workbook",
            who
        );
    }
    // The twins answer alike: the API's workbook, the page's CSV.
    let api_xlsx = c.h.get(&url(case.api, "xlsx"), case.client).await;
    assert_download(&api_xlsx, XLSX, ".xlsx\"");
    assert_eq!(workbook_rows(&api_xlsx.bytes, case.title), sheet);
    let page_csv = c.h.get(&url(case.page, "csv"), case.client).await;
    assert_eq!(page_csv.bytes, csv.bytes);
    let audit = audit_rows(c, case.action).await;
    let n = case.rows.len();
    assert_audited(&audit[0], "csv", n, &page_csv.bytes);
    assert_audited(&audit[1], "xlsx", n, &api_xlsx.bytes);
    assert_audited(&audit[2], "csv", n, &csv.bytes);
    assert_audited(&audit[3], "xlsx", n, &xlsx.bytes);
}

/// A bad format is refused before anything is read: 422 with the stable
/// code over the API, the error page on the page route, no audit row.
async fn check_bad_format(c: &Centre, case: &Case<'_>) {
    let before = audit_rows(c, case.action).await.len();
    let api = format!("{}?{}format=xls", case.api, case.query);
    let reply = c.h.get(&api, case.client).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    assert_eq!(reply.code(), "EXPORT_FORMAT_INVALID");
    let page = format!("{}?{}format=pdf", case.page, case.query);
    let reply = c.h.get(&page, case.client).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.body.contains("导出格式无效"), "{}", reply.body);
    assert_eq!(
        audit_rows(c, case.action).await.len(),
        before,
        "no audit row"
    );
}

/// A role the route does not admit is refused (403 over the API).
async fn check_refused(c: &Centre, path: &str, client: &Client) {
    let reply = c.h.get(&format!("{path}?format=xlsx"), client).await;
    assert_eq!(
        reply.status,
        StatusCode::FORBIDDEN,
        "{path}: {}",
        reply.body
    );
}

// ------------------------------------------------------------------ tests

fn masked(id_card: &str) -> String {
    IdCardNo::parse(id_card).expect("id").masked()
}

#[tokio::test]
async fn an_agent_exports_the_roster_and_only_their_own() {
    for c in demo_centres().await {
        let roster = c.h.app.collection().active_members(c.employer_id).await;
        let rows: Vec<Vec<Want>> = roster
            .expect("roster")
            .iter()
            .map(|m| {
                vec![
                    text(m.member_id.to_string()),
                    text(&m.name),
                    text(masked(&m.id_card)),
                    money(m.wage_fen),
                ]
            })
            .collect();
        assert_eq!(rows.len(), 60, "the demo employer's staff");
        let case = Case {
            page: "/employer/members/export",
            api: "/api/v1/employer/members/export",
            query: String::new(),
            client: &c.agent,
            title: "在职缴存职工",
            heads: &["个人账号", "姓名", "身份证号", "月工资（元）"],
            rows,
            action: "export.roster",
        };
        check(&c, &case).await;
        check_bad_format(&c, &case).await;
        let page = c.h.get("/employer", &c.agent).await;
        assert!(
            page.body.contains("/employer/members/export?format=xlsx"),
            "the page links the export"
        );
        // Another employer's roster: refused by the use case, and audited.
        let other = format!(
            "/api/v1/employer/members/export?employer_id={}&format=xlsx",
            c.other_employer_id
        );
        let reply = c.h.get(&other, &c.agent).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
        assert_eq!(reply.code(), "EMPLOYER_SCOPE");
        let audit = audit_rows(&c, "export.roster").await;
        assert_eq!(audit[0]["result"], "EMPLOYER_SCOPE");
        assert_eq!(
            audit[0]["target"],
            format!("employer:{} format=xlsx", c.other_employer_id)
        );
        check_refused(&c, "/api/v1/employer/members/export", &c.member).await;
        check_refused(&c, "/employer/members/export", &c.clerk).await;
        c.done().await;
    }
}

/// A bill's standing as the employer's page words it.
fn standing(b: &anju_app::collection::BillRecord) -> &'static str {
    if b.reversal_entry_id.is_some() {
        "已更正（冲正）"
    } else if b.status == BillStatus::Paid {
        "已缴"
    } else if b.due_date < today() {
        "逾期未缴"
    } else {
        "待缴"
    }
}

#[tokio::test]
async fn an_agent_exports_the_bills() {
    for c in demo_centres().await {
        // This month's bill, open past its due date, besides the paid ones.
        let period = Period::of_date(today());
        c.h.app
            .collection()
            .generate_bill(&common::batch(), c.employer_id, period)
            .await
            .expect("bill");
        let bills = c.h.app.collection().bills_of(c.employer_id, 600).await;
        let rows: Vec<Vec<Want>> = bills
            .expect("bills")
            .iter()
            .map(|b| {
                vec![
                    text(b.period.to_string()),
                    text(
                        if b.kind == anju_domain::collection::BillKind::BackPayment {
                            "补缴"
                        } else {
                            "汇缴"
                        },
                    ),
                    Want::Whole(i64::from(b.line_count)),
                    money(b.total_fen),
                    text(b.due_date.to_string()),
                    text(standing(b)),
                ]
            })
            .collect();
        assert!(
            rows.len() > 24,
            "more bills than the page shows: {}",
            rows.len()
        );
        let statuses: Vec<String> = rows.iter().map(|r| format!("{:?}", r[5])).collect();
        assert!(
            statuses.iter().any(|s| s.contains("逾期未缴"))
                && statuses.iter().any(|s| s.contains("已缴"))
        );
        let case = Case {
            page: "/employer/bills/export",
            api: "/api/v1/employer/bills/export",
            query: String::new(),
            client: &c.agent,
            title: "汇缴清册",
            heads: &[
                "缴存年月",
                "类型",
                "人数",
                "应缴金额（元）",
                "缴存期限",
                "状态",
            ],
            rows,
            action: "export.bills",
        };
        check(&c, &case).await;
        check_bad_format(&c, &case).await;
        check_refused(&c, "/api/v1/employer/bills/export", &c.risk).await;
        c.done().await;
    }
}

#[tokio::test]
async fn a_member_exports_the_statement_formulas_neutralised() {
    for c in demo_centres().await {
        // A memo a spreadsheet would run as a formula, with a comma and quotes.
        let memo = "=HYPERLINK(\"http://x\",\"点我\"),注";
        let lines = vec![
            Line::debit("101", Fen::new(12_345)),
            Line::credit("201", Fen::new(12_345)).for_member(MemberId(c.member_id)),
        ];
        let day = today().add_days(-3).expect("day");
        let entry = common::entry("C01", day, "export-memo", memo, lines);
        c.h.app.ledger().post_entry(entry).await.expect("posted");
        let (from, to) = (Date::parse("2025-07-01").expect("from"), today());
        let range =
            c.h.app
                .interest()
                .member_statement(MemberId(c.member_id), from, to)
                .await
                .expect("statement");
        let opening = vec![
            text(from.to_string()),
            text("期初余额"),
            Want::Blank,
            Want::Blank,
            money(range.opening),
            Want::Blank,
            Want::Blank,
        ];
        let mut rows = vec![opening];
        rows.extend(range.lines.iter().map(|l| {
            vec![
                text(l.value_date.to_string()),
                text(l.business_name),
                text(&l.memo),
                money(l.amount),
                money(l.balance),
                l.days.map_or(Want::Blank, Want::Whole),
                l.product_fen_days.map_or(Want::Blank, Want::Hundredths),
            ]
        }));
        assert!(
            rows.len() > 12,
            "a year and more of contributions: {}",
            rows.len()
        );
        assert!(range.lines.iter().any(|l| l.memo == memo));
        let case = Case {
            page: "/member/statement/export",
            api: "/api/v1/member/statement/export",
            query: format!("from={from}&to={to}&"),
            client: &c.member,
            title: "账户明细",
            heads: &[
                "起息日",
                "业务类型",
                "摘要",
                "发生额（元）",
                "余额（元）",
                "计息天数",
                "积数（元·天）",
            ],
            rows,
            action: "export.statement",
        };
        check(&c, &case).await;
        check_bad_format(&c, &case).await;
        // The statement page's CSV is the same export, audited like it.
        let query = format!("from={from}&to={to}");
        let old =
            c.h.get(&format!("/member/statement.csv?{query}"), &c.member)
                .await;
        let new =
            c.h.get(
                &format!("/member/statement/export?{query}&format=csv"),
                &c.member,
            )
            .await;
        assert_eq!(old.bytes, new.bytes);
        let csv = String::from_utf8(new.bytes).expect("utf-8");
        assert!(
            csv.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\"),注\","),
            "the formula is quoted and neutralised"
        );
        let audit = audit_rows(&c, "export.statement").await;
        assert_eq!(
            audit.len(),
            6,
            "four downloads, the statement page's CSV and this one"
        );
        let backwards = format!("/api/v1/member/statement/export?from={to}&to={from}&format=csv");
        let reply = c.h.get(&backwards, &c.member).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.code(), "STATEMENT_RANGE");
        check_refused(&c, "/api/v1/member/statement/export", &c.agent).await;
        c.done().await;
    }
}

#[tokio::test]
async fn risk_staff_export_the_overdue_loans() {
    for c in demo_centres().await {
        let actor = anju_app::access::Actor::seeded(Role::RiskManager, "risk-1", None, "t");
        let list =
            c.h.app
                .loans()
                .overdue_loan_list(&actor, today())
                .await
                .expect("list");
        assert!(!list.is_empty(), "the demo has an overdue loan");
        let ids: Vec<i64> = list.iter().map(|a| a.loan.member_id).collect();
        let members =
            c.h.app
                .collection()
                .members_by_ids(&ids)
                .await
                .expect("members");
        let rows: Vec<Vec<Want>> = list
            .iter()
            .map(|a| {
                let l = &a.loan;
                let borrower = if l.product == LoanProduct::Project {
                    format!("{}（公租房项目贷款）", l.seller_name)
                } else {
                    let m = members
                        .iter()
                        .find(|m| m.member_id == l.member_id)
                        .expect("borrower");
                    format!("{}（{}）", mask_name(&m.name), masked(&m.id_card))
                };
                let since = l.overdue_since.expect("overdue since");
                vec![
                    text(l.loan_id.to_string()),
                    text(borrower),
                    text(l.contract_no.clone().unwrap_or_default()),
                    text(since.to_string()),
                    Want::Whole(since.days_until(today()).max(0)),
                    text(l.grade.name()),
                    money(l.overdue_principal_fen),
                    money(a.overdue_fen),
                    money(a.penalty_to_date),
                    Want::Whole(i64::from(l.consecutive_overdue)),
                    Want::Whole(i64::from(l.cumulative_overdue)),
                ]
            })
            .collect();
        // The list's page shows the same borrowers and amounts.
        let page = c.h.get("/staff/loans/overdue", &c.risk).await;
        assert!(
            page.body
                .contains("/staff/loans/overdue/export?format=xlsx")
        );
        for a in &list {
            let start = page
                .body
                .find(&format!("id=\"overdue-{}\"", a.loan.loan_id))
                .expect("row");
            let row = &page.body[start..];
            let row = &row[..row.find("</tr>").expect("row end")];
            assert!(
                row.contains(&format!(
                    "<td class=\"num penalty\">{}</td>",
                    a.penalty_to_date
                )),
                "{row}"
            );
        }
        let case = Case {
            page: "/staff/loans/overdue/export",
            api: "/api/v1/staff/loans/overdue/export",
            query: String::new(),
            client: &c.risk,
            title: "逾期贷款清单",
            heads: &[
                "贷款编号",
                "借款人",
                "合同号",
                "逾期起始日",
                "逾期天数",
                "五级分类",
                "逾期本金（元）",
                "逾期本息（元）",
                "罚息（计至今日）（元）",
                "连续逾期期数",
                "累计逾期期数",
            ],
            rows,
            action: "export.overdue_loans",
        };
        check(&c, &case).await;
        check_bad_format(&c, &case).await;
        check_refused(&c, "/api/v1/staff/loans/overdue/export", &c.finance).await;
        check_refused(&c, "/staff/loans/overdue/export", &c.agent).await;
        c.done().await;
    }
}

/// Text as askama escapes it into a page.
fn html_escaped(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .expect("escape")
        .to_string()
}

#[tokio::test]
async fn fund_staff_export_the_kpi_table_of_a_year() {
    for c in demo_centres().await {
        let year = 2025;
        let cockpit =
            c.h.app
                .fund()
                .kpi_cockpit(i32::MAX, today())
                .await
                .expect("cockpit");
        let shown = cockpit.years.iter().find(|y| y.year == year).expect("2025");
        let page =
            c.h.get(&format!("/staff/kpi?year={year}"), &c.finance)
                .await;
        assert!(
            page.body
                .contains("/staff/kpi/export?year=2025&amp;format=xlsx")
        );
        let mut rows = Vec::new();
        for def in &cockpit.catalogue.kpis {
            let result = shown.results.iter().find(|r| r.id == def.id);
            let value = result
                .and_then(|r| r.value.as_ref())
                .map_or_else(|| "无数据".to_string(), |v| v.text(def.unit));
            let target = result
                .and_then(|r| r.target_this_year.as_ref())
                .map_or_else(|| def.target.text(def.unit), |t| t.text(def.unit));
            let status = result.map_or(KpiStatus::NoData, |r| r.status).name();
            let source = if result.is_some_and(|r| r.from_input) {
                "录入"
            } else {
                "系统计算"
            };
            // What the cockpit shows for the year, cell for cell.
            let start = page
                .body
                .find(&format!("id=\"kpi-{}\"", def.id))
                .expect("kpi row");
            let row = &page.body[start..];
            let row = &row[..row.find("</tr>").expect("row end")];
            for shown in [&value, &target, &status.to_string()] {
                assert!(
                    row.contains(&html_escaped(shown)),
                    "{}: {shown} in {row}",
                    def.id
                );
            }
            rows.push(vec![
                text(&def.id),
                text(&def.name),
                text(value),
                text(target),
                text(status),
                text(source),
            ]);
        }
        assert!(rows.len() >= 21, "K01–K21");
        let case = Case {
            page: "/staff/kpi/export",
            api: "/api/v1/staff/kpi/export",
            query: format!("year={year}&"),
            client: &c.finance,
            title: "规划指标",
            heads: &["编号", "指标", "本年值", "本年目标", "状态", "来源"],
            rows,
            action: "export.kpi",
        };
        check(&c, &case).await;
        check_bad_format(&c, &case).await;
        let before =
            c.h.get("/api/v1/staff/kpi/export?year=1900&format=xlsx", &c.manager)
                .await;
        assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(before.code(), "YEAR_INVALID");
        check_refused(&c, "/api/v1/staff/kpi/export", &c.clerk).await;
        check_refused(&c, "/staff/kpi/export", &c.member).await;
        c.done().await;
    }
}

/// The identified roster's rows as the use case reads them: full names and
/// ID numbers.
async fn identified_rows(c: &Centre, employer_id: i64) -> Vec<Vec<Want>> {
    let roster = c.h.app.collection().active_members(employer_id).await;
    let roster = roster.expect("roster");
    roster
        .iter()
        .map(|m| {
            vec![
                text(m.member_id.to_string()),
                text(&m.name),
                text(&m.id_card),
                money(m.wage_fen),
            ]
        })
        .collect()
}

async fn ask(h: &Web, employer_id: i64, client: &Client, form: &str) -> Reply {
    let path = format!("/staff/employers/{employer_id}/members/export-identified");
    h.post_form(&path, client, form).await
}

fn assert_identified_workbook(reply: &Reply, want: &[Vec<Want>], who: &str) {
    assert_download(reply, XLSX, "-identified.xlsx\"");
    let sheet = workbook_rows(&reply.bytes, "在职缴存职工（实名）");
    assert_eq!(sheet.len(), want.len() + 1, "{who}: rows");
    assert_eq!(
        sheet[0][2],
        Data::String("身份证号（完整）".into()),
        "{who}"
    );
    for (r, (got, want)) in sheet[1..].iter().zip(want).enumerate() {
        for (col, (got, want)) in got.iter().zip(want).enumerate() {
            assert_cell(got, want, (r + 1, col));
        }
    }
}

#[tokio::test]
async fn a_clerk_exports_a_roster_identified_above_the_limit_once_a_manager_approves() {
    for c in demo_centres().await {
        let (small, large) = (c.other_employer_id, c.employer_id);
        let small_rows = identified_rows(&c, small).await;
        let large_rows = identified_rows(&c, large).await;
        // Each demo employer has 60 staff: above the default limit; the
        // same centre with a limit of 60 takes them without approval.
        let limit = c.h.app.identified_export_limit();
        assert!(large_rows.len() > limit, "{limit}");
        let app =
            c.h.app
                .clone()
                .with_identified_export_limit(small_rows.len());
        let roomy = Web::new(app, tempfile::tempdir().expect("dir"));
        let file = format!("/staff/employers/{large}");
        let page = c.h.get(&file, &c.clerk).await;
        assert!(page.body.contains("申请实名导出"), "{}", page.body);
        let page = c.h.get(&file, &c.finance).await;
        assert!(
            !page.body.contains("申请实名导出"),
            "finance sees masked only"
        );
        let refused = ask(&c.h, large, &c.finance, "reason=核对&format=xlsx").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        let refused = ask(&c.h, small, &c.clerk, "reason=&format=xlsx").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("请填写理由"), "{}", refused.body);

        // Within the limit: the file at once, with the reason in the trail.
        let now = ask(&roomy, small, &c.clerk, "reason=核对社保数据&format=xlsx").await;
        assert_identified_workbook(&now, &small_rows, c.backend);
        let audit = audit_rows(&c, "export.roster.identified").await;
        assert_audited(&audit[0], "xlsx", small_rows.len(), &now.bytes);
        let target = audit[0]["target"].as_str().expect("target");
        assert!(
            target.starts_with(&format!("employer:{small} 理由：核对社保数据")),
            "{target}"
        );

        // Above it: a task for a manager; nothing leaves before approval.
        let asked = ask(
            &c.h,
            large,
            &c.clerk,
            "reason=法院协查（2026）苏05执1号&format=xlsx",
        )
        .await;
        assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
        assert!(asked.body.contains("已提交管理员审批"), "{}", asked.body);
        let pending = c.h.app.access().pending_tasks(10).await.expect("queue");
        let task = pending.first().expect("the task").task_id;
        let take = format!("/staff/tasks/{task}/export");
        let early = c.h.post_form(&take, &c.clerk, "").await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
        assert!(early.body.contains("尚待审批"), "{}", early.body);
        let approved =
            c.h.post_form(
                &format!("/staff/tasks/{task}/decision"),
                &c.manager,
                "decision=approve",
            )
            .await;
        assert!(approved.body.contains("已批准"), "{}", approved.body);
        let console = c.h.get("/staff", &c.clerk).await;
        assert!(
            console.body.contains(&format!("id=\"take-export-{task}\"")),
            "{}",
            console.body
        );
        let theirs = c.h.post_form(&take, &c.manager, "").await;
        assert_eq!(
            theirs.status,
            StatusCode::FORBIDDEN,
            "only the one who asked"
        );
        let file = c.h.post_form(&take, &c.clerk, "").await;
        assert_identified_workbook(&file, &large_rows, c.backend);
        let again = c.h.post_form(&take, &c.clerk, "").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "once: {}", again.body);
        let console = c.h.get("/staff", &c.clerk).await;
        assert!(!console.body.contains(&format!("id=\"take-export-{task}\"")));
        let audit = audit_rows(&c, "export.roster.identified").await;
        assert_eq!(audit[0]["result"], "EXPORT_ALREADY_RELEASED");
        assert_audited(&audit[1], "xlsx", large_rows.len(), &file.bytes);
        assert_eq!(
            audit[1]["target"],
            format!(
                "task:{task} employer:{large} format=xlsx rows={}",
                large_rows.len()
            )
        );
        c.done().await;
    }
}
