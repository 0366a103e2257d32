//! Anju's HTTP server: server-rendered Chinese pages, the JSON API and the
//! operations endpoints, all on one axum router. Handlers translate HTTP to
//! `anju-app` calls and back; no business rule lives here.

mod ops;
mod pages;

use anju_app::App;
use axum::Router;
use axum::routing::get;
use std::future::Future;
use tokio::net::TcpListener;

/// The whole router, with metrics recorded for every request.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/static/anju.css", get(pages::stylesheet))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(ops::track))
        .with_state(app)
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    ops::install_metrics();
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Tests drive the router without `serve`; this installs the recorder for them.
pub fn install_metrics_for_tests() {
    ops::install_metrics();
}
