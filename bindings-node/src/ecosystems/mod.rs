//! `pypi`, `npm`, `github`: the host's ecosystem requests (`sigverify_host::ecosystems`), as
//! namespaces of the package (`require('sigverify').pypi`), one file each.
//!
//! Each call reads its JavaScript arguments into the host's `Request` and validates it on the
//! JavaScript thread; the host's `Job` then runs off the thread or on it (the `Sync` twins)
//! through [`crate::task`].

// In `cargo test` builds nothing registers the `#[napi]` functions with N-API, so they look
// unused there.
#![cfg_attr(test, allow(dead_code))]

use std::sync::Arc;

use sigverify_host::Failure;

use crate::inputs::Fields;

pub(crate) mod bcr;
pub(crate) mod conda;
pub(crate) mod github;
pub(crate) mod model;
pub(crate) mod npm;
pub(crate) mod pylock;
pub(crate) mod pypi;
pub(crate) mod release;

/// An optional `Verifier` field.
fn verifier(o: &Fields<'_>, name: &str) -> Result<Option<Arc<sigverify::Verifier>>, Failure> {
    o.read(name, crate::verifier::arg)
}

/// An optional `Policy` field.
fn policy(o: &Fields<'_>) -> Result<Option<Arc<sigverify::Policy>>, Failure> {
    o.read("policy", crate::policy::arg)
}
