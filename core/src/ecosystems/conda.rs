//! conda packages (prefix.dev, conda-forge): the publish attestation of the conda attestations
//! specification (CEP 27), served as one Sigstore bundle or as a sidecar (`FILE.v0.sigs` as
//! prefix.dev serves it, `FILE.sigs` in CEP 50): a JSON array of bundles.
//!
//! The statement must have exactly one subject, the package's file name
//! (`NAME-VERSION-BUILD.conda` or `.tar.bz2`) with the file's sha256; its predicate may name the
//! channel the package was published to (`targetChannel`), which must be the expected one when
//! the caller names one. The signer is an identity policy: a GitHub repository (optionally the
//! signing workflow), or any identity and issuer (GitLab, other CI), as conda channels' Trusted
//! Publishers are. Every bundle given must verify.

use serde_json::Value;

use super::{eco_err, invalid, parse_document, statement};
use crate::crypto::HashAlg;
use crate::dsse::Statement;
use crate::error::Error;
use crate::policy::Policy;
use crate::{Artifact, Bundle, VerificationResult, Verifier};

/// Predicate types of a conda publish attestation: the schema URL that prefix.dev,
/// rattler-build and `actions/attest` write (and this issue names), and the URI CEP 27's text
/// gives. Both name the same predicate.
pub const PREDICATE_TYPES: &[&str] = &[
    "https://schemas.conda.org/attestations-publish-1.schema.json",
    "https://schemas.conda.org/attestations/publish/v1",
];

/// The file name extensions of conda packages (CEP 27: the full file name as in repodata).
pub const EXTENSIONS: &[&str] = &[".conda", ".tar.bz2"];

/// Checks that `name` is a conda package file name: `NAME-VERSION-BUILD.conda` or `.tar.bz2`,
/// three non-empty parts (the name may itself contain `-`), no directory. Anything else is an
/// `invalid-artifact`: the caller named something that cannot be a conda package.
pub fn check_filename(name: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Error::InvalidArtifact {
        reason: format!(
            "conda package file name: expected NAME-VERSION-BUILD.conda or .tar.bz2, found {name:?} ({why})"
        ),
    }
    };
    if name.contains(['/', '\\']) {
        return Err(bad("a file name, not a path"));
    }
    let stem = EXTENSIONS
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .ok_or_else(|| bad("no .conda or .tar.bz2 extension"))?;
    let mut parts = stem.rsplitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(b), Some(v), Some(n)) if !b.is_empty() && !v.is_empty() && !n.is_empty() => Ok(()),
        _ => Err(bad("name, version and build must all be present")),
    }
}

/// Checks the channel a caller expects and returns it as compared: without trailing `/`
/// (CEP 27 writes channel URLs without them). It must be a URL (`SCHEME://...`) without
/// whitespace; anything else is an `invalid-policy` naming `channel`.
pub fn check_channel(channel: &str) -> Result<&str, Error> {
    let trimmed = channel.trim_end_matches('/');
    let ok = trimmed
        .split_once("://")
        .is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty())
        && !trimmed.chars().any(char::is_whitespace);
    if ok {
        Ok(trimmed)
    } else {
        Err(Error::InvalidPolicy {
            path: "channel".into(),
            reason: format!(
                "expected a channel URL such as https://prefix.dev/conda-forge, found {channel:?}"
            ),
        })
    }
}

/// The policy of a GitHub Trusted Publisher: issuer GitHub Actions, source repository
/// `OWNER/REPO`, and, when given, the signing workflow (build signer URI): a file name of that
/// repository's `.github/workflows/` (`release.yml`, `release.yml@refs/tags/v1`) or the full
/// `OWNER/REPO/.github/workflows/FILE[@REF]` (a reusable workflow may live elsewhere).
pub fn github_policy(repository: &str, signer_workflow: Option<&str>) -> Result<Policy, Error> {
    let workflow = signer_workflow.map(|w| {
        let file = w.split_once('@').map_or(w, |(f, _)| f);
        if file.contains('/') {
            w.to_owned()
        } else {
            format!("{repository}/.github/workflows/{w}")
        }
    });
    super::github::policy(Some(repository), None, workflow.as_deref())
}

/// Parses one Sigstore bundle (a `.sigstore.json` file or a channel's single attestation).
pub fn parse_bundle(json: &[u8]) -> Result<Vec<Bundle>, Error> {
    if json.trim_ascii_start().starts_with(b"[") {
        return Err(invalid(
            "conda attestation bundle",
            "a JSON array: that is a .v0.sigs sidecar of bundles; give it as the sidecar (sigs)",
        ));
    }
    Ok(vec![Bundle::from_json(json)?])
}

/// Parses a sidecar (`FILE.v0.sigs`, CEP 50's `FILE.sigs`): a JSON array of one or more
/// bundles, read after the size, depth and item limits, and at most
/// [`crate::limits::MAX_TLOG_ENTRIES`] bundles.
pub fn parse_sidecar(json: &[u8]) -> Result<Vec<Bundle>, Error> {
    let what = "conda .v0.sigs sidecar";
    let v = parse_document(json, what, "conda sidecar size in bytes")?;
    let Value::Array(items) = v else {
        return Err(invalid(
            what,
            format!("expected a JSON array of bundles, found {}", json_kind(&v)),
        ));
    };
    if items.is_empty() {
        return Err(invalid(what, "the array holds no bundle"));
    }
    if items.len() > crate::limits::MAX_TLOG_ENTRIES {
        return Err(Error::LimitExceeded {
            what: "bundles in a conda sidecar",
            limit: crate::limits::MAX_TLOG_ENTRIES as u64,
            found: items.len() as u64,
        });
    }
    items
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if !b.is_object() {
                return Err(invalid(
                    what,
                    format!(
                        "item {i}: expected a bundle (an object), found {}",
                        json_kind(b)
                    ),
                ));
            }
            Bundle::from_json(b.to_string().as_bytes())
        })
        .collect()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The package an attestation must be about.
#[derive(Clone, Copy, Debug)]
pub struct Package<'a> {
    /// Its file name, `NAME-VERSION-BUILD.conda` or `.tar.bz2` ([`check_filename`]).
    pub filename: &'a str,
    /// The sha256 of the file (32 bytes).
    pub sha256: &'a [u8],
    /// The channel it must have been published to, when the caller requires one.
    pub channel: Option<&'a str>,
}

/// Verifies every bundle (a single one, or each of a sidecar) as a conda publish attestation of
/// `package`, signed as `policy` requires; every one must verify, the first failure is returned.
pub fn verify(
    verifier: &Verifier,
    bundles: &[Bundle],
    package: &Package<'_>,
    policy: &Policy,
    now: i64,
) -> Result<Vec<VerificationResult>, Error> {
    check_filename(package.filename)?;
    let channel = package.channel.map(check_channel).transpose()?;
    if package.sha256.len() != 32 {
        return Err(Error::InvalidArtifact {
            reason: format!(
                "a sha256 digest is 32 bytes, found {}",
                package.sha256.len()
            ),
        });
    }
    if bundles.is_empty() {
        return Err(eco_err("no conda attestation"));
    }
    let artifact = Artifact::Digest(HashAlg::Sha256, package.sha256.to_vec());
    bundles
        .iter()
        .map(|b| {
            let r = verifier.verify(b, &artifact, policy, now)?;
            check_statement(statement(&r)?, package, channel)?;
            Ok(r)
        })
        .collect()
}

/// CEP 27, Verifying: the predicate type, the single subject (file name and sha256), and the
/// target channel when the caller expects one.
fn check_statement(
    st: &Statement,
    package: &Package<'_>,
    channel: Option<&str>,
) -> Result<(), Error> {
    check_predicate_type(st)?;
    check_subject(st, package)?;
    check_target_channel(st, channel)
}

/// CEP 27: `predicateType` is the conda publish attestation's.
fn check_predicate_type(st: &Statement) -> Result<(), Error> {
    if PREDICATE_TYPES.contains(&st.predicate_type.as_str()) {
        Ok(())
    } else {
        Err(eco_err(format!(
            "predicate type {:?} is not a conda publish attestation ({})",
            st.predicate_type,
            PREDICATE_TYPES.join(" or ")
        )))
    }
}

/// CEP 27: exactly one subject, named as the package file, with its sha256.
fn check_subject(st: &Statement, package: &Package<'_>) -> Result<(), Error> {
    let [subject] = st.subjects.as_slice() else {
        return Err(eco_err(format!(
            "a conda publish attestation has exactly one subject, found {}",
            st.subjects.len()
        )));
    };
    if subject.name != package.filename {
        return Err(Error::ArtifactMismatch {
            what: "conda attestation subject name (package file name)".into(),
            expected: subject.name.clone(),
            found: package.filename.to_owned(),
        });
    }
    let want = hex::encode(package.sha256);
    match subject.digest.get("sha256") {
        Some(d) if d.eq_ignore_ascii_case(&want) => Ok(()),
        found => Err(Error::ArtifactMismatch {
            what: "conda attestation subject sha256".into(),
            expected: found.cloned().unwrap_or_else(|| "none".into()),
            found: want,
        }),
    }
}

/// CEP 27: the predicate is absent, `null`, or an object whose `targetChannel` (when present) is
/// a URL string; it must equal the expected channel (trailing `/` aside) when there is one.
fn check_target_channel(st: &Statement, expected: Option<&str>) -> Result<(), Error> {
    let found = match &st.predicate {
        Value::Null => None,
        Value::Object(m) => match m.get("targetChannel") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.trim_end_matches('/')),
            Some(other) => {
                return Err(eco_err(format!(
                    "predicate.targetChannel must be a channel URL string, found {}",
                    json_kind(other)
                )))
            }
        },
        other => {
            return Err(eco_err(format!(
                "the predicate of a conda publish attestation is an object or null, found {}",
                json_kind(other)
            )))
        }
    };
    match (expected, found) {
        (None, _) => Ok(()),
        (Some(e), Some(f)) if e == f => Ok(()),
        (Some(e), f) => Err(Error::PolicyMismatch {
            claim: "conda targetChannel".into(),
            expected: e.to_owned(),
            found: f.map_or_else(|| "no targetChannel".to_owned(), str::to_owned),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        for ok in [
            "signed-package-2.1.0-hb0f4dca_0.conda",
            "numpy-1.24.3-py310h5f9d8e6_0.tar.bz2",
            "a-1-0.conda",
        ] {
            assert!(check_filename(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "numpy-1.24.3.conda",
            "numpy-1.24.3-py310_0.whl",
            "--.conda",
            "x/numpy-1.24.3-0.conda",
            "numpy-1.24.3-0.tar.gz",
            ".conda",
        ] {
            assert_eq!(
                check_filename(bad).unwrap_err().code(),
                "invalid-artifact",
                "{bad}"
            );
        }
    }

    #[test]
    fn channels() {
        assert_eq!(
            check_channel("https://prefix.dev/x/").unwrap(),
            "https://prefix.dev/x"
        );
        for bad in ["", "prefix.dev/x", "https://", "https://a b", "://x"] {
            assert_eq!(
                check_channel(bad).unwrap_err().code(),
                "invalid-policy",
                "{bad}"
            );
        }
    }

    #[test]
    fn sidecars_are_arrays_of_bundles() {
        for (doc, code) in [
            (&b"{}"[..], "invalid-json"),
            (b"[]", "invalid-json"),
            (b"[1]", "invalid-json"),
            (b"[", "invalid-json"),
            (b"\"x\"", "invalid-json"),
        ] {
            assert_eq!(parse_sidecar(doc).unwrap_err().code(), code);
        }
        let many = format!("[{}]", vec!["{}"; 33].join(","));
        assert_eq!(
            parse_sidecar(many.as_bytes()).unwrap_err().code(),
            "limit-exceeded"
        );
        assert_eq!(parse_bundle(b" [{}]").unwrap_err().code(), "invalid-json");
    }

    #[test]
    fn github_workflows_resolve_under_the_repository() {
        assert!(github_policy("o/r", Some("release.yml")).is_ok());
        assert!(github_policy("o/r", Some("release.yml@refs/tags/v1")).is_ok());
        assert!(github_policy("o/r", Some("x/y/.github/workflows/f.yml")).is_ok());
        assert!(github_policy("o/r", Some("x/y/f.yml")).is_err());
        assert!(github_policy("o", None).is_err());
    }
}
