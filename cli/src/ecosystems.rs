//! `sigverify pypi|npm|github|brew|maven|rubygems verify`: each registry's own format and
//! policy, through the host layer's ecosystem requests (`sigverify_host::ecosystems`), as C,
//! Python and Node call them.

use std::path::PathBuf;
use std::sync::Arc;

use sigverify::ecosystems::npm as npmx;
use sigverify::limits::Document;
use sigverify::Policy;
use sigverify_host::ecosystems::{github as gh, npm, pypi, sidecar};
use sigverify_host::{Data, Instance};

use crate::{bad_policy, checked, input, now, read, report, usage, Args, Fail};

fn sub<'a>(raw: &'a [String], eco: &str) -> Result<&'a [String], Fail> {
    match raw.split_first() {
        Some((s, rest)) if s == "verify" => Ok(rest),
        _ => Err(usage(format!("{eco} needs a subcommand: verify"))),
    }
}

fn file(path: &str) -> Data<'static> {
    Data::Path(PathBuf::from(path))
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_owned)
}

/// The verifier of an embedded instance (public-good by default).
fn verifier(instance: Option<&str>) -> Result<Arc<sigverify::Verifier>, Fail> {
    Instance::parse(instance.unwrap_or("public-good"))
        .and_then(Instance::verifier)
        .map_err(|f| crate::from_failure(&f))
}

pub(crate) fn pypi(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(
        sub(raw, "pypi")?,
        &[
            "digest",
            "filename",
            "provenance",
            "attestation",
            "publisher",
            "identity",
            "issuer",
            "instance",
        ],
        &["json"],
    )?;
    let dist = match (a.positional.as_slice(), a.get("digest"), a.get("filename")) {
        ([f], None, None) => Some(file(f)),
        ([], Some(_), Some(_)) => None,
        _ => {
            return Err(usage(
                "give DIST_FILE, or --digest sha256:HEX with --filename NAME",
            ))
        }
    };
    if matches!(a.get("instance"), Some(i) if i != "public-good" && i != "staging") {
        return Err(usage("--instance is public-good or staging for PyPI"));
    }
    let verifier = verifier(a.get("instance"))?;
    let policy = match (a.get("identity"), a.get("issuer")) {
        (Some(i), Some(s)) if a.get("publisher").is_none() => Some(Arc::new(
            Policy::identity(i, s).map_err(|e| bad_policy(&e))?,
        )),
        (None, None) => None,
        _ => return Err(usage("give --publisher, or --identity with --issuer")),
    };
    let request = |kind, document| pypi::Request {
        kind,
        verifier: Arc::clone(&verifier),
        document,
        dist: dist.clone(),
        digest: owned(a.get("digest")),
        filename: owned(a.get("filename")),
        publisher: owned(a.get("publisher")),
        policy: policy.clone(),
        publisher_from_provenance: kind == pypi::Kind::Provenance
            && a.get("publisher").is_none()
            && policy.is_none(),
    };
    let attestations = a.all("attestation");
    let jobs = match (a.get("provenance"), attestations.is_empty()) {
        (Some(p), true) => vec![checked(
            request(pypi::Kind::Provenance, file(p)).validate(),
        )?],
        (None, false) => {
            if a.get("publisher").is_none() && policy.is_none() {
                return Err(usage("a PEP 740 attestation names no publisher: give --publisher or --identity/--issuer"));
            }
            attestations
                .iter()
                .map(|f| checked(request(pypi::Kind::Attestation, file(f)).validate()))
                .collect::<Result<Vec<_>, _>>()?
        }
        _ => {
            return Err(usage(
                "give --provenance FILE or one or more --attestation FILE",
            ))
        }
    };
    let name = match (a.positional.first(), a.get("filename")) {
        (_, Some(n)) => n.to_owned(),
        (Some(f), None) => crate::file_name(f),
        (None, None) => String::new(),
    };
    let mut out = Vec::new();
    let mut outcome = Ok(());
    for job in &jobs {
        match job.run(now()) {
            Ok(rs) => out.extend(rs),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    report(
        a.has("json"),
        &name,
        outcome.map(|()| out.into_iter().map(|r| (String::new(), r)).collect()),
    )
}

pub(crate) fn npm(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(
        sub(raw, "npm")?,
        &[
            "integrity",
            "digest",
            "attestations",
            "package",
            "repository",
            "keys",
            "previous",
        ],
        &["json"],
    )?;
    let tarball = match (a.positional.as_slice(), a.get("integrity"), a.get("digest")) {
        ([t], None, None) => Some(file(t)),
        ([], Some(_), None) | ([], None, Some(_)) => None,
        _ => {
            return Err(usage(
                "give TARBALL, --integrity sha512-B64 or --digest sha512:HEX",
            ))
        }
    };
    let package = a
        .get("package")
        .ok_or_else(|| usage("--package NAME@VERSION is required"))?;
    let attestations = a
        .get("attestations")
        .ok_or_else(|| usage("--attestations FILE is required"))?;
    let keys = match a.get("keys") {
        Some(k) => Some(Arc::new(
            npmx::RegistryKeys::from_json(&read(k, Document::NpmKeys)?)
                .map_err(|e| input(e.to_string()))?,
        )),
        None => None,
    };
    let job = checked(
        npm::Request {
            verifier: verifier(None)?,
            keys,
            document: file(attestations),
            package: Some(package.to_owned()),
            tarball,
            integrity: owned(a.get("integrity")),
            digest: owned(a.get("digest")),
            repository: owned(a.get("repository")),
            previous: a.get("previous").map(file),
        }
        .validate(),
    )?;
    let result = job.run(now());
    let verdict = match &result {
        Ok(v) => job
            .continuity(v, now())
            .map_err(|f| crate::from_failure(&f))?,
        Err(_) => None,
    };
    let outcome = result.map(|v| {
        let mut out = Vec::new();
        if let Some(p) = v.provenance {
            out.push(("provenance".to_owned(), p));
        }
        if let Some(p) = v.publish {
            out.push(("publish (npm registry key)".to_owned(), p));
        }
        out
    });
    let Some(verdict) = verdict else {
        return report(a.has("json"), package, outcome);
    };
    let continuity = serde_json::json!({
        "verdict": verdict.code(),
        "failure": verdict.is_failure(),
        "detail": verdict.describe(),
    });
    if a.has("json") {
        let results = outcome.unwrap_or_default();
        let j = serde_json::json!({
            "verified": !verdict.is_failure(),
            "attestations": results.iter().map(|(l, r)| {
                let mut j = r.to_json();
                j["attestation"] = l.clone().into();
                j
            }).collect::<Vec<_>>(),
            "continuity": continuity,
        });
        println!("{}", serde_json::to_string_pretty(&j).unwrap_or_default());
    } else {
        report(false, package, outcome)?;
        println!(
            "Publisher continuity: {}: {}",
            verdict.code(),
            verdict.describe()
        );
    }
    if verdict.is_failure() {
        return Err(Fail {
            code: 1,
            message: format!("{package}: {}", verdict.describe()),
        });
    }
    Ok(())
}

pub(crate) fn github(raw: &[String]) -> Result<(), Fail> {
    if let Some((s, rest)) = raw.split_first() {
        if s == "release" {
            return crate::release::cmd(rest);
        }
    }
    let a = Args::parse(
        sub(raw, "github")?,
        &[
            "digest",
            "bundle",
            "repo",
            "owner",
            "signer-workflow",
            "instance",
        ],
        &["json"],
    )?;
    let bundle = a
        .get("bundle")
        .ok_or_else(|| usage("--bundle is required"))?;
    let (what, artifact) = match (a.positional.as_slice(), a.get("digest")) {
        ([f], None) => (f.clone(), Some(file(f))),
        ([], Some(d)) => (d.to_owned(), None),
        _ => return Err(usage("give ARTIFACT or --digest sha256:HEX")),
    };
    let job = checked(
        gh::Request {
            document: file(bundle),
            artifact,
            digest: owned(a.get("digest")),
            repository: owned(a.get("repo")),
            owner: owned(a.get("owner")),
            signer_workflow: owned(a.get("signer-workflow")),
            policy: None,
            instance: owned(a.get("instance")),
            public_good: None,
            github_instance: None,
        }
        .validate(),
    )?;
    let outcome = job.run(now());
    report(
        a.has("json"),
        &what,
        outcome.map(|r| vec![(String::new(), r)]),
    )
}

pub(crate) fn brew(raw: &[String]) -> Result<(), Fail> {
    let a = Args::parse(sub(raw, "brew")?, &["bundle"], &["json"])?;
    let [bottle] = a.positional.as_slice() else {
        return Err(usage("give the BOTTLE file"));
    };
    let bundle = a
        .get("bundle")
        .ok_or_else(|| usage("--bundle is required"))?;
    let job = checked(
        gh::HomebrewRequest {
            document: file(bundle),
            bottle: Some(file(bottle)),
            digest: None,
            name: None,
            public_good: None,
            github_instance: None,
        }
        .validate(),
    )?;
    let outcome = job.run(now());
    report(
        a.has("json"),
        bottle,
        outcome.map(|r| vec![(String::new(), r)]),
    )
}

/// Maven Central and RubyGems: a `.sigstore.json` bundle beside the artifact, verified against
/// a given identity; the issuer defaults to GitHub Actions (both registries' trusted publishing).
pub(crate) fn sidecar(raw: &[String], eco: &str) -> Result<(), Fail> {
    let a = Args::parse(
        sub(raw, eco)?,
        &["bundle", "identity", "issuer", "repository"],
        &["json"],
    )?;
    let [artifact_path] = a.positional.as_slice() else {
        return Err(usage("give the ARTIFACT file"));
    };
    let bundle_path = a
        .get("bundle")
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{artifact_path}.sigstore.json"));
    let job = checked(
        sidecar::Request {
            verifier: verifier(None)?,
            bundle: file(&bundle_path),
            artifact: Some(file(artifact_path)),
            digest: None,
            identity: owned(a.get("identity")),
            issuer: owned(a.get("issuer")),
            repository: owned(a.get("repository")),
        }
        .validate(),
    )?;
    let outcome = job.run(now());
    report(
        a.has("json"),
        artifact_path,
        outcome.map(|r| vec![(String::new(), r)]),
    )
}
