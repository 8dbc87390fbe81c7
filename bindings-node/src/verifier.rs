//! `Verifier`: verify bundles, on the JavaScript thread (`verifySync`) or off it (`verify`,
//! `verifyMany`), through the host's one verification ([`sigverify_host::batch`]).

use std::sync::Arc;

use napi::bindgen_prelude::{AsyncTask, ClassInstance, FromNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;
use sigverify::VerifierOptions as Options;
use sigverify_host::{batch, guard, now, Failure};

use crate::errors::{throw, to_js};
use crate::inputs::{self, Fields};
use crate::result::VerificationResult;
use crate::root::{saturate, TrustedRoot};
use crate::task::{self, Job, JobTask};

/// How much evidence every bundle must carry. Each field is optional; the defaults are those of
/// the root's instance: for the public-good and staging roots and a root read with `fromJSON`
/// the core's, `{ tlogThreshold: 1, sctThreshold: 1, timestampThreshold: 0 }`; for
/// `TrustedRoot.github()` (no transparency log, no CT log) GitHub's, `{ tlogThreshold: 0,
/// timestampThreshold: 1, sctThreshold: 0 }`. No witnesses.
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct VerifierOptions {
    /// Transparency log entries (from distinct logs) that must verify, 0 to 1024.
    pub tlog_threshold: Option<u32>,
    /// Embedded signed certificate timestamps that must verify against the root's CT logs.
    pub sct_threshold: Option<u32>,
    /// RFC 3161 timestamps that must verify (any timestamp present must verify regardless).
    pub timestamp_threshold: Option<u32>,
    /// Witnesses, as C2SP note verifier keys (`name+hexid+base64`), of which `witnessThreshold`
    /// must have cosigned every log entry's checkpoint.
    pub witnesses: Option<Vec<String>>,
    /// How many of `witnesses` must have cosigned (default: all of them).
    pub witness_threshold: Option<u32>,
}

/// Verifies Sigstore bundles against one trusted root, offline. Build it once and share it:
/// every CA and timestamp authority chain of the root is validated here, not per bundle.
/// "Now" (to refuse verified times in the future) is the system clock at each call.
#[napi]
pub struct Verifier {
    pub(crate) inner: Arc<sigverify::Verifier>,
    options: Options,
    witness_threshold: Option<usize>,
}

#[napi]
impl Verifier {
    /// A verifier for `root`, with optional thresholds. Throws `InvalidInputError`: code
    /// `invalid-argument` for a threshold that is not a non-negative integer, `invalid-options`
    /// (from the core) for one above 1024 or that the root can never meet (a log threshold with
    /// no log in the root), the core's code for an unusable root or witness key.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "TrustedRoot")] root: Unknown<'_>,
        #[napi(ts_arg_type = "VerifierOptions")] options: Option<Unknown<'_>>,
    ) -> napi::Result<Verifier> {
        throw(&env, guard(|| Verifier::build(root, options)))
    }

    /// Transparency log entries (from distinct logs) that every bundle must carry.
    #[napi(getter)]
    pub fn tlog_threshold(&self) -> u32 {
        saturate(self.options.tlog_threshold)
    }

    /// Signed certificate timestamps that every signing certificate must carry.
    #[napi(getter)]
    pub fn sct_threshold(&self) -> u32 {
        saturate(self.options.sct_threshold)
    }

    /// RFC 3161 timestamps that every bundle must carry.
    #[napi(getter)]
    pub fn timestamp_threshold(&self) -> u32 {
        saturate(self.options.timestamp_threshold)
    }

    /// Witness cosignatures required on every checkpoint, or `null` (no witness policy).
    #[napi(getter)]
    pub fn witness_threshold(&self) -> Option<u32> {
        self.witness_threshold.map(saturate)
    }

    /// The crypto backend (`"aws-lc-rs"`).
    #[napi(getter)]
    pub fn backend(&self) -> &'static str {
        self.inner.backend().name()
    }

    /// Verifies `bundle` (a `Buffer`/`Uint8Array` or string of JSON, or the parsed object) against
    /// the artifact's bytes (`artifact`) or its digest (`digest: "sha256:HEX"`, also sha384 and
    /// sha512), and the `policy`. The work runs off the JavaScript thread; the artifact's bytes are
    /// copied first, so changing the buffer afterwards cannot race it.
    ///
    /// Resolves to the result. Rejects with a `VerificationError` (the bundle does not verify) or
    /// an `InvalidInputError` (malformed or unsupported input, or an argument of the wrong type or
    /// value: code `invalid-argument`), each with `code` and `check`.
    #[napi(
        ts_args_type = "bundle: Uint8Array | string | object, options: VerifyOptions",
        ts_return_type = "Promise<VerificationResult>"
    )]
    pub fn verify(
        &self,
        env: Env,
        bundle: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> AsyncTask<JobTask<One>> {
        task::task(self.one(&env, bundle, options))
    }

    /// `verify`, on the calling thread: returns the result or throws the same errors.
    #[napi(ts_args_type = "bundle: Uint8Array | string | object, options: VerifyOptions")]
    pub fn verify_sync(
        &self,
        env: Env,
        bundle: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<VerificationResult> {
        task::sync(&env, self.one(&env, bundle, options))
    }

    /// Verifies many bundles in parallel, off the JavaScript thread, on up to `jobs` threads
    /// (default: the number of CPUs). Each item is `{ bundle, artifact | digest, policy? }`;
    /// `options.policy` is the policy of the items that name none.
    ///
    /// Resolves to one outcome per item, in order: `{ ok: true, result }` or `{ ok: false, error }`
    /// with the error `verify` would have rejected with (an item of the wrong shape gets an
    /// `InvalidInputError` with code `invalid-argument`). Rejects only when `items` is not an
    /// array or `options` is invalid.
    #[napi(
        ts_args_type = "items: Array<VerifyItem>, options?: VerifyManyOptions",
        ts_return_type = "Promise<Array<VerifyOutcome>>"
    )]
    pub fn verify_many(
        &self,
        env: Env,
        items: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> AsyncTask<JobTask<Many>> {
        task::task(self.many(&env, items, options))
    }
}

/// The options of `verify` and `verifySync`: exactly one of `artifact` and `digest`, and the
/// policy.
// Typing only (index.d.ts): the options are read field by field, with errors that name them.
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct VerifyOptions {
    /// The artifact's bytes. For a DSSE bundle, the artifact must be a subject of the statement.
    #[napi(ts_type = "Uint8Array")]
    pub artifact: Option<()>,
    /// The artifact's digest, `sha256:HEX` (also `sha384:`, `sha512:`), instead of its bytes.
    /// An Ed25519 message signature needs the bytes.
    pub digest: Option<String>,
    /// Who must have signed.
    #[napi(ts_type = "Policy")]
    pub policy: (),
}

/// One item of `verifyMany`: the arguments of `verify`, together.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct VerifyItem {
    /// The bundle: a `Buffer`/`Uint8Array` or string of JSON, or the parsed object.
    #[napi(ts_type = "Uint8Array | string | object")]
    pub bundle: (),
    /// The artifact's bytes (or give `digest`).
    #[napi(ts_type = "Uint8Array")]
    pub artifact: Option<()>,
    /// The artifact's digest, `sha256:HEX` (also `sha384:`, `sha512:`), instead of its bytes.
    pub digest: Option<String>,
    /// Who must have signed (default: `options.policy` of `verifyMany`).
    #[napi(ts_type = "Policy")]
    pub policy: Option<()>,
}

/// The options of `verifyMany`.
// Typing only (index.d.ts).
#[allow(dead_code)]
#[napi(object, object_to_js = false, object_from_js = false)]
pub struct VerifyManyOptions {
    /// How many threads verify at once: an integer from 1 to 1024 (default: the number of CPUs;
    /// never more than one per item).
    pub jobs: Option<u32>,
    /// The policy of the items that name none.
    #[napi(ts_type = "Policy")]
    pub policy: Option<()>,
}

/// One outcome of `verifyMany`: `{ ok: true, result }` or `{ ok: false, error }`.
#[napi(object, object_from_js = false)]
pub struct VerifyOutcome {
    /// Whether the item verified.
    pub ok: bool,
    /// The result, when it verified.
    pub result: Option<VerificationResult>,
    /// The error, when it did not: a `VerificationError` or an `InvalidInputError`.
    #[napi(ts_type = "SigverifyError")]
    pub error: Option<napi::Error>,
}

/// A `Verifier` argument.
pub(crate) fn arg(value: Unknown<'_>, arg: &str) -> Result<Arc<sigverify::Verifier>, Failure> {
    ClassInstance::<Verifier>::from_unknown(value)
        .map(|v| Arc::clone(&v.inner))
        .map_err(|_| Failure::argument(format!("{arg} must be a Verifier")))
}

impl Verifier {
    /// The root's instance options ([`sigverify_host::Instance::options`]; the core's defaults
    /// for a root read from JSON), with the thresholds given; the core refuses those out of
    /// range or that the root can never meet.
    fn build(root: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Verifier, Failure> {
        let root = ClassInstance::<TrustedRoot>::from_unknown(root).map_err(|_| {
            Failure::argument("root must be a TrustedRoot (TrustedRoot.publicGood() ...)")
        })?;
        let mut request = sigverify_host::VerifierRequest {
            root: &root.inner,
            instance: root.instance,
            tlog_threshold: None,
            sct_threshold: None,
            timestamp_threshold: None,
            witnesses: None,
            witness_threshold: None,
        };
        if let Some(f) = inputs::object(options, "options")? {
            request.tlog_threshold = f.read("tlogThreshold", inputs::count)?;
            request.sct_threshold = f.read("sctThreshold", inputs::count)?;
            request.timestamp_threshold = f.read("timestampThreshold", inputs::count)?;
            request.witnesses = f.read("witnesses", inputs::strings)?;
            request.witness_threshold = f.read("witnessThreshold", inputs::count)?;
        }
        let built = request.build()?;
        Ok(Verifier {
            inner: built.verifier,
            options: built.options,
            witness_threshold: built.witness_threshold,
        })
    }

    fn one(
        &self,
        env: &Env,
        bundle: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<One, Failure> {
        let options = inputs::object(options, "options")?;
        let job = request(env, Some(bundle), options, "options", None)?;
        Ok(One(Arc::clone(&self.inner), job))
    }

    /// The arguments of `verifyMany`: every item read on this thread, a problem with one item
    /// kept as that item's outcome.
    fn many(
        &self,
        env: &Env,
        items: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Many, Failure> {
        let (mut jobs, mut policy) = (None, None);
        if let Some(f) = inputs::object(options, "options")? {
            jobs = f.read("jobs", inputs::integer)?;
            policy = f.read("policy", crate::policy::arg)?;
        }
        let threads = batch::threads(jobs)?;
        let items = inputs::elements(items, "items")?
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let arg = format!("items[{i}]");
                let f = inputs::object(Some(item), &arg)?
                    .ok_or_else(|| Failure::argument(format!("{arg} must be an object")))?;
                let bundle = f.get("bundle")?;
                request(env, bundle, Some(f), &arg, policy.as_ref())
            })
            .collect();
        Ok(Many {
            verifier: Arc::clone(&self.inner),
            items,
            threads,
        })
    }
}

/// `bundle` and `{ artifact | digest, policy }` as the host's request, validated.
fn request(
    env: &Env,
    bundle: Option<Unknown<'_>>,
    options: Option<Fields<'_>>,
    arg: &str,
    default_policy: Option<&Arc<sigverify::Policy>>,
) -> Result<batch::Job<'static>, Failure> {
    let f = options.ok_or_else(|| {
        Failure::argument(format!(
            "{arg} is required: {{ artifact | digest, policy }}"
        ))
    })?;
    let bundle = bundle.ok_or_else(|| Failure::argument(format!("{arg}.bundle is required")))?;
    batch::Request {
        policy: f
            .read("policy", crate::policy::arg)?
            .or_else(|| default_policy.cloned()),
        artifact: f.data("artifact")?,
        digest: f.string("digest")?,
        bundle: inputs::document(env, bundle, "bundle", "bundle")?,
    }
    .validate()
}

/// One verification (`verify`, `verifySync`).
pub struct One(Arc<sigverify::Verifier>, batch::Job<'static>);

impl Job for One {
    type Out = sigverify::VerificationResult;
    type Js = VerificationResult;

    fn call(&self) -> Result<Self::Out, Failure> {
        self.1.run(&self.0, now())
    }

    fn to_js(_: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(VerificationResult::from(out))
    }
}

/// The prepared items of a `verifyMany` call.
pub struct Many {
    verifier: Arc<sigverify::Verifier>,
    items: Vec<Result<batch::Job<'static>, Failure>>,
    threads: usize,
}

impl Job for Many {
    type Out = Vec<Result<sigverify::VerificationResult, Failure>>;
    type Js = Vec<VerifyOutcome>;

    fn call(&self) -> Result<Self::Out, Failure> {
        Ok(batch::run(&self.verifier, &self.items, self.threads, now()))
    }

    fn to_js(env: &Env, out: Self::Out) -> napi::Result<Self::Js> {
        Ok(out
            .into_iter()
            .map(|o| match o {
                Ok(r) => VerifyOutcome {
                    ok: true,
                    result: Some(r.into()),
                    error: None,
                },
                Err(f) => VerifyOutcome {
                    ok: false,
                    result: None,
                    error: Some(to_js(env, &f)),
                },
            })
            .collect())
    }
}
