//! The ballot arena: distinct rankings with integer counts, stored compactly.
//!
//! A contest's ballots are held as one `Vec<CandidateId>` (two bytes a
//! preference) with an end offset per ranking and a count per ranking, so five
//! million Senate-length ballots take a few hundred megabytes. Identical
//! rankings are merged as they are added, keeping the order in which each was
//! first seen: the store always holds *distinct* rankings. Papers that rank
//! nobody are not rankings; they are counted apart as [`Ballots::blank`].
//!
//! Invariants, enforced by [`BallotsBuilder::push`] so that no count ever has
//! to check them again: every preference names a candidate of the contest,
//! no candidate appears twice in one ranking, and every count is at least 1.
//! How a source's irregular papers (equal rankings, skipped ranks,
//! overvotes, repeated names) become such rankings is the readers' business,
//! decided by [`crate::ImportPolicy`].
//!
//! Rankings with **equal preferences** (two or more candidates at one rank,
//! kept as such by [`crate::policy::EqualRankings::Keep`]) are held apart,
//! as [`EqualRanking`]s: only a count that splits such a paper between the
//! tied candidates can read them, so they are never mixed with the strict
//! rankings every other consumer iterates. [`Ballots::iter`] yields the
//! strict rankings only; a consumer that cannot split a paper must refuse a
//! contest whose [`Ballots::has_equal_rankings`] is true, never pass over
//! its papers. A paper whose ranks each hold one candidate is strict,
//! whichever way it was pushed.

use std::fmt;

use std::hash::BuildHasher;

use crate::model::CandidateId;

/// How many papers carry one ranking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PaperCount(pub u64);

impl fmt::Display for PaperCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One distinct ranking and how many papers carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ballot<'a> {
    /// Candidates in order of preference, first preference first; never empty.
    pub ranking: &'a [CandidateId],
    /// Number of papers with exactly this ranking; at least 1.
    pub count: PaperCount,
}

/// A ranking with equal preferences: its ranks in order, each one or more
/// candidates (sorted within the rank, since their order there means
/// nothing), at least one rank holding two or more; and how many papers
/// carry it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EqualRanking {
    prefs: Vec<CandidateId>,
    /// Where each rank starts in `prefs`.
    starts: Vec<u32>,
    /// Papers with exactly this ranking; at least 1.
    pub count: PaperCount,
}

impl EqualRanking {
    /// The ranks in order of preference, each a non-empty set of candidates.
    pub fn ranks(&self) -> impl ExactSizeIterator<Item = &[CandidateId]> + '_ {
        (0..self.starts.len()).map(move |k| {
            let end = self
                .starts
                .get(k + 1)
                .map_or(self.prefs.len(), |&e| e as usize);
            &self.prefs[self.starts[k] as usize..end]
        })
    }

    /// Every candidate the ranking names, rank by rank.
    pub fn candidates(&self) -> &[CandidateId] {
        &self.prefs
    }
}

/// A paper's ranking as a reader hands it to [`BallotsBuilder::push_ranked`]:
/// the candidates in order and, when some are ranked equal, where each
/// rank starts (empty: every candidate is a rank of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ranked<'a> {
    /// The candidates, rank by rank.
    pub candidates: &'a [CandidateId],
    /// The index in `candidates` where each rank starts, from 0; empty
    /// when every rank holds one candidate.
    pub rank_starts: &'a [u32],
}

impl<'a> Ranked<'a> {
    /// A strict ranking.
    pub fn strict(candidates: &'a [CandidateId]) -> Ranked<'a> {
        Ranked {
            candidates,
            rank_starts: &[],
        }
    }

    /// True when the paper ranks nobody (a blank paper).
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    /// True when some rank holds two or more candidates.
    pub fn has_equal_preferences(&self) -> bool {
        !self.rank_starts.is_empty() && self.rank_starts.len() < self.candidates.len()
    }
}

/// Why a ranking could not be added to a [`BallotsBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankingError {
    /// A preference names a candidate number the contest does not have.
    OutOfRange {
        /// Index (0-based) of the preference within the ranking.
        rank: usize,
        /// The candidate index found.
        candidate: usize,
        /// How many candidates the contest has.
        candidates: usize,
    },
    /// A candidate appears twice in one ranking.
    Repeated {
        /// Index (0-based) of the second appearance within the ranking.
        rank: usize,
        /// The repeated candidate.
        candidate: CandidateId,
    },
    /// A count of zero papers.
    ZeroCount,
    /// A [`Ranked`] whose rank starts do not split its candidates (not
    /// increasing from 0 within them): a reader's error.
    RankStarts {
        /// Index (0-based) of the first bad rank start.
        rank: usize,
    },
    /// The total number of papers no longer fits in 64 bits.
    TooManyPapers,
    /// More preferences than the arena can address (2³² in all).
    ArenaFull,
    /// New paper counts for a different number of distinct rankings
    /// ([`Ballots::with_counts`]).
    CountsLength {
        /// The distinct rankings.
        rankings: usize,
        /// The counts given.
        counts: usize,
    },
}

impl fmt::Display for RankingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankingError::OutOfRange {
                candidate,
                candidates,
                ..
            } => write!(
                f,
                "candidate {} but only {candidates} candidates",
                candidate + 1
            ),
            RankingError::Repeated { candidate, .. } => {
                write!(f, "candidate {} ranked twice", candidate.number())
            }
            RankingError::ZeroCount => write!(f, "a count of zero papers"),
            RankingError::RankStarts { rank } => {
                write!(f, "rank {} does not start after the one before", rank + 1)
            }
            RankingError::TooManyPapers => write!(f, "more than 2^64 papers in all"),
            RankingError::ArenaFull => write!(f, "more than 2^32 preferences in all"),
            RankingError::CountsLength { rankings, counts } => {
                write!(f, "{counts} paper counts for {rankings} distinct rankings")
            }
        }
    }
}

/// The ballots of one contest: distinct rankings with counts, plus blank papers.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Ballots {
    candidates: usize,
    prefs: Vec<CandidateId>,
    ends: Vec<u32>,
    counts: Vec<PaperCount>,
    blank: PaperCount,
    papers: u64,
    /// The rankings with equal preferences, in order of first appearance
    /// (their papers are in `papers`).
    equal: Vec<EqualRanking>,
}

impl fmt::Debug for Ballots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ballots")
            .field("candidates", &self.candidates)
            .field(
                "rankings",
                &self
                    .iter()
                    .map(|b| (b.count.0, b.ranking))
                    .collect::<Vec<_>>(),
            )
            .field("blank", &self.blank)
            .field("equal", &self.equal)
            .finish()
    }
}

impl Ballots {
    /// Number of candidates the rankings may name.
    pub fn candidates(&self) -> usize {
        self.candidates
    }

    /// Number of distinct strict rankings (blank papers and rankings with
    /// equal preferences not included).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when there is no ranking at all (there may still be blank papers).
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.equal.is_empty()
    }

    /// True when some papers rank candidates equal ([`EqualRanking`]).
    pub fn has_equal_rankings(&self) -> bool {
        !self.equal.is_empty()
    }

    /// The distinct rankings with equal preferences, in order of first
    /// appearance.
    pub fn equal_rankings(&self) -> &[EqualRanking] {
        &self.equal
    }

    /// Papers whose ranking has equal preferences.
    pub fn equal_ranked_papers(&self) -> u64 {
        self.equal.iter().map(|r| r.count.0).sum()
    }

    /// Papers that rank nobody. They are not valid votes under any rule.
    pub fn blank(&self) -> PaperCount {
        self.blank
    }

    /// Papers with at least one preference (the sum of the rankings'
    /// counts, those with equal preferences included).
    pub fn ranked_papers(&self) -> u64 {
        self.papers
    }

    /// All papers, blank ones included.
    pub fn total_papers(&self) -> u64 {
        self.papers + self.blank.0
    }

    /// Total number of preferences stored, each distinct ranking once.
    pub fn stored_preferences(&self) -> usize {
        self.prefs.len()
    }

    /// The `i`-th distinct ranking, in order of first appearance.
    ///
    /// # Panics
    /// If `i >= self.len()`.
    pub fn ballot(&self, i: usize) -> Ballot<'_> {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Ballot {
            ranking: &self.prefs[start..self.ends[i] as usize],
            count: self.counts[i],
        }
    }

    /// The same distinct rankings with new paper counts (`counts[i]` for
    /// the `i`-th; the blank papers are kept), as if read from a file that
    /// had them: a ranking given no papers is left out. For recounts of
    /// altered counts (margins, what-if) without reading anything again.
    /// The rankings with equal preferences are kept as they are.
    pub fn with_counts(&self, counts: &[u64]) -> Result<Ballots, RankingError> {
        if counts.len() != self.len() {
            return Err(RankingError::CountsLength {
                rankings: self.len(),
                counts: counts.len(),
            });
        }
        // Blank and equal-preference papers are kept, and count in the total.
        let mut papers = self
            .blank
            .0
            .checked_add(self.equal_ranked_papers())
            .ok_or(RankingError::TooManyPapers)?;
        for &c in counts {
            papers = papers.checked_add(c).ok_or(RankingError::TooManyPapers)?;
        }
        let kept = counts.iter().filter(|&&c| c > 0).count();
        let mut out = Ballots {
            candidates: self.candidates,
            prefs: Vec::with_capacity(if kept == self.len() {
                self.prefs.len()
            } else {
                0
            }),
            ends: Vec::with_capacity(kept),
            counts: Vec::with_capacity(kept),
            blank: self.blank,
            papers: papers - self.blank.0,
            equal: self.equal.clone(),
        };
        for (i, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            out.prefs.extend_from_slice(self.ballot(i).ranking);
            // Fewer preferences than the original, which fits in u32.
            out.ends.push(out.prefs.len() as u32);
            out.counts.push(PaperCount(c));
        }
        Ok(out)
    }

    /// The distinct strict rankings in order of first appearance (not the
    /// [`equal_rankings`](Self::equal_rankings)).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Ballot<'_>> + '_ {
        (0..self.len()).map(move |i| self.ballot(i))
    }

    /// First-preference papers for each candidate, indexed by candidate
    /// (strict rankings only: a paper whose first rank is shared gives no
    /// one a whole paper).
    pub fn first_preferences(&self) -> Vec<u64> {
        let mut fp = vec![0u64; self.candidates];
        for b in self.iter() {
            fp[b.ranking[0].index()] += b.count.0;
        }
        fp
    }

    /// Bytes of heap the arena uses (for reporting memory, not exact).
    pub fn heap_bytes(&self) -> usize {
        self.prefs.capacity() * size_of::<CandidateId>()
            + self.ends.capacity() * size_of::<u32>()
            + self.counts.capacity() * size_of::<PaperCount>()
            + self
                .equal
                .iter()
                .map(|r| r.prefs.capacity() * 2 + r.starts.capacity() * 4)
                .sum::<usize>()
    }
}

/// Builds a [`Ballots`] arena, checking and merging rankings as they come.
///
/// [`push`](Self::push) checks a ranking and appends it to a chunk; full
/// chunks are merged into the arena in order. Merging (one random probe of a
/// large index per paper) dominates reading a multi-million-paper file, so
/// once a file proves large (a second chunk) merging moves to a worker
/// thread and overlaps with the reader's scanning. The result does not
/// depend on this: chunks are merged in the order they were filled.
#[derive(Debug)]
pub struct BallotsBuilder {
    candidates: usize,
    seen: Vec<u32>,
    stamp: u32,
    papers: u64,
    blank: u64,
    appended: u64,
    /// Made by [`BallotsBuilder::distinct`]: rankings go straight to the
    /// arena, with no chunk, index or merging.
    distinct: bool,
    chunk: Chunk,
    merge: Merge,
    /// Rankings with equal preferences, merged here (they are few).
    equal: Vec<EqualRanking>,
    equal_index: std::collections::HashMap<(Vec<CandidateId>, Vec<u32>), usize>,
}

#[derive(Debug)]
enum Merge {
    Inline(Box<Merger>),
    Worker {
        chunks: std::sync::mpsc::SyncSender<Chunk>,
        /// Emptied chunks coming back for reuse, so that their pages are
        /// not mapped and zeroed afresh for every 32K rankings.
        spares: std::sync::mpsc::Receiver<Chunk>,
        merger: std::thread::JoinHandle<Merger>,
    },
}

/// Rankings as pushed, not yet merged: flat preferences with relative ends.
#[derive(Debug, Default)]
struct Chunk {
    prefs: Vec<CandidateId>,
    ends: Vec<u32>,
    counts: Vec<u64>,
    hashes: Vec<u32>,
}

impl Chunk {
    const RANKINGS: usize = 1 << 15;

    fn clear(&mut self) {
        self.prefs.clear();
        self.ends.clear();
        self.counts.clear();
        self.hashes.clear();
    }

    fn ranking(&self, k: usize) -> &[CandidateId] {
        let start = if k == 0 { 0 } else { self.ends[k - 1] as usize };
        &self.prefs[start..self.ends[k] as usize]
    }
}

/// The merging half: the arena and an open-addressing index over it.
///
/// Index entries are `hash32 << 32 | (ranking + 1)` (0 = empty), probed
/// linearly from a home slot derived from the stored hash bits alone; the
/// table's length is its load's, not a power of two.
#[derive(Debug)]
struct Merger {
    ballots: Ballots,
    slots: Vec<u64>,
    used: usize,
}

impl Merger {
    const BATCH: usize = 16;

    fn new(candidates: usize) -> Merger {
        Merger {
            ballots: Ballots {
                candidates,
                ..Ballots::default()
            },
            slots: vec![0; 64],
            used: 0,
        }
    }

    /// The slot a hash starts probing from: the hash scaled to the table's
    /// length, which need not be a power of two, so that the table is sized
    /// to its load rather than up to twice that.
    fn home(&self, h32: u32) -> usize {
        ((u64::from(h32) * self.slots.len() as u64) >> 32) as usize
    }

    /// Makes room for `more` distinct rankings at a load of at most 5/8,
    /// growing by half again at least so that growing chunk by chunk stays
    /// linear.
    ///
    /// A grown index is built afresh from the arena, hashing its rankings
    /// again, after the old one is freed: the two are never held at once.
    /// That costs a pass over the arena, paid only by a file with more
    /// distinct rankings than its reader reserved for.
    fn reserve(&mut self, more: usize) {
        let need = (self.used + more).saturating_mul(8) / 5 + 1;
        if need <= self.slots.len() {
            return;
        }
        let len = need.max(self.slots.len().saturating_add(self.slots.len() / 2));
        self.slots = Vec::new();
        self.slots = vec![0; len];
        for r in 0..self.ballots.len() {
            let h32 = hash32(self.ballots.ballot(r).ranking);
            let mut i = self.home(h32);
            while self.slots[i] != 0 {
                i += 1;
                if i == len {
                    i = 0;
                }
            }
            // The builder bounds the rankings below 2^32.
            self.slots[i] = (u64::from(h32) << 32) | (r as u64 + 1);
        }
    }

    fn absorb(&mut self, chunk: &Chunk) {
        let n = chunk.counts.len();
        let Ballots {
            prefs,
            ends,
            counts,
            ..
        } = &mut self.ballots;
        // The arena first, the index after: their growths do not overlap.
        grow(prefs, chunk.prefs.len());
        grow(ends, n);
        grow(counts, n);
        self.reserve(n);
        let mut first = 0;
        while first < n {
            let last = (first + Self::BATCH).min(n);
            // Touch every home slot of the batch before resolving any: the
            // loads are independent, so their cache misses overlap.
            let mut warm = [0u64; Self::BATCH];
            for k in first..last {
                warm[k - first] = self.slots[self.home(chunk.hashes[k])];
            }
            std::hint::black_box(&warm);
            for k in first..last {
                self.merge_one(chunk.hashes[k], chunk.ranking(k), chunk.counts[k]);
            }
            first = last;
        }
    }

    fn merge_one(&mut self, h32: u32, ranking: &[CandidateId], count: u64) {
        let len = self.slots.len();
        let mut i = self.home(h32);
        let Ballots {
            prefs,
            ends,
            counts,
            ..
        } = &mut self.ballots;
        loop {
            let e = self.slots[i];
            if e == 0 {
                break;
            }
            if (e >> 32) as u32 == h32 {
                let r = (e as u32 - 1) as usize;
                let start = if r == 0 { 0 } else { ends[r - 1] as usize };
                if &prefs[start..ends[r] as usize] == ranking {
                    // Cannot overflow: the builder bounds the total of all counts.
                    counts[r].0 += count;
                    return;
                }
            }
            i += 1;
            if i == len {
                i = 0;
            }
        }
        // The builder bounds the arena below 2^32 preferences and rankings.
        let r = counts.len() as u32;
        prefs.extend_from_slice(ranking);
        ends.push(prefs.len() as u32);
        counts.push(PaperCount(count));
        self.slots[i] = (u64::from(h32) << 32) | u64::from(r + 1);
        self.used += 1;
    }
}

/// The bits of a ranking's hash that the index keeps.
fn hash32(ranking: &[CandidateId]) -> u32 {
    const HASHER: foldhash::fast::FixedState =
        foldhash::fast::FixedState::with_seed(0x0072_6563_6f75_6e74);
    (HASHER.hash_one(ranking) >> 32) as u32
}

/// Makes room for `more` items in `v`, by half its length again at least:
/// the doubling of `Vec`'s own growth would leave up to half of an arena
/// spare, and hold three times the old size while it copies.
fn grow<T>(v: &mut Vec<T>, more: usize) {
    if v.capacity() - v.len() < more {
        v.reserve_exact(more.max(v.len() / 2));
    }
}

/// What an error shows when `count` more papers take the total past 2^64 - 1
/// after `so_far`: the count and the total it would make, which names the
/// limit's subject where the line alone would not.
pub fn papers_past_limit(so_far: u64, count: u64) -> String {
    let total = u128::from(so_far) + u128::from(count);
    format!("{count} more papers, a total of {total}")
}

impl BallotsBuilder {
    /// A builder for a contest of `candidates` candidates.
    pub fn new(candidates: usize) -> BallotsBuilder {
        BallotsBuilder {
            candidates,
            seen: vec![0; candidates],
            stamp: 0,
            papers: 0,
            blank: 0,
            appended: 0,
            distinct: false,
            chunk: Chunk::default(),
            merge: Merge::Inline(Box::new(Merger::new(candidates))),
            equal: Vec::new(),
            equal_index: std::collections::HashMap::new(),
        }
    }

    /// A builder for a reader whose rankings are distinct by construction,
    /// such as a file of lines in strictly increasing order that each name
    /// candidates by a unique id: each ranking is appended as it is pushed,
    /// with no index to find a repeat (and no worker thread to merge), which
    /// makes a large store in about half the work.
    ///
    /// A repeated ranking would not be merged but stored twice, breaking
    /// the store's rule that its rankings are distinct: only a reader that
    /// cannot push one may use this (debug builds check it in
    /// [`build`](Self::build)).
    pub fn distinct(candidates: usize) -> BallotsBuilder {
        BallotsBuilder {
            distinct: true,
            ..BallotsBuilder::new(candidates)
        }
    }

    /// Adds `count` papers ranking `ranking`; an empty ranking adds blank papers.
    ///
    /// Nothing is added when an error is returned.
    pub fn push(&mut self, ranking: &[CandidateId], count: u64) -> Result<(), RankingError> {
        self.admit(count)?;
        if ranking.is_empty() {
            self.blank += count;
            return Ok(());
        }
        self.check(ranking)?;
        self.appended = self.appended_with(ranking.len())?;
        self.papers += count;
        if self.distinct
            && let Merge::Inline(merger) = &mut self.merge
        {
            let b = &mut merger.ballots;
            b.prefs.extend_from_slice(ranking);
            // Below 2^32: bounded by `appended` above.
            b.ends.push(b.prefs.len() as u32);
            b.counts.push(PaperCount(count));
            return Ok(());
        }
        let chunk = &mut self.chunk;
        chunk.prefs.extend_from_slice(ranking);
        chunk.ends.push(chunk.prefs.len() as u32);
        chunk.counts.push(count);
        chunk.hashes.push(hash32(ranking));
        if chunk.counts.len() == Chunk::RANKINGS {
            self.flush();
        }
        Ok(())
    }

    /// Adds `count` papers ranking `ranked`, which may rank candidates
    /// equal: a ranking whose ranks each hold one candidate is added as
    /// [`push`](Self::push) adds it; one with equal preferences is kept as
    /// an [`EqualRanking`], its ranks sorted, merged with an identical one.
    /// The checks are `push`'s (a candidate twice anywhere is refused).
    ///
    /// Nothing is added when an error is returned.
    pub fn push_ranked(&mut self, ranked: Ranked<'_>, count: u64) -> Result<(), RankingError> {
        if !ranked.has_equal_preferences() {
            return self.push(ranked.candidates, count);
        }
        self.admit(count)?;
        self.check(ranked.candidates)?;
        let appended = self.appended_with(ranked.candidates.len())?;
        let mut prefs = ranked.candidates.to_vec();
        let mut starts: Vec<u32> = Vec::with_capacity(ranked.rank_starts.len());
        for (k, &start) in ranked.rank_starts.iter().enumerate() {
            let end = ranked
                .rank_starts
                .get(k + 1)
                .map_or(prefs.len(), |&e| e as usize);
            let start = start as usize;
            // A malformed split (not increasing from 0, past the end) is the
            // reader's bug; refusing it keeps the store's invariants.
            if (k == 0 && start != 0) || start >= end || end > prefs.len() {
                return Err(RankingError::RankStarts { rank: k });
            }
            prefs[start..end].sort_unstable();
            starts.push(start as u32);
        }
        self.appended = appended;
        self.papers += count;
        match self.equal_index.entry((prefs, starts)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                self.equal[*e.get()].count.0 += count;
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                let (prefs, starts) = e.key().clone();
                e.insert(self.equal.len());
                self.equal.push(EqualRanking {
                    prefs,
                    starts,
                    count: PaperCount(count),
                });
            }
        }
        Ok(())
    }

    /// Refuses `count` papers that are none, or that take the total past
    /// 2^64 − 1.
    #[inline]
    fn admit(&self, count: u64) -> Result<(), RankingError> {
        if count == 0 {
            return Err(RankingError::ZeroCount);
        }
        self.papers
            .checked_add(self.blank)
            .and_then(|t| t.checked_add(count))
            .map(|_| ())
            .ok_or(RankingError::TooManyPapers)
    }

    /// The preferences appended once `len` more are: bounds the arena
    /// (duplicates included, so conservatively) below 2^32 preferences,
    /// which also bounds the number of rankings.
    #[inline]
    fn appended_with(&self, len: usize) -> Result<u64, RankingError> {
        let appended = self.appended + len as u64;
        if appended >= u64::from(u32::MAX) {
            return Err(RankingError::ArenaFull);
        }
        Ok(appended)
    }

    fn flush(&mut self) {
        let chunk = std::mem::take(&mut self.chunk);
        if chunk.counts.is_empty() {
            return;
        }
        match &mut self.merge {
            Merge::Inline(merger) if merger.ballots.is_empty() => merger.absorb(&chunk),
            Merge::Inline(_) => {
                // A second full chunk: the file is large, merge beside the reader.
                let Merge::Inline(merger) =
                    std::mem::replace(&mut self.merge, Merge::Inline(Box::new(Merger::new(0))))
                else {
                    unreachable!("matched Inline above")
                };
                let (chunks, rx) = std::sync::mpsc::sync_channel::<Chunk>(4);
                let (hand_over, take) = std::sync::mpsc::sync_channel::<Box<Merger>>(1);
                let (give_back, spares) = std::sync::mpsc::sync_channel::<Chunk>(4);
                let spawned = std::thread::Builder::new()
                    .name("recount-ballots".into())
                    .spawn(move || {
                        let mut merger = take.recv().map(|m| *m).unwrap_or_else(|_| Merger::new(0));
                        for mut chunk in rx {
                            merger.absorb(&chunk);
                            chunk.clear();
                            // Never wait to give a chunk back: the reader may be
                            // waiting to send, and a full return channel just
                            // means this one is not needed.
                            let _ = give_back.try_send(chunk);
                        }
                        merger
                    });
                let merger = match spawned {
                    Ok(handle) => match hand_over.send(merger) {
                        Ok(()) => {
                            self.merge = Merge::Worker {
                                chunks,
                                spares,
                                merger: handle,
                            };
                            self.send(chunk);
                            return;
                        }
                        Err(std::sync::mpsc::SendError(merger)) => merger,
                    },
                    Err(_) => merger,
                };
                // No worker to be had: merge here, as for small files.
                let mut merger = merger;
                merger.absorb(&chunk);
                self.merge = Merge::Inline(merger);
            }
            Merge::Worker { .. } => self.send(chunk),
        }
    }

    fn send(&mut self, chunk: Chunk) {
        if let Merge::Worker { chunks, spares, .. } = &self.merge {
            // The worker only stops when the sender is dropped, so a send
            // fails only if it panicked; `build` reports that.
            let _ = chunks.send(chunk);
            if let Ok(spare) = spares.try_recv() {
                self.chunk = spare;
            }
        }
    }

    fn check(&mut self, ranking: &[CandidateId]) -> Result<(), RankingError> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        for (rank, &c) in ranking.iter().enumerate() {
            let Some(seen) = self.seen.get_mut(c.index()) else {
                return Err(RankingError::OutOfRange {
                    rank,
                    candidate: c.index(),
                    candidates: self.candidates,
                });
            };
            if *seen == self.stamp {
                return Err(RankingError::Repeated { rank, candidate: c });
            }
            *seen = self.stamp;
        }
        Ok(())
    }

    /// Makes room for about `rankings` more distinct rankings of `preferences`
    /// preferences in all, so that a reader that knows its size up front does
    /// not pay for the arena and index growing step by step.
    pub fn reserve(&mut self, rankings: usize, preferences: usize) {
        if let Merge::Inline(m) = &mut self.merge {
            m.ballots.prefs.reserve(preferences);
            m.ballots.ends.reserve(rankings);
            m.ballots.counts.reserve(rankings);
            if !self.distinct {
                m.reserve(rankings);
            }
        }
    }

    /// Papers added so far, blank ones included.
    pub fn papers(&self) -> u64 {
        self.papers + self.blank
    }

    /// Finishes the arena.
    pub fn build(mut self) -> Ballots {
        let chunk = std::mem::take(&mut self.chunk);
        let mut merger = match self.merge {
            Merge::Inline(merger) => *merger,
            Merge::Worker { chunks, merger, .. } => {
                drop(chunks);
                match merger.join() {
                    Ok(m) => m,
                    // Merging is plain indexing into vectors it sized; a
                    // panic there is a bug, and hiding it would lose papers.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
        };
        merger.absorb(&chunk);
        drop(chunk);
        // The index goes before the arena is trimmed: trimming copies, and
        // the index is the largest part of what is held meanwhile.
        let Merger {
            mut ballots, slots, ..
        } = merger;
        drop(slots);
        ballots.candidates = self.candidates;
        ballots.papers = self.papers;
        ballots.equal = std::mem::take(&mut self.equal);
        ballots.blank = PaperCount(self.blank);
        ballots.prefs.shrink_to_fit();
        ballots.ends.shrink_to_fit();
        ballots.counts.shrink_to_fit();
        #[cfg(debug_assertions)]
        if self.distinct {
            let mut seen = std::collections::HashSet::new();
            for b in ballots.iter() {
                assert!(
                    seen.insert(b.ranking),
                    "BallotsBuilder::distinct was pushed a ranking twice"
                );
            }
        }
        ballots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(xs: &[u16]) -> Vec<CandidateId> {
        xs.iter()
            .map(|&x| CandidateId::new(x as usize).unwrap())
            .collect()
    }

    #[test]
    fn identical_rankings_merge_in_order_of_first_appearance() {
        let mut b = BallotsBuilder::new(3);
        b.push(&ids(&[0, 1]), 2).unwrap();
        b.push(&ids(&[2]), 1).unwrap();
        b.push(&ids(&[0, 1]), 3).unwrap();
        b.push(&[], 4).unwrap();
        let ballots = b.build();
        assert_eq!(ballots.len(), 2);
        assert_eq!(ballots.ballot(0).ranking, &ids(&[0, 1])[..]);
        assert_eq!(ballots.ballot(0).count, PaperCount(5));
        assert_eq!(ballots.ballot(1).count, PaperCount(1));
        assert_eq!(ballots.blank(), PaperCount(4));
        assert_eq!(ballots.ranked_papers(), 6);
        assert_eq!(ballots.total_papers(), 10);
        assert_eq!(ballots.first_preferences(), vec![5, 0, 1]);
    }

    #[test]
    fn a_distinct_builder_stores_what_the_merging_one_does() {
        let rankings = [
            ids(&[0, 1]),
            ids(&[2]),
            ids(&[]),
            ids(&[1, 0, 2]),
            ids(&[1]),
        ];
        let mut merging = BallotsBuilder::new(3);
        let mut distinct = BallotsBuilder::distinct(3);
        distinct.reserve(10, 20);
        for (i, r) in rankings.iter().enumerate() {
            merging.push(r, i as u64 + 1).unwrap();
            distinct.push(r, i as u64 + 1).unwrap();
        }
        assert_eq!(
            distinct.push(&ids(&[0, 0]), 1),
            merging.push(&ids(&[0, 0]), 1)
        );
        assert_eq!(distinct.papers(), merging.papers());
        assert_eq!(distinct.build(), merging.build());
    }

    #[test]
    fn a_prefix_is_a_different_ranking() {
        let mut b = BallotsBuilder::new(3);
        b.push(&ids(&[0, 1, 2]), 1).unwrap();
        b.push(&ids(&[0, 1]), 1).unwrap();
        assert_eq!(b.build().len(), 2);
    }

    #[test]
    fn out_of_range_repeated_and_zero_are_refused_and_leave_nothing() {
        let mut b = BallotsBuilder::new(3);
        assert_eq!(
            b.push(&ids(&[0, 3]), 1),
            Err(RankingError::OutOfRange {
                rank: 1,
                candidate: 3,
                candidates: 3
            })
        );
        assert_eq!(
            b.push(&ids(&[1, 0, 1]), 1),
            Err(RankingError::Repeated {
                rank: 2,
                candidate: CandidateId::new(1).unwrap()
            })
        );
        assert_eq!(b.push(&ids(&[1]), 0), Err(RankingError::ZeroCount));
        b.push(&ids(&[0, 1]), 1).unwrap();
        let ballots = b.build();
        assert_eq!(ballots.len(), 1);
        assert_eq!(ballots.ranked_papers(), 1);
    }

    #[test]
    fn paper_totals_cannot_overflow() {
        let mut b = BallotsBuilder::new(1);
        b.push(&ids(&[0]), u64::MAX).unwrap();
        assert_eq!(b.push(&ids(&[0]), 1), Err(RankingError::TooManyPapers));
    }

    #[test]
    fn a_repeat_check_after_many_rankings_still_sees_repeats() {
        let mut b = BallotsBuilder::new(2);
        for _ in 0..1000 {
            b.push(&ids(&[0, 1]), 1).unwrap();
        }
        assert!(b.push(&ids(&[1, 1]), 1).is_err());
    }

    #[test]
    fn large_inputs_merged_on_the_worker_match_a_naive_merge() {
        // Enough rankings for several chunks, with repeats spread across
        // chunks, compared with a plain ordered merge.
        let n = 5 * Chunk::RANKINGS + 123;
        let mut b = BallotsBuilder::new(40);
        let mut naive: Vec<(Vec<CandidateId>, u64)> = Vec::new();
        let mut index: std::collections::HashMap<Vec<CandidateId>, usize> =
            std::collections::HashMap::new();
        let mut x: u64 = 12345;
        for _ in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // About one in three draws repeats an earlier pattern.
            let pattern = (x >> 33) % (2 * n as u64 / 3);
            let len = 1 + (pattern % 5) as usize;
            let ranking: Vec<CandidateId> = (0..len)
                .map(|k| CandidateId::new(((pattern / 7 + k as u64 * 13) % 40) as usize).unwrap())
                .collect();
            let mut dedup = ranking.clone();
            dedup.sort();
            dedup.dedup();
            if dedup.len() != ranking.len() {
                assert!(b.push(&ranking, 1).is_err());
                continue;
            }
            let count = 1 + (x % 3);
            b.push(&ranking, count).unwrap();
            match index.get(&ranking) {
                Some(&i) => naive[i].1 += count,
                None => {
                    index.insert(ranking.clone(), naive.len());
                    naive.push((ranking, count));
                }
            }
        }
        b.push(&[], 7).unwrap();
        let ballots = b.build();
        assert!(matches!(ballots.len(), l if l == naive.len()));
        for (i, (ranking, count)) in naive.iter().enumerate() {
            assert_eq!(ballots.ballot(i).ranking, &ranking[..], "ranking {i}");
            assert_eq!(ballots.ballot(i).count, PaperCount(*count), "count {i}");
        }
        assert_eq!(ballots.blank(), PaperCount(7));
        assert_eq!(
            ballots.ranked_papers(),
            naive.iter().map(|r| r.1).sum::<u64>()
        );
    }
}
