//! 公民身份号码 (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.

use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// An 18-character resident ID number with a valid check character and birth
/// date. Stored upper-case (`x` is accepted on input).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdCardNo(String);

impl IdCardNo {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let upper = text.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 18 {
            return Err(err("ID_LENGTH", "身份证号码应为18位"));
        }
        let body = &bytes[..17];
        if !body.iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(err("ID_CHARS", "身份证号码前17位应为数字，末位为数字或X"));
        }
        if body[0] == b'0' {
            return Err(err("ID_REGION", "身份证号码的地区码不正确"));
        }
        if check_char(body) != bytes[17] {
            return Err(err("ID_CHECKSUM", "身份证号码校验位错误"));
        }
        birth_date_of(&upper)?;
        Ok(IdCardNo(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number made from 17 digits plus their check character (for
    /// generated test and demo data).
    pub fn complete(body: &str) -> DomainResult<Self> {
        if body.len() != 17 || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("ID_LENGTH", "身份证号码前17位应为数字"));
        }
        let check = char::from(check_char(body.as_bytes()));
        IdCardNo::parse(&format!("{body}{check}"))
    }

    /// Date of birth from digits 7–14 (validated at parse).
    pub fn birth_date(&self) -> DomainResult<Date> {
        birth_date_of(&self.0)
    }

    /// Digit 17 is odd for men and even for women.
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16] % 2 == 1
    }

    /// `3205**********123X`-style: region prefix and last four kept.
    pub fn masked(&self) -> String {
        super::mask(&self.0, 4, 4)
    }
}

/// The MOD 11-2 check character for 17 digits.
pub(crate) fn check_char(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn birth_date_of(id: &str) -> DomainResult<Date> {
    let digits = &id[6..14];
    let text = format!("{}-{}-{}", &digits[0..4], &digits[4..6], &digits[6..8]);
    Date::parse(&text).map_err(|_| err("ID_BIRTH_DATE", "身份证号码中的出生日期无效"))
}

fn err(code: &'static str, message: &str) -> DomainError {
    DomainError::new(code, message)
}

impl fmt::Display for IdCardNo {
    /// Displays masked: a full number is only ever shown through `as_str`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_numbers() {
        // A published example (female, born 1949-12-31) and one whose check
        // character was computed by hand: Σ dᵢ·wᵢ mod 11 = 1 → '0'.
        let id = IdCardNo::parse("11010519491231002x").expect("lower-case x");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(!id.is_male());
        assert_eq!(
            id.birth_date().map(|d| d.to_string()),
            Ok("1949-12-31".to_string())
        );
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.to_string(), "1101**********002X");
        assert!(IdCardNo::parse("320502199003071230").is_ok());
        assert_eq!(check_char(b"32050219900307123"), b'0');
    }

    #[test]
    fn completes_a_body_with_its_check_character() {
        assert_eq!(
            IdCardNo::complete("32050219900307123").map(|i| i.as_str().to_string()),
            Ok("320502199003071230".to_string())
        );
        assert!(IdCardNo::complete("3205021990030712").is_err());
    }

    #[test]
    fn birth_dates_before_1900_are_refused() {
        // Valid MOD 11-2 check character, but an 1880 birth date.
        assert_eq!(
            IdCardNo::parse("440524188001010014").map_err(|e| e.code()),
            Err("ID_BIRTH_DATE")
        );
    }

    #[test]
    fn every_single_character_change_is_refused() {
        let valid = "11010519491231002X";
        let alphabet = b"0123456789X";
        for pos in 0..18 {
            for &c in alphabet {
                let mut bytes = valid.as_bytes().to_vec();
                if bytes[pos] == c {
                    continue;
                }
                bytes[pos] = c;
                let changed = String::from_utf8(bytes).expect("ascii");
                assert!(IdCardNo::parse(&changed).is_err(), "{changed} accepted");
            }
        }
    }

    #[test]
    fn refusals_name_the_problem() {
        let code = |t: &str| IdCardNo::parse(t).map_err(|e| e.code()).err();
        assert_eq!(code("11010519491231002"), Some("ID_LENGTH"));
        assert_eq!(code("1101051949123100XX"), Some("ID_CHARS"));
        assert_eq!(code("110105194912310021"), Some("ID_CHECKSUM"));
        assert_eq!(code("011010519491231002"), Some("ID_REGION"));
        // Valid checksum but 1949-02-30 is no date.
        let body = b"11010519490230002";
        let bad_birth = format!("11010519490230002{}", check_char(body) as char);
        assert_eq!(code(&bad_birth), Some("ID_BIRTH_DATE"));
        assert_eq!(code("１１010519491231002X"), Some("ID_LENGTH"));
    }
}
