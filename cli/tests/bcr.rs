//! `sigverify bcr verify` as Bazel's registry tooling would run it: the real rules_lint v1.3.1
//! archive attestation, alone and in a module directory where every file is reported.

use std::fs;
use std::process::{Command, Output};

use sigverify_testkit::util::{b64, sha256};

const ARCHIVE: &str = "rules_lint-v1.3.1.tar.gz";
const REPO: &str = "aspect-build/rules_lint";

fn sample(file: &str) -> String {
    sigverify_testkit::vectors::ecosystem_path(&format!(
        "bcr-rules_lint-v1.3.1-release-attestation/{file}"
    ))
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

fn single(name: &str, extra: &[&str]) -> Output {
    let art = sample("artifact");
    let jsonl = sample("rules_lint-v1.3.1.tar.gz.intoto.jsonl");
    let mut args = vec!["bcr", "verify", &art, "--bundle", &jsonl, "--name", name];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn one_file_with_its_attestation() {
    let o = single(ARCHIVE, &["--repository", REPO]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("OK   rules_lint-v1.3.1.tar.gz (archive): signed by https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0"),
        "{out}"
    );
    // Near misses: exit 1 with the reason.
    for (name, extra, needle) in [
        (
            "MODULE.bazel",
            &["--repository", REPO][..],
            "release_ruleset.yaml",
        ),
        (
            ARCHIVE,
            &["--repository", "aspect-build/rules_js"],
            "rules_lint",
        ),
        (
            ARCHIVE,
            &["--repository", REPO, "--tag", "v1.3.1"],
            "refs/heads/publish-to-bcr",
        ),
    ] {
        let o = single(name, extra);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{name} {extra:?}: {}",
            text(&o.stderr)
        );
        assert!(
            text(&o.stderr).contains("[policy-mismatch]"),
            "{}",
            text(&o.stderr)
        );
        assert!(text(&o.stdout).contains(needle), "{}", text(&o.stdout));
    }
    // --json.
    let o = single(ARCHIVE, &["--repository", REPO, "--json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["verified"], true);
    assert_eq!(j["files"][0]["kind"], "archive");
}

#[test]
fn bad_usage_exits_2() {
    let art = sample("artifact");
    for args in [
        vec!["bcr", "verify", "--repository", REPO],
        vec!["bcr", "verify", &art, "--repository", REPO],
        vec![
            "bcr",
            "verify",
            "--attestations",
            "a.json",
            "--repository",
            REPO,
        ],
        vec![
            "bcr",
            "verify",
            "--attestations",
            "a.json",
            "--module-dir",
            "d",
            &art,
            "--bundle",
            "b",
            "--repository",
            REPO,
        ],
        vec!["bcr", "verify", &art, "--bundle", "b"],
        vec![
            "bcr",
            "verify",
            &art,
            "--bundle",
            "b",
            "--repository",
            "nope",
        ],
        vec!["bcr", "frobnicate"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
    }
}

#[test]
fn module_dir_reports_every_file() {
    let d = std::env::temp_dir().join(format!("sigverify-cli-bcr-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    let archive = fs::read(sample("artifact")).unwrap();
    let jsonl = fs::read(sample("rules_lint-v1.3.1.tar.gz.intoto.jsonl")).unwrap();
    fs::write(d.join(ARCHIVE), &archive).unwrap();
    // MODULE.bazel and source.json "attested" by the archive's attestation: MODULE.bazel has the
    // archive's bytes (the digest matches, the release workflow must be refused for it);
    // source.json is itself (its digest does not match).
    fs::write(d.join("MODULE.bazel"), &archive).unwrap();
    let source = format!(
        "{{\"url\": \"https://github.com/{REPO}/releases/download/v1.3.1/{ARCHIVE}\", \"integrity\": \"sha256-{}\"}}",
        b64(sha256(&archive))
    );
    fs::write(d.join("source.json"), source).unwrap();
    let mut atts = serde_json::Map::new();
    for f in ["MODULE.bazel", "source.json", ARCHIVE] {
        let name = format!("{f}.intoto.jsonl");
        fs::write(d.join(&name), &jsonl).unwrap();
        atts.insert(
            f.into(),
            serde_json::json!({
                "url": format!("https://github.com/{REPO}/releases/download/v1.3.1/{name}"),
                "integrity": format!("sha256-{}", b64(sha256(&jsonl))),
            }),
        );
    }
    let index = serde_json::json!({
        "mediaType": "application/vnd.build.bazel.registry.attestation+json;version=1.0.0",
        "attestations": atts,
    });
    fs::write(d.join("attestations.json"), index.to_string()).unwrap();
    let dir = d.to_string_lossy().into_owned();
    let idx = d.join("attestations.json").to_string_lossy().into_owned();
    let o = run(&[
        "bcr",
        "verify",
        "--attestations",
        &idx,
        "--module-dir",
        &dir,
        "--repository",
        REPO,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("FAIL MODULE.bazel (module): [policy-mismatch]")
            && lines[0].contains("release_ruleset.yaml"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("FAIL source.json (source): [artifact-mismatch]"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("OK   rules_lint-v1.3.1.tar.gz (archive)"),
        "{out}"
    );
    // The archive missing from the module dir: exit 2 (unreadable input), still every file
    // reported.
    fs::remove_file(d.join(ARCHIVE)).unwrap();
    let o = run(&[
        "bcr",
        "verify",
        "--attestations",
        &idx,
        "--module-dir",
        &dir,
        "--repository",
        REPO,
        "--json",
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["files"].as_array().unwrap().len(), 3);
    assert_eq!(j["files"][2]["error"]["code"], "io-error");
    assert_eq!(
        o.status.code(),
        Some(1),
        "first failure (MODULE.bazel) decides: {}",
        text(&o.stderr)
    );
    let _ = fs::remove_dir_all(&d);
}
