//! `sigverify.pypi`, `sigverify.npm`, `sigverify.github`: the core's ecosystem adapters
//! (`sigverify::ecosystems`), each registry's own format and policy.
//!
//! The functions live flat in `sigverify._native` (`pypi_verify_attestation`, `npm_verify`, ...,
//! with the Python names `verify_attestation`, `verify`, ...); the pure-Python modules
//! `sigverify/pypi.py`, `npm.py` and `github.py` re-export them under those names. As in
//! `Verifier.verify`, arguments are checked while the GIL is held, and files are read, hashed (as a
//! stream) and verified after it is released, behind the panic boundary.

use std::borrow::Cow;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use sigverify::ecosystems::{github as gh, npm, pypi};
use sigverify::{Artifact, Bundle, HashAlg};

use crate::errors::{guard, Failure, IntoPyResult};
use crate::inputs::{self, Data, Source};
use crate::policy::Policy;
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

/// What an ecosystem call verifies for: the artifact's bytes or file (hashed here), or a digest
/// given by the caller.
enum Target<'py> {
    Data(Source<'py>),
    Digest(HashAlg, Vec<u8>),
}

/// A `Send` view of a [`Target`], for use without the GIL.
#[derive(Clone, Copy)]
enum TargetView<'a> {
    Data(Data<'a>),
    Digest(HashAlg, &'a [u8]),
}

impl Target<'_> {
    fn view(&self) -> TargetView<'_> {
        match self {
            Target::Data(s) => TargetView::Data(s.data()),
            Target::Digest(a, d) => TargetView::Digest(*a, d),
        }
    }

    /// The file name of a path target (the distribution's or the bottle's name).
    fn file_name(&self) -> Option<String> {
        match self {
            Target::Data(Source::Path(p)) => p.file_name()?.to_str().map(str::to_owned),
            _ => None,
        }
    }
}

impl TargetView<'_> {
    /// The digest with `alg`, hashing the bytes or the file (as a stream) when needed.
    fn digest(self, alg: HashAlg, what: &'static str) -> Result<Vec<u8>, Failure> {
        match self {
            TargetView::Digest(a, d) if a == alg => Ok(d.to_vec()),
            TargetView::Digest(a, _) => Err(wrong_algorithm(what, alg, a)),
            TargetView::Data(d) => d.digest(alg, what),
        }
    }
}

fn wrong_algorithm(what: &str, want: HashAlg, found: HashAlg) -> Failure {
    Failure::Verify(sigverify::Error::InvalidArtifact {
        reason: format!(
            "{what}: expected a {}:HEX digest, found {}",
            want.name(),
            found.name()
        ),
    })
}

fn given<'a, 'py>(obj: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    obj.filter(|o| !o.is_none())
}

/// The artifact of an ecosystem call: `data` (bytes-like or `os.PathLike`, named `what`), or
/// `digest=` (`"ALG:HEX"`, which must be `alg` when one is required); exactly one.
fn target<'py>(
    what: &str,
    data: Option<&Bound<'py, PyAny>>,
    digest: Option<&Bound<'py, PyAny>>,
    alg: Option<HashAlg>,
) -> Result<Target<'py>, Failure> {
    match (given(data), given(digest)) {
        (Some(_), Some(_)) => Err(Failure::argument(format!(
            "give either {what} or digest, not both"
        ))),
        (None, None) => Err(Failure::argument(format!(
            "{what} (bytes or os.PathLike) or digest= is required"
        ))),
        (Some(d), None) => inputs::artifact_data(d, what).map(Target::Data),
        (None, Some(d)) => match inputs::digest_arg(d)? {
            Artifact::Digest(a, v) => match alg {
                Some(want) if want != a => Err(wrong_algorithm("digest", want, a)),
                _ => Ok(Target::Digest(a, v)),
            },
            Artifact::Bytes(_) => Err(Failure::Internal),
        },
    }
}

/// The name of the artifact: `name` when given, else the file name of a path target.
fn target_name(target: &Target<'_>, name: Option<&str>, keyword: &str) -> Result<String, Failure> {
    match (name, target.file_name()) {
        (Some(""), _) => Err(Failure::argument(format!(
            "{keyword}: must not be empty"
        ))),
        (Some(n), _) => Ok(n.to_owned()),
        (None, Some(n)) => Ok(n),
        (None, None) => Err(Failure::argument(format!(
            "{keyword}= is required unless the artifact is given as a path (whose file name is used)"
        ))),
    }
}

/// A core error as a [`Failure`] (`InvalidInput` or `VerificationError` by `is_invalid_input`).
fn core<T>(r: Result<T, sigverify::Error>) -> Result<T, Failure> {
    r.map_err(Failure::Verify)
}

fn policy_arg<'py>(
    policy: Option<&Bound<'py, PyAny>>,
) -> Result<Option<Bound<'py, Policy>>, Failure> {
    given(policy).map(inputs::policy).transpose()
}

// ---------------------------------------------------------------------------------------------
// PyPI

/// Who must have signed, as given to a PyPI function.
enum PypiSigner<'py> {
    Publisher(pypi::Publisher),
    Policy(Bound<'py, Policy>),
    FromProvenance,
}

impl PypiSigner<'_> {
    fn new<'py>(
        publisher: Option<&str>,
        policy: Option<&Bound<'py, PyAny>>,
        from_provenance: bool,
    ) -> Result<PypiSigner<'py>, Failure> {
        let policy = policy_arg(policy)?;
        match (publisher, policy, from_provenance) {
            (Some(p), None, false) => Ok(PypiSigner::Publisher(core(pypi::Publisher::parse(p))?)),
            (None, Some(p), false) => Ok(PypiSigner::Policy(p)),
            (None, None, true) => Ok(PypiSigner::FromProvenance),
            (None, None, false) => Err(Failure::argument(
                "who must have signed is required: publisher=\"github:OWNER/REPO/WORKFLOW.yml\" (or gitlab:, google:), or policy=",
            )),
            _ => Err(Failure::argument(
                "give only one of publisher=, policy= and publisher_from_provenance=True",
            )),
        }
    }

    fn expect(&self) -> pypi::Expect<'_> {
        match self {
            PypiSigner::Publisher(p) => pypi::Expect::Publisher(p),
            PypiSigner::Policy(p) => pypi::Expect::Policy(&p.get().inner),
            PypiSigner::FromProvenance => pypi::Expect::FromProvenance,
        }
    }
}

/// Verifies one PEP 740 attestation for a distribution file.
#[pyfunction]
#[pyo3(name = "verify_attestation", signature = (verifier, attestation, dist=None, *, filename=None, digest=None, publisher=None, policy=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn pypi_verify_attestation(
    py: Python<'_>,
    verifier: PyRef<'_, Verifier>,
    attestation: &Bound<'_, PyAny>,
    dist: Option<&Bound<'_, PyAny>>,
    filename: Option<&str>,
    digest: Option<&Bound<'_, PyAny>>,
    publisher: Option<&str>,
    policy: Option<&Bound<'_, PyAny>>,
) -> PyResult<VerificationResult> {
    let (doc, target, filename, signer) = (|| -> Result<_, Failure> {
        let doc = inputs::json_input(attestation, "attestation")?;
        let target = target("dist", dist, digest, Some(HashAlg::Sha256))?;
        let filename = target_name(&target, filename, "filename")?;
        let signer = PypiSigner::new(publisher, policy, false)?;
        Ok((doc, target, filename, signer))
    })()
    .or_raise(py)?;
    let (doc, view, expect, inner, now) = (
        doc.data(),
        target.view(),
        signer.expect(),
        &verifier.inner,
        now(),
    );
    py.detach(|| {
        guard(|| {
            let bundle = core(pypi::parse_attestation(&doc.document("attestation")?))?;
            let sha256 = view.digest(HashAlg::Sha256, "dist")?;
            core(match expect {
                pypi::Expect::Publisher(p) => {
                    pypi::verify_attestation(inner, &bundle, &filename, &sha256, p, now)
                }
                pypi::Expect::Policy(p) => {
                    pypi::verify_attestation_with_policy(inner, &bundle, &filename, &sha256, p, now)
                }
                pypi::Expect::FromProvenance => return Err(Failure::Internal),
            })
        })
    })
    .map(VerificationResult::new)
    .or_raise(py)
}

/// Verifies every attestation of a PyPI Integrity API provenance object.
#[pyfunction]
#[pyo3(name = "verify_provenance", signature = (verifier, provenance, dist=None, *, filename=None, digest=None, publisher=None, policy=None, publisher_from_provenance=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn pypi_verify_provenance<'py>(
    py: Python<'py>,
    verifier: PyRef<'_, Verifier>,
    provenance: &Bound<'py, PyAny>,
    dist: Option<&Bound<'py, PyAny>>,
    filename: Option<&str>,
    digest: Option<&Bound<'py, PyAny>>,
    publisher: Option<&str>,
    policy: Option<&Bound<'py, PyAny>>,
    publisher_from_provenance: bool,
) -> PyResult<Bound<'py, PyList>> {
    let (doc, target, filename, signer) = (|| -> Result<_, Failure> {
        let doc = inputs::json_input(provenance, "provenance")?;
        let target = target("dist", dist, digest, Some(HashAlg::Sha256))?;
        let filename = target_name(&target, filename, "filename")?;
        let signer = PypiSigner::new(publisher, policy, publisher_from_provenance)?;
        Ok((doc, target, filename, signer))
    })()
    .or_raise(py)?;
    let (doc, view, expect, inner, now) = (
        doc.data(),
        target.view(),
        signer.expect(),
        &verifier.inner,
        now(),
    );
    let results = py
        .detach(|| {
            guard(|| {
                let prov = core(pypi::parse_provenance(&doc.document("provenance")?))?;
                let sha256 = view.digest(HashAlg::Sha256, "dist")?;
                core(pypi::verify_provenance(
                    inner, &prov, &filename, &sha256, &expect, now,
                ))
            })
        })
        .or_raise(py)?;
    PyList::new(py, results.into_iter().map(VerificationResult::new))
}

// ---------------------------------------------------------------------------------------------
// npm

/// The npm registry's signing keys (`registry.npmjs.org/-/npm/v1/keys`).
#[pyclass(frozen, module = "sigverify.npm", name = "RegistryKeys")]
pub(crate) struct NpmRegistryKeys {
    inner: npm::RegistryKeys,
    embedded: bool,
}

fn embedded_keys() -> Result<&'static npm::RegistryKeys, Failure> {
    static KEYS: OnceLock<Result<npm::RegistryKeys, sigverify::Error>> = OnceLock::new();
    KEYS.get_or_init(npm::RegistryKeys::embedded)
        .as_ref()
        .map_err(|e| Failure::Load(e.clone()))
}

#[pymethods]
impl NpmRegistryKeys {
    /// The registry keys embedded in sigverify.
    #[staticmethod]
    fn embedded(py: Python<'_>) -> PyResult<NpmRegistryKeys> {
        guard(|| embedded_keys().cloned())
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
        guard(|| {
            let limit = sigverify::limits::MAX_TRUSTED_ROOT_BYTES;
            if bytes.len() > limit {
                return Err(Failure::Load(sigverify::Error::LimitExceeded {
                    what: "npm keys.json size in bytes",
                    limit: limit as u64,
                    found: bytes.len() as u64,
                }));
            }
            npm::RegistryKeys::from_json(&bytes).map_err(Failure::Load)
        })
        .map(|inner| NpmRegistryKeys {
            inner,
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
    verifier: PyRef<'_, Verifier>,
    attestations: &Bound<'_, PyAny>,
    tarball: Option<&Bound<'_, PyAny>>,
    package: &str,
    integrity: Option<&Bound<'_, PyAny>>,
    digest: Option<&Bound<'_, PyAny>>,
    repository: Option<&str>,
    keys: Option<PyRef<'_, NpmRegistryKeys>>,
) -> PyResult<NpmVerification> {
    let (doc, target) = (|| -> Result<_, Failure> {
        let doc = inputs::json_input(attestations, "attestations")?;
        let count = [tarball, integrity, digest]
            .into_iter()
            .filter(|a| given(*a).is_some())
            .count();
        if count != 1 {
            return Err(Failure::argument(
                "give exactly one of tarball (bytes or os.PathLike), integrity=\"sha512-BASE64\" and digest=\"sha512:HEX\"",
            ));
        }
        let target = match given(integrity) {
            None => target("tarball", tarball, digest, Some(HashAlg::Sha512))?,
            Some(i) => {
                let Ok(s) = i.cast::<PyString>() else {
                    return Err(Failure::argument(format!(
                        "integrity: expected a str such as \"sha512-BASE64\", found {}",
                        inputs::type_name(i)
                    )));
                };
                let text = s.to_cow().map_err(|e| {
                    Failure::argument_caused("integrity: the str is not valid Unicode", e)
                })?;
                Target::Digest(HashAlg::Sha512, core(npm::parse_integrity(&text))?)
            }
        };
        Ok((doc, target))
    })()
    .or_raise(py)?;
    let keys = keys.as_ref().map(|k| &k.inner);
    let (doc, view, inner, now) = (doc.data(), target.view(), &verifier.inner, now());
    let outcome = py
        .detach(|| {
            guard(|| {
                let keys = match keys {
                    Some(k) => k,
                    None => embedded_keys()?,
                };
                let response = doc.document("attestations")?;
                // The response is checked before the tarball is hashed.
                core(npm::parse_response(&response))?;
                let sha512 = view.digest(HashAlg::Sha512, "tarball")?;
                core(npm::verify(
                    inner, keys, &response, package, &sha512, repository, now,
                ))
            })
        })
        .or_raise(py)?;
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

// ---------------------------------------------------------------------------------------------
// GitHub

/// The public-good and GitHub-instance verifiers built once, for calls that pass none.
fn default_verifiers() -> Result<&'static (sigverify::Verifier, sigverify::Verifier), Failure> {
    static VERIFIERS: OnceLock<
        Result<(sigverify::Verifier, sigverify::Verifier), sigverify::Error>,
    > = OnceLock::new();
    VERIFIERS
        .get_or_init(|| {
            let public_good = sigverify::Verifier::new(&sigverify::TrustedRoot::public_good()?)?;
            let github = sigverify::Verifier::with_options(
                &sigverify::TrustedRoot::github()?,
                gh::github_instance_options(),
                sigverify::Backend::default(),
            )?;
            Ok((public_good, github))
        })
        .as_ref()
        .map_err(|e| Failure::Load(e.clone()))
}

/// The artifact for every bundle of a GitHub call.
enum GithubArtifact<'a> {
    Bytes(Cow<'a, [u8]>),
    Digest(Artifact<'static>),
}

impl GithubArtifact<'_> {
    /// A digest as given; a file hashed as a stream when every bundle is satisfied by the same
    /// digest; otherwise the bytes.
    fn new<'a>(view: TargetView<'a>, bundles: &[Bundle]) -> Result<GithubArtifact<'a>, Failure> {
        match view {
            TargetView::Digest(a, d) => Ok(GithubArtifact::Digest(Artifact::Digest(a, d.to_vec()))),
            TargetView::Data(Data::Path(p)) => {
                let algs: Vec<Option<HashAlg>> = bundles
                    .iter()
                    .map(Bundle::artifact_digest_algorithm)
                    .collect();
                match algs.first() {
                    Some(Some(alg)) if algs.iter().all(|a| *a == Some(*alg)) => {
                        Ok(GithubArtifact::Digest(Artifact::Digest(
                            *alg,
                            inputs::hash_file(p, *alg, "artifact")?,
                        )))
                    }
                    _ => Ok(GithubArtifact::Bytes(Data::Path(p).read("artifact", None)?)),
                }
            }
            TargetView::Data(d) => Ok(GithubArtifact::Bytes(d.read("artifact", None)?)),
        }
    }

    fn get(&self) -> Artifact<'_> {
        match self {
            GithubArtifact::Bytes(b) => Artifact::Bytes(b),
            GithubArtifact::Digest(d) => d.clone(),
        }
    }
}

fn instance_arg(instance: Option<&str>) -> Result<Option<gh::Instance>, Failure> {
    match instance {
        None => Ok(None),
        Some("public-good") => Ok(Some(gh::Instance::PublicGood)),
        Some("github") => Ok(Some(gh::Instance::GitHub)),
        Some(o) => Err(Failure::argument(format!(
            "instance: expected \"public-good\", \"github\" or None, found {o:?}"
        ))),
    }
}

/// The verifiers of a GitHub call: the caller's, else the defaults.
fn github_verifiers<'a>(
    public_good: Option<&'a sigverify::Verifier>,
    github_instance: Option<&'a sigverify::Verifier>,
) -> Result<(&'a sigverify::Verifier, &'a sigverify::Verifier), Failure> {
    Ok(match (public_good, github_instance) {
        (Some(p), Some(g)) => (p, g),
        (p, g) => {
            let (dp, dg) = default_verifiers()?;
            (p.unwrap_or(dp), g.unwrap_or(dg))
        }
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
    repository: Option<&str>,
    owner: Option<&str>,
    signer_workflow: Option<&str>,
    policy: Option<&Bound<'_, PyAny>>,
    instance: Option<&str>,
    public_good: Option<PyRef<'_, Verifier>>,
    github_instance: Option<PyRef<'_, Verifier>>,
) -> PyResult<VerificationResult> {
    let (doc, target, explicit, built, instance) = (|| -> Result<_, Failure> {
        let doc = inputs::json_input(bundles, "bundles")?;
        let target = target("artifact", artifact, digest, None)?;
        let explicit = policy_arg(policy)?;
        let built = match (&explicit, repository, owner, signer_workflow) {
            (Some(_), None, None, None) => None,
            (Some(_), ..) => {
                return Err(Failure::argument(
                    "give either policy= or repository=/owner=/signer_workflow=, not both",
                ))
            }
            (None, None, None, _) => {
                return Err(Failure::argument(
                    "repository=\"OWNER/REPO\" or owner=\"OWNER\" (or policy=) is required",
                ))
            }
            (None, r, o, w) => Some(core(gh::policy(r, o, w))?),
        };
        Ok((doc, target, explicit, built, instance_arg(instance)?))
    })()
    .or_raise(py)?;
    let policy: &sigverify::Policy = match (&explicit, &built) {
        (Some(p), _) => &p.get().inner,
        (None, Some(p)) => p,
        (None, None) => return Err(Failure::Internal.into_pyerr(py)),
    };
    let (pg, ghv) = (
        public_good.as_ref().map(|v| &v.inner),
        github_instance.as_ref().map(|v| &v.inner),
    );
    let (doc, view, now) = (doc.data(), target.view(), now());
    py.detach(|| {
        guard(|| {
            let (pg, ghv) = github_verifiers(pg, ghv)?;
            let bundles = core(gh::parse_bundles(&doc.document("bundles")?))?;
            let artifact = GithubArtifact::new(view, &bundles)?;
            core(gh::verify(
                pg,
                ghv,
                &bundles,
                &artifact.get(),
                policy,
                instance,
                now,
            ))
        })
    })
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
    name: Option<&str>,
    digest: Option<&Bound<'_, PyAny>>,
    public_good: Option<PyRef<'_, Verifier>>,
    github_instance: Option<PyRef<'_, Verifier>>,
) -> PyResult<VerificationResult> {
    let (doc, target, name) = (|| -> Result<_, Failure> {
        let doc = inputs::json_input(bundles, "bundles")?;
        let target = target("bottle", bottle, digest, None)?;
        let name = target_name(&target, name, "name")?;
        Ok((doc, target, name))
    })()
    .or_raise(py)?;
    let (pg, ghv) = (
        public_good.as_ref().map(|v| &v.inner),
        github_instance.as_ref().map(|v| &v.inner),
    );
    let (doc, view, now) = (doc.data(), target.view(), now());
    py.detach(|| {
        guard(|| {
            let (pg, ghv) = github_verifiers(pg, ghv)?;
            let bundles = core(gh::parse_bundles(&doc.document("bundles")?))?;
            let artifact = GithubArtifact::new(view, &bundles)?;
            core(gh::verify_homebrew_bottle(
                pg,
                ghv,
                &bundles,
                &name,
                &artifact.get(),
                now,
            ))
        })
    })
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
