//! 外部数据: the registries an application's facts come from — the housing
//! (real-estate) registry, civil affairs' marriage and family registers, the
//! credit bureau, the national HPF loan data and the e-licence library.
//!
//! Each is a port: a trait whose every call may fail. A party that does not
//! answer (down, timed out, an answer we cannot read) gives [`Unavailable`],
//! which the use cases treat as "unknown" — never as "no". A deployment wires
//! the HTTP client of `anju-adapters` to the government data exchange; the
//! demo wires the same client to the simulator (`anju simulate`), and tests
//! use [`SimulatedRegistries`] directly. Whichever is wired, every answer
//! carries a reference (查询流水号) that the decision records as its source.

pub mod sim;

pub use sim::{RegistryData, SimulatedRegistries};

use anju_domain::facts::{LicenceKind, Party, Relation};
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;
use anju_domain::{Date, Fen};
use async_trait::async_trait;
use std::sync::Arc;

/// A party gave no usable answer: the fact is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub party: Party,
    pub why: String,
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}暂不可用：{}", self.party.name_zh(), self.why)
    }
}

pub type Lookup<T> = Result<T, Unavailable>;

/// A home registered to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home {
    /// 不动产权证书号.
    pub certificate_no: String,
    pub address: String,
    pub registered_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomesAnswer {
    /// Homes in the city registered to the person today (none = owns none).
    pub homes: Vec<Home>,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spouse {
    pub id_card: IdCardNo,
    pub name: String,
    pub married_on: Date,
    /// 结婚证字号.
    pub certificate_no: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarriageAnswer {
    /// The spouse in a marriage in force, if any.
    pub spouse: Option<Spouse>,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationAnswer {
    /// How the second person stands to the first.
    pub relation: Relation,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditAnswer {
    pub grade: CreditGrade,
    pub reference: String,
}

/// An HPF loan with a balance, at any centre in the country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutstandingLoan {
    pub centre: String,
    pub loan_no: String,
    pub principal: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpfLoansAnswer {
    pub loans: Vec<OutstandingLoan>,
    pub reference: String,
}

/// An e-licence as the library holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub kind: LicenceKind,
    pub licence_no: String,
    pub holder: IdCardNo,
    pub issued_on: Date,
    /// What the licence says beyond its holder (an address, an amount …).
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceAnswer {
    /// `None`: the library holds no such licence.
    pub licence: Option<Licence>,
    pub reference: String,
}

/// A contributing centre's certificate (异地缴存使用证明) for a member who
/// borrows here: who holds it, their balance and their consecutive months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteContribution {
    pub certificate_no: String,
    pub centre: String,
    pub holder: IdCardNo,
    pub holder_name: String,
    /// 缴存基数 there: the base a loan-only account here records.
    pub base: Fen,
    pub balance: Fen,
    /// Consecutive months of full, on-time contributions there.
    pub months: i64,
    pub issued_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateAnswer {
    /// `None`: the centre issued no such certificate.
    pub certificate: Option<RemoteContribution>,
    pub reference: String,
}

/// 不动产登记: the homes registered to a person in the city.
#[async_trait]
pub trait HousingRegistry: Send + Sync {
    async fn homes(&self, id_card: &IdCardNo) -> Lookup<HomesAnswer>;
}

/// 民政: the marriage register and family relations.
#[async_trait]
pub trait CivilAffairs: Send + Sync {
    async fn marriage(&self, id_card: &IdCardNo) -> Lookup<MarriageAnswer>;
    async fn relation(&self, of: &IdCardNo, other: &IdCardNo) -> Lookup<RelationAnswer>;
}

/// 征信: the grade the loan rate adjustment is keyed by.
#[async_trait]
pub trait CreditBureau: Send + Sync {
    async fn grade(&self, id_card: &IdCardNo) -> Lookup<CreditAnswer>;
}

/// The national HPF data platform: outstanding HPF loans anywhere.
#[async_trait]
pub trait HpfLoanData: Send + Sync {
    async fn outstanding(&self, id_card: &IdCardNo) -> Lookup<HpfLoansAnswer>;
}

/// 电子证照库.
#[async_trait]
pub trait LicenceLibrary: Send + Sync {
    async fn licence(&self, kind: LicenceKind, licence_no: &str) -> Lookup<LicenceAnswer>;
}

/// The contributing centres, asked (through the national platform) to
/// confirm a certificate they issued.
#[async_trait]
pub trait CentreCertificates: Send + Sync {
    async fn certificate(&self, certificate_no: &str) -> Lookup<CertificateAnswer>;
}

/// The registries the app asks, and whether they are simulated.
#[derive(Clone)]
pub struct Registries {
    pub housing: Arc<dyn HousingRegistry>,
    pub civil: Arc<dyn CivilAffairs>,
    pub credit: Arc<dyn CreditBureau>,
    pub hpf_loans: Arc<dyn HpfLoanData>,
    pub licences: Arc<dyn LicenceLibrary>,
    pub certificates: Arc<dyn CentreCertificates>,
    /// Set when the answers come from a simulator: every page says so.
    pub simulated: bool,
}

impl Registries {
    /// All five ports answered by one implementation.
    pub fn all<T>(port: Arc<T>, simulated: bool) -> Self
    where
        T: HousingRegistry
            + CivilAffairs
            + CreditBureau
            + HpfLoanData
            + LicenceLibrary
            + CentreCertificates
            + 'static,
    {
        Registries {
            housing: port.clone(),
            civil: port.clone(),
            credit: port.clone(),
            hpf_loans: port.clone(),
            licences: port.clone(),
            certificates: port,
            simulated,
        }
    }

    /// The in-process simulator over `data` (tests; `App::new`'s default).
    pub fn simulated(data: RegistryData) -> Self {
        Registries::all(Arc::new(SimulatedRegistries::new(data)), true)
    }
}
