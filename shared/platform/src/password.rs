//! The password policy: the one definition the sign-in flow, the local identity provider and
//! the Cognito user pool (`infra/template.yaml`, checked by a test) all follow.
//!
//! At least [`MIN_LENGTH`] characters with an upper-case letter, a lower-case letter and a
//! symbol (the service's promise); none of the last [`HISTORY_SIZE`] passwords again where the
//! backend can check it.

use serde::Serialize;

/// Fewest characters a password may have.
pub const MIN_LENGTH: usize = 8;
/// Most characters a password may have (Cognito's own limit).
pub const MAX_LENGTH: usize = 256;
/// How many earlier passwords may not be used again.
pub const HISTORY_SIZE: usize = 5;
/// Days a temporary (invitation) password stays valid.
pub const TEMPORARY_PASSWORD_VALIDITY_DAYS: u32 = 7;

/// What the Cognito user pool must declare to agree with this policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CognitoPolicy {
    pub minimum_length: usize,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub password_history_size: usize,
    pub temporary_password_validity_days: u32,
}

/// The user pool settings this policy needs.
pub const COGNITO: CognitoPolicy = CognitoPolicy {
    minimum_length: MIN_LENGTH,
    require_uppercase: true,
    require_lowercase: true,
    require_symbols: true,
    require_numbers: false,
    password_history_size: HISTORY_SIZE,
    temporary_password_validity_days: TEMPORARY_PASSWORD_VALIDITY_DAYS,
};

/// One rule a password breaks, with the reason in Japanese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable code: `too_short`, `too_long`, `missing_uppercase`, `missing_lowercase`,
    /// `missing_symbol`, `reused`.
    pub code: &'static str,
    pub message_ja: &'static str,
    pub message_en: &'static str,
}

const TOO_SHORT: Violation = Violation {
    code: "too_short",
    message_ja: "パスワードは8文字以上にしてください。",
    message_en: "The password must have at least 8 characters.",
};
const TOO_LONG: Violation = Violation {
    code: "too_long",
    message_ja: "パスワードは256文字以下にしてください。",
    message_en: "The password must have at most 256 characters.",
};
const NO_UPPER: Violation = Violation {
    code: "missing_uppercase",
    message_ja: "英大文字を1文字以上含めてください。",
    message_en: "The password must contain an upper-case letter.",
};
const NO_LOWER: Violation = Violation {
    code: "missing_lowercase",
    message_ja: "英小文字を1文字以上含めてください。",
    message_en: "The password must contain a lower-case letter.",
};
const NO_SYMBOL: Violation = Violation {
    code: "missing_symbol",
    message_ja: "記号を1文字以上含めてください。",
    message_en: "The password must contain a symbol.",
};
/// The password is one of the last [`HISTORY_SIZE`] passwords.
pub const REUSED: Violation = Violation {
    code: "reused",
    message_ja: "最近使ったパスワードは再利用できません。",
    message_en: "The password must differ from the last 5 passwords.",
};

/// Symbols Cognito counts (the ASCII set `^$*.[]{}()?"!@#%&/\,><':;|_~`+=-` and space).
fn is_symbol(c: char) -> bool {
    c.is_ascii_punctuation() || c == ' '
}

/// Every rule `password` breaks; empty when it is acceptable.
pub fn check(password: &str) -> Vec<Violation> {
    let mut out = Vec::new();
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        out.push(TOO_SHORT);
    }
    if chars > MAX_LENGTH {
        out.push(TOO_LONG);
    }
    if !password.chars().any(|c| c.is_ascii_uppercase()) {
        out.push(NO_UPPER);
    }
    if !password.chars().any(|c| c.is_ascii_lowercase()) {
        out.push(NO_LOWER);
    }
    if !password.chars().any(is_symbol) {
        out.push(NO_SYMBOL);
    }
    out
}

/// The problem+json error for a refused password at `pointer`: one field error per rule,
/// each message in Japanese and English.
pub fn refusal(pointer: &str, violations: &[Violation]) -> crate::ApiError {
    let errors = violations
        .iter()
        .map(|v| crate::FieldError { message_ja: Some(v.message_ja.into()), ..crate::FieldError::body(pointer, v.code, v.message_en) })
        .collect();
    crate::ApiError::BadRequest {
        code: "weak_password",
        detail: "パスワードがポリシーを満たしていません。 / The password does not meet the policy.".into(),
        errors,
    }
}

/// Check `password` and turn violations into the API error for the field at `pointer`.
pub fn require(pointer: &str, password: &str) -> Result<(), crate::ApiError> {
    let v = check(password);
    if v.is_empty() {
        Ok(())
    } else {
        Err(refusal(pointer, &v))
    }
}

/// A random password that meets the policy (for invitations): 16 characters.
pub fn generate_temporary() -> String {
    use rand::seq::SliceRandom;
    use rand::Rng;
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@_";
    let mut rng = rand::rngs::OsRng;
    let mut pick = |set: &[u8]| set[rng.gen_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGIT), pick(SYMBOL)];
    let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
    while chars.len() < 16 {
        chars.push(pick(&all));
    }
    chars.shuffle(&mut rand::rngs::OsRng);
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(p: &str) -> Vec<&'static str> {
        check(p).into_iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_strong_password_passes() {
        assert!(check("Kyocho-2026").is_empty());
        assert!(check("Abcdefg!").is_empty());
    }

    #[test]
    fn each_missing_class_is_named() {
        assert_eq!(codes("Abc!"), ["too_short"]);
        assert_eq!(codes("abcdefg!"), ["missing_uppercase"]);
        assert_eq!(codes("ABCDEFG!"), ["missing_lowercase"]);
        assert_eq!(codes("Abcdefgh"), ["missing_symbol"]);
        assert_eq!(codes(""), ["too_short", "missing_uppercase", "missing_lowercase", "missing_symbol"]);
    }

    #[test]
    fn reasons_are_given_in_japanese_and_english() {
        for v in check("") {
            assert!(!v.message_ja.is_ascii(), "{}", v.code);
            assert!(v.message_en.is_ascii(), "{}", v.code);
        }
    }

    #[test]
    fn generated_temporary_passwords_meet_the_policy() {
        for _ in 0..200 {
            let p = generate_temporary();
            assert!(check(&p).is_empty(), "{p}");
        }
    }
}
