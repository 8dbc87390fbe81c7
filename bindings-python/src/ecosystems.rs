//! `sigverify.pypi`, `sigverify.npm`, `sigverify.github`: the ecosystem requests of the host
//! layer (`sigverify_host::ecosystems`), with Python arguments.
//!
//! The functions live flat in `sigverify._native` (`pypi_verify_attestation`, `npm_verify`, ...,
//! with the Python names `verify_attestation`, `verify`, ...); the pure-Python modules
//! `sigverify/pypi.py`, `npm.py` and `github.py` re-export them under those names. Arguments are
//! converted and the request validated while the GIL is held; files are read, hashed (as a
//! stream) and verified after it is released, behind the panic boundary.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyList;

use sigverify::ecosystems::npm;
use sigverify_host::ecosystems::{github as gh, npm as host_npm, pypi};

use crate::errors::{guard, opt, opt_str, Arg, Failure, IntoPyResult};
use crate::inputs::{self, Source};
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

fn data<'a>(source: &'a Option<Source<'_>>) -> Option<sigverify_host::Data<'a>> {
    source.as_ref().map(Source::data)
}

fn digest(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<String>, Failure> {
    inputs::string(obj, "digest", "sha256:HEX")
}

/// The arguments of both PyPI functions.
#[allow(clippy::too_many_arguments)]
fn pypi_call<'py>(
    py: Python<'py>,
    kind: pypi::Kind,
    verifier: &Verifier,
    document: &Bound<'py, PyAny>,
    dist: Option<&Bound<'py, PyAny>>,
    filename: Option<&str>,
    digest_obj: Option<&Bound<'py, PyAny>>,
    publisher: Option<&str>,
    policy: Option<&Bound<'py, PyAny>>,
    publisher_from_provenance: bool,
) -> PyResult<Vec<sigverify::VerificationResult>> {
    let what = match kind {
        pypi::Kind::Attestation => "attestation",
        pypi::Kind::Provenance => "provenance",
    };
    let doc = inputs::json_input(document, what).or_raise(py)?;
    let dist = inputs::artifact_data(dist, "dist").or_raise(py)?;
    let job = (|| {
        pypi::Request {
            kind,
            verifier: Arc::clone(&verifier.inner),
            document: doc.data(),
            dist: data(&dist),
            digest: digest(digest_obj)?,
            filename: filename.map(str::to_owned),
            publisher: publisher.map(str::to_owned),
            policy: inputs::policy(policy)?,
            publisher_from_provenance,
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    py.detach(|| guard(|| job.run(now))).or_raise(py)
}

/// Verifies one PEP 740 attestation for a distribution file.
#[pyfunction]
#[pyo3(name = "verify_attestation", signature = (verifier, attestation, dist=None, *, filename=None, digest=None, publisher=None, policy=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn pypi_verify_attestation(
    py: Python<'_>,
    verifier: Arg<PyRef<'_, Verifier>>,
    attestation: &Bound<'_, PyAny>,
    dist: Option<&Bound<'_, PyAny>>,
    filename: Option<Arg<String>>,
    digest: Option<&Bound<'_, PyAny>>,
    publisher: Option<Arg<String>>,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<VerificationResult> {
    let verifier = verifier.0;
    let filename = opt_str(&filename);
    let publisher = opt_str(&publisher);
    let results = pypi_call(
        py,
        pypi::Kind::Attestation,
        &verifier,
        attestation,
        dist,
        filename,
        digest,
        publisher,
        policy,
        false,
    )?;
    results
        .into_iter()
        .next()
        .map(VerificationResult::new)
        .ok_or(Failure::Internal("no result".into()))
        .or_raise(py)
}

/// Verifies every attestation of a PyPI Integrity API provenance object.
#[pyfunction]
#[pyo3(name = "verify_provenance", signature = (verifier, provenance, dist=None, *, filename=None, digest=None, publisher=None, policy=None, publisher_from_provenance=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn pypi_verify_provenance<'py>(
    py: Python<'py>,
    verifier: Arg<PyRef<'_, Verifier>>,
    provenance: &Bound<'py, PyAny>,
    dist: Option<&Bound<'py, PyAny>>,
    filename: Option<Arg<String>>,
    digest: Option<&Bound<'py, PyAny>>,
    publisher: Option<Arg<String>>,
    policy: Option<&Bound<'py, PyAny>>,
    publisher_from_provenance: bool,
) -> PyResult<Bound<'py, PyList>> {
    let verifier = verifier.0;
    let filename = opt_str(&filename);
    let publisher = opt_str(&publisher);
    let results = pypi_call(
        py,
        pypi::Kind::Provenance,
        &verifier,
        provenance,
        dist,
        filename,
        digest,
        publisher,
        policy,
        publisher_from_provenance,
    )?;
    PyList::new(py, results.into_iter().map(VerificationResult::new))
}

// ---------------------------------------------------------------------------------------------
// npm

/// The npm registry's signing keys (`registry.npmjs.org/-/npm/v1/keys`).
#[pyclass(frozen, module = "sigverify.npm", name = "RegistryKeys")]
pub(crate) struct NpmRegistryKeys {
    inner: Arc<npm::RegistryKeys>,
    embedded: bool,
}

#[pymethods]
impl NpmRegistryKeys {
    /// The registry keys embedded in sigverify.
    #[staticmethod]
    fn embedded(py: Python<'_>) -> PyResult<NpmRegistryKeys> {
        guard(sigverify_host::npm_keys)
            .map(|inner| NpmRegistryKeys {
                inner,
                embedded: true,
            })
            .or_raise(py)
    }

    /// Parses a `keys.json` document (bytes, or str as JSON text).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<NpmRegistryKeys> {
        let bytes = inputs::document(data, "data").or_raise(py)?;
        guard(|| npm::RegistryKeys::from_json(&bytes).map_err(Failure::Load))
            .map(|inner| NpmRegistryKeys {
                inner: Arc::new(inner),
                embedded: false,
            })
            .or_raise(py)
    }

    fn __repr__(&self) -> &'static str {
        if self.embedded {
            "RegistryKeys.embedded()"
        } else {
            "RegistryKeys.from_json(...)"
        }
    }
}

/// What the attestations of one npm package version established.
#[pyclass(frozen, module = "sigverify.npm", name = "Verification")]
pub(crate) struct NpmVerification {
    provenance: Option<Py<VerificationResult>>,
    publish: Option<Py<VerificationResult>>,
    package: String,
}

#[pymethods]
impl NpmVerification {
    /// The SLSA provenance attestation, when the response has one.
    #[getter]
    fn provenance(&self, py: Python<'_>) -> Option<Py<VerificationResult>> {
        self.provenance.as_ref().map(|r| r.clone_ref(py))
    }

    /// The registry's publish attestation, when the response has one.
    #[getter]
    fn publish(&self, py: Python<'_>) -> Option<Py<VerificationResult>> {
        self.publish.as_ref().map(|r| r.clone_ref(py))
    }

    /// `NAME@VERSION`.
    #[getter]
    fn package(&self) -> &str {
        &self.package
    }

    fn __repr__(&self) -> String {
        let provenance = self
            .provenance
            .as_ref()
            .and_then(|r| r.get().core().identity().map(|s| format!("{s:?}")))
            .unwrap_or_else(|| "None".into());
        format!(
            "<npm.Verification {} provenance={provenance} publish={}>",
            self.package,
            if self.publish.is_some() {
                "verified"
            } else {
                "None"
            }
        )
    }
}

/// Verifies the registry's attestations response for one package version.
#[pyfunction]
#[pyo3(name = "verify", signature = (verifier, attestations, tarball=None, *, package, integrity=None, digest=None, repository=None, keys=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn npm_verify(
    py: Python<'_>,
    verifier: Arg<PyRef<'_, Verifier>>,
    attestations: &Bound<'_, PyAny>,
    tarball: Option<&Bound<'_, PyAny>>,
    package: Arg<String>,
    integrity: Option<&Bound<'_, PyAny>>,
    digest: Option<&Bound<'_, PyAny>>,
    repository: Option<Arg<String>>,
    keys: Option<Arg<PyRef<'_, NpmRegistryKeys>>>,
) -> PyResult<NpmVerification> {
    let verifier = verifier.0;
    let package: &str = &package.0;
    let repository = opt_str(&repository);
    let keys = opt(keys);
    let doc = inputs::json_input(attestations, "attestations").or_raise(py)?;
    let tarball = inputs::artifact_data(tarball, "tarball").or_raise(py)?;
    let job = (|| {
        host_npm::Request {
            verifier: Arc::clone(&verifier.inner),
            keys: keys.as_ref().map(|k| Arc::clone(&k.inner)),
            document: doc.data(),
            package: Some(package.to_owned()),
            tarball: data(&tarball),
            integrity: inputs::string(integrity, "integrity", "sha512-BASE64")?,
            digest: inputs::string(digest, "digest", "sha512:HEX")?,
            repository: repository.map(str::to_owned),
            previous: None,
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    let outcome = py.detach(|| guard(|| job.run(now))).or_raise(py)?;
    let wrap = |r: Option<sigverify::VerificationResult>| {
        r.map(|r| Py::new(py, VerificationResult::new(r)))
            .transpose()
    };
    Ok(NpmVerification {
        provenance: wrap(outcome.provenance)?,
        publish: wrap(outcome.publish)?,
        package: package.to_owned(),
    })
}

/// Verifies GitHub artifact attestations (a bundle, or the attestations API's JSON lines).
#[pyfunction]
#[pyo3(name = "verify", signature = (bundles, artifact=None, *, digest=None, repository=None, owner=None, signer_workflow=None, policy=None, instance=None, public_good=None, github_instance=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn github_verify(
    py: Python<'_>,
    bundles: &Bound<'_, PyAny>,
    artifact: Option<&Bound<'_, PyAny>>,
    digest: Option<&Bound<'_, PyAny>>,
    repository: Option<Arg<String>>,
    owner: Option<Arg<String>>,
    signer_workflow: Option<Arg<String>>,
    policy: Option<&Bound<'_, PyAny>>,
    instance: Option<Arg<String>>,
    public_good: Option<Arg<PyRef<'_, Verifier>>>,
    github_instance: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<VerificationResult> {
    let repository = opt_str(&repository);
    let owner = opt_str(&owner);
    let signer_workflow = opt_str(&signer_workflow);
    let instance = opt_str(&instance);
    let public_good = opt(public_good);
    let github_instance = opt(github_instance);
    let doc = inputs::json_input(bundles, "bundles").or_raise(py)?;
    let artifact = inputs::artifact_data(artifact, "artifact").or_raise(py)?;
    let job = (|| {
        gh::Request {
            document: doc.data(),
            artifact: data(&artifact),
            digest: self::digest(digest)?,
            repository: repository.map(str::to_owned),
            owner: owner.map(str::to_owned),
            signer_workflow: signer_workflow.map(str::to_owned),
            policy: inputs::policy(policy)?,
            instance: instance.map(str::to_owned),
            public_good: public_good.as_ref().map(|v| Arc::clone(&v.inner)),
            github_instance: github_instance.as_ref().map(|v| Arc::clone(&v.inner)),
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    py.detach(|| guard(|| job.run(now)))
        .map(VerificationResult::new)
        .or_raise(py)
}

/// Verifies a Homebrew bottle's attestations (built by Homebrew/homebrew-core's CI).
#[pyfunction]
#[pyo3(name = "verify_homebrew_bottle", signature = (bundles, bottle=None, *, name=None, digest=None, public_good=None, github_instance=None))]
pub(crate) fn github_verify_homebrew_bottle(
    py: Python<'_>,
    bundles: &Bound<'_, PyAny>,
    bottle: Option<&Bound<'_, PyAny>>,
    name: Option<Arg<String>>,
    digest: Option<&Bound<'_, PyAny>>,
    public_good: Option<Arg<PyRef<'_, Verifier>>>,
    github_instance: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<VerificationResult> {
    let name = opt_str(&name);
    let public_good = opt(public_good);
    let github_instance = opt(github_instance);
    let doc = inputs::json_input(bundles, "bundles").or_raise(py)?;
    let bottle = inputs::artifact_data(bottle, "bottle").or_raise(py)?;
    let job = (|| {
        gh::HomebrewRequest {
            document: doc.data(),
            bottle: data(&bottle),
            digest: self::digest(digest)?,
            name: name.map(str::to_owned),
            public_good: public_good.as_ref().map(|v| Arc::clone(&v.inner)),
            github_instance: github_instance.as_ref().map(|v| Arc::clone(&v.inner)),
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    py.detach(|| guard(|| job.run(now)))
        .map(VerificationResult::new)
        .or_raise(py)
}

/// Registers the functions and classes in `sigverify._native` under prefixed names.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "pypi_verify_attestation",
        wrap_pyfunction!(pypi_verify_attestation, m)?,
    )?;
    m.add(
        "pypi_verify_provenance",
        wrap_pyfunction!(pypi_verify_provenance, m)?,
    )?;
    m.add("npm_verify", wrap_pyfunction!(npm_verify, m)?)?;
    m.add("github_verify", wrap_pyfunction!(github_verify, m)?)?;
    m.add(
        "github_verify_homebrew_bottle",
        wrap_pyfunction!(github_verify_homebrew_bottle, m)?,
    )?;
    let py = m.py();
    m.add("NpmRegistryKeys", py.get_type::<NpmRegistryKeys>())?;
    m.add("NpmVerification", py.get_type::<NpmVerification>())?;
    Ok(())
}
