//! Ecosystem verification: PyPI (PEP 740 attestations, Integrity API provenance objects), npm
//! (registry attestations responses) and GitHub artifact attestations, over
//! `sigverify::ecosystems`.

use std::ffi::c_char;
use std::sync::Arc;

use sigverify::VerificationResult;
use sigverify_host::ecosystems::{github as gh, npm, pypi};
use sigverify_host::{now, Data};

use crate::boundary::{give, give_optional, guard, handle, opt_utf8, out_param, slice, utf8};
use crate::error::Failure;
use crate::result::sigverify_result;
use crate::verification::sigverify_verification;
use crate::verifier::sigverify_verifier;

/// Verifies a PEP 740 attestation (`attestation`, the JSON of a `.publish.attestation` object,
/// `len` bytes) for the distribution file `filename` (`"pkg-1.0.tar.gz"`, compared after PyPI's
/// normalisation) whose SHA-256 is `digest` (`"sha256:HEX"`), signed by the Trusted Publisher
/// `publisher`: `"github:OWNER/REPO/WORKFLOW.yml"`, `"gitlab:NAMESPACE/PROJECT/CI_FILE_PATH"` or
/// `"google:EMAIL"`. Checked at the current time of the system clock. Every argument is borrowed
/// for the call only.
///
/// On success, `*out` is a new verification owned by the caller, to be freed with
/// `sigverify_verification_free`; on failure `*out` is untouched and the last error says why.
///
/// # Safety
/// `verifier` must be a live verifier; `attestation` readable for `len` bytes; `filename`,
/// `digest` and `publisher` NUL-terminated strings; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_pypi_verify_attestation(
    verifier: *const sigverify_verifier,
    attestation: *const u8,
    len: usize,
    filename: *const c_char,
    digest: *const c_char,
    publisher: *const c_char,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_pypi_verify_attestation";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (verifier, attestation, filename, digest, publisher) = unsafe {
            (
                handle(F, "verifier", verifier)?,
                slice(F, "attestation", attestation, len)?,
                utf8(F, "filename", filename)?,
                utf8(F, "digest", digest)?,
                utf8(F, "publisher", publisher)?,
            )
        };
        let out = out_param(F, "out", out)?;
        let r = pypi_run(
            verifier,
            pypi::Kind::Attestation,
            attestation,
            filename,
            digest,
            Some(publisher),
        )?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_verification::from(r)) };
        Ok(())
    })
}

/// A PyPI request: the first result (a provenance object's every attestation must verify).
fn pypi_run(
    verifier: &sigverify_verifier,
    kind: pypi::Kind,
    document: &[u8],
    filename: &str,
    digest: &str,
    publisher: Option<&str>,
) -> Result<VerificationResult, Failure> {
    let job = pypi::Request {
        kind,
        verifier: Arc::clone(&verifier.verifier),
        document: Data::slice(document),
        dist: None,
        digest: Some(digest.to_owned()),
        filename: Some(filename.to_owned()),
        publisher: publisher.map(str::to_owned),
        policy: None,
        publisher_from_provenance: publisher.is_none(),
    }
    .validate()?;
    job.run(now())?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::from(sigverify_host::Failure::Internal("no result".into())))
}

/// Verifies every attestation of a PyPI Integrity API provenance object (`provenance`, the JSON
/// `{"version": 1, "attestation_bundles": [...]}`, `len` bytes) for the distribution file
/// `filename` whose SHA-256 is `digest` (`"sha256:HEX"`). `publisher` (same forms as
/// `sigverify_pypi_verify_attestation`) is who must have signed; NULL accepts the publisher each
/// bundle of the object names (which says who signed, not who should have). Every attestation
/// must verify.
///
/// On success, `*out` is a new verification of the first attestation, owned by the caller, to
/// be freed with `sigverify_verification_free`; on failure `*out` is untouched.
///
/// # Safety
/// `verifier` must be a live verifier; `provenance` readable for `len` bytes; `filename` and
/// `digest` NUL-terminated strings; `publisher` NULL or a NUL-terminated string; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_pypi_verify_provenance(
    verifier: *const sigverify_verifier,
    provenance: *const u8,
    len: usize,
    filename: *const c_char,
    digest: *const c_char,
    publisher: *const c_char,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_pypi_verify_provenance";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (verifier, provenance, filename, digest, publisher) = unsafe {
            (
                handle(F, "verifier", verifier)?,
                slice(F, "provenance", provenance, len)?,
                utf8(F, "filename", filename)?,
                utf8(F, "digest", digest)?,
                opt_utf8(F, "publisher", publisher)?,
            )
        };
        let out = out_param(F, "out", out)?;
        let r = pypi_run(
            verifier,
            pypi::Kind::Provenance,
            provenance,
            filename,
            digest,
            publisher,
        )?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_verification::from(r)) };
        Ok(())
    })
}

/// Verifies an npm registry attestations response (`response`, the JSON of
/// `registry.npmjs.org/-/npm/v1/attestations/NAME@VERSION`, `len` bytes) for `package`
/// (`"NAME@VERSION"` or `"@SCOPE/NAME@VERSION"`) whose tarball has the SHA-512 `digest`:
/// `"sha512:HEX"` or the `dist.integrity` form `"sha512-BASE64"`. The publish attestation is
/// checked against the npm registry keys embedded in the library; `repository` (`"OWNER/REPO"`)
/// pins the provenance's source repository, NULL accepts any signer (as npm does: read who
/// signed from the verification).
///
/// On success, `*provenance_out` and `*publish_out` are new verifications owned by the caller
/// (free each with `sigverify_verification_free`), or NULL when the response has no such
/// attestation; on failure both are untouched.
///
/// # Safety
/// `verifier` must be a live verifier; `response` readable for `len` bytes; `package` and
/// `digest` NUL-terminated strings; `repository` NULL or a NUL-terminated string;
/// `provenance_out` and `publish_out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_npm_verify(
    verifier: *const sigverify_verifier,
    response: *const u8,
    len: usize,
    package: *const c_char,
    digest: *const c_char,
    repository: *const c_char,
    provenance_out: *mut *mut sigverify_verification,
    publish_out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_npm_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (verifier, response, package, digest, repository) = unsafe {
            (
                handle(F, "verifier", verifier)?,
                slice(F, "response", response, len)?,
                utf8(F, "package", package)?,
                utf8(F, "digest", digest)?,
                opt_utf8(F, "repository", repository)?,
            )
        };
        let provenance_out = out_param(F, "provenance_out", provenance_out)?;
        let publish_out = out_param(F, "publish_out", publish_out)?;
        let integrity = digest.starts_with("sha512-");
        let outcome = npm::Request {
            verifier: Arc::clone(&verifier.verifier),
            keys: None,
            document: Data::slice(response),
            package: Some(package.to_owned()),
            tarball: None,
            integrity: integrity.then(|| digest.to_owned()),
            digest: (!integrity).then(|| digest.to_owned()),
            repository: repository.map(str::to_owned),
            previous: None,
        }
        .validate()?
        .run(now())?;
        // SAFETY: both are checked non-NULL; the caller promises they are writable.
        unsafe {
            give_optional(
                provenance_out,
                outcome.provenance.map(sigverify_verification::from),
            );
            give_optional(
                publish_out,
                outcome.publish.map(sigverify_verification::from),
            );
        }
        Ok(())
    })
}

/// Verifies GitHub artifact attestations (`input`, one Sigstore bundle or the JSON lines of the
/// attestations API / `gh attestation download`, `len` bytes) for the artifact whose digest is
/// `digest` (`"sha256:HEX"`, also `sha384:`/`sha512:`), as `gh attestation verify` does: the
/// first attestation that verifies is the result. Each bundle is verified against the Sigstore
/// public-good root, or GitHub's own instance when GitHub's CA issued its certificate (both
/// embedded, prepared once per process). The signer must be GitHub Actions building from the
/// repository `repo` (`"OWNER/REPO"`), or when `repo` is NULL from any repository of `owner`;
/// one of the two is required. `signer_workflow` (`"OWNER/REPO/.github/workflows/F.yml"`), when
/// not NULL, pins the workflow that signed (a reusable workflow may differ from the repository).
///
/// On success, `*out` is a new verification owned by the caller, to be freed with
/// `sigverify_verification_free`; on failure `*out` is untouched and the last error gives the
/// first attestation's failure.
///
/// # Safety
/// `input` must be readable for `len` bytes; `digest` a NUL-terminated string; `repo`, `owner`
/// and `signer_workflow` NULL or NUL-terminated strings; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_github_verify(
    input: *const u8,
    len: usize,
    digest: *const c_char,
    repo: *const c_char,
    owner: *const c_char,
    signer_workflow: *const c_char,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_github_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (input, digest, repo, owner, signer_workflow) = unsafe {
            (
                slice(F, "input", input, len)?,
                utf8(F, "digest", digest)?,
                opt_utf8(F, "repo", repo)?,
                opt_utf8(F, "owner", owner)?,
                opt_utf8(F, "signer_workflow", signer_workflow)?,
            )
        };
        let out = out_param(F, "out", out)?;
        let r = gh::Request {
            document: Data::slice(input),
            artifact: None,
            digest: Some(digest.to_owned()),
            repository: repo.map(str::to_owned),
            owner: owner.map(str::to_owned),
            signer_workflow: signer_workflow.map(str::to_owned),
            policy: None,
            instance: None,
            public_good: None,
            github_instance: None,
        }
        .validate()?
        .run(now())?;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_verification::from(r)) };
        Ok(())
    })
}
