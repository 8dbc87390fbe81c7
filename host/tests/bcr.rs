//! BCR requests end to end: testkit module directories and the real rules_lint archive
//! attestation, the argument rules, and the module-directory near misses (a file missing, an
//! attestation file that does not match its integrity, a link, an oversized index).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sigverify::ecosystems::bcr::FileKind;
use sigverify::ecosystems::github as gh;
use sigverify::{Backend, TrustedRoot, Verifier};
use sigverify_host::ecosystems::bcr::{Report, Request};
use sigverify_host::{Data, Failure};
use sigverify_testkit::bcr::{ModuleOptions, Signing, ARCHIVE, PUBLISH, RELEASE, REPOSITORY, TAG};
use sigverify_testkit::Instance;

const NOW: i64 = 2_000_000_000;

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigverify-bcr-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn verifier(inst: &Instance) -> Arc<Verifier> {
    let root = TrustedRoot::from_json(inst.github_trusted_root().to_string().as_bytes()).unwrap();
    Arc::new(
        Verifier::with_options(&root, gh::github_instance_options(), Backend::default()).unwrap(),
    )
}

fn module_dir(name: &str, o: &ModuleOptions) -> PathBuf {
    let d = temp(name);
    Instance::new().bcr_module(o).write_to(&d).unwrap();
    d
}

fn run_dir(dir: &Path, tag: Option<&str>) -> Result<Report, Failure> {
    Request {
        attestations: Some(Data::Path(dir.join("attestations.json"))),
        module_dir: Some(dir.to_path_buf()),
        repository: Some(REPOSITORY.into()),
        tag: tag.map(Into::into),
        verifier: Some(verifier(&Instance::new())),
        ..Request::default()
    }
    .validate()?
    .run(NOW)
}

fn codes(r: &Report) -> Vec<(&str, Option<&str>)> {
    r.files
        .iter()
        .map(|f| (f.file.as_str(), f.outcome.as_ref().err().map(Failure::code)))
        .collect()
}

#[test]
fn module_dir_verifies_and_reports_each_file() {
    let d = module_dir("ok", &ModuleOptions::default());
    let r = run_dir(&d, Some(TAG)).unwrap().into_result().unwrap();
    let got: Vec<_> = r
        .files
        .iter()
        .map(|f| {
            (
                f.file.as_str(),
                f.kind,
                f.signer_workflow().unwrap(),
                f.bundle.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "MODULE.bazel",
                FileKind::Module,
                PUBLISH,
                "MODULE.bazel.intoto.jsonl".to_string()
            ),
            (
                "source.json",
                FileKind::Source,
                PUBLISH,
                "source.json.intoto.jsonl".to_string()
            ),
            (
                ARCHIVE,
                FileKind::Archive,
                RELEASE,
                format!("{ARCHIVE}.intoto.jsonl")
            ),
        ]
    );
}

#[test]
fn module_dir_near_misses() {
    // The archive signed by publish-to-bcr: only the archive fails, and the call's verdict is it.
    let d = module_dir(
        "wrong-workflow",
        &ModuleOptions {
            archive: Signing::by(PUBLISH),
            ..Default::default()
        },
    );
    let r = run_dir(&d, None).unwrap();
    assert_eq!(
        codes(&r),
        [
            ("MODULE.bazel", None),
            ("source.json", None),
            (ARCHIVE, Some("policy-mismatch"))
        ]
    );
    let e = r.into_result().unwrap_err();
    assert!(
        e.to_string().contains(PUBLISH) && e.to_string().contains(ARCHIVE),
        "{e}"
    );
    // A file missing from the module dir: that file is an io-error, the others verify.
    let d = module_dir("missing", &ModuleOptions::default());
    fs::remove_file(d.join(ARCHIVE)).unwrap();
    let r = run_dir(&d, None).unwrap();
    assert_eq!(codes(&r)[2], (ARCHIVE, Some("io-error")));
    assert_eq!(codes(&r)[0], ("MODULE.bazel", None));
    // An attestation file missing.
    let d = module_dir("missing-bundle", &ModuleOptions::default());
    fs::remove_file(d.join("MODULE.bazel.intoto.jsonl")).unwrap();
    assert_eq!(
        codes(&run_dir(&d, None).unwrap())[0],
        ("MODULE.bazel", Some("io-error"))
    );
    // source.json missing: nothing can be planned.
    let d = module_dir("no-source", &ModuleOptions::default());
    fs::remove_file(d.join("source.json")).unwrap();
    assert_eq!(run_dir(&d, None).unwrap_err().code(), "io-error");
    // An attestation file that does not match its integrity.
    let d = module_dir(
        "integrity",
        &ModuleOptions {
            bad_integrity: vec!["source.json".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        codes(&run_dir(&d, None).unwrap())[1],
        ("source.json", Some("artifact-mismatch"))
    );
    // Another MODULE.bazel than the attested one.
    let d = module_dir("tampered", &ModuleOptions::default());
    fs::write(d.join("MODULE.bazel"), b"module(name = \"evil\")\n").unwrap();
    assert_eq!(
        codes(&run_dir(&d, None).unwrap())[0],
        ("MODULE.bazel", Some("artifact-mismatch"))
    );
    // The tag.
    let r = run_dir(
        &module_dir("tag", &ModuleOptions::default()),
        Some("v0.0.1"),
    )
    .unwrap();
    assert!(codes(&r).iter().all(|(_, c)| *c == Some("policy-mismatch")));
    // A link in place of a file is not followed.
    #[cfg(unix)]
    {
        let d = module_dir("link", &ModuleOptions::default());
        let target = d.join("real-module");
        fs::rename(d.join("MODULE.bazel"), &target).unwrap();
        std::os::unix::fs::symlink(&target, d.join("MODULE.bazel")).unwrap();
        assert_eq!(
            codes(&run_dir(&d, None).unwrap())[0],
            ("MODULE.bazel", Some("io-error"))
        );
    }
    // An oversized attestations.json is refused from its size, not read.
    let d = module_dir("big", &ModuleOptions::default());
    let f = fs::File::create(d.join("attestations.json")).unwrap();
    f.set_len(sigverify::limits::MAX_BUNDLE_BYTES as u64 + 10)
        .unwrap();
    assert_eq!(run_dir(&d, None).unwrap_err().code(), "limit-exceeded");
}

fn eco(rel: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(&format!(
        "bcr-rules_lint-v1.3.1-release-attestation/{rel}"
    ))
}

#[test]
fn real_archive_as_a_single_file() {
    let req = |name: Option<&str>, repo: &str| Request {
        file: Some(Data::Path(eco("artifact"))),
        name: name.map(Into::into),
        bundle: Some(Data::Path(eco("rules_lint-v1.3.1.tar.gz.intoto.jsonl"))),
        repository: Some(repo.into()),
        ..Request::default()
    };
    let r = req(Some("rules_lint-v1.3.1.tar.gz"), "aspect-build/rules_lint")
        .validate()
        .unwrap()
        .run(NOW)
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(r.files[0].kind, FileKind::Archive);
    assert!(r.files[0]
        .signer_workflow()
        .unwrap()
        .contains("release_ruleset.yaml"));
    let e = req(Some("MODULE.bazel"), "aspect-build/rules_lint")
        .validate()
        .unwrap()
        .run(NOW)
        .unwrap()
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch");
    let e = req(Some("rules_lint-v1.3.1.tar.gz"), "aspect-build/other")
        .validate()
        .unwrap()
        .run(NOW)
        .unwrap()
        .into_result()
        .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch");
}

#[test]
fn arguments() {
    let b = || Some(Data::slice(b"x"));
    let repo = || Some(REPOSITORY.to_string());
    let cases: Vec<(Request<'_>, &str)> = vec![
        (
            Request {
                file: b(),
                name: Some("MODULE.bazel".into()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: Some(String::new()),
                file: b(),
                name: Some("a".into()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: Some("nope".into()),
                file: b(),
                name: Some("a".into()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-policy",
        ),
        (
            Request {
                repository: repo(),
                tag: Some(String::new()),
                file: b(),
                name: Some("a".into()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                tag: Some("v 1".into()),
                file: b(),
                name: Some("a".into()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-policy",
        ),
        (
            Request {
                repository: repo(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                attestations: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                module_dir: Some("d".into()),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                attestations: b(),
                module_dir: Some("".into()),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                file: b(),
                name: Some("a".into()),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                file: b(),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                file: b(),
                name: Some(String::new()),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                attestations: b(),
                module_dir: Some("d".into()),
                file: b(),
                bundle: b(),
                ..Request::default()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: repo(),
                attestations: b(),
                module_dir: Some("d".into()),
                name: Some("a".into()),
                ..Request::default()
            },
            "invalid-argument",
        ),
    ];
    for (i, (r, code)) in cases.into_iter().enumerate() {
        assert_eq!(r.validate().err().map(|e| e.code()), Some(code), "case {i}");
    }
    // Bytes for everything, with a name: accepted, and verified.
    let inst = Instance::new();
    let set = inst.bcr_module(&ModuleOptions::default());
    let r = Request {
        file: Some(Data::slice(set.get("MODULE.bazel"))),
        name: Some("MODULE.bazel".into()),
        bundle: Some(Data::slice(set.get("MODULE.bazel.intoto.jsonl"))),
        repository: repo(),
        verifier: Some(verifier(&inst)),
        ..Request::default()
    };
    let r = r
        .validate()
        .unwrap()
        .run(NOW)
        .unwrap()
        .into_result()
        .unwrap();
    assert_eq!(r.files[0].signer_workflow(), Some(PUBLISH));
}
