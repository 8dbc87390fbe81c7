//! `Verifier`: verify bundles, on the JavaScript thread (`verifySync`) or off it (`verify`,
//! `verifyMany`), through one code path ([`Job::run`]).

use napi::bindgen_prelude::{
    AsyncTask, ClassInstance, FromNapiValue, JsObjectValue, Object, Uint8Array, Unknown,
};
use napi::{Env, JsValue, Task};
use napi_derive::napi;

use crate::errors::{panic_boundary, Failure};
use crate::inputs::{self, napi_failure};
use crate::policy::Policy;
use crate::result::VerificationResult;
use crate::root::TrustedRoot;

/// The most threads one `verifyMany` call starts, whatever `jobs` asks for.
const MAX_JOBS: u32 = 256;

/// How much evidence every bundle must carry. Each field is optional; the defaults are the
/// core's: `{ tlogThreshold: 1, sctThreshold: 1, timestampThreshold: 0 }` and no witnesses.
/// GitHub's instance has no transparency log: say so explicitly, `{ tlogThreshold: 0,
/// timestampThreshold: 1, sctThreshold: 0 }`.
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
    pub(crate) inner: std::sync::Arc<sigverify::Verifier>,
    options: sigverify::VerifierOptions,
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
        Verifier::build(root, options).map_err(|f| f.into_js(&env))
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
    ) -> AsyncTask<VerifyTask> {
        let job = inputs::object(options, "options")
            .and_then(|options| self.job(&env, Some(bundle), options.as_ref(), "options", None));
        AsyncTask::new(VerifyTask { job: Some(job) })
    }

    /// `verify`, on the calling thread: returns the result or throws the same errors.
    #[napi(ts_args_type = "bundle: Uint8Array | string | object, options: VerifyOptions")]
    pub fn verify_sync(
        &self,
        env: Env,
        bundle: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<VerificationResult> {
        let outcome = inputs::object(options, "options")
            .and_then(|options| self.job(&env, Some(bundle), options.as_ref(), "options", None))
            .and_then(|job| job.run());
        match outcome {
            Ok(r) => Ok(VerificationResult::from(&r)),
            Err(f) => Err(f.into_js(&env)),
        }
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
    ) -> AsyncTask<VerifyManyTask> {
        AsyncTask::new(VerifyManyTask {
            batch: Some(self.batch(&env, items, options)),
        })
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
    /// How many threads verify at once: an integer from 1 to 256 (default: the number of CPUs;
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

/// What the bundle is checked against: the artifact's bytes or a digest string.
enum Target {
    Bytes(Vec<u8>),
    Digest(String),
}

/// One verification, with everything it needs copied out of JavaScript values: the artifact's
/// bytes too, even for `verifySync`, because reading the other arguments can run JavaScript
/// (getters, `toJSON`) that could detach or change the artifact's buffer.
pub struct Job {
    verifier: std::sync::Arc<sigverify::Verifier>,
    bundle: Vec<u8>,
    target: Target,
    policy: std::sync::Arc<sigverify::Policy>,
}

impl Job {
    /// The one verification path of `verify`, `verifySync` and `verifyMany`. "Now" is the system
    /// clock: the core itself never reads one.
    fn run(&self) -> Result<sigverify::VerificationResult, Failure> {
        panic_boundary(|| {
            let artifact = match &self.target {
                Target::Bytes(b) => sigverify::Artifact::Bytes(b),
                Target::Digest(d) => {
                    sigverify::Artifact::parse_digest(d).map_err(Failure::Verify)?
                }
            };
            self.verifier
                .verify_json(&self.bundle, &artifact, &self.policy, now())
                .map_err(Failure::Verify)
        })
    }
}

/// The system clock, read by the binding-neutral layer for every face.
pub(crate) use sigverify_host::now;

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A `Policy` argument.
pub(crate) fn policy_arg(
    value: Unknown<'_>,
    arg: &str,
) -> Result<std::sync::Arc<sigverify::Policy>, Failure> {
    ClassInstance::<Policy>::from_unknown(value)
        .map(|p| std::sync::Arc::clone(&p.inner))
        .map_err(|_| {
            Failure::argument(format!(
                "{arg} must be a Policy (Policy.identity, Policy.key or Policy.fromJSON)"
            ))
        })
}

impl Verifier {
    fn build(root: Unknown<'_>, options: Option<Unknown<'_>>) -> Result<Verifier, Failure> {
        let root = ClassInstance::<TrustedRoot>::from_unknown(root).map_err(|_| {
            Failure::argument("root must be a TrustedRoot (TrustedRoot.publicGood() ...)")
        })?;
        let mut o = sigverify::VerifierOptions::default();
        let mut witnesses = None;
        let mut witness_threshold = None;
        if let Some(obj) = inputs::object(options, "options")? {
            for (name, slot) in [
                ("tlogThreshold", &mut o.tlog_threshold),
                ("sctThreshold", &mut o.sct_threshold),
                ("timestampThreshold", &mut o.timestamp_threshold),
            ] {
                if let Some(v) = inputs::field(&obj, name)? {
                    *slot = inputs::count(v, &format!("options.{name}"), 0, u32::MAX)?;
                }
            }
            witnesses = inputs::field(&obj, "witnesses")?
                .map(|v| inputs::strings(v, "options.witnesses"))
                .transpose()?;
            witness_threshold = inputs::field(&obj, "witnessThreshold")?
                .map(|v| inputs::count(v, "options.witnessThreshold", 0, u32::MAX))
                .transpose()?;
        }
        // The core refuses thresholds out of range or that the root can never meet.
        panic_boundary(|| {
            let mut inner =
                sigverify::Verifier::with_options(&root.inner, o, sigverify::Backend::default())
                    .map_err(Failure::Load)?;
            let mut k = None;
            match (witnesses, witness_threshold) {
                (None, None) => {}
                (None, Some(_)) => {
                    return Err(Failure::argument(
                        "options.witnessThreshold needs options.witnesses",
                    ))
                }
                (Some(keys), t) => {
                    let list = keys
                        .iter()
                        .map(|v| sigverify::Witness::from_vkey(v))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(Failure::Load)?;
                    let n = t.unwrap_or(list.len());
                    let policy = sigverify::WitnessPolicy::new(n, list).map_err(Failure::Load)?;
                    inner = inner.with_witness_policy(policy);
                    k = Some(n);
                }
            }
            Ok(Verifier {
                inner: std::sync::Arc::new(inner),
                options: o,
                witness_threshold: k,
            })
        })
    }

    /// Reads `bundle` and `{ artifact | digest, policy }` into a [`Job`]. A missing or doubled
    /// artifact is the core's `invalid-artifact`; the rest of the shape is `invalid-argument`.
    fn job(
        &self,
        env: &Env,
        bundle: Option<Unknown<'_>>,
        options: Option<&Object<'_>>,
        arg: &str,
        default_policy: Option<&std::sync::Arc<sigverify::Policy>>,
    ) -> Result<Job, Failure> {
        let Some(options) = options else {
            return Err(Failure::argument(format!(
                "{arg} is required: {{ artifact | digest, policy }}"
            )));
        };
        let bundle =
            bundle.ok_or_else(|| Failure::argument(format!("{arg}.bundle is required")))?;
        let policy = match (inputs::field(options, "policy")?, default_policy) {
            (Some(p), _) => policy_arg(p, &format!("{arg}.policy"))?,
            (None, Some(p)) => std::sync::Arc::clone(p),
            (None, None) => {
                return Err(Failure::argument(format!(
                    "{arg}.policy is required (Policy.identity(identity, issuer), Policy.key(pem) or Policy.fromJSON(doc))"
                )))
            }
        };
        let target = match (
            inputs::field(options, "artifact")?,
            inputs::field(options, "digest")?,
        ) {
            (Some(a), None) => {
                let bytes: Uint8Array = inputs::bytes(a, &format!("{arg}.artifact"))?;
                Target::Bytes(bytes.to_vec())
            }
            (None, Some(d)) => Target::Digest(inputs::string(d, &format!("{arg}.digest"))?),
            // Argument errors, as in every face (invalid-argument).
            (Some(_), Some(_)) => {
                return Err(Failure::argument(format!(
                    "give either {arg}.artifact or {arg}.digest, not both"
                )))
            }
            (None, None) => {
                return Err(Failure::argument(format!(
                    "{arg}.artifact (the bytes) or {arg}.digest (\"sha256:HEX\") is required"
                )))
            }
        };
        let bundle = inputs::json_bytes(env, bundle, "bundle", "bundle")?;
        Ok(Job {
            verifier: std::sync::Arc::clone(&self.inner),
            bundle,
            target,
            policy,
        })
    }

    /// The arguments of `verifyMany`: every item read on this thread, a problem with one item
    /// kept as that item's outcome.
    fn batch(
        &self,
        env: &Env,
        items: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Batch, Failure> {
        let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut default_policy = None;
        if let Some(obj) = inputs::object(options, "options")? {
            if let Some(v) = inputs::field(&obj, "jobs")? {
                threads = inputs::count(v, "options.jobs", 1, MAX_JOBS)?;
            }
            if let Some(p) = inputs::field(&obj, "policy")? {
                default_policy = Some(policy_arg(p, "options.policy")?);
            }
        }
        if !items.is_array().map_err(napi_failure)? {
            return Err(Failure::argument("items must be an array"));
        }
        let array = Object::from_unknown(items).map_err(napi_failure)?;
        let len = array.get_array_length().map_err(napi_failure)?;
        let mut jobs = Vec::with_capacity(len as usize);
        for i in 0..len {
            let arg = format!("items[{i}]");
            let item: Unknown<'_> = array.get_element(i).map_err(napi_failure)?;
            let job = inputs::object(Some(item), &arg).and_then(|obj| {
                let obj =
                    obj.ok_or_else(|| Failure::argument(format!("{arg} must be an object")))?;
                let bundle = inputs::field(&obj, "bundle")?;
                self.job(env, bundle, Some(&obj), &arg, default_policy.as_ref())
            });
            jobs.push(job);
        }
        Ok(Batch { jobs, threads })
    }
}

/// The prepared items of a `verifyMany` call.
pub struct Batch {
    jobs: Vec<Result<Job, Failure>>,
    threads: usize,
}

/// The off-thread half of `verify`.
pub struct VerifyTask {
    job: Option<Result<Job, Failure>>,
}

impl Task for VerifyTask {
    type Output = Result<sigverify::VerificationResult, Failure>;
    type JsValue = VerificationResult;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.job.take() {
            Some(Ok(job)) => job.run(),
            Some(Err(f)) => Err(f),
            None => Err(Failure::Internal("a verify task ran twice".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        match output {
            Ok(r) => Ok(VerificationResult::from(&r)),
            Err(f) => Err(f.into_js(&env)),
        }
    }
}

/// The off-thread half of `verifyMany`: the core's `parallel_map` over the items.
pub struct VerifyManyTask {
    batch: Option<Result<Batch, Failure>>,
}

impl Task for VerifyManyTask {
    type Output = Result<Vec<Result<sigverify::VerificationResult, Failure>>, Failure>;
    type JsValue = Vec<VerifyOutcome>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.batch.take() {
            Some(Ok(batch)) => {
                Ok(sigverify::parallel_map(
                    &batch.jobs,
                    batch.threads,
                    |job| match job {
                        Ok(job) => job.run(),
                        Err(f) => Err(f.clone()),
                    },
                ))
            }
            Some(Err(f)) => Err(f),
            None => Err(Failure::Internal("a verifyMany task ran twice".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        let outcomes = output.map_err(|f| f.into_js(&env))?;
        Ok(outcomes
            .into_iter()
            .map(|o| match o {
                Ok(r) => VerifyOutcome {
                    ok: true,
                    result: Some(VerificationResult::from(&r)),
                    error: None,
                },
                Err(f) => VerifyOutcome {
                    ok: false,
                    result: None,
                    error: Some(f.into_js(&env)),
                },
            })
            .collect())
    }
}
