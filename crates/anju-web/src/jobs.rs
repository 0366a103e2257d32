//! Long runs started from the staff console: one yearly settlement at a
//! time, run on its own task, with the accounts done so far for the progress
//! bar. The run itself is resumable (see `anju_app::interest`), so a server
//! restart mid-run only means starting it again.

use anju_app::interest::SettlementRun;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The settlement the console last started.
#[derive(Debug, Clone)]
pub struct SettlementJob {
    pub year_end: i32,
    pub total: u64,
    pub started_by: String,
    pub done: Arc<AtomicU64>,
    /// `None` while running; the run or the refusal's message after.
    pub outcome: Option<Result<SettlementRun, String>>,
}

impl SettlementJob {
    pub fn accounts_done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn running(&self) -> bool {
        self.outcome.is_none()
    }
}

/// The one slot for the console's settlement.
#[derive(Debug, Default)]
pub struct SettlementSlot {
    job: Mutex<Option<SettlementJob>>,
}

impl SettlementSlot {
    pub fn current(&self) -> Option<SettlementJob> {
        self.job.lock().ok().and_then(|j| j.clone())
    }

    /// Takes the slot for a new run; `None` while another is running.
    pub fn start(&self, year_end: i32, total: u64, started_by: &str) -> Option<SettlementJob> {
        let mut slot = self.job.lock().ok()?;
        if slot.as_ref().is_some_and(SettlementJob::running) {
            return None;
        }
        let job = SettlementJob {
            year_end,
            total,
            started_by: started_by.to_string(),
            done: Arc::new(AtomicU64::new(0)),
            outcome: None,
        };
        *slot = Some(job.clone());
        Some(job)
    }

    pub fn finish(&self, outcome: Result<SettlementRun, String>) {
        if let Ok(mut slot) = self.job.lock()
            && let Some(job) = slot.as_mut()
        {
            job.outcome = Some(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_run_at_a_time_and_a_finished_one_frees_the_slot() {
        let slot = SettlementSlot::default();
        let job = slot.start(2026, 10, "fin").expect("free");
        assert!(slot.start(2026, 10, "other").is_none(), "busy");
        job.done.store(4, Ordering::Relaxed);
        assert_eq!(slot.current().map(|j| j.accounts_done()), Some(4));
        slot.finish(Err("refused".into()));
        assert!(slot.current().is_some_and(|j| !j.running()));
        assert!(slot.start(2026, 10, "fin").is_some(), "free again");
    }
}
