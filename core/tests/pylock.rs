//! PEP 751 locks and publisher continuity with the real PyPI samples
//! (../shared/vectors/ecosystems): the provenance object's publisher read and compared with the
//! lock's identities, the certificate-to-publisher mapping (PyPI's, through
//! `Publisher::from_certificate`) on the GitHub and the GitLab sample, and near misses: another
//! hash, tampered provenance, another publisher. tests/pylock.py runs the same through the CLI
//! with locks written by uv.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use sigverify::ecosystems::continuity::{compare, Identity, Verdict};
use sigverify::ecosystems::pylock::{check_file, check_package, Lock};
use sigverify::ecosystems::pypi::{self, Publisher};
use sigverify::{HashAlg, TrustedRoot, Verifier};

const NOW: i64 = 2_000_000_000;
const PROV: &str = "pypi-attestations-0.0.19-provenance-object";
const SDIST: &str = "pypi_attestations-0.0.19.tar.gz";
const SHA256: &str = "9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3";

fn eco(rel: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(eco(rel)).unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap()
}

fn lock(identities: &str) -> String {
    format!(
        "lock-version = \"1.0\"\ncreated-by = \"uv\"\nrequires-python = \">=3.11\"\n\n\
         [[packages]]\nname = \"pypi-attestations\"\nversion = \"0.0.19\"\n\
         sdist = {{ url = \"file:///dist/{SDIST}\", hashes = {{ sha256 = \"{SHA256}\" }} }}\n{identities}"
    )
}

fn digests() -> Vec<(HashAlg, Vec<u8>)> {
    vec![(HashAlg::Sha256, hex::decode(SHA256).unwrap())]
}

fn identity(kind: &str, kv: &[(&str, &str)]) -> Identity {
    let f: BTreeMap<String, String> = kv
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Identity::new(kind, f).unwrap()
}

fn publisher() -> Identity {
    identity(
        "GitHub",
        &[
            ("repository", "trailofbits/pypi-attestations"),
            ("workflow", "release.yml"),
        ],
    )
}

#[test]
fn the_real_provenance_names_its_publisher_and_the_lock_records_it() {
    let text = lock("");
    let l = Lock::parse(text.as_bytes()).unwrap();
    let file = l.packages[0].files()[0].clone();
    assert_eq!(file.file_name, SDIST);
    let prov = read(&format!("{PROV}/{SDIST}.provenance"));
    let c = check_file(&verifier(), &file, &digests(), Some(&prov), NOW).unwrap();
    assert_eq!(c.publishers, Some(vec![publisher()]));
    assert_eq!(c.results.len(), 1);
    assert_eq!(
        check_package(&l.packages[0], std::slice::from_ref(&c)),
        Some(Verdict::NotRecorded {
            found: Some(publisher())
        })
    );
    // Recorded, read back: the same publisher.
    let out = l.record(&text, &[(0, vec![publisher()])]).unwrap();
    let l2 = Lock::parse(out.as_bytes()).unwrap();
    assert_eq!(
        check_package(&l2.packages[0], &[c]).map(|v| v.code()),
        Some("same-publisher")
    );
}

#[test]
fn each_near_miss_fails_its_own_check() {
    let v = verifier();
    let prov = read(&format!("{PROV}/{SDIST}.provenance"));
    let l = Lock::parse(lock("").as_bytes()).unwrap();
    let file = l.packages[0].files()[0].clone();

    // Another hash in the lock than the file's.
    let mut wrong = digests();
    wrong[0].1[0] ^= 1;
    let e = check_file(&v, &file, &wrong, Some(&prov), NOW).unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");

    // Provenance naming a publisher that did not sign.
    let mut p: serde_json::Value = serde_json::from_slice(&prov).unwrap();
    p["attestation_bundles"][0]["publisher"]["repository"] = "evil/pypi-attestations".into();
    let e = check_file(&v, &file, &digests(), Some(p.to_string().as_bytes()), NOW).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");

    // Provenance of another file.
    let other = Lock::parse(
        lock("")
            .replace(SDIST, "pypi_attestations-0.0.20.tar.gz")
            .as_bytes(),
    )
    .unwrap();
    let e = check_file(
        &v,
        other.packages[0].files()[0],
        &digests(),
        Some(&prov),
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");

    // No provenance: missing when recorded, not recorded otherwise.
    let none = check_file(&v, &file, &digests(), None, NOW).unwrap();
    assert_eq!(
        check_package(&l.packages[0], std::slice::from_ref(&none)).map(|v| v.code()),
        Some("not-recorded")
    );
    let rec = Lock::parse(
        lock("[[packages.attestation-identities]]\nkind = \"GitHub\"\nrepository = \"trailofbits/pypi-attestations\"\nworkflow = \"release.yml\"\n")
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        check_package(&rec.packages[0], &[none]).map(|v| v.code()),
        Some("provenance-missing")
    );

    // Another recorded publisher, field by field.
    let c = check_file(&v, &file, &digests(), Some(&prov), NOW).unwrap();
    for (field, table) in [
        ("repository", "kind = \"GitHub\"\nrepository = \"evil/x\"\nworkflow = \"release.yml\"\n"),
        ("workflow", "kind = \"GitHub\"\nrepository = \"trailofbits/pypi-attestations\"\nworkflow = \"ci.yml\"\n"),
        ("environment", "environment = \"pypi\"\nkind = \"GitHub\"\nrepository = \"trailofbits/pypi-attestations\"\nworkflow = \"release.yml\"\n"),
        ("kind", "kind = \"GitLab\"\nrepository = \"trailofbits/pypi-attestations\"\nworkflow_filepath = \".gitlab-ci.yml\"\n"),
    ] {
        let l = Lock::parse(lock(&format!("[[packages.attestation-identities]]\n{table}")).as_bytes()).unwrap();
        match check_package(&l.packages[0], std::slice::from_ref(&c)) {
            Some(Verdict::PublisherChanged { fields, .. }) => assert_eq!(fields, vec![field]),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn a_certificate_maps_to_the_publisher_pypi_would_name() {
    let v = verifier();
    // GitHub: the provenance object's attestation, verified, read back as its publisher.
    let prov = pypi::parse_provenance(&read(&format!("{PROV}/{SDIST}.provenance"))).unwrap();
    let (p, bundles) = &prov.attestation_bundles[0];
    let r = pypi::verify_attestation(
        &v,
        &bundles[0],
        SDIST,
        &hex::decode(SHA256).unwrap(),
        p,
        NOW,
    )
    .unwrap();
    assert_eq!(Identity::from_result(&r).unwrap(), publisher());
    assert_eq!(Identity::from_publisher(p), publisher());
    // The mapping is the inverse of the publisher's policy: the publisher read from the
    // certificate verifies the same attestation.
    let back = Publisher::from_certificate(&r).unwrap();
    pypi::verify_attestation(
        &v,
        &bundles[0],
        SDIST,
        &hex::decode(SHA256).unwrap(),
        &back,
        NOW,
    )
    .unwrap();

    // GitLab: a PEP 740 attestation, its publisher read from the certificate alone.
    let gl = "pypi-gitlab-oidc-project-0.0.3-publish-pep740";
    let bundle = pypi::parse_attestation(&read(&format!(
        "{gl}/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation"
    )))
    .unwrap();
    let d = String::from_utf8(read(&format!("{gl}/digest"))).unwrap();
    let sha = hex::decode(d.trim().trim_start_matches("sha256:")).unwrap();
    let id = String::from_utf8(read(&format!("{gl}/identity"))).unwrap();
    let iss = String::from_utf8(read(&format!("{gl}/issuer"))).unwrap();
    let policy = sigverify::Policy::identity(id.trim(), iss.trim()).unwrap();
    let r = pypi::verify_attestation_with_policy(
        &v,
        &bundle,
        "gitlab_oidc_project-0.0.3.tar.gz",
        &sha,
        &policy,
        NOW,
    )
    .unwrap();
    let found = Identity::from_result(&r).unwrap();
    assert_eq!(found.kind(), "GitLab");
    assert!(found.fields().contains_key("workflow_filepath"), "{found}");
    let back = Publisher::from_certificate(&r).unwrap();
    pypi::verify_attestation(
        &v,
        &bundle,
        "gitlab_oidc_project-0.0.3.tar.gz",
        &sha,
        &back,
        NOW,
    )
    .unwrap();
    // From a certificate alone a recorded environment is unknown, not different.
    let mut with_env = found.fields().clone();
    with_env.insert("environment".into(), "release".into());
    let recorded = Identity::new("GitLab", with_env).unwrap();
    assert_eq!(
        compare(std::slice::from_ref(&recorded), Some(&found), false).code(),
        "same-publisher"
    );
    assert_eq!(
        compare(&[recorded], Some(&found), true).code(),
        "publisher-changed"
    );
}
