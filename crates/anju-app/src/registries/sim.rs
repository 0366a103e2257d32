//! The registries' simulator: answers every port from a data set held in
//! memory, numbering its answers `SIM-…`. `anju simulate` serves it over
//! the documented wire protocol; tests call it directly. A party listed in
//! `down` answers nothing, so an outage can be rehearsed.

use super::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A person the registers know by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id_card: IdCardNo,
    pub name: String,
}

/// A marriage in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Couple {
    pub one: Person,
    pub other: Person,
    pub married_on: Date,
    pub certificate_no: String,
}

/// What the simulated registries hold.
#[derive(Debug, Clone)]
pub struct RegistryData {
    pub homes: Vec<(IdCardNo, Home)>,
    pub couples: Vec<Couple>,
    /// (child, parent).
    pub parents: Vec<(IdCardNo, IdCardNo)>,
    pub credit: Vec<(IdCardNo, CreditGrade)>,
    /// The grade of a person the bureau has no special record of.
    pub default_credit: CreditGrade,
    pub hpf_loans: Vec<(IdCardNo, OutstandingLoan)>,
    pub licences: Vec<Licence>,
    /// Certificates other centres issued (异地缴存使用证明).
    pub certificates: Vec<RemoteContribution>,
    /// Parties that do not answer.
    pub down: Vec<Party>,
}

impl Default for RegistryData {
    fn default() -> Self {
        RegistryData {
            homes: Vec::new(),
            couples: Vec::new(),
            parents: Vec::new(),
            credit: Vec::new(),
            default_credit: CreditGrade::A,
            hpf_loans: Vec::new(),
            licences: Vec::new(),
            certificates: Vec::new(),
            down: Vec::new(),
        }
    }
}

/// The simulator itself; its data can be changed while it runs (a test
/// registers a home, or takes a party down).
#[derive(Debug)]
pub struct SimulatedRegistries {
    data: Mutex<RegistryData>,
    answers: AtomicU64,
}

impl SimulatedRegistries {
    pub fn new(data: RegistryData) -> Self {
        SimulatedRegistries {
            data: Mutex::new(data),
            answers: AtomicU64::new(0),
        }
    }

    /// Changes the data in place (takes a party down, adds a home …).
    pub fn update(&self, change: impl FnOnce(&mut RegistryData)) {
        let mut data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        change(&mut data);
    }

    /// Whether `party` is taken down.
    pub fn is_down(&self, party: Party) -> bool {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        data.down.contains(&party)
    }

    /// Reads the data under its lock, refusing if `party` is down.
    fn ask<T>(&self, party: Party, read: impl FnOnce(&RegistryData) -> T) -> Lookup<(T, String)> {
        let data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        if data.down.contains(&party) {
            return Err(Unavailable {
                party,
                why: "模拟停机".to_string(),
            });
        }
        let n = self.answers.fetch_add(1, Ordering::Relaxed) + 1;
        let reference = format!("SIM-{}-{n:06}", party.code().to_uppercase());
        Ok((read(&data), reference))
    }
}

fn spouse_of(couple: &Couple, id_card: &IdCardNo) -> Option<Spouse> {
    let other = if &couple.one.id_card == id_card {
        &couple.other
    } else if &couple.other.id_card == id_card {
        &couple.one
    } else {
        return None;
    };
    Some(Spouse {
        id_card: other.id_card.clone(),
        name: other.name.clone(),
        married_on: couple.married_on,
        certificate_no: couple.certificate_no.clone(),
    })
}

fn relation_in(data: &RegistryData, of: &IdCardNo, other: &IdCardNo) -> Relation {
    let married = data
        .couples
        .iter()
        .filter_map(|c| spouse_of(c, of))
        .any(|s| &s.id_card == other);
    if married {
        Relation::Spouse
    } else if data.parents.iter().any(|(c, p)| c == of && p == other) {
        Relation::Parent
    } else if data.parents.iter().any(|(c, p)| c == other && p == of) {
        Relation::Child
    } else {
        Relation::None
    }
}

#[async_trait]
impl HousingRegistry for SimulatedRegistries {
    async fn homes(&self, id_card: &IdCardNo) -> Lookup<HomesAnswer> {
        let (homes, reference) = self.ask(Party::Housing, |data| {
            data.homes
                .iter()
                .filter(|(owner, _)| owner == id_card)
                .map(|(_, home)| home.clone())
                .collect()
        })?;
        Ok(HomesAnswer { homes, reference })
    }
}

#[async_trait]
impl CivilAffairs for SimulatedRegistries {
    async fn marriage(&self, id_card: &IdCardNo) -> Lookup<MarriageAnswer> {
        let (spouse, reference) = self.ask(Party::CivilAffairs, |data| {
            data.couples.iter().find_map(|c| spouse_of(c, id_card))
        })?;
        Ok(MarriageAnswer { spouse, reference })
    }

    async fn relation(&self, of: &IdCardNo, other: &IdCardNo) -> Lookup<RelationAnswer> {
        let (relation, reference) =
            self.ask(Party::CivilAffairs, |data| relation_in(data, of, other))?;
        Ok(RelationAnswer {
            relation,
            reference,
        })
    }
}

#[async_trait]
impl CreditBureau for SimulatedRegistries {
    async fn grade(&self, id_card: &IdCardNo) -> Lookup<CreditAnswer> {
        let (grade, reference) = self.ask(Party::Credit, |data| {
            data.credit
                .iter()
                .find(|(who, _)| who == id_card)
                .map_or(data.default_credit, |(_, grade)| *grade)
        })?;
        Ok(CreditAnswer { grade, reference })
    }
}

#[async_trait]
impl HpfLoanData for SimulatedRegistries {
    async fn outstanding(&self, id_card: &IdCardNo) -> Lookup<HpfLoansAnswer> {
        let (loans, reference) = self.ask(Party::HpfLoans, |data| {
            data.hpf_loans
                .iter()
                .filter(|(who, _)| who == id_card)
                .map(|(_, loan)| loan.clone())
                .collect()
        })?;
        Ok(HpfLoansAnswer { loans, reference })
    }
}

#[async_trait]
impl LicenceLibrary for SimulatedRegistries {
    async fn licence(&self, kind: LicenceKind, licence_no: &str) -> Lookup<LicenceAnswer> {
        let (licence, reference) = self.ask(Party::Licences, |data| {
            data.licences
                .iter()
                .find(|l| l.kind == kind && l.licence_no == licence_no)
                .cloned()
        })?;
        Ok(LicenceAnswer { licence, reference })
    }
}

#[async_trait]
impl CentreCertificates for SimulatedRegistries {
    async fn certificate(&self, certificate_no: &str) -> Lookup<CertificateAnswer> {
        let (certificate, reference) = self.ask(Party::Centres, |data| {
            data.certificates
                .iter()
                .find(|c| c.certificate_no == certificate_no)
                .cloned()
        })?;
        Ok(CertificateAnswer {
            certificate,
            reference,
        })
    }
}
