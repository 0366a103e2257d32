//! 服务事项清单: every service a member or an employer can ask for, with who
//! may apply, the materials, the legal basis, the promised time limit, the
//! channels and a link to the page that performs it.

use super::{Layout, failure, render};
use crate::auth::Session;
use crate::state::WebState;
use anju_domain::catalogue::{CatalogueEntry, ServiceCategory};
use anju_domain::codes::Coded;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

pub struct ServiceRow {
    pub code: String,
    pub name: String,
    pub applicants: String,
    pub materials: Vec<String>,
    pub basis: String,
    pub limit: String,
    pub channels: String,
    pub page: Option<String>,
}

pub struct CategoryRows {
    pub name: &'static str,
    pub services: Vec<ServiceRow>,
}

#[derive(Template)]
#[template(path = "services.html")]
struct CataloguePage {
    layout: Layout,
    today: String,
    categories: Vec<CategoryRows>,
}

fn joined<T: Coded>(values: &[T]) -> String {
    values
        .iter()
        .map(|v| v.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

fn service_row(entry: &CatalogueEntry) -> ServiceRow {
    ServiceRow {
        code: entry.code.clone(),
        name: entry.name.clone(),
        applicants: joined(&entry.applicants),
        materials: entry.materials.clone(),
        basis: entry.basis.clone(),
        limit: entry.limit_text(),
        channels: joined(&entry.channels),
        page: entry.page.clone(),
    }
}

/// The services grouped by category, in the catalogue's order.
fn by_category(entries: &[CatalogueEntry]) -> Vec<CategoryRows> {
    ServiceCategory::ALL
        .iter()
        .map(|category| CategoryRows {
            name: category.name_zh(),
            services: entries
                .iter()
                .filter(|e| e.category == *category)
                .map(service_row)
                .collect(),
        })
        .filter(|c| !c.services.is_empty())
        .collect()
}

pub async fn catalogue_page(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let entries = match app.service_catalogue(today) {
        Ok(entries) => entries,
        Err(e) => return failure(app, session.as_deref(), e),
    };
    let page = CataloguePage {
        layout: Layout::new(app, session.as_deref()),
        today: today.to_string(),
        categories: by_category(&entries),
    };
    render(app, session.as_deref(), page.render())
}
