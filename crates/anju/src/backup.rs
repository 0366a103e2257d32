//! `anju backup` and `anju restore` for the embedded database: an online,
//! consistent copy with a manifest (when, schema version, size, SHA-256 and
//! the GL totals the copy holds), and a restore into an empty place that
//! checks the file against the manifest and the restored ledger against
//! both its invariants and the manifest's totals. PostgreSQL is backed up
//! with its own tools (`docs/operations.md`).

use crate::config::Config;
use anju_app::App;
use anju_app::policy::load_policy;
use anju_store_sqlite::SqliteStore;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// What a backup holds, written beside it as `<file>.manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The manifest's own format, for whoever reads it in years.
    pub format: u32,
    pub created_at_us: i64,
    /// The business day of the backup (China time).
    pub business_date: String,
    pub backend: String,
    pub schema_version: i64,
    /// The copy's file name, beside the manifest.
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// Each GL account's debit and credit totals in the copy.
    pub gl: Vec<GlTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlTotal {
    pub gl_code: String,
    pub debit_fen: i64,
    pub credit_fen: i64,
}

fn sqlite_path(url: &str) -> Result<PathBuf> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        bail!(
            "backup and restore here are for the embedded database; for PostgreSQL use pg_dump and pg_restore (docs/operations.md)"
        )
    };
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// The file's size and SHA-256, read in pieces (a centre's database is large).
fn digest(path: &Path) -> Result<(u64, String)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut hasher, mut bytes, mut buffer) = (Sha256::new(), 0u64, vec![0u8; 1 << 20]);
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((bytes, hex))
}

/// The GL totals of the database at `url`, through the app.
async fn gl_totals(url: &str, config: &Config) -> Result<(Vec<GlTotal>, i64)> {
    let policy = load_policy(config.policy.as_deref())?;
    let store = Arc::new(SqliteStore::open(url, &policy.centre_code).await?);
    let version = store.schema_version().await?;
    let app = App::new(store.clone(), policy);
    let balances = app
        .ledger()
        .gl_balances()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store.close().await;
    let totals = balances
        .into_iter()
        .map(|b| GlTotal {
            gl_code: b.gl_code,
            debit_fen: b.debit.get(),
            credit_fen: b.credit.get(),
        })
        .collect();
    Ok((totals, version))
}

/// `anju backup --to DIR`: the copy and its manifest; prints the manifest's path.
pub async fn backup(config: &Config, to: &Path) -> Result<ExitCode> {
    let source = sqlite_path(&config.database_url)?;
    if !source.exists() {
        bail!("{} does not exist: nothing to back up", source.display());
    }
    let policy = load_policy(config.policy.as_deref())?;
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let store = SqliteStore::open(&sqlite_url(&source), &policy.centre_code).await?;
    let created_at_us = anju_app::clock::now_micros();
    let business_date = anju_app::clock::date_of_micros(created_at_us);
    let name = format!("anju-{business_date}-{created_at_us}.db");
    let copy = to.join(&name);
    store.backup_into(&copy).await?;
    store.close().await;
    // The totals are read from the copy itself: exactly what it holds, however
    // many postings landed in the source meanwhile.
    let (gl, schema_version) = gl_totals(&sqlite_url(&copy), config).await?;
    let (bytes, sha256) = digest(&copy)?;
    let manifest = Manifest {
        format: 1,
        created_at_us,
        business_date: business_date.to_string(),
        backend: "sqlite".to_string(),
        schema_version,
        file: name.clone(),
        bytes,
        sha256,
        gl,
    };
    let manifest_path = to.join(format!("{name}.manifest.json"));
    std::fs::write(&manifest_path, serde_json::to_string_pretty(&manifest)?)
        .with_context(|| format!("writing {}", manifest_path.display()))?;
    println!("{}", manifest_path.display());
    Ok(ExitCode::SUCCESS)
}

/// `anju restore MANIFEST`: the copy into the configured database, which
/// must not exist yet; then the ledger checked and its totals compared with
/// the manifest. Exit 0 with `restore OK`, 1 with `FAIL` lines.
pub async fn restore(config: &Config, manifest_path: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(manifest_path)
        .with_context(|| format!("reading {}", manifest_path.display()))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a backup manifest", manifest_path.display()))?;
    // A bare file name beside the manifest, nothing else.
    let name = Path::new(&manifest.file);
    if name.file_name() != Some(name.as_os_str()) {
        bail!(
            "the manifest names {:?}: a backup is a file beside its manifest",
            manifest.file
        );
    }
    if manifest.schema_version > SqliteStore::latest_migration() {
        bail!(
            "the backup's schema version {} is newer than this build knows ({}): restore it with a newer anju",
            manifest.schema_version,
            SqliteStore::latest_migration()
        );
    }
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let copy = dir.join(name);
    let (bytes, sha256) = digest(&copy)?;
    if (bytes, sha256.as_str()) != (manifest.bytes, manifest.sha256.as_str()) {
        println!(
            "FAIL {}: {bytes} bytes, SHA-256 {sha256}; the manifest says {} bytes, {}",
            copy.display(),
            manifest.bytes,
            manifest.sha256
        );
        return Ok(ExitCode::from(1));
    }
    let target = sqlite_path(&config.database_url)?;
    let leftovers =
        ["", "-wal", "-shm"].map(|end| PathBuf::from(format!("{}{end}", target.display())));
    if let Some(found) = leftovers.iter().find(|p| p.exists()) {
        bail!(
            "{} exists: restore only into an empty place",
            found.display()
        );
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // Copied and checked under another name, renamed into place only when
    // sound: the database path never holds a half-written or failed copy.
    let partial = PathBuf::from(format!("{}.restoring", target.display()));
    let checked = place_and_check(&copy, &partial, &manifest, config).await;
    let failures = match checked {
        Ok(failures) => failures,
        Err(e) => {
            remove_with_journal(&partial);
            return Err(e);
        }
    };
    for failure in &failures {
        println!("FAIL {failure}");
    }
    if !failures.is_empty() {
        remove_with_journal(&partial);
        return Ok(ExitCode::from(1));
    }
    std::fs::rename(&partial, &target).with_context(|| format!("writing {}", target.display()))?;
    // Only read while it was checked: any journal left beside it holds nothing.
    for end in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{end}", partial.display()));
    }
    println!(
        "restore OK: {} GL accounts as in the manifest, ledger OK",
        manifest.gl.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The copy at `partial`, synced, its ledger checked and its totals compared
/// with the manifest's: what is wrong, if anything.
async fn place_and_check(
    copy: &Path,
    partial: &Path,
    manifest: &Manifest,
    config: &Config,
) -> Result<Vec<String>> {
    std::fs::copy(copy, partial).with_context(|| format!("writing {}", partial.display()))?;
    std::fs::File::open(partial)?.sync_all()?;
    let (gl, _) = gl_totals(&sqlite_url(partial), config).await?;
    let mut failures = Vec::new();
    if gl != manifest.gl {
        failures.push("the GL totals differ from the manifest's".to_string());
    }
    let policy = load_policy(config.policy.as_deref())?;
    let store = SqliteStore::open(&sqlite_url(partial), &policy.centre_code).await?;
    let store = Arc::new(store);
    let report = App::new(store.clone(), policy)
        .ledger()
        .check_ledger()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store.close().await;
    if !report.is_ok() {
        print!("{}", report.render());
        failures.push("the restored ledger fails its invariants".to_string());
    }
    Ok(failures)
}

/// A database file and the journal files SQLite may have left beside it.
fn remove_with_journal(path: &Path) {
    for end in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{end}", path.display()));
    }
}
