//! Identity and provenance policy on real bundles (../shared/vectors): every matcher accepts the
//! true claim and rejects near misses (a prefix, a suffix, an extra path segment, another ref,
//! an unanchored pattern).

// Test code: a panic is a failed test. clippy.toml allows unwrap, expect and panic in `#[test]`
// functions only; the core's lints would deny them (and indexing) in these files' helpers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;

use sigverify::{
    github, gitlab, Artifact, Check, Field, Matcher, Policy, Requirement, TrustedRoot, Verifier,
};

const GH: &str = "https://token.actions.githubusercontent.com";

fn shared(rel: &str) -> PathBuf {
    let p = sigverify_testkit::vectors::conformance_dir()
        .join("..")
        .join(rel);
    assert!(p.exists(), "SHARED VECTORS MISSING: {}", p.display());
    p
}

struct Sample {
    bundle: Vec<u8>,
    artifact: Artifact<'static>,
}

fn sample(which: &str) -> Sample {
    match which {
        "dsse" => Sample {
            bundle: std::fs::read(shared(
                "conformance/happy-path-intoto-in-dsse-v3/bundle.sigstore.json",
            ))
            .unwrap(),
            artifact: Artifact::parse_digest(
                "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
            )
            .unwrap(),
        },
        eco => {
            let dir = shared(&format!("ecosystems/{eco}"));
            let digest = std::fs::read_to_string(dir.join("digest")).unwrap();
            Sample {
                bundle: std::fs::read(dir.join("bundle.json")).unwrap(),
                artifact: Artifact::parse_digest(digest.trim()).unwrap(),
            }
        }
    }
}

fn verify(which: &str, policy: &Policy) -> Result<sigverify::VerificationResult, sigverify::Error> {
    let s = sample(which);
    let v = Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap();
    v.verify_json(&s.bundle, &s.artifact, policy, 2_000_000_000)
}

fn ok(which: &str, policy: &Policy) {
    if let Err(e) = verify(which, policy) {
        panic!("{which}: expected success, got {e}");
    }
}

fn rejected(which: &str, policy: &Policy, needle: &str) {
    match verify(which, policy) {
        Ok(_) => panic!("{which}: expected a policy rejection mentioning {needle:?}"),
        Err(e) => {
            assert_eq!(e.check(), Check::Policy, "{e}");
            assert!(
                e.to_string().contains(needle),
                "{e} should mention {needle:?}"
            );
        }
    }
}

const BEACON: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const BEACON_REPO: &str = "sigstore-conformance/extremely-dangerous-public-oidc-beacon";

fn with(base: Policy, r: Requirement) -> Policy {
    let mut p = base;
    p.require(r);
    p
}

#[test]
fn exact_identity_rejects_near_misses() {
    ok("dsse", &Policy::identity(BEACON, GH).unwrap());
    let nears: Vec<String> = vec![
        BEACON[..BEACON.len() - 1].to_owned(),               // prefix
        format!("{BEACON}x"),                                // suffix
        BEACON.replace(".github/", ".github/x/"),            // extra path segment
        BEACON.replace("refs/heads/main", "refs/heads/dev"), // another ref
        BEACON.to_uppercase(),
    ];
    for near in &nears {
        rejected(
            "dsse",
            &Policy::identity(near.clone(), GH).unwrap(),
            "identity",
        );
    }
    rejected(
        "dsse",
        &Policy::identity(BEACON, "https://token.actions.githubusercontent.co").unwrap(),
        "issuer",
    );
    rejected(
        "dsse",
        &Policy::identity(BEACON, "https://accounts.google.com").unwrap(),
        "issuer",
    );
}

#[test]
fn regex_identity_is_anchored() {
    let re = |p: &str| Policy::certificate(Matcher::regex(p).unwrap(), Matcher::exact(GH)).unwrap();
    ok(
        "dsse",
        &re("https://github\\.com/sigstore-conformance/.+@refs/heads/main"),
    );
    ok(
        "dsse",
        &re(".*extremely-dangerous-oidc-beacon\\.yml@refs/heads/.*"),
    );
    rejected(
        "dsse",
        &re("https://github\\.com/sigstore-conformance"),
        "regex",
    ); // unanchored prefix
    rejected(
        "dsse",
        &re("extremely-dangerous-public-oidc-beacon"),
        "regex",
    ); // substring
    rejected(
        "dsse",
        &re("https://github\\.com/sigstore-conformance/.+@refs/heads/dev"),
        "regex",
    );
    // The issuer regex is anchored too.
    let p = Policy::certificate(
        Matcher::exact(BEACON),
        Matcher::regex("https://token\\.actions").unwrap(),
    )
    .unwrap();
    rejected("dsse", &p, "issuer");
    let p = Policy::certificate(
        Matcher::exact(BEACON),
        Matcher::regex("https://token\\.actions\\.githubusercontent\\.com").unwrap(),
    )
    .unwrap();
    ok("dsse", &p);
}

#[test]
fn glob_identity() {
    let g = |p: &str| Policy::certificate(Matcher::glob(p).unwrap(), Matcher::exact(GH)).unwrap();
    ok(
        "dsse",
        &g("https://github.com/sigstore-conformance/*/.github/workflows/*.yml@refs/heads/main"),
    );
    ok("dsse", &g("https://github.com/sigstore-conformance/**"));
    rejected(
        "dsse",
        &g("https://github.com/sigstore-conformance/*"),
        "glob",
    ); // * stops at /
    rejected(
        "dsse",
        &g("https://github.com/sigstore-conformance/*/.github/workflows/*.yml@refs/heads/ma"),
        "glob",
    );
}

#[test]
fn all_of_and_any_of() {
    let any = Matcher::AnyOf(vec![
        Matcher::exact("https://example.com/nope"),
        Matcher::exact(BEACON),
    ]);
    ok(
        "dsse",
        &Policy::certificate(any, Matcher::exact(GH)).unwrap(),
    );
    let all = Matcher::AllOf(vec![
        Matcher::glob("https://github.com/**").unwrap(),
        Matcher::regex(".*@refs/heads/dev").unwrap(),
    ]);
    rejected(
        "dsse",
        &Policy::certificate(all, Matcher::exact(GH)).unwrap(),
        "all of",
    );
    let both_wrong = Requirement::AnyOf(vec![
        github::repository("o/r").unwrap(),
        github::source_ref("refs/heads/dev"),
    ]);
    rejected(
        "dsse",
        &with(Policy::identity(BEACON, GH).unwrap(), both_wrong),
        "none held",
    );
    let one_right = Requirement::AnyOf(vec![
        github::repository("o/r").unwrap(),
        github::source_ref("refs/heads/main"),
    ]);
    ok(
        "dsse",
        &with(Policy::identity(BEACON, GH).unwrap(), one_right),
    );
}

#[test]
fn github_shorthands() {
    ok("dsse", &Policy::github_repository(BEACON_REPO).unwrap());
    for near in [
        "sigstore-conformance/extremely-dangerous-public-oidc-beaco",
        "sigstore-conformance/extremely-dangerous-public-oidc-beacon2",
        "sigstore-conformanc/extremely-dangerous-public-oidc-beacon",
    ] {
        rejected(
            "dsse",
            &Policy::github_repository(near).unwrap(),
            "sourceRepositoryURI",
        );
    }
    let base = || Policy::identity(BEACON, GH).unwrap();
    ok(
        "dsse",
        &with(base(), github::owner("sigstore-conformance").unwrap()),
    );
    rejected(
        "dsse",
        &with(base(), github::owner("sigstore").unwrap()),
        "sourceRepositoryOwnerURI",
    );
    let wf = format!("{BEACON_REPO}/.github/workflows/extremely-dangerous-oidc-beacon.yml");
    ok("dsse", &with(base(), github::signer_workflow(&wf).unwrap()));
    ok(
        "dsse",
        &with(
            base(),
            github::signer_workflow(&format!("{wf}@refs/heads/main")).unwrap(),
        ),
    );
    rejected(
        "dsse",
        &with(
            base(),
            github::signer_workflow(&format!("{wf}@refs/heads/dev")).unwrap(),
        ),
        "buildSignerURI",
    );
    rejected(
        "dsse",
        &with(
            base(),
            github::signer_workflow(&wf.replace(".yml", ".yaml")).unwrap(),
        ),
        "buildSignerURI",
    );
    ok("dsse", &with(base(), github::source_ref("refs/heads/main")));
    rejected(
        "dsse",
        &with(base(), github::source_ref("refs/heads/mai")),
        "sourceRepositoryRef",
    );
    ok(
        "dsse",
        &with(
            base(),
            github::source_digest("82A3BFE6DD50FE9C71D6315EAE66DA15307856CF"),
        ),
    );
    rejected(
        "dsse",
        &with(
            base(),
            github::source_digest("82a3bfe6dd50fe9c71d6315eae66da15307856c0"),
        ),
        "sourceRepositoryDigest",
    );
    ok("dsse", &with(base(), github::deny_self_hosted_runners()));
    assert!(github::repository("just-owner").is_err());
    assert!(github::signer_workflow("o/r/workflows/x.yml").is_err());
}

#[test]
fn reusable_workflow_pins_the_caller_repository() {
    // The SAN names the reusable workflow; the source repository is the caller's.
    let id = "https://github.com/github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d";
    ok(
        "github-reusable-workflow-attestation",
        &with(
            Policy::identity(id, GH).unwrap(),
            github::repository("malancas/attest-demo").unwrap(),
        ),
    );
    rejected(
        "github-reusable-workflow-attestation",
        &with(
            Policy::identity(id, GH).unwrap(),
            github::repository("github/artifact-attestations-workflows").unwrap(),
        ),
        "sourceRepositoryURI",
    );
    let p = with(
        Policy::identity(id, GH).unwrap(),
        github::signer_workflow(
            "github/artifact-attestations-workflows/.github/workflows/attest.yml",
        )
        .unwrap(),
    );
    ok("github-reusable-workflow-attestation", &p);
}

#[test]
fn gitlab_shorthands() {
    let id = "https://gitlab.com/facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/main";
    let base = || Policy::identity(id, sigverify::GITLAB_ISSUER).unwrap();
    let s = "pypi-gitlab-oidc-project-0.0.3-publish-pep740";
    ok(
        s,
        &with(
            base(),
            gitlab::project("facutuesca/gitlab-oidc-project").unwrap(),
        ),
    );
    rejected(
        s,
        &with(base(), gitlab::project("facutuesca/gitlab-oidc").unwrap()),
        "sourceRepositoryURI",
    );
    ok(s, &with(base(), gitlab::namespace("facutuesca").unwrap()));
    ok(
        s,
        &with(
            base(),
            gitlab::signer_config("facutuesca/gitlab-oidc-project//.gitlab-ci.yml").unwrap(),
        ),
    );
    rejected(
        s,
        &with(
            base(),
            gitlab::signer_config("facutuesca/gitlab-oidc-project//.gitlab-ci.yml@refs/heads/dev")
                .unwrap(),
        ),
        "buildSignerURI",
    );
    ok(s, &with(base(), gitlab::deny_self_hosted_runners()));
    rejected(
        s,
        &with(base(), github::deny_self_hosted_runners()),
        "runnerEnvironment",
    );
}

#[test]
fn statement_checks_slsa_v1() {
    let base = || Policy::identity(BEACON, GH).unwrap();
    let f = |field: Field, m: Matcher| with(base(), Requirement::Field(field, m));
    ok(
        "dsse",
        &f(
            Field::PredicateType,
            Matcher::exact("https://slsa.dev/provenance/v1"),
        ),
    );
    rejected(
        "dsse",
        &f(
            Field::PredicateType,
            Matcher::exact("https://slsa.dev/provenance/v0.2"),
        ),
        "predicateType",
    );
    ok(
        "dsse",
        &f(
            Field::SlsaBuilderId,
            Matcher::glob(
                "https://github.com/loosebazooka/aa-test/.github/workflows/*@refs/heads/main",
            )
            .unwrap(),
        ),
    );
    rejected(
        "dsse",
        &f(
            Field::SlsaBuilderId,
            Matcher::regex("https://github.com/loosebazooka").unwrap(),
        ),
        "builderId",
    );
    ok(
        "dsse",
        &f(
            Field::SlsaBuildType,
            Matcher::exact("https://actions.github.io/buildtypes/workflow/v1"),
        ),
    );
    ok(
        "dsse",
        &f(
            Field::SlsaSourceRepository,
            Matcher::exact("https://github.com/loosebazooka/aa-test"),
        ),
    );
    rejected(
        "dsse",
        &f(
            Field::SlsaSourceRepository,
            Matcher::exact("https://github.com/loosebazooka/aa-tes"),
        ),
        "sourceRepository",
    );
    ok(
        "dsse",
        &f(Field::SlsaSourceRef, Matcher::exact("refs/heads/main")),
    );
    ok(
        "dsse",
        &f(
            Field::SlsaResolvedDependencyDigest,
            Matcher::exact("gitCommit:ebff8dfbd609b7b22237c7719ce07f2dc7934f5f"),
        ),
    );
    rejected(
        "dsse",
        &f(
            Field::SlsaResolvedDependencyDigest,
            Matcher::exact("gitCommit:ebff8dfbd609b7b22237c7719ce07f2dc7934f5"),
        ),
        "resolvedDependencyDigest",
    );
}

#[test]
fn statement_checks_slsa_v02_and_legacy_claims() {
    let s = "npm-sigstore-1.0.0-provenance";
    let id =
        "https://github.com/sigstore/sigstore-js/.github/workflows/publish.yml@refs/tags/v1.0.0";
    let base = || Policy::identity(id, GH).unwrap();
    let f = |field: Field, m: Matcher| with(base(), Requirement::Field(field, m));
    ok(s, &base());
    ok(
        s,
        &f(
            Field::SlsaBuilderId,
            Matcher::exact("https://github.com/npm/cli@9.4.2"),
        ),
    );
    ok(
        s,
        &f(
            Field::SlsaSourceRepository,
            Matcher::exact("https://github.com/sigstore/sigstore-js"),
        ),
    );
    ok(
        s,
        &f(Field::SlsaSourceRef, Matcher::exact("refs/tags/v1.0.0")),
    );
    rejected(
        s,
        &f(Field::SlsaSourceRef, Matcher::exact("refs/tags/v1.0.1")),
        "sourceRef",
    );
    ok(
        s,
        &f(
            Field::SlsaResolvedDependencyDigest,
            Matcher::exact("sha1:06528997c3c8ab9f864fad9a3658446aca7fd86d"),
        ),
    );
    // This 2023 certificate predates the 1.8+ extensions: asking for them fails closed.
    rejected(
        s,
        &with(base(), github::repository("sigstore/sigstore-js").unwrap()),
        "absent",
    );
    ok(
        s,
        &f(Field::Fulcio(5), Matcher::exact("sigstore/sigstore-js")),
    );
}

#[test]
fn a_message_signature_has_no_statement() {
    let bundle = std::fs::read(shared("conformance/happy-path-v0.3/bundle.sigstore.json")).unwrap();
    let art = Artifact::parse_digest(
        "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf",
    )
    .unwrap();
    let p = with(
        Policy::identity(BEACON, GH).unwrap(),
        Requirement::Field(Field::PredicateType, Matcher::exact("x")),
    );
    let e = Verifier::new(&TrustedRoot::public_good().unwrap())
        .unwrap()
        .verify_json(&bundle, &art, &p, 2_000_000_000)
        .unwrap_err();
    assert_eq!(e.check(), Check::Policy);
    assert!(e.to_string().contains("no in-toto statement"), "{e}");
}

#[test]
fn policy_documents_on_real_bundles() {
    let doc = format!(
        r#"{{"version": 1,
            "github": {{"repository": "{BEACON_REPO}", "signerWorkflow": "{BEACON_REPO}/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main", "denySelfHostedRunners": true}},
            "claims": {{"sourceRepositoryVisibilityAtSigning": "public", "buildTrigger": {{"anyOf": ["push", "workflow_dispatch"]}}}},
            "statement": {{"predicateType": "https://slsa.dev/provenance/v1", "builderId": {{"glob": "https://github.com/loosebazooka/**"}}}}}}"#
    );
    let p = Policy::from_json(doc.as_bytes()).unwrap();
    let r = verify("dsse", &p).unwrap();
    let claims: Vec<&str> = r.policy_checks.iter().map(|c| c.claim.as_str()).collect();
    for c in [
        "identity",
        "issuer",
        "sourceRepositoryURI",
        "buildSignerURI",
        "runnerEnvironment",
        "buildTrigger",
        "statement.builderId",
    ] {
        assert!(claims.contains(&c), "{c} missing from {claims:?}");
    }
    let bad = doc.replace("\"public\"", "\"private\"");
    let e = verify("dsse", &Policy::from_json(bad.as_bytes()).unwrap()).unwrap_err();
    assert!(
        e.to_string().contains(
            "sourceRepositoryVisibilityAtSigning: expected \"private\", found \"public\""
        ),
        "{e}"
    );
    let e = Policy::from_json(
        doc.replace("denySelfHostedRunners", "denySelfHosted")
            .as_bytes(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("$.github.denySelfHosted"), "{e}");
}

#[test]
fn unsafe_any_identity_exists_only_by_that_name() {
    ok("dsse", &Policy::without_identity_unsafe());
    let p = Policy::from_json(br#"{"version":1,"unsafeAnyIdentity":true}"#).unwrap();
    ok("dsse", &p);
    assert!(Policy::from_json(br#"{"version":1}"#).is_err());
}

#[test]
fn the_documented_example_is_valid() {
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/policy.md")).unwrap();
    let start = md.find("```json\n").expect("an example") + 8;
    let end = start + md[start..].find("```").unwrap();
    Policy::from_json(&md.as_bytes()[start..end]).expect("docs/policy.md example parses");
}

#[test]
fn identity_and_issuer_inside_any_of() {
    let doc = format!(
        r#"{{"version":1,"issuer":"{GH}","anyOf":[{{"identity":"https://example.com/nope"}},{{"identity":"{BEACON}"}}]}}"#
    );
    ok("dsse", &Policy::from_json(doc.as_bytes()).unwrap());
    let doc = format!(
        r#"{{"version":1,"issuer":"{GH}","anyOf":[{{"identity":"https://example.com/nope"}}],"identity":{{"regex":".+"}}}}"#
    );
    rejected(
        "dsse",
        &Policy::from_json(doc.as_bytes()).unwrap(),
        "none held",
    );
}
