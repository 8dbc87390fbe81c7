//! Test support: a small Sigstore instance of our own.
