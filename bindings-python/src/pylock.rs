//! `sigverify.pylock`: PEP 751 locks, the host's lock request
//! (`sigverify_host::ecosystems::pylock`) with Python arguments.
//!
//! `pylock_verify` (an installer: the publishers of the locked files present against the lock's
//! `attestation-identities`) and `pylock_record` (a lock tool: the publishers found recorded
//! for packages that record none) live in `sigverify._native`; `sigverify/pylock.py` re-exports
//! them as `verify` and `record`. Arguments are converted, and the request validated, while the
//! GIL is held; the lock is read, the files hashed, the provenance verified (and, for
//! `record`, the lock written in place with the host's `write_in_place`) with the GIL released,
//! behind the panic boundary. Every verdict is the host's and the core's.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use sigverify::ecosystems::continuity::{Identity, Verdict};
use sigverify_host::ecosystems::pylock::{self, Outcome, Request};
use sigverify_host::Instance;

use crate::errors::{guard, opt, Arg, Failure, IntoPyResult};
use crate::inputs::{self, given, Source};
use crate::model::path;
use crate::verifier::{now, Verifier};

/// One locked file that was present in the distribution folder.
#[pyclass(frozen, module = "sigverify.pylock", name = "FileReport")]
pub(crate) struct FileReport {
    inner: pylock::FileReport,
}

fn identity<'py>(py: Python<'py>, i: &Identity) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", i.kind())?;
    for (k, v) in i.fields() {
        d.set_item(k, v)?;
    }
    Ok(d)
}

#[pymethods]
impl FileReport {
    #[getter]
    fn file(&self) -> &str {
        &self.inner.file_name
    }

    #[getter]
    fn publishers<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyList>>> {
        match &self.inner.check {
            Ok(c) => match &c.publishers {
                Some(ps) => {
                    let list = PyList::empty(py);
                    for p in ps {
                        list.append(identity(py, p)?)?;
                    }
                    Ok(Some(list))
                }
                None => Ok(None),
            },
            Err(_) => Ok(None),
        }
    }

    #[getter]
    fn error_code(&self) -> Option<&'static str> {
        self.inner.check.as_ref().err().map(sigverify::Error::code)
    }

    #[getter]
    fn error_message(&self) -> Option<String> {
        self.inner.check.as_ref().err().map(ToString::to_string)
    }

    fn __repr__(&self) -> String {
        match &self.inner.check {
            Ok(c) => format!(
                "<pylock.FileReport {:?} provenance={}>",
                self.inner.file_name,
                if c.publishers.is_some() {
                    "True"
                } else {
                    "False"
                }
            ),
            Err(e) => format!(
                "<pylock.FileReport {:?} error_code={:?}>",
                self.inner.file_name,
                e.code()
            ),
        }
    }
}

/// One `[[packages]]` entry of the lock and its outcome.
#[pyclass(frozen, module = "sigverify.pylock", name = "PackageReport")]
pub(crate) struct PackageReport {
    inner: pylock::PackageReport,
    files: Vec<Py<FileReport>>,
}

#[pymethods]
impl PackageReport {
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.version.as_deref()
    }

    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.code()
    }

    #[getter]
    fn failure(&self) -> bool {
        self.inner.is_failure()
    }

    #[getter]
    fn detail(&self) -> String {
        self.inner.describe()
    }

    #[getter]
    fn changed_fields(&self) -> Vec<String> {
        match &self.inner.outcome {
            Outcome::Verdict(Verdict::PublisherChanged { fields, .. }) => fields.clone(),
            _ => Vec::new(),
        }
    }

    #[getter]
    fn files(&self, py: Python<'_>) -> Vec<Py<FileReport>> {
        self.files.iter().map(|f| f.clone_ref(py)).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<pylock.PackageReport {:?} version={:?} verdict={:?}>",
            self.inner.name,
            self.inner.version,
            self.inner.code()
        )
    }
}

/// Every package of a lock; for `record`, the new lock text.
#[pyclass(frozen, module = "sigverify.pylock", name = "LockReport")]
pub(crate) struct LockReport {
    lock_version: String,
    unknown_keys: Vec<String>,
    ok: bool,
    packages: Vec<Py<PackageReport>>,
    text: Option<String>,
}

impl LockReport {
    fn new(py: Python<'_>, report: pylock::Report, text: Option<String>) -> PyResult<LockReport> {
        let ok = !report.is_failure();
        let mut packages = Vec::with_capacity(report.packages.len());
        for p in report.packages {
            let files = p
                .files
                .iter()
                .map(|f| Py::new(py, FileReport { inner: f.clone() }))
                .collect::<PyResult<Vec<_>>>()?;
            packages.push(Py::new(py, PackageReport { inner: p, files })?);
        }
        Ok(LockReport {
            lock_version: report.lock.lock_version,
            unknown_keys: report.lock.unknown_keys,
            ok,
            packages,
            text,
        })
    }
}

#[pymethods]
impl LockReport {
    #[getter]
    fn ok(&self) -> bool {
        self.ok
    }

    #[getter]
    fn packages(&self, py: Python<'_>) -> Vec<Py<PackageReport>> {
        self.packages.iter().map(|p| p.clone_ref(py)).collect()
    }

    #[getter]
    fn unknown_keys(&self) -> Vec<String> {
        self.unknown_keys.clone()
    }

    #[getter]
    fn lock_version(&self) -> &str {
        &self.lock_version
    }

    #[getter]
    fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "<pylock.LockReport ok={} packages={} recorded={}>",
            if self.ok { "True" } else { "False" },
            self.packages.len(),
            if self.text.is_some() { "True" } else { "False" }
        )
    }
}

/// The lock: `os.PathLike` (a file) or bytes-like (its text); a `str` is refused as ambiguous.
fn lock<'py>(obj: &Bound<'py, PyAny>) -> Result<Source<'py>, Failure> {
    if obj.is_instance_of::<PyString>() {
        return Err(Failure::argument(
            "lock: a str is ambiguous; pass pathlib.Path(\"pylock.toml\") or the lock's bytes",
        ));
    }
    inputs::artifact_data(Some(obj), "lock")?
        .ok_or_else(|| Failure::argument("lock: expected os.PathLike or bytes, found None"))
}

fn request<'a>(
    lock: &'a Source<'_>,
    dist_dir: Option<&Bound<'_, PyAny>>,
    provenance_dir: Option<&Bound<'_, PyAny>>,
    verifier: Option<&PyRef<'_, Verifier>>,
) -> Result<pylock::Job<'a>, Failure> {
    let dist_dir = given(dist_dir).map(|d| path(d, "dist_dir")).transpose()?;
    let provenance_dir = given(provenance_dir)
        .map(|d| path(d, "provenance_dir"))
        .transpose()?;
    let verifier = match verifier {
        Some(v) => Arc::clone(&v.inner),
        None => Instance::PublicGood.verifier()?,
    };
    Request {
        verifier,
        lock: lock.data(),
        dist_dir,
        provenance_dir,
    }
    .validate()
}

/// The installer's check of a PEP 751 lock.
#[pyfunction]
#[pyo3(signature = (lock, *, dist_dir=None, provenance_dir=None, verifier=None))]
pub(crate) fn pylock_verify(
    py: Python<'_>,
    lock: &Bound<'_, PyAny>,
    dist_dir: Option<&Bound<'_, PyAny>>,
    provenance_dir: Option<&Bound<'_, PyAny>>,
    verifier: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<LockReport> {
    let verifier = opt(verifier);
    let source = self::lock(lock).or_raise(py)?;
    let job = request(&source, dist_dir, provenance_dir, verifier.as_ref()).or_raise(py)?;
    let now = now();
    let report = py.detach(|| guard(|| job.verify(now))).or_raise(py)?;
    LockReport::new(py, report, None)
}

/// The lock tool's step: records the publishers found; a lock given as a path is written in
/// place when there is new text (never when a package failed: the host returns no text then).
#[pyfunction]
#[pyo3(signature = (lock, *, dist_dir=None, provenance_dir=None, verifier=None))]
pub(crate) fn pylock_record(
    py: Python<'_>,
    lock: &Bound<'_, PyAny>,
    dist_dir: Option<&Bound<'_, PyAny>>,
    provenance_dir: Option<&Bound<'_, PyAny>>,
    verifier: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<LockReport> {
    let verifier = opt(verifier);
    let source = self::lock(lock).or_raise(py)?;
    let job = request(&source, dist_dir, provenance_dir, verifier.as_ref()).or_raise(py)?;
    let target: Option<PathBuf> = match &source {
        Source::Path(p) => Some(p.clone()),
        _ => None,
    };
    let now = now();
    let (report, text) = py
        .detach(|| {
            guard(|| {
                let (report, text) = job.record(now)?;
                if let (Some(p), Some(t)) = (&target, &text) {
                    pylock::write_in_place(p, t)?;
                }
                Ok((report, text))
            })
        })
        .or_raise(py)?;
    LockReport::new(py, report, text)
}

/// Registers the functions and classes in `sigverify._native` under prefixed names.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("pylock_verify", wrap_pyfunction!(pylock_verify, m)?)?;
    m.add("pylock_record", wrap_pyfunction!(pylock_record, m)?)?;
    m.add("LockReport", m.py().get_type::<LockReport>())?;
    m.add("PackageReport", m.py().get_type::<PackageReport>())?;
    m.add("FileReport", m.py().get_type::<FileReport>())?;
    Ok(())
}
