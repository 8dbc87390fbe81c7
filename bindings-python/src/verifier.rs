//! `sigverify.Verifier`: trusted material prepared once, then bundles verified with the GIL
//! released, one at a time or in parallel.

use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::errors::{guard, Failure, IntoPyResult};
use crate::inputs::{Data, Job, JobArtifact, Request};
use crate::result::VerificationResult;
use crate::root::TrustedRoot;

/// Verifies bundles against one trusted root. Immutable and thread-safe: build it once, share it.
#[pyclass(frozen, module = "sigverify", name = "Verifier")]
pub(crate) struct Verifier {
    pub(crate) inner: sigverify::Verifier,
    options: sigverify::VerifierOptions,
    root_name: Option<&'static str>,
    witness_threshold: Option<usize>,
}

type Outcome = Result<sigverify::VerificationResult, Failure>;

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

/// Verifies one job; never panics (a panic becomes [`Failure::Internal`]).
///
/// An artifact file is hashed as a stream when one digest suffices for the bundle
/// (`Bundle::artifact_digest_algorithm_for`: DSSE statements, and message signatures whose key signs
/// that digest), so a large file is never held in memory; otherwise it is read.
fn run(verifier: &sigverify::Verifier, job: &Job<'_>, now: i64) -> Outcome {
    guard(|| {
        let json = job
            .bundle
            .read("bundle", Some(sigverify::limits::MAX_BUNDLE_BYTES))?;
        let bundle = sigverify::Bundle::from_json(&json).map_err(Failure::Verify)?;
        let stream = match &job.artifact {
            JobArtifact::Data(Data::Path(_)) => bundle.artifact_digest_algorithm_for(job.policy),
            _ => None,
        };
        let bytes;
        let owned;
        let artifact = match (&job.artifact, stream) {
            (JobArtifact::Digest(a), _) => *a,
            (JobArtifact::Data(Data::Path(p)), Some(alg)) => {
                owned =
                    sigverify::Artifact::Digest(alg, crate::inputs::hash_file(p, alg, "artifact")?);
                &owned
            }
            (JobArtifact::Data(d), _) => {
                bytes = d.read("artifact", None)?;
                owned = sigverify::Artifact::Bytes(&bytes);
                &owned
            }
        };
        verifier
            .verify(&bundle, artifact, job.policy, now)
            .map_err(Failure::Verify)
    })
}

#[pymethods]
impl Verifier {
    /// A verifier for `root`. The thresholds default to the core's (one transparency log entry,
    /// one SCT, no required timestamp).
    #[new]
    #[pyo3(signature = (root, *, tlog_threshold=None, timestamp_threshold=None, sct_threshold=None, witnesses=None, witness_threshold=None))]
    fn new(
        py: Python<'_>,
        root: PyRef<'_, TrustedRoot>,
        tlog_threshold: Option<i64>,
        timestamp_threshold: Option<i64>,
        sct_threshold: Option<i64>,
        witnesses: Option<Vec<String>>,
        witness_threshold: Option<i64>,
    ) -> PyResult<Verifier> {
        let build = || -> Result<Verifier, Failure> {
            let mut options = sigverify::VerifierOptions::default();
            options.tlog_threshold =
                threshold(tlog_threshold, "tlog_threshold", options.tlog_threshold)?;
            options.timestamp_threshold = threshold(
                timestamp_threshold,
                "timestamp_threshold",
                options.timestamp_threshold,
            )?;
            options.sct_threshold =
                threshold(sct_threshold, "sct_threshold", options.sct_threshold)?;
            // The core refuses thresholds out of range or that the root can never meet.
            let mut inner = sigverify::Verifier::with_options(
                &root.inner,
                options,
                sigverify::Backend::default(),
            )
            .map_err(Failure::Load)?;
            let mut k = None;
            match (witnesses, witness_threshold) {
                (None, None) => {}
                (None, Some(_)) => {
                    return Err(Failure::argument("witness_threshold needs witnesses"));
                }
                (Some(keys), t) => {
                    let list = keys
                        .iter()
                        .map(|v| sigverify::Witness::from_vkey(v))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(Failure::Load)?;
                    let n = threshold(t, "witness_threshold", list.len())?;
                    let policy = sigverify::WitnessPolicy::new(n, list).map_err(Failure::Load)?;
                    inner = inner.with_witness_policy(policy);
                    k = Some(n);
                }
            }
            Ok(Verifier {
                inner,
                options,
                root_name: root.name,
                witness_threshold: k,
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
        let request = Request::new(bundle, artifact, digest, Some(policy)).or_raise(py)?;
        let job = request.job();
        let inner = &self.inner;
        let now = now();
        let outcome = py.detach(|| run(inner, &job, now));
        outcome.map(VerificationResult::new).or_raise(py)
    }

    /// Verifies many bundles in parallel; returns one result or exception per item, in order.
    #[pyo3(signature = (items, *, policy=None, jobs=None))]
    fn verify_many<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
        policy: Option<&Bound<'py, PyAny>>,
        jobs: Option<i64>,
    ) -> PyResult<Bound<'py, PyList>> {
        let default_policy = policy.filter(|p| !p.is_none());
        if let Some(p) = default_policy {
            crate::inputs::policy(p).or_raise(py)?;
        }
        let threads = match jobs {
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
            Some(j) => usize::try_from(j)
                .ok()
                .filter(|j| (1..=1024).contains(j))
                .ok_or_else(|| {
                    Failure::argument(format!("jobs: expected 1 to 1024 or None, found {j}"))
                        .into_pyerr(py)
                })?,
        };
        if items.is_instance_of::<pyo3::types::PyString>()
            || items.is_instance_of::<pyo3::types::PyBytes>()
            || items.is_instance_of::<pyo3::types::PyDict>()
        {
            return Err(Failure::argument(
                "items: expected an iterable of (bundle, artifact[, policy]) tuples or dicts",
            )
            .into_pyerr(py));
        }
        let requests: Vec<Result<Request<'py>, Failure>> = items
            .try_iter()
            .map_err(|e| {
                Failure::argument_caused("items: expected an iterable of items", e).into_pyerr(py)
            })?
            .map(|item| item.map(|item| Request::from_item(&item, default_policy)))
            .collect::<PyResult<_>>()?;
        let mut failures: Vec<Option<Failure>> = Vec::with_capacity(requests.len());
        let mut work: Vec<Option<Job<'_>>> = Vec::with_capacity(requests.len());
        for r in &requests {
            match r {
                Ok(req) => work.push(Some(req.job())),
                Err(_) => work.push(None),
            }
        }
        let threads = threads
            .min(work.iter().filter(|j| j.is_some()).count())
            .max(1);
        let inner = &self.inner;
        let now = now();
        let outcomes = py.detach(|| {
            sigverify::parallel_map(&work, threads, |job| {
                job.as_ref().map(|job| run(inner, job, now))
            })
        });
        drop(work);
        for r in requests {
            failures.push(r.err());
        }
        let out = PyList::empty(py);
        for (outcome, failure) in outcomes.into_iter().zip(failures) {
            let value: Bound<'py, PyAny> = match (outcome, failure) {
                (_, Some(f)) => f.into_pyerr(py).into_value(py).into_bound(py).into_any(),
                (Some(Ok(r)), None) => Bound::new(py, VerificationResult::new(r))?.into_any(),
                (Some(Err(f)), None) => f.into_pyerr(py).into_value(py).into_bound(py).into_any(),
                (None, None) => Failure::Internal
                    .into_pyerr(py)
                    .into_value(py)
                    .into_bound(py)
                    .into_any(),
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
