//! What a successful verification tells the caller, as immutable Python objects. Attributes are
//! built on access, so a caller that only needs "verified or not" pays for nothing else.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::convert;
use crate::errors::{guard, IntoPyResult};

/// The outcome of a successful verification.
#[pyclass(frozen, module = "sigverify", name = "VerificationResult")]
pub(crate) struct VerificationResult {
    inner: sigverify::VerificationResult,
}

impl VerificationResult {
    pub(crate) fn new(inner: sigverify::VerificationResult) -> Self {
        VerificationResult { inner }
    }

    pub(crate) fn core(&self) -> &sigverify::VerificationResult {
        &self.inner
    }

    fn json_value(&self, py: Python<'_>) -> PyResult<serde_json::Value> {
        guard(|| Ok(self.inner.to_json())).or_raise(py)
    }
}

#[pymethods]
impl VerificationResult {
    /// `"certificate"` (keyless) or `"key"` (managed key).
    #[getter]
    fn signer_type(&self) -> &'static str {
        self.inner.signer_type()
    }

    #[getter]
    fn identity(&self) -> Option<&str> {
        self.inner.identity()
    }

    #[getter]
    fn identity_type(&self) -> Option<&'static str> {
        self.inner.san().map(sigverify::San::kind)
    }

    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.issuer()
    }

    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for c in self.inner.claims() {
            dict.set_item(c.name, &c.value)?;
        }
        Ok(dict)
    }

    #[getter]
    fn claim_oids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for c in self.inner.claims() {
            dict.set_item(&c.oid, &c.value)?;
        }
        Ok(dict)
    }

    #[getter]
    fn certificate<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner
            .certificate_der()
            .map(|der| PyBytes::new(py, der))
    }

    #[getter]
    fn key_sha256(&self) -> Option<&str> {
        self.inner.key_sha256()
    }

    #[getter]
    fn verified_times<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let times = self
            .inner
            .verified_times
            .iter()
            .map(VerifiedTime::from_core);
        PyList::new(py, times)
    }

    #[getter]
    fn earliest_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A successful verification always has at least one verified time.
        convert::datetime(py, self.inner.earliest_time().unwrap_or_default())
    }

    #[getter]
    fn log_entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self
            .inner
            .log_entries
            .iter()
            .map(|e| LogEntry { inner: e.clone() });
        PyList::new(py, entries)
    }

    #[getter]
    fn statement(&self) -> Option<Statement> {
        self.inner
            .statement
            .as_ref()
            .map(|s| Statement { inner: s.clone() })
    }

    /// Every claim the policy checked, with what was required and what was found.
    #[getter]
    fn policy_checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let checks = self
            .inner
            .policy_checks
            .iter()
            .map(|c| CheckedClaim { inner: c.clone() });
        PyList::new(py, checks)
    }

    #[getter]
    fn bundle_version(&self) -> &'static str {
        self.inner.bundle_version.as_str()
    }

    #[getter]
    fn signature_digest_algorithm(&self) -> Option<&'static str> {
        self.inner.signature_digest_algorithm.map(|h| h.name())
    }

    #[getter]
    fn media_type(&self) -> &str {
        &self.inner.media_type
    }

    #[getter]
    fn backend(&self) -> &'static str {
        self.inner.backend
    }

    /// The whole result as JSON text (the CLI's `--json` document).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let v = self.json_value(py)?;
        guard(|| Ok(v.to_string())).or_raise(py)
    }

    /// The whole result as `json.loads(self.to_json())` would give it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::json(py, &self.json_value(py)?)
    }

    fn __repr__(&self) -> String {
        match self.inner.key_sha256() {
            Some(key) => format!("<VerificationResult key_sha256={key:?}>"),
            None => format!(
                "<VerificationResult identity={:?} issuer={:?}>",
                self.inner.identity().unwrap_or(""),
                self.inner.issuer().unwrap_or("")
            ),
        }
    }
}

/// A time at which the signature is known to have existed, with its source.
#[pyclass(frozen, module = "sigverify", name = "VerifiedTime")]
pub(crate) struct VerifiedTime {
    inner: sigverify::VerifiedTime,
}

impl VerifiedTime {
    fn from_core(t: &sigverify::VerifiedTime) -> VerifiedTime {
        VerifiedTime { inner: t.clone() }
    }
}

#[pymethods]
impl VerifiedTime {
    #[getter]
    fn time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::datetime(py, self.inner.time)
    }

    #[getter]
    fn unix(&self) -> i64 {
        self.inner.time
    }

    /// `"transparency-log"` or `"rfc3161-timestamp"` (the names of `to_json()`).
    #[getter]
    fn source(&self) -> &'static str {
        match &self.inner.source {
            sigverify::TimeSource::TransparencyLog { .. } => "transparency-log",
            sigverify::TimeSource::Timestamp { .. } => "rfc3161-timestamp",
            _ => "unknown",
        }
    }

    #[getter]
    fn log_url(&self) -> Option<&str> {
        match &self.inner.source {
            sigverify::TimeSource::TransparencyLog { log_url, .. } => Some(log_url),
            _ => None,
        }
    }

    #[getter]
    fn log_index(&self) -> Option<u64> {
        match &self.inner.source {
            sigverify::TimeSource::TransparencyLog { log_index, .. } => Some(*log_index),
            _ => None,
        }
    }

    #[getter]
    fn authority(&self) -> Option<&str> {
        match &self.inner.source {
            sigverify::TimeSource::Timestamp { authority } => Some(authority),
            _ => None,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "<VerifiedTime {} from {}>",
            sigverify::format_time(self.inner.time),
            self.source()
        )
    }
}

/// A transparency log entry that verified.
#[pyclass(frozen, module = "sigverify", name = "LogEntry")]
pub(crate) struct LogEntry {
    inner: sigverify::LogEntryInfo,
}

#[pymethods]
impl LogEntry {
    #[getter]
    fn log_url(&self) -> &str {
        &self.inner.log_url
    }

    #[getter]
    fn log_id(&self) -> &str {
        &self.inner.log_id
    }

    #[getter]
    fn log_index(&self) -> Option<u64> {
        self.inner.log_index
    }

    #[getter]
    fn kind(&self) -> &str {
        &self.inner.kind
    }

    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    #[getter]
    fn integrated_time<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .integrated_time
            .map(|t| convert::datetime(py, t))
            .transpose()
    }

    #[getter]
    fn inclusion_proof(&self) -> bool {
        self.inner.inclusion_proof
    }

    #[getter]
    fn checkpoint_origin(&self) -> Option<&str> {
        self.inner.checkpoint_origin.as_deref()
    }

    #[getter]
    fn cosigned_by(&self) -> Vec<String> {
        self.inner.cosigned_by.clone()
    }

    fn __repr__(&self) -> String {
        let index = self
            .inner
            .log_index
            .map(|i| format!(" #{i}"))
            .unwrap_or_default();
        format!(
            "<LogEntry {}{index} {}/{}>",
            self.inner.log_url, self.inner.kind, self.inner.version
        )
    }
}

/// A claim that the policy checked.
#[pyclass(frozen, module = "sigverify", name = "CheckedClaim")]
pub(crate) struct CheckedClaim {
    inner: sigverify::CheckedClaim,
}

#[pymethods]
impl CheckedClaim {
    #[getter]
    fn claim(&self) -> &str {
        &self.inner.claim
    }

    #[getter]
    fn expected(&self) -> &str {
        &self.inner.expected
    }

    #[getter]
    fn found(&self) -> Option<&str> {
        self.inner.found.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "<CheckedClaim {}: expected {}, found {:?}>",
            self.inner.claim, self.inner.expected, self.inner.found
        )
    }
}

/// The in-toto statement of a DSSE bundle.
#[pyclass(frozen, module = "sigverify", name = "Statement")]
pub(crate) struct Statement {
    inner: sigverify::Statement,
}

#[pymethods]
impl Statement {
    /// `_type`.
    #[getter]
    fn r#type(&self) -> &str {
        &self.inner.statement_type
    }

    #[getter]
    fn predicate_type(&self) -> &str {
        &self.inner.predicate_type
    }

    #[getter]
    fn subjects<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let subjects = self
            .inner
            .subjects
            .iter()
            .map(|s| Subject { inner: s.clone() });
        PyList::new(py, subjects)
    }

    #[getter]
    fn predicate<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::json(py, &self.inner.predicate)
    }

    fn __repr__(&self) -> String {
        format!(
            "<Statement predicate_type={:?} subjects={}>",
            self.inner.predicate_type,
            self.inner.subjects.len()
        )
    }
}

/// One subject of an in-toto statement.
#[pyclass(frozen, module = "sigverify", name = "Subject")]
pub(crate) struct Subject {
    inner: sigverify::Subject,
}

#[pymethods]
impl Subject {
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    #[getter]
    fn digest<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (k, v) in &self.inner.digest {
            dict.set_item(k, v)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("<Subject {:?}>", self.inner.name)
    }
}
