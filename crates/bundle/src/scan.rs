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
        if !id_ok(id) {
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

/// Runs of a ballots file to hash apart, in order, as byte ranges, each of
/// the same power-of-two number of lines but the last (about `runs` of
/// them), and the number of lines; `None` when the file does not end in
/// LF (or has too many lines), which
/// [`crate::statement::ContestTreeBuilder`] reports.
pub(crate) fn tree_runs(bytes: &[u8], runs: usize) -> Option<(Vec<(usize, usize)>, u64)> {
    tree_runs_by(bytes, runs, RUN_STEP)
}

/// [`tree_runs`] with runs a multiple of `step` lines (a power of two).
fn tree_runs_by(bytes: &[u8], runs: usize, step: u64) -> Option<(Vec<(usize, usize)>, u64)> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return None;
    }
    // Where each step-th line starts.
    let mut marks = vec![0usize];
    let mut n = 0u64;
    for end in memchr::memchr_iter(b'\n', bytes) {
        n += 1;
        if n % step == 0 {
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
            out.push((start, end));
        }
        at += per;
    }
    Some((out, n))
}

/// What one run of a ballots file gave.
#[derive(Debug)]
pub(crate) struct Run {
    /// Its tree, or `None` when it has a CR, which
    /// [`crate::statement::ContestTreeBuilder`] reports.
    pub tree: Option<TreeBuilder>,
    /// Whether its lines are papers, each in order after the one before
    /// (the line before the run included): [`canonical_ballots`] of the
    /// whole file is whether every run is.
    pub canonical: bool,
}

/// The run `start..end` of ballots file `bytes` (which ends in LF).
///
/// A line equal to the one before has its leaf hash: a sorted file of many
/// papers repeats rankings.
pub(crate) fn run(bytes: &[u8], start: usize, end: usize) -> Run {
    let run = &bytes[start..end];
    if memchr::memchr(b'\r', run).is_some() {
        return Run {
            tree: None,
            canonical: false,
        };
    }
    let mut previous: Option<(&[u8], Option<Hash>)> = start.checked_sub(1).map(|lf| {
        let before = &bytes[..lf];
        let from = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
        (&before[from..], None)
    });
    let mut canonical = true;
    let mut tree = TreeBuilder::new();
    for line in lines(run) {
        let mut same = None;
        if let Some((p, h)) = previous {
            match line.cmp(p) {
                std::cmp::Ordering::Less => canonical = false,
                std::cmp::Ordering::Equal => same = Some(h),
                std::cmp::Ordering::Greater => {}
            }
        }
        if same.is_none() && canonical && paper_len(line).is_none() {
            canonical = false;
        }
        let hash = same.flatten().unwrap_or_else(|| leaf_hash(line));
        tree.push_leaf_hash(hash);
        previous = Some((line, Some(hash)));
    }
    Run {
        tree: Some(tree),
        canonical,
    }
}

/// Whether `id` obeys `layout::candidate_id_rule` (1 to 64 bytes, the
/// first A-Z a-z 0-9, the rest those or `.` `_` `-`).
pub(crate) fn id_ok(id: &[u8]) -> bool {
    match id.split_first() {
        Some((&first, rest)) => {
            id.len() <= 64
                && ID_BYTE[first as usize] == 1
                && rest.iter().all(|&b| ID_BYTE[b as usize] != 0)
        }
        None => false,
    }
}

/// A contest's candidate ids, for the lookup of each preference: an id of
/// at most 8 bytes (most are) is one `u64` in an open-addressed table, the
/// rest are under foldhash.
pub(crate) struct IdTable<'a> {
    /// (id as a zero-padded little-endian `u64`, candidate); key 0 marks
    /// an empty slot. Ids with a zero byte go to `long` ([`Self::key`]).
    slots: Vec<(u64, usize)>,
    shift: u32,
    long: std::collections::HashMap<&'a [u8], usize, foldhash::fast::FixedState>,
}

impl<'a> IdTable<'a> {
    /// The table of `ids` (id to candidate).
    pub(crate) fn new(ids: &std::collections::HashMap<&'a str, usize>) -> IdTable<'a> {
        let len = (ids.len() * 4).next_power_of_two().max(16);
        let mut t = IdTable {
            slots: vec![(0, 0); len],
            shift: 64 - len.trailing_zeros(),
            long: Default::default(),
        };
        for (id, &k) in ids {
            let id = id.as_bytes();
            match Self::key(id) {
                Some(key) => {
                    let mut i = t.home(key);
                    while t.slots[i].0 != 0 {
                        i = (i + 1) & (len - 1);
                    }
                    t.slots[i] = (key, k);
                }
                None => {
                    t.long.insert(id, k);
                }
            }
        }
        t
    }

    /// An id of 1 to 8 bytes with no zero byte as a `u64`, which is then
    /// distinct for distinct ids and never 0.
    #[inline]
    fn key(id: &[u8]) -> Option<u64> {
        if id.is_empty() || id.len() > 8 {
            return None;
        }
        let mut k = 0u64;
        for (i, &b) in id.iter().enumerate() {
            if b == 0 {
                return None;
            }
            k |= u64::from(b) << (8 * i);
        }
        Some(k)
    }

    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// The candidate of `id`, if it is one.
    #[inline]
    pub(crate) fn get(&self, id: &[u8]) -> Option<usize> {
        let Some(key) = Self::key(id) else {
            return self.long.get(id).copied();
        };
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            match self.slots[i] {
                (0, _) => return None,
                (k, c) if k == key => return Some(c),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statement::ContestTreeBuilder;
    use proptest::prelude::*;

    fn tree_of_runs(bytes: &[u8], runs: usize, step: u64) -> Option<(u64, Hash, bool)> {
        let mut tree = TreeBuilder::new();
        let mut canonical = true;
        let (split, n) = tree_runs_by(bytes, runs, step)?;
        for (start, end) in split {
            let r = run(bytes, start, end);
            tree.append(&r.tree?);
            canonical &= r.canonical;
        }
        assert_eq!(tree.len(), n);
        Some((tree.len(), tree.root(), canonical))
    }

    proptest! {
        #[test]
        fn the_id_table_finds_what_a_map_finds(
            ids in prop::collection::hash_map("[a-c0\\x00]{0,10}", 0usize..50, 0..40),
            probes in prop::collection::vec("[a-c0\\x00]{0,10}", 0..40),
        ) {
            let map: std::collections::HashMap<&str, usize> =
                ids.iter().map(|(id, &k)| (id.as_str(), k)).collect();
            let table = IdTable::new(&map);
            for probe in probes.iter().chain(ids.keys()) {
                prop_assert_eq!(table.get(probe.as_bytes()), map.get(probe.as_str()).copied());
            }
        }

        #[test]
        fn runs_hashed_apart_give_the_streamed_root_and_verdict(
            mut lines in prop::collection::vec(
                prop::collection::vec(prop::sample::select(b"ab,-\r".to_vec()), 0..4),
                0..40,
            ),
            sort in any::<bool>(),
            runs in 1usize..6,
            log_step in 0u32..3,
            final_lf in any::<bool>(),
        ) {
            if sort {
                lines.sort();
            }
            let mut bytes = lines.join(&b'\n');
            if final_lf && !lines.is_empty() {
                bytes.push(b'\n');
            }
            let mut streamed = ContestTreeBuilder::new();
            streamed.write(&bytes);
            let got = tree_of_runs(&bytes, runs, 1 << log_step);
            match streamed.finish("x") {
                Ok(l) => {
                    prop_assert_eq!(
                        got,
                        Some((l.papers, l.root, canonical_ballots(&bytes).is_some()))
                    );
                }
                Err(_) => {
                    prop_assert!(got.is_none());
                    prop_assert!(canonical_ballots(&bytes).is_none());
                }
            }
        }
    }

    #[test]
    fn many_runs_of_many_lines_give_the_streamed_root() {
        // Past RUN_STEP, so that runs are longer than one step.
        for n in [0u64, 1, 4095, 4096, 4097, 8192, 3 * 4096 + 5, 40_000] {
            // Unsorted past line 30, and sorted.
            let text: String = (0..n).map(|i| format!("{}\n", i / 3)).collect();
            let sorted: String = (0..n).map(|i| format!("{:06}\n", i / 3)).collect();
            assert_eq!(n < 31, canonical_ballots(text.as_bytes()).is_some());
            assert!(canonical_ballots(sorted.as_bytes()).is_some());
            for text in [text, sorted] {
                let mut streamed = ContestTreeBuilder::new();
                streamed.write(text.as_bytes());
                let streamed = streamed.finish("x").unwrap();
                let canonical = canonical_ballots(text.as_bytes()).is_some();
                for runs in [1, 2, 3, 7, 16] {
                    assert_eq!(
                        tree_of_runs(text.as_bytes(), runs, RUN_STEP),
                        Some((streamed.papers, streamed.root, canonical)),
                        "{n} lines in {runs} runs"
                    );
                }
            }
        }
    }
}
