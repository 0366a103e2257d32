//! One error type for the whole domain: a stable machine code and a message in
//! Chinese for the person who typed the input. Codes are part of the API contract
//! (pages, JSON problem bodies and CLI exit reports show them), so never rename one.
//!
//! Every code is listed once in [`CODES`] with its [`ErrorKind`]; the kind of an
//! error is read from that table, so the ~350 places that build errors only
//! name a code and the web layer never matches code strings to pick a status.

mod codes;

pub use codes::CODES;

use std::fmt;

/// What kind of refusal an error is: the one thing callers outside the domain
/// may branch on (the web layer turns it into an HTTP status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input or the request breaks a rule; asking again unchanged fails again.
    Invalid,
    /// The thing asked for does not exist (or not yet, e.g. a certificate).
    NotFound,
    /// Not signed in, or the sign-in was refused.
    Unauthenticated,
    /// Signed in, but this person or role may not do it (scope, role, maker-checker).
    Forbidden,
    /// It clashes with what is already there: exists, already decided, or changed
    /// since it was read (stale).
    Conflict,
    /// Something the system depends on cannot answer now (no policy in force,
    /// a bank's reply missing); trying later may succeed.
    Unavailable,
    /// The system's own data or setup is broken; not the user's doing.
    Internal,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 7] = [
        ErrorKind::Invalid,
        ErrorKind::NotFound,
        ErrorKind::Unauthenticated,
        ErrorKind::Forbidden,
        ErrorKind::Conflict,
        ErrorKind::Unavailable,
        ErrorKind::Internal,
    ];

    /// The name used in `docs/errors.md`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Internal => "internal",
        }
    }
}

/// One stable code: its kind and what it means, in a few Chinese words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeInfo {
    pub code: &'static str,
    pub kind: ErrorKind,
    pub summary_zh: &'static str,
}

/// The table row of a code, if the code is listed.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES
        .binary_search_by(|info| info.code.cmp(code))
        .ok()
        .map(|at| &CODES[at])
}

/// A refused input or a broken rule. `code` is stable (e.g. `ID_CHECKSUM`);
/// `message` is Simplified Chinese, fit to show on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    code: &'static str,
    message: String,
}

impl DomainError {
    /// `code` must be listed in [`CODES`]: a test scans the sources for every
    /// literal given here, and debug builds check each error made.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            code_info(code).is_some(),
            "error code {code} is not in CODES"
        );
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The kind from the table. An unlisted code (only possible in a release
    /// build, since debug builds refuse to make one) counts as `Invalid`, the
    /// answer most refusals get.
    pub fn kind(&self) -> ErrorKind {
        code_info(self.code).map_or(ErrorKind::Invalid, |info| info.kind)
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for DomainError {}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_duplicates() {
        for pair in CODES.windows(2) {
            assert!(
                pair[0].code < pair[1].code,
                "{} must come before {} (sorted, once each)",
                pair[0].code,
                pair[1].code
            );
        }
    }

    #[test]
    fn every_row_is_a_code_with_a_summary() {
        for info in CODES {
            let shape = info
                .code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            assert!(shape, "{} is not an UPPER_SNAKE code", info.code);
            assert!(
                !info.summary_zh.trim().is_empty(),
                "{} has no summary",
                info.code
            );
        }
    }

    #[test]
    fn the_kind_comes_from_the_table() {
        let kind = |code| DomainError::new(code, "-").kind();
        assert_eq!(kind("ID_CHECKSUM"), ErrorKind::Invalid);
        assert_eq!(kind("LOAN_NOT_FOUND"), ErrorKind::NotFound);
        assert_eq!(kind("MAKER_CHECKER_SELF"), ErrorKind::Forbidden);
        assert_eq!(kind("TASK_DECIDED"), ErrorKind::Conflict);
        assert_eq!(kind("POLICY_NOT_IN_FORCE"), ErrorKind::Unavailable);
        assert_eq!(kind("TASK_CORRUPT"), ErrorKind::Internal);
    }

    #[test]
    fn not_found_codes_are_not_found() {
        for info in CODES.iter().filter(|i| i.code.ends_with("_NOT_FOUND")) {
            assert_eq!(info.kind, ErrorKind::NotFound, "{}", info.code);
        }
    }
}
