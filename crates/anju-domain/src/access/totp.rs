//! TOTP (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits): the staff second
//! factor, compatible with common authenticator apps. Secrets travel as RFC 4648
//! base32.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS_MODULUS: u32 = 1_000_000;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The 6-digit code for the step containing `unix_seconds`.
pub fn totp_code(secret: &[u8], unix_seconds: i64) -> String {
    let counter = unix_seconds.div_euclid(STEP_SECONDS);
    format!("{:06}", hotp(secret, counter as u64))
}

/// Accepts the current step and one step either side (clock drift).
pub fn totp_matches(secret: &[u8], unix_seconds: i64, code: &str) -> bool {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    [-STEP_SECONDS, 0, STEP_SECONDS]
        .iter()
        .any(|offset| totp_code(secret, unix_seconds + offset) == code)
}

/// RFC 4226 HOTP with dynamic truncation.
fn hotp(secret: &[u8], counter: u64) -> u32 {
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(secret) else {
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    value % DIGITS_MODULUS
}

pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = BASE32.iter().position(|b| *b == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (secret "12345678901234567890"; the RFC
    /// prints 8 digits, the 6-digit code is their last six).
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(totp_code(secret, 59), "287082");
        assert_eq!(totp_code(secret, 1_111_111_109), "081804");
        assert_eq!(totp_code(secret, 1_234_567_890), "005924");
        assert_eq!(totp_code(secret, 2_000_000_000), "279037");
    }

    #[test]
    fn window_and_format() {
        let secret = b"12345678901234567890";
        assert!(totp_matches(secret, 59 + 30, "287082"));
        assert!(!totp_matches(secret, 59 + 90, "287082"));
        assert!(!totp_matches(secret, 59, "28708"));
        assert!(!totp_matches(secret, 59, "28708a"));
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(
            base32_encode(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        for bytes in [&b""[..], b"a", b"ab", b"abcde", b"\x00\xff\x10"] {
            assert_eq!(base32_decode(&base32_encode(bytes)).as_deref(), Some(bytes));
        }
        assert_eq!(base32_decode("gezdgnbv").map(|b| b.len()), Some(5));
        assert!(base32_decode("1!").is_none());
    }
}
