//! Bundle, artifact and policy arguments: checked and borrowed while the GIL is held, read (files)
//! and verified after it is released.
//!
//! `bytes` are borrowed without a copy (they are immutable, and the caller's reference keeps them
//! alive for the whole call); `bytearray` and `memoryview` are copied, since another thread could
//! change them while the GIL is released. Paths are opened only once the GIL is released.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMemoryView, PyString, PyTuple};

use crate::errors::Failure;
use crate::policy::Policy;

/// Bytes given by the caller, or a file to read.
pub(crate) enum Source<'py> {
    Bytes(Bound<'py, PyBytes>),
    Owned(Vec<u8>),
    Path(PathBuf),
}

impl Source<'_> {
    /// A `Send` view of the source, for use without the GIL.
    pub(crate) fn data(&self) -> Data<'_> {
        match self {
            Source::Bytes(b) => Data::Slice(b.as_bytes()),
            Source::Owned(v) => Data::Slice(v),
            Source::Path(p) => Data::Path(p),
        }
    }
}

/// See [`Source::data`].
#[derive(Clone, Copy)]
pub(crate) enum Data<'a> {
    Slice(&'a [u8]),
    Path(&'a Path),
}

impl<'a> Data<'a> {
    /// The bytes; a file is read here, refusing more than `limit` bytes when one is given.
    pub(crate) fn read(
        self,
        what: &'static str,
        limit: Option<usize>,
    ) -> Result<Cow<'a, [u8]>, Failure> {
        let path = match self {
            Data::Slice(s) => return Ok(Cow::Borrowed(s)),
            Data::Path(p) => p,
        };
        let io = |error| Failure::Io {
            what,
            path: path.to_owned(),
            error,
        };
        let file = File::open(path).map_err(io)?;
        let mut buf = Vec::new();
        match limit {
            None => {
                (&file).read_to_end(&mut buf).map_err(io)?;
            }
            Some(limit) => {
                // One byte more than allowed, so that the core sees the excess and reports its
                // limit error; a larger file is never read whole.
                buf = sigverify_host::read_prefix(file, limit).map_err(io)?;
            }
        }
        Ok(Cow::Owned(buf))
    }

    /// A JSON document (a bundle, an attestation, a registry response): read, a file refusing
    /// more than [`sigverify::limits::MAX_BUNDLE_BYTES`], and refused (`limit-exceeded`) beyond
    /// that size whatever its form.
    pub(crate) fn document(self, what: &'static str) -> Result<Cow<'a, [u8]>, Failure> {
        let limit = sigverify::limits::MAX_BUNDLE_BYTES;
        let bytes = self.read(what, Some(limit))?;
        if bytes.len() > limit {
            return Err(Failure::Verify(sigverify::Error::LimitExceeded {
                what: "document size in bytes",
                limit: limit as u64,
                found: bytes.len() as u64,
            }));
        }
        Ok(bytes)
    }

    /// The digest of the bytes, or of the file, hashed as a stream (never read whole).
    pub(crate) fn digest(
        self,
        alg: sigverify::HashAlg,
        what: &'static str,
    ) -> Result<Vec<u8>, Failure> {
        match self {
            Data::Slice(s) => Ok(sigverify::Backend::default().hash(alg, s)),
            Data::Path(p) => hash_file(p, alg, what),
        }
    }
}

/// Hashes a file as a stream (`sigverify_host::hash_file`, never read whole).
pub(crate) fn hash_file(
    path: &Path,
    alg: sigverify::HashAlg,
    what: &'static str,
) -> Result<Vec<u8>, Failure> {
    sigverify_host::hash_file(path, alg).map_err(|error| Failure::Io {
        what,
        path: path.to_owned(),
        error,
    })
}

/// `bytes`, `bytearray` or `memoryview`; `None` for anything else.
fn bytes_like<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Result<Option<Source<'py>>, Failure> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(Source::Bytes(b.clone())));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Some(Source::Owned(b.to_vec())));
    }
    if obj.cast::<PyMemoryView>().is_ok() {
        let copy = obj
            .call_method0("tobytes")
            .and_then(|b| b.cast_into::<PyBytes>().map_err(PyErr::from))
            .map_err(|e| {
                Failure::argument_caused(format!("{what}: cannot read the memoryview"), e)
            })?;
        return Ok(Some(Source::Bytes(copy)));
    }
    Ok(None)
}

/// An `os.PathLike` (not `str`, which means something else for each argument); `None` otherwise.
fn path_like(obj: &Bound<'_, PyAny>, what: &str) -> Result<Option<PathBuf>, Failure> {
    if obj.is_instance_of::<PyString>() || !obj.hasattr("__fspath__").unwrap_or(false) {
        return Ok(None);
    }
    obj.extract::<PathBuf>()
        .map(Some)
        .map_err(|e| Failure::argument_caused(format!("{what}: os.fspath() failed"), e))
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A bundle: JSON text as `str`, JSON as `bytes`/`bytearray`/`memoryview`, or an `os.PathLike`.
pub(crate) fn bundle<'py>(obj: &Bound<'py, PyAny>) -> Result<Source<'py>, Failure> {
    json_input(obj, "bundle")
}

/// A JSON document named `what` (a bundle, an attestation, a registry response), in the forms of
/// a bundle.
pub(crate) fn json_input<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Result<Source<'py>, Failure> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow().map_err(|e| {
            Failure::argument_caused(format!("{what}: the str is not valid Unicode"), e)
        })?;
        let trimmed = text.trim_start();
        // A str is JSON text. One that names an existing file is almost certainly a mistake;
        // say so rather than report "invalid JSON".
        if !trimmed.starts_with('{')
            && !trimmed.is_empty()
            && trimmed.len() < 4096
            && Path::new(trimmed).is_file()
        {
            return Err(Failure::argument(format!(
                "{what}: a str {what} is JSON text, but {trimmed:?} names a file; pass pathlib.Path({trimmed:?}) to read it"
            )));
        }
        return Ok(Source::Owned(text.into_owned().into_bytes()));
    }
    if let Some(b) = bytes_like(obj, what)? {
        return Ok(b);
    }
    if let Some(p) = path_like(obj, what)? {
        return Ok(Source::Path(p));
    }
    Err(Failure::argument(format!(
        "{what}: expected bytes, str (JSON text) or os.PathLike, found {}",
        type_name(obj)
    )))
}

/// What the signature must cover: the artifact's bytes (or file), or a digest.
pub(crate) enum ArtifactSource<'py> {
    Data(Source<'py>),
    Digest(sigverify::Artifact<'static>),
}

/// `artifact` (bytes-like or `os.PathLike`) or `digest` (`"sha256:HEX"`), exactly one of them.
pub(crate) fn artifact<'py>(
    artifact: Option<&Bound<'py, PyAny>>,
    digest: Option<&Bound<'py, PyAny>>,
) -> Result<ArtifactSource<'py>, Failure> {
    let artifact = artifact.filter(|a| !a.is_none());
    let digest = digest.filter(|d| !d.is_none());
    match (artifact, digest) {
        (Some(_), Some(_)) => Err(Failure::argument(
            "give either an artifact or a digest, not both",
        )),
        (None, None) => Err(Failure::argument(
            "an artifact (bytes or os.PathLike) or a digest (\"sha256:HEX\") is required",
        )),
        (None, Some(d)) => digest_arg(d).map(ArtifactSource::Digest),
        (Some(a), None) => artifact_data(a, "artifact").map(ArtifactSource::Data),
    }
}

/// `digest=`: a `str` such as `"sha256:HEX"`.
pub(crate) fn digest_arg(d: &Bound<'_, PyAny>) -> Result<sigverify::Artifact<'static>, Failure> {
    let Ok(s) = d.cast::<PyString>() else {
        return Err(Failure::argument(format!(
            "digest: expected a str such as \"sha256:HEX\", found {}",
            type_name(d)
        )));
    };
    let text = s
        .to_cow()
        .map_err(|e| Failure::argument_caused("digest: the str is not valid Unicode", e))?;
    sigverify::Artifact::parse_digest(&text).map_err(Failure::Verify)
}

/// An artifact's data: bytes-like or `os.PathLike`, never a `str`.
pub(crate) fn artifact_data<'py>(
    a: &Bound<'py, PyAny>,
    what: &str,
) -> Result<Source<'py>, Failure> {
    if a.is_instance_of::<PyString>() {
        return Err(Failure::argument(format!(
            "{what}: a str is ambiguous; pass the bytes, a pathlib.Path, or digest=\"sha256:HEX\""
        )));
    }
    if let Some(b) = bytes_like(a, what)? {
        return Ok(b);
    }
    if let Some(p) = path_like(a, what)? {
        return Ok(Source::Path(p));
    }
    Err(Failure::argument(format!(
        "{what}: expected bytes or os.PathLike, found {}",
        type_name(a)
    )))
}

/// A `sigverify.Policy`.
pub(crate) fn policy<'py>(obj: &Bound<'py, PyAny>) -> Result<Bound<'py, Policy>, Failure> {
    obj.cast::<Policy>().cloned().map_err(|_| {
        Failure::argument(format!(
            "policy: expected a sigverify.Policy (Policy.identity(...), Policy.key(...), Policy.from_json(...)), found {}",
            type_name(obj)
        ))
    })
}

/// One verification, its arguments checked and held while the GIL is held.
pub(crate) struct Request<'py> {
    pub(crate) bundle: Source<'py>,
    pub(crate) artifact: ArtifactSource<'py>,
    pub(crate) policy: Bound<'py, Policy>,
}

impl<'py> Request<'py> {
    pub(crate) fn new(
        bundle_obj: &Bound<'py, PyAny>,
        artifact_obj: Option<&Bound<'py, PyAny>>,
        digest_obj: Option<&Bound<'py, PyAny>>,
        policy_obj: Option<&Bound<'py, PyAny>>,
    ) -> Result<Request<'py>, Failure> {
        let policy_obj = policy_obj.filter(|p| !p.is_none()).ok_or_else(|| {
            Failure::argument("a policy is required (policy=sigverify.Policy...)")
        })?;
        Ok(Request {
            policy: policy(policy_obj)?,
            bundle: bundle(bundle_obj)?,
            artifact: artifact(artifact_obj, digest_obj)?,
        })
    }

    /// One item of `verify_many`: `(bundle, artifact)`, `(bundle, artifact, policy)`, or a dict
    /// with the keyword names of `verify` (`bundle`, `artifact` or `digest`, `policy`).
    pub(crate) fn from_item(
        item: &Bound<'py, PyAny>,
        default_policy: Option<&Bound<'py, PyAny>>,
    ) -> Result<Request<'py>, Failure> {
        if let Ok(t) = item.cast::<PyTuple>() {
            let get = |i: usize| t.get_item(i).ok();
            return match t.len() {
                2 => Request::new(&t.get_item(0).map_err(no_item)?, get(1).as_ref(), None, default_policy),
                3 => {
                    let p = get(2);
                    let p = p.as_ref().filter(|p| !p.is_none()).or(default_policy);
                    Request::new(&t.get_item(0).map_err(no_item)?, get(1).as_ref(), None, p)
                }
                n => Err(Failure::argument(format!(
                    "item: a tuple must be (bundle, artifact) or (bundle, artifact, policy), found {n} elements"
                ))),
            };
        }
        if let Ok(d) = item.cast::<PyDict>() {
            for key in d.keys() {
                let known = key.extract::<String>().is_ok_and(|k| {
                    ["bundle", "artifact", "digest", "policy"].contains(&k.as_str())
                });
                if !known {
                    return Err(Failure::argument(format!(
                        "item: unknown key {} (bundle, artifact, digest, policy)",
                        key.repr().map(|r| r.to_string()).unwrap_or_default()
                    )));
                }
            }
            let get = |k: &str| d.get_item(k).ok().flatten();
            let Some(bundle) = get("bundle") else {
                return Err(Failure::argument("item: the dict has no \"bundle\""));
            };
            let p = get("policy");
            let p = p.as_ref().filter(|p| !p.is_none()).or(default_policy);
            return Request::new(&bundle, get("artifact").as_ref(), get("digest").as_ref(), p);
        }
        Err(Failure::argument(format!(
            "item: expected a tuple (bundle, artifact[, policy]) or a dict, found {}",
            type_name(item)
        )))
    }

    /// A `Send` view for use without the GIL.
    pub(crate) fn job(&self) -> Job<'_> {
        Job {
            bundle: self.bundle.data(),
            artifact: match &self.artifact {
                ArtifactSource::Data(s) => JobArtifact::Data(s.data()),
                ArtifactSource::Digest(a) => JobArtifact::Digest(a),
            },
            policy: &self.policy.get().inner,
        }
    }
}

fn no_item(e: PyErr) -> Failure {
    Failure::argument_caused("item: cannot read the tuple", e)
}

/// See [`Request::job`].
pub(crate) struct Job<'a> {
    pub(crate) bundle: Data<'a>,
    pub(crate) artifact: JobArtifact<'a>,
    pub(crate) policy: &'a sigverify::Policy,
}

pub(crate) enum JobArtifact<'a> {
    Data(Data<'a>),
    Digest(&'a sigverify::Artifact<'static>),
}

/// A small document given as `bytes`, `bytearray`, `memoryview` or `str` (a trusted root, a policy,
/// a PEM key), copied.
pub(crate) fn document(obj: &Bound<'_, PyAny>, what: &str) -> Result<Vec<u8>, Failure> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|t| t.into_owned().into_bytes())
            .map_err(|e| {
                Failure::argument_caused(format!("{what}: the str is not valid Unicode"), e)
            });
    }
    match bytes_like(obj, what)? {
        Some(s) => match s.data() {
            Data::Slice(b) => Ok(b.to_vec()),
            Data::Path(_) => Err(Failure::argument(format!("{what}: expected bytes or str"))),
        },
        None => Err(Failure::argument(format!(
            "{what}: expected bytes or str, found {}",
            type_name(obj)
        ))),
    }
}
