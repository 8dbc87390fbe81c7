//! OpenSSF model signing (sigstore/model-transparency, `model_signing` 1.x): a Sigstore bundle
//! (`model.sig`) whose DSSE payload is an in-toto statement listing every file of a model
//! directory with its digest ([`predicate`]). Given the caller's listing of the model
//! directory, [`Manifest::plan`] says which files and byte ranges to hash, in model_signing's
//! order, and [`Manifest::compare`] checks the digests against the signed resources, both ways.

pub mod plan;
pub mod predicate;

pub use plan::{Entry, EntryKind, HashJob, Ignore, LinkTarget, Plan, PlanOptions, GIT_PATHS};
pub use predicate::{
    manifest_digest, HashType, Manifest, Method, Resource, ResourceKey, Serialization,
    PREDICATE_TYPE,
};

#[cfg(test)]
mod tests;
