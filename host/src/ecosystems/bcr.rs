//! The Bazel Central Registry: a module version's `attestations.json` with the files of its
//! module directory, or one file with its `.intoto.jsonl`, for every face.
//!
//! The core decides (`sigverify::ecosystems::bcr`): the index's shape, which files are
//! verified, the integrity of each attestation file, the repository, tag and per-kind workflow
//! rules. This module checks the arguments, reads each file of the module directory against its
//! limit (a plain file name only, never through a link), hashes the archive as a stream, and
//! reports every file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sigverify::ecosystems::bcr::{self, Attestations, FileKind, FileVerification, ModulePolicy};
use sigverify::ecosystems::github as gh;
use sigverify::limits::Document;
use sigverify::Verifier;

use crate::{Data, Failure, Instance, Target};

/// A BCR call as the caller gave it: `attestations` with `module_dir`, or `file` with
/// `bundle`.
#[derive(Default)]
pub struct Request<'a> {
    /// The module version's `attestations.json` (bytes or a file).
    pub attestations: Option<Data<'a>>,
    /// The folder holding `MODULE.bazel`, `source.json`, the source archive and the
    /// attestation files (named by the last component of their `url`).
    pub module_dir: Option<PathBuf>,
    /// One file to verify (bytes or a path); its name decides its kind.
    pub file: Option<Data<'a>>,
    /// The file's name (`MODULE.bazel`, `source.json`, the archive's); defaults to the file
    /// name of a path `file`.
    pub name: Option<String>,
    /// The file's attestations (`FILE.intoto.jsonl`: JSON lines of bundles, or one bundle).
    pub bundle: Option<Data<'a>>,
    /// `OWNER/REPO`: the module's source repository.
    pub repository: Option<String>,
    /// The release tag (`v1.2.3`): the certificates' source ref must be `refs/tags/TAG`.
    pub tag: Option<String>,
    /// The verifier (default: the embedded public-good one).
    pub verifier: Option<Arc<Verifier>>,
}

enum Mode<'a> {
    Module {
        attestations: Data<'a>,
        dir: PathBuf,
    },
    File {
        target: Target<'a>,
        name: String,
        bundle: Data<'a>,
    },
}

/// A checked BCR call, ready to [`Job::run`].
pub struct Job<'a> {
    mode: Mode<'a>,
    policy: ModulePolicy,
    verifier: Option<Arc<Verifier>>,
}

/// One file of the call and what became of it.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file's name.
    pub file: String,
    /// Its kind (which decides the workflow it must come from).
    pub kind: FileKind,
    /// The attestation file's name (module directories), when there is one.
    pub bundle: Option<String>,
    /// Its verification, or why it failed.
    pub outcome: Result<FileVerification, Failure>,
}

impl FileReport {
    /// The workflow that attested the file, when it verified.
    pub fn signer_workflow(&self) -> Option<&str> {
        self.outcome
            .as_ref()
            .ok()
            .map(|v| v.signer_workflow.as_str())
    }
}

/// Every file of a call, in the order verified (`MODULE.bazel`, `source.json`, the archive).
#[derive(Clone, Debug)]
pub struct Report {
    /// The files.
    pub files: Vec<FileReport>,
}

impl Report {
    /// The first file's failure, if any file failed.
    pub fn first_failure(&self) -> Option<&Failure> {
        self.files.iter().find_map(|f| f.outcome.as_ref().err())
    }

    /// The report when every file verified, else the first failure (the call's verdict on
    /// every face).
    pub fn into_result(self) -> Result<Report, Failure> {
        match self.first_failure() {
            Some(f) => Err(f.clone()),
            None => Ok(self),
        }
    }
}

impl<'a> Request<'a> {
    /// Checks the arguments: `repository` (`OWNER/REPO`), `tag` not empty when given; exactly
    /// one of the two forms, each complete (`attestations` needs `module_dir`, `file` needs
    /// `bundle`); `name` only with `file`, required for bytes.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let repository = crate::required(self.repository.as_deref(), "repository")?;
        if self.tag.as_deref() == Some("") {
            return Err(Failure::argument("tag must not be empty"));
        }
        let policy = ModulePolicy::new(repository, self.tag.as_deref()).map_err(Failure::Load)?;
        let module_form = self.attestations.is_some() || self.module_dir.is_some();
        let file_form = self.file.is_some() || self.bundle.is_some() || self.name.is_some();
        let mode = match (self.attestations, self.module_dir, self.file, self.bundle) {
            _ if module_form && file_form => {
                return Err(Failure::argument(
                    "give either attestations and module_dir, or file and bundle, not both",
                ))
            }
            (Some(attestations), Some(dir), None, None) => {
                if dir.as_os_str().is_empty() {
                    return Err(Failure::argument("module_dir must not be empty"));
                }
                Mode::Module { attestations, dir }
            }
            (Some(_), None, ..) => {
                return Err(Failure::argument(
                    "module_dir (the module version's folder) is required with attestations",
                ))
            }
            (None, Some(_), ..) => {
                return Err(Failure::argument(
                    "attestations (attestations.json) is required with module_dir",
                ))
            }
            (None, None, Some(file), Some(bundle)) => {
                let target = Target::Data(file);
                let name = target.name(self.name.as_deref(), "name")?;
                Mode::File {
                    target,
                    name,
                    bundle,
                }
            }
            (None, None, Some(_), None) => {
                return Err(Failure::argument(
                    "bundle (the file's .intoto.jsonl) is required with file",
                ))
            }
            (None, None, None, Some(_)) => {
                return Err(Failure::argument("file is required with bundle"))
            }
            _ => {
                return Err(Failure::argument(
                    "attestations and module_dir, or file and bundle, are required",
                ))
            }
        };
        Ok(Job {
            mode,
            policy,
            verifier: self.verifier,
        })
    }
}

impl Job<'_> {
    /// Verifies every file and reports each (see [`Report::into_result`] for the verdict).
    /// What makes the whole call impossible (an unreadable or invalid `attestations.json` or
    /// `source.json`, a missing index entry) is its failure.
    pub fn run(&self, now: i64) -> Result<Report, Failure> {
        let verifier = match &self.verifier {
            Some(v) => v.clone(),
            None => Instance::PublicGood.verifier()?,
        };
        let files = match &self.mode {
            Mode::File {
                target,
                name,
                bundle,
            } => {
                let outcome = bundle
                    .document("bundle", Document::Ecosystem)
                    .and_then(|doc| verify(&verifier, name, &doc, target, &self.policy, now));
                vec![FileReport {
                    file: name.clone(),
                    kind: FileKind::of(name),
                    bundle: bundle.file_name(),
                    outcome,
                }]
            }
            Mode::Module { attestations, dir } => {
                let index = attestations.document("attestations", Document::Ecosystem)?;
                let atts = Attestations::parse(&index)?;
                let source = read_module_file(dir, bcr::SOURCE_FILE, "module file")?;
                let archive = bcr::archive_name(&source)?;
                atts.plan(&archive)?
                    .into_iter()
                    .map(|e| FileReport {
                        file: e.file.clone(),
                        kind: e.kind,
                        bundle: Some(e.bundle_name.clone()),
                        outcome: self.verify_entry(&verifier, dir, e, now),
                    })
                    .collect()
            }
        };
        Ok(Report { files })
    }

    fn verify_entry(
        &self,
        verifier: &Verifier,
        dir: &Path,
        e: &bcr::Entry,
        now: i64,
    ) -> Result<FileVerification, Failure> {
        let jsonl = read_module_file(dir, &e.bundle_name, "attestation file")?;
        e.integrity
            .check(&e.bundle_name, &jsonl, verifier.backend())?;
        let target = Target::Data(Data::Path(module_path(dir, &e.file, "module file")?));
        verify(verifier, &e.file, &jsonl, &target, &self.policy, now)
    }
}

/// One file's attestations against its bytes or file (hashed as a stream).
fn verify(
    verifier: &Verifier,
    name: &str,
    jsonl: &[u8],
    target: &Target<'_>,
    policy: &ModulePolicy,
    now: i64,
) -> Result<FileVerification, Failure> {
    let bundles = gh::parse_bundles(jsonl).map_err(|e| bcr::in_file(name, e))?;
    let refs: Vec<_> = bundles.iter().collect();
    let artifact = target.artifact(&refs)?;
    Ok(bcr::verify_file(
        verifier,
        name,
        &bundles,
        &artifact.get(),
        policy,
        now,
    )?)
}

/// `dir/name` for a safe name ([`bcr::is_safe_file_name`]) naming a regular file: never a
/// link, a folder or a device (an `io-error` otherwise).
fn module_path(dir: &Path, name: &str, what: &'static str) -> Result<PathBuf, Failure> {
    let path = dir.join(name);
    if !bcr::is_safe_file_name(name) {
        return Err(Failure::io(
            what,
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a plain file name"),
        ));
    }
    let meta = std::fs::symlink_metadata(&path).map_err(|e| Failure::io(what, &path, e))?;
    if !meta.file_type().is_file() {
        return Err(Failure::io(
            what,
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "not a regular file (links are not followed)",
            ),
        ));
    }
    Ok(path)
}

/// A document of the module directory, read against the ecosystem document limit.
fn read_module_file(dir: &Path, name: &str, what: &'static str) -> Result<Vec<u8>, Failure> {
    let path = module_path(dir, name, what)?;
    match crate::read_document(&path, Document::Ecosystem) {
        Ok(b) => Ok(b),
        Err(crate::ReadError::Io(e)) => Err(Failure::io(what, path, e)),
        Err(crate::ReadError::TooLarge(e)) => Err(Failure::Verify(e)),
    }
}
