//! The host's request for `sigverify::ecosystems::conda`. Issue 19.
