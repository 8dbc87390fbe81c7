//! The certificate path rule for every bundle: the leaf may be issued by any certificate of a
//! CA's chain in the trusted root, not only by its first (RFC 5280 §6.1; sigstore-go's
//! `FulcioCertificateAuthority.Verify` builds the path with the chain's last certificate as the
//! root and every other one as an intermediate). GitHub's instance issues its release
//! attestation leaves from "Fulcio Intermediate l1", the second certificate of each chain.
//! What passed and failed before still does: the rest of the core's suite is unchanged.

// Test code: a panic is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use sigverify::ecosystems::github as gh;
use sigverify::{Artifact, Bundle, HashAlg, Policy, TrustedRoot, Verifier};
use sigverify_testkit::release::{ReleaseCert, ReleaseOptions, ReleaseSigner};

const NOW: i64 = 2_000_000_000;
const CASE: &str = "github-immutable-release-jdx-communique";
const ASSET_SHA256: &str = "76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428";

fn case_file(name: &str) -> Vec<u8> {
    std::fs::read(sigverify_testkit::vectors::ecosystem_path(&format!(
        "{CASE}/{name}"
    )))
    .unwrap()
}

fn bundles() -> Vec<Bundle> {
    gh::parse_bundles(&case_file("bundle.json")).unwrap()
}

fn sha256(hex_digest: &str) -> Artifact<'static> {
    Artifact::Digest(HashAlg::Sha256, hex::decode(hex_digest).unwrap())
}

fn github_instance() -> Verifier {
    Verifier::with_options(
        &TrustedRoot::github().unwrap(),
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap()
}

const RELEASE_SIGNER: &str = "https://dotcom.releases.github.com";

/// The certificate step alone: the sample's leaf is issued by "Fulcio Intermediate l1", the
/// second certificate of each GitHub CA chain (the first is "l2"). Path validation accepts
/// it, as sigstore-go does; only the policy (an issuer is required) refuses it.
#[test]
fn a_leaf_issued_by_the_second_certificate_of_a_chain_validates() {
    let v = github_instance();
    let b = &bundles()[0];
    let e = v
        .verify(b, &sha256(ASSET_SHA256), &any_identity_unsafe(), NOW)
        .map(|r| r.identity().map(str::to_owned));
    assert_eq!(e.unwrap().as_deref(), Some(RELEASE_SIGNER));
    // The embedded root equals the sample's trusted_root.json.
    let sample_root = TrustedRoot::from_json(&case_file("trusted_root.json")).unwrap();
    let v2 = Verifier::with_options(
        &sample_root,
        gh::github_instance_options(),
        sigverify::Backend::default(),
    )
    .unwrap();
    v2.verify(b, &sha256(ASSET_SHA256), &any_identity_unsafe(), NOW)
        .unwrap();
    assert!(v.issues_certificate_of(b));
}

fn any_identity_unsafe() -> Policy {
    Policy::without_identity_unsafe()
}

/// A testkit chain `[l2, l1, root]`: a leaf of l1 (second) and of l2 (first) both validate,
/// with every backend; a leaf of a CA that is not in the chain does not; a chain whose issuer
/// is the leaf's but whose validity ends before the signing time refuses it.
#[test]
fn any_certificate_of_the_chain_may_issue_the_leaf() {
    let s = ReleaseSigner::new();
    let root = TrustedRoot::from_json(s.trusted_root().to_string().as_bytes()).unwrap();
    for backend in sigverify::Backend::all() {
        let v = Verifier::with_options(&root, gh::github_instance_options(), *backend).unwrap();
        for (cert, ok) in [
            (ReleaseCert::ReleaseSigner, true),
            (ReleaseCert::ReleaseSignerFromL2, true),
            (ReleaseCert::PublicGood, false),
        ] {
            let o = ReleaseOptions {
                cert,
                ..ReleaseOptions::default()
            };
            let b = Bundle::from_json(s.bundle(&o).to_string().as_bytes()).unwrap();
            let r = v.verify(
                &b,
                &Artifact::Bytes(&o.assets[0].1),
                &any_identity_unsafe(),
                NOW,
            );
            match (r, ok) {
                (Ok(_), true) => {}
                (Err(e), false) => assert_eq!(e.code(), "certificate-chain", "{e}"),
                (r, _) => panic!("{cert:?}: {r:?}"),
            }
            assert_eq!(v.issues_certificate_of(&b), ok, "{cert:?}");
        }
    }
}
