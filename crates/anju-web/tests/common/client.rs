//! The real router in process: requests sent with `tower`'s `oneshot` (no
//! socket), clients signed in through the sign-in page (staff with their
//! TOTP code) and carrying the session cookie and CSRF token a browser would.

use anju_app::App;
use anju_app::access::NewAccount;
use anju_domain::access::{Role, totp_code};
use anju_web::WebOptions;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use tower::ServiceExt;

/// Every test account's password and TOTP secret.
pub const PASSWORD: &str = "anju2026pass";
pub const TOTP: &[u8] = b"12345678901234567890";

/// The router over an app, and the directory its database lives in (kept
/// until the test ends).
pub struct Web {
    pub app: App,
    router: Router,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as sent (PDFs); `body` is the same read as text.
    #[allow(dead_code)]
    pub bytes: Vec<u8>,
    pub body: String,
}

impl Reply {
    #[allow(dead_code)]
    pub fn location(&self) -> &str {
        self.header(header::LOCATION.as_str())
    }

    #[allow(dead_code)]
    pub fn content_type(&self) -> &str {
        self.header(header::CONTENT_TYPE.as_str())
    }

    /// The header's value, or "" when absent.
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The session cookie the reply sets, if any.
    fn session(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .and_then(|c| c.strip_prefix("anju_session="))
            .map(str::to_string)
    }

    /// The `code` of a problem+json body.
    #[allow(dead_code)]
    pub fn code(&self) -> String {
        let json: serde_json::Value = serde_json::from_str(&self.body).expect("problem json");
        json["code"].as_str().unwrap_or_default().to_string()
    }
}

/// Who sends a request: nobody (the default), a signed-in browser (its
/// cookie and CSRF token) or a partner (its bearer token).
#[derive(Clone, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub bearer: Option<String>,
    pub csrf: String,
}

impl Client {
    /// A partner system calling with its bearer token.
    #[allow(dead_code)]
    pub fn bearer(token: &str) -> Client {
        Client {
            bearer: Some(token.to_string()),
            ..Client::default()
        }
    }
}

/// An account for `login` with the test password and TOTP secret, tied to
/// no member or employer (callers set those).
#[allow(dead_code)]
pub fn account(login: &str, role: Role) -> NewAccount {
    NewAccount {
        login: login.to_string(),
        display_name: format!("{}甲", role.name_zh()),
        role,
        password: PASSWORD.to_string(),
        member_id: None,
        employer_id: None,
        mobile: None,
        email: None,
        totp_secret: Some(TOTP.to_vec()),
    }
}

impl Web {
    /// The router over `app`, its cookies not marked secure (no TLS here)
    /// and sign-in not throttled (tests sign in many times a minute).
    pub fn new(app: App, dir: tempfile::TempDir) -> Web {
        let options = WebOptions {
            secure_cookies: false,
            signin_per_minute: 1_000,
        };
        Web {
            router: anju_web::router(app.clone(), options),
            app,
            _dir: dir,
        }
    }

    /// Sends a request as `client`; the body is JSON under `/api/`, a form
    /// elsewhere, unless `extra` names a content type.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        client: &Client,
        body: &str,
        extra: &[(&str, &str)],
    ) -> Reply {
        self.send_bytes(method, path, client, body.as_bytes().to_vec(), extra)
            .await
    }

    /// As `send`, with a body of any bytes (an uploaded workbook).
    pub async fn send_bytes(
        &self,
        method: Method,
        path: &str,
        client: &Client,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "anju.test");
        if let Some(cookie) = &client.cookie {
            request = request.header(header::COOKIE, format!("anju_session={cookie}"));
        }
        if let Some(bearer) = &client.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {bearer}"));
        }
        let content_type = if path.starts_with("/api/") {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        };
        if !extra
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body)).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        // Large enough for the yearly report's PDF.
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .expect("body")
            .to_vec();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
            bytes,
        }
    }

    pub async fn get(&self, path: &str, client: &Client) -> Reply {
        self.send(Method::GET, path, client, "", &[]).await
    }

    /// A form POST with the client's CSRF token.
    #[allow(dead_code)]
    pub async fn post_form(&self, path: &str, client: &Client, form: &str) -> Reply {
        let body = format!("_csrf={}&{form}", client.csrf);
        self.send(Method::POST, path, client, &body, &[]).await
    }

    /// Creates the account as of the app's today; a partner's API token.
    #[allow(dead_code)]
    pub async fn create_account(&self, account: NewAccount) -> Option<String> {
        let (_, token) = self
            .app
            .access()
            .create_account(account, self.app.today())
            .await
            .expect("account");
        token
    }

    /// Signs in through the page for `role` (with the TOTP code of now) and
    /// reads the CSRF token from the layout of the inbox.
    #[allow(dead_code)]
    pub async fn sign_in(&self, login: &str, role: Role) -> Client {
        let door = match role {
            Role::Member => "member",
            Role::EmployerAgent => "employer",
            _ => "staff",
        };
        let code = totp_code(TOTP, anju_app::clock::now_micros() / 1_000_000);
        let form = format!("door={door}&login={login}&password={PASSWORD}&totp={code}&next=");
        let reply = self
            .send(Method::POST, "/signin", &Client::default(), &form, &[])
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "sign-in as {login}: {}",
            reply.body
        );
        let mut client = Client {
            cookie: Some(reply.session().expect("session cookie")),
            ..Client::default()
        };
        let inbox = self.get("/inbox", &client).await;
        client.csrf = hidden_csrf(&inbox.body).expect("csrf token in the layout");
        client
    }

    /// Creates the sign-in (a member's tied to `member_id`) and signs in.
    #[allow(dead_code)]
    pub async fn person(&self, login: &str, role: Role, member_id: Option<i64>) -> Client {
        self.create_account(NewAccount {
            member_id,
            ..account(login, role)
        })
        .await;
        self.sign_in(login, role).await
    }
}

/// The CSRF token in a page's hidden `_csrf` field.
#[allow(dead_code)]
pub fn hidden_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_string())
}

/// Refused: 401/403, or (pages) a redirect to sign in.
#[allow(dead_code)]
pub fn refused(reply: &Reply) -> bool {
    matches!(
        reply.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) || (reply.status == StatusCode::SEE_OTHER && reply.location().starts_with("/signin?next="))
}

/// Text as a form field carries it.
#[allow(dead_code)]
pub fn enc(text: &str) -> String {
    anju_web::auth::urlencode(text)
}

/// A form body (`k=v&…`) from its fields, each value encoded.
#[allow(dead_code)]
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    pairs.join("&")
}
