//! DSSE envelope: the input is the raw JSON of the `dsseEnvelope` member of an otherwise valid
//! bundle (spliced in as bytes, so malformed JSON reaches the parser too).
//!
//! Oracle: an envelope that verifies carries the original payload, type and signature.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use sigverify::Artifact;
use sigverify_fuzz::{bytes, fixture, ARTIFACT, NOW};

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let mut doc = f.dsse.clone();
    let original = doc["dsseEnvelope"].take();
    doc["dsseEnvelope"] = json!("@ENVELOPE@");
    let text = bytes(&doc);
    let Some(at) = text.windows(12).position(|w| w == b"\"@ENVELOPE@\"") else {
        return;
    };
    let mut spliced = text[..at].to_vec();
    spliced.extend_from_slice(data);
    spliced.extend_from_slice(&text[at + 12..]);
    let r = f
        .testkit
        .verify_json(&spliced, &Artifact::Bytes(ARTIFACT), &f.identity, NOW);
    if r.is_ok() {
        let env: Value = serde_json::from_slice(data).expect("a verified envelope is JSON");
        for k in ["payload", "payloadType"] {
            assert_eq!(env[k], original[k], "an envelope with another {k} verified");
        }
        assert_eq!(
            env["signatures"][0]["sig"],
            original["signatures"][0]["sig"]
        );
    }
    if let Ok(b) = sigverify::Bundle::from_json(&spliced) {
        let _ = b.describe();
    }
});
