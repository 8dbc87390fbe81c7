//! Bazel Central Registry `attestations.json` and `source.json`: parsing under the limits, the
//! plan of the three files, and the oracles that every planned name is a safe file name and
//! that integrity checks compare without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::ecosystems::bcr::{self, Attestations};

fuzz_target!(|data: &[u8]| {
    if let Ok(name) = bcr::archive_name(data) {
        assert!(bcr::is_safe_file_name(&name), "{name:?}");
    }
    let Ok(atts) = Attestations::parse(data) else {
        return;
    };
    for e in &atts.entries {
        // Oracle: nothing that could leave a module folder is ever planned.
        assert!(bcr::is_safe_file_name(&e.file), "{:?}", e.file);
        assert!(
            bcr::is_safe_file_name(&e.bundle_name),
            "{:?}",
            e.bundle_name
        );
        assert_eq!(e.kind, bcr::FileKind::of(&e.file));
        let _ = e
            .integrity
            .check(&e.bundle_name, data, sigverify::Backend::default());
        // The integrity round-trips through its SRI form.
        assert_eq!(
            bcr::Integrity::parse(&e.integrity.to_string())
                .ok()
                .as_ref(),
            Some(&e.integrity)
        );
    }
    if let Some(e) = atts.entries.first() {
        if let Ok(plan) = atts.plan(&e.file) {
            assert_eq!(plan.len(), 3);
        }
    }
});
