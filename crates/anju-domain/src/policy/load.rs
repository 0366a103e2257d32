//! Turns the text of a policy file into a validated [`PolicySet`].

use super::reader::TableReader;
use super::*;
use toml::{Table, Value};

/// Rates for contributions may not leave this band whatever a file says
/// (the national rule caps each side at 12%; 0 is never a contribution rate).
const CONTRIBUTION_RATE_BOUNDS_PPM: std::ops::RangeInclusive<i64> = 10_000..=200_000;

/// Parses and validates a policy file. `file` is only used in error messages.
pub fn parse_policy(file: &str, text: &str) -> Result<PolicySet, PolicyError> {
    let root: Table = text.parse().map_err(|e: toml::de::Error| PolicyError {
        file: file.to_string(),
        key: line_of(text, e.span()),
        problem: e.message().to_string(),
    })?;
    let mut top = TableReader::new(file, String::new(), &root);
    let centre = top_table(&mut top, file, &root, "centre")?;
    let mut centre_reader = TableReader::new(file, "centre".into(), centre);
    let centre_code = centre_reader.str("code")?.to_string();
    let centre_name = centre_reader.str("name")?.to_string();
    centre_reader.finish()?;
    let set = PolicySet {
        file: file.to_string(),
        centre_code,
        centre_name,
        deposit_interest: series(file, &root, &mut top, "deposit_interest", deposit_interest)?,
        contribution: series(file, &root, &mut top, "contribution", contribution)?,
        loan_rate: series(file, &root, &mut top, "loan_rate", loan_rate)?,
        loan_limit: series(file, &root, &mut top, "loan_limit", loan_limit)?,
        loan_rule: series(file, &root, &mut top, "loan_rule", loan_rule)?,
        rent: series(file, &root, &mut top, "rent", rent)?,
        ledger: series(file, &root, &mut top, "ledger", ledger)?,
        security: series(file, &root, &mut top, "security", security)?,
        withdrawal: series(file, &root, &mut top, "withdrawal", withdrawal)?,
        fund_rule: series(file, &root, &mut top, "fund_rule", fund_rule)?,
        service: series(file, &root, &mut top, "service", service)?,
        withdrawal_reasons: withdrawal_reasons(file, &root, &mut top)?,
    };
    top.finish()?;
    Ok(set)
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(range) => {
            let line = text[..range.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}")
        }
        None => "(file)".to_string(),
    }
}

fn top_table<'a>(
    top: &mut TableReader<'_>,
    file: &str,
    root: &'a Table,
    key: &'static str,
) -> Result<&'a Table, PolicyError> {
    top.mark(key);
    match root.get(key) {
        Some(Value::Table(t)) => Ok(t),
        _ => Err(PolicyError {
            file: file.to_string(),
            key: key.to_string(),
            problem: "must be a table".into(),
        }),
    }
}

fn array_of_tables<'a>(
    file: &str,
    root: &'a Table,
    key: &'static str,
) -> Result<Vec<&'a Table>, PolicyError> {
    let problem = |p: &str| PolicyError {
        file: file.to_string(),
        key: key.to_string(),
        problem: p.to_string(),
    };
    match root.get(key) {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .map(|v| {
                v.as_table()
                    .ok_or_else(|| problem("must be a list of tables ([[…]])"))
            })
            .collect(),
        Some(_) => Err(problem("must be a non-empty list of tables ([[…]])")),
        None => Err(problem("is missing: at least one version is required")),
    }
}

type ReadFn<T> = fn(&mut TableReader<'_>) -> Result<T, PolicyError>;

/// Reads `[[key]]` versions: common keys, the group's own keys, ascending dates,
/// and `unverified` naming only keys that exist.
fn series<T>(
    file: &str,
    root: &Table,
    top: &mut TableReader<'_>,
    key: &'static str,
    read: ReadFn<T>,
) -> Result<Series<T>, PolicyError> {
    top.mark(key);
    let mut versions: Vec<Dated<T>> = Vec::new();
    for (i, table) in array_of_tables(file, root, key)?.into_iter().enumerate() {
        let mut reader = TableReader::new(file, format!("{key}[{i}]"), table);
        let effective_from = reader.parsed("effective_from", Date::parse)?;
        let source = reader.opt_str("source")?.map(str::to_string);
        let unverified = reader.str_list("unverified")?;
        let value = read(&mut reader)?;
        if let Some(previous) = versions.last()
            && previous.effective_from >= effective_from
        {
            return Err(reader.error(
                "effective_from",
                format!(
                    "must be later than the previous version's {}",
                    previous.effective_from
                ),
            ));
        }
        let known = check_unverified(reader, &unverified)?;
        debug_assert!(known.contains("effective_from"));
        versions.push(Dated {
            effective_from,
            unverified,
            source,
            value,
        });
    }
    Ok(Series {
        name: key,
        versions,
    })
}

fn check_unverified(
    reader: TableReader<'_>,
    unverified: &[String],
) -> Result<std::collections::BTreeSet<&'static str>, PolicyError> {
    let bad = unverified
        .iter()
        .find(|k| !reader_knows(&reader, k) || *k == "unverified" || *k == "source");
    if let Some(bad) = bad {
        return Err(reader.error(
            "unverified",
            format!("names \"{bad}\", which is not a key of this version"),
        ));
    }
    reader.finish()
}

fn reader_knows(reader: &TableReader<'_>, key: &str) -> bool {
    // Keys present in the table are the ones a reader may mark; `finish` then
    // refuses any the group does not read, so together they mean "a real key".
    reader.has_key(key)
}

fn deposit_interest(r: &mut TableReader<'_>) -> Result<DepositInterest, PolicyError> {
    let day_basis = r.int("day_basis", 360..=366)?;
    if day_basis != 360 && day_basis != 365 {
        return Err(r.error("day_basis", "must be 360 or 365"));
    }
    Ok(DepositInterest {
        rate_current_year: r.parsed("rate_current_year", RatePpm::parse_percent)?,
        rate_brought_forward: r.parsed("rate_brought_forward", RatePpm::parse_percent)?,
        method: r.parsed("method", InterestMethod::parse)?,
        day_basis,
        rounding: r.parsed("rounding", Rounding::parse)?,
        flexible_subsidy_percent: r.int("flexible_subsidy_percent", 0..=100)?,
        flexible_subsidy_account: r.parsed("flexible_subsidy_account", expense_account)?,
        backdated_adjustment: r.parsed("backdated_adjustment", BackdatedAdjustment::parse)?,
    })
}

fn contribution(r: &mut TableReader<'_>) -> Result<ContributionRules, PolicyError> {
    let rules = ContributionRules {
        base_floor: r.parsed("base_floor", positive_amount)?,
        base_cap: r.parsed("base_cap", positive_amount)?,
        rate_min: r.parsed("rate_min_percent", RatePpm::parse_percent)?,
        rate_max: r.parsed("rate_max_percent", RatePpm::parse_percent)?,
        rate_step: r.parsed("rate_step_percent", RatePpm::parse_percent)?,
        rounding: r.parsed("rounding", Rounding::parse)?,
        due_days_after_pay_day: r.int("due_days_after_pay_day", 0..=31)?,
        flexible_min_monthly_percent_of_floor: r.parsed(
            "flexible_min_monthly_percent_of_floor",
            RatePpm::parse_percent,
        )?,
    };
    if rules.base_floor > rules.base_cap {
        return Err(r.error("base_floor", "is above base_cap"));
    }
    for (key, rate) in [
        ("rate_min_percent", rules.rate_min),
        ("rate_max_percent", rules.rate_max),
    ] {
        if !CONTRIBUTION_RATE_BOUNDS_PPM.contains(&rate.ppm()) {
            return Err(r.error(key, "must be between 1% and 20%"));
        }
    }
    if rules.rate_min > rules.rate_max {
        return Err(r.error("rate_min_percent", "is above rate_max_percent"));
    }
    if rules.rate_step.ppm() == 0
        || (rules.rate_max.ppm() - rules.rate_min.ppm()) % rules.rate_step.ppm() != 0
    {
        return Err(r.error(
            "rate_step_percent",
            "must be positive and divide the rate range",
        ));
    }
    Ok(rules)
}

fn loan_rate(r: &mut TableReader<'_>) -> Result<LoanRates, PolicyError> {
    Ok(LoanRates {
        first_home_up_to_5y: r.parsed("first_home_up_to_5y", RatePpm::parse_percent)?,
        first_home_over_5y: r.parsed("first_home_over_5y", RatePpm::parse_percent)?,
        second_home_up_to_5y: r.parsed("second_home_up_to_5y", RatePpm::parse_percent)?,
        second_home_over_5y: r.parsed("second_home_over_5y", RatePpm::parse_percent)?,
    })
}

fn loan_limit(r: &mut TableReader<'_>) -> Result<LoanLimits, PolicyError> {
    let limits = LoanLimits {
        single_cap: r.parsed("single_cap", positive_amount)?,
        family_cap: r.parsed("family_cap", positive_amount)?,
        completed_home_bonus_percent: r.int("completed_home_bonus_percent", 0..=100)?,
        balance_multiple: r.int("balance_multiple", 1..=100)?,
        income_ratio_percent: r.int("income_ratio_percent", 1..=100)?,
        first_home_down_payment_percent: r.int("first_home_down_payment_percent", 0..=100)?,
        second_home_down_payment_percent: r.int("second_home_down_payment_percent", 0..=100)?,
        max_term_months: r.int("max_term_months", 1..=360)?,
    };
    if limits.single_cap > limits.family_cap {
        return Err(r.error("single_cap", "is above family_cap"));
    }
    Ok(limits)
}

fn rent(r: &mut TableReader<'_>) -> Result<RentRules, PolicyError> {
    Ok(RentRules {
        cap_per_person_month: r.parsed("cap_per_person_month", positive_amount)?,
        cap_couple_month: r.parsed("cap_couple_month", positive_amount)?,
        multi_child_uplift_percent: r.int("multi_child_uplift_percent", 0..=200)?,
    })
}

fn withdrawal(r: &mut TableReader<'_>) -> Result<WithdrawalRules, PolicyError> {
    Ok(WithdrawalRules {
        second_approval_above: r.parsed("second_approval_above", positive_amount)?,
        min_residual_balance: r.parsed("min_residual_balance", Fen::parse)?,
        retirement_age_male: r.int("retirement_age_male", 50..=70)?,
        retirement_age_female: r.int("retirement_age_female", 45..=70)?,
        max_document_kib: r.int("max_document_kib", 64..=20_480)?,
    })
}

fn loan_rule(r: &mut TableReader<'_>) -> Result<LoanRules, PolicyError> {
    let first_home_test = match r.str("first_home_test")? {
        "no_balance" => FirstHomeTest::NoBalance,
        "no_previous_loan" => FirstHomeTest::NoPreviousLoan,
        _ => {
            return Err(r.error("first_home_test", "must be no_balance or no_previous_loan"));
        }
    };
    let rules = LoanRules {
        min_contribution_months: r.int("min_contribution_months", 0..=60)?,
        max_loans: r.int("max_loans", 1..=5)?,
        first_home_test,
        years_after_retirement: r.int("years_after_retirement", 0..=10)?,
        second_approval_above: r.parsed("second_approval_above", positive_amount)?,
        penalty_markup_percent: r.int("penalty_markup_percent", 0..=100)?,
        grade_from_days: [
            r.int("attention_from_days", 1..=3650)?,
            r.int("substandard_from_days", 1..=3650)?,
            r.int("doubtful_from_days", 1..=3650)?,
            r.int("loss_from_days", 1..=3650)?,
        ],
        credit_adjust_ppm: [
            r.int("credit_a_adjust_ppm", -10_000..=10_000)?,
            r.int("credit_b_adjust_ppm", -10_000..=10_000)?,
            r.int("credit_c_adjust_ppm", -10_000..=10_000)?,
            r.int("credit_d_adjust_ppm", -10_000..=10_000)?,
        ],
    };
    if !rules.grade_from_days.is_sorted_by(|a, b| a < b) {
        return Err(r.error("loss_from_days", "grade thresholds must rise"));
    }
    Ok(rules)
}

fn fund_rule(r: &mut TableReader<'_>) -> Result<FundRules, PolicyError> {
    let percent = |text: &str| RatePpm::parse_percent(text).map(RatePpm::ppm);
    let rules = FundRules {
        utilisation_min_ppm: r.parsed("utilisation_min_percent", percent)?,
        utilisation_max_ppm: r.parsed("utilisation_max_percent", percent)?,
        loan_ratio_warn_ppm: r.parsed("loan_ratio_warn_percent", percent)?,
        loan_ratio_tight_ppm: r.parsed("loan_ratio_tight_percent", percent)?,
        reserve_adequacy_min_ppm: r.parsed("reserve_adequacy_min_percent", percent)?,
        overdue_rate_max_ppm: r.parsed("overdue_rate_max_permille", permille_ppm)?,
        min_bank_deposits: r.parsed("min_bank_deposits", Fen::parse)?,
        reserve_min_share_ppm: r.parsed("reserve_min_share_percent", percent)?,
        management_cost: r.parsed("management_cost", Fen::parse)?,
        buffer: r.parsed("buffer", Fen::parse)?,
        deposit_terms: deposit_terms(r)?,
    };
    if rules.utilisation_min_ppm > rules.utilisation_max_ppm {
        return Err(r.error(
            "utilisation_min_percent",
            "is above utilisation_max_percent",
        ));
    }
    if rules.loan_ratio_warn_ppm > rules.loan_ratio_tight_ppm {
        return Err(r.error(
            "loan_ratio_warn_percent",
            "is above loan_ratio_tight_percent",
        ));
    }
    for (key, fen) in [
        ("min_bank_deposits", rules.min_bank_deposits),
        ("management_cost", rules.management_cost),
        ("buffer", rules.buffer),
    ] {
        if fen.is_negative() {
            return Err(r.error(key, "must not be negative"));
        }
    }
    Ok(rules)
}

/// `"months:annual percent"` items, e.g. `"12:1.50"`, months strictly rising.
fn deposit_terms(r: &mut TableReader<'_>) -> Result<Vec<(u32, RatePpm)>, PolicyError> {
    let mut terms: Vec<(u32, RatePpm)> = Vec::new();
    for item in r.str_list("deposit_terms")? {
        let parsed = item.split_once(':').and_then(|(m, rate)| {
            let months = m.parse::<u32>().ok().filter(|m| (1..=120).contains(m))?;
            Some((months, RatePpm::parse_percent(rate).ok()?))
        });
        let Some((months, rate)) = parsed else {
            return Err(r.error(
                "deposit_terms",
                format!("\"{item}\" is not months:percent, e.g. \"12:1.50\""),
            ));
        };
        if terms.last().is_some_and(|(m, _)| *m >= months) {
            return Err(r.error("deposit_terms", "terms must rise in months"));
        }
        terms.push((months, rate));
    }
    if terms.is_empty() {
        return Err(r.error("deposit_terms", "is missing: at least one term is required"));
    }
    Ok(terms)
}

/// A permille such as `"0.015"` as whole ppm (1‰ = 1,000 ppm); finer is refused.
fn permille_ppm(text: &str) -> DomainResult<i64> {
    let value = crate::fund::Ratio::parse_decimal(text)?;
    let ppm = crate::fund::Ratio::new(value.num * 1_000, value.den);
    match ppm {
        Some(p) if p.den == 1 && (0..=1_000_000).contains(&p.num) => Ok(p.num as i64),
        _ => Err(DomainError::new(
            "PERMILLE_FORMAT",
            format!("千分率“{text}”须为0至1000之间、最多三位小数"),
        )),
    }
}

fn ledger(r: &mut TableReader<'_>) -> Result<LedgerRules, PolicyError> {
    Ok(LedgerRules {
        allow_negative_member_balance: r.bool("allow_negative_member_balance")?,
    })
}

fn security(r: &mut TableReader<'_>) -> Result<SecurityRules, PolicyError> {
    Ok(SecurityRules {
        lockout_failures: r.int("lockout_failures", 1..=20)?,
        lockout_minutes: r.int("lockout_minutes", 1..=1440)?,
        idle_timeout_minutes: r.int("idle_timeout_minutes", 1..=480)?,
        min_password_chars: r.int("min_password_chars", 8..=64)?,
    })
}

fn service(r: &mut TableReader<'_>) -> Result<ServiceRules, PolicyError> {
    Ok(ServiceRules {
        complaint_days: r.int("complaint_days", 1..=60)?,
        appeal_days: r.int("appeal_days", 1..=60)?,
        rectification_days: r.int("rectification_days", 1..=60)?,
        follow_up_days: r.int("follow_up_days", 1..=30)?,
        bad_review_max_stars: r.int("bad_review_max_stars", 1..=4)?,
    })
}

fn withdrawal_reasons(
    file: &str,
    root: &Table,
    top: &mut TableReader<'_>,
) -> Result<Vec<WithdrawalReason>, PolicyError> {
    top.mark("withdrawal_reason");
    let mut reasons: Vec<WithdrawalReason> = Vec::new();
    for (i, table) in array_of_tables(file, root, "withdrawal_reason")?
        .into_iter()
        .enumerate()
    {
        let mut r = TableReader::new(file, format!("withdrawal_reason[{i}]"), table);
        let code = r.str("code")?.to_string();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(r.error("code", "must be two digits"));
        }
        let effective_from = r.parsed("effective_from", Date::parse)?;
        if reasons
            .iter()
            .any(|x| x.code == code && x.effective_from == effective_from)
        {
            return Err(r.error(
                "code",
                format!("\"{code}\" appears twice from {effective_from}"),
            ));
        }
        let reason = WithdrawalReason {
            name: r.str("name")?.to_string(),
            effective_from,
            closes_account: r.bool("closes_account")?,
            housing: r.bool("housing")?,
            cap: r.parsed("cap", WithdrawalCap::parse)?,
            evidence: r.parsed("evidence", EvidenceKind::parse)?,
            documents: r.str_list("documents")?,
            per_year: r.int("per_year", 0..=12)?,
            sealed_months: r.int("sealed_months", 0..=60)?,
            window_months: r.int("window_months", 0..=120)?,
            requires_no_home: r.bool("requires_no_home")?,
            family_shared: r.bool("family_shared")?,
            at_retirement: r.bool("at_retirement")?,
            flexible_only: r.bool("flexible_only")?,
            no_hpf_loan: r.bool("no_hpf_loan")?,
            unverified: r.str_list("unverified")?,
            code,
        };
        let unverified = reason.unverified.clone();
        check_unverified(r, &unverified)?;
        reasons.push(reason);
    }
    Ok(reasons)
}

/// A postable expense account of the chart, by code.
fn expense_account(text: &str) -> DomainResult<String> {
    let account = crate::ledger::gl_account(text)?;
    if account.class != crate::ledger::AccountClass::Expense {
        return Err(DomainError::new(
            "ACCOUNT_NOT_EXPENSE",
            format!("科目 {text} 不是支出类科目"),
        ));
    }
    Ok(account.code.to_string())
}

fn positive_amount(text: &str) -> DomainResult<Fen> {
    let fen = Fen::parse(text)?;
    if fen.is_positive() {
        Ok(fen)
    } else {
        Err(DomainError::new("AMOUNT_NOT_POSITIVE", "金额必须大于零"))
    }
}
