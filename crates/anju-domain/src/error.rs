//! One error type for the whole domain: a stable machine code and a message in
//! Chinese for the person who typed the input. Codes are part of the API contract
//! (pages, JSON problem bodies and CLI exit reports show them), so never rename one.

use std::fmt;

/// A refused input or a broken rule. `code` is stable (e.g. `ID_CHECKSUM`);
/// `message` is Simplified Chinese, fit to show on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    code: &'static str,
    message: String,
}

impl DomainError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
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
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for DomainError {}

pub type DomainResult<T> = Result<T, DomainError>;
