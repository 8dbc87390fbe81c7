//! `Tuf`: the core's offline TUF client (`sigverify::tuf`), which verifies and never fetches.
//! The caller hands over the repository's files as two plain objects (metadata and targets,
//! file name → bytes), read on the JavaScript thread into the host's request
//! ([`sigverify_host::tuf`]); the update runs off it (`Tuf.update`) or on it (`Tuf.updateSync`)
//! through [`crate::task`].

// In `cargo test` builds nothing registers the `#[napi]` functions with N-API, so they look
// unused there.
#![cfg_attr(test, allow(dead_code))]

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use napi::bindgen_prelude::{AsyncTask, Buffer, FromNapiValue, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;
use sigverify_host::tuf::{self, Files};
use sigverify_host::Failure;

use crate::inputs::{self, napi_failure, Fields};
use crate::root::TrustedRoot;
use crate::task::{sync, task, Job, JobTask};

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

/// The files of one kind: an object mapping file names to bytes.
fn files(o: &Fields<'_>, name: &str) -> Result<Files, Failure> {
    let arg = format!("options.{name}");
    let Some(obj) = o.read(name, |v, a| inputs::object(Some(v), a))?.flatten() else {
        return Err(Failure::argument(format!(
            "{arg} is required: an object mapping file names to Buffers"
        )));
    };
    let mut out = HashMap::new();
    for file in obj.keys()? {
        if let Some(bytes) =
            obj.read(&file, |v, _| inputs::bytes(v, &format!("{arg}[{file:?}]")))?
        {
            out.insert(file, bytes);
        }
    }
    Ok(Files::Map(out))
}

/// A `Date`, as Unix seconds.
fn date(value: Unknown<'_>, arg: &str) -> Result<i64, Failure> {
    if !value.is_date().map_err(napi_failure)? {
        return Err(Failure::argument(format!("{arg} must be a Date")));
    }
    let date = NaiveDateTime::from_unknown(value)
        .map_err(|_| Failure::argument(format!("{arg} must be a valid Date")))?;
    Ok(date.and_utc().timestamp())
}

fn request(options: Option<Unknown<'_>>) -> Result<tuf::Job, Failure> {
    let o = inputs::options(options, "{ metadata, targets, root?, state?, now? }")?;
    tuf::Request {
        root: o.read("root", inputs::bytes)?,
        instance: o.string("instance")?,
        metadata: files(&o, "metadata")?,
        targets: files(&o, "targets")?,
        state: o.read("state", inputs::text_or_bytes)?,
        now: o.read("now", date)?,
        accept_expired_metadata_unsafe: o.flag("acceptExpiredMetadataUnsafe")?,
    }
    .validate()
}

impl Job for tuf::Job {
    type Out = sigverify::tuf::TufUpdate;
    type Js = TufUpdate;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.run()
    }

    fn to_js(_: &Env, u: Self::Out) -> napi::Result<Self::Js> {
        Ok(TufUpdate {
            trusted_root: TrustedRoot::custom(u.trusted_root),
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
        })
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
    pub fn update(options: Option<Unknown<'_>>) -> AsyncTask<JobTask<tuf::Job>> {
        task(request(options))
    }

    /// `update`, on the calling thread.
    #[napi(ts_args_type = "options: TufUpdateOptions")]
    pub fn update_sync(env: Env, options: Option<Unknown<'_>>) -> napi::Result<TufUpdate> {
        sync(&env, request(options))
    }
}
