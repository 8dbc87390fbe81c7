//! The test Sigstore instance: every key and CA certificate, derived deterministically.

use crate::keys::{EcKey, EdKey};
use crate::log::{rekor_v2_log_id, REKOR_V2_ORIGIN};
use crate::witness::{WitnessKey, ROGUE_WITNESS_NAME, WITNESS_NAMES};
use crate::x509::{intermediate_ca, name, root_ca, tsa_leaf as issue_tsa_leaf, Issued};

/// Organisation in every CA / TSA name of the instance.
pub const ORGANIZATION: &str = "sigverify.test";
/// Common name of the Fulcio-like CA as listed in the trusted root.
pub const CA_COMMON_NAME: &str = "sigverify-test";

/// A complete, deterministic Sigstore instance: a Fulcio-like CA (root + intermediate), a
/// Rekor v1 log key (ECDSA P-256), a Rekor v2 log key (Ed25519), a CT log key, a TSA (root +
/// leaf), managed keys, three witnesses, plus "rogue" twins of each (not in the trusted root or
/// the witness list) used to build faulty bundles.
#[derive(Clone)]
pub struct Instance {
    pub(crate) root: Issued,
    pub(crate) intermediate: Issued,
    pub(crate) rogue_root: Issued,
    pub(crate) rogue_intermediate: Issued,
    pub(crate) leaf_key: EcKey,
    pub(crate) rekor: EcKey,
    pub(crate) rogue_rekor: EcKey,
    pub(crate) ct: EcKey,
    pub(crate) rogue_ct: EcKey,
    pub(crate) tsa_root: Issued,
    pub(crate) tsa_leaf: Issued,
    pub(crate) rogue_tsa_root: Issued,
    pub(crate) rogue_tsa_leaf: Issued,
    pub(crate) managed_p256: EcKey,
    pub(crate) managed_ed25519: EdKey,
    pub(crate) rekor_v2: EdKey,
    pub(crate) rogue_rekor_v2: EdKey,
    pub(crate) witnesses: Vec<WitnessKey>,
    pub(crate) rogue_witness: WitnessKey,
}

impl Default for Instance {
    fn default() -> Self {
        Instance::new()
    }
}

impl Instance {
    /// Builds the instance (all keys from fixed seeds; a few milliseconds of work).
    pub fn new() -> Instance {
        let root = root_ca("ca/root", name(ORGANIZATION, "sigverify-test-root"));
        let intermediate = intermediate_ca(
            "ca/intermediate",
            name(ORGANIZATION, "sigverify-test-intermediate"),
            &root,
        );
        let rogue_root = root_ca("rogue/ca/root", name("rogue.test", "rogue-root"));
        let rogue_intermediate = intermediate_ca(
            "rogue/ca/intermediate",
            name("rogue.test", "rogue-intermediate"),
            &rogue_root,
        );
        let tsa_root = root_ca("tsa/root", name(ORGANIZATION, "sigverify-test-tsa-root"));
        let tsa_leaf = issue_tsa_leaf(
            "tsa/leaf",
            name(ORGANIZATION, "sigverify-test-tsa"),
            &tsa_root,
        );
        let rogue_tsa_root = root_ca("rogue/tsa/root", name("rogue.test", "rogue-tsa-root"));
        let rogue_tsa_leaf = issue_tsa_leaf(
            "rogue/tsa/leaf",
            name("rogue.test", "rogue-tsa"),
            &rogue_tsa_root,
        );
        Instance {
            root,
            intermediate,
            rogue_root,
            rogue_intermediate,
            leaf_key: EcKey::derive("leaf"),
            rekor: EcKey::derive("rekor"),
            rogue_rekor: EcKey::derive("rogue/rekor"),
            ct: EcKey::derive("ctlog"),
            rogue_ct: EcKey::derive("rogue/ctlog"),
            tsa_root,
            tsa_leaf,
            rogue_tsa_root,
            rogue_tsa_leaf,
            managed_p256: EcKey::derive("managed/p256"),
            managed_ed25519: EdKey::derive("managed/ed25519"),
            rekor_v2: EdKey::derive("rekor-v2"),
            rogue_rekor_v2: EdKey::derive("rogue/rekor-v2"),
            witnesses: WITNESS_NAMES
                .iter()
                .map(|n| WitnessKey::derive(n, &format!("witness/{n}")))
                .collect(),
            rogue_witness: WitnessKey::derive(ROGUE_WITNESS_NAME, "rogue/witness"),
        }
    }

    /// A self-signed root with the root CA's name but another key: in the root CA's place in a
    /// trusted root, the intermediate's signature by it does not verify.
    pub fn lookalike_root_ca_der(&self) -> Vec<u8> {
        root_ca("lookalike/ca/root", self.root.subject().clone()).der
    }

    /// [`Instance::lookalike_root_ca_der`] for the TSA's root.
    pub fn lookalike_tsa_root_der(&self) -> Vec<u8> {
        self.lookalike_tsa_root().der
    }

    pub(crate) fn lookalike_tsa_root(&self) -> Issued {
        root_ca("lookalike/tsa/root", self.tsa_root.subject().clone())
    }

    /// DER of the root CA certificate.
    pub fn root_ca_der(&self) -> &[u8] {
        &self.root.der
    }

    /// DER of the intermediate CA certificate (the issuer of every leaf).
    pub fn intermediate_ca_der(&self) -> &[u8] {
        &self.intermediate.der
    }

    /// DER of the root of the rogue CA (not in the trusted root; issues `CertUntrustedCa` leaves).
    pub fn rogue_root_ca_der(&self) -> &[u8] {
        &self.rogue_root.der
    }

    /// DER of the root of the rogue TSA (not in the trusted root; `TimestampUntrustedTsa`).
    pub fn rogue_tsa_root_der(&self) -> &[u8] {
        &self.rogue_tsa_root.der
    }

    /// DER of the TSA signing certificate.
    pub fn tsa_leaf_der(&self) -> &[u8] {
        &self.tsa_leaf.der
    }

    /// DER of the TSA root certificate.
    pub fn tsa_root_der(&self) -> &[u8] {
        &self.tsa_root.der
    }

    /// DER SPKI of the Rekor v1 log key.
    pub fn rekor_public_key_der(&self) -> &[u8] {
        &self.rekor.spki_der
    }

    /// Rekor v1 log id: SHA-256 of the log key's DER SPKI.
    pub fn rekor_log_id(&self) -> [u8; 32] {
        self.rekor.key_id()
    }

    /// DER SPKI of the CT log key.
    pub fn ct_public_key_der(&self) -> &[u8] {
        &self.ct.spki_der
    }

    /// CT log id: SHA-256 of the CT key's DER SPKI.
    pub fn ct_log_id(&self) -> [u8; 32] {
        self.ct.key_id()
    }

    /// SPKI PEM of the ECDSA P-256 managed key (what `ManagedKey::P256` bundles are signed with).
    pub fn managed_key_pem(&self) -> String {
        self.managed_p256.spki_pem()
    }

    /// SPKI PEM of the managed ECDSA key of `ecdsa`'s curve (what `ManagedKey::P256` bundles
    /// with [`crate::BundleOptions::ecdsa`] are signed with; P-256: [`Instance::managed_key_pem`]).
    pub fn managed_ecdsa_key_pem(&self, ecdsa: crate::keys::Ecdsa) -> String {
        crate::bundle::ecdsa_key("managed/p256", ecdsa).spki_pem()
    }

    /// SPKI PEM of the Ed25519 managed key (what `ManagedKey::Ed25519` bundles are signed with).
    pub fn managed_ed25519_key_pem(&self) -> String {
        crate::util::pem("PUBLIC KEY", &self.managed_ed25519.spki_der)
    }

    /// SPKI PEM of a managed key that signed nothing (for "wrong key" tests).
    pub fn unrelated_key_pem(&self) -> String {
        EcKey::derive("managed/unrelated").spki_pem()
    }

    /// DER SPKI of the Rekor v2 log key (Ed25519).
    pub fn rekor_v2_public_key_der(&self) -> &[u8] {
        &self.rekor_v2.spki_der
    }

    /// The raw 32-byte Ed25519 key of the Rekor v2 log.
    pub fn rekor_v2_public_key(&self) -> [u8; 32] {
        self.rekor_v2.public_bytes()
    }

    /// Rekor v2 log id: SHA-256(origin || 0x0A || 0x01 || key), origin
    /// [`REKOR_V2_ORIGIN`]. Its first four bytes are the checkpoint
    /// key hint.
    pub fn rekor_v2_log_id(&self) -> [u8; 32] {
        rekor_v2_log_id(REKOR_V2_ORIGIN, &self.rekor_v2_public_key())
    }

    /// Number of witnesses (indices for [`crate::BundleOptions::cosigners`]).
    pub fn witness_count(&self) -> usize {
        self.witnesses.len()
    }

    /// Name of witness `i`.
    pub fn witness_name(&self, i: usize) -> &str {
        &self.witnesses[i].name
    }

    /// Witness `i`'s C2SP verifier key `<name>+<hex key id>+<base64(0x04 || key)>` (what
    /// `sigverify::Witness::from_vkey` parses).
    pub fn witness_vkey(&self, i: usize) -> String {
        self.witnesses[i].vkey()
    }

    /// Every witness's verifier key, in index order.
    pub fn witness_vkeys(&self) -> Vec<String> {
        self.witnesses.iter().map(WitnessKey::vkey).collect()
    }

    /// Witness `i` itself (name and key), to cosign arbitrary notes.
    pub fn witness(&self, i: usize) -> &WitnessKey {
        &self.witnesses[i]
    }

    /// Verifier key of the rogue witness (cosigns for `LogFault::CosignatureUnknownWitness`).
    pub fn rogue_witness_vkey(&self) -> String {
        self.rogue_witness.vkey()
    }
}
