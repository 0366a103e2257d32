//! E-certificates (电子证明) as files anyone can check offline: the signed
//! text, its signature and key id, and — once the log holds it — the
//! certificate's place in the transparency log with the signed checkpoint
//! and the audit path that prove it (`docs/trust.md` has the format).

use super::keys::{KeySet, Verdict, hex, unhex};
use super::log::{Checkpoint, LeafKind, entry_leaf};
use super::merkle::{Hash, verify_inclusion};
use sha2::{Digest, Sha256};

/// What a certificate certifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateKind {
    /// 住房公积金缴存证明: the member's account, contributions and balance.
    Contribution,
    /// 异地贷款职工住房公积金缴存使用证明: for a loan in another city.
    RemoteLoanUse,
    /// 贷款结清及抵押注销证明: for the registry to release the mortgage.
    LoanRelease,
    /// 提取证明: a withdrawal paid out.
    Withdrawal,
}

impl CertificateKind {
    pub const ALL: [CertificateKind; 4] = [
        CertificateKind::Contribution,
        CertificateKind::RemoteLoanUse,
        CertificateKind::LoanRelease,
        CertificateKind::Withdrawal,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::Contribution => "contribution",
            CertificateKind::RemoteLoanUse => "remote_loan_use",
            CertificateKind::LoanRelease => "loan_release",
            CertificateKind::Withdrawal => "withdrawal",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CertificateKind::Contribution => "住房公积金缴存证明",
            CertificateKind::RemoteLoanUse => "异地贷款职工住房公积金缴存使用证明",
            CertificateKind::LoanRelease => "住房公积金贷款结清及抵押注销证明",
            CertificateKind::Withdrawal => "住房公积金提取证明",
        }
    }

    /// The serial's prefix: JC 缴存, YD 异地, JQ 结清, TQ 提取.
    pub fn prefix(self) -> &'static str {
        match self {
            CertificateKind::Contribution => "JC",
            CertificateKind::RemoteLoanUse => "YD",
            CertificateKind::LoanRelease => "JQ",
            CertificateKind::Withdrawal => "TQ",
        }
    }

    /// How long the certificate speaks for: a statement of the account
    /// ages (90 days, as receiving banks and centres ask); a settled loan
    /// or a paid withdrawal does not.
    pub fn valid_days(self) -> Option<i64> {
        match self {
            CertificateKind::Contribution | CertificateKind::RemoteLoanUse => Some(90),
            CertificateKind::LoanRelease | CertificateKind::Withdrawal => None,
        }
    }
}

/// Whether `serial` has the shape of one: a kind's prefix, `-`, the issue
/// day as eight digits, `-`, sixteen lowercase hex characters (random, so
/// serials cannot be guessed to read other people's certificates).
pub fn is_serial(serial: &str) -> bool {
    let parts: Vec<&str> = serial.split('-').collect();
    matches!(parts.as_slice(), [prefix, day, random]
        if CertificateKind::ALL.iter().any(|k| k.prefix() == *prefix)
            && day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit())
            && random.len() == 16
            && random.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// The log entry of an issued certificate: what a verifier rebuilds from
/// the file alone.
pub fn certificate_leaf(serial: &str, body: &str, signature_hex: &str, key_id: &str) -> Hash {
    let digest = hex(&Sha256::digest(body.as_bytes()));
    entry_leaf(
        LeafKind::Certificate,
        &[
            ("serial", serial),
            ("body_sha256", &digest),
            ("signature", signature_hex),
            ("key_id", key_id),
        ],
    )
}

/// A certificate's place in the log: its leaf, the checkpoint that covers
/// it with that checkpoint's signature, and the audit path between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogProof {
    pub serial: String,
    pub leaf_index: u64,
    pub checkpoint: Checkpoint,
    pub checkpoint_signature_hex: String,
    pub checkpoint_key_id: String,
    pub path: Vec<Hash>,
}

/// A certificate file: the text, `--`, the signature and key id one a line,
/// then the log proof's lines when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateFile {
    pub body: String,
    pub signature_hex: String,
    pub key_id: String,
    pub proof: Option<LogProof>,
}

/// What offline checking found: the signature's verdict and, for a file
/// with a log proof, whether the proof holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    pub verdict: Verdict,
    pub sha256: String,
    /// None: the file carries no proof (issued before the log).
    pub logged: Option<bool>,
}

impl FileCheck {
    /// Valid: signed by a trusted key, unchanged, and (when it has a proof)
    /// in the log the centre signed.
    pub fn valid(&self) -> bool {
        self.verdict.is_valid() && self.logged != Some(false)
    }
}

impl CertificateFile {
    pub fn render(&self) -> String {
        let mut text = format!("{}--\n{}\n{}\n", self.body, self.signature_hex, self.key_id);
        if let Some(p) = &self.proof {
            text.push_str(&format!(
                "serial {}\nleaf {}\ntree {} {} {} {}\ntree-signature {} {}\n",
                p.serial,
                p.leaf_index,
                p.checkpoint.tree_size,
                hex(&p.checkpoint.root),
                p.checkpoint.issued_at_us,
                p.checkpoint.origin,
                p.checkpoint_signature_hex,
                p.checkpoint_key_id
            ));
            for h in &p.path {
                text.push_str(&format!("path {}\n", hex(h)));
            }
        }
        text
    }

    /// Reads a file. Anything after the key id that is not a well-formed
    /// proof makes the proof fail (`logged` false), never a panic.
    pub fn parse(text: &str) -> CertificateFile {
        // The last separator: a line of the text may end in `--`, the tail never does.
        let (body, tail) = text.rsplit_once("--\n").unwrap_or((text, ""));
        let mut lines = tail.lines();
        let signature_hex = lines.next().unwrap_or_default().trim().to_string();
        let key_id = lines.next().unwrap_or_default().trim().to_string();
        let rest: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
        let proof = if rest.is_empty() {
            None
        } else {
            Some(parse_proof(&rest).unwrap_or_else(broken_proof))
        };
        CertificateFile {
            body: body.to_string(),
            signature_hex,
            key_id,
            proof,
        }
    }

    /// Checks the file against the pinned key set, offline.
    pub fn check(&self, trusted: &KeySet) -> FileCheck {
        let verdict = trusted.verify(self.body.as_bytes(), &self.signature_hex, &self.key_id);
        let logged = match &self.proof {
            Some(p) => Some(self.proof_holds(p, trusted)),
            // An e-certificate (it names its serial) is always logged: one
            // whose proof was cut off fails, or a certificate signed with a
            // stolen key but never logged would pass. Only texts from
            // before the log (no serial) may come without one.
            None if self.serial().is_some() => Some(false),
            None => None,
        };
        FileCheck {
            verdict,
            sha256: hex(&Sha256::digest(self.body.as_bytes())),
            logged,
        }
    }

    /// The serial the signed text names on its `证明编号：` line, if it has one.
    pub fn serial(&self) -> Option<&str> {
        self.body
            .lines()
            .find_map(|l| l.strip_prefix("证明编号："))
            .filter(|s| is_serial(s))
    }

    fn proof_holds(&self, p: &LogProof, trusted: &KeySet) -> bool {
        let leaf = certificate_leaf(&p.serial, &self.body, &self.signature_hex, &self.key_id);
        let signed = trusted.verify(
            p.checkpoint.body().as_bytes(),
            &p.checkpoint_signature_hex,
            &p.checkpoint_key_id,
        );
        signed.is_valid()
            && self.serial() == Some(p.serial.as_str())
            && verify_inclusion(
                &leaf,
                p.leaf_index,
                p.checkpoint.tree_size,
                &p.path,
                &p.checkpoint.root,
            )
    }
}

/// A proof line that could not be read: it can never verify.
fn broken_proof() -> LogProof {
    LogProof {
        serial: String::new(),
        leaf_index: 0,
        checkpoint: Checkpoint {
            origin: String::new(),
            tree_size: 0,
            root: [0; 32],
            issued_at_us: 0,
        },
        checkpoint_signature_hex: String::new(),
        checkpoint_key_id: String::new(),
        path: Vec::new(),
    }
}

fn hash_of(text: &str) -> Option<Hash> {
    unhex(text)?.try_into().ok()
}

fn parse_proof(lines: &[&str]) -> Option<LogProof> {
    let mut serial = None;
    let mut leaf_index = None;
    let mut checkpoint = None;
    let mut signature = None;
    let mut path = Vec::new();
    for line in lines {
        let (tag, value) = line.trim().split_once(' ')?;
        let words: Vec<&str> = value.split(' ').collect();
        match (tag, words.as_slice()) {
            ("serial", [s]) => serial = Some(s.to_string()),
            ("leaf", [i]) => leaf_index = Some(i.parse().ok()?),
            ("tree", [size, root, at, origin]) => {
                checkpoint = Some(Checkpoint {
                    origin: origin.to_string(),
                    tree_size: size.parse().ok()?,
                    root: hash_of(root)?,
                    issued_at_us: at.parse().ok()?,
                })
            }
            ("tree-signature", [sig, id]) => signature = Some((sig.to_string(), id.to_string())),
            ("path", [h]) => path.push(hash_of(h)?),
            _ => return None,
        }
    }
    let (checkpoint_signature_hex, checkpoint_key_id) = signature?;
    Some(LogProof {
        serial: serial?,
        leaf_index: leaf_index?,
        checkpoint: checkpoint?,
        checkpoint_signature_hex,
        checkpoint_key_id,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::merkle::{inclusion_proof, leaf_hash, root};
    use ed25519_dalek::{Signer, SigningKey};

    fn keys(seed: u8) -> (SigningKey, KeySet) {
        crate::trust::keys::test_key(seed, "中心")
    }

    /// A certificate logged as leaf 5 of 11, with its file.
    fn logged_file(key: &SigningKey, set: &KeySet) -> CertificateFile {
        let serial = "JC-20261207-0123456789abcdef";
        let body = format!("住房公积金缴存证明\n证明编号：{serial}\n账户余额：12,345.67 元\n");
        let id = set.keys[0].id.clone();
        let signature = hex(&key.sign(body.as_bytes()).to_bytes());
        let mut leaves: Vec<Hash> = (0..11u8).map(|i| leaf_hash(&[i])).collect();
        leaves[5] = certificate_leaf(serial, &body, &signature, &id);
        let checkpoint = Checkpoint {
            origin: "anju/test".into(),
            tree_size: 11,
            root: root(&leaves),
            issued_at_us: 1,
        };
        CertificateFile {
            body,
            key_id: id.clone(),
            proof: Some(LogProof {
                serial: serial.into(),
                leaf_index: 5,
                checkpoint_signature_hex: hex(&key.sign(checkpoint.body().as_bytes()).to_bytes()),
                checkpoint,
                checkpoint_key_id: id,
                path: inclusion_proof(5, &leaves).expect("proof"),
            }),
            signature_hex: signature,
        }
    }

    #[test]
    fn a_logged_certificate_verifies_offline_and_reads_back() {
        let (key, set) = keys(7);
        let file = logged_file(&key, &set);
        let text = file.render();
        assert_eq!(CertificateFile::parse(&text), file);
        let check = CertificateFile::parse(&text).check(&set);
        assert_eq!((check.verdict, check.logged), (Verdict::Valid, Some(true)));
        assert!(check.valid());
    }

    #[test]
    fn one_changed_character_anywhere_fails() {
        let (key, set) = keys(7);
        let text = logged_file(&key, &set).render();
        // Every character of the text, signature and proof swapped for another.
        for (i, c) in text.char_indices() {
            let other = if c == '1' { '2' } else { '1' };
            let changed = format!("{}{other}{}", &text[..i], &text[i + c.len_utf8()..]);
            let check = CertificateFile::parse(&changed).check(&set);
            assert!(!check.valid(), "changing byte {i} ({c:?}) went unnoticed");
        }
    }

    #[test]
    fn a_certificate_signed_by_an_unknown_key_fails() {
        let (key, _) = keys(7);
        let (_, pinned) = keys(8);
        let check = logged_file(&key, &keys(7).1).check(&pinned);
        assert_eq!(check.verdict, Verdict::UnknownKey);
        assert!(!check.valid());
    }

    #[test]
    fn a_file_before_the_log_has_no_proof_and_a_garbled_proof_fails() {
        let (key, set) = keys(7);
        let mut file = logged_file(&key, &set);
        file.proof = None;
        let cut = CertificateFile::parse(&file.render()).check(&set);
        assert_eq!(
            (cut.verdict, cut.logged),
            (Verdict::Valid, Some(false)),
            "an e-certificate whose proof was cut off"
        );
        assert!(!cut.valid());
        // A text from before the log: no serial line, no proof.
        let old = "住房公积金贷款结清及抵押注销证明\n贷款编号：1\n".to_string();
        file.signature_hex = hex(&key.sign(old.as_bytes()).to_bytes());
        file.body = old;
        let check = CertificateFile::parse(&file.render()).check(&set);
        assert_eq!((check.verdict, check.logged), (Verdict::Valid, None));
        let garbled = format!("{}leaf x\n", file.render());
        assert_eq!(
            CertificateFile::parse(&garbled).check(&set).logged,
            Some(false)
        );
    }

    #[test]
    fn serials_are_recognised_by_shape() {
        assert!(is_serial("JC-20261207-0123456789abcdef"));
        for bad in [
            "",
            "XX-20261207-0123456789abcdef",
            "JC-2026127-0123456789abcdef",
            "JC-20261207-0123456789ABCDEF",
            "JC-20261207-0123456789abcde",
            "JC-20261207-0123456789abcdef-1",
        ] {
            assert!(!is_serial(bad), "{bad}");
        }
    }
}
