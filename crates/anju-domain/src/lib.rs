//! Anju's domain core: the rules of a Housing Provident Fund (住房公积金) as pure
//! functions and types. No I/O, no async, no clock: callers pass the business
//! date in. Money is [`Fen`], rates are [`RatePpm`], every parameter comes from a
//! dated [`policy::Policy`], and every movement of money is a balanced
//! [`ledger::NewEntry`].

pub mod access;
pub mod assistant;
pub mod calendar;
pub mod catalogue;
pub mod codes;
pub mod collection;
pub mod error;
pub mod facts;
pub mod fund;
pub mod ids;
pub mod interest;
pub mod ledger;
pub mod loan;
pub mod money;
pub mod outlets;
pub mod policy;
pub mod quality;
pub mod rate;
pub mod reminders;
pub mod service_times;
#[cfg(test)]
mod test_support;
pub mod trust;
pub mod withdrawal;
pub mod working_days;

pub use calendar::{Date, InterestYear, Period};
pub use codes::Coded;
pub use error::{CODES, CodeInfo, DomainError, DomainResult, ErrorKind, code_info};
pub use money::{Fen, Rounding};
pub use rate::RatePpm;
