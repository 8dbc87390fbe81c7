//! `sigverify.TrustedRoot`: what a deployment trusts (Fulcio CAs, logs, TSAs).

use pyo3::prelude::*;

use crate::errors::{guard, Failure, IntoPyResult};
use crate::inputs;

/// A parsed `trusted_root.json`. Immutable; share it freely.
#[pyclass(frozen, module = "sigverify", name = "TrustedRoot")]
pub(crate) struct TrustedRoot {
    pub(crate) inner: sigverify::TrustedRoot,
    /// `public-good`, `staging` or `github` for the embedded roots.
    pub(crate) name: Option<&'static str>,
}

fn embedded(py: Python<'_>, instance: sigverify_host::Instance) -> PyResult<TrustedRoot> {
    guard(|| instance.trusted_root())
        .map(|inner| TrustedRoot {
            inner,
            name: Some(instance.name()),
        })
        .or_raise(py)
}

#[pymethods]
impl TrustedRoot {
    /// The embedded Sigstore public-good (production) root.
    #[staticmethod]
    fn public_good(py: Python<'_>) -> PyResult<TrustedRoot> {
        embedded(py, sigverify_host::Instance::PublicGood)
    }

    /// The embedded Sigstore staging root.
    #[staticmethod]
    fn staging(py: Python<'_>) -> PyResult<TrustedRoot> {
        embedded(py, sigverify_host::Instance::Staging)
    }

    /// The embedded root of GitHub's own Sigstore instance.
    #[staticmethod]
    fn github(py: Python<'_>) -> PyResult<TrustedRoot> {
        embedded(py, sigverify_host::Instance::GitHub)
    }

    /// Parses a `trusted_root.json` document (bytes, or str as JSON text).
    #[staticmethod]
    fn from_json(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<TrustedRoot> {
        let bytes = inputs::document(data, "data").or_raise(py)?;
        guard(|| sigverify::TrustedRoot::from_json(&bytes).map_err(Failure::Load))
            .map(|inner| TrustedRoot { inner, name: None })
            .or_raise(py)
    }

    #[getter]
    fn name(&self) -> Option<&'static str> {
        self.name
    }

    #[getter]
    fn tlog_count(&self) -> usize {
        self.inner.tlog_count()
    }

    #[getter]
    fn ctlog_count(&self) -> usize {
        self.inner.ctlog_count()
    }

    #[getter]
    fn certificate_authority_count(&self) -> usize {
        self.inner.certificate_authority_count()
    }

    #[getter]
    fn timestamp_authority_count(&self) -> usize {
        self.inner.timestamp_authority_count()
    }

    fn __repr__(&self) -> String {
        match self.name {
            Some("public-good") => "TrustedRoot.public_good()".into(),
            Some(n) => format!("TrustedRoot.{n}()"),
            None => format!(
                "<TrustedRoot tlogs={} ctlogs={} certificate_authorities={} timestamp_authorities={}>",
                self.inner.tlog_count(),
                self.inner.ctlog_count(),
                self.inner.certificate_authority_count(),
                self.inner.timestamp_authority_count()
            ),
        }
    }
}
