//! Every field's refusal at once: a form is checked field by field, each
//! message shown beside its field and listed in a summary that links to it
//! (for screen readers and long forms), instead of stopping at the first.

use anju_domain::access::{SignupFields, check_signup_fields};
use anju_domain::{DomainError, DomainResult};
use serde::Deserialize;

/// One refused field: the input's id and the refusal (its message is
/// what the page shows).
pub struct FieldError {
    pub field: &'static str,
    pub error: DomainError,
}

#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// From checks that name their fields (e.g. the sign-up fields).
    pub fn of_refusals(refusals: Vec<(&'static str, DomainError)>) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for (field, e) in refusals {
            errors.note(field, &e);
        }
        errors
    }

    /// The value, or `None` with the refusal noted against `field`.
    pub fn take<T>(&mut self, field: &'static str, result: DomainResult<T>) -> Option<T> {
        result.map_err(|e| self.note(field, &e)).ok()
    }

    fn note(&mut self, field: &'static str, e: &DomainError) {
        self.0.push(FieldError {
            field,
            error: e.clone(),
        });
    }

    /// One refusal for callers that show a single line (a fragment, the
    /// API): the first field's code with every message joined.
    pub fn joined(&self) -> Option<DomainError> {
        let first = self.0.first()?;
        let messages: Vec<&str> = self.0.iter().map(|e| e.error.message()).collect();
        Some(DomainError::new(first.error.code(), messages.join("；")))
    }

    /// What is wrong with `field`, for the message beside it.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.error.message())
    }

    /// Drops `field`'s refusal (a check that turns out not to apply).
    pub fn forget(&mut self, field: &str) {
        self.0.retain(|e| e.field != field);
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

/// The four fields every sign-up form has (个人注册, 灵活就业开户,
/// 异地贷款开户); the longer forms flatten it into theirs.
#[derive(Debug, Default, Deserialize)]
pub struct SignupInput {
    pub id_card: String,
    pub name: String,
    pub mobile: String,
    pub password: String,
}

impl SignupInput {
    /// The fields to show again on a refused form: never the password.
    pub fn without_password(&self) -> SignupInput {
        SignupInput {
            password: String::new(),
            id_card: self.id_card.clone(),
            name: self.name.clone(),
            mobile: self.mobile.clone(),
        }
    }

    /// The four checked together under the security rules in force.
    pub fn errors(&self, state: &crate::state::WebState) -> FieldErrors {
        let Ok(rules) = state.app.policy().security.at(state.today()) else {
            // No rules in force: the use case refuses with the reason.
            return FieldErrors::default();
        };
        let fields = SignupFields {
            id_card: &self.id_card,
            name: &self.name,
            mobile: &self.mobile,
            password: &self.password,
        };
        FieldErrors::of_refusals(check_signup_fields(fields, rules.value))
    }
}

/// What a page says above its form: a notice, a refusal of the whole
/// request (`E`: the page's way of showing one), or the refused fields.
pub struct Said<E> {
    pub notice: Option<String>,
    pub error: Option<E>,
    pub errors: FieldErrors,
}

impl<E> Default for Said<E> {
    fn default() -> Self {
        Said {
            notice: None,
            error: None,
            errors: FieldErrors::default(),
        }
    }
}

impl<E> Said<E> {
    pub fn notice(text: String) -> Self {
        Said {
            notice: Some(text),
            ..Said::default()
        }
    }

    pub fn error(error: E) -> Self {
        Said {
            error: Some(error),
            ..Said::default()
        }
    }

    pub fn fields(errors: FieldErrors) -> Self {
        Said {
            errors,
            ..Said::default()
        }
    }
}
