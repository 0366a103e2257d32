//! The simulator's data file (`anju simulate --data FILE`): TOML, one table
//! array per kind of fact. Every value is checked as it is read (ID check
//! digits, dates, amounts, codes); a bad entry is refused with its place.
//! `docs/registries.md` has an example; `docs/registries-example.toml` is
//! read by a test, so the example stays true.

use anju_app::registries::sim::{Couple, Person};
use anju_app::registries::{Home, Licence, OutstandingLoan, RegistryData, RemoteContribution};
use anju_domain::facts::{LicenceKind, Party};
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;
use anju_domain::{Date, Fen};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistryFile {
    #[serde(default)]
    pub default_credit: Option<String>,
    #[serde(default)]
    pub down: Vec<String>,
    #[serde(default)]
    pub home: Vec<HomeRow>,
    #[serde(default)]
    pub couple: Vec<CoupleRow>,
    #[serde(default)]
    pub parent: Vec<ParentRow>,
    #[serde(default)]
    pub credit: Vec<CreditRow>,
    #[serde(default)]
    pub hpf_loan: Vec<LoanRow>,
    #[serde(default)]
    pub licence: Vec<LicenceRow>,
    #[serde(default)]
    pub certificate: Vec<CertificateRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRow {
    pub certificate_no: String,
    pub centre: String,
    pub holder: String,
    pub holder_name: String,
    /// 缴存基数, yuan with two decimals.
    pub base: String,
    /// Yuan with two decimals.
    pub balance: String,
    pub months: i64,
    pub issued_on: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeRow {
    pub owner: String,
    pub certificate_no: String,
    pub address: String,
    pub registered_on: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRow {
    pub id_card: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoupleRow {
    pub one: PersonRow,
    pub other: PersonRow,
    pub married_on: String,
    pub certificate_no: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentRow {
    pub child: String,
    pub parent: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditRow {
    pub id_card: String,
    pub grade: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanRow {
    pub id_card: String,
    pub centre: String,
    pub loan_no: String,
    /// Yuan with two decimals, e.g. `"356000.00"`.
    pub principal: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceRow {
    pub kind: String,
    pub licence_no: String,
    pub holder: String,
    pub issued_on: String,
    #[serde(default)]
    pub summary: String,
}

/// Reads and checks a data file.
pub fn load_registry_data(path: &Path) -> Result<RegistryData, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    parse_registry_data(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Checks every entry of a data file's text.
pub fn parse_registry_data(text: &str) -> Result<RegistryData, String> {
    let file: RegistryFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let at = |what: &str, i: usize, e: anju_domain::DomainError| format!("{what}[{i}]: {e}");
    let mut data = RegistryData::default();
    if let Some(grade) = &file.default_credit {
        data.default_credit = CreditGrade::parse(grade).map_err(|e| at("default_credit", 0, e))?;
    }
    for (i, party) in file.down.iter().enumerate() {
        data.down
            .push(Party::parse(party).map_err(|e| at("down", i, e))?);
    }
    for (i, h) in file.home.iter().enumerate() {
        let owner = IdCardNo::parse(&h.owner).map_err(|e| at("home", i, e))?;
        let home = Home {
            certificate_no: h.certificate_no.clone(),
            address: h.address.clone(),
            registered_on: Date::parse(&h.registered_on).map_err(|e| at("home", i, e))?,
        };
        data.homes.push((owner, home));
    }
    for (i, c) in file.couple.iter().enumerate() {
        let person = |p: &PersonRow| -> Result<Person, String> {
            Ok(Person {
                id_card: IdCardNo::parse(&p.id_card).map_err(|e| at("couple", i, e))?,
                name: p.name.clone(),
            })
        };
        data.couples.push(Couple {
            one: person(&c.one)?,
            other: person(&c.other)?,
            married_on: Date::parse(&c.married_on).map_err(|e| at("couple", i, e))?,
            certificate_no: c.certificate_no.clone(),
        });
    }
    for (i, p) in file.parent.iter().enumerate() {
        let child = IdCardNo::parse(&p.child).map_err(|e| at("parent", i, e))?;
        let parent = IdCardNo::parse(&p.parent).map_err(|e| at("parent", i, e))?;
        data.parents.push((child, parent));
    }
    for (i, c) in file.credit.iter().enumerate() {
        let who = IdCardNo::parse(&c.id_card).map_err(|e| at("credit", i, e))?;
        let grade = CreditGrade::parse(&c.grade).map_err(|e| at("credit", i, e))?;
        data.credit.push((who, grade));
    }
    for (i, l) in file.hpf_loan.iter().enumerate() {
        let who = IdCardNo::parse(&l.id_card).map_err(|e| at("hpf_loan", i, e))?;
        let loan = OutstandingLoan {
            centre: l.centre.clone(),
            loan_no: l.loan_no.clone(),
            principal: Fen::parse(&l.principal).map_err(|e| at("hpf_loan", i, e))?,
        };
        data.hpf_loans.push((who, loan));
    }
    for (i, l) in file.licence.iter().enumerate() {
        data.licences.push(Licence {
            kind: LicenceKind::parse(&l.kind).map_err(|e| at("licence", i, e))?,
            licence_no: l.licence_no.clone(),
            holder: IdCardNo::parse(&l.holder).map_err(|e| at("licence", i, e))?,
            issued_on: Date::parse(&l.issued_on).map_err(|e| at("licence", i, e))?,
            summary: l.summary.clone(),
        });
    }
    for (i, c) in file.certificate.iter().enumerate() {
        data.certificates.push(RemoteContribution {
            certificate_no: c.certificate_no.clone(),
            centre: c.centre.clone(),
            holder: IdCardNo::parse(&c.holder).map_err(|e| at("certificate", i, e))?,
            holder_name: c.holder_name.clone(),
            base: Fen::parse(&c.base).map_err(|e| at("certificate", i, e))?,
            balance: Fen::parse(&c.balance).map_err(|e| at("certificate", i, e))?,
            months: c.months,
            issued_on: Date::parse(&c.issued_on).map_err(|e| at("certificate", i, e))?,
        });
    }
    Ok(data)
}
