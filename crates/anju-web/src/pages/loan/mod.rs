//! 贷款 for members: their loans and where each stands, the application
//! form with the assessment (试算: eligibility, the caps and the one that
//! bound, the rate, the schedule) on request, and each loan's account —
//! summary, schedule, events, prepayment, the repayment card and, once
//! settled, the signed mortgage-release certificate. The account view is
//! shared with staff (`staff_loan.rs`).

mod account;
mod application;
mod remote_account;

pub use account::{
    AccountPage, CapRow, account_view, binding_name, caps_of, commercial_text, member_loan_account,
    member_loan_card, member_loan_certificate, member_loan_prepay, remote_text,
};
pub use application::{
    LoanForm, member_loan_apply, member_loan_check, member_loan_consent, member_loans,
};
pub use remote_account::{remote_account_form, remote_account_submit};

use anju_domain::{Date, DomainError, Fen, RatePpm};

/// A refusal as pages show it: the Chinese message, the code in small text.
pub struct Refusal {
    pub message: String,
    pub code: String,
}

impl Refusal {
    pub fn of(e: &DomainError) -> Refusal {
        Refusal {
            message: e.message().to_string(),
            code: e.code().to_string(),
        }
    }
}

fn form_error(message: String) -> DomainError {
    DomainError::new("FORM_INVALID", message)
}

/// A yuan amount; blank is `None`. The error names the field.
fn optional_yuan(text: &str, label: &str) -> Result<Option<Fen>, DomainError> {
    match text.trim() {
        "" => Ok(None),
        text => Fen::parse(text)
            .map(Some)
            .map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message()))),
    }
}

fn required_yuan(text: &str, label: &str) -> Result<Fen, DomainError> {
    optional_yuan(text, label)?.ok_or_else(|| form_error(format!("请填写{label}")))
}

/// A card number the bank will be asked to use, checked with its field's name.
fn card(text: &str, label: &str) -> Result<String, DomainError> {
    anju_domain::ids::BankCardNo::parse(text.trim())
        .map(|c| c.as_str().to_string())
        .map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message())))
}

pub fn rate_text(ppm: i64) -> String {
    RatePpm::new(ppm).map_or_else(|_| "-".to_string(), |r| r.to_string())
}

/// `89.50㎡` from hundredths of a square metre.
pub fn area_text(centi_m2: i64) -> String {
    format!("{}.{:02}㎡", centi_m2 / 100, centi_m2 % 100)
}

/// A business date typed on a form; blank is `today`.
pub fn business_date(text: &str, today: Date) -> Result<Date, DomainError> {
    match text.trim() {
        "" => Ok(today),
        text => Date::parse(text),
    }
}
