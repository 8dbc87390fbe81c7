//! `sigverify verify-batch MANIFEST.jsonl [--jobs N] [--json]`.
//!
//! Each manifest line: `{"bundle": PATH, "artifact": PATH | "digest": "sha256:HEX",
//! "identity": ID, "issuer": URL, "key": PATH?, "trusted_root": PATH?}`; relative paths are
//! resolved against the manifest's folder. One result per line, in input order. Exit 0 when all
//! verify, 1 when any fails, 2 on a bad manifest (nothing is verified then).

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use sigverify::limits::Document;
use std::sync::Arc;

use sigverify::{Policy, TrustedRoot, Verifier};
use sigverify_host::{batch, Data};

use crate::{input, now, read, usage, verifier_for, Args, Fail};

struct Item {
    line: usize,
    bundle: String,
    job: batch::Job<'static>,
    root: Option<String>,
}

fn resolve(base: &Path, p: &str) -> String {
    let path = Path::new(p);
    if path.is_absolute() {
        p.to_owned()
    } else {
        base.join(path).to_string_lossy().into_owned()
    }
}

fn parse_line(n: usize, line: &str, base: &Path) -> Result<Item, Fail> {
    let bad = |r: String| input(format!("manifest line {n}: {r}"));
    let v: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
    let o = v
        .as_object()
        .ok_or_else(|| bad("expected a JSON object".into()))?;
    for k in o.keys() {
        if ![
            "bundle",
            "artifact",
            "digest",
            "identity",
            "issuer",
            "key",
            "trusted_root",
        ]
        .contains(&k.as_str())
        {
            return Err(bad(format!("unknown field {k:?}")));
        }
    }
    let s = |k: &str| -> Result<Option<String>, Fail> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(format!("{k} must be a string"))),
        }
    };
    let bundle = resolve(
        base,
        &s("bundle")?.ok_or_else(|| bad("bundle is required".into()))?,
    );
    let (artifact, digest) = match (s("artifact")?, s("digest")?) {
        (Some(a), None) => (Some(Data::Path(resolve(base, &a).into())), None),
        (None, Some(d)) => (None, Some(d)),
        _ => return Err(bad("exactly one of artifact and digest is required".into())),
    };
    let policy = match (s("identity")?, s("issuer")?, s("key")?) {
        (Some(id), Some(iss), None) => Policy::identity(id, iss).map_err(|e| bad(e.to_string()))?,
        (None, None, Some(k)) => {
            let k = resolve(base, &k);
            Policy::key_pem(&read(&k, Document::PublicKey)?)
                .map_err(|e| bad(format!("key {k}: {e}")))?
        }
        _ => return Err(bad("identity and issuer, or key, are required".into())),
    };
    let job = batch::Request {
        bundle: Data::Path(bundle.clone().into()),
        artifact,
        digest,
        policy: Some(Arc::new(policy)),
    }
    .validate()
    .map_err(|f| bad(f.to_string()))?;
    Ok(Item {
        line: n,
        bundle,
        job,
        root: s("trusted_root")?.map(|r| resolve(base, &r)),
    })
}

fn verify_item(
    it: &Item,
    verifiers: &HashMap<Option<String>, std::sync::Arc<Verifier>>,
) -> Result<sigverify::VerificationResult, String> {
    let verifier = verifiers.get(&it.root).ok_or("no verifier")?;
    sigverify_host::guard(|| it.job.run(verifier, now())).map_err(|f| match f.core_error() {
        Some(_) => format!("[{}] {f}", f.code()),
        None => f.to_string(),
    })
}

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(raw, &["jobs"], &["json"])?;
    let [manifest] = a.positional.as_slice() else {
        return Err(usage("verify-batch needs exactly one MANIFEST.jsonl"));
    };
    let jobs = match a.get("jobs") {
        Some(j) => j
            .parse::<usize>()
            .ok()
            .filter(|j| *j > 0)
            .ok_or_else(|| usage("--jobs takes a positive number"))?,
        None => 0,
    };
    let text = String::from_utf8(read(manifest, Document::BatchManifest)?)
        .map_err(|_| input("the manifest is not UTF-8"))?;
    let base: PathBuf = Path::new(manifest)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    // The lines are parsed (their JSON, their policies) on the workers too: on one thread this
    // would be a part of every item's time that the other workers cannot share. The first bad
    // line in input order is the one reported, as before.
    let items = sigverify::parallel_map(&lines, jobs, |(i, l)| parse_line(i + 1, l, &base))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    if items.is_empty() {
        return Err(input("the manifest has no entries"));
    }
    // One verifier per distinct trusted root, built once and shared by every thread.
    let mut verifiers = HashMap::new();
    for it in &items {
        if !verifiers.contains_key(&it.root) {
            let root = match &it.root {
                Some(p) => TrustedRoot::from_json(&read(p, Document::TrustedRoot)?)
                    .map_err(|e| input(format!("{p}: {e}")))?,
                None => TrustedRoot::public_good().map_err(|e| input(e.to_string()))?,
            };
            verifiers.insert(it.root.clone(), verifier_for(&root, None)?);
        }
    }
    let total = items.len();
    let done = AtomicUsize::new(0);
    let progress = std::io::stderr().is_terminal();
    let json = a.has("json");
    // Each worker turns its result into the output line (formatting runs in parallel too, and
    // only the lines are kept until they are written in input order).
    let lines = sigverify::parallel_map(&items, jobs, |it| {
        let r = verify_item(it, &verifiers);
        if progress {
            let d = done.fetch_add(1, Ordering::Relaxed) + 1;
            let width = 30;
            let filled = d * width / total;
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r[{}{}] {d}/{total}",
                "=".repeat(filled),
                " ".repeat(width - filled)
            );
            if d == total {
                let _ = writeln!(err);
            }
        }
        let line = match (&r, json) {
            (Ok(v), true) => {
                let mut j = v.to_json();
                j["line"] = it.line.into();
                j["bundle"] = it.bundle.clone().into();
                j.to_string()
            }
            (Err(e), true) => serde_json::json!({"line": it.line, "bundle": it.bundle, "verified": false, "error": e}).to_string(),
            (Ok(v), false) => format!(
                "OK   {}: {}",
                it.bundle,
                v.identity().map_or_else(|| "signed by the expected key".to_owned(), |id| format!("signed by {id}"))
            ),
            (Err(e), false) => format!("FAIL {}: {e}", it.bundle),
        };
        (line, r.is_ok())
    });
    let mut failed = 0;
    let mut out = std::io::stdout().lock();
    for (line, ok) in &lines {
        if !ok {
            failed += 1;
        }
        let _ = writeln!(out, "{line}");
    }
    if failed > 0 {
        Err(Fail {
            code: 1,
            message: format!("{failed} of {total} failed verification"),
        })
    } else {
        Ok(())
    }
}
