//! Every failure becomes a JavaScript error here, in one function: [`Failure::into_js`].
//!
//! The error classes themselves are plain JavaScript (`errors.js`, so that they can extend
//! `Error`); `index.js` hands them to the addon once per environment (main thread or worker)
//! through [`register_error_classes`], and they are kept as that environment's instance data.

use std::panic::{catch_unwind, AssertUnwindSafe};

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, JsObjectValue, Null};
use napi::{Env, JsValue, Status};
use napi_derive::napi;

/// What a sigverify error carries besides its message (the second argument of the error classes'
/// constructors).
#[napi(object)]
pub struct ErrorDetails {
    /// The stable machine-readable code of the kind of error, the same in Rust, the CLI, C, Python
    /// and Node: the core's `invalid-json`, `invalid-bundle`, `policy-mismatch`,
    /// `transparency-log`, ..., and the bindings' own `invalid-argument` (an argument of the wrong
    /// type or value) and `internal-error` (a bug in sigverify, caught).
    pub code: String,
    /// The verification step that failed: `bundle-format`, `trusted-root`, `limits`, `artifact`,
    /// `signature`, `statement`, `transparency-log`, `timestamp`, `verified-time`, `certificate`,
    /// `certificate-transparency`, `policy`; absent (`null`) when no step is involved (a bad
    /// argument, an internal error).
    pub check: Option<String>,
}

type ErrorClass = FunctionRef<FnArgs<(String, ErrorDetails)>, ()>;

/// The three error classes of `errors.js`, for one JavaScript environment.
struct ErrorClasses {
    base: ErrorClass,
    verification: ErrorClass,
    invalid_input: ErrorClass,
}

/// Called once by `index.js` with the classes of `errors.js`. Not part of the public API.
// Only JavaScript calls it: in `cargo test` builds nothing registers it with N-API.
#[cfg_attr(test, allow(dead_code))]
#[napi(js_name = "__registerErrorClasses", skip_typescript)]
pub fn register_error_classes(
    env: Env,
    base: Function<FnArgs<(String, ErrorDetails)>, ()>,
    verification: Function<FnArgs<(String, ErrorDetails)>, ()>,
    invalid_input: Function<FnArgs<(String, ErrorDetails)>, ()>,
) -> napi::Result<()> {
    let classes = ErrorClasses {
        base: base.create_ref()?,
        verification: verification.create_ref()?,
        invalid_input: invalid_input.create_ref()?,
    };
    env.set_instance_data(classes, (), |_| {})
}

/// Everything that can go wrong in a call, kept as Rust data until there is a JavaScript thread
/// to turn it into an error (work off the thread hands it back through `Task::resolve`). The
/// same kinds, classes and codes as the Python binding.
#[derive(Clone, Debug)]
pub enum Failure {
    /// A core error from verification: `InvalidInputError` when `is_invalid_input()`, else
    /// `VerificationError` (as the CLI's exit codes 2 and 1).
    Verify(sigverify::Error),
    /// A core error while loading what the caller supplies (a trusted root, a key, a policy
    /// document, a witness key): always `InvalidInputError`, with the core's code and check.
    Load(sigverify::Error),
    /// An argument of the wrong type or value: `InvalidInputError` with code `invalid-argument`.
    Argument(String),
    /// A panic in sigverify, caught at the boundary: `SigverifyError` with code
    /// `internal-error`.
    Internal(String),
}

/// The codes of [`Failure::Argument`] and [`Failure::Internal`], defined once for every face.
use sigverify_host::codes::{
    INTERNAL_ERROR as CODE_INTERNAL, INVALID_ARGUMENT as CODE_INVALID_ARGUMENT,
};

impl Failure {
    pub(crate) fn argument(message: impl Into<String>) -> Failure {
        Failure::Argument(message.into())
    }

    /// The one conversion of a failure to the JavaScript error that is thrown or rejected.
    pub(crate) fn into_js(self, env: &Env) -> napi::Error {
        let core = |e: &sigverify::Error| ErrorDetails {
            code: e.code().to_owned(),
            check: Some(e.check().as_str().to_owned()),
        };
        let (class, message, details) = match self {
            Failure::Verify(e) => {
                let class = if e.is_invalid_input() {
                    Class::InvalidInput
                } else {
                    Class::Verification
                };
                (class, e.to_string(), core(&e))
            }
            Failure::Load(e) => (Class::InvalidInput, e.to_string(), core(&e)),
            Failure::Argument(message) => (
                Class::InvalidInput,
                message,
                ErrorDetails {
                    code: CODE_INVALID_ARGUMENT.into(),
                    check: None,
                },
            ),
            Failure::Internal(message) => (
                Class::Base,
                format!("internal error in sigverify (a bug; please report it with the input that caused it): {message}"),
                ErrorDetails {
                    code: CODE_INTERNAL.into(),
                    check: None,
                },
            ),
        };
        construct(env, class, message, details)
    }
}

#[derive(Clone, Copy)]
enum Class {
    Base,
    Verification,
    InvalidInput,
}

/// `new Class(message, { code, check })`; without registered classes (the raw addon loaded
/// without `index.js`), a plain `Error` with the same message, `code` and `check`.
fn construct(env: &Env, class: Class, message: String, details: ErrorDetails) -> napi::Error {
    let registered = env.get_instance_data::<ErrorClasses>().ok().flatten();
    let Some(classes) = registered else {
        return plain(env, message, details);
    };
    let class = match class {
        Class::Base => &classes.base,
        Class::Verification => &classes.verification,
        Class::InvalidInput => &classes.invalid_input,
    };
    let created = class
        .borrow_back(env)
        .and_then(|c| c.new_instance(FnArgs::from((message, details))));
    match created {
        Ok(error) => napi::Error::from(error),
        Err(e) => e,
    }
}

fn plain(env: &Env, message: String, details: ErrorDetails) -> napi::Error {
    let made = env
        .create_error(napi::Error::new(Status::GenericFailure, message.clone()))
        .and_then(|mut error| {
            error.set_named_property("code", details.code)?;
            match details.check {
                Some(check) => error.set_named_property("check", check)?,
                None => error.set_named_property("check", Null)?,
            }
            Ok(napi::Error::from(error.to_unknown()))
        });
    made.unwrap_or_else(|_| napi::Error::new(Status::GenericFailure, message))
}

/// Runs `f`, turning a panic into [`Failure::Internal`]: a bug in sigverify must never take the
/// process down (a panic cannot cross into Node, least of all from a worker thread).
pub(crate) fn panic_boundary<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".to_owned());
            Err(Failure::Internal(what))
        }
    }
}
