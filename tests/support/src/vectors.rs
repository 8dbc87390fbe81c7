//! The vectors from outside and their exception files, for every Rust suite that runs them (the
//! core's integration tests in `core/tests/`, the CLI's `cli/tests/`): where the shared
//! sigstore-conformance, ecosystem and TUF vectors are, the conformance cases, and the
//! exception lists `tests/conformance-exceptions.json` and `tests/ecosystem-exceptions.json`
//! (which stay in `tests/` because the Python and Node suites read them too). Unlike the rest
//! of the testkit this reads files; a missing vector folder panics, loudly, so that a suite that
//! did not run never looks like one that passed.

use std::path::{Path, PathBuf};

/// The project's root folder (this crate is `tests/support`).
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the shared sigstore-conformance vectors are: `$SIGVERIFY_CONFORMANCE_DIR`, else
/// `../shared/vectors/conformance` beside the project root.
pub fn conformance_dir() -> PathBuf {
    match std::env::var_os("SIGVERIFY_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => project_root().join("../shared/vectors/conformance"),
    }
}

/// One conformance case, as the suite's CLI protocol describes it (SOURCE.md there).
#[derive(Debug)]
pub struct Case {
    /// Folder name.
    pub name: String,
    /// Whether the case must be rejected (`_fail` suffix).
    pub must_fail: bool,
    /// bundle.sigstore.json
    pub bundle: PathBuf,
    /// The artifact (the case's own, or the shared a.txt).
    pub artifact: PathBuf,
    /// Expected identity and issuer, unless a key is used.
    pub identity: String,
    /// Expected OIDC issuer.
    pub issuer: String,
    /// key.pub, when present.
    pub key: Option<PathBuf>,
    /// trusted_root.json, when present (else public-good).
    pub trusted_root: Option<PathBuf>,
}

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Every case in the conformance folder. Panics, loudly, when the folder is missing: a suite
/// that did not run must never look like one that passed.
pub fn conformance_cases() -> Vec<Case> {
    let dir = conformance_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "CONFORMANCE SUITE DID NOT RUN: cannot read {} ({e}). Put the shared vectors beside the \
             project (../shared/vectors/conformance) or set SIGVERIFY_CONFORMANCE_DIR.",
            dir.display()
        )
    });
    let read = |p: PathBuf| std::fs::read_to_string(p).ok().map(|s| s.trim().to_owned());
    let mut cases: Vec<Case> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("bundle.sigstore.json").is_file())
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let own = p.join("artifact");
            Case {
                must_fail: name.ends_with("_fail"),
                bundle: p.join("bundle.sigstore.json"),
                artifact: if own.is_file() {
                    own
                } else {
                    dir.join("a.txt")
                },
                identity: read(p.join("identity")).unwrap_or_else(|| DEFAULT_IDENTITY.into()),
                issuer: read(p.join("issuer")).unwrap_or_else(|| DEFAULT_ISSUER.into()),
                key: Some(p.join("key.pub")).filter(|k| k.is_file()),
                trusted_root: Some(p.join("trusted_root.json")).filter(|t| t.is_file()),
                name,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        !cases.is_empty(),
        "CONFORMANCE SUITE DID NOT RUN: no cases in {}",
        dir.display()
    );
    cases
}

/// The exceptions file: case name → reason.
pub fn conformance_exceptions() -> std::collections::BTreeMap<String, String> {
    let path = project_root().join("tests/conformance-exceptions.json");
    let text = std::fs::read_to_string(&path).expect("tests/conformance-exceptions.json");
    let v: serde_json::Value = serde_json::from_str(&text).expect("exceptions file is JSON");
    let map = v["exceptions"].as_object().expect("an `exceptions` object");
    map.iter()
        .map(|(k, r)| {
            let reason = r.as_str().unwrap_or_default().trim().to_owned();
            assert!(!reason.is_empty(), "exception {k} has no reason");
            (k.clone(), reason)
        })
        .collect()
}

/// A file or folder of the real ecosystem samples (`../shared/vectors/ecosystems/REL`, beside the
/// conformance vectors); the suite fails loudly when it is missing.
pub fn ecosystem_path(rel: &str) -> PathBuf {
    let p = conformance_dir().join("../ecosystems").join(rel);
    assert!(p.exists(), "ECOSYSTEM VECTORS MISSING: {}", p.display());
    p
}

/// The samples of `../shared/vectors/ecosystems` that a suite cannot verify yet
/// (`tests/ecosystem-exceptions.json`, shared with the Python and Node suites), for `list`
/// `generic` (the plain-bundle path) or `adapter` (an ecosystem adapter): name -> reason.
pub fn ecosystem_exceptions(list: &str) -> std::collections::BTreeMap<String, String> {
    let path = project_root().join("tests/ecosystem-exceptions.json");
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("tests/ecosystem-exceptions.json"))
            .expect("tests/ecosystem-exceptions.json is JSON");
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_value(doc[list].clone()).expect("name -> reason");
    for (name, reason) in &map {
        assert!(!reason.trim().is_empty(), "exception {name} has no reason");
    }
    map
}

/// The real ecosystem samples that verify through the generic path (every case folder with a
/// `bundle.json`, less the `generic` exceptions), sorted; the suite fails loudly when the folder
/// is missing.
pub fn generic_ecosystem_samples() -> Vec<PathBuf> {
    let dir = conformance_dir().join("../ecosystems");
    let excepted = ecosystem_exceptions("generic");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("ECOSYSTEM VECTORS MISSING: {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.json").is_file())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !excepted.contains_key(name.as_ref())
        })
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 6,
        "ECOSYSTEM VECTORS MISSING in {}",
        dir.display()
    );
    cases
}
