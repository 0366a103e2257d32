//! API idempotency: the reply kept for a client's `Idempotency-Key`, so a
//! request sent again is answered the same and done once.

use super::IdempotencyRecord;
use crate::Access;
use crate::AppResult;

impl Access<'_> {
    /// The reply kept for `key` of this user, if the key was used.
    pub async fn idempotency_record(
        self,
        actor_user_id: i64,
        key: &str,
    ) -> AppResult<Option<IdempotencyRecord>> {
        Ok(self
            .access_port()
            .idempotency_record(actor_user_id, key)
            .await?)
    }

    /// Keeps a reply; false when the key was taken meanwhile (the first wins).
    pub async fn save_idempotency_record(self, record: &IdempotencyRecord) -> AppResult<bool> {
        Ok(self.access_port().save_idempotency_record(record).await?)
    }
}
