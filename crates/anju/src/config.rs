//! Configuration: built-in defaults, then anju.toml, then `ANJU_*` variables
//! and flags (clap merges those two). Unknown keys in the file are refused.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    report_database: Option<String>,
    data_dir: Option<PathBuf>,
    policy: Option<PathBuf>,
    listen: Option<String>,
    log_format: Option<LogFormat>,
    secure_cookies: Option<bool>,
    signin_per_minute: Option<u32>,
    identified_export_limit: Option<usize>,
    key_file: Option<PathBuf>,
    personal_key_file: Option<PathBuf>,
    adapters: Option<AdaptersFile>,
    backup: Option<BackupFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupFile {
    dir: Option<PathBuf>,
    every: Option<String>,
    keep: Option<usize>,
}

/// `[backup]` in anju.toml: `serve` backs the database up into `dir` every
/// `every` (`"24h"`, `"30m"`, …) and keeps the newest `keep` backups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSchedule {
    pub dir: PathBuf,
    pub every: std::time::Duration,
    pub keep: usize,
}

const DEFAULT_BACKUPS_KEPT: usize = 7;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AdaptersFile {
    registries: Option<RegistriesFile>,
    bank: Option<EndpointFile>,
    messages: Option<EndpointFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointFile {
    endpoint: Option<String>,
    timeout_ms: Option<u64>,
}

/// Where an outside party is asked: `[adapters.bank]` (collection, payout,
/// deductions) and `[adapters.messages]` (the message gateway) in anju.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointConfig {
    /// `simulator` or the bank front-end's base URL.
    pub endpoint: String,
    pub timeout_ms: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistriesFile {
    endpoint: Option<String>,
    data: Option<PathBuf>,
    timeout_ms: Option<u64>,
}

/// Where the registries (housing, civil affairs, credit, national HPF loan
/// data, e-licences) are asked: `[adapters.registries]` in anju.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistriesConfig {
    /// `simulator` (the built-in simulator, started in-process and asked
    /// over HTTP like a real endpoint) or the data exchange's base URL;
    /// empty when not configured (only the demo may leave it so).
    pub endpoint: String,
    /// The simulator's data file; the demo's households when absent with
    /// `--demo`, nobody otherwise.
    pub data: Option<PathBuf>,
    /// How long a registry may take before its fact counts as unknown.
    pub timeout_ms: u64,
}

pub const SIMULATOR: &str = "simulator";
const DEFAULT_REGISTRY_TIMEOUT_MS: u64 = 3_000;
const DEFAULT_BANK_TIMEOUT_MS: u64 = 10_000;

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// Where `serve`'s report pages read (a hot standby of the database):
    /// `report_database` in anju.toml or `ANJU_REPORT_DATABASE_URL`; the
    /// database itself when not given.
    pub report_database_url: Option<String>,
    pub data_dir: PathBuf,
    pub policy: Option<PathBuf>,
    pub listen: String,
    pub log_format: LogFormat,
    /// `Secure` on session cookies; turn off only for plain-HTTP local use.
    pub secure_cookies: bool,
    /// Sign-in and registration attempts per client address and minute.
    pub signin_per_minute: u32,
    /// The most people an identified export (实名导出) lists without a
    /// manager's approval (`docs/security.md`).
    pub identified_export_limit: usize,
    pub registries: RegistriesConfig,
    pub bank: EndpointConfig,
    /// The message gateway (SMS, WeChat, e-mail): `[adapters.messages]`,
    /// the same keys as the bank's.
    pub messages: EndpointConfig,
    /// The centre's signing keys (`docs/trust.md`): outside the database,
    /// made on first use when missing.
    pub key_file: PathBuf,
    /// The keys ID numbers, names and phone numbers are sealed under in the
    /// database (`docs/security.md`): outside it, made on first use.
    pub personal_key_file: PathBuf,
    /// Scheduled backups while serving; none unless `[backup]` is configured.
    pub backup: Option<BackupSchedule>,
}

const DEFAULT_SIGNIN_PER_MINUTE: u32 = 20;
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_DATA_DIR: &str = "data";
pub const DEMO_DATABASE: &str = "demo.db";

impl Config {
    /// `path` may be missing when it is the default name; a named file must exist.
    pub fn load(global: &crate::cli::Global, explicit_path: bool) -> Result<Self> {
        let file = read_file(&global.config, explicit_path)?;
        let data_dir = global
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let adapters = file.adapters.unwrap_or_default();
        let registries = adapters.registries.unwrap_or_default();
        let bank = adapters.bank.unwrap_or_default();
        let messages = adapters.messages.unwrap_or_default();
        let database_url = global
            .database
            .clone()
            .or(file.database)
            .unwrap_or_else(|| sqlite_url(&data_dir, "anju.db"));
        let key_file = std::env::var_os("ANJU_KEY_FILE")
            .map(PathBuf::from)
            .or(file.key_file)
            .unwrap_or_else(|| data_dir.join("keys").join("centre.key"));
        let personal_key_file = std::env::var_os("ANJU_PERSONAL_KEY_FILE")
            .map(PathBuf::from)
            .or(file.personal_key_file)
            .unwrap_or_else(|| data_dir.join("keys").join("personal.key"));
        let backup = file
            .backup
            .map(|b| backup_schedule(b, &data_dir))
            .transpose()?;
        Ok(Config {
            backup,
            key_file,
            personal_key_file,
            database_url,
            report_database_url: std::env::var("ANJU_REPORT_DATABASE_URL")
                .ok()
                .filter(|url| !url.is_empty())
                .or(file.report_database),
            data_dir,
            policy: global.policy.clone().or(file.policy),
            listen: file.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
            log_format: std::env::var("ANJU_LOG_FORMAT")
                .ok()
                .and_then(|v| {
                    if v == "json" {
                        Some(LogFormat::Json)
                    } else {
                        None
                    }
                })
                .or(file.log_format)
                .unwrap_or_default(),
            secure_cookies: std::env::var("ANJU_SECURE_COOKIES")
                .ok()
                .map(|v| v != "false" && v != "0")
                .or(file.secure_cookies)
                .unwrap_or(true),
            signin_per_minute: std::env::var("ANJU_SIGNIN_PER_MINUTE")
                .ok()
                .and_then(|v| v.parse().ok())
                .or(file.signin_per_minute)
                .unwrap_or(DEFAULT_SIGNIN_PER_MINUTE)
                .max(1),
            identified_export_limit: std::env::var("ANJU_IDENTIFIED_EXPORT_LIMIT")
                .ok()
                .and_then(|v| v.parse().ok())
                .or(file.identified_export_limit)
                .unwrap_or(anju_app::export::DEFAULT_IDENTIFIED_EXPORT_LIMIT),
            registries: RegistriesConfig {
                endpoint: std::env::var("ANJU_REGISTRIES_ENDPOINT")
                    .ok()
                    .or(registries.endpoint)
                    .unwrap_or_default(),
                data: registries.data,
                timeout_ms: registries
                    .timeout_ms
                    .unwrap_or(DEFAULT_REGISTRY_TIMEOUT_MS)
                    .max(1),
            },
            bank: EndpointConfig {
                endpoint: std::env::var("ANJU_BANK_ENDPOINT")
                    .ok()
                    .or(bank.endpoint)
                    .unwrap_or_default(),
                timeout_ms: bank.timeout_ms.unwrap_or(DEFAULT_BANK_TIMEOUT_MS).max(1),
            },
            messages: EndpointConfig {
                endpoint: std::env::var("ANJU_MESSAGES_ENDPOINT")
                    .ok()
                    .or(messages.endpoint)
                    .unwrap_or_default(),
                timeout_ms: messages
                    .timeout_ms
                    .unwrap_or(DEFAULT_REGISTRY_TIMEOUT_MS)
                    .max(1),
            },
        })
    }

    /// The URL with any password replaced, for logs.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url)
    }

    /// The report database's URL with any password replaced, for logs.
    pub fn redacted_report_database_url(&self) -> Option<String> {
        self.report_database_url.as_deref().map(redact)
    }
}

fn backup_schedule(file: BackupFile, data_dir: &Path) -> Result<BackupSchedule> {
    let every = file.every.as_deref().unwrap_or("24h");
    Ok(BackupSchedule {
        dir: file.dir.unwrap_or_else(|| data_dir.join("backups")),
        every: parse_interval(every)
            .with_context(|| format!("[backup] every = {every:?}: a number and s, m, h or d"))?,
        keep: file.keep.unwrap_or(DEFAULT_BACKUPS_KEPT).max(1),
    })
}

/// `"90s"`, `"30m"`, `"24h"`, `"7d"`: at least one second.
fn parse_interval(text: &str) -> Result<std::time::Duration> {
    let text = text.trim();
    let split = text.len().saturating_sub(1);
    let (number, unit) = (
        text.get(..split).unwrap_or(""),
        text.get(split..).unwrap_or(""),
    );
    let count: u64 = number.parse().context("not a whole number")?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => anyhow::bail!("unknown unit {unit:?}"),
    };
    // At most a year: the scheduler adds the interval to the clock, and a
    // longer one is a mistake anyway.
    match count.checked_mul(seconds) {
        Some(total) if total > 0 && total <= 366 * 86_400 => {
            Ok(std::time::Duration::from_secs(total))
        }
        _ => anyhow::bail!("out of range (1 s to 366 d)"),
    }
}

pub fn sqlite_url(dir: &Path, file: &str) -> String {
    format!("sqlite://{}", dir.join(file).display())
}

fn read_file(path: &Path, explicit: bool) -> Result<FileConfig> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            Ok(FileConfig::default())
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://anju:s3cret@db:5432/hpf"),
            "postgres://anju:***@db:5432/hpf"
        );
        assert_eq!(redact("sqlite://data/anju.db"), "sqlite://data/anju.db");
    }

    #[test]
    fn backup_intervals_are_read_with_their_unit() {
        let seconds = |t: &str| parse_interval(t).map(|d| d.as_secs()).ok();
        assert_eq!(seconds("24h"), Some(86_400));
        assert_eq!(seconds("30m"), Some(1_800));
        assert_eq!(seconds("7d"), Some(604_800));
        assert_eq!(seconds("2s"), Some(2));
        for bad in [
            "",
            "h",
            "0h",
            "24",
            "1.5h",
            "-1h",
            "24x",
            "99999999999999999d",
        ] {
            assert_eq!(seconds(bad), None, "{bad:?} is refused");
        }
    }

    #[test]
    fn file_then_flags() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("anju.toml");
        std::fs::write(
            &path,
            "data_dir = \"/srv/anju\"\nlisten = \"0.0.0.0:9000\"\n",
        )
        .expect("write");
        let global = crate::cli::Global {
            config: path.clone(),
            database: None,
            data_dir: None,
            policy: None,
        };
        let config = Config::load(&global, true).expect("load");
        assert_eq!(config.database_url, "sqlite:///srv/anju/anju.db");
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(
            config.registries.endpoint, "",
            "not configured: serve refuses to start outside the demo"
        );
        assert_eq!(config.bank.endpoint, "");
        assert_eq!(config.backup, None, "no backups unless configured");
        assert_eq!(
            config.report_database_url, None,
            "reports read the database"
        );
        std::fs::write(
            &path,
            "report_database = \"postgres://anju:secret@standby:5432/hpf\"\n",
        )
        .expect("write");
        let config = Config::load(&global, true).expect("load");
        let shown = config
            .redacted_report_database_url()
            .expect("report database");
        assert!(
            shown.contains("standby") && !shown.contains("secret"),
            "{shown}"
        );
        std::fs::write(&path, "[backup]\nevery = \"12h\"\n").expect("write");
        let config = Config::load(&global, true).expect("load");
        assert_eq!(
            config.backup,
            Some(BackupSchedule {
                dir: PathBuf::from(DEFAULT_DATA_DIR).join("backups"),
                every: std::time::Duration::from_secs(43_200),
                keep: DEFAULT_BACKUPS_KEPT,
            })
        );
        std::fs::write(&path, "[backup]\nevery = \"soon\"\n").expect("write");
        assert!(
            Config::load(&global, true).is_err(),
            "a bad interval is refused"
        );
        std::fs::write(
            &path,
            "[adapters.registries]\nendpoint = \"http://10.1.2.3:8443\"\ntimeout_ms = 1500\n",
        )
        .expect("write");
        let config = Config::load(&global, true).expect("load");
        assert_eq!(
            (
                config.registries.endpoint.as_str(),
                config.registries.timeout_ms
            ),
            ("http://10.1.2.3:8443", 1500)
        );
        std::fs::write(&path, "[adapters.registries]\nurl = \"x\"\n").expect("write");
        assert!(
            Config::load(&global, true).is_err(),
            "unknown adapter keys are refused"
        );
        std::fs::write(&path, "datadir = \"x\"\n").expect("write");
        assert!(
            Config::load(&global, true).is_err(),
            "unknown keys are refused"
        );
        let missing = crate::cli::Global {
            config: dir.path().join("none.toml"),
            ..global
        };
        assert!(Config::load(&missing, true).is_err());
        assert!(Config::load(&missing, false).is_ok());
    }
}
