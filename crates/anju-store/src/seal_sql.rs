//! The sealing step every writable open runs after the migrations: a
//! database written before personal data was sealed has every sealed column
//! sealed and indexed, and after a key rotation every sealed value is
//! re-sealed under the current key (blind indexes stay: their key does not
//! rotate). `personal_seal` remembers the key the database is sealed under
//! and the key its indexes were made with; a key file that lacks the one or
//! would give another index is refused, so a wrong or freshly made key file
//! cannot hide data or make lookups miss.

use crate::seal::{PersonalSeal, field, kind, text_row};
use crate::sql::{Conn, DbRow, Dialect, backend};
use crate::{StoreError, StoreResult};

/// Rows read a statement while re-sealing.
const ROWS_PER_PAGE: i64 = 5_000;
/// Rows written a statement (at most 6 parameters a row: well inside
/// SQLite's 32,766).
const ROWS_PER_UPDATE: usize = 1_000;

/// A table with sealed columns, keyed by one integer column.
struct SealedTable {
    table: &'static str,
    key: &'static str,
    /// Each sealed column, with its blind index column and kind if looked up.
    columns: &'static [(&'static str, Option<(&'static str, &'static str)>)],
}

/// Every sealed column but the blacklist's (keyed by two columns, below).
const SEALED: &[SealedTable] = &[
    SealedTable {
        table: "member",
        key: "member_id",
        columns: &[
            ("id_card", Some(("id_card_bidx", kind::ID_CARD))),
            ("name", Some(("name_bidx", kind::NAME))),
        ],
    },
    SealedTable {
        table: "app_user",
        key: "user_id",
        columns: &[
            ("login", Some(("login_bidx", kind::LOGIN))),
            ("display_name", None),
            ("mobile", None),
            ("email", None),
        ],
    },
    SealedTable {
        table: "withdrawal",
        key: "withdrawal_id",
        columns: &[("applicant", None), ("bank_card", None)],
    },
    SealedTable {
        table: "outbox_delivery",
        key: "delivery_id",
        columns: &[("address", None)],
    },
    SealedTable {
        table: "complaint",
        key: "complaint_id",
        columns: &[("complainant", None), ("contact", None)],
    },
    SealedTable {
        table: "flexible_agreement",
        key: "member_id",
        columns: &[("mobile", None)],
    },
    SealedTable {
        table: "repayment_agreement",
        key: "agreement_id",
        columns: &[("bank_card", None)],
    },
    SealedTable {
        table: "data_grant",
        key: "grant_id",
        columns: &[("grantee_name", None)],
    },
    SealedTable {
        table: "certificate",
        key: "certificate_id",
        columns: &[("body", None)],
    },
    SealedTable {
        table: "assistant_message",
        key: "message_id",
        columns: &[("text", None)],
    },
    SealedTable {
        table: "loan",
        key: "loan_id",
        columns: &[
            ("applicant", None),
            ("property_address", None),
            ("seller_name", None),
            ("seller_account", None),
            ("repay_card", None),
        ],
    },
];

/// Every sealed column, as `(table, column)`.
pub fn sealed_columns() -> impl Iterator<Item = (&'static str, &'static str)> {
    SEALED
        .iter()
        .flat_map(|t| t.columns.iter().map(|(c, _)| (t.table, *c)))
        .chain([
            ("blacklist", "id_card"),
            ("hotline_call", "caller"),
            ("withdrawal_document", "file_name"),
        ])
}

/// What `personal_seal` says: the key the database is sealed under and the
/// key its blind indexes were made with (both empty: never sealed).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SealMarker {
    pub key_id: String,
    pub index_key_id: String,
    /// Which set of sealed columns the values are sealed over ([`SCOPE`]).
    pub scope: i64,
}

/// The set of sealed columns this build seals: 2 adds `hotline_call.caller`
/// to the first set, 3 the uploaded documents (`withdrawal_document`'s
/// `file_name` and `content`). A database recorded at a lower scope has the
/// added columns in clear until its next writable open seals them.
pub const SCOPE: i64 = 3;

const MARKER: &str = "SELECT key_id, index_key_id, scope FROM personal_seal WHERE singleton = 1";

/// The database's marker, refused when the key file cannot open what it
/// holds or would index it differently.
pub async fn check_key<S>(s: &S) -> StoreResult<SealMarker>
where
    S: Dialect,
    for<'c> &'c sqlx::Pool<S::Db>: sqlx::Executor<'c, Database = S::Db>,
    SealMarker: for<'r> sqlx::FromRow<'r, DbRow<S>>,
{
    let marker: SealMarker = sqlx::query_as(MARKER)
        .fetch_one(s.reader())
        .await
        .map_err(backend)?;
    held(s.seal(), &marker)?;
    Ok(marker)
}

fn held(seal: &PersonalSeal, marker: &SealMarker) -> StoreResult<()> {
    if !marker.key_id.is_empty() && !seal.holds(&marker.key_id) {
        return Err(StoreError::rejected(
            "PERSONAL_KEY_MISSING",
            format!(
                "数据库中的个人信息以密钥 {} 加密，但个人信息密钥文件中没有该密钥（当前密钥 {}）：请使用该数据库的密钥文件",
                marker.key_id,
                seal.current_id()
            ),
        ));
    }
    if !marker.index_key_id.is_empty() && marker.index_key_id != seal.index_id() {
        return Err(StoreError::rejected(
            "PERSONAL_KEY_MISSING",
            format!(
                "数据库的检索索引由密钥 {} 生成，而个人信息密钥文件的最后一行是密钥 {}：该密钥须留在文件最后一行",
                marker.index_key_id,
                seal.index_id()
            ),
        ));
    }
    Ok(())
}

/// A hot standby is sealed by its primary; one whose primary has not yet
/// sealed what it holds would show clear values as damaged, so it is refused.
pub async fn check_standby<S>(s: &S) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c sqlx::Pool<S::Db>: sqlx::Executor<'c, Database = S::Db>,
    SealMarker: for<'r> sqlx::FromRow<'r, DbRow<S>>,
{
    if check_key(s).await?.key_id.is_empty() {
        return Err(StoreError::Backend(
            "the primary has not sealed its personal data yet: open it once with its key file"
                .to_string(),
        ));
    }
    Ok(())
}

/// Seals what is in clear and re-seals what an older key sealed, in one
/// transaction with the marker: a crash leaves all of it as it was.
pub async fn seal_personal_data<S>(s: &S) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c sqlx::Pool<S::Db>: sqlx::Executor<'c, Database = S::Db>,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    SealMarker: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    BlacklistSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    CallerSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    DocumentSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    for<'a> i32: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> Vec<u8>: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    usize: sqlx::ColumnIndex<DbRow<S>>,
    for<'a> i64: sqlx::Encode<'a, S::Db> + sqlx::Decode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> String: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> Option<String>: sqlx::Encode<'a, S::Db> + sqlx::Decode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> S::Date: sqlx::Encode<'a, S::Db>,
{
    let current = SealMarker {
        key_id: s.seal().current_id().to_string(),
        index_key_id: s.seal().index_id().to_string(),
        scope: SCOPE,
    };
    if check_key(s).await? == current {
        return Ok(());
    }
    let mut tx = s.writer().begin().await.map_err(backend)?;
    // The first statement writes, so two processes opening one database
    // take turns (SQLite's write lock, PostgreSQL's row lock).
    sqlx::query("UPDATE personal_seal SET key_id = key_id WHERE singleton = 1")
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    let marker: SealMarker = sqlx::query_as(MARKER)
        .fetch_one(&mut *tx)
        .await
        .map_err(backend)?;
    if marker != current {
        held(s.seal(), &marker)?;
        let in_clear = marker.key_id.is_empty();
        let rotated = marker.key_id != current.key_id;
        if rotated {
            for t in SEALED {
                reseal_table::<S>(&mut tx, s.seal(), t, in_clear).await?;
            }
            blacklist::<S>(&mut tx, s.seal(), in_clear).await?;
        }
        // Callers joined the sealed columns at scope 2, documents at 3:
        // in clear before.
        let callers_in_clear = in_clear || marker.scope < 2;
        if rotated || callers_in_clear {
            hotline_callers::<S>(&mut tx, s.seal(), callers_in_clear).await?;
        }
        let documents_in_clear = in_clear || marker.scope < 3;
        if rotated || documents_in_clear {
            withdrawal_documents::<S>(&mut tx, s.seal(), documents_in_clear).await?;
        }
        sqlx::query(
            "UPDATE personal_seal SET key_id = $1, index_key_id = $2, scope = $3 \
             WHERE singleton = 1",
        )
        .bind(current.key_id)
        .bind(current.index_key_id)
        .bind(current.scope)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    }
    tx.commit().await.map_err(backend)
}

/// A value as it stands: in clear when the database was never sealed.
fn plain(
    seal: &PersonalSeal,
    in_clear: bool,
    at: crate::seal::Field,
    stored: &str,
) -> StoreResult<String> {
    if in_clear {
        Ok(stored.to_string())
    } else {
        seal.open(at, stored)
    }
}

async fn reseal_table<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    seal: &PersonalSeal,
    t: &SealedTable,
    in_clear: bool,
) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<DbRow<S>>,
    for<'a> i64: sqlx::Encode<'a, S::Db> + sqlx::Decode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> Option<String>: sqlx::Encode<'a, S::Db> + sqlx::Decode<'a, S::Db> + sqlx::Type<S::Db>,
{
    use sqlx::Row as _;
    let names: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    let select = format!(
        "SELECT {key}, {cols} FROM {table} WHERE {key} > $1 ORDER BY {key} LIMIT $2",
        key = t.key,
        cols = names.join(", "),
        table = t.table
    );
    // A rotation leaves the blind indexes as they are (the index key does
    // not rotate): only rows sealed from clear get theirs.
    let mut targets: Vec<&str> = Vec::new();
    for (column, index) in t.columns {
        targets.push(column);
        if let (Some((index_column, _)), true) = (index, in_clear) {
            targets.push(index_column);
        }
    }
    // One statement per chunk of rows: `WITH v(…) AS (VALUES …) UPDATE …
    // FROM v`, which both engines take.
    let head = format!("WITH v(k, {}) AS (", targets.join(", "));
    let tail = format!(
        ") UPDATE {table} SET {sets} FROM v WHERE {table}.{key} = v.k",
        table = t.table,
        key = t.key,
        sets = targets
            .iter()
            .map(|c| format!("{c} = v.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut after = i64::MIN;
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(select.clone()))
            .bind(after)
            .bind(ROWS_PER_PAGE)
            .fetch_all(&mut **tx)
            .await
            .map_err(backend)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get(0).map_err(backend)?;
        let mut resealed: Vec<(i64, Vec<Option<String>>)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let key: i64 = row.try_get(0).map_err(backend)?;
            let mut values = Vec::with_capacity(targets.len());
            for (i, (column, index)) in t.columns.iter().enumerate() {
                let at = field(t.table, column, key);
                let stored: Option<String> = row.try_get(i + 1).map_err(backend)?;
                let value = stored.map(|v| plain(seal, in_clear, at, &v)).transpose()?;
                values.push(seal.seal_opt(at, value.as_deref()));
                if let (Some((_, kind)), true) = (index, in_clear) {
                    values.push(value.map(|v| seal.index(kind, &v)));
                }
            }
            resealed.push((key, values));
        }
        for chunk in resealed.chunks(ROWS_PER_UPDATE) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new(&head);
            q.push_values(chunk, |mut b, (key, values)| {
                b.push_bind(*key);
                for v in values {
                    b.push_bind(v.clone());
                }
            });
            q.push(&tail);
            q.build().execute(&mut **tx).await.map_err(backend)?;
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct BlacklistSealRow {
    id_card: String,
    listed_on: String,
}

/// Blacklist entries are sealed as one row: an entry is signed over its ID
/// number, so one moved onto another entry fails its signature check.
pub const BLACKLIST_ROW: i64 = 0;

/// The blacklist is keyed by ID number and day, and small (hundreds of
/// entries): read whole, each row updated by its old value.
async fn blacklist<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    seal: &PersonalSeal,
    in_clear: bool,
) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    BlacklistSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    for<'a> String: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> S::Date: sqlx::Encode<'a, S::Db>,
{
    let rows: Vec<BlacklistSealRow> =
        sqlx::query_as("SELECT id_card, CAST(listed_on AS TEXT) AS listed_on FROM blacklist")
            .fetch_all(&mut **tx)
            .await
            .map_err(backend)?;
    for r in &rows {
        let at = field("blacklist", "id_card", BLACKLIST_ROW);
        let id_card = plain(seal, in_clear, at, &r.id_card)?;
        let listed_on = crate::rows::stored_date(&r.listed_on)?;
        sqlx::query(
            "UPDATE blacklist SET id_card = $1, id_card_bidx = $2 WHERE id_card = $3 AND listed_on = $4",
        )
        .bind(seal.seal(at, &id_card))
        .bind(seal.index(kind::ID_CARD, &id_card))
        .bind(r.id_card.clone())
        .bind(S::day(listed_on))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct CallerSealRow {
    call_id: String,
    caller: String,
}

/// `hotline_call.caller` of the call `call_id` (the 12329 platform's id).
pub fn caller_field(call_id: &str) -> crate::seal::Field {
    field("hotline_call", "caller", text_row(call_id))
}

/// The 12329 callers' numbers, page by page in call-id order (the table is
/// keyed by the platform's id, text), each page written back 1,000 rows a
/// statement.
async fn hotline_callers<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    seal: &PersonalSeal,
    in_clear: bool,
) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    CallerSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    for<'a> i64: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> String: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> Option<String>: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
{
    let mut after: Option<String> = None;
    loop {
        let rows: Vec<CallerSealRow> = sqlx::query_as(
            "SELECT call_id, caller FROM hotline_call WHERE ($1 IS NULL OR call_id > $1) \
             ORDER BY call_id LIMIT $2",
        )
        .bind(after.clone())
        .bind(ROWS_PER_PAGE)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some(last.call_id.clone());
        let mut sealed = Vec::with_capacity(rows.len());
        for r in &rows {
            let at = caller_field(&r.call_id);
            let caller = plain(seal, in_clear, at, &r.caller)?;
            sealed.push((r.call_id.clone(), seal.seal(at, &caller)));
        }
        for chunk in sealed.chunks(ROWS_PER_UPDATE) {
            let mut q = sqlx::QueryBuilder::<S::Db>::new("WITH v(k, caller) AS (");
            q.push_values(chunk, |mut b, (call_id, caller)| {
                b.push_bind(call_id.clone());
                b.push_bind(caller.clone());
            });
            q.push(
                ") UPDATE hotline_call SET caller = v.caller FROM v \
                 WHERE hotline_call.call_id = v.k",
            );
            q.build().execute(&mut **tx).await.map_err(backend)?;
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct DocumentSealRow {
    withdrawal_id: i64,
    doc_no: i32,
    file_name: String,
    content: Vec<u8>,
}

/// Documents read a page: each may be a few megabytes of scan.
const DOCUMENTS_PER_PAGE: i64 = 100;

/// The uploaded documents' names and bytes, page by page in key order,
/// each row written back by its key.
async fn withdrawal_documents<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    seal: &PersonalSeal,
    in_clear: bool,
) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    DocumentSealRow: for<'r> sqlx::FromRow<'r, DbRow<S>>,
    for<'a> i64: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> i32: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> String: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
    for<'a> Vec<u8>: sqlx::Encode<'a, S::Db> + sqlx::Type<S::Db>,
{
    use crate::withdrawal_sql::document_field as at;
    let mut after = (i64::MIN, 0);
    loop {
        let rows: Vec<DocumentSealRow> = sqlx::query_as(
            "SELECT withdrawal_id, doc_no, file_name, content FROM withdrawal_document \
             WHERE withdrawal_id > $1 OR (withdrawal_id = $1 AND doc_no > $2) \
             ORDER BY withdrawal_id, doc_no LIMIT $3",
        )
        .bind(after.0)
        .bind(after.1)
        .bind(DOCUMENTS_PER_PAGE)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = (last.withdrawal_id, last.doc_no);
        for r in &rows {
            let (id, no) = (r.withdrawal_id, r.doc_no);
            let name = plain(seal, in_clear, at("file_name", id, no), &r.file_name)?;
            let content = if in_clear {
                r.content.clone()
            } else {
                seal.open_bytes(at("content", id, no), &r.content)?
            };
            sqlx::query(
                "UPDATE withdrawal_document SET file_name = $1, content = $2 \
                 WHERE withdrawal_id = $3 AND doc_no = $4",
            )
            .bind(seal.seal(at("file_name", id, no), &name))
            .bind(seal.seal_bytes(at("content", id, no), &content))
            .bind(id)
            .bind(no)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        }
    }
}
