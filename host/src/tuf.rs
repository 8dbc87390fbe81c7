//! TUF updates of a trusted root, from a repository mirrored in folders (or given as files in
//! memory), with one path-safety rule for every face.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use sigverify::limits::Document;
use sigverify::tuf::{TufClient, TufState, TufUpdate, UpdateOptions};

use crate::{Failure, Instance};

/// The folder of a mirror's metadata folder that also holds the roots (`N.root.json`), as the
/// Sigstore repositories are published.
const ROOT_HISTORY: &str = "root_history";

/// The one rule for a file name a TUF update asks for (metadata `16.root.json`, target
/// `registry.npmjs.org/keys.json`): a relative path of plain components, never absolute, no
/// `..`, `.` or empty component, no backslash, NUL or drive prefix, so that it cannot leave
/// the folder on any platform.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['\\', '\0'])
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// The file `name` of a mirror folder, read up to the largest TUF limit and a byte (the
/// update refuses each file beyond its own limit): `Ok(None)` when it does not exist or its
/// name is not safe ([`is_safe_name`]: read as absent, so the update reports it missing);
/// any other read error is an error, never taken for an absent file (an unreadable newer
/// root must not pass for "no newer root").
pub fn read_mirror_file(dir: &Path, name: &str) -> std::io::Result<Option<Vec<u8>>> {
    if !is_safe_name(name) {
        return Ok(None);
    }
    match std::fs::File::open(dir.join(name)) {
        Ok(f) => crate::read_prefix(f, Document::TufFile.max_bytes()).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Where the files of one kind (metadata or targets) come from.
#[derive(Clone, Debug)]
pub enum Files {
    /// A mirror folder.
    Folder(PathBuf),
    /// File name → bytes.
    Map(HashMap<String, Vec<u8>>),
}

impl Files {
    /// The file `name`; for metadata, roots also from `root_history/`. `None` when absent; an
    /// unreadable file is recorded in `error` (the update then fails with it).
    fn get(&self, name: &str, metadata: bool, error: &RefCell<Option<Failure>>) -> Option<Vec<u8>> {
        if !is_safe_name(name) {
            return None;
        }
        let history = format!("{ROOT_HISTORY}/{name}");
        let names: &[&str] = if metadata && name.ends_with(".root.json") {
            &[name, &history]
        } else {
            &[name]
        };
        names.iter().find_map(|n| match self {
            Files::Map(m) => m.get(*n).cloned(),
            Files::Folder(dir) => match read_mirror_file(dir, n) {
                Ok(bytes) => bytes,
                Err(e) => {
                    let what = if metadata {
                        "TUF metadata"
                    } else {
                        "TUF target"
                    };
                    error
                        .borrow_mut()
                        .get_or_insert(Failure::io(what, dir.join(n), e));
                    None
                }
            },
        })
    }
}

/// A TUF update as the caller gave it.
pub struct Request {
    /// The metadata files.
    pub metadata: Files,
    /// The target files.
    pub targets: Files,
    /// The TUF root the caller trusts (exclusive with `instance`).
    pub root: Option<Vec<u8>>,
    /// `"public-good"` or `"staging"`: start from its embedded TUF root (the default:
    /// public-good).
    pub instance: Option<String>,
    /// The state of the last update, to refuse rollbacks.
    pub state: Option<Vec<u8>>,
    /// The update's time (Unix seconds); `None` reads the system clock.
    pub now: Option<i64>,
    /// Accept metadata whose `expires` has passed (unsafe: a freeze attack).
    pub accept_expired_metadata_unsafe: bool,
}

/// A checked update, ready to [`Job::run`].
pub struct Job {
    metadata: Files,
    targets: Files,
    root: Vec<u8>,
    state: Option<Vec<u8>>,
    now: i64,
    options: UpdateOptions,
}

impl Request {
    /// Checks the arguments: a root or an instance with a TUF repository, not both; the root
    /// and the state within their limits.
    pub fn validate(self) -> Result<Job, Failure> {
        let root = match (self.root, self.instance.as_deref()) {
            (Some(_), Some(_)) => return Err(Failure::argument("give root or instance, not both")),
            (Some(r), None) => {
                Document::TufRoot
                    .check_size(r.len() as u64)
                    .map_err(Failure::Load)?;
                r
            }
            (None, i) => Instance::parse(i.unwrap_or("public-good"))?
                .tuf_root()?
                .to_vec(),
        };
        if let Some(s) = &self.state {
            Document::TufState
                .check_size(s.len() as u64)
                .map_err(Failure::Load)?;
        }
        let mut options = UpdateOptions::default();
        options.accept_expired_metadata_unsafe = self.accept_expired_metadata_unsafe;
        Ok(Job {
            metadata: self.metadata,
            targets: self.targets,
            root,
            state: self.state,
            now: self.now.unwrap_or_else(crate::now),
            options,
        })
    }
}

impl Job {
    /// The update's time.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Verifies the repository: an unreadable file fails the update, even one whose absence
    /// the core tolerates (a newer root): never a silent downgrade.
    pub fn run(&self) -> Result<TufUpdate, Failure> {
        let client =
            TufClient::with_options(&self.root, self.options, sigverify::Backend::default())
                .map_err(Failure::Load)?;
        let saved = self
            .state
            .as_deref()
            .map(TufState::from_json)
            .transpose()
            .map_err(Failure::Load)?;
        let error = RefCell::new(None);
        let outcome = client.update_from_files(
            saved.as_ref(),
            self.now,
            &|n| self.metadata.get(n, true, &error),
            &|n| self.targets.get(n, false, &error),
        );
        if let Some(e) = error.into_inner() {
            return Err(e);
        }
        Ok(outcome?)
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for ok in [
            "timestamp.json",
            "16.root.json",
            "registry.npmjs.org/keys.json",
            "a/b/c",
        ] {
            assert!(is_safe_name(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a/./b",
            "./a",
            "a//b",
            "a/",
            "a\\b",
            "..\\x",
            "a\0b",
            ".",
            "..",
        ] {
            assert!(!is_safe_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn mirror_files() {
        let dir = std::env::temp_dir().join(format!("sigverify-host-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("inner")).unwrap();
        std::fs::write(dir.join("inner/a.json"), b"a").unwrap();
        assert_eq!(
            read_mirror_file(&dir, "inner/a.json").unwrap().as_deref(),
            Some(&b"a"[..])
        );
        assert_eq!(read_mirror_file(&dir, "inner/missing.json").unwrap(), None);
        std::fs::write(dir.join("outside.json"), b"o").unwrap();
        let inner = dir.join("inner");
        for name in [
            "../outside.json",
            "../inner/a.json",
            "a.json/../../outside.json",
            "./a.json",
            "",
        ] {
            assert_eq!(read_mirror_file(&inner, name).unwrap(), None, "{name}");
        }
        let abs = dir.join("outside.json");
        assert_eq!(
            read_mirror_file(&inner, abs.to_str().unwrap()).unwrap(),
            None
        );
        // A folder where a file should be is an error, not an absent file.
        assert!(read_mirror_file(&dir, "inner").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
