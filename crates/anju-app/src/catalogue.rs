//! The service catalogue (服务事项清单) built into the binary
//! (`services/catalogue.toml`): read once, checked by a test, and handed to
//! the hall page, the API and the route check.

use crate::{App, AppResult};
use anju_domain::Date;
use anju_domain::catalogue::{Catalogue, CatalogueEntry, parse_catalogue};
use std::sync::OnceLock;

pub const BUILT_IN_NAME: &str = "services/catalogue.toml (built in)";
pub const BUILT_IN: &str = include_str!("../../../services/catalogue.toml");

/// The built-in catalogue, read on first use.
pub fn built_in() -> AppResult<&'static Catalogue> {
    static READ: OnceLock<anju_domain::DomainResult<Catalogue>> = OnceLock::new();
    let read = READ.get_or_init(|| parse_catalogue(BUILT_IN_NAME, BUILT_IN));
    read.as_ref().map_err(|e| e.clone().into())
}

impl App {
    /// The services in force on `day`, in the catalogue's order.
    pub fn service_catalogue(&self, day: Date) -> AppResult<Vec<CatalogueEntry>> {
        Ok(built_in()?.on(day).into_iter().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anju_domain::catalogue::ServiceCategory;

    #[test]
    fn the_built_in_catalogue_reads_and_covers_every_category() {
        let day = Date::parse("2026-12-07").expect("date");
        let catalogue = built_in().expect("the built-in catalogue reads");
        let now = catalogue.on(day);
        assert!(now.len() >= 20, "{} services", now.len());
        for category in [
            ServiceCategory::Collection,
            ServiceCategory::Withdrawal,
            ServiceCategory::Loan,
            ServiceCategory::General,
        ] {
            assert!(now.iter().any(|e| e.category == category), "{category}");
        }
        let withdrawal = catalogue.for_route("POST /member/withdrawals", day);
        let withdrawal = withdrawal.expect("the withdrawal service");
        assert_eq!(
            (withdrawal.code.as_str(), withdrawal.limit_days),
            ("TQ01", 3)
        );
    }
}
