//! GitHub immutable releases (`gh release verify`, `gh release verify-asset`): the host's
//! request for `sigverify::ecosystems::github_release`. Issue 19.
//!
//! The argument rules of every face: `repository` and `tag` are required and non-empty; the
//! assets are files (or bytes with a name) **or** one `digest` (`sha256:HEX`) with its
//! `filename`, never both; with neither, the release itself is verified. Files are hashed as a
//! stream. The verifier is GitHub's embedded instance unless the caller gives one.

use std::sync::Arc;

use sigverify::ecosystems::github as gh;
use sigverify::ecosystems::github_release::{self as rel, Release, ReleaseAsset, VerifiedRelease};
use sigverify::limits::Document;
use sigverify::{Artifact, HashAlg, Verifier};

use crate::input::required;
use crate::{Data, Failure, Instance, Target};

/// One asset file (or its bytes) of the release.
pub struct Asset<'a> {
    /// The asset's bytes or path (hashed with sha256 as a stream).
    pub data: Data<'a>,
    /// Its file name as the release lists it; defaults to a path's file name (required for
    /// bytes).
    pub name: Option<String>,
}

/// A release verification as the caller gave it.
pub struct Request<'a> {
    /// The release attestation: a Sigstore bundle, or JSON lines of bundles.
    pub document: Data<'a>,
    /// `OWNER/REPO` (required).
    pub repository: Option<String>,
    /// The release tag (required).
    pub tag: Option<String>,
    /// Asset files that must be in the release (exclusive with `digest`/`filename`).
    pub assets: Vec<Asset<'a>>,
    /// One asset's `sha256:HEX` (with `filename`).
    pub digest: Option<String>,
    /// That asset's file name (with `digest`).
    pub filename: Option<String>,
    /// The GitHub-instance verifier (default: the embedded one, GitHub's thresholds).
    pub github_instance: Option<Arc<Verifier>>,
}

enum Assets<'a> {
    /// Files or bytes with their names, hashed when the job runs.
    Data(Vec<(Data<'a>, String)>),
    /// Digests, already checked.
    Checked(Vec<ReleaseAsset>),
}

/// A checked release call, ready to [`Job::run`].
pub struct Job<'a> {
    document: Data<'a>,
    release: Release,
    assets: Assets<'a>,
    github_instance: Option<Arc<Verifier>>,
}

impl<'a> Request<'a> {
    /// Checks the arguments (see the module documentation).
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let repository = required(self.repository.as_deref(), "repository")?;
        let tag = required(self.tag.as_deref(), "tag")?;
        let release = Release::new(repository, tag)?;
        let assets = match (self.assets.is_empty(), self.digest, self.filename) {
            (false, None, None) => {
                let mut files = Vec::with_capacity(self.assets.len());
                for a in self.assets {
                    let target = Target::Data(a.data);
                    let name = target.name(a.name.as_deref(), "name")?;
                    let Target::Data(data) = target else {
                        return Err(Failure::Internal("an asset without data".into()));
                    };
                    files.push((data, name));
                }
                Assets::Data(files)
            }
            (false, ..) => {
                return Err(Failure::argument(
                    "give either asset files or digest and filename, not both",
                ))
            }
            (true, None, None) => Assets::Checked(Vec::new()),
            (true, Some(d), Some(n)) => {
                let filename = required(Some(&n), "filename")?;
                let digest = Target::new("asset", None, Some(&d), Some(HashAlg::Sha256))?
                    .digest(HashAlg::Sha256, "asset")?;
                Assets::Checked(vec![ReleaseAsset::new(
                    filename,
                    &Artifact::Digest(HashAlg::Sha256, digest),
                )?])
            }
            (true, Some(_), None) => {
                return Err(Failure::argument(
                    "digest needs filename (the asset's file name)",
                ))
            }
            (true, None, Some(_)) => {
                return Err(Failure::argument("filename needs digest (\"sha256:HEX\")"))
            }
        };
        Ok(Job {
            document: self.document,
            release,
            assets,
            github_instance: self.github_instance,
        })
    }
}

impl Job<'_> {
    /// Verifies the attestation(s) and the assets: the first attestation that verifies is the
    /// result; if none does, the first attestation's failure.
    pub fn run(&self, now: i64) -> Result<VerifiedRelease, Failure> {
        let verifier = match &self.github_instance {
            Some(v) => v.clone(),
            None => Instance::GitHub.verifier()?,
        };
        let doc = self.document.document("bundles", Document::Ecosystem)?;
        let bundles = gh::parse_bundles(&doc)?;
        let hashed;
        let assets = match &self.assets {
            Assets::Checked(a) => a.as_slice(),
            Assets::Data(files) => {
                hashed = files
                    .iter()
                    .map(|(data, name)| {
                        let d = data.digest(HashAlg::Sha256, "asset")?;
                        Ok(ReleaseAsset::new(
                            name,
                            &Artifact::Digest(HashAlg::Sha256, d),
                        )?)
                    })
                    .collect::<Result<Vec<_>, Failure>>()?;
                hashed.as_slice()
            }
        };
        Ok(rel::verify(
            &verifier,
            &bundles,
            &self.release,
            assets,
            now,
        )?)
    }
}
