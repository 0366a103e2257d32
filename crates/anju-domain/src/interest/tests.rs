use super::*;
use proptest::prelude::*;

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn rate(text: &str) -> RatePpm {
    RatePpm::parse_percent(text).expect("rate")
}

fn flat(percent: &str) -> Vec<RateSpan> {
    vec![RateSpan {
        from: d("2016-02-21"),
        current_year: rate(percent),
        brought_forward: rate(percent),
    }]
}

/// business-rules §2: ¥50,000.00 brought forward on 2024-07-01; ¥2,400 on the
/// 10th of every month 2024-07-10 … 2025-06-10; ¥20,000 withdrawn 2025-03-15.
fn worked_example() -> (Fen, Vec<Movement>) {
    let mut movements: Vec<Movement> = (0..12)
        .map(|i| {
            let (y, m) = if i < 6 { (2024, 7 + i) } else { (2025, i - 5) };
            Movement {
                value_date: Date::from_ymd(y, m, 10).expect("date"),
                amount: Fen::new(2_400_00),
            }
        })
        .collect();
    movements.push(Movement {
        value_date: d("2025-03-15"),
        amount: Fen::new(-20_000_00),
    });
    (Fen::new(50_000_00), movements)
}

fn worked(method: InterestMethod) -> YearInterest {
    let (opening, movements) = worked_example();
    year_interest(
        method,
        InterestYear::ending(2025),
        opening,
        &movements,
        &flat("1.5"),
        360,
        Rounding::HalfUpFen,
    )
    .expect("interest")
}

#[test]
fn the_worked_examples_of_the_rules() {
    let a = worked(InterestMethod::A);
    // 21,504,400.00 yuan-days → ¥896.02.
    assert_eq!(a.product_fen_days, 21_504_400_00);
    assert_eq!(a.interest, Fen::new(896_02));
    let b = worked(InterestMethod::B);
    // 750.00 on the brought-forward balance + 3,254,400 yuan-days of movements.
    let movements: i128 = b
        .lines
        .iter()
        .filter(|l| l.value_date.is_some())
        .map(|l| l.product_fen_days)
        .sum();
    assert_eq!(movements, 3_254_400_00);
    assert_eq!(b.interest, Fen::new(885_60));
    assert_eq!(worked(InterestMethod::C).interest, Fen::new(884_87));
}

/// The subsidy is a share of the unrounded interest, rounded once: 30% of
/// B's exact ¥885.60 is ¥265.68; 30% of A's exact ¥896.0166… is 268.805,
/// which rounds half-up to ¥268.81.
#[test]
fn the_subsidy_is_a_share_of_the_exact_interest() {
    let b = worked(InterestMethod::B);
    let subsidy = |y: &YearInterest, percent| {
        subsidy_of(y.exact().expect("exact"), percent, Rounding::HalfUpFen).expect("subsidy")
    };
    assert_eq!(subsidy(&b, 30), Fen::new(265_68));
    assert_eq!(subsidy(&b, 0), Fen::ZERO);
    assert_eq!(subsidy(&b, 100), b.interest);
    let a = worked(InterestMethod::A);
    // 21,504,400.00 yuan-days × 1.5% / 360 × 30% = 268.805 → 268.81.
    assert_eq!(subsidy(&a, 30), Fen::new(268_81));
    let (n, d) = a.exact().expect("exact");
    assert_eq!(Rounding::HalfUpFen.apply(n, d), Ok(a.interest));
}

#[test]
fn days_are_counted_to_30_june_inclusive_and_30_360_caps_the_31st() {
    let b = worked(InterestMethod::B);
    let july = b
        .lines
        .iter()
        .find(|l| l.value_date == Some(d("2024-07-10")))
        .expect("line");
    assert_eq!(july.days, 356);
    let june = b
        .lines
        .iter()
        .find(|l| l.value_date == Some(d("2025-06-10")))
        .expect("line");
    assert_eq!(june.days, 21);
    assert_eq!(days_30_360_inclusive(d("2024-07-10"), d("2025-06-30")), 351);
    assert_eq!(days_30_360_inclusive(d("2025-05-31"), d("2025-06-30")), 31);
    assert_eq!(days_30_360_inclusive(d("2025-06-30"), d("2025-06-30")), 1);
}

#[test]
fn a_rate_change_inside_the_year_splits_every_line() {
    let spans = vec![
        RateSpan {
            from: d("2016-02-21"),
            current_year: rate("1.5"),
            brought_forward: rate("1.5"),
        },
        RateSpan {
            from: d("2025-01-01"),
            current_year: rate("1.2"),
            brought_forward: rate("1.2"),
        },
    ];
    let movements = [Movement {
        value_date: d("2024-10-01"),
        amount: Fen::new(36_000_00),
    }];
    let y = year_interest(
        InterestMethod::B,
        InterestYear::ending(2025),
        Fen::ZERO,
        &movements,
        &spans,
        360,
        Rounding::HalfUpFen,
    )
    .expect("interest");
    let days: Vec<(i64, RatePpm)> = y.lines.iter().map(|l| (l.days, l.rate)).collect();
    // 1 Oct – 31 Dec: 92 days at 1.5%; 1 Jan – 30 Jun: 181 days at 1.2%.
    assert_eq!(days, vec![(92, rate("1.5")), (181, rate("1.2"))]);
    // 36,000 × (92 × 1.5% + 181 × 1.2%) / 360 = 138.00 + 217.20.
    assert_eq!(y.interest, Fen::new(355_20));
}

#[test]
fn the_policy_gives_the_spans_in_force_over_the_year() {
    let set = crate::test_support::suzhou();
    let spans = rate_spans(&set.deposit_interest, InterestYear::ending(2026)).expect("spans");
    assert_eq!(spans.len(), 1, "no change inside 2025-07-01 … 2026-06-30");
    assert_eq!(spans[0].current_year, rate("1.5"));
    let before = rate_spans(&set.deposit_interest, InterestYear::ending(2016));
    assert_eq!(
        before.map_err(|e| e.code()),
        Err("POLICY_NOT_IN_FORCE"),
        "no policy on 2015-07-01: refused, not guessed"
    );
}

#[test]
fn a_movement_outside_the_year_is_refused() {
    let outside = [Movement {
        value_date: d("2025-07-01"),
        amount: Fen::new(1),
    }];
    let refused = year_interest(
        InterestMethod::B,
        InterestYear::ending(2025),
        Fen::ZERO,
        &outside,
        &flat("1.5"),
        360,
        Rounding::HalfUpFen,
    );
    assert_eq!(refused.map_err(|e| e.code()), Err("MOVEMENT_OUTSIDE_YEAR"));
}

/// The reference for method A: walk every day of the year, add the day's
/// movements, and accrue the end-of-day balance at the day's rate — the rule
/// as written, with no algebra.
fn reference_a(
    opening: Fen,
    movements: &[Movement],
    spans: &[RateSpan],
    year: InterestYear,
) -> Fen {
    let (mut day, last) = (
        year.first_day().expect("first"),
        year.last_day().expect("last"),
    );
    let mut balance = i128::from(opening.get());
    let mut opening_left = balance;
    let mut numerator: i128 = 0;
    while day <= last {
        let span = spans.iter().rev().find(|s| s.from <= day).expect("span");
        let today: i128 = movements
            .iter()
            .filter(|m| m.value_date == day)
            .map(|m| i128::from(m.amount.get()))
            .sum();
        balance += today;
        // The brought-forward part earns its own rate; the rest this year's.
        let moved = balance - opening_left;
        numerator += opening_left * i128::from(span.brought_forward.ppm())
            + moved * i128::from(span.current_year.ppm());
        day = day.add_days(1).expect("day");
        opening_left = i128::from(opening.get());
    }
    Rounding::HalfUpFen
        .apply(numerator, 1_000_000 * 360)
        .expect("round")
}

fn history() -> impl Strategy<Value = (i64, Vec<(i32, i64)>)> {
    (
        0i64..10_000_000,
        prop::collection::vec((0i32..365, -500_000i64..2_000_000), 0..40),
    )
}

fn movements_of(year: InterestYear, raw: &[(i32, i64)]) -> Vec<Movement> {
    let first = year.first_day().expect("first");
    raw.iter()
        .map(|(offset, amount)| Movement {
            value_date: first.add_days(*offset).expect("date"),
            amount: Fen::new(*amount),
        })
        .collect()
}

proptest! {
    /// Method A's line-by-line sum equals the day-by-day walk, with a rate
    /// change inside the year, on random histories.
    #[test]
    fn method_a_equals_the_day_by_day_reference((opening, raw) in history()) {
        let year = InterestYear::ending(2025);
        let spans = vec![
            RateSpan { from: d("2016-02-21"), current_year: rate("1.5"), brought_forward: rate("1.5") },
            RateSpan { from: d("2025-02-01"), current_year: rate("1.35"), brought_forward: rate("1.35") },
        ];
        let movements = movements_of(year, &raw);
        let fast = year_interest(InterestMethod::A, year, Fen::new(opening), &movements, &spans, 360, Rounding::HalfUpFen)
            .expect("interest");
        prop_assert_eq!(fast.interest, reference_a(Fen::new(opening), &movements, &spans, year));
    }

    /// B differs from A only on the brought-forward balance: A holds it
    /// 365 (or 366) days over 360, B earns exactly the annual rate.
    #[test]
    fn method_b_is_a_less_the_day_count_of_the_opening((opening, raw) in history()) {
        let year = InterestYear::ending(2025);
        let movements = movements_of(year, &raw);
        let a = year_interest(InterestMethod::A, year, Fen::new(opening), &movements, &flat("1.5"), 360, Rounding::HalfUpFen)
            .expect("a");
        let b = year_interest(InterestMethod::B, year, Fen::new(opening), &movements, &flat("1.5"), 360, Rounding::HalfUpFen)
            .expect("b");
        let a_moves: i128 = a.lines.iter().filter(|l| l.value_date.is_some()).map(|l| l.product_fen_days).sum();
        let b_moves: i128 = b.lines.iter().filter(|l| l.value_date.is_some()).map(|l| l.product_fen_days).sum();
        prop_assert_eq!(a_moves, b_moves);
        // B exactly: opening × 1.5% + movements × 1.5% / 360, rounded once.
        let expected = Rounding::HalfUpFen
            .apply(i128::from(opening) * 15_000 * 360 + b_moves * 15_000, 1_000_000 * 360)
            .expect("round");
        prop_assert_eq!(b.interest, expected);
    }
}

/// 积数 reads like an amount on pages (grouped by thousands) and stays plain
/// in files; both keep the sign and the two decimals.
#[test]
fn products_are_grouped_for_people_and_plain_for_files() {
    assert_eq!(yuan_days_text(2_483_843_804), "24,838,438.04");
    assert_eq!(yuan_days(2_483_843_804), "24838438.04");
    assert_eq!(yuan_days_text(-100_000_05), "-100,000.05");
    assert_eq!(yuan_days_text(99_999), "999.99");
    assert_eq!(yuan_days_text(0), "0.00");
}
