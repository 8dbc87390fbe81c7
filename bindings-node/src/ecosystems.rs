//! `pypi`, `npm`, `github`: the core's ecosystem adapters (`sigverify::ecosystems`), each
//! registry's own format and policy, as namespaces of the package (`require('sigverify').pypi`).
//!
//! As in `Verifier.verify`, every argument is read and copied on the JavaScript thread into a
//! job ([`EcoJob`]); the job runs off the thread (`verifyAttestation`, ...) or on it (the `Sync`
//! twins) through the same [`EcoJob::run`], behind the panic boundary.

// In `cargo test` builds nothing registers the `#[napi]` functions with N-API, so they look
// unused there.
#![cfg_attr(test, allow(dead_code))]

use std::sync::{Arc, OnceLock};

use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, FromNapiValue, Object, ToNapiValue, TypeName, Unknown,
};
use napi::{Env, Task};
use napi_derive::napi;

use sigverify::ecosystems::{github as gh, npm, pypi};
use sigverify::{Artifact, Backend, HashAlg};

use crate::errors::{panic_boundary, Failure};
use crate::inputs;
use crate::result::VerificationResult;
use crate::root::material;
use crate::verifier::{now, policy_arg, Verifier};

// ---------------------------------------------------------------------------------------------
// Shared plumbing

/// One ecosystem call, with everything copied out of JavaScript values.
pub trait EcoJob: Send + Sized + 'static {
    /// What the core returns.
    type Out: Send + 'static;
    /// What JavaScript receives.
    type Js: ToNapiValue + TypeName;
    /// The one code path of the async function and its `Sync` twin.
    fn run(&self) -> Result<Self::Out, Failure>;
    /// The core's outcome as a JavaScript value (on the JavaScript thread).
    fn to_js(out: Self::Out) -> Self::Js;
}

/// The off-thread half of an ecosystem call.
pub struct EcoTask<J: EcoJob> {
    job: Option<Result<J, Failure>>,
}

impl<J: EcoJob> Task for EcoTask<J> {
    type Output = Result<J::Out, Failure>;
    type JsValue = J::Js;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.job.take() {
            Some(Ok(job)) => panic_boundary(|| job.run()),
            Some(Err(f)) => Err(f),
            None => Err(Failure::Internal("an ecosystem task ran twice".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map(J::to_js).map_err(|f| f.into_js(&env))
    }
}

fn task<J: EcoJob>(job: Result<J, Failure>) -> AsyncTask<EcoTask<J>> {
    AsyncTask::new(EcoTask { job: Some(job) })
}

fn sync<J: EcoJob>(env: &Env, job: Result<J, Failure>) -> napi::Result<J::Js> {
    job.and_then(|j| panic_boundary(|| j.run()))
        .map(J::to_js)
        .map_err(|f| f.into_js(env))
}

/// A core error as a [`Failure`] (`InvalidInputError` or `VerificationError` by
/// `is_invalid_input`).
fn core<T>(r: Result<T, sigverify::Error>) -> Result<T, Failure> {
    r.map_err(Failure::Verify)
}

fn invalid_artifact(reason: String) -> Failure {
    Failure::Verify(sigverify::Error::InvalidArtifact { reason })
}

/// What an ecosystem call verifies for: the artifact's bytes (hashed off the JavaScript thread)
/// or a digest string given by the caller.
enum Target {
    Bytes(Vec<u8>),
    Digest(String),
    /// Already decoded (an npm `integrity`).
    Raw(HashAlg, Vec<u8>),
}

impl Target {
    /// The digest with `alg`.
    fn digest(&self, alg: HashAlg, what: &str) -> Result<Vec<u8>, Failure> {
        let (found, d) = match self {
            Target::Bytes(b) => return Ok(Backend::default().hash(alg, b)),
            Target::Raw(a, d) => (*a, d.clone()),
            Target::Digest(s) => match core(Artifact::parse_digest(s))? {
                Artifact::Digest(a, d) => (a, d),
                Artifact::Bytes(_) => return Err(Failure::Internal("a digest without one".into())),
            },
        };
        if found != alg {
            return Err(invalid_artifact(format!(
                "{what}: expected a {}:HEX digest, found {}",
                alg.name(),
                found.name()
            )));
        }
        Ok(d)
    }

    /// The artifact as the verifier takes it (any algorithm).
    fn artifact(&self) -> Result<Artifact<'_>, Failure> {
        match self {
            Target::Bytes(b) => Ok(Artifact::Bytes(b)),
            Target::Digest(s) => core(Artifact::parse_digest(s)),
            Target::Raw(a, d) => Ok(Artifact::Digest(*a, d.clone())),
        }
    }
}

/// The artifact of an ecosystem call: `options[bytes_name]` (bytes) or `options.digest`; exactly
/// one.
fn target(options: &Object<'_>, bytes_name: &str) -> Result<Target, Failure> {
    match (
        inputs::field(options, bytes_name)?,
        inputs::field(options, "digest")?,
    ) {
        (Some(a), None) => Ok(Target::Bytes(
            inputs::bytes(a, &format!("options.{bytes_name}"))?.to_vec(),
        )),
        (None, Some(d)) => Ok(Target::Digest(inputs::string(d, "options.digest")?)),
        (Some(_), Some(_)) => Err(invalid_artifact(format!(
            "give either options.{bytes_name} or options.digest, not both"
        ))),
        (None, None) => Err(invalid_artifact(format!(
            "options.{bytes_name} (the bytes) or options.digest (\"ALG:HEX\") is required"
        ))),
    }
}

fn options<'env>(value: Option<Unknown<'env>>, what: &str) -> Result<Object<'env>, Failure> {
    inputs::object(value, "options")?
        .ok_or_else(|| Failure::argument(format!("options is required: {what}")))
}

fn opt_string(obj: &Object<'_>, name: &str) -> Result<Option<String>, Failure> {
    inputs::field(obj, name)?
        .map(|v| inputs::string(v, &format!("options.{name}")))
        .transpose()
}

fn required_string(obj: &Object<'_>, name: &str) -> Result<String, Failure> {
    match opt_string(obj, name)? {
        Some(s) if !s.is_empty() => Ok(s),
        Some(_) => Err(Failure::argument(format!(
            "options.{name} must not be empty"
        ))),
        None => Err(Failure::argument(format!("options.{name} is required"))),
    }
}

fn verifier_arg(value: Unknown<'_>, arg: &str) -> Result<Arc<sigverify::Verifier>, Failure> {
    ClassInstance::<Verifier>::from_unknown(value)
        .map(|v| Arc::clone(&v.inner))
        .map_err(|_| Failure::argument(format!("{arg} must be a Verifier")))
}

fn opt_verifier(obj: &Object<'_>, name: &str) -> Result<Option<Arc<sigverify::Verifier>>, Failure> {
    inputs::field(obj, name)?
        .map(|v| verifier_arg(v, &format!("options.{name}")))
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// PyPI

/// Who must have signed PyPI attestations.
enum PypiSigner {
    Publisher(pypi::Publisher),
    Policy(Arc<sigverify::Policy>),
    FromProvenance,
}

/// A PyPI call: a PEP 740 attestation or an Integrity API provenance object.
pub struct PypiJob {
    verifier: Arc<sigverify::Verifier>,
    doc: Vec<u8>,
    target: Target,
    filename: String,
    signer: PypiSigner,
    now: i64,
}

/// The options of `pypi.verifyAttestation` and `pypi.verifyProvenance`: exactly one of `dist`
/// and `digest`, the distribution's `filename`, and who must have signed: `publisher`, `policy`
/// (or, for a provenance object only, `publisherFromProvenance: true`).
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PypiOptions {
    /// The distribution file's bytes (hashed with sha256 off the JavaScript thread).
    #[napi(ts_type = "Uint8Array")]
    pub dist: Option<()>,
    /// The distribution's digest, `sha256:HEX`, instead of its bytes.
    pub digest: Option<String>,
    /// The distribution's file name (`sampleproject-4.0.0.tar.gz`), compared as PyPI normalises
    /// names.
    pub filename: String,
    /// The Trusted Publisher: `github:OWNER/REPO/WORKFLOW.yml`, `gitlab:NAMESPACE/PROJECT/PATH.yml`
    /// or `google:EMAIL`.
    pub publisher: Option<String>,
    /// An explicit identity policy instead of a publisher.
    #[napi(ts_type = "Policy")]
    pub policy: Option<()>,
    /// `verifyProvenance` only: the publisher that the provenance object names.
    pub publisher_from_provenance: Option<bool>,
}

impl PypiJob {
    fn read(
        env: &Env,
        verifier: Unknown<'_>,
        doc: Unknown<'_>,
        opts: Option<Unknown<'_>>,
        what: &'static str,
        provenance: bool,
    ) -> Result<PypiJob, Failure> {
        let verifier = verifier_arg(verifier, "verifier")?;
        let o = options(opts, "{ dist | digest, filename, publisher | policy }")?;
        let target = target(&o, "dist")?;
        let filename = required_string(&o, "filename")?;
        let publisher = opt_string(&o, "publisher")?;
        let policy = inputs::field(&o, "policy")?
            .map(|p| policy_arg(p, "options.policy"))
            .transpose()?;
        let from_provenance = match inputs::field(&o, "publisherFromProvenance")? {
            Some(v) => inputs::boolean(v, "options.publisherFromProvenance")?,
            None => false,
        };
        if from_provenance && !provenance {
            return Err(Failure::argument(
                "options.publisherFromProvenance is only for verifyProvenance (a PEP 740 attestation names no publisher)",
            ));
        }
        let signer = match (publisher, policy, from_provenance) {
            (Some(p), None, false) => PypiSigner::Publisher(core(pypi::Publisher::parse(&p))?),
            (None, Some(p), false) => PypiSigner::Policy(p),
            (None, None, true) => PypiSigner::FromProvenance,
            (None, None, false) => {
                return Err(Failure::argument(
                    "who must have signed is required: options.publisher (\"github:OWNER/REPO/WORKFLOW.yml\", gitlab:, google:) or options.policy",
                ))
            }
            _ => {
                return Err(Failure::argument(
                    "give only one of options.publisher, options.policy and options.publisherFromProvenance",
                ))
            }
        };
        let doc = inputs::json_bytes(env, doc, what, what)?;
        Ok(PypiJob {
            verifier,
            doc,
            target,
            filename,
            signer,
            now: now(),
        })
    }

    fn expect(&self) -> pypi::Expect<'_> {
        match &self.signer {
            PypiSigner::Publisher(p) => pypi::Expect::Publisher(p),
            PypiSigner::Policy(p) => pypi::Expect::Policy(p),
            PypiSigner::FromProvenance => pypi::Expect::FromProvenance,
        }
    }
}

/// `pypi.verifyAttestation`.
pub struct PypiAttestation(PypiJob);
/// `pypi.verifyProvenance`.
pub struct PypiProvenance(PypiJob);

impl EcoJob for PypiAttestation {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn run(&self) -> Result<Self::Out, Failure> {
        let j = &self.0;
        let bundle = core(pypi::parse_attestation(&j.doc))?;
        let sha256 = j.target.digest(HashAlg::Sha256, "dist")?;
        core(match j.expect() {
            pypi::Expect::Publisher(p) => {
                pypi::verify_attestation(&j.verifier, &bundle, &j.filename, &sha256, p, j.now)
            }
            pypi::Expect::Policy(p) => pypi::verify_attestation_with_policy(
                &j.verifier,
                &bundle,
                &j.filename,
                &sha256,
                p,
                j.now,
            ),
            pypi::Expect::FromProvenance => {
                return Err(Failure::Internal(
                    "publisherFromProvenance for an attestation".into(),
                ))
            }
        })
    }

    fn to_js(out: Self::Out) -> Self::Js {
        VerificationResult::from(&out)
    }
}

impl EcoJob for PypiProvenance {
    type Out = Vec<sigverify::VerificationResult>;
    type Js = Vec<VerificationResult>;

    fn run(&self) -> Result<Self::Out, Failure> {
        let j = &self.0;
        let prov = core(pypi::parse_provenance(&j.doc))?;
        let sha256 = j.target.digest(HashAlg::Sha256, "dist")?;
        core(pypi::verify_provenance(
            &j.verifier,
            &prov,
            &j.filename,
            &sha256,
            &j.expect(),
            j.now,
        ))
    }

    fn to_js(out: Self::Out) -> Self::Js {
        out.iter().map(VerificationResult::from).collect()
    }
}

/// Verifies one PEP 740 attestation (a `Buffer`/string of JSON, or the parsed object) for a
/// distribution file: its statement must have exactly one subject, the file's name and sha256,
/// with PyPI's publish or SLSA provenance predicate, signed by the Trusted Publisher. Runs off
/// the JavaScript thread. Rejects with a `VerificationError` or an `InvalidInputError`.
#[napi(
    namespace = "pypi",
    ts_args_type = "verifier: Verifier, attestation: Uint8Array | string | object, options: PypiOptions",
    ts_return_type = "Promise<VerificationResult>"
)]
pub fn verify_attestation(
    env: Env,
    verifier: Unknown<'_>,
    attestation: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<EcoTask<PypiAttestation>> {
    task(
        PypiJob::read(&env, verifier, attestation, options, "attestation", false)
            .map(PypiAttestation),
    )
}

/// `verifyAttestation`, on the calling thread.
#[napi(
    namespace = "pypi",
    ts_args_type = "verifier: Verifier, attestation: Uint8Array | string | object, options: PypiOptions"
)]
pub fn verify_attestation_sync(
    env: Env,
    verifier: Unknown<'_>,
    attestation: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<VerificationResult> {
    sync(
        &env,
        PypiJob::read(&env, verifier, attestation, options, "attestation", false)
            .map(PypiAttestation),
    )
}

/// Verifies every attestation of a PyPI Integrity API provenance object
/// (`/integrity/PROJECT/VERSION/FILE/provenance`) for a distribution file; resolves to one result
/// per attestation. Runs off the JavaScript thread.
#[napi(
    namespace = "pypi",
    ts_args_type = "verifier: Verifier, provenance: Uint8Array | string | object, options: PypiOptions",
    ts_return_type = "Promise<Array<VerificationResult>>"
)]
pub fn verify_provenance(
    env: Env,
    verifier: Unknown<'_>,
    provenance: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<EcoTask<PypiProvenance>> {
    task(PypiJob::read(&env, verifier, provenance, options, "provenance", true).map(PypiProvenance))
}

/// `verifyProvenance`, on the calling thread.
#[napi(
    namespace = "pypi",
    ts_args_type = "verifier: Verifier, provenance: Uint8Array | string | object, options: PypiOptions"
)]
pub fn verify_provenance_sync(
    env: Env,
    verifier: Unknown<'_>,
    provenance: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Vec<VerificationResult>> {
    sync(
        &env,
        PypiJob::read(&env, verifier, provenance, options, "provenance", true).map(PypiProvenance),
    )
}

// ---------------------------------------------------------------------------------------------
// npm

/// The npm registry's signing keys (`registry.npmjs.org/-/npm/v1/keys`, or the
/// `registry.npmjs.org/keys.json` target of Sigstore's TUF repository).
#[napi(namespace = "npm")]
pub struct RegistryKeys {
    inner: Arc<npm::RegistryKeys>,
    embedded: bool,
}

fn embedded_keys() -> Result<Arc<npm::RegistryKeys>, Failure> {
    static KEYS: OnceLock<Result<Arc<npm::RegistryKeys>, sigverify::Error>> = OnceLock::new();
    KEYS.get_or_init(|| npm::RegistryKeys::embedded().map(Arc::new))
        .as_ref()
        .map(Arc::clone)
        .map_err(|e| Failure::Load(e.clone()))
}

#[napi(namespace = "npm")]
impl RegistryKeys {
    /// The registry keys embedded in sigverify.
    #[napi(factory)]
    pub fn embedded(env: Env) -> napi::Result<RegistryKeys> {
        panic_boundary(embedded_keys)
            .map(|inner| RegistryKeys {
                inner,
                embedded: true,
            })
            .map_err(|f| f.into_js(&env))
    }

    /// Reads a `keys.json` document (`Buffer`/`Uint8Array`, string, or the parsed object).
    /// Throws `InvalidInputError` when it is unusable.
    #[napi(factory, js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array | string | object")] json: Unknown<'_>,
    ) -> napi::Result<RegistryKeys> {
        let bytes = inputs::json_bytes(&env, json, "npm keys.json", "json")
            .map_err(|f| material(f).into_js(&env))?;
        panic_boundary(|| {
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
        .map(|inner| RegistryKeys {
            inner: Arc::new(inner),
            embedded: false,
        })
        .map_err(|f| f.into_js(&env))
    }

    /// Whether these are the embedded keys.
    #[napi(getter)]
    pub fn is_embedded(&self) -> bool {
        self.embedded
    }
}

/// What the attestations of one npm package version established.
#[napi(object, object_from_js = false)]
pub struct NpmVerification {
    /// The SLSA provenance attestation, when the response has one.
    pub provenance: Option<VerificationResult>,
    /// The registry's publish attestation, when the response has one.
    pub publish: Option<VerificationResult>,
    /// `NAME@VERSION`.
    pub package: String,
}

/// The options of `npm.verify`: the `package`, exactly one of `tarball`, `integrity` and
/// `digest`, and optionally the source `repository` and the registry `keys`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct NpmOptions {
    /// `NAME@VERSION` (`@scope/name@1.2.3`).
    pub package: String,
    /// The tarball's bytes (hashed with sha512 off the JavaScript thread).
    #[napi(ts_type = "Uint8Array")]
    pub tarball: Option<()>,
    /// The packument's `dist.integrity`, `sha512-BASE64`.
    pub integrity: Option<String>,
    /// The tarball's digest, `sha512:HEX`.
    pub digest: Option<String>,
    /// `OWNER/REPO`: pins the provenance's source repository (without it, any signer verifies,
    /// as with npm, and the result says who signed).
    pub repository: Option<String>,
    /// The registry keys (default: `RegistryKeys.embedded()`).
    #[napi(ts_type = "npm.RegistryKeys")]
    pub keys: Option<()>,
}

/// An npm call.
pub struct NpmJob {
    verifier: Arc<sigverify::Verifier>,
    keys: Option<Arc<npm::RegistryKeys>>,
    doc: Vec<u8>,
    target: Target,
    package: String,
    repository: Option<String>,
    now: i64,
}

impl NpmJob {
    fn read(
        env: &Env,
        verifier: Unknown<'_>,
        doc: Unknown<'_>,
        opts: Option<Unknown<'_>>,
    ) -> Result<NpmJob, Failure> {
        let verifier = verifier_arg(verifier, "verifier")?;
        let o = options(opts, "{ package, tarball | integrity | digest }")?;
        let package = required_string(&o, "package")?;
        let integrity = opt_string(&o, "integrity")?;
        let target = match integrity {
            Some(i) => {
                if inputs::field(&o, "tarball")?.is_some() || inputs::field(&o, "digest")?.is_some()
                {
                    return Err(invalid_artifact(
                        "give exactly one of options.tarball, options.integrity and options.digest"
                            .into(),
                    ));
                }
                Target::Raw(HashAlg::Sha512, core(npm::parse_integrity(&i))?)
            }
            None => target(&o, "tarball")?,
        };
        let repository = opt_string(&o, "repository")?;
        let keys = match inputs::field(&o, "keys")? {
            Some(k) => Some(
                ClassInstance::<RegistryKeys>::from_unknown(k)
                    .map(|k| Arc::clone(&k.inner))
                    .map_err(|_| {
                        Failure::argument(
                            "options.keys must be an npm.RegistryKeys (RegistryKeys.embedded() or RegistryKeys.fromJSON(doc))",
                        )
                    })?,
            ),
            None => None,
        };
        let doc = inputs::json_bytes(env, doc, "npm attestations response", "attestations")?;
        Ok(NpmJob {
            verifier,
            keys,
            doc,
            target,
            package,
            repository,
            now: now(),
        })
    }
}

impl EcoJob for NpmJob {
    type Out = (npm::NpmVerification, String);
    type Js = NpmVerification;

    fn run(&self) -> Result<Self::Out, Failure> {
        let keys = match &self.keys {
            Some(k) => Arc::clone(k),
            None => embedded_keys()?,
        };
        // The response is checked before the tarball is hashed.
        core(npm::parse_response(&self.doc))?;
        let sha512 = self.target.digest(HashAlg::Sha512, "tarball")?;
        let out = core(npm::verify(
            &self.verifier,
            &keys,
            &self.doc,
            &self.package,
            &sha512,
            self.repository.as_deref(),
            self.now,
        ))?;
        Ok((out, self.package.clone()))
    }

    fn to_js((out, package): Self::Out) -> Self::Js {
        NpmVerification {
            provenance: out.provenance.as_ref().map(VerificationResult::from),
            publish: out.publish.as_ref().map(VerificationResult::from),
            package,
        }
    }
}

/// Verifies the registry's attestations response (`/-/npm/v1/attestations/NAME@VERSION`) for
/// one package version: every attestation must verify, with the subject
/// `pkg:npm/NAME@VERSION` and the tarball's sha512; the publish attestation is signed by a
/// registry key. Runs off the JavaScript thread.
#[napi(
    namespace = "npm",
    ts_args_type = "verifier: Verifier, attestations: Uint8Array | string | object, options: NpmOptions",
    ts_return_type = "Promise<NpmVerification>"
)]
pub fn verify(
    env: Env,
    verifier: Unknown<'_>,
    attestations: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<EcoTask<NpmJob>> {
    task(NpmJob::read(&env, verifier, attestations, options))
}

/// `verify`, on the calling thread.
#[napi(
    namespace = "npm",
    ts_args_type = "verifier: Verifier, attestations: Uint8Array | string | object, options: NpmOptions"
)]
pub fn verify_sync(
    env: Env,
    verifier: Unknown<'_>,
    attestations: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<NpmVerification> {
    sync(&env, NpmJob::read(&env, verifier, attestations, options))
}

// ---------------------------------------------------------------------------------------------
// GitHub

/// The public-good and GitHub-instance verifiers built once, for calls that pass none.
type Defaults = (Arc<sigverify::Verifier>, Arc<sigverify::Verifier>);

fn default_verifiers() -> Result<Defaults, Failure> {
    static VERIFIERS: OnceLock<Result<Defaults, sigverify::Error>> = OnceLock::new();
    VERIFIERS
        .get_or_init(|| {
            let public_good = sigverify::Verifier::new(&sigverify::TrustedRoot::public_good()?)?;
            let github = sigverify::Verifier::with_options(
                &sigverify::TrustedRoot::github()?,
                gh::github_instance_options(),
                Backend::default(),
            )?;
            Ok((Arc::new(public_good), Arc::new(github)))
        })
        .as_ref()
        .map(|(p, g)| (Arc::clone(p), Arc::clone(g)))
        .map_err(|e| Failure::Load(e.clone()))
}

/// The options of `github.verify`: exactly one of `artifact` and `digest`; the repository
/// (`repository` or `owner`, optionally `signerWorkflow`) or an explicit `policy`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct GithubOptions {
    /// The artifact's bytes.
    #[napi(ts_type = "Uint8Array")]
    pub artifact: Option<()>,
    /// The artifact's digest, `sha256:HEX` (also `sha384:`, `sha512:`).
    pub digest: Option<String>,
    /// `OWNER/REPO`: the source repository.
    pub repository: Option<String>,
    /// `OWNER`: any repository of this owner.
    pub owner: Option<String>,
    /// `OWNER/REPO/.github/workflows/FILE.yml` (optionally `@REF`): the signing workflow.
    pub signer_workflow: Option<String>,
    /// An explicit policy instead of `repository`/`owner`/`signerWorkflow`.
    #[napi(ts_type = "Policy")]
    pub policy: Option<()>,
    /// Forces the trust domain (default: chosen by the CA that issued the certificate).
    #[napi(ts_type = "'public-good' | 'github'")]
    pub instance: Option<String>,
    /// The public-good verifier (default: one built once from the embedded root).
    #[napi(ts_type = "Verifier")]
    pub public_good: Option<()>,
    /// The GitHub-instance verifier (default: one built once from the embedded root, with
    /// GitHub's thresholds).
    #[napi(ts_type = "Verifier")]
    pub github_instance: Option<()>,
}

/// The options of `github.verifyHomebrewBottle`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct HomebrewOptions {
    /// The bottle's bytes.
    #[napi(ts_type = "Uint8Array")]
    pub bottle: Option<()>,
    /// The bottle's digest, `sha256:HEX`.
    pub digest: Option<String>,
    /// The bottle's file name, the statement's subject.
    pub name: String,
    /// The public-good verifier (default: one built once from the embedded root).
    #[napi(ts_type = "Verifier")]
    pub public_good: Option<()>,
    /// The GitHub-instance verifier (default: built once from the embedded root).
    #[napi(ts_type = "Verifier")]
    pub github_instance: Option<()>,
}

enum GithubKind {
    Policy(Arc<sigverify::Policy>, Option<gh::Instance>),
    Homebrew(String),
}

/// A GitHub call.
pub struct GithubJob {
    public_good: Option<Arc<sigverify::Verifier>>,
    github_instance: Option<Arc<sigverify::Verifier>>,
    doc: Vec<u8>,
    target: Target,
    kind: GithubKind,
    now: i64,
}

impl GithubJob {
    fn read(
        env: &Env,
        bundles: Unknown<'_>,
        opts: Option<Unknown<'_>>,
        homebrew: bool,
    ) -> Result<GithubJob, Failure> {
        let o = if homebrew {
            options(opts, "{ bottle | digest, name }")?
        } else {
            options(opts, "{ artifact | digest, repository | owner | policy }")?
        };
        let target = target(&o, if homebrew { "bottle" } else { "artifact" })?;
        let kind = if homebrew {
            GithubKind::Homebrew(required_string(&o, "name")?)
        } else {
            let explicit = inputs::field(&o, "policy")?
                .map(|p| policy_arg(p, "options.policy"))
                .transpose()?;
            let (repository, owner, workflow) = (
                opt_string(&o, "repository")?,
                opt_string(&o, "owner")?,
                opt_string(&o, "signerWorkflow")?,
            );
            let policy = match (explicit, &repository, &owner, &workflow) {
                (Some(p), None, None, None) => p,
                (Some(_), ..) => {
                    return Err(Failure::argument(
                        "give either options.policy or options.repository/owner/signerWorkflow, not both",
                    ))
                }
                (None, None, None, _) => {
                    return Err(Failure::argument(
                        "options.repository (\"OWNER/REPO\") or options.owner (or options.policy) is required",
                    ))
                }
                (None, r, o, w) => Arc::new(core(gh::policy(
                    r.as_deref(),
                    o.as_deref(),
                    w.as_deref(),
                ))?),
            };
            let instance = match opt_string(&o, "instance")?.as_deref() {
                None => None,
                Some("public-good") => Some(gh::Instance::PublicGood),
                Some("github") => Some(gh::Instance::GitHub),
                Some(other) => {
                    return Err(Failure::argument(format!(
                        "options.instance must be \"public-good\" or \"github\", found {other:?}"
                    )))
                }
            };
            GithubKind::Policy(policy, instance)
        };
        let public_good = opt_verifier(&o, "publicGood")?;
        let github_instance = opt_verifier(&o, "githubInstance")?;
        let doc = inputs::json_bytes(env, bundles, "GitHub attestations", "bundles")?;
        Ok(GithubJob {
            public_good,
            github_instance,
            doc,
            target,
            kind,
            now: now(),
        })
    }
}

impl EcoJob for GithubJob {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn run(&self) -> Result<Self::Out, Failure> {
        let (pg, ghv) = match (&self.public_good, &self.github_instance) {
            (Some(p), Some(g)) => (Arc::clone(p), Arc::clone(g)),
            (p, g) => {
                let (dp, dg) = default_verifiers()?;
                (
                    p.as_ref().map_or(dp, Arc::clone),
                    g.as_ref().map_or(dg, Arc::clone),
                )
            }
        };
        let bundles = core(gh::parse_bundles(&self.doc))?;
        let artifact = self.target.artifact()?;
        core(match &self.kind {
            GithubKind::Policy(policy, instance) => {
                gh::verify(&pg, &ghv, &bundles, &artifact, policy, *instance, self.now)
            }
            GithubKind::Homebrew(name) => {
                gh::verify_homebrew_bottle(&pg, &ghv, &bundles, name, &artifact, self.now)
            }
        })
    }

    fn to_js(out: Self::Out) -> Self::Js {
        VerificationResult::from(&out)
    }
}

/// Verifies GitHub artifact attestations (`gh attestation verify`): one Sigstore bundle, or the
/// attestations API's JSON lines, as a `Buffer`/string (or a parsed bundle). The first
/// attestation that verifies for the artifact and the policy wins. Runs off the JavaScript
/// thread.
#[napi(
    namespace = "github",
    js_name = "verify",
    ts_args_type = "bundles: Uint8Array | string | object, options: GithubOptions",
    ts_return_type = "Promise<VerificationResult>"
)]
pub fn verify_github(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<EcoTask<GithubJob>> {
    task(GithubJob::read(&env, bundles, options, false))
}

/// `verify`, on the calling thread.
#[napi(
    namespace = "github",
    js_name = "verifySync",
    ts_args_type = "bundles: Uint8Array | string | object, options: GithubOptions"
)]
pub fn verify_github_sync(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<VerificationResult> {
    sync(&env, GithubJob::read(&env, bundles, options, false))
}

/// Verifies a Homebrew bottle's attestations: built by Homebrew/homebrew-core's CI, with the
/// bottle's file name as the statement's subject. Runs off the JavaScript thread.
#[napi(
    namespace = "github",
    ts_args_type = "bundles: Uint8Array | string | object, options: HomebrewOptions",
    ts_return_type = "Promise<VerificationResult>"
)]
pub fn verify_homebrew_bottle(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<EcoTask<GithubJob>> {
    task(GithubJob::read(&env, bundles, options, true))
}

/// `verifyHomebrewBottle`, on the calling thread.
#[napi(
    namespace = "github",
    ts_args_type = "bundles: Uint8Array | string | object, options: HomebrewOptions"
)]
pub fn verify_homebrew_bottle_sync(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<VerificationResult> {
    sync(&env, GithubJob::read(&env, bundles, options, true))
}
