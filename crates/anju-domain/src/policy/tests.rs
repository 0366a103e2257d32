use super::*;

use crate::test_support::SUZHOU;

fn suzhou() -> PolicySet {
    parse_policy("policy/suzhou.toml", SUZHOU).expect("the shipped policy loads")
}

fn d(text: &str) -> Date {
    Date::parse(text).expect(text)
}

fn pct(text: &str) -> RatePpm {
    RatePpm::parse_percent(text).expect(text)
}

#[test]
fn loan_rates_change_on_2025_05_08() {
    let set = suzhou();
    let before = set.at(d("2025-05-07")).expect("in force");
    let after = set.at(d("2025-05-08")).expect("in force");
    assert_eq!(before.loan_rate.value.first_home_over_5y, pct("2.85"));
    assert_eq!(before.loan_rate.value.second_home_up_to_5y, pct("2.775"));
    assert_eq!(after.loan_rate.value.first_home_up_to_5y, pct("2.10"));
    assert_eq!(after.loan_rate.value.first_home_over_5y, pct("2.60"));
    assert_eq!(after.loan_rate.value.second_home_up_to_5y, pct("2.525"));
    assert_eq!(after.loan_rate.value.second_home_over_5y, pct("3.075"));
    assert_eq!(
        set.at(d("2024-05-17")).map_err(|e| e.code()),
        Err("POLICY_NOT_IN_FORCE")
    );
}

#[test]
fn base_limits_change_on_2026_07_01() {
    let set = suzhou();
    let before = set.at(d("2026-06-30")).expect("in force");
    let after = set.at(d("2026-07-01")).expect("in force");
    assert_eq!(before.contribution.value.base_cap, Fen::new(3_890_000));
    assert_eq!(before.contribution.value.base_floor, Fen::new(249_000));
    assert_eq!(after.contribution.value.base_cap, Fen::new(4_060_000));
    assert_eq!(after.contribution.value.base_floor, Fen::new(495_200));
    assert_eq!(
        set.at(d("2025-06-30"))
            .map(|p| p.contribution.value.base_cap),
        Ok(Fen::new(3_470_000))
    );
    assert!(!after.contribution.is_verified("base_floor"));
    assert!(after.contribution.is_verified("rate_max_percent"));
}

#[test]
fn loan_caps_and_deposit_rates_by_date() {
    let set = suzhou();
    let cap = |date: &str| {
        set.loan_limit
            .at(d(date))
            .map(|v| (v.value.single_cap, v.value.family_cap))
    };
    assert_eq!(
        cap("2026-05-09"),
        Ok((Fen::new(120_000_000), Fen::new(150_000_000)))
    );
    assert_eq!(
        cap("2026-05-10"),
        Ok((Fen::new(150_000_000), Fen::new(200_000_000)))
    );
    let rate = |date: &str| {
        set.deposit_interest
            .at(d(date))
            .map(|v| v.value.rate_current_year)
    };
    assert_eq!(rate("2016-02-20"), Ok(pct("0.35")));
    assert_eq!(rate("2016-02-21"), Ok(pct("1.50")));
    let subsidy = |date: &str| {
        set.deposit_interest
            .at(d(date))
            .map(|v| v.value.flexible_subsidy_percent)
    };
    assert_eq!(subsidy("2025-06-30"), Ok(0));
    assert_eq!(subsidy("2025-07-01"), Ok(30));
    assert_eq!(
        set.at(d("2026-11-29"))
            .map(|p| p.rent.value.cap_per_person_month),
        Ok(Fen::new(150_000))
    );
    assert_eq!(
        set.at(d("2026-11-29"))
            .map(|p| p.deposit_interest.value.method),
        Ok(InterestMethod::B)
    );
}

#[test]
fn withdrawal_reasons_appear_on_their_date() {
    let set = suzhou();
    let before = set.at(d("2026-09-19")).expect("in force");
    let after = set.at(d("2026-09-20")).expect("in force");
    assert_eq!(
        before.withdrawal_reason("11").map_err(|e| e.code()).err(),
        Some("WITHDRAWAL_REASON_UNKNOWN")
    );
    assert_eq!(
        after.withdrawal_reason("11").map(|r| r.name.as_str()),
        Ok("装修自住住房")
    );
    assert_eq!(
        after.withdrawal_reason("03").map(|r| r.closes_account),
        Ok(true)
    );
    assert_eq!(after.withdrawal_reason("07").map(|r| r.housing), Ok(true));
}

fn load_error(text: &str) -> PolicyError {
    parse_policy("test.toml", text).expect_err("must be refused")
}

/// The shipped file with one line replaced, to test each refusal in context.
fn with(replace: &str, by: &str) -> String {
    assert!(SUZHOU.contains(replace), "{replace}");
    SUZHOU.replacen(replace, by, 1)
}

#[test]
fn errors_name_file_key_and_problem() {
    let e = load_error(&with("base_cap = \"34700.00\"", "base_cap = \"34,700\""));
    assert_eq!(e.file, "test.toml");
    assert_eq!(e.key, "contribution[0].base_cap");
    assert!(e.problem.contains("AMOUNT_FORMAT"), "{e}");

    let e = load_error(&with("base_cap = \"34700.00\"", "base_cap = \"1000.00\""));
    assert_eq!(e.key, "contribution[0].base_floor");

    let e = load_error(&with(
        "rounding = \"half_up_fen\"\nflexible_subsidy_percent = 0\nsource = \"银发〔2016〕43号\"",
        "roundng = \"half_up_fen\"\nflexible_subsidy_percent = 0\nsource = \"x\"",
    ));
    assert_eq!(e.key, "deposit_interest[1].rounding");
    assert_eq!(e.problem, "is missing");

    let e = load_error(&with(
        "flexible_subsidy_account = \"41104\"\nbackdated_adjustment = \"immediate\"\nrounding = \"half_up_fen\"\nflexible_subsidy_percent = 30",
        "flexible_subsidy_account = \"201\"\nbackdated_adjustment = \"immediate\"\nrounding = \"half_up_fen\"\nflexible_subsidy_percent = 30",
    ));
    assert_eq!(e.key, "deposit_interest[2].flexible_subsidy_account");
    assert!(e.problem.contains("ACCOUNT_NOT_EXPENSE"), "{e}");

    let e = load_error(&with(
        "backdated_adjustment = \"immediate\"\nrounding = \"half_up_fen\"\nflexible_subsidy_percent = 30",
        "backdated_adjustment = \"later\"\nrounding = \"half_up_fen\"\nflexible_subsidy_percent = 30",
    ));
    assert_eq!(e.key, "deposit_interest[2].backdated_adjustment");
    assert!(e.problem.contains("BACKDATED_ADJUSTMENT_UNKNOWN"), "{e}");

    let e = load_error(&with(
        "effective_from = \"2025-05-08\"",
        "effective_from = \"2024-05-01\"",
    ));
    assert_eq!(e.key, "loan_rate[1].effective_from");

    let e = load_error(&with(
        "unverified = [\"completed_home_bonus_percent\"",
        "unverified = [\"bonus\"",
    ));
    assert_eq!(e.key, "loan_limit[2].unverified");

    let e = load_error(&with(
        "max_term_months = 360\nsource = \"苏州房金",
        "max_term_months = 360\nextra = 1\nsource = \"苏州房金",
    ));
    assert_eq!(e.key, "loan_limit[2].extra");
    assert_eq!(e.problem, "is not a known key");

    let e = load_error(&with(
        "rate_max_percent = \"12\"",
        "rate_max_percent = \"25\"",
    ));
    assert_eq!(e.key, "contribution[0].rate_max_percent");

    let e = load_error(&with("code = \"99\"", "code = \"01\""));
    assert!(e.key.starts_with("withdrawal_reason["), "{e}");

    let e = load_error("[centre\ncode = 1");
    assert_eq!(e.key, "line 1");

    let e = load_error(&with("[[ledger]]", "[[ledgers]]"));
    assert_eq!(e.key, "ledger");
}

#[test]
fn in_force_from_is_the_latest_first_version() {
    assert_eq!(suzhou().in_force_from(), Some(d("2024-07-01")));
}

#[test]
fn fund_rules_give_thresholds_distribution_and_terms() {
    let set = suzhou();
    let rule = set.at(d("2026-11-29")).expect("in force").fund_rule;
    let t = rule.value.thresholds();
    assert_eq!(
        (t.utilisation_min_ppm, t.utilisation_max_ppm),
        (850_000, 950_000)
    );
    assert_eq!(
        (t.loan_ratio_warn_ppm, t.loan_ratio_tight_ppm),
        (850_000, 900_000)
    );
    assert_eq!(
        (t.reserve_adequacy_min_ppm, t.overdue_rate_max_ppm),
        (40_000, 15)
    );
    assert_eq!(t.min_bank_deposits_fen, 50_000_000_000);
    let dist = rule.value.distribution_rule();
    assert_eq!(
        (dist.reserve_target_ppm, dist.reserve_min_share_ppm),
        (40_000, 600_000)
    );
    let terms: Vec<(u32, i64)> = rule
        .value
        .terms()
        .iter()
        .map(|t| (t.months, t.rate_ppm))
        .collect();
    assert_eq!(
        terms,
        vec![
            (3, 11_000),
            (6, 13_000),
            (12, 15_000),
            (24, 17_000),
            (36, 17_500)
        ]
    );
    assert!(!rule.is_verified("buffer"));
    assert!(rule.is_verified("utilisation_min_percent"));
}

#[test]
fn fund_rule_errors_name_the_key() {
    let e = load_error(&with("\"24:1.70\"", "\"24-1.70\""));
    assert_eq!(e.key, "fund_rule[0].deposit_terms");
    let e = load_error(&with("\"36:1.75\"", "\"12:1.75\""));
    assert_eq!(e.problem, "terms must rise in months");
    let e = load_error(&with(
        "overdue_rate_max_permille = \"0.015\"",
        "overdue_rate_max_permille = \"0.0155\"",
    ));
    assert_eq!(e.key, "fund_rule[0].overdue_rate_max_permille");
    assert!(e.problem.contains("PERMILLE_FORMAT"), "{e}");
    let e = load_error(&with(
        "utilisation_min_percent = \"85\"",
        "utilisation_min_percent = \"96\"",
    ));
    assert_eq!(e.key, "fund_rule[0].utilisation_min_percent");
    let e = load_error(&with("[[fund_rule]]", "[[fund_rules]]"));
    assert_eq!(e.key, "fund_rule");
}
