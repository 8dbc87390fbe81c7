//! Trusted root JSON: `TrustedRoot::from_json`, then building a verifier from it (which parses
//! every key and validates every CA and TSA chain) and verifying a testkit bundle with it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::{Artifact, Backend, TrustedRoot, Verifier, VerifierOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(root) = TrustedRoot::from_json(data) else {
        return;
    };
    let _ = (
        root.tlog_count(),
        root.ctlog_count(),
        root.certificate_authority_count(),
        root.timestamp_authority_count(),
    );
    let Ok(v) = Verifier::with_options(&root, VerifierOptions::default(), Backend::default())
    else {
        return;
    };
    let f = sigverify_fuzz::fixture();
    for b in [&f.msg, &f.dsse] {
        let _ = v.verify_json(
            &sigverify_fuzz::bytes(b),
            &Artifact::Bytes(sigverify_fuzz::ARTIFACT),
            &f.identity,
            sigverify_fuzz::NOW,
        );
    }
});
