//! DSSE envelopes (PAE) and the in-toto statements they carry.

use serde::Deserialize;
use serde_json::Value;

use crate::crypto::HashAlg;
use crate::error::Error;
use crate::limits;

/// The only payload type a Sigstore DSSE bundle may carry.
pub(crate) const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// DSSE v1 pre-authentication encoding:
/// `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in ASCII decimal.
pub(crate) fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + payload_type.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// One subject of an in-toto statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The subject's name (often a file name or a package URL).
    pub name: String,
    /// Digests by algorithm name (`sha256` → lower-case hex).
    pub digest: std::collections::BTreeMap<String, String>,
}

/// An in-toto statement (Attestation Framework v1, also v0.1).
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// `_type`.
    pub statement_type: String,
    /// The subjects.
    pub subjects: Vec<Subject>,
    /// `predicateType`.
    pub predicate_type: String,
    /// The predicate, as JSON (`null` when absent).
    pub predicate: Value,
}

#[derive(Deserialize)]
struct RawStatement {
    #[serde(rename = "_type")]
    statement_type: Option<String>,
    subject: Option<limits::BoundedVec<RawSubject, { limits::MAX_STATEMENT_SUBJECTS }>>,
    #[serde(rename = "predicateType")]
    predicate_type: Option<String>,
    // Read as raw JSON first: its items are counted against the JSON tree limit before it
    // becomes a tree (the statement as a whole may hold up to MAX_STATEMENT_SUBJECTS subjects).
    predicate: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct RawSubject {
    name: Option<String>,
    digest: Option<std::collections::BTreeMap<String, String>>,
}

fn st_err(reason: impl Into<String>) -> Error {
    Error::Statement {
        reason: reason.into(),
    }
}

impl Statement {
    /// Parses an in-toto statement from the DSSE payload.
    pub(crate) fn parse(payload: &[u8]) -> Result<Statement, Error> {
        limits::check_json(payload, "in-toto statement")?;
        let raw: RawStatement = serde_json::from_slice(payload)
            .map_err(|e| st_err(format!("the DSSE payload is not an in-toto statement: {e}")))?;
        let statement_type = raw
            .statement_type
            .ok_or_else(|| st_err("_type is missing"))?;
        if statement_type != "https://in-toto.io/Statement/v1"
            && statement_type != "https://in-toto.io/Statement/v0.1"
        {
            return Err(st_err(format!(
                "unsupported statement _type {statement_type:?}"
            )));
        }
        let subjects = raw
            .subject
            .ok_or_else(|| st_err("subject is missing"))?
            .checked("in-toto statement subjects")?;
        if subjects.is_empty() {
            return Err(st_err("the statement has no subjects"));
        }
        let subjects = subjects
            .into_iter()
            .map(|s| Subject {
                name: s.name.unwrap_or_default(),
                digest: s.digest.unwrap_or_default(),
            })
            .collect();
        Ok(Statement {
            statement_type,
            subjects,
            predicate_type: raw
                .predicate_type
                .ok_or_else(|| st_err("predicateType is missing"))?,
            predicate: match raw.predicate {
                None => Value::Null,
                Some(p) => {
                    limits::check_json_tree(p.get().as_bytes(), "in-toto predicate")?;
                    serde_json::from_str(p.get())
                        .map_err(|e| st_err(format!("the predicate is not JSON: {e}")))?
                }
            },
        })
    }

    /// The hash algorithms the subjects use that sigverify can compute, strongest first.
    pub(crate) fn algorithms(&self) -> Vec<HashAlg> {
        [HashAlg::Sha512, HashAlg::Sha384, HashAlg::Sha256]
            .into_iter()
            .filter(|a| {
                self.subjects
                    .iter()
                    .any(|s| s.digest.contains_key(a.name()))
            })
            .collect()
    }

    /// Does some subject carry `digest` under `alg`? Hex is compared case-insensitively.
    pub(crate) fn matches(&self, alg: HashAlg, digest: &[u8]) -> bool {
        let want = hex::encode(digest);
        self.subjects.iter().any(|s| {
            s.digest
                .get(alg.name())
                .is_some_and(|d| d.eq_ignore_ascii_case(&want))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ".to_vec());
    }

    #[test]
    fn statements() {
        let s = Statement::parse(br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"AB"}}],"predicateType":"x"}"#).unwrap();
        assert!(s.matches(HashAlg::Sha256, &[0xab]));
        assert!(!s.matches(HashAlg::Sha256, &[0xac]));
        assert!(!s.matches(HashAlg::Sha512, &[0xab]));
        assert_eq!(s.algorithms(), vec![HashAlg::Sha256]);
        for bad in [
            &b"{}"[..],
            br#"{"_type":"x","subject":[{"name":"a","digest":{}}],"predicateType":"x"}"#,
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}"#,
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{}}]}"#,
            b"[1,2",
        ] {
            assert!(Statement::parse(bad).is_err());
        }
    }

    #[test]
    fn statement_limits() {
        let head = r#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"x","subject":"#;
        let subject = r#"{"name":"a","digest":{"sha256":"ab"}}"#;
        let subjects = |n: usize| format!("[{}]", vec![subject; n].join(","));
        // As many subjects as the limit allows fit in the item limit, and parse.
        let max = limits::MAX_STATEMENT_SUBJECTS;
        let s = Statement::parse(format!("{head}{}}}", subjects(max)).as_bytes()).unwrap();
        assert_eq!(s.subjects.len(), max);
        let e = Statement::parse(format!("{head}{}}}", subjects(max + 1)).as_bytes()).unwrap_err();
        assert!(
            e.to_string()
                .contains("subjects: limit 100000, found 100001"),
            "{e}"
        );
        // The predicate is counted against the tree limit before it is built.
        let tree = |n: usize| format!("[{}0]", "0,".repeat(n));
        let p = format!(
            r#"{head}{},"predicate":{}}}"#,
            subjects(1),
            tree(limits::MAX_JSON_TREE_ITEMS)
        );
        let e = Statement::parse(p.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "limit-exceeded", "{e}");
        assert!(e.to_string().contains("JSON items"), "{e}");
        let p = format!(r#"{head}{},"predicate":{}}}"#, subjects(1), tree(1000));
        assert!(Statement::parse(p.as_bytes()).unwrap().predicate.is_array());
    }
}
