//! PEP 740 attestation (and PyPI Integrity API provenance objects): parsing, conversion to a
//! bundle, and verification for the distribution the statement names.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sigverify::ecosystems::pypi;
use sigverify::Policy;
use sigverify_fuzz::{fixture, NOW_REAL};

/// The file name and SHA-256 the attestation's statement claims (so verification gets past the
/// subject check), else placeholders.
fn subject(bundle: &sigverify::Bundle) -> (String, Vec<u8>) {
    let d = bundle.describe();
    let s = d.pointer("/content/statement/subjects/0");
    let name = s
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("a-1.0.tar.gz")
        .to_owned();
    let sha = s
        .and_then(|s| s.pointer("/digest/sha256"))
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok())
        .unwrap_or_else(|| vec![0; 32]);
    (name, sha)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    if let Ok(bundle) = pypi::parse_attestation(data) {
        let (name, sha) = subject(&bundle);
        let any = Policy::without_identity_unsafe();
        let _ = pypi::verify_attestation_with_policy(
            &f.public_good,
            &bundle,
            &name,
            &sha,
            &any,
            NOW_REAL,
        );
        for p in [
            "github:pypa/sampleproject/release.yml",
            "gitlab:ns/project/.gitlab-ci.yml",
            "google:someone@example.com",
        ] {
            if let Ok(p) = pypi::Publisher::parse(p) {
                let _ =
                    pypi::verify_attestation(&f.public_good, &bundle, &name, &sha, &p, NOW_REAL);
            }
        }
    }
    if let Ok(prov) = pypi::parse_provenance(data) {
        for (_, bundles) in &prov.attestation_bundles {
            for b in bundles {
                let (name, sha) = subject(b);
                let _ = pypi::verify_provenance(
                    &f.public_good,
                    &prov,
                    &name,
                    &sha,
                    &pypi::Expect::FromProvenance,
                    NOW_REAL,
                );
            }
        }
    }
});
