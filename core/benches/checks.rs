//! Each step through the public API, as far as it can be isolated: parsing a bundle
//! (`Bundle::from_json`), parsing a trusted root (`TrustedRoot::from_json`, the embedded
//! `TrustedRoot::public_good`), preparing a verifier (`Verifier::new`: keys parsed, CA and TSA
//! chains validated), parsing policies (`Policy::from_json`), parsing a digest, hashing an
//! artifact as a stream, and rendering a result as JSON.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use sigverify::{
    Artifact, Backend, Bundle, HashAlg, Policy, TrustedRoot, Verifier, VerifierOptions,
};

/// The exact-identity policy the conformance vectors use, as a document.
const POLICY_IDENTITY: &str = r#"{"version": 1,
  "identity": "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
  "issuer": "https://token.actions.githubusercontent.com"}"#;

/// A CI provenance policy, as in the README (GitHub shorthands, a glob claim, statement checks).
const POLICY_PROVENANCE: &str = r#"{
  "version": 1,
  "github": {
    "repository": "OWNER/REPO",
    "signerWorkflow": "OWNER/REPO/.github/workflows/release.yml",
    "denySelfHostedRunners": true
  },
  "claims": {"sourceRepositoryRef": {"glob": "refs/tags/v*"}},
  "statement": {"predicateType": "https://slsa.dev/provenance/v1",
                "builderId": {"glob": "https://github.com/OWNER/REPO/**"}}
}"#;

/// A policy with an anchored regular expression (compiled when parsed).
const POLICY_REGEX: &str = r#"{"version": 1,
  "identity": {"regex": "https://github\\.com/sigstore-conformance/[^/]+/\\.github/workflows/.+@refs/heads/main"},
  "issuer": "https://token.actions.githubusercontent.com"}"#;

fn benches(c: &mut Criterion) {
    let vectors: Vec<_> = common::VECTORS.iter().map(|n| common::load(n)).collect();

    let mut g = c.benchmark_group("check/bundle-parse");
    for v in &vectors {
        Bundle::from_json(&v.bundle_json).expect("bundle");
        g.throughput(Throughput::Bytes(v.bundle_json.len() as u64));
        g.bench_function(&v.name, |b| {
            b.iter(|| Bundle::from_json(black_box(&v.bundle_json)))
        });
    }
    g.finish();

    let custom = vectors
        .iter()
        .find(|v| v.root_is_custom)
        .expect("rekor2-happy-path has its own trusted root");
    let roots: [(&str, &[u8]); 2] = [
        ("public-good", sigverify::PUBLIC_GOOD),
        ("rekor2-happy-path", &custom.root_json),
    ];
    let mut g = c.benchmark_group("check/trusted-root-parse");
    for (name, json) in roots {
        TrustedRoot::from_json(json).expect("trusted root");
        g.bench_function(name, |b| b.iter(|| TrustedRoot::from_json(black_box(json))));
    }
    g.bench_function("public_good()", |b| b.iter(TrustedRoot::public_good));
    g.finish();

    let mut g = c.benchmark_group("check/verifier-new");
    for (name, json) in roots {
        let root = TrustedRoot::from_json(json).expect("trusted root");
        for &backend in Backend::all() {
            g.bench_function(format!("{name}/{}", backend.name()), |b| {
                b.iter(|| {
                    Verifier::with_options(black_box(&root), VerifierOptions::default(), backend)
                })
            });
        }
    }
    g.finish();

    let mut g = c.benchmark_group("check/policy");
    for (name, doc) in [
        ("from_json/identity", POLICY_IDENTITY),
        ("from_json/regex", POLICY_REGEX),
        ("from_json/provenance", POLICY_PROVENANCE),
    ] {
        if let Err(e) = Policy::from_json(doc.as_bytes()) {
            panic!("{name}: {e}");
        }
        g.bench_function(name, |b| {
            b.iter(|| Policy::from_json(black_box(doc.as_bytes())))
        });
    }
    g.bench_function("identity", |b| {
        b.iter(|| {
            Policy::identity(
                black_box(
                    "https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/main",
                ),
                black_box("https://token.actions.githubusercontent.com"),
            )
            .unwrap()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("check/artifact");
    let hex_digest = format!(
        "sha256:{}",
        hex::encode(Backend::default().hash(HashAlg::Sha256, b"x"))
    );
    g.bench_function("parse_digest", |b| {
        b.iter(|| Artifact::parse_digest(black_box(&hex_digest)))
    });
    // Hashing a 1 MiB artifact as a stream, in 64 KiB chunks (as the CLI does).
    let mib = vec![0xa5u8; 1 << 20];
    g.throughput(Throughput::Bytes(mib.len() as u64));
    for &backend in Backend::all() {
        g.bench_function(format!("stream-sha256-1MiB/{}", backend.name()), |b| {
            b.iter(|| {
                let mut h = backend.hasher(HashAlg::Sha256);
                for chunk in black_box(&mib).chunks(1 << 16) {
                    h.update(chunk);
                }
                h.finish()
            })
        });
    }
    g.finish();

    // Rendering a result (the CLI's --json).
    let v = &vectors[0];
    let root = TrustedRoot::from_json(&v.root_json).expect("trusted root");
    let verifier = Verifier::new(&root).expect("verifier");
    let result = verifier
        .verify_json(
            &v.bundle_json,
            &Artifact::Bytes(&v.artifact),
            &Policy::identity(&v.identity, &v.issuer).unwrap(),
            common::now(),
        )
        .expect("verifies");
    let mut g = c.benchmark_group("check/result");
    g.bench_function("to_json", |b| b.iter(|| black_box(&result).to_json()));
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
