//! The facts a withdrawal rests on that only a registry can give: whether the
//! member is married and to whom (民政婚姻登记), whether they or their spouse
//! own a home in the city (不动产登记), and what the spouse drew for rent.
//! Each answer is written down with its reference number; a registry that
//! does not answer leaves the fact unknown, for a person to verify.

use crate::registries::{Lookup, MarriageAnswer, Spouse};
use crate::{App, AppResult};
use anju_domain::facts::LicenceKind;
use anju_domain::ids::IdCardNo;
use anju_domain::policy::{EvidenceKind, WithdrawalCap, WithdrawalReason};
use anju_domain::withdrawal::HomeFact;
use anju_domain::{Date, Fen};

/// What the registries said about the member's household.
pub(super) struct HouseholdFacts {
    pub home: HomeFact,
    pub spouse_rent_drawn: Option<Fen>,
    /// One line per answer (or silence), with its reference number.
    pub sources: Vec<String>,
}

/// Whether those who used the same evidence before are the member's family.
pub(super) struct SharingFacts {
    pub outside_family: bool,
    pub unverified: Option<String>,
    pub sources: Vec<String>,
}

/// The rent months' window and the year, for the spouse's rent drawn.
pub(super) struct RentWindow {
    pub year_from: Date,
    pub from: Date,
}

fn marriage_line(answer: &Lookup<MarriageAnswer>) -> String {
    match answer {
        Ok(MarriageAnswer {
            spouse: Some(s),
            reference,
        }) => format!(
            "婚姻登记：已婚，配偶 {}（{}），结婚证 {}（查询号 {reference}）",
            s.name,
            s.id_card.masked(),
            s.certificate_no
        ),
        Ok(MarriageAnswer {
            spouse: None,
            reference,
        }) => format!("婚姻登记：无在册婚姻（查询号 {reference}）"),
        Err(e) => format!("婚姻登记：{e}"),
    }
}

impl App {
    /// Asks the registries about the member's household, when the reason's
    /// rules depend on it (no home in the city, the rent caps).
    pub(super) async fn household_facts(
        &self,
        id_card: &IdCardNo,
        reason: &WithdrawalReason,
        window: RentWindow,
    ) -> AppResult<HouseholdFacts> {
        if !reason.requires_no_home && reason.cap != WithdrawalCap::Rent {
            // Not asked: the reason's rules do not look at the household.
            return Ok(HouseholdFacts {
                home: HomeFact::NoneOwned,
                spouse_rent_drawn: None,
                sources: Vec::new(),
            });
        }
        let registries = self.registries();
        let marriage = registries.civil.marriage(id_card).await;
        let mut sources = vec![marriage_line(&marriage)];
        let mut unknown = Vec::new();
        let spouse: Option<Spouse> = match &marriage {
            Ok(answer) => answer.spouse.clone(),
            Err(e) => {
                unknown.push(e.to_string());
                None
            }
        };
        let mut home = None;
        let mut people = vec![("本人", id_card.clone())];
        people.extend(spouse.as_ref().map(|s| ("配偶", s.id_card.clone())));
        for (whose, person) in people {
            match registries.housing.homes(&person).await {
                Ok(answer) => {
                    let first = answer.homes.first();
                    sources.push(match first {
                        Some(h) => format!(
                            "不动产登记：{whose}名下有房 {}（{}）（查询号 {}）",
                            h.certificate_no, h.address, answer.reference
                        ),
                        None => format!(
                            "不动产登记：{whose}在本市无登记住房（查询号 {}）",
                            answer.reference
                        ),
                    });
                    if let (None, Some(h)) = (&home, first) {
                        home = Some(HomeFact::Owned {
                            whose: whose.to_string(),
                            certificate: h.certificate_no.clone(),
                        });
                    }
                }
                Err(e) => {
                    sources.push(format!("不动产登记（{whose}）：{e}"));
                    unknown.push(e.to_string());
                }
            }
        }
        let home = home.unwrap_or_else(|| match unknown.is_empty() {
            true => HomeFact::NoneOwned,
            false => HomeFact::Unknown {
                why: unknown.join("；"),
            },
        });
        let spouse_rent_drawn = match &spouse {
            Some(s) => Some(self.rent_drawn_by(&s.id_card, &window).await?),
            None => None,
        };
        Ok(HouseholdFacts {
            home,
            spouse_rent_drawn,
            sources,
        })
    }

    /// For evidence a family may share (a purchase): how each earlier user
    /// of it stands to the member, by the civil-affairs registers.
    pub(super) async fn sharing_facts(
        &self,
        id_card: &IdCardNo,
        kind: EvidenceKind,
        number: &str,
    ) -> AppResult<SharingFacts> {
        let mut facts = SharingFacts {
            outside_family: false,
            unverified: None,
            sources: Vec::new(),
        };
        let mut silent = Vec::new();
        for holder in self
            .withdrawal_port()
            .evidence_holders(kind, number)
            .await?
        {
            let Ok(other) = IdCardNo::parse(&holder) else {
                continue;
            };
            if &other == id_card {
                continue;
            }
            match self.registries().civil.relation(id_card, &other).await {
                Ok(answer) => {
                    facts.sources.push(format!(
                        "民政登记：该凭证的其他使用人 {} {}（查询号 {}）",
                        other.masked(),
                        answer.relation.words_to("本人"),
                        answer.reference
                    ));
                    facts.outside_family |= !answer.relation.is_close_family();
                }
                Err(e) => {
                    facts.sources.push(format!(
                        "民政登记（凭证其他使用人 {}）：{e}",
                        other.masked()
                    ));
                    silent.push(e.to_string());
                }
            }
        }
        if !silent.is_empty() {
            facts.unverified = Some(silent.join("；"));
        }
        Ok(facts)
    }

    /// For a purchase: the e-licence library's property certificate under
    /// the evidence number, if it holds one — whose it is, by the registers.
    /// Returns the holder when it is nobody in the member's family.
    pub(super) async fn licence_facts(
        &self,
        id_card: &IdCardNo,
        number: &str,
        sources: &mut Vec<String>,
    ) -> AppResult<Option<String>> {
        let answer = match self
            .registries()
            .licences
            .licence(LicenceKind::Property, number)
            .await
        {
            Ok(answer) => answer,
            Err(e) => {
                // The documents are reviewed by a clerk either way.
                sources.push(format!(
                    "电子证照（不动产权证书 {number}）：{e}，按所附材料核验"
                ));
                return Ok(None);
            }
        };
        let Some(licence) = answer.licence else {
            sources.push(format!(
                "电子证照库无不动产权证书 {number}（查询号 {}），按所附材料核验",
                answer.reference
            ));
            return Ok(None);
        };
        if &licence.holder == id_card {
            sources.push(format!(
                "电子证照：不动产权证书 {number}，权利人为本人（查询号 {}）",
                answer.reference
            ));
            return Ok(None);
        }
        let relation = self
            .registries()
            .civil
            .relation(id_card, &licence.holder)
            .await;
        match relation {
            Ok(r) => {
                sources.push(format!(
                    "电子证照：不动产权证书 {number}，权利人 {} {}（查询号 {}、{}）",
                    licence.holder.masked(),
                    r.relation.words_to("本人"),
                    answer.reference,
                    r.reference
                ));
                Ok((!r.relation.is_close_family()).then(|| licence.holder.masked()))
            }
            Err(e) => {
                sources.push(format!(
                    "电子证照：不动产权证书 {number}，权利人 {}；民政登记：{e}，按所附材料核验",
                    licence.holder.masked()
                ));
                Ok(None)
            }
        }
    }

    /// Rent drawn (or held) in the window by a person, if they are a member
    /// of this centre (nothing otherwise).
    async fn rent_drawn_by(&self, id_card: &IdCardNo, window: &RentWindow) -> AppResult<Fen> {
        let Some(member) = self
            .collection_port()
            .member_by_id_card(id_card.as_str())
            .await?
        else {
            return Ok(Fen::ZERO);
        };
        let stats = self
            .withdrawal_port()
            .withdrawal_stats(member.member_id, "07", window.year_from, window.from)
            .await?;
        Ok(stats.rent_recent_fen)
    }
}
