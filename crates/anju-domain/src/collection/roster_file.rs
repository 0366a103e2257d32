//! Roster files (批量增员): an employer uploads its new staff as CSV or Excel. Every row
//! is checked and every problem is reported with its spreadsheet row number
//! (the header is row 1) and column, so the agent can fix the file in one go.
//! Parsing writes nothing; the caller decides whether a file with errors is
//! refused or only its valid rows are taken.

use super::registry::parse_wage;
use super::{ContributionRates, MemberEnrolment, check_rates};
use crate::error::{DomainError, DomainResult};
use crate::policy::ContributionRules;
use crate::rate::RatePpm;
use std::collections::BTreeMap;

/// Rows one file may hold (an import of a large employer is split into files).
pub const MAX_ROSTER_ROWS: usize = 5_000;

const COLUMN_ID: &str = "身份证号";
const COLUMN_NAME: &str = "姓名";
const COLUMN_WAGE: &str = "月工资";
const COLUMN_EMPLOYER_RATE: &str = "单位比例";
const COLUMN_MEMBER_RATE: &str = "个人比例";

/// One problem in a file: where, and what (a stable code and a Chinese message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Spreadsheet row: the header is 1, the first person 2.
    pub row: usize,
    pub column: String,
    pub code: &'static str,
    pub message: String,
}

/// A row that passed every check (with its personal rates if the file gave any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub row: usize,
    pub enrolment: MemberEnrolment,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterFile {
    pub valid: Vec<RosterRow>,
    pub errors: Vec<RowError>,
}

fn file_error(code: &'static str, message: &str) -> DomainError {
    DomainError::new(code, message)
}

/// A sheet as read from a file: the header's names and each row's cells
/// (`None` for a row the reader could not make out).
struct Table {
    /// The header's spreadsheet row (1 unless a sheet starts lower down).
    header_row: usize,
    headers: Vec<String>,
    rows: Vec<Option<Vec<String>>>,
}

/// Reads a CSV or Excel (.xlsx, recognised by its zip signature whatever the
/// file is called) into a table.
fn read_table(bytes: &[u8]) -> DomainResult<Table> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)
    } else {
        read_csv(bytes)
    }
}

/// Parses a roster file, CSV or Excel.
pub fn parse_roster_file(bytes: &[u8], rules: &ContributionRules) -> DomainResult<RosterFile> {
    check_table(&read_table(bytes)?, rules)
}

const COLUMN_AVERAGE_WAGE: &str = "月平均工资";

/// One member's new base as filed: the row, the person, last year's average wage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseRow {
    pub row: usize,
    pub id_card: crate::ids::IdCardNo,
    pub wage: crate::money::Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BaseFile {
    pub valid: Vec<BaseRow>,
    pub errors: Vec<RowError>,
}

/// Parses a yearly base filing (年度基数调整) file, CSV or Excel, with the
/// columns 身份证号 and 月平均工资 (other columns, such as 姓名, are ignored).
pub fn parse_base_file(bytes: &[u8]) -> DomainResult<BaseFile> {
    parse_person_wage_file(bytes, COLUMN_AVERAGE_WAGE)
}

/// Parses a 补缴 file for one month, CSV or Excel, with the columns 身份证号
/// and 月工资 (that month's wage, the base owed on; other columns ignored).
pub fn parse_back_pay_file(bytes: &[u8]) -> DomainResult<BaseFile> {
    parse_person_wage_file(bytes, COLUMN_WAGE)
}

/// A file of one wage per person: every row checked, every problem named by
/// row and column, a person twice refused on the second row.
fn parse_person_wage_file(bytes: &[u8], wage_column: &str) -> DomainResult<BaseFile> {
    let table = read_table(bytes)?;
    let position = |name: &str| table.headers.iter().position(|h| h.trim() == name);
    let (Some(id_at), Some(wage_at)) = (position(COLUMN_ID), position(wage_column)) else {
        return Err(DomainError::new(
            "FILE_COLUMN_MISSING",
            format!("表头须包含：身份证号,{wage_column}"),
        ));
    };
    let mut file = BaseFile::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, record) in table.rows.iter().enumerate() {
        let row = table.header_row + index + 1;
        let cells = record.as_deref().unwrap_or_default();
        if record.is_some() && cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cell = |i: usize| cells.get(i).map_or("", String::as_str);
        let mut push = |column: &str, e: DomainError| {
            file.errors.push(RowError {
                row,
                column: column.to_string(),
                code: e.code(),
                message: e.message().to_string(),
            });
        };
        let id = crate::ids::IdCardNo::parse(cell(id_at))
            .map_err(|e| push(COLUMN_ID, e))
            .ok();
        let wage = parse_wage(cell(wage_at))
            .map_err(|e| push(wage_column, e))
            .ok();
        if let Some(id) = &id
            && let Some(first) = seen.insert(id.as_str().to_string(), row)
        {
            push(
                COLUMN_ID,
                DomainError::new("MEMBER_DUPLICATE", format!("与第 {first} 行的身份证号重复")),
            );
            continue;
        }
        if let (Some(id_card), Some(wage)) = (id, wage) {
            file.valid.push(BaseRow { row, id_card, wage });
        }
    }
    if file.valid.is_empty() && file.errors.is_empty() {
        return Err(file_error("FILE_EMPTY", "文件中没有职工数据"));
    }
    Ok(file)
}

/// Parses a UTF-8 CSV roster. Columns by header name: 身份证号, 姓名, 月工资 are
/// required; 单位比例 and 个人比例 (percent) are optional and go together.
pub fn parse_roster_csv(bytes: &[u8], rules: &ContributionRules) -> DomainResult<RosterFile> {
    check_table(&read_csv(bytes)?, rules)
}

/// Parses the first sheet of an Excel workbook with the CSV's columns.
pub fn parse_roster_xlsx(bytes: &[u8], rules: &ContributionRules) -> DomainResult<RosterFile> {
    check_table(&read_xlsx(bytes)?, rules)
}

fn too_large() -> DomainError {
    DomainError::new(
        "FILE_TOO_LARGE",
        format!("一个文件最多 {MAX_ROSTER_ROWS} 人，请分批上传"),
    )
}

fn read_csv(bytes: &[u8]) -> DomainResult<Table> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        file_error(
            "FILE_ENCODING",
            "文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”后再上传，或直接上传 .xlsx 文件",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| file_error("FILE_FORMAT", "无法读取表头"))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        if rows.len() >= MAX_ROSTER_ROWS {
            return Err(too_large());
        }
        rows.push(record.ok().map(|r| r.iter().map(str::to_string).collect()));
    }
    Ok(Table {
        header_row: 1,
        headers,
        rows,
    })
}

fn read_xlsx(bytes: &[u8]) -> DomainResult<Table> {
    use calamine::{Reader, Xlsx};
    let unreadable = || file_error("FILE_FORMAT", "无法读取 Excel 文件：请上传 .xlsx 格式");
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(unreadable)?
        .map_err(|_| unreadable())?;
    let mut lines = sheet.rows();
    let headers = lines
        .next()
        .ok_or_else(|| file_error("FILE_EMPTY", "文件中没有职工数据"))?
        .iter()
        .map(cell_text)
        .collect();
    let mut rows = Vec::new();
    for line in lines {
        if rows.len() >= MAX_ROSTER_ROWS {
            return Err(too_large());
        }
        rows.push(Some(line.iter().map(cell_text).collect()));
    }
    // A sheet whose data starts lower down still reports the rows people see.
    let header_row = sheet.start().map_or(1, |(row, _)| row as usize + 1);
    Ok(Table {
        header_row,
        headers,
        rows,
    })
}

/// A cell as the text a person typed. Numbers come back as Excel stores them
/// (a double): the shortest decimal that round-trips is what was typed, and
/// the wage parser then reads it exactly; nothing is computed in floating
/// point. An ID number typed as a number has lost digits, so it is marked for
/// the ID check to refuse with a hint.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.abs() >= 1e15 => format!("{f:e}（请将此列设为文本格式）"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn check_table(table: &Table, rules: &ContributionRules) -> DomainResult<RosterFile> {
    let position: BTreeMap<&str, usize> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    for required in [COLUMN_ID, COLUMN_NAME, COLUMN_WAGE] {
        if !position.contains_key(required) {
            return Err(DomainError::new(
                "FILE_COLUMN_MISSING",
                format!("缺少“{required}”列（表头须为：身份证号,姓名,月工资[,单位比例,个人比例]）"),
            ));
        }
    }
    let mut file = RosterFile::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (index, record) in table.rows.iter().enumerate() {
        let row = table.header_row + index + 1;
        let Some(record) = record else {
            file.errors.push(RowError {
                row,
                column: "-".into(),
                code: "ROW_FORMAT",
                message: "该行格式无法识别".into(),
            });
            continue;
        };
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            position
                .get(name)
                .and_then(|i| record.get(*i))
                .map_or("", String::as_str)
        };
        check_row(row, &cell, rules, &mut seen, &mut file)?;
    }
    if file.valid.is_empty() && file.errors.is_empty() {
        return Err(file_error("FILE_EMPTY", "文件中没有职工数据"));
    }
    Ok(file)
}

/// Checks one row, adding it to the valid rows or its problems to the errors.
fn check_row<'a>(
    row: usize,
    cell: &dyn Fn(&str) -> &'a str,
    rules: &ContributionRules,
    seen: &mut BTreeMap<String, usize>,
    file: &mut RosterFile,
) -> DomainResult<()> {
    let before = file.errors.len();
    let mut push = |column: &str, e: DomainError| {
        file.errors.push(RowError {
            row,
            column: column.to_string(),
            code: e.code(),
            message: e.message().to_string(),
        });
    };
    let id = crate::ids::IdCardNo::parse(cell(COLUMN_ID))
        .map_err(|e| push(COLUMN_ID, e))
        .ok();
    if cell(COLUMN_NAME).is_empty() {
        push(
            COLUMN_NAME,
            DomainError::new("NAME_INVALID", "姓名不能为空"),
        );
    }
    let wage_ok = parse_wage(cell(COLUMN_WAGE))
        .map_err(|e| push(COLUMN_WAGE, e))
        .is_ok();
    let rates = row_rates(cell(COLUMN_EMPLOYER_RATE), cell(COLUMN_MEMBER_RATE), rules)
        .unwrap_or_else(|(column, e)| {
            push(column, e);
            None
        });
    if let Some(id) = &id
        && let Some(first) = seen.insert(id.as_str().to_string(), row)
    {
        push(
            COLUMN_ID,
            DomainError::new("MEMBER_DUPLICATE", format!("与第 {first} 行的身份证号重复")),
        );
    }
    if file.errors.len() == before && wage_ok {
        let mut enrolment =
            MemberEnrolment::new(cell(COLUMN_ID), cell(COLUMN_NAME), cell(COLUMN_WAGE))?;
        enrolment.rates = rates;
        file.valid.push(RosterRow { row, enrolment });
    }
    Ok(())
}

/// Both personal rates or neither; each within the policy's band.
fn row_rates(
    employer: &str,
    member: &str,
    rules: &ContributionRules,
) -> Result<Option<ContributionRates>, (&'static str, DomainError)> {
    match (employer.is_empty(), member.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) => {
            return Err((
                COLUMN_MEMBER_RATE,
                DomainError::new("RATE_MISSING", "单位比例和个人比例须同时填写"),
            ));
        }
        (true, false) => {
            return Err((
                COLUMN_EMPLOYER_RATE,
                DomainError::new("RATE_MISSING", "单位比例和个人比例须同时填写"),
            ));
        }
        _ => {}
    }
    let employer_rate = RatePpm::parse_percent(employer).map_err(|e| (COLUMN_EMPLOYER_RATE, e))?;
    let member_rate = RatePpm::parse_percent(member).map_err(|e| (COLUMN_MEMBER_RATE, e))?;
    let rates = ContributionRates {
        employer: employer_rate,
        member: member_rate,
    };
    check_rates(
        ContributionRates {
            employer: employer_rate,
            member: rules.rate_min,
        },
        rules,
    )
    .map_err(|e| (COLUMN_EMPLOYER_RATE, e))?;
    check_rates(
        ContributionRates {
            employer: rules.rate_min,
            member: member_rate,
        },
        rules,
    )
    .map_err(|e| (COLUMN_MEMBER_RATE, e))?;
    Ok(Some(rates))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ContributionRules {
        crate::test_support::contribution_rules("2026-11-01")
    }

    /// The bad file: a wrong ID checksum in row 7, a rate outside the
    /// policy in row 9. Both are named with their column; the good rows parse.
    #[test]
    fn names_the_bad_rows_and_columns() {
        let csv = "\u{feff}身份证号,姓名,月工资,单位比例,个人比例\n\
                   320502199001020018,甲,8000,12,12\n\
                   320502199001030013,乙,9000,,\n\
                   11010519491231002X,丙,10000.50,10,10\n\
                   320502199003071230,丁,6000,5,5\n\
                   320502199001040019,戊,7000,8,8\n\
                   320502199001050011,己,7000,8,8\n\
                   32050219900106001X,庚,7000,8,8\n\
                   320502199001070015,辛,7000,13,8\n";
        let file = parse_roster_csv(csv.as_bytes(), &rules()).expect("parsed");
        let found: Vec<(usize, &str, &str)> = file
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            found,
            vec![
                (7, "身份证号", "ID_CHECKSUM"),
                (9, "单位比例", "RATE_OUT_OF_POLICY")
            ],
            "{:?}",
            file.errors
        );
        assert_eq!(file.valid.len(), 6);
        assert_eq!(file.valid[1].enrolment.rates, None, "rates are optional");
        assert_eq!(
            file.valid[0].enrolment.rates.map(|r| r.employer.ppm()),
            Some(120_000)
        );
    }

    #[test]
    fn whole_file_problems() {
        let code = |bytes: &[u8]| {
            parse_roster_csv(bytes, &rules())
                .map_err(|e| e.code())
                .err()
        };
        assert_eq!(
            code(b"\xd5\xc5\xc8\xfd,1"),
            Some("FILE_ENCODING"),
            "GBK bytes are refused with a hint"
        );
        assert_eq!(
            code("姓名,月工资\n张三,8000\n".as_bytes()),
            Some("FILE_COLUMN_MISSING")
        );
        assert_eq!(
            code("身份证号,姓名,月工资\n".as_bytes()),
            Some("FILE_EMPTY")
        );
        let dup = "身份证号,姓名,月工资\n320502199003071230,甲,8000\n320502199003071230,乙,8000\n";
        let file = parse_roster_csv(dup.as_bytes(), &rules()).expect("parsed");
        assert_eq!(
            file.errors
                .iter()
                .map(|e| (e.row, e.code))
                .collect::<Vec<_>>(),
            vec![(3, "MEMBER_DUPLICATE")]
        );
        let half = "身份证号,姓名,月工资,单位比例,个人比例\n320502199003071230,甲,8000,10,\n";
        let file = parse_roster_csv(half.as_bytes(), &rules()).expect("parsed");
        assert_eq!(file.errors[0].code, "RATE_MISSING");
        let bad_wage = "身份证号,姓名,月工资\n320502199003071230,甲,八千\n";
        let file = parse_roster_csv(bad_wage.as_bytes(), &rules()).expect("parsed");
        assert_eq!(
            (file.errors[0].row, file.errors[0].column.as_str()),
            (2, "月工资")
        );
    }

    /// The same bad file as an Excel workbook: IDs as text, wages and rates as
    /// numbers the way a person types them.
    #[test]
    fn names_the_bad_rows_and_columns_of_an_excel_file() {
        let rows: [(&str, &str, f64, Option<f64>); 8] = [
            ("320502199001020018", "甲", 8000.0, Some(12.0)),
            ("320502199001030013", "乙", 9000.0, None),
            ("11010519491231002X", "丙", 10000.5, Some(10.0)),
            ("320502199003071230", "丁", 6000.0, Some(5.0)),
            ("320502199001040019", "戊", 7000.0, Some(8.0)),
            ("320502199001050011", "己", 7000.0, Some(8.0)),
            ("32050219900106001X", "庚", 7000.0, Some(8.0)),
            ("320502199001070015", "辛", 7000.0, Some(13.0)),
        ];
        let bytes = workbook(&rows);
        let file = parse_roster_file(&bytes, &rules()).expect("parsed");
        let found: Vec<(usize, &str, &str)> = file
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            found,
            vec![
                (7, "身份证号", "ID_CHECKSUM"),
                (9, "单位比例", "RATE_OUT_OF_POLICY")
            ],
            "{:?}",
            file.errors
        );
        assert_eq!(file.valid.len(), 6);
        assert_eq!(
            file.valid[2].enrolment.wage,
            crate::Fen::new(10_000_50),
            "10000.5 typed in a cell is ¥10,000.50 exactly"
        );
        assert_eq!(file.valid[1].enrolment.rates, None);
    }

    #[test]
    fn an_id_number_typed_as_a_number_is_refused_with_a_hint() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, name) in ["身份证号", "姓名", "月工资"].iter().enumerate() {
            sheet
                .write_string(0, u16::try_from(col).expect("col"), *name)
                .expect("write");
        }
        sheet
            .write_number(1, 0, 320502199003071230.0)
            .expect("write");
        sheet.write_string(1, 1, "张伟").expect("write");
        sheet.write_number(1, 2, 8000.0).expect("write");
        let bytes = book.save_to_buffer().expect("xlsx");
        let file = parse_roster_xlsx(&bytes, &rules()).expect("parsed");
        assert_eq!(file.errors.len(), 1);
        assert_eq!(file.errors[0].column, "身份证号");
        assert!(file.valid.is_empty());
        assert_eq!(
            parse_roster_xlsx(b"PK\x03\x04 not a workbook", &rules()).map_err(|e| e.code()),
            Err("FILE_FORMAT")
        );
    }

    #[test]
    fn a_base_file_names_bad_rows_and_ignores_other_columns() {
        let csv = "姓名,身份证号,月平均工资\n甲,320502199001020018,9100.00\n乙,320502199001030014,9200\n丙,320502199001020018,9300\n丁,11010519491231002X,零\n";
        let file = parse_base_file(csv.as_bytes()).expect("parsed");
        let found: Vec<(usize, &str, &str)> = file
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, "身份证号", "ID_CHECKSUM"),
                (4, "身份证号", "MEMBER_DUPLICATE"),
                (5, "月平均工资", "AMOUNT_FORMAT"),
            ],
            "{:?}",
            file.errors
        );
        assert_eq!(file.valid.len(), 1);
        assert_eq!(file.valid[0].wage, crate::Fen::new(9_100_00));
        assert_eq!(
            parse_base_file("身份证号,月工资\n".as_bytes()).map_err(|e| e.code()),
            Err("FILE_COLUMN_MISSING")
        );
    }

    #[test]
    fn a_sheet_that_starts_lower_down_reports_the_rows_people_see() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, name) in (0u16..).zip(["身份证号", "姓名", "月工资"]) {
            sheet.write_string(2, col, name).expect("write");
        }
        sheet
            .write_string(3, 0, "320502199003071231")
            .expect("write");
        sheet.write_string(3, 1, "张伟").expect("write");
        sheet.write_number(3, 2, 8000.0).expect("write");
        let bytes = book.save_to_buffer().expect("xlsx");
        let file = parse_roster_xlsx(&bytes, &rules()).expect("parsed");
        assert_eq!(
            file.errors
                .iter()
                .map(|e| (e.row, e.code))
                .collect::<Vec<_>>(),
            [(4, "ID_CHECKSUM")],
            "header on row 3, the person on row 4"
        );
    }

    /// The same cells as a CSV file and as a workbook (all text cells).
    fn both_formats(rows: &[&[&str]]) -> (Vec<u8>, Vec<u8>) {
        let csv: String = rows.iter().map(|r| format!("{}\n", r.join(","))).collect();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (row, cells) in (0u32..).zip(rows) {
            for (col, cell) in (0u16..).zip(cells.iter()) {
                sheet.write_string(row, col, *cell).expect("write");
            }
        }
        (csv.into_bytes(), book.save_to_buffer().expect("xlsx"))
    }

    #[test]
    fn base_and_back_pay_files_give_the_same_errors_as_csv_and_as_xlsx() {
        let rows: &[&[&str]] = &[
            &["姓名", "身份证号", "月工资"],
            &["甲", "320502199001020018", "9100.00"],
            &["乙", "320502199001020019", "9200"],
            &["丙", "320502199001020018", "9300"],
            &["丁", "11010519491231002X", "九千"],
        ];
        let (csv, xlsx) = both_formats(rows);
        let from_csv = parse_back_pay_file(&csv).expect("csv");
        let from_xlsx = parse_back_pay_file(&xlsx).expect("xlsx");
        assert_eq!(from_csv, from_xlsx, "one file, two formats, one answer");
        let found: Vec<(usize, &str, &str)> = from_csv
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect();
        assert_eq!(
            found,
            [
                (3, "身份证号", "ID_CHECKSUM"),
                (4, "身份证号", "MEMBER_DUPLICATE"),
                (5, "月工资", "AMOUNT_FORMAT"),
            ]
        );
        assert_eq!(from_csv.valid[0].wage, crate::Fen::new(9_100_00));
        // A back-payment file is not a base file: its wage column differs.
        assert_eq!(
            parse_base_file(&xlsx).map_err(|e| e.code()),
            Err("FILE_COLUMN_MISSING")
        );
    }

    fn workbook(rows: &[(&str, &str, f64, Option<f64>)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let header = ["身份证号", "姓名", "月工资", "单位比例", "个人比例"];
        for (col, name) in (0u16..).zip(header) {
            sheet.write_string(0, col, name).expect("write");
        }
        for (row, (id, name, wage, rate)) in (1u32..).zip(rows) {
            sheet.write_string(row, 0, *id).expect("write");
            sheet.write_string(row, 1, *name).expect("write");
            sheet.write_number(row, 2, *wage).expect("write");
            if let Some(rate) = rate {
                sheet.write_number(row, 3, *rate).expect("write");
                sheet.write_number(row, 4, rate.min(12.0)).expect("write");
            }
        }
        book.save_to_buffer().expect("xlsx")
    }
}
