//! Who is asking, and may they: every route passes through [`guard`] with its
//! declared [`Access`]. It resolves the session cookie (or a partner's bearer
//! token), refuses what the role may not do, and checks the CSRF token on every
//! state-changing request made with a cookie.

use crate::context::RequestContext;
use crate::error::WebError;
use crate::pages;
use crate::state::WebState;
use anju_app::access::{Actor, Principal};
use anju_app::clock::now_micros;
use anju_domain::DomainError;
use anju_domain::access::{Role, TokenScope};
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub const COOKIE: &str = "anju_session";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body the CSRF check will buffer.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Who may use a route. Every route declares one (see `routes.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Roles(&'static [Role]),
}

impl Access {
    pub fn admits(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(roles), Some(role)) => roles.contains(&role),
        }
    }
}

/// The signed-in person, available to handlers as an extension.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf_token: String,
    /// The cookie's token (absent for bearer-token API clients).
    pub cookie_token: Option<String>,
    /// A partner token's scopes; none for a cookie session.
    pub scopes: Option<Vec<TokenScope>>,
}

impl Session {
    pub fn actor(&self, context: &RequestContext) -> Actor {
        Actor::of(
            self.principal.clone(),
            &context.request_id,
            &context.client_addr,
        )
    }
}

pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

pub fn expired_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

async fn resolve(state: &WebState, headers: &HeaderMap) -> Option<Session> {
    if let Some(bearer) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        let (principal, scopes) = state
            .app
            .access()
            .resolve_api_token(bearer.trim(), state.today())
            .await
            .ok()
            .flatten()?;
        return Some(Session {
            principal,
            csrf_token: String::new(),
            cookie_token: None,
            scopes: Some(scopes),
        });
    }
    let token = cookie_token(headers)?;
    let (principal, record) = state
        .app
        .access()
        .resolve_session(&token, now_micros())
        .await
        .ok()
        .flatten()?;
    Some(Session {
        principal,
        csrf_token: record.csrf_token,
        cookie_token: Some(token),
        scopes: None,
    })
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// A request from another site: its `Origin` names a host other than ours.
fn cross_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(origin), Some(host)) => origin.split("://").nth(1) != Some(host),
        _ => false,
    }
}

pub async fn guard(
    State((state, access)): State<(WebState, Access)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let changes_state = request.method() != Method::GET && request.method() != Method::HEAD;
    if changes_state && cross_origin(request.headers()) {
        return refuse(&state, &path, "CSRF_ORIGIN", "请求来源不受信任").await;
    }
    let session = resolve(&state, request.headers()).await;
    if !access.admits(session.as_ref().map(|s| s.principal.role)) {
        return match &session {
            None if is_api(&path) => refuse(&state, &path, "SIGNIN_REQUIRED", "请先登录").await,
            None => Redirect::to(&format!("/signin?next={}", urlencode(&path))).into_response(),
            Some(session) => {
                let context = request.extensions().get::<RequestContext>().cloned();
                let target = format!("{} {path}", request.method());
                audit_denied(&state, context, session, &target, "ROLE_FORBIDDEN").await;
                refuse(&state, &path, "ROLE_FORBIDDEN", "您的角色无权访问此页面").await
            }
        };
    }
    let required = crate::routes::partner_scope(&path);
    let token_scopes = session.as_ref().and_then(|s| s.scopes.as_ref());
    if let (Some(required), Some(scopes), Some(session)) = (required, token_scopes, &session)
        && !scopes.contains(&required)
    {
        let context = request.extensions().get::<RequestContext>().cloned();
        let target = format!("{} {path}", request.method());
        audit_denied(&state, context, session, &target, "TOKEN_SCOPE_FORBIDDEN").await;
        let message = format!("令牌无“{}”权限", required.name_zh());
        return refuse(&state, &path, "TOKEN_SCOPE_FORBIDDEN", &message).await;
    }
    let mut request = request;
    if let Some(session) = &session {
        // An API call sends its token in the header, multipart or not.
        let deferred = !is_api(&path) && is_multipart(&request);
        if changes_state && session.cookie_token.is_some() && deferred {
            // File uploads: the token travels as a multipart field, which only the
            // handler reads; it must check it through `MultipartCsrf`.
            request
                .extensions_mut()
                .insert(MultipartCsrf(session.csrf_token.clone()));
        } else if changes_state && session.cookie_token.is_some() {
            request = match check_csrf(request, &session.csrf_token).await {
                Ok(request) => request,
                Err(()) => {
                    return refuse(
                        &state,
                        &path,
                        "CSRF_TOKEN",
                        "页面已过期或请求无效，请刷新页面后重试",
                    )
                    .await;
                }
            };
        }
        request.extensions_mut().insert(session.clone());
    }
    next.run(request).await
}

/// The CSRF token a multipart handler must find in its `_csrf` field.
#[derive(Debug, Clone)]
pub struct MultipartCsrf(pub String);

impl MultipartCsrf {
    pub fn matches(&self, sent: &str) -> bool {
        !self.0.is_empty() && self.0 == sent
    }
}

fn is_multipart(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// A signed-in person tried a door their role does not open: worth a row in
/// the audit trail (等保三级 asks for failed access to be recorded).
async fn audit_denied(
    state: &WebState,
    context: Option<RequestContext>,
    session: &Session,
    target: &str,
    code: &'static str,
) {
    let Some(context) = context else {
        return;
    };
    let outcome = anju_app::access::CommandOutcome::Refused(code);
    if let Err(e) = state
        .app
        .access()
        .audit(
            &session.actor(&context),
            "access.denied",
            target,
            b"",
            outcome,
        )
        .await
    {
        tracing::error!(error = %e, "audit of a refused request");
    }
}

/// Accepts the token from the `X-CSRF-Token` header or the `_csrf` form field
/// (buffering the form and putting it back for the handler).
async fn check_csrf(request: Request, expected: &str) -> Result<Request, ()> {
    if expected.is_empty() {
        return Err(());
    }
    if let Some(sent) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if sent == expected {
            Ok(request)
        } else {
            Err(())
        };
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| ())?;
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    if sent.as_deref() != Some(expected) {
        return Err(());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

async fn refuse(state: &WebState, path: &str, code: &'static str, message: &str) -> Response {
    let error = WebError::from(DomainError::new(code, message));
    if is_api(path) {
        error.into_response()
    } else {
        pages::error_page(&state.app, None, error.status(), error.message())
    }
}

pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; anju_session=tok123; b=2".parse().expect("header"),
        );
        assert_eq!(cookie_token(&headers), Some("tok123".to_string()));
        assert!(session_cookie("t", true).contains("HttpOnly; SameSite=Strict; Secure"));
        assert!(expired_cookie(false).contains("Max-Age=0"));
    }

    #[test]
    fn access_rules() {
        assert!(Access::Public.admits(None));
        assert!(!Access::SignedIn.admits(None));
        assert!(Access::Roles(&[Role::Clerk]).admits(Some(Role::Clerk)));
        assert!(!Access::Roles(&[Role::Clerk]).admits(Some(Role::Member)));
        assert_eq!(urlencode("/staff?x=1"), "/staff%3Fx%3D1");
    }

    #[test]
    fn cross_origin_is_detected() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, "127.0.0.1:8080".parse().expect("host"));
        assert!(
            !cross_origin(&headers),
            "no Origin header: same-site form posts omit it sometimes"
        );
        headers.insert(
            header::ORIGIN,
            "http://127.0.0.1:8080".parse().expect("origin"),
        );
        assert!(!cross_origin(&headers));
        headers.insert(
            header::ORIGIN,
            "https://evil.example".parse().expect("origin"),
        );
        assert!(cross_origin(&headers));
    }
}
