//! Provenance continuity: is this release published by whoever published the last one?
//!
//! A valid signature says who built a release, not that it is who built the previous one. A
//! package taken over (a stolen token, a new maintainer, a compromised CI) shows up as another
//! publisher, or as a release without provenance where every earlier one had it. This module
//! compares the publisher of a verified release with the identities recorded for the package
//! (a PEP 751 lock's `attestation-identities`, or the previous version's attestations) and says
//! which of four things happened: the same publisher, a changed publisher (naming the fields),
//! provenance missing although identities are recorded, or nothing recorded (first use).
//!
//! An [`Identity`] has the shape of a PEP 740 publisher object: a `kind` (`GitHub`, `GitLab`,
//! `Google`) and its keys (`repository`, `workflow`, `workflow_filepath`, `environment`, `email`).
//! For a certificate that is not a Trusted Publisher (a conda or npm package signed by another
//! issuer) the kind is `Certificate` with the keys `identity` and `issuer`. The mapping from a
//! certificate to a publisher is the PyPI adapter's ([`Publisher::from_certificate`], the inverse
//! of the policy `sigverify pypi verify` checks), not a second copy of it.

use std::collections::BTreeMap;

use super::pypi::Publisher;
use crate::error::Error;
use crate::VerificationResult;

/// The `kind` of an identity read from a certificate that is no Trusted Publisher.
pub const CERTIFICATE_KIND: &str = "Certificate";

/// Most keys in one identity (a real publisher has at most four).
const MAX_IDENTITY_KEYS: usize = 32;

/// A publisher identity: a PEP 740 publisher object (`kind` plus its keys).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identity {
    kind: String,
    fields: BTreeMap<String, String>,
}

impl Identity {
    /// An identity of `kind` with `fields` (every key but `kind`). Refused: an empty kind, a
    /// `kind` key among the fields, an empty key, more than 32 keys.
    pub fn new(
        kind: impl Into<String>,
        fields: BTreeMap<String, String>,
    ) -> Result<Identity, Error> {
        let kind = kind.into();
        let bad = |reason: String| Error::InvalidPolicy {
            path: "attestation-identities".into(),
            reason,
        };
        if kind.is_empty() {
            return Err(bad("kind is empty".into()));
        }
        if fields.contains_key("kind") {
            return Err(bad("kind given twice".into()));
        }
        if fields.keys().any(String::is_empty) {
            return Err(bad("a key is empty".into()));
        }
        if fields.len() > MAX_IDENTITY_KEYS {
            return Err(bad(format!(
                "{} keys, at most {MAX_IDENTITY_KEYS}",
                fields.len()
            )));
        }
        Ok(Identity { kind, fields })
    }

    /// The publisher kind (`GitHub`, `GitLab`, `Google`, `Certificate`...).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The keys besides `kind`, sorted.
    pub fn fields(&self) -> &BTreeMap<String, String> {
        &self.fields
    }

    /// The identity of a PyPI Trusted Publisher (the environment only when it has one).
    pub fn from_publisher(p: &Publisher) -> Identity {
        let mut f = BTreeMap::new();
        let kind = match p {
            Publisher::GitHub {
                repository,
                workflow,
                environment,
            } => {
                f.insert("repository".into(), repository.clone());
                f.insert("workflow".into(), workflow.clone());
                if let Some(e) = environment {
                    f.insert("environment".into(), e.clone());
                }
                "GitHub"
            }
            Publisher::GitLab {
                repository,
                workflow_filepath,
                environment,
            } => {
                f.insert("repository".into(), repository.clone());
                f.insert("workflow_filepath".into(), workflow_filepath.clone());
                if let Some(e) = environment {
                    f.insert("environment".into(), e.clone());
                }
                "GitLab"
            }
            Publisher::Google { email } => {
                f.insert("email".into(), email.clone());
                "Google"
            }
        };
        Identity {
            kind: kind.into(),
            fields: f,
        }
    }

    /// The identity of a verified result's signer: its Trusted Publisher when the certificate
    /// is one (as PyPI maps it), else `Certificate` with the SAN and the issuer. A key-signed
    /// result has no identity to compare and is refused.
    pub fn from_result(r: &VerificationResult) -> Result<Identity, Error> {
        match Publisher::from_certificate(r) {
            Ok(p) => Ok(Identity::from_publisher(&p)),
            Err(e) => match (r.identity(), r.issuer()) {
                // A GitHub Actions certificate from before Fulcio's Build Config URI claim
                // (mid-2023; npm provenance of that time): the SAN names the workflow, at a ref
                // that changes with every release, so the workflow without the ref.
                (Some(id), Some(crate::policy::GITHUB_ISSUER))
                    if legacy_github_workflow(id).is_some() =>
                {
                    let (repository, workflow) = legacy_github_workflow(id).unwrap_or_default();
                    Ok(Identity::from_publisher(&Publisher::GitHub {
                        repository,
                        workflow,
                        environment: None,
                    }))
                }
                (Some(id), Some(iss)) => {
                    let mut f = BTreeMap::new();
                    f.insert("identity".into(), id.to_owned());
                    f.insert("issuer".into(), iss.to_owned());
                    Ok(Identity {
                        kind: CERTIFICATE_KIND.into(),
                        fields: f,
                    })
                }
                _ => Err(e),
            },
        }
    }

    /// The keys on which `self` (recorded) and `found` differ; empty when they are the same
    /// publisher. Kinds differing gives `["kind"]`. Repositories compare without ASCII case
    /// (GitHub and GitLab paths are case-insensitive); every other value exactly. A key present
    /// on one side only differs, except `environment` recorded and absent from a publisher read
    /// from a certificate alone, which cannot carry it: see [`compare`].
    fn differences(&self, found: &Identity, found_has_environment: bool) -> Vec<String> {
        if self.kind != found.kind {
            return vec!["kind".into()];
        }
        let mut keys: Vec<&String> = self.fields.keys().chain(found.fields.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| {
                if k.as_str() == "environment" && !found_has_environment {
                    return false;
                }
                match (self.fields.get(*k), found.fields.get(*k)) {
                    (Some(a), Some(b)) if k.as_str() == "repository" => !a.eq_ignore_ascii_case(b),
                    (a, b) => a != b,
                }
            })
            .cloned()
            .collect()
    }
}

/// `https://github.com/OWNER/REPO/.github/workflows/FILE@REF` as (`OWNER/REPO`, `FILE`).
fn legacy_github_workflow(san: &str) -> Option<(String, String)> {
    let rest = san.strip_prefix("https://github.com/")?;
    let (repository, rest) = rest.split_once("/.github/workflows/")?;
    let (workflow, _) = rest.split_once('@')?;
    (repository.split('/').count() == 2 && !workflow.is_empty() && !workflow.contains('/'))
        .then(|| (repository.to_owned(), workflow.to_owned()))
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind)?;
        for (k, v) in &self.fields {
            write!(f, " {k}={v:?}")?;
        }
        Ok(())
    }
}

/// What comparing a release's publisher with the recorded identities gave.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// The release's publisher is one of the recorded identities.
    SamePublisher {
        /// The publisher found (and recorded).
        found: Identity,
    },
    /// The release was published by someone not recorded.
    PublisherChanged {
        /// The publisher found.
        found: Identity,
        /// The identities recorded.
        recorded: Vec<Identity>,
        /// The keys on which the found publisher differs from the closest recorded identity
        /// (`kind` when no recorded identity has its kind).
        fields: Vec<String>,
    },
    /// Identities are recorded but the release has no provenance.
    ProvenanceMissing {
        /// The identities recorded.
        recorded: Vec<Identity>,
    },
    /// Nothing is recorded (first use): the found publisher, if any, is what to record.
    NotRecorded {
        /// The publisher found, if the release has provenance.
        found: Option<Identity>,
    },
}

impl Verdict {
    /// A stable name: `same-publisher`, `publisher-changed`, `provenance-missing`,
    /// `not-recorded`.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::SamePublisher { .. } => "same-publisher",
            Verdict::PublisherChanged { .. } => "publisher-changed",
            Verdict::ProvenanceMissing { .. } => "provenance-missing",
            Verdict::NotRecorded { .. } => "not-recorded",
        }
    }

    /// True for the verdicts an installer must stop at: a changed publisher, missing provenance.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            Verdict::PublisherChanged { .. } | Verdict::ProvenanceMissing { .. }
        )
    }

    /// One line for people: what happened, with the identities involved.
    pub fn describe(&self) -> String {
        match self {
            Verdict::SamePublisher { found } => format!("same publisher: {found}"),
            Verdict::PublisherChanged {
                found,
                recorded,
                fields,
            } => format!(
                "publisher changed ({}): found {found}, recorded {}",
                fields.join(", "),
                recorded
                    .iter()
                    .map(Identity::to_string)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            Verdict::ProvenanceMissing { recorded } => format!(
                "provenance missing although identities are recorded: {}",
                recorded
                    .iter()
                    .map(Identity::to_string)
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            Verdict::NotRecorded { found: Some(f) } => {
                format!("no identity recorded; published by {f}")
            }
            Verdict::NotRecorded { found: None } => "no identity recorded and no provenance".into(),
        }
    }

    /// The worse of two verdicts for one package (several files): a changed publisher, then
    /// missing provenance, then not recorded, then the same publisher.
    pub fn worse(self, other: Verdict) -> Verdict {
        fn rank(v: &Verdict) -> u8 {
            match v {
                Verdict::PublisherChanged { .. } => 3,
                Verdict::ProvenanceMissing { .. } => 2,
                Verdict::NotRecorded { .. } => 1,
                Verdict::SamePublisher { .. } => 0,
            }
        }
        if rank(&other) > rank(&self) {
            other
        } else {
            self
        }
    }
}

/// Compares the publisher `found` for a release (`None`: the release has no provenance) with
/// the identities `recorded` for its package.
///
/// A recorded `environment` is compared only when the found publisher states whether it has
/// one (`found_has_environment`: PyPI's provenance objects do); a publisher read from a
/// certificate alone cannot, since no Fulcio claim carries the environment.
pub fn compare(
    recorded: &[Identity],
    found: Option<&Identity>,
    found_has_environment: bool,
) -> Verdict {
    match (recorded.is_empty(), found) {
        (true, found) => Verdict::NotRecorded {
            found: found.cloned(),
        },
        (false, None) => Verdict::ProvenanceMissing {
            recorded: recorded.to_vec(),
        },
        (false, Some(f)) => {
            let mut closest: Option<Vec<String>> = None;
            for r in recorded {
                let d = r.differences(f, found_has_environment);
                if d.is_empty() {
                    return Verdict::SamePublisher { found: f.clone() };
                }
                if closest.as_ref().is_none_or(|c| d.len() < c.len()) {
                    closest = Some(d);
                }
            }
            Verdict::PublisherChanged {
                found: f.clone(),
                recorded: recorded.to_vec(),
                fields: closest.unwrap_or_default(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(repo: &str, wf: &str, env: Option<&str>) -> Identity {
        Identity::from_publisher(&Publisher::GitHub {
            repository: repo.into(),
            workflow: wf.into(),
            environment: env.map(Into::into),
        })
    }

    #[test]
    fn every_verdict() {
        let rec = [gh("o/r", "release.yml", Some("pypi"))];
        assert_eq!(
            compare(&rec, Some(&gh("O/R", "release.yml", Some("pypi"))), true).code(),
            "same-publisher"
        );
        let v = compare(
            &rec,
            Some(&gh("o/other", "release.yml", Some("pypi"))),
            true,
        );
        assert!(
            matches!(&v, Verdict::PublisherChanged { fields, .. } if fields == &["repository"])
        );
        let v = compare(&rec, Some(&gh("o/r", "ci.yml", Some("pypi"))), true);
        assert!(matches!(&v, Verdict::PublisherChanged { fields, .. } if fields == &["workflow"]));
        let v = compare(&rec, Some(&gh("o/r", "release.yml", None)), true);
        assert!(
            matches!(&v, Verdict::PublisherChanged { fields, .. } if fields == &["environment"])
        );
        // From a certificate alone the environment is unknown, not different.
        assert_eq!(
            compare(&rec, Some(&gh("o/r", "release.yml", None)), false).code(),
            "same-publisher"
        );
        let google = Identity::from_publisher(&Publisher::Google {
            email: "a@example.com".into(),
        });
        let v = compare(&rec, Some(&google), true);
        assert!(matches!(&v, Verdict::PublisherChanged { fields, .. } if fields == &["kind"]));
        assert!(v.is_failure());
        assert_eq!(compare(&rec, None, true).code(), "provenance-missing");
        assert_eq!(compare(&[], Some(&google), true).code(), "not-recorded");
        assert_eq!(compare(&[], None, true).code(), "not-recorded");
        assert!(!compare(&[], None, true).is_failure());
    }

    #[test]
    fn identities_are_checked_when_built() {
        assert!(Identity::new("", BTreeMap::new()).is_err());
        let mut f = BTreeMap::new();
        f.insert("kind".to_owned(), "x".to_owned());
        assert!(Identity::new("GitHub", f).is_err());
        let mut f = BTreeMap::new();
        f.insert(String::new(), "x".to_owned());
        assert!(Identity::new("GitHub", f).is_err());
    }
}
