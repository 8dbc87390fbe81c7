//! GitHub immutable releases: the release attestation GitHub signs on its own instance.
//! Issue 19.
