//! `sigverify trust update|show`: refresh a trusted root from TUF files the caller downloaded,
//! and summarise a trusted root.

use std::path::{Path, PathBuf};

use sigverify::limits::Document;
use sigverify::{format_time, TrustedRoot};

use crate::{input, now, read, usage, Args, Fail};

fn sub(raw: &[String]) -> Result<(&str, &[String]), Fail> {
    match raw.split_first() {
        Some((s, rest)) => Ok((s.as_str(), rest)),
        None => Err(usage("trust needs a subcommand: update or show")),
    }
}

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    match sub(raw)? {
        ("update", rest) => update(rest),
        ("show", rest) => show(rest),
        (other, _) => Err(usage(format!(
            "unknown trust subcommand {other:?} (update, show)"
        ))),
    }
}

fn update(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(
        raw,
        &[
            "metadata", "targets", "root", "state", "at", "out", "instance",
        ],
        &["json", "accept-expired-metadata-unsafe"],
    )?;
    let metadata = PathBuf::from(
        a.get("metadata")
            .ok_or_else(|| usage("--metadata DIR is required"))?,
    );
    let targets = PathBuf::from(
        a.get("targets")
            .ok_or_else(|| usage("--targets DIR is required"))?,
    );
    let out = PathBuf::from(a.get("out").ok_or_else(|| usage("--out DIR is required"))?);
    let at = match a.get("at") {
        Some(t) => sigverify::parse_time(t).map_err(|e| usage(format!("--at: {e}")))?,
        None => now(),
    };
    let root = match (a.get("root"), a.get("instance")) {
        (Some(f), None) => Some(read(f, Document::TufRoot)?),
        (Some(_), Some(_)) => return Err(usage("give --root or --instance, not both")),
        (None, _) => None,
    };
    let state = match a.get("state") {
        Some(f) if Path::new(f).exists() => Some(read(f, Document::TufState)?),
        _ => None,
    };
    // The host's TUF request, as C, Python and Node run it: metadata by its consistent-snapshot
    // name, else the plain name, roots also from root_history/; one path-safety rule; a file that
    // exists but cannot be read fails the update (never taken for an absent one).
    let job = crate::checked(
        sigverify_host::tuf::Request {
            metadata: sigverify_host::tuf::Files::Folder(metadata.clone()),
            targets: sigverify_host::tuf::Files::Folder(targets.clone()),
            root,
            instance: a.get("instance").map(str::to_owned),
            state,
            now: Some(at),
            accept_expired_metadata_unsafe: a.has("accept-expired-metadata-unsafe"),
        }
        .validate(),
    )?;
    let result = job.run();
    let up = match result {
        Ok(u) => u,
        Err(e) => {
            if a.has("json") {
                let j = serde_json::json!({"updated": false, "error": {"code": e.code(), "check": e.check(), "message": e.to_string()}});
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            }
            return Err(crate::from_failure(&e));
        }
    };
    std::fs::create_dir_all(&out)
        .map_err(|e| input(format!("cannot create {}: {e}", out.display())))?;
    let write = |name: &str, bytes: &[u8]| -> Result<PathBuf, Fail> {
        let p = out.join(name);
        std::fs::write(&p, bytes)
            .map_err(|e| input(format!("cannot write {}: {e}", p.display())))?;
        Ok(p)
    };
    let mut written = vec![write("trusted_root.json", &up.trusted_root_json)?];
    if let Some(k) = &up.npm_keys_json {
        written.push(write("npm-keys.json", k)?);
    }
    written.push(write("root.json", &up.root_json)?);
    let state_path = match a.get("state") {
        Some(f) => {
            std::fs::write(f, up.state.to_json())
                .map_err(|e| input(format!("cannot write {f}: {e}")))?;
            PathBuf::from(f)
        }
        None => write("tuf-state.json", &up.state.to_json())?,
    };
    written.push(state_path);
    if a.has("json") {
        let j = serde_json::json!({
            "updated": true,
            "rootVersion": up.state.root_version,
            "files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "expired": up.expired.iter().map(|e| serde_json::json!({"role": e.role, "version": e.version, "expires": format_time(e.expires), "ageSeconds": e.age_seconds})).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
    } else {
        println!(
            "Verified TUF metadata (root version {}) as of {}",
            up.state.root_version,
            format_time(at)
        );
        for p in &written {
            println!("  wrote {}", p.display());
        }
        if let Some(age) = up.expired_for_seconds() {
            eprintln!(
                "WARNING: accepted EXPIRED metadata (--accept-expired-metadata-unsafe): the stalest expired {age} seconds before {}",
                format_time(at)
            );
        }
    }
    Ok(())
}

fn show(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(raw, &["instance"], &["json"])?;
    let root = match (a.positional.as_slice(), a.get("instance")) {
        ([f], None) => TrustedRoot::from_json(&read(f, Document::TrustedRoot)?),
        ([], None | Some("public-good")) => TrustedRoot::public_good(),
        ([], Some("staging")) => TrustedRoot::staging(),
        ([], Some("github")) => TrustedRoot::github(),
        _ => {
            return Err(usage(
                "give a trusted_root.json FILE or --instance public-good|staging|github",
            ))
        }
    }
    .map_err(|e| input(e.to_string()))?;
    let s = root.summary();
    if a.has("json") {
        println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
        return Ok(());
    }
    for (title, key) in [
        ("Certificate authorities", "certificateAuthorities"),
        ("Transparency logs", "tlogs"),
        ("CT logs", "ctlogs"),
        ("Timestamp authorities", "timestampAuthorities"),
    ] {
        let items = s[key].as_array().cloned().unwrap_or_default();
        println!("{title} ({}):", items.len());
        for it in items {
            let name = it["uri"].as_str().or(it["baseUrl"].as_str()).unwrap_or("?");
            let detail = it["keyId"]
                .as_str()
                .map(|k| format!(" key id {}…", k.get(..16).unwrap_or(k)))
                .unwrap_or_default();
            println!(
                "  {name}{detail}  valid {} .. {}",
                it["validFrom"].as_str().unwrap_or("?"),
                it["validUntil"].as_str().unwrap_or("(open)")
            );
        }
    }
    Ok(())
}
