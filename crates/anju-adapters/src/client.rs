//! The registries' HTTP/JSON client. Whatever goes wrong on the way — no
//! connection, a timeout, a refusal, an answer that does not parse — comes
//! back as [`Unavailable`]: the fact is unknown, never "no".

use crate::wire::*;
use anju_app::registries::*;
use anju_domain::facts::{LicenceKind, Party, Relation};
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;
use anju_domain::{Date, Fen};
use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The client: one base URL for all five registries (the data exchange's
/// front-end processor routes by path).
#[derive(Debug)]
pub struct HttpRegistries {
    base: String,
    centre: String,
    http: reqwest::Client,
    /// Set once any answer came from a simulator.
    saw_simulator: AtomicBool,
}

impl HttpRegistries {
    /// `base` such as `http://10.1.2.3:8443`; every call gives up after
    /// `timeout`.
    pub fn new(base: &str, centre: &str, timeout: Duration) -> Result<Self, String> {
        let (base, http) = crate::endpoint("registry endpoint", base, timeout)?;
        Ok(HttpRegistries {
            base,
            centre: centre.to_string(),
            http,
            saw_simulator: AtomicBool::new(false),
        })
    }

    /// Whether any answer so far carried the simulator's mark.
    pub fn saw_simulator(&self) -> bool {
        self.saw_simulator.load(Ordering::Relaxed)
    }

    /// Asks the far end what it is: `Ok(true)` for a simulator.
    pub async fn health(&self) -> Result<HealthReply, String> {
        let url = format!("{}{HEALTH}", self.base);
        let reply = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !reply.status().is_success() {
            return Err(format!("HTTP {}", reply.status().as_u16()));
        }
        let health: HealthReply = reply.json().await.map_err(|e| e.to_string())?;
        if health.simulator {
            self.saw_simulator.store(true, Ordering::Relaxed);
        }
        Ok(health)
    }

    async fn ask<Q: Serialize + Sync, R: DeserializeOwned>(
        &self,
        party: Party,
        path: &str,
        question: &Q,
    ) -> Lookup<R> {
        let down = |why: String| Unavailable { party, why };
        let reply = self
            .http
            .post(format!("{}{path}", self.base))
            .header(CENTRE_HEADER, &self.centre)
            .json(question)
            .send()
            .await
            .map_err(|e| {
                down(if e.is_timeout() {
                    "查询超时".to_string()
                } else {
                    format!("无法连接（{e}）")
                })
            })?;
        if reply.headers().contains_key(SIMULATOR_HEADER) {
            self.saw_simulator.store(true, Ordering::Relaxed);
        }
        let status = reply.status();
        if !status.is_success() {
            let why = reply
                .json::<ErrorReply>()
                .await
                .map(|e| e.error)
                .unwrap_or_default();
            return Err(down(format!("HTTP {} {why}", status.as_u16())));
        }
        reply
            .json::<R>()
            .await
            .map_err(|e| down(format!("答复无法识别（{e}）")))
    }
}

fn person(id_card: &IdCardNo) -> PersonQuery {
    PersonQuery {
        id_card: id_card.as_str().to_string(),
    }
}

/// Reads one field of an answer, or says the answer was not understood.
fn field<T>(party: Party, what: &str, parsed: Result<T, impl std::fmt::Display>) -> Lookup<T> {
    parsed.map_err(|e| Unavailable {
        party,
        why: format!("答复中的{what}无法识别（{e}）"),
    })
}

fn home_of(w: WireHome) -> Lookup<Home> {
    Ok(Home {
        registered_on: field(Party::Housing, "登记日期", Date::parse(&w.registered_on))?,
        certificate_no: w.certificate_no,
        address: w.address,
    })
}

fn spouse_of(w: WireSpouse) -> Lookup<Spouse> {
    let party = Party::CivilAffairs;
    Ok(Spouse {
        id_card: field(party, "配偶身份证号", IdCardNo::parse(&w.id_card))?,
        married_on: field(party, "登记日期", Date::parse(&w.married_on))?,
        name: w.name,
        certificate_no: w.certificate_no,
    })
}

fn licence_of(w: WireLicence) -> Lookup<Licence> {
    let party = Party::Licences;
    Ok(Licence {
        kind: field(party, "证照类型", LicenceKind::parse(&w.kind))?,
        holder: field(party, "持证人身份证号", IdCardNo::parse(&w.holder_id_card))?,
        issued_on: field(party, "发证日期", Date::parse(&w.issued_on))?,
        licence_no: w.licence_no,
        summary: w.summary,
    })
}

#[async_trait]
impl HousingRegistry for HttpRegistries {
    async fn homes(&self, id_card: &IdCardNo) -> Lookup<HomesAnswer> {
        let reply: HomesReply = self.ask(Party::Housing, HOMES, &person(id_card)).await?;
        Ok(HomesAnswer {
            homes: reply
                .homes
                .into_iter()
                .map(home_of)
                .collect::<Lookup<_>>()?,
            reference: reply.reference,
        })
    }
}

#[async_trait]
impl CivilAffairs for HttpRegistries {
    async fn marriage(&self, id_card: &IdCardNo) -> Lookup<MarriageAnswer> {
        let reply: MarriageReply = self
            .ask(Party::CivilAffairs, MARRIAGE, &person(id_card))
            .await?;
        Ok(MarriageAnswer {
            spouse: reply.spouse.map(spouse_of).transpose()?,
            reference: reply.reference,
        })
    }

    async fn relation(&self, of: &IdCardNo, other: &IdCardNo) -> Lookup<RelationAnswer> {
        let question = RelationQuery {
            id_card: of.as_str().to_string(),
            other_id_card: other.as_str().to_string(),
        };
        let reply: RelationReply = self.ask(Party::CivilAffairs, RELATION, &question).await?;
        Ok(RelationAnswer {
            relation: field(
                Party::CivilAffairs,
                "亲属关系",
                Relation::parse(&reply.relation),
            )?,
            reference: reply.reference,
        })
    }
}

#[async_trait]
impl CreditBureau for HttpRegistries {
    async fn grade(&self, id_card: &IdCardNo) -> Lookup<CreditAnswer> {
        let reply: CreditReply = self.ask(Party::Credit, CREDIT, &person(id_card)).await?;
        Ok(CreditAnswer {
            grade: field(Party::Credit, "信用等级", CreditGrade::parse(&reply.grade))?,
            reference: reply.reference,
        })
    }
}

#[async_trait]
impl HpfLoanData for HttpRegistries {
    async fn outstanding(&self, id_card: &IdCardNo) -> Lookup<HpfLoansAnswer> {
        let reply: LoansReply = self
            .ask(Party::HpfLoans, HPF_LOANS, &person(id_card))
            .await?;
        Ok(HpfLoansAnswer {
            loans: reply
                .loans
                .into_iter()
                .map(|l| OutstandingLoan {
                    centre: l.centre,
                    loan_no: l.loan_no,
                    principal: Fen::new(l.principal_fen),
                })
                .collect(),
            reference: reply.reference,
        })
    }
}

#[async_trait]
impl LicenceLibrary for HttpRegistries {
    async fn licence(&self, kind: LicenceKind, licence_no: &str) -> Lookup<LicenceAnswer> {
        let question = LicenceQuery {
            kind: kind.code().to_string(),
            licence_no: licence_no.to_string(),
        };
        let reply: LicenceReply = self.ask(Party::Licences, LICENCE, &question).await?;
        Ok(LicenceAnswer {
            licence: reply.licence.map(licence_of).transpose()?,
            reference: reply.reference,
        })
    }
}

fn certificate_of(w: WireCertificate) -> Lookup<RemoteContribution> {
    let party = Party::Centres;
    Ok(RemoteContribution {
        holder: field(party, "缴存人身份证号", IdCardNo::parse(&w.holder_id_card))?,
        issued_on: field(party, "出具日期", Date::parse(&w.issued_on))?,
        holder_name: w.holder_name,
        base: Fen::new(w.base_fen),
        balance: Fen::new(w.balance_fen),
        months: w.months,
        certificate_no: w.certificate_no,
        centre: w.centre,
    })
}

#[async_trait]
impl CentreCertificates for HttpRegistries {
    async fn certificate(&self, certificate_no: &str) -> Lookup<CertificateAnswer> {
        let question = CertificateQuery {
            certificate_no: certificate_no.to_string(),
        };
        let reply: CertificateReply = self.ask(Party::Centres, CERTIFICATE, &question).await?;
        Ok(CertificateAnswer {
            certificate: reply.certificate.map(certificate_of).transpose()?,
            reference: reply.reference,
        })
    }
}
