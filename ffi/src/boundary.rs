//! The C boundary: the panic guard, the checked conversions of the pointers, lengths and strings
//! C hands us, and every write through a pointer C hands us (`give`, `give_optional`,
//! `write_out`, `write_str`): no other module writes through a raw pointer.

use std::any::Any;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::{record, Failure};
use crate::result::sigverify_result;

fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic with no message")
}

/// The panic boundary of every fallible exported function: runs `body`, records a failure as
/// this thread's last error and returns its code. A panic becomes `SIGVERIFY_RESULT_PANIC`.
pub(crate) fn guard(
    func: &'static str,
    body: impl FnOnce() -> Result<(), Failure>,
) -> sigverify_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => sigverify_result::Ok,
        Ok(Err(f)) => {
            let code = f.code;
            record(f);
            code
        }
        Err(payload) => {
            record(Failure::new(
                sigverify_result::Panic,
                format!(
                    "{func}: internal error (a panic caught at the C boundary): {}",
                    panic_text(payload.as_ref())
                ),
            ));
            sigverify_result::Panic
        }
    }
}

/// The panic boundary of the functions that report on the last error: like `guard`, but a
/// failure of theirs (a buffer too small) must not replace the error they report.
pub(crate) fn guard_quiet(body: impl FnOnce() -> Result<(), Failure>) -> sigverify_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => sigverify_result::Ok,
        Ok(Err(f)) => f.code,
        Err(_) => sigverify_result::Panic,
    }
}

/// The panic boundary of functions that return no result code (`_free`, accessors of static
/// strings): a panic gives `fallback`.
pub(crate) fn guard_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// A pointer and a length from C as a slice. `(NULL, 0)` is the empty slice; NULL with a
/// length is an error.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes that stay valid and unchanged for `'a`.
pub(crate) unsafe fn slice<'a>(
    func: &str,
    arg: &str,
    ptr: *const u8,
    len: usize,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(Failure::null(func, arg))
        };
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            sigverify_result::InvalidParameter,
            format!("{func}: the length of `{arg}` ({len}) is larger than PTRDIFF_MAX"),
        ));
    }
    // SAFETY: not NULL, at most isize::MAX bytes, and the caller promises `len` readable bytes
    // that outlive `'a`.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An array of `len` NUL-terminated UTF-8 strings from C. `(NULL, 0)` is the empty list.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` pointers, each to a NUL-terminated string, all valid
/// for `'a`.
pub(crate) unsafe fn utf8_array<'a>(
    func: &str,
    arg: &str,
    ptr: *const *const c_char,
    len: usize,
) -> Result<Vec<&'a str>, Failure> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(Vec::new())
        } else {
            Err(Failure::null(func, arg))
        };
    }
    if len > isize::MAX as usize / std::mem::size_of::<*const c_char>() {
        return Err(Failure::new(
            sigverify_result::InvalidParameter,
            format!("{func}: the length of `{arg}` ({len}) is too large"),
        ));
    }
    // SAFETY: not NULL, within isize::MAX bytes, and the caller promises `len` pointers that
    // outlive `'a`.
    let ptrs = unsafe { std::slice::from_raw_parts(ptr, len) };
    ptrs.iter()
        .enumerate()
        // SAFETY: each pointer is a NUL-terminated string valid for `'a` (the contract).
        .map(|(i, p)| unsafe { utf8(func, &format!("{arg}[{i}]"), *p) })
        .collect()
}

/// A NUL-terminated C string that must be UTF-8, or NULL for an absent argument (the host
/// decides whether it is required, with the same code as every face).
///
/// # Safety
/// Unless NULL, `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn opt_utf8<'a>(
    func: &str,
    arg: &str,
    ptr: *const c_char,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from this function's contract.
    unsafe { utf8(func, arg, ptr) }.map(Some)
}

/// A buffer argument that may be NULL (absent; its length is then ignored).
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes valid for `'a`.
pub(crate) unsafe fn opt_slice<'a>(
    func: &str,
    arg: &str,
    ptr: *const u8,
    len: usize,
) -> Result<Option<&'a [u8]>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded from this function's contract.
    unsafe { slice(func, arg, ptr, len) }.map(Some)
}

/// A NUL-terminated C string that must be UTF-8.
///
/// # Safety
/// Unless NULL, `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn utf8<'a>(
    func: &str,
    arg: &str,
    ptr: *const c_char,
) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(Failure::null(func, arg));
    }
    // SAFETY: not NULL; the caller promises a NUL-terminated string valid for `'a`.
    let s = unsafe { CStr::from_ptr(ptr) };
    s.to_str().map_err(|e| {
        Failure::new(
            sigverify_result::InvalidUtf8,
            format!(
                "{func}: `{arg}` is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ),
        )
    })
}

/// A handle passed by C, borrowed.
///
/// # Safety
/// Unless NULL, `ptr` must come from the matching sigverify constructor and not be freed yet.
pub(crate) unsafe fn handle<'a, T>(func: &str, arg: &str, ptr: *const T) -> Result<&'a T, Failure> {
    // SAFETY: the caller promises a live handle made by `Box::into_raw`, or NULL.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(func, arg))
}

/// An out-parameter, checked before any work is done so that a NULL one costs nothing.
pub(crate) fn out_param<T>(func: &str, arg: &str, out: *mut T) -> Result<*mut T, Failure> {
    if out.is_null() {
        Err(Failure::null(func, arg))
    } else {
        Ok(out)
    }
}

/// Hands a new object to C through `out` (called only on success).
///
/// # Safety
/// `out` must be non-NULL (see `out_param`) and writable.
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T) {
    // SAFETY: forwarded from this function's contract.
    unsafe { give_optional(out, Some(value)) };
}

/// Hands a new object to C through `out`, or NULL when there is none (called only on success).
///
/// # Safety
/// `out` must be non-NULL (see `out_param`) and writable.
pub(crate) unsafe fn give_optional<T>(out: *mut *mut T, value: Option<T>) {
    let ptr = value.map_or(std::ptr::null_mut(), |v| Box::into_raw(Box::new(v)));
    // SAFETY: the caller promises `out` is non-NULL and writable. C owns the box from here on and
    // frees it with the matching `_free`, which also accepts the NULL of `None`.
    unsafe { out.write(ptr) };
}

/// Writes a number to an out-parameter (called only on success).
///
/// # Safety
/// `out` must be non-NULL (see `out_param`) and writable.
pub(crate) unsafe fn write_out<T: Copy>(out: *mut T, value: T) {
    // SAFETY: the caller promises `out` is non-NULL and writable (C's `T *` is aligned for `T`);
    // a `Copy` value has no destructor, so not dropping the old one loses nothing.
    unsafe { out.write(value) };
}

/// Frees a handle made by `give`; NULL is a no-op.
///
/// # Safety
/// Unless NULL, `ptr` must come from `give` and not be freed yet; it is invalid afterwards.
pub(crate) unsafe fn take<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the caller promises `ptr` came from `Box::into_raw` and is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Writes `s` and a NUL into `buf`, the calling convention of every function that returns a
/// string: on success `*written` is the string's length (without the NUL); when `len` is too
/// small nothing is written to `buf`, `*written` is the size needed (with the NUL) and the
/// result is `BufferTooSmall`. `buf` may be NULL when `len` is 0, to ask for the size.
///
/// # Safety
/// Unless NULL, `buf` must be writable for `len` bytes and `written` writable.
pub(crate) unsafe fn write_str(
    func: &str,
    s: &str,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> Result<(), Failure> {
    let written = out_param(func, "written", written)?;
    if buf.is_null() && len != 0 {
        return Err(Failure::null(func, "buf"));
    }
    if s.as_bytes().contains(&0) {
        return Err(Failure::new(
            sigverify_result::InvalidParameter,
            format!("{func}: the value contains a NUL byte and cannot be returned as a C string"),
        ));
    }
    let need = s.len() + 1;
    if len < need {
        // SAFETY: `written` is non-NULL and the caller promises it is writable.
        unsafe { write_out(written, need) };
        return Err(Failure::new(
            sigverify_result::BufferTooSmall,
            format!("{func}: the buffer holds {len} bytes; {need} are needed (with the NUL)"),
        ));
    }
    // SAFETY: `buf` is non-NULL (len >= need > 0) and writable for `len >= s.len() + 1` bytes; a
    // Rust `&str` never overlaps memory that C hands us to write. `written` is non-NULL and the
    // caller promises it is writable.
    unsafe {
        std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
        buf.add(s.len()).write(0);
        write_out(written, s.len());
    }
    Ok(())
}

/// A compile-time proof, one per handle type (`const _: () = shareable::<T>();` beside its
/// definition), that what the header says may be shared between threads can be.
pub(crate) const fn shareable<T: Send + Sync>() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{last_error, sigverify_last_error_code};

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let r = guard("test_fn", || {
            #[allow(clippy::panic)]
            {
                panic!("boom")
            }
        });
        assert_eq!(r, sigverify_result::Panic);
        assert_eq!(sigverify_last_error_code(), sigverify_result::Panic);
        let m = last_error().map(|e| e.message).unwrap_or_default();
        assert!(m.contains("test_fn") && m.contains("boom"), "{m}");
        assert_eq!(guard_value(7, || -> i32 { std::panic::panic_any(1u8) }), 7);
    }
}
