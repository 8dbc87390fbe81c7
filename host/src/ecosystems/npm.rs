//! npm: the registry's attestations response for one package version.

use std::sync::Arc;

use sigverify::ecosystems::npm;
use sigverify::limits::Document;
use sigverify::{HashAlg, Verifier};

use crate::{Data, Failure, Target};

/// An npm call as the caller gave it.
pub struct Request<'a> {
    /// The verifier (of the public-good root).
    pub verifier: Arc<Verifier>,
    /// The registry keys; `None` for the embedded ones.
    pub keys: Option<Arc<npm::RegistryKeys>>,
    /// The attestations response JSON.
    pub document: Data<'a>,
    /// `NAME@VERSION` (`@scope/name@1.2.3`).
    pub package: Option<String>,
    /// The tarball's bytes or path; exactly one of `tarball`, `integrity`, `digest`.
    pub tarball: Option<Data<'a>>,
    /// The packument's `dist.integrity`, `sha512-BASE64`.
    pub integrity: Option<String>,
    /// The tarball's `sha512:HEX`.
    pub digest: Option<String>,
    /// `OWNER/REPO`: pins the provenance's source repository (without it any signer verifies,
    /// as with npm; the result says who signed).
    pub repository: Option<String>,
    /// The previous version's attestations response: its publisher is compared with this
    /// version's ([`Job::continuity`]).
    pub previous: Option<Data<'a>>,
}

/// A checked npm call ([`Request::validate`]), ready to [`Job::run`].
pub struct Job<'a> {
    verifier: Arc<Verifier>,
    keys: Option<Arc<npm::RegistryKeys>>,
    document: Data<'a>,
    package: String,
    target: Target<'a>,
    repository: Option<String>,
    previous: Option<Data<'a>>,
}

impl<'a> Request<'a> {
    /// Checks the arguments: the package, and exactly one of tarball, integrity and digest.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let package = crate::input::required(self.package.as_deref(), "package")?.to_owned();
        let given = [
            self.tarball.is_some(),
            self.integrity.is_some(),
            self.digest.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            return Err(Failure::argument(
                "give exactly one of tarball (the bytes or a file), integrity (\"sha512-BASE64\") and digest (\"sha512:HEX\")",
            ));
        }
        let target = match self.integrity {
            Some(i) => Target::Digest(HashAlg::Sha512, npm::parse_integrity(&i)?),
            None => Target::new(
                "tarball",
                self.tarball,
                self.digest.as_deref(),
                Some(HashAlg::Sha512),
            )?,
        };
        Ok(Job {
            verifier: self.verifier,
            keys: self.keys,
            document: self.document,
            package,
            target,
            repository: self.repository,
            previous: self.previous,
        })
    }
}

impl Job<'_> {
    /// The package, `NAME@VERSION`.
    pub fn package(&self) -> &str {
        &self.package
    }

    /// Verifies every attestation of the response (the response is checked before the tarball
    /// is hashed).
    pub fn run(&self, now: i64) -> Result<npm::NpmVerification, Failure> {
        let keys = match &self.keys {
            Some(k) => Arc::clone(k),
            None => crate::npm_keys()?,
        };
        let response = self
            .document
            .document("attestations", Document::Ecosystem)?;
        npm::parse_response(&response)?;
        let sha512 = self.target.digest(HashAlg::Sha512, "tarball")?;
        Ok(npm::verify(
            &self.verifier,
            &keys,
            &response,
            &self.package,
            &sha512,
            self.repository.as_deref(),
            now,
        )?)
    }

    /// With a previous version's response: how this version's publisher compares with it
    /// (`None` without one). `current` is what [`Job::run`] gave.
    pub fn continuity(
        &self,
        current: &npm::NpmVerification,
        now: i64,
    ) -> Result<Option<sigverify::ecosystems::continuity::Verdict>, Failure> {
        let Some(prev) = &self.previous else {
            return Ok(None);
        };
        let doc = prev.document("previous attestations", Document::Ecosystem)?;
        let before = npm::provenance_publisher(&self.verifier, &doc, now)?;
        Ok(Some(npm::continuity(before.as_ref(), current)?))
    }
}
