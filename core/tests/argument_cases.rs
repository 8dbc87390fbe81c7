//! The table of argument cases (`tests/argument-cases.json`) that the C, Python and Node suites
//! run, each through its own face (`tests/c/test_argument_cases.c`,
//! `bindings-python/tests/test_argument_cases.py`, `bindings-node/test/argument-cases.test.js`).
//! Here, the table itself: its `limits` are the core's (an oversized case must be one byte over
//! the real limit, not over a stale copy of it), every code is one a face can give, every call is
//! one the runners know, and every `not_in` has a reason.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use serde_json::Value;
use sigverify::limits::{self, Document};

fn table() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/argument-cases.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn limits_are_the_cores() {
    let t = table();
    let expected = [
        ("bundle", Document::Bundle.max_bytes()),
        ("trusted_root", Document::TrustedRoot.max_bytes()),
        ("policy", Document::Policy.max_bytes()),
        ("public_key", Document::PublicKey.max_bytes()),
        ("ecosystem", Document::Ecosystem.max_bytes()),
        ("npm_keys", Document::NpmKeys.max_bytes()),
        ("tuf_root", Document::TufRoot.max_bytes()),
        ("tuf_state", Document::TufState.max_bytes()),
        ("threshold", limits::MAX_THRESHOLD),
    ];
    let stated = t["limits"].as_object().expect("limits");
    for (name, value) in expected {
        assert_eq!(
            stated.get(name).and_then(Value::as_u64),
            Some(value as u64),
            "limits.{name} must be the core's"
        );
    }
    let known: BTreeSet<&str> = expected.iter().map(|(n, _)| *n).collect();
    for name in stated.keys() {
        assert!(
            known.contains(name.as_str()),
            "limits.{name} is not checked against the core"
        );
    }
}

#[test]
fn cases_are_well_formed() {
    // The core's codes (`Error::code`) and the bindings' own `invalid-argument`.
    let codes: BTreeSet<&str> = [
        "invalid-json",
        "unsupported-media-type",
        "invalid-bundle",
        "invalid-encoding",
        "invalid-certificate",
        "invalid-trusted-root",
        "limit-exceeded",
        "invalid-artifact",
        "artifact-mismatch",
        "signature-invalid",
        "certificate-chain",
        "time-outside-validity",
        "certificate-transparency",
        "timestamp",
        "verified-time",
        "transparency-log",
        "statement",
        "policy-mismatch",
        "unsupported-algorithm",
        "invalid-policy",
        "invalid-options",
        "tuf",
        "invalid-argument",
    ]
    .into();
    let calls: BTreeSet<&str> = [
        "trusted_root.from_json",
        "policy.identity",
        "policy.from_json",
        "policy.key",
        "policy.github",
        "verifier.new",
        "verify",
        "pypi.verify_attestation",
        "pypi.verify_provenance",
        "npm.verify",
        "npm.keys_from_json",
        "github.verify",
        "github.verify_release",
        "tuf.update",
        "model.verify",
        "conda.verify",
        "bcr.verify",
    ]
    .into();
    let t = table();
    let cases = t["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    let mut ids = BTreeSet::new();
    for c in cases {
        let id = c["id"].as_str().expect("every case has an id");
        assert!(ids.insert(id), "{id}: the id is not unique");
        for key in c.as_object().expect("a case is an object").keys() {
            assert!(
                ["id", "about", "call", "args", "code", "not_in"].contains(&key.as_str()),
                "{id}: unknown field {key}"
            );
        }
        assert!(
            c["about"].as_str().is_some_and(|a| !a.trim().is_empty()),
            "{id}: about says what is wrong"
        );
        let call = c["call"].as_str().unwrap_or_default();
        assert!(calls.contains(call), "{id}: unknown call {call:?}");
        assert!(c["args"].is_object(), "{id}: args is an object");
        let code = c["code"].as_str().unwrap_or_default();
        assert!(codes.contains(code), "{id}: unknown code {code:?}");
        if let Some(not_in) = c.get("not_in") {
            let not_in = not_in.as_object().expect("not_in is an object");
            assert!(not_in.len() < 3, "{id}: a case in no face at all");
            for (face, reason) in not_in {
                assert!(
                    ["c", "python", "node"].contains(&face.as_str()),
                    "{id}: unknown face {face}"
                );
                assert!(
                    reason.as_str().is_some_and(|r| !r.trim().is_empty()),
                    "{id}: not_in.{face} needs a reason"
                );
            }
        }
        for value in c["args"].as_object().into_iter().flat_map(|a| a.values()) {
            if let Some(name) = value.as_str().and_then(|s| s.strip_prefix('$')) {
                assert!(t["values"].get(name).is_some(), "{id}: no value {name}");
            }
            if let Some(kind) = value.get("oversized").and_then(Value::as_str) {
                assert!(t["limits"].get(kind).is_some(), "{id}: no limit {kind}");
            }
        }
    }
}
