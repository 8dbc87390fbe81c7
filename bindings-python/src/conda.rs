//! `sigverify.conda`: the conda request of the host layer (`sigverify_host::ecosystems::conda`),
//! with Python arguments. The function lives in `sigverify._native` as `conda_verify`;
//! `sigverify/conda.py` re-exports it as `verify`. Arguments are converted and the request
//! validated while the GIL is held; files are read, hashed (as a stream) and verified after it
//! is released, behind the panic boundary.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyList;

use sigverify_host::ecosystems::conda;

use crate::errors::{guard, Arg, IntoPyResult};
use crate::inputs::{self, Source};
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

/// Verifies a conda package's publish attestation (CEP 27): one bundle or a `.v0.sigs` sidecar.
#[pyfunction]
#[pyo3(name = "verify", signature = (verifier, package=None, *, digest=None, filename=None, bundle=None, sigs=None, repository=None, signer_workflow=None, identity=None, issuer=None, channel=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn conda_verify<'py>(
    py: Python<'py>,
    verifier: Arg<PyRef<'_, Verifier>>,
    package: Option<&Bound<'py, PyAny>>,
    digest: Option<&Bound<'py, PyAny>>,
    filename: Option<&Bound<'py, PyAny>>,
    bundle: Option<&Bound<'py, PyAny>>,
    sigs: Option<&Bound<'py, PyAny>>,
    repository: Option<&Bound<'py, PyAny>>,
    signer_workflow: Option<&Bound<'py, PyAny>>,
    identity: Option<&Bound<'py, PyAny>>,
    issuer: Option<&Bound<'py, PyAny>>,
    channel: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyList>> {
    let verifier = verifier.0;
    let document = |obj: Option<&Bound<'py, PyAny>>, what: &str| {
        inputs::given(obj)
            .map(|o| inputs::json_input(o, what))
            .transpose()
    };
    let bundle = document(bundle, "bundle").or_raise(py)?;
    let sigs = document(sigs, "sigs").or_raise(py)?;
    let package = inputs::artifact_data(package, "package").or_raise(py)?;
    let job = (|| {
        conda::Request {
            verifier: Arc::clone(&verifier.inner),
            package: package.as_ref().map(Source::data),
            digest: inputs::string(digest, "digest", "sha256:HEX")?,
            filename: inputs::string(filename, "filename", "NAME-VERSION-BUILD.conda")?,
            bundle: bundle.as_ref().map(Source::data),
            sigs: sigs.as_ref().map(Source::data),
            repository: inputs::string(repository, "repository", "OWNER/REPO")?,
            signer_workflow: inputs::string(signer_workflow, "signer_workflow", "release.yml")?,
            identity: inputs::string(identity, "identity", "https://github.com/...")?,
            issuer: inputs::string(
                issuer,
                "issuer",
                "https://token.actions.githubusercontent.com",
            )?,
            channel: inputs::string(channel, "channel", "https://prefix.dev/conda-forge")?,
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    let results = py.detach(|| guard(|| job.run(now))).or_raise(py)?;
    PyList::new(py, results.into_iter().map(VerificationResult::new))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("conda_verify", wrap_pyfunction!(conda_verify, m)?)
}
