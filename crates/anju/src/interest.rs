//! `anju interest calc`: one account's year of interest, worked out line by
//! line with the policy's rates, as text a clerk can read to a member or as
//! JSON; `anju interest settle`: the yearly settlement with a progress bar.

use crate::config::Config;
use anju_app::policy::load_policy;
use anju_domain::interest::{
    YearInterest, parse_movements_csv, rate_spans, year_interest, yuan_days,
};
use anju_domain::policy::InterestMethod;
use anju_domain::{Date, Fen};
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;
use std::process::ExitCode;

pub fn calc(
    config: &Config,
    method: &str,
    opening_fen: i64,
    movements: &Path,
    year_end: &str,
    json: bool,
) -> Result<ExitCode> {
    let method = InterestMethod::parse(method).map_err(|e| anyhow!("{e}"))?;
    let end = Date::parse(year_end).map_err(|e| anyhow!("{e}"))?;
    let year = end.interest_year();
    if year.last_day().map_err(|e| anyhow!("{e}"))? != end {
        bail!("--year-end must be a 30 June (the interest year's last day), not {end}");
    }
    let bytes =
        std::fs::read(movements).with_context(|| format!("reading {}", movements.display()))?;
    let movements = parse_movements_csv(&bytes).map_err(|e| anyhow!("{e}"))?;
    let policy = load_policy(config.policy.as_deref())?;
    let rules = policy
        .deposit_interest
        .at(end)
        .map_err(|e| anyhow!("{e}"))?;
    let spans = rate_spans(&policy.deposit_interest, year).map_err(|e| anyhow!("{e}"))?;
    let worked = year_interest(
        method,
        year,
        Fen::new(opening_fen),
        &movements,
        &spans,
        rules.value.day_basis,
        rules.value.rounding,
    )
    .map_err(|e| anyhow!("{e}"))?;
    if json {
        println!("{}", as_json(&worked));
    } else {
        print!("{}", as_table(&worked));
    }
    Ok(ExitCode::SUCCESS)
}

fn method_name(method: InterestMethod) -> &'static str {
    match method {
        InterestMethod::A => "A",
        InterestMethod::B => "B",
        InterestMethod::C => "C",
    }
}

fn as_table(w: &YearInterest) -> String {
    let mut out = format!(
        "method {} · interest year {} … {} · brought forward {}\n",
        method_name(w.method),
        w.year
            .first_day()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        w.year.last_day().map(|d| d.to_string()).unwrap_or_default(),
        w.opening
    );
    out.push_str("value date  amount          from        to          days  product (yuan-days)  rate    ÷\n");
    for l in &w.lines {
        let date = l
            .value_date
            .map_or_else(|| "brought fwd".to_string(), |d| d.to_string());
        out.push_str(&format!(
            "{date:<11} {:>15} {} {} {:>5} {:>20} {:<7} {}\n",
            l.amount.to_string(),
            l.from,
            l.to,
            l.days,
            yuan_days(l.product_fen_days),
            l.rate.to_string(),
            l.per_days
        ));
    }
    out.push_str(&format!(
        "product {} yuan-days · interest = Σ product × rate ÷ days, rounded once: {}\n",
        yuan_days(w.product_fen_days),
        w.interest
    ));
    out
}

fn as_json(w: &YearInterest) -> serde_json::Value {
    let lines: Vec<serde_json::Value> = w
        .lines
        .iter()
        .map(|l| {
            serde_json::json!({
                "value_date": l.value_date.map(|d| d.to_string()),
                "amount_fen": l.amount.get(),
                "from": l.from.to_string(),
                "to": l.to.to_string(),
                "days": l.days,
                "product_fen_days": l.product_fen_days.to_string(),
                "rate_ppm": l.rate.ppm(),
                "per_days": l.per_days,
            })
        })
        .collect();
    serde_json::json!({
        "method": method_name(w.method),
        "year_end": w.year.last_day().map(|d| d.to_string()).unwrap_or_default(),
        "opening_fen": w.opening.get(),
        "product_fen_days": w.product_fen_days.to_string(),
        "interest_fen": w.interest.get(),
        "lines": lines,
    })
}

/// Runs the settlement of the year ending 30 June `end_year`, printing one
/// JSON line.
pub async fn settle(
    app: anju_app::App,
    end_year: i32,
    today: anju_domain::Date,
) -> Result<ExitCode> {
    if !(1991..=2200).contains(&end_year) {
        bail!("--year {end_year} is outside 1991…2200");
    }
    let year = anju_domain::InterestYear::ending(end_year);
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "interest-settle",
        "local",
    );
    let total = app
        .interest()
        .count_member_accounts()
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let bar = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(0));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} accounts settled {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let run = app
        .interest()
        .settle_interest(
            &actor,
            year,
            today,
            anju_app::interest::SettleOptions::default(),
            &|n| bar.set_position(n),
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
    bar.finish_and_clear();
    let report = serde_json::json!({
        "job": "interest-settle",
        "year_end": year.last_day().map(|d| d.to_string()).unwrap_or_default(),
        "accounts": run.accounts,
        "credited": run.credited,
        "interest_fen": run.interest.get(),
        "subsidy_fen": run.subsidy.get(),
        "adjusted": run.adjusted,
        "finished": run.finished,
        "pages_posted": run.pages_posted,
        "pages_already_settled": run.pages_already_settled,
        "from_history": run.from_history,
        "seconds": (started.elapsed().as_millis() as f64) / 1000.0,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
