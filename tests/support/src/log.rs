//! The transparency logs: Rekor v1 entry bodies (hashedrekord 0.0.1, dsse 0.0.1, intoto
//! 0.0.2), Rekor v2 entry bodies (hashedrekord 0.0.2, dsse 0.0.2), the RFC 6962/9162 Merkle tree
//! and inclusion proofs, signed entry timestamps (SETs), C2SP signed-note checkpoints and key ids.

use serde_json::{json, Value};

use crate::keys::EcKey;
use crate::util::{b64, canonical_json, sha256};

/// RFC 9162 leaf hash: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> [u8; 32] {
    let mut d = vec![0u8];
    d.extend_from_slice(entry);
    sha256(&d)
}

/// RFC 9162 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut d = vec![1u8];
    d.extend_from_slice(left);
    d.extend_from_slice(right);
    sha256(&d)
}

/// A Merkle tree over a list of leaf hashes.
pub struct MerkleTree {
    leaves: Vec<[u8; 32]>,
}

fn split_point(n: usize) -> usize {
    // largest power of two strictly smaller than n (n >= 2)
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves.len() {
        0 => sha256(b""),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split_point(n);
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

impl MerkleTree {
    /// A tree of `size` leaves whose leaf `index` is `entry` and whose other leaves are
    /// deterministic dummy entries (distinct per `salt`).
    pub fn with_entry(size: usize, index: usize, entry: &[u8], salt: &str) -> MerkleTree {
        assert!(index < size, "leaf index must be inside the tree");
        let leaves = (0..size)
            .map(|i| {
                if i == index {
                    leaf_hash(entry)
                } else {
                    leaf_hash(format!("sigverify-testkit dummy entry {salt} {i}").as_bytes())
                }
            })
            .collect();
        MerkleTree { leaves }
    }

    /// Number of leaves.
    pub fn size(&self) -> usize {
        self.leaves.len()
    }

    /// The root hash (RFC 9162 MTH).
    pub fn root(&self) -> [u8; 32] {
        mth(&self.leaves)
    }

    /// The RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `index`, leaf-side first.
    pub fn inclusion_proof(&self, index: usize) -> Vec<[u8; 32]> {
        path(index, &self.leaves)
    }
}

/// Log origin string of our Rekor v1 log.
pub const REKOR_ORIGIN: &str = "rekor.sigverify.test - 1234567890";
/// Key name on checkpoint signature lines.
pub const REKOR_NAME: &str = "rekor.sigverify.test";

/// The checkpoint note body: `<origin>\n<size>\n<b64 root>\n`.
pub fn checkpoint_body(origin: &str, tree_size: u64, root: &[u8; 32]) -> String {
    format!("{origin}\n{tree_size}\n{}\n", b64(root))
}

/// A signed note: `body`, an empty line, one signature line per signer
/// `— <name> <b64(keyhint[4] || sig)>`. Each signer is (name, key hint, signing key).
pub fn signed_note(body: &str, signers: &[(&str, [u8; 4], &EcKey)]) -> String {
    let lines: Vec<(String, Vec<u8>)> = signers
        .iter()
        .map(|(name, hint, key)| {
            let mut blob = hint.to_vec();
            blob.extend_from_slice(&key.sign(body.as_bytes()));
            (name.to_string(), blob)
        })
        .collect();
    signed_note_lines(body, &lines)
}

/// A signed note from ready-made signature lines: `body`, an empty line, then
/// `— <name> <b64(blob)>` for each (name, blob), where a blob is `keyhint[4] || signature`
/// (for a cosignature/v1: `keyhint[4] || timestamp[8] || signature`).
pub fn signed_note_lines(body: &str, lines: &[(String, Vec<u8>)]) -> String {
    let mut out = format!("{body}\n");
    for (name, blob) in lines {
        out.push_str(&format!("\u{2014} {name} {}\n", b64(blob)));
    }
    out
}

/// C2SP signed-note signature type of a plain Ed25519 note signature (Rekor v2 checkpoints).
pub const NOTE_TYPE_ED25519: u8 = 0x01;
/// C2SP signed-note signature type of an Ed25519 `cosignature/v1` (witnesses).
pub const NOTE_TYPE_COSIGNATURE_V1: u8 = 0x04;

/// The full C2SP signed-note key id: SHA-256(name || "\n" || type || key). Its first four
/// bytes are the key hint on signature lines.
pub fn note_key_id(name: &str, sig_type: u8, key: &[u8; 32]) -> [u8; 32] {
    let mut d = name.as_bytes().to_vec();
    d.push(b'\n');
    d.push(sig_type);
    d.extend_from_slice(key);
    sha256(&d)
}

/// Rekor v2 log id: the signed-note key id of the log's Ed25519 key under its origin,
/// SHA-256(origin || 0x0A || 0x01 || key).
pub fn rekor_v2_log_id(origin: &str, key: &[u8; 32]) -> [u8; 32] {
    note_key_id(origin, NOTE_TYPE_ED25519, key)
}

/// Origin (and key name) of our Rekor v2 log: its base URL without scheme.
pub const REKOR_V2_ORIGIN: &str = "log2025-1.rekor.sigverify.test";

/// The canonical JSON payload a Rekor v1 SET signs.
pub fn set_payload(
    body_b64: &str,
    integrated_time: u64,
    log_id: &[u8; 32],
    log_index: u64,
) -> String {
    canonical_json(&json!({
        "body": body_b64,
        "integratedTime": integrated_time,
        "logID": hex::encode(log_id),
        "logIndex": log_index,
    }))
}

/// hashedrekord 0.0.1 body (canonical JSON) over a SHA-256 digest.
pub fn hashedrekord_body(digest: &[u8; 32], signature: &[u8], public_key_pem: &str) -> String {
    hashedrekord_body_with("sha256", digest, signature, public_key_pem)
}

/// hashedrekord 0.0.1 body (canonical JSON) over a digest named `algorithm` (`sha384`).
pub fn hashedrekord_body_with(
    algorithm: &str,
    digest: &[u8],
    signature: &[u8],
    public_key_pem: &str,
) -> String {
    canonical_json(&json!({
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": algorithm, "value": hex::encode(digest)}},
            "signature": {
                "content": b64(signature),
                "publicKey": {"content": b64(public_key_pem)},
            },
        },
    }))
}

/// The envelope JSON Rekor hashes for dsse/intoto entries (canonical JSON of the envelope).
pub fn envelope_json(payload: &[u8], payload_type: &str, signature: &[u8]) -> String {
    canonical_json(&json!({
        "payload": b64(payload),
        "payloadType": payload_type,
        "signatures": [{"keyid": "", "sig": b64(signature)}],
    }))
}

/// dsse 0.0.1 body (canonical JSON).
pub fn dsse_body(
    payload: &[u8],
    payload_type: &str,
    signature: &[u8],
    verifier_pem: &str,
) -> String {
    let envelope = envelope_json(payload, payload_type, signature);
    canonical_json(&json!({
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {"algorithm": "sha256", "value": hex::encode(sha256(envelope.as_bytes()))},
            "payloadHash": {"algorithm": "sha256", "value": hex::encode(sha256(payload))},
            "signatures": [{"signature": b64(signature), "verifier": b64(verifier_pem)}],
        },
    }))
}

/// intoto 0.0.2 body (canonical JSON). `sig` is base64 of the base64 signature, and the
/// stored envelope carries no payload (as Rekor returns it).
pub fn intoto_body(
    payload: &[u8],
    payload_type: &str,
    signature: &[u8],
    verifier_pem: &str,
) -> String {
    let envelope = envelope_json(payload, payload_type, signature);
    canonical_json(&json!({
        "apiVersion": "0.0.2",
        "kind": "intoto",
        "spec": {
            "content": {
                "envelope": {
                    "payloadType": payload_type,
                    "signatures": [{"sig": b64(b64(signature)), "publicKey": b64(verifier_pem)}],
                },
                "hash": {"algorithm": "sha256", "value": hex::encode(sha256(envelope.as_bytes()))},
                "payloadHash": {"algorithm": "sha256", "value": hex::encode(sha256(payload))},
            },
        },
    }))
}

/// The `verifier` of a Rekor v2 entry: a DER certificate or a DER SPKI public key, with its
/// `keyDetails` (e.g. `PKIX_ECDSA_P256_SHA_256`, `PKIX_ED25519`).
#[derive(Clone, Copy, Debug)]
pub enum V2Verifier<'a> {
    /// `x509Certificate.rawBytes`.
    Certificate(&'a [u8], &'a str),
    /// `publicKey.rawBytes`.
    PublicKey(&'a [u8], &'a str),
}

impl V2Verifier<'_> {
    fn json(&self) -> Value {
        match self {
            V2Verifier::Certificate(der, details) => {
                json!({"keyDetails": details, "x509Certificate": {"rawBytes": b64(der)}})
            }
            V2Verifier::PublicKey(der, details) => {
                json!({"keyDetails": details, "publicKey": {"rawBytes": b64(der)}})
            }
        }
    }
}

/// hashedrekord 0.0.2 body (canonical JSON), as Rekor v2 (rekor-tiles) stores it. `digest` is
/// SHA-256 of the artifact (for a DSSE envelope: of its PAE bytes).
pub fn hashedrekord_v2_body(
    digest: &[u8; 32],
    signature: &[u8],
    verifier: V2Verifier<'_>,
) -> String {
    hashedrekord_v2_body_with("SHA2_256", digest, signature, verifier)
}

/// hashedrekord 0.0.2 body over a digest named `algorithm` (`SHA2_384`).
pub fn hashedrekord_v2_body_with(
    algorithm: &str,
    digest: &[u8],
    signature: &[u8],
    verifier: V2Verifier<'_>,
) -> String {
    canonical_json(&json!({
        "apiVersion": "0.0.2",
        "kind": "hashedrekord",
        "spec": {"hashedRekordV002": {
            "data": {"algorithm": algorithm, "digest": b64(digest)},
            "signature": {"content": b64(signature), "verifier": verifier.json()},
        }},
    }))
}

/// dsse 0.0.2 body (canonical JSON): the payload hash and the envelope's signatures with their
/// verifiers.
pub fn dsse_v2_body(payload_hash: &[u8; 32], signature: &[u8], verifier: V2Verifier<'_>) -> String {
    canonical_json(&json!({
        "apiVersion": "0.0.2",
        "kind": "dsse",
        "spec": {"dsseV002": {
            "payloadHash": {"algorithm": "SHA2_256", "digest": b64(payload_hash)},
            "signatures": [{"content": b64(signature), "verifier": verifier.json()}],
        }},
    }))
}
