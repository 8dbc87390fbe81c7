//! Unit tests: determinism, Merkle proofs against an independent RFC 9162 verifier, certificate
//! and SCT structure, and a small check-by-check verifier proving that each [`Fault`] breaks
//! exactly the check it names.

use std::collections::BTreeSet;

use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde_json::Value;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::Certificate;

use crate::bundle::*;
use crate::ct::{parse_sct_list, sct_signed_data};
use crate::dsse::{pae, INTOTO_PAYLOAD_TYPE};
use crate::keys::HashKind;
use crate::log::{leaf_hash, node_hash, set_payload, MerkleTree, REKOR_ORIGIN};
use crate::util::{b64, pem, sha256, unb64};
use crate::x509::oid;
use crate::Instance;
use crate::{LogFault, Rekor, RekorV2Entry};

const ARTIFACT: &[u8] = b"hello sigverify\n";

fn verify_ec(spki_der: &[u8], msg: &[u8], sig_der: &[u8]) -> bool {
    let Ok(vk) = VerifyingKey::from_public_key_der(spki_der) else {
        return false;
    };
    let Ok(sig) = Signature::from_der(sig_der) else {
        return false;
    };
    vk.verify(msg, &sig).is_ok()
}

fn spki_of(cert: &Certificate) -> Vec<u8> {
    cert.tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap()
}

/// RFC 9162 §2.1.3.2 inclusion proof verification, written independently of `log.rs`.
fn rfc9162_verify(
    index: u64,
    size: u64,
    leaf: [u8; 32],
    proof: &[[u8; 32]],
    root: [u8; 32],
) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == root
}

fn b32(s: &Value) -> [u8; 32] {
    unb64(s.as_str().unwrap()).try_into().unwrap()
}

#[test]
fn deterministic() {
    let (a, b) = (Instance::new(), Instance::new());
    assert_eq!(a.trusted_root(), b.trusted_root());
    for opts in [BundleOptions::default(), BundleOptions::dsse()] {
        assert_eq!(a.bundle(&opts, ARTIFACT), b.bundle(&opts, ARTIFACT));
        assert_eq!(a.bundle(&opts, ARTIFACT), a.bundle(&opts, ARTIFACT));
    }
}

#[test]
fn merkle_proofs_verify_for_every_shape() {
    for size in 1..=40usize {
        for index in 0..size {
            let tree = MerkleTree::with_entry(size, index, b"entry", "t");
            let proof = tree.inclusion_proof(index);
            assert!(
                rfc9162_verify(
                    index as u64,
                    size as u64,
                    leaf_hash(b"entry"),
                    &proof,
                    tree.root()
                ),
                "size {size} index {index}"
            );
            if let Some(first) = proof.first() {
                let mut bad = proof.clone();
                bad[0] = sha256(first);
                assert!(!rfc9162_verify(
                    index as u64,
                    size as u64,
                    leaf_hash(b"entry"),
                    &bad,
                    tree.root()
                ));
            }
        }
    }
}

#[test]
fn certificates_and_sct_parse_and_verify() {
    let inst = Instance::new();
    let leaf = Certificate::from_der(&inst.leaf_certificate(&BundleOptions::default())).unwrap();
    let inter = Certificate::from_der(inst.intermediate_ca_der()).unwrap();
    let root = Certificate::from_der(inst.root_ca_der()).unwrap();
    // Chain signatures.
    for (c, issuer) in [(&leaf, &inter), (&inter, &root), (&root, &root)] {
        assert_eq!(c.tbs_certificate.issuer, issuer.tbs_certificate.subject);
        assert!(verify_ec(
            &spki_of(issuer),
            &c.tbs_certificate.to_der().unwrap(),
            c.signature.raw_bytes()
        ));
    }
    assert!(leaf.tbs_certificate.subject.0.is_empty());
    let exts = leaf.tbs_certificate.extensions.clone().unwrap();
    let ids: Vec<String> = exts.iter().map(|e| e.extn_id.to_string()).collect();
    for want in [
        "2.5.29.15",
        "2.5.29.37",
        "2.5.29.14",
        "2.5.29.35",
        "2.5.29.17",
        "1.3.6.1.4.1.57264.1.1",
        "1.3.6.1.4.1.57264.1.8",
        "1.3.6.1.4.1.11129.2.4.2",
    ] {
        assert!(ids.iter().any(|i| i == want), "missing {want}");
    }
    let legacy = exts
        .iter()
        .find(|e| e.extn_id == oid::FULCIO_ISSUER_V1)
        .unwrap();
    assert_eq!(legacy.extn_value.as_bytes(), DEFAULT_ISSUER.as_bytes());
    let v2 = exts
        .iter()
        .find(|e| e.extn_id == oid::FULCIO_ISSUER_V2)
        .unwrap();
    assert_eq!(
        der::asn1::Utf8StringRef::from_der(v2.extn_value.as_bytes())
            .unwrap()
            .as_str(),
        DEFAULT_ISSUER
    );

    // SCT: parse, and verify over the precertificate TBS (the TBS minus the SCT extension).
    let sct_ext = exts.iter().find(|e| e.extn_id == oid::CT_SCT_LIST).unwrap();
    let inner = der::asn1::OctetString::from_der(sct_ext.extn_value.as_bytes()).unwrap();
    let scts = parse_sct_list(inner.as_bytes()).unwrap();
    assert_eq!(scts.len(), 1);
    let sct = &scts[0];
    assert_eq!(sct.log_id, inst.ct_log_id());
    assert_eq!((sct.hash_alg, sct.sig_alg), (4, 3));
    let not_before = leaf.tbs_certificate.validity.not_before.to_unix_duration();
    assert_eq!(sct.timestamp_ms, not_before.as_millis() as u64);
    let mut pre = leaf.tbs_certificate.clone();
    pre.extensions
        .as_mut()
        .unwrap()
        .retain(|e| e.extn_id != oid::CT_SCT_LIST);
    let data = sct_signed_data(sct.timestamp_ms, &spki_of(&inter), &pre.to_der().unwrap());
    assert!(verify_ec(inst.ct_public_key_der(), &data, &sct.signature));
}

/// A check-by-check verifier of our own bundles. Returns the names of the checks that fail.
fn failing_checks(inst: &Instance, bundle: &Value, artifact: &[u8]) -> BTreeSet<&'static str> {
    let mut fails = BTreeSet::new();
    let mut check = |name: &'static str, ok: bool| {
        if !ok {
            fails.insert(name);
        }
    };
    let vm = &bundle["verificationMaterial"];
    let leaf_der = vm["certificate"]["rawBytes"]
        .as_str()
        .or(vm["x509CertificateChain"]["certificates"][0]["rawBytes"].as_str())
        .map(unb64);
    let (leaf, signer_spki) = match &leaf_der {
        Some(d) => {
            let c = Certificate::from_der(d).unwrap();
            let spki = spki_of(&c);
            (Some(c), spki)
        }
        None => (None, inst.managed_p256.spki_der.clone()),
    };
    let signer_pem = match &leaf_der {
        Some(d) => pem("CERTIFICATE", d),
        None => inst.managed_key_pem(),
    };

    // Signature over the content.
    let signature;
    if let Some(ms) = bundle.get("messageSignature") {
        signature = unb64(ms["signature"].as_str().unwrap());
        check(
            "artifact_signature",
            verify_ec(&signer_spki, artifact, &signature),
        );
        check(
            "message_digest",
            unb64(ms["messageDigest"]["digest"].as_str().unwrap()) == sha256(artifact),
        );
    } else {
        let env = &bundle["dsseEnvelope"];
        let payload = unb64(env["payload"].as_str().unwrap());
        let ptype = env["payloadType"].as_str().unwrap();
        signature = unb64(env["signatures"][0]["sig"].as_str().unwrap());
        check(
            "artifact_signature",
            verify_ec(&signer_spki, &pae(ptype, &payload), &signature),
        );
        check("dsse_payload_type", ptype == INTOTO_PAYLOAD_TYPE);
        let stmt: Value = serde_json::from_slice(&payload).unwrap();
        check(
            "dsse_subject",
            stmt["subject"][0]["digest"]["sha256"] == hex::encode(sha256(artifact)),
        );
    }

    // Certificate: chain, EKU, SCT.
    let mut valid = (0, u64::MAX);
    if let Some(leaf) = &leaf {
        let inter = Certificate::from_der(inst.intermediate_ca_der()).unwrap();
        let chain_ok = leaf.tbs_certificate.issuer == inter.tbs_certificate.subject
            && verify_ec(
                &spki_of(&inter),
                &leaf.tbs_certificate.to_der().unwrap(),
                leaf.signature.raw_bytes(),
            );
        check("cert_chain", chain_ok);
        let exts = leaf.tbs_certificate.extensions.clone().unwrap();
        let eku = exts
            .iter()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
            .map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).unwrap());
        check(
            "cert_eku",
            eku.is_some_and(|e| e.0.contains(&oid::KP_CODE_SIGNING)),
        );
        valid = (
            leaf.tbs_certificate
                .validity
                .not_before
                .to_unix_duration()
                .as_secs(),
            leaf.tbs_certificate
                .validity
                .not_after
                .to_unix_duration()
                .as_secs(),
        );
        let sct_ext = exts.iter().find(|e| e.extn_id == oid::CT_SCT_LIST);
        check("sct_present", sct_ext.is_some());
        if let Some(e) = sct_ext {
            let inner = der::asn1::OctetString::from_der(e.extn_value.as_bytes()).unwrap();
            let mut pre = leaf.tbs_certificate.clone();
            pre.extensions
                .as_mut()
                .unwrap()
                .retain(|e| e.extn_id != oid::CT_SCT_LIST);
            let pre = pre.to_der().unwrap();
            for sct in parse_sct_list(inner.as_bytes()).unwrap() {
                let known = sct.log_id == inst.ct_log_id();
                check("sct_log_known", known);
                // The issuer key hash needs the verified chain.
                if known && chain_ok {
                    let data = sct_signed_data(sct.timestamp_ms, &spki_of(&inter), &pre);
                    check(
                        "sct_signature",
                        verify_ec(inst.ct_public_key_der(), &data, &sct.signature),
                    );
                }
            }
        }
    }

    // Transparency log.
    if let Some(entry) = vm["tlogEntries"].as_array().and_then(|a| a.first()) {
        let it: u64 = entry["integratedTime"].as_str().unwrap().parse().unwrap();
        check(
            "cert_valid_at_integrated_time",
            valid.0 <= it && it <= valid.1,
        );
        let body_b64 = entry["canonicalizedBody"].as_str().unwrap();
        let body: Value = serde_json::from_slice(&unb64(body_b64)).unwrap();
        let log_id = inst.rekor_log_id();
        if let Some(p) = entry.get("inclusionPromise") {
            let idx: u64 = entry["logIndex"].as_str().unwrap().parse().unwrap();
            let payload = set_payload(body_b64, it, &log_id, idx);
            let set = unb64(p["signedEntryTimestamp"].as_str().unwrap());
            check(
                "set_signature",
                verify_ec(inst.rekor_public_key_der(), payload.as_bytes(), &set),
            );
        }
        let body_ok = match body["kind"].as_str().unwrap() {
            "hashedrekord" => {
                let s = &body["spec"];
                s["data"]["hash"]["value"] == hex::encode(sha256(artifact))
                    && s["signature"]["content"] == b64(&signature)
                    && s["signature"]["publicKey"]["content"] == b64(&signer_pem)
            }
            "dsse" => {
                let payload = unb64(bundle["dsseEnvelope"]["payload"].as_str().unwrap());
                let s = &body["spec"];
                s["payloadHash"]["value"] == hex::encode(sha256(&payload))
                    && s["signatures"][0]["signature"] == b64(&signature)
                    && s["signatures"][0]["verifier"] == b64(&signer_pem)
            }
            "intoto" => {
                let payload = unb64(bundle["dsseEnvelope"]["payload"].as_str().unwrap());
                let c = &body["spec"]["content"];
                c["payloadHash"]["value"] == hex::encode(sha256(&payload))
                    && c["envelope"]["signatures"][0]["sig"] == b64(b64(&signature))
                    && c["envelope"]["signatures"][0]["publicKey"] == b64(&signer_pem)
            }
            k => panic!("unknown kind {k}"),
        };
        check("tlog_body", body_ok);
        if let Some(p) = entry.get("inclusionProof") {
            let index: u64 = p["logIndex"].as_str().unwrap().parse().unwrap();
            let size: u64 = p["treeSize"].as_str().unwrap().parse().unwrap();
            let root = b32(&p["rootHash"]);
            let hashes: Vec<[u8; 32]> = p["hashes"].as_array().unwrap().iter().map(b32).collect();
            check(
                "inclusion_proof",
                rfc9162_verify(index, size, leaf_hash(&unb64(body_b64)), &hashes, root),
            );
            let note = p["checkpoint"]["envelope"].as_str().unwrap();
            let (text, sigs) = note.split_once("\n\n").unwrap();
            let text = format!("{text}\n");
            let lines: Vec<&str> = text.lines().collect();
            // Rekor v1: `<hostname> - <tree id>`, signed under the hostname.
            let host = lines[0]
                .rsplit_once(" - ")
                .filter(|(h, t)| {
                    !h.is_empty() && !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
                })
                .map(|(h, _)| h);
            let signer = sigs.lines().next().unwrap().split(' ').nth(1);
            check("checkpoint_origin", host.is_some() && signer == host);
            check(
                "checkpoint_root",
                lines[1] == size.to_string() && lines[2] == b64(root),
            );
            let sig_line = sigs.lines().next().unwrap();
            let blob = unb64(sig_line.rsplit(' ').next().unwrap());
            check("checkpoint_key_hint", blob[..4] == log_id[..4]);
            check(
                "checkpoint_signature",
                verify_ec(inst.rekor_public_key_der(), text.as_bytes(), &blob[4..]),
            );
        }
    }

    // RFC 3161 timestamp.
    if let Some(ts) =
        vm["timestampVerificationData"]["rfc3161Timestamps"][0]["signedTimestamp"].as_str()
    {
        let resp_der = unb64(ts);
        let resp = x509_tsp::TimeStampResp::from_der(&resp_der).unwrap();
        let token = resp.time_stamp_token.unwrap();
        assert_eq!(token.content_type, oid::SIGNED_DATA);
        let sd: cms::signed_data::SignedData = token.content.decode_as().unwrap();
        let econtent = sd.encap_content_info.econtent.unwrap();
        let tst_der = econtent.value().to_vec();
        let tst = x509_tsp::TstInfo::from_der(&tst_der).unwrap();
        check(
            "timestamp_imprint",
            tst.message_imprint.hashed_message.as_bytes() == sha256(&signature),
        );
        let gen = tst.gen_time.to_unix_duration().as_secs();
        check("cert_valid_at_timestamp", valid.0 <= gen && gen <= valid.1);
        let si = sd.signer_infos.0.get(0).unwrap();
        let trusted = Certificate::from_der(inst.tsa_leaf_der()).unwrap();
        let cms::signed_data::SignerIdentifier::IssuerAndSerialNumber(sid) = &si.sid else {
            panic!("sid")
        };
        // The signer certificate: embedded if present, else the trusted TSA leaf.
        let embedded = sd.certificates.as_ref().and_then(|cs| {
            cs.0.iter().find_map(|c| match c {
                cms::cert::CertificateChoices::Certificate(c) => Some(c.clone()),
                _ => None,
            })
        });
        let signer_cert = embedded.unwrap_or_else(|| trusted.clone());
        check(
            "timestamp_trusted",
            signer_cert == trusted
                && sid.issuer == trusted.tbs_certificate.issuer
                && sid.serial_number == trusted.tbs_certificate.serial_number,
        );
        let attrs = si.signed_attrs.as_ref().unwrap();
        let digest_ok = attrs.iter().any(|a| {
            a.oid == oid::ATTR_MESSAGE_DIGEST
                && a.values.get(0).unwrap().value() == sha256(&tst_der)
        });
        check(
            "timestamp_signature",
            digest_ok
                && verify_ec(
                    &spki_of(&signer_cert),
                    &attrs.to_der().unwrap(),
                    si.signature.as_bytes(),
                ),
        );
    }
    fails
}

fn expected_failures(f: Fault) -> &'static [&'static str] {
    use Fault::*;
    match f {
        ArtifactSignature | DsseBadSignature | DssePayloadTypeMismatch => &["artifact_signature"],
        CertNotCodeSigning => &["cert_eku"],
        CertExpiredAtIntegratedTime => {
            &["cert_valid_at_integrated_time", "cert_valid_at_timestamp"]
        }
        CertUntrustedCa => &["cert_chain"],
        NoSct => &["sct_present"],
        SctBadSignature => &["sct_signature"],
        SctUnknownLog => &["sct_log_known"],
        SetBadSignature => &["set_signature"],
        TlogBodyMismatch => &["tlog_body"],
        InclusionProofBadHash => &["inclusion_proof"],
        CheckpointBadSignature => &["checkpoint_signature"],
        CheckpointWrongOrigin => &["checkpoint_origin"],
        CheckpointRootMismatch => &["checkpoint_root"],
        CheckpointWrongKeyHint => &["checkpoint_key_hint"],
        TimestampBadSignature => &["timestamp_signature"],
        TimestampWrongImprint => &["timestamp_imprint"],
        TimestampUntrustedTsa => &["timestamp_trusted"],
        TimestampOutsideCertValidity => &["cert_valid_at_timestamp"],
        DsseWrongPayloadType => &["dsse_payload_type"],
        DsseSubjectMismatch => &["dsse_subject"],
    }
}

fn all_shapes() -> Vec<BundleOptions> {
    let mut v = Vec::new();
    for base in [
        BundleOptions::default(),
        BundleOptions::dsse(),
        BundleOptions {
            entry: EntryKind::Intoto002,
            ..BundleOptions::dsse()
        },
        BundleOptions {
            managed_key: Some(ManagedKey::P256),
            ..BundleOptions::default()
        },
        BundleOptions {
            managed_key: Some(ManagedKey::P256),
            ..BundleOptions::dsse()
        },
    ] {
        for version in [BundleVersion::V01, BundleVersion::V02, BundleVersion::V03] {
            v.push(BundleOptions {
                version,
                ..base.clone()
            });
        }
    }
    v
}

#[test]
fn happy_paths_pass_every_check() {
    let inst = Instance::new();
    for opts in all_shapes() {
        let b = inst.bundle(&opts, ARTIFACT);
        assert_eq!(b["mediaType"], opts.version.media_type());
        assert!(failing_checks(&inst, &b, ARTIFACT).is_empty(), "{opts:?}");
    }
}

#[test]
fn each_fault_breaks_exactly_its_check() {
    let inst = Instance::new();
    let mut covered = BTreeSet::new();
    for base in all_shapes() {
        for &f in Fault::ALL {
            if !f.applies_to(&base) {
                continue;
            }
            let opts = base.clone().with_fault(f);
            let b = inst.bundle(&opts, ARTIFACT);
            let got = failing_checks(&inst, &b, ARTIFACT);
            let want: BTreeSet<&str> = expected_failures(f).iter().copied().collect();
            assert_eq!(got, want, "{f:?} with {base:?}");
            covered.insert(format!("{f:?}"));
        }
    }
    assert_eq!(covered.len(), Fault::ALL.len());
}

#[test]
fn bundle_shapes() {
    let inst = Instance::new();
    let v1 = inst.bundle(
        &BundleOptions {
            version: BundleVersion::V01,
            ..BundleOptions::default()
        },
        ARTIFACT,
    );
    assert!(
        v1["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
            .is_string()
    );
    let v3 = inst.bundle(&BundleOptions::default(), ARTIFACT);
    let e = &v3["verificationMaterial"]["tlogEntries"][0];
    assert_eq!(e["kindVersion"]["kind"], "hashedrekord");
    assert_eq!(e["logId"]["keyId"], b64(inst.rekor_log_id()));
    assert_eq!(e["inclusionProof"]["treeSize"], "40");
    let body = String::from_utf8(unb64(e["canonicalizedBody"].as_str().unwrap())).unwrap();
    assert!(body.starts_with(r#"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":""#));
    let managed = inst.bundle(
        &BundleOptions {
            managed_key: Some(ManagedKey::P256),
            ..BundleOptions::default()
        },
        ARTIFACT,
    );
    assert!(managed["verificationMaterial"]["publicKey"]["hint"].is_string());
    let no_tlog = inst.bundle(
        &BundleOptions {
            with_tlog: false,
            with_timestamp: true,
            ..BundleOptions::default()
        },
        ARTIFACT,
    );
    assert_eq!(
        no_tlog["verificationMaterial"]["tlogEntries"],
        serde_json::json!([])
    );
}

#[test]
fn ed25519_managed_key_signs_the_artifact() {
    use ed25519_dalek::pkcs8::DecodePublicKey as _;
    use ed25519_dalek::Verifier as _;
    let inst = Instance::new();
    let b = inst.bundle(
        &BundleOptions {
            managed_key: Some(ManagedKey::Ed25519),
            ..BundleOptions::default()
        },
        ARTIFACT,
    );
    let vk =
        ed25519_dalek::VerifyingKey::from_public_key_pem(&inst.managed_ed25519_key_pem()).unwrap();
    let sig = unb64(b["messageSignature"]["signature"].as_str().unwrap());
    let sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
    assert!(vk.verify(ARTIFACT, &sig).is_ok());
}

/// ECDSA over `hash(msg)` on the key's curve (`spki_der`), checked with the curve crates'
/// prehash verifiers (a P-521 digest zero-extended, as their signer takes it).
fn verify_ecdsa_prehash(spki_der: &[u8], hash: HashKind, msg: &[u8], sig_der: &[u8]) -> bool {
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der).unwrap();
    let point = spki.subject_public_key.raw_bytes();
    let digest = hash.digest(msg);
    match point.len() {
        65 => {
            let vk = VerifyingKey::from_sec1_bytes(point).unwrap();
            Signature::from_der(sig_der).is_ok_and(|s| vk.verify_prehash(&digest, &s).is_ok())
        }
        97 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point).unwrap();
            p384::ecdsa::Signature::from_der(sig_der)
                .is_ok_and(|s| vk.verify_prehash(&digest, &s).is_ok())
        }
        133 => {
            let vk = p521::ecdsa::VerifyingKey::from_sec1_bytes(point).unwrap();
            let mut prehash = vec![0u8; 66 - digest.len()];
            prehash.extend_from_slice(&digest);
            p521::ecdsa::Signature::from_der(sig_der)
                .is_ok_and(|s| vk.verify_prehash(&prehash, &s).is_ok())
        }
        n => panic!("unexpected EC point length {n}"),
    }
}

#[test]
fn ecdsa_keys_sign_the_hash_they_name() {
    use crate::keys::{Curve, Ecdsa, HashKind};
    let inst = Instance::new();
    let all = [
        (Ecdsa::P256Sha256, 65, HashKind::Sha256),
        (Ecdsa::P256Sha384, 65, HashKind::Sha384),
        (Ecdsa::P384Sha384, 97, HashKind::Sha384),
        (Ecdsa::P384Sha256, 97, HashKind::Sha256),
        (Ecdsa::P521Sha512, 133, HashKind::Sha512),
        (Ecdsa::P521Sha256, 133, HashKind::Sha256),
    ];
    for (ecdsa, point_len, hash) in all {
        assert_eq!(ecdsa.hash(), hash);
        for managed in [None, Some(ManagedKey::P256)] {
            for content in [Content::MessageSignature, Content::Dsse] {
                let opts = BundleOptions {
                    ecdsa,
                    managed_key: managed,
                    content,
                    entry: match content {
                        Content::MessageSignature => EntryKind::HashedRekord001,
                        Content::Dsse => EntryKind::Dsse001,
                    },
                    ..BundleOptions::default()
                };
                let case = format!("{ecdsa:?} {managed:?} {content:?}");
                let b = inst.build_bundle(&opts, ARTIFACT);
                assert_eq!(
                    b.json,
                    inst.bundle(&opts, ARTIFACT),
                    "{case}: deterministic"
                );
                let spki = match &b.leaf_der {
                    Some(d) => spki_of(&Certificate::from_der(d).unwrap()),
                    None => {
                        let pem_key = inst.managed_ecdsa_key_pem(ecdsa);
                        let (_, der) = pem_rfc7468_decode(&pem_key);
                        der
                    }
                };
                let point = spki::SubjectPublicKeyInfoRef::from_der(&spki)
                    .unwrap()
                    .subject_public_key
                    .raw_bytes()
                    .len();
                assert_eq!(point, point_len, "{case}");
                let signed = match &b.dsse_payload {
                    Some(p) => pae(INTOTO_PAYLOAD_TYPE, p),
                    None => ARTIFACT.to_vec(),
                };
                assert!(
                    verify_ecdsa_prehash(&spki, hash, &signed, &b.signature),
                    "{case}: signs {hash:?}"
                );
                let other = if hash == HashKind::Sha256 {
                    match ecdsa.curve() {
                        Curve::P256 => HashKind::Sha384,
                        Curve::P384 => HashKind::Sha384,
                        Curve::P521 => HashKind::Sha512,
                    }
                } else {
                    HashKind::Sha256
                };
                assert!(
                    !verify_ecdsa_prehash(&spki, other, &signed, &b.signature),
                    "{case}: not over {other:?}"
                );
                if content == Content::MessageSignature {
                    let md = &b.json["messageSignature"]["messageDigest"];
                    assert_eq!(md["algorithm"], hash.proto_name(), "{case}");
                    assert_eq!(unb64(md["digest"].as_str().unwrap()), hash.digest(ARTIFACT));
                    let body: Value =
                        serde_json::from_slice(b.tlog_body.as_ref().unwrap()).unwrap();
                    let h = &body["spec"]["data"]["hash"];
                    assert_eq!(h["algorithm"], hash.name(), "{case}");
                    assert_eq!(h["value"], hex::encode(hash.digest(ARTIFACT)), "{case}");
                }
            }
        }
    }
    // The default stays the instance's P-256 keys, byte for byte.
    assert_eq!(
        inst.managed_ecdsa_key_pem(Ecdsa::P256Sha256),
        inst.managed_key_pem()
    );
}

/// The label and DER of a PEM block.
fn pem_rfc7468_decode(pem_text: &str) -> (String, Vec<u8>) {
    let mut lines = pem_text.lines();
    let label = lines
        .next()
        .unwrap()
        .trim_start_matches("-----BEGIN ")
        .trim_end_matches("-----")
        .to_string();
    let body: String = lines.take_while(|l| !l.starts_with("-----END")).collect();
    (label, unb64(&body))
}

#[test]
fn trusted_root_knobs() {
    let inst = Instance::new();
    let tr = inst.trusted_root();
    assert_eq!(tr["tlogs"][0]["logId"]["keyId"], b64(inst.rekor_log_id()));
    assert_eq!(
        tr["tlogs"][0]["publicKey"]["validFor"]["start"],
        "2020-01-01T00:00:00Z"
    );
    let later = inst.trusted_root_with(|o| {
        o.tlog_valid_for = crate::ValidFor::from(DEFAULT_INTEGRATED_TIME + 3600);
        o.include_ctlogs = false;
    });
    assert_eq!(
        later["tlogs"][0]["publicKey"]["validFor"]["start"],
        "2025-03-01T13:00:00Z"
    );
    assert_eq!(later["ctlogs"], serde_json::json!([]));
}

#[test]
fn statement_shape() {
    let s = crate::statement_for("a.txt", b"abc");
    let v: Value = serde_json::from_slice(&s).unwrap();
    assert_eq!(v["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(v["subject"][0]["name"], "a.txt");
    assert_eq!(
        v["subject"][0]["digest"]["sha256"],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(std::str::from_utf8(&s)
        .unwrap()
        .starts_with(r#"{"_type":"https://in-toto.io/Statement/v1","subject":"#));
}

// ------------------------------------------------------------------------------------------
// Rekor v2, cosignatures, several entries and timestamps
// ------------------------------------------------------------------------------------------

fn verify_ed(key: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(key) else {
        return false;
    };
    let Ok(sig) = ed25519_dalek::Signature::from_slice(sig) else {
        return false;
    };
    vk.verify_strict(msg, &sig).is_ok()
}

/// SHA-256(name || "\n" || type || key), written independently of `log.rs`.
fn c2sp_key_id(name: &str, ty: u8, key: &[u8; 32]) -> [u8; 32] {
    let mut d = Vec::new();
    d.extend_from_slice(name.as_bytes());
    d.push(0x0a);
    d.push(ty);
    d.extend_from_slice(key);
    sha256(&d)
}

/// The keys of a JSON value, recursively (`a.b.c` paths), to compare shapes with real bodies.
fn shape(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{prefix}.{k}");
                out.insert(p.clone());
                shape(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                shape(x, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn shape_of(v: &Value) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    shape(v, "", &mut s);
    s
}

fn real_vector(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/conformance")
        .join(name)
        .join("bundle.sigstore.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the shared conformance vectors are needed: {path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn body_of(entry: &Value) -> Value {
    serde_json::from_slice(&unb64(entry["canonicalizedBody"].as_str().unwrap())).unwrap()
}

fn v2_opts(content: Content, kind: RekorV2Entry) -> BundleOptions {
    BundleOptions::rekor_v2(content, kind)
}

#[test]
fn rekor_v2_log_identity() {
    use crate::log::REKOR_V2_ORIGIN;
    use crate::trust::REKOR_V2_URL;
    use ed25519_dalek::pkcs8::DecodePublicKey as _;
    let inst = Instance::new();
    assert_eq!(REKOR_V2_URL.strip_prefix("https://"), Some(REKOR_V2_ORIGIN));
    let key = inst.rekor_v2_public_key();
    assert_eq!(
        inst.rekor_v2_log_id(),
        c2sp_key_id(REKOR_V2_ORIGIN, 0x01, &key)
    );
    let tr = inst.trusted_root();
    let log = tr["tlogs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["baseUrl"] == REKOR_V2_URL)
        .expect("the v2 log is in the trusted root");
    assert_eq!(log["publicKey"]["keyDetails"], "PKIX_ED25519");
    assert_eq!(log["logId"]["keyId"], b64(inst.rekor_v2_log_id()));
    let spki = unb64(log["publicKey"]["rawBytes"].as_str().unwrap());
    assert_eq!(
        ed25519_dalek::VerifyingKey::from_public_key_der(&spki)
            .unwrap()
            .to_bytes(),
        key
    );
    // Dropping it, or every log.
    let no_v2 = inst.trusted_root_with(|o| o.include_rekor_v2 = false);
    assert_eq!(no_v2["tlogs"].as_array().unwrap().len(), 1);
    let gh = inst.github_trusted_root();
    assert_eq!(gh["tlogs"], serde_json::json!([]));
    assert_eq!(gh["ctlogs"], serde_json::json!([]));
    assert_eq!(gh["timestampAuthorities"].as_array().unwrap().len(), 1);
    assert_eq!(gh["certificateAuthorities"].as_array().unwrap().len(), 1);
}

#[test]
fn rekor_v2_entries_look_like_the_real_ones() {
    let inst = Instance::new();
    for (vector, content) in [
        ("rekor2-happy-path", Content::MessageSignature),
        ("rekor2-dsse-happy-path", Content::Dsse),
    ] {
        let real = real_vector(vector);
        let ours = inst.bundle(&v2_opts(content, RekorV2Entry::HashedRekord002), ARTIFACT);
        assert_eq!(ours["mediaType"], real["mediaType"]);
        let (re, oe) = (
            &real["verificationMaterial"]["tlogEntries"][0],
            &ours["verificationMaterial"]["tlogEntries"][0],
        );
        // Same entry fields: no integratedTime, no inclusionPromise.
        assert_eq!(shape_of(oe), shape_of(re), "{vector}");
        assert!(oe.get("integratedTime").is_none() && oe.get("inclusionPromise").is_none());
        assert_eq!(oe["kindVersion"], re["kindVersion"]);
        assert_eq!(oe["logIndex"], oe["inclusionProof"]["logIndex"]);
        // Same body shape and field values where they do not depend on the signature.
        let (rb, ob) = (body_of(re), body_of(oe));
        assert_eq!(shape_of(&ob), shape_of(&rb), "{vector}");
        let spec = "/spec/hashedRekordV002";
        for p in ["/apiVersion", "/kind"] {
            assert_eq!(ob.pointer(p), rb.pointer(p), "{p}");
        }
        for p in ["/data/algorithm", "/signature/verifier/keyDetails"] {
            assert_eq!(
                ob.pointer(&format!("{spec}{p}")),
                rb.pointer(&format!("{spec}{p}")),
                "{p}"
            );
        }
        // The canonical body is the compact, key-sorted JSON Rekor v2 writes.
        let raw = String::from_utf8(unb64(oe["canonicalizedBody"].as_str().unwrap())).unwrap();
        assert!(raw.starts_with(
            r#"{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":""#
        ));
        assert_eq!(raw, crate::util::canonical_json(&ob));
        // Same checkpoint layout: three body lines, a blank line, the log's signature line
        // named by the origin.
        let note = oe["inclusionProof"]["checkpoint"]["envelope"]
            .as_str()
            .unwrap();
        let (body, sigs) = note.split_once("\n\n").unwrap();
        assert_eq!(body.lines().count(), 3);
        assert!(sigs.starts_with("\u{2014} log2025-1.rekor.sigverify.test "));
        assert!(note.ends_with('\n'));
    }
    // dsse 0.0.2 (no real vector yet): the rekor-tiles shape.
    let ours = inst.build_bundle(&v2_opts(Content::Dsse, RekorV2Entry::Dsse002), ARTIFACT);
    let body: Value = serde_json::from_slice(ours.tlog_body.as_ref().unwrap()).unwrap();
    let want: BTreeSet<String> = [
        ".apiVersion",
        ".kind",
        ".spec",
        ".spec.dsseV002",
        ".spec.dsseV002.payloadHash",
        ".spec.dsseV002.payloadHash.algorithm",
        ".spec.dsseV002.payloadHash.digest",
        ".spec.dsseV002.signatures",
        ".spec.dsseV002.signatures[].content",
        ".spec.dsseV002.signatures[].verifier",
        ".spec.dsseV002.signatures[].verifier.keyDetails",
        ".spec.dsseV002.signatures[].verifier.x509Certificate",
        ".spec.dsseV002.signatures[].verifier.x509Certificate.rawBytes",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(shape_of(&body), want);
    assert_eq!(
        body["spec"]["dsseV002"]["payloadHash"]["digest"],
        b64(sha256(ours.dsse_payload.as_ref().unwrap()))
    );
}

/// The problems an independent check finds in one entry of a bundle (v1 or v2).
fn entry_problems(inst: &Instance, bundle: &Value, i: usize) -> BTreeSet<&'static str> {
    let mut fails = BTreeSet::new();
    let mut check = |name: &'static str, ok: bool| {
        if !ok {
            fails.insert(name);
        }
    };
    let vm = &bundle["verificationMaterial"];
    let entry = &vm["tlogEntries"][i];
    let body_bytes = unb64(entry["canonicalizedBody"].as_str().unwrap());
    let body: Value = serde_json::from_slice(&body_bytes).unwrap();
    let v2 = body["apiVersion"] == "0.0.2" && body["kind"] != "intoto";
    let log_id: [u8; 32] = unb64(entry["logId"]["keyId"].as_str().unwrap())
        .try_into()
        .unwrap();
    let (origin, name) = if v2 {
        (
            crate::log::REKOR_V2_ORIGIN.to_string(),
            crate::log::REKOR_V2_ORIGIN,
        )
    } else {
        (REKOR_ORIGIN.to_string(), crate::log::REKOR_NAME)
    };
    check(
        "log_id",
        log_id
            == if v2 {
                inst.rekor_v2_log_id()
            } else {
                inst.rekor_log_id()
            },
    );
    if v2 {
        check("no_set", entry.get("inclusionPromise").is_none());
        check("no_integrated_time", entry.get("integratedTime").is_none());
        // The body against the bundle.
        let signer_der = vm["certificate"]["rawBytes"].as_str().map(unb64);
        let (sig, digest) = match bundle.get("messageSignature") {
            Some(ms) => (
                unb64(ms["signature"].as_str().unwrap()),
                sha256(ARTIFACT).to_vec(),
            ),
            None => {
                let env = &bundle["dsseEnvelope"];
                let payload = unb64(env["payload"].as_str().unwrap());
                let pae = pae(env["payloadType"].as_str().unwrap(), &payload);
                let d = if body["kind"] == "dsse" {
                    sha256(&payload)
                } else {
                    sha256(&pae)
                };
                (
                    unb64(env["signatures"][0]["sig"].as_str().unwrap()),
                    d.to_vec(),
                )
            }
        };
        let (logged_digest, sig_obj) = match body["kind"].as_str().unwrap() {
            "hashedrekord" => {
                let s = &body["spec"]["hashedRekordV002"];
                (&s["data"]["digest"], &s["signature"])
            }
            _ => {
                let s = &body["spec"]["dsseV002"];
                (&s["payloadHash"]["digest"], &s["signatures"][0])
            }
        };
        check("body_digest", *logged_digest == b64(&digest));
        check("body_signature", sig_obj["content"] == b64(&sig));
        let verifier = &sig_obj["verifier"];
        let named = verifier["x509Certificate"]["rawBytes"]
            .as_str()
            .or(verifier["publicKey"]["rawBytes"].as_str())
            .map(unb64);
        let expected = signer_der.unwrap_or_else(|| inst.managed_p256.spki_der.clone());
        check("body_verifier", named == Some(expected));
    }
    let Some(p) = entry.get("inclusionProof") else {
        return fails;
    };
    let index: u64 = p["logIndex"].as_str().unwrap().parse().unwrap();
    let size: u64 = p["treeSize"].as_str().unwrap().parse().unwrap();
    let root = b32(&p["rootHash"]);
    let hashes: Vec<[u8; 32]> = p["hashes"].as_array().unwrap().iter().map(b32).collect();
    check(
        "inclusion_proof",
        rfc9162_verify(index, size, leaf_hash(&body_bytes), &hashes, root),
    );
    if v2 {
        check("log_index", entry["logIndex"] == p["logIndex"]);
    }
    let note = p["checkpoint"]["envelope"].as_str().unwrap();
    let (text, sigs) = note.split_once("\n\n").unwrap();
    let text = format!("{text}\n");
    let lines: Vec<&str> = text.lines().collect();
    check("checkpoint_origin", lines[0] == origin);
    check("checkpoint_size", lines[1] == size.to_string());
    check("checkpoint_root", lines[2] == b64(root));
    let mut sig_lines = sigs.lines();
    let first = sig_lines.next().unwrap();
    let rest = first.strip_prefix("\u{2014} ").unwrap();
    let (n, blob) = rest.split_once(' ').unwrap();
    let blob = unb64(blob);
    check("checkpoint_name", n == name);
    check("checkpoint_key_hint", blob[..4] == log_id[..4]);
    let ok = if v2 {
        verify_ed(&inst.rekor_v2_public_key(), text.as_bytes(), &blob[4..])
    } else {
        verify_ec(inst.rekor_public_key_der(), text.as_bytes(), &blob[4..])
    };
    check("checkpoint_signature", ok);
    // Cosignatures: each line must be a valid cosignature/v1 of one of our witnesses, dated
    // no later than 2099.
    for line in sig_lines {
        let rest = line.strip_prefix("\u{2014} ").unwrap();
        let (n, blob) = rest.split_once(' ').unwrap();
        let blob = unb64(blob);
        let Some(w) = (0..inst.witness_count())
            .map(|i| inst.witness(i))
            .find(|w| w.name == n)
        else {
            check("cosignature_unknown_witness", false);
            continue;
        };
        let key = w.public_key();
        check(
            "cosignature_key_hint",
            blob[..4] == c2sp_key_id(n, 0x04, &key)[..4],
        );
        let t = u64::from_be_bytes(blob[4..12].try_into().unwrap());
        check("cosignature_time", t < 4_070_908_800);
        let msg = format!("cosignature/v1\ntime {t}\n{text}");
        check(
            "cosignature_signature",
            verify_ed(&key, msg.as_bytes(), &blob[12..]),
        );
    }
    fails
}

fn v2_and_cosigned_shapes() -> Vec<BundleOptions> {
    let mut v = Vec::new();
    for (content, kind) in [
        (Content::MessageSignature, RekorV2Entry::HashedRekord002),
        (Content::Dsse, RekorV2Entry::HashedRekord002),
        (Content::Dsse, RekorV2Entry::Dsse002),
    ] {
        for signer in [None, Some(ManagedKey::P256)] {
            v.push(BundleOptions {
                managed_key: signer,
                cosigners: vec![0, 1, 2],
                ..v2_opts(content, kind)
            });
        }
    }
    for base in [BundleOptions::default(), BundleOptions::dsse()] {
        v.push(BundleOptions {
            cosigners: vec![2, 0],
            ..base
        });
    }
    v
}

#[test]
fn rekor_v2_and_cosigned_happy_paths_pass_every_check() {
    let inst = Instance::new();
    for opts in v2_and_cosigned_shapes() {
        let b = inst.bundle(&opts, ARTIFACT);
        assert!(entry_problems(&inst, &b, 0).is_empty(), "{opts:?}");
        if opts.rekor_v2.is_none() {
            assert!(failing_checks(&inst, &b, ARTIFACT).is_empty(), "{opts:?}");
        }
        // A timestamp is there (Rekor v2 needs one).
        assert!(
            b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
                .is_object()
        );
    }
}

#[test]
fn rekor_v2_faults_break_exactly_their_check() {
    let inst = Instance::new();
    let expected: &[(Fault, &[&str])] = &[
        (Fault::TlogBodyMismatch, &["body_digest"]),
        (Fault::InclusionProofBadHash, &["inclusion_proof"]),
        (Fault::CheckpointBadSignature, &["checkpoint_signature"]),
        (Fault::CheckpointWrongOrigin, &["checkpoint_origin"]),
        (Fault::CheckpointRootMismatch, &["checkpoint_root"]),
        (Fault::CheckpointWrongKeyHint, &["checkpoint_key_hint"]),
    ];
    let log_expected: &[(LogFault, &[&str])] = &[
        (LogFault::ProofLogIndexMismatch, &["log_index"]),
        (LogFault::CheckpointSizeMismatch, &["checkpoint_size"]),
        (LogFault::VerifierMismatch, &["body_verifier"]),
        (
            LogFault::CosignatureBadSignature,
            &["cosignature_signature"],
        ),
        (
            LogFault::CosignatureUnknownWitness,
            &["cosignature_unknown_witness"],
        ),
        (LogFault::CosignatureFromFuture, &["cosignature_time"]),
    ];
    let mut covered = BTreeSet::new();
    for base in v2_and_cosigned_shapes() {
        let v2 = base.rekor_v2.is_some();
        for (f, want) in expected {
            if !v2 {
                continue; // v1 faults are covered by `each_fault_breaks_exactly_its_check`
            }
            let b = inst.bundle(&base.clone().with_fault(*f), ARTIFACT);
            let want: BTreeSet<&str> = want.iter().copied().collect();
            assert_eq!(entry_problems(&inst, &b, 0), want, "{f:?} in {base:?}");
        }
        for (f, want) in log_expected {
            let opts = base.clone().with_log_fault(*f);
            if !f.applies_to(&opts) {
                continue;
            }
            let b = inst.bundle(&opts, ARTIFACT);
            let mut want: BTreeSet<&str> = want.iter().copied().collect();
            if !v2 && *f == LogFault::VerifierMismatch {
                // Checked for v1 bodies below.
                want.clear();
            }
            assert_eq!(entry_problems(&inst, &b, 0), want, "{f:?} in {base:?}");
            covered.insert(format!("{f:?}"));
        }
    }
    assert_eq!(covered.len(), LogFault::ALL.len());
    // v1 bodies with another signer: only the body check fails.
    for base in [BundleOptions::default(), BundleOptions::dsse()] {
        let b = inst.bundle(
            &base.clone().with_log_fault(LogFault::VerifierMismatch),
            ARTIFACT,
        );
        let want: BTreeSet<&str> = ["tlog_body"].into_iter().collect();
        assert_eq!(failing_checks(&inst, &b, ARTIFACT), want, "{base:?}");
    }
    // The cosignature faults change the last line only.
    let base = BundleOptions {
        cosigners: vec![0, 1],
        ..v2_opts(Content::MessageSignature, RekorV2Entry::HashedRekord002)
    };
    let note = |o: &BundleOptions| {
        inst.bundle(o, ARTIFACT)["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
            ["checkpoint"]["envelope"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let good = note(&base);
    for f in [
        LogFault::CosignatureBadSignature,
        LogFault::CosignatureUnknownWitness,
        LogFault::CosignatureFromFuture,
    ] {
        let bad = note(&base.clone().with_log_fault(f));
        let (g, b): (Vec<&str>, Vec<&str>) = (good.lines().collect(), bad.lines().collect());
        assert_eq!(g.len(), b.len());
        assert_eq!(g[..g.len() - 1], b[..b.len() - 1], "{f:?}");
        assert_ne!(g.last(), b.last(), "{f:?}");
    }
}

#[test]
fn witness_vkeys_and_cosignatures() {
    use crate::witness::{cosignature_message, ROGUE_WITNESS_NAME, WITNESS_NAMES};
    let inst = Instance::new();
    assert_eq!(inst.witness_count(), WITNESS_NAMES.len());
    let mut vkeys = inst.witness_vkeys();
    vkeys.push(inst.rogue_witness_vkey());
    for (i, vkey) in vkeys.iter().enumerate() {
        // Base64 may contain '+': the key is everything after the second one.
        let parts: Vec<&str> = vkey.splitn(3, '+').collect();
        assert_eq!(parts.len(), 3, "{vkey}");
        let name = WITNESS_NAMES.get(i).copied().unwrap_or(ROGUE_WITNESS_NAME);
        assert_eq!(parts[0], name);
        let raw = unb64(parts[2]);
        assert_eq!((raw.len(), raw[0]), (33, 0x04));
        let key: [u8; 32] = raw[1..].try_into().unwrap();
        assert_eq!(parts[1], hex::encode(&c2sp_key_id(name, 0x04, &key)[..4]));
    }
    // The C2SP tlog-cosignature message.
    assert_eq!(
        cosignature_message("o\n1\nAA==\n", 42),
        b"cosignature/v1\ntime 42\no\n1\nAA==\n".to_vec()
    );
    // Timestamps as asked.
    let b = inst.bundle(
        &BundleOptions {
            cosigners: vec![1],
            cosignature_time: Some(1_750_000_000),
            ..BundleOptions::default()
        },
        ARTIFACT,
    );
    let note = b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["checkpoint"]
        ["envelope"]
        .as_str()
        .unwrap();
    let line = note.lines().last().unwrap();
    assert!(line.starts_with(&format!("\u{2014} {} ", WITNESS_NAMES[1])));
    let blob = unb64(line.rsplit(' ').next().unwrap());
    assert_eq!(blob.len(), 4 + 8 + 64);
    assert_eq!(
        u64::from_be_bytes(blob[4..12].try_into().unwrap()),
        1_750_000_000
    );
}

#[test]
fn several_entries_and_timestamps() {
    let inst = Instance::new();
    for (base, extra) in [
        (BundleOptions::default(), vec![Rekor::V1, Rekor::V2]),
        (
            v2_opts(Content::Dsse, RekorV2Entry::Dsse002),
            vec![Rekor::V2, Rekor::V1],
        ),
    ] {
        let opts = BundleOptions {
            extra_tlog_entries: extra.clone(),
            extra_timestamps: vec![DEFAULT_INTEGRATED_TIME + 10, DEFAULT_INTEGRATED_TIME + 20],
            cosigners: vec![0],
            ..base
        };
        let built = inst.build_bundle(&opts, ARTIFACT);
        let b = &built.json;
        let entries = b["verificationMaterial"]["tlogEntries"].as_array().unwrap();
        assert_eq!(entries.len(), 1 + extra.len());
        assert_eq!(built.tlog_bodies.len(), entries.len());
        for i in 0..entries.len() {
            assert!(
                entry_problems(&inst, b, i).is_empty(),
                "entry {i} of {opts:?}"
            );
        }
        // Same log: distinct indices; the log of each entry as asked.
        let ids: Vec<&Value> = entries.iter().map(|e| &e["logId"]["keyId"]).collect();
        let idx: BTreeSet<&str> = entries
            .iter()
            .map(|e| e["logIndex"].as_str().unwrap())
            .collect();
        assert_eq!(idx.len(), entries.len());
        for (i, log) in extra.iter().enumerate() {
            let want = match log {
                Rekor::V1 => b64(inst.rekor_log_id()),
                Rekor::V2 => b64(inst.rekor_v2_log_id()),
            };
            assert_eq!(*ids[i + 1], want);
        }
        let stamps = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"]
            .as_array()
            .unwrap();
        assert_eq!(stamps.len(), 3);
        // A fault touches the first entry only.
        let faulty = inst.bundle(
            &opts.clone().with_fault(Fault::CheckpointBadSignature),
            ARTIFACT,
        );
        assert_eq!(
            entry_problems(&inst, &faulty, 0),
            ["checkpoint_signature"].into_iter().collect()
        );
        for i in 1..entries.len() {
            assert!(entry_problems(&inst, &faulty, i).is_empty());
        }
    }
}

#[test]
fn github_style_bundles() {
    let inst = Instance::new();
    let b = inst.bundle(&BundleOptions::github(), ARTIFACT);
    assert_eq!(
        b["verificationMaterial"]["tlogEntries"],
        serde_json::json!([])
    );
    assert!(
        b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0].is_object()
    );
    let leaf = Certificate::from_der(&inst.leaf_certificate(&BundleOptions::github())).unwrap();
    let exts = leaf.tbs_certificate.extensions.unwrap();
    assert!(exts.iter().all(|e| e.extn_id != oid::CT_SCT_LIST));
    assert_eq!(
        failing_checks(&inst, &b, ARTIFACT),
        ["sct_present"].into_iter().collect()
    );
}

#[test]
fn new_shapes_are_deterministic() {
    let (a, b) = (Instance::new(), Instance::new());
    for opts in v2_and_cosigned_shapes() {
        assert_eq!(a.bundle(&opts, ARTIFACT), b.bundle(&opts, ARTIFACT));
    }
    assert_eq!(a.witness_vkeys(), b.witness_vkeys());
}

/// The certificates the first token of `b` embeds (DER, as found: they may not parse), decoded
/// with everything else of the token through `cms`.
fn token_certificates(b: &Value) -> Vec<Vec<u8>> {
    let ts = b["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"][0]
        ["signedTimestamp"]
        .as_str()
        .unwrap();
    let resp = unb64(ts);
    // TimeStampResp > timeStampToken > [0] > SignedData > [0] certificates, by tag and length.
    let seq = |d: &[u8]| {
        let mut r = der::SliceReader::new(d).unwrap();
        let h = der::Header::decode(&mut r).unwrap();
        let off = usize::try_from(u32::from(h.encoded_len().unwrap())).unwrap();
        let len = usize::try_from(u32::from(h.length)).unwrap();
        (h.tag, off, len)
    };
    let children = |d: &[u8]| {
        let (_, off, len) = seq(d);
        let mut rest = &d[off..off + len];
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (_, o, l) = seq(rest);
            out.push(rest[..o + l].to_vec());
            rest = &rest[o + l..];
        }
        out
    };
    let token = &children(&resp)[1];
    let explicit = &children(token)[1];
    let signed_data = &children(explicit)[0];
    children(signed_data)
        .into_iter()
        .find(|c| c[0] == 0xa0)
        .map(|c| children(&c))
        .unwrap_or_default()
}

#[test]
fn tsa_certificate_variants_are_what_they_say() {
    let inst = Instance::new();
    let genuine = Certificate::from_der(inst.tsa_leaf_der()).unwrap();
    let tsa_root_spki = inst.tsa_root.key.spki_der.clone();
    let lookalike_spki = inst.lookalike_tsa_root().key.spki_der;
    let embedded = |cert: TsaCert, other: Option<OtherTsaCert>| {
        let opts = BundleOptions {
            tsa_cert: cert,
            tsa_other_cert: other,
            ..BundleOptions::default()
        };
        token_certificates(&inst.bundle(&opts, ARTIFACT))
    };
    let signed_by = |c: &Certificate, spki: &[u8]| {
        verify_ec(
            spki,
            &c.tbs_certificate.to_der().unwrap(),
            c.signature.raw_bytes(),
        )
    };
    let same_name_serial_key = |c: &Certificate| {
        let (a, b) = (&c.tbs_certificate, &genuine.tbs_certificate);
        a.issuer == b.issuer
            && a.serial_number == b.serial_number
            && a.subject == b.subject
            && a.subject_public_key_info == b.subject_public_key_info
            && a.extensions == b.extensions
    };
    assert_eq!(embedded(TsaCert::Genuine, None), [inst.tsa_leaf_der()]);
    assert!(signed_by(&genuine, &tsa_root_spki));

    let [changed] = &embedded(TsaCert::ValidityChanged, None)[..] else {
        panic!("one certificate")
    };
    let diff: Vec<usize> = (0..changed.len())
        .filter(|&i| changed[i] != inst.tsa_leaf_der()[i])
        .collect();
    assert_eq!(diff.len(), 1);
    let c = Certificate::from_der(changed).unwrap();
    assert!(same_name_serial_key(&c));
    assert_eq!(
        c.tbs_certificate
            .validity
            .not_after
            .to_unix_duration()
            .as_secs(),
        crate::x509::CA_NOT_AFTER + 366 * 86_400
    );
    assert!(!signed_by(&c, &tsa_root_spki));

    let one_byte_off = |der: &[u8], from: &[u8]| {
        der.len() == from.len() && der.iter().zip(from).filter(|(a, b)| a != b).count() == 1
    };
    let [malformed] = &embedded(TsaCert::ValidityMalformed, None)[..] else {
        panic!("one certificate")
    };
    assert!(one_byte_off(malformed, inst.tsa_leaf_der()));
    assert!(Certificate::from_der(malformed).is_err());

    let [sig] = &embedded(TsaCert::SignatureChanged, None)[..] else {
        panic!("one certificate")
    };
    assert!(one_byte_off(sig, inst.tsa_leaf_der()));
    assert_ne!(sig.last(), inst.tsa_leaf_der().last());
    let c = Certificate::from_der(sig).unwrap();
    assert_eq!(c.tbs_certificate, genuine.tbs_certificate);
    assert!(!signed_by(&c, &tsa_root_spki));

    let [lookalike] = &embedded(TsaCert::Lookalike, None)[..] else {
        panic!("one certificate")
    };
    let c = Certificate::from_der(lookalike).unwrap();
    assert!(same_name_serial_key(&c));
    assert!(signed_by(&c, &lookalike_spki) && !signed_by(&c, &tsa_root_spki));

    let [reissued] = &embedded(TsaCert::Reissued, None)[..] else {
        panic!("one certificate")
    };
    let c = Certificate::from_der(reissued).unwrap();
    assert!(same_name_serial_key(&c));
    assert_ne!(c.tbs_certificate.validity, genuine.tbs_certificate.validity);
    assert!(signed_by(&c, &tsa_root_spki));

    // The other certificate comes besides the TSA's (in DER SET OF order).
    let both = embedded(TsaCert::Genuine, Some(OtherTsaCert::Unrelated));
    let mut want = vec![
        inst.tsa_leaf_der().to_vec(),
        inst.rogue_tsa_leaf.der.clone(),
    ];
    want.sort();
    assert_eq!(both, want);
    let both = embedded(TsaCert::Genuine, Some(OtherTsaCert::Malformed));
    assert_eq!(both.len(), 2);
    let other = both
        .iter()
        .find(|c| c[..] != inst.tsa_leaf_der()[..])
        .unwrap();
    assert!(one_byte_off(other, inst.tsa_root_der()));
    assert!(Certificate::from_der(other).is_err());

    // Without `tsa_embed_cert`, only the other certificate.
    let opts = BundleOptions {
        tsa_embed_cert: false,
        tsa_other_cert: Some(OtherTsaCert::Unrelated),
        ..BundleOptions::default()
    };
    assert_eq!(
        token_certificates(&inst.bundle(&opts, ARTIFACT)),
        std::slice::from_ref(&inst.rogue_tsa_leaf.der)
    );
}
