//! The employer life cycle (封存, 启封, 注销) and the “一件事” registration
//! messages that open and close accounts; what a member contributes now.

use super::{not_found, rates_pair};
use crate::Collection;
use crate::access::Actor;
use crate::collection::check_scope;
use crate::{App, AppResult};
use anju_domain::collection::BillStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::collection::{ContributionRates, EmployerStatus, check_rates};
use anju_domain::ids::Uscc;
use anju_domain::{Date, DomainError, Period};
use anju_store::{EmployerRecord, MemberRecord};

/// A 一件事 company-registration message (企业开办“一件事”): the new company's
/// code and name, as the market-regulation platform sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRegistered {
    pub message_id: String,
    pub uscc: String,
    pub name: String,
    pub economic_type: Option<String>,
    pub industry: Option<String>,
}

impl App {
    /// The employer, or `EMPLOYER_NOT_FOUND`.
    pub(crate) async fn employer_record(&self, employer_id: i64) -> AppResult<EmployerRecord> {
        self.collection_port()
            .employer(employer_id)
            .await?
            .ok_or_else(|| not_found("EMPLOYER_NOT_FOUND", format!("单位 {employer_id} 不存在")))
    }

    /// The member's account, or `MEMBER_NOT_FOUND`.
    pub(crate) async fn member_record(&self, member_id: i64) -> AppResult<MemberRecord> {
        self.collection_port()
            .member(member_id)
            .await?
            .ok_or_else(|| not_found("MEMBER_NOT_FOUND", format!("个人账户 {member_id} 不存在")))
    }

    async fn move_employer(
        &self,
        employer_id: i64,
        from: &[EmployerStatus],
        to: EmployerStatus,
    ) -> AppResult<EmployerRecord> {
        let employer = self.employer_record(employer_id).await?;
        if !self
            .case_port()
            .set_employer_status(employer_id, from, to)
            .await?
        {
            let now = employer.status.name_zh();
            return Err(DomainError::new(
                "EMPLOYER_STATUS_INVALID",
                format!("单位状态为“{now}”，不能办理“{}”", to.name_zh()),
            )
            .into());
        }
        self.employer_record(employer_id).await
    }

    /// Refuses while members are attached or bills are unpaid.
    async fn check_employer_empty(&self, employer_id: i64) -> AppResult<()> {
        let attached = self.case_port().count_attached_members(employer_id).await?;
        if attached > 0 {
            return Err(DomainError::new(
                "EMPLOYER_HAS_MEMBERS",
                format!("单位仍有 {attached} 名职工未封存或转出，请先办理减员"),
            )
            .into());
        }
        let open = self
            .collection_port()
            .bills_of(employer_id, 1_000)
            .await?
            .into_iter()
            .filter(|b| b.status == BillStatus::Open)
            .count();
        if open > 0 {
            return Err(DomainError::new(
                "EMPLOYER_HAS_OPEN_BILLS",
                format!("单位尚有 {open} 笔清册未缴纳"),
            )
            .into());
        }
        Ok(())
    }

    async fn try_close_employer(&self, employer_id: i64) -> AppResult<EmployerRecord> {
        self.check_employer_empty(employer_id).await?;
        let from = [
            EmployerStatus::Active,
            EmployerStatus::Opened,
            EmployerStatus::Deferred,
            EmployerStatus::Sealed,
        ];
        self.move_employer(employer_id, &from, EmployerStatus::Closed)
            .await
    }

    async fn try_open_from_message(
        &self,
        m: &CompanyRegistered,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        let uscc = Uscc::parse(&m.uscc)?;
        if let Some(existing) = self
            .collection_port()
            .employer_by_uscc(uscc.as_str())
            .await?
        {
            if existing.source == "yjs" {
                return Ok(existing);
            }
            return Err(DomainError::new("EMPLOYER_EXISTS", "该统一社会信用代码已登记").into());
        }
        let rules = &self.policy().contribution.at(today)?.value;
        let rates = ContributionRates {
            employer: rules.rate_min,
            member: rules.rate_min,
        };
        let profile = anju_domain::collection::EmployerProfile::new(
            m.economic_type.as_deref(),
            m.industry.as_deref(),
            None,
        )?;
        let registration = anju_domain::collection::EmployerRegistration::new(
            uscc.as_str(),
            &m.name,
            None,
            rates,
        )?
        .with_profile(profile);
        let record = self.new_employer(&registration, EmployerStatus::Opened, "yjs");
        self.collection_port().register_employer(&record).await?;
        Ok(record)
    }

    /// Tells the employer's agents (inbox and their channels).
    pub(super) async fn tell_employer(
        &self,
        employer_id: i64,
        title: &str,
        body: &str,
    ) -> AppResult<()> {
        for user_id in self.case_port().employer_user_ids(employer_id).await? {
            self.access()
                .notify(user_id, "collection", title, body)
                .await?;
        }
        Ok(())
    }
}

impl Collection<'_> {
    /// 单位封存: a company that stopped business keeps its account, sealed.
    pub async fn seal_employer(self, actor: &Actor, employer_id: i64) -> AppResult<EmployerRecord> {
        let result = async {
            self.check_employer_empty(employer_id).await?;
            let from = [
                EmployerStatus::Active,
                EmployerStatus::Opened,
                EmployerStatus::Deferred,
            ];
            self.move_employer(employer_id, &from, EmployerStatus::Sealed)
                .await
        }
        .await;
        let target = format!("employer:{employer_id}");
        self.audited(actor, "employer.seal", &target, b"", result)
            .await
    }

    /// 单位启封.
    pub async fn unseal_employer(
        self,
        actor: &Actor,
        employer_id: i64,
    ) -> AppResult<EmployerRecord> {
        let result = self
            .move_employer(
                employer_id,
                &[EmployerStatus::Sealed],
                EmployerStatus::Active,
            )
            .await;
        let target = format!("employer:{employer_id}");
        self.audited(actor, "employer.unseal", &target, b"", result)
            .await
    }

    /// 单位销户: only once no member remains attached and nothing is owed.
    pub async fn close_employer(
        self,
        actor: &Actor,
        employer_id: i64,
    ) -> AppResult<EmployerRecord> {
        let result = self.try_close_employer(employer_id).await;
        let target = format!("employer:{employer_id}");
        self.audited(actor, "employer.close", &target, b"", result)
            .await
    }

    /// “一件事”: a company-registration message opens the employer account
    /// (状态 02 开户, default rates at the policy minimum) until its agent
    /// enrols staff. A message delivered twice returns the same account.
    pub async fn open_employer_from_message(
        self,
        actor: &Actor,
        message: &CompanyRegistered,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        let result = self.try_open_from_message(message, today).await;
        let target = format!("uscc:{}", message.uscc);
        self.audited(
            actor,
            "employer.yjs.open",
            &target,
            message.message_id.as_bytes(),
            result,
        )
        .await
    }

    /// “一件事” deregistration (企业注销): closes the account once no member
    /// remains attached; otherwise refused with the reason, and nothing changes.
    pub async fn close_employer_from_message(
        self,
        actor: &Actor,
        uscc: &str,
        message_id: &str,
    ) -> AppResult<EmployerRecord> {
        let result = async {
            let uscc = Uscc::parse(uscc)?;
            let employer = self
                .collection_port()
                .employer_by_uscc(uscc.as_str())
                .await?
                .ok_or_else(|| not_found("EMPLOYER_NOT_FOUND", format!("单位 {uscc} 未登记")))?;
            if employer.status == EmployerStatus::Closed {
                return Ok(employer);
            }
            self.try_close_employer(employer.employer_id).await
        }
        .await;
        let target = format!("uscc:{uscc}");
        self.audited(
            actor,
            "employer.yjs.close",
            &target,
            message_id.as_bytes(),
            result,
        )
        .await
    }

    /// The agent confirms (an account opened by “一件事”) or changes the pay
    /// day and the rates, within today's policy band. An opened account
    /// becomes 正常.
    pub async fn confirm_employer_terms(
        self,
        actor: &Actor,
        employer_id: i64,
        pay_day: Option<u32>,
        rates: ContributionRates,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        let result = async {
            check_scope(actor, employer_id)?;
            let employer = self.active_employer(employer_id).await?;
            let checked = anju_domain::collection::EmployerRegistration::new(
                &employer.uscc,
                &employer.name,
                pay_day,
                rates,
            )?;
            check_rates(rates, &self.policy().contribution.at(today)?.value)?;
            let lower = rates.employer.ppm() < employer.employer_rate_ppm.ppm()
                || rates.member.ppm() < employer.member_rate_ppm.ppm();
            if lower && employer.status != EmployerStatus::Opened {
                return Err(DomainError::new(
                    "RATE_REDUCTION_NEEDS_APPROVAL",
                    "降低缴存比例须经职工代表大会或工会同意，请提交降比例申请",
                )
                .into());
            }
            self.case_port()
                .set_employer_terms(
                    employer_id,
                    checked.pay_day.and_then(|d| i32::try_from(d).ok()),
                    rates.employer.ppm(),
                    rates.member.ppm(),
                )
                .await?;
            self.case_port()
                .set_employer_status(
                    employer_id,
                    &[EmployerStatus::Opened],
                    EmployerStatus::Active,
                )
                .await?;
            self.employer_record(employer_id).await
        }
        .await;
        let payload = format!("{pay_day:?}|{}|{}", rates.employer, rates.member);
        let target = format!("employer:{employer_id}");
        self.audited(actor, "employer.terms", &target, payload.as_bytes(), result)
            .await
    }

    /// What a member contributes a month now (base, employer part, own part),
    /// with the rates and limits in force today; `None` when not employed.
    pub async fn member_contribution(
        self,
        member_id: i64,
        today: Date,
    ) -> AppResult<Option<anju_domain::collection::MonthlyContribution>> {
        let Some(member) = self.collection_port().member(member_id).await? else {
            return Ok(None);
        };
        let (Some(employer_id), true) = (member.employer_id, member.status == MemberStatus::Active)
        else {
            return Ok(None);
        };
        let employer = self.employer_record(employer_id).await?;
        let own = rates_pair(member.employer_rate_ppm, member.member_rate_ppm)?;
        let relief = self
            .relief_for(employer_id, Period::of_date(today))
            .await?
            .rates;
        let rates = match (own, relief) {
            (Some(r), _) | (None, Some(r)) => r,
            (None, None) => ContributionRates {
                employer: employer.employer_rate_ppm,
                member: employer.member_rate_ppm,
            },
        };
        let rules = &self.policy().contribution.at(today)?.value;
        Ok(Some(anju_domain::collection::monthly_contribution(
            member.wage_fen,
            rates,
            rules,
        )?))
    }
}
