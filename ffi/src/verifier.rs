//! `sigverify_verifier`: a trusted root prepared once, with the thresholds it requires.

use sigverify::{Verifier, VerifierOptions};

use crate::boundary::{give, guard, guard_value, handle, out_param, shareable, take};
use crate::result::sigverify_result;
use crate::root::sigverify_trusted_root;

/// A verifier: a trusted root prepared once (keys parsed, CA and TSA chains validated) plus the
/// thresholds it requires. Made by `sigverify_verifier_new*`, owned by the caller, freed with
/// `sigverify_verifier_free`. Immutable: one verifier may be used by many threads at once.
pub struct sigverify_verifier {
    pub(crate) verifier: std::sync::Arc<Verifier>,
}

const _: () = shareable::<sigverify_verifier>();

fn new_verifier(
    func: &'static str,
    root: *const sigverify_trusted_root,
    options: Option<VerifierOptions>,
    out: *mut *mut sigverify_verifier,
) -> sigverify_result {
    guard(func, || {
        // SAFETY: the exported callers' contract: a live trusted root or NULL.
        let root = unsafe { handle(func, "root", root) }?;
        let out = out_param(func, "out", out)?;
        // An embedded instance starts from its own options (GitHub's has no log, no CT).
        let verifier = sigverify_host::VerifierRequest {
            root: &root.root,
            instance: root.instance,
            tlog_threshold: options.map(|o| o.tlog_threshold),
            sct_threshold: options.map(|o| o.sct_threshold),
            timestamp_threshold: options.map(|o| o.timestamp_threshold),
            witnesses: None,
            witness_threshold: None,
        }
        .build()?
        .verifier;
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe { give(out, sigverify_verifier { verifier }) };
        Ok(())
    })
}

/// A verifier for `root` with the default thresholds: at least one transparency log entry, at
/// least one signed certificate timestamp, and every RFC 3161 timestamp present must verify;
/// for GitHub's embedded root (`sigverify_trusted_root_github`), GitHub's: no log entry, no SCT,
/// at least one RFC 3161 timestamp.
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
    new_verifier("sigverify_verifier_new", root, None, out)
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
    new_verifier(
        "sigverify_verifier_new_with_options",
        root,
        Some(options),
        out,
    )
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
