//! The aws-lc-rs backend.

use aws_lc_rs::digest;
use aws_lc_rs::signature::{self, ParsedPublicKey, UnparsedPublicKey, VerificationAlgorithm};

use super::{HashAlg, KeyType, SigScheme};

fn algorithm(scheme: SigScheme) -> &'static dyn VerificationAlgorithm {
    use SigScheme::*;
    match scheme {
        EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
        EcdsaP256Sha384 => &signature::ECDSA_P256_SHA384_ASN1,
        EcdsaP384Sha256 => &signature::ECDSA_P384_SHA256_ASN1,
        EcdsaP384Sha384 => &signature::ECDSA_P384_SHA384_ASN1,
        EcdsaP521Sha256 => &signature::ECDSA_P521_SHA256_ASN1,
        EcdsaP521Sha512 => &signature::ECDSA_P521_SHA512_ASN1,
        Ed25519 => &signature::ED25519,
        RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        RsaPkcs1Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        RsaPkcs1Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        RsaPssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        RsaPssSha384 => &signature::RSA_PSS_2048_8192_SHA384,
        RsaPssSha512 => &signature::RSA_PSS_2048_8192_SHA512,
    }
}

fn digest_alg(alg: HashAlg) -> &'static digest::Algorithm {
    match alg {
        HashAlg::Sha256 => &digest::SHA256,
        HashAlg::Sha384 => &digest::SHA384,
        HashAlg::Sha512 => &digest::SHA512,
    }
}

pub(super) fn verify(scheme: SigScheme, raw_key: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    UnparsedPublicKey::new(algorithm(scheme), raw_key)
        .verify(msg, sig)
        .is_ok()
}

pub(super) fn verify_prehashed(scheme: SigScheme, raw_key: &[u8], dig: &[u8], sig: &[u8]) -> bool {
    let Some(h) = scheme.hash() else {
        return false;
    };
    let Ok(d) = digest::Digest::import_less_safe(dig, digest_alg(h)) else {
        return false;
    };
    UnparsedPublicKey::new(algorithm(scheme), raw_key)
        .verify_digest(&d, sig)
        .is_ok()
}

pub(super) fn key_is_valid(key_type: KeyType, raw_key: &[u8]) -> bool {
    let alg = match key_type {
        KeyType::P256 => algorithm(SigScheme::EcdsaP256Sha256),
        KeyType::P384 => algorithm(SigScheme::EcdsaP384Sha384),
        KeyType::P521 => algorithm(SigScheme::EcdsaP521Sha512),
        KeyType::Ed25519 => algorithm(SigScheme::Ed25519),
        KeyType::Rsa => algorithm(SigScheme::RsaPkcs1Sha256),
    };
    ParsedPublicKey::new(alg, raw_key).is_ok()
}

pub(super) fn hasher(alg: HashAlg) -> digest::Context {
    digest::Context::new(digest_alg(alg))
}

/// Parses a key once for repeated verification with one scheme.
pub(super) fn parse(scheme: SigScheme, raw_key: &[u8]) -> Option<ParsedPublicKey> {
    ParsedPublicKey::new(algorithm(scheme), raw_key).ok()
}
