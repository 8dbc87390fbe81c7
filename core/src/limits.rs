//! Bounds against hostile input, all in one place (like sigstore-go's `internal/limits`).
//!
//! Every limit is checked before the expensive work it protects. Real bundles are far below
//! each of them: a public-good bundle is about 10 KB with one log entry, one timestamp, one
//! certificate and a proof of ~30 hashes.

/// Largest bundle document accepted, in bytes.
pub const MAX_BUNDLE_BYTES: usize = 16 * 1024 * 1024;
/// Largest trusted root document accepted, in bytes.
pub const MAX_TRUSTED_ROOT_BYTES: usize = 16 * 1024 * 1024;
/// Largest evidence threshold (`VerifierOptions`) or witness threshold accepted: anything above
/// is a mistake, not a policy.
pub const MAX_THRESHOLD: usize = 1024;
/// Largest managed public key (PEM or DER SubjectPublicKeyInfo) accepted, in bytes (an RSA-4096
/// PEM key is about 800).
pub const MAX_PUBLIC_KEY_BYTES: usize = 64 * 1024;
/// Largest npm registry keys document (`keys.json`) accepted, in bytes.
pub const MAX_NPM_KEYS_BYTES: usize = 16 * 1024 * 1024;
/// Largest ecosystem document accepted (a PyPI provenance object or PEP 740 attestation, an npm
/// attestations response, GitHub attestation JSON lines), in bytes: each holds a few bundles.
pub const MAX_ECOSYSTEM_DOCUMENT_BYTES: usize = MAX_BUNDLE_BYTES;
/// Largest `verify-batch` manifest (JSON lines, one small object per bundle) accepted, in bytes:
/// about two million items.
pub const MAX_BATCH_MANIFEST_BYTES: usize = 512 * 1024 * 1024;
/// Largest TUF state document (`TufState::to_json`) accepted, in bytes (a real one is about 300).
pub const MAX_TUF_STATE_BYTES: usize = 1024 * 1024;
/// Largest OpenSSF model signature (`model.sig`, a bundle) accepted, in bytes: the bundle
/// limit (its manifest of ~150 bytes per file fits tens of thousands of files).
pub const MAX_MODEL_SIGNATURE_BYTES: usize = MAX_BUNDLE_BYTES;
/// Largest PEM file of CA certificates accepted, in bytes (a system CA bundle is ~250 KB).
pub const MAX_CERTIFICATES_PEM_BYTES: usize = 4 * 1024 * 1024;
/// Largest PEP 751 lock (`pylock.toml`) accepted, in bytes (a lock of a thousand packages with
/// wheels for every platform is a few MB).
pub const MAX_PYLOCK_BYTES: usize = 16 * 1024 * 1024;
/// Most values (tables, arrays, scalars) in one `pylock.toml`, bounded from the text before it
/// is parsed (see `ecosystems::pylock`). The parsed tree takes up to about a kilobyte per value
/// (tables cost the most), so this keeps a lock's tree under ~160 MB; a real uv lock has one
/// value per ~50 bytes and counts ~1.8 per value before parsing, so locks up to ~4 MB (about a
/// thousand packages with wheels for every platform) fit.
pub const MAX_PYLOCK_ITEMS: usize = 150_000;
/// Most `[[packages]]` in one `pylock.toml`.
pub const MAX_PYLOCK_PACKAGES: usize = 100_000;
/// Most CA certificates given at once (model signing's `certificate` method).
pub const MAX_CA_CERTIFICATES: usize = 1024;
/// Most entries (files, directories, links) in a model directory listing.
pub const MAX_MODEL_ENTRIES: usize = 1_000_000;
/// Most files and shards one model verification hashes.
pub const MAX_MODEL_JOBS: usize = 1_000_000;

/// Every kind of document sigverify reads, with the size limit a reader must stop at. A host
/// that reads one from a file reads at most `max_bytes() + 1` bytes (or refuses it from its size)
/// and never the whole file: a 7 GB file named as a bundle costs 16 MiB, not 7 GB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Document {
    /// A Sigstore bundle.
    Bundle,
    /// A trusted root (`trusted_root.json`).
    TrustedRoot,
    /// A policy document.
    Policy,
    /// A managed public key (PEM).
    PublicKey,
    /// An ecosystem document: a PyPI provenance object or attestation, an npm attestations
    /// response, GitHub attestation JSON lines.
    Ecosystem,
    /// An npm registry keys document.
    NpmKeys,
    /// A `verify-batch` manifest.
    BatchManifest,
    /// A TUF root the caller trusts.
    TufRoot,
    /// The TUF state of the last update.
    TufState,
    /// Any file of a TUF repository (metadata or target): the largest of their limits; the
    /// update refuses each one beyond its own.
    TufFile,
    /// An OpenSSF model signature (`model.sig`).
    ModelSignature,
    /// A PEM file of CA certificates.
    Certificates,
    /// A PEP 751 lock (`pylock.toml`).
    Pylock,
}

impl Document {
    /// The most bytes accepted.
    pub const fn max_bytes(self) -> usize {
        match self {
            Document::Bundle => MAX_BUNDLE_BYTES,
            Document::TrustedRoot => MAX_TRUSTED_ROOT_BYTES,
            Document::Policy => MAX_POLICY_BYTES,
            Document::PublicKey => MAX_PUBLIC_KEY_BYTES,
            Document::Ecosystem => MAX_ECOSYSTEM_DOCUMENT_BYTES,
            Document::NpmKeys => MAX_NPM_KEYS_BYTES,
            Document::BatchManifest => MAX_BATCH_MANIFEST_BYTES,
            Document::TufRoot => MAX_TUF_ROOT_BYTES,
            Document::TufState => MAX_TUF_STATE_BYTES,
            // The largest of the TUF limits (a test says so).
            Document::TufFile => MAX_TUF_TARGET_FILE_BYTES,
            Document::ModelSignature => MAX_MODEL_SIGNATURE_BYTES,
            Document::Certificates => MAX_CERTIFICATES_PEM_BYTES,
            Document::Pylock => MAX_PYLOCK_BYTES,
        }
    }

    /// What it is called in errors (`"bundle"`, `"trusted root"`...).
    pub const fn name(self) -> &'static str {
        match self {
            Document::Bundle => "bundle",
            Document::TrustedRoot => "trusted root",
            Document::Policy => "policy document",
            Document::PublicKey => "public key",
            Document::Ecosystem => "ecosystem document",
            Document::NpmKeys => "npm keys document",
            Document::BatchManifest => "batch manifest",
            Document::TufRoot => "TUF root",
            Document::TufState => "TUF state",
            Document::TufFile => "TUF repository file",
            Document::ModelSignature => "model signature",
            Document::Certificates => "CA certificates",
            Document::Pylock => "pylock.toml",
        }
    }

    /// The error for a document of `found` bytes (or more) when that is over the limit.
    pub fn check_size(self, found: u64) -> Result<(), crate::Error> {
        if found > self.max_bytes() as u64 {
            return Err(crate::Error::LimitExceeded {
                what: self.size_description(),
                limit: self.max_bytes() as u64,
                found,
            });
        }
        Ok(())
    }

    const fn size_description(self) -> &'static str {
        match self {
            Document::Bundle => "bundle size in bytes",
            Document::TrustedRoot => "trusted root size in bytes",
            Document::Policy => "policy document size in bytes",
            Document::PublicKey => "public key size in bytes",
            Document::Ecosystem => "ecosystem document size in bytes",
            Document::NpmKeys => "npm keys.json size in bytes",
            Document::BatchManifest => "batch manifest size in bytes",
            Document::TufRoot => "TUF root size in bytes",
            Document::TufState => "TUF state size in bytes",
            Document::TufFile => "TUF repository file size in bytes",
            Document::ModelSignature => "model signature size in bytes",
            Document::Certificates => "CA certificates PEM size in bytes",
            Document::Pylock => "pylock.toml size in bytes",
        }
    }
}

/// Deepest JSON nesting accepted in any document (a bundle needs 8). Checked by a linear scan
/// before parsing; serde_json would also stop at 128.
pub const MAX_JSON_DEPTH: usize = 64;
/// Longest regular expression or glob in a policy, in bytes.
pub const MAX_PATTERN_BYTES: usize = 4096;
/// Largest compiled form of one regular expression (the regex crate's size limit), in bytes.
pub const MAX_REGEX_COMPILED_BYTES: usize = 1024 * 1024;
/// Deepest nesting of groups in a regular expression.
pub const MAX_REGEX_NESTING: u32 = 64;
/// Largest policy document accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;
/// Most transparency log entries in one bundle.
pub const MAX_TLOG_ENTRIES: usize = 32;
/// Most RFC 3161 timestamps in one bundle.
pub const MAX_TIMESTAMPS: usize = 32;
/// Most certificates in a bundle's `x509CertificateChain`.
pub const MAX_CHAIN_CERTS: usize = 10;
/// Most hashes in an inclusion proof (a tree of 2^64 leaves needs at most 64).
pub const MAX_PROOF_HASHES: usize = 64;
/// Most signature lines in a checkpoint (signed note).
pub const MAX_CHECKPOINT_SIGNATURES: usize = 64;
/// Largest checkpoint envelope, in bytes.
pub const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;
/// Most signatures in a DSSE envelope.
pub const MAX_DSSE_SIGNATURES: usize = 16;
/// Most SCTs in one certificate.
pub const MAX_SCTS: usize = 32;
/// Most subjects in an in-toto statement.
pub const MAX_STATEMENT_SUBJECTS: usize = 100_000;
/// Most entries in a trusted root (per list: tlogs, CAs, CT logs, TSAs).
pub const MAX_TRUST_ROOT_ENTRIES: usize = 256;

// --- TUF (the `tuf` module): bounds on repository metadata and on one update. ---
// The byte limits are python-tuf's defaults; a length stated in signed metadata (snapshot in the
// timestamp, targets in the snapshot, every target file) replaces them.

/// Largest TUF root metadata file accepted, in bytes.
pub const MAX_TUF_ROOT_BYTES: usize = 512 * 1024;
/// Largest TUF timestamp metadata file accepted, in bytes.
pub const MAX_TUF_TIMESTAMP_BYTES: usize = 16 * 1024;
/// Largest TUF snapshot metadata file accepted when the timestamp states no length, in bytes.
pub const MAX_TUF_SNAPSHOT_BYTES: usize = 2 * 1024 * 1024;
/// Largest TUF targets (top-level or delegated) metadata file accepted when the snapshot states
/// no length, in bytes.
pub const MAX_TUF_TARGETS_BYTES: usize = 5 * 1024 * 1024;
/// Largest TUF target file accepted (its exact length comes from the targets metadata), in bytes.
pub const MAX_TUF_TARGET_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Most new root versions walked in one update (python-tuf's `max_root_rotations`).
pub const MAX_TUF_ROOT_ROTATIONS: u64 = 256;
/// Most targets roles visited while searching for one target (python-tuf's `max_delegations`).
pub const MAX_TUF_DELEGATIONS: usize = 32;
/// Most signatures on one TUF metadata file.
pub const MAX_TUF_SIGNATURES: usize = 1024;
/// Most keys in one TUF key map (root `keys`, `delegations.keys`) and key ids in one role.
pub const MAX_TUF_KEYS: usize = 1024;
/// Most delegated roles in one targets metadata file.
pub const MAX_TUF_DELEGATED_ROLES: usize = 1024;

/// Most items in one JSON document: opening brackets, commas and colons outside strings, which
/// bounds the number of values a parser can be made to build (a bundle has about 100, a
/// statement with [`MAX_STATEMENT_SUBJECTS`] compact subjects about 700,000). Checked with the
/// depth, in the same pass and before any parsing, for every JSON document sigverify reads.
pub const MAX_JSON_ITEMS: usize = 1_000_000;

/// Most items in a document, or a part of one, that is read into a generic JSON tree (ecosystem
/// documents, policy documents, log entry bodies, an in-toto statement's predicate, TUF
/// metadata), where each item can cost a few hundred bytes of memory: 200,000 items stay under
/// 50 MB. Real ones have a few hundred.
pub const MAX_JSON_TREE_ITEMS: usize = 200_000;

/// Refuses JSON nested deeper than [`MAX_JSON_DEPTH`] or with more than [`MAX_JSON_ITEMS`]
/// items, in one pass over the bytes and before any parsing (brackets, commas and colons inside
/// strings do not count). For a document read into typed structures, whose lists are bounded.
pub(crate) fn check_json(json: &[u8], what: &'static str) -> Result<(), crate::Error> {
    scan_json(json, what, MAX_JSON_ITEMS)
}

/// [`check_json`] for a document read into a generic JSON tree: at most [`MAX_JSON_TREE_ITEMS`].
pub(crate) fn check_json_tree(json: &[u8], what: &'static str) -> Result<(), crate::Error> {
    scan_json(json, what, MAX_JSON_TREE_ITEMS)
}

fn scan_json(json: &[u8], what: &'static str, max_items: usize) -> Result<(), crate::Error> {
    let mut depth = 0usize;
    let mut items = 0usize;
    let mut i = 0usize;
    while let Some(&b) = json.get(i) {
        i += 1;
        match b {
            // A string: skip to its closing quote (most of a bundle's bytes are base64 strings).
            b'"' => loop {
                match json
                    .get(i..)
                    .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
                {
                    // an escape: skip it and the byte it escapes
                    Some(n) if json.get(i + n) == Some(&b'\\') => i += n + 2,
                    Some(n) => {
                        i += n + 1;
                        break;
                    }
                    // unterminated: the parser that follows reports it
                    None => return Ok(()),
                }
            },
            b'[' | b'{' => {
                depth += 1;
                items += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(crate::Error::LimitExceeded {
                        what: match what {
                            "bundle" => "JSON nesting depth of the bundle",
                            "trusted root" => "JSON nesting depth of the trusted root",
                            _ => "JSON nesting depth",
                        },
                        limit: MAX_JSON_DEPTH as u64,
                        found: depth as u64,
                    });
                }
            }
            b',' | b':' => items += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if items > max_items {
            return Err(crate::Error::LimitExceeded {
                what: match what {
                    "bundle" => "JSON items (values, members) in the bundle",
                    "trusted root" => "JSON items (values, members) in the trusted root",
                    _ => "JSON items (values, members) in one document",
                },
                limit: max_items as u64,
                found: items as u64,
            });
        }
    }
    Ok(())
}

/// A JSON array read with a bound: the first `MAX` elements are deserialised, the rest are
/// skipped without being built (serde's `IgnoredAny`) and only counted, so that a document of
/// millions of small elements costs no memory before its count limit refuses it.
pub(crate) struct BoundedVec<T, const MAX: usize> {
    /// The first `MAX` elements.
    pub(crate) items: Vec<T>,
    /// How many elements the array had.
    pub(crate) len: usize,
}

impl<T, const MAX: usize> BoundedVec<T, MAX> {
    /// The elements, or the count limit's error naming `what` when the array had more than `MAX`.
    pub(crate) fn checked(self, what: &'static str) -> Result<Vec<T>, crate::Error> {
        if self.len > MAX {
            return Err(crate::Error::LimitExceeded {
                what,
                limit: MAX as u64,
                found: self.len as u64,
            });
        }
        Ok(self.items)
    }
}

impl<'de, T: serde::Deserialize<'de>, const MAX: usize> serde::Deserialize<'de>
    for BoundedVec<T, MAX>
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<T, const MAX: usize>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>, const MAX: usize> serde::de::Visitor<'de> for Visit<T, MAX> {
            type Value = BoundedVec<T, MAX>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                let mut len = 0usize;
                loop {
                    let more = if items.len() < MAX {
                        seq.next_element::<T>()?.map(|x| items.push(x)).is_some()
                    } else {
                        seq.next_element::<serde::de::IgnoredAny>()?.is_some()
                    };
                    if !more {
                        return Ok(BoundedVec { items, len });
                    }
                    len += 1;
                }
            }
        }
        d.deserialize_seq(Visit::<T, MAX>(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_items() {
        let ok = format!("[{}0]", "0,".repeat(MAX_JSON_ITEMS - 1));
        assert!(check_json(ok.as_bytes(), "bundle").is_ok());
        let many = format!("[{}0]", "0,".repeat(MAX_JSON_ITEMS));
        let e = check_json(many.as_bytes(), "bundle").unwrap_err();
        assert_eq!(e.code(), "limit-exceeded");
        assert!(e.to_string().contains("JSON items"), "{e}");
        // Commas and colons inside strings are not items.
        let s = format!(r#"["{}"]"#, ",:".repeat(MAX_JSON_ITEMS));
        assert!(check_json(s.as_bytes(), "bundle").is_ok());
    }

    #[test]
    fn bounded_vec_stops_building_past_its_bound() {
        let v: BoundedVec<String, 2> = serde_json::from_str(r#"["a","b",1,{},[]]"#).unwrap();
        assert_eq!((v.items.len(), v.len), (2, 5));
        let e = v.checked("things").unwrap_err();
        assert!(e.to_string().contains("limit 2, found 5"), "{e}");
        let v: BoundedVec<String, 2> = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_eq!(v.checked("things").unwrap(), ["a", "b"]);
        // Elements within the bound are still type-checked.
        assert!(serde_json::from_str::<BoundedVec<String, 2>>("[1]").is_err());
        assert!(serde_json::from_str::<BoundedVec<String, 2>>("{}").is_err());
    }

    #[test]
    fn json_depth() {
        assert!(check_json(br#"{"a":[1,{"b":"[[[[["}]}"#, "bundle").is_ok());
        let deep = "[".repeat(MAX_JSON_DEPTH + 1);
        let e = check_json(deep.as_bytes(), "bundle").unwrap_err();
        assert_eq!(e.code(), "limit-exceeded");
        let ok = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert!(check_json(ok.as_bytes(), "bundle").is_ok());
        // Escaped quotes do not end a string.
        let s = format!(r#"["\"{}"]"#, "[".repeat(100));
        assert!(check_json(s.as_bytes(), "bundle").is_ok());
    }

    #[test]
    fn document_limits() {
        let tuf = [
            MAX_TUF_ROOT_BYTES,
            MAX_TUF_TIMESTAMP_BYTES,
            MAX_TUF_SNAPSHOT_BYTES,
            MAX_TUF_TARGETS_BYTES,
            MAX_TUF_TARGET_FILE_BYTES,
        ];
        assert!(tuf.iter().all(|l| *l <= Document::TufFile.max_bytes()));
        assert!(Document::Bundle.check_size(MAX_BUNDLE_BYTES as u64).is_ok());
        let e = Document::Bundle
            .check_size(7 * 1024 * 1024 * 1024)
            .unwrap_err();
        assert_eq!(e.code(), "limit-exceeded");
        assert!(e.to_string().contains("bundle size"), "{e}");
    }
}
