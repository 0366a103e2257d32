//! Employers (缴存单位) and members (缴存职工) as the collection rules see them:
//! validated registration data and their status codes (JGJ/T 320, §7).

use super::ContributionRates;
use crate::error::{DomainError, DomainResult};
use crate::ids::{IdCardNo, Uscc};
use crate::money::Fen;

const MAX_NAME_CHARS: usize = 100;

fn checked_name(name: &str, what: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::new(
            "NAME_INVALID",
            format!("{what}不能为空，且不超过100个字"),
        ));
    }
    Ok(name.to_string())
}

/// What registering an employer needs (validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerRegistration {
    pub uscc: Uscc,
    pub name: String,
    /// 发薪日 1–28 (a day every month has); `None` = due at month end.
    pub pay_day: Option<u32>,
    pub rates: ContributionRates,
    pub profile: EmployerProfile,
}

/// The JGJ/T 320 attributes beyond name and code: 单位经济类型 (a GB/T 12402
/// code such as `150`), 所属行业 (a GB/T 4754 section letter) and the 单位账号
/// remittances are debited from. All optional at registration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmployerProfile {
    pub economic_type: Option<String>,
    pub industry: Option<String>,
    pub bank_account: Option<String>,
}

fn optional(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

impl EmployerProfile {
    pub fn new(
        economic_type: Option<&str>,
        industry: Option<&str>,
        bank_account: Option<&str>,
    ) -> DomainResult<Self> {
        let economic_type = optional(economic_type);
        if economic_type.is_some_and(|t| t.len() != 3 || !t.bytes().all(|b| b.is_ascii_digit())) {
            return Err(DomainError::new(
                "ECONOMIC_TYPE_INVALID",
                "单位经济类型应为3位数字代码（GB/T 12402）",
            ));
        }
        let industry = optional(industry);
        if industry.is_some_and(|t| t.len() != 1 || !t.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(DomainError::new(
                "INDUSTRY_INVALID",
                "所属行业应为1位大写字母门类代码（GB/T 4754）",
            ));
        }
        let bank_account = optional(bank_account);
        if bank_account
            .is_some_and(|t| !(8..=32).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(DomainError::new(
                "BANK_ACCOUNT_INVALID",
                "单位账号应为8至32位数字",
            ));
        }
        Ok(EmployerProfile {
            economic_type: economic_type.map(str::to_string),
            industry: industry.map(str::to_string),
            bank_account: bank_account.map(str::to_string),
        })
    }
}

impl EmployerRegistration {
    pub fn new(
        uscc: &str,
        name: &str,
        pay_day: Option<u32>,
        rates: ContributionRates,
    ) -> DomainResult<Self> {
        if pay_day.is_some_and(|d| !(1..=28).contains(&d)) {
            return Err(DomainError::new(
                "PAY_DAY_INVALID",
                "发薪日应为每月1日至28日",
            ));
        }
        Ok(EmployerRegistration {
            uscc: Uscc::parse(uscc)?,
            name: checked_name(name, "单位名称")?,
            pay_day,
            rates,
            profile: EmployerProfile::default(),
        })
    }

    pub fn with_profile(self, profile: EmployerProfile) -> Self {
        EmployerRegistration { profile, ..self }
    }
}

/// What enrolling a member needs (validated): the person and the wage the base
/// is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEnrolment {
    pub id_card: IdCardNo,
    pub name: String,
    pub wage: Fen,
    /// Personal rates, where the employer gives some staff other rates.
    pub rates: Option<ContributionRates>,
}

/// A monthly wage as typed: a positive yuan amount.
pub fn parse_wage(text: &str) -> DomainResult<Fen> {
    let wage = Fen::parse(text.trim())?;
    if !wage.is_positive() {
        return Err(DomainError::new("WAGE_NOT_POSITIVE", "工资收入必须大于零"));
    }
    Ok(wage)
}

impl MemberEnrolment {
    /// The enrolment, or the first field's refusal.
    pub fn new(id_card: &str, name: &str, wage: &str) -> DomainResult<Self> {
        Self::checked(id_card, name, wage).map_err(|mut refused| refused.swap_remove(0).1)
    }

    /// As [`MemberEnrolment::new`], but every field checked: each refusal
    /// with its field's name (`id_card`, `name`, `wage`), for a form to show
    /// beside its fields.
    pub fn checked(
        id_card: &str,
        name: &str,
        wage: &str,
    ) -> Result<Self, Vec<(&'static str, DomainError)>> {
        let id = IdCardNo::parse(id_card.trim());
        let name = checked_name(name, "姓名");
        let wage = parse_wage(wage);
        match (id, name, wage) {
            (Ok(id_card), Ok(name), Ok(wage)) => Ok(MemberEnrolment {
                id_card,
                name,
                wage,
                rates: None,
            }),
            (id, name, wage) => Err([
                ("id_card", id.err()),
                ("name", name.err()),
                ("wage", wage.err()),
            ]
            .into_iter()
            .filter_map(|(field, e)| e.map(|e| (field, e)))
            .collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::{EmployerStatus, MemberStatus};
    use crate::rate::RatePpm;

    fn rates() -> ContributionRates {
        let r = RatePpm::parse_percent("10").expect("rate");
        ContributionRates {
            employer: r,
            member: r,
        }
    }

    #[test]
    fn registration_is_validated() {
        assert!(
            EmployerRegistration::new("91350100M000100Y43", "示范公司", Some(15), rates()).is_ok()
        );
        let code = |r: DomainResult<EmployerRegistration>| r.map_err(|e| e.code()).err();
        assert_eq!(
            code(EmployerRegistration::new(
                "91350100M000100Y44",
                "示范公司",
                None,
                rates()
            )),
            Some("USCC_CHECKSUM")
        );
        assert_eq!(
            code(EmployerRegistration::new(
                "91350100M000100Y43",
                " ",
                None,
                rates()
            )),
            Some("NAME_INVALID")
        );
        assert_eq!(
            code(EmployerRegistration::new(
                "91350100M000100Y43",
                "示范",
                Some(31),
                rates()
            )),
            Some("PAY_DAY_INVALID")
        );
        assert!(MemberEnrolment::new("11010519491231002X", "王芳", "8000.00").is_ok());
        assert_eq!(
            MemberEnrolment::new("110105194912310021", "王芳", "8000").map_err(|e| e.code()),
            Err("ID_CHECKSUM")
        );
        assert_eq!(
            MemberEnrolment::new("11010519491231002X", "王芳", "0").map_err(|e| e.code()),
            Err("WAGE_NOT_POSITIVE")
        );
        assert_eq!(
            MemberEnrolment::new("11010519491231002X", "王芳", "8,000").map_err(|e| e.code()),
            Err("AMOUNT_FORMAT")
        );
    }

    #[test]
    fn an_enrolment_names_every_refused_field() {
        let refused = MemberEnrolment::checked("110105194912310021", " ", "8,000")
            .map(|e| e.name)
            .expect_err("refused");
        let fields: Vec<(&str, &str)> = refused.iter().map(|(f, e)| (*f, e.code())).collect();
        assert_eq!(
            fields,
            [
                ("id_card", "ID_CHECKSUM"),
                ("name", "NAME_INVALID"),
                ("wage", "AMOUNT_FORMAT")
            ]
        );
        assert!(MemberEnrolment::checked("11010519491231002X", "王芳", "8000.00").is_ok());
    }

    #[test]
    fn status_codes_round_trip() {
        for s in [
            EmployerStatus::Active,
            EmployerStatus::Deferred,
            EmployerStatus::Sealed,
            EmployerStatus::Closed,
        ] {
            assert_eq!(EmployerStatus::parse(s.code()), Ok(s));
        }
        for s in [
            MemberStatus::Active,
            MemberStatus::Sealed,
            MemberStatus::Frozen,
            MemberStatus::Closed,
            MemberStatus::RemoteBorrower,
        ] {
            assert_eq!(MemberStatus::parse(s.code()), Ok(s));
        }
    }
}
