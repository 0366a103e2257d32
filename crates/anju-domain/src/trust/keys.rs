//! The centre's signing keys as the world sees them: a key set of Ed25519
//! public keys, each named by an id derived from the key itself, that the
//! centre publishes (`/.well-known/anju-keys.json`) and a verifier pins. A
//! document is valid when its signature checks under a key of the pinned
//! set; a key inside the document proves nothing.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// Hex characters of a key id: the first 8 bytes of SHA-256(public key).
const KEY_ID_HEX: usize = 16;

/// The id of a public key.
pub fn key_id(public_key: &[u8; 32]) -> String {
    Sha256::digest(public_key)
        .iter()
        .take(KEY_ID_HEX / 2)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One key of the set: current (signs new documents) or retired (kept so
/// what it signed still verifies).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublishedKey {
    pub id: String,
    /// The Ed25519 public key, hex.
    pub public_key: String,
    pub current: bool,
}

/// The keys a verifier trusts, as the centre publishes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeySet {
    pub centre: String,
    pub algorithm: String,
    pub keys: Vec<PublishedKey>,
}

/// What checking a signed document found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Signed by a trusted key and unchanged since.
    Valid,
    /// The key is trusted but the text or signature was changed.
    Altered,
    /// The signing key is not in the trusted set: nothing can be said of
    /// the text.
    UnknownKey,
}

impl Verdict {
    pub fn is_valid(self) -> bool {
        self == Verdict::Valid
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Verdict::Valid => "签名有效",
            Verdict::Altered => "内容已被改动",
            Verdict::UnknownKey => "签名密钥不在信任列表中",
        }
    }
}

impl KeySet {
    pub const ALGORITHM: &'static str = "Ed25519";

    fn key(&self, id: &str) -> Option<VerifyingKey> {
        let key = self.keys.iter().find(|k| k.id == id)?;
        let bytes: [u8; 32] = unhex(&key.public_key)?.try_into().ok()?;
        // A published key whose id does not match it is not trusted.
        (key_id(&bytes) == id).then_some(())?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    /// Checks `text` against a hex Ed25519 signature made by key `id`.
    pub fn verify(&self, text: &[u8], signature_hex: &str, id: &str) -> Verdict {
        let Some(key) = self.key(id) else {
            return Verdict::UnknownKey;
        };
        let Some(signature) = unhex(signature_hex).and_then(|s| <[u8; 64]>::try_from(s).ok())
        else {
            return Verdict::Altered;
        };
        match key.verify(text, &Signature::from_bytes(&signature)) {
            Ok(()) => Verdict::Valid,
            Err(_) => Verdict::Altered,
        }
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    // No formatter per byte: personal data is sealed into hex a value at a
    // time, millions of them when a city is loaded.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Bytes of an even-length hex text; None when it is not one.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// A key and the one-key set that publishes it, for tests.
#[cfg(test)]
pub(crate) fn test_key(seed: u8, centre: &str) -> (ed25519_dalek::SigningKey, KeySet) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let public = key.verifying_key().to_bytes();
    let set = KeySet {
        centre: centre.to_string(),
        algorithm: KeySet::ALGORITHM.to_string(),
        keys: vec![PublishedKey {
            id: key_id(&public),
            public_key: hex(&public),
            current: true,
        }],
    };
    (key, set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signer, SigningKey};

    fn signer(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn hex_is_lower_case_two_digits_a_byte_and_reads_back() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(unhex("000fA5ff"), Some(vec![0x00, 0x0f, 0xa5, 0xff]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }

    fn set_of(keys: &[(&SigningKey, bool)]) -> KeySet {
        KeySet {
            centre: "苏州市住房公积金管理中心".to_string(),
            algorithm: KeySet::ALGORITHM.to_string(),
            keys: keys
                .iter()
                .map(|(k, current)| {
                    let public = k.verifying_key().to_bytes();
                    PublishedKey {
                        id: key_id(&public),
                        public_key: hex(&public),
                        current: *current,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn only_a_pinned_key_makes_a_document_valid() {
        let (old, new, stranger) = (signer(1), signer(2), signer(3));
        let trusted = set_of(&[(&new, true), (&old, false)]);
        let text = "住房公积金贷款结清及抵押注销证明".as_bytes();
        let id_of = |k: &SigningKey| key_id(&k.verifying_key().to_bytes());
        let signed = |k: &SigningKey| hex(&k.sign(text).to_bytes());
        assert_eq!(
            trusted.verify(text, &signed(&new), &id_of(&new)),
            Verdict::Valid
        );
        assert_eq!(
            trusted.verify(text, &signed(&old), &id_of(&old)),
            Verdict::Valid,
            "a retired key still verifies what it signed"
        );
        assert_eq!(
            trusted.verify(text, &signed(&stranger), &id_of(&stranger)),
            Verdict::UnknownKey,
            "a self-signed document proves nothing"
        );
        assert_eq!(
            trusted.verify("改动过的文字".as_bytes(), &signed(&new), &id_of(&new)),
            Verdict::Altered
        );
        assert_eq!(
            trusted.verify(text, &signed(&old), &id_of(&new)),
            Verdict::Altered,
            "signed by another trusted key than it names"
        );
        assert_eq!(trusted.verify(text, "zz", &id_of(&new)), Verdict::Altered);
    }

    #[test]
    fn a_published_key_must_match_its_id() {
        let key = signer(4);
        let mut set = set_of(&[(&key, true)]);
        let id = set.keys[0].id.clone();
        set.keys[0].public_key = hex(&signer(5).verifying_key().to_bytes());
        let text = b"text";
        let signature = hex(&key.sign(text).to_bytes());
        assert_eq!(set.verify(text, &signature, &id), Verdict::UnknownKey);
        assert_eq!(key_id(&[0u8; 32]).len(), 16);
        assert_eq!(unhex("0aff"), Some(vec![0x0a, 0xff]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("+f"), None);
        assert_eq!(unhex("abc"), None);
    }
}
