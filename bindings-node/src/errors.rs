//! Every failure becomes a JavaScript error here, in one function: [`to_js`]. What failed, its
//! class, code and check are the host's ([`sigverify_host::Failure`]); this file only picks the
//! JavaScript class for each [`Class`].
//!
//! The error classes themselves are plain JavaScript (`errors.js`, so that they can extend
//! `Error`); `index.js` hands them to the addon once per environment (main thread or worker)
//! through [`register_error_classes`], and they are kept as that environment's instance data.

use napi::bindgen_prelude::{FnArgs, Function, FunctionRef, JsObjectValue, Null};
use napi::{Env, JsValue, Status};
use napi_derive::napi;
use sigverify_host::{Class, Failure};

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

/// The one conversion of a failure to the JavaScript error that is thrown or rejected:
/// `new Class(message, { code, check })` with `VerificationError`, `InvalidInputError` or
/// `SigverifyError` (internal errors) by [`Failure::class`]. Without registered classes (the raw
/// addon loaded without `index.js`), a plain `Error` with the same message, `code` and `check`.
pub(crate) fn to_js(env: &Env, failure: &Failure) -> napi::Error {
    let message = failure.to_string();
    let details = ErrorDetails {
        code: failure.code().to_owned(),
        check: failure.check().map(str::to_owned),
    };
    let Some(classes) = env.get_instance_data::<ErrorClasses>().ok().flatten() else {
        return plain(env, message, details);
    };
    let class = match failure.class() {
        Class::Verification => &classes.verification,
        Class::InvalidInput => &classes.invalid_input,
        Class::Internal => &classes.base,
    };
    let created = class
        .borrow_back(env)
        .and_then(|c| c.new_instance(FnArgs::from((message, details))));
    match created {
        Ok(error) => napi::Error::from(error),
        Err(e) => e,
    }
}

/// A host outcome as a napi one: the failure converted by [`to_js`].
pub(crate) fn throw<T>(env: &Env, outcome: Result<T, Failure>) -> napi::Result<T> {
    outcome.map_err(|f| to_js(env, &f))
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
