//! Matchers: how a policy compares one value (exact, anchored regular expression, glob; all-of
//! and any-of), and their JSON form in policy documents.

use std::fmt;

use serde_json::Value;

use super::policy_err;
use crate::error::Error;
use crate::limits;

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

    pub(super) fn regex_at(path: &str, pattern: &str) -> Result<Matcher, Error> {
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
    pub(super) fn from_value(path: &str, v: &Value, depth: usize) -> Result<Matcher, Error> {
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
}
