//! Tie-breaking, shared by both counting families (Gregory and iterative).
//!
//! Owns the record of votes the look-back methods consult ([`History`]),
//! the explicit order, the seeded lot and the chain that applies them
//! ([`TieBreaker`]). The engines decide *when* candidates are tied and what
//! the decision is for; this module decides *which* one, the same way in
//! both, honouring every [`Ties`] option.
//!
//! Cost: a count may break thousands of ties among thousands of candidates,
//! so nothing here is quadratic. The history stores, per candidate, only
//! the points where its votes changed, and a look-back jumps from one such
//! change to the next instead of visiting every earlier stage; the order's
//! positions are a table; a run of choices from one tied set that the
//! look-back cannot separate is made in `O(n log n)`
//! ([`TieBreaker::choose_in_turn`]).

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use std::sync::Arc;

use crate::figures::{NameList, Names};
use crate::rules::{Multiway, OrderPicks, TieBreak, Ties, seed_bytes};
use crate::transcript::{TieDecision, TieMethod, TiePurpose};

/// The votes of every candidate at each recorded point (a stage, or a
/// sub-stage of one), stored as each candidate's changes.
#[derive(Debug)]
pub(crate) struct History<N> {
    /// `(stage number, whether the point ends its stage)`, in order.
    points: Vec<(u32, bool)>,
    /// The indices of the points that end a stage, ascending.
    stage_ends: Vec<u32>,
    /// Per candidate, `(point, votes from that point on)`, ascending; the
    /// first entry is at point 0.
    changes: Vec<Vec<(u32, N)>>,
}

impl<N: Clone + Ord> History<N> {
    /// An empty history for `candidates` candidates.
    pub(crate) fn new(candidates: usize) -> History<N> {
        History {
            points: Vec::new(),
            stage_ends: Vec::new(),
            changes: (0..candidates).map(|_| Vec::new()).collect(),
        }
    }

    /// Records the votes after a stage (or a sub-stage, `end_of_stage`
    /// false).
    pub(crate) fn record(&mut self, stage: u32, end_of_stage: bool, votes: &[N]) {
        let point = self.points.len() as u32;
        self.points.push((stage, end_of_stage));
        if end_of_stage {
            self.stage_ends.push(point);
        }
        for (list, v) in self.changes.iter_mut().zip(votes) {
            if list.last().is_none_or(|(_, last)| last != v) {
                list.push((point, v.clone()));
            }
        }
    }

    /// The number of points recorded.
    pub(crate) fn len(&self) -> usize {
        self.points.len()
    }

    /// The votes of `c` at `point`.
    fn value(&self, c: usize, point: u32) -> &N {
        let list = &self.changes[c];
        let i = list.partition_point(|(p, _)| *p <= point);
        &list[i - 1].1
    }

    /// The latest point at or before `point` at which the votes of `c` changed.
    fn changed_at_or_before(&self, c: usize, point: u32) -> u32 {
        let list = &self.changes[c];
        list[list.partition_point(|(p, _)| *p <= point) - 1].0
    }

    /// The first point after `point` at which the votes of `c` changed.
    fn changed_after(&self, c: usize, point: u32) -> Option<u32> {
        let list = &self.changes[c];
        list.get(list.partition_point(|(p, _)| *p <= point))
            .map(|(p, _)| *p)
    }

    /// The latest stage-ending point before `point`.
    fn stage_end_before(&self, point: u32) -> Option<u32> {
        let i = self.stage_ends.partition_point(|&p| p < point);
        i.checked_sub(1).map(|i| self.stage_ends[i])
    }

    /// Looks at earlier points, backward (stage ends only, latest first:
    /// SSI r.49(2)) or forward (every point, earliest first: ERS97 5.2.3);
    /// narrows `set` by `multiway` and returns the decided candidate and
    /// the stage consulted, if the points decide.
    ///
    /// Between two changes of the tied candidates' votes every point shows
    /// the same figures and so the same verdict: only the points where one
    /// of them changed are looked at.
    fn look(
        &self,
        set: &mut Vec<usize>,
        backward: bool,
        lowest: bool,
        multiway: Multiway,
    ) -> Option<(usize, u32)> {
        let last = self.points.len().checked_sub(1)? as u32;
        let mut at = if backward {
            self.stage_end_before(last + 1)
        } else {
            Some(0)
        };
        while let Some(point) = at {
            let vals: Vec<(usize, &N)> = set.iter().map(|&c| (c, self.value(c, point))).collect();
            if vals.iter().any(|v| v.1 != vals[0].1) {
                let stage = self.points[point as usize].0;
                let keep = extreme(&vals, lowest);
                match multiway {
                    Multiway::Narrow => {
                        if keep.len() == 1 {
                            return Some((keep[0], stage));
                        }
                        *set = keep;
                    }
                    Multiway::UniqueExtreme => {
                        if keep.len() == 1 {
                            return Some((keep[0], stage));
                        }
                    }
                    Multiway::AllDifferent => {
                        let mut sorted: Vec<&N> = vals.iter().map(|v| v.1).collect();
                        sorted.sort();
                        sorted.dedup();
                        if sorted.len() == vals.len() {
                            return Some((keep[0], stage));
                        }
                    }
                }
            }
            at = if backward {
                let changed = set
                    .iter()
                    .map(|&c| self.changed_at_or_before(c, point))
                    .max()?;
                self.stage_end_before(changed)
            } else {
                set.iter()
                    .filter_map(|&c| self.changed_after(c, point))
                    .min()
            };
        }
        None
    }
}

/// The candidates of `vals` with the lowest (or highest) votes.
fn extreme<N: Ord>(vals: &[(usize, &N)], lowest: bool) -> Vec<usize> {
    let best = if lowest {
        vals.iter().map(|v| v.1).min()
    } else {
        vals.iter().map(|v| v.1).max()
    };
    vals.iter()
        .filter(|v| Some(v.1) == best)
        .map(|v| v.0)
        .collect()
}

/// The tie rules of one contest's count, with its lot stream.
#[derive(Debug)]
pub(crate) struct TieBreaker {
    chain: Vec<TieBreak>,
    multiway: Multiway,
    order_picks: OrderPicks,
    /// Each candidate's place in the tie order (0 = strongest).
    position: Vec<usize>,
    seed: Option<String>,
    lot: Option<ChaCha20Rng>,
    draws: u64,
    /// Draws whose results, and a decision whose choice, are given, not
    /// made (tie sensitivity).
    forced: Forcing,
    /// Tie decisions made so far (the transcript's, in its order).
    decisions: u64,
    /// Every draw so far: how many outcomes it had and which it gave.
    drawn: Vec<Drawn>,
}

/// One draw of the lot: its result `value` in `0..options`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Drawn {
    pub(crate) options: u64,
    pub(crate) value: u64,
}

/// What a recount is given instead of deciding it (tie sensitivity).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forcing {
    /// One draw's result.
    pub draw: Option<ForcedDraw>,
    /// The results of the count's first draws, in order (a path of the
    /// tree of lots); each one that is not an outcome of its draw is
    /// ignored. Later draws are the stream's.
    pub draws: Vec<u64>,
    /// One tie decision's choice, however the rules would have made it.
    pub tie: Option<ForcedTie>,
}

/// The count's tie decision number `decision` (from 0, in the order the
/// transcript lists its decisions, every method alike) chooses `candidate`
/// when it is among the tied; the rest of the count is as the rules then
/// make it. A lot decision still reads its draw from the stream, so later
/// draws give what they would have given. For a run of choices from one
/// tied set (candidates without votes excluded together) it is the first
/// choice; the others keep the order the decision gave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForcedTie {
    /// The decision's number in its count.
    pub decision: u64,
    /// The candidate it chooses.
    pub candidate: ballot::CandidateId,
}

/// The lot's draw number `draw` (from 0, in the count's stream) gives
/// `value` instead of what the stream gives, when that is one of its
/// outcomes. The stream is still read, so every later draw gives what it
/// would have given: "another result of this draw, the rest as the seed
/// makes them".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForcedDraw {
    /// The draw's number in its count's stream.
    pub draw: u64,
    /// Its result, a position among the draw's outcomes.
    pub value: u64,
}

impl TieBreaker {
    /// The tie rules `ties` with the contest's tie `order` (every
    /// candidate once, strongest first).
    pub(crate) fn new(ties: &Ties, order: &[usize]) -> TieBreaker {
        let mut position = vec![usize::MAX; order.len()];
        for (i, &c) in order.iter().enumerate() {
            position[c] = i;
        }
        TieBreaker {
            chain: ties.chain.clone(),
            multiway: ties.multiway,
            order_picks: ties.order_picks,
            position,
            seed: ties.seed.clone(),
            lot: None,
            draws: 0,
            forced: Forcing::default(),
            decisions: 0,
            drawn: Vec::new(),
        }
    }

    /// The same tie rules with some draws' results, or a decision, given.
    pub(crate) fn forcing(mut self, forced: Forcing) -> TieBreaker {
        self.forced = forced;
        self
    }

    /// Counts one decision among `tied` that chose `chosen`, and gives the
    /// forced choice instead when this is the decision forced.
    fn decided(&mut self, tied: &[usize], chosen: usize) -> usize {
        let number = self.decisions;
        self.decisions += 1;
        match self.forced.tie {
            Some(f) if f.decision == number && tied.contains(&f.candidate.index()) => {
                f.candidate.index()
            }
            _ => chosen,
        }
    }

    /// Every draw made, in order.
    pub(crate) fn into_drawn(self) -> Vec<Drawn> {
        self.drawn
    }

    /// Lots drawn so far.
    pub(crate) fn draws(&self) -> u64 {
        self.draws
    }

    /// Chooses one of `tied` by the whole chain; when no method decides,
    /// ballot-paper order does (the last for an exclusion, else the first),
    /// recorded as an order decision.
    pub(crate) fn break_tie<N: Clone + Ord>(
        &mut self,
        history: &History<N>,
        tied: &[usize],
        purpose: TiePurpose,
    ) -> (usize, TieMethod) {
        let (c, method) = self
            .decide(history, tied, purpose, false)
            .unwrap_or_else(|| {
                let lowest = purpose == TiePurpose::Exclusion;
                let c = if lowest {
                    tied.iter().max()
                } else {
                    tied.iter().min()
                };
                (c.copied().unwrap_or(0), TieMethod::Order)
            });
        (self.decided(tied, c), method)
    }

    /// The chain's look-back methods only (ERS97 5.6.2: "only the earlier
    /// points may separate them"); `None` when they do not decide.
    pub(crate) fn look_back<N: Clone + Ord>(
        &mut self,
        history: &History<N>,
        tied: &[usize],
        purpose: TiePurpose,
    ) -> Option<(usize, TieMethod)> {
        let (c, method) = self.decide(history, tied, purpose, true)?;
        Some((self.decided(tied, c), method))
    }

    /// Applies the methods of the chain in turn (only its look-back ones
    /// when `looks_only`); `None` when none decides.
    fn decide<N: Clone + Ord>(
        &mut self,
        history: &History<N>,
        tied: &[usize],
        purpose: TiePurpose,
        looks_only: bool,
    ) -> Option<(usize, TieMethod)> {
        let lowest = purpose == TiePurpose::Exclusion;
        let mut set: Vec<usize> = tied.to_vec();
        set.sort_unstable();
        for i in 0..self.chain.len() {
            let method = self.chain[i];
            if looks_only && matches!(method, TieBreak::Order | TieBreak::Lot) {
                continue;
            }
            match method {
                TieBreak::Backward | TieBreak::Forward => {
                    let backward = method == TieBreak::Backward;
                    if let Some((c, stage)) =
                        history.look(&mut set, backward, lowest, self.multiway)
                    {
                        let m = if backward {
                            TieMethod::Backward { stage }
                        } else {
                            TieMethod::Forward { stage }
                        };
                        return Some((c, m));
                    }
                }
                TieBreak::Order => {
                    if let Some(c) = self.by_order(&set, lowest) {
                        return Some((c, TieMethod::Order));
                    }
                }
                TieBreak::Lot => {
                    let draw = self.draws;
                    let k = self.draw(set.len() as u64) as usize;
                    return Some((set[k], TieMethod::Lot { draw }));
                }
            }
        }
        None
    }

    /// True when the look-back methods of the chain cannot separate any of
    /// `tied`, so that every choice among them falls to the order or the
    /// lot: their votes never changed and were equal from the first point
    /// (candidates who never held a vote). A sufficient test, not a
    /// necessary one: where it answers false the engine simply decides one
    /// tie at a time.
    pub(crate) fn inseparable<N: Clone + Ord>(&self, history: &History<N>, tied: &[usize]) -> bool {
        let looks = self
            .chain
            .iter()
            .any(|m| matches!(m, TieBreak::Backward | TieBreak::Forward));
        !looks || history.constant_and_equal(tied)
    }

    /// Chooses `k` of `tied` in turn, exactly as `k` successive calls of
    /// [`Self::break_tie`] would, each among those not yet chosen, when the
    /// look-back cannot separate them ([`Self::inseparable`]): the same
    /// candidates, in the same order, from the same draws of the lot.
    /// Returns the choices and the method of the first.
    pub(crate) fn choose_in_turn(
        &mut self,
        tied: &[usize],
        k: usize,
        purpose: TiePurpose,
    ) -> (Vec<usize>, TieMethod) {
        let (mut chosen, method) = self.choose_in_turn_by_rules(tied, k, purpose);
        if let Some(&first) = chosen.first() {
            let forced = self.decided(tied, first);
            if forced != first {
                // The forced one first, then the others as they came.
                chosen.retain(|&c| c != forced);
                chosen.insert(0, forced);
                chosen.truncate(k.min(tied.len()));
            }
        }
        (chosen, method)
    }

    /// [`Self::choose_in_turn`] as the rules make it.
    fn choose_in_turn_by_rules(
        &mut self,
        tied: &[usize],
        k: usize,
        purpose: TiePurpose,
    ) -> (Vec<usize>, TieMethod) {
        let lowest = purpose == TiePurpose::Exclusion;
        let mut set: Vec<usize> = tied.to_vec();
        set.sort_unstable();
        let k = k.min(set.len());
        let method = self
            .chain
            .iter()
            .copied()
            .find(|m| matches!(m, TieBreak::Order | TieBreak::Lot));
        match method {
            Some(TieBreak::Lot) => {
                let draw = self.draws;
                let mut remaining = Remaining::new(set.len());
                let chosen = (0..k)
                    .map(|_| {
                        let r = self.draw(remaining.len() as u64) as usize;
                        set[remaining.take(r)]
                    })
                    .collect();
                (chosen, TieMethod::Lot { draw })
            }
            Some(_) => {
                let pick_last = lowest && self.order_picks == OrderPicks::StrongestFirst;
                set.sort_by_key(|&c| self.position[c]);
                if pick_last {
                    set.reverse();
                }
                set.truncate(k);
                (set, TieMethod::Order)
            }
            None => {
                if lowest {
                    set.reverse();
                }
                set.truncate(k);
                (set, TieMethod::Order)
            }
        }
    }

    /// The candidate of `set` the explicit order picks.
    fn by_order(&self, set: &[usize], lowest: bool) -> Option<usize> {
        let pick_last = lowest && self.order_picks == OrderPicks::StrongestFirst;
        let pos = |c: &usize| self.position[*c];
        if pick_last {
            set.iter().copied().max_by_key(pos)
        } else {
            set.iter().copied().min_by_key(pos)
        }
    }

    /// A uniform draw in `0..n` from the seeded stream.
    fn draw(&mut self, n: u64) -> u64 {
        let index = self.draws;
        self.draws += 1;
        let mut value = lot_draw(&mut self.lot, self.seed.as_deref(), n);
        if let Some(&v) = usize::try_from(index)
            .ok()
            .and_then(|i| self.forced.draws.get(i))
            && v < n
        {
            value = v;
        }
        if let Some(f) = self.forced.draw
            && f.draw == index
            && f.value < n
        {
            value = f.value;
        }
        self.drawn.push(Drawn { options: n, value });
        value
    }
}

impl<N: Clone + Ord> History<N> {
    /// True when every candidate of `set` has had the same votes at every
    /// point recorded.
    fn constant_and_equal(&self, set: &[usize]) -> bool {
        let Some(&first) = set.first() else {
            return true;
        };
        let start = self.changes[first].first().map(|x| &x.1);
        set.iter()
            .all(|&c| self.changes[c].len() <= 1 && self.changes[c].first().map(|x| &x.1) == start)
    }
}

/// A run of exclusions from one inseparable tied set, decided at once.
#[derive(Debug)]
pub(crate) struct InTurn {
    /// The candidates excluded, in the order one-at-a-time exclusions
    /// would take them.
    pub(crate) order: Vec<usize>,
    /// How many of them were tie decisions (all but a last one left alone).
    decisions: usize,
    /// How the first decision was made (later ones the same way; a lot's
    /// later draws follow the first in the stream).
    method: TieMethod,
    /// The tied set, ascending.
    between: Vec<usize>,
}

impl InTurn {
    /// The exclusions of `tied` (at least two, inseparable), at most `room`
    /// of them: all when `room` allows, the last then needing no decision.
    pub(crate) fn exclusions(tb: &mut TieBreaker, tied: &[usize], room: usize) -> InTurn {
        let decisions = if room >= tied.len() {
            tied.len() - 1
        } else {
            room
        };
        let (mut order, method) = tb.choose_in_turn(tied, decisions, TiePurpose::Exclusion);
        if room >= tied.len() {
            // The one left unchosen (a mask: the run may be long).
            let mut chosen = vec![false; tied.iter().max().map_or(0, |&m| m + 1)];
            for &c in &order {
                chosen[c] = true;
            }
            order.extend(tied.iter().copied().filter(|&c| !chosen[c]));
        }
        let mut between = tied.to_vec();
        between.sort_unstable();
        InTurn {
            order,
            decisions,
            method,
            between,
        }
    }

    /// The decision as the transcript records it: one entry for the run.
    pub(crate) fn record(&self, names: &Arc<Names>) -> TieDecision {
        TieDecision {
            purpose: TiePurpose::Exclusion,
            between: NameList::new(names, self.between.iter().copied()),
            method: self.method.clone(),
            chosen: names.as_slice()[self.order[0]].clone(),
            then: NameList::new(names, self.order[1..self.decisions].iter().copied()),
        }
    }
}

/// The record of one decision among `tied` (listed in ballot-paper order).
pub(crate) fn decision(
    names: &Arc<Names>,
    purpose: TiePurpose,
    tied: &[usize],
    method: TieMethod,
    chosen: usize,
) -> TieDecision {
    let mut between = tied.to_vec();
    between.sort_unstable();
    TieDecision {
        purpose,
        between: NameList::new(names, between),
        method,
        chosen: names.as_slice()[chosen].clone(),
        then: NameList::default(),
    }
}

/// Positions `0..n` not yet taken, answering "the r-th remaining" in
/// `O(log n)` (a Fenwick tree of remaining counts).
struct Remaining {
    tree: Vec<usize>,
    len: usize,
}

impl Remaining {
    fn new(n: usize) -> Remaining {
        let mut tree = vec![0; n + 1];
        for i in 1..=n {
            tree[i] += 1;
            let j = i + (i & i.wrapping_neg());
            if j <= n {
                tree[j] += tree[i];
            }
        }
        Remaining { tree, len: n }
    }

    fn len(&self) -> usize {
        self.len
    }

    /// Takes the `r`-th (0-based) remaining position and returns it.
    fn take(&mut self, r: usize) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut rest = r;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= rest {
                pos = next;
                rest -= self.tree[next];
            }
            step /= 2;
        }
        // `pos + 1` is the 1-based index of the r-th remaining.
        let mut i = pos + 1;
        while i <= n {
            self.tree[i] -= 1;
            i += i & i.wrapping_neg();
        }
        self.len -= 1;
        pos
    }
}

/// A uniform draw in `0..n` from the lot's ChaCha20 stream, started from the
/// rules' hex seed (zero when none is given) at the first draw. Rejection
/// sampling, so that no outcome is favoured. One seed means the same lot
/// under every family.
pub(crate) fn lot_draw(lot: &mut Option<ChaCha20Rng>, seed: Option<&str>, n: u64) -> u64 {
    let rng = lot.get_or_insert_with(|| {
        ChaCha20Rng::from_seed(seed.and_then(|s| seed_bytes(s).ok()).unwrap_or([0; 32]))
    });
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_positions_are_taken_as_a_list_would_remove_them() {
        let mut list: Vec<usize> = (0..37).collect();
        let mut tree = Remaining::new(37);
        for r in [5usize, 0, 34, 17, 17, 1, 30, 0, 0, 27] {
            let r = r % list.len();
            assert_eq!(tree.take(r), list.remove(r));
            assert_eq!(tree.len(), list.len());
        }
    }

    fn history(rows: &[(u32, bool, &[i64])]) -> History<i64> {
        let mut h = History::new(rows[0].2.len());
        for (stage, end, votes) in rows {
            h.record(*stage, *end, votes);
        }
        h
    }

    #[test]
    fn backward_looks_at_the_latest_stage_where_the_tied_differ() {
        // SSI r.49(2): C1 and C2 are equal at stages 3 and 4, differ at 2.
        let h = history(&[
            (1, true, &[5, 5, 9]),
            (2, true, &[6, 5, 9]),
            (3, true, &[7, 7, 9]),
            (4, true, &[7, 7, 0]),
        ]);
        let mut set = vec![0, 1];
        assert_eq!(h.look(&mut set, true, true, Multiway::Narrow), Some((1, 2)));
        // Forward: stage 1 shows them equal, stage 2 separates them.
        let mut set = vec![0, 1];
        assert_eq!(
            h.look(&mut set, false, false, Multiway::Narrow),
            Some((0, 2))
        );
    }

    #[test]
    fn backward_skips_sub_stage_points_and_forward_reads_them() {
        // ERS97 5.2.3 counts sub-stage points; SSI r.49(2) only whole stages.
        let h = history(&[(1, true, &[5, 5]), (2, false, &[6, 5]), (2, true, &[7, 7])]);
        let mut set = vec![0, 1];
        assert_eq!(h.look(&mut set, true, true, Multiway::Narrow), None);
        let mut set = vec![0, 1];
        assert_eq!(
            h.look(&mut set, false, true, Multiway::Narrow),
            Some((1, 2))
        );
    }

    #[test]
    fn multiway_readings_differ_on_a_three_way_tie() {
        // RULES.md §10.8: A, B, C tied now; at stage 2 A=B<C; at stage 1 A<B.
        let h = history(&[
            (1, true, &[1, 2, 3]),
            (2, true, &[4, 4, 5]),
            (3, true, &[9, 9, 9]),
        ]);
        let mut set = vec![0, 1, 2];
        assert_eq!(h.look(&mut set, true, true, Multiway::Narrow), Some((0, 1)));
        let mut set = vec![0, 1, 2];
        assert_eq!(
            h.look(&mut set, true, true, Multiway::UniqueExtreme),
            Some((0, 1))
        );
        let mut set = vec![0, 1, 2];
        assert_eq!(
            h.look(&mut set, true, false, Multiway::UniqueExtreme),
            Some((2, 2))
        );
        let mut set = vec![0, 1, 2];
        assert_eq!(
            h.look(&mut set, true, true, Multiway::AllDifferent),
            Some((0, 1))
        );
    }
}
