//! `sigverify.tuf`: offline trust-root updates over `sigverify::tuf` (docs/tuf.md).
//!
//! The repository's files come from two folders (`os.PathLike`: the layout of a TUF mirror, with
//! `metadata/root_history/N.root.json` also searched) or two mappings of file name → bytes. The
//! arguments are checked and copied while the GIL is held; folders are read, and everything is
//! verified, after it is released, behind the panic boundary.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyMapping, PyString, PyTuple};

use sigverify::tuf::{TufClient, TufState, UpdateOptions, PUBLIC_GOOD_ROOT, STAGING_ROOT};

use crate::convert;
use crate::errors::{guard, Failure, IntoPyResult};
use crate::inputs;
use crate::root::TrustedRoot;

/// The folder searched after the metadata folder itself (the layout of the Sigstore mirrors).
const ROOT_HISTORY: &str = "root_history";

/// Where the files of one kind (metadata or targets) come from.
enum Files {
    Folder(PathBuf),
    Map(HashMap<String, Vec<u8>>),
}

impl Files {
    fn from_arg(obj: &Bound<'_, PyAny>, what: &str) -> Result<Files, Failure> {
        if !obj.is_instance_of::<PyString>() && obj.hasattr("__fspath__").unwrap_or(false) {
            return obj
                .extract::<PathBuf>()
                .map(Files::Folder)
                .map_err(|e| Failure::argument_caused(format!("{what}: os.fspath() failed"), e));
        }
        let mapping = obj.cast::<PyMapping>().map_err(|_| {
            Failure::argument(format!(
                "{what}: expected a folder (os.PathLike) or a mapping of file name to bytes, found {}",
                inputs::type_name(obj)
            ))
        })?;
        let items = mapping
            .items()
            .map_err(|e| Failure::argument_caused(format!("{what}: cannot read the mapping"), e))?;
        let mut files = HashMap::new();
        for item in items.iter() {
            let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
                .extract()
                .map_err(|e| Failure::argument_caused(format!("{what}: cannot read an item"), e))?;
            let name: String = key.extract().map_err(|e| {
                Failure::argument_caused(
                    format!(
                        "{what}: keys must be str, found {}",
                        inputs::type_name(&key)
                    ),
                    e,
                )
            })?;
            let bytes = inputs::document(&value, what)?;
            files.insert(name, bytes);
        }
        Ok(Files::Map(files))
    }

    /// The file `name` (then `root_history/name` for metadata), `None` when there is none. An
    /// unreadable file (other than a missing one) is recorded in `error`.
    fn get(
        &self,
        name: &str,
        metadata: bool,
        what: &'static str,
        error: &RefCell<Option<Failure>>,
    ) -> Option<Vec<u8>> {
        // One path-safety rule for every face (`sigverify_host::tuf::is_safe_name`).
        if !sigverify_host::tuf::is_safe_name(name) {
            return None;
        }
        let history = format!("{ROOT_HISTORY}/{name}");
        let names: &[&str] = if metadata { &[name, &history] } else { &[name] };
        names.iter().find_map(|n| match self {
            Files::Map(m) => m.get(*n).cloned(),
            Files::Folder(dir) => match sigverify_host::tuf::read_mirror_file(dir, n) {
                Ok(bytes) => bytes,
                Err(e) => {
                    error.borrow_mut().get_or_insert(Failure::Io {
                        what,
                        path: dir.join(n),
                        error: e,
                    });
                    None
                }
            },
        })
    }
}

/// Unix seconds of a timezone-aware `datetime` (floored); naive ones are refused.
fn unix_seconds(dt: &Bound<'_, PyAny>) -> Result<i64, Failure> {
    let py = dt.py();
    let bad = |e: PyErr| Failure::argument_caused("now: expected a timezone-aware datetime", e);
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

fn given<'a, 'py>(obj: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none())
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
    instance: Option<&str>,
    state: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    accept_expired_metadata_unsafe: bool,
) -> PyResult<TufUpdate> {
    let (root, state, now) = (given(root), given(state), given(now));
    let (metadata, targets, root_json, state, now) = (|| -> Result<_, Failure> {
        let metadata = Files::from_arg(metadata, "metadata")?;
        let targets = Files::from_arg(targets, "targets")?;
        let root_json: Vec<u8> = match (root, instance) {
            (Some(_), Some(_)) => {
                return Err(Failure::argument("give root or instance, not both"));
            }
            (Some(r), None) => inputs::document(r, "root")?,
            (None, None | Some("public-good")) => PUBLIC_GOOD_ROOT.to_vec(),
            (None, Some("staging")) => STAGING_ROOT.to_vec(),
            (None, Some(other)) => {
                return Err(Failure::argument(format!(
                    "instance: expected \"public-good\" or \"staging\", found {other:?}"
                )));
            }
        };
        let state = state.map(|s| inputs::document(s, "state")).transpose()?;
        let now = match now {
            Some(t) => unix_seconds(t)?,
            None => crate::verifier::now(),
        };
        Ok((metadata, targets, root_json, state, now))
    })()
    .or_raise(py)?;
    let mut options = UpdateOptions::default();
    options.accept_expired_metadata_unsafe = accept_expired_metadata_unsafe;
    let update = py
        .detach(|| {
            guard(|| {
                let client =
                    TufClient::with_options(&root_json, options, sigverify::Backend::default())
                        .map_err(Failure::Load)?;
                let saved = state
                    .as_deref()
                    .map(TufState::from_json)
                    .transpose()
                    .map_err(Failure::Load)?;
                let error = RefCell::new(None);
                let outcome = client.update_from_files(
                    saved.as_ref(),
                    now,
                    &|n| metadata.get(n, true, "TUF metadata", &error),
                    &|n| targets.get(n, false, "TUF target", &error),
                );
                // An unreadable file fails the update, even one whose absence the core tolerates
                // (a newer root): never a silent downgrade.
                if let Some(e) = error.into_inner() {
                    return Err(e);
                }
                outcome.map_err(Failure::Verify)
            })
        })
        .or_raise(py)?;
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
