//! conda publish attestations (CEP 27) through `sigverify::ecosystems::conda`: the real sample
//! (prefix.dev's sigstore-example, ../shared/vectors/ecosystems) as a bundle and as a sidecar,
//! with near misses for each check (another file, digest, channel, repository, workflow, a
//! sidecar where one bundle fails), and what only our own instance can sign (another predicate
//! type, two subjects, no or a malformed target channel).

// Test code: a panic is a failed test (see core/tests/ecosystems.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use sigverify::ecosystems::conda::{self, Package};
use sigverify::{Bundle, Check, Error, Policy, TrustedRoot, Verifier};
use sigverify_testkit::{BundleOptions, Instance, DEFAULT_INTEGRATED_TIME};

const NOW: i64 = 2_000_000_000;
const CASE: &str = "conda-signed-package-2.1.0-attestation";
const FILE: &str = "signed-package-2.1.0-hb0f4dca_0.conda";
const CHANNEL: &str = "https://prefix.dev/sigstore-example";
const REPO: &str = "prefix-dev/sigstore-example";

fn sample(file: &str) -> Vec<u8> {
    std::fs::read(sigverify_testkit::vectors::ecosystem_path(&format!(
        "{CASE}/{file}"
    )))
    .unwrap()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    sigverify::Backend::default().hash(sigverify::HashAlg::Sha256, bytes)
}

struct Real {
    verifier: Verifier,
    bundle: Vec<u8>,
    sha256: Vec<u8>,
}

fn real() -> Real {
    let artifact = sample("artifact");
    let sha = sha256(&artifact);
    let digest = String::from_utf8(sample("digest")).unwrap();
    assert_eq!(digest.trim(), format!("sha256:{}", hex_of(&sha)));
    Real {
        verifier: Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap(),
        bundle: sample("conda-attestation.sigstore.json"),
        sha256: sha,
    }
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn package<'a>(filename: &'a str, sha256: &'a [u8], channel: Option<&'a str>) -> Package<'a> {
    Package {
        filename,
        sha256,
        channel,
    }
}

fn repo_policy(workflow: Option<&str>) -> Policy {
    conda::github_policy(REPO, workflow).unwrap()
}

fn code(r: Result<Vec<sigverify::VerificationResult>, Error>) -> (&'static str, Check) {
    let e = r.expect_err("expected a failure");
    (e.code(), e.check())
}

#[test]
fn the_real_sample_verifies_as_a_bundle_and_as_a_sidecar() {
    let r = real();
    let bundles = conda::parse_bundle(&r.bundle).unwrap();
    let identity = String::from_utf8(sample("identity")).unwrap();
    let issuer = String::from_utf8(sample("issuer")).unwrap();
    let policies = [
        repo_policy(None),
        repo_policy(Some("action.yaml")),
        repo_policy(Some("action.yaml@refs/heads/main")),
        repo_policy(Some(
            "prefix-dev/sigstore-example/.github/workflows/action.yaml",
        )),
        Policy::identity(identity.trim(), issuer.trim()).unwrap(),
    ];
    for policy in &policies {
        for channel in [
            None,
            Some(CHANNEL),
            Some("https://prefix.dev/sigstore-example/"),
        ] {
            let out = conda::verify(
                &r.verifier,
                &bundles,
                &package(FILE, &r.sha256, channel),
                policy,
                NOW,
            )
            .unwrap();
            assert_eq!(out.len(), 1);
            let st = out[0].statement.as_ref().unwrap();
            assert_eq!(st.predicate_type, conda::PREDICATE_TYPES[0]);
            assert_eq!(st.subjects[0].name, FILE);
        }
    }
    // The same bundle twice in a sidecar: both verify, two results.
    let v: Value = serde_json::from_slice(&r.bundle).unwrap();
    let sigs = Value::Array(vec![v.clone(), v]).to_string();
    let bundles = conda::parse_sidecar(sigs.as_bytes()).unwrap();
    let out = conda::verify(
        &r.verifier,
        &bundles,
        &package(FILE, &r.sha256, Some(CHANNEL)),
        &repo_policy(Some("action.yaml")),
        NOW,
    )
    .unwrap();
    assert_eq!(out.len(), 2);
}

#[test]
fn near_misses_of_the_real_sample_fail_at_their_check() {
    let r = real();
    let bundles = conda::parse_bundle(&r.bundle).unwrap();
    let run = |filename: &str, sha: &[u8], channel: Option<&str>, policy: &Policy| {
        conda::verify(
            &r.verifier,
            &bundles,
            &package(filename, sha, channel),
            policy,
            NOW,
        )
    };
    let good = repo_policy(Some("action.yaml"));
    // Another file (a valid conda name): the subject's name.
    assert_eq!(
        code(run(
            "signed-package-2.1.1-hb0f4dca_0.conda",
            &r.sha256,
            None,
            &good
        )),
        ("artifact-mismatch", Check::Artifact)
    );
    // Another digest: the statement's subject digest (the core's check).
    let mut other = r.sha256.clone();
    other[0] ^= 1;
    assert_eq!(
        code(run(FILE, &other, None, &good)),
        ("artifact-mismatch", Check::Artifact)
    );
    // Another channel, and a channel prefix.
    for ch in [
        "https://prefix.dev/conda-forge",
        "https://prefix.dev/sigstore",
        "http://prefix.dev/sigstore-example",
    ] {
        let e = run(FILE, &r.sha256, Some(ch), &good).unwrap_err();
        assert_eq!((e.code(), e.check()), ("policy-mismatch", Check::Policy));
        assert!(e.to_string().contains(CHANNEL), "{e}");
    }
    // Another repository, another workflow, another ref.
    for policy in [
        conda::github_policy("prefix-dev/other", None).unwrap(),
        repo_policy(Some("release.yml")),
        repo_policy(Some("action.yaml@refs/tags/v1")),
        Policy::identity(
            "https://github.com/prefix-dev/sigstore-example/.github/workflows/other.yaml@refs/heads/main",
            "https://token.actions.githubusercontent.com",
        )
        .unwrap(),
    ] {
        assert_eq!(
            code(run(FILE, &r.sha256, None, &policy)),
            ("policy-mismatch", Check::Policy)
        );
    }
    // Not a conda file name, not a channel URL, not a sha256: refused before verifying.
    assert_eq!(
        code(run("signed_package-2.1.0.conda", &r.sha256, None, &good)).0,
        "invalid-artifact"
    );
    assert_eq!(
        code(run(
            FILE,
            &r.sha256,
            Some("prefix.dev/sigstore-example"),
            &good
        ))
        .0,
        "invalid-policy"
    );
    assert_eq!(
        code(run(FILE, &r.sha256[..31], None, &good)).0,
        "invalid-artifact"
    );
    assert_eq!(
        code(conda::verify(
            &r.verifier,
            &[],
            &package(FILE, &r.sha256, None),
            &good,
            NOW
        ))
        .0,
        "statement"
    );
}

/// The real bundle with one byte of its DSSE signature changed.
fn tampered(bundle: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(bundle).unwrap();
    let sig = v["dsseEnvelope"]["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut chars: Vec<char> = sig.chars().collect();
    chars[20] = if chars[20] == 'A' { 'B' } else { 'A' };
    v["dsseEnvelope"]["signatures"][0]["sig"] = Value::String(chars.into_iter().collect());
    v
}

#[test]
fn every_bundle_of_a_sidecar_must_verify() {
    let r = real();
    let good: Value = serde_json::from_slice(&r.bundle).unwrap();
    let bad = tampered(&r.bundle);
    for order in [vec![good.clone(), bad.clone()], vec![bad, good]] {
        let sigs = Value::Array(order).to_string();
        let bundles = conda::parse_sidecar(sigs.as_bytes()).unwrap();
        assert_eq!(
            code(conda::verify(
                &r.verifier,
                &bundles,
                &package(FILE, &r.sha256, None),
                &repo_policy(None),
                NOW
            )),
            ("signature-invalid", Check::Signature)
        );
    }
    // A sidecar is not a bundle, and a bundle is not a sidecar.
    let sigs = format!("[{}]", String::from_utf8(r.bundle.clone()).unwrap());
    assert_eq!(
        conda::parse_bundle(sigs.as_bytes()).unwrap_err().code(),
        "invalid-json"
    );
    assert_eq!(
        conda::parse_sidecar(&r.bundle).unwrap_err().code(),
        "invalid-json"
    );
}

// Our own instance: statements the real sample cannot provide.

const PKG: &[u8] = b"a conda package\n";

fn ours(payload: Vec<u8>) -> (Verifier, Vec<Bundle>) {
    let inst = Instance::new();
    let root = TrustedRoot::from_json(inst.trusted_root().to_string().as_bytes()).unwrap();
    let opts = BundleOptions {
        dsse_payload: Some(payload),
        ..BundleOptions::dsse()
    };
    let b = inst.bundle(&opts, PKG);
    (
        Verifier::new(&root).unwrap(),
        conda::parse_bundle(b.to_string().as_bytes()).unwrap(),
    )
}

fn verify_ours(
    payload: Vec<u8>,
    channel: Option<&str>,
) -> Result<Vec<sigverify::VerificationResult>, Error> {
    let (v, bundles) = ours(payload);
    let sha = sha256(PKG);
    conda::verify(
        &v,
        &bundles,
        &package(sigverify_testkit::conda::FILENAME, &sha, channel),
        &conda::github_policy("sigverify/test", Some("release.yml")).unwrap(),
        DEFAULT_INTEGRATED_TIME as i64 + 86_400,
    )
}

#[test]
fn statements_only_our_instance_can_sign() {
    use sigverify_testkit::conda::{statement, statement_with, CHANNEL, FILENAME, PREDICATE_TYPE};
    // The well-formed attestation verifies, with and without the channel; CEP 27's own
    // predicate URI too.
    assert!(verify_ours(statement(PKG), Some(CHANNEL)).is_ok());
    assert!(verify_ours(statement(PKG), None).is_ok());
    let cep = statement_with(
        &[(FILENAME, PKG)],
        conda::PREDICATE_TYPES[1],
        json!({"targetChannel": CHANNEL}),
    );
    assert!(verify_ours(cep, Some(CHANNEL)).is_ok());
    // Another predicate type (SLSA provenance, validly signed about the package).
    let slsa = statement_with(
        &[(FILENAME, PKG)],
        "https://slsa.dev/provenance/v1",
        json!({"targetChannel": CHANNEL}),
    );
    let e = verify_ours(slsa, None).unwrap_err();
    assert_eq!((e.code(), e.check()), ("statement", Check::Statement));
    assert!(e.to_string().contains("predicate type"), "{e}");
    // Two subjects: the package and another one.
    let two = statement_with(
        &[(FILENAME, PKG), ("other-1.0-0.conda", b"other")],
        PREDICATE_TYPE,
        json!({"targetChannel": CHANNEL}),
    );
    let e = verify_ours(two, None).unwrap_err();
    assert_eq!((e.code(), e.check()), ("statement", Check::Statement));
    assert!(e.to_string().contains("exactly one subject"), "{e}");
    // No predicate, or no targetChannel: fine without an expected channel, a mismatch with one.
    for predicate in [Value::Null, json!({})] {
        let st = statement_with(&[(FILENAME, PKG)], PREDICATE_TYPE, predicate);
        assert!(verify_ours(st.clone(), None).is_ok());
        let e = verify_ours(st, Some(CHANNEL)).unwrap_err();
        assert_eq!((e.code(), e.check()), ("policy-mismatch", Check::Policy));
        assert!(e.to_string().contains("no targetChannel"), "{e}");
    }
    // A malformed predicate is refused even when no channel is expected.
    for predicate in [
        json!({"targetChannel": 7}),
        json!({"targetChannel": ""}),
        json!("x"),
    ] {
        let st = statement_with(&[(FILENAME, PKG)], PREDICATE_TYPE, predicate);
        let e = verify_ours(st, None).unwrap_err();
        assert_eq!(
            (e.code(), e.check()),
            ("statement", Check::Statement),
            "{e}"
        );
    }
    // The subject named for another file (same digest).
    let renamed = statement_with(
        &[("sigverify-test-1.0.1-h0123abc_0.conda", PKG)],
        PREDICATE_TYPE,
        Value::Null,
    );
    let e = verify_ours(renamed, None).unwrap_err();
    assert_eq!(
        (e.code(), e.check()),
        ("artifact-mismatch", Check::Artifact)
    );
}
