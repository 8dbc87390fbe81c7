//! `npm`: the registry's attestations response for one package version, and its keys.

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, ClassInstance, FromNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify::ecosystems::npm as core;
use sigverify_host::ecosystems::npm;
use sigverify_host::{guard, now, Failure};

use crate::errors::throw;
use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

/// The npm registry's signing keys (`registry.npmjs.org/-/npm/v1/keys`, or the
/// `registry.npmjs.org/keys.json` target of Sigstore's TUF repository).
#[napi(namespace = "npm")]
pub struct RegistryKeys {
    inner: Arc<core::RegistryKeys>,
    embedded: bool,
}

#[napi(namespace = "npm")]
impl RegistryKeys {
    /// The registry keys embedded in sigverify.
    #[napi(factory)]
    pub fn embedded(env: Env) -> napi::Result<RegistryKeys> {
        throw(&env, guard(sigverify_host::npm_keys)).map(|inner| RegistryKeys {
            inner,
            embedded: true,
        })
    }

    /// Reads a `keys.json` document (`Buffer`/`Uint8Array`, string, or the parsed object).
    /// Throws `InvalidInputError` when it is unusable.
    #[napi(factory, js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array | string | object")] json: Unknown<'_>,
    ) -> napi::Result<RegistryKeys> {
        let keys = guard(|| {
            let bytes = inputs::json(&env, json, "npm keys.json", "json")?;
            Ok(core::RegistryKeys::from_json(&bytes)?)
        });
        throw(&env, keys.map_err(Failure::loading)).map(|keys| RegistryKeys {
            inner: Arc::new(keys),
            embedded: false,
        })
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

fn keys(value: Unknown<'_>, arg: &str) -> Result<Arc<core::RegistryKeys>, Failure> {
    ClassInstance::<RegistryKeys>::from_unknown(value)
        .map(|k| Arc::clone(&k.inner))
        .map_err(|_| {
            Failure::argument(format!(
                "{arg} must be an npm.RegistryKeys (RegistryKeys.embedded() or RegistryKeys.fromJSON(doc))"
            ))
        })
}

fn request(
    env: &Env,
    verifier: Unknown<'_>,
    doc: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<npm::Job<'static>, Failure> {
    let verifier = crate::verifier::arg(verifier, "verifier")?;
    let o = inputs::options(options, "{ package, tarball | integrity | digest }")?;
    npm::Request {
        verifier,
        package: o.string("package")?,
        tarball: o.data("tarball")?,
        integrity: o.string("integrity")?,
        digest: o.string("digest")?,
        repository: o.string("repository")?,
        previous: None,
        keys: o.read("keys", keys)?,
        document: inputs::document(env, doc, "npm attestations response", "attestations")?,
    }
    .validate()
}

impl Job for npm::Job<'static> {
    type Out = (core::NpmVerification, String);
    type Js = NpmVerification;

    fn call(&self) -> Result<Self::Out, Failure> {
        Ok((self.run(now())?, self.package().to_owned()))
    }

    fn to_js(_: &Env, (out, package): Self::Out) -> napi::Result<Self::Js> {
        Ok(NpmVerification {
            provenance: out.provenance.map(VerificationResult::from),
            publish: out.publish.map(VerificationResult::from),
            package,
        })
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
) -> AsyncTask<JobTask<npm::Job<'static>>> {
    task(request(&env, verifier, attestations, options))
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
    sync(&env, request(&env, verifier, attestations, options))
}
