//! `sigverify conda verify` as conda's installer would run it: the real sample
//! (../shared/vectors/ecosystems) from the package file or its digest, as a bundle or a
//! `.v0.sigs` sidecar; near misses exit 1 naming the check, bad usage exits 2.

use std::path::PathBuf;
use std::process::{Command, Output};

const CASE: &str = "conda-signed-package-2.1.0-attestation";
const FILE: &str = "signed-package-2.1.0-hb0f4dca_0.conda";
const CHANNEL: &str = "https://prefix.dev/sigstore-example";
const REPO: &str = "prefix-dev/sigstore-example";

fn sample(file: &str) -> String {
    sigverify_testkit::vectors::ecosystem_path(&format!("{CASE}/{file}"))
        .to_string_lossy()
        .into_owned()
}

fn digest() -> String {
    std::fs::read_to_string(sample("digest"))
        .unwrap()
        .trim()
        .to_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sigverify"))
        .arg("conda")
        .args(args)
        .output()
        .expect("runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn exit(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A temporary directory holding the package under its own name and a sidecar of two copies of
/// the bundle (and, to fail, one with a changed signature).
fn workdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigverify-cli-conda-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(sample("artifact"), d.join(FILE)).unwrap();
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample("conda-attestation.sigstore.json")).unwrap())
            .unwrap();
    let sigs = serde_json::Value::Array(vec![bundle.clone(), bundle.clone()]);
    std::fs::write(d.join(format!("{FILE}.v0.sigs")), sigs.to_string()).unwrap();
    let mut bad = bundle.clone();
    let sig = bad["dsseEnvelope"]["signatures"][0]["sig"]
        .as_str()
        .unwrap()
        .to_owned();
    let swapped = if &sig[20..21] == "A" { "B" } else { "A" };
    bad["dsseEnvelope"]["signatures"][0]["sig"] =
        format!("{}{swapped}{}", &sig[..20], &sig[21..]).into();
    let mixed = serde_json::Value::Array(vec![bundle, bad]);
    std::fs::write(d.join("mixed.v0.sigs"), mixed.to_string()).unwrap();
    d
}

#[test]
fn conda_verify_the_real_sample() {
    let d = workdir("sample");
    let pkg = d.join(FILE).to_string_lossy().into_owned();
    let sigs = d
        .join(format!("{FILE}.v0.sigs"))
        .to_string_lossy()
        .into_owned();
    let bundle = sample("conda-attestation.sigstore.json");
    // What conda's installer would run after fetching PKG and PKG.v0.sigs from the channel.
    let o = run(&[
        "verify",
        &pkg,
        "--sigs",
        &sigs,
        "--repository",
        REPO,
        "--signer-workflow",
        "action.yaml",
        "--channel",
        CHANNEL,
    ]);
    assert_eq!(exit(&o), 0, "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains(FILE) && out.contains("bundle 2 of 2"), "{out}");
    // One bundle, by digest and file name, JSON output.
    let d256 = digest();
    let o = run(&[
        "verify",
        "--digest",
        &d256,
        "--filename",
        FILE,
        "--bundle",
        &bundle,
        "--repository",
        REPO,
        "--json",
    ]);
    assert_eq!(exit(&o), 0, "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["statement"]["subjects"][0]["name"], FILE, "{v}");
    // identity and issuer.
    let id = std::fs::read_to_string(sample("identity")).unwrap();
    let iss = std::fs::read_to_string(sample("issuer")).unwrap();
    let o = run(&[
        "verify",
        &pkg,
        "--bundle",
        &bundle,
        "--identity",
        id.trim(),
        "--issuer",
        iss.trim(),
    ]);
    assert_eq!(exit(&o), 0, "{}", text(&o.stderr));
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn conda_near_misses_exit_1_and_bad_usage_exits_2() {
    let d = workdir("misses");
    let pkg = d.join(FILE).to_string_lossy().into_owned();
    let mixed = d.join("mixed.v0.sigs").to_string_lossy().into_owned();
    let bundle = sample("conda-attestation.sigstore.json");
    let d256 = digest();
    let other_digest = format!("sha256:{}", "0".repeat(64));
    let fails: [(Vec<&str>, &str); 6] = [
        (
            vec![
                "--digest",
                &d256,
                "--filename",
                "signed-package-2.1.1-hb0f4dca_0.conda",
            ],
            "[artifact-mismatch]",
        ),
        (
            vec!["--digest", &other_digest, "--filename", FILE],
            "[artifact-mismatch]",
        ),
        (
            vec![&pkg, "--channel", "https://prefix.dev/conda-forge"],
            "[policy-mismatch]",
        ),
        (
            vec![&pkg, "--repository", "prefix-dev/other"],
            "[policy-mismatch]",
        ),
        (
            vec![&pkg, "--signer-workflow", "release.yml"],
            "[policy-mismatch]",
        ),
        (vec![&pkg, "--sigs", &mixed], "[signature-invalid]"),
    ];
    for (extra, want) in fails {
        let mut args = vec!["verify"];
        args.extend(&extra);
        if !extra.contains(&"--sigs") {
            args.extend(["--bundle", &bundle]);
        }
        if !extra.contains(&"--repository") {
            args.extend(["--repository", REPO]);
        }
        let o = run(&args);
        assert_eq!(exit(&o), 1, "{args:?}: {}", text(&o.stderr));
        assert!(
            text(&o.stderr).contains(want),
            "{args:?}: {}",
            text(&o.stderr)
        );
    }
    let usage: [Vec<&str>; 9] = [
        vec![],
        vec!["verify", "--bundle", &bundle, "--repository", REPO],
        vec!["verify", &pkg, "--repository", REPO],
        vec!["verify", &pkg, "--bundle", &bundle],
        vec![
            "verify",
            &pkg,
            "--bundle",
            &bundle,
            "--sigs",
            &mixed,
            "--repository",
            REPO,
        ],
        vec![
            "verify",
            &pkg,
            "--digest",
            &d256,
            "--bundle",
            &bundle,
            "--repository",
            REPO,
        ],
        vec![
            "verify",
            &pkg,
            "--bundle",
            &bundle,
            "--repository",
            REPO,
            "--identity",
            "x",
        ],
        vec![
            "verify",
            &pkg,
            "--bundle",
            &bundle,
            "--signer-workflow",
            "a.yml",
            "--identity",
            "x",
            "--issuer",
            "https://x",
        ],
        vec![
            "verify",
            &pkg,
            "--bundle",
            &bundle,
            "--repository",
            REPO,
            "--channel",
            "prefix.dev/x",
        ],
    ];
    for args in usage {
        let o = run(&args);
        assert_eq!(exit(&o), 2, "{args:?}: {}", text(&o.stderr));
    }
    std::fs::remove_dir_all(d).unwrap();
}
