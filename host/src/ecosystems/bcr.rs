//! The host's request for `sigverify::ecosystems::bcr`. Issue 19.
