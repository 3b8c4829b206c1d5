//! Fast passes over a ballots file for the verifier: whether the file is
//! canonical at all, its Merkle tree in runs that other threads hash, and
//! the pieces of the one-pass reading of its papers (`verify.rs`).
//!
//! Each pass only answers for a file with no fault of its kind (`false`
//! or `None` otherwise): the verifier then runs the slower checks that
//! name every fault (`layout::text_faults` and the paper checks;
//! [`crate::statement::ContestTreeBuilder`]), so a faulty file is reported
//! exactly as before, and a sound one is judged the same way (the tests
//! here and in `verify.rs` hold the two to the same verdict).

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

/// How many bytes `a` and `b` start with in common (compared 8 at a time).
pub(crate) fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    let mut at = 0;
    for (x, y) in a[..n].chunks_exact(8).zip(b[..n].chunks_exact(8)) {
        let differ = word(x) ^ word(y);
        if differ != 0 {
            return at + (differ.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + a[at..n]
        .iter()
        .zip(&b[at..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The id that starts at `line[start]`: where it ends (at its comma, LF or
/// the end of `line`), whether it obeys [`id_ok`], and its [`IdTable`] key (its
/// first 8 bytes as a little-endian `u64`), in one pass over its bytes.
#[inline]
pub(crate) fn next_id(line: &[u8], start: usize) -> (usize, bool, u64) {
    let mut ok = line.get(start).is_some_and(|&b| ID_BYTE[b as usize] == 1);
    let mut key = 0u64;
    let mut end = start;
    while let Some(&b) = line.get(end) {
        if b == b',' || b == b'\n' {
            break;
        }
        ok &= ID_BYTE[b as usize] != 0;
        if end - start < 8 {
            key |= u64::from(b) << (8 * (end - start));
        }
        end += 1;
    }
    (end, ok && end - start <= 64, key)
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

/// Whether a line is a `paper` (`layout::paper_ids` accepts it).
fn is_paper(line: &[u8]) -> bool {
    line == crate::layout::BLANK_PAPER.as_bytes() || line.split(|&b| b == b',').all(id_ok)
}

/// Whether a ballots file passes check 2 (the text rules with no empty
/// line, every line a paper, lines in bytewise order).
pub(crate) fn canonical_ballots(bytes: &[u8]) -> bool {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return false;
    }
    // A paper is printable ASCII, so a file of papers is UTF-8 with no
    // BOM, CR, control byte, trailing blank or empty line.
    let mut previous: Option<&[u8]> = None;
    for line in lines(bytes) {
        if let Some(p) = previous {
            match line.cmp(p) {
                std::cmp::Ordering::Less => return false,
                std::cmp::Ordering::Equal => continue,
                std::cmp::Ordering::Greater => {}
            }
        }
        if !is_paper(line) {
            return false;
        }
        previous = Some(line);
    }
    true
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
    let n = count(b'\n', bytes) as u64;
    if n > MAX_PAPERS {
        return None;
    }
    // Lines per run: step times a power of two, giving at most `runs` runs.
    let mut per = step;
    while n / per >= runs.max(1) as u64 {
        per *= 2;
    }
    // Where each run starts: found in blocks whose lines are counted at
    // once, but for the few blocks where a run starts.
    const BLOCK: usize = 1 << 16;
    let mut starts = vec![0usize];
    let mut seen = 0u64;
    for (k, block) in bytes.chunks(BLOCK).enumerate() {
        let here = count(b'\n', block) as u64;
        if seen % per + here < per {
            seen += here;
            continue;
        }
        for end in memchr::memchr_iter(b'\n', block) {
            seen += 1;
            if seen % per == 0 && k * BLOCK + end + 1 < bytes.len() {
                starts.push(k * BLOCK + end + 1);
            }
        }
    }
    let mut out: Vec<(usize, usize)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    out.push((starts[starts.len() - 1], bytes.len()));
    Some((out, n))
}

/// How many times `byte` is in `bytes`.
pub(crate) fn count(byte: u8, bytes: &[u8]) -> usize {
    memchr::memchr_iter(byte, bytes).count()
}

/// The tree over the lines of run `start..end` of ballots file `bytes`
/// (which ends in LF), or `None` when the run has a CR, which
/// [`crate::statement::ContestTreeBuilder`] reports.
///
/// A line equal to the one before has its leaf hash: a sorted file of many
/// papers repeats rankings.
pub(crate) fn run(bytes: &[u8], start: usize, end: usize) -> Option<TreeBuilder> {
    let run = &bytes[start..end];
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
    #[cfg(test)]
    pub(crate) fn get(&self, id: &[u8]) -> Option<usize> {
        match Self::key(id) {
            Some(key) => self.get_keyed(id, key),
            None => self.long.get(id).copied(),
        }
    }

    /// [`get`](Self::get) of an id that obeys [`id_ok`], given its key
    /// from [`next_id`].
    #[inline]
    pub(crate) fn get_keyed(&self, id: &[u8], key: u64) -> Option<usize> {
        if id.len() > 8 {
            return self.long.get(id).copied();
        }
        debug_assert_eq!(Self::key(id), Some(key));
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

    fn tree_of_runs(bytes: &[u8], runs: usize, step: u64) -> Option<(u64, Hash)> {
        let mut tree = TreeBuilder::new();
        let (split, n) = tree_runs_by(bytes, runs, step)?;
        for (start, end) in split {
            tree.append(&run(bytes, start, end)?);
        }
        assert_eq!(tree.len(), n);
        Some((tree.len(), tree.root()))
    }

    #[test]
    fn shared_prefixes_and_ids() {
        let a = b"12,34,56,78,90,11,22";
        for n in 0..=a.len() {
            for m in 0..=a.len() {
                let mut b = a[..m].to_vec();
                if n < m {
                    b[n] = b'x';
                }
                let want = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
                assert_eq!(shared_prefix(a, &b), want, "{n} {m}");
            }
        }
        assert_eq!(
            next_id(b"ab,c", 0),
            (2, true, u64::from_le_bytes(*b"ab\0\0\0\0\0\0"))
        );
        assert_eq!(next_id(b"ab,c", 3).0, 4);
        assert!(!next_id(b"ab,,c", 3).1);
        assert!(!next_id(b"-a", 0).1);
        assert!(!next_id(&[b'a'; 65], 0).1);
        assert!(next_id(&[b'a'; 64], 0).1);
        assert!(!next_id(b"a b", 0).1);
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
            if id_ok(probe.as_bytes()) {
                let (end, ok, key) = next_id(probe.as_bytes(), 0);
                prop_assert_eq!((end, ok), (probe.len(), true));
                prop_assert_eq!(table.get_keyed(probe.as_bytes(), key), map.get(probe.as_str()).copied());
            }
            }
        }

        #[test]
        fn runs_hashed_apart_give_the_streamed_root(
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
            prop_assert_eq!(got, streamed.finish("x").ok().map(|l| (l.papers, l.root)));
        }
    }

    #[test]
    fn many_runs_of_many_lines_give_the_streamed_root() {
        // Past RUN_STEP, so that runs are longer than one step.
        for n in [0u64, 1, 4095, 4096, 4097, 8192, 3 * 4096 + 5, 40_000] {
            // Equal lines in threes, unsorted past line 30, and sorted.
            let text: String = (0..n).map(|i| format!("{}\n", i / 3)).collect();
            let sorted: String = (0..n).map(|i| format!("{:06}\n", i / 3)).collect();
            for text in [text, sorted] {
                let mut streamed = ContestTreeBuilder::new();
                streamed.write(text.as_bytes());
                let streamed = streamed.finish("x").unwrap();
                for runs in [1, 2, 3, 7, 16] {
                    assert_eq!(
                        tree_of_runs(text.as_bytes(), runs, RUN_STEP),
                        Some((streamed.papers, streamed.root)),
                        "{n} lines in {runs} runs"
                    );
                }
            }
        }
    }
}
