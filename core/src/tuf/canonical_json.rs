//! Canonical JSON as TUF signs it: the OLPC form that securesystemslib and go-securesystemslib
//! (`cjson`) write.
//!
//! Object keys sorted by their UTF-8 bytes (the same order as Unicode code points), no
//! whitespace, strings with only `"` and `\` escaped (every other character, control characters
//! and non-ASCII included, written as its raw UTF-8 bytes), integers in decimal, and no floating
//! point numbers at all. Keys are sorted here explicitly: serde_json's map keeps insertion order
//! when any crate in the build enables its `preserve_order` feature.

use serde_json::Value;

/// The canonical bytes of `v`, or why it has none (a number that is not an integer).
pub(crate) fn encode(v: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    write(v, &mut out)?;
    Ok(out)
}

fn write(v: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.extend_from_slice(u.to_string().as_bytes());
            } else if let Some(i) = n.as_i64() {
                out.extend_from_slice(i.to_string().as_bytes());
            } else {
                return Err(format!(
                    "the number {n} is not an integer (canonical JSON has none)"
                ));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(k, out);
                out.push(b':');
                write(item, out)?;
            }
            out.push(b'}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        if b == b'"' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(json: &str) -> String {
        String::from_utf8(encode(&serde_json::from_str(json).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(r#"{ "b": 1, "a": [true, false, null, -3], "ab": {"z": "", "y": {}} }"#),
            r#"{"a":[true,false,null,-3],"ab":{"y":{},"z":""},"b":1}"#
        );
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        // A PEM key's newlines are written raw, as securesystemslib does.
        assert_eq!(
            canon(r#"{"k": "a\"b\\c\nd\te\u00e9\u0001"}"#),
            "{\"k\":\"a\\\"b\\\\c\nd\te\u{e9}\u{1}\"}"
        );
    }

    #[test]
    fn key_order_is_by_code_point() {
        // "é" (U+00E9) sorts after "z"; "Z" before "a".
        assert_eq!(
            canon(r#"{"é": 1, "z": 2, "a": 3, "Z": 4}"#),
            r#"{"Z":4,"a":3,"z":2,"é":1}"#
        );
    }

    #[test]
    fn refuses_floats() {
        assert!(encode(&serde_json::from_str("{\"a\": 1.5}").unwrap()).is_err());
        assert!(encode(&serde_json::from_str("[1e3]").unwrap()).is_err());
        assert_eq!(canon("18446744073709551615"), "18446744073709551615");
    }
}
