//! X.509: the signing certificate (Fulcio leaf) and the certificate chains of the trusted root.
//!
//! Path validation of the leaf is done by rustls-webpki (RFC 5280 §6, strict DER, unknown critical
//! extensions refused) with our own signature algorithms. Each CA's intermediate-to-root chain is
//! validated once, when the verifier is built ([`AuthorityChain::new`]); per bundle, webpki checks
//! only the leaf against the issuing certificate, which becomes the trust anchor: any certificate
//! of the chain may be it (as in sigstore-go; see `AuthorityChain::issuer_positions`).

use std::collections::BTreeMap;

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
};
use x509_cert::Certificate;

use crate::crypto::{Backend, PublicKey, SigScheme};
use crate::der::{tag, write_header, Tlv};
use crate::error::{Check, Error};
use crate::time::{format_time, Window};
use crate::trust_root::AuthorityInfo;

/// id-kp-codeSigning (RFC 5280 §4.2.1.12), DER content octets as webpki wants them.
const EKU_CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
/// id-kp-timeStamping (RFC 3161 §2.3).
const EKU_TIME_STAMPING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08];

pub(crate) const OID_EKU_CODE_SIGNING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
pub(crate) const OID_EKU_TIME_STAMPING: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// RFC 6962 §3.3: the embedded SCT list extension.
pub(crate) const OID_SCT_LIST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
/// Fulcio's arc 1.3.6.1.4.1.57264.1, as the DER content octets every 1.3.6.1.4.1.57264.1.N
/// starts with.
const FULCIO_ARC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01];

/// N of an OID 1.3.6.1.4.1.57264.1.N (DER content octets), if it is one.
fn fulcio_arc(oid: &[u8]) -> Option<u32> {
    let last = oid.strip_prefix(FULCIO_ARC)?;
    // one base-128 arc: high bit set on every byte but the last, no leading 0x80
    let (&end, init) = last.split_last()?;
    if end & 0x80 != 0 || init.iter().any(|b| b & 0x80 == 0) || init.first() == Some(&0x80) {
        return None;
    }
    last.iter().try_fold(0u32, |n, &b| {
        n.checked_mul(128)?.checked_add(u32::from(b & 0x7f))
    })
}
/// Fulcio otherName SAN type for usernames (1.3.6.1.4.1.57264.1.7).
const OID_FULCIO_OTHERNAME: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");

/// What a certificate is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    CodeSigning,
    TimeStamping,
}

impl Purpose {
    fn webpki_oid(self) -> &'static [u8] {
        match self {
            Purpose::CodeSigning => EKU_CODE_SIGNING,
            Purpose::TimeStamping => EKU_TIME_STAMPING,
        }
    }

    fn oid(self) -> ObjectIdentifier {
        match self {
            Purpose::CodeSigning => OID_EKU_CODE_SIGNING,
            Purpose::TimeStamping => OID_EKU_TIME_STAMPING,
        }
    }
}

/// The raw fields of a certificate's TBSCertificate that sigverify reads without a full decode
/// (RFC 5280 §4.1): each a whole DER TLV, found by walking the structure.
struct RawTbs<'a> {
    /// The TBSCertificate's content octets.
    content: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    /// The `[3]` extensions TLV and where it starts in `content`.
    extensions: Option<(usize, &'a [u8])>,
}

impl<'a> RawTbs<'a> {
    fn of(cert_der: &'a [u8]) -> Option<RawTbs<'a>> {
        // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        let cert = Tlv::read_all(cert_der).filter(|t| t.tag == tag::SEQUENCE)?;
        let (tbs, _) = Tlv::read(cert.content)?;
        if tbs.tag != tag::SEQUENCE {
            return None;
        }
        let content = tbs.content;
        let mut rest = content;
        // The next field if its tag is `want`: its whole TLV.
        let mut next = |want| Tlv::read_if(&mut rest, want).map(|t| t.raw);
        let _version = next(tag::CONSTRUCTED_0);
        next(tag::INTEGER)?; // serialNumber
        next(tag::SEQUENCE)?; // signature
        let issuer = next(tag::SEQUENCE)?;
        next(tag::SEQUENCE)?; // validity
        let subject = next(tag::SEQUENCE)?;
        let spki = next(tag::SEQUENCE)?;
        let _issuer_uid = next(tag::CONTEXT_1);
        let _subject_uid = next(tag::CONTEXT_2);
        let at = content.len() - rest.len();
        let extensions = Tlv::read_if(&mut rest, tag::CONSTRUCTED_3).map(|e| (at, e.raw));
        rest.is_empty().then_some(RawTbs {
            content,
            issuer,
            subject,
            spki,
            extensions,
        })
    }

    /// RFC 6962 §3.2: the precertificate's TBSCertificate is this one without the embedded SCT
    /// list extension, re-encoded. Every other byte is kept as the certificate has it (for DER,
    /// byte for byte what decoding and re-encoding gives; a certificate that is not strict DER
    /// keeps its encoding, which can only make its SCT fail). `None` when there is no such
    /// extension or the DER is not as RFC 5280 has it.
    fn without_sct_list(&self) -> Option<Vec<u8>> {
        let (at, ext_tlv) = self.extensions?;
        // extensions [3] EXPLICIT SEQUENCE SIZE (1..MAX) OF Extension
        let seq = Tlv::read_all(ext_tlv)?;
        let list = Tlv::read_all(seq.content).filter(|t| t.tag == tag::SEQUENCE)?;
        let mut list = list.content;
        let mut kept = Vec::with_capacity(list.len());
        let mut found = false;
        while !list.is_empty() {
            // Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, ... }
            let ext = Tlv::read_if(&mut list, tag::SEQUENCE)?;
            let (oid, _) = Tlv::read(ext.content)?;
            if oid.tag != tag::OID {
                return None;
            }
            if oid.content == OID_SCT_LIST.as_bytes() {
                found = true;
            } else {
                kept.extend_from_slice(ext.raw);
            }
        }
        if !found {
            return None;
        }
        let mut seq = Vec::with_capacity(kept.len() + 4);
        write_header(&mut seq, tag::SEQUENCE, kept.len());
        seq.extend_from_slice(&kept);
        let before = self.content.get(..at)?;
        let mut content = Vec::with_capacity(before.len() + seq.len() + 4);
        content.extend_from_slice(before);
        write_header(&mut content, tag::CONSTRUCTED_3, seq.len());
        content.extend_from_slice(&seq);
        let mut tbs = Vec::with_capacity(content.len() + 4);
        write_header(&mut tbs, tag::SEQUENCE, content.len());
        tbs.extend_from_slice(&content);
        Some(tbs)
    }
}

/// True when the DER is a certificate whose issuer equals its subject (a root). DER names are
/// equal exactly when their encodings are.
pub(crate) fn is_self_issued(der: &[u8]) -> bool {
    RawTbs::of(der).is_some_and(|t| t.issuer == t.subject)
}

/// A person's description of a webpki path-validation error.
fn describe_webpki_error(e: &webpki::Error, purpose: Purpose) -> String {
    let debug = format!("{e:?}");
    let what = if debug.starts_with("RequiredEkuNotFound") {
        format!(
            "the certificate's extendedKeyUsage does not include {}",
            match purpose {
                Purpose::CodeSigning => "codeSigning (1.3.6.1.5.5.7.3.3)",
                Purpose::TimeStamping => "timeStamping (1.3.6.1.5.5.7.3.8)",
            }
        )
    } else if debug.starts_with("CertExpired") {
        "the certificate had expired at the verified time".to_owned()
    } else if debug.starts_with("CertNotValidYet") {
        "the certificate was not yet valid at the verified time".to_owned()
    } else if debug.starts_with("UnknownIssuer") {
        "the certificate is not issued by this authority".to_owned()
    } else if debug.starts_with("BadSignature") || debug.starts_with("InvalidSignatureForPublicKey")
    {
        "the certificate's signature does not verify with the authority's key".to_owned()
    } else if debug.starts_with("UnsupportedCriticalExtension") {
        "the certificate has a critical extension sigverify does not understand".to_owned()
    } else if debug.starts_with("CaUsedAsEndEntity") {
        "a CA certificate is used as the signing certificate".to_owned()
    } else {
        return debug;
    };
    format!("{what} ({debug})")
}

/// The certificate's public key (to tell which digests it signs), if it parses.
pub(crate) fn leaf_public_key(der: &[u8]) -> Option<PublicKey> {
    RawTbs::of(der).and_then(|t| PublicKey::from_spki_der(t.spki, Backend::default()).ok())
}

/// The issuer Name (DER) of a certificate.
pub(crate) fn issuer_name_der(der: &[u8]) -> Option<Vec<u8>> {
    RawTbs::of(der).map(|t| t.issuer.to_vec())
}

fn cert_err(which: &str, reason: impl Into<String>) -> Error {
    Error::InvalidCertificate {
        which: which.to_owned(),
        reason: reason.into(),
    }
}

/// The subject alternative name that identifies the signer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum San {
    /// A URI (CI workflows: `https://github.com/OWNER/REPO/.github/workflows/F.yml@REF`).
    Uri(String),
    /// An email address.
    Email(String),
    /// A Fulcio otherName (1.3.6.1.4.1.57264.1.7), e.g. a username.
    OtherName(String),
}

impl San {
    /// The value as a string.
    pub fn value(&self) -> &str {
        match self {
            San::Uri(s) | San::Email(s) | San::OtherName(s) => s,
        }
    }

    /// "uri", "email" or "otherName".
    pub fn kind(&self) -> &'static str {
        match self {
            San::Uri(_) => "uri",
            San::Email(_) => "email",
            San::OtherName(_) => "otherName",
        }
    }
}

/// The parts of a leaf certificate that verification needs.
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    pub(crate) der: Vec<u8>,
    pub(crate) key: PublicKey,
    pub(crate) validity: Window,
    pub(crate) san: Option<San>,
    /// Fulcio extensions by N of their OID 1.3.6.1.4.1.57264.1.N, decoded to text.
    pub(crate) fulcio: BTreeMap<u32, String>,
    /// The raw SCT list extension value (the TLS-encoded list), if present.
    pub(crate) sct_list: Option<Vec<u8>>,
    /// TBSCertificate DER without the SCT list extension (RFC 6962 §3.2 precertificate TBS).
    pub(crate) precert_tbs: Option<Vec<u8>>,
    /// The issuer Name, DER (to find the issuing CA).
    pub(crate) issuer_der: Vec<u8>,
}

fn validity(cert: &Certificate) -> Window {
    let v = &cert.tbs_certificate.validity;
    let nb = v.not_before.to_unix_duration().as_secs() as i64;
    let na = v.not_after.to_unix_duration().as_secs() as i64;
    Window {
        start: nb,
        end: Some(na),
    }
}

impl Leaf {
    /// Parses the signing certificate (DER).
    pub(crate) fn parse(der: &[u8], backend: Backend) -> Result<Leaf, Error> {
        let which = "signing certificate";
        let cert = Certificate::from_der(der)
            .map_err(|e| cert_err(which, format!("not a DER X.509 certificate: {e}")))?;
        let tbs = &cert.tbs_certificate;
        let raw = RawTbs::of(der)
            .ok_or_else(|| cert_err(which, "the TBSCertificate is not DER as RFC 5280 has it"))?;
        let key = PublicKey::from_spki_der(raw.spki, backend)?;
        let mut san = None;
        let mut fulcio = BTreeMap::new();
        let mut sct_list = None;
        for ext in tbs.extensions.iter().flatten() {
            let oid = ext.extn_id;
            let value = ext.extn_value.as_bytes();
            if oid == <SubjectAltName as const_oid::AssociatedOid>::OID {
                let names = SubjectAltName::from_der(value)
                    .map_err(|e| cert_err(which, format!("bad SubjectAltName: {e}")))?;
                san = names.0.iter().find_map(|n| match n {
                    GeneralName::UniformResourceIdentifier(u) => Some(San::Uri(u.to_string())),
                    GeneralName::Rfc822Name(e) => Some(San::Email(e.to_string())),
                    GeneralName::OtherName(o) if o.type_id == OID_FULCIO_OTHERNAME => o
                        .value
                        .decode_as::<der::asn1::Utf8StringRef<'_>>()
                        .ok()
                        .map(|s| San::OtherName(s.as_str().to_owned())),
                    _ => None,
                });
            } else if oid == OID_SCT_LIST {
                let inner = der::asn1::OctetStringRef::from_der(value)
                    .map_err(|e| cert_err(which, format!("bad SCT list extension: {e}")))?;
                sct_list = Some(inner.as_bytes().to_vec());
            } else if let Some(n) = fulcio_arc(oid.as_bytes()) {
                let text = match n {
                    // 1.1 to 1.6 are the deprecated raw-string extensions.
                    1..=6 => String::from_utf8(value.to_vec()).ok(),
                    // 1.8 and later are DER UTF8Strings.
                    _ => der::asn1::Utf8StringRef::from_der(value)
                        .ok()
                        .map(|u| u.as_str().to_owned()),
                };
                if let Some(t) = text {
                    fulcio.insert(n, t);
                }
            }
        }
        let precert_tbs = match sct_list {
            Some(_) => Some(raw.without_sct_list().ok_or_else(|| {
                cert_err(which, "cannot take the SCT list out of the TBSCertificate")
            })?),
            None => None,
        };
        Ok(Leaf {
            der: der.to_vec(),
            key,
            validity: validity(&cert),
            san,
            fulcio,
            sct_list,
            precert_tbs,
            issuer_der: raw.issuer.to_vec(),
        })
    }

    /// The OIDC issuer: extension 1.3.6.1.4.1.57264.1.8, else the legacy 1.1.
    pub(crate) fn issuer(&self) -> Option<&str> {
        self.fulcio
            .get(&8)
            .or_else(|| self.fulcio.get(&1))
            .map(String::as_str)
    }
}

/// What a SignerIdentifier (RFC 5652 §5.3) can name a certificate by. Here, with the
/// certificates it names, so that a timestamp authority's chain can carry its own
/// ([`AuthorityChain::first_id`]) without this module depending on `timestamp`.
#[derive(Clone, Debug)]
pub(crate) struct SignerId {
    issuer: Vec<u8>,
    serial: Vec<u8>,
    ski: Option<Vec<u8>>,
}

impl SignerId {
    pub(crate) fn of(cert: &Certificate) -> Option<SignerId> {
        Some(SignerId {
            issuer: cert.tbs_certificate.issuer.to_der().ok()?,
            serial: cert.tbs_certificate.serial_number.as_bytes().to_vec(),
            ski: cert
                .tbs_certificate
                .extensions
                .iter()
                .flatten()
                .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER)
                .and_then(|e| der::asn1::OctetStringRef::from_der(e.extn_value.as_bytes()).ok())
                .map(|o| o.as_bytes().to_vec()),
        })
    }

    /// Does the SignerIdentifier name this certificate?
    pub(crate) fn matches(&self, sid: &Tlv<'_>) -> bool {
        match sid.tag {
            // issuerAndSerialNumber
            tag::SEQUENCE => {
                let Some(parts) = sid.children() else {
                    return false;
                };
                let (Some(issuer), Some(serial)) = (parts.first(), parts.get(1)) else {
                    return false;
                };
                self.issuer == issuer.raw
                    && serial.tag == tag::INTEGER
                    && self.serial == serial.content
            }
            // [0] subjectKeyIdentifier
            tag::CONTEXT_0 => self.ski.as_deref() == Some(sid.content),
            _ => false,
        }
    }
}

/// A certificate authority (Fulcio) or timestamp authority of the trusted root, validated once.
#[derive(Debug)]
pub(crate) struct AuthorityChain {
    pub(crate) uri: String,
    /// The issuing certificate (for a TSA: the TSA's signing certificate), DER.
    pub(crate) first: Vec<u8>,
    /// The key of `first`.
    pub(crate) first_key: PublicKey,
    /// `first` as a webpki trust anchor.
    anchor: rustls_pki_types::TrustAnchor<'static>,
    /// Every certificate's validity and the authority's validFor, intersected.
    pub(crate) window: Window,
    /// The authority's own `validFor`.
    pub(crate) valid_for: Window,
    /// The next certificate up (for TSAs whose token carries a leaf that this chain issued).
    parent_anchor: Option<rustls_pki_types::TrustAnchor<'static>>,
    /// Each certificate above `first` as a trust anchor, when it can be one (index `i` is
    /// certificate `i + 1`): a Fulcio leaf may be issued by any certificate of the chain.
    upper_anchors: Vec<Option<rustls_pki_types::TrustAnchor<'static>>>,
    /// Each certificate's Subject Name DER, as encoded (`None` if not strict DER).
    subjects: Vec<Option<Vec<u8>>>,
    /// `windows[i]`: the validity of certificates `i..` and the authority's validFor,
    /// intersected (the window of a path whose leaf certificate `i` issued).
    windows: Vec<Window>,
    /// Every certificate of the chain, DER.
    all_certs: Vec<Vec<u8>>,
    /// How a CMS SignerIdentifier names `first` (for timestamp authorities).
    pub(crate) first_id: SignerId,
    /// The trusted root field (`certificateAuthorities[i]`, ...), for errors.
    field: String,
    /// Every certificate's key, in chain order.
    keys: Vec<PublicKey>,
    /// Whether each certificate's signature by the next verifies: checked the first time a
    /// bundle needs this authority ([`AuthorityChain::chain_signatures`]), then remembered, so
    /// that building a verifier does no signature work for authorities a command never uses.
    /// Set at once for the embedded roots (constant data, checked by the tests).
    chain_signatures: std::sync::OnceLock<Result<(), String>>,
}

fn check_sig(child: &Certificate, parent_key: &PublicKey, backend: Backend) -> bool {
    let Ok(tbs) = child.tbs_certificate.to_der() else {
        return false;
    };
    let Some(scheme) =
        SigScheme::from_signature_oid(&child.signature_algorithm.oid, parent_key.key_type())
    else {
        return false;
    };
    let Some(sig) = child.signature.as_bytes() else {
        return false;
    };
    parent_key.verify(backend, scheme, &tbs, sig)
}

fn ext<'a, T: Decode<'a> + const_oid::AssociatedOid>(c: &'a Certificate) -> Option<T> {
    c.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == T::OID)
        .and_then(|e| T::from_der(e.extn_value.as_bytes()).ok())
}

impl AuthorityChain {
    /// Validates an authority's chain from the trusted root: each certificate is signed by the
    /// next (RFC 5280 §6.1.3), every certificate above the first is a CA allowed to sign
    /// certificates with a path length that admits the chain below it (§4.2.1.9, §4.2.1.3), the
    /// first is a CA (Fulcio) or a TSA signer with EKU timeStamping (RFC 3161 §2.3), and any EKU
    /// an issuing certificate carries allows the purpose.
    ///
    /// The certificate signatures are checked later, on first use
    /// ([`AuthorityChain::chain_signatures`]). `check_signatures`: false only for the embedded
    /// roots, whose certificate signatures are constant data verified by the tests
    /// (`trust_root::tests::embedded_chains_verify`).
    pub(crate) fn new(
        field: &str,
        auth: &AuthorityInfo,
        purpose: Purpose,
        backend: Backend,
        check_signatures: bool,
    ) -> Result<AuthorityChain, Error> {
        let bad = |reason: String| Error::InvalidTrustedRoot {
            field: field.to_owned(),
            reason,
        };
        let certs = auth
            .certs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                Certificate::from_der(d)
                    .map_err(|e| bad(format!("certificate {i} does not parse: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let keys = certs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let spki = c
                    .tbs_certificate
                    .subject_public_key_info
                    .to_der()
                    .map_err(|e| bad(e.to_string()))?;
                PublicKey::from_spki_der(&spki, backend)
                    .map_err(|e| bad(format!("certificate {i}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut windows = vec![auth.valid_for; certs.len()];
        let mut above = auth.valid_for;
        for (i, c) in certs.iter().enumerate().rev() {
            above = above.intersect(&validity(c));
            if let Some(w) = windows.get_mut(i) {
                *w = above;
            }
        }
        let window = windows.first().copied().unwrap_or(auth.valid_for);
        for (i, c) in certs.iter().enumerate() {
            let is_first = i == 0;
            let must_be_ca = !(is_first && purpose == Purpose::TimeStamping);
            if must_be_ca {
                let bc: Option<BasicConstraints> = ext(c);
                match bc {
                    Some(bc) if bc.ca => {
                        // CA certificates below this one in the chain (RFC 5280 §4.2.1.9
                        // counts intermediates, not the end entity: a TSA chain starts with
                        // its end-entity signing certificate).
                        let below = if purpose == Purpose::TimeStamping {
                            i.saturating_sub(1)
                        } else {
                            i
                        };
                        let below = u8::try_from(below).unwrap_or(u8::MAX);
                        if let Some(p) = bc.path_len_constraint {
                            if i > 0 && p < below {
                                return Err(bad(format!(
                                    "certificate {i}: pathLenConstraint {p} forbids the {below} CA certificate(s) below it"
                                )));
                            }
                        }
                    }
                    _ => {
                        return Err(bad(format!(
                            "certificate {i} is not a CA (basicConstraints cA)"
                        )))
                    }
                }
                if let Some(ku) = ext::<KeyUsage>(c) {
                    if !ku.0.contains(KeyUsages::KeyCertSign) {
                        return Err(bad(format!("certificate {i}: keyUsage lacks keyCertSign")));
                    }
                }
                if let Some(eku) = ext::<ExtendedKeyUsage>(c) {
                    if !eku.0.contains(&purpose.oid()) {
                        return Err(bad(format!(
                            "certificate {i}: extendedKeyUsage does not allow {purpose:?}"
                        )));
                    }
                }
            } else {
                let eku: Option<ExtendedKeyUsage> = ext(c);
                if !eku.is_some_and(|e| e.0.contains(&OID_EKU_TIME_STAMPING)) {
                    return Err(bad("the TSA certificate lacks EKU timeStamping".into()));
                }
            }
            if let Some(parent) = certs.get(i + 1) {
                if c.tbs_certificate.issuer != parent.tbs_certificate.subject {
                    return Err(bad(format!(
                        "certificate {i} is not issued by certificate {}",
                        i + 1
                    )));
                }
            }
        }
        let first_der = auth
            .certs
            .first()
            .ok_or_else(|| bad("no certificates".into()))?;
        let first = certs.first().ok_or_else(|| bad("no certificates".into()))?;
        let anchor = webpki::anchor_from_trusted_cert(&CertificateDer::from(first_der.as_slice()))
            .map_err(|e| {
                bad(format!(
                    "certificate 0 is not usable as a trust anchor: {e:?}"
                ))
            })?
            .to_owned();
        let parent_anchor = match auth.certs.get(1) {
            Some(d) => Some(
                webpki::anchor_from_trusted_cert(&CertificateDer::from(d.as_slice()))
                    .map_err(|e| {
                        bad(format!(
                            "certificate 1 is not usable as a trust anchor: {e:?}"
                        ))
                    })?
                    .to_owned(),
            ),
            None => None,
        };
        let upper_anchors = auth
            .certs
            .iter()
            .skip(1)
            .map(|d| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(d.as_slice()))
                    .ok()
                    .map(|a| a.to_owned())
            })
            .collect();
        // as encoded, like the leaves' issuer names they are compared with (and as webpki
        // compares names)
        let subjects: Vec<Option<Vec<u8>>> = auth
            .certs
            .iter()
            .map(|d| RawTbs::of(d).map(|t| t.subject.to_vec()))
            .collect();
        if subjects.first().is_none_or(Option::is_none) {
            return Err(bad("certificate 0 is not DER as RFC 5280 has it".into()));
        }
        Ok(AuthorityChain {
            uri: auth.uri.clone(),
            first: first_der.clone(),
            first_key: keys
                .first()
                .cloned()
                .ok_or_else(|| bad("no certificates".into()))?,
            anchor,
            window,
            valid_for: auth.valid_for,
            parent_anchor,
            upper_anchors,
            subjects,
            windows,
            all_certs: auth.certs.clone(),
            first_id: SignerId::of(first)
                .ok_or_else(|| bad("certificate 0 cannot be re-encoded".into()))?,
            field: field.to_owned(),
            keys,
            chain_signatures: if check_signatures {
                std::sync::OnceLock::new()
            } else {
                std::sync::OnceLock::from(Ok(()))
            },
        })
    }

    /// RFC 5280 §6.1.3 (a)(1) within the trusted root: each certificate of the chain is signed
    /// by the next. Checked once, the first time it is asked (a bundle that uses this
    /// authority, or [`crate::Verifier::check_trusted_root`]); the answer is remembered.
    pub(crate) fn chain_signatures(&self, backend: Backend) -> Result<(), Error> {
        self.chain_signatures
            .get_or_init(|| self.check_links(backend, true))
            .clone()
            .map_err(|reason| Error::InvalidTrustedRoot {
                field: self.field.clone(),
                reason,
            })
    }

    /// Each certificate's signature by the next; `skip_embedded`: links of the embedded roots
    /// are known to verify ([`crate::trust_root::is_embedded_link`]; the tests check them with
    /// `skip_embedded` false).
    pub(crate) fn check_links(&self, backend: Backend, skip_embedded: bool) -> Result<(), String> {
        for (i, (der, parent_key)) in self
            .all_certs
            .iter()
            .zip(self.keys.iter().skip(1))
            .enumerate()
        {
            let parent = self.all_certs.get(i + 1).map_or(&[][..], Vec::as_slice);
            if skip_embedded && crate::trust_root::is_embedded_link(der, parent) {
                continue;
            }
            let c = Certificate::from_der(der)
                .map_err(|e| format!("certificate {i} does not parse: {e}"))?;
            if !check_sig(&c, parent_key, backend) {
                return Err(format!(
                    "certificate {i}: signature by certificate {} does not verify",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    /// The positions in the chain of the certificates whose subject is `issuer` (the leaf's
    /// Issuer Name DER), lowest first: the certificates that may have issued the leaf.
    ///
    /// RFC 5280 §6.1 lets a path end at any certificate of the authority's chain, and
    /// sigstore-go does so (`FulcioCertificateAuthority.Verify`: the last certificate is the
    /// root pool, every other one an intermediate, and Go's path building may start from any
    /// of them). GitHub's instance issues leaves from the chain's second certificate
    /// ("Fulcio Intermediate l1", above the "l2" that comes first), e.g. its release
    /// attestations.
    pub(crate) fn issuer_positions<'s>(
        &'s self,
        issuer: &'s [u8],
    ) -> impl Iterator<Item = usize> + 's {
        self.subjects
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.as_deref() == Some(issuer))
            .map(|(i, _)| i)
    }

    /// The key of the chain's certificate at `pos` (the issuer of a leaf, for its SCTs).
    pub(crate) fn key_at(&self, pos: usize) -> Option<&PublicKey> {
        self.keys.get(pos)
    }

    /// RFC 5280 §6.1 path validation of an end-entity certificate directly issued by this
    /// authority's certificate at `pos` (0: the first; a TSA's token signer: 1, the first's
    /// issuer), at time `t`, for `purpose` (EKU required). The certificates between are not
    /// part of the path; those above `pos` are checked when the authority is built.
    pub(crate) fn verify_leaf(
        &self,
        leaf_der: &[u8],
        t: i64,
        purpose: Purpose,
        backend: Backend,
        pos: usize,
    ) -> Result<(), String> {
        let cert = CertificateDer::from(leaf_der);
        let ee = webpki::EndEntityCert::try_from(&cert).map_err(|e| format!("{e:?}"))?;
        let anchor = match pos {
            0 => &self.anchor,
            1 => self.parent_anchor.as_ref().ok_or("no parent certificate")?,
            _ => self
                .upper_anchors
                .get(pos - 1)
                .and_then(Option::as_ref)
                .ok_or("the issuing certificate is not usable as a trust anchor")?,
        };
        let issuer_key = self.keys.get(pos).ok_or("no such certificate")?;
        let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(t).map_err(|_| "negative time")?,
        ));
        let algs = crate::crypto::webpki_algs::with_issuer_key(backend, issuer_key);
        let algs: [&dyn rustls_pki_types::SignatureVerificationAlgorithm; 12] =
            algs.each_ref().map(|a| a as _);
        ee.verify_for_usage(
            &algs,
            std::slice::from_ref(anchor),
            &[],
            time,
            webpki::KeyUsage::required(purpose.webpki_oid()),
            None,
            None,
        )
        .map(|_| ())
        .map_err(|e| describe_webpki_error(&e, purpose))
    }

    /// Is this DER one of the authority's certificates?
    pub(crate) fn contains_cert(&self, der: &[u8]) -> bool {
        self.all_certs.iter().any(|c| c.as_slice() == der)
    }

    /// Checks `t` against the authority's validFor and every chain certificate's validity.
    pub(crate) fn check_time(&self, check: Check, what: &str, t: i64) -> Result<(), Error> {
        self.check_time_at(check, what, t, 0)
    }

    /// Checks `t` against the authority's validFor and the validity of the chain's
    /// certificates from `pos` up (those of a path whose leaf the certificate at `pos` issued).
    pub(crate) fn check_time_at(
        &self,
        check: Check,
        what: &str,
        t: i64,
        pos: usize,
    ) -> Result<(), Error> {
        let window = self.windows.get(pos).copied().unwrap_or(self.window);
        if !self.valid_for.contains(t) {
            return Err(Error::TimeOutsideValidity {
                check,
                what: format!("{what} {} (validFor in the trusted root)", self.uri),
                time: format_time(t),
                window: self.valid_for.to_string(),
            });
        }
        if !window.contains(t) {
            return Err(Error::TimeOutsideValidity {
                check,
                what: format!("{what} {} (certificate chain validity)", self.uri),
                time: format_time(t),
                window: window.to_string(),
            });
        }
        Ok(())
    }
}

/// What a private-PKI chain ([`verify_private_chain`]) established.
#[derive(Clone, Debug)]
pub(crate) struct PrivateChain {
    /// The signing certificate's key.
    pub(crate) key: PublicKey,
    /// The signing certificate's subject (RFC 4514).
    pub(crate) subject: String,
    /// Its subject alternative name, if any.
    pub(crate) san: Option<San>,
    /// The path, signing certificate first, the caller's self-signed root last (DER).
    pub(crate) path: Vec<Vec<u8>>,
    /// The time the path was validated at: the signing certificate's notBefore.
    pub(crate) time: i64,
}

/// One certificate of a private PKI, parsed.
struct PkiCert {
    der: Vec<u8>,
    cert: Certificate,
    key: PublicKey,
    /// One of the caller's certificates (a trust anchor when self-signed).
    trusted: bool,
}

impl PkiCert {
    fn parse(which: &str, der: &[u8], trusted: bool, backend: Backend) -> Result<PkiCert, Error> {
        let cert = Certificate::from_der(der)
            .map_err(|e| cert_err(which, format!("not a DER X.509 certificate: {e}")))?;
        let raw =
            RawTbs::of(der).ok_or_else(|| cert_err(which, "the TBSCertificate is not DER"))?;
        let key = PublicKey::from_spki_der(raw.spki, backend)
            .map_err(|e| cert_err(which, format!("its public key: {e}")))?;
        Ok(PkiCert {
            der: der.to_vec(),
            cert,
            key,
            trusted,
        })
    }

    fn subject(&self) -> String {
        self.cert.tbs_certificate.subject.to_string()
    }

    fn names(&self) -> (&[u8], &[u8]) {
        RawTbs::of(&self.der).map_or((&[][..], &[][..]), |t| (t.issuer, t.subject))
    }

    /// RFC 5280 §6.1.3 (a)(2): within its validity at `t`.
    fn check_time(&self, what: &str, t: i64) -> Result<(), Error> {
        let w = validity(&self.cert);
        if w.contains(t) {
            Ok(())
        } else {
            Err(Error::TimeOutsideValidity {
                check: Check::Certificate,
                what: format!("{what} {}", self.subject()),
                time: format_time(t),
                window: w.to_string(),
            })
        }
    }

    /// RFC 5280 §4.2: a certificate with a critical extension the verifier does not process
    /// must be refused. Processed here: basicConstraints, keyUsage, extendedKeyUsage,
    /// subjectAltName; certificatePolicies is accepted without policy processing (as OpenSSL
    /// does by default).
    fn check_critical(&self, what: &str) -> Result<(), Error> {
        use const_oid::db::rfc5280 as o;
        let known = [
            o::ID_CE_BASIC_CONSTRAINTS,
            o::ID_CE_KEY_USAGE,
            o::ID_CE_EXT_KEY_USAGE,
            o::ID_CE_SUBJECT_ALT_NAME,
            o::ID_CE_CERTIFICATE_POLICIES,
        ];
        match self
            .cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.critical && !known.contains(&e.extn_id))
        {
            Some(e) => Err(Error::CertificateChain {
                reason: format!(
                    "{what} {} has a critical extension {} that sigverify does not process",
                    self.subject(),
                    e.extn_id
                ),
            }),
            None => Ok(()),
        }
    }

    /// RFC 5280 §6.1.4 (k), (l), (n): an issuer is a CA (basicConstraints cA), its path length
    /// admits the `below` CA certificates under it, and a keyUsage it carries has keyCertSign.
    fn check_issuer(&self, below: usize) -> Result<(), String> {
        match ext::<BasicConstraints>(&self.cert) {
            Some(bc) if bc.ca => {
                if let Some(p) = bc.path_len_constraint {
                    if usize::from(p) < below {
                        return Err(format!(
                            "pathLenConstraint {p} forbids the {below} CA certificate(s) below it"
                        ));
                    }
                }
            }
            _ => return Err("it is not a CA (basicConstraints cA)".into()),
        }
        if let Some(ku) = ext::<KeyUsage>(&self.cert) {
            if !ku.0.contains(KeyUsages::KeyCertSign) {
                return Err("its keyUsage lacks keyCertSign".into());
            }
        }
        Ok(())
    }

    /// Self-signed: its issuer is its subject and its own key verifies its signature.
    fn is_self_signed(&self, backend: Backend) -> bool {
        let (issuer, subject) = self.names();
        issuer == subject && check_sig(&self.cert, &self.key, backend)
    }
}

/// RFC 5280 §6.1 path validation in a private PKI, as OpenSSL's default verification (what
/// OpenSSF model signing's `certificate` method runs): from the signing certificate, through
/// issuers among the caller's certificates and the bundle's (never trusted on their own), to
/// a self-signed certificate the caller gave. Every issuer is a CA with keyCertSign (if it has
/// a keyUsage) and a path length that admits the path; no certificate has a critical
/// extension that is not processed; each is valid at the one time there is without a
/// timestamp, the signing certificate's notBefore (model_signing validates at that time too).
/// The signing certificate must allow signing: keyUsage digitalSignature or
/// extendedKeyUsage codeSigning (model_signing's rule; no EKU is required of the issuers).
///
/// Only the model-signing `certificate` method calls this: Sigstore certificates are validated
/// against Fulcio by [`AuthorityChain::verify_leaf`].
pub(crate) fn verify_private_chain(
    leaf_der: &[u8],
    untrusted: &[Vec<u8>],
    trusted: &[Vec<u8>],
    backend: Backend,
) -> Result<PrivateChain, Error> {
    let leaf_trusted = trusted.iter().any(|c| c.as_slice() == leaf_der);
    let leaf = PkiCert::parse("signing certificate", leaf_der, leaf_trusted, backend)?;
    let mut pool = Vec::with_capacity(trusted.len() + untrusted.len());
    for (i, der) in trusted.iter().enumerate() {
        pool.push(PkiCert::parse(
            &format!("CA certificate {i}"),
            der,
            true,
            backend,
        )?);
    }
    for (i, der) in untrusted.iter().enumerate() {
        pool.push(PkiCert::parse(
            &format!(
                "verificationMaterial.x509CertificateChain.certificates[{}]",
                i + 1
            ),
            der,
            false,
            backend,
        )?);
    }
    let t = validity(&leaf.cert).start;
    leaf.check_time("the signing certificate", t)?;
    leaf.check_critical("the signing certificate")?;
    // model_signing: keyUsage digitalSignature, else extendedKeyUsage codeSigning.
    let signs = ext::<KeyUsage>(&leaf.cert)
        .is_some_and(|k| k.0.contains(KeyUsages::DigitalSignature))
        || ext::<ExtendedKeyUsage>(&leaf.cert).is_some_and(|e| e.0.contains(&OID_EKU_CODE_SIGNING));
    if !signs {
        return Err(Error::CertificateChain {
            reason: format!(
                "the signing certificate {} allows neither keyUsage digitalSignature nor extendedKeyUsage codeSigning",
                leaf.subject()
            ),
        });
    }
    let mut path: Vec<&PkiCert> = vec![&leaf];
    while let Some(&cur) = path.last() {
        if cur.trusted && cur.is_self_signed(backend) {
            return Ok(PrivateChain {
                key: leaf.key.clone(),
                subject: leaf.subject(),
                san: Leaf::parse(leaf_der, backend).ok().and_then(|l| l.san),
                path: path.iter().map(|c| c.der.clone()).collect(),
                time: t,
            });
        }
        if path.len() > crate::limits::MAX_CHAIN_CERTS {
            return Err(Error::CertificateChain {
                reason: format!(
                    "no path of at most {} certificates to a CA certificate given by the caller",
                    crate::limits::MAX_CHAIN_CERTS
                ),
            });
        }
        let (issuer_name, _) = cur.names();
        // Below the candidate: the CA certificates already in the path (not the signing one).
        let below = path.len() - 1;
        let mut reason = None;
        // The caller's certificates first: they are listed first in `pool`.
        let next = pool.iter().find(|c| {
            let (_, subject) = c.names();
            if subject != issuer_name || path.iter().any(|p| p.der == c.der) {
                return false;
            }
            let ok = if !check_sig(&cur.cert, &c.key, backend) {
                Err(format!(
                    "the signature of {} by {} does not verify",
                    cur.subject(),
                    c.subject()
                ))
            } else {
                c.check_issuer(below)
                    .map_err(|r| format!("the issuer {}: {r}", c.subject()))
            };
            match ok {
                Ok(()) => true,
                Err(r) => {
                    reason.get_or_insert(r);
                    false
                }
            }
        });
        let Some(next) = next else {
            return Err(Error::CertificateChain {
                reason: reason.unwrap_or_else(|| {
                    format!(
                        "{} is not issued by a CA certificate given by the caller{}",
                        cur.subject(),
                        if pool.iter().any(|c| c.trusted) {
                            " (nor by one of the bundle's chain that leads to one)"
                        } else {
                            ": no CA certificate was given"
                        }
                    )
                }),
            });
        };
        next.check_time("the CA certificate", t)?;
        next.check_critical("the CA certificate")?;
        path.push(next);
    }
    Err(Error::CertificateChain {
        reason: "empty certificate path".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigverify_testkit::x509 as tk;

    #[test]
    fn fulcio_arc_numbers() {
        let n = |s: &str| fulcio_arc(ObjectIdentifier::new_unwrap(s).as_bytes());
        assert_eq!(n("1.3.6.1.4.1.57264.1.1"), Some(1));
        assert_eq!(n("1.3.6.1.4.1.57264.1.8"), Some(8));
        assert_eq!(n("1.3.6.1.4.1.57264.1.22"), Some(22));
        assert_eq!(n("1.3.6.1.4.1.57264.1.200"), Some(200));
        assert_eq!(n("1.3.6.1.4.1.57264.1.70000"), Some(70000));
        assert_eq!(n("1.3.6.1.4.1.57264.1"), None);
        assert_eq!(n("1.3.6.1.4.1.57264.2.1"), None);
        assert_eq!(n("1.3.6.1.4.1.57264.1.8.1"), None);
        assert_eq!(n("1.3.6.1.4.1.11129.2.4.2"), None);
        // not minimal (leading 0x80), and a last arc too large for u32
        assert_eq!(fulcio_arc(&[FULCIO_ARC, &[0x80, 0x01]].concat()), None);
        assert_eq!(
            fulcio_arc(&[FULCIO_ARC, &[0xff; 5], &[0x7f]].concat()),
            None
        );
    }

    /// A leaf with extensions around an SCT list, long enough for multi-byte DER lengths.
    fn leaf_with(exts_sct: bool) -> (Certificate, Vec<u8>) {
        let root = tk::root_ca("x509-test-root", tk::name("sigverify", "root"));
        let key = sigverify_testkit::keys::EcKey::derive("x509-test-leaf");
        let mut exts = vec![tk::raw_ext(
            ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.200"),
            false,
            vec![b'x'; 300],
        )];
        if exts_sct {
            exts.push(sigverify_testkit::ct::sct_list_extension(&[vec![7u8; 200]]));
        }
        exts.push(tk::utf8_ext(
            ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8"),
            "https://issuer.example",
        ));
        let t = tk::tbs(
            "x509-test-leaf",
            &(&root).into(),
            tk::name("sigverify", "leaf"),
            &key.spki_der,
            tk::CA_NOT_BEFORE,
            tk::CA_NOT_AFTER,
            exts,
        );
        tk::sign_tbs(t, &root.key)
    }

    /// The precertificate TBS taken out of the DER equals the one x509-cert re-encodes.
    #[test]
    fn precert_tbs_splice_matches_reencoding() {
        let (cert, der) = leaf_with(true);
        let mut want = cert.tbs_certificate.clone();
        if let Some(e) = want.extensions.as_mut() {
            e.retain(|e| e.extn_id != OID_SCT_LIST);
        }
        let want = want.to_der().unwrap();
        let raw = RawTbs::of(&der).unwrap();
        assert_eq!(raw.without_sct_list().unwrap(), want);
        assert_eq!(raw.issuer, cert.tbs_certificate.issuer.to_der().unwrap());
        assert_eq!(raw.subject, cert.tbs_certificate.subject.to_der().unwrap());
        let leaf = Leaf::parse(&der, Backend::default()).unwrap();
        assert_eq!(leaf.precert_tbs.as_deref(), Some(want.as_slice()));
        assert_eq!(leaf.sct_list.as_ref().map(Vec::len), Some(2 + 2 + 200));
        assert_eq!(leaf.issuer(), Some("https://issuer.example"));
        assert_eq!(
            leaf.fulcio.get(&200).map(String::len),
            None,
            "raw 1.200 is not a UTF8String"
        );

        let (_, der) = leaf_with(false);
        let raw = RawTbs::of(&der).unwrap();
        assert!(raw.without_sct_list().is_none());
        assert!(Leaf::parse(&der, Backend::default())
            .unwrap()
            .precert_tbs
            .is_none());
    }

    #[test]
    fn raw_tbs_names_and_malformed_der() {
        let root = tk::root_ca("x509-test-root", tk::name("sigverify", "root"));
        assert!(is_self_issued(&root.der));
        let (_, leaf) = leaf_with(true);
        assert!(!is_self_issued(&leaf));
        assert_eq!(
            issuer_name_der(&leaf).unwrap(),
            root.cert.tbs_certificate.subject.to_der().unwrap()
        );
        // every truncation, and trailing bytes, are refused
        for n in 0..leaf.len() {
            assert!(RawTbs::of(leaf.get(..n).unwrap()).is_none(), "{n}");
        }
        let mut long = leaf.clone();
        long.push(0);
        assert!(RawTbs::of(&long).is_none());
        assert!(!is_self_issued(&[0x30, 0x00]));
    }
}
