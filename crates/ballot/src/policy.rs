//! How irregular papers become strict rankings: the import policy.
//!
//! Sources record things a strict ranking cannot hold: two candidates at one
//! rank (BLT `a=b`, a CSV overvote), a rank left empty before later ones
//! (BLT `-`, an empty CSV cell), or the same candidate ranked twice. Rule
//! books treat these differently (ERS97 6.9–6.12 voids a paper at an equal
//! ranking; Minneapolis skips an empty rank; New Zealand ends a paper at a
//! gap), so the reader never decides silently: each case is governed by one
//! field of [`ImportPolicy`], whose default is to *refuse* the file with an
//! error naming the paper and the option to set. The policy used is stored
//! in the [`crate::Contest`], with counts of the papers it changed.
//!
//! Readers describe each paper as a list of [`Slot`]s and call
//! [`ImportPolicy::normalize`]; this module owns the semantics, the readers
//! own only the syntax.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::CandidateId;

/// What to do with two or more candidates given the same rank.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EqualRankings {
    /// Refuse the file, naming the paper.
    #[default]
    Reject,
    /// The preference is void for uncertainty: the paper ends just before the
    /// tied rank (ERS97 6.10–6.12). A tie at the first rank leaves a blank paper.
    EndAtTie,
}

/// What to do with an empty rank followed by later preferences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkippedRanks {
    /// Refuse the file, naming the paper.
    #[default]
    Reject,
    /// Close the gap: the later preferences move up (Minneapolis, most CVRs).
    CloseUp,
    /// The paper ends at the gap (preferences must be consecutive).
    EndAtGap,
}

/// What to do with a candidate ranked more than once on one paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RepeatedCandidates {
    /// Refuse the file, naming the paper.
    #[default]
    Reject,
    /// Keep the highest ranking of the candidate and drop the later ones.
    KeepFirst,
}

/// What to do with a rank marked as overvoted without naming candidates
/// (a CVR's `overvote` marker).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overvotes {
    /// Refuse the file, naming the paper.
    #[default]
    Reject,
    /// The paper ends at the overvoted rank (the usual US CVR rule).
    EndAtOvervote,
    /// The overvoted rank is passed over and later preferences count.
    SkipRank,
}

/// The import policy: one decision for each kind of irregular paper.
///
/// The default refuses every irregularity, so that a file is counted only
/// after someone has said how its irregular papers are read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ImportPolicy {
    /// Two or more candidates at one rank.
    pub equal_rankings: EqualRankings,
    /// An empty rank followed by later preferences.
    pub skipped_ranks: SkippedRanks,
    /// A candidate ranked twice.
    pub repeated_candidates: RepeatedCandidates,
    /// A rank marked overvoted.
    pub overvotes: Overvotes,
}

impl ImportPolicy {
    /// A policy that accepts everything, reading papers the way most hand
    /// counts do: void at a tie, close up gaps, keep a repeated candidate's
    /// first ranking, end at an overvote.
    pub fn lenient() -> ImportPolicy {
        ImportPolicy {
            equal_rankings: EqualRankings::EndAtTie,
            skipped_ranks: SkippedRanks::CloseUp,
            repeated_candidates: RepeatedCandidates::KeepFirst,
            overvotes: Overvotes::EndAtOvervote,
        }
    }
}

/// One rank of a paper as a source records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot<'a> {
    /// One candidate.
    One(CandidateId),
    /// Several candidates at the same rank (at least two).
    Equal(&'a [CandidateId]),
    /// Nobody at this rank.
    Skipped,
    /// Marked overvoted, candidates unknown.
    Overvote,
}

/// Which irregularity a paper had.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Irregularity {
    /// Candidates ranked equal.
    EqualRanking,
    /// An empty rank before later preferences.
    SkippedRank,
    /// A candidate ranked twice.
    RepeatedCandidate,
    /// An overvoted rank.
    Overvote,
}

impl Irregularity {
    /// The command-line option that decides this irregularity.
    pub fn option(self) -> &'static str {
        match self {
            Irregularity::EqualRanking => "--equal-rankings end-at-tie",
            Irregularity::SkippedRank => "--skipped-ranks close-up|end-at-gap",
            Irregularity::RepeatedCandidate => "--repeated-candidates keep-first",
            Irregularity::Overvote => "--overvotes end-at-overvote|skip-rank",
        }
    }
}

impl fmt::Display for Irregularity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Irregularity::EqualRanking => "candidates ranked equal",
            Irregularity::SkippedRank => "a skipped rank",
            Irregularity::RepeatedCandidate => "a candidate ranked twice",
            Irregularity::Overvote => "an overvote",
        })
    }
}

/// A paper refused by the policy: which irregularity, at which slot (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refused {
    /// What was irregular.
    pub irregularity: Irregularity,
    /// Index of the offending slot in the paper.
    pub slot: usize,
}

/// How many papers each irregularity changed during import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Irregularities {
    /// Papers with candidates ranked equal.
    pub equal_rankings: u64,
    /// Papers with a skipped rank.
    pub skipped_ranks: u64,
    /// Papers with a candidate ranked twice.
    pub repeated_candidates: u64,
    /// Papers with an overvote.
    pub overvotes: u64,
}

impl Irregularities {
    /// Adds `papers` to the tally of `what`.
    pub fn record(&mut self, what: Irregularity, papers: u64) {
        let n = match what {
            Irregularity::EqualRanking => &mut self.equal_rankings,
            Irregularity::SkippedRank => &mut self.skipped_ranks,
            Irregularity::RepeatedCandidate => &mut self.repeated_candidates,
            Irregularity::Overvote => &mut self.overvotes,
        };
        *n = n.saturating_add(papers);
    }

    /// True when no paper was changed.
    pub fn is_empty(&self) -> bool {
        *self == Irregularities::default()
    }
}

impl ImportPolicy {
    /// Turns a paper's slots into a strict ranking in `out` (cleared first).
    ///
    /// `out` may end empty (a blank paper). On success the irregularities
    /// met are added to `seen` once each, weighted by `papers`. Trailing
    /// skipped slots are not a gap: nothing follows them.
    pub fn normalize(
        &self,
        slots: &[Slot<'_>],
        papers: u64,
        out: &mut Vec<CandidateId>,
        seen: &mut Irregularities,
    ) -> Result<(), Refused> {
        out.clear();
        let last_filled = slots.iter().rposition(|s| !matches!(s, Slot::Skipped));
        let Some(last_filled) = last_filled else {
            return Ok(());
        };
        let mut met = [false; 4];
        let refuse = |irregularity, slot| Err(Refused { irregularity, slot });
        for (i, slot) in slots[..=last_filled].iter().enumerate() {
            match *slot {
                Slot::One(c) => {
                    if out.contains(&c) {
                        match self.repeated_candidates {
                            RepeatedCandidates::Reject => {
                                return refuse(Irregularity::RepeatedCandidate, i);
                            }
                            RepeatedCandidates::KeepFirst => met[2] = true,
                        }
                    } else {
                        out.push(c);
                    }
                }
                Slot::Equal(_) => match self.equal_rankings {
                    EqualRankings::Reject => return refuse(Irregularity::EqualRanking, i),
                    EqualRankings::EndAtTie => {
                        met[0] = true;
                        break;
                    }
                },
                Slot::Skipped => match self.skipped_ranks {
                    SkippedRanks::Reject => return refuse(Irregularity::SkippedRank, i),
                    SkippedRanks::CloseUp => met[1] = true,
                    SkippedRanks::EndAtGap => {
                        met[1] = true;
                        break;
                    }
                },
                Slot::Overvote => match self.overvotes {
                    Overvotes::Reject => return refuse(Irregularity::Overvote, i),
                    Overvotes::EndAtOvervote => {
                        met[3] = true;
                        break;
                    }
                    Overvotes::SkipRank => met[3] = true,
                },
            }
        }
        let kinds = [
            Irregularity::EqualRanking,
            Irregularity::SkippedRank,
            Irregularity::RepeatedCandidate,
            Irregularity::Overvote,
        ];
        for (k, m) in kinds.into_iter().zip(met) {
            if m {
                seen.record(k, papers);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(i: usize) -> CandidateId {
        CandidateId::new(i).unwrap()
    }

    fn run(
        policy: ImportPolicy,
        slots: &[Slot<'_>],
    ) -> Result<(Vec<usize>, Irregularities), Refused> {
        let mut out = Vec::new();
        let mut seen = Irregularities::default();
        policy.normalize(slots, 2, &mut out, &mut seen)?;
        Ok((out.iter().map(|c| c.index()).collect(), seen))
    }

    #[test]
    fn the_default_refuses_each_irregularity_at_its_slot() {
        let p = ImportPolicy::default();
        let tie = [c(1), c(2)];
        let cases: [(&[Slot<'_>], Irregularity, usize); 4] = [
            (
                &[Slot::One(c(0)), Slot::Equal(&tie)],
                Irregularity::EqualRanking,
                1,
            ),
            (
                &[Slot::Skipped, Slot::One(c(0))],
                Irregularity::SkippedRank,
                0,
            ),
            (
                &[Slot::One(c(0)), Slot::One(c(1)), Slot::One(c(0))],
                Irregularity::RepeatedCandidate,
                2,
            ),
            (&[Slot::Overvote], Irregularity::Overvote, 0),
        ];
        for (slots, irregularity, slot) in cases {
            assert_eq!(
                run(p, slots),
                Err(Refused { irregularity, slot }),
                "{slots:?}"
            );
        }
    }

    #[test]
    fn trailing_empty_ranks_are_not_gaps() {
        let (r, seen) = run(
            ImportPolicy::default(),
            &[Slot::One(c(2)), Slot::Skipped, Slot::Skipped],
        )
        .unwrap();
        assert_eq!(r, vec![2]);
        assert!(seen.is_empty());
    }

    #[test]
    fn lenient_reading_voids_at_tie_closes_gaps_keeps_first_and_ends_at_overvote() {
        let p = ImportPolicy::lenient();
        let tie = [c(1), c(2)];
        assert_eq!(
            run(p, &[Slot::One(c(0)), Slot::Equal(&tie), Slot::One(c(3))])
                .unwrap()
                .0,
            vec![0]
        );
        assert_eq!(
            run(p, &[Slot::Equal(&tie), Slot::One(c(3))]).unwrap().0,
            Vec::<usize>::new()
        );
        assert_eq!(
            run(
                p,
                &[
                    Slot::Skipped,
                    Slot::One(c(3)),
                    Slot::Skipped,
                    Slot::One(c(1))
                ]
            )
            .unwrap()
            .0,
            vec![3, 1]
        );
        assert_eq!(
            run(p, &[Slot::One(c(3)), Slot::One(c(3)), Slot::One(c(1))])
                .unwrap()
                .0,
            vec![3, 1]
        );
        let (r, seen) = run(p, &[Slot::One(c(3)), Slot::Overvote, Slot::One(c(1))]).unwrap();
        assert_eq!(r, vec![3]);
        assert_eq!(
            seen,
            Irregularities {
                overvotes: 2,
                ..Default::default()
            }
        );
    }

    #[test]
    fn end_at_gap_and_skip_overvote() {
        let p = ImportPolicy {
            skipped_ranks: SkippedRanks::EndAtGap,
            overvotes: Overvotes::SkipRank,
            ..ImportPolicy::default()
        };
        assert_eq!(
            run(p, &[Slot::One(c(0)), Slot::Skipped, Slot::One(c(1))])
                .unwrap()
                .0,
            vec![0]
        );
        assert_eq!(
            run(p, &[Slot::One(c(0)), Slot::Overvote, Slot::One(c(1))])
                .unwrap()
                .0,
            vec![0, 1]
        );
    }
}
