//! sigverify: offline verification of Sigstore bundles.
//!
//! No I/O, no clock, no network: bytes, the current time, trusted material and policy come in as
//! arguments.
//!
//! ```
//! use sigverify::{Artifact, Policy, TrustedRoot, Verifier};
//! let verifier = Verifier::new(&TrustedRoot::public_good()?)?;
//! let policy = Policy::identity(
//!     "https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main",
//!     "https://token.actions.githubusercontent.com",
//! )?;
//! # let _ = (verifier, policy, Artifact::Bytes(b""));
//! # Ok::<(), sigverify::Error>(())
//! ```
#![forbid(unsafe_code)]
// Tests index freely: a panic there is a failed test, not a crash in a caller.
#![cfg_attr(test, allow(clippy::indexing_slicing))]

mod batch;
mod bundle;
mod checkpoint;
mod crypto;
mod ct;
mod der;
mod dsse;
pub mod ecosystems;
mod encoding;
mod error;
mod inspect;
pub mod limits;
mod merkle;
mod npm_keys;
mod policy;
mod result;
mod time;
mod timestamp;
mod tlog;
mod trust_root;
pub mod tuf;
mod verify;
mod witness;
mod x509;

pub use batch::{parallel_map, BatchItem};
pub use bundle::{Bundle, BundleVersion};
pub use crypto::{Backend, HashAlg, Hasher};
pub use dsse::{Statement, Subject};
pub use error::{Check, Error};
pub use policy::{
    github, gitlab, CheckedClaim, Field, Matcher, Policy, Requirement, GITHUB_ISSUER, GITLAB_ISSUER,
};
pub use result::{Claim, Signer, TimeSource, VerificationResult, VerifiedTime};
pub use time::{format_time, parse_time};
pub use tlog::LogEntryInfo;
pub use trust_root::{TrustedRoot, GITHUB, PUBLIC_GOOD, STAGING};
pub use verify::{Artifact, Verifier, VerifierOptions};
pub use witness::{Witness, WitnessPolicy};
pub use x509::San;
