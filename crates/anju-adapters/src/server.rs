//! The simulator server: the registries' and the banks' protocols served
//! from the in-process simulators (`anju simulate`, or in-process for the
//! demo). Every answer carries the simulator header, so a client pointed
//! here by mistake still shows the demo banner.

use crate::wire::*;
use anju_app::collection::{BankTransferSimulator, EcnySimulator, PaymentAdapter, PaymentRequest};
use anju_app::loan::{BankDebitSimulator, DebitAdapter, DebitRequest};
use anju_app::registries::*;
use anju_app::withdrawal::{BankPayoutSimulator, PayoutAdapter, PayoutRequest};
use anju_domain::Coded;
use anju_domain::facts::{LicenceKind, Party};
use anju_domain::ids::IdCardNo;
use anju_domain::{Date, Fen};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;

/// What the simulator answers from: the registries' data and the banks'
/// rules (a card ending 0000 is refused, 0001 pays half — see the
/// simulators in `anju_app`).
#[derive(Clone)]
pub struct Simulators {
    pub registries: Arc<SimulatedRegistries>,
    pub transfer: BankTransferSimulator,
}

impl Simulators {
    pub fn new(registries: Arc<SimulatedRegistries>) -> Self {
        Simulators {
            registries,
            transfer: BankTransferSimulator::default(),
        }
    }
}

type Sim = State<Simulators>;

/// The protocols' routes over `sims`.
pub fn router(sims: Simulators) -> Router {
    Router::new()
        .route(HEALTH, get(health))
        .route(HOMES, post(homes))
        .route(MARRIAGE, post(marriage))
        .route(RELATION, post(relation))
        .route(CREDIT, post(credit))
        .route(HPF_LOANS, post(hpf_loans))
        .route(LICENCE, post(licence))
        .route(CERTIFICATE, post(certificate))
        .route(COLLECT, post(collect))
        .route(PAYOUT, post(payout))
        .route(DEBIT, post(debit))
        .route(SEND, post(send))
        .with_state(sims)
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
pub async fn start_simulator(sims: Simulators, listen: &str) -> std::io::Result<SimulatorHandle> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = router(sims);
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

async fn health(State(sims): Sim) -> Response {
    let parties = Party::ALL
        .iter()
        .filter(|p| !sims.registries.is_down(**p))
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

async fn homes(State(sims): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sims.registries.homes(&who).await, |a| HomesReply {
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

async fn marriage(State(sims): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sims.registries.marriage(&who).await, |a| MarriageReply {
        reference: a.reference,
        spouse: a.spouse.map(|s| WireSpouse {
            id_card: s.id_card.as_str().to_string(),
            name: s.name,
            married_on: s.married_on.to_string(),
            certificate_no: s.certificate_no,
        }),
    })
}

async fn relation(State(sims): Sim, Json(q): Json<RelationQuery>) -> Response {
    let (of, other) = match (
        IdCardNo::parse(&q.id_card),
        IdCardNo::parse(&q.other_id_card),
    ) {
        (Ok(of), Ok(other)) => (of, other),
        (Err(e), _) | (_, Err(e)) => return bad(e),
    };
    answer(sims.registries.relation(&of, &other).await, |a| {
        RelationReply {
            reference: a.reference,
            relation: a.relation.code().to_string(),
        }
    })
}

async fn credit(State(sims): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sims.registries.grade(&who).await, |a| CreditReply {
        reference: a.reference,
        grade: a.grade.code().to_string(),
    })
}

async fn hpf_loans(State(sims): Sim, Json(q): Json<PersonQuery>) -> Response {
    let who = match IdCardNo::parse(&q.id_card) {
        Ok(who) => who,
        Err(e) => return bad(e),
    };
    answer(sims.registries.outstanding(&who).await, |a| LoansReply {
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

async fn licence(State(sims): Sim, Json(q): Json<LicenceQuery>) -> Response {
    let kind = match LicenceKind::parse(&q.kind) {
        Ok(kind) => kind,
        Err(e) => return bad(e),
    };
    answer(sims.registries.licence(kind, &q.licence_no).await, |a| {
        LicenceReply {
            reference: a.reference,
            licence: a.licence.map(|l| WireLicence {
                kind: l.kind.code().to_string(),
                licence_no: l.licence_no,
                holder_id_card: l.holder.as_str().to_string(),
                issued_on: l.issued_on.to_string(),
                summary: l.summary,
            }),
        }
    })
}

fn declined_or_failed(e: anju_app::AppError) -> Response {
    match e.code() {
        Some("PAYMENT_DECLINED") => refused(StatusCode::PAYMENT_REQUIRED, e.to_string()),
        _ => refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn collect(State(sims): Sim, Json(order): Json<CollectOrder>) -> Response {
    let requested_on = match Date::parse(&order.requested_on) {
        Ok(day) => day,
        Err(e) => return bad(e),
    };
    let request = PaymentRequest {
        order_id: order.order_id,
        payer: order.payer,
        amount: Fen::new(order.amount_fen),
        requested_on,
    };
    let collected = match order.channel.as_str() {
        "bank" => sims.transfer.collect(&request).await,
        "ecny" => EcnySimulator.collect(&request).await,
        other => {
            return refused(StatusCode::BAD_REQUEST, format!("未知的收款渠道“{other}”"));
        }
    };
    match collected {
        Ok(receipt) => marked(
            StatusCode::OK,
            CollectReply {
                reference: receipt.reference,
                amount_fen: receipt.amount.get(),
                paid_on: receipt.paid_on.to_string(),
            },
        ),
        Err(e) => declined_or_failed(e),
    }
}

async fn payout(Json(order): Json<PayoutOrder>) -> Response {
    let requested_on = match Date::parse(&order.requested_on) {
        Ok(day) => day,
        Err(e) => return bad(e),
    };
    let (withdrawal_id, amount_fen) = (order.withdrawal_id, order.amount_fen);
    let request = PayoutRequest {
        withdrawal_id: order.withdrawal_id,
        bank_card: order.bank_card,
        payee: order.payee,
        amount: Fen::new(order.amount_fen),
        requested_on,
    };
    match BankPayoutSimulator.pay(&request).await {
        Ok(r) => marked(
            StatusCode::OK,
            PayoutReply {
                withdrawal_id,
                amount_fen,
                accepted: r.accepted,
                reference: r.reference,
                message: r.message,
            },
        ),
        Err(e) => declined_or_failed(e),
    }
}

async fn debit(Json(order): Json<DebitOrder>) -> Response {
    let mut requests = Vec::with_capacity(order.lines.len());
    for line in order.lines {
        let value_date = match Date::parse(&line.value_date) {
            Ok(day) => day,
            Err(e) => return bad(e),
        };
        requests.push(DebitRequest {
            reference: line.reference,
            bank_card: line.bank_card,
            amount: Fen::new(line.amount_fen),
            value_date,
        });
    }
    match BankDebitSimulator.debit(&requests).await {
        Ok(receipts) => marked(
            StatusCode::OK,
            DebitReply {
                results: receipts
                    .into_iter()
                    .map(|r| DebitResult {
                        reference: r.reference,
                        debited_fen: r.debited.get(),
                        message: r.message,
                    })
                    .collect(),
            },
        ),
        Err(e) => declined_or_failed(e),
    }
}

async fn certificate(State(sims): Sim, Json(q): Json<CertificateQuery>) -> Response {
    answer(sims.registries.certificate(&q.certificate_no).await, |a| {
        CertificateReply {
            reference: a.reference,
            certificate: a.certificate.map(|c| WireCertificate {
                certificate_no: c.certificate_no,
                centre: c.centre,
                holder_id_card: c.holder.as_str().to_string(),
                holder_name: c.holder_name,
                base_fen: c.base.get(),
                balance_fen: c.balance.get(),
                months: c.months,
                issued_on: c.issued_on.to_string(),
            }),
        }
    })
}

/// The gateway's simulator takes the message and sends nothing.
async fn send(Json(order): Json<SendOrder>) -> Response {
    if !matches!(order.channel.as_str(), "sms" | "wechat" | "email") || order.to.trim().is_empty() {
        return refused(StatusCode::BAD_REQUEST, "渠道或收件人无效".to_string());
    }
    marked(
        StatusCode::OK,
        SendReply {
            status: anju_domain::access::DeliveryStatus::Simulated
                .code()
                .to_string(),
        },
    )
}
