//! `sigverify.Verifier`: trusted material prepared once, then bundles verified with the GIL
//! released, one at a time or in parallel.

use pyo3::prelude::*;
use pyo3::types::PyList;

use std::sync::Arc;

use crate::errors::{argument_caused, guard, opt, to_pyerr, Arg, Failure, IntoPyResult};
use crate::inputs::Item;
use crate::result::VerificationResult;
use crate::root::TrustedRoot;

/// Verifies bundles against one trusted root. Immutable and thread-safe: build it once, share it.
#[pyclass(frozen, module = "sigverify", name = "Verifier")]
pub(crate) struct Verifier {
    pub(crate) inner: Arc<sigverify::Verifier>,
    options: sigverify::VerifierOptions,
    root_name: Option<&'static str>,
    witness_threshold: Option<usize>,
}

/// The system clock, read by the binding-neutral layer for every face.
pub(crate) use sigverify_host::now;

/// A threshold as the core takes it (a count); the core decides its range and whether the root
/// can meet it.
fn threshold(value: Option<i64>, name: &str, default: usize) -> Result<usize, Failure> {
    match value {
        None => Ok(default),
        Some(v) => usize::try_from(v)
            .map_err(|_| Failure::argument(format!("{name}: expected a count, found {v}"))),
    }
}

#[pymethods]
impl Verifier {
    /// A verifier for `root`. The thresholds default to the core's (one transparency log entry,
    /// one SCT, no required timestamp).
    #[new]
    #[pyo3(signature = (root, *, tlog_threshold=None, timestamp_threshold=None, sct_threshold=None, witnesses=None, witness_threshold=None))]
    fn new(
        py: Python<'_>,
        root: Arg<PyRef<'_, TrustedRoot>>,
        tlog_threshold: Option<Arg<i64>>,
        timestamp_threshold: Option<Arg<i64>>,
        sct_threshold: Option<Arg<i64>>,
        witnesses: Option<Arg<Vec<String>>>,
        witness_threshold: Option<Arg<i64>>,
    ) -> PyResult<Verifier> {
        let root = root.0;
        let tlog_threshold = opt(tlog_threshold);
        let timestamp_threshold = opt(timestamp_threshold);
        let sct_threshold = opt(sct_threshold);
        let witnesses = opt(witnesses);
        let witness_threshold = opt(witness_threshold);
        let build = || -> Result<Verifier, Failure> {
            let count = |v, name| threshold(v, name, 0).map(|n| v.map(|_| n));
            let built = sigverify_host::VerifierRequest {
                root: &root.inner,
                instance: root.name.map(sigverify_host::Instance::parse).transpose()?,
                tlog_threshold: count(tlog_threshold, "tlog_threshold")?,
                sct_threshold: count(sct_threshold, "sct_threshold")?,
                timestamp_threshold: count(timestamp_threshold, "timestamp_threshold")?,
                witnesses,
                witness_threshold: count(witness_threshold, "witness_threshold")?,
            }
            .build()?;
            Ok(Verifier {
                inner: built.verifier,
                options: built.options,
                root_name: root.name,
                witness_threshold: built.witness_threshold,
            })
        };
        guard(build).or_raise(py)
    }

    /// Verifies one bundle. Raises `VerificationError` or `InvalidInput`.
    #[pyo3(signature = (bundle, artifact=None, *, digest=None, policy))]
    fn verify(
        &self,
        py: Python<'_>,
        bundle: &Bound<'_, PyAny>,
        artifact: Option<&Bound<'_, PyAny>>,
        digest: Option<&Bound<'_, PyAny>>,
        policy: &Bound<'_, PyAny>,
    ) -> PyResult<VerificationResult> {
        let item = Item::new(bundle, artifact, digest, Some(policy)).or_raise(py)?;
        let job = item.request().validate().or_raise(py)?;
        let (inner, now) = (&self.inner, now());
        py.detach(|| guard(|| job.run(inner, now)))
            .map(VerificationResult::new)
            .or_raise(py)
    }

    /// Verifies many bundles in parallel; returns one result or exception per item, in order.
    #[pyo3(signature = (items, *, policy=None, jobs=None))]
    fn verify_many<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        jobs: Option<Arg<i64>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let jobs = opt(jobs);
        let default_policy = crate::inputs::given(policy);
        crate::inputs::policy(default_policy).or_raise(py)?;
        let threads = sigverify_host::batch::threads(jobs).or_raise(py)?;
        if items.is_instance_of::<pyo3::types::PyString>()
            || items.is_instance_of::<pyo3::types::PyBytes>()
            || items.is_instance_of::<pyo3::types::PyDict>()
        {
            return Err(to_pyerr(
                py,
                Failure::argument(
                    "items: expected an iterable of (bundle, artifact[, policy]) tuples or dicts",
                ),
            ));
        }
        let converted: Vec<Result<Item<'py>, Failure>> = items
            .try_iter()
            .map_err(|e| {
                to_pyerr(
                    py,
                    argument_caused("items: expected an iterable of items", e),
                )
            })?
            .map(|item| item.map(|item| Item::from_item(&item, default_policy)))
            .collect::<PyResult<_>>()?;
        let jobs: Vec<_> = converted
            .iter()
            .map(|c| match c {
                Ok(item) => item.request().validate(),
                Err(f) => Err(f.clone()),
            })
            .collect();
        let (inner, now) = (&self.inner, now());
        let outcomes = py.detach(|| sigverify_host::batch::run(inner, &jobs, threads, now));
        let out = PyList::empty(py);
        for outcome in outcomes {
            let value: Bound<'py, PyAny> = match outcome {
                Ok(r) => Bound::new(py, VerificationResult::new(r))?.into_any(),
                Err(f) => to_pyerr(py, f).into_value(py).into_bound(py).into_any(),
            };
            out.append(value)?;
        }
        Ok(out)
    }

    #[getter]
    fn tlog_threshold(&self) -> usize {
        self.options.tlog_threshold
    }

    #[getter]
    fn timestamp_threshold(&self) -> usize {
        self.options.timestamp_threshold
    }

    #[getter]
    fn sct_threshold(&self) -> usize {
        self.options.sct_threshold
    }

    #[getter]
    fn witness_threshold(&self) -> Option<usize> {
        self.witness_threshold
    }

    #[getter]
    fn backend(&self) -> &'static str {
        self.inner.backend().name()
    }

    fn __repr__(&self) -> String {
        let root = match self.root_name {
            Some("public-good") => "TrustedRoot.public_good()".to_owned(),
            Some(n) => format!("TrustedRoot.{n}()"),
            None => "TrustedRoot.from_json(...)".to_owned(),
        };
        format!(
            "Verifier({root}, tlog_threshold={}, timestamp_threshold={}, sct_threshold={})",
            self.options.tlog_threshold,
            self.options.timestamp_threshold,
            self.options.sct_threshold
        )
    }
}
