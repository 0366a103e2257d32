//! Personal data sealed at rest. ID numbers, names, logins and phone numbers
//! are written as XChaCha20-Poly1305 ciphertext under a key kept in a file
//! outside the database; a column that is looked up gets a keyed blind index
//! (HMAC-SHA256) beside it, so `WHERE id_card_bidx = $1` finds a row without
//! the database ever holding the value. Only the store seals and opens:
//! records above it carry the plain values.
//!
//! The key file holds one 32-byte master key a line (hex), the current first.
//! Each master key gives an encryption key (HMAC with a label) and an id
//! (the first bytes of its SHA-256) written into every value sealed under
//! it, so older values stay readable after a rotation; the store re-seals
//! them all when it opens a database last sealed under another key
//! (`personal_seal`). The blind-index key comes from the file's last line,
//! its first key, and does not rotate: a process still running on the old
//! key writes rows every other process finds, and a unique index keeps
//! meaning one value. The database records which index key it was built
//! with, and refuses a file that would give another.

use crate::{StoreError, StoreResult};
use anju_domain::trust::keys::{hex, unhex};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::path::Path;

const MASTER_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
/// Bytes of the blind index kept (128 bits: collisions are out of reach for
/// any population a centre holds).
const INDEX_BYTES: usize = 16;
/// A sealed value is `s1:<key id>:<hex nonce ‖ ciphertext>`.
const PREFIX: &str = "s1";

struct Generation {
    id: String,
    cipher: XChaCha20Poly1305,
    index_key: [u8; 32],
}

/// Where a sealed value lives: its table, column and row. All three are
/// bound in as associated data, so a value copied into another column or
/// another row does not open.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
    pub row: i64,
}

impl Field {
    fn aad(&self) -> String {
        format!("{}.{}#{}", self.table, self.column, self.row)
    }
}

/// A value at `at` that does not open, and why.
fn corrupt(at: Field, why: &str) -> StoreError {
    StoreError::Corrupt {
        table: at.table,
        column: at.column,
        value: format!("第 {} 行：{why}", at.row),
    }
}

/// `table.column` of row `row`.
pub fn field(table: &'static str, column: &'static str, row: i64) -> Field {
    Field { table, column, row }
}

/// A row keyed by text (a partner platform's id) as the number its sealed
/// values are bound to: the first 8 bytes of the key's SHA-256.
pub fn text_row(key: &str) -> i64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// The keys personal data is sealed under; the first is current.
pub struct PersonalSeal {
    generations: Vec<Generation>,
}

impl std::fmt::Debug for PersonalSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the keys themselves.
        f.debug_struct("PersonalSeal")
            .field("current", &self.current_id())
            .field("generations", &self.generations.len())
            .finish()
    }
}

fn key_error(message: String) -> StoreError {
    StoreError::rejected("PERSONAL_KEY_INVALID", message)
}

fn derive(master: &[u8], label: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(master)
        .expect("HMAC takes a key of any length");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

impl Generation {
    fn from_master(master: &[u8; MASTER_BYTES]) -> Self {
        let digest = Sha256::digest(master);
        Generation {
            id: hex(&digest[..4]),
            cipher: XChaCha20Poly1305::new(&derive(master, b"anju personal data aead").into()),
            index_key: derive(master, b"anju personal data blind index"),
        }
    }
}

impl PersonalSeal {
    /// Parses a key file's text: one hex master key a line, `#` comments.
    pub fn parse(text: &str) -> StoreResult<Self> {
        let mut generations = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let master = unhex(line)
                .and_then(|b| <[u8; MASTER_BYTES]>::try_from(b).ok())
                .ok_or_else(|| {
                    key_error(format!(
                        "个人信息密钥文件第 {} 行不是 64 位十六进制密钥",
                        n + 1
                    ))
                })?;
            generations.push(Generation::from_master(&master));
        }
        if generations.is_empty() {
            return Err(key_error("个人信息密钥文件中没有密钥".into()));
        }
        Ok(PersonalSeal { generations })
    }

    /// A seal under one fresh random key, for tests and scratch databases
    /// that are never reopened by another process.
    pub fn generated() -> StoreResult<Self> {
        Self::parse(&fresh_key_line()?)
    }

    /// Reads the key file at `path`, making it (readable by its owner only)
    /// with one fresh key when it does not exist. A file others may read is
    /// refused: the key is worth as much as the data it seals.
    pub fn load_or_create(path: &Path) -> StoreResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                private(path)?;
                Self::parse(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = format!(
                    "# Anju personal-data keys: one 32-byte key (hex) a line, the current first.\n\
                     # Keep this file secret and backed up apart from the database: without it\n\
                     # the ID numbers, names and phone numbers in the database cannot be read.\n{}\n",
                    fresh_key_line()?
                );
                match create_key_file(path, &text) {
                    Ok(()) => Self::parse(&text),
                    // Another process made it first: theirs is the key.
                    Err(_) if path.exists() => Self::load_or_create(path),
                    Err(e) => Err(key_error(format!(
                        "无法创建个人信息密钥文件 {}：{e}",
                        path.display()
                    ))),
                }
            }
            Err(e) => Err(key_error(format!(
                "无法读取个人信息密钥文件 {}：{e}",
                path.display()
            ))),
        }
    }

    /// The id of the key new values are sealed under.
    pub fn current_id(&self) -> &str {
        &self.generations[0].id
    }

    /// The id of the key blind indexes are made with (the file's last line).
    pub fn index_id(&self) -> &str {
        &self.index_generation().id
    }

    fn index_generation(&self) -> &Generation {
        self.generations
            .last()
            .expect("a seal always holds at least one key")
    }

    /// Whether values sealed under key `id` can be opened.
    pub fn holds(&self, id: &str) -> bool {
        self.generations.iter().any(|g| g.id == id)
    }

    /// `plain` sealed for `at`.
    pub fn seal(&self, at: Field, plain: &str) -> String {
        let (id, body) = self.seal_raw(at, plain.as_bytes());
        format!("{PREFIX}:{id}:{}", hex(&body))
    }

    /// Bytes (an uploaded document) sealed for `at`: `s1:<key id>:` and
    /// the nonce and ciphertext as they are, not in hex.
    pub fn seal_bytes(&self, at: Field, plain: &[u8]) -> Vec<u8> {
        let (id, body) = self.seal_raw(at, plain);
        let mut sealed = format!("{PREFIX}:{id}:").into_bytes();
        sealed.extend(body);
        sealed
    }

    /// `nonce ‖ ciphertext` of `plain` under the current key, with its id.
    fn seal_raw(&self, at: Field, plain: &[u8]) -> (&str, Vec<u8>) {
        let g = &self.generations[0];
        let aad = at.aad();
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce)
            .expect("the operating system's random generator is unavailable");
        let sealed = g
            .cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any length the database holds");
        let mut body = nonce.to_vec();
        body.extend(sealed);
        (&g.id, body)
    }

    pub fn seal_opt(&self, at: Field, plain: Option<&str>) -> Option<String> {
        plain.map(|p| self.seal(at, p))
    }

    /// Opens a value sealed for `at`; anything else (a value in clear,
    /// another column's or row's value, a key this file lacks) is an error
    /// naming the column, never returned as if it were the value.
    pub fn open(&self, at: Field, sealed: &str) -> StoreResult<String> {
        let mut parts = sealed.splitn(3, ':');
        let (Some(PREFIX), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(corrupt(at, "不是密文"));
        };
        let body = unhex(body).ok_or_else(|| corrupt(at, "密文不是十六进制"))?;
        let plain = self.open_raw(at, id, &body)?;
        String::from_utf8(plain).map_err(|_| corrupt(at, "明文不是 UTF-8"))
    }

    /// Opens bytes sealed by [`PersonalSeal::seal_bytes`] for `at`.
    pub fn open_bytes(&self, at: Field, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        let mut parts = sealed.splitn(3, |b| *b == b':');
        let (Some(prefix), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(corrupt(at, "不是密文"));
        };
        if prefix != PREFIX.as_bytes() {
            return Err(corrupt(at, "不是密文"));
        }
        let id = std::str::from_utf8(id).map_err(|_| corrupt(at, "不是密文"))?;
        self.open_raw(at, id, body)
    }

    /// Opens `nonce ‖ ciphertext` sealed for `at` under key `id`.
    fn open_raw(&self, at: Field, id: &str, body: &[u8]) -> StoreResult<Vec<u8>> {
        let g = self
            .generations
            .iter()
            .find(|g| g.id == id)
            .ok_or_else(|| corrupt(at, &format!("密钥 {id} 不在个人信息密钥文件中")))?;
        if body.len() < NONCE_BYTES {
            return Err(corrupt(at, "密文过短"));
        }
        let (nonce, ciphertext) = body.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).map_err(|_| corrupt(at, "密文过短"))?;
        let aad = at.aad();
        g.cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| corrupt(at, "密文校验失败"))
    }

    pub fn open_opt(&self, at: Field, sealed: Option<&str>) -> StoreResult<Option<String>> {
        sealed.map(|s| self.open(at, s)).transpose()
    }

    /// The blind index of `plain` for lookups in `column` (a kind of value:
    /// an ID number indexes the same wherever it is kept).
    pub fn index(&self, kind: &str, plain: &str) -> String {
        let mut mac =
            <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.index_generation().index_key)
                .expect("HMAC takes a key of any length");
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(plain.as_bytes());
        hex(&mac.finalize().into_bytes()[..INDEX_BYTES])
    }
}

/// Kinds of looked-up value, each with its own blind index.
pub mod kind {
    pub const ID_CARD: &str = "id_card";
    pub const NAME: &str = "name";
    pub const LOGIN: &str = "login";
}

fn fresh_key_line() -> StoreResult<String> {
    let mut master = [0u8; MASTER_BYTES];
    getrandom::fill(&mut master).map_err(|e| key_error(format!("无法生成密钥：{e}")))?;
    Ok(hex(&master))
}

/// Refuses a key file that its group or others may read or write.
fn private(path: &Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)
        .map_err(|e| key_error(format!("无法读取个人信息密钥文件 {}：{e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(key_error(format!(
            "个人信息密钥文件 {} 的权限为 {:o}，他人可读写：请改为 600",
            path.display(),
            mode & 0o777
        )));
    }
    Ok(())
}

/// Writes `text` to a new file readable by its owner only, never over one:
/// written whole and synced under a temporary name, linked into place, and
/// the directory synced, so after a crash the file is there whole or not at
/// all — a key file must outlive the first value sealed or signed under it.
/// Fails (the file left as it is) when `path` exists: another process made
/// it first. The centre's signing keys are written the same way.
pub fn create_key_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
    // Unique per process and call: threads of one process race too.
    static TEMPORARIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let n = TEMPORARIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("tmp{}-{n}", std::process::id()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::hard_link(&temporary, path)
    })();
    let _ = std::fs::remove_file(&temporary);
    written?;
    std::fs::File::open(dir).and_then(|d| d.sync_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const KEY_B: &str = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    #[test]
    fn sealed_values_open_only_in_their_place_and_never_show_the_value() {
        let seal = PersonalSeal::parse(KEY_A).expect("ok");
        let at = field("member", "id_card", 7);
        let sealed = seal.seal(at, "320102199003072316");
        assert!(!sealed.contains("320102199003072316"));
        assert!(!sealed.contains("2316"));
        assert_eq!(seal.open(at, &sealed).expect("ok"), "320102199003072316");
        // Random nonces: the same value seals differently each time.
        assert_ne!(sealed, seal.seal(at, "320102199003072316"));
        let moved = seal
            .open(field("member", "name", 7), &sealed)
            .expect_err("refused");
        assert!(moved.to_string().contains("member.name"), "{moved}");
        // Nor does it open in another row of the same column.
        assert!(seal.open(field("member", "id_card", 8), &sealed).is_err());
        let mut tampered = sealed.clone();
        let last = tampered.pop().expect("ok");
        tampered.push(if last == '0' { '1' } else { '0' });
        assert!(seal.open(at, &tampered).is_err());
        assert!(seal.open(at, "320102199003072316").is_err());
    }

    #[test]
    fn sealed_bytes_open_only_in_their_place() {
        let seal = PersonalSeal::parse(KEY_A).expect("ok");
        let scan = b"\xff\xd8\xff\xe0 320102199003072316 \x00\x3a".to_vec();
        let at = field("withdrawal_document", "content", text_row("10/1"));
        let sealed = seal.seal_bytes(at, &scan);
        assert!(sealed.starts_with(format!("s1:{}:", seal.current_id()).as_bytes()));
        assert!(!sealed.windows(4).any(|w| w == b"2316"), "no plain text");
        assert_eq!(seal.open_bytes(at, &sealed).expect("opens"), scan);
        assert_eq!(
            seal.open_bytes(at, &seal.seal_bytes(at, b""))
                .expect("empty"),
            b""
        );
        let other_row = field("withdrawal_document", "content", text_row("10/2"));
        assert!(
            seal.open_bytes(other_row, &sealed).is_err(),
            "another document's"
        );
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(seal.open_bytes(at, &tampered).is_err());
        assert!(seal.open_bytes(at, &scan).is_err(), "bytes in clear");
        assert!(seal.open_bytes(at, b"s1:").is_err());
        assert_ne!(text_row("10/1"), text_row("10/2"));
    }

    #[test]
    fn a_rotated_file_opens_older_values_and_keeps_its_index() {
        let old = PersonalSeal::parse(KEY_A).expect("ok");
        let rotated =
            PersonalSeal::parse(&format!("# current first\n{KEY_B}\n{KEY_A}\n")).expect("ok");
        let at = field("member", "name", 1);
        let sealed = old.seal(at, "王小明");
        assert_eq!(rotated.open(at, &sealed).expect("ok"), "王小明");
        assert!(rotated.holds(old.current_id()));
        assert_ne!(rotated.current_id(), old.current_id());
        assert!(rotated.seal(at, "王小明").contains(rotated.current_id()));
        // A file without the old key cannot open it, and says which key it lacks.
        let other = PersonalSeal::parse(KEY_B).expect("ok");
        let err = other.open(at, &sealed).expect_err("refused").to_string();
        assert!(err.contains(old.current_id()), "{err}");
        // The index does not rotate: the file's first key (its last line)
        // makes it, so both files index alike…
        assert_eq!(rotated.index_id(), old.current_id());
        let a = old.index(kind::NAME, "王小明");
        assert_eq!(a, rotated.index(kind::NAME, "王小明"));
        // …and it is keyed: another key indexes differently, as does
        // another kind of value.
        assert_ne!(a, other.index(kind::NAME, "王小明"));
        assert_ne!(a, old.index(kind::LOGIN, "王小明"));
        assert_eq!(a.len(), 2 * INDEX_BYTES);
    }

    #[test]
    fn a_bad_key_file_is_refused_with_its_line() {
        assert!(PersonalSeal::parse("# nothing\n").is_err());
        let err = PersonalSeal::parse(&format!("{KEY_A}\nnot-a-key\n")).expect_err("refused");
        assert!(err.to_string().contains("第 2 行"), "{err}");
        assert!(PersonalSeal::parse(&KEY_A[..62]).is_err());
    }

    #[test]
    fn the_key_file_is_made_once_and_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("ok");
        let path = dir.path().join("keys").join("personal.key");
        let made = PersonalSeal::load_or_create(&path).expect("ok");
        let again = PersonalSeal::load_or_create(&path).expect("ok");
        assert_eq!(made.current_id(), again.current_id());
        let mode = std::fs::metadata(&path).expect("ok").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Loosened, it is refused.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("ok");
        let err = PersonalSeal::load_or_create(&path)
            .expect_err("refused")
            .to_string();
        assert!(err.contains("644"), "{err}");
    }
}
