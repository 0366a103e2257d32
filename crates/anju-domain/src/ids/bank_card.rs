//! Bank card numbers (UnionPay and others): 12–19 digits with a Luhn check digit.

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BankCardNo(String);

impl BankCardNo {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let bytes = text.as_bytes();
        if !(12..=19).contains(&bytes.len()) || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(DomainError::new(
                "BANK_CARD_FORMAT",
                "银行卡号应为12至19位数字",
            ));
        }
        if !luhn_valid(bytes) {
            return Err(DomainError::new("BANK_CARD_CHECKSUM", "银行卡号校验位错误"));
        }
        Ok(BankCardNo(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `6222 **** 1234`-style without spaces: first six (the issuer) and last four.
    pub fn masked(&self) -> String {
        super::mask(&self.0, 6, 4)
    }
}

/// Luhn: from the right, double every second digit, subtract 9 when over 9.
fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        // 4111 1111 1111 1111 and 6222 0212 3456 7894 (check digit computed by hand).
        assert!(BankCardNo::parse("4111111111111111").is_ok());
        assert!(BankCardNo::parse("6222021234567894").is_ok());
        assert_eq!(
            BankCardNo::parse("6222021234567893").map_err(|e| e.code()),
            Err("BANK_CARD_CHECKSUM")
        );
        assert_eq!(
            BankCardNo::parse("62220212").map_err(|e| e.code()),
            Err("BANK_CARD_FORMAT")
        );
        assert_eq!(
            BankCardNo::parse("6222021234567894").map(|c| c.masked()),
            Ok("622202******7894".to_string())
        );
    }

    #[test]
    fn single_digit_changes_are_caught() {
        let valid = b"6222021234567894";
        for pos in 0..valid.len() {
            for c in b'0'..=b'9' {
                if valid[pos] == c {
                    continue;
                }
                let mut bytes = valid.to_vec();
                bytes[pos] = c;
                assert!(!luhn_valid(&bytes), "{}", String::from_utf8_lossy(&bytes));
            }
        }
    }
}
