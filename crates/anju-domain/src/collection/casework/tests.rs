use super::*;

fn rules_on(day: &str) -> ContributionRules {
    crate::test_support::contribution_rules(day)
}

fn rates(percent: &str) -> ContributionRates {
    let r = RatePpm::parse_percent(percent).expect("rate");
    ContributionRates {
        employer: r,
        member: r,
    }
}

fn p(text: &str) -> Period {
    Period::parse(text).expect("period")
}

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

#[test]
fn back_pay_owes_a_missed_member_the_month_and_a_low_base_the_difference() {
    let rules = rules_on("2026-10-01");
    let paid = [BillLine {
        member: MemberId(1),
        base: Fen::new(8_000_00),
        employer: Fen::new(800_00),
        member_part: Fen::new(800_00),
    }];
    let requests = [
        BackPayRequest {
            member: MemberId(1),
            wage: Fen::new(9_000_00),
            rates: None,
        },
        BackPayRequest {
            member: MemberId(2),
            wage: Fen::new(6_000_00),
            rates: None,
        },
    ];
    let lines = back_payment_lines(&requests, &paid, rates("10"), &rules).expect("lines");
    // Member 1: 9,000 × 10% = 900.00 per side, 800.00 paid → 100.00 each.
    assert_eq!(lines[0].base, Fen::new(9_000_00));
    assert_eq!(lines[0].employer, Fen::new(100_00));
    assert_eq!(lines[0].member_part, Fen::new(100_00));
    // Member 2 was missed: the whole month, 600.00 per side.
    assert_eq!(lines[1].employer, Fen::new(600_00));
    assert_eq!(lines[1].member_part, Fen::new(600_00));
}

#[test]
fn back_pay_refuses_a_base_that_is_not_higher_and_an_empty_request() {
    let rules = rules_on("2026-10-01");
    let paid = [BillLine {
        member: MemberId(1),
        base: Fen::new(8_000_00),
        employer: Fen::new(800_00),
        member_part: Fen::new(800_00),
    }];
    let same = [BackPayRequest {
        member: MemberId(1),
        wage: Fen::new(8_000_00),
        rates: None,
    }];
    assert_eq!(
        back_payment_lines(&same, &paid, rates("10"), &rules).map_err(|e| e.code()),
        Err("BACKPAY_NOT_HIGHER")
    );
    assert_eq!(
        back_payment_lines(&[], &paid, rates("10"), &rules).map_err(|e| e.code()),
        Err("BACKPAY_EMPTY")
    );
}

fn application(kind: ReliefKind, from: &str, to: &str, rate: Option<&str>) -> ReliefApplication {
    ReliefApplication {
        kind,
        from: p(from),
        to: p(to),
        rates: rate.map(rates),
        reason: "受订单下降影响，经营困难".to_string(),
        consent: "职代会决议〔2026〕3号".to_string(),
    }
}

#[test]
fn a_relief_looks_forward_at_most_a_year_with_consent() {
    let rules = rules_on("2026-11-01");
    let now = p("202611");
    let current = rates("12");
    let ok = application(ReliefKind::Deferral, "202612", "202705", None);
    assert_eq!(ok.check(now, current, &rules), Ok(()));
    let past = application(ReliefKind::Deferral, "202610", "202612", None);
    assert_eq!(
        past.check(now, current, &rules).map_err(|e| e.code()),
        Err("RELIEF_PERIOD_INVALID")
    );
    let long = application(ReliefKind::Deferral, "202612", "202712", None);
    assert_eq!(
        long.check(now, current, &rules).map_err(|e| e.code()),
        Err("RELIEF_TOO_LONG")
    );
    let year = application(ReliefKind::Deferral, "202612", "202711", None);
    assert_eq!(year.check(now, current, &rules), Ok(()));
    let mut unsigned = ok.clone();
    unsigned.consent = " ".to_string();
    assert_eq!(
        unsigned.check(now, current, &rules).map_err(|e| e.code()),
        Err("RELIEF_CONSENT_REQUIRED")
    );
}

#[test]
fn a_rate_reduction_stays_in_the_band_and_below_the_current_rates() {
    let rules = rules_on("2026-11-01");
    let now = p("202611");
    let current = rates("12");
    let ok = application(ReliefKind::RateReduction, "202612", "202705", Some("5"));
    assert_eq!(ok.check(now, current, &rules), Ok(()));
    let below_band = application(ReliefKind::RateReduction, "202612", "202705", Some("3"));
    assert_eq!(
        below_band.check(now, current, &rules).map_err(|e| e.code()),
        Err("RATE_OUT_OF_POLICY")
    );
    let same = application(ReliefKind::RateReduction, "202612", "202705", Some("12"));
    assert_eq!(
        same.check(now, current, &rules).map_err(|e| e.code()),
        Err("RELIEF_RATES_NOT_LOWER")
    );
    let none = application(ReliefKind::RateReduction, "202612", "202705", None);
    assert_eq!(
        none.check(now, current, &rules).map_err(|e| e.code()),
        Err("RELIEF_RATES_REQUIRED")
    );
}

#[test]
fn a_deferred_month_falls_due_a_month_after_the_deferral() {
    assert_eq!(deferred_due_date(p("202705")), Ok(d("2027-06-30")));
    assert_eq!(deferred_due_date(p("202712")), Ok(d("2028-01-31")));
}

#[test]
fn the_flexible_minimum_is_ten_percent_of_the_floor() {
    // 2025 floor 2,490.00 → 249.00; 2026 floor 4,952.00 → 495.20.
    assert_eq!(
        flexible_minimum(&rules_on("2026-01-01")),
        Ok(Fen::new(249_00))
    );
    assert_eq!(
        flexible_minimum(&rules_on("2026-11-01")),
        Ok(Fen::new(495_20))
    );
}

#[test]
fn flexible_workers_are_sixteen_to_retirement_age() {
    let today = d("2026-11-29");
    // Born 1990-03-07, male: 36.
    let adult = IdCardNo::parse("320502199003071230").expect("id");
    assert_eq!(check_flexible_age(&adult, today), Ok(()));
    // Born 1949-12-31, female: 76.
    let retired = IdCardNo::parse("11010519491231002X").expect("id");
    assert_eq!(
        check_flexible_age(&retired, today).map_err(|e| e.code()),
        Err("FLEXIBLE_AGE")
    );
    assert_eq!(age_on(d("2010-11-30"), today), 15);
    assert_eq!(age_on(d("2010-11-29"), today), 16);
}

#[test]
fn names_are_masked_between_the_first_and_last_character() {
    assert_eq!(mask_name("张三丰"), "张*丰");
    assert_eq!(mask_name("张三"), "张*");
    assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
    assert_eq!(mask_name("王"), "王");
}

#[test]
fn back_pay_uses_the_members_own_rates_and_counts_earlier_back_payments() {
    let rules = rules_on("2026-10-01");
    let line = |base: i64, side: i64| BillLine {
        member: MemberId(1),
        base: Fen::new(base),
        employer: Fen::new(side),
        member_part: Fen::new(side),
    };
    // The monthly bill at 8,000 × 12% (the member's own rates), then a back
    // payment that already took the base to 9,000.
    let charged =
        charged_per_member(&[line(8_000_00, 960_00), line(9_000_00, 120_00)]).expect("sum");
    assert_eq!(charged, vec![line(9_000_00, 1_080_00)]);
    let again = [BackPayRequest {
        member: MemberId(1),
        wage: Fen::new(9_000_00),
        rates: Some(rates("12")),
    }];
    assert_eq!(
        back_payment_lines(&again, &charged, rates("5"), &rules).map_err(|e| e.code()),
        Err("BACKPAY_NOT_HIGHER"),
        "the same back payment twice is refused"
    );
    let higher = [BackPayRequest {
        member: MemberId(1),
        wage: Fen::new(10_000_00),
        rates: Some(rates("12")),
    }];
    let lines = back_payment_lines(&higher, &charged, rates("5"), &rules).expect("lines");
    // 10,000 × 12% = 1,200 per side, 1,080 charged: 120 more, not a negative
    // figure from the employer's 5%.
    assert_eq!(
        (lines[0].employer, lines[0].member_part),
        (Fen::new(120_00), Fen::new(120_00))
    );
    let lower_rates = [BackPayRequest {
        member: MemberId(1),
        wage: Fen::new(10_000_00),
        rates: None,
    }];
    assert_eq!(
        back_payment_lines(&lower_rates, &charged, rates("5"), &rules).map_err(|e| e.code()),
        Err("BACKPAY_NOTHING_DUE")
    );
}
