//! Time: Unix seconds, the validity windows of the trusted root and of certificates, and the
//! two text forms times come in: RFC 3339 (JSON documents: trusted roots, TUF metadata, npm
//! keys; and what we print) and the ASN.1 GeneralizedTime of RFC 3161 tokens. Certificate
//! validity (UTCTime or GeneralizedTime, RFC 5280 §4.1.2.5) is decoded by x509-cert.
//!
//! The core never reads the clock: the time to verify at is an argument.

use crate::error::Error;

/// A closed validity interval `[start, end]` in Unix seconds; no `end` means still valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: i64,
    pub(crate) end: Option<i64>,
}

impl Window {
    /// Is `t` within the window, both ends included?
    pub(crate) fn contains(&self, t: i64) -> bool {
        t >= self.start && self.end.is_none_or(|e| t <= e)
    }

    /// The intersection of two windows (used for certificate chains).
    pub(crate) fn intersect(&self, other: &Window) -> Window {
        Window {
            start: self.start.max(other.start),
            end: match (self.end, other.end) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.end {
            Some(e) => write!(f, "{}..{}", format_time(self.start), format_time(e)),
            None => write!(f, "{}..(open)", format_time(self.start)),
        }
    }
}

/// Days since the Unix epoch for a civil date (proleptic Gregorian, UTC).
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
fn unix_from_civil(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Option<i64> {
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

/// RFC 3161 §2.4.2 GeneralizedTime `YYYYMMDDhhmmss[.f*]Z` (the content octets), in Unix
/// seconds; fractions are truncated.
pub(crate) fn generalized_time(bytes: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(bytes).ok()?;
    let s = s.strip_suffix('Z')?;
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    if main.len() != 14 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        // DER: no trailing zeros, at least one digit.
        if f.is_empty() || f.ends_with('0') || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let n = |r: std::ops::Range<usize>| main.get(r).and_then(|x| x.parse::<i64>().ok());
    unix_from_civil(
        n(0..4)?,
        n(4..6)?,
        n(6..8)?,
        n(8..10)?,
        n(10..12)?,
        n(12..14)?,
    )
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
    fn generalized_time_forms() {
        assert_eq!(generalized_time(b"20230201000000Z"), Some(1_675_209_600));
        assert_eq!(generalized_time(b"20230201000000.5Z"), Some(1_675_209_600));
        assert_eq!(generalized_time(b"20230201000000.50Z"), None);
        assert_eq!(generalized_time(b"20230201000000"), None);
        assert_eq!(generalized_time(b"2023020100000Z"), None);
        assert_eq!(generalized_time(b"20231301000000Z"), None);
    }

    #[test]
    fn windows() {
        let w = Window {
            start: 1_615_087_229,
            end: Some(1_615_087_230),
        };
        assert!(
            w.contains(w.start) && w.contains(1_615_087_230),
            "closed at both ends"
        );
        assert!(!w.contains(w.start - 1) && !w.contains(1_615_087_231));
        assert_eq!(w.to_string(), "2021-03-07T03:20:29Z..2021-03-07T03:20:30Z");
        let open = Window {
            start: 0,
            end: None,
        };
        assert!(open.contains(i64::MAX));
        assert_eq!(open.to_string(), "1970-01-01T00:00:00Z..(open)");
        assert_eq!(open.intersect(&w), w);
    }
}
