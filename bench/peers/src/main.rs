//! bench/compare.sh's harness for sigstore-rust (crate `sigstore-verify`).
//!
//! peer-sigstore-rs once|loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER [ITERATIONS]
//!
//! `once`: read the files, prepare the verifier, parse and verify one bundle (a whole process).
//! `loop`: prepare the verifier once, then parse and verify the bundle ITERATIONS times from
//! memory and print `ns_per_iter=N`. Exit 0 when verified.

use std::time::Instant;

use sigstore_verify::trust_root::TrustedRoot;
use sigstore_verify::types::Bundle;
use sigstore_verify::{VerificationPolicy, Verifier};

/// The measured loop, under a name that callgrind's `--toggle-collect` can find.
#[inline(never)]
fn peer_bench_measured(n: u64, f: &dyn Fn() -> Result<(), String>) {
    for _ in 0..n {
        std::hint::black_box(f()).expect("verifies");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, bundle, artifact, root, identity, issuer, rest @ ..] = args.as_slice() else {
        eprintln!(
            "usage: peer-sigstore-rs once|loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER [N]"
        );
        std::process::exit(2);
    };
    let read = |p: &str| std::fs::read(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let bundle_json = String::from_utf8(read(bundle)).expect("UTF-8 bundle");
    let artifact = read(artifact);
    let root = TrustedRoot::from_json(&String::from_utf8(read(root)).expect("UTF-8 root"))
        .expect("trusted root");
    let verifier = Verifier::new(&root).expect("verifier");
    let policy = VerificationPolicy::new(identity.as_str(), issuer.as_str());
    let verify_one = || -> Result<(), String> {
        let b = Bundle::from_json(&bundle_json).map_err(|e| e.to_string())?;
        verifier
            .verify(artifact.as_slice(), &b, &policy)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    match mode.as_str() {
        "once" => {
            if let Err(e) = verify_one() {
                eprintln!("verification failed: {e}");
                std::process::exit(1);
            }
        }
        "loop" => {
            let n: u64 = rest.first().and_then(|n| n.parse().ok()).unwrap_or(100);
            if let Err(e) = verify_one() {
                eprintln!("verification failed: {e}");
                std::process::exit(1);
            }
            let t = Instant::now();
            peer_bench_measured(n, &verify_one);
            println!(
                "ns_per_iter={:.0}",
                t.elapsed().as_nanos() as f64 / n as f64
            );
        }
        other => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}
