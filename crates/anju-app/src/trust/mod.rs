//! Trust (可信, `docs/trust.md`): the centre's signing keys, the
//! transparency log every audit row, certificate and revocation goes into,
//! and the e-certificates (电子证明) anyone can check.

pub mod certificates;
mod keys;
pub mod log;

pub use anju_store::{CertificateRecord, CheckpointRecord, LeafRecord, RevocationRecord};
pub use certificates::{CertificateStatus, CertificateView};
pub use keys::KeyRing;
pub use log::{InclusionProof, LogCheck};
