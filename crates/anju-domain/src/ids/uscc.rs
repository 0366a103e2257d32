//! 统一社会信用代码 (GB 32100-2015): 18 characters over a 31-symbol alphabet with a
//! MOD 31 check character. (Pages that describe "mod 11" are describing the old
//! 9-character organisation code inside it, not this check.)

use crate::error::{DomainError, DomainResult};
use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code with a valid check character.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let upper = text.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 18 {
            return Err(err("USCC_LENGTH", "统一社会信用代码应为18位"));
        }
        let mut values = [0u32; 18];
        for (slot, b) in values.iter_mut().zip(bytes) {
            *slot = value_of(*b).ok_or_else(|| {
                err(
                    "USCC_CHARS",
                    "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）",
                )
            })?;
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(err(
                "USCC_REGION",
                "统一社会信用代码第3至8位应为行政区划代码",
            ));
        }
        if check_value(&values[..17]) != values[17] {
            return Err(err("USCC_CHECKSUM", "统一社会信用代码校验位错误"));
        }
        Ok(Uscc(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative region code (characters 3–8).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

fn value_of(b: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == b)
        .and_then(|p| u32::try_from(p).ok())
}

/// `(31 − Σ vᵢ·wᵢ mod 31) mod 31`.
pub(crate) fn check_value(values: &[u32]) -> u32 {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31
}

/// The check character for a 17-character body over the alphabet; used by the
/// synthetic data generator to make valid codes.
pub fn uscc_check_char(body: &str) -> Option<char> {
    let values: Option<Vec<u32>> = body.bytes().map(value_of).collect();
    let values = values.filter(|v| v.len() == 17)?;
    Some(char::from(ALPHABET[check_value(&values) as usize]))
}

fn err(code: &'static str, message: &str) -> DomainError {
    DomainError::new(code, message)
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "91350100M000100Y43";

    #[test]
    fn known_codes() {
        assert!(Uscc::parse(VALID).is_ok());
        assert_eq!(
            Uscc::parse("91350100m000100y43").map(|u| u.as_str().to_string()),
            Ok(VALID.to_string())
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y4Z").map_err(|e| e.code()),
            Err("USCC_CHARS")
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y44").map_err(|e| e.code()),
            Err("USCC_CHECKSUM")
        );
        assert_eq!(uscc_check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(
            Uscc::parse(VALID).map(|u| u.region_code().to_string()),
            Ok("350100".to_string())
        );
    }

    #[test]
    fn every_single_character_change_is_refused() {
        for pos in 0..18 {
            for &c in ALPHABET.iter().chain(b"IOZSV") {
                let mut bytes = VALID.as_bytes().to_vec();
                if bytes[pos] == c {
                    continue;
                }
                bytes[pos] = c;
                let changed = String::from_utf8(bytes).expect("ascii");
                assert!(Uscc::parse(&changed).is_err(), "{changed} accepted");
            }
        }
    }

    #[test]
    fn generated_codes_validate() {
        for body in [
            "91320500MA1XYW123",
            "12320500466947163",
            "52320500MJ5678901",
        ] {
            let check = uscc_check_char(body).expect("alphabet");
            assert!(
                Uscc::parse(&format!("{body}{check}")).is_ok(),
                "{body}{check}"
            );
        }
        assert_eq!(
            Uscc::parse("91350100M000100Y4").map_err(|e| e.code()),
            Err("USCC_LENGTH")
        );
        assert_eq!(
            Uscc::parse("9135A100M000100Y43").map_err(|e| e.code()),
            Err("USCC_REGION")
        );
    }
}
