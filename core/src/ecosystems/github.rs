//! GitHub artifact attestations (also Homebrew bottles): a bundle, or the attestations API's
//! JSON lines; verified against the public-good root or GitHub's own instance (timestamps only,
//! no log), chosen by who issued the certificate.

use serde_json::Value;

use super::{eco_err, invalid, statement};
use crate::error::Error;
use crate::policy::{github, Policy, GITHUB_ISSUER};
use crate::{Artifact, Bundle, VerificationResult, Verifier, VerifierOptions};

/// Parses one bundle, or JSON lines of bundles (each line a bundle, or an object with a
/// `bundle` field as the attestations API returns them).
pub fn parse_bundles(input: &[u8]) -> Result<Vec<Bundle>, Error> {
    let what = "GitHub attestations";
    if input.len() > crate::limits::MAX_BUNDLE_BYTES {
        return Err(Error::LimitExceeded {
            what: "GitHub attestations size in bytes",
            limit: crate::limits::MAX_BUNDLE_BYTES as u64,
            found: input.len() as u64,
        });
    }
    // Depth and items over the whole input: JSON lines are one document for this count.
    crate::limits::check_json_tree(input, what)?;
    let text = std::str::from_utf8(input).map_err(|_| invalid(what, "not UTF-8 text"))?;
    let trimmed = text.trim();
    // A single (possibly pretty-printed) bundle.
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        return Ok(vec![bundle_of(&v)?]);
    }
    let mut out = Vec::new();
    for (i, line) in trimmed.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        if i >= crate::limits::MAX_TLOG_ENTRIES {
            return Err(Error::LimitExceeded {
                what: "attestations in a JSON lines file",
                limit: crate::limits::MAX_TLOG_ENTRIES as u64,
                found: (i + 1) as u64,
            });
        }
        let v: Value = serde_json::from_str(line)
            .map_err(|e| invalid("GitHub attestations", format!("line {}: {e}", i + 1)))?;
        out.push(bundle_of(&v)?);
    }
    if out.is_empty() {
        return Err(invalid("GitHub attestations", "no attestation"));
    }
    Ok(out)
}

fn bundle_of(v: &Value) -> Result<Bundle, Error> {
    let b = v.get("bundle").unwrap_or(v);
    Bundle::from_json(b.to_string().as_bytes())
}

/// Thresholds for GitHub's own instance: no transparency log and no CT, one timestamp.
pub fn github_instance_options() -> VerifierOptions {
    VerifierOptions {
        tlog_threshold: 0,
        sct_threshold: 0,
        timestamp_threshold: 1,
    }
}

/// Which trust domain a bundle belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instance {
    /// Sigstore public-good.
    PublicGood,
    /// GitHub's own instance (private repositories).
    GitHub,
}

/// Verifies the attestations for `artifact` and returns the first that satisfies the policy
/// (as `gh attestation verify` does); if none does, the first error. `instance` forces the trust
/// domain; otherwise it is chosen by the certificate's issuer (GitHub's CA or not).
pub fn verify(
    public_good: &Verifier,
    github_instance: &Verifier,
    bundles: &[Bundle],
    artifact: &Artifact<'_>,
    policy: &Policy,
    instance: Option<Instance>,
    now: i64,
) -> Result<VerificationResult, Error> {
    let mut first_err = None;
    for b in bundles {
        let chosen = match instance {
            Some(Instance::GitHub) => github_instance,
            Some(Instance::PublicGood) => public_good,
            None if github_instance.issues_certificate_of(b) => github_instance,
            None => public_good,
        };
        match chosen.verify(b, artifact, policy, now) {
            Ok(r) => return Ok(r),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| eco_err("no attestation")))
}

/// A policy for a GitHub repository: issuer GitHub, source repository `OWNER/REPO` (or owner),
/// optionally the signing workflow.
pub fn policy(
    repo: Option<&str>,
    owner: Option<&str>,
    signer_workflow: Option<&str>,
) -> Result<Policy, Error> {
    let mut rs = vec![match (repo, owner) {
        (Some(r), _) => github::repository(r)?,
        (None, Some(o)) => github::owner(o)?,
        (None, None) => {
            return Err(Error::InvalidPolicy {
                path: "github".into(),
                reason: "a repository or an owner is required".into(),
            })
        }
    }];
    if let Some(w) = signer_workflow {
        rs.push(github::signer_workflow(w)?);
    }
    let p = Policy::certificate_requirements(
        Some(crate::Matcher::regex("https://github\\.com/.+")?),
        crate::Matcher::exact(GITHUB_ISSUER),
        rs,
    )?;
    Ok(p)
}

/// Homebrew bottles: built by Homebrew/homebrew-core's CI, and the statement's subject is the
/// bottle's file name.
pub fn verify_homebrew_bottle(
    public_good: &Verifier,
    github_instance: &Verifier,
    bundles: &[Bundle],
    bottle_name: &str,
    artifact: &Artifact<'_>,
    now: i64,
) -> Result<VerificationResult, Error> {
    let p = policy(Some("Homebrew/homebrew-core"), None, None)?;
    let mut first_err = None;
    for b in bundles {
        let r =
            verify(
                public_good,
                github_instance,
                std::slice::from_ref(b),
                artifact,
                &p,
                None,
                now,
            )
            .and_then(|r| {
                let st = statement(&r)?;
                if st.subjects.iter().any(|s| {
                    s.name == bottle_name || s.name.rsplit('/').next() == Some(bottle_name)
                }) {
                    Ok(r)
                } else {
                    Err(Error::ArtifactMismatch {
                        what: "Homebrew bottle subject name".into(),
                        expected: st
                            .subjects
                            .iter()
                            .map(|s| s.name.clone())
                            .collect::<Vec<_>>()
                            .join(", "),
                        found: bottle_name.to_owned(),
                    })
                }
            });
        match r {
            Ok(r) => return Ok(r),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| eco_err("no attestation")))
}
