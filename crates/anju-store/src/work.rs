//! Storage of work items (办件): each timed piece of work with the day it
//! was accepted, the day its promise falls due and the day it completed.
//! Written by the use cases that accept and decide the work; read for the
//! service times and the console's overdue list.

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::service_times::{WorkItem, WorkKind};
use async_trait::async_trait;

#[async_trait]
pub trait WorkStore: Send + Sync {
    /// Records accepted work; nothing changes when it is already recorded
    /// (a retried acceptance keeps the first record).
    async fn accept_work(&self, item: &WorkItem) -> StoreResult<()>;
    /// Records work completed on `completed_on` (accepting it first when
    /// its acceptance was not recorded); the first completion stands.
    async fn complete_work(&self, item: &WorkItem, completed_on: Date) -> StoreResult<()>;
    /// One item.
    async fn work_item(&self, kind: WorkKind, subject_id: i64) -> StoreResult<Option<WorkItem>>;
    /// Work accepted in `[from, to]` and all work still open, by due day.
    async fn work_items(&self, from: Date, to: Date) -> StoreResult<Vec<WorkItem>>;
}
