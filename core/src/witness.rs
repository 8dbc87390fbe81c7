//! Witness policy: k of n named witnesses must have cosigned a log's checkpoint
//! (C2SP `tlog-cosignature`, keys given as C2SP `signed-note` verifier keys).
//!
//! A witness cosignature says that, as of its timestamp, the witness saw this checkpoint and
//! checked that it is consistent with every earlier one it saw: requiring a quorum of
//! independent witnesses defeats a log that shows different views to different clients.

use crate::checkpoint::Checkpoint;
use crate::crypto::{Backend, SigScheme};
use crate::encoding::b64;
use crate::error::Error;

/// Signature types of C2SP signed-note verifier keys that sigverify accepts for witnesses.
const TYPE_ED25519: u8 = 0x01;
const TYPE_COSIGNATURE_V1: u8 = 0x04;

/// One witness: a note verifier key (`<name>+<hex key id>+<base64(type || key)>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    name: String,
    key_id: [u8; 4],
    sig_type: u8,
    key: [u8; 32],
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::InvalidPolicy {
        path: "witness".into(),
        reason: reason.into(),
    }
}

impl Witness {
    /// Parses a C2SP verifier key (`vkey`). Types: 0x04 (Ed25519 `cosignature/v1`, what
    /// witnesses use) and 0x01 (plain Ed25519 note signature).
    pub fn from_vkey(vkey: &str) -> Result<Witness, Error> {
        let mut parts = vkey.trim().splitn(3, '+');
        let (Some(name), Some(hash), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid(format!("{vkey:?} is not <name>+<key id>+<key>")));
        };
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+') {
            return Err(invalid(format!("bad witness name {name:?}")));
        }
        let raw = b64("witness key", key).map_err(|e| invalid(e.to_string()))?;
        let (&sig_type, key) = raw.split_first().ok_or_else(|| invalid("empty key"))?;
        if sig_type != TYPE_ED25519 && sig_type != TYPE_COSIGNATURE_V1 {
            return Err(invalid(format!(
                "witness {name}: unsupported key type 0x{sig_type:02x} (0x01 Ed25519, 0x04 Ed25519 cosignature/v1)"
            )));
        }
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| invalid(format!("witness {name}: an Ed25519 key is 32 bytes")))?;
        let key_id = Self::compute_key_id(name, sig_type, &key);
        if hash.len() != 8 || hex::encode(key_id) != hash.to_ascii_lowercase() {
            return Err(invalid(format!(
                "witness {name}: key id {hash} does not match the key (expected {})",
                hex::encode(key_id)
            )));
        }
        Ok(Witness {
            name: name.to_owned(),
            key_id,
            sig_type,
            key,
        })
    }

    /// C2SP signed-note: key ID = SHA-256(name || "\n" || type || key)[:4].
    fn compute_key_id(name: &str, sig_type: u8, key: &[u8; 32]) -> [u8; 4] {
        let mut h = Backend::default().hasher(crate::HashAlg::Sha256);
        h.update(name.as_bytes());
        h.update(b"\n");
        h.update(&[sig_type]);
        h.update(key);
        let d = h.finish();
        let mut id = [0u8; 4];
        id.copy_from_slice(d.get(..4).unwrap_or(&[0; 4]));
        id
    }

    /// The witness's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Does a signature line of `cp` from this witness verify? For cosignature/v1 the signed
    /// message is `cosignature/v1\ntime <t>\n` followed by the checkpoint body; a timestamp after
    /// `now` is refused.
    fn cosigned(&self, cp: &Checkpoint, now: i64, backend: Backend) -> bool {
        cp.signatures
            .iter()
            .filter(|s| s.name == self.name && s.key_hint == self.key_id)
            .any(|s| match self.sig_type {
                TYPE_COSIGNATURE_V1 => {
                    let Some((ts, sig)) = s.signature.split_first_chunk::<8>() else {
                        return false;
                    };
                    let t = u64::from_be_bytes(*ts);
                    if t > i64::MAX as u64 || t as i64 > now || sig.len() != 64 {
                        return false;
                    }
                    let msg = format!("cosignature/v1\ntime {t}\n{}", cp.body);
                    backend.verify_raw(SigScheme::Ed25519, &self.key, msg.as_bytes(), sig)
                }
                _ => backend.verify_raw(
                    SigScheme::Ed25519,
                    &self.key,
                    cp.body.as_bytes(),
                    &s.signature,
                ),
            })
    }
}

/// Requires at least `threshold` of the named witnesses to have cosigned each checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessPolicy {
    threshold: usize,
    witnesses: Vec<Witness>,
}

impl WitnessPolicy {
    /// `threshold` of `witnesses` (k of n). A threshold of 0 or above n is refused, as are two
    /// witnesses with the same name.
    pub fn new(threshold: usize, witnesses: Vec<Witness>) -> Result<WitnessPolicy, Error> {
        if threshold == 0 || threshold > witnesses.len() {
            return Err(invalid(format!(
                "threshold {threshold} must be between 1 and the number of witnesses ({})",
                witnesses.len()
            )));
        }
        for (i, w) in witnesses.iter().enumerate() {
            if witnesses.iter().skip(i + 1).any(|o| o.name == w.name) {
                return Err(invalid(format!("witness {} is named twice", w.name)));
            }
        }
        Ok(WitnessPolicy {
            threshold,
            witnesses,
        })
    }

    /// How many of the witnesses must have cosigned.
    pub fn threshold(&self) -> usize {
        self.threshold
    }

    /// The witness policy of a verifier's options, as every face takes them: note verifier keys
    /// (`name+hexid+base64`) and a threshold that defaults to all of them. No keys and no
    /// threshold is no witness policy; a threshold without keys is refused (a quorum of nobody
    /// would pass every checkpoint, or none).
    pub fn from_vkeys<S: AsRef<str>>(
        vkeys: Option<&[S]>,
        threshold: Option<usize>,
    ) -> Result<Option<WitnessPolicy>, Error> {
        match (vkeys, threshold) {
            (None, None) => Ok(None),
            (None, Some(_)) => Err(invalid(
                "a witness threshold needs witnesses (note verifier keys)",
            )),
            (Some(keys), k) => {
                let list = keys
                    .iter()
                    .map(|v| Witness::from_vkey(v.as_ref()))
                    .collect::<Result<Vec<_>, _>>()?;
                let n = k.unwrap_or(list.len());
                WitnessPolicy::new(n, list).map(Some)
            }
        }
    }

    /// Checks a checkpoint; returns the names of the witnesses whose cosignature verified.
    pub(crate) fn check(
        &self,
        cp: &Checkpoint,
        now: i64,
        backend: Backend,
    ) -> Result<Vec<String>, Error> {
        let ok: Vec<String> = self
            .witnesses
            .iter()
            .filter(|w| w.cosigned(cp, now, backend))
            .map(|w| w.name.clone())
            .collect();
        if ok.len() < self.threshold {
            return Err(Error::TransparencyLog {
                part: "witness cosignatures",
                reason: format!(
                    "expected cosignatures from at least {} of [{}], found {} ({})",
                    self.threshold,
                    self.witnesses
                        .iter()
                        .map(|w| w.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    ok.len(),
                    if ok.is_empty() {
                        "none".to_owned()
                    } else {
                        ok.join(", ")
                    }
                ),
            });
        }
        Ok(ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vkeys() {
        // The C2SP signed-note example verifier key.
        let w = Witness::from_vkey(
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        )
        .unwrap();
        assert_eq!(w.name(), "PeterNeumann");
        assert!(Witness::from_vkey(
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
        )
        .is_err());
        assert!(Witness::from_vkey("PeterNeumann+c74f20a3").is_err());
        assert!(Witness::from_vkey("PeterNeumann+c74f20a3+AhpcQ==").is_err());
        assert!(WitnessPolicy::new(0, vec![w.clone()]).is_err());
        assert!(WitnessPolicy::new(2, vec![w.clone()]).is_err());
        assert!(WitnessPolicy::new(1, vec![w.clone(), w.clone()]).is_err());
        assert!(WitnessPolicy::new(1, vec![w]).is_ok());
    }

    #[test]
    fn quorum_from_options() {
        let key = ["PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"];
        let none: Option<&[&str]> = None;
        assert_eq!(WitnessPolicy::from_vkeys(none, None).unwrap(), None);
        let all = WitnessPolicy::from_vkeys(Some(&key[..]), None)
            .unwrap()
            .unwrap();
        assert_eq!(all.threshold, 1);
        for (keys, k) in [
            (none, Some(1)),
            (Some(&key[..]), Some(0)),
            (Some(&key[..]), Some(2)),
        ] {
            let e = WitnessPolicy::from_vkeys(keys, k).unwrap_err();
            assert_eq!(e.code(), "invalid-policy", "{keys:?} {k:?}");
        }
        assert_eq!(
            WitnessPolicy::from_vkeys::<&str>(Some(&["nope"][..]), None)
                .unwrap_err()
                .code(),
            "invalid-policy"
        );
    }
}
