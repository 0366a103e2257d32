//! The dialect the context stores' SQL is written against. Each backend crate
//! implements [`Dialect`] for its store (which pools, how a date is bound,
//! how a row is locked); the SQL of every context (`*_sql` modules) is plain
//! generic code over it, written once for both engines, so the two backends
//! cannot drift apart. Where the engines differ beyond this trait the backend
//! crate keeps its own SQL (bulk posting with `COPY` or multi-row `VALUES`,
//! migrations, the schema listing).
//!
//! Rust does not carry the `where` bounds of a trait to its users, so the
//! generic impls state what they need of the engine: [`Col`] for a Rust type
//! stored in a column, [`Arg`] for a borrowed parameter, and an executor for
//! a connection (see the `impl` headers in the `*_sql` modules).

use crate::{StoreError, StoreResult};
use anju_domain::Date;
use sqlx::{Database, Decode, Encode, IntoArguments, Pool, Type};

/// A Rust type stored in and read from a column of `DB`.
pub trait Col<DB: Database>:
    Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Send
{
}
impl<DB: Database, T> Col<DB> for T where
    T: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Send
{
}

/// A borrowed query parameter (`&str`) of `DB`.
pub trait Arg<'a, DB: Database>: Type<DB> + Encode<'a, DB> + Send {}
impl<'a, DB: Database, T: Type<DB> + Encode<'a, DB> + Send> Arg<'a, DB> for T {}

/// What the shared SQL needs to know of a backend.
pub trait Dialect: Send + Sync + 'static {
    type Db: Database<Arguments: IntoArguments<Self::Db>>;
    /// A date parameter: `DATE` on PostgreSQL, ISO text on SQLite (dates are
    /// read back as text on both, with `CAST(… AS TEXT)`).
    type Date: for<'q> Arg<'q, Self::Db> + Clone + 'static;
    /// Appended to a `SELECT` that reads rows it is about to change:
    /// `FOR UPDATE` on PostgreSQL; SQLite's one writer serialises anyway.
    const ROW_LOCK: &'static str;

    /// The pool for writes (SQLite funnels them through one connection).
    fn writer(&self) -> &Pool<Self::Db>;
    /// The pool for reads that need not see the writer's latest commit.
    fn reader(&self) -> &Pool<Self::Db>;
    /// The centre this database belongs to (stamped on employers and members).
    fn centre_code(&self) -> &str;
    /// The keys personal data is sealed under (`seal`).
    fn seal(&self) -> &crate::PersonalSeal;

    /// Rows a statement changed.
    fn affected(done: &<Self::Db as Database>::QueryResult) -> u64;

    /// A date as this backend binds it.
    fn day(date: Date) -> Self::Date;
}

/// The connection type of a dialect (a transaction derefs to it).
pub type Conn<S> = <<S as Dialect>::Db as Database>::Connection;
/// The row type of a dialect.
pub type DbRow<S> = <<S as Dialect>::Db as Database>::Row;

/// Any driver failure that is not a refusal.
pub fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// True when `e` is a unique-key violation (the caller maps it to a refusal).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Maps a unique-key violation to `code`/`message`, anything else to a
/// backend failure.
pub fn unique_or_backend(
    code: &'static str,
    message: impl Into<String>,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::rejected(code, message)
        } else {
            backend(e)
        }
    }
}

/// A `Vec` of results into a result of a `Vec` (row mapping).
pub fn mapped<R, T>(rows: Vec<R>, map: impl Fn(R) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.into_iter().map(map).collect()
}

/// The rows whose key is one of `keys`: `head` ends in `IN (` and `tail`
/// closes it. One statement per [`IDS_PER_LOOKUP`](crate::collection_sql::IDS_PER_LOOKUP)
/// keys (SQLite binds at most 32,766 parameters a statement); rows come back
/// chunk by chunk, each chunk in the order `tail` asks for.
pub async fn rows_in<'k, S, K, R>(
    pool: &Pool<S::Db>,
    head: &str,
    keys: &[K],
    tail: &str,
) -> StoreResult<Vec<R>>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    K: Clone + Type<S::Db> + Encode<'k, S::Db>,
    R: for<'r> sqlx::FromRow<'r, DbRow<S>> + Send + Unpin,
{
    let mut found = Vec::new();
    for chunk in keys.chunks(crate::collection_sql::IDS_PER_LOOKUP) {
        let mut q = sqlx::QueryBuilder::<S::Db>::new(head);
        let mut list = q.separated(", ");
        for key in chunk {
            list.push_bind(key.clone());
        }
        q.push(tail);
        let rows: Vec<R> = q.build_query_as().fetch_all(pool).await.map_err(backend)?;
        found.extend(rows);
    }
    Ok(found)
}
