//! What a call verifies: documents and artifacts given as bytes or as a file, and artifact
//! targets (bytes, a file hashed as a stream, or a digest), with the one rule for which of them
//! a caller must give.

use std::borrow::Cow;
use std::path::PathBuf;

use sigverify::limits::Document;
use sigverify::{Artifact, Bundle, HashAlg};

use crate::Failure;

/// Bytes given by the caller (borrowed or copied), or a file to read.
#[derive(Clone, Debug)]
pub enum Data<'a> {
    /// The bytes themselves.
    Bytes(Cow<'a, [u8]>),
    /// A file, read (or hashed) when the call runs.
    Path(PathBuf),
}

impl<'a> Data<'a> {
    /// Borrowed bytes.
    pub fn slice(bytes: &'a [u8]) -> Data<'a> {
        Data::Bytes(Cow::Borrowed(bytes))
    }

    /// Owned bytes.
    pub fn owned(bytes: Vec<u8>) -> Data<'static> {
        Data::Bytes(Cow::Owned(bytes))
    }

    /// All the bytes (an artifact: a file is read whole; prefer [`Data::digest`]).
    pub fn read(&self, what: &'static str) -> Result<Cow<'_, [u8]>, Failure> {
        match self {
            Data::Bytes(b) => Ok(Cow::Borrowed(b)),
            Data::Path(p) => std::fs::read(p)
                .map(Cow::Owned)
                .map_err(|e| Failure::io(what, p, e)),
        }
    }

    /// A document, refused (`limit-exceeded`) beyond `doc`'s limit whatever its form; a file is
    /// never read beyond the limit and a byte.
    pub fn document(&self, what: &'static str, doc: Document) -> Result<Cow<'_, [u8]>, Failure> {
        match self {
            Data::Bytes(b) => {
                doc.check_size(b.len() as u64)?;
                Ok(Cow::Borrowed(b))
            }
            Data::Path(p) => match crate::read_document(p, doc) {
                Ok(b) => Ok(Cow::Owned(b)),
                Err(crate::ReadError::Io(e)) => Err(Failure::io(what, p, e)),
                Err(crate::ReadError::TooLarge(e)) => Err(Failure::Verify(e)),
            },
        }
    }

    /// The `alg` digest of the bytes, or of the file hashed as a stream (never read whole).
    pub fn digest(&self, alg: HashAlg, what: &'static str) -> Result<Vec<u8>, Failure> {
        match self {
            Data::Bytes(b) => Ok(sigverify::Backend::default().hash(alg, b)),
            Data::Path(p) => crate::hash_file(p, alg).map_err(|e| Failure::io(what, p, e)),
        }
    }

    /// The file name of a path.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Data::Path(p) => p.file_name()?.to_str().map(str::to_owned),
            Data::Bytes(_) => None,
        }
    }
}

/// What a signature must cover: the artifact's bytes or file, or its digest.
#[derive(Clone, Debug)]
pub enum Target<'a> {
    /// The artifact (hashed when the call runs).
    Data(Data<'a>),
    /// Its digest, as given.
    Digest(HashAlg, Vec<u8>),
}

impl<'a> Target<'a> {
    /// The one rule of every face: exactly one of the artifact `data` (named `what`) and a
    /// `digest` (`"ALG:HEX"`, which must use `alg` when one is required). Both or neither is an
    /// `invalid-argument`; a malformed digest or the wrong algorithm an `invalid-artifact`.
    pub fn new(
        what: &str,
        data: Option<Data<'a>>,
        digest: Option<&str>,
        alg: Option<HashAlg>,
    ) -> Result<Target<'a>, Failure> {
        match (data, digest) {
            (Some(_), Some(_)) => Err(Failure::argument(format!(
                "give either {what} or digest, not both"
            ))),
            (None, None) => Err(Failure::argument(format!(
                "{what} (the bytes or a file) or digest (\"ALG:HEX\") is required"
            ))),
            (Some(d), None) => Ok(Target::Data(d)),
            (None, Some(d)) => match Artifact::parse_digest(d)? {
                Artifact::Digest(a, _) if alg.is_some_and(|want| want != a) => {
                    Err(wrong_algorithm("digest", alg.unwrap_or(a), a))
                }
                Artifact::Digest(a, v) => Ok(Target::Digest(a, v)),
                Artifact::Bytes(_) => Err(Failure::Internal("a digest without one".into())),
            },
        }
    }

    /// The digest with `alg`, hashing the bytes or the file (as a stream) when needed.
    pub fn digest(&self, alg: HashAlg, what: &'static str) -> Result<Vec<u8>, Failure> {
        match self {
            Target::Digest(a, d) if *a == alg => Ok(d.clone()),
            Target::Digest(a, _) => Err(wrong_algorithm(what, alg, *a)),
            Target::Data(d) => d.digest(alg, what),
        }
    }

    /// The artifact as the verifier takes it for `bundles`: a digest as given; a file hashed as
    /// a stream when one digest satisfies every bundle; otherwise the bytes.
    pub fn artifact(&self, bundles: &[&Bundle]) -> Result<OwnedArtifact<'_>, Failure> {
        Ok(match self {
            Target::Digest(a, d) => OwnedArtifact::Digest(*a, d.clone()),
            Target::Data(data @ Data::Path(_)) => {
                let mut algs = bundles.iter().map(|b| b.artifact_digest_algorithm());
                match algs.next().flatten() {
                    Some(alg) if algs.all(|a| a == Some(alg)) => {
                        OwnedArtifact::Digest(alg, data.digest(alg, "artifact")?)
                    }
                    _ => OwnedArtifact::Bytes(data.read("artifact")?),
                }
            }
            Target::Data(data) => OwnedArtifact::Bytes(data.read("artifact")?),
        })
    }

    /// The artifact's name: `name` when given (never empty), else the file name of a path.
    pub fn name(&self, name: Option<&str>, keyword: &str) -> Result<String, Failure> {
        let file = match self {
            Target::Data(d) => d.file_name(),
            Target::Digest(..) => None,
        };
        match (name, file) {
            (Some(""), _) => Err(Failure::argument(format!("{keyword}: must not be empty"))),
            (Some(n), _) => Ok(n.to_owned()),
            (None, Some(n)) => Ok(n),
            (None, None) => Err(Failure::argument(format!(
                "{keyword} is required unless the artifact is given as a file (whose name is used)"
            ))),
        }
    }
}

/// An artifact read or hashed for a call, to lend to the verifier ([`OwnedArtifact::get`]).
pub enum OwnedArtifact<'a> {
    /// The bytes.
    Bytes(Cow<'a, [u8]>),
    /// A digest.
    Digest(HashAlg, Vec<u8>),
}

impl OwnedArtifact<'_> {
    /// As the verifier takes it.
    pub fn get(&self) -> Artifact<'_> {
        match self {
            OwnedArtifact::Bytes(b) => Artifact::Bytes(b),
            OwnedArtifact::Digest(a, d) => Artifact::Digest(*a, d.clone()),
        }
    }
}

fn wrong_algorithm(what: &str, want: HashAlg, found: HashAlg) -> Failure {
    Failure::Verify(sigverify::Error::InvalidArtifact {
        reason: format!(
            "{what}: expected a {}:HEX digest, found {}",
            want.name(),
            found.name()
        ),
    })
}

/// A string argument that is required and must not be empty.
pub fn required<'s>(value: Option<&'s str>, name: &str) -> Result<&'s str, Failure> {
    match value {
        Some("") => Err(Failure::argument(format!("{name} must not be empty"))),
        Some(s) => Ok(s),
        None => Err(Failure::argument(format!("{name} is required"))),
    }
}
