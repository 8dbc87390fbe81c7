//! `trusted_root.json` (sigstore protobuf-specs `sigstore_trustroot.proto`, TrustedRoot v0.1):
//! Fulcio CAs, Rekor logs, CT logs and timestamp authorities, each with a validity window.

use serde::Deserialize;

use crate::crypto::{Backend, HashAlg, PublicKey};
use crate::encoding::b64;
use crate::error::Error;
use crate::limits::{self, BoundedVec};
use crate::time::{format_time, rfc3339, Round, Window};

/// A transparency log (Rekor or CT) of the trusted root.
#[derive(Clone, Debug)]
pub(crate) struct LogInfo {
    pub(crate) base_url: String,
    #[allow(dead_code)]
    pub(crate) hash_alg: HashAlg,
    pub(crate) key: PublicKey,
    pub(crate) key_id: Vec<u8>,
    pub(crate) valid_for: Window,
}

impl LogInfo {
    /// The base URL without scheme or trailing slash: the signed-note origin (and key name) of
    /// the log's checkpoints (`rekor.sigstore.dev`, `log2025-1.rekor.sigstore.dev`).
    pub(crate) fn origin_name(&self) -> &str {
        let s = self.base_url.as_str();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .unwrap_or(s);
        s.trim_end_matches('/')
    }
}

/// A certificate authority (Fulcio) or timestamp authority of the trusted root.
#[derive(Clone, Debug)]
pub(crate) struct AuthorityInfo {
    pub(crate) uri: String,
    /// DER certificates, issuing (or TSA leaf) certificate first, root last.
    pub(crate) certs: Vec<Vec<u8>>,
    pub(crate) valid_for: Window,
}

/// A parsed `trusted_root.json`: what a deployment trusts.
///
/// Build a [`crate::Verifier`] from it once and share that; parsing and chain validation happen
/// there, not per bundle.
#[derive(Clone, Debug)]
pub struct TrustedRoot {
    pub(crate) tlogs: Vec<LogInfo>,
    pub(crate) ctlogs: Vec<LogInfo>,
    pub(crate) cas: Vec<AuthorityInfo>,
    pub(crate) tsas: Vec<AuthorityInfo>,
    /// Set only for the embedded roots, whose CA and TSA chains are constant data: their
    /// certificate signatures are verified by this module's test `embedded_chains_verify` (every
    /// backend), not again at every start-up. A root parsed from anything else has each chain's
    /// signatures checked the first time a bundle needs that authority
    /// (`Verifier::check_trusted_root` checks them all at once).
    pub(crate) chain_signatures_prechecked: bool,
}

const MEDIA_TYPE: &str = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRoot {
    media_type: Option<String>,
    tlogs: Option<BoundedVec<RawLog, { limits::MAX_TRUST_ROOT_ENTRIES }>>,
    ctlogs: Option<BoundedVec<RawLog, { limits::MAX_TRUST_ROOT_ENTRIES }>>,
    certificate_authorities: Option<BoundedVec<RawAuthority, { limits::MAX_TRUST_ROOT_ENTRIES }>>,
    timestamp_authorities: Option<BoundedVec<RawAuthority, { limits::MAX_TRUST_ROOT_ENTRIES }>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLog {
    base_url: Option<String>,
    hash_algorithm: Option<String>,
    public_key: Option<RawKey>,
    log_id: Option<RawLogId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKey {
    raw_bytes: Option<String>,
    key_details: Option<String>,
    valid_for: Option<RawWindow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLogId {
    key_id: Option<String>,
}

#[derive(Deserialize)]
struct RawWindow {
    start: Option<String>,
    end: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAuthority {
    uri: Option<String>,
    cert_chain: Option<RawChain>,
    valid_for: Option<RawWindow>,
}

#[derive(Deserialize)]
struct RawChain {
    certificates: Option<BoundedVec<RawCert, { limits::MAX_CHAIN_CERTS }>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCert {
    raw_bytes: Option<String>,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidTrustedRoot {
        field: field.into(),
        reason: reason.into(),
    }
}

fn window(field: &str, w: Option<RawWindow>) -> Result<Window, Error> {
    let w = w.ok_or_else(|| invalid(field, "validFor is missing"))?;
    // A missing start would make the window unbounded in the past: the root is invalid.
    let start = w
        .start
        .ok_or_else(|| invalid(format!("{field}.start"), "validFor.start is missing"))?;
    let start = rfc3339(&format!("{field}.start"), &start, Round::Up)?;
    let end = match w.end {
        Some(e) => Some(rfc3339(&format!("{field}.end"), &e, Round::Down)?),
        None => None,
    };
    if end.is_some_and(|e| e < start) {
        return Err(invalid(field, "validFor ends before it starts"));
    }
    Ok(Window { start, end })
}

fn parse_log(field: &str, raw: RawLog, backend: Backend) -> Result<LogInfo, Error> {
    let base_url = raw
        .base_url
        .ok_or_else(|| invalid(format!("{field}.baseUrl"), "missing"))?;
    let hash_alg = raw
        .hash_algorithm
        .as_deref()
        .map(|h| {
            HashAlg::from_proto(h).ok_or_else(|| {
                invalid(format!("{field}.hashAlgorithm"), format!("unsupported {h}"))
            })
        })
        .transpose()?
        .unwrap_or(HashAlg::Sha256);
    let pk = raw
        .public_key
        .ok_or_else(|| invalid(format!("{field}.publicKey"), "missing"))?;
    let valid_for = window(&format!("{field}.publicKey.validFor"), pk.valid_for)?;
    let der = b64(
        &format!("{field}.publicKey.rawBytes"),
        pk.raw_bytes
            .as_deref()
            .ok_or_else(|| invalid(format!("{field}.publicKey.rawBytes"), "missing"))?,
    )?;
    let details = pk.key_details.unwrap_or_default();
    let key = if details.starts_with("PKCS1_RSA") {
        // A bare PKCS#1 RSAPublicKey (staging's legacy CT log): wrap it as an SPKI.
        PublicKey::from_spki_der(&rsa_spki_from_pkcs1(&der), backend)
    } else {
        PublicKey::from_spki_der(&der, backend)
    }
    .map_err(|e| invalid(format!("{field}.publicKey"), e.to_string()))?;
    let key_id = b64(
        &format!("{field}.logId.keyId"),
        raw.log_id
            .and_then(|l| l.key_id)
            .as_deref()
            .ok_or_else(|| invalid(format!("{field}.logId.keyId"), "missing"))?,
    )?;
    if key_id.len() != 32 {
        return Err(invalid(
            format!("{field}.logId.keyId"),
            format!("expected 32 bytes, found {}", key_id.len()),
        ));
    }
    Ok(LogInfo {
        base_url,
        hash_alg,
        key,
        key_id,
        valid_for,
    })
}

/// DER SubjectPublicKeyInfo { rsaEncryption, NULL } around a PKCS#1 RSAPublicKey.
fn rsa_spki_from_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    use der::Encode;
    let spki = spki::SubjectPublicKeyInfoOwned {
        algorithm: spki::AlgorithmIdentifierOwned {
            oid: const_oid::db::rfc5912::RSA_ENCRYPTION,
            parameters: Some(der::asn1::Null.into()),
        },
        subject_public_key: match der::asn1::BitString::from_bytes(pkcs1) {
            Ok(b) => b,
            Err(_) => return Vec::new(),
        },
    };
    spki.to_der().unwrap_or_default()
}

fn parse_authority(field: &str, raw: RawAuthority) -> Result<AuthorityInfo, Error> {
    let valid_for = window(&format!("{field}.validFor"), raw.valid_for)?;
    let chain = raw
        .cert_chain
        .ok_or_else(|| invalid(format!("{field}.certChain"), "missing"))?;
    let certificates = match chain.certificates {
        Some(c) => c.checked("certificates in a trusted root chain")?,
        None => Vec::new(),
    };
    if certificates.is_empty() {
        return Err(invalid(format!("{field}.certChain"), "no certificates"));
    }
    let certs = certificates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let f = format!("{field}.certChain.certificates[{i}].rawBytes");
            b64(
                &f,
                c.raw_bytes
                    .as_deref()
                    .ok_or_else(|| invalid(&f, "missing"))?,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AuthorityInfo {
        uri: raw.uri.unwrap_or_default(),
        certs,
        valid_for,
    })
}

impl TrustedRoot {
    /// Parses a `trusted_root.json` document. Every key must parse, every window must have a
    /// start; anything else is an error (a root we cannot fully understand is not trusted).
    pub fn from_json(json: &[u8]) -> Result<TrustedRoot, Error> {
        if json.len() > limits::MAX_TRUSTED_ROOT_BYTES {
            return Err(Error::LimitExceeded {
                what: "trusted root size in bytes",
                limit: limits::MAX_TRUSTED_ROOT_BYTES as u64,
                found: json.len() as u64,
            });
        }
        limits::check_json(json, "trusted root")?;
        let raw: RawRoot = serde_json::from_slice(json).map_err(|e| Error::InvalidJson {
            what: "trusted root",
            detail: e.to_string(),
        })?;
        match raw.media_type.as_deref() {
            Some(MEDIA_TYPE) => {}
            other => {
                return Err(invalid(
                    "mediaType",
                    format!("expected {MEDIA_TYPE}, found {other:?}"),
                ))
            }
        }
        fn list<T, const MAX: usize>(
            l: Option<BoundedVec<T, MAX>>,
            what: &'static str,
        ) -> Result<Vec<T>, Error> {
            l.map_or(Ok(Vec::new()), |l| l.checked(what))
        }
        let raw_tlogs = list(raw.tlogs, "trusted root tlogs")?;
        let raw_ctlogs = list(raw.ctlogs, "trusted root ctlogs")?;
        let raw_cas = list(
            raw.certificate_authorities,
            "trusted root certificate authorities",
        )?;
        let raw_tsas = list(
            raw.timestamp_authorities,
            "trusted root timestamp authorities",
        )?;
        let backend = Backend::default();
        let tlogs = raw_tlogs
            .into_iter()
            .enumerate()
            .map(|(i, l)| parse_log(&format!("tlogs[{i}]"), l, backend))
            .collect::<Result<_, _>>()?;
        let ctlogs = raw_ctlogs
            .into_iter()
            .enumerate()
            .map(|(i, l)| parse_log(&format!("ctlogs[{i}]"), l, backend))
            .collect::<Result<_, _>>()?;
        let cas = raw_cas
            .into_iter()
            .enumerate()
            .map(|(i, a)| parse_authority(&format!("certificateAuthorities[{i}]"), a))
            .collect::<Result<_, _>>()?;
        let tsas = raw_tsas
            .into_iter()
            .enumerate()
            .map(|(i, a)| parse_authority(&format!("timestampAuthorities[{i}]"), a))
            .collect::<Result<_, _>>()?;
        Ok(TrustedRoot {
            tlogs,
            ctlogs,
            cas,
            tsas,
            chain_signatures_prechecked: false,
        })
    }

    /// The embedded Sigstore public-good (production) trusted root.
    pub fn public_good() -> Result<TrustedRoot, Error> {
        TrustedRoot::embedded(PUBLIC_GOOD)
    }

    /// The embedded Sigstore staging trusted root.
    pub fn staging() -> Result<TrustedRoot, Error> {
        TrustedRoot::embedded(STAGING)
    }

    /// The embedded trusted root of GitHub's own instance (Fulcio and TSA, no transparency log).
    /// A separate trust domain: verify with a log threshold of 0, chosen explicitly.
    pub fn github() -> Result<TrustedRoot, Error> {
        TrustedRoot::embedded(GITHUB)
    }

    /// One of the embedded roots (constant data): parsed as any other, but its chains'
    /// signatures are known to verify (see `chain_signatures_prechecked`). Everything else of
    /// the chains (CA flags, path lengths, EKUs, names, validity windows) is still checked.
    fn embedded(json: &[u8]) -> Result<TrustedRoot, Error> {
        let mut root = TrustedRoot::from_json(json)?;
        root.chain_signatures_prechecked = true;
        Ok(root)
    }

    /// A summary for people and tools: every CA, log, CT log and TSA with its validity window.
    pub fn summary(&self) -> serde_json::Value {
        use serde_json::json;
        let w = |v: &Window| (format_time(v.start), v.end.map(format_time));
        let logs = |ls: &[LogInfo]| -> Vec<serde_json::Value> {
            ls.iter()
                .map(|l| {
                    let (from, until) = w(&l.valid_for);
                    json!({"baseUrl": l.base_url, "keyId": hex::encode(&l.key_id), "keyType": format!("{:?}", l.key.key_type()), "validFrom": from, "validUntil": until})
                })
                .collect()
        };
        let auths = |a: &[AuthorityInfo]| -> Vec<serde_json::Value> {
            a.iter()
                .map(|c| {
                    let (from, until) = w(&c.valid_for);
                    json!({"uri": c.uri, "certificates": c.certs.len(), "validFrom": from, "validUntil": until})
                })
                .collect()
        };
        json!({
            "certificateAuthorities": auths(&self.cas),
            "tlogs": logs(&self.tlogs),
            "ctlogs": logs(&self.ctlogs),
            "timestampAuthorities": auths(&self.tsas),
        })
    }

    /// Number of transparency logs.
    pub fn tlog_count(&self) -> usize {
        self.tlogs.len()
    }

    /// Number of Fulcio certificate authorities.
    pub fn certificate_authority_count(&self) -> usize {
        self.cas.len()
    }

    /// Number of timestamp authorities.
    pub fn timestamp_authority_count(&self) -> usize {
        self.tsas.len()
    }

    /// Number of CT logs.
    pub fn ctlog_count(&self) -> usize {
        self.ctlogs.len()
    }
}

/// The embedded trusted roots as JSON bytes (see `core/roots/SOURCE.md`).
pub const PUBLIC_GOOD: &[u8] = include_bytes!("../roots/public-good.trusted_root.json");
/// The embedded staging trusted root as JSON bytes.
pub const STAGING: &[u8] = include_bytes!("../roots/staging.trusted_root.json");
/// The embedded GitHub trusted root as JSON bytes.
pub const GITHUB: &[u8] = include_bytes!("../roots/github.trusted_root.json");

/// Is `child` directly followed by `parent` in a CA or TSA chain of one of the embedded roots?
/// Those links' signatures are verified by the tests (`embedded_chains_verify`), so a trusted
/// root read from a file that carries the same chains (a TUF refresh of public-good, a test
/// instance of staging) need not verify them again: the check is a function of these bytes.
/// The embedded roots are parsed the first time this is asked, once per process.
pub(crate) fn is_embedded_link(child: &[u8], parent: &[u8]) -> bool {
    static LINKS: std::sync::OnceLock<Vec<(Vec<u8>, Vec<u8>)>> = std::sync::OnceLock::new();
    LINKS
        .get_or_init(|| {
            let mut links = Vec::new();
            for json in [PUBLIC_GOOD, STAGING, GITHUB] {
                let Ok(root) = TrustedRoot::from_json(json) else {
                    continue;
                };
                for a in root.cas.iter().chain(&root.tsas) {
                    for w in a.certs.windows(2) {
                        if let [c, p] = w {
                            links.push((c.clone(), p.clone()));
                        }
                    }
                }
            }
            links
        })
        .iter()
        .any(|(c, p)| c.as_slice() == child && p.as_slice() == parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded roots skip their chains' signature checks at start-up
    /// (`chain_signatures_prechecked`): this is where those checks run, with every backend, on
    /// the very bytes that are embedded.
    #[test]
    fn embedded_chains_verify() {
        for (name, json, embedded) in [
            (
                "public-good",
                PUBLIC_GOOD,
                TrustedRoot::public_good as fn() -> _,
            ),
            ("staging", STAGING, TrustedRoot::staging),
            ("github", GITHUB, TrustedRoot::github),
        ] {
            assert!(embedded().unwrap().chain_signatures_prechecked, "{name}");
            let full = TrustedRoot::from_json(json).unwrap();
            assert!(!full.chain_signatures_prechecked, "{name}");
            assert!(!full.cas.is_empty(), "{name}");
            let mut links = 0;
            for backend in Backend::all() {
                let options = if name == "github" {
                    crate::ecosystems::github::github_instance_options()
                } else {
                    Default::default()
                };
                let v = crate::Verifier::with_options(&full, options, *backend)
                    .and_then(|v| v.check_trusted_root());
                assert!(v.is_ok(), "{name} / {}: {:?}", backend.name(), v.err());
                // every link's signature, really checked (not taken as an embedded link)
                for (purpose, list) in [
                    (crate::x509::Purpose::CodeSigning, &full.cas),
                    (crate::x509::Purpose::TimeStamping, &full.tsas),
                ] {
                    for a in list {
                        let chain =
                            crate::x509::AuthorityChain::new(name, a, purpose, *backend, true)
                                .unwrap();
                        assert_eq!(chain.check_links(*backend, false), Ok(()), "{name}");
                        links += a.certs.len().saturating_sub(1);
                        assert!(a.certs.windows(2).all(|w| is_embedded_link(&w[0], &w[1])));
                    }
                }
            }
            assert!(links > 0, "{name}: no chain links checked");
        }
    }

    #[test]
    fn embedded_links_are_recognised_exactly() {
        let pg = TrustedRoot::public_good().unwrap();
        let chain = &pg.cas.iter().find(|a| a.certs.len() >= 2).unwrap().certs;
        let (c, p) = (&chain[0], &chain[1]);
        assert!(is_embedded_link(c, p));
        assert!(!is_embedded_link(p, c), "the order matters");
        assert!(!is_embedded_link(c, c));
        let mut changed = c.clone();
        *changed.last_mut().unwrap() ^= 1;
        assert!(!is_embedded_link(&changed, p));
    }

    #[test]
    fn embedded_roots_parse() {
        let pg = TrustedRoot::public_good().unwrap();
        assert_eq!(pg.tlogs.len(), 2);
        assert_eq!(pg.tlogs[0].origin_name(), "rekor.sigstore.dev");
        assert_eq!(pg.cas.len(), 2);
        let st = TrustedRoot::staging().unwrap();
        assert!(st.ctlogs.len() >= 3, "staging has a PKCS#1 RSA CT key too");
        let gh = TrustedRoot::github().unwrap();
        assert!(gh.tlogs.is_empty());
        assert!(!gh.tsas.is_empty());
    }

    #[test]
    fn missing_start_is_rejected() {
        let mut v: serde_json::Value = serde_json::from_slice(PUBLIC_GOOD).unwrap();
        v["tlogs"][0]["publicKey"]["validFor"]
            .as_object_mut()
            .unwrap()
            .remove("start");
        let e = TrustedRoot::from_json(v.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.code(), "invalid-trusted-root");
        assert!(e.to_string().contains("validFor.start is missing"), "{e}");
    }

    #[test]
    fn wrong_media_type_and_bad_key_are_rejected() {
        let mut v: serde_json::Value = serde_json::from_slice(PUBLIC_GOOD).unwrap();
        v["mediaType"] = "application/vnd.dev.sigstore.trustedroot+json;version=0.9".into();
        assert!(TrustedRoot::from_json(v.to_string().as_bytes()).is_err());
        let mut v: serde_json::Value = serde_json::from_slice(PUBLIC_GOOD).unwrap();
        v["tlogs"][0]["publicKey"]["rawBytes"] = "AAAA".into();
        let e = TrustedRoot::from_json(v.to_string().as_bytes()).unwrap_err();
        assert!(e.to_string().contains("tlogs[0].publicKey"), "{e}");
        assert!(TrustedRoot::from_json(b"{").is_err());
        assert!(TrustedRoot::from_json(b"[]").is_err());
    }
}
