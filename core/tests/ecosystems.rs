//! Every real ecosystem sample (../shared/vectors/ecosystems) through the Rust adapters, and
//! near misses: another file name, another digest, another repository or publisher, an npm key
//! outside its validity window, a publish attestation with an unknown key id.

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use sigverify::ecosystems::{github as gh, npm, pypi};
use sigverify::{Artifact, Check, HashAlg, TrustedRoot, Verifier};

const NOW: i64 = 2_000_000_000;

fn eco(rel: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(eco(rel)).unwrap()
}

fn digest(case: &str) -> Vec<u8> {
    let d = String::from_utf8(read(&format!("{case}/digest"))).unwrap();
    match Artifact::parse_digest(d.trim()).unwrap() {
        Artifact::Digest(_, v) => v,
        Artifact::Bytes(_) => unreachable!(),
    }
}

fn public_good() -> Verifier {
    Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap()
}

fn github_instance() -> Verifier {
    Verifier::with_options(
        &TrustedRoot::github().unwrap(),
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap()
}

const PROV: &str = "pypi-attestations-0.0.19-provenance-object";
const PROV_FILE: &str =
    "pypi-attestations-0.0.19-provenance-object/pypi_attestations-0.0.19.tar.gz.provenance";
const GL: &str = "pypi-gitlab-oidc-project-0.0.3-publish-pep740";
const GL_FILE: &str = "pypi-gitlab-oidc-project-0.0.3-publish-pep740/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation";

#[test]
fn pypi_provenance_object() {
    let v = public_good();
    let prov = pypi::parse_provenance(&read(PROV_FILE)).unwrap();
    let sha = digest(PROV);
    let name = "pypi_attestations-0.0.19.tar.gz";
    let rs =
        pypi::verify_provenance(&v, &prov, name, &sha, &pypi::Expect::FromProvenance, NOW).unwrap();
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].identity(), Some("https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19"));
    // The artifact bytes give the same digest.
    let bytes = read(&format!("{PROV}/artifact"));
    assert_eq!(
        sigverify::Backend::default().hash(HashAlg::Sha256, &bytes),
        sha
    );
    // PyPI normalises names: another spelling of the same project is accepted.
    pypi::verify_provenance(
        &v,
        &prov,
        "Pypi.Attestations-0.0.19.tar.gz",
        &sha,
        &pypi::Expect::FromProvenance,
        NOW,
    )
    .unwrap();
    // Near misses.
    let e = pypi::verify_provenance(
        &v,
        &prov,
        "pypi_attestations-0.0.20.tar.gz",
        &sha,
        &pypi::Expect::FromProvenance,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.check(), Check::Artifact, "{e}");
    let mut other = sha.clone();
    other[0] ^= 1;
    let e = pypi::verify_provenance(&v, &prov, name, &other, &pypi::Expect::FromProvenance, NOW)
        .unwrap_err();
    assert_eq!(e.check(), Check::Artifact, "{e}");
    for publisher in [
        "github:trailofbits/pypi-attestation/release.yml",
        "github:trailofbits/pypi-attestations/publish.yml",
        "github:other/pypi-attestations/release.yml",
        "gitlab:trailofbits/pypi-attestations/.gitlab-ci.yml",
    ] {
        let p = pypi::Publisher::parse(publisher).unwrap();
        let e = pypi::verify_provenance(&v, &prov, name, &sha, &pypi::Expect::Publisher(&p), NOW)
            .unwrap_err();
        assert_eq!(e.check(), Check::Policy, "{publisher}: {e}");
    }
    let p = pypi::Publisher::parse("github:trailofbits/pypi-attestations/release.yml").unwrap();
    pypi::verify_provenance(&v, &prov, name, &sha, &pypi::Expect::Publisher(&p), NOW).unwrap();
}

#[test]
fn pypi_pep740_attestation_from_gitlab() {
    let v = public_good();
    let b = pypi::parse_attestation(&read(GL_FILE)).unwrap();
    let sha = digest(GL);
    let name = "gitlab_oidc_project-0.0.3.tar.gz";
    let p = pypi::Publisher::parse("gitlab:facutuesca/gitlab-oidc-project/.gitlab-ci.yml").unwrap();
    let r = pypi::verify_attestation(&v, &b, name, &sha, &p, NOW).unwrap();
    assert_eq!(r.issuer(), Some("https://gitlab.com"));
    for near in [
        "gitlab:facutuesca/gitlab-oidc-projec/.gitlab-ci.yml",
        "gitlab:facutuesca/gitlab-oidc-project/ci.yml",
        "github:facutuesca/gitlab-oidc-project/.gitlab-ci.yml",
    ] {
        let p = pypi::Publisher::parse(near).unwrap();
        assert_eq!(
            pypi::verify_attestation(&v, &b, name, &sha, &p, NOW)
                .unwrap_err()
                .check(),
            Check::Policy,
            "{near}"
        );
    }
    assert_eq!(
        pypi::verify_attestation(&v, &b, "gitlab_oidc_project-0.0.3.zip", &sha, &p, NOW)
            .unwrap_err()
            .check(),
        Check::Artifact
    );
    // The converted bundle equals the sample's bundle.json in what it verifies.
    let direct = sigverify::Bundle::from_json(&read(&format!("{GL}/bundle.json"))).unwrap();
    pypi::verify_attestation(&v, &direct, name, &sha, &p, NOW).unwrap();
    // Malformed attestation objects are refused as invalid input.
    for bad in [
        &b"{}"[..],
        br#"{"version":2}"#,
        b"[",
        br#"{"version":1,"verification_material":{}}"#,
    ] {
        assert!(pypi::parse_attestation(bad).unwrap_err().is_invalid_input());
    }
}

fn npm_response() -> Vec<u8> {
    read("npm-sigstore-1.0.0-provenance/valid-sigstore-attestations.json")
}

#[test]
fn npm_provenance_and_publish() {
    let v = public_good();
    let keys = npm::RegistryKeys::embedded().unwrap();
    let sha = digest("npm-sigstore-1.0.0-provenance");
    let r = npm::verify(
        &v,
        &keys,
        &npm_response(),
        "sigstore@1.0.0",
        &sha,
        None,
        NOW,
    )
    .unwrap();
    assert!(r.provenance.is_some() && r.publish.is_some());
    npm::verify(
        &v,
        &keys,
        &npm_response(),
        "sigstore@1.0.0",
        &sha,
        Some("sigstore/sigstore-js"),
        NOW,
    )
    .unwrap();
    // Near misses: another repository, version, package, digest.
    let e = npm::verify(
        &v,
        &keys,
        &npm_response(),
        "sigstore@1.0.0",
        &sha,
        Some("sigstore/sigstore-go"),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.check(), Check::Policy, "{e}");
    let e = npm::verify(
        &v,
        &keys,
        &npm_response(),
        "sigstore@1.0.1",
        &sha,
        None,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.check(), Check::Artifact, "{e}");
    let e = npm::verify(
        &v,
        &keys,
        &npm_response(),
        "@sigstore/sigstore@1.0.0",
        &sha,
        None,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.check(), Check::Artifact, "{e}");
    let mut other = sha.clone();
    other[63] ^= 1;
    assert_eq!(
        npm::verify(
            &v,
            &keys,
            &npm_response(),
            "sigstore@1.0.0",
            &other,
            None,
            NOW
        )
        .unwrap_err()
        .check(),
        Check::Artifact
    );
}

#[test]
fn npm_registry_key_window_and_id() {
    let v = public_good();
    let sha = digest("npm-sigstore-1.0.0-provenance");
    // A key whose window ends before the entry was integrated (2023-02-09).
    let mut keys: serde_json::Value = serde_json::from_slice(npm::EMBEDDED_KEYS).unwrap();
    for k in keys["keys"].as_array_mut().unwrap() {
        k["publicKey"]["validFor"]["end"] = "2023-01-01T00:00:00.000Z".into();
    }
    let keys = npm::RegistryKeys::from_json(keys.to_string().as_bytes()).unwrap();
    let e = npm::verify(
        &v,
        &keys,
        &npm_response(),
        "sigstore@1.0.0",
        &sha,
        None,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "time-outside-validity", "{e}");
    assert!(e.to_string().contains("npm registry key"), "{e}");
    // A key that starts after it.
    let mut keys: serde_json::Value = serde_json::from_slice(npm::EMBEDDED_KEYS).unwrap();
    for k in keys["keys"].as_array_mut().unwrap() {
        k["publicKey"]["validFor"]["start"] = "2024-01-01T00:00:00.000Z".into();
    }
    let keys = npm::RegistryKeys::from_json(keys.to_string().as_bytes()).unwrap();
    assert_eq!(
        npm::verify(
            &v,
            &keys,
            &npm_response(),
            "sigstore@1.0.0",
            &sha,
            None,
            NOW
        )
        .unwrap_err()
        .code(),
        "time-outside-validity"
    );
    // An unknown key id.
    let keys = npm::RegistryKeys::embedded().unwrap();
    let mut resp: serde_json::Value = serde_json::from_slice(&npm_response()).unwrap();
    resp["attestations"][1]["bundle"]["verificationMaterial"]["publicKey"]["hint"] =
        "SHA256:unknown".into();
    let e = npm::verify(
        &v,
        &keys,
        resp.to_string().as_bytes(),
        "sigstore@1.0.0",
        &sha,
        None,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.check(), Check::Policy, "{e}");
    assert!(e.to_string().contains("SHA256:unknown"), "{e}");
    // A key of the wrong usage (npm:signatures only) is not an attestation key.
    let mut k: serde_json::Value = serde_json::from_slice(npm::EMBEDDED_KEYS).unwrap();
    k["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|k| k["keyUsage"] == "npm:signatures");
    let keys = npm::RegistryKeys::from_json(k.to_string().as_bytes()).unwrap();
    assert_eq!(
        npm::verify(
            &v,
            &keys,
            &npm_response(),
            "sigstore@1.0.0",
            &sha,
            None,
            NOW
        )
        .unwrap_err()
        .check(),
        Check::Policy
    );
    // Every attestation must verify: break the provenance signature.
    let keys = npm::RegistryKeys::embedded().unwrap();
    let mut resp: serde_json::Value = serde_json::from_slice(&npm_response()).unwrap();
    let sig = resp["attestations"][0]["bundle"]["dsseEnvelope"]["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .to_owned();
    let flipped = format!(
        "{}{}",
        &sig[..10],
        if &sig[10..11] == "A" { "B" } else { "A" }
    ) + &sig[11..];
    resp["attestations"][0]["bundle"]["dsseEnvelope"]["signatures"][0]["sig"] = flipped.into();
    assert!(npm::verify(
        &v,
        &keys,
        resp.to_string().as_bytes(),
        "sigstore@1.0.0",
        &sha,
        None,
        NOW
    )
    .is_err());
}

#[test]
fn github_attestations_choose_the_trust_domain() {
    let (pg, ghv) = (public_good(), github_instance());
    // GitHub's own instance (timestamps only), from JSON lines.
    let bundles = gh::parse_bundles(&read(
        "github-attest-demo-python-wheel/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl",
    ))
    .unwrap();
    let art = Artifact::Digest(HashAlg::Sha256, digest("github-attest-demo-python-wheel"));
    let p = gh::policy(Some("actions/attest-demo"), None, None).unwrap();
    gh::verify(&pg, &ghv, &bundles, &art, &p, None, NOW).unwrap();
    gh::verify(
        &pg,
        &ghv,
        &bundles,
        &art,
        &p,
        Some(gh::Instance::GitHub),
        NOW,
    )
    .unwrap();
    assert!(gh::verify(
        &pg,
        &ghv,
        &bundles,
        &art,
        &p,
        Some(gh::Instance::PublicGood),
        NOW
    )
    .is_err());
    let p = gh::policy(
        None,
        Some("actions"),
        Some("actions/attest-demo/.github/workflows/build-python.yml"),
    )
    .unwrap();
    gh::verify(&pg, &ghv, &bundles, &art, &p, None, NOW).unwrap();
    let near = gh::policy(Some("actions/attest-demo2"), None, None).unwrap();
    assert_eq!(
        gh::verify(&pg, &ghv, &bundles, &art, &near, None, NOW)
            .unwrap_err()
            .check(),
        Check::Policy
    );
    // Public-good, a reusable workflow.
    let bundles = gh::parse_bundles(&read(
        "github-reusable-workflow-attestation/reusable-workflow-attestation.sigstore.json",
    ))
    .unwrap();
    let art = Artifact::Digest(
        HashAlg::Sha256,
        digest("github-reusable-workflow-attestation"),
    );
    let p = gh::policy(
        Some("malancas/attest-demo"),
        None,
        Some("github/artifact-attestations-workflows/.github/workflows/attest.yml"),
    )
    .unwrap();
    gh::verify(&pg, &ghv, &bundles, &art, &p, None, NOW).unwrap();
    let mut other = digest("github-reusable-workflow-attestation");
    other[0] ^= 1;
    assert_eq!(
        gh::verify(
            &pg,
            &ghv,
            &bundles,
            &Artifact::Digest(HashAlg::Sha256, other),
            &p,
            None,
            NOW
        )
        .unwrap_err()
        .check(),
        Check::Artifact
    );
    assert!(gh::parse_bundles(b"").is_err());
    assert!(gh::parse_bundles(b"{\n").is_err());
}

#[test]
fn every_sample_verifies_through_its_bundle() {
    // bundle.json + identity + issuer (+ trusted_root.json) for every sample with an identity.
    let dir = eco("");
    let mut unexpected = Vec::new();
    let exceptions = sigverify_testkit::vectors::ecosystem_exceptions("generic");
    for name in exceptions.keys() {
        assert!(dir.join(name).is_dir(), "exception {name} names no sample");
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let case = entry.unwrap().path();
        if !case.join("bundle.json").exists() {
            continue;
        }
        let identity = std::fs::read_to_string(case.join("identity"))
            .unwrap()
            .trim()
            .to_owned();
        let issuer = std::fs::read_to_string(case.join("issuer"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let art =
            Artifact::parse_digest(std::fs::read_to_string(case.join("digest")).unwrap().trim())
                .unwrap();
        let bundle = std::fs::read(case.join("bundle.json")).unwrap();
        let (verifier, policy) = if identity.starts_with("key:") {
            (
                public_good(),
                sigverify::Policy::key_pem(&std::fs::read(case.join("public_key.pem")).unwrap()),
            )
        } else if case.join("trusted_root.json").exists() {
            (
                github_instance(),
                sigverify::Policy::identity(identity.clone(), issuer.clone()),
            )
        } else {
            (
                public_good(),
                sigverify::Policy::identity(identity.clone(), issuer.clone()),
            )
        };
        let outcome = policy.and_then(|p| verifier.verify_json(&bundle, &art, &p, NOW));
        let excepted = exceptions.contains_key(&name);
        match (outcome, excepted) {
            (Ok(_), false) | (Err(_), true) => {}
            (Ok(_), true) => unexpected.push(format!("{name}: passes; take it off the list")),
            (Err(e), false) => unexpected.push(format!("{name}: {e}")),
        }
    }
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}
