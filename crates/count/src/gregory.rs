//! The Gregory strategy: the count of every [`Rules`] of the Gregory
//! family, generic over the [`Number`] type and instantiated once per
//! arithmetic.
//!
//! Owns the stage loop (first preferences, election test, surplus transfer,
//! exclusion, last vacancies) and the bookkeeping of who holds which
//! papers. Rule variants are read from [`Rules`] and [`Gregory`] fields
//! only; ties from `ties.rs`, stage records from `record.rs`; number
//! formats from `numbers.rs`; the record it produces is the
//! `transcript.rs` contract.
//!
//! Papers are never expanded to one per voter. A candidate holds *parcels*:
//! papers received together at one value, each parcel a list of
//! (distinct ranking, position of the current preference) entries, a
//! ranking standing for all the papers that carry it. A transfer walks a
//! parcel's entries once, so the work of a count is about the number of
//! distinct rankings times the number of times each moves.
//!
//! The count is a pure function of the election and the rules: no clock, no
//! I/O, no global state; the lot is a ChaCha20 stream seeded from the rules.

use std::borrow::Cow;
use std::sync::Arc;

use ballot::Contest;
use ballot::constraints::ConstraintError;

use crate::constraints::ContestConstraints;
use crate::standing::Standing;

use crate::constrained::{self, Guard};
use crate::decimal::Decimal;
use crate::election::{self, DecidesTies, order_of_election};
use crate::error::{CountError, MAX_FIGURES};
use crate::figures::{Figures, Names};
use crate::numbers::{Fixed, FixedCtx, Number, Rational};
use crate::progress::Observer;
use crate::record::{
    Counted, DEFAULT_THREADS, Finished, Run, decimal, finish, recorded_entries, stage_figures,
    tie_order, unique_names,
};
use crate::rules::{
    Arithmetic, ExclusionParcels, Gregory, LastVacancies, LossShown, QuotaRecompute, QuotaVotes,
    Rules, SurplusMethod, SurplusOrder, Threshold, TvSteps, WhichPapers, WithoutVotes, ZeroSurplus,
};
use crate::ties::{History, InTurn, TieBreaker, decision};
use crate::transcript::{
    Action, ExclusionReason, Stage, SubstitutionRecord, TieDecision, TieMethod, TiePurpose,
};

impl<N: Number> DecidesTies for Counter<'_, N> {
    fn break_tie(&mut self, tied: &[usize], purpose: TiePurpose) -> usize {
        let (chosen, method) = self.tie_breaker.break_tie(&self.history, tied, purpose);
        self.record_tie(tied, purpose, method, chosen);
        chosen
    }

    fn look_back(&mut self, tied: &[usize], purpose: TiePurpose) -> Option<usize> {
        let (chosen, method) = self.tie_breaker.look_back(&self.history, tied, purpose)?;
        self.record_tie(tied, purpose, method, chosen);
        Some(chosen)
    }
}

/// A contest's papers laid out for the Gregory strategy: built once, and
/// counted under any number of Gregory rules (`Prepared`).
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    arena: Arena,
    first: Vec<Vec<Entry>>,
}

impl Layout {
    pub(crate) fn new(contest: &Contest) -> Layout {
        let (arena, first) = Arena::new(contest);
        Layout { arena, first }
    }

    /// The layout of `contest`'s distinct rankings with new paper counts
    /// (`Ballots::with_counts`): the same arena, the entries reweighted, a
    /// ranking given no papers left out, exactly as the layout of the
    /// reweighted contest would be.
    pub(crate) fn reweighted(&self, contest: &Contest, counts: &[u64]) -> Layout {
        let n = contest.candidates().len();
        let mut standing = vec![true; n];
        for w in contest.withdrawn() {
            standing[w.index()] = false;
        }
        let mut next = vec![0usize; n];
        let mut first: Vec<Vec<Entry>> = self
            .first
            .iter()
            .map(|f| Vec::with_capacity(f.len()))
            .collect();
        let mut invalid = 0;
        for (b, &papers) in contest.ballots().iter().zip(counts) {
            match b.ranking.iter().find(|c| standing[c.index()]) {
                Some(c) => {
                    let c = c.index();
                    let entry = self.first[c][next[c]];
                    next[c] += 1;
                    if papers > 0 {
                        first[c].push(Entry { papers, ..entry });
                    }
                }
                None => invalid += papers,
            }
        }
        // The rankings with tied ranks keep their papers (`with_counts`
        // does): their entries follow the strict ones in each list.
        for (c, f) in first.iter_mut().enumerate() {
            f.extend_from_slice(&self.first[c][next[c]..]);
        }
        invalid += contest
            .ballots()
            .equal_rankings()
            .iter()
            .filter(|r| encode_tied(r, &standing).is_none())
            .map(|r| r.count.0)
            .sum::<u64>();
        Layout {
            arena: Arena {
                prefs: self.arena.prefs.clone(),
                invalid,
            },
            first,
        }
    }
}

/// Counts one contest under a Gregory rule: `layout` is the contest's,
/// borrowed to count it again later (its entries copied) or given.
pub(crate) fn count_contest(
    contest: &Contest,
    layout: Cow<'_, Layout>,
    rules: &Rules,
    g: &Gregory,
    run: Run,
    observer: Observer<'_>,
) -> Result<Counted, CountError> {
    let (arena, first) = match layout {
        Cow::Borrowed(l) => (Cow::Borrowed(&l.arena), l.first.clone()),
        Cow::Owned(l) => (Cow::Owned(l.arena), l.first),
    };
    let arena = arena.as_ref();
    match rules.arithmetic {
        Arithmetic::Fixed { places } => {
            Counter::<Fixed>::new(contest, arena, rules, g, FixedCtx { places })?
                .with_run(run, observer)
                .run(first)
        }
        Arithmetic::Rational => Counter::<Rational>::new(contest, arena, rules, g, ())?
            .with_run(run, observer)
            .run(first),
    }
}

/// One distinct ranking, held at one of its preferences: where its later
/// preferences start in [`Arena::prefs`] (they run to the ranking's end
/// mark), and the number of papers carrying the ranking. A transfer reads
/// only the arena (no look-up in the ballot store's index tables). Packed
/// to 12 bytes, since entries are what a count moves millions of: the
/// smaller the entry, the faster a transfer (the 16-byte form with an end
/// offset cost a tenth more).
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct Entry {
    start: u32,
    papers: u64,
}

/// Why an exclusion was made, for its stage record.
#[derive(Clone, Debug, Default)]
struct ExclusionNote {
    reason: Option<ExclusionReason>,
    passed_over_guarded: Vec<String>,
}

/// Papers received together at one value.
#[derive(Clone, Debug)]
struct Parcel<N> {
    value: N,
    papers: u64,
    entries: Vec<Entry>,
    /// Index of the history point (stage or sub-stage) it arrived at.
    arrival: usize,
}

struct Counter<'a, N: Number> {
    contest: &'a Contest,
    arena: &'a Arena,
    rules: Rules,
    /// The family's own options.
    g: Gregory,
    ctx: N::Ctx,
    names: Vec<String>,
    /// The names again, shared by every stage's figures.
    figure_names: Arc<Names>,
    seats: usize,
    status: Vec<Standing>,
    /// Per candidate, whether hopeful; then one slot more, always true,
    /// for the arena's end mark, so the search for a ranking's next
    /// hopeful preference stops at its end without a bound of its own.
    hopeful: Vec<bool>,
    /// Per candidate, whether a paper stops at them: the hopeful, and
    /// under [`Surplus::receive_until_transferred`] the elected whose
    /// surplus waits; the end mark's slot as in `hopeful`.
    routes: Vec<bool>,
    votes: Vec<N>,
    parcels: Vec<Vec<Parcel<N>>>,
    pending: Vec<bool>,
    elected: Vec<usize>,
    excluded: Vec<usize>,
    exhausted: N,
    loss: N,
    quota: N,
    valid_votes: N,
    valid_papers: u64,
    invalid_papers: u64,
    history: History<N>,
    stages: Vec<Stage>,
    prev_totals: Vec<N>,
    ties: Vec<TieDecision>,
    stage_elected: Vec<usize>,
    tie_breaker: TieBreaker,
    dest_entries: Vec<Vec<Entry>>,
    dest_papers: Vec<u64>,
    route_scratch: RouteScratch,
    /// Parcels with at least this many entries are routed in parts at once.
    parallel_entries: usize,
    /// How many threads a large parcel is routed on (1: never in parallel).
    threads: usize,
    /// Stages record no figures (an outcome-only count).
    outcome_only: bool,
    /// Representation constraints, when the contest has any.
    guard: Option<Guard>,
    /// The first failure of a constrained count (a broken duty).
    broken: Option<ConstraintError>,
    /// Figures and tie-record entries recorded so far.
    recorded: usize,
    /// The count passed [`MAX_FIGURES`].
    too_large: bool,
    /// The substitution method's constraints, when it applies.
    substitution: Option<ContestConstraints>,
    /// The swaps it made.
    substitutions: Vec<SubstitutionRecord>,
    /// Told after each stage (`progress.rs`).
    observer: Observer<'a>,
}

impl<'a, N: Number> Counter<'a, N> {
    fn new(
        contest: &'a Contest,
        arena: &'a Arena,
        rules: &Rules,
        g: &Gregory,
        ctx: N::Ctx,
    ) -> Result<Self, CountError> {
        let n = contest.candidates().len();
        let names = unique_names(contest);
        let order = tie_order(contest, rules, &names)?;
        let mut status = vec![Standing::Hopeful; n];
        for w in contest.withdrawn() {
            status[w.index()] = Standing::Withdrawn;
        }
        // The end mark's and the tied-rank mark's slots are always set.
        let hopeful: Vec<bool> = status
            .iter()
            .map(|s| *s == Standing::Hopeful)
            .chain([true, true])
            .collect();
        let (guard, substitution) = constrained::setup(contest, rules.constraint_method)
            .map_err(CountError::Constraints)?;
        Ok(Counter {
            contest,
            arena,
            rules: rules.clone(),
            g: *g,
            ctx,
            figure_names: Names::new(names.clone()),
            names,
            seats: contest.seats() as usize,
            status,
            routes: hopeful.clone(),
            hopeful,
            votes: vec![N::zero(); n],
            parcels: (0..n).map(|_| Vec::new()).collect(),
            pending: vec![false; n],
            elected: Vec::new(),
            excluded: Vec::new(),
            exhausted: N::zero(),
            loss: N::zero(),
            quota: N::zero(),
            valid_votes: N::zero(),
            valid_papers: 0,
            invalid_papers: contest.ballots().blank().0 + arena.invalid,
            history: History::new(n),
            stages: Vec::new(),
            prev_totals: vec![N::zero(); n],
            ties: Vec::new(),
            stage_elected: Vec::new(),
            tie_breaker: TieBreaker::new(&rules.ties, &order),
            dest_entries: (0..n).map(|_| Vec::new()).collect(),
            dest_papers: vec![0; n],
            route_scratch: RouteScratch::default(),
            parallel_entries: PARALLEL_ENTRIES,
            threads: DEFAULT_THREADS,
            outcome_only: false,
            guard,
            broken: None,
            recorded: 0,
            too_large: false,
            substitution,
            substitutions: Vec::new(),
            observer: Observer::default(),
        })
    }

    fn with_run(mut self, run: Run, observer: Observer<'a>) -> Self {
        self.threads = run.threads;
        self.outcome_only = run.outcome_only;
        self.tie_breaker = self.tie_breaker.forcing(run.forced);
        self.observer = observer;
        self
    }

    fn d(&self, x: &N) -> Decimal {
        decimal(x, self.rules.display_places, &self.ctx)
    }

    fn vacancies(&self) -> usize {
        self.seats.saturating_sub(self.elected.len())
    }

    fn hopefuls(&self) -> Vec<usize> {
        (0..self.names.len()).filter(|&c| self.hopeful[c]).collect()
    }

    // ----- the stage loop -------------------------------------------------

    fn run(mut self, first: Vec<Vec<Entry>>) -> Result<Counted, CountError> {
        // Verdicts before any paper is sorted are recorded at stage 1.
        self.constraints_changed();
        self.first_stage(first);
        loop {
            if self.broken.is_some() || self.too_large {
                break;
            }
            if let Some(pool) = self.write_ins_to_exclude() {
                let note = ExclusionNote::default();
                self.exclude(&[pool], note);
                continue;
            }
            if self.vacancies() == 0 {
                if self.g.completion.continue_until_two && self.hopefuls().len() > 1 {
                    self.exclude_after_the_count();
                    continue;
                }
                break;
            }
            let hopeful = self.hopefuls();
            let stage = self.stages.last().map_or(0, |s| s.number);
            let (id, vacancies) = (self.contest.id(), self.vacancies());
            self.observer.report(id, stage, hopeful.len(), vacancies);
            if hopeful.len() <= self.vacancies() {
                // SSI r.52 / ERS97 5.5.1: the continuing candidates fill the places.
                if !hopeful.is_empty() {
                    self.elect_remaining(&hopeful, &[]);
                }
                break;
            }
            // specs/constraints.md §4 duty 3: the doomed go first, together,
            // before any surplus (a doomed candidate can never be elected).
            let doomed = self.guard.as_ref().map(Guard::doomed).unwrap_or_default();
            // Minneapolis 167.70(1)(c): sure losers' votes "must be
            // transferred", then the count goes on from clause a; the last
            // places are filled on a proposed exclusion of the lowest (e).
            let mut sure_losers = false;
            let (set, note) = if !doomed.is_empty() {
                let note = ExclusionNote {
                    reason: Some(ExclusionReason::Doomed),
                    passed_over_guarded: Vec::new(),
                };
                (doomed, note)
            } else if let Some(set) = self.sure_losers() {
                sure_losers = true;
                (set, ExclusionNote::default())
            } else {
                if let Some(c) = self.surplus_to_transfer() {
                    self.transfer_surplus(c);
                    continue;
                }
                self.choose_exclusion()
            };
            if !sure_losers
                && self.g.completion.last_vacancies == LastVacancies::OnProposedExclusion
                && hopeful.len() - set.len() == self.vacancies()
            {
                let rest: Vec<usize> = hopeful.into_iter().filter(|c| !set.contains(c)).collect();
                self.elect_remaining(&rest, &set);
                break;
            }
            self.exclude(&set, note);
        }
        if self.too_large {
            return Err(CountError::TooLarge {
                contest: self.contest.id().to_owned(),
                candidates: self.names.len(),
                stages: self.stages.len(),
            });
        }
        if let Some(e) = self.broken.take() {
            return Err(CountError::ConstraintsBroken(e));
        }
        if let Some(cc) = self.substitution.take() {
            // specs/constraints.md §5b: runners-up are the hopefuls left,
            // most votes first (ballot-paper order between equals), then the
            // excluded, last excluded first.
            let mut left: Vec<usize> = (0..self.names.len())
                .filter(|&c| self.status[c] == Standing::Hopeful)
                .collect();
            left.sort_by(|&a, &b| self.votes[b].cmp(&self.votes[a]).then(a.cmp(&b)));
            left.extend(self.excluded.iter().rev());
            let (result, swaps) = constrained::substitute(&cc, &self.elected, &left, &self.names)
                .map_err(CountError::Constraints)?;
            self.elected = result;
            self.substitutions = swaps;
        }
        Ok(self.finish())
    }

    /// [`Exclusion::undeclared_write_ins_first`]: the pool of undeclared
    /// write-ins while it stands and others do (before any place is filled
    /// or any surplus moves).
    fn write_ins_to_exclude(&self) -> Option<usize> {
        if !self.g.exclusion.undeclared_write_ins_first || self.vacancies() == 0 {
            return None;
        }
        (0..self.names.len())
            .find(|&c| self.hopeful[c] && self.contest.candidates()[c].is_undeclared_write_ins())
    }

    /// [`Completion::continue_until_two`]: one more exclusion of the
    /// lowest, the elected receiving papers and keeping their surpluses.
    fn exclude_after_the_count(&mut self) {
        for &c in &self.elected {
            self.routes[c] = true;
            self.pending[c] = false;
        }
        let (mut set, note) = self.choose_exclusion();
        // Candidates without votes go together in the order one at a time
        // would take them; the last of them stays, one of the final two.
        set.truncate(self.hopefuls().len() - 1);
        self.exclude(&set, note);
    }

    /// Recomputes guard/doom after a change of status (duty 2), noting new
    /// verdicts for the stage record; a state that cannot be completed
    /// stops the count.
    fn constraints_changed(&mut self) {
        constrained::changed(&mut self.guard, &self.status, &self.names, &mut self.broken);
    }

    fn is_guarded(&self, c: usize) -> bool {
        constrained::guarded(self.guard.as_ref(), c)
    }

    fn is_doomed(&self, c: usize) -> bool {
        constrained::doomed(self.guard.as_ref(), c)
    }

    /// The hopefuls the exclusion step may choose from: all but the
    /// guarded (duty 5).
    fn excludable(&self) -> Vec<usize> {
        (0..self.names.len())
            .filter(|&c| self.hopeful[c] && !self.is_guarded(c))
            .collect()
    }

    fn first_stage(&mut self, first: Vec<Vec<Entry>>) {
        for (c, entries) in first.into_iter().enumerate() {
            let papers: u64 = entries.iter().map(|e| e.papers).sum();
            self.dest_entries[c] = entries;
            self.dest_papers[c] = papers;
            self.valid_papers += papers;
        }
        let one = N::from_count(1, &self.ctx);
        for c in 0..self.names.len() {
            if self.dest_papers[c] > 0 {
                let entries = std::mem::take(&mut self.dest_entries[c]);
                let papers = std::mem::replace(&mut self.dest_papers[c], 0);
                self.votes[c] = N::from_count(papers, &self.ctx);
                self.parcels[c].push(Parcel {
                    value: one.clone(),
                    papers,
                    entries,
                    arrival: 0,
                });
            }
        }
        self.valid_votes = N::from_count(self.valid_papers, &self.ctx);
        self.quota = self.compute_quota();
        self.end_point(1, true);
        self.elect_qualified();
        self.push_stage(1, None, Action::FirstPreferences, Vec::new());
    }

    fn finish(self) -> Counted {
        let valid_votes = decimal(&self.valid_votes, self.rules.display_places, &self.ctx);
        let record = finish(Finished {
            contest: self.contest,
            rules: &self.rules,
            lot_drawn: self.tie_breaker.draws() > 0,
            valid_papers: self.valid_papers,
            invalid_papers: self.invalid_papers,
            valid_votes,
            elected: &self.elected,
            excluded: &self.excluded,
            substitutions: self.substitutions,
            stages: self.stages,
            names: self.names,
        });
        Counted {
            record,
            drawn: self.tie_breaker.into_drawn(),
        }
    }

    // ----- quota and election ---------------------------------------------

    fn compute_quota(&self) -> N {
        let base = match self.g.quota.votes {
            QuotaVotes::Valid => self.valid_votes.clone(),
            QuotaVotes::Active => self.valid_votes.sub(&self.exhausted).sub(&self.loss),
        };
        election::quota(&self.rules.quota, &base, self.seats, &self.ctx)
    }

    fn maybe_recompute_quota(&mut self) {
        let again = match self.g.quota.recompute {
            QuotaRecompute::Never => false,
            QuotaRecompute::UntilFirstElection => self.elected.is_empty(),
            QuotaRecompute::EveryStage => true,
        };
        if again {
            self.quota = self.compute_quota();
        }
    }

    /// The surplus of an elected candidate (never negative).
    fn surplus(&self, c: usize) -> N {
        self.votes[c].sub(&self.quota).clamp_zero()
    }

    fn meets(&self, votes: &N, threshold: &N) -> bool {
        election::meets(self.rules.election.criterion, votes, threshold)
    }

    /// Deems elected every continuing candidate who has reached the quota
    /// (or the ERS97 active-vote threshold), most votes first.
    fn elect_qualified(&mut self) {
        // With the ERS97 active-vote threshold, candidates are "taken in
        // descending order" (5.4.9): the threshold is found again after each
        // election, since electing one changes the active vote and the places left.
        let one_at_a_time = self.g.active_vote_threshold.is_some();
        while self.elect_qualified_once(one_at_a_time) > 0 && one_at_a_time {}
    }

    /// One pass of the election test; returns how many were elected.
    fn elect_qualified_once(&mut self, one_at_a_time: bool) -> usize {
        if self.vacancies() == 0 {
            return 0;
        }
        let mut threshold = self.quota.clone();
        let mut below_quota_ok = false;
        if let Some(r) = self.g.active_vote_threshold {
            // ERS97 6.20 / 5.6.1: votes of continuing candidates plus votes awaiting transfer.
            let mut active = N::zero();
            for c in 0..self.names.len() {
                if self.hopeful[c] {
                    active = active.add(&self.votes[c]);
                } else if self.pending[c] {
                    active = active.add(&self.surplus(c));
                }
            }
            let t = N::div_count(&active, self.vacancies() as u64 + 1, r, &self.ctx);
            if t < threshold {
                threshold = t;
                below_quota_ok = true;
            }
        }
        let qualified: Vec<usize> = self
            .hopefuls()
            .into_iter()
            .filter(|&c| {
                // specs/constraints.md §4 duty 4: never the doomed, even at the quota.
                let never = self.g.exclusion.undeclared_write_ins_first
                    && self.contest.candidates()[c].is_undeclared_write_ins();
                !self.is_doomed(c)
                    && !never
                    && self.meets(&self.votes[c], &threshold)
                    && (!below_quota_ok || !self.votes[c].is_zero())
            })
            .collect();
        if qualified.is_empty() {
            return 0;
        }
        let votes = std::mem::take(&mut self.votes);
        let vacancies = self.vacancies();
        let unseparated = self.rules.election.unseparated_at_last_place;
        let mut ordered = order_of_election(self, qualified, &votes, vacancies, unseparated);
        self.votes = votes;
        ordered.truncate(if one_at_a_time { 1 } else { self.vacancies() });
        let mut elected = 0;
        let mut skipped = false;
        for c in ordered {
            // Duty 4: one at a time, since one election can doom the next.
            if self.is_doomed(c) {
                skipped = true;
                continue;
            }
            self.status[c] = Standing::Elected;
            self.hopeful[c] = false;
            self.routes[c] = self.g.surplus.receive_until_transferred;
            self.pending[c] = true;
            self.elected.push(c);
            self.stage_elected.push(c);
            elected += 1;
            self.constraints_changed();
        }
        if skipped && self.broken.is_none() {
            // The place a doomed candidate was passed over for may go to
            // the next qualified one. Each pass elects at least one (the
            // first in order was not doomed), so this ends.
            elected += self.elect_qualified_once(one_at_a_time);
        }
        elected
    }

    fn elect_remaining(&mut self, rest: &[usize], excluded: &[usize]) {
        for &c in excluded {
            self.status[c] = Standing::Excluded;
            self.hopeful[c] = false;
            self.routes[c] = false;
            self.excluded.push(c);
        }
        let mut rest = rest.to_vec();
        rest.sort_by(|&a, &b| self.votes[b].cmp(&self.votes[a]).then(a.cmp(&b)));
        for c in rest {
            self.status[c] = Standing::Elected;
            self.hopeful[c] = false;
            self.routes[c] = false;
            self.elected.push(c);
            self.stage_elected.push(c);
        }
        self.constraints_changed();
        let number = self.next_stage_number();
        self.end_point(number, true);
        self.push_stage(number, None, Action::ElectRemaining, excluded.to_vec());
    }

    // ----- surpluses --------------------------------------------------------

    /// The candidate whose surplus is transferred now, if any (and not deferred).
    fn surplus_to_transfer(&mut self) -> Option<usize> {
        let transfer_zero = self.g.surplus.zero_surplus == ZeroSurplus::TransferAsStage;
        let waits = self.g.surplus.receive_until_transferred;
        // SSI r.48(1): only a candidate whose votes *exceed* the quota has a
        // surplus. One still receiving papers may have one later
        // (Minneapolis 2013, rounds 2-4: Erwin at exactly the threshold,
        // then 282 over it).
        for c in 0..self.names.len() {
            if self.pending[c] && self.surplus(c).is_zero() && !transfer_zero && !waits {
                self.pending[c] = false;
            }
        }
        let candidates: Vec<usize> = (0..self.names.len())
            .filter(|&c| self.pending[c] && (transfer_zero || !self.surplus(c).is_zero()))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        if self.g.surplus.deferral != Threshold::Never && self.deferred(&candidates) {
            return None;
        }
        match self.g.surplus.order {
            SurplusOrder::OrderOfElection => {
                self.elected.iter().copied().find(|&c| self.pending[c])
            }
            SurplusOrder::Largest => {
                let high = candidates
                    .iter()
                    .map(|&c| self.surplus(c))
                    .max()
                    .unwrap_or_else(N::zero);
                let tied: Vec<usize> = candidates
                    .into_iter()
                    .filter(|&c| self.surplus(c) == high)
                    .collect();
                Some(if tied.len() == 1 {
                    tied[0]
                } else {
                    self.break_tie(&tied, TiePurpose::SurplusOrder)
                })
            }
        }
    }

    fn total_pending_surplus(&self) -> N {
        (0..self.names.len())
            .filter(|&c| self.pending[c])
            .fold(N::zero(), |acc, c| acc.add(&self.surplus(c)))
    }

    fn within(&self, total: &N, difference: &N, t: Threshold) -> bool {
        match t {
            Threshold::Never => false,
            Threshold::NotExceeding => total <= difference,
            Threshold::LessThan => total < difference,
        }
    }

    /// ERS97 5.2.2: defer all surpluses when their total cannot change which
    /// candidate(s) are excluded next.
    fn deferred(&self, _pending: &[usize]) -> bool {
        let s = self.total_pending_surplus();
        // A surplus can only change whom the exclusion step picks, and it
        // picks among the unguarded.
        let mut low = self.excludable();
        if low.len() < 2 {
            return false;
        }
        low.sort_by(|&a, &b| self.votes[a].cmp(&self.votes[b]));
        let t = self.g.surplus.deferral;
        // (a) the difference between the two lowest.
        let gap = self.votes[low[1]].sub(&self.votes[low[0]]);
        if self.within(&s, &gap, t) {
            return true;
        }
        // (b) a group of lowest candidates that could be excluded together.
        self.bulk_group(&low, &s, t).is_some()
    }

    /// A batch of the `k` lowest of `low` (sorted), shrunk while it would
    /// leave the constraints impossible (duty 5), never splitting equal
    /// votes; none when fewer than `smallest` are left. In ballot-paper order.
    fn allowed_batch(&self, low: &[usize], mut k: usize, smallest: usize) -> Option<Vec<usize>> {
        if let Some(guard) = &self.guard {
            let state = &self.status;
            while k >= smallest
                && k > 0
                && (self.votes[low[k - 1]] == self.votes[low[k]]
                    || !guard.allows_excluding(state, &low[..k]))
            {
                k -= 1;
            }
        }
        if k < smallest.max(1) {
            return None;
        }
        let mut batch = low[..k].to_vec();
        batch.sort_unstable();
        Some(batch)
    }

    /// Minneapolis 167.70(1)(c): the lowest candidates who cannot be
    /// elected, defeated before any surplus moves ([`SureLosers`]).
    fn sure_losers(&self) -> Option<Vec<usize>> {
        let smallest = self.g.exclusion.sure_losers?.smallest_group as usize;
        // The next candidate up may be guarded; the batch may not hold one
        // (`allowed_batch` shrinks it).
        let mut low = self.hopefuls();
        low.sort_by(|&a, &b| self.votes[a].cmp(&self.votes[b]).then(a.cmp(&b)));
        let extra = self.total_pending_surplus();
        let max_k = self.hopefuls().len().saturating_sub(self.vacancies());
        let mut sum = N::zero();
        let mut best = None;
        for k in 1..=max_k.min(low.len().saturating_sub(1)) {
            sum = sum.add(&self.votes[low[k - 1]]);
            let next = &self.votes[low[k]];
            if *next != self.votes[low[k - 1]] && sum.add(&extra) < *next {
                best = Some(k);
            }
        }
        self.allowed_batch(&low, best?, smallest)
    }

    /// The largest group (at least two) of lowest candidates, not splitting
    /// equal votes, leaving enough candidates for the places, whose votes
    /// plus `extra` compare by `t` with the next candidate's votes.
    fn bulk_group(&self, sorted: &[usize], extra: &N, t: Threshold) -> Option<usize> {
        if t == Threshold::Never {
            return None;
        }
        // Enough hopefuls (guarded or not) must be left for the places.
        let max_k = self.hopefuls().len().saturating_sub(self.vacancies());
        let mut sum = N::zero();
        let mut best = None;
        for k in 1..=max_k.min(sorted.len() - 1) {
            sum = sum.add(&self.votes[sorted[k - 1]]);
            if k < 2 {
                continue;
            }
            let next = &self.votes[sorted[k]];
            if *next == self.votes[sorted[k - 1]] {
                continue;
            }
            if self.within(&sum.add(extra), next, t) {
                best = Some(k);
            }
        }
        best
    }

    fn transfer_surplus(&mut self, c: usize) {
        let surplus = self.surplus(c);
        let number = self.next_stage_number();
        let arrival = self.history.len();
        let parcels = std::mem::take(&mut self.parcels[c]);
        // No paper of the surplus comes back to its own candidate.
        self.routes[c] = false;
        let examined: Vec<&Parcel<N>> = match self.g.surplus.method {
            SurplusMethod::LastParcel => {
                let last = parcels.iter().map(|p| p.arrival).max().unwrap_or(0);
                parcels.iter().filter(|p| p.arrival == last).collect()
            }
            _ => parcels.iter().collect(),
        };
        // Route every examined parcel first: the transfer value may depend on
        // how many papers are transferable.
        let mut routed = Vec::with_capacity(examined.len());
        for p in &examined {
            let mut touched = Vec::new();
            let exhausted_papers = self.route(&p.entries, &mut touched);
            let dests: Vec<(usize, Vec<Entry>, u64)> = touched
                .iter()
                .map(|&d| {
                    (
                        d,
                        std::mem::take(&mut self.dest_entries[d]),
                        std::mem::replace(&mut self.dest_papers[d], 0),
                    )
                })
                .collect();
            routed.push((dests, exhausted_papers));
        }
        let tv_rules = self.g.surplus.transfer_value;
        let transferable_only = self.g.surplus.papers == WhichPapers::TransferableOnly;
        // Papers and value over which the surplus is spread.
        let mut papers_all = 0u64;
        let mut papers_transferable = 0u64;
        let mut value_transferable = N::zero();
        for (p, (dests, exh)) in examined.iter().zip(&routed) {
            let moved: u64 = dests.iter().map(|d| d.2).sum();
            papers_all += moved + exh;
            papers_transferable += moved;
            value_transferable = value_transferable.add(&p.value.mul_count(moved));
        }
        let tvs: Vec<N> = examined
            .iter()
            .map(|p| {
                let tv = match self.g.surplus.method {
                    SurplusMethod::WeightedInclusive => {
                        let total = if transferable_only {
                            value_transferable.clone()
                        } else {
                            self.votes[c].clone()
                        };
                        if total.is_zero() {
                            N::zero()
                        } else {
                            match tv_rules.steps {
                                TvSteps::Single => N::mul_div(
                                    &surplus,
                                    &p.value,
                                    &total,
                                    tv_rules.rounding,
                                    &self.ctx,
                                ),
                                TvSteps::Stepwise => {
                                    let a =
                                        N::mul(&p.value, &surplus, tv_rules.rounding, &self.ctx);
                                    N::div(&a, &total, tv_rules.rounding, &self.ctx)
                                }
                                TvSteps::FractionFirst => {
                                    let f = N::div(&surplus, &total, tv_rules.rounding, &self.ctx);
                                    N::mul(&f, &p.value, tv_rules.rounding, &self.ctx)
                                }
                            }
                        }
                    }
                    SurplusMethod::UnweightedInclusive | SurplusMethod::LastParcel => {
                        let n = if transferable_only {
                            papers_transferable
                        } else {
                            papers_all
                        };
                        return unweighted_tv(&surplus, n, &p.value, &tv_rules, &self.ctx);
                    }
                };
                if tv_rules.cap_at_value && tv > p.value {
                    p.value.clone()
                } else {
                    tv
                }
            })
            .collect();
        let mut moved_value = N::zero();
        let mut exhausted_value = N::zero();
        for ((dests, exh), tv) in routed.into_iter().zip(&tvs) {
            if !transferable_only {
                exhausted_value = exhausted_value.add(&tv.mul_count(exh));
            }
            for (d, entries, papers) in dests {
                let credit = tv.mul_count(papers);
                if tv.is_zero() {
                    // A paper of no value carries nothing further: it is spent.
                    continue;
                }
                moved_value = moved_value.add(&credit);
                self.votes[d] = self.votes[d].add(&credit);
                self.receive(d, tv.clone(), papers, entries, arrival);
            }
        }
        let loss = surplus.sub(&moved_value).sub(&exhausted_value);
        self.exhausted = self.exhausted.add(&exhausted_value);
        match self.g.surplus.loss {
            LossShown::Separate => self.loss = self.loss.add(&loss),
            LossShown::NonTransferable => self.exhausted = self.exhausted.add(&loss),
            LossShown::KeptByCandidate => {}
        }
        let kept = match self.g.surplus.loss {
            LossShown::KeptByCandidate => loss,
            _ => N::zero(),
        };
        self.votes[c] = self.votes[c].sub(&surplus).add(&kept);
        self.pending[c] = false;
        let single_tv = match tvs.first() {
            Some(first) if tvs.iter().all(|t| t == first) => Some(self.d(first)),
            _ => None,
        };
        let action = Action::Surplus {
            candidate: self.names[c].clone(),
            surplus: self.d(&surplus),
            transfer_value: single_tv,
        };
        self.maybe_recompute_quota();
        self.end_point(number, true);
        self.elect_qualified();
        self.push_stage(number, None, action, Vec::new());
    }

    /// Sends each entry to its next continuing preference, adding to
    /// `dest_entries`/`dest_papers` (which may already hold entries routed
    /// at the same value) and noting in `touched` each candidate whose
    /// entries were empty; returns the papers with no continuing preference.
    fn route(&mut self, entries: &[Entry], touched: &mut Vec<usize>) -> u64 {
        if entries.len() < self.parallel_entries || self.threads <= 1 {
            return route_part(
                &self.arena.prefs,
                &self.routes,
                entries,
                &mut self.dest_entries,
                &mut self.dest_papers,
                touched,
                &mut self.route_scratch,
            );
        }
        // A large parcel is routed in `threads` consecutive parts at once;
        // each later part's entries are appended after the earlier ones', so
        // the result is exactly the serial one.
        let parts = self.threads.clamp(1, entries.len().div_ceil(1024).max(1));
        let size = entries.len().div_ceil(parts);
        let mut chunks = entries.chunks(size);
        let mine = chunks.next().unwrap_or_default();
        let n = self.names.len();
        let (prefs, hopeful) = (&self.arena.prefs, &self.routes);
        type Part = (Vec<Vec<Entry>>, Vec<u64>, Vec<usize>, u64);
        let mut others: Vec<Part> = chunks
            .clone()
            .map(|_| {
                (
                    (0..n).map(|_| Vec::new()).collect(),
                    vec![0u64; n],
                    Vec::new(),
                    0,
                )
            })
            .collect();
        let exhausted_mine = std::thread::scope(|scope| {
            let helpers: Vec<_> = chunks
                .zip(others.iter_mut())
                .map(|(part, (d_entries, d_papers, d_touched, exhausted))| {
                    scope.spawn(move || {
                        let mut scratch = RouteScratch::default();
                        *exhausted = route_part(
                            prefs,
                            hopeful,
                            part,
                            d_entries,
                            d_papers,
                            d_touched,
                            &mut scratch,
                        );
                    })
                })
                .collect();
            let mine = route_part(
                prefs,
                hopeful,
                mine,
                &mut self.dest_entries,
                &mut self.dest_papers,
                touched,
                &mut self.route_scratch,
            );
            for h in helpers {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            }
            mine
        });
        let mut exhausted_papers = exhausted_mine;
        for (mut d_entries, d_papers, d_touched, exhausted) in others {
            exhausted_papers += exhausted;
            for d in d_touched {
                if self.dest_entries[d].is_empty() {
                    touched.push(d);
                }
                self.dest_entries[d].append(&mut d_entries[d]);
                self.dest_papers[d] += d_papers[d];
            }
        }
        exhausted_papers
    }

    fn receive(
        &mut self,
        d: usize,
        value: N,
        papers: u64,
        mut entries: Vec<Entry>,
        arrival: usize,
    ) {
        if let Some(last) = self.parcels[d].last_mut()
            && last.arrival == arrival
            && last.value == value
        {
            last.papers += papers;
            last.entries.append(&mut entries);
            return;
        }
        self.parcels[d].push(Parcel {
            value,
            papers,
            entries,
            arrival,
        });
    }

    // ----- exclusion ----------------------------------------------------------

    /// Whom to exclude: the lowest (or a bulk group of the lowest) among
    /// the unguarded hopefuls (duty 5).
    fn choose_exclusion(&mut self) -> (Vec<usize>, ExclusionNote) {
        let mut low = self.excludable();
        if low.is_empty() {
            // Cannot happen: with more hopefuls than places, not all are in
            // every completion. Were it to, the count goes on unguarded and
            // the next recomputation stops it as broken.
            low = self.hopefuls();
        }
        low.sort_by(|&a, &b| self.votes[a].cmp(&self.votes[b]).then(a.cmp(&b)));
        let extra = self.total_pending_surplus();
        let set = self
            .bulk_group(&low, &extra, self.g.exclusion.bulk)
            .and_then(|k| self.allowed_batch(&low, k, 2));
        // A bulk exclusion (ERS97 5.2.5) takes candidates without votes
        // with the others, deciding no tie; where none applies they may
        // still go together.
        if set.is_none()
            && let Some(order) = self.candidates_without_votes(&low)
        {
            let note = ExclusionNote {
                reason: Some(ExclusionReason::NoVotes),
                passed_over_guarded: Vec::new(),
            };
            return (order, note);
        }
        let set = set.unwrap_or_else(|| {
            let lowest = self.votes[low[0]].clone();
            let tied: Vec<usize> = low
                .into_iter()
                .filter(|&c| self.votes[c] == lowest)
                .collect();
            if tied.len() == 1 {
                vec![tied[0]]
            } else {
                vec![self.break_tie(&tied, TiePurpose::Exclusion)]
            }
        });
        let highest = set.iter().map(|&c| &self.votes[c]).max();
        let passed_over_guarded = (0..self.names.len())
            .filter(|&c| self.hopeful[c] && self.is_guarded(c) && Some(&self.votes[c]) <= highest)
            .map(|c| self.names[c].clone())
            .collect();
        let note = ExclusionNote {
            reason: None,
            passed_over_guarded,
        };
        (set, note)
    }

    fn exclude(&mut self, set: &[usize], note: ExclusionNote) {
        let number = self.next_stage_number();
        for &c in set {
            self.status[c] = Standing::Excluded;
            self.hopeful[c] = false;
            self.routes[c] = false;
            self.excluded.push(c);
        }
        self.constraints_changed();
        // (owner, parcel) pairs, grouped into batches.
        let mut all: Vec<(usize, Parcel<N>)> = Vec::new();
        for &c in set {
            for p in std::mem::take(&mut self.parcels[c]) {
                all.push((c, p));
            }
        }
        let by_value = self.g.exclusion.parcels == ExclusionParcels::ByValueDescending;
        let batches = if by_value {
            batches_by_value(all, |item| &item.1.value)
        } else {
            vec![all]
        };
        let names: Vec<String> = set.iter().map(|&c| self.names[c].clone()).collect();
        let n_batches = batches.len();
        if n_batches == 0 || (n_batches == 1 && batches[0].is_empty()) {
            self.maybe_recompute_quota();
            self.end_point(number, true);
            self.elect_qualified();
            let action = Action::Exclusion {
                candidates: names,
                transfer_value: None,
                reason: note.reason,
                passed_over_guarded: note.passed_over_guarded,
            };
            self.push_stage(number, by_value.then_some(1), action, set.to_vec());
            return;
        }
        for (i, batch) in batches.into_iter().enumerate() {
            let last = i + 1 == n_batches;
            let arrival = self.history.len();
            let value = batch[0].1.value.clone();
            // Consecutive parcels of one value are routed together: what
            // each receiver gets from them is one parcel (`receive` would
            // join them), built at once rather than regrown.
            let mut parcels = batch.into_iter().peekable();
            let mut touched = Vec::new();
            while let Some((owner, parcel)) = parcels.next() {
                let exhausted_papers = self.route(&parcel.entries, &mut touched);
                self.exhausted = self
                    .exhausted
                    .add(&parcel.value.mul_count(exhausted_papers));
                let out = parcel.value.mul_count(parcel.papers);
                self.votes[owner] = self.votes[owner].sub(&out);
                if parcels.peek().is_some_and(|(_, p)| p.value == parcel.value) {
                    continue;
                }
                for d in touched.drain(..) {
                    let entries = std::mem::take(&mut self.dest_entries[d]);
                    let papers = std::mem::replace(&mut self.dest_papers[d], 0);
                    let credit = parcel.value.mul_count(papers);
                    self.votes[d] = self.votes[d].add(&credit);
                    self.receive(d, parcel.value.clone(), papers, entries, arrival);
                }
            }
            self.maybe_recompute_quota();
            self.end_point(number, last);
            if by_value || last {
                self.elect_qualified();
            }
            if by_value {
                let action = Action::Exclusion {
                    candidates: names.clone(),
                    transfer_value: Some(self.d(&value)),
                    reason: note.reason,
                    passed_over_guarded: note.passed_over_guarded.clone(),
                };
                let excluded = if i == 0 { set.to_vec() } else { Vec::new() };
                self.push_stage(number, Some(i as u32 + 1), action, excluded);
                if self.vacancies() == 0 {
                    // ERS97 5.5.2: the places are filled; nothing more moves and the
                    // papers left stay with the excluded candidate.
                    break;
                }
            } else {
                let action = Action::Exclusion {
                    candidates: names.clone(),
                    transfer_value: None,
                    reason: note.reason,
                    passed_over_guarded: note.passed_over_guarded.clone(),
                };
                self.push_stage(number, None, action, set.to_vec());
            }
        }
    }

    // ----- records --------------------------------------------------------------

    fn next_stage_number(&self) -> u32 {
        self.stages.last().map(|s| s.number + 1).unwrap_or(1)
    }

    fn end_point(&mut self, stage: u32, end_of_stage: bool) {
        self.history.record(stage, end_of_stage, &self.votes);
    }

    fn push_stage(
        &mut self,
        number: u32,
        sub_stage: Option<u32>,
        action: Action,
        excluded: Vec<usize>,
    ) {
        let places = self.rules.display_places;
        // An outcome-only count keeps the stages' actions and decisions but
        // writes no figure (`Prepared::outcome`).
        let (totals, transfers, quota, exhausted, loss) = if self.outcome_only {
            let none = || Figures::empty(self.figure_names.clone(), places);
            let zero = || Decimal::from_integer(0);
            (none(), none(), zero(), zero(), zero())
        } else {
            let (totals, transfers) = stage_figures(
                &self.figure_names,
                &self.votes,
                (!self.stages.is_empty()).then_some(&self.prev_totals[..]),
                places,
                &self.ctx,
            );
            self.prev_totals.clone_from(&self.votes);
            let d = |x: &N| decimal(x, places, &self.ctx);
            (
                totals,
                transfers,
                d(&self.quota),
                d(&self.exhausted),
                d(&self.loss),
            )
        };
        let stage = Stage {
            number,
            sub_stage,
            action,
            quota,
            totals,
            transfers,
            exhausted,
            loss_by_fraction: loss,
            elected: std::mem::take(&mut self.stage_elected)
                .into_iter()
                .map(|c| self.names[c].clone())
                .collect(),
            excluded: excluded
                .into_iter()
                .map(|c| self.names[c].clone())
                .collect(),
            ties: std::mem::take(&mut self.ties),
            keep_values: None,
            iterations: None,
            constraints: self
                .guard
                .as_mut()
                .map(Guard::take_decisions)
                .unwrap_or_default(),
        };
        self.recorded += recorded_entries(&stage);
        self.stages.push(stage);
        self.too_large = self.recorded > MAX_FIGURES;
    }

    // ----- ties -------------------------------------------------------------------

    /// Chooses one of `tied` (to exclude, or to elect / transfer first) and
    /// records the decision.
    fn record_tie(
        &mut self,
        tied: &[usize],
        purpose: TiePurpose,
        method: TieMethod,
        chosen: usize,
    ) {
        self.ties
            .push(decision(&self.figure_names, purpose, tied, method, chosen));
    }

    /// The candidates who hold no votes, excluded together when nothing
    /// else can happen between their exclusions one at a time
    /// (`specs/rules/README.md`, "Candidates with no votes"): no surplus
    /// is waiting, no constraint is in force, at least two of the lowest
    /// hold nothing and no earlier stage separates them. Returns them in
    /// the order one-at-a-time exclusions would take them (the same tie
    /// decisions and lot draws, recorded as one decision), at most as many
    /// as may be excluded before the last places are filled.
    fn candidates_without_votes(&mut self, low: &[usize]) -> Option<Vec<usize>> {
        if self.rules.candidates_without_votes == WithoutVotes::OneAtATime
            || self.guard.is_some()
            || self.pending.iter().any(|&p| p)
        {
            return None;
        }
        let zero: Vec<usize> = low
            .iter()
            .copied()
            .take_while(|&c| self.votes[c].is_zero())
            .collect();
        if zero.len() < 2 || !self.tie_breaker.inseparable(&self.history, &zero) {
            return None;
        }
        let room = self.hopefuls().len() - self.vacancies();
        let run = InTurn::exclusions(&mut self.tie_breaker, &zero, room);
        self.ties.push(run.record(&self.figure_names));
        Some(run.order)
    }
}

/// The valid rankings of a contest, laid out for counting: each ranking's
/// preferences after its first standing one, stored contiguously and
/// grouped by (first, second) standing preference.
///
/// A candidate's papers are then one run of memory, and the papers it
/// passes on to another candidate are runs within it, so a transfer reads
/// memory mostly in order instead of jumping across the whole ballot arena
/// (on millions of distinct rankings that is most of a count's time). The
/// grouping is a counting sort: two sequential passes.
#[derive(Clone, Debug)]
struct Arena {
    /// Each distinct ranking's preferences after its first standing one,
    /// as candidate indices, closed by an end mark: the number of
    /// candidates, an index no candidate has (at most 65,535 candidates, so
    /// it fits a `u16`). The ballot store holds fewer than 2^32 preferences
    /// and a ranking's first one makes room for its mark, so `u32` offsets
    /// suffice. Shared by the layouts of reweighted contests.
    prefs: Arc<Vec<u16>>,
    /// Papers whose rankings name no standing candidate.
    invalid: u64,
}

impl Arena {
    /// The arena, and each candidate's first-preference entries (in arena
    /// order when grouping by first preference only).
    fn new(contest: &Contest) -> (Arena, Vec<Vec<Entry>>) {
        let ballots = contest.ballots();
        let n = contest.candidates().len();
        let mut standing = vec![true; n];
        for w in contest.withdrawn() {
            standing[w.index()] = false;
        }
        // Bucket by first and (when few candidates) second standing preference.
        let second_level = n <= 16;
        let buckets = if second_level { n * (n + 1) } else { n };
        let bucket = |c1: usize, c2: usize| {
            if second_level {
                c1 * (n + 1) + c2.min(n)
            } else {
                c1
            }
        };
        let mut key = Vec::with_capacity(ballots.len());
        let mut per_candidate = vec![0usize; n];
        let mut bucket_prefs = vec![0usize; buckets + 1];
        let mut invalid = 0u64;
        for b in ballots.iter() {
            let mut it = b
                .ranking
                .iter()
                .enumerate()
                .filter(|(_, c)| standing[c.index()]);
            match it.next() {
                Some((pos, c1)) => {
                    let c2 = it.next().map(|(_, c)| c.index()).unwrap_or(n);
                    let k = bucket(c1.index(), c2);
                    per_candidate[c1.index()] += 1;
                    bucket_prefs[k + 1] += b.ranking.len() - pos;
                    key.push(Some((k as u32, pos as u32)));
                }
                None => {
                    invalid += b.count.0;
                    key.push(None);
                }
            }
        }
        // Rankings with tied ranks, resolved at the first stage and encoded.
        let mut tied: Vec<(usize, usize, Vec<u16>, u64)> = Vec::new();
        for r in ballots.equal_rankings() {
            match encode_tied(r, &standing) {
                Some((c1, rest)) => {
                    let c2 = rest.first().map_or(n, |&c| usize::from(c));
                    let k = bucket(c1, c2);
                    per_candidate[c1] += 1;
                    bucket_prefs[k + 1] += rest.len() + 1;
                    tied.push((k, c1, rest, r.count.0));
                }
                None => invalid += r.count.0,
            }
        }
        for k in 0..buckets {
            bucket_prefs[k + 1] += bucket_prefs[k];
        }
        let mut prefs = vec![n as u16; bucket_prefs[buckets]];
        let mut first: Vec<Vec<Entry>> = per_candidate
            .iter()
            .map(|&m| Vec::with_capacity(m))
            .collect();
        for (b, k) in ballots.iter().zip(key) {
            let Some((k, pos)) = k else { continue };
            let (k, pos) = (k as usize, pos as usize);
            let start = bucket_prefs[k];
            let rest = &b.ranking[pos + 1..];
            // A plain loop: rankings are short and a memmove call per ranking costs more.
            for (slot, c) in prefs[start..start + rest.len()].iter_mut().zip(rest) {
                *slot = c.index() as u16;
            }
            bucket_prefs[k] += rest.len() + 1;
            first[b.ranking[pos].index()].push(Entry {
                start: start as u32,
                papers: b.count.0,
            });
        }
        for (k, c1, rest, papers) in tied {
            let start = bucket_prefs[k];
            prefs[start..start + rest.len()].copy_from_slice(&rest);
            bucket_prefs[k] += rest.len() + 1;
            first[c1].push(Entry {
                start: start as u32,
                papers,
            });
        }
        (
            Arena {
                prefs: Arc::new(prefs),
                invalid,
            },
            first,
        )
    }
}

/// Whether the arena can hold `contest`'s tied ranks: it marks one with
/// an index past the end mark (so at most 65,534 candidates), and holds
/// a ranking's offsets in 16 bits (a tied rank takes two slots more).
pub(crate) fn arena_holds_tied_ranks(contest: &Contest) -> bool {
    contest.candidates().len() < ballot::CandidateId::MAX_CANDIDATES
        && contest.ballots().equal_rankings().iter().all(|r| {
            let tied = r.ranks().filter(|k| k.len() > 1).count();
            r.candidates().len() + 2 * tied < usize::from(u16::MAX)
        })
}

/// A ranking with tied ranks as the arena holds it: its first preference
/// at the first stage, when every standing candidate is continuing (a
/// rank of one standing candidate is theirs, of none is passed over, of
/// two or more exhausts the paper: `None`, an invalid paper), and the
/// ranks after it, withdrawn candidates left out, a rank of two or more
/// as the tied-rank mark (the number of candidates + 1), its size and its
/// candidates.
fn encode_tied(r: &ballot::EqualRanking, standing: &[bool]) -> Option<(usize, Vec<u16>)> {
    let tie_mark = standing.len() as u16 + 1;
    let mut first = None;
    let mut rest = Vec::with_capacity(r.candidates().len() + 2);
    for rank in r.ranks() {
        let mut here = rank.iter().filter(|c| standing[c.index()]);
        let (one, more) = (here.next(), here.next());
        match (first, one, more) {
            (_, None, _) => {}
            (None, Some(c), None) => first = Some(c.index()),
            (None, Some(_), Some(_)) => return None,
            (Some(_), Some(c), None) => rest.push(c.index() as u16),
            (Some(_), Some(_), Some(_)) => {
                let members: Vec<u16> = rank
                    .iter()
                    .filter(|c| standing[c.index()])
                    .map(|c| c.index() as u16)
                    .collect();
                rest.push(tie_mark);
                rest.push(members.len() as u16);
                rest.extend(members);
            }
        }
    }
    first.map(|c| (c, rest))
}

/// Where a paper stops from the tied-rank mark at `rest[k]` on (see
/// [`Arena`]): the candidate and the offset of the last slot it takes
/// (the routed entry resumes after it), or `None` when it is exhausted.
/// A rank with no candidate a paper stops at is passed over; one with one
/// sends it there; one with two or more exhausts it (RCTab's
/// `exhaustIfMultipleContinuing`).
#[cold]
fn tied_stop(rest: &[u16], mut k: usize, stops: &[bool]) -> Option<(u16, usize)> {
    let end_mark = stops.len() - 2;
    loop {
        if usize::from(rest[k]) == end_mark {
            return None;
        }
        if usize::from(rest[k]) < end_mark {
            return Some((rest[k], k));
        }
        let len = usize::from(rest[k + 1]);
        let members = &rest[k + 2..k + 2 + len];
        let mut continuing = members.iter().filter(|&&c| stops[usize::from(c)]);
        match (continuing.next(), continuing.next()) {
            (Some(_), Some(_)) => return None,
            (Some(&c), None) => return Some((c, k + 1 + len)),
            (None, _) => {}
        }
        k += 2 + len;
        k += rest[k..]
            .iter()
            .position(|&c| stops[usize::from(c)])
            .expect("a ranking closes with its end mark");
    }
}

/// Parcels with at least this many entries are routed on several threads.
const PARALLEL_ENTRIES: usize = 1 << 16;

/// Scratch space of [`route_part`], kept between calls so that routing a
/// parcel allocates only its destinations' entries, each at its final size.
#[derive(Clone, Debug, Default)]
struct RouteScratch {
    /// Per entry: (destination, how far its next preference lies), or
    /// `EXHAUSTED`.
    routes: Vec<(u16, u16)>,
    /// Per candidate: entries routed to it by this call.
    counts: Vec<u32>,
    /// The candidates given entries by this call.
    hit: Vec<u16>,
}

/// No continuing preference: a candidate index a `u16` ranking never holds
/// (at most 65,535 candidates, numbered from 0).
const EXHAUSTED: u16 = u16::MAX;

/// Sends each entry to its next continuing preference, appending it to
/// `dest_entries[d]` and its papers to `dest_papers[d]` (noting in `touched`
/// each destination whose entries were empty); returns the papers with no
/// continuing preference.
///
/// Two passes: the first finds every entry's destination (the search
/// through the rankings, the costly part) and counts them; the second
/// copies the entries into destinations reserved at their final size,
/// which a push-as-you-go loop spent a third of a count regrowing.
fn route_part(
    prefs: &[u16],
    hopeful: &[bool],
    entries: &[Entry],
    dest_entries: &mut [Vec<Entry>],
    dest_papers: &mut [u64],
    touched: &mut Vec<usize>,
    scratch: &mut RouteScratch,
) -> u64 {
    let mut exhausted_papers = 0u64;
    let RouteScratch {
        routes,
        counts,
        hit,
    } = scratch;
    if counts.len() < hopeful.len() {
        counts.resize(hopeful.len(), 0);
    }
    routes.clear();
    routes.reserve(entries.len());
    hit.clear();
    let end_mark = hopeful.len() - 2;
    for e in entries {
        // Every ranking ends with the end mark, which counts as hopeful.
        let rest = &prefs[e.start as usize..];
        let stop = match rest.iter().position(|&c| hopeful[usize::from(c)]) {
            Some(k) if usize::from(rest[k]) > end_mark => tied_stop(rest, k, hopeful),
            Some(k) if usize::from(rest[k]) < end_mark => Some((rest[k], k)),
            _ => None,
        };
        match stop {
            Some((d, k)) => {
                let du = usize::from(d);
                if counts[du] == 0 {
                    if dest_entries[du].is_empty() {
                        touched.push(du);
                    }
                    hit.push(d);
                }
                counts[du] += 1;
                dest_papers[du] += e.papers;
                // `k` < the ranking's length ≤ 65,535 candidates.
                routes.push((d, k as u16));
            }
            _ => {
                exhausted_papers += e.papers;
                routes.push((EXHAUSTED, 0));
            }
        }
    }
    for &d in hit.iter() {
        let d = usize::from(d);
        dest_entries[d].reserve(counts[d] as usize);
        counts[d] = 0;
    }
    for (e, &(d, k)) in entries.iter().zip(routes.iter()) {
        if d != EXHAUSTED {
            dest_entries[usize::from(d)].push(Entry {
                start: e.start + u32::from(k) + 1,
                papers: e.papers,
            });
        }
    }
    exhausted_papers
}

/// The transfer value of papers spread evenly over `papers` papers, each
/// worth `value` now: `surplus ÷ papers` rounded, and (ERS97 5.3.7) no more
/// than the paper's value when the rule caps it. No papers: nothing moves.
fn unweighted_tv<N: Number>(
    surplus: &N,
    papers: u64,
    value: &N,
    rule: &crate::rules::TransferValue,
    ctx: &N::Ctx,
) -> N {
    if papers == 0 {
        return N::zero();
    }
    let tv = N::div_count(surplus, papers, rule.rounding, ctx);
    if rule.cap_at_value && tv > *value {
        value.clone()
    } else {
        tv
    }
}

/// Groups items into batches of equal value, highest value first (ERS97
/// 5.4.2), keeping the order of arrival within a batch.
fn batches_by_value<T, N: Number>(mut items: Vec<T>, value: impl Fn(&T) -> &N) -> Vec<Vec<T>> {
    items.sort_by(|a, b| value(b).cmp(value(a)));
    let mut batches: Vec<Vec<T>> = Vec::new();
    for item in items {
        match batches.last_mut() {
            Some(batch) if value(&batch[0]) == value(&item) => batch.push(item),
            _ => batches.push(vec![item]),
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::Rounding;
    use crate::rules::{Rules, TransferValue};

    const P2: FixedCtx = FixedCtx { places: 2 };

    fn f2(s: &str) -> Fixed {
        let (w, f) = s.split_once('.').unwrap_or((s, "00"));
        Fixed(format!("{w}{f:0<2}").parse().unwrap())
    }

    fn ers97_tv() -> TransferValue {
        TransferValue {
            rounding: Rounding::truncate(2),
            steps: crate::rules::TvSteps::Single,
            cap_at_value: true,
        }
    }

    /// (vote, quota, papers examined, value, non-transferable papers) →
    /// (surplus, transfer value, transferred, non-transferable difference).
    fn ers97_surplus(vote: &str, quota: &str, papers: u64, value: &str, nt: u64) -> [String; 4] {
        let surplus = f2(vote).sub(&f2(quota));
        let transferable = papers - nt;
        let tv = unweighted_tv(&surplus, transferable, &f2(value), &ers97_tv(), &P2);
        let moved = tv.mul_count(transferable);
        [&surplus, &tv, &moved, &surplus.sub(&moved)].map(|x| x.decimal(2, &P2))
    }

    #[test]
    fn unique_names_of_sixty_five_thousand_candidates_take_a_map_not_a_square() {
        // Issue "bounded cost", item 2: every name was compared with every
        // other (17.7 s at 65,535 candidates). Shared names get `#n`.
        let n = 65_535;
        let candidates = (1..=n)
            .map(|i| {
                let name = if i % 1000 == 0 {
                    "Same".into()
                } else {
                    format!("C{i}")
                };
                ballot::Candidate::named(i, name)
            })
            .collect();
        let contest = Contest::new(
            "w",
            "W",
            1,
            candidates,
            ballot::BallotsBuilder::new(n).build(),
        )
        .unwrap();
        let start = std::time::Instant::now();
        let names = unique_names(&contest);
        // A generous bound: the map takes milliseconds, the square minutes
        // in a test build.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(names[998], "C999");
        assert_eq!(names[999], "Same #1000");
        assert_eq!(names[64_999], "Same #65000");
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), n);
    }

    #[test]
    fn routing_on_several_threads_gives_exactly_the_serial_count() {
        // A generated Senate-like contest whose larger parcels are routed in
        // parts (threshold lowered so that many are).
        let contest = recount_testkit::contest(recount_testkit::Spec::senate(30_000), 7);
        let (arena, first) = Arena::new(&contest);
        for rules in [Rules::wigm(), Rules::ers97()] {
            let ctx = FixedCtx {
                places: rules.fixed_places().unwrap(),
            };
            let g = rules.gregory().unwrap();
            let mut serial = Counter::<Fixed>::new(&contest, &arena, &rules, g, ctx).unwrap();
            serial.threads = 1;
            let serial = serial.run(first.clone());
            for threads in [2, 3, 5] {
                let mut parallel = Counter::<Fixed>::new(&contest, &arena, &rules, g, ctx).unwrap();
                parallel.parallel_entries = 1024;
                parallel.threads = threads;
                assert!(first.iter().map(Vec::len).sum::<usize>() > 8 * parallel.parallel_entries);
                assert_eq!(parallel.run(first.clone()), serial, "{threads} threads");
            }
        }
    }

    #[test]
    fn ers97_exercise_9_3_first_stage_surpluses() {
        // RULES.md §11.2 9.3: vote / quota / NT papers → surplus, TV, transferred, NT
        // difference. At the first stage every paper is worth 1 and all are examined.
        assert_eq!(
            ers97_surplus("127", "88.91", 127, "1", 4),
            ["38.09", "0.30", "36.90", "1.19"]
        );
        assert_eq!(
            ers97_surplus("867", "833", 867, "1", 17),
            ["34.00", "0.04", "34.00", "0.00"]
        );
        assert_eq!(
            ers97_surplus("1635", "1149", 1635, "1", 14),
            ["486.00", "0.29", "470.09", "15.91"]
        );
        // TV truncates to 0.00: the whole surplus is the NT difference (RULES.md §10.4).
        assert_eq!(
            ers97_surplus("1327", "1315", 1327, "1", 10),
            ["12.00", "0.00", "0.00", "12.00"]
        );
    }

    #[test]
    fn ers97_exercise_9_4_later_surpluses_from_the_last_batch() {
        // 9.4: vote / quota / last batch / NT papers.
        // 84 papers worth 84.00 ≤ surplus 90.24: each keeps its value 1.00 (5.3.7).
        assert_eq!(
            ers97_surplus("1073.24", "983", 93, "1.00", 9),
            ["90.24", "1.00", "84.00", "6.24"]
        );
        assert_eq!(
            ers97_surplus("62.70", "59.43", 8, "0.63", 0),
            ["3.27", "0.40", "3.20", "0.07"]
        );
        // T(18.54/80) = 0.23 is capped at the batch's value 0.21.
        assert_eq!(
            ers97_surplus("832.54", "814", 98, "0.21", 18),
            ["18.54", "0.21", "16.80", "1.74"]
        );
        assert_eq!(
            ers97_surplus("1287.81", "1152", 167, "1.00", 19),
            ["135.81", "0.91", "134.68", "1.13"]
        );
    }

    #[test]
    fn ers97_exercise_9_5_batches_by_value_highest_first() {
        // 9.5(a)'s answer is 145@1, 75@0.30, 36@0.12. The parcels below are a
        // reconstruction (the exercise's own parcels are not in RULES.md): the
        // papers at value 1 arrive in two parcels and must form one batch.
        let parcels = vec![
            (f2("0.30"), 75u64),
            (f2("1"), 100),
            (f2("0.12"), 36),
            (f2("1"), 45),
        ];
        let batches = batches_by_value(parcels, |p| &p.0);
        let summary: Vec<(String, u64)> = batches
            .iter()
            .map(|b| (b[0].0.decimal(2, &P2), b.iter().map(|p| p.1).sum()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("1.00".into(), 145),
                ("0.30".into(), 75),
                ("0.12".into(), 36)
            ]
        );
        // 9.5(b): 17@1, 127@0.18, 55@0.07.
        let parcels = vec![(f2("0.07"), 55u64), (f2("0.18"), 127), (f2("1"), 17)];
        let summary: Vec<(String, u64)> = batches_by_value(parcels, |p| &p.0)
            .iter()
            .map(|b| (b[0].0.decimal(2, &P2), b[0].1))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("1.00".into(), 17),
                ("0.18".into(), 127),
                ("0.07".into(), 55)
            ]
        );
    }
}
