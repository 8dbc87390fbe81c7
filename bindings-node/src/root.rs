//! `TrustedRoot`: the keys and certificates of a Sigstore instance.

use std::sync::Arc;

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::errors::{panic_boundary, Failure};
use crate::inputs;

/// Which embedded instance a root is, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Instance {
    PublicGood,
    Staging,
    Github,
    Custom,
}

/// The trusted material of one Sigstore instance: Fulcio CAs, Rekor logs, CT logs and timestamp
/// authorities, with their validity periods (a `trusted_root.json`). Immutable; share it freely.
///
/// The public-good, staging and GitHub roots are embedded in the package: no network access.
#[napi]
pub struct TrustedRoot {
    pub(crate) inner: Arc<sigverify::TrustedRoot>,
    pub(crate) instance: Instance,
}

fn load(
    env: &Env,
    instance: Instance,
    f: impl FnOnce() -> Result<sigverify::TrustedRoot, sigverify::Error>,
) -> napi::Result<TrustedRoot> {
    panic_boundary(|| f().map_err(Failure::Load))
        .map(|root| TrustedRoot {
            inner: Arc::new(root),
            instance,
        })
        .map_err(|f| f.into_js(env))
}

#[napi]
impl TrustedRoot {
    /// The root of Sigstore's public-good production instance (fulcio.sigstore.dev,
    /// rekor.sigstore.dev), embedded in the package.
    #[napi(factory)]
    pub fn public_good(env: Env) -> napi::Result<TrustedRoot> {
        load(
            &env,
            Instance::PublicGood,
            sigverify::TrustedRoot::public_good,
        )
    }

    /// The root of Sigstore's staging instance, embedded in the package.
    #[napi(factory)]
    pub fn staging(env: Env) -> napi::Result<TrustedRoot> {
        load(&env, Instance::Staging, sigverify::TrustedRoot::staging)
    }

    /// The root of GitHub's own Sigstore instance (artifact attestations of private repositories:
    /// Fulcio and a timestamp authority, no transparency log), embedded in the package. Verify
    /// with explicit thresholds: `new Verifier(TrustedRoot.github(), { tlogThreshold: 0,
    /// timestampThreshold: 1, sctThreshold: 0 })`.
    #[napi(factory)]
    pub fn github(env: Env) -> napi::Result<TrustedRoot> {
        load(&env, Instance::Github, sigverify::TrustedRoot::github)
    }

    /// Reads a `trusted_root.json` (Sigstore protobuf-specs `TrustedRoot`, JSON form), given as a
    /// `Buffer`/`Uint8Array`, a string, or a parsed object. Throws `InvalidInputError` (code
    /// `invalid-json`, `invalid-trusted-root`, `limit-exceeded`...) when it is unusable.
    #[napi(factory, js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array | string | object")] json: Unknown<'_>,
    ) -> napi::Result<TrustedRoot> {
        let bytes = inputs::json_bytes(&env, json, "trusted root", "json")
            .map_err(|f| material(f).into_js(&env))?;
        load(&env, Instance::Custom, || {
            sigverify::TrustedRoot::from_json(&bytes)
        })
    }

    /// `"public-good"`, `"staging"` or `"github"` for the embedded roots, `null` for one read
    /// with `fromJSON`.
    #[napi(getter, ts_return_type = "'public-good' | 'staging' | 'github' | null")]
    pub fn name(&self) -> Option<&'static str> {
        self.instance_name()
    }

    /// The number of transparency logs (Rekor).
    #[napi(getter)]
    pub fn tlog_count(&self) -> u32 {
        saturate(self.inner.tlog_count())
    }

    /// The number of certificate authorities (Fulcio).
    #[napi(getter)]
    pub fn certificate_authority_count(&self) -> u32 {
        saturate(self.inner.certificate_authority_count())
    }

    /// The number of timestamp authorities (RFC 3161).
    #[napi(getter)]
    pub fn timestamp_authority_count(&self) -> u32 {
        saturate(self.inner.timestamp_authority_count())
    }

    /// The number of certificate transparency logs.
    #[napi(getter)]
    pub fn ctlog_count(&self) -> u32 {
        saturate(self.inner.ctlog_count())
    }
}

impl TrustedRoot {
    pub(crate) fn instance_name(&self) -> Option<&'static str> {
        match self.instance {
            Instance::PublicGood => Some("public-good"),
            Instance::Staging => Some("staging"),
            Instance::Github => Some("github"),
            Instance::Custom => None,
        }
    }
}

/// A document that the caller supplies and that is not usable JSON is bad input.
pub(crate) fn material(f: Failure) -> Failure {
    match f {
        Failure::Verify(e) => Failure::Load(e),
        other => other,
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
