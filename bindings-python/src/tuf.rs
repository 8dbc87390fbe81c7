//! `sigverify.tuf`: offline trust-root updates over `sigverify::tuf` (docs/tuf.md).
//!
//! The repository's files come from two folders (`os.PathLike`: the layout of a TUF mirror, with
//! `metadata/root_history/N.root.json` also searched) or two mappings of file name → bytes. The
//! arguments are checked and copied while the GIL is held; folders are read, and everything is
//! verified, after it is released, behind the panic boundary.

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyMapping, PyTuple};

use sigverify_host::tuf::{self, Files};

use crate::convert;
use crate::errors::{argument_caused, guard, opt_str, Arg, Failure, IntoPyResult};
use crate::inputs::{self, given};
use crate::root::TrustedRoot;

/// Where the files of one kind (metadata or targets) come from: a folder or a mapping.
fn files(obj: &Bound<'_, PyAny>, what: &str) -> Result<Files, Failure> {
    if let Some(p) = inputs::path_like(obj, what)? {
        return Ok(Files::Folder(p));
    }
    let mapping = obj.cast::<PyMapping>().map_err(|_| {
        Failure::argument(format!(
            "{what}: expected a folder (os.PathLike) or a mapping of file name to bytes, found {}",
            inputs::type_name(obj)
        ))
    })?;
    let items = mapping
        .items()
        .map_err(|e| argument_caused(format!("{what}: cannot read the mapping"), e))?;
    let mut files = HashMap::new();
    for item in items.iter() {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .extract()
            .map_err(|e| argument_caused(format!("{what}: cannot read an item"), e))?;
        let name: String = key.extract().map_err(|e| {
            argument_caused(
                format!(
                    "{what}: keys must be str, found {}",
                    inputs::type_name(&key)
                ),
                e,
            )
        })?;
        files.insert(name, inputs::document(&value, what)?);
    }
    Ok(Files::Map(files))
}

/// Unix seconds of a timezone-aware `datetime` (floored); naive ones are refused.
fn unix_seconds(dt: &Bound<'_, PyAny>) -> Result<i64, Failure> {
    let py = dt.py();
    let bad = |e: PyErr| argument_caused("now: expected a timezone-aware datetime", e);
    let module = py.import("datetime").map_err(bad)?;
    let class = module.getattr("datetime").map_err(bad)?;
    if !dt.is_instance(&class).map_err(bad)? {
        return Err(Failure::argument(format!(
            "now: expected a timezone-aware datetime, found {}",
            inputs::type_name(dt)
        )));
    }
    if dt.call_method0("utcoffset").map_err(bad)?.is_none() {
        return Err(Failure::argument(
            "now: the datetime is naive (no tzinfo): give a timezone-aware one, e.g. in datetime.timezone.utc",
        ));
    }
    let utc = module
        .getattr("timezone")
        .and_then(|t| t.getattr("utc"))
        .map_err(bad)?;
    let epoch = class.call1((1970, 1, 1, 0, 0, 0, 0, utc)).map_err(bad)?;
    let second = module
        .getattr("timedelta")
        .and_then(|t| t.call1((0, 1)))
        .map_err(bad)?;
    dt.sub(epoch)
        .and_then(|d| d.floor_div(second))
        .and_then(|s| s.extract::<i64>())
        .map_err(bad)
}

/// The outcome of a successful :func:`sigverify.tuf.update`.
#[pyclass(frozen, module = "sigverify.tuf", name = "TufUpdate")]
pub(crate) struct TufUpdate {
    trusted_root: Py<TrustedRoot>,
    trusted_root_json: Vec<u8>,
    npm_keys_json: Option<Vec<u8>>,
    root_json: Vec<u8>,
    state: Vec<u8>,
    root_version: u64,
    expired: Vec<sigverify::tuf::ExpiredMetadata>,
}

#[pymethods]
impl TufUpdate {
    #[getter]
    fn trusted_root(&self, py: Python<'_>) -> Py<TrustedRoot> {
        self.trusted_root.clone_ref(py)
    }

    #[getter]
    fn trusted_root_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.trusted_root_json)
    }

    #[getter]
    fn npm_keys_json<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.npm_keys_json.as_deref().map(|b| PyBytes::new(py, b))
    }

    #[getter]
    fn root_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.root_json)
    }

    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.state)
    }

    #[getter]
    fn root_version(&self) -> u64 {
        self.root_version
    }

    #[getter]
    fn expired<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for e in &self.expired {
            let item = PyTuple::new(
                py,
                [
                    e.role.as_str().into_pyobject(py)?.into_any(),
                    e.version.into_pyobject(py)?.into_any(),
                    convert::datetime(py, e.expires)?,
                    e.age_seconds.into_pyobject(py)?.into_any(),
                ],
            )?;
            list.append(item)?;
        }
        Ok(list)
    }

    #[getter]
    fn expired_for_seconds(&self) -> Option<i64> {
        self.expired.iter().map(|e| e.age_seconds).max()
    }

    fn __repr__(&self) -> String {
        format!(
            "<TufUpdate root_version={} expired={}>",
            self.root_version,
            self.expired.len()
        )
    }
}

/// `sigverify.tuf.update`.
#[pyfunction]
#[pyo3(name = "update", signature = (*, metadata, targets, root=None, instance=None, state=None, now=None, accept_expired_metadata_unsafe=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn tuf_update(
    py: Python<'_>,
    metadata: &Bound<'_, PyAny>,
    targets: &Bound<'_, PyAny>,
    root: Option<&Bound<'_, PyAny>>,
    instance: Option<Arg<String>>,
    state: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    accept_expired_metadata_unsafe: bool,
) -> PyResult<TufUpdate> {
    let instance = opt_str(&instance);
    let job = (|| {
        tuf::Request {
            metadata: files(metadata, "metadata")?,
            targets: files(targets, "targets")?,
            root: given(root)
                .map(|r| inputs::document(r, "root"))
                .transpose()?,
            instance: instance.map(str::to_owned),
            state: given(state)
                .map(|s| inputs::document(s, "state"))
                .transpose()?,
            now: given(now).map(unix_seconds).transpose()?,
            accept_expired_metadata_unsafe,
        }
        .validate()
    })()
    .or_raise(py)?;
    let update = py.detach(|| guard(|| job.run())).or_raise(py)?;
    let trusted_root = Py::new(
        py,
        TrustedRoot {
            inner: update.trusted_root,
            name: None,
        },
    )?;
    Ok(TufUpdate {
        trusted_root,
        trusted_root_json: update.trusted_root_json,
        npm_keys_json: update.npm_keys_json,
        root_json: update.root_json,
        state: update.state.to_json(),
        root_version: update.state.root_version,
        expired: update.expired,
    })
}

/// Registers `tuf_update` and `TufUpdate` in `sigverify._native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("tuf_update", wrap_pyfunction!(tuf_update, m)?)?;
    m.add("TufUpdate", m.py().get_type::<TufUpdate>())?;
    Ok(())
}
