//! Policy document: `Policy::from_json`, then the policy applied to valid testkit bundles
//! (certificate message signature, DSSE with a statement, managed key).
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::{Artifact, Bundle, Policy};
use sigverify_fuzz::{bytes, fixture, ARTIFACT, NOW};
use std::sync::OnceLock;

fn bundles() -> &'static Vec<Bundle> {
    static B: OnceLock<Vec<Bundle>> = OnceLock::new();
    B.get_or_init(|| {
        let f = fixture();
        let key = f.inst.bundle(
            &sigverify_testkit::BundleOptions {
                managed_key: Some(sigverify_testkit::ManagedKey::P256),
                ..Default::default()
            },
            ARTIFACT,
        );
        [&f.msg, &f.dsse, &key]
            .into_iter()
            .map(|v| Bundle::from_json(&bytes(v)).expect("testkit bundle"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(policy) = Policy::from_json(data) else {
        return;
    };
    let f = fixture();
    for b in bundles() {
        let _ = f
            .testkit
            .verify(b, &Artifact::Bytes(ARTIFACT), &policy, NOW);
    }
});
