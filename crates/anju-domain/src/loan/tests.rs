use super::*;
use crate::money::Fen;
use crate::policy::LoanLimits;
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

fn yuan(text: &str) -> Fen {
    Fen::parse(text).expect("amount")
}

fn pct(text: &str) -> RatePpm {
    RatePpm::parse_percent(text).expect("rate")
}

fn worked(method: Method) -> Vec<Installment> {
    schedule(yuan("1000000.00"), 360, pct("2.60"), method, None).expect("schedule")
}

fn row(i: &Installment) -> (String, String, String) {
    (
        i.payment.to_yuan_string(),
        i.principal.to_yuan_string(),
        i.interest.to_yuan_string(),
    )
}

fn strings(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

#[test]
fn annuity_worked_example_of_section_4() {
    let rows = worked(Method::Annuity);
    assert_eq!(row(&rows[0]), strings("4003.40", "1836.73", "2166.67"));
    assert_eq!(row(&rows[1]), strings("4003.40", "1840.71", "2162.69"));
    assert_eq!(row(&rows[359]), strings("4001.75", "3993.10", "8.65"));
    let t = totals(&rows).expect("totals");
    assert_eq!(t.interest, yuan("441222.35"));
    assert_eq!(t.principal, yuan("1000000.00"));
    assert_eq!(rows[359].outstanding, Fen::ZERO);
}

#[test]
fn equal_principal_worked_example_of_section_4() {
    let rows = worked(Method::EqualPrincipal);
    assert_eq!(row(&rows[0]), strings("4944.45", "2777.78", "2166.67"));
    assert_eq!(row(&rows[1]), strings("4938.43", "2777.78", "2160.65"));
    assert_eq!(row(&rows[359]), strings("2783.00", "2776.98", "6.02"));
    assert_eq!(totals(&rows).expect("totals").interest, yuan("391083.03"));
}

#[test]
fn penalty_example_is_thirteen_yuan() {
    let p = penalty_interest(yuan("4000.00"), pct("2.60"), 50, 30).expect("penalty");
    assert_eq!(p, yuan("13.00"));
    assert_eq!(
        penalty_interest(yuan("4000.00"), pct("2.60"), 50, 0).expect("zero days"),
        Fen::ZERO
    );
    assert!(penalty_interest(yuan("4000.00"), pct("2.60"), 50, -1).is_err());
}

#[test]
fn classification_at_each_boundary() {
    let t = [1, 91, 181, 361];
    let cases = [
        (0, Grade::Normal),
        (1, Grade::Attention),
        (90, Grade::Attention),
        (91, Grade::Substandard),
        (180, Grade::Substandard),
        (181, Grade::Doubtful),
        (360, Grade::Doubtful),
        (361, Grade::Loss),
        (5000, Grade::Loss),
    ];
    for (days, grade) in cases {
        assert_eq!(classify(days, &t), grade, "{days} days");
    }
    assert_eq!(Grade::parse("03").expect("grade"), Grade::Substandard);
    assert!(Grade::parse("06").is_err());
}

#[test]
fn due_dates_keep_the_day_or_the_month_end() {
    let start = crate::Date::parse("2026-01-31").expect("date");
    let rows = schedule(
        yuan("1200.00"),
        3,
        pct("2.10"),
        Method::EqualPrincipal,
        Some(start),
    )
    .expect("schedule");
    let dates: Vec<String> = rows
        .iter()
        .map(|r| r.due_date.expect("due").to_string())
        .collect();
    assert_eq!(dates, ["2026-02-28", "2026-03-31", "2026-04-30"]);
}

fn limits() -> LoanLimits {
    LoanLimits {
        single_cap: yuan("1500000.00"),
        family_cap: yuan("2000000.00"),
        completed_home_bonus_percent: 50,
        balance_multiple: 15,
        income_ratio_percent: 50,
        first_home_down_payment_percent: 20,
        second_home_down_payment_percent: 30,
        max_term_months: 360,
    }
}

fn request() -> LimitRequest {
    LimitRequest {
        family: true,
        completed_home: false,
        first_home: true,
        balances: yuan("80000.00"),
        monthly_income: yuan("30000.00"),
        price: yuan("3000000.00"),
        appraisal: None,
        months: 360,
        rate: pct("2.60"),
        method: Method::Annuity,
    }
}

#[test]
fn limit_is_the_least_cap_and_names_it() {
    let d = decide_limit(&limits(), &request()).expect("limit");
    // 80,000 × 15 = 1,200,000 is below the family ceiling, the price cap
    // (2,400,000) and what 15,000 a month repays.
    assert_eq!(d.binding, CapKind::Balance);
    assert_eq!(d.limit, yuan("1200000.00"));
    assert_eq!(d.caps.len(), 4);

    let rich = LimitRequest {
        balances: yuan("500000.00"),
        ..request()
    };
    let d = decide_limit(&limits(), &rich).expect("limit");
    assert_eq!(d.binding, CapKind::Ceiling);
    assert_eq!(d.limit, yuan("2000000.00"));
    let completed = LimitRequest {
        completed_home: true,
        ..rich
    };
    assert_eq!(
        decide_limit(&limits(), &completed).expect("limit").limit,
        yuan("3000000.00").min(yuan("2400000.00"))
    );

    let poor = LimitRequest {
        monthly_income: yuan("4000.00"),
        ..rich
    };
    let d = decide_limit(&limits(), &poor).expect("limit");
    assert_eq!(d.binding, CapKind::Income);
    // The binding income cap repays within 2,000 a month; ¥10 more does not.
    let a = annuity_payment(d.limit, 360, pct("2.60")).expect("A");
    assert!(a <= yuan("2000.00"));
    let over = annuity_payment(
        d.limit.checked_add(yuan("10.00")).expect("+10"),
        360,
        pct("2.60"),
    )
    .expect("A");
    assert!(over > yuan("2000.00"));

    let cheap = LimitRequest {
        price: yuan("900000.00"),
        appraisal: Some(yuan("800000.00")),
        first_home: false,
        ..rich
    };
    let d = decide_limit(&limits(), &cheap).expect("limit");
    assert_eq!(d.binding, CapKind::Price);
    assert_eq!(d.limit, yuan("560000.00"));
}

#[test]
fn bad_limit_requests_are_refused() {
    let long = LimitRequest {
        months: 361,
        ..request()
    };
    assert_eq!(
        decide_limit(&limits(), &long).expect_err("term").code(),
        "LOAN_TERM_INVALID"
    );
    let free = LimitRequest {
        price: Fen::ZERO,
        ..request()
    };
    assert_eq!(
        decide_limit(&limits(), &free).expect_err("price").code(),
        "LOAN_FACTS_INVALID"
    );
}

#[test]
fn shorter_term_keeps_the_installment() {
    let rate = pct("2.60");
    let a = annuity_payment(yuan("1000000.00"), 360, rate).expect("A");
    let months = months_after_prepayment(
        yuan("500000.00"),
        300,
        rate,
        Method::Annuity,
        a,
        AfterPrepayment::ShorterTerm,
    )
    .expect("months");
    assert!(annuity_payment(yuan("500000.00"), months, rate).expect("A") <= a);
    assert!(annuity_payment(yuan("500000.00"), months - 1, rate).expect("A") > a);
    let kept = months_after_prepayment(
        yuan("500000.00"),
        300,
        rate,
        Method::Annuity,
        a,
        AfterPrepayment::LowerInstallment,
    )
    .expect("months");
    assert_eq!(kept, 300);
}

// ---- the independent reference: the same rules over big rationals ----

fn ratio(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// Half-up to a whole fen of a non-negative rational.
fn half_up(x: &BigRational) -> i64 {
    let twice = x * ratio(2) + ratio(1);
    let floored = (twice / ratio(2)).floor();
    i64::try_from(floored.to_integer()).expect("fits")
}

fn reference(principal: i64, months: u32, ppm: i64, method: Method) -> Vec<(i64, i64)> {
    let i = BigRational::new(BigInt::from(ppm), BigInt::from(12_000_000));
    let level = match method {
        Method::Annuity if ppm == 0 => half_up(&BigRational::new(
            BigInt::from(principal),
            BigInt::from(months),
        )),
        Method::Annuity => {
            let grown = num_traits::pow(ratio(1) + &i, months as usize);
            half_up(&(ratio(principal) * &i * &grown / (grown - ratio(1))))
        }
        Method::EqualPrincipal => half_up(&BigRational::new(
            BigInt::from(principal),
            BigInt::from(months),
        )),
    };
    let mut left = principal;
    let mut rows = Vec::new();
    for k in 1..=months {
        let interest = half_up(&(ratio(left) * &i));
        let part = match method {
            Method::Annuity => level - interest,
            Method::EqualPrincipal => level,
        };
        let part = if k == months {
            left
        } else {
            part.clamp(0, left)
        };
        left -= part;
        rows.push((part, interest));
    }
    rows
}

fn method_strategy() -> impl Strategy<Value = Method> {
    prop_oneof![Just(Method::Annuity), Just(Method::EqualPrincipal)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn schedules_match_the_big_rational_reference(
        principal in 1i64..=300_000_000,
        months in 1u32..=360,
        ppm in 0i64..=60_000,
        method in method_strategy(),
    ) {
        let rows = schedule(Fen::new(principal), months, RatePpm::new(ppm).expect("rate"), method, None)
            .expect("schedule");
        let ours: Vec<(i64, i64)> = rows.iter().map(|r| (r.principal.get(), r.interest.get())).collect();
        prop_assert_eq!(ours, reference(principal, months, ppm, method));
    }

    #[test]
    fn principal_sums_to_the_loan_and_installments_behave(
        principal in 100_000i64..=300_000_000,
        months in 2u32..=360,
        ppm in 1i64..=60_000,
        method in method_strategy(),
    ) {
        let rate = RatePpm::new(ppm).expect("rate");
        let rows = schedule(Fen::new(principal), months, rate, method, None).expect("schedule");
        let sum: i64 = rows.iter().map(|r| r.principal.get()).sum();
        prop_assert_eq!(sum, principal);
        prop_assert_eq!(rows.last().expect("last").outstanding, Fen::ZERO);
        match method {
            Method::Annuity => {
                let a = annuity_payment(Fen::new(principal), months, rate).expect("A");
                for r in &rows[..rows.len() - 1] {
                    prop_assert_eq!(r.payment, a);
                }
            }
            Method::EqualPrincipal => {
                // Every installment but the last is no more than the one
                // before; the last pays the rounding remainder of P / n,
                // which can exceed one month's fall in interest (see docs).
                for w in rows[..rows.len() - 1].windows(2) {
                    prop_assert!(w[1].payment <= w[0].payment);
                }
                let base = rows[0].principal.get();
                let last = rows.last().expect("last").principal.get();
                prop_assert!((last - base).abs() <= i64::from(months));
            }
        }
    }

    #[test]
    fn after_any_prepayment_the_principal_paid_is_the_loan(
        principal in 1_000_000i64..=300_000_000,
        months in 12u32..=360,
        ppm in 1i64..=60_000,
        paid_periods in 1u32..=11,
        prepay_percent in 1i64..=99,
        method in method_strategy(),
        shorter in any::<bool>(),
    ) {
        let rate = RatePpm::new(ppm).expect("rate");
        let rows = schedule(Fen::new(principal), months, rate, method, None).expect("schedule");
        let paid: i64 = rows[..paid_periods as usize].iter().map(|r| r.principal.get()).sum();
        let outstanding = principal - paid;
        let prepaid = outstanding * prepay_percent / 100;
        let left = outstanding - prepaid;
        prop_assume!(left > 0);
        let level = match method {
            Method::Annuity => rows[0].payment,
            Method::EqualPrincipal => rows[0].principal,
        };
        let choice = if shorter { AfterPrepayment::ShorterTerm } else { AfterPrepayment::LowerInstallment };
        let remaining = months - paid_periods;
        let new_months = months_after_prepayment(Fen::new(left), remaining, rate, method, level, choice)
            .expect("months");
        prop_assert!(new_months >= 1 && new_months <= remaining);
        let rest = schedule_from(Fen::new(left), new_months, rate, method, None, paid_periods + 1)
            .expect("rest");
        let rest_sum: i64 = rest.iter().map(|r| r.principal.get()).sum();
        prop_assert_eq!(paid + prepaid + rest_sum, principal);
        if shorter && method == Method::Annuity {
            prop_assert!(rest[0].payment <= level);
        }
    }
}

fn borrower(loans_ever: i64, outstanding: i64, elsewhere: &[&str]) -> BorrowerFacts {
    BorrowerFacts {
        account_active: true,
        contribution_months: 24,
        outstanding_loans: outstanding,
        loans_ever,
        blacklisted: None,
        born: Date::parse("1990-03-07").expect("date"),
        loans_elsewhere: elsewhere.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn first_home_terms_come_from_the_loan_records_not_a_declaration() {
    let rules = |day: &str| crate::test_support::in_force(day).loan_rule.value;
    let (before, after) = (rules("2026-05-09"), rules("2026-05-10"));
    // A previous loan here, settled: second-home terms before the 2026
    // rule, first-home terms after it (no balance anywhere).
    let settled = borrower(1, 0, &[]);
    assert!(
        !check_eligibility(&settled, &before, 60)
            .expect("e")
            .first_home
    );
    let now = check_eligibility(&settled, &after, 60).expect("e");
    assert!(
        now.first_home && now.refusals.is_empty(),
        "{:?}",
        now.refusals
    );
    // A balance at another centre: refused, and not a first home.
    let elsewhere = borrower(0, 0, &["无锡市住房公积金管理中心 WX-2022-00031234"]);
    let e = check_eligibility(&elsewhere, &after, 60).expect("e");
    assert!(!e.first_home);
    assert!(
        e.refusals
            .iter()
            .any(|r| r.contains("全国住房公积金贷款数据") && r.contains("WX-2022-00031234")),
        "{:?}",
        e.refusals
    );
}

#[test]
fn consecutive_months_count_the_months_paid_for_on_time() {
    let p = |text: &str| crate::calendar::Period::parse(text).expect("period");
    let month = |text: &str, on_time: bool| ContributionMonth {
        period: p(text),
        on_time,
    };
    let paid: Vec<ContributionMonth> = ["202605", "202606", "202607", "202608", "202609", "202610"]
        .iter()
        .map(|m| month(m, true))
        .collect();
    // November not yet paid: the run ends in October, six months.
    assert_eq!(consecutive_months(p("202611"), &paid), 6);
    // July paid late (or by 补缴): the run restarts in August.
    let mut late = paid.clone();
    late[2].on_time = false;
    assert_eq!(consecutive_months(p("202611"), &late), 3);
    // A late July alongside an on-time one still counts (a correction).
    late.push(month("202607", true));
    assert_eq!(consecutive_months(p("202611"), &late), 6);
    // Paid this month too: seven. Nothing for two months: none.
    let mut now = paid.clone();
    now.push(month("202611", true));
    assert_eq!(consecutive_months(p("202611"), &now), 7);
    assert_eq!(consecutive_months(p("202701"), &paid), 0);
    // Across the year end.
    let winter = [
        month("202611", true),
        month("202612", true),
        month("202701", true),
    ];
    assert_eq!(consecutive_months(p("202702"), &winter), 3);
}
