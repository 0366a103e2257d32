//! The centre's signing keys (`docs/trust.md`): kept in a key file outside
//! the database (never next to the data they sign), the first key current,
//! later ones retired but still published so what they signed verifies.
//! Rotation puts a new key first. The key set the world pins is derived
//! from the file and published at `/.well-known/anju-keys.json`.

use crate::AppResult;
use anju_domain::DomainError;
use anju_domain::trust::keys::{KeySet, PublishedKey, hex, key_id, unhex};
use ed25519_dalek::{Signer, SigningKey};
use std::path::Path;

/// The centre's keys: the current one signs.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<SigningKey>,
    published: KeySet,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets.
        f.debug_struct("KeyRing")
            .field("published", &self.published)
            .finish()
    }
}

fn key_error(message: String) -> crate::AppError {
    DomainError::new("KEY_FILE_INVALID", message).into()
}

fn fresh_seed() -> AppResult<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| DomainError::new("KEY_GENERATION", format!("无法生成签名密钥：{e}")))?;
    Ok(seed)
}

impl KeyRing {
    fn of(keys: Vec<SigningKey>, centre: &str) -> Self {
        let published = KeySet {
            centre: centre.to_string(),
            algorithm: KeySet::ALGORITHM.to_string(),
            keys: keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    let public = k.verifying_key().to_bytes();
                    PublishedKey {
                        id: key_id(&public),
                        public_key: hex(&public),
                        current: i == 0,
                    }
                })
                .collect(),
        };
        KeyRing { keys, published }
    }

    /// A key that lives as long as the process: for tests and tools that
    /// sign nothing anyone keeps.
    pub fn ephemeral(centre: &str) -> AppResult<Self> {
        Ok(Self::of(
            vec![SigningKey::from_bytes(&fresh_seed()?)],
            centre,
        ))
    }

    /// The key file's keys: one hex Ed25519 seed a line, current first
    /// (`#` lines are comments).
    pub fn parse(text: &str, centre: &str) -> AppResult<Self> {
        let mut keys = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let seed: [u8; 32] = unhex(line).and_then(|b| b.try_into().ok()).ok_or_else(|| {
                key_error(format!("密钥文件第 {} 行不是 64 位十六进制种子", i + 1))
            })?;
            keys.push(SigningKey::from_bytes(&seed));
        }
        if keys.is_empty() {
            return Err(key_error("密钥文件中没有密钥".to_string()));
        }
        Ok(Self::of(keys, centre))
    }

    /// The keys of `path`; a missing file is created with a new key,
    /// readable by its owner only.
    pub fn load_or_create(path: &Path, centre: &str) -> AppResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, centre),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let text = format!(
                    "# Anju centre signing keys: one Ed25519 seed a line, the current first.\n# Keep this file secret and backed up apart from the database.\n{}\n",
                    hex(&fresh_seed()?)
                );
                match write_private(path, &text) {
                    Ok(()) => Self::parse(&text, centre),
                    // Another process made it first: theirs is the key.
                    Err(_) if path.exists() => Self::parse(&read(path)?, centre),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(key_error(format!(
                "无法读取密钥文件 {}：{e}",
                path.display()
            ))),
        }
    }

    /// Signs `text` with the current key: the hex signature and the key's id.
    pub fn sign(&self, text: &[u8]) -> (String, String) {
        let key = &self.keys[0];
        let id = key_id(&key.verifying_key().to_bytes());
        (hex(&key.sign(text).to_bytes()), id)
    }

    /// The key set to publish and to verify against.
    pub fn published(&self) -> &KeySet {
        &self.published
    }
}

fn read(path: &Path) -> AppResult<String> {
    std::fs::read_to_string(path)
        .map_err(|e| key_error(format!("无法读取密钥文件 {}：{e}", path.display())))
}

/// Written as the personal-data key file is: whole, synced, linked into
/// place (never over an existing file), the directory synced.
fn write_private(path: &Path, text: &str) -> AppResult<()> {
    anju_store::seal::create_key_file(path, text)
        .map_err(|e| key_error(format!("无法创建密钥文件 {}：{e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use anju_domain::trust::keys::Verdict;

    #[test]
    fn a_key_file_is_made_once_and_its_keys_verify_what_they_sign() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys/centre.key");
        let first = KeyRing::load_or_create(&path, "中心").expect("create");
        let again = KeyRing::load_or_create(&path, "中心").expect("read");
        assert_eq!(first.published(), again.published(), "the same key");
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).expect("meta").permissions(),
        );
        assert_eq!(mode & 0o777, 0o600);
        let (signature, id) = first.sign(b"text");
        assert_eq!(
            again.published().verify(b"text", &signature, &id),
            Verdict::Valid
        );
        // Rotation: a new key first, the old one kept and still trusted.
        let old = std::fs::read_to_string(&path).expect("text");
        let rotated =
            KeyRing::parse(&format!("{}\n{old}", "11".repeat(32)), "中心").expect("rotated");
        let keys = &rotated.published().keys;
        assert_eq!(
            (keys.len(), keys[0].current, keys[1].current),
            (2, true, false)
        );
        assert_eq!(
            rotated.published().verify(b"text", &signature, &id),
            Verdict::Valid
        );
        let (_, new_id) = rotated.sign(b"text");
        assert_ne!(new_id, id);
    }

    #[test]
    fn processes_starting_at_once_end_up_with_one_key() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("keys/centre.key");
        let rings: Vec<KeyRing> = std::thread::scope(|s| {
            let started: Vec<_> = (0..8)
                .map(|_| s.spawn(|| KeyRing::load_or_create(&path, "中心").expect("keys")))
                .collect();
            started
                .into_iter()
                .map(|t| t.join().expect("thread"))
                .collect()
        });
        assert!(
            rings
                .windows(2)
                .all(|w| w[0].published() == w[1].published())
        );
        let files = std::fs::read_dir(dir.path().join("keys"))
            .expect("dir")
            .count();
        assert_eq!(files, 1, "no temporary file left behind");
    }

    #[test]
    fn a_bad_key_file_is_refused() {
        for text in ["", "# nothing\n", "zz\n", &"ab".repeat(31)] {
            let refused = KeyRing::parse(text, "中心").expect_err("bad");
            assert_eq!(refused.code(), Some("KEY_FILE_INVALID"), "{text:?}");
        }
    }
}
