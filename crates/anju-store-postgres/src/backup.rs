//! What `anju backup` and `anju restore` need from PostgreSQL: a snapshot
//! that `pg_dump --snapshot` copies and whose GL totals are read in the same
//! instant, the schema version, and the databases a restore is placed in.
//! The dump and its restore are PostgreSQL's own tools, run by the binary.

use crate::{PgStore, backend};
use anju_domain::Fen;
use anju_store::{GlBalance, StoreError, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, Postgres};
use std::str::FromStr;

/// An exported snapshot held open: `pg_dump --snapshot=<id>` sees exactly
/// what `schema_version` and `gl` were read from, however many postings land
/// meanwhile. Dropped or released, the snapshot ends.
pub struct Snapshot {
    conn: PoolConnection<Postgres>,
    pub id: String,
    pub schema_version: i64,
    pub gl: Vec<GlBalance>,
}

impl Snapshot {
    /// Ends the read-only transaction that holds the snapshot.
    pub async fn release(mut self) -> StoreResult<()> {
        sqlx::query("ROLLBACK")
            .execute(&mut *self.conn)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

impl PgStore {
    /// Opens a repeatable-read, read-only transaction, exports its snapshot
    /// and reads the schema version and GL totals inside it.
    pub async fn export_snapshot(&self) -> StoreResult<Snapshot> {
        let mut conn = self.pool.acquire().await.map_err(backend)?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *conn)
            .await
            .map_err(backend)?;
        let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&mut *conn)
            .await
            .map_err(backend)?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT gl_code, debit_fen, credit_fen FROM gl_balance ORDER BY gl_code",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(backend)?;
        let gl = rows
            .into_iter()
            .map(|(gl_code, debit, credit)| GlBalance {
                gl_code,
                debit: Fen::new(debit),
                credit: Fen::new(credit),
            })
            .collect();
        Ok(Snapshot {
            conn,
            id,
            schema_version: version.unwrap_or(0),
            gl,
        })
    }

    /// The newest migration this build knows: a backup made by a newer
    /// build is not restored by this one.
    pub fn latest_migration() -> i64 {
        sqlx::migrate!("./migrations")
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// Closes the pool (a restored database is renamed once nothing holds it).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The databases a restore creates, renames and drops, administered from
/// the server's `postgres` database with the URL's credentials.
pub struct Databases {
    admin: PgConnection,
}

/// The database a `postgres://…/<name>` URL names.
pub fn database_name(url: &str) -> StoreResult<String> {
    let options = PgConnectOptions::from_str(url).map_err(backend)?;
    let name = options
        .get_database()
        .ok_or_else(|| StoreError::Backend("the database URL names no database".to_string()))?;
    if name.is_empty() || name.contains('"') || name.contains('\0') {
        return Err(StoreError::Backend(format!("bad database name {name:?}")));
    }
    Ok(name.to_string())
}

impl Databases {
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(backend)?
            .database("postgres");
        let admin = PgConnection::connect_with(&options)
            .await
            .map_err(backend)?;
        Ok(Databases { admin })
    }

    pub async fn exists(&mut self, name: &str) -> StoreResult<bool> {
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
            .bind(name)
            .fetch_optional(&mut self.admin)
            .await
            .map_err(backend)?;
        Ok(found.is_some())
    }

    pub async fn create(&mut self, name: &str) -> StoreResult<()> {
        self.ddl(format!("CREATE DATABASE \"{}\"", checked(name)?))
            .await
    }

    pub async fn drop(&mut self, name: &str) -> StoreResult<()> {
        // FORCE: a failed restore's half-made copy goes even if a session
        // of ours is still attached to it (PostgreSQL 13 and later).
        self.ddl(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            checked(name)?
        ))
        .await
    }

    pub async fn rename(&mut self, from: &str, to: &str) -> StoreResult<()> {
        self.ddl(format!(
            "ALTER DATABASE \"{}\" RENAME TO \"{}\"",
            checked(from)?,
            checked(to)?
        ))
        .await
    }

    async fn ddl(&mut self, sql: String) -> StoreResult<()> {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut self.admin)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// A name that can stand between double quotes in DDL.
fn checked(name: &str) -> StoreResult<&str> {
    if name.is_empty() || name.contains('"') || name.contains('\0') || name.len() > 63 {
        return Err(StoreError::Backend(format!("bad database name {name:?}")));
    }
    Ok(name)
}

/// `url` with its database replaced by `name` (the restore's working copy).
pub fn with_database(url: &str, name: &str) -> StoreResult<String> {
    let (head, tail) = match url.find('?') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let Some(slash) = head.rfind('/').filter(|&at| head[..at].contains("//")) else {
        return Err(StoreError::Backend(
            "the database URL names no database".to_string(),
        ));
    };
    Ok(format!("{}/{}{tail}", &head[..slash], checked(name)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_gets_another_database_and_keeps_its_parameters() {
        assert_eq!(
            with_database(
                "postgres://u:p@h:5432/anju?sslmode=require",
                "anju_restoring"
            )
            .expect("url"),
            "postgres://u:p@h:5432/anju_restoring?sslmode=require"
        );
        assert_eq!(
            with_database("postgres://h/anju", "x").expect("url"),
            "postgres://h/x"
        );
        assert!(with_database("postgres://h/anju", "a\"b").is_err());
        assert_eq!(
            database_name("postgres://h/anju?x=1").expect("name"),
            "anju"
        );
    }
}
