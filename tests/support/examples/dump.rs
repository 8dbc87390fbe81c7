//! Writes the test instance's trusted root and a set of bundles (happy paths and every fault)
//! to a directory, with a `manifest.json` describing them. Used by `crosscheck.py`:
//!
//! ```text
//! cargo run -p sigverify-testkit --example dump -- /tmp/sigverify-testkit-dump
//! ```

use sigverify_testkit::{
    BundleOptions, BundleVersion, Content, EntryKind, Fault, Instance, ManagedKey, RekorV2Entry,
    TrustedRootOptions, ValidFor, DEFAULT_IDENTITY, DEFAULT_INTEGRATED_TIME, DEFAULT_ISSUER,
};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "sigverify-testkit-dump".to_string());
    std::fs::create_dir_all(&dir).expect("create output dir");
    let inst = Instance::new();
    let artifact = b"sigverify test artifact\n";
    std::fs::write(format!("{dir}/artifact"), artifact).expect("write artifact");
    std::fs::write(
        format!("{dir}/trusted_root.json"),
        serde_json::to_string_pretty(&inst.trusted_root()).expect("json"),
    )
    .expect("write trusted root");
    std::fs::write(format!("{dir}/managed_key.pem"), inst.managed_key_pem()).expect("write key");
    // Trusted-root knobs: each should make a valid bundle (at the default time) fail.
    let t = DEFAULT_INTEGRATED_TIME;
    let knobs: [(&str, TrustedRootOptions); 4] = [
        (
            "tlog-not-yet-valid",
            TrustedRootOptions {
                tlog_valid_for: ValidFor::from(t + 3600),
                ..Default::default()
            },
        ),
        (
            "tlog-expired",
            TrustedRootOptions {
                tlog_valid_for: ValidFor::between(t - 7200, t - 3600),
                ..Default::default()
            },
        ),
        (
            "ca-expired",
            TrustedRootOptions {
                ca_valid_for: ValidFor::between(t - 7200, t - 3600),
                ..Default::default()
            },
        ),
        (
            "tsa-not-yet-valid",
            TrustedRootOptions {
                tsa_valid_for: ValidFor::from(t + 3600),
                ..Default::default()
            },
        ),
    ];
    for (name, o) in knobs {
        std::fs::write(
            format!("{dir}/trusted_root-{name}.json"),
            serde_json::to_string_pretty(&inst.trusted_root_from(&o)).expect("json"),
        )
        .expect("write trusted root");
    }

    let mut cases: Vec<(String, BundleOptions)> = Vec::new();
    let base = BundleOptions::default();
    let dsse = BundleOptions::dsse();
    for (label, o) in [("msg", &base), ("dsse", &dsse)] {
        for v in [BundleVersion::V01, BundleVersion::V02, BundleVersion::V03] {
            for ts in [true, false] {
                let name = format!("ok-{label}-{v:?}-{}", if ts { "ts" } else { "nots" });
                cases.push((
                    name,
                    BundleOptions {
                        version: v,
                        with_timestamp: ts,
                        ..o.clone()
                    },
                ));
            }
        }
    }
    cases.push((
        "ok-msg-V03-no-tlog".into(),
        BundleOptions {
            with_tlog: false,
            ..base.clone()
        },
    ));
    cases.push((
        "ok-msg-V03-tsa-no-embedded-cert".into(),
        BundleOptions {
            tsa_embed_cert: false,
            ..base.clone()
        },
    ));
    // Without the SET, integratedTime is not a verified time: the RFC 3161 timestamp must carry
    // the verification alone (sigstore-python silently drops invalid timestamps otherwise).
    cases.push((
        "ok-msg-V03-ts-nopromise".into(),
        BundleOptions {
            with_inclusion_promise: false,
            ..base.clone()
        },
    ));
    cases.push((
        "ok-dsse-V03-ts-nopromise".into(),
        BundleOptions {
            with_inclusion_promise: false,
            ..dsse.clone()
        },
    ));
    cases.push((
        "ok-msg-V03-ts-nopromise-no-embedded-cert".into(),
        BundleOptions {
            with_inclusion_promise: false,
            tsa_embed_cert: false,
            ..base.clone()
        },
    ));
    cases.push((
        "ok-intoto-V03-ts".into(),
        BundleOptions {
            entry: EntryKind::Intoto002,
            ..dsse.clone()
        },
    ));
    cases.push((
        "ok-managed-p256-V03-ts".into(),
        BundleOptions {
            managed_key: Some(ManagedKey::P256),
            ..base.clone()
        },
    ));
    // Rekor v2 (Ed25519 log, checkpoint with and without witness cosignatures).
    for (label, content, kind) in [
        (
            "msg",
            Content::MessageSignature,
            RekorV2Entry::HashedRekord002,
        ),
        ("dsse", Content::Dsse, RekorV2Entry::HashedRekord002),
        ("dsse-dsse002", Content::Dsse, RekorV2Entry::Dsse002),
    ] {
        cases.push((
            format!("ok-{label}-V03-rekor2"),
            BundleOptions::rekor_v2(content, kind),
        ));
    }
    cases.push((
        "ok-msg-V03-rekor2-cosigned".into(),
        BundleOptions {
            cosigners: vec![0, 1, 2],
            ..BundleOptions::rekor_v2(Content::MessageSignature, RekorV2Entry::HashedRekord002)
        },
    ));
    for f in Fault::ALL {
        let o = if matches!(
            f,
            Fault::DsseBadSignature
                | Fault::DssePayloadTypeMismatch
                | Fault::DsseWrongPayloadType
                | Fault::DsseSubjectMismatch
        ) {
            dsse.clone()
        } else {
            base.clone()
        };
        cases.push((format!("fault-{f:?}"), o.clone().with_fault(*f)));
        if format!("{f:?}").starts_with("Timestamp") {
            let o = BundleOptions {
                with_inclusion_promise: false,
                ..o
            };
            cases.push((format!("fault-{f:?}-nopromise"), o.with_fault(*f)));
        }
    }

    let mut manifest = Vec::new();
    for (name, o) in cases {
        let file = format!("{name}.sigstore.json");
        std::fs::write(
            format!("{dir}/{file}"),
            serde_json::to_string_pretty(&inst.bundle(&o, artifact)).expect("json"),
        )
        .expect("write bundle");
        manifest.push(serde_json::json!({
            "name": name,
            "file": file,
            "dsse": o.content == Content::Dsse,
            "managed_key": o.managed_key.is_some(),
            "fault": o.fault.map(|f| format!("{f:?}")),
        }));
    }
    std::fs::write(
        format!("{dir}/manifest.json"),
        serde_json::to_string_pretty(&serde_json::json!({
            "identity": DEFAULT_IDENTITY,
            "issuer": DEFAULT_ISSUER,
            "cases": manifest,
        }))
        .expect("json"),
    )
    .expect("write manifest");
    println!("wrote bundles to {dir}");
}
