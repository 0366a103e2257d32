//! The real router, in process, against a fresh SQLite database.

use anju_app::App;
use anju_app::policy::load_policy;
use anju_store_sqlite::SqliteStore;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::sync::Arc;
use tower::ServiceExt;

async fn app(dir: &tempfile::TempDir) -> App {
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let store = SqliteStore::open(&url, "320500000000000")
        .await
        .expect("store");
    App::new(Arc::new(store), load_policy(None).expect("policy"))
}

async fn get(app: &App, path: &str) -> (StatusCode, String) {
    let response = anju_web::router(app.clone())
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    assert_eq!(
        get(&app, "/healthz").await,
        (StatusCode::OK, "ok".to_string())
    );
    assert_eq!(get(&app, "/readyz").await.0, StatusCode::OK);
    anju_web::install_metrics_for_tests();
    let _ = get(&app, "/healthz").await;
    let (status, text) = get(&app, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("anju_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/healthz\""), "{text}");
}

#[tokio::test]
async fn home_page_is_chinese_and_shows_policy_and_ledger() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (status, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("苏州市住房公积金管理中心"));
    assert!(html.contains("存款年利率") && html.contains("1.50%"));
    assert!(html.contains("尚无记账凭证"));
    assert!(html.contains("12329"));
    anju_app::demo::seed(&app, anju_domain::Date::parse("2026-11-29").expect("date"))
        .await
        .expect("seed");
    let (_, html) = get(&app, "/").await;
    assert!(
        html.contains("住房公积金存款") && html.contains("¥"),
        "{html}"
    );
}

#[tokio::test]
async fn unknown_page_is_a_chinese_404() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (status, html) = get(&app, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("页面不存在"));
    let (status, css) = get(&app, "/static/anju.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("--brand"));
}
