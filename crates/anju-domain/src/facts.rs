//! The parties outside the centre that hold the facts an application rests
//! on (住房登记, 婚姻登记, 征信, 全国住房公积金贷款数据, 电子证照库), and the
//! closed sets their answers use. The ports that ask them live in
//! `anju_app::registries`; this module only names things.

crate::coded_enum! {
    /// Who answered (or failed to answer) a question about a person.
    pub enum Party ("外部数据来源", "PARTY_UNKNOWN") {
        Housing = "housing" "不动产登记",
        CivilAffairs = "civil" "民政登记",
        Credit = "credit" "人民银行征信",
        HpfLoans = "hpf-loans" "全国住房公积金贷款数据",
        Licences = "licences" "电子证照库",
        Centres = "centres" "异地住房公积金中心",
    }
}

crate::coded_enum! {
    /// How person B stands to person A in the civil-affairs registers.
    pub enum Relation ("亲属关系", "RELATION_UNKNOWN") {
        Spouse = "spouse" "配偶",
        /// B is A's parent.
        Parent = "parent" "父母",
        /// B is A's child.
        Child = "child" "子女",
        None = "none" "无登记关系",
    }
}

impl Relation {
    /// Self, spouse, parents and children may share a purchase's evidence
    /// (Suzhou, from 2026-05-10).
    pub fn is_close_family(self) -> bool {
        !matches!(self, Relation::None)
    }

    /// "为本人的配偶", or "与本人无登记亲属关系": how the other stands to `to`.
    pub fn words_to(self, to: &str) -> String {
        match self.is_close_family() {
            true => format!("为{to}的{}", self.name_zh()),
            false => format!("与{to}无登记亲属关系"),
        }
    }
}

crate::coded_enum! {
    /// The e-licences (电子证照) the library can be asked for.
    pub enum LicenceKind ("电子证照类型", "LICENCE_KIND_UNKNOWN") {
        IdCard = "id-card" "居民身份证",
        Marriage = "marriage" "结婚证",
        Property = "property" "不动产权证书",
        LeaseFiling = "lease-filing" "房屋租赁登记备案证明",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Coded;

    #[test]
    fn every_code_reads_back_and_strangers_are_refused() {
        for party in Party::ALL {
            assert_eq!(Party::parse(party.code()).ok(), Some(*party));
        }
        for relation in Relation::ALL {
            assert_eq!(Relation::parse(relation.code()).ok(), Some(*relation));
        }
        for kind in LicenceKind::ALL {
            assert_eq!(LicenceKind::parse(kind.code()).ok(), Some(*kind));
        }
        let refused = Relation::parse("cousin").expect_err("not a relation");
        assert_eq!(refused.code(), "RELATION_UNKNOWN");
        assert!(!Relation::None.is_close_family() && Relation::Child.is_close_family());
    }
}
