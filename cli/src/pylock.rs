//! `sigverify pylock verify|record`: a PEP 751 lock's `attestation-identities` checked against
//! the provenance of the locked files (an installer), or recorded from it (a lock tool),
//! through the host's request (`sigverify_host::ecosystems::pylock`).

use std::path::{Path, PathBuf};

use sigverify_host::ecosystems::pylock::{write_in_place, Outcome, PackageReport, Report, Request};
use sigverify_host::{Data, Instance};

use crate::{checked, from_failure, usage, Args, Fail};

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let (record, rest) = match raw.split_first() {
        Some((s, rest)) if s == "verify" => (false, rest),
        Some((s, rest)) if s == "record" => (true, rest),
        _ => return Err(usage("pylock needs a subcommand: verify or record")),
    };
    let a = Args::parse(rest, &["dist-dir", "provenance-dir", "instance"], &["json"])?;
    let [lock] = a.positional.as_slice() else {
        return Err(usage("give one pylock.toml"));
    };
    if matches!(a.get("instance"), Some(i) if i != "public-good" && i != "staging") {
        return Err(usage("--instance is public-good or staging for PyPI"));
    }
    let verifier = Instance::parse(a.get("instance").unwrap_or("public-good"))
        .and_then(Instance::verifier)
        .map_err(|f| from_failure(&f))?;
    let job = checked(
        Request {
            verifier,
            lock: Data::Path(PathBuf::from(lock)),
            dist_dir: a.get("dist-dir").map(PathBuf::from),
            provenance_dir: a.get("provenance-dir").map(PathBuf::from),
        }
        .validate(),
    )?;
    let now = sigverify_host::now();
    let report = if record {
        let (report, text) = job.record(now).map_err(|f| from_failure(&f))?;
        if let Some(text) = &text {
            write_in_place(Path::new(lock), text).map_err(|f| from_failure(&f))?;
        }
        print(&report, a.has("json"), Some(text.is_some()));
        report
    } else {
        let report = job.verify(now).map_err(|f| from_failure(&f))?;
        print(&report, a.has("json"), None);
        report
    };
    if report.is_failure() {
        let n = report.packages.iter().filter(|p| p.is_failure()).count();
        return Err(Fail {
            code: 1,
            message: format!(
                "{n} package(s) failed{}",
                if record { "; nothing recorded" } else { "" }
            ),
        });
    }
    Ok(())
}

fn package_json(p: &PackageReport) -> serde_json::Value {
    let files: Vec<_> = p
        .files
        .iter()
        .map(|f| match &f.check {
            Ok(c) => serde_json::json!({
                "file": f.file_name,
                "provenance": c.publishers.is_some(),
                "publishers": c.publishers.as_ref().map(|ps| ps.iter().map(identity_json).collect::<Vec<_>>()),
            }),
            Err(e) => serde_json::json!({
                "file": f.file_name,
                "error": {"code": e.code(), "check": e.check().as_str(), "message": e.to_string()},
            }),
        })
        .collect();
    let mut j = serde_json::json!({
        "name": p.name,
        "version": p.version,
        "verdict": p.code(),
        "failure": p.is_failure(),
        "detail": p.describe(),
        "files": files,
    });
    if let Outcome::Verdict(sigverify::ecosystems::continuity::Verdict::PublisherChanged {
        fields,
        ..
    }) = &p.outcome
    {
        j["changed_fields"] = serde_json::json!(fields);
    }
    j
}

fn identity_json(i: &sigverify::ecosystems::continuity::Identity) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("kind".into(), i.kind().into());
    for (k, v) in i.fields() {
        m.insert(k.clone(), v.clone().into());
    }
    serde_json::Value::Object(m)
}

fn print(report: &Report, json: bool, recorded: Option<bool>) {
    if json {
        let mut j = serde_json::json!({
            "verified": !report.is_failure(),
            "packages": report.packages.iter().map(package_json).collect::<Vec<_>>(),
            "unknown_keys": report.lock.unknown_keys,
        });
        if let Some(r) = recorded {
            j["recorded"] = r.into();
        }
        println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
        return;
    }
    for k in &report.lock.unknown_keys {
        eprintln!(
            "warning: unknown key {k} (lock-version {})",
            report.lock.lock_version
        );
    }
    for p in &report.packages {
        let v = p
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        println!("{}{v}: {}: {}", p.name, p.code(), p.describe());
    }
    if let Some(r) = recorded {
        println!(
            "{}",
            if r {
                "attestation-identities recorded"
            } else {
                "nothing to record"
            }
        );
    }
}
