//! What a successful verification returns to JavaScript: a `VerificationResult` whose
//! properties are built when they are read (as in Python), so that a caller who asks only who
//! signed pays for nothing else; the nested values are plain objects, times are `Date`s.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Buffer, Either, Undefined};
use napi_derive::napi;

/// An absent value as JavaScript's `undefined` (a getter's `Option` would be `null`), as the
/// optional properties of a plain object are.
type Maybe<T> = Either<T, Undefined>;

fn maybe<T>(v: Option<T>) -> Maybe<T> {
    v.map_or(Either::B(()), Either::A)
}

/// The outcome of a successful verification (a failed one throws instead): who signed, when,
/// which log entries vouch for it and, for DSSE bundles, the in-toto statement. Every property
/// is computed when it is read; `toJSON()` (and so `JSON.stringify`) gives the whole result as
/// the core's JSON, the same document as the CLI's `--json` and Python's `to_json()`.
#[napi]
pub struct VerificationResult {
    inner: sigverify::VerificationResult,
}

impl From<sigverify::VerificationResult> for VerificationResult {
    fn from(inner: sigverify::VerificationResult) -> Self {
        VerificationResult { inner }
    }
}

impl From<&sigverify::VerificationResult> for VerificationResult {
    fn from(r: &sigverify::VerificationResult) -> Self {
        VerificationResult { inner: r.clone() }
    }
}

impl VerificationResult {
    fn claims_by(&self, key: impl Fn(&sigverify::Claim) -> String) -> BTreeMap<String, String> {
        let claims = self.inner.claims().iter();
        claims.map(|c| (key(c), c.value.clone())).collect()
    }
}

#[napi]
impl VerificationResult {
    /// The bundle format version: `"0.1"`, `"0.2"` or `"0.3"`.
    #[napi(getter)]
    pub fn bundle_version(&self) -> &'static str {
        self.inner.bundle_version.as_str()
    }

    /// The bundle's media type, as found.
    #[napi(getter)]
    pub fn media_type(&self) -> String {
        self.inner.media_type.clone()
    }

    /// The hash the artifact signature was verified over (`"sha256"`, `"sha384"`, `"sha512"`):
    /// a P-384 or P-521 key of an older client may have signed SHA-256 instead of its curve's
    /// hash. Absent for Ed25519, which signs the message itself.
    #[napi(getter, ts_return_type = "string | undefined")]
    pub fn signature_digest_algorithm(&self) -> Maybe<&'static str> {
        maybe(self.inner.signature_digest_algorithm.map(|h| h.name()))
    }

    /// `"certificate"` for keyless signing (a Fulcio certificate), `"key"` for a managed key.
    #[napi(getter, ts_return_type = "'certificate' | 'key'")]
    pub fn signer_type(&self) -> &'static str {
        self.inner.signer_type()
    }

    /// The certificate identity (subject alternative name), e.g. a workflow URI or an email.
    #[napi(getter, ts_return_type = "string | undefined")]
    pub fn identity(&self) -> Maybe<String> {
        maybe(self.inner.identity().map(str::to_owned))
    }

    /// The kind of subject alternative name.
    #[napi(getter, ts_return_type = "'uri' | 'email' | 'otherName' | undefined")]
    pub fn identity_type(&self) -> Maybe<&'static str> {
        maybe(self.inner.san().map(sigverify::San::kind))
    }

    /// The OIDC issuer of the certificate.
    #[napi(getter, ts_return_type = "string | undefined")]
    pub fn issuer(&self) -> Maybe<String> {
        maybe(self.inner.issuer().map(str::to_owned))
    }

    /// Every Fulcio claim of the certificate (OID 1.3.6.1.4.1.57264.1.N), by name:
    /// `sourceRepositoryURI`, `sourceRepositoryRef`, `buildSignerURI`, `runnerEnvironment`...
    /// Empty for a managed key.
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn claims(&self) -> BTreeMap<String, String> {
        self.claims_by(|c| c.name.to_owned())
    }

    /// The same claims by OID (`1.3.6.1.4.1.57264.1.12`).
    #[napi(getter, ts_return_type = "Record<string, string>")]
    pub fn claim_oids(&self) -> BTreeMap<String, String> {
        self.claims_by(|c| c.oid.clone())
    }

    /// The signing certificate, DER.
    #[napi(getter, ts_return_type = "Buffer | undefined")]
    pub fn certificate(&self) -> Maybe<Buffer> {
        maybe(self.inner.certificate_der().map(|der| der.to_vec().into()))
    }

    /// For a managed key: SHA-256 of its SubjectPublicKeyInfo, hex.
    #[napi(getter, ts_return_type = "string | undefined")]
    pub fn key_sha256(&self) -> Maybe<String> {
        maybe(self.inner.key_sha256().map(str::to_owned))
    }

    /// Every verified time (transparency log integration times, RFC 3161 timestamps), each with
    /// its source.
    #[napi(getter)]
    pub fn verified_times(&self) -> Vec<VerifiedTime> {
        self.inner
            .verified_times
            .iter()
            .map(VerifiedTime::from)
            .collect()
    }

    /// The earliest verified time.
    #[napi(getter, ts_return_type = "Date | undefined")]
    pub fn earliest_time(&self) -> Maybe<DateTime<Utc>> {
        maybe(self.inner.earliest_time().map(date))
    }

    /// The transparency log entries that verified.
    #[napi(getter)]
    pub fn log_entries(&self) -> Vec<LogEntry> {
        self.inner.log_entries.iter().map(LogEntry::from).collect()
    }

    /// For a DSSE bundle, its in-toto statement.
    #[napi(getter, ts_return_type = "Statement | undefined")]
    pub fn statement(&self) -> Maybe<Statement> {
        maybe(self.inner.statement.as_ref().map(Statement::from))
    }

    /// Every claim the policy checked, with what it required and what was found.
    #[napi(getter)]
    pub fn policy_checks(&self) -> Vec<CheckedClaim> {
        self.inner
            .policy_checks
            .iter()
            .map(|c| CheckedClaim {
                claim: c.claim.clone(),
                expected: c.expected.clone(),
                found: c.found.clone(),
            })
            .collect()
    }

    /// The crypto backend that verified it (`"aws-lc-rs"`).
    #[napi(getter)]
    pub fn backend(&self) -> &'static str {
        self.inner.backend
    }

    /// The whole result as the core's JSON (what `JSON.stringify` writes): the document of the
    /// CLI's `--json` and of Python's `VerificationResult.to_json()`.
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> serde_json::Value {
        self.inner.to_json()
    }
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

impl From<&sigverify::VerifiedTime> for VerifiedTime {
    fn from(t: &sigverify::VerifiedTime) -> Self {
        let (source, log_url, log_index, authority) = match &t.source {
            sigverify::TimeSource::TransparencyLog { log_url, log_index } => (
                "transparency-log",
                Some(log_url.clone()),
                Some(index(*log_index)),
                None,
            ),
            sigverify::TimeSource::Timestamp { authority } => {
                ("rfc3161-timestamp", None, None, Some(authority.clone()))
            }
            // A time source added to the core later: keep the time, name it generically.
            _ => ("other", None, None, None),
        };
        VerifiedTime {
            time: date(t.time),
            source: source.into(),
            log_url,
            log_index,
            authority,
        }
    }
}

impl From<&sigverify::LogEntryInfo> for LogEntry {
    fn from(e: &sigverify::LogEntryInfo) -> Self {
        LogEntry {
            log_url: e.log_url.clone(),
            log_id: e.log_id.clone(),
            log_index: e.log_index.map(index),
            kind: e.kind.clone(),
            version: e.version.clone(),
            integrated_time: e.integrated_time.map(date),
            inclusion_proof: e.inclusion_proof,
            checkpoint_origin: e.checkpoint_origin.clone(),
            cosigned_by: e.cosigned_by.clone(),
        }
    }
}

impl From<&sigverify::Statement> for Statement {
    fn from(s: &sigverify::Statement) -> Self {
        Statement {
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
        }
    }
}

/// Log indices are below 2^53 in practice (JavaScript numbers are exact up to there).
fn index(i: u64) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}
