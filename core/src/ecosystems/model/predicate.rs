//! The OpenSSF model signing predicate (`https://model_signing/signature/v1.0`): the in-toto
//! statement a model signature carries, read into a [`Manifest`].
//!
//! As model_signing 1.x writes and reads it (`_signing/signing.py`: `Payload`,
//! `dsse_payload_to_manifest`; `manifest.py`: `SerializationType.from_args`, `new_item`):
//!
//! ```json
//! {"_type": "https://in-toto.io/Statement/v1",
//!  "subject": [{"name": "MODEL", "digest": {"sha256": "<manifest digest>"}}],
//!  "predicateType": "https://model_signing/signature/v1.0",
//!  "predicate": {
//!    "serialization": {"method": "files" | "shards", "hash_type": "sha256",
//!                      "shard_size": 1000000000, "allow_symlinks": false,
//!                      "ignore_paths": ["model.sig", ".git", ...]},
//!    "resources": [{"name": "dir/file", "algorithm": "sha256", "digest": "<hex>"}, ...]}}
//! ```
//!
//! The subject's digest is SHA-256 over the resources' digest bytes, concatenated in the order
//! the predicate lists them (the signer lists them sorted). Other predicate fields are ignored,
//! as the v1.0 format says verifiers must.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::crypto::{Backend, HashAlg};
use crate::dsse::Statement;
use crate::error::Error;

/// The predicate type of model signatures (model_signing 1.0 and later).
pub const PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";
/// The predicate type of model_signing 0.2 signatures (one subject per file, no manifest),
/// which sigverify refuses.
pub const PREDICATE_TYPE_V0_2: &str = "https://model_signing/Digests/v0.1";
/// The only statement type model_signing accepts.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";

fn st_err(reason: impl Into<String>) -> Error {
    Error::Statement {
        reason: reason.into(),
    }
}

/// `serialization.hash_type`: how each file or shard was hashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HashType {
    /// `sha256`: resources carry `sha256` digests.
    Sha256,
    /// `blake2b` (model_signing's configuration calls it `blake2`): BLAKE2b-512, resources
    /// carry `blake2b` digests. Not supported by this build.
    Blake2,
    /// `blake3`: resources carry `blake3` digests. Not supported by this build.
    Blake3,
}

impl HashType {
    /// The `hash_type` value model_signing writes.
    pub fn name(self) -> &'static str {
        match self {
            HashType::Sha256 => "sha256",
            HashType::Blake2 => "blake2b",
            HashType::Blake3 => "blake3",
        }
    }

    /// The digest name model_signing records for a whole file (`memory.py`: `digest_name`).
    pub fn digest_name(self) -> &'static str {
        match self {
            HashType::Sha256 => "sha256",
            HashType::Blake2 => "blake2b",
            HashType::Blake3 => "blake3",
        }
    }

    /// The hash sigverify computes it with, or `None` when this build cannot (no BLAKE2 or
    /// BLAKE3 implementation in the workspace).
    pub fn hash_alg(self) -> Option<HashAlg> {
        match self {
            HashType::Sha256 => Some(HashAlg::Sha256),
            HashType::Blake2 | HashType::Blake3 => None,
        }
    }

    /// A `hash_type` value. model_signing writes the hasher's digest name there (`blake2b`,
    /// not the `blake2` its configuration calls it); both are read.
    fn from_name(s: &str) -> Option<HashType> {
        match s {
            "sha256" => Some(HashType::Sha256),
            "blake2" | "blake2b" => Some(HashType::Blake2),
            "blake3" => Some(HashType::Blake3),
            _ => None,
        }
    }
}

/// `serialization.method`: what a resource is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `files`: one resource per file, named by its path.
    Files,
    /// `shards`: one resource per shard of `shard_size` bytes (the last one shorter), named
    /// `PATH:START:END`; an empty file has none.
    Shards {
        /// The shard size in bytes (positive).
        shard_size: u64,
    },
}

/// How the model was serialized into resources (`predicate.serialization`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serialization {
    /// `method` (with `shard_size`).
    pub method: Method,
    /// `hash_type`.
    pub hash_type: HashType,
    /// `allow_symlinks`: whether the signer followed symbolic links (to files).
    pub allow_symlinks: bool,
    /// `ignore_paths`: paths the signer ignored, relative to the model directory, as written.
    pub ignore_paths: Vec<String>,
}

impl Serialization {
    /// The `algorithm` every resource must carry: the digest name, and for shards
    /// `NAME-sharded-SIZE` (model_signing's `ShardedFileHasher.digest_name`).
    pub fn resource_algorithm(&self) -> String {
        match self.method {
            Method::Files => self.hash_type.digest_name().to_owned(),
            Method::Shards { shard_size } => {
                format!("{}-sharded-{shard_size}", self.hash_type.digest_name())
            }
        }
    }
}

/// Where a resource is in the model: its path and, for shards, its byte range. Ordered as
/// model_signing sorts resources: by path component (Python's `PurePosixPath` order, so
/// `a/b` before `a.txt`), then start and end.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey {
    /// The path's components (no empty, `.` or `..` component); none for a single-file model.
    pub(crate) components: Vec<String>,
    /// `[start, end)` for a shard.
    pub(crate) range: Option<(u64, u64)>,
}

impl ResourceKey {
    pub(crate) fn new(components: Vec<String>, range: Option<(u64, u64)>) -> ResourceKey {
        ResourceKey { components, range }
    }

    /// The path as model_signing prints it (`.` for a single-file model).
    pub fn path(&self) -> String {
        if self.components.is_empty() {
            ".".to_owned()
        } else {
            self.components.join("/")
        }
    }

    /// The resource name as model_signing writes it: the path, or `PATH:START:END`.
    pub fn name(&self) -> String {
        match self.range {
            None => self.path(),
            Some((s, e)) => format!("{}:{s}:{e}", self.path()),
        }
    }

    /// The shard's byte range, if this is a shard.
    pub fn range(&self) -> Option<(u64, u64)> {
        self.range
    }
}

/// One entry of `predicate.resources`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The name as the predicate writes it.
    pub name: String,
    /// The name read as model_signing reads it (`PurePosixPath`: repeated and trailing `/`
    /// and `.` components dropped; shards split into path, start and end).
    pub key: ResourceKey,
    /// `algorithm`.
    pub algorithm: String,
    /// `digest`, decoded from hex.
    pub digest: Vec<u8>,
}

/// What a model signature says about the model: the statement's subject and predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The subject's name: the model's directory name when signed (informative only).
    pub model_name: String,
    /// The subject's sha256: the manifest digest, checked against the resources.
    pub digest: Vec<u8>,
    /// `predicate.serialization`.
    pub serialization: Serialization,
    /// `predicate.resources`, in the predicate's order.
    pub resources: Vec<Resource>,
}

/// The manifest digest model_signing puts in the subject: SHA-256 over the resources' digests,
/// concatenated in order (`Payload.__init__`, `dsse_payload_to_manifest`).
pub fn manifest_digest<'d>(
    digests: impl IntoIterator<Item = &'d [u8]>,
    backend: Backend,
) -> Vec<u8> {
    let mut h = backend.hasher(HashAlg::Sha256);
    for d in digests {
        h.update(d);
    }
    h.finish()
}

impl Manifest {
    /// Reads a verified in-toto statement as a model signature. Refused, naming the field:
    /// another statement or predicate type (model_signing 0.2's `Digests/v0.1` too), not
    /// exactly one subject with a sha256, a serialization method or hash type model_signing
    /// does not define, a field of the wrong type, a resource name that is not a relative path
    /// inside the model, a resource listed twice, no resource, and a subject digest that is
    /// not the manifest digest of the resources.
    pub fn from_statement(statement: &Statement, backend: Backend) -> Result<Manifest, Error> {
        if statement.statement_type != STATEMENT_TYPE {
            return Err(st_err(format!(
                "a model signature's statement _type is {STATEMENT_TYPE:?}, found {:?}",
                statement.statement_type
            )));
        }
        if statement.predicate_type == PREDICATE_TYPE_V0_2 {
            return Err(st_err(format!(
                "predicateType {PREDICATE_TYPE_V0_2:?} is model_signing 0.2's format (one subject per file, no manifest), which sigverify does not verify; re-sign with model_signing 1.x ({PREDICATE_TYPE:?})"
            )));
        }
        if statement.predicate_type != PREDICATE_TYPE {
            return Err(st_err(format!(
                "predicateType: expected {PREDICATE_TYPE:?}, found {:?}",
                statement.predicate_type
            )));
        }
        let [subject] = statement.subjects.as_slice() else {
            return Err(st_err(format!(
                "a model signature has exactly one subject, found {}",
                statement.subjects.len()
            )));
        };
        let subject_hex = subject
            .digest
            .get("sha256")
            .ok_or_else(|| st_err("subject[0].digest.sha256 is missing"))?;
        let digest = hex::decode(subject_hex)
            .ok()
            .filter(|d| d.len() == HashAlg::Sha256.digest_len())
            .ok_or_else(|| {
                st_err(format!(
                    "subject[0].digest.sha256 is not 32 bytes of hex: {subject_hex:?}"
                ))
            })?;
        let predicate = statement
            .predicate
            .as_object()
            .ok_or_else(|| st_err("predicate: expected an object"))?;
        let serialization = parse_serialization(
            predicate
                .get("serialization")
                .ok_or_else(|| st_err("predicate.serialization is missing"))?,
        )?;
        let resources = predicate
            .get("resources")
            .ok_or_else(|| st_err("predicate.resources is missing"))?
            .as_array()
            .ok_or_else(|| st_err("predicate.resources: expected an array"))?;
        if resources.is_empty() {
            // model_signing would accept a model of nothing; a verification that checks no
            // file must not pass for a verified model.
            return Err(st_err(
                "predicate.resources is empty: the signature covers no file",
            ));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(resources.len());
        for (i, r) in resources.iter().enumerate() {
            let r = parse_resource(i, r, &serialization.method)?;
            if !seen.insert(r.key.clone()) {
                return Err(st_err(format!(
                    "predicate.resources[{i}]: {:?} is listed twice",
                    r.key.name()
                )));
            }
            out.push(r);
        }
        let m = Manifest {
            model_name: subject.name.clone(),
            digest,
            serialization,
            resources: out,
        };
        let computed = manifest_digest(m.resources.iter().map(|r| r.digest.as_slice()), backend);
        if computed != m.digest {
            return Err(Error::ArtifactMismatch {
                what:
                    "model signature subject digest (sha256 over the resources' digests, in order)"
                        .into(),
                expected: hex::encode(&m.digest),
                found: hex::encode(&computed),
            });
        }
        Ok(m)
    }
}

fn field<'v>(o: &'v Map<String, Value>, path: &str, key: &str) -> Result<&'v Value, Error> {
    o.get(key)
        .ok_or_else(|| st_err(format!("{path}.{key} is missing")))
}

fn string<'v>(o: &'v Map<String, Value>, path: &str, key: &str) -> Result<&'v str, Error> {
    field(o, path, key)?
        .as_str()
        .ok_or_else(|| st_err(format!("{path}.{key}: expected a string")))
}

/// `predicate.serialization`, as `manifest.SerializationType.from_args` reads it: `method`,
/// `hash_type` and `allow_symlinks` required, `shard_size` for shards, `ignore_paths`
/// optional; other fields ignored. Stricter than Python about types: `allow_symlinks` must be
/// a boolean (not a truthy string) and `shard_size` a positive integer.
fn parse_serialization(v: &Value) -> Result<Serialization, Error> {
    let p = "predicate.serialization";
    let o = v
        .as_object()
        .ok_or_else(|| st_err(format!("{p}: expected an object")))?;
    let hash_name = string(o, p, "hash_type")?;
    let hash_type = HashType::from_name(hash_name).ok_or_else(|| {
        st_err(format!(
            "{p}.hash_type: expected sha256, blake2b (blake2) or blake3, found {hash_name:?}"
        ))
    })?;
    let allow_symlinks = field(o, p, "allow_symlinks")?
        .as_bool()
        .ok_or_else(|| st_err(format!("{p}.allow_symlinks: expected true or false")))?;
    let method = match string(o, p, "method")? {
        "files" => Method::Files,
        "shards" => {
            let size = field(o, p, "shard_size")?;
            // model_signing's payload goes through a protobuf Struct, whose numbers are
            // doubles: it writes `1000000000.0`. An integral double is the integer.
            let integral = size
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= 9_007_199_254_740_992.0);
            let shard_size = size
                .as_u64()
                .or_else(|| integral.map(|f| f as u64))
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    st_err(format!(
                        "{p}.shard_size: expected a positive integer, found {size}"
                    ))
                })?;
            Method::Shards { shard_size }
        }
        other => {
            return Err(st_err(format!(
                "{p}.method: expected \"files\" or \"shards\", found {other:?}"
            )))
        }
    };
    let ignore_paths = match o.get("ignore_paths") {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| st_err(format!("{p}.ignore_paths[{i}]: expected a string")))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(st_err(format!("{p}.ignore_paths: expected an array"))),
    };
    Ok(Serialization {
        method,
        hash_type,
        allow_symlinks,
        ignore_paths,
    })
}

/// A path as Python's `PurePosixPath` reads it, as components: `//` and trailing `/` collapse
/// and `.` components drop (`a//./b/` is `a/b`; `""` and `.` have none). `None` for an
/// absolute path or one with a `..` component, which can name nothing inside the model.
pub(crate) fn posix_components(path: &str) -> Option<Vec<String>> {
    if path.starts_with('/') {
        return None;
    }
    let mut out = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => return None,
            c => out.push(c.to_owned()),
        }
    }
    Some(out)
}

/// An ASCII decimal offset of a shard name (Python's `int()` also takes signs, spaces,
/// underscores and non-ASCII digits; a model_signing signer writes plain digits).
fn offset(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_resource(i: usize, v: &Value, method: &Method) -> Result<Resource, Error> {
    let p = format!("predicate.resources[{i}]");
    let o = v
        .as_object()
        .ok_or_else(|| st_err(format!("{p}: expected an object")))?;
    let name = string(o, &p, "name")?;
    let algorithm = string(o, &p, "algorithm")?;
    let digest_hex = string(o, &p, "digest")?;
    let digest = hex::decode(digest_hex)
        .map_err(|_| st_err(format!("{p}.digest: not hex: {digest_hex:?}")))?;
    let (path, range) = match method {
        Method::Files => (name, None),
        Method::Shards { .. } => {
            // `_ShardSerialization.new_item`: exactly three `:`-separated parts.
            let parts: Vec<&str> = name.split(':').collect();
            let [path, start, end] = parts.as_slice() else {
                return Err(st_err(format!(
                    "{p}.name: a shard is named PATH:START:END, found {name:?}"
                )));
            };
            match (offset(start), offset(end)) {
                (Some(s), Some(e)) => (*path, Some((s, e))),
                _ => {
                    return Err(st_err(format!(
                        "{p}.name: the shard offsets of {name:?} are not decimal numbers"
                    )))
                }
            }
        }
    };
    let components = posix_components(path).ok_or_else(|| {
        st_err(format!(
            "{p}.name: {name:?} is not a relative path inside the model"
        ))
    })?;
    Ok(Resource {
        name: name.to_owned(),
        key: ResourceKey::new(components, range),
        algorithm: algorithm.to_owned(),
        digest,
    })
}
