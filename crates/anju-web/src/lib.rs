//! Anju's HTTP server: server-rendered Chinese pages, the JSON API and the
//! operations endpoints, all on one axum router built from the route table in
//! [`routes`]. Handlers translate HTTP to `anju-app` calls and back; no
//! business rule lives here.

pub mod api;
mod api_assistant;
mod api_catalogue;
mod api_docs;
mod api_employer;
mod api_loan;
mod api_member;
mod api_outlets;
mod api_quality;
mod api_reminders;
mod api_trust;
mod api_withdrawal;
pub mod auth;
mod context;
pub mod error;
mod exports;
mod jobs;
mod limit;
mod openapi;
mod ops;
mod pages;
pub mod parity;
mod pdf;
pub mod pdf_doc;
mod qr;
pub mod report_render;
pub mod routes;
mod state;
mod static_files;

pub use state::{WebOptions, WebState};

use anju_app::App;
use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::MethodRouter;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The whole HTTP surface.
pub fn router(app: App, options: WebOptions) -> Router {
    let state = WebState::new(app, options);
    let mut by_path: BTreeMap<&'static str, MethodRouter<WebState>> = BTreeMap::new();
    for (spec, handler) in routes::table() {
        let mut handler = handler;
        if spec.path.starts_with("/api/") {
            handler = handler.route_layer(from_fn(api::problem_rejections));
            handler = handler.route_layer(from_fn_with_state(state.clone(), api::idempotency));
        }
        let guarded = handler.route_layer(from_fn_with_state(
            (state.clone(), spec.access),
            auth::guard,
        ));
        let merged = match by_path.remove(spec.path) {
            Some(existing) => existing.merge(guarded),
            None => guarded,
        };
        by_path.insert(spec.path, merged);
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
        .route("/api/{*rest}", axum::routing::any(api::not_found_api))
        .fallback(pages::not_found)
        .layer(from_fn(ops::track))
        .layer(from_fn(context::context))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    app: App,
    options: WebOptions,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    ops::install_metrics();
    let service = router(app, options).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Tests drive the router without `serve`; this installs the recorder for them.
pub fn install_metrics_for_tests() {
    ops::install_metrics();
}

/// The OpenAPI document as served at `/api/openapi.json`.
pub fn openapi_document() -> serde_json::Value {
    openapi::build()
}
