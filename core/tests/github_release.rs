//! GitHub immutable releases (issue 19): the real release attestation
//! (../shared/vectors/ecosystems/github-immutable-release-jdx-communique) through
//! `sigverify::ecosystems::github_release`, and one near miss per check: another repository,
//! tag, an asset not in the release, an asset with another digest, the attestation on the
//! public-good root; the plain path refusing the issuer-less certificate; and the chain rule
//! that lets a leaf be issued by any certificate of a CA's chain (GitHub's leaves come from the
//! chain's second certificate).

// Test code: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sigverify::ecosystems::github as gh;
use sigverify::ecosystems::github_release::{self as rel, Release, ReleaseAsset};
use sigverify::{Artifact, Bundle, Check, HashAlg, Policy, TrustedRoot, Verifier};

const NOW: i64 = 2_000_000_000;
const CASE: &str = "github-immutable-release-jdx-communique";
const ASSET: &str = "communique-aarch64-apple-darwin.tar.gz";
const ASSET_SHA256: &str = "76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428";
const OTHER_ASSET: &str = "communique-x86_64-unknown-linux-gnu.tar.gz";
const OTHER_SHA256: &str = "b958c6046bab52febf958c94974e1ffcc450bff78c28d7233e179bfd73828912";

fn case_file(name: &str) -> Vec<u8> {
    std::fs::read(sigverify_testkit::vectors::ecosystem_path(&format!(
        "{CASE}/{name}"
    )))
    .unwrap()
}

fn bundles() -> Vec<Bundle> {
    gh::parse_bundles(&case_file("bundle.json")).unwrap()
}

fn github_instance() -> Verifier {
    Verifier::with_options(
        &TrustedRoot::github().unwrap(),
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap()
}

fn sha256(hex_digest: &str) -> Artifact<'static> {
    Artifact::Digest(HashAlg::Sha256, hex::decode(hex_digest).unwrap())
}

fn asset(name: &str, hex_digest: &str) -> ReleaseAsset {
    ReleaseAsset::new(name, &sha256(hex_digest)).unwrap()
}

fn release() -> Release {
    Release::new("jdx/communique", "v0.1.9").unwrap()
}

#[test]
fn the_real_release_attestation_verifies() {
    let v = github_instance();
    for backend in sigverify::Backend::all() {
        let v = Verifier::with_options(
            &TrustedRoot::github().unwrap(),
            gh::github_instance_options(),
            *backend,
        )
        .unwrap();
        rel::verify(&v, &bundles(), &release(), &[], NOW).unwrap();
    }
    // The release alone (gh release verify).
    let r = rel::verify(&v, &bundles(), &release(), &[], NOW).unwrap();
    assert_eq!(r.repository, "jdx/communique");
    assert_eq!(r.tag, "v0.1.9");
    assert_eq!(r.purl, "pkg:github/jdx/communique@v0.1.9");
    assert_eq!(r.assets.len(), 5);
    assert!(r.verified_assets.is_empty());
    assert_eq!(r.result.identity(), Some(rel::RELEASE_SIGNER));
    assert_eq!(r.result.issuer(), None);
    // One asset and several (gh release verify-asset), by digest or bytes' digest.
    let r = rel::verify(
        &v,
        &bundles(),
        &release(),
        &[asset(ASSET, ASSET_SHA256)],
        NOW,
    )
    .unwrap();
    assert_eq!(r.verified_assets, vec![ASSET.to_owned()]);
    let two = [asset(OTHER_ASSET, OTHER_SHA256), asset(ASSET, ASSET_SHA256)];
    let r = rel::verify(&v, &bundles(), &release(), &two, NOW).unwrap();
    assert_eq!(r.verified_assets.len(), 2);
    // GitHub's names are case-insensitive; the tag is not.
    rel::verify(
        &v,
        &bundles(),
        &Release::new("JDX/Communique", "v0.1.9").unwrap(),
        &[],
        NOW,
    )
    .unwrap();
}

#[test]
fn another_repository_or_tag_is_refused() {
    let v = github_instance();
    for (repo, tag) in [
        ("jdx/other", "v0.1.9"),
        ("other/communique", "v0.1.9"),
        ("jdx/communique", "v0.1.8"),
        ("jdx/communique", "V0.1.9"),
        ("jdx/communique", "v0.1.9-rc"),
    ] {
        let e = rel::verify(
            &v,
            &bundles(),
            &Release::new(repo, tag).unwrap(),
            &[asset(ASSET, ASSET_SHA256)],
            NOW,
        )
        .unwrap_err();
        assert_eq!(e.code(), "policy-mismatch", "{repo}@{tag}: {e}");
        assert_eq!(e.check(), Check::Policy);
        assert!(e.to_string().contains("release"), "{e}");
    }
}

#[test]
fn an_asset_not_in_the_release_or_with_another_digest_is_refused() {
    let v = github_instance();
    // Another file name with a listed digest: the name is checked.
    let e = rel::verify(
        &v,
        &bundles(),
        &release(),
        &[asset("communique-evil.tar.gz", ASSET_SHA256)],
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    assert!(e.to_string().contains("no asset named"), "{e}");
    // A listed name with another asset's digest: the pair is checked.
    let e = rel::verify(
        &v,
        &bundles(),
        &release(),
        &[asset(ASSET, OTHER_SHA256)],
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    // A digest in no subject.
    let mut flipped = ASSET_SHA256.to_owned();
    flipped.replace_range(0..1, "0");
    let e = rel::verify(&v, &bundles(), &release(), &[asset(ASSET, &flipped)], NOW).unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    assert_eq!(e.check(), Check::Artifact);
    // The second of two assets is checked too.
    let e = rel::verify(
        &v,
        &bundles(),
        &release(),
        &[
            asset(ASSET, ASSET_SHA256),
            asset("communique-evil.tar.gz", OTHER_SHA256),
        ],
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
}

#[test]
fn the_attestation_on_the_public_good_root_is_refused() {
    let pg = Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap();
    let e = rel::verify(&pg, &bundles(), &release(), &[], NOW).unwrap_err();
    // No transparency log entry: the public-good thresholds fail first.
    assert!(
        matches!(e.code(), "transparency-log" | "certificate-chain"),
        "{e}"
    );
    let mut o = gh::github_instance_options();
    o.timestamp_threshold = 1;
    let pg = Verifier::with_options(
        &TrustedRoot::public_good().unwrap(),
        o,
        sigverify::Backend::default(),
    )
    .unwrap();
    let e = rel::verify(&pg, &bundles(), &release(), &[], NOW).unwrap_err();
    assert!(matches!(e.code(), "timestamp" | "certificate-chain"), "{e}");
}

#[test]
fn arguments_are_decided_by_the_core() {
    for (repo, tag) in [
        ("", "v1"),
        ("jdx", "v1"),
        ("jdx/", "v1"),
        ("/communique", "v1"),
        ("a/b/c", "v1"),
        ("jdx/communique", ""),
    ] {
        let e = Release::new(repo, tag).unwrap_err();
        assert_eq!(e.code(), "invalid-policy", "{repo:?} {tag:?}: {e}");
        assert!(e.is_invalid_input());
    }
    let sha512 = Artifact::Digest(HashAlg::Sha512, vec![0; 64]);
    let e = ReleaseAsset::new(ASSET, &sha512).unwrap_err();
    assert_eq!(e.code(), "invalid-artifact", "{e}");
    for name in ["", "dir/file"] {
        let e = ReleaseAsset::new(name, &sha256(ASSET_SHA256)).unwrap_err();
        assert_eq!(e.code(), "invalid-artifact", "{e}");
    }
    let bytes = ReleaseAsset::new(ASSET, &Artifact::Bytes(b"abc")).unwrap();
    assert_eq!(
        bytes.sha256_hex(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

/// The relaxation (no issuer claim) is the release adapter's alone: every public way to build
/// a policy still requires an issuer, and refuses the sample.
#[test]
fn the_plain_path_still_refuses_the_release_certificate() {
    let v = github_instance();
    let digest = sha256(ASSET_SHA256);
    let b = &bundles()[0];
    let e = v
        .verify(
            b,
            &digest,
            &Policy::identity(rel::RELEASE_SIGNER, sigverify::GITHUB_ISSUER).unwrap(),
            NOW,
        )
        .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    assert!(e.to_string().contains("issuer"), "{e}");
    // The identity alone is no policy; a document cannot leave out the issuer either, and
    // `.*` (gh's issuer matcher) still needs a value.
    assert!(Policy::identity(rel::RELEASE_SIGNER, "").is_err());
    let doc = format!(r#"{{"version":1,"identity":"{}"}}"#, rel::RELEASE_SIGNER);
    if let Ok(p) = Policy::from_json(doc.as_bytes()) {
        let e = v.verify(b, &digest, &p, NOW).unwrap_err();
        assert_eq!(e.code(), "policy-mismatch", "{e}");
    }
    let any = Policy::certificate(
        sigverify::Matcher::exact(rel::RELEASE_SIGNER),
        sigverify::Matcher::regex(".*").unwrap(),
    )
    .unwrap();
    let e = v.verify(b, &digest, &any, NOW).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    // The GitHub artifact-attestation adapter, too.
    let p = gh::policy(Some("jdx/communique"), None, None).unwrap();
    let e = gh::verify(
        &Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap(),
        &v,
        &bundles(),
        &digest,
        &p,
        None,
        NOW,
    )
    .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
}

// ---- The testkit's release signer: the checks the real sample cannot miss on purpose ----

use sigverify_testkit::release::{ReleaseCert, ReleaseOptions, ReleaseSigner};

fn testkit_verify(
    signer: &ReleaseSigner,
    o: &ReleaseOptions,
    assets: &[ReleaseAsset],
) -> Result<rel::VerifiedRelease, sigverify::Error> {
    let root = TrustedRoot::from_json(signer.trusted_root().to_string().as_bytes()).unwrap();
    let v = Verifier::with_options(
        &root,
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap();
    let b = gh::parse_bundles(signer.bundle(o).to_string().as_bytes()).unwrap();
    rel::verify(
        &v,
        &b,
        &Release::new("octo/app", "v1.0.0").unwrap(),
        assets,
        NOW,
    )
}

fn testkit_asset(o: &ReleaseOptions, i: usize) -> ReleaseAsset {
    let (n, bytes) = &o.assets[i];
    ReleaseAsset::new(n, &Artifact::Bytes(bytes)).unwrap()
}

#[test]
fn testkit_release_attestations_verify() {
    let s = ReleaseSigner::new();
    let o = ReleaseOptions::default();
    let r = testkit_verify(&s, &o, &[testkit_asset(&o, 1)]).unwrap();
    assert_eq!(r.purl, "pkg:github/octo/app@v1.0.0");
    assert_eq!(r.result.issuer(), None);
    testkit_verify(&s, &o, &[]).unwrap();
    // v0.1 of the predicate; a leaf of the chain's first certificate (as before issue 19).
    for o in [
        ReleaseOptions {
            predicate_type: sigverify_testkit::release::RELEASE_PREDICATE_V01.into(),
            ..ReleaseOptions::default()
        },
        ReleaseOptions {
            cert: ReleaseCert::ReleaseSignerFromL2,
            ..ReleaseOptions::default()
        },
    ] {
        testkit_verify(&s, &o, &[testkit_asset(&o, 0)]).unwrap();
    }
}

#[test]
fn testkit_near_misses_fail_their_check() {
    let s = ReleaseSigner::new();
    let cases: [(ReleaseOptions, &str, &str); 5] = [
        (
            ReleaseOptions {
                predicate_type: "https://slsa.dev/provenance/v1".into(),
                ..ReleaseOptions::default()
            },
            "policy-mismatch",
            "predicateType",
        ),
        // An ordinary workflow certificate of GitHub's instance with the release predicate:
        // not the release signer (and it keeps needing an issuer on every other path).
        (
            ReleaseOptions {
                cert: ReleaseCert::Workflow,
                ..ReleaseOptions::default()
            },
            "policy-mismatch",
            "identity",
        ),
        (
            ReleaseOptions {
                cert: ReleaseCert::PublicGood,
                ..ReleaseOptions::default()
            },
            "certificate-chain",
            "",
        ),
        (
            ReleaseOptions {
                repository: "octo/other".into(),
                ..ReleaseOptions::default()
            },
            "policy-mismatch",
            "release",
        ),
        (
            ReleaseOptions {
                tag: "v1.0.1".into(),
                ..ReleaseOptions::default()
            },
            "policy-mismatch",
            "release",
        ),
    ];
    for (o, code, words) in cases {
        let e = testkit_verify(&s, &o, &[testkit_asset(&o, 0)]).unwrap_err();
        assert_eq!(e.code(), code, "{o:?}: {e}");
        assert!(e.to_string().contains(words), "{e}");
    }
    // An asset name with the content of another asset.
    let o = ReleaseOptions::default();
    let other = ReleaseAsset::new("app-linux.tar.gz", &Artifact::Bytes(b"macos build")).unwrap();
    let e = testkit_verify(&s, &o, &[other]).unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    // The workflow certificate through the plain GitHub path still needs its issuer claim.
    let wf = ReleaseOptions {
        cert: ReleaseCert::Workflow,
        ..ReleaseOptions::default()
    };
    let root = TrustedRoot::from_json(s.trusted_root().to_string().as_bytes()).unwrap();
    let v = Verifier::with_options(
        &root,
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap();
    let b = Bundle::from_json(s.bundle(&wf).to_string().as_bytes()).unwrap();
    let digest = Artifact::Bytes(&wf.assets[0].1);
    let p = Policy::identity(sigverify_testkit::DEFAULT_IDENTITY, "https://example.com").unwrap();
    let e = v.verify(&b, &digest, &p, NOW).unwrap_err();
    assert!(e.to_string().contains("issuer"), "{e}");
    // And the release signer's certificate on the plain path: no issuer claim, refused.
    let b = Bundle::from_json(s.bundle(&ReleaseOptions::default()).to_string().as_bytes()).unwrap();
    let p = Policy::identity(rel::RELEASE_SIGNER, sigverify::GITHUB_ISSUER).unwrap();
    let e = v.verify(&b, &digest, &p, NOW).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
}
