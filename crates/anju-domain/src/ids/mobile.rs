//! Mainland mobile numbers: 11 digits, `1` then 3–9.

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobileNo(String);

impl MobileNo {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let bytes = text.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid {
            Ok(MobileNo(text.to_string()))
        } else {
            Err(DomainError::new(
                "MOBILE_FORMAT",
                "手机号码应为以1开头的11位数字",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`.
    pub fn masked(&self) -> String {
        super::mask(&self.0, 3, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses() {
        assert_eq!(
            MobileNo::parse("13812345678").map(|m| m.masked()),
            Ok("138****5678".to_string())
        );
        for bad in [
            "",
            "1381234567",
            "138123456789",
            "12812345678",
            "23812345678",
            "1381234567a",
        ] {
            assert_eq!(
                MobileNo::parse(bad).map_err(|e| e.code()),
                Err("MOBILE_FORMAT"),
                "{bad}"
            );
        }
    }
}
