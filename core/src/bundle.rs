//! The Sigstore bundle (protobuf-specs `sigstore_bundle.proto`, JSON mapping), parsed strictly
//! into a normalised form. Shape rules of the bundle specification are enforced here; nothing
//! cryptographic happens in this module.

use serde::Deserialize;

use crate::crypto::HashAlg;
use crate::encoding::{b64, non_negative_int, JsonInt};
use crate::error::{bundle_err, Error};
use crate::limits::{self, BoundedVec};

/// Bundle format versions sigverify understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`
    V0_1,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2`
    V0_2,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.3` or `...bundle.v0.3+json`
    V0_3,
}

impl BundleVersion {
    fn from_media_type(m: &str) -> Option<BundleVersion> {
        match m {
            "application/vnd.dev.sigstore.bundle+json;version=0.1" => Some(BundleVersion::V0_1),
            "application/vnd.dev.sigstore.bundle+json;version=0.2" => Some(BundleVersion::V0_2),
            "application/vnd.dev.sigstore.bundle+json;version=0.3"
            | "application/vnd.dev.sigstore.bundle.v0.3+json" => Some(BundleVersion::V0_3),
            _ => None,
        }
    }

    /// "0.1", "0.2" or "0.3".
    pub fn as_str(self) -> &'static str {
        match self {
            BundleVersion::V0_1 => "0.1",
            BundleVersion::V0_2 => "0.2",
            BundleVersion::V0_3 => "0.3",
        }
    }

    /// Whether an artifact signature by a P-384 or P-521 key may be over SHA-256 instead of
    /// the curve's hash (older clients; see `PublicKey::artifact_schemes`). sigstore-go allows
    /// it for bundles v0.1 to v0.3, that is every version we know; a new version must decide.
    pub(crate) fn allows_ecdsa_sha256_compat(self) -> bool {
        match self {
            BundleVersion::V0_1 | BundleVersion::V0_2 | BundleVersion::V0_3 => true,
        }
    }
}

/// What the bundle says signed it.
#[derive(Clone, Debug)]
pub(crate) enum Material {
    /// A Fulcio (or other CA) leaf certificate, DER.
    Certificate(Vec<u8>),
    /// A managed key, named only by a hint; the key itself must come from the caller.
    PublicKey { hint: Option<String> },
}

/// A DSSE envelope.
#[derive(Clone, Debug)]
pub(crate) struct Envelope {
    pub(crate) payload: Vec<u8>,
    pub(crate) payload_type: String,
    /// (keyid, signature bytes)
    pub(crate) signatures: Vec<(String, Vec<u8>)>,
}

/// What was signed.
#[derive(Clone, Debug)]
pub(crate) enum Content {
    MessageSignature {
        /// The bundle's digest hint; it must equal the artifact's digest.
        digest: Option<(HashAlg, Vec<u8>)>,
        signature: Vec<u8>,
    },
    Dsse(Envelope),
}

impl Content {
    /// The signature bytes that RFC 3161 timestamps are taken over.
    pub(crate) fn signature_bytes(&self) -> &[u8] {
        match self {
            Content::MessageSignature { signature, .. } => signature,
            Content::Dsse(env) => env
                .signatures
                .first()
                .map(|s| s.1.as_slice())
                .unwrap_or(&[]),
        }
    }
}

/// An inclusion proof with its checkpoint.
#[derive(Clone, Debug)]
pub(crate) struct InclusionProof {
    pub(crate) log_index: u64,
    pub(crate) root_hash: Vec<u8>,
    pub(crate) tree_size: u64,
    pub(crate) hashes: Vec<Vec<u8>>,
    pub(crate) checkpoint: String,
}

/// One transparency log entry.
#[derive(Clone, Debug)]
pub(crate) struct TlogEntry {
    pub(crate) log_index: u64,
    pub(crate) log_id: Vec<u8>,
    pub(crate) kind: String,
    pub(crate) version: String,
    pub(crate) integrated_time: u64,
    pub(crate) set: Option<Vec<u8>>,
    pub(crate) proof: Option<InclusionProof>,
    /// The decoded canonicalized body (JSON bytes).
    pub(crate) body: Vec<u8>,
    /// canonicalizedBody exactly as the bundle carries it (the SET signs this string). Decoded
    /// as strict base64 when the bundle was parsed, so it holds only base64 characters.
    pub(crate) body_b64: String,
}

/// A parsed, shape-checked bundle.
#[derive(Clone, Debug)]
pub struct Bundle {
    pub(crate) version: BundleVersion,
    pub(crate) media_type: String,
    pub(crate) material: Material,
    /// The signing certificate's `rawBytes` exactly as the bundle carries it: strict base64, so
    /// the one encoding of the DER in `material` (Rekor v1 bodies embed it in a PEM block).
    pub(crate) leaf_b64: Option<String>,
    /// Certificates after the leaf in a v0.1/v0.2 `x509CertificateChain` (never trusted).
    pub(crate) chain_extra: Vec<Vec<u8>>,
    pub(crate) tlog_entries: Vec<TlogEntry>,
    pub(crate) timestamps: Vec<Vec<u8>>,
    pub(crate) content: Content,
    /// `verificationMaterial.publicKey.rawBytes` exactly as found, not decoded: Sigstore
    /// verification never reads it (the key comes from the caller), but model_signing 0.3.x
    /// wrote the signing key's PEM there, and its `key` method compares it.
    pub(crate) public_key_raw_b64: Option<String>,
}

/// Which shape rules a bundle is parsed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The bundle specification, for Sigstore verification.
    Sigstore,
    /// OpenSSF model signing's `certificate` method (private PKI, no log): model_signing
    /// writes an `x509CertificateChain` even in v0.3 bundles, and its test PKI has a signing
    /// certificate whose subject equals its issuer name. Only for the model-signing entry
    /// points, whose chain check takes the place of Fulcio's.
    PrivatePki,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBundle {
    media_type: Option<String>,
    verification_material: Option<RawMaterial>,
    message_signature: Option<RawMessageSignature>,
    dsse_envelope: Option<RawEnvelope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMaterial {
    x509_certificate_chain: Option<RawChain>,
    certificate: Option<RawCert>,
    public_key: Option<RawKeyId>,
    tlog_entries: Option<BoundedVec<RawEntry, { limits::MAX_TLOG_ENTRIES }>>,
    timestamp_verification_data: Option<RawTsData>,
}

#[derive(Deserialize)]
struct RawChain {
    certificates: Option<BoundedVec<RawCert, { limits::MAX_CHAIN_CERTS }>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKeyId {
    hint: Option<String>,
    raw_bytes: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTsData {
    rfc3161_timestamps: Option<BoundedVec<RawTs, { limits::MAX_TIMESTAMPS }>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTs {
    signed_timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    log_index: Option<JsonInt>,
    log_id: Option<RawLogId>,
    kind_version: Option<RawKindVersion>,
    integrated_time: Option<JsonInt>,
    inclusion_promise: Option<RawPromise>,
    inclusion_proof: Option<RawProof>,
    canonicalized_body: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: Option<String>,
}

#[derive(Deserialize)]
struct RawKindVersion {
    kind: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPromise {
    signed_entry_timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProof {
    log_index: Option<JsonInt>,
    root_hash: Option<String>,
    tree_size: Option<JsonInt>,
    hashes: Option<BoundedVec<String, { limits::MAX_PROOF_HASHES }>>,
    checkpoint: Option<RawCheckpoint>,
}

#[derive(Deserialize)]
struct RawCheckpoint {
    envelope: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMessageSignature {
    message_digest: Option<RawDigest>,
    signature: Option<String>,
}

#[derive(Deserialize)]
struct RawDigest {
    algorithm: Option<String>,
    digest: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEnvelope {
    payload: Option<String>,
    payload_type: Option<String>,
    signatures: Option<BoundedVec<RawSig, { limits::MAX_DSSE_SIGNATURES }>>,
}

#[derive(Deserialize)]
struct RawSig {
    sig: Option<String>,
    keyid: Option<String>,
}

fn need<T>(v: Option<T>, field: &str) -> Result<T, Error> {
    v.ok_or_else(|| bundle_err(field, "required field is missing"))
}

fn limit(what: &'static str, max: usize, found: usize) -> Result<(), Error> {
    if found > max {
        Err(Error::LimitExceeded {
            what,
            limit: max as u64,
            found: found as u64,
        })
    } else {
        Ok(())
    }
}

impl Bundle {
    /// Parses a bundle from JSON bytes, enforcing the bundle specification's shape rules.
    pub fn from_json(json: &[u8]) -> Result<Bundle, Error> {
        Bundle::parse(json, Shape::Sigstore)
    }

    /// Parses a bundle under `shape`'s rules ([`Shape::PrivatePki`] only for model signing).
    pub(crate) fn parse(json: &[u8], shape: Shape) -> Result<Bundle, Error> {
        limit("bundle size in bytes", limits::MAX_BUNDLE_BYTES, json.len())?;
        limits::check_json(json, "bundle")?;
        let raw: RawBundle = serde_json::from_slice(json).map_err(|e| Error::InvalidJson {
            what: "bundle",
            detail: e.to_string(),
        })?;
        let media_type = need(raw.media_type, "mediaType")?;
        let version = BundleVersion::from_media_type(&media_type).ok_or_else(|| {
            Error::UnsupportedMediaType {
                found: media_type.clone(),
            }
        })?;
        let vm = need(raw.verification_material, "verificationMaterial")?;

        // Signing material: exactly one of chain / certificate / publicKey.
        let present = [
            vm.x509_certificate_chain.is_some(),
            vm.certificate.is_some(),
            vm.public_key.is_some(),
        ];
        if present.iter().filter(|p| **p).count() != 1 {
            return Err(bundle_err(
                "verificationMaterial",
                "exactly one of x509CertificateChain, certificate, publicKey is required",
            ));
        }
        let mut chain_extra = Vec::new();
        let mut leaf_b64 = None;
        let mut public_key_raw_b64 = None;
        let material = if let Some(chain) = vm.x509_certificate_chain {
            if version >= BundleVersion::V0_3 && shape == Shape::Sigstore {
                return Err(bundle_err(
                    "verificationMaterial.x509CertificateChain",
                    "bundle v0.3 must carry a single `certificate`, not a chain",
                ));
            }
            let certs = match chain.certificates {
                Some(c) => c.checked("certificates in the bundle chain")?,
                None => Vec::new(),
            };
            let mut ders = Vec::with_capacity(certs.len());
            for (i, c) in certs.into_iter().enumerate() {
                let f =
                    format!("verificationMaterial.x509CertificateChain.certificates[{i}].rawBytes");
                let raw = need(c.raw_bytes, &f)?;
                ders.push(b64(&f, &raw)?);
                if i == 0 {
                    leaf_b64 = Some(raw);
                }
            }
            // Only the leaf is used: certificates after it are never trusted (roots come only
            // from the trusted root). They are kept so that the verifier can refuse a chain that
            // carries a self-signed root the trusted root does not contain.
            let mut ders = ders.into_iter();
            let leaf = ders.next().ok_or_else(|| {
                bundle_err(
                    "verificationMaterial.x509CertificateChain.certificates",
                    "the certificate chain is empty",
                )
            })?;
            chain_extra = ders.collect();
            if shape == Shape::Sigstore && crate::x509::is_self_issued(&leaf) {
                return Err(bundle_err(
                    "verificationMaterial.x509CertificateChain.certificates[0]",
                    "the signing certificate is a self-signed root",
                ));
            }
            Material::Certificate(leaf)
        } else if let Some(cert) = vm.certificate {
            let f = "verificationMaterial.certificate.rawBytes";
            let raw = need(cert.raw_bytes, f)?;
            let der = b64(f, &raw)?;
            if der.is_empty() {
                return Err(bundle_err(f, "the certificate is empty"));
            }
            if crate::x509::is_self_issued(&der) {
                return Err(bundle_err(f, "the certificate is a self-signed root"));
            }
            leaf_b64 = Some(raw);
            Material::Certificate(der)
        } else {
            let key = vm.public_key;
            public_key_raw_b64 = key.as_ref().and_then(|k| k.raw_bytes.clone());
            Material::PublicKey {
                hint: key.and_then(|k| k.hint),
            }
        };

        let raw_entries = match vm.tlog_entries {
            Some(e) => e.checked("transparency log entries")?,
            None => Vec::new(),
        };
        let tlog_entries = raw_entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| parse_entry(i, e, version))
            .collect::<Result<Vec<_>, _>>()?;

        let raw_ts = match vm
            .timestamp_verification_data
            .and_then(|t| t.rfc3161_timestamps)
        {
            Some(t) => t.checked("RFC 3161 timestamps")?,
            None => Vec::new(),
        };
        let timestamps = raw_ts
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let f = format!("verificationMaterial.timestampVerificationData.rfc3161Timestamps[{i}].signedTimestamp");
                b64(&f, &need(t.signed_timestamp, &f)?)
            })
            .collect::<Result<Vec<_>, _>>()?;

        let content = match (raw.message_signature, raw.dsse_envelope) {
            (Some(ms), None) => {
                let signature = b64(
                    "messageSignature.signature",
                    &need(ms.signature, "messageSignature.signature")?,
                )?;
                let digest = match ms.message_digest {
                    None => None,
                    Some(d) => {
                        let alg = need(d.algorithm, "messageSignature.messageDigest.algorithm")?;
                        let alg = HashAlg::from_proto(&alg).ok_or_else(|| {
                            bundle_err(
                                "messageSignature.messageDigest.algorithm",
                                format!("unsupported hash algorithm {alg:?}"),
                            )
                        })?;
                        let value = b64(
                            "messageSignature.messageDigest.digest",
                            &need(d.digest, "messageSignature.messageDigest.digest")?,
                        )?;
                        if value.len() != alg.digest_len() {
                            return Err(bundle_err(
                                "messageSignature.messageDigest.digest",
                                format!(
                                    "{} digest must be {} bytes, found {}",
                                    alg.name(),
                                    alg.digest_len(),
                                    value.len()
                                ),
                            ));
                        }
                        Some((alg, value))
                    }
                };
                Content::MessageSignature { digest, signature }
            }
            (None, Some(env)) => {
                let payload = b64(
                    "dsseEnvelope.payload",
                    &need(env.payload, "dsseEnvelope.payload")?,
                )?;
                let payload_type = need(env.payload_type, "dsseEnvelope.payloadType")?;
                let sigs = match env.signatures {
                    Some(s) => s.checked("DSSE signatures")?,
                    None => Vec::new(),
                };
                // The bundle specification requires exactly one signature.
                if sigs.len() != 1 {
                    return Err(bundle_err(
                        "dsseEnvelope.signatures",
                        format!("exactly one signature is required, found {}", sigs.len()),
                    ));
                }
                let signatures = sigs
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let f = format!("dsseEnvelope.signatures[{i}].sig");
                        Ok((s.keyid.unwrap_or_default(), b64(&f, &need(s.sig, &f)?)?))
                    })
                    .collect::<Result<Vec<_>, Error>>()?;
                Content::Dsse(Envelope {
                    payload,
                    payload_type,
                    signatures,
                })
            }
            _ => {
                return Err(bundle_err(
                    "content",
                    "exactly one of messageSignature and dsseEnvelope is required",
                ))
            }
        };

        Ok(Bundle {
            version,
            media_type,
            material,
            leaf_b64,
            chain_extra,
            tlog_entries,
            timestamps,
            content,
            public_key_raw_b64,
        })
    }

    /// The one digest of the artifact that is enough to verify this bundle, so that a caller
    /// can hash a large file as a stream instead of holding its bytes: for a message signature,
    /// the algorithm of the bundle's messageDigest when the key signs digests of it (P-384 and
    /// P-521 keys: their curve's hash, or SHA-256 for older clients' bundles), or without a
    /// messageDigest the key's hash when it has only one; for DSSE, the strongest subject
    /// algorithm. The artifact is then verified as [`crate::Artifact::Digest`] would be.
    /// `None` when the bytes themselves are needed (an Ed25519 key signs the message itself; a
    /// P-384 or P-521 key without a messageDigest may have signed either hash; the caller then
    /// passes the bytes). A bundle signed with a managed key gets `None` here: which hash the
    /// key signs over is known only from the key (see [`Bundle::artifact_digest_algorithm_for`]).
    pub fn artifact_digest_algorithm(&self) -> Option<HashAlg> {
        self.digest_algorithm_with(None)
    }

    /// [`Bundle::artifact_digest_algorithm`] given the managed key, when known
    /// ([`Bundle::artifact_digest_algorithm_for`], in `verify`, takes it from a policy).
    pub(crate) fn digest_algorithm_with(
        &self,
        key: Option<&crate::crypto::PublicKey>,
    ) -> Option<HashAlg> {
        match &self.content {
            Content::MessageSignature { digest, .. } => {
                let leaf_key;
                let key = match &self.material {
                    Material::Certificate(der) => {
                        leaf_key = crate::x509::leaf_public_key(der)?;
                        &leaf_key
                    }
                    Material::PublicKey { .. } => key?,
                };
                let schemes = key.artifact_schemes(self.version.allows_ecdsa_sha256_compat());
                match (digest, schemes) {
                    // The hint names the algorithm: the signature is then checked over that
                    // digest alone, as for a caller's digest.
                    (Some((alg, _)), _) => {
                        schemes.iter().find_map(|s| s.hash().filter(|h| h == alg))
                    }
                    (None, [only]) => only.hash(),
                    (None, _) => None,
                }
            }
            Content::Dsse(env) => crate::dsse::Statement::parse(&env.payload)
                .ok()
                .and_then(|s| s.algorithms().first().copied()),
        }
    }

    /// The bundle format version.
    pub fn version(&self) -> BundleVersion {
        self.version
    }

    /// The media type as found.
    pub fn media_type(&self) -> &str {
        &self.media_type
    }
}

fn parse_entry(i: usize, e: RawEntry, version: BundleVersion) -> Result<TlogEntry, Error> {
    let f = |s: &str| format!("verificationMaterial.tlogEntries[{i}].{s}");
    let log_index = non_negative_int(&f("logIndex"), &need(e.log_index, &f("logIndex"))?.0)?;
    let log_id = b64(
        &f("logId.keyId"),
        &need(e.log_id.and_then(|l| l.key_id), &f("logId.keyId"))?,
    )?;
    let kv = need(e.kind_version, &f("kindVersion"))?;
    let kind = need(kv.kind, &f("kindVersion.kind"))?;
    let kversion = need(kv.version, &f("kindVersion.version"))?;
    let integrated_time = match e.integrated_time {
        Some(v) => non_negative_int(&f("integratedTime"), &v.0)?,
        None => 0,
    };
    let set = match e.inclusion_promise {
        Some(p) => Some(b64(
            &f("inclusionPromise.signedEntryTimestamp"),
            &need(
                p.signed_entry_timestamp,
                &f("inclusionPromise.signedEntryTimestamp"),
            )?,
        )?),
        None => None,
    };
    let proof = match e.inclusion_proof {
        Some(p) => {
            let hashes = match p.hashes {
                Some(h) => h.checked("inclusion proof hashes")?,
                None => Vec::new(),
            };
            let checkpoint = need(
                p.checkpoint.and_then(|c| c.envelope),
                &f("inclusionProof.checkpoint.envelope"),
            )?;
            limit(
                "checkpoint size in bytes",
                limits::MAX_CHECKPOINT_BYTES,
                checkpoint.len(),
            )?;
            Some(InclusionProof {
                log_index: non_negative_int(
                    &f("inclusionProof.logIndex"),
                    &need(p.log_index, &f("inclusionProof.logIndex"))?.0,
                )?,
                root_hash: b64(
                    &f("inclusionProof.rootHash"),
                    &need(p.root_hash, &f("inclusionProof.rootHash"))?,
                )?,
                tree_size: non_negative_int(
                    &f("inclusionProof.treeSize"),
                    &need(p.tree_size, &f("inclusionProof.treeSize"))?.0,
                )?,
                hashes: hashes
                    .iter()
                    .enumerate()
                    .map(|(j, h)| b64(&f(&format!("inclusionProof.hashes[{j}]")), h))
                    .collect::<Result<_, _>>()?,
                checkpoint,
            })
        }
        None => None,
    };
    // Bundle spec: v0.1 requires the inclusion promise; v0.2 and later require the proof.
    if version == BundleVersion::V0_1 && set.is_none() {
        return Err(bundle_err(
            f("inclusionPromise"),
            "bundle v0.1 requires an inclusion promise (SET)",
        ));
    }
    if version >= BundleVersion::V0_2 && proof.is_none() {
        return Err(bundle_err(
            f("inclusionProof"),
            format!("bundle v{} requires an inclusion proof", version.as_str()),
        ));
    }
    let body_b64 = need(e.canonicalized_body, &f("canonicalizedBody"))?;
    let body = b64(&f("canonicalizedBody"), &body_b64)?;
    Ok(TlogEntry {
        log_index,
        log_id,
        kind,
        version: kversion,
        integrated_time,
        set,
        proof,
        body,
        body_b64,
    })
}
