//! Small encoding helpers shared by the other modules: SHA-256, base64, PEM, a canonical JSON
//! writer and a minimal DER TLV writer for the few structures no crate models for us.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Standard base64 with padding (the protobuf JSON mapping for `bytes`).
pub fn b64(data: impl AsRef<[u8]>) -> String {
    STANDARD.encode(data)
}

/// Decodes standard base64 (panics on bad input: test code only feeds it our own output).
pub fn unb64(data: &str) -> Vec<u8> {
    STANDARD.decode(data).expect("valid base64")
}

/// PEM-armours `der` with the given label, 64-column lines and a final newline, exactly as
/// OpenSSL / Python `cryptography` / Go write it.
pub fn pem(label: &str, der: &[u8]) -> String {
    let body = b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Canonical JSON: object keys sorted by code unit, no whitespace (RFC 8785 for the values we
/// produce: strings, integers, booleans, arrays, objects). Independent of serde_json's
/// `preserve_order` feature, which another workspace member might switch on.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`) for unix seconds.
pub fn rfc3339(unix: u64) -> String {
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix))
        .expect("time in range")
        .to_string()
}

/// DER: one TLV with a single-byte tag.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// DER SEQUENCE of already-encoded elements.
pub fn der_seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// Derives a positive, non-zero DER INTEGER content (for serial numbers) from a label.
pub fn serial_bytes(label: &str) -> Vec<u8> {
    let mut s = sha256(format!("sigverify-testkit/serial/{label}").as_bytes())[..16].to_vec();
    s[0] &= 0x7f;
    s[0] |= 0x01;
    s
}
