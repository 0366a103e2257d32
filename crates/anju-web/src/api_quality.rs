//! 评价与投诉 over the JSON API, the twins of `/member/service`: what the
//! member can rate and has rated (with the rectification and the visit),
//! rating a completed service, filing a complaint and appealing its answer.
//! Every POST passes the API's idempotency layer (`Idempotency-Key`).

use crate::api::{answered, member_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::refusal;
use crate::state::WebState;
use anju_app::quality::{ComplaintInput, ComplaintRecord, RateInput, Rateable, ReviewRecord};
use anju_domain::quality::{ComplaintCategory, ComplaintSource, RatedService};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

fn rateable_json(r: &Rateable) -> serde_json::Value {
    json!({
        "service": r.service.code(),
        "service_ref": r.service_ref,
        "outcome": r.outcome,
        "applied_on": r.applied_on.to_string(),
        "channel": r.channel.code(),
    })
}

fn review_json(r: &ReviewRecord) -> serde_json::Value {
    json!({
        "review_id": r.review_id,
        "service": r.service.code(),
        "service_ref": r.service_ref,
        "stars": r.stars,
        "reasons": r.reasons,
        "reviewed_on": r.reviewed_on.to_string(),
        "rectification": r.rectification.map(|s| s.code()),
        "rectification_due": r.rectification_due.map(|d| d.to_string()),
        "rectification_note": r.rectification_note,
        "rectified_on": r.rectified_on.map(|d| d.to_string()),
        "follow_up_note": r.follow_up_note,
        "followed_up_on": r.followed_up_on.map(|d| d.to_string()),
    })
}

fn complaint_json(c: &ComplaintRecord) -> serde_json::Value {
    json!({
        "complaint_id": c.complaint_id,
        "received_on": c.received_on.to_string(),
        "category": c.category.code(),
        "subject": c.subject,
        "status": c.status.code(),
        "due_on": c.due_on.to_string(),
        "outcome": c.outcome.map(|o| o.code()),
        "reply": c.reply,
        "resolved_on": c.resolved_on.map(|d| d.to_string()),
        "appealed_on": c.appealed_on.map(|d| d.to_string()),
    })
}

/// `GET /api/v1/member/service`: what can be rated, the member's ratings and
/// complaints.
pub async fn overview(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let q = state.app.quality();
        let rateable = q.rateable(member_id).await?;
        let reviews = q.member_reviews(member_id).await?;
        let complaints = q.member_complaints(member_id).await?;
        Ok(json!({
            "rateable": rateable.iter().map(rateable_json).collect::<Vec<_>>(),
            "reviews": reviews.iter().map(review_json).collect::<Vec<_>>(),
            "complaints": complaints.iter().map(complaint_json).collect::<Vec<_>>(),
        }))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RateBody {
    service: String,
    service_ref: i64,
    stars: i64,
    #[serde(default)]
    reasons: String,
}

/// `POST /api/v1/member/reviews`: rates a completed service once.
pub async fn rate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<RateBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"service\": \"withdrawal\", \"service_ref\": 1, \"stars\": 5, \"reasons\": \"…\"}",
        );
    };
    let result = async {
        let input = RateInput {
            service: RatedService::parse(&body.service)?,
            service_ref: body.service_ref,
            stars: body.stars,
            reasons: body.reasons.clone(),
        };
        let review = state
            .app
            .quality()
            .rate_service(&session.actor(&context), &input, state.today())
            .await?;
        Ok(review_json(&review))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ComplaintBody {
    category: String,
    subject: String,
    detail: String,
    #[serde(default)]
    contact: String,
}

/// `POST /api/v1/member/complaints`: files a complaint in the member's name.
pub async fn complain(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<ComplaintBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"category\": \"service_quality\", \"subject\": \"…\", \"detail\": \"…\"}",
        );
    };
    let result = async {
        let input = ComplaintInput {
            source: ComplaintSource::Hall,
            category: ComplaintCategory::parse(&body.category)?,
            complainant: String::new(),
            contact: body.contact.clone(),
            subject: body.subject.clone(),
            detail: body.detail.clone(),
        };
        let complaint = state
            .app
            .quality()
            .file_complaint(&session.actor(&context), &input, state.today())
            .await?;
        Ok(complaint_json(&complaint))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct AppealBody {
    reason: String,
}

/// `POST /api/v1/member/complaints/{id}/appeal`: asks once, in time, for the
/// answer to be looked at again.
pub async fn appeal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(complaint_id): Path<i64>,
    body: Result<Json<AppealBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal("BODY_INVALID", "请求体应为 {\"reason\": \"…\"}");
    };
    let result = state
        .app
        .quality()
        .appeal_complaint(
            &session.actor(&context),
            complaint_id,
            &body.reason,
            state.today(),
        )
        .await
        .map(|c| complaint_json(&c));
    answered(StatusCode::OK, result)
}
