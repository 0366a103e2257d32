//! The facts a loan decision rests on that only a registry can give: the
//! borrower's credit grade (征信), HPF loans with a balance at any centre in
//! the country (the national HPF data: the first-home test and the "no
//! outstanding loan" rule), and how each co-borrower is related to the
//! borrower (民政). Each answer is written down with its reference number.
//! A registry that does not answer stops the assessment with
//! `REGISTRY_UNAVAILABLE` — the applicant may try again; nothing is written
//! and nothing is decided on a guess.

use crate::registries::{RemoteContribution, Unavailable};
use crate::{App, AppError, AppResult};
use anju_domain::DomainError;
use anju_domain::facts::Relation;
use anju_domain::ids::IdCardNo;
use anju_domain::loan::CreditGrade;

/// What the registries said about the borrower and the co-borrowers.
pub(super) struct LoanFacts {
    pub grade: CreditGrade,
    /// "centre loan-no（余额 …）" for each HPF loan with a balance elsewhere.
    pub loans_elsewhere: Vec<String>,
    /// Each co-borrower's relation to the borrower, in order.
    pub relations: Vec<Relation>,
    /// Co-borrowers the registers show no family tie to, a certificate
    /// that is not the borrower's.
    pub refusals: Vec<String>,
    pub sources: Vec<String>,
    /// A remote borrower's certificate as its centre confirmed it.
    pub remote: Option<RemoteContribution>,
}

/// What the issuing centre said of a certificate: the line for the
/// decision's sources, and the certificate or why it cannot be used.
pub(super) struct CertificateCheck {
    pub source: Option<String>,
    pub outcome: Result<RemoteContribution, String>,
}

impl LoanFacts {
    /// The family ceiling is for a couple: a spouse must borrow too.
    pub fn spouse_co_borrows(&self) -> bool {
        self.relations.contains(&Relation::Spouse)
    }
}

pub(crate) fn registry_unavailable(e: Unavailable) -> AppError {
    DomainError::new(
        "REGISTRY_UNAVAILABLE",
        format!("{e}，暂不能核定贷款条件，请稍后再试"),
    )
    .into()
}

impl App {
    pub(super) async fn loan_facts(
        &self,
        borrower: &IdCardNo,
        co_borrowers: &[IdCardNo],
        remote: Option<&super::RemoteCertificate>,
    ) -> AppResult<LoanFacts> {
        let registries = self.registries();
        let credit = registries
            .credit
            .grade(borrower)
            .await
            .map_err(registry_unavailable)?;
        let mut sources = vec![format!(
            "征信：信用等级 {}（查询号 {}）",
            credit.grade.code(),
            credit.reference
        )];
        let this_centre = self.policy().centre_name.clone();
        let mut loans_elsewhere = Vec::new();
        for (whose, person) in std::iter::once(("借款人", borrower))
            .chain(co_borrowers.iter().map(|c| ("共同借款人", c)))
        {
            let answer = registries
                .hpf_loans
                .outstanding(person)
                .await
                .map_err(registry_unavailable)?;
            // This centre's own loans are counted from its own book.
            let theirs: Vec<String> = answer
                .loans
                .iter()
                .filter(|l| l.centre != this_centre)
                .map(|l| format!("{} {}（余额 {}）", l.centre, l.loan_no, l.principal))
                .collect();
            sources.push(match theirs.is_empty() {
                true => format!(
                    "全国公积金贷款数据：{whose}在外地无未结清贷款（查询号 {}）",
                    answer.reference
                ),
                false => format!(
                    "全国公积金贷款数据：{whose}有未结清贷款 {}（查询号 {}）",
                    theirs.join("、"),
                    answer.reference
                ),
            });
            loans_elsewhere.extend(theirs);
        }
        let mut relations = Vec::new();
        let mut refusals = Vec::new();
        for co in co_borrowers {
            let answer = registries
                .civil
                .relation(borrower, co)
                .await
                .map_err(registry_unavailable)?;
            sources.push(format!(
                "民政登记：共同借款人 {} {}（查询号 {}）",
                co.masked(),
                answer.relation.words_to("借款人"),
                answer.reference
            ));
            if !answer.relation.is_close_family() {
                refusals.push(format!(
                    "共同借款人 {} 须为借款人的配偶、父母或子女，民政登记无此关系",
                    co.masked()
                ));
            }
            relations.push(answer.relation);
        }
        let remote = match remote {
            Some(asked) => {
                let check = self.check_certificate(borrower, asked).await?;
                sources.extend(check.source);
                match check.outcome {
                    Ok(certificate) => Some(certificate),
                    Err(why) => {
                        refusals.push(why);
                        None
                    }
                }
            }
            None => None,
        };
        Ok(LoanFacts {
            grade: credit.grade,
            loans_elsewhere,
            relations,
            refusals,
            sources,
            remote,
        })
    }

    /// Asks the issuing centre to confirm a remote borrower's certificate;
    /// its figures (balance, consecutive months, base) are the centre's.
    pub(super) async fn check_certificate(
        &self,
        borrower: &IdCardNo,
        asked: &super::RemoteCertificate,
    ) -> AppResult<CertificateCheck> {
        let refused = |source: Option<String>, why: String| CertificateCheck {
            source,
            outcome: Err(why),
        };
        let no = asked.certificate_no.trim();
        if no.is_empty() || asked.centre.trim().is_empty() {
            let why = "异地贷款须填写缴存地中心和缴存使用证明编号".to_string();
            return Ok(refused(None, why));
        }
        let answer = self
            .registries()
            .certificates
            .certificate(no)
            .await
            .map_err(registry_unavailable)?;
        let Some(found) = answer.certificate.filter(|c| c.certificate_no == no) else {
            let source = format!(
                "异地缴存使用证明 {no}：无此证明（查询号 {}）",
                answer.reference
            );
            return Ok(refused(
                Some(source),
                format!("缴存使用证明 {no} 经核验不存在"),
            ));
        };
        let source = Some(format!(
            "异地缴存使用证明 {no}：{}，余额 {}，连续缴存 {} 个月，{} 出具（查询号 {}）",
            found.centre, found.balance, found.months, found.issued_on, answer.reference
        ));
        if found.balance.is_negative() || found.months < 0 || !found.base.is_positive() {
            // Not an answer to book a loan on: the issuing centre must say
            // it again, properly.
            return Err(registry_unavailable(crate::registries::Unavailable {
                party: anju_domain::facts::Party::Centres,
                why: format!("缴存使用证明 {no} 的余额、月数或缴存基数无法识别"),
            }));
        }
        if &found.holder != borrower {
            let why = format!("缴存使用证明 {no} 的缴存人不是借款人本人");
            return Ok(refused(source, why));
        }
        if found.centre != asked.centre.trim() {
            let why = format!(
                "缴存使用证明 {no} 由{}出具，与所填缴存地中心不符",
                found.centre
            );
            return Ok(refused(source, why));
        }
        Ok(CertificateCheck {
            source,
            outcome: Ok(found),
        })
    }
}
