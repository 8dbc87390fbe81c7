//! `sigverify bcr verify`: a Bazel Central Registry module version (its `attestations.json`
//! and module directory) or one of its files with its `.intoto.jsonl`, through the host's
//! request (`sigverify_host::ecosystems::bcr::Request`), as C, Python and Node call it.

use std::path::PathBuf;

use serde_json::json;
use sigverify_host::ecosystems::bcr::{FileReport, Request};
use sigverify_host::Data;

use crate::{checked, from_failure, now, trusted_root, usage, verifier_for, Args, Fail};

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let raw = match raw.split_first() {
        Some((s, rest)) if s == "verify" => rest,
        _ => return Err(usage("bcr needs a subcommand: verify")),
    };
    let a = Args::parse(
        raw,
        &[
            "attestations",
            "module-dir",
            "bundle",
            "name",
            "repository",
            "tag",
            "trusted-root",
            "instance",
        ],
        &["json"],
    )?;
    let file = match a.positional.as_slice() {
        [] => None,
        [f] => Some(Data::Path(PathBuf::from(f))),
        _ => {
            return Err(usage(
                "give one FILE (with --bundle), or --attestations with --module-dir",
            ))
        }
    };
    let verifier = if a.get("instance").is_some() || a.get("trusted-root").is_some() {
        let root = trusted_root(a.get("instance"), a.get("trusted-root"))?;
        Some(verifier_for(&root, a.get("instance"))?)
    } else {
        None
    };
    let job = checked(
        Request {
            attestations: a.get("attestations").map(|p| Data::Path(PathBuf::from(p))),
            module_dir: a.get("module-dir").map(PathBuf::from),
            file,
            name: a.get("name").map(str::to_owned),
            bundle: a.get("bundle").map(|p| Data::Path(PathBuf::from(p))),
            repository: a.get("repository").map(str::to_owned),
            tag: a.get("tag").map(str::to_owned),
            verifier,
        }
        .validate(),
    )?;
    let json = a.has("json");
    let report = match job.run(now()) {
        Ok(r) => r,
        Err(f) => {
            if json {
                let j = json!({
                    "verified": false,
                    "files": [],
                    "error": {"code": f.code(), "check": f.check(), "message": f.to_string()},
                });
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            }
            return Err(from_failure(&f));
        }
    };
    if json {
        let files: Vec<_> = report.files.iter().map(file_json).collect();
        let j = json!({"verified": report.first_failure().is_none(), "files": files});
        println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
    } else {
        for f in &report.files {
            match &f.outcome {
                Ok(v) => println!(
                    "OK   {} ({}): signed by {}",
                    f.file,
                    f.kind.as_str(),
                    v.signer_workflow
                ),
                Err(e) => println!("FAIL {} ({}): [{}] {e}", f.file, f.kind.as_str(), e.code()),
            }
        }
    }
    match report.into_result() {
        Ok(r) => {
            if !json {
                println!("Verified {} file(s) of the module", r.files.len());
            }
            Ok(())
        }
        Err(f) => Err(from_failure(&f)),
    }
}

fn file_json(f: &FileReport) -> serde_json::Value {
    match &f.outcome {
        Ok(v) => json!({
            "file": f.file,
            "kind": f.kind.as_str(),
            "bundle": f.bundle,
            "verified": true,
            "signer_workflow": v.signer_workflow,
            "result": v.result.to_json(),
        }),
        Err(e) => json!({
            "file": f.file,
            "kind": f.kind.as_str(),
            "bundle": f.bundle,
            "verified": false,
            "signer_workflow": null,
            "error": {"code": e.code(), "check": e.check(), "message": e.to_string()},
        }),
    }
}
