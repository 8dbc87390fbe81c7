//! The one error type of the core.
//!
//! Every variant names the check that failed and carries what a person needs to act on it
//! (expected vs found). Each kind has a stable string code ([`Error::code`]) that the CLI, the C
//! ABI and the language bindings expose unchanged.

use std::fmt;

/// Which verification step an error belongs to, in the order verification.md lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Check {
    /// Parsing the bundle document and its shape rules.
    BundleFormat,
    /// Parsing or validating the trusted root.
    TrustedRoot,
    /// Input limits (sizes, counts, depth).
    Limits,
    /// RFC 3161 signed timestamps.
    Timestamp,
    /// The set of verified times (thresholds, future times).
    VerifiedTime,
    /// Certificate path validation against a Fulcio CA of the trusted root.
    Certificate,
    /// Signed certificate timestamps (certificate transparency).
    CertificateTransparency,
    /// The identity policy (SAN, issuer, claims) or the managed key.
    Policy,
    /// The artifact signature (message signature or DSSE envelope).
    Signature,
    /// The DSSE payload: statement parsing and subject matching.
    Statement,
    /// Transparency log entries: body cross-check, SET, inclusion proof, checkpoint.
    TransparencyLog,
    /// The artifact or digest supplied by the caller.
    Artifact,
}

impl Check {
    /// A short stable name for the check, used in messages and by bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::BundleFormat => "bundle-format",
            Check::TrustedRoot => "trusted-root",
            Check::Limits => "limits",
            Check::Timestamp => "timestamp",
            Check::VerifiedTime => "verified-time",
            Check::Certificate => "certificate",
            Check::CertificateTransparency => "certificate-transparency",
            Check::Policy => "policy",
            Check::Signature => "signature",
            Check::Statement => "statement",
            Check::TransparencyLog => "transparency-log",
            Check::Artifact => "artifact",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can make verification (or loading trusted material) fail.
///
/// Messages say which check failed and, where there is one, the expected and the found value.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not valid JSON, or does not have the shape the schema requires.
    InvalidJson {
        /// What was being parsed ("bundle", "trusted root", ...).
        what: &'static str,
        /// The parser's description, with line and column.
        detail: String,
    },
    /// The bundle's media type is not one sigverify knows.
    UnsupportedMediaType {
        /// The media type found in the bundle.
        found: String,
    },
    /// The bundle is well-formed JSON but breaks a rule of the bundle specification.
    InvalidBundle {
        /// Which field or rule.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A base64 or hex field is not strictly encoded.
    InvalidEncoding {
        /// The JSON field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A certificate or key could not be parsed.
    InvalidCertificate {
        /// Which certificate or key.
        which: String,
        /// What is wrong.
        reason: String,
    },
    /// The trusted root is malformed or unusable.
    InvalidTrustedRoot {
        /// The field or entry.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An input exceeds a limit of [`crate::limits`].
    LimitExceeded {
        /// Which limit.
        what: &'static str,
        /// The limit.
        limit: u64,
        /// The size or count found.
        found: u64,
    },
    /// The caller's artifact input (digest string, algorithm) is unusable.
    InvalidArtifact {
        /// What is wrong.
        reason: String,
    },
    /// The artifact does not match what was signed.
    ArtifactMismatch {
        /// Where the expectation came from (message digest, statement subject).
        what: String,
        /// The value the bundle commits to.
        expected: String,
        /// The value computed from the caller's artifact.
        found: String,
    },
    /// A cryptographic signature did not verify.
    SignatureInvalid {
        /// Which signature (artifact signature, SET, checkpoint, SCT, timestamp...).
        check: Check,
        /// What was signed, by which key.
        what: String,
    },
    /// The signing certificate does not chain to a Fulcio CA of the trusted root at a verified time.
    CertificateChain {
        /// Why path validation failed.
        reason: String,
    },
    /// A verified time lies outside a validity window.
    TimeOutsideValidity {
        /// Which check.
        check: Check,
        /// What has the window (certificate, CA, log key, TSA).
        what: String,
        /// The time (RFC 3339).
        time: String,
        /// The window, as "start..end".
        window: String,
    },
    /// No verified signed certificate timestamp (or fewer than required).
    CertificateTransparency {
        /// Why.
        reason: String,
    },
    /// An RFC 3161 timestamp is malformed or does not verify.
    Timestamp {
        /// Why.
        reason: String,
    },
    /// The set of verified times does not satisfy the verifier.
    VerifiedTime {
        /// Why.
        reason: String,
    },
    /// A transparency log entry is malformed, inconsistent with the bundle, or does not verify.
    TransparencyLog {
        /// Which part of the entry (body, SET, inclusion proof, checkpoint, log id...).
        part: &'static str,
        /// Why.
        reason: String,
    },
    /// The DSSE envelope's payload is not an acceptable in-toto statement.
    Statement {
        /// Why.
        reason: String,
    },
    /// The signer does not match the policy.
    PolicyMismatch {
        /// The claim (SAN, issuer, key...).
        claim: String,
        /// What the policy requires.
        expected: String,
        /// What the certificate or bundle has.
        found: String,
    },
    /// A policy document is invalid.
    InvalidPolicy {
        /// JSON path of the offending field (`$.identity`).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A keyless policy that does not say who signed: no identity (SAN) and no requirement on
    /// the source repository, its owner or the signing workflow (a ref, a digest, a runner
    /// environment, a predicate type, the issuer or a match-anything pattern pins nothing).
    /// Only `Policy::without_identity_unsafe` / `"unsafeAnyIdentity": true` skips the signer.
    SignerNotPinned {
        /// Where: `$` for a whole policy document, `identity` for a replaced SAN matcher.
        path: String,
    },
    /// Verifier options that are out of range, or that the trusted root can never meet (a log
    /// threshold with no transparency log in the root): refused when the verifier is built,
    /// not by failing every bundle later (sigstore-go's `VerifierConfig.Validate`).
    InvalidOptions {
        /// The option (`tlog_threshold`, `timestamp_threshold`, `sct_threshold`; a witness
        /// threshold is the witness policy's, `invalid-policy`).
        option: &'static str,
        /// What is wrong, and what to pass instead.
        reason: String,
    },
    /// The bundle uses an algorithm sigverify does not accept.
    UnsupportedAlgorithm {
        /// Where.
        what: String,
        /// The algorithm found.
        found: String,
    },
    /// A TUF repository update (the `tuf` module) was refused: a rollback, a version, length or
    /// hash that does not match the signed metadata, a file the repository must provide.
    Tuf {
        /// The TUF role (`root`, `timestamp`, `snapshot`, `targets`, a delegated role) or target.
        role: String,
        /// What is wrong, with the expected and the found value.
        reason: String,
    },
}

impl Error {
    /// The stable machine-readable code of this kind of error (the same in C, Python and Node).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidJson { .. } => "invalid-json",
            Error::UnsupportedMediaType { .. } => "unsupported-media-type",
            Error::InvalidBundle { .. } => "invalid-bundle",
            Error::InvalidEncoding { .. } => "invalid-encoding",
            Error::InvalidCertificate { .. } => "invalid-certificate",
            Error::InvalidTrustedRoot { .. } => "invalid-trusted-root",
            Error::LimitExceeded { .. } => "limit-exceeded",
            Error::InvalidArtifact { .. } => "invalid-artifact",
            Error::ArtifactMismatch { .. } => "artifact-mismatch",
            Error::SignatureInvalid { .. } => "signature-invalid",
            Error::CertificateChain { .. } => "certificate-chain",
            Error::TimeOutsideValidity { .. } => "time-outside-validity",
            Error::CertificateTransparency { .. } => "certificate-transparency",
            Error::Timestamp { .. } => "timestamp",
            Error::VerifiedTime { .. } => "verified-time",
            Error::TransparencyLog { .. } => "transparency-log",
            Error::Statement { .. } => "statement",
            Error::PolicyMismatch { .. } => "policy-mismatch",
            Error::UnsupportedAlgorithm { .. } => "unsupported-algorithm",
            Error::InvalidPolicy { .. } | Error::SignerNotPinned { .. } => "invalid-policy",
            Error::InvalidOptions { .. } => "invalid-options",
            Error::Tuf { .. } => "tuf",
        }
    }

    /// The verification step this error belongs to.
    pub fn check(&self) -> Check {
        match self {
            Error::InvalidJson { what, .. } if what.contains("trusted root") => Check::TrustedRoot,
            Error::InvalidJson { what, .. } if what.contains("policy") => Check::Policy,
            Error::InvalidJson { .. }
            | Error::UnsupportedMediaType { .. }
            | Error::InvalidBundle { .. }
            | Error::InvalidEncoding { .. } => Check::BundleFormat,
            Error::InvalidCertificate { .. } | Error::CertificateChain { .. } => Check::Certificate,
            Error::InvalidTrustedRoot { .. } | Error::Tuf { .. } | Error::InvalidOptions { .. } => {
                Check::TrustedRoot
            }
            Error::LimitExceeded { .. } => Check::Limits,
            Error::InvalidArtifact { .. } | Error::ArtifactMismatch { .. } => Check::Artifact,
            Error::SignatureInvalid { check, .. } | Error::TimeOutsideValidity { check, .. } => {
                *check
            }
            Error::CertificateTransparency { .. } => Check::CertificateTransparency,
            Error::Timestamp { .. } => Check::Timestamp,
            Error::VerifiedTime { .. } => Check::VerifiedTime,
            Error::TransparencyLog { .. } => Check::TransparencyLog,
            Error::Statement { .. } => Check::Statement,
            Error::PolicyMismatch { .. }
            | Error::InvalidPolicy { .. }
            | Error::SignerNotPinned { .. } => Check::Policy,
            Error::UnsupportedAlgorithm { .. } => Check::Signature,
        }
    }

    /// True when the input itself is unusable (malformed, unsupported, over a limit), as opposed
    /// to well-formed input that failed verification. The CLI maps this to exit code 2.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::InvalidJson { .. }
                | Error::UnsupportedMediaType { .. }
                | Error::InvalidTrustedRoot { .. }
                | Error::LimitExceeded { .. }
                | Error::InvalidArtifact { .. }
                | Error::InvalidPolicy { .. }
                | Error::SignerNotPinned { .. }
                | Error::InvalidOptions { .. }
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} check failed: ", self.check())?;
        match self {
            Error::InvalidJson { what, detail } => write!(f, "{what} is not valid: {detail}"),
            Error::UnsupportedMediaType { found } => write!(
                f,
                "unsupported bundle media type: expected application/vnd.dev.sigstore.bundle+json;version=0.1, 0.2 or 0.3 (or application/vnd.dev.sigstore.bundle.v0.3+json), found {found:?}"
            ),
            Error::InvalidBundle { field, reason } => write!(f, "{field}: {reason}"),
            Error::InvalidEncoding { field, reason } => write!(f, "{field}: {reason}"),
            Error::InvalidCertificate { which, reason } => write!(f, "{which}: {reason}"),
            Error::InvalidTrustedRoot { field, reason } => {
                write!(f, "trusted root {field}: {reason}")
            }
            Error::LimitExceeded { what, limit, found } => {
                write!(f, "{what}: limit {limit}, found {found}")
            }
            Error::InvalidArtifact { reason } => write!(f, "{reason}"),
            Error::ArtifactMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: expected {expected}, found {found}"),
            Error::SignatureInvalid { what, .. } => write!(f, "{what} does not verify"),
            Error::CertificateChain { reason } => write!(f, "{reason}"),
            Error::TimeOutsideValidity {
                what, time, window, ..
            } => write!(
                f,
                "{what}: time {time} is outside its validity window {window}"
            ),
            Error::CertificateTransparency { reason } => write!(f, "{reason}"),
            Error::Timestamp { reason } => write!(f, "{reason}"),
            Error::VerifiedTime { reason } => write!(f, "{reason}"),
            Error::TransparencyLog { part, reason } => write!(f, "{part}: {reason}"),
            Error::Statement { reason } => write!(f, "{reason}"),
            Error::PolicyMismatch {
                claim,
                expected,
                found,
            } => write!(f, "{claim}: expected {expected}, found {found}"),
            // `$...` is a place in a policy document; other paths name a builder's argument.
            Error::InvalidPolicy { path, reason } if path.starts_with('$') => {
                write!(f, "policy document {path}: {reason}")
            }
            Error::InvalidPolicy { path, reason } => write!(f, "policy {path}: {reason}"),
            Error::SignerNotPinned { path } => write!(f, "policy {path}: {SIGNER_NOT_PINNED}"),
            Error::InvalidOptions { option, reason } => write!(f, "{option}: {reason}"),
            Error::UnsupportedAlgorithm { what, found } => {
                write!(f, "{what}: unsupported algorithm {found}")
            }
            Error::Tuf { role, reason } => write!(f, "TUF {role}: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the crate.
pub(crate) fn tlog_err(part: &'static str, reason: impl Into<String>) -> Error {
    Error::TransparencyLog {
        part,
        reason: reason.into(),
    }
}

/// Shorthand used across the crate.
pub(crate) fn bundle_err(field: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidBundle {
        field: field.into(),
        reason: reason.into(),
    }
}

/// What [`Error::SignerNotPinned`] says, naming the policy-document fields that pin the signer
/// (the CLI names its flags instead).
const SIGNER_NOT_PINNED: &str =
    "the policy does not name who signed: give an identity (the certificate's SAN), \
github.repository, github.owner or github.signerWorkflow, gitlab.project, gitlab.namespace or \
gitlab.signerConfig, or a claims matcher on sourceRepositoryURI, sourceRepositoryIdentifier, \
sourceRepositoryOwnerURI, sourceRepositoryOwnerIdentifier, buildSignerURI, buildConfigURI or \
githubWorkflowRepository; a ref, a digest, a runner environment, a predicate type, the issuer \
or a pattern that matches anything pins nothing (unsafeAnyIdentity skips the signer check)";
