//! `anju loan schedule` end to end: the worked example of business rules §4
//! through the JSON output and the table, and refusals with their codes.

use serde_json::Value;
use std::process::{Command, Output};

/// The binary with nothing from the environment that could change its answer.
fn anju(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("dir");
    Command::new(env!("CARGO_BIN_EXE_anju"))
        .env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_POLICY")
        .env_remove("ANJU_CONFIG")
        .env("ANJU_DATA_DIR", dir.path())
        .current_dir(dir.path())
        .arg("loan")
        .arg("schedule")
        .args(args)
        .output()
        .expect("run anju")
}

/// ¥1,000,000 over 360 months at 2.60% by `method`.
fn worked(method: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "--principal-fen",
        "100000000",
        "--months",
        "360",
        "--annual-rate-ppm",
        "26000",
        "--method",
        method,
    ];
    args.extend_from_slice(extra);
    anju(&args)
}

fn json_of(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// (payment, principal, interest) of period `n` (1-based), in fen.
fn period(doc: &Value, n: usize) -> (i64, i64, i64) {
    let row = &doc["periods"][n - 1];
    assert_eq!(row["period"], n, "{row}");
    let fen = |key: &str| row[key].as_i64().expect(key);
    (
        fen("payment_fen"),
        fen("principal_fen"),
        fen("interest_fen"),
    )
}

#[test]
fn annuity_json_matches_the_worked_example() {
    let doc = json_of(&worked("annuity", &["--json"]));
    assert_eq!(doc["periods"].as_array().map(Vec::len), Some(360));
    assert_eq!(period(&doc, 1), (400_340, 183_673, 216_667));
    assert_eq!(period(&doc, 2), (400_340, 184_071, 216_269));
    assert_eq!(period(&doc, 360), (400_175, 399_310, 865));
    assert_eq!(doc["periods"][359]["outstanding_fen"], 0);
    assert_eq!(doc["periods"][0]["due_date"], Value::Null);
    assert_eq!(doc["totals"]["interest_fen"], 44_122_235);
    assert_eq!(doc["totals"]["principal_fen"], 100_000_000);
    assert_eq!(doc["totals"]["payment_fen"], 144_122_235);
}

#[test]
fn equal_principal_json_matches_the_worked_example() {
    let doc = json_of(&worked("equal-principal", &["--json"]));
    assert_eq!(period(&doc, 1), (494_445, 277_778, 216_667));
    assert_eq!(period(&doc, 2), (493_843, 277_778, 216_065));
    assert_eq!(period(&doc, 360), (278_300, 277_698, 602));
    assert_eq!(doc["totals"]["interest_fen"], 39_108_303);
    assert_eq!(doc["totals"]["principal_fen"], 100_000_000);
}

#[test]
fn due_dates_follow_the_start_date_month_by_month() {
    let doc = json_of(&worked("annuity", &["--json", "--start", "2026-01-31"]));
    assert_eq!(doc["periods"][0]["due_date"], "2026-02-28");
    assert_eq!(doc["periods"][1]["due_date"], "2026-03-31");
    assert_eq!(doc["periods"][359]["due_date"], "2056-01-31");
}

#[test]
fn the_table_shows_yuan_in_aligned_columns_and_the_totals() {
    let out = worked("annuity", &["--start", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("annuity") && lines[0].contains("2.60%"),
        "{text}"
    );
    let first = lines
        .iter()
        .find(|l| l.trim_start().starts_with("1 "))
        .expect("period 1");
    let cells: Vec<&str> = first.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "1",
            "2027-01-01",
            "4,003.40",
            "1,836.73",
            "2,166.67",
            "998,163.27"
        ],
        "{text}"
    );
    let last = lines
        .iter()
        .find(|l| l.trim_start().starts_with("360 "))
        .expect("period 360");
    assert!(last.contains("4,001.75") && last.contains("3,993.10") && last.contains("8.65"));
    let total = lines.last().expect("totals line");
    assert!(
        total.contains("total") && total.contains("441,222.35") && total.contains("1,441,222.35"),
        "{total}"
    );
    // Aligned: the header and every period line end in the same column.
    let width = lines[1].chars().count();
    assert!(
        lines[2..lines.len() - 1]
            .iter()
            .all(|l| l.chars().count() == width),
        "{text}"
    );
}

#[test]
fn bad_input_exits_two_with_the_code_and_no_panic() {
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--principal-fen",
                "100000000",
                "--months",
                "0",
                "--annual-rate-ppm",
                "26000",
                "--method",
                "annuity",
            ],
            "LOAN_TERM_INVALID",
        ),
        (
            &[
                "--principal-fen",
                "0",
                "--months",
                "360",
                "--annual-rate-ppm",
                "26000",
                "--method",
                "annuity",
            ],
            "LOAN_PRINCIPAL_INVALID",
        ),
        (
            &[
                "--principal-fen",
                "100",
                "--months",
                "12",
                "--annual-rate-ppm",
                "26000",
                "--method",
                "balloon",
            ],
            "LOAN_METHOD_UNKNOWN",
        ),
        (
            &[
                "--principal-fen",
                "100",
                "--months",
                "12",
                "--annual-rate-ppm",
                "-1",
                "--method",
                "annuity",
            ],
            "RATE_FORMAT",
        ),
    ];
    for (args, code) in cases {
        let out = anju(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(out.stdout.is_empty(), "nothing printed on a refusal");
    }
}
