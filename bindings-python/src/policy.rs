//! `sigverify.Policy`: who must have signed.

use pyo3::prelude::*;

use serde_json::{Map, Value};

use crate::errors::{guard, opt_str, Arg, Failure, IntoPyResult};
use crate::inputs;

/// A requirement on the signer. Immutable; share it freely.
#[pyclass(frozen, module = "sigverify", name = "Policy")]
pub(crate) struct Policy {
    pub(crate) inner: std::sync::Arc<sigverify::Policy>,
    repr: String,
}

#[pymethods]
impl Policy {
    /// The certificate's SAN must equal `identity` and its OIDC issuer `issuer`, exactly.
    #[staticmethod]
    fn identity(py: Python<'_>, identity: Arg<String>, issuer: Arg<String>) -> PyResult<Policy> {
        let identity: &str = &identity.0;
        let issuer: &str = &issuer.0;
        guard(|| sigverify::Policy::identity(identity, issuer).map_err(Failure::Load))
            .map(|inner| Policy {
                inner: inner.into(),
                repr: format!("Policy.identity({identity:?}, {issuer:?})"),
            })
            .or_raise(py)
    }

    /// The bundle must be signed by this managed key (PEM `PUBLIC KEY`).
    #[staticmethod]
    fn key(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let bytes = inputs::document(pem, "pem").or_raise(py)?;
        guard(|| sigverify::Policy::key_pem(&bytes).map_err(Failure::Load))
            .map(|inner| Policy {
                inner: inner.into(),
                repr: "Policy.key(...)".into(),
            })
            .or_raise(py)
    }

    /// A policy document (JSON, `"version": 1`).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let bytes = inputs::document(data, "data").or_raise(py)?;
        guard(|| sigverify::Policy::from_json(&bytes).map_err(Failure::Load))
            .map(|inner| Policy {
                inner: inner.into(),
                repr: "Policy.from_json(...)".into(),
            })
            .or_raise(py)
    }

    /// A GitHub Actions signer: the policy document `{"version": 1, "github": {...}}` (issuer
    /// GitHub Actions, and each requirement given).
    #[staticmethod]
    #[pyo3(signature = (*, repository=None, owner=None, signer_workflow=None, source_ref=None, source_digest=None, deny_self_hosted_runners=false, predicate_type=None))]
    #[allow(clippy::too_many_arguments)]
    fn github(
        py: Python<'_>,
        repository: Option<Arg<String>>,
        owner: Option<Arg<String>>,
        signer_workflow: Option<Arg<String>>,
        source_ref: Option<Arg<String>>,
        source_digest: Option<Arg<String>>,
        deny_self_hosted_runners: bool,
        predicate_type: Option<Arg<String>>,
    ) -> PyResult<Policy> {
        shorthand(
            py,
            "github",
            &[
                ("repository", "repository", opt_str(&repository)),
                ("owner", "owner", opt_str(&owner)),
                (
                    "signer_workflow",
                    "signerWorkflow",
                    opt_str(&signer_workflow),
                ),
                ("source_ref", "sourceRef", opt_str(&source_ref)),
                ("source_digest", "sourceDigest", opt_str(&source_digest)),
            ],
            deny_self_hosted_runners,
            opt_str(&predicate_type),
        )
    }

    /// A GitLab CI signer (gitlab.com): the policy document `{"version": 1, "gitlab": {...}}`.
    #[staticmethod]
    #[pyo3(signature = (*, project=None, namespace=None, signer_config=None, source_ref=None, source_digest=None, deny_self_hosted_runners=false, predicate_type=None))]
    #[allow(clippy::too_many_arguments)]
    fn gitlab(
        py: Python<'_>,
        project: Option<Arg<String>>,
        namespace: Option<Arg<String>>,
        signer_config: Option<Arg<String>>,
        source_ref: Option<Arg<String>>,
        source_digest: Option<Arg<String>>,
        deny_self_hosted_runners: bool,
        predicate_type: Option<Arg<String>>,
    ) -> PyResult<Policy> {
        shorthand(
            py,
            "gitlab",
            &[
                ("project", "project", opt_str(&project)),
                ("namespace", "namespace", opt_str(&namespace)),
                ("signer_config", "signerConfig", opt_str(&signer_config)),
                ("source_ref", "sourceRef", opt_str(&source_ref)),
                ("source_digest", "sourceDigest", opt_str(&source_digest)),
            ],
            deny_self_hosted_runners,
            opt_str(&predicate_type),
        )
    }

    /// Accepts any certificate identity that chains to the trusted root.
    #[staticmethod]
    fn without_identity_unsafe() -> Policy {
        Policy {
            inner: sigverify::Policy::without_identity_unsafe().into(),
            repr: "Policy.without_identity_unsafe()".into(),
        }
    }

    fn __repr__(&self) -> String {
        self.repr.clone()
    }
}

/// `Policy.github` / `Policy.gitlab`: the keywords become a policy document, read by the core
/// like any other (`docs/policy.md`), so the two forms cannot drift apart, and the core decides
/// whether they pin the signer. `fields` are (keyword, document field, value).
fn shorthand(
    py: Python<'_>,
    provider: &'static str,
    fields: &[(&str, &str, Option<&str>)],
    deny_self_hosted_runners: bool,
    predicate_type: Option<&str>,
) -> PyResult<Policy> {
    let build = || -> Result<Policy, Failure> {
        let mut section = Map::new();
        let mut repr = Vec::new();
        for (keyword, field, value) in fields {
            if let Some(v) = value {
                section.insert((*field).to_owned(), Value::from(*v));
                repr.push(format!("{keyword}={v:?}"));
            }
        }
        if deny_self_hosted_runners {
            section.insert("denySelfHostedRunners".into(), Value::Bool(true));
            repr.push("deny_self_hosted_runners=True".into());
        }
        let mut doc = Map::new();
        doc.insert("version".into(), Value::from(1));
        doc.insert(provider.into(), Value::Object(section));
        if let Some(t) = predicate_type {
            let mut st = Map::new();
            st.insert("predicateType".into(), Value::from(t));
            doc.insert("statement".into(), Value::Object(st));
            repr.push(format!("predicate_type={t:?}"));
        }
        let json = Value::Object(doc).to_string();
        let inner = sigverify::Policy::from_json(json.as_bytes()).map_err(Failure::Load)?;
        Ok(Policy {
            inner: inner.into(),
            repr: format!("Policy.{provider}({})", repr.join(", ")),
        })
    };
    guard(build).or_raise(py)
}
