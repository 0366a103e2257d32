use crate::error::{DomainError, DomainResult};
use crate::money::{Fen, Rounding};
use crate::policy::ContributionRules;
use crate::rate::RatePpm;

/// 缴存比例: the employer's and the member's rate (each 5%–12% in Suzhou).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContributionRates {
    pub employer: RatePpm,
    pub member: RatePpm,
}

/// 月缴存额: computed per side, then added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlyContribution {
    pub base: Fen,
    pub employer: Fen,
    pub member: Fen,
}

impl MonthlyContribution {
    pub fn total(&self) -> DomainResult<Fen> {
        self.employer.checked_add(self.member)
    }
}

/// 缴存基数: the wage clamped to [floor, cap] of the contribution year.
pub fn clamp_base(wage: Fen, rules: &ContributionRules) -> DomainResult<Fen> {
    if !wage.is_positive() {
        return Err(DomainError::new("WAGE_NOT_POSITIVE", "工资收入必须大于零"));
    }
    Ok(wage.max(rules.base_floor).min(rules.base_cap))
}

/// Each rate within [min, max] on the policy's step.
pub fn check_rates(rates: ContributionRates, rules: &ContributionRules) -> DomainResult<()> {
    for (side, rate) in [("单位", rates.employer), ("个人", rates.member)] {
        let in_band = rate >= rules.rate_min && rate <= rules.rate_max;
        let on_step = (rate.ppm() - rules.rate_min.ppm()) % rules.rate_step.ppm().max(1) == 0;
        if !(in_band && on_step) {
            return Err(DomainError::new(
                "RATE_OUT_OF_POLICY",
                format!(
                    "{side}缴存比例 {rate} 不符合规定：应在 {} 至 {} 之间，步长 {}",
                    rules.rate_min, rules.rate_max, rules.rate_step
                ),
            ));
        }
    }
    Ok(())
}

/// `side = round(base × rate)` for each side, with the policy's rounding.
pub fn monthly_contribution(
    wage: Fen,
    rates: ContributionRates,
    rules: &ContributionRules,
) -> DomainResult<MonthlyContribution> {
    check_rates(rates, rules)?;
    let base = clamp_base(wage, rules)?;
    Ok(MonthlyContribution {
        base,
        employer: side(base, rates.employer, rules.rounding)?,
        member: side(base, rates.member, rules.rounding)?,
    })
}

fn side(base: Fen, rate: RatePpm, rounding: Rounding) -> DomainResult<Fen> {
    rounding.apply(i128::from(base.get()) * i128::from(rate.ppm()), 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(rounding: Rounding) -> ContributionRules {
        let mut rules = crate::test_support::contribution_rules("2025-07-01");
        rules.rounding = rounding;
        rules
    }

    fn rates(percent: &str) -> ContributionRates {
        let rate = RatePpm::parse_percent(percent).expect("rate");
        ContributionRates {
            employer: rate,
            member: rate,
        }
    }

    fn yuan(text: &str) -> Fen {
        Fen::parse(text).expect(text)
    }

    /// business-rules §1, 2025 limits, yuan half-up per side.
    #[test]
    fn rounding_table_in_yuan() {
        let table = [
            ("2000.00", "2490.00", "5", "125", "250"),
            ("2000.00", "2490.00", "12", "299", "598"),
            ("15000.50", "15000.50", "5", "750", "1500"),
            ("15000.50", "15000.50", "12", "1800", "3600"),
            ("60000.00", "38900.00", "5", "1945", "3890"),
            ("60000.00", "38900.00", "12", "4668", "9336"),
        ];
        let rules = rules(Rounding::HalfUpYuan);
        for (wage, base, rate, side, total) in table {
            let m = monthly_contribution(yuan(wage), rates(rate), &rules).expect("computes");
            assert_eq!(m.base, yuan(base), "{wage}");
            assert_eq!(
                (m.employer, m.member),
                (yuan(side), yuan(side)),
                "{wage} at {rate}%"
            );
            assert_eq!(m.total(), Ok(yuan(total)), "{wage} at {rate}%");
        }
    }

    #[test]
    fn fen_and_ceiling_modes() {
        let fen = monthly_contribution(yuan("5491"), rates("5"), &rules(Rounding::HalfUpFen))
            .expect("fen");
        assert_eq!(
            (fen.member, fen.total()),
            (yuan("274.55"), Ok(yuan("549.10")))
        );
        let yuan_mode =
            monthly_contribution(yuan("5491"), rates("5"), &rules(Rounding::HalfUpYuan))
                .expect("yuan");
        assert_eq!(yuan_mode.total(), Ok(yuan("550")));
        // 遇零进整: 2,490.00 × 12% = 298.80 → 299; 2,500 × 5% = 125 stays 125.
        let ceil = monthly_contribution(yuan("2490"), rates("12"), &rules(Rounding::CeilYuan))
            .expect("ceil");
        assert_eq!(ceil.member, yuan("299"));
        let exact = monthly_contribution(yuan("2500"), rates("5"), &rules(Rounding::CeilYuan))
            .expect("ceil");
        assert_eq!(exact.member, yuan("125"));
        // Half-up to fen at the half: 2,490.10 × 5% = 124.505 → 124.51.
        let half = monthly_contribution(yuan("2490.10"), rates("5"), &rules(Rounding::HalfUpFen))
            .expect("fen");
        assert_eq!(half.member, yuan("124.51"));
    }

    #[test]
    fn rates_and_wages_outside_policy_are_refused() {
        let rules = rules(Rounding::HalfUpFen);
        for bad in ["4", "13", "5.5"] {
            let r = monthly_contribution(yuan("5000"), rates(bad), &rules);
            assert_eq!(r.map_err(|e| e.code()), Err("RATE_OUT_OF_POLICY"), "{bad}%");
        }
        let mixed = ContributionRates {
            employer: RatePpm::parse_percent("12").expect("r"),
            member: RatePpm::parse_percent("5").expect("r"),
        };
        assert!(
            monthly_contribution(yuan("5000"), mixed, &rules).is_ok(),
            "sides may differ"
        );
        assert_eq!(
            monthly_contribution(Fen::ZERO, rates("5"), &rules).map_err(|e| e.code()),
            Err("WAGE_NOT_POSITIVE")
        );
    }
}
