//! conda publish attestations (CEP 27) and `.v0.sigs` sidecars (CEP 50), to sign with
//! [`crate::BundleOptions::dsse_payload`]: every statement a conda check must refuse can be
//! built on purpose (another predicate type, two subjects, another or no target channel).

use serde_json::{json, Value};

/// The predicate type prefix.dev and `actions/attest` write.
pub const PREDICATE_TYPE: &str = "https://schemas.conda.org/attestations-publish-1.schema.json";

/// A conda package file name for the tests.
pub const FILENAME: &str = "sigverify-test-1.0.0-h0123abc_0.conda";

/// The channel of [`statement`].
pub const CHANNEL: &str = "https://prefix.dev/sigverify-test";

/// An in-toto Statement v1 (compact JSON) with `subjects` (name, sha256 of the bytes),
/// `predicate_type` and `predicate` (`Value::Null` leaves it out).
pub fn statement_with(
    subjects: &[(&str, &[u8])],
    predicate_type: &str,
    predicate: Value,
) -> Vec<u8> {
    let subject: Vec<Value> = subjects
        .iter()
        .map(|(name, bytes)| json!({"name": name, "digest": {"sha256": hex::encode(crate::util::sha256(bytes))}}))
        .collect();
    let mut st = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subject,
        "predicateType": predicate_type,
    });
    if !predicate.is_null() {
        st["predicate"] = predicate;
    }
    st.to_string().into_bytes()
}

/// The publish attestation of `package` named [`FILENAME`], published to [`CHANNEL`].
pub fn statement(package: &[u8]) -> Vec<u8> {
    statement_with(
        &[(FILENAME, package)],
        PREDICATE_TYPE,
        json!({"targetChannel": CHANNEL}),
    )
}

/// A sidecar: the bundles as one JSON array.
pub fn sidecar(bundles: &[Value]) -> Vec<u8> {
    Value::Array(bundles.to_vec()).to_string().into_bytes()
}
