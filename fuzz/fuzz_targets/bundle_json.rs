//! Bundle JSON: `Bundle::from_json`, then the unverified decoder (`describe`) and verification
//! under every trust domain.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = sigverify::Bundle::from_json(data) {
        let _ = (bundle.version(), bundle.media_type(), bundle.describe());
        let f = sigverify_fuzz::fixture();
        let _ = f.testkit.verify(
            &bundle,
            &sigverify::Artifact::Bytes(sigverify_fuzz::ARTIFACT),
            &f.identity,
            sigverify_fuzz::NOW,
        );
    }
});
