//! From the caller's listing of the model directory to what must be hashed (a [`Plan`]), and
//! from the digests back to a verdict ([`Manifest::compare`]).
//!
//! The rules are model_signing's (`_serialization/file.py`, `file_shard.py`,
//! `serialization.py`, `hashing.py`, `verifying.py`):
//! * every path under the model directory that is not ignored is a regular file, a directory
//!   or (only if the signature allows symlinks) a symbolic link, else verification fails;
//! * a path is ignored when it is an ignore path or inside one (`PurePath.is_relative_to`,
//!   component by component); ignore paths are relative to the model directory: the
//!   signature's `ignore_paths`, the caller's, the signature file itself, and unless the
//!   caller says otherwise `.git`, `.gitattributes`, `.github` and `.gitignore`;
//! * method `files`: one resource per file; `shards`: per file of size `n > 0`, the shards
//!   `[0, s)`, `[s, 2s)`, ... and a last one ending at `n` (`_endpoints`); none for an empty file;
//! * a symbolic link to a file is hashed as that file under the link's name, one to a
//!   directory is neither followed nor hashed.
//!
//! Stricter than model_signing: a symbolic link whose target is outside the model directory,
//! or dangling, is refused even when symlinks are allowed (model_signing reads the file it
//! points to, wherever it is).

use std::collections::{BTreeMap, BTreeSet};

use super::predicate::{posix_components, Manifest, Method, ResourceKey};
use crate::crypto::HashAlg;
use crate::error::Error;
use crate::limits;

/// The paths model_signing ignores unless told not to (`hashing.Config`, `ignore_git_paths`).
pub const GIT_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// What a symbolic link in the model directory resolves to, as the host found it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkTarget {
    /// A regular file inside the model directory.
    File {
        /// Its resolved path, relative to the model directory, `/`-separated.
        path: String,
        /// Its size in bytes.
        size: u64,
    },
    /// A directory (inside the model directory): neither followed nor hashed.
    Directory,
    /// Anything outside the model directory.
    Outside {
        /// Where it points, for the error message.
        target: String,
    },
    /// Nothing: a dangling link, or one that cannot be resolved.
    Missing,
    /// A socket, FIFO or device inside the model directory.
    Other,
}

/// What one path under the model directory is, found without following a symbolic link.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryKind {
    /// A regular file.
    File {
        /// Its size in bytes.
        size: u64,
    },
    /// A directory.
    Directory,
    /// A symbolic link, with what it resolves to.
    Symlink(LinkTarget),
    /// A socket, FIFO or device.
    Other,
}

/// One path under the model directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path relative to the model directory, components joined by `/` (no empty, `.` or
    /// `..` component); `""` for a model that is a single file.
    pub path: String,
    /// What it is.
    pub kind: EntryKind,
}

impl Entry {
    /// An entry of `kind` at `path`.
    pub fn new(path: impl Into<String>, kind: EntryKind) -> Entry {
        Entry {
            path: path.into(),
            kind,
        }
    }
}

/// The caller's side of what to hash.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanOptions {
    /// Paths to ignore, relative to the model directory (`--ignore-paths`); a directory
    /// ignores everything in it. One with a `..` component names nothing inside the model and
    /// is dropped, as model_signing drops paths outside the model; an absolute one is refused
    /// (the host makes the caller's paths relative first).
    pub ignore_paths: Vec<String>,
    /// Ignore [`GIT_PATHS`] (model_signing's default, `--ignore-git-paths`). Default true.
    pub ignore_git_paths: bool,
    /// The signature file's path relative to the model directory, when it is inside: always
    /// ignored.
    pub signature_path: Option<String>,
    /// Hash only the files the signature lists (`--ignore-unsigned-files`): a file it does not
    /// list is not an error. A listed file that is missing still is. Default false.
    pub ignore_unsigned_files: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            ignore_paths: Vec::new(),
            ignore_git_paths: true,
            signature_path: None,
            ignore_unsigned_files: false,
        }
    }
}

/// The ignore rule of one verification: which paths of the model directory are not hashed.
/// The host asks it while walking, to skip ignored directories without reading them; the plan
/// applies it again to every entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    paths: Vec<Vec<String>>,
}

fn invalid_input(reason: String) -> Error {
    Error::InvalidArtifact { reason }
}

/// The components of a path of the caller's listing, which must be normalised already.
fn listing_components(path: &str) -> Result<Vec<&str>, Error> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let c: Vec<&str> = path.split('/').collect();
    if c.iter().any(|c| c.is_empty() || *c == "." || *c == "..") {
        return Err(invalid_input(format!(
            "model listing path {path:?} is not a relative path of plain components joined by '/'"
        )));
    }
    Ok(c)
}

impl Ignore {
    /// The ignore paths of a verification: the signature's `ignore_paths` (absolute ones, and
    /// ones with `..`, dropped as model_signing drops them), the caller's, the signature file,
    /// and [`GIT_PATHS`] when `options.ignore_git_paths`.
    pub fn new(manifest: &Manifest, options: &PlanOptions) -> Result<Ignore, Error> {
        let mut paths = Vec::new();
        for p in &manifest.serialization.ignore_paths {
            paths.extend(posix_components(p));
        }
        for p in options.ignore_paths.iter().chain(&options.signature_path) {
            if p.starts_with('/') {
                return Err(invalid_input(format!(
                    "ignore path {p:?}: expected a path relative to the model directory"
                )));
            }
            paths.extend(posix_components(p));
        }
        if options.ignore_git_paths {
            paths.extend(GIT_PATHS.iter().map(|p| vec![(*p).to_owned()]));
        }
        paths.sort();
        paths.dedup();
        Ok(Ignore { paths })
    }

    /// Is `path` (relative to the model directory, `/`-separated) ignored?
    pub fn matches(&self, path: &str) -> bool {
        let c: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        self.matches_components(&c)
    }

    fn matches_components(&self, c: &[&str]) -> bool {
        self.paths
            .iter()
            .any(|p| p.len() <= c.len() && p.iter().zip(c).all(|(a, b)| a == b))
    }
}

/// One file, or shard of a file, to hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashJob {
    /// The resource it becomes (`dir/file`, or `dir/file:START:END`).
    pub name: String,
    /// The path in the model directory (for a symbolic link, the link's).
    pub path: String,
    /// The file to read, relative to the model directory (for a symbolic link, its target).
    pub read_path: String,
    /// The byte range `[start, end)` to hash; `None`: the whole file, to its end.
    pub range: Option<(u64, u64)>,
    /// The file's size in the listing.
    pub size: u64,
    key: ResourceKey,
}

impl HashJob {
    /// How many bytes it hashes (from the listing, for a whole file).
    pub fn len(&self) -> u64 {
        match self.range {
            Some((s, e)) => e.saturating_sub(s),
            None => self.size,
        }
    }

    /// Whether it hashes no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the host must hash, in model_signing's resource order; each job's digest goes, in
/// the same order, to [`Manifest::compare`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    jobs: Vec<HashJob>,
    hash: HashAlg,
    algorithm: String,
}

impl Plan {
    /// The jobs, sorted as model_signing sorts resources.
    pub fn jobs(&self) -> &[HashJob] {
        &self.jobs
    }

    /// The hash of every job.
    pub fn hash_alg(&self) -> HashAlg {
        self.hash
    }

    /// The bytes all jobs hash, from the listing's sizes.
    pub fn total_bytes(&self) -> u64 {
        self.jobs
            .iter()
            .map(HashJob::len)
            .fold(0, u64::saturating_add)
    }
}

/// `[0, s)`, `[s, 2s)`, ..., `[ks, size)` (`file_shard._endpoints`), none for an empty file.
fn shards(size: u64, shard_size: u64) -> impl Iterator<Item = (u64, u64)> {
    let count = if size == 0 {
        0
    } else {
        size.div_ceil(shard_size)
    };
    (0..count).map(move |i| {
        let start = i.saturating_mul(shard_size);
        (start, start.saturating_add(shard_size).min(size))
    })
}

fn entry_err(path: &str, expected: &str, found: String) -> Error {
    Error::ArtifactMismatch {
        what: format!("model entry {}", if path.is_empty() { "." } else { path }),
        expected: expected.to_owned(),
        found,
    }
}

impl Manifest {
    /// Which files and byte ranges of the model to hash, given the caller's `listing` of the
    /// model directory (every path under it, found without following symbolic links; the host
    /// may leave out what [`Ignore::matches`]). Refused: a hash type this build cannot compute
    /// (`unsupported-algorithm`), a symbolic link the signature does not allow, one that
    /// leaves the model directory or dangles, a special file (`artifact-mismatch`, naming the
    /// entry), a malformed listing (`invalid-artifact`), and more entries or jobs than
    /// [`limits::MAX_MODEL_ENTRIES`] / [`limits::MAX_MODEL_JOBS`].
    pub fn plan(&self, listing: &[Entry], options: &PlanOptions) -> Result<Plan, Error> {
        let s = &self.serialization;
        let hash = s
            .hash_type
            .hash_alg()
            .ok_or_else(|| Error::UnsupportedAlgorithm {
                what: "model signature serialization.hash_type".into(),
                found: format!(
                    "{}: this build of sigverify has no implementation of it",
                    s.hash_type.name()
                ),
            })?;
        if listing.len() > limits::MAX_MODEL_ENTRIES {
            return Err(Error::LimitExceeded {
                what: "entries in a model directory",
                limit: limits::MAX_MODEL_ENTRIES as u64,
                found: listing.len() as u64,
            });
        }
        let ignore = Ignore::new(self, options)?;
        let signed: BTreeSet<&[String]> = self
            .resources
            .iter()
            .map(|r| r.key.components.as_slice())
            .collect();
        if listing.iter().any(|e| e.path.is_empty()) && listing.len() != 1 {
            return Err(invalid_input(
                "a model listing with the model itself (path \"\") has no other entry".into(),
            ));
        }
        let mut jobs: Vec<HashJob> = Vec::new();
        for e in listing {
            let c = listing_components(&e.path)?;
            // model_signing checks the ignore rule first: an ignored symlink is no error.
            if ignore.matches_components(&c) {
                continue;
            }
            let (read_path, size) = match &e.kind {
                EntryKind::Directory => continue,
                EntryKind::File { size } => (e.path.clone(), *size),
                EntryKind::Other => {
                    return Err(entry_err(
                        &e.path,
                        "a regular file or a directory",
                        "a special file (socket, FIFO or device)".into(),
                    ))
                }
                EntryKind::Symlink(_) if !s.allow_symlinks => return Err(entry_err(
                    &e.path,
                    "a regular file or a directory (the signature does not allow symbolic links)",
                    "a symbolic link".into(),
                )),
                EntryKind::Symlink(t) => match t {
                    LinkTarget::File { path, size } => {
                        listing_components(path)?;
                        (path.clone(), *size)
                    }
                    LinkTarget::Directory => continue,
                    LinkTarget::Outside { target } => {
                        return Err(entry_err(
                            &e.path,
                            "a symbolic link to a file inside the model directory",
                            format!("a symbolic link to {target}, outside the model directory"),
                        ))
                    }
                    LinkTarget::Missing => {
                        return Err(entry_err(
                            &e.path,
                            "a symbolic link to a file inside the model directory",
                            "a symbolic link to nothing (dangling)".into(),
                        ))
                    }
                    LinkTarget::Other => {
                        return Err(entry_err(
                            &e.path,
                            "a symbolic link to a file inside the model directory",
                            "a symbolic link to a special file".into(),
                        ))
                    }
                },
            };
            let components: Vec<String> = c.iter().map(|c| (*c).to_owned()).collect();
            if options.ignore_unsigned_files && !signed.contains(components.as_slice()) {
                continue;
            }
            let ranges: Vec<Option<(u64, u64)>> = match s.method {
                Method::Files => vec![None],
                Method::Shards { shard_size } => {
                    let n = if size == 0 {
                        0
                    } else {
                        size.div_ceil(shard_size)
                    };
                    if n > (limits::MAX_MODEL_JOBS - jobs.len().min(limits::MAX_MODEL_JOBS)) as u64
                    {
                        return Err(Error::LimitExceeded {
                            what: "files and shards to hash in a model",
                            limit: limits::MAX_MODEL_JOBS as u64,
                            found: (jobs.len() as u64).saturating_add(n),
                        });
                    }
                    shards(size, shard_size).map(Some).collect()
                }
            };
            for range in ranges {
                if jobs.len() >= limits::MAX_MODEL_JOBS {
                    return Err(Error::LimitExceeded {
                        what: "files and shards to hash in a model",
                        limit: limits::MAX_MODEL_JOBS as u64,
                        found: jobs.len() as u64 + 1,
                    });
                }
                let key = ResourceKey::new(components.clone(), range);
                jobs.push(HashJob {
                    name: key.name(),
                    path: e.path.clone(),
                    read_path: read_path.clone(),
                    range,
                    size,
                    key,
                });
            }
        }
        jobs.sort_by(|a, b| a.key.cmp(&b.key));
        if let Some(w) = jobs
            .windows(2)
            .find(|w| matches!(w, [a, b] if a.key == b.key))
        {
            return Err(invalid_input(format!(
                "the model listing has {:?} twice",
                w.first().map(|j| j.path.clone()).unwrap_or_default()
            )));
        }
        Ok(Plan {
            jobs,
            hash,
            algorithm: s.resource_algorithm(),
        })
    }

    /// Compares the digests of `plan`'s jobs (in its order) with the signed resources, both
    /// ways. The first difference is the error (`artifact-mismatch`), naming the file or
    /// shard, in this order: a signed file renamed (missing under its name, present under
    /// another with the same digest), an unsigned file, a missing file, a changed file
    /// (expected and computed digest), a digest algorithm that is not the serialization's;
    /// the error says how many more differences there are.
    pub fn compare(&self, plan: &Plan, digests: &[Vec<u8>]) -> Result<(), Error> {
        let algorithm = self.serialization.resource_algorithm();
        if plan.algorithm != algorithm {
            return Err(invalid_input(format!(
                "the plan hashes for {:?}, the manifest's resources are {:?}",
                plan.algorithm, algorithm
            )));
        }
        if digests.len() != plan.jobs.len() {
            return Err(invalid_input(format!(
                "the plan has {} jobs, {} digests were given",
                plan.jobs.len(),
                digests.len()
            )));
        }
        let computed: BTreeMap<&ResourceKey, &[u8]> = plan
            .jobs
            .iter()
            .zip(digests)
            .map(|(j, d)| (&j.key, d.as_slice()))
            .collect();
        let signed: BTreeMap<&ResourceKey, &super::predicate::Resource> =
            self.resources.iter().map(|r| (&r.key, r)).collect();
        let kind = |k: &ResourceKey| {
            if k.range.is_some() {
                format!("model file shard {}", k.name())
            } else {
                format!("model file {}", k.name())
            }
        };
        let mut extra: Vec<&ResourceKey> = computed
            .keys()
            .filter(|k| !signed.contains_key(*k))
            .copied()
            .collect();
        let missing: Vec<&ResourceKey> = signed
            .keys()
            .filter(|k| !computed.contains_key(*k))
            .copied()
            .collect();
        let mut problems: Vec<Error> = Vec::new();
        let mut missing_left = Vec::new();
        for m in missing {
            let digest = signed.get(m).map(|r| r.digest.as_slice());
            let renamed = extra
                .iter()
                .position(|e| e.range == m.range && computed.get(*e).copied() == digest);
            match renamed {
                Some(i) => {
                    let e = extra.remove(i);
                    problems.push(Error::ArtifactMismatch {
                        what: format!("{} (renamed)", kind(m)),
                        expected: m.name(),
                        found: e.name(),
                    });
                }
                None => missing_left.push(m),
            }
        }
        for e in extra {
            problems.push(Error::ArtifactMismatch {
                what: kind(e),
                expected: "no such file (the signature does not list it)".into(),
                found: "a file that is not signed".into(),
            });
        }
        for m in missing_left {
            problems.push(Error::ArtifactMismatch {
                what: kind(m),
                expected: "the signed file".into(),
                found: "no such file".into(),
            });
        }
        for (k, r) in &signed {
            let Some(d) = computed.get(k) else {
                continue;
            };
            if r.algorithm != algorithm {
                problems.push(Error::ArtifactMismatch {
                    what: format!("{} digest algorithm", kind(k)),
                    expected: format!("{} (the serialization's)", algorithm),
                    found: format!("{} (the resource's)", r.algorithm),
                });
            } else if *d != r.digest.as_slice() {
                problems.push(Error::ArtifactMismatch {
                    what: format!("{} ({})", kind(k), r.algorithm),
                    expected: hex::encode(&r.digest),
                    found: hex::encode(d),
                });
            }
        }
        let more = problems.len().saturating_sub(1);
        match problems.into_iter().next() {
            None => Ok(()),
            Some(Error::ArtifactMismatch {
                what,
                expected,
                found,
            }) if more > 0 => Err(Error::ArtifactMismatch {
                what: format!(
                    "{what} (and {more} more difference{})",
                    if more == 1 { "" } else { "s" }
                ),
                expected,
                found,
            }),
            Some(e) => Err(e),
        }
    }
}
