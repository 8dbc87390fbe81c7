//! The `sigverify` command as a user runs it: output and exit codes (0 verified, 1 failed,
//! 2 bad usage or invalid input).

use std::path::PathBuf;
use std::process::{Command, Output};

use sigverify_testkit::vectors::conformance_dir;

const ID: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISS: &str = "https://token.actions.githubusercontent.com";

fn vec_path(case: &str, file: &str) -> String {
    let p: PathBuf = conformance_dir().join(case).join(file);
    assert!(p.exists(), "CONFORMANCE VECTORS MISSING: {}", p.display());
    p.to_string_lossy().into_owned()
}

fn a_txt() -> String {
    conformance_dir()
        .join("a.txt")
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigverify"))
        .args(args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn verify_prints_who_signed_what_and_when() {
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let art = a_txt();
    let o = run(&["verify", &bundle, &art, "--identity", ID, "--issuer", ISS]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("Verified "), "{out}");
    assert!(
        out.contains(ID) && out.contains(ISS) && out.contains("2024-03-19T17:26:26Z"),
        "{out}"
    );
}

#[test]
fn verify_json_prints_the_whole_result() {
    let bundle = vec_path("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let art = a_txt();
    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--identity",
        ID,
        "--issuer",
        ISS,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["verified"], true);
    assert_eq!(v["signer"]["identity"], ID);
    assert_eq!(v["signer"]["claims"]["runnerEnvironment"], "github-hosted");
    assert_eq!(
        v["statement"]["predicateType"],
        "https://slsa.dev/provenance/v1"
    );
    assert_eq!(v["logEntries"][0]["kind"], "dsse");
    assert_eq!(v["verifiedTimes"][0]["source"], "transparency-log");
    assert_eq!(v["signatureDigestAlgorithm"], "sha256");
}

#[test]
fn verify_streams_artifacts_of_p384_keys_that_signed_sha256() {
    // Older clients' P-384 bundles (messageDigest SHA2_256): the file is hashed with SHA-256
    // and verifies, with a certificate and with a managed key; a sha384 digest is refused.
    use sigverify_testkit::{
        BundleOptions, Ecdsa, Instance, ManagedKey, DEFAULT_IDENTITY, DEFAULT_ISSUER,
    };
    let inst = Instance::new();
    let dir = std::env::temp_dir().join(format!("sigverify-cli-p384-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().into_owned()
    };
    let artifact: &[u8] = b"an artifact signed by an older client\n";
    let art = file("artifact.bin", artifact);
    let root = file(
        "trusted_root.json",
        &serde_json::to_vec(&inst.trusted_root()).unwrap(),
    );
    let key = file(
        "key.pem",
        inst.managed_ecdsa_key_pem(Ecdsa::P384Sha256).as_bytes(),
    );
    let sha384 = format!(
        "sha384:{}",
        hex::encode(sigverify_testkit::HashKind::Sha384.digest(artifact))
    );
    for (name, managed) in [("cert", None), ("key", Some(ManagedKey::P256))] {
        let opts = BundleOptions {
            ecdsa: Ecdsa::P384Sha256,
            managed_key: managed,
            ..BundleOptions::default()
        };
        let bundle = file(
            &format!("{name}.sigstore.json"),
            &serde_json::to_vec(&inst.bundle(&opts, artifact)).unwrap(),
        );
        let signer: Vec<&str> = match managed {
            None => vec!["--identity", DEFAULT_IDENTITY, "--issuer", DEFAULT_ISSUER],
            Some(_) => vec!["--key", &key],
        };
        let mut args = vec!["verify", &bundle, &art, "--trusted-root", &root, "--json"];
        args.extend(&signer);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        assert_eq!(v["signatureDigestAlgorithm"], "sha256", "{name}");

        let mut args = vec![
            "verify",
            &bundle,
            "--digest",
            &sha384,
            "--trusted-root",
            &root,
        ];
        args.extend(&signer);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("messageDigest names sha256") && err.contains("found a sha384 digest"),
            "{name}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_by_digest() {
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let digest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    let o = run(&[
        "verify",
        &bundle,
        "--digest",
        digest,
        "--identity",
        ID,
        "--issuer",
        ISS,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(&[
        "verify",
        &bundle,
        "--digest",
        "sha256:00",
        "--identity",
        ID,
        "--issuer",
        ISS,
    ]);
    assert_eq!(o.status.code(), Some(2), "a malformed digest is bad input");
}

#[test]
fn failures_exit_1_and_name_the_check() {
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let art = a_txt();
    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--identity",
        "https://example.com/other",
        "--issuer",
        ISS,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("policy") && err.contains("https://example.com/other") && err.contains(ID),
        "{err}"
    );

    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--identity",
        ID,
        "--issuer",
        ISS,
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--identity",
        ID,
        "--issuer",
        "https://accounts.google.com",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on failure too");
    assert_eq!(v["verified"], false);
    assert_eq!(v["error"]["code"], "policy-mismatch");
    assert_eq!(v["error"]["check"], "policy");

    // The staging instance does not trust a production bundle.
    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--identity",
        ID,
        "--issuer",
        ISS,
        "--instance",
        "staging",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
}

#[test]
fn bad_usage_and_bad_input_exit_2() {
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let art = a_txt();
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["verify", &bundle, &art],
        vec!["verify", &bundle, &art, "--identity", ID],
        vec![
            "verify",
            &bundle,
            &art,
            "--identity",
            ID,
            "--issuer",
            ISS,
            "--bogus",
        ],
        vec![
            "verify",
            &bundle,
            &art,
            "--identity",
            ID,
            "--issuer",
            ISS,
            "--instance",
            "nope",
        ],
        vec![
            "verify",
            "/nonexistent/bundle.json",
            &art,
            "--identity",
            ID,
            "--issuer",
            ISS,
        ],
        vec![
            "verify",
            &bundle,
            "/nonexistent/artifact",
            "--identity",
            ID,
            "--issuer",
            ISS,
        ],
        vec!["inspect"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
        assert!(!text(&o.stderr).is_empty());
    }
    // Malformed and unknown-version bundles are invalid input.
    let bad = vec_path("bundle-malformed-json_fail", "bundle.sigstore.json");
    let o = run(&["verify", &bad, &art, "--identity", ID, "--issuer", ISS]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let bad = vec_path("bundle-unknown-version_fail", "bundle.sigstore.json");
    let o = run(&["verify", &bad, &art, "--identity", ID, "--issuer", ISS]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("version=99.9"));
}

#[test]
fn verify_bundle_speaks_the_conformance_protocol() {
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let art = a_txt();
    let ok = run(&[
        "verify-bundle",
        "--bundle",
        &bundle,
        "--certificate-identity",
        ID,
        "--certificate-oidc-issuer",
        ISS,
        &art,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let digest = "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";
    let ok = run(&[
        "verify-bundle",
        "--bundle",
        &bundle,
        "--certificate-identity",
        ID,
        "--certificate-oidc-issuer",
        ISS,
        digest,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let key_bundle = vec_path("managed-key-happy-path", "bundle.sigstore.json");
    let key = vec_path("managed-key-happy-path", "key.pub");
    let ok = run(&[
        "verify-bundle",
        "--bundle",
        &key_bundle,
        "--key",
        &key,
        &art,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let staging = vec_path("bundle-from-wrong-instance_fail", "bundle.sigstore.json");
    let o = run(&[
        "verify-bundle",
        "--bundle",
        &staging,
        "--certificate-identity",
        ID,
        "--certificate-oidc-issuer",
        ISS,
        &art,
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn inspect_decodes_without_verifying() {
    let bundle = vec_path("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let o = run(&["inspect", &bundle]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    for needle in [
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        ID,
        ISS,
        "dsse 0.0.1",
        "https://slsa.dev/provenance/v1",
        "does not verify",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    let o = run(&["inspect", &bundle, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["verified"], false);
    assert_eq!(v["tlogEntries"][0]["logIndex"], 155690850);
}

#[test]
fn policy_flags_and_documents() {
    let bundle = vec_path("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let art = a_txt();
    let repo = "sigstore-conformance/extremely-dangerous-public-oidc-beacon";
    let wf = format!("{repo}/.github/workflows/extremely-dangerous-oidc-beacon.yml");
    let ok = run(&[
        "verify",
        &bundle,
        &art,
        "--repository",
        repo,
        "--signer-workflow",
        &wf,
        "--source-ref",
        "refs/heads/main",
        "--deny-self-hosted-runners",
        "--predicate-type",
        "https://slsa.dev/provenance/v1",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let bad = run(&[
        "verify",
        &bundle,
        &art,
        "--repository",
        &format!("{repo}-fork"),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("sourceRepositoryURI"),
        "{}",
        text(&bad.stderr)
    );
    let re = run(&[
        "verify",
        &bundle,
        &art,
        "--certificate-identity-regexp",
        "https://github\\.com/sigstore-conformance/.*",
        "--certificate-oidc-issuer-regexp",
        "https://token\\.actions\\.githubusercontent\\.com",
    ]);
    assert_eq!(re.status.code(), Some(0), "{}", text(&re.stderr));
    let unanchored = run(&[
        "verify",
        &bundle,
        &art,
        "--certificate-identity-regexp",
        "sigstore-conformance",
        "--issuer",
        ISS,
    ]);
    assert_eq!(unanchored.status.code(), Some(1));
    let no_issuer = run(&[
        "verify",
        &bundle,
        &art,
        "--certificate-identity-regexp",
        ".*",
    ]);
    assert_eq!(no_issuer.status.code(), Some(2));

    let dir = std::env::temp_dir().join(format!("sigverify-cli-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, format!(r#"{{"version":1,"github":{{"repository":"{repo}"}},"statement":{{"predicateType":"https://slsa.dev/provenance/v1"}}}}"#)).unwrap();
    let badp = dir.join("bad.json");
    std::fs::write(&badp, r#"{"version":1,"github":{"repo":"x/y"}}"#).unwrap();
    let g = good.to_string_lossy().into_owned();
    let b = badp.to_string_lossy().into_owned();
    assert_eq!(run(&["policy", "check", &g]).status.code(), Some(0));
    let o = run(&["policy", "check", &b]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("$.github.repo"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["verify", &bundle, &art, "--policy", &g]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = run(&["verify", &bundle, &art, "--policy", &g, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["policy"]
        .as_array()
        .is_some_and(|a| a.iter().any(|c| c["claim"] == "sourceRepositoryURI")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 16: a policy must name who signed. Each form that pins nothing is refused (exit 2) with
/// a message naming what would pin, as flags and as documents; each pinning form verifies.
#[test]
fn a_policy_that_names_no_signer_is_refused() {
    let bundle = vec_path("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let art = a_txt();
    let repo = "sigstore-conformance/extremely-dangerous-public-oidc-beacon";
    let unpinned_flags: &[&[&str]] = &[
        &["--source-ref", "refs/heads/main"],
        &["--deny-self-hosted-runners"],
        &["--source-digest", "abc"],
        &[
            "--source-ref",
            "refs/heads/main",
            "--predicate-type",
            "https://slsa.dev/provenance/v1",
        ],
        &["--certificate-identity-regexp", ".*", "--issuer", ISS],
        &[
            "--certificate-identity-regexp",
            ".+",
            "--issuer",
            ISS,
            "--source-ref",
            "refs/heads/main",
        ],
        &["--issuer", ISS, "--deny-self-hosted-runners"],
    ];
    for flags in unpinned_flags {
        let mut args = vec!["verify", bundle.as_str(), art.as_str()];
        args.extend_from_slice(flags);
        let o = run(&args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains("does not name who signed"), "{flags:?}: {err}");
        assert!(err.contains("--repository"), "{flags:?}: {err}");
    }
    let dir = std::env::temp_dir().join(format!("sigverify-cli-pin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let unpinned_docs = [
        r#"{"version":1,"github":{"sourceRef":"refs/heads/main"}}"#.to_owned(),
        r#"{"version":1,"github":{"denySelfHostedRunners":true}}"#.to_owned(),
        format!(
            r#"{{"version":1,"issuer":"{ISS}","claims":{{"sourceRepositoryRef":"refs/heads/main"}}}}"#
        ),
        format!(r#"{{"version":1,"issuer":"{ISS}","identity":{{"glob":"**"}}}}"#),
        format!(
            r#"{{"version":1,"issuer":"{ISS}","claims":{{"sourceRepositoryURI":{{"regex":".*"}}}}}}"#
        ),
    ];
    for (i, doc) in unpinned_docs.iter().enumerate() {
        let f = dir.join(format!("unpinned-{i}.json"));
        std::fs::write(&f, doc).unwrap();
        let f = f.to_string_lossy().into_owned();
        for args in [
            vec!["policy", "check", f.as_str()],
            vec![
                "verify",
                bundle.as_str(),
                art.as_str(),
                "--policy",
                f.as_str(),
            ],
        ] {
            let o = run(&args);
            let err = text(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{doc} {args:?}: {err}");
            assert!(err.contains("does not name who signed"), "{doc}: {err}");
            assert!(err.contains("github.repository"), "{doc}: {err}");
        }
    }
    // A --policy document's identity replaced by a match-anything pattern.
    let f = dir.join("identity.json");
    std::fs::write(
        &f,
        format!(r#"{{"version":1,"identity":"{ID}","issuer":"{ISS}"}}"#),
    )
    .unwrap();
    let f = f.to_string_lossy().into_owned();
    let o = run(&[
        "verify",
        &bundle,
        &art,
        "--policy",
        &f,
        "--certificate-identity-regexp",
        ".*",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // The pinning forms still verify the real bundle.
    let wf = format!("{repo}/.github/workflows/extremely-dangerous-oidc-beacon.yml");
    let owner = "sigstore-conformance";
    let pinned_flags: Vec<Vec<&str>> = vec![
        vec!["--identity", ID, "--issuer", ISS],
        vec!["--repository", repo],
        vec!["--owner", owner, "--source-ref", "refs/heads/main"],
        vec!["--signer-workflow", &wf],
        vec![
            "--certificate-identity-regexp",
            "https://github\\.com/sigstore-conformance/.+",
            "--issuer",
            ISS,
        ],
    ];
    for flags in &pinned_flags {
        let mut args = vec!["verify", bundle.as_str(), art.as_str()];
        args.extend_from_slice(flags);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{flags:?}: {}", text(&o.stderr));
    }
    let pinned_docs = [
        format!(r#"{{"version":1,"github":{{"owner":"{owner}","sourceRef":"refs/heads/main"}}}}"#),
        format!(
            r#"{{"version":1,"issuer":"{ISS}","claims":{{"sourceRepositoryURI":"https://github.com/{repo}"}}}}"#
        ),
        format!(
            r#"{{"version":1,"issuer":"{ISS}","claims":{{"buildSignerURI":{{"glob":"https://github.com/{repo}/**"}}}}}}"#
        ),
        r#"{"version":1,"unsafeAnyIdentity":true,"github":{"sourceRef":"refs/heads/main"}}"#
            .to_owned(),
    ];
    for (i, doc) in pinned_docs.iter().enumerate() {
        let f = dir.join(format!("pinned-{i}.json"));
        std::fs::write(&f, doc).unwrap();
        let f = f.to_string_lossy().into_owned();
        let o = run(&["verify", &bundle, &art, "--policy", &f]);
        assert_eq!(o.status.code(), Some(0), "{doc}: {}", text(&o.stderr));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn eco(rel: &str) -> String {
    sigverify_testkit::vectors::ecosystem_path(rel)
        .to_string_lossy()
        .into_owned()
}

fn eco_digest(case: &str) -> String {
    std::fs::read_to_string(eco(&format!("{case}/digest")))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn ecosystem_subcommands() {
    let prov = eco(
        "pypi-attestations-0.0.19-provenance-object/pypi_attestations-0.0.19.tar.gz.provenance",
    );
    let d = eco_digest("pypi-attestations-0.0.19-provenance-object");
    let ok = run(&[
        "pypi",
        "verify",
        "--digest",
        &d,
        "--filename",
        "pypi_attestations-0.0.19.tar.gz",
        "--provenance",
        &prov,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let bad = run(&[
        "pypi",
        "verify",
        "--digest",
        &d,
        "--filename",
        "pypi_attestations-0.0.19.tar.gz",
        "--provenance",
        &prov,
        "--publisher",
        "github:trailofbits/pypi-attestations/other.yml",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let att = eco("pypi-gitlab-oidc-project-0.0.3-publish-pep740/gitlab_oidc_project-0.0.3.tar.gz.publish.attestation");
    let gd = eco_digest("pypi-gitlab-oidc-project-0.0.3-publish-pep740");
    let ok = run(&[
        "pypi",
        "verify",
        "--digest",
        &gd,
        "--filename",
        "gitlab_oidc_project-0.0.3.tar.gz",
        "--attestation",
        &att,
        "--publisher",
        "gitlab:facutuesca/gitlab-oidc-project/.gitlab-ci.yml",
        "--json",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["signer"]["issuer"], "https://gitlab.com");
    let no_publisher = run(&[
        "pypi",
        "verify",
        "--digest",
        &gd,
        "--filename",
        "gitlab_oidc_project-0.0.3.tar.gz",
        "--attestation",
        &att,
    ]);
    assert_eq!(no_publisher.status.code(), Some(2));

    let resp = eco("npm-sigstore-1.0.0-provenance/valid-sigstore-attestations.json");
    let nd = eco_digest("npm-sigstore-1.0.0-provenance");
    let ok = run(&[
        "npm",
        "verify",
        "--digest",
        &nd,
        "--attestations",
        &resp,
        "--package",
        "sigstore@1.0.0",
        "--repository",
        "sigstore/sigstore-js",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains("[provenance]") && text(&ok.stdout).contains("[publish"),
        "{}",
        text(&ok.stdout)
    );
    let bad = run(&[
        "npm",
        "verify",
        "--digest",
        &nd,
        "--attestations",
        &resp,
        "--package",
        "sigstore@1.0.0",
        "--repository",
        "evil/sigstore-js",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let bad = run(&[
        "npm",
        "verify",
        "--integrity",
        "sha512-AAAA",
        "--attestations",
        &resp,
        "--package",
        "sigstore@1.0.0",
    ]);
    assert_eq!(bad.status.code(), Some(2));

    let jsonl = eco(
        "github-attest-demo-python-wheel/github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl",
    );
    let ghd = eco_digest("github-attest-demo-python-wheel");
    let ok = run(&[
        "github",
        "verify",
        "--digest",
        &ghd,
        "--bundle",
        &jsonl,
        "--repo",
        "actions/attest-demo",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let bad = run(&[
        "github",
        "verify",
        "--digest",
        &ghd,
        "--bundle",
        &jsonl,
        "--owner",
        "someone-else",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let forced = run(&[
        "github",
        "verify",
        "--digest",
        &ghd,
        "--bundle",
        &jsonl,
        "--repo",
        "actions/attest-demo",
        "--instance",
        "public-good",
    ]);
    assert_eq!(forced.status.code(), Some(1));
    // An artifact file is hashed (as a stream, SHA-256) and compared with the subjects: a
    // file that is not the wheel is refused at the artifact check, naming the digest it has.
    let other = std::env::temp_dir().join(format!("sigverify-cli-gh-{}.whl", std::process::id()));
    std::fs::write(&other, b"not the wheel").unwrap();
    let o = run(&[
        "github",
        "verify",
        &other.to_string_lossy(),
        "--bundle",
        &jsonl,
        "--repo",
        "actions/attest-demo",
    ]);
    let _ = std::fs::remove_file(&other);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let not_wheel: String = sigverify::Backend::default()
        .hash(sigverify::HashAlg::Sha256, b"not the wheel")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let err = text(&o.stderr);
    assert!(
        err.contains("[artifact-mismatch]") && err.contains(&format!("found sha256:{not_wheel}")),
        "{err}"
    );
    // `verify --instance github` on the bare bundle.
    let b = eco("github-attest-demo-python-wheel/bundle.json");
    let id = std::fs::read_to_string(eco("github-attest-demo-python-wheel/identity")).unwrap();
    let ok = run(&[
        "verify",
        &b,
        "--digest",
        &ghd,
        "--identity",
        id.trim(),
        "--issuer",
        ISS,
        "--instance",
        "github",
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
}

#[test]
fn verify_batch_keeps_order_and_exit_codes() {
    let dir = std::env::temp_dir().join(format!("sigverify-cli-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let dsse = vec_path("happy-path-intoto-in-dsse-v3", "bundle.sigstore.json");
    let bad = vec_path("signature-mismatch_fail", "bundle.sigstore.json");
    let art = a_txt();
    let line = |b: &str| {
        serde_json::json!({"bundle": b, "artifact": art, "identity": ID, "issuer": ISS}).to_string()
    };
    let manifest = dir.join("all-good.jsonl");
    let lines: Vec<String> = (0..20)
        .map(|i| line(if i % 2 == 0 { &good } else { &dsse }))
        .collect();
    std::fs::write(&manifest, lines.join("\n")).unwrap();
    let m = manifest.to_string_lossy().into_owned();
    let o = run(&["verify-batch", &m, "--jobs", "2", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let outs: Vec<serde_json::Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(outs.len(), 20);
    for (i, v) in outs.iter().enumerate() {
        assert_eq!(v["line"], i + 1);
        assert_eq!(v["verified"], true);
        assert_eq!(v["bundleVersion"], "0.3");
        assert_eq!(
            v["logEntries"][0]["kind"],
            if i % 2 == 0 { "hashedrekord" } else { "dsse" }
        );
    }
    // One failure: exit 1, the others still verify, order kept.
    let mixed = dir.join("mixed.jsonl");
    std::fs::write(&mixed, [line(&good), line(&bad), line(&good)].join("\n")).unwrap();
    let o = run(&["verify-batch", &mixed.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("OK") && lines[1].starts_with("FAIL") && lines[2].starts_with("OK"),
        "{out}"
    );
    // A bad manifest: exit 2, nothing verified.
    let broken = dir.join("broken.jsonl");
    std::fs::write(&broken, format!("{}\n{{\"bundle\": 5}}\n", line(&good))).unwrap();
    let o = run(&["verify-batch", &broken.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).is_empty());
    assert!(text(&o.stderr).contains("line 2"), "{}", text(&o.stderr));
    // Lines are parsed on the workers: still the first bad line in input order is reported.
    let lines: Vec<String> = (0..40)
        .map(|i| match i {
            25 => "{\"bundle\": 5}".to_owned(),
            31 => "not json".to_owned(),
            _ => line(&good),
        })
        .collect();
    std::fs::write(&broken, lines.join("\n")).unwrap();
    let o = run(&["verify-batch", &broken.to_string_lossy(), "--jobs", "2"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("line 26") && !err.contains("line 32"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trust_update_and_show() {
    let tuf = conformance_dir().join("../tuf/public-good");
    assert!(tuf.exists(), "TUF VECTORS MISSING: {}", tuf.display());
    let meta = tuf.join("metadata").to_string_lossy().into_owned();
    let targets = tuf.join("targets").to_string_lossy().into_owned();
    let out = std::env::temp_dir().join(format!("sigverify-cli-tuf-{}", std::process::id()));
    let o = out.to_string_lossy().into_owned();
    let ok = run(&[
        "trust",
        "update",
        "--metadata",
        &meta,
        "--targets",
        &targets,
        "--at",
        "2026-08-01T00:00:00Z",
        "--out",
        &o,
    ]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    let root = out.join("trusted_root.json").to_string_lossy().into_owned();
    assert!(out.join("npm-keys.json").exists() && out.join("tuf-state.json").exists());
    // The refreshed root verifies a real bundle.
    let bundle = vec_path("happy-path-v0.3", "bundle.sigstore.json");
    let v = run(&[
        "verify",
        &bundle,
        &a_txt(),
        "--identity",
        ID,
        "--issuer",
        ISS,
        "--trusted-root",
        &root,
    ]);
    assert_eq!(v.status.code(), Some(0), "{}", text(&v.stderr));
    let show = run(&["trust", "show", &root]);
    assert_eq!(show.status.code(), Some(0));
    assert!(
        text(&show.stdout).contains("https://rekor.sigstore.dev"),
        "{}",
        text(&show.stdout)
    );
    // Rollback: the state now says timestamp 762; an older state is fine, a newer one refuses.
    let state = out.join("state.json");
    std::fs::write(&state, r#"{"format":1,"root_version":15,"snapshot_version":165,"targets_versions":{},"timestamp_version":9999}"#).unwrap();
    let rb = run(&[
        "trust",
        "update",
        "--metadata",
        &meta,
        "--targets",
        &targets,
        "--at",
        "2026-08-01T00:00:00Z",
        "--out",
        &o,
        "--state",
        &state.to_string_lossy(),
    ]);
    assert_eq!(rb.status.code(), Some(1), "{}", text(&rb.stderr));
    // After the timestamp expired: refused, unless the unsafe option is given.
    let late = run(&[
        "trust",
        "update",
        "--metadata",
        &meta,
        "--targets",
        &targets,
        "--at",
        "2026-09-01T00:00:00Z",
        "--out",
        &o,
    ]);
    assert_eq!(late.status.code(), Some(1));
    assert!(
        text(&late.stderr).contains("expired"),
        "{}",
        text(&late.stderr)
    );
    let unsafe_ok = run(&[
        "trust",
        "update",
        "--metadata",
        &meta,
        "--targets",
        &targets,
        "--at",
        "2026-09-01T00:00:00Z",
        "--out",
        &o,
        "--accept-expired-metadata-unsafe",
    ]);
    assert_eq!(
        unsafe_ok.status.code(),
        Some(0),
        "{}",
        text(&unsafe_ok.stderr)
    );
    assert!(text(&unsafe_ok.stderr).contains("EXPIRED"));
    let _ = std::fs::remove_dir_all(&out);
}

fn model_sample(name: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(name)
}

/// A copy of a shared model sample in a temporary folder, to tamper with.
fn model_copy(name: &str, tag: &str) -> PathBuf {
    let from = model_sample(name);
    let to = std::env::temp_dir().join(format!("sigverify-cli-model-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(to.join("model")).unwrap();
    for e in std::fs::read_dir(from.join("model")).unwrap() {
        let e = e.unwrap();
        let dest = to.join("model").join(e.file_name());
        std::fs::copy(e.path(), &dest).unwrap();
        writable(&dest);
    }
    for f in ["model.sig", "public_key.pem", "identity", "issuer"] {
        if from.join(f).exists() {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
            writable(&to.join(f));
        }
    }
    to
}

/// The shared samples are read-only; their copies must not be.
fn writable(p: &std::path::Path) {
    let mut perm = std::fs::metadata(p).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(p, perm).unwrap();
}

#[test]
fn model_verify_keyless_and_key_samples() {
    let d = model_sample("model-signing-v1.0.1-sigstore");
    let (model, sig) = (d.join("model"), d.join("model/model.sig"));
    let id = std::fs::read_to_string(d.join("identity")).unwrap();
    let iss = std::fs::read_to_string(d.join("issuer")).unwrap();
    let ignore = d.join("model/ignore-me");
    let args = |extra: &[&str]| {
        let mut v = vec![
            "model".to_owned(),
            "verify".to_owned(),
            model.to_string_lossy().into_owned(),
            "--signature".to_owned(),
            sig.to_string_lossy().into_owned(),
        ];
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let ok = args(&[
        "--identity",
        id.trim(),
        "--issuer",
        iss.trim(),
        "--ignore-paths",
        &ignore.to_string_lossy(),
    ]);
    let o = run(&ok.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(id.trim()), "{}", text(&o.stdout));
    // Without the ignore path the unsigned file is named; a wrong identity is a policy mismatch.
    let no_ignore = args(&["--identity", id.trim(), "--issuer", iss.trim(), "--json"]);
    let o = run(&no_ignore.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["error"]["code"], "artifact-mismatch");
    assert!(
        j["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ignore-me"),
        "{j}"
    );
    let wrong = args(&[
        "--identity",
        "someone@example.com",
        "--issuer",
        iss.trim(),
        "--ignore-paths",
        &ignore.to_string_lossy(),
    ]);
    let o = run(&wrong.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("policy-mismatch"),
        "{}",
        text(&o.stderr)
    );

    let k = model_sample("model-signing-v1.1.0-elliptic-key");
    let (model, sig, key) = (
        k.join("model"),
        k.join("model.sig"),
        k.join("public_key.pem"),
    );
    let o = run(&[
        "model",
        "verify",
        &model.to_string_lossy(),
        "--signature",
        &sig.to_string_lossy(),
        "--key",
        &key.to_string_lossy(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["signer"]["method"], "key");
    assert_eq!(j["model"]["method"], "files");
    assert_eq!(
        j["model"]["manifestDigest"],
        std::fs::read_to_string(k.join("digest")).unwrap().trim()
    );
}

#[test]
fn model_verify_tampered_copies_fail_naming_the_file() {
    let t = model_copy("model-signing-v1.1.0-elliptic-key", "tamper");
    let (model, sig, key) = (
        t.join("model"),
        t.join("model.sig"),
        t.join("public_key.pem"),
    );
    let verify = || {
        run(&[
            "model",
            "verify",
            &model.to_string_lossy(),
            "--signature",
            &sig.to_string_lossy(),
            "--key",
            &key.to_string_lossy(),
            "--json",
        ])
    };
    assert_eq!(verify().status.code(), Some(0));
    let files: Vec<PathBuf> = std::fs::read_dir(&model)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let victim = files
        .iter()
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("signme")
        })
        .unwrap()
        .clone();
    let name = victim.file_name().unwrap().to_string_lossy().into_owned();
    let original = std::fs::read(&victim).unwrap();
    let mut changed = original.clone();
    changed[0] ^= 1;
    std::fs::write(&victim, &changed).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["error"]["code"], "artifact-mismatch", "{j}");
    assert!(
        j["error"]["message"].as_str().unwrap().contains(&name),
        "{j}"
    );
    std::fs::write(&victim, &original).unwrap();
    std::fs::write(model.join("extra.bin"), b"x").unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("extra.bin"), "{}", text(&o.stdout));
    std::fs::remove_file(model.join("extra.bin")).unwrap();
    std::fs::remove_file(&victim).unwrap();
    let o = verify();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains(&name), "{}", text(&o.stdout));
    // No method, two methods: usage.
    let o = run(&["model", "verify", &model.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&[
        "model",
        "verify",
        &model.to_string_lossy(),
        "--key",
        &key.to_string_lossy(),
        "--identity",
        "a",
        "--issuer",
        "b",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&t);
}
