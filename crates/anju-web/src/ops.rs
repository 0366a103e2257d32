//! Operations endpoints: liveness, readiness, Prometheus metrics, and the
//! middleware that counts requests.

use anju_app::App;
use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the global Prometheus recorder once per process (tests build many
/// routers; only the first install can win, later ones share it).
pub fn install_metrics() -> Option<&'static PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .as_ref()
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// The centre's published signing keys (`docs/trust.md`): the key set a
/// verifier pins to check certificates offline.
pub async fn key_set(State(app): State<App>) -> Response {
    match app.keys() {
        Ok(keys) => (
            [(header::CACHE_CONTROL, "public, max-age=300")],
            Json(keys.published().clone()),
        )
            .into_response(),
        Err(e) => crate::error::WebError::from(e).into_response(),
    }
}

pub async fn readyz(State(app): State<App>) -> Response {
    // Which outside parties are simulated is part of readiness: an operator
    // (or a monitor) must see at once that this is not production.
    let simulators = app.simulators();
    match app.readiness(app.today()).await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready", "simulators": simulators })),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({
                    "status": "not ready",
                    "error": e.to_string(),
                    "simulators": simulators,
                })),
            )
                .into_response()
        }
    }
}

pub async fn metrics() -> Response {
    match install_metrics() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable",
        )
            .into_response(),
    }
}

/// Counts requests and their latency by route pattern (never the raw path, so
/// ids in URLs cannot blow up the label set) and status.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("anju_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("anju_http_request_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
