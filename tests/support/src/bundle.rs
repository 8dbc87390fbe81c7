//! Bundles: options, faults and the assembly of a complete, consistently signed bundle.

use serde_json::{json, Map, Value};

use crate::ct::{make_sct, sct_list_extension, SctParams};
use crate::dsse::{envelope, pae, statement_for, INTOTO_PAYLOAD_TYPE};
use crate::instance::Instance;
use crate::keys::EcKey;
use crate::log::{
    checkpoint_body, dsse_body, hashedrekord_body, intoto_body, set_payload, signed_note,
    MerkleTree, REKOR_NAME, REKOR_ORIGIN,
};
use crate::tsa::{timestamp_response, TimestampParams};
use crate::util::{b64, pem, sha256};
use crate::x509::{fulcio_leaf_extensions, oid, sign_tbs, tbs, Identity, Issued, IssuerRef};

/// Default signer identity (URI SAN) of leaf certificates.
pub const DEFAULT_IDENTITY: &str =
    "https://github.com/sigverify/test/.github/workflows/release.yml@refs/heads/main";
/// Default OIDC issuer written into leaf certificates.
pub const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// Default integrated (signing) time: 2025-03-01T12:00:00Z.
pub const DEFAULT_INTEGRATED_TIME: u64 = 1_740_830_400;
/// Default artifact name used in the in-toto statement of DSSE bundles.
pub const DEFAULT_ARTIFACT_NAME: &str = "artifact.bin";
/// Leaf certificates start this many seconds before the integrated time...
pub const LEAF_BACKDATE_SECS: u64 = 60;
/// ...and are valid for this long (Fulcio: 10 minutes).
pub const LEAF_LIFETIME_SECS: u64 = 600;
/// The bytes faults sign / digest instead of the real ones.
pub const OTHER_BYTES: &[u8] = b"sigverify-testkit: some other bytes";

/// Bundle format version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1` (x509CertificateChain).
    V01,
    /// `application/vnd.dev.sigstore.bundle+json;version=0.2` (x509CertificateChain).
    V02,
    /// `application/vnd.dev.sigstore.bundle.v0.3+json` (single certificate).
    V03,
}

impl BundleVersion {
    /// The media type string.
    pub fn media_type(self) -> &'static str {
        match self {
            BundleVersion::V01 => "application/vnd.dev.sigstore.bundle+json;version=0.1",
            BundleVersion::V02 => "application/vnd.dev.sigstore.bundle+json;version=0.2",
            BundleVersion::V03 => "application/vnd.dev.sigstore.bundle.v0.3+json",
        }
    }
}

/// What the bundle signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// `messageSignature`: ECDSA over the artifact bytes.
    MessageSignature,
    /// `dsseEnvelope` carrying an in-toto statement about the artifact.
    Dsse,
}

/// The Rekor v1 entry type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// hashedrekord 0.0.1 (message signatures).
    HashedRekord001,
    /// dsse 0.0.1 (DSSE envelopes).
    Dsse001,
    /// intoto 0.0.2 (DSSE envelopes, legacy).
    Intoto002,
}

impl EntryKind {
    fn kind_version(self) -> (&'static str, &'static str) {
        match self {
            EntryKind::HashedRekord001 => ("hashedrekord", "0.0.1"),
            EntryKind::Dsse001 => ("dsse", "0.0.1"),
            EntryKind::Intoto002 => ("intoto", "0.0.2"),
        }
    }
}

/// A managed (non-Fulcio) signing key, for `publicKey` bundles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagedKey {
    /// ECDSA P-256 / SHA-256 ([`Instance::managed_key_pem`]).
    P256,
    /// Ed25519 ([`Instance::managed_ed25519_key_pem`]).
    Ed25519,
}

/// One broken thing. A bundle built with a fault fails exactly that check; everything else in
/// it (and in the trusted root) is valid and consistently re-signed around the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The message signature is over [`OTHER_BYTES`] (messageDigest is still the artifact's;
    /// the log entry records the same signature). For DSSE content: same as `DsseBadSignature`.
    ArtifactSignature,
    /// The leaf's extendedKeyUsage is serverAuth instead of codeSigning.
    CertNotCodeSigning,
    /// The leaf expired before the integrated time (validity ends 10 min before it); the SET,
    /// proof and checkpoint are valid over that time. With a timestamp, its genTime (the
    /// integrated time) is outside the leaf's validity as well.
    CertExpiredAtIntegratedTime,
    /// The leaf is issued by a rogue intermediate CA whose root is not in the trusted root (the
    /// SCT is valid, from the trusted CT log, over that issuer).
    CertUntrustedCa,
    /// The leaf has no embedded SCT list extension.
    NoSct,
    /// The SCT names the trusted CT log but is signed by another key.
    SctBadSignature,
    /// The SCT is validly signed by a CT log that is not in the trusted root.
    SctUnknownLog,
    /// The SET (inclusionPromise) is signed by a key other than the log's.
    SetBadSignature,
    /// The logged body does not match the bundle: hashedrekord names the digest of
    /// [`OTHER_BYTES`]; dsse/intoto record the payload hash of another payload. SET, inclusion
    /// proof and checkpoint are all valid over that body.
    TlogBodyMismatch,
    /// One hash of the inclusion proof is altered (the proof's rootHash and the checkpoint are the
    /// true, validly signed root).
    InclusionProofBadHash,
    /// The checkpoint is signed by another key (key hint and name still those of the log).
    CheckpointBadSignature,
    /// The checkpoint is validly signed by the log key, but its origin is another log's.
    CheckpointWrongOrigin,
    /// The checkpoint is validly signed, but commits to a different root hash than the proof's
    /// rootHash (which is itself the correct root of the proof).
    CheckpointRootMismatch,
    /// The checkpoint signature is valid but its 4-byte key hint does not match the log id.
    CheckpointWrongKeyHint,
    /// The RFC 3161 token names the trusted TSA but is signed by another key.
    TimestampBadSignature,
    /// The timestamp's message imprint is SHA-256 of [`OTHER_BYTES`], not of the signature.
    TimestampWrongImprint,
    /// The timestamp is validly issued by a TSA (and chain) that is not in the trusted root.
    TimestampUntrustedTsa,
    /// The timestamp's genTime is 60 s after the leaf's notAfter (the integrated time is fine).
    TimestampOutsideCertValidity,
    /// The DSSE signature is over the PAE of another payload (the log records that signature).
    DsseBadSignature,
    /// The DSSE signature is over the PAE with payloadType `application/json` while the envelope
    /// says `application/vnd.in-toto+json` (so the signature does not verify).
    DssePayloadTypeMismatch,
    /// The envelope is validly signed, but its payloadType is `application/json`, not in-toto.
    DsseWrongPayloadType,
    /// The in-toto statement's subject digest is SHA-256 of [`OTHER_BYTES`]; everything is
    /// validly signed over that statement.
    DsseSubjectMismatch,
}

impl Fault {
    /// Every fault, for table-driven tests.
    pub const ALL: &'static [Fault] = &[
        Fault::ArtifactSignature,
        Fault::CertNotCodeSigning,
        Fault::CertExpiredAtIntegratedTime,
        Fault::CertUntrustedCa,
        Fault::NoSct,
        Fault::SctBadSignature,
        Fault::SctUnknownLog,
        Fault::SetBadSignature,
        Fault::TlogBodyMismatch,
        Fault::InclusionProofBadHash,
        Fault::CheckpointBadSignature,
        Fault::CheckpointWrongOrigin,
        Fault::CheckpointRootMismatch,
        Fault::CheckpointWrongKeyHint,
        Fault::TimestampBadSignature,
        Fault::TimestampWrongImprint,
        Fault::TimestampUntrustedTsa,
        Fault::TimestampOutsideCertValidity,
        Fault::DsseBadSignature,
        Fault::DssePayloadTypeMismatch,
        Fault::DsseWrongPayloadType,
        Fault::DsseSubjectMismatch,
    ];

    /// Whether this fault can be expressed in a bundle built with `opts` (e.g. certificate
    /// faults need a certificate, timestamp faults need a timestamp). [`Instance::bundle`]
    /// panics on an inapplicable fault rather than silently producing a valid bundle.
    pub fn applies_to(self, opts: &BundleOptions) -> bool {
        use Fault::*;
        let cert = opts.managed_key.is_none();
        let proof = opts.with_tlog && opts.with_inclusion_proof;
        match self {
            ArtifactSignature => true,
            CertNotCodeSigning
            | CertExpiredAtIntegratedTime
            | CertUntrustedCa
            | NoSct
            | SctBadSignature
            | SctUnknownLog => cert,
            SetBadSignature => opts.with_tlog && opts.with_inclusion_promise,
            TlogBodyMismatch => opts.with_tlog,
            InclusionProofBadHash
            | CheckpointBadSignature
            | CheckpointWrongOrigin
            | CheckpointRootMismatch
            | CheckpointWrongKeyHint => proof,
            TimestampBadSignature | TimestampWrongImprint | TimestampUntrustedTsa => {
                opts.with_timestamp
            }
            TimestampOutsideCertValidity => opts.with_timestamp && cert,
            DsseBadSignature
            | DssePayloadTypeMismatch
            | DsseWrongPayloadType
            | DsseSubjectMismatch => opts.content == Content::Dsse,
        }
    }
}

/// How to build a bundle. `BundleOptions::default()` is a valid v0.3 message-signature bundle
/// with a hashedrekord 0.0.1 entry, a Fulcio certificate for [`DEFAULT_IDENTITY`] /
/// [`DEFAULT_ISSUER`], an inclusion promise and proof, and an RFC 3161 timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleOptions {
    /// Bundle format version.
    pub version: BundleVersion,
    /// Message signature or DSSE.
    pub content: Content,
    /// Rekor entry type; must suit `content` (hashedrekord for message signatures, dsse/intoto
    /// for DSSE).
    pub entry: EntryKind,
    /// The signing time: Rekor's integratedTime, the centre of the leaf's validity, the default
    /// timestamp genTime. Unix seconds.
    pub integrated_time: u64,
    /// SAN of the leaf certificate.
    pub identity: Identity,
    /// OIDC issuer in the leaf certificate.
    pub issuer: String,
    /// Add an RFC 3161 timestamp.
    pub with_timestamp: bool,
    /// Add a Rekor v1 tlog entry.
    pub with_tlog: bool,
    /// Add the inclusion promise (SET) to the tlog entry.
    pub with_inclusion_promise: bool,
    /// Add the inclusion proof (with checkpoint) to the tlog entry.
    pub with_inclusion_proof: bool,
    /// Embed the TSA certificate in the timestamp token.
    pub tsa_embed_cert: bool,
    /// Override the timestamp genTime (default: `integrated_time`).
    pub timestamp_time: Option<u64>,
    /// Sign with a managed key (`publicKey` bundle) instead of a Fulcio certificate.
    pub managed_key: Option<ManagedKey>,
    /// Subject name of the artifact in the DSSE in-toto statement.
    pub artifact_name: String,
    /// Use this DSSE payload instead of `statement_for(artifact_name, artifact)`.
    pub dsse_payload: Option<Vec<u8>>,
    /// Size of the log tree the proof is against (>= 2).
    pub tree_size: u64,
    /// Index of our entry in that tree (`inclusionProof.logIndex`).
    pub tree_index: u64,
    /// The entry's global `logIndex` (as in the SET).
    pub log_index: u64,
    /// The one thing to break, if any.
    pub fault: Option<Fault>,
}

impl Default for BundleOptions {
    fn default() -> Self {
        BundleOptions {
            version: BundleVersion::V03,
            content: Content::MessageSignature,
            entry: EntryKind::HashedRekord001,
            integrated_time: DEFAULT_INTEGRATED_TIME,
            identity: Identity::Uri(DEFAULT_IDENTITY.to_string()),
            issuer: DEFAULT_ISSUER.to_string(),
            with_timestamp: true,
            with_tlog: true,
            with_inclusion_promise: true,
            with_inclusion_proof: true,
            tsa_embed_cert: true,
            timestamp_time: None,
            managed_key: None,
            artifact_name: DEFAULT_ARTIFACT_NAME.to_string(),
            dsse_payload: None,
            tree_size: 40,
            tree_index: 23,
            log_index: 7_000_023,
            fault: None,
        }
    }
}

impl BundleOptions {
    /// Defaults, but a DSSE bundle with a dsse 0.0.1 entry.
    pub fn dsse() -> BundleOptions {
        BundleOptions {
            content: Content::Dsse,
            entry: EntryKind::Dsse001,
            ..BundleOptions::default()
        }
    }

    /// These options with `fault` set.
    pub fn with_fault(mut self, fault: Fault) -> BundleOptions {
        self.fault = Some(fault);
        self
    }

    fn has(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }
}

/// A bundle together with the pieces tests commonly want to look at.
#[derive(Clone, Debug)]
pub struct BuiltBundle {
    /// The bundle JSON.
    pub json: Value,
    /// DER of the leaf certificate (None for managed-key bundles).
    pub leaf_der: Option<Vec<u8>>,
    /// The canonicalized tlog body (None without a tlog entry).
    pub tlog_body: Option<Vec<u8>>,
    /// The signature bytes (message signature or DSSE signature).
    pub signature: Vec<u8>,
    /// The DSSE payload (None for message signatures).
    pub dsse_payload: Option<Vec<u8>>,
}

enum Signer<'a> {
    Ec(&'a EcKey),
    Ed(&'a crate::keys::EdKey),
}

impl Signer<'_> {
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Signer::Ec(k) => k.sign(msg),
            Signer::Ed(k) => k.sign(msg),
        }
    }
}

impl Instance {
    /// A complete bundle over `artifact` (see [`BundleOptions`] and [`Fault`]).
    pub fn bundle(&self, opts: &BundleOptions, artifact: &[u8]) -> Value {
        self.build_bundle(opts, artifact).json
    }

    /// The leaf certificate (DER) a bundle with these options would carry.
    pub fn leaf_certificate(&self, opts: &BundleOptions) -> Vec<u8> {
        self.make_leaf(opts).1
    }

    /// Like [`Instance::bundle`], also returning the intermediate pieces.
    pub fn build_bundle(&self, opts: &BundleOptions, artifact: &[u8]) -> BuiltBundle {
        if let Some(f) = opts.fault {
            assert!(
                f.applies_to(opts),
                "fault {f:?} cannot be expressed with these bundle options"
            );
        }
        let compatible = matches!(
            (opts.content, opts.entry),
            (Content::MessageSignature, EntryKind::HashedRekord001)
                | (Content::Dsse, EntryKind::Dsse001 | EntryKind::Intoto002)
        );
        assert!(
            compatible,
            "entry kind {:?} does not suit {:?}",
            opts.entry, opts.content
        );

        // --- signer and verification material ---------------------------------------------
        let (signer, leaf_der, public_pem, hint) = match opts.managed_key {
            None => {
                let (_, der) = self.make_leaf(opts);
                let p = pem("CERTIFICATE", &der);
                (Signer::Ec(&self.leaf_key), Some(der), p, None)
            }
            Some(ManagedKey::P256) => (
                Signer::Ec(&self.managed_p256),
                None,
                self.managed_p256.spki_pem(),
                Some(b64(sha256(&self.managed_p256.spki_der))),
            ),
            Some(ManagedKey::Ed25519) => (
                Signer::Ed(&self.managed_ed25519),
                None,
                pem("PUBLIC KEY", &self.managed_ed25519.spki_der),
                Some(b64(sha256(&self.managed_ed25519.spki_der))),
            ),
        };

        // --- content ------------------------------------------------------------------------
        let mut content = Map::new();
        let signature: Vec<u8>;
        let mut dsse_payload = None;
        let body: Vec<u8>;
        match opts.content {
            Content::MessageSignature => {
                let signed: &[u8] = if opts.has(Fault::ArtifactSignature) {
                    OTHER_BYTES
                } else {
                    artifact
                };
                signature = signer.sign(signed);
                let digest = sha256(artifact);
                content.insert(
                    "messageSignature".into(),
                    json!({
                        "messageDigest": {"algorithm": "SHA2_256", "digest": b64(digest)},
                        "signature": b64(&signature),
                    }),
                );
                let logged_digest = if opts.has(Fault::TlogBodyMismatch) {
                    sha256(OTHER_BYTES)
                } else {
                    digest
                };
                body = hashedrekord_body(&logged_digest, &signature, &public_pem).into_bytes();
            }
            Content::Dsse => {
                let payload = match (&opts.dsse_payload, opts.has(Fault::DsseSubjectMismatch)) {
                    (_, true) => statement_for(&opts.artifact_name, OTHER_BYTES),
                    (Some(p), false) => p.clone(),
                    (None, false) => statement_for(&opts.artifact_name, artifact),
                };
                let envelope_type = if opts.has(Fault::DsseWrongPayloadType) {
                    "application/json"
                } else {
                    INTOTO_PAYLOAD_TYPE
                };
                let signed_type = if opts.has(Fault::DssePayloadTypeMismatch) {
                    "application/json"
                } else {
                    envelope_type
                };
                let bad_sig =
                    opts.has(Fault::DsseBadSignature) || opts.has(Fault::ArtifactSignature);
                let mut signed_payload = payload.clone();
                if bad_sig {
                    signed_payload.extend_from_slice(b" ");
                }
                signature = signer.sign(&pae(signed_type, &signed_payload));
                content.insert(
                    "dsseEnvelope".into(),
                    envelope(&payload, envelope_type, &signature),
                );
                let logged_payload = if opts.has(Fault::TlogBodyMismatch) {
                    statement_for(&opts.artifact_name, OTHER_BYTES)
                } else {
                    payload.clone()
                };
                body = match opts.entry {
                    EntryKind::Intoto002 => {
                        intoto_body(&logged_payload, envelope_type, &signature, &public_pem)
                    }
                    _ => dsse_body(&logged_payload, envelope_type, &signature, &public_pem),
                }
                .into_bytes();
                dsse_payload = Some(payload);
            }
        }

        // --- verification material ----------------------------------------------------------
        let mut vm = Map::new();
        match (&leaf_der, opts.version) {
            (None, _) => {
                vm.insert(
                    "publicKey".into(),
                    json!({"hint": hint.unwrap_or_default()}),
                );
            }
            (Some(der), BundleVersion::V03) => {
                vm.insert("certificate".into(), json!({"rawBytes": b64(der)}));
            }
            (Some(der), _) => {
                vm.insert(
                    "x509CertificateChain".into(),
                    json!({"certificates": [{"rawBytes": b64(der)}]}),
                );
            }
        }
        // `tlogEntries` is written even when empty: some verifiers (sigstore-python) require
        // the key.
        let mut tlog_body = None;
        if opts.with_tlog {
            vm.insert("tlogEntries".into(), json!([self.tlog_entry(opts, &body)]));
            tlog_body = Some(body);
        } else {
            vm.insert("tlogEntries".into(), json!([]));
        }
        if opts.with_timestamp {
            let ts = self.timestamp(opts, &signature);
            vm.insert(
                "timestampVerificationData".into(),
                json!({"rfc3161Timestamps": [{"signedTimestamp": b64(ts)}]}),
            );
        }

        let mut bundle = Map::new();
        bundle.insert("mediaType".into(), json!(opts.version.media_type()));
        bundle.insert("verificationMaterial".into(), Value::Object(vm));
        bundle.extend(content);
        BuiltBundle {
            json: Value::Object(bundle),
            leaf_der,
            tlog_body,
            signature,
            dsse_payload,
        }
    }

    /// The leaf validity (notBefore, notAfter) for these options.
    pub fn leaf_validity(&self, opts: &BundleOptions) -> (u64, u64) {
        let t = opts.integrated_time;
        if opts.has(Fault::CertExpiredAtIntegratedTime) {
            let not_after = t - LEAF_LIFETIME_SECS;
            (not_after - LEAF_LIFETIME_SECS, not_after)
        } else {
            let nb = t - LEAF_BACKDATE_SECS;
            (nb, nb + LEAF_LIFETIME_SECS)
        }
    }

    fn make_leaf(&self, opts: &BundleOptions) -> (x509_cert::Certificate, Vec<u8>) {
        let issuer: &Issued = if opts.has(Fault::CertUntrustedCa) {
            &self.rogue_intermediate
        } else {
            &self.intermediate
        };
        let eku = if opts.has(Fault::CertNotCodeSigning) {
            oid::KP_SERVER_AUTH
        } else {
            oid::KP_CODE_SIGNING
        };
        let (not_before, not_after) = self.leaf_validity(opts);
        let exts = fulcio_leaf_extensions(
            &self.leaf_key.spki_der,
            &issuer.key.spki_der,
            &opts.identity,
            &opts.issuer,
            eku,
        );
        let serial = format!(
            "leaf/{}/{:?}/{:?}",
            opts.integrated_time, opts.identity, opts.fault
        );
        let issuer_ref = IssuerRef::from(issuer);
        let mut t = tbs(
            &serial,
            &issuer_ref,
            x509_cert::name::Name::default(),
            &self.leaf_key.spki_der,
            not_before,
            not_after,
            exts,
        );
        if !opts.has(Fault::NoSct) {
            let precert_der = der::Encode::to_der(&t).expect("tbs encodes");
            let (log_id, key) = match opts.fault {
                Some(Fault::SctBadSignature) => (self.ct.key_id(), &self.rogue_ct),
                Some(Fault::SctUnknownLog) => (self.rogue_ct.key_id(), &self.rogue_ct),
                _ => (self.ct.key_id(), &self.ct),
            };
            let sct = make_sct(
                &SctParams {
                    log_id,
                    key,
                    timestamp_ms: not_before * 1000,
                    issuer_spki_der: &issuer.key.spki_der,
                },
                &precert_der,
            );
            t.extensions
                .as_mut()
                .expect("extensions")
                .push(sct_list_extension(&[sct]));
        }
        sign_tbs(t, &issuer.key)
    }

    fn tlog_entry(&self, opts: &BundleOptions, body: &[u8]) -> Value {
        let log_id = self.rekor.key_id();
        let body_b64 = b64(body);
        let (kind, version) = opts.entry.kind_version();
        let mut entry = Map::new();
        entry.insert("logIndex".into(), json!(opts.log_index.to_string()));
        entry.insert("logId".into(), json!({"keyId": b64(log_id)}));
        entry.insert(
            "kindVersion".into(),
            json!({"kind": kind, "version": version}),
        );
        entry.insert(
            "integratedTime".into(),
            json!(opts.integrated_time.to_string()),
        );
        if opts.with_inclusion_promise {
            let payload = set_payload(&body_b64, opts.integrated_time, &log_id, opts.log_index);
            let key = if opts.has(Fault::SetBadSignature) {
                &self.rogue_rekor
            } else {
                &self.rekor
            };
            entry.insert(
                "inclusionPromise".into(),
                json!({"signedEntryTimestamp": b64(key.sign(payload.as_bytes()))}),
            );
        }
        if opts.with_inclusion_proof {
            assert!(
                opts.tree_size >= 2 && opts.tree_index < opts.tree_size,
                "tree_size must be >= 2 and tree_index < tree_size"
            );
            let tree = MerkleTree::with_entry(
                opts.tree_size as usize,
                opts.tree_index as usize,
                body,
                "rekor",
            );
            let root = tree.root();
            let mut hashes = tree.inclusion_proof(opts.tree_index as usize);
            if opts.has(Fault::InclusionProofBadHash) {
                hashes[0][0] ^= 0x01;
            }
            let checkpoint_root = if opts.has(Fault::CheckpointRootMismatch) {
                MerkleTree::with_entry(
                    opts.tree_size as usize,
                    opts.tree_index as usize,
                    body,
                    "another tree",
                )
                .root()
            } else {
                root
            };
            let origin = if opts.has(Fault::CheckpointWrongOrigin) {
                "rekor.elsewhere.test - 42"
            } else {
                REKOR_ORIGIN
            };
            let note_body = checkpoint_body(origin, opts.tree_size, &checkpoint_root);
            let mut hint: [u8; 4] = log_id[..4].try_into().expect("4 bytes");
            if opts.has(Fault::CheckpointWrongKeyHint) {
                hint[0] ^= 0xff;
            }
            let key = if opts.has(Fault::CheckpointBadSignature) {
                &self.rogue_rekor
            } else {
                &self.rekor
            };
            let note = signed_note(&note_body, &[(REKOR_NAME, hint, key)]);
            entry.insert(
                "inclusionProof".into(),
                json!({
                    "logIndex": opts.tree_index.to_string(),
                    "rootHash": b64(root),
                    "treeSize": opts.tree_size.to_string(),
                    "hashes": hashes.iter().map(b64).collect::<Vec<_>>(),
                    "checkpoint": {"envelope": note},
                }),
            );
        }
        entry.insert("canonicalizedBody".into(), json!(body_b64));
        Value::Object(entry)
    }

    fn timestamp(&self, opts: &BundleOptions, signature: &[u8]) -> Vec<u8> {
        let (signer, key) = match opts.fault {
            Some(Fault::TimestampUntrustedTsa) => (&self.rogue_tsa_leaf, &self.rogue_tsa_leaf.key),
            Some(Fault::TimestampBadSignature) => (&self.tsa_leaf, &self.rogue_tsa_leaf.key),
            _ => (&self.tsa_leaf, &self.tsa_leaf.key),
        };
        let message = if opts.has(Fault::TimestampWrongImprint) {
            OTHER_BYTES
        } else {
            signature
        };
        let gen_time = if opts.has(Fault::TimestampOutsideCertValidity) {
            self.leaf_validity(opts).1 + 60
        } else {
            opts.timestamp_time.unwrap_or(opts.integrated_time)
        };
        timestamp_response(&TimestampParams {
            signer,
            signing_key: key,
            message,
            gen_time,
            embed_cert: opts.tsa_embed_cert,
            ess_cert_id: true,
            serial_label: &format!("tsa/{}/{:?}", opts.integrated_time, opts.fault),
        })
    }
}
