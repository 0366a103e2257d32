//! Trust (可信, `docs/trust.md`): the centre's signing keys, the
//! transparency log every audit row, certificate and revocation goes into,
//! the e-certificates (电子证明) anyone can check, the member's data grants
//! to partners, and the signed blacklist centres share.

pub mod blacklist;
pub mod certificates;
pub mod grants;
mod keys;
pub mod log;

pub use anju_store::{
    CertificateRecord, CheckpointRecord, GrantRecord, GrantRevocationRecord, LeafRecord,
    ProvisionRecord, RevocationRecord,
};
pub use certificates::{CertificateStatus, CertificateView};
pub use grants::{GrantInput, GrantView, ProvidedData};

/// A refusal of one of trust's use cases, with its stable code.
fn refused(code: &'static str, message: impl Into<String>) -> crate::AppError {
    anju_domain::DomainError::new(code, message).into()
}
pub use keys::KeyRing;
pub use log::{InclusionProof, LogCheck};
