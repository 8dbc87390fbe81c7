//! What one verification call requires of the signer.
//!
//! The verifier holds what the deployment trusts; a [`Policy`] says who must have signed this
//! artifact: an exact certificate identity and OIDC issuer, or a managed public key the caller
//! supplies (never a key taken from the bundle).

use crate::crypto::{Backend, PublicKey};
use crate::encoding::pem;
use crate::error::Error;
use crate::x509::Leaf;

/// A requirement on the signer.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) kind: PolicyKind,
}

#[derive(Clone, Debug)]
pub(crate) enum PolicyKind {
    Identity { identity: String, issuer: String },
    Key(PublicKey),
    AnyIdentityUnsafe,
}

impl Policy {
    /// The certificate's SAN (URI, email or otherName) must equal `identity` and its OIDC issuer
    /// (Fulcio extension 1.3.6.1.4.1.57264.1.8, else 1.1) must equal `issuer`, exactly.
    pub fn identity(identity: impl Into<String>, issuer: impl Into<String>) -> Policy {
        Policy {
            kind: PolicyKind::Identity {
                identity: identity.into(),
                issuer: issuer.into(),
            },
        }
    }

    /// The bundle must be signed by this managed key: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    pub fn key_pem(pem_text: &[u8]) -> Result<Policy, Error> {
        let text = std::str::from_utf8(pem_text).map_err(|_| Error::InvalidCertificate {
            which: "public key".into(),
            reason: "the PEM is not UTF-8 text".into(),
        })?;
        let (label, der) = pem("public key", text)?;
        if label != "PUBLIC KEY" {
            return Err(Error::InvalidCertificate {
                which: "public key".into(),
                reason: format!("expected a PEM PUBLIC KEY block, found {label}"),
            });
        }
        Policy::key_der(&der)
    }

    /// The bundle must be signed by this managed key, given as DER SubjectPublicKeyInfo.
    pub fn key_der(spki_der: &[u8]) -> Result<Policy, Error> {
        Ok(Policy {
            kind: PolicyKind::Key(PublicKey::from_spki_der(spki_der, Backend::default())?),
        })
    }

    /// Accepts any certificate identity that chains to the trusted root. Only for callers that
    /// check the identity themselves from the result: the name says what it gives up.
    pub fn without_identity_unsafe() -> Policy {
        Policy {
            kind: PolicyKind::AnyIdentityUnsafe,
        }
    }

    /// Checks the certificate's identity against this policy.
    pub(crate) fn check_certificate(&self, leaf: &Leaf) -> Result<(), Error> {
        match &self.kind {
            PolicyKind::Identity { identity, issuer } => {
                let san = leaf.san.as_ref().map(|s| s.value()).unwrap_or("");
                if san != identity {
                    return Err(Error::PolicyMismatch {
                        claim: "certificate identity (SAN)".into(),
                        expected: format!("{identity:?}"),
                        found: match &leaf.san {
                            Some(s) => format!("{:?} ({})", s.value(), s.kind()),
                            None => "no URI, email or otherName SAN".into(),
                        },
                    });
                }
                let found = leaf.issuer();
                if found != Some(issuer.as_str()) {
                    return Err(Error::PolicyMismatch {
                        claim: "OIDC issuer (1.3.6.1.4.1.57264.1.8 / 1.1)".into(),
                        expected: format!("{issuer:?}"),
                        found: found
                            .map_or_else(|| "no issuer extension".into(), |f| format!("{f:?}")),
                    });
                }
                Ok(())
            }
            PolicyKind::Key(_) => Err(Error::PolicyMismatch {
                claim: "signing material".into(),
                expected: "a bundle signed with the given public key".into(),
                found: "a bundle signed with a certificate".into(),
            }),
            PolicyKind::AnyIdentityUnsafe => Ok(()),
        }
    }
}
