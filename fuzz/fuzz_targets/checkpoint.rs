//! Checkpoint (C2SP signed note): the input is the checkpoint envelope of an otherwise valid
//! bundle, whose inclusion proof verifies, so the note parser, the log's signature line and
//! (with the witness policy) the cosignature lines are reached.
//!
//! Oracle: the log signs the note's body; a checkpoint that verifies has the original body.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use sigverify::{Artifact, Bundle};
use sigverify_fuzz::{bytes, fixture, with, ARTIFACT, NOW};

const ENVELOPE: &str = "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope";

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let text = String::from_utf8_lossy(data);
    let b = with(&f.msg, ENVELOPE, json!(text));
    let Ok(bundle) = Bundle::from_json(&bytes(&b)) else {
        return;
    };
    let art = Artifact::Bytes(ARTIFACT);
    let r = f.testkit.verify(&bundle, &art, &f.identity, NOW);
    // The witness policy reads the cosignature lines once the log's own line verified.
    if r.is_ok() {
        let _ = f.testkit_witnessed.verify(&bundle, &art, &f.identity, NOW);
    }
    if r.is_ok() {
        let original = f
            .msg
            .pointer(ENVELOPE)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let body = |s: &str| s.split_once("\n\n").map(|(b, _)| b.to_owned());
        assert_eq!(
            body(&text),
            body(original),
            "a checkpoint with another body verified"
        );
    }
});
