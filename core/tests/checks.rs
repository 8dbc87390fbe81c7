//! Check-by-check integration tests of the verifier against the testkit's own Sigstore instance.
//!
//! Every bundle here comes from `sigverify-testkit` (deterministic CA, Rekor log, CT log, TSA),
//! and every verification runs on every compiled crypto backend, which must agree. The tests
//! cover: valid bundles in every supported shape; each testkit `Fault` failing the check that
//! names it; the trusted root's validity windows and missing services; policy mismatches;
//! thresholds and verified times; and hand-edited bundle JSON (no re-signing), which must fail
//! with a named check and never panic.

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use sigverify::{
    Artifact, Backend, Check, Error, HashAlg, Policy, San, Signer, TimeSource, TrustedRoot,
    VerificationResult, VerifiedTime, Verifier, VerifierOptions,
};
use sigverify_testkit::log::REKOR_ORIGIN;
use sigverify_testkit::trust::{REKOR_URL, TSA_URL};
use sigverify_testkit::util::{b64, sha256, unb64};
use sigverify_testkit::x509::CA_NOT_BEFORE;
use sigverify_testkit::{
    statement_for, BundleOptions, BundleVersion, Content, Ecdsa, EntryKind, Fault, HashKind,
    Identity, Instance, ManagedKey, RekorV2Entry, TrustedRootOptions, ValidFor,
    DEFAULT_ARTIFACT_NAME, DEFAULT_IDENTITY, DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER,
};

const ARTIFACT: &[u8] = b"sigverify integration tests: the artifact\n";
/// The integrated time of every bundle.
const T: i64 = DEFAULT_INTEGRATED_TIME as i64;
/// The timestamp genTime of the matrix bundles: inside the leaf's validity, distinct from `T`.
const TS_TIME: i64 = T + 5;
/// "Now" for every verification: a month after signing, well inside every validity window
/// except the leaf's (which is only checked at verified times).
const NOW: i64 = T + 30 * 86_400;

const VERSIONS: [BundleVersion; 3] = [BundleVersion::V01, BundleVersion::V02, BundleVersion::V03];
const CONTENTS: [(Content, EntryKind); 3] = [
    (Content::MessageSignature, EntryKind::HashedRekord001),
    (Content::Dsse, EntryKind::Dsse001),
    (Content::Dsse, EntryKind::Intoto002),
];
const SIGNERS: [Option<ManagedKey>; 3] = [None, Some(ManagedKey::P256), Some(ManagedKey::Ed25519)];

// ------------------------------------------------------------------------------------------
// Shared helpers
// ------------------------------------------------------------------------------------------

/// One verifier per compiled backend, for one trusted root and one set of options.
struct Verifiers(Vec<Verifier>);

impl Verifiers {
    fn new(root: &Value, options: VerifierOptions) -> Verifiers {
        let root = TrustedRoot::from_json(&to_bytes(root)).expect("the trusted root loads");
        assert!(!Backend::all().is_empty(), "no crypto backend compiled in");
        Verifiers(
            Backend::all()
                .iter()
                .map(|b| Verifier::with_options(&root, options, *b).expect("verifier builds"))
                .collect(),
        )
    }

    /// The default verifier of the default trusted root.
    fn default_for(inst: &Instance) -> Verifiers {
        Verifiers::new(&inst.trusted_root(), VerifierOptions::default())
    }

    /// Verifies on every backend, asserts they agree, and returns the first outcome.
    fn verify(
        &self,
        bundle: &[u8],
        artifact: &Artifact<'_>,
        policy: &Policy,
        now: i64,
    ) -> Result<VerificationResult, Error> {
        let mut first: Option<(Backend, Result<VerificationResult, Error>)> = None;
        for v in &self.0 {
            let r = v.verify_json(bundle, artifact, policy, now);
            if let Ok(ok) = &r {
                assert_eq!(ok.backend, v.backend().name());
            }
            match &first {
                None => first = Some((v.backend(), r)),
                Some((b0, r0)) => assert_same(*b0, r0, v.backend(), &r),
            }
        }
        first.expect("at least one backend").1
    }
}

/// The backends must reach the same verdict with the same details.
fn assert_same(
    b0: Backend,
    r0: &Result<VerificationResult, Error>,
    b1: Backend,
    r1: &Result<VerificationResult, Error>,
) {
    let who = format!("{} vs {}", b0.name(), b1.name());
    match (r0, r1) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.signer, b.signer, "{who}");
            assert_eq!(a.verified_times, b.verified_times, "{who}");
            assert_eq!(a.log_entries, b.log_entries, "{who}");
            assert_eq!(a.statement, b.statement, "{who}");
            assert_eq!(a.bundle_version, b.bundle_version, "{who}");
            assert_eq!(
                a.signature_digest_algorithm, b.signature_digest_algorithm,
                "{who}"
            );
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "{who}"),
        _ => panic!("backends disagree ({who}): {r0:?} vs {r1:?}"),
    }
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON serialises")
}

/// Bundle options for one cell of the matrix (timestamp genTime `TS_TIME` when present).
fn options(
    version: BundleVersion,
    (content, entry): (Content, EntryKind),
    signer: Option<ManagedKey>,
    with_timestamp: bool,
) -> BundleOptions {
    BundleOptions {
        version,
        content,
        entry,
        managed_key: signer,
        with_timestamp,
        timestamp_time: Some(TS_TIME as u64),
        ..BundleOptions::default()
    }
}

/// Every version × content × signer × with/without timestamp.
fn matrix() -> Vec<BundleOptions> {
    let mut all = Vec::new();
    for version in VERSIONS {
        for content in CONTENTS {
            for signer in SIGNERS {
                for ts in [true, false] {
                    all.push(options(version, content, signer, ts));
                }
            }
        }
    }
    all
}

/// The policy a bundle built with `opts` satisfies.
fn policy_for(inst: &Instance, opts: &BundleOptions) -> Policy {
    match opts.managed_key {
        None => Policy::identity(DEFAULT_IDENTITY, DEFAULT_ISSUER).unwrap(),
        // The managed ECDSA key of `opts.ecdsa`'s curve (P-256: `managed_key_pem`).
        Some(ManagedKey::P256) => {
            Policy::key_pem(inst.managed_ecdsa_key_pem(opts.ecdsa).as_bytes()).unwrap()
        }
        Some(ManagedKey::Ed25519) => {
            Policy::key_pem(inst.managed_ed25519_key_pem().as_bytes()).unwrap()
        }
    }
}

/// The verifier's name for a testkit hash.
fn hash_alg(h: HashKind) -> HashAlg {
    match h {
        HashKind::Sha256 => HashAlg::Sha256,
        HashKind::Sha384 => HashAlg::Sha384,
        HashKind::Sha512 => HashAlg::Sha512,
    }
}

fn identity_policy() -> Policy {
    Policy::identity(DEFAULT_IDENTITY, DEFAULT_ISSUER).unwrap()
}

/// The artifact as a `sha256:HEX` digest (SHA-256 computed by the testkit, not the verifier).
fn digest_artifact() -> Artifact<'static> {
    Artifact::parse_digest(&format!("sha256:{}", hex::encode(sha256(ARTIFACT)))).unwrap()
}

/// Asserts `r` failed with `check`, that its message names it and contains every needle
/// (case-insensitively), and returns the error.
#[track_caller]
fn expect_err(
    r: Result<VerificationResult, Error>,
    check: Check,
    needles: &[&str],
    case: &str,
) -> Error {
    let e = match r {
        Ok(ok) => panic!(
            "{case}: verified, expected a {check} failure: {:#}",
            ok.to_json()
        ),
        Err(e) => e,
    };
    let msg = e.to_string();
    assert_eq!(e.check(), check, "{case}: wrong check; error: {msg}");
    assert!(
        msg.starts_with(&format!("{check} check failed: ")),
        "{case}: {msg}"
    );
    for n in needles {
        assert!(
            msg.to_lowercase().contains(&n.to_lowercase()),
            "{case}: message lacks {n:?}: {msg}"
        );
    }
    e
}

#[track_caller]
fn expect_ok(r: Result<VerificationResult, Error>, case: &str) -> VerificationResult {
    r.unwrap_or_else(|e| panic!("{case}: {e} (code {})", e.code()))
}

// ------------------------------------------------------------------------------------------
// 1. Happy paths
// ------------------------------------------------------------------------------------------

/// What a successful verification of a bundle built with `opts` must report.
fn check_result(r: &VerificationResult, opts: &BundleOptions, bundle: &Value, case: &str) {
    let want_version = match opts.version {
        BundleVersion::V01 => sigverify::BundleVersion::V0_1,
        BundleVersion::V02 => sigverify::BundleVersion::V0_2,
        BundleVersion::V03 => sigverify::BundleVersion::V0_3,
    };
    assert_eq!(r.bundle_version, want_version, "{case}");
    assert_eq!(r.media_type, opts.version.media_type(), "{case}");
    // The hash the signature was verified over: the signing key's (Ed25519: none).
    let want_hash = match opts.managed_key {
        Some(ManagedKey::Ed25519) => None,
        _ => Some(hash_alg(opts.ecdsa.hash())),
    };
    assert_eq!(r.signature_digest_algorithm, want_hash, "{case}");
    assert_eq!(
        r.to_json()["signatureDigestAlgorithm"],
        json!(want_hash.map(HashAlg::name)),
        "{case}"
    );

    // Signer.
    match (&r.signer, opts.managed_key) {
        (
            Signer::Certificate {
                certificate_der, ..
            },
            None,
        ) => {
            assert_eq!(r.identity(), Some(DEFAULT_IDENTITY), "{case}");
            assert_eq!(r.issuer(), Some(DEFAULT_ISSUER), "{case}");
            let raw = bundle
                .pointer("/verificationMaterial/certificate/rawBytes")
                .or_else(|| {
                    bundle.pointer(
                        "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
                    )
                })
                .and_then(Value::as_str)
                .expect("certificate in the bundle");
            assert_eq!(certificate_der, &unb64(raw), "{case}");
            assert_eq!(r.certificate_der(), Some(&certificate_der[..]), "{case}");
            assert_eq!(r.signer_type(), "certificate", "{case}");
            assert_eq!(r.san().map(sigverify::San::value), r.identity(), "{case}");
            assert_eq!(r.key_sha256(), None, "{case}");
            assert!(
                r.claims().iter().any(|c| c.value == DEFAULT_ISSUER),
                "{case}"
            );
        }
        (Signer::Key { spki_sha256 }, Some(_)) => {
            // The testkit's hint is base64(SHA-256(SPKI DER)) of the signing key.
            let hint = bundle["verificationMaterial"]["publicKey"]["hint"]
                .as_str()
                .expect("hint");
            assert_eq!(spki_sha256, &hex::encode(unb64(hint)), "{case}");
            assert_eq!(r.identity(), None, "{case}");
            assert_eq!(r.issuer(), None, "{case}");
            assert_eq!(r.key_sha256(), Some(spki_sha256.as_str()), "{case}");
            assert_eq!(r.signer_type(), "key", "{case}");
            assert_eq!((r.san(), r.certificate_der()), (None, None), "{case}");
            assert!(r.claims().is_empty(), "{case}");
        }
        (s, k) => panic!("{case}: signer {s:?} for managed key {k:?}"),
    }

    // Verified times: the SET's integrated time and the timestamp's genTime, with sources.
    let mut want = Vec::new();
    if opts.with_tlog && opts.with_inclusion_promise {
        want.push(VerifiedTime {
            time: opts.integrated_time as i64,
            source: TimeSource::TransparencyLog {
                log_url: REKOR_URL.into(),
                log_index: opts.log_index,
            },
        });
    }
    if opts.with_timestamp {
        want.push(VerifiedTime {
            time: opts.timestamp_time.unwrap_or(opts.integrated_time) as i64,
            source: TimeSource::Timestamp {
                authority: TSA_URL.into(),
            },
        });
    }
    assert_eq!(r.verified_times, want, "{case}");
    assert_eq!(
        r.earliest_time(),
        want.iter().map(|t| t.time).min(),
        "{case}"
    );

    // The log entry.
    if opts.with_tlog {
        assert_eq!(r.log_entries.len(), 1, "{case}");
        let e = &r.log_entries[0];
        let (kind, version) = match opts.entry {
            EntryKind::HashedRekord001 => ("hashedrekord", "0.0.1"),
            EntryKind::Dsse001 => ("dsse", "0.0.1"),
            EntryKind::Intoto002 => ("intoto", "0.0.2"),
        };
        assert_eq!(
            (e.kind.as_str(), e.version.as_str()),
            (kind, version),
            "{case}"
        );
        assert_eq!(e.log_url, REKOR_URL, "{case}");
        // The log index is reported only when the SET signs it.
        assert_eq!(
            e.log_index,
            opts.with_inclusion_promise.then_some(opts.log_index),
            "{case}"
        );
        assert_eq!(
            e.integrated_time,
            opts.with_inclusion_promise
                .then_some(opts.integrated_time as i64),
            "{case}"
        );
        assert_eq!(e.inclusion_proof, opts.with_inclusion_proof, "{case}");
        let origin = opts.checkpoint_origin.as_deref().unwrap_or(REKOR_ORIGIN);
        assert_eq!(
            e.checkpoint_origin.as_deref(),
            opts.with_inclusion_proof.then_some(origin),
            "{case}"
        );
    } else {
        assert!(r.log_entries.is_empty(), "{case}");
    }

    // The in-toto statement.
    match opts.content {
        Content::MessageSignature => assert!(r.statement.is_none(), "{case}"),
        Content::Dsse => {
            let s = r
                .statement
                .as_ref()
                .expect("DSSE bundles report the statement");
            assert_eq!(s.subjects.len(), 1, "{case}");
            assert_eq!(s.subjects[0].name, DEFAULT_ARTIFACT_NAME, "{case}");
            assert_eq!(
                s.subjects[0].digest.get("sha256"),
                Some(&hex::encode(sha256(ARTIFACT))),
                "{case}"
            );
        }
    }
}

#[test]
fn every_supported_shape_verifies() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let digest = digest_artifact();
    let mut verified = 0;
    for opts in matrix() {
        let bundle = inst.bundle(&opts, ARTIFACT);
        let bytes = to_bytes(&bundle);
        let policy = policy_for(&inst, &opts);
        let case = format!("{opts:?}");

        let r = expect_ok(
            v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
            &case,
        );
        check_result(&r, &opts, &bundle, &case);
        verified += 1;

        // Which digest a caller streaming the file should compute: the policy's key decides
        // for managed-key bundles; an Ed25519 message signature needs the bytes.
        let parsed = sigverify::Bundle::from_json(&bytes).unwrap();
        let ed25519_message = opts.managed_key == Some(ManagedKey::Ed25519)
            && opts.content == Content::MessageSignature;
        let want = (!ed25519_message).then_some(sigverify::HashAlg::Sha256);
        assert_eq!(
            parsed.artifact_digest_algorithm_for(&policy),
            want,
            "{case}"
        );
        if opts.managed_key.is_some() && opts.content == Content::MessageSignature {
            assert_eq!(parsed.artifact_digest_algorithm(), None, "{case}");
        } else {
            assert_eq!(parsed.artifact_digest_algorithm(), want, "{case}");
        }

        let by_digest = v.verify(&bytes, &digest, &policy, NOW);
        if ed25519_message {
            // Ed25519 signs the message itself: a digest cannot verify it.
            expect_err(by_digest, Check::Artifact, &["Ed25519", "bytes"], &case);
        } else {
            let r = expect_ok(by_digest, &format!("{case} (sha256 digest)"));
            check_result(&r, &opts, &bundle, &case);
            verified += 1;
        }
    }
    assert_eq!(verified, 54 + 54 - 6);
}

#[test]
fn proof_only_entries_with_a_timestamp_verify() {
    // v0.2 / v0.3 entries need no SET when the inclusion proof and a timestamp are there.
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for version in [BundleVersion::V02, BundleVersion::V03] {
        for content in CONTENTS {
            let opts = BundleOptions {
                with_inclusion_promise: false,
                ..options(version, content, None, true)
            };
            let bundle = inst.bundle(&opts, ARTIFACT);
            let case = format!("{opts:?}");
            let r = expect_ok(
                v.verify(
                    &to_bytes(&bundle),
                    &Artifact::Bytes(ARTIFACT),
                    &identity_policy(),
                    NOW,
                ),
                &case,
            );
            check_result(&r, &opts, &bundle, &case);
        }
    }
}

#[test]
fn the_wrong_artifact_is_rejected() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let other =
        Artifact::parse_digest(&format!("sha256:{}", hex::encode(sha256(b"other")))).unwrap();
    for content in CONTENTS {
        let opts = options(BundleVersion::V03, content, None, true);
        let bytes = to_bytes(&inst.bundle(&opts, ARTIFACT));
        for artifact in [Artifact::Bytes(b"other"), other.clone()] {
            let needle = match content.0 {
                Content::MessageSignature => "messageDigest",
                Content::Dsse => "subject",
            };
            expect_err(
                v.verify(&bytes, &artifact, &identity_policy(), NOW),
                Check::Artifact,
                &[needle],
                &format!("{opts:?} {artifact:?}"),
            );
        }
        // A digest in an algorithm the bundle does not use (the verifier cannot compare it).
        let sha512 = Artifact::parse_digest(&format!("sha512:{}", "ab".repeat(64))).unwrap();
        expect_err(
            v.verify(&bytes, &sha512, &identity_policy(), NOW),
            Check::Artifact,
            &["sha512"],
            &format!("{opts:?} sha512"),
        );
    }
}

#[test]
fn malformed_digests_are_artifact_errors() {
    for bad in [
        "",
        "sha256",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "sha256:zz",
        "sha256:abcd",
        &format!("sha256:{}", "a".repeat(63)),
        &format!("sha384:{}", "a".repeat(64)),
    ] {
        let e = Artifact::parse_digest(bad).expect_err(bad);
        assert_eq!(e.check(), Check::Artifact, "{bad:?}: {e}");
        assert_eq!(e.code(), "invalid-artifact", "{bad:?}: {e}");
    }
    let ok = format!("sha256:{}", hex::encode(sha256(ARTIFACT)));
    assert!(matches!(
        Artifact::parse_digest(&ok),
        Ok(Artifact::Digest(_, d)) if d == sha256(ARTIFACT)
    ));
}

// ------------------------------------------------------------------------------------------
// 2. Faults: each one fails the check it names
// ------------------------------------------------------------------------------------------

/// The check a fault must fail, and words its message must contain.
fn expected(f: Fault, opts: &BundleOptions) -> (Check, &'static [&'static str]) {
    let dsse = opts.content == Content::Dsse;
    match f {
        Fault::ArtifactSignature if dsse => (Check::Signature, &["DSSE signature"]),
        Fault::ArtifactSignature => (Check::Signature, &["message signature"]),
        // The EKU it lacks: id-kp-codeSigning.
        Fault::CertNotCodeSigning => (
            Check::Certificate,
            &["path validation", "1.3.6.1.5.5.7.3.3"],
        ),
        Fault::CertExpiredAtIntegratedTime => {
            (Check::Certificate, &["signing certificate", "validity"])
        }
        Fault::CertUntrustedCa => (Check::Certificate, &["issuer", "trusted root"]),
        Fault::NoSct => (Check::CertificateTransparency, &["no embedded SCT"]),
        Fault::SctBadSignature => (Check::CertificateTransparency, &["SCT signature"]),
        Fault::SctUnknownLog => (
            Check::CertificateTransparency,
            &["SCT", "not in the trusted root"],
        ),
        Fault::SetBadSignature => (Check::TransparencyLog, &["SET"]),
        Fault::TlogBodyMismatch => (Check::TransparencyLog, &["entry body", "does not match"]),
        Fault::InclusionProofBadHash => (Check::TransparencyLog, &["inclusion proof"]),
        Fault::CheckpointBadSignature => (Check::TransparencyLog, &["checkpoint signature"]),
        Fault::CheckpointWrongOrigin => (Check::TransparencyLog, &["checkpoint", "origin"]),
        Fault::CheckpointRootMismatch => (Check::TransparencyLog, &["checkpoint", "root"]),
        Fault::CheckpointWrongKeyHint => (Check::TransparencyLog, &["checkpoint", "key hint"]),
        Fault::TimestampBadSignature => (Check::Timestamp, &["timestamp signature"]),
        Fault::TimestampWrongImprint => (Check::Timestamp, &["timestamp", "imprint"]),
        Fault::TimestampUntrustedTsa if opts.tsa_embed_cert => {
            (Check::Timestamp, &["timestamp", "does not chain"])
        }
        Fault::TimestampUntrustedTsa => (Check::Timestamp, &["timestamp", "matches the signer"]),
        Fault::TimestampOutsideCertValidity => (
            Check::Certificate,
            &["signing certificate", "timestamp authority"],
        ),
        Fault::DsseBadSignature | Fault::DssePayloadTypeMismatch => {
            (Check::Signature, &["DSSE signature"])
        }
        Fault::DsseWrongPayloadType => (Check::Statement, &["payloadType"]),
        Fault::DsseSubjectMismatch => (Check::Artifact, &["subject"]),
    }
}

/// The bundle shapes faults are tried in (each fault in those it applies to): every version
/// and content with a certificate; managed keys; without a timestamp; proof-only entries (no
/// SET); timestamps without the embedded TSA certificate. The full cross product of the happy
/// path is not repeated here: it would multiply the run time for little more coverage.
fn fault_shapes() -> Vec<BundleOptions> {
    let mut shapes = Vec::new();
    for version in VERSIONS {
        for content in CONTENTS {
            shapes.push(options(version, content, None, true));
        }
    }
    for content in CONTENTS {
        for key in [ManagedKey::P256, ManagedKey::Ed25519] {
            shapes.push(options(BundleVersion::V03, content, Some(key), true));
        }
        shapes.push(options(BundleVersion::V02, content, None, false));
        shapes.push(BundleOptions {
            with_inclusion_promise: false,
            ..options(BundleVersion::V03, content, None, true)
        });
    }
    shapes.push(options(
        BundleVersion::V01,
        CONTENTS[0],
        Some(ManagedKey::P256),
        false,
    ));
    for signer in [None, Some(ManagedKey::P256)] {
        shapes.push(BundleOptions {
            tsa_embed_cert: false,
            ..options(BundleVersion::V03, CONTENTS[0], signer, true)
        });
    }
    shapes
}

/// The faults, in groups of one test each (so that the test harness can run them in parallel).
const CERTIFICATE_FAULTS: &[Fault] = &[
    Fault::CertNotCodeSigning,
    Fault::CertExpiredAtIntegratedTime,
    Fault::CertUntrustedCa,
    Fault::NoSct,
    Fault::SctBadSignature,
    Fault::SctUnknownLog,
];
const LOG_FAULTS: &[Fault] = &[
    Fault::SetBadSignature,
    Fault::TlogBodyMismatch,
    Fault::InclusionProofBadHash,
    Fault::CheckpointBadSignature,
    Fault::CheckpointWrongOrigin,
    Fault::CheckpointRootMismatch,
    Fault::CheckpointWrongKeyHint,
];
const TIMESTAMP_FAULTS: &[Fault] = &[
    Fault::TimestampBadSignature,
    Fault::TimestampWrongImprint,
    Fault::TimestampUntrustedTsa,
    Fault::TimestampOutsideCertValidity,
];
const CONTENT_FAULTS: &[Fault] = &[
    Fault::ArtifactSignature,
    Fault::DsseBadSignature,
    Fault::DssePayloadTypeMismatch,
    Fault::DsseWrongPayloadType,
    Fault::DsseSubjectMismatch,
];

/// Every fault of `faults`, in every shape it applies to, fails its check (artifact given as
/// bytes and, where the scheme allows, as a digest).
fn check_faults(faults: &[Fault]) {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let digest = digest_artifact();
    let shapes = fault_shapes();
    for &fault in faults {
        let mut tried = 0;
        let mut digest_tried = Vec::new();
        for base in &shapes {
            let opts = base.clone().with_fault(fault);
            if !fault.applies_to(&opts) {
                continue;
            }
            tried += 1;
            let bytes = to_bytes(&inst.bundle(&opts, ARTIFACT));
            let policy = policy_for(&inst, &opts);
            let (check, needles) = expected(fault, &opts);
            let case = format!("{fault:?} in {opts:?}");
            expect_err(
                v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
                check,
                needles,
                &case,
            );
            // The digest form reaches the same verdict: tried once per fault, entry kind and
            // kind of signer (not in every shape, to keep the run short).
            let ed25519_message = opts.managed_key == Some(ManagedKey::Ed25519)
                && opts.content == Content::MessageSignature;
            let kind = (opts.entry, opts.managed_key);
            if !ed25519_message && !digest_tried.contains(&kind) {
                digest_tried.push(kind);
                expect_err(
                    v.verify(&bytes, &digest, &policy, NOW),
                    check,
                    needles,
                    &format!("{case} (sha256 digest)"),
                );
            }
        }
        assert!(tried >= 3, "{fault:?} was tried in only {tried} shape(s)");
    }
}

#[test]
fn every_fault_is_in_exactly_one_group() {
    for &fault in Fault::ALL {
        let groups = [
            CERTIFICATE_FAULTS,
            LOG_FAULTS,
            TIMESTAMP_FAULTS,
            CONTENT_FAULTS,
        ];
        let n = groups.iter().filter(|g| g.contains(&fault)).count();
        assert_eq!(n, 1, "{fault:?} is in {n} groups");
    }
}

/// Rekor v1 checkpoints of private deployments: the origin is `<hostname> - <tree id>`, with the
/// server's own hostname (in sigstore's scaffolding deployment a Kubernetes pod name), not the
/// host of the trusted root's `baseUrl`. Any origin of that form whose note signature verifies
/// under the log's key is accepted, as sigstore-go does, and reported in the result; an origin
/// of another form is refused.
#[test]
fn rekor_v1_checkpoints_of_private_deployments() {
    const PRIVATE: &str = "rekor-server-7d9f8 - 1234567";
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let mut shapes: Vec<BundleOptions> = CONTENTS
        .iter()
        .map(|&c| options(BundleVersion::V03, c, None, true))
        .collect();
    // Proof only: the checkpoint is then all that binds the entry to the log.
    shapes.push(BundleOptions {
        with_inclusion_promise: false,
        ..options(BundleVersion::V03, CONTENTS[0], None, true)
    });
    for base in shapes {
        let opts = BundleOptions {
            checkpoint_origin: Some(PRIVATE.into()),
            ..base.clone()
        };
        let case = format!("{PRIVATE:?} in {base:?}");
        let bundle = inst.bundle(&opts, ARTIFACT);
        let r = expect_ok(
            v.verify(
                &to_bytes(&bundle),
                &Artifact::Bytes(ARTIFACT),
                &policy_for(&inst, &opts),
                NOW,
            ),
            &case,
        );
        check_result(&r, &opts, &bundle, &case);
        assert_eq!(
            r.log_entries[0].checkpoint_origin.as_deref(),
            Some(PRIVATE),
            "{case}"
        );
        assert_eq!(
            r.to_json()["logEntries"][0]["checkpointOrigin"],
            json!(PRIVATE),
            "{case}"
        );
        for origin in [
            "rekor-server-7d9f8",
            "rekor-server-7d9f8 - ",
            "rekor-server-7d9f8 - 12345x7",
            "rekor-server-7d9f8-1234567",
            "rekor-server-7d9f8 - -1234567",
        ] {
            let opts = BundleOptions {
                checkpoint_origin: Some(origin.into()),
                ..base.clone()
            };
            let case = format!("{origin:?} in {base:?}");
            let found = format!("found {origin:?}");
            let e = expect_err(
                v.verify(
                    &to_bytes(&inst.bundle(&opts, ARTIFACT)),
                    &Artifact::Bytes(ARTIFACT),
                    &policy_for(&inst, &opts),
                    NOW,
                ),
                Check::TransparencyLog,
                &[
                    "checkpoint: entry 0: origin: expected \"<hostname> - <tree id>\" (Rekor v1) or \"rekor.sigverify.test\"",
                    &found,
                ],
                &case,
            );
            assert_eq!(e.code(), "transparency-log", "{case}");
        }
    }
}

#[test]
fn certificate_faults_fail_their_check() {
    check_faults(CERTIFICATE_FAULTS);
}

#[test]
fn log_faults_fail_their_check() {
    check_faults(LOG_FAULTS);
}

#[test]
fn timestamp_faults_fail_their_check() {
    check_faults(TIMESTAMP_FAULTS);
}

#[test]
fn content_faults_fail_their_check() {
    check_faults(CONTENT_FAULTS);
}

// ------------------------------------------------------------------------------------------
// 3. Trusted-root knobs
// ------------------------------------------------------------------------------------------

/// Verifies the default bundle built with `opts` against a trusted root with `knob` applied.
fn verify_with_root(
    inst: &Instance,
    knob: impl FnOnce(&mut TrustedRootOptions),
    opts: &BundleOptions,
) -> Result<VerificationResult, Error> {
    let root_json = inst.trusted_root_with(knob);
    // Options the root can never meet are refused when the verifier is built.
    let root = TrustedRoot::from_json(&to_bytes(&root_json)).expect("the trusted root loads");
    VerifierOptions::default().validate(&root)?;
    let v = Verifiers::new(&root_json, VerifierOptions::default());
    let bytes = to_bytes(&inst.bundle(opts, ARTIFACT));
    v.verify(
        &bytes,
        &Artifact::Bytes(ARTIFACT),
        &policy_for(inst, opts),
        NOW,
    )
}

#[test]
fn log_key_validity_must_contain_the_integrated_time() {
    let inst = Instance::new();
    let t = T as u64;
    let opts = options(BundleVersion::V03, CONTENTS[0], None, true);
    for window in [
        ValidFor::from(t + 3600),
        ValidFor::between(CA_NOT_BEFORE, t - 3600),
    ] {
        expect_err(
            verify_with_root(&inst, |o| o.tlog_valid_for = window, &opts),
            Check::TransparencyLog,
            &["log key", "outside its validity window"],
            &format!("{window:?}"),
        );
    }
    // The window is inclusive of the integrated time at both ends.
    expect_ok(
        verify_with_root(&inst, |o| o.tlog_valid_for = ValidFor::between(t, t), &opts),
        "tlog validFor exactly the integrated time",
    );
}

#[test]
fn ca_validity_must_contain_every_verified_time() {
    let inst = Instance::new();
    let t = T as u64;
    let opts = options(BundleVersion::V03, CONTENTS[0], None, true);
    for window in [
        ValidFor::from(t + 3600),
        ValidFor::between(CA_NOT_BEFORE, t - 3600),
        // Contains the integrated time but not the timestamp's genTime (T + 5).
        ValidFor::between(CA_NOT_BEFORE, t + 2),
    ] {
        expect_err(
            verify_with_root(&inst, |o| o.ca_valid_for = window, &opts),
            Check::Certificate,
            &["certificate authority", "outside its validity window"],
            &format!("{window:?}"),
        );
    }
}

#[test]
fn tsa_validity_must_contain_the_gen_time() {
    let inst = Instance::new();
    let t = T as u64;
    // The TSA's certificate embedded, none, and a re-issue by its root (which chains to it).
    for (embed, cert) in [
        (true, sigverify_testkit::TsaCert::Genuine),
        (false, sigverify_testkit::TsaCert::Genuine),
        (true, sigverify_testkit::TsaCert::Reissued),
    ] {
        let opts = BundleOptions {
            tsa_embed_cert: embed,
            tsa_cert: cert,
            ..options(BundleVersion::V03, CONTENTS[0], None, true)
        };
        for window in [
            ValidFor::from(t + 3600),
            ValidFor::between(CA_NOT_BEFORE, t - 3600),
        ] {
            expect_err(
                verify_with_root(&inst, |o| o.tsa_valid_for = window, &opts),
                Check::Timestamp,
                &["timestamp authority", "outside its validity window"],
                &format!("embed {embed} {cert:?}, {window:?}"),
            );
        }
    }
}

#[test]
fn ctlog_validity_must_contain_the_sct_time() {
    let inst = Instance::new();
    let t = T as u64;
    let opts = options(BundleVersion::V03, CONTENTS[0], None, true);
    expect_err(
        verify_with_root(
            &inst,
            |o| o.ctlog_valid_for = ValidFor::from(t + 3600),
            &opts,
        ),
        Check::CertificateTransparency,
        &["SCT"],
        "ctlog validFor after the SCT",
    );
}

#[test]
fn missing_services_in_the_trusted_root() {
    let inst = Instance::new();
    let with_ts = options(BundleVersion::V03, CONTENTS[0], None, true);
    expect_err(
        verify_with_root(&inst, |o| o.include_ctlogs = false, &with_ts),
        Check::CertificateTransparency,
        &["SCT"],
        "no CT logs",
    );
    expect_err(
        verify_with_root(&inst, |o| o.include_tsas = false, &with_ts),
        Check::Timestamp,
        &["timestamp authorit"],
        "no TSAs, timestamp present",
    );
    // Without a timestamp, the missing TSAs do not matter.
    let no_ts = options(BundleVersion::V03, CONTENTS[0], None, false);
    expect_ok(
        verify_with_root(&inst, |o| o.include_tsas = false, &no_ts),
        "no TSAs, no timestamp",
    );
    // No log in the root: the default log threshold can never be met, so the verifier is not
    // built (every face refuses it as invalid options, before any bundle).
    let e = verify_with_root(&inst, |o| o.include_tlogs = false, &with_ts).unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidOptions {
                option: "tlog_threshold",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        (e.code(), e.check()),
        ("invalid-options", Check::TrustedRoot)
    );
    assert!(e.to_string().contains("never be met"), "{e}");
    assert!(e.is_invalid_input());
    expect_err(
        verify_with_root(&inst, |o| o.include_cas = false, &with_ts),
        Check::Certificate,
        &["trusted root"],
        "no CAs",
    );
    // A managed-key bundle needs neither a CA nor a CT log.
    let key = options(
        BundleVersion::V03,
        CONTENTS[0],
        Some(ManagedKey::P256),
        true,
    );
    expect_ok(
        verify_with_root(
            &inst,
            |o| {
                o.include_cas = false;
                o.include_ctlogs = false;
            },
            &key,
        ),
        "managed key, no CA, no CT log",
    );
}

#[test]
fn a_tlog_key_without_a_start_is_an_invalid_trusted_root() {
    let inst = Instance::new();
    let root = to_bytes(&inst.trusted_root_with(|o| o.omit_tlog_start = true));
    let e = TrustedRoot::from_json(&root).expect_err("a validFor without start is malformed");
    assert_eq!(e.code(), "invalid-trusted-root", "{e}");
    assert_eq!(e.check(), Check::TrustedRoot, "{e}");
    assert!(e.to_string().contains("start"), "{e}");
}

// ------------------------------------------------------------------------------------------
// 4. Policy
// ------------------------------------------------------------------------------------------

#[test]
fn policy_mismatches() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let cert = to_bytes(&inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    ));
    let dsse = to_bytes(&inst.bundle(
        &options(BundleVersion::V03, CONTENTS[1], None, true),
        ARTIFACT,
    ));
    for bundle in [&cert, &dsse] {
        let wrong_id = "https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main";
        expect_err(
            v.verify(
                bundle,
                &art,
                &Policy::identity(wrong_id, DEFAULT_ISSUER).unwrap(),
                NOW,
            ),
            Check::Policy,
            &["identity", wrong_id, DEFAULT_IDENTITY],
            "wrong identity",
        );
        // A prefix of the identity is not the identity.
        expect_err(
            v.verify(
                bundle,
                &art,
                &Policy::identity(
                    &DEFAULT_IDENTITY[..DEFAULT_IDENTITY.len() - 1],
                    DEFAULT_ISSUER,
                )
                .unwrap(),
                NOW,
            ),
            Check::Policy,
            &["identity"],
            "identity prefix",
        );
        let wrong_issuer = "https://accounts.example.com";
        expect_err(
            v.verify(
                bundle,
                &art,
                &Policy::identity(DEFAULT_IDENTITY, wrong_issuer).unwrap(),
                NOW,
            ),
            Check::Policy,
            &["issuer", wrong_issuer, DEFAULT_ISSUER],
            "wrong issuer",
        );
        // A certificate bundle verified with a key.
        expect_err(
            v.verify(
                bundle,
                &art,
                &Policy::key_pem(inst.managed_key_pem().as_bytes()).unwrap(),
                NOW,
            ),
            Check::Policy,
            &["signed with a certificate"],
            "certificate bundle, key policy",
        );
    }

    for content in [CONTENTS[0], CONTENTS[1]] {
        let p256 = to_bytes(&inst.bundle(
            &options(BundleVersion::V03, content, Some(ManagedKey::P256), true),
            ARTIFACT,
        ));
        // A key bundle verified with an identity policy.
        expect_err(
            v.verify(&p256, &art, &identity_policy(), NOW),
            Check::Policy,
            &["managed key"],
            "key bundle, identity policy",
        );
        // The wrong managed key: the signature is checked with the caller's key (the bundle only
        // carries a hint, which is not trusted), so it fails as a signature, before any log or
        // timestamp check.
        let ed = Policy::key_pem(inst.managed_ed25519_key_pem().as_bytes()).unwrap();
        for (name, key) in [
            (
                "unrelated P-256",
                Policy::key_pem(inst.unrelated_key_pem().as_bytes()).unwrap(),
            ),
            ("Ed25519 for a P-256 bundle", ed),
        ] {
            expect_err(
                v.verify(&p256, &art, &key, NOW),
                Check::Signature,
                &["signature"],
                &format!("wrong managed key: {name}, {content:?}"),
            );
        }
    }
}

#[test]
fn email_identities_and_other_issuers() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let email = "signer@example.com";
    let issuer = "https://accounts.example.com";
    for content in [CONTENTS[0], CONTENTS[1]] {
        let opts = BundleOptions {
            identity: Identity::Email(email.into()),
            issuer: issuer.into(),
            ..options(BundleVersion::V03, content, None, true)
        };
        let bytes = to_bytes(&inst.bundle(&opts, ARTIFACT));
        let r = expect_ok(
            v.verify(&bytes, &art, &Policy::identity(email, issuer).unwrap(), NOW),
            "email identity",
        );
        assert!(
            matches!(&r.signer, Signer::Certificate { san: Some(San::Email(e)), .. } if e == email),
            "{:?}",
            r.signer
        );
        assert_eq!(r.issuer(), Some(issuer));
        // The default identity and issuer are not this signer.
        expect_err(
            v.verify(&bytes, &art, &identity_policy(), NOW),
            Check::Policy,
            &[DEFAULT_IDENTITY, email],
            "email identity, default policy",
        );
        // Matching is exact: no case folding.
        expect_err(
            v.verify(
                &bytes,
                &art,
                &Policy::identity("Signer@example.com", issuer).unwrap(),
                NOW,
            ),
            Check::Policy,
            &["identity"],
            "email identity, other case",
        );
    }
}

// ------------------------------------------------------------------------------------------
// 5. Thresholds and verified times
// ------------------------------------------------------------------------------------------

#[test]
fn thresholds_and_verified_times() {
    let inst = Instance::new();
    let root = inst.trusted_root();
    let strict = Verifiers::default_for(&inst);
    let mut o = VerifierOptions::default();
    o.tlog_threshold = 0;
    let no_tlog_needed = Verifiers::new(&root, o);
    let art = Artifact::Bytes(ARTIFACT);
    let pol = identity_policy();

    // A timestamp but no log entry.
    let opts = BundleOptions {
        with_tlog: false,
        ..options(BundleVersion::V03, CONTENTS[0], None, true)
    };
    let bundle = inst.bundle(&opts, ARTIFACT);
    let bytes = to_bytes(&bundle);
    let r = expect_ok(
        no_tlog_needed.verify(&bytes, &art, &pol, NOW),
        "tlog threshold 0",
    );
    check_result(&r, &opts, &bundle, "tlog threshold 0");
    expect_err(
        strict.verify(&bytes, &art, &pol, NOW),
        Check::TransparencyLog,
        &["threshold", "at least 1"],
        "default tlog threshold",
    );

    // Neither SET nor timestamp: nothing vouches for a time.
    for version in [BundleVersion::V02, BundleVersion::V03] {
        let opts = BundleOptions {
            with_inclusion_promise: false,
            ..options(version, CONTENTS[0], None, false)
        };
        expect_err(
            strict.verify(&to_bytes(&inst.bundle(&opts, ARTIFACT)), &art, &pol, NOW),
            Check::VerifiedTime,
            &["no verified time"],
            &format!("{opts:?}"),
        );
    }
    // ...nor with no log entry at all.
    let opts = BundleOptions {
        with_tlog: false,
        ..options(BundleVersion::V03, CONTENTS[0], None, false)
    };
    expect_err(
        no_tlog_needed.verify(&to_bytes(&inst.bundle(&opts, ARTIFACT)), &art, &pol, NOW),
        Check::VerifiedTime,
        &["no verified time"],
        "no tlog, no timestamp",
    );
    // Bundle v0.1 requires the SET: its absence is a format error.
    let opts = BundleOptions {
        with_inclusion_promise: false,
        ..options(BundleVersion::V01, CONTENTS[0], None, true)
    };
    expect_err(
        strict.verify(&to_bytes(&inst.bundle(&opts, ARTIFACT)), &art, &pol, NOW),
        Check::BundleFormat,
        &["inclusionPromise"],
        "v0.1 without SET",
    );
    // Bundle v0.2+ requires the inclusion proof.
    let opts = BundleOptions {
        with_inclusion_proof: false,
        ..options(BundleVersion::V03, CONTENTS[0], None, true)
    };
    expect_err(
        strict.verify(&to_bytes(&inst.bundle(&opts, ARTIFACT)), &art, &pol, NOW),
        Check::BundleFormat,
        &["inclusionProof"],
        "v0.3 without proof",
    );

    // `now` before a verified time.
    let good = to_bytes(&inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    ));
    expect_ok(
        strict.verify(&good, &art, &pol, TS_TIME),
        "now = the latest verified time",
    );
    for now in [T - 1, TS_TIME - 1, 0] {
        expect_err(
            strict.verify(&good, &art, &pol, now),
            Check::VerifiedTime,
            &["after the current time"],
            &format!("now {now}"),
        );
    }

    // A required timestamp.
    let mut o = VerifierOptions::default();
    o.timestamp_threshold = 1;
    let ts_needed = Verifiers::new(&root, o);
    expect_ok(
        ts_needed.verify(&good, &art, &pol, NOW),
        "timestamp threshold 1, one timestamp",
    );
    let no_ts = to_bytes(&inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, false),
        ARTIFACT,
    ));
    expect_err(
        ts_needed.verify(&no_ts, &art, &pol, NOW),
        Check::Timestamp,
        &["at least 1"],
        "timestamp threshold 1, no timestamp",
    );

    // The SCT threshold: 0 accepts a certificate without SCTs, the default does not.
    let mut o = VerifierOptions::default();
    o.sct_threshold = 0;
    let no_sct_needed = Verifiers::new(&root, o);
    let no_sct = to_bytes(&inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true).with_fault(Fault::NoSct),
        ARTIFACT,
    ));
    expect_ok(
        no_sct_needed.verify(&no_sct, &art, &pol, NOW),
        "SCT threshold 0",
    );
    expect_err(
        strict.verify(&no_sct, &art, &pol, NOW),
        Check::CertificateTransparency,
        &["SCT"],
        "default SCT threshold",
    );
}

// ------------------------------------------------------------------------------------------
// 6. Hand-edited bundles (no re-signing)
// ------------------------------------------------------------------------------------------

/// A copy of `base` with `edit` applied, as bytes.
fn edited(base: &Value, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = base.clone();
    edit(&mut v);
    to_bytes(&v)
}

/// The value at a JSON pointer (panics if absent: the edits target fields the testkit writes).
fn at<'v>(v: &'v mut Value, pointer: &str) -> &'v mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer} is not in the bundle"))
}

/// XORs one byte (index from the end when negative) of the base64 bytes at `pointer`.
fn flip(v: &mut Value, pointer: &str, index: isize) {
    let field = at(v, pointer);
    let mut bytes = unb64(field.as_str().expect("a base64 string"));
    let i = if index < 0 {
        bytes.len() - index.unsigned_abs()
    } else {
        index.unsigned_abs()
    };
    bytes[i] ^= 0x01;
    *field = json!(b64(bytes));
}

/// Removes the object member named by the last segment of `pointer`.
fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let parent = if parent.is_empty() { v } else { at(v, parent) };
    assert!(
        parent
            .as_object_mut()
            .expect("an object")
            .remove(key)
            .is_some(),
        "{pointer} is not in the bundle"
    );
}

const VM: &str = "/verificationMaterial";
const ENTRY: &str = "/verificationMaterial/tlogEntries/0";
const PROOF: &str = "/verificationMaterial/tlogEntries/0/inclusionProof";
const TS: &str =
    "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp";

#[test]
fn edited_bundles_fail_the_check_that_covers_the_field() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let pol = identity_policy();
    let msg = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    );
    let dsse = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[1], None, true),
        ARTIFACT,
    );
    // No SET: edits to the log entry must be caught by the inclusion proof alone.
    let proof_only = inst.bundle(
        &BundleOptions {
            with_inclusion_promise: false,
            ..options(BundleVersion::V03, CONTENTS[0], None, true)
        },
        ARTIFACT,
    );
    let checkpoint = |b: &Value| {
        b.pointer(&format!("{PROOF}/checkpoint/envelope"))
            .and_then(Value::as_str)
            .expect("checkpoint")
            .to_owned()
    };
    let cp = checkpoint(&msg);
    let tree_size = msg
        .pointer(&format!("{PROOF}/treeSize"))
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let cp_other_size = cp.replacen(&format!("\n{tree_size}\n"), "\n41\n", 1);
    let cp_extra_line = cp.replacen("\n\n", "\nTimestamp: 1\n\n", 1);
    assert_ne!(cp_other_size, cp);
    assert_ne!(cp_extra_line, cp);
    let reindented_body = |b: &Value| {
        let body = b
            .pointer(&format!("{ENTRY}/canonicalizedBody"))
            .unwrap()
            .as_str()
            .unwrap();
        let parsed: Value = serde_json::from_slice(&unb64(body)).unwrap();
        b64(serde_json::to_vec_pretty(&parsed).unwrap())
    };
    let other_statement = b64(statement_for("another-name.bin", ARTIFACT));

    type Edit<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let cases: Vec<(&str, &Value, Edit<'_>, Check, &[&str])> = vec![
        (
            "message signature byte",
            &msg,
            Box::new(|b| flip(b, "/messageSignature/signature", -1)),
            Check::Signature,
            &["message signature"],
        ),
        (
            "certificate DER header byte",
            &msg,
            Box::new(|b| flip(b, &format!("{VM}/certificate/rawBytes"), 0)),
            Check::Certificate,
            &["certificate"],
        ),
        (
            "messageDigest byte",
            &msg,
            Box::new(|b| flip(b, "/messageSignature/messageDigest/digest", 0)),
            Check::Artifact,
            &["messageDigest"],
        ),
        (
            "inclusion proof hash",
            &msg,
            Box::new(|b| flip(b, &format!("{PROOF}/hashes/0"), 3)),
            Check::TransparencyLog,
            &["inclusion proof"],
        ),
        (
            "inclusion proof hash (no SET)",
            &proof_only,
            Box::new(|b| flip(b, &format!("{PROOF}/hashes/2"), 31)),
            Check::TransparencyLog,
            &["inclusion proof"],
        ),
        (
            "rootHash",
            &msg,
            Box::new(|b| flip(b, &format!("{PROOF}/rootHash"), 0)),
            Check::TransparencyLog,
            &["inclusion proof", "root"],
        ),
        (
            "proof logIndex",
            &proof_only,
            Box::new(|b| *at(b, &format!("{PROOF}/logIndex")) = json!("22")),
            Check::TransparencyLog,
            &["inclusion proof"],
        ),
        (
            "entry logIndex",
            &msg,
            Box::new(|b| *at(b, &format!("{ENTRY}/logIndex")) = json!("7000024")),
            Check::TransparencyLog,
            &["SET"],
        ),
        (
            "integratedTime",
            &msg,
            Box::new(|b| *at(b, &format!("{ENTRY}/integratedTime")) = json!((T - 1).to_string())),
            Check::TransparencyLog,
            &["SET"],
        ),
        (
            "integratedTime removed (0) with a SET",
            &msg,
            Box::new(|b| remove(b, &format!("{ENTRY}/integratedTime"))),
            Check::TransparencyLog,
            &["integrated time"],
        ),
        (
            "SET byte",
            &msg,
            Box::new(|b| {
                flip(
                    b,
                    &format!("{ENTRY}/inclusionPromise/signedEntryTimestamp"),
                    -1,
                )
            }),
            Check::TransparencyLog,
            &["SET"],
        ),
        (
            "logId keyId",
            &msg,
            Box::new(|b| flip(b, &format!("{ENTRY}/logId/keyId"), 0)),
            Check::TransparencyLog,
            &["log id", "not a transparency log of the trusted root"],
        ),
        (
            "checkpoint tree size",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/checkpoint/envelope")) = json!(cp_other_size)),
            Check::TransparencyLog,
            &["checkpoint", "does not match the proof"],
        ),
        (
            "checkpoint extra body line",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/checkpoint/envelope")) = json!(cp_extra_line)),
            Check::TransparencyLog,
            &["checkpoint signature"],
        ),
        (
            "checkpoint without signature lines",
            &msg,
            Box::new(|b| {
                let body = cp.split_once("\n\n").unwrap().0;
                *at(b, &format!("{PROOF}/checkpoint/envelope")) = json!(format!("{body}\n\n"));
            }),
            Check::TransparencyLog,
            &["checkpoint"],
        ),
        (
            "canonicalizedBody re-indented (same content)",
            &msg,
            Box::new(|b| {
                *at(b, &format!("{ENTRY}/canonicalizedBody")) = json!(reindented_body(&msg))
            }),
            Check::TransparencyLog,
            &["SET"],
        ),
        (
            "canonicalizedBody re-indented (same content, no SET)",
            &proof_only,
            Box::new(|b| {
                *at(b, &format!("{ENTRY}/canonicalizedBody")) = json!(reindented_body(&proof_only))
            }),
            Check::TransparencyLog,
            &["inclusion proof"],
        ),
        (
            "canonicalizedBody of another entry",
            &msg,
            Box::new(|b| {
                let other = dsse
                    .pointer(&format!("{ENTRY}/canonicalizedBody"))
                    .unwrap()
                    .clone();
                *at(b, &format!("{ENTRY}/canonicalizedBody")) = other;
            }),
            Check::TransparencyLog,
            &["entry body"],
        ),
        (
            "kindVersion",
            &msg,
            Box::new(|b| *at(b, &format!("{ENTRY}/kindVersion/version")) = json!("0.0.2")),
            Check::TransparencyLog,
            &["kindVersion"],
        ),
        (
            "timestamp last byte (CMS signature)",
            &msg,
            Box::new(|b| flip(b, TS, -1)),
            Check::Timestamp,
            &["timestamp"],
        ),
        (
            "DSSE payload (another statement about the same artifact)",
            &dsse,
            Box::new(|b| *at(b, "/dsseEnvelope/payload") = json!(other_statement)),
            Check::Signature,
            &["DSSE signature"],
        ),
        (
            "DSSE payloadType",
            &dsse,
            Box::new(|b| *at(b, "/dsseEnvelope/payloadType") = json!("application/json")),
            Check::Statement,
            &["payloadType"],
        ),
        (
            "DSSE signature byte",
            &dsse,
            Box::new(|b| flip(b, "/dsseEnvelope/signatures/0/sig", -1)),
            Check::Signature,
            &["DSSE signature"],
        ),
        (
            "proof logIndex = treeSize",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/logIndex")) = json!(tree_size.clone())),
            Check::TransparencyLog,
            &["inclusion proof", "not below tree size"],
        ),
        (
            "treeSize 0",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/treeSize")) = json!("0")),
            Check::TransparencyLog,
            &["inclusion proof"],
        ),
        (
            "treeSize huge",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/treeSize")) = json!(i64::MAX.to_string())),
            Check::TransparencyLog,
            &["inclusion proof", "fewer"],
        ),
        (
            "one proof hash too many",
            &msg,
            Box::new(|b| {
                at(b, &format!("{PROOF}/hashes"))
                    .as_array_mut()
                    .unwrap()
                    .push(json!(b64([7u8; 32])))
            }),
            Check::TransparencyLog,
            &["inclusion proof", "more than the tree needs"],
        ),
        (
            "no proof hashes",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/hashes")) = json!([])),
            Check::TransparencyLog,
            &["inclusion proof", "fewer than the tree needs"],
        ),
        (
            "a 31-byte proof hash",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/hashes/1")) = json!(b64([7u8; 31]))),
            Check::TransparencyLog,
            &["inclusion proof", "31 bytes"],
        ),
        (
            "canonicalizedBody not JSON",
            &msg,
            Box::new(|b| *at(b, &format!("{ENTRY}/canonicalizedBody")) = json!(b64("not json"))),
            Check::TransparencyLog,
            &["entry body", "not JSON"],
        ),
        (
            "canonicalizedBody empty",
            &msg,
            Box::new(|b| *at(b, &format!("{ENTRY}/canonicalizedBody")) = json!("")),
            Check::TransparencyLog,
            &["entry body"],
        ),
        (
            "checkpoint empty",
            &msg,
            Box::new(|b| *at(b, &format!("{PROOF}/checkpoint/envelope")) = json!("")),
            Check::TransparencyLog,
            &["checkpoint"],
        ),
        (
            "checkpoint size not decimal",
            &msg,
            Box::new(|b| {
                let t = cp.replacen(&format!("\n{tree_size}\n"), "\n0x28\n", 1);
                *at(b, &format!("{PROOF}/checkpoint/envelope")) = json!(t)
            }),
            Check::TransparencyLog,
            &["checkpoint", "tree size"],
        ),
        (
            "checkpoint signature line without em dash",
            &msg,
            Box::new(|b| {
                *at(b, &format!("{PROOF}/checkpoint/envelope")) =
                    json!(cp.replacen("\u{2014} ", "- ", 1))
            }),
            Check::TransparencyLog,
            &["checkpoint", "em dash"],
        ),
    ];
    for (name, base, edit, check, needles) in &cases {
        let bytes = edited(base, edit);
        expect_err(v.verify(&bytes, &art, &pol, NOW), *check, needles, name);
    }
}

#[test]
fn a_tampered_certificate_is_rejected() {
    // Flip the last byte of the leaf (inside the CA's signature): the certificate still parses
    // and its key still verifies the artifact signature, but the CA never issued it.
    let inst = Instance::new();
    let strict = Verifiers::default_for(&inst);
    let mut o = VerifierOptions::default();
    o.tlog_threshold = 0;
    let no_tlog_needed = Verifiers::new(&inst.trusted_root(), o);
    let art = Artifact::Bytes(ARTIFACT);
    for version in VERSIONS {
        let pointer = match version {
            BundleVersion::V03 => format!("{VM}/certificate/rawBytes"),
            _ => format!("{VM}/x509CertificateChain/certificates/0/rawBytes"),
        };
        // With a log entry, the entry records the certificate that was really used, and the
        // verifier cross-checks the log body (step 4) before path validation (step 7): the
        // failure names the log entry's public key.
        let bundle = inst.bundle(&options(version, CONTENTS[0], None, true), ARTIFACT);
        let bytes = edited(&bundle, |b| flip(b, &pointer, -1));
        expect_err(
            strict.verify(&bytes, &art, &identity_policy(), NOW),
            Check::TransparencyLog,
            &[
                "entry body",
                "public key does not match the bundle",
                "CERTIFICATE",
            ],
            &format!("{version:?} with a log entry"),
        );
        // With only a timestamp, nothing else covers the certificate: path validation fails.
        let opts = BundleOptions {
            with_tlog: false,
            ..options(version, CONTENTS[0], None, true)
        };
        let bytes = edited(&inst.bundle(&opts, ARTIFACT), |b| flip(b, &pointer, -1));
        expect_err(
            no_tlog_needed.verify(&bytes, &art, &identity_policy(), NOW),
            Check::Certificate,
            &["path validation"],
            &format!("{version:?} without a log entry"),
        );
    }
}

#[test]
fn chains_may_carry_intermediates_but_only_the_leaf_is_used() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let chain = format!("{VM}/x509CertificateChain/certificates");
    for version in [BundleVersion::V01, BundleVersion::V02] {
        let opts = options(version, CONTENTS[0], None, true);
        let bundle = inst.bundle(&opts, ARTIFACT);
        // The leaf followed by the intermediate (and the trusted root), as sigstore-js writes
        // v0.1 bundles: verifies.
        let with_intermediate = edited(&bundle, |b| {
            let certs = at(b, &chain).as_array_mut().unwrap();
            certs.push(json!({"rawBytes": b64(inst.intermediate_ca_der())}));
            certs.push(json!({"rawBytes": b64(inst.root_ca_der())}));
        });
        let r = expect_ok(
            v.verify(&with_intermediate, &art, &identity_policy(), NOW),
            "leaf + intermediate",
        );
        check_result(&r, &opts, &bundle, "leaf + intermediate");
        // A rogue intermediate in the bundle does not help a rogue leaf: the issuer must be
        // in the trusted root.
        let rogue_opts = opts.clone().with_fault(Fault::CertUntrustedCa);
        let rogue = inst.bundle(&rogue_opts, ARTIFACT);
        let rogue_chain = edited(&rogue, |b| {
            at(b, &chain)
                .as_array_mut()
                .unwrap()
                .push(json!({"rawBytes": b64(inst.intermediate_ca_der())}))
        });
        expect_err(
            v.verify(&rogue_chain, &art, &identity_policy(), NOW),
            Check::Certificate,
            &["trusted root"],
            "rogue leaf + trusted intermediate",
        );
    }
}

#[test]
fn timestamp_byte_flips_never_verify_as_another_time() {
    // Any single-byte change in the signed part of the token must fail as a timestamp problem;
    // none may panic. So must every change inside the certificate the token embeds (it is read,
    // not replaced by the trusted root's copy). Bytes outside both (e.g. the PKIStatus) may
    // still verify.
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let pol = identity_policy();
    let bundle = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    );
    let token = unb64(bundle.pointer(TS).unwrap().as_str().unwrap());
    let len = token.len();
    let tsa = inst.tsa_leaf_der();
    let cert_at = token
        .windows(tsa.len())
        .position(|w| w == tsa)
        .expect("the token embeds the TSA certificate");
    let in_cert = cert_at..cert_at + tsa.len();
    let mut failed = 0;
    let sampled = (0..len).step_by(len / 40 + 1);
    for i in sampled.chain(in_cert.clone().step_by(7)) {
        let bytes = edited(&bundle, |b| flip(b, TS, i as isize));
        match v.verify(&bytes, &art, &pol, NOW) {
            Ok(_) if in_cert.contains(&i) => {
                panic!("byte {i}, inside the embedded certificate, changed: verified")
            }
            Ok(r) => {
                // If it verifies, it reports the true genTime.
                assert!(
                    r.verified_times
                        .iter()
                        .any(|t| t.time == TS_TIME
                            && matches!(t.source, TimeSource::Timestamp { .. })),
                    "byte {i}: {:?}",
                    r.verified_times
                );
            }
            Err(e) => {
                assert_eq!(e.check(), Check::Timestamp, "byte {i}: {e}");
                failed += 1;
            }
        }
    }
    assert!(failed > 0);
}

#[test]
fn malformed_bundles_are_format_errors() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let pol = identity_policy();
    let msg = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    );
    let v02 = inst.bundle(
        &options(BundleVersion::V02, CONTENTS[0], None, true),
        ARTIFACT,
    );
    let dsse = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[1], None, true),
        ARTIFACT,
    );

    // Unknown media types.
    for media_type in [
        "application/vnd.dev.sigstore.bundle+json;version=0.4",
        "application/vnd.dev.sigstore.bundle.v0.4+json",
        "application/json",
        "",
    ] {
        let bytes = edited(&msg, |b| b["mediaType"] = json!(media_type));
        let e = expect_err(
            v.verify(&bytes, &art, &pol, NOW),
            Check::BundleFormat,
            &["media type"],
            media_type,
        );
        assert_eq!(e.code(), "unsupported-media-type", "{e}");
    }

    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, base: &Value, edit: &dyn Fn(&mut Value)| {
        let mut b = base.clone();
        edit(&mut b);
        cases.push((name.to_owned(), to_bytes(&b)));
    };

    // Missing required fields.
    for pointer in [
        "/mediaType".to_owned(),
        VM.to_owned(),
        "/messageSignature".to_owned(),
        "/messageSignature/signature".to_owned(),
        "/messageSignature/messageDigest/algorithm".to_owned(),
        "/messageSignature/messageDigest/digest".to_owned(),
        format!("{VM}/certificate"),
        format!("{VM}/certificate/rawBytes"),
        format!("{ENTRY}/logIndex"),
        format!("{ENTRY}/logId"),
        format!("{ENTRY}/logId/keyId"),
        format!("{ENTRY}/kindVersion"),
        format!("{ENTRY}/kindVersion/kind"),
        format!("{ENTRY}/kindVersion/version"),
        format!("{ENTRY}/canonicalizedBody"),
        format!("{ENTRY}/inclusionPromise/signedEntryTimestamp"),
        PROOF.to_owned(),
        format!("{PROOF}/logIndex"),
        format!("{PROOF}/rootHash"),
        format!("{PROOF}/treeSize"),
        format!("{PROOF}/checkpoint"),
        format!("{PROOF}/checkpoint/envelope"),
        TS.to_owned(),
    ] {
        add(&format!("missing {pointer}"), &msg, &|b| {
            remove(b, &pointer)
        });
    }
    for pointer in [
        "/dsseEnvelope/payload",
        "/dsseEnvelope/payloadType",
        "/dsseEnvelope/signatures",
        "/dsseEnvelope/signatures/0/sig",
    ] {
        add(&format!("missing {pointer}"), &dsse, &|b| {
            remove(b, pointer)
        });
    }

    // Wrong JSON types.
    let wrong_types: Vec<(String, Value)> = vec![
        ("/mediaType".into(), json!(3)),
        (VM.into(), json!([])),
        (format!("{VM}/tlogEntries"), json!({})),
        (format!("{VM}/certificate"), json!("MII=")),
        (format!("{ENTRY}/logIndex"), json!({})),
        (format!("{ENTRY}/logIndex"), json!(true)),
        (format!("{ENTRY}/logIndex"), json!(1.5)),
        (format!("{ENTRY}/integratedTime"), json!("soon")),
        (format!("{ENTRY}/integratedTime"), json!([1])),
        (format!("{ENTRY}/kindVersion"), json!("hashedrekord")),
        (format!("{PROOF}/hashes"), json!("AAAA")),
        (format!("{PROOF}/hashes"), json!([1, 2])),
        (format!("{PROOF}/treeSize"), json!(null)),
        ("/messageSignature/signature".into(), json!(12)),
        ("/messageSignature".into(), json!("sig")),
    ];
    for (pointer, value) in &wrong_types {
        add(&format!("{pointer} = {value}"), &msg, &|b| {
            *at(b, pointer) = value.clone()
        });
    }

    // Out-of-range and non-canonical integers.
    for (pointer, value) in [
        (format!("{ENTRY}/logIndex"), json!("-1")),
        (format!("{ENTRY}/logIndex"), json!(-1)),
        (format!("{ENTRY}/logIndex"), json!("")),
        (format!("{ENTRY}/logIndex"), json!("1e3")),
        (format!("{ENTRY}/logIndex"), json!(" 7")),
        (
            format!("{ENTRY}/logIndex"),
            json!("99999999999999999999999"),
        ),
        (format!("{ENTRY}/integratedTime"), json!("-5")),
        (format!("{PROOF}/logIndex"), json!("-23")),
        (format!("{PROOF}/treeSize"), json!(-40)),
    ] {
        add(&format!("{pointer} = {value}"), &msg, &|b| {
            *at(b, &pointer) = value.clone()
        });
    }

    // Bad base64.
    for pointer in [
        "/messageSignature/signature".to_owned(),
        "/messageSignature/messageDigest/digest".to_owned(),
        format!("{VM}/certificate/rawBytes"),
        format!("{ENTRY}/logId/keyId"),
        format!("{ENTRY}/canonicalizedBody"),
        format!("{ENTRY}/inclusionPromise/signedEntryTimestamp"),
        format!("{PROOF}/rootHash"),
        format!("{PROOF}/hashes/0"),
        TS.to_owned(),
    ] {
        add(&format!("{pointer} not base64"), &msg, &|b| {
            *at(b, &pointer) = json!("not base64!")
        });
        add(&format!("{pointer} unpadded"), &msg, &|b| {
            let s = at(b, &pointer)
                .as_str()
                .unwrap()
                .trim_end_matches('=')
                .to_owned();
            let s = if s.len().is_multiple_of(4) {
                format!("{s}A")
            } else {
                s
            };
            *at(b, &pointer) = json!(s);
        });
        add(&format!("{pointer} url-safe"), &msg, &|b| {
            *at(b, &pointer) = json!("-_-_");
        });
    }
    add("DSSE payload not base64", &dsse, &|b| {
        *at(b, "/dsseEnvelope/payload") = json!("{}")
    });

    // Shape rules of the bundle specification.
    add("messageDigest of the wrong length", &msg, &|b| {
        *at(b, "/messageSignature/messageDigest/digest") = json!(b64([0u8; 31]))
    });
    add("unknown digest algorithm", &msg, &|b| {
        *at(b, "/messageSignature/messageDigest/algorithm") = json!("MD5")
    });
    add("both messageSignature and dsseEnvelope", &msg, &|b| {
        b["dsseEnvelope"] = dsse["dsseEnvelope"].clone()
    });
    add("certificate and publicKey", &msg, &|b| {
        b["verificationMaterial"]["publicKey"] = json!({"hint": "x"})
    });
    add("v0.3 with a certificate chain", &v02, &|b| {
        b["mediaType"] = json!(BundleVersion::V03.media_type())
    });
    add("empty certificate chain", &v02, &|b| {
        *at(b, &format!("{VM}/x509CertificateChain/certificates")) = json!([])
    });
    add(
        "chain with a self-signed root not in the trusted root",
        &v02,
        &|b| {
            at(b, &format!("{VM}/x509CertificateChain/certificates"))
                .as_array_mut()
                .unwrap()
                .push(json!({"rawBytes": b64(inst.rogue_root_ca_der())}))
        },
    );
    add(
        "a self-signed root as the signing certificate",
        &v02,
        &|b| {
            *at(
                b,
                &format!("{VM}/x509CertificateChain/certificates/0/rawBytes"),
            ) = json!(b64(inst.root_ca_der()))
        },
    );
    add("a self-signed root as the v0.3 certificate", &msg, &|b| {
        *at(b, &format!("{VM}/certificate/rawBytes")) = json!(b64(inst.root_ca_der()))
    });
    add("empty certificate", &msg, &|b| {
        *at(b, &format!("{VM}/certificate/rawBytes")) = json!("")
    });
    add("no DSSE signature", &dsse, &|b| {
        *at(b, "/dsseEnvelope/signatures") = json!([])
    });
    add("two DSSE signatures", &dsse, &|b| {
        let s = b["dsseEnvelope"]["signatures"][0].clone();
        at(b, "/dsseEnvelope/signatures")
            .as_array_mut()
            .unwrap()
            .push(s);
    });

    // Not a bundle at all.
    let good = to_bytes(&msg);
    cases.push(("empty input".into(), Vec::new()));
    cases.push(("null".into(), b"null".to_vec()));
    cases.push(("an array".into(), b"[]".to_vec()));
    cases.push(("not UTF-8".into(), vec![0xff, 0xfe, b'{', b'}']));
    cases.push(("trailing garbage".into(), [good.as_slice(), b"}"].concat()));
    for cut in (1..good.len()).step_by(good.len() / 60 + 1) {
        cases.push((format!("truncated at {cut}"), good[..cut].to_vec()));
    }

    for (name, bytes) in &cases {
        let e = expect_err(
            v.verify(bytes, &art, &pol, NOW),
            Check::BundleFormat,
            &[],
            name,
        );
        assert!(
            matches!(
                e.code(),
                "invalid-json" | "invalid-bundle" | "invalid-encoding" | "unsupported-media-type"
            ),
            "{name}: {e} ({})",
            e.code()
        );
        if name.starts_with("truncated") {
            assert_eq!(e.code(), "invalid-json", "{name}: {e}");
        }
    }
}

#[test]
fn encoding_errors_inside_log_structures_are_transparency_log_errors() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let art = Artifact::Bytes(ARTIFACT);
    let msg = inst.bundle(
        &options(BundleVersion::V03, CONTENTS[0], None, true),
        ARTIFACT,
    );
    let cp_ptr = format!("{PROOF}/checkpoint/envelope");
    let cp = msg.pointer(&cp_ptr).unwrap().as_str().unwrap().to_owned();
    let lines: Vec<&str> = cp.lines().collect();
    let (root_line, sig) = (lines[2], lines[4].rsplit_once(' ').unwrap().1);
    let body_ptr = format!("{ENTRY}/canonicalizedBody");
    let body: Value =
        serde_json::from_slice(&unb64(msg.pointer(&body_ptr).unwrap().as_str().unwrap())).unwrap();
    let with_body = |pointer: &str, value: Value| {
        let mut b = body.clone();
        *b.pointer_mut(pointer).unwrap() = value;
        json!(b64(serde_json::to_vec(&b).unwrap()))
    };
    let cases = [
        (
            "checkpoint root hash not base64",
            cp_ptr.clone(),
            json!(cp.replacen(root_line, "not*base64", 1)),
            "checkpoint",
        ),
        (
            "checkpoint signature not base64",
            cp_ptr.clone(),
            json!(cp.replacen(sig, "***", 1)),
            "checkpoint",
        ),
        (
            "body signature not base64",
            body_ptr.clone(),
            with_body("/spec/signature/content", json!("***")),
            "entry body",
        ),
        (
            "body public key not base64",
            body_ptr.clone(),
            with_body("/spec/signature/publicKey/content", json!("***")),
            "entry body",
        ),
        (
            "body public key not PEM",
            body_ptr.clone(),
            with_body("/spec/signature/publicKey/content", json!(b64("not pem"))),
            "entry body",
        ),
    ];
    for (name, pointer, value, needle) in cases {
        let bytes = edited(&msg, |b| *at(b, &pointer) = value);
        expect_err(
            v.verify(&bytes, &art, &identity_policy(), NOW),
            Check::TransparencyLog,
            &[needle, "entry 0"],
            name,
        );
    }
}

/// The trusted root's chains: each certificate must be signed by the next. A root whose CA (or
/// TSA) chain ends in a lookalike (same name, another key) builds a verifier (the signatures are
/// checked on first use), is refused by `check_trusted_root`, and refuses every bundle that needs
/// that authority, naming the trusted root; a bundle that does not need it still verifies.
#[test]
fn trusted_root_chain_signatures_are_checked_on_first_use() {
    let inst = Instance::new();
    let policy = identity_policy();
    let cases = [
        ("certificateAuthorities", inst.lookalike_root_ca_der()),
        ("timestampAuthorities", inst.lookalike_tsa_root_der()),
    ];
    for (field, lookalike) in cases {
        let mut root = inst.trusted_root();
        let certs = root[field][0]["certChain"]["certificates"]
            .as_array_mut()
            .expect("a chain");
        assert_eq!(certs.len(), 2, "{field}");
        certs[1] = json!({ "rawBytes": b64(&lookalike) });
        let tr = TrustedRoot::from_json(&to_bytes(&root)).expect("the trusted root parses");
        for backend in Backend::all() {
            let case = format!("{field} / {}", backend.name());
            let v = Verifier::with_options(&tr, VerifierOptions::default(), *backend)
                .unwrap_or_else(|e| panic!("{case}: {e}"));
            let e = v.check_trusted_root().expect_err(&case);
            assert_eq!(e.check(), Check::TrustedRoot, "{case}: {e}");
            let msg = e.to_string();
            assert!(
                msg.contains(field) && msg.contains("signature by certificate 1 does not verify"),
                "{case}: {msg}"
            );
            for ts in [true, false] {
                let opts = options(BundleVersion::V03, CONTENTS[0], None, ts);
                let bytes = to_bytes(&inst.bundle(&opts, ARTIFACT));
                let r = v.verify_json(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW);
                let needs_it = field == "certificateAuthorities" || ts;
                if needs_it {
                    expect_err(
                        r,
                        Check::TrustedRoot,
                        &[field, "signature by certificate 1 does not verify"],
                        &format!("{case}, timestamp {ts}"),
                    );
                } else {
                    expect_ok(r, &format!("{case}, timestamp {ts}"));
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// 7. ECDSA P-384 and P-521 keys that signed SHA-256 (older clients)
// ------------------------------------------------------------------------------------------

/// A bundle signed with `ecdsa` (Fulcio leaf or managed key), as a v0.1 or v0.3 bundle.
fn ecdsa_options(
    ecdsa: Ecdsa,
    version: BundleVersion,
    content: (Content, EntryKind),
    signer: Option<ManagedKey>,
) -> BundleOptions {
    BundleOptions {
        ecdsa,
        ..options(version, content, signer, true)
    }
}

/// The artifact's digest in `alg`, as a caller would give it (computed by the testkit).
fn digest_in(alg: HashKind) -> Artifact<'static> {
    Artifact::parse_digest(&format!(
        "{}:{}",
        alg.name(),
        hex::encode(alg.digest(ARTIFACT))
    ))
    .unwrap()
}

/// Every shape a P-384 or P-521 key signs in: both versions' log proofs, message signatures
/// and DSSE, Fulcio leaf and managed key, Rekor v1 and v2.
fn ecdsa_shapes(ecdsa: Ecdsa) -> Vec<BundleOptions> {
    let mut all = Vec::new();
    for version in [BundleVersion::V01, BundleVersion::V03] {
        for content in [CONTENTS[0], CONTENTS[1]] {
            for signer in [None, Some(ManagedKey::P256)] {
                all.push(ecdsa_options(ecdsa, version, content, signer));
            }
        }
    }
    for (content, kind) in [
        (Content::MessageSignature, RekorV2Entry::HashedRekord002),
        (Content::Dsse, RekorV2Entry::HashedRekord002),
    ] {
        for signer in [None, Some(ManagedKey::P256)] {
            all.push(BundleOptions {
                ecdsa,
                managed_key: signer,
                timestamp_time: Some(TS_TIME as u64),
                ..BundleOptions::rekor_v2(content, kind)
            });
        }
    }
    all
}

/// `check_result` for the v1 shapes; for Rekor v2 ones (no SET), the entry and the hash.
fn check_ecdsa_result(r: &VerificationResult, opts: &BundleOptions, bundle: &Value, case: &str) {
    if opts.rekor_v2.is_none() {
        return check_result(r, opts, bundle, case);
    }
    assert_eq!(r.log_entries.len(), 1, "{case}");
    let e = &r.log_entries[0];
    assert_eq!(
        (e.kind.as_str(), e.version.as_str()),
        ("hashedrekord", "0.0.2"),
        "{case}"
    );
    assert_eq!(
        r.signature_digest_algorithm,
        Some(hash_alg(opts.ecdsa.hash())),
        "{case}"
    );
}

#[test]
fn p384_and_p521_keys_that_signed_sha256_verify() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (ecdsa, own) in [
        (Ecdsa::P384Sha256, HashKind::Sha384),
        (Ecdsa::P521Sha256, HashKind::Sha512),
    ] {
        for opts in ecdsa_shapes(ecdsa) {
            let case = format!("{opts:?}");
            let bundle = inst.bundle(&opts, ARTIFACT);
            let bytes = to_bytes(&bundle);
            let policy = policy_for(&inst, &opts);

            // With the bytes: the curve's hash fails, SHA-256 verifies.
            let r = expect_ok(
                v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
                &case,
            );
            check_ecdsa_result(&r, &opts, &bundle, &case);
            assert_eq!(r.signature_digest_algorithm, Some(HashAlg::Sha256));

            // With `sha256:` (the digest the bundle names): verifies the same way.
            let r = expect_ok(
                v.verify(&bytes, &digest_in(HashKind::Sha256), &policy, NOW),
                &format!("{case} (sha256 digest)"),
            );
            check_ecdsa_result(&r, &opts, &bundle, &case);

            let parsed = sigverify::Bundle::from_json(&bytes).unwrap();
            if opts.content == Content::Dsse {
                continue;
            }
            // A streaming caller hashes what the messageDigest names.
            assert_eq!(
                parsed.artifact_digest_algorithm_for(&policy),
                Some(HashAlg::Sha256),
                "{case}"
            );
            let want = opts.managed_key.is_none().then_some(HashAlg::Sha256);
            assert_eq!(parsed.artifact_digest_algorithm(), want, "{case}");

            // The curve's own hash is a digest the bundle does not name: refused, precisely.
            let e = expect_err(
                v.verify(&bytes, &digest_in(own), &policy, NOW),
                Check::Artifact,
                &[
                    "messageDigest names sha256",
                    "expected a sha256 digest",
                    &format!("found a {} digest", own.name()),
                ],
                &format!("{case} ({} digest)", own.name()),
            );
            assert_eq!(e.code(), "invalid-artifact", "{case}");
        }
    }
}

#[test]
fn p384_and_p521_keys_over_their_own_hash_still_verify() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (ecdsa, own) in [
        (Ecdsa::P384Sha384, HashKind::Sha384),
        (Ecdsa::P521Sha512, HashKind::Sha512),
    ] {
        for opts in ecdsa_shapes(ecdsa) {
            let case = format!("{opts:?}");
            let bundle = inst.bundle(&opts, ARTIFACT);
            let bytes = to_bytes(&bundle);
            let policy = policy_for(&inst, &opts);
            let r = expect_ok(
                v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
                &case,
            );
            check_ecdsa_result(&r, &opts, &bundle, &case);
            assert_eq!(r.signature_digest_algorithm, Some(hash_alg(own)), "{case}");
            if opts.content == Content::Dsse {
                // The subjects name sha256; the envelope was signed over the curve's hash.
                let r = expect_ok(
                    v.verify(&bytes, &digest_in(HashKind::Sha256), &policy, NOW),
                    &case,
                );
                check_ecdsa_result(&r, &opts, &bundle, &case);
                continue;
            }
            let r = expect_ok(
                v.verify(&bytes, &digest_in(own), &policy, NOW),
                &format!("{case} ({} digest)", own.name()),
            );
            check_ecdsa_result(&r, &opts, &bundle, &case);
            let parsed = sigverify::Bundle::from_json(&bytes).unwrap();
            assert_eq!(
                parsed.artifact_digest_algorithm_for(&policy),
                Some(hash_alg(own)),
                "{case}"
            );
            // SHA-256 is not what this bundle names.
            expect_err(
                v.verify(&bytes, &digest_in(HashKind::Sha256), &policy, NOW),
                Check::Artifact,
                &[
                    &format!("messageDigest names {}", own.name()),
                    "found a sha256 digest",
                ],
                &format!("{case} (sha256 digest)"),
            );
        }
    }
}

#[test]
fn p256_keys_have_no_fallback() {
    // A P-256 key that signed SHA-384: never tried, whatever the bundle says.
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for signer in [None, Some(ManagedKey::P256)] {
        for version in [BundleVersion::V01, BundleVersion::V03] {
            let msg = ecdsa_options(Ecdsa::P256Sha384, version, CONTENTS[0], signer);
            let case = format!("{msg:?}");
            let bytes = to_bytes(&inst.bundle(&msg, ARTIFACT));
            let policy = policy_for(&inst, &msg);
            let e = expect_err(
                v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
                Check::Signature,
                &["the message signature over the artifact"],
                &case,
            );
            assert_eq!(e.code(), "signature-invalid", "{case}");
            assert!(!e.to_string().contains("then with"), "{case}: {e}");
            // The bundle names sha384, but a P-256 key signs only sha256 digests.
            expect_err(
                v.verify(&bytes, &digest_in(HashKind::Sha384), &policy, NOW),
                Check::Artifact,
                &[
                    "the signing key (ECDSA P-256) signs sha256 digests, but a sha384 digest was given",
                ],
                &format!("{case} (sha384 digest)"),
            );
            let parsed = sigverify::Bundle::from_json(&bytes).unwrap();
            assert_eq!(
                parsed.artifact_digest_algorithm_for(&policy),
                None,
                "{case}"
            );

            let dsse = ecdsa_options(Ecdsa::P256Sha384, version, CONTENTS[1], signer);
            let bytes = to_bytes(&inst.bundle(&dsse, ARTIFACT));
            for artifact in [Artifact::Bytes(ARTIFACT), digest_artifact()] {
                expect_err(
                    v.verify(&bytes, &artifact, &policy, NOW),
                    Check::Signature,
                    &["DSSE signature 0 over PAE"],
                    &format!("{dsse:?} {artifact:?}"),
                );
            }
        }
    }
}

#[test]
fn p384_and_p521_signatures_over_other_bytes_still_fail() {
    // The fallback is one more hash of the same bytes, never a looser check.
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for ecdsa in [Ecdsa::P384Sha256, Ecdsa::P521Sha256] {
        for signer in [None, Some(ManagedKey::P256)] {
            for content in [CONTENTS[0], CONTENTS[1]] {
                let opts = BundleOptions {
                    fault: Some(Fault::ArtifactSignature),
                    ..ecdsa_options(ecdsa, BundleVersion::V03, content, signer)
                };
                let case = format!("{opts:?}");
                let bytes = to_bytes(&inst.bundle(&opts, ARTIFACT));
                let policy = policy_for(&inst, &opts);
                let own = if ecdsa == Ecdsa::P384Sha256 {
                    "sha384"
                } else {
                    "sha512"
                };
                let with_bytes: &[&str] = match opts.content {
                    Content::MessageSignature => &[
                        "the message signature over the artifact",
                        &format!("hashed with {own}, then with sha256"),
                    ],
                    Content::Dsse => &["DSSE signature 0 over PAE"],
                };
                expect_err(
                    v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
                    Check::Signature,
                    with_bytes,
                    &case,
                );
                let with_digest: &[&str] = match opts.content {
                    Content::MessageSignature => &["the message signature over the artifact"],
                    Content::Dsse => &["DSSE signature 0 over PAE"],
                };
                expect_err(
                    v.verify(&bytes, &digest_artifact(), &policy, NOW),
                    Check::Signature,
                    with_digest,
                    &format!("{case} (sha256 digest)"),
                );
            }
        }
    }
}

#[test]
fn p384_sha256_bundles_without_a_message_digest_need_the_bytes() {
    // Without messageDigest nothing tells a streaming caller which hash the key signed: it
    // is asked for the bytes, which verify (the SHA-256 fallback), as does the digest the log
    // entry names.
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for signer in [None, Some(ManagedKey::P256)] {
        let opts = ecdsa_options(Ecdsa::P384Sha256, BundleVersion::V03, CONTENTS[0], signer);
        let case = format!("{opts:?}");
        let bytes = edited(&inst.bundle(&opts, ARTIFACT), |b| {
            remove(b, "/messageSignature/messageDigest")
        });
        let policy = policy_for(&inst, &opts);
        let parsed = sigverify::Bundle::from_json(&bytes).unwrap();
        assert_eq!(
            parsed.artifact_digest_algorithm_for(&policy),
            None,
            "{case}"
        );
        let r = expect_ok(
            v.verify(&bytes, &Artifact::Bytes(ARTIFACT), &policy, NOW),
            &case,
        );
        assert_eq!(
            r.signature_digest_algorithm,
            Some(HashAlg::Sha256),
            "{case}"
        );
        let r = expect_ok(v.verify(&bytes, &digest_artifact(), &policy, NOW), &case);
        assert_eq!(
            r.signature_digest_algorithm,
            Some(HashAlg::Sha256),
            "{case}"
        );
    }
}
// 7. Certificates inside RFC 3161 tokens
// ------------------------------------------------------------------------------------------

/// The bundle shapes the embedded-certificate cases run in, each with its verifier: a SET as
/// well as the timestamp (Rekor v1), DSSE, the timestamp as the only verified time (Rekor v2),
/// and no log at all (GitHub's instance).
fn tsa_cert_shapes(inst: &Instance) -> Vec<(&'static str, BundleOptions, Verifiers)> {
    let ts = Some(TS_TIME as u64);
    let mut github = VerifierOptions::default();
    github.tlog_threshold = 0;
    github.sct_threshold = 0;
    vec![
        (
            "rekor v1",
            options(BundleVersion::V03, CONTENTS[0], None, true),
            Verifiers::default_for(inst),
        ),
        (
            "dsse",
            options(BundleVersion::V03, CONTENTS[1], None, true),
            Verifiers::default_for(inst),
        ),
        (
            "rekor v2",
            BundleOptions {
                timestamp_time: ts,
                ..BundleOptions::rekor_v2(
                    Content::MessageSignature,
                    sigverify_testkit::RekorV2Entry::HashedRekord002,
                )
            },
            Verifiers::default_for(inst),
        ),
        (
            "github",
            BundleOptions {
                timestamp_time: ts,
                ..BundleOptions::github()
            },
            Verifiers::new(&inst.github_trusted_root(), github),
        ),
    ]
}

/// The bundle without its first token, and that token's DER.
fn split_token(bundle: &Value) -> (Value, Vec<u8>) {
    let mut rest = bundle.clone();
    let token = unb64(
        rest.pointer_mut(TS)
            .map(Value::take)
            .expect("a timestamp")
            .as_str()
            .expect("base64"),
    );
    (rest, token)
}

/// What a token embedding `cert` (or, with `other`, the TSA certificate and `other`) must do.
enum TokenVerdict {
    Verifies,
    /// Fails the timestamp check with an `Error::Timestamp` whose message has these words.
    Refused(Vec<String>),
    /// Fails the timestamp check: the one embedded certificate that is not the TSA's is not DER.
    NotDer,
}

/// RFC 5652 §5.1 / RFC 3161 §2.4.1: the certificates a token embeds are read. Each case changes
/// only the token's `SignedData.certificates` (the rest of the bundle and of the token are the
/// valid bundle's), and fails the timestamp check with a `timestamp` error naming what is wrong,
/// or verifies with the token's genTime.
#[test]
fn certificates_inside_timestamp_tokens_are_verified() {
    use sigverify_testkit::{OtherTsaCert, TsaCert};
    use TokenVerdict::*;
    let inst = Instance::new();
    let tsa_sha = hex::encode(sha256(inst.tsa_leaf_der()));
    let not_the_tsa = |variant: TsaCert| {
        let shape = BundleOptions {
            tsa_cert: variant,
            ..options(BundleVersion::V03, CONTENTS[0], None, true)
        };
        let token = split_token(&inst.bundle(&shape, ARTIFACT)).1;
        let embedded = embedded_certificates(&token);
        assert_eq!(embedded.len(), 1, "{variant:?}");
        vec![
            "timestamp 0: the token's signing certificate (SignedData.certificates[0], SHA-256"
                .to_owned(),
            hex::encode(sha256(&embedded[0])),
            format!("is not a timestamp authority's of the trusted root: {TSA_URL}: expected its certificate (SHA-256 {tsa_sha}), and the token's does not chain to it"),
            "the certificate's signature does not verify with the authority's key".to_owned(),
        ]
    };
    let cases: Vec<(&str, bool, TsaCert, Option<OtherTsaCert>, TokenVerdict)> = vec![
        ("the TSA certificate", true, TsaCert::Genuine, None, Verifies),
        ("no certificate", false, TsaCert::Genuine, None, Verifies),
        (
            "a byte of its validity changed (still DER)",
            true,
            TsaCert::ValidityChanged,
            None,
            Refused(not_the_tsa(TsaCert::ValidityChanged)),
        ),
        (
            "a byte of its validity changed (not DER)",
            true,
            TsaCert::ValidityMalformed,
            None,
            NotDer,
        ),
        (
            "a byte of its signature changed",
            true,
            TsaCert::SignatureChanged,
            None,
            Refused(not_the_tsa(TsaCert::SignatureChanged)),
        ),
        (
            "another certificate as the signer's (same issuer, serial and key; a lookalike issuer)",
            true,
            TsaCert::Lookalike,
            None,
            Refused(not_the_tsa(TsaCert::Lookalike)),
        ),
        (
            "a re-issue by the trusted TSA root",
            true,
            TsaCert::Reissued,
            None,
            Verifies,
        ),
        (
            "the TSA certificate and an unrelated one",
            true,
            TsaCert::Genuine,
            Some(OtherTsaCert::Unrelated),
            Verifies,
        ),
        (
            "only an unrelated certificate (none for the signer)",
            false,
            TsaCert::Genuine,
            Some(OtherTsaCert::Unrelated),
            Refused(vec![
                "timestamp 0: SignedData.certificates holds 1 certificate(s), none of them the one the SignerInfo names".to_owned(),
            ]),
        ),
        (
            "the TSA certificate and one that is not DER",
            true,
            TsaCert::Genuine,
            Some(OtherTsaCert::Malformed),
            NotDer,
        ),
    ];
    for (shape, base, v) in tsa_cert_shapes(&inst) {
        let good = inst.bundle(&base, ARTIFACT);
        let (good_rest, good_token) = split_token(&good);
        let policy = policy_for(&inst, &base);
        for (name, embed, tsa_cert, other, verdict) in &cases {
            let case = format!("{shape}: {name}");
            let opts = BundleOptions {
                tsa_embed_cert: *embed,
                tsa_cert: *tsa_cert,
                tsa_other_cert: *other,
                ..base.clone()
            };
            let bundle = inst.bundle(&opts, ARTIFACT);
            // Only the token's certificates differ from the valid bundle.
            let (rest, token) = split_token(&bundle);
            assert_eq!(rest, good_rest, "{case}");
            assert_eq!(
                token_parts(&token).others,
                token_parts(&good_token).others,
                "{case}"
            );
            let r = v.verify(&to_bytes(&bundle), &Artifact::Bytes(ARTIFACT), &policy, NOW);
            match verdict {
                Verifies => {
                    let r = expect_ok(r, &case);
                    assert!(
                        r.verified_times.contains(&VerifiedTime {
                            time: TS_TIME,
                            source: TimeSource::Timestamp {
                                authority: TSA_URL.into()
                            },
                        }),
                        "{case}: {:?}",
                        r.verified_times
                    );
                }
                Refused(needles) => {
                    let needles: Vec<&str> = needles.iter().map(String::as_str).collect();
                    let e = expect_err(r, Check::Timestamp, &needles, &case);
                    assert!(matches!(e, Error::Timestamp { .. }), "{case}: {e:?}");
                    assert_eq!(e.code(), "timestamp", "{case}");
                }
                NotDer => {
                    // The SET OF is sorted: find where the broken certificate is.
                    let i = embedded_certificates(&token)
                        .iter()
                        .position(|c| c != inst.tsa_leaf_der())
                        .expect("a certificate that is not the TSA's");
                    let needle = format!(
                        "timestamp 0: SignedData.certificates[{i}] is not a DER X.509 certificate"
                    );
                    let e = expect_err(r, Check::Timestamp, &[&needle], &case);
                    assert!(matches!(e, Error::Timestamp { .. }), "{case}: {e:?}");
                    assert_eq!(e.code(), "timestamp", "{case}");
                }
            }
        }
    }
}

/// The elements of a token's `SignedData.certificates`, DER.
fn embedded_certificates(token: &[u8]) -> Vec<Vec<u8>> {
    let Some(certs) = token_parts(token).certificates else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest = der_content(certs).expect("the [0] TLV");
    while !rest.is_empty() {
        let (cert, r) = der_split(rest).expect("a certificate");
        out.push(cert.to_vec());
        rest = r;
    }
    out
}

/// A token's parts (an independent DER reader: tags and lengths only), each a whole TLV.
#[derive(Debug, PartialEq, Eq)]
struct TokenParts<'a> {
    /// Everything of TimeStampResp > timeStampToken > SignedData but its `certificates`:
    /// PKIStatusInfo, contentType, then the SignedData's version, digestAlgorithms,
    /// encapContentInfo and what follows the certificates (crls, signerInfos).
    others: Vec<&'a [u8]>,
    /// The `[0] IMPLICIT` certificates TLV, if present.
    certificates: Option<&'a [u8]>,
}

/// Reads the token down to its SignedData.
fn token_parts(token: &[u8]) -> TokenParts<'_> {
    let (resp, []) = der_split(token).expect("TimeStampResp") else {
        panic!("bytes after the TimeStampResp")
    };
    let (status, rest) = der_split(der_content(resp).unwrap()).unwrap();
    let (content_info, []) = der_split(rest).unwrap() else {
        panic!("bytes after the token")
    };
    let (content_type, explicit) = der_split(der_content(content_info).unwrap()).unwrap();
    let signed_data = der_content(der_content(explicit).unwrap()).unwrap();
    let mut others = vec![status, content_type];
    let mut rest = signed_data;
    for _ in 0..3 {
        let (part, r) = der_split(rest).unwrap();
        others.push(part);
        rest = r;
    }
    let mut certificates = None;
    if rest.first() == Some(&0xa0) {
        let (certs, r) = der_split(rest).unwrap();
        certificates = Some(certs);
        rest = r;
    }
    while !rest.is_empty() {
        let (part, r) = der_split(rest).unwrap();
        others.push(part);
        rest = r;
    }
    TokenParts {
        others,
        certificates,
    }
}

/// The first TLV of `b` and what follows it.
fn der_split(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let (hdr, len) = der_header(b)?;
    let end = hdr.checked_add(len).filter(|&e| e <= b.len())?;
    Some(b.split_at(end))
}

/// The content octets of the TLV `b`.
fn der_content(b: &[u8]) -> Option<&[u8]> {
    let (hdr, len) = der_header(b)?;
    b.get(hdr..hdr + len)
}

/// A DER header: (header length, content length).
fn der_header(b: &[u8]) -> Option<(usize, usize)> {
    let l0 = *b.get(1)?;
    if l0 < 0x80 {
        return Some((2, usize::from(l0)));
    }
    let n = usize::from(l0 & 0x7f);
    let len = b
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |a, &x| (a << 8) | usize::from(x));
    Some((2 + n, len))
}
