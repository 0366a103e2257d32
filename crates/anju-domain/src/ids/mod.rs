//! Identifiers people type: 身份证号, 统一社会信用代码, mobile numbers and bank
//! cards. Each is a newtype that only `parse` can build, so holding one proves it
//! passed its check. Masking for screens and logs lives here too, so that no
//! caller formats a full number by accident.

mod bank_card;
mod id_card;
mod mobile;
mod uscc;

pub use bank_card::BankCardNo;
pub use id_card::IdCardNo;
pub use mobile::MobileNo;
pub use uscc::{Uscc, uscc_check_char};

/// Keeps the first `head` and last `tail` characters, stars in between.
fn mask(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}
