//! Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits) as
//! authenticator apps compute them, and the base32 secrets they are set up with.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per time step.
pub const STEP_SECS: u64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;

/// The code for `secret` at Unix time `unix_secs` with `digits` digits (RFC 4226 truncation).
pub fn code_at(secret: &[u8], unix_secs: u64, digits: u32) -> String {
    let counter = unix_secs / STEP_SECS;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let bin = (u32::from(hash[offset]) & 0x7f) << 24
        | u32::from(hash[offset + 1]) << 16
        | u32::from(hash[offset + 2]) << 8
        | u32::from(hash[offset + 3]);
    let value = bin % 10u32.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// Whether `code` is valid for `secret` at `unix_secs`, allowing one step of clock drift.
pub fn verify(secret: &[u8], code: &str, unix_secs: u64) -> bool {
    matched_step(secret, code, unix_secs).is_some()
}

/// The time step (`unix_secs / 30`) whose code `code` is, within one step of drift. A
/// provider that refuses steps at or before the last one it accepted makes every code
/// single-use (RFC 6238 §5.2).
pub fn matched_step(secret: &[u8], code: &str, unix_secs: u64) -> Option<u64> {
    let code = code.trim();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    [unix_secs.saturating_sub(STEP_SECS), unix_secs, unix_secs + STEP_SECS]
        .into_iter()
        .find(|&t| constant_time_eq(code_at(secret, t, DIGITS).as_bytes(), code.as_bytes()))
        .map(|t| t / STEP_SECS)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps take secrets.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decode base32 (case-insensitive, padding and spaces ignored); `None` on a bad character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = ALPHABET.iter().position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// A fresh 160-bit secret.
pub fn generate_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits, seed "12345678901234567890").
    #[test]
    fn rfc_6238_test_vectors() {
        let seed = b"12345678901234567890";
        for (t, want) in [
            (59u64, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
            (20000000000, "65353130"),
        ] {
            assert_eq!(code_at(seed, t, 8), want, "T = {t}");
        }
    }

    #[test]
    fn six_digit_codes_verify_with_one_step_of_drift() {
        let seed = b"12345678901234567890";
        let code = code_at(seed, 1111111109, 6);
        assert_eq!(code, "081804");
        assert!(verify(seed, &code, 1111111109));
        assert!(verify(seed, &code, 1111111109 + 30));
        assert!(!verify(seed, &code, 1111111109 + 90));
        assert!(!verify(seed, "12345", 1111111109));
    }

    #[test]
    fn base32_round_trips_rfc_4648_vectors() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        let s = generate_secret();
        assert_eq!(base32_decode(&base32_encode(&s)).unwrap(), s);
        assert!(base32_decode("not base32!").is_none());
    }
}
