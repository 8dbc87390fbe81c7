//! `Tuf`: the core's offline TUF client (`sigverify::tuf`), which verifies and never fetches.
//! The caller hands over the repository's files as two plain objects (metadata and targets,
//! file name → bytes), read on the JavaScript thread; the update runs off it (`Tuf.update`) or on
//! it (`Tuf.updateSync`) through the same [`TufJob::run`].

// In `cargo test` builds nothing registers the `#[napi]` functions with N-API, so they look
// unused there.
#![cfg_attr(test, allow(dead_code))]

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use napi::bindgen_prelude::{AsyncTask, Buffer, FromNapiValue, Object, Unknown};
use napi::{Env, JsValue, Task};
use napi_derive::napi;

use sigverify::tuf::{TufClient, TufState, UpdateOptions};
use sigverify::Backend;

use crate::errors::{panic_boundary, Failure};
use crate::inputs::{self, napi_failure};
use crate::root::{Instance, TrustedRoot};
use crate::verifier::now;

/// The options of `Tuf.update`.
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct TufUpdateOptions {
    /// The TUF `root.json` to start from: the `rootJSON` of the last update, or one shipped
    /// with the application (default: the embedded root of `instance`).
    #[napi(ts_type = "Uint8Array")]
    pub root: Option<()>,
    /// Which embedded root to start from when `root` is not given (default `'public-good'`).
    #[napi(ts_type = "'public-good' | 'staging'")]
    pub instance: Option<String>,
    /// The repository's metadata files, by name (`timestamp.json`, `snapshot.json`,
    /// `targets.json`, `registry.npmjs.org.json`, `N.root.json` for every root version after the
    /// starting one, or their consistent-snapshot names `N.snapshot.json`...). Each file is
    /// looked up by its published name, then by its plain name.
    #[napi(ts_type = "Record<string, Uint8Array>")]
    pub metadata: (),
    /// The repository's target files, by target path (`trusted_root.json`,
    /// `registry.npmjs.org/keys.json`, or their `HASH.NAME` forms).
    #[napi(ts_type = "Record<string, Uint8Array>")]
    pub targets: (),
    /// The `state` of the last update: refuses rollbacks below the versions it records.
    #[napi(ts_type = "Uint8Array | string")]
    pub state: Option<()>,
    /// The update's time, against which every expiry is checked (default: the system clock).
    #[napi(ts_type = "Date")]
    pub now: Option<()>,
    /// Accept expired metadata, listing it in `expired` (default `false`: refused, as TUF says;
    /// expired metadata is how a freeze attack serves an old state forever).
    pub accept_expired_metadata_unsafe: Option<bool>,
}

/// A role whose metadata had expired, accepted through `acceptExpiredMetadataUnsafe`.
#[napi(object, object_from_js = false)]
pub struct ExpiredMetadata {
    /// The role (`root`, `timestamp`, ...).
    pub role: String,
    /// The version of its metadata.
    pub version: i64,
    /// Its `expires` time.
    pub expires: DateTime<Utc>,
    /// How long before the update's time it expired, in seconds.
    pub age_seconds: i64,
}

/// The outcome of a successful update: trusted material, and what to persist for the next one.
#[napi(object, object_from_js = false)]
pub struct TufUpdate {
    /// The verified `trusted_root.json`, ready for `new Verifier(...)`.
    pub trusted_root: TrustedRoot,
    /// The verified `trusted_root.json` bytes.
    #[napi(js_name = "trustedRootJSON")]
    pub trusted_root_json: Buffer,
    /// The verified `registry.npmjs.org/keys.json` bytes, when the repository delegates it
    /// (`npm.RegistryKeys.fromJSON(npmKeysJSON)`).
    #[napi(js_name = "npmKeysJSON")]
    pub npm_keys_json: Option<Buffer>,
    /// The newest verified TUF `root.json`: persist it and pass it as `root` next time.
    #[napi(js_name = "rootJSON")]
    pub root_json: Buffer,
    /// The versions verified (a small JSON document): persist it and pass it as `state` next
    /// time.
    pub state: Buffer,
    /// Expired metadata accepted through `acceptExpiredMetadataUnsafe`; empty otherwise.
    pub expired: Vec<ExpiredMetadata>,
}

/// One update, with everything copied out of JavaScript values.
pub struct TufJob {
    root: Option<Vec<u8>>,
    staging: bool,
    metadata: HashMap<String, Vec<u8>>,
    targets: HashMap<String, Vec<u8>>,
    state: Option<Vec<u8>>,
    now: i64,
    accept_expired: bool,
}

fn files(value: Option<Unknown<'_>>, arg: &str) -> Result<HashMap<String, Vec<u8>>, Failure> {
    let Some(obj) = inputs::object(value, arg)? else {
        return Err(Failure::argument(format!(
            "{arg} is required: an object mapping file names to Buffers"
        )));
    };
    let mut out = HashMap::new();
    for name in Object::keys(&obj).map_err(napi_failure)? {
        if let Some(v) = inputs::field(&obj, &name)? {
            let bytes = inputs::bytes(v, &format!("{arg}[{name:?}]"))?;
            out.insert(name, bytes.to_vec());
        }
    }
    Ok(out)
}

impl TufJob {
    fn read(options: Option<Unknown<'_>>) -> Result<TufJob, Failure> {
        let Some(o) = inputs::object(options, "options")? else {
            return Err(Failure::argument(
                "options is required: { metadata, targets, root?, state?, now? }",
            ));
        };
        let root = inputs::field(&o, "root")?
            .map(|v| inputs::bytes(v, "options.root").map(|b| b.to_vec()))
            .transpose()?;
        let staging = match inputs::field(&o, "instance")?
            .map(|v| inputs::string(v, "options.instance"))
            .transpose()?
            .as_deref()
        {
            None | Some("public-good") => false,
            Some("staging") => true,
            Some(other) => {
                return Err(Failure::argument(format!(
                    "options.instance must be \"public-good\" or \"staging\", found {other:?}"
                )))
            }
        };
        if root.is_some() && inputs::field(&o, "instance")?.is_some() {
            return Err(Failure::argument(
                "give either options.root or options.instance, not both",
            ));
        }
        let metadata = files(inputs::field(&o, "metadata")?, "options.metadata")?;
        let targets = files(inputs::field(&o, "targets")?, "options.targets")?;
        let state = inputs::field(&o, "state")?
            .map(|v| inputs::text_or_bytes(v, "options.state"))
            .transpose()?;
        let now = match inputs::field(&o, "now")? {
            None => now(),
            Some(v) => {
                if !v.is_date().map_err(napi_failure)? {
                    return Err(Failure::argument("options.now must be a Date"));
                }
                NaiveDateTime::from_unknown(v)
                    .map_err(|_| Failure::argument("options.now must be a valid Date"))?
                    .and_utc()
                    .timestamp()
            }
        };
        let accept_expired = match inputs::field(&o, "acceptExpiredMetadataUnsafe")? {
            Some(v) => inputs::boolean(v, "options.acceptExpiredMetadataUnsafe")?,
            None => false,
        };
        Ok(TufJob {
            root,
            staging,
            metadata,
            targets,
            state,
            now,
            accept_expired,
        })
    }

    fn run(&self) -> Result<sigverify::tuf::TufUpdate, Failure> {
        panic_boundary(|| {
            let mut options = UpdateOptions::default();
            options.accept_expired_metadata_unsafe = self.accept_expired;
            let root: &[u8] = match (&self.root, self.staging) {
                (Some(r), _) => r,
                (None, true) => sigverify::tuf::STAGING_ROOT,
                (None, false) => sigverify::tuf::PUBLIC_GOOD_ROOT,
            };
            let client = TufClient::with_options(root, options, Backend::default())
                .map_err(Failure::Load)?;
            let state = self
                .state
                .as_deref()
                .map(TufState::from_json)
                .transpose()
                .map_err(Failure::Load)?;
            let metadata = |name: &str| self.metadata.get(name).cloned();
            let targets = |name: &str| self.targets.get(name).cloned();
            client
                .update_from_files(state.as_ref(), self.now, &metadata, &targets)
                .map_err(Failure::Verify)
        })
    }
}

fn to_js(u: sigverify::tuf::TufUpdate) -> TufUpdate {
    TufUpdate {
        trusted_root: TrustedRoot {
            inner: std::sync::Arc::new(u.trusted_root),
            instance: Instance::Custom,
        },
        trusted_root_json: u.trusted_root_json.into(),
        npm_keys_json: u.npm_keys_json.map(Buffer::from),
        root_json: u.root_json.into(),
        state: u.state.to_json().into(),
        expired: u
            .expired
            .into_iter()
            .map(|e| ExpiredMetadata {
                role: e.role,
                version: i64::try_from(e.version).unwrap_or(i64::MAX),
                expires: DateTime::from_timestamp(e.expires, 0).unwrap_or_default(),
                age_seconds: e.age_seconds,
            })
            .collect(),
    }
}

/// The off-thread half of `Tuf.update`.
pub struct TufTask {
    job: Option<Result<TufJob, Failure>>,
}

impl Task for TufTask {
    type Output = Result<sigverify::tuf::TufUpdate, Failure>;
    type JsValue = TufUpdate;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.job.take() {
            Some(Ok(job)) => job.run(),
            Some(Err(f)) => Err(f),
            None => Err(Failure::Internal("a TUF task ran twice".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        output.map(to_js).map_err(|f| f.into_js(&env))
    }
}

/// Offline trust-root updates through Sigstore's TUF repository: the client workflow of the TUF
/// specification (§5), verifying files that the caller fetched (or mirrored) itself. Every root
/// version is walked from the starting root, then timestamp → snapshot → targets → delegations
/// → the target files, each checked for signatures, versions, lengths, hashes and expiry.
#[napi]
pub struct Tuf {}

#[napi]
impl Tuf {
    /// Runs an update off the JavaScript thread. Resolves to the verified trusted root (and npm
    /// keys) with what to persist (`rootJSON`, `state`); rejects with a `VerificationError`
    /// (a signature, version, hash or expiry check failed, a file is missing) or an
    /// `InvalidInputError` (an unusable root or state, an argument of the wrong type).
    #[napi(
        ts_args_type = "options: TufUpdateOptions",
        ts_return_type = "Promise<TufUpdate>"
    )]
    pub fn update(options: Option<Unknown<'_>>) -> AsyncTask<TufTask> {
        AsyncTask::new(TufTask {
            job: Some(TufJob::read(options)),
        })
    }

    /// `update`, on the calling thread.
    #[napi(ts_args_type = "options: TufUpdateOptions")]
    pub fn update_sync(env: Env, options: Option<Unknown<'_>>) -> napi::Result<TufUpdate> {
        TufJob::read(options)
            .and_then(|j| j.run())
            .map(to_js)
            .map_err(|f| f.into_js(&env))
    }
}
