//! Certificate Transparency (RFC 6962): signed certificate timestamps over precertificates and
//! the embedded SCT-list extension.

use x509_cert::ext::Extension;

use crate::keys::EcKey;
use crate::util::{sha256, tlv};
use crate::x509::{oid, raw_ext};

/// One SCT to embed: which log id it names, which key signs it and over what.
pub struct SctParams<'a> {
    /// The log id written into the SCT (normally SHA-256 of the signing log's SPKI).
    pub log_id: [u8; 32],
    /// The key producing the signature.
    pub key: &'a EcKey,
    /// SCT timestamp, milliseconds since the epoch.
    pub timestamp_ms: u64,
    /// DER SPKI of the issuing CA (its SHA-256 is the `issuer_key_hash`).
    pub issuer_spki_der: &'a [u8],
}

/// The RFC 6962 §3.2 `digitally-signed` input for a precert entry.
pub fn sct_signed_data(
    timestamp_ms: u64,
    issuer_spki_der: &[u8],
    precert_tbs_der: &[u8],
) -> Vec<u8> {
    let mut d = vec![0u8, 0u8]; // sct_version v1, signature_type certificate_timestamp
    d.extend_from_slice(&timestamp_ms.to_be_bytes());
    d.extend_from_slice(&1u16.to_be_bytes()); // entry_type precert_entry
    d.extend_from_slice(&sha256(issuer_spki_der));
    let len = precert_tbs_der.len() as u32;
    d.extend_from_slice(&len.to_be_bytes()[1..]);
    d.extend_from_slice(precert_tbs_der);
    d.extend_from_slice(&0u16.to_be_bytes()); // no CT extensions
    d
}

/// A TLS-encoded SCT (without the list's per-item length prefix).
pub fn encode_sct(log_id: &[u8; 32], timestamp_ms: u64, signature_der: &[u8]) -> Vec<u8> {
    let mut s = vec![0u8]; // v1
    s.extend_from_slice(log_id);
    s.extend_from_slice(&timestamp_ms.to_be_bytes());
    s.extend_from_slice(&0u16.to_be_bytes()); // extensions
    s.push(4); // hash sha256
    s.push(3); // signature ecdsa
    s.extend_from_slice(&(signature_der.len() as u16).to_be_bytes());
    s.extend_from_slice(signature_der);
    s
}

/// Signs one SCT over `precert_tbs_der` and TLS-encodes it.
pub fn make_sct(p: &SctParams<'_>, precert_tbs_der: &[u8]) -> Vec<u8> {
    let sig = p.key.sign(&sct_signed_data(
        p.timestamp_ms,
        p.issuer_spki_der,
        precert_tbs_der,
    ));
    encode_sct(&p.log_id, p.timestamp_ms, &sig)
}

/// The embedded SCT list extension (1.3.6.1.4.1.11129.2.4.2): extnValue is a DER OCTET STRING
/// whose content is the TLS `SignedCertificateTimestampList`.
pub fn sct_list_extension(scts: &[Vec<u8>]) -> Extension {
    let mut items = Vec::new();
    for s in scts {
        items.extend_from_slice(&(s.len() as u16).to_be_bytes());
        items.extend_from_slice(s);
    }
    let mut list = (items.len() as u16).to_be_bytes().to_vec();
    list.extend_from_slice(&items);
    raw_ext(oid::CT_SCT_LIST, false, tlv(0x04, &list))
}

/// One SCT parsed back out of a TLS list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedSct {
    /// The log id.
    pub log_id: [u8; 32],
    /// Timestamp, milliseconds since the epoch.
    pub timestamp_ms: u64,
    /// TLS HashAlgorithm (4 = sha256).
    pub hash_alg: u8,
    /// TLS SignatureAlgorithm (3 = ecdsa).
    pub sig_alg: u8,
    /// The DER signature.
    pub signature: Vec<u8>,
}

/// Parses a TLS SCT list (the content of the inner OCTET STRING) into SCTs. For tests.
pub fn parse_sct_list(list: &[u8]) -> Option<Vec<ParsedSct>> {
    let total = u16::from_be_bytes([*list.first()?, *list.get(1)?]) as usize;
    let mut rest = list.get(2..2 + total)?;
    if list.len() != 2 + total {
        return None;
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        let n = u16::from_be_bytes([rest[0], *rest.get(1)?]) as usize;
        let s = rest.get(2..2 + n)?;
        rest = &rest[2 + n..];
        if s[0] != 0 {
            return None;
        }
        let log_id: [u8; 32] = s.get(1..33)?.try_into().ok()?;
        let timestamp_ms = u64::from_be_bytes(s.get(33..41)?.try_into().ok()?);
        let ext_len = u16::from_be_bytes(s.get(41..43)?.try_into().ok()?) as usize;
        let p = 43 + ext_len;
        let (hash_alg, sig_alg) = (*s.get(p)?, *s.get(p + 1)?);
        let sig_len = u16::from_be_bytes(s.get(p + 2..p + 4)?.try_into().ok()?) as usize;
        let signature = s.get(p + 4..p + 4 + sig_len)?.to_vec();
        if p + 4 + sig_len != s.len() {
            return None;
        }
        out.push(ParsedSct {
            log_id,
            timestamp_ms,
            hash_alg,
            sig_alg,
            signature,
        });
    }
    Some(out)
}
