//! A small TUF repository of our own, shaped like Sigstore's: root, timestamp, snapshot,
//! targets listing `trusted_root.json`, and a `registry.npmjs.org` delegated role listing
//! `registry.npmjs.org/keys.json`. Every knob (keys, thresholds, versions, expiry, lengths and
//! hashes in `meta`) is a field, so a test can make a repository where exactly one TUF check
//! fails, and [`resign`] re-signs an edited document with keys of its choice.
//!
//! Keys come from a deterministic pool ([`TufKey::derive`]): even indexes are ECDSA P-256 keys
//! written as PEM (`keytype` `ecdsa`, as tuf-on-ci writes them), odd ones Ed25519 (hex). The
//! canonical JSON here is written independently of sigverify's (OLPC form: sorted keys, no
//! whitespace, only `"` and `\` escaped).

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{json, Value};

use crate::keys::{EcKey, EdKey};
use crate::util::sha256;

/// A TUF signing key of the pool.
#[derive(Clone)]
pub enum TufKey {
    /// ECDSA P-256, `keytype` `ecdsa`, scheme `ecdsa-sha2-nistp256`, PEM public key.
    Ec(EcKey),
    /// Ed25519, `keytype` and scheme `ed25519`, hex public key.
    Ed(EdKey),
}

impl TufKey {
    /// Key number `i` of the pool: ECDSA P-256 when `i` is even, Ed25519 when odd. Derived
    /// once per process (deriving is slow in unoptimised test builds).
    pub fn derive(i: usize) -> TufKey {
        static POOL: OnceLock<Mutex<BTreeMap<usize, TufKey>>> = OnceLock::new();
        let pool = POOL.get_or_init(|| Mutex::new(BTreeMap::new()));
        let mut pool = pool.lock().unwrap_or_else(|e| e.into_inner());
        pool.entry(i)
            .or_insert_with(|| {
                if i.is_multiple_of(2) {
                    TufKey::Ec(EcKey::derive(&format!("tuf-{i}")))
                } else {
                    TufKey::Ed(EdKey::derive(&format!("tuf-{i}")))
                }
            })
            .clone()
    }

    /// The key as TUF metadata lists it.
    pub fn key_json(&self) -> Value {
        match self {
            TufKey::Ec(k) => json!({
                "keytype": "ecdsa",
                "scheme": "ecdsa-sha2-nistp256",
                "keyval": {"public": k.spki_pem()},
            }),
            TufKey::Ed(k) => json!({
                "keytype": "ed25519",
                "scheme": "ed25519",
                "keyval": {"public": hex::encode(k.public_bytes())},
            }),
        }
    }

    /// The key id: hex SHA-256 of the canonical key JSON (securesystemslib's rule).
    pub fn keyid(&self) -> String {
        hex::encode(sha256(&olpc_canonical(&self.key_json())))
    }

    /// A signature as TUF stores it: hex DER ECDSA, or hex raw Ed25519. Both are
    /// deterministic, so they are remembered per (key, message): tests build many repositories
    /// that share most documents, and signing is slow in unoptimised builds.
    pub fn sign_hex(&self, msg: &[u8]) -> String {
        type Cache = Mutex<BTreeMap<(String, [u8; 32]), String>>;
        static SIGNATURES: OnceLock<Cache> = OnceLock::new();
        let cache = SIGNATURES.get_or_init(|| Mutex::new(BTreeMap::new()));
        let slot = (self.keyid(), sha256(msg));
        if let Some(sig) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&slot) {
            return sig.clone();
        }
        let sig = match self {
            TufKey::Ec(k) => hex::encode(k.sign(msg)),
            TufKey::Ed(k) => hex::encode(k.sign(msg)),
        };
        cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(slot, sig.clone());
        sig
    }
}

/// OLPC canonical JSON (what TUF signs): sorted keys, no whitespace, only `"` and `\` escaped.
pub fn olpc_canonical(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write(&map[k], out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(item, out);
            }
            out.push(b']');
        }
        Value::String(s) => write_str(s, out),
        other => out.extend_from_slice(other.to_string().as_bytes()),
    }
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push(b'\\');
        }
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
    out.push(b'"');
}

/// A metadata file: `signed`, signed by each of `keys` (pretty-printed, as repositories publish
/// them).
pub fn sign_doc(signed: &Value, keys: &[&TufKey]) -> Vec<u8> {
    let msg = olpc_canonical(signed);
    let signatures: Vec<Value> = keys
        .iter()
        .map(|k| json!({"keyid": k.keyid(), "sig": k.sign_hex(&msg)}))
        .collect();
    serde_json::to_vec_pretty(&json!({"signatures": signatures, "signed": signed}))
        .expect("JSON serialises")
}

/// Edits the `signed` object of a metadata file and signs it again with `keys` (only).
pub fn resign(doc: &[u8], keys: &[&TufKey], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(doc).expect("metadata is JSON");
    let signed = v.get_mut("signed").expect("metadata has signed");
    edit(signed);
    sign_doc(signed, keys)
}

/// Edits a whole metadata file (signatures included) without signing anything.
pub fn edit_doc(doc: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(doc).expect("metadata is JSON");
    edit(&mut v);
    serde_json::to_vec_pretty(&v).expect("JSON serialises")
}

/// One root version: which pool keys each role has, who signs it, when it expires.
#[derive(Clone, Debug)]
pub struct RootSpec {
    /// Root role keys (pool indexes).
    pub root_keys: Vec<usize>,
    /// Root role threshold.
    pub root_threshold: u64,
    /// Timestamp role keys.
    pub timestamp_keys: Vec<usize>,
    /// Snapshot role keys.
    pub snapshot_keys: Vec<usize>,
    /// Targets role keys.
    pub targets_keys: Vec<usize>,
    /// Threshold of the timestamp, snapshot and targets roles.
    pub threshold: u64,
    /// Who signs this version; `None`: its own root keys and the previous version's.
    pub signers: Option<Vec<usize>>,
    /// `expires`.
    pub expires: String,
}

/// The expiry every role gets by default (far ahead of the tests' "now").
pub const FAR_EXPIRY: &str = "2030-01-01T00:00:00Z";

/// The knobs of one repository; [`TufRepo::build`] writes its files.
#[derive(Clone, Debug)]
pub struct TufRepo {
    /// Every root version, oldest first: `roots[i]` is version `i + 1`.
    pub roots: Vec<RootSpec>,
    /// The root's `consistent_snapshot` (file names with version and hash prefixes).
    pub consistent_snapshot: bool,
    /// Timestamp version and expiry.
    pub timestamp_version: u64,
    /// Timestamp `expires`.
    pub timestamp_expires: String,
    /// Snapshot version.
    pub snapshot_version: u64,
    /// Snapshot `expires`.
    pub snapshot_expires: String,
    /// Top-level targets version.
    pub targets_version: u64,
    /// Top-level targets `expires`.
    pub targets_expires: String,
    /// Keys the targets role delegates `registry.npmjs.org` to (pool indexes).
    pub npm_delegated_keys: Vec<usize>,
    /// Keys that actually sign the `registry.npmjs.org` metadata.
    pub npm_signers: Vec<usize>,
    /// `registry.npmjs.org` version.
    pub npm_version: u64,
    /// `registry.npmjs.org` `expires`.
    pub npm_expires: String,
    /// Whether the timestamp and snapshot `meta` entries state lengths and hashes (the real
    /// repository states versions only).
    pub meta_hashes: bool,
    /// The `trusted_root.json` target.
    pub trusted_root_json: Vec<u8>,
    /// The `registry.npmjs.org/keys.json` target.
    pub npm_keys_json: Vec<u8>,
}

/// The files of a repository, by the name a client asks for (`1.root.json`, `timestamp.json`,
/// `snapshot.json` or `3.snapshot.json`, ...; targets by path or `DIR/HASH.NAME`).
#[derive(Clone, Debug, Default)]
pub struct TufFiles {
    /// Metadata files.
    pub metadata: BTreeMap<String, Vec<u8>>,
    /// Target files.
    pub targets: BTreeMap<String, Vec<u8>>,
}

fn meta_entry(version: u64, bytes: &[u8], with_hashes: bool) -> Value {
    if with_hashes {
        json!({
            "version": version,
            "length": bytes.len(),
            "hashes": {"sha256": hex::encode(sha256(bytes))},
        })
    } else {
        json!({ "version": version })
    }
}

fn sha512_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha512};
    hex::encode(Sha512::digest(bytes))
}

impl TufRepo {
    /// One root version (root keys 0, 1, 2 with threshold 2; timestamp key 3, snapshot 4,
    /// targets 5; `registry.npmjs.org` delegated to key 6), every version 1, everything
    /// expiring at [`FAR_EXPIRY`].
    pub fn new(trusted_root_json: Vec<u8>, npm_keys_json: Vec<u8>) -> TufRepo {
        TufRepo {
            roots: vec![RootSpec {
                root_keys: vec![0, 1, 2],
                root_threshold: 2,
                timestamp_keys: vec![3],
                snapshot_keys: vec![4],
                targets_keys: vec![5],
                threshold: 1,
                signers: None,
                expires: FAR_EXPIRY.into(),
            }],
            consistent_snapshot: false,
            timestamp_version: 1,
            timestamp_expires: FAR_EXPIRY.into(),
            snapshot_version: 1,
            snapshot_expires: FAR_EXPIRY.into(),
            targets_version: 1,
            targets_expires: FAR_EXPIRY.into(),
            npm_delegated_keys: vec![6],
            npm_signers: vec![6],
            npm_version: 1,
            npm_expires: FAR_EXPIRY.into(),
            meta_hashes: false,
            trusted_root_json,
            npm_keys_json,
        }
    }

    /// Appends a root version equal to the last one and returns it for editing.
    pub fn add_root(&mut self) -> &mut RootSpec {
        let mut next = self.roots.last().expect("a first root").clone();
        next.signers = None;
        self.roots.push(next);
        self.roots.last_mut().expect("just pushed")
    }

    /// The newest root's spec.
    pub fn last_root(&self) -> &RootSpec {
        self.roots.last().expect("a first root")
    }

    /// The `signed` object of root version `version` (1-based).
    pub fn root_signed(&self, version: usize) -> Value {
        let spec = &self.roots[version - 1];
        let mut keys = serde_json::Map::new();
        let all: Vec<usize> = spec
            .root_keys
            .iter()
            .chain(&spec.timestamp_keys)
            .chain(&spec.snapshot_keys)
            .chain(&spec.targets_keys)
            .copied()
            .collect();
        for i in all {
            let k = TufKey::derive(i);
            keys.insert(k.keyid(), k.key_json());
        }
        let ids =
            |v: &[usize]| -> Vec<String> { v.iter().map(|&i| TufKey::derive(i).keyid()).collect() };
        json!({
            "_type": "root",
            "spec_version": "1.0",
            "version": version,
            "expires": spec.expires,
            "consistent_snapshot": self.consistent_snapshot,
            "keys": keys,
            "roles": {
                "root": {"keyids": ids(&spec.root_keys), "threshold": spec.root_threshold},
                "timestamp": {"keyids": ids(&spec.timestamp_keys), "threshold": spec.threshold},
                "snapshot": {"keyids": ids(&spec.snapshot_keys), "threshold": spec.threshold},
                "targets": {"keyids": ids(&spec.targets_keys), "threshold": spec.threshold},
            },
        })
    }

    /// Root version `version`, signed as its spec says.
    pub fn root_doc(&self, version: usize) -> Vec<u8> {
        let spec = &self.roots[version - 1];
        let signers: Vec<usize> = match &spec.signers {
            Some(s) => s.clone(),
            None => {
                let mut s = spec.root_keys.clone();
                if version > 1 {
                    for &k in &self.roots[version - 2].root_keys {
                        if !s.contains(&k) {
                            s.push(k);
                        }
                    }
                }
                s
            }
        };
        let keys: Vec<TufKey> = signers.iter().map(|&i| TufKey::derive(i)).collect();
        sign_doc(&self.root_signed(version), &keys.iter().collect::<Vec<_>>())
    }

    fn role_keys(v: &[usize]) -> Vec<TufKey> {
        v.iter().map(|&i| TufKey::derive(i)).collect()
    }

    /// The name a client asks for: `VERSION.ROLE.json` with consistent snapshots.
    pub fn meta_name(&self, role: &str, version: u64) -> String {
        if self.consistent_snapshot {
            format!("{version}.{role}.json")
        } else {
            format!("{role}.json")
        }
    }

    /// The name a client asks for a target: `DIR/SHA256.NAME` with consistent snapshots.
    pub fn target_name(&self, path: &str, bytes: &[u8]) -> String {
        if !self.consistent_snapshot {
            return path.to_owned();
        }
        let h = hex::encode(sha256(bytes));
        match path.rsplit_once('/') {
            Some((d, b)) => format!("{d}/{h}.{b}"),
            None => format!("{h}.{path}"),
        }
    }

    /// Every file of the repository.
    pub fn build(&self) -> TufFiles {
        let mut files = TufFiles::default();
        let last = self.last_root();
        for v in 1..=self.roots.len() {
            files
                .metadata
                .insert(format!("{v}.root.json"), self.root_doc(v));
        }
        files
            .metadata
            .insert("root.json".into(), self.root_doc(self.roots.len()));

        let npm_path = "registry.npmjs.org/keys.json";
        let npm_signed = json!({
            "_type": "targets",
            "spec_version": "1.0",
            "version": self.npm_version,
            "expires": self.npm_expires,
            "targets": {
                npm_path: {
                    "length": self.npm_keys_json.len(),
                    "hashes": {"sha256": hex::encode(sha256(&self.npm_keys_json))},
                }
            },
        });
        let npm_doc = sign_doc(
            &npm_signed,
            &Self::role_keys(&self.npm_signers)
                .iter()
                .collect::<Vec<_>>(),
        );

        let mut delegated_keys = serde_json::Map::new();
        for &i in &self.npm_delegated_keys {
            let k = TufKey::derive(i);
            delegated_keys.insert(k.keyid(), k.key_json());
        }
        let targets_signed = json!({
            "_type": "targets",
            "spec_version": "1.0",
            "version": self.targets_version,
            "expires": self.targets_expires,
            "targets": {
                "trusted_root.json": {
                    "length": self.trusted_root_json.len(),
                    "hashes": {
                        "sha256": hex::encode(sha256(&self.trusted_root_json)),
                        "sha512": sha512_hex(&self.trusted_root_json),
                    },
                    "custom": {"sigstore": {"status": "Active", "usage": "Unknown"}},
                }
            },
            "delegations": {
                "keys": delegated_keys,
                "roles": [{
                    "name": "registry.npmjs.org",
                    "keyids": self.npm_delegated_keys.iter().map(|&i| TufKey::derive(i).keyid()).collect::<Vec<_>>(),
                    "threshold": 1,
                    "terminating": true,
                    "paths": ["registry.npmjs.org/*"],
                }],
            },
        });
        let targets_doc = sign_doc(
            &targets_signed,
            &Self::role_keys(&last.targets_keys)
                .iter()
                .collect::<Vec<_>>(),
        );

        let snapshot_signed = json!({
            "_type": "snapshot",
            "spec_version": "1.0",
            "version": self.snapshot_version,
            "expires": self.snapshot_expires,
            "meta": {
                "targets.json": meta_entry(self.targets_version, &targets_doc, self.meta_hashes),
                "registry.npmjs.org.json": meta_entry(self.npm_version, &npm_doc, self.meta_hashes),
            },
        });
        let snapshot_doc = sign_doc(
            &snapshot_signed,
            &Self::role_keys(&last.snapshot_keys)
                .iter()
                .collect::<Vec<_>>(),
        );

        let timestamp_signed = json!({
            "_type": "timestamp",
            "spec_version": "1.0",
            "version": self.timestamp_version,
            "expires": self.timestamp_expires,
            "meta": {
                "snapshot.json": meta_entry(self.snapshot_version, &snapshot_doc, self.meta_hashes),
            },
        });
        let timestamp_doc = sign_doc(
            &timestamp_signed,
            &Self::role_keys(&last.timestamp_keys)
                .iter()
                .collect::<Vec<_>>(),
        );

        files
            .metadata
            .insert("timestamp.json".into(), timestamp_doc);
        files.metadata.insert(
            self.meta_name("snapshot", self.snapshot_version),
            snapshot_doc,
        );
        files
            .metadata
            .insert(self.meta_name("targets", self.targets_version), targets_doc);
        files.metadata.insert(
            self.meta_name("registry.npmjs.org", self.npm_version),
            npm_doc,
        );
        files.targets.insert(
            self.target_name("trusted_root.json", &self.trusted_root_json),
            self.trusted_root_json.clone(),
        );
        files.targets.insert(
            self.target_name(npm_path, &self.npm_keys_json),
            self.npm_keys_json.clone(),
        );
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn olpc_escapes_only_quote_and_backslash() {
        let v = json!({"b": "x\"y\\z\n", "a": [1, true, null]});
        assert_eq!(
            olpc_canonical(&v),
            b"{\"a\":[1,true,null],\"b\":\"x\\\"y\\\\z\n\"}".to_vec()
        );
    }

    #[test]
    fn builds_a_repository() {
        let repo = TufRepo::new(b"{}".to_vec(), b"{}".to_vec());
        let files = repo.build();
        for name in [
            "1.root.json",
            "root.json",
            "timestamp.json",
            "snapshot.json",
            "targets.json",
            "registry.npmjs.org.json",
        ] {
            assert!(files.metadata.contains_key(name), "{name}");
        }
        assert!(files.targets.contains_key("registry.npmjs.org/keys.json"));
        assert_ne!(TufKey::derive(0).keyid(), TufKey::derive(1).keyid());
    }
}
