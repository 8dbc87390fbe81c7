//! conda packages: a publish attestation (CEP 27) as one bundle or a `.v0.sigs` sidecar, over
//! `sigverify_host::ecosystems::conda`.

use std::ffi::c_char;
use std::sync::Arc;

use sigverify_host::ecosystems::conda;
use sigverify_host::{now, Data};

use crate::boundary::{give, guard, handle, opt_slice, opt_utf8, out_param, utf8};
use crate::error::Failure;
use crate::result::sigverify_result;
use crate::verification::sigverify_verification;
use crate::verifier::sigverify_verifier;

/// Verifies the publish attestation of a conda package (CEP 27): the package file `filename`
/// (`"NAME-VERSION-BUILD.conda"` or `.tar.bz2`) whose SHA-256 is `digest` (`"sha256:HEX"`).
/// Exactly one of `bundle` (one Sigstore bundle, `bundle_len` bytes) and `sigs` (a sidecar
/// `FILE.v0.sigs`: a JSON array of bundles, `sigs_len` bytes, every one must verify) is given;
/// the other is NULL. The signer is the GitHub repository `repository` (`"OWNER/REPO"`),
/// optionally with `signer_workflow` (`"release.yml[@REF]"` of that repository or
/// `"OWNER/REPO/.github/workflows/F.yml[@REF]"`), or else `identity` (the certificate's SAN,
/// exactly) with `issuer` (the OIDC issuer URL): give one of the two forms, NULL for the rest.
/// `channel`, when not NULL, is the channel URL the attestation's `targetChannel` must name.
/// Checked at the current time of the system clock. Every argument is borrowed for the call
/// only.
///
/// On success, `*out` is a new verification of the first bundle, owned by the caller, to be
/// freed with `sigverify_verification_free`; on failure `*out` is untouched and the last error
/// says which check failed.
///
/// # Safety
/// `verifier` must be a live verifier; `bundle` and `sigs` NULL or readable for their lengths;
/// `filename` and `digest` NUL-terminated strings; `repository`, `signer_workflow`, `identity`,
/// `issuer` and `channel` NULL or NUL-terminated strings; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sigverify_conda_verify(
    verifier: *const sigverify_verifier,
    bundle: *const u8,
    bundle_len: usize,
    sigs: *const u8,
    sigs_len: usize,
    filename: *const c_char,
    digest: *const c_char,
    repository: *const c_char,
    signer_workflow: *const c_char,
    identity: *const c_char,
    issuer: *const c_char,
    channel: *const c_char,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_conda_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (verifier, bundle, sigs, filename, digest) = unsafe {
            (
                handle(F, "verifier", verifier)?,
                opt_slice(F, "bundle", bundle, bundle_len)?,
                opt_slice(F, "sigs", sigs, sigs_len)?,
                utf8(F, "filename", filename)?,
                utf8(F, "digest", digest)?,
            )
        };
        // SAFETY: forwarded from this function's contract.
        let (repository, signer_workflow, identity, issuer, channel) = unsafe {
            (
                opt_utf8(F, "repository", repository)?,
                opt_utf8(F, "signer_workflow", signer_workflow)?,
                opt_utf8(F, "identity", identity)?,
                opt_utf8(F, "issuer", issuer)?,
                opt_utf8(F, "channel", channel)?,
            )
        };
        let out = out_param(F, "out", out)?;
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let results = conda::Request {
            verifier: Arc::clone(&verifier.verifier),
            package: None,
            digest: Some(digest.to_owned()),
            filename: Some(filename.to_owned()),
            bundle: bundle.map(Data::slice),
            sigs: sigs.map(Data::slice),
            repository: owned(repository),
            signer_workflow: owned(signer_workflow),
            identity: owned(identity),
            issuer: owned(issuer),
            channel: owned(channel),
        }
        .validate()?
        .run(now())?;
        let first = results
            .into_iter()
            .next()
            .ok_or_else(|| Failure::from(sigverify_host::Failure::Internal("no result".into())))?;
        let v = sigverify_verification::from(first);
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, v) };
        Ok(())
    })
}
