//! Collection casework around the monthly bill: the employer life cycle and
//! the “一件事” registration messages, staff search, back payments (补缴),
//! bill correction (错缴更正) and hardship reliefs (缓缴/降比例) through
//! maker-checker tasks, the yearly base filing (K05), enforcement cases, and
//! the daily collection job.

mod back_payment;
mod base_filing;
mod correction;
mod documents;
mod employer_life;
mod enforcement;
mod relief;
mod search;

pub use documents::CaseDocument;
pub use employer_life::CompanyRegistered;
pub use enforcement::{CaseStepInput, CollectionDay, REMINDER_DAYS};
pub use relief::ReliefFor;

use crate::AppResult;
use anju_domain::collection::ContributionRates;
use anju_domain::{DomainError, Period, RatePpm};

fn not_found(code: &'static str, what: String) -> crate::AppError {
    DomainError::new(code, what).into()
}

fn period_of(value: i32) -> AppResult<Period> {
    Ok(Period::from_yyyymm(u32::try_from(value).unwrap_or(0))?)
}

fn period_value(period: Period) -> i32 {
    i32::try_from(period.yyyymm()).unwrap_or(0)
}

fn rates_pair(
    employer: Option<RatePpm>,
    member: Option<RatePpm>,
) -> AppResult<Option<ContributionRates>> {
    match (employer, member) {
        (Some(employer), Some(member)) => Ok(Some(ContributionRates { employer, member })),
        _ => Ok(None),
    }
}
