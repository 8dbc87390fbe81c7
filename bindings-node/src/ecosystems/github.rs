//! `github`: GitHub artifact attestations (`gh attestation verify`) and Homebrew bottles.

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::ecosystems::github;
use sigverify_host::{now, Failure};

use super::{policy, verifier};
use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

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

const WHAT: &str = "GitHub attestations";

fn request(
    env: &Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<github::Job<'static>, Failure> {
    let o = inputs::options(
        options,
        "{ artifact | digest, repository | owner | policy }",
    )?;
    github::Request {
        artifact: o.data("artifact")?,
        digest: o.string("digest")?,
        repository: o.string("repository")?,
        owner: o.string("owner")?,
        signer_workflow: o.string("signerWorkflow")?,
        policy: policy(&o)?,
        instance: o.string("instance")?,
        public_good: verifier(&o, "publicGood")?,
        github_instance: verifier(&o, "githubInstance")?,
        document: inputs::document(env, bundles, WHAT, "bundles")?,
    }
    .validate()
}

fn homebrew(
    env: &Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<github::Job<'static>, Failure> {
    let o = inputs::options(options, "{ bottle | digest, name }")?;
    github::HomebrewRequest {
        bottle: o.data("bottle")?,
        digest: o.string("digest")?,
        name: o.string("name")?,
        public_good: verifier(&o, "publicGood")?,
        github_instance: verifier(&o, "githubInstance")?,
        document: inputs::document(env, bundles, WHAT, "bundles")?,
    }
    .validate()
}

impl Job for github::Job<'static> {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.run(now())
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(VerificationResult::from(out))
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
) -> AsyncTask<JobTask<github::Job<'static>>> {
    task(request(&env, bundles, options))
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
    sync(&env, request(&env, bundles, options))
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
) -> AsyncTask<JobTask<github::Job<'static>>> {
    task(homebrew(&env, bundles, options))
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
    sync(&env, homebrew(&env, bundles, options))
}
