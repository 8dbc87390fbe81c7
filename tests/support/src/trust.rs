//! The `trusted_root.json` document of the instance.

use serde_json::{json, Value};

use crate::instance::{Instance, CA_COMMON_NAME, ORGANIZATION};
use crate::util::{b64, rfc3339};
use crate::x509::CA_NOT_BEFORE;

/// The trusted root media type.
pub const TRUSTED_ROOT_MEDIA_TYPE: &str =
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
/// Rekor base URL written into the trusted root.
pub const REKOR_URL: &str = "https://rekor.sigverify.test";
/// Base URL of the Rekor v2 log (its origin is this without the scheme).
pub const REKOR_V2_URL: &str = "https://log2025-1.rekor.sigverify.test";
/// Fulcio URI written into the trusted root.
pub const FULCIO_URL: &str = "https://fulcio.sigverify.test";
/// CT log base URL written into the trusted root.
pub const CTLOG_URL: &str = "https://ctfe.sigverify.test";
/// TSA URI written into the trusted root.
pub const TSA_URL: &str = "https://tsa.sigverify.test/api/v1/timestamp";

/// A `validFor` period (unix seconds; `end: None` = open-ended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValidFor {
    /// Start of the period.
    pub start: u64,
    /// End of the period, if any.
    pub end: Option<u64>,
}

impl ValidFor {
    /// Open-ended from `start`.
    pub fn from(start: u64) -> ValidFor {
        ValidFor { start, end: None }
    }

    /// `start ..= end`.
    pub fn between(start: u64, end: u64) -> ValidFor {
        ValidFor {
            start,
            end: Some(end),
        }
    }

    fn json(&self) -> Value {
        match self.end {
            Some(end) => json!({"start": rfc3339(self.start), "end": rfc3339(end)}),
            None => json!({"start": rfc3339(self.start)}),
        }
    }
}

/// Knobs for [`Instance::trusted_root_with`]. The default is the trusted root every valid
/// bundle verifies against: all services (Rekor v1 and v2 logs, CA, CT log, TSA), each valid
/// from 2020-01-01, open-ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedRootOptions {
    /// validFor of the Rekor log key. Set `start` after a bundle's integrated time for the
    /// "log key not yet valid" case, or `end` before it for "log key expired".
    pub tlog_valid_for: ValidFor,
    /// validFor of the CA (Fulcio) entry.
    pub ca_valid_for: ValidFor,
    /// validFor of the CT log key.
    pub ctlog_valid_for: ValidFor,
    /// validFor of the TSA entry.
    pub tsa_valid_for: ValidFor,
    /// validFor of the Rekor v2 log key. Rekor v2 entries are dated by their timestamps: set it
    /// to exclude a timestamp's time for the "log key not valid at the timestamp" case.
    pub rekor_v2_valid_for: ValidFor,
    /// Include the Rekor logs (`tlogs`; false drops both the v1 and the v2 log).
    pub include_tlogs: bool,
    /// Include the Rekor v2 log in `tlogs` (when `include_tlogs`).
    pub include_rekor_v2: bool,
    /// Include the CA (`certificateAuthorities`).
    pub include_cas: bool,
    /// Include the CT log (`ctlogs`).
    pub include_ctlogs: bool,
    /// Include the TSA (`timestampAuthorities`).
    pub include_tsas: bool,
    /// Leave the `validFor.start` out of the tlog key (malformed trusted root).
    pub omit_tlog_start: bool,
}

impl Default for TrustedRootOptions {
    fn default() -> Self {
        TrustedRootOptions {
            tlog_valid_for: ValidFor::from(CA_NOT_BEFORE),
            rekor_v2_valid_for: ValidFor::from(CA_NOT_BEFORE),
            ca_valid_for: ValidFor::from(CA_NOT_BEFORE),
            ctlog_valid_for: ValidFor::from(CA_NOT_BEFORE),
            tsa_valid_for: ValidFor::from(CA_NOT_BEFORE),
            include_tlogs: true,
            include_rekor_v2: true,
            include_cas: true,
            include_ctlogs: true,
            include_tsas: true,
            omit_tlog_start: false,
        }
    }
}

impl TrustedRootOptions {
    /// A GitHub-style trust domain: a CA and a TSA, no transparency log and no CT log (as
    /// GitHub's own instance for private-repository attestations).
    pub fn github() -> TrustedRootOptions {
        TrustedRootOptions {
            include_tlogs: false,
            include_ctlogs: false,
            ..TrustedRootOptions::default()
        }
    }
}

impl Instance {
    /// The GitHub-style trusted root ([`TrustedRootOptions::github`]).
    pub fn github_trusted_root(&self) -> Value {
        self.trusted_root_from(&TrustedRootOptions::github())
    }

    /// The trusted root of this instance (all services, valid from 2020-01-01).
    pub fn trusted_root(&self) -> Value {
        self.trusted_root_with(|_| {})
    }

    /// The trusted root with some knobs changed, e.g.
    /// `inst.trusted_root_with(|o| o.tlog_valid_for = ValidFor::from(t + 3600))`.
    pub fn trusted_root_with(&self, f: impl FnOnce(&mut TrustedRootOptions)) -> Value {
        let mut o = TrustedRootOptions::default();
        f(&mut o);
        self.trusted_root_from(&o)
    }

    /// The trusted root for explicit options.
    pub fn trusted_root_from(&self, o: &TrustedRootOptions) -> Value {
        let mut tlog_valid = o.tlog_valid_for.json();
        if o.omit_tlog_start {
            tlog_valid.as_object_mut().expect("object").remove("start");
        }
        let mut tlogs = vec![json!({
            "baseUrl": REKOR_URL,
            "hashAlgorithm": "SHA2_256",
            "publicKey": {
                "rawBytes": b64(&self.rekor.spki_der),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": tlog_valid,
            },
            "logId": {"keyId": b64(self.rekor.key_id())},
        })];
        if o.include_rekor_v2 {
            tlogs.push(json!({
                "baseUrl": REKOR_V2_URL,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": b64(&self.rekor_v2.spki_der),
                    "keyDetails": "PKIX_ED25519",
                    "validFor": o.rekor_v2_valid_for.json(),
                },
                "logId": {"keyId": b64(self.rekor_v2_log_id())},
            }));
        }
        let cas = vec![json!({
            "subject": {"organization": ORGANIZATION, "commonName": CA_COMMON_NAME},
            "uri": FULCIO_URL,
            "certChain": {"certificates": [
                {"rawBytes": b64(&self.intermediate.der)},
                {"rawBytes": b64(&self.root.der)},
            ]},
            "validFor": o.ca_valid_for.json(),
        })];
        let ctlogs = vec![json!({
            "baseUrl": CTLOG_URL,
            "hashAlgorithm": "SHA2_256",
            "publicKey": {
                "rawBytes": b64(&self.ct.spki_der),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": o.ctlog_valid_for.json(),
            },
            "logId": {"keyId": b64(self.ct.key_id())},
        })];
        let tsas = vec![json!({
            "subject": {"organization": ORGANIZATION, "commonName": "sigverify-test-tsa"},
            "uri": TSA_URL,
            "certChain": {"certificates": [
                {"rawBytes": b64(&self.tsa_leaf.der)},
                {"rawBytes": b64(&self.tsa_root.der)},
            ]},
            "validFor": o.tsa_valid_for.json(),
        })];
        let pick = |on: bool, v: Vec<Value>| if on { v } else { Vec::new() };
        json!({
            "mediaType": TRUSTED_ROOT_MEDIA_TYPE,
            "tlogs": pick(o.include_tlogs, tlogs),
            "certificateAuthorities": pick(o.include_cas, cas),
            "ctlogs": pick(o.include_ctlogs, ctlogs),
            "timestampAuthorities": pick(o.include_tsas, tsas),
        })
    }
}
