//! Rekor v2 entries, cosigned checkpoints, the witness policy and the verifier's thresholds,
//! against the testkit's own Sigstore instance.
//!
//! Every bundle comes from `sigverify-testkit`; every verification runs on every compiled crypto
//! backend, which must agree. For each check there is a bundle (or a verifier option) where
//! only that check fails, next to the valid bundle it differs from.

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use sigverify::{
    Artifact, Backend, Check, Error, Policy, TimeSource, TrustedRoot, VerificationResult,
    VerifiedTime, Verifier, VerifierOptions, Witness, WitnessPolicy,
};
use sigverify_testkit::log::REKOR_V2_ORIGIN;
use sigverify_testkit::trust::{REKOR_URL, REKOR_V2_URL, TSA_URL};
use sigverify_testkit::util::sha256;
use sigverify_testkit::x509::CA_NOT_BEFORE;
use sigverify_testkit::{
    BundleOptions, BundleVersion, Content, EntryKind, Fault, Instance, LogFault, ManagedKey, Rekor,
    RekorV2Entry, TrustedRootOptions, ValidFor, DEFAULT_IDENTITY, DEFAULT_INTEGRATED_TIME,
    DEFAULT_ISSUER, FUTURE_COSIGNATURE_TIME,
};

const ARTIFACT: &[u8] = b"sigverify rekor v2 tests: the artifact\n";
/// The signing time (centre of the leaf's validity; Rekor v1 integrated time).
const T: i64 = DEFAULT_INTEGRATED_TIME as i64;
/// The timestamp genTime: inside the leaf's validity, distinct from `T`.
const TS_TIME: i64 = T + 5;
/// "Now" for every verification: a month after signing.
const NOW: i64 = T + 30 * 86_400;

/// The Rekor v2 shapes: content × entry kind.
const V2_SHAPES: [(Content, RekorV2Entry); 3] = [
    (Content::MessageSignature, RekorV2Entry::HashedRekord002),
    (Content::Dsse, RekorV2Entry::HashedRekord002),
    (Content::Dsse, RekorV2Entry::Dsse002),
];
const SIGNERS: [Option<ManagedKey>; 3] = [None, Some(ManagedKey::P256), Some(ManagedKey::Ed25519)];

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

/// One verifier per compiled backend, for one trusted root, options and witness policy.
struct Verifiers(Vec<Verifier>);

impl Verifiers {
    fn new(root: &Value, options: VerifierOptions, witnesses: Option<&WitnessPolicy>) -> Self {
        let root = TrustedRoot::from_json(&to_bytes(root)).expect("the trusted root loads");
        assert!(!Backend::all().is_empty(), "no crypto backend compiled in");
        Verifiers(
            Backend::all()
                .iter()
                .map(|b| {
                    let v = Verifier::with_options(&root, options, *b).expect("verifier builds");
                    match witnesses {
                        Some(w) => v.with_witness_policy(w.clone()),
                        None => v,
                    }
                })
                .collect(),
        )
    }

    fn default_for(inst: &Instance) -> Self {
        Verifiers::new(&inst.trusted_root(), VerifierOptions::default(), None)
    }

    fn with_options(inst: &Instance, options: VerifierOptions) -> Self {
        Verifiers::new(&inst.trusted_root(), options, None)
    }

    fn with_witnesses(inst: &Instance, policy: &WitnessPolicy) -> Self {
        Verifiers::new(
            &inst.trusted_root(),
            VerifierOptions::default(),
            Some(policy),
        )
    }

    /// Verifies on every backend, asserts they agree, and returns the first outcome.
    fn verify_at(
        &self,
        inst: &Instance,
        opts: &BundleOptions,
        artifact: &Artifact<'_>,
        now: i64,
    ) -> Result<VerificationResult, Error> {
        let bytes = to_bytes(&inst.bundle(opts, ARTIFACT));
        let policy = policy_for(inst, opts);
        let mut first: Option<(Backend, Result<VerificationResult, Error>)> = None;
        for v in &self.0 {
            let r = v.verify_json(&bytes, artifact, &policy, now);
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

    /// Verifies the bundle built with `opts` over `ARTIFACT` (bytes), at `NOW`.
    fn verify(&self, inst: &Instance, opts: &BundleOptions) -> Result<VerificationResult, Error> {
        self.verify_at(inst, opts, &Artifact::Bytes(ARTIFACT), NOW)
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
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "{who}"),
        _ => panic!("backends disagree ({who}): {r0:?} vs {r1:?}"),
    }
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON serialises")
}

fn policy_for(inst: &Instance, opts: &BundleOptions) -> Policy {
    match opts.managed_key {
        None => Policy::identity(DEFAULT_IDENTITY, DEFAULT_ISSUER).unwrap(),
        Some(ManagedKey::P256) => Policy::key_pem(inst.managed_key_pem().as_bytes()).unwrap(),
        Some(ManagedKey::Ed25519) => {
            Policy::key_pem(inst.managed_ed25519_key_pem().as_bytes()).unwrap()
        }
    }
}

/// A Rekor v2 bundle (v0.3, timestamp at `TS_TIME`).
fn v2(content: Content, kind: RekorV2Entry) -> BundleOptions {
    BundleOptions {
        timestamp_time: Some(TS_TIME as u64),
        ..BundleOptions::rekor_v2(content, kind)
    }
}

/// A Rekor v1 bundle (v0.3, SET and proof, timestamp at `TS_TIME`).
fn v1(content: Content) -> BundleOptions {
    let base = match content {
        Content::MessageSignature => BundleOptions::default(),
        Content::Dsse => BundleOptions::dsse(),
    };
    BundleOptions {
        timestamp_time: Some(TS_TIME as u64),
        ..base
    }
}

fn thresholds(tlog: usize, sct: usize, timestamp: usize) -> VerifierOptions {
    let mut o = VerifierOptions::default();
    o.tlog_threshold = tlog;
    o.sct_threshold = sct;
    o.timestamp_threshold = timestamp;
    o
}

/// Witness policy: `k` of the instance's witnesses `of`.
fn witness_policy(inst: &Instance, k: usize, of: &[usize]) -> WitnessPolicy {
    let ws = of
        .iter()
        .map(|&i| Witness::from_vkey(&inst.witness_vkey(i)).expect("our vkey parses"))
        .collect();
    WitnessPolicy::new(k, ws).expect("a valid policy")
}

/// Asserts `r` failed with `check` and that its message contains every needle
/// (case-insensitively); returns the error.
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

fn ts_time(t: i64) -> VerifiedTime {
    VerifiedTime {
        time: t,
        source: TimeSource::Timestamp {
            authority: TSA_URL.into(),
        },
    }
}

// ------------------------------------------------------------------------------------------
// 1. Rekor v2: happy paths
// ------------------------------------------------------------------------------------------

#[test]
fn rekor_v2_bundles_verify() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let digest =
        Artifact::parse_digest(&format!("sha256:{}", hex::encode(sha256(ARTIFACT)))).unwrap();
    for (content, kind) in V2_SHAPES {
        for signer in SIGNERS {
            let opts = BundleOptions {
                managed_key: signer,
                ..v2(content, kind)
            };
            let case = format!("{content:?} {kind:?} {signer:?}");
            let r = expect_ok(v.verify(&inst, &opts), &case);
            assert_eq!(r.log_entries.len(), 1, "{case}");
            let e = &r.log_entries[0];
            let (k, ver) = match kind {
                RekorV2Entry::HashedRekord002 => ("hashedrekord", "0.0.2"),
                RekorV2Entry::Dsse002 => ("dsse", "0.0.2"),
            };
            assert_eq!((e.kind.as_str(), e.version.as_str()), (k, ver), "{case}");
            assert_eq!(e.log_url, REKOR_V2_URL, "{case}");
            assert_eq!(e.log_id, hex::encode(inst.rekor_v2_log_id()), "{case}");
            assert_eq!(e.log_index, Some(opts.tree_index), "{case}");
            assert_eq!(e.integrated_time, None, "{case}");
            assert!(e.inclusion_proof, "{case}");
            assert_eq!(
                e.checkpoint_origin.as_deref(),
                Some(REKOR_V2_ORIGIN),
                "{case}"
            );
            assert!(e.cosigned_by.is_empty(), "{case}");
            // The only verified time is the timestamp's.
            assert_eq!(r.verified_times, vec![ts_time(TS_TIME)], "{case}");
            assert_eq!(r.statement.is_some(), content == Content::Dsse, "{case}");
            // The digest form too (an Ed25519 message signature needs the bytes).
            if !(signer == Some(ManagedKey::Ed25519) && content == Content::MessageSignature) {
                expect_ok(
                    v.verify_at(&inst, &opts, &digest, NOW),
                    &format!("{case}, digest"),
                );
            }
        }
    }
}

#[test]
fn rekor_v2_entry_without_timestamp_has_no_verified_time() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (content, kind) in V2_SHAPES {
        let opts = BundleOptions {
            with_timestamp: false,
            ..v2(content, kind)
        };
        let case = format!("{content:?} {kind:?} without timestamp");
        expect_err(
            v.verify(&inst, &opts),
            Check::VerifiedTime,
            &["no verified time"],
            &case,
        );
        // An integratedTime written into a v2 entry is vouched for by nothing: still no time.
        let mut bundle = inst.bundle(&opts, ARTIFACT);
        bundle["verificationMaterial"]["tlogEntries"][0]["integratedTime"] =
            Value::String(T.to_string());
        let r = v.0[0].verify_json(
            &to_bytes(&bundle),
            &Artifact::Bytes(ARTIFACT),
            &policy_for(&inst, &opts),
            NOW,
        );
        expect_err(
            r,
            Check::VerifiedTime,
            &["no verified time"],
            &format!("{case}, unsigned integratedTime"),
        );
    }
}

// ------------------------------------------------------------------------------------------
// 2. Rekor v2: each check fails alone
// ------------------------------------------------------------------------------------------

/// The check a fault must fail in a Rekor v2 bundle, and words its message must contain.
fn expected_v2(f: Fault, opts: &BundleOptions) -> (Check, Vec<&'static str>) {
    let dsse = opts.content == Content::Dsse;
    let (check, needles): (Check, &[&str]) = match f {
        Fault::ArtifactSignature if dsse => (Check::Signature, &["DSSE signature"]),
        Fault::ArtifactSignature => (Check::Signature, &["message signature"]),
        Fault::CertNotCodeSigning => (Check::Certificate, &["path validation"]),
        Fault::CertExpiredAtIntegratedTime => {
            (Check::Certificate, &["signing certificate", "validity"])
        }
        Fault::CertUntrustedCa => (Check::Certificate, &["issuer", "trusted root"]),
        Fault::NoSct | Fault::SctBadSignature | Fault::SctUnknownLog => {
            (Check::CertificateTransparency, &["SCT"])
        }
        Fault::SetBadSignature => unreachable!("Rekor v2 has no SET"),
        Fault::TlogBodyMismatch => (Check::TransparencyLog, &["entry body", "does not match"]),
        Fault::InclusionProofBadHash => (Check::TransparencyLog, &["inclusion proof"]),
        Fault::CheckpointBadSignature => (
            Check::TransparencyLog,
            &["checkpoint signature", "log2025-1.rekor.sigverify.test"],
        ),
        Fault::CheckpointWrongOrigin => (
            Check::TransparencyLog,
            &["checkpoint", "origin", "log2025-1.rekor.elsewhere.test"],
        ),
        Fault::CheckpointRootMismatch => (
            Check::TransparencyLog,
            &["checkpoint", "root", "does not match the proof"],
        ),
        Fault::CheckpointWrongKeyHint => (Check::TransparencyLog, &["checkpoint", "key hint"]),
        Fault::TimestampBadSignature => (Check::Timestamp, &["timestamp"]),
        Fault::TimestampWrongImprint => (Check::Timestamp, &["timestamp", "imprint"]),
        Fault::TimestampUntrustedTsa => (Check::Timestamp, &["timestamp"]),
        Fault::TimestampOutsideCertValidity => (Check::Certificate, &["signing certificate"]),
        Fault::DsseBadSignature | Fault::DssePayloadTypeMismatch => {
            (Check::Signature, &["DSSE signature"])
        }
        Fault::DsseWrongPayloadType => (Check::Statement, &["payloadType"]),
        Fault::DsseSubjectMismatch => (Check::Artifact, &["subject"]),
    };
    (check, needles.to_vec())
}

#[test]
fn rekor_v2_every_fault_fails_the_check_it_names() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (content, kind) in V2_SHAPES {
        for signer in [None, Some(ManagedKey::P256)] {
            let base = BundleOptions {
                managed_key: signer,
                ..v2(content, kind)
            };
            expect_ok(v.verify(&inst, &base), &format!("{base:?}"));
            let mut tried = 0;
            for &fault in Fault::ALL {
                let opts = base.clone().with_fault(fault);
                if !fault.applies_to(&opts) {
                    continue;
                }
                tried += 1;
                let (check, needles) = expected_v2(fault, &opts);
                expect_err(
                    v.verify(&inst, &opts),
                    check,
                    &needles,
                    &format!("{fault:?} in {content:?} {kind:?} {signer:?}"),
                );
            }
            assert!(tried >= 10, "only {tried} faults apply to {base:?}");
            assert!(!Fault::SetBadSignature.applies_to(&base));
        }
    }
}

/// Rekor v2 checkpoints: the origin must be the log's, the host of the trusted root's `baseUrl`
/// (rekor-tiles). Another log's host is refused, and so is an origin of Rekor v1's form
/// (`<hostname> - <tree id>`, which sigstore-go would read as a v1 signed tree head and check by
/// key hint alone): what kind of log an entry is in comes from its kind version, not from its
/// checkpoint.
#[test]
fn rekor_v2_checkpoint_origin_must_be_the_log_host() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (content, kind) in V2_SHAPES {
        for origin in [
            "log2025-1.rekor.elsewhere.test",
            "rekor-server-7d9f8 - 1234567",
            "log2025-1.rekor.sigverify.test - 1234567",
        ] {
            let opts = BundleOptions {
                checkpoint_origin: Some(origin.into()),
                ..v2(content, kind)
            };
            let case = format!("{origin:?} in {content:?} {kind:?}");
            let found = format!("found {origin:?}");
            let e = expect_err(
                v.verify(&inst, &opts),
                Check::TransparencyLog,
                &[
                    "checkpoint: entry 0: origin: expected \"log2025-1.rekor.sigverify.test\" (the Rekor v2 log's baseUrl host)",
                    &found,
                ],
                &case,
            );
            assert_eq!(e.code(), "transparency-log", "{case}");
        }
    }
}

#[test]
fn rekor_v2_proof_log_index_must_equal_the_entry_log_index() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (content, kind) in V2_SHAPES {
        let opts = v2(content, kind).with_log_fault(LogFault::ProofLogIndexMismatch);
        expect_err(
            v.verify(&inst, &opts),
            Check::TransparencyLog,
            &[
                "inclusion proof",
                "log index 23 differs from the entry's 22",
            ],
            &format!("{content:?} {kind:?}"),
        );
    }
    // Rekor v1 proofs carry the index within the shard: it differs from the entry's global
    // logIndex, and that is fine.
    let v1_opts = v1(Content::MessageSignature);
    assert_ne!(v1_opts.tree_index, v1_opts.log_index);
    expect_ok(v.verify(&inst, &v1_opts), "v1 shard index");
    assert!(!LogFault::ProofLogIndexMismatch.applies_to(&v1_opts));
}

#[test]
fn checkpoint_size_must_equal_the_proof_tree_size() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    let mut shapes: Vec<BundleOptions> = V2_SHAPES.iter().map(|&(c, k)| v2(c, k)).collect();
    shapes.push(v1(Content::MessageSignature));
    shapes.push(v1(Content::Dsse));
    for base in shapes {
        let opts = base.with_log_fault(LogFault::CheckpointSizeMismatch);
        expect_err(
            v.verify(&inst, &opts),
            Check::TransparencyLog,
            &[
                "checkpoint",
                "size 41",
                "does not match the proof",
                "size 40",
            ],
            &format!("{opts:?}"),
        );
    }
}

#[test]
fn log_body_must_name_the_bundle_signer() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for (content, kind) in V2_SHAPES {
        for signer in [None, Some(ManagedKey::P256), Some(ManagedKey::Ed25519)] {
            let opts = BundleOptions {
                managed_key: signer,
                ..v2(content, kind)
            }
            .with_log_fault(LogFault::VerifierMismatch);
            expect_err(
                v.verify(&inst, &opts),
                Check::TransparencyLog,
                &["entry body", "verifier", "does not match"],
                &format!("{content:?} {kind:?} {signer:?}"),
            );
        }
    }
    // The same for Rekor v1 bodies (PEM certificate / public key).
    for base in [
        v1(Content::MessageSignature),
        v1(Content::Dsse),
        BundleOptions {
            entry: EntryKind::Intoto002,
            ..v1(Content::Dsse)
        },
        BundleOptions {
            managed_key: Some(ManagedKey::P256),
            ..v1(Content::MessageSignature)
        },
    ] {
        let opts = base.with_log_fault(LogFault::VerifierMismatch);
        expect_err(
            v.verify(&inst, &opts),
            Check::TransparencyLog,
            &["entry body", "does not match"],
            &format!("{opts:?}"),
        );
    }
}

#[test]
fn rekor_v2_log_key_must_be_valid_at_the_timestamp() {
    let inst = Instance::new();
    let opts = v2(Content::MessageSignature, RekorV2Entry::HashedRekord002);
    let ts = TS_TIME as u64;
    let verify_with = |window: ValidFor| {
        let root = inst.trusted_root_with(|o| o.rekor_v2_valid_for = window);
        Verifiers::new(&root, VerifierOptions::default(), None).verify(&inst, &opts)
    };
    for window in [
        ValidFor::from(ts + 1),
        ValidFor::from(ts + 3600),
        ValidFor::between(CA_NOT_BEFORE, ts - 1),
    ] {
        expect_err(
            verify_with(window),
            Check::TransparencyLog,
            &["log key", REKOR_V2_URL, "outside its validity window"],
            &format!("{window:?}"),
        );
    }
    // Closed interval: a window that starts or ends exactly at the timestamp contains it.
    for window in [ValidFor::from(ts), ValidFor::between(CA_NOT_BEFORE, ts)] {
        expect_ok(verify_with(window), &format!("{window:?}"));
    }
}

#[test]
fn rekor_v2_log_must_be_in_the_trusted_root() {
    let inst = Instance::new();
    let root = inst.trusted_root_with(|o| o.include_rekor_v2 = false);
    let v = Verifiers::new(&root, VerifierOptions::default(), None);
    expect_err(
        v.verify(
            &inst,
            &v2(Content::MessageSignature, RekorV2Entry::HashedRekord002),
        ),
        Check::TransparencyLog,
        &[
            "log id",
            &hex::encode(inst.rekor_v2_log_id()),
            "not a transparency log of the trusted root",
        ],
        "no v2 log in the root",
    );
    // The v1 log is still there.
    expect_ok(v.verify(&inst, &v1(Content::MessageSignature)), "v1 bundle");
}

// ------------------------------------------------------------------------------------------
// 3. Cosignatures without a witness policy
// ------------------------------------------------------------------------------------------

/// Shapes cosignatures are tried in: every v2 shape and v1 message/DSSE.
fn cosigned_shapes() -> Vec<BundleOptions> {
    let mut shapes: Vec<BundleOptions> = V2_SHAPES.iter().map(|&(c, k)| v2(c, k)).collect();
    shapes.push(v1(Content::MessageSignature));
    shapes.push(v1(Content::Dsse));
    shapes
}

#[test]
fn cosignature_lines_are_ignored_without_a_witness_policy() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for base in cosigned_shapes() {
        // Known witnesses, an unknown one, a bad and a future-dated cosignature: none matters
        // without a policy, and none is reported as counted.
        let cosigned = BundleOptions {
            cosigners: vec![0, 1, 2],
            ..base.clone()
        };
        let r = expect_ok(v.verify(&inst, &cosigned), &format!("{cosigned:?}"));
        assert!(r.log_entries[0].cosigned_by.is_empty());
        for f in [
            LogFault::CosignatureUnknownWitness,
            LogFault::CosignatureBadSignature,
            LogFault::CosignatureFromFuture,
        ] {
            let opts = BundleOptions {
                cosigners: vec![0],
                ..base.clone()
            }
            .with_log_fault(f);
            expect_ok(v.verify(&inst, &opts), &format!("{opts:?}"));
        }
    }
}

// ------------------------------------------------------------------------------------------
// 4. Witness policy
// ------------------------------------------------------------------------------------------

#[test]
fn witness_vkeys_parse() {
    let inst = Instance::new();
    assert!(inst.witness_count() >= 3);
    for i in 0..inst.witness_count() {
        let w = Witness::from_vkey(&inst.witness_vkey(i)).expect("vkey parses");
        assert_eq!(w.name(), inst.witness_name(i));
    }
    let rogue = Witness::from_vkey(&inst.rogue_witness_vkey()).expect("rogue vkey parses");
    assert!((0..inst.witness_count()).all(|i| rogue.name() != inst.witness_name(i)));
}

#[test]
fn witness_policy_k_of_n() {
    let inst = Instance::new();
    let names = |ix: &[usize]| -> Vec<String> {
        ix.iter()
            .map(|&i| inst.witness_name(i).to_owned())
            .collect()
    };
    for base in cosigned_shapes() {
        for (k, cosigners) in [
            (1, vec![1]),
            (2, vec![0, 2]),
            (2, vec![2, 0]),
            (3, vec![0, 1, 2]),
        ] {
            let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, k, &[0, 1, 2]));
            let opts = BundleOptions {
                cosigners: cosigners.clone(),
                ..base.clone()
            };
            let case = format!("{k} of 3, cosigned by {cosigners:?}, {opts:?}");
            let r = expect_ok(v.verify(&inst, &opts), &case);
            let mut want = names(&cosigners);
            want.sort();
            let mut got = r.log_entries[0].cosigned_by.clone();
            got.sort();
            assert_eq!(got, want, "{case}");
        }
    }
}

#[test]
fn witness_policy_one_short_fails() {
    let inst = Instance::new();
    for base in cosigned_shapes() {
        for (k, cosigners) in [(1, vec![]), (2, vec![1]), (3, vec![0, 2])] {
            let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, k, &[0, 1, 2]));
            let opts = BundleOptions {
                cosigners: cosigners.clone(),
                ..base.clone()
            };
            let found = format!("found {}", cosigners.len());
            let at_least = format!("at least {k}");
            expect_err(
                v.verify(&inst, &opts),
                Check::TransparencyLog,
                &[
                    "witness cosignatures",
                    &at_least,
                    &found,
                    inst.witness_name(0),
                ],
                &format!("{k} of 3, cosigned by {cosigners:?}, {opts:?}"),
            );
        }
    }
}

#[test]
fn witness_policy_does_not_count_bad_unknown_or_future_cosignatures() {
    let inst = Instance::new();
    let two_of_three = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 2, &[0, 1, 2]));
    let one_of_three = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 1, &[0, 1, 2]));
    for base in cosigned_shapes() {
        for f in [
            LogFault::CosignatureBadSignature,
            LogFault::CosignatureUnknownWitness,
            LogFault::CosignatureFromFuture,
        ] {
            // Cosigned by witnesses 0 and 1, the second cosignature broken: only one counts.
            let opts = BundleOptions {
                cosigners: vec![0, 1],
                ..base.clone()
            }
            .with_log_fault(f);
            let case = format!("{f:?} in {opts:?}");
            expect_err(
                two_of_three.verify(&inst, &opts),
                Check::TransparencyLog,
                &["witness cosignatures", "at least 2", "found 1"],
                &case,
            );
            let r = expect_ok(one_of_three.verify(&inst, &opts), &case);
            assert_eq!(
                r.log_entries[0].cosigned_by,
                vec![inst.witness_name(0).to_owned()],
                "{case}"
            );
        }
        // The future-dated cosignature counts once "now" has reached its time, and one dated
        // exactly "now" counts: only the time kept it out.
        let future = BundleOptions {
            cosigners: vec![0, 1],
            ..base.clone()
        }
        .with_log_fault(LogFault::CosignatureFromFuture);
        expect_ok(
            two_of_three.verify_at(
                &inst,
                &future,
                &Artifact::Bytes(ARTIFACT),
                FUTURE_COSIGNATURE_TIME as i64,
            ),
            "future cosignature, now = its time",
        );
        let at_now = BundleOptions {
            cosigners: vec![0, 1],
            cosignature_time: Some(NOW as u64),
            ..base.clone()
        };
        expect_ok(two_of_three.verify(&inst, &at_now), "cosigned at now");
        let after_now = BundleOptions {
            cosignature_time: Some(NOW as u64 + 1),
            ..at_now
        };
        expect_err(
            two_of_three.verify(&inst, &after_now),
            Check::TransparencyLog,
            &["witness cosignatures", "found 0"],
            "cosigned one second after now",
        );
    }
}

#[test]
fn witness_policy_counts_a_witness_once() {
    let inst = Instance::new();
    let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 2, &[0, 1, 2]));
    for base in cosigned_shapes() {
        let opts = BundleOptions {
            cosigners: vec![0, 0],
            ..base.clone()
        };
        expect_err(
            v.verify(&inst, &opts),
            Check::TransparencyLog,
            &["witness cosignatures", "at least 2", "found 1"],
            &format!("{opts:?}"),
        );
        let opts = BundleOptions {
            cosigners: vec![0, 0, 1],
            ..base
        };
        let r = expect_ok(v.verify(&inst, &opts), &format!("{opts:?}"));
        assert_eq!(r.log_entries[0].cosigned_by.len(), 2);
    }
}

#[test]
fn witness_policy_ignores_witnesses_it_does_not_name() {
    let inst = Instance::new();
    // A policy over witnesses 0 and 1 does not count witness 2.
    let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 1, &[0, 1]));
    let opts = BundleOptions {
        cosigners: vec![2],
        ..v2(Content::MessageSignature, RekorV2Entry::HashedRekord002)
    };
    expect_err(
        v.verify(&inst, &opts),
        Check::TransparencyLog,
        &["witness cosignatures", "found 0"],
        "cosigned only by a witness outside the policy",
    );
}

#[test]
fn witness_policy_needs_a_checkpoint() {
    let inst = Instance::new();
    // Bundle v0.1 with a SET and no inclusion proof: valid without a policy...
    let opts = BundleOptions {
        version: BundleVersion::V01,
        with_inclusion_proof: false,
        ..v1(Content::MessageSignature)
    };
    expect_ok(
        Verifiers::default_for(&inst).verify(&inst, &opts),
        "v0.1 SET only",
    );
    // ...but a witness policy has no checkpoint to check.
    let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 1, &[0, 1, 2]));
    expect_err(
        v.verify(&inst, &opts),
        Check::TransparencyLog,
        &["witness cosignatures", "checkpoint"],
        "v0.1 SET only, witness policy",
    );
}

#[test]
fn witness_policy_applies_to_every_entry() {
    let inst = Instance::new();
    let v = Verifiers::with_witnesses(&inst, &witness_policy(&inst, 2, &[0, 1, 2]));
    // Two entries (v1 and v2), both checkpoints cosigned by witnesses 1 and 2.
    let opts = BundleOptions {
        cosigners: vec![1, 2],
        extra_tlog_entries: vec![Rekor::V2],
        ..v1(Content::MessageSignature)
    };
    let r = expect_ok(v.verify(&inst, &opts), "two entries, both cosigned");
    assert_eq!(r.log_entries.len(), 2);
    for e in &r.log_entries {
        assert_eq!(e.cosigned_by.len(), 2, "{e:?}");
    }
    // The first entry's second cosignature broken: that entry falls short.
    expect_err(
        v.verify(
            &inst,
            &opts
                .clone()
                .with_log_fault(LogFault::CosignatureBadSignature),
        ),
        Check::TransparencyLog,
        &["entry 0", "witness cosignatures", "found 1"],
        "first entry short",
    );
}

// ------------------------------------------------------------------------------------------
// 5. Thresholds
// ------------------------------------------------------------------------------------------

#[test]
fn tlog_threshold_counts_distinct_logs() {
    let inst = Instance::new();
    let two = Verifiers::with_options(&inst, thresholds(2, 1, 0));
    let one = Verifiers::default_for(&inst);
    let v1_base = v1(Content::MessageSignature);
    let v2_base = v2(Content::MessageSignature, RekorV2Entry::HashedRekord002);
    // Two entries from the same log count once.
    for (base, log) in [(&v1_base, Rekor::V1), (&v2_base, Rekor::V2)] {
        let opts = BundleOptions {
            extra_tlog_entries: vec![log],
            ..base.clone()
        };
        let case = format!("two entries in {log:?}");
        let r = expect_ok(one.verify(&inst, &opts), &case);
        assert_eq!(r.log_entries.len(), 2, "{case}");
        assert_eq!(r.log_entries[0].log_id, r.log_entries[1].log_id, "{case}");
        assert_ne!(
            r.log_entries[0].log_index, r.log_entries[1].log_index,
            "{case}"
        );
        expect_err(
            two.verify(&inst, &opts),
            Check::TransparencyLog,
            &["threshold", "at least 2", "found 1"],
            &case,
        );
    }
    // Entries from two logs (v1 and v2) satisfy a threshold of 2, in either order and for DSSE.
    for opts in [
        BundleOptions {
            extra_tlog_entries: vec![Rekor::V2],
            ..v1_base.clone()
        },
        BundleOptions {
            extra_tlog_entries: vec![Rekor::V1],
            ..v2_base.clone()
        },
        BundleOptions {
            extra_tlog_entries: vec![Rekor::V2, Rekor::V1],
            ..v1(Content::Dsse)
        },
        BundleOptions {
            extra_tlog_entries: vec![Rekor::V1],
            ..v2(Content::Dsse, RekorV2Entry::Dsse002)
        },
    ] {
        let case = format!("{opts:?}");
        let r = expect_ok(two.verify(&inst, &opts), &case);
        let mut urls: Vec<&str> = r.log_entries.iter().map(|e| e.log_url.as_str()).collect();
        urls.sort_unstable();
        urls.dedup();
        let mut want = vec![REKOR_URL, REKOR_V2_URL];
        want.sort_unstable();
        assert_eq!(urls, want, "{case}");
    }
    // One entry: fails a threshold of 2 with the count.
    expect_err(
        two.verify(&inst, &v1_base),
        Check::TransparencyLog,
        &["threshold", "at least 2", "found 1"],
        "one entry",
    );
}

#[test]
fn timestamp_threshold() {
    let inst = Instance::new();
    let one = Verifiers::with_options(&inst, thresholds(1, 1, 1));
    let two = Verifiers::with_options(&inst, thresholds(1, 1, 2));
    let no_ts = BundleOptions {
        with_timestamp: false,
        ..v1(Content::MessageSignature)
    };
    // Without a timestamp: fine by default (the SET gives the time), not with a threshold of 1.
    expect_ok(
        Verifiers::default_for(&inst).verify(&inst, &no_ts),
        "no timestamp, default",
    );
    expect_err(
        one.verify(&inst, &no_ts),
        Check::Timestamp,
        &["at least 1", "timestamp", "found 0"],
        "no timestamp, threshold 1",
    );
    // One timestamp: meets 1, not 2.
    let one_ts = v1(Content::MessageSignature);
    let r = expect_ok(one.verify(&inst, &one_ts), "one timestamp, threshold 1");
    assert!(r.verified_times.contains(&ts_time(TS_TIME)));
    expect_err(
        two.verify(&inst, &one_ts),
        Check::Timestamp,
        &["at least 2", "found 1"],
        "one timestamp, threshold 2",
    );
    // Two timestamps meet 2; both are verified times.
    for base in [
        v1(Content::MessageSignature),
        v2(Content::Dsse, RekorV2Entry::HashedRekord002),
    ] {
        let opts = BundleOptions {
            extra_timestamps: vec![TS_TIME as u64 + 10],
            ..base
        };
        let r = expect_ok(two.verify(&inst, &opts), &format!("{opts:?}"));
        assert!(r.verified_times.contains(&ts_time(TS_TIME)));
        assert!(r.verified_times.contains(&ts_time(TS_TIME + 10)));
    }
    // A faulty first timestamp is not skipped: every timestamp present must verify.
    let opts = BundleOptions {
        extra_timestamps: vec![TS_TIME as u64 + 10],
        ..v1(Content::MessageSignature)
    }
    .with_fault(Fault::TimestampBadSignature);
    expect_err(
        Verifiers::with_options(&inst, thresholds(1, 1, 1)).verify(&inst, &opts),
        Check::Timestamp,
        &["timestamp signature"],
        "bad first timestamp",
    );
}

#[test]
fn sct_threshold() {
    let inst = Instance::new();
    let zero = Verifiers::with_options(&inst, thresholds(1, 0, 0));
    let default = Verifiers::default_for(&inst);
    for base in [
        v1(Content::MessageSignature),
        v2(Content::Dsse, RekorV2Entry::HashedRekord002),
    ] {
        let no_sct = BundleOptions {
            with_sct: false,
            ..base.clone()
        };
        for opts in [no_sct, base.clone().with_fault(Fault::NoSct)] {
            let case = format!("{opts:?}");
            expect_ok(zero.verify(&inst, &opts), &case);
            expect_err(
                default.verify(&inst, &opts),
                Check::CertificateTransparency,
                &["at least 1", "SCT", "found 0"],
                &case,
            );
        }
        // With an SCT, both pass.
        expect_ok(zero.verify(&inst, &base), "SCT, threshold 0");
        expect_ok(default.verify(&inst, &base), "SCT, threshold 1");
        // A threshold of 2 with one SCT fails.
        expect_err(
            Verifiers::with_options(&inst, thresholds(1, 2, 0)).verify(&inst, &base),
            Check::CertificateTransparency,
            &["at least 2", "found 1"],
            "one SCT, threshold 2",
        );
    }
}

#[test]
fn github_style_root_needs_explicit_thresholds() {
    let inst = Instance::new();
    let root = inst.github_trusted_root();
    let github = BundleOptions {
        timestamp_time: Some(TS_TIME as u64),
        ..BundleOptions::github()
    };
    let with = |o: VerifierOptions, opts: &BundleOptions| {
        // Options the root can never meet are refused when the verifier is built.
        let parsed = TrustedRoot::from_json(&to_bytes(&root)).expect("the trusted root loads");
        o.validate(&parsed)?;
        Verifiers::new(&root, o, None).verify(&inst, opts)
    };
    // The GitHub thresholds: no log, no SCT, one timestamp.
    let r = expect_ok(with(thresholds(0, 0, 1), &github), "github thresholds");
    assert!(r.log_entries.is_empty());
    assert_eq!(r.verified_times, vec![ts_time(TS_TIME)]);
    assert_eq!(r.identity(), Some(DEFAULT_IDENTITY));
    // The defaults are refused when the verifier is built: the root has no log, so the log
    // threshold can never be met (never by accident, and not bundle by bundle).
    for (o, what) in [
        (VerifierOptions::default(), "defaults"),
        (thresholds(1, 0, 1), "tlog threshold 1"),
    ] {
        let e = with(o, &github).unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidOptions {
                    option: "tlog_threshold",
                    ..
                }
            ),
            "{what}: {e}"
        );
        assert!(
            e.to_string().contains("pass tlog_threshold 0"),
            "{what}: {e}"
        );
    }
    // Each other threshold alone back at its default fails.
    expect_err(
        with(thresholds(0, 1, 1), &github),
        Check::CertificateTransparency,
        &["at least 1", "SCT", "found 0"],
        "sct threshold 1",
    );
    // Without its timestamp, the GitHub thresholds refuse it.
    let no_ts = BundleOptions {
        with_timestamp: false,
        ..github.clone()
    };
    expect_err(
        with(thresholds(0, 0, 1), &no_ts),
        Check::Timestamp,
        &["at least 1", "found 0"],
        "github bundle without timestamp",
    );
    // A public-good-style bundle (log entry) is not verifiable against the GitHub root: its
    // log is not there.
    expect_err(
        with(thresholds(0, 0, 1), &v1(Content::MessageSignature)),
        Check::TransparencyLog,
        &["not a transparency log of the trusted root"],
        "log entry against the github root",
    );
    // The GitHub bundle against the full root verifies with the same thresholds (its TSA and
    // CA are there).
    expect_ok(
        Verifiers::with_options(&inst, thresholds(0, 0, 1)).verify(&inst, &github),
        "github bundle, full root",
    );
    // Sanity: the GitHub root has no logs at all.
    let tr = TrustedRootOptions::github();
    assert!(!tr.include_tlogs && !tr.include_ctlogs && tr.include_tsas && tr.include_cas);
    assert_eq!(root["tlogs"], serde_json::json!([]));
    assert_eq!(root["ctlogs"], serde_json::json!([]));
}

#[test]
fn neither_set_nor_timestamp_has_no_verified_time() {
    let inst = Instance::new();
    let v = Verifiers::default_for(&inst);
    for opts in [
        BundleOptions {
            with_inclusion_promise: false,
            with_timestamp: false,
            ..v1(Content::MessageSignature)
        },
        BundleOptions {
            with_timestamp: false,
            ..v2(Content::Dsse, RekorV2Entry::Dsse002)
        },
    ] {
        expect_err(
            v.verify(&inst, &opts),
            Check::VerifiedTime,
            &["verified time"],
            &format!("{opts:?}"),
        );
    }
    // Even with every threshold at 0.
    let none = Verifiers::with_options(&inst, thresholds(0, 0, 0));
    expect_err(
        none.verify(
            &inst,
            &BundleOptions {
                with_tlog: false,
                with_timestamp: false,
                ..BundleOptions::github()
            },
        ),
        Check::VerifiedTime,
        &["verified time"],
        "nothing at all, thresholds 0",
    );
}

/// The message must say what is required, in the words of the issue: "at least one verified
/// time".
#[test]
fn no_verified_time_message_says_at_least_one() {
    let inst = Instance::new();
    let opts = BundleOptions {
        with_inclusion_promise: false,
        with_timestamp: false,
        ..v1(Content::MessageSignature)
    };
    expect_err(
        Verifiers::default_for(&inst).verify(&inst, &opts),
        Check::VerifiedTime,
        &["at least one verified time"],
        "neither SET nor timestamp",
    );
}
