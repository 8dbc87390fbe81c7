//! Fixtures shared by the fuzz targets: the testkit's deterministic Sigstore instance with valid
//! template bundles (so that a target can put the fuzz input in one field of an otherwise valid
//! bundle and reach the check that reads it), and verifiers for the testkit's, the public-good
//! and GitHub's trusted roots.
//!
//! Oracles beyond "no panic" live in the targets: where a field is pinned by a signature (the
//! certificate by the log entry, the checkpoint body by the log key, the timestamp's time by the
//! TSA), a changed input that still verifies is a bug and aborts the run.

use std::sync::OnceLock;

use serde_json::{json, Value};
use sigverify::{
    Artifact, Backend, Bundle, Policy, TrustedRoot, VerificationResult, Verifier, VerifierOptions,
    Witness, WitnessPolicy,
};
use sigverify_testkit::{
    BundleOptions, Content, EntryKind, Instance, ManagedKey, DEFAULT_IDENTITY,
    DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER,
};

/// The artifact of every testkit bundle (the same bytes as the testkit's `dump` example writes,
/// so that `seed.sh`'s testkit seeds verify here).
pub const ARTIFACT: &[u8] = b"sigverify test artifact\n";
/// "Now" for testkit bundles: a month after their signing time.
pub const NOW: i64 = DEFAULT_INTEGRATED_TIME as i64 + 30 * 86_400;
/// "Now" for real bundles (public-good, GitHub): 2033, after every sample was signed.
pub const NOW_REAL: i64 = 2_000_000_000;

/// Everything a target needs, built once per process.
pub struct Fixture {
    /// The testkit instance (for building bundles around an input).
    pub inst: Instance,
    /// The testkit's trusted root, default thresholds.
    pub testkit: Verifier,
    /// The testkit's trusted root with a 2-of-3 witness policy.
    pub testkit_witnessed: Verifier,
    /// The testkit's GitHub-style root (no logs), with GitHub's thresholds.
    pub testkit_github: Verifier,
    /// The embedded public-good root.
    pub public_good: Verifier,
    /// GitHub's instance, with its thresholds.
    pub github: Verifier,
    /// A valid v0.3 message-signature bundle (certificate, Rekor v1 entry, timestamp).
    pub msg: Value,
    /// Its leaf certificate.
    pub msg_leaf: Vec<u8>,
    /// A valid v0.3 DSSE bundle (dsse 0.0.1 entry).
    pub dsse: Value,
    /// A valid GitHub-style bundle (no log entry; the timestamp is the only time).
    pub github_style: Value,
    /// The policy the testkit's certificate bundles satisfy.
    pub identity: Policy,
}

fn root(v: &Value) -> TrustedRoot {
    TrustedRoot::from_json(&bytes(v)).expect("the testkit's trusted root loads")
}

impl Fixture {
    fn new() -> Fixture {
        let inst = Instance::new();
        let backend = Backend::default();
        let testkit = Verifier::with_options(
            &root(&inst.trusted_root()),
            VerifierOptions::default(),
            backend,
        )
        .expect("verifier");
        let witnesses = WitnessPolicy::new(
            2,
            inst.witness_vkeys()
                .iter()
                .map(|k| Witness::from_vkey(k).expect("vkey"))
                .collect(),
        )
        .expect("witness policy");
        let testkit_witnessed = Verifier::with_options(
            &root(&inst.trusted_root()),
            VerifierOptions::default(),
            backend,
        )
        .expect("verifier")
        .with_witness_policy(witnesses);
        let gh_options = sigverify::ecosystems::github::github_instance_options();
        let testkit_github =
            Verifier::with_options(&root(&inst.github_trusted_root()), gh_options, backend)
                .expect("verifier");
        let public_good = Verifier::with_options(
            &TrustedRoot::public_good().expect("public-good root"),
            VerifierOptions::default(),
            backend,
        )
        .expect("verifier");
        let github = Verifier::with_options(
            &TrustedRoot::github().expect("GitHub root"),
            gh_options,
            backend,
        )
        .expect("verifier");
        let msg_opts = BundleOptions::default();
        let msg = inst.bundle(&msg_opts, ARTIFACT);
        let msg_leaf = inst.leaf_certificate(&msg_opts);
        let dsse = inst.bundle(&BundleOptions::dsse(), ARTIFACT);
        let github_style = inst.bundle(&BundleOptions::github(), ARTIFACT);
        Fixture {
            inst,
            testkit,
            testkit_witnessed,
            testkit_github,
            public_good,
            github,
            msg,
            msg_leaf,
            dsse,
            github_style,
            identity: Policy::identity(DEFAULT_IDENTITY, DEFAULT_ISSUER).unwrap(),
        }
    }

    /// A DSSE bundle over `payload` (signed, logged and timestamped by the testkit), so that
    /// the statement parser sees arbitrary bytes behind a valid signature.
    pub fn dsse_over(&self, payload: &[u8], intoto: bool) -> Value {
        let opts = BundleOptions {
            content: Content::Dsse,
            entry: if intoto {
                EntryKind::Intoto002
            } else {
                EntryKind::Dsse001
            },
            dsse_payload: Some(payload.to_vec()),
            managed_key: None,
            ..BundleOptions::default()
        };
        self.inst.bundle(&opts, ARTIFACT)
    }

    /// Verifies `bundle` under every trust domain, with the policies that can apply, and
    /// returns the testkit-root outcome with the identity policy.
    pub fn verify_everywhere(
        &self,
        bundle: &Bundle,
    ) -> Result<VerificationResult, sigverify::Error> {
        let _ = bundle.describe();
        let art = artifact_of(bundle);
        let testkit_art = Artifact::Bytes(ARTIFACT);
        let any = Policy::without_identity_unsafe();
        for v in [
            &self.public_good,
            &self.github,
            &self.testkit_github,
            &self.testkit_witnessed,
        ] {
            let _ = v.issues_certificate_of(bundle);
            if let Some(a) = &art {
                let _ = v.verify(bundle, a, &any, NOW_REAL);
            }
        }
        for k in [ManagedKey::P256, ManagedKey::Ed25519] {
            let pem = match k {
                ManagedKey::P256 => self.inst.managed_key_pem(),
                ManagedKey::Ed25519 => self.inst.managed_ed25519_key_pem(),
            };
            if let Ok(p) = Policy::key_pem(pem.as_bytes()) {
                let _ = self.testkit.verify(bundle, &testkit_art, &p, NOW);
            }
        }
        self.testkit
            .verify(bundle, &testkit_art, &self.identity, NOW)
    }
}

/// The process-wide fixture.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(Fixture::new)
}

/// JSON bytes of a value.
pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON serialises")
}

/// Standard base64.
pub fn b64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// `base` with the value at `pointer` replaced.
pub fn with(base: &Value, pointer: &str, value: Value) -> Value {
    let mut v = base.clone();
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = value;
    }
    v
}

/// `base` with the string at `pointer` set to base64 of `data`.
pub fn with_b64(base: &Value, pointer: &str, data: &[u8]) -> Value {
    with(base, pointer, json!(b64(data)))
}

/// The artifact a bundle claims to be about, so that a fuzzed bundle gets past the artifact
/// check to the checks behind it: the message digest, or the first subject's digest.
pub fn artifact_of(bundle: &Bundle) -> Option<Artifact<'static>> {
    let d = bundle.describe();
    if let Some(s) = d.pointer("/content/digest").and_then(Value::as_str) {
        return Artifact::parse_digest(s).ok();
    }
    let digests = d
        .pointer("/content/statement/subjects/0/digest")?
        .as_object()?;
    digests
        .iter()
        .find_map(|(alg, hex)| Artifact::parse_digest(&format!("{alg}:{}", hex.as_str()?)).ok())
}
