//! `sigverify conda verify`: a conda package's publish attestation (CEP 27), one bundle or a
//! `.v0.sigs` sidecar, through `sigverify_host::ecosystems::conda` as C, Python and Node call it.

use std::path::PathBuf;

use sigverify_host::ecosystems::conda;
use sigverify_host::{Data, Instance};

use crate::{checked, from_failure, now, report, usage, Args, Fail};

pub(crate) fn cmd(raw: &[String]) -> Result<(), Fail> {
    let rest = match raw.split_first() {
        Some((s, rest)) if s == "verify" => rest,
        _ => return Err(usage("conda needs a subcommand: verify")),
    };
    let a = Args::parse(
        rest,
        &[
            "digest",
            "filename",
            "bundle",
            "sigs",
            "repository",
            "signer-workflow",
            "identity",
            "issuer",
            "channel",
        ],
        &["json"],
    )?;
    let package = match a.positional.as_slice() {
        [] => None,
        [p] => Some(Data::Path(PathBuf::from(p))),
        _ => {
            return Err(usage(
                "give one PKG file, or --digest sha256:HEX --filename NAME",
            ))
        }
    };
    let file = |k: &str| a.get(k).map(|p| Data::Path(PathBuf::from(p)));
    let owned = |k: &str| a.get(k).map(str::to_owned);
    let verifier = Instance::PublicGood
        .verifier()
        .map_err(|f| from_failure(&f))?;
    let sidecar = a.get("sigs").is_some();
    let job = checked(
        conda::Request {
            verifier,
            package,
            digest: owned("digest"),
            filename: owned("filename"),
            bundle: file("bundle"),
            sigs: file("sigs"),
            repository: owned("repository"),
            signer_workflow: owned("signer-workflow"),
            identity: owned("identity"),
            issuer: owned("issuer"),
            channel: owned("channel"),
        }
        .validate(),
    )?;
    let outcome = job.run(now()).map(|rs| {
        let n = rs.len();
        rs.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let label = if sidecar {
                    format!("bundle {} of {n}", i + 1)
                } else {
                    String::new()
                };
                (label, r)
            })
            .collect()
    });
    report(a.has("json"), job.filename(), outcome)
}
