//! The logical schema (tables, columns, nullability, index names) for the
//! parity test against PostgreSQL.

use crate::backend;
use anju_store::{LogicalSchema, StoreResult};
use sqlx::{Row, SqlitePool};

pub(crate) async fn logical_schema(pool: &SqlitePool) -> StoreResult<LogicalSchema> {
    let mut schema = LogicalSchema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '\\_sqlx%' ESCAPE '\\' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    for table in tables {
        let columns =
            sqlx::query("SELECT name, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
        let mut cols: Vec<(String, bool)> = columns
            .iter()
            .map(|c| {
                (
                    c.get::<String, _>(0),
                    c.get::<i64, _>(1) == 0 && c.get::<i64, _>(2) == 0,
                )
            })
            .collect();
        cols.sort();
        schema.tables.insert(table, cols);
    }
    schema.indexes = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    Ok(schema)
}
