//! `GET /api/v1/services`: the service catalogue (服务事项清单) in force
//! today, the same list as the `/services` page.

use crate::error::WebError;
use crate::state::WebState;
use anju_domain::catalogue::CatalogueEntry;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One service: codes for machines, names for people.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ServiceEntryView {
    code: String,
    name: String,
    /// `collection`, `withdrawal`, `loan` or `general`.
    category: &'static str,
    category_name: &'static str,
    /// `individual` and/or `employer`.
    applicants: Vec<&'static str>,
    materials: Vec<String>,
    basis: String,
    /// Working days from acceptance; 0 is settled on the spot.
    limit_days: u16,
    /// `online`, `counter`, `phone`, `partner`.
    channels: Vec<&'static str>,
    /// The hall page that performs it, if any.
    page: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct CatalogueView {
    business_date: String,
    items: Vec<ServiceEntryView>,
}

fn entry_view(e: &CatalogueEntry) -> ServiceEntryView {
    ServiceEntryView {
        code: e.code.clone(),
        name: e.name.clone(),
        category: e.category.code(),
        category_name: e.category.name_zh(),
        applicants: e.applicants.iter().map(|a| a.code()).collect(),
        materials: e.materials.clone(),
        basis: e.basis.clone(),
        limit_days: e.limit_days,
        channels: e.channels.iter().map(|c| c.code()).collect(),
        page: e.page.clone(),
    }
}

pub async fn catalogue(State(state): State<WebState>) -> Response {
    let today = state.today();
    match state.app.service_catalogue(today) {
        Ok(entries) => Json(CatalogueView {
            business_date: today.to_string(),
            items: entries.iter().map(entry_view).collect(),
        })
        .into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}
