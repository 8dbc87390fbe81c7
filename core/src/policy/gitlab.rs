//! GitLab CI shorthands (gitlab.com).

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
