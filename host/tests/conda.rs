//! The conda request: which arguments are required or exclusive, what each face's values become
//! (a package as bytes, a file hashed as a stream, a digest with a file name; a bundle or a
//! sidecar as bytes or files), and the real sample (../shared/vectors/ecosystems) end to end.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use sigverify::{TrustedRoot, Verifier};
use sigverify_host::ecosystems::conda::Request;
use sigverify_host::{Class, Data, Failure};

const CASE: &str = "conda-signed-package-2.1.0-attestation";
const FILE: &str = "signed-package-2.1.0-hb0f4dca_0.conda";
const CHANNEL: &str = "https://prefix.dev/sigstore-example";
const REPO: &str = "prefix-dev/sigstore-example";
const NOW: i64 = 2_000_000_000;

fn sample(file: &str) -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(&format!("{CASE}/{file}"))
}

fn digest() -> String {
    std::fs::read_to_string(sample("digest"))
        .unwrap()
        .trim()
        .to_owned()
}

fn verifier() -> Arc<Verifier> {
    Arc::new(Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap())
}

/// The request that verifies: the digest and file name, the bundle file, the repository.
fn good() -> Request<'static> {
    Request {
        verifier: verifier(),
        package: None,
        digest: Some(digest()),
        filename: Some(FILE.into()),
        bundle: Some(Data::Path(sample("conda-attestation.sigstore.json"))),
        sigs: None,
        repository: Some(REPO.into()),
        signer_workflow: Some("action.yaml".into()),
        identity: None,
        issuer: None,
        channel: Some(CHANNEL.into()),
    }
}

fn outcome(r: Request<'_>) -> Result<usize, Failure> {
    r.validate()?.run(NOW).map(|v| v.len())
}

fn code(r: Request<'_>) -> (&'static str, Class) {
    let f = outcome(r).expect_err("expected a failure");
    (f.code(), f.class())
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigverify-conda-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_form_of_the_package_and_the_attestation_verifies() {
    let artifact = std::fs::read(sample("artifact")).unwrap();
    let bundle = std::fs::read(sample("conda-attestation.sigstore.json")).unwrap();
    let dir = temp("forms");
    let named = dir.join(FILE);
    std::fs::write(&named, &artifact).unwrap();
    let v: Value = serde_json::from_slice(&bundle).unwrap();
    let sigs = Value::Array(vec![v.clone(), v]).to_string().into_bytes();
    let sigs_file = dir.join(format!("{FILE}.v0.sigs"));
    std::fs::write(&sigs_file, &sigs).unwrap();

    assert_eq!(outcome(good()).unwrap(), 1);
    // The package as bytes (a name is then required), as a file named like the package (hashed
    // as a stream, its name used), as a file under another name with the name given.
    let forms: Vec<(Option<Data<'static>>, Option<String>, Option<String>)> = vec![
        (Some(Data::owned(artifact.clone())), None, Some(FILE.into())),
        (Some(Data::Path(named.clone())), None, None),
        (
            Some(Data::Path(sample("artifact"))),
            None,
            Some(FILE.into()),
        ),
    ];
    for (package, digest, filename) in forms {
        assert_eq!(
            outcome(Request {
                package,
                digest,
                filename,
                ..good()
            })
            .unwrap(),
            1
        );
    }
    // The bundle as bytes; the sidecar as bytes and as a file: one result per bundle.
    assert_eq!(
        outcome(Request {
            bundle: Some(Data::owned(bundle.clone())),
            ..good()
        })
        .unwrap(),
        1
    );
    for sigs in [Data::owned(sigs.clone()), Data::Path(sigs_file)] {
        assert_eq!(
            outcome(Request {
                bundle: None,
                sigs: Some(sigs),
                ..good()
            })
            .unwrap(),
            2
        );
    }
    // identity and issuer instead of the repository.
    let identity = std::fs::read_to_string(sample("identity")).unwrap();
    let issuer = std::fs::read_to_string(sample("issuer")).unwrap();
    assert_eq!(
        outcome(Request {
            repository: None,
            signer_workflow: None,
            identity: Some(identity.trim().into()),
            issuer: Some(issuer.trim().into()),
            ..good()
        })
        .unwrap(),
        1
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn arguments_missing_both_or_empty() {
    let arg = ("invalid-argument", Class::InvalidInput);
    let s = |v: &str| Some(v.to_owned());
    let cases: Vec<(&str, Request<'static>, (&str, Class))> = vec![
        (
            "no package",
            Request {
                digest: None,
                ..good()
            },
            arg,
        ),
        (
            "package and digest",
            Request {
                package: Some(Data::owned(vec![1])),
                ..good()
            },
            arg,
        ),
        (
            "digest without filename",
            Request {
                filename: None,
                ..good()
            },
            arg,
        ),
        (
            "empty filename",
            Request {
                filename: s(""),
                ..good()
            },
            arg,
        ),
        (
            "bytes without filename",
            Request {
                package: Some(Data::owned(vec![1])),
                digest: None,
                filename: None,
                ..good()
            },
            arg,
        ),
        (
            "no bundle",
            Request {
                bundle: None,
                ..good()
            },
            arg,
        ),
        (
            "bundle and sigs",
            Request {
                sigs: Some(Data::owned(b"[]".to_vec())),
                ..good()
            },
            arg,
        ),
        (
            "no signer",
            Request {
                repository: None,
                signer_workflow: None,
                ..good()
            },
            arg,
        ),
        (
            "repository and identity",
            Request {
                identity: s("x@example.com"),
                issuer: s("https://accounts.google.com"),
                ..good()
            },
            arg,
        ),
        (
            "workflow without repository",
            Request {
                repository: None,
                identity: s("x@example.com"),
                issuer: s("https://accounts.google.com"),
                ..good()
            },
            arg,
        ),
        (
            "identity without issuer",
            Request {
                repository: None,
                signer_workflow: None,
                identity: s("x@example.com"),
                ..good()
            },
            arg,
        ),
        (
            "issuer without identity",
            Request {
                repository: None,
                signer_workflow: None,
                issuer: s("https://accounts.google.com"),
                ..good()
            },
            arg,
        ),
        // Values the core refuses.
        (
            "sha512 digest",
            Request {
                digest: s(&format!("sha512:{}", "ab".repeat(64))),
                ..good()
            },
            ("invalid-artifact", Class::InvalidInput),
        ),
        (
            "malformed digest",
            Request {
                digest: s("sha256:xyz"),
                ..good()
            },
            ("invalid-artifact", Class::InvalidInput),
        ),
        (
            "not a conda file name",
            Request {
                filename: s("signed-package-2.1.0-hb0f4dca_0.whl"),
                ..good()
            },
            ("invalid-artifact", Class::InvalidInput),
        ),
        (
            "empty repository",
            Request {
                repository: s(""),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        (
            "repository without owner",
            Request {
                repository: s("sigstore-example"),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        (
            "empty workflow",
            Request {
                signer_workflow: s(""),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        (
            "empty channel",
            Request {
                channel: s(""),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        (
            "channel without scheme",
            Request {
                channel: s("prefix.dev/sigstore-example"),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        (
            "empty identity",
            Request {
                repository: None,
                signer_workflow: None,
                identity: s(""),
                issuer: s("https://accounts.google.com"),
                ..good()
            },
            ("invalid-policy", Class::InvalidInput),
        ),
        // Documents.
        (
            "missing bundle file",
            Request {
                bundle: Some(Data::Path("/nonexistent/x.json".into())),
                ..good()
            },
            ("io-error", Class::InvalidInput),
        ),
        (
            "missing package file",
            Request {
                digest: None,
                package: Some(Data::Path("/nonexistent/x.conda".into())),
                ..good()
            },
            ("io-error", Class::InvalidInput),
        ),
        (
            "a sidecar as the bundle",
            Request {
                bundle: Some(Data::owned(b"[{}]".to_vec())),
                ..good()
            },
            ("invalid-json", Class::InvalidInput),
        ),
        (
            "a bundle as the sidecar",
            Request {
                bundle: None,
                sigs: Some(Data::owned(b"{}".to_vec())),
                ..good()
            },
            ("invalid-json", Class::InvalidInput),
        ),
        (
            "an empty sidecar",
            Request {
                bundle: None,
                sigs: Some(Data::owned(b"[]".to_vec())),
                ..good()
            },
            ("invalid-json", Class::InvalidInput),
        ),
    ];
    for (name, request, want) in cases {
        assert_eq!(code(request), want, "{name}");
    }
}

#[test]
fn near_misses_do_not_verify() {
    let ver = ("artifact-mismatch", sigverify_host::Class::Verification);
    let pol = ("policy-mismatch", sigverify_host::Class::Verification);
    let d = digest();
    let flipped = format!("{}{}", &d[..7], if &d[7..8] == "0" { "1" } else { "0" }) + &d[8..];
    let s = |v: &str| Some(v.to_owned());
    for (name, request, want) in [
        (
            "another file",
            Request {
                filename: s("signed-package-2.1.1-hb0f4dca_0.conda"),
                ..good()
            },
            ver,
        ),
        (
            "another digest",
            Request {
                digest: Some(flipped),
                ..good()
            },
            ver,
        ),
        (
            "another channel",
            Request {
                channel: s("https://prefix.dev/conda-forge"),
                ..good()
            },
            pol,
        ),
        (
            "another repository",
            Request {
                repository: s("prefix-dev/other"),
                ..good()
            },
            pol,
        ),
        (
            "another workflow",
            Request {
                signer_workflow: s("release.yml"),
                ..good()
            },
            pol,
        ),
    ] {
        assert_eq!(code(request), want, "{name}");
    }
}
