//! The binding-neutral layer: what the CLI, the C ABI and the Python and Node packages share
//! around the core, so that no face re-decides it.
//!
//! The core does no I/O and reads no clock; this crate is where those happen, once: the system
//! clock ([`now`]), documents read from files against their limit ([`read_document`]), artifacts
//! hashed as a stream ([`hash_file`]), the files of a TUF mirror folder with one path-safety rule
//! ([`tuf::read_mirror_file`]), the names of the binding-level error classes
//! ([`codes`]), and the panic guard ([`catch_panic`]). What makes a value valid is still the
//! core's to decide: this layer reads and hands over.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use sigverify::limits::Document;

pub mod model;

/// Seconds since the Unix epoch by the system clock: the "now" every face passes to the core
/// (which uses it only to refuse verified times in the future). A clock before 1970 reads as 0,
/// which refuses every bundle: fail closed.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The binding-level error classes: failures that are not the core's (whose codes are
/// `sigverify::Error::code`). The same strings in C (`sigverify_result_name`), Python (`.code`)
/// and Node (`.code`).
pub mod codes {
    /// An argument of the wrong type, a missing or conflicting one.
    pub const INVALID_ARGUMENT: &str = "invalid-argument";
    /// A file could not be opened or read.
    pub const IO_ERROR: &str = "io-error";
    /// A bug: a panic caught at the boundary, or a result that cannot be converted.
    pub const INTERNAL_ERROR: &str = "internal-error";
}

/// Why a document could not be read from a file.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// It is over its limit (`sigverify::Error::LimitExceeded`).
    TooLarge(sigverify::Error),
}

/// Reads a document file against its limit ([`Document::max_bytes`]): refused from its size
/// when the file system states one, and never more than the limit and one byte read (a pipe, a
/// file that grows), so a multi-gigabyte file costs the limit, not its size.
pub fn read_document(path: &Path, doc: Document) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    if let Ok(m) = file.metadata() {
        if m.is_file() {
            doc.check_size(m.len()).map_err(ReadError::TooLarge)?;
        }
    }
    let buf = read_prefix(file, doc.max_bytes()).map_err(ReadError::Io)?;
    doc.check_size(buf.len() as u64)
        .map_err(ReadError::TooLarge)?;
    Ok(buf)
}

/// At most `limit + 1` bytes of `file`: enough for the core to see that it is over `limit` and
/// say so with its own limit.
pub fn read_prefix(file: File, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut buf)?;
    Ok(buf)
}

/// The `alg` digest of a file, hashed as a stream in 64 KiB reads (never read whole).
pub fn hash_file(path: &Path, alg: sigverify::HashAlg) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut hasher = sigverify::Backend::default().hasher(alg);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    Ok(hasher.finish())
}

/// Runs `f`, turning a panic into `Err` with its message: every face calls the core inside
/// this guard, so that a bug becomes an `internal-error`, never a crash across the boundary.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// TUF repositories mirrored in folders.
pub mod tuf {
    use std::path::{Component, Path};

    use sigverify::limits::Document;

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
            Ok(f) => super::read_prefix(f, Document::TufFile.max_bytes()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_read_against_their_limit() {
        let dir = std::env::temp_dir().join(format!("sigverify-host-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let small = dir.join("small.json");
        std::fs::write(&small, b"{}").unwrap();
        assert_eq!(read_document(&small, Document::Policy).unwrap(), b"{}");
        let big = dir.join("big.json");
        let f = File::create(&big).unwrap();
        f.set_len(Document::Policy.max_bytes() as u64 + 1).unwrap();
        match read_document(&big, Document::Policy) {
            Err(ReadError::TooLarge(e)) => assert_eq!(e.code(), "limit-exceeded"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_document(&dir.join("missing"), Document::Policy),
            Err(ReadError::Io(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn streamed_digests_and_panics() {
        let dir = std::env::temp_dir().join(format!("sigverify-host-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        let data = vec![7u8; 200_000];
        std::fs::write(&p, &data).unwrap();
        let alg = sigverify::HashAlg::Sha256;
        assert_eq!(
            hash_file(&p, alg).unwrap(),
            sigverify::Backend::default().hash(alg, &data)
        );
        assert_eq!(catch_panic(|| 5).unwrap(), 5);
        assert_eq!(
            catch_panic(|| -> u8 { panic!("boom") }).unwrap_err(),
            "boom"
        );
        let _ = std::fs::remove_dir_all(&dir);
        assert!(now() > 1_700_000_000);
    }
}
