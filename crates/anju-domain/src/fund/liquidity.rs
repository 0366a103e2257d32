//! Early warnings on the fund's position (plan §3: dynamic monitoring with
//! early warnings). Each indicator is compared exactly, as a ratio, with its
//! threshold from the dated `[[fund_rule]]`.

use super::indicators::{YearFigures, loan_ratio, overdue_rate, reserve_adequacy, utilisation};
use super::ratio::Ratio;
use crate::money::Fen;

/// Alert thresholds in ppm (and the bank-deposit floor in fen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thresholds {
    pub utilisation_min_ppm: i64,
    pub utilisation_max_ppm: i64,
    pub loan_ratio_warn_ppm: i64,
    pub loan_ratio_tight_ppm: i64,
    pub reserve_adequacy_min_ppm: i64,
    /// 0.015‰ = 15 ppm.
    pub overdue_rate_max_ppm: i64,
    pub min_bank_deposits_fen: i64,
}

/// How serious an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertLevel {
    Warning,
    Critical,
}

impl AlertLevel {
    /// "预警" / "严重".
    pub fn name(self) -> &'static str {
        match self {
            AlertLevel::Warning => "预警",
            AlertLevel::Critical => "严重",
        }
    }
}

/// One threshold crossed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Stable key, e.g. "utilisation".
    pub indicator: &'static str,
    /// Chinese name, e.g. 资金运用率.
    pub name: &'static str,
    pub level: AlertLevel,
    /// The value in ppm (fen for "bank_deposits").
    pub value_ppm: i64,
    /// The threshold crossed in ppm (fen for "bank_deposits").
    pub threshold_ppm: i64,
    /// Chinese, with value and threshold.
    pub message: String,
}

/// The indicators the warnings look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub utilisation: Option<Ratio>,
    pub loan_ratio: Option<Ratio>,
    pub reserve_adequacy: Option<Ratio>,
    pub overdue_rate: Option<Ratio>,
    pub bank_deposits_fen: i64,
}

/// The snapshot of one set of figures.
pub fn snapshot(f: &YearFigures) -> Snapshot {
    Snapshot {
        utilisation: utilisation(f),
        loan_ratio: loan_ratio(f),
        reserve_adequacy: reserve_adequacy(f),
        overdue_rate: overdue_rate(f),
        bank_deposits_fen: f.fund_bank_deposits_fen,
    }
}

/// Every threshold crossed: utilisation outside its band (warning), loan ratio
/// above the warning line (warning) or the tight line (critical), adequacy
/// below its minimum (warning), overdue rate above its maximum (critical), bank
/// deposits below the floor (critical). A value on the line does not alert.
pub fn check(s: &Snapshot, t: &Thresholds) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if let Some(u) = s.utilisation {
        if u < Ratio::from_ppm(t.utilisation_min_ppm) {
            alerts.push(ratio_alert(
                UTILISATION,
                AlertLevel::Warning,
                u,
                t.utilisation_min_ppm,
                "低于下限",
            ));
        } else if u > Ratio::from_ppm(t.utilisation_max_ppm) {
            alerts.push(ratio_alert(
                UTILISATION,
                AlertLevel::Warning,
                u,
                t.utilisation_max_ppm,
                "高于上限",
            ));
        }
    }
    if let Some(r) = s.loan_ratio {
        if r > Ratio::from_ppm(t.loan_ratio_tight_ppm) {
            alerts.push(ratio_alert(
                LOAN_RATIO,
                AlertLevel::Critical,
                r,
                t.loan_ratio_tight_ppm,
                "高于资金紧张线",
            ));
        } else if r > Ratio::from_ppm(t.loan_ratio_warn_ppm) {
            alerts.push(ratio_alert(
                LOAN_RATIO,
                AlertLevel::Warning,
                r,
                t.loan_ratio_warn_ppm,
                "高于预警线",
            ));
        }
    }
    if let Some(a) = s
        .reserve_adequacy
        .filter(|a| *a < Ratio::from_ppm(t.reserve_adequacy_min_ppm))
    {
        alerts.push(ratio_alert(
            ADEQUACY,
            AlertLevel::Warning,
            a,
            t.reserve_adequacy_min_ppm,
            "低于下限",
        ));
    }
    if let Some(o) = s
        .overdue_rate
        .filter(|o| *o > Ratio::from_ppm(t.overdue_rate_max_ppm))
    {
        alerts.push(ratio_alert(
            OVERDUE,
            AlertLevel::Critical,
            o,
            t.overdue_rate_max_ppm,
            "高于上限",
        ));
    }
    if s.bank_deposits_fen < t.min_bank_deposits_fen {
        alerts.push(deposits_alert(s.bank_deposits_fen, t.min_bank_deposits_fen));
    }
    alerts
}

/// (key, name, shown in ‰ rather than %).
type Indicator = (&'static str, &'static str, bool);
const UTILISATION: Indicator = ("utilisation", "资金运用率", false);
const LOAN_RATIO: Indicator = ("loan_ratio", "个贷率", false);
const ADEQUACY: Indicator = ("reserve_adequacy", "风险准备金充足率", false);
const OVERDUE: Indicator = ("overdue_rate", "个人贷款逾期率", true);

fn ratio_alert(
    ind: Indicator,
    level: AlertLevel,
    value: Ratio,
    threshold_ppm: i64,
    what: &str,
) -> Alert {
    let threshold = Ratio::from_ppm(threshold_ppm);
    let (v, th) = if ind.2 {
        (value.permille_text(3), threshold.permille_text(3))
    } else {
        (value.percent_text(2), threshold.percent_text(2))
    };
    Alert {
        indicator: ind.0,
        name: ind.1,
        level,
        value_ppm: value.ppm(),
        threshold_ppm,
        message: format!("{}为 {v}，{what} {th}", ind.1),
    }
}

fn deposits_alert(value: i64, floor: i64) -> Alert {
    Alert {
        indicator: "bank_deposits",
        name: "住房公积金存款",
        level: AlertLevel::Critical,
        value_ppm: value,
        threshold_ppm: floor,
        message: format!(
            "住房公积金存款为 {}，低于最低备付 {}",
            Fen::new(value),
            Fen::new(floor)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> Thresholds {
        Thresholds {
            utilisation_min_ppm: 850_000,
            utilisation_max_ppm: 950_000,
            loan_ratio_warn_ppm: 850_000,
            loan_ratio_tight_ppm: 900_000,
            reserve_adequacy_min_ppm: 40_000,
            overdue_rate_max_ppm: 15,
            min_bank_deposits_fen: 1_000,
        }
    }

    /// A snapshot inside every band; each test moves one value.
    fn fine() -> Snapshot {
        Snapshot {
            utilisation: Ratio::new(85, 100),
            loan_ratio: Ratio::new(85, 100),
            reserve_adequacy: Ratio::new(4, 100),
            overdue_rate: Ratio::new(15, 1_000_000),
            bank_deposits_fen: 1_000,
        }
    }

    fn fired(s: &Snapshot) -> Vec<(&'static str, AlertLevel)> {
        check(s, &t())
            .iter()
            .map(|a| (a.indicator, a.level))
            .collect()
    }

    #[test]
    fn values_on_the_edges_do_not_alert() {
        assert!(fired(&fine()).is_empty());
        let top = Snapshot {
            utilisation: Ratio::new(95, 100),
            loan_ratio: Ratio::new(9, 10),
            ..fine()
        };
        assert_eq!(fired(&top), vec![("loan_ratio", AlertLevel::Warning)]);
        let none = Snapshot {
            utilisation: None,
            loan_ratio: None,
            reserve_adequacy: None,
            overdue_rate: None,
            ..fine()
        };
        assert!(fired(&none).is_empty());
    }

    #[test]
    fn each_alert_fires_just_past_its_edge() {
        // One part in 10^9 past each line is enough: the comparison is exact.
        let below = |r: Option<Ratio>| {
            r.map(|r| Ratio::new(r.num * 1_000_000_000 - r.den, r.den * 1_000_000_000).expect("r"))
        };
        let above = |r: Option<Ratio>| {
            r.map(|r| Ratio::new(r.num * 1_000_000_000 + r.den, r.den * 1_000_000_000).expect("r"))
        };
        let f = fine();
        assert_eq!(
            fired(&Snapshot {
                utilisation: below(f.utilisation),
                ..fine()
            }),
            vec![("utilisation", AlertLevel::Warning)]
        );
        assert_eq!(
            fired(&Snapshot {
                utilisation: above(Ratio::new(95, 100)),
                ..fine()
            }),
            vec![("utilisation", AlertLevel::Warning)]
        );
        assert_eq!(
            fired(&Snapshot {
                loan_ratio: above(f.loan_ratio),
                ..fine()
            }),
            vec![("loan_ratio", AlertLevel::Warning)]
        );
        assert_eq!(
            fired(&Snapshot {
                loan_ratio: above(Ratio::new(9, 10)),
                ..fine()
            }),
            vec![("loan_ratio", AlertLevel::Critical)]
        );
        assert_eq!(
            fired(&Snapshot {
                reserve_adequacy: below(f.reserve_adequacy),
                ..fine()
            }),
            vec![("reserve_adequacy", AlertLevel::Warning)]
        );
        assert_eq!(
            fired(&Snapshot {
                overdue_rate: above(f.overdue_rate),
                ..fine()
            }),
            vec![("overdue_rate", AlertLevel::Critical)]
        );
        assert_eq!(
            fired(&Snapshot {
                bank_deposits_fen: 999,
                ..fine()
            }),
            vec![("bank_deposits", AlertLevel::Critical)]
        );
    }

    #[test]
    fn messages_carry_value_and_threshold() {
        let s = Snapshot {
            overdue_rate: Ratio::new(2, 100_000),
            utilisation: Ratio::new(80, 100),
            ..fine()
        };
        let alerts = check(&s, &t());
        assert_eq!(alerts[0].message, "资金运用率为 80.00%，低于下限 85.00%");
        assert_eq!(
            alerts[1].message,
            "个人贷款逾期率为 0.020‰，高于上限 0.015‰"
        );
        assert_eq!((alerts[1].value_ppm, alerts[1].threshold_ppm), (20, 15));
        assert_eq!(AlertLevel::Critical.name(), "严重");
    }
}
