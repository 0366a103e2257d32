//! The one place where a failure becomes an HTTP answer. The status comes
//! from the error's kind ([`status_of`]), never from its code string; the API
//! answers with `application/problem+json` ([`WebError`]'s `IntoResponse`),
//! pages with the HTML error page or their own form at the same status
//! (`pages::failure`). Internal failures are logged here and shown only as
//! `INTERNAL`, so no storage detail reaches a client.

use anju_app::AppError;
use anju_domain::{DomainError, ErrorKind};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The HTTP status of each kind of failure.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A refusal of the HTTP exchange itself, made before any use case runs; its
/// status says what is wrong with the message, not with the business.
pub struct HttpCode {
    pub code: &'static str,
    pub status: StatusCode,
    pub summary_zh: &'static str,
}

pub const HTTP_CODES: &[HttpCode] = &[
    HttpCode {
        code: "BODY_TOO_LARGE",
        status: StatusCode::PAYLOAD_TOO_LARGE,
        summary_zh: "请求体过大",
    },
    HttpCode {
        code: "IDEMPOTENCY_KEY_REQUIRED",
        status: StatusCode::BAD_REQUEST,
        summary_zh: "缺少 Idempotency-Key 头",
    },
    HttpCode {
        code: "RATE_LIMITED",
        status: StatusCode::TOO_MANY_REQUESTS,
        summary_zh: "请求过于频繁，请稍后再试",
    },
];

/// What a client is told when the failure is the system's, not theirs.
const INTERNAL_MESSAGE: &str = "系统暂时无法处理请求";
/// What a client is told when the storage gave up retrying under contention.
const BUSY_MESSAGE: &str = "系统繁忙，请稍后再试";

/// Any failure of a request, on its way to the client.
#[derive(Debug)]
pub struct WebError(AppError);

impl WebError {
    pub fn kind(&self) -> ErrorKind {
        self.0.kind()
    }

    pub fn status(&self) -> StatusCode {
        status_of(self.kind())
    }

    /// The stable code shown: the refusal's own, or `INTERNAL` / `UNAVAILABLE`
    /// for failures that carry none worth showing.
    pub fn code(&self) -> &'static str {
        match (self.kind(), &self.0) {
            (ErrorKind::Internal, _) => "INTERNAL",
            (_, AppError::Rejected(e)) => e.code(),
            _ => "UNAVAILABLE",
        }
    }

    /// The Chinese sentence shown to the person.
    pub fn message(&self) -> &str {
        match (self.kind(), &self.0) {
            (ErrorKind::Internal, _) => INTERNAL_MESSAGE,
            (_, AppError::Rejected(e)) => e.message(),
            _ => BUSY_MESSAGE,
        }
    }

    /// Logs what the client will not see: the detail of a system failure.
    pub fn log(&self) {
        if matches!(self.kind(), ErrorKind::Internal | ErrorKind::Unavailable) {
            tracing::error!(error = %self.0, kind = self.kind().name(), "request failed");
        }
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError(e)
    }
}

impl From<DomainError> for WebError {
    fn from(e: DomainError) -> Self {
        WebError(AppError::Rejected(e))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        problem(self.status(), self.code(), self.message())
    }
}

/// The API's answer to a refusal made here: `code` must be in the domain's table.
pub fn refusal(code: &'static str, message: impl Into<String>) -> Response {
    WebError::from(DomainError::new(code, message)).into_response()
}

/// The API's answer to a refusal of the exchange itself (see [`HTTP_CODES`]).
pub fn http_refusal(code: &'static str, message: &str) -> Response {
    let status = HTTP_CODES
        .iter()
        .find(|c| c.code == code)
        .map_or(StatusCode::BAD_REQUEST, |c| c.status);
    debug_assert!(HTTP_CODES.iter().any(|c| c.code == code), "{code}");
    problem(status, code, message)
}

/// `application/problem+json` (RFC 9457) with our stable `code`.
fn problem(status: StatusCode, code: &str, detail: &str) -> Response {
    let body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    });
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_has_its_status() {
        let statuses: Vec<u16> = ErrorKind::ALL
            .iter()
            .map(|k| status_of(*k).as_u16())
            .collect();
        assert_eq!(statuses, [422, 404, 401, 403, 409, 503, 500]);
    }

    #[test]
    fn system_failures_show_no_detail() {
        let e = WebError(AppError::Io("disk full at /var/lib".into()));
        assert_eq!((e.status().as_u16(), e.code()), (500, "INTERNAL"));
        assert_eq!(e.message(), INTERNAL_MESSAGE);
        let corrupt = WebError::from(DomainError::new("TASK_CORRUPT", "payload 17"));
        assert_eq!(
            (corrupt.code(), corrupt.message()),
            ("INTERNAL", INTERNAL_MESSAGE)
        );
    }
}
