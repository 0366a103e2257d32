//! `anju report annual` (年度报告 as HTML or PDF) and `anju fund …`
//! (the daily liquidity check, loading published yearly totals).

use anju_app::App;
use anju_app::access::Actor;
use anju_domain::Date;
use anju_domain::access::{Channel, Role};
use anyhow::{Context, Result, anyhow, bail};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Writes the year's report to `out` (or stdout for HTML) and prints one
/// JSON line with what was written and how long it took.
pub async fn annual_report(
    app: App,
    year: i32,
    as_of: Date,
    format: &str,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let started = Instant::now();
    let report = app
        .fund()
        .annual_report(year, as_of)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let built_s = started.elapsed().as_secs_f64();
    let bytes = match format {
        "html" => anju_web::report_render::report_html(&report).into_bytes(),
        "pdf" => anju_web::report_render::report_pdf(&report),
        other => bail!("--format must be html or pdf, not {other}"),
    };
    match out {
        Some(path) => {
            crate::backup::write_whole(path, &bytes)?;
            let line = serde_json::json!({
                "report": "annual",
                "year": year,
                "as_of": as_of.to_string(),
                "format": format,
                "out": path.display().to_string(),
                "bytes": bytes.len(),
                "branches": report.branches.len(),
                "seconds": (built_s * 1000.0).round() / 1000.0,
            });
            println!("{line}");
        }
        None if format == "html" => {
            use std::io::Write as _;
            std::io::stdout().write_all(&bytes)?;
        }
        None => bail!("a PDF needs --out FILE"),
    }
    Ok(ExitCode::SUCCESS)
}

/// 流动性检查: raises alerts for indicators out of bounds and clears the
/// rest; one JSON line. Exits 1 when anything is firing.
pub async fn check_liquidity(app: App, today: Date) -> Result<ExitCode> {
    let raised = app
        .fund()
        .check_liquidity(
            &Actor::anonymous(Channel::Batch, "fund-check", "local"),
            today,
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let view = app
        .fund()
        .liquidity(today)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let firing: Vec<serde_json::Value> = view
        .firing
        .iter()
        .map(|a| {
            serde_json::json!({
                "indicator": a.indicator,
                "level": a.level.name(),
                "message": a.message,
            })
        })
        .collect();
    let line = serde_json::json!({
        "date": today.to_string(),
        "raised": raised.len(),
        "firing": firing,
    });
    println!("{line}");
    Ok(if view.firing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Loads a yearly-totals file (the `fixtures/suzhou-published.toml`
/// format) as inputs entered by `login` (a finance user).
pub async fn load_totals(app: App, file: &Path, login: &str, today: Date) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut actor = Actor::seeded(Role::Finance, login, None, "cli-load-totals");
    actor.channel = Channel::Batch;
    let count = app
        .fund()
        .load_year_totals(&actor, &text, today)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    println!(
        "{}",
        serde_json::json!({ "loaded": count, "file": file.display().to_string() })
    );
    Ok(ExitCode::SUCCESS)
}
