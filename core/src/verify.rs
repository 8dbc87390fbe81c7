//! The verifier: trusted material prepared once ([`Verifier::with_options`]), then each bundle
//! checked by [`Verifier::verify`], whose body is its table of contents: one named step per
//! check, each under the line of the Sigstore client specification it implements (its §4,
//! "Verification", in sigstore/architecture-docs `client-spec.md`; the § numbers here are
//! its own). The checks themselves live in the modules of their concepts (`tlog`,
//! `timestamp`, `x509`, `ct`, `dsse`, `policy`); the steps here call them and count.
//!
//! # The order, and why
//!
//! Every step must pass and the first failure is returned, so the order decides which failure a
//! bad bundle reports and how much work it costs, never whether it verifies. The spec presents
//! time, certificate, log entry and signature in that order and sigstore-go's `Verify()` runs
//! log, timestamps, certificate, SCTs, signature, policy; both only ask that verification stop
//! at the first failure. Ours, after [`Verifier::verify_json`]'s parse (`Bundle::from_json`:
//! media type, shape, counts, strict encodings, limits; no cryptography):
//!
//! 1. **Signing material against the policy** (§4.1 Inputs): a key policy needs a key bundle,
//!    an identity policy a certificate; extra chain certificates, then the leaf's DER. First
//!    because it verifies no signature: the wrong kind of bundle is refused for what it is.
//! 2. **Artifact and signature** (§4.5): the `messageDigest` hint, then the message signature;
//!    or the DSSE payload type, the signatures over PAE, the in-toto statement and its
//!    subjects. Before the log: a bundle for another artifact or with a forged signature is
//!    reported as such (`artifact-mismatch`, `signature-invalid`), not as a log entry whose
//!    body differs; one signature costs less than a log entry's; and the log's body is then
//!    compared with a signature known to be good.
//! 3. **Transparency log entries** (§4.4), then their threshold over distinct logs (§4.6). A
//!    Rekor v1 entry's SET is verified here, with its body (§4.2.2 puts the SET first only to
//!    get the integrated time, which nothing needs before step 5).
//! 4. **RFC 3161 timestamps** (§4.2.1), every one present, then their threshold.
//! 5. **Verified times** (§4.2): at least one, none after `now`. After steps 3 and 4, which
//!    are their two sources.
//! 6. **Rekor v2 log keys** at every verified time: an entry without an integrated time is
//!    dated by the timestamps, so this needs step 5.
//! 7. **Certificate** (§4.3), certificate bundles only: the leaf valid at every verified time,
//!    path validation to a Fulcio CA of the trusted root (at the first verified time, the CA's
//!    `validFor` at every one: the "hybrid model"), then the SCTs, which are signed over the
//!    key of the CA that validated the path.
//!    Time before certificate, as the spec says: "this timestamp is required to validate the
//!    certificate chain, so this step comes first".
//! 8. **Policy** (§4.3, last paragraph): the SAN, the Fulcio claims and the statement. Last,
//!    so that it only judges a certificate and a statement already proven authentic: a forged
//!    certificate reports its forgery, never an identity mismatch.
//!
//! The steps follow [`Verifier::verify`] in that order: the verifier's methods first, then the
//! functions that need only the bundle and the artifact.

use std::cell::OnceCell;

use crate::bundle::{Bundle, BundleVersion, Content, Envelope, Material};
use crate::crypto::{Backend, HashAlg, PublicKey, SigScheme};
use crate::dsse::{pae, Statement, IN_TOTO_PAYLOAD_TYPE};
use crate::error::{Check, Error};
use crate::limits;
use crate::policy::Policy;
use crate::result::{Claim, Signer, TimeSource, VerificationResult, VerifiedTime};
use crate::time::format_time;
use crate::timestamp;
use crate::tlog::{self, Expected, LogEntryInfo};
use crate::trust_root::{LogInfo, TrustedRoot};
use crate::witness::WitnessPolicy;
use crate::x509::{AuthorityChain, Leaf, Purpose};

/// The artifact to verify against: its bytes, or a digest computed by the caller.
#[derive(Clone, Debug)]
pub enum Artifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// A digest of the artifact (ECDSA and RSA message signatures and DSSE only; Ed25519 message
    /// signatures need the bytes).
    Digest(HashAlg, Vec<u8>),
}

impl Artifact<'static> {
    /// Parses `sha256:HEX` (also `sha384:`, `sha512:`).
    pub fn parse_digest(s: &str) -> Result<Artifact<'static>, Error> {
        let bad = |r: String| Error::InvalidArtifact { reason: r };
        let (alg, hex_value) = s
            .split_once(':')
            .ok_or_else(|| bad(format!("expected ALG:HEX, found {s:?}")))?;
        let alg = HashAlg::from_name(alg).ok_or_else(|| {
            bad(format!(
                "unsupported digest algorithm {alg:?} (sha256, sha384, sha512)"
            ))
        })?;
        let d = hex::decode(hex_value)
            .map_err(|_| bad(format!("the {} digest is not hex", alg.name())))?;
        if d.len() != alg.digest_len() {
            return Err(bad(format!(
                "a {} digest is {} bytes, found {}",
                alg.name(),
                alg.digest_len(),
                d.len()
            )));
        }
        Ok(Artifact::Digest(alg, d))
    }
}

// Here, beside the artifact it is for, rather than in `bundle`, which is below `policy` and does
// not depend on it.
impl Bundle {
    /// [`Bundle::artifact_digest_algorithm`] knowing the policy the bundle will be verified
    /// with: for a managed-key bundle, the policy's key tells which hash it signs over (ECDSA
    /// P-256 with SHA-256, ...). Still `None` for Ed25519 keys, which sign the message itself.
    pub fn artifact_digest_algorithm_for(&self, policy: &Policy) -> Option<HashAlg> {
        self.digest_algorithm_with(policy.key())
    }
}

/// Computes and caches the artifact's digests on demand.
struct Digests<'a> {
    artifact: &'a Artifact<'a>,
    backend: Backend,
    cache: [OnceCell<Vec<u8>>; 3],
}

impl<'a> Digests<'a> {
    fn new(artifact: &'a Artifact<'a>, backend: Backend) -> Self {
        Digests {
            artifact,
            backend,
            cache: Default::default(),
        }
    }

    fn get(&self, alg: HashAlg) -> Option<Vec<u8>> {
        match self.artifact {
            Artifact::Bytes(b) => {
                let i = match alg {
                    HashAlg::Sha256 => 0,
                    HashAlg::Sha384 => 1,
                    HashAlg::Sha512 => 2,
                };
                self.cache
                    .get(i)
                    .map(|c| c.get_or_init(|| self.backend.hash(alg, b)).clone())
            }
            Artifact::Digest(a, d) => (*a == alg).then(|| d.clone()),
        }
    }
}

/// How many of each kind of evidence a bundle must carry, as in sigstore-go's verifier options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifierOptions {
    /// Transparency log entries (from distinct logs) that must verify. Default 1.
    pub tlog_threshold: usize,
    /// Embedded SCTs that must verify against the trusted root's CT logs. Default 1.
    pub sct_threshold: usize,
    /// RFC 3161 timestamps that must verify. Default 0; any timestamp present must verify.
    pub timestamp_threshold: usize,
}

impl VerifierOptions {
    /// Refuses options out of range (above [`limits::MAX_THRESHOLD`]) or that `root` can never
    /// meet, as sigstore-go's `VerifierConfig.Validate` does: more transparency logs than the
    /// root has (entries count from distinct logs), a timestamp threshold with no timestamp
    /// authority. (An SCT threshold with no CT log is left to fail each certificate bundle:
    /// managed-key bundles need no SCT.) GitHub's instance has no log and no CT: it needs
    /// `tlog_threshold: 0, sct_threshold: 0, timestamp_threshold: 1`, said explicitly.
    pub fn validate(&self, root: &TrustedRoot) -> Result<(), Error> {
        for (option, value) in [
            ("tlog_threshold", self.tlog_threshold),
            ("sct_threshold", self.sct_threshold),
            ("timestamp_threshold", self.timestamp_threshold),
        ] {
            if value > limits::MAX_THRESHOLD {
                return Err(Error::InvalidOptions {
                    option,
                    reason: format!("expected 0 to {}, found {value}", limits::MAX_THRESHOLD),
                });
            }
        }
        if self.tlog_threshold > root.tlog_count() {
            return Err(Error::InvalidOptions {
                option: "tlog_threshold",
                reason: format!(
                    "the trusted root has {} transparency log(s), so a threshold of {} can \
                     never be met{}",
                    root.tlog_count(),
                    self.tlog_threshold,
                    if root.tlog_count() == 0 {
                        "; pass tlog_threshold 0 (and timestamp_threshold 1) explicitly"
                    } else {
                        ""
                    }
                ),
            });
        }
        if self.timestamp_threshold > 0 && root.timestamp_authority_count() == 0 {
            return Err(Error::InvalidOptions {
                option: "timestamp_threshold",
                reason: format!(
                    "the trusted root has no timestamp authority, so a threshold of {} can \
                     never be met",
                    self.timestamp_threshold
                ),
            });
        }
        Ok(())
    }
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions {
            tlog_threshold: 1,
            sct_threshold: 1,
            timestamp_threshold: 0,
        }
    }
}

/// Verifies bundles against one trusted root. Build it once and share it (`Send + Sync`):
/// keys are parsed and every CA and TSA chain is validated here (CA flags, path lengths, key
/// usages, names, validity), not per bundle. The chains' certificate signatures are checked
/// once per authority, the first time a bundle needs that authority, and remembered (so a
/// command pays only for the authorities it uses; [`Verifier::check_trusted_root`] checks them
/// all at once). For the embedded roots they are constant data, checked by the tests.
#[derive(Debug)]
pub struct Verifier {
    backend: Backend,
    tlogs: Vec<LogInfo>,
    ctlogs: Vec<LogInfo>,
    cas: Vec<AuthorityChain>,
    tsas: Vec<AuthorityChain>,
    options: VerifierOptions,
    witnesses: Option<WitnessPolicy>,
}

impl Verifier {
    /// A verifier with the default backend and options.
    pub fn new(root: &TrustedRoot) -> Result<Verifier, Error> {
        Verifier::with_options(root, VerifierOptions::default(), Backend::default())
    }

    /// A verifier with explicit thresholds and crypto backend.
    pub fn with_options(
        root: &TrustedRoot,
        options: VerifierOptions,
        backend: Backend,
    ) -> Result<Verifier, Error> {
        options.validate(root)?;
        let cas = root
            .cas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                AuthorityChain::new(
                    &format!("certificateAuthorities[{i}]"),
                    a,
                    Purpose::CodeSigning,
                    backend,
                    !root.chain_signatures_prechecked,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tsas = root
            .tsas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                AuthorityChain::new(
                    &format!("timestampAuthorities[{i}]"),
                    a,
                    Purpose::TimeStamping,
                    backend,
                    !root.chain_signatures_prechecked,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Verifier {
            backend,
            tlogs: root.tlogs.clone(),
            ctlogs: root.ctlogs.clone(),
            cas,
            tsas,
            options,
            witnesses: None,
        })
    }

    /// Checks now what is otherwise checked on first use: every CA and TSA chain's certificate
    /// signatures (each certificate signed by the next). For callers that want a trusted root
    /// refused before any bundle (e.g. right after a TUF refresh).
    pub fn check_trusted_root(&self) -> Result<(), Error> {
        self.cas
            .iter()
            .chain(&self.tsas)
            .try_for_each(|a| a.chain_signatures(self.backend))
    }

    /// Requires every log entry's checkpoint to be cosigned by a quorum of witnesses.
    pub fn with_witness_policy(mut self, policy: WitnessPolicy) -> Verifier {
        self.witnesses = Some(policy);
        self
    }

    /// Does one of this verifier's certificate authorities issue the bundle's certificate?
    /// (Chooses between trust domains, e.g. public-good and GitHub's instance.)
    pub fn issues_certificate_of(&self, bundle: &Bundle) -> bool {
        match &bundle.material {
            Material::Certificate(der) => crate::x509::issuer_name_der(der).is_some_and(|issuer| {
                self.cas
                    .iter()
                    .any(|c| c.issuer_positions(&issuer).next().is_some())
            }),
            Material::PublicKey { .. } => false,
        }
    }

    /// The crypto backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Parses and verifies a bundle given as JSON bytes. `now` (Unix seconds) is used only to
    /// reject verified times from the future.
    pub fn verify_json(
        &self,
        bundle_json: &[u8],
        artifact: &Artifact<'_>,
        policy: &Policy,
        now: i64,
    ) -> Result<VerificationResult, Error> {
        self.verify(&Bundle::from_json(bundle_json)?, artifact, policy, now)
    }

    /// Verifies a parsed bundle: the steps of the module header, in order; the first failure
    /// is returned. `now` (Unix seconds) is used only to reject verified times from the future.
    pub fn verify(
        &self,
        bundle: &Bundle,
        artifact: &Artifact<'_>,
        policy: &Policy,
        now: i64,
    ) -> Result<VerificationResult, Error> {
        let digests = Digests::new(artifact, self.backend);

        // 1. Client spec §4.1 Inputs: the verification materials ("leaf certificate", or a
        // key) and the root key material "from the policy": the policy's kind of signer.
        let signer = self.signing_material(bundle, policy)?;

        // 2. Client spec §4.5 Signature Verification: "The Verifier MUST verify the provided signature for
        // the constructed payload against the key in the leaf of the certificate chain", with
        // each scheme the key may have used (P-384/P-521: the curve's hash, then SHA-256).
        let schemes = signer
            .key
            .artifact_schemes(bundle.version.allows_ecdsa_sha256_compat());
        let (statement, scheme) = match &bundle.content {
            Content::MessageSignature { digest, signature } => {
                // Bundle spec (`MessageSignature.message_digest`): a hint, but it must be the
                // artifact's digest.
                check_message_digest(digest.as_ref(), artifact, &digests)?;
                // §4.5: the payload is "the raw bytes of the artifact" or "the resultant
                // digest".
                let scheme =
                    self.check_message_signature(&signer.key, schemes, artifact, signature)?;
                (None, scheme)
            }
            Content::Dsse(envelope) => {
                // §4.5: "The DSSE `payloadType` must be `application/vnd.in-toto+json`".
                check_payload_type(envelope)?;
                // §4.5, DSSE: the signatures over PAE(payloadType, payload).
                let scheme = self.check_dsse_signatures(&signer.key, schemes, envelope)?;
                // §4.5: "The payload MUST be an in-toto statement."
                let statement = Statement::parse(&envelope.payload)?;
                // §4.5: "Verifier MUST ensure that the artifact's digest/algorithm tuple is
                // present in the list of subjects in the in-toto statement."
                check_statement_subjects(&statement, artifact, &digests)?;
                (Some(statement), scheme)
            }
        };

        // 3. Client spec §4.4 Transparency Log Entry: each entry's body names this signature, key or
        // certificate and artifact; its inclusion proof and checkpoint; its SET (§4.2.2).
        let entries = self.verify_log_entries(bundle, &signer, &digests, now)?;
        // §4.6 Threshold verification: "Verifiers MUST ensure that multiple entries in the
        // same log do not both count towards the threshold."
        self.check_tlog_threshold(&entries)?;

        // 4. Client spec §4.2.2 Rekor V1 Timestamp: "parse the `integratedTime`" of each entry whose SET
        // verified; then §4.2.1 Timestamping Service: "MUST verify the timestamping response
        // ... with the raw bytes of the signature as the timestamped data".
        let mut times = integrated_times(&entries);
        let timestamps = self.verify_timestamps(bundle)?;
        // §4: the policy says "whether to require signed timestamp(s) ... and, if so, how many".
        self.check_timestamp_threshold(timestamps.len())?;
        times.extend(timestamps);

        // 5. Client spec §4.2 Establishing a Time for the Signature: "This timestamp is required to
        // validate the certificate chain" (at least one; none after `now`).
        check_verified_times(&times, now)?;

        // 6. Trusted root (`TransparencyLogInstance.public_key.valid_for`) and Rekor v2 §4.2
        // (no SET: clients get an RFC 3161 timestamp): a log key valid at each verified time.
        check_log_key_validity(&entries, &times)?;

        // 7. Client spec §4.3 Certificate: "it must have a timestamp while every certificate in the chain
        // up to the root is valid".
        if let Some(leaf) = &signer.leaf {
            check_leaf_validity(leaf, &times)?;
            // §4.3: "The Verifier MUST perform certification path validation (RFC 5280 §6)
            // ... with a fake 'current time'": the first verified time, the CA's `validFor` at
            // every one.
            let (ca, pos) = self.check_certificate_path(leaf, &times)?;
            // §4.3: "the Verifier MUST extract the `SignedCertificateTimestamp` embedded in the
            // leaf certificate, and verify it as in RFC 6962 §3.2".
            self.check_scts(leaf, ca, pos)?;
        }

        // 8. Client spec §4.3: "The Verifier MUST then check the certificate against the verification
        // policy"; and the statement, for DSSE.
        let policy_checks = policy.check(signer.leaf.as_ref(), statement.as_ref())?;

        Ok(VerificationResult {
            bundle_version: bundle.version,
            media_type: bundle.media_type.clone(),
            signer: self.signer(signer),
            verified_times: times,
            log_entries: entries,
            statement,
            policy_checks,
            signature_digest_algorithm: scheme.hash(),
            backend: self.backend.name(),
        })
    }

    /// Step 1. The signing material the policy demands: a certificate (with an identity
    /// policy) or the policy's own key, never a key taken from the bundle.
    fn signing_material(&self, bundle: &Bundle, policy: &Policy) -> Result<SigningMaterial, Error> {
        match (&bundle.material, policy.key()) {
            (Material::Certificate(_), Some(_)) => Err(Error::PolicyMismatch {
                claim: "signing material".into(),
                expected: "a bundle signed with the given public key".into(),
                found: "a bundle signed with a certificate".into(),
            }),
            (Material::Certificate(der), None) => {
                self.check_chain_extra(bundle)?;
                let leaf = Leaf::parse(der, self.backend)?;
                let key = leaf.key.clone();
                Ok(SigningMaterial {
                    leaf: Some(leaf),
                    key,
                })
            }
            (Material::PublicKey { .. }, Some(k)) => Ok(SigningMaterial {
                leaf: None,
                key: k.clone(),
            }),
            (Material::PublicKey { hint }, None) => Err(Error::PolicyMismatch {
                claim: "signing material".into(),
                expected: "a certificate identity (the policy names one)".into(),
                found: format!(
                    "a bundle signed with a managed key{}; verify it with the key",
                    hint.as_deref()
                        .map(|h| format!(" (hint {h:?})"))
                        .unwrap_or_default()
                ),
            }),
        }
    }

    /// Step 1. Bundle spec: certificates after the leaf are never trusted. Copies of the
    /// trusted root's own CA certificates are harmless (sigstore-js v0.1 bundles carry the
    /// whole chain), but a self-signed root that the trusted root does not contain is refused.
    fn check_chain_extra(&self, bundle: &Bundle) -> Result<(), Error> {
        for (i, der) in bundle.chain_extra.iter().enumerate() {
            let known = self.cas.iter().any(|c| c.contains_cert(der));
            if crate::x509::is_self_issued(der) && !known {
                return Err(crate::error::bundle_err(
                    format!("verificationMaterial.x509CertificateChain.certificates[{}]", i + 1),
                    "the chain carries a self-signed root certificate that is not in the trusted root",
                ));
            }
        }
        Ok(())
    }

    /// Step 2. Bundle spec (`MessageSignature`): the signature over the artifact, by the
    /// leaf's or the policy's key, with the first of `schemes` that verifies. With the bytes,
    /// each scheme hashes them its own way; with a caller's digest, the digest's algorithm
    /// picks the one scheme (a P-384 key given `sha256:` verifies ECDSA P-384 over SHA-256).
    /// Returns the scheme that verified.
    fn check_message_signature(
        &self,
        key: &PublicKey,
        schemes: &[SigScheme],
        artifact: &Artifact<'_>,
        signature: &[u8],
    ) -> Result<SigScheme, Error> {
        let verified = match artifact {
            Artifact::Bytes(b) => schemes
                .iter()
                .find(|s| key.verify(self.backend, **s, b, signature)),
            Artifact::Digest(..) if schemes.contains(&SigScheme::Ed25519) => {
                return Err(Error::InvalidArtifact {
                    reason: "an Ed25519 message signature can only be verified with the artifact's bytes, not a digest".into(),
                })
            }
            Artifact::Digest(alg, d) => {
                let Some(s) = schemes.iter().find(|s| s.hash() == Some(*alg)) else {
                    return Err(Error::InvalidArtifact {
                        reason: format!(
                            "the signing key ({}) signs {} digests, but a {} digest was given",
                            key.describe(),
                            hash_names(schemes, " or "),
                            alg.name()
                        ),
                    });
                };
                key.verify_prehashed(self.backend, *s, d, signature)
                    .then_some(s)
            }
        };
        verified.copied().ok_or_else(|| Error::SignatureInvalid {
            check: Check::Signature,
            what: match (artifact, schemes) {
                (Artifact::Bytes(_), [_, _, ..]) => format!(
                    "the message signature over the artifact (hashed with {})",
                    hash_names(schemes, ", then with ")
                ),
                _ => "the message signature over the artifact".into(),
            },
        })
    }

    /// Step 2. DSSE: every signature over PAE(payloadType, payload), by the leaf's or the
    /// policy's key ([`dsse_signatures`]).
    fn check_dsse_signatures(
        &self,
        key: &PublicKey,
        schemes: &[SigScheme],
        env: &Envelope,
    ) -> Result<SigScheme, Error> {
        dsse_signatures(self.backend, key, schemes, env)
    }

    /// Step 3. Client spec §4.4: every entry (`tlog::verify_entry`: the log of the trusted
    /// root, the body against the bundle, the SET, the inclusion proof, the checkpoint and,
    /// with a witness policy, its cosignatures), compared with the signer and the artifact.
    fn verify_log_entries(
        &self,
        bundle: &Bundle,
        signer: &SigningMaterial,
        digests: &Digests<'_>,
        now: i64,
    ) -> Result<Vec<LogEntryInfo>, Error> {
        let leaf = signer.leaf.as_ref();
        let digest_fn = |a: HashAlg| digests.get(a);
        let expected = Expected {
            content: &bundle.content,
            signer_der: match leaf {
                Some(l) => &l.der,
                None => signer.key.spki_der(),
            },
            signer_b64: leaf.and(bundle.leaf_b64.as_deref()),
            signer_is_key: leaf.is_none(),
            artifact_digest: &digest_fn,
        };
        bundle
            .tlog_entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                tlog::verify_entry(
                    i,
                    e,
                    &self.tlogs,
                    &expected,
                    self.witnesses.as_ref(),
                    now,
                    self.backend,
                )
            })
            .collect()
    }

    /// Step 3. Client spec §4.6, threshold verification: entries from distinct logs.
    fn check_tlog_threshold(&self, entries: &[LogEntryInfo]) -> Result<(), Error> {
        let mut distinct_logs: Vec<&str> = entries.iter().map(|e| e.log_id.as_str()).collect();
        distinct_logs.sort_unstable();
        distinct_logs.dedup();
        if distinct_logs.len() < self.options.tlog_threshold {
            return Err(Error::TransparencyLog {
                part: "threshold",
                reason: format!(
                    "expected verified entries from at least {} transparency log(s), found {}",
                    self.options.tlog_threshold,
                    distinct_logs.len()
                ),
            });
        }
        Ok(())
    }

    /// Step 4. Client spec §4.2.1: every RFC 3161 timestamp present must verify
    /// (`timestamp::verify`: over the signature bytes, by a TSA of the trusted root); each
    /// gives a verified time, its genTime. The failure names the timestamp's index.
    fn verify_timestamps(&self, bundle: &Bundle) -> Result<Vec<VerifiedTime>, Error> {
        let sig_bytes = bundle.content.signature_bytes();
        bundle
            .timestamps
            .iter()
            .enumerate()
            .map(|(i, ts)| {
                let v = timestamp::verify(ts, sig_bytes, &self.tsas, self.backend).map_err(
                    |e| match e {
                        Error::Timestamp { reason } => Error::Timestamp {
                            reason: format!("timestamp {i}: {reason}"),
                        },
                        Error::SignatureInvalid { check, what } => Error::SignatureInvalid {
                            check,
                            what: format!("timestamp {i}: {what}"),
                        },
                        o => o,
                    },
                )?;
                Ok(VerifiedTime {
                    time: v.time,
                    source: TimeSource::Timestamp {
                        authority: v.authority,
                    },
                })
            })
            .collect()
    }

    /// Step 4. The verifier's timestamp threshold (client spec §4, the policy's "how many").
    fn check_timestamp_threshold(&self, verified: usize) -> Result<(), Error> {
        if verified < self.options.timestamp_threshold {
            return Err(Error::Timestamp {
                reason: format!(
                    "expected at least {} verified RFC 3161 timestamp(s), found {verified}",
                    self.options.timestamp_threshold
                ),
            });
        }
        Ok(())
    }

    /// Step 7. Client spec §4.3 and RFC 5280 §6: path validation of the leaf to a Fulcio CA of
    /// the trusted root (rustls-webpki, EKU codeSigning, at the first verified time), the CA's
    /// certificate signatures (checked once per authority and remembered) and its `validFor`
    /// at every verified time. The leaf's issuer may be any certificate of a CA's chain, as in
    /// sigstore-go (`AuthorityChain::issuer_positions`); the path is the leaf, that issuer and
    /// the certificates above it, and only their validity counts. Every CA certificate whose
    /// subject is the leaf's issuer is tried, in the root's order and from the bottom of each
    /// chain; returns the first CA that validates with the position of the leaf's issuer in
    /// its chain, else the last failure.
    fn check_certificate_path(
        &self,
        leaf: &Leaf,
        times: &[VerifiedTime],
    ) -> Result<(&AuthorityChain, usize), Error> {
        let first = times.first().map(|t| t.time).unwrap_or_default();
        let issuers: Vec<(&AuthorityChain, usize)> = self
            .cas
            .iter()
            .flat_map(|c| {
                c.issuer_positions(&leaf.issuer_der)
                    .map(move |pos| (c, pos))
            })
            .collect();
        if issuers.is_empty() {
            return Err(Error::CertificateChain {
                reason: "the signing certificate's issuer is not a certificate authority of the trusted root".into(),
            });
        }
        let mut last = None;
        for (ca, pos) in issuers {
            let r = ca
                .verify_leaf(&leaf.der, first, Purpose::CodeSigning, self.backend, pos)
                .map_err(|e| Error::CertificateChain {
                    reason: format!("path validation to {} failed: {e}", ca.uri),
                })
                .and_then(|()| ca.chain_signatures(self.backend))
                .and_then(|()| {
                    times.iter().try_for_each(|t| {
                        ca.check_time_at(Check::Certificate, "certificate authority", t.time, pos)
                    })
                });
            match r {
                Ok(()) => return Ok((ca, pos)),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| Error::CertificateChain {
            reason: "no certificate authority verified the signing certificate".into(),
        }))
    }

    /// Step 7. Client spec §4.3 and RFC 6962 §3.2: the leaf's embedded SCTs over the
    /// precertificate, with the key hash of the certificate that issued the leaf (at `pos` in
    /// the chain of `ca`, the CA that validated the path; sigstore-go: `chain[1]`), against
    /// the trusted root's CT logs (`ct::verify_scts`); at least `sct_threshold` must verify.
    fn check_scts(&self, leaf: &Leaf, ca: &AuthorityChain, pos: usize) -> Result<(), Error> {
        let spki = ca.key_at(pos).unwrap_or(&ca.first_key).spki_der();
        let (n, problems) = crate::ct::verify_scts(leaf, spki, &self.ctlogs, self.backend)?;
        if n < self.options.sct_threshold {
            return Err(Error::CertificateTransparency {
                reason: format!(
                    "expected at least {} verified SCT(s), found {n}: {}",
                    self.options.sct_threshold,
                    if problems.is_empty() {
                        "none".into()
                    } else {
                        problems.join("; ")
                    }
                ),
            });
        }
        Ok(())
    }

    /// The result's signer: the certificate's identity and claims, or the key's fingerprint.
    fn signer(&self, signer: SigningMaterial) -> Signer {
        match signer.leaf {
            Some(leaf) => Signer::Certificate {
                san: leaf.san.clone(),
                issuer: leaf.issuer().map(str::to_owned),
                claims: Claim::from_leaf(&leaf),
                certificate_der: leaf.der,
            },
            None => Signer::Key {
                spki_sha256: hex::encode(self.backend.sha256(signer.key.spki_der())),
            },
        }
    }
}

/// DSSE spec (PAE): every signature over PAE(payloadType, payload) by `key`, with the first of
/// `schemes` that verifies (sigstore-go verifies envelopes with the same compatibility verifier
/// as message signatures). Returns the scheme of the first one.
fn dsse_signatures(
    backend: Backend,
    key: &PublicKey,
    schemes: &[SigScheme],
    env: &Envelope,
) -> Result<SigScheme, Error> {
    let pae = pae(&env.payload_type, &env.payload);
    let mut first = None;
    for (i, (_, sig)) in env.signatures.iter().enumerate() {
        let Some(s) = schemes.iter().find(|s| key.verify(backend, **s, &pae, sig)) else {
            return Err(Error::SignatureInvalid {
                check: Check::Signature,
                what: format!("DSSE signature {i} over PAE(payloadType, payload)"),
            });
        };
        first.get_or_insert(*s);
    }
    first.ok_or_else(|| crate::error::bundle_err("dsseEnvelope.signatures", "no signature"))
}

/// The DSSE envelope of `bundle` signed by `key`, and nothing else: no transparency log, no
/// timestamp, no verified time, no certificate. The payload must be an in-toto statement.
///
/// This is model_signing's trust for its `key` and `certificate` methods (the caller's key,
/// or a key the caller's CA certified), so only `ecosystems::model` calls it; it is not
/// reachable from [`Verifier::verify`], which always requires the Sigstore evidence.
pub(crate) fn verify_dsse_signature_only(
    bundle: &Bundle,
    key: &PublicKey,
    backend: Backend,
) -> Result<(Statement, SigScheme), Error> {
    let Content::Dsse(env) = &bundle.content else {
        return Err(Error::Statement {
            reason: "expected a DSSE envelope (an in-toto statement), found a message signature"
                .into(),
        });
    };
    if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(Error::Statement {
            reason: format!(
                "DSSE payloadType: expected {IN_TOTO_PAYLOAD_TYPE:?}, found {:?}",
                env.payload_type
            ),
        });
    }
    let schemes = key.artifact_schemes(bundle.version.allows_ecdsa_sha256_compat());
    let scheme = dsse_signatures(backend, key, schemes, env)?;
    Ok((Statement::parse(&env.payload)?, scheme))
}

/// Who signed, as step 1 established it: the parsed leaf certificate and its key, or the
/// policy's key for a managed-key bundle.
struct SigningMaterial {
    leaf: Option<Leaf>,
    key: PublicKey,
}

/// Step 2. Bundle spec (`MessageSignature.messageDigest`): an unauthenticated hint, but it must
/// equal the artifact's digest. A caller's digest in another algorithm cannot be compared with
/// it and is refused: the bundle names the hash its artifact was signed over, and the caller
/// must name the same one (`sha384:` for a bundle that says `SHA2_256` is not its digest).
fn check_message_digest(
    hint: Option<&(HashAlg, Vec<u8>)>,
    artifact: &Artifact<'_>,
    digests: &Digests<'_>,
) -> Result<(), Error> {
    let Some((alg, hint)) = hint else {
        return Ok(());
    };
    let Some(actual) = digests.get(*alg) else {
        let given = match artifact {
            Artifact::Digest(a, _) => a.name(),
            Artifact::Bytes(_) => "bytes",
        };
        return Err(Error::InvalidArtifact {
            reason: format!(
                "the bundle's messageDigest names {alg}: expected a {alg} digest of the artifact, found a {given} digest",
                alg = alg.name()
            ),
        });
    };
    if &actual != hint {
        return Err(Error::ArtifactMismatch {
            what: format!("the bundle's messageDigest ({})", alg.name()),
            expected: hex::encode(hint),
            found: hex::encode(&actual),
        });
    }
    Ok(())
}

/// Step 2. Client spec §4.5 and the in-toto Envelope layer: the DSSE payload type of an
/// in-toto statement.
fn check_payload_type(envelope: &Envelope) -> Result<(), Error> {
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(Error::Statement {
            reason: format!(
                "DSSE payloadType: expected {IN_TOTO_PAYLOAD_TYPE:?}, found {:?}",
                envelope.payload_type
            ),
        });
    }
    Ok(())
}

/// Step 2. Client spec §4.5: the artifact's digest, in an algorithm the statement uses, is
/// one of its subjects' (`Statement::matches`). The failure shows up to five subjects and the
/// artifact's digest.
fn check_statement_subjects(
    statement: &Statement,
    artifact: &Artifact<'_>,
    digests: &Digests<'_>,
) -> Result<(), Error> {
    let algs = statement.algorithms();
    let matched = algs
        .iter()
        .any(|a| digests.get(*a).is_some_and(|d| statement.matches(*a, &d)));
    if matched {
        return Ok(());
    }
    let ours = match artifact {
        Artifact::Digest(a, d) => format!("{}:{}", a.name(), hex::encode(d)),
        Artifact::Bytes(_) => algs
            .first()
            .and_then(|a| {
                digests
                    .get(*a)
                    .map(|d| format!("{}:{}", a.name(), hex::encode(d)))
            })
            .unwrap_or_else(|| "no digest in a supported algorithm".into()),
    };
    Err(Error::ArtifactMismatch {
        what: "in-toto statement subjects".into(),
        expected: statement
            .subjects
            .iter()
            .take(5)
            .map(|s| {
                format!(
                    "{} {}",
                    s.name,
                    s.digest
                        .iter()
                        .map(|(k, v)| format!("{k}:{v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        found: ours,
    })
}

/// Step 4. Client spec §4.2.2: the integrated time of each entry whose SET verified (the SET
/// signs the log index too, so the source names it).
fn integrated_times(entries: &[LogEntryInfo]) -> Vec<VerifiedTime> {
    entries
        .iter()
        .filter_map(|e| match (e.integrated_time, e.log_index) {
            (Some(t), Some(log_index)) => Some(VerifiedTime {
                time: t,
                source: TimeSource::TransparencyLog {
                    log_url: e.log_url.clone(),
                    log_index,
                },
            }),
            _ => None,
        })
        .collect()
}

/// Step 5. Client spec §4.2: at least one verified time, and none after `now` (the only use
/// of `now`: a time from the future is not a time the signature existed).
fn check_verified_times(times: &[VerifiedTime], now: i64) -> Result<(), Error> {
    if times.is_empty() {
        return Err(Error::VerifiedTime {
            reason: "no verified time: at least one verified time is required, and the bundle has neither a log entry with a verified SET (integrated time) nor a verified RFC 3161 timestamp".into(),
        });
    }
    if let Some(t) = times.iter().find(|t| t.time > now) {
        return Err(Error::VerifiedTime {
            reason: format!(
                "verified time {} is after the current time {}",
                format_time(t.time),
                format_time(now)
            ),
        });
    }
    Ok(())
}

/// Step 6. Entries without an integrated time (Rekor v2) are dated by the timestamps: the
/// log's key (its `validFor` in the trusted root) must have been valid at each verified time.
/// (A Rekor v1 entry's integrated time is checked against it in `tlog::verify_entry`.)
fn check_log_key_validity(entries: &[LogEntryInfo], times: &[VerifiedTime]) -> Result<(), Error> {
    for e in entries.iter().filter(|e| e.integrated_time.is_none()) {
        if let Some(t) = times.iter().find(|t| !e.log_valid_for.contains(t.time)) {
            return Err(Error::TimeOutsideValidity {
                check: Check::TransparencyLog,
                what: match e.log_index {
                    Some(i) => format!("log key of {} (entry {i})", e.log_url),
                    None => format!("log key of {}", e.log_url),
                },
                time: format_time(t.time),
                window: e.log_valid_for.to_string(),
            });
        }
    }
    Ok(())
}

/// Step 7. Client spec §4.3 (the hybrid model) and RFC 5280 §4.1.2.5: the leaf's validity
/// (notBefore..notAfter) contains every verified time.
fn check_leaf_validity(leaf: &Leaf, times: &[VerifiedTime]) -> Result<(), Error> {
    for t in times {
        if !leaf.validity.contains(t.time) {
            return Err(Error::TimeOutsideValidity {
                check: Check::Certificate,
                what: format!(
                    "the signing certificate (verified time from {})",
                    t.source.describe()
                ),
                time: format_time(t.time),
                window: leaf.validity.to_string(),
            });
        }
    }
    Ok(())
}

/// "sha384 or sha256": the hashes of `schemes`, in order.
fn hash_names(schemes: &[SigScheme], separator: &str) -> String {
    schemes
        .iter()
        .filter_map(|s| s.hash().map(HashAlg::name))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Compile-time check that the verifier can be shared across threads.
#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Verifier>();
    is::<TrustedRoot>();
    is::<Policy>();
    let _ = BundleVersion::V0_1;
}
