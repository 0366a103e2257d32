//! Collection casework around the monthly bill: the employer life cycle and
//! the “一件事” registration messages, staff search, back payments (补缴),
//! bill correction (错缴更正) and hardship reliefs (缓缴/降比例) through
//! maker-checker tasks, the yearly base filing (K05), enforcement cases, and
//! the daily collection job.

use super::check_scope;
use crate::access::{Actor, TaskDraft, acting, checked_reason};
use crate::{App, AppResult};
use anju_domain::access::TaskKind;
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::CaseStatus;
use anju_domain::collection::MemberStatus;
use anju_domain::collection::ReliefStatus;
use anju_domain::collection::{
    BackPayRequest, BillLine, CaseStep, ContributionRates, EmployerStatus, ReliefApplication,
    ReliefKind, RowError, back_payment_lines, charged_per_member, check_deadline, check_next_step,
    check_rates, deferred_due_date, parse_base_file,
};
use anju_domain::ids::Uscc;
use anju_domain::ledger::{EntryId, IdempotencyKey, MemberId};
use anju_domain::{Date, DomainError, Fen, Period, RatePpm};
use anju_store::{
    BaseFilingRecord, BillLineRecord, BillRecord, CaseRecord, CaseStepRecord, EmployerRecord,
    MemberRecord, NewBase, ReliefRecord,
};
use std::collections::{BTreeMap, HashMap};

/// Days an automatic 催缴 reminder gives the employer.
pub const REMINDER_DAYS: i32 = 15;
/// Longest document number or note staff may type.
const MAX_TEXT_CHARS: usize = 200;
/// Overdue employers the daily job reads at a time.
const OVERDUE_EMPLOYERS_PAGE: u32 = 1_000;
/// Reliefs looked at when billing a month (an employer has few).
const RELIEF_PAGE: u32 = 100;

/// What an approved relief changes in a month's bill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReliefFor {
    /// Reduced rates (降比例).
    pub rates: Option<ContributionRates>,
    /// The later due date of a deferred month (缓缴).
    pub due_date: Option<Date>,
}

impl ReliefFor {
    /// Adds what an approved relief covering the month changes.
    fn add(&mut self, r: &ReliefRecord) -> AppResult<()> {
        match r.kind {
            ReliefKind::Deferral => {
                self.due_date = Some(deferred_due_date(period_of(r.to_period)?)?);
            }
            ReliefKind::RateReduction => {
                self.rates = rates_pair(r.employer_rate_ppm, r.member_rate_ppm)?;
            }
        }
        Ok(())
    }
}

/// A step staff add to an enforcement case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStepInput {
    pub step: CaseStep,
    pub deadline: Option<Date>,
    /// 文书编号 of the notice, decision or court filing.
    pub document: String,
    pub note: String,
}

/// What the daily collection job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectionDay {
    /// Employers whose deferral ended and who are back to 正常.
    pub deferrals_ended: Vec<i64>,
    /// Employers with an overdue bill.
    pub overdue_employers: usize,
    /// Enforcement cases opened today with a 催缴 reminder.
    pub cases_opened: Vec<i64>,
}

fn not_found(code: &'static str, what: String) -> crate::AppError {
    DomainError::new(code, what).into()
}

fn checked_text(text: &str, what: &str, required: bool) -> AppResult<String> {
    let text = text.trim();
    if (required && text.is_empty()) || text.chars().count() > MAX_TEXT_CHARS {
        return Err(DomainError::new("TEXT_INVALID", format!("请填写{what}（200字以内）")).into());
    }
    Ok(text.to_string())
}

fn period_of(value: i32) -> AppResult<Period> {
    Ok(Period::from_yyyymm(u32::try_from(value).unwrap_or(0))?)
}

fn period_value(period: Period) -> i32 {
    i32::try_from(period.yyyymm()).unwrap_or(0)
}

fn rates_pair(employer: Option<i64>, member: Option<i64>) -> AppResult<Option<ContributionRates>> {
    match (employer, member) {
        (Some(e), Some(m)) => Ok(Some(ContributionRates {
            employer: RatePpm::new(e)?,
            member: RatePpm::new(m)?,
        })),
        _ => Ok(None),
    }
}

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
    // ----- employer life cycle -----

    async fn employer_record(&self, employer_id: i64) -> AppResult<EmployerRecord> {
        self.store()
            .employer(employer_id)
            .await?
            .ok_or_else(|| not_found("EMPLOYER_NOT_FOUND", format!("单位 {employer_id} 不存在")))
    }

    async fn move_employer(
        &self,
        employer_id: i64,
        from: &[EmployerStatus],
        to: EmployerStatus,
    ) -> AppResult<EmployerRecord> {
        let employer = self.employer_record(employer_id).await?;
        if !self
            .store()
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
        let attached = self.store().count_attached_members(employer_id).await?;
        if attached > 0 {
            return Err(DomainError::new(
                "EMPLOYER_HAS_MEMBERS",
                format!("单位仍有 {attached} 名职工未封存或转出，请先办理减员"),
            )
            .into());
        }
        let open = self
            .store()
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

    /// 单位封存: a company that stopped business keeps its account, sealed.
    pub async fn seal_employer(
        &self,
        actor: &Actor,
        employer_id: i64,
    ) -> AppResult<EmployerRecord> {
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
        &self,
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
        &self,
        actor: &Actor,
        employer_id: i64,
    ) -> AppResult<EmployerRecord> {
        let result = self.try_close_employer(employer_id).await;
        let target = format!("employer:{employer_id}");
        self.audited(actor, "employer.close", &target, b"", result)
            .await
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

    /// “一件事”: a company-registration message opens the employer account
    /// (状态 02 开户, default rates at the policy minimum) until its agent
    /// enrols staff. A message delivered twice returns the same account.
    pub async fn open_employer_from_message(
        &self,
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

    async fn try_open_from_message(
        &self,
        m: &CompanyRegistered,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        let uscc = Uscc::parse(&m.uscc)?;
        if let Some(existing) = self.store().employer_by_uscc(uscc.as_str()).await? {
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
        self.store().register_employer(&record).await?;
        Ok(record)
    }

    /// “一件事” deregistration (企业注销): closes the account once no member
    /// remains attached; otherwise refused with the reason, and nothing changes.
    pub async fn close_employer_from_message(
        &self,
        actor: &Actor,
        uscc: &str,
        message_id: &str,
    ) -> AppResult<EmployerRecord> {
        let result = async {
            let uscc = Uscc::parse(uscc)?;
            let employer = self
                .store()
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
        &self,
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
            let lower = rates.employer.ppm() < employer.employer_rate_ppm
                || rates.member.ppm() < employer.member_rate_ppm;
            if lower && employer.status != EmployerStatus::Opened {
                return Err(DomainError::new(
                    "RATE_REDUCTION_NEEDS_APPROVAL",
                    "降低缴存比例须经职工代表大会或工会同意，请提交降比例申请",
                )
                .into());
            }
            self.store()
                .set_employer_terms(
                    employer_id,
                    checked.pay_day.and_then(|d| i32::try_from(d).ok()),
                    rates.employer.ppm(),
                    rates.member.ppm(),
                )
                .await?;
            self.store()
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
        &self,
        member_id: i64,
        today: Date,
    ) -> AppResult<Option<anju_domain::collection::MonthlyContribution>> {
        let Some(member) = self.store().member(member_id).await? else {
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
                employer: RatePpm::new(employer.employer_rate_ppm)?,
                member: RatePpm::new(employer.member_rate_ppm)?,
            },
        };
        let rules = &self.policy().contribution.at(today)?.value;
        Ok(Some(anju_domain::collection::monthly_contribution(
            Fen::new(member.wage_fen),
            rates,
            rules,
        )?))
    }

    /// Tells the employer's agents (inbox and their channels).
    async fn tell_employer(&self, employer_id: i64, title: &str, body: &str) -> AppResult<()> {
        for user_id in self.store().employer_user_ids(employer_id).await? {
            self.notify(user_id, "collection", title, body).await?;
        }
        Ok(())
    }

    /// Staff search: employers by credit code or name, members by ID number
    /// or name. Pages mask what they show.
    pub async fn search_registry(
        &self,
        text: &str,
    ) -> AppResult<(Vec<EmployerRecord>, Vec<MemberRecord>)> {
        let text = text.trim();
        if text.chars().count() < 2 || text.chars().count() > 50 {
            return Err(DomainError::new("SEARCH_TEXT", "请输入2至50个字的查询条件").into());
        }
        let employers = self.store().search_employers(text, 50).await?;
        let members = self.store().search_members(text, 50).await?;
        Ok((employers, members))
    }

    // ----- back payments and corrections -----

    /// 补缴 for a past month whose monthly bill is paid: members missed from it
    /// owe the month, members on it with a base set too low the difference.
    /// The bill is paid like any other and credited when the money arrives.
    pub async fn create_back_payment(
        &self,
        actor: &Actor,
        employer_id: i64,
        period: Period,
        reason: &str,
        requests: &[BackPayRequest],
        today: Date,
    ) -> AppResult<BillRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_back_payment(employer_id, period, reason, requests, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}/{period}");
        self.audited(
            actor,
            "remittance.backpay",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }

    async fn try_back_payment(
        &self,
        employer_id: i64,
        period: Period,
        reason: &str,
        requests: &[BackPayRequest],
        today: Date,
    ) -> AppResult<BillRecord> {
        let reason = checked_reason(reason)?;
        let employer = self.employer_record(employer_id).await?;
        if period >= Period::of_date(today) {
            return Err(DomainError::new("BACKPAY_PERIOD", "补缴只适用于本月以前的月份").into());
        }
        let monthly = self
            .store()
            .monthly_bill(employer_id, period_value(period))
            .await?;
        let monthly = match monthly {
            Some(b) if b.status == BillStatus::Paid => b,
            Some(_) => {
                return Err(DomainError::new(
                    "BACKPAY_MONTHLY_OPEN",
                    format!("{period} 的汇缴清册尚未缴纳，请先缴纳该清册"),
                )
                .into());
            }
            None => {
                return Err(DomainError::new(
                    "BACKPAY_NO_MONTHLY_BILL",
                    format!("{period} 尚无汇缴清册，请先生成并缴纳该月汇缴"),
                )
                .into());
            }
        };
        let charged = self.charged_in_month(&monthly).await?;
        let mut requests = requests.to_vec();
        for r in &mut requests {
            let m = self.store().member(r.member.0).await?;
            let Some(m) = m.filter(|m| m.employer_id == Some(employer_id)) else {
                return Err(DomainError::new(
                    "MEMBER_NOT_IN_EMPLOYER",
                    format!("个人账户 {} 不属于本单位", r.member.0),
                )
                .into());
            };
            // The member's own rates, as the monthly bill charged them.
            r.rates = rates_pair(m.employer_rate_ppm, m.member_rate_ppm)?;
        }
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let rates =
            self.relief_for(employer_id, period)
                .await?
                .rates
                .unwrap_or(ContributionRates {
                    employer: RatePpm::new(employer.employer_rate_ppm)?,
                    member: RatePpm::new(employer.member_rate_ppm)?,
                });
        let lines = back_payment_lines(&requests, &charged, rates, rules)?;
        let total = lines
            .iter()
            .try_fold(Fen::ZERO, |acc, l| acc.checked_add(l.total()?))?;
        let record = BillRecord {
            bill_id: self.store().reserve_ids(1),
            employer_id,
            period: period_value(period),
            due_date: today,
            status: BillStatus::Open,
            total_fen: total.get(),
            line_count: i32::try_from(lines.len()).unwrap_or(i32::MAX),
            created_at_us: crate::clock::now_micros(),
            paid_entry_id: None,
            paid_on: None,
            payment_channel: None,
            payment_reference: None,
            kind: BillKind::BackPayment,
            reason: Some(reason),
            reversal_entry_id: None,
        };
        let rows: Vec<BillLineRecord> = lines
            .iter()
            .zip(1..)
            .map(|(l, line_no)| BillLineRecord {
                line_no,
                member_id: l.member.0,
                base_fen: l.base.get(),
                employer_fen: l.employer.get(),
                member_fen: l.member_part.get(),
            })
            .collect();
        self.store().save_bill(&record, &rows).await?;
        Ok(record)
    }

    /// What the month's bills have charged each member so far: the paid
    /// monthly bill and every back payment for the month not reversed (open or
    /// paid), so the same back payment cannot be billed twice.
    async fn charged_in_month(&self, monthly: &BillRecord) -> AppResult<Vec<BillLine>> {
        let mut lines = self.bill_lines(monthly.bill_id).await?;
        let earlier: Vec<BillRecord> = self
            .store()
            .bills_of(monthly.employer_id, 1_000)
            .await?
            .into_iter()
            .filter(|b| {
                b.period == monthly.period
                    && b.kind == BillKind::BackPayment
                    && b.reversal_entry_id.is_none()
            })
            .collect();
        for b in earlier {
            lines.extend(self.bill_lines(b.bill_id).await?);
        }
        Ok(charged_per_member(&lines)?)
    }

    /// Who a monthly bill adds and drops against last month's live bill:
    /// (joined, left) member ids, or `None` when last month had no bill.
    pub async fn roster_changes(
        &self,
        bill: &BillRecord,
        lines: &[BillLineRecord],
    ) -> AppResult<Option<(Vec<i64>, Vec<i64>)>> {
        let previous = period_of(bill.period)?.previous()?;
        let Some(last) = self
            .store()
            .monthly_bill(bill.employer_id, period_value(previous))
            .await?
        else {
            return Ok(None);
        };
        let before: std::collections::BTreeSet<i64> = self
            .bill_lines(last.bill_id)
            .await?
            .iter()
            .map(|l| l.member.0)
            .collect();
        let now: std::collections::BTreeSet<i64> = lines.iter().map(|l| l.member_id).collect();
        Ok(Some((
            now.difference(&before).copied().collect(),
            before.difference(&now).copied().collect(),
        )))
    }

    async fn bill_lines(&self, bill_id: i64) -> AppResult<Vec<BillLine>> {
        let (_, lines) = self
            .store()
            .bill(bill_id)
            .await?
            .ok_or_else(|| not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在")))?;
        Ok(lines
            .iter()
            .map(|l| BillLine {
                member: MemberId(l.member_id),
                base: Fen::new(l.base_fen),
                employer: Fen::new(l.employer_fen),
                member_part: Fen::new(l.member_fen),
            })
            .collect())
    }

    /// 错缴更正: a clerk asks to reverse a paid bill; on a reviewer's approval
    /// its entry is reversed and the month can be billed again correctly.
    pub async fn request_bill_correction(
        &self,
        actor: &Actor,
        bill_id: i64,
        reason: &str,
    ) -> AppResult<anju_store::TaskRecord> {
        let result = async {
            let maker = acting(actor)?;
            let reason = checked_reason(reason)?;
            let (bill, _) =
                self.store().bill(bill_id).await?.ok_or_else(|| {
                    not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在"))
                })?;
            if bill.status != BillStatus::Paid || bill.reversal_entry_id.is_some() {
                return Err(DomainError::new(
                    "BILL_NOT_CORRECTABLE",
                    "只有已缴纳且未更正的清册可以申请更正",
                )
                .into());
            }
            let mut targets = vec![format!("bill:{bill_id}")];
            if let Some(entry_id) = bill.paid_entry_id {
                targets.push(format!("entry:{entry_id}"));
            }
            self.refuse_if_pending(&targets).await?;
            let draft = TaskDraft {
                kind: TaskKind::BillCorrection,
                target: format!("bill:{bill_id}"),
                payload: serde_json::json!({ "bill_id": bill_id }).to_string(),
                summary: format!(
                    "更正单位 {} 的 {} 清册（{}）：{reason}",
                    bill.employer_id,
                    bill.period,
                    Fen::new(bill.total_fen)
                ),
                reason,
            };
            self.create_task(maker, draft, self.store().reserve_ids(1))
                .await
        }
        .await;
        let target = format!("bill:{bill_id}");
        self.audited(
            actor,
            "remittance.correct.request",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }

    /// The approved correction: reverse the payment, free the month.
    pub(crate) async fn correct_bill(&self, task: &anju_store::TaskRecord) -> AppResult<()> {
        let bill_id = task
            .target
            .strip_prefix("bill:")
            .and_then(|id| id.parse::<i64>().ok())
            .ok_or_else(|| DomainError::new("TASK_CORRUPT", "待办内容无效"))?;
        let (bill, _) = self
            .store()
            .bill(bill_id)
            .await?
            .ok_or_else(|| not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在")))?;
        let entry_id = bill
            .paid_entry_id
            .ok_or_else(|| DomainError::new("BILL_NOT_CORRECTABLE", "清册尚未缴纳"))?;
        let key = IdempotencyKey::parse(&format!("task-{}-reversal", task.task_id))?;
        let posted = self.reverse_entry(EntryId(entry_id), key).await?;
        self.store()
            .mark_bill_reversed(bill_id, posted.entry_id.0)
            .await?;
        Ok(())
    }

    // ----- deferral and rate reduction -----

    /// An employer applies for 缓缴 or 降比例; a reviewer decides.
    pub async fn apply_for_relief(
        &self,
        actor: &Actor,
        employer_id: i64,
        application: &ReliefApplication,
        today: Date,
    ) -> AppResult<ReliefRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_apply_for_relief(actor, employer_id, application, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}");
        let payload = format!(
            "{}|{}|{}",
            application.kind.code(),
            application.from,
            application.to
        );
        self.audited(
            actor,
            "employer.relief.apply",
            &target,
            payload.as_bytes(),
            result,
        )
        .await
    }

    async fn try_apply_for_relief(
        &self,
        actor: &Actor,
        employer_id: i64,
        a: &ReliefApplication,
        today: Date,
    ) -> AppResult<ReliefRecord> {
        let maker = acting(actor)?;
        let employer = self.active_employer(employer_id).await?;
        let rules = &self.policy().contribution.at(today)?.value;
        let current = ContributionRates {
            employer: RatePpm::new(employer.employer_rate_ppm)?,
            member: RatePpm::new(employer.member_rate_ppm)?,
        };
        a.check(Period::of_date(today), current, rules)?;
        let (from, to) = (period_value(a.from), period_value(a.to));
        let overlapping = self
            .store()
            .reliefs_of(employer_id, RELIEF_PAGE)
            .await?
            .into_iter()
            .any(|r| {
                r.kind == a.kind
                    && r.status != ReliefStatus::Rejected
                    && r.from_period <= to
                    && from <= r.to_period
            });
        if overlapping {
            return Err(DomainError::new(
                "RELIEF_OVERLAP",
                format!(
                    "{}—{} 已有待审批或已批准的{}申请",
                    a.from,
                    a.to,
                    a.kind.name_zh()
                ),
            )
            .into());
        }
        let ids = self.store().reserve_ids(2);
        let record = ReliefRecord {
            relief_id: ids,
            employer_id,
            kind: a.kind,
            from_period: period_value(a.from),
            to_period: period_value(a.to),
            employer_rate_ppm: a.rates.map(|r| r.employer.ppm()),
            member_rate_ppm: a.rates.map(|r| r.member.ppm()),
            reason: a.reason.trim().to_string(),
            consent: a.consent.trim().to_string(),
            status: ReliefStatus::Pending,
            task_id: ids + 1,
            filed_at_us: crate::clock::now_micros(),
        };
        let rates = a
            .rates
            .map(|r| format!("，比例降至 {}+{}", r.employer, r.member))
            .unwrap_or_default();
        let draft = TaskDraft {
            kind: TaskKind::EmployerRelief,
            target: format!("relief:{}", record.relief_id),
            payload: serde_json::json!({ "relief_id": record.relief_id }).to_string(),
            summary: format!(
                "{}（{}）申请{} {}—{}{rates}；决议：{}",
                employer.name,
                employer.uscc,
                a.kind.name_zh(),
                a.from,
                a.to,
                record.consent
            ),
            reason: record.reason.clone(),
        };
        self.store().save_relief(&record).await?;
        self.create_task(maker, draft, record.task_id).await?;
        Ok(record)
    }

    /// The decided relief: approved deferrals mark the employer 缓缴.
    pub(crate) async fn settle_relief(
        &self,
        task: &anju_store::TaskRecord,
        approve: bool,
    ) -> AppResult<()> {
        let relief = self
            .store()
            .relief_by_task(task.task_id)
            .await?
            .ok_or_else(|| DomainError::new("TASK_CORRUPT", "待办内容无效"))?;
        let status = if approve {
            ReliefStatus::Approved
        } else {
            ReliefStatus::Rejected
        };
        self.store().decide_relief(relief.relief_id, status).await?;
        if approve && relief.kind == ReliefKind::Deferral {
            self.store()
                .set_employer_status(
                    relief.employer_id,
                    &[EmployerStatus::Active],
                    EmployerStatus::Deferred,
                )
                .await?;
        }
        Ok(())
    }

    /// The approved reliefs that shape `period`'s bill.
    pub async fn relief_for(&self, employer_id: i64, period: Period) -> AppResult<ReliefFor> {
        let month = period_value(period);
        let mut found = ReliefFor::default();
        for r in self.store().reliefs_of(employer_id, RELIEF_PAGE).await? {
            if r.status == ReliefStatus::Approved && (r.from_period..=r.to_period).contains(&month)
            {
                found.add(&r)?;
            }
        }
        Ok(found)
    }

    /// Every employer's approved reliefs for `period`, for a run over all
    /// employers (one query, not one per employer).
    pub async fn reliefs_in(&self, period: Period) -> AppResult<HashMap<i64, ReliefFor>> {
        let mut all: HashMap<i64, ReliefFor> = HashMap::new();
        for r in self
            .store()
            .approved_reliefs_in(period_value(period))
            .await?
        {
            all.entry(r.employer_id).or_default().add(&r)?;
        }
        Ok(all)
    }

    pub async fn reliefs_of(&self, employer_id: i64) -> AppResult<Vec<ReliefRecord>> {
        Ok(self.store().reliefs_of(employer_id, RELIEF_PAGE).await?)
    }

    // ----- yearly base adjustment -----

    /// 年度基数调整: the employer files each active member's average monthly
    /// wage of last year; the bases apply to bills from 1 July of `year`
    /// (clamped to that year's limits when billed). Every active member must
    /// be filed, all or nothing.
    pub async fn file_bases(
        &self,
        actor: &Actor,
        employer_id: i64,
        year: i32,
        bases: &[NewBase],
        today: Date,
    ) -> AppResult<BaseFilingRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_file_bases(actor, employer_id, year, bases, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}/{year}");
        self.audited(actor, "employer.bases.file", &target, b"", result)
            .await
    }

    async fn try_file_bases(
        &self,
        actor: &Actor,
        employer_id: i64,
        year: i32,
        bases: &[NewBase],
        today: Date,
    ) -> AppResult<BaseFilingRecord> {
        self.active_employer(employer_id).await?;
        if year != today.contribution_year() {
            return Err(DomainError::new(
                "BASE_YEAR",
                format!(
                    "只能申报本缴存年度（{}年7月起）的基数",
                    today.contribution_year()
                ),
            )
            .into());
        }
        let active = self.store().active_members(employer_id).await?;
        let mut filed: BTreeMap<i64, i64> = BTreeMap::new();
        for b in bases {
            if b.wage_fen <= 0 {
                return Err(DomainError::new(
                    "WAGE_NOT_POSITIVE",
                    format!("个人账户 {} 的月平均工资必须大于零", b.member_id),
                )
                .into());
            }
            if filed.insert(b.member_id, b.wage_fen).is_some() {
                return Err(DomainError::new(
                    "BASE_DUPLICATE",
                    format!("个人账户 {} 重复申报", b.member_id),
                )
                .into());
            }
        }
        let missing: Vec<String> = active
            .iter()
            .filter(|m| !filed.contains_key(&m.member_id))
            .map(|m| m.member_id.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::new(
                "BASE_INCOMPLETE",
                format!("以下职工未申报基数：{}", missing.join("、")),
            )
            .into());
        }
        let filing = BaseFilingRecord {
            employer_id,
            year,
            filed_on: today,
            member_count: i32::try_from(bases.len()).unwrap_or(i32::MAX),
            filed_by: actor
                .principal
                .as_ref()
                .map_or_else(|| "system".to_string(), |p| p.masked_login()),
        };
        self.store().file_bases(&filing, bases).await?;
        Ok(filing)
    }

    /// The base filing from a file (CSV or Excel: 身份证号, 月平均工资). Every
    /// row must be an active member of the employer and every active member
    /// must be in the file; any problem files nothing and is reported by row.
    pub async fn file_bases_from_file(
        &self,
        actor: &Actor,
        employer_id: i64,
        bytes: &[u8],
        today: Date,
    ) -> AppResult<(Option<BaseFilingRecord>, Vec<RowError>)> {
        check_scope(actor, employer_id)?;
        let file = parse_base_file(bytes)?;
        let mut errors = file.errors;
        let staff: BTreeMap<String, i64> = self
            .store()
            .active_members(employer_id)
            .await?
            .into_iter()
            .map(|m| (m.id_card, m.member_id))
            .collect();
        let mut bases = Vec::new();
        for row in &file.valid {
            match staff.get(row.id_card.as_str()) {
                Some(member_id) => bases.push(NewBase {
                    member_id: *member_id,
                    wage_fen: row.wage.get(),
                }),
                None => errors.push(RowError {
                    row: row.row,
                    column: "身份证号".to_string(),
                    code: "MEMBER_NOT_IN_EMPLOYER",
                    message: "不是本单位正常缴存的职工".to_string(),
                }),
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            return Ok((None, errors));
        }
        let filing = self
            .file_bases(actor, employer_id, today.contribution_year(), &bases, today)
            .await?;
        Ok((Some(filing), Vec::new()))
    }

    /// K05 年基数调整率 for `year`: (employers that filed, contributing employers).
    pub async fn base_filing_counts(&self, year: i32) -> AppResult<(i64, i64)> {
        Ok((
            self.store().count_base_filings(year).await?,
            self.store().count_contributing_employers().await?,
        ))
    }

    pub async fn employers_not_filed(&self, year: i32) -> AppResult<Vec<EmployerRecord>> {
        Ok(self.store().employers_not_filed(year, 500).await?)
    }

    // ----- enforcement -----

    /// Opens a case against an employer with overdue bills, its first step a
    /// 催缴 reminder with a deadline.
    pub async fn open_enforcement_case(
        &self,
        actor: &Actor,
        employer_id: i64,
        document: &str,
        deadline: Date,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let result = self
            .try_open_case(actor, employer_id, document, deadline, today)
            .await;
        let target = format!("employer:{employer_id}");
        self.audited(
            actor,
            "enforcement.open",
            &target,
            document.as_bytes(),
            result,
        )
        .await
    }

    async fn try_open_case(
        &self,
        actor: &Actor,
        employer_id: i64,
        document: &str,
        deadline: Date,
        today: Date,
    ) -> AppResult<CaseRecord> {
        check_deadline(CaseStep::Reminder, Some(deadline), today)?;
        let document = checked_text(document, "催缴通知书编号", true)?;
        let overdue = self.store().overdue_bills_of(employer_id, today).await?;
        if overdue.is_empty() {
            return Err(DomainError::new("CASE_NOT_OVERDUE", "该单位没有逾期未缴的清册").into());
        }
        let arrears = overdue
            .iter()
            .try_fold(Fen::ZERO, |acc, b| acc.checked_add(Fen::new(b.total_fen)))?;
        let periods: Vec<String> = overdue.iter().map(|b| b.period.to_string()).collect();
        let case = CaseRecord {
            case_id: self.store().reserve_ids(1),
            employer_id,
            opened_on: today,
            status: CaseStatus::Open,
            arrears_fen: arrears.get(),
            periods: periods.join(","),
            closed_on: None,
        };
        let first = CaseStepRecord {
            step_no: 1,
            kind: CaseStep::Reminder,
            acted_on: today,
            deadline: Some(deadline),
            document,
            staff_login: staff_login(actor),
            note: format!("欠缴 {arrears}，月份 {}", case.periods),
        };
        self.store().open_case(&case, &first).await?;
        let body = format!(
            "贵单位 {} 的住房公积金逾期未缴，合计 {arrears}。请于 {deadline} 前缴清（{}）。",
            case.periods, first.document
        );
        self.tell_employer(employer_id, "住房公积金催缴通知", &body)
            .await?;
        Ok(case)
    }

    /// Escalates (责令限期缴存, then 申请法院强制执行) once the last deadline has
    /// passed, or closes the case: when nothing is overdue any more, or with a
    /// note saying why.
    pub async fn add_case_step(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &CaseStepInput,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let result = self.try_add_case_step(actor, case_id, input, today).await;
        let target = format!("case:{case_id}");
        self.audited(
            actor,
            "enforcement.step",
            &target,
            input.step.code().as_bytes(),
            result,
        )
        .await
    }

    async fn try_add_case_step(
        &self,
        actor: &Actor,
        case_id: i64,
        input: &CaseStepInput,
        today: Date,
    ) -> AppResult<CaseRecord> {
        let (case, steps) = self
            .store()
            .case(case_id)
            .await?
            .ok_or_else(|| not_found("CASE_NOT_FOUND", format!("案件 {case_id} 不存在")))?;
        let last = steps
            .last()
            .ok_or_else(|| DomainError::new("CASE_CORRUPT", "案件没有办理记录"))?;
        let last_step = if case.status == CaseStatus::Closed {
            CaseStep::Closed
        } else {
            last.kind
        };
        check_next_step(last_step, last.deadline, input.step, input.deadline, today)?;
        let still_overdue = !self
            .store()
            .overdue_bills_of(case.employer_id, today)
            .await?
            .is_empty();
        let closing = input.step == CaseStep::Closed;
        let document = checked_text(&input.document, "文书编号", !closing)?;
        let note = checked_text(&input.note, "结案说明", closing && still_overdue)?;
        let step = CaseStepRecord {
            step_no: last.step_no + 1,
            kind: input.step,
            acted_on: today,
            deadline: input.deadline.filter(|_| input.step.has_deadline()),
            document,
            staff_login: staff_login(actor),
            note,
        };
        let closed_on = closing.then_some(today);
        if !self
            .store()
            .add_case_step(case_id, &step, closed_on)
            .await?
        {
            return Err(DomainError::new("CASE_CHANGED", "案件已变化，请刷新后重试").into());
        }
        let deadline = step
            .deadline
            .map(|d| format!("，期限 {d}"))
            .unwrap_or_default();
        let body = format!(
            "催缴案件 {case_id}：{}（{}）{deadline}。",
            input.step.name_zh(),
            step.document
        );
        self.tell_employer(case.employer_id, input.step.name_zh(), &body)
            .await?;
        self.store()
            .case(case_id)
            .await?
            .map(|(c, _)| c)
            .ok_or_else(|| not_found("CASE_NOT_FOUND", format!("案件 {case_id} 不存在")))
    }

    pub async fn enforcement_case(
        &self,
        case_id: i64,
    ) -> AppResult<Option<(CaseRecord, Vec<CaseStepRecord>)>> {
        Ok(self.store().case(case_id).await?)
    }

    pub async fn enforcement_cases(
        &self,
        status: Option<CaseStatus>,
    ) -> AppResult<Vec<CaseRecord>> {
        Ok(self.store().cases(status, 200).await?)
    }

    // ----- the daily job -----

    /// 归集日终: restore employers whose deferral ended, and open a case with a
    /// 催缴 reminder (deadline in [`REMINDER_DAYS`]) for every employer with an
    /// overdue bill and no open case. Safe to run twice on a day.
    pub async fn collection_day(&self, actor: &Actor, today: Date) -> AppResult<CollectionDay> {
        let mut day = CollectionDay::default();
        for r in self
            .store()
            .ended_deferrals(period_value(Period::of_date(today)))
            .await?
        {
            let moved = self
                .store()
                .set_employer_status(
                    r.employer_id,
                    &[EmployerStatus::Deferred],
                    EmployerStatus::Active,
                )
                .await?;
            if moved {
                day.deferrals_ended.push(r.employer_id);
            }
        }
        let deadline = today.add_days(REMINDER_DAYS)?;
        let mut after = 0;
        loop {
            let page = self
                .store()
                .overdue_employer_ids(today, after, OVERDUE_EMPLOYERS_PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = *last;
            day.overdue_employers += page.len();
            for employer_id in page {
                if self.store().open_case_of(employer_id).await?.is_some() {
                    continue;
                }
                let document = format!("催缴〔{}〕{employer_id}-{}号", today.year(), today);
                // A case opened meanwhile (by staff, or a second run) is fine.
                match self
                    .open_enforcement_case(actor, employer_id, &document, deadline, today)
                    .await
                {
                    Ok(case) => day.cases_opened.push(case.case_id),
                    Err(e) if e.code() == Some("CASE_OPEN") => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(day)
    }
}

fn staff_login(actor: &Actor) -> String {
    actor
        .principal
        .as_ref()
        .map_or_else(|| "system".to_string(), |p| p.masked_login())
}
