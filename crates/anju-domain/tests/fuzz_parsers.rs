//! Every parser of outside input, fed what nobody would type: arbitrary
//! text and bytes, and inputs shaped almost like the real thing (a CSV with
//! the right header and wild cells, a zip signature before noise, a policy
//! with one line mangled). Each must answer `Ok` or a clear error with a
//! stable code from the table — never panic. Bounded for CI by proptest's
//! case count (`PROPTEST_CASES`, 256 by default; raise it for a longer run).

use anju_domain::collection::{
    parse_back_pay_file, parse_base_file, parse_reconciliation_file, parse_roster_file, parse_wage,
};
use anju_domain::ids::{BankCardNo, IdCardNo, MobileNo, Uscc};
use anju_domain::interest::parse_movements_csv;
use anju_domain::policy::{ContributionRules, parse_policy};
use anju_domain::quality::parse_cdr;
use anju_domain::trust::certificate::CertificateFile;
use anju_domain::trust::log::{Checkpoint, Frontier};
use anju_domain::{CODES, Date, DomainError, Fen, Period, RatePpm};
use proptest::prelude::*;

const SUZHOU: &str = include_str!("../../../policy/suzhou.toml");

fn rules() -> ContributionRules {
    let policy = parse_policy("suzhou.toml", SUZHOU).expect("the Suzhou policy");
    let day = Date::parse("2026-11-29").expect("date");
    policy.contribution.at(day).expect("in force").value.clone()
}

/// A refusal carries a code the table lists (so it reaches people in Chinese).
fn known(e: &DomainError) -> bool {
    CODES.iter().any(|c| c.code == e.code()) && !e.message().is_empty()
}

fn checked<T>(result: Result<T, DomainError>) -> Result<(), TestCaseError> {
    match result {
        Ok(_) => Ok(()),
        Err(e) => {
            prop_assert!(known(&e), "unlisted code {} ({})", e.code(), e.message());
            Ok(())
        }
    }
}

/// Cells as people type them, and as they should not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{0,20}",
        "[0-9]{17}[0-9Xx]",
        "-?[0-9]{1,12}(\\.[0-9]{0,4})?",
        "[0-9]{1,3}(e|E)[0-9]{1,4}",
        "\\PC{0,12}",
        Just(String::new()),
        Just("\"".to_string()),
        Just("=cmd|' /C calc'!A0".to_string()),
    ]
}

/// A CSV with `header` and rows of wild cells (some rows short, some long).
fn csv_with(header: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let row = prop::collection::vec(cell(), 0..7).prop_map(|cells| cells.join(","));
    prop::collection::vec(row, 0..12).prop_map(move |rows| {
        let mut text = format!("{header}\n");
        for row in rows {
            text.push_str(&row);
            text.push('\n');
        }
        text.into_bytes()
    })
}

/// Bytes that start like a workbook (a zip) and then are anything.
fn zip_noise() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..2048).prop_map(|tail| {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        bytes
    })
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        zip_noise(),
        "\\PC{0,400}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #[test]
    fn values_typed_in_forms_never_panic(text in "\\PC{0,40}") {
        checked(Fen::parse(&text))?;
        checked(parse_wage(&text))?;
        checked(RatePpm::parse_percent(&text))?;
        checked(Date::parse(&text))?;
        checked(Period::parse(&text))?;
        checked(IdCardNo::parse(&text))?;
        checked(Uscc::parse(&text))?;
        checked(BankCardNo::parse(&text))?;
        checked(MobileNo::parse(&text))?;
    }

    #[test]
    fn numbers_near_the_edges_never_panic(text in "-?[0-9]{15,25}(\\.[0-9]{0,6})?") {
        checked(Fen::parse(&text))?;
        checked(parse_wage(&text))?;
        checked(RatePpm::parse_percent(&text))?;
    }

    #[test]
    fn roster_files_never_panic(bytes in prop_oneof![
        csv_with("身份证号,姓名,月工资,单位比例,个人比例"),
        csv_with("身份证号,姓名,月工资"),
        any_bytes(),
    ]) {
        let rules = rules();
        match parse_roster_file(&bytes, &rules) {
            Ok(file) => {
                for e in &file.errors {
                    prop_assert!(e.row >= 2, "row {} (the header is row 1)", e.row);
                    prop_assert!(CODES.iter().any(|c| c.code == e.code), "{}", e.code);
                }
            }
            Err(e) => prop_assert!(known(&e), "{}", e.code()),
        }
    }

    #[test]
    fn base_and_back_pay_files_never_panic(bytes in prop_oneof![
        csv_with("身份证号,月平均工资"),
        csv_with("姓名,身份证号,月工资"),
        any_bytes(),
    ]) {
        checked(parse_base_file(&bytes))?;
        checked(parse_back_pay_file(&bytes))?;
    }

    #[test]
    fn bank_and_call_files_never_panic(bytes in any_bytes()) {
        checked(parse_reconciliation_file(&bytes))?;
        checked(parse_movements_csv(&bytes))?;
        checked(parse_cdr(&bytes))?;
    }

    #[test]
    fn signed_documents_never_panic(text in "\\PC{0,600}") {
        // A pasted certificate file: read as far as it goes, never a panic.
        let _ = CertificateFile::parse(&text).serial();
        checked(Checkpoint::parse(&text))?;
        checked(Frontier::decode(&text))?;
    }

    #[test]
    fn a_policy_with_one_line_mangled_is_refused_or_read(
        line in 0usize..SUZHOU.lines().count(),
        junk in "\\PC{0,30}",
    ) {
        let mangled: Vec<String> = SUZHOU
            .lines()
            .enumerate()
            .map(|(i, l)| if i == line { junk.clone() } else { l.to_string() })
            .collect();
        // Refused with a message naming the file, or read: either is fine.
        let _ = parse_policy("suzhou.toml", &mangled.join("\n"));
    }
}
