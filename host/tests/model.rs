//! Model directories verified end to end: the real model_signing samples of
//! ../shared/vectors/ecosystems (keyless and key) and of model-transparency's own test PKI
//! (`tests/data`), tampered copies of them, and models made here in both serializations.

use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};
use sigverify::ecosystems::model::{
    manifest_digest, CaCertificates, ModelKey, ModelSigner, ModelTrust, PREDICATE_TYPE,
};
use sigverify::{Backend, HashAlg, Policy, TrustedRoot, Verifier, VerifierOptions};
use sigverify_host::model::{verify_model, ModelOptions, Progress};
use sigverify_host::Failure;
use sigverify_testkit::keys::EcdsaKey;
use sigverify_testkit::util::b64;
use sigverify_testkit::{Curve, HashKind};

fn ecosystems() -> PathBuf {
    match std::env::var_os("SIGVERIFY_CONFORMANCE_DIR") {
        Some(d) => PathBuf::from(d).join("../ecosystems"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors/ecosystems"),
    }
}

fn sample(name: &str) -> PathBuf {
    let d = ecosystems().join(name);
    assert!(
        d.join("model/model.sig").is_file(),
        "ECOSYSTEM VECTORS MISSING: {}",
        d.display()
    );
    d
}

/// A fresh, writable temporary directory.
fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sigverify-model-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// A writable copy of a model directory (the shared vectors are read-only).
fn copy_model(from: &Path, name: &str) -> PathBuf {
    let to = temp(name);
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        fs::write(&dst, fs::read(e.path()).unwrap()).unwrap();
    }
    to
}

fn code(r: Result<impl std::fmt::Debug, Failure>) -> (String, String) {
    let e = r.unwrap_err();
    (e.code().to_owned(), e.to_string())
}

fn now() -> i64 {
    sigverify_host::now()
}

#[test]
fn keyless_sample_verifies() {
    let s = sample("model-signing-v1.0.1-sigstore");
    let meta: Value = serde_json::from_slice(&fs::read(s.join("meta.json")).unwrap()).unwrap();
    let model = s.join("model");
    let sig = model.join("model.sig");
    let root = TrustedRoot::public_good().unwrap();
    let policy = Policy::identity(
        "stefanb@us.ibm.com",
        "https://sigstore.verify.ibm.com/oauth2",
    )
    .unwrap();
    let ignore = [PathBuf::from("ignore-me")];
    for backend in Backend::all() {
        let verifier = Verifier::with_options(&root, VerifierOptions::default(), *backend).unwrap();
        let trust = ModelTrust::Sigstore {
            verifier: &verifier,
            policy: &policy,
        };
        let options = ModelOptions {
            ignore_paths: &ignore,
            backend: *backend,
            ..Default::default()
        };
        let v = verify_model(&model, &sig, &trust, &options, now()).unwrap();
        assert_eq!(
            format!("sha256:{}", v.manifest_digest),
            meta["digest"].as_str().unwrap()
        );
        assert_eq!(
            (v.model_name.as_str(), v.resources, v.bytes),
            ("v1.0.1-sigstore", 2, 16)
        );
        let ModelSigner::Sigstore(r) = &v.signer else {
            panic!("{:?}", v.signer)
        };
        assert_eq!(r.log_entries.len(), 1);

        // The predicate does not ignore `ignore-me`: model_signing's test passes --ignore-paths.
        let (c, m) = code(verify_model(
            &model,
            &sig,
            &trust,
            &ModelOptions::default(),
            now(),
        ));
        assert_eq!(c, "artifact-mismatch");
        assert!(
            m.contains("model file ignore-me: expected no such file"),
            "{m}"
        );
    }
    let verifier = Verifier::new(&root).unwrap();
    let other = Policy::identity(
        "someone@example.com",
        "https://sigstore.verify.ibm.com/oauth2",
    )
    .unwrap();
    let trust = ModelTrust::Sigstore {
        verifier: &verifier,
        policy: &other,
    };
    let options = ModelOptions {
        ignore_paths: &ignore,
        ..Default::default()
    };
    assert_eq!(
        code(verify_model(&model, &sig, &trust, &options, now())).0,
        "policy-mismatch"
    );
    // Absolute ignore paths inside the model count; outside ones are dropped.
    let abs = [model.join("ignore-me"), PathBuf::from("/elsewhere/x")];
    let trust = ModelTrust::Sigstore {
        verifier: &verifier,
        policy: &policy,
    };
    let options = ModelOptions {
        ignore_paths: &abs,
        ..Default::default()
    };
    verify_model(&model, &sig, &trust, &options, now()).unwrap();
}

#[test]
fn key_sample_verifies() {
    let s = sample("model-signing-v1.1.0-elliptic-key");
    let meta: Value = serde_json::from_slice(&fs::read(s.join("meta.json")).unwrap()).unwrap();
    let model = s.join("model");
    let sig = model.join("model.sig");
    // The canonical PEM, and the original certtool output with text before the block.
    for pem in ["public_key.pem", "signing-key-pub.pem"] {
        let key = ModelKey::from_pem(&fs::read(s.join(pem)).unwrap()).unwrap();
        assert_eq!(
            format!("key:{}", key.hint()),
            fs::read_to_string(s.join("identity")).unwrap().trim()
        );
        for backend in Backend::all() {
            let key = key.clone().with_backend(*backend).unwrap();
            let options = ModelOptions {
                backend: *backend,
                ..Default::default()
            };
            // The signature's own ignore_paths cover ignore-me and model.sig.
            let v = verify_model(&model, &sig, &ModelTrust::Key(&key), &options, 0).unwrap();
            assert_eq!(
                format!("sha256:{}", v.manifest_digest),
                meta["digest"].as_str().unwrap()
            );
            assert!(matches!(v.signer, ModelSigner::Key { .. }));
        }
    }
    let other = EcdsaKey::derive("not-the-signer", Curve::P384);
    let key = ModelKey::from_pem(other.spki_pem().as_bytes()).unwrap();
    let (c, m) = code(verify_model(
        &model,
        &sig,
        &ModelTrust::Key(&key),
        &ModelOptions::default(),
        0,
    ));
    assert_eq!(c, "policy-mismatch", "{m}");
    // A keyless trust refuses it: no certificate, no log.
    let verifier = Verifier::new(&TrustedRoot::public_good().unwrap()).unwrap();
    let policy = Policy::key_pem(&fs::read(s.join("public_key.pem")).unwrap()).unwrap();
    let trust = ModelTrust::Sigstore {
        verifier: &verifier,
        policy: &policy,
    };
    let (c, _) = code(verify_model(
        &model,
        &sig,
        &trust,
        &ModelOptions::default(),
        now(),
    ));
    assert_eq!(c, "transparency-log");
}

#[test]
fn certificate_sample_verifies() {
    let d =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/model-signing-v1.1.0-certificate");
    let model = d.join("model");
    let sig = model.join("model.sig");
    let cas = CaCertificates::from_pem(&fs::read(d.join("ca-cert.pem")).unwrap()).unwrap();
    for backend in Backend::all() {
        let cas = cas.clone().with_backend(*backend);
        let v = verify_model(
            &model,
            &sig,
            &ModelTrust::Certificate(&cas),
            &ModelOptions::default(),
            0,
        )
        .unwrap();
        assert_eq!(
            v.manifest_digest,
            "61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226"
        );
        let ModelSigner::Certificate { subject, chain, .. } = &v.signer else {
            panic!("{:?}", v.signer)
        };
        assert_eq!(subject, "CN=intermediate-ca");
        assert_eq!(chain.len(), 3);
    }
    // The intermediate alone is not a root of trust.
    let int = CaCertificates::from_pem(&fs::read(d.join("int-ca-cert.pem")).unwrap()).unwrap();
    let (c, m) = code(verify_model(
        &model,
        &sig,
        &ModelTrust::Certificate(&int),
        &ModelOptions::default(),
        0,
    ));
    assert_eq!(c, "certificate-chain", "{m}");
}

/// Tampered copies of the key sample: each fails, naming what changed.
#[test]
fn tampers_are_named() {
    let s = sample("model-signing-v1.1.0-elliptic-key");
    let key = ModelKey::from_pem(&fs::read(s.join("public_key.pem")).unwrap()).unwrap();
    let trust = ModelTrust::Key(&key);
    let check = |name: &str, change: &dyn Fn(&Path), options: &ModelOptions<'_>| {
        let m = copy_model(&s.join("model"), name);
        change(&m);
        let r = verify_model(&m, &m.join("model.sig"), &trust, options, 0);
        let _ = fs::remove_dir_all(&m);
        r
    };
    let default = ModelOptions::default();
    let fails = |name: &str, change: &dyn Fn(&Path), needle: &str| {
        let (c, m) = code(check(name, change, &default));
        assert_eq!(c, "artifact-mismatch", "{name}: {m}");
        assert!(m.contains(needle), "{name}: {needle:?} not in {m}");
    };
    check("untouched", &|_| {}, &default).unwrap();
    fails(
        "byte",
        &|m| {
            let p = m.join("signme-1");
            let mut b = fs::read(&p).unwrap();
            b[0] ^= 1;
            fs::write(p, b).unwrap();
        },
        "model file signme-1 (sha256): expected bc9a717d",
    );
    fails(
        "added",
        &|m| fs::write(m.join("weights.bin"), b"new").unwrap(),
        "model file weights.bin: expected no such file",
    );
    fails(
        "removed",
        &|m| fs::remove_file(m.join("signme-2")).unwrap(),
        "model file signme-2: expected the signed file, found no such file",
    );
    fails(
        "renamed",
        &|m| fs::rename(m.join("signme-2"), m.join("signme-3")).unwrap(),
        "model file signme-2 (renamed): expected signme-2, found signme-3",
    );
    fails(
        "moved",
        &|m| {
            fs::create_dir(m.join("sub")).unwrap();
            fs::rename(m.join("signme-2"), m.join("sub/signme-2")).unwrap();
        },
        "expected signme-2, found sub/signme-2",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        fails(
            "link-added",
            &|m| symlink("signme-1", m.join("link")).unwrap(),
            "model entry link: expected a regular file or a directory (the signature does not allow symbolic links), found a symbolic link",
        );
        fails(
            "link-replaces",
            &|m| {
                let outside = m.with_extension("outside");
                fs::write(&outside, fs::read(m.join("signme-1")).unwrap()).unwrap();
                fs::remove_file(m.join("signme-1")).unwrap();
                symlink(&outside, m.join("signme-1")).unwrap();
            },
            "model entry signme-1",
        );
        let _ = fs::remove_file(temp("link-replaces").with_extension("outside"));
        // A link in an ignored path is no error.
        let ignored = [PathBuf::from("cache")];
        let options = ModelOptions {
            ignore_paths: &ignored,
            ..Default::default()
        };
        check(
            "link-ignored",
            &|m| symlink("/etc/passwd", m.join("cache")).unwrap(),
            &options,
        )
        .unwrap();
        // A FIFO (made by mkfifo(1), where there is one).
        let made = std::sync::atomic::AtomicBool::new(false);
        let fifo = |m: &Path| {
            let ok = std::process::Command::new("mkfifo")
                .arg(m.join("pipe"))
                .status()
                .is_ok_and(|s| s.success());
            made.store(ok, Ordering::Relaxed);
        };
        let r = check("fifo", &fifo, &default);
        if made.load(Ordering::Relaxed) {
            let (c, m) = code(r);
            assert_eq!(c, "artifact-mismatch", "{m}");
            assert!(
                m.contains("model entry pipe") && m.contains("special file"),
                "{m}"
            );
        }
    }
    // Ignoring a signed file makes it missing, not unchecked.
    let abuse = [PathBuf::from("signme-1")];
    let options = ModelOptions {
        ignore_paths: &abuse,
        ..Default::default()
    };
    let (c, m) = code(check("abuse", &|_| {}, &options));
    assert_eq!(c, "artifact-mismatch");
    assert!(
        m.contains("model file signme-1: expected the signed file"),
        "{m}"
    );
    // Git paths are ignored by default; this signature ignores them itself too.
    let git = |m: &Path| {
        fs::create_dir_all(m.join(".git/objects")).unwrap();
        fs::write(m.join(".git/objects/ab"), b"x").unwrap();
    };
    check("git", &git, &default).unwrap();
    let options = ModelOptions {
        ignore_git_paths: false,
        ..Default::default()
    };
    check("git-signed-ignore", &git, &options).unwrap();
    // Only the signed files.
    let options = ModelOptions {
        ignore_unsigned_files: true,
        ..Default::default()
    };
    check(
        "unsigned",
        &|m| fs::write(m.join("README.md"), b"hi").unwrap(),
        &options,
    )
    .unwrap();
}

#[test]
fn signature_files_are_bounded() {
    let s = sample("model-signing-v1.1.0-elliptic-key");
    let key = ModelKey::from_pem(&fs::read(s.join("public_key.pem")).unwrap()).unwrap();
    let d = temp("big-signature");
    let big = d.join("model.sig");
    fs::File::create(&big)
        .unwrap()
        .set_len(sigverify::limits::MAX_MODEL_SIGNATURE_BYTES as u64 + 1)
        .unwrap();
    let (c, m) = code(verify_model(
        &d,
        &big,
        &ModelTrust::Key(&key),
        &ModelOptions::default(),
        0,
    ));
    assert_eq!(c, "limit-exceeded", "{m}");
    let (c, _) = code(verify_model(
        &d,
        &d.join("missing.sig"),
        &ModelTrust::Key(&key),
        &ModelOptions::default(),
        0,
    ));
    assert_eq!(c, "io-error");
    let _ = fs::remove_dir_all(&d);
}

// --- Models made here, signed with a test key, in both serializations. ---

const MIB: usize = 1 << 20;

/// Deterministic bytes.
fn bytes(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The model: a file of several shards, an empty file, small files in subdirectories, and
/// names whose order differs between a string sort and a component sort.
fn make_model(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let files = vec![
        ("big.bin".to_owned(), bytes(3 * MIB + 17, 1)),
        ("empty".to_owned(), Vec::new()),
        ("a.txt".to_owned(), b"a".to_vec()),
        ("a/b".to_owned(), b"ab".to_vec()),
        ("shards/exact".to_owned(), bytes(2 * MIB, 7)),
    ]
    .into_iter()
    .chain((0..20).map(|i| (format!("many/f{i:02}"), bytes(1000 + i, i as u8))))
    .collect::<Vec<_>>();
    for (p, b) in &files {
        let path = dir.join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, b).unwrap();
    }
    files
}

/// model_signing's resources for `files`: (name, digest), sorted by path component.
fn resources(files: &[(String, Vec<u8>)], shard: Option<usize>) -> Vec<(String, Vec<u8>)> {
    let h = |b: &[u8]| Backend::default().hash(HashAlg::Sha256, b);
    let mut out: Vec<(Vec<String>, u64, String, Vec<u8>)> = Vec::new();
    for (p, b) in files {
        let comps: Vec<String> = p.split('/').map(str::to_owned).collect();
        match shard {
            None => out.push((comps, 0, p.clone(), h(b))),
            Some(s) => {
                let mut start = 0;
                while start < b.len() {
                    let end = (start + s).min(b.len());
                    out.push((
                        comps.clone(),
                        start as u64,
                        format!("{p}:{start}:{end}"),
                        h(&b[start..end]),
                    ));
                    start = end;
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    out.into_iter().map(|(_, _, n, d)| (n, d)).collect()
}

/// A key-method model signature over `resources`, as model_signing writes it.
fn sign(key: &EcdsaKey, resources: &[(String, Vec<u8>)], serialization: Value) -> Vec<u8> {
    let algorithm = match serialization["shard_size"].as_u64() {
        Some(n) => format!("sha256-sharded-{n}"),
        None => "sha256".into(),
    };
    let digest = manifest_digest(resources.iter().map(|r| r.1.as_slice()), Backend::default());
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "made", "digest": {"sha256": hex::encode(digest)}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {"serialization": serialization, "resources": resources.iter().map(|(n, d)| json!({
            "name": n, "algorithm": algorithm, "digest": hex::encode(d)})).collect::<Vec<_>>()},
    })
    .to_string();
    let pae = sigverify_testkit::dsse::pae("application/vnd.in-toto+json", statement.as_bytes());
    let model_key = ModelKey::from_pem(key.spki_pem().as_bytes()).unwrap();
    json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": model_key.hint()}, "tlogEntries": []},
        "dsseEnvelope": {"payload": b64(&statement), "payloadType": "application/vnd.in-toto+json",
            "signatures": [{"sig": b64(key.sign(HashKind::Sha256, &pae)), "keyid": ""}]},
    })
    .to_string()
    .into_bytes()
}

#[test]
fn made_models_in_both_serializations() {
    let k = EcdsaKey::derive("made-model", Curve::P256);
    let key = ModelKey::from_pem(k.spki_pem().as_bytes()).unwrap();
    let trust = ModelTrust::Key(&key);
    for (label, shard, serialization) in [
        (
            "files",
            None,
            json!({"method": "files", "hash_type": "sha256", "allow_symlinks": false, "ignore_paths": ["model.sig"]}),
        ),
        (
            "shards",
            Some(MIB),
            json!({"method": "shards", "hash_type": "sha256", "shard_size": MIB, "allow_symlinks": false}),
        ),
    ] {
        let dir = temp(label);
        let files = make_model(&dir);
        let res = resources(&files, shard);
        // Outside the model: nothing to ignore.
        let sig = dir.with_extension("sig");
        fs::write(&sig, sign(&k, &res, serialization)).unwrap();
        let total: u64 = files.iter().map(|f| f.1.len() as u64).sum();
        for threads in [1, 3, 8] {
            let calls = AtomicUsize::new(0);
            let last = std::sync::Mutex::new(None);
            let progress = |p: Progress| {
                calls.fetch_add(1, Ordering::Relaxed);
                let mut l = last.lock().unwrap();
                if l.is_none_or(|old: Progress| p.bytes_done >= old.bytes_done) {
                    *l = Some(p);
                }
            };
            let options = ModelOptions {
                threads: NonZeroUsize::new(threads),
                progress: Some(&progress),
                ..Default::default()
            };
            let v = verify_model(&dir, &sig, &trust, &options, 0).unwrap();
            assert_eq!((v.resources, v.bytes), (res.len(), total), "{label}");
            let p = last.lock().unwrap().unwrap();
            assert_eq!(
                (p.bytes_done, p.bytes_total, p.jobs_done, p.jobs_total),
                (total, total, res.len(), res.len())
            );
            assert!(calls.load(Ordering::Relaxed) >= res.len());
        }
        // Git paths: ignored by default, hashed (and unsigned) when asked.
        fs::create_dir_all(dir.join(".git")).unwrap();
        fs::write(dir.join(".git/HEAD"), b"ref").unwrap();
        verify_model(&dir, &sig, &trust, &ModelOptions::default(), 0).unwrap();
        let options = ModelOptions {
            ignore_git_paths: false,
            ..Default::default()
        };
        let (_, m) = code(verify_model(&dir, &sig, &trust, &options, 0));
        assert!(m.contains(".git/HEAD") && m.contains("not signed"), "{m}");
        // A byte in the middle of the big file: its shard (or the file) is named.
        let p = dir.join("big.bin");
        let mut b = fs::read(&p).unwrap();
        b[MIB + 5] ^= 0xff;
        fs::write(&p, b).unwrap();
        let (c, m) = code(verify_model(
            &dir,
            &sig,
            &trust,
            &ModelOptions::default(),
            0,
        ));
        assert_eq!(c, "artifact-mismatch");
        let needle = match shard {
            Some(_) => "model file shard big.bin:1048576:2097152 (sha256-sharded-1048576)",
            None => "model file big.bin (sha256)",
        };
        assert!(m.contains(needle), "{m}");
        // A file that grew by a byte: a new last shard, or a changed file.
        fs::write(&p, bytes(3 * MIB + 18, 1)).unwrap();
        let (_, m) = code(verify_model(
            &dir,
            &sig,
            &trust,
            &ModelOptions::default(),
            0,
        ));
        let needle = match shard {
            Some(_) => "model file shard big.bin:3145728:3145746",
            None => "model file big.bin (sha256)",
        };
        assert!(m.contains(needle), "{m}");
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_file(&sig);
    }
}

#[cfg(unix)]
#[test]
fn allowed_symlinks_stay_inside() {
    use std::os::unix::fs::symlink;
    let k = EcdsaKey::derive("made-model", Curve::P256);
    let key = ModelKey::from_pem(k.spki_pem().as_bytes()).unwrap();
    let trust = ModelTrust::Key(&key);
    let dir = temp("links");
    fs::create_dir(dir.join("real")).unwrap();
    fs::write(dir.join("real/w"), b"weights").unwrap();
    symlink("real/w", dir.join("w")).unwrap();
    // A link to a directory is neither followed nor hashed.
    symlink("real", dir.join("alias")).unwrap();
    let files = vec![
        ("real/w".to_owned(), b"weights".to_vec()),
        ("w".to_owned(), b"weights".to_vec()),
    ];
    let sig = dir.with_extension("sig");
    fs::write(
        &sig,
        sign(
            &k,
            &resources(&files, None),
            json!({"method": "files", "hash_type": "sha256", "allow_symlinks": true}),
        ),
    )
    .unwrap();
    let v = verify_model(&dir, &sig, &trust, &ModelOptions::default(), 0).unwrap();
    assert_eq!(v.resources, 2);
    // Allowed links still may not leave the model directory, nor dangle.
    let outside = dir.with_extension("outside");
    fs::write(&outside, b"weights").unwrap();
    fs::remove_file(dir.join("w")).unwrap();
    symlink(&outside, dir.join("w")).unwrap();
    let (c, m) = code(verify_model(
        &dir,
        &sig,
        &trust,
        &ModelOptions::default(),
        0,
    ));
    assert_eq!(c, "artifact-mismatch");
    assert!(
        m.contains("model entry w") && m.contains("outside the model directory"),
        "{m}"
    );
    fs::remove_file(dir.join("w")).unwrap();
    symlink("nothing", dir.join("w")).unwrap();
    let (_, m) = code(verify_model(
        &dir,
        &sig,
        &trust,
        &ModelOptions::default(),
        0,
    ));
    assert!(m.contains("dangling"), "{m}");
    let _ = fs::remove_dir_all(&dir);
    let _ = fs::remove_file(&sig);
    let _ = fs::remove_file(&outside);
}

#[test]
fn single_file_model() {
    let k = EcdsaKey::derive("made-model", Curve::P256);
    let key = ModelKey::from_pem(k.spki_pem().as_bytes()).unwrap();
    let dir = temp("single");
    let file = dir.join("model.safetensors");
    fs::write(&file, b"tensor").unwrap();
    let sig = dir.join("model.sig");
    fs::write(
        &sig,
        sign(
            &k,
            &[(
                ".".into(),
                Backend::default().hash(HashAlg::Sha256, b"tensor"),
            )],
            json!({"method": "files", "hash_type": "sha256", "allow_symlinks": false}),
        ),
    )
    .unwrap();
    verify_model(
        &file,
        &sig,
        &ModelTrust::Key(&key),
        &ModelOptions::default(),
        0,
    )
    .unwrap();
    let _ = fs::remove_dir_all(&dir);
}
