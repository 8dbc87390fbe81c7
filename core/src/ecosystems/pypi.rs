//! PyPI: PEP 740 attestations and Integrity API provenance objects.
//!
//! Each attestation becomes a v0.3 DSSE bundle. Its statement must have exactly one subject whose
//! name is the distribution's file name (compared as PyPI normalises names) and whose sha256 is
//! the file's; the predicate type is PyPI's publish attestation or SLSA provenance v1. The
//! Trusted Publisher (GitHub, GitLab, Google) becomes the identity policy.

use serde_json::{json, Value};

use super::{eco_err, invalid, parse_document, statement};
use crate::crypto::HashAlg;
use crate::error::Error;
use crate::policy::{
    github, gitlab, Field, Matcher, Policy, Requirement, GITHUB_ISSUER, GITLAB_ISSUER,
};
use crate::result::Signer;
use crate::{Artifact, Bundle, VerificationResult, Verifier};

/// Predicate types a PyPI attestation may carry.
pub const PREDICATE_TYPES: &[&str] = &[
    "https://docs.pypi.org/attestations/publish/v1",
    "https://slsa.dev/provenance/v1",
];

/// A PyPI Trusted Publisher.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Publisher {
    /// GitHub Actions: `OWNER/REPO` and the workflow file name (`release.yml`).
    GitHub {
        /// `OWNER/REPO`.
        repository: String,
        /// The workflow file name.
        workflow: String,
        /// The GitHub environment the publisher is restricted to, as PyPI states it (a
        /// certificate does not carry it).
        environment: Option<String>,
    },
    /// GitLab CI/CD: `NAMESPACE/PROJECT` and the CI file path (`.gitlab-ci.yml`).
    GitLab {
        /// `NAMESPACE/PROJECT`.
        repository: String,
        /// The CI config file path.
        workflow_filepath: String,
        /// The GitLab environment the publisher is restricted to, as PyPI states it (a
        /// certificate does not carry it).
        environment: Option<String>,
    },
    /// Google Cloud: a service account email.
    Google {
        /// The email.
        email: String,
    },
}

impl Publisher {
    /// Parses the CLI form: `github:OWNER/REPO/WORKFLOW`, `gitlab:NAMESPACE/PROJECT/CI_FILE_PATH`,
    /// `google:EMAIL`.
    pub fn parse(s: &str) -> Result<Publisher, Error> {
        let bad = || {
            Error::InvalidPolicy {
            path: "publisher".into(),
            reason: format!("expected github:OWNER/REPO/WORKFLOW, gitlab:NAMESPACE/PROJECT/CI_FILE_PATH or google:EMAIL, found {s:?}"),
        }
        };
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "github" => {
                let mut parts = rest.splitn(3, '/');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(o), Some(r), Some(w))
                        if !o.is_empty() && !r.is_empty() && !w.is_empty() && !w.contains('/') =>
                    {
                        Ok(Publisher::GitHub {
                            repository: format!("{o}/{r}"),
                            workflow: w.to_owned(),
                            environment: None,
                        })
                    }
                    _ => Err(bad()),
                }
            }
            "gitlab" => {
                let mut parts = rest.splitn(3, '/');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(n), Some(p), Some(f))
                        if !n.is_empty() && !p.is_empty() && !f.is_empty() =>
                    {
                        Ok(Publisher::GitLab {
                            repository: format!("{n}/{p}"),
                            workflow_filepath: f.to_owned(),
                            environment: None,
                        })
                    }
                    _ => Err(bad()),
                }
            }
            "google" if rest.contains('@') => Ok(Publisher::Google {
                email: rest.to_owned(),
            }),
            _ => Err(bad()),
        }
    }

    /// From an Integrity API `publisher` object (`{"kind": "GitHub", "repository", "workflow"}`).
    fn from_value(v: &Value) -> Result<Publisher, Error> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        // PyPI writes `"environment": ""` (or null) for a publisher with no environment.
        let environment = s("environment").filter(|e| !e.is_empty());
        let missing = |k: &str| invalid("PyPI publisher", format!("publisher.{k} is missing"));
        match s("kind").as_deref() {
            Some("GitHub") => Ok(Publisher::GitHub {
                repository: s("repository").ok_or_else(|| missing("repository"))?,
                workflow: s("workflow").ok_or_else(|| missing("workflow"))?,
                environment,
            }),
            Some("GitLab") => Ok(Publisher::GitLab {
                repository: s("repository").ok_or_else(|| missing("repository"))?,
                workflow_filepath: s("workflow_filepath")
                    .ok_or_else(|| missing("workflow_filepath"))?,
                environment,
            }),
            Some("Google") => Ok(Publisher::Google {
                email: s("email").ok_or_else(|| missing("email"))?,
            }),
            other => Err(invalid(
                "PyPI publisher",
                format!("unsupported publisher kind {other:?}"),
            )),
        }
    }

    /// The identity policy the publisher stands for (issuer, source repository, and the build
    /// configuration; the ref-or-digest rule is checked after verification).
    pub fn policy(&self) -> Result<Policy, Error> {
        Ok(match self {
            Publisher::GitHub { repository, .. } => {
                let prefix = self.build_config_prefix().unwrap_or_default();
                Policy::certificate_requirements(
                    Some(Matcher::regex("https://github\\.com/.+")?),
                    Matcher::exact(GITHUB_ISSUER),
                    vec![
                        github::repository(repository)?,
                        Requirement::Field(
                            Field::Fulcio(18),
                            Matcher::regex(&format!("{}.+", regex::escape(&prefix)))?,
                        ),
                    ],
                )?
            }
            Publisher::GitLab { repository, .. } => {
                let prefix = self.build_config_prefix().unwrap_or_default();
                Policy::certificate_requirements(
                    Some(Matcher::regex("https://gitlab\\.com/.+")?),
                    Matcher::exact(GITLAB_ISSUER),
                    vec![
                        gitlab::project(repository)?,
                        Requirement::Field(
                            Field::Fulcio(18),
                            Matcher::regex(&format!("{}.+", regex::escape(&prefix)))?,
                        ),
                    ],
                )?
            }
            Publisher::Google { email } => Policy::identity(email.clone(), GOOGLE_ISSUER)?,
        })
    }

    /// What the certificate's Build Config URI (Fulcio claim 18) starts with, before the ref:
    /// the one place that says how a GitHub or GitLab publisher appears in a certificate, read by
    /// [`Publisher::policy`] (to require it) and [`Publisher::from_certificate`] (to recognise it).
    fn build_config_prefix(&self) -> Option<String> {
        match self {
            Publisher::GitHub {
                repository,
                workflow,
                ..
            } => Some(format!(
                "https://github.com/{repository}/.github/workflows/{workflow}@"
            )),
            Publisher::GitLab {
                repository,
                workflow_filepath,
                ..
            } => Some(format!(
                "https://gitlab.com/{repository}//{workflow_filepath}@"
            )),
            Publisher::Google { .. } => None,
        }
    }

    /// The Trusted Publisher a verified certificate stands for, read as PyPI maps publishers to
    /// certificates (the inverse of [`Publisher::policy`]): GitHub and GitLab from the Build
    /// Config URI, which must name the certificate's own source repository; Google from the
    /// email. The environment is never in a certificate, so it is `None`.
    pub fn from_certificate(r: &VerificationResult) -> Result<Publisher, Error> {
        let Signer::Certificate { claims, san, .. } = &r.signer else {
            return Err(eco_err(
                "signed with a key, not a certificate: no Trusted Publisher",
            ));
        };
        let claim = |n: u32| {
            let oid = format!("1.3.6.1.4.1.57264.1.{n}");
            claims
                .iter()
                .find(|c| c.oid == oid)
                .map(|c| c.value.as_str())
        };
        let not_a_publisher = |why: String| Error::PolicyMismatch {
            claim: "Trusted Publisher".into(),
            expected: "a GitHub, GitLab or Google publisher".into(),
            found: why,
        };
        let issuer = r.issuer().unwrap_or_default();
        let config = claim(18).unwrap_or_default();
        let source = claim(12).unwrap_or_default();
        let candidate = match issuer {
            GITHUB_ISSUER => {
                let rest = config
                    .strip_prefix("https://github.com/")
                    .unwrap_or_default();
                let (repository, rest) = rest
                    .split_once("/.github/workflows/")
                    .ok_or_else(|| not_a_publisher(format!("Build Config URI {config:?}")))?;
                let (workflow, _) = rest
                    .split_once('@')
                    .ok_or_else(|| not_a_publisher(format!("Build Config URI {config:?}")))?;
                Publisher::GitHub {
                    repository: repository.to_owned(),
                    workflow: workflow.to_owned(),
                    environment: None,
                }
            }
            GITLAB_ISSUER => {
                let rest = config
                    .strip_prefix("https://gitlab.com/")
                    .unwrap_or_default();
                let (repository, rest) = rest
                    .split_once("//")
                    .ok_or_else(|| not_a_publisher(format!("Build Config URI {config:?}")))?;
                let (path, _) = rest
                    .rsplit_once('@')
                    .ok_or_else(|| not_a_publisher(format!("Build Config URI {config:?}")))?;
                Publisher::GitLab {
                    repository: repository.to_owned(),
                    workflow_filepath: path.to_owned(),
                    environment: None,
                }
            }
            GOOGLE_ISSUER => match san {
                Some(s) if s.value().contains('@') => Publisher::Google {
                    email: s.value().to_owned(),
                },
                _ => {
                    return Err(not_a_publisher(
                        "a Google certificate without an email".into(),
                    ))
                }
            },
            other => return Err(not_a_publisher(format!("issuer {other:?}"))),
        };
        // The build configuration must belong to the source repository the certificate names,
        // as the publisher's policy requires.
        if let Some(host_repo) = match &candidate {
            Publisher::GitHub { repository, .. } => {
                Some(format!("https://github.com/{repository}"))
            }
            Publisher::GitLab { repository, .. } => {
                Some(format!("https://gitlab.com/{repository}"))
            }
            Publisher::Google { .. } => None,
        } {
            if !source.eq_ignore_ascii_case(&host_repo) {
                return Err(not_a_publisher(format!(
                    "Build Config URI {config:?} outside the Source Repository URI {source:?}"
                )));
            }
        }
        Ok(candidate)
    }
}

/// Google's OIDC issuer (Google service-account publishers).
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

/// Converts one PEP 740 attestation object into a v0.3 DSSE bundle.
pub fn attestation_to_bundle(attestation: &Value) -> Result<Bundle, Error> {
    let what = "PEP 740 attestation";
    if attestation.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(invalid(what, "version must be 1"));
    }
    let vm = attestation
        .get("verification_material")
        .ok_or_else(|| invalid(what, "verification_material is missing"))?;
    let cert = vm
        .get("certificate")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(what, "verification_material.certificate is missing"))?;
    let entries = vm
        .get("transparency_entries")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            invalid(
                what,
                "verification_material.transparency_entries is missing",
            )
        })?;
    // Counted here, before the entries are copied into a bundle (which counts them again).
    if entries.len() > crate::limits::MAX_TLOG_ENTRIES {
        return Err(Error::LimitExceeded {
            what: "transparency log entries",
            limit: crate::limits::MAX_TLOG_ENTRIES as u64,
            found: entries.len() as u64,
        });
    }
    let env = attestation
        .get("envelope")
        .ok_or_else(|| invalid(what, "envelope is missing"))?;
    let statement = env
        .get("statement")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(what, "envelope.statement is missing"))?;
    let signature = env
        .get("signature")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(what, "envelope.signature is missing"))?;
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"certificate": {"rawBytes": cert}, "tlogEntries": entries},
        "dsseEnvelope": {"payload": statement, "payloadType": crate::dsse::IN_TOTO_PAYLOAD_TYPE, "signatures": [{"sig": signature, "keyid": ""}]},
    });
    Bundle::from_json(bundle.to_string().as_bytes())
}

/// Parses a PEP 740 attestation (`.publish.attestation`) into a bundle.
pub fn parse_attestation(json: &[u8]) -> Result<Bundle, Error> {
    let v = parse_document(
        json,
        "PEP 740 attestation",
        "PEP 740 attestation size in bytes",
    )?;
    attestation_to_bundle(&v)
}

/// An Integrity API provenance object: bundles of attestations, each with its publisher.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// (publisher, attestations as bundles)
    pub attestation_bundles: Vec<(Publisher, Vec<Bundle>)>,
}

/// Parses an Integrity API provenance object (`{version: 1, attestation_bundles: [...]}`).
pub fn parse_provenance(json: &[u8]) -> Result<Provenance, Error> {
    let what = "PyPI provenance object";
    let v = parse_document(json, what, "provenance object size in bytes")?;
    if v.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(invalid(what, "version must be 1"));
    }
    let bundles = v
        .get("attestation_bundles")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(what, "attestation_bundles is missing"))?;
    if bundles.is_empty() {
        return Err(invalid(what, "attestation_bundles is empty"));
    }
    let mut out = Vec::new();
    for b in bundles {
        let publisher = Publisher::from_value(
            b.get("publisher")
                .ok_or_else(|| invalid(what, "publisher is missing"))?,
        )?;
        let atts = b
            .get("attestations")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(what, "attestations is missing"))?;
        if atts.is_empty() || atts.len() > crate::limits::MAX_TLOG_ENTRIES {
            return Err(invalid(
                what,
                format!(
                    "expected 1 to {} attestations, found {}",
                    crate::limits::MAX_TLOG_ENTRIES,
                    atts.len()
                ),
            ));
        }
        out.push((
            publisher,
            atts.iter()
                .map(attestation_to_bundle)
                .collect::<Result<_, _>>()?,
        ));
    }
    Ok(Provenance {
        attestation_bundles: out,
    })
}

/// PyPI's normalisation of a distribution file name for comparison: the project-name part is
/// lower-cased with runs of `-`, `_` and `.` folded to `_` (PEP 503 / PEP 427 escaping).
pub fn normalize_dist_filename(name: &str) -> String {
    let fold = |s: &str| {
        let mut out = String::with_capacity(s.len());
        let mut last_sep = false;
        for c in s.chars() {
            if c == '-' || c == '_' || c == '.' {
                if !last_sep {
                    out.push('_');
                }
                last_sep = true;
            } else {
                out.extend(c.to_lowercase());
                last_sep = false;
            }
        }
        out
    };
    if let Some(stem) = name.strip_suffix(".whl") {
        // name-version(-build)?-python-abi-platform.whl
        match stem.split_once('-') {
            Some((project, rest)) => format!("{}-{}.whl", fold(project), rest),
            None => name.to_owned(),
        }
    } else {
        for ext in [".tar.gz", ".zip"] {
            if let Some(stem) = name.strip_suffix(ext) {
                if let Some((project, version)) = stem.rsplit_once('-') {
                    return format!("{}-{}{}", fold(project), version, ext);
                }
            }
        }
        name.to_owned()
    }
}

/// Verifies one attestation (as a bundle) for the distribution `filename` with `sha256`, signed
/// by `publisher`.
pub fn verify_attestation(
    verifier: &Verifier,
    bundle: &Bundle,
    filename: &str,
    sha256: &[u8],
    publisher: &Publisher,
    now: i64,
) -> Result<VerificationResult, Error> {
    let r = verify_attestation_with_policy(
        verifier,
        bundle,
        filename,
        sha256,
        &publisher.policy()?,
        now,
    )?;
    check_build_config_ref(&r, publisher)?;
    Ok(r)
}

/// Verifies one attestation against an explicit identity policy instead of a publisher.
pub fn verify_attestation_with_policy(
    verifier: &Verifier,
    bundle: &Bundle,
    filename: &str,
    sha256: &[u8],
    policy: &Policy,
    now: i64,
) -> Result<VerificationResult, Error> {
    let artifact = Artifact::Digest(HashAlg::Sha256, sha256.to_vec());
    let r = verifier.verify(bundle, &artifact, policy, now)?;
    let st = statement(&r)?;
    if !PREDICATE_TYPES.contains(&st.predicate_type.as_str()) {
        return Err(eco_err(format!(
            "predicate type {:?} is not a PyPI attestation type ({})",
            st.predicate_type,
            PREDICATE_TYPES.join(", ")
        )));
    }
    let [subject] = st.subjects.as_slice() else {
        return Err(eco_err(format!(
            "a PyPI attestation has exactly one subject, found {}",
            st.subjects.len()
        )));
    };
    if normalize_dist_filename(&subject.name) != normalize_dist_filename(filename) {
        return Err(Error::ArtifactMismatch {
            what: "PyPI attestation subject name (normalised distribution file name)".into(),
            expected: subject.name.clone(),
            found: filename.to_owned(),
        });
    }
    let want = hex::encode(sha256);
    if !subject
        .digest
        .get("sha256")
        .is_some_and(|d| d.eq_ignore_ascii_case(&want))
    {
        return Err(Error::ArtifactMismatch {
            what: "PyPI attestation subject sha256".into(),
            expected: subject
                .digest
                .get("sha256")
                .cloned()
                .unwrap_or_else(|| "none".into()),
            found: want,
        });
    }
    Ok(r)
}

/// The build configuration must be pinned at the source ref or the source digest the
/// certificate states (as pypi-attestations checks for GitHub and GitLab publishers).
fn check_build_config_ref(r: &VerificationResult, publisher: &Publisher) -> Result<(), Error> {
    if matches!(publisher, Publisher::Google { .. }) {
        return Ok(());
    }
    let Signer::Certificate { claims, .. } = &r.signer else {
        return Err(eco_err("PyPI attestations are signed with certificates"));
    };
    let get = |oid: &str| {
        claims
            .iter()
            .find(|c| c.oid == oid)
            .map(|c| c.value.as_str())
    };
    let uri = get("1.3.6.1.4.1.57264.1.18").unwrap_or_default();
    let at = uri.rsplit_once('@').map(|x| x.1).unwrap_or_default();
    let ok = [get("1.3.6.1.4.1.57264.1.14"), get("1.3.6.1.4.1.57264.1.13")]
        .into_iter()
        .flatten()
        .any(|v| v == at);
    if ok {
        Ok(())
    } else {
        Err(Error::PolicyMismatch {
            claim: "buildConfigURI".into(),
            expected: "the publisher's workflow at the source ref or source digest".into(),
            found: format!("{uri:?}"),
        })
    }
}

/// Who must have signed PyPI attestations.
#[derive(Clone, Debug)]
pub enum Expect<'a> {
    /// The publisher named in the provenance object (only for provenance objects).
    FromProvenance,
    /// This Trusted Publisher.
    Publisher(&'a Publisher),
    /// An explicit identity policy.
    Policy(&'a Policy),
}

/// Verifies every attestation of a provenance object.
pub fn verify_provenance(
    verifier: &Verifier,
    provenance: &Provenance,
    filename: &str,
    sha256: &[u8],
    expect: &Expect<'_>,
    now: i64,
) -> Result<Vec<VerificationResult>, Error> {
    let mut out = Vec::new();
    for (p, bundles) in &provenance.attestation_bundles {
        for b in bundles {
            out.push(match expect {
                Expect::FromProvenance => {
                    verify_attestation(verifier, b, filename, sha256, p, now)?
                }
                Expect::Publisher(p) => verify_attestation(verifier, b, filename, sha256, p, now)?,
                Expect::Policy(policy) => {
                    verify_attestation_with_policy(verifier, b, filename, sha256, policy, now)?
                }
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_normalise_like_pypi() {
        assert_eq!(
            normalize_dist_filename("Foo.Bar-1.0.tar.gz"),
            normalize_dist_filename("foo_bar-1.0.tar.gz")
        );
        assert_eq!(
            normalize_dist_filename("Foo.Bar-1.0-py3-none-any.whl"),
            "foo_bar-1.0-py3-none-any.whl"
        );
        assert_ne!(
            normalize_dist_filename("foo-1.0.tar.gz"),
            normalize_dist_filename("foo-1.1.tar.gz")
        );
        assert_ne!(
            normalize_dist_filename("foo-1.0.tar.gz"),
            normalize_dist_filename("foo-1.0.zip")
        );
    }

    #[test]
    fn publishers() {
        assert_eq!(
            Publisher::parse("github:o/r/release.yml").unwrap(),
            Publisher::GitHub {
                repository: "o/r".into(),
                workflow: "release.yml".into(),
                environment: None,
            }
        );
        assert!(Publisher::parse("github:o/release.yml").is_err());
        assert!(Publisher::parse("gitlab:ns/p/.gitlab-ci.yml").is_ok());
        assert!(Publisher::parse("google:x@example.com").is_ok());
        assert!(Publisher::parse("bitbucket:x").is_err());
    }
}
