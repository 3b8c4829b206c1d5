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

use std::fmt;

use std::hash::BuildHasher;

use hashbrown::HashTable;

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
    /// The total number of papers no longer fits in 64 bits.
    TooManyPapers,
    /// More preferences than the arena can address (2³² in all).
    ArenaFull,
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
            RankingError::TooManyPapers => write!(f, "more than 2^64 papers in all"),
            RankingError::ArenaFull => write!(f, "more than 2^32 preferences in all"),
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
            .finish()
    }
}

impl Ballots {
    /// Number of candidates the rankings may name.
    pub fn candidates(&self) -> usize {
        self.candidates
    }

    /// Number of distinct rankings (blank papers not included).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// True when there is no ranking at all (there may still be blank papers).
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Papers that rank nobody. They are not valid votes under any rule.
    pub fn blank(&self) -> PaperCount {
        self.blank
    }

    /// Papers with at least one preference (the sum of the rankings' counts).
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

    /// The distinct rankings in order of first appearance.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Ballot<'_>> + '_ {
        (0..self.len()).map(move |i| self.ballot(i))
    }

    /// First-preference papers for each candidate, indexed by candidate.
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
    }
}

/// Builds a [`Ballots`] arena, checking and merging rankings as they come.
#[derive(Clone)]
pub struct BallotsBuilder {
    ballots: Ballots,
    index: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    seen: Vec<u32>,
    stamp: u32,
}

impl fmt::Debug for BallotsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BallotsBuilder")
            .field("ballots", &self.ballots)
            .finish()
    }
}

impl BallotsBuilder {
    /// A builder for a contest of `candidates` candidates.
    pub fn new(candidates: usize) -> BallotsBuilder {
        BallotsBuilder {
            ballots: Ballots {
                candidates,
                ..Ballots::default()
            },
            index: HashTable::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x0072_6563_6f75_6e74),
            seen: vec![0; candidates],
            stamp: 0,
        }
    }

    /// Adds `count` papers ranking `ranking`; an empty ranking adds blank papers.
    ///
    /// Nothing is added when an error is returned.
    pub fn push(&mut self, ranking: &[CandidateId], count: u64) -> Result<(), RankingError> {
        if count == 0 {
            return Err(RankingError::ZeroCount);
        }
        if ranking.is_empty() {
            self.ballots.blank.0 = self
                .ballots
                .blank
                .0
                .checked_add(count)
                .ok_or(RankingError::TooManyPapers)?;
            return Ok(());
        }
        self.check(ranking)?;
        let papers = self
            .ballots
            .papers
            .checked_add(count)
            .ok_or(RankingError::TooManyPapers)?;
        let hash = self.hasher.hash_one(ranking);
        let Ballots {
            prefs,
            ends,
            counts,
            ..
        } = &mut self.ballots;
        let slice = |i: u32| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            &prefs[start..ends[i] as usize]
        };
        if let Some(&i) = self.index.find(hash, |&i| slice(i) == ranking) {
            counts[i as usize].0 += count;
        } else {
            let end =
                u32::try_from(prefs.len() + ranking.len()).map_err(|_| RankingError::ArenaFull)?;
            let i = u32::try_from(counts.len()).map_err(|_| RankingError::ArenaFull)?;
            prefs.extend_from_slice(ranking);
            ends.push(end);
            counts.push(PaperCount(count));
            let hasher = &self.hasher;
            let (prefs, ends) = (&*prefs, &*ends);
            self.index.insert_unique(hash, i, |&j| {
                let j = j as usize;
                let start = if j == 0 { 0 } else { ends[j - 1] as usize };
                hasher.hash_one(&prefs[start..ends[j] as usize])
            });
        }
        self.ballots.papers = papers;
        Ok(())
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
                    candidates: self.ballots.candidates,
                });
            };
            if *seen == self.stamp {
                return Err(RankingError::Repeated { rank, candidate: c });
            }
            *seen = self.stamp;
        }
        Ok(())
    }

    /// Number of distinct rankings so far.
    pub fn len(&self) -> usize {
        self.ballots.len()
    }

    /// True when no ranking has been added yet.
    pub fn is_empty(&self) -> bool {
        self.ballots.is_empty()
    }

    /// Finishes the arena.
    pub fn build(mut self) -> Ballots {
        self.ballots.prefs.shrink_to_fit();
        self.ballots.ends.shrink_to_fit();
        self.ballots.counts.shrink_to_fit();
        self.ballots
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
}
