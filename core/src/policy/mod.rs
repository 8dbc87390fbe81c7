//! What one verification call requires of the signer, and of what was built.
//!
//! The verifier holds what the deployment trusts; a [`Policy`] says who must have signed this
//! artifact and how it must have been built: matchers over the certificate's SAN and every Fulcio
//! claim (exact, anchored regular expression, glob; all-of and any-of), GitHub Actions and GitLab
//! shorthands, and checks on the in-toto statement (predicate type, SLSA provenance fields). Or
//! a managed public key that the caller supplies (never a key taken from the bundle).
//!
//! Policies are built in code or read from a JSON document (`"version": 1`, see
//! [`Policy::from_json`] and `docs/policy.md`).
//!
//! The one rule of every keyless policy: something must pin who signed, that is a requirement on
//! a field that names the signer (the SAN, or a Fulcio claim naming the source repository, its
//! owner, or the signing workflow or config) whose matcher does not also accept unrelated values
//! (`.*`). It is decided once, here (`check_pinned`, reached through
//! [`Policy::certificate_requirements`] by every keyless builder and by the document reader, and
//! by [`Policy::set_identity`]); a policy that pins nothing is refused with
//! [`Error::SignerNotPinned`]. A key policy is pinned by its key, and
//! [`Policy::without_identity_unsafe`] says in its name that it pins nothing.
//!
//! Where each piece lives:
//! - `matcher.rs`: [`Matcher`], how one value is compared, and its JSON form;
//! - `field.rs`: [`Field`], the values a policy can look at (SAN, Fulcio claims, statement and
//!   SLSA provenance fields);
//! - `requirement.rs`: [`Requirement`] and [`CheckedClaim`]: checking, and whether one pins the
//!   signer;
//! - `github.rs`, `gitlab.rs`: the CI shorthands ([`github`], [`gitlab`]);
//! - `document.rs`: the version-1 policy document reader;
//! - this file: [`Policy`], its constructors and the pin rule.

use crate::crypto::{Backend, PublicKey};
use crate::dsse::Statement;
use crate::encoding::pem;
use crate::error::Error;
use crate::limits;
use crate::x509::Leaf;

mod document;
mod field;
pub mod github;
pub mod gitlab;
mod matcher;
mod requirement;

pub use field::Field;
pub(crate) use field::FULCIO_CLAIMS;
pub use matcher::Matcher;
pub use requirement::{CheckedClaim, Requirement};

/// GitHub Actions' OIDC issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// GitLab.com's OIDC issuer.
pub const GITLAB_ISSUER: &str = "https://gitlab.com";

// Every reader in this folder reports an invalid policy the same way: where, and why.
fn policy_err(path: &str, reason: impl Into<String>) -> Error {
    Error::InvalidPolicy {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// What a verification requires.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) kind: PolicyKind,
}

#[derive(Clone, Debug)]
pub(crate) enum PolicyKind {
    /// Certificate requirements (always including an identity and an issuer requirement, but
    /// for [`Policy::github_release_signer`]), and optionally statement requirements.
    Certificate(Vec<Requirement>),
    /// A managed key, plus optional statement requirements.
    Key(PublicKey, Vec<Requirement>),
    /// Any identity (only statement requirements, if any).
    AnyIdentityUnsafe(Vec<Requirement>),
}

impl Policy {
    /// The certificate's SAN must equal `identity` and its OIDC issuer (Fulcio extension
    /// 1.3.6.1.4.1.57264.1.8, else 1.1) must equal `issuer`, exactly. Both must be non-empty:
    /// the core reads a certificate without a SAN as having the identity "".
    pub fn identity(
        identity: impl Into<String>,
        issuer: impl Into<String>,
    ) -> Result<Policy, Error> {
        let (identity, issuer) = (identity.into(), issuer.into());
        for (path, value) in [("identity", &identity), ("issuer", &issuer)] {
            if value.is_empty() {
                return Err(policy_err(
                    path,
                    format!("must not be empty: an exact {path} is required"),
                ));
            }
        }
        Policy::certificate(Matcher::exact(identity), Matcher::exact(issuer))
    }

    /// SAN and issuer matchers (both required: an identity without its issuer means nothing).
    /// The SAN matcher must pin the signer: one that accepts unrelated values (`.*`) is refused
    /// with [`Error::SignerNotPinned`]; pin with requirements through
    /// [`Policy::certificate_requirements`] instead.
    pub fn certificate(identity: Matcher, issuer: Matcher) -> Result<Policy, Error> {
        Policy::certificate_requirements(Some(identity), issuer, Vec::new())
    }

    /// The general keyless policy: an optional SAN matcher, the issuer matcher and further
    /// requirements, all of which must hold. The one rule of every keyless policy is decided
    /// here: something must pin who signed (see [`Requirement::pins_signer`]), else
    /// [`Error::SignerNotPinned`]. Without a SAN matcher the SAN may be any value.
    pub fn certificate_requirements(
        identity: Option<Matcher>,
        issuer: Matcher,
        requirements: Vec<Requirement>,
    ) -> Result<Policy, Error> {
        let san = match identity {
            Some(m) => m,
            None => Matcher::regex(".+")?,
        };
        let mut rs = Vec::with_capacity(requirements.len() + 2);
        rs.push(Requirement::Field(Field::San, san));
        rs.push(Requirement::Field(Field::Fulcio(8), issuer));
        rs.extend(requirements);
        let p = Policy {
            kind: PolicyKind::Certificate(rs),
        };
        p.check_pinned("$")?;
        Ok(p)
    }

    /// A GitHub Actions signer of `OWNER/REPO`: issuer GitHub, source repository
    /// `https://github.com/OWNER/REPO`, and the SAN a workflow of some repository (refine with
    /// [`Policy::require`], e.g. [`github::signer_workflow`]).
    pub fn github_repository(owner_repo: &str) -> Result<Policy, Error> {
        Policy::certificate_requirements(
            Some(Matcher::regex("https://github\\.com/.+")?),
            Matcher::exact(GITHUB_ISSUER),
            vec![github::repository(owner_repo)?],
        )
    }

    /// GitHub's release attestation signer (`ecosystems::github_release`), and nothing else:
    /// the SAN exactly `san` and a predicate type of `predicate_types`, with **no issuer
    /// requirement**. GitHub's release signer is not an OIDC identity and its certificate has
    /// no issuer claim (`gh release verify` matches the issuer with `.*`). Crate-private on
    /// purpose: every public builder and the policy documents go through
    /// [`Policy::certificate_requirements`], which always requires an issuer.
    pub(crate) fn github_release_signer(
        san: &str,
        predicate_types: &[&str],
    ) -> Result<Policy, Error> {
        let types = predicate_types
            .iter()
            .map(|t| regex::escape(t))
            .collect::<Vec<_>>()
            .join("|");
        let p = Policy {
            kind: PolicyKind::Certificate(vec![
                Requirement::Field(Field::San, Matcher::exact(san)),
                Requirement::Field(
                    Field::PredicateType,
                    Matcher::regex(&format!("(?:{types})"))?,
                ),
            ]),
        };
        p.check_pinned("$")?;
        Ok(p)
    }

    /// Refuses a keyless policy in which nothing pins the signer (`path` names where in a
    /// document, `$` for the whole). Key policies are pinned by their key, and the unsafe
    /// any-identity policy says in its name that it pins nothing.
    fn check_pinned(&self, path: &str) -> Result<(), Error> {
        match &self.kind {
            PolicyKind::Certificate(rs) if !rs.iter().any(Requirement::pins_signer) => {
                Err(Error::SignerNotPinned {
                    path: path.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The bundle must be signed by this managed key: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    pub fn key_pem(pem_text: &[u8]) -> Result<Policy, Error> {
        limits::Document::PublicKey.check_size(pem_text.len() as u64)?;
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
        limits::Document::PublicKey.check_size(spki_der.len() as u64)?;
        Ok(Policy {
            kind: PolicyKind::Key(
                PublicKey::from_spki_der(spki_der, Backend::default())?,
                Vec::new(),
            ),
        })
    }

    /// Accepts any certificate identity that chains to the trusted root. Only for callers that
    /// check the identity themselves from the result: the name says what it gives up.
    pub fn without_identity_unsafe() -> Policy {
        Policy {
            kind: PolicyKind::AnyIdentityUnsafe(Vec::new()),
        }
    }

    /// Adds a requirement (all requirements must hold).
    pub fn require(&mut self, r: Requirement) -> &mut Policy {
        match &mut self.kind {
            PolicyKind::Certificate(rs)
            | PolicyKind::Key(_, rs)
            | PolicyKind::AnyIdentityUnsafe(rs) => rs.push(r),
        }
        self
    }

    /// Replaces the identity (SAN) matcher of a certificate policy. Refused, leaving the policy
    /// as it was, when the policy would then no longer pin the signer.
    pub fn set_identity(&mut self, m: Matcher) -> Result<&mut Policy, Error> {
        let before = self.clone();
        self.replace_field(Field::San, m);
        if let Err(e) = self.check_pinned("identity") {
            *self = before;
            return Err(e);
        }
        Ok(self)
    }

    /// Replaces the issuer matcher of a certificate policy.
    pub fn set_issuer(&mut self, m: Matcher) -> &mut Policy {
        self.replace_field(Field::Fulcio(8), m)
    }

    fn replace_field(&mut self, field: Field, m: Matcher) -> &mut Policy {
        if let PolicyKind::Certificate(rs) = &mut self.kind {
            for r in rs.iter_mut() {
                if let Requirement::Field(f, old) = r {
                    if *f == field {
                        *old = m;
                        return self;
                    }
                }
            }
            rs.push(Requirement::Field(field, m));
        }
        self
    }

    pub(crate) fn key(&self) -> Option<&PublicKey> {
        match &self.kind {
            PolicyKind::Key(k, _) => Some(k),
            _ => None,
        }
    }

    /// Checks the signer and the statement; returns every claim that was checked.
    pub(crate) fn check(
        &self,
        leaf: Option<&Leaf>,
        statement: Option<&Statement>,
    ) -> Result<Vec<CheckedClaim>, Error> {
        let rs = match (&self.kind, leaf) {
            (PolicyKind::Certificate(rs) | PolicyKind::AnyIdentityUnsafe(rs), Some(_)) => rs,
            (PolicyKind::Key(_, rs), None) => rs,
            (PolicyKind::Key(..), Some(_)) => {
                return Err(Error::PolicyMismatch {
                    claim: "signing material".into(),
                    expected: "a bundle signed with the given public key".into(),
                    found: "a bundle signed with a certificate".into(),
                })
            }
            (_, None) => {
                return Err(Error::PolicyMismatch {
                    claim: "signing material".into(),
                    expected: "a certificate".into(),
                    found: "a bundle signed with a managed key; verify it with the key".into(),
                })
            }
        };
        // A statement requirement without a statement is reported by the requirement itself,
        // which names the absent statement precisely.
        if leaf.is_none() && rs.iter().any(Requirement::needs_certificate) {
            return Err(Error::PolicyMismatch {
                claim: "certificate claims".into(),
                expected: "a certificate".into(),
                found: "a managed-key bundle".into(),
            });
        }
        let mut out = Vec::new();
        for r in rs {
            r.check(leaf, statement, &mut out)?;
        }
        Ok(out)
    }

    /// Reads a policy document (JSON, `"version": 1`; schema in `docs/policy.md`). An invalid
    /// document is refused with the path of the offending field (`Error::InvalidPolicy`).
    pub fn from_json(json: &[u8]) -> Result<Policy, Error> {
        document::parse(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: a policy names who signed. Every form that pins nothing is refused as invalid
    /// input, from documents and from the builders alike; every pinning form is accepted.
    #[test]
    fn a_policy_must_pin_the_signer() {
        let gh = GITHUB_ISSUER;
        let unpinned = [
            r#"{"version":1,"issuer":"b"}"#.to_owned(),
            r#"{"version":1,"github":{"sourceRef":"refs/heads/main"}}"#.to_owned(),
            r#"{"version":1,"github":{"sourceDigest":"abc"}}"#.to_owned(),
            r#"{"version":1,"github":{"denySelfHostedRunners":true}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"sourceRef":"refs/heads/main","denySelfHostedRunners":true}}"#.to_owned(),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryRef":"refs/heads/main"}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"runnerEnvironment":"github-hosted","sourceRepositoryVisibilityAtSigning":"public","buildTrigger":"push"}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","statement":{{"predicateType":"https://slsa.dev/provenance/v1","builderId":"x"}}}}"#),
            format!(r#"{{"version":1,"identity":{{"regex":".*"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"regex":".+"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"glob":"**"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"anyOf":["x",{{"regex":"(?s).*"}}]}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryURI":{{"glob":"**"}}}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"buildSignerURI":{{"regex":".*"}}}}}}"#),
            // One alternative that pins nothing lets every signer through.
            format!(r#"{{"version":1,"issuer":"{gh}","anyOf":[{{"github":{{"repository":"o/r"}}}},{{"github":{{"sourceRef":"refs/heads/main"}}}}]}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","allOf":[{{"claims":{{"sourceRepositoryRef":"x"}}}}]}}"#),
        ];
        for doc in &unpinned {
            let e = Policy::from_json(doc.as_bytes()).unwrap_err();
            assert!(matches!(e, Error::SignerNotPinned { .. }), "{doc}: {e}");
            assert_eq!(e.code(), "invalid-policy");
            assert!(e.is_invalid_input());
            assert!(e.to_string().contains("github.repository"), "{e}");
        }
        let pinned = [
            format!(r#"{{"version":1,"identity":"a","issuer":"{gh}"}}"#),
            format!(
                r#"{{"version":1,"identity":{{"regex":"https://github\\.com/o/r/.+"}},"issuer":"{gh}"}}"#
            ),
            r#"{"version":1,"github":{"repository":"o/r"}}"#.to_owned(),
            r#"{"version":1,"github":{"owner":"o","sourceRef":"refs/heads/main"}}"#.to_owned(),
            r#"{"version":1,"github":{"signerWorkflow":"o/r/.github/workflows/x.yml"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"project":"g/p"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"namespace":"g"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"signerConfig":"g/p//.gitlab-ci.yml"}}"#.to_owned(),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryURI":"https://github.com/o/r"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryIdentifier":"123"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryOwnerURI":"https://github.com/o"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryOwnerIdentifier":"9"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"buildSignerURI":{{"glob":"https://github.com/o/r/**"}}}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"buildConfigURI":{{"glob":"https://github.com/o/r/**"}}}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"githubWorkflowRepository":"o/r"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","anyOf":[{{"github":{{"repository":"o/r"}}}},{{"identity":"x"}}]}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","allOf":[{{"claims":{{"sourceRepositoryRef":"x"}}}},{{"github":{{"owner":"o"}}}}]}}"#
            ),
            r#"{"version":1,"unsafeAnyIdentity":true,"github":{"sourceRef":"refs/heads/main"}}"#
                .to_owned(),
        ];
        for doc in &pinned {
            Policy::from_json(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc}: {e}"));
        }
        // The builders apply the same rule.
        for (id, iss) in [("", gh), ("a", ""), ("", "")] {
            let e = Policy::identity(id, iss).unwrap_err();
            assert_eq!(e.code(), "invalid-policy", "{e}");
        }
        let any = || Matcher::regex(".*").unwrap();
        assert!(matches!(
            Policy::certificate(any(), Matcher::exact(gh)),
            Err(Error::SignerNotPinned { .. })
        ));
        assert!(matches!(
            Policy::certificate_requirements(
                None,
                Matcher::exact(gh),
                vec![
                    github::source_ref("refs/heads/main"),
                    github::deny_self_hosted_runners()
                ]
            ),
            Err(Error::SignerNotPinned { .. })
        ));
        Policy::certificate_requirements(
            None,
            Matcher::exact(gh),
            vec![github::repository("o/r").unwrap()],
        )
        .unwrap();
        let mut p = Policy::identity("a", gh).unwrap();
        assert!(p.set_identity(any()).is_err());
        // Refused without a change: the policy still pins "a".
        assert!(p.check_pinned("$").is_ok());
        let mut p = Policy::github_repository("o/r").unwrap();
        p.set_identity(any()).unwrap();
    }
}
