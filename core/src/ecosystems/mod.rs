//! Ecosystem adapters: each registry's own format turned into bundles plus that ecosystem's
//! policy. Every check is the core's; adapters only parse, choose the policy and add the
//! ecosystem's own rules (subject names, registry keys).

pub mod github;
pub mod npm;
pub mod pypi;

use crate::dsse::Statement;
use crate::error::Error;

fn eco_err(reason: impl Into<String>) -> Error {
    Error::Statement {
        reason: reason.into(),
    }
}

fn invalid(what: &'static str, detail: impl Into<String>) -> Error {
    Error::InvalidJson {
        what,
        detail: detail.into(),
    }
}

/// The statement of a verified DSSE bundle (adapters only accept DSSE attestations).
fn statement(r: &crate::VerificationResult) -> Result<&Statement, Error> {
    r.statement.as_ref().ok_or_else(|| {
        eco_err("expected an attestation (DSSE envelope), found a message signature")
    })
}
