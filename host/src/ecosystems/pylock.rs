//! PEP 751 locks: check the publishers of the locked files that are present against the lock's
//! `attestation-identities` (an installer), or record them (a lock tool).
//!
//! Each locked file (wheel, sdist, archive) is looked up by its file name in the distribution
//! folder; a file that is there is hashed as a stream and compared with the lock's hashes, and
//! its Integrity API provenance object (`FILE.provenance`, in the provenance folder, by default
//! the distribution folder) is verified as `sigverify pypi verify --provenance` does. The core
//! ([`sigverify::ecosystems::pylock`]) decides everything else.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sigverify::ecosystems::continuity::{Identity, Verdict};
use sigverify::ecosystems::pylock::{self, FileCheck, Lock, LockedFile};
use sigverify::limits::Document;
use sigverify::Verifier;

use crate::{Data, Failure};

/// A lock call as the caller gave it.
pub struct Request<'a> {
    /// The verifier (usually of the public-good root).
    pub verifier: Arc<Verifier>,
    /// The lock (`pylock.toml`): a path or its bytes.
    pub lock: Data<'a>,
    /// The folder holding the distribution files.
    pub dist_dir: Option<PathBuf>,
    /// The folder holding `FILE.provenance` objects; defaults to `dist_dir`.
    pub provenance_dir: Option<PathBuf>,
}

/// A checked lock call ([`Request::validate`]), ready to [`Job::verify`] or [`Job::record`].
pub struct Job<'a> {
    verifier: Arc<Verifier>,
    lock: Data<'a>,
    dist_dir: PathBuf,
    provenance_dir: PathBuf,
}

/// What happened to one package.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Its present files verified; how their publishers compare with the recorded identities.
    Verdict(Verdict),
    /// A present file failed: a hash that does not match the lock, provenance that does not
    /// verify.
    Failed(sigverify::Error),
    /// None of its files is in the distribution folder (or it has none: a VCS or directory
    /// source): nothing was checked.
    Absent,
}

/// One file of a package that was present.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file name.
    pub file_name: String,
    /// Its check (hashes, provenance) or the failure.
    pub check: Result<FileCheck, sigverify::Error>,
}

/// One package of the lock.
#[derive(Clone, Debug)]
pub struct PackageReport {
    /// `name`.
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// Its files that were present.
    pub files: Vec<FileReport>,
    /// The outcome.
    pub outcome: Outcome,
}

impl PackageReport {
    /// A stable name for the outcome: the verdict's code, `failed` or `absent`.
    pub fn code(&self) -> &'static str {
        match &self.outcome {
            Outcome::Verdict(v) => v.code(),
            Outcome::Failed(_) => "failed",
            Outcome::Absent => "absent",
        }
    }

    /// True when an installer must stop: a failed file, a changed publisher, missing
    /// provenance.
    pub fn is_failure(&self) -> bool {
        match &self.outcome {
            Outcome::Verdict(v) => v.is_failure(),
            Outcome::Failed(_) => true,
            Outcome::Absent => false,
        }
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        match &self.outcome {
            Outcome::Verdict(v) => v.describe(),
            Outcome::Failed(e) => format!("failed [{}]: {e}", e.code()),
            Outcome::Absent => "no locked file present: not checked".into(),
        }
    }
}

/// Every package of a lock.
#[derive(Clone, Debug)]
pub struct Report {
    /// The lock as read.
    pub lock: Lock,
    /// One per `[[packages]]` entry, in the lock's order.
    pub packages: Vec<PackageReport>,
}

impl Report {
    /// True when any package is a failure.
    pub fn is_failure(&self) -> bool {
        self.packages.iter().any(PackageReport::is_failure)
    }
}

impl<'a> Request<'a> {
    /// Checks the arguments: a distribution folder is required.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let dist_dir = self
            .dist_dir
            .ok_or_else(|| Failure::argument("dist_dir is required"))?;
        if dist_dir.as_os_str().is_empty() {
            return Err(Failure::argument("dist_dir is empty"));
        }
        let provenance_dir = match self.provenance_dir {
            Some(p) if p.as_os_str().is_empty() => {
                return Err(Failure::argument("provenance_dir is empty"))
            }
            Some(p) => p,
            None => dist_dir.clone(),
        };
        Ok(Job {
            verifier: self.verifier,
            lock: self.lock,
            dist_dir,
            provenance_dir,
        })
    }
}

fn is_dir(what: &'static str, p: &Path) -> Result<(), Failure> {
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Failure::io(
            what,
            p,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a directory"),
        )),
        Err(e) => Err(Failure::io(what, p, e)),
    }
}

/// A file in `dir` if it is there (a regular file; anything else is an error).
fn present(what: &'static str, dir: &Path, name: &str) -> Result<Option<PathBuf>, Failure> {
    let p = dir.join(name);
    match std::fs::metadata(&p) {
        Ok(m) if m.is_file() => Ok(Some(p)),
        Ok(_) => Err(Failure::io(
            what,
            &p,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::io(what, &p, e)),
    }
}

impl Job<'_> {
    fn read(&self) -> Result<(String, Lock), Failure> {
        let bytes = self.lock.document("lock", Document::Pylock)?;
        let lock = Lock::parse(&bytes)?;
        // parse() refused anything but UTF-8.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok((text, lock))
    }

    fn check_file(&self, f: &LockedFile, now: i64) -> Result<Option<FileReport>, Failure> {
        let Some(path) = present("distribution file", &self.dist_dir, &f.file_name)? else {
            return Ok(None);
        };
        let mut digests = Vec::new();
        for alg in f.digest_algorithms() {
            let d = crate::io::hash_file(&path, alg)
                .map_err(|e| Failure::io("distribution file", &path, e))?;
            digests.push((alg, d));
        }
        let prov_name = format!("{}.provenance", f.file_name);
        let provenance = match present("provenance", &self.provenance_dir, &prov_name)? {
            None => None,
            Some(p) => match crate::io::read_document(&p, Document::Ecosystem) {
                Ok(b) => Some(b),
                Err(crate::ReadError::Io(e)) => return Err(Failure::io("provenance", &p, e)),
                Err(crate::ReadError::TooLarge(e)) => {
                    return Ok(Some(FileReport {
                        file_name: f.file_name.clone(),
                        check: Err(e),
                    }))
                }
            },
        };
        Ok(Some(FileReport {
            file_name: f.file_name.clone(),
            check: pylock::check_file(&self.verifier, f, &digests, provenance.as_deref(), now),
        }))
    }

    fn report(&self, lock: Lock, now: i64) -> Result<Report, Failure> {
        is_dir("distribution folder", &self.dist_dir)?;
        is_dir("provenance folder", &self.provenance_dir)?;
        let mut packages = Vec::with_capacity(lock.packages.len());
        for p in &lock.packages {
            let mut files = Vec::new();
            for f in p.files() {
                if let Some(r) = self.check_file(f, now)? {
                    files.push(r);
                }
            }
            let failed = files.iter().find_map(|f| f.check.as_ref().err().cloned());
            let checks: Vec<FileCheck> = files
                .iter()
                .filter_map(|f| f.check.as_ref().ok().cloned())
                .collect();
            let outcome = match (failed, pylock::check_package(p, &checks)) {
                (Some(e), _) => Outcome::Failed(e),
                (None, Some(v)) => Outcome::Verdict(v),
                (None, None) => Outcome::Absent,
            };
            packages.push(PackageReport {
                name: p.name.clone(),
                version: p.version.clone(),
                files,
                outcome,
            });
        }
        Ok(Report { lock, packages })
    }

    /// The installer's check: every package's outcome.
    pub fn verify(&self, now: i64) -> Result<Report, Failure> {
        let (_, lock) = self.read()?;
        self.report(lock, now)
    }

    /// The lock tool's step: the report, and the lock text with the publishers found recorded
    /// for every package that records none (`None` when nothing is to be added). Nothing is
    /// recorded when the report is a failure (a changed publisher is never written over).
    pub fn record(&self, now: i64) -> Result<(Report, Option<String>), Failure> {
        let (text, lock) = self.read()?;
        let report = self.report(lock, now)?;
        if report.is_failure() {
            return Ok((report, None));
        }
        let additions: Vec<(usize, Vec<Identity>)> = report
            .packages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| match &p.outcome {
                Outcome::Verdict(Verdict::NotRecorded { .. }) => {
                    let mut ids: Vec<Identity> = p
                        .files
                        .iter()
                        .filter_map(|f| f.check.as_ref().ok())
                        .filter_map(|c| c.publishers.clone())
                        .flatten()
                        .collect();
                    ids.sort();
                    ids.dedup();
                    (!ids.is_empty()).then_some((i, ids))
                }
                _ => None,
            })
            .collect();
        if additions.is_empty() {
            return Ok((report, None));
        }
        let out = report.lock.record(&text, &additions)?;
        Ok((report, Some(out)))
    }
}

/// Replaces the lock at `path` by `text` ([`Job::record`]'s new text): writes a sibling file and
/// renames it over, so that the lock is never half written; the sibling is removed on failure.
pub fn write_in_place(path: &Path, text: &str) -> Result<(), Failure> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".sigverify-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Failure::io("lock", path, e)
        })
}
