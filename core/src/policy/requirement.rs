//! Requirements: a field and the matcher its value must meet, or all-of and any-of lists of
//! requirements; checking them against what was verified, and whether they pin the signer.

use super::{Field, Matcher};
use crate::dsse::Statement;
use crate::error::Error;
use crate::x509::Leaf;

/// One requirement of a policy.
#[derive(Clone, Debug)]
pub enum Requirement {
    /// The field must exist and (one of its values) match.
    Field(Field, Matcher),
    /// Every requirement must hold.
    AllOf(Vec<Requirement>),
    /// At least one requirement must hold.
    AnyOf(Vec<Requirement>),
}

/// A claim that the policy checked, with what it found (listed in the result).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedClaim {
    /// The field's name (`identity`, `issuer`, `sourceRepositoryURI`, `statement.builderId`...).
    pub claim: String,
    /// What the policy required.
    pub expected: String,
    /// What the bundle had (`None` when absent).
    pub found: Option<String>,
}

impl Requirement {
    pub(super) fn check(
        &self,
        leaf: Option<&Leaf>,
        st: Option<&Statement>,
        out: &mut Vec<CheckedClaim>,
    ) -> Result<(), Error> {
        match self {
            Requirement::Field(field, m) => {
                let values = field.values(leaf, st);
                let found = if values.len() > 1 {
                    Some(values.join(", "))
                } else {
                    values.first().cloned()
                };
                if values.iter().any(|v| m.matches(v)) {
                    out.push(CheckedClaim {
                        claim: field.name(),
                        expected: m.describe(),
                        found,
                    });
                    Ok(())
                } else {
                    let what = match field {
                        Field::PredicateType
                        | Field::SlsaBuilderId
                        | Field::SlsaBuildType
                        | Field::SlsaSourceRepository
                        | Field::SlsaSourceRef
                        | Field::SlsaResolvedDependencyDigest
                            if st.is_none() =>
                        {
                            "absent: the bundle has no in-toto statement".to_owned()
                        }
                        _ => found.map_or_else(|| "absent".to_owned(), |f| format!("{f:?}")),
                    };
                    Err(Error::PolicyMismatch {
                        claim: field.name(),
                        expected: m.describe(),
                        found: what,
                    })
                }
            }
            Requirement::AllOf(rs) => rs.iter().try_for_each(|r| r.check(leaf, st, out)),
            Requirement::AnyOf(rs) => {
                let mut errors = Vec::new();
                for r in rs {
                    let mut scratch = Vec::new();
                    match r.check(leaf, st, &mut scratch) {
                        Ok(()) => {
                            out.extend(scratch);
                            return Ok(());
                        }
                        Err(e) => errors.push(e.to_string().replace("policy check failed: ", "")),
                    }
                }
                Err(Error::PolicyMismatch {
                    claim: "anyOf".into(),
                    expected: "one of the alternatives".into(),
                    found: format!("none held: {}", errors.join("; ")),
                })
            }
        }
    }

    /// Does this requirement pin the signer? A field that identifies the signer with a matcher
    /// that does not accept unrelated values; all of a list when one item pins; any of a list
    /// only when every alternative pins (one open alternative lets any signer through).
    pub fn pins_signer(&self) -> bool {
        match self {
            Requirement::Field(f, m) => f.identifies_signer() && !m.matches_unrelated_values(),
            Requirement::AllOf(rs) => rs.iter().any(Requirement::pins_signer),
            Requirement::AnyOf(rs) => !rs.is_empty() && rs.iter().all(Requirement::pins_signer),
        }
    }

    pub(super) fn needs_certificate(&self) -> bool {
        match self {
            Requirement::Field(f, _) => matches!(f, Field::San | Field::Fulcio(_)),
            Requirement::AllOf(rs) | Requirement::AnyOf(rs) => {
                rs.iter().any(Requirement::needs_certificate)
            }
        }
    }
}
