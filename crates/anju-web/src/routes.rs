//! Every route, with the roles it admits. The router is built from this table
//! and nothing else, so a route cannot exist without an access declaration;
//! the route × role matrix test walks the same table.

use crate::auth::Access;
use crate::state::WebState;
use crate::{api, api_loan, api_withdrawal, ops, pages, static_files};
use anju_domain::access::Role;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post};

pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// One line for the OpenAPI document (API routes) and for people reading this table.
    pub summary: &'static str,
}

const MEMBER: &[Role] = &[Role::Member];
/// The largest withdrawal application upload: two 5 MB documents and the form.
const WITHDRAWAL_UPLOAD_BYTES: usize = 11 * 1024 * 1024;
const AGENT: &[Role] = &[Role::EmployerAgent];
/// Staff who work the queue and the ledger.
const STAFF: &[Role] = &[
    Role::Clerk,
    Role::Reviewer,
    Role::Finance,
    Role::RiskManager,
    Role::Manager,
];
const MAKERS: &[Role] = &[Role::Clerk, Role::Finance, Role::Manager];
const CHECKERS: &[Role] = &[Role::Reviewer, Role::Manager];
const AUDIT: &[Role] = &[Role::Auditor, Role::Manager];
const MANAGER: &[Role] = &[Role::Manager];
/// Who reviews withdrawals (初审 and 复核) and takes them at the counter.
const WITHDRAWAL_STAFF: &[Role] = &[Role::Clerk, Role::Reviewer, Role::Manager];
/// Who approves above the limit (复核).
const REVIEWERS: &[Role] = &[Role::Reviewer, Role::Manager];
/// Who runs the yearly interest settlement.
const FINANCE: &[Role] = &[Role::Finance, Role::Manager];
/// Who sees the loan queues (each step then checks its own roles).
const LOAN_DESK: &[Role] = &[Role::Clerk, Role::Reviewer, Role::Finance, Role::Manager];
/// Who reads the overdue loan list and the risk indicators.
const LOAN_RISK: &[Role] = &[
    Role::RiskManager,
    Role::Reviewer,
    Role::Manager,
    Role::Auditor,
    Role::Clerk,
];
/// Staff who may open a loan's account.
const LOAN_VIEWERS: &[Role] = &[
    Role::Clerk,
    Role::Reviewer,
    Role::Finance,
    Role::RiskManager,
    Role::Manager,
    Role::Auditor,
];
/// Who reads 资金管理 (the statements, deposits, liquidity, KPIs, the report).
const FUND_VIEWERS: &[Role] = &[
    Role::Finance,
    Role::RiskManager,
    Role::Manager,
    Role::Auditor,
];
/// Who runs a liquidity check and acknowledges alerts.
const FUND_WATCH: &[Role] = &[Role::RiskManager, Role::Finance, Role::Manager];
/// Machine clients with an API token (partner centres, the 一件事 platform).
const PARTNER: &[Role] = &[Role::PartnerCentre];

fn spec(method: Method, path: &'static str, access: Access, summary: &'static str) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        summary,
    }
}

/// The table: (declaration, handler).
pub fn table() -> Vec<(RouteSpec, MethodRouter<WebState>)> {
    use Access::{Public, Roles, SignedIn};
    vec![
        (spec(Method::GET, "/", Public, "首页"), get(pages::home)),
        (
            spec(Method::GET, "/signin", Public, "登录页"),
            get(pages::signin_form),
        ),
        (
            spec(Method::POST, "/signin", Public, "登录"),
            post(pages::signin_submit),
        ),
        (
            spec(Method::POST, "/signout", SignedIn, "退出"),
            post(pages::signout),
        ),
        (
            spec(Method::GET, "/member", Roles(MEMBER), "个人首页"),
            get(pages::member_home),
        ),
        (
            spec(
                Method::GET,
                "/member/interest",
                Roles(MEMBER),
                "结息明细（逐笔积数与利息）",
            ),
            get(pages::member_interest),
        ),
        (
            spec(
                Method::GET,
                "/member/statement.csv",
                Roles(MEMBER),
                "账户明细下载（CSV）",
            ),
            get(pages::member_statement_csv),
        ),
        (
            spec(
                Method::GET,
                "/member/statement.pdf",
                Roles(MEMBER),
                "账户明细下载（PDF）",
            ),
            get(pages::member_statement_pdf),
        ),
        (
            spec(
                Method::GET,
                "/member/withdrawals",
                Roles(MEMBER),
                "提取申请与进度",
            ),
            get(pages::member_withdrawals),
        ),
        (
            spec(
                Method::GET,
                "/member/withdrawals/check",
                Roles(MEMBER),
                "提取条件即时检查",
            ),
            get(pages::member_withdrawal_check),
        ),
        (
            spec(
                Method::POST,
                "/member/withdrawals",
                Roles(MEMBER),
                "提交提取申请",
            ),
            // Two documents of up to 5 MB each, and the form.
            post(pages::member_withdrawal_apply)
                .layer(DefaultBodyLimit::max(WITHDRAWAL_UPLOAD_BYTES)),
        ),
        (
            spec(
                Method::POST,
                "/member/repayment-agreement",
                Roles(MEMBER),
                "签订委托提取还贷协议",
            ),
            post(pages::member_repayment_sign),
        ),
        (
            spec(
                Method::POST,
                "/member/repayment-agreement/end",
                Roles(MEMBER),
                "终止委托提取还贷协议",
            ),
            post(pages::member_repayment_end),
        ),
        (
            spec(
                Method::GET,
                "/member/loans",
                Roles(MEMBER),
                "我的贷款与贷款申请",
            ),
            get(pages::member_loans),
        ),
        (
            spec(
                Method::GET,
                "/member/loans/check",
                Roles(MEMBER),
                "贷款试算（资格、额度、利率、月供）",
            ),
            get(pages::member_loan_check),
        ),
        (
            spec(Method::POST, "/member/loans", Roles(MEMBER), "提交贷款申请"),
            post(pages::member_loan_apply),
        ),
        (
            spec(
                Method::GET,
                "/member/loans/{id}",
                Roles(MEMBER),
                "贷款账户（还款计划、记录）",
            ),
            get(pages::member_loan_account),
        ),
        (
            spec(
                Method::POST,
                "/member/loans/{id}/prepay",
                Roles(MEMBER),
                "提前还款",
            ),
            post(pages::member_loan_prepay),
        ),
        (
            spec(
                Method::POST,
                "/member/loans/{id}/card",
                Roles(MEMBER),
                "变更还款账户",
            ),
            post(pages::member_loan_card),
        ),
        (
            spec(
                Method::GET,
                "/member/loans/{id}/certificate",
                Roles(MEMBER),
                "抵押注销证明",
            ),
            get(pages::member_loan_certificate),
        ),
        (
            spec(Method::GET, "/withdrawal-rules", Public, "提取规则"),
            get(pages::withdrawal_rules),
        ),
        (
            spec(Method::GET, "/loan/calculator", Public, "贷款计算器"),
            get(pages::loan_calculator),
        ),
        (
            spec(Method::GET, "/employer", Roles(AGENT), "单位首页"),
            get(pages::employer_home),
        ),
        (
            spec(Method::GET, "/register", Public, "个人注册页"),
            get(pages::register_form),
        ),
        (
            spec(Method::POST, "/register", Public, "个人注册"),
            post(pages::register_submit),
        ),
        (
            spec(Method::POST, "/employer/members", Roles(AGENT), "增加职工"),
            post(pages::add_member),
        ),
        (
            spec(
                Method::POST,
                "/employer/members/import",
                Roles(AGENT),
                "批量增员（Excel 或 CSV）",
            ),
            post(pages::import_members),
        ),
        (
            spec(
                Method::POST,
                "/employer/members/{id}/seal",
                Roles(AGENT),
                "减员（封存）",
            ),
            post(pages::seal_member),
        ),
        (
            spec(
                Method::POST,
                "/employer/bills",
                Roles(AGENT),
                "生成汇缴清册",
            ),
            post(pages::generate_bill),
        ),
        (
            spec(
                Method::GET,
                "/employer/bills/{id}",
                Roles(AGENT),
                "清册明细",
            ),
            get(pages::employer_bill_detail),
        ),
        (
            spec(
                Method::POST,
                "/employer/bills/{id}/payment",
                Roles(AGENT),
                "确认并缴款",
            ),
            post(pages::pay_bill),
        ),
        (
            spec(
                Method::POST,
                "/employer/terms",
                Roles(AGENT),
                "确认缴存比例和发薪日",
            ),
            post(pages::confirm_terms),
        ),
        (
            spec(
                Method::POST,
                "/employer/back-payments",
                Roles(AGENT),
                "生成补缴清册",
            ),
            post(pages::back_payment),
        ),
        (
            spec(
                Method::POST,
                "/employer/bases",
                Roles(AGENT),
                "申报年度缴存基数",
            ),
            post(pages::file_bases),
        ),
        (
            spec(
                Method::POST,
                "/employer/bases/import",
                Roles(AGENT),
                "上传年度缴存基数文件",
            ),
            post(pages::import_bases),
        ),
        (
            spec(
                Method::POST,
                "/employer/reliefs",
                Roles(AGENT),
                "申请缓缴或降低缴存比例",
            ),
            post(pages::apply_relief),
        ),
        (
            spec(Method::GET, "/flexible", Public, "灵活就业人员缴存开户页"),
            get(pages::flexible_signup_form),
        ),
        (
            spec(Method::POST, "/flexible", Public, "灵活就业人员签约开户"),
            post(pages::flexible_signup_submit),
        ),
        (
            spec(
                Method::POST,
                "/member/deposits",
                Roles(MEMBER),
                "灵活就业人员缴存",
            ),
            post(pages::flexible_deposit),
        ),
        (
            spec(Method::GET, "/staff", Roles(STAFF), "工作台"),
            get(pages::staff_home),
        ),
        (
            spec(
                Method::POST,
                "/staff/tasks/{id}/decision",
                Roles(CHECKERS),
                "审批待办",
            ),
            post(pages::decide_task),
        ),
        (
            spec(
                Method::POST,
                "/staff/reversal-requests",
                Roles(MAKERS),
                "申请冲正",
            ),
            post(pages::request_reversal),
        ),
        (
            spec(
                Method::GET,
                "/staff/withdrawals",
                Roles(WITHDRAWAL_STAFF),
                "提取审核",
            ),
            get(pages::withdrawal_queue),
        ),
        (
            spec(
                Method::POST,
                "/staff/withdrawals/{id}/prepare",
                Roles(WITHDRAWAL_STAFF),
                "提取初审",
            ),
            post(pages::withdrawal_prepare),
        ),
        (
            spec(
                Method::POST,
                "/staff/withdrawals/{id}/approve",
                Roles(REVIEWERS),
                "提取复核",
            ),
            post(pages::withdrawal_approve),
        ),
        (
            spec(
                Method::POST,
                "/staff/withdrawals/{id}/reject",
                Roles(WITHDRAWAL_STAFF),
                "不予提取",
            ),
            post(pages::withdrawal_reject),
        ),
        (
            spec(
                Method::POST,
                "/staff/withdrawals/blacklist",
                Roles(REVIEWERS),
                "列入提取失信名单",
            ),
            post(pages::withdrawal_blacklist),
        ),
        (
            spec(
                Method::POST,
                "/staff/withdrawals/counter",
                Roles(WITHDRAWAL_STAFF),
                "柜面受理提取",
            ),
            post(pages::withdrawal_counter),
        ),
        (
            spec(
                Method::GET,
                "/staff/withdrawals/{id}/documents/{no}",
                Roles(WITHDRAWAL_STAFF),
                "提取申请材料",
            ),
            get(pages::withdrawal_document),
        ),
        (
            spec(Method::GET, "/staff/loans", Roles(LOAN_DESK), "贷款审批"),
            get(pages::loan_queue),
        ),
        (
            spec(
                Method::GET,
                "/staff/loans/overdue",
                Roles(LOAN_RISK),
                "逾期贷款清单与贷款风险指标",
            ),
            get(pages::loan_overdue),
        ),
        (
            spec(
                Method::GET,
                "/staff/loans/{id}",
                Roles(LOAN_VIEWERS),
                "贷款账户",
            ),
            get(pages::staff_loan_account),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/{id}/review",
                Roles(WITHDRAWAL_STAFF),
                "贷款初审",
            ),
            post(pages::loan_review),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/{id}/approve",
                Roles(REVIEWERS),
                "贷款审批",
            ),
            post(pages::loan_approve),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/{id}/reject",
                Roles(WITHDRAWAL_STAFF),
                "不予贷款",
            ),
            post(pages::loan_reject),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/{id}/contract",
                Roles(WITHDRAWAL_STAFF),
                "签订借款合同（抵押登记）",
            ),
            post(pages::loan_contract),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/{id}/disburse",
                Roles(FINANCE),
                "贷款发放",
            ),
            post(pages::loan_disburse),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/run",
                Roles(FINANCE),
                "执行还款批量",
            ),
            post(pages::loan_run),
        ),
        (
            spec(
                Method::GET,
                "/staff/loans/{id}/certificate",
                Roles(LOAN_VIEWERS),
                "抵押注销证明",
            ),
            get(pages::member_loan_certificate),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/project",
                Roles(REVIEWERS),
                "公租房项目贷款登记",
            ),
            post(pages::loan_project),
        ),
        (
            spec(
                Method::POST,
                "/staff/loans/reprice",
                Roles(MANAGER),
                "存量贷款 1 月 1 日重定价",
            ),
            post(pages::loan_reprice),
        ),
        (
            spec(Method::GET, "/staff/interest", Roles(FINANCE), "结息管理"),
            get(pages::interest_home),
        ),
        (
            spec(
                Method::GET,
                "/staff/interest/progress",
                Roles(FINANCE),
                "结息进度",
            ),
            get(pages::interest_progress),
        ),
        (
            spec(
                Method::POST,
                "/staff/interest/settle",
                Roles(FINANCE),
                "执行年度结息",
            ),
            post(pages::interest_settle),
        ),
        (
            spec(Method::GET, "/staff/fund", Roles(FUND_VIEWERS), "财务报表"),
            get(pages::fund_statements),
        ),
        (
            spec(
                Method::GET,
                "/staff/fund/distribution",
                Roles(FUND_VIEWERS),
                "增值收益分配",
            ),
            get(pages::fund_distribution),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/distribution/prepare",
                Roles(FINANCE),
                "编制增值收益分配方案",
            ),
            post(pages::fund_distribution_prepare),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/distribution/approve",
                Roles(MANAGER),
                "审批增值收益分配方案并入账",
            ),
            post(pages::fund_distribution_approve),
        ),
        (
            spec(
                Method::GET,
                "/staff/fund/deposits",
                Roles(FUND_VIEWERS),
                "资金存储与现金流预测",
            ),
            get(pages::fund_deposits),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/deposits",
                Roles(FINANCE),
                "登记存款",
            ),
            post(pages::fund_deposit_place),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/deposits/{id}/mature",
                Roles(FINANCE),
                "定期存款到期结息",
            ),
            post(pages::fund_deposit_mature),
        ),
        (
            spec(
                Method::GET,
                "/staff/fund/liquidity",
                Roles(FUND_VIEWERS),
                "流动性监测",
            ),
            get(pages::fund_liquidity),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/liquidity/check",
                Roles(FUND_WATCH),
                "流动性立即检查",
            ),
            post(pages::fund_liquidity_check),
        ),
        (
            spec(
                Method::POST,
                "/staff/fund/alerts/{id}/acknowledge",
                Roles(FUND_WATCH),
                "确认流动性预警",
            ),
            post(pages::fund_alert_acknowledge),
        ),
        (
            spec(
                Method::GET,
                "/staff/kpi",
                Roles(FUND_VIEWERS),
                "规划指标驾驶舱",
            ),
            get(pages::kpi_cockpit),
        ),
        (
            spec(
                Method::POST,
                "/staff/kpi/inputs",
                Roles(FINANCE),
                "录入规划指标外部数据",
            ),
            post(pages::kpi_input),
        ),
        (
            spec(
                Method::GET,
                "/staff/report/annual",
                Roles(FUND_VIEWERS),
                "住房公积金年度报告",
            ),
            get(pages::annual_report),
        ),
        (
            spec(
                Method::GET,
                "/staff/report/annual.pdf",
                Roles(FUND_VIEWERS),
                "住房公积金年度报告（PDF）",
            ),
            get(pages::annual_report_pdf),
        ),
        (
            spec(
                Method::GET,
                "/staff/collection",
                Roles(STAFF),
                "归集管理（指标、查询、催缴）",
            ),
            get(pages::collection_home),
        ),
        (
            spec(
                Method::POST,
                "/staff/collection/day",
                Roles(MANAGER),
                "执行归集日终",
            ),
            post(pages::run_collection_day),
        ),
        (
            spec(
                Method::GET,
                "/staff/employers/{id}",
                Roles(STAFF),
                "单位档案",
            ),
            get(pages::staff_employer_detail),
        ),
        (
            spec(
                Method::POST,
                "/staff/employers/{id}/status",
                Roles(MAKERS),
                "单位封存、启封、销户",
            ),
            post(pages::staff_employer_status),
        ),
        (
            spec(
                Method::POST,
                "/staff/bills/{id}/correction",
                Roles(MAKERS),
                "申请错缴更正",
            ),
            post(pages::staff_bill_correction),
        ),
        (
            spec(Method::GET, "/staff/members/{id}", Roles(STAFF), "个人档案"),
            get(pages::staff_member_detail),
        ),
        (
            spec(
                Method::POST,
                "/staff/members/{id}/freeze",
                Roles(MAKERS),
                "冻结或解冻个人账户",
            ),
            post(pages::staff_member_freeze),
        ),
        (
            spec(Method::POST, "/staff/cases", Roles(MAKERS), "催缴立案"),
            post(pages::staff_open_case),
        ),
        (
            spec(Method::GET, "/staff/cases/{id}", Roles(STAFF), "催缴案件"),
            get(pages::staff_case_detail),
        ),
        (
            spec(
                Method::POST,
                "/staff/cases/{id}/steps",
                Roles(MAKERS),
                "办理催缴环节",
            ),
            post(pages::staff_case_step),
        ),
        (
            spec(Method::GET, "/audit", Roles(AUDIT), "审计日志"),
            get(pages::audit_search),
        ),
        (
            spec(Method::GET, "/inbox", SignedIn, "消息"),
            get(pages::inbox),
        ),
        (
            spec(Method::POST, "/inbox/{id}/read", SignedIn, "标记已读"),
            post(pages::mark_read),
        ),
        (
            spec(Method::GET, "/healthz", Public, "存活检查"),
            get(ops::healthz),
        ),
        (
            spec(Method::GET, "/readyz", Public, "就绪检查"),
            get(ops::readyz),
        ),
        (
            spec(Method::GET, "/metrics", Public, "Prometheus 指标"),
            get(ops::metrics),
        ),
        (
            spec(Method::GET, "/static/anju.css", Public, "样式"),
            get(pages::stylesheet),
        ),
        (
            spec(
                Method::GET,
                "/static/vendor/htmx/htmx.min.js",
                Public,
                "htmx",
            ),
            get(pages::htmx),
        ),
        (
            spec(
                Method::GET,
                "/static/vendor/swagger-ui/swagger-ui-bundle.js",
                Public,
                "Swagger UI",
            ),
            get(static_files::swagger_js),
        ),
        (
            spec(
                Method::GET,
                "/static/vendor/swagger-ui/swagger-ui.css",
                Public,
                "Swagger UI",
            ),
            get(static_files::swagger_css),
        ),
        (
            spec(
                Method::GET,
                "/static/vendor/echarts/echarts.min.js",
                Public,
                "ECharts",
            ),
            get(static_files::echarts_js),
        ),
        (
            spec(Method::GET, "/static/kpi-charts.js", Public, "指标图表脚本"),
            get(static_files::kpi_charts_js),
        ),
        (
            spec(Method::GET, "/static/api-docs.js", Public, "接口文档脚本"),
            get(static_files::api_docs_js),
        ),
        (
            spec(Method::GET, "/api/docs", Public, "接口文档"),
            get(static_files::api_docs),
        ),
        (
            spec(Method::GET, "/api/openapi.json", Public, "OpenAPI 文档"),
            get(crate::openapi::document),
        ),
        (
            spec(Method::GET, "/api/v1/me", SignedIn, "当前登录用户"),
            get(api::me),
        ),
        (
            spec(
                Method::GET,
                api_loan::CALCULATE_PATH,
                Public,
                "贷款试算：执行利率、各项限额与起决定作用的一项、可贷额度、还款计划",
            ),
            get(api_loan::calculate_api),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/member/balance",
                Roles(MEMBER),
                "个人账户余额与积数",
            ),
            get(api::member_balance),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/member/withdrawals/eligibility",
                Roles(MEMBER),
                "提取条件与可提取金额",
            ),
            get(api_withdrawal::eligibility),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/member/withdrawals",
                Roles(MEMBER),
                "我的提取申请",
            ),
            get(api_withdrawal::list),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/member/withdrawals",
                Roles(MEMBER),
                "申请提取（幂等）",
            ),
            post(api_withdrawal::apply),
        ),
        (
            spec(Method::GET, "/api/v1/tasks", Roles(STAFF), "待办列表"),
            get(api::pending_tasks),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/tasks/{id}/decision",
                Roles(CHECKERS),
                "审批待办（批准或驳回）",
            ),
            post(api::decide_task),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/reversal-requests",
                Roles(MAKERS),
                "申请凭证冲正",
            ),
            post(api::request_reversal),
        ),
        (
            spec(Method::GET, "/api/v1/audit", Roles(AUDIT), "查询审计日志"),
            get(api::audit),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/yjs/company-registered",
                Roles(PARTNER),
                "“一件事”企业开办：开立单位账户",
            ),
            post(api::company_registered),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/yjs/company-deregistered",
                Roles(PARTNER),
                "“一件事”企业注销：单位销户",
            ),
            post(api::company_deregistered),
        ),
    ]
}
