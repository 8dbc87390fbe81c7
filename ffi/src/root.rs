//! `sigverify_trusted_root`: what a deployment trusts, embedded in the library or parsed from a
//! `trusted_root.json`.

use sigverify::TrustedRoot;
use sigverify_host::Instance;

use crate::boundary::{give, guard, guard_value, out_param, shareable, slice, take};
use crate::error::Failure;
use crate::result::sigverify_result;

/// A trusted root: the Fulcio CAs, transparency logs, CT logs and timestamp authorities a
/// deployment trusts. Made by a `sigverify_trusted_root_*` constructor, owned by the caller,
/// freed with `sigverify_trusted_root_free`. Immutable: safe to share between threads.
pub struct sigverify_trusted_root {
    pub(crate) root: TrustedRoot,
    /// The embedded instance it is, whose options `sigverify_verifier_new` starts from.
    pub(crate) instance: Option<Instance>,
}

const _: () = shareable::<sigverify_trusted_root>();

fn new_root(
    func: &'static str,
    out: *mut *mut sigverify_trusted_root,
    instance: Option<Instance>,
    load: impl FnOnce() -> Result<TrustedRoot, Failure>,
) -> sigverify_result {
    guard(func, || {
        let out = out_param(func, "out", out)?;
        let root = load()?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_trusted_root { root, instance }) };
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
    new_root(
        "sigverify_trusted_root_public_good",
        out,
        Some(Instance::PublicGood),
        || Ok(Instance::PublicGood.trusted_root()?),
    )
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
    new_root(
        "sigverify_trusted_root_staging",
        out,
        Some(Instance::Staging),
        || Ok(Instance::Staging.trusted_root()?),
    )
}

/// The trusted root of GitHub's own Sigstore instance (private-repository attestations: a Fulcio
/// CA and a timestamp authority, no transparency log), embedded in the library. It has no log and
/// no CT log: `sigverify_verifier_new` gives its verifier GitHub's thresholds (no log entry, no
/// SCT, at least one RFC 3161 timestamp), as the CLI, Python and Node do.
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
    new_root(
        "sigverify_trusted_root_github",
        out,
        Some(Instance::GitHub),
        || Ok(Instance::GitHub.trusted_root()?),
    )
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
    new_root(F, out, None, || {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::last_error;
    use std::ptr;

    fn last_message() -> String {
        last_error().map(|e| e.message).unwrap_or_default()
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
}
