//! conda packages (prefix.dev, conda-forge): the publish attestation of the conda attestations
//! specification. Issue 19.
