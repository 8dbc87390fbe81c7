//! Unit tests of the TUF client state machine (the real repository and one case per refusal
//! are in `core/tests/tuf.rs`).

use serde_json::{json, Value};
use sigverify_testkit::tuf::{resign, TufFiles, TufKey, TufRepo};

use super::*;
use crate::Backend;

const NOW: i64 = 1_767_225_600; // 2026-01-01

fn repo() -> TufRepo {
    TufRepo::new(
        crate::trust_root::PUBLIC_GOOD.to_vec(),
        crate::npm_keys::EMBEDDED_KEYS.to_vec(),
    )
}

fn fetch(files: &TufFiles, r: &Request) -> Option<Vec<u8>> {
    let m = if r.is_target() {
        &files.targets
    } else {
        &files.metadata
    };
    m.get(r.name()).cloned()
}

/// Runs an update and returns the names asked for, and the outcome.
fn trace(files: &TufFiles) -> (Vec<String>, Result<TufUpdate, crate::Error>) {
    let client = TufClient::new(&files.metadata["1.root.json"]).unwrap();
    let mut u = client.start(None, NOW);
    let mut names = Vec::new();
    while let Some(r) = u.next_request() {
        names.push(r.name().to_owned());
        let bytes = fetch(files, r);
        if let Err(e) = u.provide(bytes.as_deref()) {
            return (names, Err(e));
        }
    }
    (names, u.finish())
}

#[test]
fn embedded_roots_are_self_signed() {
    for &backend in Backend::all() {
        let pg =
            TufClient::with_options(PUBLIC_GOOD_ROOT, UpdateOptions::default(), backend).unwrap();
        assert_eq!(pg.root_version(), 15);
        let st = TufClient::with_options(STAGING_ROOT, UpdateOptions::default(), backend).unwrap();
        assert_eq!(st.root_version(), 14);
    }
    assert!(TufClient::public_good().is_ok());
    assert!(TufClient::staging().is_ok());
}

#[test]
fn requests_and_names() {
    let mut repo = repo();
    repo.consistent_snapshot = true;
    repo.meta_hashes = true;
    repo.timestamp_version = 7;
    repo.snapshot_version = 5;
    repo.targets_version = 3;
    repo.npm_version = 2;
    let files = repo.build();
    let client = TufClient::new(&files.metadata["1.root.json"]).unwrap();
    let mut u = client.start(None, NOW);
    let mut seen = Vec::new();
    while let Some(r) = u.next_request() {
        seen.push(r.clone());
        let bytes = fetch(&files, r);
        u.provide(bytes.as_deref()).unwrap();
    }
    let update = u.finish().unwrap();
    let names: Vec<&str> = seen.iter().map(Request::name).collect();
    let tr = hex::encode(
        Backend::default().hash(crate::HashAlg::Sha256, crate::trust_root::PUBLIC_GOOD),
    );
    let npm = hex::encode(
        Backend::default().hash(crate::HashAlg::Sha256, crate::npm_keys::EMBEDDED_KEYS),
    );
    assert_eq!(
        names,
        [
            "2.root.json".to_owned(),
            "timestamp.json".into(),
            "5.snapshot.json".into(),
            "3.targets.json".into(),
            format!("{tr}.trusted_root.json"),
            "2.registry.npmjs.org.json".into(),
            format!("registry.npmjs.org/{npm}.keys.json"),
        ]
    );
    let plain: Vec<&str> = seen.iter().map(Request::plain_name).collect();
    assert_eq!(
        plain,
        [
            "2.root.json",
            "timestamp.json",
            "snapshot.json",
            "targets.json",
            "trusted_root.json",
            "registry.npmjs.org.json",
            "registry.npmjs.org/keys.json"
        ]
    );
    // Lengths: the limits for root and timestamp, the stated lengths after.
    assert_eq!(
        seen[0].max_length(),
        crate::limits::MAX_TUF_ROOT_BYTES as u64
    );
    assert_eq!(
        seen[2].max_length(),
        files.metadata["5.snapshot.json"].len() as u64
    );
    assert_eq!(
        seen[4].max_length(),
        crate::trust_root::PUBLIC_GOOD.len() as u64
    );
    assert_eq!(seen[4].target_path(), Some("trusted_root.json"));
    assert_eq!(seen[5].version(), Some(2));
    assert_eq!(seen[5].kind(), RequestKind::Targets);
    assert_eq!(seen[6].role(), "registry.npmjs.org");
    assert_eq!(update.state.timestamp_version, 7);
    assert_eq!(update.state.snapshot_version, 5);
    assert_eq!(update.state.targets_versions["targets.json"], 3);
    assert_eq!(update.state.targets_versions["registry.npmjs.org.json"], 2);
}

#[test]
fn misuse_is_an_error_never_a_panic() {
    let files = repo().build();
    let client = TufClient::new(&files.metadata["1.root.json"]).unwrap();

    // Finishing early names what is still needed.
    let u = client.start(None, NOW);
    let e = u.finish().unwrap_err();
    assert!(e.to_string().contains("still needs 2.root.json"), "{e}");

    // After a failure, the same error again, and nothing more is asked.
    let mut u = client.start(None, NOW);
    u.provide(None).unwrap(); // no root 2
    let e = u.provide(Some(b"not json")).unwrap_err();
    assert_eq!(e.code(), "invalid-trusted-root");
    assert!(u.next_request().is_none());
    assert_eq!(u.provide(Some(b"{}")).unwrap_err(), e);
    assert_eq!(u.finish().unwrap_err(), e);
}

/// Replaces the top-level targets delegations with `roles` (all to key 6), adds a metadata
/// file for each extra role (signed by key 6, listing `targets` of its own), and re-signs the
/// snapshot to list them.
fn with_delegations(repo: &TufRepo, roles: Value, extra: &[(&str, Value)]) -> TufFiles {
    let mut files = repo.build();
    let k6 = TufKey::derive(6);
    let targets = resign(
        &files.metadata["targets.json"],
        &[&TufKey::derive(5)],
        |s| {
            s["delegations"]["roles"] = roles;
        },
    );
    files.metadata.insert("targets.json".into(), targets);
    for (name, listed) in extra {
        let doc = resign(&files.metadata["registry.npmjs.org.json"], &[&k6], |s| {
            s["targets"] = listed.clone();
        });
        files.metadata.insert(format!("{name}.json"), doc);
    }
    let snapshot = resign(
        &files.metadata["snapshot.json"],
        &[&TufKey::derive(4)],
        |s| {
            for (name, _) in extra {
                s["meta"][format!("{name}.json")] = json!({"version": 1});
            }
        },
    );
    files.metadata.insert("snapshot.json".into(), snapshot);
    files
}

fn role(name: &str, paths: &[&str], terminating: bool) -> Value {
    json!({
        "name": name,
        "keyids": [TufKey::derive(6).keyid()],
        "threshold": 1,
        "terminating": terminating,
        "paths": paths,
    })
}

#[test]
fn delegation_search_order() {
    let repo = repo();
    let npm = "registry.npmjs.org/*";
    // A non-terminating role that does not list the target is visited first, then the next.
    let files = with_delegations(
        &repo,
        json!([
            role("a", &[npm], false),
            role("registry.npmjs.org", &[npm], true)
        ]),
        &[("a", json!({}))],
    );
    let (names, r) = trace(&files);
    let u = r.unwrap();
    assert!(u.npm_keys.is_some());
    let tail: Vec<&str> = names
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "a.json",
            "registry.npmjs.org.json",
            "registry.npmjs.org/keys.json"
        ]
    );

    // A terminating role ends the search: the next role is never consulted.
    let files = with_delegations(
        &repo,
        json!([
            role("a", &[npm], true),
            role("registry.npmjs.org", &[npm], true)
        ]),
        &[("a", json!({}))],
    );
    let (names, r) = trace(&files);
    assert!(r.unwrap().npm_keys.is_none());
    assert_eq!(names.last().map(String::as_str), Some("a.json"));

    // A role whose paths do not match is not fetched at all.
    let files = with_delegations(
        &repo,
        json!([
            role("b", &["other/*"], false),
            role("registry.npmjs.org", &[npm], true)
        ]),
        &[("b", json!({}))],
    );
    let (names, r) = trace(&files);
    assert!(r.unwrap().npm_keys.is_some());
    assert!(!names.iter().any(|n| n == "b.json"), "{names:?}");

    // A delegated role the snapshot does not list is refused.
    let mut files = with_delegations(&repo, json!([role("c", &[npm], false)]), &[]);
    files.metadata.remove("c.json");
    let (_, r) = trace(&files);
    let e = r.unwrap_err();
    assert_eq!(e.code(), "tuf");
    assert!(
        e.to_string().contains("the snapshot does not list c.json"),
        "{e}"
    );
}

#[test]
fn delegated_role_names_cannot_leave_the_metadata_directory() {
    let repo = repo();
    let files = with_delegations(
        &repo,
        json!([role("../escape", &["registry.npmjs.org/*"], false)]),
        &[("../escape", json!({}))],
    );
    let client = TufClient::new(&files.metadata["1.root.json"]).unwrap();
    let mut asked = Vec::new();
    let e = client
        .update(None, NOW, |r| {
            asked.push(r.name().to_owned());
            fetch(&files, r)
        })
        .unwrap_err();
    // Asked for under a quoted name (which our map does not have, hence "not provided").
    assert_eq!(asked.last().map(String::as_str), Some("..%2Fescape.json"));
    assert!(e.to_string().contains("not provided"), "{e}");
}
