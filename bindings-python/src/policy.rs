//! `sigverify.Policy`: who must have signed.

use pyo3::prelude::*;

use crate::errors::{guard, Failure, IntoPyResult};
use crate::inputs;

/// A requirement on the signer. Immutable; share it freely.
#[pyclass(frozen, module = "sigverify", name = "Policy")]
pub(crate) struct Policy {
    pub(crate) inner: sigverify::Policy,
    repr: String,
}

#[pymethods]
impl Policy {
    /// The certificate's SAN must equal `identity` and its OIDC issuer `issuer`, exactly.
    #[staticmethod]
    fn identity(py: Python<'_>, identity: &str, issuer: &str) -> PyResult<Policy> {
        // The core treats a certificate without a SAN as having the identity "": an empty
        // identity would accept it, so it is refused here.
        if identity.is_empty() || issuer.is_empty() {
            return Err(Failure::argument(
                "Policy.identity: the identity and the issuer must not be empty",
            )
            .into_pyerr(py));
        }
        Ok(Policy {
            inner: sigverify::Policy::identity(identity, issuer),
            repr: format!("Policy.identity({identity:?}, {issuer:?})"),
        })
    }

    /// The bundle must be signed by this managed key (PEM `PUBLIC KEY`).
    #[staticmethod]
    fn key(py: Python<'_>, pem: &Bound<'_, PyAny>) -> PyResult<Policy> {
        let bytes = inputs::document(pem, "pem").or_raise(py)?;
        guard(|| sigverify::Policy::key_pem(&bytes).map_err(Failure::Load))
            .map(|inner| Policy {
                inner,
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
                inner,
                repr: "Policy.from_json(...)".into(),
            })
            .or_raise(py)
    }

    /// Accepts any certificate identity that chains to the trusted root.
    #[staticmethod]
    fn without_identity_unsafe() -> Policy {
        Policy {
            inner: sigverify::Policy::without_identity_unsafe(),
            repr: "Policy.without_identity_unsafe()".into(),
        }
    }

    fn __repr__(&self) -> String {
        self.repr.clone()
    }
}
