//! Trust over HTTP: the transparency log for monitors (the latest signed
//! checkpoint as a note, the checkpoint history, inclusion and consistency
//! proofs), the public status of a certificate, and the member's
//! certificates (list, issue) as the JSON twins of `/member/certificates`.

use crate::api::{answered, member_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::{WebError, refusal};
use crate::state::WebState;
use anju_app::trust::log::{checkpoint_note, checkpoint_of};
use anju_app::trust::{CertificateRecord, CertificateView, CheckpointRecord, InclusionProof};
use anju_domain::trust::certificate::CertificateKind;
use anju_domain::trust::keys::hex;
use anju_domain::trust::merkle::Hash;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

/// The integer query parameters of the log's proof routes (for the
/// OpenAPI document).
pub(crate) fn query_parameters(path: &str) -> &'static [&'static str] {
    match path {
        "/api/v1/log/inclusion" => &["index", "size"],
        "/api/v1/log/consistency" => &["from", "to"],
        _ => &[],
    }
}

fn hashes(path: &[Hash]) -> Vec<String> {
    path.iter().map(|h| hex(h)).collect()
}

/// A signed checkpoint (tree head) of the transparency log.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CheckpointView {
    tree_size: u64,
    root: String,
    issued_at_us: i64,
    origin: String,
    key_id: String,
    signature: String,
    signed_text: String,
}

fn checkpoint_json(c: &CheckpointRecord) -> CheckpointView {
    CheckpointView {
        tree_size: c.tree_size,
        root: hex(&c.root_hash),
        issued_at_us: c.issued_at_us,
        origin: c.origin.clone(),
        key_id: c.key_id.clone(),
        signature: c.signature_hex.clone(),
        signed_text: checkpoint_of(c).body(),
    }
}

/// A leaf's audit path to a checkpoint's root.
#[derive(Serialize, schemars::JsonSchema)]
pub struct InclusionView {
    leaf_index: u64,
    leaf_hash: String,
    kind: &'static str,
    checkpoint: CheckpointView,
    path: Vec<String>,
}

fn inclusion_json(p: &InclusionProof) -> InclusionView {
    InclusionView {
        leaf_index: p.leaf_index,
        leaf_hash: hex(&p.leaf.leaf_hash),
        kind: p.leaf.kind.code(),
        checkpoint: checkpoint_json(&p.checkpoint),
        path: hashes(&p.path),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct CheckpointsView {
    checkpoints: Vec<CheckpointView>,
}

/// That checkpoint `from` is a prefix of checkpoint `to`.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ConsistencyView {
    from: CheckpointView,
    to: CheckpointView,
    proof: Vec<String>,
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
        Ok(CheckpointsView {
            checkpoints: found.iter().map(checkpoint_json).collect(),
        })
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
        Ok(ConsistencyView {
            from: checkpoint_json(&old),
            to: checkpoint_json(&new),
            proof: hashes(&proof),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

/// An e-certificate as its verification page shows it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CertificateStatusView {
    serial: String,
    kind: &'static str,
    status: &'static str,
    issued_on: String,
    valid_until: Option<String>,
    revoked_on: Option<String>,
    revocation_reason: Option<String>,
    body: String,
    signature: String,
    key_id: String,
    leaf_index: Option<u64>,
}

fn status_json(v: &CertificateView) -> CertificateStatusView {
    let r = &v.record;
    CertificateStatusView {
        serial: r.serial.clone(),
        kind: r.kind.code(),
        status: v.status.code(),
        issued_on: r.issued_on.to_string(),
        valid_until: r.valid_until.map(|d| d.to_string()),
        revoked_on: v.revocation.as_ref().map(|x| x.revoked_on.to_string()),
        revocation_reason: v.revocation.as_ref().map(|x| x.reason.clone()),
        body: r.body.clone(),
        signature: r.signature_hex.clone(),
        key_id: r.key_id.clone(),
        leaf_index: v.leaf_index,
    }
}

/// One of the member's e-certificates.
#[derive(Serialize, schemars::JsonSchema)]
pub struct CertificateItemView {
    serial: String,
    kind: &'static str,
    issued_on: String,
    valid_until: Option<String>,
    subject_ref: String,
}

fn certificate_json(r: &CertificateRecord) -> CertificateItemView {
    CertificateItemView {
        serial: r.serial.clone(),
        kind: r.kind.code(),
        issued_on: r.issued_on.to_string(),
        valid_until: r.valid_until.map(|d| d.to_string()),
        subject_ref: r.subject_ref.clone(),
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct CertificatesView {
    certificates: Vec<CertificateItemView>,
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
        Ok(CertificatesView {
            certificates: found.iter().map(certificate_json).collect(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
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

/// A data grant with every read under it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct GrantView {
    grant_code: String,
    grantee: String,
    grantee_name: String,
    scopes: Vec<&'static str>,
    purpose: String,
    granted_on: String,
    valid_until: String,
    state: &'static str,
    revoked_on: Option<String>,
    reads: Vec<ReadView>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ReadView {
    at_us: i64,
    grantee: String,
    result: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct GrantsView {
    grants: Vec<GrantView>,
}

/// A grant just made: its code for the partner.
#[derive(Serialize, schemars::JsonSchema)]
pub struct GrantedView {
    grant_code: String,
    grantee: String,
    valid_until: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct GrantRevokedView {
    grant_code: String,
    revoked_on: String,
}

/// What a grant lets the partner read: only the parts granted.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ProvidedView {
    grant_code: String,
    member_name: String,
    valid_until: String,
    balance_fen: Option<i64>,
    contribution: Option<Vec<ItemView>>,
    loans: Option<LoansSummaryView>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ItemView {
    item: &'static str,
    value: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct LoansSummaryView {
    active: usize,
    outstanding_fen: i64,
}

fn grant_json(v: &anju_app::trust::GrantView, today: anju_domain::Date) -> GrantView {
    let g = &v.grant;
    GrantView {
        grant_code: g.grant_code.clone(),
        grantee: g.grantee_login.clone(),
        grantee_name: g.grantee_name.clone(),
        scopes: g
            .scopes
            .iter()
            .map(|s| anju_domain::Coded::code(*s))
            .collect(),
        purpose: g.purpose.clone(),
        granted_on: g.granted_on.to_string(),
        valid_until: g.valid_until.to_string(),
        state: v.state_zh(today),
        revoked_on: v.revocation.as_ref().map(|r| r.revoked_on.to_string()),
        reads: v
            .reads
            .iter()
            .map(|p| ReadView {
                at_us: p.at_us,
                grantee: p.grantee_login.clone(),
                result: p.result.clone(),
            })
            .collect(),
    }
}

/// `GET /api/v1/member/grants`: the member's grants with every read.
pub async fn member_grants(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let today = state.today();
        let grants = state.app.trust().member_grants(member_id).await?;
        Ok(GrantsView {
            grants: grants.iter().map(|g| grant_json(g, today)).collect(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct GrantBody {
    grantee: String,
    scopes: Vec<String>,
    purpose: String,
    days: i32,
}

/// `POST /api/v1/member/grants`: grants a partner access.
pub async fn grant(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<GrantBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"grantee\": \"…\", \"scopes\": [\"balance\"], \"purpose\": \"…\", \"days\": 30}",
        );
    };
    let result = async {
        let input = anju_app::trust::GrantInput {
            grantee_login: body.grantee.clone(),
            scopes: body
                .scopes
                .iter()
                .map(|s| anju_domain::trust::grant::GrantScope::parse(s))
                .collect::<Result<_, _>>()?,
            purpose: body.purpose.clone(),
            days: body.days,
        };
        let g = state
            .app
            .trust()
            .grant_access(&session.actor(&context), &input, state.today())
            .await?;
        Ok(GrantedView {
            grant_code: g.grant_code,
            grantee: g.grantee_login,
            valid_until: g.valid_until.to_string(),
        })
    }
    .await;
    answered(StatusCode::CREATED, result)
}

/// `POST /api/v1/member/grants/{code}/revoke`: withdraws a grant.
pub async fn revoke_grant(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(code): Path<String>,
) -> Response {
    let result = async {
        let r = state
            .app
            .trust()
            .revoke_grant(&session.actor(&context), &code, state.today())
            .await?;
        Ok(GrantRevokedView {
            grant_code: code,
            revoked_on: r.revoked_on.to_string(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

/// `GET /api/v1/partner/grants/{code}`: what the grant lets the partner
/// read. Every call is recorded, allowed or refused.
pub async fn provided(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(code): Path<String>,
) -> Response {
    let result = async {
        let d = state
            .app
            .trust()
            .provide(&session.actor(&context), &code, state.today())
            .await?;
        let contribution = d.contribution.map(|lines| {
            let items = lines
                .into_iter()
                .map(|(item, value)| ItemView { item, value });
            items.collect()
        });
        Ok(ProvidedView {
            grant_code: d.grant_code,
            member_name: d.member_name,
            valid_until: d.valid_until.to_string(),
            balance_fen: d.balance_fen.map(|f| f.get()),
            contribution,
            loans: d.loans.map(|(active, outstanding)| LoansSummaryView {
                active,
                outstanding_fen: outstanding.get(),
            }),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}
