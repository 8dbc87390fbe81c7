//! Every failure the binding reports, and the one function that turns it into a Python exception.
//!
//! The exception classes live in `sigverify/_errors.py`: `Error(Exception)`,
//! `VerificationError(Error, ValueError)` and `InvalidInput(Error, ValueError)`, each with `.code`
//! (the core's stable `Error::code()`, shared with the CLI and the C ABI) and `.check`
//! (`Error::check().as_str()`, or `None` when no verification step is involved).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Once;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// Codes of the binding's own failures (not produced by the core), defined once for every face.
pub(crate) use sigverify_host::codes::{
    INTERNAL_ERROR as CODE_INTERNAL, INVALID_ARGUMENT as CODE_INVALID_ARGUMENT, IO_ERROR as CODE_IO,
};

static ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VERIFICATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Looks the exception classes up once, at module initialisation.
pub(crate) fn init(py: Python<'_>) -> PyResult<()> {
    ERROR.import(py, "sigverify._errors", "Error")?;
    VERIFICATION_ERROR.import(py, "sigverify._errors", "VerificationError")?;
    INVALID_INPUT.import(py, "sigverify._errors", "InvalidInput")?;
    Ok(())
}

/// Panics are caught at every entry into the core ([`guard`]) and reported as
/// `sigverify.Error(code="internal-error")`. The hook only affects this extension's own copy of
/// the Rust standard library, so it silences nothing but our own (caught) panics.
pub(crate) fn silence_panic_messages() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

/// Runs `f` behind a panic boundary.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(Err(Failure::Internal))
}

/// Why an operation failed, before it becomes a Python exception.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A core error from verification: `InvalidInput` when `is_invalid_input()`, else
    /// `VerificationError`.
    Verify(sigverify::Error),
    /// A core error while loading trusted material or a policy: always `InvalidInput` (what the
    /// caller passed cannot be used), with the core's code and check.
    Load(sigverify::Error),
    /// An argument of the wrong type or value (`InvalidInput`, code `invalid-argument`).
    Argument {
        message: String,
        cause: Option<PyErr>,
    },
    /// A file named by an `os.PathLike` argument could not be read (`InvalidInput`, code
    /// `io-error`, with the `OSError` as `__cause__`).
    Io {
        what: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// A panic inside Rust: a bug, reported without its message (`Error`, code
    /// `internal-error`).
    Internal,
}

impl Failure {
    pub(crate) fn argument(message: impl Into<String>) -> Failure {
        Failure::Argument {
            message: message.into(),
            cause: None,
        }
    }

    pub(crate) fn argument_caused(message: impl Into<String>, cause: PyErr) -> Failure {
        Failure::Argument {
            message: message.into(),
            cause: Some(cause),
        }
    }

    /// The one conversion from a failure to a Python exception.
    pub(crate) fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let (class, message, code, check, cause): (_, String, &str, Option<&str>, _) = match self {
            Failure::Verify(e) => {
                let class = if e.is_invalid_input() {
                    &INVALID_INPUT
                } else {
                    &VERIFICATION_ERROR
                };
                (class, e.to_string(), e.code(), Some(e.check().as_str()), None)
            }
            Failure::Load(e) => (
                &INVALID_INPUT,
                e.to_string(),
                e.code(),
                Some(e.check().as_str()),
                None,
            ),
            Failure::Argument { message, cause } => {
                (&INVALID_INPUT, message, CODE_INVALID_ARGUMENT, None, cause)
            }
            Failure::Io { what, path, error } => {
                let message = format!("cannot read {what} {}: {error}", path.display());
                (&INVALID_INPUT, message, CODE_IO, None, Some(PyErr::from(error)))
            }
            Failure::Internal => (
                &ERROR,
                "internal error in sigverify (a bug; please report it with the input that caused it)"
                    .to_owned(),
                CODE_INTERNAL,
                None,
                None,
            ),
        };
        match instantiate(py, class, &message, code, check) {
            Ok(err) => {
                if cause.is_some() {
                    err.set_cause(py, cause);
                }
                err
            }
            Err(e) => e,
        }
    }
}

fn instantiate(
    py: Python<'_>,
    class: &PyOnceLock<Py<PyType>>,
    message: &str,
    code: &str,
    check: Option<&str>,
) -> PyResult<PyErr> {
    if ERROR.get(py).is_none() {
        init(py)?;
    }
    let class = class.get(py).ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("sigverify._errors is not initialised")
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", code)?;
    kwargs.set_item("check", check)?;
    let value = class.bind(py).call((message,), Some(&kwargs))?;
    Ok(PyErr::from_value(value))
}

/// Shorthand for results that carry a [`Failure`].
pub(crate) trait IntoPyResult<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Failure> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|f| f.into_pyerr(py))
    }
}
