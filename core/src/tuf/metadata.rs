//! TUF metadata documents (TUF specification §4): the signed envelope, keys and roles, the four
//! top-level roles and delegated targets roles, parsed into what the client workflow checks.
//!
//! Parsing is strict about what the workflow relies on (types, versions, expiry, thresholds,
//! lengths and hashes) and lenient about the rest: unknown fields (`x-tuf-on-ci-*`, `custom`)
//! are ignored, and a key of a type we cannot use is kept as unusable, so it simply never
//! counts towards a threshold.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::Value;

use super::canonical_json;
use crate::crypto::{Backend, HashAlg, PublicKey, SigScheme};
use crate::encoding::pem;
use crate::error::Error;
use crate::limits;
use crate::time::{rfc3339, Round};

/// The names of the top-level roles (TUF §2.1), which a delegation may not reuse.
pub(super) const TOP_LEVEL_ROLES: [&str; 4] = ["root", "timestamp", "snapshot", "targets"];

/// A malformed metadata file: input we cannot use at all.
pub(super) fn malformed(role: &str, field: &str, reason: impl Into<String>) -> Error {
    Error::InvalidTrustedRoot {
        field: if field.is_empty() {
            format!("TUF {role} metadata")
        } else {
            format!("TUF {role} metadata {field}")
        },
        reason: reason.into(),
    }
}

/// A well-formed file the workflow refuses (rollback, mismatch, missing file).
pub(super) fn refused(role: &str, reason: impl Into<String>) -> Error {
    Error::Tuf {
        role: role.to_owned(),
        reason: reason.into(),
    }
}

/// One entry of `signatures`.
#[derive(Clone, Debug)]
struct Sig {
    keyid: String,
    /// The decoded hex signature; `None` when it is not hex (it then verifies nothing). The
    /// public-good root history has empty signatures from keys that did not sign.
    bytes: Option<Vec<u8>>,
}

/// A signed metadata file: the canonical bytes of its `signed` object and the signatures.
#[derive(Clone, Debug)]
pub(super) struct Envelope {
    canonical: Vec<u8>,
    signatures: Vec<Sig>,
}

/// A public key of a metadata file, usable for verification.
#[derive(Clone, Debug)]
pub(super) struct Key {
    public: PublicKey,
    scheme: SigScheme,
}

/// The keys a role's signatures are checked with: key id → key (`None`: a key of a type or
/// encoding sigverify cannot use).
pub(super) type KeyMap = BTreeMap<String, Option<Key>>;

/// A role's key ids and threshold (TUF §4.3 `roles`, §4.5 `delegations.roles`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct RoleKeys {
    pub(super) keyids: Vec<String>,
    pub(super) threshold: u64,
}

impl RoleKeys {
    /// The distinct key ids, sorted: what "the keys have been rotated" compares (§5.3.11).
    pub(super) fn keyid_set(&self) -> BTreeSet<&str> {
        self.keyids.iter().map(String::as_str).collect()
    }
}

/// TUF §4.3: root metadata.
#[derive(Clone, Debug)]
pub(super) struct Root {
    pub(super) version: u64,
    pub(super) expires: i64,
    pub(super) consistent_snapshot: bool,
    keys: KeyMap,
    roles: BTreeMap<String, RoleKeys>,
}

/// A `meta` entry (TUF §4.4, §4.6 METAFILES): the version of a metadata file, and optionally
/// its length and hashes.
#[derive(Clone, Debug)]
pub(super) struct MetaFile {
    pub(super) version: u64,
    pub(super) length: Option<u64>,
    pub(super) hashes: Vec<(String, Vec<u8>)>,
}

/// TUF §4.6: timestamp metadata.
#[derive(Clone, Debug)]
pub(super) struct Timestamp {
    pub(super) version: u64,
    pub(super) expires: i64,
    pub(super) snapshot: MetaFile,
}

/// TUF §4.4: snapshot metadata.
#[derive(Clone, Debug)]
pub(super) struct Snapshot {
    pub(super) version: u64,
    pub(super) expires: i64,
    pub(super) meta: BTreeMap<String, MetaFile>,
}

/// A TARGETS entry (TUF §4.5): a target file's length and hashes.
#[derive(Clone, Debug)]
pub(super) struct TargetFile {
    pub(super) length: u64,
    pub(super) hashes: Vec<(String, Vec<u8>)>,
}

/// Which target paths a delegated role is trusted for (TUF §4.5 `paths` /
/// `path_hash_prefixes`).
#[derive(Clone, Debug)]
enum PathRule {
    Patterns(Vec<String>),
    HashPrefixes(Vec<String>),
}

/// One delegated role.
#[derive(Clone, Debug)]
pub(super) struct DelegatedRole {
    pub(super) name: String,
    pub(super) keys: RoleKeys,
    pub(super) terminating: bool,
    paths: PathRule,
}

/// A targets role's delegations (TUF §4.5 `delegations`).
#[derive(Clone, Debug)]
pub(super) struct Delegations {
    pub(super) keys: KeyMap,
    pub(super) roles: Vec<DelegatedRole>,
}

/// TUF §4.5: targets metadata (top-level or delegated).
#[derive(Clone, Debug)]
pub(super) struct Targets {
    pub(super) version: u64,
    pub(super) expires: i64,
    pub(super) targets: BTreeMap<String, TargetFile>,
    pub(super) delegations: Option<Delegations>,
}

// ---- Raw serde shapes of the `signed` objects. Unknown fields are ignored. ----

#[derive(Deserialize)]
struct RawRoot {
    version: u64,
    expires: String,
    #[serde(default)]
    consistent_snapshot: bool,
    keys: BTreeMap<String, RawKey>,
    roles: BTreeMap<String, RawRole>,
}

#[derive(Deserialize)]
struct RawKey {
    keytype: String,
    scheme: String,
    keyval: RawKeyval,
}

#[derive(Deserialize)]
struct RawKeyval {
    public: Option<String>,
}

#[derive(Deserialize)]
struct RawRole {
    keyids: Vec<String>,
    threshold: u64,
}

#[derive(Deserialize)]
struct RawMetaFile {
    version: u64,
    length: Option<u64>,
    hashes: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct RawTimestamp {
    version: u64,
    expires: String,
    meta: BTreeMap<String, RawMetaFile>,
}

#[derive(Deserialize)]
struct RawSnapshot {
    version: u64,
    expires: String,
    meta: BTreeMap<String, RawMetaFile>,
}

#[derive(Deserialize)]
struct RawTargetFile {
    length: u64,
    hashes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawDelegatedRole {
    name: String,
    keyids: Vec<String>,
    threshold: u64,
    #[serde(default)]
    terminating: bool,
    paths: Option<Vec<String>>,
    path_hash_prefixes: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawDelegations {
    keys: BTreeMap<String, RawKey>,
    roles: Option<Vec<RawDelegatedRole>>,
    succinct_roles: Option<Value>,
}

#[derive(Deserialize)]
struct RawTargets {
    version: u64,
    expires: String,
    targets: BTreeMap<String, RawTargetFile>,
    delegations: Option<RawDelegations>,
}

/// Refuses a file larger than `max` before anything else reads it.
pub(super) fn check_size(bytes: &[u8], max: u64, what: &'static str) -> Result<(), Error> {
    if bytes.len() as u64 > max {
        return Err(Error::LimitExceeded {
            what,
            limit: max,
            found: bytes.len() as u64,
        });
    }
    Ok(())
}

/// TUF §4.2: reads `{"signed": ..., "signatures": [...]}`, checks `_type` and `spec_version`,
/// and computes the canonical bytes the signatures cover. Returns the envelope and `signed`.
fn parse_envelope(
    role: &str,
    expected_type: &str,
    bytes: &[u8],
) -> Result<(Envelope, Value), Error> {
    limits::check_json_tree(bytes, "TUF metadata")?;
    let doc: Value =
        serde_json::from_slice(bytes).map_err(|e| malformed(role, "", format!("not JSON: {e}")))?;
    let Value::Object(mut top) = doc else {
        return Err(malformed(role, "", "not a JSON object"));
    };
    let signed = top
        .remove("signed")
        .ok_or_else(|| malformed(role, "signed", "missing"))?;
    let raw_sigs = match top.remove("signatures") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(malformed(role, "signatures", "not an array")),
        None => return Err(malformed(role, "signatures", "missing")),
    };
    if raw_sigs.len() > limits::MAX_TUF_SIGNATURES {
        return Err(Error::LimitExceeded {
            what: "signatures on one TUF metadata file",
            limit: limits::MAX_TUF_SIGNATURES as u64,
            found: raw_sigs.len() as u64,
        });
    }
    let mut signatures = Vec::with_capacity(raw_sigs.len());
    for s in &raw_sigs {
        let keyid = s.get("keyid").and_then(Value::as_str);
        let sig = s.get("sig").and_then(Value::as_str);
        let (Some(keyid), Some(sig)) = (keyid, sig) else {
            return Err(malformed(
                role,
                "signatures[]",
                "each signature needs a string keyid and sig",
            ));
        };
        signatures.push(Sig {
            keyid: keyid.to_owned(),
            bytes: hex::decode(sig).ok().filter(|b| !b.is_empty()),
        });
    }
    let Value::Object(fields) = &signed else {
        return Err(malformed(role, "signed", "not a JSON object"));
    };
    match fields.get("_type").and_then(Value::as_str) {
        Some(t) if t == expected_type => {}
        other => {
            return Err(malformed(
                role,
                "signed._type",
                format!("expected {expected_type:?}, found {other:?}"),
            ))
        }
    }
    // TUF §4.2: the client supports the major version of the specification it implements.
    match fields.get("spec_version").and_then(Value::as_str) {
        Some(v) if v.split('.').next() == Some("1") => {}
        other => {
            return Err(malformed(
                role,
                "signed.spec_version",
                format!("expected a 1.x specification version, found {other:?}"),
            ))
        }
    }
    let canonical = canonical_json::encode(&signed).map_err(|r| malformed(role, "signed", r))?;
    Ok((
        Envelope {
            canonical,
            signatures,
        },
        signed,
    ))
}

fn from_signed<T: serde::de::DeserializeOwned>(role: &str, signed: Value) -> Result<T, Error> {
    serde_json::from_value(signed).map_err(|e| malformed(role, "signed", e.to_string()))
}

fn version(role: &str, field: &str, v: u64) -> Result<u64, Error> {
    if v == 0 {
        return Err(malformed(role, field, "versions start at 1"));
    }
    Ok(v)
}

/// `expires` (TUF §4.2, RFC 3339; the oldest public-good roots carry a fraction and an offset).
/// A fraction is rounded down: the window is never widened.
fn expires(role: &str, s: &str) -> Result<i64, Error> {
    rfc3339(
        &format!("TUF {role} metadata signed.expires"),
        s,
        Round::Down,
    )
    .map_err(|e| malformed(role, "signed.expires", e.to_string()))
}

fn hashes(
    role: &str,
    field: &str,
    raw: BTreeMap<String, String>,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    if raw.is_empty() {
        return Err(malformed(role, field, "an empty hashes object"));
    }
    raw.into_iter()
        .map(|(alg, hex_digest)| {
            let digest = hex::decode(&hex_digest)
                .map_err(|e| malformed(role, field, format!("{alg}: not hex: {e}")))?;
            Ok((alg, digest))
        })
        .collect()
}

fn meta_file(role: &str, name: &str, raw: RawMetaFile) -> Result<MetaFile, Error> {
    let field = format!("signed.meta[{name:?}]");
    if raw.length == Some(0) {
        return Err(malformed(role, &field, "length 0"));
    }
    Ok(MetaFile {
        version: version(role, &field, raw.version)?,
        length: raw.length,
        hashes: match raw.hashes {
            Some(h) => hashes(role, &field, h)?,
            None => Vec::new(),
        },
    })
}

// P-256, P-384 and Ed25519 SubjectPublicKeyInfo headers, for keys given as a raw hex point or
// key (the public-good root history before version 9 has hex P-256 points).
const P256_SPKI_PREFIX: &[u8] = &[
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const P384_SPKI_PREFIX: &[u8] = &[
    0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
    0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
];
const ED25519_SPKI_PREFIX: &[u8] = &[
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A TUF key (securesystemslib formats): `ecdsa` / `ecdsa-sha2-nistp256` (P-256, scheme
/// `ecdsa-sha2-nistp256`), P-384 (`ecdsa-sha2-nistp384`), and `ed25519`; the public key as PEM
/// SubjectPublicKeyInfo or as hex (an uncompressed EC point, a raw Ed25519 key). Anything else
/// is unusable (`None`), never an error: a root may list keys this client cannot use as long as
/// a threshold of usable keys signs.
fn parse_key(raw: &RawKey, backend: Backend) -> Option<Key> {
    let scheme = match (raw.keytype.as_str(), raw.scheme.as_str()) {
        ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => SigScheme::EcdsaP256Sha256,
        ("ecdsa" | "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384") => SigScheme::EcdsaP384Sha384,
        ("ed25519", "ed25519") => SigScheme::Ed25519,
        _ => return None,
    };
    let public = raw.keyval.public.as_deref()?;
    let spki = if public.trim_start().starts_with("-----BEGIN") {
        match pem("keyval.public", public).ok()? {
            (label, der) if label == "PUBLIC KEY" => der,
            _ => return None,
        }
    } else {
        let key = hex::decode(public).ok()?;
        let prefix = match (scheme, key.len()) {
            (SigScheme::EcdsaP256Sha256, 65) => P256_SPKI_PREFIX,
            (SigScheme::EcdsaP384Sha384, 97) => P384_SPKI_PREFIX,
            (SigScheme::Ed25519, 32) => ED25519_SPKI_PREFIX,
            _ => return None,
        };
        [prefix, key.as_slice()].concat()
    };
    let public = PublicKey::from_spki_der(&spki, backend).ok()?;
    (public.key_type() == scheme.key_type()).then_some(Key { public, scheme })
}

fn key_map(raw: BTreeMap<String, RawKey>, backend: Backend) -> Result<KeyMap, Error> {
    if raw.len() > limits::MAX_TUF_KEYS {
        return Err(Error::LimitExceeded {
            what: "keys in one TUF key map",
            limit: limits::MAX_TUF_KEYS as u64,
            found: raw.len() as u64,
        });
    }
    Ok(raw
        .into_iter()
        .map(|(id, k)| {
            let key = parse_key(&k, backend);
            (id, key)
        })
        .collect())
}

fn role_keys(
    role: &str,
    field: &str,
    keyids: Vec<String>,
    threshold: u64,
) -> Result<RoleKeys, Error> {
    if keyids.len() > limits::MAX_TUF_KEYS {
        return Err(Error::LimitExceeded {
            what: "key ids of one TUF role",
            limit: limits::MAX_TUF_KEYS as u64,
            found: keyids.len() as u64,
        });
    }
    if threshold == 0 {
        return Err(malformed(
            role,
            field,
            "threshold 0 (it must be at least 1)",
        ));
    }
    Ok(RoleKeys { keyids, threshold })
}

/// TUF §5.3.3 / §5.4.2 / §5.5.3 / §5.6.3: the number of distinct keys among `role`'s key ids
/// whose signature over the canonical `signed` bytes verifies. Key ids are the repository's
/// (never recomputed); a key id listed twice, or two key ids of the same public key, count once;
/// a signature by a key id the role does not list counts for nothing.
pub(super) fn count_signatures(
    backend: Backend,
    env: &Envelope,
    keys: &KeyMap,
    role: &RoleKeys,
) -> usize {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut verified: Vec<&PublicKey> = Vec::new();
    for keyid in &role.keyids {
        if !seen.insert(keyid.as_str()) {
            continue;
        }
        let Some(Some(key)) = keys.get(keyid) else {
            continue;
        };
        if verified
            .iter()
            .any(|k| k.spki_der() == key.public.spki_der())
        {
            continue;
        }
        let signed = env
            .signatures
            .iter()
            .filter(|s| s.keyid == *keyid)
            .any(|s| {
                s.bytes
                    .as_deref()
                    .is_some_and(|sig| key.public.verify(backend, key.scheme, &env.canonical, sig))
            });
        if signed {
            verified.push(&key.public);
        }
    }
    verified.len()
}

/// TUF §5.5.2 / §5.6.2 / §5.7.3: a file's length and every listed hash must match. A hash
/// algorithm sigverify does not know fails (closed), as does a file with no hash to check when
/// `need_hash` is set (target files).
pub(super) fn check_length_and_hashes(
    backend: Backend,
    role: &str,
    what: &str,
    length: Option<u64>,
    hashes: &[(String, Vec<u8>)],
    bytes: &[u8],
) -> Result<(), Error> {
    if let Some(expected) = length {
        if bytes.len() as u64 != expected {
            return Err(refused(
                role,
                format!(
                    "{what}: length {}, the signed metadata states {expected}",
                    bytes.len()
                ),
            ));
        }
    }
    for (alg_name, expected) in hashes {
        let Some(alg) = HashAlg::from_name(alg_name) else {
            return Err(refused(
                role,
                format!(
                    "{what}: hash algorithm {alg_name:?} is not supported (sha256, sha384, sha512)"
                ),
            ));
        };
        let found = backend.hash(alg, bytes);
        if found != *expected {
            return Err(refused(
                role,
                format!(
                    "{what}: {alg_name} {}, the signed metadata states {}",
                    hex::encode(found),
                    hex::encode(expected)
                ),
            ));
        }
    }
    Ok(())
}

impl Root {
    /// Parses a root metadata file (TUF §4.3). Every top-level role must be present.
    pub(super) fn parse(bytes: &[u8], backend: Backend) -> Result<(Root, Envelope), Error> {
        let role = "root";
        let (env, signed) = parse_envelope(role, "root", bytes)?;
        let raw: RawRoot = from_signed(role, signed)?;
        let mut roles = BTreeMap::new();
        for (name, r) in raw.roles {
            let keys = role_keys(role, &format!("signed.roles.{name}"), r.keyids, r.threshold)?;
            roles.insert(name, keys);
        }
        for name in TOP_LEVEL_ROLES {
            if !roles.contains_key(name) {
                return Err(malformed(role, &format!("signed.roles.{name}"), "missing"));
            }
        }
        Ok((
            Root {
                version: version(role, "signed.version", raw.version)?,
                expires: expires(role, &raw.expires)?,
                consistent_snapshot: raw.consistent_snapshot,
                keys: key_map(raw.keys, backend)?,
                roles,
            },
            env,
        ))
    }

    /// A top-level role's key ids and threshold (present: checked when parsing).
    pub(super) fn role(&self, name: &str) -> Result<&RoleKeys, Error> {
        self.roles
            .get(name)
            .ok_or_else(|| malformed("root", &format!("signed.roles.{name}"), "missing"))
    }

    /// Signatures on `env` by distinct keys of the top-level role `name`, and its threshold.
    pub(super) fn signatures_by(
        &self,
        backend: Backend,
        name: &str,
        env: &Envelope,
    ) -> Result<(usize, u64), Error> {
        let role = self.role(name)?;
        Ok((
            count_signatures(backend, env, &self.keys, role),
            role.threshold,
        ))
    }
}

impl Timestamp {
    /// Parses a timestamp metadata file (TUF §4.6): `meta` must describe `snapshot.json`.
    pub(super) fn parse(bytes: &[u8]) -> Result<(Timestamp, Envelope), Error> {
        let role = "timestamp";
        let (env, signed) = parse_envelope(role, "timestamp", bytes)?;
        let mut raw: RawTimestamp = from_signed(role, signed)?;
        let snapshot = raw
            .meta
            .remove("snapshot.json")
            .ok_or_else(|| malformed(role, "signed.meta", "does not describe snapshot.json"))?;
        Ok((
            Timestamp {
                version: version(role, "signed.version", raw.version)?,
                expires: expires(role, &raw.expires)?,
                snapshot: meta_file(role, "snapshot.json", snapshot)?,
            },
            env,
        ))
    }
}

impl Snapshot {
    /// Parses a snapshot metadata file (TUF §4.4).
    pub(super) fn parse(bytes: &[u8]) -> Result<(Snapshot, Envelope), Error> {
        let role = "snapshot";
        let (env, signed) = parse_envelope(role, "snapshot", bytes)?;
        let raw: RawSnapshot = from_signed(role, signed)?;
        let meta = raw
            .meta
            .into_iter()
            .map(|(name, m)| {
                let m = meta_file(role, &name, m)?;
                Ok((name, m))
            })
            .collect::<Result<_, Error>>()?;
        Ok((
            Snapshot {
                version: version(role, "signed.version", raw.version)?,
                expires: expires(role, &raw.expires)?,
                meta,
            },
            env,
        ))
    }
}

impl Targets {
    /// Parses a targets metadata file, top-level or delegated (TUF §4.5).
    pub(super) fn parse(
        role: &str,
        bytes: &[u8],
        backend: Backend,
    ) -> Result<(Targets, Envelope), Error> {
        let (env, signed) = parse_envelope(role, "targets", bytes)?;
        let raw: RawTargets = from_signed(role, signed)?;
        let targets = raw
            .targets
            .into_iter()
            .map(|(path, t)| {
                let field = format!("signed.targets[{path:?}]");
                let hashes = hashes(role, &field, t.hashes)?;
                Ok((
                    path,
                    TargetFile {
                        length: t.length,
                        hashes,
                    },
                ))
            })
            .collect::<Result<_, Error>>()?;
        let delegations = raw
            .delegations
            .map(|d| delegations(role, d, backend))
            .transpose()?;
        Ok((
            Targets {
                version: version(role, "signed.version", raw.version)?,
                expires: expires(role, &raw.expires)?,
                targets,
                delegations,
            },
            env,
        ))
    }
}

fn delegations(role: &str, raw: RawDelegations, backend: Backend) -> Result<Delegations, Error> {
    let field = "signed.delegations";
    if raw.succinct_roles.is_some() {
        return Err(malformed(
            role,
            field,
            "succinct hash-bin delegations (succinct_roles) are not supported",
        ));
    }
    let raw_roles = raw.roles.unwrap_or_default();
    if raw_roles.len() > limits::MAX_TUF_DELEGATED_ROLES {
        return Err(Error::LimitExceeded {
            what: "delegated roles in one TUF targets metadata file",
            limit: limits::MAX_TUF_DELEGATED_ROLES as u64,
            found: raw_roles.len() as u64,
        });
    }
    let mut names = BTreeSet::new();
    let mut roles = Vec::with_capacity(raw_roles.len());
    for r in raw_roles {
        let f = format!("{field}.roles[{:?}]", r.name);
        if TOP_LEVEL_ROLES.contains(&r.name.as_str()) {
            return Err(malformed(
                role,
                &f,
                "a delegated role may not take a top-level role's name",
            ));
        }
        if !names.insert(r.name.clone()) {
            return Err(malformed(role, &f, "delegated twice"));
        }
        let paths = match (r.paths, r.path_hash_prefixes) {
            (Some(p), None) => PathRule::Patterns(p),
            (None, Some(h)) => PathRule::HashPrefixes(h),
            _ => {
                return Err(malformed(
                    role,
                    &f,
                    "exactly one of paths and path_hash_prefixes must be given",
                ))
            }
        };
        roles.push(DelegatedRole {
            keys: role_keys(role, &f, r.keyids, r.threshold)?,
            name: r.name,
            terminating: r.terminating,
            paths,
        });
    }
    Ok(Delegations {
        keys: key_map(raw.keys, backend)?,
        roles,
    })
}

impl DelegatedRole {
    /// TUF §5.7.2 / §4.5: is this role trusted for `target`? `paths` are shell-style patterns
    /// matched segment by segment (a `*` never crosses a `/`, as python-tuf's fnmatch per
    /// segment); `path_hash_prefixes` are prefixes of the hex SHA-256 of the target path.
    pub(super) fn is_delegated_path(&self, target: &str, backend: Backend) -> bool {
        match &self.paths {
            PathRule::Patterns(patterns) => patterns.iter().any(|p| path_matches(p, target)),
            PathRule::HashPrefixes(prefixes) => {
                let h = hex::encode(backend.hash(HashAlg::Sha256, target.as_bytes()));
                prefixes.iter().any(|p| h.starts_with(p.as_str()))
            }
        }
    }
}

fn path_matches(pattern: &str, target: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = target.split('/').collect();
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| fnmatch(p, t))
}

/// Python's `fnmatch.fnmatchcase`: `*` (any run), `?` (one character), `[seq]`, `[!seq]` with
/// ranges; a `[` without a closing `]` is literal.
fn fnmatch(pattern: &str, text: &str) -> bool {
    let pat: Vec<char> = pattern.chars().collect();
    let txt: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    // Where the last `*` was, and the text position it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = txt.get(t) {
        match pat.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(_) => {
                if let Some(next) = match_one(&pat, p, c) {
                    p = next;
                    t += 1;
                    continue;
                }
            }
            None => {}
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    while pat.get(p) == Some(&'*') {
        p += 1;
    }
    p == pat.len()
}

/// Matches one pattern element at `p` against `c`; the position after the element on a match.
fn match_one(pat: &[char], p: usize, c: char) -> Option<usize> {
    match pat.get(p)? {
        '?' => Some(p + 1),
        '[' => match class(pat, p) {
            Some((end, matched)) => matched(c).then_some(end),
            None => (c == '[').then_some(p + 1),
        },
        &l => (l == c).then_some(p + 1),
    }
}

/// A `[...]` class starting at `p`: the position after its `]` and its membership test, or
/// `None` when there is no closing `]` (the `[` is then literal).
fn class(pat: &[char], p: usize) -> Option<(usize, impl Fn(char) -> bool + '_)> {
    let mut i = p + 1;
    let negate = matches!(pat.get(i), Some('!'));
    if negate {
        i += 1;
    }
    let start = i;
    // A `]` right after `[` or `[!` is a member, not the end.
    if pat.get(i) == Some(&']') {
        i += 1;
    }
    while pat.get(i)? != &']' {
        i += 1;
    }
    let members = pat.get(start..i)?;
    let test = move |c: char| {
        let mut j = 0;
        let mut hit = false;
        while let Some(&m) = members.get(j) {
            if members.get(j + 1) == Some(&'-') && members.get(j + 2).is_some() {
                let hi = members.get(j + 2).copied().unwrap_or(m);
                hit |= m <= c && c <= hi;
                j += 3;
            } else {
                hit |= m == c;
                j += 1;
            }
        }
        hit != negate
    };
    Some((i + 1, test))
}

/// A role name as a file name: python-tuf's `quote(name, safe="")`, so that a delegated
/// role's name can never climb out of the metadata directory (`../x` → `..%2Fx`).
pub(super) fn role_file_name(role: &str) -> String {
    let mut out = String::with_capacity(role.len());
    for b in role.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sigverify_testkit::tuf::{sign_doc, TufKey};

    fn raw_key(v: Value) -> RawKey {
        serde_json::from_value(v).unwrap()
    }

    fn keys_of(pool: &[usize]) -> KeyMap {
        let raw: BTreeMap<String, RawKey> = pool
            .iter()
            .map(|&i| {
                let k = TufKey::derive(i);
                (k.keyid(), raw_key(k.key_json()))
            })
            .collect();
        key_map(raw, Backend::default()).unwrap()
    }

    fn envelope(doc: &[u8]) -> Envelope {
        parse_envelope("timestamp", "timestamp", doc).unwrap().0
    }

    fn signed() -> Value {
        json!({"_type": "timestamp", "spec_version": "1.0", "version": 1})
    }

    fn ids(pool: &[usize]) -> Vec<String> {
        pool.iter().map(|&i| TufKey::derive(i).keyid()).collect()
    }

    #[test]
    fn key_formats() {
        for &backend in Backend::all() {
            // The public-good root history: hex P-256 points (versions 1-8), PEM SPKI after.
            let hex_point = raw_key(
                json!({"keytype": "ecdsa-sha2-nistp256", "scheme": "ecdsa-sha2-nistp256",
                "keyval": {"public": "04cbc5cab2684160323c25cd06c3307178a6b1d1c9b949328453ae473c5ba7527e35b13f298b41633382241f3fd8526c262d43b45adee5c618fa0642c82b8a9803"}}),
            );
            assert!(parse_key(&hex_point, backend).is_some());
            for i in [0, 1] {
                let k = raw_key(TufKey::derive(i).key_json());
                assert!(parse_key(&k, backend).is_some(), "pool key {i}");
            }
            // Unusable, never an error: unknown types, a scheme that does not fit the key,
            // a PEM of another kind, a point not on the curve.
            let pem_ec = TufKey::derive(0).key_json()["keyval"]["public"].clone();
            let hex_ed = TufKey::derive(1).key_json()["keyval"]["public"].clone();
            for k in [
                json!({"keytype": "rsa", "scheme": "rsassa-pss-sha256", "keyval": {"public": pem_ec}}),
                json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": pem_ec}}),
                json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": {"public": hex_ed}}),
                json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp384", "keyval": {"public": pem_ec}}),
                json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": {"public": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}}),
                json!({"keytype": "ecdsa", "scheme": "ecdsa-sha2-nistp256", "keyval": {"public": format!("04{}", "00".repeat(64))}}),
                json!({"keytype": "ed25519", "scheme": "ed25519", "keyval": {}}),
            ] {
                assert!(parse_key(&raw_key(k.clone()), backend).is_none(), "{k}");
            }
        }
    }

    #[test]
    fn threshold_counts_distinct_keys_of_the_role() {
        let backend = Backend::default();
        let (k0, k1, k2) = (TufKey::derive(0), TufKey::derive(1), TufKey::derive(2));
        let keys = keys_of(&[0, 1, 2]);
        let doc = sign_doc(&signed(), &[&k0, &k1, &k2]);
        let env = envelope(&doc);
        let role = |pool: &[usize]| RoleKeys {
            keyids: ids(pool),
            threshold: 1,
        };
        assert_eq!(count_signatures(backend, &env, &keys, &role(&[0, 1, 2])), 3);
        // A key id listed twice counts once.
        assert_eq!(count_signatures(backend, &env, &keys, &role(&[0, 0, 0])), 1);
        // Signatures by keys outside the role count for nothing.
        assert_eq!(count_signatures(backend, &env, &keys, &role(&[2])), 1);
        assert_eq!(count_signatures(backend, &env, &keys, &role(&[3])), 0);
        // Two key ids for the same key count once.
        let mut aliased = keys.clone();
        aliased.insert("alias".into(), keys[&k0.keyid()].clone());
        let doc = edit(&doc, |v| {
            let mut s = v["signatures"][0].clone();
            s["keyid"] = json!("alias");
            v["signatures"].as_array_mut().unwrap().push(s);
        });
        let env = envelope(&doc);
        let mut r = role(&[0]);
        r.keyids.push("alias".into());
        assert_eq!(count_signatures(backend, &env, &aliased, &r), 1);
        // Empty, non-hex and repeated signatures verify nothing and break nothing.
        let doc = sign_doc(&signed(), &[&k0]);
        let doc = edit(&doc, |v| {
            let good = v["signatures"][0].clone();
            v["signatures"] = json!([
                {"keyid": k0.keyid(), "sig": ""},
                {"keyid": k0.keyid(), "sig": "zz"},
                good.clone(),
                good,
            ]);
        });
        assert_eq!(
            count_signatures(backend, &envelope(&doc), &keys, &role(&[0])),
            1
        );
        // The signature covers the canonical form: whitespace and key order do not matter,
        // content does.
        let doc = sign_doc(&signed(), &[&k0]);
        let compact = serde_json::to_vec(&serde_json::from_slice::<Value>(&doc).unwrap()).unwrap();
        assert_eq!(
            count_signatures(backend, &envelope(&compact), &keys, &role(&[0])),
            1
        );
        let changed = edit(&doc, |v| v["signed"]["version"] = json!(2));
        assert_eq!(
            count_signatures(backend, &envelope(&changed), &keys, &role(&[0])),
            0
        );
    }

    fn edit(doc: &[u8], f: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut v: Value = serde_json::from_slice(doc).unwrap();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn envelope_shape() {
        for (doc, field) in [
            (json!([]), ""),
            (json!({"signatures": []}), "signed"),
            (json!({"signed": signed()}), "signatures"),
            (json!({"signed": signed(), "signatures": {}}), "signatures"),
            (
                json!({"signed": signed(), "signatures": [{"keyid": 1, "sig": ""}]}),
                "signatures[]",
            ),
            (
                json!({"signed": {"_type": "root", "spec_version": "1.0"}, "signatures": []}),
                "signed._type",
            ),
            (
                json!({"signed": {"_type": "timestamp", "spec_version": "10.0"}, "signatures": []}),
                "signed.spec_version",
            ),
            (
                json!({"signed": {"_type": "timestamp", "spec_version": "1.0", "x": 0.5}, "signatures": []}),
                "signed",
            ),
        ] {
            let e =
                parse_envelope("timestamp", "timestamp", doc.to_string().as_bytes()).unwrap_err();
            assert_eq!(e.code(), "invalid-trusted-root", "{doc}");
            let m = e.to_string();
            assert!(
                m.contains(&format!("TUF timestamp metadata {field}:")) || field.is_empty(),
                "{m}"
            );
        }
        let many = json!({"signed": signed(), "signatures": vec![json!({"keyid": "a", "sig": ""}); limits::MAX_TUF_SIGNATURES + 1]});
        let e = parse_envelope("timestamp", "timestamp", many.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.code(), "limit-exceeded");
    }

    #[test]
    fn lengths_and_hashes() {
        let backend = Backend::default();
        let data = b"abc";
        let sha256 = backend.hash(HashAlg::Sha256, data);
        let sha512 = backend.hash(HashAlg::Sha512, data);
        let ok = [
            ("sha256".to_owned(), sha256.clone()),
            ("sha512".to_owned(), sha512),
        ];
        assert!(check_length_and_hashes(backend, "r", "f", Some(3), &ok, data).is_ok());
        assert!(check_length_and_hashes(backend, "r", "f", None, &[], data).is_ok());
        let e = check_length_and_hashes(backend, "r", "f", Some(4), &ok, data).unwrap_err();
        assert!(
            e.to_string()
                .contains("length 3, the signed metadata states 4"),
            "{e}"
        );
        let bad = [("sha512".to_owned(), sha256.clone())];
        let e = check_length_and_hashes(backend, "r", "f", Some(3), &bad, data).unwrap_err();
        assert!(e.to_string().contains("f: sha512"), "{e}");
        let unknown = [("md5".to_owned(), sha256)];
        let e = check_length_and_hashes(backend, "r", "f", Some(3), &unknown, data).unwrap_err();
        assert!(e.to_string().contains("\"md5\" is not supported"), "{e}");
    }

    #[test]
    fn delegated_roles() {
        let role = |paths: Value| -> Result<Delegations, Error> {
            let mut r = json!({"name": "d", "keyids": [], "threshold": 1, "terminating": false});
            for (k, v) in paths.as_object().unwrap() {
                r[k] = v.clone();
            }
            let raw: RawDelegations =
                serde_json::from_value(json!({"keys": {}, "roles": [r]})).unwrap();
            delegations("targets", raw, Backend::default())
        };
        let d = role(json!({"paths": ["registry.npmjs.org/*"]})).unwrap();
        assert!(d.roles[0].is_delegated_path("registry.npmjs.org/keys.json", Backend::default()));
        assert!(!d.roles[0].is_delegated_path("trusted_root.json", Backend::default()));
        // sha256("trusted_root.json") starts with 0x5f? Compute the prefix rather than guess.
        let h = hex::encode(Backend::default().hash(HashAlg::Sha256, b"trusted_root.json"));
        let d = role(json!({"path_hash_prefixes": [&h[..2]]})).unwrap();
        assert!(d.roles[0].is_delegated_path("trusted_root.json", Backend::default()));
        assert!(role(json!({})).is_err());
        assert!(role(json!({"paths": [], "path_hash_prefixes": []})).is_err());
        assert!(role(json!({"paths": ["*"], "threshold": 0})).is_err());
        assert!(role(json!({"paths": ["*"], "name": "snapshot"})).is_err());
    }

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("*", "keys.json"));
        assert!(fnmatch("*.json", "keys.json"));
        assert!(!fnmatch("*.json", "keys.jso"));
        assert!(fnmatch("k?ys.json", "keys.json"));
        assert!(fnmatch("[a-k]eys.*", "keys.json"));
        assert!(!fnmatch("[!a-k]eys.*", "keys.json"));
        assert!(fnmatch("[]]x", "]x"));
        assert!(fnmatch("a[b", "a[b"));
        assert!(fnmatch("*a*b*", "xxaxxbxx"));
        assert!(!fnmatch("*a*b", "xxaxxbxx"));
        assert!(fnmatch("", ""));
        assert!(!fnmatch("", "a"));
    }

    #[test]
    fn paths_match_segment_by_segment() {
        assert!(path_matches(
            "registry.npmjs.org/*",
            "registry.npmjs.org/keys.json"
        ));
        assert!(!path_matches(
            "registry.npmjs.org/*",
            "registry.npmjs.org/a/keys.json"
        ));
        assert!(!path_matches("registry.npmjs.org/*", "trusted_root.json"));
        assert!(!path_matches("*", "registry.npmjs.org/keys.json"));
        assert!(path_matches("*/*", "registry.npmjs.org/keys.json"));
    }

    #[test]
    fn role_names_are_quoted() {
        assert_eq!(role_file_name("registry.npmjs.org"), "registry.npmjs.org");
        assert_eq!(role_file_name("../etc/x y"), "..%2Fetc%2Fx%20y");
    }
}
