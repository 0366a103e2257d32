//! What the registries' simulator holds for the demo, so that the demo's
//! members meet real answers: member 1 is married, and neither spouse owns a
//! home (rent is allowed from the registry's answer); member 4's spouse owns
//! a home in the city (rent is refused, naming the certificate); member 3
//! has an HPF loan at another centre and a B credit grade. Everyone else is
//! single, owns nothing and is graded A. 周敏 contributes in Shanghai and
//! holds its certificate (异地缴存使用证明), so a loan-only account can be
//! opened for her and she can borrow here.

use crate::AppResult;
use crate::demo::demo_member_id_card;
use crate::registries::sim::{Couple, Person};
use crate::registries::{Home, Licence, OutstandingLoan, RegistryData, RemoteContribution};
use anju_domain::facts::LicenceKind;
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;
use anju_domain::{Date, Fen};

/// The spouse of demo member `member`: not a member of this centre.
fn spouse_id_card(member: i64) -> AppResult<IdCardNo> {
    Ok(IdCardNo::complete(&format!(
        "32050819910302{:03}",
        2 * member
    ))?)
}

fn couple(member: i64, name: &str, spouse: &str, married_on: &str) -> AppResult<Couple> {
    Ok(Couple {
        one: Person {
            id_card: demo_member_id_card(member)?,
            name: name.to_string(),
        },
        other: Person {
            id_card: spouse_id_card(member)?,
            name: spouse.to_string(),
        },
        married_on: Date::parse(married_on)?,
        certificate_no: format!("J320508-{}-{:06}", &married_on[..4], 1000 + member),
    })
}

pub fn demo_registry_data() -> AppResult<RegistryData> {
    let certificate = "苏(2019)苏州市不动产权第0012345号";
    let spouse_4 = spouse_id_card(4)?;
    Ok(RegistryData {
        couples: vec![
            couple(1, "演示职工一", "陈明", "2018-05-20")?,
            couple(4, "演示职工四", "林晓", "2016-10-01")?,
        ],
        homes: vec![(
            spouse_4.clone(),
            Home {
                certificate_no: certificate.to_string(),
                address: "苏州市姑苏区人民路 100 号 1-101".to_string(),
                registered_on: Date::parse("2019-09-01")?,
            },
        )],
        licences: vec![Licence {
            kind: LicenceKind::Property,
            licence_no: certificate.to_string(),
            holder: spouse_4,
            issued_on: Date::parse("2019-09-01")?,
            summary: "苏州市姑苏区人民路 100 号 1-101，建筑面积 86.2 平方米".to_string(),
        }],
        credit: vec![(demo_member_id_card(3)?, CreditGrade::B)],
        hpf_loans: vec![(
            demo_member_id_card(3)?,
            OutstandingLoan {
                centre: "无锡市住房公积金管理中心".to_string(),
                loan_no: "WX-2022-00031234".to_string(),
                principal: Fen::parse("412000.00")?,
            },
        )],
        certificates: vec![demo_remote_certificate()?],
        ..RegistryData::default()
    })
}

/// The Shanghai centre's certificate for 周敏, who has no account here.
pub fn demo_remote_certificate() -> AppResult<RemoteContribution> {
    Ok(RemoteContribution {
        certificate_no: "SH-ZM-2026-000123".to_string(),
        centre: "上海市公积金管理中心".to_string(),
        holder: IdCardNo::parse("320583198808080058")?,
        holder_name: "周敏".to_string(),
        base: Fen::parse("15000.00")?,
        balance: Fen::parse("86000.00")?,
        months: 36,
        issued_on: Date::parse("2026-11-01")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_households_are_well_formed() {
        let data = demo_registry_data().expect("demo data");
        assert_eq!(data.couples.len(), 2);
        let owner = &data.homes[0].0;
        assert_eq!(
            owner, &data.couples[1].other.id_card,
            "member 4's spouse owns the home"
        );
        assert_ne!(data.couples[0].other.id_card, data.couples[1].other.id_card);
    }
}
