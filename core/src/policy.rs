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

/// Policy documents (`version: 1`), the declarative form every binding reads from bytes.
///
/// ```json
/// { "version": 1,
///   "identity": "https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main",
///   "issuer": "https://token.actions.githubusercontent.com" }
/// ```
/// or `{ "version": 1, "key": "-----BEGIN PUBLIC KEY-----\n..." }`. Unknown fields are refused
/// with their path, so that a misspelt requirement can never be silently ignored.
mod document {
    use serde_json::Value;

    use super::Policy;
    use crate::error::Error;

    fn invalid(path: &str, reason: impl Into<String>) -> Error {
        Error::InvalidPolicy {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, Error> {
        match v {
            Value::String(s) => Ok(s),
            Value::Object(o) if o.len() == 1 && o.contains_key("exact") => {
                string(&o["exact"], &format!("{path}.exact"))
            }
            _ => Err(invalid(path, "expected a string or {\"exact\": string}")),
        }
    }

    pub(super) fn parse(json: &[u8]) -> Result<Policy, Error> {
        if json.len() > crate::limits::MAX_POLICY_BYTES {
            return Err(Error::LimitExceeded {
                what: "policy document size in bytes",
                limit: crate::limits::MAX_POLICY_BYTES as u64,
                found: json.len() as u64,
            });
        }
        crate::limits::check_json_depth(json, "policy document")?;
        let v: Value = serde_json::from_slice(json).map_err(|e| Error::InvalidJson {
            what: "policy document",
            detail: e.to_string(),
        })?;
        let obj = v
            .as_object()
            .ok_or_else(|| invalid("$", "expected a JSON object"))?;
        match obj.get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            Some(other) => {
                return Err(invalid(
                    "$.version",
                    format!("unsupported version {other}; this sigverify reads version 1"),
                ))
            }
            None => return Err(invalid("$.version", "required")),
        }
        for k in obj.keys() {
            if !["version", "identity", "issuer", "key"].contains(&k.as_str()) {
                return Err(invalid(&format!("$.{k}"), "unknown field"));
            }
        }
        match (obj.get("identity"), obj.get("issuer"), obj.get("key")) {
            (Some(id), Some(iss), None) => Ok(Policy::identity(
                string(id, "$.identity")?,
                string(iss, "$.issuer")?,
            )),
            (None, None, Some(k)) => {
                let pem = k
                    .as_str()
                    .ok_or_else(|| invalid("$.key", "expected a PEM string"))?;
                Policy::key_pem(pem.as_bytes()).map_err(|e| invalid("$.key", e.to_string()))
            }
            (_, _, Some(_)) => Err(invalid(
                "$.key",
                "a key policy cannot also name an identity or issuer",
            )),
            (None, _, None) => Err(invalid("$.identity", "required (or $.key)")),
            (_, None, None) => Err(invalid("$.issuer", "required with $.identity")),
        }
    }
}

impl Policy {
    /// Reads a policy document (JSON, `"version": 1`). An invalid document is refused with the
    /// path of the offending field (`Error::InvalidPolicy`).
    pub fn from_json(json: &[u8]) -> Result<Policy, Error> {
        document::parse(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        let p =
            Policy::from_json(br#"{"version":1,"identity":"a","issuer":{"exact":"b"}}"#).unwrap();
        assert!(
            matches!(p.kind, PolicyKind::Identity { ref identity, ref issuer } if identity == "a" && issuer == "b")
        );
        for (doc, path) in [
            (&br#"{"identity":"a","issuer":"b"}"#[..], "$.version"),
            (br#"{"version":2,"identity":"a","issuer":"b"}"#, "$.version"),
            (br#"{"version":1,"identity":"a"}"#, "$.issuer"),
            (br#"{"version":1,"identity":5,"issuer":"b"}"#, "$.identity"),
            (
                br#"{"version":1,"identity":"a","issuer":"b","extra":1}"#,
                "$.extra",
            ),
            (br#"{"version":1,"key":"nope"}"#, "$.key"),
            (br#"[]"#, "$"),
        ] {
            let e = Policy::from_json(doc).unwrap_err();
            assert_eq!(e.code(), "invalid-policy", "{e}");
            assert!(e.to_string().contains(path), "{e} should name {path}");
        }
        assert_eq!(Policy::from_json(b"{").unwrap_err().code(), "invalid-json");
    }
}
