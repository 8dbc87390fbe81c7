//! Bundles: options, faults and the assembly of a complete, consistently signed bundle.

use serde_json::{json, Map, Value};

use crate::ct::{make_sct, sct_list_extension, SctParams};
use crate::dsse::{envelope, pae, statement_for, INTOTO_PAYLOAD_TYPE};
use crate::instance::Instance;
use crate::keys::{EcKey, Ecdsa, EcdsaKey, EdKey, HashKind};
use crate::log::{
    checkpoint_body, dsse_body, dsse_v2_body, hashedrekord_body_with, hashedrekord_v2_body_with,
    intoto_body, set_payload, signed_note_lines, MerkleTree, V2Verifier, REKOR_ORIGIN,
    REKOR_V2_ORIGIN,
};
use crate::tsa::{timestamp_response, TimestampParams};
use crate::util::{b64, pem, sha256};
use crate::witness::FUTURE_COSIGNATURE_TIME;
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

/// The Rekor v2 entry type (`BundleOptions::rekor_v2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RekorV2Entry {
    /// hashedrekord 0.0.2: for a message signature, the artifact's digest; for a DSSE
    /// envelope, the digest of its PAE bytes (what Rekor v2 clients log today).
    HashedRekord002,
    /// dsse 0.0.2 (DSSE envelopes): payload hash and signatures with their verifiers.
    Dsse002,
}

impl RekorV2Entry {
    fn kind_version(self) -> (&'static str, &'static str) {
        match self {
            RekorV2Entry::HashedRekord002 => ("hashedrekord", "0.0.2"),
            RekorV2Entry::Dsse002 => ("dsse", "0.0.2"),
        }
    }
}

/// Which of the instance's logs an entry is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rekor {
    /// The Rekor v1 log (ECDSA P-256; `rekor.sigverify.test`).
    V1,
    /// The Rekor v2 log (Ed25519; `log2025-1.rekor.sigverify.test`).
    V2,
}

/// A managed (non-Fulcio) signing key, for `publicKey` bundles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ManagedKey {
    /// The managed ECDSA key: P-256 / SHA-256 ([`Instance::managed_key_pem`]) by default, or
    /// the curve and hash of [`BundleOptions::ecdsa`] ([`Instance::managed_ecdsa_key_pem`]).
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
    /// The checkpoint is validly signed by the log key (under the log's key name), but its
    /// origin is not the log's: for Rekor v1 `rekor.elsewhere.test` (not `<hostname> - <tree
    /// id>`), for Rekor v2 `log2025-1.rekor.elsewhere.test` (not the log's host).
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
            SetBadSignature => {
                opts.with_tlog && opts.with_inclusion_promise && opts.rekor_v2.is_none()
            }
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

/// One broken thing in a log entry, beyond [`Fault`] (a separate enum, so that code matching
/// every [`Fault`] keeps compiling). Like a fault, it breaks exactly one check of the first
/// (primary) log entry; everything else is valid and consistently signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFault {
    /// Rekor v2: the entry's `logIndex` is another leaf of the tree than
    /// `inclusionProof.logIndex` (the proof is valid for its own index).
    ProofLogIndexMismatch,
    /// The checkpoint is validly signed over the proof's root hash, but its tree size is one
    /// more than the proof's `treeSize`.
    CheckpointSizeMismatch,
    /// The logged body names another signer than the bundle: the intermediate CA certificate
    /// (certificate bundles) or an unrelated key (managed-key bundles). Digest and signature
    /// are the bundle's; SET, proof and checkpoint are valid over that body.
    VerifierMismatch,
    /// The last cosigner's line has the right name, key hint and timestamp, but its signature
    /// is by another key. Needs `cosigners`.
    CosignatureBadSignature,
    /// The last cosigner's line is replaced by a valid cosignature/v1 from a witness that is not
    /// one of the instance's (`rogue-witness.sigverify.test`). Needs `cosigners`.
    CosignatureUnknownWitness,
    /// The last cosigner's cosignature is validly signed, with a timestamp in the future
    /// ([`FUTURE_COSIGNATURE_TIME`], 2100-01-01). Needs `cosigners`.
    CosignatureFromFuture,
}

impl LogFault {
    /// Every log fault, for table-driven tests.
    pub const ALL: &'static [LogFault] = &[
        LogFault::ProofLogIndexMismatch,
        LogFault::CheckpointSizeMismatch,
        LogFault::VerifierMismatch,
        LogFault::CosignatureBadSignature,
        LogFault::CosignatureUnknownWitness,
        LogFault::CosignatureFromFuture,
    ];

    /// Whether this fault can be expressed in a bundle built with `opts`.
    pub fn applies_to(self, opts: &BundleOptions) -> bool {
        let proof = opts.with_tlog && opts.with_inclusion_proof;
        match self {
            LogFault::ProofLogIndexMismatch => proof && opts.rekor_v2.is_some(),
            LogFault::CheckpointSizeMismatch => proof,
            LogFault::VerifierMismatch => opts.with_tlog,
            LogFault::CosignatureBadSignature
            | LogFault::CosignatureUnknownWitness
            | LogFault::CosignatureFromFuture => proof && !opts.cosigners.is_empty(),
        }
    }
}

/// The TSA signing certificate an RFC 3161 token embeds ([`BundleOptions::tsa_cert`], with
/// `tsa_embed_cert`), in the first timestamp of the bundle. Every variant changes only those
/// bytes of the token: its TSTInfo, signed attributes, SignerInfo (which names the TSA's
/// certificate by issuer and serial number) and signature are the valid token's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TsaCert {
    /// The TSA's signing certificate, as the trusted root lists it.
    #[default]
    Genuine,
    /// The TSA certificate with one byte of its validity changed: notAfter 2041 instead of
    /// 2040. Still DER, and valid at genTime; its signature by the TSA root no longer verifies.
    ValidityChanged,
    /// The TSA certificate with one byte of its validity changed so that it is no longer DER:
    /// the closing `Z` of its notAfter is `[`.
    ValidityMalformed,
    /// The TSA certificate with the last byte of its signature changed (still DER).
    SignatureChanged,
    /// Another certificate in its place: the TSA certificate's issuer name, serial number,
    /// subject, key and extensions (so the SignerInfo names it and the token's signature
    /// verifies with its key), valid 2020..2045, issued by a lookalike of the TSA root (its
    /// name, another key; [`Instance::lookalike_tsa_root_der`]).
    Lookalike,
    /// A re-issue of the TSA certificate by the trusted TSA root: the same issuer name, serial
    /// number, subject, key and extensions, valid 2024..2030 (genTime inside), its own
    /// signature. Not the trusted root's copy, but issued by its issuer: it verifies.
    Reissued,
}

/// A certificate the first token embeds besides the signer's, which its SignerInfo does not
/// name ([`BundleOptions::tsa_other_cert`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherTsaCert {
    /// The rogue TSA's signing certificate (DER, unrelated to the trusted TSA).
    Unrelated,
    /// The TSA root's certificate with the closing `Z` of its notAfter changed to `[` (not
    /// DER).
    Malformed,
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
    /// Rekor v1 entry type; must suit `content` (hashedrekord for message signatures,
    /// dsse/intoto for DSSE). Ignored for the first entry when `rekor_v2` is set.
    pub entry: EntryKind,
    /// Log the (first) entry in the Rekor v2 log, with this entry type, instead of the v1 log.
    /// A v2 entry has no integratedTime and no inclusion promise (whatever
    /// `with_inclusion_promise` says); its `logIndex` equals `inclusionProof.logIndex`
    /// (`tree_index`); its checkpoint is signed with the log's Ed25519 key.
    pub rekor_v2: Option<RekorV2Entry>,
    /// Further entries for the same signature, after the first, each in the given log: in the
    /// same log as the first entry it is logged again at another index (counts once towards a
    /// log threshold); in the other log it counts as a second log. v1 entries use `entry` (or
    /// dsse 0.0.1 when `entry` does not suit the content), v2 entries `rekor_v2` (or
    /// hashedrekord 0.0.2). Faults apply to the first entry only.
    pub extra_tlog_entries: Vec<Rekor>,
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
    /// Witnesses (indices into the instance's, see [`Instance::witness_vkey`]) that cosign
    /// every checkpoint of the bundle, one `cosignature/v1` line each, in this order (an index
    /// may repeat).
    pub cosigners: Vec<usize>,
    /// The origin of every checkpoint of the first entry's log, instead of the log's own
    /// ([`REKOR_ORIGIN`] or
    /// [`REKOR_V2_ORIGIN`]), e.g. a private Rekor v1 deployment's
    /// `rekor-server-7d9f8 - 1234567`. The log's signature line is named after its part before
    /// the last ` - ` (Rekor v1 signs with its hostname), or the whole origin; the key hint and
    /// key are the log's.
    pub checkpoint_origin: Option<String>,
    /// Timestamp of the cosignatures (default: `integrated_time`).
    pub cosignature_time: Option<u64>,
    /// Further RFC 3161 timestamps (genTimes), from the trusted TSA, after the first one (which
    /// `with_timestamp` adds). Faults apply to the first timestamp only.
    pub extra_timestamps: Vec<u64>,
    /// Embed an SCT in the leaf certificate (false: no SCT list extension, as GitHub's
    /// instance issues them).
    pub with_sct: bool,
    /// Embed the TSA certificate in the timestamp token.
    pub tsa_embed_cert: bool,
    /// Which certificate the first token embeds as the TSA's (with `tsa_embed_cert`).
    pub tsa_cert: TsaCert,
    /// A certificate the first token embeds besides the TSA's (with `with_timestamp`).
    pub tsa_other_cert: Option<OtherTsaCert>,
    /// Override the timestamp genTime (default: `integrated_time`).
    pub timestamp_time: Option<u64>,
    /// Sign with a managed key (`publicKey` bundle) instead of a Fulcio certificate.
    pub managed_key: Option<ManagedKey>,
    /// Curve and hash of the ECDSA key that signs: the Fulcio leaf's key, or the managed key of
    /// `ManagedKey::P256` (ignored for Ed25519). The messageDigest and the logged artifact
    /// digest (hashedrekord) use its hash. Default: P-256 over SHA-256.
    pub ecdsa: Ecdsa,
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
    /// A log fault to apply (in addition to `fault`, normally instead of it).
    pub log_fault: Option<LogFault>,
}

impl Default for BundleOptions {
    fn default() -> Self {
        BundleOptions {
            version: BundleVersion::V03,
            content: Content::MessageSignature,
            entry: EntryKind::HashedRekord001,
            rekor_v2: None,
            extra_tlog_entries: Vec::new(),
            integrated_time: DEFAULT_INTEGRATED_TIME,
            identity: Identity::Uri(DEFAULT_IDENTITY.to_string()),
            issuer: DEFAULT_ISSUER.to_string(),
            with_timestamp: true,
            with_tlog: true,
            with_inclusion_promise: true,
            with_inclusion_proof: true,
            cosigners: Vec::new(),
            checkpoint_origin: None,
            cosignature_time: None,
            extra_timestamps: Vec::new(),
            with_sct: true,
            tsa_embed_cert: true,
            tsa_cert: TsaCert::Genuine,
            tsa_other_cert: None,
            timestamp_time: None,
            managed_key: None,
            ecdsa: Ecdsa::P256Sha256,
            artifact_name: DEFAULT_ARTIFACT_NAME.to_string(),
            dsse_payload: None,
            tree_size: 40,
            tree_index: 23,
            log_index: 7_000_023,
            fault: None,
            log_fault: None,
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

    /// A v0.3 bundle whose entry is in the Rekor v2 log, with an RFC 3161 timestamp (which
    /// Rekor v2 needs): `content` with `kind` (hashedrekord 0.0.2 suits both contents, dsse
    /// 0.0.2 only DSSE).
    pub fn rekor_v2(content: Content, kind: RekorV2Entry) -> BundleOptions {
        BundleOptions {
            content,
            entry: match content {
                Content::MessageSignature => EntryKind::HashedRekord001,
                Content::Dsse => EntryKind::Dsse001,
            },
            rekor_v2: Some(kind),
            with_inclusion_promise: false,
            ..BundleOptions::default()
        }
    }

    /// A GitHub-style bundle (private-repository attestations): v0.3, no transparency log
    /// entry, a leaf without SCT, and an RFC 3161 timestamp. Verify it against
    /// [`Instance::github_trusted_root`].
    pub fn github() -> BundleOptions {
        BundleOptions {
            with_tlog: false,
            with_sct: false,
            ..BundleOptions::default()
        }
    }

    /// These options with `fault` set.
    pub fn with_fault(mut self, fault: Fault) -> BundleOptions {
        self.fault = Some(fault);
        self
    }

    /// These options with `log_fault` set.
    pub fn with_log_fault(mut self, fault: LogFault) -> BundleOptions {
        self.log_fault = Some(fault);
        self
    }

    fn has_log(&self, f: LogFault) -> bool {
        self.log_fault == Some(f)
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
    /// The canonicalized tlog body of the first entry (None without a tlog entry).
    pub tlog_body: Option<Vec<u8>>,
    /// The canonicalized bodies of every tlog entry, in order.
    pub tlog_bodies: Vec<Vec<u8>>,
    /// The signature bytes (message signature or DSSE signature).
    pub signature: Vec<u8>,
    /// The DSSE payload (None for message signatures).
    pub dsse_payload: Option<Vec<u8>>,
}

enum Signer<'a> {
    Ec(&'a EcKey),
    Ed(&'a EdKey),
    /// Another curve or hash than P-256 / SHA-256 (`BundleOptions::ecdsa`).
    Ecdsa(Box<EcdsaKey>, HashKind),
}

impl Signer<'_> {
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Signer::Ec(k) => k.sign(msg),
            Signer::Ed(k) => k.sign(msg),
            Signer::Ecdsa(k, hash) => k.sign(*hash, msg),
        }
    }
}

/// The kind of one log entry, v1 or v2.
#[derive(Clone, Copy, Debug)]
enum Spec {
    V1(EntryKind),
    V2(RekorV2Entry),
}

impl Spec {
    fn suits(self, content: Content) -> bool {
        matches!(
            (self, content),
            (
                Spec::V1(EntryKind::HashedRekord001),
                Content::MessageSignature
            ) | (
                Spec::V1(EntryKind::Dsse001 | EntryKind::Intoto002),
                Content::Dsse
            ) | (Spec::V2(RekorV2Entry::HashedRekord002), _)
                | (Spec::V2(RekorV2Entry::Dsse002), Content::Dsse)
        )
    }

    fn kind_version(self) -> (&'static str, &'static str) {
        match self {
            Spec::V1(k) => k.kind_version(),
            Spec::V2(k) => k.kind_version(),
        }
    }
}

/// What a log entry records about the bundle.
struct Logged {
    signature: Vec<u8>,
    /// The hash the signature is over (the artifact's digest is logged with it).
    hash: HashKind,
    /// That digest of the artifact.
    digest: Vec<u8>,
    /// DSSE: the envelope's payload (None for message signatures).
    payload: Option<Vec<u8>>,
    envelope_type: &'static str,
    /// The signer as a v1 body names it (PEM certificate or public key).
    signer_pem: String,
    /// The signer as a v2 body names it (DER certificate or SPKI), with its keyDetails.
    signer_der: Vec<u8>,
    key_details: &'static str,
    signer_is_key: bool,
}

/// Where an entry sits in its log.
#[derive(Clone, Copy)]
struct Placement {
    tree_size: u64,
    tree_index: u64,
    log_index: u64,
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
        if let Some(f) = opts.log_fault {
            assert!(
                f.applies_to(opts),
                "log fault {f:?} cannot be expressed with these bundle options"
            );
        }
        let primary = match opts.rekor_v2 {
            Some(k) => Spec::V2(k),
            None => Spec::V1(opts.entry),
        };
        assert!(
            primary.suits(opts.content),
            "entry kind {primary:?} does not suit {:?}",
            opts.content
        );
        assert!(
            opts.tsa_cert == TsaCert::Genuine || (opts.with_timestamp && opts.tsa_embed_cert),
            "tsa_cert {:?} needs with_timestamp and tsa_embed_cert",
            opts.tsa_cert
        );
        assert!(
            opts.tsa_other_cert.is_none() || opts.with_timestamp,
            "tsa_other_cert needs with_timestamp"
        );
        assert!(
            opts.cosigners.iter().all(|&w| w < self.witnesses.len()),
            "cosigners index the instance's {} witnesses",
            self.witnesses.len()
        );

        // --- signer and verification material ---------------------------------------------
        let other_ecdsa = self.other_ecdsa_key(opts);
        let (signer, leaf_der, public_pem, hint) = match (opts.managed_key, other_ecdsa) {
            (None, other) => {
                let (_, der) = self.make_leaf(opts);
                let p = pem("CERTIFICATE", &der);
                let signer = match other {
                    Some(k) => Signer::Ecdsa(Box::new(k), opts.ecdsa.hash()),
                    None => Signer::Ec(&self.leaf_key),
                };
                (signer, Some(der), p, None)
            }
            (Some(ManagedKey::P256), Some(k)) => {
                let (p, h) = (k.spki_pem(), b64(sha256(&k.spki_der)));
                (
                    Signer::Ecdsa(Box::new(k), opts.ecdsa.hash()),
                    None,
                    p,
                    Some(h),
                )
            }
            (Some(ManagedKey::P256), None) => (
                Signer::Ec(&self.managed_p256),
                None,
                self.managed_p256.spki_pem(),
                Some(b64(sha256(&self.managed_p256.spki_der))),
            ),
            (Some(ManagedKey::Ed25519), _) => (
                Signer::Ed(&self.managed_ed25519),
                None,
                pem("PUBLIC KEY", &self.managed_ed25519.spki_der),
                Some(b64(sha256(&self.managed_ed25519.spki_der))),
            ),
        };
        let ed25519 = opts.managed_key == Some(ManagedKey::Ed25519);
        let (signer_der, key_details) = match (&leaf_der, ed25519, &signer) {
            (Some(der), _, _) => (der.clone(), opts.ecdsa.key_details()),
            (None, true, _) => (self.managed_ed25519.spki_der.clone(), "PKIX_ED25519"),
            (None, false, Signer::Ecdsa(k, _)) => (k.spki_der.clone(), opts.ecdsa.key_details()),
            (None, false, _) => (
                self.managed_p256.spki_der.clone(),
                "PKIX_ECDSA_P256_SHA_256",
            ),
        };
        // The artifact's digest, in the hash the signature is over (Ed25519: SHA-256).
        let hash = if ed25519 {
            HashKind::Sha256
        } else {
            opts.ecdsa.hash()
        };
        let artifact_digest = hash.digest(artifact);

        // --- content ------------------------------------------------------------------------
        let mut content = Map::new();
        let signature: Vec<u8>;
        let mut dsse_payload = None;
        let mut envelope_type = INTOTO_PAYLOAD_TYPE;
        match opts.content {
            Content::MessageSignature => {
                let signed: &[u8] = if opts.has(Fault::ArtifactSignature) {
                    OTHER_BYTES
                } else {
                    artifact
                };
                signature = signer.sign(signed);
                content.insert(
                    "messageSignature".into(),
                    json!({
                        "messageDigest": {"algorithm": hash.proto_name(), "digest": b64(&artifact_digest)},
                        "signature": b64(&signature),
                    }),
                );
            }
            Content::Dsse => {
                let payload = match (&opts.dsse_payload, opts.has(Fault::DsseSubjectMismatch)) {
                    (_, true) => statement_for(&opts.artifact_name, OTHER_BYTES),
                    (Some(p), false) => p.clone(),
                    (None, false) => statement_for(&opts.artifact_name, artifact),
                };
                if opts.has(Fault::DsseWrongPayloadType) {
                    envelope_type = "application/json";
                }
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
                dsse_payload = Some(payload);
            }
        }
        let logged = Logged {
            signature: signature.clone(),
            hash,
            digest: artifact_digest,
            payload: dsse_payload.clone(),
            envelope_type,
            signer_pem: public_pem,
            signer_der,
            key_details,
            signer_is_key: leaf_der.is_none(),
        };

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
        let mut entries = Vec::new();
        let mut tlog_bodies = Vec::new();
        if opts.with_tlog {
            let v1_kind = if Spec::V1(opts.entry).suits(opts.content) {
                opts.entry
            } else {
                EntryKind::Dsse001
            };
            let v2_kind = opts.rekor_v2.unwrap_or(RekorV2Entry::HashedRekord002);
            let first = Placement {
                tree_size: opts.tree_size,
                tree_index: opts.tree_index,
                log_index: match primary {
                    Spec::V1(_) => opts.log_index,
                    Spec::V2(_) => opts.tree_index,
                },
            };
            let mut specs = vec![(primary, first)];
            for (i, log) in opts.extra_tlog_entries.iter().enumerate() {
                let tree_size = opts.tree_size + 1 + i as u64;
                let tree_index = tree_size - 1;
                let (spec, log_index) = match log {
                    Rekor::V1 => (
                        Spec::V1(v1_kind),
                        opts.log_index + (tree_index - opts.tree_index),
                    ),
                    Rekor::V2 => (Spec::V2(v2_kind), tree_index),
                };
                specs.push((
                    spec,
                    Placement {
                        tree_size,
                        tree_index,
                        log_index,
                    },
                ));
            }
            for (i, (spec, at)) in specs.into_iter().enumerate() {
                let is_primary = i == 0;
                let body = self.entry_body(opts, spec, &logged, is_primary);
                entries.push(self.tlog_entry(opts, spec, &body, at, is_primary));
                tlog_bodies.push(body);
            }
        }
        vm.insert("tlogEntries".into(), Value::Array(entries));
        let mut stamps = Vec::new();
        if opts.with_timestamp {
            let ts = self.timestamp(opts, &signature);
            stamps.push(json!({"signedTimestamp": b64(ts)}));
        }
        for (i, &t) in opts.extra_timestamps.iter().enumerate() {
            let ts = timestamp_response(&TimestampParams {
                signer: &self.tsa_leaf,
                signing_key: &self.tsa_leaf.key,
                message: &signature,
                gen_time: t,
                certificates: if opts.tsa_embed_cert {
                    vec![self.tsa_leaf.der.clone()]
                } else {
                    Vec::new()
                },
                ess_cert_id: true,
                serial_label: &format!("tsa/{}/extra/{i}/{t}", opts.integrated_time),
            });
            stamps.push(json!({"signedTimestamp": b64(ts)}));
        }
        if !stamps.is_empty() {
            vm.insert(
                "timestampVerificationData".into(),
                json!({ "rfc3161Timestamps": stamps }),
            );
        }

        let mut bundle = Map::new();
        bundle.insert("mediaType".into(), json!(opts.version.media_type()));
        bundle.insert("verificationMaterial".into(), Value::Object(vm));
        bundle.extend(content);
        BuiltBundle {
            json: Value::Object(bundle),
            leaf_der,
            tlog_body: tlog_bodies.first().cloned(),
            tlog_bodies,
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
        let other_key = self.other_ecdsa_key(opts);
        let leaf_spki = other_key
            .as_ref()
            .map_or(&self.leaf_key.spki_der, |k| &k.spki_der);
        let exts = fulcio_leaf_extensions(
            leaf_spki,
            &issuer.key.spki_der,
            &opts.identity,
            &opts.issuer,
            eku,
        );
        let mut serial = format!(
            "leaf/{}/{:?}/{:?}",
            opts.integrated_time, opts.identity, opts.fault
        );
        if !opts.with_sct {
            serial.push_str("/no-sct");
        }
        if opts.ecdsa != Ecdsa::default() {
            serial.push_str(&format!("/{:?}", opts.ecdsa));
        }
        let issuer_ref = IssuerRef::from(issuer);
        let mut t = tbs(
            &serial,
            &issuer_ref,
            x509_cert::name::Name::default(),
            leaf_spki,
            not_before,
            not_after,
            exts,
        );
        if opts.with_sct && !opts.has(Fault::NoSct) {
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

    /// The ECDSA key that signs when `opts.ecdsa` is not P-256 / SHA-256 (the leaf's, or the
    /// managed key of `ManagedKey::P256`): on P-256 the instance's usual key, on P-384 and
    /// P-521 one derived for that curve. `None`: the usual P-256 key signing SHA-256.
    fn other_ecdsa_key(&self, opts: &BundleOptions) -> Option<EcdsaKey> {
        let name = match opts.managed_key {
            None => "leaf",
            Some(ManagedKey::P256) => "managed/p256",
            Some(ManagedKey::Ed25519) => return None,
        };
        (opts.ecdsa != Ecdsa::default()).then(|| ecdsa_key(name, opts.ecdsa))
    }

    /// The canonicalized body of one entry. Body faults apply to the primary entry only.
    fn entry_body(&self, opts: &BundleOptions, spec: Spec, l: &Logged, primary: bool) -> Vec<u8> {
        let mismatch = primary && opts.has(Fault::TlogBodyMismatch);
        let other_signer = primary && opts.has_log(LogFault::VerifierMismatch);
        let (signer_pem, signer_der, details) = match (other_signer, l.signer_is_key) {
            (false, _) => (l.signer_pem.clone(), l.signer_der.clone(), l.key_details),
            (true, false) => (
                pem("CERTIFICATE", &self.intermediate.der),
                self.intermediate.der.clone(),
                "PKIX_ECDSA_P256_SHA_256",
            ),
            (true, true) => {
                let k = EcKey::derive("managed/unrelated");
                (k.spki_pem(), k.spki_der.clone(), "PKIX_ECDSA_P256_SHA_256")
            }
        };
        let verifier = if l.signer_is_key {
            V2Verifier::PublicKey(&signer_der, details)
        } else {
            V2Verifier::Certificate(&signer_der, details)
        };
        let digest = if mismatch {
            l.hash.digest(OTHER_BYTES)
        } else {
            l.digest.clone()
        };
        let payload = l.payload.as_ref().map(|p| {
            if mismatch {
                statement_for(&opts.artifact_name, OTHER_BYTES)
            } else {
                p.clone()
            }
        });
        let (sig, ty) = (&l.signature, l.envelope_type);
        match (spec, &payload) {
            (Spec::V1(EntryKind::HashedRekord001), None) => {
                hashedrekord_body_with(l.hash.name(), &digest, sig, &signer_pem)
            }
            (Spec::V1(EntryKind::Dsse001), Some(p)) => dsse_body(p, ty, sig, &signer_pem),
            (Spec::V1(EntryKind::Intoto002), Some(p)) => intoto_body(p, ty, sig, &signer_pem),
            (Spec::V2(RekorV2Entry::HashedRekord002), None) => {
                hashedrekord_v2_body_with(l.hash.proto_name(), &digest, sig, verifier)
            }
            // Rekor v2 logs a DSSE envelope as a hashedrekord over its PAE bytes.
            (Spec::V2(RekorV2Entry::HashedRekord002), Some(p)) => {
                let d = l.hash.digest(&pae(ty, p));
                hashedrekord_v2_body_with(l.hash.proto_name(), &d, sig, verifier)
            }
            (Spec::V2(RekorV2Entry::Dsse002), Some(p)) => dsse_v2_body(&sha256(p), sig, verifier),
            (s, _) => panic!("entry kind {s:?} does not suit {:?}", opts.content),
        }
        .into_bytes()
    }

    /// The cosignature lines of one checkpoint: one per `opts.cosigners`; cosignature faults
    /// change the last one, in the primary entry only.
    fn cosignature_lines(
        &self,
        opts: &BundleOptions,
        note_body: &str,
        primary: bool,
    ) -> Vec<(String, Vec<u8>)> {
        let t = opts.cosignature_time.unwrap_or(opts.integrated_time);
        let n = opts.cosigners.len();
        opts.cosigners
            .iter()
            .enumerate()
            .map(|(j, &w)| {
                let witness = &self.witnesses[w];
                let fault = if primary && j + 1 == n {
                    opts.log_fault
                } else {
                    None
                };
                match fault {
                    Some(LogFault::CosignatureBadSignature) => {
                        witness.cosign_with(note_body, t, &self.rogue_witness.key)
                    }
                    Some(LogFault::CosignatureUnknownWitness) => {
                        self.rogue_witness.cosign(note_body, t)
                    }
                    Some(LogFault::CosignatureFromFuture) => {
                        witness.cosign(note_body, FUTURE_COSIGNATURE_TIME)
                    }
                    _ => witness.cosign(note_body, t),
                }
            })
            .collect()
    }

    fn tlog_entry(
        &self,
        opts: &BundleOptions,
        spec: Spec,
        body: &[u8],
        at: Placement,
        primary: bool,
    ) -> Value {
        let fault = |f: Fault| primary && opts.has(f);
        let log_fault = |f: LogFault| primary && opts.has_log(f);
        let v2 = matches!(spec, Spec::V2(_));
        let log_id = if v2 {
            self.rekor_v2_log_id()
        } else {
            self.rekor.key_id()
        };
        let body_b64 = b64(body);
        let (kind, version) = spec.kind_version();
        let entry_index = if v2 && log_fault(LogFault::ProofLogIndexMismatch) {
            if at.tree_index > 0 {
                at.tree_index - 1
            } else {
                at.tree_index + 1
            }
        } else {
            at.log_index
        };
        let mut entry = Map::new();
        entry.insert("logIndex".into(), json!(entry_index.to_string()));
        entry.insert("logId".into(), json!({"keyId": b64(log_id)}));
        entry.insert(
            "kindVersion".into(),
            json!({"kind": kind, "version": version}),
        );
        // Rekor v2 entries carry neither an integrated time nor an inclusion promise.
        if !v2 {
            entry.insert(
                "integratedTime".into(),
                json!(opts.integrated_time.to_string()),
            );
        }
        if !v2 && opts.with_inclusion_promise {
            let payload = set_payload(&body_b64, opts.integrated_time, &log_id, at.log_index);
            let key = if fault(Fault::SetBadSignature) {
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
                at.tree_size >= 2 && at.tree_index < at.tree_size,
                "tree_size must be >= 2 and tree_index < tree_size"
            );
            let salt = if v2 { "rekor-v2" } else { "rekor" };
            let tree =
                MerkleTree::with_entry(at.tree_size as usize, at.tree_index as usize, body, salt);
            let root = tree.root();
            let mut hashes = tree.inclusion_proof(at.tree_index as usize);
            if fault(Fault::InclusionProofBadHash) {
                hashes[0][0] ^= 0x01;
            }
            let checkpoint_root = if fault(Fault::CheckpointRootMismatch) {
                MerkleTree::with_entry(
                    at.tree_size as usize,
                    at.tree_index as usize,
                    body,
                    "another tree",
                )
                .root()
            } else {
                root
            };
            let own = match (&opts.checkpoint_origin, v2 == opts.rekor_v2.is_some()) {
                (Some(o), true) => o.as_str(),
                _ if v2 => REKOR_V2_ORIGIN,
                _ => REKOR_ORIGIN,
            };
            // Rekor v1 signs with its hostname, the origin's part before ` - <tree id>`.
            let name = own.rsplit_once(" - ").map_or(own, |(host, _)| host);
            let origin = match (v2, fault(Fault::CheckpointWrongOrigin)) {
                (false, true) => "rekor.elsewhere.test",
                (true, true) => "log2025-1.rekor.elsewhere.test",
                (_, false) => own,
            };
            let checkpoint_size = if log_fault(LogFault::CheckpointSizeMismatch) {
                at.tree_size + 1
            } else {
                at.tree_size
            };
            let note_body = checkpoint_body(origin, checkpoint_size, &checkpoint_root);
            let mut hint: [u8; 4] = log_id[..4].try_into().expect("4 bytes");
            if fault(Fault::CheckpointWrongKeyHint) {
                hint[0] ^= 0xff;
            }
            let bad_key = fault(Fault::CheckpointBadSignature);
            let key = match (v2, bad_key) {
                (false, false) => Signer::Ec(&self.rekor),
                (false, true) => Signer::Ec(&self.rogue_rekor),
                (true, false) => Signer::Ed(&self.rekor_v2),
                (true, true) => Signer::Ed(&self.rogue_rekor_v2),
            };
            let mut blob = hint.to_vec();
            blob.extend_from_slice(&key.sign(note_body.as_bytes()));
            let mut lines = vec![(name.to_string(), blob)];
            lines.extend(self.cosignature_lines(opts, &note_body, primary));
            let note = signed_note_lines(&note_body, &lines);
            entry.insert(
                "inclusionProof".into(),
                json!({
                    "logIndex": at.tree_index.to_string(),
                    "rootHash": b64(root),
                    "treeSize": at.tree_size.to_string(),
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
        let mut certificates = Vec::new();
        if opts.tsa_embed_cert {
            certificates.push(self.embedded_tsa_cert(opts.tsa_cert, signer));
        }
        match opts.tsa_other_cert {
            Some(OtherTsaCert::Unrelated) => certificates.push(self.rogue_tsa_leaf.der.clone()),
            Some(OtherTsaCert::Malformed) => {
                certificates.push(change_not_after(&self.tsa_root.der, 14));
            }
            None => {}
        }
        timestamp_response(&TimestampParams {
            signer,
            signing_key: key,
            message,
            gen_time,
            certificates,
            ess_cert_id: true,
            serial_label: &format!("tsa/{}/{:?}", opts.integrated_time, opts.fault),
        })
    }

    /// The certificate a token signed by `signer` embeds as its signer's (see [`TsaCert`]).
    fn embedded_tsa_cert(&self, which: TsaCert, signer: &Issued) -> Vec<u8> {
        match which {
            TsaCert::Genuine => signer.der.clone(),
            TsaCert::ValidityChanged => change_not_after(&signer.der, 3),
            TsaCert::ValidityMalformed => change_not_after(&signer.der, 14),
            TsaCert::SignatureChanged => {
                let mut der = signer.der.clone();
                *der.last_mut().expect("a certificate") ^= 0x01;
                der
            }
            TsaCert::Lookalike => {
                let lookalike_root = self.lookalike_tsa_root();
                let mut tbs = signer.cert.tbs_certificate.clone();
                tbs.validity.not_after = crate::x509::time(LOOKALIKE_TSA_NOT_AFTER);
                sign_tbs(tbs, &lookalike_root.key).1
            }
            TsaCert::Reissued => {
                let mut tbs = signer.cert.tbs_certificate.clone();
                tbs.validity.not_before = crate::x509::time(REISSUED_TSA_NOT_BEFORE);
                tbs.validity.not_after = crate::x509::time(REISSUED_TSA_NOT_AFTER);
                sign_tbs(tbs, &self.tsa_root.key).1
            }
        }
    }
}

/// notAfter of [`TsaCert::Lookalike`]: 2045-01-01.
const LOOKALIKE_TSA_NOT_AFTER: u64 = 2_366_755_200;
/// Validity of [`TsaCert::Reissued`]: 2024-01-01 ..
const REISSUED_TSA_NOT_BEFORE: u64 = 1_704_067_200;
/// .. 2030-01-01.
const REISSUED_TSA_NOT_AFTER: u64 = 1_893_456_000;

/// `der` (an instance CA or TSA certificate, valid until [`crate::x509::CA_NOT_AFTER`]) with
/// byte `at` of its notAfter UTCTime TLV (`17 0d YYMMDDhhmmssZ`) XORed with 1: 3 turns 2040
/// into 2041, 14 the closing `Z` into `[`.
fn change_not_after(der: &[u8], at: usize) -> Vec<u8> {
    let not_after =
        der::Encode::to_der(&crate::x509::time(crate::x509::CA_NOT_AFTER)).expect("time encodes");
    let i = der
        .windows(not_after.len())
        .position(|w| w == not_after)
        .expect("the certificate's notAfter");
    let mut out = der.to_vec();
    out[i + at] ^= 0x01;
    out
}

/// The key named `name` (`leaf`, `managed/p256`) on `ecdsa`'s curve: on P-256 the instance's
/// key itself, otherwise `<name>/<curve>`.
pub(crate) fn ecdsa_key(name: &str, ecdsa: Ecdsa) -> EcdsaKey {
    use crate::keys::Curve;
    match ecdsa.curve() {
        Curve::P256 => EcdsaKey::derive(name, Curve::P256),
        Curve::P384 => EcdsaKey::derive(&format!("{name}/p384"), Curve::P384),
        Curve::P521 => EcdsaKey::derive(&format!("{name}/p521"), Curve::P521),
    }
}
