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
    /// The key derived from SHA-256("sigverify-testkit/<name>") (re-hashed in the astronomically
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
    /// The key whose seed is SHA-256("sigverify-testkit/<name>").
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
