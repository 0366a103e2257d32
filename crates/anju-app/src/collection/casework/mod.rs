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

impl crate::Collection<'_> {
    /// The unit's contributing members by 身份证号, as a file's rows name them.
    async fn staff_by_id_card(
        self,
        employer_id: i64,
    ) -> AppResult<std::collections::BTreeMap<String, i64>> {
        let staff = self.collection_port().active_members(employer_id).await?;
        Ok(staff
            .into_iter()
            .map(|m| (m.id_card, m.member_id))
            .collect())
    }
}

/// A file's row naming someone who does not contribute through the unit.
fn not_in_employer(row: usize) -> anju_domain::collection::RowError {
    anju_domain::collection::RowError {
        row,
        column: "身份证号".to_string(),
        code: "MEMBER_NOT_IN_EMPLOYER",
        message: "不是本单位正常缴存的职工".to_string(),
    }
}

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
