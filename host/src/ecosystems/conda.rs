//! conda packages: a publish attestation (CEP 27) as one bundle or as a `.v0.sigs` sidecar, for
//! a package file or its sha256 and file name (`sigverify::ecosystems::conda`).

use std::sync::Arc;

use sigverify::ecosystems::conda;
use sigverify::limits::Document;
use sigverify::{HashAlg, Policy, VerificationResult, Verifier};

use crate::{Data, Failure, Target};

/// A conda call as the caller gave it.
pub struct Request<'a> {
    /// The verifier (usually of the public-good root).
    pub verifier: Arc<Verifier>,
    /// The package file's bytes or path (exclusive with `digest`).
    pub package: Option<Data<'a>>,
    /// The package's `sha256:HEX` (exclusive with `package`; needs `filename`).
    pub digest: Option<String>,
    /// The package's file name (`NAME-VERSION-BUILD.conda`); defaults to a path's file name.
    pub filename: Option<String>,
    /// One Sigstore bundle (exclusive with `sigs`).
    pub bundle: Option<Data<'a>>,
    /// A sidecar `FILE.v0.sigs`: a JSON array of bundles, every one must verify (exclusive
    /// with `bundle`).
    pub sigs: Option<Data<'a>>,
    /// GitHub Trusted Publisher: `OWNER/REPO` (exclusive with `identity`/`issuer`).
    pub repository: Option<String>,
    /// With `repository` only: the signing workflow, `FILE.yml[@REF]` of the repository or
    /// `OWNER/REPO/.github/workflows/FILE.yml[@REF]`.
    pub signer_workflow: Option<String>,
    /// Any other signer: the certificate identity (SAN), exactly, with `issuer`.
    pub identity: Option<String>,
    /// The OIDC issuer, with `identity`.
    pub issuer: Option<String>,
    /// The channel the package must have been published to (`targetChannel`).
    pub channel: Option<String>,
}

enum Source<'a> {
    Bundle(Data<'a>),
    Sidecar(Data<'a>),
}

/// A checked conda call ([`Request::validate`]), ready to [`Job::run`].
pub struct Job<'a> {
    verifier: Arc<Verifier>,
    source: Source<'a>,
    target: Target<'a>,
    filename: String,
    policy: Policy,
    channel: Option<String>,
}

impl<'a> Request<'a> {
    /// Checks the arguments: exactly one of `package` and `digest` (sha256), a conda file name,
    /// exactly one of `bundle` and `sigs`, and either `repository` (with an optional
    /// `signer_workflow`) or `identity` with `issuer`; the core checks each value (file name,
    /// repository, workflow, identity, channel).
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let target = Target::new(
            "package",
            self.package,
            self.digest.as_deref(),
            Some(HashAlg::Sha256),
        )?;
        let filename = target.name(self.filename.as_deref(), "filename")?;
        conda::check_filename(&filename)?;
        let source = match (self.bundle, self.sigs) {
            (Some(b), None) => Source::Bundle(b),
            (None, Some(s)) => Source::Sidecar(s),
            (Some(_), Some(_)) => {
                return Err(Failure::argument("give either bundle or sigs, not both"))
            }
            (None, None) => {
                return Err(Failure::argument(
                    "bundle (one Sigstore bundle) or sigs (a FILE.v0.sigs sidecar) is required",
                ))
            }
        };
        let policy = match (
            self.repository.as_deref(),
            self.signer_workflow.as_deref(),
            self.identity.as_deref(),
            self.issuer.as_deref(),
        ) {
            (Some(r), w, None, None) => conda::github_policy(r, w).map_err(Failure::Load)?,
            (None, None, Some(id), Some(iss)) => {
                Policy::identity(id, iss).map_err(Failure::Load)?
            }
            (Some(_), _, _, _) => {
                return Err(Failure::argument(
                    "give either repository or identity with issuer, not both",
                ))
            }
            (None, Some(_), _, _) => {
                return Err(Failure::argument(
                    "signer_workflow is only with repository",
                ))
            }
            (None, None, None, None) => {
                return Err(Failure::argument(
                    "who must have signed is required: repository (\"OWNER/REPO\") or identity with issuer",
                ))
            }
            (None, None, _, _) => {
                return Err(Failure::argument(
                    "identity and issuer go together: give both",
                ))
            }
        };
        let channel = self
            .channel
            .as_deref()
            .map(conda::check_channel)
            .transpose()
            .map_err(Failure::Load)?
            .map(str::to_owned);
        Ok(Job {
            verifier: self.verifier,
            source,
            target,
            filename,
            policy,
            channel,
        })
    }
}

impl Job<'_> {
    /// Verifies: one result per bundle (one for `bundle`, one per bundle of a sidecar; every
    /// one must verify).
    pub fn run(&self, now: i64) -> Result<Vec<VerificationResult>, Failure> {
        let bundles = match &self.source {
            Source::Bundle(d) => conda::parse_bundle(&d.document("bundle", Document::Bundle)?)?,
            Source::Sidecar(d) => conda::parse_sidecar(&d.document("sigs", Document::Ecosystem)?)?,
        };
        let sha256 = self.target.digest(HashAlg::Sha256, "package")?;
        let package = conda::Package {
            filename: &self.filename,
            sha256: &sha256,
            channel: self.channel.as_deref(),
        };
        Ok(conda::verify(
            &self.verifier,
            &bundles,
            &package,
            &self.policy,
            now,
        )?)
    }

    /// The package's file name, as the attestation's subject must name it.
    pub fn filename(&self) -> &str {
        &self.filename
    }
}
