//! Certificate DER: the input is the signing certificate of an otherwise valid bundle. It goes
//! through the certificate parser (`describe` and verification), path validation, SCT parsing
//! and the policy's claim extraction.
//!
//! Oracle: the log entry names the certificate byte for byte, so any other DER must fail.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::{Artifact, Bundle};
use sigverify_fuzz::{bytes, fixture, with_b64, ARTIFACT, NOW};

const CERT: &str = "/verificationMaterial/certificate/rawBytes";

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    for base in [&f.msg, &f.github_style] {
        let b = with_b64(base, CERT, data);
        let Ok(bundle) = Bundle::from_json(&bytes(&b)) else {
            continue;
        };
        let _ = bundle.describe();
        let v = if std::ptr::eq(base, &f.msg) {
            &f.testkit
        } else {
            &f.testkit_github
        };
        let _ = v.issues_certificate_of(&bundle);
        let r = v.verify(&bundle, &Artifact::Bytes(ARTIFACT), &f.identity, NOW);
        if std::ptr::eq(base, &f.msg) && data != f.msg_leaf.as_slice() {
            assert!(
                r.is_err(),
                "another certificate verified against the log entry"
            );
        }
    }
});
