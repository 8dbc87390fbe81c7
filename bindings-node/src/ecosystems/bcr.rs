//! The Node face of `sigverify_host::ecosystems::bcr`. Issue 19.
