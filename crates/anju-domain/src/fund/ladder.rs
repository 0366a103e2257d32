//! A term-deposit ladder for the fund's surplus (plan §3: "surplus deposits
//! laddered to the best term"). The money the forecast says will be needed is
//! kept available month by month; only the rest earns term interest.

use super::add_months;
use super::forecast::Forecast;
use super::ratio::div_half_away;
use crate::calendar::Period;
use crate::error::{DomainError, DomainResult};

/// A deposit term the banks offer, from policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub months: u32,
    /// Annual rate, ppm.
    pub rate_ppm: i64,
}

/// One fixed deposit placed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRung {
    pub months: u32,
    pub amount_fen: i64,
    /// The month from which the money is back (start + months).
    pub matures: Period,
    pub rate_ppm: i64,
    /// Simple interest: amount × rate × months / 12, half-up.
    pub interest_fen: i64,
}

/// The suggestion: what stays current and what goes into which term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub keep_current_fen: i64,
    pub rungs: Vec<LadderRung>,
    pub interest_fen: i64,
}

/// Suggests a ladder so that in every forecast month the money available
/// (current kept + rungs matured by then + cumulative net flow) stays at or
/// above `buffer_fen`.
///
/// Algorithm (greedy, one pass):
/// 1. Month i (0-based from `start`) needs `required_i = buffer − cumulative_i`
///    available (never less than the buffer itself before any flow).
/// 2. A rung of `m` months is available from month index `m` on. Before the
///    shortest term can mature only current money helps, so current money
///    kept = the largest requirement of those first months.
/// 3. Walking the later months in order, when the requirement exceeds what is
///    available (current kept + rungs matured), a rung of the longest term that
///    matures by then covers the difference (longer terms pay more).
/// 4. The surplus left goes to the longest term.
///
/// Current kept plus the rungs maturing within the horizon thus equal the
/// forecast's liquidity need + buffer; it is only split so that money needed
/// late earns interest meanwhile. When the money now is not more than that,
/// everything stays current and there are no rungs.
pub fn suggest_ladder(
    current_fen: i64,
    forecast: &Forecast,
    terms: &[Term],
    buffer_fen: i64,
    start: Period,
) -> DomainResult<Ladder> {
    check_terms(terms)?;
    let needed = forecast
        .liquidity_need_fen
        .checked_add(buffer_fen)
        .ok_or_else(overflow)?;
    let mut sorted: Vec<Term> = terms.to_vec();
    sorted.sort_by_key(|t| t.months);
    let (Some(shortest), Some(longest)) = (sorted.first().copied(), sorted.last().copied()) else {
        return Ok(all_current(current_fen));
    };
    if current_fen <= needed {
        return Ok(all_current(current_fen));
    }
    let required = requirements(forecast, buffer_fen);
    let keep = required
        .iter()
        .take(shortest.months as usize)
        .copied()
        .max()
        .unwrap_or(buffer_fen)
        .max(buffer_fen);
    let mut amounts: Vec<(Term, i64)> = Vec::new();
    let mut available = keep;
    for (i, need) in required.iter().enumerate().skip(shortest.months as usize) {
        if *need <= available {
            continue;
        }
        let term = longest_maturing_by(&sorted, i);
        add_amount(&mut amounts, term, need - available);
        available = *need;
    }
    let placed: i64 = amounts.iter().map(|(_, a)| a).sum();
    add_amount(&mut amounts, longest, current_fen - keep - placed);
    build(keep, amounts, start)
}

/// Money that must be available in each month: buffer − cumulative flow.
fn requirements(forecast: &Forecast, buffer_fen: i64) -> Vec<i64> {
    forecast
        .months
        .iter()
        .map(|m| buffer_fen.saturating_sub(m.cumulative_fen))
        .collect()
}

/// The longest term available by month index `i` (terms sorted, the first ≤ i).
fn longest_maturing_by(sorted: &[Term], i: usize) -> Term {
    sorted
        .iter()
        .rev()
        .find(|t| t.months as usize <= i)
        .copied()
        .unwrap_or(sorted[0])
}

fn add_amount(amounts: &mut Vec<(Term, i64)>, term: Term, amount: i64) {
    if amount <= 0 {
        return;
    }
    match amounts.iter_mut().find(|(t, _)| t.months == term.months) {
        Some((_, a)) => *a += amount,
        None => amounts.push((term, amount)),
    }
}

fn build(keep: i64, mut amounts: Vec<(Term, i64)>, start: Period) -> DomainResult<Ladder> {
    amounts.sort_by_key(|(t, _)| t.months);
    let rungs = amounts
        .into_iter()
        .map(|(term, amount)| rung(term, amount, start))
        .collect::<DomainResult<Vec<_>>>()?;
    let interest = rungs.iter().map(|r| r.interest_fen).sum();
    Ok(Ladder {
        keep_current_fen: keep,
        rungs,
        interest_fen: interest,
    })
}

fn rung(term: Term, amount: i64, start: Period) -> DomainResult<LadderRung> {
    let interest = div_half_away(
        i128::from(amount) * i128::from(term.rate_ppm) * i128::from(term.months),
        12 * 1_000_000,
    );
    Ok(LadderRung {
        months: term.months,
        amount_fen: amount,
        matures: add_months(start, term.months)?,
        rate_ppm: term.rate_ppm,
        interest_fen: i64::try_from(interest).map_err(|_| overflow())?,
    })
}

fn all_current(current_fen: i64) -> Ladder {
    Ladder {
        keep_current_fen: current_fen,
        rungs: Vec::new(),
        interest_fen: 0,
    }
}

fn check_terms(terms: &[Term]) -> DomainResult<()> {
    for t in terms {
        if t.months == 0 || t.months > 120 || !(0..=1_000_000).contains(&t.rate_ppm) {
            return Err(DomainError::new(
                "LADDER_TERM_INVALID",
                format!(
                    "存期 {} 个月、利率 {} ppm 不是有效的定期存款档次",
                    t.months, t.rate_ppm
                ),
            ));
        }
    }
    Ok(())
}

fn overflow() -> DomainError {
    DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fund::forecast::ForecastMonth;

    fn p(yyyymm: u32) -> Period {
        Period::from_yyyymm(yyyymm).expect("period")
    }

    fn terms() -> Vec<Term> {
        [
            (3, 11_000),
            (6, 13_000),
            (12, 15_000),
            (24, 17_000),
            (36, 17_500),
        ]
        .iter()
        .map(|(months, rate_ppm)| Term {
            months: *months,
            rate_ppm: *rate_ppm,
        })
        .collect()
    }

    /// A forecast from monthly nets (opening cash does not matter here).
    fn forecast_of(nets: &[i64]) -> Forecast {
        let mut cumulative = 0;
        let months: Vec<ForecastMonth> = nets
            .iter()
            .enumerate()
            .map(|(i, net)| {
                cumulative += net;
                ForecastMonth {
                    period: add_months(p(202601), i as u32).expect("period"),
                    collection_fen: 0,
                    withdrawals_fen: 0,
                    known_in_fen: 0,
                    known_out_fen: 0,
                    net_fen: *net,
                    cumulative_fen: cumulative,
                    balance_fen: cumulative,
                }
            })
            .collect();
        let worst = months.iter().map(|m| m.cumulative_fen).min().unwrap_or(0);
        Forecast {
            months,
            lowest_balance_fen: worst,
            liquidity_need_fen: (-worst).max(0),
        }
    }

    /// Money available in month i: kept + rungs matured by i + cumulative flow.
    fn covered_everywhere(l: &Ladder, f: &Forecast, buffer: i64) -> bool {
        f.months.iter().enumerate().all(|(i, m)| {
            let matured: i64 = l
                .rungs
                .iter()
                .filter(|r| r.months as usize <= i)
                .map(|r| r.amount_fen)
                .sum();
            l.keep_current_fen + matured + m.cumulative_fen >= buffer
        })
    }

    #[test]
    fn late_needs_are_met_by_rungs_and_the_rest_goes_long() {
        // Outflow 100 in months 1 and 2, 300 in month 7, 200 in month 11.
        // Required (buffer 50): months 0..2 → 50, 150, 250; month 7 → 550;
        // month 11 → 750. Keep = 250 (before the 3-month term matures);
        // month 7 needs 300 more → 6-month rung; month 11 needs 200 → 6-month
        // rung (the longest ≤ 11). Rest 10,000 − 250 − 500 = 9,250 → 36 months.
        let f = forecast_of(&[0, -100, -100, 0, 0, 0, 0, -300, 0, 0, 0, -200]);
        let l = suggest_ladder(10_000, &f, &terms(), 50, p(202601)).expect("ladder");
        assert_eq!(l.keep_current_fen, 250);
        let shape: Vec<(u32, i64)> = l.rungs.iter().map(|r| (r.months, r.amount_fen)).collect();
        assert_eq!(shape, vec![(6, 500), (36, 9_250)]);
        assert_eq!(l.rungs[0].matures, p(202607));
        // 500 × 1.30% × 6/12 = 3.25 → 3; 9,250 × 1.75% × 3 = 485.625 → 486.
        assert_eq!(l.interest_fen, 3 + 486);
        assert!(covered_everywhere(&l, &f, 50));
        let placed: i64 = l.rungs.iter().map(|r| r.amount_fen).sum();
        assert_eq!(l.keep_current_fen + placed, 10_000);
    }

    #[test]
    fn coverage_holds_for_a_seasonal_outflow() {
        let nets = [
            500, -800, 300, -1_200, 100, -50, 0, -2_000, 700, -300, -900, 400,
        ];
        let f = forecast_of(&nets);
        let l = suggest_ladder(50_000, &f, &terms(), 1_000, p(202601)).expect("ladder");
        assert!(covered_everywhere(&l, &f, 1_000));
        let placed: i64 = l.rungs.iter().map(|r| r.amount_fen).sum();
        assert_eq!(l.keep_current_fen + placed, 50_000);
        // Kept + rungs maturing within the year = need (3,650) + buffer.
        let within: i64 = l
            .rungs
            .iter()
            .filter(|r| r.months < 12)
            .map(|r| r.amount_fen)
            .sum();
        assert_eq!(l.keep_current_fen + within, f.liquidity_need_fen + 1_000);
    }

    #[test]
    fn no_surplus_means_no_rungs() {
        let f = forecast_of(&[-500; 12]);
        let l = suggest_ladder(6_100, &f, &terms(), 100, p(202601)).expect("ladder");
        assert_eq!(
            (l.keep_current_fen, l.rungs.len(), l.interest_fen),
            (6_100, 0, 0)
        );
        let bad = [Term {
            months: 0,
            rate_ppm: 1,
        }];
        assert_eq!(
            suggest_ladder(1, &f, &bad, 0, p(202601)).map_err(|e| e.code()),
            Err("LADDER_TERM_INVALID")
        );
    }
}
