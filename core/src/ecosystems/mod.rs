//! Ecosystem adapters: each registry's own format turned into bundles plus that ecosystem's
//! policy. Every check is the core's; adapters only parse, choose the policy and add the
//! ecosystem's own rules (subject names, registry keys).

pub mod bcr;
pub mod conda;
pub mod continuity;
pub mod github;
pub mod github_release;
pub mod model;
pub mod npm;
pub mod pylock;
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

/// Reads an ecosystem document (a PEP 740 attestation, a provenance object, an npm response,
/// GitHub JSON lines) into a JSON tree, after the size, depth and item limits: the tree is
/// built only for a document that is small enough.
fn parse_document(
    json: &[u8],
    what: &'static str,
    size_what: &'static str,
) -> Result<serde_json::Value, Error> {
    if json.len() > crate::limits::MAX_BUNDLE_BYTES {
        return Err(Error::LimitExceeded {
            what: size_what,
            limit: crate::limits::MAX_BUNDLE_BYTES as u64,
            found: json.len() as u64,
        });
    }
    crate::limits::check_json_tree(json, what)?;
    serde_json::from_slice(json).map_err(|e| invalid(what, e.to_string()))
}

/// The statement of a verified DSSE bundle (adapters only accept DSSE attestations).
fn statement(r: &crate::VerificationResult) -> Result<&Statement, Error> {
    r.statement.as_ref().ok_or_else(|| {
        eco_err("expected an attestation (DSSE envelope), found a message signature")
    })
}
