//! OpenSSF model signing (sigstore/model-transparency, `model_signing` 1.x): a Sigstore bundle
//! (`model.sig`) whose DSSE payload is an in-toto statement listing every file of a model
//! directory with its digest ([`predicate`]).
//!
//! Verification has three steps, and the I/O stays with the caller (`sigverify-host` does it):
//! 1. [`verify_signature`]: the bundle's signature by one of model_signing's three methods
//!    ([`ModelTrust`]), then the statement and predicate ([`Manifest::from_statement`]),
//!    including the subject's manifest digest;
//! 2. [`Manifest::plan`]: given the caller's listing of the model directory, which files and
//!    byte ranges to hash, in model_signing's order ([`Plan`]);
//! 3. [`SignedManifest::check`]: the caller's digests of the plan against the signed resources,
//!    both ways.
//!
//! The `key` and `certificate` methods need no transparency log and no timestamp, as
//! `model_signing verify key` and `verify certificate` need none: those relaxations exist only
//! here (`verify::verify_dsse_signature_only`, crate-private), never in [`Verifier::verify`].

pub mod plan;
pub mod predicate;

pub use plan::{Entry, EntryKind, HashJob, Ignore, LinkTarget, Plan, PlanOptions, GIT_PATHS};
pub use predicate::{
    manifest_digest, HashType, Manifest, Method, Resource, ResourceKey, Serialization,
    PREDICATE_TYPE,
};

use crate::bundle::{Bundle, Content, Material, Shape};
use crate::crypto::{Backend, HashAlg, PublicKey};
use crate::encoding::{b64, pem, to_b64};
use crate::error::{bundle_err, Error};
use crate::limits::{self, Document};
use crate::x509::San;
use crate::{Artifact, Policy, VerificationResult, Verifier};

/// The default name of the signature file in the model directory.
pub const SIGNATURE_FILE: &str = "model.sig";

/// A managed public key for model_signing's `key` method (`model_signing verify key
/// --public-key`).
#[derive(Clone, Debug)]
pub struct ModelKey {
    key: PublicKey,
    hint: String,
    backend: Backend,
}

/// A PEM block of `label` around `der`, as Python's `cryptography` writes it (64-column base64
/// lines, each ending in a newline).
fn pem_text(label: &str, der: &[u8]) -> String {
    let b = to_b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER of every PEM block labelled `label` in `text`, skipping other blocks and the text
/// between them.
fn pem_blocks(which: &str, text: &str, label: &str) -> Result<Vec<Vec<u8>>, Error> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&begin) {
        let block = rest.get(at..).unwrap_or_default();
        let stop = block.find(&end).ok_or_else(|| Error::InvalidCertificate {
            which: format!("{which} {}", out.len()),
            reason: format!("a BEGIN {label} line without its END line"),
        })?;
        let (block, after) = block.split_at(stop + end.len());
        out.push(pem(&format!("{which} {}", out.len()), block)?.1);
        rest = after;
    }
    Ok(out)
}

impl ModelKey {
    /// The one PEM `PUBLIC KEY` block (SubjectPublicKeyInfo) of a text, which may have other
    /// text around it as `certtool --pubkey-info` writes (OpenSSL's PEM reader, which
    /// model_signing uses, skips it too): ECDSA P-256, P-384 and P-521 as model_signing signs
    /// with, and any other key type sigverify verifies. Parsed for the default backend.
    pub fn from_pem(pem_bytes: &[u8]) -> Result<ModelKey, Error> {
        Document::PublicKey.check_size(pem_bytes.len() as u64)?;
        let which = "public key";
        let text = std::str::from_utf8(pem_bytes).map_err(|_| Error::InvalidCertificate {
            which: which.into(),
            reason: "the PEM is not UTF-8 text".into(),
        })?;
        let blocks = pem_blocks(which, text, "PUBLIC KEY")?;
        let [der] = blocks.as_slice() else {
            return Err(Error::InvalidCertificate {
                which: which.into(),
                reason: format!("expected one PEM PUBLIC KEY block, found {}", blocks.len()),
            });
        };
        ModelKey::from_der(der)
    }

    /// A DER SubjectPublicKeyInfo.
    pub fn from_der(spki_der: &[u8]) -> Result<ModelKey, Error> {
        Document::PublicKey.check_size(spki_der.len() as u64)?;
        let backend = Backend::default();
        let key = PublicKey::from_spki_der(spki_der, backend)?;
        // model_signing's key hint (sign_ec_key.py): hex SHA-256 of the key's PEM as
        // `cryptography` serializes it.
        let hint = hex::encode(backend.sha256(pem_text("PUBLIC KEY", spki_der).as_bytes()));
        Ok(ModelKey { key, hint, backend })
    }

    /// The same key, verified with `backend`.
    pub fn with_backend(self, backend: Backend) -> Result<ModelKey, Error> {
        Ok(ModelKey {
            key: PublicKey::from_spki_der(self.key.spki_der(), backend)?,
            hint: self.hint,
            backend,
        })
    }

    /// The key hint model_signing 1.1 writes in `verificationMaterial.publicKey.hint`.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

/// The CA certificates of a private PKI for model_signing's `certificate` method
/// (`model_signing verify certificate --certificate-chain`): every one may issue, and a
/// self-signed one ends a path.
#[derive(Clone, Debug)]
pub struct CaCertificates {
    certs: Vec<Vec<u8>>,
    backend: Backend,
}

impl CaCertificates {
    /// Every `CERTIFICATE` block of a PEM text (other blocks and text between blocks are
    /// skipped, as `cryptography`'s `load_pem_x509_certificates`); at least one.
    pub fn from_pem(pem_bytes: &[u8]) -> Result<CaCertificates, Error> {
        Document::Certificates.check_size(pem_bytes.len() as u64)?;
        let text = std::str::from_utf8(pem_bytes).map_err(|_| Error::InvalidCertificate {
            which: "CA certificates".into(),
            reason: "the PEM is not UTF-8 text".into(),
        })?;
        let certs = pem_blocks("CA certificate", text, "CERTIFICATE")?;
        CaCertificates::from_der(certs)
    }

    /// DER certificates; at least one.
    pub fn from_der(certs: Vec<Vec<u8>>) -> Result<CaCertificates, Error> {
        if certs.is_empty() {
            return Err(Error::InvalidCertificate {
                which: "CA certificates".into(),
                reason: "no certificate".into(),
            });
        }
        if certs.len() > limits::MAX_CA_CERTIFICATES {
            return Err(Error::LimitExceeded {
                what: "CA certificates",
                limit: limits::MAX_CA_CERTIFICATES as u64,
                found: certs.len() as u64,
            });
        }
        for (i, der) in certs.iter().enumerate() {
            <x509_cert::Certificate as der::Decode>::from_der(der).map_err(|e| {
                Error::InvalidCertificate {
                    which: format!("CA certificate {i}"),
                    reason: format!("not a DER X.509 certificate: {e}"),
                }
            })?;
        }
        Ok(CaCertificates {
            certs,
            backend: Backend::default(),
        })
    }

    /// The same certificates, verified with `backend`.
    pub fn with_backend(mut self, backend: Backend) -> CaCertificates {
        self.backend = backend;
        self
    }

    /// How many certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether there is none (never, once built).
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// Who must have signed the model: one of model_signing's verification methods.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum ModelTrust<'a> {
    /// `sigstore`: the normal Sigstore verification (certificate, log, times, policy).
    Sigstore {
        /// The verifier of the trust domain (e.g. public-good).
        verifier: &'a Verifier,
        /// The identity (or key) policy.
        policy: &'a Policy,
    },
    /// `key`: the DSSE signature by this key; no log, timestamp or certificate. Log entries
    /// and timestamps the bundle carries are not read (model_signing ignores them too).
    Key(&'a ModelKey),
    /// `certificate`: the bundle's certificate chain leads to one of these CA certificates
    /// (validated at the signing certificate's notBefore), and the signing certificate's key
    /// signed the DSSE envelope; no log, SAN or timestamp, and none the bundle carries is read.
    Certificate(&'a CaCertificates),
}

/// Who signed, by method.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ModelSigner {
    /// `sigstore`: the whole Sigstore result (identity, verified times, log entries).
    Sigstore(Box<VerificationResult>),
    /// `key`: the caller's key.
    Key {
        /// SHA-256 of the key's SubjectPublicKeyInfo, hex.
        spki_sha256: String,
    },
    /// `certificate`: the signing certificate and the path to the caller's CA.
    Certificate {
        /// The signing certificate's subject (RFC 4514).
        subject: String,
        /// Its subject alternative name, if any.
        san: Option<San>,
        /// The path, signing certificate first, the caller's CA certificate last (DER).
        chain: Vec<Vec<u8>>,
        /// When the path was validated: the signing certificate's notBefore (Unix seconds),
        /// as model_signing does; there is no trusted time without a log or timestamp.
        validated_at: i64,
    },
}

/// A model signature whose signature verified, with its manifest.
#[derive(Clone, Debug)]
pub struct SignedManifest {
    /// The statement's manifest.
    pub manifest: Manifest,
    /// Who signed.
    pub signer: ModelSigner,
}

/// A verified model.
#[derive(Clone, Debug)]
pub struct ModelVerification {
    /// The subject's name (the signed model's directory name; informative).
    pub model_name: String,
    /// The manifest digest (the subject's sha256), hex.
    pub manifest_digest: String,
    /// How the model was serialized.
    pub serialization: Serialization,
    /// The resources (files or shards) verified.
    pub resources: usize,
    /// The bytes hashed.
    pub bytes: u64,
    /// Who signed.
    pub signer: ModelSigner,
}

impl ModelSigner {
    /// `"sigstore"`, `"key"` or `"certificate"`: the model_signing method.
    pub fn method(&self) -> &'static str {
        match self {
            ModelSigner::Sigstore(_) => "sigstore",
            ModelSigner::Key { .. } => "key",
            ModelSigner::Certificate { .. } => "certificate",
        }
    }
}

impl ModelVerification {
    /// The verification as the CLI's `--json` prints it, and every face returns it: the model
    /// (`name`, `manifestDigest`, `method`, `shardSize`, `hashType`, `resources`, `bytes`) and
    /// the signer (`method`, with the Sigstore result, the key's SPKI SHA-256, or the
    /// certificate path).
    pub fn to_json(&self) -> serde_json::Value {
        let (method, shard_size) = match self.serialization.method {
            Method::Files => ("files", None),
            Method::Shards { shard_size } => ("shards", Some(shard_size)),
        };
        let signer = match &self.signer {
            ModelSigner::Sigstore(r) => {
                serde_json::json!({"method": "sigstore", "result": r.to_json()})
            }
            ModelSigner::Key { spki_sha256 } => {
                serde_json::json!({"method": "key", "keySha256": spki_sha256})
            }
            ModelSigner::Certificate {
                subject,
                san,
                chain,
                validated_at,
            } => serde_json::json!({
                "method": "certificate",
                "subject": subject,
                "san": san.as_ref().map(San::value),
                "sanType": san.as_ref().map(San::kind),
                "chain": chain.iter().map(|c| to_b64(c)).collect::<Vec<_>>(),
                "validatedAt": crate::format_time(*validated_at),
            }),
        };
        serde_json::json!({
            "verified": true,
            "model": {
                "name": self.model_name,
                "manifestDigest": format!("sha256:{}", self.manifest_digest),
                "method": method,
                "shardSize": shard_size,
                "hashType": self.serialization.hash_type.name(),
                "allowSymlinks": self.serialization.allow_symlinks,
                "ignorePaths": self.serialization.ignore_paths,
                "resources": self.resources,
                "bytes": self.bytes,
            },
            "signer": signer,
        })
    }
}

impl SignedManifest {
    /// [`Manifest::compare`], then the verdict.
    pub fn check(self, plan: &Plan, digests: &[Vec<u8>]) -> Result<ModelVerification, Error> {
        self.manifest.compare(plan, digests)?;
        Ok(ModelVerification {
            model_name: self.manifest.model_name,
            manifest_digest: hex::encode(&self.manifest.digest),
            serialization: self.manifest.serialization,
            resources: self.manifest.resources.len(),
            bytes: plan.total_bytes(),
            signer: self.signer,
        })
    }
}

/// The sha256 of the first subject of the (not yet verified) DSSE payload: the artifact the
/// Sigstore verifier matches subjects against. The statement is read again, verified, after.
fn unverified_subject_digest(bundle: &Bundle) -> Vec<u8> {
    let Content::Dsse(env) = &bundle.content else {
        return vec![0; 32];
    };
    crate::dsse::Statement::parse(&env.payload)
        .ok()
        .and_then(|s| {
            s.subjects
                .first()
                .and_then(|s| s.digest.get("sha256"))
                .and_then(|h| hex::decode(h).ok())
        })
        .filter(|d| d.len() == HashAlg::Sha256.digest_len())
        .unwrap_or_else(|| vec![0; 32])
}

/// model_signing's `key` method (`sign_ec_key.Verifier`): the bundle is signed with a managed
/// key, and names the caller's. A `publicKey.hint` (model_signing 1.1 and later) must be
/// [`ModelKey::hint`]; `publicKey.rawBytes` (model_signing 0.3 to 1.0 wrote the key's PEM
/// there) must be the caller's key, as PEM or DER. Neither is trusted: the signature is checked
/// with the caller's key.
fn check_key_material(bundle: &Bundle, key: &ModelKey) -> Result<(), Error> {
    let Material::PublicKey { hint } = &bundle.material else {
        return Err(Error::PolicyMismatch {
            claim: "signing material".into(),
            expected: "a model signature made with a key (model_signing's key method)".into(),
            found: "a bundle signed with a certificate".into(),
        });
    };
    if let Some(h) = hint.as_deref().filter(|h| !h.is_empty()) {
        if h != key.hint {
            return Err(Error::PolicyMismatch {
                claim: "verificationMaterial.publicKey.hint".into(),
                expected: format!("{} (the given key's)", key.hint),
                found: h.to_owned(),
            });
        }
    }
    if let Some(raw) = &bundle.public_key_raw_b64 {
        let f = "verificationMaterial.publicKey.rawBytes";
        let bytes = b64(f, raw)?;
        let der = match std::str::from_utf8(&bytes) {
            Ok(t) if t.trim_start().starts_with("-----BEGIN") => pem(f, t)?.1,
            _ => bytes,
        };
        if der != key.key.spki_der() {
            return Err(Error::PolicyMismatch {
                claim: f.into(),
                expected: "the given public key".into(),
                found: match PublicKey::from_spki_der(&der, key.backend) {
                    Ok(_) => "another public key".into(),
                    Err(_) => return Err(bundle_err(f, "not a PEM or DER public key")),
                },
            });
        }
    }
    Ok(())
}

/// Verifies a model signature (`model.sig`) by `trust`'s method and reads its manifest: the
/// signature itself, then the statement and predicate ([`Manifest::from_statement`], which
/// also checks the subject's manifest digest). `now` (Unix seconds) is used by the `sigstore`
/// method only, to refuse verified times from the future.
pub fn verify_signature(
    signature_json: &[u8],
    trust: &ModelTrust<'_>,
    now: i64,
) -> Result<SignedManifest, Error> {
    Document::ModelSignature.check_size(signature_json.len() as u64)?;
    match *trust {
        ModelTrust::Sigstore { verifier, policy } => {
            let bundle = Bundle::from_json(signature_json)?;
            let artifact = Artifact::Digest(HashAlg::Sha256, unverified_subject_digest(&bundle));
            let r = verifier.verify(&bundle, &artifact, policy, now)?;
            let st = super::statement(&r)?;
            let manifest = Manifest::from_statement(st, verifier.backend())?;
            Ok(SignedManifest {
                manifest,
                signer: ModelSigner::Sigstore(Box::new(r)),
            })
        }
        ModelTrust::Key(key) => {
            let bundle = Bundle::from_json(signature_json)?;
            check_key_material(&bundle, key)?;
            let (st, _) =
                crate::verify::verify_dsse_signature_only(&bundle, &key.key, key.backend)?;
            Ok(SignedManifest {
                manifest: Manifest::from_statement(&st, key.backend)?,
                signer: ModelSigner::Key {
                    spki_sha256: hex::encode(key.backend.sha256(key.key.spki_der())),
                },
            })
        }
        ModelTrust::Certificate(cas) => {
            let bundle = Bundle::parse(signature_json, Shape::PrivatePki)?;
            let Material::Certificate(leaf) = &bundle.material else {
                return Err(Error::PolicyMismatch {
                    claim: "signing material".into(),
                    expected: "a model signature made with a certificate (model_signing's certificate method)".into(),
                    found: "a bundle signed with a managed key".into(),
                });
            };
            let chain = crate::x509::verify_private_chain(
                leaf,
                &bundle.chain_extra,
                &cas.certs,
                cas.backend,
            )?;
            let (st, _) =
                crate::verify::verify_dsse_signature_only(&bundle, &chain.key, cas.backend)?;
            Ok(SignedManifest {
                manifest: Manifest::from_statement(&st, cas.backend)?,
                signer: ModelSigner::Certificate {
                    subject: chain.subject,
                    san: chain.san,
                    chain: chain.path,
                    validated_at: chain.time,
                },
            })
        }
    }
}

#[cfg(test)]
mod tests;
