//! The Node face of `sigverify_host::ecosystems::github_release`: GitHub immutable releases,
//! `github.verifyRelease` and `github.verifyReleaseSync`. Issue 19.

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::ecosystems::github_release::{self as rel, Asset};
use sigverify_host::{now, Failure};

use super::verifier;
use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

/// One asset of `ReleaseOptions.assets`: its bytes and its file name.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct ReleaseAsset {
    /// The asset's file name, as the release lists it.
    pub name: String,
    /// The asset's bytes (hashed with sha256).
    #[napi(ts_type = "Uint8Array")]
    pub data: (),
}

/// The options of `github.verifyRelease`: `repository` and `tag` (required); `assets`, or one
/// asset's `digest` with its `filename` (not both); with neither, the release itself.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct ReleaseOptions {
    /// `OWNER/REPO`.
    pub repository: String,
    /// The release tag.
    pub tag: String,
    /// Assets that must be in the release.
    #[napi(ts_type = "ReleaseAsset[]")]
    pub assets: Option<()>,
    /// One asset's `sha256:HEX` (with `filename`).
    pub digest: Option<String>,
    /// That asset's file name (with `digest`).
    pub filename: Option<String>,
    /// The GitHub-instance verifier (default: one built once from the embedded root, with
    /// GitHub's thresholds).
    #[napi(ts_type = "Verifier")]
    pub github_instance: Option<()>,
}

fn request(
    env: &Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<rel::Job<'static>, Failure> {
    let o = inputs::options(options, "{ repository, tag, assets | digest and filename }")?;
    let assets = match o.get("assets")? {
        None => Vec::new(),
        Some(list) => inputs::elements(list, "options.assets")?
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let what = format!("options.assets[{i}]");
                let f = inputs::object(Some(item), &what)?.ok_or_else(|| {
                    Failure::argument(format!("{what}: expected {{ name, data }}"))
                })?;
                Ok(Asset {
                    name: f.string("name")?,
                    data: f
                        .data("data")?
                        .ok_or_else(|| Failure::argument(format!("{what}.data is required")))?,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?,
    };
    rel::Request {
        repository: o.string("repository")?,
        tag: o.string("tag")?,
        assets,
        digest: o.string("digest")?,
        filename: o.string("filename")?,
        github_instance: verifier(&o, "githubInstance")?,
        document: inputs::document(env, bundles, "GitHub release attestation", "bundles")?,
    }
    .validate()
}

impl Job for rel::Job<'static> {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.run(now()).map(|r| r.result)
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(VerificationResult::from(out))
    }
}

/// Verifies a GitHub immutable release's attestation (`gh release verify`) and, with assets or
/// a digest and file name, that each asset is in the release (`gh release verify-asset`):
/// signed on GitHub's own instance by GitHub's release signer (SAN
/// `https://dotcom.releases.github.com`, no OIDC issuer claim: accepted here only), predicate
/// type release v0.2 or v0.1, about `pkg:github/OWNER/REPO@TAG`. `bundles`: one Sigstore bundle
/// or JSON lines, as a `Buffer`/string (or a parsed bundle). Runs off the JavaScript thread.
#[napi(
    namespace = "github",
    js_name = "verifyRelease",
    ts_args_type = "bundles: Uint8Array | string | object, options: ReleaseOptions",
    ts_return_type = "Promise<VerificationResult>"
)]
pub fn verify_release(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> AsyncTask<JobTask<rel::Job<'static>>> {
    task(request(&env, bundles, options))
}

/// `verifyRelease`, on the calling thread.
#[napi(
    namespace = "github",
    js_name = "verifyReleaseSync",
    ts_args_type = "bundles: Uint8Array | string | object, options: ReleaseOptions"
)]
pub fn verify_release_sync(
    env: Env,
    bundles: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<VerificationResult> {
    sync(&env, request(&env, bundles, options))
}
