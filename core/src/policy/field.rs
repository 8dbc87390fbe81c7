//! Fields: the values a policy can look at, and how each is read from the certificate (the SAN
//! and the Fulcio claims, 1.3.6.1.4.1.57264.1.N) or from the in-toto statement (its predicate
//! type, and SLSA provenance v1 and v0.2).

use serde_json::Value;

use crate::dsse::Statement;
use crate::x509::Leaf;

/// A value the policy can look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// The certificate's subject alternative name (URI, email or otherName).
    San,
    /// A Fulcio extension 1.3.6.1.4.1.57264.1.N (N = 1..22; the issuer is N = 8, else 1).
    Fulcio(u32),
    /// The in-toto statement's predicate type.
    PredicateType,
    /// SLSA provenance: builder id (v1 `runDetails.builder.id`, v0.2 `builder.id`).
    SlsaBuilderId,
    /// SLSA provenance: build type.
    SlsaBuildType,
    /// SLSA provenance: source repository (v1 `externalParameters.workflow.repository`, or the
    /// v0.2 `invocation.configSource.uri` without `git+` and `@ref`).
    SlsaSourceRepository,
    /// SLSA provenance: source ref (v1 `externalParameters.workflow.ref`, or the v0.2
    /// configSource ref).
    SlsaSourceRef,
    /// SLSA provenance: resolved dependency digests as `alg:hex` (v1 `resolvedDependencies`,
    /// v0.2 `materials`); the matcher must match at least one.
    SlsaResolvedDependencyDigest,
}

/// The Fulcio claim names, N → name, used in policy documents and results.
pub(crate) const FULCIO_CLAIMS: &[(u32, &str)] = &[
    (1, "issuerV1"),
    (2, "githubWorkflowTrigger"),
    (3, "githubWorkflowSha"),
    (4, "githubWorkflowName"),
    (5, "githubWorkflowRepository"),
    (6, "githubWorkflowRef"),
    (8, "issuer"),
    (9, "buildSignerURI"),
    (10, "buildSignerDigest"),
    (11, "runnerEnvironment"),
    (12, "sourceRepositoryURI"),
    (13, "sourceRepositoryDigest"),
    (14, "sourceRepositoryRef"),
    (15, "sourceRepositoryIdentifier"),
    (16, "sourceRepositoryOwnerURI"),
    (17, "sourceRepositoryOwnerIdentifier"),
    (18, "buildConfigURI"),
    (19, "buildConfigDigest"),
    (20, "buildTrigger"),
    (21, "runInvocationURI"),
    (22, "sourceRepositoryVisibilityAtSigning"),
];

impl Field {
    /// The name used in documents and results.
    pub fn name(&self) -> String {
        match self {
            Field::San => "identity".into(),
            Field::Fulcio(8) => "issuer".into(),
            Field::Fulcio(n) => FULCIO_CLAIMS
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, name)| (*name).to_owned())
                .unwrap_or_else(|| format!("1.3.6.1.4.1.57264.1.{n}")),
            Field::PredicateType => "statement.predicateType".into(),
            Field::SlsaBuilderId => "statement.builderId".into(),
            Field::SlsaBuildType => "statement.buildType".into(),
            Field::SlsaSourceRepository => "statement.sourceRepository".into(),
            Field::SlsaSourceRef => "statement.sourceRef".into(),
            Field::SlsaResolvedDependencyDigest => "statement.resolvedDependencyDigest".into(),
        }
    }

    /// Does a requirement on this field say *who* signed? The SAN, and the Fulcio claims that
    /// name the source repository, its owner or the signing workflow or config: 1.5 (legacy
    /// githubWorkflowRepository), 1.9 buildSignerURI, 1.12 sourceRepositoryURI, 1.15
    /// sourceRepositoryIdentifier, 1.16 sourceRepositoryOwnerURI, 1.17
    /// sourceRepositoryOwnerIdentifier, 1.18 buildConfigURI. A ref, a digest, a runner
    /// environment, a visibility, the issuer or anything in the statement names no signer.
    pub fn identifies_signer(&self) -> bool {
        matches!(
            self,
            Field::San | Field::Fulcio(5 | 9 | 12 | 15 | 16 | 17 | 18)
        )
    }

    pub(super) fn from_claim_name(name: &str) -> Option<Field> {
        if let Some(n) = name
            .strip_prefix("1.3.6.1.4.1.57264.1.")
            .and_then(|n| n.parse::<u32>().ok())
        {
            return (1..=22).contains(&n).then_some(Field::Fulcio(n));
        }
        if name == "identity" || name == "san" {
            return Some(Field::San);
        }
        FULCIO_CLAIMS
            .iter()
            .find(|(_, c)| *c == name)
            .map(|(n, _)| Field::Fulcio(*n))
    }

    /// The values of this field (several for resolved dependencies; none when absent).
    pub(super) fn values(&self, leaf: Option<&Leaf>, statement: Option<&Statement>) -> Vec<String> {
        match self {
            Field::San => leaf
                .and_then(|l| l.san.as_ref())
                .map(|s| s.value().to_owned())
                .into_iter()
                .collect(),
            Field::Fulcio(8) => leaf
                .and_then(Leaf::issuer)
                .map(str::to_owned)
                .into_iter()
                .collect(),
            Field::Fulcio(n) => leaf
                .and_then(|l| l.fulcio.get(n).cloned())
                .into_iter()
                .collect(),
            Field::PredicateType => statement
                .map(|s| s.predicate_type.clone())
                .into_iter()
                .collect(),
            _ => statement.map(|s| slsa_values(self, s)).unwrap_or_default(),
        }
    }
}

fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |acc, k| acc.get(k))
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path).and_then(Value::as_str).map(str::to_owned)
}

/// SLSA provenance v1 (`https://slsa.dev/provenance/v1`) and v0.2 fields.
fn slsa_values(field: &Field, s: &Statement) -> Vec<String> {
    let p = &s.predicate;
    let v1 = s.predicate_type == "https://slsa.dev/provenance/v1";
    let v02 = s.predicate_type == "https://slsa.dev/provenance/v0.2";
    // v0.2 configSource.uri is `git+https://github.com/o/r@refs/heads/main`.
    let config_source = || {
        str_at(p, &["invocation", "configSource", "uri"]).map(|u| {
            let u = u.strip_prefix("git+").unwrap_or(&u).to_owned();
            match u.rsplit_once('@') {
                Some((repo, r)) => (repo.to_owned(), Some(r.to_owned())),
                None => (u, None),
            }
        })
    };
    let digests = |list: Option<&Value>| -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|d| d.get("digest").and_then(Value::as_object))
            .flat_map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|h| format!("{k}:{h}")))
            })
            .collect()
    };
    let one = |x: Option<String>| x.into_iter().collect::<Vec<_>>();
    match field {
        Field::SlsaBuilderId if v1 => one(str_at(p, &["runDetails", "builder", "id"])),
        Field::SlsaBuilderId if v02 => one(str_at(p, &["builder", "id"])),
        Field::SlsaBuildType if v1 => one(str_at(p, &["buildDefinition", "buildType"])),
        Field::SlsaBuildType if v02 => one(str_at(p, &["buildType"])),
        Field::SlsaSourceRepository if v1 => one(str_at(
            p,
            &[
                "buildDefinition",
                "externalParameters",
                "workflow",
                "repository",
            ],
        )),
        Field::SlsaSourceRepository if v02 => one(config_source().map(|c| c.0)),
        Field::SlsaSourceRef if v1 => one(str_at(
            p,
            &["buildDefinition", "externalParameters", "workflow", "ref"],
        )),
        Field::SlsaSourceRef if v02 => one(config_source().and_then(|c| c.1)),
        Field::SlsaResolvedDependencyDigest if v1 => {
            digests(at(p, &["buildDefinition", "resolvedDependencies"]))
        }
        Field::SlsaResolvedDependencyDigest if v02 => digests(at(p, &["materials"])),
        _ => Vec::new(),
    }
}
