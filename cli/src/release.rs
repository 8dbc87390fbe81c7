//! `sigverify github release verify`: a GitHub immutable release's attestation (`gh release
//! verify`) and, with assets, that each is in the release (`gh release verify-asset`), through
//! the host's request (`sigverify_host::ecosystems::github_release`). Issue 19.

use std::path::PathBuf;

use sigverify_host::ecosystems::github_release::{Asset, Request};
use sigverify_host::Data;

use crate::{checked, now, report, usage, Args, Fail};

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let rest = match raw.split_first() {
        Some((s, rest)) if s == "verify" => rest,
        _ => return Err(usage("github release needs a subcommand: verify")),
    };
    let a = Args::parse(
        rest,
        &["bundle", "repo", "tag", "digest", "filename"],
        &["json"],
    )?;
    let bundle = a
        .get("bundle")
        .ok_or_else(|| usage("--bundle is required"))?;
    let assets = a
        .positional
        .iter()
        .map(|p| Asset {
            data: Data::Path(PathBuf::from(p)),
            name: None,
        })
        .collect();
    let job = checked(
        Request {
            document: Data::Path(PathBuf::from(bundle)),
            repository: a.get("repo").map(str::to_owned),
            tag: a.get("tag").map(str::to_owned),
            assets,
            digest: a.get("digest").map(str::to_owned),
            filename: a.get("filename").map(str::to_owned),
            github_instance: None,
        }
        .validate(),
    )?;
    let json = a.has("json");
    match job.run(now()) {
        Ok(r) => {
            if json {
                let mut j = r.result.to_json();
                j["release"] = serde_json::json!({
                    "repository": r.repository,
                    "tag": r.tag,
                    "purl": r.purl,
                    "assets": r.assets.iter().map(|(n, d)| {
                        serde_json::json!({"name": n, "digest": format!("sha256:{d}")})
                    }).collect::<Vec<_>>(),
                    "verifiedAssets": r.verified_assets,
                });
                println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
            } else {
                let when = r
                    .result
                    .earliest_time()
                    .map(sigverify::format_time)
                    .unwrap_or_else(|| "an unknown time".into());
                println!(
                    "Verified release {}@{} ({}): attested by {} at {when}",
                    r.repository,
                    r.tag,
                    r.purl,
                    r.result.identity().unwrap_or("?"),
                );
                for name in &r.verified_assets {
                    println!("Verified asset {name}: in release {}", r.tag);
                }
                if r.verified_assets.is_empty() {
                    for (n, d) in &r.assets {
                        println!("  {n}  sha256:{d}");
                    }
                }
            }
            Ok(())
        }
        Err(e) => report(json, "release", Err::<Vec<_>, _>(e)),
    }
}
