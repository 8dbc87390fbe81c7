//! `sigverify_policy`: who must have signed.

use std::ffi::c_char;

use sigverify::Policy;

use crate::boundary::{give, guard, guard_value, out_param, shareable, slice, take, utf8};
use crate::error::Failure;
use crate::result::sigverify_result;

/// A policy: who must have signed (an exact certificate identity and OIDC issuer, or a public key
/// the caller supplies). Made by a `sigverify_policy_*` constructor, owned by the caller, freed
/// with `sigverify_policy_free`. Immutable: safe to share between threads.
pub struct sigverify_policy {
    pub(crate) policy: Policy,
}

const _: () = shareable::<sigverify_policy>();

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
