//! `sigverify_verification`: made by `sigverify_verify` and `sigverify_verify_digest` (and the
//! ecosystem functions), read by its accessors.

use std::ffi::c_char;
use std::sync::OnceLock;

use sigverify::{Artifact, VerificationResult};
// The system clock of every face: only used to reject verified times in the future.
use sigverify_host::now;

use crate::boundary::{
    give, guard, guard_value, handle, out_param, shareable, slice, take, utf8, write_out, write_str,
};
use crate::error::Failure;
use crate::policy::sigverify_policy;
use crate::result::sigverify_result;
use crate::verifier::sigverify_verifier;

/// The outcome of one successful verification: who signed, when, and how. Made by
/// `sigverify_verify*`, owned by the caller, freed with `sigverify_verification_free`.
/// Immutable: safe to share between threads.
pub struct sigverify_verification {
    pub(crate) result: VerificationResult,
    pub(crate) json: OnceLock<String>,
}

const _: () = shareable::<sigverify_verification>();

impl From<VerificationResult> for sigverify_verification {
    fn from(result: VerificationResult) -> Self {
        sigverify_verification {
            result,
            json: OnceLock::new(),
        }
    }
}

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
        unsafe { give(out, sigverify_verification::from(result)) };
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
        unsafe { write_out(out, t) };
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
