//! `anju backup` and `anju restore`: an online, consistent copy with a
//! manifest (when, schema version, size, SHA-256 and the GL totals the copy
//! holds), and a restore into an empty place that checks the file against
//! the manifest and the restored ledger against both its invariants and the
//! manifest's totals. The embedded database is copied with `VACUUM INTO`;
//! PostgreSQL with `pg_dump` inside an exported snapshot, restored with
//! `pg_restore` into a new database renamed into place once checked.

use crate::config::{BackupSchedule, Config};
use anju_app::App;
use anju_app::policy::load_policy;
use anju_store::{GlBalance, Store};
use anju_store_postgres::PgStore;
use anju_store_postgres::backup::{Databases, database_name, with_database};
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
        bail!("{url} is neither an embedded nor a PostgreSQL database")
    };
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
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

fn totals(balances: Vec<GlBalance>) -> Vec<GlTotal> {
    balances
        .into_iter()
        .map(|b| GlTotal {
            gl_code: b.gl_code,
            debit_fen: b.debit.get(),
            credit_fen: b.credit.get(),
        })
        .collect()
}

/// What is wrong with a restored database, read through the app: its
/// ledger's invariants and its GL totals against the manifest's.
async fn check_copy(
    store: Arc<dyn Store>,
    manifest: &Manifest,
    config: &Config,
) -> Result<Vec<String>> {
    let policy = load_policy(config.policy.as_deref())?;
    let app = App::new(store, policy);
    let gl = app
        .ledger()
        .gl_balances()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut failures = Vec::new();
    if totals(gl) != manifest.gl {
        failures.push("the GL totals differ from the manifest's".to_string());
    }
    let report = app
        .ledger()
        .check_ledger()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !report.is_ok() {
        print!("{}", report.render());
        failures.push("the restored ledger fails its invariants".to_string());
    }
    Ok(failures)
}

/// `anju backup --to DIR`: the copy and its manifest; prints the manifest's path.
pub async fn backup(config: &Config, to: &Path) -> Result<ExitCode> {
    let manifest_path = make_backup(config, to).await?;
    println!("{}", manifest_path.display());
    Ok(ExitCode::SUCCESS)
}

/// A backup of the configured database into `to`: the copy and its
/// manifest, whose path is returned (`serve` schedules this too).
pub async fn make_backup(config: &Config, to: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let created_at_us = anju_app::clock::now_micros();
    let business_date = anju_app::clock::date_of_micros(created_at_us);
    let stem = format!("anju-{business_date}-{created_at_us}");
    let postgres = is_postgres(&config.database_url);
    let name = if postgres {
        format!("{stem}.dump")
    } else {
        format!("{stem}.db")
    };
    let copy = to.join(&name);
    let (schema_version, gl) = if postgres {
        pg_backup(config, &copy).await?
    } else {
        sqlite_backup(config, &copy).await?
    };
    // Hashing a large copy takes a while: off the serving threads.
    let (bytes, sha256) = {
        let copy = copy.clone();
        tokio::task::spawn_blocking(move || digest(&copy)).await??
    };
    let manifest = Manifest {
        format: 1,
        created_at_us,
        business_date: business_date.to_string(),
        backend: if postgres { "postgres" } else { "sqlite" }.to_string(),
        schema_version,
        file: name.clone(),
        bytes,
        sha256,
        gl,
    };
    let manifest_path = to.join(format!("{name}{MANIFEST_SUFFIX}"));
    write_whole(
        &manifest_path,
        serde_json::to_string_pretty(&manifest)?.as_bytes(),
    )?;
    Ok(manifest_path)
}

/// Writes `path` so that it is either absent or whole: a temporary name,
/// synced, then renamed. A backup counts (and is kept by `prune`) only once
/// its manifest exists, and the manifest is written last; a report killed
/// while writing leaves the earlier file or none, never half of one.
pub(crate) fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    // Beside the file, its whole name kept: `a.html` and `a.pdf` written
    // at once do not share a temporary.
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("writing {}", partial.display()))?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}

/// `serve`'s scheduled backups: one every `schedule.every` (the first one
/// interval after start), the newest `schedule.keep` kept. A failure is
/// logged and the next one tried on time: serving goes on.
pub fn spawn_scheduled(config: Config, schedule: BackupSchedule) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(schedule.every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let made = make_backup(&config, &schedule.dir).await;
            let Ok(manifest) = made else {
                if let Err(e) = made {
                    tracing::error!(error = %e, "scheduled backup failed");
                }
                continue;
            };
            let (dir, keep) = (schedule.dir.clone(), schedule.keep);
            match tokio::task::spawn_blocking(move || prune(&dir, keep)).await {
                Ok(Ok(removed)) => {
                    tracing::info!(manifest = %manifest.display(), removed, "scheduled backup made")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "backup kept, but pruning failed"),
                Err(e) => tracing::warn!(error = %e, "backup kept, but pruning failed"),
            }
        }
    });
}

/// Removes all but the newest `keep` backups in `dir` (their manifests and
/// files; names sort by time). Returns how many were removed.
pub fn prune(dir: &Path, keep: usize) -> Result<usize> {
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("anju-") && n.ends_with(MANIFEST_SUFFIX))
        })
        .collect();
    manifests.sort();
    let surplus = manifests.len().saturating_sub(keep);
    for manifest in &manifests[..surplus] {
        let copy = manifest.to_string_lossy();
        let copy = copy.trim_end_matches(MANIFEST_SUFFIX);
        std::fs::remove_file(copy).or_else(ignore_missing)?;
        std::fs::remove_file(manifest)?;
    }
    let orphans = match manifests.last() {
        Some(newest) => remove_orphans(dir, newest)?,
        None => 0,
    };
    Ok(surplus + orphans)
}

/// Copies with no manifest that are older than the newest backup: backups
/// interrupted before their manifest was written. A newer one may still be
/// in the making and is left alone.
fn remove_orphans(dir: &Path, newest_manifest: &Path) -> Result<usize> {
    let newest = newest_manifest.to_string_lossy();
    let newest = newest.trim_end_matches(MANIFEST_SUFFIX);
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let is_copy =
            name.starts_with("anju-") && (name.ends_with(".db") || name.ends_with(".dump"));
        let orphan = !dir.join(format!("{name}{MANIFEST_SUFFIX}")).exists();
        if is_copy && orphan && *path.to_string_lossy() < *newest {
            std::fs::remove_file(&path).or_else(ignore_missing)?;
            removed += 1;
        }
    }
    Ok(removed)
}

const MANIFEST_SUFFIX: &str = ".manifest.json";

fn ignore_missing(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::NotFound {
        Ok(())
    } else {
        Err(e)
    }
}

/// `VACUUM INTO` on the reader; the totals are read from the copy itself:
/// exactly what it holds, however many postings landed in the source meanwhile.
async fn sqlite_backup(config: &Config, copy: &Path) -> Result<(i64, Vec<GlTotal>)> {
    let source = sqlite_path(&config.database_url)?;
    if !source.exists() {
        bail!("{} does not exist: nothing to back up", source.display());
    }
    let policy = load_policy(config.policy.as_deref())?;
    let store = SqliteStore::open(
        &sqlite_url(&source),
        &policy.centre_code,
        crate::run::personal_seal(config)?,
    )
    .await?;
    store.backup_into(copy).await?;
    store.close().await;
    let store = Arc::new(
        SqliteStore::open(
            &sqlite_url(copy),
            &policy.centre_code,
            crate::run::personal_seal(config)?,
        )
        .await?,
    );
    let version = store.schema_version().await?;
    let gl = App::new(store.clone(), policy)
        .ledger()
        .gl_balances()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"));
    store.close().await;
    Ok((version, totals(gl?)))
}

/// `pg_dump` of an exported snapshot; the version and totals were read in
/// that same snapshot, so they are what the dump holds.
async fn pg_backup(config: &Config, copy: &Path) -> Result<(i64, Vec<GlTotal>)> {
    let policy = load_policy(config.policy.as_deref())?;
    let store = PgStore::open(
        &config.database_url,
        &policy.centre_code,
        crate::run::personal_seal(config)?,
    )
    .await?;
    let snapshot = store.export_snapshot().await?;
    let dumped = pg_tool("pg_dump", &config.database_url)
        .args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--snapshot={}", snapshot.id))
        .arg("--file")
        .arg(copy)
        .output()
        .await
        .context("running pg_dump (PostgreSQL's client tools must be on PATH)");
    let (version, gl) = (snapshot.schema_version, totals(snapshot.gl.clone()));
    snapshot.release().await?;
    store.close().await;
    let dumped = dumped?;
    if !dumped.status.success() {
        let _ = std::fs::remove_file(copy);
        bail!(
            "pg_dump failed: {}",
            String::from_utf8_lossy(&dumped.stderr).trim()
        );
    }
    Ok((version, gl))
}

/// A PostgreSQL client tool aimed at `url`'s database. The password goes in
/// the environment, never on the command line where `ps` shows it.
fn pg_tool(program: &str, url: &str) -> tokio::process::Command {
    let (url, password) = split_password(url);
    let (url, query_password) = split_query_password(&url);
    let password = query_password.or(password);
    let mut cmd = tokio::process::Command::new(program);
    cmd.arg("--dbname").arg(url);
    if let Some(password) = password {
        cmd.env("PGPASSWORD", password);
    }
    cmd
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, "secret"),
/// the password percent-decoded.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return (url.to_string(), None);
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |at| scheme_end + at);
    let Some(at) = url[scheme_end..authority_end]
        .rfind('@')
        .map(|at| scheme_end + at)
    else {
        return (url.to_string(), None);
    };
    let Some(colon) = url[scheme_end..at].find(':').map(|c| scheme_end + c) else {
        return (url.to_string(), None);
    };
    let password = percent_decode(&url[colon + 1..at]);
    (format!("{}{}", &url[..colon], &url[at..]), Some(password))
}

/// `…?sslmode=require&password=secret` → (`…?sslmode=require`, "secret"):
/// a password given as a query parameter leaves the URL too.
fn split_query_password(url: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut password = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("password=") {
            Some(value) => {
                password = Some(percent_decode(value));
                false
            }
            None => true,
        })
        .collect();
    if kept.is_empty() {
        (base.to_string(), password)
    } else {
        (format!("{base}?{}", kept.join("&")), password)
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    let postgres = is_postgres(&config.database_url);
    let backend = if postgres { "postgres" } else { "sqlite" };
    if manifest.backend != backend {
        bail!(
            "the backup is of a {} database and the target is {backend}: restore it into its own kind",
            manifest.backend
        );
    }
    let latest = if postgres {
        PgStore::latest_migration()
    } else {
        SqliteStore::latest_migration()
    };
    if manifest.schema_version > latest {
        bail!(
            "the backup's schema version {} is newer than this build knows ({latest}): restore it with a newer anju",
            manifest.schema_version
        );
    }
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let copy = dir.join(name);
    // Hashing a large copy takes a while: off the serving threads.
    let (bytes, sha256) = {
        let copy = copy.clone();
        tokio::task::spawn_blocking(move || digest(&copy)).await??
    };
    if (bytes, sha256.as_str()) != (manifest.bytes, manifest.sha256.as_str()) {
        println!(
            "FAIL {}: {bytes} bytes, SHA-256 {sha256}; the manifest says {} bytes, {}",
            copy.display(),
            manifest.bytes,
            manifest.sha256
        );
        return Ok(ExitCode::from(1));
    }
    let failures = if postgres {
        pg_restore(config, &manifest, &copy).await?
    } else {
        sqlite_restore(config, &manifest, &copy).await?
    };
    for failure in &failures {
        println!("FAIL {failure}");
    }
    if !failures.is_empty() {
        return Ok(ExitCode::from(1));
    }
    println!(
        "restore OK: {} GL accounts as in the manifest, ledger OK",
        manifest.gl.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Copied and checked under another name, renamed into place only when
/// sound: the database path never holds a half-written or failed copy.
async fn sqlite_restore(config: &Config, manifest: &Manifest, copy: &Path) -> Result<Vec<String>> {
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
    let partial = PathBuf::from(format!("{}.restoring", target.display()));
    let checked = place_and_check(copy, &partial, manifest, config).await;
    let failures = match checked {
        Ok(failures) => failures,
        Err(e) => {
            remove_with_journal(&partial);
            return Err(e);
        }
    };
    if !failures.is_empty() {
        remove_with_journal(&partial);
        return Ok(failures);
    }
    std::fs::rename(&partial, &target).with_context(|| format!("writing {}", target.display()))?;
    // Only read while it was checked: any journal left beside it holds nothing.
    for end in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{end}", partial.display()));
    }
    Ok(failures)
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
    let policy = load_policy(config.policy.as_deref())?;
    let store = Arc::new(
        SqliteStore::open(
            &sqlite_url(partial),
            &policy.centre_code,
            crate::run::personal_seal(config)?,
        )
        .await?,
    );
    let failures = check_copy(store.clone(), manifest, config).await;
    store.close().await;
    failures
}

/// `pg_restore` in one transaction into `<name>_restoring`, made for it;
/// checked, then renamed to the configured name, or dropped.
async fn pg_restore(config: &Config, manifest: &Manifest, copy: &Path) -> Result<Vec<String>> {
    let target = database_name(&config.database_url)?;
    let partial = format!("{target}_restoring");
    let mut databases = Databases::connect(&config.database_url).await?;
    for name in [&target, &partial] {
        if databases.exists(name).await? {
            bail!("database {name} exists: restore only into an empty place");
        }
    }
    databases.create(&partial).await?;
    let partial_url = with_database(&config.database_url, &partial)?;
    let checked = pg_restore_and_check(config, manifest, copy, &partial_url).await;
    let outcome = match checked {
        Ok(failures) if failures.is_empty() => databases
            .rename(&partial, &target)
            .await
            .map(|()| failures)
            .map_err(anyhow::Error::from),
        other => other,
    };
    // Whatever went wrong, the half-made copy goes (the first error is the
    // one reported); a successful rename left nothing by that name.
    if !outcome.as_ref().is_ok_and(|failures| failures.is_empty())
        && let Err(e) = databases.drop(&partial).await
    {
        tracing::warn!(error = %e, database = %partial, "could not drop the partial restore");
    }
    outcome
}

async fn pg_restore_and_check(
    config: &Config,
    manifest: &Manifest,
    copy: &Path,
    partial_url: &str,
) -> Result<Vec<String>> {
    let restored = pg_tool("pg_restore", partial_url)
        .args([
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
        ])
        .arg(copy)
        .output()
        .await
        .context("running pg_restore (PostgreSQL's client tools must be on PATH)")?;
    if !restored.status.success() {
        bail!(
            "pg_restore failed: {}",
            String::from_utf8_lossy(&restored.stderr).trim()
        );
    }
    let policy = load_policy(config.policy.as_deref())?;
    let store = Arc::new(
        PgStore::open(
            partial_url,
            &policy.centre_code,
            crate::run::personal_seal(config)?,
        )
        .await?,
    );
    let failures = check_copy(store.clone(), manifest, config).await;
    store.close().await;
    failures
}

/// A database file and the journal files SQLite may have left beside it.
fn remove_with_journal(path: &Path) {
    for end in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{end}", path.display()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_backups_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().expect("dir");
        for n in 1..=4 {
            let name = format!("anju-2026-12-0{n}-178000000000000{n}.db");
            std::fs::write(dir.path().join(&name), "copy").expect("copy");
            std::fs::write(dir.path().join(format!("{name}.manifest.json")), "{}")
                .expect("manifest");
        }
        std::fs::write(dir.path().join("notes.manifest.json"), "mine").expect("other");
        // Interrupted before their manifests: the older goes, the newer may
        // still be in the making.
        let interrupted = "anju-2026-12-02-1780000000000022.dump";
        let in_the_making = "anju-2026-12-05-1780000000000005.db";
        std::fs::write(dir.path().join(interrupted), "half").expect("orphan");
        std::fs::write(dir.path().join(in_the_making), "half").expect("newer");
        assert_eq!(prune(dir.path(), 2).expect("prune"), 3);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("read")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "anju-2026-12-03-1780000000000003.db",
                "anju-2026-12-03-1780000000000003.db.manifest.json",
                "anju-2026-12-04-1780000000000004.db",
                "anju-2026-12-04-1780000000000004.db.manifest.json",
                "anju-2026-12-05-1780000000000005.db",
                "notes.manifest.json",
            ]
        );
        assert_eq!(prune(dir.path(), 2).expect("again"), 0);
    }

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://anju:s%40cret@db:5432/anju?sslmode=require"),
            (
                "postgres://anju@db:5432/anju?sslmode=require".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://anju@db/anju"),
            ("postgres://anju@db/anju".to_string(), None)
        );
        assert_eq!(
            split_password("postgres://db/a@b"),
            ("postgres://db/a@b".to_string(), None)
        );
    }

    #[test]
    fn a_password_in_the_query_leaves_the_url() {
        assert_eq!(
            split_query_password("postgres://anju@db/anju?sslmode=require&password=s%40cret"),
            (
                "postgres://anju@db/anju?sslmode=require".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            split_query_password("postgres://anju@db/anju?password=x"),
            ("postgres://anju@db/anju".to_string(), Some("x".to_string()))
        );
        assert_eq!(
            split_query_password("postgres://anju@db/anju?sslmode=require"),
            ("postgres://anju@db/anju?sslmode=require".to_string(), None)
        );
    }
}
