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
use serde::{Deserialize, Serialize};

/// A completed service the member may rate.
#[derive(Serialize, schemars::JsonSchema)]
pub struct RateableView {
    service: &'static str,
    service_ref: i64,
    outcome: &'static str,
    applied_on: String,
    channel: &'static str,
}

fn rateable_json(r: &Rateable) -> RateableView {
    RateableView {
        service: r.service.code(),
        service_ref: r.service_ref,
        outcome: r.outcome,
        applied_on: r.applied_on.to_string(),
        channel: r.channel.code(),
    }
}

/// A rating (好差评) with its rectification and the follow-up visit.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ReviewView {
    review_id: i64,
    service: &'static str,
    service_ref: i64,
    stars: u8,
    reasons: String,
    reviewed_on: String,
    rectification: Option<&'static str>,
    rectification_due: Option<String>,
    rectification_note: String,
    rectified_on: Option<String>,
    follow_up_note: String,
    followed_up_on: Option<String>,
}

fn review_json(r: &ReviewRecord) -> ReviewView {
    ReviewView {
        review_id: r.review_id,
        service: r.service.code(),
        service_ref: r.service_ref,
        stars: r.stars,
        reasons: r.reasons.clone(),
        reviewed_on: r.reviewed_on.to_string(),
        rectification: r.rectification.map(|s| s.code()),
        rectification_due: r.rectification_due.map(|d| d.to_string()),
        rectification_note: r.rectification_note.clone(),
        rectified_on: r.rectified_on.map(|d| d.to_string()),
        follow_up_note: r.follow_up_note.clone(),
        followed_up_on: r.followed_up_on.map(|d| d.to_string()),
    }
}

/// A complaint and its answer.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ComplaintView {
    complaint_id: i64,
    received_on: String,
    category: &'static str,
    subject: String,
    status: &'static str,
    due_on: String,
    outcome: Option<&'static str>,
    reply: String,
    resolved_on: Option<String>,
    appealed_on: Option<String>,
}

fn complaint_json(c: &ComplaintRecord) -> ComplaintView {
    ComplaintView {
        complaint_id: c.complaint_id,
        received_on: c.received_on.to_string(),
        category: c.category.code(),
        subject: c.subject.clone(),
        status: c.status.code(),
        due_on: c.due_on.to_string(),
        outcome: c.outcome.map(|o| o.code()),
        reply: c.reply.clone(),
        resolved_on: c.resolved_on.map(|d| d.to_string()),
        appealed_on: c.appealed_on.map(|d| d.to_string()),
    }
}

/// What the member can rate, their ratings and their complaints.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ServiceView {
    rateable: Vec<RateableView>,
    reviews: Vec<ReviewView>,
    complaints: Vec<ComplaintView>,
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
        Ok(ServiceView {
            rateable: rateable.iter().map(rateable_json).collect(),
            reviews: reviews.iter().map(review_json).collect(),
            complaints: complaints.iter().map(complaint_json).collect(),
        })
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
