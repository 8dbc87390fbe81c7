//! Checkpoints: C2SP signed notes (`signed-note`) carrying a C2SP `tlog-checkpoint` body.
//!
//! Whose checkpoint it is: the log is bound by its key (the signature line's key hint is the
//! first four bytes of the log id, and its signature verifies with the log key); the origin
//! line must be one that log writes ([`Checkpoint::signer_name`]), and the signature line is
//! the one named after it.
//! - **Rekor v2** (rekor-tiles): the origin is the host of the trusted root's `baseUrl`
//!   (`log2025-1.rekor.sigstore.dev`), and so is the key name; anything else is refused.
//! - **Rekor v1**: the origin is `<hostname> - <tree id>`, where the hostname is the server's
//!   own setting, not necessarily the `baseUrl` host (a private deployment's, e.g. a Kubernetes
//!   pod name in sigstore's scaffolding: `rekor-server-7d9f8 - 1234567`), and Rekor v1 signs
//!   with the hostname as the key name. Any origin of that form is accepted, as sigstore-go
//!   does; the bare `baseUrl` host is accepted too. The origin is reported in the result
//!   ([`crate::LogEntryInfo::checkpoint_origin`]).
//!
//! Which of the two an entry is comes from its kind version (`0.0.2` entries other than
//! `intoto` are Rekor v2), never from the shape of its checkpoint's origin.

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

    /// The key name that must sign this checkpoint for `log`, from its origin line.
    ///
    /// Rekor v2 (C2SP tlog-checkpoint, as rekor-tiles writes it): the origin is the log's, the
    /// host of the trusted root's `baseUrl` (`log2025-1.rekor.sigstore.dev`), and so is the key
    /// name.
    ///
    /// Rekor v1: the origin is `<hostname> - <tree id>`, where the hostname is the server's own
    /// setting (`rekor_server.hostname`: `rekor.sigstore.dev` for the public-good log, a
    /// Kubernetes pod name in sigstore's scaffolding deployment), not necessarily the host of
    /// the trusted root's `baseUrl`; Rekor v1 signs with the hostname as the key name. So any
    /// origin of that form is accepted, as sigstore-go does (`.* - [0-9]+`): the log is bound
    /// by its key (the key hint and the signature), not by the name. The bare `baseUrl` host,
    /// without a tree id, is accepted too (sigstore-go reads such a checkpoint as a signed note
    /// of that host).
    pub(crate) fn signer_name<'s>(
        &'s self,
        log: &'s LogInfo,
        rekor_v2: bool,
    ) -> Result<&'s str, Error> {
        let host = log.origin_name();
        if self.origin == host {
            return Ok(host);
        }
        if rekor_v2 {
            return Err(tlog_err(
                "checkpoint",
                format!(
                    "origin: expected {host:?} (the Rekor v2 log's baseUrl host), found {:?}",
                    self.origin
                ),
            ));
        }
        self.origin
            .rsplit_once(" - ")
            .filter(|(name, tree)| {
                !name.is_empty() && !tree.is_empty() && tree.bytes().all(|b| b.is_ascii_digit())
            })
            .map(|(name, _)| name)
            .ok_or_else(|| {
                tlog_err(
                    "checkpoint",
                    format!(
                        "origin: expected \"<hostname> - <tree id>\" (Rekor v1) or {host:?}, found {:?}",
                        self.origin
                    ),
                )
            })
    }

    /// C2SP signed-note §Verifying, for the log's checkpoint (origin rule: [`Self::signer_name`]):
    /// a signature line whose name is the signer's and whose key hint is the first four bytes
    /// of the log id verifies over the body with the log key.
    pub(crate) fn verify_log_signature(
        &self,
        log: &LogInfo,
        rekor_v2: bool,
        backend: Backend,
    ) -> Result<(), Error> {
        let name = self.signer_name(log, rekor_v2)?;
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
    fn origin_rules() {
        let inst = sigverify_testkit::Instance::new();
        let log = LogInfo {
            base_url: "https://rekor.example.test/".into(),
            hash_alg: crate::crypto::HashAlg::Sha256,
            key: crate::crypto::PublicKey::from_spki_der(
                inst.rekor_public_key_der(),
                Backend::default(),
            )
            .unwrap(),
            key_id: vec![0; 32],
            valid_for: crate::time::Window {
                start: 0,
                end: None,
            },
        };
        let cp = |origin: &str| Checkpoint {
            origin: origin.into(),
            size: 1,
            root_hash: Vec::new(),
            body: String::new(),
            signatures: Vec::new(),
        };
        for (origin, name) in [
            ("rekor.example.test - 123", "rekor.example.test"),
            ("rekor-server-7d9f8 - 1234567", "rekor-server-7d9f8"),
            ("a - b - 0", "a - b"),
            ("rekor.example.test", "rekor.example.test"),
        ] {
            assert_eq!(cp(origin).signer_name(&log, false).unwrap(), name);
        }
        for origin in [
            "rekor-server-7d9f8",
            "rekor-server-7d9f8 - ",
            " - 1234567",
            "rekor-server-7d9f8 - 12a4",
            "rekor-server-7d9f8 -1234567",
            "rekor-server-7d9f8 - -1",
            "rekor-server-7d9f8 - 1 ",
            "rekor.example.test/",
        ] {
            let e = cp(origin).signer_name(&log, false).unwrap_err();
            assert!(
                e.to_string().contains("<hostname> - <tree id>"),
                "{origin:?}: {e}"
            );
        }
        assert_eq!(
            cp("rekor.example.test").signer_name(&log, true).unwrap(),
            "rekor.example.test"
        );
        for origin in [
            "rekor.example.test - 1",
            "rekor-server-7d9f8 - 1",
            "other.test",
        ] {
            let e = cp(origin).signer_name(&log, true).unwrap_err();
            assert!(e.to_string().contains("Rekor v2"), "{origin:?}: {e}");
        }
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
