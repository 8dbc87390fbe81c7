//! Test support: a small, deterministic Sigstore instance of our own.
//!
//! [`Instance`] holds a Fulcio-like CA (root + intermediate), a Rekor v1 log key (ECDSA P-256),
//! a Rekor v2 log key (Ed25519), a CT log key, a timestamp authority (root + leaf) and three
//! witnesses (Ed25519, C2SP `cosignature/v1`), all derived from fixed seeds. It produces a
//! `trusted_root.json` ([`Instance::trusted_root`]; GitHub-style without logs:
//! [`Instance::github_trusted_root`]) and complete Sigstore bundles ([`Instance::bundle`]) in
//! every supported shape, and, for each verification check, a bundle where only that check
//! fails ([`Fault`], [`LogFault`]). Nothing reads the clock or a random source: the same options
//! give byte-identical output.
//!
//! Beyond the default Rekor v1 bundle, [`BundleOptions`] selects a Rekor v2 entry
//! (`rekor_v2`, see [`BundleOptions::rekor_v2`]), witness cosignatures on every checkpoint
//! (`cosigners`, with verifier keys from [`Instance::witness_vkey`]), further log entries
//! (`extra_tlog_entries`: same log or the other log) and timestamps (`extra_timestamps`), a
//! leaf without SCT (`with_sct`), or no log entry at all ([`BundleOptions::github`]); and what
//! the first RFC 3161 token embeds: its TSA certificate or none (`tsa_embed_cert`), a changed,
//! malformed, lookalike or re-issued one in its place ([`TsaCert`]), and another certificate
//! besides it ([`OtherTsaCert`]).
//!
//! ```
//! use sigverify_testkit::{BundleOptions, Fault, Instance};
//! let inst = Instance::new();
//! let root = inst.trusted_root();
//! let good = inst.bundle(&BundleOptions::default(), b"hello");
//! let bad = inst.bundle(&BundleOptions::default().with_fault(Fault::SetBadSignature), b"hello");
//! assert_ne!(good, bad);
//! # let _ = root;
//! ```
//!
//! Modules, one per concept: [`keys`], [`x509`] (CA and certificates), [`ct`] (SCTs),
//! [`log`] (Rekor v1/v2 bodies, Merkle tree, SET, checkpoint, note key ids), [`witness`]
//! (cosignatures, verifier keys), [`tsa`] (RFC 3161), [`dsse`], [`trust`] (trusted root),
//! [`bundle`] and [`tuf`] (a small TUF repository: root, timestamp, snapshot, targets and a
//! delegated role, every knob a field). Apart from these, [`vectors`] finds the shared vectors
//! from outside (sigstore-conformance, ecosystem samples, TUF) and reads their exception files.
//!
//! # Independent cross-check
//!
//! `tests/support/crosscheck.py` verifies the generated bundles with sigstore-python (not part
//! of CI):
//!
//! ```text
//! python3 -m venv .venv && .venv/bin/pip install sigstore
//! cargo run -q -p sigverify-testkit --example dump -- /tmp/sigverify-testkit-dump
//! .venv/bin/python tests/support/crosscheck.py /tmp/sigverify-testkit-dump
//! ```

pub mod bcr;
pub mod bundle;
pub mod conda;
pub mod ct;
pub mod dsse;
pub mod instance;
pub mod keys;
pub mod log;
pub mod release;
pub mod trust;
pub mod tsa;
pub mod tuf;
pub mod util;
pub mod vectors;
pub mod witness;
pub mod x509;

pub use bundle::{
    BuiltBundle, BundleOptions, BundleVersion, Content, EntryKind, Fault, LogFault, ManagedKey,
    OtherTsaCert, Rekor, RekorV2Entry, TsaCert, DEFAULT_ARTIFACT_NAME, DEFAULT_IDENTITY,
    DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER, OTHER_BYTES,
};
pub use dsse::statement_for;
pub use instance::Instance;
pub use keys::{Curve, Ecdsa, HashKind};
pub use trust::{TrustedRootOptions, ValidFor};
pub use witness::{WitnessKey, FUTURE_COSIGNATURE_TIME};
pub use x509::Identity;

#[cfg(test)]
mod tests;
