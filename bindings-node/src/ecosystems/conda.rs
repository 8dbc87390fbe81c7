//! `conda`: the publish attestation of a conda package (CEP 27), as one bundle or a `.v0.sigs`
//! sidecar (`sigverify_host::ecosystems::conda`).

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::ecosystems::conda;
use sigverify_host::{now, Failure};

use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

/// The options of `conda.verify`: exactly one of `package` and `digest` (with `filename`),
/// exactly one of `bundle` and `sigs`, and who must have signed: `repository` (optionally
/// `signerWorkflow`) or `identity` with `issuer`.
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct CondaOptions {
    /// The package file's bytes (hashed with sha256 off the JavaScript thread).
    #[napi(ts_type = "Uint8Array")]
    pub package: Option<()>,
    /// The package's digest, `sha256:HEX`, instead of its bytes.
    pub digest: Option<String>,
    /// The package's file name, `NAME-VERSION-BUILD.conda` or `.tar.bz2` (the statement's
    /// subject).
    pub filename: Option<String>,
    /// One Sigstore bundle (a `Buffer`/string of JSON, or the parsed object).
    #[napi(ts_type = "Uint8Array | string | object")]
    pub bundle: Option<()>,
    /// A sidecar `FILE.v0.sigs`: a JSON array of bundles (bytes, string, or the parsed array);
    /// every bundle must verify.
    #[napi(ts_type = "Uint8Array | string | Array<object>")]
    pub sigs: Option<()>,
    /// The GitHub Trusted Publisher, `OWNER/REPO`.
    pub repository: Option<String>,
    /// With `repository`: the signing workflow, `release.yml[@REF]` of that repository or
    /// `OWNER/REPO/.github/workflows/F.yml[@REF]`.
    pub signer_workflow: Option<String>,
    /// Instead of `repository`: the certificate's identity (SAN), exactly.
    pub identity: Option<String>,
    /// With `identity`: its OIDC issuer.
    pub issuer: Option<String>,
    /// The channel URL the attestation's `targetChannel` must name.
    pub channel: Option<String>,
}

fn request(
    env: &Env,
    verifier: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<conda::Job<'static>, Failure> {
    let verifier = crate::verifier::arg(verifier, "verifier")?;
    let o = inputs::options(
        options,
        "{ package | digest, filename, bundle | sigs, repository | identity, issuer }",
    )?;
    conda::Request {
        verifier,
        package: o.data("package")?,
        digest: o.string("digest")?,
        filename: o.string("filename")?,
        bundle: o.read("bundle", |v, arg| inputs::document(env, v, "bundle", arg))?,
        sigs: o.read("sigs", |v, arg| {
            inputs::document(env, v, "conda .v0.sigs sidecar", arg)
        })?,
        repository: o.string("repository")?,
        signer_workflow: o.string("signerWorkflow")?,
        identity: o.string("identity")?,
        issuer: o.string("issuer")?,
        channel: o.string("channel")?,
    }
    .validate()
}

/// `conda.verify`: one result per bundle.
pub struct Verify(conda::Job<'static>);

impl Job for Verify {
    type Out = Vec<sigverify::VerificationResult>;
    type Js = Vec<VerificationResult>;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.0.run(now())
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(out.into_iter().map(VerificationResult::from).collect())
    }
}

/// Verifies the publish attestation of a conda package (CEP 27), one bundle or every bundle of a
/// `.v0.sigs` sidecar: the statement has exactly one subject, the package's file name and
/// sha256, the conda publish predicate and, when `channel` is given, that `targetChannel`;
/// signed by the repository's workflow or the identity. Resolves to one result per bundle. Runs
/// off the JavaScript thread. Rejects with a `VerificationError` or an `InvalidInputError`.
#[napi(
    namespace = "conda",
    ts_args_type = "verifier: Verifier, options: CondaOptions",
    ts_return_type = "Promise<Array<VerificationResult>>"
)]
pub fn verify(
    env: Env,
    verifier: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<JobTask<Verify>> {
    task(request(&env, verifier, options).map(Verify))
}

/// `verify`, on the calling thread.
#[napi(
    namespace = "conda",
    ts_args_type = "verifier: Verifier, options: CondaOptions"
)]
pub fn verify_sync(
    env: Env,
    verifier: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Vec<VerificationResult>> {
    sync(&env, request(&env, verifier, options).map(Verify))
}
