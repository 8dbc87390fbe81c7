//! Shared by the benches: the conformance vectors, and for each vector its "floor": exactly the
//! cryptographic primitives its verification needs, extracted once from the bundle and the
//! trusted root, run with the same crypto crates as a sigverify backend.
//!
//! The floor is what an ideal verifier could not avoid: every signature check and hash that the
//! bundle's checks consist of, with the keys of the trusted root parsed once (they belong to the
//! trusted root, not to the bundle) and the signing certificate's key parsed per bundle. Nothing
//! else: no JSON, base64, DER, certificate parsing, precertificate re-encoding, allocation of
//! results. `whole / floor` is therefore the overhead of everything that is not cryptography.
#![allow(dead_code)]

use std::path::PathBuf;

use base64::Engine as _;
use der::{Decode, Encode};
use serde_json::Value;
use sigverify::{Backend, HashAlg};

/// The vectors the issue names, in report order.
pub(crate) const VECTORS: [&str; 4] = [
    "happy-path-v0.3",
    "happy-path-v0.1",
    "happy-path-intoto-in-dsse-v3",
    "rekor2-happy-path",
];

const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// `$SIGVERIFY_CONFORMANCE_DIR`, else `../shared/vectors/conformance` beside the project.
pub(crate) fn conformance_dir() -> PathBuf {
    match std::env::var_os("SIGVERIFY_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/vectors/conformance"
        )),
    }
}

/// One conformance vector, read from disk.
pub(crate) struct Vector {
    pub(crate) name: String,
    pub(crate) bundle_json: Vec<u8>,
    /// The case's own trusted_root.json, else the embedded public-good root.
    pub(crate) root_json: Vec<u8>,
    pub(crate) root_is_custom: bool,
    pub(crate) artifact: Vec<u8>,
    pub(crate) identity: String,
    pub(crate) issuer: String,
}

pub(crate) fn load(name: &str) -> Vector {
    let dir = conformance_dir();
    let case = dir.join(name);
    let read = |p: PathBuf| {
        std::fs::read(&p).unwrap_or_else(|e| {
            panic!(
                "cannot read {} ({e}): put the conformance vectors at ../shared/vectors/conformance \
                 or set SIGVERIFY_CONFORMANCE_DIR",
                p.display()
            )
        })
    };
    let text = |p: PathBuf| std::fs::read_to_string(p).ok().map(|s| s.trim().to_owned());
    let own_root = case.join("trusted_root.json");
    let own_artifact = case.join("artifact");
    Vector {
        name: name.to_owned(),
        bundle_json: read(case.join("bundle.sigstore.json")),
        root_is_custom: own_root.is_file(),
        root_json: if own_root.is_file() {
            read(own_root)
        } else {
            sigverify::PUBLIC_GOOD.to_vec()
        },
        artifact: read(if own_artifact.is_file() {
            own_artifact
        } else {
            dir.join("a.txt")
        }),
        identity: text(case.join("identity")).unwrap_or_else(|| DEFAULT_IDENTITY.into()),
        issuer: text(case.join("issuer")).unwrap_or_else(|| DEFAULT_ISSUER.into()),
    }
}

/// Unix seconds now (the verification time of the benches).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// How the artifact is given to the verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// `sha256:HEX` computed by the caller.
    Digest,
    /// The artifact's bytes (the verifier hashes them).
    Bytes,
}

impl Form {
    pub(crate) const ALL: [Form; 2] = [Form::Digest, Form::Bytes];
    pub(crate) fn name(self) -> &'static str {
        match self {
            Form::Digest => "digest",
            Form::Bytes => "bytes",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// The backends compiled into this build, by name (`Backend` is non-exhaustive).
pub(crate) fn backend_named(name: &str) -> Option<Backend> {
    Backend::all().iter().copied().find(|b| b.name() == name)
}

// ---------------------------------------------------------------------------------------------
// Plans: the primitives of one vector.

/// A signature scheme with its hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Alg {
    P256Sha256,
    P384Sha256,
    P384Sha384,
    Ed25519,
}

impl Alg {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Alg::P256Sha256 => "ECDSA P-256/SHA-256",
            Alg::P384Sha256 => "ECDSA P-384/SHA-256",
            Alg::P384Sha384 => "ECDSA P-384/SHA-384",
            Alg::Ed25519 => "Ed25519",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Curve {
    P256,
    P384,
    Ed25519,
}

const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_ED25519: &str = "1.3.101.112";
const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const OID_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const OID_SCT_LIST: &str = "1.3.6.1.4.1.11129.2.4.2";

fn alg_for(curve: Curve, sig_oid: &str) -> Alg {
    match (curve, sig_oid) {
        (Curve::P256, OID_ECDSA_SHA256) => Alg::P256Sha256,
        (Curve::P384, OID_ECDSA_SHA256) => Alg::P384Sha256,
        (Curve::P384, OID_ECDSA_SHA384) => Alg::P384Sha384,
        (Curve::Ed25519, _) => Alg::Ed25519,
        other => panic!("no floor for {other:?}"),
    }
}

/// The default scheme of a key (as Sigstore uses it for SETs and checkpoints).
fn default_alg(curve: Curve) -> Alg {
    match curve {
        Curve::P256 => Alg::P256Sha256,
        Curve::P384 => Alg::P384Sha384,
        Curve::Ed25519 => Alg::Ed25519,
    }
}

/// (curve, raw public key) of a DER SubjectPublicKeyInfo.
fn spki_key(der: &[u8]) -> (Curve, Vec<u8>) {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(der).expect("SPKI");
    let raw = spki.subject_public_key.raw_bytes().to_vec();
    let alg = spki.algorithm.oid.to_string();
    let curve = if alg == OID_ED25519 {
        Curve::Ed25519
    } else if alg == OID_EC {
        let c = spki
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok())
            .map(|o| o.to_string())
            .expect("named curve");
        match c.as_str() {
            OID_P256 => Curve::P256,
            OID_P384 => Curve::P384,
            other => panic!("no floor for curve {other}"),
        }
    } else {
        panic!("no floor for key algorithm {alg}")
    };
    (curve, raw)
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

fn sha256(data: &[u8]) -> Vec<u8> {
    Backend::default().hash(HashAlg::Sha256, data)
}

/// A minimal DER TLV reader (setup only; for CMS, which the core's dependencies do not parse).
#[derive(Clone, Copy)]
struct Tlv<'a> {
    tag: u8,
    raw: &'a [u8],
    content: &'a [u8],
}

fn tlv(b: &[u8]) -> (Tlv<'_>, &[u8]) {
    let tag = b[0];
    let (len, hdr) = match b[1] {
        l if l < 0x80 => (l as usize, 2),
        l => {
            let n = (l & 0x7f) as usize;
            let len = b[2..2 + n]
                .iter()
                .fold(0usize, |a, x| (a << 8) | *x as usize);
            (len, 2 + n)
        }
    };
    let (raw, rest) = b.split_at(hdr + len);
    (
        Tlv {
            tag,
            raw,
            content: &raw[hdr..],
        },
        rest,
    )
}

fn children(content: &[u8]) -> Vec<Tlv<'_>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let (t, r) = tlv(rest);
        out.push(t);
        rest = r;
    }
    out
}

/// Which key a signature check uses.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Signer {
    /// A key of the trusted root (log, CT log, CA, TSA): parsed once, outside the loop.
    Trusted(usize),
    /// The signing certificate's key: parsed in the loop, once per bundle.
    Leaf,
}

/// One signature check over a message (the verification hashes the message).
pub(crate) struct SigOp {
    pub(crate) what: String,
    pub(crate) alg: Alg,
    pub(crate) signer: Signer,
    pub(crate) msg: Vec<u8>,
    pub(crate) sig: Vec<u8>,
}

/// An RFC 6962 inclusion proof.
pub(crate) struct MerkleOp {
    pub(crate) leaf: Vec<u8>,
    pub(crate) index: u64,
    pub(crate) size: u64,
    pub(crate) path: Vec<[u8; 32]>,
    pub(crate) root: [u8; 32],
}

/// Everything one vector's verification must compute.
pub(crate) struct Plan {
    pub(crate) vector: String,
    /// Keys of the trusted root that the bundle needs, with the scheme they verify.
    pub(crate) trusted: Vec<(Alg, Vec<u8>)>,
    /// The signing certificate's key.
    pub(crate) leaf: (Alg, Vec<u8>),
    pub(crate) sigs: Vec<SigOp>,
    /// A message signature over the artifact digest (hashedrekord), by the leaf key.
    pub(crate) message_sig: Option<Vec<u8>>,
    /// Other SHA-256 computations (DSSE payload hash, RFC 3161 imprint and message digest).
    pub(crate) hashes: Vec<(String, Vec<u8>)>,
    pub(crate) merkle: Vec<MerkleOp>,
    pub(crate) artifact: Vec<u8>,
    /// SHA-256 of the artifact, as a caller passes it in the digest form.
    pub(crate) artifact_digest: Vec<u8>,
}

impl Plan {
    fn trusted_key(&mut self, alg: Alg, raw: Vec<u8>) -> Signer {
        let i = match self
            .trusted
            .iter()
            .position(|(a, k)| *a == alg && *k == raw)
        {
            Some(i) => i,
            None => {
                self.trusted.push((alg, raw));
                self.trusted.len() - 1
            }
        };
        Signer::Trusted(i)
    }

    /// One line per primitive, for the report.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.sigs {
            out.push(format!(
                "{} verify, {}: {} ({} B message)",
                s.alg.name(),
                match s.signer {
                    Signer::Trusted(_) => "trusted-root key",
                    Signer::Leaf => "leaf key (parsed per bundle)",
                },
                s.what,
                s.msg.len()
            ));
        }
        if self.message_sig.is_some() {
            out.push(format!(
                "{} verify over the artifact digest, leaf key (parsed per bundle): message signature",
                self.leaf.0.name()
            ));
        }
        for (what, d) in &self.hashes {
            out.push(format!("SHA-256 of {what} ({} B)", d.len()));
        }
        for m in &self.merkle {
            out.push(format!(
                "Merkle inclusion proof: SHA-256 leaf hash ({} B) + {} node hashes",
                m.leaf.len() + 1,
                m.path.len()
            ));
        }
        out.push(format!(
            "bytes form only: SHA-256 of the artifact ({} B)",
            self.artifact.len()
        ));
        out
    }

    /// Signature checks in the floor (for the report).
    pub(crate) fn signature_count(&self) -> usize {
        self.sigs.len() + usize::from(self.message_sig.is_some())
    }
}

/// Builds the floor plan of a vector from its bundle and trusted root.
pub(crate) fn plan(v: &Vector) -> Plan {
    let bundle: Value = serde_json::from_slice(&v.bundle_json).expect("bundle JSON");
    let root: Value = serde_json::from_slice(&v.root_json).expect("trusted root JSON");
    let vm = &bundle["verificationMaterial"];
    let s = |x: &Value| x.as_str().expect("string").to_owned();
    let num = |x: &Value| -> u64 {
        match x {
            Value::String(t) => t.parse().expect("number"),
            other => other.as_u64().expect("number"),
        }
    };

    // The signing certificate.
    let cert_b64 = vm["certificate"]["rawBytes"]
        .as_str()
        .or_else(|| vm["x509CertificateChain"]["certificates"][0]["rawBytes"].as_str())
        .expect("a keyless bundle");
    let cert_der = b64(cert_b64);
    let cert = x509_cert::Certificate::from_der(&cert_der).expect("leaf certificate");
    let cert_parts = children(tlv(&cert_der).0.content);
    let tbs_der = cert_parts[0].raw.to_vec();
    let leaf_spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .expect("leaf SPKI");
    let (leaf_curve, leaf_raw) = spki_key(&leaf_spki);
    let artifact_digest = sha256(&v.artifact);

    let mut plan = Plan {
        vector: v.name.clone(),
        trusted: Vec::new(),
        leaf: (default_alg(leaf_curve), leaf_raw),
        sigs: Vec::new(),
        message_sig: None,
        hashes: Vec::new(),
        merkle: Vec::new(),
        artifact: v.artifact.clone(),
        artifact_digest,
    };

    // 1. The leaf certificate's signature, by the Fulcio CA certificate that issued it.
    let sig_oid = cert.signature_algorithm.oid.to_string();
    let cert_sig = cert.signature.raw_bytes().to_vec();
    let mut issuer_spki = None;
    for ca in root["certificateAuthorities"].as_array().expect("CAs") {
        let first = b64(&s(&ca["certChain"]["certificates"][0]["rawBytes"]));
        let c = x509_cert::Certificate::from_der(&first).expect("CA certificate");
        if c.tbs_certificate.subject != cert.tbs_certificate.issuer {
            continue;
        }
        let spki = c
            .tbs_certificate
            .subject_public_key_info
            .to_der()
            .expect("CA SPKI");
        let (curve, raw) = spki_key(&spki);
        let alg = alg_for(curve, &sig_oid);
        if check(alg, &raw, &tbs_der, &cert_sig) {
            let signer = plan.trusted_key(alg, raw);
            plan.sigs.push(SigOp {
                what: "leaf certificate signature by the Fulcio CA".into(),
                alg,
                signer,
                msg: tbs_der.clone(),
                sig: cert_sig.clone(),
            });
            issuer_spki = Some(spki);
            break;
        }
    }
    let issuer_spki = issuer_spki.expect("no CA of the trusted root issued the leaf");

    // 2. One embedded SCT from a CT log of the trusted root (the threshold is 1), over the
    //    precertificate TBS.
    let sct_ext = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id.to_string() == OID_SCT_LIST)
        .expect("embedded SCTs");
    let list = der::asn1::OctetStringRef::from_der(sct_ext.extn_value.as_bytes())
        .expect("SCT list")
        .as_bytes()
        .to_vec();
    let mut precert = cert.tbs_certificate.clone();
    if let Some(exts) = precert.extensions.as_mut() {
        exts.retain(|e| e.extn_id.to_string() != OID_SCT_LIST);
    }
    let precert_tbs = precert.to_der().expect("precert TBS");
    let issuer_key_hash = sha256(&issuer_spki);
    let ctlogs: Vec<(Vec<u8>, Vec<u8>)> = root["ctlogs"]
        .as_array()
        .expect("ctlogs")
        .iter()
        .map(|l| {
            (
                b64(&s(&l["logId"]["keyId"])),
                b64(&s(&l["publicKey"]["rawBytes"])),
            )
        })
        .collect();
    let body_len = u16::from_be_bytes([list[0], list[1]]) as usize;
    let mut rest = &list[2..2 + body_len];
    let mut found_sct = false;
    while !rest.is_empty() && !found_sct {
        let n = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        let sct = &rest[2..2 + n];
        rest = &rest[2 + n..];
        let log_id = &sct[1..33];
        let ts = &sct[33..41];
        let ext_len = u16::from_be_bytes([sct[41], sct[42]]) as usize;
        let exts = &sct[43..43 + ext_len];
        let p = 43 + ext_len;
        let (hash_alg, sig_alg) = (sct[p], sct[p + 1]);
        let sig_len = u16::from_be_bytes([sct[p + 2], sct[p + 3]]) as usize;
        let sig = sct[p + 4..p + 4 + sig_len].to_vec();
        let Some((_, key_der)) = ctlogs.iter().find(|(id, _)| id == log_id) else {
            continue;
        };
        let (curve, raw) = spki_key(key_der);
        let alg = match (hash_alg, sig_alg, curve) {
            (4, 3, Curve::P256) => Alg::P256Sha256,
            (4, 3, Curve::P384) => Alg::P384Sha256,
            (5, 3, Curve::P384) => Alg::P384Sha384,
            other => panic!("no floor for SCT {other:?}"),
        };
        let mut d = vec![0u8, 0];
        d.extend_from_slice(ts);
        d.extend_from_slice(&1u16.to_be_bytes());
        d.extend_from_slice(&issuer_key_hash);
        d.extend_from_slice(&(precert_tbs.len() as u32).to_be_bytes()[1..]);
        d.extend_from_slice(&precert_tbs);
        d.extend_from_slice(&(ext_len as u16).to_be_bytes());
        d.extend_from_slice(exts);
        let signer = plan.trusted_key(alg, raw);
        plan.sigs.push(SigOp {
            what: "SCT by the CT log, over the precertificate".into(),
            alg,
            signer,
            msg: d,
            sig,
        });
        found_sct = true;
    }
    assert!(found_sct, "no SCT from a CT log of the trusted root");

    // 3. The transparency log entry: SET (Rekor v1), inclusion proof, checkpoint.
    let entries = vm["tlogEntries"].as_array().expect("tlogEntries");
    assert_eq!(entries.len(), 1, "the floor covers one log entry");
    let e = &entries[0];
    let log_id = b64(&s(&e["logId"]["keyId"]));
    let log = root["tlogs"]
        .as_array()
        .expect("tlogs")
        .iter()
        .find(|l| b64(&s(&l["logId"]["keyId"])) == log_id)
        .expect("the entry's log is in the trusted root");
    let (log_curve, log_raw) = spki_key(&b64(&s(&log["publicKey"]["rawBytes"])));
    let log_alg = default_alg(log_curve);
    let body_b64 = s(&e["canonicalizedBody"]);
    let body = b64(&body_b64);
    let kind = s(&e["kindVersion"]["kind"]);
    let version = s(&e["kindVersion"]["version"]);
    if let Some(set) = e["inclusionPromise"]["signedEntryTimestamp"].as_str() {
        let payload = format!(
            "{{\"body\":\"{}\",\"integratedTime\":{},\"logID\":\"{}\",\"logIndex\":{}}}",
            body_b64,
            num(&e["integratedTime"]),
            hex::encode(&log_id),
            num(&e["logIndex"])
        );
        let signer = plan.trusted_key(log_alg, log_raw.clone());
        plan.sigs.push(SigOp {
            what: "signed entry timestamp (SET) by the log".into(),
            alg: log_alg,
            signer,
            msg: payload.into_bytes(),
            sig: b64(set),
        });
    }
    let proof = &e["inclusionProof"];
    if proof.is_object() {
        let mut root_hash = [0u8; 32];
        root_hash.copy_from_slice(&b64(&s(&proof["rootHash"])));
        plan.merkle.push(MerkleOp {
            leaf: body.clone(),
            index: num(&proof["logIndex"]),
            size: num(&proof["treeSize"]),
            path: proof["hashes"]
                .as_array()
                .expect("hashes")
                .iter()
                .map(|h| {
                    let mut a = [0u8; 32];
                    a.copy_from_slice(&b64(&s(h)));
                    a
                })
                .collect(),
            root: root_hash,
        });
        let note = s(&proof["checkpoint"]["envelope"]);
        let split = note.find("\n\n").expect("signed note");
        let note_body = note.as_bytes()[..=split].to_vec();
        let sig = note[split + 2..]
            .lines()
            .filter_map(|l| l.rsplit(' ').next())
            .map(b64)
            .find(|raw| raw[..4] == log_id[..4])
            .expect("a checkpoint signature by the log");
        let signer = plan.trusted_key(log_alg, log_raw);
        plan.sigs.push(SigOp {
            what: "checkpoint signature by the log".into(),
            alg: log_alg,
            signer,
            msg: note_body,
            sig: sig[4..].to_vec(),
        });
    }

    // 4. The signature over the artifact (message signature) or the DSSE envelope.
    let signature_bytes;
    if let Some(ms) = bundle.get("messageSignature") {
        signature_bytes = b64(&s(&ms["signature"]));
        plan.message_sig = Some(signature_bytes.clone());
    } else {
        let env = &bundle["dsseEnvelope"];
        let payload = b64(&s(&env["payload"]));
        let payload_type = s(&env["payloadType"]);
        signature_bytes = b64(&s(&env["signatures"][0]["sig"]));
        let mut pae = format!(
            "DSSEv1 {} {} {} ",
            payload_type.len(),
            payload_type,
            payload.len()
        )
        .into_bytes();
        pae.extend_from_slice(&payload);
        plan.sigs.push(SigOp {
            what: "DSSE signature over PAE(payloadType, payload)".into(),
            alg: plan.leaf.0,
            signer: Signer::Leaf,
            msg: pae.clone(),
            sig: signature_bytes.clone(),
        });
        match (kind.as_str(), version.as_str()) {
            ("dsse", "0.0.1") | ("intoto", _) | ("dsse", "0.0.2") => plan
                .hashes
                .push(("the DSSE payload (log entry payloadHash)".into(), payload)),
            ("hashedrekord", "0.0.2") => plan
                .hashes
                .push(("the PAE (Rekor v2 hashedrekord digest)".into(), pae)),
            other => panic!("no floor for entry kind {other:?}"),
        }
    }

    // 5. RFC 3161 timestamps: the imprint, the message-digest attribute, the CMS signature.
    let tsas: Vec<Vec<u8>> = root["timestampAuthorities"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|t| b64(&s(&t["certChain"]["certificates"][0]["rawBytes"])))
                .collect()
        })
        .unwrap_or_default();
    for ts in vm["timestampVerificationData"]["rfc3161Timestamps"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let der = b64(&s(&ts["signedTimestamp"]));
        let resp = children(tlv(&der).0.content);
        // TimeStampResp { status, ContentInfo { oid, [0] SignedData } }
        let token = children(resp[1].content);
        let signed_data = children(children(token[1].content)[0].content);
        let encap = children(signed_data[2].content);
        let tst_info = tlv(children(encap[1].content)[0].raw).0.content.to_vec();
        let certs: Vec<Vec<u8>> = signed_data
            .iter()
            .find(|t| t.tag == 0xa0)
            .map(|t| children(t.content).iter().map(|c| c.raw.to_vec()).collect())
            .unwrap_or_default();
        let signer_info = children(signed_data.last().expect("signerInfos").content)[0];
        let si = children(signer_info.content);
        let attrs = si.iter().find(|t| t.tag == 0xa0).expect("signedAttrs");
        let mut signed = attrs.raw.to_vec();
        signed[0] = 0x31;
        let sig_alg = children(si[4].content)[0];
        let sig_oid = der::asn1::ObjectIdentifier::from_der(sig_alg.raw)
            .expect("OID")
            .to_string();
        let sig = si[5].content.to_vec();
        plan.hashes.push((
            "the signature (RFC 3161 message imprint)".into(),
            signature_bytes.clone(),
        ));
        plan.hashes
            .push(("the TSTInfo (CMS message-digest)".into(), tst_info));
        // The signer: a TSA certificate of the trusted root (its key is parsed once), or an
        // embedded certificate that must chain to one.
        let tsa_cert = tsas
            .iter()
            .find(|t| certs.contains(t))
            .or(tsas.first())
            .expect("a timestamp authority");
        let c = x509_cert::Certificate::from_der(tsa_cert).expect("TSA certificate");
        let (curve, raw) = spki_key(
            &c.tbs_certificate
                .subject_public_key_info
                .to_der()
                .expect("TSA SPKI"),
        );
        let alg = alg_for(curve, &sig_oid);
        assert!(
            check(alg, &raw, &signed, &sig),
            "the timestamp is not signed by the trusted root's TSA certificate; no floor for a chained TSA leaf"
        );
        let signer = plan.trusted_key(alg, raw);
        plan.sigs.push(SigOp {
            what: "RFC 3161 timestamp (CMS SignerInfo over the signed attributes)".into(),
            alg,
            signer,
            msg: signed,
            sig,
        });
    }
    plan
}

/// Checks one signature with the default backend's crates (setup only).
fn check(alg: Alg, raw: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    #[cfg(feature = "aws-lc-rs")]
    {
        aws::verify_once(alg, raw, msg, sig)
    }
    #[cfg(not(feature = "aws-lc-rs"))]
    {
        rc::Key::parse(alg, raw).verify(alg, msg, sig)
    }
}

// ---------------------------------------------------------------------------------------------
// Floors: a plan run with one backend's crates.

/// RFC 9162 §2.1.3.2 root from an inclusion proof, over a node-hash function.
#[inline(always)]
pub(crate) fn merkle_root(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    path: &[[u8; 32]],
    node: impl Fn(&[u8; 32], &[u8; 32]) -> [u8; 32],
) -> Option<[u8; 32]> {
    if index >= size {
        return None;
    }
    let (mut fn_, mut sn, mut r) = (index, size - 1, leaf);
    for p in path {
        if sn == 0 {
            return None;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    (sn == 0).then_some(r)
}

/// A plan prepared for one backend: the trusted keys parsed.
pub(crate) enum Floor<'p> {
    #[cfg(feature = "aws-lc-rs")]
    Aws(aws::Floor<'p>),
    #[cfg(feature = "rustcrypto")]
    Rc(rc::Floor<'p>),
}

impl<'p> Floor<'p> {
    pub(crate) fn new(backend: Backend, plan: &'p Plan) -> Floor<'p> {
        match backend.name() {
            #[cfg(feature = "aws-lc-rs")]
            "aws-lc-rs" => Floor::Aws(aws::Floor::new(plan)),
            #[cfg(feature = "rustcrypto")]
            "rustcrypto" => Floor::Rc(rc::Floor::new(plan)),
            other => panic!("no floor for backend {other}"),
        }
    }

    /// Runs every primitive of the plan; true when every check passed.
    #[inline(never)]
    pub(crate) fn run(&self, form: Form) -> bool {
        match self {
            #[cfg(feature = "aws-lc-rs")]
            Floor::Aws(f) => f.run(form),
            #[cfg(feature = "rustcrypto")]
            Floor::Rc(f) => f.run(form),
        }
    }
}

#[cfg(feature = "aws-lc-rs")]
pub(crate) mod aws {
    use aws_lc_rs::digest::{self, Digest, SHA256};
    use aws_lc_rs::signature::{self, ParsedPublicKey, VerificationAlgorithm};

    use super::{merkle_root, Alg, Form, Plan, Signer};

    pub(crate) fn alg(a: Alg) -> &'static dyn VerificationAlgorithm {
        match a {
            Alg::P256Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
            Alg::P384Sha256 => &signature::ECDSA_P384_SHA256_ASN1,
            Alg::P384Sha384 => &signature::ECDSA_P384_SHA384_ASN1,
            Alg::Ed25519 => &signature::ED25519,
        }
    }

    pub(crate) fn verify_once(a: Alg, raw: &[u8], msg: &[u8], sig: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(alg(a), raw)
            .verify(msg, sig)
            .is_ok()
    }

    #[inline(always)]
    pub(crate) fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
        let mut buf = [0u8; 65];
        buf[0] = 1;
        buf[1..33].copy_from_slice(l);
        buf[33..].copy_from_slice(r);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest::digest(&SHA256, &buf).as_ref());
        out
    }

    #[inline(always)]
    pub(crate) fn leaf(data: &[u8]) -> [u8; 32] {
        let mut c = digest::Context::new(&SHA256);
        c.update(&[0]);
        c.update(data);
        let mut out = [0u8; 32];
        out.copy_from_slice(c.finish().as_ref());
        out
    }

    pub(crate) struct Floor<'p> {
        plan: &'p Plan,
        trusted: Vec<ParsedPublicKey>,
    }

    impl<'p> Floor<'p> {
        pub(crate) fn new(plan: &'p Plan) -> Floor<'p> {
            let trusted = plan
                .trusted
                .iter()
                .map(|(a, raw)| ParsedPublicKey::new(alg(*a), raw).expect("trusted key"))
                .collect();
            Floor { plan, trusted }
        }

        pub(crate) fn run(&self, form: Form) -> bool {
            let p = self.plan;
            let mut ok = true;
            let digest = match form {
                Form::Digest => Digest::import_less_safe(&p.artifact_digest, &SHA256),
                Form::Bytes => Ok(digest::digest(&SHA256, &p.artifact)),
            };
            let Ok(digest) = digest else { return false };
            // The leaf key, once per bundle.
            let Ok(leaf_key) = ParsedPublicKey::new(alg(p.leaf.0), &p.leaf.1) else {
                return false;
            };
            if let Some(sig) = &p.message_sig {
                ok &= leaf_key.verify_digest_sig(&digest, sig).is_ok();
            }
            for s in &p.sigs {
                let key = match s.signer {
                    Signer::Trusted(i) => &self.trusted[i],
                    Signer::Leaf => &leaf_key,
                };
                ok &= key.verify_sig(&s.msg, &s.sig).is_ok();
            }
            for (_, data) in &p.hashes {
                ok &= std::hint::black_box(digest::digest(&SHA256, data))
                    .as_ref()
                    .len()
                    == 32;
            }
            for m in &p.merkle {
                ok &= merkle_root(m.index, m.size, leaf(&m.leaf), &m.path, node) == Some(m.root);
            }
            ok
        }
    }
}

#[cfg(feature = "rustcrypto")]
pub(crate) mod rc {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use sha2::Digest as _;

    use super::{merkle_root, Alg, Form, Plan, Signer};

    pub(crate) enum Key {
        P256(p256::ecdsa::VerifyingKey),
        P384(p384::ecdsa::VerifyingKey),
        Ed25519(ed25519_dalek::VerifyingKey),
    }

    impl Key {
        pub(crate) fn parse(alg: Alg, raw: &[u8]) -> Key {
            Key::try_parse(alg, raw).expect("key")
        }

        #[inline(always)]
        pub(crate) fn try_parse(alg: Alg, raw: &[u8]) -> Option<Key> {
            Some(match alg {
                Alg::P256Sha256 => Key::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(raw).ok()?),
                Alg::P384Sha256 | Alg::P384Sha384 => {
                    Key::P384(p384::ecdsa::VerifyingKey::from_sec1_bytes(raw).ok()?)
                }
                Alg::Ed25519 => Key::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(&<[u8; 32]>::try_from(raw).ok()?)
                        .ok()?,
                ),
            })
        }

        #[inline(always)]
        pub(crate) fn verify(&self, alg: Alg, msg: &[u8], sig: &[u8]) -> bool {
            match (self, alg) {
                (Key::P256(_), Alg::P256Sha256) => {
                    self.verify_prehashed(&sha2::Sha256::digest(msg), sig)
                }
                (Key::P384(_), Alg::P384Sha256) => {
                    self.verify_prehashed(&sha2::Sha256::digest(msg), sig)
                }
                (Key::P384(_), Alg::P384Sha384) => {
                    self.verify_prehashed(&sha2::Sha384::digest(msg), sig)
                }
                (Key::Ed25519(k), Alg::Ed25519) => ed25519_dalek::Signature::from_slice(sig)
                    .is_ok_and(|s| k.verify_strict(msg, &s).is_ok()),
                _ => false,
            }
        }

        #[inline(always)]
        pub(crate) fn verify_prehashed(&self, digest: &[u8], sig: &[u8]) -> bool {
            match self {
                Key::P256(k) => p256::ecdsa::Signature::from_der(sig)
                    .is_ok_and(|s| k.verify_prehash(digest, &s).is_ok()),
                Key::P384(k) => p384::ecdsa::Signature::from_der(sig)
                    .is_ok_and(|s| k.verify_prehash(digest, &s).is_ok()),
                Key::Ed25519(_) => false,
            }
        }
    }

    #[inline(always)]
    pub(crate) fn node(l: &[u8; 32], r: &[u8; 32]) -> [u8; 32] {
        let mut h = sha2::Sha256::new();
        h.update([1u8]);
        h.update(l);
        h.update(r);
        h.finalize().into()
    }

    #[inline(always)]
    pub(crate) fn leaf(data: &[u8]) -> [u8; 32] {
        let mut h = sha2::Sha256::new();
        h.update([0u8]);
        h.update(data);
        h.finalize().into()
    }

    pub(crate) struct Floor<'p> {
        plan: &'p Plan,
        trusted: Vec<Key>,
    }

    impl<'p> Floor<'p> {
        pub(crate) fn new(plan: &'p Plan) -> Floor<'p> {
            let trusted = plan
                .trusted
                .iter()
                .map(|(a, raw)| Key::parse(*a, raw))
                .collect();
            Floor { plan, trusted }
        }

        pub(crate) fn run(&self, form: Form) -> bool {
            let p = self.plan;
            let mut ok = true;
            let computed;
            let digest: &[u8] = match form {
                Form::Digest => &p.artifact_digest,
                Form::Bytes => {
                    computed = sha2::Sha256::digest(&p.artifact);
                    &computed
                }
            };
            let Some(leaf_key) = Key::try_parse(p.leaf.0, &p.leaf.1) else {
                return false;
            };
            if let Some(sig) = &p.message_sig {
                ok &= leaf_key.verify_prehashed(digest, sig);
            }
            for s in &p.sigs {
                let key = match s.signer {
                    Signer::Trusted(i) => &self.trusted[i],
                    Signer::Leaf => &leaf_key,
                };
                ok &= key.verify(s.alg, &s.msg, &s.sig);
            }
            for (_, data) in &p.hashes {
                ok &= std::hint::black_box(sha2::Sha256::digest(data)).len() == 32;
            }
            for m in &p.merkle {
                ok &= merkle_root(m.index, m.size, leaf(&m.leaf), &m.path, node) == Some(m.root);
            }
            ok
        }
    }
}
