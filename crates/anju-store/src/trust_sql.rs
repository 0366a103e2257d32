//! Trust's SQL, written once for both engines over
//! [`crate::sql::Dialect`]. Hashes are stored as lowercase hex.

use crate::trust::{
    CertificateRecord, CheckpointRecord, GrantRecord, GrantRevocationRecord, LeafRecord,
    ProvisionRecord, RevocationRecord,
};
use crate::{AuditRecord, StoreError, StoreResult};
use anju_domain::trust::certificate::CertificateKind;
use anju_domain::trust::grant::{parse_scopes, scopes_text};
use anju_domain::trust::keys::{hex, unhex};
use anju_domain::trust::log::LeafKind;
use anju_domain::trust::merkle::Hash;

macro_rules! certificate_columns {
    () => {
        "certificate_id, serial, kind, member_id, subject_ref, \
         CAST(issued_on AS TEXT) AS issued_on, CAST(valid_until AS TEXT) AS valid_until, \
         issued_by, body, signature, key_id"
    };
}

macro_rules! leaf_columns {
    () => {
        "leaf_id, kind, record_id, leaf_hash, logged_at_us, leaf_index"
    };
}

macro_rules! checkpoint_columns {
    () => {
        "tree_size, origin, root_hash, issued_at_us, key_id, signature, frontier"
    };
}

/// Leaves one sequencing statement numbers.
const SEQUENCE_CHUNK: usize = 1_000;

fn corrupt(table: &'static str, column: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        column,
        value: value.to_string(),
    }
}

fn stored_hash(table: &'static str, column: &'static str, text: &str) -> StoreResult<Hash> {
    unhex(text)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| corrupt(table, column, text))
}

fn stored_size(table: &'static str, column: &'static str, value: i64) -> StoreResult<u64> {
    u64::try_from(value).map_err(|_| corrupt(table, column, &value.to_string()))
}

fn bound_size(size: u64) -> StoreResult<i64> {
    i64::try_from(size).map_err(|_| StoreError::Backend(format!("log size {size} out of range")))
}

#[derive(sqlx::FromRow)]
pub struct LeafRow {
    leaf_id: i64,
    kind: String,
    record_id: i64,
    leaf_hash: String,
    logged_at_us: i64,
    leaf_index: Option<i64>,
}

fn leaf_from(r: LeafRow) -> StoreResult<LeafRecord> {
    const T: &str = "log_leaf";
    Ok(LeafRecord {
        leaf_id: r.leaf_id,
        kind: LeafKind::parse(&r.kind).ok_or_else(|| corrupt(T, "kind", &r.kind))?,
        record_id: r.record_id,
        leaf_hash: stored_hash(T, "leaf_hash", &r.leaf_hash)?,
        logged_at_us: r.logged_at_us,
        leaf_index: r
            .leaf_index
            .map(|i| stored_size(T, "leaf_index", i))
            .transpose()?,
    })
}

#[derive(sqlx::FromRow)]
pub struct CheckpointRow {
    tree_size: i64,
    origin: String,
    root_hash: String,
    issued_at_us: i64,
    key_id: String,
    signature: String,
    frontier: String,
}

fn checkpoint_from(r: CheckpointRow) -> StoreResult<CheckpointRecord> {
    const T: &str = "log_checkpoint";
    Ok(CheckpointRecord {
        tree_size: stored_size(T, "tree_size", r.tree_size)?,
        origin: r.origin,
        root_hash: stored_hash(T, "root_hash", &r.root_hash)?,
        issued_at_us: r.issued_at_us,
        key_id: r.key_id,
        signature_hex: r.signature,
        frontier: r.frontier,
    })
}

#[derive(sqlx::FromRow)]
pub struct CertificateRow {
    certificate_id: i64,
    serial: String,
    kind: String,
    member_id: Option<i64>,
    subject_ref: String,
    issued_on: String,
    valid_until: Option<String>,
    issued_by: String,
    body: String,
    signature: String,
    key_id: String,
}

/// A certificate row opened: its body names the member in full, so it is
/// sealed at rest (the signature is over the opened body).
fn certificate_from(
    seal: &crate::PersonalSeal,
    r: CertificateRow,
) -> StoreResult<CertificateRecord> {
    const T: &str = "certificate";
    Ok(CertificateRecord {
        certificate_id: r.certificate_id,
        serial: r.serial,
        kind: CertificateKind::parse(&r.kind).ok_or_else(|| corrupt(T, "kind", &r.kind))?,
        member_id: r.member_id,
        subject_ref: r.subject_ref,
        issued_on: crate::rows::stored_date(&r.issued_on)?,
        valid_until: r
            .valid_until
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()?,
        issued_by: r.issued_by,
        body: seal.open(
            crate::seal::field("certificate", "body", r.certificate_id),
            &r.body,
        )?,
        signature_hex: r.signature,
        key_id: r.key_id,
    })
}

#[derive(sqlx::FromRow)]
pub struct RevocationRow {
    revocation_id: i64,
    serial: String,
    revoked_on: String,
    reason: String,
    revoked_by: String,
}

fn revocation_from(r: RevocationRow) -> StoreResult<RevocationRecord> {
    Ok(RevocationRecord {
        revocation_id: r.revocation_id,
        serial: r.serial,
        revoked_on: crate::rows::stored_date(&r.revoked_on)?,
        reason: r.reason,
        revoked_by: r.revoked_by,
    })
}

macro_rules! grant_columns {
    () => {
        "grant_id, grant_code, member_id, grantee_login, grantee_name, scopes, purpose, \
         CAST(granted_on AS TEXT) AS granted_on, CAST(valid_until AS TEXT) AS valid_until"
    };
}

macro_rules! provision_columns {
    () => {
        "provision_id, grant_id, member_id, grantee_login, scopes, at_us, result, request_id"
    };
}

fn stored_scopes(
    table: &'static str,
    text: &str,
) -> StoreResult<Vec<anju_domain::trust::grant::GrantScope>> {
    parse_scopes(text).map_err(|_| corrupt(table, "scopes", text))
}

#[derive(sqlx::FromRow)]
pub struct GrantRow {
    grant_id: i64,
    grant_code: String,
    member_id: i64,
    grantee_login: String,
    grantee_name: String,
    scopes: String,
    purpose: String,
    granted_on: String,
    valid_until: String,
}

/// A data grant opened: the grantee's name is sealed at rest.
fn grant_from(seal: &crate::PersonalSeal, r: GrantRow) -> StoreResult<GrantRecord> {
    Ok(GrantRecord {
        grant_id: r.grant_id,
        grant_code: r.grant_code,
        member_id: r.member_id,
        grantee_login: r.grantee_login,
        grantee_name: seal.open(
            crate::seal::field("data_grant", "grantee_name", r.grant_id),
            &r.grantee_name,
        )?,
        scopes: stored_scopes("data_grant", &r.scopes)?,
        purpose: r.purpose,
        granted_on: crate::rows::stored_date(&r.granted_on)?,
        valid_until: crate::rows::stored_date(&r.valid_until)?,
    })
}

#[derive(sqlx::FromRow)]
pub struct GrantRevocationRow {
    grant_id: i64,
    revoked_on: String,
    revoked_by: String,
}

#[derive(sqlx::FromRow)]
pub struct ProvisionRow {
    provision_id: i64,
    grant_id: Option<i64>,
    member_id: Option<i64>,
    grantee_login: String,
    scopes: String,
    at_us: i64,
    result: String,
    request_id: String,
}

fn provision_from(r: ProvisionRow) -> StoreResult<ProvisionRecord> {
    Ok(ProvisionRecord {
        provision_id: r.provision_id,
        grant_id: r.grant_id,
        member_id: r.member_id,
        grantee_login: r.grantee_login,
        scopes: stored_scopes("data_provision", &r.scopes)?,
        at_us: r.at_us,
        result: r.result,
        request_id: r.request_id,
    })
}

/// Inserts a leaf inside the caller's transaction.
pub(crate) async fn insert_leaf<S: crate::sql::Dialect>(
    conn: &mut crate::sql::Conn<S>,
    leaf: &LeafRecord,
) -> StoreResult<()>
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    sqlx::query(
        "INSERT INTO log_leaf (leaf_id, kind, record_id, leaf_hash, logged_at_us, leaf_index) \
         VALUES ($1, $2, $3, $4, $5, NULL)",
    )
    .bind(leaf.leaf_id)
    .bind(leaf.kind.code())
    .bind(leaf.record_id)
    .bind(hex(&leaf.leaf_hash))
    .bind(leaf.logged_at_us)
    .execute(&mut *conn)
    .await
    .map_err(crate::sql::unique_or_backend(
        "LOG_LEAF_EXISTS",
        format!("记录 {} {} 已记入日志", leaf.kind.code(), leaf.record_id),
    ))?;
    Ok(())
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::TrustStore for S
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    Option<S::Date>: for<'q> crate::sql::Arg<'q, S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn insert_certificate(
        &self,
        c: &CertificateRecord,
        leaf: &LeafRecord,
    ) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO certificate (certificate_id, serial, kind, member_id, subject_ref, \
             issued_on, valid_until, issued_by, body, signature, key_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(c.certificate_id)
        .bind(c.serial.as_str())
        .bind(c.kind.code())
        .bind(c.member_id)
        .bind(c.subject_ref.as_str())
        .bind(S::day(c.issued_on))
        .bind(c.valid_until.map(S::day))
        .bind(c.issued_by.as_str())
        .bind(self.seal().seal(
            crate::seal::field("certificate", "body", c.certificate_id),
            c.body.as_str(),
        ))
        .bind(c.signature_hex.as_str())
        .bind(c.key_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "CERTIFICATE_EXISTS",
            format!("证明编号 {} 已存在", c.serial),
        ))?;
        insert_leaf::<S>(&mut tx, leaf).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>> {
        let row: Option<CertificateRow> = sqlx::query_as(concat!(
            "SELECT ",
            certificate_columns!(),
            " FROM certificate WHERE serial = $1"
        ))
        .bind(serial)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| certificate_from(self.seal(), r)).transpose()
    }

    async fn member_certificates(&self, member_id: i64) -> StoreResult<Vec<CertificateRecord>> {
        let rows: Vec<CertificateRow> = sqlx::query_as(concat!(
            "SELECT ",
            certificate_columns!(),
            " FROM certificate WHERE member_id = $1 ORDER BY certificate_id DESC"
        ))
        .bind(member_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| certificate_from(self.seal(), r))
    }

    async fn subject_certificates(&self, subject_ref: &str) -> StoreResult<Vec<CertificateRecord>> {
        let rows: Vec<CertificateRow> = sqlx::query_as(concat!(
            "SELECT ",
            certificate_columns!(),
            " FROM certificate WHERE subject_ref = $1 ORDER BY certificate_id DESC"
        ))
        .bind(subject_ref)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| certificate_from(self.seal(), r))
    }

    async fn latest_certificates(&self, limit: u32) -> StoreResult<Vec<CertificateRecord>> {
        let rows: Vec<CertificateRow> = sqlx::query_as(concat!(
            "SELECT ",
            certificate_columns!(),
            " FROM certificate ORDER BY certificate_id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| certificate_from(self.seal(), r))
    }

    async fn certificates_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<CertificateRecord>> {
        let rows: Vec<CertificateRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                certificate_columns!(),
                " FROM certificate WHERE certificate_id IN ("
            ),
            ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, |r| certificate_from(self.seal(), r))
    }

    async fn revoke_certificate(&self, r: &RevocationRecord, leaf: &LeafRecord) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO certificate_revocation (revocation_id, serial, revoked_on, reason, \
             revoked_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.revocation_id)
        .bind(r.serial.as_str())
        .bind(S::day(r.revoked_on))
        .bind(r.reason.as_str())
        .bind(r.revoked_by.as_str())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "CERTIFICATE_REVOKED",
            format!("证明 {} 已撤销", r.serial),
        ))?;
        insert_leaf::<S>(&mut tx, leaf).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn revocation(&self, serial: &str) -> StoreResult<Option<RevocationRecord>> {
        let row: Option<RevocationRow> = sqlx::query_as(
            "SELECT revocation_id, serial, CAST(revoked_on AS TEXT) AS revoked_on, reason, \
             revoked_by FROM certificate_revocation WHERE serial = $1",
        )
        .bind(serial)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(revocation_from).transpose()
    }

    async fn revocations_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<RevocationRecord>> {
        let rows: Vec<RevocationRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT revocation_id, serial, CAST(revoked_on AS TEXT) AS revoked_on, reason, \
             revoked_by FROM certificate_revocation WHERE revocation_id IN (",
            ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, revocation_from)
    }

    async fn audits_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<AuditRecord>> {
        let rows: Vec<crate::access_sql::AuditRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT audit_id, at_us, actor_user_id, actor_login, role, channel, action, target, \
             payload_digest, result, request_id, client_addr FROM audit_log WHERE audit_id IN (",
            ids,
            ")",
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(crate::access_sql::audit_from)
            .collect())
    }

    async fn unsequenced_leaves(&self, limit: u32) -> StoreResult<Vec<LeafRecord>> {
        let rows: Vec<LeafRow> = sqlx::query_as(concat!(
            "SELECT ",
            leaf_columns!(),
            " FROM log_leaf WHERE leaf_index IS NULL \
             ORDER BY leaf_id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, leaf_from)
    }

    async fn append_checkpoint(
        &self,
        previous_size: u64,
        leaf_ids: &[i64],
        c: &CheckpointRecord,
    ) -> StoreResult<bool> {
        if !leaf_ids.windows(2).all(|w| w[0] < w[1]) {
            return Err(StoreError::Backend(
                "append_checkpoint: leaf ids must ascend (the order they were hashed in)".into(),
            ));
        }
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        // Each leaf is sequenced once (a leaf another sequencer took is no
        // longer unsequenced, so fewer rows change) and each index used
        // once (unique index): a race leaves the loser with nothing
        // written. One statement per chunk, the indexes numbered in leaf-id
        // order — the order the caller hashed them in.
        for (k, chunk) in leaf_ids.chunks(SEQUENCE_CHUNK).enumerate() {
            let first = bound_size(previous_size + (k * SEQUENCE_CHUNK) as u64)?;
            let mut q = sqlx::QueryBuilder::<S::Db>::new("UPDATE log_leaf SET leaf_index = ");
            q.push_bind(first);
            q.push(
                " + r.rn - 1 FROM (SELECT leaf_id, ROW_NUMBER() OVER (ORDER BY leaf_id) AS rn \
                 FROM log_leaf WHERE leaf_index IS NULL AND leaf_id IN (",
            );
            let mut ids = q.separated(", ");
            for id in chunk {
                ids.push_bind(*id);
            }
            // The outer test too: PostgreSQL re-checks only this clause on
            // a row another sequencer just took, which then drops out.
            q.push(")) r WHERE log_leaf.leaf_id = r.leaf_id AND log_leaf.leaf_index IS NULL");
            match q.build().execute(&mut *tx).await {
                Ok(done) if S::affected(&done) == chunk.len() as u64 => {}
                Ok(_) => return Ok(false),
                Err(e)
                    if e.as_database_error()
                        .is_some_and(|d| d.is_unique_violation()) =>
                {
                    return Ok(false);
                }
                Err(e) => return Err(crate::sql::backend(e)),
            }
        }
        let inserted = sqlx::query(concat!(
            "INSERT INTO log_checkpoint (",
            checkpoint_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(bound_size(c.tree_size)?)
        .bind(c.origin.as_str())
        .bind(hex(&c.root_hash))
        .bind(c.issued_at_us)
        .bind(c.key_id.as_str())
        .bind(c.signature_hex.as_str())
        .bind(c.frontier.as_str())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e)
                if e.as_database_error()
                    .is_some_and(|d| d.is_unique_violation()) =>
            {
                return Ok(false);
            }
            Err(e) => return Err(crate::sql::backend(e)),
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(true)
    }

    async fn latest_checkpoint(&self) -> StoreResult<Option<CheckpointRecord>> {
        // The writer: the sequencer builds on the very latest.
        let row: Option<CheckpointRow> = sqlx::query_as(concat!(
            "SELECT ",
            checkpoint_columns!(),
            " FROM log_checkpoint ORDER BY tree_size DESC LIMIT 1"
        ))
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(checkpoint_from).transpose()
    }

    async fn checkpoint(&self, tree_size: u64) -> StoreResult<Option<CheckpointRecord>> {
        let row: Option<CheckpointRow> = sqlx::query_as(concat!(
            "SELECT ",
            checkpoint_columns!(),
            " FROM log_checkpoint WHERE tree_size = $1"
        ))
        .bind(bound_size(tree_size)?)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(checkpoint_from).transpose()
    }

    async fn checkpoints_after(
        &self,
        after_size: u64,
        limit: u32,
    ) -> StoreResult<Vec<CheckpointRecord>> {
        let rows: Vec<CheckpointRow> = sqlx::query_as(concat!(
            "SELECT ",
            checkpoint_columns!(),
            " FROM log_checkpoint WHERE tree_size > $1 \
             ORDER BY tree_size LIMIT $2"
        ))
        .bind(bound_size(after_size)?)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, checkpoint_from)
    }

    async fn latest_checkpoints(&self, limit: u32) -> StoreResult<Vec<CheckpointRecord>> {
        let rows: Vec<CheckpointRow> = sqlx::query_as(concat!(
            "SELECT ",
            checkpoint_columns!(),
            " FROM log_checkpoint ORDER BY tree_size DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, checkpoint_from)
    }

    async fn leaves_from(&self, from: u64, limit: u32) -> StoreResult<Vec<LeafRecord>> {
        let rows: Vec<LeafRow> = sqlx::query_as(concat!(
            "SELECT ",
            leaf_columns!(),
            " FROM log_leaf WHERE leaf_index >= $1 \
             ORDER BY leaf_index LIMIT $2"
        ))
        .bind(bound_size(from)?)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, leaf_from)
    }

    async fn leaf_hashes(&self, from: u64, to: u64) -> StoreResult<Vec<Hash>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT leaf_hash FROM log_leaf WHERE leaf_index >= $1 AND leaf_index < $2 \
             ORDER BY leaf_index",
        )
        .bind(bound_size(from)?)
        .bind(bound_size(to)?)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.iter()
            .map(|(h,)| stored_hash("log_leaf", "leaf_hash", h))
            .collect()
    }

    async fn leaf_of(&self, kind: LeafKind, record_id: i64) -> StoreResult<Option<LeafRecord>> {
        let row: Option<LeafRow> = sqlx::query_as(concat!(
            "SELECT ",
            leaf_columns!(),
            " FROM log_leaf WHERE kind = $1 AND record_id = $2"
        ))
        .bind(kind.code())
        .bind(record_id)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(leaf_from).transpose()
    }

    async fn insert_grant(&self, g: &GrantRecord, leaf: &LeafRecord) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO data_grant (grant_id, grant_code, member_id, grantee_login, grantee_name, \
             scopes, purpose, granted_on, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(g.grant_id)
        .bind(g.grant_code.as_str())
        .bind(g.member_id)
        .bind(g.grantee_login.as_str())
        .bind(self.seal().seal(
            crate::seal::field("data_grant", "grantee_name", g.grant_id),
            g.grantee_name.as_str(),
        ))
        .bind(scopes_text(&g.scopes))
        .bind(g.purpose.as_str())
        .bind(S::day(g.granted_on))
        .bind(S::day(g.valid_until))
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "GRANT_EXISTS",
            "授权码已存在",
        ))?;
        insert_leaf::<S>(&mut tx, leaf).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn grant_by_code(&self, grant_code: &str) -> StoreResult<Option<GrantRecord>> {
        let row: Option<GrantRow> = sqlx::query_as(concat!(
            "SELECT ",
            grant_columns!(),
            " FROM data_grant WHERE grant_code = $1"
        ))
        .bind(grant_code)
        .fetch_optional(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        row.map(|r| grant_from(self.seal(), r)).transpose()
    }

    async fn member_grants(&self, member_id: i64) -> StoreResult<Vec<GrantRecord>> {
        let rows: Vec<GrantRow> = sqlx::query_as(concat!(
            "SELECT ",
            grant_columns!(),
            " FROM data_grant WHERE member_id = $1 ORDER BY grant_id DESC"
        ))
        .bind(member_id)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        crate::sql::mapped(rows, |r| grant_from(self.seal(), r))
    }

    async fn grants_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<GrantRecord>> {
        let rows: Vec<GrantRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                grant_columns!(),
                " FROM data_grant WHERE grant_id IN ("
            ),
            ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, |r| grant_from(self.seal(), r))
    }

    async fn revoke_grant(&self, r: &GrantRevocationRecord, leaf: &LeafRecord) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(
            "INSERT INTO data_grant_revocation (grant_id, revoked_on, revoked_by) VALUES ($1, $2, $3)",
        )
        .bind(r.grant_id)
        .bind(S::day(r.revoked_on))
        .bind(r.revoked_by.as_str())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "GRANT_ALREADY_REVOKED",
            "该授权已撤回",
        ))?;
        insert_leaf::<S>(&mut tx, leaf).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn grant_revocations(
        &self,
        grant_ids: &[i64],
    ) -> StoreResult<Vec<GrantRevocationRecord>> {
        let rows: Vec<GrantRevocationRow> = crate::sql::rows_in::<S, _, _>(
            self.writer(),
            "SELECT grant_id, CAST(revoked_on AS TEXT) AS revoked_on, revoked_by \
             FROM data_grant_revocation WHERE grant_id IN (",
            grant_ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, |r| {
            Ok(GrantRevocationRecord {
                grant_id: r.grant_id,
                revoked_on: crate::rows::stored_date(&r.revoked_on)?,
                revoked_by: r.revoked_by,
            })
        })
    }

    async fn insert_provision(&self, p: &ProvisionRecord, leaf: &LeafRecord) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        sqlx::query(concat!(
            "INSERT INTO data_provision (",
            provision_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(p.provision_id)
        .bind(p.grant_id)
        .bind(p.member_id)
        .bind(p.grantee_login.as_str())
        .bind(scopes_text(&p.scopes))
        .bind(p.at_us)
        .bind(p.result.as_str())
        .bind(p.request_id.as_str())
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::backend)?;
        insert_leaf::<S>(&mut tx, leaf).await?;
        tx.commit().await.map_err(crate::sql::backend)
    }

    async fn provisions_of(&self, grant_ids: &[i64]) -> StoreResult<Vec<ProvisionRecord>> {
        let rows: Vec<ProvisionRow> = crate::sql::rows_in::<S, _, _>(
            self.writer(),
            concat!(
                "SELECT ",
                provision_columns!(),
                " FROM data_provision WHERE grant_id IN ("
            ),
            grant_ids,
            ") ORDER BY provision_id DESC",
        )
        .await?;
        crate::sql::mapped(rows, provision_from)
    }

    async fn provisions_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<ProvisionRecord>> {
        let rows: Vec<ProvisionRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            concat!(
                "SELECT ",
                provision_columns!(),
                " FROM data_provision WHERE provision_id IN ("
            ),
            ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, provision_from)
    }

    async fn blacklist_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<crate::BlacklistRecord>> {
        let rows: Vec<crate::withdrawal_sql::BlacklistRow> = crate::sql::rows_in::<S, _, _>(
            self.reader(),
            "SELECT id_card, CAST(listed_on AS TEXT) AS listed_on, \
             CAST(expires_on AS TEXT) AS expires_on, reason, source, entry_id, issuing_centre, \
             key_id, signature FROM blacklist WHERE entry_id IN (",
            ids,
            ")",
        )
        .await?;
        crate::sql::mapped(rows, |r| {
            crate::withdrawal_sql::blacklist_from(self.seal(), r)
        })
    }

    async fn logged_counts(&self, kind: LeafKind) -> StoreResult<(i64, i64)> {
        // One statement, so records and leaves are counted in one snapshot
        // (a record and its leaf commit together). Records from before the
        // log began have no leaves and are not counted: audit rows older
        // than the first logged one, blacklist entries without an id.
        let counts = match kind {
            LeafKind::Audit => {
                "SELECT (SELECT COUNT(*) FROM audit_log WHERE at_us >= (\
                 SELECT MIN(a.at_us) FROM audit_log a JOIN log_leaf l \
                 ON l.kind = 'audit' AND l.record_id = a.audit_id)), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'audit')"
            }
            LeafKind::Certificate => {
                "SELECT (SELECT COUNT(*) FROM certificate), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'certificate')"
            }
            LeafKind::Revocation => {
                "SELECT (SELECT COUNT(*) FROM certificate_revocation), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'revocation')"
            }
            LeafKind::Grant => {
                "SELECT (SELECT COUNT(*) FROM data_grant), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'grant')"
            }
            LeafKind::GrantRevocation => {
                "SELECT (SELECT COUNT(*) FROM data_grant_revocation), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'grant_revocation')"
            }
            LeafKind::Provision => {
                "SELECT (SELECT COUNT(*) FROM data_provision), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'provision')"
            }
            LeafKind::Blacklist => {
                "SELECT (SELECT COUNT(*) FROM blacklist WHERE entry_id IS NOT NULL), \
                 (SELECT COUNT(*) FROM log_leaf WHERE kind = 'blacklist')"
            }
        };
        let (records, leaves): (i64, i64) = sqlx::query_as(counts)
            .fetch_one(self.writer())
            .await
            .map_err(crate::sql::backend)?;
        Ok((records, leaves))
    }
}
