//! `pypi`: PEP 740 attestations and Integrity API provenance objects.

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::ecosystems::pypi::{self, Kind};
use sigverify_host::{now, Failure};

use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

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

fn request(
    env: &Env,
    kind: Kind,
    verifier: Unknown<'_>,
    doc: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<pypi::Job<'static>, Failure> {
    let verifier = crate::verifier::arg(verifier, "verifier")?;
    let o = inputs::options(options, "{ dist | digest, filename, publisher | policy }")?;
    let what = match kind {
        Kind::Attestation => "attestation",
        Kind::Provenance => "provenance",
    };
    pypi::Request {
        kind,
        verifier,
        dist: o.data("dist")?,
        digest: o.string("digest")?,
        filename: o.string("filename")?,
        publisher: o.string("publisher")?,
        policy: super::policy(&o)?,
        publisher_from_provenance: o.flag("publisherFromProvenance")?,
        document: inputs::document(env, doc, what, what)?,
    }
    .validate()
}

/// `pypi.verifyAttestation`: one result.
pub struct Attestation(pypi::Job<'static>);
/// `pypi.verifyProvenance`: one result per attestation.
pub struct Provenance(pypi::Job<'static>);

impl Job for Attestation {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn call(&self) -> Result<Self::Out, Failure> {
        let mut results = self.0.run(now())?.into_iter();
        results
            .next()
            .ok_or_else(|| Failure::Internal("an attestation without a result".into()))
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(VerificationResult::from(out))
    }
}

impl Job for Provenance {
    type Out = Vec<sigverify::VerificationResult>;
    type Js = Vec<VerificationResult>;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.0.run(now())
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(out.into_iter().map(VerificationResult::from).collect())
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
) -> AsyncTask<JobTask<Attestation>> {
    task(request(&env, Kind::Attestation, verifier, attestation, options).map(Attestation))
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
    let job = request(&env, Kind::Attestation, verifier, attestation, options);
    sync(&env, job.map(Attestation))
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
) -> AsyncTask<JobTask<Provenance>> {
    task(request(&env, Kind::Provenance, verifier, provenance, options).map(Provenance))
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
    let job = request(&env, Kind::Provenance, verifier, provenance, options);
    sync(&env, job.map(Provenance))
}
