//! The iterative methods: Meek (Hill–Wichmann–Woodall 1987, Hill 2006, the
//! PR Foundation reference rule, New Zealand Local Electoral Regulations 2001
//! Sch. 1A) and Warren, counted from keep values instead of parcels.
//!
//! The iterative strategy: the count of every [`Rules`] of the iterative
//! family. The quota's divisor, rounding and increment, the election test,
//! the arithmetic and the tie chain are read from the [`Rules`] fields every
//! method shares; what only iterative methods have is in [`Iterative`]
//! (`rules/iterative.rs`, with the presets in `rules/presets.rs`).
//!
//! Each round (PRF B.2) distributes **every** paper again from scratch
//! with the candidates' current keep values. Papers are never visited one
//! by one: the distinct rankings (withdrawn candidates removed) are laid out
//! as a tree of prefixes in depth-first order, each node holding the number
//! of papers whose ranking passes through it. All those papers carry the
//! same weight there, so a node is visited once per iteration whatever its
//! paper count, and a subtree is not entered once the weight is spent — a
//! hopeful candidate (keep value 1) takes all of it. Most papers therefore
//! cost nothing after their first hopeful preference.
//!
//! A stage of the transcript is one round: the votes and keep values of its
//! last iteration, the number of iterations, and the candidates elected
//! or defeated at its end (the defeated still show the votes they had; they
//! hold none from the next stage on). Stage 1 is the first preferences.
//!
//! Rounding residue: where the rule rounds a keep value and takes the rest
//! as `w − keep` (PRF B.2.a), nothing is lost and `loss_by_fraction` is 0;
//! where it rounds the rest separately (Sch. 1A cl.10 read literally) the
//! difference `w − keep − rest` (negative when both round up) is summed as
//! the loss. In exact arithmetic, the transcript's truncated decimals of a
//! stage are made to add up by showing their truncation residue as the loss
//! (`specs/rules/meek.md`).

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
use crate::numbers::{Fixed, FixedCtx};
use crate::prefix_tree::{MAX_EQUAL_BRANCHES, MAX_EQUAL_BRANCHES_IN_ALL, Tree, Weigh, Weights};
use crate::progress::Observer;
use crate::record::{
    Counted, Finished, Run, decimal, figures, finish, recorded_entries, stage_figures, tie_order,
    unique_names,
};
use crate::rules::{Arithmetic, DefeatBatch, Iterative, IterativeQuotaVotes, Rules, WithoutVotes};
use crate::ties::{Forcing, History, InTurn, TieBreaker, decision};
use crate::transcript::{Action, ExclusionReason, Stage, TieDecision, TiePurpose};

/// Iterations allowed in one round before it is treated as stable (a
/// guard: with the stable-state test a round ends long before).
const MAX_ITERATIONS: u32 = 100_000;

impl<N: Weigh> DecidesTies for Meek<'_, N> {
    fn break_tie(&mut self, tied: &[usize], purpose: TiePurpose) -> usize {
        let (chosen, method) = self.tie_breaker.break_tie(&self.history, tied, purpose);
        self.ties
            .push(decision(&self.figure_names, purpose, tied, method, chosen));
        chosen
    }

    fn look_back(&mut self, tied: &[usize], purpose: TiePurpose) -> Option<usize> {
        let (chosen, method) = self.tie_breaker.look_back(&self.history, tied, purpose)?;
        self.ties
            .push(decision(&self.figure_names, purpose, tied, method, chosen));
        Some(chosen)
    }
}

/// Counts one contest under an iterative rule.
///
/// `tree` is the contest's prefix tree (`Tree::new`), which the count
/// splices as candidates fall.
pub(crate) fn count_contest(
    contest: &Contest,
    mut tree: Tree,
    rules: &Rules,
    it: &Iterative,
    run: Run,
    observer: Observer<'_>,
) -> Result<Counted, CountError> {
    // Constraints are checked feasible before stage 1 (specs/constraints.md
    // §4 duty 1), as the Gregory engine does.
    let (guard, substitution) =
        constrained::setup(contest, rules.constraint_method).map_err(CountError::Constraints)?;
    tree.threads = run.threads.max(1);
    let (most, all) = tree.tied_branches();
    for (branches, limit) in [(most, MAX_EQUAL_BRANCHES), (all, MAX_EQUAL_BRANCHES_IN_ALL)] {
        if branches > limit {
            return Err(CountError::EqualPreferenceBranches {
                contest: contest.id().to_owned(),
                branches,
                most: limit,
            });
        }
    }
    let setup = Setup {
        tree,
        guard,
        substitution,
        outcome_only: run.outcome_only,
        forced: run.forced,
    };
    match rules.arithmetic {
        Arithmetic::Fixed { places } => {
            Meek::<Fixed>::new(contest, rules, it, FixedCtx { places }, setup)?
                .observed(observer)
                .run()
        }
        Arithmetic::Rational => {
            Meek::<crate::numbers::Rational>::new(contest, rules, it, (), setup)?
                .observed(observer)
                .run()
        }
    }
}

/// What a count starts from besides the contest and its rules.
struct Setup {
    tree: Tree,
    guard: Option<Guard>,
    substitution: Option<ContestConstraints>,
    outcome_only: bool,
    forced: Forcing,
}

/// Why an iteration ended.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ended {
    Elected,
    Converged,
    Batch(Vec<usize>),
}

struct Meek<'a, N: Weigh> {
    contest: &'a Contest,
    rules: Rules,
    it: Iterative,
    ctx: N::Ctx,
    tree: Tree,
    /// Stages record no figures (an outcome-only count).
    outcome_only: bool,
    names: Vec<String>,
    /// The names again, shared by every stage's figures.
    figure_names: Arc<Names>,
    seats: usize,
    status: Vec<Standing>,
    kf: Vec<N>,
    votes: Vec<N>,
    exhausted: N,
    loss: N,
    quota: N,
    surplus: N,
    one: N,
    omega: N,
    elected: Vec<usize>,
    defeated: Vec<usize>,
    stages: Vec<Stage>,
    prev_totals: Vec<N>,
    /// Votes at the end of each stage, for tie-breaks.
    history: History<N>,
    ties: Vec<TieDecision>,
    tie_breaker: TieBreaker,
    /// Guard/doom, when the contest has constraints (specs/constraints.md §4).
    guard: Option<Guard>,
    /// The first failure of a constrained count (a broken duty).
    broken: Option<ConstraintError>,
    /// Figures and tie-record entries recorded so far.
    recorded: usize,
    /// The count passed `MAX_FIGURES`.
    too_large: bool,
    /// The substitution method's constraints, when it applies.
    substitution: Option<ContestConstraints>,
    substitutions: Vec<crate::transcript::SubstitutionRecord>,
    /// Told after each round (`progress.rs`).
    observer: Observer<'a>,
}

impl<'a, N: Weigh> Meek<'a, N> {
    fn new(
        contest: &'a Contest,
        rules: &Rules,
        it: &Iterative,
        ctx: N::Ctx,
        setup: Setup,
    ) -> Result<Self, CountError> {
        let Setup {
            tree,
            guard,
            substitution,
            outcome_only,
            forced,
        } = setup;
        let n = contest.candidates().len();
        let names = unique_names(contest);
        let order = tie_order(contest, rules, &names)?;
        let mut status = vec![Standing::Hopeful; n];
        for w in contest.withdrawn() {
            status[w.index()] = Standing::Withdrawn;
        }
        let one = N::from_count(1, &ctx);
        let kf = status
            .iter()
            .map(|s| {
                if *s == Standing::Hopeful {
                    one.clone()
                } else {
                    N::zero()
                }
            })
            .collect();
        let omega = N::unit(it.convergence.omega_places, &ctx);
        Ok(Meek {
            contest,
            rules: rules.clone(),
            it: *it,
            tree,
            outcome_only,
            figure_names: Names::new(names.clone()),
            names,
            seats: contest.seats() as usize,
            status,
            kf,
            votes: vec![N::zero(); n],
            exhausted: N::zero(),
            loss: N::zero(),
            quota: N::zero(),
            surplus: N::zero(),
            one,
            omega,
            elected: Vec::new(),
            defeated: Vec::new(),
            stages: Vec::new(),
            prev_totals: vec![N::zero(); n],
            history: History::new(n),
            ties: Vec::new(),
            tie_breaker: TieBreaker::new(&rules.ties, &order).forcing(forced),
            ctx,
            guard,
            broken: None,
            recorded: 0,
            too_large: false,
            substitution,
            substitutions: Vec::new(),
            observer: Observer::default(),
        })
    }

    fn observed(mut self, observer: Observer<'a>) -> Self {
        self.observer = observer;
        self
    }

    fn hopefuls(&self) -> Vec<usize> {
        (0..self.names.len())
            .filter(|&c| self.status[c] == Standing::Hopeful)
            .collect()
    }

    fn vacancies(&self) -> usize {
        self.seats.saturating_sub(self.elected.len())
    }

    fn run(mut self) -> Result<Counted, CountError> {
        // Round 0 (reported only): the first preferences, every kf 1.
        // Verdicts before any paper is counted are recorded at stage 1.
        self.constraints_changed();
        self.distribute();
        self.quota = self.compute_quota();
        self.push_stage(Action::FirstPreferences, 0, Vec::new(), Vec::new());
        // B.1: while hopeful > seats left > 0.
        while self.vacancies() > 0
            && self.hopefuls().len() > self.vacancies()
            && self.broken.is_none()
            && !self.too_large
        {
            let stage = self.stages.last().map_or(0, |s| s.number);
            let (id, vacancies) = (self.contest.id(), self.vacancies());
            self.observer
                .report(id, stage, self.hopefuls().len(), vacancies);
            // specs/constraints.md §4 duties 3 and 7: the doomed are
            // defeated together at the next opportunity, before any
            // iteration, in a stage of their own (no paper moves until the
            // next round redistributes with their keep values at 0).
            let doomed = self.guard.as_ref().map(Guard::doomed).unwrap_or_default();
            if !doomed.is_empty() {
                for &c in &doomed {
                    self.defeat(c);
                }
                self.constraints_changed();
                let action = Action::Exclusion {
                    candidates: doomed.iter().map(|&c| self.names[c].clone()).collect(),
                    transfer_value: None,
                    reason: Some(ExclusionReason::Doomed),
                    passed_over_guarded: Vec::new(),
                };
                self.push_stage(action, 0, Vec::new(), doomed);
                continue;
            }
            let (ended, iterations, elected) = self.iterate();
            match ended {
                Ended::Elected => {
                    self.push_stage(Action::Round, iterations, elected, Vec::new());
                }
                Ended::Batch(set) => {
                    for &c in &set {
                        self.defeat(c);
                    }
                    self.constraints_changed();
                    self.push_stage(Action::Round, iterations, elected, set);
                }
                Ended::Converged => {
                    let set = self.choose_defeat();
                    for &c in &set {
                        self.defeat(c);
                    }
                    self.constraints_changed();
                    self.push_stage(Action::Round, iterations, elected, set);
                }
            }
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
        let defeated_before_c = self.defeated.len();
        // C: elect the remaining hopeful if places remain, else defeat them.
        let rest = self.hopefuls();
        if !rest.is_empty() {
            let mut rest = rest;
            rest.sort_by(|&a, &b| self.votes[b].cmp(&self.votes[a]).then(a.cmp(&b)));
            let (mut won, mut lost) = (Vec::new(), Vec::new());
            for c in rest {
                if self.elected.len() < self.seats {
                    self.status[c] = Standing::Elected;
                    self.elected.push(c);
                    won.push(c);
                } else {
                    self.defeat(c);
                    lost.push(c);
                }
            }
            // One distribution for the sheet, with the final keep values:
            // the defeated hold nothing, as they hold nothing in the result.
            // No decision depends on it.
            self.distribute();
            self.quota = self.compute_quota();
            self.push_stage(Action::ElectRemaining, 1, won, lost);
        }
        if let Some(cc) = self.substitution.take() {
            // specs/constraints.md §5b: runners-up are those defeated at C
            // (most votes first, as C took them), then the earlier defeated,
            // last defeated first.
            let mut runners_up = self.defeated[defeated_before_c..].to_vec();
            runners_up.extend(self.defeated[..defeated_before_c].iter().rev());
            let (result, swaps) =
                constrained::substitute(&cc, &self.elected, &runners_up, &self.names)
                    .map_err(CountError::Constraints)?;
            self.elected = result;
            self.substitutions = swaps;
        }
        Ok(self.finish())
    }

    /// Recomputes guard/doom after a change of status (duty 2), noting new
    /// verdicts for the next stage record; a state that cannot be completed
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

    /// True when defeating all of `set` at once leaves the constraints
    /// possible and defeats nobody guarded (duty 5).
    fn may_defeat_together(&self, set: &[usize]) -> bool {
        let Some(guard) = &self.guard else {
            return true;
        };
        !set.iter().any(|&c| guard.is_guarded(c)) && guard.allows_excluding(&self.status, set)
    }

    fn defeat(&mut self, c: usize) {
        self.status[c] = Standing::Excluded;
        self.kf[c] = N::zero();
        self.tree.defeated(c);
        self.defeated.push(c);
    }

    /// B.2: iterations until an election, convergence or a batch of sure
    /// losers; returns why, how many, and who was elected (in order).
    fn iterate(&mut self) -> (Ended, u32, Vec<usize>) {
        let mut last: Option<N> = None;
        let mut iterations = 0;
        loop {
            self.distribute();
            iterations += 1;
            self.quota = self.compute_quota();
            let elected = self.elect_qualified();
            self.surplus = self.total_surplus();
            if !elected.is_empty() {
                return (Ended::Elected, iterations, elected);
            }
            let conv = self.it.convergence;
            let small = self.surplus_is_small();
            let stable = conv.stable_state && last.as_ref().is_some_and(|l| self.surplus >= *l);
            if small || stable || iterations >= MAX_ITERATIONS {
                return (Ended::Converged, iterations, Vec::new());
            }
            if self.it.defeat.batch == DefeatBatch::SureLosers
                && let Some(set) = self.sure_losers()
                && self.may_defeat_together(&set)
            {
                return (Ended::Batch(set), iterations, Vec::new());
            }
            last = Some(self.surplus.clone());
            self.update_keep_values();
        }
    }

    /// B.2.e: the total surplus is within the convergence limit.
    fn surplus_is_small(&self) -> bool {
        if self.it.convergence.at_most {
            self.surplus <= self.omega
        } else {
            self.surplus < self.omega
        }
    }

    /// B.2.a: every paper from weight 1 through the tree.
    fn distribute(&mut self) {
        let tally = self.tree.distribute(&Weights {
            kf: &self.kf,
            one: &self.one,
            method: self.it.kind,
            keep_rounding: self.it.keep_rounding,
            remainder: self.it.remainder,
            ctx: &self.ctx,
        });
        self.votes = tally.votes;
        self.exhausted = tally.exhausted;
        self.loss = tally.loss;
    }

    fn compute_quota(&self) -> N {
        let base = match self.it.quota.votes {
            IterativeQuotaVotes::CandidateVotes => {
                let mut total = N::zero();
                for v in &self.votes {
                    total = total.add(v);
                }
                total
            }
            IterativeQuotaVotes::ValidLessNonTransferable => {
                N::from_count(self.tree.valid, &self.ctx).sub(&self.exhausted)
            }
        };
        election::quota(&self.rules.quota, &base, self.seats, &self.ctx)
    }

    fn meets(&self, v: &N) -> bool {
        election::meets(self.rules.election.criterion, v, &self.quota)
    }

    /// B.2.c: elects every hopeful candidate at the quota, most votes first
    /// (never more than the places left).
    fn elect_qualified(&mut self) -> Vec<usize> {
        // specs/constraints.md §4 duty 4: never the doomed, even at the
        // quota (they are defeated at the next opportunity instead).
        let q: Vec<usize> = self
            .hopefuls()
            .into_iter()
            .filter(|&c| self.meets(&self.votes[c]) && !self.is_doomed(c))
            .collect();
        // ERS97 5.6.2 where the rule asks for it: an unseparated tie for
        // the last places elects none of them this round.
        let votes = std::mem::take(&mut self.votes);
        let vacancies = self.vacancies();
        let unseparated = self.rules.election.unseparated_at_last_place;
        let ordered = order_of_election(self, q, &votes, vacancies, unseparated);
        self.votes = votes;
        // One at a time, since one election can doom the next.
        let mut won = Vec::new();
        for c in ordered {
            if self.vacancies() == 0 {
                break;
            }
            if self.is_doomed(c) {
                continue;
            }
            self.status[c] = Standing::Elected;
            self.elected.push(c);
            won.push(c);
            self.constraints_changed();
        }
        won
    }

    /// B.2.d: Σ (v − q) over the elected, not below 0.
    fn total_surplus(&self) -> N {
        let mut s = N::zero();
        for &c in &self.elected {
            s = s.add(&self.votes[c].sub(&self.quota));
        }
        s.clamp_zero()
    }

    /// B.2.f: `kf ← round(round(kf × q) ÷ v)` for each elected candidate.
    fn update_keep_values(&mut self) {
        let u = self.it.keep_value_update;
        for &c in &self.elected {
            let v = &self.votes[c];
            if v.is_zero() {
                continue;
            }
            let kf = &self.kf[c];
            self.kf[c] = if u.stepwise {
                let a = N::mul(kf, &self.quota, u.rounding, &self.ctx);
                N::div(&a, v, u.rounding, &self.ctx)
            } else {
                N::mul_div(kf, &self.quota, v, u.rounding, &self.ctx)
            };
        }
    }

    /// Hopeful candidates by votes, lowest first.
    fn by_votes(&self) -> Vec<usize> {
        let mut h = self.hopefuls();
        h.sort_by(|&a, &b| self.votes[a].cmp(&self.votes[b]).then(a.cmp(&b)));
        h
    }

    /// Droop's `defeat_batch=safe`: see [`DefeatBatch::SureLosers`].
    fn sure_losers(&self) -> Option<Vec<usize>> {
        let sorted = self.by_votes();
        // Groups of candidates each within the surplus of its group's lowest.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for &c in &sorted {
            match groups.last_mut() {
                Some(g) if self.votes[g[0]].add(&self.surplus) >= self.votes[c] => g.push(c),
                _ => groups.push(vec![c]),
            }
        }
        let max_defeat = sorted.len().saturating_sub(self.vacancies());
        let mut total = N::zero();
        let mut count = 0;
        let mut best = None;
        for g in 0..groups.len().saturating_sub(1) {
            count += groups[g].len();
            if count > max_defeat {
                break;
            }
            for &c in &groups[g] {
                total = total.add(&self.votes[c]);
            }
            if total.add(&self.surplus) < self.votes[groups[g + 1][0]] {
                best = Some(g);
            }
        }
        let g = best?;
        let mut set: Vec<usize> = groups[..=g].iter().flatten().copied().collect();
        set.sort_unstable();
        Some(set)
    }

    /// B.3: the candidate(s) to defeat after convergence: the lowest
    /// among the unguarded (specs/constraints.md §4 duty 5; ties among the
    /// unguarded only).
    fn choose_defeat(&mut self) -> Vec<usize> {
        let all = self.by_votes();
        let mut sorted: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&c| !self.is_guarded(c))
            .collect();
        if sorted.is_empty() {
            // Cannot happen: with more hopefuls than places, not all are in
            // every completion. Were it to, the count goes on unguarded and
            // the next recomputation stops it as broken.
            sorted = all.clone();
        }
        if self.it.defeat.batch == DefeatBatch::ZeroVotes {
            let zero: Vec<usize> = sorted
                .iter()
                .copied()
                .filter(|&c| self.votes[c].is_zero())
                .collect();
            if zero.len() > 1
                && all.len() - zero.len() >= self.vacancies()
                && self.may_defeat_together(&zero)
            {
                return zero;
            }
        }
        let low = self.votes[sorted[0]].clone();
        let limit = if self.it.defeat.ties_within_surplus {
            low.add(&self.surplus)
        } else {
            low
        };
        let tied: Vec<usize> = sorted
            .into_iter()
            .filter(|&c| self.votes[c] <= limit)
            .collect();
        if tied.len() == 1 {
            return tied;
        }
        // Candidates with no votes (specs/transcript.md, "no-votes"): when
        // every tied candidate holds nothing, defeating one of them moves no
        // paper, so when this round converged on a small surplus (not on a
        // stable state or the iteration limit, after which the next round
        // would iterate again), the next converges at once on the same
        // figures and the same tie: all the defeats that would follow are
        // made in this round, by the same decisions.
        if self.rules.candidates_without_votes == WithoutVotes::Together
            && self.surplus_is_small()
            && self.guard.is_none()
            && tied.iter().all(|&c| self.votes[c].is_zero())
            && self.tie_breaker.inseparable(&self.history, &tied)
        {
            let room = all.len() - self.vacancies();
            let run = InTurn::exclusions(&mut self.tie_breaker, &tied, room);
            self.ties.push(run.record(&self.figure_names));
            return run.order;
        }
        vec![self.break_tie(&tied, TiePurpose::Exclusion)]
    }

    // ----- ties -----------------------------------------------------------

    // ----- records ----------------------------------------------------------

    fn dec(&self, x: &N) -> Decimal {
        decimal(x, self.rules.display_places, &self.ctx)
    }

    fn push_stage(
        &mut self,
        action: Action,
        iterations: u32,
        elected: Vec<usize>,
        defeated: Vec<usize>,
    ) {
        let number = self.stages.len() as u32 + 1;
        let places = self.rules.display_places;
        let (quota, totals, transfers, exhausted, loss, keep) = if self.outcome_only {
            // Every decision as in a full count; no figure written.
            let none = || Figures::empty(self.figure_names.clone(), places);
            let zero = || Decimal::from_integer(0);
            (zero(), none(), none(), zero(), zero(), None)
        } else {
            let (totals, transfers) = stage_figures(
                &self.figure_names,
                &self.votes,
                (!self.stages.is_empty()).then_some(&self.prev_totals[..]),
                places,
                &self.ctx,
            );
            // Defeated candidates' keep values are shown as they were during
            // the stage (the defeat zeroes them for the next one).
            let mut kept = self.kf.clone();
            for &c in &defeated {
                kept[c] = self.one.clone();
            }
            let keep = figures(&self.figure_names, &kept, places, &self.ctx);
            let exhausted = self.dec(&self.exhausted);
            let loss = if matches!(self.rules.arithmetic, Arithmetic::Rational) {
                // The truncation residue of the displayed figures, so that
                // the sheet adds up to the valid votes (the exact loss is 0).
                let valid = self
                    .dec(&N::from_count(self.tree.valid, &self.ctx))
                    .mantissa();
                let shown: i128 =
                    totals.values().map(|v| v.mantissa()).sum::<i128>() + exhausted.mantissa();
                Decimal::new(valid - shown, places).expect("a residue below the valid votes")
            } else {
                self.dec(&self.loss)
            };
            self.prev_totals.clone_from(&self.votes);
            let quota = self.dec(&self.quota);
            (quota, totals, transfers, exhausted, loss, Some(keep))
        };
        self.history.record(number, true, &self.votes);
        self.stages.push(Stage {
            number,
            sub_stage: None,
            action,
            quota,
            totals,
            transfers,
            exhausted,
            loss_by_fraction: loss,
            elected: elected.iter().map(|&c| self.names[c].clone()).collect(),
            excluded: defeated.iter().map(|&c| self.names[c].clone()).collect(),
            ties: std::mem::take(&mut self.ties),
            keep_values: keep,
            iterations: Some(iterations),
            constraints: self
                .guard
                .as_mut()
                .map(Guard::take_decisions)
                .unwrap_or_default(),
        });
        if let Some(stage) = self.stages.last() {
            self.recorded += recorded_entries(stage);
            self.too_large = self.recorded > MAX_FIGURES;
        }
    }

    fn finish(self) -> Counted {
        let valid_votes = self.dec(&N::from_count(self.tree.valid, &self.ctx));
        let record = finish(Finished {
            contest: self.contest,
            rules: &self.rules,
            lot_drawn: self.tie_breaker.draws() > 0,
            valid_papers: self.tree.valid,
            invalid_papers: self.tree.invalid,
            valid_votes,
            elected: &self.elected,
            excluded: &self.defeated,
            substitutions: self.substitutions,
            stages: self.stages,
            names: self.names,
        });
        Counted {
            record,
            drawn: self.tie_breaker.into_drawn(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::{Number, Rounding};
    use ballot::{BallotsBuilder, Candidate, CandidateId};

    const P9: FixedCtx = FixedCtx { places: 9 };

    fn id(i: usize) -> CandidateId {
        CandidateId::new(i).expect("a small index")
    }

    #[test]
    fn prefix_tree_visits_each_shared_prefix_once_with_its_paper_count() {
        // A B ×2, A B C ×3, B ×7, A C ×5, and "D A" ×11 with D withdrawn.
        let mut b = BallotsBuilder::new(4);
        for (r, n) in [
            (vec![0, 1], 2),
            (vec![0, 1, 2], 3),
            (vec![1], 7),
            (vec![0, 2], 5),
            (vec![3, 0], 11),
        ] {
            let r: Vec<CandidateId> = r.into_iter().map(id).collect();
            b.push(&r, n).expect("a ranking");
        }
        let cands = (1..=4)
            .map(|i| Candidate::named(i, format!("c{i}")))
            .collect();
        let contest = Contest::new("x", "x", 1, cands, b.build())
            .expect("a contest")
            .with_withdrawn([id(3)])
            .expect("withdrawn");
        let tree = Tree::new(&contest);
        let got: Vec<(u16, u64, u64, u32)> = tree
            .nodes
            .iter()
            .map(|n| (n.candidate, n.papers, n.ending, n.skip))
            .collect();
        // Depth-first: A (2+3+5+11; the 11 "D A" papers end at A) → B (5; 2
        // end) → C (3 end); C (5 end); then B (7 end). `skip` is the index
        // after each subtree.
        assert_eq!(
            got,
            vec![
                (0, 21, 11, 4),
                (1, 5, 2, 3),
                (2, 3, 3, 3),
                (2, 5, 5, 4),
                (1, 7, 7, 5)
            ]
        );
        assert_eq!((tree.valid, tree.invalid), (28, 0));
    }

    #[test]
    fn fast_keep_products_round_exactly_as_the_number_type() {
        // Up(w × kf, 9) by machine words equals the general (i128/big) path.
        let vals = [
            0,
            1,
            2,
            333_333_333,
            500_000_000,
            666_666_667,
            999_999_999,
            1_000_000_000,
        ];
        for &w in &vals {
            for &kf in &vals {
                for r in [Rounding::up(9), Rounding::truncate(9), Rounding::Exact] {
                    let fast = Fixed::times(&Fixed(w), &Fixed(kf), r, &P9);
                    let slow = Fixed::mul(&Fixed(w), &Fixed(kf), r, &P9);
                    assert_eq!(fast, slow, "{w} × {kf} {r:?}");
                }
            }
        }
        // 0.333333333 × 0.5 = 0.1666666665: up 0.166666667, truncated 0.166666666.
        let third = Fixed(333_333_333);
        let half = Fixed(500_000_000);
        assert_eq!(
            Fixed::times(&third, &half, Rounding::up(9), &P9),
            Fixed(166_666_667)
        );
        assert_eq!(
            Fixed::times(&third, &half, Rounding::truncate(9), &P9),
            Fixed(166_666_666)
        );
    }

    #[test]
    fn schedule_1a_clause_10_read_literally_rounds_both_parts_up() {
        // w = 0.5, kf = 0.333333333: keep = Up(0.1666666665) = 0.166666667,
        // rest = Up(0.5 × 0.666666667 = 0.3333333335) = 0.333333334: together
        // 0.500000001, a billionth more than the paper had — the loss row's −10^-9.
        let w = Fixed(500_000_000);
        let kf = Fixed(333_333_333);
        let one = Fixed(1_000_000_000);
        let keep = Fixed::times(&w, &kf, Rounding::up(9), &P9);
        let rest = Fixed::times(&w, &one.sub(&kf), Rounding::up(9), &P9);
        assert_eq!((keep, rest), (Fixed(166_666_667), Fixed(333_333_334)));
        assert_eq!(w.sub(&keep).sub(&rest), Fixed(-1));
    }

    fn contest_of(rankings: &[(&[usize], u64)], candidates: usize, seats: u32) -> Contest {
        let mut b = BallotsBuilder::new(candidates);
        for (r, n) in rankings {
            let r: Vec<CandidateId> = r.iter().map(|&i| id(i)).collect();
            b.push(&r, *n).expect("a ranking");
        }
        let cands = (1..=candidates)
            .map(|i| Candidate::named(i, ["A", "B", "C", "D", "E"][i - 1]))
            .collect();
        Contest::new("x", "x", seats, cands, b.build()).expect("a contest")
    }

    #[test]
    fn nz_calculator_zero_vote_batch_defeats_every_unsupported_candidate_at_once() {
        // A 5, B 3, C 2 (then B), D and E none; one seat. Nobody reaches
        // the quota (5.000000001) until one is left. Sch. 1A, one a round:
        // D, then E (D and E equal at every stage: lot), then C, then B
        // (C's papers bring B to 5 = A's; forward, at stage 1 B had 3).
        // The Calculator's reading (OpenSTV): D and E together first.
        let c = contest_of(&[(&[0], 5), (&[1], 3), (&[2, 1], 2)], 5, 1);
        let e = ballot::Election::single(c);
        let defeats = |rules: &Rules| -> (Vec<Vec<String>>, Vec<String>) {
            let t = crate::count(&e, rules).expect("a count");
            let c = &t.contests[0];
            let rounds = c
                .stages
                .iter()
                .filter(|s| !s.excluded.is_empty())
                .map(|s| s.excluded.clone())
                .collect();
            (rounds, c.elected.clone())
        };
        let v = |names: &[&str]| -> Vec<String> { names.iter().map(|s| (*s).to_owned()).collect() };
        let one_a_round = Rules {
            candidates_without_votes: crate::rules::WithoutVotes::OneAtATime,
            ..Rules::nz_meek()
        };
        let (rounds, elected) = defeats(&one_a_round);
        assert_eq!(rounds.len(), 4, "{rounds:?}");
        let first_two_in_order =
            |r: &[Vec<String>]| -> Vec<String> { [r[0].clone(), r[1].clone()].concat() };
        let mut first_two = first_two_in_order(&rounds);
        first_two.sort();
        assert_eq!((rounds[0].len(), first_two), (1, v(&["D", "E"])));
        assert_eq!(rounds[2..], [v(&["C"]), v(&["B"])]);
        assert_eq!(elected, v(&["A"]));
        // recount's default (specs/rules/README.md): D and E hold nothing,
        // so they go in one round, in the order and by the draw that the
        // rounds one a round took.
        let (together, elected) = defeats(&Rules::nz_meek());
        assert_eq!(together.len(), 3, "{together:?}");
        assert_eq!(together[0], first_two_in_order(&rounds));
        assert_eq!(together[1..], [v(&["C"]), v(&["B"])]);
        assert_eq!(elected, v(&["A"]));
        let mut calculator = Rules::nz_meek();
        if let Some(it) = calculator.iterative_mut() {
            it.defeat.batch = DefeatBatch::ZeroVotes;
        }
        let (rounds, elected) = defeats(&calculator);
        assert_eq!(rounds, [v(&["D", "E"]), v(&["C"]), v(&["B"])]);
        assert_eq!(elected, v(&["A"]));
    }

    #[test]
    fn constrained_contests_are_counted_by_guard_doom_and_by_reserved_places() {
        // Al 40 Bo 35 Cy 15 Di 10, two seats, at least one woman (Cy, Di).
        let mut c = contest_of(
            &[(&[0, 1], 40), (&[1, 0], 35), (&[2, 3], 15), (&[3, 2], 10)],
            4,
            2,
        );
        for (i, g) in ["man", "man", "woman", "woman"].into_iter().enumerate() {
            c.candidates_mut()[i]
                .attributes
                .insert("gender".into(), g.into());
        }
        c.set_constraints(vec![ballot::constraints::Constraint::at_least(
            "gender", "woman", 1,
        )])
        .expect("constraints");
        let e = ballot::Election::single(c);
        // Guard/doom: Al (40 > 33.33) is elected in round 1; one place is
        // left and it must go to a woman, so Bo is doomed and defeated;
        // then Di (10) is the lowest and Cy takes the place.
        let t = crate::count(&e, &Rules::meek()).expect("a count");
        assert_eq!(t.contests[0].elected, ["A", "C"]);
        // Reserved places: a Meek count among the women for one place (C, 15
        // against D's 10), then an open count for the other (A).
        let reserved = Rules {
            constraint_method: crate::rules::ConstraintMethod::ReservedPlaces,
            ..Rules::meek()
        };
        let t = crate::count(&e, &reserved).expect("a count");
        let elected: Vec<&str> = t
            .contests
            .iter()
            .flat_map(|c| c.elected.iter().map(String::as_str))
            .collect();
        assert_eq!(elected, ["C", "A"]);
    }
}
