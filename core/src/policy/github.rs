//! GitHub Actions shorthands (claims of Fulcio certificates issued to GitHub workflows).

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::github;

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
