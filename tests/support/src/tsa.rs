//! RFC 3161 timestamping: a TimeStampResp whose token is a CMS SignedData over a TSTInfo,
//! signed (ECDSA P-256, SHA-256) by our TSA leaf through signed attributes.

use std::time::Duration;

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{GeneralizedTime, Int, ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Encode, Tag};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_tsp::{MessageImprint, TspVersion, TstInfo};

use crate::keys::EcKey;
use crate::util::{der_seq, serial_bytes, sha256, tlv};
use crate::x509::{ecdsa_sha256_alg, oid, Issued};

/// Everything that goes into one timestamp response.
pub struct TimestampParams<'a> {
    /// The TSA certificate named as the signer (sid, ESS cert id).
    pub signer: &'a Issued,
    /// The key that actually signs (normally `signer.key`).
    pub signing_key: &'a EcKey,
    /// The bytes the message imprint is the SHA-256 of (Sigstore: the signature bytes).
    pub message: &'a [u8],
    /// genTime, unix seconds.
    pub gen_time: u64,
    /// DER certificates for the SignedData `certificates`, as given (a test may corrupt them on
    /// purpose); empty: the field is left out. Normally `[signer.der]`.
    pub certificates: Vec<Vec<u8>>,
    /// Include the ESS signingCertificateV2 signed attribute.
    pub ess_cert_id: bool,
    /// Label for the deterministic TSTInfo serial number.
    pub serial_label: &'a str,
}

fn sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid::SHA256,
        parameters: None,
    }
}

fn attribute(id: ObjectIdentifier, value_der: &[u8]) -> Attribute {
    let value = Any::from_der_bytes(value_der);
    Attribute {
        oid: id,
        values: SetOfVec::try_from(vec![value]).expect("attribute value"),
    }
}

trait AnyExt {
    fn from_der_bytes(der: &[u8]) -> Any;
}

impl AnyExt for Any {
    fn from_der_bytes(der: &[u8]) -> Any {
        use der::Decode;
        Any::from_der(der).expect("valid DER")
    }
}

/// The DER TSTInfo.
pub fn tst_info(p: &TimestampParams<'_>) -> Vec<u8> {
    let info = TstInfo {
        version: TspVersion::V1,
        policy: oid::TSA_POLICY,
        message_imprint: MessageImprint {
            hash_algorithm: spki::AlgorithmIdentifier {
                oid: oid::SHA256,
                parameters: None,
            },
            hashed_message: OctetString::new(sha256(p.message).to_vec()).expect("imprint"),
        },
        serial_number: Int::new(&serial_bytes(p.serial_label)).expect("serial"),
        gen_time: GeneralizedTime::from_unix_duration(Duration::from_secs(p.gen_time))
            .expect("gen time"),
        accuracy: None,
        ordering: false,
        nonce: Some(
            Int::new(&serial_bytes(&format!("nonce/{}", p.serial_label))[..8]).expect("nonce"),
        ),
        tsa: None,
        extensions: None,
    };
    info.to_der().expect("TSTInfo encodes")
}

/// The DER SignedData with `certificates [0] IMPLICIT CertificateSet` holding `certs` byte for
/// byte (written by hand: `cms` would need them to decode). The SET OF is sorted, as DER wants.
fn with_certificates(sd: &SignedData, certs: &[Vec<u8>]) -> Vec<u8> {
    if certs.is_empty() {
        return sd.to_der().expect("signed data");
    }
    let mut sorted = certs.to_vec();
    sorted.sort();
    der_seq(&[
        &sd.version.to_der().expect("version"),
        &sd.digest_algorithms.to_der().expect("digest algorithms"),
        &sd.encap_content_info.to_der().expect("encapContentInfo"),
        &tlv(0xa0, &sorted.concat()),
        &sd.signer_infos.to_der().expect("signer infos"),
    ])
}

/// The DER `TimeStampResp` (status granted + token).
pub fn timestamp_response(p: &TimestampParams<'_>) -> Vec<u8> {
    let tst_der = tst_info(p);

    let mut attrs = vec![
        attribute(
            oid::ATTR_CONTENT_TYPE,
            &oid::CT_TSTINFO.to_der().expect("oid"),
        ),
        attribute(
            oid::ATTR_MESSAGE_DIGEST,
            &OctetString::new(sha256(&tst_der).to_vec())
                .expect("digest")
                .to_der()
                .expect("octets"),
        ),
    ];
    if p.ess_cert_id {
        // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
        // ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING }   (hashAlgorithm defaults to SHA-256)
        let cert_id = der_seq(&[&tlv(0x04, &sha256(&p.signer.der))]);
        let v2 = der_seq(&[&der_seq(&[&cert_id])]);
        attrs.push(attribute(oid::ATTR_SIGNING_CERTIFICATE_V2, &v2));
    }
    let signed_attrs = SetOfVec::try_from(attrs).expect("attributes");
    // The signature is over the DER of the attributes as a SET OF (tag 0x31).
    let signature = p
        .signing_key
        .sign(&signed_attrs.to_der().expect("attrs encode"));

    let tbs = &p.signer.cert.tbs_certificate;
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: sha256_alg(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: ecdsa_sha256_alg(),
        signature: OctetString::new(signature).expect("signature"),
        unsigned_attrs: None,
    };

    let signed_data = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![sha256_alg()]).expect("digest algs"),
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::CT_TSTINFO,
            econtent: Some(Any::new(Tag::OctetString, tst_der).expect("econtent")),
        },
        certificates: None,
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).expect("signer infos")),
    };
    let token = ContentInfo {
        content_type: oid::SIGNED_DATA,
        content: Any::from_der_bytes(&with_certificates(&signed_data, &p.certificates)),
    };
    let status = der_seq(&[&[0x02, 0x01, 0x00]]); // PKIStatusInfo { status granted(0) }
    der_seq(&[&status, &token.to_der().expect("token encodes")])
}
