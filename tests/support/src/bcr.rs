//! Bazel Central Registry module versions signed by this instance: `MODULE.bazel`,
//! `source.json`, the source archive, one GitHub attestation (`.intoto.jsonl`) per file and
//! the `attestations.json` that indexes them, with one knob per check (the workflow that signs
//! each file, the certificate's source repository and ref, an integrity that does not match).
//!
//! The bundles are GitHub-style (an RFC 3161 timestamp, no log entry, no SCT): the leaf is
//! re-issued with the source repository and ref asked for, which a logged bundle would not
//! survive. Verify them against [`Instance::github_trusted_root`] with one timestamp and no
//! log or SCT required ([`ModuleSet::verifier_options`] describes it).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};

use crate::bundle::{BundleOptions, Content, EntryKind};
use crate::util::{b64, sha256};
use crate::x509::{fulcio_leaf_extensions, oid, sign_tbs, tbs, utf8_ext, Identity, IssuerRef};
use crate::Instance;

/// The publish-to-bcr reusable workflow at a tag.
pub const PUBLISH: &str =
    "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v1.0.0";
/// The bazel-contrib release reusable workflow at a tag.
pub const RELEASE: &str =
    "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0";
/// A workflow that may attest nothing of a module.
pub const THIRD: &str = "https://github.com/someone/else/.github/workflows/build.yml@refs/tags/v1";
/// The module's repository.
pub const REPOSITORY: &str = "sigverify/rules_demo";
/// The release tag.
pub const TAG: &str = "v1.2.3";
/// The archive's file name.
pub const ARCHIVE: &str = "rules_demo-v1.2.3.tar.gz";
/// The signing time of every bundle.
pub const SIGNED_AT: u64 = crate::DEFAULT_INTEGRATED_TIME;

/// How one file is attested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signing {
    /// The signing workflow (SAN and build signer URI), with its `@REF`.
    pub workflow: String,
    /// The certificate's source repository, `OWNER/REPO`.
    pub repository: String,
    /// The certificate's source ref.
    pub git_ref: String,
    /// The statement's predicate type.
    pub predicate_type: String,
    /// Sign these bytes instead of the file's (another digest).
    pub other_bytes: Option<Vec<u8>>,
}

impl Signing {
    /// The module's repository at its tag, by `workflow`.
    pub fn by(workflow: &str) -> Signing {
        Signing {
            workflow: workflow.to_owned(),
            repository: REPOSITORY.to_owned(),
            git_ref: format!("refs/tags/{TAG}"),
            predicate_type: "https://slsa.dev/provenance/v1".to_owned(),
            other_bytes: None,
        }
    }
}

/// What to make.
#[derive(Clone, Debug)]
pub struct ModuleOptions {
    /// `MODULE.bazel`'s attestation (default: publish-to-bcr).
    pub module: Signing,
    /// `source.json`'s attestation (default: publish-to-bcr).
    pub source: Signing,
    /// The archive's attestation (default: the release workflow).
    pub archive: Signing,
    /// Files whose `attestations.json` integrity is wrong.
    pub bad_integrity: Vec<String>,
}

impl Default for ModuleOptions {
    fn default() -> Self {
        ModuleOptions {
            module: Signing::by(PUBLISH),
            source: Signing::by(PUBLISH),
            archive: Signing::by(RELEASE),
            bad_integrity: Vec::new(),
        }
    }
}

/// A module version: file name -> bytes (`MODULE.bazel`, `source.json`, the archive, the three
/// `.intoto.jsonl` files, `attestations.json`).
#[derive(Clone, Debug)]
pub struct ModuleSet {
    /// The files.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl ModuleSet {
    /// The file `name`.
    pub fn get(&self, name: &str) -> &[u8] {
        self.files.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// Writes every file into `dir` (created).
    pub fn write_to(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (n, b) in &self.files {
            std::fs::write(dir.join(n), b)?;
        }
        Ok(())
    }

    /// The thresholds to verify these bundles with: one timestamp, no log, no SCT.
    pub fn verifier_options() -> (usize, usize, usize) {
        (0, 0, 1)
    }
}

/// The bundle name of `file` (as publish-to-bcr names them).
pub fn bundle_name(file: &str) -> String {
    format!("{file}.intoto.jsonl")
}

impl Instance {
    /// One GitHub-style DSSE bundle (JSON) attesting `artifact` named `name`, signed as
    /// `signing` says.
    pub fn bcr_bundle(&self, signing: &Signing, name: &str, artifact: &[u8]) -> Value {
        let signed = signing.other_bytes.as_deref().unwrap_or(artifact);
        let statement = json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": name, "digest": {"sha256": hex::encode(sha256(signed))}}],
            "predicateType": signing.predicate_type,
            "predicate": {
                "buildDefinition": {
                    "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                    "externalParameters": {"workflow": {
                        "ref": signing.git_ref,
                        "repository": format!("https://github.com/{}", signing.repository),
                        "path": ".github/workflows/release.yml",
                    }},
                },
                "runDetails": {"builder": {"id": signing.workflow}},
            },
        });
        let opts = BundleOptions {
            content: Content::Dsse,
            entry: EntryKind::Dsse001,
            identity: Identity::Uri(signing.workflow.clone()),
            dsse_payload: Some(statement.to_string().into_bytes()),
            ..BundleOptions::github()
        };
        let mut bundle = self.bundle(&opts, signed);
        let leaf = self.bcr_leaf(&opts, signing);
        bundle["verificationMaterial"]["certificate"]["rawBytes"] = Value::String(b64(leaf));
        bundle
    }

    /// The leaf of `opts` re-issued with `signing`'s source repository and ref (same key, same
    /// validity, same CA).
    fn bcr_leaf(&self, opts: &BundleOptions, signing: &Signing) -> Vec<u8> {
        let (not_before, not_after) = self.leaf_validity(opts);
        let mut exts = fulcio_leaf_extensions(
            &self.leaf_key.spki_der,
            &self.intermediate.key.spki_der,
            &opts.identity,
            &opts.issuer,
            oid::KP_CODE_SIGNING,
        );
        for e in &mut exts {
            if e.extn_id == oid::FULCIO_SOURCE_REPO_URI {
                let uri = format!("https://github.com/{}", signing.repository);
                *e = utf8_ext(oid::FULCIO_SOURCE_REPO_URI, &uri);
            } else if e.extn_id == oid::FULCIO_SOURCE_REPO_REF {
                *e = utf8_ext(oid::FULCIO_SOURCE_REPO_REF, &signing.git_ref);
            }
        }
        let t = tbs(
            &format!("bcr/{signing:?}"),
            &IssuerRef::from(&self.intermediate),
            x509_cert::name::Name::default(),
            &self.leaf_key.spki_der,
            not_before,
            not_after,
            exts,
        );
        sign_tbs(t, &self.intermediate.key).1
    }

    /// A module version of [`REPOSITORY`] at [`TAG`] (see [`ModuleOptions`]).
    pub fn bcr_module(&self, o: &ModuleOptions) -> ModuleSet {
        let module = b"module(name = \"rules_demo\", version = \"1.2.3\")\n".to_vec();
        let source = format!(
            "{{\n    \"integrity\": \"sha256-{}\",\n    \"strip_prefix\": \"rules_demo-1.2.3\",\n    \"url\": \"https://github.com/{REPOSITORY}/releases/download/{TAG}/{ARCHIVE}\"\n}}\n",
            b64(sha256(b"rules_demo archive bytes"))
        )
        .into_bytes();
        let archive = b"rules_demo archive bytes".to_vec();
        let mut files = BTreeMap::new();
        let mut atts = serde_json::Map::new();
        for (name, bytes, signing) in [
            ("MODULE.bazel", &module, &o.module),
            ("source.json", &source, &o.source),
            (ARCHIVE, &archive, &o.archive),
        ] {
            let line = self.bcr_bundle(signing, name, bytes).to_string() + "\n";
            let mut digest = sha256(line.as_bytes());
            if o.bad_integrity.iter().any(|f| f == name) {
                digest[0] ^= 1;
            }
            let bundle = bundle_name(name);
            atts.insert(
                name.to_owned(),
                json!({
                    "url": format!("https://github.com/{REPOSITORY}/releases/download/{TAG}/{bundle}"),
                    "integrity": format!("sha256-{}", b64(digest)),
                }),
            );
            files.insert(bundle, line.into_bytes());
            files.insert(name.to_owned(), bytes.clone());
        }
        let index = json!({
            "mediaType": "application/vnd.build.bazel.registry.attestation+json;version=1.0.0",
            "attestations": atts,
        });
        files.insert(
            "attestations.json".to_owned(),
            serde_json::to_vec_pretty(&index).unwrap_or_default(),
        );
        ModuleSet { files }
    }
}
