//! What one verification call requires of the signer, and of what was built.
//!
//! The verifier holds what the deployment trusts; a [`Policy`] says who must have signed this
//! artifact and how it must have been built: matchers over the certificate's SAN and every Fulcio
//! claim (exact, anchored regular expression, glob; all-of and any-of), GitHub Actions and GitLab
//! shorthands, and checks on the in-toto statement (predicate type, SLSA provenance fields). Or
//! a managed public key that the caller supplies (never a key taken from the bundle).
//!
//! Policies are built in code or read from a JSON document (`"version": 1`, see
//! [`Policy::from_json`] and `docs/policy.md`).

use std::fmt;

use serde_json::Value;

use crate::crypto::{Backend, PublicKey};
use crate::dsse::Statement;
use crate::encoding::pem;
use crate::error::Error;
use crate::limits;
use crate::x509::Leaf;

/// GitHub Actions' OIDC issuer.
pub const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";
/// GitLab.com's OIDC issuer.
pub const GITLAB_ISSUER: &str = "https://gitlab.com";

/// How a value is matched. Patterns always match the whole value, never a substring.
#[derive(Clone)]
pub enum Matcher {
    /// Byte-for-byte equality.
    Exact(String),
    /// A regular expression (RE2 syntax, linear time), anchored to the whole value.
    Regex(regex::Regex, String),
    /// A glob: `*` any run of characters except `/`, `**` any run, `?` one character except
    /// `/`; everything else literal. Anchored to the whole value.
    Glob(regex::Regex, String),
    /// Every matcher must match.
    AllOf(Vec<Matcher>),
    /// At least one matcher must match.
    AnyOf(Vec<Matcher>),
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

fn policy_err(path: &str, reason: impl Into<String>) -> Error {
    Error::InvalidPolicy {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

fn compile(path: &str, anchored: &str) -> Result<regex::Regex, Error> {
    regex::RegexBuilder::new(anchored)
        .size_limit(limits::MAX_REGEX_COMPILED_BYTES)
        .nest_limit(limits::MAX_REGEX_NESTING)
        .build()
        .map_err(|e| policy_err(path, format!("invalid regular expression: {e}")))
}

impl Matcher {
    /// Exact match.
    pub fn exact(s: impl Into<String>) -> Matcher {
        Matcher::Exact(s.into())
    }

    /// A regular expression, anchored: `repo` never matches `my-repo-fork`.
    pub fn regex(pattern: &str) -> Result<Matcher, Error> {
        Matcher::regex_at("regex", pattern)
    }

    fn regex_at(path: &str, pattern: &str) -> Result<Matcher, Error> {
        if pattern.len() > limits::MAX_PATTERN_BYTES {
            return Err(policy_err(
                path,
                format!("pattern longer than {} bytes", limits::MAX_PATTERN_BYTES),
            ));
        }
        Ok(Matcher::Regex(
            compile(path, &format!("^(?:{pattern})$"))?,
            pattern.to_owned(),
        ))
    }

    /// A glob pattern (see [`Matcher::Glob`]).
    pub fn glob(pattern: &str) -> Result<Matcher, Error> {
        Matcher::glob_at("glob", pattern)
    }

    fn glob_at(path: &str, pattern: &str) -> Result<Matcher, Error> {
        if pattern.len() > limits::MAX_PATTERN_BYTES {
            return Err(policy_err(
                path,
                format!("pattern longer than {} bytes", limits::MAX_PATTERN_BYTES),
            ));
        }
        let mut re = String::from("^");
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' if chars.peek() == Some(&'*') => {
                    chars.next();
                    re.push_str(".*");
                }
                '*' => re.push_str("[^/]*"),
                '?' => re.push_str("[^/]"),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        Ok(Matcher::Glob(compile(path, &re)?, pattern.to_owned()))
    }

    /// Does the value match?
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Matcher::Exact(s) => s == value,
            Matcher::Regex(r, _) | Matcher::Glob(r, _) => r.is_match(value),
            Matcher::AllOf(ms) => ms.iter().all(|m| m.matches(value)),
            Matcher::AnyOf(ms) => ms.iter().any(|m| m.matches(value)),
        }
    }

    /// Does this matcher accept values that have nothing in common (a GitHub workflow, a GitLab
    /// project, an email, a number)? Then it pins nothing: `.*`, `.+`, `**` and their like.
    /// Decided on probes of unrelated shapes, so that a pattern written to match everything is
    /// caught however it is spelled.
    pub fn matches_unrelated_values(&self) -> bool {
        const PROBES: [&str; 4] = [
            "https://github.com/sigverify-probe-a/x/.github/workflows/x.yml@refs/heads/main",
            "https://gitlab.com/sigverify-probe-b/y",
            "probe-c@example.invalid",
            "0",
        ];
        PROBES.iter().all(|p| self.matches(p))
    }

    /// A readable description (`"x"`, `regex "…"`, `glob "…"`, `all of [...]`).
    pub fn describe(&self) -> String {
        match self {
            Matcher::Exact(s) => format!("{s:?}"),
            Matcher::Regex(_, p) => format!("regex {p:?}"),
            Matcher::Glob(_, p) => format!("glob {p:?}"),
            Matcher::AllOf(ms) => format!(
                "all of [{}]",
                ms.iter()
                    .map(Matcher::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Matcher::AnyOf(ms) => format!(
                "any of [{}]",
                ms.iter()
                    .map(Matcher::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Parses the JSON form: `"s"` | `{"exact": s}` | `{"regex": s}` | `{"glob": s}` |
    /// `{"allOf": [m...]}` | `{"anyOf": [m...]}`.
    fn from_value(path: &str, v: &Value, depth: usize) -> Result<Matcher, Error> {
        if depth > 16 {
            return Err(policy_err(path, "matchers nested too deeply"));
        }
        match v {
            Value::String(s) if s.is_empty() => Err(policy_err(path, "must not be empty")),
            Value::String(s) => Ok(Matcher::Exact(s.clone())),
            Value::Object(o) if o.len() == 1 => {
                let (k, inner) = o
                    .iter()
                    .next()
                    .ok_or_else(|| policy_err(path, "empty matcher"))?;
                let p = format!("{path}.{k}");
                let string = || {
                    inner
                        .as_str()
                        .ok_or_else(|| policy_err(&p, "expected a string"))
                };
                match k.as_str() {
                    "exact" => match string()? {
                        "" => Err(policy_err(&p, "must not be empty")),
                        s => Ok(Matcher::Exact(s.to_owned())),
                    },
                    "regex" => Matcher::regex_at(&p, string()?),
                    "glob" => Matcher::glob_at(&p, string()?),
                    "allOf" | "anyOf" => {
                        let items = inner
                            .as_array()
                            .ok_or_else(|| policy_err(&p, "expected an array of matchers"))?;
                        if items.is_empty() {
                            return Err(policy_err(&p, "must not be empty"));
                        }
                        let ms = items
                            .iter()
                            .enumerate()
                            .map(|(i, m)| Matcher::from_value(&format!("{p}[{i}]"), m, depth + 1))
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok(if k == "allOf" {
                            Matcher::AllOf(ms)
                        } else {
                            Matcher::AnyOf(ms)
                        })
                    }
                    other => Err(policy_err(
                        &p,
                        format!("unknown matcher {other:?} (exact, regex, glob, allOf, anyOf)"),
                    )),
                }
            }
            _ => Err(policy_err(
                path,
                "expected a string or one of {exact|regex|glob|allOf|anyOf}",
            )),
        }
    }
}

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

    fn from_claim_name(name: &str) -> Option<Field> {
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
    fn values(&self, leaf: Option<&Leaf>, statement: Option<&Statement>) -> Vec<String> {
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
    fn check(
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

    fn needs_statement(&self) -> bool {
        match self {
            Requirement::Field(f, _) => !matches!(f, Field::San | Field::Fulcio(_)),
            Requirement::AllOf(rs) | Requirement::AnyOf(rs) => {
                rs.iter().any(Requirement::needs_statement)
            }
        }
    }

    fn needs_certificate(&self) -> bool {
        match self {
            Requirement::Field(f, _) => matches!(f, Field::San | Field::Fulcio(_)),
            Requirement::AllOf(rs) | Requirement::AnyOf(rs) => {
                rs.iter().any(Requirement::needs_certificate)
            }
        }
    }
}

/// What a verification requires.
#[derive(Clone, Debug)]
pub struct Policy {
    pub(crate) kind: PolicyKind,
}

#[derive(Clone, Debug)]
pub(crate) enum PolicyKind {
    /// Certificate requirements (always including an identity and an issuer requirement), and
    /// optionally statement requirements.
    Certificate(Vec<Requirement>),
    /// A managed key, plus optional statement requirements.
    Key(PublicKey, Vec<Requirement>),
    /// Any identity (only statement requirements, if any).
    AnyIdentityUnsafe(Vec<Requirement>),
}

impl Policy {
    /// The certificate's SAN must equal `identity` and its OIDC issuer (Fulcio extension
    /// 1.3.6.1.4.1.57264.1.8, else 1.1) must equal `issuer`, exactly. Both must be non-empty:
    /// the core reads a certificate without a SAN as having the identity "".
    pub fn identity(
        identity: impl Into<String>,
        issuer: impl Into<String>,
    ) -> Result<Policy, Error> {
        let (identity, issuer) = (identity.into(), issuer.into());
        for (path, value) in [("identity", &identity), ("issuer", &issuer)] {
            if value.is_empty() {
                return Err(policy_err(
                    path,
                    format!("must not be empty: an exact {path} is required"),
                ));
            }
        }
        Policy::certificate(Matcher::exact(identity), Matcher::exact(issuer))
    }

    /// SAN and issuer matchers (both required: an identity without its issuer means nothing).
    /// The SAN matcher must pin the signer: one that accepts unrelated values (`.*`) is refused
    /// with [`Error::SignerNotPinned`]; pin with requirements through
    /// [`Policy::certificate_requirements`] instead.
    pub fn certificate(identity: Matcher, issuer: Matcher) -> Result<Policy, Error> {
        Policy::certificate_requirements(Some(identity), issuer, Vec::new())
    }

    /// The general keyless policy: an optional SAN matcher, the issuer matcher and further
    /// requirements, all of which must hold. The one rule of every keyless policy is decided
    /// here: something must pin who signed (see [`Requirement::pins_signer`]), else
    /// [`Error::SignerNotPinned`]. Without a SAN matcher the SAN may be any value.
    pub fn certificate_requirements(
        identity: Option<Matcher>,
        issuer: Matcher,
        requirements: Vec<Requirement>,
    ) -> Result<Policy, Error> {
        let san = match identity {
            Some(m) => m,
            None => Matcher::regex(".+")?,
        };
        let mut rs = Vec::with_capacity(requirements.len() + 2);
        rs.push(Requirement::Field(Field::San, san));
        rs.push(Requirement::Field(Field::Fulcio(8), issuer));
        rs.extend(requirements);
        let p = Policy {
            kind: PolicyKind::Certificate(rs),
        };
        p.check_pinned("$")?;
        Ok(p)
    }

    /// A GitHub Actions signer of `OWNER/REPO`: issuer GitHub, source repository
    /// `https://github.com/OWNER/REPO`, and the SAN a workflow of some repository (refine with
    /// [`Policy::require`], e.g. [`github::signer_workflow`]).
    pub fn github_repository(owner_repo: &str) -> Result<Policy, Error> {
        Policy::certificate_requirements(
            Some(Matcher::regex("https://github\\.com/.+")?),
            Matcher::exact(GITHUB_ISSUER),
            vec![github::repository(owner_repo)?],
        )
    }

    /// Refuses a keyless policy in which nothing pins the signer (`path` names where in a
    /// document, `$` for the whole). Key policies are pinned by their key, and the unsafe
    /// any-identity policy says in its name that it pins nothing.
    fn check_pinned(&self, path: &str) -> Result<(), Error> {
        match &self.kind {
            PolicyKind::Certificate(rs) if !rs.iter().any(Requirement::pins_signer) => {
                Err(Error::SignerNotPinned {
                    path: path.to_owned(),
                })
            }
            _ => Ok(()),
        }
    }

    /// The bundle must be signed by this managed key: a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    pub fn key_pem(pem_text: &[u8]) -> Result<Policy, Error> {
        limits::Document::PublicKey.check_size(pem_text.len() as u64)?;
        let text = std::str::from_utf8(pem_text).map_err(|_| Error::InvalidCertificate {
            which: "public key".into(),
            reason: "the PEM is not UTF-8 text".into(),
        })?;
        let (label, der) = pem("public key", text)?;
        if label != "PUBLIC KEY" {
            return Err(Error::InvalidCertificate {
                which: "public key".into(),
                reason: format!("expected a PEM PUBLIC KEY block, found {label}"),
            });
        }
        Policy::key_der(&der)
    }

    /// The bundle must be signed by this managed key, given as DER SubjectPublicKeyInfo.
    pub fn key_der(spki_der: &[u8]) -> Result<Policy, Error> {
        limits::Document::PublicKey.check_size(spki_der.len() as u64)?;
        Ok(Policy {
            kind: PolicyKind::Key(
                PublicKey::from_spki_der(spki_der, Backend::default())?,
                Vec::new(),
            ),
        })
    }

    /// Accepts any certificate identity that chains to the trusted root. Only for callers that
    /// check the identity themselves from the result: the name says what it gives up.
    pub fn without_identity_unsafe() -> Policy {
        Policy {
            kind: PolicyKind::AnyIdentityUnsafe(Vec::new()),
        }
    }

    /// Adds a requirement (all requirements must hold).
    pub fn require(&mut self, r: Requirement) -> &mut Policy {
        match &mut self.kind {
            PolicyKind::Certificate(rs)
            | PolicyKind::Key(_, rs)
            | PolicyKind::AnyIdentityUnsafe(rs) => rs.push(r),
        }
        self
    }

    /// Replaces the identity (SAN) matcher of a certificate policy. Refused, leaving the policy
    /// as it was, when the policy would then no longer pin the signer.
    pub fn set_identity(&mut self, m: Matcher) -> Result<&mut Policy, Error> {
        let before = self.clone();
        self.replace_field(Field::San, m);
        if let Err(e) = self.check_pinned("identity") {
            *self = before;
            return Err(e);
        }
        Ok(self)
    }

    /// Replaces the issuer matcher of a certificate policy.
    pub fn set_issuer(&mut self, m: Matcher) -> &mut Policy {
        self.replace_field(Field::Fulcio(8), m)
    }

    fn replace_field(&mut self, field: Field, m: Matcher) -> &mut Policy {
        if let PolicyKind::Certificate(rs) = &mut self.kind {
            for r in rs.iter_mut() {
                if let Requirement::Field(f, old) = r {
                    if *f == field {
                        *old = m;
                        return self;
                    }
                }
            }
            rs.push(Requirement::Field(field, m));
        }
        self
    }

    pub(crate) fn key(&self) -> Option<&PublicKey> {
        match &self.kind {
            PolicyKind::Key(k, _) => Some(k),
            _ => None,
        }
    }

    /// Checks the signer and the statement; returns every claim that was checked.
    pub(crate) fn check(
        &self,
        leaf: Option<&Leaf>,
        statement: Option<&Statement>,
    ) -> Result<Vec<CheckedClaim>, Error> {
        let rs = match (&self.kind, leaf) {
            (PolicyKind::Certificate(rs) | PolicyKind::AnyIdentityUnsafe(rs), Some(_)) => rs,
            (PolicyKind::Key(_, rs), None) => rs,
            (PolicyKind::Key(..), Some(_)) => {
                return Err(Error::PolicyMismatch {
                    claim: "signing material".into(),
                    expected: "a bundle signed with the given public key".into(),
                    found: "a bundle signed with a certificate".into(),
                })
            }
            (_, None) => {
                return Err(Error::PolicyMismatch {
                    claim: "signing material".into(),
                    expected: "a certificate".into(),
                    found: "a bundle signed with a managed key; verify it with the key".into(),
                })
            }
        };
        if statement.is_none() && rs.iter().any(Requirement::needs_statement) {
            // Fall through: the field requirement reports the absent statement precisely.
        }
        if leaf.is_none() && rs.iter().any(Requirement::needs_certificate) {
            return Err(Error::PolicyMismatch {
                claim: "certificate claims".into(),
                expected: "a certificate".into(),
                found: "a managed-key bundle".into(),
            });
        }
        let mut out = Vec::new();
        for r in rs {
            r.check(leaf, statement, &mut out)?;
        }
        Ok(out)
    }

    /// Reads a policy document (JSON, `"version": 1`; schema in `docs/policy.md`). An invalid
    /// document is refused with the path of the offending field (`Error::InvalidPolicy`).
    pub fn from_json(json: &[u8]) -> Result<Policy, Error> {
        document::parse(json)
    }
}

/// GitHub Actions shorthands (claims of Fulcio certificates issued to GitHub workflows).
pub mod github {
    use super::{policy_err, Field, Matcher, Requirement};
    use crate::error::Error;

    fn owner_repo(path: &str, s: &str) -> Result<(), Error> {
        let ok = s.split('/').count() == 2
            && s.split('/')
                .all(|p| !p.is_empty() && !p.contains(char::is_whitespace));
        if ok {
            Ok(())
        } else {
            Err(policy_err(
                path,
                format!("expected OWNER/REPO, found {s:?}"),
            ))
        }
    }

    /// Source repository `https://github.com/OWNER/REPO` (claim 1.12).
    pub fn repository(owner_repo_s: &str) -> Result<Requirement, Error> {
        owner_repo("github.repository", owner_repo_s)?;
        Ok(Requirement::Field(
            Field::Fulcio(12),
            Matcher::exact(format!("https://github.com/{owner_repo_s}")),
        ))
    }

    /// Repository owner `https://github.com/OWNER` (claim 1.16).
    pub fn owner(owner: &str) -> Result<Requirement, Error> {
        if owner.is_empty() || owner.contains('/') {
            return Err(policy_err(
                "github.owner",
                format!("expected OWNER, found {owner:?}"),
            ));
        }
        Ok(Requirement::Field(
            Field::Fulcio(16),
            Matcher::exact(format!("https://github.com/{owner}")),
        ))
    }

    /// The signing workflow `OWNER/REPO/.github/workflows/FILE.yml`, at `@REF` when given, at any
    /// ref otherwise (claim 1.9, build signer URI).
    pub fn signer_workflow(w: &str) -> Result<Requirement, Error> {
        let (path, r) = match w.split_once('@') {
            Some((p, r)) => (p, Some(r)),
            None => (w, None),
        };
        let parts: Vec<&str> = path.split('/').collect();
        let ok = parts.len() == 5
            && parts.get(2) == Some(&".github")
            && parts.get(3) == Some(&"workflows")
            && parts.iter().all(|p| !p.is_empty());
        if !ok || r.is_some_and(str::is_empty) {
            return Err(policy_err(
                "github.signerWorkflow",
                format!("expected OWNER/REPO/.github/workflows/FILE.yml[@REF], found {w:?}"),
            ));
        }
        let prefix = format!("https://github.com/{path}@");
        let m = match r {
            Some(r) => Matcher::exact(format!("{prefix}{r}")),
            None => Matcher::regex_at(
                "github.signerWorkflow",
                &format!("{}.+", regex::escape(&prefix)),
            )?,
        };
        Ok(Requirement::Field(Field::Fulcio(9), m))
    }

    /// Source ref (`refs/heads/main`, `refs/tags/v1.2.3`; claim 1.14).
    pub fn source_ref(r: &str) -> Requirement {
        Requirement::Field(Field::Fulcio(14), Matcher::exact(r))
    }

    /// Source commit digest (hex; claim 1.13).
    pub fn source_digest(d: &str) -> Requirement {
        Requirement::Field(Field::Fulcio(13), Matcher::exact(d.to_ascii_lowercase()))
    }

    /// Runner environment must be `github-hosted` (claim 1.11).
    pub fn deny_self_hosted_runners() -> Requirement {
        Requirement::Field(Field::Fulcio(11), Matcher::exact("github-hosted"))
    }
}

/// GitLab CI shorthands (gitlab.com).
pub mod gitlab {
    use super::{policy_err, Field, Matcher, Requirement};
    use crate::error::Error;

    /// Source repository `https://gitlab.com/GROUP/PROJECT` (claim 1.12).
    pub fn project(p: &str) -> Result<Requirement, Error> {
        if p.split('/').count() < 2 || p.split('/').any(str::is_empty) {
            return Err(policy_err(
                "gitlab.project",
                format!("expected GROUP/PROJECT, found {p:?}"),
            ));
        }
        Ok(Requirement::Field(
            Field::Fulcio(12),
            Matcher::exact(format!("https://gitlab.com/{p}")),
        ))
    }

    /// Namespace (group) `https://gitlab.com/GROUP` (claim 1.16).
    pub fn namespace(n: &str) -> Result<Requirement, Error> {
        if n.is_empty() {
            return Err(policy_err("gitlab.namespace", "must not be empty"));
        }
        Ok(Requirement::Field(
            Field::Fulcio(16),
            Matcher::exact(format!("https://gitlab.com/{n}")),
        ))
    }

    /// The CI config that signed: `GROUP/PROJECT//PATH/.gitlab-ci.yml`, at `@REF` when given
    /// (claim 1.9, build signer URI).
    pub fn signer_config(c: &str) -> Result<Requirement, Error> {
        let (path, r) = match c.split_once('@') {
            Some((p, r)) => (p, Some(r)),
            None => (c, None),
        };
        if !path.contains("//") || r.is_some_and(str::is_empty) {
            return Err(policy_err(
                "gitlab.signerConfig",
                format!("expected GROUP/PROJECT//PATH[@REF], found {c:?}"),
            ));
        }
        let prefix = format!("https://gitlab.com/{path}@");
        let m = match r {
            Some(r) => Matcher::exact(format!("{prefix}{r}")),
            None => Matcher::regex_at(
                "gitlab.signerConfig",
                &format!("{}.+", regex::escape(&prefix)),
            )?,
        };
        Ok(Requirement::Field(Field::Fulcio(9), m))
    }

    /// Runner environment must be `gitlab-hosted` (claim 1.11).
    pub fn deny_self_hosted_runners() -> Requirement {
        Requirement::Field(Field::Fulcio(11), Matcher::exact("gitlab-hosted"))
    }
}

/// Policy documents (`version: 1`), the declarative form every binding reads from bytes.
mod document {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_are_anchored() {
        let r = Matcher::regex("https://github.com/o/r/.*").unwrap();
        assert!(r.matches("https://github.com/o/r/x"));
        assert!(!r.matches("xhttps://github.com/o/r/x"));
        let r = Matcher::regex("repo").unwrap();
        assert!(!r.matches("my-repo-fork"));
        let r = Matcher::regex("a|b").unwrap();
        assert!(r.matches("a") && r.matches("b") && !r.matches("ab"));
        let g = Matcher::glob("https://github.com/o/*/x").unwrap();
        assert!(g.matches("https://github.com/o/r/x"));
        assert!(!g.matches("https://github.com/o/r/s/x"));
        assert!(!g.matches("https://github.com/o/r/x/"));
        let g = Matcher::glob("https://github.com/o/**").unwrap();
        assert!(g.matches("https://github.com/o/r/s/x"));
        let g = Matcher::glob("a.b").unwrap();
        assert!(!g.matches("axb"));
        assert!(Matcher::regex("(").is_err());
        // Linear-time engine: a pattern built to backtrack is harmless.
        let evil = Matcher::regex("(a+)+$").unwrap();
        assert!(!evil.matches(&format!("{}!", "a".repeat(10_000))));
    }

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

    /// Issue 16: a policy names who signed. Every form that pins nothing is refused as invalid
    /// input, from documents and from the builders alike; every pinning form is accepted.
    #[test]
    fn a_policy_must_pin_the_signer() {
        let gh = GITHUB_ISSUER;
        let unpinned = [
            r#"{"version":1,"issuer":"b"}"#.to_owned(),
            r#"{"version":1,"github":{"sourceRef":"refs/heads/main"}}"#.to_owned(),
            r#"{"version":1,"github":{"sourceDigest":"abc"}}"#.to_owned(),
            r#"{"version":1,"github":{"denySelfHostedRunners":true}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"sourceRef":"refs/heads/main","denySelfHostedRunners":true}}"#.to_owned(),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryRef":"refs/heads/main"}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"runnerEnvironment":"github-hosted","sourceRepositoryVisibilityAtSigning":"public","buildTrigger":"push"}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","statement":{{"predicateType":"https://slsa.dev/provenance/v1","builderId":"x"}}}}"#),
            format!(r#"{{"version":1,"identity":{{"regex":".*"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"regex":".+"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"glob":"**"}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"identity":{{"anyOf":["x",{{"regex":"(?s).*"}}]}},"issuer":"{gh}"}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryURI":{{"glob":"**"}}}}}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","claims":{{"buildSignerURI":{{"regex":".*"}}}}}}"#),
            // One alternative that pins nothing lets every signer through.
            format!(r#"{{"version":1,"issuer":"{gh}","anyOf":[{{"github":{{"repository":"o/r"}}}},{{"github":{{"sourceRef":"refs/heads/main"}}}}]}}"#),
            format!(r#"{{"version":1,"issuer":"{gh}","allOf":[{{"claims":{{"sourceRepositoryRef":"x"}}}}]}}"#),
        ];
        for doc in &unpinned {
            let e = Policy::from_json(doc.as_bytes()).unwrap_err();
            assert!(matches!(e, Error::SignerNotPinned { .. }), "{doc}: {e}");
            assert_eq!(e.code(), "invalid-policy");
            assert!(e.is_invalid_input());
            assert!(e.to_string().contains("github.repository"), "{e}");
        }
        let pinned = [
            format!(r#"{{"version":1,"identity":"a","issuer":"{gh}"}}"#),
            format!(
                r#"{{"version":1,"identity":{{"regex":"https://github\\.com/o/r/.+"}},"issuer":"{gh}"}}"#
            ),
            r#"{"version":1,"github":{"repository":"o/r"}}"#.to_owned(),
            r#"{"version":1,"github":{"owner":"o","sourceRef":"refs/heads/main"}}"#.to_owned(),
            r#"{"version":1,"github":{"signerWorkflow":"o/r/.github/workflows/x.yml"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"project":"g/p"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"namespace":"g"}}"#.to_owned(),
            r#"{"version":1,"gitlab":{"signerConfig":"g/p//.gitlab-ci.yml"}}"#.to_owned(),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryURI":"https://github.com/o/r"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryIdentifier":"123"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryOwnerURI":"https://github.com/o"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"sourceRepositoryOwnerIdentifier":"9"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"buildSignerURI":{{"glob":"https://github.com/o/r/**"}}}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"buildConfigURI":{{"glob":"https://github.com/o/r/**"}}}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","claims":{{"githubWorkflowRepository":"o/r"}}}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","anyOf":[{{"github":{{"repository":"o/r"}}}},{{"identity":"x"}}]}}"#
            ),
            format!(
                r#"{{"version":1,"issuer":"{gh}","allOf":[{{"claims":{{"sourceRepositoryRef":"x"}}}},{{"github":{{"owner":"o"}}}}]}}"#
            ),
            r#"{"version":1,"unsafeAnyIdentity":true,"github":{"sourceRef":"refs/heads/main"}}"#
                .to_owned(),
        ];
        for doc in &pinned {
            Policy::from_json(doc.as_bytes()).unwrap_or_else(|e| panic!("{doc}: {e}"));
        }
        // The builders apply the same rule.
        for (id, iss) in [("", gh), ("a", ""), ("", "")] {
            let e = Policy::identity(id, iss).unwrap_err();
            assert_eq!(e.code(), "invalid-policy", "{e}");
        }
        let any = || Matcher::regex(".*").unwrap();
        assert!(matches!(
            Policy::certificate(any(), Matcher::exact(gh)),
            Err(Error::SignerNotPinned { .. })
        ));
        assert!(matches!(
            Policy::certificate_requirements(
                None,
                Matcher::exact(gh),
                vec![
                    github::source_ref("refs/heads/main"),
                    github::deny_self_hosted_runners()
                ]
            ),
            Err(Error::SignerNotPinned { .. })
        ));
        Policy::certificate_requirements(
            None,
            Matcher::exact(gh),
            vec![github::repository("o/r").unwrap()],
        )
        .unwrap();
        let mut p = Policy::identity("a", gh).unwrap();
        assert!(p.set_identity(any()).is_err());
        // Refused without a change: the policy still pins "a".
        assert!(p.check_pinned("$").is_ok());
        let mut p = Policy::github_repository("o/r").unwrap();
        p.set_identity(any()).unwrap();
    }

    #[test]
    fn signer_workflow_shorthand() {
        let Requirement::Field(f, m) =
            github::signer_workflow("o/r/.github/workflows/rel.yml").unwrap()
        else {
            panic!()
        };
        assert_eq!(f, Field::Fulcio(9));
        assert!(m.matches("https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1"));
        assert!(!m.matches("https://github.com/o/r/.github/workflows/rel.yml"));
        assert!(!m.matches("https://github.com/o/r/.github/workflows/rel.yml.evil@refs/tags/v1"));
        assert!(!m.matches("https://github.com/o/r2/.github/workflows/rel.yml@refs/tags/v1"));
        let Requirement::Field(_, m) =
            github::signer_workflow("o/r/.github/workflows/rel.yml@refs/heads/main").unwrap()
        else {
            panic!()
        };
        assert!(m.matches("https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main"));
        assert!(!m.matches("https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main2"));
    }
}
