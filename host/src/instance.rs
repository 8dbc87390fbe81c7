//! The Sigstore instances embedded in sigverify, their default verifier options and the
//! verifiers built from them once per process (shared by every call that passes none).

use std::sync::{Arc, OnceLock};

use sigverify::ecosystems::{github as gh, npm};
use sigverify::{TrustedRoot, Verifier, VerifierOptions};

use crate::Failure;

/// An embedded Sigstore instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Instance {
    /// Sigstore's public-good production instance.
    PublicGood,
    /// Sigstore's staging instance.
    Staging,
    /// GitHub's own instance (artifact attestations of private repositories).
    GitHub,
}

impl Instance {
    /// Every embedded instance.
    pub const ALL: [Instance; 3] = [Instance::PublicGood, Instance::Staging, Instance::GitHub];

    /// `"public-good"`, `"staging"` or `"github"`; anything else is an `invalid-argument`.
    pub fn parse(name: &str) -> Result<Instance, Failure> {
        Instance::ALL
            .into_iter()
            .find(|i| i.name() == name)
            .ok_or_else(|| {
                Failure::argument(format!(
                    "instance: expected \"public-good\", \"staging\" or \"github\", found {name:?}"
                ))
            })
    }

    /// The instance's name, as [`Instance::parse`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Instance::PublicGood => "public-good",
            Instance::Staging => "staging",
            Instance::GitHub => "github",
        }
    }

    /// Its embedded trusted root.
    pub fn trusted_root(self) -> Result<TrustedRoot, Failure> {
        self.root().map_err(Failure::Load)
    }

    fn root(self) -> Result<TrustedRoot, sigverify::Error> {
        match self {
            Instance::PublicGood => TrustedRoot::public_good(),
            Instance::Staging => TrustedRoot::staging(),
            Instance::GitHub => TrustedRoot::github(),
        }
    }

    /// The verifier options a verifier of this instance starts from: the core's defaults, and
    /// for GitHub's instance (no transparency log, no CT logs) GitHub's thresholds.
    pub fn options(self) -> VerifierOptions {
        match self {
            Instance::GitHub => gh::github_instance_options(),
            Instance::PublicGood | Instance::Staging => VerifierOptions::default(),
        }
    }

    /// The TUF root that bootstraps updates of this instance's trusted root (GitHub's instance
    /// is not distributed by TUF).
    pub fn tuf_root(self) -> Result<&'static [u8], Failure> {
        match self {
            Instance::PublicGood => Ok(sigverify::tuf::PUBLIC_GOOD_ROOT),
            Instance::Staging => Ok(sigverify::tuf::STAGING_ROOT),
            Instance::GitHub => Err(Failure::argument(
                "instance: GitHub's instance has no TUF repository; expected \"public-good\" or \"staging\"",
            )),
        }
    }

    /// A verifier of the embedded root with [`Instance::options`], built once per process.
    pub fn verifier(self) -> Result<Arc<Verifier>, Failure> {
        static CACHE: [OnceLock<Result<Arc<Verifier>, sigverify::Error>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let slot = match self {
            Instance::PublicGood => &CACHE[0],
            Instance::Staging => &CACHE[1],
            Instance::GitHub => &CACHE[2],
        };
        slot.get_or_init(|| {
            let root = self.root()?;
            Verifier::with_options(&root, self.options(), sigverify::Backend::default())
                .map(Arc::new)
        })
        .clone()
        .map_err(Failure::Load)
    }
}

/// The public-good and GitHub-instance verifiers of a GitHub call: the caller's, else the
/// embedded ones ([`Instance::verifier`]).
pub fn github_verifiers(
    public_good: Option<Arc<Verifier>>,
    github: Option<Arc<Verifier>>,
) -> Result<(Arc<Verifier>, Arc<Verifier>), Failure> {
    let public_good = match public_good {
        Some(v) => v,
        None => Instance::PublicGood.verifier()?,
    };
    let github = match github {
        Some(v) => v,
        None => Instance::GitHub.verifier()?,
    };
    Ok((public_good, github))
}

/// The npm registry keys embedded in sigverify, parsed once per process.
pub fn npm_keys() -> Result<Arc<npm::RegistryKeys>, Failure> {
    static KEYS: OnceLock<Result<Arc<npm::RegistryKeys>, sigverify::Error>> = OnceLock::new();
    KEYS.get_or_init(|| npm::RegistryKeys::embedded().map(Arc::new))
        .clone()
        .map_err(Failure::Load)
}

/// A verifier as a caller asks for one: a trusted root (and the embedded instance it is, if
/// any), thresholds that override the instance's options, witnesses.
pub struct VerifierRequest<'a> {
    /// The trusted root.
    pub root: &'a TrustedRoot,
    /// The embedded instance `root` is: its options are the starting point.
    pub instance: Option<Instance>,
    /// Log entries required (default: the instance's, else the core's).
    pub tlog_threshold: Option<usize>,
    /// Signed certificate timestamps required.
    pub sct_threshold: Option<usize>,
    /// RFC 3161 timestamps required.
    pub timestamp_threshold: Option<usize>,
    /// Witnesses, as note verifier keys.
    pub witnesses: Option<Vec<String>>,
    /// How many witnesses must have cosigned (default: all; the core decides).
    pub witness_threshold: Option<usize>,
}

/// A verifier built from a [`VerifierRequest`], with what it was built with.
pub struct BuiltVerifier {
    /// The verifier, shared.
    pub verifier: Arc<Verifier>,
    /// Its thresholds.
    pub options: VerifierOptions,
    /// Its witness quorum, if it has witnesses.
    pub witness_threshold: Option<usize>,
}

impl VerifierRequest<'_> {
    /// Builds the verifier: the instance's options (the core's defaults for a root of its
    /// own) with the thresholds given; the core refuses thresholds out of range or that the
    /// root can never meet, and decides the witness quorum. An embedded instance as it is reuses
    /// the verifier built once per process.
    pub fn build(self) -> Result<BuiltVerifier, Failure> {
        let mut options = self
            .instance
            .map_or_else(VerifierOptions::default, Instance::options);
        for (value, slot) in [
            (self.tlog_threshold, &mut options.tlog_threshold),
            (self.sct_threshold, &mut options.sct_threshold),
            (self.timestamp_threshold, &mut options.timestamp_threshold),
        ] {
            if let Some(v) = value {
                *slot = v;
            }
        }
        let witnesses =
            sigverify::WitnessPolicy::from_vkeys(self.witnesses.as_deref(), self.witness_threshold)
                .map_err(Failure::Load)?;
        let witness_threshold = witnesses.as_ref().map(sigverify::WitnessPolicy::threshold);
        let verifier = match (self.instance, witnesses) {
            (Some(i), None) if options == i.options() => i.verifier()?,
            (_, w) => {
                let v = Verifier::with_options(self.root, options, sigverify::Backend::default())
                    .map_err(Failure::Load)?;
                Arc::new(match w {
                    Some(p) => v.with_witness_policy(p),
                    None => v,
                })
            }
        };
        Ok(BuiltVerifier {
            verifier,
            options,
            witness_threshold,
        })
    }
}
