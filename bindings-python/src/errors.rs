//! The one function that turns a failure (`sigverify_host::Failure`, the same for every face)
//! into a Python exception.
//!
//! The exception classes live in `sigverify/_errors.py`: `Error(Exception)`,
//! `VerificationError(Error, ValueError)` and `InvalidInput(Error, ValueError)`, each with `.code`
//! (the core's stable `Error::code()`, shared with the CLI and the C ABI) and `.check`
//! (`Error::check().as_str()`, or `None` when no verification step is involved).

use std::sync::Once;

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

use sigverify_host::Class;
pub(crate) use sigverify_host::{guard, Failure};

static ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VERIFICATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_INPUT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ARGUMENT_TYPE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Looks the exception classes up once, at module initialisation.
pub(crate) fn init(py: Python<'_>) -> PyResult<()> {
    ERROR.import(py, "sigverify._errors", "Error")?;
    VERIFICATION_ERROR.import(py, "sigverify._errors", "VerificationError")?;
    INVALID_INPUT.import(py, "sigverify._errors", "InvalidInput")?;
    ARGUMENT_TYPE_ERROR.import(py, "sigverify._errors", "ArgumentTypeError")?;
    Ok(())
}

/// Panics are caught at every entry into the core ([`guard`]) and reported as
/// `sigverify.Error(code="internal-error")`. The hook only affects this extension's own copy of
/// the Rust standard library, so it silences nothing but our own (caught) panics.
pub(crate) fn silence_panic_messages() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

/// An argument that Python could not convert: `invalid-argument`, with Python's reason.
pub(crate) fn argument_caused(message: impl std::fmt::Display, cause: PyErr) -> Failure {
    Failure::argument(format!("{message}: {cause}"))
}

/// An argument of a public function, extracted as `T` would be, except that a value of the wrong
/// type (or `None` where a value is required) raises `sigverify.ArgumentTypeError`: code
/// `invalid-argument`, as C and Node give for the same call (tests/argument-cases.json), and
/// still a `TypeError`. pyo3 adds the argument's name as a note.
pub(crate) struct Arg<T>(pub(crate) T);

impl<'a, 'py, T: FromPyObject<'a, 'py>> FromPyObject<'a, 'py> for Arg<T> {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let py = obj.py();
        T::extract(obj).map(Arg).map_err(|e| {
            let e: PyErr = e.into();
            if !e.is_instance_of::<pyo3::exceptions::PyTypeError>(py) {
                return e;
            }
            let message = e.value(py).to_string();
            instantiate(py, &ARGUMENT_TYPE_ERROR, &message, "invalid-argument", None)
                .unwrap_or_else(|err| err)
        })
    }
}

/// `Option<Arg<T>>` back to `Option<T>`.
pub(crate) fn opt<T>(arg: Option<Arg<T>>) -> Option<T> {
    arg.map(|a| a.0)
}

/// `Option<Arg<String>>` as the `Option<&str>` the code below it takes.
pub(crate) fn opt_str(arg: &Option<Arg<String>>) -> Option<&str> {
    arg.as_ref().map(|a| a.0.as_str())
}

/// The one conversion from a failure to a Python exception; an `io-error` gets the `OSError`
/// as its `__cause__`.
pub(crate) fn to_pyerr(py: Python<'_>, failure: Failure) -> PyErr {
    let class = match failure.class() {
        Class::Verification => &VERIFICATION_ERROR,
        Class::InvalidInput => &INVALID_INPUT,
        Class::Internal => &ERROR,
    };
    let cause = match &failure {
        Failure::Io { error, .. } => Some(PyErr::from(std::io::Error::new(
            error.kind(),
            error.to_string(),
        ))),
        _ => None,
    };
    match instantiate(
        py,
        class,
        &failure.to_string(),
        failure.code(),
        failure.check(),
    ) {
        Ok(err) => {
            if cause.is_some() {
                err.set_cause(py, cause);
            }
            err
        }
        Err(e) => e,
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
        self.map_err(|f| to_pyerr(py, f))
    }
}
