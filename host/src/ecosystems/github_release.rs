//! The host's request for `sigverify::ecosystems::github_release`. Issue 19.
