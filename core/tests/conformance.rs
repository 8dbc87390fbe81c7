//! Every sigstore-conformance verification case, through the library, with every compiled
//! crypto backend, in both forms (artifact bytes and `sha256:` digest).

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sigverify::{Artifact, Backend, Policy, TrustedRoot, Verifier, VerifierOptions};
use sigverify_testkit::vectors::{conformance_cases, conformance_exceptions, Case};

/// The verification time: the conformance vectors are verified "now" (no future times).
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn run(case: &Case, backend: Backend, digest_form: bool) -> Result<(), String> {
    let root = match &case.trusted_root {
        Some(p) => TrustedRoot::from_json(&std::fs::read(p).map_err(|e| e.to_string())?),
        None => TrustedRoot::public_good(),
    }
    .map_err(|e| e.to_string())?;
    let verifier = Verifier::with_options(&root, VerifierOptions::default(), backend)
        .map_err(|e| e.to_string())?;
    let policy = match &case.key {
        Some(k) => Policy::key_pem(&std::fs::read(k).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?,
        None => Policy::identity(&case.identity, &case.issuer).unwrap(),
    };
    let bytes = std::fs::read(&case.artifact).map_err(|e| e.to_string())?;
    let artifact = if digest_form {
        let d = backend.hash(sigverify::HashAlg::Sha256, &bytes);
        Artifact::parse_digest(&format!("sha256:{}", hex::encode(d))).map_err(|e| e.to_string())?
    } else {
        Artifact::Bytes(&bytes)
    };
    let bundle = std::fs::read(&case.bundle).map_err(|e| e.to_string())?;
    verifier
        .verify_json(&bundle, &artifact, &policy, now())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn conformance_suite() {
    let cases = conformance_cases();
    let exceptions = conformance_exceptions();
    let mut failures = Vec::new();
    let mut runs = 0;
    for case in &cases {
        for &backend in Backend::all() {
            for digest_form in [false, true] {
                runs += 1;
                let outcome = run(case, backend, digest_form);
                let as_expected = outcome.is_ok() != case.must_fail;
                let excepted = exceptions.contains_key(&case.name);
                let form = if digest_form { "digest" } else { "artifact" };
                match (as_expected, excepted) {
                    (true, false) | (false, true) => {}
                    (false, false) => failures.push(format!(
                        "{} [{} {form}]: expected {}, got {:?}",
                        case.name,
                        backend.name(),
                        if case.must_fail { "rejection" } else { "success" },
                        outcome
                    )),
                    (true, true) => failures.push(format!(
                        "{} [{} {form}]: listed in conformance-exceptions.json ({}) but now behaves as expected; remove the exception",
                        case.name,
                        backend.name(),
                        exceptions[&case.name]
                    )),
                }
            }
        }
    }
    for name in exceptions.keys() {
        assert!(
            cases.iter().any(|c| &c.name == name),
            "exception {name} names no case"
        );
    }
    eprintln!(
        "conformance: {} cases, {runs} runs, {} backends, {} exceptions",
        cases.len(),
        Backend::all().len(),
        exceptions.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {runs} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn failing_cases_name_their_check() {
    // Spot checks that rejections happen for the reason the case is about, not by accident.
    let expect = [
        (
            "bundle-unknown-version_fail",
            "unsupported bundle media type",
        ),
        ("bundle-invalid-base64-signature_fail", "base64"),
        ("bundle-negative-log-index_fail", "non-negative"),
        ("bundle-with-root-cert_fail", "checkpoint"),
        ("checkpoint-bad-keyhint_fail", "key hint"),
        ("set-invalid-signature_fail", "signed entry timestamp"),
        ("invalid-checkpoint-signature_fail", "checkpoint signature"),
        ("signature-mismatch_fail", "message signature"),
        ("wrong-material_fail", "messageDigest"),
        ("intoto-expired-certificate_fail", "signing certificate"),
        (
            "trust-root-tlog-missing-validity-start_fail",
            "validFor.start is missing",
        ),
        ("rekor2-no-timestamp_fail", "no verified time"),
        (
            "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail",
            "does not chain",
        ),
        ("managed-key-no-key_fail", "managed key"),
        ("invalid-ct-key_fail", "SCT"),
    ];
    let cases = conformance_cases();
    for (name, needle) in expect {
        let case = cases
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("case {name} missing"));
        let err = run(case, Backend::default(), false).expect_err(name);
        assert!(
            err.contains(needle),
            "{name}: expected the error to mention {needle:?}, got: {err}"
        );
    }
}
