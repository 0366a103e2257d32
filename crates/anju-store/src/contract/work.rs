//! Contract cases for work items: an acceptance is kept once (a retry
//! keeps the first promise), the first completion stands, a completion
//! without a recorded acceptance records both, and the list holds the
//! window's work and all open work.

use super::BoxFuture;
use super::cases::d;
use crate::Store;
use anju_domain::service_times::{WorkItem, WorkKind};
use std::sync::Arc;

fn item(kind: WorkKind, id: i64, accepted: &str, due: &str) -> WorkItem {
    WorkItem {
        kind,
        subject_id: id,
        accepted_on: d(accepted),
        due_on: d(due),
        completed_on: None,
    }
}

pub fn work_is_accepted_once_and_completed_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let first = item(WorkKind::Withdrawal, 7, "2026-12-01", "2026-12-04");
        store.accept_work(&first).await.expect("accept");
        let retried = item(WorkKind::Withdrawal, 7, "2026-12-02", "2026-12-07");
        store.accept_work(&retried).await.expect("again");
        let kept = store
            .work_item(WorkKind::Withdrawal, 7)
            .await
            .expect("read");
        assert_eq!(kept, Some(first), "the first promise stands");

        store
            .complete_work(&retried, d("2026-12-03"))
            .await
            .expect("complete");
        store
            .complete_work(&retried, d("2026-12-09"))
            .await
            .expect("complete again");
        let done = store
            .work_item(WorkKind::Withdrawal, 7)
            .await
            .expect("read");
        assert_eq!(
            done.map(|i| (i.accepted_on, i.due_on, i.completed_on)),
            Some((d("2026-12-01"), d("2026-12-04"), Some(d("2026-12-03")))),
            "accepted as first recorded, completed once"
        );

        // The same id of another kind is other work; completed without a
        // recorded acceptance, it is recorded whole.
        let loan = item(WorkKind::Loan, 7, "2026-11-02", "2026-11-20");
        store
            .complete_work(&loan, d("2026-11-30"))
            .await
            .expect("loan");
        let open_old = item(WorkKind::Complaint, 3, "2026-06-01", "2026-06-08");
        store.accept_work(&open_old).await.expect("old open");
        let closed_old = item(WorkKind::Relief, 4, "2026-06-01", "2026-06-08");
        store
            .complete_work(&closed_old, d("2026-06-05"))
            .await
            .expect("old closed");

        let listed = store
            .work_items(d("2026-11-01"), d("2026-12-07"))
            .await
            .expect("list");
        let keys: Vec<(WorkKind, i64)> = listed.iter().map(|i| (i.kind, i.subject_id)).collect();
        assert_eq!(
            keys,
            [
                (WorkKind::Complaint, 3),
                (WorkKind::Loan, 7),
                (WorkKind::Withdrawal, 7)
            ],
            "by due day: open work from before the window, then the window's"
        );
        assert_eq!(listed[1].completed_on, Some(d("2026-11-30")));
    })
}
