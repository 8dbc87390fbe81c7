//! Offline trust-root updates: a TUF client that verifies, and never fetches.
//!
//! Sigstore distributes its trusted root (`trusted_root.json`) and the npm registry's keys
//! (`registry.npmjs.org/keys.json`) through a TUF repository. This module is the client
//! workflow of the TUF specification (§5) as a state machine without I/O: the caller's own HTTP
//! client, mirror, proxy or cache fetches each file it asks for, and every check happens here:
//!
//! 1. the trusted root (the embedded [`PUBLIC_GOOD_ROOT`] / [`STAGING_ROOT`], or the root the
//!    last update returned) walks forward one version at a time, each new root signed by a
//!    threshold of the old root's keys and of its own (§5.3);
//! 2. timestamp → snapshot → targets, each signed by a threshold of its role's keys, with the
//!    versions, lengths and hashes the previous one states (§5.4–§5.6);
//! 3. delegated targets roles, searched in the specification's order (§5.7; the public-good
//!    repository delegates `registry.npmjs.org/*`);
//! 4. the target files, accepted only with the length and hashes the verified metadata lists.
//!
//! Rollback is refused against a [`TufState`] the caller persisted from its last update;
//! expiry is checked against a time the caller gives. Expired metadata is refused unless
//! [`UpdateOptions::accept_expired_metadata_unsafe`] is set, and then the result reports how
//! old it is ([`TufUpdate::expired`]).
//!
//! ```no_run
//! use sigverify::tuf::{TufClient, TufState};
//! # fn get(_url: &str) -> Option<Vec<u8>> { None }
//! # let saved_state: Option<TufState> = None;
//! # let now = 0;
//! let client = TufClient::public_good()?;
//! let update = client.update(saved_state.as_ref(), now, |request| {
//!     let base = if request.is_target() {
//!         "https://tuf-repo-cdn.sigstore.dev/targets/"
//!     } else {
//!         "https://tuf-repo-cdn.sigstore.dev/"
//!     };
//!     get(&format!("{base}{}", request.name()))
//! })?;
//! let verifier = sigverify::Verifier::new(&update.trusted_root)?;
//! // Persist update.state.to_json() and update.root_json for the next update.
//! # let _ = verifier;
//! # Ok::<(), sigverify::Error>(())
//! ```
//!
//! Signature schemes: ECDSA P-256 (`ecdsa` / `ecdsa-sha2-nistp256`, PEM or hex keys, hex DER
//! signatures), ECDSA P-384 and Ed25519, over the canonical JSON (OLPC) of `signed`. Key ids are
//! taken as the repository states them.

mod canonical_json;
mod client;
mod metadata;
mod state;

pub use client::{
    ExpiredMetadata, Request, RequestKind, TufClient, TufUpdate, UpdateOptions, Updater,
    NPM_KEYS_TARGET, PUBLIC_GOOD_ROOT, STAGING_ROOT, TRUSTED_ROOT_TARGET,
};
pub use state::TufState;

#[cfg(test)]
mod tests;
