//! Strict decoding of the encodings bundles use: base64, decimal int64 strings, PEM. Times
//! (RFC 3339) are in `time`, DER in `der`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::error::Error;

/// Standard base64 with canonical padding and no stray bits (the protobuf JSON mapping of
/// `bytes`). Anything else is rejected: a lenient decoder is a second, unsigned encoding.
pub(crate) fn b64(field: &str, s: &str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(s).map_err(|e| Error::InvalidEncoding {
        field: field.to_owned(),
        reason: format!("not strict standard base64: {e}"),
    })
}

/// Encodes bytes as standard padded base64.
pub(crate) fn to_b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// A protobuf-JSON int64 field as read from a bundle: scalars are kept as they are; an array or
/// an object is skipped without being built (kept as an empty one of its kind, for the error
/// message), so that an integer field cannot be made to hold a large JSON tree.
pub(crate) struct JsonInt(pub(crate) serde_json::Value);

impl<'de> serde::Deserialize<'de> for JsonInt {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        use serde_json::Value;
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonInt;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or a decimal string")
            }
            fn visit_bool<E>(self, v: bool) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::Bool(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::from(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::String(v.to_owned())))
            }
            fn visit_unit<E>(self) -> Result<JsonInt, E> {
                Ok(JsonInt(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonInt, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(JsonInt(Value::Array(Vec::new())))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonInt, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(JsonInt(Value::Object(serde_json::Map::new())))
            }
        }
        d.deserialize_any(V)
    }
}

/// A protobuf int64 in JSON: a decimal string (or, leniently as protobuf allows, a number).
/// Sigstore's log indexes and times are never negative, so negative values are rejected here.
pub(crate) fn non_negative_int(field: &str, v: &serde_json::Value) -> Result<u64, Error> {
    let parsed = match v {
        serde_json::Value::String(s) => {
            if s.is_empty()
                || s.len() > 20
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                None
            } else {
                s.parse::<u64>().ok()
            }
        }
        serde_json::Value::Number(n) => n.as_u64(),
        _ => None,
    };
    match parsed {
        Some(n) if n <= i64::MAX as u64 => Ok(n),
        _ => Err(Error::InvalidBundle {
            field: field.to_owned(),
            reason: format!("expected a non-negative int64 (decimal string), found {v}"),
        }),
    }
}

/// Decodes a single PEM block (RFC 7468 strict-ish: one block, base64 lines, matching labels).
/// Returns the label and the DER bytes.
pub(crate) fn pem(field: &str, text: &str) -> Result<(String, Vec<u8>), Error> {
    let (label, body) = pem_parts(field, text)?;
    let joined: String = body.split_whitespace().collect();
    let der = b64(field, &joined)?;
    Ok((label.to_owned(), der))
}

/// A PEM block's label and its (still base64, with line breaks) body.
pub(crate) fn pem_parts<'t>(field: &str, text: &'t str) -> Result<(&'t str, &'t str), Error> {
    let bad = |r: &str| Error::InvalidEncoding {
        field: field.to_owned(),
        reason: format!("not a PEM block: {r}"),
    };
    let text = text.trim();
    let first = text.lines().next().ok_or_else(|| bad("empty"))?;
    let label = first
        .strip_prefix("-----BEGIN ")
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or_else(|| bad("no BEGIN line"))?;
    let body = text
        .strip_prefix(first)
        .and_then(|t| t.strip_suffix("-----"))
        .and_then(|t| t.strip_suffix(label))
        .and_then(|t| t.strip_suffix("-----END "))
        .ok_or_else(|| bad("no matching END line"))?;
    Ok((label, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_strict() {
        assert_eq!(b64("f", "aGk=").unwrap(), b"hi");
        assert!(b64("f", "aGk").is_err());
        assert!(b64("f", "aGl=").is_err()); // non-zero trailing bits
        assert!(b64("f", "INVALID!!!BASE64!!!ENCODING====").is_err());
        assert!(b64("f", "aG k=").is_err());
    }

    #[test]
    fn int64_strings() {
        let ok = |s: &str| non_negative_int("f", &serde_json::Value::String(s.into()));
        assert_eq!(ok("0").unwrap(), 0);
        assert_eq!(ok("79571823").unwrap(), 79_571_823);
        assert!(ok("-1").is_err());
        assert!(ok("01").is_err());
        assert!(ok("1e3").is_err());
        assert!(ok("9223372036854775808").is_err());
        assert!(non_negative_int("f", &serde_json::json!(-1)).is_err());
        assert!(non_negative_int("f", &serde_json::json!(1.5)).is_err());
        assert!(non_negative_int("f", &serde_json::json!(null)).is_err());
    }
}
