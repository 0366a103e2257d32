//! Every field's refusal at once: a form is checked field by field, each
//! message shown beside its field and listed in a summary that links to it
//! (for screen readers and long forms), instead of stopping at the first.

use anju_domain::{DomainError, DomainResult};

/// One refused field: the input's id and what is wrong, in plain Chinese.
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// The value, or `None` with the refusal noted against `field`.
    pub fn take<T>(&mut self, field: &'static str, result: DomainResult<T>) -> Option<T> {
        result.map_err(|e| self.note(field, &e)).ok()
    }

    fn note(&mut self, field: &'static str, e: &DomainError) {
        self.0.push(FieldError {
            field,
            message: e.message().to_string(),
        });
    }

    /// What is wrong with `field`, for the message beside it.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
}
