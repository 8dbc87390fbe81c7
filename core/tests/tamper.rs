//! The tamper test (issue 10): for every good vector (every good sigstore-conformance case, every
//! ecosystem sample, testkit bundles of every shape), each single-field change to signed or
//! cross-checked material is rejected, and the error names the right check.
//!
//! The fields and the check each must fail are one table, [`expected`]. A few fields are signed
//! by nothing in some shapes (an integrated time without a SET, cosignature lines without a
//! witness policy): there the change must leave what the result vouches for unchanged. Known
//! core bugs are listed in [`KNOWN_CORE_BUGS`] with their reason; one that starts behaving as the
//! table says fails the test, so that its entry is removed.
//!
//! Verifications alternate over the compiled crypto backends.

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt;

use serde_json::{json, Value};
use sigverify::ecosystems::github as gh;
use sigverify::{
    Artifact, Backend, Check, Error, HashAlg, Policy, TrustedRoot, VerificationResult, Verifier,
    VerifierOptions, Witness, WitnessPolicy,
};
use sigverify_testkit::util::b64;
use sigverify_testkit::{
    BundleOptions, BundleVersion, Content, EntryKind, Instance, ManagedKey, Rekor, RekorV2Entry,
    DEFAULT_IDENTITY, DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER,
};

const ARTIFACT: &[u8] = b"sigverify tamper tests: the artifact\n";
const NOW_TESTKIT: i64 = DEFAULT_INTEGRATED_TIME as i64 + 30 * 86_400;
const NOW_ECOSYSTEMS: i64 = 2_000_000_000;

// ------------------------------------------------------------------------------------------
// The table
// ------------------------------------------------------------------------------------------

/// Signed or cross-checked material, one row of the table each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    /// The message signature or the DSSE signature (last byte).
    SignatureBytes,
    /// The signing certificate's last byte (inside the CA's signature).
    CertificateBytes,
    /// One character of the signer identity inside the certificate (the SAN).
    CertificateIdentity,
    /// One hash of an inclusion proof.
    ProofHash,
    /// The inclusion proof's root hash.
    RootHash,
    /// The inclusion proof's log index (tree index).
    ProofLogIndex,
    /// The inclusion proof's tree size.
    ProofTreeSize,
    /// One line of the checkpoint's signed body (origin, size, root hash, extensions).
    CheckpointBodyLine,
    /// The log's own signature line of the checkpoint.
    CheckpointLogSignature,
    /// Another signature line of the checkpoint (a witness cosignature, another key's line).
    CheckpointOtherSignature,
    /// The signed entry timestamp (SET).
    Set,
    /// The entry's integrated time.
    IntegratedTime,
    /// The entry's log index.
    LogIndex,
    /// The entry's log id.
    LogId,
    /// The entry's canonicalized body.
    EntryBody,
    /// The entry's kind version.
    KindVersion,
    /// The message digest of a message signature.
    MessageDigest,
    /// An RFC 3161 token: the last byte (inside the CMS signature).
    TimestampSignature,
    /// An RFC 3161 token: a digit of the genTime inside the signed TSTInfo.
    TimestampGenTime,
    /// The DSSE payload (one byte).
    DssePayload,
    /// The DSSE payload type.
    DssePayloadType,
    /// One byte of the artifact (or of the digest the caller gives).
    ArtifactByte,
    /// The identity the caller expects (for a managed-key bundle: the key).
    Identity,
    /// The OIDC issuer the caller expects.
    Issuer,
}

/// What a changed field must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Fail, naming this check.
    Reject(Check),
    /// Signed by nothing in this shape: verify, vouching for no more than the original.
    Unsigned(&'static str),
}

/// What the bundle around a field looks like.
#[derive(Clone, Copy, Debug, Default)]
struct Shape {
    /// The bundle has at least one transparency log entry.
    has_tlog: bool,
    /// The entry the field belongs to has a SET.
    entry_has_set: bool,
    /// That entry is a Rekor v2 entry.
    entry_is_v2: bool,
    /// The verifier has a witness policy.
    witness_policy: bool,
    /// Signed by a managed key, not a certificate.
    managed_key: bool,
}

/// THE TABLE: the check each tampered field must fail.
fn expected(field: Field, s: Shape) -> Expect {
    use Check::*;
    use Expect::*;
    match field {
        // Step 3 (signature) comes before the log entry: a DSSE or message signature that does
        // not verify is a signature failure even though the log entry records it too.
        Field::SignatureBytes => Reject(Signature),
        // Ambiguous: path validation (step 7) would reject it, but the log entry names the
        // certificate byte for byte and is checked first (step 4). Without a log entry (GitHub's
        // instance), path validation is what refuses it.
        Field::CertificateBytes | Field::CertificateIdentity if s.has_tlog => {
            Reject(TransparencyLog)
        }
        Field::CertificateBytes | Field::CertificateIdentity => Reject(Certificate),
        Field::ProofHash
        | Field::RootHash
        | Field::ProofLogIndex
        | Field::ProofTreeSize
        | Field::CheckpointBodyLine
        | Field::CheckpointLogSignature
        | Field::Set
        | Field::LogId
        | Field::EntryBody
        | Field::KindVersion => Reject(TransparencyLog),
        // Cosignatures are read only under a witness policy.
        Field::CheckpointOtherSignature if s.witness_policy => Reject(TransparencyLog),
        Field::CheckpointOtherSignature => {
            Unsigned("cosignature lines are only checked under a witness policy")
        }
        // The SET signs the integrated time and the log index; a Rekor v2 entry's log index must
        // equal its proof's.
        Field::IntegratedTime if s.entry_has_set => Reject(TransparencyLog),
        Field::IntegratedTime => {
            Unsigned("without a SET the integrated time is signed by nothing, and not used")
        }
        Field::LogIndex if s.entry_has_set || s.entry_is_v2 => Reject(TransparencyLog),
        // Without a SET, a Rekor v1 entry's global log index is signed by nothing (the proof
        // has its own tree index): the result must not report it (`log_index` is `None`).
        Field::LogIndex => Unsigned("without a SET a Rekor v1 log index is signed by nothing"),
        Field::MessageDigest | Field::ArtifactByte => Reject(Artifact),
        Field::TimestampSignature | Field::TimestampGenTime => Reject(Timestamp),
        Field::DssePayload => Reject(Signature),
        // Ambiguous: the payload type is signed (PAE), but it is compared with in-toto's before
        // the signature is verified, so a changed type is a statement failure.
        Field::DssePayloadType => Reject(Statement),
        // Ambiguous for a managed key: the key *is* the identity, and a signature that does not
        // verify under the key the caller gives is a signature failure.
        Field::Identity if s.managed_key => Reject(Signature),
        Field::Identity | Field::Issuer => Reject(Policy),
    }
}

/// Core bugs found by this test (reported, not fixed here): vector name prefix, field, reason.
/// A listed case that starts behaving as [`expected`] says fails the test.
/// (Empty: the one found, a Rekor v1 entry verified by its proof alone reporting its unsigned
/// logIndex, is fixed; `LogEntryInfo::log_index` is `None` there.)
const KNOWN_CORE_BUGS: &[(&str, Field, &str)] = &[];

// ------------------------------------------------------------------------------------------
// Vectors
// ------------------------------------------------------------------------------------------

#[derive(Clone)]
enum Art {
    Bytes(Vec<u8>),
    Digest(HashAlg, Vec<u8>),
}

impl Art {
    fn artifact(&self) -> Artifact<'_> {
        match self {
            Art::Bytes(b) => Artifact::Bytes(b),
            Art::Digest(a, d) => Artifact::Digest(*a, d.clone()),
        }
    }

    fn flipped(&self) -> Art {
        match self {
            Art::Bytes(b) => {
                let mut b = b.clone();
                let i = b.len() / 2;
                b[i] ^= 0x01;
                Art::Bytes(b)
            }
            Art::Digest(a, d) => {
                let mut d = d.clone();
                d[0] ^= 0x01;
                Art::Digest(*a, d)
            }
        }
    }
}

#[derive(Clone)]
enum Signer {
    Identity { identity: String, issuer: String },
    Key { pem: Vec<u8> },
}

impl Signer {
    fn policy(&self) -> Policy {
        match self {
            Signer::Identity { identity, issuer } => Policy::identity(identity, issuer).unwrap(),
            Signer::Key { pem } => Policy::key_pem(pem).expect("the vector's key parses"),
        }
    }
}

struct Vector {
    name: String,
    bundle: Value,
    artifact: Art,
    signer: Signer,
    verifiers: Vec<Verifier>,
    witness_policy: bool,
    now: i64,
}

fn verifiers(
    root: &TrustedRoot,
    options: VerifierOptions,
    w: Option<&WitnessPolicy>,
) -> Vec<Verifier> {
    assert!(!Backend::all().is_empty(), "no crypto backend compiled in");
    Backend::all()
        .iter()
        .map(|b| {
            let v = Verifier::with_options(root, options, *b).expect("verifier builds");
            match w {
                Some(w) => v.with_witness_policy(w.clone()),
                None => v,
            }
        })
        .collect()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn read_json(p: &std::path::Path) -> Value {
    let bytes =
        std::fs::read(p).unwrap_or_else(|e| panic!("VECTORS MISSING: {}: {e}", p.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn conformance_vectors() -> Vec<Vector> {
    let cases: Vec<_> = sigverify_testkit::vectors::conformance_cases()
        .into_iter()
        .filter(|c| !c.must_fail)
        .collect();
    assert!(
        cases.len() >= 10,
        "too few good conformance cases: {}",
        cases.len()
    );
    cases
        .into_iter()
        .map(|c| {
            let root = match &c.trusted_root {
                Some(p) => TrustedRoot::from_json(&std::fs::read(p).unwrap()).unwrap(),
                None => TrustedRoot::public_good().unwrap(),
            };
            Vector {
                name: format!("conformance/{}", c.name),
                bundle: read_json(&c.bundle),
                artifact: Art::Bytes(std::fs::read(&c.artifact).unwrap()),
                signer: match &c.key {
                    Some(k) => Signer::Key {
                        pem: std::fs::read(k).unwrap(),
                    },
                    None => Signer::Identity {
                        identity: c.identity.clone(),
                        issuer: c.issuer.clone(),
                    },
                },
                verifiers: verifiers(&root, VerifierOptions::default(), None),
                witness_policy: false,
                now: now(),
            }
        })
        .collect()
}

fn ecosystem_vectors() -> Vec<Vector> {
    sigverify_testkit::vectors::generic_ecosystem_samples()
        .into_iter()
        .map(|case| {
            let text = |f: &str| {
                std::fs::read_to_string(case.join(f))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let identity = text("identity");
            // npm's publish attestation: the registry key; GitHub's instance for the sample with
            // its own trusted_root.json; else the public-good root.
            let (signer, root, options) = if identity.starts_with("key:") {
                (
                    Signer::Key {
                        pem: std::fs::read(case.join("public_key.pem")).unwrap(),
                    },
                    TrustedRoot::public_good().unwrap(),
                    VerifierOptions::default(),
                )
            } else if case.join("trusted_root.json").is_file() {
                (
                    Signer::Identity {
                        identity,
                        issuer: text("issuer"),
                    },
                    TrustedRoot::github().unwrap(),
                    gh::github_instance_options(),
                )
            } else {
                (
                    Signer::Identity {
                        identity,
                        issuer: text("issuer"),
                    },
                    TrustedRoot::public_good().unwrap(),
                    VerifierOptions::default(),
                )
            };
            let artifact = match Artifact::parse_digest(&text("digest")).unwrap() {
                Artifact::Digest(a, d) => Art::Digest(a, d),
                Artifact::Bytes(_) => unreachable!(),
            };
            Vector {
                name: format!("ecosystems/{}", case.file_name().unwrap().to_string_lossy()),
                bundle: read_json(&case.join("bundle.json")),
                artifact,
                signer,
                verifiers: verifiers(&root, options, None),
                witness_policy: false,
                now: NOW_ECOSYSTEMS,
            }
        })
        .collect()
}

/// Testkit bundles of every shape (see tests/hostile.rs for the same list).
fn testkit_vectors() -> Vec<Vector> {
    let inst = Instance::new();
    let root = TrustedRoot::from_json(&serde_json::to_vec(&inst.trusted_root()).unwrap()).unwrap();
    let gh_root =
        TrustedRoot::from_json(&serde_json::to_vec(&inst.github_trusted_root()).unwrap()).unwrap();
    let witnesses = WitnessPolicy::new(
        2,
        (0..2)
            .map(|i| Witness::from_vkey(&inst.witness_vkey(i)).unwrap())
            .collect(),
    )
    .unwrap();
    let contents = [
        (Content::MessageSignature, EntryKind::HashedRekord001),
        (Content::Dsse, EntryKind::Dsse001),
        (Content::Dsse, EntryKind::Intoto002),
    ];
    let mut shapes: Vec<(String, BundleOptions)> = Vec::new();
    for version in [BundleVersion::V01, BundleVersion::V02, BundleVersion::V03] {
        for (content, entry) in contents {
            shapes.push((
                format!("{version:?}-{entry:?}"),
                BundleOptions {
                    version,
                    content,
                    entry,
                    timestamp_time: Some(DEFAULT_INTEGRATED_TIME + 5),
                    ..BundleOptions::default()
                },
            ));
        }
    }
    for key in [ManagedKey::P256, ManagedKey::Ed25519] {
        for (content, entry) in [contents[0], contents[1]] {
            shapes.push((
                format!("{key:?}-{entry:?}"),
                BundleOptions {
                    content,
                    entry,
                    managed_key: Some(key),
                    ..BundleOptions::default()
                },
            ));
        }
    }
    for (content, kind) in [
        (Content::MessageSignature, RekorV2Entry::HashedRekord002),
        (Content::Dsse, RekorV2Entry::HashedRekord002),
        (Content::Dsse, RekorV2Entry::Dsse002),
    ] {
        shapes.push((
            format!("rekor-v2-{content:?}-{kind:?}"),
            BundleOptions::rekor_v2(content, kind),
        ));
    }
    shapes.push((
        "proof-only (no SET)".into(),
        BundleOptions {
            with_inclusion_promise: false,
            ..BundleOptions::default()
        },
    ));
    shapes.push((
        "two logs, two timestamps".into(),
        BundleOptions {
            extra_tlog_entries: vec![Rekor::V2],
            extra_timestamps: vec![DEFAULT_INTEGRATED_TIME + 7],
            ..BundleOptions::dsse()
        },
    ));
    shapes.push((
        "witness-cosigned".into(),
        BundleOptions {
            cosigners: vec![0, 1],
            ..BundleOptions::default()
        },
    ));
    shapes.push(("github (no log)".into(), BundleOptions::github()));
    shapes
        .into_iter()
        .map(|(name, opts)| {
            let signer = match opts.managed_key {
                None => Signer::Identity {
                    identity: DEFAULT_IDENTITY.into(),
                    issuer: DEFAULT_ISSUER.into(),
                },
                Some(ManagedKey::P256) => Signer::Key {
                    pem: inst.managed_key_pem().into_bytes(),
                },
                Some(ManagedKey::Ed25519) => Signer::Key {
                    pem: inst.managed_ed25519_key_pem().into_bytes(),
                },
            };
            let witness_policy = !opts.cosigners.is_empty();
            let vs = if !opts.with_tlog {
                verifiers(&gh_root, gh::github_instance_options(), None)
            } else if witness_policy {
                verifiers(&root, VerifierOptions::default(), Some(&witnesses))
            } else {
                verifiers(&root, VerifierOptions::default(), None)
            };
            Vector {
                name: format!("testkit/{name}"),
                bundle: inst.bundle(&opts, ARTIFACT),
                artifact: Art::Bytes(ARTIFACT.to_vec()),
                signer,
                verifiers: vs,
                witness_policy,
                now: NOW_TESTKIT,
            }
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// Tampering
// ------------------------------------------------------------------------------------------

/// One single-field change.
enum Edit {
    /// The bundle with the value at a JSON pointer replaced.
    Json(String, Value),
    /// Another artifact (one byte flipped).
    Artifact,
    /// Another expected identity (for a managed key, another key).
    Identity,
    /// Another expected issuer.
    Issuer,
}

struct Tamper {
    field: Field,
    /// Where, for messages.
    at: String,
    shape: Shape,
    edit: Edit,
}

fn std_b64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .unwrap_or_else(|e| panic!("{s:?} is not base64: {e}"))
}

/// Base64 field at `p` with byte `i` (from the end when negative) flipped.
fn flip_b64(b: &Value, p: &str, i: isize) -> Value {
    let mut bytes = std_b64(b.pointer(p).and_then(Value::as_str).expect(p));
    let i = if i < 0 {
        bytes.len() - i.unsigned_abs()
    } else {
        i.unsigned_abs()
    };
    bytes[i] ^= 0x01;
    json!(b64(bytes))
}

/// A decimal string at `p`, plus one.
fn plus_one(b: &Value, p: &str) -> Value {
    let n: u64 = b
        .pointer(p)
        .and_then(Value::as_str)
        .expect(p)
        .parse()
        .expect("decimal");
    json!((n + 1).to_string())
}

fn present<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// Every single-field change that applies to a vector.
fn tampers(v: &Vector) -> Vec<Tamper> {
    let b = &v.bundle;
    let mut out = Vec::new();
    let entries = b["verificationMaterial"]["tlogEntries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let base_shape = Shape {
        has_tlog: !entries.is_empty(),
        witness_policy: v.witness_policy,
        managed_key: matches!(v.signer, Signer::Key { .. }),
        ..Shape::default()
    };
    let mut add = |field: Field, at: String, shape: Shape, edit: Edit| {
        out.push(Tamper {
            field,
            at,
            shape,
            edit,
        })
    };
    let json = |p: &str, value: Value| Edit::Json(p.to_owned(), value);

    // Content.
    for p in [
        "/messageSignature/signature",
        "/dsseEnvelope/signatures/0/sig",
    ] {
        if b.pointer(p).is_some() {
            add(
                Field::SignatureBytes,
                p.into(),
                base_shape,
                json(p, flip_b64(b, p, -1)),
            );
        }
    }
    let p = "/messageSignature/messageDigest/digest";
    if b.pointer(p).is_some() {
        add(
            Field::MessageDigest,
            p.into(),
            base_shape,
            json(p, flip_b64(b, p, 0)),
        );
    }
    let p = "/dsseEnvelope/payload";
    if b.pointer(p).is_some() {
        let payload_len = std_b64(b.pointer(p).unwrap().as_str().unwrap()).len();
        add(
            Field::DssePayload,
            p.into(),
            base_shape,
            json(p, flip_b64(b, p, (payload_len / 2) as isize)),
        );
        let p = "/dsseEnvelope/payloadType";
        let t = b.pointer(p).unwrap().as_str().unwrap();
        add(
            Field::DssePayloadType,
            p.into(),
            base_shape,
            json(p, json!(format!("{t}x"))),
        );
    }

    // Signing material.
    for p in [
        "/verificationMaterial/certificate/rawBytes",
        "/verificationMaterial/x509CertificateChain/certificates/0/rawBytes",
    ] {
        let Some(raw) = b.pointer(p).and_then(Value::as_str) else {
            continue;
        };
        add(
            Field::CertificateBytes,
            p.into(),
            base_shape,
            json(p, flip_b64(b, p, -1)),
        );
        if let Signer::Identity { identity, .. } = &v.signer {
            let der = std_b64(raw);
            let needle = identity.as_bytes();
            if let Some(i) = der.windows(needle.len()).position(|w| w == needle) {
                let mut der = der.clone();
                der[i + needle.len() / 2] ^= 0x01;
                add(
                    Field::CertificateIdentity,
                    p.into(),
                    base_shape,
                    json(p, json!(b64(der))),
                );
            }
        }
    }

    // Log entries.
    for (i, e) in entries.iter().enumerate() {
        let ep = format!("/verificationMaterial/tlogEntries/{i}");
        let kv = &e["kindVersion"];
        let shape = Shape {
            entry_has_set: present(e, "inclusionPromise").is_some(),
            entry_is_v2: kv["version"] == "0.0.2" && kv["kind"] != "intoto",
            ..base_shape
        };
        let at = |s: &str| format!("{ep}/{s}");
        add(
            Field::LogIndex,
            at("logIndex"),
            shape,
            json(&at("logIndex"), plus_one(b, &at("logIndex"))),
        );
        if present(e, "integratedTime").is_some() {
            let p = at("integratedTime");
            add(
                Field::IntegratedTime,
                p.clone(),
                shape,
                json(&p, plus_one(b, &p)),
            );
        }
        let p = at("logId/keyId");
        add(Field::LogId, p.clone(), shape, json(&p, flip_b64(b, &p, 0)));
        let p = at("kindVersion/version");
        let ver = kv["version"].as_str().unwrap();
        add(
            Field::KindVersion,
            p.clone(),
            shape,
            json(&p, json!(format!("{ver}0"))),
        );
        let p = at("canonicalizedBody");
        let body_len = std_b64(e["canonicalizedBody"].as_str().unwrap()).len();
        add(
            Field::EntryBody,
            p.clone(),
            shape,
            json(&p, flip_b64(b, &p, (body_len / 2) as isize)),
        );
        if present(e, "inclusionPromise").is_some() {
            let p = at("inclusionPromise/signedEntryTimestamp");
            add(Field::Set, p.clone(), shape, json(&p, flip_b64(b, &p, -1)));
        }
        let Some(proof) = present(e, "inclusionProof") else {
            continue;
        };
        let pp = |s: &str| format!("{ep}/inclusionProof/{s}");
        for j in 0..proof["hashes"].as_array().map_or(0, Vec::len) {
            let p = pp(&format!("hashes/{j}"));
            add(
                Field::ProofHash,
                p.clone(),
                shape,
                json(&p, flip_b64(b, &p, 0)),
            );
        }
        let p = pp("rootHash");
        add(
            Field::RootHash,
            p.clone(),
            shape,
            json(&p, flip_b64(b, &p, 31)),
        );
        let p = pp("logIndex");
        add(
            Field::ProofLogIndex,
            p.clone(),
            shape,
            json(&p, plus_one(b, &p)),
        );
        let p = pp("treeSize");
        add(
            Field::ProofTreeSize,
            p.clone(),
            shape,
            json(&p, plus_one(b, &p)),
        );
        // The checkpoint, line by line.
        let p = pp("checkpoint/envelope");
        let note = proof["checkpoint"]["envelope"].as_str().unwrap();
        let (body, sigs) = note.split_once("\n\n").expect("a signed note");
        let log_hint = std_b64(e["logId"]["keyId"].as_str().unwrap())[..4].to_vec();
        let body_lines: Vec<&str> = body.split('\n').collect();
        for k in 0..body_lines.len() {
            let mut lines: Vec<String> = body_lines.iter().map(|s| s.to_string()).collect();
            let l = &lines[k];
            lines[k] = if let Ok(n) = l.parse::<u64>() {
                (n + 1).to_string()
            } else if std_b64_opt(l).is_some_and(|r| r.len() == 32) {
                let mut r = std_b64(l);
                r[0] ^= 0x01;
                b64(r)
            } else {
                format!("{l}x")
            };
            let text = format!("{}\n\n{sigs}", lines.join("\n"));
            add(
                Field::CheckpointBodyLine,
                format!("{p} body line {k}"),
                shape,
                json(&p, json!(text)),
            );
        }
        let sig_lines: Vec<&str> = sigs.lines().collect();
        for k in 0..sig_lines.len() {
            let (head, sig) = sig_lines[k].rsplit_once(' ').expect("a signature line");
            let mut raw = std_b64(sig);
            let own = raw.starts_with(&log_hint);
            let last = raw.len() - 1;
            raw[last] ^= 0x01;
            let mut lines: Vec<String> = sig_lines.iter().map(|s| s.to_string()).collect();
            lines[k] = format!("{head} {}", b64(raw));
            let text = format!("{body}\n\n{}\n", lines.join("\n"));
            let field = if own {
                Field::CheckpointLogSignature
            } else {
                Field::CheckpointOtherSignature
            };
            add(
                field,
                format!("{p} signature line {k}"),
                shape,
                json(&p, json!(text)),
            );
        }
    }

    // Timestamps.
    let stamps = b
        .pointer("/verificationMaterial/timestampVerificationData/rfc3161Timestamps")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    for i in 0..stamps {
        let p = format!(
            "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/{i}/signedTimestamp"
        );
        add(
            Field::TimestampSignature,
            p.clone(),
            base_shape,
            json(&p, flip_b64(b, &p, -1)),
        );
        let der = std_b64(b.pointer(&p).unwrap().as_str().unwrap());
        let gen = der
            .windows(16)
            .position(|w| {
                w[0] == 0x18 && (15..=24).contains(&w[1]) && w[2..16].iter().all(u8::is_ascii_digit)
            })
            .expect("a GeneralizedTime (genTime) in the token");
        let mut d = der.clone();
        let digit = gen + 2 + 13; // the last digit of the seconds
        d[digit] = b'0' + (d[digit] - b'0' + 1) % 10;
        add(
            Field::TimestampGenTime,
            format!("{p} genTime"),
            base_shape,
            json(&p, json!(b64(d))),
        );
    }

    // The caller's side.
    add(
        Field::ArtifactByte,
        "artifact".into(),
        base_shape,
        Edit::Artifact,
    );
    add(Field::Identity, "policy".into(), base_shape, Edit::Identity);
    if matches!(v.signer, Signer::Identity { .. }) {
        add(Field::Issuer, "policy".into(), base_shape, Edit::Issuer);
    }
    out
}

fn std_b64_opt(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// What a result vouches for.
fn vouched(r: &VerificationResult) -> String {
    format!(
        "{:?} | {:?} | {:?} | {:?}",
        r.signer, r.verified_times, r.log_entries, r.statement
    )
}

/// The outcome of one tampered verification, compared with the table.
enum Outcome {
    AsExpected,
    Wrong(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::AsExpected => f.write_str("as expected"),
            Outcome::Wrong(s) => f.write_str(s),
        }
    }
}

fn judge(t: &Tamper, r: Result<VerificationResult, Error>, base: &VerificationResult) -> Outcome {
    match (expected(t.field, t.shape), r) {
        (Expect::Reject(check), Err(e)) if e.check() == check => Outcome::AsExpected,
        (Expect::Reject(check), Err(e)) => Outcome::Wrong(format!(
            "expected a {check} failure, got {} [{}]: {e}",
            e.check(),
            e.code()
        )),
        (Expect::Reject(check), Ok(r)) => Outcome::Wrong(format!(
            "expected a {check} failure, but it VERIFIED: {}",
            vouched(&r)
        )),
        (Expect::Unsigned(_), Ok(r)) if vouched(&r) == vouched(base) => Outcome::AsExpected,
        (Expect::Unsigned(why), Ok(r)) => Outcome::Wrong(format!(
            "unsigned field ({why}) changed what the result vouches for: {}",
            vouched(&r)
        )),
        (Expect::Unsigned(why), Err(e)) => Outcome::Wrong(format!(
            "unsigned field ({why}) was rejected: {} [{}]: {e}; tighten the table",
            e.check(),
            e.code()
        )),
    }
}

/// Tampers with every vector of `vectors`; returns the number of verifications.
fn run(vectors: &[Vector]) -> usize {
    let mut per_field: std::collections::BTreeMap<Field, usize> = Default::default();
    let mut wrong = Vec::new();
    let mut known_seen = vec![false; KNOWN_CORE_BUGS.len()];
    let mut n = 0;
    for v in vectors {
        let original = serde_json::to_vec(&v.bundle).unwrap();
        let base = v.verifiers[0]
            .verify_json(&original, &v.artifact.artifact(), &v.signer.policy(), v.now)
            .unwrap_or_else(|e| panic!("{}: the original does not verify: {e}", v.name));
        let ts = tampers(v);
        assert!(ts.len() >= 5, "{}: only {} tampers", v.name, ts.len());
        for (i, t) in ts.iter().enumerate() {
            n += 1;
            *per_field.entry(t.field).or_default() += 1;
            let verifier = &v.verifiers[(n + i) % v.verifiers.len()];
            let mut artifact = v.artifact.clone();
            let mut policy = v.signer.policy();
            let mut bundle = original.clone();
            match &t.edit {
                Edit::Json(p, value) => {
                    let mut b = v.bundle.clone();
                    *b.pointer_mut(p).unwrap() = value.clone();
                    bundle = serde_json::to_vec(&b).unwrap();
                    assert_ne!(bundle, original, "{}: {} changed nothing", v.name, t.at);
                }
                Edit::Artifact => artifact = v.artifact.flipped(),
                Edit::Identity => {
                    policy = match &v.signer {
                        Signer::Identity { identity, issuer } => {
                            Policy::identity(format!("{identity}x"), issuer).unwrap()
                        }
                        Signer::Key { .. } => {
                            let other = Instance::new().unrelated_key_pem();
                            Policy::key_pem(other.as_bytes()).unwrap()
                        }
                    }
                }
                Edit::Issuer => {
                    if let Signer::Identity { identity, issuer } = &v.signer {
                        policy = Policy::identity(identity, format!("{issuer}x")).unwrap();
                    }
                }
            }
            let r = verifier.verify_json(&bundle, &artifact.artifact(), &policy, v.now);
            let outcome = judge(t, r, &base);
            let known = KNOWN_CORE_BUGS
                .iter()
                .position(|(prefix, f, _)| v.name.starts_with(prefix) && *f == t.field);
            match (outcome, known) {
                (Outcome::AsExpected, None) => {}
                (Outcome::Wrong(_), Some(k)) => known_seen[k] = true,
                (Outcome::AsExpected, Some(k)) => wrong.push(format!(
                    "{} / {:?} at {}: listed in KNOWN_CORE_BUGS ({}) but now behaves as the \
                     table says: remove the entry",
                    v.name, t.field, t.at, KNOWN_CORE_BUGS[k].2
                )),
                (Outcome::Wrong(why), None) => {
                    wrong.push(format!("{} / {:?} at {}: {why}", v.name, t.field, t.at))
                }
            }
        }
    }
    for (k, seen) in known_seen.iter().enumerate() {
        let (prefix, field, _) = KNOWN_CORE_BUGS[k];
        let applies = vectors.iter().any(|v| v.name.starts_with(prefix));
        assert!(
            !applies || *seen,
            "KNOWN_CORE_BUGS entry {prefix} / {field:?} did not occur: remove it"
        );
    }
    eprintln!("tamper: per field {per_field:?}");
    assert!(
        wrong.is_empty(),
        "{} of {n} tampered verifications disagree with the table:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    n
}

#[test]
fn tampered_conformance_vectors_fail_the_right_check() {
    let n = run(&conformance_vectors());
    eprintln!("tamper: {n} tampered conformance verifications");
}

#[test]
fn tampered_ecosystem_samples_fail_the_right_check() {
    let n = run(&ecosystem_vectors());
    eprintln!("tamper: {n} tampered ecosystem verifications");
}

#[test]
fn tampered_testkit_bundles_fail_the_right_check() {
    let n = run(&testkit_vectors());
    eprintln!("tamper: {n} tampered testkit verifications");
}

#[test]
fn the_table_covers_every_field_of_the_issue() {
    // Every field the issue names appears in some vector's tampers.
    let mut seen = std::collections::BTreeSet::new();
    for v in testkit_vectors() {
        for t in tampers(&v) {
            seen.insert(t.field);
        }
    }
    for f in [
        Field::SignatureBytes,
        Field::CertificateBytes,
        Field::ProofHash,
        Field::RootHash,
        Field::CheckpointBodyLine,
        Field::CheckpointLogSignature,
        Field::Set,
        Field::IntegratedTime,
        Field::LogIndex,
        Field::LogId,
        Field::EntryBody,
        Field::MessageDigest,
        Field::TimestampSignature,
        Field::DssePayload,
        Field::DssePayloadType,
        Field::ArtifactByte,
        Field::Identity,
        Field::Issuer,
    ] {
        assert!(seen.contains(&f), "{f:?} is never tampered with");
    }
}
