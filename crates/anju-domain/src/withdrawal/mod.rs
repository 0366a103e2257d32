//! 提取 eligibility (business-rules §3): one engine for the member's page, the
//! API and the counter. Given what the centre knows about the member, the
//! reason's dated rules and the request, it answers yes or no with the rule
//! that decided — in Chinese, for the member and the clerk — and the most that
//! can be withdrawn now.
//!
//! The checks run in a fixed order, so the first rule that stops a request is
//! the one named: the account's state, the blacklist, who the reason is for
//! (flexible workers, retirement age, sealed long enough, no home, no HPF
//! loan), how often, the evidence (used before, within its window), and last
//! the amount against its cap.

use crate::calendar::Date;
use crate::collection::{MemberStatus, age_on};
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use crate::policy::{EvidenceKind, RentRules, WithdrawalCap, WithdrawalReason, WithdrawalRules};

/// What the centre knows about the member on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    pub status: MemberStatus,
    /// Since when the account has had its status (sealed since …), if known.
    pub status_since: Option<Date>,
    pub balance: Fen,
    /// Held by approved withdrawals not yet paid.
    pub held: Fen,
    pub born: Date,
    pub male: bool,
    /// Signed the flexible-worker agreement.
    pub flexible: bool,
    /// A blacklist entry in force: why, and until when.
    pub blacklisted: Option<String>,
    /// Whether the member or their spouse owns a home in the city, as the
    /// housing registry answered (or could not).
    pub home: HomeFact,
    pub has_hpf_loan: bool,
    /// Withdrawals for this reason so far this calendar year (not refused).
    pub this_year_for_reason: i64,
    /// Rent drawn (or held) in the months the request covers.
    pub rent_drawn_recent: Fen,
    /// Married (by the marriage registry): the spouse's rent drawn (or held)
    /// at this centre in the same months, for the couple cap. `None` when
    /// single.
    pub spouse_rent_drawn_recent: Option<Fen>,
    /// Drawn so far on the request's evidence, by anyone in the centre.
    pub evidence_drawn: Fen,
    /// Whether the evidence has been used at all before.
    pub evidence_used: bool,
    /// Someone the marriage and family registers do not show as the
    /// member's spouse, parent or child used it (a shared purchase is for a
    /// family only).
    pub evidence_used_outside_family: bool,
    /// The registers could not say how an earlier user is related: what a
    /// person must verify.
    pub evidence_family_unverified: Option<String>,
    /// The e-licence library holds the evidence (a property certificate)
    /// in the name of someone who is not the member, their spouse, parent or
    /// child: whose it is.
    pub evidence_not_theirs: Option<String>,
}

/// Home ownership in the city, for the member and their spouse, as the
/// registry answered. An outage is `Unknown` — never taken for "no home".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeFact {
    NoneOwned,
    /// Whose home (本人 / 配偶) and the certificate the registry named.
    Owned {
        whose: String,
        certificate: String,
    },
    /// The registry (or the marriage registry that names the spouse) did not
    /// answer: staff must verify by hand before anything is approved.
    Unknown {
        why: String,
    },
}

/// What the member asks for. An amount of zero asks only what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WithdrawalRequest {
    pub reason: String,
    pub amount: Fen,
    /// Rent: the months paid for (1 … 12).
    pub months: i64,
    /// Children under 18, for the rent uplift.
    pub children: i64,
    pub evidence_no: Option<String>,
    pub evidence_date: Option<Date>,
    /// The expense the evidence proves.
    pub evidence_amount: Option<Fen>,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// A stable code: `ELIGIBLE` or the refusing rule.
    pub code: &'static str,
    /// The deciding rule, in Chinese.
    pub rule: String,
    /// The most that may be withdrawn now (zero when refused before the amount).
    pub max_amount: Fen,
    pub closes_account: bool,
    /// The amount is above the second-approval threshold.
    pub needs_second_approval: bool,
    /// A fact the rule needs could not be checked: what a named staff member
    /// must verify by hand before the request may be approved.
    pub needs_verification: Option<String>,
}

/// The rules a decision reads, as in force on the day.
pub struct RulesInForce<'a> {
    pub reason: &'a WithdrawalReason,
    pub withdrawal: &'a WithdrawalRules,
    pub rent: &'a RentRules,
}

fn refuse(code: &'static str, rule: String) -> Decision {
    Decision {
        allowed: false,
        code,
        rule,
        max_amount: Fen::ZERO,
        closes_account: false,
        needs_second_approval: false,
        needs_verification: None,
    }
}

/// Whole months from `from` to `to` (a month counts once its day is reached).
pub fn months_between(from: Date, to: Date) -> i64 {
    let months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

/// Decides a request on `today`.
pub fn decide(
    today: Date,
    rules: &RulesInForce<'_>,
    facts: &MemberFacts,
    request: &WithdrawalRequest,
) -> DomainResult<Decision> {
    let reason = rules.reason;
    if let Some(refusal) = who_may(today, rules, facts) {
        return Ok(refusal);
    }
    if reason.per_year > 0 && facts.this_year_for_reason >= reason.per_year {
        return Ok(refuse(
            "WITHDRAWAL_FREQUENCY",
            format!(
                "{}每年最多提取 {} 次，今年已提取 {} 次",
                reason.name, reason.per_year, facts.this_year_for_reason
            ),
        ));
    }
    if let Some(refusal) = evidence_check(today, reason, facts, request) {
        return Ok(refusal);
    }
    amount_decision(rules, facts, request)
}

/// The account and the person: state, blacklist, and whom the reason serves.
fn who_may(today: Date, rules: &RulesInForce<'_>, facts: &MemberFacts) -> Option<Decision> {
    let reason = rules.reason;
    match facts.status {
        MemberStatus::Closed => {
            return Some(refuse("ACCOUNT_CLOSED", "账户已销户，不能提取".into()));
        }
        MemberStatus::Frozen => {
            return Some(refuse("ACCOUNT_FROZEN", "账户已冻结，暂不能提取".into()));
        }
        MemberStatus::RemoteBorrower => {
            return Some(refuse(
                "ACCOUNT_LOAN_ONLY",
                "异地贷款账户在本中心无公积金缴存，不办理提取，请向缴存地中心申请".into(),
            ));
        }
        _ => {}
    }
    if let Some(entry) = &facts.blacklisted {
        return Some(refuse(
            "BLACKLISTED",
            format!("已列入提取失信名单：{entry}"),
        ));
    }
    if reason.flexible_only && !facts.flexible {
        return Some(refuse(
            "NOT_FLEXIBLE_WORKER",
            format!("{}仅适用于签订缴存协议的灵活就业人员", reason.name),
        ));
    }
    if reason.at_retirement {
        let (age_limit, who) = if facts.male {
            (rules.withdrawal.retirement_age_male, "男")
        } else {
            (rules.withdrawal.retirement_age_female, "女")
        };
        let age = i64::from(age_on(facts.born, today));
        if age < age_limit {
            return Some(refuse(
                "NOT_RETIRED",
                format!("退休提取须达到法定退休年龄（{who}性 {age_limit} 周岁），现年 {age} 周岁"),
            ));
        }
    }
    if reason.sealed_months > 0 {
        let sealed_for = match (facts.status, facts.status_since) {
            (MemberStatus::Sealed, Some(since)) => months_between(since, today),
            _ => -1,
        };
        if sealed_for < reason.sealed_months {
            let now = if sealed_for < 0 {
                "账户未封存".to_string()
            } else {
                format!("已封存 {sealed_for} 个月")
            };
            return Some(refuse(
                "SEALED_TOO_SHORT",
                format!(
                    "{}须账户封存满 {} 个月（{now}）",
                    reason.name, reason.sealed_months
                ),
            ));
        }
    }
    if let (true, HomeFact::Owned { whose, certificate }) = (reason.requires_no_home, &facts.home) {
        return Some(refuse(
            "OWNS_HOME",
            format!(
                "{}须本人及配偶在本市无自有住房，住房登记显示{whose}名下有房（{certificate}）",
                reason.name
            ),
        ));
    }
    if reason.no_hpf_loan && facts.has_hpf_loan {
        return Some(refuse(
            "HPF_LOAN_OUTSTANDING",
            format!("{}须无未结清的住房公积金贷款", reason.name),
        ));
    }
    None
}

/// The evidence: present, not used before (unless the family shares it),
/// and within its window.
fn evidence_check(
    today: Date,
    reason: &WithdrawalReason,
    facts: &MemberFacts,
    request: &WithdrawalRequest,
) -> Option<Decision> {
    let what = reason.evidence.name_zh();
    if reason.evidence != EvidenceKind::None {
        let no = request.evidence_no.as_deref().map(str::trim).unwrap_or("");
        if no.is_empty() {
            return Some(refuse(
                "EVIDENCE_REQUIRED",
                format!("{}须填写{what}编号", reason.name),
            ));
        }
        if facts.evidence_used && !reason.family_shared {
            return Some(refuse(
                "EVIDENCE_USED",
                format!("该{what}（{no}）已用于提取，不能重复使用"),
            ));
        }
        if let Some(whose) = &facts.evidence_not_theirs {
            return Some(refuse(
                "EVIDENCE_NOT_THEIRS",
                format!(
                    "电子证照库显示不动产权证书 {no} 的权利人为{whose}，不是本人或配偶、父母、子女"
                ),
            ));
        }
        if facts.evidence_used_outside_family && reason.family_shared {
            return Some(refuse(
                "EVIDENCE_USED",
                format!(
                    "该{what}（{no}）已由他人用于提取；同一{what}只限本人及配偶、父母、子女共同使用，民政登记无此关系"
                ),
            ));
        }
    }
    if reason.window_months > 0 {
        let Some(date) = request.evidence_date else {
            return Some(refuse(
                "EVIDENCE_DATE_REQUIRED",
                format!("{}须填写{what}日期", reason.name),
            ));
        };
        if date > today || months_between(date, today) >= reason.window_months {
            return Some(refuse(
                "WINDOW_PASSED",
                format!(
                    "{}须在{what}日期（{date}）后 {} 个月内申请",
                    reason.name, reason.window_months
                ),
            ));
        }
    }
    None
}

/// The cap, then the amount against it.
fn amount_decision(
    rules: &RulesInForce<'_>,
    facts: &MemberFacts,
    request: &WithdrawalRequest,
) -> DomainResult<Decision> {
    let reason = rules.reason;
    let available = facts.balance.checked_sub(facts.held)?;
    let (max, basis) = if reason.closes_account {
        (available, "销户提取全部余额（另计销户利息）".to_string())
    } else {
        let base = available
            .checked_sub(rules.withdrawal.min_residual_balance)?
            .max(Fen::ZERO);
        cap_of(rules, facts, request, base)?
    };
    let max = max.max(Fen::ZERO);
    if max == Fen::ZERO {
        return Ok(refuse(
            "NOTHING_TO_WITHDRAW",
            format!("{}：{basis}，目前可提取金额为 0", reason.name),
        ));
    }
    let amount = request.amount;
    if amount.is_negative() || amount > max {
        return Ok(Decision {
            max_amount: max,
            ..refuse(
                "AMOUNT_OVER_CAP",
                format!(
                    "{}：{basis}，本次最多可提取 {max}，申请 {amount} 超出",
                    reason.name
                ),
            )
        });
    }
    if reason.closes_account && amount.is_positive() && amount != max {
        return Ok(Decision {
            max_amount: max,
            ..refuse(
                "CLOSING_TAKES_ALL",
                format!("{}须提取全部余额 {max}", reason.name),
            )
        });
    }
    let home = match (&facts.home, reason.requires_no_home) {
        (HomeFact::Unknown { why }, true) => Some(format!(
            "本人及配偶在本市无自有住房（{why}），须人工核验不动产登记{}后方可审批",
            if reason.cap == WithdrawalCap::Rent {
                "及婚姻状况、配偶租房提取情况"
            } else {
                ""
            }
        )),
        _ => None,
    };
    let family = facts
        .evidence_family_unverified
        .as_ref()
        .filter(|_| reason.family_shared && facts.evidence_used)
        .map(|why| format!("共同使用凭证者为本人家庭成员（{why}），须人工核验亲属关系后方可审批"));
    let needs_verification = match (home, family) {
        (Some(a), Some(b)) => Some(format!("{a}；{b}")),
        (a, b) => a.or(b),
    };
    Ok(Decision {
        allowed: true,
        code: "ELIGIBLE",
        rule: format!("{}：{basis}，本次最多可提取 {max}", reason.name),
        max_amount: max,
        closes_account: reason.closes_account,
        needs_second_approval: amount > rules.withdrawal.second_approval_above,
        needs_verification,
    })
}

fn cap_of(
    rules: &RulesInForce<'_>,
    facts: &MemberFacts,
    request: &WithdrawalRequest,
    base: Fen,
) -> DomainResult<(Fen, String)> {
    let reason = rules.reason;
    match reason.cap {
        WithdrawalCap::Balance => Ok((base, "可提取账户余额".to_string())),
        WithdrawalCap::Evidence => {
            let Some(expense) = request.evidence_amount.filter(|f| f.is_positive()) else {
                return Ok((Fen::ZERO, "须填写所证明的费用金额".to_string()));
            };
            let left = expense.checked_sub(facts.evidence_drawn)?;
            let basis = if facts.evidence_drawn.is_positive() {
                format!(
                    "不超过所证明的费用 {expense}（已提取 {}）",
                    facts.evidence_drawn
                )
            } else {
                format!("不超过所证明的费用 {expense}")
            };
            Ok((base.min(left), basis))
        }
        WithdrawalCap::Rent => rent_cap(rules.rent, facts, request, base),
    }
}

fn rent_cap(
    rent: &RentRules,
    facts: &MemberFacts,
    request: &WithdrawalRequest,
    base: Fen,
) -> DomainResult<(Fen, String)> {
    if !(1..=12).contains(&request.months) {
        return Err(DomainError::new(
            "RENT_MONTHS",
            "租房提取按月或按年，月数须为 1 至 12",
        ));
    }
    let per_month = uplifted(rent.cap_per_person_month, rent, request)?;
    let months_cap = times_months(per_month, request.months)?;
    let left = months_cap.checked_sub(facts.rent_drawn_recent)?;
    let mut basis = format!(
        "本人及配偶在本市无自有住房；每人每月最高 {per_month}，{} 个月共 {months_cap}{}",
        request.months,
        if facts.rent_drawn_recent.is_positive() {
            format!("（其中已提取 {}）", facts.rent_drawn_recent)
        } else {
            String::new()
        }
    );
    let Some(spouse_drawn) = facts.spouse_rent_drawn_recent else {
        return Ok((base.min(left), basis));
    };
    // The couple cap is for the household: what both spouses drew in the
    // same months counts against it.
    let couple_cap = times_months(
        uplifted(rent.cap_couple_month, rent, request)?,
        request.months,
    )?;
    let couple_left = couple_cap
        .checked_sub(facts.rent_drawn_recent)?
        .checked_sub(spouse_drawn)?;
    basis.push_str(&format!(
        "；夫妻合计每月最高 {}，{} 个月共 {couple_cap}{}",
        uplifted(rent.cap_couple_month, rent, request)?,
        request.months,
        if spouse_drawn.is_positive() {
            format!("（配偶已提取 {spouse_drawn}）")
        } else {
            String::new()
        }
    ));
    Ok((base.min(left).min(couple_left), basis))
}

/// A monthly cap with the multi-child uplift applied where the request has
/// two or more children.
fn uplifted(cap: Fen, rent: &RentRules, request: &WithdrawalRequest) -> DomainResult<Fen> {
    if request.children < 2 || rent.multi_child_uplift_percent <= 0 {
        return Ok(cap);
    }
    let raised = i128::from(cap.get()) * i128::from(100 + rent.multi_child_uplift_percent) / 100;
    Ok(Fen::new(i64::try_from(raised).map_err(|_| {
        DomainError::new("AMOUNT_RANGE", "金额超出范围")
    })?))
}

fn times_months(per_month: Fen, months: i64) -> DomainResult<Fen> {
    per_month
        .get()
        .checked_mul(months)
        .map(Fen::new)
        .ok_or_else(|| DomainError::new("AMOUNT_RANGE", "金额超出范围"))
}

impl WithdrawalStatus {
    /// Not refused and not failed: counts against the yearly limits.
    pub fn is_live(self) -> bool {
        !matches!(self, WithdrawalStatus::Rejected | WithdrawalStatus::Failed)
    }

    /// Approved or refused: the application's time limit has run its
    /// course (the payout is the bank's).
    pub fn is_decided(self) -> bool {
        !matches!(
            self,
            WithdrawalStatus::Submitted | WithdrawalStatus::Prepared
        )
    }
}

mod codes;
pub use codes::*;

#[cfg(test)]
mod tests;
