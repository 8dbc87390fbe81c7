//! npm: the registry's attestations response (`/-/npm/v1/attestations/NAME@VERSION`).
//!
//! The SLSA provenance (v0.2 or v1) is keyless and may be pinned to a source repository (the
//! check npm itself omits). The publish attestation is signed by a registry key named by its key
//! id and valid at the entry's integrated time. Both have the subject `pkg:npm/NAME@VERSION`
//! with the tarball's sha512. Every attestation in the response must verify.

use serde_json::Value;

use super::{eco_err, invalid, parse_document, statement};
use crate::crypto::HashAlg;
use crate::encoding::b64;
use crate::error::Error;
use crate::policy::{github, Policy};
use crate::{Artifact, Bundle, TimeSource, VerificationResult, Verifier};

pub use crate::npm_keys::{RegistryKeys, EMBEDDED_KEYS};

/// Predicate type of npm's publish attestation.
pub const PUBLISH_PREDICATE: &str =
    "https://github.com/npm/attestation/tree/main/specs/publish/v0.1";
/// SLSA provenance predicate types npm publishes.
pub const PROVENANCE_PREDICATES: &[&str] = &[
    "https://slsa.dev/provenance/v0.2",
    "https://slsa.dev/provenance/v1",
];

/// The package URL of an npm package as npm writes it in subjects: `pkg:npm/NAME@VERSION`, with
/// the `@` of a scope percent-encoded (`pkg:npm/%40scope/name@1.0.0`).
pub fn purl(package: &str) -> Result<String, Error> {
    let bad = || Error::InvalidArtifact {
        reason: format!("expected NAME@VERSION or @SCOPE/NAME@VERSION, found {package:?}"),
    };
    let (name, version) = package.rsplit_once('@').ok_or_else(bad)?;
    if name.is_empty() || version.is_empty() || (name.starts_with('@') && !name.contains('/')) {
        return Err(bad());
    }
    let name = match name.strip_prefix('@') {
        Some(scoped) => format!("%40{scoped}"),
        None => name.to_owned(),
    };
    Ok(format!("pkg:npm/{name}@{version}"))
}

/// Parses the `dist.integrity` form `sha512-BASE64` into the 64-byte digest.
pub fn parse_integrity(s: &str) -> Result<Vec<u8>, Error> {
    let b = s
        .strip_prefix("sha512-")
        .ok_or_else(|| Error::InvalidArtifact {
            reason: format!("expected sha512-BASE64, found {s:?}"),
        })?;
    let d = b64("integrity", b).map_err(|e| Error::InvalidArtifact {
        reason: e.to_string(),
    })?;
    if d.len() != 64 {
        return Err(Error::InvalidArtifact {
            reason: format!("a sha512 digest is 64 bytes, found {}", d.len()),
        });
    }
    Ok(d)
}

/// The outcome for one package version.
#[derive(Clone, Debug)]
pub struct NpmVerification {
    /// The SLSA provenance attestation, when the response has one.
    pub provenance: Option<VerificationResult>,
    /// The registry's publish attestation, when the response has one.
    pub publish: Option<VerificationResult>,
}

/// Parses the attestations response into (predicate type, bundle) pairs.
pub fn parse_response(json: &[u8]) -> Result<Vec<(String, Bundle)>, Error> {
    let what = "npm attestations response";
    let v = parse_document(json, what, "npm attestations response size in bytes")?;
    let atts = v
        .get("attestations")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(what, "attestations is missing"))?;
    if atts.is_empty() || atts.len() > 16 {
        return Err(invalid(
            what,
            format!("expected 1 to 16 attestations, found {}", atts.len()),
        ));
    }
    atts.iter()
        .map(|a| {
            let pt = a
                .get("predicateType")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid(what, "predicateType is missing"))?;
            let b = a
                .get("bundle")
                .ok_or_else(|| invalid(what, "bundle is missing"))?;
            Ok((pt.to_owned(), Bundle::from_json(b.to_string().as_bytes())?))
        })
        .collect()
}

fn check_subject(
    r: &VerificationResult,
    purl: &str,
    sha512: &[u8],
    expected_predicate: &[&str],
) -> Result<(), Error> {
    let st = statement(r)?;
    if !expected_predicate.contains(&st.predicate_type.as_str()) {
        return Err(eco_err(format!(
            "predicate type {:?} where {} was expected",
            st.predicate_type,
            expected_predicate.join(" or ")
        )));
    }
    let want = hex::encode(sha512);
    let ok = st.subjects.iter().any(|s| {
        s.name == purl
            && s.digest
                .get("sha512")
                .is_some_and(|d| d.eq_ignore_ascii_case(&want))
    });
    if ok {
        Ok(())
    } else {
        Err(Error::ArtifactMismatch {
            what: "npm attestation subject (name and sha512)".into(),
            expected: st
                .subjects
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
                .join(", "),
            found: format!("{purl} sha512:{want}"),
        })
    }
}

/// Verifies every attestation of a response for `package` (`NAME@VERSION`) whose tarball has
/// `sha512`. `repository` (`OWNER/REPO`) pins the provenance's source repository; without it
/// the provenance verifies for any signer (as npm does), and the result says who signed.
pub fn verify(
    verifier: &Verifier,
    keys: &RegistryKeys,
    response_json: &[u8],
    package: &str,
    sha512: &[u8],
    repository: Option<&str>,
    now: i64,
) -> Result<NpmVerification, Error> {
    let purl = purl(package)?;
    let artifact = Artifact::Digest(HashAlg::Sha512, sha512.to_vec());
    let mut out = NpmVerification {
        provenance: None,
        publish: None,
    };
    for (pt, bundle) in parse_response(response_json)? {
        if pt == PUBLISH_PREDICATE {
            let hint = match &bundle.material {
                crate::bundle::Material::PublicKey { hint: Some(h) } => h.clone(),
                _ => return Err(eco_err("the publish attestation must be signed with a registry key named by its key id")),
            };
            let key = keys
                .attestation_key(&hint)
                .ok_or_else(|| Error::PolicyMismatch {
                    claim: "npm registry key id".into(),
                    expected: "a key of the registry's keys.json with usage npm:attestations"
                        .into(),
                    found: hint.clone(),
                })?;
            let r = verifier.verify(&bundle, &artifact, &Policy::key_der(&key.spki_der)?, now)?;
            // The key must have been valid when the log integrated the entry.
            for t in r
                .verified_times
                .iter()
                .filter(|t| matches!(t.source, TimeSource::TransparencyLog { .. }))
            {
                if !key.valid_for.contains(t.time) {
                    return Err(Error::TimeOutsideValidity {
                        check: crate::Check::Policy,
                        what: format!("npm registry key {hint}"),
                        time: crate::format_time(t.time),
                        window: key.valid_for.to_string(),
                    });
                }
            }
            if !r
                .verified_times
                .iter()
                .any(|t| matches!(t.source, TimeSource::TransparencyLog { .. }))
            {
                return Err(eco_err(
                    "the publish attestation has no integrated time to date the registry key",
                ));
            }
            check_subject(&r, &purl, sha512, &[PUBLISH_PREDICATE])?;
            out.publish = Some(r);
        } else if PROVENANCE_PREDICATES.contains(&pt.as_str()) {
            let policy = match repository {
                Some(repo) => {
                    let mut p = Policy::without_identity_unsafe();
                    p.require(github::repository(repo)?);
                    p
                }
                None => Policy::without_identity_unsafe(),
            };
            let r = verifier
                .verify(&bundle, &artifact, &policy, now)
                .or_else(|e| match (repository, &e) {
                    // Certificates from before Fulcio's 1.12 extension name the repository in 1.5.
                    (Some(repo), Error::PolicyMismatch { .. }) => {
                        let mut p = Policy::without_identity_unsafe();
                        p.require(crate::policy::Requirement::Field(
                            crate::policy::Field::Fulcio(5),
                            crate::policy::Matcher::exact(repo),
                        ));
                        verifier.verify(&bundle, &artifact, &p, now).map_err(|_| e)
                    }
                    _ => Err(e),
                })?;
            check_subject(&r, &purl, sha512, PROVENANCE_PREDICATES)?;
            out.provenance = Some(r);
        } else {
            return Err(eco_err(format!(
                "unknown npm attestation predicate type {pt:?}"
            )));
        }
    }
    Ok(out)
}

/// Who published a version, from its attestations response: the signer of its SLSA provenance
/// as a publisher identity ([`Identity::from_result`](super::continuity::Identity::from_result)),
/// `None` when the response has no provenance. For the *previous* version of a package, whose
/// tarball the caller does not have: the provenance is verified in full (signature,
/// certificate, log, times) against the digest its own `pkg:npm` subject states, for any signer,
/// since the point is to learn who signed, not to accept it.
pub fn provenance_publisher(
    verifier: &Verifier,
    response_json: &[u8],
    now: i64,
) -> Result<Option<super::continuity::Identity>, Error> {
    for (pt, bundle) in parse_response(response_json)? {
        if !PROVENANCE_PREDICATES.contains(&pt.as_str()) {
            continue;
        }
        let crate::bundle::Content::Dsse(env) = &bundle.content else {
            return Err(eco_err("an npm provenance attestation is a DSSE envelope"));
        };
        // Read unverified only to name the artifact; verified below, then checked again.
        let st = crate::dsse::Statement::parse(&env.payload)?;
        let (name, sha512) = st
            .subjects
            .iter()
            .find_map(|s| {
                let d = s.digest.get("sha512").and_then(|h| hex::decode(h).ok())?;
                (s.name.starts_with("pkg:npm/") && d.len() == HashAlg::Sha512.digest_len())
                    .then(|| (s.name.clone(), d))
            })
            .ok_or_else(|| eco_err("the provenance has no pkg:npm subject with a sha512"))?;
        let artifact = Artifact::Digest(HashAlg::Sha512, sha512.clone());
        let r = verifier.verify(&bundle, &artifact, &Policy::without_identity_unsafe(), now)?;
        check_subject(&r, &name, &sha512, PROVENANCE_PREDICATES)?;
        return super::continuity::Identity::from_result(&r).map(Some);
    }
    Ok(None)
}

/// Provenance continuity between two versions: the publisher of the previous version
/// ([`provenance_publisher`]) against this version's verified provenance signer. A previous
/// version without provenance records nothing (`not-recorded`); a previous one with provenance
/// and this one without is `provenance-missing`. npm states no environment, so none is compared.
pub fn continuity(
    previous: Option<&super::continuity::Identity>,
    current: &NpmVerification,
) -> Result<super::continuity::Verdict, Error> {
    let found = current
        .provenance
        .as_ref()
        .map(super::continuity::Identity::from_result)
        .transpose()?;
    let recorded: Vec<_> = previous.into_iter().cloned().collect();
    Ok(super::continuity::compare(&recorded, found.as_ref(), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(purl("sigstore@1.0.0").unwrap(), "pkg:npm/sigstore@1.0.0");
        assert_eq!(
            purl("@sigstore/verify@1.2.3").unwrap(),
            "pkg:npm/%40sigstore/verify@1.2.3"
        );
        assert!(purl("sigstore").is_err());
        assert!(purl("@scope@1.0.0").is_err());
    }

    #[test]
    fn integrity() {
        let d = parse_integrity("sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==").unwrap();
        assert_eq!(hex::encode(d), "7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36");
        assert!(parse_integrity("sha256-AAAA").is_err());
        assert!(parse_integrity("sha512-AAAA").is_err());
        assert!(RegistryKeys::embedded()
            .unwrap()
            .attestation_key("SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA")
            .is_some());
    }
}
