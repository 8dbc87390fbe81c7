//! PEP 751 lock files (`pylock.toml`) and their `attestation-identities`.
//!
//! [`Lock::parse`] reads a lock as the pylock.toml specification defines it: every field kept,
//! typed, and checked (required keys, types, mutually exclusive sources, at least one hash per
//! file, file names that are one path component), after the size and item limits. A 1.0 lock
//! with a key the specification does not define is refused; a lock of a later 1.x version keeps
//! such keys and lists them in [`Lock::unknown_keys`] (the specification: a tool that supports
//! the major version SHOULD warn); any other major version is refused.
//!
//! [`check_file`] verifies one locked file that is present: its hashes (every algorithm of the
//! lock that sigverify computes, at least one) and, given its Integrity API provenance object,
//! every attestation in it (as `sigverify pypi verify` does); [`check_package`] compares the
//! publishers found with the package's recorded `attestation-identities`
//! ([`continuity::compare`](super::continuity::compare)).
//!
//! [`Lock::record`] writes identities into the lock text as `[[packages.attestation-identities]]`
//! tables right after the package's last line, leaving every other byte as it was.

use std::collections::BTreeMap;

use serde_json::Value as Json;
use toml_edit::{Item, TableLike, Value};

use super::continuity::{compare, Identity, Verdict};
use super::pypi::{self, Expect, Provenance};
use crate::crypto::HashAlg;
use crate::error::Error;
use crate::limits::{Document, MAX_PYLOCK_ITEMS, MAX_PYLOCK_PACKAGES};
use crate::{VerificationResult, Verifier};

const WHAT: &str = "pylock.toml";

fn bad(detail: impl Into<String>) -> Error {
    Error::InvalidJson {
        what: WHAT,
        detail: detail.into(),
    }
}

/// A PEP 751 lock.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Lock {
    /// `lock-version` (`"1.0"`, or a later 1.x).
    pub lock_version: String,
    /// `environments`: markers the lock is compatible with.
    pub environments: Option<Vec<String>>,
    /// `requires-python`.
    pub requires_python: Option<String>,
    /// `extras` (default empty).
    pub extras: Vec<String>,
    /// `dependency-groups` (default empty).
    pub dependency_groups: Vec<String>,
    /// `default-groups` (default empty).
    pub default_groups: Vec<String>,
    /// `created-by`.
    pub created_by: String,
    /// `[[packages]]`.
    pub packages: Vec<Package>,
    /// `[tool]`, as JSON (datetimes as RFC 3339 strings).
    pub tool: Option<Json>,
    /// Keys of a later 1.x version that this reader does not know (dotted paths).
    pub unknown_keys: Vec<String>,
    /// Per package, where in the text a table written after it goes (`None`: the package is an
    /// inline table and cannot be extended in place).
    insert_at: Vec<Option<usize>>,
}

/// One `[[packages]]` entry.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Package {
    /// `name` (normalised by the locker).
    pub name: String,
    /// `version`.
    pub version: Option<String>,
    /// `marker`.
    pub marker: Option<String>,
    /// `requires-python`.
    pub requires_python: Option<String>,
    /// `dependencies`: tables that identify other entries (informational), as JSON.
    pub dependencies: Vec<Json>,
    /// `index`.
    pub index: Option<String>,
    /// Where the package comes from.
    pub source: Source,
    /// `attestation-identities`.
    pub attestation_identities: Vec<Identity>,
    /// `[packages.tool]`, as JSON.
    pub tool: Option<Json>,
}

/// The source of a package (the specification's mutually exclusive keys).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Source {
    /// `[packages.vcs]`.
    Vcs {
        /// `type` (`git`, `hg`...).
        kind: String,
        /// `url`.
        url: Option<String>,
        /// `path`.
        path: Option<String>,
        /// `requested-revision`.
        requested_revision: Option<String>,
        /// `commit-id`.
        commit_id: String,
        /// `subdirectory`.
        subdirectory: Option<String>,
    },
    /// `[packages.directory]`.
    Directory {
        /// `path`.
        path: String,
        /// `editable` (default false).
        editable: bool,
        /// `subdirectory`.
        subdirectory: Option<String>,
    },
    /// `[packages.archive]`.
    Archive {
        /// The archive file.
        file: LockedFile,
        /// `subdirectory`.
        subdirectory: Option<String>,
    },
    /// `[packages.sdist]` and `[[packages.wheels]]`.
    Distributions {
        /// `sdist`.
        sdist: Option<LockedFile>,
        /// `wheels`.
        wheels: Vec<LockedFile>,
    },
}

/// A file the lock pins by hash (a wheel, an sdist, an archive).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LockedFile {
    /// `name`, or the last component of `path` or `url`: one safe path component.
    pub file_name: String,
    /// `name` as written.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `size`.
    pub size: Option<u64>,
    /// `upload-time` (RFC 3339).
    pub upload_time: Option<String>,
    /// `hashes`: algorithm name to lower-case hex value, at least one.
    pub hashes: BTreeMap<String, String>,
}

impl LockedFile {
    /// The algorithms of `hashes` sigverify computes (SHA-256 first, always included: the
    /// provenance subject digest is SHA-256).
    pub fn digest_algorithms(&self) -> Vec<HashAlg> {
        let mut out = vec![HashAlg::Sha256];
        for alg in [HashAlg::Sha384, HashAlg::Sha512] {
            if self.hashes.contains_key(alg.name()) {
                out.push(alg);
            }
        }
        out
    }
}

impl Package {
    /// Every file the package pins: wheels, the sdist, the archive.
    pub fn files(&self) -> Vec<&LockedFile> {
        match &self.source {
            Source::Distributions { sdist, wheels } => wheels.iter().chain(sdist.iter()).collect(),
            Source::Archive { file, .. } => vec![file],
            Source::Vcs { .. } | Source::Directory { .. } => Vec::new(),
        }
    }
}

/// Reads a table's keys, remembering which were read so that the rest are unknown.
struct Fields<'a> {
    t: &'a dyn TableLike,
    path: String,
    seen: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    fn new(t: &'a dyn TableLike, path: impl Into<String>) -> Fields<'a> {
        Fields {
            t,
            path: path.into(),
            seen: Vec::new(),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Item> {
        self.seen.push(key);
        self.t.get(key).filter(|i| !i.is_none())
    }

    fn string(&mut self, key: &'static str) -> Result<Option<String>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => i
                .as_str()
                .map(|s| Some(s.to_owned()))
                .ok_or_else(|| bad(format!("{} must be a string", self.at(key)))),
        }
    }

    fn required(&mut self, key: &'static str) -> Result<String, Error> {
        self.string(key)?
            .ok_or_else(|| bad(format!("{} is required", self.at(key))))
    }

    fn strings(&mut self, key: &'static str) -> Result<Option<Vec<String>>, Error> {
        let Some(i) = self.get(key) else {
            return Ok(None);
        };
        let a = i
            .as_array()
            .ok_or_else(|| bad(format!("{} must be an array of strings", self.at(key))))?;
        a.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("{} must be an array of strings", self.at(key))))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn boolean(&mut self, key: &'static str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => i
                .as_bool()
                .map(Some)
                .ok_or_else(|| bad(format!("{} must be a boolean", self.at(key)))),
        }
    }

    fn table(&mut self, key: &'static str) -> Result<Option<&'a dyn TableLike>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(i) => i
                .as_table_like()
                .map(Some)
                .ok_or_else(|| bad(format!("{} must be a table", self.at(key)))),
        }
    }

    /// An array of tables, written either as `[[x]]` or as an array of inline tables.
    fn tables(&mut self, key: &'static str) -> Result<Vec<&'a dyn TableLike>, Error> {
        let at = self.at(key);
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Item::ArrayOfTables(a)) => Ok(a.iter().map(|t| t as &dyn TableLike).collect()),
            Some(Item::Value(Value::Array(a))) => a
                .iter()
                .map(|v| {
                    v.as_inline_table()
                        .map(|t| t as &dyn TableLike)
                        .ok_or_else(|| bad(format!("{at} must be an array of tables")))
                })
                .collect(),
            Some(_) => Err(bad(format!("{at} must be an array of tables"))),
        }
    }

    fn json(&mut self, key: &'static str) -> Result<Option<Json>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(i) if i.is_table_like() => Ok(Some(item_json(i))),
            Some(_) => Err(bad(format!("{} must be a table", self.at(key)))),
        }
    }

    /// Keys present but not read: refused for a 1.0 lock, listed for a later 1.x.
    fn finish(self, lenient: bool, unknown: &mut Vec<String>) -> Result<(), Error> {
        for (k, _) in self.t.iter() {
            if !self.seen.contains(&k) {
                let at = self.at(k);
                if !lenient {
                    return Err(bad(format!(
                        "{at} is not a key of lock-version 1.0 (the specification defines no such key)"
                    )));
                }
                unknown.push(at);
            }
        }
        Ok(())
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::String(s) => Json::String(s.value().clone()),
        Value::Integer(i) => Json::from(*i.value()),
        Value::Float(f) => serde_json::Number::from_f64(*f.value())
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::Boolean(b) => Json::Bool(*b.value()),
        Value::Datetime(d) => Json::String(d.value().to_string()),
        Value::Array(a) => Json::Array(a.iter().map(value_json).collect()),
        Value::InlineTable(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), value_json(v)))
                .collect(),
        ),
    }
}

fn item_json(i: &Item) -> Json {
    match i {
        Item::None => Json::Null,
        Item::Value(v) => value_json(v),
        Item::Table(t) => Json::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), item_json(v)))
                .collect(),
        ),
        Item::ArrayOfTables(a) => Json::Array(
            a.iter()
                .map(|t| item_json(&Item::Table(t.clone())))
                .collect(),
        ),
    }
}

/// An upper bound on the values (tables, arrays, scalars) of a TOML document, from its text
/// alone, so that a document over [`MAX_PYLOCK_ITEMS`] is refused before any tree is built
/// (toml_edit keeps about a kilobyte per value). Outside strings and comments, every value but
/// the root follows an `=` (a key's value), a `[` or `,` (an array's element, a table header),
/// a `{` (an inline table) or a `.` (an implicit table of a dotted key), so one plus their count
/// bounds the values. A real uv lock counts about 1.8 per value (most dots are inside strings).
fn value_bound(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 1;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'=' | b',' | b'[' | b'{' | b'.' => n += 1,
            b'#' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let multi = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                i += if multi { 3 } else { 1 };
                // Up to the closing quote(s); a backslash escapes the next byte in basic strings.
                // An unterminated string ends the scan: the parser refuses the document.
                loop {
                    match b.get(i) {
                        None => return n,
                        Some(b'\\') if c == b'"' => i += 2,
                        Some(&q)
                            if q == c && (!multi || b.get(i + 1..i + 3) == Some(&[c, c][..])) =>
                        {
                            i += if multi { 3 } else { 1 };
                            // A multi-line string may end with up to two more quotes.
                            while multi && b.get(i) == Some(&c) {
                                i += 1;
                            }
                            break;
                        }
                        Some(b'\n') if !multi => break,
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// Counts the values of a document (tables, arrays and scalars), stopping past the limit.
fn count_items(i: &Item, n: &mut usize) {
    fn value(v: &Value, n: &mut usize) {
        *n += 1;
        if *n > MAX_PYLOCK_ITEMS {
            return;
        }
        match v {
            Value::Array(a) => a.iter().for_each(|v| value(v, n)),
            Value::InlineTable(t) => t.iter().for_each(|(_, v)| value(v, n)),
            _ => {}
        }
    }
    match i {
        Item::None => {}
        Item::Value(v) => value(v, n),
        Item::Table(t) => {
            *n += 1;
            if *n <= MAX_PYLOCK_ITEMS {
                t.iter().for_each(|(_, i)| count_items(i, n));
            }
        }
        Item::ArrayOfTables(a) => {
            *n += 1;
            for t in a.iter() {
                *n += 1;
                if *n > MAX_PYLOCK_ITEMS {
                    return;
                }
                t.iter().for_each(|(_, i)| count_items(i, n));
            }
        }
    }
}

/// The largest end offset of anything in a table (keys, values, sub-tables).
fn content_end(t: &dyn TableLike) -> usize {
    fn item_end(i: &Item) -> usize {
        match i {
            Item::None => 0,
            Item::Value(v) => v.span().map_or(0, |s| s.end),
            Item::Table(t) => t.span().map_or(0, |s| s.end).max(content_end(t)),
            Item::ArrayOfTables(a) => a
                .iter()
                .map(|t| t.span().map_or(0, |s| s.end).max(content_end(t)))
                .max()
                .unwrap_or(0),
        }
    }
    t.iter()
        .map(|(k, i)| {
            let key = t.key(k).and_then(|k| k.span()).map_or(0, |s| s.end);
            key.max(item_end(i))
        })
        .max()
        .unwrap_or(0)
}

/// A file name that is one path component (what a locked file is looked up by in a folder).
fn safe_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.chars().any(char::is_control)
}

fn locked_file(
    t: &dyn TableLike,
    path: String,
    lenient: bool,
    unknown: &mut Vec<String>,
) -> Result<LockedFile, Error> {
    let mut f = Fields::new(t, path);
    let name = f.string("name")?;
    let url = f.string("url")?;
    let fpath = f.string("path")?;
    let size = match f.get("size") {
        None => None,
        Some(i) => Some(
            i.as_integer()
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| bad(format!("{} must be a non-negative integer", f.at("size"))))?,
        ),
    };
    let upload_time = match f.get("upload-time") {
        None => None,
        Some(i) => Some(
            i.as_datetime()
                .map(ToString::to_string)
                .ok_or_else(|| bad(format!("{} must be a datetime", f.at("upload-time"))))?,
        ),
    };
    let at = f.at("hashes");
    let h = f
        .table("hashes")?
        .ok_or_else(|| bad(format!("{at} is required")))?;
    let mut hashes = BTreeMap::new();
    for (k, v) in h.iter() {
        let v = v
            .as_str()
            .ok_or_else(|| bad(format!("{at}.{k} must be a string")))?;
        hashes.insert(k.to_ascii_lowercase(), v.to_ascii_lowercase());
    }
    if hashes.is_empty() {
        return Err(bad(format!("{at} must hold at least one hash")));
    }
    if url.is_none() && fpath.is_none() && name.is_none() {
        return Err(bad(format!("{}: give name, path or url", f.path)));
    }
    let last = |s: &str| {
        let s = s.split(['?', '#']).next().unwrap_or(s);
        s.rsplit(['/', '\\']).next().unwrap_or(s).to_owned()
    };
    let file_name = name
        .clone()
        .or_else(|| fpath.as_deref().map(last))
        .or_else(|| url.as_deref().map(last))
        .unwrap_or_default();
    if !safe_file_name(&file_name) {
        return Err(bad(format!(
            "{}: file name {file_name:?} is not a single path component",
            f.path
        )));
    }
    f.finish(lenient, unknown)?;
    Ok(LockedFile {
        file_name,
        name,
        url,
        path: fpath,
        size,
        upload_time,
        hashes,
    })
}

fn identity(t: &dyn TableLike, at: &str) -> Result<Identity, Error> {
    let mut kind = None;
    let mut fields = BTreeMap::new();
    for (k, v) in t.iter() {
        let v = v
            .as_str()
            .ok_or_else(|| bad(format!("{at}.{k} must be a string")))?;
        if k == "kind" {
            kind = Some(v.to_owned());
        } else {
            fields.insert(k.to_owned(), v.to_owned());
        }
    }
    let kind = kind.ok_or_else(|| bad(format!("{at}.kind is required")))?;
    Identity::new(kind, fields).map_err(|e| bad(format!("{at}: {e}")))
}

fn package(
    t: &dyn TableLike,
    i: usize,
    lenient: bool,
    unknown: &mut Vec<String>,
) -> Result<Package, Error> {
    let mut f = Fields::new(t, format!("packages[{i}]"));
    let name = f.required("name")?;
    let version = f.string("version")?;
    let marker = f.string("marker")?;
    let requires_python = f.string("requires-python")?;
    let dependencies = f
        .tables("dependencies")?
        .into_iter()
        .map(|t| {
            Json::Object(
                t.iter()
                    .map(|(k, v)| (k.to_owned(), item_json(v)))
                    .collect(),
            )
        })
        .collect();
    let index = f.string("index")?;
    let vcs = f.table("vcs")?;
    let directory = f.table("directory")?;
    let archive = f.table("archive")?;
    let sdist = f.table("sdist")?;
    let wheels = f.tables("wheels")?;
    let given = [
        vcs.is_some(),
        directory.is_some(),
        archive.is_some(),
        sdist.is_some() || !wheels.is_empty(),
    ];
    if given.iter().filter(|g| **g).count() > 1 {
        return Err(bad(format!(
            "{}: vcs, directory, archive and sdist/wheels exclude each other",
            f.path
        )));
    }
    let source = if let Some(v) = vcs {
        let mut g = Fields::new(v, f.at("vcs"));
        let s = Source::Vcs {
            kind: g.required("type")?,
            url: g.string("url")?,
            path: g.string("path")?,
            requested_revision: g.string("requested-revision")?,
            commit_id: g.required("commit-id")?,
            subdirectory: g.string("subdirectory")?,
        };
        if let Source::Vcs {
            url: None,
            path: None,
            ..
        } = &s
        {
            return Err(bad(format!("{}: url or path is required", g.path)));
        }
        g.finish(lenient, unknown)?;
        s
    } else if let Some(d) = directory {
        let mut g = Fields::new(d, f.at("directory"));
        let s = Source::Directory {
            path: g.required("path")?,
            editable: g.boolean("editable")?.unwrap_or(false),
            subdirectory: g.string("subdirectory")?,
        };
        g.finish(lenient, unknown)?;
        s
    } else if let Some(a) = archive {
        // The archive's own keys plus `subdirectory`: read the subdirectory here, the rest as a
        // file (which refuses keys it does not know).
        let subdirectory = match a.get("subdirectory") {
            None => None,
            Some(i) => Some(i.as_str().map(str::to_owned).ok_or_else(|| {
                bad(format!("{}.subdirectory must be a string", f.at("archive")))
            })?),
        };
        let mut rest = toml_edit::Table::new();
        for (k, v) in a.iter() {
            if k != "subdirectory" {
                rest.insert(k, v.clone());
            }
        }
        Source::Archive {
            file: locked_file(&rest, f.at("archive"), lenient, unknown)?,
            subdirectory,
        }
    } else {
        Source::Distributions {
            sdist: sdist
                .map(|s| locked_file(s, f.at("sdist"), lenient, unknown))
                .transpose()?,
            wheels: wheels
                .into_iter()
                .enumerate()
                .map(|(j, w)| locked_file(w, format!("{}[{j}]", f.at("wheels")), lenient, unknown))
                .collect::<Result<_, _>>()?,
        }
    };
    let at = f.at("attestation-identities");
    let attestation_identities = f
        .tables("attestation-identities")?
        .into_iter()
        .enumerate()
        .map(|(j, t)| identity(t, &format!("{at}[{j}]")))
        .collect::<Result<_, _>>()?;
    let tool = f.json("tool")?;
    f.finish(lenient, unknown)?;
    Ok(Package {
        name,
        version,
        marker,
        requires_python,
        dependencies,
        index,
        source,
        attestation_identities,
        tool,
    })
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        k.to_owned()
    } else {
        toml_string(k)
    }
}

impl Lock {
    /// Reads a lock (UTF-8 TOML), after the size and item limits.
    pub fn parse(text: &[u8]) -> Result<Lock, Error> {
        Document::Pylock.check_size(text.len() as u64)?;
        let text = std::str::from_utf8(text).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        let bound = value_bound(text);
        if bound > MAX_PYLOCK_ITEMS {
            return Err(Error::LimitExceeded {
                what: "pylock.toml items (bounded before parsing: 1 + the `=`, `,`, `[`, `{` and `.` outside strings)",
                limit: MAX_PYLOCK_ITEMS as u64,
                found: bound as u64,
            });
        }
        let doc = toml_edit::Document::parse(text).map_err(|e| bad(e.to_string()))?;
        let mut n = 0;
        count_items(doc.as_item(), &mut n);
        if n > MAX_PYLOCK_ITEMS {
            return Err(Error::LimitExceeded {
                what: "pylock.toml items",
                limit: MAX_PYLOCK_ITEMS as u64,
                found: n as u64,
            });
        }
        let mut f = Fields::new(doc.as_table(), "");
        let lock_version = f.required("lock-version")?;
        let lenient = match lock_version.split_once('.') {
            Some(("1", "0")) => false,
            Some(("1", minor))
                if !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()) =>
            {
                true
            }
            _ => {
                return Err(bad(format!(
                    "lock-version {lock_version:?} is not supported (1.x)"
                )))
            }
        };
        let mut unknown = Vec::new();
        let environments = f.strings("environments")?;
        let requires_python = f.string("requires-python")?;
        let extras = f.strings("extras")?.unwrap_or_default();
        let dependency_groups = f.strings("dependency-groups")?.unwrap_or_default();
        let default_groups = f.strings("default-groups")?.unwrap_or_default();
        let created_by = f.required("created-by")?;
        let tables = f.tables("packages")?;
        if f.t.get("packages").is_none() {
            return Err(bad("packages is required"));
        }
        if tables.len() > MAX_PYLOCK_PACKAGES {
            return Err(Error::LimitExceeded {
                what: "pylock.toml packages",
                limit: MAX_PYLOCK_PACKAGES as u64,
                found: tables.len() as u64,
            });
        }
        let standard = matches!(doc.as_table().get("packages"), Some(Item::ArrayOfTables(_)));
        let mut packages = Vec::with_capacity(tables.len());
        let mut insert_at = Vec::with_capacity(tables.len());
        for (i, t) in tables.into_iter().enumerate() {
            packages.push(package(t, i, lenient, &mut unknown)?);
            insert_at.push(standard.then(|| {
                // After the line holding the package's last key or value.
                let end = content_end(t);
                text.get(end..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(text.len(), |nl| end + nl + 1)
            }));
        }
        let tool = f.json("tool")?;
        f.finish(lenient, &mut unknown)?;
        Ok(Lock {
            lock_version,
            environments,
            requires_python,
            extras,
            dependency_groups,
            default_groups,
            created_by,
            packages,
            tool,
            unknown_keys: unknown,
            insert_at,
        })
    }

    /// The lock `text` (which `self` was parsed from) with `identities` recorded: for each
    /// `(package index, identities)`, a `[[packages.attestation-identities]]` table per identity
    /// right after the package's last line. Every other byte is kept. Refused: a package that
    /// already records identities (compare instead: a lock tool must not overwrite them), an
    /// index out of range, a package written as an inline table. The result is read back and
    /// must give this lock with the identities added.
    pub fn record(
        &self,
        text: &str,
        identities: &[(usize, Vec<Identity>)],
    ) -> Result<String, Error> {
        let mut edits: Vec<(usize, String)> = Vec::new();
        for (i, ids) in identities {
            let p = self
                .packages
                .get(*i)
                .ok_or_else(|| bad(format!("no package {i}")))?;
            if ids.is_empty() {
                continue;
            }
            if !p.attestation_identities.is_empty() {
                return Err(bad(format!(
                    "package {:?} already records attestation-identities",
                    p.name
                )));
            }
            let at = self.insert_at.get(*i).copied().flatten().ok_or_else(|| {
                bad(format!(
                    "package {:?} is an inline table: record needs [[packages]] tables",
                    p.name
                ))
            })?;
            let mut s = String::new();
            if at > 0 && !text.get(..at).is_some_and(|t| t.ends_with('\n')) {
                s.push('\n');
            }
            for id in ids {
                s.push_str("[[packages.attestation-identities]]\n");
                let mut lines: Vec<(String, String)> = id
                    .fields()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                lines.push(("kind".into(), id.kind().to_owned()));
                lines.sort();
                for (k, v) in lines {
                    s.push_str(&format!("{} = {}\n", toml_key(&k), toml_string(&v)));
                }
            }
            edits.push((at, s));
        }
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut out = text.to_owned();
        for (at, s) in edits {
            if !out.is_char_boundary(at) {
                return Err(bad("internal: insertion point inside a character"));
            }
            out.insert_str(at, &s);
        }
        // Read back: the same lock, with the identities added.
        let back = Lock::parse(out.as_bytes())?;
        let mut want = self.clone();
        for (i, ids) in identities {
            if let Some(p) = want.packages.get_mut(*i) {
                p.attestation_identities.extend(ids.iter().cloned());
            }
        }
        want.insert_at = back.insert_at.clone();
        if back != want {
            return Err(bad(
                "recording identities would change the lock otherwise (left unwritten)",
            ));
        }
        Ok(out)
    }
}

/// What checking one present locked file gave.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FileCheck {
    /// The file name.
    pub file_name: String,
    /// The publishers its provenance names (each attestation verified), or `None` without
    /// provenance.
    pub publishers: Option<Vec<Identity>>,
    /// The verification results of its attestations.
    pub results: Vec<VerificationResult>,
}

/// Checks one locked file that is present: `digests` (of the file's bytes, for
/// [`LockedFile::digest_algorithms`]) against every hash of the lock sigverify computes, and,
/// given, its Integrity API provenance object (every attestation verified against the
/// publisher the object names, the file's name and SHA-256).
pub fn check_file(
    verifier: &Verifier,
    file: &LockedFile,
    digests: &[(HashAlg, Vec<u8>)],
    provenance: Option<&[u8]>,
    now: i64,
) -> Result<FileCheck, Error> {
    let mut compared = 0;
    for (alg, d) in digests {
        if let Some(want) = file.hashes.get(alg.name()) {
            let found = hex::encode(d);
            if *want != found {
                return Err(Error::ArtifactMismatch {
                    what: format!("{} of {} (the lock's hash)", alg.name(), file.file_name),
                    expected: want.clone(),
                    found,
                });
            }
            compared += 1;
        }
    }
    if compared == 0 {
        return Err(Error::InvalidArtifact {
            reason: format!(
                "{}: the lock gives no hash sigverify computes (sha256, sha384, sha512), only {}",
                file.file_name,
                file.hashes.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let Some(json) = provenance else {
        return Ok(FileCheck {
            file_name: file.file_name.clone(),
            publishers: None,
            results: Vec::new(),
        });
    };
    let sha256 = digests
        .iter()
        .find(|(a, _)| *a == HashAlg::Sha256)
        .map(|(_, d)| d.as_slice())
        .ok_or_else(|| Error::InvalidArtifact {
            reason: "the file's SHA-256 is needed for its provenance".into(),
        })?;
    let prov: Provenance = pypi::parse_provenance(json)?;
    let results = pypi::verify_provenance(
        verifier,
        &prov,
        &file.file_name,
        sha256,
        &Expect::FromProvenance,
        now,
    )?;
    let mut publishers: Vec<Identity> = prov
        .attestation_bundles
        .iter()
        .map(|(p, _)| Identity::from_publisher(p))
        .collect();
    publishers.sort();
    publishers.dedup();
    Ok(FileCheck {
        file_name: file.file_name.clone(),
        publishers: Some(publishers),
        results,
    })
}

/// The verdict for a package from the checks of its present files: each publisher found is
/// compared with the recorded identities; a present file without provenance is missing
/// provenance when identities are recorded. The worst verdict wins. `None` when no file of the
/// package was present.
pub fn check_package(package: &Package, files: &[FileCheck]) -> Option<Verdict> {
    let rec = &package.attestation_identities;
    let mut verdict: Option<Verdict> = None;
    let mut push = |v: Verdict| {
        verdict = Some(match verdict.take() {
            None => v,
            Some(w) => w.worse(v),
        });
    };
    for f in files {
        match &f.publishers {
            None => push(compare(rec, None, true)),
            Some(ps) => ps.iter().for_each(|p| push(compare(rec, Some(p), true))),
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"lock-version = '1.0'
environments = ["sys_platform == 'linux'"]
requires-python = '==3.12'
created-by = 'mousebender'

[[packages]]
name = 'attrs'
version = '25.1.0'
wheels = [
  {name = 'attrs-25.1.0-py3-none-any.whl', upload-time = 2025-01-25T11:30:10.164985+00:00, url = 'https://example.com/attrs-25.1.0-py3-none-any.whl', size = 63152, hashes = {sha256 = 'c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a'}},
]
[[packages.attestation-identities]]
environment = 'release-pypi'
kind = 'GitHub'
repository = 'python-attrs/attrs'
workflow = 'pypi-package.yml'

[[packages]]
name = 'cattrs'
version = '24.1.2'
dependencies = [
    {name = 'attrs'},
]
[packages.sdist]
url = 'https://example.com/cattrs-24.1.2.tar.gz'
hashes = {sha256 = '67c7495b760168d931a10233f979b28dc04daf853b30752246f4f8471c6d68d0'}
# trailing comment

[tool.mousebender]
command = ['.', 'lock']
run-on = 2025-03-06T12:28:57.760769
"#;

    #[test]
    fn reads_the_specification_example() {
        let l = Lock::parse(LOCK.as_bytes()).unwrap();
        assert_eq!(l.created_by, "mousebender");
        assert_eq!(l.packages.len(), 2);
        let a = &l.packages[0];
        assert_eq!(a.attestation_identities.len(), 1);
        assert_eq!(a.attestation_identities[0].kind(), "GitHub");
        assert_eq!(a.files()[0].file_name, "attrs-25.1.0-py3-none-any.whl");
        assert_eq!(a.files()[0].size, Some(63152));
        let c = &l.packages[1];
        assert_eq!(c.files()[0].file_name, "cattrs-24.1.2.tar.gz");
        assert_eq!(c.dependencies.len(), 1);
        assert!(l.tool.is_some());
    }

    #[test]
    fn records_identities_keeping_every_other_byte() {
        let l = Lock::parse(LOCK.as_bytes()).unwrap();
        let mut f = BTreeMap::new();
        f.insert("repository".to_owned(), "python-attrs/cattrs".to_owned());
        f.insert("workflow".to_owned(), "ci.yml".to_owned());
        let id = Identity::new("GitHub", f).unwrap();
        let out = l.record(LOCK, &[(1, vec![id.clone()])]).unwrap();
        let added = "[[packages.attestation-identities]]\nkind = \"GitHub\"\nrepository = \"python-attrs/cattrs\"\nworkflow = \"ci.yml\"\n";
        assert_eq!(out.replacen(added, "", 1), LOCK);
        let back = Lock::parse(out.as_bytes()).unwrap();
        assert_eq!(back.packages[1].attestation_identities, vec![id.clone()]);
        // Already recorded: refused.
        assert!(l.record(LOCK, &[(0, vec![id])]).is_err());
    }

    #[test]
    fn refuses_what_the_specification_forbids() {
        let cases = [
            ("lock-version = '2.0'\ncreated-by = 'x'\npackages = []\n", "lock-version"),
            ("lock-version = '1.0'\npackages = []\n", "created-by"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n", "packages"),
            ("lock-version = '1.0'\ncreated-by = 'x'\nsurprise = 1\npackages = []\n", "surprise"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nversion = '1'\n", "name"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{name = 'a.whl', hashes = {}}]\n", "at least one hash"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nwheels = [{name = '../a.whl', hashes = {sha256 = 'aa'}}]\n", "single path component"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\ndirectory = {path = '.'}\nsdist = {name = 'a.tar.gz', hashes = {sha256 = 'aa'}}\n", "exclude each other"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\nvcs = {type = 'git', url = 'u'}\n", "commit-id"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 1\n", "string"),
            ("lock-version = '1.0'\ncreated-by = 'x'\n[[packages]]\nname = 'a'\n[[packages.attestation-identities]]\nrepository = 'o/r'\n", "kind"),
            ("lock-version = '1.0'\ncreated-by = 'x\n", "pylock"),
        ];
        for (text, want) in cases {
            let e = Lock::parse(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(want), "{text:?}: {e}");
        }
        // A later minor version keeps unknown keys and lists them.
        let l =
            Lock::parse(b"lock-version = '1.1'\ncreated-by = 'x'\nsurprise = 1\npackages = []\n")
                .unwrap();
        assert_eq!(l.unknown_keys, vec!["surprise".to_owned()]);
    }

    #[test]
    fn the_value_bound_bounds_the_parsed_values() {
        let docs = [
            "a = 1\n",
            "a.b.c = 1\n[t.u]\nx = [1, [2, {y = 3, z.w = 4}]]\n[[p]]\n[[p]]\nq = {}\n",
            // Separators inside strings and comments are not counted; the values still are.
            "a = \"=,[{.\\\"=\"\nb = '=,[{.'\n# = , [ { .\nc = \"\"\"=,\n[{.\"\"\"\"\nd = '''=,\n.'''\n",
            "x = 1.5\ny = 1979-05-27T07:32:00.999Z\nz = [ ]\n",
        ];
        for doc in docs {
            let parsed = toml_edit::Document::parse(doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            let mut n = 0;
            count_items(parsed.as_item(), &mut n);
            let bound = value_bound(doc);
            assert!(n <= bound, "{doc:?}: {n} values, bound {bound}");
        }
        // Strings and comments hide their separators.
        assert_eq!(value_bound("a = \"=,[{.\" # =,[{.\n"), 2);
        assert_eq!(value_bound("a = '''\n=,[{.\n'''\n"), 2);
        // An unterminated string stops the count (the parser refuses the document).
        assert_eq!(value_bound("a = \"==="), 2);
    }

    #[test]
    fn values_over_the_limit_are_refused_before_parsing() {
        // Dotted keys: four values a line, the costliest kind of value to parse.
        let text: String = (0..MAX_PYLOCK_ITEMS / 4 + 1)
            .map(|i| format!("k{i}.a.b.c = 1\n"))
            .collect();
        let e = Lock::parse(text.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("bounded before parsing"), "{e}");
    }

    #[test]
    fn deep_and_large_documents_are_refused() {
        let deep = format!(
            "lock-version = '1.0'\ncreated-by = 'x'\npackages = []\n[tool]\nx = {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(Lock::parse(deep.as_bytes()).is_err());
        let many = format!(
            "lock-version = '1.0'\ncreated-by = 'x'\npackages = []\n[tool]\nx = [{}]\n",
            "1,".repeat(MAX_PYLOCK_ITEMS + 10)
        );
        let e = Lock::parse(many.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "limit-exceeded", "{e}");
    }
}
