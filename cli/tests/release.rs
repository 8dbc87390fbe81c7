//! `sigverify github release verify` (issue 19): the real release attestation, its assets, and
//! the exit codes of a failed check (1) and of bad usage (2).

use std::process::{Command, Output};

const ASSET: &str = "communique-aarch64-apple-darwin.tar.gz";
const DIGEST: &str = "sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428";

fn bundle() -> String {
    sigverify_testkit::vectors::ecosystem_path(
        "github-immutable-release-jdx-communique/bundle.json",
    )
    .to_string_lossy()
    .into_owned()
}

fn run(extra: &[&str]) -> Output {
    let b = bundle();
    let mut args = vec!["github", "release", "verify", "--bundle", &b];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_sigverify"))
        .args(&args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const RELEASE: [&str; 4] = ["--repo", "jdx/communique", "--tag", "v0.1.9"];

#[test]
fn the_release_verifies_and_lists_its_assets() {
    let o = run(&RELEASE);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("Verified release jdx/communique@v0.1.9"),
        "{out}"
    );
    assert!(out.contains("https://dotcom.releases.github.com"), "{out}");
    assert!(out.contains(&format!("{ASSET}  {DIGEST}")), "{out}");
}

#[test]
fn an_asset_by_digest_and_json() {
    let mut args = RELEASE.to_vec();
    args.extend(["--digest", DIGEST, "--filename", ASSET, "--json"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["release"]["purl"], "pkg:github/jdx/communique@v0.1.9");
    assert_eq!(j["release"]["verifiedAssets"][0], ASSET);
    assert_eq!(j["release"]["assets"].as_array().map(Vec::len), Some(5));
}

#[test]
fn an_asset_file_that_is_not_in_the_release_fails() {
    let dir = std::env::temp_dir().join(format!("sigverify-cli-release-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(ASSET);
    std::fs::write(&f, b"tampered").unwrap();
    let mut args = RELEASE.to_vec();
    let path = f.to_string_lossy().into_owned();
    args.push(&path);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("[artifact-mismatch]"),
        "{}",
        text(&o.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn another_tag_or_repository_fails_with_exit_1() {
    for args in [
        ["--repo", "jdx/communique", "--tag", "v0.1.8"],
        ["--repo", "jdx/other", "--tag", "v0.1.9"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            text(&o.stderr).contains("[policy-mismatch]"),
            "{}",
            text(&o.stderr)
        );
    }
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec!["--repo", "jdx/communique"],
        vec!["--tag", "v0.1.9"],
        vec!["--repo", "", "--tag", "v0.1.9"],
        vec![
            "--repo",
            "jdx/communique",
            "--tag",
            "v0.1.9",
            "--digest",
            DIGEST,
        ],
        vec![
            "--repo",
            "jdx/communique",
            "--tag",
            "v0.1.9",
            "x",
            "--digest",
            DIGEST,
            "--filename",
            ASSET,
        ],
        vec!["--repo", "jdx", "--tag", "v0.1.9"],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o.stderr));
    }
}
