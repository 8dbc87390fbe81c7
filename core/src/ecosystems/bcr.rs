//! The Bazel Central Registry: `attestations.json` of modules published with
//! bazel-contrib/publish-to-bcr. Issue 19.
//!
//! A module version in the registry (`modules/NAME/VERSION/`) holds `MODULE.bazel`,
//! `source.json` (whose `url` names the source archive) and `attestations.json`:
//!
//! ```json
//! {"mediaType": "application/vnd.build.bazel.registry.attestation+json;version=1.0.0",
//!  "attestations": {
//!    "MODULE.bazel": {"url": ".../MODULE.bazel.intoto.jsonl", "integrity": "sha256-B64"},
//!    "source.json": {"url": ".../source.json.intoto.jsonl", "integrity": "sha256-B64"},
//!    "REPO-TAG.tar.gz": {"url": ".../REPO-TAG.tar.gz.intoto.jsonl", "integrity": "sha256-B64"}}}
//! ```
//!
//! Each `url` is a GitHub attestation (JSON lines of Sigstore bundles, SLSA provenance v1) of
//! the file named by its key, and `integrity` is the SRI digest of that attestation file (as
//! publish-to-bcr computes it and the registry's `tools/slsa.py` checks it). The registry's
//! presubmit (slsa-verifier `verify-github-attestation --source-uri --builder-id`) requires the
//! archive to come from the release workflow and `MODULE.bazel` and `source.json` from the
//! publish-to-bcr workflow; this module decides the same, plus the source tag when asked.
//!
//! Everything here is computing: the host reads the files (each against its limit) and hands
//! the bytes, or their digests, in.

use serde_json::Value;

use super::{eco_err, invalid, parse_document, statement};
use crate::error::Error;
use crate::policy::{github, Policy, GITHUB_ISSUER};
use crate::{Artifact, Backend, Bundle, HashAlg, Signer, VerificationResult, Verifier};

/// The media type of `attestations.json` (the registry accepts only this one).
pub const MEDIA_TYPE: &str = "application/vnd.build.bazel.registry.attestation+json;version=1.0.0";
/// The publish-to-bcr reusable workflow, which attests `MODULE.bazel` and `source.json`.
pub const PUBLISH_WORKFLOW: &str =
    "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml";
/// The bazel-contrib release reusable workflow, which attests a ruleset's source archive.
pub const RELEASE_WORKFLOW: &str =
    "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml";
/// The module file of a module version.
pub const MODULE_FILE: &str = "MODULE.bazel";
/// The source description of a module version.
pub const SOURCE_FILE: &str = "source.json";
/// The attestations index of a module version.
pub const ATTESTATIONS_FILE: &str = "attestations.json";
/// The predicate type every BCR attestation carries.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// What a file of a module version is; it decides which workflow must have attested it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `MODULE.bazel`: attested by publish-to-bcr.
    Module,
    /// `source.json`: attested by publish-to-bcr.
    Source,
    /// The source archive: attested by the release workflow (bazel-contrib's `release_ruleset`
    /// or one of the module repository's own workflows).
    Archive,
}

impl FileKind {
    /// The kind of the file named `name`: `MODULE.bazel`, `source.json`, anything else the
    /// archive (as the registry's `tools/slsa.py` chooses the builder).
    pub fn of(name: &str) -> FileKind {
        match name {
            MODULE_FILE => FileKind::Module,
            SOURCE_FILE => FileKind::Source,
            _ => FileKind::Archive,
        }
    }

    /// `"module"`, `"source"` or `"archive"` (the same string on every face).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Module => "module",
            FileKind::Source => "source",
            FileKind::Archive => "archive",
        }
    }

    /// Which workflows may attest this kind of file, for messages.
    fn required_signer(self, repository: &str) -> String {
        match self {
            FileKind::Module | FileKind::Source => {
                format!("the publish-to-bcr workflow {PUBLISH_WORKFLOW}@refs/tags/*")
            }
            FileKind::Archive => format!(
                "a release workflow: {RELEASE_WORKFLOW}@refs/tags/* or \
                 https://github.com/{repository}/.github/workflows/*@*"
            ),
        }
    }
}

/// The rule for a file name that `attestations.json` or `source.json` gives: one plain path
/// component (never absolute, no `/`, `\`, NUL, `.` or `..`), so that a module directory joined
/// with it names a file inside it on every platform.
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !(name.len() >= 2 && name.as_bytes().get(1) == Some(&b':'))
}

/// An SRI integrity value (`sha256-BASE64`, also `sha384-`, `sha512-`): W3C Subresource
/// Integrity §3.1, one hash expression, as Bazel writes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integrity {
    /// The hash algorithm.
    pub alg: HashAlg,
    /// The digest.
    pub digest: Vec<u8>,
}

impl Integrity {
    /// Parses `ALG-BASE64` (strict base64, the algorithm's length).
    pub fn parse(s: &str) -> Result<Integrity, Error> {
        let bad = |reason: String| Error::InvalidArtifact {
            reason: format!("integrity {s:?}: {reason}"),
        };
        let (alg, b64) = s
            .split_once('-')
            .ok_or_else(|| bad("expected sha256-, sha384- or sha512-BASE64".into()))?;
        let alg =
            HashAlg::from_name(alg).ok_or_else(|| bad(format!("unsupported algorithm {alg:?}")))?;
        let digest = crate::encoding::b64("integrity", b64).map_err(|e| bad(e.to_string()))?;
        if digest.len() != alg.digest_len() {
            return Err(bad(format!(
                "a {} digest is {} bytes, found {}",
                alg.name(),
                alg.digest_len(),
                digest.len()
            )));
        }
        Ok(Integrity { alg, digest })
    }

    /// Checks `bytes` (the attestation file `what`) against this value.
    pub fn check(&self, what: &str, bytes: &[u8], backend: Backend) -> Result<(), Error> {
        let found = backend.hash(self.alg, bytes);
        if found == self.digest {
            return Ok(());
        }
        Err(Error::ArtifactMismatch {
            what: format!("integrity of {what} (attestations.json)"),
            expected: self.to_string(),
            found: Integrity {
                alg: self.alg,
                digest: found,
            }
            .to_string(),
        })
    }
}

impl std::fmt::Display for Integrity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}",
            self.alg.name(),
            crate::encoding::to_b64(&self.digest)
        )
    }
}

/// One entry of `attestations.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The attested file (the entry's key): `MODULE.bazel`, `source.json` or the archive.
    pub file: String,
    /// Its kind.
    pub kind: FileKind,
    /// Where the attestation is published.
    pub url: String,
    /// The attestation file's name: the last component of `url` (a safe file name).
    pub bundle_name: String,
    /// The attestation file's integrity.
    pub integrity: Integrity,
}

/// A parsed `attestations.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attestations {
    /// Every entry, by file name.
    pub entries: Vec<Entry>,
}

impl Attestations {
    /// Parses `attestations.json` (size, depth and item limits first): the registry's media
    /// type, an `attestations` object whose keys are safe file names, each with a `url` whose
    /// last component is a safe file name and an SRI `integrity`.
    pub fn parse(json: &[u8]) -> Result<Attestations, Error> {
        let what = "attestations.json";
        let v = parse_document(json, what, "attestations.json size in bytes")?;
        let obj = v
            .as_object()
            .ok_or_else(|| invalid(what, "expected an object"))?;
        match obj.get("mediaType").and_then(Value::as_str) {
            Some(MEDIA_TYPE) => {}
            Some(other) => {
                return Err(Error::UnsupportedMediaType {
                    found: other.to_owned(),
                })
            }
            None => return Err(invalid(what, "mediaType: a string is required")),
        }
        let atts = obj
            .get("attestations")
            .and_then(Value::as_object)
            .ok_or_else(|| invalid(what, "attestations: an object is required"))?;
        let mut entries = Vec::with_capacity(atts.len());
        for (file, e) in atts {
            if !is_safe_file_name(file) {
                return Err(invalid(
                    what,
                    format!("attestations: {file:?} is not a plain file name"),
                ));
            }
            let field = |name: &str| {
                e.get(name)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        invalid(
                            what,
                            format!("attestations.{file}.{name}: a non-empty string is required"),
                        )
                    })
            };
            let url = field("url")?;
            let bundle_name = url_file_name(url).ok_or_else(|| {
                invalid(
                    what,
                    format!("attestations.{file}.url: {url:?} does not end in a plain file name"),
                )
            })?;
            let integrity = Integrity::parse(field("integrity")?)?;
            entries.push(Entry {
                file: file.clone(),
                kind: FileKind::of(file),
                url: url.to_owned(),
                bundle_name,
                integrity,
            });
        }
        Ok(Attestations { entries })
    }

    /// The entries to verify for a module whose archive is `archive` (see [`archive_name`]):
    /// `MODULE.bazel`, `source.json` and the archive, in that order; each must be present.
    /// Other entries are not verified (the registry ignores them too).
    pub fn plan(&self, archive: &str) -> Result<Vec<&Entry>, Error> {
        [MODULE_FILE, SOURCE_FILE, archive]
            .iter()
            .map(|f| {
                self.entries.iter().find(|e| e.file == *f).ok_or_else(|| {
                    invalid(
                        "attestations.json",
                        format!("attestations: no entry for {f}"),
                    )
                })
            })
            .collect()
    }
}

/// The last path component of a URL (before any query or fragment), when it is a safe file
/// name.
fn url_file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let name = path.rsplit('/').next()?;
    is_safe_file_name(name).then(|| name.to_owned())
}

/// The source archive's file name: the last component of `source.json`'s `url`.
pub fn archive_name(source_json: &[u8]) -> Result<String, Error> {
    let what = "source.json";
    let v = parse_document(source_json, what, "source.json size in bytes")?;
    let url = v
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(what, "url: a string is required"))?;
    let name = url_file_name(url).ok_or_else(|| {
        invalid(
            what,
            format!("url: {url:?} does not end in a plain file name"),
        )
    })?;
    if FileKind::of(&name) != FileKind::Archive {
        return Err(invalid(
            what,
            format!("url: the archive cannot be named {name}"),
        ));
    }
    Ok(name)
}

/// Who must have published a module: its source repository, optionally the release tag.
/// Built once, checked when built (an `OWNER/REPO`, a non-empty tag without whitespace).
#[derive(Clone, Debug)]
pub struct ModulePolicy {
    repository: String,
    tag: Option<String>,
    policy: Policy,
}

impl ModulePolicy {
    /// `repository` is `OWNER/REPO` (the certificate's source repository
    /// `https://github.com/OWNER/REPO`); `tag` (`v1.2.3`) the source ref `refs/tags/TAG`.
    pub fn new(repository: &str, tag: Option<&str>) -> Result<ModulePolicy, Error> {
        let mut rs = vec![github::repository(repository)?];
        if let Some(t) = tag {
            if t.is_empty() || t.contains(char::is_whitespace) || t.starts_with("refs/") {
                return Err(Error::InvalidPolicy {
                    path: "bcr.tag".into(),
                    reason: format!("expected a tag name such as v1.2.3, found {t:?}"),
                });
            }
            rs.push(github::source_ref(&format!("refs/tags/{t}")));
        }
        let policy = Policy::certificate_requirements(
            Some(crate::Matcher::regex("https://github\\.com/.+")?),
            crate::Matcher::exact(GITHUB_ISSUER),
            rs,
        )?;
        Ok(ModulePolicy {
            repository: repository.to_owned(),
            tag: tag.map(str::to_owned),
            policy,
        })
    }

    /// `OWNER/REPO`.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The tag, when pinned.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }
}

/// One verified file of a module version.
#[derive(Clone, Debug)]
pub struct FileVerification {
    /// The file's name.
    pub file: String,
    /// Its kind.
    pub kind: FileKind,
    /// The workflow that attested it (the certificate's build signer URI, with its ref).
    pub signer_workflow: String,
    /// The verification of the attestation that satisfied the rules.
    pub result: VerificationResult,
}

impl FileVerification {
    /// As JSON: `{"file", "kind", "signer_workflow", "result"}` (`result` as
    /// [`VerificationResult::to_json`]), the same on every face.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "file": self.file,
            "kind": self.kind.as_str(),
            "signer_workflow": self.signer_workflow,
            "result": self.result.to_json(),
        })
    }
}

/// The signing workflow of a verified attestation: the build signer URI (Fulcio
/// 1.3.6.1.4.1.57264.1.9), which for a reusable workflow is the reusable one.
fn signer_workflow(r: &VerificationResult) -> Option<&str> {
    match &r.signer {
        Signer::Certificate { claims, .. } => claims
            .iter()
            .find(|c| c.oid == "1.3.6.1.4.1.57264.1.9")
            .map(|c| c.value.as_str()),
        _ => None,
    }
}

/// The per-kind workflow rule (as slsa-verifier's trusted BCR builders, whose refs must be
/// tags): `MODULE.bazel` and `source.json` from publish-to-bcr at a tag; the archive from the
/// bazel-contrib release workflow at a tag, or from a workflow of the module's repository.
fn check_workflow(
    file: &str,
    kind: FileKind,
    repository: &str,
    workflow: &str,
) -> Result<(), Error> {
    let (path, r#ref) = workflow.split_once('@').unwrap_or((workflow, ""));
    let tagged = r#ref.starts_with("refs/tags/") && r#ref.len() > "refs/tags/".len();
    let own = format!("https://github.com/{repository}/.github/workflows/");
    let ok = match kind {
        FileKind::Module | FileKind::Source => path == PUBLISH_WORKFLOW && tagged,
        FileKind::Archive => {
            (path == RELEASE_WORKFLOW && tagged)
                || (path.starts_with(&own) && path.len() > own.len() && !r#ref.is_empty())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(Error::PolicyMismatch {
            claim: format!("signer workflow of {file} ({})", kind.as_str()),
            expected: kind.required_signer(repository),
            found: workflow.to_owned(),
        })
    }
}

/// Verifies the attestations of one file (`bundles`, from its `.intoto.jsonl`) for `artifact`
/// (its bytes or digest): the first bundle that verifies against `policy`'s repository (and
/// tag), carries SLSA provenance v1, and was signed by the workflow `file`'s kind requires, is
/// the result; if none, the first bundle's failure, naming `file`.
pub fn verify_file(
    verifier: &Verifier,
    file: &str,
    bundles: &[Bundle],
    artifact: &Artifact<'_>,
    policy: &ModulePolicy,
    now: i64,
) -> Result<FileVerification, Error> {
    let kind = FileKind::of(file);
    let mut first_err = None;
    for b in bundles {
        let r = verifier
            .verify(b, artifact, &policy.policy, now)
            .and_then(|r| {
                let st = statement(&r)?;
                if st.predicate_type != SLSA_PROVENANCE_V1 {
                    return Err(eco_err(format!(
                        "expected predicate type {SLSA_PROVENANCE_V1}, found {}",
                        st.predicate_type
                    )));
                }
                let w = signer_workflow(&r).unwrap_or_default().to_owned();
                check_workflow(file, kind, &policy.repository, &w)?;
                Ok(FileVerification {
                    file: file.to_owned(),
                    kind,
                    signer_workflow: w,
                    result: r,
                })
            });
        match r {
            Ok(v) => return Ok(v),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(in_file(
        file,
        first_err.unwrap_or_else(|| eco_err("no attestation")),
    ))
}

/// The error, with the file it is about in its description (the code and check unchanged).
pub fn in_file(file: &str, e: Error) -> Error {
    match e {
        Error::ArtifactMismatch {
            what,
            expected,
            found,
        } if !what.contains(file) => Error::ArtifactMismatch {
            what: format!("{file}: {what}"),
            expected,
            found,
        },
        Error::PolicyMismatch {
            claim,
            expected,
            found,
        } if !claim.contains(file) => Error::PolicyMismatch {
            claim: format!("{file}: {claim}"),
            expected,
            found,
        },
        Error::Statement { reason } => Error::Statement {
            reason: format!("{file}: {reason}"),
        },
        Error::SignatureInvalid { check, what } => Error::SignatureInvalid {
            check,
            what: format!("{file}: {what}"),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        for ok in [
            "MODULE.bazel",
            "source.json",
            "rules_lint-v1.3.1.tar.gz",
            "a..b",
        ] {
            assert!(is_safe_file_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "/etc/passwd", "..\\x", "C:x", "a\0b"] {
            assert!(!is_safe_file_name(bad), "{bad:?}");
        }
        assert_eq!(
            url_file_name("https://x/a/b.intoto.jsonl?x=1").as_deref(),
            Some("b.intoto.jsonl")
        );
        assert_eq!(url_file_name("https://x/a/"), None);
        assert_eq!(url_file_name("https://x/a/.."), None);
    }

    #[test]
    fn integrity() {
        let i = Integrity::parse("sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").unwrap();
        assert_eq!(i.alg, HashAlg::Sha256);
        assert!(i.check("x", b"", Backend::default()).is_ok());
        assert_eq!(
            i.check("x", b"a", Backend::default()).unwrap_err().code(),
            "artifact-mismatch"
        );
        for bad in [
            "sha256-AAAA",
            "md5-AAAA",
            "sha256",
            "sha512-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ] {
            assert_eq!(
                Integrity::parse(bad).unwrap_err().code(),
                "invalid-artifact",
                "{bad}"
            );
        }
    }

    #[test]
    fn workflows() {
        let pubw = format!("{PUBLISH_WORKFLOW}@refs/tags/v1.0.0");
        let rel = format!("{RELEASE_WORKFLOW}@refs/tags/v7.1.0");
        let own = "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1";
        let other = "https://github.com/x/y/.github/workflows/release.yml@refs/tags/v1";
        assert!(check_workflow("MODULE.bazel", FileKind::Module, "o/r", &pubw).is_ok());
        assert!(check_workflow("source.json", FileKind::Source, "o/r", &pubw).is_ok());
        assert!(check_workflow("MODULE.bazel", FileKind::Module, "o/r", &rel).is_err());
        assert!(check_workflow("MODULE.bazel", FileKind::Module, "o/r", own).is_err());
        let branch = format!("{PUBLISH_WORKFLOW}@refs/heads/main");
        assert!(check_workflow("MODULE.bazel", FileKind::Module, "o/r", &branch).is_err());
        assert!(check_workflow("a.tgz", FileKind::Archive, "o/r", &rel).is_ok());
        assert!(check_workflow("a.tgz", FileKind::Archive, "o/r", own).is_ok());
        assert!(check_workflow("a.tgz", FileKind::Archive, "o/r", &pubw).is_err());
        assert!(check_workflow("a.tgz", FileKind::Archive, "o/r", other).is_err());
        assert!(check_workflow("a.tgz", FileKind::Archive, "o/r", "").is_err());
        let e = check_workflow("a.tgz", FileKind::Archive, "o/r", other).unwrap_err();
        assert!(e.to_string().contains(other), "{e}");
    }
}
