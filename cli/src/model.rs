//! `sigverify model verify MODEL_PATH`: a machine-learning model directory against its OpenSSF
//! model signature (`model.sig`), through the host's model request
//! (`sigverify_host::model::Request`), as C, Python and Node call it.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sigverify::limits::Document;
use sigverify_host::model::{Progress, Request, Signer};

use crate::{checked, from_failure, now, read, trusted_root, usage, verifier_for, Args, Fail};

/// Progress on a terminal for models of at least this many bytes.
const PROGRESS_BYTES: u64 = 64 << 20;

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let raw = match raw.split_first() {
        Some((s, rest)) if s == "verify" => rest,
        _ => return Err(usage("model needs a subcommand: verify")),
    };
    let a = Args::parse(
        raw,
        &[
            "signature",
            "identity",
            "issuer",
            "policy",
            "key",
            "certificate-chain",
            "ignore-paths",
            "trusted-root",
            "instance",
            "threads",
        ],
        &["json", "ignore-unsigned-files", "no-ignore-git-paths"],
    )?;
    let [model] = a.positional.as_slice() else {
        return Err(usage("give the MODEL_PATH (a directory, or a single file)"));
    };
    let signer = match (a.get("policy"), a.get("key"), a.all("certificate-chain")) {
        (Some(p), None, certs) if certs.is_empty() => {
            let policy = sigverify::Policy::from_json(&read(p, Document::Policy)?)
                .map_err(|e| crate::bad_policy(&e))?;
            Some(Signer::Sigstore(Arc::new(policy)))
        }
        (None, Some(k), certs) if certs.is_empty() => {
            Some(Signer::Key(read(k, Document::PublicKey)?))
        }
        (None, None, certs) if !certs.is_empty() => {
            let mut pem = Vec::new();
            for c in certs {
                pem.extend(read(c, Document::Certificates)?);
                pem.push(b'\n');
            }
            Some(Signer::Certificate(pem))
        }
        (None, None, _) => None,
        _ => {
            return Err(usage(
                "give one method: --identity ID --issuer URL, --policy FILE, --key PEM or --certificate-chain PEM...",
            ))
        }
    };
    let threads = a
        .get("threads")
        .map(|t| {
            t.parse::<usize>()
                .map_err(|_| usage("--threads takes a whole number"))
        })
        .transpose()?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let job = checked(
        Request {
            model: PathBuf::from(model),
            signature: a.get("signature").map(PathBuf::from),
            identity: a.get("identity").map(str::to_owned),
            issuer: a.get("issuer").map(str::to_owned),
            signer,
            // The sigstore method's trust domain: public-good unless --instance or
            // --trusted-root.
            verifier: sigstore_verifier(&a)?,
            // Relative to the working directory, as model_signing's CLI takes them.
            ignore_paths: a.all("ignore-paths").iter().map(|p| cwd.join(p)).collect(),
            ignore_git_paths: Some(!a.has("no-ignore-git-paths")),
            ignore_unsigned_files: a.has("ignore-unsigned-files"),
            threads,
        }
        .validate(),
    )?;
    let bar = Bar::new();
    let show = |p: Progress| bar.show(p);
    let progress: Option<&(dyn Fn(Progress) + Sync)> = if bar.enabled { Some(&show) } else { None };
    let outcome = job.run(now(), progress);
    bar.finish();
    let json = a.has("json");
    match outcome {
        Ok(v) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&v.to_json()).unwrap_or_default()
                );
            } else {
                let who = match &v.signer {
                    sigverify::ecosystems::model::ModelSigner::Sigstore(r) => format!(
                        "{} (issuer {}) at {}",
                        r.identity().unwrap_or("the expected key"),
                        r.issuer().unwrap_or("none"),
                        r.earliest_time()
                            .map(sigverify::format_time)
                            .unwrap_or_else(|| "an unknown time".into())
                    ),
                    sigverify::ecosystems::model::ModelSigner::Key { spki_sha256 } => {
                        format!("the key with SPKI sha256:{spki_sha256}")
                    }
                    sigverify::ecosystems::model::ModelSigner::Certificate { subject, .. } => {
                        format!("the certificate {subject}")
                    }
                    other => other.method().to_owned(),
                };
                println!(
                    "Verified model {model} ({} resources, {} bytes, {}, manifest sha256:{}): signed by {who}",
                    v.resources,
                    v.bytes,
                    v.serialization.resource_algorithm(),
                    v.manifest_digest
                );
            }
            Ok(())
        }
        Err(f) => {
            if json {
                let j = serde_json::json!({
                    "verified": false,
                    "error": {"code": f.code(), "check": f.check(), "message": f.to_string()},
                });
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            }
            Err(from_failure(&f))
        }
    }
}

/// The verifier of the sigstore method when the caller names a trust domain; `None` for the
/// host's embedded public-good verifier.
fn sigstore_verifier(a: &Args) -> Result<Option<Arc<sigverify::Verifier>>, Fail> {
    if a.get("instance").is_none() && a.get("trusted-root").is_none() {
        return Ok(None);
    }
    let root = trusted_root(a.get("instance"), a.get("trusted-root"))?;
    verifier_for(&root, a.get("instance")).map(Some)
}

/// A progress bar on stderr, for large models on a terminal.
struct Bar {
    enabled: bool,
    shown: AtomicU64,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            enabled: std::io::stderr().is_terminal(),
            shown: AtomicU64::new(0),
        }
    }

    fn show(&self, p: Progress) {
        if p.bytes_total < PROGRESS_BYTES {
            return;
        }
        let percent = p.bytes_done.saturating_mul(100) / p.bytes_total.max(1);
        if self.shown.swap(percent + 1, Ordering::Relaxed) == percent + 1 {
            return;
        }
        let width = 30;
        let filled = usize::try_from(percent).unwrap_or(100).min(100) * width / 100;
        let _ = write!(
            std::io::stderr().lock(),
            "\r[{}{}] {percent:>3}% {}/{} MiB, {}/{} files",
            "=".repeat(filled),
            " ".repeat(width - filled),
            p.bytes_done >> 20,
            p.bytes_total >> 20,
            p.jobs_done,
            p.jobs_total
        );
    }

    fn finish(&self) {
        if self.shown.load(Ordering::Relaxed) > 0 {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}
