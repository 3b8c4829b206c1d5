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
//! Only [`EqualRankings::Keep`] leaves a paper that is not strict: its tied
//! candidates stay one rank ([`crate::Ranked`]).
//!
//! Readers describe each paper as a sequence of [`Slot`]s, handed one at a
//! time to a [`Normalizer`] (or as a slice to [`ImportPolicy::normalize`]);
//! this module owns the semantics, the readers own only the syntax.

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
    /// RCTab's `exhaustIfMultipleContinuing` overvote rule, as far as import
    /// can apply it: when the paper reaches the tied rank, every candidate
    /// ranked above is no longer continuing, so those are struck from the
    /// tie. One left: a plain preference for it (RCTab gives the vote to the
    /// one continuing candidate, and passes over the rank when it is not
    /// continuing, as a count does with any preference). None left: the rank
    /// is passed over (still a marked rank for [`ImportPolicy::max_skipped_ranks`]).
    /// Two or more left: whether the paper exhausts depends on which of them
    /// are continuing when it gets there, which only the count knows, so the
    /// rank is kept as a rank of those candidates ([`crate::Ranked`]), for
    /// a Gregory count with `tied_ranks: exhaust-if-several-continuing` to
    /// decide (others refuse the contest, naming the option).
    EndIfSeveralContinuing,
    /// The tied candidates stay ranked equal, as one rank of the paper
    /// (Droop, stv-rs, OpenSTV's `a=b`): for counts that split such a
    /// paper between them (Meek and Warren with `equal-preferences`,
    /// `specs/rules/meek.md`); every other count refuses the contest. A
    /// tied candidate already ranked higher is a repeated candidate, for
    /// [`ImportPolicy::repeated_candidates`]; a tie left with one candidate
    /// is a plain preference.
    Keep,
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
    /// The paper ends at the candidate's second ranking (RCTab
    /// `exhaustOnDuplicateCandidate`): when a count reaches it the first was
    /// passed over, so the paper exhausts there.
    EndAtRepeat,
}

/// What to do with a rank marked as overvoted: a CVR's `overvote` marker
/// (naming no candidates), or a CVR rank marked for two or more candidates
/// (naming them).
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
    /// RCTab's `exhaustIfMultipleContinuing`, for overvotes that name their
    /// candidates: read as [`EqualRankings::EndIfSeveralContinuing`] reads
    /// a tie (the candidates ranked above struck; one left a preference,
    /// none passed over, several kept as a rank for the count to decide).
    /// An `overvote` marker naming nobody is refused, naming the paper.
    EndIfSeveralContinuing,
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
    /// With [`SkippedRanks::CloseUp`]: the most consecutive empty ranks a
    /// gap may have and still be closed up; a longer gap ends the paper
    /// (RCTab `maxSkippedRanksAllowed`: a paper exhausts at a marked rank
    /// more than N + 1 ranks after the last marked one, or after rank 0 at
    /// its start). None: no limit. Trailing empty ranks are never a gap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_skipped_ranks: Option<u32>,
    /// Only a paper's first N ranks are read; its later ones are passed
    /// over as if not marked (RCTab `maxRankingsAllowed`). None: all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ranks: Option<u32>,
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
            max_skipped_ranks: None,
            max_ranks: None,
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
    /// Marked overvoted: the candidates marked there when the source names
    /// them (two or more), none for an `overvote` marker.
    Overvote(&'a [CandidateId]),
}

/// Which irregularity a paper had.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Irregularity {
    /// Candidates ranked equal.
    EqualRanking,
    /// An overvote marker naming no candidates, under
    /// [`Overvotes::EndIfSeveralContinuing`], which needs to know them.
    UnnamedOvervote,
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
            Irregularity::UnnamedOvervote => "--overvotes end-at-overvote|skip-rank",
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
            Irregularity::UnnamedOvervote => "an overvote that does not name its candidates",
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
            Irregularity::Overvote | Irregularity::UnnamedOvervote => &mut self.overvotes,
        };
        *n = n.saturating_add(papers);
    }

    /// True when no paper was changed.
    pub fn is_empty(&self) -> bool {
        *self == Irregularities::default()
    }
}

impl ImportPolicy {
    /// Turns a paper's slots into a ranking in `out` (cleared first), with
    /// where each rank starts in `starts` (cleared first; left empty when
    /// every rank holds one candidate, as it always does unless
    /// [`EqualRankings::Keep`]).
    ///
    /// `out` may end empty (a blank paper). On success the irregularities
    /// met are added to `seen` once each, weighted by `papers`. Trailing
    /// skipped slots are not a gap: nothing follows them.
    ///
    /// This is [`Normalizer`] over a whole slice; readers that meet a
    /// paper's slots one at a time use a `Normalizer` directly and keep no
    /// slice at all.
    pub fn normalize(
        &self,
        slots: &[Slot<'_>],
        papers: u64,
        out: &mut Vec<CandidateId>,
        starts: &mut Vec<u32>,
        seen: &mut Irregularities,
    ) -> Result<(), Refused> {
        let mut n = Normalizer::new(*self);
        n.start();
        for (i, &slot) in slots.iter().enumerate() {
            n.push(slot, i);
        }
        out.clear();
        starts.clear();
        match n.finish(papers, seen) {
            Ok(ranked) => {
                out.extend_from_slice(ranked.candidates);
                starts.extend_from_slice(ranked.rank_starts);
                Ok(())
            }
            Err((refused, _)) => Err(refused),
        }
    }
}

/// The import policy applied to a paper one slot at a time.
///
/// A reader calls [`start`](Self::start) for each paper, [`push`](Self::push)
/// for each of its slots in order, and [`finish`](Self::finish) at its end.
/// It holds no slot: what it keeps is the strict ranking so far (at most
/// one entry a candidate) and one stamp a candidate, so that reading a paper
/// costs memory bounded by the number of candidates, however long the
/// source's line, and time linear in its slots. Once the paper is ended
/// (at a tie, a gap or an overvote) or refused, later slots are only
/// counted, so the reader can go on checking its syntax.
///
/// `P` is what the reader uses to point at a slot (a byte offset, a byte
/// range, a column): a refusal gives back the one pushed with the slot it
/// refuses.
///
/// ```
/// use ballot::policy::{Normalizer, Slot};
/// use ballot::{CandidateId, ImportPolicy, Irregularities};
///
/// let c = |i| CandidateId::new(i).unwrap();
/// let mut n = Normalizer::new(ImportPolicy::default());
/// let mut seen = Irregularities::default();
/// n.start();
/// n.push(Slot::One(c(2)), 4);
/// n.push(Slot::Skipped, 6);
/// n.push(Slot::Skipped, 8);
/// // Trailing skipped ranks are not a gap.
/// assert_eq!(n.finish(1, &mut seen).unwrap().candidates, [c(2)]);
///
/// n.start();
/// n.push(Slot::Skipped, 4);
/// n.push(Slot::One(c(1)), 6);
/// // A gap: refused at the first skipped slot, with what was pushed with it.
/// let (refused, at) = n.finish(1, &mut seen).unwrap_err();
/// assert_eq!((refused.slot, at), (0, 4));
/// ```
#[derive(Clone, Debug)]
pub struct Normalizer<P = usize> {
    policy: ImportPolicy,
    out: Vec<CandidateId>,
    /// Where each rank of `out` starts, once a rank holds two or more
    /// candidates (empty before: every rank one candidate).
    starts: Vec<u32>,
    /// `stamps[c] == stamp` when candidate `c` is in `out`.
    stamps: Vec<u32>,
    stamp: u32,
    met: [bool; 4],
    /// Slots pushed for this paper.
    slot: usize,
    /// The first of the skipped slots seen since the last filled one.
    gap: Option<(usize, P)>,
    state: State<P>,
}

#[derive(Clone, Copy, Debug)]
enum State<P> {
    Open,
    Ended,
    Refused(Refused, P),
}

impl<P: Copy> Normalizer<P> {
    /// A normalizer applying `policy`.
    pub fn new(policy: ImportPolicy) -> Normalizer<P> {
        Normalizer {
            policy,
            out: Vec::new(),
            starts: Vec::new(),
            stamps: Vec::new(),
            stamp: 0,
            met: [false; 4],
            slot: 0,
            gap: None,
            state: State::Open,
        }
    }

    /// Starts a new paper, forgetting the last one.
    pub fn start(&mut self) {
        self.out.clear();
        self.starts.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.stamp = 1;
        }
        self.met = [false; 4];
        self.slot = 0;
        self.gap = None;
        self.state = State::Open;
    }

    /// True once the paper's ranking is settled (ended or refused): later
    /// slots change nothing.
    pub fn is_settled(&self) -> bool {
        !matches!(self.state, State::Open)
    }

    /// Takes the paper's next slot; `at` says where it is.
    pub fn push(&mut self, slot: Slot<'_>, at: P) {
        let i = self.slot;
        self.slot += 1;
        if self.is_settled() || self.policy.max_ranks.is_some_and(|m| i >= m as usize) {
            return;
        }
        if let Slot::Skipped = slot {
            if self.gap.is_none() {
                self.gap = Some((i, at));
            }
            return;
        }
        if let Some((g, g_at)) = self.gap.take() {
            let skipped = i - g;
            match self.policy.skipped_ranks {
                SkippedRanks::Reject => return self.refuse(Irregularity::SkippedRank, g, g_at),
                SkippedRanks::CloseUp
                    if self
                        .policy
                        .max_skipped_ranks
                        .is_some_and(|max| skipped > max as usize) =>
                {
                    self.met[1] = true;
                    self.state = State::Ended;
                    return;
                }
                SkippedRanks::CloseUp => self.met[1] = true,
                SkippedRanks::EndAtGap => {
                    self.met[1] = true;
                    self.state = State::Ended;
                    return;
                }
            }
        }
        match slot {
            Slot::One(c) => {
                if self.on_paper(c) {
                    self.repeated(i, at);
                } else {
                    self.add(c);
                }
            }
            Slot::Equal(tied) => match self.policy.equal_rankings {
                EqualRankings::Reject => self.refuse(Irregularity::EqualRanking, i, at),
                EqualRankings::EndAtTie => {
                    self.met[0] = true;
                    self.state = State::Ended;
                }
                EqualRankings::EndIfSeveralContinuing => {
                    self.met[0] = true;
                    self.keep_continuing(tied);
                }
                EqualRankings::Keep => self.keep_tied(tied, i, at),
            },
            Slot::Overvote(marked) => match self.policy.overvotes {
                Overvotes::Reject => self.refuse(Irregularity::Overvote, i, at),
                Overvotes::EndAtOvervote => {
                    self.met[3] = true;
                    self.state = State::Ended;
                }
                Overvotes::SkipRank => self.met[3] = true,
                Overvotes::EndIfSeveralContinuing if marked.is_empty() => {
                    self.refuse(Irregularity::UnnamedOvervote, i, at)
                }
                Overvotes::EndIfSeveralContinuing => {
                    self.met[3] = true;
                    self.keep_continuing(marked);
                }
            },
            Slot::Skipped => unreachable!("handled above"),
        }
    }

    /// RCTab's `exhaustIfMultipleContinuing` as far as reading knows: the
    /// candidates at the rank not already on the paper (those above are
    /// no longer continuing when the paper gets here); one is a plain
    /// preference, none passes the rank over, several stay one rank for
    /// the count to decide.
    fn keep_continuing(&mut self, marked: &[CandidateId]) {
        let mut left: Vec<CandidateId> = Vec::with_capacity(marked.len());
        for &c in marked {
            if !self.on_paper(c) && !left.contains(&c) {
                left.push(c);
            }
        }
        match left.len() {
            0 => {}
            1 => self.add(left[0]),
            _ => self.add_rank(&left),
        }
    }

    /// Adds `rank` (two or more candidates, none yet on the paper) as one
    /// rank.
    fn add_rank(&mut self, rank: &[CandidateId]) {
        if self.starts.is_empty() {
            // Every rank so far held one candidate.
            self.starts.extend(0..self.out.len() as u32);
        }
        self.starts.push(self.out.len() as u32);
        for &c in rank {
            self.add_to_rank(c);
        }
    }

    /// [`EqualRankings::Keep`]: the tied candidates not yet on the paper
    /// become one rank; one already on it is a repeat, for the policy.
    fn keep_tied(&mut self, tied: &[CandidateId], i: usize, at: P) {
        let mut fresh: Vec<CandidateId> = Vec::with_capacity(tied.len());
        for &c in tied {
            if self.on_paper(c) || fresh.contains(&c) {
                if !self.repeated(i, at) {
                    return;
                }
            } else {
                fresh.push(c);
            }
        }
        match fresh.len() {
            0 => {}
            1 => self.add(fresh[0]),
            _ => {
                self.met[0] = true;
                self.add_rank(&fresh);
            }
        }
    }

    /// A candidate already on the paper, met again at slot `i`: what the
    /// policy decides; true when the paper goes on.
    fn repeated(&mut self, i: usize, at: P) -> bool {
        match self.policy.repeated_candidates {
            RepeatedCandidates::Reject => {
                self.refuse(Irregularity::RepeatedCandidate, i, at);
                false
            }
            RepeatedCandidates::KeepFirst => {
                self.met[2] = true;
                true
            }
            RepeatedCandidates::EndAtRepeat => {
                self.met[2] = true;
                self.state = State::Ended;
                false
            }
        }
    }

    /// True when `c` is already in this paper's ranking.
    fn on_paper(&self, c: CandidateId) -> bool {
        self.stamps.get(c.index()) == Some(&self.stamp)
    }

    /// Adds `c` (not yet on the paper) to the ranking, as a rank of its own.
    fn add(&mut self, c: CandidateId) {
        if !self.starts.is_empty() {
            self.starts.push(self.out.len() as u32);
        }
        self.add_to_rank(c);
    }

    /// Adds `c` (not yet on the paper) to the ranking's last rank.
    fn add_to_rank(&mut self, c: CandidateId) {
        let k = c.index();
        if k >= self.stamps.len() {
            self.stamps.resize(k + 1, 0);
        }
        self.stamps[k] = self.stamp;
        self.out.push(c);
    }

    fn refuse(&mut self, irregularity: Irregularity, slot: usize, at: P) {
        self.state = State::Refused(Refused { irregularity, slot }, at);
    }

    /// Ends the paper: its ranking (possibly empty, a blank paper; strict
    /// unless [`EqualRankings::Keep`] kept a tie), with the irregularities
    /// met added to `seen` weighted by `papers`; or the refusal of its
    /// first refused slot, with that slot's `at`.
    pub fn finish(
        &mut self,
        papers: u64,
        seen: &mut Irregularities,
    ) -> Result<crate::store::Ranked<'_>, (Refused, P)> {
        if let State::Refused(refused, at) = self.state {
            return Err((refused, at));
        }
        let kinds = [
            Irregularity::EqualRanking,
            Irregularity::SkippedRank,
            Irregularity::RepeatedCandidate,
            Irregularity::Overvote,
        ];
        for (k, m) in kinds.into_iter().zip(self.met) {
            if m {
                seen.record(k, papers);
            }
        }
        Ok(crate::store::Ranked {
            candidates: &self.out,
            rank_starts: &self.starts,
        })
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
        let mut starts = Vec::new();
        let mut seen = Irregularities::default();
        policy.normalize(slots, 2, &mut out, &mut starts, &mut seen)?;
        assert!(starts.is_empty(), "only keep leaves ranks of several");
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
            (&[Slot::Overvote(&[])], Irregularity::Overvote, 0),
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
        let (r, seen) = run(p, &[Slot::One(c(3)), Slot::Overvote(&[]), Slot::One(c(1))]).unwrap();
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
            run(p, &[Slot::One(c(0)), Slot::Overvote(&[]), Slot::One(c(1))])
                .unwrap()
                .0,
            vec![0, 1]
        );
    }

    /// RCTab's `maxSkippedRanksAllowed` (Tabulator: a paper exhausts at a
    /// marked rank `r` when `r - lastRank > max + 1`, `lastRank` the last
    /// marked rank, 0 at the start; ranks left empty are not marked, an
    /// overvote is): a gap of at most N empty ranks closes up, a longer one
    /// ends the paper, and trailing empty ranks never matter.
    #[test]
    fn max_skipped_ranks_is_rctabs_consecutive_gap_limit() {
        let at_most = |n| ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            max_skipped_ranks: Some(n),
            ..ImportPolicy::default()
        };
        let (a, b) = (Slot::One(c(0)), Slot::One(c(1)));
        let s = Slot::Skipped;
        let cases: &[(u32, &[Slot<'_>], &[usize])] = &[
            // rank 1 then rank 3: 3 - 1 = 2 > 0 + 1, exhausted at rank 3.
            (0, &[a, s, b], &[0]),
            // first mark at rank 2: 2 - 0 > 1.
            (0, &[s, a, b], &[]),
            (0, &[a, b, s, s, s], &[0, 1]),
            // 3 - 1 = 2, not above 1 + 1: closed up.
            (1, &[a, s, b], &[0, 1]),
            (1, &[a, s, s, b], &[0]),
            (1, &[s, a], &[0]),
            (2, &[a, s, s, b], &[0, 1]),
            (2, &[s, s, a, s, s, s, b], &[0]),
            (2, &[a, s, s, s], &[0]),
            // An overvote is a marked rank: the gap count starts again after it.
            (1, &[a, s, Slot::Overvote(&[]), s, b], &[0, 1]),
        ];
        for (n, slots, want) in cases {
            let p = ImportPolicy {
                overvotes: Overvotes::SkipRank,
                ..at_most(*n)
            };
            assert_eq!(run(p, slots).unwrap().0, *want, "max {n}: {slots:?}");
        }
        // Unlimited is plain close-up.
        assert_eq!(
            run(ImportPolicy::lenient(), &[a, s, s, s, s, b]).unwrap().0,
            vec![0, 1]
        );
        // A gap that ends the paper is counted as a skipped-rank paper.
        let (_, seen) = run(at_most(0), &[a, s, b]).unwrap();
        assert_eq!(seen.skipped_ranks, 2);
    }

    /// RCTab's `exhaustOnDuplicateCandidate`: the paper exhausts at the
    /// rank where a candidate appears a second time (the first ranking was
    /// passed over, or the paper would have stayed with it).
    #[test]
    fn end_at_repeat_is_rctabs_exhaust_on_duplicate_candidate() {
        let p = ImportPolicy {
            repeated_candidates: RepeatedCandidates::EndAtRepeat,
            ..ImportPolicy::default()
        };
        let (a, b, d) = (Slot::One(c(0)), Slot::One(c(1)), Slot::One(c(2)));
        assert_eq!(run(p, &[a, b, a, d]).unwrap().0, vec![0, 1]);
        assert_eq!(run(p, &[a, a, b]).unwrap().0, vec![0]);
        assert_eq!(run(p, &[a, b, d]).unwrap().0, vec![0, 1, 2]);
        let (_, seen) = run(p, &[a, a]).unwrap();
        assert_eq!(seen.repeated_candidates, 2);
        // keep-first goes on past the repeat instead.
        let keep = ImportPolicy {
            repeated_candidates: RepeatedCandidates::KeepFirst,
            ..p
        };
        assert_eq!(run(keep, &[a, b, a, d]).unwrap().0, vec![0, 1, 2]);
    }

    /// RCTab's `exhaustIfMultipleContinuing` (Tabulator: at an overvoted
    /// rank, the continuing candidates among those marked: none, go on to
    /// the next rank; one, the vote is theirs; two or more, exhaust). At
    /// import, only the candidates ranked above are known not to be
    /// continuing when the paper gets there.
    #[test]
    fn end_if_several_continuing_applies_what_import_can_know() {
        let p = ImportPolicy {
            equal_rankings: EqualRankings::EndIfSeveralContinuing,
            ..ImportPolicy::default()
        };
        let (a, b, d) = (Slot::One(c(0)), Slot::One(c(1)), Slot::One(c(2)));
        let ab = [c(0), c(1)];
        let abd = [c(0), c(1), c(2)];
        // B above the tie: only A can be continuing there, the vote is A's.
        assert_eq!(run(p, &[b, Slot::Equal(&ab), d]).unwrap().0, vec![1, 0, 2]);
        // A and B both above: the rank is passed over.
        assert_eq!(
            run(p, &[a, b, Slot::Equal(&ab), d]).unwrap().0,
            vec![0, 1, 2]
        );
        // A marked rank all the same: the gap limit counts from it.
        let limited = ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            max_skipped_ranks: Some(0),
            ..p
        };
        assert_eq!(
            run(limited, &[a, b, Slot::Equal(&ab), d]).unwrap().0,
            vec![0, 1, 2]
        );
        // Two could still be continuing: only the count can decide, so the
        // rank is kept, less the candidate above.
        assert_eq!(
            kept(p, &[a, Slot::Equal(&abd)]).unwrap().0,
            vec![vec![0], vec![1, 2]]
        );
        assert_eq!(kept(p, &[Slot::Equal(&ab)]).unwrap().0, vec![vec![0, 1]]);
        // The overvote rule reads a CVR's marked overvote the same way, and
        // refuses a marker that names nobody.
        let o = ImportPolicy {
            overvotes: Overvotes::EndIfSeveralContinuing,
            ..ImportPolicy::default()
        };
        let (ranks, seen) = kept(o, &[b, Slot::Overvote(&abd)]).unwrap();
        assert_eq!(ranks, vec![vec![1], vec![0, 2]]);
        assert_eq!((seen.overvotes, seen.equal_rankings), (1, 0));
        assert_eq!(
            kept(o, &[b, Slot::Overvote(&ab)]).unwrap().0,
            vec![vec![1], vec![0]]
        );
        assert_eq!(
            kept(o, &[a, Slot::Overvote(&[])]),
            Err(Refused {
                irregularity: Irregularity::UnnamedOvervote,
                slot: 1
            })
        );
    }

    /// `keep`: the ranks as sets, or the refusal.
    fn kept(
        policy: ImportPolicy,
        slots: &[Slot<'_>],
    ) -> Result<(Vec<Vec<usize>>, Irregularities), Refused> {
        let mut out = Vec::new();
        let mut starts = Vec::new();
        let mut seen = Irregularities::default();
        policy.normalize(slots, 1, &mut out, &mut starts, &mut seen)?;
        let ranks = if starts.is_empty() {
            out.iter().map(|c| vec![c.index()]).collect()
        } else {
            (0..starts.len())
                .map(|k| {
                    let end = starts.get(k + 1).map_or(out.len(), |&e| e as usize);
                    out[starts[k] as usize..end]
                        .iter()
                        .map(|c| c.index())
                        .collect()
                })
                .collect()
        };
        Ok((ranks, seen))
    }

    #[test]
    fn keep_leaves_a_tie_one_rank_and_a_tie_of_one_a_plain_preference() {
        let p = ImportPolicy {
            equal_rankings: EqualRankings::Keep,
            ..ImportPolicy::default()
        };
        let bc = [c(1), c(2)];
        let (ranks, seen) = kept(p, &[Slot::One(c(0)), Slot::Equal(&bc), Slot::One(c(3))]).unwrap();
        assert_eq!(ranks, vec![vec![0], vec![1, 2], vec![3]]);
        assert_eq!(seen.equal_rankings, 1);
        // A tied candidate ranked above is a repeat, for its own option.
        let ab = [c(0), c(1)];
        assert_eq!(
            kept(p, &[Slot::One(c(0)), Slot::Equal(&ab)]),
            Err(Refused {
                irregularity: Irregularity::RepeatedCandidate,
                slot: 1
            })
        );
        let keep_first = ImportPolicy {
            repeated_candidates: RepeatedCandidates::KeepFirst,
            ..p
        };
        let (ranks, seen) = kept(keep_first, &[Slot::One(c(0)), Slot::Equal(&ab)]).unwrap();
        assert_eq!(ranks, vec![vec![0], vec![1]]);
        assert_eq!((seen.equal_rankings, seen.repeated_candidates), (0, 1));
        let end = ImportPolicy {
            repeated_candidates: RepeatedCandidates::EndAtRepeat,
            ..p
        };
        let abc = [c(0), c(1), c(2)];
        let (ranks, _) = kept(end, &[Slot::One(c(3)), Slot::One(c(0)), Slot::Equal(&abc)]).unwrap();
        assert_eq!(ranks, vec![vec![3], vec![0]]);
        // A tie at the first rank, then a skipped rank closed up.
        let close = ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            ..p
        };
        let (ranks, _) = kept(close, &[Slot::Equal(&bc), Slot::Skipped, Slot::One(c(0))]).unwrap();
        assert_eq!(ranks, vec![vec![1, 2], vec![0]]);
    }

    /// RCTab `maxRankingsAllowed`: ranks past N are not read at all, so
    /// an irregularity there changes nothing.
    #[test]
    fn max_ranks_reads_only_a_papers_first_ranks() {
        let p = ImportPolicy {
            max_ranks: Some(2),
            ..ImportPolicy::default()
        };
        let (a, b, d) = (Slot::One(c(0)), Slot::One(c(1)), Slot::One(c(2)));
        assert_eq!(run(p, &[a, b, d]).unwrap().0, vec![0, 1]);
        // An overvote and a repeat past rank 2 are never met.
        let (r, seen) = run(p, &[a, b, Slot::Overvote(&[]), a]).unwrap();
        assert_eq!((r, seen.is_empty()), (vec![0, 1], true));
        // The rank after a gap at rank 2 is past the limit: nothing follows it.
        assert_eq!(run(p, &[a, Slot::Skipped, b]).unwrap().0, vec![0]);
        // A gap within the first two ranks is still one.
        assert!(run(p, &[Slot::Skipped, a]).is_err());
    }
}
