//! The logical schema (tables, columns, nullability, index names) for the
//! parity test against SQLite.

use crate::backend;
use anju_store::{LogicalSchema, StoreResult};
use sqlx::{PgPool, Row};

/// The logical schema of the current schema, for the parity test. Primary-key
/// indexes are left out: SQLite keeps those inside the table.
pub(crate) async fn logical_schema(pool: &PgPool) -> StoreResult<LogicalSchema> {
    let mut schema = LogicalSchema::default();
    let columns = sqlx::query(
        "SELECT table_name::TEXT, column_name::TEXT, is_nullable = 'YES' FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' \
         ORDER BY table_name, column_name",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    for c in &columns {
        schema
            .tables
            .entry(c.get::<String, _>(0))
            .or_default()
            .push((c.get(1), c.get(2)));
    }
    for cols in schema.tables.values_mut() {
        cols.sort();
    }
    schema.indexes = sqlx::query_scalar(
        "SELECT indexname::TEXT FROM pg_indexes WHERE schemaname = current_schema() \
         AND indexname NOT LIKE '%\\_pkey' AND tablename NOT LIKE '\\_sqlx%' ORDER BY indexname",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    Ok(schema)
}
