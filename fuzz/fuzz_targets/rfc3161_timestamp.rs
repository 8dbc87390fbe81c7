//! RFC 3161 token: the input is the DER `signedTimestamp` of an otherwise valid bundle (with a
//! log entry, and GitHub-style without one, where the timestamp is the only verified time).
//!
//! Oracle: a token that verifies vouches for the original genTime, from the testkit's TSA.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::{Artifact, Bundle, TimeSource};
use sigverify_fuzz::{bytes, fixture, with_b64, ARTIFACT, NOW};

const TS: &str =
    "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp";

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    for (base, v) in [(&f.msg, &f.testkit), (&f.github_style, &f.testkit_github)] {
        let Ok(bundle) = Bundle::from_json(&bytes(&with_b64(base, TS, data))) else {
            continue;
        };
        if let Ok(r) = v.verify(&bundle, &Artifact::Bytes(ARTIFACT), &f.identity, NOW) {
            for t in &r.verified_times {
                if matches!(t.source, TimeSource::Timestamp { .. }) {
                    assert_eq!(
                        t.time,
                        sigverify_testkit::DEFAULT_INTEGRATED_TIME as i64,
                        "a timestamp verified with another time"
                    );
                }
            }
        }
    }
});
