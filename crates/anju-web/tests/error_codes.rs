//! The table of error codes is complete and its document current: every code
//! literal handed to an error constructor anywhere in the workspace is listed
//! (in `anju_domain::CODES`, or `anju_web::error::HTTP_CODES` for refusals of
//! the HTTP exchange), and `docs/errors.md` is the table rendered. Run with
//! `ANJU_BLESS=1` to rewrite the document after changing the table.

use anju_domain::{CODES, ErrorKind};
use anju_web::error::{HTTP_CODES, status_of};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Functions whose arguments include an error code: the domain's constructor,
/// the store's, and the small helpers around them.
const CONSTRUCTORS: &[&str] = &[
    "DomainError::new",
    "StoreError::rejected",
    "CommandOutcome::Refused",
    "refuse",
    "refusal",
    "http_refusal",
    "err",
    "bad",
    "file_error",
    "not_found",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_code(arg: &str) -> Option<&str> {
    let inner = arg.strip_prefix('"')?.strip_suffix('"')?;
    let shape = inner.len() >= 2
        && inner.starts_with(|c: char| c.is_ascii_uppercase())
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    shape.then_some(inner)
}

/// The top-level arguments of the call whose `(` ends right before `text`.
fn arguments(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let (mut args, mut current, mut depth, mut i) = (Vec::new(), String::new(), 0, 0);
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            current.push_str(&text[start..=i.min(bytes.len() - 1)]);
            i += 1;
            continue;
        }
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => break,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                args.push(std::mem::take(&mut current).trim().to_string());
                i += 1;
                continue;
            }
            _ => {}
        }
        current.push(char::from(c));
        i += 1;
    }
    args.push(current.trim().to_string());
    args
}

/// Every code literal given to a constructor, with where it was seen first.
fn codes_in_sources() -> BTreeMap<String, String> {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let mut found = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for name in CONSTRUCTORS {
            let call = format!("{name}(");
            for (at, _) in text.match_indices(&call) {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                for arg in arguments(&text[at + call.len()..]) {
                    if let Some(code) = is_code(&arg) {
                        let line = text[..at].lines().count();
                        let place = format!(
                            "{}:{line}",
                            file.strip_prefix(&root).unwrap_or(&file).display()
                        );
                        found.entry(code.to_string()).or_insert(place);
                    }
                }
            }
        }
    }
    found
}

/// The refusal codes of `coded_enum!` sets (the second string after the name).
fn coded_enum_codes(found: &mut BTreeMap<String, String>) {
    let root = workspace();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        for (at, _) in text.match_indices("pub enum ") {
            let rest = &text[at + "pub enum ".len()..];
            let name_len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let Some(args) = rest[name_len..].strip_prefix(" (") else {
                continue;
            };
            for arg in arguments(args) {
                if let Some(code) = is_code(&arg) {
                    let place = file.strip_prefix(&root).unwrap_or(&file).display();
                    found
                        .entry(code.to_string())
                        .or_insert_with(|| place.to_string());
                }
            }
        }
    }
}

#[test]
fn every_code_in_the_sources_is_in_the_table() {
    let mut found = codes_in_sources();
    coded_enum_codes(&mut found);
    assert!(
        found.contains_key("LOAN_STATUS_UNKNOWN"),
        "the coded sets were not scanned"
    );
    assert!(
        found.len() > 200,
        "the scan found only {} codes",
        found.len()
    );
    let listed = |code: &str| {
        CODES.iter().any(|c| c.code == code) || HTTP_CODES.iter().any(|c| c.code == code)
    };
    let missing: Vec<String> = found
        .iter()
        .filter(|(code, _)| !listed(code))
        .map(|(code, place)| format!("{code} ({place})"))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from anju_domain::CODES: {missing:?}"
    );
}

#[test]
fn http_codes_are_not_domain_codes() {
    for http in HTTP_CODES {
        assert!(
            CODES.iter().all(|c| c.code != http.code),
            "{} is in both tables",
            http.code
        );
    }
}

fn render() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         Generated from `anju_domain::error::CODES` and `anju_web::error::HTTP_CODES`\n\
         by `crates/anju-web/tests/error_codes.rs` (`ANJU_BLESS=1 cargo test -p anju-web\n\
         --test error_codes` rewrites it). Do not edit by hand.\n\n\
         Every refusal carries a stable `code` (never renamed) and a Chinese message.\n\
         The code's kind decides the HTTP status, for the JSON API\n\
         (`application/problem+json`) and the pages alike. Internal failures are\n\
         logged and shown only as `INTERNAL`.\n",
    );
    for kind in ErrorKind::ALL {
        let status = status_of(kind);
        let rows: Vec<_> = CODES.iter().filter(|c| c.kind == kind).collect();
        out.push_str(&format!(
            "\n## {} — HTTP {} ({} codes)\n\n| Code | 说明 |\n|---|---|\n",
            kind.name(),
            status.as_u16(),
            rows.len()
        ));
        for row in rows {
            out.push_str(&format!("| `{}` | {} |\n", row.code, row.summary_zh));
        }
    }
    out.push_str(
        "\n## HTTP exchange — refused before any use case\n\n\
         | Code | HTTP | 说明 |\n|---|---|---|\n",
    );
    for row in HTTP_CODES {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            row.code,
            row.status.as_u16(),
            row.summary_zh
        ));
    }
    out
}

#[test]
fn docs_errors_md_is_the_table_rendered() {
    let path = workspace().join("docs/errors.md");
    let rendered = render();
    if std::env::var_os("ANJU_BLESS").is_some() {
        std::fs::write(&path, &rendered).expect("write docs/errors.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/errors.md is out of date: run ANJU_BLESS=1 cargo test -p anju-web --test error_codes"
    );
}
