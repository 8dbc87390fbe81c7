//! The small record a TUF client keeps between updates to refuse rollbacks (TUF §5.4.3, §5.5.5).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::canonical_json;
use crate::error::Error;
use crate::limits;

/// The format tag of [`TufState::to_json`]; bumped if the record ever changes shape.
const FORMAT: u64 = 1;

use crate::limits::MAX_TUF_STATE_BYTES as MAX_STATE_BYTES;

/// What the last successful update verified: the versions a later update may not go below.
///
/// Persist it (with [`super::TufUpdate::root_json`]) after every successful update and hand it
/// back to the next one. Without it, the update still verifies every signature, version, length
/// and hash, but cannot tell a replayed older (still unexpired) repository from the current one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TufState {
    /// Version of the newest root verified.
    pub root_version: u64,
    /// Version of the newest timestamp metadata verified.
    pub timestamp_version: u64,
    /// Version of the newest snapshot metadata verified.
    pub snapshot_version: u64,
    /// The snapshot's `meta`: targets metadata file name (`targets.json`,
    /// `registry.npmjs.org.json`, ...) → version. A later snapshot must list each of them at
    /// this version or a newer one (TUF §5.5.5).
    pub targets_versions: BTreeMap<String, u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    format: u64,
    root_version: u64,
    timestamp_version: u64,
    snapshot_version: u64,
    targets_versions: BTreeMap<String, u64>,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidTrustedRoot {
        field: "TUF state".into(),
        reason: reason.into(),
    }
}

impl TufState {
    /// The state as a small JSON document (canonical: sorted keys, no whitespace), e.g.
    /// `{"format":1,"root_version":15,"snapshot_version":165,"targets_versions":{"targets.json":14},"timestamp_version":762}`.
    pub fn to_json(&self) -> Vec<u8> {
        let v = serde_json::json!({
            "format": FORMAT,
            "root_version": self.root_version,
            "timestamp_version": self.timestamp_version,
            "snapshot_version": self.snapshot_version,
            "targets_versions": self.targets_versions,
        });
        // Integers, strings and objects only: canonical JSON always has an encoding for them.
        canonical_json::encode(&v).unwrap_or_else(|_| v.to_string().into_bytes())
    }

    /// Reads a document written by [`TufState::to_json`]. Unknown fields and other formats are
    /// refused: a state this version cannot fully read must not silently weaken the checks.
    pub fn from_json(json: &[u8]) -> Result<TufState, Error> {
        if json.len() > MAX_STATE_BYTES {
            return Err(Error::LimitExceeded {
                what: "TUF state size in bytes",
                limit: MAX_STATE_BYTES as u64,
                found: json.len() as u64,
            });
        }
        limits::check_json(json, "TUF state")?;
        let raw: RawState =
            serde_json::from_slice(json).map_err(|e| invalid(format!("not a TUF state: {e}")))?;
        if raw.format != FORMAT {
            return Err(invalid(format!(
                "format {}, this version reads format {FORMAT}",
                raw.format
            )));
        }
        Ok(TufState {
            root_version: raw.root_version,
            timestamp_version: raw.timestamp_version,
            snapshot_version: raw.snapshot_version,
            targets_versions: raw.targets_versions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let mut s = TufState {
            root_version: 15,
            timestamp_version: 762,
            snapshot_version: 165,
            ..TufState::default()
        };
        s.targets_versions.insert("targets.json".into(), 14);
        s.targets_versions
            .insert("registry.npmjs.org.json".into(), 8);
        let json = s.to_json();
        assert_eq!(
            std::str::from_utf8(&json).unwrap(),
            r#"{"format":1,"root_version":15,"snapshot_version":165,"targets_versions":{"registry.npmjs.org.json":8,"targets.json":14},"timestamp_version":762}"#
        );
        assert_eq!(TufState::from_json(&json).unwrap(), s);
    }

    #[test]
    fn refuses_unknown_shapes() {
        for bad in [
            "",
            "[]",
            r#"{"format":2,"root_version":1,"timestamp_version":1,"snapshot_version":1,"targets_versions":{}}"#,
            r#"{"format":1,"root_version":1,"timestamp_version":1,"snapshot_version":1}"#,
            r#"{"format":1,"root_version":1,"timestamp_version":1,"snapshot_version":1,"targets_versions":{},"x":1}"#,
            r#"{"format":1,"root_version":-1,"timestamp_version":1,"snapshot_version":1,"targets_versions":{}}"#,
        ] {
            let e = TufState::from_json(bad.as_bytes()).unwrap_err();
            assert_eq!(e.code(), "invalid-trusted-root", "{bad}: {e}");
        }
    }
}
