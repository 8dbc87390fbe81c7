//! OpenSSF model signing (sigstore/model-transparency, `model_signing` 1.x): a Sigstore bundle
//! (`model.sig`) whose DSSE payload is an in-toto statement listing every file of a model
//! directory with its digest ([`predicate`]).

pub mod predicate;

pub use predicate::{
    manifest_digest, HashType, Manifest, Method, Resource, ResourceKey, Serialization,
    PREDICATE_TYPE,
};

#[cfg(test)]
mod tests;
