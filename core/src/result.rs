//! What a successful verification tells the caller.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::bundle::BundleVersion;
use crate::dsse::Statement;
use crate::encoding::to_b64;
use crate::policy::CheckedClaim;
use crate::time::format_time;
use crate::tlog::LogEntryInfo;
use crate::x509::{Leaf, San};

/// One Fulcio claim from the signing certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The extension OID (`1.3.6.1.4.1.57264.1.12`).
    pub oid: String,
    /// Its name (`sourceRepositoryURI`).
    pub name: &'static str,
    /// Its value.
    pub value: String,
}

impl Claim {
    pub(crate) fn from_leaf(leaf: &Leaf) -> Vec<Claim> {
        crate::policy::FULCIO_CLAIMS
            .iter()
            .filter_map(|(n, name)| {
                leaf.fulcio.get(n).map(|v| Claim {
                    oid: format!("1.3.6.1.4.1.57264.1.{n}"),
                    name,
                    value: v.clone(),
                })
            })
            .collect()
    }
}

/// Who signed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Signer {
    /// A certificate (keyless signing).
    Certificate {
        /// The subject alternative name.
        san: Option<San>,
        /// The OIDC issuer.
        issuer: Option<String>,
        /// Every Fulcio claim present.
        claims: Vec<Claim>,
        /// The certificate, DER.
        certificate_der: Vec<u8>,
    },
    /// A managed key supplied by the caller.
    Key {
        /// SHA-256 of the key's SubjectPublicKeyInfo, hex.
        spki_sha256: String,
    },
}

/// Where a verified time came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeSource {
    /// A transparency log's integrated time, vouched for by its SET.
    TransparencyLog {
        /// The log.
        log_url: String,
        /// The entry's index.
        log_index: u64,
    },
    /// An RFC 3161 timestamp.
    Timestamp {
        /// The timestamp authority's URI.
        authority: String,
    },
}

impl TimeSource {
    pub(crate) fn describe(&self) -> String {
        match self {
            TimeSource::TransparencyLog { log_url, log_index } => {
                format!("log {log_url} entry {log_index}")
            }
            TimeSource::Timestamp { authority } => format!("timestamp authority {authority}"),
        }
    }
}

/// A time at which the signature is known to have existed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedTime {
    /// Unix seconds.
    pub time: i64,
    /// Its source.
    pub source: TimeSource,
}

/// The outcome of a successful verification.
#[derive(Clone, Debug)]
pub struct VerificationResult {
    /// The bundle format version.
    pub bundle_version: BundleVersion,
    /// The media type as found.
    pub media_type: String,
    /// Who signed.
    pub signer: Signer,
    /// Every verified time, with its source.
    pub verified_times: Vec<VerifiedTime>,
    /// The transparency log entries that verified.
    pub log_entries: Vec<LogEntryInfo>,
    /// For DSSE bundles, the in-toto statement.
    pub statement: Option<Statement>,
    /// Every claim the policy checked, with what was found.
    pub policy_checks: Vec<CheckedClaim>,
    /// The hash the artifact signature (message signature, or DSSE signature over PAE) was
    /// verified over: the key's own (SHA-256 for P-256 and RSA, SHA-384 for P-384, SHA-512 for
    /// P-521), or SHA-256 for a P-384 or P-521 key of an older client. `None` for Ed25519,
    /// which signs the message itself.
    pub signature_digest_algorithm: Option<crate::HashAlg>,
    /// The crypto backend that verified it.
    pub backend: &'static str,
}

impl VerificationResult {
    /// The certificate identity (SAN value), if signed with a certificate.
    pub fn identity(&self) -> Option<&str> {
        self.san().map(San::value)
    }

    /// The OIDC issuer, if signed with a certificate.
    pub fn issuer(&self) -> Option<&str> {
        match &self.signer {
            Signer::Certificate { issuer, .. } => issuer.as_deref(),
            Signer::Key { .. } => None,
        }
    }

    /// `"certificate"` (keyless, a Fulcio certificate) or `"key"` (a managed key).
    pub fn signer_type(&self) -> &'static str {
        match &self.signer {
            Signer::Certificate { .. } => "certificate",
            Signer::Key { .. } => "key",
        }
    }

    /// The subject alternative name of the signing certificate.
    pub fn san(&self) -> Option<&San> {
        match &self.signer {
            Signer::Certificate { san, .. } => san.as_ref(),
            Signer::Key { .. } => None,
        }
    }

    /// Every Fulcio claim of the signing certificate (empty for a managed key).
    pub fn claims(&self) -> &[Claim] {
        match &self.signer {
            Signer::Certificate { claims, .. } => claims,
            Signer::Key { .. } => &[],
        }
    }

    /// The signing certificate, DER.
    pub fn certificate_der(&self) -> Option<&[u8]> {
        match &self.signer {
            Signer::Certificate {
                certificate_der, ..
            } => Some(certificate_der),
            Signer::Key { .. } => None,
        }
    }

    /// For a managed key: SHA-256 of its SubjectPublicKeyInfo, hex.
    pub fn key_sha256(&self) -> Option<&str> {
        match &self.signer {
            Signer::Key { spki_sha256 } => Some(spki_sha256),
            Signer::Certificate { .. } => None,
        }
    }

    /// The earliest verified time.
    pub fn earliest_time(&self) -> Option<i64> {
        self.verified_times.iter().map(|t| t.time).min()
    }

    /// The whole result as JSON (stable field names, used by the CLI and the bindings).
    pub fn to_json(&self) -> Value {
        let signer = match &self.signer {
            Signer::Certificate {
                san,
                issuer,
                claims,
                certificate_der,
            } => {
                let claims: BTreeMap<&str, &str> =
                    claims.iter().map(|c| (c.name, c.value.as_str())).collect();
                json!({
                    "type": "certificate",
                    "identity": san.as_ref().map(San::value),
                    "identityType": san.as_ref().map(San::kind),
                    "issuer": issuer,
                    "claims": claims,
                    "certificate": to_b64(certificate_der),
                })
            }
            Signer::Key { spki_sha256 } => json!({"type": "key", "spkiSha256": spki_sha256}),
        };
        let times: Vec<Value> = self
            .verified_times
            .iter()
            .map(|t| match &t.source {
                TimeSource::TransparencyLog { log_url, log_index } => json!({
                    "time": format_time(t.time), "unix": t.time,
                    "source": "transparency-log", "log": log_url, "logIndex": log_index,
                }),
                TimeSource::Timestamp { authority } => json!({
                    "time": format_time(t.time), "unix": t.time,
                    "source": "rfc3161-timestamp", "authority": authority,
                }),
            })
            .collect();
        let entries: Vec<Value> = self
            .log_entries
            .iter()
            .map(|e| {
                json!({
                    "log": e.log_url, "logId": e.log_id, "logIndex": e.log_index,
                    "kind": e.kind, "version": e.version,
                    "integratedTime": e.integrated_time.map(format_time),
                    "inclusionProof": e.inclusion_proof,
                    "checkpointOrigin": e.checkpoint_origin,
                    "cosignedBy": e.cosigned_by,
                })
            })
            .collect();
        let statement = self.statement.as_ref().map(|s| {
            json!({
                "type": s.statement_type,
                "predicateType": s.predicate_type,
                "subjects": s.subjects.iter().map(|x| json!({"name": x.name, "digest": x.digest})).collect::<Vec<_>>(),
                "predicate": s.predicate,
            })
        });
        json!({
            "verified": true,
            "bundleVersion": self.bundle_version.as_str(),
            "mediaType": self.media_type,
            "signer": signer,
            "verifiedTimes": times,
            "logEntries": entries,
            "statement": statement,
            "policy": self.policy_checks.iter().map(|c| json!({"claim": c.claim, "expected": c.expected, "found": c.found})).collect::<Vec<_>>(),
            "signatureDigestAlgorithm": self.signature_digest_algorithm.map(crate::HashAlg::name),
            "backend": self.backend,
        })
    }
}
