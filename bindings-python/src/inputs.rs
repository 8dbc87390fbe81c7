//! Python arguments converted to the host layer's types (`sigverify_host::Data`, strings,
//! policies) while the GIL is held; they are read and verified after it is released.
//!
//! `bytes` are borrowed without a copy (they are immutable, and the caller's reference keeps them
//! alive for the whole call); `bytearray` and `memoryview` are copied, since another thread could
//! change them while the GIL is released. Paths are opened only once the GIL is released.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString, PyTuple};

use sigverify_host::Data;

use crate::errors::{argument_caused, Failure};
use crate::policy::Policy;

/// Bytes given by the caller, or a file to read.
pub(crate) enum Source<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
    Path(PathBuf),
}

impl Source<'_> {
    /// The host layer's view of the source (`Send`, for use without the GIL).
    pub(crate) fn data(&self) -> Data<'_> {
        match self {
            Source::Bytes(b) => Data::slice(b.as_bytes()),
            Source::Owned(v) => Data::slice(v),
            Source::Path(p) => Data::Path(p.clone()),
        }
    }
}

/// `bytes`, `bytearray` or `memoryview`; `None` for anything else.
fn bytes_like<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Result<Option<Source<'py>>, Failure> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(Source::Bytes(b.clone())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(Source::Owned(b.to_vec())));
    }
    if obj.cast::<PyMemoryView>().is_ok() {
        let copy = obj
            .call_method0("tobytes")
            .and_then(|b| b.cast_into::<PyBytes>().map_err(PyErr::from))
            .map_err(|e| argument_caused(format!("{what}: cannot read the memoryview"), e))?;
        return Ok(Some(Source::Bytes(copy)));
    }
    Ok(None)
}

/// An `os.PathLike` (not `str`, which means something else for each argument); `None` otherwise.
pub(crate) fn path_like(obj: &Bound<'_, PyAny>, what: &str) -> Result<Option<PathBuf>, Failure> {
    if obj.is_instance_of::<PyString>() || !obj.hasattr("__fspath__").unwrap_or(false) {
        return Ok(None);
    }
    obj.extract::<PathBuf>()
        .map(Some)
        .map_err(|e| argument_caused(format!("{what}: os.fspath() failed"), e))
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// `None` when the argument is absent or Python's `None`.
pub(crate) fn given<'a, 'py>(obj: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none())
}

/// A JSON document named `what` (a bundle, an attestation, a registry response): JSON text as
/// `str`, JSON as `bytes`/`bytearray`/`memoryview`, or an `os.PathLike`.
pub(crate) fn json_input<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Result<Source<'py>, Failure> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s
            .to_cow()
            .map_err(|e| argument_caused(format!("{what}: the str is not valid Unicode"), e))?;
        let trimmed = text.trim_start();
        // A str is JSON text. One that names an existing file is almost certainly a mistake;
        // say so rather than report "invalid JSON".
        if !trimmed.starts_with('{')
            && !trimmed.is_empty()
            && trimmed.len() < 4096
            && Path::new(trimmed).is_file()
        {
            return Err(Failure::argument(format!(
                "{what}: a str {what} is JSON text, but {trimmed:?} names a file; pass pathlib.Path({trimmed:?}) to read it"
            )));
        }
        return Ok(Source::Owned(text.into_owned().into_bytes()));
    }
    if let Some(b) = bytes_like(obj, what)? {
        return Ok(b);
    }
    if let Some(p) = path_like(obj, what)? {
        return Ok(Source::Path(p));
    }
    Err(Failure::argument(format!(
        "{what}: expected bytes, str (JSON text) or os.PathLike, found {}",
        type_name(obj)
    )))
}

/// An artifact's data: bytes-like or `os.PathLike`, never a `str`; `None` when not given.
pub(crate) fn artifact_data<'py>(
    a: Option<&Bound<'py, PyAny>>,
    what: &str,
) -> Result<Option<Source<'py>>, Failure> {
    let Some(a) = given(a) else { return Ok(None) };
    if a.is_instance_of::<PyString>() {
        return Err(Failure::argument(format!(
            "{what}: a str is ambiguous; pass the bytes, a pathlib.Path, or digest=\"sha256:HEX\""
        )));
    }
    if let Some(b) = bytes_like(a, what)? {
        return Ok(Some(b));
    }
    if let Some(p) = path_like(a, what)? {
        return Ok(Some(Source::Path(p)));
    }
    Err(Failure::argument(format!(
        "{what}: expected bytes or os.PathLike, found {}",
        type_name(a)
    )))
}

/// A `str` argument such as `digest="sha256:HEX"`; `None` when not given.
pub(crate) fn string(
    obj: Option<&Bound<'_, PyAny>>,
    what: &str,
    example: &str,
) -> Result<Option<String>, Failure> {
    let Some(obj) = given(obj) else {
        return Ok(None);
    };
    let Ok(s) = obj.cast::<PyString>() else {
        return Err(Failure::argument(format!(
            "{what}: expected a str such as {example:?}, found {}",
            type_name(obj)
        )));
    };
    s.to_cow()
        .map(|t| Some(t.into_owned()))
        .map_err(|e| argument_caused(format!("{what}: the str is not valid Unicode"), e))
}

/// A `sigverify.Policy`; `None` when not given.
pub(crate) fn policy(
    obj: Option<&Bound<'_, PyAny>>,
) -> Result<Option<Arc<sigverify::Policy>>, Failure> {
    let Some(obj) = given(obj) else {
        return Ok(None);
    };
    obj.cast::<Policy>()
        .map(|p| Some(Arc::clone(&p.get().inner)))
        .map_err(|_| {
            Failure::argument(format!(
                "policy: expected a sigverify.Policy (Policy.identity(...), Policy.key(...), Policy.from_json(...)), found {}",
                type_name(obj)
            ))
        })
}

/// One verification's arguments, converted while the GIL is held.
pub(crate) struct Item<'py> {
    bundle: Source<'py>,
    artifact: Option<Source<'py>>,
    digest: Option<String>,
    policy: Option<Arc<sigverify::Policy>>,
}

impl<'py> Item<'py> {
    pub(crate) fn new(
        bundle: &Bound<'py, PyAny>,
        artifact: Option<&Bound<'py, PyAny>>,
        digest: Option<&Bound<'py, PyAny>>,
        policy_obj: Option<&Bound<'py, PyAny>>,
    ) -> Result<Item<'py>, Failure> {
        Ok(Item {
            policy: policy(policy_obj)?,
            bundle: json_input(bundle, "bundle")?,
            artifact: artifact_data(artifact, "artifact")?,
            digest: string(digest, "digest", "sha256:HEX")?,
        })
    }

    /// The host's verification request (checked by its `validate()`).
    pub(crate) fn request(&self) -> sigverify_host::batch::Request<'_> {
        sigverify_host::batch::Request {
            bundle: self.bundle.data(),
            artifact: self.artifact.as_ref().map(Source::data),
            digest: self.digest.clone(),
            policy: self.policy.clone(),
        }
    }

    /// One item of `verify_many`: `(bundle, artifact)`, `(bundle, artifact, policy)`, or a dict
    /// with the keyword names of `verify` (`bundle`, `artifact` or `digest`, `policy`).
    pub(crate) fn from_item(
        item: &Bound<'py, PyAny>,
        default_policy: Option<&Bound<'py, PyAny>>,
    ) -> Result<Item<'py>, Failure> {
        let no_item = |e| argument_caused("item: cannot read the tuple", e);
        if let Ok(t) = item.cast::<PyTuple>() {
            let get = |i: usize| t.get_item(i).ok();
            return match t.len() {
                2 | 3 => {
                    let p = get(2);
                    let p = given(p.as_ref()).or(default_policy);
                    Item::new(&t.get_item(0).map_err(no_item)?, get(1).as_ref(), None, p)
                }
                n => Err(Failure::argument(format!(
                    "item: a tuple must be (bundle, artifact) or (bundle, artifact, policy), found {n} elements"
                ))),
            };
        }
        if let Ok(d) = item.cast::<PyDict>() {
            for key in d.keys() {
                let known = key.extract::<String>().is_ok_and(|k| {
                    ["bundle", "artifact", "digest", "policy"].contains(&k.as_str())
                });
                if !known {
                    return Err(Failure::argument(format!(
                        "item: unknown key {} (bundle, artifact, digest, policy)",
                        key.repr().map(|r| r.to_string()).unwrap_or_default()
                    )));
                }
            }
            let get = |k: &str| d.get_item(k).ok().flatten();
            let Some(bundle) = get("bundle") else {
                return Err(Failure::argument("item: the dict has no \"bundle\""));
            };
            let p = get("policy");
            let p = given(p.as_ref()).or(default_policy);
            return Item::new(&bundle, get("artifact").as_ref(), get("digest").as_ref(), p);
        }
        Err(Failure::argument(format!(
            "item: expected a tuple (bundle, artifact[, policy]) or a dict, found {}",
            type_name(item)
        )))
    }
}

/// A small document given as `bytes`, `bytearray`, `memoryview` or `str` (a trusted root, a policy,
/// a PEM key), copied.
pub(crate) fn document(obj: &Bound<'_, PyAny>, what: &str) -> Result<Vec<u8>, Failure> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|t| t.into_owned().into_bytes())
            .map_err(|e| argument_caused(format!("{what}: the str is not valid Unicode"), e));
    }
    match bytes_like(obj, what)? {
        Some(Source::Bytes(b)) => Ok(b.as_bytes().to_vec()),
        Some(Source::Owned(v)) => Ok(v),
        _ => Err(Failure::argument(format!(
            "{what}: expected bytes or str, found {}",
            type_name(obj)
        ))),
    }
}
