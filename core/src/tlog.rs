//! Transparency log entries: Rekor v1 (`hashedrekord` 0.0.1, `dsse` 0.0.1, `intoto` 0.0.2) and
//! Rekor v2 (`hashedrekord` 0.0.2, `dsse` 0.0.2). For each entry: the log is one of the trusted
//! root's, the body matches the bundle, the SET verifies (v1), and the inclusion proof leads to a
//! checkpoint signed by the log.

use serde_json::Value;

use crate::bundle::{Content, TlogEntry};
use crate::checkpoint::Checkpoint;
use crate::crypto::{Backend, HashAlg};
use crate::dsse::pae;
use crate::encoding::{b64, pem, pem_parts, to_b64};
use crate::error::{tlog_err, Check, Error};
use crate::merkle;
use crate::time::format_time;
use crate::trust_root::LogInfo;
use crate::witness::WitnessPolicy;

/// What the bundle says, for comparing with a log entry's body.
pub(crate) struct Expected<'a> {
    pub(crate) content: &'a Content,
    /// DER of the signing certificate, or SPKI DER of the managed key.
    pub(crate) signer_der: &'a [u8],
    /// `signer_der` as strict base64, when the bundle carries it so (the certificate).
    pub(crate) signer_b64: Option<&'a str>,
    pub(crate) signer_is_key: bool,
    /// Digests of the artifact the caller gave (for hashedrekord entries), by algorithm.
    pub(crate) artifact_digest: &'a dyn Fn(HashAlg) -> Option<Vec<u8>>,
}

/// A log entry that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntryInfo {
    /// The log's base URL from the trusted root.
    pub log_url: String,
    /// The log id (hex).
    pub log_id: String,
    /// The entry's log index, when something signs it: the SET (Rekor v1) or, for Rekor v2, the
    /// inclusion proof (whose tree index it must equal). `None` for a Rekor v1 entry verified by
    /// its inclusion proof alone: the proof carries the index within its shard, and the bundle's
    /// global `logIndex` is then signed by nothing, so it is not reported.
    pub log_index: Option<u64>,
    /// Entry kind (`hashedrekord`, `dsse`, `intoto`).
    pub kind: String,
    /// Entry version (`0.0.1`, ...).
    pub version: String,
    /// The integrated time, when a signed entry timestamp vouches for it (Rekor v1).
    pub integrated_time: Option<i64>,
    /// Whether an inclusion proof against a signed checkpoint was verified.
    pub inclusion_proof: bool,
    /// The origin line of that checkpoint, as the log signed it: for Rekor v1
    /// `<hostname> - <tree id>` (`rekor.sigstore.dev - 2605736670972794746`; a private
    /// deployment's hostname may differ from its URL), for Rekor v2 the log's host. `None`
    /// without an inclusion proof.
    pub checkpoint_origin: Option<String>,
    /// Witnesses of the verifier's witness policy whose cosignature of the checkpoint verified.
    pub cosigned_by: Vec<String>,
    /// The log key's validity, for entries whose time comes from timestamps (Rekor v2).
    pub(crate) log_valid_for: crate::time::Window,
}

fn field<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(v, |acc, k| acc.get(k))
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Result<&'v str, Error> {
    field(v, path).and_then(Value::as_str).ok_or_else(|| {
        tlog_err(
            "entry body",
            format!("{} is missing or not a string", path.join(".")),
        )
    })
}

fn mismatch(what: &str, expected: impl std::fmt::Display, found: impl std::fmt::Display) -> Error {
    tlog_err(
        "entry body",
        format!("{what} does not match the bundle: bundle has {expected}, log entry has {found}"),
    )
}

fn short(b: &[u8]) -> String {
    let h = hex::encode(b);
    if h.len() > 24 {
        format!("{}…", &h[..24])
    } else {
        h
    }
}

/// Is a PEM body (base64 in lines) exactly `want` (base64 without line breaks)? Lines are
/// compared whole; a body with whitespace inside its lines is not recognised here (the caller
/// then decodes it).
fn pem_body_is(body: &str, want: &[u8]) -> bool {
    let mut rest = want;
    for line in body.split('\n') {
        match rest.strip_prefix(line.trim_ascii().as_bytes()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// The signer named in a v1 body: base64 of a PEM certificate or public key.
fn check_v1_signer(b64_pem: &str, exp: &Expected<'_>, what: &str) -> Result<(), Error> {
    let text = b64(what, b64_pem)?;
    let text = std::str::from_utf8(&text)
        .map_err(|_| tlog_err("entry body", format!("{what} is not PEM text")))?;
    let (label, body) = pem_parts(what, text)?;
    let want_label = if exp.signer_is_key {
        "PUBLIC KEY"
    } else {
        "CERTIFICATE"
    };
    // The common case without decoding: the PEM body is the base64 of the bundle's signer
    // (strict base64 has one encoding per byte string, so this is the same as decoding it).
    let want_body = match exp.signer_b64 {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(to_b64(exp.signer_der)),
    };
    if label == want_label && pem_body_is(body, want_body.as_bytes()) {
        return Ok(());
    }
    let (label, der) = pem(what, text)?;
    if label != want_label || der != exp.signer_der {
        return Err(mismatch(
            what,
            format!(
                "{want_label} {}",
                short(&crate::Backend::default().sha256(exp.signer_der))
            ),
            format!("{label} {}", short(&crate::Backend::default().sha256(&der))),
        ));
    }
    Ok(())
}

fn hex_digest_matches(alg: &str, value: &str, exp: &Expected<'_>, what: &str) -> Result<(), Error> {
    let alg = HashAlg::from_name(alg).ok_or_else(|| {
        tlog_err(
            "entry body",
            format!("{what}: unsupported algorithm {alg:?}"),
        )
    })?;
    let found =
        hex::decode(value).map_err(|_| tlog_err("entry body", format!("{what} is not hex")))?;
    let Some(want) = (exp.artifact_digest)(alg) else {
        return Err(tlog_err(
            "entry body",
            format!(
                "{what} is {}, but the artifact was given with another digest algorithm",
                alg.name()
            ),
        ));
    };
    if want != found {
        return Err(mismatch(what, hex::encode(&want), hex::encode(&found)));
    }
    Ok(())
}

/// RFC-free, bundle-spec cross-check of the entry body against the bundle.
fn check_body(entry: &TlogEntry, exp: &Expected<'_>, backend: Backend) -> Result<(), Error> {
    crate::limits::check_json_tree(&entry.body, "log entry body")?;
    let body: Value = serde_json::from_slice(&entry.body)
        .map_err(|e| tlog_err("entry body", format!("canonicalizedBody is not JSON: {e}")))?;
    let kind = str_at(&body, &["kind"])?;
    let api = str_at(&body, &["apiVersion"])?;
    if kind != entry.kind || api != entry.version {
        return Err(tlog_err(
            "entry body",
            format!(
                "kindVersion says {}/{}, the body is {kind}/{api}",
                entry.kind, entry.version
            ),
        ));
    }
    let sig = exp.content.signature_bytes();
    match (kind, api, exp.content) {
        ("hashedrekord", "0.0.1", Content::MessageSignature { signature, .. }) => {
            let s = b64("hashedrekord signature", str_at(&body, &["spec", "signature", "content"])?)?;
            if &s != signature {
                return Err(mismatch("signature", short(signature), short(&s)));
            }
            check_v1_signer(str_at(&body, &["spec", "signature", "publicKey", "content"])?, exp, "hashedrekord public key")?;
            hex_digest_matches(
                str_at(&body, &["spec", "data", "hash", "algorithm"])?,
                str_at(&body, &["spec", "data", "hash", "value"])?,
                exp,
                "hashedrekord artifact digest",
            )
        }
        ("dsse", "0.0.1", Content::Dsse(env)) => {
            let ph_alg = str_at(&body, &["spec", "payloadHash", "algorithm"])?;
            let ph = str_at(&body, &["spec", "payloadHash", "value"])?;
            let alg = HashAlg::from_name(ph_alg).ok_or_else(|| tlog_err("entry body", "unsupported payloadHash algorithm"))?;
            let want = backend.hash(alg, &env.payload);
            if !hex::encode(&want).eq_ignore_ascii_case(ph) {
                return Err(mismatch("DSSE payload hash", hex::encode(&want), ph));
            }
            let sigs = field(&body, &["spec", "signatures"])
                .and_then(Value::as_array)
                .ok_or_else(|| tlog_err("entry body", "spec.signatures is missing"))?;
            if sigs.len() != env.signatures.len() {
                return Err(mismatch("number of DSSE signatures", env.signatures.len(), sigs.len()));
            }
            for s in sigs {
                let bytes = b64("dsse signature", str_at(s, &["signature"])?)?;
                if bytes != sig {
                    return Err(mismatch("DSSE signature", short(sig), short(&bytes)));
                }
                check_v1_signer(str_at(s, &["verifier"])?, exp, "dsse verifier")?;
            }
            // envelopeHash covers Rekor's own re-serialisation of the envelope, which a client
            // cannot reproduce byte for byte; the payload hash and signatures above bind it.
            Ok(())
        }
        ("intoto", "0.0.2", Content::Dsse(env)) => {
            let c = field(&body, &["spec", "content"]).ok_or_else(|| tlog_err("entry body", "spec.content is missing"))?;
            let ph = str_at(c, &["payloadHash", "value"])?;
            let alg = HashAlg::from_name(str_at(c, &["payloadHash", "algorithm"])?)
                .ok_or_else(|| tlog_err("entry body", "unsupported payloadHash algorithm"))?;
            let want = backend.hash(alg, &env.payload);
            if !hex::encode(&want).eq_ignore_ascii_case(ph) {
                return Err(mismatch("in-toto payload hash", hex::encode(&want), ph));
            }
            if let Some(p) = field(c, &["envelope", "payload"]).and_then(Value::as_str) {
                // intoto 0.0.2 stores the payload base64-encoded twice.
                let once = b64("intoto payload", p)?;
                if once != to_b64(&env.payload).as_bytes() {
                    return Err(mismatch("in-toto payload", "the envelope's payload", "another payload"));
                }
            }
            let pt = str_at(c, &["envelope", "payloadType"])?;
            if pt != env.payload_type {
                return Err(mismatch("payloadType", &env.payload_type, pt));
            }
            let sigs = field(c, &["envelope", "signatures"])
                .and_then(Value::as_array)
                .ok_or_else(|| tlog_err("entry body", "envelope.signatures is missing"))?;
            if sigs.len() != env.signatures.len() {
                return Err(mismatch("number of DSSE signatures", env.signatures.len(), sigs.len()));
            }
            for s in sigs {
                let once = b64("intoto signature", str_at(s, &["sig"])?)?;
                let once = String::from_utf8(once).map_err(|_| tlog_err("entry body", "intoto signature is not base64 text"))?;
                let bytes = b64("intoto signature", &once)?;
                if bytes != sig {
                    return Err(mismatch("DSSE signature", short(sig), short(&bytes)));
                }
                check_v1_signer(str_at(s, &["publicKey"])?, exp, "intoto public key")?;
            }
            Ok(())
        }
        ("hashedrekord", "0.0.2", _) => {
            let spec = field(&body, &["spec", "hashedRekordV002"])
                .ok_or_else(|| tlog_err("entry body", "spec.hashedRekordV002 is missing"))?;
            let s = b64("hashedrekord signature", str_at(spec, &["signature", "content"])?)?;
            if s != sig {
                return Err(mismatch("signature", short(sig), short(&s)));
            }
            let alg = HashAlg::from_proto(str_at(spec, &["data", "algorithm"])?)
                .ok_or_else(|| tlog_err("entry body", "unsupported data.algorithm"))?;
            let digest = b64("hashedrekord digest", str_at(spec, &["data", "digest"])?)?;
            // For DSSE, Rekor v2 logs a hashedrekord over the PAE bytes.
            let want = match exp.content {
                Content::MessageSignature { .. } => (exp.artifact_digest)(alg),
                Content::Dsse(env) => Some(backend.hash(alg, &pae(&env.payload_type, &env.payload))),
            };
            let Some(want) = want else {
                return Err(tlog_err("entry body", "the artifact was given with another digest algorithm"));
            };
            if want != digest {
                return Err(mismatch("hashedrekord digest", hex::encode(&want), hex::encode(&digest)));
            }
            check_v2_verifier(field(spec, &["signature"]).unwrap_or(&Value::Null), exp)
        }
        ("dsse", "0.0.2", Content::Dsse(env)) => {
            let spec = field(&body, &["spec", "dsseV002"]).ok_or_else(|| tlog_err("entry body", "spec.dsseV002 is missing"))?;
            let alg = HashAlg::from_proto(str_at(spec, &["payloadHash", "algorithm"])?)
                .ok_or_else(|| tlog_err("entry body", "unsupported payloadHash.algorithm"))?;
            let ph = b64("dsse payload hash", str_at(spec, &["payloadHash", "digest"])?)?;
            if backend.hash(alg, &env.payload) != ph {
                return Err(mismatch("DSSE payload hash", "the envelope's payload", hex::encode(&ph)));
            }
            let sigs = field(spec, &["signatures"]).and_then(Value::as_array)
                .ok_or_else(|| tlog_err("entry body", "signatures is missing"))?;
            if sigs.len() != env.signatures.len() {
                return Err(mismatch("number of DSSE signatures", env.signatures.len(), sigs.len()));
            }
            for s in sigs {
                let bytes = b64("dsse signature", str_at(s, &["content"])?)?;
                if bytes != sig {
                    return Err(mismatch("DSSE signature", short(sig), short(&bytes)));
                }
                check_v2_verifier(s, exp)?;
            }
            Ok(())
        }
        (k, v, c) => Err(tlog_err(
            "entry body",
            format!(
                "entry kind {k} {v} does not fit a bundle with a {} (supported: hashedrekord 0.0.1/0.0.2 for message signatures; dsse 0.0.1/0.0.2, intoto 0.0.2, hashedrekord 0.0.2 for DSSE)",
                match c {
                    Content::MessageSignature { .. } => "message signature",
                    Content::Dsse(_) => "DSSE envelope",
                }
            ),
        )),
    }
}

/// Rekor v2 `verifier`: a DER certificate or a DER SPKI public key.
fn check_v2_verifier(holder: &Value, exp: &Expected<'_>) -> Result<(), Error> {
    let v = field(holder, &["verifier"])
        .ok_or_else(|| tlog_err("entry body", "verifier is missing"))?;
    let (is_key, raw) =
        if let Some(c) = field(v, &["x509Certificate", "rawBytes"]).and_then(Value::as_str) {
            (false, c)
        } else if let Some(k) = field(v, &["publicKey", "rawBytes"]).and_then(Value::as_str) {
            (true, k)
        } else {
            return Err(tlog_err(
                "entry body",
                "verifier has neither x509Certificate nor publicKey",
            ));
        };
    let der = b64("verifier", raw)?;
    if is_key != exp.signer_is_key || der != exp.signer_der {
        return Err(mismatch(
            "verifier",
            short(&crate::Backend::default().sha256(exp.signer_der)),
            short(&crate::Backend::default().sha256(&der)),
        ));
    }
    Ok(())
}

/// Canonical JSON of the SET payload (keys sorted, no whitespace).
fn set_payload(entry: &TlogEntry) -> Vec<u8> {
    use std::io::Write;
    let body = entry.body_b64.as_bytes();
    let mut out = Vec::with_capacity(body.len() + 160);
    out.extend_from_slice(b"{\"body\":");
    // The body was decoded as strict base64 (see `TlogEntry::body_b64`): it needs no escaping.
    out.push(b'"');
    out.extend_from_slice(body);
    out.push(b'"');
    // Writing into a Vec cannot fail.
    let _ = write!(
        out,
        ",\"integratedTime\":{},\"logID\":\"{}\",\"logIndex\":{}}}",
        entry.integrated_time,
        hex::encode(&entry.log_id),
        entry.log_index
    );
    out
}

/// Verifies one entry. `v1_needs_time`: whether a Rekor v1 entry must yield an integrated time.
pub(crate) fn verify_entry(
    index: usize,
    entry: &TlogEntry,
    logs: &[LogInfo],
    exp: &Expected<'_>,
    witnesses: Option<&WitnessPolicy>,
    now: i64,
    backend: Backend,
) -> Result<LogEntryInfo, Error> {
    let at = |part: &'static str, r: String| tlog_err(part, format!("entry {index}: {r}"));
    let log = logs
        .iter()
        .find(|l| l.key_id == entry.log_id)
        .ok_or_else(|| {
            at(
                "log id",
                format!(
                    "log {} is not a transparency log of the trusted root",
                    hex::encode(&entry.log_id)
                ),
            )
        })?;
    let is_v2 = entry.version == "0.0.2" && entry.kind != "intoto";

    check_body(entry, exp, backend).map_err(|e| match e {
        Error::TransparencyLog { part, reason } => at(part, reason),
        // Undecodable fields inside the logged body are log-entry errors too.
        Error::InvalidEncoding { field, reason } => at("entry body", format!("{field}: {reason}")),
        other => other,
    })?;

    // Signed entry timestamp (Rekor v1 inclusion promise).
    let mut integrated_time = None;
    if let Some(set) = &entry.set {
        if is_v2 {
            return Err(at(
                "inclusion promise",
                "Rekor v2 entries carry no SET".into(),
            ));
        }
        if entry.integrated_time == 0 {
            return Err(at(
                "inclusion promise",
                "a SET needs an integrated time".into(),
            ));
        }
        if !log
            .key
            .verify(backend, log.key.default_scheme(), &set_payload(entry), set)
        {
            return Err(Error::SignatureInvalid {
                check: Check::TransparencyLog,
                what: format!(
                    "entry {index}: signed entry timestamp (SET) by log {}",
                    log.base_url
                ),
            });
        }
        let t = i64::try_from(entry.integrated_time).unwrap_or(i64::MAX);
        if !log.valid_for.contains(t) {
            return Err(Error::TimeOutsideValidity {
                check: Check::TransparencyLog,
                what: format!("entry {index}: log key of {}", log.base_url),
                time: format_time(t),
                window: log.valid_for.to_string(),
            });
        }
        integrated_time = Some(t);
    }

    // Inclusion proof and checkpoint.
    let mut proven = false;
    let mut checkpoint_origin = None;
    let mut cosigned_by = Vec::new();
    if let Some(proof) = &entry.proof {
        if is_v2 && proof.log_index != entry.log_index {
            return Err(at(
                "inclusion proof",
                format!(
                    "log index {} differs from the entry's {}",
                    proof.log_index, entry.log_index
                ),
            ));
        }
        let leaf = merkle::leaf_hash(backend, &entry.body);
        let root = merkle::root_from_inclusion_proof(
            backend,
            proof.log_index,
            proof.tree_size,
            &leaf,
            &proof.hashes,
        )
        .map_err(|r| at("inclusion proof", r))?;
        if root.as_slice() != proof.root_hash.as_slice() {
            return Err(at(
                "inclusion proof",
                format!(
                    "the proof leads to root {}, the bundle states {}",
                    hex::encode(root),
                    hex::encode(&proof.root_hash)
                ),
            ));
        }
        let cp = Checkpoint::parse(&proof.checkpoint).map_err(|e| match e {
            Error::TransparencyLog { part, reason } => at(part, reason),
            Error::InvalidEncoding { field, reason } => {
                at("checkpoint", format!("{field}: {reason}"))
            }
            o => o,
        })?;
        if cp.size != proof.tree_size || cp.root_hash != proof.root_hash {
            return Err(at(
                "checkpoint",
                format!(
                    "checkpoint (size {}, root {}) does not match the proof (size {}, root {})",
                    cp.size,
                    hex::encode(&cp.root_hash),
                    proof.tree_size,
                    hex::encode(&proof.root_hash)
                ),
            ));
        }
        cp.verify_log_signature(log, is_v2, backend)
            .map_err(|e| match e {
                Error::TransparencyLog { part, reason } => at(part, reason),
                Error::SignatureInvalid { check, what } => Error::SignatureInvalid {
                    check,
                    what: format!("entry {index}: {what}"),
                },
                o => o,
            })?;
        if let Some(w) = witnesses {
            cosigned_by = w.check(&cp, now, backend).map_err(|e| match e {
                Error::TransparencyLog { part, reason } => at(part, reason),
                o => o,
            })?;
        }
        proven = true;
        checkpoint_origin = Some(cp.origin);
    }
    if witnesses.is_some() && !proven {
        return Err(at(
            "witness cosignatures",
            "the witness policy needs a checkpoint, and the entry has no inclusion proof".into(),
        ));
    }
    if !proven && integrated_time.is_none() {
        return Err(at(
            "inclusion proof",
            "the entry has neither a verified SET nor an inclusion proof".into(),
        ));
    }
    if is_v2 && !proven {
        return Err(at(
            "inclusion proof",
            "Rekor v2 entries need an inclusion proof".into(),
        ));
    }
    Ok(LogEntryInfo {
        log_url: log.base_url.clone(),
        log_id: hex::encode(&entry.log_id),
        log_index: (integrated_time.is_some() || is_v2).then_some(entry.log_index),
        kind: entry.kind.clone(),
        version: entry.version.clone(),
        integrated_time,
        inclusion_proof: proven,
        checkpoint_origin,
        cosigned_by,
        log_valid_for: log.valid_for,
    })
}

#[cfg(test)]
mod pem_tests {
    use super::*;

    #[test]
    fn pem_body_lines_compare_whole() {
        let want = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=";
        assert!(pem_body_is(
            "\nQUJDREVGR0hJSktMTU5P\nUFFSU1RVVldYWVo=\n",
            want
        ));
        assert!(pem_body_is(
            "\r\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n",
            want
        ));
        assert!(!pem_body_is("\nQUJDREVGR0hJSktMTU5P\n", want), "a prefix");
        assert!(
            !pem_body_is("\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=A\n", want),
            "longer"
        );
        assert!(
            !pem_body_is("\nQUJDREVG R0hJSktMTU5PUFFSU1RVVldYWVo=\n", want),
            "inner space"
        );
    }

    #[test]
    fn v1_signer_falls_back_to_decoding() {
        let der = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let content = Content::MessageSignature {
            digest: None,
            signature: vec![],
        };
        let no_digest = |_: HashAlg| None;
        let exp = Expected {
            content: &content,
            signer_der: der,
            signer_b64: None,
            signer_is_key: false,
            artifact_digest: &no_digest,
        };
        let pem = |body: &str| {
            to_b64(
                format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n")
                    .as_bytes(),
            )
        };
        // fast path, and a body with a space inside a line (decoded, then equal)
        assert!(check_v1_signer(&pem("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="), &exp, "t").is_ok());
        assert!(check_v1_signer(&pem("QUJDREVG R0hJSktMTU5PUFFSU1RVVldYWVo="), &exp, "t").is_ok());
        // another certificate, another label: refused
        let e = check_v1_signer(&pem("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVp="), &exp, "t");
        assert!(e.is_err());
        let key_pem = to_b64(b"-----BEGIN PUBLIC KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n-----END PUBLIC KEY-----\n");
        let e = check_v1_signer(&key_pem, &exp, "t").unwrap_err();
        assert!(e.to_string().contains("does not match"), "{e}");
    }
}
