//! 合作方令牌 on the staff console: every partner token with its scopes,
//! term and state; a manager issues one (the secret shown once), rotates one
//! with a grace period, or revokes one with a reason.

use super::staff_collection::answer;
use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::access::PartnerToken;
use anju_domain::access::{MAX_GRACE_DAYS, Role, TokenScope};
use anju_domain::{Coded as _, Date, DomainError};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, RawForm, State};
use axum::response::Response;
use serde::Deserialize;

pub struct TokenRow {
    pub token_id: i64,
    pub partner: String,
    pub scopes: String,
    pub term: String,
    pub state: String,
    pub active: bool,
    /// Works and has no stop yet: it may be rotated.
    pub rotatable: bool,
    pub issued_by: String,
}

impl TokenRow {
    fn of(t: &PartnerToken, today: Date) -> Self {
        let token = &t.token;
        let state = match (t.active, token.revoked_on) {
            (true, Some(stop)) => format!("过渡期，{stop} 停用"),
            (true, None) => "有效".to_string(),
            (false, Some(stop)) if stop <= today => format!(
                "{stop} 起停用（{}）",
                token.revoke_reason.as_deref().unwrap_or("")
            ),
            (false, _) => "已过期".to_string(),
        };
        TokenRow {
            token_id: token.token_id,
            partner: format!("{}（{}）", t.partner_name, t.partner_login),
            scopes: token
                .scopes
                .iter()
                .map(|s| s.name_zh())
                .collect::<Vec<_>>()
                .join("；"),
            term: format!("{} 至 {}", token.issued_on, token.expires_on),
            state,
            active: t.active,
            rotatable: t.active && token.revoked_on.is_none(),
            issued_by: match token.issued_by.as_str() {
                "account" => "开户时签发".to_string(),
                "migration" => "升级时沿用".to_string(),
                login => login.to_string(),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "staff_partners.html")]
struct PartnersPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    /// The bearer of a token just issued: shown this once.
    secret: Option<String>,
    may_manage: bool,
    tokens: Vec<TokenRow>,
    partners: Vec<(String, String)>,
    scopes: Vec<(&'static str, &'static str)>,
    default_expiry: String,
    max_grace: i32,
}

async fn partners_page(
    state: &WebState,
    session: &Session,
    said: (Option<String>, Option<String>),
    secret: Option<String>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let loaded = async {
        AppResult::Ok((
            app.access().partner_tokens(today).await?,
            app.access().partners().await?,
        ))
    }
    .await;
    let (tokens, partners) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = PartnersPage {
        layout: Layout::new(app, Some(session)),
        notice: said.0,
        error: said.1,
        secret,
        may_manage: session.principal.role == Role::Manager,
        tokens: tokens.iter().map(|t| TokenRow::of(t, today)).collect(),
        partners: partners
            .into_iter()
            .map(|p| (p.login, p.display_name))
            .collect(),
        scopes: TokenScope::ALL
            .iter()
            .map(|s| (s.code(), s.name_zh()))
            .collect(),
        default_expiry: today
            .add_days(365)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        max_grace: MAX_GRACE_DAYS,
    };
    render(app, Some(session), page.render())
}

pub async fn partner_tokens(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    partners_page(&state, &session, (None, None), None).await
}

/// The issue form: `partner`, `expires_on` and one `scope` per ticked box
/// (a repeated field, so read from the raw body).
fn issue_input(body: &[u8]) -> AppResult<(String, Vec<TokenScope>, Date)> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|_| DomainError::new("FORM_INVALID", "表单内容无效"))?;
    let (mut partner, mut scopes, mut expires) = (String::new(), Vec::new(), String::new());
    for (name, value) in pairs {
        match name.as_str() {
            "partner" => partner = value,
            "expires_on" => expires = value,
            "scope" => scopes.push(TokenScope::parse(&value)?),
            _ => {}
        }
    }
    Ok((partner, scopes, Date::parse(expires.trim())?))
}

/// After an issue or a rotation: the page with the secret shown once.
async fn issued_page(
    state: &WebState,
    session: &Session,
    result: AppResult<(i64, String)>,
    what: &str,
) -> Response {
    match result {
        Ok((token_id, bearer)) => {
            let notice =
                format!("已{what}令牌 {token_id}。令牌只显示这一次，请通过安全渠道交给合作方。");
            partners_page(state, session, (Some(notice), None), Some(bearer)).await
        }
        Err(e) => {
            let page = |n, e| partners_page(state, session, (n, e), None);
            answer(state, session, Err(e), page).await
        }
    }
}

pub async fn issue_partner_token(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    RawForm(body): RawForm,
) -> Response {
    let result = async {
        let (partner, scopes, expires_on) = issue_input(&body)?;
        let actor = session.actor(&context);
        let (token, bearer) = state
            .app
            .access()
            .issue_partner_token(&actor, &partner, &scopes, expires_on, state.today())
            .await?;
        Ok((token.token_id, bearer))
    }
    .await;
    issued_page(&state, &session, result, "签发").await
}

#[derive(Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    grace_days: String,
    #[serde(default)]
    expires_on: String,
}

pub async fn rotate_partner_token(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(token_id): Path<i64>,
    Form(form): Form<RotateForm>,
) -> Response {
    let result = async {
        let grace_days =
            form.grace_days.trim().parse::<i32>().map_err(|_| {
                DomainError::new("TOKEN_GRACE_INVALID", "过渡天数应为 0 至 30 的整数")
            })?;
        let expires_on = Date::parse(form.expires_on.trim())?;
        let actor = session.actor(&context);
        let today = state.today();
        let (token, bearer) = state
            .app
            .access()
            .rotate_partner_token(&actor, token_id, grace_days, expires_on, today)
            .await?;
        Ok((token.token_id, bearer))
    }
    .await;
    issued_page(&state, &session, result, "轮换并签发新").await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn revoke_partner_token(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(token_id): Path<i64>,
    Form(form): Form<RevokeForm>,
) -> Response {
    let actor = session.actor(&context);
    let result = state
        .app
        .access()
        .revoke_partner_token(&actor, token_id, &form.reason, state.today())
        .await
        .map(|t| format!("令牌 {} 已吊销，即日起不能再调用接口。", t.token_id));
    let page = |n, e| partners_page(&state, &session, (n, e), None);
    answer(&state, &session, result, page).await
}
