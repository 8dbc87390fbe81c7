//! Strict decoding of the encodings bundles use: base64, hex, decimal int64 strings, RFC 3339.

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

/// Seconds since the Unix epoch for a civil date (proleptic Gregorian, UTC).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds for a UTC civil time; `None` when a field is out of range.
pub(crate) fn unix_from_civil(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mdays = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let max_day = *mdays.get(usize::try_from(mo - 1).ok()?)?;
    if !(1..=max_day).contains(&d) || !(0..24).contains(&h) || !(0..60).contains(&mi) {
        return None;
    }
    // Leap seconds (60) are clamped onto the next second's boundary.
    if !(0..=60).contains(&s) {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// How to round a timestamp with a fractional second to whole seconds.
#[derive(Clone, Copy)]
pub(crate) enum Round {
    /// Round up (for the start of a window: never widen it).
    Up,
    /// Round down (for the end of a window: never widen it).
    Down,
}

/// Parses an RFC 3339 timestamp (`2021-03-07T03:20:29Z`, optional fraction, `Z` or `±hh:mm`).
pub(crate) fn rfc3339(field: &str, s: &str, round: Round) -> Result<i64, Error> {
    let bad = || Error::InvalidEncoding {
        field: field.to_owned(),
        reason: format!("not an RFC 3339 timestamp: {s:?}"),
    };
    let b = s.as_bytes();
    if b.len() < 20 || b.len() > 40 {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, Error> {
        let part = b.get(r).ok_or_else(bad)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        std::str::from_utf8(part)
            .ok()
            .and_then(|p| p.parse::<i64>().ok())
            .ok_or_else(bad)
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
        return Err(bad());
    }
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut i = 19;
    let mut has_fraction = false;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if b.get(i) != Some(&b'0') {
                has_fraction = true;
            }
            i += 1;
        }
        if i == start {
            return Err(bad());
        }
    }
    let offset = match b.get(i) {
        Some(b'Z') | Some(b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && sep(i + 3, b":") => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return Err(bad()),
    };
    let t = unix_from_civil(y, mo, d, h, mi, sec).ok_or_else(bad)? - offset;
    Ok(match round {
        Round::Up if has_fraction => t + 1,
        _ => t,
    })
}

/// Parses an RFC 3339 time (`2025-01-01T00:00:00Z`) to Unix seconds.
pub fn parse_time(s: &str) -> Result<i64, Error> {
    rfc3339("time", s, Round::Down)
}

/// Formats Unix seconds as RFC 3339 UTC (`2024-03-19T17:26:26Z`).
pub fn format_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
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
    fn rfc3339_parses_and_round_trips() {
        let t = rfc3339("t", "2021-03-07T03:20:29Z", Round::Down).unwrap();
        assert_eq!(t, 1_615_087_229);
        assert_eq!(format_time(t), "2021-03-07T03:20:29Z");
        assert_eq!(
            rfc3339("t", "2022-12-31T23:59:59.999Z", Round::Down).unwrap(),
            rfc3339("t", "2022-12-31T23:59:59Z", Round::Down).unwrap()
        );
        assert_eq!(
            rfc3339("t", "2022-12-31T23:59:59.5Z", Round::Up).unwrap(),
            rfc3339("t", "2023-01-01T00:00:00Z", Round::Down).unwrap()
        );
        assert_eq!(
            rfc3339("t", "2021-03-07T05:20:29+02:00", Round::Down).unwrap(),
            1_615_087_229
        );
    }

    #[test]
    fn rfc3339_rejects_garbage() {
        for s in [
            "",
            "2021-03-07",
            "2021-13-07T03:20:29Z",
            "2021-02-30T03:20:29Z",
            "2021-03-07T03:20:29",
            "2021-03-07 03:20:29Z",
            "2021-03-07T03:20:29.Z",
            "２021-03-07T03:20:29Z",
        ] {
            assert!(rfc3339("t", s, Round::Down).is_err(), "{s}");
        }
    }

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
