//! The offline TUF client (`sigverify::tuf`) against the real Sigstore public-good repository
//! (../shared/vectors/tuf/public-good: the whole root history 1..15, timestamp, snapshot,
//! targets, the `registry.npmjs.org` delegation and the target files), and against small
//! repositories of our own (`sigverify_testkit::tuf`) where one check at a time fails on a
//! validly signed document.
//!
//! Every negative case asserts the reason: the error code and check, and the role or words of
//! the message that say which rule refused it.

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Value};
use sigverify::tuf::{Request, RequestKind, TufClient, TufState, TufUpdate, UpdateOptions};
use sigverify::{Artifact, Backend, Check, Error, Policy, TrustedRoot, Verifier};
use sigverify_testkit::tuf::{edit_doc, resign, TufFiles, TufKey, TufRepo};

/// 2026-08-01T00:00:00Z: inside every role's validity in the real repository (root 15 until
/// 2026-11-20, timestamp until 2026-08-28, registry.npmjs.org until 2026-10-13, snapshot and
/// targets until 2036).
const AS_OF: i64 = 1_785_542_400;
/// 2026-09-01T00:00:00Z: after the real timestamp expired (2026-08-28T19:25:56Z), before
/// anything else did.
const AFTER_TIMESTAMP: i64 = 1_788_220_800;
/// The real timestamp's `expires`.
const TIMESTAMP_EXPIRES: i64 = 1_787_945_156;
/// 2037-01-01T00:00:00Z: after every real role expired.
const AFTER_ALL: i64 = 2_114_380_800;
/// "Now" for the testkit repositories (everything there expires in 2030 unless a test says so).
const NOW: i64 = 1_767_225_600;

fn tuf_dir() -> PathBuf {
    let p = sigverify_testkit::vectors::conformance_dir().join("../tuf/public-good");
    assert!(
        p.join("metadata/timestamp.json").is_file(),
        "TUF VECTORS MISSING: {} (put the shared vectors beside the project: ../shared/vectors/tuf)",
        p.display()
    );
    p
}

/// The real repository as a client sees it, with files that tests may replace.
struct Real {
    metadata: BTreeMap<String, Vec<u8>>,
    targets: BTreeMap<String, Vec<u8>>,
}

impl Real {
    fn load() -> Real {
        let dir = tuf_dir();
        let read =
            |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let mut metadata = BTreeMap::new();
        for v in 1..=15 {
            metadata.insert(
                format!("{v}.root.json"),
                read(dir.join(format!("metadata/root_history/{v}.root.json"))),
            );
        }
        for f in [
            "timestamp.json",
            "snapshot.json",
            "targets.json",
            "registry.npmjs.org.json",
        ] {
            metadata.insert(f.to_owned(), read(dir.join("metadata").join(f)));
        }
        let mut targets = BTreeMap::new();
        for f in ["trusted_root.json", "registry.npmjs.org/keys.json"] {
            targets.insert(f.to_owned(), read(dir.join("targets").join(f)));
        }
        Real { metadata, targets }
    }

    /// The mirror holds current files under their plain names: answer by name, then plain name.
    fn fetch(&self, r: &Request) -> Option<Vec<u8>> {
        let files = if r.is_target() {
            &self.targets
        } else {
            &self.metadata
        };
        files
            .get(r.name())
            .or_else(|| files.get(r.plain_name()))
            .cloned()
    }

    fn update_from(
        &self,
        client: &TufClient,
        state: Option<&TufState>,
        now: i64,
    ) -> Result<TufUpdate, Error> {
        client.update(state, now, |r| self.fetch(r))
    }

    fn update(&self, state: Option<&TufState>, now: i64) -> Result<TufUpdate, Error> {
        self.update_from(&TufClient::public_good().unwrap(), state, now)
    }

    fn client_at_v1(&self, options: UpdateOptions, backend: Backend) -> TufClient {
        TufClient::with_options(&self.metadata["1.root.json"], options, backend).unwrap()
    }
}

fn real_state() -> TufState {
    Real::load().update(None, AS_OF).unwrap().state
}

#[track_caller]
fn assert_err(r: Result<TufUpdate, Error>, code: &str, words: &[&str]) -> Error {
    let e = match r {
        Ok(_) => panic!("update accepted; expected a {code} error mentioning {words:?}"),
        Err(e) => e,
    };
    let msg = e.to_string();
    assert_eq!(e.code(), code, "{msg}");
    assert_eq!(e.check(), Check::TrustedRoot, "{msg}");
    for w in words {
        assert!(msg.contains(w), "{msg:?} does not mention {w:?}");
    }
    e
}

/// Flips one bit of the first signature of a metadata file.
fn flip_signature_bit(doc: &[u8]) -> Vec<u8> {
    edit_doc(doc, |v| {
        let sig = v["signatures"][0]["sig"].as_str().unwrap().to_owned();
        let mut bytes = hex::decode(sig).unwrap();
        let last = bytes.len() - 8;
        bytes[last] ^= 0x01;
        v["signatures"][0]["sig"] = Value::String(hex::encode(bytes));
    })
}

// ---------------------------------------------------------------------------------------------
// The real repository.

#[test]
fn real_repository_from_root_1_through_the_whole_history() {
    let real = Real::load();
    for &backend in Backend::all() {
        let client = real.client_at_v1(UpdateOptions::default(), backend);
        assert_eq!(client.root_version(), 1);
        let u = real.update_from(&client, None, AS_OF).unwrap();
        assert_eq!(u.state.root_version, 15, "{}", backend.name());
        assert_eq!(u.state.timestamp_version, 762);
        assert_eq!(u.state.snapshot_version, 165);
        assert_eq!(u.state.targets_versions["targets.json"], 14);
        assert_eq!(u.state.targets_versions["registry.npmjs.org.json"], 8);
        assert_eq!(u.root_json, real.metadata["15.root.json"]);
        assert_eq!(u.trusted_root_json, real.targets["trusted_root.json"]);
        assert_eq!(
            u.npm_keys_json.as_deref(),
            Some(real.targets["registry.npmjs.org/keys.json"].as_slice())
        );
        assert!(u.npm_keys.is_some());
        assert!(u.expired.is_empty());
        assert_eq!(u.expired_for_seconds(), None);
    }
}

#[test]
fn real_repository_from_the_embedded_root_and_the_trusted_root_verifies_a_bundle() {
    let real = Real::load();
    let client = TufClient::public_good().unwrap();
    assert_eq!(client.root_version(), 15);
    let u = real.update(None, AS_OF).unwrap();
    assert_eq!(u.state.root_version, 15);
    assert_eq!(
        u.trusted_root.tlog_count(),
        TrustedRoot::public_good().unwrap().tlog_count()
    );

    let conformance = sigverify_testkit::vectors::conformance_dir();
    let bundle = std::fs::read(conformance.join("happy-path-v0.3/bundle.sigstore.json")).unwrap();
    let artifact = std::fs::read(conformance.join("a.txt")).unwrap();
    let policy = Policy::identity(
        "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        "https://token.actions.githubusercontent.com",
    ).unwrap();
    let verifier = Verifier::new(&u.trusted_root).unwrap();
    verifier
        .verify_json(&bundle, &Artifact::Bytes(&artifact), &policy, AS_OF)
        .unwrap();
}

#[test]
fn real_repository_requests_in_specification_order_with_consistent_snapshot_names() {
    let real = Real::load();
    let client = real.client_at_v1(UpdateOptions::default(), Backend::default());
    let mut updater = client.start(None, AS_OF);
    let mut seen = Vec::new();
    while let Some(r) = updater.next_request() {
        seen.push((r.kind(), r.role().to_owned(), r.name().to_owned()));
        let bytes = real.fetch(r);
        updater.provide(bytes.as_deref()).unwrap();
    }
    // A file after the end is a caller error, not a panic.
    assert_eq!(updater.provide(Some(b"{}")).unwrap_err().code(), "tuf");
    let u = updater.finish().unwrap();
    assert_eq!(u.state.root_version, 15);

    let mut expected: Vec<(RequestKind, String, String)> = (2..=16)
        .map(|v| (RequestKind::Root, "root".into(), format!("{v}.root.json")))
        .collect();
    expected.extend([
        (RequestKind::Timestamp, "timestamp".into(), "timestamp.json".into()),
        (RequestKind::Snapshot, "snapshot".into(), "165.snapshot.json".into()),
        (RequestKind::Targets, "targets".into(), "14.targets.json".into()),
        (
            RequestKind::Target,
            "targets".into(),
            "6494e21ea73fa7ee769f85f57d5a3e6a08725eae1e38c755fc3517c9e6bc0b66.trusted_root.json".into(),
        ),
        (
            RequestKind::Targets,
            "registry.npmjs.org".into(),
            "8.registry.npmjs.org.json".into(),
        ),
        (
            RequestKind::Target,
            "registry.npmjs.org".into(),
            "registry.npmjs.org/160677eb6e1c7083c89b166b20f8fe4e837fb71181506aff1991b80b89184f7d.keys.json".into(),
        ),
    ]);
    assert_eq!(seen, expected);
}

#[test]
fn real_repository_again_with_the_saved_state() {
    let real = Real::load();
    let first = real.update(None, AS_OF).unwrap();
    let saved = TufState::from_json(&first.state.to_json()).unwrap();
    assert_eq!(saved, first.state);
    // Starting from the root the last update returned, with its state: the same versions are
    // not a rollback.
    let client = TufClient::new(&first.root_json).unwrap();
    let second = real.update_from(&client, Some(&saved), AS_OF).unwrap();
    assert_eq!(second.state, first.state);
}

#[test]
fn real_repository_folder_api() {
    let dir = tuf_dir();
    let metadata = |name: &str| -> Option<Vec<u8>> {
        let p = match name.strip_suffix(".root.json") {
            Some(v) => dir.join(format!("metadata/root_history/{v}.root.json")),
            None => dir.join("metadata").join(name),
        };
        std::fs::read(p).ok()
    };
    let targets = |name: &str| std::fs::read(dir.join("targets").join(name)).ok();
    let client =
        TufClient::new(&std::fs::read(dir.join("metadata/root_history/1.root.json")).unwrap())
            .unwrap();
    let u = client
        .update_from_files(None, AS_OF, &metadata, &targets)
        .unwrap();
    assert_eq!(u.state.root_version, 15);
    assert!(u.npm_keys.is_some());
}

#[test]
fn real_repository_expired_timestamp_is_refused() {
    let real = Real::load();
    let e = assert_err(
        real.update(None, AFTER_TIMESTAMP),
        "time-outside-validity",
        &[
            "timestamp metadata version 762",
            "expired",
            "2026-08-28T19:25:56Z",
        ],
    );
    assert!(!e.is_invalid_input());
}

#[test]
fn real_repository_expired_timestamp_accepted_only_unsafely_and_reported() {
    let real = Real::load();
    let mut options = UpdateOptions::default();
    options.accept_expired_metadata_unsafe = true;
    let client = TufClient::with_options(
        sigverify::tuf::PUBLIC_GOOD_ROOT,
        options,
        Backend::default(),
    )
    .unwrap();
    let u = real.update_from(&client, None, AFTER_TIMESTAMP).unwrap();
    assert_eq!(u.expired.len(), 1, "{:?}", u.expired);
    assert_eq!(u.expired[0].role, "timestamp");
    assert_eq!(u.expired[0].version, 762);
    assert_eq!(u.expired[0].expires, TIMESTAMP_EXPIRES);
    assert_eq!(
        u.expired[0].age_seconds,
        AFTER_TIMESTAMP - TIMESTAMP_EXPIRES
    );
    assert_eq!(
        u.expired_for_seconds(),
        Some(AFTER_TIMESTAMP - TIMESTAMP_EXPIRES)
    );

    // Long after everything expired: every role is reported, the root first.
    let u = real.update_from(&client, None, AFTER_ALL).unwrap();
    let roles: Vec<&str> = u.expired.iter().map(|e| e.role.as_str()).collect();
    assert_eq!(
        roles,
        [
            "root",
            "timestamp",
            "snapshot",
            "targets",
            "registry.npmjs.org"
        ]
    );
    assert!(u.expired.iter().all(|e| e.age_seconds > 0));
    // ... and without the option, the root's expiry is the first refusal.
    assert_err(
        real.update(None, AFTER_ALL),
        "time-outside-validity",
        &["root metadata version 15"],
    );
}

#[test]
fn real_repository_tampered_signatures() {
    // A bit flipped in the one timestamp signature.
    let mut real = Real::load();
    let doc = flip_signature_bit(&real.metadata["timestamp.json"]);
    real.metadata.insert("timestamp.json".into(), doc);
    assert_err(
        real.update(None, AS_OF),
        "signature-invalid",
        &[
            "TUF timestamp metadata version 762",
            "signed by 0",
            "threshold 1",
        ],
    );

    // A signed field changed without re-signing.
    let mut real = Real::load();
    let doc = edit_doc(&real.metadata["snapshot.json"], |v| {
        v["signed"]["expires"] = json!("2099-01-01T00:00:00Z");
    });
    real.metadata.insert("snapshot.json".into(), doc);
    assert_err(
        real.update(None, AS_OF),
        "signature-invalid",
        &["TUF snapshot metadata version 165", "signed by 0"],
    );

    // The delegated role's signature.
    let mut real = Real::load();
    let doc = flip_signature_bit(&real.metadata["registry.npmjs.org.json"]);
    real.metadata.insert("registry.npmjs.org.json".into(), doc);
    assert_err(
        real.update(None, AS_OF),
        "signature-invalid",
        &[
            "delegated targets role \"registry.npmjs.org\" version 8",
            "signed by 0",
        ],
    );

    // A root of the history: every signature flipped.
    let mut real = Real::load();
    let doc = edit_doc(&real.metadata["7.root.json"], |v| {
        for s in v["signatures"].as_array_mut().unwrap() {
            let mut bytes = hex::decode(s["sig"].as_str().unwrap()).unwrap();
            if let Some(b) = bytes.get_mut(10) {
                *b ^= 0x80;
            }
            s["sig"] = Value::String(hex::encode(bytes));
        }
    });
    real.metadata.insert("7.root.json".into(), doc);
    let client = real.client_at_v1(UpdateOptions::default(), Backend::default());
    assert_err(
        real.update_from(&client, None, AS_OF),
        "signature-invalid",
        &["TUF root version 7", "trusted root version 6"],
    );
}

#[test]
fn real_repository_root_rotation_below_threshold() {
    // Root 3 carries exactly 3 valid signatures, the threshold: drop one.
    let mut real = Real::load();
    let doc = edit_doc(&real.metadata["3.root.json"], |v| {
        v["signatures"].as_array_mut().unwrap().pop();
    });
    real.metadata.insert("3.root.json".into(), doc);
    let client = real.client_at_v1(UpdateOptions::default(), Backend::default());
    assert_err(
        real.update_from(&client, None, AS_OF),
        "signature-invalid",
        &["TUF root version 3", "signed by 2", "threshold 3"],
    );

    // One valid signature listed three times still counts once.
    let mut real = Real::load();
    let doc = edit_doc(&real.metadata["3.root.json"], |v| {
        let first = v["signatures"][0].clone();
        v["signatures"] = json!([first.clone(), first.clone(), first]);
    });
    real.metadata.insert("3.root.json".into(), doc);
    let client = real.client_at_v1(UpdateOptions::default(), Backend::default());
    assert_err(
        real.update_from(&client, None, AS_OF),
        "signature-invalid",
        &["TUF root version 3", "signed by 1", "threshold 3"],
    );
}

#[test]
fn real_repository_a_root_skipping_its_successor() {
    // Asked for 6.root.json, the mirror answers with root 7 (signed by enough of root 5's keys,
    // so only the version rule stops it).
    let mut real = Real::load();
    let seven = real.metadata["7.root.json"].clone();
    real.metadata.insert("6.root.json".into(), seven);
    let client = real.client_at_v1(UpdateOptions::default(), Backend::default());
    assert_err(
        real.update_from(&client, None, AS_OF),
        "tuf",
        &[
            "TUF root",
            "asked for version 6",
            "trusted root is version 5",
            "the file is version 7",
        ],
    );
}

#[test]
fn real_repository_rollback_of_each_role_against_the_saved_state() {
    let real = Real::load();
    let base = real_state();

    let mut s = base.clone();
    s.root_version = 16;
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &["TUF root", "rollback", "version 15", "version 16"],
    );

    let mut s = base.clone();
    s.timestamp_version = 763;
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &["TUF timestamp", "rollback", "version 762", "763"],
    );

    let mut s = base.clone();
    s.snapshot_version = 166;
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &["TUF timestamp", "rollback", "snapshot version 165", "166"],
    );

    let mut s = base.clone();
    s.targets_versions.insert("targets.json".into(), 15);
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &["TUF snapshot", "rollback", "targets.json version 14", "15"],
    );

    let mut s = base.clone();
    s.targets_versions
        .insert("registry.npmjs.org.json".into(), 9);
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &[
            "TUF snapshot",
            "rollback",
            "registry.npmjs.org.json version 8",
            "9",
        ],
    );

    let mut s = base;
    s.targets_versions.insert("retired.json".into(), 1);
    assert_err(
        real.update(Some(&s), AS_OF),
        "tuf",
        &[
            "TUF snapshot",
            "rollback",
            "retired.json is no longer listed",
        ],
    );
}

#[test]
fn real_repository_target_files_must_match_length_and_hashes() {
    // Same length, one byte changed: the sha256 differs.
    let mut real = Real::load();
    let mut tr = real.targets["trusted_root.json"].clone();
    let i = tr.iter().position(|&b| b == b'Z').unwrap();
    tr[i] = b'Y';
    real.targets.insert("trusted_root.json".into(), tr);
    assert_err(
        real.update(None, AS_OF),
        "tuf",
        &["TUF trusted_root.json", "sha256", "6494e21e"],
    );

    // One byte more: the length differs.
    let mut real = Real::load();
    real.targets
        .get_mut("trusted_root.json")
        .unwrap()
        .push(b'\n');
    assert_err(
        real.update(None, AS_OF),
        "tuf",
        &["TUF trusted_root.json", "length 6788", "states 6787"],
    );

    // The delegated target.
    let mut real = Real::load();
    real.targets
        .get_mut("registry.npmjs.org/keys.json")
        .unwrap()
        .push(b' ');
    assert_err(
        real.update(None, AS_OF),
        "tuf",
        &[
            "TUF registry.npmjs.org/keys.json",
            "listed by registry.npmjs.org",
            "length 2122",
        ],
    );

    // A missing target is never "no update".
    let mut real = Real::load();
    real.targets.remove("trusted_root.json");
    assert_err(
        real.update(None, AS_OF),
        "tuf",
        &["trusted_root.json was not provided"],
    );
}

#[test]
fn real_repository_missing_metadata() {
    for file in [
        "timestamp.json",
        "snapshot.json",
        "targets.json",
        "registry.npmjs.org.json",
    ] {
        let mut real = Real::load();
        real.metadata.remove(file);
        assert_err(real.update(None, AS_OF), "tuf", &["was not provided"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Repositories of our own: validly signed documents that break one rule each.

/// A repository of our own serving the real trusted root and npm keys.
fn repo() -> TufRepo {
    let dir = tuf_dir();
    TufRepo::new(
        std::fs::read(dir.join("targets/trusted_root.json")).unwrap(),
        std::fs::read(dir.join("targets/registry.npmjs.org/keys.json")).unwrap(),
    )
}

fn client_for(files: &TufFiles, options: UpdateOptions) -> TufClient {
    TufClient::with_options(&files.metadata["1.root.json"], options, Backend::default()).unwrap()
}

fn run(files: &TufFiles, state: Option<&TufState>, now: i64) -> Result<TufUpdate, Error> {
    run_with(files, UpdateOptions::default(), state, now)
}

fn run_with(
    files: &TufFiles,
    options: UpdateOptions,
    state: Option<&TufState>,
    now: i64,
) -> Result<TufUpdate, Error> {
    client_for(files, options).update(state, now, |r| {
        let m = if r.is_target() {
            &files.targets
        } else {
            &files.metadata
        };
        m.get(r.name()).cloned()
    })
}

fn key(i: usize) -> TufKey {
    TufKey::derive(i)
}

#[test]
fn own_repository_updates_on_every_backend() {
    let mut repo = repo();
    repo.add_root();
    repo.add_root().root_keys = vec![7, 8, 9];
    repo.consistent_snapshot = true;
    repo.meta_hashes = true;
    let files = repo.build();
    for &backend in Backend::all() {
        let client = TufClient::with_options(
            &files.metadata["1.root.json"],
            UpdateOptions::default(),
            backend,
        )
        .unwrap();
        let u = client
            .update(None, NOW, |r| {
                let m = if r.is_target() {
                    &files.targets
                } else {
                    &files.metadata
                };
                m.get(r.name()).cloned()
            })
            .unwrap();
        assert_eq!(u.state.root_version, 3);
        assert_eq!(u.root_json, files.metadata["3.root.json"]);
        assert!(u.npm_keys.is_some());
    }
}

#[test]
fn own_repository_root_skipping_n_plus_1() {
    let mut repo = repo();
    repo.add_root();
    repo.add_root();
    let mut files = repo.build();
    let three = files.metadata["3.root.json"].clone();
    files.metadata.insert("2.root.json".into(), three);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF root", "asked for version 2", "the file is version 3"],
    );
}

#[test]
fn own_repository_new_root_needs_both_thresholds() {
    // Signed only by the old keys: the new root's own threshold is not met.
    let mut repo = repo();
    let r = repo.add_root();
    r.root_keys = vec![7, 8, 9];
    r.signers = Some(vec![0, 1, 2]);
    assert_err(
        run(&repo.build(), None, NOW),
        "signature-invalid",
        &[
            "TUF root version 2",
            "signed by 0 of its own root keys",
            "threshold 2",
        ],
    );
    // Signed only by the new keys: the old root's threshold is not met.
    let mut repo = self::repo();
    let r = repo.add_root();
    r.root_keys = vec![7, 8, 9];
    r.signers = Some(vec![7, 8, 9]);
    assert_err(
        run(&repo.build(), None, NOW),
        "signature-invalid",
        &[
            "TUF root version 2",
            "signed by 0 of the root keys of trusted root version 1",
        ],
    );
    // One old and one new key: below both thresholds of 2.
    let mut repo = self::repo();
    let r = repo.add_root();
    r.root_keys = vec![0, 8, 9];
    r.signers = Some(vec![0, 8]);
    assert_err(
        run(&repo.build(), None, NOW),
        "signature-invalid",
        &[
            "TUF root version 2",
            "signed by 1 of the root keys of trusted root version 1",
        ],
    );
}

#[test]
fn own_repository_signature_by_a_key_outside_the_role_counts_for_nothing() {
    // The timestamp is signed by the snapshot key, which the root lists, but not for timestamp.
    let repo = repo();
    let mut files = repo.build();
    let doc = resign(&files.metadata["timestamp.json"], &[&key(4)], |_| {});
    files.metadata.insert("timestamp.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "signature-invalid",
        &[
            "TUF timestamp metadata version 1",
            "signed by 0 of the timestamp keys",
        ],
    );
}

#[test]
fn own_repository_snapshot_lists_another_targets_version() {
    let repo = repo();
    let mut files = repo.build();
    let doc = resign(&files.metadata["snapshot.json"], &[&key(4)], |s| {
        s["meta"]["targets.json"]["version"] = json!(2);
    });
    files.metadata.insert("snapshot.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF targets", "version 1, the snapshot lists version 2"],
    );
}

#[test]
fn own_repository_snapshot_omits_the_targets_role() {
    let repo = repo();
    let mut files = repo.build();
    let doc = resign(&files.metadata["snapshot.json"], &[&key(4)], |s| {
        s["meta"].as_object_mut().unwrap().remove("targets.json");
    });
    files.metadata.insert("snapshot.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF snapshot", "does not list targets.json"],
    );
}

#[test]
fn own_repository_snapshot_of_another_version_than_the_timestamp_names() {
    let mut repo = repo();
    repo.timestamp_version = 5;
    let mut files = repo.build();
    let doc = resign(&files.metadata["snapshot.json"], &[&key(4)], |s| {
        s["version"] = json!(2);
    });
    files.metadata.insert("snapshot.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF snapshot", "version 2, the timestamp names version 1"],
    );
}

#[test]
fn own_repository_metadata_length_and_hashes_in_meta() {
    let mut repo = repo();
    repo.meta_hashes = true;
    // The snapshot re-signed after the timestamp stated its hash.
    let mut files = repo.build();
    let doc = resign(&files.metadata["snapshot.json"], &[&key(4)], |s| {
        s["expires"] = json!("2031-01-01T00:00:00Z");
    });
    files.metadata.insert("snapshot.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF snapshot", "snapshot.json: "],
    );
    // The targets metadata one byte longer than the snapshot states.
    let mut files = repo.build();
    files.metadata.get_mut("targets.json").unwrap().push(b'\n');
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &[
            "TUF targets",
            "targets.json: length",
            "the signed metadata states",
        ],
    );
}

#[test]
fn own_repository_delegation_signed_by_the_wrong_key() {
    let mut repo = repo();
    // Signed by the top-level targets key, not the key the delegation names.
    repo.npm_signers = vec![5];
    assert_err(
        run(&repo.build(), None, NOW),
        "signature-invalid",
        &[
            "delegated targets role \"registry.npmjs.org\"",
            "signed by 0 of the keys targets delegates it to",
        ],
    );
}

#[test]
fn own_repository_each_expired_role() {
    const PAST: &str = "2025-01-01T00:00:00Z";
    type Edit = fn(&mut TufRepo);
    let cases: [(&str, Edit); 5] = [
        ("root", |r| r.roots[0].expires = PAST.into()),
        ("timestamp", |r| r.timestamp_expires = PAST.into()),
        ("snapshot", |r| r.snapshot_expires = PAST.into()),
        ("targets", |r| r.targets_expires = PAST.into()),
        ("registry.npmjs.org", |r| r.npm_expires = PAST.into()),
    ];
    for (role, edit) in cases {
        let mut repo = repo();
        edit(&mut repo);
        let files = repo.build();
        assert_err(
            run(&files, None, NOW),
            "time-outside-validity",
            &[
                &format!("TUF {role} metadata version 1 has expired"),
                "2025-01-01T00:00:00Z",
            ],
        );
        let mut options = UpdateOptions::default();
        options.accept_expired_metadata_unsafe = true;
        let u = run_with(&files, options, None, NOW).unwrap();
        assert_eq!(u.expired.len(), 1, "{role}");
        assert_eq!(u.expired[0].role, role);
        assert_eq!(u.expired[0].age_seconds, NOW - 1_735_689_600);
        assert_eq!(u.expired_for_seconds(), Some(NOW - 1_735_689_600));
    }
}

#[test]
fn own_repository_intermediate_root_expiry_does_not_matter() {
    let mut repo = repo();
    repo.roots[0].expires = "2020-01-01T00:00:00Z".into();
    repo.add_root().expires = "2021-01-01T00:00:00Z".into();
    repo.add_root().expires = "2030-01-01T00:00:00Z".into();
    let u = run(&repo.build(), None, NOW).unwrap();
    assert_eq!(u.state.root_version, 3);
    assert!(u.expired.is_empty());
}

#[test]
fn own_repository_rotated_timestamp_keys_release_the_saved_versions() {
    // The saved state has seen timestamp 50 and snapshot 40 (say, from a compromised key). The
    // repository rotates the timestamp key and starts again at 1 (TUF §5.3.11).
    let mut saved = TufState::default();
    saved.root_version = 1;
    saved.timestamp_version = 50;
    saved.snapshot_version = 40;
    saved.targets_versions.insert("targets.json".into(), 30);

    // Without a rotation, that is a rollback.
    let mut repo = repo();
    repo.add_root();
    assert_err(
        run(&repo.build(), Some(&saved), NOW),
        "tuf",
        &["TUF timestamp", "rollback"],
    );

    // With the timestamp key rotated in root 2, the saved versions no longer bind.
    let mut repo = self::repo();
    repo.add_root().timestamp_keys = vec![11];
    let u = run(&repo.build(), Some(&saved), NOW).unwrap();
    assert_eq!(u.state.root_version, 2);
    assert_eq!(u.state.timestamp_version, 1);

    // The snapshot key rotated: the same.
    let mut repo = self::repo();
    repo.add_root().snapshot_keys = vec![12];
    assert!(run(&repo.build(), Some(&saved), NOW).is_ok());

    // But a rotation before the saved root version does not release anything.
    let mut repo = self::repo();
    repo.add_root().timestamp_keys = vec![11];
    repo.add_root();
    let mut later = saved.clone();
    later.root_version = 2;
    assert_err(
        run(&repo.build(), Some(&later), NOW),
        "tuf",
        &["TUF timestamp", "rollback"],
    );
}

#[test]
fn own_repository_terminating_delegation_and_unlisted_target() {
    // The delegated role does not list keys.json: the update succeeds without npm keys, since
    // the repository does not publish them.
    let repo = repo();
    let mut files = repo.build();
    let doc = resign(
        &files.metadata["registry.npmjs.org.json"],
        &[&key(6)],
        |s| {
            s["targets"] = json!({});
        },
    );
    files.metadata.insert("registry.npmjs.org.json".into(), doc);
    let u = run(&files, None, NOW).unwrap();
    assert!(u.npm_keys.is_none());

    // The top-level targets does not list trusted_root.json: refused.
    let mut files = repo.build();
    let doc = resign(&files.metadata["targets.json"], &[&key(5)], |s| {
        s["targets"] = json!({});
    });
    files.metadata.insert("targets.json".into(), doc);
    assert_err(
        run(&files, None, NOW),
        "tuf",
        &["TUF trusted_root.json", "no targets role"],
    );
}

#[test]
fn own_repository_malformed_metadata_is_invalid_input() {
    let repo = repo();
    for (file, edit) in [
        ("timestamp.json", json!({"_type": "snapshot"})),
        ("timestamp.json", json!({"spec_version": "2.0"})),
        ("timestamp.json", json!({"version": 0})),
        ("timestamp.json", json!({"expires": "tomorrow"})),
        ("snapshot.json", json!({"version": 1.5})),
        (
            "targets.json",
            json!({"delegations": {"keys": {}, "roles": [{"name": "targets", "keyids": [], "threshold": 1, "paths": ["*"]}]}}),
        ),
    ] {
        let mut files = repo.build();
        let signer = match file {
            "timestamp.json" => key(3),
            "snapshot.json" => key(4),
            _ => key(5),
        };
        let doc = resign(&files.metadata[file], &[&signer], |s| {
            for (k, v) in edit.as_object().unwrap() {
                s[k] = v.clone();
            }
        });
        files.metadata.insert(file.into(), doc);
        let e = run(&files, None, NOW).unwrap_err();
        assert!(
            e.is_invalid_input() && e.check() == Check::TrustedRoot,
            "{file} {edit}: {e}"
        );
    }
    // Not JSON; too large.
    let mut files = repo.build();
    files
        .metadata
        .insert("timestamp.json".into(), b"{\"signed\":".to_vec());
    assert_eq!(
        run(&files, None, NOW).unwrap_err().code(),
        "invalid-trusted-root"
    );
    files.metadata.insert(
        "timestamp.json".into(),
        vec![b' '; sigverify::limits::MAX_TUF_TIMESTAMP_BYTES + 1],
    );
    assert_eq!(run(&files, None, NOW).unwrap_err().code(), "limit-exceeded");
}

#[test]
fn the_starting_root_must_be_self_signed() {
    let repo = repo();
    let files = repo.build();
    let doc = edit_doc(&files.metadata["1.root.json"], |v| {
        v["signatures"].as_array_mut().unwrap().truncate(1);
    });
    let e = TufClient::new(&doc).unwrap_err();
    assert_eq!(e.code(), "signature-invalid", "{e}");
    assert!(
        e.to_string().contains("signed by 1 of its own root keys"),
        "{e}"
    );
}
