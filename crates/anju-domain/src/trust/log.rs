//! The transparency log's entries and checkpoints (`docs/trust.md`).
//!
//! Every logged record becomes one **entry**: its kind and its fields as
//! `name=value` lines, in an order fixed here, so anyone holding the record
//! can rebuild the entry and its leaf hash. The log grows in two steps, as a
//! Certificate Transparency log does: a record and its leaf are written in
//! one transaction; the **sequencer** later gives unsequenced leaves their
//! places in the tree and signs a **checkpoint** (tree size, root, time).
//! The sequencer keeps the tree's **frontier** (the roots of its perfect
//! subtrees, left to right) with each checkpoint, so the next root costs
//! only the new leaves.

use super::merkle::{Hash, leaf_hash, node_hash};
use crate::DomainError;

/// What a leaf logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeafKind {
    /// A row of the audit trail (every command, done or refused).
    Audit,
    /// An issued e-certificate.
    Certificate,
    /// A certificate's revocation.
    Revocation,
    /// A member's grant of access to their data.
    Grant,
    /// A grant withdrawn by the member.
    GrantRevocation,
    /// One read by a partner under a grant (or refused).
    Provision,
    /// A blacklist entry, the centre's own or imported from a partner.
    Blacklist,
}

impl LeafKind {
    pub const ALL: [LeafKind; 7] = [
        LeafKind::Audit,
        LeafKind::Certificate,
        LeafKind::Revocation,
        LeafKind::Grant,
        LeafKind::GrantRevocation,
        LeafKind::Provision,
        LeafKind::Blacklist,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LeafKind::Audit => "audit",
            LeafKind::Certificate => "certificate",
            LeafKind::Revocation => "revocation",
            LeafKind::Grant => "grant",
            LeafKind::GrantRevocation => "grant_revocation",
            LeafKind::Provision => "provision",
            LeafKind::Blacklist => "blacklist",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            LeafKind::Audit => "操作审计",
            LeafKind::Certificate => "电子证明签发",
            LeafKind::Revocation => "电子证明撤销",
            LeafKind::Grant => "数据授权",
            LeafKind::GrantRevocation => "撤回授权",
            LeafKind::Provision => "数据提供",
            LeafKind::Blacklist => "失信名单",
        }
    }
}

/// An entry: `kind` on the first line, then one `name=value` line per field.
/// A backslash, a newline or a carriage return in a value is escaped
/// (`\\`, `\n`, `\r`), so no value can forge a line.
pub fn entry(kind: LeafKind, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut text = String::with_capacity(64 + fields.len() * 24);
    text.push_str(kind.code());
    text.push('\n');
    for (name, value) in fields {
        text.push_str(name);
        text.push('=');
        for c in value.chars() {
            match c {
                '\\' => text.push_str("\\\\"),
                '\n' => text.push_str("\\n"),
                '\r' => text.push_str("\\r"),
                _ => text.push(c),
            }
        }
        text.push('\n');
    }
    text.into_bytes()
}

/// The leaf hash of an entry of `kind` with `fields`.
pub fn entry_leaf(kind: LeafKind, fields: &[(&str, &str)]) -> Hash {
    leaf_hash(&entry(kind, fields))
}

/// The right edge of a tree: the roots of its perfect subtrees from the
/// largest (leftmost) down — one per set bit of the size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    subtrees: Vec<Hash>,
}

impl Frontier {
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf: like adding one to a binary counter, equal subtrees
    /// at the right edge merge.
    pub fn push(&mut self, leaf: Hash) {
        let mut merged = leaf;
        let mut carries = self.size.trailing_ones();
        while carries > 0 {
            let Some(left) = self.subtrees.pop() else {
                break;
            };
            merged = node_hash(&left, &merged);
            carries -= 1;
        }
        self.subtrees.push(merged);
        self.size += 1;
    }

    /// MTH of the tree: the subtrees folded from the right (RFC 6962 §2.1's
    /// split keeps the left subtree the largest power of two, which is
    /// exactly this fold).
    pub fn root(&self) -> Hash {
        match self.subtrees.split_last() {
            None => super::merkle::root(&[]),
            Some((last, rest)) => rest.iter().rev().fold(*last, |r, s| node_hash(s, &r)),
        }
    }

    /// The stored form: the size, then the subtrees' hex, comma-separated.
    pub fn encode(&self) -> String {
        let mut text = self.size.to_string();
        for s in &self.subtrees {
            text.push(',');
            text.push_str(&super::keys::hex(s));
        }
        text
    }

    pub fn decode(text: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::new("LOG_FRONTIER_INVALID", "日志检查点的树边缘数据已损坏");
        let mut parts = text.split(',');
        let size: u64 = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let subtrees = parts
            .map(|h| super::keys::unhex(h).and_then(|b| b.try_into().ok()))
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(bad)?;
        if subtrees.len() != size.count_ones() as usize {
            return Err(bad());
        }
        Ok(Frontier { size, subtrees })
    }
}

/// A signed tree head: the log had `tree_size` leaves with `root` at
/// `issued_at_us`. Its signed text follows the C2SP checkpoint note: the
/// origin, the size and the root (hex) one a line, then the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub tree_size: u64,
    pub root: Hash,
    pub issued_at_us: i64,
}

impl Checkpoint {
    /// The text the signature covers.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n",
            self.origin,
            self.tree_size,
            super::keys::hex(&self.root),
            self.issued_at_us
        )
    }

    pub fn parse(body: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::new("LOG_CHECKPOINT_INVALID", "日志检查点格式不正确");
        let mut lines = body.lines();
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or_else(bad)?;
        let tree_size = lines.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let root = lines
            .next()
            .and_then(super::keys::unhex)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(bad)?;
        let issued_at_us = lines.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        if lines.next().is_some() {
            return Err(bad());
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            tree_size,
            root,
            issued_at_us,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::merkle::root;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect()
    }

    #[test]
    fn the_frontier_root_is_the_trees_root_at_every_size() {
        let all = leaves(300);
        let mut frontier = Frontier::default();
        assert_eq!(frontier.root(), root(&[]));
        for (i, leaf) in all.iter().enumerate() {
            frontier.push(*leaf);
            assert_eq!(frontier.size(), i as u64 + 1);
            assert_eq!(frontier.root(), root(&all[..=i]), "size {}", i + 1);
            let again = Frontier::decode(&frontier.encode()).expect("decode");
            assert_eq!(again, frontier);
        }
    }

    #[test]
    fn a_damaged_frontier_is_refused() {
        let mut frontier = Frontier::default();
        for leaf in leaves(5) {
            frontier.push(leaf);
        }
        let text = frontier.encode();
        for bad in ["", "x", "5", &text[..text.len() - 2], &format!("{text},00")] {
            assert!(Frontier::decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn no_value_can_forge_a_field_line() {
        let honest = entry(LeafKind::Audit, &[("action", "a"), ("result", "ok")]);
        let forged = entry(LeafKind::Audit, &[("action", "a\nresult=ok")]);
        assert_ne!(honest, forged);
        assert_eq!(
            String::from_utf8(forged).expect("utf8"),
            "audit\naction=a\\nresult=ok\n"
        );
        assert_ne!(
            entry_leaf(LeafKind::Audit, &[("a", "\\n")]),
            entry_leaf(LeafKind::Audit, &[("a", "\n")])
        );
    }

    #[test]
    fn a_checkpoint_reads_back_what_it_says() {
        let c = Checkpoint {
            origin: "anju.example/log".into(),
            tree_size: 7,
            root: leaf_hash(b"x"),
            issued_at_us: 1_765_000_000_000_000,
        };
        assert_eq!(Checkpoint::parse(&c.body()).expect("parse"), c);
        assert!(Checkpoint::parse("o\n7\nzz\n1\n").is_err());
        assert!(Checkpoint::parse(&format!("{}extra\n", c.body())).is_err());
    }
}
