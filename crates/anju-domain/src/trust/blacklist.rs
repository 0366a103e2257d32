//! The shared blacklist (失信名单) between centres: each entry names the
//! centre that issued it, the decision it rests on (legal basis) and its
//! period, and carries the issuing centre's signature over exactly those
//! facts — so an entry imported from a partner keeps its provenance and a
//! changed entry no longer verifies.

use super::keys::{KeySet, Verdict};
use super::log::{LeafKind, entry};
use crate::ids::IdCardNo;
use crate::{Date, DomainError, DomainResult};

/// The file format's name, first field of every exported list.
pub const FORMAT: &str = "anju-blacklist/1";

/// One signed entry as it travels between centres.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedEntry {
    pub issuing_centre: String,
    pub id_card: String,
    pub listed_on: String,
    pub expires_on: String,
    pub reason: String,
    /// The decision or judgment it rests on (决定书、判决书编号).
    pub legal_basis: String,
    pub key_id: String,
    /// Ed25519 over [`signed_text`], hex.
    pub signature: String,
}

/// A centre's list as exported: its entries in force.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SharedList {
    pub format: String,
    pub centre: String,
    pub exported_on: String,
    pub entries: Vec<SharedEntry>,
}

impl SharedEntry {
    /// What the issuing centre signed for this entry.
    pub fn signed_text(&self) -> Vec<u8> {
        signed_text(
            &self.issuing_centre,
            &self.id_card,
            &self.listed_on,
            &self.expires_on,
            &self.reason,
            &self.legal_basis,
        )
    }
}

/// What the issuing centre signs: the entry's facts as a log entry text.
pub fn signed_text(
    issuing_centre: &str,
    id_card: &str,
    listed_on: &str,
    expires_on: &str,
    reason: &str,
    legal_basis: &str,
) -> Vec<u8> {
    entry(
        LeafKind::Blacklist,
        &[
            ("issuing_centre", issuing_centre),
            ("id_card", id_card),
            ("listed_on", listed_on),
            ("expires_on", expires_on),
            ("reason", reason),
            ("legal_basis", legal_basis),
        ],
    )
}

/// An entry read from a partner's list, checked: its dates and ID number
/// parse, it was issued by the centre whose keys are pinned, and the
/// signature holds under those keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEntry {
    pub entry: SharedEntry,
    pub listed_on: Date,
    pub expires_on: Date,
}

fn refused(index: usize, what: String) -> DomainError {
    DomainError::new(
        "BLACKLIST_ENTRY_INVALID",
        format!("名单第 {} 条{what}", index + 1),
    )
}

/// Checks every entry of `list` against the partner's pinned `keys`; one
/// bad entry refuses the whole list (nothing of it is to be imported).
pub fn check_list(list: &SharedList, keys: &KeySet) -> DomainResult<Vec<CheckedEntry>> {
    if list.format != FORMAT {
        return Err(DomainError::new(
            "BLACKLIST_FORMAT",
            format!("不是失信名单文件（应为 {FORMAT}）"),
        ));
    }
    if list.centre != keys.centre {
        return Err(DomainError::new(
            "BLACKLIST_CENTRE",
            format!("名单来自“{}”，信任的密钥属于“{}”", list.centre, keys.centre),
        ));
    }
    list.entries
        .iter()
        .enumerate()
        .map(|(i, e)| check_entry(i, e, keys))
        .collect()
}

fn check_entry(i: usize, e: &SharedEntry, keys: &KeySet) -> DomainResult<CheckedEntry> {
    if e.issuing_centre != keys.centre {
        return Err(refused(
            i,
            format!("由“{}”出具，不是该中心", e.issuing_centre),
        ));
    }
    // The signature covers the text as sent; a lookup matches the
    // canonical form, so only that is taken.
    let id = IdCardNo::parse(&e.id_card).map_err(|_| refused(i, "身份证号码无效".into()))?;
    if id.as_str() != e.id_card {
        return Err(refused(i, "身份证号码不是规范写法（末位 X 须大写）".into()));
    }
    let listed_on = Date::parse(&e.listed_on).map_err(|_| refused(i, "列入日期无效".into()))?;
    let expires_on = Date::parse(&e.expires_on).map_err(|_| refused(i, "失效日期无效".into()))?;
    if expires_on <= listed_on || e.legal_basis.trim().is_empty() {
        return Err(refused(i, "期限或依据不完整".into()));
    }
    match keys.verify(&e.signed_text(), &e.signature, &e.key_id) {
        Verdict::Valid => Ok(CheckedEntry {
            entry: e.clone(),
            listed_on,
            expires_on,
        }),
        Verdict::Altered => Err(refused(i, "内容与签名不符".into())),
        Verdict::UnknownKey => Err(refused(i, "签名密钥不在信任列表中".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trust::keys::hex;
    use ed25519_dalek::{Signer, SigningKey};

    fn partner() -> (SigningKey, KeySet) {
        crate::trust::keys::test_key(3, "上海市公积金管理中心")
    }

    fn signed(key: &SigningKey, set: &KeySet, id_card: &str) -> SharedEntry {
        let mut e = SharedEntry {
            issuing_centre: set.centre.clone(),
            id_card: id_card.into(),
            listed_on: "2026-11-01".into(),
            expires_on: "2029-10-31".into(),
            reason: "伪造租房合同骗提".into(),
            legal_basis: "沪公积金罚决字〔2026〕12号".into(),
            key_id: set.keys[0].id.clone(),
            signature: String::new(),
        };
        e.signature = hex(&key.sign(&e.signed_text()).to_bytes());
        e
    }

    fn list(entries: Vec<SharedEntry>, set: &KeySet) -> SharedList {
        SharedList {
            format: FORMAT.into(),
            centre: set.centre.clone(),
            exported_on: "2026-12-07".into(),
            entries,
        }
    }

    #[test]
    fn a_signed_list_checks_and_a_changed_entry_refuses_it_all() {
        let (key, set) = partner();
        let good = signed(&key, &set, "11010519491231002X");
        let checked = check_list(&list(vec![good.clone()], &set), &set).expect("valid");
        assert_eq!(checked[0].expires_on, Date::parse("2029-10-31").expect("d"));
        let mut longer = good.clone();
        longer.expires_on = "2039-10-31".into();
        let refused = check_list(&list(vec![good.clone(), longer], &set), &set).expect_err("x");
        assert_eq!(refused.code(), "BLACKLIST_ENTRY_INVALID");
        assert!(
            refused.message().contains("第 2 条") && refused.message().contains("内容与签名不符")
        );
    }

    #[test]
    fn a_list_signed_by_another_key_or_naming_another_centre_is_refused() {
        let (key, set) = partner();
        let (_, mut other) = partner();
        other.keys[0].id = "0000000000000000".into();
        let good = signed(&key, &set, "11010519491231002X");
        let refused = check_list(&list(vec![good.clone()], &set), &other).expect_err("x");
        assert!(
            refused.message().contains("签名密钥不在信任列表中"),
            "{refused:?}"
        );
        let mut elsewhere = set.clone();
        elsewhere.centre = "杭州住房公积金管理中心".into();
        let refused = check_list(&list(vec![good], &set), &elsewhere).expect_err("x");
        assert_eq!(refused.code(), "BLACKLIST_CENTRE");
    }
}
