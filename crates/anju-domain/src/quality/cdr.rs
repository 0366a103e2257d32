//! The telephony system's call detail records (CDR, 话单) of the 12329
//! hotline: a UTF-8 CSV file with a header row (`docs/quality.md`):
//!
//! `call_id,started_at,caller,agent,duration_s,ticket,satisfaction,summary`
//!
//! Every row is checked; a bad row is named by its line (the header is 1) and
//! column and left out, the good ones are taken. Parsing writes nothing.

use super::codes::{Satisfaction, TicketKind};
use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};

/// Calls one file may hold (a day of a large centre's hotline).
pub const MAX_CDR_ROWS: usize = 20_000;

const COLUMNS: [&str; 8] = [
    "call_id",
    "started_at",
    "caller",
    "agent",
    "duration_s",
    "ticket",
    "satisfaction",
    "summary",
];

/// One call as the telephony system recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrCall {
    /// The switch's id for the call: importing a file twice adds nothing.
    pub call_id: String,
    pub started_on: Date,
    /// `HH:MM:SS`, local time.
    pub started_time: String,
    /// The caller's number (shown masked).
    pub caller: String,
    /// The agent's work number (工号).
    pub agent: String,
    pub duration_s: i64,
    pub ticket: TicketKind,
    /// None when the caller skipped the survey.
    pub satisfaction: Option<Satisfaction>,
    pub summary: String,
}

/// A refused row: its line, its column, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdrRowError {
    pub line: usize,
    pub column: &'static str,
    pub message: String,
}

/// The calls of a CDR file, and the rows refused. A file that is not UTF-8
/// CSV with the expected header, or too long, is refused as a whole.
pub fn parse_cdr(bytes: &[u8]) -> DomainResult<(Vec<CdrCall>, Vec<CdrRowError>)> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| DomainError::new("CDR_ENCODING", "话单文件须为 UTF-8 编码的 CSV"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| bad_header())?
        .iter()
        .map(str::to_string)
        .collect();
    if header != COLUMNS {
        return Err(bad_header());
    }
    let (mut calls, mut errors) = (Vec::new(), Vec::new());
    for (i, record) in reader.records().enumerate() {
        if i >= MAX_CDR_ROWS {
            return Err(DomainError::new(
                "CDR_TOO_LARGE",
                format!("一个话单文件最多 {MAX_CDR_ROWS} 条，请按日拆分"),
            ));
        }
        let line = i + 2;
        let fields: Vec<String> = match record {
            Ok(r) if r.len() == COLUMNS.len() => r.iter().map(str::to_string).collect(),
            _ => {
                errors.push(row_error(line, "", format!("应有 {} 列", COLUMNS.len())));
                continue;
            }
        };
        match call_of(&fields) {
            Ok(call) => calls.push(call),
            Err((column, message)) => errors.push(row_error(line, column, message)),
        }
    }
    Ok((calls, errors))
}

/// One call entered by hand, in the file's columns: the same checks as a
/// file's row.
pub fn check_call(fields: &[String]) -> DomainResult<CdrCall> {
    if fields.len() != COLUMNS.len() {
        return Err(DomainError::new(
            "HOTLINE_CALL_INVALID",
            format!("来电信息应有 {} 项", COLUMNS.len()),
        ));
    }
    call_of(fields).map_err(|(column, message)| {
        DomainError::new("HOTLINE_CALL_INVALID", format!("{column}：{message}"))
    })
}

fn bad_header() -> DomainError {
    DomainError::new("CDR_HEADER", format!("话单表头应为：{}", COLUMNS.join(",")))
}

fn row_error(line: usize, column: &'static str, message: String) -> CdrRowError {
    CdrRowError {
        line,
        column,
        message,
    }
}

type FieldResult<T> = Result<T, (&'static str, String)>;

fn call_of(f: &[String]) -> FieldResult<CdrCall> {
    let (started_on, started_time) = started_at(&f[1])?;
    Ok(CdrCall {
        call_id: call_id(&f[0])?,
        started_on,
        started_time,
        caller: caller(&f[2])?,
        agent: agent(&f[3])?,
        duration_s: duration(&f[4])?,
        ticket: TicketKind::parse(&f[5]).map_err(|_| {
            (
                "ticket",
                "工单类型应为 consultation、complaint 或 handover".into(),
            )
        })?,
        satisfaction: satisfaction(&f[6])?,
        summary: super::checked_text(&f[7], "摘要", false)
            .map_err(|e| ("summary", e.message().to_string()))?,
    })
}

fn call_id(text: &str) -> FieldResult<String> {
    let ok = (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then(|| text.to_string())
        .ok_or(("call_id", "话单编号应为 1–64 位字母、数字、- 或 _".into()))
}

/// `YYYY-MM-DD HH:MM:SS`.
fn started_at(text: &str) -> FieldResult<(Date, String)> {
    let refused = || {
        (
            "started_at",
            format!("时间“{text}”应为 YYYY-MM-DD HH:MM:SS"),
        )
    };
    let (day, time) = text.split_once(' ').ok_or_else(refused)?;
    let date = Date::parse(day).map_err(|_| refused())?;
    let parts: Vec<u32> = time
        .split(':')
        .map(|p| {
            let digits = p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| p.parse().ok()).flatten()
        })
        .collect::<Option<_>>()
        .ok_or_else(refused)?;
    match parts[..] {
        [h, m, s] if h < 24 && m < 60 && s < 60 => Ok((date, time.to_string())),
        _ => Err(refused()),
    }
}

fn caller(text: &str) -> FieldResult<String> {
    let ok = (3..=20).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.to_string())
        .ok_or(("caller", "来电号码应为 3–20 位数字".into()))
}

fn agent(text: &str) -> FieldResult<String> {
    let ok = (1..=32).contains(&text.chars().count()) && !text.contains(char::is_whitespace);
    ok.then(|| text.to_string())
        .ok_or(("agent", "坐席工号应为 1–32 个字符".into()))
}

fn duration(text: &str) -> FieldResult<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|s| (0..=86_400).contains(s) && !text.starts_with('+'))
        .ok_or(("duration_s", "通话时长应为 0–86400 秒的整数".into()))
}

fn satisfaction(text: &str) -> FieldResult<Option<Satisfaction>> {
    if text.is_empty() {
        return Ok(None);
    }
    Satisfaction::parse(text).map(Some).map_err(|_| {
        (
            "satisfaction",
            "满意度应为 satisfied、basic、dissatisfied 或留空".into(),
        )
    })
}
