//! `sigverify._native`: the Python binding of the sigverify core (pyo3).
//!
//! Shaped like pydantic-core: this private native module holds the classes, `sigverify/__init__.py`
//! re-exports them explicitly, and `sigverify/_native.pyi` is the hand-written, documented stub.
//! The exception classes are plain Python (`sigverify/_errors.py`, so that `VerificationError` can
//! subclass both `Error` and `ValueError`); every core error becomes one of them in exactly one
//! place, [`errors::to_pyerr`].
//!
//! The ecosystem adapters (`sigverify::ecosystems`) are functions of this module with prefixed
//! names (`pypi_verify_attestation`, `npm_verify`, `github_verify`, ...), re-exported without the
//! prefix by `sigverify/pypi.py`, `npm.py` and `github.py` ([`ecosystems`]). The TUF client
//! (`sigverify::tuf`) is `tuf_update` and `TufUpdate`, re-exported by `sigverify/tuf.py` ([`tuf`]).
//! Model signing (`sigverify::ecosystems::model`) is `model_verify` and `ModelVerification`,
//! re-exported by `sigverify/model.py` ([`model`]). PEP 751 locks are `pylock_verify`,
//! `pylock_record` and `LockReport`, re-exported by `sigverify/pylock.py` ([`pylock`]).
//!
//! Verification runs with the GIL released (`Python::detach`), behind a panic boundary: a bug in
//! Rust surfaces as `sigverify.Error` with code `internal-error`, never as a crash or a Rust panic
//! message.

use pyo3::prelude::*;

mod bcr;
mod conda;
mod convert;
mod ecosystems;
mod errors;
mod inputs;
mod model;
mod policy;
mod pylock;
mod release;
mod result;
mod root;
mod tuf;
mod verifier;

/// The native module. The exception types are looked up in `sigverify._errors` here, once.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::init(m.py())?;
    errors::silence_panic_messages();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<root::TrustedRoot>()?;
    m.add_class::<policy::Policy>()?;
    m.add_class::<verifier::Verifier>()?;
    m.add_class::<result::VerificationResult>()?;
    m.add_class::<result::VerifiedTime>()?;
    m.add_class::<result::LogEntry>()?;
    m.add_class::<result::CheckedClaim>()?;
    m.add_class::<result::Statement>()?;
    m.add_class::<result::Subject>()?;
    ecosystems::register(m)?;
    model::register(m)?;
    conda::register(m)?;
    bcr::register(m)?;
    release::register(m)?;
    tuf::register(m)?;
    pylock::register(m)?;
    Ok(())
}
