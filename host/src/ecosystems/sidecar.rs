//! Maven Central and RubyGems: a `.sigstore.json` bundle beside the artifact, verified against
//! a given identity; the issuer defaults to GitHub Actions (both registries' trusted
//! publishing).

use std::sync::Arc;

use sigverify::limits::Document;
use sigverify::{HashAlg, Matcher, Policy, VerificationResult, Verifier};

use crate::{Data, Failure, Target};

/// A Maven or RubyGems call as the caller gave it.
pub struct Request<'a> {
    /// The verifier (of the public-good root).
    pub verifier: Arc<Verifier>,
    /// The bundle.
    pub bundle: Data<'a>,
    /// The artifact's bytes or path (exclusive with `digest`).
    pub artifact: Option<Data<'a>>,
    /// The artifact's `sha256:HEX`.
    pub digest: Option<String>,
    /// The signer's identity (the certificate's SAN), exactly.
    pub identity: Option<String>,
    /// The OIDC issuer (default: GitHub Actions').
    pub issuer: Option<String>,
    /// `OWNER/REPO`: the source repository (GitHub Actions).
    pub repository: Option<String>,
}

/// A checked call, ready to [`Job::run`].
pub struct Job<'a> {
    verifier: Arc<Verifier>,
    bundle: Data<'a>,
    target: Target<'a>,
    policy: Policy,
}

impl<'a> Request<'a> {
    /// Checks the arguments and builds the policy: an identity or a repository is required
    /// (the core refuses a policy that does not pin the signer).
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let target = Target::new(
            "artifact",
            self.artifact,
            self.digest.as_deref(),
            Some(HashAlg::Sha256),
        )?;
        if self.identity.is_none() && self.repository.is_none() {
            return Err(Failure::argument(
                "identity (the signer's SAN) or repository (\"OWNER/REPO\") is required",
            ));
        }
        let repository = self
            .repository
            .as_deref()
            .map(sigverify::github::repository)
            .transpose()
            .map_err(Failure::Load)?;
        let issuer = self.issuer.as_deref().unwrap_or(sigverify::GITHUB_ISSUER);
        let policy = Policy::certificate_requirements(
            self.identity.as_deref().map(Matcher::exact),
            Matcher::exact(issuer),
            repository.into_iter().collect(),
        )
        .map_err(Failure::Load)?;
        Ok(Job {
            verifier: self.verifier,
            bundle: self.bundle,
            target,
            policy,
        })
    }
}

impl Job<'_> {
    /// Verifies the bundle for the artifact's sha256.
    pub fn run(&self, now: i64) -> Result<VerificationResult, Failure> {
        let bundle = self.bundle.document("bundle", Document::Bundle)?;
        let sha256 = self.target.digest(HashAlg::Sha256, "artifact")?;
        Ok(self.verifier.verify_json(
            &bundle,
            &sigverify::Artifact::Digest(HashAlg::Sha256, sha256),
            &self.policy,
            now,
        )?)
    }
}
