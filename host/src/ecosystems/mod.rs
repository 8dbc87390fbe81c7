//! Ecosystem requests: one per registry call, for every face. Each is built from what the
//! caller gave (`...Request`, plain fields), checked by `validate()` (which arguments are
//! required, which exclude each other, what the artifact is) while the caller's values are at
//! hand, and verified by `run()` (documents read, artifacts hashed as a stream, the core's
//! adapter called) wherever the face likes: after releasing the GIL, on a worker thread.

pub mod bcr;
pub mod conda;
pub mod github;
pub mod github_release;
pub mod npm;
pub mod pylock;
pub mod pypi;
pub mod sidecar;
