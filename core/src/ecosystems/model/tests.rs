use serde_json::{json, Value};

use super::*;
use crate::crypto::{Backend, HashAlg};
use crate::dsse::Statement;
use crate::error::Error;

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
