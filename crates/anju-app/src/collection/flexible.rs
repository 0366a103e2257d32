//! 灵活就业人员 (flexible workers, Suzhou pilot 3.0 from 2025-07-01): online
//! sign-up with an agreement, then deposits of any amount at or above the
//! monthly minimum, monthly or whenever they like, through a payment channel.
//! K07 counts the workers contributing; K08 sets them against employed members.

use super::payment::{PaymentRequest, unknown_channel};
use crate::Collection;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::Role;
use anju_domain::collection::{MemberStatus, check_flexible_age, flexible_minimum};
use anju_domain::ids::{IdCardNo, MobileNo};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, DomainError, Fen, Period};
use anju_store::{AgreementRecord, DepositRecord, MemberChange, MemberRecord};

/// The agreement text's version a worker signs (shown on the sign-up page).
pub const AGREEMENT_VERSION: &str = "苏州灵活就业人员住房公积金缴存协议（2025-07版）";
/// K07 counts workers who deposited within this many days.
const CONTRIBUTING_WINDOW_DAYS: i32 = 365;

/// A sign-up as typed, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlexibleSignup {
    pub id_card: IdCardNo,
    pub name: String,
    pub mobile: MobileNo,
    /// The amount the worker means to deposit each month.
    pub monthly: Fen,
    /// The worker ticked “I have read and agree”.
    pub agreed: bool,
}

impl App {
    async fn try_sign_up(&self, s: &FlexibleSignup, today: Date) -> AppResult<MemberRecord> {
        if !s.agreed {
            return Err(DomainError::new("AGREEMENT_REQUIRED", "请阅读并同意缴存协议").into());
        }
        check_flexible_age(&s.id_card, today)?;
        self.check_minimum(s.monthly, today)?;
        let member = match self
            .collection_port()
            .member_by_id_card(s.id_card.as_str())
            .await?
        {
            None => self.open_flexible_account(s, today).await?,
            // An existing account is only continued by its holder: the name
            // on file must match before anything changes.
            Some(m) if m.name != s.name.trim() => {
                return Err(DomainError::new(
                    "MEMBER_NOT_MATCHED",
                    "身份证号与姓名不一致，请核对后重试或到柜台办理",
                )
                .into());
            }
            Some(m) => self.continue_as_flexible(m).await?,
        };
        let agreement = AgreementRecord {
            member_id: member.member_id,
            agreement_version: AGREEMENT_VERSION.to_string(),
            signed_on: today,
            mobile: s.mobile.as_str().to_string(),
            monthly_fen: s.monthly,
        };
        self.case_port().save_agreement(&agreement).await?;
        Ok(member)
    }

    fn check_minimum(&self, amount: Fen, today: Date) -> AppResult<()> {
        let rules = &self.policy().contribution.at(today)?.value;
        let minimum = flexible_minimum(rules)?;
        if amount < minimum {
            return Err(DomainError::new(
                "DEPOSIT_BELOW_MINIMUM",
                format!("每月缴存额不得低于 {minimum}"),
            )
            .into());
        }
        Ok(())
    }

    async fn open_flexible_account(
        &self,
        s: &FlexibleSignup,
        today: Date,
    ) -> AppResult<MemberRecord> {
        // The wage column holds the monthly amount the worker declared: a
        // flexible worker has no employer-reported wage.
        let (id_card, name) = (s.id_card.as_str(), s.name.trim());
        self.open_account_without_employer(id_card, name, MemberStatus::Active, s.monthly, today)
            .await
    }

    /// Opens an account no employer reports for (a flexible worker's, a
    /// remote borrower's loan-only one), its base as given.
    pub(crate) async fn open_account_without_employer(
        &self,
        id_card: &str,
        name: &str,
        status: MemberStatus,
        base: Fen,
        today: Date,
    ) -> AppResult<MemberRecord> {
        let record = MemberRecord {
            member_id: self.posting_port().reserve_ids(1),
            id_card: id_card.to_string(),
            name: name.to_string(),
            employer_id: None,
            status,
            wage_fen: base,
            employer_rate_ppm: None,
            member_rate_ppm: None,
            enrolled_at_us: crate::clock::now_micros(),
        };
        self.collection_port()
            .enrol_members(std::slice::from_ref(&record), today)
            .await?;
        Ok(record)
    }

    async fn continue_as_flexible(&self, m: MemberRecord) -> AppResult<MemberRecord> {
        if self.case_port().agreement(m.member_id).await?.is_some() {
            return Err(DomainError::new("AGREEMENT_EXISTS", "已签订灵活就业缴存协议").into());
        }
        match m.status {
            // A sign-up that stopped after opening the account resumes here.
            MemberStatus::Active if m.employer_id.is_none() => Ok(m),
            // A sealed account continues; a loan-only one starts taking
            // deposits here.
            MemberStatus::Sealed | MemberStatus::RemoteBorrower => {
                let change = MemberChange {
                    member_id: m.member_id,
                    expected_status: m.status,
                    status: MemberStatus::Active,
                    employer_id: None,
                    wage_fen: None,
                    on: None,
                };
                if !self.collection_port().update_member(&change).await? {
                    return Err(
                        DomainError::new("MEMBER_CHANGED", "账户状态已变化，请刷新后重试").into(),
                    );
                }
                Ok(MemberRecord {
                    status: change.status,
                    ..m
                })
            }
            MemberStatus::Active => Err(DomainError::new(
                "FLEXIBLE_EMPLOYED",
                "您的账户正由单位正常缴存，不能以灵活就业人员身份缴存",
            )
            .into()),
            other => Err(DomainError::new(
                "MEMBER_STATUS_INVALID",
                format!("账户状态为“{}”，不能办理", other.name_zh()),
            )
            .into()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn try_deposit(
        &self,
        actor: &Actor,
        member_id: i64,
        period: Period,
        amount: Fen,
        channel: &str,
        request_key: &str,
        today: Date,
    ) -> AppResult<DepositRecord> {
        let key_ok = (8..=64).contains(&request_key.len())
            && request_key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !key_ok {
            return Err(
                DomainError::new("REQUEST_KEY_INVALID", "请求已失效，请刷新页面后重试").into(),
            );
        }
        if let Some(p) = &actor.principal
            && p.role == Role::Member
            && p.member_id != Some(member_id)
        {
            return Err(DomainError::new("MEMBER_SCOPE", "只能为本人账户缴存").into());
        }
        let member = self.member_record(member_id).await?;
        let signed = self.case_port().agreement(member_id).await?.is_some();
        if !signed || member.employer_id.is_some() || member.status != MemberStatus::Active {
            return Err(DomainError::new(
                "FLEXIBLE_NOT_SIGNED",
                "该账户不是正常状态的灵活就业缴存账户",
            )
            .into());
        }
        if period > Period::of_date(today) {
            return Err(DomainError::new("DEPOSIT_PERIOD", "不能预缴以后月份").into());
        }
        self.check_minimum(amount, today)?;
        let adapter = self
            .payment_adapters()
            .iter()
            .find(|a| a.channel() == channel)
            .ok_or_else(|| unknown_channel(channel))?;
        let deposit_id = self.posting_port().reserve_ids(1);
        let receipt = adapter
            .collect(&PaymentRequest {
                order_id: deposit_id,
                payer: member.id_card.clone(),
                amount,
                requested_on: today,
            })
            .await?;
        let entry = NewEntry::new(
            "C01",
            receipt.paid_on,
            IdempotencyKey::parse(&format!("flex-{member_id}-{request_key}"))?,
            &format!("{period} 灵活就业缴存"),
            vec![
                Line::debit("101", amount),
                Line::credit("201", amount).for_member(MemberId(member_id)),
            ],
        )?;
        let posted = self.ledger().post_entry(entry).await?;
        let deposit = DepositRecord {
            deposit_id,
            member_id,
            period: i32::try_from(period.yyyymm()).unwrap_or(0),
            amount_fen: amount,
            paid_on: receipt.paid_on,
            channel: receipt.channel.to_string(),
            reference: receipt.reference,
            entry_id: posted.entry_id.0,
            request_key: request_key.to_string(),
            applied_via: actor.channel,
        };
        self.case_port().save_deposit(&deposit).await?;
        Ok(deposit)
    }
}

impl Collection<'_> {
    /// 灵活就业开户: a new person gets an account without an employer; a
    /// person whose account is sealed (left a job) continues in it.
    pub async fn sign_up_flexible(
        self,
        actor: &Actor,
        signup: &FlexibleSignup,
        today: Date,
    ) -> AppResult<MemberRecord> {
        let result = self.try_sign_up(signup, today).await;
        let target = format!("id:{}", signup.id_card.masked());
        self.audited(actor, "flexible.signup", &target, b"", result)
            .await
    }

    /// What an online sign-up must pass before anything is written: a new
    /// sign-in's password meets the policy (a person who already has a
    /// sign-in keeps it).
    pub async fn check_signup_password(
        self,
        id_card: &IdCardNo,
        password: &str,
        today: Date,
    ) -> AppResult<bool> {
        if self
            .access_port()
            .user_by_login(id_card.as_str())
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let rules = self.policy().security.at(today)?.value;
        anju_domain::access::check_password_strength(password, rules)?;
        Ok(true)
    }

    /// A deposit for `period` (any amount at or above the monthly minimum),
    /// collected through `channel` and posted Dr 101 / Cr 201 on the day the
    /// money arrives. `request_key` (minted by the page, or the caller) makes
    /// a resubmitted request return the first deposit instead of collecting
    /// again.
    #[allow(clippy::too_many_arguments)]
    pub async fn deposit_flexible(
        self,
        actor: &Actor,
        member_id: i64,
        period: Period,
        amount: Fen,
        channel: &str,
        request_key: &str,
        today: Date,
    ) -> AppResult<DepositRecord> {
        let result = match self
            .case_port()
            .deposit_by_key(member_id, request_key)
            .await?
        {
            Some(done) => Ok(done),
            None => {
                self.try_deposit(
                    actor,
                    member_id,
                    period,
                    amount,
                    channel,
                    request_key,
                    today,
                )
                .await
            }
        };
        let payload = format!("{period}|{amount}|{channel}");
        self.audited(
            actor,
            "flexible.deposit",
            &format!("member:{member_id}"),
            payload.as_bytes(),
            result,
        )
        .await
    }

    pub async fn flexible_agreement(self, member_id: i64) -> AppResult<Option<AgreementRecord>> {
        Ok(self.case_port().agreement(member_id).await?)
    }

    pub async fn flexible_deposits(self, member_id: i64) -> AppResult<Vec<DepositRecord>> {
        Ok(self.case_port().deposits_of(member_id, 120).await?)
    }

    /// K07 (flexible workers who deposited in the last year) and the K08
    /// denominator (members contributing through an employer), as of `today`.
    pub async fn flexible_counts(self, today: Date) -> AppResult<(i64, i64)> {
        let since = today.add_days(-CONTRIBUTING_WINDOW_DAYS)?;
        Ok((
            self.case_port().count_flexible_contributing(since).await?,
            self.case_port().count_employed_members().await?,
        ))
    }

    /// The monthly minimum in force on `today`.
    pub fn flexible_minimum_on(self, today: Date) -> AppResult<Fen> {
        Ok(flexible_minimum(
            &self.policy().contribution.at(today)?.value,
        )?)
    }
}
