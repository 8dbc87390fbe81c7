//! The pure-Rust RustCrypto backend.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::Digest;

use super::{HashAlg, KeyType, SigScheme};

/// Bytes of a P-521 field element (521 bits).
const P521_FIELD_BYTES: usize = 66;

pub(super) enum RcHasher {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl RcHasher {
    pub(super) fn update(&mut self, data: &[u8]) {
        match self {
            RcHasher::Sha256(h) => h.update(data),
            RcHasher::Sha384(h) => h.update(data),
            RcHasher::Sha512(h) => h.update(data),
        }
    }

    pub(super) fn finish(self) -> Vec<u8> {
        match self {
            RcHasher::Sha256(h) => h.finalize().to_vec(),
            RcHasher::Sha384(h) => h.finalize().to_vec(),
            RcHasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

pub(super) fn hasher(alg: HashAlg) -> RcHasher {
    match alg {
        HashAlg::Sha256 => RcHasher::Sha256(sha2::Sha256::new()),
        HashAlg::Sha384 => RcHasher::Sha384(sha2::Sha384::new()),
        HashAlg::Sha512 => RcHasher::Sha512(sha2::Sha512::new()),
    }
}

fn hash(alg: HashAlg, data: &[u8]) -> Vec<u8> {
    let mut h = hasher(alg);
    h.update(data);
    h.finish()
}

pub(super) fn verify(scheme: SigScheme, raw_key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    match scheme {
        SigScheme::Ed25519 => {
            let (Ok(key), Ok(sig)) = (
                <[u8; 32]>::try_from(raw_key),
                ed25519_dalek::Signature::from_slice(sig),
            ) else {
                return false;
            };
            ed25519_dalek::VerifyingKey::from_bytes(&key)
                .is_ok_and(|k| k.verify_strict(msg, &sig).is_ok())
        }
        other => match other.hash() {
            Some(h) => verify_prehashed(other, raw_key, &hash(h, msg), sig),
            None => false,
        },
    }
}

pub(super) fn verify_prehashed(scheme: SigScheme, raw_key: &[u8], dig: &[u8], sig: &[u8]) -> bool {
    use SigScheme::*;
    match scheme {
        EcdsaP256Sha256 | EcdsaP256Sha384 => {
            let (Ok(k), Ok(s)) = (
                p256::ecdsa::VerifyingKey::from_sec1_bytes(raw_key),
                p256::ecdsa::Signature::from_der(sig),
            ) else {
                return false;
            };
            k.verify_prehash(dig, &s).is_ok()
        }
        EcdsaP384Sha256 | EcdsaP384Sha384 => {
            let (Ok(k), Ok(s)) = (
                p384::ecdsa::VerifyingKey::from_sec1_bytes(raw_key),
                p384::ecdsa::Signature::from_der(sig),
            ) else {
                return false;
            };
            k.verify_prehash(dig, &s).is_ok()
        }
        EcdsaP521Sha256 | EcdsaP521Sha512 => {
            let (Ok(k), Ok(s)) = (
                p521::ecdsa::VerifyingKey::from_sec1_bytes(raw_key),
                p521::ecdsa::Signature::from_der(sig),
            ) else {
                return false;
            };
            // FIPS 186-5 §6.4.1: a digest shorter than the order is taken whole, as an integer.
            // The ecdsa crate refuses digests under half the field size (33 bytes for P-521),
            // so a SHA-256 digest is given zero-extended on the left: the same integer.
            if dig.len() < P521_FIELD_BYTES / 2 {
                let mut padded = [0u8; P521_FIELD_BYTES];
                if let Some(tail) = padded.get_mut(P521_FIELD_BYTES - dig.len()..) {
                    tail.copy_from_slice(dig);
                }
                return k.verify_prehash(&padded, &s).is_ok();
            }
            k.verify_prehash(dig, &s).is_ok()
        }
        Ed25519 => false,
        RsaPkcs1Sha256 | RsaPkcs1Sha384 | RsaPkcs1Sha512 => {
            let Ok(k) = RsaPublicKey::from_pkcs1_der(raw_key) else {
                return false;
            };
            let padding = match scheme {
                RsaPkcs1Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
                RsaPkcs1Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
                _ => Pkcs1v15Sign::new::<sha2::Sha512>(),
            };
            k.verify(padding, dig, sig).is_ok()
        }
        RsaPssSha256 | RsaPssSha384 | RsaPssSha512 => {
            let Ok(k) = RsaPublicKey::from_pkcs1_der(raw_key) else {
                return false;
            };
            // Salt length = hash length, as aws-lc-rs and webpki require.
            let padding = match scheme {
                RsaPssSha256 => Pss::new_with_salt::<sha2::Sha256>(32),
                RsaPssSha384 => Pss::new_with_salt::<sha2::Sha384>(48),
                _ => Pss::new_with_salt::<sha2::Sha512>(64),
            };
            k.verify(padding, dig, sig).is_ok()
        }
    }
}

pub(super) fn key_is_valid(key_type: KeyType, raw_key: &[u8]) -> bool {
    match key_type {
        KeyType::P256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(raw_key).is_ok(),
        KeyType::P384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(raw_key).is_ok(),
        KeyType::P521 => p521::ecdsa::VerifyingKey::from_sec1_bytes(raw_key).is_ok(),
        KeyType::Ed25519 => <[u8; 32]>::try_from(raw_key)
            .is_ok_and(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).is_ok()),
        KeyType::Rsa => RsaPublicKey::from_pkcs1_der(raw_key).is_ok(),
    }
}
