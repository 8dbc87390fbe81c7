//! GitHub immutable-release attestations on a testkit instance (issue 19).
//!
//! [`ReleaseSigner`] is a GitHub-like instance: the testkit's root CA, under it an "l1" CA
//! (pathlen 1) and under that an "l2" CA (pathlen 0), listed in the trusted root as GitHub lists
//! its chains, `[l2, l1, root]`, plus the testkit TSA, no logs and no CT. Its release signer's
//! leaf is issued by **l1** (as GitHub's are), has the SAN `https://dotcom.releases.github.com`,
//! no Fulcio claims at all (no OIDC issuer) and a year-long validity. Each [`ReleaseOptions`]
//! knob changes one thing: the statement (predicate type, repository, tag, assets), or who
//! signs ([`ReleaseCert`]: an ordinary workflow certificate of the same instance, a leaf of
//! the public-good-like CA, a leaf issued by l2).

use serde_json::{json, Value};

use crate::bundle::{BundleOptions, Content, EntryKind};
use crate::instance::Instance;
use crate::util::b64;
use crate::x509::{
    akid, basic_constraints, eku, fulcio_leaf_extensions, intermediate_ca, key_usage, name, oid,
    san, sign_tbs, skid, tbs, Identity, Issued, IssuerRef, CA_NOT_AFTER, CA_NOT_BEFORE,
};

/// The SAN of GitHub's release signer.
pub const RELEASE_SAN: &str = "https://dotcom.releases.github.com";
/// The release predicate type (v0.2).
pub const RELEASE_PREDICATE_V02: &str = "https://in-toto.io/attestation/release/v0.2";
/// The release predicate type (v0.1).
pub const RELEASE_PREDICATE_V01: &str = "https://in-toto.io/attestation/release/v0.1";

/// Who signs the release attestation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseCert {
    /// The release signer: SAN [`RELEASE_SAN`], no issuer claim, issued by l1.
    ReleaseSigner,
    /// The same leaf, issued by l2 (the chain's first certificate).
    ReleaseSignerFromL2,
    /// An ordinary GitHub Actions workflow certificate (workflow SAN, issuer claim), issued by
    /// l1 of the same instance.
    Workflow,
    /// A release-signer leaf issued by the testkit's public-good-like intermediate, which is
    /// not in the release trusted root.
    PublicGood,
}

/// What the release attestation says, and who signs it.
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    /// `predicateType`.
    pub predicate_type: String,
    /// `OWNER/REPO` in the subject's purl and the predicate.
    pub repository: String,
    /// The tag, in the purl and the predicate.
    pub tag: String,
    /// The assets: file name and content (their sha256 become the subjects).
    pub assets: Vec<(String, Vec<u8>)>,
    /// Who signs.
    pub cert: ReleaseCert,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            predicate_type: RELEASE_PREDICATE_V02.into(),
            repository: "octo/app".into(),
            tag: "v1.0.0".into(),
            assets: vec![
                ("app-linux.tar.gz".into(), b"linux build".to_vec()),
                ("app-macos.tar.gz".into(), b"macos build".to_vec()),
            ],
            cert: ReleaseCert::ReleaseSigner,
        }
    }
}

/// A GitHub-like instance with a release signer (see the module documentation).
pub struct ReleaseSigner {
    inst: Instance,
    l1: Issued,
    l2: Issued,
}

impl Default for ReleaseSigner {
    fn default() -> Self {
        ReleaseSigner::new()
    }
}

/// An intermediate CA with a path length constraint of `path_len`.
fn ca(label: &str, cn: &str, parent: &Issued, path_len: u8) -> Issued {
    let key = crate::keys::EcKey::derive(label);
    let exts = vec![
        basic_constraints(true, Some(path_len)),
        key_usage(x509_cert::ext::pkix::KeyUsage(
            x509_cert::ext::pkix::KeyUsages::KeyCertSign | x509_cert::ext::pkix::KeyUsages::CRLSign,
        )),
        skid(&key.spki_der),
        akid(&parent.key.spki_der),
    ];
    let t = tbs(
        label,
        &parent.into(),
        name("sigverify.test", cn),
        &key.spki_der,
        CA_NOT_BEFORE,
        CA_NOT_AFTER,
        exts,
    );
    let (cert, der) = sign_tbs(t, &parent.key);
    Issued { key, cert, der }
}

impl ReleaseSigner {
    /// Builds the instance (fixed seeds).
    pub fn new() -> ReleaseSigner {
        let inst = Instance::new();
        let l1 = ca("release/ca/l1", "Fulcio Intermediate l1", &inst.root, 1);
        let l2 = intermediate_ca(
            "release/ca/l2",
            name("sigverify.test", "Fulcio Intermediate l2"),
            &l1,
        );
        ReleaseSigner { inst, l1, l2 }
    }

    /// The underlying testkit instance.
    pub fn instance(&self) -> &Instance {
        &self.inst
    }

    /// The trusted root: GitHub-style (a TSA, no logs, no CT), its CA chain `[l2, l1, root]`.
    pub fn trusted_root(&self) -> Value {
        let mut root = self.inst.github_trusted_root();
        let chain: Vec<Value> = [&self.l2.der, &self.l1.der, &self.inst.root.der]
            .iter()
            .map(|d| json!({ "rawBytes": b64(d) }))
            .collect();
        if let Some(ca) = root
            .get_mut("certificateAuthorities")
            .and_then(|c| c.get_mut(0))
        {
            ca["certChain"] = json!({ "certificates": chain });
        }
        root
    }

    /// The in-toto statement of a release.
    pub fn statement(&self, o: &ReleaseOptions) -> Value {
        let purl = format!("pkg:github/{}@{}", o.repository, o.tag);
        let mut subjects = vec![json!({
            "uri": purl,
            "digest": {"sha1": "0123456789abcdef0123456789abcdef01234567"}
        })];
        for (n, bytes) in &o.assets {
            subjects.push(
                json!({"name": n, "digest": {"sha256": hex::encode(crate::util::sha256(bytes))}}),
            );
        }
        json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": subjects,
            "predicateType": o.predicate_type,
            "predicate": {
                "purl": purl,
                "repository": o.repository,
                "tag": o.tag,
                "repositoryId": "1",
                "ownerId": "2",
            }
        })
    }

    /// The release attestation bundle (v0.3, DSSE, one RFC 3161 timestamp, no log entry).
    pub fn bundle(&self, o: &ReleaseOptions) -> Value {
        let payload = serde_json::to_vec(&self.statement(o)).expect("statement");
        let bopts = BundleOptions {
            content: Content::Dsse,
            entry: EntryKind::Dsse001,
            dsse_payload: Some(payload),
            ..BundleOptions::github()
        };
        let mut b = self.inst.bundle(&bopts, b"unused");
        let leaf = self.leaf(o.cert, bopts.integrated_time);
        b["verificationMaterial"]["certificate"] = json!({ "rawBytes": b64(&leaf) });
        b
    }

    /// The leaf certificate (DER) of `cert`, valid for a year from a day before `t`.
    pub fn leaf(&self, cert: ReleaseCert, t: u64) -> Vec<u8> {
        let (issuer, identity, claims): (&Issued, Identity, bool) = match cert {
            ReleaseCert::ReleaseSigner => (&self.l1, Identity::Uri(RELEASE_SAN.into()), false),
            ReleaseCert::ReleaseSignerFromL2 => {
                (&self.l2, Identity::Uri(RELEASE_SAN.into()), false)
            }
            ReleaseCert::Workflow => (
                &self.l1,
                Identity::Uri(crate::DEFAULT_IDENTITY.into()),
                true,
            ),
            ReleaseCert::PublicGood => (
                &self.inst.intermediate,
                Identity::Uri(RELEASE_SAN.into()),
                false,
            ),
        };
        let spki = &self.inst.leaf_key.spki_der;
        let exts = if claims {
            fulcio_leaf_extensions(
                spki,
                &issuer.key.spki_der,
                &identity,
                crate::DEFAULT_ISSUER,
                oid::KP_CODE_SIGNING,
            )
        } else {
            vec![
                key_usage(x509_cert::ext::pkix::KeyUsage(
                    x509_cert::ext::pkix::KeyUsages::DigitalSignature.into(),
                )),
                eku(false, &[oid::KP_CODE_SIGNING]),
                basic_constraints(false, None),
                skid(spki),
                akid(&issuer.key.spki_der),
                san(&identity),
            ]
        };
        let not_before = t - 86_400;
        let t = tbs(
            &format!("release/leaf/{cert:?}/{t}"),
            &IssuerRef::from(issuer),
            name("sigverify.test", "Attester"),
            spki,
            not_before,
            not_before + 365 * 86_400,
            exts,
        );
        sign_tbs(t, &issuer.key).1
    }
}
