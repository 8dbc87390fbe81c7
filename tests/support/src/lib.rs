//! Test support: a small, deterministic Sigstore instance of our own.
//!
//! [`Instance`] holds a Fulcio-like CA (root + intermediate), a Rekor v1 log key, a CT log key
//! and a timestamp authority (root + leaf), all derived from fixed seeds. It produces a
//! `trusted_root.json` ([`Instance::trusted_root`]) and complete Sigstore bundles
//! ([`Instance::bundle`]) in every supported shape, and, for each verification check, a bundle
//! where only that check fails ([`Fault`]). Nothing reads the clock or a random source: the
//! same options give byte-identical output.
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
//! [`log`] (Rekor bodies, Merkle tree, SET, checkpoint), [`tsa`] (RFC 3161), [`dsse`],
//! [`trust`] (trusted root) and [`bundle`].
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

pub mod bundle;
pub mod ct;
pub mod dsse;
pub mod instance;
pub mod keys;
pub mod log;
pub mod trust;
pub mod tsa;
pub mod util;
pub mod x509;

pub use bundle::{
    BuiltBundle, BundleOptions, BundleVersion, Content, EntryKind, Fault, ManagedKey,
    DEFAULT_ARTIFACT_NAME, DEFAULT_IDENTITY, DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER, OTHER_BYTES,
};
pub use dsse::statement_for;
pub use instance::Instance;
pub use trust::{TrustedRootOptions, ValidFor};
pub use x509::Identity;

#[cfg(test)]
mod tests;
