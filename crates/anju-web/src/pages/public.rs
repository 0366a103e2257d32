//! The landing page, sign-in and sign-out.

use super::fields::{FieldErrors, SignupInput as RegisterForm};
use super::{Layout, failure, home_of, render};
use crate::auth::{Session, expired_cookie, session_cookie};
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::access::{Actor, Credentials};
use anju_app::clock::now_micros;
use anju_domain::access::Channel;
use anju_domain::policy::{Dated, Policy};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::time::Instant;

pub struct PolicyRow {
    pub label: &'static str,
    pub value: String,
    pub since: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    today: String,
    policy_rows: Vec<PolicyRow>,
}

pub async fn home(State(state): State<WebState>, session: Option<Extension<Session>>) -> Response {
    let app = &state.app;
    let today = state.today();
    let policy = match app.policy().at(today) {
        Ok(p) => p,
        Err(e) => {
            return failure(app, session.as_deref(), e);
        }
    };
    let page = HomePage {
        layout: Layout::new(app, session.as_deref()),
        today: today.to_string(),
        policy_rows: policy_rows(&policy),
    };
    render(app, session.as_deref(), page.render())
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

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    layout: Layout,
    door: &'static str,
    next: String,
    login: String,
    error: Option<String>,
    lockout_failures: i64,
    lockout_minutes: i64,
}

#[derive(Deserialize)]
pub struct SigninQuery {
    #[serde(rename = "as")]
    door: Option<String>,
    next: Option<String>,
}

fn door_of(text: Option<&str>) -> &'static str {
    match text {
        Some("employer") => "employer",
        Some("staff") => "staff",
        _ => "member",
    }
}

/// Only local paths: a `next` pointing elsewhere would make us an open redirect.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => String::new(),
    }
}

fn signin_page(
    state: &WebState,
    door: &'static str,
    next: String,
    login: String,
    error: Option<String>,
) -> Response {
    let rules = state
        .app
        .policy()
        .security
        .at(state.today())
        .map(|v| v.value)
        .ok();
    let page = SigninPage {
        layout: Layout::new(&state.app, None),
        door,
        next,
        login,
        error,
        lockout_failures: rules.map_or(5, |r| r.lockout_failures),
        lockout_minutes: rules.map_or(15, |r| r.lockout_minutes),
    };
    render(&state.app, None, page.render())
}

pub async fn signin_form(
    State(state): State<WebState>,
    Query(query): Query<SigninQuery>,
) -> Response {
    let door = door_of(query.door.as_deref());
    signin_page(
        &state,
        door,
        safe_next(query.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Deserialize)]
pub struct SigninForm {
    door: String,
    login: String,
    password: String,
    #[serde(default)]
    totp: String,
    #[serde(default)]
    next: String,
}

pub async fn signin_submit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Form(form): Form<SigninForm>,
) -> Response {
    let door = door_of(Some(&form.door));
    let next = safe_next(Some(&form.next));
    if !state
        .signin_limiter
        .allow(&context.client_addr, Instant::now())
    {
        let mut response = signin_page(
            &state,
            door,
            next,
            form.login,
            Some("尝试次数过多，请一分钟后再试".into()),
        );
        response = crate::pages::with_status(response, StatusCode::TOO_MANY_REQUESTS);
        return response;
    }
    let credentials = match door {
        "staff" => Credentials::Staff {
            username: form.login.clone(),
            password: form.password,
            totp: form.totp,
        },
        "employer" => Credentials::EmployerAgent {
            username: form.login.clone(),
            password: form.password,
        },
        _ => Credentials::Member {
            id_card: form.login.clone(),
            password: form.password,
        },
    };
    let channel = if door == "staff" {
        Channel::Counter
    } else {
        Channel::Online
    };
    let actor = Actor::anonymous(channel, &context.request_id, &context.client_addr);
    match state
        .app
        .access()
        .sign_in(
            state.authenticator.as_ref(),
            &credentials,
            &actor,
            now_micros(),
        )
        .await
    {
        Ok(signed) => {
            let target = if next.is_empty() {
                home_of(signed.principal.role).to_string()
            } else {
                next
            };
            let cookie = session_cookie(&signed.token, state.options.secure_cookies);
            ([(header::SET_COOKIE, cookie)], Redirect::to(&target)).into_response()
        }
        Err(e) => {
            let (message, status) = match &e {
                anju_app::AppError::Rejected(d) => {
                    (d.message().to_string(), crate::error::status_of(d.kind()))
                }
                _ => (
                    "系统暂时无法登录，请稍后再试".to_string(),
                    StatusCode::SERVICE_UNAVAILABLE,
                ),
            };
            crate::pages::with_status(
                signin_page(&state, door, next, form.login, Some(message)),
                status,
            )
        }
    }
}

pub async fn signout(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    if let Some(token) = &session.cookie_token
        && let Err(e) = state
            .app
            .access()
            .sign_out(token, &session.actor(&context))
            .await
    {
        tracing::error!(error = %e, "sign out");
    }
    (
        [(
            header::SET_COOKIE,
            expired_cookie(state.options.secure_cookies),
        )],
        Redirect::to("/signin"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/staff")), "/staff");
        assert_eq!(safe_next(Some("//evil.example")), "");
        assert_eq!(safe_next(Some("https://evil.example")), "");
        assert_eq!(safe_next(Some("/\\evil")), "");
        assert_eq!(safe_next(None), "");
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    error: Option<String>,
    errors: FieldErrors,
    person: RegisterForm,
}

pub async fn register_form(State(state): State<WebState>) -> Response {
    let page = RegisterPage {
        layout: Layout::new(&state.app, None),
        error: None,
        errors: FieldErrors::default(),
        person: RegisterForm::default(),
    };
    render(&state.app, None, page.render())
}

/// 个人注册; limited like sign-in, since it also probes ID numbers.
pub async fn register_submit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Form(form): Form<RegisterForm>,
) -> Response {
    let refuse = |status: StatusCode, message: Option<String>, errors, form: &RegisterForm| {
        let page = RegisterPage {
            layout: Layout::new(&state.app, None),
            error: message,
            errors,
            person: form.without_password(),
        };
        crate::pages::with_status(render(&state.app, None, page.render()), status)
    };
    if !state
        .signin_limiter
        .allow(&context.client_addr, Instant::now())
    {
        let message = Some("尝试次数过多，请一分钟后再试".into());
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            message,
            FieldErrors::default(),
            &form,
        );
    }
    let errors = form.errors(&state);
    if !errors.is_empty() {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, None, errors, &form);
    }
    let actor = Actor::anonymous(Channel::Online, &context.request_id, &context.client_addr);
    let result = state
        .app
        .access()
        .register_member_signin(
            &actor,
            &form.id_card,
            &form.name,
            &form.mobile,
            &form.password,
            state.today(),
        )
        .await;
    match result {
        Ok(_) => Redirect::to("/signin?as=member").into_response(),
        Err(anju_app::AppError::Rejected(d)) => {
            let message = Some(d.message().to_string());
            refuse(status_of(d.kind()), message, FieldErrors::default(), &form)
        }
        Err(e) => failure(&state.app, None, e),
    }
}
