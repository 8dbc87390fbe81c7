//! Merkle inclusion proofs (RFC 6962 §2.1, verified as RFC 9162 §2.1.3.2).

/// RFC 6962 §2.1: leaf hash = SHA-256(0x00 || leaf).
pub(crate) fn leaf_hash(backend: crate::Backend, leaf: &[u8]) -> [u8; 32] {
    let mut h = backend.hasher(crate::HashAlg::Sha256);
    h.update(&[0]);
    h.update(leaf);
    to32(&h.finish())
}

fn node_hash(backend: crate::Backend, left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = backend.hasher(crate::HashAlg::Sha256);
    h.update(&[1]);
    h.update(left);
    h.update(right);
    to32(&h.finish())
}

fn to32(v: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if v.len() == 32 {
        out.copy_from_slice(v);
    }
    out
}

/// RFC 9162 §2.1.3.2: recomputes the root from a leaf hash, its index, the tree size and the
/// audit path. Returns a reason when the proof is malformed (wrong length, index out of range).
pub(crate) fn root_from_inclusion_proof(
    backend: crate::Backend,
    index: u64,
    tree_size: u64,
    leaf: &[u8; 32],
    proof: &[Vec<u8>],
) -> Result<[u8; 32], String> {
    if index >= tree_size {
        return Err(format!(
            "leaf index {index} is not below tree size {tree_size}"
        ));
    }
    let mut fn_ = index;
    let mut sn = tree_size - 1;
    let mut r = *leaf;
    for (i, p) in proof.iter().enumerate() {
        if p.len() != 32 {
            return Err(format!("proof hash {i} is {} bytes, expected 32", p.len()));
        }
        if sn == 0 {
            return Err(format!(
                "proof has {} hashes, more than the tree needs",
                proof.len()
            ));
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(backend, p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(backend, &r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(format!(
            "proof has {} hashes, fewer than the tree needs",
            proof.len()
        ));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;

    /// Builds the RFC 6962 tree hash of `leaves` (MTH) and the audit path for `m`.
    fn mth(b: Backend, leaves: &[[u8; 32]]) -> [u8; 32] {
        match leaves.len() {
            1 => leaves[0],
            n => {
                let k = n.next_power_of_two() / 2;
                let k = if k == n { n / 2 } else { k };
                node_hash(b, &mth(b, &leaves[..k]), &mth(b, &leaves[k..]))
            }
        }
    }

    fn path(b: Backend, m: usize, leaves: &[[u8; 32]]) -> Vec<Vec<u8>> {
        let n = leaves.len();
        if n == 1 {
            return vec![];
        }
        let k = n.next_power_of_two() / 2;
        let k = if k == n { n / 2 } else { k };
        if m < k {
            let mut p = path(b, m, &leaves[..k]);
            p.push(mth(b, &leaves[k..]).to_vec());
            p
        } else {
            let mut p = path(b, m - k, &leaves[k..]);
            p.push(mth(b, &leaves[..k]).to_vec());
            p
        }
    }

    #[test]
    fn every_leaf_of_every_small_tree_verifies() {
        for &b in Backend::all() {
            for n in 1..=17usize {
                let leaves: Vec<[u8; 32]> = (0..n).map(|i| leaf_hash(b, &[i as u8])).collect();
                let root = mth(b, &leaves);
                for m in 0..n {
                    let p = path(b, m, &leaves);
                    let got =
                        root_from_inclusion_proof(b, m as u64, n as u64, &leaves[m], &p).unwrap();
                    assert_eq!(got, root, "n={n} m={m}");
                    // Any flipped bit changes the root.
                    if let Some(first) = p.first() {
                        let mut bad = p.clone();
                        let mut h = first.clone();
                        h[0] ^= 1;
                        bad[0] = h;
                        let got =
                            root_from_inclusion_proof(b, m as u64, n as u64, &leaves[m], &bad)
                                .unwrap();
                        assert_ne!(got, root);
                    }
                    // Wrong index or size fails.
                    if n > 1 {
                        let other = root_from_inclusion_proof(
                            b,
                            ((m + 1) % n) as u64,
                            n as u64,
                            &leaves[m],
                            &p,
                        );
                        assert!(other.map(|r| r != root).unwrap_or(true));
                    }
                }
                assert!(root_from_inclusion_proof(b, n as u64, n as u64, &leaves[0], &[]).is_err());
            }
        }
    }

    #[test]
    fn too_long_and_too_short_proofs_are_rejected() {
        let b = Backend::default();
        let leaf = leaf_hash(b, b"x");
        assert!(root_from_inclusion_proof(b, 0, 1, &leaf, &[vec![0; 32]]).is_err());
        assert!(root_from_inclusion_proof(b, 0, 4, &leaf, &[vec![0; 32]]).is_err());
        assert!(root_from_inclusion_proof(b, 0, 2, &leaf, &[vec![0; 31]]).is_err());
    }
}
