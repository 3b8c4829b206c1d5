//! Counting with representation constraints (`specs/constraints.md`): the
//! exact feasibility check, the Grey–Fitzgerald guard/doom sets a
//! constrained count consults after every stage, and the count-free halves
//! of the two named alternatives: the sequence of counts of the
//! reserved-places method ([`ContestConstraints::reserved_plan`]) and the
//! swaps of the substitution method ([`ContestConstraints::substitute`]).
//! The constraints themselves, their checks against the candidates and
//! their files are `ballot::constraints`; this module never looks at ballots.
//!
//! ```
//! use ballot::constraints::{Constraint, read_attributes};
//! use ballot::{BallotsBuilder, Candidate, Contest, Election};
//! use count::constraints::{ContestConstraints, Standing};
//!
//! let names = ["Ann", "Bob", "Cy", "Di"];
//! let cands = names.iter().enumerate().map(|(i, n)| Candidate::named(i + 1, *n)).collect();
//! let contest = Contest::new("w", "Ward", 2, cands, BallotsBuilder::new(4).build()).unwrap();
//! let mut election = Election::single(contest);
//! read_attributes(b"name,gender\nAnn,woman\nBob,man\nCy,man\nDi,woman\n", &mut election).unwrap();
//! let contest = &election.contests()[0];
//! let cons = ContestConstraints::new(contest, vec![Constraint::at_least("gender", "woman", 1)]).unwrap();
//! cons.check_feasible().unwrap();
//!
//! // Bob elected, Cy excluded: one place left, and it must go to a woman,
//! // but either woman will do.
//! let state = [Standing::Hopeful, Standing::Elected, Standing::Excluded, Standing::Hopeful];
//! assert!(cons.guard_doom(&state).unwrap().is_empty());
//! // After Ann's exclusion Di, the only woman left, is guarded; the other
//! // place is open to either man.
//! let state = [Standing::Excluded, Standing::Hopeful, Standing::Hopeful, Standing::Hopeful];
//! let gd = cons.guard_doom(&state).unwrap();
//! assert_eq!(gd.guarded.len(), 1);
//! assert_eq!(gd.guarded[0].candidate.number(), 4);
//! assert!(gd.doomed.is_empty());
//! ```
//!
//! # Feasibility
//!
//! Candidates with the same values of every constrained attribute are
//! interchangeable as far as constraints go, so the search runs over these
//! *types* and how many of each to elect: an exact depth-first search with
//! bounds and a memo of failed partial choices. It is complete, so a "no" is
//! a proof that no conformant set of candidates exists.

use std::collections::{BTreeSet, HashSet};

use ballot::constraints::{Constraint, ConstraintError, ConstraintId};
use ballot::{CandidateId, Contest};

pub use crate::standing::Standing;

/// A guarded or doomed candidate and the constraints that force it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forced {
    /// The candidate.
    pub candidate: CandidateId,
    /// A smallest set of constraints that, with the seats, forces the
    /// verdict: together they cannot be met if the candidate is excluded
    /// (guarded) or elected (doomed). Empty when the number of places alone
    /// forces it (every remaining hopeful is needed to fill the seats).
    pub by: Vec<ConstraintId>,
}

/// The Grey–Fitzgerald sets for one count state, in candidate order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuardDoom {
    /// Hopefuls in every conformant completion: they must not be excluded.
    pub guarded: Vec<Forced>,
    /// Hopefuls in no conformant completion: they must not be elected.
    pub doomed: Vec<Forced>,
}

impl GuardDoom {
    /// True when the candidate is guarded.
    pub fn is_guarded(&self, c: CandidateId) -> bool {
        self.guarded.iter().any(|f| f.candidate == c)
    }

    /// True when the candidate is doomed.
    pub fn is_doomed(&self, c: CandidateId) -> bool {
        self.doomed.iter().any(|f| f.candidate == c)
    }

    /// True when nobody is guarded or doomed.
    pub fn is_empty(&self) -> bool {
        self.guarded.is_empty() && self.doomed.is_empty()
    }
}

/// The validated constraints of one contest, ready to check feasibility and
/// compute guard/doom. Built from a [`Contest`] whose candidates carry their
/// attributes; it keeps no reference to the contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestConstraints {
    contest: String,
    seats: u32,
    places: u32,
    candidates: usize,
    constraints: Vec<Constraint>,
    /// Attribute index of each constraint (into the sorted distinct attributes).
    constraint_attribute: Vec<usize>,
    /// Type of each candidate; `None` for the withdrawn.
    candidate_type: Vec<Option<usize>>,
    /// `members[c][t]`: type `t` is in constraint `c`'s group.
    members: Vec<Vec<bool>>,
    types: usize,
}

impl ContestConstraints {
    /// A contest with no constraints: everything is feasible, nobody is ever
    /// guarded or doomed except by the number of places.
    pub fn unconstrained(contest: &Contest) -> ContestConstraints {
        ContestConstraints::build(contest, Vec::new())
    }

    /// Validates `constraints` against the contest: each minimum at most its
    /// maximum and the seats; each attribute held by some candidate and known
    /// for every standing (non-withdrawn) one; no group constrained twice; at
    /// least `min` standing candidates in each group. Feasibility of all the
    /// constraints together is [`ContestConstraints::check_feasible`].
    pub fn new(
        contest: &Contest,
        constraints: Vec<Constraint>,
    ) -> Result<ContestConstraints, ConstraintError> {
        ballot::constraints::check(contest, &constraints)?;
        Ok(ContestConstraints::build(contest, constraints))
    }

    fn build(contest: &Contest, constraints: Vec<Constraint>) -> ContestConstraints {
        let attributes: Vec<&str> = constraints
            .iter()
            .map(|c| c.attribute.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let constraint_attribute = constraints
            .iter()
            .map(|c| {
                attributes
                    .iter()
                    .position(|a| *a == c.attribute)
                    .unwrap_or(0)
            })
            .collect();
        let mut keys: Vec<Vec<Option<&str>>> = Vec::new();
        let mut candidate_type = Vec::with_capacity(contest.candidates().len());
        for id in contest.candidate_ids() {
            if contest.withdrawn().contains(&id) {
                candidate_type.push(None);
                continue;
            }
            let cand = contest.candidate(id);
            let key: Vec<Option<&str>> = attributes
                .iter()
                .map(|a| cand.attributes.get(*a).map(String::as_str))
                .collect();
            let t = match keys.iter().position(|k| *k == key) {
                Some(t) => t,
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
            candidate_type.push(Some(t));
        }
        let members = constraints
            .iter()
            .map(|c| {
                let a = attributes
                    .iter()
                    .position(|x| *x == c.attribute)
                    .unwrap_or(0);
                keys.iter()
                    .map(|k| k[a] == Some(c.value.as_str()))
                    .collect()
            })
            .collect();
        let standing = candidate_type.iter().flatten().count();
        ContestConstraints {
            contest: contest.id().to_owned(),
            seats: contest.seats(),
            places: contest
                .seats()
                .min(u32::try_from(standing).unwrap_or(u32::MAX)),
            candidates: contest.candidates().len(),
            constraints,
            constraint_attribute,
            candidate_type,
            members,
            types: keys.len(),
        }
    }

    /// The contest's id.
    pub fn contest(&self) -> &str {
        &self.contest
    }

    /// The contest's seats.
    pub fn seats(&self) -> u32 {
        self.seats
    }

    /// Places the count fills: the seats, or the number of standing
    /// candidates if fewer stand.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The constraints, in order.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The constraint with this id.
    ///
    /// # Panics
    /// If the id is not one of this contest's.
    pub fn constraint(&self, id: ConstraintId) -> &Constraint {
        &self.constraints[id.index()]
    }

    /// The ids of the constraints, in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = ConstraintId> + use<> {
        (0..self.constraints.len())
            .map(|i| ConstraintId::new(i).expect("new() allows at most MAX_CONSTRAINTS"))
    }

    /// True when there are no constraints.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// True when `candidate` is in the group of constraint `id`.
    pub fn in_group(&self, id: ConstraintId, candidate: CandidateId) -> bool {
        match self
            .candidate_type
            .get(candidate.index())
            .copied()
            .flatten()
        {
            Some(t) => self.members.get(id.index()).is_some_and(|m| m[t]),
            None => false,
        }
    }

    /// The constraints a final result breaks, in order (empty: it conforms).
    /// Only the groups' counts are checked, not the number elected.
    pub fn unmet_by(&self, elected: &[CandidateId]) -> Vec<ConstraintId> {
        self.ids()
            .filter(|&id| {
                let n = elected.iter().filter(|&&c| self.in_group(id, c)).count();
                !self
                    .constraint(id)
                    .allows(u32::try_from(n).unwrap_or(u32::MAX))
            })
            .collect()
    }

    /// Before the count: can some `places` of the standing candidates meet
    /// every constraint? If not, the error names a smallest set of
    /// constraints that cannot be met together.
    pub fn check_feasible(&self) -> Result<(), ConstraintError> {
        self.check(&self.state_of(&[])?)
    }

    /// During the count: can the hopefuls still complete a conformant
    /// result with the candidates already elected? `state` has one entry per
    /// candidate of the contest; withdrawn candidates count as excluded
    /// whatever their entry says.
    pub fn check(&self, state: &[Standing]) -> Result<(), ConstraintError> {
        let tally = self.tally(state)?;
        if self.feasible(&tally.elected, &tally.hopeful, None) {
            Ok(())
        } else {
            Err(ConstraintError::Infeasible {
                contest: self.contest.clone(),
                places: self.places,
                elected: tally.elected.iter().sum(),
                unmet: self
                    .explain(&tally.elected, &tally.hopeful)
                    .into_iter()
                    .map(|id| (id, self.constraint(id).clone()))
                    .collect(),
            })
        }
    }

    /// The Grey–Fitzgerald sets for a count state: a hopeful is **guarded**
    /// when no conformant completion leaves them out, **doomed** when none
    /// takes them in. Exact: each is decided by the feasibility search, once
    /// per type of candidate (candidates with the same constrained
    /// attributes share their verdict). Errors when the state itself cannot
    /// be completed conformantly.
    pub fn guard_doom(&self, state: &[Standing]) -> Result<GuardDoom, ConstraintError> {
        self.check(state)?;
        let tally = self.tally(state)?;
        // Per type: None = free, Some((guarded?, reason)).
        let mut verdict: Vec<Option<(bool, Vec<ConstraintId>)>> = vec![None; self.types];
        for t in 0..self.types {
            if tally.hopeful[t] == 0 {
                continue;
            }
            let mut hopeful = tally.hopeful.clone();
            hopeful[t] -= 1;
            if !self.feasible(&tally.elected, &hopeful, None) {
                verdict[t] = Some((true, self.explain(&tally.elected, &hopeful)));
                continue;
            }
            let mut elected = tally.elected.clone();
            elected[t] += 1;
            if !self.feasible(&elected, &hopeful, None) {
                verdict[t] = Some((false, self.explain(&elected, &hopeful)));
            }
        }
        let mut out = GuardDoom::default();
        for (i, s) in state.iter().enumerate() {
            let Some(t) = self.candidate_type[i] else {
                continue;
            };
            if *s != Standing::Hopeful {
                continue;
            }
            if let (Some((guarded, by)), Some(candidate)) = (&verdict[t], CandidateId::new(i)) {
                let forced = Forced {
                    candidate,
                    by: by.clone(),
                };
                if *guarded {
                    out.guarded.push(forced);
                } else {
                    out.doomed.push(forced);
                }
            }
        }
        Ok(out)
    }

    fn tally(&self, state: &[Standing]) -> Result<Tally, ConstraintError> {
        if state.len() != self.candidates {
            return Err(ConstraintError::BadState {
                contest: self.contest.clone(),
                what: format!("{} entries for {} candidates", state.len(), self.candidates),
            });
        }
        let mut tally = Tally {
            elected: vec![0; self.types],
            hopeful: vec![0; self.types],
        };
        for (s, t) in state.iter().zip(&self.candidate_type) {
            match (s, t) {
                (Standing::Elected, Some(t)) => tally.elected[*t] += 1,
                (Standing::Hopeful, Some(t)) => tally.hopeful[*t] += 1,
                _ => {}
            }
        }
        Ok(tally)
    }

    /// Exact feasibility over types with the constraints in `active` (all
    /// when `None`).
    fn feasible(&self, elected: &[u32], hopeful: &[u32], active: Option<&[ConstraintId]>) -> bool {
        let all: Vec<ConstraintId>;
        let active = match active {
            Some(a) => a,
            None => {
                all = self.ids().collect();
                &all
            }
        };
        let done: u32 = elected.iter().sum();
        let Some(remaining) = self.places.checked_sub(done) else {
            return false;
        };
        let mut groups = Vec::with_capacity(active.len());
        for &id in active {
            let c = self.constraint(id);
            let members = &self.members[id.index()];
            let have: u32 = (0..self.types)
                .filter(|&t| members[t])
                .map(|t| elected[t])
                .sum();
            let cap = match c.max {
                Some(max) => match max.checked_sub(have) {
                    Some(cap) => cap,
                    None => return false,
                },
                None => u32::MAX,
            };
            groups.push(Group {
                members,
                need: c.min.saturating_sub(have),
                cap,
                attribute: self.constraint_attribute[id.index()],
            });
        }
        let mut search = Search::new(hopeful, groups, remaining);
        let mut sums = vec![0; search.groups.len()];
        search.go(0, &mut sums, 0)
    }

    /// A smallest set of constraints that cannot be met together in the
    /// (infeasible) problem; subsets are tried by size, then in order.
    fn explain(&self, elected: &[u32], hopeful: &[u32]) -> Vec<ConstraintId> {
        let ids: Vec<ConstraintId> = self.ids().collect();
        for size in 0..=ids.len() {
            let mut found = None;
            for_each_subset(&ids, size, &mut |subset| {
                if found.is_none() && !self.feasible(elected, hopeful, Some(subset)) {
                    found = Some(subset.to_vec());
                }
                found.is_none()
            });
            if let Some(f) = found {
                return f;
            }
            // Enumerating every subset is fine for the handful of
            // constraints real contests have; beyond that, a deletion filter
            // still gives an irreducible (if not smallest) set.
            if size >= 3 && ids.len() > 12 {
                return self.deletion_filter(elected, hopeful, ids);
            }
        }
        ids
    }

    fn deletion_filter(
        &self,
        elected: &[u32],
        hopeful: &[u32],
        mut ids: Vec<ConstraintId>,
    ) -> Vec<ConstraintId> {
        let mut i = 0;
        while i < ids.len() {
            let mut without = ids.clone();
            without.remove(i);
            if self.feasible(elected, hopeful, Some(&without)) {
                i += 1;
            } else {
                ids = without;
            }
        }
        ids
    }
}

/// Calls `f` on each `size`-subset of `items` in lexicographic order until it returns false.
fn for_each_subset<T: Copy>(items: &[T], size: usize, f: &mut dyn FnMut(&[T]) -> bool) {
    fn rec<T: Copy>(
        items: &[T],
        start: usize,
        size: usize,
        acc: &mut Vec<T>,
        f: &mut dyn FnMut(&[T]) -> bool,
    ) -> bool {
        if acc.len() == size {
            return f(acc);
        }
        for i in start..items.len() {
            if items.len() - i < size - acc.len() {
                break;
            }
            acc.push(items[i]);
            let go_on = rec(items, i + 1, size, acc, f);
            acc.pop();
            if !go_on {
                return false;
            }
        }
        true
    }
    rec(items, 0, size, &mut Vec::with_capacity(size), f);
}

struct Tally {
    elected: Vec<u32>,
    hopeful: Vec<u32>,
}

struct Group<'a> {
    members: &'a [bool],
    need: u32,
    cap: u32,
    attribute: usize,
}

/// Depth-first search over how many hopefuls of each type to elect.
struct Search<'a> {
    hopeful: &'a [u32],
    groups: Vec<Group<'a>>,
    remaining: u32,
    /// `rest[g][t]`: hopefuls of types `t..` in group `g`.
    rest: Vec<Vec<u32>>,
    rest_total: Vec<u32>,
    attributes: usize,
    failed: HashSet<(usize, Vec<u32>, u32)>,
}

impl<'a> Search<'a> {
    fn new(hopeful: &'a [u32], groups: Vec<Group<'a>>, remaining: u32) -> Search<'a> {
        let n = hopeful.len();
        let suffix = |pick: &dyn Fn(usize) -> bool| {
            let mut v = vec![0u32; n + 1];
            for t in (0..n).rev() {
                v[t] = v[t + 1] + if pick(t) { hopeful[t] } else { 0 };
            }
            v
        };
        let rest = groups.iter().map(|g| suffix(&|t| g.members[t])).collect();
        let rest_total = suffix(&|_| true);
        let attributes = groups.iter().map(|g| g.attribute + 1).max().unwrap_or(0);
        Search {
            hopeful,
            groups,
            remaining,
            rest,
            rest_total,
            attributes,
            failed: HashSet::new(),
        }
    }

    fn go(&mut self, t: usize, sums: &mut Vec<u32>, total: u32) -> bool {
        if total > self.remaining || total + self.rest_total[t] < self.remaining {
            return false;
        }
        let free = self.remaining - total;
        let mut deficit = vec![0u32; self.attributes];
        for (g, group) in self.groups.iter().enumerate() {
            if sums[g] > group.cap || sums[g] + self.rest[g][t] < group.need {
                return false;
            }
            // Groups on one attribute are disjoint, so their shortfalls need
            // distinct places.
            deficit[group.attribute] += group.need.saturating_sub(sums[g]);
        }
        if deficit.iter().any(|&d| d > free) {
            return false;
        }
        if t == self.hopeful.len() {
            return true;
        }
        let key = (t, sums.clone(), total);
        if self.failed.contains(&key) {
            return false;
        }
        let most = self.hopeful[t].min(free);
        for x in (0..=most).rev() {
            for (g, group) in self.groups.iter().enumerate() {
                if group.members[t] {
                    sums[g] += x;
                }
            }
            let ok = self.go(t + 1, sums, total + x);
            for (g, group) in self.groups.iter().enumerate() {
                if group.members[t] {
                    sums[g] -= x;
                }
            }
            if ok {
                return true;
            }
        }
        self.failed.insert(key);
        false
    }
}

// ---------------------------------------------------------------------------
// The named alternatives to guard/doom: the parts that need no count.

/// One swap made by [`ContestConstraints::substitute`]: `out` loses the
/// seat to `incoming` to bring `constraint` closer to being met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substitution {
    /// The elected candidate who loses the seat.
    pub out: CandidateId,
    /// The unelected candidate who takes it.
    pub incoming: CandidateId,
    /// The constraint the swap serves.
    pub constraint: ConstraintId,
}

/// One count of the reserved-places method: count the ballots among
/// `eligible` only (every other candidate withdrawn) for `places` seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservedCount {
    /// The minimum this count fills, or `None` for the open count.
    pub constraint: Option<ConstraintId>,
    /// The candidates who may be elected in it, in candidate order.
    pub eligible: Vec<CandidateId>,
    /// Seats to fill in it.
    pub places: u32,
}

/// The sequence of counts of the reserved-places method; see
/// [`ContestConstraints::reserved_plan`].
#[derive(Clone, Debug)]
pub struct ReservedPlan<'a> {
    constraints: &'a ContestConstraints,
    next: usize,
}

impl ReservedPlan<'_> {
    /// The next count to run, given everyone elected by the counts so far,
    /// or `None` when the plan is finished. A count is skipped when its
    /// minimum is already met; the open count comes last and fills the
    /// places left. Candidates doomed by the constraints (exactly, as in
    /// [`ContestConstraints::guard_doom`]) are not eligible.
    pub fn next_count(
        &mut self,
        elected: &[CandidateId],
    ) -> Result<Option<ReservedCount>, ConstraintError> {
        let cc = self.constraints;
        let state = cc.state_of(elected)?;
        let doomed = cc.guard_doom(&state)?;
        let hopeful =
            |c: CandidateId| state[c.index()] == Standing::Hopeful && !doomed.is_doomed(c);
        let n = cc.constraints.len();
        while self.next < n {
            let Some(id) = ConstraintId::new(self.next) else {
                break;
            };
            self.next += 1;
            let have = elected.iter().filter(|&&c| cc.in_group(id, c)).count();
            let places = cc.constraint(id).min.saturating_sub(count_u32(have));
            if places > 0 {
                return Ok(Some(ReservedCount {
                    constraint: Some(id),
                    eligible: cc
                        .all_ids()
                        .filter(|&c| hopeful(c) && cc.in_group(id, c))
                        .collect(),
                    places,
                }));
            }
        }
        if self.next == n {
            self.next += 1;
            let places = cc.places.saturating_sub(count_u32(elected.len()));
            if places > 0 {
                return Ok(Some(ReservedCount {
                    constraint: None,
                    eligible: cc.all_ids().filter(|&c| hopeful(c)).collect(),
                    places,
                }));
            }
        }
        Ok(None)
    }
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ContestConstraints {
    fn all_ids(&self) -> impl Iterator<Item = CandidateId> + use<> {
        (0..self.candidates).filter_map(CandidateId::new)
    }

    /// The count state with `elected` elected and every other standing
    /// candidate hopeful; errors on an id out of range, repeated or withdrawn.
    fn state_of(&self, elected: &[CandidateId]) -> Result<Vec<Standing>, ConstraintError> {
        let mut state: Vec<Standing> = self
            .candidate_type
            .iter()
            .map(|t| match t {
                Some(_) => Standing::Hopeful,
                None => Standing::Excluded,
            })
            .collect();
        for &c in elected {
            match state.get(c.index()) {
                Some(Standing::Hopeful) => state[c.index()] = Standing::Elected,
                _ => {
                    return Err(ConstraintError::BadState {
                        contest: self.contest.clone(),
                        what: format!(
                            "candidate {} is repeated, withdrawn or not in the contest",
                            c.number()
                        ),
                    });
                }
            }
        }
        Ok(state)
    }

    /// The reserved-places method: a count per minimum, in constraint
    /// order, among the group's members only, for the places the group
    /// still lacks; then an open count for the rest. The caller (the
    /// engine) runs each [`ReservedCount`] and passes back everyone elected
    /// so far.
    pub fn reserved_plan(&self) -> ReservedPlan<'_> {
        ReservedPlan {
            constraints: self,
            next: 0,
        }
    }

    /// The substitution method, applied to an unconstrained result.
    ///
    /// `elected` is the result in order of election (first elected first);
    /// `runners_up` are the unelected standing candidates best first (the
    /// engine's order: hopefuls left at the end by votes, then the excluded,
    /// last excluded first). While a constraint is unmet (the first in
    /// order), one swap is made:
    ///
    /// - a minimum short: the best runner-up in the group comes in, and the
    ///   latest-elected candidate outside it goes out;
    /// - a maximum exceeded: the latest-elected member goes out, and the
    ///   best runner-up outside the group comes in;
    ///
    /// each time taking the first pair (in those orders) that leaves every
    /// constraint already met still met. A candidate swapped out never comes
    /// back. Returns the final result (a swapped-in candidate takes the
    /// place of the one swapped out) and the swaps; errors when no allowed
    /// swap serves the unmet constraint (the method is greedy: it can fail
    /// where [`ContestConstraints::check_feasible`] succeeds).
    pub fn substitute(
        &self,
        elected: &[CandidateId],
        runners_up: &[CandidateId],
    ) -> Result<(Vec<CandidateId>, Vec<Substitution>), ConstraintError> {
        self.state_of(elected)?;
        let mut set = elected.to_vec();
        let mut pool: Vec<CandidateId> = runners_up
            .iter()
            .copied()
            .filter(|&c| {
                self.candidate_type
                    .get(c.index())
                    .is_some_and(Option::is_some)
                    && !elected.contains(&c)
            })
            .collect();
        let mut swaps = Vec::new();
        loop {
            let unmet = self.unmet_by(&set);
            let Some(&id) = unmet.first() else {
                return Ok((set, swaps));
            };
            let met: Vec<ConstraintId> = self.ids().filter(|c| !unmet.contains(c)).collect();
            let keeps_met = |set: &[CandidateId]| {
                let broken = self.unmet_by(set);
                met.iter().all(|c| !broken.contains(c))
            };
            let constraint = self.constraint(id);
            let have = set.iter().filter(|&&c| self.in_group(id, c)).count();
            let short = count_u32(have) < constraint.min;
            let mut found = None;
            'search: {
                if short {
                    for (p, &inc) in pool.iter().enumerate() {
                        if !self.in_group(id, inc) {
                            continue;
                        }
                        for pos in (0..set.len()).rev() {
                            if self.in_group(id, set[pos]) {
                                continue;
                            }
                            let mut trial = set.clone();
                            trial[pos] = inc;
                            if keeps_met(&trial) {
                                found = Some((pos, p));
                                break 'search;
                            }
                        }
                    }
                } else {
                    for pos in (0..set.len()).rev() {
                        if !self.in_group(id, set[pos]) {
                            continue;
                        }
                        for (p, &inc) in pool.iter().enumerate() {
                            if self.in_group(id, inc) {
                                continue;
                            }
                            let mut trial = set.clone();
                            trial[pos] = inc;
                            if keeps_met(&trial) {
                                found = Some((pos, p));
                                break 'search;
                            }
                        }
                    }
                }
            }
            let Some((pos, p)) = found else {
                return Err(ConstraintError::NoSubstitution {
                    contest: self.contest.clone(),
                    constraint: (id, constraint.clone()),
                });
            };
            let incoming = pool.remove(p);
            swaps.push(Substitution {
                out: set[pos],
                incoming,
                constraint: id,
            });
            set[pos] = incoming;
        }
    }
}
