//! `pylock`: a PEP 751 lock's `attestation-identities` checked against the provenance of the
//! locked files that are present (an installer, `verify`), or recorded from it (a lock tool,
//! `record`), through the host's request (`sigverify_host::ecosystems::pylock`), as the CLI's
//! `sigverify pylock verify|record` does.

use std::collections::HashMap;
use std::path::PathBuf;

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify::ecosystems::continuity::{Identity, Verdict};
use sigverify_host::ecosystems::pylock::{
    write_in_place, Job as LockJob, Outcome, PackageReport, Report, Request,
};
use sigverify_host::{now, Data, Failure, Instance};

use super::verifier;
use crate::inputs;
use crate::task::{sync, task, Job, JobTask};

/// One locked file that was present in the distribution folder.
#[napi(object, object_from_js = false)]
pub struct PylockFile {
    /// The file name.
    pub file: String,
    /// The publishers its provenance names (`kind` and the kind's fields), each attestation
    /// verified; absent when the file has no provenance or failed.
    #[napi(ts_type = "Array<Record<string, string>>")]
    pub publishers: Option<Vec<HashMap<String, String>>>,
    /// When the file failed (its hash, its provenance): the error's code
    /// (`artifact-mismatch`, ...).
    pub error_code: Option<String>,
    /// When the file failed: the error's message.
    pub error_message: Option<String>,
}

/// One `[[packages]]` entry of the lock.
#[napi(object, object_from_js = false)]
pub struct PylockPackage {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// `same-publisher`, `publisher-changed`, `provenance-missing`, `not-recorded`, `failed`
    /// or `absent`.
    pub verdict: String,
    /// True when an installer must stop (a failed file, a changed publisher, missing
    /// provenance).
    pub failure: bool,
    /// One line for people.
    pub detail: String,
    /// For `publisher-changed`: the identity fields that differ (`repository`, `workflow`,
    /// `environment`, `kind`, ...).
    pub changed_fields: Option<Vec<String>>,
    /// Its files that were present.
    pub files: Vec<PylockFile>,
}

/// The outcome of `pylock.verify` or `pylock.record`.
#[napi(object, object_from_js = false)]
pub struct PylockReport {
    /// True when no package is a failure.
    pub ok: bool,
    /// The lock's keys that this lock-version does not define.
    pub unknown_keys: Vec<String>,
    /// Every package, in the lock's order.
    pub packages: Vec<PylockPackage>,
    /// `record` only: the new lock text, when publishers were recorded (absent when there was
    /// nothing to record or a package failed). A lock given as a path has been rewritten with it.
    pub text: Option<String>,
}

/// The options of `pylock.verify` and `pylock.record`.
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct PylockOptions {
    /// The lock (`pylock.toml`): a path (`record` rewrites that file) or its bytes.
    #[napi(ts_type = "string | Uint8Array")]
    pub lock: (),
    /// The folder holding the locked distribution files (looked up by file name).
    pub dist_dir: String,
    /// The folder holding `FILE.provenance` objects (default: `distDir`).
    pub provenance_dir: Option<String>,
    /// The verifier (default: the embedded public-good one).
    #[napi(ts_type = "Verifier")]
    pub verifier: Option<()>,
}

/// A lock call: the host's job, whether it records, and the lock's path when it was given one.
pub struct Call {
    job: LockJob<'static>,
    record: bool,
    path: Option<PathBuf>,
}

/// The `lock` option: a string is a path, bytes are the lock itself.
fn lock(v: Unknown<'_>, arg: &str) -> Result<(Data<'static>, Option<PathBuf>), Failure> {
    match inputs::string(v, arg) {
        Ok(p) => {
            let p = PathBuf::from(p);
            Ok((Data::Path(p.clone()), Some(p)))
        }
        Err(_) => inputs::bytes(v, arg)
            .map(|b| (Data::owned(b), None))
            .map_err(|_| Failure::argument(format!("{arg} must be a path or a Buffer/Uint8Array"))),
    }
}

fn request(options: Option<Unknown<'_>>, record: bool) -> Result<Call, Failure> {
    let o = inputs::options(options, "{ lock, distDir, provenanceDir?, verifier? }")?;
    let (lock, path) = match o.read("lock", lock)? {
        Some(l) => l,
        None => return Err(Failure::argument("options.lock is required")),
    };
    let verifier = match verifier(&o, "verifier")? {
        Some(v) => v,
        None => Instance::PublicGood.verifier()?,
    };
    let job = Request {
        verifier,
        lock,
        dist_dir: o.string("distDir")?.map(PathBuf::from),
        provenance_dir: o.string("provenanceDir")?.map(PathBuf::from),
    }
    .validate()?;
    Ok(Call { job, record, path })
}

fn identity(i: &Identity) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = i.fields().clone().into_iter().collect();
    m.insert("kind".into(), i.kind().to_owned());
    m
}

fn package(p: &PackageReport) -> PylockPackage {
    let files = p
        .files
        .iter()
        .map(|f| match &f.check {
            Ok(c) => PylockFile {
                file: f.file_name.clone(),
                publishers: c
                    .publishers
                    .as_ref()
                    .map(|ps| ps.iter().map(identity).collect()),
                error_code: None,
                error_message: None,
            },
            Err(e) => PylockFile {
                file: f.file_name.clone(),
                publishers: None,
                error_code: Some(e.code().to_owned()),
                error_message: Some(e.to_string()),
            },
        })
        .collect();
    let changed_fields = match &p.outcome {
        Outcome::Verdict(Verdict::PublisherChanged { fields, .. }) => Some(fields.clone()),
        _ => None,
    };
    PylockPackage {
        name: p.name.clone(),
        version: p.version.clone(),
        verdict: p.code().to_owned(),
        failure: p.is_failure(),
        detail: p.describe(),
        changed_fields,
        files,
    }
}

impl Job for Call {
    type Out = (Report, Option<String>);
    type Js = PylockReport;

    fn call(&self) -> Result<Self::Out, Failure> {
        let now = now();
        if !self.record {
            return Ok((self.job.verify(now)?, None));
        }
        let (report, text) = self.job.record(now)?;
        if let (Some(path), Some(text)) = (&self.path, &text) {
            write_in_place(path, text)?;
        }
        Ok((report, text))
    }

    fn to_js(_: &Env, (r, text): Self::Out) -> napi::Result<Self::Js> {
        Ok(PylockReport {
            ok: !r.is_failure(),
            unknown_keys: r.lock.unknown_keys.clone(),
            packages: r.packages.iter().map(package).collect(),
            text,
        })
    }
}

/// Checks a PEP 751 lock as an installer: each locked file present in `distDir` is hashed
/// against the lock and its provenance (`FILE.provenance`) verified; each package's publishers
/// are compared with its recorded `attestation-identities`. Resolves to the report (`ok` is
/// false when a package failed); rejects with an `InvalidInputError` for a lock that does not
/// parse or a folder that cannot be read. Runs off the JavaScript thread.
#[napi(
    namespace = "pylock",
    ts_args_type = "options: PylockOptions",
    ts_return_type = "Promise<PylockReport>"
)]
pub fn verify(options: Option<Unknown<'_>>) -> AsyncTask<JobTask<Call>> {
    task(request(options, false))
}

/// `verify`, on the calling thread.
#[napi(namespace = "pylock", ts_args_type = "options: PylockOptions")]
pub fn verify_sync(env: Env, options: Option<Unknown<'_>>) -> napi::Result<PylockReport> {
    sync(&env, request(options, false))
}

/// Records, as a lock tool, the publishers found for every package that records none: the
/// report, with `text` the new lock when something was recorded. Nothing is recorded when a
/// package failed (a changed publisher is never written over). A lock given as a path is
/// rewritten in place (a sibling file renamed over it) when there is new text. Runs off the
/// JavaScript thread.
#[napi(
    namespace = "pylock",
    ts_args_type = "options: PylockOptions",
    ts_return_type = "Promise<PylockReport>"
)]
pub fn record(options: Option<Unknown<'_>>) -> AsyncTask<JobTask<Call>> {
    task(request(options, true))
}

/// `record`, on the calling thread.
#[napi(namespace = "pylock", ts_args_type = "options: PylockOptions")]
pub fn record_sync(env: Env, options: Option<Unknown<'_>>) -> napi::Result<PylockReport> {
    sync(&env, request(options, true))
}
