//! `sigverify_bcr_verify`: a Bazel Central Registry module version (its `attestations.json`
//! and module directory) or one file with its `.intoto.jsonl`, through the host's request
//! (`sigverify_host::ecosystems::bcr::Request`), as the CLI, Python and Node call it;
//! `sigverify_bcr_verification` holds every file's result.

use std::ffi::c_char;
use std::path::PathBuf;
use std::sync::Arc;

use sigverify::ecosystems::bcr::FileVerification;
use sigverify_host::ecosystems::bcr::Request;
use sigverify_host::Data;

use crate::boundary::{
    give, guard, guard_value, handle, opt_utf8, out_param, shareable, take, write_str,
};
use crate::error::Failure;
use crate::result::sigverify_result;
use crate::verification::sigverify_verification;
use crate::verifier::sigverify_verifier;

/// A verified BCR module version (or file): one result per file, in the order verified
/// (`MODULE.bazel`, `source.json`, the archive). Owned by the caller, freed with
/// `sigverify_bcr_verification_free`. Immutable: safe to share between threads.
pub struct sigverify_bcr_verification {
    files: Vec<FileVerification>,
    json: String,
}

const _: () = shareable::<sigverify_bcr_verification>();

/// Verifies a BCR module version, in one of two forms (paths; NULL for what is not given):
///
/// - `attestations` (the path of `attestations.json`) with `module_dir` (the folder holding
///   `MODULE.bazel`, `source.json`, the source archive and the attestation files, named by the
///   last component of their `url`);
/// - `file` (the path of `MODULE.bazel`, `source.json` or the archive) with `bundle` (its
///   `.intoto.jsonl`); `name` (NULL: `file`'s file name) decides the kind of file.
///
/// `repository` is `OWNER/REPO`, the module's source repository; `tag` (NULL: any) the release
/// tag the certificates' source ref must be (`refs/tags/TAG`). `MODULE.bazel` and
/// `source.json` must be attested by the publish-to-bcr workflow, the archive by the release
/// workflow. `verifier` NULL is the embedded public-good verifier. Checked at the current time
/// of the system clock; every argument is borrowed for the call only.
///
/// On success, when every file verified, `*out` is a new BCR verification owned by the caller,
/// to be freed with `sigverify_bcr_verification_free`; on failure `*out` is untouched and the
/// result and last error are the first failing file's (its name in the message):
/// `SIGVERIFY_RESULT_POLICY_MISMATCH` names the signer workflow found,
/// `SIGVERIFY_RESULT_INVALID_ARGUMENT` for a missing or conflicting argument,
/// `SIGVERIFY_RESULT_IO_ERROR` for a file that cannot be read.
///
/// # Safety
/// Each string argument must be NULL or a NUL-terminated string; `verifier` NULL or a live
/// verifier; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sigverify_bcr_verify(
    verifier: *const sigverify_verifier,
    attestations: *const c_char,
    module_dir: *const c_char,
    file: *const c_char,
    name: *const c_char,
    bundle: *const c_char,
    repository: *const c_char,
    tag: *const c_char,
    out: *mut *mut sigverify_bcr_verification,
) -> sigverify_result {
    const F: &str = "sigverify_bcr_verify";
    guard(F, || {
        // SAFETY: forwarded from this function's contract (NULL is checked for each).
        let (attestations, module_dir, file, name, bundle, repository, tag) = unsafe {
            (
                opt_utf8(F, "attestations", attestations)?,
                opt_utf8(F, "module_dir", module_dir)?,
                opt_utf8(F, "file", file)?,
                opt_utf8(F, "name", name)?,
                opt_utf8(F, "bundle", bundle)?,
                opt_utf8(F, "repository", repository)?,
                opt_utf8(F, "tag", tag)?,
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
        let path = |p: Option<&str>| p.map(|p| Data::Path(PathBuf::from(p)));
        let report = Request {
            attestations: path(attestations),
            module_dir: module_dir.map(PathBuf::from),
            file: path(file),
            name: name.map(str::to_owned),
            bundle: path(bundle),
            repository: repository.map(str::to_owned),
            tag: tag.map(str::to_owned),
            verifier,
        }
        .validate()?
        .run(sigverify_host::now())?
        .into_result()?;
        let files: Vec<FileVerification> = report
            .files
            .into_iter()
            .filter_map(|f| f.outcome.ok())
            .collect();
        let json = format!(
            "[{}]",
            files
                .iter()
                .map(|f| f.to_json().to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_bcr_verification { files, json }) };
        Ok(())
    })
}

/// The number of files of a BCR verification (1 for a single file, 3 for a module version).
/// 0 for NULL.
///
/// # Safety
/// `v` must be NULL or a live BCR verification.
#[no_mangle]
pub unsafe extern "C" fn sigverify_bcr_verification_count(
    v: *const sigverify_bcr_verification,
) -> usize {
    // SAFETY: forwarded from this function's contract.
    guard_value(0, || unsafe { v.as_ref() }.map_or(0, |v| v.files.len()))
}

/// The file `index` (`< sigverify_bcr_verification_count`).
fn file_at<'a>(
    func: &str,
    v: &'a sigverify_bcr_verification,
    index: usize,
) -> Result<&'a FileVerification, Failure> {
    v.files.get(index).ok_or_else(|| {
        Failure::new(
            sigverify_result::InvalidParameter,
            format!(
                "{func}: index {index} is not below the count {}",
                v.files.len()
            ),
        )
    })
}

/// `sigverify_bcr_verification_file_string` field: the file's name (`MODULE.bazel`,
/// `source.json`, the archive's).
pub const SIGVERIFY_BCR_FIELD_NAME: u32 = 0;
/// `sigverify_bcr_verification_file_string` field: the file's kind, `module`, `source` or
/// `archive`.
pub const SIGVERIFY_BCR_FIELD_KIND: u32 = 1;
/// `sigverify_bcr_verification_file_string` field: the workflow that attested the file (the
/// certificate's build signer URI, with its `@REF`).
pub const SIGVERIFY_BCR_FIELD_SIGNER_WORKFLOW: u32 = 2;

/// One string of the file `index` of `v` (`SIGVERIFY_BCR_FIELD_NAME`, `_KIND` or `_SIGNER_WORKFLOW`), written into `buf`,
/// NUL-terminated, with the buffer convention of `sigverify_verification_json`. An index not
/// below the count or another field gives `SIGVERIFY_RESULT_INVALID_PARAMETER`.
///
/// # Safety
/// `v` must be a live BCR verification; `buf` writable for `len` bytes (or NULL with `len` 0);
/// `written` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_bcr_verification_file_string(
    v: *const sigverify_bcr_verification,
    index: usize,
    field: u32,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_bcr_verification_file_string";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        let f = file_at(F, v, index)?;
        let s = match field {
            SIGVERIFY_BCR_FIELD_NAME => f.file.as_str(),
            SIGVERIFY_BCR_FIELD_KIND => f.kind.as_str(),
            SIGVERIFY_BCR_FIELD_SIGNER_WORKFLOW => f.signer_workflow.as_str(),
            other => {
                return Err(Failure::new(
                    sigverify_result::InvalidParameter,
                    format!("{F}: unknown field {other}"),
                ))
            }
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, s, buf, len, written) }
    })
}

/// The verification of the file `index` of `v` (its signer, times, statement: the accessors
/// of `sigverify_verification`). On success `*out` is a new verification owned by the caller,
/// to be freed with `sigverify_verification_free`; on failure it is untouched.
///
/// # Safety
/// `v` must be a live BCR verification; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_bcr_verification_file_result(
    v: *const sigverify_bcr_verification,
    index: usize,
    out: *mut *mut sigverify_verification,
) -> sigverify_result {
    const F: &str = "sigverify_bcr_verification_file_result";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        let out = out_param(F, "out", out)?;
        let f = file_at(F, v, index)?;
        let r = sigverify_verification::from(f.result.clone());
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, r) };
        Ok(())
    })
}

/// Every file as JSON (an array of `{file, kind, signer_workflow, result}`, `result` as
/// `sigverify_verification_json`), written into `buf`, NUL-terminated, with the buffer
/// convention of `sigverify_verification_json`.
///
/// # Safety
/// `v` must be a live BCR verification; `buf` writable for `len` bytes (or NULL with `len` 0);
/// `written` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_bcr_verification_json(
    v: *const sigverify_bcr_verification,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_bcr_verification_json";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let v = unsafe { handle(F, "v", v) }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &v.json, buf, len, written) }
    })
}

/// Frees a BCR verification. NULL is a no-op.
///
/// # Safety
/// `v` must be NULL or a BCR verification from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_bcr_verification_free(v: *mut sigverify_bcr_verification) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(v) })
}
