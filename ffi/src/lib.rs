//! The C ABI of sigverify: `libsigverify` and `include/sigverify.h` (generated from these files by
//! cbindgen; see ffi/README.md).
//!
//! Modelled on rustls-ffi: one opaque handle per Rust object, made by a constructor that writes it
//! through an out-parameter and freed by one NULL-tolerant `sigverify_<thing>_free`; every
//! exported body inside a panic boundary; fallible functions return a numbered
//! [`sigverify_result`](result::sigverify_result) and write their out-parameters only on success;
//! strings are returned into caller buffers followed by their length; every comment says who owns
//! what.
//!
//! On failure, the detailed message (which check failed, expected vs found) is kept per thread
//! and read with `sigverify_last_error_message`.
//!
//! The core takes the current time as an argument; this layer reads the system clock.
//!
//! As in rustls-ffi, this file only declares the modules, one per handle type or concept. Every
//! write through a pointer from C happens in `boundary`.
// C spells types in lower case with the `sigverify_` prefix, as rustls-ffi does.
#![allow(non_camel_case_types)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::indexing_slicing))]

// The panic guard, the checked conversions of C's arguments, every write through a pointer C
// hands us.
mod boundary;

// The modules below are in the order of the header, which cbindgen writes module by module in
// declaration order; the blank lines keep rustfmt from sorting them.

// `sigverify_version`.
pub mod version;

// `sigverify_result`: the numbered codes, their names and descriptions.
pub mod result;

// `sigverify_last_error_*`: the thread's last failure.
pub mod error;

// `sigverify_trusted_root`.
pub mod root;

// `sigverify_verifier` and its thresholds.
pub mod verifier;

// `sigverify_policy`.
pub mod policy;

// `sigverify_verification`: `sigverify_verify*` make it, its accessors read it.
pub mod verification;

// `sigverify_pypi_*`, `sigverify_npm_verify`, `sigverify_github_verify`.
pub mod ecosystems;

// `sigverify_conda_verify`.
pub mod conda;

// `sigverify_bcr_verify`.
pub mod bcr;

// `sigverify_github_release_verify`.
pub mod release;

// `sigverify_tuf_update`.
pub mod tuf;

// `sigverify_model_verify` and `sigverify_model_verification`.
pub mod model;
