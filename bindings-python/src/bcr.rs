//! `sigverify.bcr`: Bazel Central Registry module versions (`attestations.json` with the module
//! directory) or one file with its `.intoto.jsonl`, through the host's request
//! (`sigverify_host::ecosystems::bcr::Request`), as the CLI, C and Node call it.
//!
//! Arguments are converted and the request validated while the GIL is held; files are read,
//! hashed (as a stream) and verified after it is released, behind the panic boundary.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;

use sigverify::ecosystems::bcr::FileVerification;
use sigverify_host::ecosystems::bcr::Request;

use crate::errors::{argument_caused, guard, opt, opt_str, Arg, Failure, IntoPyResult};
use crate::inputs::{self, given, type_name};
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

/// One verified file of a module version.
#[pyclass(frozen, module = "sigverify.bcr", name = "BcrFile")]
pub(crate) struct BcrFile {
    file: String,
    kind: &'static str,
    signer_workflow: String,
    result: Py<VerificationResult>,
}

#[pymethods]
impl BcrFile {
    #[getter]
    fn file(&self) -> &str {
        &self.file
    }

    #[getter]
    fn kind(&self) -> &'static str {
        self.kind
    }

    #[getter]
    fn signer_workflow(&self) -> &str {
        &self.signer_workflow
    }

    #[getter]
    fn result(&self, py: Python<'_>) -> Py<VerificationResult> {
        self.result.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "BcrFile(file={:?}, kind={:?}, signer_workflow={:?})",
            self.file, self.kind, self.signer_workflow
        )
    }
}

/// A verified module version (or file): every file's result.
#[pyclass(frozen, module = "sigverify.bcr", name = "BcrVerification")]
pub(crate) struct BcrVerification {
    files: Vec<Py<BcrFile>>,
}

#[pymethods]
impl BcrVerification {
    #[getter]
    fn files(&self, py: Python<'_>) -> Vec<Py<BcrFile>> {
        self.files.iter().map(|f| f.clone_ref(py)).collect()
    }

    fn __repr__(&self) -> String {
        format!("BcrVerification({} files)", self.files.len())
    }
}

/// A folder: `str` or `os.PathLike`.
fn folder(obj: &Bound<'_, PyAny>, what: &str) -> Result<PathBuf, Failure> {
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__").unwrap_or(false) {
        return obj
            .extract::<PathBuf>()
            .map_err(|e| argument_caused(format!("{what}: not a usable path"), e));
    }
    Err(Failure::argument(format!(
        "{what}: expected a path (str or os.PathLike), found {}",
        type_name(obj)
    )))
}

/// Verifies a BCR module version (`attestations` with `module_dir`) or one file (`file` with
/// `bundle`).
#[pyfunction]
#[pyo3(name = "verify", signature = (*, repository=None, attestations=None, module_dir=None, file=None, bundle=None, name=None, tag=None, verifier=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn bcr_verify(
    py: Python<'_>,
    repository: Option<Arg<String>>,
    attestations: Option<&Bound<'_, PyAny>>,
    module_dir: Option<&Bound<'_, PyAny>>,
    file: Option<&Bound<'_, PyAny>>,
    bundle: Option<&Bound<'_, PyAny>>,
    name: Option<Arg<String>>,
    tag: Option<Arg<String>>,
    verifier: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<BcrVerification> {
    let repository = opt_str(&repository);
    let name = opt_str(&name);
    let tag = opt_str(&tag);
    let verifier = opt(verifier);
    let attestations = given(attestations)
        .map(|a| inputs::json_input(a, "attestations"))
        .transpose()
        .or_raise(py)?;
    let bundle = given(bundle)
        .map(|b| inputs::json_input(b, "bundle"))
        .transpose()
        .or_raise(py)?;
    let file = inputs::artifact_data(file, "file").or_raise(py)?;
    let module_dir = given(module_dir)
        .map(|d| folder(d, "module_dir"))
        .transpose()
        .or_raise(py)?;
    let job = Request {
        attestations: attestations.as_ref().map(inputs::Source::data),
        module_dir,
        file: file.as_ref().map(inputs::Source::data),
        name: name.map(str::to_owned),
        bundle: bundle.as_ref().map(inputs::Source::data),
        repository: repository.map(str::to_owned),
        tag: tag.map(str::to_owned),
        verifier: verifier.as_ref().map(|v| Arc::clone(&v.inner)),
    }
    .validate()
    .or_raise(py)?;
    let now = now();
    let report = py
        .detach(|| guard(|| job.run(now)?.into_result()))
        .or_raise(py)?;
    let files = report
        .files
        .into_iter()
        .filter_map(|f| f.outcome.ok())
        .map(|f: FileVerification| {
            Py::new(
                py,
                BcrFile {
                    file: f.file,
                    kind: f.kind.as_str(),
                    signer_workflow: f.signer_workflow,
                    result: Py::new(py, VerificationResult::new(f.result))?,
                },
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(BcrVerification { files })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<BcrFile>()?;
    m.add_class::<BcrVerification>()?;
    m.add("bcr_verify", wrap_pyfunction!(bcr_verify, m)?)?;
    Ok(())
}
