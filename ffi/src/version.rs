//! The version of the library.

use std::ffi::{c_char, CStr};

use crate::boundary::guard_value;

/// The version of sigverify, e.g. `"0.1.0"`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn sigverify_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    guard_value(VERSION.as_ptr(), || VERSION.as_ptr())
}
