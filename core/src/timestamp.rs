//! RFC 3161 signed timestamps: a DER TimeStampResp whose token is a CMS SignedData (RFC 5652)
//! over a TSTInfo, signed by a timestamp authority of the trusted root.
//!
//! The CMS structure is walked by hand with a strict DER reader so that the signed attributes
//! are verified over the exact bytes the TSA signed (RFC 5652 §5.4: the DER of the attributes
//! with an explicit SET OF tag), never over a re-encoding.
//!
//! The certificates a token embeds (`SignedData.certificates`) are part of the token and are
//! read, every one: each must be a DER X.509 certificate, and the one the SignerInfo names
//! must be among them and be a trusted TSA's signing certificate byte for byte, or be issued by
//! that TSA's issuer and valid at genTime; it is never swapped for the trusted root's copy. A
//! token that embeds no certificate is verified with the TSA's certificate from the trusted root.

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;

use crate::crypto::{Backend, HashAlg, PublicKey, SigScheme};
use crate::der::{tag, Tlv};
use crate::error::{Check, Error};
use crate::time::generalized_time;
use crate::x509::{AuthorityChain, Purpose, SignerId};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

fn ts_err(reason: impl Into<String>) -> Error {
    Error::Timestamp {
        reason: reason.into(),
    }
}

fn expect<'a>(t: Option<&Tlv<'a>>, tag: u8, what: &str) -> Result<Tlv<'a>, Error> {
    match t {
        Some(t) if t.tag == tag => Ok(*t),
        Some(t) => Err(ts_err(format!(
            "{what}: expected tag 0x{tag:02x}, found 0x{:02x}",
            t.tag
        ))),
        None => Err(ts_err(format!("{what} is missing"))),
    }
}

fn oid(t: &Tlv<'_>, what: &str) -> Result<ObjectIdentifier, Error> {
    ObjectIdentifier::from_der(t.raw).map_err(|e| ts_err(format!("{what}: bad OID: {e}")))
}

fn malformed(what: &str) -> Error {
    ts_err(format!("{what} is not valid DER"))
}

/// What a verified timestamp yields.
#[derive(Clone, Debug)]
pub(crate) struct VerifiedTimestamp {
    pub(crate) time: i64,
    pub(crate) authority: String,
}

struct Parsed<'a> {
    tst_info: &'a [u8],
    gen_time: i64,
    imprint_alg: HashAlg,
    imprint: &'a [u8],
    /// Every element of `SignedData.certificates`, as found.
    certs: Vec<Tlv<'a>>,
    sid: Tlv<'a>,
    digest_alg: HashAlg,
    signed_attrs: Tlv<'a>,
    sig_alg_oid: ObjectIdentifier,
    signature: &'a [u8],
}

fn hash_alg_of(alg_id: &Tlv<'_>, what: &str) -> Result<HashAlg, Error> {
    let parts = alg_id.children().ok_or_else(|| malformed(what))?;
    let o = oid(&expect(parts.first(), tag::OID, what)?, what)?;
    HashAlg::from_oid(&o).ok_or_else(|| ts_err(format!("{what}: unsupported hash algorithm {o}")))
}

fn parse(der: &[u8]) -> Result<Parsed<'_>, Error> {
    // TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken TimeStampToken OPTIONAL }
    let resp = Tlv::read_all(der)
        .filter(|t| t.tag == tag::SEQUENCE)
        .ok_or_else(|| malformed("TimeStampResp"))?;
    let resp = resp.children().ok_or_else(|| malformed("TimeStampResp"))?;
    let status = expect(resp.first(), tag::SEQUENCE, "PKIStatusInfo")?;
    let status = status
        .children()
        .ok_or_else(|| malformed("PKIStatusInfo"))?;
    let code = expect(status.first(), tag::INTEGER, "PKIStatus")?;
    // 0 granted, 1 grantedWithMods.
    if !(code.content == [0] || code.content == [1]) {
        return Err(ts_err(format!(
            "the TSA did not grant the timestamp (status {:?})",
            code.content
        )));
    }
    // TimeStampToken ::= ContentInfo { contentType id-signedData, content [0] EXPLICIT SignedData }
    let ci = expect(resp.get(1), tag::SEQUENCE, "timeStampToken")?;
    let ci = ci.children().ok_or_else(|| malformed("ContentInfo"))?;
    if oid(
        &expect(ci.first(), tag::OID, "ContentInfo.contentType")?,
        "contentType",
    )? != ID_SIGNED_DATA
    {
        return Err(ts_err("the token is not CMS SignedData"));
    }
    let sd = expect(ci.get(1), tag::CONSTRUCTED_0, "ContentInfo.content")?;
    // [0] EXPLICIT holds exactly one value: bytes after it would be outside every signature.
    let sd = Tlv::read_all(sd.content).ok_or_else(|| malformed("SignedData"))?;
    let sd = sd.children().ok_or_else(|| malformed("SignedData"))?;
    // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, certificates [0]
    //   IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
    let mut i = 1;
    expect(sd.get(i), tag::SET, "SignedData.digestAlgorithms")?;
    i += 1;
    let eci = expect(sd.get(i), tag::SEQUENCE, "encapContentInfo")?;
    i += 1;
    let eci = eci
        .children()
        .ok_or_else(|| malformed("encapContentInfo"))?;
    if oid(
        &expect(eci.first(), tag::OID, "eContentType")?,
        "eContentType",
    )? != ID_CT_TST_INFO
    {
        return Err(ts_err(
            "the signed content is not a TSTInfo (id-ct-TSTInfo)",
        ));
    }
    let econtent = expect(eci.get(1), tag::CONSTRUCTED_0, "eContent")?;
    let octets = Tlv::read_all(econtent.content).ok_or_else(|| malformed("eContent"))?;
    if octets.tag != tag::OCTET_STRING {
        return Err(malformed("eContent"));
    }
    let tst_info = octets.content;
    let mut certs = Vec::new();
    if let Some(t) = sd.get(i).filter(|t| t.tag == tag::CONSTRUCTED_0) {
        certs = t
            .children()
            .ok_or_else(|| malformed("SignedData.certificates"))?;
        i += 1;
    }
    if sd.get(i).is_some_and(|t| t.tag == tag::CONSTRUCTED_1) {
        i += 1;
    }
    let sis = expect(sd.get(i), tag::SET, "SignedData.signerInfos")?;
    let sis = sis.children().ok_or_else(|| malformed("signerInfos"))?;
    if sis.len() != 1 {
        return Err(ts_err(format!(
            "expected exactly one SignerInfo, found {}",
            sis.len()
        )));
    }
    let si = expect(sis.first(), tag::SEQUENCE, "SignerInfo")?;
    let si = si.children().ok_or_else(|| malformed("SignerInfo"))?;
    // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, signedAttrs [0] IMPLICIT,
    //   signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] OPTIONAL }
    let sid = *si
        .get(1)
        .ok_or_else(|| ts_err("SignerInfo.sid is missing"))?;
    let digest_alg = hash_alg_of(
        &expect(si.get(2), tag::SEQUENCE, "SignerInfo.digestAlgorithm")?,
        "digestAlgorithm",
    )?;
    let signed_attrs = expect(
        si.get(3),
        tag::CONSTRUCTED_0,
        "SignerInfo.signedAttrs (RFC 3161 requires them)",
    )?;
    let sig_alg = expect(si.get(4), tag::SEQUENCE, "SignerInfo.signatureAlgorithm")?;
    let sig_alg = sig_alg
        .children()
        .ok_or_else(|| malformed("signatureAlgorithm"))?;
    let sig_alg_oid = oid(
        &expect(sig_alg.first(), tag::OID, "signatureAlgorithm")?,
        "signatureAlgorithm",
    )?;
    let signature = expect(si.get(5), tag::OCTET_STRING, "SignerInfo.signature")?.content;

    // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, ... }
    let tst = Tlv::read_all(tst_info)
        .filter(|t| t.tag == tag::SEQUENCE)
        .ok_or_else(|| malformed("TSTInfo"))?;
    let tst = tst.children().ok_or_else(|| malformed("TSTInfo"))?;
    if expect(tst.first(), tag::INTEGER, "TSTInfo.version")?.content != [1] {
        return Err(ts_err("TSTInfo version is not 1"));
    }
    expect(tst.get(1), tag::OID, "TSTInfo.policy")?;
    let mi = expect(tst.get(2), tag::SEQUENCE, "TSTInfo.messageImprint")?;
    let mi = mi.children().ok_or_else(|| malformed("messageImprint"))?;
    let imprint_alg = hash_alg_of(
        &expect(mi.first(), tag::SEQUENCE, "messageImprint.hashAlgorithm")?,
        "messageImprint",
    )?;
    let imprint = expect(mi.get(1), tag::OCTET_STRING, "messageImprint.hashedMessage")?.content;
    expect(tst.get(3), tag::INTEGER, "TSTInfo.serialNumber")?;
    let gt = expect(tst.get(4), tag::GENERALIZED_TIME, "TSTInfo.genTime")?;
    let gen_time = generalized_time(gt.content)
        .ok_or_else(|| ts_err("TSTInfo.genTime is not a valid GeneralizedTime"))?;
    Ok(Parsed {
        tst_info,
        gen_time,
        imprint_alg,
        imprint,
        certs,
        sid,
        digest_alg,
        signed_attrs,
        sig_alg_oid,
        signature,
    })
}

/// Verifies one RFC 3161 timestamp over `signature_bytes` against the trusted TSAs and returns
/// its genTime. Steps: RFC 3161 §2.4.2 (response, TSTInfo, imprint), RFC 5652 §5.4 and §11.1/11.2
/// (signed attributes: content type and message digest), §5.1/§10.2.1 (every embedded
/// certificate is a DER X.509 certificate), §5.6 (signature: by the embedded certificate the
/// SignerInfo names, else by a trusted TSA's own), then the signer's authority, its chain and
/// validity windows at genTime.
pub(crate) fn verify(
    der: &[u8],
    signature_bytes: &[u8],
    tsas: &[AuthorityChain],
    backend: Backend,
) -> Result<VerifiedTimestamp, Error> {
    let p = parse(der)?;

    // The message imprint is the hash of the artifact signature.
    let expected = backend.hash(p.imprint_alg, signature_bytes);
    if expected != p.imprint {
        return Err(ts_err(format!(
            "message imprint is not the {} of the bundle's signature: expected {}, found {}",
            p.imprint_alg.name(),
            hex::encode(&expected),
            hex::encode(p.imprint)
        )));
    }

    // Signed attributes: content-type = id-ct-TSTInfo, message-digest = H(eContent).
    let attrs = p
        .signed_attrs
        .children()
        .ok_or_else(|| malformed("signedAttrs"))?;
    let mut content_type_ok = false;
    let mut digest_ok = false;
    for a in &attrs {
        let parts = a.children().ok_or_else(|| malformed("signed attribute"))?;
        let Some(t) = parts.first() else { continue };
        let id = oid(t, "attribute type")?;
        let values = expect(parts.get(1), tag::SET, "attribute values")?;
        let values = values
            .children()
            .ok_or_else(|| malformed("attribute values"))?;
        if id == ID_CONTENT_TYPE {
            if values.len() != 1 {
                return Err(ts_err("content-type attribute must have one value"));
            }
            content_type_ok = values
                .first()
                .is_some_and(|v| oid(v, "content-type").ok() == Some(ID_CT_TST_INFO));
        } else if id == ID_MESSAGE_DIGEST {
            if values.len() != 1 {
                return Err(ts_err("message-digest attribute must have one value"));
            }
            let want = backend.hash(p.digest_alg, p.tst_info);
            digest_ok = values
                .first()
                .is_some_and(|v| v.tag == tag::OCTET_STRING && v.content == want.as_slice());
        }
    }
    if !content_type_ok {
        return Err(ts_err("signed attributes lack content-type id-ct-TSTInfo"));
    }
    if !digest_ok {
        return Err(ts_err(
            "the message-digest attribute does not match the TSTInfo",
        ));
    }
    // RFC 5652 §5.4: the signature covers the DER of the attributes as an explicit SET OF.
    let mut signed = p.signed_attrs.raw.to_vec();
    if let Some(first) = signed.first_mut() {
        *first = tag::SET;
    }

    // The signer: the certificate the token embeds for it, or else a TSA's own.
    match embedded_signer(&p, tsas, backend)? {
        Some(signer) => verify_embedded_signer(&p, &signed, &signer, tsas, backend),
        None => verify_trusted_signer(&p, &signed, tsas, backend),
    }
}

/// The signing certificate a token embeds, once read.
struct EmbeddedSigner<'a> {
    /// Its index in `SignedData.certificates`.
    index: usize,
    der: &'a [u8],
    key: PublicKey,
}

/// RFC 5652 §5.1 (`certificates`) and §10.2.1 (`CertificateChoices`), RFC 3161 §2.4.1: every
/// certificate the token embeds is an X.509 certificate in strict DER (RFC 5280 §4.1), whether
/// or not it signed, and if there are any, one of them is the one the SignerInfo names (§5.3,
/// `sid`), which is returned; the others are not used. A certificate byte-identical to a
/// trusted TSA's signing certificate was decoded when the verifier was built and is not decoded
/// again.
fn embedded_signer<'a>(
    p: &Parsed<'a>,
    tsas: &[AuthorityChain],
    backend: Backend,
) -> Result<Option<EmbeddedSigner<'a>>, Error> {
    let mut signer: Option<EmbeddedSigner<'a>> = None;
    for (index, c) in p.certs.iter().enumerate() {
        let what = || format!("SignedData.certificates[{index}]");
        if c.tag != tag::SEQUENCE {
            return Err(ts_err(format!(
                "{}: expected an X.509 certificate (tag 0x30), found tag 0x{:02x} (attribute and other certificate formats are not accepted)",
                what(),
                c.tag
            )));
        }
        // The key of a certificate that names the signer, read only for that one.
        let key = match tsas.iter().find(|t| t.first == c.raw) {
            Some(tsa) => tsa
                .first_id
                .matches(&p.sid)
                .then(|| Ok(tsa.first_key.clone())),
            None => {
                let cert = Certificate::from_der(c.raw).map_err(|e| {
                    ts_err(format!("{} is not a DER X.509 certificate: {e}", what()))
                })?;
                let id = SignerId::of(&cert).ok_or_else(|| {
                    ts_err(format!("{}: its issuer cannot be re-encoded", what()))
                })?;
                id.matches(&p.sid).then(|| {
                    der::Encode::to_der(&cert.tbs_certificate.subject_public_key_info)
                        .map_err(|e| ts_err(format!("{}: the TSA key: {e}", what())))
                        .and_then(|spki| {
                            PublicKey::from_spki_der(&spki, backend)
                                .map_err(|e| ts_err(format!("{}: the TSA key: {e}", what())))
                        })
                })
            }
        };
        let Some(key) = key else { continue };
        if let Some(first) = &signer {
            return Err(ts_err(format!(
                "SignedData.certificates[{}] and [{index}] both match the SignerInfo: expected one signing certificate",
                first.index
            )));
        }
        let key = key?;
        signer = Some(EmbeddedSigner {
            index,
            der: c.raw,
            key,
        });
    }
    // Certificates, but not the signer's: refused (as sigstore-go does), rather than verified
    // with the trusted root's copy: a token that embeds certificates is read as it is.
    if signer.is_none() && !p.certs.is_empty() {
        return Err(ts_err(format!(
            "SignedData.certificates holds {} certificate(s), none of them the one the SignerInfo names: expected the signing certificate among them",
            p.certs.len()
        )));
    }
    Ok(signer)
}

/// RFC 5652 §5.6: the SignerInfo's signature over the signed attributes, with `key`.
fn check_cms_signature(
    p: &Parsed<'_>,
    signed: &[u8],
    key: &PublicKey,
    backend: Backend,
) -> Result<(), Error> {
    let scheme = SigScheme::from_signature_oid(&p.sig_alg_oid, key.key_type()).or_else(|| {
        let bare = p.sig_alg_oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY
            || p.sig_alg_oid == const_oid::db::rfc5912::RSA_ENCRYPTION;
        bare.then(|| SigScheme::from_key_and_digest(key.key_type(), p.digest_alg))
            .flatten()
    });
    let Some(scheme) = scheme else {
        return Err(ts_err(format!(
            "unsupported signature algorithm {}",
            p.sig_alg_oid
        )));
    };
    if key.verify(backend, scheme, signed, p.signature) {
        Ok(())
    } else {
        Err(Error::SignatureInvalid {
            check: Check::Timestamp,
            what: "RFC 3161 timestamp signature (CMS SignerInfo over the signed attributes)".into(),
        })
    }
}

/// RFC 3161 §2.3, RFC 5280 §6.1: the token embeds its signing certificate. It must be a
/// timestamp authority's own signing certificate, byte for byte, or a certificate that the
/// authority's issuer issued, valid at genTime for timeStamping; its key must verify the
/// token. The trusted root's certificate is never used in its place: a token is verified as
/// it was signed, certificates included.
fn verify_embedded_signer(
    p: &Parsed<'_>,
    signed: &[u8],
    signer: &EmbeddedSigner<'_>,
    tsas: &[AuthorityChain],
    backend: Backend,
) -> Result<VerifiedTimestamp, Error> {
    check_cms_signature(p, signed, &signer.key, backend)?;
    let t = p.gen_time;
    let done = |tsa: &AuthorityChain| {
        // only for the authority the token chains to
        tsa.chain_signatures(backend).map(|()| VerifiedTimestamp {
            time: t,
            authority: tsa.uri.clone(),
        })
    };
    // The authority's own signing certificate (the trusted root may list it more than once,
    // with other validity windows).
    let mut own = tsas.iter().filter(|tsa| tsa.first == signer.der).peekable();
    if own.peek().is_some() {
        let mut first_err = None;
        for tsa in own {
            match tsa.check_time(Check::Timestamp, "timestamp authority", t) {
                Ok(()) => return done(tsa),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        return Err(first_err.unwrap_or_else(|| ts_err("no timestamp authority")));
    }
    // A certificate issued by an authority's issuer.
    let mut reasons = Vec::new();
    let mut outside_valid_for = None;
    for tsa in tsas {
        match tsa.verify_leaf(signer.der, t, Purpose::TimeStamping, backend, 1) {
            Ok(()) if tsa.valid_for.contains(t) => return done(tsa),
            Ok(()) => {
                outside_valid_for.get_or_insert(Error::TimeOutsideValidity {
                    check: Check::Timestamp,
                    what: format!("timestamp authority {}", tsa.uri),
                    time: crate::time::format_time(t),
                    window: tsa.valid_for.to_string(),
                });
            }
            Err(e) => reasons.push(format!(
                "{}: expected its certificate (SHA-256 {}), and the token's does not chain to it: {e}",
                tsa.uri,
                hex::encode(backend.sha256(&tsa.first))
            )),
        }
    }
    if let Some(e) = outside_valid_for {
        return Err(e);
    }
    if tsas.is_empty() {
        return Err(ts_err("the trusted root has no timestamp authorities"));
    }
    Err(ts_err(format!(
        "the token's signing certificate (SignedData.certificates[{}], SHA-256 {}) is not a timestamp authority's of the trusted root: {}",
        signer.index,
        hex::encode(backend.sha256(signer.der)),
        reasons.join("; ")
    )))
}

/// The token embeds no certificate: the signer is a trusted TSA's signing certificate that the
/// SignerInfo names, valid at genTime.
fn verify_trusted_signer(
    p: &Parsed<'_>,
    signed: &[u8],
    tsas: &[AuthorityChain],
    backend: Backend,
) -> Result<VerifiedTimestamp, Error> {
    if tsas.is_empty() {
        return Err(ts_err("the trusted root has no timestamp authorities"));
    }
    let mut last_err = None;
    for tsa in tsas.iter().filter(|tsa| tsa.first_id.matches(&p.sid)) {
        let t = p.gen_time;
        let verified = check_cms_signature(p, signed, &tsa.first_key, backend)
            .and_then(|()| tsa.check_time(Check::Timestamp, "timestamp authority", t))
            .and_then(|()| tsa.chain_signatures(backend));
        match verified {
            Ok(()) => {
                return Ok(VerifiedTimestamp {
                    time: t,
                    authority: tsa.uri.clone(),
                })
            }
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| {
        ts_err("no certificate in the token or in the trusted root's timestamp authorities matches the signer")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        assert!(content.len() < 0x80, "short form only");
        let mut v = vec![tag, content.len() as u8];
        v.extend_from_slice(content);
        v
    }

    fn error(der: &[u8]) -> String {
        match parse(der) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("parsed"),
        }
    }

    /// A granted response around `signed_data_content` (the [0] EXPLICIT content of the token).
    fn response(signed_data_content: &[u8], econtent: &[u8]) -> Vec<u8> {
        let status = tlv(tag::SEQUENCE, &tlv(tag::INTEGER, &[0]));
        let eci = [
            tlv(tag::OID, ID_CT_TST_INFO.as_bytes()),
            tlv(tag::CONSTRUCTED_0, econtent),
        ]
        .concat();
        let sd = [
            tlv(tag::INTEGER, &[3]),
            tlv(tag::SET, &[]),
            tlv(tag::SEQUENCE, &eci),
        ]
        .concat();
        let mut wrapped = tlv(tag::SEQUENCE, &sd);
        wrapped.extend_from_slice(signed_data_content);
        let ci = [
            tlv(tag::OID, ID_SIGNED_DATA.as_bytes()),
            tlv(tag::CONSTRUCTED_0, &wrapped),
        ]
        .concat();
        tlv(tag::SEQUENCE, &[status, tlv(tag::SEQUENCE, &ci)].concat())
    }

    #[test]
    fn explicit_wrappers_hold_exactly_one_value() {
        let octets = tlv(tag::OCTET_STRING, b"tst");
        // Well formed up to the missing signerInfos.
        assert!(error(&response(&[], &octets)).contains("signerInfos is missing"));
        // A byte after SignedData inside its [0] EXPLICIT, or after the eContent OCTET STRING.
        assert!(error(&response(&[0x05, 0x00], &octets)).contains("SignedData is not valid DER"));
        let trailing = [octets, vec![0x05, 0x00]].concat();
        assert!(error(&response(&[], &trailing)).contains("eContent is not valid DER"));
    }

    #[test]
    fn empty_and_hollow_responses_are_refused() {
        assert!(parse(&[]).is_err());
        assert!(parse(&[0x30, 0x00]).is_err());
    }
}
