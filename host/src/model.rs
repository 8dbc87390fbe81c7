//! OpenSSF model signing: a model directory verified against its `model.sig`.
//!
//! The core decides everything (`sigverify::ecosystems::model`): whether the signature
//! verifies, what is ignored, which entries are refused, which files and byte ranges to hash,
//! and whether the digests match. This module does the I/O around it: it reads the signature
//! against its limit, walks the directory without following symbolic links (a link is
//! resolved only to tell the core where it points: inside the model or not), hashes the
//! planned files and shards on several threads in large reads, and hands the digests back.
//!
//! ```no_run
//! use sigverify::ecosystems::model::{ModelKey, ModelTrust};
//! use sigverify_host::model::{verify_model, ModelOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = ModelKey::from_pem(&std::fs::read("key.pub")?)?;
//! let dir = std::path::Path::new("my-model");
//! let v = verify_model(
//!     dir,
//!     &dir.join("model.sig"),
//!     &ModelTrust::Key(&key),
//!     &ModelOptions::default(),
//!     sigverify_host::now(),
//! )?;
//! println!("{} files of {} verified", v.resources, v.model_name);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::num::NonZeroUsize;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use sigverify::ecosystems::model::{
    verify_signature, Entry, EntryKind, HashJob, Ignore, LinkTarget, ModelTrust, ModelVerification,
    Plan, PlanOptions,
};
use sigverify::limits::{Document, MAX_MODEL_ENTRIES};
use sigverify::{Backend, Error};

use crate::{read_document, Failure, ReadError};

/// Bytes read per `read` call while hashing (one buffer per thread). Small enough that the
/// kernel's copy into the buffer is still in the core's L2 cache when the hash reads it back
/// (a 1 MiB buffer is a whole L2 of many cores and cost 5-8 % more CPU time on a 1 GiB model,
/// bench/model.sh); large enough that the system calls do not count.
const READ_SIZE: usize = 128 << 10;
/// Bytes hashed by one thread between two progress reports.
const PROGRESS_STEP: u64 = 16 << 20;

/// The caller's side of a model verification. Build it with `..Default::default()`: fields
/// may be added.
#[derive(Clone, Copy)]
pub struct ModelOptions<'a> {
    /// Paths to ignore (`--ignore-paths`). A relative path is relative to the model directory
    /// (as the signature's own `ignore_paths`); an absolute one is taken relative to the model
    /// directory if it is inside it, and dropped if not (as model_signing does). A caller with
    /// paths relative to its working directory makes them absolute first.
    pub ignore_paths: &'a [PathBuf],
    /// Ignore `.git`, `.gitattributes`, `.github` and `.gitignore` (model_signing's default).
    pub ignore_git_paths: bool,
    /// Hash only the files the signature lists (`--ignore-unsigned-files`).
    pub ignore_unsigned_files: bool,
    /// Hashing threads; default: the available parallelism.
    pub threads: Option<NonZeroUsize>,
    /// The crypto backend that hashes the files.
    pub backend: Backend,
    /// Called while hashing (from the hashing threads), every 16 MiB or so and when a file or
    /// shard is done.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
}

impl Default for ModelOptions<'_> {
    fn default() -> Self {
        ModelOptions {
            ignore_paths: &[],
            ignore_git_paths: true,
            ignore_unsigned_files: false,
            threads: None,
            backend: Backend::default(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for ModelOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelOptions")
            .field("ignore_paths", &self.ignore_paths)
            .field("ignore_git_paths", &self.ignore_git_paths)
            .field("ignore_unsigned_files", &self.ignore_unsigned_files)
            .field("threads", &self.threads)
            .field("backend", &self.backend)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// How far hashing is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes hashed so far.
    pub bytes_done: u64,
    /// Bytes to hash (from the directory listing).
    pub bytes_total: u64,
    /// Files and shards done.
    pub jobs_done: usize,
    /// Files and shards to hash.
    pub jobs_total: usize,
}

/// Why a model did not verify: the host's [`Failure`] (`io-error` for a file or folder that
/// cannot be read, the core's code otherwise).
fn io(path: &Path, error: std::io::Error) -> Failure {
    Failure::io("model file", path, error)
}

/// The default signature path of a model directory: `MODEL/model.sig`.
pub fn default_signature_path(model: &Path) -> PathBuf {
    model.join(sigverify::ecosystems::model::SIGNATURE_FILE)
}

/// Verifies the model at `model` (a directory, or a single file) against the signature at
/// `signature` (see the module documentation): the signature by `trust`'s method first, then
/// every file the core plans, hashed, against the signed manifest. `now` (Unix seconds) is for
/// the `sigstore` method's verified times.
pub fn verify_model(
    model: &Path,
    signature: &Path,
    trust: &ModelTrust<'_>,
    options: &ModelOptions<'_>,
    now: i64,
) -> Result<ModelVerification, Failure> {
    let sig = read_document(signature, Document::ModelSignature).map_err(|e| match e {
        ReadError::Io(error) => io(signature, error),
        ReadError::TooLarge(e) => Failure::Verify(e),
    })?;
    let signed = verify_signature(&sig, trust, now)?;
    let root = fs::canonicalize(model).map_err(|e| io(model, e))?;
    let plan_options = plan_options(model, &root, signature, options)?;
    let ignore = Ignore::new(&signed.manifest, &plan_options)?;
    let (listing, ids) = walk(&root, &ignore)?;
    let plan = signed.manifest.plan(&listing, &plan_options)?;
    let digests = hash_plan(&root, &plan, &ids, options)?;
    Ok(signed.check(&plan, &digests)?)
}

/// A path as the core's relative `/`-separated form: `None` when it is absolute or not UTF-8.
fn relative_string(p: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => parts.push(".."),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

/// `p` (absolute) relative to the model directory, if inside: resolved like model_signing's
/// CLI (`Path.resolve()`), else compared as written.
fn inside(p: &Path, model: &Path, root: &Path) -> Option<PathBuf> {
    let resolved = fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    resolved
        .strip_prefix(root)
        .or_else(|_| p.strip_prefix(model))
        .or_else(|_| p.strip_prefix(root))
        .ok()
        .map(Path::to_path_buf)
}

fn not_utf8(what: &str, p: &Path) -> Failure {
    Failure::Verify(Error::InvalidArtifact {
        reason: format!("{what} {} is not UTF-8", p.display()),
    })
}

fn plan_options(
    model: &Path,
    root: &Path,
    signature: &Path,
    options: &ModelOptions<'_>,
) -> Result<PlanOptions, Failure> {
    let mut ignore_paths = Vec::new();
    for p in options.ignore_paths {
        let rel = if p.is_absolute() {
            match inside(p, model, root) {
                Some(r) => r,
                None => continue,
            }
        } else {
            p.clone()
        };
        ignore_paths.push(relative_string(&rel).ok_or_else(|| not_utf8("ignore path", p))?);
    }
    let signature_path = match fs::canonicalize(signature) {
        Ok(s) => match s.strip_prefix(root) {
            Ok(rel) => Some(relative_string(rel).ok_or_else(|| not_utf8("signature path", &s))?),
            Err(_) => None,
        },
        Err(e) => return Err(io(signature, e)),
    };
    let mut o = PlanOptions::default();
    o.ignore_paths = ignore_paths;
    o.ignore_git_paths = options.ignore_git_paths;
    o.signature_path = signature_path;
    o.ignore_unsigned_files = options.ignore_unsigned_files;
    Ok(o)
}

/// Which file a walked path was (device and inode), so that the file hashed is the one the
/// core planned, not one put in its place since (a symbolic link, say).
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = ();

#[cfg(unix)]
fn file_id(m: &fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}
#[cfg(not(unix))]
fn file_id(_: &fs::Metadata) -> FileId {}

/// The listing of the model directory for the core (every path not ignored, symbolic links
/// resolved only to tell where they point), with the identity of each file to read.
fn walk(root: &Path, ignore: &Ignore) -> Result<(Vec<Entry>, HashMap<String, FileId>), Failure> {
    let mut entries = Vec::new();
    let mut ids = HashMap::new();
    let meta = fs::metadata(root).map_err(|e| io(root, e))?;
    if meta.is_file() {
        ids.insert(String::new(), file_id(&meta));
        entries.push(Entry::new("", EntryKind::File { size: meta.len() }));
        return Ok((entries, ids));
    }
    let mut stack = vec![(root.to_path_buf(), String::new(), file_id(&meta))];
    while let Some((dir, rel, id)) = stack.pop() {
        // Still the directory that was listed, not a link put in its place since (std has no
        // openat: this narrows the window, and each file is checked again when opened).
        let now = fs::symlink_metadata(&dir).map_err(|e| io(&dir, e))?;
        if !now.is_dir() || file_id(&now) != id {
            return Err(changed(&dir, "the directory was replaced"));
        }
        let read = fs::read_dir(&dir).map_err(|e| io(&dir, e))?;
        for item in read {
            let item = item.map_err(|e| io(&dir, e))?;
            let path = item.path();
            let name = item.file_name();
            let name = name.to_str().ok_or_else(|| not_utf8("model path", &path))?;
            let rel_path = if rel.is_empty() {
                name.to_owned()
            } else {
                format!("{rel}/{name}")
            };
            // Ignored paths are not read at all (a .git directory of many objects).
            if ignore.matches(&rel_path) {
                continue;
            }
            // The entry itself, not what a link points to.
            let ft = item.file_type().map_err(|e| io(&path, e))?;
            let kind = if ft.is_dir() {
                let m = fs::symlink_metadata(&path).map_err(|e| io(&path, e))?;
                stack.push((path.clone(), rel_path.clone(), file_id(&m)));
                EntryKind::Directory
            } else if ft.is_file() {
                let m = fs::symlink_metadata(&path).map_err(|e| io(&path, e))?;
                ids.insert(rel_path.clone(), file_id(&m));
                EntryKind::File { size: m.len() }
            } else if ft.is_symlink() {
                EntryKind::Symlink(resolve_link(&path, root, &mut ids)?)
            } else {
                EntryKind::Other
            };
            entries.push(Entry::new(rel_path, kind));
            if entries.len() > MAX_MODEL_ENTRIES {
                return Err(Failure::Verify(Error::LimitExceeded {
                    what: "entries in a model directory",
                    limit: MAX_MODEL_ENTRIES as u64,
                    found: entries.len() as u64,
                }));
            }
        }
    }
    Ok((entries, ids))
}

/// Where a symbolic link points, for the core to decide: a file or directory inside the model
/// directory (`root`, canonical), or anything else. Never read through.
fn resolve_link(
    link: &Path,
    root: &Path,
    ids: &mut HashMap<String, FileId>,
) -> Result<LinkTarget, Failure> {
    let Ok(target) = fs::canonicalize(link) else {
        return Ok(LinkTarget::Missing);
    };
    let Ok(rel) = target.strip_prefix(root) else {
        return Ok(LinkTarget::Outside {
            target: target.display().to_string(),
        });
    };
    let rel = relative_string(rel).ok_or_else(|| not_utf8("symbolic link target", &target))?;
    let Ok(m) = fs::metadata(&target) else {
        return Ok(LinkTarget::Missing);
    };
    Ok(if m.is_file() {
        ids.insert(rel.clone(), file_id(&m));
        LinkTarget::File {
            path: rel,
            size: m.len(),
        }
    } else if m.is_dir() {
        LinkTarget::Directory
    } else {
        LinkTarget::Other
    })
}

/// One thread's digests: (job index, digest).
type Digests = Vec<(usize, Vec<u8>)>;

/// The digest of every job of `plan`, in its order, hashed on several threads (largest jobs
/// first, one job per file or shard); `ids` from [`walk`].
fn hash_plan(
    root: &Path,
    plan: &Plan,
    ids: &HashMap<String, FileId>,
    options: &ModelOptions<'_>,
) -> Result<Vec<Vec<u8>>, Failure> {
    let jobs = plan.jobs();
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(jobs.get(*i).map_or(0, HashJob::len)));
    let threads = options
        .threads
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get)
        .min(jobs.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let bytes_done = AtomicU64::new(0);
    let jobs_done = AtomicUsize::new(0);
    let total = plan.total_bytes();
    let report = |add: u64, job_done: bool| {
        let bytes = bytes_done.fetch_add(add, Ordering::Relaxed) + add;
        let n =
            jobs_done.fetch_add(usize::from(job_done), Ordering::Relaxed) + usize::from(job_done);
        if let Some(p) = options.progress {
            p(Progress {
                bytes_done: bytes,
                bytes_total: total,
                jobs_done: n,
                jobs_total: jobs.len(),
            });
        }
    };
    let worker = || -> Result<Digests, Failure> {
        let mut buf = vec![0u8; READ_SIZE];
        let mut out = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) else {
                break;
            };
            let Some(job) = jobs.get(i) else { break };
            match hash_job(root, job, plan, ids, options.backend, &mut buf, &report) {
                Ok(d) => out.push((i, d)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(out)
    };
    let results: Vec<Result<Digests, Failure>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut digests = vec![Vec::new(); jobs.len()];
    for r in results {
        for (i, d) in r? {
            if let Some(slot) = digests.get_mut(i) {
                *slot = d;
            }
        }
    }
    Ok(digests)
}

fn changed(path: &Path, what: &str) -> Failure {
    io(
        path,
        std::io::Error::other(format!("{what} while the model was verified")),
    )
}

/// One job: the planned file (checked to be the one walked), its range or all of it.
fn hash_job(
    root: &Path,
    job: &HashJob,
    plan: &Plan,
    ids: &HashMap<String, FileId>,
    backend: Backend,
    buf: &mut [u8],
    report: &(dyn Fn(u64, bool) + Sync),
) -> Result<Vec<u8>, Failure> {
    let path = if job.read_path.is_empty() {
        root.to_path_buf()
    } else {
        job.read_path
            .split('/')
            .fold(root.to_path_buf(), |p, c| p.join(c))
    };
    let mut file = File::open(&path).map_err(|e| io(&path, e))?;
    let m = file.metadata().map_err(|e| io(&path, e))?;
    if !m.is_file() || ids.get(&job.read_path) != Some(&file_id(&m)) {
        return Err(changed(&path, "the file was replaced"));
    }
    let mut h = backend.hasher(plan.hash_alg());
    let mut unreported = 0u64;
    let mut left = match job.range {
        Some((start, end)) => {
            file.seek(SeekFrom::Start(start))
                .map_err(|e| io(&path, e))?;
            Some(end.saturating_sub(start))
        }
        None => None,
    };
    loop {
        let want = match left {
            Some(0) => break,
            Some(n) => usize::try_from(n).map_or(buf.len(), |n| n.min(buf.len())),
            None => buf.len(),
        };
        let chunk = buf.get_mut(..want).unwrap_or_default();
        let n = match file.read(chunk) {
            Ok(0) if left.is_some() => return Err(changed(&path, "the file became shorter")),
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(&path, e)),
        };
        h.update(chunk.get(..n).unwrap_or_default());
        if let Some(l) = left.as_mut() {
            *l -= n as u64;
        }
        unreported += n as u64;
        if unreported >= PROGRESS_STEP {
            report(unreported, false);
            unreported = 0;
        }
    }
    report(unreported, true);
    Ok(h.finish())
}

/// Who must have signed a model, as a caller gives it: exactly one method.
pub enum Signer {
    /// `sigstore`: an identity policy (`Policy::identity`, a document, a shorthand), verified by
    /// the request's `verifier`. It must pin the signer (the core refuses one that does not).
    Sigstore(Arc<sigverify::Policy>),
    /// `key`: a public key, PEM.
    Key(Vec<u8>),
    /// `certificate`: the CA certificates (PEM, one or more files' contents concatenated)
    /// the signing certificate must chain to.
    Certificate(Vec<u8>),
}

/// A model verification as a caller gives it (`sigverify model verify`, `sigverify.model.verify`,
/// `model.verify`, `sigverify_model_verify`).
pub struct Request {
    /// The model: a directory, or a single file.
    pub model: PathBuf,
    /// The signature; default `MODEL/model.sig`.
    pub signature: Option<PathBuf>,
    /// An identity (certificate SAN) for the `sigstore` method, with `issuer`.
    pub identity: Option<String>,
    /// The OIDC issuer for `identity`.
    pub issuer: Option<String>,
    /// Who signed, when not `identity`/`issuer`.
    pub signer: Option<Signer>,
    /// The verifier of the sigstore method's trust domain (default: the embedded public-good
    /// verifier); refused with another method.
    pub verifier: Option<Arc<sigverify::Verifier>>,
    /// Paths to ignore (relative to the model, or absolute inside it).
    pub ignore_paths: Vec<PathBuf>,
    /// Ignore `.git`, `.gitattributes`, `.github`, `.gitignore` (default: yes).
    pub ignore_git_paths: Option<bool>,
    /// Hash only the files the signature lists.
    pub ignore_unsigned_files: bool,
    /// Hashing threads (default: the available parallelism).
    pub threads: Option<usize>,
}

enum Trust {
    Sigstore(Arc<sigverify::Policy>, Arc<sigverify::Verifier>),
    Key(sigverify::ecosystems::model::ModelKey),
    Certificate(sigverify::ecosystems::model::CaCertificates),
}

/// A checked model verification, ready to [`Job::run`].
pub struct Job {
    model: PathBuf,
    signature: PathBuf,
    trust: Trust,
    ignore_paths: Vec<PathBuf>,
    ignore_git_paths: bool,
    ignore_unsigned_files: bool,
    threads: Option<NonZeroUsize>,
}

impl Request {
    /// Checks the arguments: exactly one method (`identity` with `issuer`, or a [`Signer`]);
    /// the key or the CA certificates parsed; a thread count of 1 to `MAX_THRESHOLD`.
    pub fn validate(self) -> Result<Job, Failure> {
        let sigstore = |policy| -> Result<Trust, Failure> {
            let verifier = match self.verifier.clone() {
                Some(v) => v,
                None => crate::Instance::PublicGood.verifier()?,
            };
            Ok(Trust::Sigstore(policy, verifier))
        };
        let trust = match (self.identity, self.issuer, self.signer) {
            (Some(id), Some(iss), None) => sigstore(Arc::new(
                sigverify::Policy::identity(&id, &iss).map_err(Failure::Load)?,
            ))?,
            (None, None, Some(Signer::Sigstore(policy))) => sigstore(policy)?,
            (None, None, Some(Signer::Key(_) | Signer::Certificate(_))) if self.verifier.is_some() => {
                return Err(Failure::argument(
                    "a verifier is for the sigstore method (identity and issuer, or a policy)",
                ))
            }
            (None, None, Some(Signer::Key(pem))) => Trust::Key(
                sigverify::ecosystems::model::ModelKey::from_pem(&pem).map_err(Failure::Load)?,
            ),
            (None, None, Some(Signer::Certificate(pem))) => Trust::Certificate(
                sigverify::ecosystems::model::CaCertificates::from_pem(&pem)
                    .map_err(Failure::Load)?,
            ),
            (Some(_), None, None) | (None, Some(_), None) => {
                return Err(Failure::argument(
                    "identity and issuer go together (the sigstore method)",
                ))
            }
            (None, None, None) => {
                return Err(Failure::argument(
                    "who must have signed is required: identity and issuer (sigstore), a policy, a public key (key) or CA certificates (certificate)",
                ))
            }
            _ => {
                return Err(Failure::argument(
                    "give one method: identity and issuer, a policy, a public key or CA certificates",
                ))
            }
        };
        let threads = match self.threads {
            None => None,
            Some(n) if (1..=sigverify::limits::MAX_THRESHOLD).contains(&n) => NonZeroUsize::new(n),
            Some(n) => {
                return Err(Failure::argument(format!(
                    "threads: expected 1 to {}, found {n}",
                    sigverify::limits::MAX_THRESHOLD
                )))
            }
        };
        let signature = self
            .signature
            .unwrap_or_else(|| default_signature_path(&self.model));
        Ok(Job {
            model: self.model,
            signature,
            trust,
            ignore_paths: self.ignore_paths,
            ignore_git_paths: self.ignore_git_paths.unwrap_or(true),
            ignore_unsigned_files: self.ignore_unsigned_files,
            threads,
        })
    }
}

impl Job {
    /// The model's path.
    pub fn model(&self) -> &Path {
        &self.model
    }

    /// Verifies the model ([`verify_model`]), reporting hashing progress to `progress`.
    pub fn run(
        &self,
        now: i64,
        progress: Option<&(dyn Fn(Progress) + Sync)>,
    ) -> Result<ModelVerification, Failure> {
        let trust = match &self.trust {
            Trust::Sigstore(policy, verifier) => ModelTrust::Sigstore { verifier, policy },
            Trust::Key(k) => ModelTrust::Key(k),
            Trust::Certificate(c) => ModelTrust::Certificate(c),
        };
        let options = ModelOptions {
            ignore_paths: &self.ignore_paths,
            ignore_git_paths: self.ignore_git_paths,
            ignore_unsigned_files: self.ignore_unsigned_files,
            threads: self.threads,
            progress,
            ..ModelOptions::default()
        };
        verify_model(&self.model, &self.signature, &trust, &options, now)
    }
}
