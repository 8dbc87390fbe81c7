//! DSSE envelopes and in-toto statements.

use serde_json::{json, Value};

use crate::util::b64;

/// The in-toto payload type.
pub const INTOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The predicate type [`statement_for`] uses.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

/// DSSE pre-authentication encoding:
/// `"DSSEv1" SP len(type) SP type SP len(payload) SP payload`.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// An in-toto Statement v1 (compact JSON bytes) with one subject `name` whose sha256 digest is
/// `digest_hex`, predicate type SLSA provenance v1 and a small predicate.
pub fn statement_with_digest(name: &str, digest_hex: &str) -> Vec<u8> {
    // Field order as real attestations have it: _type, subject, predicateType, predicate.
    let s = |v: &str| Value::String(v.to_string()).to_string();
    let predicate = json!({
        "buildDefinition": {
            "buildType": "https://actions.github.io/buildtypes/workflow/v1",
            "externalParameters": {"workflow": {
                "ref": "refs/heads/main",
                "repository": "https://github.com/sigverify/test",
                "path": ".github/workflows/release.yml",
            }},
        },
        "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}},
    });
    format!(
        "{{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{{\"name\":{},\"digest\":{{\"sha256\":{}}}}}],\"predicateType\":{},\"predicate\":{}}}",
        s(name),
        s(digest_hex),
        s(SLSA_PROVENANCE_V1),
        crate::util::canonical_json(&predicate)
    )
    .into_bytes()
}

/// An in-toto Statement v1 about `artifact_bytes` named `artifact_name`.
pub fn statement_for(artifact_name: &str, artifact_bytes: &[u8]) -> Vec<u8> {
    statement_with_digest(
        artifact_name,
        &hex::encode(crate::util::sha256(artifact_bytes)),
    )
}

/// The bundle's `dsseEnvelope` JSON.
pub fn envelope(payload: &[u8], payload_type: &str, signature: &[u8]) -> Value {
    json!({
        "payload": b64(payload),
        "payloadType": payload_type,
        "signatures": [{"sig": b64(signature), "keyid": ""}],
    })
}
