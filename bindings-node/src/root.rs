//! `TrustedRoot`: the keys and certificates of a Sigstore instance.

use std::sync::Arc;

use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;
use sigverify_host::{guard, Failure, Instance};

use crate::errors::throw;
use crate::inputs;

/// The trusted material of one Sigstore instance: Fulcio CAs, Rekor logs, CT logs and timestamp
/// authorities, with their validity periods (a `trusted_root.json`). Immutable; share it freely.
///
/// The public-good, staging and GitHub roots are embedded in the package: no network access.
#[napi]
pub struct TrustedRoot {
    pub(crate) inner: Arc<sigverify::TrustedRoot>,
    /// The embedded instance it is, if any: a `Verifier` of it starts from that instance's
    /// options.
    pub(crate) instance: Option<Instance>,
}

fn embedded(env: &Env, instance: Instance) -> napi::Result<TrustedRoot> {
    throw(env, guard(|| instance.trusted_root())).map(|root| TrustedRoot {
        inner: Arc::new(root),
        instance: Some(instance),
    })
}

#[napi]
impl TrustedRoot {
    /// The root of Sigstore's public-good production instance (fulcio.sigstore.dev,
    /// rekor.sigstore.dev), embedded in the package.
    #[napi(factory)]
    pub fn public_good(env: Env) -> napi::Result<TrustedRoot> {
        embedded(&env, Instance::PublicGood)
    }

    /// The root of Sigstore's staging instance, embedded in the package.
    #[napi(factory)]
    pub fn staging(env: Env) -> napi::Result<TrustedRoot> {
        embedded(&env, Instance::Staging)
    }

    /// The root of GitHub's own Sigstore instance (artifact attestations of private repositories:
    /// Fulcio and a timestamp authority, no transparency log), embedded in the package. A
    /// `Verifier` of it starts from GitHub's thresholds (`{ tlogThreshold: 0,
    /// timestampThreshold: 1, sctThreshold: 0 }`).
    #[napi(factory)]
    pub fn github(env: Env) -> napi::Result<TrustedRoot> {
        embedded(&env, Instance::GitHub)
    }

    /// Reads a `trusted_root.json` (Sigstore protobuf-specs `TrustedRoot`, JSON form), given as a
    /// `Buffer`/`Uint8Array`, a string, or a parsed object. Throws `InvalidInputError` (code
    /// `invalid-json`, `invalid-trusted-root`, `limit-exceeded`...) when it is unusable.
    #[napi(factory, js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array | string | object")] json: Unknown<'_>,
    ) -> napi::Result<TrustedRoot> {
        let root = inputs::json(&env, json, "trusted root", "json").and_then(|bytes| {
            guard(|| sigverify::TrustedRoot::from_json(&bytes).map_err(Failure::Load))
        });
        throw(&env, root.map_err(Failure::loading)).map(TrustedRoot::custom)
    }

    /// `"public-good"`, `"staging"` or `"github"` for the embedded roots, `null` for one read
    /// with `fromJSON`.
    #[napi(getter, ts_return_type = "'public-good' | 'staging' | 'github' | null")]
    pub fn name(&self) -> Option<&'static str> {
        self.instance.map(Instance::name)
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
    /// A root that is none of the embedded instances (read by `fromJSON`, or by a TUF update).
    pub(crate) fn custom(root: sigverify::TrustedRoot) -> TrustedRoot {
        TrustedRoot {
            inner: Arc::new(root),
            instance: None,
        }
    }
}

pub(crate) fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
