//! Bounds against hostile input, all in one place (like sigstore-go's `internal/limits`).
//!
//! Every limit is checked before the expensive work it protects. Real bundles are far below
//! each of them: a public-good bundle is about 10 KB with one log entry, one timestamp, one
//! certificate and a proof of ~30 hashes.

/// Largest bundle document accepted, in bytes.
pub const MAX_BUNDLE_BYTES: usize = 16 * 1024 * 1024;
/// Largest trusted root document accepted, in bytes.
pub const MAX_TRUSTED_ROOT_BYTES: usize = 16 * 1024 * 1024;
/// Deepest JSON nesting accepted (serde_json itself stops at 128).
pub const MAX_JSON_DEPTH: usize = 64;
/// Most transparency log entries in one bundle.
pub const MAX_TLOG_ENTRIES: usize = 32;
/// Most RFC 3161 timestamps in one bundle.
pub const MAX_TIMESTAMPS: usize = 32;
/// Most certificates in a bundle's `x509CertificateChain`.
pub const MAX_CHAIN_CERTS: usize = 10;
/// Most hashes in an inclusion proof (a tree of 2^64 leaves needs at most 64).
pub const MAX_PROOF_HASHES: usize = 64;
/// Most signature lines in a checkpoint (signed note).
pub const MAX_CHECKPOINT_SIGNATURES: usize = 64;
/// Largest checkpoint envelope, in bytes.
pub const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;
/// Most signatures in a DSSE envelope.
pub const MAX_DSSE_SIGNATURES: usize = 16;
/// Most SCTs in one certificate.
pub const MAX_SCTS: usize = 32;
/// Most subjects in an in-toto statement.
pub const MAX_STATEMENT_SUBJECTS: usize = 100_000;
/// Most entries in a trusted root (per list: tlogs, CAs, CT logs, TSAs).
pub const MAX_TRUST_ROOT_ENTRIES: usize = 256;
