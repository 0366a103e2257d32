use super::*;

/// The eight entries of the Certificate Transparency reference tests.
const ENTRIES: [&[u8]; 8] = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
];

/// Their trees' roots, for the first 1 … 8 entries.
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn leaves() -> Vec<Hash> {
    ENTRIES.iter().map(|e| leaf_hash(e)).collect()
}

/// `n` made-up entries for the exhaustive checks.
fn made_up(n: usize) -> Vec<Hash> {
    (0..n)
        .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
        .collect()
}

#[test]
fn the_roots_are_the_reference_roots() {
    assert_eq!(
        hex(&root(&[])),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    let leaves = leaves();
    for (n, expected) in ROOTS.iter().enumerate() {
        assert_eq!(hex(&root(&leaves[..=n])), *expected, "{} entries", n + 1);
    }
}

#[test]
fn the_reference_proofs_are_reproduced() {
    let leaves = leaves();
    let path: Vec<String> = inclusion_proof(0, &leaves)
        .expect("path")
        .iter()
        .map(hex)
        .collect();
    assert_eq!(
        path,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]
    );
    let proof: Vec<String> = consistency_proof(6, &leaves)
        .expect("proof")
        .iter()
        .map(hex)
        .collect();
    assert_eq!(
        proof,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]
    );
}

#[test]
fn every_leaf_of_every_small_tree_is_proved_and_nothing_else() {
    for n in 1..=40 {
        let leaves = made_up(n);
        let tree_root = root(&leaves);
        let (size, other) = (n as u64, leaf_hash(b"not in the log"));
        for (i, leaf) in leaves.iter().enumerate() {
            let path = inclusion_proof(i, &leaves).expect("path");
            let index = i as u64;
            assert!(
                verify_inclusion(leaf, index, size, &path, &tree_root),
                "{i} of {n}"
            );
            assert!(!verify_inclusion(&other, index, size, &path, &tree_root));
            assert!(!verify_inclusion(leaf, index, size, &path, &other));
            if n > 1 {
                assert!(!verify_inclusion(
                    leaf,
                    (index + 1) % size,
                    size,
                    &path,
                    &tree_root
                ));
                assert!(!verify_inclusion(leaf, index, size, &path[1..], &tree_root));
            }
        }
        assert_eq!(inclusion_proof(n, &leaves), None);
        assert!(!verify_inclusion(&leaves[0], size, size, &[], &tree_root));
    }
}

#[test]
fn every_prefix_of_every_small_tree_is_consistent_and_nothing_else() {
    for n in 1..=40 {
        let leaves = made_up(n);
        let new_root = root(&leaves);
        for m in 1..=n {
            let old_root = root(&leaves[..m]);
            let proof = consistency_proof(m, &leaves).expect("proof");
            let (old, new) = (m as u64, n as u64);
            assert!(
                verify_consistency(old, new, &proof, &old_root, &new_root),
                "{m} → {n}"
            );
            let forged = leaf_hash(b"forged");
            assert!(
                !verify_consistency(old, new, &proof, &forged, &new_root),
                "{m} → {n}"
            );
            assert!(
                !verify_consistency(old, new, &proof, &old_root, &forged),
                "{m} → {n}"
            );
            if m < n {
                assert!(!verify_consistency(old, new, &[], &old_root, &new_root));
            }
        }
        assert_eq!(consistency_proof(0, &leaves), None);
        assert_eq!(consistency_proof(n + 1, &leaves), None);
    }
}
