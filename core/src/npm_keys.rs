//! The npm registry's signing keys (`registry.npmjs.org/keys.json`): trusted material, as the
//! trusted root is, delivered by the same TUF repository. Here, below both, so that the TUF
//! client can return them without depending on the npm adapter that uses them
//! (`ecosystems::npm`, which re-exports [`RegistryKeys`] and [`EMBEDDED_KEYS`]).

use serde::Deserialize;

use crate::encoding::b64;
use crate::error::Error;
use crate::time::{rfc3339, Round, Window};

/// The npm registry keys (`registry.npmjs.org/keys.json`, a Sigstore TUF target), embedded.
pub const EMBEDDED_KEYS: &[u8] = include_bytes!("../roots/npm-keys.json");

/// One registry key.
#[derive(Clone, Debug)]
pub(crate) struct RegistryKey {
    key_id: String,
    usage: String,
    pub(crate) spki_der: Vec<u8>,
    pub(crate) valid_for: Window,
}

/// The registry's signing keys.
#[derive(Clone, Debug)]
pub struct RegistryKeys {
    keys: Vec<RegistryKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKeys {
    keys: Vec<RawKey>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKey {
    key_id: String,
    key_usage: String,
    public_key: RawPublicKey,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPublicKey {
    raw_bytes: String,
    valid_for: RawWindow,
}

#[derive(Deserialize)]
struct RawWindow {
    start: String,
    end: Option<String>,
}

impl RegistryKeys {
    /// Parses `keys.json`.
    pub fn from_json(json: &[u8]) -> Result<RegistryKeys, Error> {
        crate::limits::Document::NpmKeys.check_size(json.len() as u64)?;
        crate::limits::check_json(json, "npm keys.json")?;
        let raw: RawKeys = serde_json::from_slice(json).map_err(|e| Error::InvalidJson {
            what: "npm keys.json",
            detail: e.to_string(),
        })?;
        let keys = raw
            .keys
            .into_iter()
            .map(|k| {
                Ok(RegistryKey {
                    spki_der: b64("keys[].publicKey.rawBytes", &k.public_key.raw_bytes)?,
                    valid_for: Window {
                        start: rfc3339("validFor.start", &k.public_key.valid_for.start, Round::Up)?,
                        end: k
                            .public_key
                            .valid_for
                            .end
                            .map(|e| rfc3339("validFor.end", &e, Round::Down))
                            .transpose()?,
                    },
                    key_id: k.key_id,
                    usage: k.key_usage,
                })
            })
            .collect::<Result<_, Error>>()?;
        Ok(RegistryKeys { keys })
    }

    /// The embedded registry keys.
    pub fn embedded() -> Result<RegistryKeys, Error> {
        RegistryKeys::from_json(EMBEDDED_KEYS)
    }

    /// The key with this key id that signs npm attestations.
    pub(crate) fn attestation_key(&self, key_id: &str) -> Option<&RegistryKey> {
        self.keys
            .iter()
            .find(|k| k.key_id == key_id && k.usage == "npm:attestations")
    }
}
