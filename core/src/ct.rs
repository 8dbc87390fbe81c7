//! Certificate transparency: the SCTs embedded in the signing certificate (RFC 6962 §3.2, §3.3).

use crate::crypto::{Backend, HashAlg, KeyType, SigScheme};
use crate::error::Error;
use crate::limits;
use crate::trust_root::LogInfo;
use crate::x509::Leaf;

/// One parsed SignedCertificateTimestamp (RFC 6962 §3.2).
#[derive(Debug)]
struct Sct<'a> {
    log_id: &'a [u8],
    timestamp_ms: u64,
    extensions: &'a [u8],
    hash_alg: u8,
    sig_alg: u8,
    signature: &'a [u8],
}

/// A TLS-presentation-language reader that never panics.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn uint(&mut self, n: usize) -> Option<u64> {
        Some(
            self.take(n)?
                .iter()
                .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
        )
    }
    fn vec(&mut self, len_bytes: usize) -> Option<&'a [u8]> {
        let n = usize::try_from(self.uint(len_bytes)?).ok()?;
        self.take(n)
    }
}

fn parse_list(list: &[u8]) -> Option<Vec<Sct<'_>>> {
    let mut outer = Reader(list);
    let body = outer.vec(2)?;
    if !outer.0.is_empty() {
        return None;
    }
    let mut r = Reader(body);
    let mut out = Vec::new();
    while !r.0.is_empty() {
        if out.len() >= limits::MAX_SCTS {
            return None;
        }
        let mut s = Reader(r.vec(2)?);
        if s.uint(1)? != 0 {
            // Only v1 SCTs exist.
            return None;
        }
        let sct = Sct {
            log_id: s.take(32)?,
            timestamp_ms: s.uint(8)?,
            extensions: s.vec(2)?,
            hash_alg: u8::try_from(s.uint(1)?).ok()?,
            sig_alg: u8::try_from(s.uint(1)?).ok()?,
            signature: s.vec(2)?,
        };
        if !s.0.is_empty() {
            return None;
        }
        out.push(sct);
    }
    Some(out)
}

/// RFC 6962 §3.2: the data an SCT for a precertificate signs.
fn signed_data(sct: &Sct<'_>, issuer_key_hash: &[u8; 32], tbs: &[u8]) -> Option<Vec<u8>> {
    let tbs_len = u32::try_from(tbs.len()).ok().filter(|l| *l < (1 << 24))?;
    let ext_len = u16::try_from(sct.extensions.len()).ok()?;
    let mut d = Vec::with_capacity(tbs.len() + 64);
    d.push(0); // sct_version v1
    d.push(0); // signature_type certificate_timestamp
    d.extend_from_slice(&sct.timestamp_ms.to_be_bytes());
    d.extend_from_slice(&1u16.to_be_bytes()); // entry_type precert_entry
    d.extend_from_slice(issuer_key_hash);
    d.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
    d.extend_from_slice(tbs);
    d.extend_from_slice(&ext_len.to_be_bytes());
    d.extend_from_slice(sct.extensions);
    Some(d)
}

/// Counts the embedded SCTs that verify against a CT log of the trusted root, over the
/// precertificate reconstructed from the leaf and the issuing CA's key. Returns the number that
/// verified and a description of why the others did not.
pub(crate) fn verify_scts(
    leaf: &Leaf,
    issuer_spki_der: &[u8],
    ctlogs: &[LogInfo],
    backend: Backend,
) -> Result<(usize, Vec<String>), Error> {
    let (Some(list), Some(tbs)) = (&leaf.sct_list, &leaf.precert_tbs) else {
        return Ok((0, vec!["the certificate has no embedded SCTs".into()]));
    };
    let scts = parse_list(list).ok_or_else(|| Error::CertificateTransparency {
        reason: "the embedded SCT list is malformed".into(),
    })?;
    let issuer_key_hash = backend.sha256(issuer_spki_der);
    let mut verified = 0;
    let mut problems = Vec::new();
    for sct in &scts {
        let id = hex::encode(sct.log_id);
        let Some(log) = ctlogs.iter().find(|l| l.key_id == sct.log_id) else {
            problems.push(format!(
                "SCT from CT log {id} which is not in the trusted root"
            ));
            continue;
        };
        let t = i64::try_from(sct.timestamp_ms / 1000).unwrap_or(i64::MAX);
        if !log.valid_for.contains(t) {
            problems.push(format!(
                "SCT time {} is outside CT log {} validity {}",
                crate::time::format_time(t),
                log.base_url,
                log.valid_for
            ));
            continue;
        }
        // RFC 5246 §7.4.1.4.1: hash 4 = sha256; signature 3 = ecdsa, 1 = rsa.
        let scheme = match (sct.hash_alg, sct.sig_alg, log.key.key_type()) {
            (4, 3, KeyType::P256) => Some(SigScheme::EcdsaP256Sha256),
            (4, 3, KeyType::P384) => Some(SigScheme::EcdsaP384Sha256),
            (4, 1, KeyType::Rsa) => Some(SigScheme::RsaPkcs1Sha256),
            (5, 3, KeyType::P384) => Some(SigScheme::EcdsaP384Sha384),
            _ => None,
        };
        let Some(scheme) = scheme else {
            problems.push(format!(
                "SCT from {} uses hash {} / signature {} which does not fit its key",
                log.base_url, sct.hash_alg, sct.sig_alg
            ));
            continue;
        };
        let _ = HashAlg::Sha256;
        let ok = signed_data(sct, &issuer_key_hash, tbs)
            .is_some_and(|data| log.key.verify(backend, scheme, &data, sct.signature));
        if ok {
            verified += 1;
        } else {
            problems.push(format!(
                "SCT signature from CT log {} does not verify",
                log.base_url
            ));
        }
    }
    Ok((verified, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lists_do_not_parse() {
        assert!(parse_list(&[]).is_none());
        assert!(parse_list(&[0, 5, 1]).is_none());
        assert!(parse_list(&[0, 0]).is_some_and(|v| v.is_empty()));
        // One SCT with a non-v1 version.
        let mut l = vec![0, 3, 0, 1, 1];
        assert!(parse_list(&l).is_none());
        l.truncate(0);
    }
}
