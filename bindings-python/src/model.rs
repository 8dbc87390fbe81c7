//! `sigverify.model`: OpenSSF model signing (`model_signing` 1.x), the host's one model request
//! (`sigverify_host::model::Request`) with Python arguments.
//!
//! `model_verify` lives in `sigverify._native` and `sigverify/model.py` re-exports it as
//! `verify`. Arguments are converted, and the request validated, while the GIL is held; a key
//! or CA file given as a path is read, and the model walked and hashed, with the GIL released,
//! behind the panic boundary.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use sigverify::ecosystems::model::ModelSigner;
use sigverify::limits::Document;
use sigverify_host::model::{Request, Signer};
use sigverify_host::Data;

use crate::convert;
use crate::errors::{argument_caused, guard, opt, Arg, Failure, IntoPyResult};
use crate::inputs::{self, given, type_name, Source};
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

/// A verified model: what its signature says and who signed it.
#[pyclass(frozen, module = "sigverify.model", name = "ModelVerification")]
pub(crate) struct ModelVerification {
    inner: sigverify::ecosystems::model::ModelVerification,
    /// The core's `to_json`, once: it names the serialization methods.
    json: serde_json::Value,
    result: Option<Py<VerificationResult>>,
}

#[pymethods]
impl ModelVerification {
    #[getter]
    fn model_name(&self) -> &str {
        &self.inner.model_name
    }

    #[getter]
    fn manifest_digest(&self) -> String {
        format!("sha256:{}", self.inner.manifest_digest)
    }

    #[getter]
    fn method(&self) -> &str {
        self.json["model"]["method"].as_str().unwrap_or_default()
    }

    #[getter]
    fn shard_size(&self) -> Option<u64> {
        self.json["model"]["shardSize"].as_u64()
    }

    #[getter]
    fn hash_type(&self) -> &'static str {
        self.inner.serialization.hash_type.name()
    }

    #[getter]
    fn allow_symlinks(&self) -> bool {
        self.inner.serialization.allow_symlinks
    }

    #[getter]
    fn ignore_paths(&self) -> Vec<String> {
        self.inner.serialization.ignore_paths.clone()
    }

    #[getter]
    fn resources(&self) -> usize {
        self.inner.resources
    }

    #[getter]
    fn bytes(&self) -> u64 {
        self.inner.bytes
    }

    #[getter]
    fn signing_method(&self) -> &'static str {
        self.inner.signer.method()
    }

    #[getter]
    fn result(&self, py: Python<'_>) -> Option<Py<VerificationResult>> {
        self.result.as_ref().map(|r| r.clone_ref(py))
    }

    #[getter]
    fn key_sha256(&self) -> Option<&str> {
        match &self.inner.signer {
            ModelSigner::Key { spki_sha256 } => Some(spki_sha256),
            _ => None,
        }
    }

    #[getter]
    fn certificate_subject(&self) -> Option<&str> {
        match &self.inner.signer {
            ModelSigner::Certificate { subject, .. } => Some(subject),
            _ => None,
        }
    }

    /// The verification as JSON text (the document of `sigverify model verify --json`).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        guard(|| Ok(self.json.to_string())).or_raise(py)
    }

    /// The verification as `json.loads(self.to_json())` would give it.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::json(py, &self.json)
    }

    fn __repr__(&self) -> String {
        let who = match &self.inner.signer {
            ModelSigner::Sigstore(r) => format!("identity={:?}", r.identity().unwrap_or("")),
            ModelSigner::Key { spki_sha256 } => format!("key_sha256={spki_sha256:?}"),
            ModelSigner::Certificate { subject, .. } => {
                format!("certificate_subject={subject:?}")
            }
            other => format!("signing_method={:?}", other.method()),
        };
        format!(
            "<model.ModelVerification {:?} manifest_digest=\"sha256:{}\" resources={} {who}>",
            self.inner.model_name, self.inner.manifest_digest, self.inner.resources
        )
    }
}

/// A path argument: `str` or `os.PathLike` (here a `str` can only be a path).
pub(crate) fn path(obj: &Bound<'_, PyAny>, what: &str) -> Result<PathBuf, Failure> {
    if obj.is_instance_of::<PyString>() || obj.hasattr("__fspath__").unwrap_or(false) {
        return obj
            .extract::<PathBuf>()
            .map_err(|e| argument_caused(format!("{what}: not a usable path"), e));
    }
    Err(Failure::argument(format!(
        "{what}: expected a path (str or os.PathLike), found {}",
        type_name(obj)
    )))
}

/// A PEM document: bytes-like, `str` (the PEM text) or `os.PathLike` (a file, read later).
fn pem<'py>(obj: &Bound<'py, PyAny>, what: &str) -> Result<Source<'py>, Failure> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s
            .to_cow()
            .map_err(|e| argument_caused(format!("{what}: the str is not valid Unicode"), e))?;
        let trimmed = text.trim();
        // A str is PEM text. One that names an existing file is almost certainly a mistake;
        // say so rather than report that it has no PEM block.
        if !trimmed.contains("-----BEGIN")
            && !trimmed.is_empty()
            && trimmed.len() < 4096
            && std::path::Path::new(trimmed).is_file()
        {
            return Err(Failure::argument(format!(
                "{what}: a str {what} is PEM text, but {trimmed:?} names a file; pass pathlib.Path({trimmed:?}) to read it"
            )));
        }
        return Ok(Source::Owned(text.into_owned().into_bytes()));
    }
    if obj.is_instance_of::<PyBytes>() || !obj.hasattr("__fspath__").unwrap_or(false) {
        return inputs::document(obj, what).map(Source::Owned).map_err(|_| {
            Failure::argument(format!(
                "{what}: expected PEM as bytes or str, or a file as os.PathLike, found {}",
                type_name(obj)
            ))
        });
    }
    match inputs::path_like(obj, what)? {
        Some(p) => Ok(Source::Path(p)),
        None => Err(Failure::argument(format!(
            "{what}: expected PEM as bytes or str, or a file as os.PathLike, found {}",
            type_name(obj)
        ))),
    }
}

/// The CA certificates: a list (or other iterable) of PEM documents, never one document alone.
fn certificate_chain<'py>(obj: &Bound<'py, PyAny>) -> Result<Vec<Source<'py>>, Failure> {
    let what = "certificate_chain";
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.hasattr("__fspath__").unwrap_or(false)
    {
        return Err(Failure::argument(format!(
            "{what}: expected a list of PEM documents or files, found one {}; wrap it in a list",
            type_name(obj)
        )));
    }
    let items = obj.try_iter().map_err(|e| {
        argument_caused(
            format!("{what}: expected a list of PEM documents or files"),
            e,
        )
    })?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item.map_err(|e| argument_caused(format!("{what}: cannot iterate"), e))?;
        out.push(pem(&item, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// The paths to ignore: an iterable of `str` or `os.PathLike`, as the caller wrote them.
fn ignore_paths(obj: Option<&Bound<'_, PyAny>>) -> Result<Vec<PathBuf>, Failure> {
    let what = "ignore_paths";
    let Some(obj) = given(obj) else {
        return Ok(Vec::new());
    };
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyBytes>()
        || obj.hasattr("__fspath__").unwrap_or(false)
    {
        return Err(Failure::argument(format!(
            "{what}: expected a list of paths, found one {}; wrap it in a list",
            type_name(obj)
        )));
    }
    let items = obj
        .try_iter()
        .map_err(|e| argument_caused(format!("{what}: expected a list of paths"), e))?;
    let mut out = Vec::new();
    for (i, item) in items.enumerate() {
        let item = item.map_err(|e| argument_caused(format!("{what}: cannot iterate"), e))?;
        out.push(path(&item, &format!("{what}[{i}]"))?);
    }
    Ok(out)
}

/// The bytes of a PEM source: a file is read (against `doc`'s limit) with the GIL released.
fn pem_bytes(
    py: Python<'_>,
    source: &Source<'_>,
    what: &'static str,
    doc: Document,
) -> Result<Vec<u8>, Failure> {
    match source {
        Source::Path(p) => {
            let data = Data::Path(p.clone());
            py.detach(|| guard(|| data.document(what, doc).map(|b| b.into_owned())))
        }
        other => other.data().document(what, doc).map(|b| b.into_owned()),
    }
}

/// Verifies a model directory (or file) against its model_signing signature.
#[pyfunction]
#[pyo3(
    name = "verify",
    signature = (model, *, signature=None, identity=None, issuer=None, policy=None, verifier=None, key=None, certificate_chain=None, ignore_paths=None, ignore_git_paths=true, ignore_unsigned_files=false, threads=None),
    text_signature = "(model, *, signature=None, identity=None, issuer=None, policy=None, verifier=None, key=None, certificate_chain=None, ignore_paths=(), ignore_git_paths=True, ignore_unsigned_files=False, threads=None)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn model_verify(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    signature: Option<&Bound<'_, PyAny>>,
    identity: Option<&Bound<'_, PyAny>>,
    issuer: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    verifier: Option<Arg<PyRef<'_, Verifier>>>,
    key: Option<&Bound<'_, PyAny>>,
    certificate_chain: Option<&Bound<'_, PyAny>>,
    ignore_paths: Option<&Bound<'_, PyAny>>,
    ignore_git_paths: bool,
    ignore_unsigned_files: bool,
    threads: Option<Arg<i64>>,
) -> PyResult<ModelVerification> {
    let verifier = opt(verifier);
    let threads = opt(threads);
    let job = (|| {
        let model = path(model, "model")?;
        let signature = given(signature).map(|s| path(s, "signature")).transpose()?;
        let identity = inputs::string(identity, "identity", "name@example.com")?;
        let issuer = inputs::string(issuer, "issuer", "https://accounts.example.com")?;
        let policy = inputs::policy(policy)?;
        let verifier = verifier.as_ref().map(|v| Arc::clone(&v.inner));
        let key = given(key).map(|k| pem(k, "key")).transpose()?;
        let chain = given(certificate_chain)
            .map(self::certificate_chain)
            .transpose()?;
        let ignore_paths = self::ignore_paths(ignore_paths)?;
        let threads = threads
            .map(|n| {
                usize::try_from(n)
                    .map_err(|_| Failure::argument(format!("threads: expected a count, found {n}")))
            })
            .transpose()?;
        // The request has one slot for policy, key and CA certificates: more than one of them
        // cannot be expressed in it, and is refused here with the host's message (as the CLI
        // and Node do).
        let one_method =
            "give one method: identity and issuer, a policy, a public key or CA certificates";
        // A key or CA file is read only when nothing else is given that the host refuses with
        // it whatever it holds (identity, issuer, a verifier): a conflict is reported as one,
        // not as an unreadable file.
        let read = identity.is_none() && issuer.is_none() && verifier.is_none();
        let signer = match (policy, key, chain) {
            (Some(policy), None, None) => Some(Signer::Sigstore(policy)),
            (None, Some(k), None) => Some(Signer::Key(if read {
                pem_bytes(py, &k, "public key", Document::PublicKey)?
            } else {
                Vec::new()
            })),
            (None, None, Some(certs)) => {
                let mut pem = Vec::new();
                if read {
                    for c in &certs {
                        pem.extend(pem_bytes(py, c, "CA certificates", Document::Certificates)?);
                        pem.push(b'\n');
                    }
                }
                Some(Signer::Certificate(pem))
            }
            (None, None, None) => None,
            _ => return Err(Failure::argument(one_method)),
        };
        Request {
            model,
            signature,
            identity,
            issuer,
            signer,
            verifier,
            ignore_paths,
            ignore_git_paths: Some(ignore_git_paths),
            ignore_unsigned_files,
            threads,
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    let (outcome, json) = py
        .detach(|| {
            guard(|| {
                let v = job.run(now, None)?;
                let json = v.to_json();
                Ok((v, json))
            })
        })
        .or_raise(py)?;
    let result = match &outcome.signer {
        ModelSigner::Sigstore(r) => Some(Py::new(py, VerificationResult::new((**r).clone()))?),
        _ => None,
    };
    Ok(ModelVerification {
        inner: outcome,
        json,
        result,
    })
}

/// Registers the function and class in `sigverify._native` under prefixed names.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("model_verify", wrap_pyfunction!(model_verify, m)?)?;
    m.add("ModelVerification", m.py().get_type::<ModelVerification>())?;
    Ok(())
}
