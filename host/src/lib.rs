//! The binding-neutral layer: what the CLI, the C ABI and the Python and Node packages share
//! around the core, so that no face re-decides it. Each face only converts its own types to
//! these and back (pydantic-core's and ruff's pattern).
//!
//! The core does no I/O and reads no clock; this crate is where those happen, once:
//!
//! - [`now`]: the system clock; [`guard`] / [`catch_panic`]: the panic boundary;
//! - [`Failure`], [`Class`] and [`codes`]: every failure a face reports, with its class and code;
//! - [`Data`], [`Target`]: documents and artifacts as bytes or files, read against their limit
//!   ([`read_document`]) or hashed as a stream ([`hash_file`]), and the one rule for "artifact
//!   or digest";
//! - [`Instance`]: the embedded Sigstore instances, their default options and verifiers built
//!   once ([`github_verifiers`], [`npm_keys`]);
//! - requests with one `validate()` and one `run()` each: [`batch`] (one bundle, or many in
//!   parallel), [`ecosystems`] (PyPI, npm, GitHub, Homebrew, Maven, RubyGems) and [`tuf`]
//!   (with the one path-safety rule of mirror folders).
//!
//! What makes a value valid is still the core's to decide: this layer reads, routes and hands
//! over.

use std::time::{SystemTime, UNIX_EPOCH};

pub mod batch;
pub mod ecosystems;
mod failure;
mod input;
mod instance;
mod io;
pub mod tuf;

pub use failure::{codes, guard, Class, Failure};
pub use input::{required, Data, OwnedArtifact, Target};
pub use instance::{github_verifiers, npm_keys, BuiltVerifier, Instance, VerifierRequest};
pub use io::{hash_file, read_document, read_prefix, ReadError};

pub mod model;

/// Seconds since the Unix epoch by the system clock: the "now" every face passes to the core
/// (which uses it only to refuse verified times in the future). A clock before 1970 reads as 0,
/// which refuses every bundle: fail closed.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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

#[cfg(test)]
mod tests {
    use super::*;
    use sigverify::limits::Document;
    use std::fs::File;

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
