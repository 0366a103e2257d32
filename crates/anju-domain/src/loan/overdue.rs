//! Overdue loans (逾期): penalty interest (罚息) by the day and the
//! five-grade classification (五级分类) by days overdue.

use crate::error::{DomainError, DomainResult};
use crate::money::{Fen, Rounding};
use crate::rate::RatePpm;

/// Days in the year penalty interest is counted over (日罚息率 = 年利率 / 360).
pub const PENALTY_DAYS_PER_YEAR: i128 = 360;

/// 罚息 = overdue principal × contract rate × (1 + markup) / 360 × days,
/// half-up to the fen.
pub fn penalty_interest(
    overdue_principal: Fen,
    rate: RatePpm,
    markup_percent: i64,
    days: i64,
) -> DomainResult<Fen> {
    if overdue_principal.is_negative() || days < 0 {
        return Err(DomainError::new(
            "PENALTY_INVALID",
            "逾期本金和逾期天数不能为负",
        ));
    }
    let numerator = i128::from(overdue_principal.get())
        * i128::from(rate.ppm())
        * i128::from(100 + markup_percent)
        * i128::from(days);
    Rounding::HalfUpFen.apply(numerator, 1_000_000 * 100 * PENALTY_DAYS_PER_YEAR)
}

/// 五级分类, JGJ/T 320 codes 01–05.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    Normal,
    Attention,
    Substandard,
    Doubtful,
    Loss,
}

impl Grade {
    pub const ALL: [Grade; 5] = [
        Grade::Normal,
        Grade::Attention,
        Grade::Substandard,
        Grade::Doubtful,
        Grade::Loss,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Grade::Normal => "01",
            Grade::Attention => "02",
            Grade::Substandard => "03",
            Grade::Doubtful => "04",
            Grade::Loss => "05",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Grade::Normal => "正常",
            Grade::Attention => "关注",
            Grade::Substandard => "次级",
            Grade::Doubtful => "可疑",
            Grade::Loss => "损失",
        }
    }

    pub fn parse(code: &str) -> DomainResult<Self> {
        Grade::ALL
            .into_iter()
            .find(|g| g.code() == code)
            .ok_or_else(|| DomainError::new("GRADE_UNKNOWN", format!("五级分类代码“{code}”无效")))
    }
}

/// The grade for `days` overdue, given the first day of 关注, 次级, 可疑, 损失.
pub fn classify(days: i64, from_days: &[i64; 4]) -> Grade {
    let passed = from_days.iter().filter(|&&d| days >= d).count();
    Grade::ALL[passed]
}
