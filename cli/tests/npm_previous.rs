//! `sigverify npm verify --previous`: the publisher of the previous version's attestations
//! against this one's, with the real sigstore@1.0.0 response (../shared/vectors/ecosystems):
//! the same publisher, a previous version without provenance (nothing recorded), this version
//! without provenance although the previous one had it (provenance missing, exit 1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn sample(file: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(&format!("npm-sigstore-1.0.0-provenance/{file}"))
}

fn run(current: &PathBuf, previous: &PathBuf) -> (Output, serde_json::Value) {
    let digest = std::fs::read_to_string(sample("digest")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_sigverify"))
        .args([
            "npm",
            "verify",
            "--digest",
            digest.trim(),
            "--package",
            "sigstore@1.0.0",
        ])
        .arg("--attestations")
        .arg(current)
        .arg("--previous")
        .arg(previous)
        .arg("--json")
        .output()
        .unwrap();
    let j = serde_json::from_slice(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o, j)
}

/// The response with only the registry's publish attestation (no provenance).
fn publish_only(dir: &std::path::Path) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample("valid-sigstore-attestations.json")).unwrap())
            .unwrap();
    let atts = v["attestations"].as_array_mut().unwrap();
    atts.retain(|a| {
        a["predicateType"] == "https://github.com/npm/attestation/tree/main/specs/publish/v0.1"
    });
    assert_eq!(atts.len(), 1);
    let p = dir.join("publish-only.json");
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

#[test]
fn previous_versions_publisher_is_compared() {
    let full = sample("valid-sigstore-attestations.json");
    let (o, j) = run(&full, &full);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(j["continuity"]["verdict"], "same-publisher", "{j}");
    assert!(j["continuity"]["detail"]
        .as_str()
        .unwrap()
        .contains("repository=\"sigstore/sigstore-js\" workflow=\"publish.yml\""));

    let dir = std::env::temp_dir().join(format!("sigverify-npm-previous-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let publish = publish_only(&dir);
    let (o, j) = run(&full, &publish);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(j["continuity"]["verdict"], "not-recorded", "{j}");

    let (o, j) = run(&publish, &full);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(j["continuity"]["verdict"], "provenance-missing", "{j}");
    assert_eq!(j["verified"], false);

    // A previous response that cannot be read is a failure, not a verdict.
    let bad = std::fs::read_to_string(&full).unwrap();
    let bad = &bad[..bad.len() / 2];
    let badp = dir.join("bad.json");
    std::fs::write(&badp, bad).unwrap();
    let (o, _) = run(&full, &badp);
    assert_eq!(o.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
