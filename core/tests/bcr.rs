//! The Bazel Central Registry adapter: the real rules_lint v1.3.1 archive attestation
//! (../shared/vectors/ecosystems/bcr-rules_lint-v1.3.1-release-attestation) and testkit module
//! versions, each near miss failing exactly one check: another file, digest, repository, tag,
//! workflow (per kind), predicate type, integrity, a missing entry, an unsafe name.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use sigverify::ecosystems::bcr::{self, Attestations, FileKind, Integrity, ModulePolicy};
use sigverify::ecosystems::github as gh;
use sigverify::{Artifact, Backend, Check, Error, TrustedRoot, Verifier, VerifierOptions};
use sigverify_testkit::bcr::{
    ModuleOptions, Signing, ARCHIVE, PUBLISH, RELEASE, REPOSITORY, TAG, THIRD,
};
use sigverify_testkit::Instance;

const NOW: i64 = 2_000_000_000;
const CASE: &str = "bcr-rules_lint-v1.3.1-release-attestation";
const REAL_FILE: &str = "rules_lint-v1.3.1.tar.gz";

fn eco(rel: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(&format!("{CASE}/{rel}"))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(eco(rel)).unwrap()
}

fn public_good() -> Verifier {
    Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap()
}

fn real(
    repo: &str,
    tag: Option<&str>,
    file: &str,
    artifact: &[u8],
) -> Result<bcr::FileVerification, Error> {
    let bundles = gh::parse_bundles(&read("rules_lint-v1.3.1.tar.gz.intoto.jsonl")).unwrap();
    let policy = ModulePolicy::new(repo, tag).unwrap();
    bcr::verify_file(
        &public_good(),
        file,
        &bundles,
        &Artifact::Bytes(artifact),
        &policy,
        NOW,
    )
}

#[test]
fn real_archive_attestation() {
    let art = read("artifact");
    let v = real("aspect-build/rules_lint", None, REAL_FILE, &art).unwrap();
    assert_eq!(v.kind, FileKind::Archive);
    assert_eq!(
        v.signer_workflow,
        String::from_utf8(read("identity")).unwrap().trim()
    );
    assert_eq!(v.result.issuer(), Some(sigverify::GITHUB_ISSUER));
}

#[test]
fn real_near_misses() {
    let art = read("artifact");
    // Another repository: the caller's repo is the Source Repository URI, not the SAN's.
    let e = real("bazel-contrib/.github", None, REAL_FILE, &art).unwrap_err();
    assert_eq!(
        (e.code(), e.check()),
        ("policy-mismatch", Check::Policy),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("https://github.com/aspect-build/rules_lint"),
        "{e}"
    );
    // Another digest.
    let mut other = art.clone();
    other[100] ^= 1;
    let e = real("aspect-build/rules_lint", None, REAL_FILE, &other).unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    // The tag: this attestation was made from the branch publish-to-bcr, not a tag.
    let e = real("aspect-build/rules_lint", Some("v1.3.1"), REAL_FILE, &art).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    assert!(e.to_string().contains("refs/heads/publish-to-bcr"), "{e}");
    // Another file: the same bytes presented as MODULE.bazel need publish-to-bcr's signature,
    // and the message names the release workflow found.
    let e = real("aspect-build/rules_lint", None, "MODULE.bazel", &art).unwrap_err();
    assert_eq!(
        (e.code(), e.check()),
        ("policy-mismatch", Check::Policy),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("release_ruleset.yaml@refs/tags/v7.1.0"),
        "{e}"
    );
    assert!(e.to_string().contains("MODULE.bazel"), "{e}");
    let e = real("aspect-build/rules_lint", None, "source.json", &art).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
}

fn testkit_verifier(inst: &Instance) -> Verifier {
    let root = TrustedRoot::from_json(inst.github_trusted_root().to_string().as_bytes()).unwrap();
    Verifier::with_options(&root, gh::github_instance_options(), Backend::default()).unwrap()
}

/// Verifies every planned file of a testkit module set; per file, the outcome.
fn module(
    o: &ModuleOptions,
    repo: &str,
    tag: Option<&str>,
) -> Vec<(String, Result<bcr::FileVerification, Error>)> {
    let inst = Instance::new();
    let set = inst.bcr_module(o);
    let v = testkit_verifier(&inst);
    let atts = Attestations::parse(set.get("attestations.json")).unwrap();
    let archive = bcr::archive_name(set.get("source.json")).unwrap();
    assert_eq!(archive, ARCHIVE);
    let policy = ModulePolicy::new(repo, tag).unwrap();
    atts.plan(&archive)
        .unwrap()
        .into_iter()
        .map(|e| {
            let jsonl = set.get(&e.bundle_name);
            let r = e
                .integrity
                .check(&e.bundle_name, jsonl, Backend::default())
                .and_then(|()| {
                    let bundles = gh::parse_bundles(jsonl)?;
                    bcr::verify_file(
                        &v,
                        &e.file,
                        &bundles,
                        &Artifact::Bytes(set.get(&e.file)),
                        &policy,
                        NOW,
                    )
                });
            (e.file.clone(), r)
        })
        .collect()
}

fn failures(rs: &[(String, Result<bcr::FileVerification, Error>)]) -> Vec<(String, &'static str)> {
    rs.iter()
        .filter_map(|(f, r)| r.as_ref().err().map(|e| (f.clone(), e.code())))
        .collect()
}

#[test]
fn testkit_module_verifies() {
    for tag in [None, Some(TAG)] {
        let rs = module(&ModuleOptions::default(), REPOSITORY, tag);
        assert_eq!(rs.len(), 3);
        for (f, r) in &rs {
            let v = r.as_ref().unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(v.kind, FileKind::of(f));
        }
        assert_eq!(rs[0].1.as_ref().unwrap().signer_workflow, PUBLISH);
        assert_eq!(rs[2].1.as_ref().unwrap().signer_workflow, RELEASE);
        assert_eq!(rs[2].1.as_ref().unwrap().kind, FileKind::Archive);
    }
    // The archive from the repository's own release workflow.
    let own =
        format!("https://github.com/{REPOSITORY}/.github/workflows/release.yml@refs/tags/{TAG}");
    let o = ModuleOptions {
        archive: Signing::by(&own),
        ..ModuleOptions::default()
    };
    assert!(failures(&module(&o, REPOSITORY, Some(TAG))).is_empty());
}

#[test]
fn testkit_near_misses() {
    let d = ModuleOptions::default;
    // Repository and tag: every file fails the policy.
    let rs = module(&d(), "sigverify/other", None);
    assert_eq!(failures(&rs).len(), 3);
    assert!(failures(&rs).iter().all(|(_, c)| *c == "policy-mismatch"));
    let rs = module(&d(), REPOSITORY, Some("v9.9.9"));
    assert!(failures(&rs).iter().all(|(_, c)| *c == "policy-mismatch"));
    assert!(rs[0]
        .1
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("refs/tags/v9.9.9"));
    // Per-kind workflows: only the file signed by the wrong workflow fails, naming it.
    let cases = [
        (
            ModuleOptions {
                archive: Signing::by(PUBLISH),
                ..d()
            },
            ARCHIVE,
            PUBLISH,
        ),
        (
            ModuleOptions {
                module: Signing::by(RELEASE),
                ..d()
            },
            "MODULE.bazel",
            RELEASE,
        ),
        (
            ModuleOptions {
                source: Signing::by(RELEASE),
                ..d()
            },
            "source.json",
            RELEASE,
        ),
        (
            ModuleOptions {
                module: Signing::by(THIRD),
                ..d()
            },
            "MODULE.bazel",
            THIRD,
        ),
        (
            ModuleOptions {
                archive: Signing::by(THIRD),
                ..d()
            },
            ARCHIVE,
            THIRD,
        ),
    ];
    for (o, file, found) in cases {
        let rs = module(&o, REPOSITORY, Some(TAG));
        assert_eq!(
            failures(&rs),
            vec![(file.to_owned(), "policy-mismatch")],
            "{file}"
        );
        let e = rs
            .iter()
            .find(|(f, _)| f == file)
            .unwrap()
            .1
            .as_ref()
            .unwrap_err();
        assert_eq!(e.check(), Check::Policy);
        assert!(
            e.to_string().contains(found) && e.to_string().contains(file),
            "{e}"
        );
    }
    // A reusable workflow at a branch is not a trusted builder.
    let branch = PUBLISH.replace("refs/tags/v1.0.0", "refs/heads/main");
    let rs = module(
        &ModuleOptions {
            module: Signing::by(&branch),
            ..d()
        },
        REPOSITORY,
        None,
    );
    assert_eq!(
        failures(&rs),
        vec![("MODULE.bazel".to_owned(), "policy-mismatch")]
    );
    // The signed digest is another file's.
    let rs = module(
        &ModuleOptions {
            source: Signing {
                other_bytes: Some(b"other".to_vec()),
                ..Signing::by(PUBLISH)
            },
            ..d()
        },
        REPOSITORY,
        None,
    );
    assert_eq!(
        failures(&rs),
        vec![("source.json".to_owned(), "artifact-mismatch")]
    );
    // Not SLSA provenance.
    let rs = module(
        &ModuleOptions {
            archive: Signing {
                predicate_type: "https://example.com/other/v1".into(),
                ..Signing::by(RELEASE)
            },
            ..d()
        },
        REPOSITORY,
        None,
    );
    assert_eq!(failures(&rs), vec![(ARCHIVE.to_owned(), "statement")]);
    // The integrity of the archive's attestation file.
    let rs = module(
        &ModuleOptions {
            bad_integrity: vec![ARCHIVE.into()],
            ..d()
        },
        REPOSITORY,
        None,
    );
    assert_eq!(
        failures(&rs),
        vec![(ARCHIVE.to_owned(), "artifact-mismatch")]
    );
    assert!(rs[2]
        .1
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("integrity"));
}

fn index(atts: serde_json::Value) -> Vec<u8> {
    serde_json::json!({"mediaType": bcr::MEDIA_TYPE, "attestations": atts})
        .to_string()
        .into_bytes()
}

#[test]
fn attestations_json_shape() {
    let i = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let e = |url: &str| serde_json::json!({"url": url, "integrity": i});
    let ok = index(serde_json::json!({
        "MODULE.bazel": e("https://x/MODULE.bazel.intoto.jsonl"),
        "source.json": e("https://x/source.json.intoto.jsonl"),
        "a.tar.gz": e("https://x/a.tar.gz.intoto.jsonl"),
        "extra.txt": e("https://x/extra.intoto.jsonl"),
    }));
    let atts = Attestations::parse(&ok).unwrap();
    let plan = atts.plan("a.tar.gz").unwrap();
    assert_eq!(
        plan.iter()
            .map(|e| (e.file.as_str(), e.kind))
            .collect::<Vec<_>>(),
        [
            ("MODULE.bazel", FileKind::Module),
            ("source.json", FileKind::Source),
            ("a.tar.gz", FileKind::Archive)
        ]
    );
    assert_eq!(plan[2].bundle_name, "a.tar.gz.intoto.jsonl");
    assert_eq!(Integrity::parse(i).unwrap(), plan[0].integrity);
    // A file missing from the index.
    assert_eq!(atts.plan("b.tar.gz").unwrap_err().code(), "invalid-json");
    // Unsafe names, from the keys and from the urls.
    for bad in [
        serde_json::json!({"../MODULE.bazel": e("https://x/m.intoto.jsonl")}),
        serde_json::json!({"/etc/passwd": e("https://x/m.intoto.jsonl")}),
        serde_json::json!({"MODULE.bazel": e("https://x/..")}),
        serde_json::json!({"MODULE.bazel": e("https://x/")}),
        serde_json::json!({"MODULE.bazel": {"url": "https://x/m", "integrity": 5}}),
        serde_json::json!({"MODULE.bazel": {"integrity": i}}),
        serde_json::json!([]),
    ] {
        assert_eq!(
            Attestations::parse(&index(bad.clone())).unwrap_err().code(),
            "invalid-json",
            "{bad}"
        );
    }
    let bad_sri =
        index(serde_json::json!({"MODULE.bazel": {"url": "https://x/m", "integrity": "md5-AAAA"}}));
    assert_eq!(
        Attestations::parse(&bad_sri).unwrap_err().code(),
        "invalid-artifact"
    );
    // Media type, JSON, size, depth.
    let other =
        serde_json::json!({"mediaType": "application/json", "attestations": {}}).to_string();
    assert_eq!(
        Attestations::parse(other.as_bytes()).unwrap_err().code(),
        "unsupported-media-type"
    );
    assert_eq!(
        Attestations::parse(b"{").unwrap_err().code(),
        "invalid-json"
    );
    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(
        Attestations::parse(deep.as_bytes()).unwrap_err().code(),
        "limit-exceeded"
    );
    let big = vec![b' '; sigverify::limits::MAX_BUNDLE_BYTES + 1];
    assert_eq!(
        Attestations::parse(&big).unwrap_err().code(),
        "limit-exceeded"
    );
    // source.json: the archive's name from its url.
    assert_eq!(
        bcr::archive_name(br#"{"url": "https://x/r/a-v1.tar.gz"}"#).unwrap(),
        "a-v1.tar.gz"
    );
    for bad in [
        &br#"{"url": "https://x/r/"}"#[..],
        br#"{"url": "https://x/MODULE.bazel"}"#,
        br#"{}"#,
        b"nope",
    ] {
        assert_eq!(bcr::archive_name(bad).unwrap_err().code(), "invalid-json");
    }
}

#[test]
fn module_policy_is_checked_when_built() {
    assert_eq!(
        ModulePolicy::new("nope", None).unwrap_err().code(),
        "invalid-policy"
    );
    assert_eq!(
        ModulePolicy::new("", None).unwrap_err().code(),
        "invalid-policy"
    );
    for t in ["", "v 1", "refs/tags/v1"] {
        assert_eq!(
            ModulePolicy::new("o/r", Some(t)).unwrap_err().code(),
            "invalid-policy",
            "{t:?}"
        );
    }
    let p = ModulePolicy::new("o/r", Some("v1")).unwrap();
    assert_eq!((p.repository(), p.tag()), ("o/r", Some("v1")));
    let _ = VerifierOptions::default();
}
