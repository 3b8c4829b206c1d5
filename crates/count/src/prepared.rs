//! Cheap repeated counts: a contest prepared once ([`Prepared`]) and counted
//! under many rules, outcome only when the record is not needed, with new
//! paper counts over the same distinct rankings, on a chosen number of
//! threads. What comparisons, fuzzing, margins and tie sensitivity run
//! thousands of times.
//!
//! Every result is exactly the one [`count`](crate::count) gives: a
//! prepared contest only keeps the strategies' layout of its papers (the
//! Gregory arena, the iterative prefix tree) between counts; an outcome-only count makes every
//! decision a full count makes, and only leaves out the figures.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use ballot::{CandidateId, Contest};

use crate::error::CountError;
use crate::gregory::{self, Layout};
use crate::prefix_tree::Tree;
use crate::progress::Observer;
use crate::record::{Counted, DEFAULT_THREADS, Run};
use crate::rules::{ConstraintMethod, EqualPreferences, Method, Passes, Rules, TiedRanks};
use crate::ties::Forcing;
use crate::transcript::{ContestCount, TieDecision};

/// What a count decides, without its record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The elected, in the order the transcript lists them (for the
    /// reserved-places method, its counts' in turn).
    pub elected: Vec<CandidateId>,
    /// Every tie decision, in order (lots included, with their draws).
    pub ties: Vec<TieDecision>,
}

/// A contest prepared for many counts.
///
/// ```
/// use ballot::{Format, ReadOptions};
/// use count::{Prepared, Rules};
///
/// let blt = b"3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
/// let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).expect("a BLT file");
/// let prepared = Prepared::new(&e.contests()[0]);
/// let outcome = prepared.outcome(&Rules::preset("wigm").unwrap()).unwrap();
/// assert_eq!(outcome.elected[0].number(), 1);
/// // With 1, 3 and 2 papers A goes first and B wins.
/// let changed = prepared.with_counts(&[1, 3, 2]).unwrap();
/// let outcome = changed.outcome(&Rules::preset("wigm").unwrap()).unwrap();
/// assert_eq!(outcome.elected[0].number(), 2);
/// ```
#[derive(Debug)]
pub struct Prepared<'c> {
    contest: Cow<'c, Contest>,
    gregory: OnceLock<Layout>,
    tree: OnceLock<Tree>,
    threads: usize,
    observer: Observer<'c>,
}

impl<'c> Prepared<'c> {
    /// `contest`, to be counted; nothing is laid out until the first count.
    pub fn new(contest: &'c Contest) -> Prepared<'c> {
        Prepared {
            contest: Cow::Borrowed(contest),
            gregory: OnceLock::new(),
            tree: OnceLock::new(),
            threads: DEFAULT_THREADS,
            observer: Observer::default(),
        }
    }

    /// Route large transfers on at most `threads` threads (1: never in
    /// parallel; default 2). An outer search that runs counts on every core
    /// should ask for 1. The result does not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Counts tell `observer` after each stage (`count_observed`).
    pub(crate) fn observer(mut self, observer: Observer<'c>) -> Self {
        self.observer = observer;
        self
    }

    /// The contest.
    pub fn contest(&self) -> &Contest {
        &self.contest
    }

    /// The same contest with new paper counts for its distinct rankings
    /// (`counts[i]` for `contest().ballots().ballot(i)`; 0 leaves a
    /// ranking out), keeping the layout already built.
    pub fn with_counts(&self, counts: &[u64]) -> Result<Prepared<'static>, CountError> {
        let contest = self
            .contest
            .with_counts(counts)
            .map_err(|e| CountError::Contest {
                contest: self.contest.id().to_owned(),
                message: e.to_string(),
            })?;
        let gregory = OnceLock::new();
        if let Some(layout) = self.gregory.get() {
            let _ = gregory.set(layout.reweighted(&self.contest, counts));
        }
        // The prefix tree sums papers along shared prefixes: built again.
        Ok(Prepared {
            contest: Cow::Owned(contest),
            gregory,
            tree: OnceLock::new(),
            threads: self.threads,
            observer: Observer::default(),
        })
    }

    /// The full count: the contest's records as [`count`](crate::count)
    /// writes them (one, or one per count of the reserved-places method).
    pub fn count(&self, rules: &Rules) -> Result<Vec<ContestCount>, CountError> {
        self.run(rules, false, true)
    }

    /// [`Prepared::count`] once: the layout is built for this count and
    /// given to it, not kept (what [`count`](crate::count) does).
    pub(crate) fn count_once(self, rules: &Rules) -> Result<Vec<ContestCount>, CountError> {
        self.run(rules, false, false)
    }

    /// The elected and the tie decisions, with no figure written.
    pub fn outcome(&self, rules: &Rules) -> Result<Outcome, CountError> {
        let records = self.run(rules, true, true)?;
        let mut elected = Vec::new();
        let mut ties = Vec::new();
        for record in records {
            for name in &record.elected {
                // The transcript's names are unique within the contest.
                if let Some(i) = record.candidates.iter().position(|n| n == name) {
                    elected.extend(CandidateId::new(i));
                }
            }
            for stage in record.stages {
                ties.extend(stage.ties);
            }
        }
        Ok(Outcome { elected, ties })
    }

    /// `keep`: the layout is kept for later counts (else built, or taken,
    /// for this one).
    fn run(
        &self,
        rules: &Rules,
        outcome_only: bool,
        keep: bool,
    ) -> Result<Vec<ContestCount>, CountError> {
        let counted = self.counted(rules, outcome_only, keep, None)?;
        Ok(counted.into_iter().map(|c| c.record).collect())
    }

    /// The contest's counts with the draws of their lots; `forced` gives
    /// one count (its index among the contest's counts) some draws'
    /// results or a decision's choice.
    pub(crate) fn counted(
        &self,
        rules: &Rules,
        outcome_only: bool,
        keep: bool,
        forced: Option<(usize, &Forcing)>,
    ) -> Result<Vec<Counted>, CountError> {
        rules.validate().map_err(CountError::Rules)?;
        let contest = self.contest.as_ref();
        let run = |index: usize| Run {
            threads: self.threads,
            outcome_only,
            forced: forced
                .and_then(|(i, f)| (i == index).then(|| f.clone()))
                .unwrap_or_default(),
        };
        // A contest counted as several counts of other contests (the winners
        // withdrawn, or the ineligible): each laid out afresh, nothing to reuse.
        type Parts<'a> = fn(
            &Contest,
            &dyn Fn(&Contest) -> Result<ContestCount, CountError>,
        ) -> Result<Vec<ContestCount>, CountError>;
        let parts: Option<Parts> = if rules.passes == Passes::OnePerSeat && contest.seats() > 1 {
            Some(|c, one| crate::sequential::passes(c, one))
        } else if rules.constraint_method == ConstraintMethod::ReservedPlaces
            && !contest.constraints().is_empty()
        {
            Some(|c, one| crate::reserved::reserved_places(c, one))
        } else {
            None
        };
        if let Some(parts) = parts {
            let drawn = RefCell::new(Vec::new());
            let one = |sub: &Contest| {
                let index = drawn.borrow().len();
                let sub = Prepared::new(sub)
                    .threads(self.threads)
                    .observer(self.observer);
                let counted = sub.count_one(rules, run(index), false)?;
                drawn.borrow_mut().push(counted.drawn);
                Ok(counted.record)
            };
            let records = parts(contest, &one)?;
            return Ok(records
                .into_iter()
                .zip(drawn.into_inner())
                .map(|(record, drawn)| Counted { record, drawn })
                .collect());
        }
        Ok(vec![self.count_one(rules, run(0), keep)?])
    }

    /// One count of the contest by its family's strategy.
    fn count_one(&self, rules: &Rules, run: Run, keep: bool) -> Result<Counted, CountError> {
        let contest = self.contest.as_ref();
        if let Some(reason) = cannot_count_equal_rankings(contest, rules) {
            return Err(CountError::EqualPreferences {
                contest: contest.id().to_owned(),
                papers: contest.ballots().equal_ranked_papers(),
                reason,
            });
        }
        match &rules.method {
            Method::Gregory(g) => {
                let layout = if keep {
                    Cow::Borrowed(self.gregory.get_or_init(|| Layout::new(contest)))
                } else {
                    Cow::Owned(Layout::new(contest))
                };
                gregory::count_contest(contest, layout, rules, g, run, self.observer)
            }
            Method::Iterative(it) => {
                // The count splices its tree as candidates fall: a count to
                // be repeated takes a copy of the one kept.
                let tree = if keep {
                    self.tree.get_or_init(|| Tree::new(contest)).clone()
                } else {
                    Tree::new(contest)
                };
                crate::meek::count_contest(contest, tree, rules, it, run, self.observer)
            }
        }
    }
}

/// Why `rules` cannot count `contest`'s papers that rank candidates
/// equal, if it has any: only the options that read such a rank can.
fn cannot_count_equal_rankings(contest: &Contest, rules: &Rules) -> Option<&'static str> {
    if !contest.ballots().has_equal_rankings() {
        return None;
    }
    match &rules.method {
        Method::Gregory(g) if g.tied_ranks == TiedRanks::Refuse => Some(
            "a Gregory count moves whole papers and cannot split one; a paper at such \
             a rank goes on or is exhausted under RCTab's rule with --set \
             method.gregory.tied_ranks=exhaust-if-several-continuing, or is split \
             under meek or warren with --set method.iterative.equal_preferences=split",
        ),
        Method::Gregory(_) if !gregory::arena_holds_tied_ranks(contest) => Some(
            "a Gregory count holds tied ranks for at most 65,534 candidates, and a paper's \
             candidates and tied ranks in 65,535 slots",
        ),
        Method::Iterative(it) if it.equal_preferences == EqualPreferences::Refuse => Some(
            "these rules have no equal preferences; to share each such rank's weight \
             equally, --set method.iterative.equal_preferences=split",
        ),
        _ => None,
    }
}
