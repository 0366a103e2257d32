//! The simulator server: the registries' protocol served from a
//! [`SimulatedRegistries`] (`anju simulate`, or in-process for the demo).
//! Every answer carries the simulator header, so a client pointed here by
//! mistake still shows the demo banner.

use crate::wire::*;
use anju_app::registries::*;
use anju_domain::Coded;
use anju_domain::facts::{LicenceKind, Party};
use anju_domain::ids::IdCardNo;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;

type Sim = State<Arc<SimulatedRegistries>>;

/// The protocol's routes over `sim`.
pub fn router(sim: Arc<SimulatedRegistries>) -> Router {
    Router::new()
        .route(HEALTH, get(health))
        .route(HOMES, post(homes))
        .route(MARRIAGE, post(marriage))
        .route(RELATION, post(relation))
        .route(CREDIT, post(credit))
        .route(HPF_LOANS, post(hpf_loans))
        .route(LICENCE, post(licence))
        .with_state(sim)
}

/// A simulator serving on a local port, for as long as the handle lives.
pub struct SimulatorHandle {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl SimulatorHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SimulatorHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `sim` on `listen` (`127.0.0.1:0` picks a free port).
pub async fn start_simulator(
    sim: Arc<SimulatedRegistries>,
    listen: &str,
) -> std::io::Result<SimulatorHandle> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = router(sim);
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "registry simulator stopped");
        }
    });
    Ok(SimulatorHandle { addr, task })
}

fn marked(status: StatusCode, body: impl Serialize) -> Response {
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(SIMULATOR_HEADER, HeaderValue::from_static("1"));
    response
}

fn refused(status: StatusCode, error: String) -> Response {
    marked(status, ErrorReply { error })
}

fn answer<T, W: Serialize>(looked_up: Lookup<T>, to_wire: impl FnOnce(T) -> W) -> Response {
    match looked_up {
        Ok(found) => marked(StatusCode::OK, to_wire(found)),
        Err(e) => refused(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    }
}

/// A question the simulator cannot read: 400 with why.
fn bad(e: anju_domain::DomainError) -> Response {
    refused(StatusCode::BAD_REQUEST, e.to_string())
}

async fn health(State(sim): Sim) -> Response {
    let parties = Party::ALL
        .iter()
        .filter(|p| !sim.is_down(**p))
        .map(|p| p.code().to_string())
        .collect();
    marked(
        StatusCode::OK,
        HealthReply {
            simulator: true,
            parties,
        },
    )
}

async fn homes(State(sim): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sim.homes(&who).await, |a| HomesReply {
        reference: a.reference,
        homes: a
            .homes
            .into_iter()
            .map(|h| WireHome {
                certificate_no: h.certificate_no,
                address: h.address,
                registered_on: h.registered_on.to_string(),
            })
            .collect(),
    })
}

async fn marriage(State(sim): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sim.marriage(&who).await, |a| MarriageReply {
        reference: a.reference,
        spouse: a.spouse.map(|s| WireSpouse {
            id_card: s.id_card.as_str().to_string(),
            name: s.name,
            married_on: s.married_on.to_string(),
            certificate_no: s.certificate_no,
        }),
    })
}

async fn relation(State(sim): Sim, Json(q): Json<RelationQuery>) -> Response {
    let (of, other) = match (
        IdCardNo::parse(&q.id_card),
        IdCardNo::parse(&q.other_id_card),
    ) {
        (Ok(of), Ok(other)) => (of, other),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    answer(sim.relation(&of, &other).await, |a| RelationReply {
        reference: a.reference,
        relation: a.relation.code().to_string(),
    })
}

async fn credit(State(sim): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sim.grade(&who).await, |a| CreditReply {
        reference: a.reference,
        grade: a.grade.code().to_string(),
    })
}

async fn hpf_loans(State(sim): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sim.outstanding(&who).await, |a| LoansReply {
        reference: a.reference,
        loans: a
            .loans
            .into_iter()
            .map(|l| WireLoan {
                centre: l.centre,
                loan_no: l.loan_no,
                principal_fen: l.principal.get(),
            })
            .collect(),
    })
}

async fn licence(State(sim): Sim, Json(q): Json<LicenceQuery>) -> Response {
    let kind = match LicenceKind::parse(&q.kind) {
        Ok(kind) => kind,
        Err(e) => return bad(e),
    };
    answer(sim.licence(kind, &q.licence_no).await, |a| LicenceReply {
        reference: a.reference,
        licence: a.licence.map(|l| WireLicence {
            kind: l.kind.code().to_string(),
            licence_no: l.licence_no,
            holder_id_card: l.holder.as_str().to_string(),
            issued_on: l.issued_on.to_string(),
            summary: l.summary,
        }),
    })
}
