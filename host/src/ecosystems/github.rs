//! GitHub artifact attestations (`gh attestation verify`) and Homebrew bottles.

use std::sync::Arc;

use sigverify::ecosystems::github as gh;
use sigverify::limits::Document;
use sigverify::{Policy, VerificationResult, Verifier};

use crate::{Data, Failure, Target};

/// A GitHub call as the caller gave it.
pub struct Request<'a> {
    /// One Sigstore bundle, or the attestations API's JSON lines.
    pub document: Data<'a>,
    /// The artifact's bytes or path (exclusive with `digest`).
    pub artifact: Option<Data<'a>>,
    /// The artifact's `sha256:HEX` (also `sha384:`, `sha512:`).
    pub digest: Option<String>,
    /// `OWNER/REPO`: the source repository.
    pub repository: Option<String>,
    /// `OWNER`: any repository of this owner.
    pub owner: Option<String>,
    /// `OWNER/REPO/.github/workflows/F.yml[@REF]`: the signing workflow.
    pub signer_workflow: Option<String>,
    /// An explicit policy instead of `repository`/`owner`/`signer_workflow`.
    pub policy: Option<Arc<Policy>>,
    /// `"public-good"` or `"github"`: forces the trust domain (default: by the issuing CA).
    pub instance: Option<String>,
    /// The public-good verifier (default: the embedded one).
    pub public_good: Option<Arc<Verifier>>,
    /// The GitHub-instance verifier (default: the embedded one, GitHub's thresholds).
    pub github_instance: Option<Arc<Verifier>>,
}

/// A Homebrew bottle call as the caller gave it.
pub struct HomebrewRequest<'a> {
    /// The bottle's attestations (a bundle or JSON lines).
    pub document: Data<'a>,
    /// The bottle's bytes or path (exclusive with `digest`).
    pub bottle: Option<Data<'a>>,
    /// The bottle's `sha256:HEX`.
    pub digest: Option<String>,
    /// The bottle's file name (the statement's subject); defaults to a path's file name.
    pub name: Option<String>,
    /// The public-good verifier (default: the embedded one).
    pub public_good: Option<Arc<Verifier>>,
    /// The GitHub-instance verifier (default: the embedded one).
    pub github_instance: Option<Arc<Verifier>>,
}

enum Kind {
    Policy(Arc<Policy>, Option<gh::Instance>),
    Homebrew(String),
}

/// A checked GitHub or Homebrew call, ready to [`Job::run`].
pub struct Job<'a> {
    document: Data<'a>,
    target: Target<'a>,
    kind: Kind,
    public_good: Option<Arc<Verifier>>,
    github_instance: Option<Arc<Verifier>>,
}

impl<'a> Request<'a> {
    /// Checks the arguments: exactly one of artifact and digest; `policy` or the repository
    /// (`repository` or `owner`, optionally `signer_workflow`), not both.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let target = Target::new("artifact", self.artifact, self.digest.as_deref(), None)?;
        let (r, o, w) = (
            self.repository.as_deref(),
            self.owner.as_deref(),
            self.signer_workflow.as_deref(),
        );
        let policy = match (self.policy, r, o, w) {
            (Some(p), None, None, None) => p,
            (Some(_), ..) => {
                return Err(Failure::argument(
                    "give either policy or repository/owner/signer_workflow, not both",
                ))
            }
            (None, None, None, _) => {
                return Err(Failure::argument(
                    "repository (\"OWNER/REPO\") or owner (\"OWNER\"), or policy, is required",
                ))
            }
            (None, r, o, w) => Arc::new(gh::policy(r, o, w)?),
        };
        let instance = match self.instance.as_deref() {
            None => None,
            Some("public-good") => Some(gh::Instance::PublicGood),
            Some("github") => Some(gh::Instance::GitHub),
            Some(other) => {
                return Err(Failure::argument(format!(
                    "instance: expected \"public-good\" or \"github\", found {other:?}"
                )))
            }
        };
        Ok(Job {
            document: self.document,
            target,
            kind: Kind::Policy(policy, instance),
            public_good: self.public_good,
            github_instance: self.github_instance,
        })
    }
}

impl<'a> HomebrewRequest<'a> {
    /// Checks the arguments: exactly one of bottle and digest, and the bottle's name.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let target = Target::new("bottle", self.bottle, self.digest.as_deref(), None)?;
        let name = target.name(self.name.as_deref(), "name")?;
        Ok(Job {
            document: self.document,
            target,
            kind: Kind::Homebrew(name),
            public_good: self.public_good,
            github_instance: self.github_instance,
        })
    }
}

impl Job<'_> {
    /// Verifies: the first attestation that verifies is the result; if none does, the first
    /// attestation's failure.
    pub fn run(&self, now: i64) -> Result<VerificationResult, Failure> {
        let (pg, ghv) =
            crate::github_verifiers(self.public_good.clone(), self.github_instance.clone())?;
        let doc = self.document.document("bundles", Document::Ecosystem)?;
        let bundles = gh::parse_bundles(&doc)?;
        let refs: Vec<_> = bundles.iter().collect();
        let artifact = self.target.artifact(&refs)?;
        Ok(match &self.kind {
            Kind::Policy(policy, instance) => {
                gh::verify(&pg, &ghv, &bundles, &artifact.get(), policy, *instance, now)
            }
            Kind::Homebrew(name) => {
                gh::verify_homebrew_bottle(&pg, &ghv, &bundles, name, &artifact.get(), now)
            }
        }?)
    }
}
