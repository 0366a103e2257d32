//! 资金管理 pages through the real router, against a fresh SQLite database
//! holding fourteen months of contributions and last year's deposit interest:
//! every page for finance staff (and an auditor), a member kept out; the
//! distribution prepared by one manager, refused to that manager and
//! approved by another; a deposit placed, a bad one refused, a time deposit
//! matured; a liquidity check with its alerts acknowledged (a blank note
//! refused); a KPI input entered (an unknown key refused); the yearly report
//! as a page, as HTML and as PDF. The pages take today's date from the
//! clock, so the ledger is seeded relative to it.

mod common;

use anju_domain::access::Role;
use anju_domain::fund::DistributionStatus;
use anju_domain::ledger::Line;
use anju_domain::{Date, Fen, Period};
use axum::http::{StatusCode, header};
use common::{Client, Web, enc, entry, refused, today};

const MEMBER: &str = "320502199003071230";

/// Member 1 credited ¥10,000.00 on the 10th of each of the fourteen months
/// before this one, and ¥2,000.00 of deposit interest earned on 30 June last
/// year (the income a distribution splits).
async fn harness() -> Web {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app(&dir, today()).await;
    let today = today();
    common::take_over(&app, &[common::member_record(1, MEMBER, "王芳")], 500).await;
    let mut entries = Vec::new();
    let mut period = Period::of_date(today);
    for _ in 0..14 {
        period = period.previous().expect("period");
        let date = Date::from_ymd(period.year(), period.month(), 10).expect("date");
        let key = format!("seed-{}", period.yyyymm());
        entries.push(common::contribution(date, &key, 1, 10_000_00));
    }
    let june = Date::from_ymd(today.year() - 1, 6, 30).expect("date");
    entries.push(entry(
        "F02",
        june,
        "seed-interest",
        "银行存款利息",
        vec![
            Line::debit("101", Fen::new(2_000_00)),
            Line::credit("40101", Fen::new(2_000_00)),
        ],
    ));
    app.ledger().post_entries(&entries).await.expect("seed");
    Web::new(app, dir)
}

/// The ids of rows `id="{prefix}N"` in page order.
fn ids(html: &str, prefix: &str) -> Vec<i64> {
    html.match_indices(&format!("id=\"{prefix}"))
        .filter_map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

#[tokio::test]
async fn every_page_renders_for_finance_and_a_member_is_kept_out() {
    let h = harness().await;
    let finance = h.person("finance01", Role::Finance, None).await;
    let member = h.person(MEMBER, Role::Member, Some(1)).await;
    let last_year = today().year() - 1;
    let pages = [
        ("/staff/fund".to_string(), "试算平衡表"),
        (
            format!("/staff/fund/distribution?year={last_year}"),
            "增值收益分配",
        ),
        ("/staff/fund/deposits".to_string(), "未来 12 个月现金流预测"),
        ("/staff/fund/liquidity".to_string(), "流动性监测"),
        ("/staff/kpi".to_string(), "规划指标驾驶舱"),
        (
            format!("/staff/report/annual?year={last_year}"),
            "二、业务运行情况",
        ),
    ];
    for (path, heading) in &pages {
        let page = h.get(path, &finance).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        assert!(page.body.contains(heading), "{path}: {heading}");
        assert!(
            page.body.contains("href=\"/staff/fund\">资金管理</a>"),
            "{path}: the nav names 资金管理"
        );
        let kept_out = h.get(path, &member).await;
        assert!(
            refused(&kept_out),
            "{path} as a member: {}",
            kept_out.status
        );
        assert!(!kept_out.body.contains(heading), "{path}");
    }
    let pdf = h
        .get(
            &format!("/staff/report/annual.pdf?year={last_year}"),
            &member,
        )
        .await;
    assert!(refused(&pdf) && !pdf.bytes.starts_with(b"%PDF"));
    let home = h.get("/member", &member).await;
    assert!(!home.body.contains("资金管理"));

    // The statements: the seeded year balances and the sheet balances.
    let statements = h.get("/staff/fund", &finance).await;
    assert!(
        statements.body.contains("✓ 借贷平衡")
            && statements
                .body
                .contains("✓ 平衡：资产合计 = 负债和基金合计")
            && statements.body.contains("增值收益表")
            && statements.body.contains("增值收益分配表")
            && statements.body.contains("class=\"parent\""),
        "{}",
        statements.body
    );
    let last = h
        .get(
            &format!("/staff/fund?from={last_year}-01-01&to={last_year}-12-31"),
            &finance,
        )
        .await;
    assert!(
        last.body
            .contains("<td class=\"num\" id=\"value-added\">¥2,000.00</td>"),
        "{}",
        last.body
    );
    let backwards = h
        .get("/staff/fund?from=2025-12-31&to=2025-01-01", &finance)
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("起始日期不能晚于截止日期"));
    let garbled = h.get("/staff/fund?from=昨天", &finance).await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The KPI cockpit: 21 rows, a chart per numeric KPI, the scripts from this site.
    let kpi = h.get("/staff/kpi", &finance).await;
    assert_eq!(ids(&kpi.body, "kpi-K").len(), 21, "{}", kpi.body);
    // The plan's last year is shown (it has ended): a column per month.
    let months = &kpi.body[kpi.body.find("id=\"kpi-months\"").expect("months")..];
    let months = &months[..months.find("</thead>").expect("head")];
    assert_eq!(months.matches("月</th>").count(), 12, "{months}");
    let charts = kpi.body.matches("<div class=\"chart\"").count();
    assert!((15..21).contains(&charts), "{charts}");
    let at = kpi.body.find("data-chart=").expect("chart");
    assert!(
        kpi.body
            .contains("data-chart=\"{&#34;kind&#34;:&#34;line&#34;"),
        "{}",
        &kpi.body[at..at + 120]
    );
    assert!(
        kpi.body
            .contains("<script src=\"/static/vendor/echarts/echarts.min.js\"></script>")
            && kpi
                .body
                .contains("<script src=\"/static/kpi-charts.js\"></script>")
    );
    for script in [
        "/static/vendor/echarts/echarts.min.js",
        "/static/kpi-charts.js",
    ] {
        let js = h.get(script, &Client::default()).await;
        assert_eq!(js.status, StatusCode::OK, "{script}");
        assert!(js.body.len() > 1_000, "{script}");
    }
    // Other pages carry no chart scripts.
    assert!(!statements.body.contains("echarts"));
}

#[tokio::test]
async fn an_auditor_reads_but_has_no_buttons() {
    let h = harness().await;
    let auditor = h.person("auditor01", Role::Auditor, None).await;
    let kpi = h.get("/staff/kpi", &auditor).await;
    assert_eq!(kpi.status, StatusCode::OK);
    assert!(!kpi.body.contains("action=\"/staff/kpi/inputs\""));
    let liquidity = h.get("/staff/fund/liquidity", &auditor).await;
    assert!(!liquidity.body.contains("立即检查"));
    let deposits = h.get("/staff/fund/deposits", &auditor).await;
    assert!(!deposits.body.contains("登记存款</button>"));
    let refused_post = h
        .post_form("/staff/fund/liquidity/check", &auditor, "")
        .await;
    assert!(refused(&refused_post), "{}", refused_post.status);
}

#[tokio::test]
async fn a_distribution_prepared_by_one_manager_is_approved_by_another() {
    let h = harness().await;
    let zhou = h.person("manager01", Role::Manager, None).await;
    let wu = h.person("manager02", Role::Manager, None).await;
    let finance = h.person("finance01", Role::Finance, None).await;
    let year = today().year() - 1;
    let path = format!("/staff/fund/distribution?year={year}");
    let preview = h.get(&path, &finance).await;
    assert!(
        preview
            .body
            .contains("<dd id=\"plan-value-added\">¥2,000.00</dd>")
            && preview.body.contains("编制分配方案</button>")
            && !preview.body.contains("审批并入账"),
        "{}",
        preview.body
    );
    // This year has not ended: nothing to prepare yet.
    let open_year = h
        .post_form(
            "/staff/fund/distribution/prepare",
            &finance,
            &format!("year={}", year + 1),
        )
        .await;
    assert_eq!(open_year.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(open_year.body.contains("尚未结束"), "{}", open_year.body);

    let prepared = h
        .post_form(
            "/staff/fund/distribution/prepare",
            &zhou,
            &format!("year={year}"),
        )
        .await;
    assert_eq!(prepared.status, StatusCode::OK, "{}", prepared.body);
    assert!(
        prepared.body.contains("增值收益分配方案已编制")
            && prepared.body.contains("已编制，待审批")
            && prepared.body.contains("您是本方案的编制人"),
        "{}",
        prepared.body
    );

    // The preparer may not approve: refused in Chinese, nothing written.
    let own = h
        .post_form(
            "/staff/fund/distribution/approve",
            &zhou,
            &format!("year={year}"),
        )
        .await;
    // Maker-checker is a permission: 403, as the API answers it.
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(
        own.body.contains("编制人不能审批自己编制的分配方案")
            && own.body.contains("DISTRIBUTION_SAME_PERSON"),
        "{}",
        own.body
    );
    let record = h.app.fund().distribution(year).await.expect("read");
    let record = record.expect("prepared");
    assert_eq!(record.status, DistributionStatus::Prepared);
    assert_eq!(record.entry_id, None);

    // Finance may not approve at all.
    let by_finance = h
        .post_form(
            "/staff/fund/distribution/approve",
            &finance,
            &format!("year={year}"),
        )
        .await;
    assert!(refused(&by_finance));

    let approved = h
        .post_form(
            "/staff/fund/distribution/approve",
            &wu,
            &format!("year={year}"),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert!(
        approved.body.contains("增值收益分配已审批")
            && approved
                .body
                .contains("<dd id=\"distribution-status\">已审批入账</dd>")
            && approved.body.contains("manager02"),
        "{}",
        approved.body
    );
    let record = h.app.fund().distribution(year).await.expect("read");
    assert_eq!(
        record.expect("approved").status,
        DistributionStatus::Approved
    );
    // A second approval is refused; the statements show the distribution.
    let again = h
        .post_form(
            "/staff/fund/distribution/approve",
            &wu,
            &format!("year={year}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let statements = h
        .get(
            &format!("/staff/fund?from={year}-01-01&to={year}-12-31"),
            &finance,
        )
        .await;
    assert!(
        statements.body.contains("id=\"distribution-statement\"")
            && statements.body.contains("✓ 借贷平衡"),
        "{}",
        statements.body
    );
}

#[tokio::test]
async fn finance_places_deposits_matures_one_and_a_bad_one_is_refused() {
    let h = harness().await;
    let finance = h.person("finance01", Role::Finance, None).await;
    let today = today();
    let page = h.get("/staff/fund/deposits", &finance).await;
    assert!(
        page.body.contains("尚未登记存款")
            && page.body.contains("id=\"reconciliation\"")
            && page.body.contains("id=\"forecast\"")
            && page.body.contains("定期存款阶梯建议"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("<td class=\"bar-cell\">").count(), 12);

    let current = format!(
        "bank={}&kind=current&amount=100000&rate=0.20&placed_on={today}&matures_on=&note=",
        enc("中国工商银行苏州分行")
    );
    let placed = h
        .post_form("/staff/fund/deposits", &finance, &current)
        .await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    assert!(
        placed
            .body
            .contains("已登记 中国工商银行苏州分行 活期存款 ¥100,000.00"),
        "{}",
        placed.body
    );

    // A time deposit without its maturity: refused, the form kept, nothing written.
    let bad = format!(
        "bank={}&kind=time&amount=50000&rate=1.50&placed_on={today}&matures_on=&note=",
        enc("中国建设银行苏州分行")
    );
    let refused_bad = h.post_form("/staff/fund/deposits", &finance, &bad).await;
    assert_eq!(refused_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused_bad
            .body
            .contains("定期存款须填写晚于存入日的到期日")
            && refused_bad.body.contains("value=\"中国建设银行苏州分行\""),
        "{}",
        refused_bad.body
    );
    assert_eq!(
        h.app
            .fund()
            .cash_plan(today)
            .await
            .expect("read")
            .deposits
            .len(),
        1
    );

    // A year's time deposit that matured yesterday, and one not yet due.
    let placed_on = today.add_days(-366).expect("d");
    let matured = format!(
        "bank={}&kind=time&amount=36500&rate=1.00&placed_on={placed_on}&matures_on={}&note=",
        enc("中国银行苏州分行"),
        today.add_days(-1).expect("d")
    );
    h.post_form("/staff/fund/deposits", &finance, &matured)
        .await;
    let later = format!(
        "bank={}&kind=time&amount=10000&rate=1.50&placed_on={today}&matures_on={}&note=",
        enc("交通银行苏州分行"),
        today.add_days(90).expect("d")
    );
    let page = h.post_form("/staff/fund/deposits", &finance, &later).await;
    let rows = ids(&page.body, "deposit-");
    assert_eq!(rows.len(), 3, "{}", page.body);
    let deposits = h.app.fund().cash_plan(today).await.expect("read").deposits;
    let due = deposits
        .iter()
        .find(|d| d.bank == "中国银行苏州分行")
        .expect("due");
    let not_due = deposits
        .iter()
        .find(|d| d.bank == "交通银行苏州分行")
        .expect("not due");
    let early = h
        .post_form(
            &format!("/staff/fund/deposits/{}/mature", not_due.deposit_id),
            &finance,
            "",
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("尚未到期"), "{}", early.body);
    let done = h
        .post_form(
            &format!("/staff/fund/deposits/{}/mature", due.deposit_id),
            &finance,
            "",
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // ¥36,500 × 1.00% × 365 days ÷ 365 = ¥365.00.
    assert!(
        done.body.contains("已到期，利息 ¥365.00 已入账") && done.body.contains("已到期结息"),
        "{}",
        done.body
    );
}

#[tokio::test]
async fn a_liquidity_check_raises_alerts_and_a_risk_manager_acknowledges_them() {
    let h = harness().await;
    let risk = h.person("risk01", Role::RiskManager, None).await;
    let page = h.get("/staff/fund/liquidity", &risk).await;
    for key in [
        "utilisation",
        "loan_ratio",
        "reserve_adequacy",
        "overdue_rate",
        "bank_deposits",
    ] {
        assert!(
            page.body.contains(&format!("id=\"indicator-{key}\"")),
            "{key}"
        );
    }
    // ¥142,000 at the banks is far below the floor: critical.
    assert!(
        page.body
            .contains("class=\"indicator critical\" id=\"indicator-bank_deposits\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("暂无预警记录"));

    let checked = h.post_form("/staff/fund/liquidity/check", &risk, "").await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("检查完成，新增预警"),
        "{}",
        checked.body
    );
    let alerts = ids(&checked.body, "alert-");
    assert!(!alerts.is_empty(), "{}", checked.body);
    // A second check raises nothing new.
    let again = h.post_form("/staff/fund/liquidity/check", &risk, "").await;
    assert!(
        again.body.contains("检查完成，没有新的预警"),
        "{}",
        again.body
    );

    let id = alerts[0];
    let blank = h
        .post_form(
            &format!("/staff/fund/alerts/{id}/acknowledge"),
            &risk,
            "note=",
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("请填写处置说明"), "{}", blank.body);
    let open = h
        .app
        .fund()
        .liquidity(today())
        .await
        .expect("alerts")
        .alerts;
    assert!(open.iter().all(|a| a.acknowledged_by.is_none()));

    let note = enc("已通知财务调度资金");
    let done = h
        .post_form(
            &format!("/staff/fund/alerts/{id}/acknowledge"),
            &risk,
            &format!("note={note}"),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains(&format!("预警 {id} 已确认"))
            && done.body.contains("risk01（")
            && done.body.contains("已通知财务调度资金"),
        "{}",
        done.body
    );
    let twice = h
        .post_form(
            &format!("/staff/fund/alerts/{id}/acknowledge"),
            &risk,
            &format!("note={note}"),
        )
        .await;
    // Already acknowledged: a conflict with the alert's state.
    assert_eq!(twice.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn finance_enters_a_kpi_input_and_an_unknown_key_is_refused() {
    let h = harness().await;
    let finance = h.person("finance01", Role::Finance, None).await;
    let year = today().year().min(2025);
    let page = h.get("/staff/kpi", &finance).await;
    assert!(
        page.body.contains("<option value=\"urban_employed\"")
            && page.body.contains("<option value=\"security_grade\"")
            && page.body.contains("暂无录入记录"),
        "{}",
        page.body
    );
    let form = format!(
        "year={year}&key=security_grade&value={}&note={}",
        enc("良好"),
        enc("测评报告")
    );
    let entered = h.post_form("/staff/kpi/inputs", &finance, &form).await;
    assert_eq!(entered.status, StatusCode::OK, "{}", entered.body);
    assert!(
        entered.body.contains(&format!("已录入 {year} 年"))
            && entered.body.contains("<td>财务人员甲（财务人员）</td>")
            && entered.body.contains("测评报告"),
        "{}",
        entered.body
    );
    // K19 now reads the grade, marked as typed in.
    let k19 = &entered.body[entered.body.find("id=\"kpi-K19\"").expect("K19")..];
    let k19 = &k19[..k19.find("</tr>").expect("row")];
    assert!(k19.contains("良好") && k19.contains("录入"), "{k19}");

    let bad = format!("year={year}&key=moon_phase&value=1&note=");
    let refused_bad = h.post_form("/staff/kpi/inputs", &finance, &bad).await;
    assert_eq!(refused_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused_bad.body.contains("不是规划指标的录入项"),
        "{}",
        refused_bad.body
    );
    let inputs = h
        .app
        .fund()
        .kpi_cockpit(year, today())
        .await
        .expect("inputs")
        .inputs;
    assert_eq!(inputs.len(), 1);
    let letters = format!("year={year}&key=urban_employed&value=abc&note=");
    let refused_value = h.post_form("/staff/kpi/inputs", &finance, &letters).await;
    assert_eq!(refused_value.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// More complaints mediated than received makes K17 above 100%: the
/// cockpit shows 数据异常 with the range, never 达标.
#[tokio::test]
async fn a_kpi_input_that_makes_a_share_exceed_100_percent_is_flagged() {
    let h = harness().await;
    let finance = h.person("finance01", Role::Finance, None).await;
    let year = today().year().min(2025);
    for (key, value) in [("complaints_received", "40"), ("complaints_mediated", "50")] {
        let form = format!("year={year}&key={key}&value={value}&note=");
        let entered = h.post_form("/staff/kpi/inputs", &finance, &form).await;
        assert_eq!(entered.status, StatusCode::OK, "{}", entered.body);
    }
    let page = h.get(&format!("/staff/kpi?year={year}"), &finance).await;
    let k17 = &page.body[page.body.find("id=\"kpi-K17\"").expect("K17")..];
    let k17 = &k17[..k17.find("</tr>").expect("row")];
    assert!(
        k17.contains("125.00%")
            && k17.contains("kpi-status implausible\">数据异常")
            && k17.contains("超出该指标可能的范围（0%–100%）")
            && !k17.contains("达标"),
        "{k17}"
    );
    assert!(
        page.body
            .contains("<span class=\"kpi-status implausible\">数据异常 1</span>"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_annual_report_is_a_page_an_html_document_and_a_pdf() {
    let h = harness().await;
    let manager = h.person("manager01", Role::Manager, None).await;
    let year = today().year() - 1;
    let page = h
        .get(&format!("/staff/report/annual?year={year}"), &manager)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "年年度报告",
        "一、机构概况",
        "二、业务运行情况",
        "三、主要财务数据",
        "<th scope=\"col\" class=\"num\">同比</th>",
        "附表：分中心主要业务数据",
        "缴存余额（万元）",
        "下载 PDF",
        &format!("href=\"/staff/report/annual.pdf?year={year}\""),
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    let pdf = h
        .get(&format!("/staff/report/annual.pdf?year={year}"), &manager)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        pdf.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"annual-report-{year}.pdf\"").as_str()
    );
    assert!(pdf.bytes.starts_with(b"%PDF"), "a PDF");
    assert!(pdf.bytes.len() > 2_000);

    let future = h
        .get(&format!("/staff/report/annual?year={}", year + 5), &manager)
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("尚未开始"), "{}", future.body);

    let report = h
        .app
        .fund()
        .annual_report(year, today())
        .await
        .expect("report");
    let html = anju_web::report_render::report_html(&report);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&report.title));
    assert!(html.contains("<h2>四、资产风险状况</h2>") && !html.contains("<script"));
    assert!(anju_web::report_render::report_pdf(&report).starts_with(b"%PDF"));
}
