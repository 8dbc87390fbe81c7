//! The primitives alone, per backend, with the crypto crates used directly (aws-lc-rs; and the
//! RustCrypto crates when the `rustcrypto` feature is on): ECDSA P-256/SHA-256, ECDSA
//! P-384/SHA-384 and Ed25519 verification (with the key parsed once, and with the key parsed on
//! every call), SHA-256 of 1 KiB and 10 KiB, and a Merkle inclusion proof of 30 hashes.
//!
//! The signatures are over the same 256-byte message (bytes 0..=255), made once with OpenSSL
//! for these benches; any valid signature would do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::hint::black_box;

use common::Alg;
use criterion::{Criterion, Throughput};
use sigverify::{Backend, HashAlg};

const P256_PUB: &str = "04d28ce9d8b25fd925448982da6c9b0d56ed00cf725f0478fa7b8337559b46cd73b107b7faae116ba8cb496679588019fabd43151667d96e0bd485660db71386d3";
const P256_SIG: &str = "3046022100ec4011bebc294947758ab202a7edb130e47dc73a80991da23cfb6c2d53203f1b022100b258651e2860dc24f54ae35b4feffcbb4a8d1bac4799171ea1d1bead16e10628";
const P384_PUB: &str = "04d0bcda5f664297fdcc4377d391b3a7b2b6d1581b2ead201a70a9753495ff8d16eb0c9e044f898cb9dc999a91bfd503a33a3120cfa203b5f677bc9cb471f2c7680cfa2ef889d9f4095da79c85c134bd7bd98c4928934a602f15aaec7b5032736c";
const P384_SIG: &str = "306402303940ca84326337965ccadf36f251a9e3ccfaae0339861e482ca3ee5083e01af78777c8ea49c558b0dd463e1b3d3a1d2802300f49fb908680f9fb8093a29dd2603e52b372064e4cbdfc6f89f669df395a19905601766545f79e1ac41022fb0801d07c";
const ED25519_PUB: &str = "1977404fce93ab74084712ae7cadc6c68192e15c94e103ae17d71441484a0097";
const ED25519_SIG: &str = "fa0b177234ca542b9418b4905777bf5bbddec98f1fd99a125caba698083179639437145d13b475ad091d0241de94969610e1392c5db6da92cc548a3146926b02";

struct Sig {
    id: &'static str,
    alg: Alg,
    key: Vec<u8>,
    sig: Vec<u8>,
}

fn sigs() -> Vec<Sig> {
    let h = |s: &str| hex::decode(s).expect("hex");
    vec![
        Sig {
            id: "ecdsa-p256-sha256",
            alg: Alg::P256Sha256,
            key: h(P256_PUB),
            sig: h(P256_SIG),
        },
        Sig {
            id: "ecdsa-p384-sha384",
            alg: Alg::P384Sha384,
            key: h(P384_PUB),
            sig: h(P384_SIG),
        },
        Sig {
            id: "ed25519",
            alg: Alg::Ed25519,
            key: h(ED25519_PUB),
            sig: h(ED25519_SIG),
        },
    ]
}

/// A Merkle proof of 30 hashes: leaf index in a tree of 2^30 leaves (every leaf has 30
/// siblings), arbitrary sibling hashes.
struct Proof {
    leaf: Vec<u8>,
    index: u64,
    size: u64,
    path: Vec<[u8; 32]>,
}

fn proof() -> Proof {
    let path = (0..30u8)
        .map(|i| {
            let mut h = [0u8; 32];
            for (j, b) in h.iter_mut().enumerate() {
                *b = i.wrapping_mul(31).wrapping_add(j as u8);
            }
            h
        })
        .collect();
    Proof {
        leaf: b"a Rekor entry body stands here".to_vec(),
        index: 0x2aaa_aaaa,
        size: 1 << 30,
        path,
    }
}

fn benches(c: &mut Criterion) {
    let msg: Vec<u8> = (0..=255u8).collect();
    let kib1 = vec![0x5au8; 1024];
    let kib10 = vec![0x5au8; 10 * 1024];
    let proof = proof();
    let mut roots = Vec::new();

    #[cfg(feature = "aws-lc-rs")]
    {
        use aws_lc_rs::digest::{digest, SHA256};
        use aws_lc_rs::signature::{ParsedPublicKey, UnparsedPublicKey};
        use common::aws;
        let mut g = c.benchmark_group("primitives/aws-lc-rs");
        for s in sigs() {
            let parsed = ParsedPublicKey::new(aws::alg(s.alg), &s.key).expect("key");
            assert!(parsed.verify_sig(&msg, &s.sig).is_ok(), "{}", s.id);
            g.bench_function(format!("{}/verify", s.id), |b| {
                b.iter(|| {
                    parsed
                        .verify_sig(black_box(&msg), black_box(&s.sig))
                        .is_ok()
                })
            });
            g.bench_function(format!("{}/parse-key+verify", s.id), |b| {
                b.iter(|| {
                    UnparsedPublicKey::new(aws::alg(s.alg), black_box(&s.key))
                        .verify(black_box(&msg), black_box(&s.sig))
                        .is_ok()
                })
            });
        }
        for (id, data) in [("sha256/1KiB", &kib1), ("sha256/10KiB", &kib10)] {
            g.throughput(Throughput::Bytes(data.len() as u64));
            g.bench_function(id, |b| b.iter(|| digest(&SHA256, black_box(data))));
        }
        g.throughput(Throughput::Elements(1));
        let run = || {
            common::merkle_root(
                proof.index,
                proof.size,
                aws::leaf(black_box(&proof.leaf)),
                black_box(&proof.path),
                aws::node,
            )
        };
        roots.push(run());
        g.bench_function("merkle-inclusion-30", |b| b.iter(run));
        g.finish();
    }

    #[cfg(feature = "rustcrypto")]
    {
        use common::rc;
        use sha2::Digest as _;
        let mut g = c.benchmark_group("primitives/rustcrypto");
        for s in sigs() {
            let parsed = rc::Key::parse(s.alg, &s.key);
            assert!(parsed.verify(s.alg, &msg, &s.sig), "{}", s.id);
            g.bench_function(format!("{}/verify", s.id), |b| {
                b.iter(|| parsed.verify(s.alg, black_box(&msg), black_box(&s.sig)))
            });
            g.bench_function(format!("{}/parse-key+verify", s.id), |b| {
                b.iter(|| {
                    rc::Key::try_parse(s.alg, black_box(&s.key))
                        .is_some_and(|k| k.verify(s.alg, black_box(&msg), black_box(&s.sig)))
                })
            });
        }
        for (id, data) in [("sha256/1KiB", &kib1), ("sha256/10KiB", &kib10)] {
            g.throughput(Throughput::Bytes(data.len() as u64));
            g.bench_function(id, |b| b.iter(|| sha2::Sha256::digest(black_box(data))));
        }
        g.throughput(Throughput::Elements(1));
        let run = || {
            common::merkle_root(
                proof.index,
                proof.size,
                rc::leaf(black_box(&proof.leaf)),
                black_box(&proof.path),
                rc::node,
            )
        };
        roots.push(run());
        g.bench_function("merkle-inclusion-30", |b| b.iter(run));
        g.finish();
    }

    assert!(
        roots.windows(2).all(|w| w[0] == w[1]) && roots.iter().all(Option::is_some),
        "the backends disagree on the Merkle root"
    );

    // The same hash through sigverify's public API (allocates its result).
    let mut g = c.benchmark_group("primitives/sigverify-api");
    for &backend in Backend::all() {
        for (id, data) in [("sha256/1KiB", &kib1), ("sha256/10KiB", &kib10)] {
            g.throughput(Throughput::Bytes(data.len() as u64));
            g.bench_function(format!("{}/{id}", backend.name()), |b| {
                b.iter(|| backend.hash(HashAlg::Sha256, black_box(data)))
            });
        }
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
