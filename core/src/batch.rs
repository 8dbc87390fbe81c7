//! Batch verification: many bundles, in parallel, results in input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::Error;
use crate::{Artifact, Policy, VerificationResult, Verifier};

/// One item of a batch.
#[derive(Clone, Debug)]
pub struct BatchItem<'a> {
    /// The bundle, JSON bytes.
    pub bundle: &'a [u8],
    /// The artifact or its digest.
    pub artifact: Artifact<'a>,
    /// What the signer must be.
    pub policy: &'a Policy,
}

/// Maps `f` over `items` on up to `jobs` threads (0 = the number of CPUs), returning the results
/// in input order. Work is handed out one item at a time, so uneven items balance. Where threads
/// cannot be spawned (e.g. wasm32-unknown-unknown) it runs sequentially.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let jobs = match jobs {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        j => j,
    }
    .min(items.len().max(1));
    if jobs <= 1 {
        return items.iter().map(&f).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    let work = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let r = f(item);
        if let Ok(mut all) = results.lock() {
            if let Some(slot) = all.get_mut(i) {
                *slot = Some(r);
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..jobs {
            if std::thread::Builder::new().spawn_scoped(s, work).is_err() {
                break;
            }
        }
        work();
    });
    let all = results.into_inner().unwrap_or_else(|p| p.into_inner());
    // Every index below items.len() was claimed by exactly one worker and filled.
    let out: Vec<R> = all.into_iter().flatten().collect();
    debug_assert_eq!(out.len(), items.len());
    out
}

impl Verifier {
    /// Verifies many bundles on up to `jobs` threads (0 = the number of CPUs); one result per
    /// item, in input order. The verifier is shared, not copied.
    pub fn verify_batch(
        &self,
        items: &[BatchItem<'_>],
        jobs: usize,
        now: i64,
    ) -> Vec<Result<VerificationResult, Error>> {
        parallel_map(items, jobs, |it| {
            self.verify_json(it.bundle, &it.artifact, it.policy, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_kept_whatever_the_jobs() {
        let items: Vec<u64> = (0..1000).collect();
        for jobs in [0, 1, 2, 3, 8, 5000] {
            let out = parallel_map(&items, jobs, |x| x * 2);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
        assert!(parallel_map(&Vec::<u8>::new(), 4, |x| *x).is_empty());
    }
}
