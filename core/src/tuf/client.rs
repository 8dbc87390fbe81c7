//! The TUF client workflow (TUF specification §5, "Detailed client workflow") as a state
//! machine without I/O: it asks for one file at a time ([`Updater::next_request`]), the caller
//! fetches it however it likes and hands the bytes back ([`Updater::provide`]).

use std::collections::{BTreeMap, BTreeSet};

use super::metadata::{
    check_length_and_hashes, check_size, count_signatures, refused, role_file_name, Envelope,
    MetaFile, Root, Snapshot, TargetFile, Targets, Timestamp,
};
use super::state::TufState;
use crate::crypto::Backend;
use crate::error::{Check, Error};
use crate::limits;
use crate::npm_keys::RegistryKeys;
use crate::time::format_time;
use crate::trust_root::TrustedRoot;

/// The embedded TUF `root.json` of the Sigstore public-good repository
/// (tuf-repo-cdn.sigstore.dev), the starting point of [`TufClient::public_good`].
pub const PUBLIC_GOOD_ROOT: &[u8] = include_bytes!("../../roots/public-good.root.json");
/// The embedded TUF `root.json` of the Sigstore staging repository (tuf-repo-cdn.sigstage.dev).
pub const STAGING_ROOT: &[u8] = include_bytes!("../../roots/staging.root.json");

/// The target holding the Sigstore trusted root.
pub const TRUSTED_ROOT_TARGET: &str = "trusted_root.json";
/// The target holding the npm registry's keys (delegated to the `registry.npmjs.org` role in
/// the public-good repository).
pub const NPM_KEYS_TARGET: &str = "registry.npmjs.org/keys.json";

/// Options of a TUF update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateOptions {
    /// Accept metadata whose `expires` time has passed (TUF §5.3.10, §5.4.4, §5.5.6, §5.6.5
    /// refuse it: expired metadata is how a freeze attack serves an old, vulnerable state
    /// forever). When set, every expired role is listed in [`TufUpdate::expired`] with how
    /// long ago it expired, and the caller decides what to do. Default: refused.
    pub accept_expired_metadata_unsafe: bool,
}

/// What kind of file a [`Request`] asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// The next root version, `N.root.json` (TUF §5.3.2). Optional: answer `None` when the
    /// repository has no such version, and the walk ends there.
    Root,
    /// `timestamp.json` (TUF §5.4).
    Timestamp,
    /// The snapshot, `VERSION.snapshot.json` or `snapshot.json` (TUF §5.5).
    Snapshot,
    /// Top-level or delegated targets metadata, `VERSION.ROLE.json` or `ROLE.json` (TUF §5.6,
    /// §5.7).
    Targets,
    /// A target file, `DIR/HASH.NAME` or `DIR/NAME` (TUF §5.7.3).
    Target,
}

/// One file the update needs. Metadata files live under the repository's metadata URL, target
/// files under its targets URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    kind: RequestKind,
    role: String,
    version: Option<u64>,
    target_path: Option<String>,
    name: String,
    plain_name: String,
    max_length: u64,
}

impl Request {
    /// What kind of file this is.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// The role: `root`, `timestamp`, `snapshot`, `targets`, a delegated role's name, or for a
    /// target file the role whose metadata lists it.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The metadata version asked for (roots; snapshot and targets roles).
    pub fn version(&self) -> Option<u64> {
        self.version
    }

    /// For a target file, its target path (`registry.npmjs.org/keys.json`).
    pub fn target_path(&self) -> Option<&str> {
        self.target_path.as_deref()
    }

    /// The file's name as the specification publishes it, relative to the metadata or targets
    /// URL: with the version or hash prefix when the root sets `consistent_snapshot`
    /// (`16.root.json`, `timestamp.json`, `165.snapshot.json`,
    /// `registry.npmjs.org/160677eb….keys.json`). Delegated role names are percent-encoded.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name without a version or hash prefix (`snapshot.json`, `registry.npmjs.org/keys.json`;
    /// roots keep their version: `16.root.json`), for mirrors and caches that store the
    /// current files only. Whatever name the bytes come from, they are checked the same way.
    pub fn plain_name(&self) -> &str {
        &self.plain_name
    }

    /// The most bytes the answer may have: the length the signed metadata states, or a limit
    /// of [`crate::limits`]. A longer answer is refused; stop downloading there.
    pub fn max_length(&self) -> u64 {
        self.max_length
    }

    /// True for a target file (fetch from the targets URL), false for metadata.
    pub fn is_target(&self) -> bool {
        self.kind == RequestKind::Target
    }
}

/// A role whose metadata had expired, accepted only through
/// [`UpdateOptions::accept_expired_metadata_unsafe`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExpiredMetadata {
    /// The role (`root`, `timestamp`, ...).
    pub role: String,
    /// The version of its metadata.
    pub version: u64,
    /// Its `expires` time, Unix seconds.
    pub expires: i64,
    /// How long before the update's time it expired, in seconds (0 when it expired exactly then).
    pub age_seconds: i64,
}

/// The outcome of a successful update: trusted material ready for the verifier, and what to
/// persist for the next update.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TufUpdate {
    /// The verified `trusted_root.json`, parsed: build a [`crate::Verifier`] from it.
    pub trusted_root: TrustedRoot,
    /// The verified `trusted_root.json` bytes.
    pub trusted_root_json: Vec<u8>,
    /// The verified npm registry keys, when the repository delegates
    /// `registry.npmjs.org/keys.json` (the public-good one does).
    pub npm_keys: Option<RegistryKeys>,
    /// The verified `registry.npmjs.org/keys.json` bytes.
    pub npm_keys_json: Option<Vec<u8>>,
    /// The newest verified TUF `root.json`: persist it and start the next update from it.
    pub root_json: Vec<u8>,
    /// The versions to persist and hand to the next update.
    pub state: TufState,
    /// Expired metadata accepted through [`UpdateOptions::accept_expired_metadata_unsafe`];
    /// always empty otherwise.
    pub expired: Vec<ExpiredMetadata>,
}

impl TufUpdate {
    /// How long ago the stalest accepted metadata expired, in seconds; `None` when everything
    /// was fresh.
    pub fn expired_for_seconds(&self) -> Option<i64> {
        self.expired.iter().map(|e| e.age_seconds).max()
    }
}

/// A TUF client anchored in one trusted `root.json`. Cheap to share; each update is an
/// [`Updater`] of its own.
#[derive(Clone, Debug)]
pub struct TufClient {
    root: Root,
    root_json: Vec<u8>,
    backend: Backend,
    options: UpdateOptions,
}

/// The file the root walk or a search waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goal {
    TrustedRoot,
    NpmKeys,
}

impl Goal {
    fn path(self) -> &'static str {
        match self {
            Goal::TrustedRoot => TRUSTED_ROOT_TARGET,
            Goal::NpmKeys => NPM_KEYS_TARGET,
        }
    }

    /// The trusted root must be in every repository; npm keys only in those that have them.
    fn is_required(self) -> bool {
        self == Goal::TrustedRoot
    }

    fn next(self) -> Option<Goal> {
        match self {
            Goal::TrustedRoot => Some(Goal::NpmKeys),
            Goal::NpmKeys => None,
        }
    }
}

/// TUF §5.7.2: the preorder depth-first search of the delegation graph for one target.
#[derive(Clone, Debug)]
struct Search {
    goal: Goal,
    /// (role, delegating role) still to visit; the last is next.
    stack: Vec<(String, String)>,
    visited: BTreeSet<(String, String)>,
    visited_count: usize,
}

#[derive(Clone, Debug)]
enum Phase {
    Root,
    Timestamp,
    Snapshot,
    Targets,
    /// Waiting for the metadata of `role` (delegated by `parent`) during `search`.
    Delegated {
        search: Search,
        role: String,
        parent: String,
    },
    /// Waiting for a target file listed by `role`.
    Target {
        goal: Goal,
        role: String,
        file: TargetFile,
    },
    Done,
    Failed(Error),
}

/// One update in progress: a TUF §5 client state machine that does no I/O.
///
/// ```no_run
/// # use sigverify::tuf::TufClient;
/// # fn fetch(_: &sigverify::tuf::Request) -> Option<Vec<u8>> { None }
/// # let now = 0;
/// let client = TufClient::public_good()?;
/// let mut updater = client.start(None, now);
/// while let Some(request) = updater.next_request() {
///     let bytes = fetch(request); // the caller's HTTP client, mirror or cache
///     updater.provide(bytes.as_deref())?;
/// }
/// let update = updater.finish()?;
/// # let _ = update;
/// # Ok::<(), sigverify::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Updater {
    backend: Backend,
    options: UpdateOptions,
    now: i64,
    /// The caller's saved state; cleared of timestamp and snapshot versions when their keys
    /// rotate (§5.3.11).
    saved: TufState,
    root: Root,
    root_json: Vec<u8>,
    rotations: u64,
    /// Timestamp and snapshot key ids of the root the saved state was made with (§5.3.11).
    saved_role_keys: Option<(Vec<String>, Vec<String>)>,
    timestamp: Option<Timestamp>,
    snapshot: Option<Snapshot>,
    /// Verified targets metadata by role name (`targets` and delegated roles).
    targets: BTreeMap<String, Targets>,
    trusted_root: Option<(TrustedRoot, Vec<u8>)>,
    npm_keys: Option<(RegistryKeys, Vec<u8>)>,
    expired: Vec<ExpiredMetadata>,
    phase: Phase,
    request: Option<Request>,
}

fn role_key_ids(root: &Root) -> Result<(Vec<String>, Vec<String>), Error> {
    let ids = |name: &str| -> Result<Vec<String>, Error> {
        Ok(root
            .role(name)?
            .keyid_set()
            .into_iter()
            .map(str::to_owned)
            .collect())
    };
    Ok((ids("timestamp")?, ids("snapshot")?))
}

impl TufClient {
    /// A client anchored in `root_json`, a TUF root the caller trusts (shipped with the
    /// application, or the [`TufUpdate::root_json`] of the last update). It must be signed by a
    /// threshold of its own root keys (TUF §5.2); its expiry does not matter yet.
    pub fn new(root_json: &[u8]) -> Result<TufClient, Error> {
        TufClient::with_options(root_json, UpdateOptions::default(), Backend::default())
    }

    /// A client with explicit options and crypto backend.
    pub fn with_options(
        root_json: &[u8],
        options: UpdateOptions,
        backend: Backend,
    ) -> Result<TufClient, Error> {
        check_size(
            root_json,
            limits::MAX_TUF_ROOT_BYTES as u64,
            "TUF root metadata size in bytes",
        )?;
        let (root, env) = Root::parse(root_json, backend)?;
        let (n, threshold) = root.signatures_by(backend, "root", &env)?;
        if (n as u64) < threshold {
            return Err(Error::SignatureInvalid {
                check: Check::TrustedRoot,
                what: format!(
                    "TUF root version {} (signed by {n} of its own root keys; threshold {threshold})",
                    root.version
                ),
            });
        }
        Ok(TufClient {
            root,
            root_json: root_json.to_vec(),
            backend,
            options,
        })
    }

    /// A client anchored in the embedded Sigstore public-good TUF root.
    pub fn public_good() -> Result<TufClient, Error> {
        TufClient::new(PUBLIC_GOOD_ROOT)
    }

    /// A client anchored in the embedded Sigstore staging TUF root.
    pub fn staging() -> Result<TufClient, Error> {
        TufClient::new(STAGING_ROOT)
    }

    /// The version of the root this client starts from.
    pub fn root_version(&self) -> u64 {
        self.root.version
    }

    /// Starts an update at `now` (Unix seconds: the "fixed update start time" of TUF §5.1,
    /// against which every expiry is checked), refusing rollbacks below `saved`.
    pub fn start(&self, saved: Option<&TufState>, now: i64) -> Updater {
        let saved = saved.cloned().unwrap_or_default();
        // The timestamp and snapshot keys to compare with the final root's (§5.3.11): those of
        // the root the state was saved with, recorded during the walk; when that root is older
        // than the starting root, the starting root's (stricter: a rotation in between is not
        // seen, so the saved versions keep binding).
        let saved_role_keys = if saved.root_version <= self.root.version {
            role_key_ids(&self.root).ok()
        } else {
            None
        };
        let mut u = Updater {
            backend: self.backend,
            options: self.options,
            now,
            saved,
            root: self.root.clone(),
            root_json: self.root_json.clone(),
            rotations: 0,
            saved_role_keys,
            timestamp: None,
            snapshot: None,
            targets: BTreeMap::new(),
            trusted_root: None,
            npm_keys: None,
            expired: Vec::new(),
            phase: Phase::Root,
            request: None,
        };
        u.request = Some(u.root_request());
        u
    }

    /// Runs a whole update, asking `fetch` for each file (`None`: not available). For a root
    /// version, `None` ends the walk (the repository has no newer root); for any other file it
    /// fails the update. See [`Request`] for names and where files live.
    pub fn update(
        &self,
        saved: Option<&TufState>,
        now: i64,
        mut fetch: impl FnMut(&Request) -> Option<Vec<u8>>,
    ) -> Result<TufUpdate, Error> {
        let mut updater = self.start(saved, now);
        while let Some(request) = updater.next_request() {
            let bytes = fetch(request);
            updater.provide(bytes.as_deref())?;
        }
        updater.finish()
    }

    /// Runs a whole update from two folder-like maps of file name → bytes, one for metadata and
    /// one for targets. Each file is looked up by [`Request::name`], then by
    /// [`Request::plain_name`] (a mirror that keeps only the current files).
    pub fn update_from_files(
        &self,
        saved: Option<&TufState>,
        now: i64,
        metadata: &dyn Fn(&str) -> Option<Vec<u8>>,
        targets: &dyn Fn(&str) -> Option<Vec<u8>>,
    ) -> Result<TufUpdate, Error> {
        self.update(saved, now, |r| {
            let files = if r.is_target() { targets } else { metadata };
            files(r.name()).or_else(|| {
                if r.plain_name() != r.name() {
                    files(r.plain_name())
                } else {
                    None
                }
            })
        })
    }
}

impl Updater {
    /// The next file the update needs, or `None` when it is over (then call
    /// [`Updater::finish`]).
    pub fn next_request(&self) -> Option<&Request> {
        self.request.as_ref()
    }

    /// Hands over the file [`Updater::next_request`] asked for (`None`: not available) and
    /// checks it. On an error the update is over: later calls return the same error.
    pub fn provide(&mut self, file: Option<&[u8]>) -> Result<(), Error> {
        if let Phase::Failed(e) = &self.phase {
            return Err(e.clone());
        }
        if self.request.is_none() {
            return Err(refused(
                "update",
                "a file was provided, but none was requested (the update is over)",
            ));
        }
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        self.request = None;
        match self.step(phase, file) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.phase = Phase::Failed(e.clone());
                self.request = None;
                Err(e)
            }
        }
    }

    /// The result, once [`Updater::next_request`] returns `None`.
    pub fn finish(self) -> Result<TufUpdate, Error> {
        match self.phase {
            Phase::Done => {}
            Phase::Failed(e) => return Err(e),
            _ => {
                let waiting = self
                    .request
                    .as_ref()
                    .map(|r| r.name().to_owned())
                    .unwrap_or_default();
                return Err(refused(
                    "update",
                    format!("not finished: it still needs {waiting}"),
                ));
            }
        }
        let (Some(timestamp), Some(snapshot), Some((trusted_root, trusted_root_json))) =
            (self.timestamp, self.snapshot, self.trusted_root)
        else {
            return Err(refused("update", "not finished"));
        };
        let (npm_keys, npm_keys_json) = match self.npm_keys {
            Some((k, j)) => (Some(k), Some(j)),
            None => (None, None),
        };
        Ok(TufUpdate {
            trusted_root,
            trusted_root_json,
            npm_keys,
            npm_keys_json,
            root_json: self.root_json,
            state: TufState {
                root_version: self.root.version,
                timestamp_version: timestamp.version,
                snapshot_version: snapshot.version,
                targets_versions: snapshot
                    .meta
                    .iter()
                    .map(|(name, m)| (name.clone(), m.version))
                    .collect(),
            },
            expired: self.expired,
        })
    }

    fn step(&mut self, phase: Phase, file: Option<&[u8]>) -> Result<(), Error> {
        match phase {
            Phase::Root => match file {
                Some(bytes) => {
                    self.update_root(bytes)?;
                    if self.rotations >= limits::MAX_TUF_ROOT_ROTATIONS {
                        self.finish_roots()
                    } else {
                        self.phase = Phase::Root;
                        self.request = Some(self.root_request());
                        Ok(())
                    }
                }
                None => self.finish_roots(),
            },
            Phase::Timestamp => {
                let bytes = required(file, "timestamp", "timestamp.json")?;
                self.update_timestamp(bytes)
            }
            Phase::Snapshot => {
                let bytes = required(file, "snapshot", "snapshot.json")?;
                self.update_snapshot(bytes)
            }
            Phase::Targets => {
                let bytes = required(file, "targets", "targets.json")?;
                self.update_targets(bytes)?;
                self.search(Search::new(Goal::TrustedRoot))
            }
            Phase::Delegated {
                search,
                role,
                parent,
            } => {
                let bytes = required(file, &role, &format!("{role}.json"))?;
                self.update_delegated(&role, &parent, bytes)?;
                self.search(search)
            }
            Phase::Target {
                goal,
                role,
                file: info,
            } => {
                let bytes = required(file, goal.path(), goal.path())?;
                self.accept_target(goal, &role, &info, bytes)?;
                match goal.next() {
                    Some(g) => self.search(Search::new(g)),
                    None => {
                        self.phase = Phase::Done;
                        Ok(())
                    }
                }
            }
            Phase::Done | Phase::Failed(_) => Err(refused("update", "the update is over")),
        }
    }

    fn root_request(&self) -> Request {
        let version = self.root.version.saturating_add(1);
        let name = format!("{version}.root.json");
        Request {
            kind: RequestKind::Root,
            role: "root".into(),
            version: Some(version),
            target_path: None,
            plain_name: name.clone(),
            name,
            max_length: limits::MAX_TUF_ROOT_BYTES as u64,
        }
    }

    fn metadata_request(
        &self,
        kind: RequestKind,
        role: &str,
        meta: &MetaFile,
        default_max: usize,
    ) -> Request {
        let plain = format!("{}.json", role_file_name(role));
        Request {
            kind,
            role: role.to_owned(),
            version: Some(meta.version),
            target_path: None,
            name: if self.root.consistent_snapshot {
                format!("{}.{plain}", meta.version)
            } else {
                plain.clone()
            },
            plain_name: plain,
            max_length: meta.length.unwrap_or(default_max as u64),
        }
    }

    /// TUF §5.1 / §5.3.10 / §5.4.4 / §5.5.6 / §5.6.5: metadata must expire after the update's
    /// start time, unless the caller accepts expired metadata explicitly.
    fn check_expiry(&mut self, role: &str, version: u64, expires: i64) -> Result<(), Error> {
        if self.now < expires {
            return Ok(());
        }
        if self.options.accept_expired_metadata_unsafe {
            self.expired.push(ExpiredMetadata {
                role: role.to_owned(),
                version,
                expires,
                age_seconds: self.now.saturating_sub(expires),
            });
            return Ok(());
        }
        Err(Error::TimeOutsideValidity {
            check: Check::TrustedRoot,
            what: format!(
                "TUF {role} metadata version {version} has expired (refused; only \
                 accept_expired_metadata_unsafe accepts it)"
            ),
            time: format_time(self.now),
            window: format!("..{} (exclusive)", format_time(expires)),
        })
    }

    /// TUF §5.3.3–§5.3.6: the next root, version N+1, signed by a threshold of the trusted
    /// root's root keys and by a threshold of its own.
    fn update_root(&mut self, bytes: &[u8]) -> Result<(), Error> {
        check_size(
            bytes,
            limits::MAX_TUF_ROOT_BYTES as u64,
            "TUF root metadata size in bytes",
        )?;
        let (new, env) = Root::parse(bytes, self.backend)?;
        let expected = self.root.version.saturating_add(1);
        let (n_old, t_old) = self.root.signatures_by(self.backend, "root", &env)?;
        if (n_old as u64) < t_old {
            return Err(Error::SignatureInvalid {
                check: Check::TrustedRoot,
                what: format!(
                    "TUF root version {} (signed by {n_old} of the root keys of trusted root \
                     version {}; threshold {t_old})",
                    new.version, self.root.version
                ),
            });
        }
        let (n_new, t_new) = new.signatures_by(self.backend, "root", &env)?;
        if (n_new as u64) < t_new {
            return Err(Error::SignatureInvalid {
                check: Check::TrustedRoot,
                what: format!(
                    "TUF root version {} (signed by {n_new} of its own root keys; threshold \
                     {t_new})",
                    new.version
                ),
            });
        }
        // §5.3.5: exactly N+1, so no version can be skipped or replayed.
        if new.version != expected {
            return Err(refused(
                "root",
                format!(
                    "asked for version {expected} (the trusted root is version {}), the file is \
                     version {}",
                    self.root.version, new.version
                ),
            ));
        }
        // §5.3.6: the expiry of an intermediate root does not matter; only the final one's.
        if new.version == self.saved.root_version {
            self.saved_role_keys = role_key_ids(&new).ok();
        }
        self.root = new;
        self.root_json = bytes.to_vec();
        self.rotations += 1;
        Ok(())
    }

    /// TUF §5.3.10–§5.3.12: the final root must be fresh and not older than the saved state; if
    /// the timestamp or snapshot keys rotated since the saved state, their saved versions no
    /// longer bind (a key compromise must not lock clients out of a repaired repository).
    fn finish_roots(&mut self) -> Result<(), Error> {
        if self.root.version < self.saved.root_version {
            return Err(refused(
                "root",
                format!(
                    "rollback: the newest root available is version {}, but version {} was \
                     already trusted (saved state)",
                    self.root.version, self.saved.root_version
                ),
            ));
        }
        self.check_expiry("root", self.root.version, self.root.expires)?;
        let now_keys = role_key_ids(&self.root)?;
        if let Some((ts, snap)) = &self.saved_role_keys {
            if *ts != now_keys.0 || *snap != now_keys.1 {
                self.saved.timestamp_version = 0;
                self.saved.snapshot_version = 0;
                self.saved.targets_versions.clear();
            }
        }
        self.phase = Phase::Timestamp;
        self.request = Some(Request {
            kind: RequestKind::Timestamp,
            role: "timestamp".into(),
            version: None,
            target_path: None,
            name: "timestamp.json".into(),
            plain_name: "timestamp.json".into(),
            max_length: limits::MAX_TUF_TIMESTAMP_BYTES as u64,
        });
        Ok(())
    }

    /// TUF §5.4: timestamp metadata.
    fn update_timestamp(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let role = "timestamp";
        check_size(
            bytes,
            limits::MAX_TUF_TIMESTAMP_BYTES as u64,
            "TUF timestamp metadata size in bytes",
        )?;
        let (ts, env) = Timestamp::parse(bytes)?;
        // §5.4.2: a threshold of the timestamp role's keys of the trusted root.
        self.check_threshold(role, ts.version, &env)?;
        // §5.4.3: no rollback of the timestamp, nor of the snapshot version it names.
        if ts.version < self.saved.timestamp_version {
            return Err(refused(
                role,
                format!(
                    "rollback: version {}, but version {} was already trusted (saved state)",
                    ts.version, self.saved.timestamp_version
                ),
            ));
        }
        if ts.snapshot.version < self.saved.snapshot_version {
            return Err(refused(
                role,
                format!(
                    "rollback: it names snapshot version {}, but version {} was already \
                     trusted (saved state)",
                    ts.snapshot.version, self.saved.snapshot_version
                ),
            ));
        }
        // §5.4.4: freeze attack.
        self.check_expiry(role, ts.version, ts.expires)?;
        self.phase = Phase::Snapshot;
        self.request = Some(self.metadata_request(
            RequestKind::Snapshot,
            "snapshot",
            &ts.snapshot,
            limits::MAX_TUF_SNAPSHOT_BYTES,
        ));
        self.timestamp = Some(ts);
        Ok(())
    }

    /// TUF §5.5: snapshot metadata.
    fn update_snapshot(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let role = "snapshot";
        let listed = self
            .timestamp
            .as_ref()
            .map(|t| t.snapshot.clone())
            .ok_or_else(|| refused(role, "no verified timestamp"))?;
        // A stated length is checked exactly below; otherwise the default bound applies.
        if listed.length.is_none() {
            check_size(
                bytes,
                limits::MAX_TUF_SNAPSHOT_BYTES as u64,
                "TUF snapshot metadata size in bytes",
            )?;
        }
        // §5.5.2: the length and hashes the timestamp states, when it states them.
        check_length_and_hashes(
            self.backend,
            role,
            "snapshot.json",
            listed.length,
            &listed.hashes,
            bytes,
        )?;
        let (snap, env) = Snapshot::parse(bytes)?;
        // §5.5.3: a threshold of the snapshot role's keys.
        self.check_threshold(role, snap.version, &env)?;
        // §5.5.4: the version the timestamp names.
        if snap.version != listed.version {
            return Err(refused(
                role,
                format!(
                    "version {}, the timestamp names version {}",
                    snap.version, listed.version
                ),
            ));
        }
        // §5.5.5: no targets metadata file may disappear or roll back.
        for (name, &saved) in &self.saved.targets_versions {
            match snap.meta.get(name) {
                None => {
                    return Err(refused(
                        role,
                        format!(
                            "rollback: {name} is no longer listed (version {saved} was already \
                             trusted, saved state)"
                        ),
                    ))
                }
                Some(m) if m.version < saved => {
                    return Err(refused(
                        role,
                        format!(
                            "rollback: it lists {name} version {}, but version {saved} was \
                             already trusted (saved state)",
                            m.version
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        // §5.5.6: freeze attack.
        self.check_expiry(role, snap.version, snap.expires)?;
        let targets_meta = snap
            .meta
            .get("targets.json")
            .cloned()
            .ok_or_else(|| refused(role, "does not list targets.json"))?;
        self.phase = Phase::Targets;
        self.request = Some(self.metadata_request(
            RequestKind::Targets,
            "targets",
            &targets_meta,
            limits::MAX_TUF_TARGETS_BYTES,
        ));
        self.snapshot = Some(snap);
        Ok(())
    }

    /// The snapshot's entry for a targets role (§5.6.1, §5.7.2).
    fn snapshot_meta(&self, role: &str) -> Result<MetaFile, Error> {
        let snap = self
            .snapshot
            .as_ref()
            .ok_or_else(|| refused(role, "no verified snapshot"))?;
        let file = format!("{role}.json");
        snap.meta
            .get(&file)
            .cloned()
            .ok_or_else(|| refused(role, format!("the snapshot does not list {file}")))
    }

    /// §5.6.2 and §5.6.4 (§5.7 for delegated roles): length, hashes and version as the
    /// snapshot lists them, and §5.6.5 expiry; the signatures are checked by the caller.
    fn check_targets_file(
        &mut self,
        role: &str,
        bytes: &[u8],
    ) -> Result<(Targets, Envelope, MetaFile), Error> {
        let listed = self.snapshot_meta(role)?;
        if listed.length.is_none() {
            check_size(
                bytes,
                limits::MAX_TUF_TARGETS_BYTES as u64,
                "TUF targets metadata size in bytes",
            )?;
        }
        check_length_and_hashes(
            self.backend,
            role,
            &format!("{role}.json"),
            listed.length,
            &listed.hashes,
            bytes,
        )?;
        let (targets, env) = Targets::parse(role, bytes, self.backend)?;
        Ok((targets, env, listed))
    }

    fn check_targets_version_and_expiry(
        &mut self,
        role: &str,
        targets: &Targets,
        listed: &MetaFile,
    ) -> Result<(), Error> {
        if targets.version != listed.version {
            return Err(refused(
                role,
                format!(
                    "version {}, the snapshot lists version {}",
                    targets.version, listed.version
                ),
            ));
        }
        self.check_expiry(role, targets.version, targets.expires)
    }

    /// TUF §5.6: top-level targets metadata.
    fn update_targets(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let role = "targets";
        let (targets, env, listed) = self.check_targets_file(role, bytes)?;
        // §5.6.3: a threshold of the targets role's keys of the root.
        self.check_threshold(role, targets.version, &env)?;
        self.check_targets_version_and_expiry(role, &targets, &listed)?;
        self.targets.insert(role.to_owned(), targets);
        Ok(())
    }

    /// TUF §5.7.2: a delegated targets role, signed by a threshold of the keys its delegating
    /// role names for it.
    fn update_delegated(&mut self, role: &str, parent: &str, bytes: &[u8]) -> Result<(), Error> {
        let (targets, env, listed) = self.check_targets_file(role, bytes)?;
        let delegations = self
            .targets
            .get(parent)
            .and_then(|t| t.delegations.as_ref())
            .ok_or_else(|| refused(role, format!("{parent} does not delegate it")))?;
        let delegation = delegations
            .roles
            .iter()
            .find(|d| d.name == role)
            .ok_or_else(|| refused(role, format!("{parent} does not delegate it")))?;
        let n = count_signatures(self.backend, &env, &delegations.keys, &delegation.keys);
        if (n as u64) < delegation.keys.threshold {
            return Err(Error::SignatureInvalid {
                check: Check::TrustedRoot,
                what: format!(
                    "TUF delegated targets role {role:?} version {} (signed by {n} of the keys \
                     {parent} delegates it to; threshold {})",
                    targets.version, delegation.keys.threshold
                ),
            });
        }
        self.check_targets_version_and_expiry(role, &targets, &listed)?;
        self.targets.insert(role.to_owned(), targets);
        Ok(())
    }

    /// A threshold of the top-level role's keys of the trusted (final) root.
    fn check_threshold(&self, role: &str, version: u64, env: &Envelope) -> Result<(), Error> {
        let (n, threshold) = self.root.signatures_by(self.backend, role, env)?;
        if (n as u64) < threshold {
            return Err(Error::SignatureInvalid {
                check: Check::TrustedRoot,
                what: format!(
                    "TUF {role} metadata version {version} (signed by {n} of the {role} keys of \
                     root version {}; threshold {threshold})",
                    self.root.version
                ),
            });
        }
        Ok(())
    }

    /// TUF §5.7.2: preorder depth-first search for the goal's target path. Asks for the next
    /// delegated role it needs, or for the target file once a role lists it.
    fn search(&mut self, mut s: Search) -> Result<(), Error> {
        let path = s.goal.path();
        while s.visited_count < limits::MAX_TUF_DELEGATIONS {
            let Some((role, parent)) = s.stack.last().cloned() else {
                break;
            };
            if s.visited.contains(&(role.clone(), parent.clone())) {
                s.stack.pop();
                continue;
            }
            if !self.targets.contains_key(&role) {
                let listed = self.snapshot_meta(&role)?;
                self.request = Some(self.metadata_request(
                    RequestKind::Targets,
                    &role,
                    &listed,
                    limits::MAX_TUF_TARGETS_BYTES,
                ));
                self.phase = Phase::Delegated {
                    search: s,
                    role,
                    parent,
                };
                return Ok(());
            }
            s.stack.pop();
            let Some(targets) = self.targets.get(&role) else {
                continue;
            };
            if let Some(file) = targets.targets.get(path) {
                let file = file.clone();
                self.request = Some(self.target_request(&role, path, &file));
                self.phase = Phase::Target {
                    goal: s.goal,
                    role,
                    file,
                };
                return Ok(());
            }
            s.visited.insert((role.clone(), parent));
            s.visited_count += 1;
            if let Some(d) = &targets.delegations {
                let mut children = Vec::new();
                for child in &d.roles {
                    if child.is_delegated_path(path, self.backend) {
                        children.push((child.name.clone(), role.clone()));
                        if child.terminating {
                            // A terminating role ends the search: nothing after it, nor
                            // anything still waiting, is consulted.
                            s.stack.clear();
                            break;
                        }
                    }
                }
                s.stack.extend(children.into_iter().rev());
            }
        }
        if s.goal.is_required() {
            return Err(refused(
                path,
                "no targets role of the repository lists this target",
            ));
        }
        match s.goal.next() {
            Some(g) => self.search(Search::new(g)),
            None => {
                self.phase = Phase::Done;
                Ok(())
            }
        }
    }

    fn target_request(&self, role: &str, path: &str, file: &TargetFile) -> Request {
        // The consistent-snapshot name uses a hash the metadata lists (sha256 when listed).
        let hash = file
            .hashes
            .iter()
            .find(|(alg, _)| alg == "sha256")
            .or_else(|| file.hashes.first())
            .map(|(_, d)| hex::encode(d))
            .unwrap_or_default();
        let name = if self.root.consistent_snapshot {
            match path.rsplit_once('/') {
                Some((dir, base)) => format!("{dir}/{hash}.{base}"),
                None => format!("{hash}.{path}"),
            }
        } else {
            path.to_owned()
        };
        Request {
            kind: RequestKind::Target,
            role: role.to_owned(),
            version: None,
            target_path: Some(path.to_owned()),
            name,
            plain_name: path.to_owned(),
            max_length: file.length,
        }
    }

    /// TUF §5.7.3: the target's length and hashes as the verified metadata lists them; then
    /// the document must parse as what it is.
    fn accept_target(
        &mut self,
        goal: Goal,
        role: &str,
        file: &TargetFile,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let path = goal.path();
        check_size(
            bytes,
            limits::MAX_TUF_TARGET_FILE_BYTES as u64,
            "TUF target file size in bytes",
        )?;
        check_length_and_hashes(
            self.backend,
            path,
            &format!("target listed by {role}"),
            Some(file.length),
            &file.hashes,
            bytes,
        )?;
        match goal {
            Goal::TrustedRoot => {
                self.trusted_root = Some((TrustedRoot::from_json(bytes)?, bytes.to_vec()));
            }
            Goal::NpmKeys => {
                self.npm_keys = Some((RegistryKeys::from_json(bytes)?, bytes.to_vec()));
            }
        }
        Ok(())
    }
}

impl Search {
    fn new(goal: Goal) -> Search {
        Search {
            goal,
            stack: vec![("targets".to_owned(), "root".to_owned())],
            visited: BTreeSet::new(),
            visited_count: 0,
        }
    }
}

fn required<'a>(file: Option<&'a [u8]>, role: &str, name: &str) -> Result<&'a [u8], Error> {
    file.ok_or_else(|| {
        refused(
            role,
            format!("{name} was not provided (the repository must have it)"),
        )
    })
}
