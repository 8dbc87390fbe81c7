//! The C face of `sigverify_host::ecosystems::github_release`: GitHub immutable releases
//! (`gh release verify`, `gh release verify-asset`). Issue 19.

use std::ffi::c_char;

use sigverify_host::ecosystems::github_release::Request;
use sigverify_host::{now, Data};

use crate::boundary::{give, guard, opt_utf8, out_param, slice};
use crate::result::sigverify_result;
use crate::verification::sigverify_verification;

/// Verifies a GitHub immutable release's attestation (`input`, one Sigstore bundle or JSON
/// lines of bundles, `len` bytes), as `gh release verify` does: signed on GitHub's own instance
/// (embedded, prepared once per process) by GitHub's release signer (SAN
/// `https://dotcom.releases.github.com`; its certificate has no OIDC issuer claim, accepted by
/// this function only), predicate type release v0.2 or v0.1, about the release `repo`
/// (`"OWNER/REPO"`) at tag `tag` (both required and non-empty: NULL or `""` is
/// `SIGVERIFY_RESULT_INVALID_ARGUMENT`). With `digest` (`"sha256:HEX"`) and `filename` (both or
/// neither), the asset of that file name and digest must be in the release, as
/// `gh release verify-asset` checks; with neither, the release alone is verified.
///
/// On success, `*out` is a new verification owned by the caller (its statement lists the
/// release and its assets), to be freed with `sigverify_verification_free`; on failure `*out`
/// is untouched and the last error says why.
///
/// # Safety
/// `input` must be readable for `len` bytes; `repo`, `tag`, `digest` and `filename` NULL or
/// NUL-terminated strings; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_github_release_verify(
    input: *const u8,
    len: usize,
    repo: *const c_char,
    tag: *const c_char,
    digest: *const c_char,
    filename: *const c_char,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_github_release_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (input, repo, tag, digest, filename) = unsafe {
            (
                slice(F, "input", input, len)?,
                opt_utf8(F, "repo", repo)?,
                opt_utf8(F, "tag", tag)?,
                opt_utf8(F, "digest", digest)?,
                opt_utf8(F, "filename", filename)?,
            )
        };
        let out = out_param(F, "out", out)?;
        let r = Request {
            document: Data::slice(input),
            repository: repo.map(str::to_owned),
            tag: tag.map(str::to_owned),
            assets: Vec::new(),
            digest: digest.map(str::to_owned),
            filename: filename.map(str::to_owned),
            github_instance: None,
        }
        .validate()?
        .run(now())?;
        let v = sigverify_verification::from(r.result);
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, v) };
        Ok(())
    })
}
