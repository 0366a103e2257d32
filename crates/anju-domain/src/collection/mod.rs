//! Collection (归集) rules: contribution bases clamped to the dated limits,
//! rates within the policy's band, and the monthly amount per side, rounded as
//! the policy says (business-rules §1).

mod bill;
mod casework;
mod codes;
mod contribution;
mod enforcement;
mod reconcile;
mod registry;
mod roster_file;

pub use bill::{BillLine, BillableMember, RemittanceBill, due_date};
pub use casework::{
    BackPayRequest, MAX_RELIEF_MONTHS, ReliefApplication, age_on, back_payment_lines,
    charged_per_member, check_flexible_age, deferred_due_date, flexible_minimum, mask_name,
};
pub use codes::*;
pub use contribution::{
    ContributionRates, MonthlyContribution, check_rates, clamp_base, monthly_contribution,
};
pub use enforcement::{StepFact, check_deadline, check_next_step, next_steps, proposed_penalty};
pub use reconcile::{Collected, Reconciliation, parse_reconciliation_file, reconcile};
pub use registry::{EmployerProfile, EmployerRegistration, MemberEnrolment, parse_wage};
pub use roster_file::{
    BaseFile, BaseRow, MAX_ROSTER_ROWS, RosterFile, RosterRow, RowError, parse_back_pay_file,
    parse_base_file, parse_roster_csv, parse_roster_file, parse_roster_xlsx,
};
