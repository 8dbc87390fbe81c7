//! PyPI: a PEP 740 attestation or an Integrity API provenance object for a distribution file.

use std::sync::Arc;

use sigverify::ecosystems::pypi;
use sigverify::limits::Document;
use sigverify::{HashAlg, Policy, VerificationResult, Verifier};

use crate::{Data, Failure, Target};

/// Which PyPI document is verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One PEP 740 attestation (`.publish.attestation`).
    Attestation,
    /// An Integrity API provenance object (`{"version": 1, "attestation_bundles": [...]}`).
    Provenance,
}

/// A PyPI call as the caller gave it.
pub struct Request<'a> {
    /// Which document `document` is.
    pub kind: Kind,
    /// The verifier (usually of the public-good root).
    pub verifier: Arc<Verifier>,
    /// The attestation or provenance JSON.
    pub document: Data<'a>,
    /// The distribution file's bytes or path (exclusive with `digest`).
    pub dist: Option<Data<'a>>,
    /// The distribution's `sha256:HEX` (exclusive with `dist`).
    pub digest: Option<String>,
    /// The distribution's file name; defaults to the file name of a path `dist`.
    pub filename: Option<String>,
    /// The Trusted Publisher: `github:OWNER/REPO/WORKFLOW.yml`, `gitlab:...`, `google:EMAIL`.
    pub publisher: Option<String>,
    /// An explicit identity policy instead of a publisher.
    pub policy: Option<Arc<Policy>>,
    /// Provenance objects only: accept the publisher each bundle of the object names.
    pub publisher_from_provenance: bool,
}

enum Signer {
    Publisher(pypi::Publisher),
    Policy(Arc<Policy>),
    FromProvenance,
}

/// A checked PyPI call ([`Request::validate`]), ready to [`Job::run`].
pub struct Job<'a> {
    kind: Kind,
    verifier: Arc<Verifier>,
    document: Data<'a>,
    target: Target<'a>,
    filename: String,
    signer: Signer,
}

impl<'a> Request<'a> {
    /// Checks the arguments: exactly one of `dist` and `digest` (sha256), a file name, and
    /// exactly one of `publisher`, `policy` and (provenance only) `publisher_from_provenance`.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let target = Target::new(
            "dist",
            self.dist,
            self.digest.as_deref(),
            Some(HashAlg::Sha256),
        )?;
        let filename = target.name(self.filename.as_deref(), "filename")?;
        if self.publisher_from_provenance && self.kind == Kind::Attestation {
            return Err(Failure::argument(
                "publisher_from_provenance is only for provenance objects (a PEP 740 attestation names no publisher)",
            ));
        }
        let signer = match (self.publisher, self.policy, self.publisher_from_provenance) {
            (Some(p), None, false) => Signer::Publisher(pypi::Publisher::parse(&p)?),
            (None, Some(p), false) => Signer::Policy(p),
            (None, None, true) => Signer::FromProvenance,
            (None, None, false) => {
                return Err(Failure::argument(
                    "who must have signed is required: publisher (\"github:OWNER/REPO/WORKFLOW.yml\", gitlab:, google:) or policy",
                ))
            }
            _ => {
                return Err(Failure::argument(
                    "give only one of publisher, policy and publisher_from_provenance",
                ))
            }
        };
        Ok(Job {
            kind: self.kind,
            verifier: self.verifier,
            document: self.document,
            target,
            filename,
            signer,
        })
    }
}

impl Job<'_> {
    /// Verifies: one result for an attestation, one per attestation of a provenance object
    /// (every one must verify).
    pub fn run(&self, now: i64) -> Result<Vec<VerificationResult>, Failure> {
        let doc = self.document.document(self.what(), Document::Ecosystem)?;
        let expect = match &self.signer {
            Signer::Publisher(p) => pypi::Expect::Publisher(p),
            Signer::Policy(p) => pypi::Expect::Policy(p),
            Signer::FromProvenance => pypi::Expect::FromProvenance,
        };
        let v = &self.verifier;
        match self.kind {
            Kind::Attestation => {
                let bundle = pypi::parse_attestation(&doc)?;
                let sha256 = self.target.digest(HashAlg::Sha256, "dist")?;
                let r = match expect {
                    pypi::Expect::Publisher(p) => {
                        pypi::verify_attestation(v, &bundle, &self.filename, &sha256, p, now)
                    }
                    pypi::Expect::Policy(p) => pypi::verify_attestation_with_policy(
                        v,
                        &bundle,
                        &self.filename,
                        &sha256,
                        p,
                        now,
                    ),
                    pypi::Expect::FromProvenance => {
                        return Err(Failure::Internal("publisher from an attestation".into()))
                    }
                };
                Ok(vec![r?])
            }
            Kind::Provenance => {
                let prov = pypi::parse_provenance(&doc)?;
                let sha256 = self.target.digest(HashAlg::Sha256, "dist")?;
                let results =
                    pypi::verify_provenance(v, &prov, &self.filename, &sha256, &expect, now)?;
                if results.is_empty() {
                    return Err(Failure::Verify(sigverify::Error::InvalidJson {
                        what: "PyPI provenance object",
                        detail: "no attestation".into(),
                    }));
                }
                Ok(results)
            }
        }
    }

    fn what(&self) -> &'static str {
        match self.kind {
            Kind::Attestation => "attestation",
            Kind::Provenance => "provenance",
        }
    }
}
