//! The registries' wire format: JSON bodies, one `POST` per question, every
//! answer with the registry's reference number. Dates are `YYYY-MM-DD`,
//! money is whole fen. Kept apart from the app's types so that the format
//! changes only on purpose (see `docs/registries.md`).

use serde::{Deserialize, Serialize};

/// Set on every answer of the simulator, so a client can tell it is not
/// talking to a real registry.
pub const SIMULATOR_HEADER: &str = "x-anju-simulator";
/// The centre asking, on every request (the registries log who asked).
pub const CENTRE_HEADER: &str = "x-anju-centre";

pub const HOMES: &str = "/v1/housing/homes";
pub const MARRIAGE: &str = "/v1/civil/marriage";
pub const RELATION: &str = "/v1/civil/relation";
pub const CREDIT: &str = "/v1/credit/grade";
pub const HPF_LOANS: &str = "/v1/hpf-loans/outstanding";
pub const LICENCE: &str = "/v1/licences/lookup";
pub const CERTIFICATE: &str = "/v1/centres/certificate";
pub const HEALTH: &str = "/v1/health";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PersonQuery {
    pub id_card: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RelationQuery {
    pub id_card: String,
    pub other_id_card: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LicenceQuery {
    pub kind: String,
    pub licence_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WireHome {
    pub certificate_no: String,
    pub address: String,
    pub registered_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HomesReply {
    pub reference: String,
    pub homes: Vec<WireHome>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WireSpouse {
    pub id_card: String,
    pub name: String,
    pub married_on: String,
    pub certificate_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct MarriageReply {
    pub reference: String,
    pub spouse: Option<WireSpouse>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RelationReply {
    pub reference: String,
    /// `spouse`, `parent`, `child` or `none`: how the other stands to the first.
    pub relation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CreditReply {
    pub reference: String,
    /// `A` … `D`.
    pub grade: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WireLoan {
    pub centre: String,
    pub loan_no: String,
    pub principal_fen: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LoansReply {
    pub reference: String,
    pub loans: Vec<WireLoan>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WireLicence {
    pub kind: String,
    pub licence_no: String,
    pub holder_id_card: String,
    pub issued_on: String,
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LicenceReply {
    pub reference: String,
    pub licence: Option<WireLicence>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateQuery {
    pub certificate_no: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct WireCertificate {
    pub certificate_no: String,
    pub centre: String,
    pub holder_id_card: String,
    pub holder_name: String,
    /// 缴存基数 at the issuing centre.
    pub base_fen: i64,
    pub balance_fen: i64,
    pub months: i64,
    pub issued_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CertificateReply {
    pub reference: String,
    pub certificate: Option<WireCertificate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct HealthReply {
    pub simulator: bool,
    /// The parties answering now (a simulator's `down` ones are left out).
    pub parties: Vec<String>,
}

/// Any refusal: the status says which (400 a bad question, 503 the
/// registry is down), `error` says why in Chinese.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorReply {
    pub error: String,
}

// The banks' channels: collection (代收) from an employer or a flexible
// worker, payout (代发) of a withdrawal, and a page of loan deductions
// (代扣), as the bank's front-end takes them.

pub const COLLECT: &str = "/v1/bank/collect";
pub const PAYOUT: &str = "/v1/bank/payout";
pub const DEBIT: &str = "/v1/bank/debit";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CollectOrder {
    /// `bank` or `ecny`.
    pub channel: String,
    pub order_id: i64,
    /// An employer's credit code or a flexible worker's ID number.
    pub payer: String,
    pub amount_fen: i64,
    pub requested_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CollectReply {
    pub reference: String,
    pub amount_fen: i64,
    /// The value date: the day the money reached the fund's account.
    pub paid_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PayoutOrder {
    pub withdrawal_id: i64,
    pub bank_card: String,
    pub payee: String,
    pub amount_fen: i64,
    pub requested_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PayoutReply {
    /// Echoed: the answer must be about the order asked.
    pub withdrawal_id: i64,
    pub amount_fen: i64,
    pub accepted: bool,
    pub reference: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DebitLine {
    /// The bank deduplicates by it: a page sent twice debits once.
    pub reference: String,
    pub bank_card: String,
    pub amount_fen: i64,
    pub value_date: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DebitOrder {
    pub lines: Vec<DebitLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DebitResult {
    pub reference: String,
    pub debited_fen: i64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DebitReply {
    pub results: Vec<DebitResult>,
}

// The message gateway: one message to one recipient on one channel.

pub const SEND: &str = "/v1/messages/send";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendOrder {
    /// `sms`, `wechat` or `email`.
    pub channel: String,
    /// The full address: a mobile number, an openid, an e-mail address.
    pub to: String,
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SendReply {
    /// `sent`, `failed`, or `simulated` (a simulator sent nothing).
    pub status: String,
}
