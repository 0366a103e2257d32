//! A 12-month cash-flow forecast of the fund (plan §3: liquidity forecasting).
//! Collection and withdrawals are projected from history (level × trend ×
//! season); flows the centre already knows (loan schedules, approved payouts)
//! are added as they are. Everything is integer: the projection is one exact
//! quotient per month, rounded half-up to the fen.

use super::add_months;
use crate::calendar::Period;
use crate::error::{DomainError, DomainResult};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

/// Months of history that give a seasonal index (one of each calendar month).
const SEASON: usize = 12;
/// The longest horizon accepted; a ladder never looks further.
const MAX_MONTHS: u32 = 120;

/// One past month: collection in, withdrawals out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFlow {
    pub period: Period,
    pub inflow_fen: i64,
    pub outflow_fen: i64,
}

/// Flows already known for a future month (repayments due in; approved
/// disbursements and withdrawals not yet paid out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFlow {
    pub period: Period,
    pub inflow_fen: i64,
    pub outflow_fen: i64,
}

/// One forecast month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastMonth {
    pub period: Period,
    pub collection_fen: i64,
    pub withdrawals_fen: i64,
    pub known_in_fen: i64,
    pub known_out_fen: i64,
    pub net_fen: i64,
    /// Net flow from the start of the horizon through this month.
    pub cumulative_fen: i64,
    /// Opening cash + cumulative.
    pub balance_fen: i64,
}

/// The forecast with its liquidity summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub months: Vec<ForecastMonth>,
    pub lowest_balance_fen: i64,
    /// The largest cumulative shortfall over the horizon, ≥ 0.
    pub liquidity_need_fen: i64,
}

/// Projects `months` months from `start`. History is the last months (oldest
/// first, up to 24 used): with ≥ 12 a seasonal index per calendar month (that
/// month's average ÷ the overall monthly average), with 24 a trend (last 12 ÷
/// the 12 before); fewer than 12 give the flat average. Projected = last-12
/// average × trend × index. Known flows outside the horizon are ignored.
pub fn forecast(
    history: &[MonthFlow],
    known: &[KnownFlow],
    start: Period,
    months: u32,
    opening_cash_fen: i64,
) -> DomainResult<Forecast> {
    if history.is_empty() {
        return Err(DomainError::new(
            "FORECAST_NO_HISTORY",
            "没有历史缴存和提取数据，无法预测",
        ));
    }
    if months == 0 || months > MAX_MONTHS {
        return Err(DomainError::new(
            "FORECAST_HORIZON",
            format!("预测期应为1至{MAX_MONTHS}个月"),
        ));
    }
    let used = &history[history.len().saturating_sub(2 * SEASON)..];
    let inflow = Series::of(used, |m| m.inflow_fen);
    let outflow = Series::of(used, |m| m.outflow_fen);
    let mut result = Vec::with_capacity(months as usize);
    let mut cumulative = 0i64;
    for i in 0..months {
        let period = add_months(start, i)?;
        let (known_in, known_out) = known_for(known, period)?;
        let collection = inflow.project(period.month())?;
        let withdrawals = outflow.project(period.month())?;
        let net = sum(&[collection, known_in], &[withdrawals, known_out])?;
        cumulative = cumulative.checked_add(net).ok_or_else(overflow)?;
        result.push(ForecastMonth {
            period,
            collection_fen: collection,
            withdrawals_fen: withdrawals,
            known_in_fen: known_in,
            known_out_fen: known_out,
            net_fen: net,
            cumulative_fen: cumulative,
            balance_fen: opening_cash_fen
                .checked_add(cumulative)
                .ok_or_else(overflow)?,
        });
    }
    Ok(summarise(result))
}

fn summarise(months: Vec<ForecastMonth>) -> Forecast {
    let lowest = months.iter().map(|m| m.balance_fen).min().unwrap_or(0);
    let worst = months.iter().map(|m| m.cumulative_fen).min().unwrap_or(0);
    Forecast {
        months,
        lowest_balance_fen: lowest,
        liquidity_need_fen: worst.saturating_neg().max(0),
    }
}

fn known_for(known: &[KnownFlow], period: Period) -> DomainResult<(i64, i64)> {
    known
        .iter()
        .filter(|k| k.period == period)
        .try_fold((0i64, 0i64), |(i, o), k| {
            Ok((
                i.checked_add(k.inflow_fen).ok_or_else(overflow)?,
                o.checked_add(k.outflow_fen).ok_or_else(overflow)?,
            ))
        })
}

fn sum(plus: &[i64], minus: &[i64]) -> DomainResult<i64> {
    let total: i128 = plus.iter().map(|v| i128::from(*v)).sum::<i128>()
        - minus.iter().map(|v| i128::from(*v)).sum::<i128>();
    i64::try_from(total).map_err(|_| overflow())
}

/// One flow's history reduced to what the projection needs.
struct Series {
    months: i64,
    total: i128,
    last12: i128,
    /// The 12 months before the last 12, when the history has them.
    previous12: Option<i128>,
    by_month_sum: [i128; 12],
    by_month_count: [i64; 12],
}

impl Series {
    fn of(history: &[MonthFlow], value: fn(&MonthFlow) -> i64) -> Series {
        let n = history.len();
        let mut by_month_sum = [0i128; 12];
        let mut by_month_count = [0i64; 12];
        for m in history {
            let slot = (m.period.month() - 1) as usize;
            by_month_sum[slot] += i128::from(value(m));
            by_month_count[slot] += 1;
        }
        let sum_of = |range: &[MonthFlow]| range.iter().map(|m| i128::from(value(m))).sum();
        Series {
            months: n as i64,
            total: sum_of(history),
            last12: sum_of(&history[n.saturating_sub(SEASON)..]),
            previous12: (n >= 2 * SEASON).then(|| sum_of(&history[n - 2 * SEASON..n - SEASON])),
            by_month_sum,
            by_month_count,
        }
    }

    /// The projected amount for a calendar month, as one exact quotient.
    fn project(&self, month: u32) -> DomainResult<i64> {
        if (self.months as usize) < SEASON {
            return big_half_up(BigInt::from(self.total), BigInt::from(self.months));
        }
        // level = last12 / 12; trend = last12 / previous12 (1 without it or
        // when the earlier year was zero); index = (Σm / cm) / (total / n).
        let mut num = BigInt::from(self.last12);
        let mut den = BigInt::from(SEASON as i64);
        if let Some(previous) = self.previous12.filter(|p| *p != 0) {
            num *= self.last12;
            den *= previous;
        }
        let slot = (month - 1) as usize;
        if self.by_month_count[slot] > 0 && self.total != 0 {
            num *= self.by_month_sum[slot] * i128::from(self.months);
            den *= BigInt::from(self.by_month_count[slot]) * self.total;
        }
        big_half_up(num, den)
    }
}

/// `num / den` half away from zero, as fen.
fn big_half_up(num: BigInt, den: BigInt) -> DomainResult<i64> {
    let (num, den) = if den.is_negative() {
        (-num, -den)
    } else {
        (num, den)
    };
    if den.is_zero() {
        return Ok(0);
    }
    let quotient = &num / &den;
    let remainder = (&num % &den).abs();
    let rounded = if remainder * 2 >= den {
        quotient + if num.is_negative() { -1 } else { 1 }
    } else {
        quotient
    };
    rounded.to_i64().ok_or_else(overflow)
}

fn overflow() -> DomainError {
    DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(yyyymm: u32) -> Period {
        Period::from_yyyymm(yyyymm).expect("period")
    }

    fn history(from: u32, values: &[(i64, i64)]) -> Vec<MonthFlow> {
        values
            .iter()
            .enumerate()
            .map(|(i, (inflow, outflow))| MonthFlow {
                period: add_months(p(from), i as u32).expect("period"),
                inflow_fen: *inflow,
                outflow_fen: *outflow,
            })
            .collect()
    }

    #[test]
    fn a_flat_history_gives_a_flat_forecast() {
        let h = history(202401, &[(1000, 700); 24]);
        let f = forecast(&h, &[], p(202601), 12, 500).expect("forecast");
        assert!(
            f.months
                .iter()
                .all(|m| m.collection_fen == 1000 && m.withdrawals_fen == 700)
        );
        assert_eq!(f.months[11].cumulative_fen, 3600);
        assert_eq!(f.months[0].balance_fen, 800);
        assert_eq!((f.lowest_balance_fen, f.liquidity_need_fen), (800, 0));
        assert_eq!(f.months[11].period, p(202612));
    }

    #[test]
    fn a_seasonal_history_keeps_its_shape_and_trend() {
        // Two years, December twice the other months; the second year is 10%
        // above the first. Year 2: Jan–Nov 1100, Dec 2200 (Σ 14,300); year 1:
        // Jan–Nov 1000, Dec 2000 (Σ 13,000); trend 1.1. Overall average =
        // 27,300 / 24; Jan average 1050 → index 1050 × 24 / 27,300 = 12/13.
        // January = 14,300 / 12 × 1.1 × 12/13 = 1210; December = 2420.
        let mut values = vec![(1000, 0); 11];
        values.push((2000, 0));
        values.extend(vec![(1100, 0); 11]);
        values.push((2200, 0));
        let f = forecast(&history(202401, &values), &[], p(202601), 12, 0).expect("forecast");
        assert_eq!(f.months[0].collection_fen, 1210);
        assert_eq!(f.months[10].collection_fen, 1210);
        assert_eq!(f.months[11].collection_fen, 2420);
    }

    #[test]
    fn short_history_uses_the_flat_average_and_known_flows_are_added() {
        // (100 + 200 + 301) / 3 = 200.33 → 200 a month.
        let h = history(202510, &[(100, 50), (200, 50), (301, 51)]);
        let known = [
            KnownFlow {
                period: p(202602),
                inflow_fen: 10,
                outflow_fen: 1_000,
            },
            KnownFlow {
                period: p(202602),
                inflow_fen: 5,
                outflow_fen: 0,
            },
            KnownFlow {
                period: p(203001),
                inflow_fen: 99,
                outflow_fen: 99,
            },
        ];
        let f = forecast(&h, &known, p(202601), 3, 100).expect("forecast");
        assert_eq!(f.months[0].collection_fen, 200);
        assert_eq!(f.months[0].withdrawals_fen, 50);
        assert_eq!(f.months[1].known_in_fen, 15);
        assert_eq!(f.months[1].net_fen, 200 - 50 + 15 - 1_000);
        // Cumulative: 150, −685, −535 → need 685, lowest balance 100 − 685.
        assert_eq!(f.liquidity_need_fen, 685);
        assert_eq!(f.lowest_balance_fen, -585);
    }

    #[test]
    fn no_history_is_refused() {
        assert_eq!(
            forecast(&[], &[], p(202601), 12, 0).map_err(|e| e.code()),
            Err("FORECAST_NO_HISTORY")
        );
    }
}
