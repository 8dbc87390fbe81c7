//! The numbered result codes of the C ABI, their one mapping from the core's error codes, and
//! their names and descriptions for C.

use std::ffi::{c_char, CStr};

use crate::boundary::{guard_quiet, guard_value, write_str};

/// The result of every fallible sigverify function.
///
/// The numbers are part of the ABI: they never change and are never reused. They come in groups:
///
/// - 0: success.
/// - 1-99: the call itself was wrong (a NULL pointer, a buffer too small, a string that is
///   not UTF-8, a value out of range), or sigverify failed internally (a caught panic).
/// - 100-199: the input is unusable (not JSON, an unknown media type, a bad trusted root, a
///   size limit, a malformed digest, an invalid policy). The command-line tool exits with 2.
/// - 200-299: the input was read and verification failed (the check is named in the
///   message). The command-line tool exits with 1.
///
/// Codes from 100 on are exactly the kinds of the Rust core's `sigverify::Error`:
/// `sigverify_result_name` gives the same string as `Error::code()` (`"policy-mismatch"`), the
/// string Python and Node expose. A new kind gets a new number at the end of its group.
///
/// It is 32 bits wide in every language mode: a `uint32_t` before C23 (whose enums have a size the
/// compiler chooses), an enum with that underlying type in C23 and C++.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum sigverify_result {
    /// Success.
    Ok = 0,

    /// A pointer argument that is required was NULL (or a buffer was NULL with a non-zero length).
    NullParameter = 1,
    /// The output buffer is too small: nothing was written to it, and `*written` holds the size
    /// it needs, including the terminating NUL.
    BufferTooSmall = 2,
    /// A string argument is not valid UTF-8.
    InvalidUtf8 = 3,
    /// sigverify panicked. The panic was caught at the C boundary; this is a bug in sigverify.
    /// Its name is `internal-error`, the code every face gives for a caught bug.
    Panic = 4,
    /// The value asked for does not exist (the identity of a bundle signed with a key, the last
    /// error of a thread that has had none).
    NotAvailable = 5,
    /// An argument is out of range (a length over `PTRDIFF_MAX`), or a string returned by
    /// sigverify would contain a NUL byte.
    InvalidParameter = 6,
    /// An error of a kind this version of the C ABI does not know (never returned unless the Rust
    /// core gains a kind before the C ABI does).
    UnknownError = 7,
    /// An argument is missing, empty or conflicts with another (both an artifact and a digest,
    /// neither): the binding-level `invalid-argument` of every face.
    InvalidArgument = 8,
    /// A file named by an argument could not be read: the binding-level `io-error`.
    IoError = 9,

    /// The input is not valid JSON, or does not have the shape its schema requires.
    InvalidJson = 100,
    /// The bundle's media type is not one sigverify knows.
    UnsupportedMediaType = 101,
    /// The trusted root is malformed or unusable.
    InvalidTrustedRoot = 102,
    /// An input exceeds a size, count or depth limit.
    LimitExceeded = 103,
    /// The artifact digest given by the caller is unusable (expected `sha256:HEX`, `sha384:HEX`
    /// or `sha512:HEX`).
    InvalidArtifact = 104,
    /// The policy is invalid (a policy document's field, an empty identity or issuer, a
    /// policy that names no signer).
    InvalidPolicy = 105,
    /// The verifier's thresholds are out of range or can never be met by the trusted root (a
    /// log threshold with no transparency log in the root).
    InvalidOptions = 106,

    /// The bundle breaks a rule of the bundle specification.
    InvalidBundle = 200,
    /// A base64 or hex field of the bundle is not strictly encoded.
    InvalidEncoding = 201,
    /// A certificate or public key could not be parsed.
    InvalidCertificate = 202,
    /// The bundle uses an algorithm sigverify does not accept.
    UnsupportedAlgorithm = 203,
    /// The artifact does not match what was signed.
    ArtifactMismatch = 204,
    /// A signature (artifact, SET, checkpoint, SCT, timestamp) does not verify.
    SignatureInvalid = 205,
    /// The signing certificate does not chain to a Fulcio CA of the trusted root.
    CertificateChain = 206,
    /// A verified time lies outside a validity window.
    TimeOutsideValidity = 207,
    /// Certificate transparency: no (or too few) verified signed certificate timestamps.
    CertificateTransparency = 208,
    /// An RFC 3161 timestamp is malformed or does not verify, or there are too few.
    Timestamp = 209,
    /// The verified times do not satisfy the verifier (none, or one in the future).
    VerifiedTime = 210,
    /// A transparency log entry is malformed, inconsistent with the bundle, or does not verify.
    TransparencyLog = 211,
    /// The DSSE payload is not an acceptable in-toto statement.
    Statement = 212,
    /// The signer does not match the policy.
    PolicyMismatch = 213,
    /// A TUF metadata update was refused (rollback, version, length or hash mismatch, missing
    /// file).
    Tuf = 214,
}

/// A `sigverify_result` as it arrives from C: any 32-bit number. Functions that take a code
/// take this, never the Rust enum, because an unknown number in a Rust enum is undefined
/// behaviour. cbindgen.toml spells it `sigverify_result` in the header (the same `uint32_t`).
pub type sigverify_result_code = u32;

use sigverify_result as R;

/// Every code with its stable name (the core's `Error::code()` from 100 on) and a description.
/// The one table: names, messages and the core mapping are all read from here.
const TABLE: &[(R, &CStr, &CStr)] = &[
    (R::Ok, c"ok", c"success"),
    (
        R::NullParameter,
        c"null-parameter",
        c"a required pointer argument was NULL",
    ),
    (
        R::BufferTooSmall,
        c"buffer-too-small",
        c"the output buffer is too small; *written holds the size needed",
    ),
    (
        R::InvalidUtf8,
        c"invalid-utf8",
        c"a string argument is not valid UTF-8",
    ),
    (
        R::Panic,
        // The same code as the CLI, Python and Node give for a caught bug.
        c"internal-error",
        c"internal error: a panic was caught at the C boundary (a bug in sigverify)",
    ),
    (
        R::NotAvailable,
        c"not-available",
        c"the value asked for is not available",
    ),
    (
        R::InvalidParameter,
        c"invalid-parameter",
        c"an argument is out of range",
    ),
    (
        R::UnknownError,
        c"unknown-error",
        c"an error of a kind this version of the C ABI does not know",
    ),
    (
        R::InvalidArgument,
        c"invalid-argument",
        c"an argument is missing, empty or conflicts with another",
    ),
    (
        R::IoError,
        c"io-error",
        c"a file named by an argument could not be read",
    ),
    (
        R::InvalidJson,
        c"invalid-json",
        c"the input is not valid JSON or does not have the required shape",
    ),
    (
        R::UnsupportedMediaType,
        c"unsupported-media-type",
        c"the bundle's media type is not supported",
    ),
    (
        R::InvalidTrustedRoot,
        c"invalid-trusted-root",
        c"the trusted root is malformed or unusable",
    ),
    (
        R::LimitExceeded,
        c"limit-exceeded",
        c"an input exceeds a size, count or depth limit",
    ),
    (
        R::InvalidArtifact,
        c"invalid-artifact",
        c"the artifact digest is unusable (expected sha256:HEX, sha384:HEX or sha512:HEX)",
    ),
    (
        R::InvalidPolicy,
        c"invalid-policy",
        c"the policy is invalid",
    ),
    (
        R::InvalidOptions,
        c"invalid-options",
        c"the verifier's thresholds are out of range or can never be met by the trusted root",
    ),
    (
        R::InvalidBundle,
        c"invalid-bundle",
        c"the bundle breaks a rule of the bundle specification",
    ),
    (
        R::InvalidEncoding,
        c"invalid-encoding",
        c"a base64 or hex field is not strictly encoded",
    ),
    (
        R::InvalidCertificate,
        c"invalid-certificate",
        c"a certificate or public key could not be parsed",
    ),
    (
        R::UnsupportedAlgorithm,
        c"unsupported-algorithm",
        c"the bundle uses an algorithm sigverify does not accept",
    ),
    (
        R::ArtifactMismatch,
        c"artifact-mismatch",
        c"the artifact does not match what was signed",
    ),
    (
        R::SignatureInvalid,
        c"signature-invalid",
        c"a signature does not verify",
    ),
    (
        R::CertificateChain,
        c"certificate-chain",
        c"the signing certificate does not chain to a Fulcio CA of the trusted root",
    ),
    (
        R::TimeOutsideValidity,
        c"time-outside-validity",
        c"a verified time lies outside a validity window",
    ),
    (
        R::CertificateTransparency,
        c"certificate-transparency",
        c"certificate transparency (signed certificate timestamps) did not verify",
    ),
    (
        R::Timestamp,
        c"timestamp",
        c"an RFC 3161 timestamp is malformed, does not verify, or is missing",
    ),
    (
        R::VerifiedTime,
        c"verified-time",
        c"the verified times do not satisfy the verifier (none, or one in the future)",
    ),
    (
        R::TransparencyLog,
        c"transparency-log",
        c"a transparency log entry does not verify",
    ),
    (
        R::Statement,
        c"statement",
        c"the DSSE payload is not an acceptable in-toto statement",
    ),
    (
        R::PolicyMismatch,
        c"policy-mismatch",
        c"the signer does not match the policy",
    ),
    (R::Tuf, c"tuf", c"a TUF metadata update was refused"),
];

impl sigverify_result {
    /// The code for a number from C, if it is one.
    pub(crate) fn from_code(code: sigverify_result_code) -> Option<sigverify_result> {
        TABLE.iter().map(|(r, _, _)| *r).find(|r| *r as u32 == code)
    }

    /// The one conversion from the core: by its stable string code, one-to-one.
    pub(crate) fn from_core(err: &sigverify::Error) -> sigverify_result {
        TABLE
            .iter()
            .filter(|(r, _, _)| *r as u32 >= 100)
            .find(|(_, name, _)| name.to_bytes() == err.code().as_bytes())
            .map_or(R::UnknownError, |(r, _, _)| *r)
    }

    /// The stable name (`"policy-mismatch"`).
    pub(crate) fn name(self) -> &'static CStr {
        TABLE
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or(c"unknown", |(_, n, _)| n)
    }

    /// A one-line description of the kind.
    pub(crate) fn description(self) -> &'static CStr {
        TABLE
            .iter()
            .find(|(r, _, _)| *r == self)
            .map_or(c"unknown result", |(_, _, d)| d)
    }
}

/// The check names of the core (`Check::as_str`) as C strings with a static lifetime.
pub(crate) fn check_name(check: sigverify::Check) -> &'static CStr {
    const CHECKS: &[&CStr] = &[
        c"bundle-format",
        c"trusted-root",
        c"limits",
        c"timestamp",
        c"verified-time",
        c"certificate",
        c"certificate-transparency",
        c"policy",
        c"signature",
        c"statement",
        c"transparency-log",
        c"artifact",
    ];
    CHECKS
        .iter()
        .find(|c| c.to_bytes() == check.as_str().as_bytes())
        .copied()
        .unwrap_or(c"unknown")
}

/// The stable name of a result code: `"ok"`, `"null-parameter"`, ..., and from 100 on the Rust
/// core's error code (`"invalid-json"`, `"policy-mismatch"`), the same string that the Python and
/// Node bindings expose. `"unknown"` for a number that is not a `sigverify_result`.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed.
#[no_mangle]
pub extern "C" fn sigverify_result_name(code: sigverify_result_code) -> *const c_char {
    guard_value(c"unknown".as_ptr(), || {
        sigverify_result::from_code(code)
            .map_or(c"unknown", sigverify_result::name)
            .as_ptr()
    })
}

/// Writes a one-line description of a result code (of its kind, not of one failure: for that,
/// see `sigverify_last_error_message`) into `buf`, NUL-terminated. A number that is not a
/// `sigverify_result` gets the description `"unknown result N"`.
///
/// `buf` is owned by the caller and holds `len` bytes. On success `*written` is the length of the
/// string without its NUL. When `len` is too small, nothing is written to `buf`, `*written` is the
/// size needed (with the NUL) and the result is `SIGVERIFY_RESULT_BUFFER_TOO_SMALL`; `buf` may be
/// NULL when `len` is 0, to ask for that size. This function never changes the last error.
///
/// # Safety
/// `buf` must be writable for `len` bytes (or NULL with `len` 0); `written` must be writable.
#[no_mangle]
pub unsafe extern "C" fn sigverify_result_message(
    code: sigverify_result_code,
    buf: *mut c_char,
    len: usize,
    written: *mut usize,
) -> sigverify_result {
    const F: &str = "sigverify_result_message";
    guard_quiet(|| {
        let text = match sigverify_result::from_code(code) {
            Some(r) => r.description().to_string_lossy().into_owned(),
            None => format!("unknown result {code}"),
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { write_str(F, &text, buf, len, written) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_grouped() {
        for (i, (a, _, _)) in TABLE.iter().enumerate() {
            for (b, _, _) in TABLE.iter().skip(i + 1) {
                assert_ne!(*a as u32, *b as u32);
                assert_ne!(a.name(), b.name());
            }
            assert_eq!(sigverify_result::from_code(*a as u32), Some(*a));
        }
        assert_eq!(sigverify_result::from_code(99), None);
        assert_eq!(sigverify_result::from_code(u32::MAX), None);
    }

    /// Every core error kind maps to its own code, whose name is the core's string.
    #[test]
    fn core_codes_map_one_to_one() {
        use sigverify::Error as E;
        let errors = [
            E::InvalidJson {
                what: "bundle",
                detail: String::new(),
            },
            E::UnsupportedMediaType {
                found: String::new(),
            },
            E::InvalidBundle {
                field: String::new(),
                reason: String::new(),
            },
            E::InvalidEncoding {
                field: String::new(),
                reason: String::new(),
            },
            E::InvalidCertificate {
                which: String::new(),
                reason: String::new(),
            },
            E::InvalidTrustedRoot {
                field: String::new(),
                reason: String::new(),
            },
            E::LimitExceeded {
                what: "x",
                limit: 1,
                found: 2,
            },
            E::InvalidArtifact {
                reason: String::new(),
            },
            E::ArtifactMismatch {
                what: String::new(),
                expected: String::new(),
                found: String::new(),
            },
            E::SignatureInvalid {
                check: sigverify::Check::Signature,
                what: String::new(),
            },
            E::CertificateChain {
                reason: String::new(),
            },
            E::TimeOutsideValidity {
                check: sigverify::Check::Certificate,
                what: String::new(),
                time: String::new(),
                window: String::new(),
            },
            E::CertificateTransparency {
                reason: String::new(),
            },
            E::Timestamp {
                reason: String::new(),
            },
            E::VerifiedTime {
                reason: String::new(),
            },
            E::TransparencyLog {
                part: "body",
                reason: String::new(),
            },
            E::Statement {
                reason: String::new(),
            },
            E::PolicyMismatch {
                claim: String::new(),
                expected: String::new(),
                found: String::new(),
            },
            E::InvalidPolicy {
                path: String::new(),
                reason: String::new(),
            },
            E::InvalidOptions {
                option: "tlog_threshold",
                reason: String::new(),
            },
            E::UnsupportedAlgorithm {
                what: String::new(),
                found: String::new(),
            },
            E::Tuf {
                role: String::new(),
                reason: String::new(),
            },
        ];
        let mut seen = Vec::new();
        for e in &errors {
            let r = sigverify_result::from_core(e);
            assert_ne!(r, R::UnknownError, "{} has no C code", e.code());
            assert_eq!(r.name().to_bytes(), e.code().as_bytes());
            assert!(!seen.contains(&r), "{} mapped twice", e.code());
            seen.push(r);
            // The group says whether the input was unusable, as the CLI's exit codes do.
            assert_eq!((r as u32) < 200, e.is_invalid_input(), "{}", e.code());
            assert_ne!(check_name(e.check()).to_bytes(), b"unknown");
        }
        // Every code from 100 on is some core kind.
        assert_eq!(
            seen.len(),
            TABLE.iter().filter(|(r, _, _)| *r as u32 >= 100).count()
        );
    }
}
