//! GitHub immutable-release attestations (issue 19): parsing (a bundle or JSON lines) and the
//! release adapter on GitHub's instance, as a release and with an asset. Oracle: an input the
//! adapter accepts is a release attestation of the release asked for, signed by GitHub's
//! release signer.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::ecosystems::github as gh;
use sigverify::ecosystems::github_release::{self as rel, Release, ReleaseAsset};
use sigverify::{Artifact, HashAlg};
use sigverify_fuzz::{fixture, NOW_REAL};

const ASSET_SHA256: &str = "76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428";

fuzz_target!(|data: &[u8]| {
    let Ok(bundles) = gh::parse_bundles(data) else {
        return;
    };
    let f = fixture();
    let Ok(release) = Release::new("jdx/communique", "v0.1.9") else {
        return;
    };
    let digest = hex::decode(ASSET_SHA256).unwrap_or_default();
    let Ok(asset) = ReleaseAsset::new(
        "communique-aarch64-apple-darwin.tar.gz",
        &Artifact::Digest(HashAlg::Sha256, digest),
    ) else {
        return;
    };
    for assets in [&[][..], std::slice::from_ref(&asset)] {
        if let Ok(r) = rel::verify(&f.github, &bundles, &release, assets, NOW_REAL) {
            assert_eq!(r.result.identity(), Some(rel::RELEASE_SIGNER));
            assert!(r.purl.eq_ignore_ascii_case("pkg:github/jdx/communique@v0.1.9"));
            assert_eq!(r.verified_assets.len(), assets.len());
        }
    }
});
