//! The canonical form: the bytes that are signed. It is the JSON Canonicalization Scheme
//! (RFC 8785) for the values a certificate holds — objects, strings and integers:
//!
//! - no whitespace anywhere;
//! - object members sorted by their names' UTF-16 code units;
//! - strings in UTF-8 with only `"` `\` and U+0000–U+001F escaped: `\b` `\t` `\n` `\f` `\r`
//!   for those five, `\u00xx` (lower-case hex) for the other controls; everything else,
//!   non-ASCII included, as is;
//! - integers in decimal without sign, leading zeros or exponent, at most 2^53 − 1.
//!
//! Fractions, negative numbers, booleans and `null` never occur in a certificate and are
//! refused, so that any RFC 8785 implementation yields the same bytes.

use std::fmt::Write as _;

use serde_json::Value;

use crate::model::MAX_COUNT;

/// A value the canonical form does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not in the canonical form's domain: {0}")]
pub struct CanonicalError(pub String);

/// The canonical bytes of a JSON value.
pub fn to_canonical(v: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = String::new();
    write_value(v, &mut out)?;
    Ok(out.into_bytes())
}

fn write_value(v: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match v {
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out)?;
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(v, out)?;
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        Value::Number(n) => match n.as_u64() {
            Some(u) if u <= MAX_COUNT => {
                let _ = write!(out, "{u}");
            }
            _ => return Err(CanonicalError(format!("the number {n} (only integers 0 to {MAX_COUNT})"))),
        },
        Value::Bool(b) => return Err(CanonicalError(format!("the boolean {b}"))),
        Value::Null => return Err(CanonicalError("null".into())),
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(v: Value) -> String {
        String::from_utf8(to_canonical(&v).expect("canonical")).expect("utf-8")
    }

    #[test]
    fn members_are_sorted_and_whitespace_dropped() {
        assert_eq!(canon(json!({"b": 1, "a": {"d": [1, 2], "c": "x"}})), r#"{"a":{"c":"x","d":[1,2]},"b":1}"#);
    }

    #[test]
    fn strings_escape_as_rfc_8785_says() {
        // RFC 8785 §3.2.2.2's example string, less its lone surrogate (Rust strings hold none).
        let s = "\u{20ac}$\u{f}\nA'B\"\\\\\"/";
        assert_eq!(canon(Value::String(s.into())), "\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
        assert_eq!(canon(Value::String("\u{8}\u{c}\r\t\u{1f}\u{7f}\u{2028}日本".into())), "\"\\b\\f\\r\\t\\u001f\u{7f}\u{2028}日本\"");
    }

    #[test]
    fn names_sort_by_utf16_code_units() {
        // U+FF61 sorts after U+1F600 in UTF-8 but before it in UTF-16 (a surrogate pair
        // starts with 0xD83D < 0xFF61): RFC 8785 §3.2.3 orders by UTF-16.
        assert_eq!(canon(json!({"\u{ff61}": 1, "\u{1f600}": 2, "a": 3})), "{\"a\":3,\"\u{1f600}\":2,\"\u{ff61}\":1}");
    }

    #[test]
    fn only_integers_up_to_2_53_minus_1_are_held() {
        assert_eq!(canon(json!(MAX_COUNT)), "9007199254740991");
        for v in [json!(MAX_COUNT + 1), json!(-1), json!(1.5), json!(null), json!(true)] {
            assert!(to_canonical(&v).is_err(), "{v} accepted");
        }
    }
}
