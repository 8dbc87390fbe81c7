//! `sigverify`: verify and inspect Sigstore bundles offline.
//!
//! Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable/invalid input.

use std::path::Path;
use std::process::ExitCode;

use sigverify::limits::Document;
use std::sync::Arc;

use sigverify::{Bundle, Error, Policy, TrustedRoot, Verifier};
use sigverify_host::Data;
use sigverify_host::ReadError;

mod batch;
mod bcr;
mod conda;
mod ecosystems;
mod inspect;
mod model;
mod pylock;
mod release;
mod trust;

const USAGE: &str = "\
sigverify: verify Sigstore bundles offline

USAGE:
  sigverify verify BUNDLE [ARTIFACT] [--digest ALG:HEX]
                   (--identity ID --issuer URL | --key KEY.pem)
                   [--instance public-good|staging|github | --trusted-root FILE]
                   [--witness VKEY]... [--witness-threshold K] [--json]
      identity and provenance policy (combine; the shorthands imply GitHub's issuer):
                   [--certificate-identity-regexp RE] [--certificate-oidc-issuer-regexp RE]
                   [--repository OWNER/REPO] [--owner OWNER] [--source-ref REF]
                   [--signer-workflow OWNER/REPO/.github/workflows/F.yml[@REF]]
                   [--source-digest HEX] [--predicate-type URI] [--deny-self-hosted-runners]
                   [--policy FILE]
  sigverify policy check FILE
  sigverify trust update --metadata DIR --targets DIR [--root FILE | --instance public-good|staging]
                   [--state FILE] [--at RFC3339] --out DIR [--accept-expired-metadata-unsafe]
  sigverify trust show [FILE | --instance public-good|staging|github] [--json]

ECOSYSTEMS (exit codes and --json as for verify):
  sigverify pypi verify (DIST_FILE | --digest sha256:HEX --filename NAME)
                   (--provenance FILE | --attestation FILE ...)
                   [--publisher github:OWNER/REPO/WORKFLOW | gitlab:NAMESPACE/PROJECT/CI_FILE_PATH
                    | google:EMAIL | --identity ID --issuer URL] [--instance public-good|staging]
  sigverify npm verify (TARBALL | --integrity sha512-B64 | --digest sha512:HEX)
                   --attestations FILE --package NAME@VERSION [--repository OWNER/REPO]
                   [--previous PREVIOUS_VERSION_ATTESTATIONS.json]
  sigverify github verify (ARTIFACT | --digest sha256:HEX) --bundle FILE_OR_JSONL
                   (--repo OWNER/REPO | --owner OWNER) [--signer-workflow W]
                   [--instance public-good|github]
  sigverify github release verify --bundle FILE_OR_JSONL --repo OWNER/REPO --tag TAG
                   [ASSET... | --digest sha256:HEX --filename NAME]
  sigverify brew verify BOTTLE --bundle FILE_OR_JSONL
  sigverify maven verify ARTIFACT [--bundle FILE] (--identity ID | --repository OWNER/REPO) [--issuer URL]
  sigverify rubygems verify GEM [--bundle FILE] (--identity ID | --repository OWNER/REPO) [--issuer URL]
  sigverify model verify MODEL_PATH [--signature FILE (default MODEL_PATH/model.sig)]
                   (--identity ID --issuer URL | --policy FILE | --key PEM
                    | --certificate-chain PEM...) [--ignore-paths P...]
                   [--ignore-unsigned-files] [--no-ignore-git-paths] [--threads N]
                   [--trusted-root FILE | --instance public-good|staging|github] [--json]
  sigverify conda verify (PKG | --digest sha256:HEX --filename NAME)
                   (--bundle FILE | --sigs FILE.v0.sigs)
                   (--repository OWNER/REPO [--signer-workflow W] | --identity ID --issuer URL)
                   [--channel URL]
  sigverify bcr verify (--attestations attestations.json --module-dir DIR
                    | FILE --bundle FILE.intoto.jsonl [--name NAME])
                   --repository OWNER/REPO [--tag TAG]
                   [--trusted-root FILE | --instance public-good|staging|github] [--json]
  sigverify pylock verify PYLOCK.toml --dist-dir DIR [--provenance-dir DIR] [--json]
  sigverify pylock record PYLOCK.toml --dist-dir DIR [--provenance-dir DIR] [--json]
      each locked file present in DIR is checked against the lock's hashes and its
      FILE.provenance (PyPI's Integrity API object); each package's publisher against the
      lock's attestation-identities: same-publisher | not-recorded (exit 0),
      publisher-changed | provenance-missing | failed (exit 1). `record` writes the
      publishers of packages that record none into the lock, every other byte kept.
  sigverify verify-bundle [--staging] --bundle FILE
                   (--certificate-identity ID --certificate-oidc-issuer URL | --key KEY.pem)
                   [--trusted-root FILE] FILE_OR_DIGEST
  sigverify verify-batch MANIFEST.jsonl [--jobs N] [--json]
      each line: {\"bundle\": PATH, \"artifact\": PATH | \"digest\": \"sha256:HEX\",
                  \"identity\": ID, \"issuer\": URL, \"key\": PATH?, \"trusted_root\": PATH?}
  sigverify inspect BUNDLE [--json]
  sigverify --version

verify-bundle speaks the sigstore-conformance CLI protocol: FILE_OR_DIGEST is `sha256:HEX`
unless a file of that name exists.

Exit codes: 0 verified, 1 verification failed, 2 bad usage or unreadable/invalid input.";

/// A failure with its exit code.
pub(crate) struct Fail {
    pub(crate) code: u8,
    pub(crate) message: String,
}

pub(crate) fn usage(msg: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: format!("error: {}\n\n{USAGE}", msg.into()),
    }
}

fn input(msg: impl Into<String>) -> Fail {
    Fail {
        code: 2,
        message: format!("error: {}", msg.into()),
    }
}

/// A host-layer failure: exit 1 when it does not verify, 2 for invalid input (and a bug, caught:
/// the documented exit codes are 0, 1 and 2).
pub(crate) fn from_failure(f: &sigverify_host::Failure) -> Fail {
    use sigverify_host::Class;
    match f.class() {
        Class::Verification => Fail {
            code: 1,
            message: format!("verification failed [{}]: {f}", f.code()),
        },
        Class::InvalidInput => Fail {
            code: 2,
            message: match f.core_error() {
                Some(_) => format!("verification failed [{}]: {f}", f.code()),
                None => format!("error: {f}"),
            },
        },
        Class::Internal => Fail {
            code: 2,
            message: format!("error: {f}"),
        },
    }
}

/// A request's argument errors as the CLI reports them: usage (exit 2) for a missing or
/// conflicting argument, a refused policy with the flags that fix it.
pub(crate) fn checked<T>(r: Result<T, sigverify_host::Failure>) -> Result<T, Fail> {
    r.map_err(|f| match f {
        sigverify_host::Failure::Argument(m) => usage(m),
        sigverify_host::Failure::Load(e) => bad_policy(&e),
        other => from_failure(&other),
    })
}

pub(crate) fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// A document file read against its limit (`sigverify_host::read_document`): an unreadable or
/// oversized file is invalid input (exit 2).
fn read(path: &str, doc: Document) -> Result<Vec<u8>, Fail> {
    sigverify_host::read_document(Path::new(path), doc).map_err(|e| match e {
        ReadError::Io(e) => input(format!("cannot read {} {path}: {e}", doc.name())),
        ReadError::TooLarge(e) => input(format!("{} {path}: {e}", doc.name())),
    })
}

pub(crate) use sigverify_host::now;

/// Options that may be given more than once.
const REPEATABLE: &[&str] = &["witness", "certificate-chain", "ignore-paths"];

/// Simple `--flag value` / positional argument parsing.
struct Args {
    flags: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

impl Args {
    fn parse(raw: &[String], with_value: &[&str], switches: &[&str]) -> Result<Args, Fail> {
        let mut flags = Vec::new();
        let mut positional = Vec::new();
        let mut it = raw.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (name, None),
                };
                if with_value.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it
                            .next()
                            .cloned()
                            .ok_or_else(|| usage(format!("--{name} needs a value")))?,
                    };
                    if !REPEATABLE.contains(&name)
                        && flags
                            .iter()
                            .any(|(n, _): &(String, Option<String>)| n == name)
                    {
                        return Err(usage(format!("--{name} given twice")));
                    }
                    flags.push((name.to_owned(), Some(v)));
                } else if switches.contains(&name) && inline.is_none() {
                    flags.push((name.to_owned(), None));
                } else {
                    return Err(usage(format!("unknown option --{name}")));
                }
            } else {
                positional.push(a.clone());
            }
        }
        Ok(Args { flags, positional })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }
}

fn policy_from(
    identity: Option<&str>,
    issuer: Option<&str>,
    key: Option<&str>,
) -> Result<Policy, Fail> {
    match (identity, issuer, key) {
        (Some(id), Some(iss), None) => Policy::identity(id, iss).map_err(|e| bad_policy(&e)),
        (None, None, Some(k)) => Policy::key_pem(&read(k, Document::PublicKey)?)
            .map_err(|e| input(format!("key {k}: {e}"))),
        (_, _, Some(_)) => Err(usage(
            "give either an identity and issuer, or a key, not both",
        )),
        _ => Err(usage(
            "an identity and an issuer are both required (or a key)",
        )),
    }
}

fn trusted_root(instance: Option<&str>, file: Option<&str>) -> Result<TrustedRoot, Fail> {
    match (instance, file) {
        (Some(_), Some(_)) => Err(usage("give either --instance/--staging or --trusted-root")),
        (_, Some(f)) => TrustedRoot::from_json(&read(f, Document::TrustedRoot)?)
            .map_err(|e| input(format!("trusted root: {e}"))),
        (i, None) => sigverify_host::Instance::parse(i.unwrap_or("public-good"))
            .map_err(|f| usage(f.to_string()))?
            .trusted_root()
            .map_err(|f| input(format!("trusted root: {f}"))),
    }
}

/// A verifier of `root`, with the options of the embedded `instance` it is (GitHub's has no
/// transparency log and no CT), as C, Python and Node build it (`sigverify_host::VerifierRequest`).
fn verifier_for(root: &TrustedRoot, instance: Option<&str>) -> Result<Arc<Verifier>, Fail> {
    verifier_with(root, instance, None, None)
}

fn verifier_with(
    root: &TrustedRoot,
    instance: Option<&str>,
    witnesses: Option<Vec<String>>,
    witness_threshold: Option<usize>,
) -> Result<Arc<Verifier>, Fail> {
    let built = sigverify_host::VerifierRequest {
        root,
        instance: instance.and_then(|i| sigverify_host::Instance::parse(i).ok()),
        tlog_threshold: None,
        sct_threshold: None,
        timestamp_threshold: None,
        witnesses,
        witness_threshold,
    }
    .build()
    .map_err(|f| input(format!("verifier: {f}")))?;
    Ok(built.verifier)
}

/// A policy the core refused, as the CLI reports it: the core names policy-document fields, so
/// an unpinned signer is explained with the flags that pin one.
pub(crate) fn bad_policy(e: &Error) -> Fail {
    match e {
        Error::SignerNotPinned { .. } => input(format!(
            "{e}\n(on the command line: --identity or --certificate-identity-regexp, \
             --repository, --owner or --signer-workflow; --source-ref, --source-digest, \
             --deny-self-hosted-runners, --predicate-type and --issuer alone pin nothing)"
        )),
        _ => input(e.to_string()),
    }
}

/// The policy of `sigverify verify`: `--policy FILE`, `--key`, or identity and issuer (exact or
/// `-regexp`), refined by the GitHub shorthands and `--predicate-type`. The shorthands pin the
/// signer, so with them `--identity` may be left out; `--repository` etc. imply GitHub's issuer.
fn verify_policy(a: &Args) -> Result<Policy, Fail> {
    use sigverify::{github, Field, Matcher, Requirement};
    let mut extra: Vec<Requirement> = Vec::new();
    if let Some(r) = a.get("repository") {
        extra.push(github::repository(r).map_err(|e| bad_policy(&e))?);
    }
    if let Some(o) = a.get("owner") {
        extra.push(github::owner(o).map_err(|e| bad_policy(&e))?);
    }
    if let Some(w) = a.get("signer-workflow") {
        extra.push(github::signer_workflow(w).map_err(|e| bad_policy(&e))?);
    }
    if let Some(r) = a.get("source-ref") {
        extra.push(github::source_ref(r));
    }
    if let Some(d) = a.get("source-digest") {
        extra.push(github::source_digest(d));
    }
    if a.has("deny-self-hosted-runners") {
        extra.push(github::deny_self_hosted_runners());
    }
    let github_scoped = !extra.is_empty();
    if let Some(t) = a.get("predicate-type") {
        extra.push(Requirement::Field(Field::PredicateType, Matcher::exact(t)));
    }
    let identity = match (a.get("identity"), a.get("certificate-identity-regexp")) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "give --identity or --certificate-identity-regexp, not both",
            ))
        }
        (Some(i), None) => Some(Matcher::exact(i)),
        (None, Some(r)) => Some(Matcher::regex(r).map_err(|e| bad_policy(&e))?),
        (None, None) => None,
    };
    let issuer = match (a.get("issuer"), a.get("certificate-oidc-issuer-regexp")) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "give --issuer or --certificate-oidc-issuer-regexp, not both",
            ))
        }
        (Some(i), None) => Some(Matcher::exact(i)),
        (None, Some(r)) => Some(Matcher::regex(r).map_err(|e| bad_policy(&e))?),
        (None, None) => None,
    };
    match (a.get("policy"), a.get("key")) {
        (Some(_), Some(_)) => Err(usage("give --policy or --key, not both")),
        (Some(f), None) => {
            let mut p = Policy::from_json(&read(f, Document::Policy)?)
                .map_err(|e| input(format!("policy {f}: {e}")))?;
            if let Some(i) = identity {
                p.set_identity(i).map_err(|e| bad_policy(&e))?;
            }
            if let Some(i) = issuer {
                p.set_issuer(i);
            }
            for r in extra {
                p.require(r);
            }
            Ok(p)
        }
        (None, Some(k)) => {
            if identity.is_some() || issuer.is_some() || github_scoped {
                return Err(usage(
                    "give either a key, or an identity and issuer, not both",
                ));
            }
            let mut p = Policy::key_pem(&read(k, Document::PublicKey)?)
                .map_err(|e| input(format!("key {k}: {e}")))?;
            for r in extra {
                p.require(r);
            }
            Ok(p)
        }
        (None, None) => {
            let issuer = match issuer {
                Some(i) => i,
                None if github_scoped => Matcher::exact(sigverify::GITHUB_ISSUER),
                None => {
                    return Err(usage(
                        "--issuer (or --certificate-oidc-issuer-regexp) is required",
                    ))
                }
            };
            // The core decides whether the identity and the requirements pin the signer.
            Policy::certificate_requirements(identity, issuer, extra).map_err(|e| bad_policy(&e))
        }
    }
}

fn cmd_policy(raw: &[String]) -> Result<(), Fail> {
    let Some((sub, rest)) = raw.split_first() else {
        return Err(usage("policy needs a subcommand: check FILE"));
    };
    if sub != "check" {
        return Err(usage(format!("unknown policy subcommand {sub:?}")));
    }
    let a = Args::parse(rest, &[], &[])?;
    let [file] = a.positional.as_slice() else {
        return Err(usage("policy check needs exactly one FILE"));
    };
    Policy::from_json(&read(file, Document::Policy)?).map_err(|e| input(format!("{file}: {e}")))?;
    println!("{file}: valid policy document");
    Ok(())
}

fn cmd_verify_bundle(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(
        raw,
        &[
            "bundle",
            "certificate-identity",
            "certificate-oidc-issuer",
            "key",
            "trusted-root",
        ],
        &["staging"],
    )?;
    let bundle_path = a
        .get("bundle")
        .ok_or_else(|| usage("--bundle is required"))?;
    let [target] = a.positional.as_slice() else {
        return Err(usage("exactly one FILE_OR_DIGEST is required"));
    };
    let policy = policy_from(
        a.get("certificate-identity"),
        a.get("certificate-oidc-issuer"),
        a.get("key"),
    )?;
    let instance = a.has("staging").then_some("staging");
    let root = trusted_root(instance, a.get("trusted-root"))?;
    let verifier = verifier_for(&root, instance)?;
    let digest = target.starts_with("sha256:") && !Path::new(target).exists();
    let job = checked(
        sigverify_host::batch::Request {
            bundle: Data::Path(bundle_path.into()),
            artifact: (!digest).then(|| Data::Path(target.into())),
            digest: digest.then(|| target.clone()),
            policy: Some(Arc::new(policy)),
        }
        .validate(),
    )?;
    job.run(&verifier, now())
        .map(|_| ())
        .map_err(|f| from_failure(&f))
}

fn cmd_verify(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(
        raw,
        &[
            "digest",
            "identity",
            "issuer",
            "key",
            "instance",
            "trusted-root",
            "witness",
            "witness-threshold",
            "certificate-identity-regexp",
            "certificate-oidc-issuer-regexp",
            "repository",
            "owner",
            "signer-workflow",
            "source-ref",
            "source-digest",
            "predicate-type",
            "policy",
        ],
        &["json", "deny-self-hosted-runners"],
    )?;
    let (bundle_path, artifact_path) = match a.positional.as_slice() {
        [b] => (b, None),
        [b, art] => (b, Some(art)),
        [] => return Err(usage("BUNDLE is required")),
        _ => return Err(usage("too many arguments")),
    };
    let policy = verify_policy(&a)?;
    let root = trusted_root(a.get("instance"), a.get("trusted-root"))?;
    // `--witness VKEY` (repeatable), `--witness-threshold K`: the core decides the quorum
    // (default: all of them) and refuses a threshold without witnesses.
    let keys: Vec<String> = a.all("witness").into_iter().map(str::to_owned).collect();
    let k = a
        .get("witness-threshold")
        .map(|t| {
            t.parse::<usize>()
                .map_err(|_| usage("--witness-threshold takes a whole number"))
        })
        .transpose()?;
    let verifier = verifier_with(
        &root,
        a.get("instance"),
        (!keys.is_empty()).then_some(keys),
        k,
    )?;
    let job = checked(
        sigverify_host::batch::Request {
            bundle: Data::Path(bundle_path.into()),
            artifact: artifact_path.map(|p| Data::Path(p.into())),
            digest: a.get("digest").map(str::to_owned),
            policy: Some(Arc::new(policy)),
        }
        .validate(),
    )?;
    let what = artifact_path.map_or_else(
        || a.get("digest").unwrap_or_default().to_owned(),
        |p| p.to_string(),
    );
    let r = job.run(&verifier, now());
    report(a.has("json"), &what, r.map(|r| vec![(String::new(), r)]))
}

/// Prints the outcome: one line per verified result for people, or the whole JSON; on failure
/// the JSON error object (with --json) and the exit code of the error.
fn report(
    json: bool,
    what: &str,
    outcome: Result<
        Vec<(String, sigverify::VerificationResult)>,
        impl Into<sigverify_host::Failure>,
    >,
) -> Result<(), Fail> {
    match outcome {
        Ok(results) => {
            if json {
                let v = if let [(label, r)] = results.as_slice() {
                    let mut j = r.to_json();
                    if !label.is_empty() {
                        j["attestation"] = label.clone().into();
                    }
                    j
                } else {
                    serde_json::json!({
                        "verified": true,
                        "attestations": results.iter().map(|(l, r)| {
                            let mut j = r.to_json();
                            j["attestation"] = l.clone().into();
                            j
                        }).collect::<Vec<_>>(),
                    })
                };
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                for (label, r) in &results {
                    let who = match (r.identity(), r.issuer()) {
                        (Some(id), Some(iss)) => format!("{id} (issuer {iss})"),
                        _ => "the expected key".to_owned(),
                    };
                    let when = r
                        .earliest_time()
                        .map(sigverify::format_time)
                        .unwrap_or_else(|| "an unknown time".into());
                    let label = if label.is_empty() {
                        String::new()
                    } else {
                        format!(" [{label}]")
                    };
                    println!("Verified {what}{label}: signed by {who} at {when}");
                }
            }
            Ok(())
        }
        Err(e) => {
            let e: sigverify_host::Failure = e.into();
            if json {
                let j = serde_json::json!({
                    "verified": false,
                    "error": {"code": e.code(), "check": e.check(), "message": e.to_string()},
                });
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            }
            Err(from_failure(&e))
        }
    }
}

fn cmd_inspect(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(raw, &[], &["json"])?;
    let [path] = a.positional.as_slice() else {
        return Err(usage("exactly one BUNDLE is required"));
    };
    let json = read(path, Document::Bundle)?;
    let bundle = Bundle::from_json(&json).map_err(|e| input(e.to_string()))?;
    let v = bundle.describe();
    if a.has("json") {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print!("{}", inspect::render(&v));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let r = match cmd.as_str() {
        "verify-bundle" => cmd_verify_bundle(rest),
        "verify" => cmd_verify(rest),
        "verify-batch" => batch::cmd(rest),
        "inspect" => cmd_inspect(rest),
        "policy" => cmd_policy(rest),
        "trust" => trust::cmd(rest),
        "pypi" => ecosystems::pypi(rest),
        "npm" => ecosystems::npm(rest),
        "github" => ecosystems::github(rest),
        "brew" => ecosystems::brew(rest),
        "maven" => ecosystems::sidecar(rest, "maven"),
        "rubygems" => ecosystems::sidecar(rest, "rubygems"),
        "model" => model::cmd(rest),
        "conda" => conda::cmd(rest),
        "bcr" => bcr::cmd(rest),
        "pylock" => pylock::cmd(rest),
        "--version" | "-V" => {
            println!("sigverify {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        "--help" | "-h" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(usage(format!("unknown command {other:?}"))),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("{}", f.message);
            ExitCode::from(f.code)
        }
    }
}
