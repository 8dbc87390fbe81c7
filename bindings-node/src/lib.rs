//! `sigverify` for Node.js: the sigverify core through napi-rs, by way of the binding-neutral
//! layer `sigverify-host`, which decides every rule (which arguments a call needs, the embedded
//! instances, the batch runner, the panic guard). This crate only converts: JavaScript values
//! to the host's requests ([`inputs`]), the host's results and failures back ([`result`],
//! [`errors::to_js`]).
//!
//! Shaped like the `@node-rs` packages: `#[napi]` classes and functions, an `index.d.ts` generated
//! by `napi build` from these `///` comments (committed), async work off the JavaScript thread
//! with a `...Sync` twin that shares one code path ([`task`]). The error classes are plain
//! JavaScript (`errors.js`, extending `Error`).
//!
//! Every call into the core runs behind the host's panic boundary (`sigverify_host::guard`): a
//! bug surfaces as a `SigverifyError` with code `internal-error`, never as a crash.

mod ecosystems;
mod errors;
mod inputs;
mod policy;
mod result;
mod root;
mod task;
mod tuf;
mod verifier;

/// Panics are caught at every boundary and reported as errors carrying their message, so the
/// default hook's printing to stderr would only be noise in the host process. The hook belongs to
/// this addon's own copy of the Rust standard library: it silences nothing else.
#[napi_derive::module_init]
fn init() {
    std::panic::set_hook(Box::new(|_| {}));
}
