//! RFC 9162 (= RFC 6962) Merkle tree hashes, inclusion proofs and their check.
//!
//! This module owns the tree over a list of leaf byte strings:
//!
//! ```text
//! MTH({})      = SHA-256()
//! MTH({d0})    = SHA-256(0x00 || d0)                      leaf hash
//! MTH(D[0:n])  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//!                where k is the largest power of two with k < n
//! ```
//!
//! [`TreeBuilder`] computes a root while leaves are pushed one at a time, in
//! memory logarithmic in the number of leaves. [`inclusion_proof`] builds the
//! audit path of one leaf from all leaf hashes (RFC 9162 §2.1.3.1), and
//! [`verify_inclusion`] checks one with the algorithm of §2.1.3.2. What the
//! leaves are (ballot lines, contest lines) is the statement's business.

use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, ProofProblem};

/// A SHA-256 hash: a leaf hash, an interior node or a root.
pub type Hash = [u8; 32];

/// The root of the empty tree, SHA-256 of no bytes.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The leaf hash of `data`: SHA-256(0x00 ‖ data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    // A ballot line is short: its one or two padded blocks go straight to
    // the compression function (a tree hashes millions of them).
    if data.len() < 2 * 64 - 9 {
        let mut blocks = [0u8; 128];
        blocks[1..=data.len()].copy_from_slice(data);
        return sha256_padded(&mut blocks, 1 + data.len());
    }
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut blocks = [0u8; 128];
    blocks[0] = 0x01;
    blocks[1..33].copy_from_slice(left);
    blocks[33..65].copy_from_slice(right);
    sha256_padded(&mut blocks, 65)
}

/// SHA-256 of the first `len` bytes of `blocks` (at most 119, so that the
/// message and its padding fit in two blocks; the rest of `blocks` is 0):
/// pads the message as FIPS 180-4 §5.1.1 says and compresses its blocks.
fn sha256_padded(blocks: &mut [u8; 128], len: usize) -> Hash {
    const IV: [u32; 8] = [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ];
    debug_assert!(len + 9 <= 128);
    blocks[len] = 0x80;
    let n = if len + 9 <= 64 { 1 } else { 2 };
    blocks[n * 64 - 8..n * 64].copy_from_slice(&(len as u64 * 8).to_be_bytes());
    let (first, second) = blocks.split_at(64);
    let blocks = [
        *sha2::digest::generic_array::GenericArray::from_slice(first),
        *sha2::digest::generic_array::GenericArray::from_slice(second),
    ];
    let mut state = IV;
    sha2::compress256(&mut state, &blocks[..n]);
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// Computes a tree root while leaves arrive one at a time.
///
/// It keeps one hash per set bit of the leaf count: the roots of the
/// complete subtrees of sizes 2^a > 2^b > … that the leaves so far split
/// into, which is exactly how RFC 9162 splits them.
///
/// ```
/// use bundle::merkle::{TreeBuilder, root_of_leaves};
///
/// let mut tree = TreeBuilder::new();
/// for line in ["1:a;2:b", "1:b", ""] {
///     tree.push(line.as_bytes());
/// }
/// assert_eq!(tree.len(), 3);
/// assert_eq!(tree.root(), root_of_leaves(["1:a;2:b", "1:b", ""]));
/// ```
#[derive(Clone, Debug, Default)]
pub struct TreeBuilder {
    /// (subtree size, subtree root), sizes strictly decreasing powers of two.
    stack: Vec<(u64, Hash)>,
    len: u64,
}

impl TreeBuilder {
    /// An empty tree.
    pub fn new() -> TreeBuilder {
        TreeBuilder::default()
    }

    /// Adds the leaf `data`.
    pub fn push(&mut self, data: &[u8]) {
        self.push_leaf_hash(leaf_hash(data));
    }

    /// Adds a leaf given by its leaf hash (already SHA-256(0x00 ‖ data)).
    pub fn push_leaf_hash(&mut self, hash: Hash) {
        self.push_subtree(1, hash);
        self.len += 1;
    }

    /// Puts a complete subtree of `size` leaves on the stack, joining it
    /// with the subtrees before it of its size (leaves not counted here).
    fn push_subtree(&mut self, mut size: u64, mut hash: Hash) {
        while let Some(&(top_size, top)) = self.stack.last() {
            if top_size != size {
                break;
            }
            self.stack.pop();
            hash = node_hash(&top, &hash);
            size *= 2;
        }
        self.stack.push((size, hash));
    }

    /// Adds the leaves of `next`, a tree of the leaves that follow, as if
    /// each had been pushed here: so that disjoint runs of leaves can be
    /// hashed apart (on other threads) and joined in order.
    ///
    /// The join is exact when this tree's length is a multiple of `next`'s
    /// largest complete subtree (the highest power of two not above
    /// `next.len()`), which holds when every run but the last has the same
    /// power-of-two length: then `next`'s subtrees are subtrees of the
    /// whole tree, and RFC 9162 splits the whole where they do.
    ///
    /// # Panics
    ///
    /// When the lengths are not so aligned (the root would be wrong).
    pub fn append(&mut self, next: &TreeBuilder) {
        if let Some(&(largest, _)) = next.stack.first() {
            assert!(
                self.len % largest == 0,
                "a tree of {} leaves cannot take a subtree of {largest} as a whole",
                self.len
            );
        }
        for &(size, hash) in &next.stack {
            self.push_subtree(size, hash);
        }
        self.len += next.len;
    }

    /// How many leaves were pushed.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no leaf was pushed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The root of the leaves pushed so far.
    pub fn root(&self) -> Hash {
        let mut subtrees = self.stack.iter().rev();
        let Some(&(_, mut root)) = subtrees.next() else {
            return EMPTY_ROOT;
        };
        for (_, left) in subtrees {
            root = node_hash(left, &root);
        }
        root
    }
}

/// The root of a list of leaves.
pub fn root_of_leaves<I, T>(leaves: I) -> Hash
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut tree = TreeBuilder::new();
    for leaf in leaves {
        tree.push(leaf.as_ref());
    }
    tree.root()
}

/// The proof that one leaf is in a tree of a given size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// The leaf's index, from 0.
    pub index: u64,
    /// The number of leaves in the tree.
    pub size: u64,
    /// The audit path: sibling hashes from the leaf's level up to the root's.
    pub path: Vec<Hash>,
}

/// The largest power of two strictly below `n` (`n` ≥ 2).
fn split(n: usize) -> usize {
    debug_assert!(n >= 2);
    let k = n.next_power_of_two();
    if k == n { n / 2 } else { k / 2 }
}

fn subtree_root(hashes: &[Hash]) -> Hash {
    let mut tree = TreeBuilder::new();
    for h in hashes {
        tree.push_leaf_hash(*h);
    }
    tree.root()
}

/// The audit path of leaf `index` among `leaf_hashes` (RFC 9162 §2.1.3.1).
///
/// Takes leaf hashes ([`leaf_hash`] of each leaf), so a caller streams a
/// file once and keeps 32 bytes per leaf.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<InclusionProof, Error> {
    let size = leaf_hashes.len() as u64;
    if index >= size {
        return Err(Error::new(ErrorKind::Proof(
            ProofProblem::IndexOutOfRange { index, size },
        )));
    }
    let mut path = Vec::new();
    let (mut lo, mut hi, m) = (0usize, leaf_hashes.len(), index as usize);
    // Walk down from the root, noting the sibling subtree at each level;
    // the path is read from the leaf up, so reverse at the end.
    while hi - lo > 1 {
        let k = lo + split(hi - lo);
        if m < k {
            path.push(subtree_root(&leaf_hashes[k..hi]));
            hi = k;
        } else {
            path.push(subtree_root(&leaf_hashes[lo..k]));
            lo = k;
        }
    }
    path.reverse();
    Ok(InclusionProof { index, size, path })
}

/// Checks that `leaf` (a leaf hash) is at `proof.index` in the tree of
/// `proof.size` leaves whose root is `root`: RFC 9162 §2.1.3.2.
pub fn verify_inclusion(leaf: &Hash, proof: &InclusionProof, root: &Hash) -> Result<(), Error> {
    let fail = |p| Err(Error::new(ErrorKind::Proof(p)));
    if proof.index >= proof.size {
        return fail(ProofProblem::IndexOutOfRange {
            index: proof.index,
            size: proof.size,
        });
    }
    let (mut fnode, mut snode) = (proof.index, proof.size - 1);
    let mut r = *leaf;
    for p in &proof.path {
        if snode == 0 {
            return fail(ProofProblem::PathTooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return fail(ProofProblem::PathTooShort);
    }
    if r != *root {
        return fail(ProofProblem::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;

    /// The eight reference leaves of RFC 6962's test data.
    fn reference_leaves() -> Vec<Vec<u8>> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        })
        .collect()
    }

    const REFERENCE_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// The tree hash written straight from the RFC's recursive definition.
    fn mth(leaves: &[Vec<u8>]) -> Hash {
        match leaves.len() {
            0 => EMPTY_ROOT,
            1 => leaf_hash(&leaves[0]),
            n => {
                let k = split(n);
                node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("ballot {i}").into_bytes()).collect()
    }

    #[test]
    fn rfc6962_reference_roots_sizes_0_to_8() {
        let leaves = reference_leaves();
        for (n, want) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(
                hex::encode(&root_of_leaves(&leaves[..n])),
                *want,
                "size {n}"
            );
            assert_eq!(
                hex::encode(&mth(&leaves[..n])),
                *want,
                "recursive, size {n}"
            );
        }
    }

    #[test]
    fn leaf_and_node_hashes_are_sha256_of_their_bytes() {
        for n in 0..300usize {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + n) as u8).collect();
            let mut h = Sha256::new();
            h.update([0x00]);
            h.update(&data);
            assert_eq!(
                leaf_hash(&data),
                <[u8; 32]>::from(h.finalize()),
                "{n} bytes"
            );
        }
        let (l, r) = ([3u8; 32], [0xfeu8; 32]);
        let mut h = Sha256::new();
        h.update([0x01]);
        h.update(l);
        h.update(r);
        assert_eq!(node_hash(&l, &r), <[u8; 32]>::from(h.finalize()));
    }

    #[test]
    fn rfc6962_empty_root_is_sha256_of_nothing() {
        assert_eq!(EMPTY_ROOT, <[u8; 32]>::from(Sha256::digest(b"")));
        assert!(TreeBuilder::new().is_empty());
    }

    /// Audit paths of the reference tree of 8 leaves, in the RFC's notation:
    /// the path of leaf 0 is (d1, h(2:4), h(4:8)), of leaf 5 is (d4, h(6:8), h(0:4)).
    #[test]
    fn rfc6962_inclusion_paths_of_the_reference_tree() {
        let leaves = reference_leaves();
        let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l)).collect();
        let root = mth(&leaves);
        let p0 = inclusion_proof(&hashes, 0).unwrap();
        assert_eq!(
            p0.path,
            vec![hashes[1], mth(&leaves[2..4]), mth(&leaves[4..8])]
        );
        let p5 = inclusion_proof(&hashes, 5).unwrap();
        assert_eq!(
            p5.path,
            vec![hashes[4], mth(&leaves[6..8]), mth(&leaves[0..4])]
        );
        // Size 7, leaf 6 (the lone right leaf): (h(4:6), h(0:4)).
        let p6 = inclusion_proof(&hashes[..7], 6).unwrap();
        assert_eq!(p6.path, vec![mth(&leaves[4..6]), mth(&leaves[0..4])]);
        for p in [p0, p5] {
            verify_inclusion(&hashes[p.index as usize], &p, &root).unwrap();
        }
        verify_inclusion(&hashes[6], &p6, &mth(&leaves[..7])).unwrap();
    }

    #[test]
    fn rfc9162_every_proof_up_to_70_leaves_verifies() {
        let all = leaves(70);
        let hashes: Vec<Hash> = all.iter().map(|l| leaf_hash(l)).collect();
        for n in 1..=70 {
            let root = mth(&all[..n]);
            assert_eq!(root_of_leaves(&all[..n]), root, "streamed root, size {n}");
            for i in 0..n {
                let proof = inclusion_proof(&hashes[..n], i as u64).unwrap();
                verify_inclusion(&hashes[i], &proof, &root)
                    .unwrap_or_else(|e| panic!("size {n} index {i}: {e}"));
            }
        }
    }

    /// The audit path length of leaf `index` in a tree of `size` leaves.
    fn path_len(index: u64, size: u64) -> usize {
        let dummy = vec![EMPTY_ROOT; size as usize];
        inclusion_proof(&dummy, index).unwrap().path.len()
    }

    fn problem(r: Result<(), Error>) -> ProofProblem {
        match r.unwrap_err().into_kind() {
            ErrorKind::Proof(p) => p,
            other => panic!("not a proof error: {other:?}"),
        }
    }

    #[test]
    fn rfc9162_tampered_proofs_are_refused() {
        let all = leaves(70);
        let hashes: Vec<Hash> = all.iter().map(|l| leaf_hash(l)).collect();
        for n in 1..=70usize {
            let root = mth(&all[..n]);
            for i in 0..n {
                let good = inclusion_proof(&hashes[..n], i as u64).unwrap();
                let leaf = hashes[i];
                // The leaf of another index.
                if n > 1 {
                    let other = hashes[(i + 1) % n];
                    assert!(verify_inclusion(&other, &good, &root).is_err());
                }
                // Wrong index: every other index of the same tree.
                for j in 0..n {
                    if j != i {
                        let p = InclusionProof {
                            index: j as u64,
                            ..good.clone()
                        };
                        assert!(
                            verify_inclusion(&leaf, &p, &root).is_err(),
                            "n {n} i {i} j {j}"
                        );
                    }
                }
                // Index at or past the size.
                let p = InclusionProof {
                    index: n as u64,
                    ..good.clone()
                };
                assert_eq!(
                    problem(verify_inclusion(&leaf, &p, &root)),
                    ProofProblem::IndexOutOfRange {
                        index: n as u64,
                        size: n as u64
                    }
                );
                // Wrong size. The size is not bound by the path alone: a
                // leftmost leaf has the same path shape in trees of 5 to 8
                // leaves, so a size whose audit path for this index has the
                // same length may verify. That is why the signed statement
                // carries each tree's size beside its root. Every size with a
                // different path length is refused.
                for size in 1..=2 * n as u64 {
                    if size == n as u64 || i as u64 >= size {
                        continue;
                    }
                    let p = InclusionProof {
                        size,
                        ..good.clone()
                    };
                    if path_len(i as u64, size) != good.path.len() {
                        assert!(
                            verify_inclusion(&leaf, &p, &root).is_err(),
                            "n {n} i {i} size {size}"
                        );
                    }
                }
                // A flipped bit anywhere in the path.
                for k in 0..good.path.len() {
                    for bit in [0usize, 77, 255] {
                        let mut p = good.clone();
                        p.path[k][bit / 8] ^= 1 << (bit % 8);
                        assert_eq!(
                            problem(verify_inclusion(&leaf, &p, &root)),
                            ProofProblem::RootMismatch
                        );
                    }
                }
                // A flipped bit in the leaf or the root.
                let mut bad = leaf;
                bad[31] ^= 0x80;
                assert!(verify_inclusion(&bad, &good, &root).is_err());
                let mut bad_root = root;
                bad_root[0] ^= 1;
                assert!(verify_inclusion(&leaf, &good, &bad_root).is_err());
                // An extra path element, at the end or the front.
                let mut p = good.clone();
                p.path.push(root);
                assert_eq!(
                    problem(verify_inclusion(&leaf, &p, &root)),
                    ProofProblem::PathTooLong
                );
                let mut p = good.clone();
                p.path.insert(0, leaf);
                assert!(verify_inclusion(&leaf, &p, &root).is_err());
                // A missing path element.
                if !good.path.is_empty() {
                    let mut p = good.clone();
                    p.path.pop();
                    assert_eq!(
                        problem(verify_inclusion(&leaf, &p, &root)),
                        ProofProblem::PathTooShort
                    );
                    let mut p = good.clone();
                    p.path.remove(0);
                    assert!(verify_inclusion(&leaf, &p, &root).is_err());
                }
            }
        }
    }

    #[test]
    fn rfc9162_proof_index_past_the_leaves_is_refused() {
        let hashes = [leaf_hash(b"a"), leaf_hash(b"b")];
        assert_eq!(
            problem(inclusion_proof(&hashes, 2).map(|_| ())),
            ProofProblem::IndexOutOfRange { index: 2, size: 2 }
        );
        assert!(inclusion_proof(&[], 0).is_err());
    }
}
