//! What a successful verification returns to JavaScript: plain objects, `Date`s for times.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;

/// The outcome of a successful verification (a failed one throws instead): who signed, when,
/// which log entries vouch for it and, for DSSE bundles, the in-toto statement.
#[napi(object, object_from_js = false)]
pub struct VerificationResult {
    /// The bundle format version: `"0.1"`, `"0.2"` or `"0.3"`.
    pub bundle_version: String,
    /// The bundle's media type, as found.
    pub media_type: String,
    /// The hash the artifact signature was verified over (`"sha256"`, `"sha384"`, `"sha512"`):
    /// a P-384 or P-521 key of an older client may have signed SHA-256 instead of its curve's
    /// hash. Absent for Ed25519, which signs the message itself.
    pub signature_digest_algorithm: Option<String>,
    /// `"certificate"` for keyless signing (a Fulcio certificate), `"key"` for a managed key.
    #[napi(ts_type = "'certificate' | 'key'")]
    pub signer_type: String,
    /// The certificate identity (subject alternative name), e.g. a workflow URI or an email.
    pub identity: Option<String>,
    /// The kind of subject alternative name.
    #[napi(ts_type = "'uri' | 'email' | 'otherName'")]
    pub identity_type: Option<String>,
    /// The OIDC issuer of the certificate.
    pub issuer: Option<String>,
    /// Every Fulcio claim of the certificate (OID 1.3.6.1.4.1.57264.1.N), by name:
    /// `sourceRepositoryURI`, `sourceRepositoryRef`, `buildSignerURI`, `runnerEnvironment`...
    /// Empty for a managed key.
    pub claims: BTreeMap<String, String>,
    /// The same claims by OID (`1.3.6.1.4.1.57264.1.12`).
    pub claim_oids: BTreeMap<String, String>,
    /// The signing certificate, DER.
    pub certificate: Option<Buffer>,
    /// For a managed key: SHA-256 of its SubjectPublicKeyInfo, hex.
    pub key_sha256: Option<String>,
    /// Every verified time (transparency log integration times, RFC 3161 timestamps), each with
    /// its source.
    pub verified_times: Vec<VerifiedTime>,
    /// The earliest verified time.
    pub earliest_time: Option<DateTime<Utc>>,
    /// The transparency log entries that verified.
    pub log_entries: Vec<LogEntry>,
    /// For a DSSE bundle, its in-toto statement.
    pub statement: Option<Statement>,
    /// Every claim the policy checked, with what it required and what was found.
    pub policy_checks: Vec<CheckedClaim>,
    /// The crypto backend that verified it (`"aws-lc-rs"`).
    pub backend: String,
}

/// A time at which the signature is known to have existed.
#[napi(object, object_from_js = false)]
pub struct VerifiedTime {
    /// The time (whole seconds).
    pub time: DateTime<Utc>,
    /// `"transparency-log"` (an entry's integrated time, vouched for by its signed entry
    /// timestamp) or `"rfc3161-timestamp"`.
    #[napi(ts_type = "'transparency-log' | 'rfc3161-timestamp'")]
    pub source: String,
    /// For a transparency log time: the log's URL.
    pub log_url: Option<String>,
    /// For a transparency log time: the entry's index.
    pub log_index: Option<i64>,
    /// For a timestamp: the timestamp authority.
    pub authority: Option<String>,
}

/// A transparency log entry that verified.
#[napi(object, object_from_js = false)]
pub struct LogEntry {
    /// The log's URL.
    pub log_url: String,
    /// The log's id (hex SHA-256 of its key).
    pub log_id: String,
    /// The entry's index in the log, when something signs it (the SET of a Rekor v1 entry, the
    /// inclusion proof of a Rekor v2 entry); absent for a Rekor v1 entry verified by its
    /// inclusion proof alone.
    pub log_index: Option<i64>,
    /// The entry kind (`hashedrekord`, `dsse`, `intoto`).
    pub kind: String,
    /// The entry kind's version (`0.0.1`, `0.0.2`).
    pub version: String,
    /// The integrated time, when the entry has one (Rekor v1).
    pub integrated_time: Option<DateTime<Utc>>,
    /// Whether an inclusion proof against a signed checkpoint was verified (else the signed
    /// entry timestamp vouched).
    pub inclusion_proof: bool,
    /// The origin line of that checkpoint, as the log signed it: for Rekor v1
    /// `<hostname> - <tree id>` (`rekor.sigstore.dev - 2605736670972794746`; a private
    /// deployment's hostname may differ from its URL), for Rekor v2 the log's host. Absent
    /// without an inclusion proof.
    pub checkpoint_origin: Option<String>,
    /// The witnesses of the verifier's witness policy whose cosignature of the checkpoint
    /// verified.
    pub cosigned_by: Vec<String>,
}

/// A claim that the policy checked and that held.
#[napi(object, object_from_js = false)]
pub struct CheckedClaim {
    /// The field: `identity`, `issuer`, a Fulcio claim name (`sourceRepositoryURI`), or a
    /// statement field (`statement.predicateType`, ...).
    pub claim: String,
    /// What the policy required, described (`"text"`, `regex "..."`, `glob "..."`, ...).
    pub expected: String,
    /// The value found in the bundle.
    pub found: Option<String>,
}

/// An in-toto statement (the payload of a DSSE bundle).
#[napi(object, object_from_js = false)]
pub struct Statement {
    /// `_type`, e.g. `https://in-toto.io/Statement/v1`.
    #[napi(js_name = "type")]
    pub statement_type: String,
    /// `predicateType`, e.g. `https://slsa.dev/provenance/v1`.
    pub predicate_type: String,
    /// The subjects: what was attested.
    pub subjects: Vec<Subject>,
    /// The predicate, as parsed JSON (`null` when absent).
    #[napi(ts_type = "unknown")]
    pub predicate: serde_json::Value,
}

/// One subject of an in-toto statement.
#[napi(object, object_from_js = false)]
pub struct Subject {
    /// The subject's name (a file name, a package URL...).
    pub name: String,
    /// Its digests by algorithm name (`sha256` → lower-case hex).
    pub digest: BTreeMap<String, String>,
}

/// Unix seconds as a `Date`. Verified times are never in the future and come from X.509 or
/// Rekor fields, so they are always representable; the epoch stands in for the impossible.
fn date(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).unwrap_or_default()
}

impl From<&sigverify::VerificationResult> for VerificationResult {
    fn from(r: &sigverify::VerificationResult) -> Self {
        let mut out = VerificationResult {
            bundle_version: r.bundle_version.as_str().to_owned(),
            media_type: r.media_type.clone(),
            signature_digest_algorithm: r.signature_digest_algorithm.map(|h| h.name().to_owned()),
            signer_type: String::new(),
            identity: None,
            identity_type: None,
            issuer: None,
            claims: BTreeMap::new(),
            claim_oids: BTreeMap::new(),
            certificate: None,
            key_sha256: None,
            verified_times: r
                .verified_times
                .iter()
                .map(|t| match &t.source {
                    sigverify::TimeSource::TransparencyLog { log_url, log_index } => VerifiedTime {
                        time: date(t.time),
                        source: "transparency-log".into(),
                        log_url: Some(log_url.clone()),
                        log_index: Some(index(*log_index)),
                        authority: None,
                    },
                    sigverify::TimeSource::Timestamp { authority } => VerifiedTime {
                        time: date(t.time),
                        source: "rfc3161-timestamp".into(),
                        log_url: None,
                        log_index: None,
                        authority: Some(authority.clone()),
                    },
                    // A time source added to the core later: keep the time, name it generically.
                    _ => VerifiedTime {
                        time: date(t.time),
                        source: "other".into(),
                        log_url: None,
                        log_index: None,
                        authority: None,
                    },
                })
                .collect(),
            earliest_time: r.earliest_time().map(date),
            log_entries: r
                .log_entries
                .iter()
                .map(|e| LogEntry {
                    log_url: e.log_url.clone(),
                    log_id: e.log_id.clone(),
                    log_index: e.log_index.map(index),
                    kind: e.kind.clone(),
                    version: e.version.clone(),
                    integrated_time: e.integrated_time.map(date),
                    inclusion_proof: e.inclusion_proof,
                    checkpoint_origin: e.checkpoint_origin.clone(),
                    cosigned_by: e.cosigned_by.clone(),
                })
                .collect(),
            statement: r.statement.as_ref().map(|s| Statement {
                statement_type: s.statement_type.clone(),
                predicate_type: s.predicate_type.clone(),
                subjects: s
                    .subjects
                    .iter()
                    .map(|x| Subject {
                        name: x.name.clone(),
                        digest: x.digest.clone(),
                    })
                    .collect(),
                predicate: s.predicate.clone(),
            }),
            policy_checks: r
                .policy_checks
                .iter()
                .map(|c| CheckedClaim {
                    claim: c.claim.clone(),
                    expected: c.expected.clone(),
                    found: c.found.clone(),
                })
                .collect(),
            backend: r.backend.to_owned(),
        };
        match &r.signer {
            sigverify::Signer::Certificate {
                san,
                issuer,
                claims,
                certificate_der,
            } => {
                out.signer_type = "certificate".into();
                out.identity = san.as_ref().map(|s| s.value().to_owned());
                out.identity_type = san.as_ref().map(|s| s.kind().to_owned());
                out.issuer = issuer.clone();
                out.claims = claims
                    .iter()
                    .map(|c| (c.name.to_owned(), c.value.clone()))
                    .collect();
                out.claim_oids = claims
                    .iter()
                    .map(|c| (c.oid.clone(), c.value.clone()))
                    .collect();
                out.certificate = Some(certificate_der.clone().into());
            }
            sigverify::Signer::Key { spki_sha256 } => {
                out.signer_type = "key".into();
                out.key_sha256 = Some(spki_sha256.clone());
            }
            // A signer kind added to the core later.
            _ => out.signer_type = "other".into(),
        }
        out
    }
}

/// Log indices are below 2^53 in practice (JavaScript numbers are exact up to there).
fn index(i: u64) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}
