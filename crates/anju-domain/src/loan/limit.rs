//! 可贷额度: the loan limit is the minimum of the caps in force, and the
//! decision says which cap bound so a member (or a reviewer) can see why.

use super::schedule::{Method, annuity_principal_for, equal_principal_for};
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use crate::policy::LoanLimits;
use crate::rate::RatePpm;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapKind {
    /// 最高额度 (single or family, with the completed-home bonus).
    Ceiling,
    /// 账户余额倍数.
    Balance,
    /// 还款能力: installment ≤ the income share.
    Income,
    /// 房价 × (1 − 首付比例).
    Price,
}

impl CapKind {
    pub const ALL: [CapKind; 4] = [
        CapKind::Ceiling,
        CapKind::Balance,
        CapKind::Income,
        CapKind::Price,
    ];

    /// The kind a stored code names (a loan keeps its caps as codes).
    pub fn from_code(code: &str) -> Option<CapKind> {
        CapKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            CapKind::Ceiling => "ceiling",
            CapKind::Balance => "balance",
            CapKind::Income => "income",
            CapKind::Price => "price",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CapKind::Ceiling => "最高贷款额度",
            CapKind::Balance => "账户余额倍数",
            CapKind::Income => "还款能力（月收入）",
            CapKind::Price => "房价与首付比例",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub kind: CapKind,
    pub amount: Fen,
    /// How the cap was reached, in Chinese (e.g. `¥80,000.00 × 15`).
    pub basis: &'static str,
}

/// What the limit is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitRequest {
    /// Borrower with co-borrowers (a family loan).
    pub family: bool,
    pub completed_home: bool,
    pub first_home: bool,
    /// Σ balances of the borrower and co-borrowers.
    pub balances: Fen,
    /// Household income a month.
    pub monthly_income: Fen,
    pub price: Fen,
    /// The appraisal, where there is one (the lower of it and the price counts).
    pub appraisal: Option<Fen>,
    pub months: u32,
    pub rate: RatePpm,
    pub method: Method,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitDecision {
    pub caps: Vec<Cap>,
    pub binding: CapKind,
    pub limit: Fen,
}

fn percent_of(amount: Fen, percent: i64) -> DomainResult<Fen> {
    let scaled = i128::from(amount.get()) * i128::from(percent) / 100;
    i64::try_from(scaled)
        .map(Fen::new)
        .map_err(|_| DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围"))
}

pub fn decide_limit(limits: &LoanLimits, req: &LimitRequest) -> DomainResult<LimitDecision> {
    if req.months == 0 || i64::from(req.months) > limits.max_term_months {
        return Err(DomainError::new(
            "LOAN_TERM_INVALID",
            format!("贷款期限须在 1 至 {} 个月之间", limits.max_term_months),
        ));
    }
    if !req.price.is_positive() || req.balances.is_negative() || req.monthly_income.is_negative() {
        return Err(DomainError::new(
            "LOAN_FACTS_INVALID",
            "房价须大于零，余额和收入不能为负",
        ));
    }
    let ceiling_base = if req.family {
        limits.family_cap
    } else {
        limits.single_cap
    };
    let bonus = if req.completed_home {
        limits.completed_home_bonus_percent
    } else {
        0
    };
    let ceiling = percent_of(ceiling_base, 100 + bonus)?;
    let balance = Fen::new(
        req.balances
            .get()
            .checked_mul(limits.balance_multiple)
            .ok_or_else(|| DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围"))?,
    );
    let affordable = percent_of(req.monthly_income, limits.income_ratio_percent)?;
    let income = match req.method {
        super::Method::Annuity => annuity_principal_for(affordable, req.months, req.rate)?,
        super::Method::EqualPrincipal => equal_principal_for(affordable, req.months, req.rate)?,
    };
    let valued = req.appraisal.map_or(req.price, |a| a.min(req.price));
    let down = if req.first_home {
        limits.first_home_down_payment_percent
    } else {
        limits.second_home_down_payment_percent
    };
    let price = percent_of(valued, 100 - down)?;
    let caps = vec![
        Cap {
            kind: CapKind::Ceiling,
            amount: ceiling,
            basis: match (req.family, req.completed_home) {
                (true, true) => "家庭最高额度（现房上浮）",
                (true, false) => "家庭最高额度",
                (false, true) => "单人最高额度（现房上浮）",
                (false, false) => "单人最高额度",
            },
        },
        Cap {
            kind: CapKind::Balance,
            amount: balance,
            basis: "借款人及共同借款人余额之和 × 倍数",
        },
        Cap {
            kind: CapKind::Income,
            amount: income,
            basis: "月供不超过家庭月收入的规定比例",
        },
        Cap {
            kind: CapKind::Price,
            amount: price,
            basis: if req.first_home {
                "房价（或评估价，取低）× (1 − 首套首付比例)"
            } else {
                "房价（或评估价，取低）× (1 − 二套首付比例)"
            },
        },
    ];
    let binding = caps
        .iter()
        .min_by_key(|c| c.amount)
        .copied()
        .ok_or_else(|| DomainError::new("LOAN_LIMIT", "无可用额度"))?;
    Ok(LimitDecision {
        limit: binding.amount,
        binding: binding.kind,
        caps,
    })
}
