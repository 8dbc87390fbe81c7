//! `sigverify pypi|npm|github|brew|maven|rubygems verify`: each registry's own format and policy.

use std::path::Path;

use sigverify::ecosystems::{github as gh, npm as npmx, pypi as pypix};
use sigverify::limits::Document;
use sigverify::{Artifact, HashAlg, Policy, TrustedRoot, Verifier};

use crate::{
    bad_policy, hash_file, input, now, read, report, trusted_root, usage, verifier_for, Args, Fail,
};

fn sub<'a>(raw: &'a [String], eco: &str) -> Result<&'a [String], Fail> {
    match raw.split_first() {
        Some((s, rest)) if s == "verify" => Ok(rest),
        _ => Err(usage(format!("{eco} needs a subcommand: verify"))),
    }
}

fn digest_arg(d: &str, alg: HashAlg) -> Result<Vec<u8>, Fail> {
    match Artifact::parse_digest(d).map_err(|e| input(e.to_string()))? {
        Artifact::Digest(a, v) if a == alg => Ok(v),
        _ => Err(input(format!("--digest must be {}:HEX", alg.name()))),
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_owned())
}

fn public_good_or(instance: Option<&str>) -> Result<Verifier, Fail> {
    let root = trusted_root(instance, None)?;
    verifier_for(&root, instance)
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
    let (filename, sha256) = match (a.positional.as_slice(), a.get("digest"), a.get("filename")) {
        ([file], None, None) => (file_name(file), hash_file(file, HashAlg::Sha256)?),
        ([], Some(d), Some(n)) => (n.to_owned(), digest_arg(d, HashAlg::Sha256)?),
        _ => {
            return Err(usage(
                "give DIST_FILE, or --digest sha256:HEX with --filename NAME",
            ))
        }
    };
    if matches!(a.get("instance"), Some(i) if i != "public-good" && i != "staging") {
        return Err(usage("--instance is public-good or staging for PyPI"));
    }
    let verifier = public_good_or(a.get("instance"))?;
    let publisher = a
        .get("publisher")
        .map(pypix::Publisher::parse)
        .transpose()
        .map_err(|e| bad_policy(&e))?;
    let policy = match (a.get("identity"), a.get("issuer")) {
        (Some(i), Some(s)) if publisher.is_none() => {
            Some(Policy::identity(i, s).map_err(|e| bad_policy(&e))?)
        }
        (None, None) => None,
        _ => return Err(usage("give --publisher, or --identity with --issuer")),
    };
    let expect = match (&publisher, &policy) {
        (Some(p), _) => pypix::Expect::Publisher(p),
        (None, Some(p)) => pypix::Expect::Policy(p),
        (None, None) => pypix::Expect::FromProvenance,
    };
    let attestations = a.all("attestation");
    let outcome = match (a.get("provenance"), attestations.is_empty()) {
        (Some(p), true) => {
            let prov = pypix::parse_provenance(&read(p, Document::Ecosystem)?)
                .map_err(|e| input(e.to_string()))?;
            pypix::verify_provenance(&verifier, &prov, &filename, &sha256, &expect, now())
        }
        (None, false) => {
            if matches!(expect, pypix::Expect::FromProvenance) {
                return Err(usage("a PEP 740 attestation names no publisher: give --publisher or --identity/--issuer"));
            }
            let mut out = Vec::new();
            let mut err = None;
            for f in &attestations {
                let b = pypix::parse_attestation(&read(f, Document::Ecosystem)?)
                    .map_err(|e| input(format!("{f}: {e}")))?;
                let r = match &expect {
                    pypix::Expect::Publisher(p) => {
                        pypix::verify_attestation(&verifier, &b, &filename, &sha256, p, now())
                    }
                    pypix::Expect::Policy(p) => pypix::verify_attestation_with_policy(
                        &verifier,
                        &b,
                        &filename,
                        &sha256,
                        p,
                        now(),
                    ),
                    pypix::Expect::FromProvenance => unreachable_policy(),
                };
                match r {
                    Ok(r) => out.push(r),
                    Err(e) => {
                        err = Some(e);
                        break;
                    }
                }
            }
            match err {
                Some(e) => Err(e),
                None => Ok(out),
            }
        }
        _ => {
            return Err(usage(
                "give --provenance FILE or one or more --attestation FILE",
            ))
        }
    };
    report(
        a.has("json"),
        &filename,
        outcome.map(|rs| rs.into_iter().map(|r| (String::new(), r)).collect()),
    )
}

fn unreachable_policy() -> Result<sigverify::VerificationResult, sigverify::Error> {
    Err(sigverify::Error::InvalidPolicy {
        path: "publisher".into(),
        reason: "required".into(),
    })
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
        ],
        &["json"],
    )?;
    let sha512 = match (a.positional.as_slice(), a.get("integrity"), a.get("digest")) {
        ([t], None, None) => hash_file(t, HashAlg::Sha512)?,
        ([], Some(i), None) => npmx::parse_integrity(i).map_err(|e| input(e.to_string()))?,
        ([], None, Some(d)) => digest_arg(d, HashAlg::Sha512)?,
        _ => {
            return Err(usage(
                "give TARBALL, --integrity sha512-B64 or --digest sha512:HEX",
            ))
        }
    };
    let package = a
        .get("package")
        .ok_or_else(|| usage("--package NAME@VERSION is required"))?;
    let response = read(
        a.get("attestations")
            .ok_or_else(|| usage("--attestations FILE is required"))?,
        Document::Ecosystem,
    )?;
    let keys = match a.get("keys") {
        Some(k) => npmx::RegistryKeys::from_json(&read(k, Document::NpmKeys)?),
        None => npmx::RegistryKeys::embedded(),
    }
    .map_err(|e| input(e.to_string()))?;
    let verifier = public_good_or(None)?;
    let outcome = npmx::verify(
        &verifier,
        &keys,
        &response,
        package,
        &sha512,
        a.get("repository"),
        now(),
    )
    .map(|v| {
        let mut out = Vec::new();
        if let Some(p) = v.provenance {
            out.push(("provenance".to_owned(), p));
        }
        if let Some(p) = v.publish {
            out.push(("publish (npm registry key)".to_owned(), p));
        }
        out
    });
    report(a.has("json"), package, outcome)
}

fn github_verifiers() -> Result<(Verifier, Verifier), Fail> {
    let pg = verifier_for(
        &TrustedRoot::public_good().map_err(|e| input(e.to_string()))?,
        None,
    )?;
    let gh = verifier_for(
        &TrustedRoot::github().map_err(|e| input(e.to_string()))?,
        Some("github"),
    )?;
    Ok((pg, gh))
}

/// The attestations file given with `--bundle` (one bundle, or JSON lines of bundles).
fn github_bundles(a: &Args) -> Result<Vec<sigverify::Bundle>, Fail> {
    let path = a
        .get("bundle")
        .ok_or_else(|| usage("--bundle is required"))?;
    gh::parse_bundles(&read(path, Document::Ecosystem)?).map_err(|e| input(e.to_string()))
}

pub(crate) fn github(raw: &[String]) -> Result<(), Fail> {
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
    let bundles = github_bundles(&a)?;
    let (what, artifact) = match (a.positional.as_slice(), a.get("digest")) {
        // Hashed as a stream, with the algorithm the first attestation's subjects use
        // (GitHub's are SHA-256).
        ([f], None) => {
            let alg = bundles
                .iter()
                .find_map(sigverify::Bundle::artifact_digest_algorithm)
                .unwrap_or(HashAlg::Sha256);
            (f.clone(), Artifact::Digest(alg, hash_file(f, alg)?))
        }
        ([], Some(d)) => (
            d.to_owned(),
            Artifact::parse_digest(d).map_err(|e| input(e.to_string()))?,
        ),
        _ => return Err(usage("give ARTIFACT or --digest sha256:HEX")),
    };
    let policy = gh::policy(a.get("repo"), a.get("owner"), a.get("signer-workflow"))
        .map_err(|e| usage(e.to_string()))?;
    let instance = match a.get("instance") {
        None => None,
        Some("public-good") => Some(gh::Instance::PublicGood),
        Some("github") => Some(gh::Instance::GitHub),
        Some(o) => {
            return Err(usage(format!(
                "unknown instance {o:?} (public-good, github)"
            )))
        }
    };
    let (pg, ghv) = github_verifiers()?;
    let outcome = gh::verify(&pg, &ghv, &bundles, &artifact, &policy, instance, now());
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
    let sha256 = hash_file(bottle, HashAlg::Sha256)?;
    let bundles = github_bundles(&a)?;
    let (pg, ghv) = github_verifiers()?;
    let outcome = gh::verify_homebrew_bottle(
        &pg,
        &ghv,
        &bundles,
        &file_name(bottle),
        &Artifact::Digest(HashAlg::Sha256, sha256),
        now(),
    );
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
    let issuer = a.get("issuer").unwrap_or(sigverify::GITHUB_ISSUER);
    let repository = a
        .get("repository")
        .map(sigverify::github::repository)
        .transpose()
        .map_err(|e| bad_policy(&e))?;
    if a.get("identity").is_none() && repository.is_none() {
        return Err(usage(
            "--identity ID (or --repository OWNER/REPO) is required",
        ));
    }
    let identity = a.get("identity").map(sigverify::Matcher::exact);
    let policy = Policy::certificate_requirements(
        identity,
        sigverify::Matcher::exact(issuer),
        repository.into_iter().collect(),
    )
    .map_err(|e| bad_policy(&e))?;
    let sha256 = hash_file(artifact_path, HashAlg::Sha256)?;
    let verifier = public_good_or(None)?;
    let bundle = read(&bundle_path, Document::Bundle)?;
    let outcome = verifier.verify_json(
        &bundle,
        &Artifact::Digest(HashAlg::Sha256, sha256),
        &policy,
        now(),
    );
    report(
        a.has("json"),
        artifact_path,
        outcome.map(|r| vec![(String::new(), r)]),
    )
}
