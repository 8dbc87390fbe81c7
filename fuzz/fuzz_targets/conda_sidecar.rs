//! conda attestations (CEP 27): a `.v0.sigs` sidecar or one bundle, parsed and verified for the
//! real sample's package, with and without its channel. Oracles: a parsed sidecar holds 1 to
//! MAX_TLOG_ENTRIES bundles; a verification returns one result per bundle, each about exactly
//! one subject named as the package.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::ecosystems::conda;
use sigverify_fuzz::{fixture, NOW_REAL};

const FILE: &str = "signed-package-2.1.0-hb0f4dca_0.conda";

fuzz_target!(|data: &[u8]| {
    let sidecar = conda::parse_sidecar(data);
    if let Ok(b) = &sidecar {
        assert!(!b.is_empty() && b.len() <= sigverify::limits::MAX_TLOG_ENTRIES);
    }
    let single = conda::parse_bundle(data);
    if let Ok(b) = &single {
        assert_eq!(b.len(), 1);
    }
    // The text as a file name and as a channel: refused or accepted, never a panic.
    if let Ok(s) = std::str::from_utf8(data) {
        if conda::check_filename(s).is_ok() {
            assert!(s.ends_with(".conda") || s.ends_with(".tar.bz2"));
        }
        let _ = conda::check_channel(s);
    }
    let f = fixture();
    let Ok(policy) = conda::github_policy("prefix-dev/sigstore-example", Some("action.yaml")) else {
        return;
    };
    // The real sample's sha256, so that its seeds reach the oracles.
    let sha = hex::decode("54303491a8418fbed24344b513546182c29b43bf282ceb433af65e2299f9271f")
        .expect("hex");
    for bundles in [sidecar, single].into_iter().flatten() {
        for channel in [None, Some("https://prefix.dev/sigstore-example")] {
            let package = conda::Package {
                filename: FILE,
                sha256: &sha,
                channel,
            };
            if let Ok(rs) = conda::verify(&f.public_good, &bundles, &package, &policy, NOW_REAL) {
                assert_eq!(rs.len(), bundles.len());
                for r in &rs {
                    let st = r.statement.as_ref().expect("a DSSE statement");
                    assert_eq!(st.subjects.len(), 1);
                    assert_eq!(st.subjects[0].name, FILE);
                }
            }
        }
    }
});
