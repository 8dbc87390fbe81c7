//! `bcr`: Bazel Central Registry module versions (`attestations.json` with the module
//! directory) or one file with its `.intoto.jsonl`, through the host's request
//! (`sigverify_host::ecosystems::bcr::Request`), as the CLI, C and Python call it.

use std::path::PathBuf;

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::ecosystems::bcr::{Job as BcrJob, Report, Request};
use sigverify_host::{now, Failure};

use super::verifier;
use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

/// One verified file of a module version.
#[napi(object, object_from_js = false)]
pub struct BcrFile {
    /// The file's name: `MODULE.bazel`, `source.json` or the archive's.
    pub file: String,
    /// Its kind, which decides the workflow it must come from: `module`, `source`, `archive`.
    pub kind: String,
    /// The workflow that attested it (the certificate's build signer URI, with `@REF`).
    pub signer_workflow: String,
    /// The verification of its attestation.
    pub result: VerificationResult,
}

/// A verified module version (or file).
#[napi(object, object_from_js = false)]
pub struct BcrVerification {
    /// Every file, in the order verified (`MODULE.bazel`, `source.json`, the archive).
    pub files: Vec<BcrFile>,
}

/// The options of `bcr.verify`: `attestations` with `moduleDir`, or `file` with `bundle`, and
/// the module's `repository`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct BcrOptions {
    /// `OWNER/REPO`: the module's source repository.
    pub repository: String,
    /// The release tag (`v1.2.3`): every certificate's source ref must be `refs/tags/TAG`.
    pub tag: Option<String>,
    /// The module version's `attestations.json`.
    #[napi(ts_type = "Uint8Array | string | object")]
    pub attestations: Option<()>,
    /// The folder holding `MODULE.bazel`, `source.json`, the archive and the attestation files
    /// (named by the last component of their `url`); read by plain name, never through a link.
    pub module_dir: Option<String>,
    /// One file's bytes.
    #[napi(ts_type = "Uint8Array")]
    pub file: Option<()>,
    /// The file's name (required with `file`): it decides the file's kind.
    pub name: Option<String>,
    /// The file's attestations (`.intoto.jsonl`: JSON lines of bundles, or one bundle).
    #[napi(ts_type = "Uint8Array | string | object")]
    pub bundle: Option<()>,
    /// The verifier (default: the embedded public-good one).
    #[napi(ts_type = "Verifier")]
    pub verifier: Option<()>,
}

/// A BCR call.
pub struct Call(BcrJob<'static>);

fn request(env: &Env, options: Option<Unknown<'_>>) -> Result<Call, Failure> {
    let o = inputs::options(
        options,
        "{ repository, attestations, moduleDir | file, name, bundle }",
    )?;
    let doc =
        |name: &str, what: &'static str| o.read(name, |v, arg| inputs::document(env, v, what, arg));
    let job = Request {
        attestations: doc("attestations", "attestations.json")?,
        module_dir: o.string("moduleDir")?.map(PathBuf::from),
        file: o.data("file")?,
        name: o.string("name")?,
        bundle: doc("bundle", "GitHub attestations")?,
        repository: o.string("repository")?,
        tag: o.string("tag")?,
        verifier: verifier(&o, "verifier")?,
    }
    .validate()?;
    Ok(Call(job))
}

impl Job for Call {
    type Out = Report;
    type Js = BcrVerification;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.0.run(now())?.into_result()
    }

    fn to_js(_: &Env, r: Self::Out) -> napi::Result<Self::Js> {
        let files = r
            .files
            .into_iter()
            .filter_map(|f| f.outcome.ok())
            .map(|f| BcrFile {
                file: f.file,
                kind: f.kind.as_str().to_owned(),
                signer_workflow: f.signer_workflow,
                result: VerificationResult::from(f.result),
            })
            .collect();
        Ok(BcrVerification { files })
    }
}

/// Verifies a Bazel Central Registry module version: `MODULE.bazel` and `source.json` must be
/// attested by the publish-to-bcr workflow, the archive by the release workflow, all for
/// `repository` (and `tag`). Rejects with the first failing file's error (a
/// `VerificationError` `policy-mismatch` names the signer workflow found). Runs off the
/// JavaScript thread.
#[napi(
    namespace = "bcr",
    ts_args_type = "options: BcrOptions",
    ts_return_type = "Promise<BcrVerification>"
)]
pub fn verify(env: Env, options: Option<Unknown<'_>>) -> AsyncTask<JobTask<Call>> {
    task(request(&env, options))
}

/// `verify`, on the calling thread.
#[napi(namespace = "bcr", ts_args_type = "options: BcrOptions")]
pub fn verify_sync(env: Env, options: Option<Unknown<'_>>) -> napi::Result<BcrVerification> {
    sync(&env, request(&env, options))
}
