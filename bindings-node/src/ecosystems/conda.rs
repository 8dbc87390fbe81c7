//! The Node face of `sigverify_host::ecosystems::conda`. Issue 19.
