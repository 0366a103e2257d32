//! `anju loan schedule`: a loan's repayment schedule (还款计划) by either
//! method, for answering a borrower or checking a contract by hand. Pure
//! arithmetic from the arguments: no policy, no database.

use anju_domain::loan::{Installment, Method, ScheduleTotals, schedule as build, totals};
use anju_domain::{Date, DomainError, Fen, RatePpm};
use anyhow::{Result, anyhow};
use std::process::ExitCode;

pub fn schedule(
    principal_fen: i64,
    months: u32,
    annual_rate_ppm: i64,
    method: &str,
    start: Option<&str>,
    json: bool,
) -> Result<ExitCode> {
    // The domain error's Display is `CODE: 中文说明`; main prints it and exits 2.
    let refused = |e: DomainError| anyhow!("{e}");
    let method = Method::parse(method).map_err(refused)?;
    let rate = RatePpm::new(annual_rate_ppm).map_err(|e| {
        anyhow!(
            "{}: 年利率须在 0 至 1000000 ppm 之间（2.60% 写作 26000），不能是 {annual_rate_ppm}",
            e.code()
        )
    })?;
    let start = start.map(Date::parse).transpose().map_err(refused)?;
    let principal = Fen::new(principal_fen);
    let rows = build(principal, months, rate, method, start).map_err(refused)?;
    let sum = totals(&rows).map_err(refused)?;
    if json {
        println!("{}", as_json(&rows, &sum));
    } else {
        println!(
            "method {} ({}) · principal {} · {months} months · {rate} a year",
            method.code(),
            method.name(),
            yuan(principal)
        );
        print!("{}", as_table(&rows, &sum, start.is_some()));
    }
    Ok(ExitCode::SUCCESS)
}

/// `4,003.40`: the grouped yuan of `Fen`'s display without the currency sign,
/// so the columns line up as figures.
fn yuan(amount: Fen) -> String {
    amount.to_string().replacen('¥', "", 1)
}

/// Right-aligns every column to its widest cell (the date column included:
/// its cells are all the same width).
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:>width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn as_table(rows: &[Installment], sum: &ScheduleTotals, dated: bool) -> String {
    let with_date = |mut cells: Vec<String>, date: String| {
        if dated {
            cells.insert(1, date);
        }
        cells
    };
    let header = ["period", "payment", "principal", "interest", "outstanding"];
    let mut table = vec![with_date(
        header.iter().map(|h| (*h).to_string()).collect(),
        "due date".to_string(),
    )];
    for r in rows {
        let cells = vec![
            r.period.to_string(),
            yuan(r.payment),
            yuan(r.principal),
            yuan(r.interest),
            yuan(r.outstanding),
        ];
        let date = r.due_date.map(|d| d.to_string()).unwrap_or_default();
        table.push(with_date(cells, date));
    }
    let total = vec![
        "total".to_string(),
        yuan(sum.payment),
        yuan(sum.principal),
        yuan(sum.interest),
        String::new(),
    ];
    table.push(with_date(total, String::new()));
    aligned(&table)
}

fn as_json(rows: &[Installment], sum: &ScheduleTotals) -> serde_json::Value {
    let periods: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "period": r.period,
                "due_date": r.due_date.map(|d| d.to_string()),
                "payment_fen": r.payment.get(),
                "principal_fen": r.principal.get(),
                "interest_fen": r.interest.get(),
                "outstanding_fen": r.outstanding.get(),
            })
        })
        .collect();
    serde_json::json!({
        "periods": periods,
        "totals": {
            "payment_fen": sum.payment.get(),
            "principal_fen": sum.principal.get(),
            "interest_fen": sum.interest.get(),
        },
    })
}

/// `anju loan run`: the day's repayment run, one JSON line.
pub async fn run(app: anju_app::App, today: Date) -> Result<ExitCode> {
    let s = app
        .loans()
        .run_repayments(today)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "loan-run",
        "date": today.to_string(),
        "loans": s.loans,
        "paid_in_full": s.paid_in_full,
        "partly_paid": s.partly_paid,
        "unpaid": s.unpaid,
        "collected_fen": s.collected_fen,
        "principal_fen": s.principal_fen,
        "interest_fen": s.interest_fen,
        "penalty_fen": s.penalty_fen,
        "newly_overdue_fen": s.newly_overdue_fen,
        "entries": s.entries,
        "replayed": s.replayed,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `anju loan reprice`: 1 January repricing, one JSON line.
pub async fn reprice(app: anju_app::App, today: Date) -> Result<ExitCode> {
    let s = app
        .loans()
        .reprice_loans(today)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "loan-reprice",
        "date": today.to_string(),
        "loans_seen": s.loans_seen,
        "repriced": s.repriced,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
