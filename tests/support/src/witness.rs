//! Witnesses: Ed25519 keys of our own that cosign checkpoints (C2SP `tlog-cosignature`,
//! `cosignature/v1`), and their C2SP `signed-note` verifier keys.

use crate::keys::EdKey;
use crate::log::{note_key_id, NOTE_TYPE_COSIGNATURE_V1};
use crate::util::b64;

/// Names of the instance's witnesses, in order ([`crate::Instance::witness_vkey`] takes an
/// index into this list).
pub const WITNESS_NAMES: [&str; 3] = [
    "witness1.sigverify.test",
    "witness2.sigverify.test",
    "witness3.sigverify.test",
];
/// Name of the rogue witness (not one of the instance's witnesses).
pub const ROGUE_WITNESS_NAME: &str = "rogue-witness.sigverify.test";
/// A cosignature timestamp far in the future (2100-01-01T00:00:00Z), for
/// [`crate::LogFault::CosignatureFromFuture`].
pub const FUTURE_COSIGNATURE_TIME: u64 = 4_102_444_800;

/// A witness: a name and an Ed25519 key.
#[derive(Clone)]
pub struct WitnessKey {
    /// The witness's name (key name on its cosignature lines).
    pub name: String,
    /// Its signing key.
    pub key: EdKey,
}

/// The message a `cosignature/v1` signs: `cosignature/v1\ntime <t>\n` followed by the
/// checkpoint body (with its final newline).
pub fn cosignature_message(body: &str, time: u64) -> Vec<u8> {
    format!("cosignature/v1\ntime {time}\n{body}").into_bytes()
}

impl WitnessKey {
    /// The witness `name` whose key seed is SHA-256(`"sigverify-testkit/<label>"`).
    pub fn derive(name: &str, label: &str) -> WitnessKey {
        WitnessKey {
            name: name.to_string(),
            key: EdKey::derive(label),
        }
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.public_bytes()
    }

    /// The key hint: SHA-256(name || "\n" || 0x04 || key)\[:4\].
    pub fn key_hint(&self) -> [u8; 4] {
        let id = note_key_id(&self.name, NOTE_TYPE_COSIGNATURE_V1, &self.public_key());
        [id[0], id[1], id[2], id[3]]
    }

    /// The C2SP verifier key: `<name>+<hex key hint>+<base64(0x04 || key)>`.
    pub fn vkey(&self) -> String {
        let mut raw = vec![NOTE_TYPE_COSIGNATURE_V1];
        raw.extend_from_slice(&self.public_key());
        format!(
            "{}+{}+{}",
            self.name,
            hex::encode(self.key_hint()),
            b64(raw)
        )
    }

    /// A cosignature line (name, blob) over the checkpoint `body` at `time`:
    /// blob = key hint || u64 big-endian time || Ed25519 signature.
    pub fn cosign(&self, body: &str, time: u64) -> (String, Vec<u8>) {
        self.cosign_with(body, time, &self.key)
    }

    /// Like [`WitnessKey::cosign`] (this witness's name and key hint), but signed by `signer`.
    pub fn cosign_with(&self, body: &str, time: u64, signer: &EdKey) -> (String, Vec<u8>) {
        let mut blob = self.key_hint().to_vec();
        blob.extend_from_slice(&time.to_be_bytes());
        blob.extend_from_slice(&signer.sign(&cosignature_message(body, time)));
        (self.name.clone(), blob)
    }
}
