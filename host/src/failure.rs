//! Every failure a face reports, defined once: the core's errors and the binding-level classes
//! (`invalid-argument`, `io-error`, `internal-error`), each with its exception class, code and
//! check. The CLI maps [`Class`] to its exit codes, C to its result codes, Python and Node to
//! their error classes: the same input gives the same class and code on every face.

use std::path::PathBuf;
use std::sync::Arc;

/// The binding-level error classes: failures that are not the core's (whose codes are
/// `sigverify::Error::code`). The same strings in C (`sigverify_result_name`), Python (`.code`)
/// and Node (`.code`).
pub mod codes {
    /// An argument of the wrong type, a missing or conflicting one.
    pub const INVALID_ARGUMENT: &str = "invalid-argument";
    /// A file could not be opened or read.
    pub const IO_ERROR: &str = "io-error";
    /// A bug: a panic caught at the boundary, or a result that cannot be converted.
    pub const INTERNAL_ERROR: &str = "internal-error";
}

/// Which kind of error a failure is (Python `VerificationError`/`InvalidInput`/`Error`, Node
/// `VerificationError`/`InvalidInputError`/`SigverifyError`, CLI exit codes 1/2/3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// The input is well formed and does not verify.
    Verification,
    /// What the caller passed cannot be used.
    InvalidInput,
    /// A bug in sigverify, caught.
    Internal,
}

/// Why a call failed, before a face turns it into its own error.
#[derive(Clone, Debug)]
pub enum Failure {
    /// A core error from verification: [`Class::InvalidInput`] when `is_invalid_input()`, else
    /// [`Class::Verification`].
    Verify(sigverify::Error),
    /// A core error while loading what the caller supplies (a trusted root, a key, a policy, a
    /// witness key): always [`Class::InvalidInput`], with the core's code and check.
    Load(sigverify::Error),
    /// An argument of the wrong type or value, missing or conflicting (`invalid-argument`).
    Argument(String),
    /// A file named by an argument could not be read, or written (`io-error`).
    Io {
        /// What the file is (`"bundle"`, `"artifact"`, `"TUF metadata"`).
        what: &'static str,
        /// The path as given.
        path: PathBuf,
        /// The operating system's error.
        error: Arc<std::io::Error>,
        /// True when the file was being written (a lock recorded in place), not read.
        writing: bool,
    },
    /// A panic or an impossible state: a bug (`internal-error`).
    Internal(String),
}

impl Failure {
    /// An [`Failure::Argument`].
    pub fn argument(message: impl Into<String>) -> Failure {
        Failure::Argument(message.into())
    }

    /// An [`Failure::Io`].
    pub fn io(what: &'static str, path: impl Into<PathBuf>, error: std::io::Error) -> Failure {
        Failure::Io {
            what,
            path: path.into(),
            error: Arc::new(error),
            writing: false,
        }
    }

    /// An [`Failure::Io`] of a file that could not be written.
    pub fn io_write(
        what: &'static str,
        path: impl Into<PathBuf>,
        error: std::io::Error,
    ) -> Failure {
        Failure::Io {
            what,
            path: path.into(),
            error: Arc::new(error),
            writing: true,
        }
    }

    /// The kind of error.
    pub fn class(&self) -> Class {
        match self {
            Failure::Verify(e) if !e.is_invalid_input() => Class::Verification,
            Failure::Verify(_) | Failure::Load(_) | Failure::Argument(_) | Failure::Io { .. } => {
                Class::InvalidInput
            }
            Failure::Internal(_) => Class::Internal,
        }
    }

    /// The stable code: the core's, or one of [`codes`].
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Verify(e) | Failure::Load(e) => e.code(),
            Failure::Argument(_) => codes::INVALID_ARGUMENT,
            Failure::Io { .. } => codes::IO_ERROR,
            Failure::Internal(_) => codes::INTERNAL_ERROR,
        }
    }

    /// The verification step that failed, for core errors (`None` when no step is involved).
    pub fn check(&self) -> Option<&'static str> {
        match self {
            Failure::Verify(e) | Failure::Load(e) => Some(e.check().as_str()),
            _ => None,
        }
    }

    /// The core error, when it is one.
    pub fn core_error(&self) -> Option<&sigverify::Error> {
        match self {
            Failure::Verify(e) | Failure::Load(e) => Some(e),
            _ => None,
        }
    }

    /// Re-classifies a verification error as an error loading what the caller supplied.
    pub fn loading(self) -> Failure {
        match self {
            Failure::Verify(e) => Failure::Load(e),
            other => other,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Verify(e) | Failure::Load(e) => e.fmt(f),
            Failure::Argument(m) => f.write_str(m),
            Failure::Io {
                what,
                path,
                error,
                writing,
            } => {
                let verb = if *writing { "write" } else { "read" };
                write!(f, "cannot {verb} {what} {}: {error}", path.display())
            }
            Failure::Internal(m) => write!(
                f,
                "internal error in sigverify (a bug; please report it with the input that caused it): {m}"
            ),
        }
    }
}

impl From<sigverify::Error> for Failure {
    fn from(e: sigverify::Error) -> Failure {
        Failure::Verify(e)
    }
}

/// Runs `f` behind the panic boundary: a panic becomes [`Failure::Internal`] with its message,
/// never a crash across the boundary. Every face calls the core inside it.
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    crate::catch_panic(f).unwrap_or_else(|m| Err(Failure::Internal(m)))
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Verify(e) | Failure::Load(e) => Some(e),
            Failure::Io { error, .. } => Some(&**error),
            Failure::Argument(_) | Failure::Internal(_) => None,
        }
    }
}
