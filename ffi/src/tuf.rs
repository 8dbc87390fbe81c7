//! TUF: updating the Sigstore trusted root from a TUF repository mirrored in two local folders,
//! over `sigverify::tuf`.

use std::ffi::c_char;

use sigverify::tuf::TufUpdate;
use sigverify_host::tuf::{self, Files};

use crate::boundary::{
    give, guard, guard_value, handle, out_param, shareable, slice, take, utf8, write_str,
};
use crate::error::Failure;
use crate::result::sigverify_result;
use crate::root::sigverify_trusted_root;

/// `sigverify_tuf_update_from_dirs` flag: accept metadata whose `expires` time has passed.
/// Unsafe: expired metadata is how a freeze attack serves an old, vulnerable state forever. Without it an expired
/// role fails the update with `SIGVERIFY_RESULT_TIME_OUTSIDE_VALIDITY`.
pub const SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE: u32 = 1;

/// The outcome of a successful TUF update: the verified trusted root, and the state to persist
/// for the next update. Made by `sigverify_tuf_update_from_dirs`, owned by the caller, freed with
/// `sigverify_tuf_update_free`. Immutable: safe to share between threads.
pub struct sigverify_tuf_update {
    update: TufUpdate,
    state_json: String,
    root_json: String,
}

const _: () = shareable::<sigverify_tuf_update>();

/// Updates from a TUF repository mirrored in two folders: `metadata_dir` holds the metadata
/// (`timestamp.json`, `snapshot.json`, `targets.json`, delegated roles, and the roots
/// `N.root.json` there or in `metadata_dir/root_history/`), `targets_dir` the target files
/// (`trusted_root.json`, `registry.npmjs.org/keys.json`), each looked up by its consistent-snapshot
/// name and then by its plain name. Names with `..` are refused. A file that exists but cannot be
/// read fails the update with `SIGVERIFY_RESULT_IO_ERROR`.
///
/// `root_json` (`root_len` bytes) is the TUF root the caller trusts (shipped with the
/// application, or the newest root of the last update, `sigverify_tuf_update_root_json`); (NULL,
/// 0) starts from the Sigstore public-good root embedded in the library. `state` (`state_len`
/// bytes) is the document `sigverify_tuf_update_state_json` returned last time, to refuse
/// rollbacks; (NULL, 0) for a first update. NULL with a non-zero length is
/// `SIGVERIFY_RESULT_NULL_PARAMETER`. `now_unix` is the update's time (Unix seconds) against which every
/// expiry is checked; 0 reads the system clock. `flags`: 0 or
/// `SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE`; other bits give
/// `SIGVERIFY_RESULT_INVALID_PARAMETER`. Every argument is borrowed for the call only.
///
/// On success, `*out` is a new update owned by the caller, to be freed with
/// `sigverify_tuf_update_free`; on failure `*out` is untouched and the last error says which
/// role failed and why (`SIGVERIFY_RESULT_TUF`, `SIGVERIFY_RESULT_TIME_OUTSIDE_VALIDITY` for
/// expired metadata, `SIGVERIFY_RESULT_SIGNATURE_INVALID`, ...).
///
/// # Safety
/// `root_json` must be NULL or readable for `root_len` bytes, `state` NULL or readable for
/// `state_len` bytes; `metadata_dir` and `targets_dir` NUL-terminated strings; `out` writable.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn sigverify_tuf_update_from_dirs(
    root_json: *const u8,
    root_len: usize,
    metadata_dir: *const c_char,
    targets_dir: *const c_char,
    state: *const u8,
    state_len: usize,
    now_unix: i64,
    flags: u32,
    out: *mut *mut sigverify_tuf_update,
) -> sigverify_result {
    const F: &str = "sigverify_tuf_update_from_dirs";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let (root, metadata_dir, targets_dir, state) = unsafe {
            (
                if root_json.is_null() && root_len == 0 {
                    None
                } else {
                    Some(slice(F, "root_json", root_json, root_len)?)
                },
                utf8(F, "metadata_dir", metadata_dir)?,
                utf8(F, "targets_dir", targets_dir)?,
                if state.is_null() && state_len == 0 {
                    None
                } else {
                    Some(slice(F, "state", state, state_len)?)
                },
            )
        };
        let out = out_param(F, "out", out)?;
        if flags & !SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE != 0 {
            return Err(Failure::new(
                sigverify_result::InvalidParameter,
                format!("{F}: unknown flags {flags:#x}"),
            ));
        }
        // An unreadable file fails the update (`SIGVERIFY_RESULT_IO_ERROR`), as on every face:
        // never taken for an absent one.
        let update = tuf::Request {
            metadata: Files::Folder(metadata_dir.into()),
            targets: Files::Folder(targets_dir.into()),
            root: root.map(<[u8]>::to_vec),
            instance: None,
            state: state.map(<[u8]>::to_vec),
            now: (now_unix != 0).then_some(now_unix),
            accept_expired_metadata_unsafe: flags & SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE
                != 0,
        }
        .validate()?
        .run()?;
        let state_json = String::from_utf8_lossy(&update.state.to_json()).into_owned();
        let root_json = String::from_utf8_lossy(&update.root_json).into_owned();
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe {
            give(
                out,
                sigverify_tuf_update {
                    update,
                    state_json,
                    root_json,
                },
            )
        };
        Ok(())
    })
}

/// The trusted root the update verified (its `trusted_root.json` target), ready for
/// `sigverify_verifier_new`.
///
/// `update` is borrowed. On success, `*out` is a new trusted root owned by the caller, to be
/// freed with `sigverify_trusted_root_free` (independent of the update); on failure `*out` is
/// untouched.
///
/// # Safety
/// `update` must be a live update; `out` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_tuf_update_trusted_root(
    update: *const sigverify_tuf_update,
    out: *mut *mut sigverify_trusted_root,
) -> sigverify_result {
    const F: &str = "sigverify_tuf_update_trusted_root";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let update = unsafe { handle(F, "update", update) }?;
        let out = out_param(F, "out", out)?;
        let root = update.update.trusted_root.clone();
        // SAFETY: `out` is checked non-NULL; the caller promises it is writable.
        unsafe {
            give(
                out,
                sigverify_trusted_root {
                    root,
                    instance: None,
                },
            )
        };
        Ok(())
    })
}

/// The state to persist and pass as `state` to the next `sigverify_tuf_update_from_dirs` (a small
/// JSON document of the verified versions), written into `buf`, NUL-terminated.
///
/// `update` is borrowed; `buf` is owned by the caller and holds `len` bytes. On success
/// `*written` is the length without the NUL. When `len` is too small, nothing is written to
/// `buf`, `*written` is the size needed (with the NUL) and the result is
/// `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may be NULL when `len` is 0, to ask for that size.
///
/// # Safety
/// `update` must be a live update; `buf` writable for `len` bytes (or NULL with `len` 0);
/// `written` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_tuf_update_state_json(
    update: *const sigverify_tuf_update,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_tuf_update_state_json";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let update = unsafe { handle(F, "update", update) }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &update.state_json, buf, len, written) }
    })
}

/// The newest TUF root the update verified (`root.json`): persist it and pass it as `root_json`
/// to the next `sigverify_tuf_update_from_dirs`. Written into `buf`, NUL-terminated, with the
/// buffer convention of `sigverify_tuf_update_state_json`.
///
/// # Safety
/// `update` must be a live update; `buf` writable for `len` bytes (or NULL with `len` 0);
/// `written` writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_tuf_update_root_json(
    update: *const sigverify_tuf_update,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_tuf_update_root_json";
    guard(F, || {
        // SAFETY: forwarded from this function's contract.
        let update = unsafe { handle(F, "update", update) }?;
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &update.root_json, buf, len, written) }
    })
}

/// Frees an update. NULL is a no-op. Trusted roots taken from it stay valid.
///
/// # Safety
/// `update` must be NULL or an update from sigverify that has not been freed; it is invalid
/// afterwards.
#[no_mangle]
pub unsafe extern "C" fn sigverify_tuf_update_free(update: *mut sigverify_tuf_update) {
    // SAFETY: forwarded from this function's contract.
    guard_value((), || unsafe { take(update) })
}
