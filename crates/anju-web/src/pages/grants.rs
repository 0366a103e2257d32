//! 数据授权: a member grants a partner (a bank, another centre, a
//! government body) access to named parts of their record for a period,
//! sees every read under each grant, and withdraws a grant.

use super::staff_collection::answer;
use super::{Layout, failure, no_member_account, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::trust::{GrantInput, GrantView};
use anju_domain::Coded as _;
use anju_domain::trust::grant::GrantScope;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawForm, State};
use axum::response::Response;

pub struct ReadRow {
    pub at: String,
    pub who: String,
    pub scopes: String,
    pub result: String,
}

pub struct GrantRow {
    pub code: String,
    pub grantee: String,
    pub scopes: String,
    pub purpose: String,
    pub period: String,
    pub state: &'static str,
    pub live: bool,
    pub reads: Vec<ReadRow>,
}

fn scope_names(scopes: &[GrantScope]) -> String {
    scopes
        .iter()
        .map(|s| s.name_zh())
        .collect::<Vec<_>>()
        .join("；")
}

fn result_zh(code: &str) -> String {
    match code {
        "ok" => "已提供".to_string(),
        other => format!(
            "已拒绝（{}）",
            anju_domain::code_info(other).map_or(other, |c| c.summary_zh)
        ),
    }
}

impl GrantRow {
    fn of(v: &GrantView, today: anju_domain::Date) -> Self {
        let g = &v.grant;
        let state = v.state_zh(today);
        GrantRow {
            code: g.grant_code.clone(),
            grantee: g.grantee_name.clone(),
            scopes: scope_names(&g.scopes),
            purpose: g.purpose.clone(),
            period: format!("{} 至 {}", g.granted_on, g.valid_until),
            state,
            live: state == "有效",
            reads: v
                .reads
                .iter()
                .map(|p| ReadRow {
                    at: super::staff::format_instant(p.at_us),
                    // A refused read may come from another partner.
                    who: if p.grantee_login == g.grantee_login {
                        g.grantee_name.clone()
                    } else {
                        format!("其他机构（{}）", p.grantee_login)
                    },
                    scopes: scope_names(&p.scopes),
                    result: result_zh(&p.result),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "member_grants.html")]
struct GrantsPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    grants: Vec<GrantRow>,
    grantees: Vec<(String, String)>,
    scopes: Vec<(&'static str, &'static str)>,
}

async fn grants_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(session));
    };
    let loaded = async {
        AppResult::Ok((
            app.trust().member_grants(member_id).await?,
            app.trust().grantees().await?,
        ))
    }
    .await;
    let (grants, grantees) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let today = state.today();
    let page = GrantsPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        grants: grants.iter().map(|g| GrantRow::of(g, today)).collect(),
        grantees,
        scopes: GrantScope::ALL
            .iter()
            .map(|s| (s.code(), s.name_zh()))
            .collect(),
    };
    render(app, Some(session), page.render())
}

pub async fn member_grants(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    grants_page(&state, &session, None, None).await
}

/// The form: `grantee`, `purpose`, `days` and one `scope` per ticked box
/// (a repeated field, so read from the raw body).
fn grant_input(body: &[u8]) -> AppResult<GrantInput> {
    let mut input = GrantInput {
        grantee_login: String::new(),
        scopes: Vec::new(),
        purpose: String::new(),
        days: 0,
    };
    for (name, value) in form_urlencoded_pairs(body) {
        match name.as_str() {
            "grantee" => input.grantee_login = value,
            "purpose" => input.purpose = value,
            "days" => input.days = value.trim().parse().unwrap_or(0),
            "scope" => input.scopes.push(GrantScope::parse(&value)?),
            _ => {}
        }
    }
    Ok(input)
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
}

pub async fn member_grant(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    RawForm(body): RawForm,
) -> Response {
    let result = async {
        let input = grant_input(&body)?;
        let grant = state
            .app
            .trust()
            .grant_access(&session.actor(&context), &input, state.today())
            .await?;
        Ok(format!(
            "已授权{}查询，授权码 {}（请告知该机构），有效期至 {}。",
            grant.grantee_name, grant.grant_code, grant.valid_until
        ))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        grants_page(&state, &session, n, e)
    })
    .await
}

pub async fn member_revoke_grant(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(code): Path<String>,
) -> Response {
    let result = state
        .app
        .trust()
        .revoke_grant(&session.actor(&context), &code, state.today())
        .await
        .map(|_| format!("授权 {code} 已撤回，该机构此后不能再查询。"));
    answer(&state, &session, result, |n, e| {
        grants_page(&state, &session, n, e)
    })
    .await
}
