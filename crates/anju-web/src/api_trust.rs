//! Trust over HTTP: the transparency log for monitors (the latest signed
//! checkpoint as a note, the checkpoint history, inclusion and consistency
//! proofs), the public status of a certificate, and the member's
//! certificates (list, issue) as the JSON twins of `/member/certificates`.

use crate::api::member_of;
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::{WebError, refusal};
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::trust::log::{checkpoint_note, checkpoint_of};
use anju_app::trust::{CertificateRecord, CertificateView, CheckpointRecord, InclusionProof};
use anju_domain::trust::certificate::CertificateKind;
use anju_domain::trust::keys::hex;
use anju_domain::trust::merkle::Hash;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::json;

fn answered(status: StatusCode, result: AppResult<serde_json::Value>) -> Response {
    match result {
        Ok(body) => (status, Json(body)).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

fn hashes(path: &[Hash]) -> Vec<String> {
    path.iter().map(|h| hex(h)).collect()
}

fn checkpoint_json(c: &CheckpointRecord) -> serde_json::Value {
    json!({
        "tree_size": c.tree_size,
        "root": hex(&c.root_hash),
        "issued_at_us": c.issued_at_us,
        "origin": c.origin,
        "key_id": c.key_id,
        "signature": c.signature_hex,
        "signed_text": checkpoint_of(c).body(),
    })
}

fn inclusion_json(p: &InclusionProof) -> serde_json::Value {
    json!({
        "leaf_index": p.leaf_index,
        "leaf_hash": hex(&p.leaf.leaf_hash),
        "kind": p.leaf.kind.code(),
        "checkpoint": checkpoint_json(&p.checkpoint),
        "path": hashes(&p.path),
    })
}

/// `GET /.well-known/anju-log/checkpoint`: the latest signed tree head as a
/// signed note (404 while the log is empty).
pub async fn latest_checkpoint(State(state): State<WebState>) -> Response {
    match state.app.trust().latest_checkpoint().await {
        Ok(Some(c)) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            checkpoint_note(&c),
        )
            .into_response(),
        Ok(None) => refusal("LOG_EMPTY", "日志尚无检查点"),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// `GET /api/v1/log/checkpoints`: the latest 100 checkpoints, newest first.
pub async fn checkpoints(State(state): State<WebState>) -> Response {
    let result = async {
        let found = state.app.trust().checkpoints(100).await?;
        Ok(json!({ "checkpoints": found.iter().map(checkpoint_json).collect::<Vec<_>>() }))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize)]
pub struct InclusionQuery {
    index: u64,
    size: u64,
}

/// `GET /api/v1/log/inclusion?index=&size=`: leaf `index`'s audit path in
/// the tree of checkpoint `size`.
pub async fn inclusion(
    State(state): State<WebState>,
    query: Result<Query<InclusionQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return refusal("QUERY_INVALID", "请提供 index 与 size（非负整数）");
    };
    let result = async {
        let proof = state.app.trust().inclusion_at(q.index, q.size).await?;
        Ok(inclusion_json(&proof))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize)]
pub struct ConsistencyQuery {
    from: u64,
    to: u64,
}

/// `GET /api/v1/log/consistency?from=&to=`: that checkpoint `from` is a
/// prefix of checkpoint `to`.
pub async fn consistency(
    State(state): State<WebState>,
    query: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return refusal("QUERY_INVALID", "请提供 from 与 to（检查点的树大小）");
    };
    let result = async {
        let (old, new, proof) = state.app.trust().consistency(q.from, q.to).await?;
        Ok(json!({
            "from": checkpoint_json(&old),
            "to": checkpoint_json(&new),
            "proof": hashes(&proof),
        }))
    }
    .await;
    answered(StatusCode::OK, result)
}

fn status_json(v: &CertificateView) -> serde_json::Value {
    let r = &v.record;
    json!({
        "serial": r.serial,
        "kind": r.kind.code(),
        "status": v.status.code(),
        "issued_on": r.issued_on.to_string(),
        "valid_until": r.valid_until.map(|d| d.to_string()),
        "revoked_on": v.revocation.as_ref().map(|x| x.revoked_on.to_string()),
        "revocation_reason": v.revocation.as_ref().map(|x| x.reason.clone()),
        "body": r.body,
        "signature": r.signature_hex,
        "key_id": r.key_id,
        "leaf_index": v.leaf_index,
    })
}

fn certificate_json(r: &CertificateRecord) -> serde_json::Value {
    json!({
        "serial": r.serial,
        "kind": r.kind.code(),
        "issued_on": r.issued_on.to_string(),
        "valid_until": r.valid_until.map(|d| d.to_string()),
        "subject_ref": r.subject_ref,
    })
}

/// `GET /api/v1/certificates/{serial}`: what the verification page shows,
/// for anyone holding the serial.
pub async fn certificate_status(
    State(state): State<WebState>,
    Path(serial): Path<String>,
) -> Response {
    let result = async {
        let view = state
            .app
            .trust()
            .certificate_status(&serial, state.today())
            .await?;
        Ok(status_json(&view))
    }
    .await;
    answered(StatusCode::OK, result)
}

/// `GET /api/v1/member/certificates`: the member's certificates.
pub async fn member_certificates(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let found = state.app.trust().member_certificates(member_id).await?;
        Ok(json!({ "certificates": found.iter().map(certificate_json).collect::<Vec<_>>() }))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize)]
pub struct IssueBody {
    kind: String,
    #[serde(default)]
    lending_centre: String,
    #[serde(default)]
    withdrawal_id: Option<i64>,
}

/// `POST /api/v1/member/certificates`: issues a 缴存证明
/// (`contribution`), an 异地贷款缴存使用证明 (`remote_loan_use`, with
/// `lending_centre`) or a 提取证明 (`withdrawal`, with `withdrawal_id`).
pub async fn issue(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<IssueBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"kind\": \"contribution\"}（或 remote_loan_use 带 lending_centre，withdrawal 带 withdrawal_id）",
        );
    };
    let result = async {
        let member_id = member_of(&session)?;
        let trust = state.app.trust();
        let actor = session.actor(&context);
        let today = state.today();
        let issued = match (CertificateKind::parse(body.kind.trim()), body.withdrawal_id) {
            (Some(CertificateKind::Contribution), _) => {
                trust
                    .issue_contribution_certificate(&actor, member_id, today)
                    .await?
            }
            (Some(CertificateKind::RemoteLoanUse), _) => {
                trust
                    .issue_remote_loan_certificate(&actor, member_id, &body.lending_centre, today)
                    .await?
            }
            (Some(CertificateKind::Withdrawal), Some(id)) => {
                trust
                    .issue_withdrawal_certificate(&actor, id, today)
                    .await?
            }
            _ => {
                return Err(anju_domain::DomainError::new(
                    "CERTIFICATE_KIND_UNKNOWN",
                    "kind 应为 contribution、remote_loan_use 或 withdrawal（带 withdrawal_id）",
                )
                .into());
            }
        };
        Ok(certificate_json(&issued))
    }
    .await;
    answered(StatusCode::CREATED, result)
}
