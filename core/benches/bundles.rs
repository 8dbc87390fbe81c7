//! Whole bundles against their floor, in one run.
//!
//! For each conformance vector (happy-path-v0.3, happy-path-v0.1, happy-path-intoto-in-dsse-v3,
//! rekor2-happy-path), each compiled backend and each artifact form (a `sha256` digest, or the
//! bytes), criterion measures in group `bundle/VECTOR`:
//!
//! * `BACKEND/FORM/floor`: exactly the primitives the vector needs (see `common::plan`), with the
//!   same crypto crates as the backend;
//! * `BACKEND/FORM/verify`: `Verifier::verify` on a parsed `Bundle` (verifier built once);
//! * `BACKEND/FORM/verify_json`: `Verifier::verify_json` (bundle parsing included).
//!
//! `bench/run.sh` reads the results and prints whole/floor per vector.
//!
//! Without criterion, for instruction counts (callgrind) and for `bench/compare.sh`:
//! `SIGVERIFY_BENCH_LOOP=VECTOR,BACKEND,FORM,floor|verify|verify_json,ITERATIONS` runs that one
//! case in a loop inside `sigverify_bench_measured` and prints `ns_per_iter=...`
//! (`verify_json_2`: on two threads, per bundle per thread);
//! `SIGVERIFY_BENCH_LOOP=plan` prints each vector's floor.
// A bench is not library code: a vector that does not load or verify stops it, loudly.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{Floor, Form, Plan, Vector};
use criterion::Criterion;
use sigverify::{
    Artifact, Backend, Bundle, HashAlg, Policy, TrustedRoot, Verifier, VerifierOptions,
};

/// One vector, set up: its parsed inputs and its floor plan.
struct Case {
    v: Vector,
    plan: Plan,
    root: TrustedRoot,
    bundle: Bundle,
    policy: Policy,
    digest: Vec<u8>,
}

impl Case {
    fn new(name: &str) -> Case {
        let v = common::load(name);
        let plan = common::plan(&v);
        let root = TrustedRoot::from_json(&v.root_json).expect("trusted root");
        let bundle = Bundle::from_json(&v.bundle_json).expect("bundle");
        let policy = Policy::identity(&v.identity, &v.issuer).unwrap();
        let digest = Backend::default().hash(HashAlg::Sha256, &v.artifact);
        Case {
            v,
            plan,
            root,
            bundle,
            policy,
            digest,
        }
    }

    fn artifact(&self, form: Form) -> Artifact<'_> {
        match form {
            Form::Digest => Artifact::Digest(HashAlg::Sha256, self.digest.clone()),
            Form::Bytes => Artifact::Bytes(&self.v.artifact),
        }
    }

    fn verifier(&self, backend: Backend) -> Verifier {
        Verifier::with_options(&self.root, VerifierOptions::default(), backend).expect("verifier")
    }

    /// Checks, before anything is timed, that the whole verification and the floor both succeed.
    fn check(&self, backend: Backend, verifier: &Verifier, floor: &Floor<'_>) {
        for form in Form::ALL {
            let a = self.artifact(form);
            if let Err(e) = verifier.verify(&self.bundle, &a, &self.policy, common::now()) {
                panic!(
                    "{} [{} {}] does not verify: {e}",
                    self.v.name,
                    backend.name(),
                    form.name()
                );
            }
            assert!(
                floor.run(form),
                "{} [{} {}]: a primitive of the floor failed",
                self.v.name,
                backend.name(),
                form.name()
            );
        }
    }
}

fn benches(c: &mut Criterion) {
    let now = common::now();
    for name in common::VECTORS {
        let case = Case::new(name);
        let mut g = c.benchmark_group(format!("bundle/{name}"));
        for &backend in Backend::all() {
            let verifier = case.verifier(backend);
            let floor = Floor::new(backend, &case.plan);
            case.check(backend, &verifier, &floor);
            for form in Form::ALL {
                let id = |what: &str| format!("{}/{}/{what}", backend.name(), form.name());
                let artifact = case.artifact(form);
                g.bench_function(id("floor"), |b| b.iter(|| floor.run(black_box(form))));
                g.bench_function(id("verify"), |b| {
                    b.iter(|| {
                        verifier.verify(
                            black_box(&case.bundle),
                            black_box(&artifact),
                            &case.policy,
                            now,
                        )
                    })
                });
                g.bench_function(id("verify_json"), |b| {
                    b.iter(|| {
                        verifier.verify_json(
                            black_box(&case.v.bundle_json),
                            black_box(&artifact),
                            &case.policy,
                            now,
                        )
                    })
                });
            }
        }
        g.finish();
    }
}

/// The measured loop, under a name that callgrind's `--toggle-collect` can find.
#[inline(never)]
fn sigverify_bench_measured(iters: u64, f: &mut dyn FnMut() -> bool) -> u64 {
    let mut ok = 0;
    for _ in 0..iters {
        ok += u64::from(black_box(f()));
    }
    ok
}

fn loop_mode(spec: &str) {
    if spec == "plan" {
        for name in common::VECTORS {
            let plan = common::plan(&common::load(name));
            println!("{name}: {} signature verifications", plan.signature_count());
            for line in plan.describe() {
                println!("  - {line}");
            }
        }
        return;
    }
    let parts: Vec<&str> = spec.split(',').collect();
    let [name, backend, form, what, iters] = parts.as_slice() else {
        panic!(
            "SIGVERIFY_BENCH_LOOP=VECTOR,BACKEND,FORM,floor|verify|verify_json|verify_json_2,ITERATIONS or plan"
        );
    };
    let backend = common::backend_named(backend).expect("a backend compiled into this build");
    let form = Form::parse(form).expect("digest or bytes");
    let iters: u64 = iters.parse().expect("iterations");
    let case = Case::new(name);
    let verifier = case.verifier(backend);
    let floor = Floor::new(backend, &case.plan);
    case.check(backend, &verifier, &floor);
    let artifact = case.artifact(form);
    let now = common::now();
    if *what == "verify_json_2" {
        // Two threads sharing the verifier, half the iterations each; the time is per bundle
        // per thread (wall time × 2 / iterations): what two cores cost beyond perfect scaling,
        // the reference for `verify-batch --jobs 2`.
        let half = iters / 2;
        let one = || {
            let mut g = || {
                verifier
                    .verify_json(&case.v.bundle_json, &artifact, &case.policy, now)
                    .is_ok()
            };
            sigverify_bench_measured(half, &mut g)
        };
        let start = Instant::now();
        let ok = std::thread::scope(|s| {
            let other = s.spawn(one);
            one() + other.join().expect("the second thread")
        });
        let ns = start.elapsed().as_nanos() as f64 * 2.0 / (2 * half).max(1) as f64;
        assert_eq!(ok, 2 * half, "every iteration must verify");
        println!("ns_per_iter={ns:.0}");
        return;
    }
    let mut f: Box<dyn FnMut() -> bool> = match *what {
        "floor" => Box::new(|| floor.run(form)),
        "verify" => Box::new(|| {
            verifier
                .verify(&case.bundle, &artifact, &case.policy, now)
                .is_ok()
        }),
        "verify_json" => Box::new(|| {
            verifier
                .verify_json(&case.v.bundle_json, &artifact, &case.policy, now)
                .is_ok()
        }),
        other => panic!("unknown measurement {other:?}"),
    };
    let start = Instant::now();
    let ok = sigverify_bench_measured(iters, &mut f);
    let ns = start.elapsed().as_nanos() as f64 / iters.max(1) as f64;
    assert_eq!(ok, iters, "every iteration must verify");
    println!("ns_per_iter={ns:.0}");
}

fn main() {
    if let Ok(spec) = std::env::var("SIGVERIFY_BENCH_LOOP") {
        loop_mode(&spec);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
