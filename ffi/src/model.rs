//! `sigverify_model_verify`: a machine-learning model directory against its OpenSSF model
//! signature, through the host's model request (`sigverify_host::model::Request`), as the CLI,
//! Python and Node call it; `sigverify_model_verification` holds the outcome.

use std::ffi::c_char;
use std::path::PathBuf;
use std::sync::Arc;

use sigverify::ecosystems::model::ModelVerification;
use sigverify_host::model::{Request, Signer};

use crate::boundary::{
    give, guard, guard_value, handle, opt_utf8, out_param, shareable, slice, take, utf8,
    utf8_array, write_str,
};
use crate::result::sigverify_result;
use crate::verifier::sigverify_verifier;

/// A verified model: what `sigverify_model_verify` established. Owned by the caller, freed with
/// `sigverify_model_verification_free`. Immutable: safe to share between threads.
pub struct sigverify_model_verification {
    json: String,
}

const _: () = shareable::<sigverify_model_verification>();

/// `sigverify_model_verify` flag: hash only the files the signature lists
/// (`--ignore-unsigned-files`).
pub const SIGVERIFY_MODEL_IGNORE_UNSIGNED_FILES: u32 = 1;
/// `sigverify_model_verify` flag: do not ignore `.git`, `.gitattributes`, `.github` and
/// `.gitignore` (model_signing ignores them by default).
pub const SIGVERIFY_MODEL_INCLUDE_GIT_PATHS: u32 = 2;

/// Verifies the model at `model` (a directory, or a single file) against its OpenSSF model
/// signature `signature` (NULL: `MODEL/model.sig`), by exactly one method:
///
/// - `sigstore`: `identity` and `issuer` (the certificate's SAN and OIDC issuer, exactly),
///   verified by `verifier` (NULL: the embedded public-good verifier);
/// - `key`: `key_pem` (`key_len` bytes), the signer's public key in PEM; no log or timestamp;
/// - `certificate`: `ca_pem` (`ca_len` bytes), the CA certificates (PEM, one or more) the
///   signing certificate must chain to; no log, timestamp or SAN.
///
/// Unused methods' arguments are NULL (and 0). `ignore_paths` (`ignore_len` strings, or NULL
/// and 0) are paths to ignore, relative to the model directory or absolute inside it. `flags`: 0,
/// `SIGVERIFY_MODEL_IGNORE_UNSIGNED_FILES`, `SIGVERIFY_MODEL_INCLUDE_GIT_PATHS`; other bits give
/// `SIGVERIFY_RESULT_INVALID_PARAMETER`. The files are hashed on every CPU. Every argument is
/// borrowed for the call only.
///
/// On success, `*out` is a new model verification owned by the caller, to be freed with
/// `sigverify_model_verification_free`; on failure `*out` is untouched and the last error names
/// the file or the check (`SIGVERIFY_RESULT_ARTIFACT_MISMATCH` for a changed, added, removed or
/// renamed file, `SIGVERIFY_RESULT_INVALID_ARGUMENT` for no method or two,
/// `SIGVERIFY_RESULT_IO_ERROR` for a file that cannot be read).
///
/// # Safety
/// `model` must be a NUL-terminated string; `signature`, `identity` and `issuer` NULL or
/// NUL-terminated strings; `verifier` NULL or a live verifier; `key_pem` NULL or readable for
/// `key_len` bytes, `ca_pem` NULL or readable for `ca_len` bytes; `ignore_paths` NULL or
/// `ignore_len` NUL-terminated strings; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sigverify_model_verify(
    model: *const c_char,
    signature: *const c_char,
    identity: *const c_char,
    issuer: *const c_char,
    verifier: *const sigverify_verifier,
    key_pem: *const u8,
    key_len: usize,
    ca_pem: *const u8,
    ca_len: usize,
    ignore_paths: *const *const c_char,
    ignore_len: usize,
    flags: u32,
    out: *mut *mut sigverify_model_verification,
) -> sigverify_result {
    const F: &str = "sigverify_model_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract (NULL is checked for each).
        let (model, signature, identity, issuer, key, ca, ignore) = unsafe {
            (
                utf8(F, "model", model)?,
                opt_utf8(F, "signature", signature)?,
                opt_utf8(F, "identity", identity)?,
                opt_utf8(F, "issuer", issuer)?,
                (!key_pem.is_null())
                    .then(|| slice(F, "key_pem", key_pem, key_len))
                    .transpose()?,
                (!ca_pem.is_null())
                    .then(|| slice(F, "ca_pem", ca_pem, ca_len))
                    .transpose()?,
                utf8_array(F, "ignore_paths", ignore_paths, ignore_len)?,
            )
        };
        let verifier = if verifier.is_null() {
            None
        } else {
            // SAFETY: not NULL; the caller promises a live verifier.
            Some(Arc::clone(
                &unsafe { handle(F, "verifier", verifier) }?.verifier,
            ))
        };
        let out = out_param(F, "out", out)?;
        let known = SIGVERIFY_MODEL_IGNORE_UNSIGNED_FILES | SIGVERIFY_MODEL_INCLUDE_GIT_PATHS;
        if flags & !known != 0 {
            return Err(crate::error::Failure::new(
                sigverify_result::InvalidParameter,
                format!("{F}: unknown flags {flags:#x}"),
            ));
        }
        // Each method's arguments as given: the host's request decides that exactly one is.
        let signer = match (key, ca) {
            (Some(_), Some(_)) => {
                return Err(sigverify_host::Failure::argument(
                    "give one method: identity and issuer, a public key or CA certificates",
                )
                .into())
            }
            (Some(k), None) => Some(Signer::Key(k.to_vec())),
            (None, Some(c)) => Some(Signer::Certificate(c.to_vec())),
            (None, None) => None,
        };
        let v: ModelVerification = Request {
            model: PathBuf::from(model),
            signature: signature.map(PathBuf::from),
            identity: identity.map(str::to_owned),
            issuer: issuer.map(str::to_owned),
            signer,
            verifier,
            ignore_paths: ignore.into_iter().map(PathBuf::from).collect(),
            ignore_git_paths: Some(flags & SIGVERIFY_MODEL_INCLUDE_GIT_PATHS == 0),
            ignore_unsigned_files: flags & SIGVERIFY_MODEL_IGNORE_UNSIGNED_FILES != 0,
            threads: None,
        }
        .validate()?
        .run(sigverify_host::now(), None)?;
        let json = v.to_json().to_string();
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_model_verification { json }) };
        Ok(())
    })
}

/// The model verification as JSON (`sigverify model verify --json`): the model (`name`,
/// `manifestDigest`, `method`, `shardSize`, `hashType`, `resources`, `bytes`) and the signer
/// (`method` `sigstore` with the whole Sigstore result, `key` with the key's SPKI SHA-256, or
/// `certificate` with the path to the caller's CA), written into `buf`, NUL-terminated, with the
/// buffer convention of `sigverify_verification_json`.
///
/// # Safety
/// `v` must be a live model verification; `buf` writable for `len` bytes (or NULL with `len`
/// 0); `written` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_model_verification_json(
    v: *const sigverify_model_verification,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_model_verification_json";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &v.json, buf, len, written) }
    })
}

/// Frees a model verification. NULL is a no-op.
///
/// # Safety
/// `v` must be NULL or a model verification from sigverify that has not been freed; it is
/// invalid afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_model_verification_free(v: *mut sigverify_model_verification) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(v) })
}
