//! npm attestations response (`/-/npm/v1/attestations/NAME@VERSION`): parsing and verification
//! of every attestation (keyless provenance, registry-key publish attestation), for the package
//! and sha512 the first statement names.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sigverify::ecosystems::npm;
use sigverify_fuzz::{fixture, NOW_REAL};
use std::sync::OnceLock;

fn keys() -> &'static npm::RegistryKeys {
    static K: OnceLock<npm::RegistryKeys> = OnceLock::new();
    K.get_or_init(|| npm::RegistryKeys::embedded().expect("embedded npm keys"))
}

/// `NAME@VERSION` and sha512 from the first attestation's statement, else placeholders.
fn subject(data: &[u8]) -> (String, Vec<u8>) {
    let fallback = ("sigstore@1.0.0".to_owned(), vec![0u8; 64]);
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return fallback;
    };
    let Some(payload) = v
        .pointer("/attestations/0/bundle/dsseEnvelope/payload")
        .and_then(Value::as_str)
    else {
        return fallback;
    };
    use base64::Engine;
    let Ok(st) = base64::engine::general_purpose::STANDARD.decode(payload) else {
        return fallback;
    };
    let Ok(st) = serde_json::from_slice::<Value>(&st) else {
        return fallback;
    };
    let name = st
        .pointer("/subject/0/name")
        .and_then(Value::as_str)
        .and_then(|n| n.strip_prefix("pkg:npm/"))
        .map(|n| n.replace("%40", "@"));
    let sha = st
        .pointer("/subject/0/digest/sha512")
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok());
    (name.unwrap_or(fallback.0), sha.unwrap_or(fallback.1))
}

fuzz_target!(|data: &[u8]| {
    let _ = npm::parse_response(data);
    let f = fixture();
    let (package, sha) = subject(data);
    for repo in [None, Some("sigstore/sigstore-js")] {
        let _ = npm::verify(&f.public_good, keys(), data, &package, &sha, repo, NOW_REAL);
    }
});
