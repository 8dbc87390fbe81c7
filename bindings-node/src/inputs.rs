//! JavaScript arguments to Rust data, with an `invalid-argument` error that names the argument
//! when its type or value is wrong. Data problems (bad JSON, a bad digest) are left to the core,
//! which names them with its own codes.

use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object, Uint8Array, Unknown};
use napi::{Env, JsValue, ValueType};

use crate::errors::Failure;

/// JSON given as bytes (`Buffer`, `Uint8Array`), a string, or an already parsed value (which is
/// serialized with `JSON.stringify`). `what` names the document for the core's error messages.
pub(crate) fn json_bytes(
    env: &Env,
    value: Unknown<'_>,
    what: &'static str,
    arg: &str,
) -> Result<Vec<u8>, Failure> {
    match kind(&value)? {
        Kind::Bytes => Ok(Uint8Array::from_unknown(value)
            .map_err(|_| wrong_type(arg, "a Uint8Array"))?
            .to_vec()),
        Kind::String => Ok(String::from_unknown(value)
            .map_err(|_| wrong_type(arg, "a string"))?
            .into_bytes()),
        // An array is parsed JSON too (and then refused by the core with its own message).
        Kind::Object => stringify(env, value, what),
        Kind::Other(t) => Err(Failure::argument(format!(
            "{arg} must be a Buffer, Uint8Array, string or parsed JSON object, found {t}"
        ))),
    }
}

/// Bytes (`Buffer` or `Uint8Array`).
pub(crate) fn bytes(value: Unknown<'_>, arg: &str) -> Result<Uint8Array, Failure> {
    match kind(&value)? {
        Kind::Bytes => {
            Uint8Array::from_unknown(value).map_err(|_| wrong_type(arg, "a Buffer or Uint8Array"))
        }
        other => Err(Failure::argument(format!(
            "{arg} must be a Buffer or Uint8Array, found {}",
            other.name()
        ))),
    }
}

/// A string, or bytes holding UTF-8 text (for PEM keys).
pub(crate) fn text_or_bytes(value: Unknown<'_>, arg: &str) -> Result<Vec<u8>, Failure> {
    match kind(&value)? {
        Kind::Bytes => Ok(Uint8Array::from_unknown(value)
            .map_err(|_| wrong_type(arg, "a Uint8Array"))?
            .to_vec()),
        Kind::String => Ok(String::from_unknown(value)
            .map_err(|_| wrong_type(arg, "a string"))?
            .into_bytes()),
        other => Err(Failure::argument(format!(
            "{arg} must be a string, Buffer or Uint8Array, found {}",
            other.name()
        ))),
    }
}

/// A string.
pub(crate) fn string(value: Unknown<'_>, arg: &str) -> Result<String, Failure> {
    match kind(&value)? {
        Kind::String => String::from_unknown(value).map_err(|_| wrong_type(arg, "a string")),
        other => Err(Failure::argument(format!(
            "{arg} must be a string, found {}",
            other.name()
        ))),
    }
}

/// A boolean.
pub(crate) fn boolean(value: Unknown<'_>, arg: &str) -> Result<bool, Failure> {
    match value.get_type().map_err(napi_failure)? {
        ValueType::Boolean => bool::from_unknown(value).map_err(|_| wrong_type(arg, "a boolean")),
        t => Err(Failure::argument(format!(
            "{arg} must be a boolean, found {}",
            type_name(t)
        ))),
    }
}

/// An array of strings.
pub(crate) fn strings(value: Unknown<'_>, arg: &str) -> Result<Vec<String>, Failure> {
    if !value.is_array().map_err(napi_failure)? {
        return Err(Failure::argument(format!(
            "{arg} must be an array of strings"
        )));
    }
    let array = Object::from_unknown(value).map_err(napi_failure)?;
    let len = array.get_array_length().map_err(napi_failure)?;
    (0..len)
        .map(|i| {
            let v: Unknown<'_> = array.get_element(i).map_err(napi_failure)?;
            string(v, &format!("{arg}[{i}]"))
        })
        .collect()
}

/// A plain options object (`undefined` and `null` read as absent).
pub(crate) fn object<'env>(
    value: Option<Unknown<'env>>,
    arg: &str,
) -> Result<Option<Object<'env>>, Failure> {
    let Some(value) = value else { return Ok(None) };
    match value.get_type().map_err(napi_failure)? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        ValueType::Object => Object::from_unknown(value)
            .map(Some)
            .map_err(|_| wrong_type(arg, "an object")),
        t => Err(Failure::argument(format!(
            "{arg} must be an object, found {}",
            type_name(t)
        ))),
    }
}

/// A property of an options object; `undefined` and `null` read as absent.
pub(crate) fn field<'env>(
    obj: &Object<'env>,
    name: &str,
) -> Result<Option<Unknown<'env>>, Failure> {
    let v: Unknown<'env> = obj.get_named_property(name).map_err(napi_failure)?;
    match v.get_type().map_err(napi_failure)? {
        ValueType::Undefined | ValueType::Null => Ok(None),
        _ => Ok(Some(v)),
    }
}

/// An integer option (thresholds, job counts) from `min` to `max`, checked exactly: a
/// fractional, out-of-range or non-numeric value is refused rather than rounded into a weaker
/// setting.
pub(crate) fn count(value: Unknown<'_>, arg: &str, min: u32, max: u32) -> Result<usize, Failure> {
    if value.get_type().map_err(napi_failure)? != ValueType::Number {
        return Err(Failure::argument(format!(
            "{arg} must be an integer from {min} to {max}, found {}",
            type_name(value.get_type().map_err(napi_failure)?)
        )));
    }
    let n = f64::from_unknown(value).map_err(|_| wrong_type(arg, "a number"))?;
    if n.fract() != 0.0 || n < f64::from(min) || n > f64::from(max) {
        return Err(Failure::argument(format!(
            "{arg} must be an integer from {min} to {max}, found {n}"
        )));
    }
    // Exact: checked above to be an integer within u32's range.
    Ok(n as usize)
}

/// `JSON.stringify(value)`; an error it throws (a cycle, a BigInt) becomes the core's
/// `invalid-json` for that document.
fn stringify(env: &Env, value: Unknown<'_>, what: &'static str) -> Result<Vec<u8>, Failure> {
    let invalid = |detail: String| Failure::Verify(sigverify::Error::InvalidJson { what, detail });
    let json: Object<'_> = env
        .get_global()
        .and_then(|g| g.get_named_property("JSON"))
        .map_err(napi_failure)?;
    let stringify: Function<'_, Unknown<'_>, Unknown<'_>> =
        json.get_named_property("stringify").map_err(napi_failure)?;
    // `call` (unlike `apply`) clears the exception that JSON.stringify threw, so that it can be
    // reported as the core's error instead.
    let out = stringify
        .call(value)
        .map_err(|e| invalid(format!("JSON.stringify failed: {}", e.reason)))?;
    match out.get_type().map_err(napi_failure)? {
        ValueType::String => Ok(String::from_unknown(out)
            .map_err(napi_failure)?
            .into_bytes()),
        _ => Err(invalid("the value has no JSON form".into())),
    }
}

enum Kind {
    Bytes,
    String,
    Object,
    Other(&'static str),
}

impl Kind {
    fn name(&self) -> &'static str {
        match self {
            Kind::Bytes => "a Uint8Array",
            Kind::String => "a string",
            Kind::Object => "an object",
            Kind::Other(t) => t,
        }
    }
}

fn kind(value: &Unknown<'_>) -> Result<Kind, Failure> {
    Ok(match value.get_type().map_err(napi_failure)? {
        ValueType::String => Kind::String,
        ValueType::Object if value.is_typedarray().map_err(napi_failure)? => {
            // Only a Uint8Array (or a Buffer) is bytes; another typed array is an error below.
            Kind::Bytes
        }
        ValueType::Object => Kind::Object,
        t => Kind::Other(type_name(t)),
    })
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    }
}

fn wrong_type(arg: &str, expected: &str) -> Failure {
    Failure::argument(format!("{arg} must be {expected}"))
}

/// A failure of N-API itself (not of the caller's data).
pub(crate) fn napi_failure(e: napi::Error) -> Failure {
    Failure::Internal(format!("N-API: {}", e.reason))
}
