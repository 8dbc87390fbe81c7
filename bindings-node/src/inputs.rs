//! JavaScript values to Rust data, with an `invalid-argument` error that names the argument when
//! its type is wrong. Nothing here decides whether a value is acceptable: which arguments are
//! required or exclude each other is the host's (`validate()`), what a document or a digest
//! means is the core's.

use napi::bindgen_prelude::{FromNapiValue, Function, JsObjectValue, Object, Uint8Array, Unknown};
use napi::{Env, JsValue, ValueType};
use sigverify_host::{Data, Failure};

/// JSON given as bytes (`Buffer`, `Uint8Array`), a string, or an already parsed value (which is
/// serialized with `JSON.stringify`; an array too, then refused by the core). `what` names the
/// document for the core's error messages.
pub(crate) fn json(
    env: &Env,
    v: Unknown<'_>,
    what: &'static str,
    arg: &str,
) -> Result<Vec<u8>, Failure> {
    match describe(&v)? {
        "an object" => stringify(env, v, what),
        "a string" | "a Uint8Array" => text_or_bytes(v, arg),
        t => Err(wrong(
            arg,
            "a Buffer, Uint8Array, string or parsed JSON object",
            t,
        )),
    }
}

/// A JSON document ([`json`]) as the host takes it.
pub(crate) fn document(
    env: &Env,
    v: Unknown<'_>,
    what: &'static str,
    arg: &str,
) -> Result<Data<'static>, Failure> {
    json(env, v, what, arg).map(Data::owned)
}

/// Bytes (`Buffer` or `Uint8Array`), copied: reading the other arguments can run JavaScript
/// (getters, `toJSON`) that could detach or change the buffer.
pub(crate) fn bytes(v: Unknown<'_>, arg: &str) -> Result<Vec<u8>, Failure> {
    let expected = "a Buffer or Uint8Array";
    match describe(&v)? {
        "a Uint8Array" => Uint8Array::from_unknown(v)
            .map(|b| b.to_vec())
            .map_err(|_| wrong(arg, expected, "another typed array")),
        t => Err(wrong(arg, expected, t)),
    }
}

/// A string, or bytes holding UTF-8 text (PEM keys, TUF state).
pub(crate) fn text_or_bytes(v: Unknown<'_>, arg: &str) -> Result<Vec<u8>, Failure> {
    match describe(&v)? {
        "a Uint8Array" => bytes(v, arg),
        "a string" => string(v, arg).map(String::into_bytes),
        t => Err(wrong(arg, "a string, Buffer or Uint8Array", t)),
    }
}

/// A string.
pub(crate) fn string(v: Unknown<'_>, arg: &str) -> Result<String, Failure> {
    match describe(&v)? {
        "a string" => String::from_unknown(v).map_err(napi_failure),
        t => Err(wrong(arg, "a string", t)),
    }
}

/// A boolean.
pub(crate) fn boolean(v: Unknown<'_>, arg: &str) -> Result<bool, Failure> {
    match describe(&v)? {
        "a boolean" => bool::from_unknown(v).map_err(napi_failure),
        t => Err(wrong(arg, "a boolean", t)),
    }
}

/// An array of strings.
pub(crate) fn strings(v: Unknown<'_>, arg: &str) -> Result<Vec<String>, Failure> {
    let items = elements(v, arg)?.into_iter().enumerate();
    items
        .map(|(i, v)| string(v, &format!("{arg}[{i}]")))
        .collect()
}

/// The elements of an array.
pub(crate) fn elements<'env>(v: Unknown<'env>, arg: &str) -> Result<Vec<Unknown<'env>>, Failure> {
    if !v.is_array().map_err(napi_failure)? {
        return Err(wrong(arg, "an array", describe(&v)?));
    }
    let array = Object::from_unknown(v).map_err(napi_failure)?;
    let len = array.get_array_length().map_err(napi_failure)?;
    (0..len)
        .map(|i| array.get_element(i).map_err(napi_failure))
        .collect()
}

/// An integer, exactly: a fractional, non-finite or non-numeric value is refused rather than
/// rounded into another setting (the range is the host's or the core's to check).
pub(crate) fn integer(v: Unknown<'_>, arg: &str) -> Result<i64, Failure> {
    const EXACT: f64 = 9_007_199_254_740_991.0; // Number.MAX_SAFE_INTEGER
    let n = match describe(&v)? {
        "a number" => f64::from_unknown(v).map_err(napi_failure)?,
        t => return Err(wrong(arg, "an integer", t)),
    };
    if n.fract() != 0.0 || !(-EXACT..=EXACT).contains(&n) {
        return Err(wrong(arg, "an integer", &n.to_string()));
    }
    Ok(n as i64) // exact: an integer within ±2^53
}

/// A count (a threshold): a non-negative [`integer`].
pub(crate) fn count(v: Unknown<'_>, arg: &str) -> Result<usize, Failure> {
    let n = integer(v, arg)?;
    usize::try_from(n).map_err(|_| wrong(arg, "a non-negative integer", &n.to_string()))
}

/// An options object, read field by field with errors that name the field
/// (`options.digest must be a string`). `undefined` and `null` read as absent.
pub(crate) struct Fields<'env> {
    obj: Object<'env>,
    arg: String,
}

/// An optional options object (absent when not given, `undefined` or `null`).
pub(crate) fn object<'env>(
    v: Option<Unknown<'env>>,
    arg: &str,
) -> Result<Option<Fields<'env>>, Failure> {
    let Some(v) = v else { return Ok(None) };
    match describe(&v)? {
        "undefined" | "null" => Ok(None),
        "an object" => Object::from_unknown(v)
            .map(|obj| {
                Some(Fields {
                    obj,
                    arg: arg.to_owned(),
                })
            })
            .map_err(napi_failure),
        t => Err(wrong(arg, "an object", t)),
    }
}

/// The options object of a call, which is required: `shape` says what it holds.
pub(crate) fn options<'env>(
    v: Option<Unknown<'env>>,
    shape: &str,
) -> Result<Fields<'env>, Failure> {
    object(v, "options")?.ok_or_else(|| Failure::argument(format!("options is required: {shape}")))
}

impl<'env> Fields<'env> {
    /// The field `name`.
    pub(crate) fn get(&self, name: &str) -> Result<Option<Unknown<'env>>, Failure> {
        let v: Unknown<'env> = self.obj.get_named_property(name).map_err(napi_failure)?;
        let absent = matches!(
            v.get_type().map_err(napi_failure)?,
            ValueType::Undefined | ValueType::Null
        );
        Ok((!absent).then_some(v))
    }

    /// The field `name` converted by `f`, which is given the field's full name for its errors.
    pub(crate) fn read<T>(
        &self,
        name: &str,
        f: impl FnOnce(Unknown<'env>, &str) -> Result<T, Failure>,
    ) -> Result<Option<T>, Failure> {
        let arg = format!("{}.{name}", self.arg);
        self.get(name)?.map(|v| f(v, &arg)).transpose()
    }

    /// A string field.
    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, Failure> {
        self.read(name, string)
    }

    /// A bytes field, as the host takes it.
    pub(crate) fn data(&self, name: &str) -> Result<Option<Data<'static>>, Failure> {
        self.read(name, |v, arg| bytes(v, arg).map(Data::owned))
    }

    /// A boolean field; absent is `false`.
    pub(crate) fn flag(&self, name: &str) -> Result<bool, Failure> {
        Ok(self.read(name, boolean)?.unwrap_or(false))
    }

    /// The object's own property names.
    pub(crate) fn keys(&self) -> Result<Vec<String>, Failure> {
        Object::keys(&self.obj).map_err(napi_failure)
    }
}

/// `JSON.stringify(value)`; an error it throws (a cycle, a BigInt) becomes the core's
/// `invalid-json` for that document.
fn stringify(env: &Env, v: Unknown<'_>, what: &'static str) -> Result<Vec<u8>, Failure> {
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
        .call(v)
        .map_err(|e| invalid(format!("JSON.stringify failed: {}", e.reason)))?;
    match describe(&out)? {
        "a string" => string(out, what).map(String::into_bytes),
        _ => Err(invalid("the value has no JSON form".into())),
    }
}

/// What a value is, for conversions and error messages.
fn describe(v: &Unknown<'_>) -> Result<&'static str, Failure> {
    Ok(match v.get_type().map_err(napi_failure)? {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "a boolean",
        ValueType::Number => "a number",
        ValueType::String => "a string",
        ValueType::Symbol => "a symbol",
        // Only a Uint8Array (or a Buffer) is bytes; another typed array fails to convert.
        ValueType::Object if v.is_typedarray().map_err(napi_failure)? => "a Uint8Array",
        ValueType::Object => "an object",
        ValueType::Function => "a function",
        ValueType::External => "an external",
        ValueType::BigInt => "a bigint",
        _ => "an unknown value",
    })
}

fn wrong(arg: &str, expected: &str, found: &str) -> Failure {
    Failure::argument(format!("{arg} must be {expected}, found {found}"))
}

/// A failure of N-API itself (not of the caller's data).
pub(crate) fn napi_failure(e: napi::Error) -> Failure {
    Failure::Internal(format!("N-API: {}", e.reason))
}
