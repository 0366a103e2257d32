//! Every hall page a member, an employer agent or a partner uses, with its
//! JSON API twin — or the reason it has none. The parity test walks the
//! route table and fails for a hall route missing here, for a twin that is
//! not an API route, or for a twin that admits other roles than its page;
//! `docs/api.md` carries the table generated from this one.

use axum::http::Method;

pub enum Twin {
    /// The API route doing the same through the same use case.
    Api(Method, &'static str),
    /// No twin, and why.
    Exempt(&'static str),
}

use Twin::{Api, Exempt};

const SIGN_IN: &str = "登录：接口调用方以会话或合作方令牌认证，不经页面登录";
const NAVIGATION: &str = "导航页：只链接到各项服务";
const SIGN_UP: &str =
    "开户登记：由本人在大厅实名办理；单位经“一件事”平台开户（POST /api/v1/yjs/company-registered）";
const FORM_PAGE: &str = "空白表单页：接口直接提交";

/// (page method, page path, twin).
pub fn twins() -> Vec<(Method, &'static str, Twin)> {
    let (get, post) = (Method::GET, Method::POST);
    vec![
        (get.clone(), "/", Exempt(NAVIGATION)),
        (get.clone(), "/signin", Exempt(SIGN_IN)),
        (post.clone(), "/signin", Exempt(SIGN_IN)),
        (post.clone(), "/signout", Exempt(SIGN_IN)),
        (get.clone(), "/register", Exempt(SIGN_UP)),
        (post.clone(), "/register", Exempt(SIGN_UP)),
        (get.clone(), "/register/remote", Exempt(SIGN_UP)),
        (post.clone(), "/register/remote", Exempt(SIGN_UP)),
        (get.clone(), "/flexible", Exempt(SIGN_UP)),
        (post.clone(), "/flexible", Exempt(SIGN_UP)),
        (
            get.clone(),
            "/withdrawal-rules",
            Exempt(
                "政策说明页：规则随政策文件发布，个人可用 GET /api/v1/member/withdrawals/eligibility 即时判断",
            ),
        ),
        (
            get.clone(),
            "/loan/calculator",
            Api(get.clone(), "/api/v1/loan/calculate"),
        ),
        (get.clone(), "/verify", Exempt(FORM_PAGE)),
        (
            get.clone(),
            "/services",
            Api(get.clone(), "/api/v1/services"),
        ),
        (get.clone(), "/outlets", Api(get.clone(), "/api/v1/outlets")),
        (
            get.clone(),
            "/outlets/{code}",
            Api(get.clone(), "/api/v1/outlets/{code}/slots"),
        ),
        (
            get.clone(),
            "/member/appointments",
            Api(get.clone(), "/api/v1/member/appointments"),
        ),
        (
            post.clone(),
            "/member/appointments",
            Api(post.clone(), "/api/v1/member/appointments"),
        ),
        (
            post.clone(),
            "/member/tickets",
            Api(post.clone(), "/api/v1/member/tickets"),
        ),
        (
            post.clone(),
            "/member/appointments/{id}/cancel",
            Api(post.clone(), "/api/v1/member/appointments/{id}/cancel"),
        ),
        (
            get.clone(),
            "/member/reminders",
            Api(get.clone(), "/api/v1/member/reminders"),
        ),
        (
            post.clone(),
            "/member/reminders",
            Api(post.clone(), "/api/v1/member/reminders"),
        ),
        (
            get.clone(),
            "/assistant",
            Exempt(
                "提问页：任何人用 POST /api/v1/assistant/questions 提问；登录职工的咨询记录见 GET /api/v1/assistant/conversation",
            ),
        ),
        (
            post.clone(),
            "/assistant",
            Api(post.clone(), "/api/v1/assistant/questions"),
        ),
        (
            post.clone(),
            "/assistant/hand-over",
            Api(post.clone(), "/api/v1/assistant/hand-over"),
        ),
        (
            post.clone(),
            "/assistant/end",
            Api(post.clone(), "/api/v1/assistant/end"),
        ),
        (
            post.clone(),
            "/verify",
            Api(get.clone(), "/api/v1/certificates/{serial}"),
        ),
        (
            get.clone(),
            "/verify/{serial}",
            Api(get.clone(), "/api/v1/certificates/{serial}"),
        ),
        (
            get.clone(),
            "/certificates/{serial}",
            Api(get.clone(), "/api/v1/certificates/{serial}"),
        ),
        (get.clone(), "/inbox", Api(get.clone(), "/api/v1/inbox")),
        (
            post.clone(),
            "/inbox/{id}/read",
            Api(post.clone(), "/api/v1/inbox/{id}/read"),
        ),
        // The member's hall.
        (
            get.clone(),
            "/member",
            Api(get.clone(), "/api/v1/member/balance"),
        ),
        (
            get.clone(),
            "/member/interest",
            Api(get.clone(), "/api/v1/member/interest"),
        ),
        (
            get.clone(),
            "/member/statement.csv",
            Api(get.clone(), "/api/v1/member/statement"),
        ),
        (
            get.clone(),
            "/member/statement.pdf",
            Api(get.clone(), "/api/v1/member/statement"),
        ),
        (
            get.clone(),
            "/member/withdrawals",
            Api(get.clone(), "/api/v1/member/withdrawals"),
        ),
        (
            get.clone(),
            "/member/withdrawals/check",
            Api(get.clone(), "/api/v1/member/withdrawals/eligibility"),
        ),
        (
            post.clone(),
            "/member/withdrawals",
            Api(post.clone(), "/api/v1/member/withdrawals"),
        ),
        (
            post.clone(),
            "/member/repayment-agreement",
            Api(post.clone(), "/api/v1/member/repayment-agreement"),
        ),
        (
            post.clone(),
            "/member/repayment-agreement/end",
            Api(post.clone(), "/api/v1/member/repayment-agreement/end"),
        ),
        (
            get.clone(),
            "/member/loans",
            Api(get.clone(), "/api/v1/member/loans"),
        ),
        (
            get.clone(),
            "/member/loans/check",
            Api(get.clone(), "/api/v1/member/loans/check"),
        ),
        (
            post.clone(),
            "/member/loans",
            Api(post.clone(), "/api/v1/member/loans"),
        ),
        (
            get.clone(),
            "/member/loans/{id}",
            Api(get.clone(), "/api/v1/member/loans/{id}"),
        ),
        (
            post.clone(),
            "/member/loans/{id}/consent",
            Api(post.clone(), "/api/v1/member/loans/{id}/consent"),
        ),
        (
            post.clone(),
            "/member/loans/{id}/prepay",
            Api(post.clone(), "/api/v1/member/loans/{id}/prepay"),
        ),
        (
            post.clone(),
            "/member/loans/{id}/card",
            Api(post.clone(), "/api/v1/member/loans/{id}/card"),
        ),
        (
            get.clone(),
            "/member/loans/{id}/certificate",
            Api(get.clone(), "/api/v1/member/loans/{id}/certificate"),
        ),
        (
            post.clone(),
            "/member/deposits",
            Api(post.clone(), "/api/v1/member/deposits"),
        ),
        (
            get.clone(),
            "/member/service",
            Api(get.clone(), "/api/v1/member/service"),
        ),
        (
            post.clone(),
            "/member/reviews",
            Api(post.clone(), "/api/v1/member/reviews"),
        ),
        (
            post.clone(),
            "/member/complaints",
            Api(post.clone(), "/api/v1/member/complaints"),
        ),
        (
            post.clone(),
            "/member/complaints/{id}/appeal",
            Api(post.clone(), "/api/v1/member/complaints/{id}/appeal"),
        ),
        (
            get.clone(),
            "/member/certificates",
            Api(get.clone(), "/api/v1/member/certificates"),
        ),
        (
            post.clone(),
            "/member/certificates",
            Api(post.clone(), "/api/v1/member/certificates"),
        ),
        (
            get.clone(),
            "/member/grants",
            Api(get.clone(), "/api/v1/member/grants"),
        ),
        (
            post.clone(),
            "/member/grants",
            Api(post.clone(), "/api/v1/member/grants"),
        ),
        (
            post.clone(),
            "/member/grants/{code}/revoke",
            Api(post.clone(), "/api/v1/member/grants/{code}/revoke"),
        ),
        // The employer agent's hall.
        (
            get.clone(),
            "/employer",
            Api(get.clone(), "/api/v1/employer"),
        ),
        (
            post.clone(),
            "/employer/members",
            Api(post.clone(), "/api/v1/employer/members"),
        ),
        (
            post.clone(),
            "/employer/members/import",
            Api(post.clone(), "/api/v1/employer/members/import"),
        ),
        (
            post.clone(),
            "/employer/members/{id}/seal",
            Api(post.clone(), "/api/v1/employer/members/{id}/seal"),
        ),
        (
            post.clone(),
            "/employer/bills",
            Api(post.clone(), "/api/v1/employer/bills"),
        ),
        (
            get.clone(),
            "/employer/bills/{id}",
            Api(get.clone(), "/api/v1/employer/bills/{id}"),
        ),
        (
            post.clone(),
            "/employer/bills/{id}/payment",
            Api(post.clone(), "/api/v1/employer/bills/{id}/payment"),
        ),
        (
            post.clone(),
            "/employer/terms",
            Api(post.clone(), "/api/v1/employer/terms"),
        ),
        (
            post.clone(),
            "/employer/back-payments",
            Api(post.clone(), "/api/v1/employer/back-payments"),
        ),
        (
            post.clone(),
            "/employer/back-payments/import",
            Api(post.clone(), "/api/v1/employer/back-payments/import"),
        ),
        (
            post.clone(),
            "/employer/bases",
            Api(post.clone(), "/api/v1/employer/bases"),
        ),
        (
            post.clone(),
            "/employer/bases/import",
            Api(post.clone(), "/api/v1/employer/bases/import"),
        ),
        (
            post.clone(),
            "/employer/reliefs",
            Api(post.clone(), "/api/v1/employer/reliefs"),
        ),
        // Exports (.xlsx or CSV).
        (
            get.clone(),
            "/employer/members/export",
            Api(get.clone(), "/api/v1/employer/members/export"),
        ),
        (
            get.clone(),
            "/employer/bills/export",
            Api(get.clone(), "/api/v1/employer/bills/export"),
        ),
        (
            get.clone(),
            "/member/statement/export",
            Api(get.clone(), "/api/v1/member/statement/export"),
        ),
    ]
}
