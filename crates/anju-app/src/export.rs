//! Exports (导出): a table read through the use cases — an employer's
//! roster and bills, a member's statement, the overdue loans, the KPIs —
//! written as an `.xlsx` workbook or as CSV for people to open in a
//! spreadsheet. Each export is a use case of its own context
//! (`collection/export.rs`, `interest/export.rs`, `loan/export.rs`,
//! `fund/export.rs`) that checks who asks, builds a [`Sheet`], renders it
//! here and writes an audit row naming what left the system, the format,
//! the row count and (as the row's payload digest) the file's SHA-256.
//!
//! Money stays exact. CSV carries the yuan text of `Fen` (integer division
//! and remainder, as everywhere). An xlsx number is an IEEE double, so a
//! money cell is that same yuan text parsed once into the nearest double —
//! the double a spreadsheet program makes of the text — and shown with the
//! format `0.00`; nothing is computed in floating point. A double keeps 15
//! significant digits exactly (`f64::DIGITS`), so a value with more (over
//! ¥10 trillion) is written as text rather than rounded.

use crate::access::{Actor, CommandOutcome};
use crate::{App, AppError, AppResult};
use anju_domain::interest::yuan_days;
use anju_domain::{DomainError, DomainResult, Fen};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

/// The most people an identified export (实名导出: full names and ID
/// numbers) lists without a manager's approval, unless configured
/// (`App::with_identified_export_limit`).
pub const DEFAULT_IDENTIFIED_EXPORT_LIMIT: usize = 50;

/// Most data rows one export holds: far above a roster of the largest
/// employer or ten years of statement lines, far below the 1,048,575 data
/// rows a worksheet can take.
pub const MAX_ROWS: usize = 200_000;

/// The largest magnitude (in the cell's smallest unit: fen, fen·days or
/// ones) written as a number: 15 significant digits survive a double.
const MAX_EXACT: u128 = 999_999_999_999_999;

/// Column widths in characters (a Chinese character counts two).
const MIN_WIDTH: u32 = 6;
const MAX_WIDTH: u32 = 50;

/// One cell, typed so that each format writes it the way it should.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Whole(i64),
    /// Written in yuan with two decimals.
    Money(Fen),
    /// 积数: fen × days, written in yuan·days with two decimals.
    YuanDays(i128),
    Empty,
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// The cell as plain text: what CSV carries (before quoting) and what a
    /// reader of the workbook sees.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Whole(n) => n.to_string(),
            Cell::Money(fen) => fen.to_yuan_string(),
            Cell::YuanDays(product) => yuan_days(*product),
            Cell::Empty => String::new(),
        }
    }

    fn csv(&self) -> String {
        match self {
            Cell::Text(text) => csv_field(text),
            other => other.plain(),
        }
    }
}

/// A table to export: one worksheet, a head row and rows of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The worksheet's name: at most 31 characters, none of `[]:*?/\`.
    pub title: &'static str,
    /// The file's name without extension, ASCII only (it travels in a header).
    pub file_stem: String,
    pub heads: &'static [&'static str],
    /// Each as wide as `heads`.
    pub rows: Vec<Vec<Cell>>,
}

/// The two formats an export is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx` (any case); anything else is refused.
    pub fn parse(text: &str) -> DomainResult<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            _ => Err(DomainError::new(
                "EXPORT_FORMAT_INVALID",
                "导出格式无效：请选择 xlsx（Excel）或 csv",
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A rendered export, ready to be sent as a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// Data rows below the head.
    pub rows: usize,
}

/// `sheet` as a file in `format`.
pub fn render(sheet: &Sheet, format: Format) -> AppResult<Export> {
    check_shape(sheet)?;
    let bytes = match format {
        Format::Csv => csv_bytes(sheet),
        Format::Xlsx => xlsx_bytes(sheet).map_err(|e| AppError::Io(format!("xlsx: {e}")))?,
    };
    Ok(Export {
        file_name: format!("{}.{}", sheet.file_stem, format.code()),
        content_type: format.content_type(),
        bytes,
        rows: sheet.rows.len(),
    })
}

/// A sheet too long is refused; a row of the wrong width is a bug here.
fn check_shape(sheet: &Sheet) -> AppResult<()> {
    if sheet.rows.len() > MAX_ROWS {
        return Err(DomainError::new(
            "EXPORT_TOO_LARGE",
            format!("导出内容超过 {MAX_ROWS} 行，请缩小范围后再导出"),
        )
        .into());
    }
    let width = sheet.heads.len();
    match sheet.rows.iter().position(|row| row.len() != width) {
        Some(at) => Err(AppError::Io(format!(
            "export {}: row {at} is not {width} cells wide",
            sheet.file_stem
        ))),
        None => Ok(()),
    }
}

/// A field as CSV: quoted when it holds a comma, quote or line break; a
/// leading formula character (`= + - @`) is neutralised with `'` so a
/// spreadsheet shows the text instead of evaluating it.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// An ID number as screens show it (`3205**********1230`), so an export
/// carries no more of it than a page does; `-` if unreadable.
pub fn masked_id_card(text: &str) -> String {
    anju_domain::ids::IdCardNo::parse(text).map_or_else(|_| "-".to_string(), |id| id.masked())
}

/// UTF-8 with a byte-order mark (so spreadsheet programs read the Chinese
/// heads) and CRLF line ends (RFC 4180).
fn csv_bytes(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    push_line(&mut out, sheet.heads.iter().map(|head| csv_field(head)));
    for row in &sheet.rows {
        push_line(&mut out, row.iter().map(Cell::csv));
    }
    out.into_bytes()
}

fn push_line(out: &mut String, fields: impl Iterator<Item = String>) {
    out.push_str(&fields.collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
}

/// The formats of a workbook's cells.
struct Styles {
    head: rust_xlsxwriter::Format,
    whole: rust_xlsxwriter::Format,
    money: rust_xlsxwriter::Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            head: rust_xlsxwriter::Format::new().set_bold(),
            whole: rust_xlsxwriter::Format::new().set_num_format("0"),
            money: rust_xlsxwriter::Format::new().set_num_format("0.00"),
        }
    }
}

/// One worksheet: the head row bold and frozen, columns as wide as their text.
fn xlsx_bytes(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut book = Workbook::new();
    let worksheet = book.add_worksheet();
    worksheet.set_name(sheet.title)?;
    for (col, head) in (0u16..).zip(sheet.heads) {
        worksheet.write_string_with_format(0, col, *head, &styles.head)?;
    }
    // `check_shape` bounds the rows far below u32::MAX.
    for (row, cells) in (1u32..).zip(&sheet.rows) {
        for (col, cell) in (0u16..).zip(cells) {
            write_cell(worksheet, row, col, cell, &styles)?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    for (col, width) in (0u16..).zip(column_widths(sheet)) {
        worksheet.set_column_width(col, width)?;
    }
    book.save_to_buffer()
}

fn write_cell(
    worksheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (number, style) = match cell {
        Cell::Empty => return Ok(()),
        Cell::Text(text) if text.is_empty() => return Ok(()),
        Cell::Text(text) => {
            worksheet.write_string(row, col, text)?;
            return Ok(());
        }
        Cell::Whole(n) => (
            exact_number(cell, u128::from(n.unsigned_abs())),
            &styles.whole,
        ),
        Cell::Money(fen) => (
            exact_number(cell, u128::from(fen.get().unsigned_abs())),
            &styles.money,
        ),
        Cell::YuanDays(product) => (exact_number(cell, product.unsigned_abs()), &styles.money),
    };
    match number {
        Some(number) => worksheet.write_number_with_format(row, col, number, style)?,
        None => worksheet.write_string(row, col, cell.plain())?,
    };
    Ok(())
}

/// The cell's decimal text read once into the nearest double, when a
/// double holds it exactly enough to give the same text back.
fn exact_number(cell: &Cell, magnitude: u128) -> Option<f64> {
    if magnitude > MAX_EXACT {
        return None;
    }
    cell.plain().parse().ok()
}

/// Each column as wide as its longest text, within bounds.
fn column_widths(sheet: &Sheet) -> Vec<u32> {
    sheet
        .heads
        .iter()
        .enumerate()
        .map(|(col, head)| {
            let widest = sheet
                .rows
                .iter()
                .filter_map(|row| row.get(col))
                .map(|cell| display_width(&cell.plain()))
                .fold(display_width(head), u32::max);
            widest.saturating_add(2).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

/// A Chinese (any non-ASCII) character takes about two columns.
fn display_width(text: &str) -> u32 {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

impl App {
    /// Records an export in the audit trail and hands it back: what was
    /// exported (`action`, `subject`), the format and, when done, the row
    /// count, with the file's digest as the payload (so a file found later
    /// can be matched to the export that made it).
    pub(crate) async fn audited_export(
        &self,
        actor: &Actor,
        action: &str,
        subject: &str,
        format: Format,
        result: AppResult<Export>,
    ) -> AppResult<Export> {
        let (target, payload, outcome) = match &result {
            Ok(export) => (
                format!("{subject} format={} rows={}", format.code(), export.rows),
                export.bytes.as_slice(),
                CommandOutcome::Done,
            ),
            Err(e) => (
                format!("{subject} format={}", format.code()),
                &[][..],
                CommandOutcome::Refused(e.code().unwrap_or("ERROR")),
            ),
        };
        self.access()
            .audit(actor, action, &target, payload, outcome)
            .await?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            title: "测试",
            file_stem: "test".into(),
            heads: &["名称", "金额（元）"],
            rows,
        }
    }

    #[test]
    fn export_csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("张三"), "张三");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("说\"好\""), "\"说\"\"好\"\"\"");
        assert_eq!(csv_field("一\n二"), "\"一\n二\"");
        assert_eq!(csv_field("=1+2"), "'=1+2");
        assert_eq!(csv_field("+86"), "'+86");
        assert_eq!(csv_field("-5"), "'-5");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            csv_field("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn export_money_is_exact_yuan_text() {
        let yuan = |fen| Cell::Money(Fen::new(fen)).plain();
        assert_eq!(yuan(123_456_789), "1234567.89");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(-123_456_789), "-1234567.89");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(100), "1.00");
        assert_eq!(Cell::YuanDays(-30_000 * 214).plain(), "-64200.00");
    }

    #[test]
    fn export_numbers_a_double_holds_exactly_and_text_beyond() {
        let money = |fen| {
            let cell = Cell::Money(Fen::new(fen));
            exact_number(&cell, u128::from(fen.unsigned_abs()))
        };
        assert_eq!(money(123_456_789), Some(1_234_567.89));
        assert_eq!(money(5), Some(0.05));
        assert_eq!(money(-5), Some(-0.05));
        // Read back as a double prints the same text: nothing was lost.
        for fen in [1, 7, 10, 99, 123_456_789, 999_999_999_999_999, -42] {
            let back = money(fen).expect("exact").to_string();
            assert_eq!(Fen::parse(&back).expect("yuan"), Fen::new(fen), "{back}");
        }
        assert_eq!(money(1_000_000_000_000_000), None);
        assert_eq!(money(i64::MIN), None);
    }

    #[test]
    fn export_csv_has_a_bom_crlf_and_one_line_per_row() {
        let rows = vec![
            vec![Cell::text("=cmd"), Cell::Money(Fen::new(-5))],
            vec![Cell::text("a,b"), Cell::Empty],
        ];
        let export = render(&sheet(rows), Format::Csv).expect("csv");
        let text = String::from_utf8(export.bytes).expect("utf-8");
        assert_eq!(
            text,
            "\u{feff}名称,金额（元）\r\n'=cmd,-0.05\r\n\"a,b\",\r\n"
        );
        assert_eq!(export.file_name, "test.csv");
        assert_eq!(export.rows, 2);
    }

    #[test]
    fn export_xlsx_is_a_workbook() {
        let rows = vec![vec![Cell::text("张三"), Cell::Money(Fen::new(123_456_789))]];
        let export = render(&sheet(rows), Format::Xlsx).expect("xlsx");
        assert!(export.bytes.starts_with(b"PK\x03\x04"));
        assert_eq!(export.file_name, "test.xlsx");
        assert_eq!(
            export.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
    }

    #[test]
    fn export_formats_parse_and_unknown_ones_are_refused() {
        assert_eq!(Format::parse("xlsx").ok(), Some(Format::Xlsx));
        assert_eq!(Format::parse(" CSV ").ok(), Some(Format::Csv));
        let refused = Format::parse("xls").expect_err("refused");
        assert_eq!(refused.code(), "EXPORT_FORMAT_INVALID");
        assert_eq!(refused.kind(), anju_domain::ErrorKind::Invalid);
    }

    #[test]
    fn export_rows_of_the_wrong_width_or_too_many_are_refused() {
        let narrow = sheet(vec![vec![Cell::Empty]]);
        assert!(matches!(render(&narrow, Format::Csv), Err(AppError::Io(_))));
        let long = sheet(vec![vec![Cell::Empty, Cell::Empty]; MAX_ROWS + 1]);
        let refused = render(&long, Format::Csv).expect_err("too long");
        assert_eq!(refused.code(), Some("EXPORT_TOO_LARGE"));
    }

    #[test]
    fn export_columns_fit_their_text() {
        let rows = vec![vec![Cell::text("x"), Cell::Money(Fen::new(123_456_789))]];
        assert_eq!(column_widths(&sheet(rows)), vec![6, 12]);
    }
}
