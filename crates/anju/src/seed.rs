//! `anju seed`: the synthetic centre, with a progress bar and a summary.

use anju_app::App;
use anju_app::access::Actor;
use anju_app::collection::batch::{SeedSpec, SeedSummary};
use anju_domain::access::Channel;
use anju_domain::{Date, Fen};
use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// Parses and checks the arguments of a seed.
pub fn spec(members: u64, seed: u64, opened: &str) -> Result<SeedSpec> {
    let max = anju_app::collection::batch::MAX_SEED_MEMBERS;
    if members == 0 || members > max {
        bail!("--members must be between 1 and {max}");
    }
    let opened = Date::parse(opened).map_err(|e| anyhow::anyhow!("--opened: {e}"))?;
    Ok(SeedSpec {
        members,
        seed,
        opened,
    })
}

/// Seeds with a progress bar; returns the summary and the seconds it took.
pub async fn seed_with_progress(app: &App, spec: SeedSpec) -> Result<(SeedSummary, f64)> {
    let bar = bar(spec.members, "seeding members");
    let actor = Actor::anonymous(Channel::Batch, "seed", "local");
    let started = Instant::now();
    let progress = |done: u64| bar.set_position(done);
    let summary = app
        .collection().seed_synthetic(&actor, spec, &progress)
        .await
        .map_err(|e| match e.code() {
            Some("EMPLOYER_EXISTS") => anyhow::anyhow!(
                "seeding: the database already holds employers of this seed; seed into an empty database ({e})"
            ),
            _ => anyhow::anyhow!("seeding: {e}"),
        })?;
    bar.finish_and_clear();
    Ok((summary, started.elapsed().as_secs_f64()))
}

pub async fn run(app: &App, spec: SeedSpec, database: &str) -> Result<()> {
    let (summary, seconds) = seed_with_progress(app, spec).await?;
    let average = summary.monthly_contributions.get() / i64::try_from(summary.members.max(1))?;
    println!(
        "seeded {database} in {seconds:.1} s: {} employers (largest {}, {} under 20 staff), \
         {} members, average monthly contribution {} (rules of {})",
        summary.employers,
        summary.largest_employer,
        summary.employers_under_20,
        summary.members,
        Fen::new(average),
        spec.opened
    );
    println!("seed {} digest {}", spec.seed, summary.digest);
    Ok(())
}

pub fn bar(total: u64, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:40}] {pos}/{len} ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message);
    bar
}
