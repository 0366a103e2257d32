//! Pages. Templates are compiled into the binary (askama), and so is the CSS.

use anju_app::App;
use anju_app::clock::today_in_china;
use anju_domain::Fen;
use anju_domain::ledger::gl_account;
use anju_domain::policy::{Dated, Policy};
use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

const STYLESHEET: &str = include_str!("../static/anju.css");

pub struct PolicyRow {
    pub label: &'static str,
    pub value: String,
    pub since: String,
    pub verified: bool,
}

pub struct GlRow {
    pub code: String,
    pub name: &'static str,
    pub debit: Fen,
    pub credit: Fen,
    pub balance: Fen,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    centre_name: String,
    today: String,
    policy_rows: Vec<PolicyRow>,
    gl_rows: Vec<GlRow>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    centre_name: String,
    title: &'a str,
    message: &'a str,
}

pub async fn home(State(app): State<App>) -> Response {
    let today = today_in_china();
    let policy = match app.policy().at(today) {
        Ok(p) => p,
        Err(e) => {
            return error_page(
                &app,
                StatusCode::SERVICE_UNAVAILABLE,
                "政策未生效",
                e.message(),
            );
        }
    };
    let balances = match app.store().gl_balances().await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading GL balances");
            return error_page(
                &app,
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统繁忙",
                "暂时无法读取账务数据，请稍后再试。",
            );
        }
    };
    let gl_rows = balances
        .iter()
        .map(|b| {
            let account = gl_account(&b.gl_code).ok();
            let debit_normal = account.is_some_and(|a| a.class.debit_normal());
            let net = b.net().get();
            GlRow {
                code: b.gl_code.clone(),
                name: account.map_or("", |a| a.name),
                debit: b.debit,
                credit: b.credit,
                balance: Fen::new(if debit_normal { net } else { -net }),
            }
        })
        .collect();
    let page = HomePage {
        centre_name: app.policy().centre_name.clone(),
        today: today.to_string(),
        policy_rows: policy_rows(&policy),
        gl_rows,
    };
    render(&app, page.render())
}

fn row<T>(label: &'static str, dated: &Dated<T>, key: &str, value: String) -> PolicyRow {
    PolicyRow {
        label,
        value,
        since: dated.effective_from.to_string(),
        verified: dated.is_verified(key),
    }
}

fn policy_rows(p: &Policy) -> Vec<PolicyRow> {
    let c = &p.contribution;
    let i = &p.deposit_interest;
    let r = &p.loan_rate;
    let l = &p.loan_limit;
    vec![
        row(
            "存款年利率",
            i,
            "rate_current_year",
            i.value.rate_current_year.to_string(),
        ),
        row(
            "缴存基数上限（月）",
            c,
            "base_cap",
            c.value.base_cap.to_string(),
        ),
        row(
            "缴存基数下限（月）",
            c,
            "base_floor",
            c.value.base_floor.to_string(),
        ),
        row(
            "单位和个人缴存比例",
            c,
            "rate_max_percent",
            format!("各 {} 至 {}", c.value.rate_min, c.value.rate_max),
        ),
        row(
            "首套住房贷款利率（5年以下 / 5年以上）",
            r,
            "first_home_over_5y",
            format!(
                "{} / {}",
                r.value.first_home_up_to_5y, r.value.first_home_over_5y
            ),
        ),
        row(
            "二套住房贷款利率（5年以下 / 5年以上）",
            r,
            "second_home_over_5y",
            format!(
                "{} / {}",
                r.value.second_home_up_to_5y, r.value.second_home_over_5y
            ),
        ),
        row(
            "贷款最高额度（个人 / 家庭）",
            l,
            "single_cap",
            format!("{} / {}", l.value.single_cap, l.value.family_cap),
        ),
        row(
            "租房提取限额（每人每月）",
            &p.rent,
            "cap_per_person_month",
            p.rent.value.cap_per_person_month.to_string(),
        ),
    ]
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

pub async fn not_found(State(app): State<App>) -> Response {
    error_page(
        &app,
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在或已移动。",
    )
}

fn error_page(app: &App, status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        centre_name: app.policy().centre_name.clone(),
        title,
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title.to_string()).into_response(),
    }
}

fn render(app: &App, html: askama::Result<String>) -> Response {
    match html {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            error_page(
                app,
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统繁忙",
                "页面生成失败，请稍后再试。",
            )
        }
    }
}
