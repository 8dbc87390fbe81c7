//! The C ABI of sigverify: `libsigverify` and `include/sigverify.h` (generated from this file by
//! cbindgen; see ffi/README.md).
//!
//! Modelled on rustls-ffi: one opaque handle per Rust object, made by a constructor that writes it
//! through an out-parameter and freed by one NULL-tolerant `sigverify_<thing>_free`; every
//! exported body inside a panic boundary; fallible functions return a numbered
//! [`sigverify_result`] and write their out-parameters only on success; strings are returned into
//! caller buffers followed by their length; every comment says who owns what.
//!
//! On failure, the detailed message (which check failed, expected vs found) is kept per thread
//! and read with `sigverify_last_error_message`.
//!
//! The core takes the current time as an argument; this layer reads the system clock.
// C spells types in lower case with the `sigverify_` prefix, as rustls-ffi does.
#![allow(non_camel_case_types)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::indexing_slicing))]

mod boundary;
pub mod ecosystems;
mod result;
pub mod tuf;

use std::ffi::{c_char, CStr};
use std::sync::OnceLock;

use sigverify::{Artifact, Policy, TrustedRoot, VerificationResult, Verifier, VerifierOptions};

use boundary::{
    give, guard, guard_quiet, guard_value, handle, last_error, out_param, slice, take, utf8,
    write_str, Failure,
};
pub use result::{sigverify_result, sigverify_result_code};

/// A trusted root: the Fulcio CAs, transparency logs, CT logs and timestamp authorities a
/// deployment trusts. Made by a `sigverify_trusted_root_*` constructor, owned by the caller,
/// freed with `sigverify_trusted_root_free`. Immutable: safe to share between threads.
pub struct sigverify_trusted_root {
    root: TrustedRoot,
}

/// A verifier: a trusted root prepared once (keys parsed, CA and TSA chains validated) plus the
/// thresholds it requires. Made by `sigverify_verifier_new*`, owned by the caller, freed with
/// `sigverify_verifier_free`. Immutable: one verifier may be used by many threads at once.
pub struct sigverify_verifier {
    verifier: Verifier,
}

/// A policy: who must have signed (an exact certificate identity and OIDC issuer, or a public key
/// the caller supplies). Made by a `sigverify_policy_*` constructor, owned by the caller, freed
/// with `sigverify_policy_free`. Immutable: safe to share between threads.
pub struct sigverify_policy {
    policy: Policy,
}

/// The outcome of one successful verification: who signed, when, and how. Made by
/// `sigverify_verify*`, owned by the caller, freed with `sigverify_verification_free`.
/// Immutable: safe to share between threads.
pub struct sigverify_verification {
    result: VerificationResult,
    json: OnceLock<String>,
}

/// The system clock of every face (`sigverify_host::now`): only used to reject verified times
/// in the future.
use sigverify_host::now;

// ---------------------------------------------------------------------------------------------
// Version, result codes and the last error.

/// The version of sigverify, e.g. `"0.1.0"`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn sigverify_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    guard_value(VERSION.as_ptr(), || VERSION.as_ptr())
}

/// The stable name of a result code: `"ok"`, `"null-parameter"`, ..., and from 100 on the Rust
/// core's error code (`"invalid-json"`, `"policy-mismatch"`), the same string that the Python and
/// Node bindings expose. `"unknown"` for a number that is not a `sigverify_result`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn sigverify_result_name(code: sigverify_result_code) -> *const c_char {
    guard_value(c"unknown".as_ptr(), || {
        sigverify_result::from_code(code)
            .map_or(c"unknown", sigverify_result::name)
            .as_ptr()
    })
}

/// Writes a one-line description of a result code (of its kind, not of one failure: for that,
/// see `sigverify_last_error_message`) into `buf`, NUL-terminated. A number that is not a
/// `sigverify_result` gets the description `"unknown result N"`.
///
/// `buf` is owned by the caller and holds `len` bytes. On success `*written` is the length of the
/// string without its NUL. When `len` is too small, nothing is written to `buf`, `*written` is the
/// size needed (with the NUL) and the result is `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may be
/// NULL when `len` is 0, to ask for that size. This function never changes the last error.
///
/// # Safety
/// `buf` must be writable for `len` bytes (or NULL with `len` 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_result_message(
    code: sigverify_result_code,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_result_message";
    guard_quiet(|| {
        let text = match sigverify_result::from_code(code) {
            Some(r) => r.description().to_string_lossy().into_owned(),
            None => format!("unknown result {code}"),
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &text, buf, len, written) }
    })
}

/// The code of the last failure of a sigverify function on this thread, or `SIGVERIFY_RESULT_OK`
/// when there has been none. Successful calls leave it unchanged (like `errno`), so read it right
/// after the failing call.
#[no_mangle]
pub extern "C" fn sigverify_last_error_code() -> sigverify_result {
    guard_value(sigverify_result::Panic, || {
        last_error().map_or(sigverify_result::Ok, |e| e.code)
    })
}

/// Writes the detailed message of the last failure of a sigverify function on this thread into
/// `buf`, NUL-terminated: which check failed and, where there is one, the expected and the found
/// value, e.g. `policy check failed: identity: expected "...", found "..."`.
/// Each thread has its own; successful calls leave it unchanged (like `errno`).
///
/// `buf` is owned by the caller and holds `len` bytes. On success `*written` is the length of the
/// message without its NUL. When `len` is too small, nothing is written to `buf`, `*written` is
/// the size needed (with the NUL) and the result is `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may
/// be NULL when `len` is 0, to ask for that size. `SIGVERIFY_RESULT_NOT_AVAILABLE` when this
/// thread has had no failure. This function never changes the last error.
///
/// # Safety
/// `buf` must be writable for `len` bytes (or NULL with `len` 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_last_error_message(
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_last_error_message";
    guard_quiet(|| {
        let last = last_error();
        let Some(last) = last else {
            out_param(F, "written", written)?;
            return Err(Failure::new(sigverify_result::NotAvailable, ""));
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &last.message, buf, len, written) }
    })
}

/// The name of the verification step of the last failure on this thread (`"certificate"`,
/// `"transparency-log"`, `"policy"`, ...), or NULL when the last failure was not a verification
/// or input error (a NULL argument, a small buffer) or there has been none.
///
/// Returns a static NUL-terminated string, never to be freed.
#[no_mangle]
pub extern "C" fn sigverify_last_error_check() -> *const c_char {
    guard_value(std::ptr::null(), || {
        last_error()
            .and_then(|e| e.check)
            .map_or(std::ptr::null(), CStr::as_ptr)
    })
}

// ---------------------------------------------------------------------------------------------
// Trusted roots.

fn new_root(
    func: &'static str,
    out: *mut *mut sigverify_trusted_root,
    load: impl FnOnce() -> Result<TrustedRoot, Failure>,
) -> sigverify_result {
    guard(func, || {
        let out = out_param(func, "out", out)?;
        let root = load()?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_trusted_root { root }) };
        Ok(())
    })
}

/// The Sigstore public-good (production) trusted root, embedded in the library.
///
/// On success, `*out` is a new trusted root owned by the caller, to be freed with
/// `sigverify_trusted_root_free`; on failure `*out` is untouched.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_trusted_root_public_good(
    out: *mut *mut sigverify_trusted_root,
) -> sigverify_result {
    new_root("sigverify_trusted_root_public_good", out, || {
        Ok(TrustedRoot::public_good()?)
    })
}

/// The Sigstore staging trusted root, embedded in the library.
///
/// On success, `*out` is a new trusted root owned by the caller, to be freed with
/// `sigverify_trusted_root_free`; on failure `*out` is untouched.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_trusted_root_staging(
    out: *mut *mut sigverify_trusted_root,
) -> sigverify_result {
    new_root("sigverify_trusted_root_staging", out, || {
        Ok(TrustedRoot::staging()?)
    })
}

/// The trusted root of GitHub's own Sigstore instance (private-repository attestations: a Fulcio
/// CA and a timestamp authority, no transparency log), embedded in the library. It has no log and
/// no CT log, so verify with `sigverify_verifier_new_with_options(root, 0, 0, 1, &verifier)`: no
/// log entry, no SCT, at least one RFC 3161 timestamp.
///
/// On success, `*out` is a new trusted root owned by the caller, to be freed with
/// `sigverify_trusted_root_free`; on failure `*out` is untouched.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_trusted_root_github(
    out: *mut *mut sigverify_trusted_root,
) -> sigverify_result {
    new_root("sigverify_trusted_root_github", out, || {
        Ok(TrustedRoot::github()?)
    })
}

/// Parses a `trusted_root.json` document (`json`, `len` bytes, not NUL-terminated, borrowed for
/// the call only).
///
/// On success, `*out` is a new trusted root owned by the caller, to be freed with
/// `sigverify_trusted_root_free`; on failure `*out` is untouched and the last error says why.
///
/// # Safety
/// `json` must be readable for `len` bytes; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_trusted_root_from_json(
    json: *const u8,
    len: usize,
    out: *mut *mut sigverify_trusted_root,
) -> sigverify_result {
    const F: &str = "sigverify_trusted_root_from_json";
    new_root(F, out, || {
        // SAFETY: forwarded from this function's contract.
        let json = unsafe { slice(F, "json", json, len) }?;
        Ok(TrustedRoot::from_json(json)?)
    })
}

/// Frees a trusted root. NULL is a no-op. Verifiers made from it stay valid (they hold their
/// own copy of what they need).
///
/// # Safety
/// `root` must be NULL or a trusted root from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_trusted_root_free(root: *mut sigverify_trusted_root) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(root) })
}

// ---------------------------------------------------------------------------------------------
// Verifiers.

fn new_verifier(
    func: &'static str,
    root: *const sigverify_trusted_root,
    options: VerifierOptions,
    out: *mut *mut sigverify_verifier,
) -> sigverify_result {
    guard(func, || {
        // SAFETY: the exported callers' contract: a live trusted root or NULL.
        let root = unsafe { handle(func, "root", root) }?;
        let out = out_param(func, "out", out)?;
        let verifier = Verifier::with_options(&root.root, options, sigverify::Backend::default())?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_verifier { verifier }) };
        Ok(())
    })
}

/// A verifier for `root` with the default thresholds: at least one transparency log entry, at
/// least one signed certificate timestamp, and every RFC 3161 timestamp present must verify.
///
/// `root` is borrowed for the call only: it may be freed afterwards. On success, `*out` is a new
/// verifier owned by the caller, to be freed with `sigverify_verifier_free`; on failure `*out` is
/// untouched and the last error says why.
///
/// # Safety
/// `root` must be a live trusted root from sigverify; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verifier_new(
    root: *const sigverify_trusted_root,
    out: *mut *mut sigverify_verifier,
) -> sigverify_result {
    new_verifier(
        "sigverify_verifier_new",
        root,
        VerifierOptions::default(),
        out,
    )
}

/// A verifier for `root` with explicit thresholds: how many transparency log entries (from
/// distinct logs), signed certificate timestamps and RFC 3161 timestamps a bundle must carry that
/// verify. The defaults (`sigverify_verifier_new`) are 1, 1, 0. Any timestamp present must verify
/// whatever the threshold, and every bundle needs at least one verified time (a log entry's
/// integrated time or a timestamp). For GitHub's instance (`sigverify_trusted_root_github`) use
/// 0, 0, 1.
///
/// `root` is borrowed for the call only. On success, `*out` is a new verifier owned by the
/// caller, to be freed with `sigverify_verifier_free`; on failure `*out` is untouched.
///
/// # Safety
/// `root` must be a live trusted root from sigverify; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verifier_new_with_options(
    root: *const sigverify_trusted_root,
    tlog_threshold: usize,
    sct_threshold: usize,
    timestamp_threshold: usize,
    out: *mut *mut sigverify_verifier,
) -> sigverify_result {
    let mut options = VerifierOptions::default();
    options.tlog_threshold = tlog_threshold;
    options.sct_threshold = sct_threshold;
    options.timestamp_threshold = timestamp_threshold;
    new_verifier("sigverify_verifier_new_with_options", root, options, out)
}

/// Frees a verifier. NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `verifier` must be NULL or a verifier from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verifier_free(verifier: *mut sigverify_verifier) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(verifier) })
}

// ---------------------------------------------------------------------------------------------
// Policies.

fn new_policy(
    func: &'static str,
    out: *mut *mut sigverify_policy,
    make: impl FnOnce() -> Result<Policy, Failure>,
) -> sigverify_result {
    guard(func, || {
        let out = out_param(func, "out", out)?;
        let policy = make()?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_policy { policy }) };
        Ok(())
    })
}

/// A keyless policy: the signing certificate's subject alternative name (URI, email or
/// otherName) must equal `identity` and its OIDC issuer must equal `issuer`, exactly (no
/// patterns). Both are NUL-terminated UTF-8, non-empty, and borrowed for the call only.
///
/// On success, `*out` is a new policy owned by the caller, to be freed with
/// `sigverify_policy_free`; on failure `*out` is untouched.
///
/// # Safety
/// `identity` and `issuer` must be NUL-terminated strings; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_policy_identity(
    identity: *const c_char,
    issuer: *const c_char,
    out: *mut *mut sigverify_policy,
) -> sigverify_result {
    const F: &str = "sigverify_policy_identity";
    new_policy(F, out, || {
        // SAFETY: forwarded from this function's contract.
        let (identity, issuer) =
            unsafe { (utf8(F, "identity", identity)?, utf8(F, "issuer", issuer)?) };
        Ok(Policy::identity(identity, issuer)?)
    })
}

/// A managed-key policy: the bundle must be signed by this public key, a PEM `PUBLIC KEY` block
/// (SubjectPublicKeyInfo) of `len` bytes, borrowed for the call only. The key always comes from
/// the caller, never from the bundle.
///
/// On success, `*out` is a new policy owned by the caller, to be freed with
/// `sigverify_policy_free`; on failure `*out` is untouched.
///
/// # Safety
/// `pem` must be readable for `len` bytes; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_policy_key(
    pem: *const u8,
    len: usize,
    out: *mut *mut sigverify_policy,
) -> sigverify_result {
    const F: &str = "sigverify_policy_key";
    new_policy(F, out, || {
        // SAFETY: forwarded from this function's contract.
        let pem = unsafe { slice(F, "pem", pem, len) }?;
        Ok(Policy::key_pem(pem)?)
    })
}

/// A policy from a policy document (JSON, `"version": 1`, `len` bytes, borrowed for the call
/// only), the declarative form every binding reads:
/// `{"version": 1, "identity": "...", "issuer": "..."}` or `{"version": 1, "key": "-----BEGIN
/// PUBLIC KEY-----..."}`. Unknown fields are refused with their path.
///
/// On success, `*out` is a new policy owned by the caller, to be freed with
/// `sigverify_policy_free`; on failure `*out` is untouched.
///
/// # Safety
/// `json` must be readable for `len` bytes; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_policy_from_json(
    json: *const u8,
    len: usize,
    out: *mut *mut sigverify_policy,
) -> sigverify_result {
    const F: &str = "sigverify_policy_from_json";
    new_policy(F, out, || {
        // SAFETY: forwarded from this function's contract.
        let json = unsafe { slice(F, "json", json, len) }?;
        Ok(Policy::from_json(json)?)
    })
}

/// A policy that accepts any certificate identity that chains to the trusted root. Only for
/// callers that check the identity themselves, with `sigverify_verification_identity` and
/// `sigverify_verification_issuer`: the name says what it gives up.
///
/// On success, `*out` is a new policy owned by the caller, to be freed with
/// `sigverify_policy_free`; on failure `*out` is untouched.
///
/// # Safety
/// `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_policy_without_identity_unsafe(
    out: *mut *mut sigverify_policy,
) -> sigverify_result {
    new_policy("sigverify_policy_without_identity_unsafe", out, || {
        Ok(Policy::without_identity_unsafe())
    })
}

/// Frees a policy. NULL is a no-op. No other thread may be using it.
///
/// # Safety
/// `policy` must be NULL or a policy from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_policy_free(policy: *mut sigverify_policy) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(policy) })
}

// ---------------------------------------------------------------------------------------------
// Verification.

/// The artifact argument of the two verify functions, as C passed it.
enum ArtifactArg {
    Bytes(*const u8, usize),
    Digest(*const c_char),
}

fn verify_with(
    func: &'static str,
    verifier: *const sigverify_verifier,
    bundle: *const u8,
    bundle_len: usize,
    artifact: ArtifactArg,
    policy: *const sigverify_policy,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    guard(func, || {
        // SAFETY: the exported callers' contract: live handles or NULL, readable buffers and a
        // NUL-terminated digest.
        let (verifier, bundle, artifact, policy) = unsafe {
            (
                handle(func, "verifier", verifier)?,
                slice(func, "bundle", bundle, bundle_len)?,
                match artifact {
                    ArtifactArg::Bytes(ptr, len) => {
                        Artifact::Bytes(slice(func, "artifact", ptr, len)?)
                    }
                    ArtifactArg::Digest(ptr) => Artifact::parse_digest(utf8(func, "digest", ptr)?)?,
                },
                handle(func, "policy", policy)?,
            )
        };
        let out = out_param(func, "out", out)?;
        let result = verifier
            .verifier
            .verify_json(bundle, &artifact, &policy.policy, now())?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe {
            give(
                out,
                sigverify_verification {
                    result,
                    json: OnceLock::new(),
                },
            )
        };
        Ok(())
    })
}

/// Verifies a bundle (`bundle`, the JSON of a `.sigstore.json` file, `bundle_len` bytes) over an
/// artifact (`artifact`, its bytes, `artifact_len` bytes) against a policy, at the current time
/// of the system clock. Every buffer and handle is borrowed for the call only. A buffer may be
/// NULL only when its length is 0. Thread-safe: any number of threads may share one verifier and
/// one policy.
///
/// On success, `*out` is a new verification owned by the caller, to be freed with
/// `sigverify_verification_free`. On failure `*out` is untouched, the result names the kind of
/// failure (100-199: unusable input, 200-299: verification failed), and
/// `sigverify_last_error_message` says which check failed, with the expected and the found value.
///
/// # Safety
/// `verifier` and `policy` must be live handles from sigverify; `bundle` and `artifact` must be
/// readable for their lengths; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verify(
    verifier: *const sigverify_verifier,
    bundle: *const u8,
    bundle_len: usize,
    artifact: *const u8,
    artifact_len: usize,
    policy: *const sigverify_policy,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    verify_with(
        "sigverify_verify",
        verifier,
        bundle,
        bundle_len,
        ArtifactArg::Bytes(artifact, artifact_len),
        policy,
        out,
    )
}

/// Like `sigverify_verify`, for a caller that has only the artifact's digest: `digest` is a
/// NUL-terminated `"sha256:HEX"` (also `sha384:`, `sha512:`), borrowed for the call only.
/// Ed25519 message signatures need the artifact's bytes and fail with a digest.
///
/// On success, `*out` is a new verification owned by the caller, to be freed with
/// `sigverify_verification_free`; on failure `*out` is untouched and the last error says why.
///
/// # Safety
/// `verifier` and `policy` must be live handles from sigverify; `bundle` must be readable for
/// `bundle_len` bytes; `digest` must be a NUL-terminated string; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verify_digest(
    verifier: *const sigverify_verifier,
    bundle: *const u8,
    bundle_len: usize,
    digest: *const c_char,
    policy: *const sigverify_policy,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    verify_with(
        "sigverify_verify_digest",
        verifier,
        bundle,
        bundle_len,
        ArtifactArg::Digest(digest),
        policy,
        out,
    )
}

/// The whole result of a verification as JSON (stable field names, the same document as
/// `sigverify verify --json`): the signer with every Fulcio claim, every verified time and its
/// source, the log entries, the in-toto statement. Written into `buf`, NUL-terminated.
///
/// `v` is borrowed; `buf` is owned by the caller and holds `len` bytes. On success `*written` is
/// the length of the JSON without its NUL. When `len` is too small, nothing is written to `buf`,
/// `*written` is the size needed (with the NUL) and the result is
/// `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may be NULL when `len` is 0, to ask for that size.
///
/// # Safety
/// `v` must be a live verification; `buf` must be writable for `len` bytes (or NULL with `len`
/// 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verification_json(
    v: *const sigverify_verification,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_verification_json";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        let json = v.json.get_or_init(|| v.result.to_json().to_string());
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, json, buf, len, written) }
    })
}

fn signer_string(
    func: &'static str,
    v: *const sigverify_verification,
    what: &str,
    get: impl FnOnce(&VerificationResult) -> Option<&str>,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    guard(func, || {
        // SAFETY: the exported callers' contract: a live verification or NULL.
        let v = unsafe { handle(func, "v", v) }?;
        let value = get(&v.result).ok_or_else(|| {
            Failure::new(
                sigverify_result::NotAvailable,
                format!("{func}: the bundle was not signed with a certificate that has {what}"),
            )
        })?;
        // SAFETY: the exported callers' contract: writable buffers.
        unsafe { write_str(func, value, buf, len, written) }
    })
}

/// The signer's identity: the subject alternative name (URI, email or otherName) of the signing
/// certificate, e.g. `https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main`.
/// Written into `buf`, NUL-terminated. `SIGVERIFY_RESULT_NOT_AVAILABLE` when the bundle was
/// signed with a managed key.
///
/// `v` is borrowed; `buf` is owned by the caller and holds `len` bytes. On success `*written` is
/// the length without the NUL. When `len` is too small, nothing is written to `buf`, `*written` is
/// the size needed (with the NUL) and the result is `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may
/// be NULL when `len` is 0, to ask for that size. A value that contains a NUL byte is never
/// returned (`SIGVERIFY_RESULT_INVALID_PARAMETER`), so that C cannot see a shortened identity.
///
/// # Safety
/// `v` must be a live verification; `buf` must be writable for `len` bytes (or NULL with `len`
/// 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verification_identity(
    v: *const sigverify_verification,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    signer_string(
        "sigverify_verification_identity",
        v,
        "an identity",
        VerificationResult::identity,
        buf,
        len,
        written,
    )
}

/// The signer's OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, else 1.1), e.g.
/// `https://token.actions.githubusercontent.com`. Written into `buf`, NUL-terminated.
/// `SIGVERIFY_RESULT_NOT_AVAILABLE` when the bundle was signed with a managed key.
///
/// `v` is borrowed; `buf` is owned by the caller and holds `len` bytes. On success `*written` is
/// the length without the NUL. When `len` is too small, nothing is written to `buf`, `*written` is
/// the size needed (with the NUL) and the result is `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may
/// be NULL when `len` is 0, to ask for that size.
///
/// # Safety
/// `v` must be a live verification; `buf` must be writable for `len` bytes (or NULL with `len`
/// 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verification_issuer(
    v: *const sigverify_verification,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    signer_string(
        "sigverify_verification_issuer",
        v,
        "an issuer",
        VerificationResult::issuer,
        buf,
        len,
        written,
    )
}

/// The earliest verified time of the signature (Unix seconds): a transparency log's integrated
/// time or an RFC 3161 timestamp. Written to `*out` on success.
///
/// # Safety
/// `v` must be a live verification; `out` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verification_earliest_time(
    v: *const sigverify_verification,
    out: *mut i64,
) -> sigverify_result {
    const F: &str = "sigverify_verification_earliest_time";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        let out = out_param(F, "out", out)?;
        let t = v.result.earliest_time().ok_or_else(|| {
            Failure::new(
                sigverify_result::NotAvailable,
                format!("{F}: no verified time"),
            )
        })?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { out.write(t) };
        Ok(())
    })
}

/// Frees a verification. NULL is a no-op. Strings copied out of it stay valid (they belong to
/// the caller).
///
/// # Safety
/// `v` must be NULL or a verification from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_verification_free(v: *mut sigverify_verification) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(v) })
}

/// Compile-time check: what the header promises can be shared between threads can be.
#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<sigverify_trusted_root>();
    is::<sigverify_verifier>();
    is::<sigverify_policy>();
    is::<sigverify_verification>();
    is::<tuf::sigverify_tuf_update>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    fn last_message() -> String {
        last_error().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let r = guard("test_fn", || {
            #[allow(clippy::panic)]
            {
                panic!("boom")
            }
        });
        assert_eq!(r, sigverify_result::Panic);
        assert_eq!(sigverify_last_error_code(), sigverify_result::Panic);
        let m = last_message();
        assert!(m.contains("test_fn") && m.contains("boom"), "{m}");
        assert_eq!(guard_value(7, || -> i32 { std::panic::panic_any(1u8) }), 7);
    }

    #[test]
    fn out_params_untouched_on_failure() {
        // A sentinel that is never dereferenced: the call must leave it as it is.
        let sentinel: *mut sigverify_trusted_root = ptr::dangling_mut();
        let mut out = sentinel;
        // SAFETY: valid buffers and out-pointers from this test.
        let r = unsafe { sigverify_trusted_root_from_json(b"{".as_ptr(), 1, &mut out) };
        assert_eq!(r, sigverify_result::InvalidJson);
        assert_eq!(out, sentinel);
        assert!(last_message().contains("trusted root"));
        // SAFETY: valid buffers and out-pointers from this test.
        let r = unsafe { sigverify_trusted_root_from_json(ptr::null(), 1, &mut out) };
        assert_eq!(r, sigverify_result::NullParameter);
        assert!(last_message().contains("`json`"));
    }

    #[test]
    fn message_accessor_keeps_the_error() {
        let mut p: *mut sigverify_policy = ptr::null_mut();
        // SAFETY: valid buffers and out-pointers from this test.
        let r = unsafe { sigverify_policy_from_json(b"[]".as_ptr(), 2, &mut p) };
        assert_eq!(r, sigverify_result::InvalidPolicy);
        let mut n = 0usize;
        // SAFETY: valid buffers and out-pointers from this test.
        let r = unsafe { sigverify_last_error_message(ptr::null_mut(), 0, &mut n) };
        assert_eq!(r, sigverify_result::BufferTooSmall);
        assert_eq!(n, last_message().len() + 1);
        assert_eq!(sigverify_last_error_code(), sigverify_result::InvalidPolicy);
        // SAFETY: valid buffers and out-pointers from this test.
        let check = unsafe { CStr::from_ptr(sigverify_last_error_check()) };
        assert_eq!(check, c"policy");
    }
}
