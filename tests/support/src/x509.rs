//! X.509: the test CA (root + intermediate), the TSA chain and Fulcio-style leaf certificates.
//!
//! Certificates are assembled from `x509-cert` structures and signed by hand (ECDSA P-256 with
//! SHA-256), so that a leaf can be built twice: once without the SCT extension (the
//! "precertificate" TBS the CT log signs) and once with it.

use std::str::FromStr;
use std::time::Duration;

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, Ia5String, OctetString, UtcTime, Utf8StringRef};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

use crate::keys::EcKey;
use crate::util::{serial_bytes, sha256};

/// Object identifiers used by the test instance.
pub mod oid {
    use const_oid::ObjectIdentifier as Oid;
    /// ecdsa-with-SHA256.
    pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// id-sha256.
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// EKU codeSigning.
    pub const KP_CODE_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.3");
    /// EKU serverAuth.
    pub const KP_SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
    /// EKU timeStamping.
    pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
    /// Fulcio: OIDC issuer, raw bytes (deprecated form).
    pub const FULCIO_ISSUER_V1: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.1");
    /// Fulcio: OIDC issuer, DER UTF8String.
    pub const FULCIO_ISSUER_V2: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.8");
    /// Fulcio: build signer URI.
    pub const FULCIO_BUILD_SIGNER_URI: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.9");
    /// Fulcio: runner environment.
    pub const FULCIO_RUNNER_ENVIRONMENT: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.11");
    /// Fulcio: source repository URI.
    pub const FULCIO_SOURCE_REPO_URI: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.12");
    /// Fulcio: source repository digest.
    pub const FULCIO_SOURCE_REPO_DIGEST: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.13");
    /// Fulcio: source repository ref.
    pub const FULCIO_SOURCE_REPO_REF: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.14");
    /// RFC 6962 embedded SCT list.
    pub const CT_SCT_LIST: Oid = Oid::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
    /// id-ct-TSTInfo.
    pub const CT_TSTINFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
    /// id-signedData.
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// PKCS #9 contentType attribute.
    pub const ATTR_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// PKCS #9 messageDigest attribute.
    pub const ATTR_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// PKCS #9 signingTime attribute.
    pub const ATTR_SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    /// ESS signingCertificateV2 attribute.
    pub const ATTR_SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    /// The TSA policy our TSA stamps with.
    pub const TSA_POLICY: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.2");
}

/// The signer identity a Fulcio leaf certificate carries in its SAN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// A URI SAN (workload identities, e.g. a GitHub Actions workflow ref).
    Uri(String),
    /// An rfc822Name SAN (email identities).
    Email(String),
}

impl Identity {
    /// The SAN value as a string.
    pub fn value(&self) -> &str {
        match self {
            Identity::Uri(s) | Identity::Email(s) => s,
        }
    }
}

/// A certificate together with its DER encoding and (for issuers) its private key.
#[derive(Clone)]
pub struct Issued {
    /// The key certified by `cert`.
    pub key: EcKey,
    /// The certificate.
    pub cert: Certificate,
    /// Its DER encoding.
    pub der: Vec<u8>,
}

impl Issued {
    /// The certificate's subject name.
    pub fn subject(&self) -> &Name {
        &self.cert.tbs_certificate.subject
    }
}

/// What is needed to issue a certificate: the issuer name and key.
pub struct IssuerRef<'a> {
    /// Issuer's subject name.
    pub name: &'a Name,
    /// Issuer's key (used to sign and for the authorityKeyIdentifier).
    pub key: &'a EcKey,
}

impl<'a> From<&'a Issued> for IssuerRef<'a> {
    fn from(i: &'a Issued) -> Self {
        IssuerRef {
            name: i.subject(),
            key: &i.key,
        }
    }
}

/// `CN=<cn>,O=<org>` (encoded as O first, then CN, like Fulcio's names).
pub fn name(org: &str, cn: &str) -> Name {
    Name::from_str(&format!("CN={cn},O={org}")).expect("valid name")
}

/// An X.509 Time (UTCTime; all our times are before 2050).
pub fn time(unix: u64) -> Time {
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(unix)).expect("time in range"))
}

/// ecdsa-with-SHA256 AlgorithmIdentifier (no parameters).
pub fn ecdsa_sha256_alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: oid::ECDSA_WITH_SHA256,
        parameters: None,
    }
}

/// Key identifier used for SKID/AKID: the first 20 bytes of SHA-256 of the SPKI DER.
pub fn key_identifier(spki_der: &[u8]) -> Vec<u8> {
    sha256(spki_der)[..20].to_vec()
}

fn ext_of<T: Encode>(id: ObjectIdentifier, critical: bool, value: &T) -> Extension {
    raw_ext(id, critical, value.to_der().expect("extension encodes"))
}

/// An extension whose extnValue contains `value` verbatim.
pub fn raw_ext(id: ObjectIdentifier, critical: bool, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: id,
        critical,
        extn_value: OctetString::new(value).expect("extension value"),
    }
}

/// An extension whose value is a DER UTF8String.
pub fn utf8_ext(id: ObjectIdentifier, value: &str) -> Extension {
    ext_of(id, false, &Utf8StringRef::new(value).expect("utf8"))
}

/// basicConstraints (critical).
pub fn basic_constraints(ca: bool, path_len: Option<u8>) -> Extension {
    ext_of(
        const_oid::db::rfc5280::ID_CE_BASIC_CONSTRAINTS,
        true,
        &BasicConstraints {
            ca,
            path_len_constraint: path_len,
        },
    )
}

/// keyUsage (critical).
pub fn key_usage(usage: KeyUsage) -> Extension {
    ext_of(const_oid::db::rfc5280::ID_CE_KEY_USAGE, true, &usage)
}

/// extendedKeyUsage.
pub fn eku(critical: bool, oids: &[ObjectIdentifier]) -> Extension {
    ext_of(
        const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE,
        critical,
        &ExtendedKeyUsage(oids.to_vec()),
    )
}

/// subjectKeyIdentifier for the given SPKI.
pub fn skid(spki_der: &[u8]) -> Extension {
    ext_of(
        const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
        false,
        &SubjectKeyIdentifier(OctetString::new(key_identifier(spki_der)).expect("skid")),
    )
}

/// authorityKeyIdentifier (keyIdentifier only) for the issuer's SPKI.
pub fn akid(issuer_spki_der: &[u8]) -> Extension {
    ext_of(
        const_oid::db::rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
        false,
        &AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(key_identifier(issuer_spki_der)).expect("akid")),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        },
    )
}

/// subjectAltName (critical, as Fulcio marks it for an empty subject).
pub fn san(identity: &Identity) -> Extension {
    let gn = match identity {
        Identity::Uri(u) => GeneralName::UniformResourceIdentifier(Ia5String::new(u).expect("ia5")),
        Identity::Email(e) => GeneralName::Rfc822Name(Ia5String::new(e).expect("ia5")),
    };
    ext_of(
        const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME,
        true,
        &SubjectAltName(vec![gn]),
    )
}

/// A TBSCertificate (v3, ecdsa-with-SHA256) for `subject_key` issued by `issuer`.
pub fn tbs(
    serial_label: &str,
    issuer: &IssuerRef<'_>,
    subject: Name,
    subject_spki_der: &[u8],
    not_before: u64,
    not_after: u64,
    extensions: Vec<Extension>,
) -> TbsCertificate {
    TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&serial_bytes(serial_label)).expect("serial"),
        signature: ecdsa_sha256_alg(),
        issuer: issuer.name.clone(),
        validity: Validity {
            not_before: time(not_before),
            not_after: time(not_after),
        },
        subject,
        subject_public_key_info: SubjectPublicKeyInfoOwned::from_der(subject_spki_der)
            .expect("spki"),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(extensions),
    }
}

/// Signs `tbs` with `key` (ECDSA P-256, SHA-256) and returns the certificate and its DER.
pub fn sign_tbs(tbs: TbsCertificate, key: &EcKey) -> (Certificate, Vec<u8>) {
    let tbs_der = tbs.to_der().expect("tbs encodes");
    let sig = key.sign(&tbs_der);
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: ecdsa_sha256_alg(),
        signature: BitString::from_bytes(&sig).expect("bitstring"),
    };
    let der = cert.to_der().expect("cert encodes");
    (cert, der)
}

/// Validity of every CA / TSA certificate of the instance: 2020-01-01 .. 2040-01-01.
pub const CA_NOT_BEFORE: u64 = 1_577_836_800;
/// See [`CA_NOT_BEFORE`].
pub const CA_NOT_AFTER: u64 = 2_208_988_800;

/// A self-signed root CA: basicConstraints CA:true, keyUsage keyCertSign|cRLSign.
pub fn root_ca(label: &str, subject: Name) -> Issued {
    let key = EcKey::derive(label);
    let exts = vec![
        basic_constraints(true, None),
        key_usage(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
        skid(&key.spki_der),
    ];
    let issuer = IssuerRef {
        name: &subject,
        key: &key,
    };
    let t = tbs(
        label,
        &issuer,
        subject.clone(),
        &key.spki_der,
        CA_NOT_BEFORE,
        CA_NOT_AFTER,
        exts,
    );
    let (cert, der) = sign_tbs(t, &key);
    Issued { key, cert, der }
}

/// An intermediate CA: CA:true pathlen 0, keyUsage keyCertSign|cRLSign, EKU codeSigning.
pub fn intermediate_ca(label: &str, subject: Name, parent: &Issued) -> Issued {
    let key = EcKey::derive(label);
    let exts = vec![
        basic_constraints(true, Some(0)),
        key_usage(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
        eku(false, &[oid::KP_CODE_SIGNING]),
        skid(&key.spki_der),
        akid(&parent.key.spki_der),
    ];
    let t = tbs(
        label,
        &parent.into(),
        subject,
        &key.spki_der,
        CA_NOT_BEFORE,
        CA_NOT_AFTER,
        exts,
    );
    let (cert, der) = sign_tbs(t, &parent.key);
    Issued { key, cert, der }
}

/// A TSA signing certificate: keyUsage digitalSignature, EKU timeStamping (critical).
pub fn tsa_leaf(label: &str, subject: Name, parent: &Issued) -> Issued {
    let key = EcKey::derive(label);
    let exts = vec![
        basic_constraints(false, None),
        key_usage(KeyUsage(KeyUsages::DigitalSignature.into())),
        eku(true, &[oid::KP_TIME_STAMPING]),
        skid(&key.spki_der),
        akid(&parent.key.spki_der),
    ];
    let t = tbs(
        label,
        &parent.into(),
        subject,
        &key.spki_der,
        CA_NOT_BEFORE,
        CA_NOT_AFTER,
        exts,
    );
    let (cert, der) = sign_tbs(t, &parent.key);
    Issued { key, cert, der }
}

/// The Fulcio-style extensions of a leaf (everything but the SCT list), in Fulcio's order.
pub fn fulcio_leaf_extensions(
    leaf_spki_der: &[u8],
    issuer_spki_der: &[u8],
    identity: &Identity,
    oidc_issuer: &str,
    eku_oid: ObjectIdentifier,
) -> Vec<Extension> {
    vec![
        key_usage(KeyUsage(KeyUsages::DigitalSignature.into())),
        eku(false, &[eku_oid]),
        skid(leaf_spki_der),
        akid(issuer_spki_der),
        san(identity),
        raw_ext(
            oid::FULCIO_ISSUER_V1,
            false,
            oidc_issuer.as_bytes().to_vec(),
        ),
        utf8_ext(oid::FULCIO_ISSUER_V2, oidc_issuer),
        utf8_ext(oid::FULCIO_BUILD_SIGNER_URI, identity.value()),
        utf8_ext(oid::FULCIO_RUNNER_ENVIRONMENT, "github-hosted"),
        utf8_ext(
            oid::FULCIO_SOURCE_REPO_URI,
            "https://github.com/sigverify/test",
        ),
        utf8_ext(
            oid::FULCIO_SOURCE_REPO_DIGEST,
            "0123456789abcdef0123456789abcdef01234567",
        ),
        utf8_ext(oid::FULCIO_SOURCE_REPO_REF, "refs/heads/main"),
    ]
}
