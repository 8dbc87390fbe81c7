//! Deterministic keys: every key of the test instance is derived from a fixed label, so two runs
//! (and two machines) produce byte-identical certificates, logs and bundles.

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey;

use crate::util::{pem, sha256};

/// An ECDSA P-256 key with its SubjectPublicKeyInfo.
#[derive(Clone)]
pub struct EcKey {
    /// The signing key (RFC 6979 deterministic signatures).
    pub signing: SigningKey,
    /// DER SubjectPublicKeyInfo of the public key.
    pub spki_der: Vec<u8>,
}

impl EcKey {
    /// The key derived from SHA-256(`"sigverify-testkit/<name>"`) (re-hashed in the astronomically
    /// unlikely case the digest is not a valid scalar).
    pub fn derive(name: &str) -> EcKey {
        let mut seed = sha256(format!("sigverify-testkit/{name}").as_bytes());
        let signing = loop {
            match SigningKey::from_bytes(&seed.into()) {
                Ok(k) => break k,
                Err(_) => seed = sha256(&seed),
            }
        };
        let spki_der = signing
            .verifying_key()
            .to_public_key_der()
            .expect("SPKI encodes")
            .as_bytes()
            .to_vec();
        EcKey { signing, spki_der }
    }

    /// ECDSA-P256-SHA256 over `msg`, DER-encoded.
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        let sig: Signature = self.signing.sign(msg);
        sig.to_der().as_bytes().to_vec()
    }

    /// SHA-256 of the DER SPKI: the Rekor v1 / CT log id of a log using this key.
    pub fn key_id(&self) -> [u8; 32] {
        sha256(&self.spki_der)
    }

    /// PEM `PUBLIC KEY` of the SPKI.
    pub fn spki_pem(&self) -> String {
        pem("PUBLIC KEY", &self.spki_der)
    }
}

/// An Ed25519 key (managed-key bundles, the Rekor v2 log, witnesses).
#[derive(Clone)]
pub struct EdKey {
    /// The signing key.
    pub signing: ed25519_dalek::SigningKey,
    /// DER SubjectPublicKeyInfo of the public key.
    pub spki_der: Vec<u8>,
}

impl EdKey {
    /// The key whose seed is SHA-256(`"sigverify-testkit/<name>"`).
    pub fn derive(name: &str) -> EdKey {
        let signing = ed25519_dalek::SigningKey::from_bytes(&sha256(
            format!("sigverify-testkit/{name}").as_bytes(),
        ));
        let spki_der = signing
            .verifying_key()
            .to_public_key_der()
            .expect("SPKI encodes")
            .as_bytes()
            .to_vec();
        EdKey { signing, spki_der }
    }

    /// The raw 32-byte public key.
    pub fn public_bytes(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// Pure Ed25519 over `msg` (64 bytes).
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
        use ed25519_dalek::Signer as _;
        self.signing.sign(msg).to_bytes().to_vec()
    }
}

/// A hash function, for what an [`EcdsaKey`] signs over and the digests a bundle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashKind {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashKind {
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            HashKind::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashKind::Sha384 => sha2::Sha384::digest(data).to_vec(),
            HashKind::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// The Rekor v1 / in-toto name (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            HashKind::Sha256 => "sha256",
            HashKind::Sha384 => "sha384",
            HashKind::Sha512 => "sha512",
        }
    }

    /// The protobuf-specs `HashAlgorithm` name (`SHA2_256`), as in `messageDigest`.
    pub fn proto_name(self) -> &'static str {
        match self {
            HashKind::Sha256 => "SHA2_256",
            HashKind::Sha384 => "SHA2_384",
            HashKind::Sha512 => "SHA2_512",
        }
    }
}

/// An ECDSA curve.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

/// The curve of the key that signs the artifact (a DSSE bundle: the PAE bytes) and the hash it
/// signs over ([`crate::BundleOptions::ecdsa`]). The bundle's `messageDigest` and the log
/// entry's digest use that hash too, as the clients that made such bundles wrote them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Ecdsa {
    /// P-256 over SHA-256: Fulcio's and every current client's choice.
    #[default]
    P256Sha256,
    /// P-256 over SHA-384: a hash no verifier tries for a P-256 key (it has no fallback).
    P256Sha384,
    /// P-384 over SHA-384, the curve's own hash.
    P384Sha384,
    /// P-384 over SHA-256, as older clients (sigstore-python 1.x, cosign) signed.
    P384Sha256,
    /// P-521 over SHA-512, the curve's own hash.
    P521Sha512,
    /// P-521 over SHA-256, as older clients signed.
    P521Sha256,
}

impl Ecdsa {
    /// The curve.
    pub fn curve(self) -> Curve {
        match self {
            Ecdsa::P256Sha256 | Ecdsa::P256Sha384 => Curve::P256,
            Ecdsa::P384Sha384 | Ecdsa::P384Sha256 => Curve::P384,
            Ecdsa::P521Sha512 | Ecdsa::P521Sha256 => Curve::P521,
        }
    }

    /// The hash signed over.
    pub fn hash(self) -> HashKind {
        match self {
            Ecdsa::P256Sha256 | Ecdsa::P384Sha256 | Ecdsa::P521Sha256 => HashKind::Sha256,
            Ecdsa::P256Sha384 | Ecdsa::P384Sha384 => HashKind::Sha384,
            Ecdsa::P521Sha512 => HashKind::Sha512,
        }
    }

    /// The protobuf-specs `PublicKeyDetails` name a Rekor v2 verifier carries (the SHA-256
    /// variants of P-384 and P-521 are deprecated names there; P-256 over SHA-384 has none).
    pub fn key_details(self) -> &'static str {
        match self {
            Ecdsa::P256Sha256 | Ecdsa::P256Sha384 => "PKIX_ECDSA_P256_SHA_256",
            Ecdsa::P384Sha384 => "PKIX_ECDSA_P384_SHA_384",
            Ecdsa::P384Sha256 => "PKIX_ECDSA_P384_SHA_256",
            Ecdsa::P521Sha512 => "PKIX_ECDSA_P521_SHA_512",
            Ecdsa::P521Sha256 => "PKIX_ECDSA_P521_SHA_256",
        }
    }
}

/// An ECDSA key on any of the three curves, signing over a hash of the caller's choice
/// (RFC 6979 deterministic signatures).
#[derive(Clone)]
pub struct EcdsaKey {
    signing: EcdsaSigning,
    /// DER SubjectPublicKeyInfo of the public key.
    pub spki_der: Vec<u8>,
}

#[derive(Clone)]
enum EcdsaSigning {
    P256(SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
}

impl EcdsaKey {
    /// The key derived from `"sigverify-testkit/<name>"`: on P-256 the same key as
    /// [`EcKey::derive`]; on P-384 the scalar SHA-384(label), on P-521 SHA-512(label) (both
    /// re-hashed in the astronomically unlikely case they are not valid scalars).
    pub fn derive(name: &str, curve: Curve) -> EcdsaKey {
        let label = format!("sigverify-testkit/{name}");
        let signing = match curve {
            Curve::P256 => EcdsaSigning::P256(EcKey::derive(name).signing),
            Curve::P384 => {
                let mut seed = HashKind::Sha384.digest(label.as_bytes());
                EcdsaSigning::P384(loop {
                    match p384::ecdsa::SigningKey::from_slice(&seed) {
                        Ok(k) => break k,
                        Err(_) => seed = HashKind::Sha384.digest(&seed),
                    }
                })
            }
            Curve::P521 => {
                let mut seed = HashKind::Sha512.digest(label.as_bytes());
                EcdsaSigning::P521(loop {
                    // 66 bytes: the 64-byte digest, zero-extended.
                    let mut bytes = vec![0u8; 2];
                    bytes.extend_from_slice(&seed);
                    match p521::ecdsa::SigningKey::from_slice(&bytes) {
                        Ok(k) => break k,
                        Err(_) => seed = HashKind::Sha512.digest(&seed),
                    }
                })
            }
        };
        let (curve_oid, point) = match &signing {
            EcdsaSigning::P256(k) => (
                SECP256R1,
                k.verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
            EcdsaSigning::P384(k) => (
                SECP384R1,
                k.verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
            EcdsaSigning::P521(k) => (
                SECP521R1,
                p521::ecdsa::VerifyingKey::from(k)
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec(),
            ),
        };
        EcdsaKey {
            signing,
            spki_der: ec_spki_der(curve_oid, &point),
        }
    }

    /// ECDSA over `hash(msg)`, DER-encoded. A digest shorter than the curve order is signed
    /// whole as an integer (FIPS 186-5 §6.4.1), a longer one truncated to the order's length.
    pub fn sign(&self, hash: HashKind, msg: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::hazmat::PrehashSigner as _;
        let digest = hash.digest(msg);
        match &self.signing {
            EcdsaSigning::P256(k) => {
                let sig: Signature = k.sign_prehash(&digest).expect("signs");
                sig.to_der().as_bytes().to_vec()
            }
            EcdsaSigning::P384(k) => {
                let sig: p384::ecdsa::Signature = k.sign_prehash(&digest).expect("signs");
                sig.to_der().as_bytes().to_vec()
            }
            EcdsaSigning::P521(k) => {
                use p521::ecdsa::signature::hazmat::RandomizedPrehashSigner;
                // The ecdsa crate takes no digest under half the field size (33 bytes); the
                // zero-extended digest is the same integer.
                let mut prehash = vec![0u8; 66usize.saturating_sub(digest.len())];
                prehash.extend_from_slice(&digest);
                // p521 has no RFC 6979 signer (SHA-512 is shorter than the field): the nonce
                // comes from a hash stream over the key and the digest, so output stays
                // deterministic.
                let mut seed = k.to_bytes().to_vec();
                seed.extend_from_slice(&prehash);
                let sig: p521::ecdsa::Signature = k
                    .sign_prehash_with_rng(&mut HashStream::new(seed), &prehash)
                    .expect("signs");
                sig.to_der().as_bytes().to_vec()
            }
        }
    }

    /// PEM `PUBLIC KEY` of the SPKI.
    pub fn spki_pem(&self) -> String {
        pem("PUBLIC KEY", &self.spki_der)
    }
}

// RFC 5480 §2.1.1.1 named curves.
const SECP256R1: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// RFC 5480 §2: SubjectPublicKeyInfo of an EC key (id-ecPublicKey, named curve, point).
fn ec_spki_der(curve: const_oid::ObjectIdentifier, point: &[u8]) -> Vec<u8> {
    use der::Encode;
    spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::ID_EC_PUBLIC_KEY,
            parameters: Some(der::Any::encode_from(&curve).expect("OID encodes")),
        },
        subject_public_key: der::asn1::BitString::from_bytes(point).expect("point encodes"),
    }
    .to_der()
    .expect("SPKI encodes")
}

/// SHA-512(seed || counter) blocks: a deterministic stand-in for a random source (test nonces
/// only).
struct HashStream {
    seed: Vec<u8>,
    counter: u64,
    buf: Vec<u8>,
}

impl HashStream {
    fn new(seed: Vec<u8>) -> HashStream {
        HashStream {
            seed,
            counter: 0,
            buf: Vec::new(),
        }
    }
}

impl p521::elliptic_curve::rand_core::RngCore for HashStream {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for d in dest {
            if self.buf.is_empty() {
                let mut block = self.seed.clone();
                block.extend_from_slice(&self.counter.to_be_bytes());
                self.counter += 1;
                self.buf = HashKind::Sha512.digest(&block);
            }
            *d = self.buf.remove(0);
        }
    }

    fn try_fill_bytes(
        &mut self,
        dest: &mut [u8],
    ) -> Result<(), p521::elliptic_curve::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl p521::elliptic_curve::rand_core::CryptoRng for HashStream {}
