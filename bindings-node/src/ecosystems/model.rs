//! `model`: a machine-learning model directory against its OpenSSF model signature, through the
//! host's model request (`sigverify_host::model::Request`), as the CLI, C and Python call it.
//! The one call that takes paths: a model is a folder of files too large to pass as bytes.

use std::path::PathBuf;

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify::ecosystems::model::{ModelSigner, ModelVerification as Core};
use sigverify_host::model::{Job as ModelJob, Request, Signer};
use sigverify_host::{now, Failure};

use crate::inputs;
use crate::result::VerificationResult;
use crate::task::{sync, task, Job, JobTask};

/// What a model verification established.
#[napi(object, object_from_js = false)]
pub struct ModelVerification {
    /// The signed model's name (the subject's; informative).
    pub model_name: String,
    /// The manifest digest the signature covers, `sha256:HEX`.
    pub manifest_digest: String,
    /// How the model was serialized: `files` or `shards`.
    pub method: String,
    /// The shard size in bytes (`shards` only).
    pub shard_size: Option<f64>,
    /// The hash of every resource: `sha256`.
    pub hash_type: String,
    /// The files (or shards) verified.
    pub resources: u32,
    /// The bytes hashed.
    pub bytes: f64,
    /// The model_signing method that signed: `sigstore`, `key` or `certificate`.
    pub signing_method: String,
    /// The Sigstore verification (`sigstore` only): who signed, when, the log entries.
    pub result: Option<VerificationResult>,
    /// SHA-256 of the key's SubjectPublicKeyInfo, hex (`key` only).
    pub key_sha256: Option<String>,
    /// The signing certificate's subject (`certificate` only).
    pub certificate_subject: Option<String>,
    /// The whole verification as JSON (`sigverify model verify --json`).
    pub json: String,
}

/// The options of `model.verify`: exactly one method (`identity` with `issuer`, `policy`,
/// `key` or `certificateChain`), and what to ignore.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct ModelOptions {
    /// The signature file (default: `MODEL/model.sig`).
    pub signature: Option<String>,
    /// `sigstore`: the signer's identity (the certificate's SAN), exactly; with `issuer`.
    pub identity: Option<String>,
    /// `sigstore`: the OIDC issuer.
    pub issuer: Option<String>,
    /// `sigstore`: an explicit policy instead of `identity`/`issuer`.
    #[napi(ts_type = "Policy")]
    pub policy: Option<()>,
    /// `sigstore`: the verifier of the trust domain (default: the embedded public-good one).
    #[napi(ts_type = "Verifier")]
    pub verifier: Option<()>,
    /// `key`: the signer's public key, PEM (string or bytes).
    #[napi(ts_type = "string | Uint8Array")]
    pub key: Option<()>,
    /// `certificate`: the CA certificates the signing certificate must chain to, PEM.
    #[napi(ts_type = "Array<string | Uint8Array>")]
    pub certificate_chain: Option<()>,
    /// Paths to ignore, relative to the model directory (or absolute inside it).
    pub ignore_paths: Option<Vec<String>>,
    /// Ignore `.git`, `.gitattributes`, `.github`, `.gitignore` (default `true`).
    pub ignore_git_paths: Option<bool>,
    /// Hash only the files the signature lists.
    pub ignore_unsigned_files: Option<bool>,
    /// Hashing threads (default: every CPU).
    pub threads: Option<u32>,
}

/// A model call.
pub struct Call(ModelJob);

fn request(model: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Call, Failure> {
    let model = inputs::string(model, "model")?;
    let o = inputs::options(
        options,
        "{ identity, issuer | policy | key | certificateChain }",
    )?;
    let signer =
        match (
            o.read("policy", crate::policy::arg)?,
            o.read("key", inputs::text_or_bytes)?,
            o.read("certificateChain", |v, arg| {
                let mut pem = Vec::new();
                for (i, e) in inputs::elements(v, arg)?.into_iter().enumerate() {
                    pem.extend(inputs::text_or_bytes(e, &format!("{arg}[{i}]"))?);
                    pem.push(b'\n');
                }
                Ok(pem)
            })?,
        ) {
            (Some(p), None, None) => Some(Signer::Sigstore(p)),
            (None, Some(k), None) => Some(Signer::Key(k)),
            (None, None, Some(c)) => Some(Signer::Certificate(c)),
            (None, None, None) => None,
            _ => return Err(Failure::argument(
                "give one method: identity and issuer, a policy, a public key or CA certificates",
            )),
        };
    let job = Request {
        model: PathBuf::from(model),
        signature: o.string("signature")?.map(PathBuf::from),
        identity: o.string("identity")?,
        issuer: o.string("issuer")?,
        signer,
        verifier: o.read("verifier", crate::verifier::arg)?,
        ignore_paths: o
            .read("ignorePaths", inputs::strings)?
            .unwrap_or_default()
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        ignore_git_paths: o.read("ignoreGitPaths", inputs::boolean)?,
        ignore_unsigned_files: o.flag("ignoreUnsignedFiles")?,
        threads: o.read("threads", inputs::count)?,
    }
    .validate()?;
    Ok(Call(job))
}

impl Job for Call {
    type Out = Core;
    type Js = ModelVerification;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.0.run(now(), None)
    }

    fn to_js(_: &Env, v: Self::Out) -> napi::Result<Self::Js> {
        let json = v.to_json();
        let model = &json["model"];
        let (result, key_sha256, certificate_subject) = match &v.signer {
            ModelSigner::Sigstore(r) => (Some(VerificationResult::from(&**r)), None, None),
            ModelSigner::Key { spki_sha256 } => (None, Some(spki_sha256.clone()), None),
            ModelSigner::Certificate { subject, .. } => (None, None, Some(subject.clone())),
            _ => (None, None, None),
        };
        Ok(ModelVerification {
            model_name: v.model_name.clone(),
            manifest_digest: format!("sha256:{}", v.manifest_digest),
            method: model["method"].as_str().unwrap_or_default().to_owned(),
            shard_size: model["shardSize"].as_u64().map(|n| n as f64),
            hash_type: model["hashType"].as_str().unwrap_or_default().to_owned(),
            resources: u32::try_from(v.resources).unwrap_or(u32::MAX),
            bytes: v.bytes as f64,
            signing_method: v.signer.method().to_owned(),
            result,
            key_sha256,
            certificate_subject,
            json: json.to_string(),
        })
    }
}

/// Verifies the model at `model` (a folder, or a single file) against its OpenSSF model
/// signature (`model.sig`, made by `model_signing`): the signature by the method the options
/// give, then every file, hashed off the JavaScript thread on every CPU, against the signed
/// manifest. A changed, added, removed or renamed file rejects with a `VerificationError`
/// (`artifact-mismatch`) naming it.
#[napi(
    namespace = "model",
    ts_args_type = "model: string, options: ModelOptions",
    ts_return_type = "Promise<ModelVerification>"
)]
pub fn verify(model: Unknown<'_>, options: Option<Unknown<'_>>) -> AsyncTask<JobTask<Call>> {
    task(request(model, options))
}

/// `verify`, on the calling thread.
#[napi(
    namespace = "model",
    ts_args_type = "model: string, options: ModelOptions"
)]
pub fn verify_sync(
    env: Env,
    model: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<ModelVerification> {
    sync(&env, request(model, options))
}
