//! The `Store` implementation both backends share: every method delegates to
//! the backend's `post`, `read`, `check` and `schema` modules (same function
//! names in both), so the two impls cannot drift apart. Expanded in each
//! backend crate by [`impl_store!`](crate::impl_store).

/// Implements `Store` for a backend. Expects in the backend crate: modules
/// `post`, `read`, `check`, `schema`; a `backend(e)` error mapper; an `ids`
/// field of type `IdGen`; `$writer` and `$reader` pool fields.
// `crate::` here means the backend crate that expands the macro, on purpose.
#[allow(clippy::crate_in_macro_def)]
#[macro_export]
macro_rules! impl_store {
    ($store:ty, $variant:ident, $writer:ident, $reader:ident) => {
        #[async_trait::async_trait]
        impl $crate::Store for $store {
            fn reserve_ids(&self, count: i64) -> i64 {
                self.ids.reserve(count)
            }

            fn backend(&self) -> $crate::Backend {
                $crate::Backend::$variant
            }

            async fn migrate(&self) -> $crate::StoreResult<()> {
                sqlx::migrate!("./migrations")
                    .run(&self.$writer)
                    .await
                    .map_err(crate::backend)
            }

            async fn ping(&self) -> $crate::StoreResult<()> {
                sqlx::query("SELECT 1")
                    .execute(&self.$reader)
                    .await
                    .map_err(crate::backend)?;
                Ok(())
            }

            async fn open_member_accounts(
                &self,
                accounts: &[(anju_domain::ledger::MemberId, anju_domain::Date)],
            ) -> $crate::StoreResult<()> {
                crate::post::open_member_accounts(self, accounts).await
            }

            async fn member_balance(
                &self,
                member: anju_domain::ledger::MemberId,
            ) -> $crate::StoreResult<Option<anju_domain::ledger::MemberBalance>> {
                crate::read::member_balance(&self.$reader, member).await
            }

            async fn member_balance_as_of(
                &self,
                member: anju_domain::ledger::MemberId,
                date: anju_domain::Date,
            ) -> $crate::StoreResult<anju_domain::Fen> {
                crate::read::member_balance_as_of(&self.$reader, member, date).await
            }

            async fn post_entries(
                &self,
                entries: &[anju_domain::ledger::NewEntry],
                options: &$crate::PostOptions,
            ) -> $crate::StoreResult<Vec<$crate::Posted>> {
                crate::post::post_entries(self, entries, options).await
            }

            async fn entry(
                &self,
                id: anju_domain::ledger::EntryId,
            ) -> $crate::StoreResult<Option<$crate::StoredEntry>> {
                crate::read::entry(&self.$reader, id).await
            }

            async fn gl_balances(&self) -> $crate::StoreResult<Vec<$crate::GlBalance>> {
                crate::read::gl_balances(&self.$reader).await
            }

            async fn gl_net_as_of(
                &self,
                gl_code: &str,
                date: anju_domain::Date,
            ) -> $crate::StoreResult<anju_domain::Fen> {
                crate::read::gl_net_as_of(&self.$reader, gl_code, date).await
            }

            async fn member_movements(
                &self,
                member: anju_domain::ledger::MemberId,
                after: Option<$crate::MovementCursor>,
                limit: u32,
            ) -> $crate::StoreResult<$crate::MovementPage> {
                crate::read::member_movements(&self.$reader, member, after, limit).await
            }

            async fn employer_movements(
                &self,
                employer_id: i64,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::Movement>> {
                crate::read::employer_movements(&self.$reader, employer_id, limit).await
            }

            async fn check_ledger(&self) -> $crate::StoreResult<$crate::LedgerCheck> {
                crate::check::check_ledger(&self.$reader).await
            }

            async fn raw_insert_baseline(
                &self,
                batch: &[anju_domain::ledger::NewEntry],
            ) -> $crate::StoreResult<u64> {
                crate::post::raw_insert_baseline(self, batch).await
            }

            async fn drop_baseline(&self) -> $crate::StoreResult<()> {
                crate::post::drop_baseline(self).await
            }

            async fn logical_schema(&self) -> $crate::StoreResult<$crate::LogicalSchema> {
                crate::schema::logical_schema(&self.$reader).await
            }
        }
    };
}
