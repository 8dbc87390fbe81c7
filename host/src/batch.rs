//! One verification of a bundle, and many of them in parallel: what `verify`, `verify_many`,
//! `verifyMany` and `verify-batch` share.

use std::sync::Arc;

use sigverify::limits::{Document, MAX_THRESHOLD};
use sigverify::{Artifact, Bundle, Policy, VerificationResult, Verifier};

use crate::{Data, Failure, Target};

/// One verification as the caller gave it.
pub struct Request<'a> {
    /// The bundle JSON.
    pub bundle: Data<'a>,
    /// The artifact's bytes or path (exclusive with `digest`).
    pub artifact: Option<Data<'a>>,
    /// The artifact's `ALG:HEX`.
    pub digest: Option<String>,
    /// Who must have signed; required.
    pub policy: Option<Arc<Policy>>,
}

/// A checked verification, ready to [`Job::run`].
pub struct Job<'a> {
    bundle: Data<'a>,
    target: Target<'a>,
    policy: Arc<Policy>,
}

impl<'a> Request<'a> {
    /// Checks the arguments: a policy, and exactly one of artifact and digest.
    pub fn validate(self) -> Result<Job<'a>, Failure> {
        let policy = self
            .policy
            .ok_or_else(|| Failure::argument("a policy is required"))?;
        let target = Target::new("artifact", self.artifact, self.digest.as_deref(), None)?;
        Ok(Job {
            bundle: self.bundle,
            target,
            policy,
        })
    }
}

impl Job<'_> {
    /// Verifies with `verifier`. An artifact file is hashed as a stream when one digest
    /// suffices for the bundle (`Bundle::artifact_digest_algorithm_for`: DSSE statements, and
    /// message signatures whose key signs that digest), so a large file is never held in
    /// memory; otherwise it is read.
    pub fn run(&self, verifier: &Verifier, now: i64) -> Result<VerificationResult, Failure> {
        let json = self.bundle.document("bundle", Document::Bundle)?;
        let bundle = Bundle::from_json(&json)?;
        let bytes;
        let artifact = match &self.target {
            Target::Digest(a, d) => Artifact::Digest(*a, d.clone()),
            Target::Data(data @ Data::Path(_)) => {
                match bundle.artifact_digest_algorithm_for(&self.policy) {
                    Some(alg) => Artifact::Digest(alg, data.digest(alg, "artifact")?),
                    None => {
                        bytes = data.read("artifact")?;
                        Artifact::Bytes(&bytes)
                    }
                }
            }
            Target::Data(data) => {
                bytes = data.read("artifact")?;
                Artifact::Bytes(&bytes)
            }
        };
        Ok(verifier.verify(&bundle, &artifact, &self.policy, now)?)
    }
}

/// The number of threads of a batch: `None` for one per CPU, else 1 to
/// `sigverify::limits::MAX_THRESHOLD`.
pub fn threads(jobs: Option<i64>) -> Result<usize, Failure> {
    match jobs {
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        Some(j) => usize::try_from(j)
            .ok()
            .filter(|j| (1..=MAX_THRESHOLD).contains(j))
            .ok_or_else(|| {
                Failure::argument(format!("jobs: expected 1 to {MAX_THRESHOLD}, found {j}"))
            }),
    }
}

/// Runs every job on up to `threads` threads, each behind the panic boundary; an item that
/// failed its own checks keeps its failure. One outcome per item, in input order.
pub fn run(
    verifier: &Verifier,
    items: &[Result<Job<'_>, Failure>],
    threads: usize,
    now: i64,
) -> Vec<Result<VerificationResult, Failure>> {
    let work = items.iter().filter(|i| i.is_ok()).count();
    sigverify::parallel_map(items, threads.min(work).max(1), |item| match item {
        Ok(job) => crate::guard(|| job.run(verifier, now)),
        Err(f) => Err(f.clone()),
    })
}
