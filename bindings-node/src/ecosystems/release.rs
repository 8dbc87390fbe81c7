//! The Node face of `sigverify_host::ecosystems::github_release`. Issue 19.
