//! Policy documents (`version: 1`), the declarative form every binding reads from bytes.

use serde_json::{Map, Value};

use super::{
    github, gitlab, policy_err, Field, Matcher, Policy, PolicyKind, Requirement, GITHUB_ISSUER,
    GITLAB_ISSUER,
};
use crate::error::Error;

fn check_keys(path: &str, o: &Map<String, Value>, allowed: &[&str]) -> Result<(), Error> {
    for k in o.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(policy_err(
                &format!("{path}.{k}"),
                format!("unknown field (expected one of: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn obj<'v>(path: &str, v: &'v Value) -> Result<&'v Map<String, Value>, Error> {
    v.as_object()
        .ok_or_else(|| policy_err(path, "expected an object"))
}

fn string<'v>(path: &str, v: &'v Value) -> Result<&'v str, Error> {
    v.as_str()
        .ok_or_else(|| policy_err(path, "expected a string"))
}

/// Requirements from the keys of one requirement object (also used inside allOf/anyOf).
fn requirements(
    path: &str,
    o: &Map<String, Value>,
    depth: usize,
    issuer_hint: &mut Option<&'static str>,
) -> Result<Vec<Requirement>, Error> {
    if depth > 16 {
        return Err(policy_err(path, "requirements nested too deeply"));
    }
    let mut rs = Vec::new();
    for (k, v) in o {
        let p = format!("{path}.{k}");
        match k.as_str() {
            // identity/issuer are read by the caller (the top level, or an allOf/anyOf item).
            "version" | "key" if depth == 0 => {}
            "identity" | "issuer" => {}
            "claims" => {
                for (name, m) in obj(&p, v)? {
                    let cp = format!("{p}.{name}");
                    let field = Field::from_claim_name(name).ok_or_else(|| policy_err(&cp, "unknown claim (a Fulcio claim name such as sourceRepositoryURI, or its OID)"))?;
                    rs.push(Requirement::Field(field, Matcher::from_value(&cp, m, 0)?));
                }
            }
            "github" => {
                let g = obj(&p, v)?;
                check_keys(&p, g, &["repository", "owner", "signerWorkflow", "sourceRef", "sourceDigest", "denySelfHostedRunners"])?;
                *issuer_hint = Some(GITHUB_ISSUER);
                for (gk, gv) in g {
                    let gp = format!("{p}.{gk}");
                    let r = match gk.as_str() {
                        "repository" => github::repository(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "owner" => github::owner(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "signerWorkflow" => github::signer_workflow(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "sourceRef" => github::source_ref(string(&gp, gv)?),
                        "sourceDigest" => github::source_digest(string(&gp, gv)?),
                        _ => match gv {
                            Value::Bool(true) => github::deny_self_hosted_runners(),
                            Value::Bool(false) => continue,
                            _ => return Err(policy_err(&gp, "expected true or false")),
                        },
                    };
                    rs.push(r);
                }
            }
            "gitlab" => {
                let g = obj(&p, v)?;
                check_keys(&p, g, &["project", "namespace", "signerConfig", "sourceRef", "sourceDigest", "denySelfHostedRunners"])?;
                *issuer_hint = Some(GITLAB_ISSUER);
                for (gk, gv) in g {
                    let gp = format!("{p}.{gk}");
                    let r = match gk.as_str() {
                        "project" => gitlab::project(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "namespace" => gitlab::namespace(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "signerConfig" => gitlab::signer_config(string(&gp, gv)?).map_err(|e| relocate(e, &gp))?,
                        "sourceRef" => github::source_ref(string(&gp, gv)?),
                        "sourceDigest" => github::source_digest(string(&gp, gv)?),
                        _ => match gv {
                            Value::Bool(true) => gitlab::deny_self_hosted_runners(),
                            Value::Bool(false) => continue,
                            _ => return Err(policy_err(&gp, "expected true or false")),
                        },
                    };
                    rs.push(r);
                }
            }
            "statement" => {
                let s = obj(&p, v)?;
                check_keys(&p, s, &["predicateType", "builderId", "buildType", "sourceRepository", "sourceRef", "resolvedDependencyDigest"])?;
                for (sk, sv) in s {
                    let sp = format!("{p}.{sk}");
                    let field = match sk.as_str() {
                        "predicateType" => Field::PredicateType,
                        "builderId" => Field::SlsaBuilderId,
                        "buildType" => Field::SlsaBuildType,
                        "sourceRepository" => Field::SlsaSourceRepository,
                        "sourceRef" => Field::SlsaSourceRef,
                        _ => Field::SlsaResolvedDependencyDigest,
                    };
                    rs.push(Requirement::Field(field, Matcher::from_value(&sp, sv, 0)?));
                }
            }
            "allOf" | "anyOf" => {
                let items = v.as_array().ok_or_else(|| policy_err(&p, "expected an array of requirement objects"))?;
                if items.is_empty() {
                    return Err(policy_err(&p, "must not be empty"));
                }
                let mut subs = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let ip = format!("{p}[{i}]");
                    let io = obj(&ip, item)?;
                    check_keys(&ip, io, &["identity", "issuer", "claims", "github", "gitlab", "statement", "allOf", "anyOf"])?;
                    let mut sub = requirements(&ip, io, depth + 1, issuer_hint)?;
                    if let Some(id) = io.get("identity") {
                        sub.push(Requirement::Field(Field::San, Matcher::from_value(&format!("{ip}.identity"), id, 0)?));
                    }
                    if let Some(iss) = io.get("issuer") {
                        sub.push(Requirement::Field(Field::Fulcio(8), Matcher::from_value(&format!("{ip}.issuer"), iss, 0)?));
                    }
                    subs.push(Requirement::AllOf(sub));
                }
                rs.push(if k == "allOf" { Requirement::AllOf(subs) } else { Requirement::AnyOf(subs) });
            }
            _ => {
                return Err(policy_err(
                    &p,
                    "unknown field (expected: version, identity, issuer, key, claims, github, gitlab, statement, allOf, anyOf, unsafeAnyIdentity)",
                ))
            }
        }
    }
    Ok(rs)
}

fn relocate(e: Error, path: &str) -> Error {
    match e {
        Error::InvalidPolicy { reason, .. } => policy_err(path, reason),
        o => o,
    }
}

pub(super) fn parse(json: &[u8]) -> Result<Policy, Error> {
    if json.len() > crate::limits::MAX_POLICY_BYTES {
        return Err(Error::LimitExceeded {
            what: "policy document size in bytes",
            limit: crate::limits::MAX_POLICY_BYTES as u64,
            found: json.len() as u64,
        });
    }
    crate::limits::check_json_tree(json, "policy document")?;
    let v: Value = serde_json::from_slice(json).map_err(|e| Error::InvalidJson {
        what: "policy document",
        detail: e.to_string(),
    })?;
    let mut o = v
        .as_object()
        .ok_or_else(|| policy_err("$", "expected a JSON object"))?
        .clone();
    match o.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(other) => {
            return Err(policy_err(
                "$.version",
                format!("unsupported version {other}; this sigverify reads version 1"),
            ))
        }
        None => return Err(policy_err("$.version", "required")),
    }
    let unsafe_any = match o.remove("unsafeAnyIdentity") {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(_) => return Err(policy_err("$.unsafeAnyIdentity", "expected true or false")),
    };
    let mut issuer_hint = None;
    let rs = requirements("$", &o, 0, &mut issuer_hint)?;
    let identity = o
        .get("identity")
        .map(|v| Matcher::from_value("$.identity", v, 0))
        .transpose()?;
    let issuer = o
        .get("issuer")
        .map(|v| Matcher::from_value("$.issuer", v, 0))
        .transpose()?;
    if let Some(k) = o.get("key") {
        if identity.is_some() || issuer.is_some() || unsafe_any {
            return Err(policy_err(
                "$.key",
                "a key policy cannot also name an identity or issuer",
            ));
        }
        let pem = k
            .as_str()
            .ok_or_else(|| policy_err("$.key", "expected a PEM string"))?;
        let key =
            Policy::key_pem(pem.as_bytes()).map_err(|e| policy_err("$.key", e.to_string()))?;
        let Some(key) = key.key().cloned() else {
            return Err(policy_err("$.key", "not a key"));
        };
        if rs.iter().any(Requirement::needs_certificate) {
            return Err(policy_err(
                "$.key",
                "a key policy cannot require certificate claims",
            ));
        }
        return Ok(Policy {
            kind: PolicyKind::Key(key, rs),
        });
    }
    if unsafe_any {
        if identity.is_some() || issuer.is_some() {
            return Err(policy_err(
                "$.unsafeAnyIdentity",
                "cannot be combined with identity or issuer",
            ));
        }
        return Ok(Policy {
            kind: PolicyKind::AnyIdentityUnsafe(rs),
        });
    }
    let issuer = match (issuer, issuer_hint) {
        (Some(i), _) => i,
        (None, Some(h)) => Matcher::exact(h),
        (None, None) => {
            return Err(policy_err(
                "$.issuer",
                "required (or github/gitlab, which imply their issuer)",
            ))
        }
    };
    // The SAN may be left open when other requirements pin the signer; the core refuses a
    // policy in which nothing does (`Policy::certificate_requirements`).
    Policy::certificate_requirements(identity, issuer, rs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents() {
        let p =
            Policy::from_json(br#"{"version":1,"identity":"a","issuer":{"exact":"b"}}"#).unwrap();
        assert!(matches!(p.kind, PolicyKind::Certificate(ref rs) if rs.len() == 2));
        let p = Policy::from_json(br#"{"version":1,"github":{"repository":"o/r","denySelfHostedRunners":true},"statement":{"predicateType":"https://slsa.dev/provenance/v1"}}"#).unwrap();
        assert!(matches!(p.kind, PolicyKind::Certificate(ref rs) if rs.len() == 5));
        for (doc, path) in [
            (&br#"{"identity":"a","issuer":"b"}"#[..], "$.version"),
            (br#"{"version":2,"identity":"a","issuer":"b"}"#, "$.version"),
            (br#"{"version":1,"identity":"a"}"#, "$.issuer"),
            (br#"{"version":1,"identity":5,"issuer":"b"}"#, "$.identity"),
            (
                br#"{"version":1,"identity":"a","issuer":"b","extra":1}"#,
                "$.extra",
            ),
            (br#"{"version":1,"key":"nope"}"#, "$.key"),
            (
                br#"{"version":1,"identity":{"regex":"("},"issuer":"b"}"#,
                "$.identity.regex",
            ),
            (
                br#"{"version":1,"identity":{"regexp":"x"},"issuer":"b"}"#,
                "$.identity.regexp",
            ),
            (
                br#"{"version":1,"issuer":"b","claims":{"nope":"x"}}"#,
                "$.claims.nope",
            ),
            (
                br#"{"version":1,"github":{"repository":"o"}}"#,
                "$.github.repository",
            ),
            (
                br#"{"version":1,"github":{"signerWorkflow":"o/r/x.yml"}}"#,
                "$.github.signerWorkflow",
            ),
            (br#"{"version":1,"github":{"repo":"o/r"}}"#, "$.github.repo"),
            (br#"{"version":1,"issuer":"b","anyOf":[]}"#, "$.anyOf"),
            (
                br#"{"version":1,"issuer":"b","anyOf":[{"bogus":1}]}"#,
                "$.anyOf[0].bogus",
            ),
            (
                br#"{"version":1,"statement":{"predicate":"x"},"issuer":"b","identity":"a"}"#,
                "$.statement.predicate",
            ),
            (br#"[]"#, "$"),
        ] {
            let e = Policy::from_json(doc).unwrap_err();
            assert_eq!(e.code(), "invalid-policy", "{e}");
            assert!(e.to_string().contains(path), "{e} should name {path}");
        }
        assert_eq!(Policy::from_json(b"{").unwrap_err().code(), "invalid-json");
    }
}
