//! Fast passes over a ballots file for the verifier: whether the file is
//! canonical at all, and its Merkle tree in runs that other threads hash.
//!
//! Each pass only answers for a file with no fault of its kind, and says
//! so by returning `None` otherwise: the verifier then runs the slower
//! checks that name every fault (`layout::text_faults` and the paper
//! checks; [`crate::statement::ContestTreeBuilder`]), so a faulty file is
//! reported exactly as before, and a sound one is judged the same way
//! (`tests` below holds the two to the same verdict).

use crate::merkle::{Hash, TreeBuilder, leaf_hash};
use crate::statement::MAX_PAPERS;

/// The lines of `bytes`, each without its LF; only lines that end in LF
/// (callers pass text that is empty or ends in LF).
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let mut start = 0;
    memchr::memchr_iter(b'\n', bytes).map(move |end| {
        let line = &bytes[start..end];
        start = end + 1;
        line
    })
}

/// How many bytes `a` and `b` start with in common.
pub(crate) fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// What a canonical ballots file holds, for sizing the ballot store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Distinct lines that are not the blank paper (at least as many as
    /// the distinct rankings).
    pub rankings: usize,
    /// The ids of those lines, in all.
    pub preferences: usize,
}

/// Bytes of a candidate id: 1 may start one, 2 may follow.
const ID_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            1
        } else if matches!(c, b'.' | b'_' | b'-') {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The number of ids of a line that is a `paper` (`layout::paper_ids`
/// accepts it), else `None`.
fn paper_len(line: &[u8]) -> Option<usize> {
    if line == crate::layout::BLANK_PAPER.as_bytes() {
        return Some(0);
    }
    let mut ids = 0;
    for id in line.split(|&b| b == b',') {
        // `layout::candidate_id_rule`: 1 to 64 bytes, the first A-Z a-z 0-9.
        let (&first, _) = id.split_first()?;
        if id.len() > 64
            || ID_BYTE[first as usize] != 1
            || id.iter().any(|&b| ID_BYTE[b as usize] == 0)
        {
            return None;
        }
        ids += 1;
    }
    Some(ids)
}

/// The shape of a ballots file that check 2 passes (the text rules with
/// no empty line, every line a paper, lines in bytewise order); `None`
/// when it has any fault at all.
pub(crate) fn canonical_ballots(bytes: &[u8]) -> Option<Shape> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return None;
    }
    // A paper is printable ASCII, so a file of papers is UTF-8 with no
    // BOM, CR, control byte, trailing blank or empty line.
    let mut shape = Shape::default();
    let mut previous: Option<&[u8]> = None;
    for line in lines(bytes) {
        if let Some(p) = previous {
            match line.cmp(p) {
                std::cmp::Ordering::Less => return None,
                std::cmp::Ordering::Equal => continue,
                std::cmp::Ordering::Greater => {}
            }
        }
        let ids = paper_len(line)?;
        if ids > 0 {
            shape.rankings += 1;
            shape.preferences += ids;
        }
        previous = Some(line);
    }
    Some(shape)
}

/// Lines a run of the tree has, but the last; a power of two, so that each
/// run is a complete subtree of the whole ([`TreeBuilder::append`]).
const RUN_STEP: u64 = 1 << 12;

/// Runs of a ballots file to hash apart, in order, each of the same
/// power-of-two number of lines but the last (about `runs` of them);
/// `None` when the file does not end in LF (or has too many lines), which
/// [`crate::statement::ContestTreeBuilder`] reports.
pub(crate) fn tree_runs(bytes: &[u8], runs: usize) -> Option<Vec<&[u8]>> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return None;
    }
    // Where each RUN_STEP-th line starts.
    let mut marks = vec![0usize];
    let mut n = 0u64;
    for end in memchr::memchr_iter(b'\n', bytes) {
        n += 1;
        if n % RUN_STEP == 0 {
            marks.push(end + 1);
        }
    }
    if n > MAX_PAPERS {
        return None;
    }
    // Steps per run: a power of two giving at most `runs` runs.
    let mut per = 1usize;
    while (marks.len() - 1) / per >= runs.max(1) {
        per *= 2;
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < marks.len() {
        let start = marks[at];
        let end = marks.get(at + per).copied().unwrap_or(bytes.len());
        if start < end || out.is_empty() {
            out.push(&bytes[start..end]);
        }
        at += per;
    }
    Some(out)
}

/// The tree over the lines of one run (text ending in LF), or `None` when
/// it has a CR, which [`crate::statement::ContestTreeBuilder`] reports.
///
/// A line equal to the one before has its leaf hash: a sorted file of many
/// papers repeats rankings.
pub(crate) fn run_tree(run: &[u8]) -> Option<TreeBuilder> {
    if memchr::memchr(b'\r', run).is_some() {
        return None;
    }
    let mut tree = TreeBuilder::new();
    let mut previous: Option<(&[u8], Hash)> = None;
    for line in lines(run) {
        let hash = match previous {
            Some((p, h)) if p == line => h,
            _ => leaf_hash(line),
        };
        tree.push_leaf_hash(hash);
        previous = Some((line, hash));
    }
    Some(tree)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::ContestTreeBuilder;
    use proptest::prelude::*;

    fn tree_of_runs(bytes: &[u8], runs: usize) -> Option<(u64, Hash)> {
        let mut tree = TreeBuilder::new();
        for run in tree_runs(bytes, runs)? {
            tree.append(&run_tree(run)?);
        }
        Some((tree.len(), tree.root()))
    }

    proptest! {
        #[test]
        fn runs_hashed_apart_give_the_streamed_root(
            lines in prop::collection::vec(prop::collection::vec(prop::sample::select(b"ab\r".to_vec()), 0..3), 0..40),
            runs in 1usize..6,
            final_lf in any::<bool>(),
        ) {
            let mut bytes = lines.join(&b'\n');
            if final_lf && !lines.is_empty() {
                bytes.push(b'\n');
            }
            let mut streamed = ContestTreeBuilder::new();
            streamed.write(&bytes);
            let streamed = streamed.finish("x").ok().map(|l| (l.papers, l.root));
            prop_assert_eq!(tree_of_runs(&bytes, runs), streamed);
        }
    }

    #[test]
    fn many_runs_of_many_lines_give_the_streamed_root() {
        // Past RUN_STEP, so that runs are longer than one step.
        for n in [0u64, 1, 4095, 4096, 4097, 8192, 3 * 4096 + 5, 40_000] {
            let text: String = (0..n).map(|i| format!("{}\n", i / 3)).collect();
            let mut streamed = ContestTreeBuilder::new();
            streamed.write(text.as_bytes());
            let streamed = streamed.finish("x").unwrap();
            for runs in [1, 2, 3, 7, 16] {
                assert_eq!(
                    tree_of_runs(text.as_bytes(), runs),
                    Some((streamed.papers, streamed.root)),
                    "{n} lines in {runs} runs"
                );
            }
        }
    }
}
