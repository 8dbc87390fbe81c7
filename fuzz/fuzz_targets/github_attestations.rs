//! GitHub artifact attestations (a bundle, or the attestations API's JSON lines): parsing, the
//! choice of trust domain (public-good or GitHub's instance) and verification, also as a
//! Homebrew bottle.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::ecosystems::github as gh;
use sigverify_fuzz::{artifact_of, fixture, NOW_REAL};

fuzz_target!(|data: &[u8]| {
    let Ok(bundles) = gh::parse_bundles(data) else {
        return;
    };
    let f = fixture();
    let Some(art) = bundles.first().and_then(artifact_of) else {
        return;
    };
    for (repo, owner) in [
        (Some("actions/attest-demo"), None),
        (None, Some("sigstore")),
    ] {
        if let Ok(p) = gh::policy(repo, owner, None) {
            for inst in [
                None,
                Some(gh::Instance::GitHub),
                Some(gh::Instance::PublicGood),
            ] {
                let _ = gh::verify(
                    &f.public_good,
                    &f.github,
                    &bundles,
                    &art,
                    &p,
                    inst,
                    NOW_REAL,
                );
            }
        }
    }
});
