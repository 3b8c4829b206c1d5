//! Property tests: what the bundle modules write, they read back unchanged,
//! and the streamed Merkle root agrees with the RFC's recursive definition.

use bundle::keys::{KeyName, SigningKey};
use bundle::manifest::{Manifest, ManifestBuilder};
use bundle::merkle::{self, Hash, TreeBuilder};
use bundle::note::{self, Note};
use bundle::statement::{ContestLine, Statement};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

/// RFC 9162 §2.1.1, written as the recursion.
fn mth(leaves: &[Vec<u8>]) -> Hash {
    match leaves.len() {
        0 => merkle::EMPTY_ROOT,
        1 => merkle::leaf_hash(&leaves[0]),
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            merkle::node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

fn path() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,8}(/[a-z0-9_-][a-z0-9._-]{0,8}){0,3}"
}

proptest! {
    #[test]
    fn rfc9162_streamed_root_and_proofs_agree_with_the_recursion(
        leaves in vec(vec(any::<u8>(), 0..12), 0..200),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut tree = TreeBuilder::new();
        for l in &leaves {
            tree.push(l);
        }
        let root = mth(&leaves);
        prop_assert_eq!(tree.root(), root);
        if !leaves.is_empty() {
            let hashes: Vec<Hash> = leaves.iter().map(|l| merkle::leaf_hash(l)).collect();
            let i = pick.index(leaves.len());
            let proof = merkle::inclusion_proof(&hashes, i as u64).unwrap();
            prop_assert!(merkle::verify_inclusion(&hashes[i], &proof, &root).is_ok());
        }
    }

    #[test]
    fn rfc9162_root_of_runs_joined_in_order_agrees_with_the_recursion(
        leaves in vec(vec(any::<u8>(), 0..6), 0..300),
        log_run in 0u32..6,
    ) {
        // Runs of 2^log_run leaves, the last shorter, each hashed apart.
        let mut whole = TreeBuilder::new();
        for run in leaves.chunks(1 << log_run) {
            let mut part = TreeBuilder::new();
            for l in run {
                part.push(l);
            }
            whole.append(&part);
        }
        prop_assert_eq!(whole.len(), leaves.len() as u64);
        prop_assert_eq!(whole.root(), mth(&leaves));
    }

    #[test]
    fn manifest_written_then_read_is_unchanged(
        files in btree_map(path(), any::<[u8; 32]>(), 1..30),
    ) {
        let mut b = ManifestBuilder::new();
        let mut folded = std::collections::HashSet::new();
        for (p, d) in &files {
            if folded.insert(p.to_ascii_lowercase()) {
                b.add_digest(p, *d).unwrap();
            } else {
                prop_assert!(b.add_digest(p, *d).is_err());
            }
        }
        let m = b.build();
        let text = m.to_text();
        let back = Manifest::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(back.to_text(), text);
        prop_assert_eq!(back, m);
    }

    #[test]
    fn statement_written_then_read_is_unchanged(
        election in "[A-Za-z0-9._/:-]{1,40}",
        manifest in any::<[u8; 32]>(),
        contests in btree_map("[a-z0-9][a-z0-9_-]{0,10}", (0u64..1 << 53, any::<[u8; 32]>()), 1..12),
    ) {
        let lines: Vec<ContestLine> = contests
            .into_iter()
            .rev()
            .map(|(id, (papers, root))| ContestLine { id, papers, root })
            .collect();
        let s = Statement::new(&election, manifest, lines).unwrap();
        let text = s.to_text();
        let back = Statement::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(back.to_text(), text);
        prop_assert_eq!(back, s);
    }

    #[test]
    fn signed_note_signed_then_read_verifies(
        lines in vec("[^\\x00-\\x1f]{0,20}", 1..6),
        seeds in vec(any::<[u8; 32]>(), 1..4),
    ) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let mut signed = Note::new(&text).unwrap();
        let mut trusted = Vec::new();
        for (i, seed) in seeds.iter().enumerate() {
            let signer = SigningKey::from_seed(*seed)
                .signer(KeyName::new(&format!("signer.example/{i}")).unwrap());
            signed = note::sign(&signed, &signer).unwrap();
            trusted.push(signer.verifier_key());
        }
        let wire = signed.to_text();
        let parsed = Note::parse(wire.as_bytes()).unwrap();
        prop_assert_eq!(parsed.text(), text.as_str());
        prop_assert_eq!(parsed.to_text(), wire);
        let distinct: std::collections::BTreeSet<_> = seeds.iter().collect();
        let verified = note::verify(&parsed, &trusted, distinct.len()).unwrap();
        prop_assert_eq!(verified.signers().len(), distinct.len());
        prop_assert!(note::verify(&parsed, &trusted, distinct.len() + 1).is_err());
    }
}
