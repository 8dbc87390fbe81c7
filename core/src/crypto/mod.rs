//! The crypto provider: one small internal interface, two backends.
//!
//! * [`Backend::AwsLc`] (feature `aws-lc-rs`, the default): the fastest we measured here.
//! * [`Backend::RustCrypto`] (feature `rustcrypto`): pure Rust, no C compiler, builds for
//!   `wasm32-unknown-unknown`.
//!
//! Everything above this module talks in [`PublicKey`], [`SigScheme`] and [`HashAlg`]; only the
//! backend files name a crypto crate. Which schemes an artifact signature may use (P-384 and
//! P-521 keys: their curve's hash, then SHA-256) is [`PublicKey::artifact_schemes`], the one
//! place of that rule (docs/algorithms.md).

#[cfg(feature = "aws-lc-rs")]
mod aws;
#[cfg(feature = "rustcrypto")]
mod rustcrypto;
pub(crate) mod webpki_algs;

#[cfg(not(any(feature = "aws-lc-rs", feature = "rustcrypto")))]
compile_error!("sigverify needs a crypto backend: enable feature `aws-lc-rs` or `rustcrypto`");

use const_oid::ObjectIdentifier;
use der::Decode;
use spki::SubjectPublicKeyInfoRef;

use crate::error::Error;

/// A crypto backend compiled into this build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// aws-lc-rs (feature `aws-lc-rs`).
    #[cfg(feature = "aws-lc-rs")]
    AwsLc,
    /// RustCrypto: p256/p384/p521, ed25519-dalek, rsa, sha2 (feature `rustcrypto`).
    #[cfg(feature = "rustcrypto")]
    RustCrypto,
}

impl Default for Backend {
    fn default() -> Self {
        #[cfg(feature = "aws-lc-rs")]
        return Backend::AwsLc;
        #[cfg(all(not(feature = "aws-lc-rs"), feature = "rustcrypto"))]
        return Backend::RustCrypto;
    }
}

impl Backend {
    /// Every backend compiled into this build, default first.
    pub fn all() -> &'static [Backend] {
        &[
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc,
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto,
        ]
    }

    /// The backend's name (`aws-lc-rs` or `rustcrypto`).
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc => "aws-lc-rs",
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => "rustcrypto",
        }
    }

    /// Verifies `sig` over `msg` with a raw public key (the SPKI's subjectPublicKey bits).
    pub(crate) fn verify_raw(
        self,
        scheme: SigScheme,
        raw_key: &[u8],
        msg: &[u8],
        sig: &[u8],
    ) -> bool {
        match self {
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc => aws::verify(scheme, raw_key, msg, sig),
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => rustcrypto::verify(scheme, raw_key, msg, sig),
        }
    }

    /// Verifies `sig` over an already computed digest (ECDSA and RSA only).
    pub(crate) fn verify_prehashed_raw(
        self,
        scheme: SigScheme,
        raw_key: &[u8],
        digest: &[u8],
        sig: &[u8],
    ) -> bool {
        match self {
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc => aws::verify_prehashed(scheme, raw_key, digest, sig),
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => rustcrypto::verify_prehashed(scheme, raw_key, digest, sig),
        }
    }

    /// Checks that a raw key is a valid key of its type (point on the curve, sane modulus).
    fn key_is_valid(self, key_type: KeyType, raw_key: &[u8]) -> bool {
        match self {
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc => aws::key_is_valid(key_type, raw_key),
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => rustcrypto::key_is_valid(key_type, raw_key),
        }
    }

    /// Starts a streaming hash.
    pub fn hasher(self, alg: HashAlg) -> Hasher {
        Hasher(match self {
            #[cfg(feature = "aws-lc-rs")]
            Backend::AwsLc => HasherInner::Aws(aws::hasher(alg)),
            #[cfg(feature = "rustcrypto")]
            Backend::RustCrypto => HasherInner::Rc(rustcrypto::hasher(alg)),
        })
    }

    /// One-shot hash.
    pub fn hash(self, alg: HashAlg, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher(alg);
        h.update(data);
        h.finish()
    }

    /// One-shot SHA-256 as a fixed array.
    pub(crate) fn sha256(self, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(&self.hash(HashAlg::Sha256, data));
        out
    }
}

/// A streaming hash, so that callers can hash large artifacts without holding them in memory.
pub struct Hasher(HasherInner);

enum HasherInner {
    #[cfg(feature = "aws-lc-rs")]
    Aws(aws_lc_rs::digest::Context),
    #[cfg(feature = "rustcrypto")]
    Rc(rustcrypto::RcHasher),
}

impl Hasher {
    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            #[cfg(feature = "aws-lc-rs")]
            HasherInner::Aws(c) => c.update(data),
            #[cfg(feature = "rustcrypto")]
            HasherInner::Rc(h) => h.update(data),
        }
    }

    /// The digest.
    pub fn finish(self) -> Vec<u8> {
        match self.0 {
            #[cfg(feature = "aws-lc-rs")]
            HasherInner::Aws(c) => c.finish().as_ref().to_vec(),
            #[cfg(feature = "rustcrypto")]
            HasherInner::Rc(h) => h.finish(),
        }
    }
}

/// Hash algorithms sigverify accepts for artifacts and signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// Output length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// The lower-case name used in digests (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }

    /// Parses `sha256` / `sha384` / `sha512` (as in `sha256:HEX` and in-toto digest sets).
    pub fn from_name(s: &str) -> Option<HashAlg> {
        match s {
            "sha256" => Some(HashAlg::Sha256),
            "sha384" => Some(HashAlg::Sha384),
            "sha512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    /// Parses the protobuf `HashAlgorithm` names (`SHA2_256`, ...).
    pub(crate) fn from_proto(s: &str) -> Option<HashAlg> {
        match s {
            "SHA2_256" => Some(HashAlg::Sha256),
            "SHA2_384" => Some(HashAlg::Sha384),
            "SHA2_512" => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    /// The hash's OID (for RFC 3161 message imprints and CMS).
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<HashAlg> {
        match *oid {
            const_oid::db::rfc5912::ID_SHA_256 => Some(HashAlg::Sha256),
            const_oid::db::rfc5912::ID_SHA_384 => Some(HashAlg::Sha384),
            const_oid::db::rfc5912::ID_SHA_512 => Some(HashAlg::Sha512),
            _ => None,
        }
    }
}

/// The kinds of public key sigverify accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyType {
    P256,
    P384,
    P521,
    Ed25519,
    Rsa,
}

/// Signature schemes: a key type with a hash and a padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SigScheme {
    EcdsaP256Sha256,
    EcdsaP256Sha384,
    EcdsaP384Sha256,
    EcdsaP384Sha384,
    /// Only for artifact signatures of older clients (see [`PublicKey::artifact_schemes`]).
    EcdsaP521Sha256,
    EcdsaP521Sha512,
    Ed25519,
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    RsaPssSha256,
    RsaPssSha384,
    RsaPssSha512,
}

impl SigScheme {
    pub(crate) fn key_type(self) -> KeyType {
        use SigScheme::*;
        match self {
            EcdsaP256Sha256 | EcdsaP256Sha384 => KeyType::P256,
            EcdsaP384Sha256 | EcdsaP384Sha384 => KeyType::P384,
            EcdsaP521Sha256 | EcdsaP521Sha512 => KeyType::P521,
            Ed25519 => KeyType::Ed25519,
            RsaPkcs1Sha256 | RsaPkcs1Sha384 | RsaPkcs1Sha512 | RsaPssSha256 | RsaPssSha384
            | RsaPssSha512 => KeyType::Rsa,
        }
    }

    /// The hash the scheme applies to the message (`None` for Ed25519, which hashes internally).
    pub(crate) fn hash(self) -> Option<HashAlg> {
        use SigScheme::*;
        match self {
            EcdsaP256Sha256 | EcdsaP384Sha256 | EcdsaP521Sha256 | RsaPkcs1Sha256 | RsaPssSha256 => {
                Some(HashAlg::Sha256)
            }
            EcdsaP256Sha384 | EcdsaP384Sha384 | RsaPkcs1Sha384 | RsaPssSha384 => {
                Some(HashAlg::Sha384)
            }
            EcdsaP521Sha512 | RsaPkcs1Sha512 | RsaPssSha512 => Some(HashAlg::Sha512),
            Ed25519 => None,
        }
    }

    /// The scheme named by an X.509 / CMS signature AlgorithmIdentifier OID, for a key type.
    /// RSA-PSS parameters are not inspected here: PSS is accepted only with matching MGF1
    /// hashes, which the backends enforce by construction (salt = hash length).
    pub(crate) fn from_signature_oid(oid: &ObjectIdentifier, key: KeyType) -> Option<SigScheme> {
        use const_oid::db::{rfc5912, rfc8410};
        use SigScheme::*;
        Some(match (*oid, key) {
            (rfc5912::ECDSA_WITH_SHA_256, KeyType::P256) => EcdsaP256Sha256,
            (rfc5912::ECDSA_WITH_SHA_384, KeyType::P256) => EcdsaP256Sha384,
            (rfc5912::ECDSA_WITH_SHA_256, KeyType::P384) => EcdsaP384Sha256,
            (rfc5912::ECDSA_WITH_SHA_384, KeyType::P384) => EcdsaP384Sha384,
            (rfc5912::ECDSA_WITH_SHA_512, KeyType::P521) => EcdsaP521Sha512,
            (rfc8410::ID_ED_25519, KeyType::Ed25519) => Ed25519,
            (rfc5912::SHA_256_WITH_RSA_ENCRYPTION, KeyType::Rsa) => RsaPkcs1Sha256,
            (rfc5912::SHA_384_WITH_RSA_ENCRYPTION, KeyType::Rsa) => RsaPkcs1Sha384,
            (rfc5912::SHA_512_WITH_RSA_ENCRYPTION, KeyType::Rsa) => RsaPkcs1Sha512,
            _ => return None,
        })
    }

    /// CMS SignerInfos may name the bare key algorithm (e.g. `id-ecPublicKey` or
    /// `rsaEncryption`) plus a separate digest algorithm.
    pub(crate) fn from_key_and_digest(key: KeyType, digest: HashAlg) -> Option<SigScheme> {
        use SigScheme::*;
        Some(match (key, digest) {
            (KeyType::P256, HashAlg::Sha256) => EcdsaP256Sha256,
            (KeyType::P256, HashAlg::Sha384) => EcdsaP256Sha384,
            (KeyType::P384, HashAlg::Sha256) => EcdsaP384Sha256,
            (KeyType::P384, HashAlg::Sha384) => EcdsaP384Sha384,
            (KeyType::P521, HashAlg::Sha512) => EcdsaP521Sha512,
            (KeyType::Rsa, HashAlg::Sha256) => RsaPkcs1Sha256,
            (KeyType::Rsa, HashAlg::Sha384) => RsaPkcs1Sha384,
            (KeyType::Rsa, HashAlg::Sha512) => RsaPkcs1Sha512,
            _ => return None,
        })
    }
}

/// A parsed and validated public key (from a SubjectPublicKeyInfo).
#[derive(Clone, Debug)]
pub(crate) struct PublicKey {
    key_type: KeyType,
    /// The subjectPublicKey bits: an uncompressed EC point, a raw Ed25519 key or a PKCS#1
    /// RSAPublicKey.
    raw: Vec<u8>,
    /// The whole SubjectPublicKeyInfo DER, as given.
    spki_der: Vec<u8>,
    /// The key parsed once by aws-lc-rs for its default scheme, so that keys of the trusted
    /// root (log, CT, CA keys) are not re-parsed for every signature.
    #[cfg(feature = "aws-lc-rs")]
    parsed: Option<std::sync::Arc<aws_lc_rs::signature::ParsedPublicKey>>,
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.key_type == other.key_type && self.raw == other.raw
    }
}

impl Eq for PublicKey {}

// RFC 5480 §2.1.1.1 named curves.
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

impl PublicKey {
    /// Parses and validates a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    pub(crate) fn from_spki_der(der: &[u8], backend: Backend) -> Result<PublicKey, Error> {
        let bad = |reason: String| Error::InvalidCertificate {
            which: "public key".into(),
            reason,
        };
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| bad(format!("not a DER SubjectPublicKeyInfo: {e}")))?;
        let raw = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| bad("public key BIT STRING has unused bits".into()))?
            .to_vec();
        let alg = spki.algorithm.oid;
        let key_type = if alg == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
            let curve = spki
                .algorithm
                .parameters
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or_else(|| bad("EC key without a named curve".into()))?;
            match curve {
                c if c == SECP256R1 => KeyType::P256,
                c if c == SECP384R1 => KeyType::P384,
                c if c == SECP521R1 => KeyType::P521,
                c => return Err(bad(format!("unsupported EC curve {c}"))),
            }
        } else if alg == const_oid::db::rfc8410::ID_ED_25519 {
            if spki.algorithm.parameters.is_some() {
                return Err(bad(
                    "Ed25519 key with parameters (RFC 8410 §3 forbids)".into()
                ));
            }
            KeyType::Ed25519
        } else if alg == const_oid::db::rfc5912::RSA_ENCRYPTION {
            let bits = rsa_modulus_bits(&raw)
                .ok_or_else(|| bad("RSA key is not a DER RSAPublicKey".into()))?;
            if !(2048..=4096).contains(&bits) {
                return Err(bad(format!(
                    "RSA modulus of {bits} bits; accepted: 2048 to 4096"
                )));
            }
            KeyType::Rsa
        } else {
            return Err(bad(format!("unsupported public key algorithm {alg}")));
        };
        #[cfg_attr(not(feature = "aws-lc-rs"), allow(unused_mut))]
        let mut key = PublicKey {
            key_type,
            raw,
            spki_der: der.to_vec(),
            #[cfg(feature = "aws-lc-rs")]
            parsed: None,
        };
        // With aws-lc-rs, parsing the key for its default scheme is the validity check too
        // (the key is parsed once); other backends check it their own way.
        #[cfg(feature = "aws-lc-rs")]
        if backend == Backend::AwsLc {
            key.parsed = aws::parse(key.default_scheme(), &key.raw).map(std::sync::Arc::new);
            if key.parsed.is_none() {
                return Err(bad(format!("invalid {key_type:?} public key")));
            }
            return Ok(key);
        }
        if !backend.key_is_valid(key_type, &key.raw) {
            return Err(bad(format!("invalid {key_type:?} public key")));
        }
        Ok(key)
    }

    pub(crate) fn key_type(&self) -> KeyType {
        self.key_type
    }

    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }

    /// The scheme a bare signature with this key means, per the Sigstore algorithm registry:
    /// ECDSA with the curve's hash, Ed25519, RSA PKCS#1 v1.5 with SHA-256.
    pub(crate) fn default_scheme(&self) -> SigScheme {
        match self.key_type {
            KeyType::P256 => SigScheme::EcdsaP256Sha256,
            KeyType::P384 => SigScheme::EcdsaP384Sha384,
            KeyType::P521 => SigScheme::EcdsaP521Sha512,
            KeyType::Ed25519 => SigScheme::Ed25519,
            KeyType::Rsa => SigScheme::RsaPkcs1Sha256,
        }
    }

    /// The schemes an artifact signature by this key (a message signature, or a DSSE signature
    /// over PAE bytes) may use, in the order they are tried: the default scheme first; then,
    /// with `sha256_compat`, ECDSA over SHA-256 for P-384 and P-521 keys.
    ///
    /// Older clients (sigstore-python 1.x, cosign) signed with P-384 and P-521 keys over a
    /// SHA-256 digest, and Rekor logged `sha256`; sigstore-go accepts them for bundles v0.1 to
    /// v0.3 (its compatibility verifier: the key's default hash, then SHA-256), and so do we.
    /// Accepting both hashes lets no signature stand for another message: ECDSA signs the
    /// digest as an integer modulo the curve order (FIPS 186-5 §6.4.1), which would have to be
    /// both a SHA-256 digest (below 2^256) and a SHA-384 (P-384) or SHA-512 (P-521) one, a
    /// chance of 2^-128 or 2^-256 per message tried. P-256 keys have no fallback. Certificate,
    /// log, CT and timestamp signatures never use this: they name their algorithm.
    pub(crate) fn artifact_schemes(&self, sha256_compat: bool) -> &'static [SigScheme] {
        use SigScheme::*;
        let all: &'static [SigScheme] = match self.key_type {
            KeyType::P256 => &[EcdsaP256Sha256],
            KeyType::P384 => &[EcdsaP384Sha384, EcdsaP384Sha256],
            KeyType::P521 => &[EcdsaP521Sha512, EcdsaP521Sha256],
            KeyType::Ed25519 => &[Ed25519],
            KeyType::Rsa => &[RsaPkcs1Sha256],
        };
        if sha256_compat {
            all
        } else {
            all.get(..1).unwrap_or(all)
        }
    }

    /// The key's curve or algorithm, for messages (`ECDSA P-384`).
    pub(crate) fn describe(&self) -> &'static str {
        match self.key_type {
            KeyType::P256 => "ECDSA P-256",
            KeyType::P384 => "ECDSA P-384",
            KeyType::P521 => "ECDSA P-521",
            KeyType::Ed25519 => "Ed25519",
            KeyType::Rsa => "RSA",
        }
    }

    /// Verifies with an explicit scheme; the scheme must fit the key.
    pub(crate) fn verify(
        &self,
        backend: Backend,
        scheme: SigScheme,
        msg: &[u8],
        sig: &[u8],
    ) -> bool {
        if scheme.key_type() != self.key_type {
            return false;
        }
        #[cfg(feature = "aws-lc-rs")]
        if let (Backend::AwsLc, Some(parsed)) = (backend, &self.parsed) {
            if scheme == self.default_scheme() {
                return parsed.verify_sig(msg, sig).is_ok();
            }
        }
        backend.verify_raw(scheme, &self.raw, msg, sig)
    }

    /// Verifies against a precomputed digest; Ed25519 cannot (returns false).
    pub(crate) fn verify_prehashed(
        &self,
        backend: Backend,
        scheme: SigScheme,
        digest: &[u8],
        sig: &[u8],
    ) -> bool {
        scheme.key_type() == self.key_type
            && scheme
                .hash()
                .is_some_and(|h| h.digest_len() == digest.len())
            && backend.verify_prehashed_raw(scheme, &self.raw, digest, sig)
    }
}

/// Bit length of the modulus of a DER RSAPublicKey (RFC 8017 A.1.1).
fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    #[derive(der::Sequence)]
    struct RsaPublicKey<'a> {
        modulus: der::asn1::UintRef<'a>,
        public_exponent: der::asn1::UintRef<'a>,
    }
    let k = RsaPublicKey::from_der(pkcs1).ok()?;
    let m = k.modulus.as_bytes();
    let first = *m.first()?;
    let _ = k.public_exponent;
    Some((m.len() - 1) * 8 + (8 - first.leading_zeros() as usize))
}
