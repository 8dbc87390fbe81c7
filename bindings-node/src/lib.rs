//! `sigverify` for Node.js: the sigverify core through napi-rs.
//!
//! Shaped like the `@node-rs` packages: `#[napi]` classes and functions, an `index.d.ts` generated
//! by `napi build` from these `///` comments (committed), async work off the JavaScript thread
//! (`verify`, `verifyMany`) with a `verifySync` twin that shares one code path
//! ([`verifier::Job::run`]). The error classes are plain JavaScript (`errors.js`, extending
//! `Error`); every failure becomes one of them in exactly one place, [`errors::Failure::into_js`].
//!
//! Every call into the core runs behind a panic boundary: a bug surfaces as a `SigverifyError`
//! with code `internal-error`, never as a crash.

mod ecosystems;
mod errors;
mod inputs;
mod policy;
mod result;
mod root;
mod tuf;
mod verifier;

/// Panics are caught at every boundary and reported as errors carrying their message, so the
/// default hook's printing to stderr would only be noise in the host process. The hook belongs to
/// this addon's own copy of the Rust standard library: it silences nothing else.
#[napi_derive::module_init]
fn init() {
    std::panic::set_hook(Box::new(|_| {}));
}
