//! Whole verification: the input is a bundle, verified against the testkit's root (identity
//! and managed-key policies, witness policy), the public-good root and GitHub's instance, with
//! the artifact digest the bundle itself claims, so that fuzzed bundles reach every check.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = sigverify::Bundle::from_json(data) {
        let _ = sigverify_fuzz::fixture().verify_everywhere(&bundle);
    }
});
