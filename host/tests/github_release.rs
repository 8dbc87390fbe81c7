//! The release request (`sigverify_host::ecosystems::github_release`): the argument rules every
//! face shares, files hashed as a stream, and the real sample end to end.

use std::path::PathBuf;

use sigverify_host::ecosystems::github_release::{Asset, Request};
use sigverify_host::{Data, Failure};

const NOW: i64 = 2_000_000_000;
const ASSET: &str = "communique-aarch64-apple-darwin.tar.gz";
const DIGEST: &str = "sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428";

fn sample() -> PathBuf {
    sigverify_testkit::vectors::ecosystem_path(
        "github-immutable-release-jdx-communique/bundle.json",
    )
}

fn request() -> Request<'static> {
    Request {
        document: Data::Path(sample()),
        repository: Some("jdx/communique".into()),
        tag: Some("v0.1.9".into()),
        assets: Vec::new(),
        digest: None,
        filename: None,
        github_instance: None,
    }
}

fn code(r: Request<'_>) -> &'static str {
    match r.validate().and_then(|j| j.run(NOW)) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn the_sample_verifies_as_a_release_and_with_an_asset_digest() {
    let r = request().validate().unwrap().run(NOW).unwrap();
    assert_eq!(r.purl, "pkg:github/jdx/communique@v0.1.9");
    let r = Request {
        digest: Some(DIGEST.into()),
        filename: Some(ASSET.into()),
        ..request()
    }
    .validate()
    .unwrap()
    .run(NOW)
    .unwrap();
    assert_eq!(r.verified_assets, vec![ASSET.to_owned()]);
}

#[test]
fn asset_files_are_hashed_and_named_by_their_path() {
    let dir = std::env::temp_dir().join(format!("sigverify-release-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(ASSET);
    std::fs::write(&file, b"not the release's asset").unwrap();
    // The file's own digest is not in the release: refused by the artifact check.
    let r = Request {
        assets: vec![Asset {
            data: Data::Path(file.clone()),
            name: None,
        }],
        ..request()
    };
    assert_eq!(code(r), "artifact-mismatch");
    // Bytes need a name.
    let r = Request {
        assets: vec![Asset {
            data: Data::slice(b"x"),
            name: None,
        }],
        ..request()
    };
    assert_eq!(code(r), "invalid-argument");
    // A missing file is an io-error.
    let r = Request {
        assets: vec![Asset {
            data: Data::Path(dir.join("missing.tar.gz")),
            name: None,
        }],
        ..request()
    };
    assert_eq!(code(r), "io-error");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn argument_rules() {
    let cases: Vec<(Request<'static>, &str)> = vec![
        (
            Request {
                repository: None,
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: Some(String::new()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                tag: None,
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                tag: Some(String::new()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                repository: Some("jdx".into()),
                ..request()
            },
            "invalid-policy",
        ),
        (
            Request {
                digest: Some(DIGEST.into()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                filename: Some(ASSET.into()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                digest: Some(DIGEST.into()),
                filename: Some(String::new()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                assets: vec![Asset {
                    data: Data::slice(b"x"),
                    name: Some("a".into()),
                }],
                digest: Some(DIGEST.into()),
                filename: Some(ASSET.into()),
                ..request()
            },
            "invalid-argument",
        ),
        (
            Request {
                digest: Some("sha512:00".into()),
                filename: Some(ASSET.into()),
                ..request()
            },
            "invalid-artifact",
        ),
        (
            Request {
                digest: Some("sha256:zz".into()),
                filename: Some(ASSET.into()),
                ..request()
            },
            "invalid-artifact",
        ),
        (
            Request {
                digest: Some(DIGEST.into()),
                filename: Some("a/b".into()),
                ..request()
            },
            "invalid-artifact",
        ),
        (
            Request {
                tag: Some("v0.1.8".into()),
                ..request()
            },
            "policy-mismatch",
        ),
        (
            Request {
                document: Data::slice(b"{}"),
                ..request()
            },
            "invalid-bundle",
        ),
    ];
    for (r, want) in cases {
        let got = match r.validate().and_then(|j| j.run(NOW)) {
            Ok(_) => "ok",
            Err(e) => {
                if want == "invalid-argument" {
                    assert!(matches!(e, Failure::Argument(_)), "{e}");
                }
                e.code()
            }
        };
        assert_eq!(got, want);
    }
}
