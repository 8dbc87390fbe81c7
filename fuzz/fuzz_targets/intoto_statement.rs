//! In-toto statement: the input is the DSSE payload, validly signed, logged (dsse 0.0.1 and
//! intoto 0.0.2 entries) and timestamped by the testkit, so the statement parser, subject
//! matching and the policy's statement requirements see arbitrary bytes behind a valid
//! signature.
//!
//! Oracle: a statement that verifies names the artifact's SHA-256 among its subjects.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigverify::{Artifact, Bundle, Policy};
use sigverify_fuzz::{bytes, fixture, ARTIFACT, NOW};
use std::sync::OnceLock;

fn statement_policy() -> &'static Policy {
    static P: OnceLock<Policy> = OnceLock::new();
    P.get_or_init(|| {
        Policy::from_json(
            br#"{"version": 1,
                 "identity": "https://github.com/sigverify/test/.github/workflows/release.yml@refs/heads/main",
                 "issuer": "https://token.actions.githubusercontent.com",
                 "statement": {"predicateType": {"glob": "https://**"},
                               "builderId": {"regex": ".*"},
                               "sourceRepository": {"glob": "**"},
                               "resolvedDependencyDigest": {"regex": "sha256:.*"}}}"#,
        )
        .expect("the statement policy parses")
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let sha = hex::encode(sigverify::Backend::default().hash(sigverify::HashAlg::Sha256, ARTIFACT));
    // Building the bundle signs five times; one entry kind per input, picked by its length
    // (the intoto 0.0.2 body embeds the payload: small inputs only).
    let intoto = data.len() % 2 == 1 && data.len() <= 4096;
    let json = bytes(&f.dsse_over(data, intoto));
    let Ok(bundle) = Bundle::from_json(&json) else {
        return;
    };
    let _ = bundle.describe();
    let r = f
        .testkit
        .verify(&bundle, &Artifact::Bytes(ARTIFACT), &f.identity, NOW);
    // The statement requirements are read once the signature and the statement verified.
    if let Ok(r) = r {
        let _ = f
            .testkit
            .verify(&bundle, &Artifact::Bytes(ARTIFACT), statement_policy(), NOW);
        let st = r.statement.expect("a DSSE bundle has a statement");
        assert!(
            st.subjects.iter().any(|s| s
                .digest
                .get("sha256")
                .is_some_and(|d| d.eq_ignore_ascii_case(&sha))),
            "a statement without the artifact's digest verified"
        );
    }
});
