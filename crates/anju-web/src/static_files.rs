//! Vendored front-end files (see `static/vendor/README.md`) and the API docs page.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

const SWAGGER_JS: &str = include_str!("../static/vendor/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_CSS: &str = include_str!("../static/vendor/swagger-ui/swagger-ui.css");
const ECHARTS_JS: &str = include_str!("../static/vendor/echarts/echarts.min.js");
/// Draws every `<div class="chart" data-chart='…'>` with ECharts; a file of
/// its own so the content security policy needs no inline script.
const KPI_CHARTS_JS: &str = include_str!("../static/kpi-charts.js");
/// Every page's own script (scrollable tables become focusable regions).
const SITE_JS: &str = include_str!("../static/anju.js");
/// Kept out of the page so the content security policy needs no inline script.
const API_DOCS_JS: &str = "window.addEventListener('load', function () {\n  window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger' });\n});\n";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        body,
    )
        .into_response()
}

pub async fn swagger_js() -> Response {
    asset("text/javascript; charset=utf-8", SWAGGER_JS)
}

pub async fn swagger_css() -> Response {
    asset("text/css; charset=utf-8", SWAGGER_CSS)
}

pub async fn echarts_js() -> Response {
    asset("text/javascript; charset=utf-8", ECHARTS_JS)
}

pub async fn kpi_charts_js() -> Response {
    asset("text/javascript; charset=utf-8", KPI_CHARTS_JS)
}

pub async fn site_js() -> Response {
    asset("text/javascript; charset=utf-8", SITE_JS)
}

pub async fn api_docs_js() -> Response {
    asset("text/javascript; charset=utf-8", API_DOCS_JS)
}

pub async fn api_docs() -> Response {
    Html(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>安居 API 文档</title><link rel=\"stylesheet\" href=\"/static/vendor/swagger-ui/swagger-ui.css\">\
         </head><body><div id=\"swagger\"></div>\
         <script src=\"/static/vendor/swagger-ui/swagger-ui-bundle.js\"></script>\
         <script src=\"/static/api-docs.js\"></script></body></html>",
    )
    .into_response()
}
