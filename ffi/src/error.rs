//! Why a call failed: `Failure`, its one conversion from the core's error, and the thread's last
//! error with the `sigverify_last_error_*` functions that report it.

use std::cell::RefCell;
use std::ffi::{c_char, CStr};

use crate::boundary::{guard_quiet, guard_value, out_param, write_str};
use crate::result::{check_name, sigverify_result};

/// Why a call failed: its code, the message for a person, and the check that failed (for core
/// errors).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: sigverify_result,
    pub(crate) message: String,
    pub(crate) check: Option<&'static CStr>,
}

impl Failure {
    pub(crate) fn new(code: sigverify_result, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            check: None,
        }
    }

    pub(crate) fn null(func: &str, arg: &str) -> Failure {
        Failure::new(
            sigverify_result::NullParameter,
            format!("{func}: the argument `{arg}` is NULL"),
        )
    }
}

/// The one conversion of the core's error: its code by `Error::code()`, its message as the CLI
/// prints it (which check, expected vs found), its check.
impl From<sigverify::Error> for Failure {
    fn from(err: sigverify::Error) -> Failure {
        Failure {
            code: sigverify_result::from_core(&err),
            message: err.to_string(),
            check: Some(check_name(err.check())),
        }
    }
}

/// A failure of the host layer: the core's errors as above, its binding-level classes as
/// `SIGVERIFY_RESULT_INVALID_ARGUMENT`, `_IO_ERROR` and `_PANIC`.
impl From<sigverify_host::Failure> for Failure {
    fn from(f: sigverify_host::Failure) -> Failure {
        use sigverify_host::Failure as H;
        match f {
            H::Verify(e) | H::Load(e) => Failure::from(e),
            H::Argument(_) => Failure::new(sigverify_result::InvalidArgument, f.to_string()),
            H::Io { .. } => Failure::new(sigverify_result::IoError, f.to_string()),
            H::Internal(_) => Failure::new(sigverify_result::Panic, f.to_string()),
        }
    }
}

/// The last failure on this thread, as `sigverify_last_error_*` report it.
pub(crate) struct LastError {
    pub(crate) code: sigverify_result,
    /// Never contains a NUL byte (see `record`).
    pub(crate) message: String,
    pub(crate) check: Option<&'static CStr>,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Keeps `f` as this thread's last error (the panic guards call it).
pub(crate) fn record(f: Failure) {
    // A message is handed to C as a C string: an interior NUL would cut it short.
    let message = f.message.replace('\0', "\\0");
    let last = LastError {
        code: f.code,
        message,
        check: f.check,
    };
    // `try_with`: during thread teardown the slot may be gone; then there is no one to tell.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(last);
        }
    });
}

/// A copy of the last error of this thread (None when it has had no failure).
pub(crate) fn last_error() -> Option<LastError> {
    LAST_ERROR
        .try_with(|slot| {
            slot.try_borrow().ok().and_then(|b| {
                b.as_ref().map(|e| LastError {
                    code: e.code,
                    message: e.message.clone(),
                    check: e.check,
                })
            })
        })
        .ok()
        .flatten()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{sigverify_policy, sigverify_policy_from_json};
    use std::ptr;

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
        let message = last_error().map(|e| e.message).unwrap_or_default();
        assert_eq!(n, message.len() + 1);
        assert_eq!(sigverify_last_error_code(), sigverify_result::InvalidPolicy);
        // SAFETY: valid buffers and out-pointers from this test.
        let check = unsafe { CStr::from_ptr(sigverify_last_error_check()) };
        assert_eq!(check, c"policy");
    }
}
