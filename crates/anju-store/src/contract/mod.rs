//! The contract every backend must pass. A backend's test binary calls
//! [`contract_tests!`](crate::contract_tests) with a factory that returns a fresh,
//! migrated store (or `None` to skip, for PostgreSQL without a URL); each case
//! becomes its own `#[test]`.

mod access;
mod assistant;
mod cases;
mod casework;
mod collection;
mod fund;
mod interest;
mod kpi;
mod loan;
mod outlet;
mod property;
mod quality;
mod reminder;
mod trust;
mod withdrawal;
mod work;

pub use access::*;
pub use assistant::*;
pub use cases::*;
pub use casework::*;
pub use collection::*;
pub use fund::*;
pub use interest::*;
pub use kpi::*;
pub use loan::*;
pub use outlet::*;
pub use property::*;
pub use quality::*;
pub use reminder::*;
pub use trust::*;
pub use withdrawal::*;
pub use work::*;

use crate::Store;
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A fresh store, whatever must live as long as it (a temp dir), and what
/// removes it after a passing case (a PostgreSQL schema).
pub struct Harness {
    pub store: Arc<dyn Store>,
    pub guard: Box<dyn Any + Send>,
    pub cleanup: Option<Cleanup>,
}

pub type Cleanup = Box<dyn FnOnce() -> BoxFuture<()> + Send>;

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
pub type Factory = fn() -> BoxFuture<Option<Harness>>;
pub type Case = fn(Arc<dyn Store>) -> BoxFuture<()>;

/// Removes what the harness made (after a passing case).
pub async fn finish(harness: Harness) {
    if let Some(cleanup) = harness.cleanup {
        cleanup().await;
    }
}

/// Runs one case on a fresh store from `factory`, on a multi-threaded runtime
/// (the concurrency case needs real parallelism).
pub fn run(factory: Factory, case: Case) {
    let runtime = runtime();
    runtime.block_on(async {
        let Some(harness) = factory().await else {
            return;
        };
        case(harness.store.clone()).await;
        // A failing case panics above and leaves its schema to look at.
        finish(harness).await;
    });
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Generates one `#[test]` per contract case for a backend.
#[macro_export]
macro_rules! contract_tests {
    ($factory:path) => {
        $crate::contract_tests!(@cases $factory;
            migrate_is_idempotent,
            posts_and_moves_balances,
            refuses_a_tampered_unbalanced_entry,
            replay_returns_the_first_entry,
            reused_key_with_other_content_is_refused,
            reversal_restores_and_happens_once,
            overdraft_is_refused_and_writes_nothing,
            unknown_member_is_refused,
            opening_an_account_twice_is_refused,
            balances_as_of_a_date_and_movement_paging,
            fault_in_the_middle_of_a_bulk_post_leaves_nothing,
            concurrent_withdrawals_never_overdraw,
            employer_lines_are_listed_newest_first,
            large_bulk_equals_one_by_one,
            baseline_writes_twin_tables_only,
            users_and_login_state,
            partner_tokens,
            sessions_live_and_end,
            audit_trail_search_and_channels,
            tasks_are_decided_once,
            approved_exports_are_released_once,
            idempotency_records_are_first_come,
            messages_reach_inbox_and_outbox,
            employers_and_members_register_once,
            bills_are_monthly_and_paid_once,
            employer_status_filings_and_search,
            reversed_bills_free_the_month_and_reliefs_are_decided_once,
            enforcement_cases_open_once_and_close,
            complaints_move_once_and_are_counted,
            a_hotline_call_is_imported_once_and_becomes_one_complaint,
            a_service_is_rated_once_and_its_rectification_moves_once,
            flexible_agreements_and_deposits,
            interest_runs_start_and_finish_once,
            rechecks_ride_with_postings,
            flexible_members_by_signing_day,
            withdrawals_claim_hold_and_release,
            concurrent_withdrawal_approvals_never_overdraw,
            withdrawal_facts_are_kept_and_verified_once,
            frozen_members_have_nothing_available,
            evidence_holders_are_the_live_users,
            repayment_agreements_are_one_per_member,
            loans_move_once_and_runs_write_a_page,
            co_borrowers_consent_once_before_review,
            gl_day_sums_postings_once,
            collection_year_and_branch_figures,
            loan_flows_for_the_forecast,
            fund_deposits_mature_once_and_inputs_keep_history,
            fund_alerts_open_once_clear_and_acknowledge,
            distributions_are_prepared_then_approved_once,
            withdrawals_by_reason_count_each_posting_once,
            project_principal_is_read_as_at_a_day,
            services_are_counted_by_the_channel_applied_through,
            review_queue_reads_documents_and_applicants_at_once,
            loan_schedules_are_read_at_once,
            log_leaves_are_sequenced_once_into_checkpoints,
            certificates_are_issued_once_and_revoked_once,
            grants_are_kept_revoked_once_and_every_read_recorded,
            conversations_move_once_and_keep_their_messages,
            unanswered_questions_are_counted_once_each,
            a_slot_is_never_booked_beyond_capacity,
            queue_numbers_are_given_once_and_called_in_order,
            reminders_are_claimed_once_and_counted,
            employer_reminders_are_claimed_once_and_counted,
            work_is_accepted_once_and_completed_once,
        );
        #[test]
        fn bulk_equals_one_by_one_and_matches_reference() {
            $crate::contract::bulk_equals_one_by_one($factory);
        }
    };
    (@cases $factory:path; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                $crate::contract::run($factory, $crate::contract::$case);
            }
        )*
    };
}

/// A rate for a test record (the cases only use valid ones).
pub fn ppm(ppm: i64) -> anju_domain::RatePpm {
    anju_domain::RatePpm::new(ppm).expect("a valid rate")
}
