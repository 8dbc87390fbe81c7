//! `Policy`: who must have signed.

use std::sync::Arc;

use napi::bindgen_prelude::{ClassInstance, FromNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify_host::{guard, Failure};

use crate::errors::throw;
use crate::inputs;

/// What one verification requires of the signer: an exact certificate identity and OIDC issuer,
/// a managed public key that you supply (never one taken from the bundle), or a policy document.
/// Immutable; share it freely.
#[napi]
pub struct Policy {
    pub(crate) inner: Arc<sigverify::Policy>,
}

/// A policy built by `f`: every failure is the caller's input (`InvalidInputError`).
fn make(env: &Env, f: impl FnOnce() -> Result<sigverify::Policy, Failure>) -> napi::Result<Policy> {
    let policy = guard(f).map_err(Failure::loading);
    throw(env, policy).map(|p| Policy { inner: Arc::new(p) })
}

/// A `Policy` argument.
pub(crate) fn arg(value: Unknown<'_>, arg: &str) -> Result<Arc<sigverify::Policy>, Failure> {
    ClassInstance::<Policy>::from_unknown(value)
        .map(|p| Arc::clone(&p.inner))
        .map_err(|_| {
            Failure::argument(format!(
                "{arg} must be a Policy (Policy.identity, Policy.key or Policy.fromJSON)"
            ))
        })
}

#[napi]
impl Policy {
    /// The certificate's subject alternative name (URI, email or otherName) must equal
    /// `identity`, and its OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8, else 1.1) must
    /// equal `issuer`, exactly. For example `identity`
    /// `https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main` and `issuer`
    /// `https://token.actions.githubusercontent.com`. An empty identity or issuer is refused
    /// (`InvalidInputError`, code `invalid-policy`).
    #[napi(factory)]
    pub fn identity(
        env: Env,
        #[napi(ts_arg_type = "string")] identity: Unknown<'_>,
        #[napi(ts_arg_type = "string")] issuer: Unknown<'_>,
    ) -> napi::Result<Policy> {
        make(&env, || {
            let identity = inputs::string(identity, "identity")?;
            let issuer = inputs::string(issuer, "issuer")?;
            sigverify::Policy::identity(identity, issuer).map_err(Failure::Load)
        })
    }

    /// The bundle must be signed by this managed key: a PEM `PUBLIC KEY` block
    /// (SubjectPublicKeyInfo), as a string or bytes. Throws `InvalidInputError` when the key is
    /// unusable.
    #[napi(factory)]
    pub fn key(
        env: Env,
        #[napi(ts_arg_type = "string | Uint8Array")] pem: Unknown<'_>,
    ) -> napi::Result<Policy> {
        make(&env, || {
            let pem = inputs::text_or_bytes(pem, "pem")?;
            sigverify::Policy::key_pem(&pem).map_err(Failure::Load)
        })
    }

    /// Reads a policy document (JSON with `"version": 1`, the core's documented schema), given as a
    /// `Buffer`/`Uint8Array`, a string or a parsed object: an exact identity and issuer
    /// (`{ version: 1, identity: "...", issuer: "..." }`), a key (`{ version: 1, key: pem }`), or
    /// matchers (exact, regular expression, glob; all-of, any-of) on the SAN, the issuer, every
    /// Fulcio claim and the in-toto statement, and the GitHub and GitLab shorthands. An invalid
    /// document is refused: `InvalidInputError` with code `invalid-policy` and a message naming
    /// the offending field.
    #[napi(factory, js_name = "fromJSON")]
    pub fn from_json(
        env: Env,
        #[napi(ts_arg_type = "Uint8Array | string | object")] json: Unknown<'_>,
    ) -> napi::Result<Policy> {
        make(&env, || {
            let bytes = inputs::json(&env, json, "policy document", "json")?;
            sigverify::Policy::from_json(&bytes).map_err(Failure::Load)
        })
    }

    /// A GitHub Actions signer: the issuer `https://token.actions.githubusercontent.com` and every
    /// requirement given, read as the policy document `{ version: 1, github: {...} }`:
    /// `repository` (`"OWNER/REPO"`, the source repository), `owner` (`"OWNER"`),
    /// `signerWorkflow` (`"OWNER/REPO/.github/workflows/FILE.yml"`, optionally `@REF`: the workflow
    /// that signed, a reusable workflow's own repository), `sourceRef` (`"refs/heads/main"`),
    /// `sourceDigest` (the commit, hex), `denySelfHostedRunners` (`runnerEnvironment` must be
    /// `github-hosted`), `predicateType` (of the in-toto statement). At least one of
    /// `repository`, `owner` and `signerWorkflow` is required: a policy must name who signed. For
    /// patterns (a glob on the ref...) write a document for `Policy.fromJSON`.
    #[napi(factory, ts_args_type = "requirements: GithubRequirements")]
    pub fn github(env: Env, requirements: Option<Unknown<'_>>) -> napi::Result<Policy> {
        make(&env, || {
            shorthand(
                requirements,
                "github",
                &["repository", "owner", "signerWorkflow"],
            )
        })
    }

    /// A GitLab CI signer on gitlab.com: the issuer `https://gitlab.com` and every requirement
    /// given, read as the policy document `{ version: 1, gitlab: {...} }`: `project`
    /// (`"GROUP/PROJECT"`), `namespace` (`"GROUP"`), `signerConfig`
    /// (`"GROUP/PROJECT//PATH/.gitlab-ci.yml"`, optionally `@REF`), `sourceRef`, `sourceDigest`,
    /// `denySelfHostedRunners` (`runnerEnvironment` must be `gitlab-hosted`), `predicateType`. At
    /// least one of `project`, `namespace` and `signerConfig` is required.
    #[napi(factory, ts_args_type = "requirements: GitlabRequirements")]
    pub fn gitlab(env: Env, requirements: Option<Unknown<'_>>) -> napi::Result<Policy> {
        make(&env, || {
            shorthand(
                requirements,
                "gitlab",
                &["project", "namespace", "signerConfig"],
            )
        })
    }

    /// Accepts any certificate identity that chains to the trusted root. Only for callers that
    /// check `result.identity` and `result.issuer` themselves: the name says what it gives up.
    #[napi(factory)]
    pub fn without_identity_unsafe() -> Policy {
        Policy {
            inner: Arc::new(sigverify::Policy::without_identity_unsafe()),
        }
    }
}

/// The requirements of `Policy.github`.
// Typing only (index.d.ts): read field by field by [`shorthand`].
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct GithubRequirements {
    /// `"OWNER/REPO"`: the source repository (`sourceRepositoryURI`).
    pub repository: Option<String>,
    /// `"OWNER"`: the repository owner (`sourceRepositoryOwnerURI`).
    pub owner: Option<String>,
    /// `"OWNER/REPO/.github/workflows/FILE.yml"`, optionally `@REF`: the workflow that signed
    /// (`buildSignerURI`).
    pub signer_workflow: Option<String>,
    /// The exact source ref, e.g. `"refs/heads/main"` (`sourceRepositoryRef`).
    pub source_ref: Option<String>,
    /// The source commit, hex (`sourceRepositoryDigest`).
    pub source_digest: Option<String>,
    /// Require `runnerEnvironment` = `github-hosted`.
    pub deny_self_hosted_runners: Option<bool>,
    /// The in-toto statement's predicate type (DSSE bundles only).
    pub predicate_type: Option<String>,
}

/// The requirements of `Policy.gitlab`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct GitlabRequirements {
    /// `"GROUP/PROJECT"` (`sourceRepositoryURI`).
    pub project: Option<String>,
    /// `"GROUP"` (`sourceRepositoryOwnerURI`).
    pub namespace: Option<String>,
    /// `"GROUP/PROJECT//PATH/.gitlab-ci.yml"`, optionally `@REF` (`buildSignerURI`).
    pub signer_config: Option<String>,
    /// The exact source ref (`sourceRepositoryRef`).
    pub source_ref: Option<String>,
    /// The source commit, hex (`sourceRepositoryDigest`).
    pub source_digest: Option<String>,
    /// Require `runnerEnvironment` = `gitlab-hosted`.
    pub deny_self_hosted_runners: Option<bool>,
    /// The in-toto statement's predicate type.
    pub predicate_type: Option<String>,
}

/// `Policy.github` and `Policy.gitlab`: the options become a policy document
/// (`{ "version": 1, KIND: {...}, "statement": { "predicateType": ... } }`), which the core reads
/// as it reads any other, so there is one meaning of each requirement, and the core decides
/// whether they pin the signer.
fn shorthand(
    requirements: Option<Unknown<'_>>,
    kind: &str,
    who: &[&str],
) -> Result<sigverify::Policy, Failure> {
    let obj = inputs::object(requirements, "requirements")?.ok_or_else(|| {
        Failure::argument(format!(
            "requirements is required: {{ {} ... }}",
            who.join(", ")
        ))
    })?;
    let mut fields = serde_json::Map::new();
    for name in who.iter().chain(&["sourceRef", "sourceDigest"]) {
        if let Some(v) = obj.string(name)? {
            fields.insert((*name).to_owned(), serde_json::Value::String(v));
        }
    }
    if let Some(deny) = obj.read("denySelfHostedRunners", inputs::boolean)? {
        fields.insert(
            "denySelfHostedRunners".into(),
            serde_json::Value::Bool(deny),
        );
    }
    let mut doc = serde_json::Map::new();
    doc.insert("version".into(), 1.into());
    doc.insert(kind.to_owned(), serde_json::Value::Object(fields));
    if let Some(t) = obj.string("predicateType")? {
        doc.insert(
            "statement".into(),
            serde_json::json!({ "predicateType": t }),
        );
    }
    let json = serde_json::to_vec(&serde_json::Value::Object(doc))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    sigverify::Policy::from_json(&json).map_err(Failure::Load)
}
