use serde_json::{json, Value};
use sigverify_testkit::keys::{EcKey, EcdsaKey};
use sigverify_testkit::util::{b64, pem};
use sigverify_testkit::x509 as tk;
use sigverify_testkit::{Curve, HashKind};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use super::*;
use crate::dsse::Statement;

fn sha256(b: &[u8]) -> Vec<u8> {
    Backend::default().hash(HashAlg::Sha256, b)
}

fn files_serialization() -> Value {
    json!({"method": "files", "hash_type": "sha256", "allow_symlinks": false})
}

/// A model_signing statement over `resources` (name, digest), subject digest computed.
fn statement_json(serialization: Value, resources: &[(&str, Vec<u8>)]) -> Value {
    let algorithm = match serialization.get("shard_size").and_then(Value::as_u64) {
        Some(n) => format!("sha256-sharded-{n}"),
        None => "sha256".to_owned(),
    };
    let digest = manifest_digest(resources.iter().map(|r| r.1.as_slice()), Backend::default());
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "model", "digest": {"sha256": hex::encode(digest)}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "serialization": serialization,
            "resources": resources.iter().map(|(n, d)| json!({
                "name": n, "algorithm": algorithm, "digest": hex::encode(d)
            })).collect::<Vec<_>>(),
        },
    })
}

fn manifest_of(v: &Value) -> Result<Manifest, Error> {
    let st = Statement::parse(v.to_string().as_bytes())?;
    Manifest::from_statement(&st, Backend::default())
}

fn two_files() -> Value {
    statement_json(
        files_serialization(),
        &[("signme-1", sha256(b"one")), ("signme-2", sha256(b"two"))],
    )
}

fn statement_err(v: &Value, needle: &str) {
    let e = manifest_of(v).unwrap_err();
    assert_eq!(e.code(), "statement", "{e}");
    assert!(e.to_string().contains(needle), "{needle:?} not in {e}");
}

#[test]
fn predicate_fields_are_read() {
    let m = manifest_of(&two_files()).unwrap();
    assert_eq!(m.model_name, "model");
    assert_eq!(m.serialization.method, Method::Files);
    assert_eq!(m.serialization.hash_type, HashType::Sha256);
    assert!(!m.serialization.allow_symlinks);
    assert_eq!(m.resources.len(), 2);
    assert_eq!(m.resources[0].key.name(), "signme-1");
    assert_eq!(m.resources[0].digest, sha256(b"one"));

    // model_signing writes the shard size as a double (a protobuf Struct number).
    let s = json!({"method": "shards", "hash_type": "sha256", "shard_size": 4.0,
        "allow_symlinks": true, "ignore_paths": ["x", "/abs"], "future": 1});
    let v = statement_json(s, &[("a//./b/:0:4", sha256(b"abcd"))]);
    let m = manifest_of(&v).unwrap();
    assert_eq!(m.serialization.method, Method::Shards { shard_size: 4 });
    assert_eq!(m.serialization.resource_algorithm(), "sha256-sharded-4");
    assert!(m.serialization.allow_symlinks);
    assert_eq!(m.serialization.ignore_paths, ["x", "/abs"]);
    // PurePosixPath normalisation of the name.
    assert_eq!(m.resources[0].key.name(), "a/b:0:4");
    assert_eq!(m.resources[0].key.range(), Some((0, 4)));
    assert_eq!(m.resources[0].name, "a//./b/:0:4");

    for (h, t) in [
        ("blake2", HashType::Blake2),
        ("blake2b", HashType::Blake2),
        ("blake3", HashType::Blake3),
    ] {
        let v = statement_json(
            json!({"method": "files", "hash_type": h, "allow_symlinks": false}),
            &[("a", sha256(b"a"))],
        );
        assert_eq!(manifest_of(&v).unwrap().serialization.hash_type, t);
    }
    // "" is PurePosixPath("."): a single-file model.
    let v = statement_json(files_serialization(), &[("", sha256(b"a"))]);
    assert_eq!(manifest_of(&v).unwrap().resources[0].key.name(), ".");
}

#[test]
fn every_predicate_error_is_named() {
    let base = two_files();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = base.clone();
        f(&mut v);
        v
    };
    statement_err(
        &with(&|v| v["_type"] = json!("https://in-toto.io/Statement/v0.1")),
        "statement _type",
    );
    statement_err(
        &with(&|v| v["predicateType"] = json!("https://slsa.dev/provenance/v1")),
        "predicateType: expected",
    );
    statement_err(
        &with(&|v| v["predicateType"] = json!("https://model_signing/Digests/v0.1")),
        "model_signing 0.2",
    );
    statement_err(
        &with(&|v| {
            let s = v["subject"][0].clone();
            v["subject"] = json!([s.clone(), s]);
        }),
        "exactly one subject, found 2",
    );
    statement_err(
        &with(&|v| v["subject"][0]["digest"] = json!({"sha512": "00"})),
        "digest.sha256 is missing",
    );
    statement_err(
        &with(&|v| v["subject"][0]["digest"]["sha256"] = json!("abcd")),
        "not 32 bytes of hex",
    );
    statement_err(
        &with(&|v| v["predicate"] = json!([])),
        "predicate: expected an object",
    );
    statement_err(
        &with(&|v| {
            v["predicate"]
                .as_object_mut()
                .unwrap()
                .remove("serialization");
        }),
        "predicate.serialization is missing",
    );
    statement_err(
        &with(&|v| v["predicate"]["serialization"] = json!("files")),
        "serialization: expected an object",
    );
    for key in ["method", "hash_type", "allow_symlinks"] {
        statement_err(
            &with(&|v| {
                v["predicate"]["serialization"]
                    .as_object_mut()
                    .unwrap()
                    .remove(key);
            }),
            &format!("serialization.{key} is missing"),
        );
    }
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["method"] = json!("tensors")),
        "method: expected \"files\" or \"shards\", found \"tensors\"",
    );
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["hash_type"] = json!("md5")),
        "hash_type: expected sha256, blake2b (blake2) or blake3, found \"md5\"",
    );
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["allow_symlinks"] = json!("false")),
        "allow_symlinks: expected true or false",
    );
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["method"] = json!("shards")),
        "serialization.shard_size is missing",
    );
    for bad in [
        json!(0),
        json!(-1),
        json!("8"),
        json!(1.5),
        json!(0.0),
        json!(1e300),
    ] {
        statement_err(
            &with(&|v| {
                v["predicate"]["serialization"]["method"] = json!("shards");
                v["predicate"]["serialization"]["shard_size"] = bad.clone();
            }),
            "shard_size: expected a positive integer",
        );
    }
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["ignore_paths"] = json!("x")),
        "ignore_paths: expected an array",
    );
    statement_err(
        &with(&|v| v["predicate"]["serialization"]["ignore_paths"] = json!(["x", 1])),
        "ignore_paths[1]: expected a string",
    );
    statement_err(
        &with(&|v| {
            v["predicate"].as_object_mut().unwrap().remove("resources");
        }),
        "predicate.resources is missing",
    );
    statement_err(
        &with(&|v| v["predicate"]["resources"] = json!({})),
        "resources: expected an array",
    );
    statement_err(
        &statement_json(files_serialization(), &[]),
        "the signature covers no file",
    );
    statement_err(
        &with(&|v| v["predicate"]["resources"][1] = json!("signme-2")),
        "resources[1]: expected an object",
    );
    for key in ["name", "algorithm", "digest"] {
        statement_err(
            &with(&|v| {
                v["predicate"]["resources"][1]
                    .as_object_mut()
                    .unwrap()
                    .remove(key);
            }),
            &format!("resources[1].{key} is missing"),
        );
    }
    statement_err(
        &with(&|v| v["predicate"]["resources"][0]["digest"] = json!("xyz")),
        "resources[0].digest: not hex",
    );
    for name in ["/etc/passwd", "../x", "a/../../b"] {
        statement_err(
            &statement_json(files_serialization(), &[(name, sha256(b"a"))]),
            "is not a relative path inside the model",
        );
    }
    statement_err(
        &statement_json(
            files_serialization(),
            &[("a", sha256(b"a")), ("./a", sha256(b"b"))],
        ),
        "\"a\" is listed twice",
    );
    let shards = json!({"method": "shards", "hash_type": "sha256", "shard_size": 4, "allow_symlinks": false});
    for name in ["a:0", "a:b:0:4", "a"] {
        statement_err(
            &statement_json(shards.clone(), &[(name, sha256(b"a"))]),
            "a shard is named PATH:START:END",
        );
    }
    for name in [
        "a:+0:4",
        "a: 0:4",
        "a:0:4_0",
        "a:0:",
        "a:-1:4",
        "a:0:99999999999999999999",
    ] {
        statement_err(
            &statement_json(shards.clone(), &[(name, sha256(b"a"))]),
            "not decimal numbers",
        );
    }
    // The subject digest must be the manifest digest of the resources, in their order.
    let e = manifest_of(&with(&|v| {
        let r = v["predicate"]["resources"].as_array_mut().unwrap();
        r.swap(0, 1);
    }))
    .unwrap_err();
    assert_eq!(e.code(), "artifact-mismatch", "{e}");
    assert!(e.to_string().contains("subject digest"), "{e}");
}

#[test]
fn resources_sort_as_model_signing_does() {
    let k = |p: &str, r: Option<(u64, u64)>| {
        ResourceKey::new(p.split('/').map(str::to_owned).collect(), r)
    };
    // PurePosixPath compares component lists: "a/b" < "a.txt" although '.' < '/'.
    assert!(k("a/b", None) < k("a.txt", None));
    assert!(k("a", None) < k("a/b", None));
    assert!(k("B", None) < k("a", None));
    // Shards: path, then start as a number.
    assert!(k("a", Some((2, 4))) < k("a", Some((10, 12))));
    assert!(k("a", Some((10, 12))) < k("a/b", Some((0, 1))));
}

fn listing(files: &[(&str, u64)]) -> Vec<Entry> {
    files
        .iter()
        .map(|(p, s)| Entry::new(*p, EntryKind::File { size: *s }))
        .collect()
}

fn names(p: &Plan) -> Vec<String> {
    p.jobs().iter().map(|j| j.name.clone()).collect()
}

#[test]
fn plans_files_in_order_and_ignores() {
    let m = manifest_of(&two_files()).unwrap();
    let mut l = listing(&[
        ("signme-2", 3),
        ("a.txt", 1),
        ("a/b", 1),
        ("model.sig", 5),
        (".git/HEAD", 1),
        (".gitattributes", 1),
        (".github/workflows/x.yml", 1),
        (".gitignore", 1),
        ("sub/.git/HEAD", 1),
        ("ignore-me", 0),
        ("dir/x", 1),
        ("dir2/x", 1),
    ]);
    l.push(Entry::new("dir", EntryKind::Directory));
    let o = PlanOptions {
        signature_path: Some("model.sig".into()),
        ignore_paths: vec!["ignore-me".into(), "./dir/".into(), "../elsewhere".into()],
        ..Default::default()
    };
    let p = m.plan(&l, &o).unwrap();
    // Git paths only at the top; "dir" ignores what is in it, not "dir2".
    assert_eq!(
        names(&p),
        ["a/b", "a.txt", "dir2/x", "signme-2", "sub/.git/HEAD"]
    );
    assert_eq!(p.hash_alg(), HashAlg::Sha256);
    assert_eq!(p.total_bytes(), 7);
    assert!(p.jobs().iter().all(|j| j.range.is_none()));
    let ig = Ignore::new(&m, &o).unwrap();
    assert!(ig.matches(".git") && ig.matches(".git/objects/ab") && ig.matches("dir"));
    assert!(!ig.matches("dir2") && !ig.matches("sub/.git") && !ig.matches(""));

    // Without the git defaults, and with the signature's own ignore paths.
    let mut v = two_files();
    v["predicate"]["serialization"]["ignore_paths"] = json!(["a.txt", "/a", "a/.."]);
    let m2 = manifest_of(&v).unwrap();
    let o = PlanOptions {
        ignore_git_paths: false,
        ..Default::default()
    };
    let p = m2
        .plan(&listing(&[("a.txt", 1), (".gitignore", 1), ("a", 1)]), &o)
        .unwrap();
    assert_eq!(names(&p), [".gitignore", "a"]);

    // Only the signed files.
    let o = PlanOptions {
        ignore_unsigned_files: true,
        ..Default::default()
    };
    let p = m
        .plan(&listing(&[("signme-2", 1), ("other", 1)]), &o)
        .unwrap();
    assert_eq!(names(&p), ["signme-2"]);

    let o = PlanOptions {
        ignore_paths: vec!["/abs".into()],
        ..Default::default()
    };
    assert_eq!(m.plan(&[], &o).unwrap_err().code(), "invalid-artifact");
}

#[test]
fn plans_shards_at_model_signing_boundaries() {
    let s = json!({"method": "shards", "hash_type": "sha256", "shard_size": 4, "allow_symlinks": false});
    let m = manifest_of(&statement_json(s, &[("a:0:4", sha256(b"x"))])).unwrap();
    let p = m
        .plan(
            &listing(&[("ten", 10), ("eight", 8), ("empty", 0), ("three", 3)]),
            &PlanOptions::default(),
        )
        .unwrap();
    assert_eq!(
        names(&p),
        [
            "eight:0:4",
            "eight:4:8",
            "ten:0:4",
            "ten:4:8",
            "ten:8:10",
            "three:0:3"
        ]
    );
    let j = &p.jobs()[4];
    assert_eq!(
        (j.range, j.len(), j.read_path.as_str()),
        (Some((8, 10)), 2, "ten")
    );
    assert_eq!(p.total_bytes(), 21);

    // A shard count beyond the limit is refused before anything is built.
    let s = json!({"method": "shards", "hash_type": "sha256", "shard_size": 1, "allow_symlinks": false});
    let m = manifest_of(&statement_json(s, &[("a:0:1", sha256(b"x"))])).unwrap();
    let e = m
        .plan(&listing(&[("big", u64::MAX)]), &PlanOptions::default())
        .unwrap_err();
    assert_eq!(e.code(), "limit-exceeded", "{e}");
}

#[test]
fn plan_refusals() {
    let m = manifest_of(&two_files()).unwrap();
    let o = PlanOptions::default();
    let link = |t: LinkTarget| vec![Entry::new("l", EntryKind::Symlink(t))];
    let err = |l: &[Entry]| m.plan(l, &o).unwrap_err();
    let e = err(&link(LinkTarget::File {
        path: "signme-1".into(),
        size: 1,
    }));
    assert_eq!(e.code(), "artifact-mismatch");
    assert!(
        e.to_string().contains("model entry l")
            && e.to_string().contains("does not allow symbolic links"),
        "{e}"
    );
    let e = err(&[Entry::new("fifo", EntryKind::Other)]);
    assert!(e.to_string().contains("special file"), "{e}");
    for bad in ["", "/a", "a//b", "./a", "a/", "a/../b"] {
        let l = vec![
            Entry::new(bad, EntryKind::File { size: 1 }),
            Entry::new("x", EntryKind::Directory),
        ];
        assert_eq!(err(&l).code(), "invalid-artifact", "{bad:?}");
    }
    assert_eq!(
        err(&listing(&[("a", 1), ("a", 1)])).code(),
        "invalid-artifact"
    );
    // An ignored link is no error.
    let o2 = PlanOptions {
        ignore_paths: vec!["l".into()],
        ..Default::default()
    };
    assert!(m
        .plan(&link(LinkTarget::Missing), &o2)
        .unwrap()
        .jobs()
        .is_empty());

    // With symlinks allowed: a file inside is hashed under the link's name, a directory is
    // skipped, anything else is refused.
    let mut v = two_files();
    v["predicate"]["serialization"]["allow_symlinks"] = json!(true);
    let m = manifest_of(&v).unwrap();
    let p = m
        .plan(
            &[
                Entry::new(
                    "l",
                    EntryKind::Symlink(LinkTarget::File {
                        path: "real/f".into(),
                        size: 3,
                    }),
                ),
                Entry::new("d", EntryKind::Symlink(LinkTarget::Directory)),
            ],
            &o,
        )
        .unwrap();
    assert_eq!(names(&p), ["l"]);
    assert_eq!(p.jobs()[0].read_path, "real/f");
    for (t, needle) in [
        (
            LinkTarget::Outside {
                target: "/etc/passwd".into(),
            },
            "outside the model directory",
        ),
        (LinkTarget::Missing, "dangling"),
        (LinkTarget::Other, "special file"),
    ] {
        let e = m.plan(&link(t), &o).unwrap_err();
        assert_eq!(e.code(), "artifact-mismatch");
        assert!(e.to_string().contains(needle), "{e}");
    }

    // BLAKE2 and BLAKE3 are read but not computed by this build.
    let v = statement_json(
        json!({"method": "files", "hash_type": "blake2", "allow_symlinks": false}),
        &[("a", sha256(b"a"))],
    );
    let e = manifest_of(&v).unwrap().plan(&[], &o).unwrap_err();
    assert_eq!(e.code(), "unsupported-algorithm", "{e}");
    assert!(e.to_string().contains("blake2b: this build"), "{e}");
}

#[test]
fn single_file_models() {
    let v = statement_json(files_serialization(), &[(".", sha256(b"w"))]);
    let m = manifest_of(&v).unwrap();
    let p = m
        .plan(
            &[Entry::new("", EntryKind::File { size: 1 })],
            &PlanOptions::default(),
        )
        .unwrap();
    assert_eq!(names(&p), ["."]);
    assert_eq!(p.jobs()[0].read_path, "");
    m.compare(&p, &[sha256(b"w")]).unwrap();
    let l = vec![
        Entry::new("", EntryKind::File { size: 1 }),
        Entry::new("x", EntryKind::File { size: 1 }),
    ];
    assert_eq!(
        m.plan(&l, &PlanOptions::default()).unwrap_err().code(),
        "invalid-artifact"
    );
}

fn compare_err(m: &Manifest, files: &[(&str, &[u8])]) -> String {
    let l: Vec<Entry> = files
        .iter()
        .map(|(p, b)| {
            Entry::new(
                *p,
                EntryKind::File {
                    size: b.len() as u64,
                },
            )
        })
        .collect();
    let p = m.plan(&l, &PlanOptions::default()).unwrap();
    let digests: Vec<Vec<u8>> = p
        .jobs()
        .iter()
        .map(|j| {
            let b = files.iter().find(|f| f.0 == j.path).unwrap().1;
            let (s, e) = j.range.unwrap_or((0, b.len() as u64));
            sha256(&b[s as usize..e as usize])
        })
        .collect();
    match m.compare(&p, &digests) {
        Ok(()) => String::new(),
        Err(e) => {
            assert_eq!(e.code(), "artifact-mismatch", "{e}");
            e.to_string()
        }
    }
}

#[test]
fn compares_both_ways() {
    let m = manifest_of(&two_files()).unwrap();
    assert_eq!(
        compare_err(&m, &[("signme-1", b"one"), ("signme-2", b"two")]),
        ""
    );
    let e = compare_err(&m, &[("signme-1", b"one"), ("signme-2", b"twO")]);
    assert!(
        e.contains("model file signme-2 (sha256): expected ")
            && e.contains(&hex::encode(sha256(b"two")))
            && e.contains(&hex::encode(sha256(b"twO"))),
        "{e}"
    );
    let e = compare_err(&m, &[("signme-1", b"one")]);
    assert!(
        e.contains("model file signme-2: expected the signed file, found no such file"),
        "{e}"
    );
    let e = compare_err(
        &m,
        &[("signme-1", b"one"), ("signme-2", b"two"), ("new", b"n")],
    );
    assert!(e.contains("model file new: expected no such file"), "{e}");
    let e = compare_err(&m, &[("signme-1", b"one"), ("renamed", b"two")]);
    assert!(
        e.contains("model file signme-2 (renamed): expected signme-2, found renamed"),
        "{e}"
    );
    let e = compare_err(&m, &[("signme-1", b"1"), ("signme-2", b"2"), ("x", b"")]);
    assert!(
        e.contains("model file x") && e.contains("(and 2 more differences)"),
        "{e}"
    );

    let s = json!({"method": "shards", "hash_type": "sha256", "shard_size": 4, "allow_symlinks": false});
    let m = manifest_of(&statement_json(
        s,
        &[
            ("w:0:4", sha256(b"0123")),
            ("w:4:8", sha256(b"4567")),
            ("w:8:9", sha256(b"8")),
        ],
    ))
    .unwrap();
    assert_eq!(compare_err(&m, &[("w", b"012345678")]), "");
    let e = compare_err(&m, &[("w", b"0123456789")]);
    assert!(
        e.contains("model file shard w:8:10 (and 1 more difference): expected no such file"),
        "{e}"
    );
    let e = compare_err(&m, &[("w", b"01234X678")]);
    assert!(
        e.contains("model file shard w:4:8 (sha256-sharded-4)"),
        "{e}"
    );

    // A resource whose algorithm is not the serialization's.
    let mut v = two_files();
    v["predicate"]["resources"][0]["algorithm"] = json!("sha512");
    let m = manifest_of(&v).unwrap();
    let e = compare_err(&m, &[("signme-1", b"one"), ("signme-2", b"two")]);
    assert!(e.contains("model file signme-1 digest algorithm"), "{e}");

    // The digests must be the plan's.
    let m = manifest_of(&two_files()).unwrap();
    let p = m
        .plan(&listing(&[("signme-1", 3)]), &PlanOptions::default())
        .unwrap();
    assert_eq!(m.compare(&p, &[]).unwrap_err().code(), "invalid-artifact");
}

// --- The signature, by method. ---

const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

fn key_bundle(payload: &[u8], sig: &[u8], public_key: Value) -> Vec<u8> {
    json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": public_key, "tlogEntries": []},
        "dsseEnvelope": {"payload": b64(payload), "payloadType": PAYLOAD_TYPE,
            "signatures": [{"sig": b64(sig), "keyid": ""}]},
    })
    .to_string()
    .into_bytes()
}

fn pae(payload: &[u8]) -> Vec<u8> {
    crate::dsse::pae(PAYLOAD_TYPE, payload)
}

#[test]
fn key_method() {
    let payload = two_files().to_string().into_bytes();
    for (curve, hash) in [
        (Curve::P256, HashKind::Sha256),
        (Curve::P384, HashKind::Sha384),
        (Curve::P521, HashKind::Sha512),
    ] {
        let k = EcdsaKey::derive("model-key", curve);
        let key = ModelKey::from_pem(k.spki_pem().as_bytes()).unwrap();
        let sig = k.sign(hash, &pae(&payload));
        for material in [
            json!({"hint": key.hint()}),
            // model_signing 0.3.x: the PEM in rawBytes, no hint.
            json!({"rawBytes": b64(k.spki_pem()), "keyDetails": "PKIX_ECDSA_P384_SHA_384"}),
            json!({"rawBytes": b64(&k.spki_der)}),
            json!({}),
        ] {
            for backend in Backend::all() {
                let key = key.clone().with_backend(*backend).unwrap();
                let b = key_bundle(&payload, &sig, material.clone());
                let s = verify_signature(&b, &ModelTrust::Key(&key), 0).unwrap();
                assert_eq!(s.manifest.resources.len(), 2);
                assert!(matches!(s.signer, ModelSigner::Key { .. }));
            }
        }
    }

    let k = EcdsaKey::derive("model-key", Curve::P384);
    let other = EcdsaKey::derive("other-key", Curve::P384);
    let key = ModelKey::from_pem(k.spki_pem().as_bytes()).unwrap();
    let other_key = ModelKey::from_pem(other.spki_pem().as_bytes()).unwrap();
    let sig = k.sign(HashKind::Sha384, &pae(&payload));
    let trust = ModelTrust::Key(&key);
    let ok = key_bundle(&payload, &sig, json!({"hint": key.hint()}));
    // The hint of another key, the PEM of another key, a key that did not sign.
    let e = verify_signature(
        &key_bundle(&payload, &sig, json!({"hint": other_key.hint()})),
        &trust,
        0,
    )
    .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    assert!(e.to_string().contains("publicKey.hint"), "{e}");
    let e = verify_signature(
        &key_bundle(&payload, &sig, json!({"rawBytes": b64(other.spki_pem())})),
        &trust,
        0,
    )
    .unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    let e = verify_signature(
        &key_bundle(&payload, &sig, json!({"rawBytes": b64("junk")})),
        &trust,
        0,
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid-bundle", "{e}");
    let e = verify_signature(&ok, &ModelTrust::Key(&other_key), 0).unwrap_err();
    assert_eq!(e.code(), "policy-mismatch", "{e}");
    let e = verify_signature(
        &key_bundle(&payload, &sig, json!({})),
        &ModelTrust::Key(&other_key),
        0,
    )
    .unwrap_err();
    assert_eq!(e.code(), "signature-invalid", "{e}");
    // A changed payload, a payload type that is not in-toto.
    let mut tampered = payload.clone();
    let at = tampered.iter().position(|b| *b == b'1').unwrap();
    tampered[at] = b'3';
    let e = verify_signature(&key_bundle(&tampered, &sig, json!({})), &trust, 0).unwrap_err();
    assert_eq!(e.code(), "signature-invalid", "{e}");
    let mut v: Value = serde_json::from_slice(&ok).unwrap();
    v["dsseEnvelope"]["payloadType"] = json!("text/plain");
    let e = verify_signature(v.to_string().as_bytes(), &trust, 0).unwrap_err();
    assert_eq!(e.code(), "statement", "{e}");
    // A signed statement that is not a model signature.
    let st = sigverify_testkit::statement_for("a", b"a");
    let b = key_bundle(&st, &k.sign(HashKind::Sha384, &pae(&st)), json!({}));
    let e = verify_signature(&b, &trust, 0).unwrap_err();
    assert!(e.to_string().contains("predicateType"), "{e}");

    // The relaxation is the model method's alone: the normal verifier wants a log entry and
    // a verified time for the same bundle and key.
    let verifier = Verifier::new(&crate::TrustedRoot::public_good().unwrap()).unwrap();
    let policy = Policy::key_pem(k.spki_pem().as_bytes()).unwrap();
    let artifact = Artifact::Digest(
        HashAlg::Sha256,
        unverified_subject_digest(&Bundle::from_json(&ok).unwrap()),
    );
    let e = verifier
        .verify_json(&ok, &artifact, &policy, i64::MAX)
        .unwrap_err();
    assert_eq!(e.code(), "transparency-log", "{e}");
    let e = verify_signature(
        &ok,
        &ModelTrust::Sigstore {
            verifier: &verifier,
            policy: &policy,
        },
        i64::MAX,
    )
    .unwrap_err();
    assert_eq!(e.code(), "transparency-log", "{e}");

    assert_eq!(
        ModelKey::from_pem(b"nope").unwrap_err().code(),
        "invalid-certificate"
    );
    // Text around the block, as `certtool --pubkey-info` writes it.
    let wrapped = format!(
        "Public Key Information:\n\tAlgorithm: EC\n\n{}",
        k.spki_pem()
    );
    assert_eq!(
        ModelKey::from_pem(wrapped.as_bytes()).unwrap().hint(),
        key.hint()
    );
    let two = format!("{}{}", k.spki_pem(), other.spki_pem());
    assert!(ModelKey::from_pem(two.as_bytes())
        .unwrap_err()
        .to_string()
        .contains("found 2"));
    let cert_pem = pem("CERTIFICATE", &k.spki_der);
    assert_eq!(
        ModelKey::from_pem(cert_pem.as_bytes()).unwrap_err().code(),
        "invalid-certificate"
    );
}

/// A private PKI: root, intermediate, signing certificate.
struct Pki {
    root: tk::Issued,
    intermediate: tk::Issued,
    leaf_key: EcKey,
}

fn pki() -> Pki {
    let root = tk::root_ca("model-root", tk::name("model", "root"));
    let intermediate = tk::intermediate_ca("model-int", tk::name("model", "intermediate"), &root);
    Pki {
        root,
        intermediate,
        leaf_key: EcKey::derive("model-leaf"),
    }
}

const LEAF_NOT_BEFORE: u64 = 1_700_000_000;

fn leaf_cert(
    p: &Pki,
    exts: Vec<x509_cert::ext::Extension>,
    not_after: u64,
    subject: x509_cert::name::Name,
) -> Vec<u8> {
    let t = tk::tbs(
        "model-leaf",
        &(&p.intermediate).into(),
        subject,
        &p.leaf_key.spki_der,
        LEAF_NOT_BEFORE,
        not_after,
        exts,
    );
    tk::sign_tbs(t, &p.intermediate.key).1
}

fn signing_leaf(p: &Pki) -> Vec<u8> {
    leaf_cert(
        p,
        vec![tk::key_usage(KeyUsage(KeyUsages::DigitalSignature.into()))],
        LEAF_NOT_BEFORE + 600,
        tk::name("model", "signer"),
    )
}

fn cert_bundle(p: &Pki, chain: &[&[u8]], payload: &[u8], media_type: &str) -> Vec<u8> {
    json!({
        "mediaType": media_type,
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": chain.iter().map(|c| json!({"rawBytes": b64(c)})).collect::<Vec<_>>()},
            "tlogEntries": [],
        },
        "dsseEnvelope": {"payload": b64(payload), "payloadType": PAYLOAD_TYPE,
            "signatures": [{"sig": b64(p.leaf_key.sign(&pae(payload))), "keyid": null}]},
    })
    .to_string()
    .into_bytes()
}

const V03: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

#[test]
fn certificate_method() {
    let p = pki();
    let payload = two_files().to_string().into_bytes();
    let leaf = signing_leaf(&p);
    let root_pem = pem("CERTIFICATE", &p.root.der);
    let roots = CaCertificates::from_pem(format!("# a comment\n{root_pem}\n").as_bytes()).unwrap();
    let b = cert_bundle(&p, &[&leaf, &p.intermediate.der], &payload, V03);
    for backend in Backend::all() {
        let cas = roots.clone().with_backend(*backend);
        let s = verify_signature(&b, &ModelTrust::Certificate(&cas), 0).unwrap();
        let ModelSigner::Certificate {
            subject,
            chain,
            validated_at,
            ..
        } = &s.signer
        else {
            panic!("{:?}", s.signer)
        };
        assert_eq!(subject, "CN=signer,O=model");
        assert_eq!(chain.len(), 3);
        assert_eq!(*validated_at, LEAF_NOT_BEFORE as i64);
    }
    let trust = ModelTrust::Certificate(&roots);
    // The intermediate may come from the caller instead of the bundle.
    let both =
        CaCertificates::from_der(vec![p.intermediate.der.clone(), p.root.der.clone()]).unwrap();
    let only_leaf = cert_bundle(&p, &[&leaf], &payload, V03);
    verify_signature(&only_leaf, &ModelTrust::Certificate(&both), 0).unwrap();
    let e = verify_signature(&only_leaf, &trust, 0).unwrap_err();
    assert_eq!(e.code(), "certificate-chain", "{e}");
    // An intermediate alone is no trust anchor; nor is an unrelated root.
    let int_only = CaCertificates::from_der(vec![p.intermediate.der.clone()]).unwrap();
    assert_eq!(
        verify_signature(&b, &ModelTrust::Certificate(&int_only), 0)
            .unwrap_err()
            .code(),
        "certificate-chain"
    );
    let other = tk::root_ca("other-root", tk::name("model", "root"));
    let others = CaCertificates::from_der(vec![other.der.clone()]).unwrap();
    let e = verify_signature(&b, &ModelTrust::Certificate(&others), 0).unwrap_err();
    assert_eq!(e.code(), "certificate-chain", "{e}");
    assert!(e.to_string().contains("does not verify"), "{e}");

    // A leaf that may not sign; one with a critical extension nobody processes.
    let no_sign = leaf_cert(
        &p,
        vec![tk::key_usage(KeyUsage(KeyUsages::KeyEncipherment.into()))],
        LEAF_NOT_BEFORE + 600,
        tk::name("model", "signer"),
    );
    let e = verify_signature(
        &cert_bundle(&p, &[&no_sign, &p.intermediate.der], &payload, V03),
        &trust,
        0,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("neither keyUsage digitalSignature"),
        "{e}"
    );
    let eku_only = leaf_cert(
        &p,
        vec![tk::eku(false, &[tk::oid::KP_CODE_SIGNING])],
        LEAF_NOT_BEFORE + 600,
        tk::name("model", "signer"),
    );
    verify_signature(
        &cert_bundle(&p, &[&eku_only, &p.intermediate.der], &payload, V03),
        &trust,
        0,
    )
    .unwrap();
    let critical = leaf_cert(
        &p,
        vec![
            tk::key_usage(KeyUsage(KeyUsages::DigitalSignature.into())),
            tk::raw_ext(
                const_oid::ObjectIdentifier::new_unwrap("1.2.3.4"),
                true,
                vec![5, 0],
            ),
        ],
        LEAF_NOT_BEFORE + 600,
        tk::name("model", "signer"),
    );
    let e = verify_signature(
        &cert_bundle(&p, &[&critical, &p.intermediate.der], &payload, V03),
        &trust,
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("critical extension 1.2.3.4"), "{e}");

    // model_signing's own test PKI: the signing certificate is CA:TRUE and its subject is its
    // issuer's name. Validated at its notBefore, so an expired one still verifies.
    let odd = leaf_cert(
        &p,
        vec![
            tk::basic_constraints(true, None),
            tk::key_usage(KeyUsage(KeyUsages::DigitalSignature.into())),
        ],
        LEAF_NOT_BEFORE + 1,
        tk::name("model", "intermediate"),
    );
    verify_signature(
        &cert_bundle(&p, &[&odd, &p.intermediate.der], &payload, V03),
        &trust,
        0,
    )
    .unwrap();

    // An intermediate that is not a CA.
    let not_ca = {
        let key = EcKey::derive("model-int");
        let t = tk::tbs(
            "model-int",
            &(&p.root).into(),
            tk::name("model", "intermediate"),
            &key.spki_der,
            tk::CA_NOT_BEFORE,
            tk::CA_NOT_AFTER,
            vec![tk::basic_constraints(false, None)],
        );
        tk::sign_tbs(t, &p.root.key).1
    };
    let e = verify_signature(
        &cert_bundle(&p, &[&leaf, &not_ca], &payload, V03),
        &trust,
        0,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not a CA"), "{e}");

    // A tampered payload, a key bundle.
    let mut v: Value = serde_json::from_slice(&b).unwrap();
    v["dsseEnvelope"]["payload"] =
        json!(b64(two_files().to_string().replace("signme-1", "signme-3")));
    let e = verify_signature(v.to_string().as_bytes(), &trust, 0).unwrap_err();
    assert_eq!(e.code(), "signature-invalid", "{e}");
    let k = key_bundle(&payload, b"sig", json!({}));
    assert_eq!(
        verify_signature(&k, &trust, 0).unwrap_err().code(),
        "policy-mismatch"
    );

    // A v0.3 bundle with a chain is for the model entry point only.
    assert_eq!(Bundle::from_json(&b).unwrap_err().code(), "invalid-bundle");

    assert_eq!(
        CaCertificates::from_pem(b"no certificates")
            .unwrap_err()
            .code(),
        "invalid-certificate"
    );
    let junk = pem("CERTIFICATE", b"junk");
    assert_eq!(
        CaCertificates::from_pem(junk.as_bytes())
            .unwrap_err()
            .code(),
        "invalid-certificate"
    );
}
