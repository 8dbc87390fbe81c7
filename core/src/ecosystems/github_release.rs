//! GitHub immutable releases: the release attestation GitHub signs on its own instance when a
//! release is made immutable (issue 19), as `gh release verify` and `gh release verify-asset`
//! check it.
//!
//! The attestation is a DSSE in-toto statement with predicate type
//! `https://in-toto.io/attestation/release/v0.2` (or v0.1), whose subjects are the release as a
//! `pkg:github/OWNER/REPO@TAG` package URL (digest: the tag's commit, sha1) and every asset by
//! file name with its sha256. It is signed on GitHub's instance (`TrustedRoot::github()`, with
//! [`super::github::github_instance_options`]: one RFC 3161 timestamp, no log, no SCT) by a
//! certificate whose SAN is [`RELEASE_SIGNER`], valid for a year, and that has **no OIDC issuer
//! claim**: GitHub signs as itself, not as a workflow. That absence is accepted here and only
//! here (`Policy::github_release_signer` is crate-private); a policy built any other way still
//! requires an issuer.
//!
//! The checks, after the Sigstore verification of the bundle (signature, timestamp, certificate
//! path to GitHub's CA, the signer's SAN, the predicate type):
//! 1. The release: a subject is the package URL `pkg:github/OWNER/REPO@TAG` of the release the
//!    caller names (owner and repository compared as GitHub does, without case; the tag
//!    exactly), and the predicate's `tag`, `repository` and `purl`, where present, agree.
//!    (`gh` finds the attestation through the API by repository and tag's commit, then
//!    requires the predicate's `tag`; offline, the statement must say it.)
//! 2. Each asset the caller gives: a subject with its file name and its sha256 (`gh release
//!    verify-asset` looks for the digest; we require the name and the digest in one subject).

use serde_json::Value;

use super::eco_err;
use crate::error::Error;
use crate::{Artifact, Bundle, HashAlg, Policy, VerificationResult, Verifier};

/// The SAN of GitHub's release attestation signer (github.com; `gh` builds it from the trust
/// domain `dotcom`).
pub const RELEASE_SIGNER: &str = "https://dotcom.releases.github.com";

/// The release predicate types GitHub has used.
pub const PREDICATE_TYPES: [&str; 2] = [
    "https://in-toto.io/attestation/release/v0.2",
    "https://in-toto.io/attestation/release/v0.1",
];

/// An asset of the release that the caller has: its file name and its sha256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseAsset {
    name: String,
    sha256: Vec<u8>,
}

impl ReleaseAsset {
    /// An asset by file name and content (its bytes, or a `sha256` digest: the release
    /// attestation names assets by sha256 only). The name must be a non-empty file name
    /// (no `/`).
    pub fn new(name: &str, artifact: &Artifact<'_>) -> Result<ReleaseAsset, Error> {
        if name.is_empty() || name.contains('/') {
            return Err(Error::InvalidArtifact {
                reason: format!(
                    "a release asset's file name must be non-empty and contain no '/', found {name:?}"
                ),
            });
        }
        let sha256 = match artifact {
            Artifact::Bytes(b) => crate::Backend::default().hash(HashAlg::Sha256, b),
            Artifact::Digest(HashAlg::Sha256, d) => d.clone(),
            Artifact::Digest(a, _) => {
                return Err(Error::InvalidArtifact {
                    reason: format!(
                        "release assets are attested by sha256, not {}: give a sha256 digest",
                        a.name()
                    ),
                })
            }
        };
        Ok(ReleaseAsset {
            name: name.to_owned(),
            sha256,
        })
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The sha256, lower-case hex.
    pub fn sha256_hex(&self) -> String {
        hex::encode(&self.sha256)
    }
}

/// The release whose attestation the caller expects: `OWNER/REPO` and the tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    owner: String,
    repo: String,
    tag: String,
}

impl Release {
    /// `repository` is `OWNER/REPO` (both parts non-empty); `tag` is non-empty.
    pub fn new(repository: &str, tag: &str) -> Result<Release, Error> {
        let bad = |path: &str, reason: String| Error::InvalidPolicy {
            path: path.to_owned(),
            reason,
        };
        let (owner, repo) = match repository.split_once('/') {
            Some((o, r)) if !o.is_empty() && !r.is_empty() && !r.contains('/') => (o, r),
            _ => {
                return Err(bad(
                    "repo",
                    format!("expected OWNER/REPO, found {repository:?}"),
                ))
            }
        };
        if tag.is_empty() {
            return Err(bad("tag", "must not be empty".into()));
        }
        Ok(Release {
            owner: owner.to_owned(),
            repo: repo.to_owned(),
            tag: tag.to_owned(),
        })
    }

    /// `OWNER/REPO` as the caller gave it.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.owner, self.repo)
    }

    /// The tag.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// The package URL GitHub uses for this release.
    pub fn purl(&self) -> String {
        format!("pkg:github/{}/{}@{}", self.owner, self.repo, self.tag)
    }

    /// Is `purl` this release's? Owner and repository without case (GitHub's names are
    /// case-insensitive), the tag exactly.
    fn is_purl(&self, purl: &str) -> bool {
        let Some(rest) = purl.strip_prefix("pkg:github/") else {
            return false;
        };
        let Some((path, tag)) = rest.split_once('@') else {
            return false;
        };
        tag == self.tag && path.eq_ignore_ascii_case(&self.repository())
    }
}

/// A verified release attestation.
#[derive(Clone, Debug)]
pub struct VerifiedRelease {
    /// `OWNER/REPO` as the attestation names it.
    pub repository: String,
    /// The tag.
    pub tag: String,
    /// The release's package URL as the attestation's subject names it.
    pub purl: String,
    /// Every asset the attestation lists: file name and sha256 (lower-case hex).
    pub assets: Vec<(String, String)>,
    /// The assets the caller gave, each found in the attestation.
    pub verified_assets: Vec<String>,
    /// The Sigstore verification (signer, times, statement, checked claims).
    pub result: VerificationResult,
}

/// Verifies the release attestation(s) of `release` with `github_instance` (a verifier for
/// GitHub's instance with its thresholds), and that every asset of `assets` is in the release.
/// `bundles`: a bundle, or the JSON lines of several (`super::github::parse_bundles`); the
/// first that verifies is returned, else the first error.
pub fn verify(
    github_instance: &Verifier,
    bundles: &[Bundle],
    release: &Release,
    assets: &[ReleaseAsset],
    now: i64,
) -> Result<VerifiedRelease, Error> {
    let policy = Policy::github_release_signer(RELEASE_SIGNER, &PREDICATE_TYPES)?;
    let mut first_err = None;
    for b in bundles {
        match verify_one(github_instance, b, &policy, release, assets, now) {
            Ok(r) => return Ok(r),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| eco_err("no release attestation")))
}

fn verify_one(
    verifier: &Verifier,
    bundle: &Bundle,
    policy: &Policy,
    release: &Release,
    assets: &[ReleaseAsset],
    now: i64,
) -> Result<VerifiedRelease, Error> {
    // The artifact the Sigstore verification matches against the subjects: the first asset
    // the caller gave; without one, the statement's own first sha256 subject (read again,
    // verified, below), as the release itself is named by its commit's sha1.
    let artifact = match assets.first() {
        Some(a) => Artifact::Digest(HashAlg::Sha256, a.sha256.clone()),
        None => Artifact::Digest(HashAlg::Sha256, unverified_sha256_subject(bundle)),
    };
    let result = verifier.verify(bundle, &artifact, policy, now)?;
    let payload = match &bundle.content {
        crate::bundle::Content::Dsse(env) => &env.payload,
        crate::bundle::Content::MessageSignature { .. } => {
            return Err(eco_err(
                "expected a release attestation (DSSE envelope), found a message signature",
            ))
        }
    };
    // Verified above: the signature covers these bytes, and they parsed as a statement.
    let statement: Value = serde_json::from_slice(payload)
        .map_err(|e| eco_err(format!("the release statement is not JSON: {e}")))?;
    let purl = check_release(&statement, release)?;
    let listed = listed_assets(&statement);
    let mut verified_assets = Vec::with_capacity(assets.len());
    for a in assets {
        check_asset(&listed, a)?;
        verified_assets.push(a.name.clone());
    }
    let repository = purl
        .strip_prefix("pkg:github/")
        .and_then(|r| r.split_once('@'))
        .map_or_else(|| release.repository(), |(r, _)| r.to_owned());
    Ok(VerifiedRelease {
        repository,
        tag: release.tag.clone(),
        purl,
        assets: listed,
        verified_assets,
        result,
    })
}

/// The sha256 of the first subject that has one, of the not yet verified payload (zeros if
/// none: the verification then fails on the subjects).
fn unverified_sha256_subject(bundle: &Bundle) -> Vec<u8> {
    let crate::bundle::Content::Dsse(env) = &bundle.content else {
        return vec![0; 32];
    };
    crate::dsse::Statement::parse(&env.payload)
        .ok()
        .and_then(|s| {
            s.subjects
                .iter()
                .find_map(|s| s.digest.get("sha256").and_then(|h| hex::decode(h).ok()))
        })
        .filter(|d| d.len() == HashAlg::Sha256.digest_len())
        .unwrap_or_else(|| vec![0; 32])
}

fn mismatch(claim: &str, expected: String, found: String) -> Error {
    Error::PolicyMismatch {
        claim: claim.to_owned(),
        expected,
        found,
    }
}

/// Check 1: the statement is about `release`. Returns the subject's package URL.
fn check_release(statement: &Value, release: &Release) -> Result<String, Error> {
    let subjects = statement
        .get("subject")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // in-toto ResourceDescriptor: v0.2 names the release by `uri`; accept `name` too.
    let purls: Vec<&str> = subjects
        .iter()
        .flat_map(|s| ["uri", "name"].map(|k| s.get(k).and_then(Value::as_str)))
        .flatten()
        .filter(|n| n.starts_with("pkg:github/"))
        .collect();
    let Some(purl) = purls.iter().find(|p| release.is_purl(p)) else {
        return Err(mismatch(
            "release",
            release.purl(),
            if purls.is_empty() {
                "no pkg:github subject".into()
            } else {
                purls.join(", ")
            },
        ));
    };
    let predicate = statement.get("predicate");
    let field = |k: &str| predicate.and_then(|p| p.get(k));
    // `gh release verify` requires the predicate's tag to be the tag asked for.
    match field("tag").and_then(Value::as_str) {
        Some(t) if t == release.tag => {}
        other => {
            return Err(mismatch(
                "release tag (predicate.tag)",
                release.tag.clone(),
                other.map_or_else(|| "absent".into(), |t| format!("{t:?}")),
            ))
        }
    }
    if let Some(r) = field("repository") {
        let r = r.as_str().unwrap_or_default();
        if !r.eq_ignore_ascii_case(&release.repository()) {
            return Err(mismatch(
                "release repository (predicate.repository)",
                release.repository(),
                format!("{r:?}"),
            ));
        }
    }
    if let Some(p) = field("purl") {
        let p = p.as_str().unwrap_or_default();
        if !release.is_purl(p) {
            return Err(mismatch(
                "release package URL (predicate.purl)",
                release.purl(),
                format!("{p:?}"),
            ));
        }
    }
    Ok((*purl).to_owned())
}

/// The subjects that are assets: a file name and a sha256.
fn listed_assets(statement: &Value) -> Vec<(String, String)> {
    statement
        .get("subject")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            let name = s.get("name").and_then(Value::as_str)?;
            let d = s.get("digest")?.get("sha256").and_then(Value::as_str)?;
            Some((name.to_owned(), d.to_ascii_lowercase()))
        })
        .collect()
}

/// Check 2: one subject has the asset's file name and its sha256.
fn check_asset(listed: &[(String, String)], asset: &ReleaseAsset) -> Result<(), Error> {
    let want = asset.sha256_hex();
    if listed.iter().any(|(n, d)| *n == asset.name && *d == want) {
        return Ok(());
    }
    let found = match listed.iter().find(|(n, _)| *n == asset.name) {
        Some((_, d)) => format!("{} with sha256:{d}", asset.name),
        None => format!(
            "no asset named {:?} (the release lists {})",
            asset.name,
            listed
                .iter()
                .take(10)
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Error::ArtifactMismatch {
        what: "release asset".into(),
        expected: found,
        found: format!("{} with sha256:{want}", asset.name),
    })
}
