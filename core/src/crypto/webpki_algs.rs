//! rustls-webpki signature algorithms implemented over our own backends, so that certificate
//! path validation uses the same crypto as everything else (and works with either backend).

use rustls_pki_types::{
    alg_id, AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm,
};

use super::{Backend, PublicKey, SigScheme};

#[derive(Debug)]
pub(crate) struct Alg {
    backend: Backend,
    scheme: SigScheme,
    public_key_alg_id: AlgorithmIdentifier,
    signature_alg_id: AlgorithmIdentifier,
}

macro_rules! algs {
    ($name:ident, $backend:expr) => {
        static $name: [Alg; 12] = [
            Alg {
                backend: $backend,
                scheme: SigScheme::EcdsaP256Sha256,
                public_key_alg_id: alg_id::ECDSA_P256,
                signature_alg_id: alg_id::ECDSA_SHA256,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::EcdsaP256Sha384,
                public_key_alg_id: alg_id::ECDSA_P256,
                signature_alg_id: alg_id::ECDSA_SHA384,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::EcdsaP384Sha256,
                public_key_alg_id: alg_id::ECDSA_P384,
                signature_alg_id: alg_id::ECDSA_SHA256,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::EcdsaP384Sha384,
                public_key_alg_id: alg_id::ECDSA_P384,
                signature_alg_id: alg_id::ECDSA_SHA384,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::EcdsaP521Sha512,
                public_key_alg_id: alg_id::ECDSA_P521,
                signature_alg_id: alg_id::ECDSA_SHA512,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::Ed25519,
                public_key_alg_id: alg_id::ED25519,
                signature_alg_id: alg_id::ED25519,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPkcs1Sha256,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PKCS1_SHA256,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPkcs1Sha384,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PKCS1_SHA384,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPkcs1Sha512,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PKCS1_SHA512,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPssSha256,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PSS_SHA256,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPssSha384,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PSS_SHA384,
            },
            Alg {
                backend: $backend,
                scheme: SigScheme::RsaPssSha512,
                public_key_alg_id: alg_id::RSA_ENCRYPTION,
                signature_alg_id: alg_id::RSA_PSS_SHA512,
            },
        ];
    };
}

#[cfg(feature = "aws-lc-rs")]
algs!(AWS_LC, Backend::AwsLc);
#[cfg(feature = "rustcrypto")]
algs!(RUST_CRYPTO, Backend::RustCrypto);

/// The algorithms webpki may use for certificate signatures, for a backend.
fn for_backend(backend: Backend) -> &'static [Alg; 12] {
    match backend {
        #[cfg(feature = "aws-lc-rs")]
        Backend::AwsLc => &AWS_LC,
        #[cfg(feature = "rustcrypto")]
        Backend::RustCrypto => &RUST_CRYPTO,
    }
}

/// An algorithm that knows the issuer's key already parsed: when webpki asks for a signature
/// by exactly that key, the parsed key verifies it (no re-parsing per certificate).
#[derive(Debug)]
pub(crate) struct WithIssuerKey<'k> {
    alg: &'static Alg,
    issuer: &'k PublicKey,
}

impl SignatureVerificationAlgorithm for WithIssuerKey<'_> {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let Alg {
            backend, scheme, ..
        } = *self.alg;
        let ok = if public_key == self.issuer.raw.as_slice() {
            self.issuer.verify(backend, scheme, message, signature)
        } else {
            backend.verify_raw(scheme, public_key, message, signature)
        };
        if ok {
            Ok(())
        } else {
            Err(InvalidSignature)
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.alg.public_key_alg_id
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.alg.signature_alg_id
    }
}

/// The algorithms for a backend, each using `issuer` pre-parsed when the key is that one.
pub(crate) fn with_issuer_key(backend: Backend, issuer: &PublicKey) -> [WithIssuerKey<'_>; 12] {
    for_backend(backend)
        .each_ref()
        .map(|alg| WithIssuerKey { alg, issuer })
}
