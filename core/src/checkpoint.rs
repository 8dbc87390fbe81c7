//! Checkpoints: C2SP signed notes (`signed-note`) carrying a C2SP `tlog-checkpoint` body.

use crate::crypto::{Backend, KeyType, SigScheme};
use crate::encoding::b64;
use crate::error::{tlog_err, Error};
use crate::limits;
use crate::trust_root::LogInfo;

/// One signature line: `— <name> <base64(key hint || signature)>`.
#[derive(Clone, Debug)]
pub(crate) struct NoteSignature {
    pub(crate) name: String,
    pub(crate) key_hint: [u8; 4],
    pub(crate) signature: Vec<u8>,
}

/// A parsed checkpoint.
#[derive(Clone, Debug)]
pub(crate) struct Checkpoint {
    pub(crate) origin: String,
    pub(crate) size: u64,
    pub(crate) root_hash: Vec<u8>,
    /// The signed text: every body line with its newline.
    pub(crate) body: String,
    pub(crate) signatures: Vec<NoteSignature>,
}

impl Checkpoint {
    /// Parses a signed note (C2SP signed-note §Format) and its checkpoint body
    /// (C2SP tlog-checkpoint: origin, decimal tree size, base64 root hash, optional extension
    /// lines).
    pub(crate) fn parse(text: &str) -> Result<Checkpoint, Error> {
        let bad = |r: &str| tlog_err("checkpoint", r.to_owned());
        if text.len() > limits::MAX_CHECKPOINT_BYTES {
            return Err(bad("checkpoint is too large"));
        }
        if text.chars().any(|c| c.is_control() && c != '\n') {
            return Err(bad("checkpoint contains control characters"));
        }
        let split = text
            .find("\n\n")
            .ok_or_else(|| bad("no blank line between the body and the signatures"))?;
        let body = text.get(..=split).ok_or_else(|| bad("malformed"))?;
        let sigs = text.get(split + 2..).ok_or_else(|| bad("malformed"))?;
        let mut lines = body.lines();
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("the origin line is missing"))?;
        let size = lines
            .next()
            .ok_or_else(|| bad("the tree size line is missing"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(bad("the tree size is not a decimal number"));
        }
        let size = size
            .parse::<u64>()
            .map_err(|_| bad("the tree size is out of range"))?;
        let root = lines
            .next()
            .ok_or_else(|| bad("the root hash line is missing"))?;
        let root_hash = b64("checkpoint root hash", root)?;
        if !sigs.ends_with('\n') {
            return Err(bad("the signature block must end with a newline"));
        }
        let mut signatures = Vec::new();
        for line in sigs.lines() {
            if signatures.len() >= limits::MAX_CHECKPOINT_SIGNATURES {
                return Err(Error::LimitExceeded {
                    what: "checkpoint signature lines",
                    limit: limits::MAX_CHECKPOINT_SIGNATURES as u64,
                    found: sigs.lines().count() as u64,
                });
            }
            let rest = line.strip_prefix("\u{2014} ").ok_or_else(|| {
                bad("a signature line does not start with an em dash and a space")
            })?;
            let (name, sig) = rest
                .split_once(' ')
                .ok_or_else(|| bad("a signature line has no signature"))?;
            if name.is_empty() || sig.contains(' ') {
                return Err(bad("a signature line is malformed"));
            }
            let raw = b64("checkpoint signature", sig)?;
            if raw.len() < 5 {
                return Err(bad("a signature is shorter than its key hint"));
            }
            let (hint, signature) = raw.split_at(4);
            let mut key_hint = [0u8; 4];
            key_hint.copy_from_slice(hint);
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_hint,
                signature: signature.to_vec(),
            });
        }
        if signatures.is_empty() {
            return Err(bad("the checkpoint has no signature lines"));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root_hash,
            body: body.to_owned(),
            signatures,
        })
    }

    /// Verifies that the log signed this checkpoint: the origin is the log's (Rekor v1 origins
    /// carry ` - <tree id>`), and a signature line whose name is the log's and whose key hint is
    /// the first four bytes of the log id verifies over the body with the log key.
    pub(crate) fn verify_log_signature(
        &self,
        log: &LogInfo,
        backend: Backend,
    ) -> Result<(), Error> {
        let name = log.origin_name();
        let origin_ok = self.origin == name
            || self
                .origin
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix(" - "))
                .is_some_and(|tree| !tree.is_empty() && tree.bytes().all(|b| b.is_ascii_digit()));
        if !origin_ok {
            return Err(tlog_err(
                "checkpoint",
                format!(
                    "origin: expected {name:?} (or \"{name} - <tree id>\"), found {:?}",
                    self.origin
                ),
            ));
        }
        let hint = log.key_id.get(..4).unwrap_or_default();
        let candidates: Vec<&NoteSignature> = self
            .signatures
            .iter()
            .filter(|s| s.name == name && s.key_hint == hint)
            .collect();
        if candidates.is_empty() {
            return Err(tlog_err(
                "checkpoint",
                format!(
                    "no signature line from the log: expected name {name:?} with key hint {}, found {}",
                    hex::encode(hint),
                    self.signatures
                        .iter()
                        .map(|s| format!("{:?}/{}", s.name, hex::encode(s.key_hint)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let scheme = match log.key.key_type() {
            KeyType::Ed25519 => SigScheme::Ed25519,
            _ => log.key.default_scheme(),
        };
        if candidates.iter().any(|s| {
            log.key
                .verify(backend, scheme, self.body.as_bytes(), &s.signature)
        }) {
            Ok(())
        } else {
            Err(Error::SignatureInvalid {
                check: crate::Check::TransparencyLog,
                what: format!("checkpoint signature by log {}", log.base_url),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "rekor.sigstore.dev - 2605736670972794746\n23083062\ndauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=\nTimestamp: 1689177396617352539\n\n\u{2014} rekor.sigstore.dev wNI9ajBFAiBxaGyEtxkzFLkaCSEJqFuSS3dJjEZCNiyByVs1CNVQ8gIhAOoNnXtmMtTctV2oRnSRUZAo4EWUYPK/vBsqOzAU6TMs\n";

    #[test]
    fn parses_a_real_checkpoint() {
        let c = Checkpoint::parse(GOOD).unwrap();
        assert_eq!(c.origin, "rekor.sigstore.dev - 2605736670972794746");
        assert_eq!(c.size, 23_083_062);
        assert_eq!(c.root_hash.len(), 32);
        assert!(c.body.ends_with("1689177396617352539\n"));
        assert_eq!(c.signatures.len(), 1);
        assert_eq!(hex::encode(c.signatures[0].key_hint), "c0d23d6a");
    }

    #[test]
    fn rejects_malformed_checkpoints() {
        for bad in [
            "",
            "origin\n1\nAAAA\n",
            "origin\n01\nAAAA\n\n\u{2014} a AAAAAAA=\n",
            "origin\nx\nAAAA\n\n\u{2014} a AAAAAAA=\n",
            "origin\n1\n!!!!\n\n\u{2014} a AAAAAAA=\n",
            "origin\n1\nAAAA\n\n- a AAAAAAA=\n",
            "origin\n1\nAAAA\n\n\u{2014} a AAAAAAA=",
            "origin\n1\nAAAA\n\n\u{2014} a AAAA\n",
            "\n1\nAAAA\n\n\u{2014} a AAAAAAA=\n",
            "origin\n1\nAAAA\n\n",
        ] {
            assert!(Checkpoint::parse(bad).is_err(), "{bad:?}");
        }
    }
}
