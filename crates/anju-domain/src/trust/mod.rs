//! Trust (可信): what lets anyone check the centre's records without
//! trusting the centre. `merkle` holds the transparency log's tree (RFC
//! 6962/9162): the roots the log signs, and the inclusion and consistency
//! proofs a verifier checks offline; `log` its entries, frontier and signed
//! checkpoints; `keys` the published key set; `certificate` the e-certificate
//! files and their offline check; `grant` a member's data grants;
//! `blacklist` the signed entries centres share.

pub mod blacklist;
pub mod certificate;
pub mod grant;
pub mod keys;
pub mod log;
pub mod merkle;
