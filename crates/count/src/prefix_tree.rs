//! The prefix tree an iterative (Meek, Warren) count distributes its papers
//! through, and the distribution itself.
//!
//! Owns the layout of the distinct rankings as a tree of prefixes in
//! depth-first order, its shrinking as candidates are defeated, and one
//! pass of every paper through it with given keep values (PRF B.2.a). The
//! rules — when a candidate is defeated, how keep values change — stay in
//! [`crate::meek`].
//!
//! A defeated candidate keeps nothing for the rest of the count, so its
//! nodes only pass the weight on. Once enough traversal time has been lost
//! walking through such nodes, they are spliced out: their children join
//! the parent's, and siblings that then share a candidate are merged, so
//! that the tree of a late round is about the size of the rankings among
//! the candidates still standing. Papers all of whose candidates are gone
//! end at weight 1, before any node.
//!
//! A large tree is built, spliced and distributed on [`Tree::threads`]
//! threads, each taking whole subtrees. The results do not depend on the
//! tree's shape nor on how the work is split: every node of a merged group
//! carries the same weight (the path to it differs only by candidates
//! keeping nothing), and votes are sums of `weight × papers` terms, exact
//! in both arithmetics (integers in fixed point, normalised fractions in
//! rationals), so neither merging nodes nor regrouping the sums changes a
//! single digit.

use std::sync::atomic::{AtomicUsize, Ordering};

use ballot::Contest;

use crate::numbers::{Fixed, FixedCtx, Number, RoundMode, Rounding};
use crate::rules::{IterativeMethod, Remainder};

/// The per-paper arithmetic of a distribution, with a fast path for fixed
/// point (products of weights ≤ 1 fit machine words); shared by the threads
/// a large distribution is split among.
pub(crate) trait Weigh: Number<Ctx: Sync> + Send + Sync {
    /// `w × kf`, rounded.
    fn times(w: &Self, kf: &Self, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// Whether the value is above zero.
    fn positive(&self) -> bool;
}

impl Weigh for Fixed {
    fn times(w: &Fixed, kf: &Fixed, r: Rounding, ctx: &FixedCtx) -> Fixed {
        let (places, mode) = match r {
            Rounding::Exact => (ctx.places, RoundMode::Truncate),
            Rounding::Places { places, mode } => (places, mode),
        };
        // Both factors lie in [0, 1], so the product of their units is at
        // most 10^(2 × places): a u64 up to 9 places.
        if places == ctx.places && ctx.places <= 9 && w.0 >= 0 && kf.0 >= 0 {
            let scale = 10u64.pow(ctx.places);
            if let (Ok(a), Ok(b)) = (u64::try_from(w.0), u64::try_from(kf.0))
                && a <= scale
                && b <= scale
            {
                let p = a * b;
                let (q, rem) = (p / scale, p % scale);
                let q = match mode {
                    RoundMode::Truncate => q,
                    RoundMode::Up => q + u64::from(rem > 0),
                    RoundMode::HalfUp => q + u64::from(2 * rem >= scale),
                };
                return Fixed(i128::from(q));
            }
        }
        Fixed::mul(w, kf, r, ctx)
    }

    fn positive(&self) -> bool {
        self.0 > 0
    }
}

impl Weigh for crate::numbers::Rational {
    fn times(w: &Self, kf: &Self, r: Rounding, ctx: &()) -> Self {
        Self::mul(w, kf, r, ctx)
    }

    fn positive(&self) -> bool {
        !self.is_zero() && !self.is_negative()
    }
}

/// One node of the prefix tree: a candidate at some depth, the papers whose
/// ranking passes through here, those whose ranking ends here, and the
/// index just past its subtree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    pub(crate) candidate: u16,
    pub(crate) papers: u64,
    pub(crate) ending: u64,
    pub(crate) skip: u32,
}

/// A distinct ranking with equal preferences, less withdrawn candidates
/// (and the ranks they leave empty), and its papers; distributed apart
/// from the tree ([`Kernel::tied`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TiedPaper {
    prefs: Vec<u16>,
    /// Where each rank starts in `prefs`.
    starts: Vec<u32>,
    papers: u64,
}

impl TiedPaper {
    /// The candidates of rank `i`, if the paper has one.
    fn rank(&self, i: usize) -> Option<&[u16]> {
        let start = *self.starts.get(i)? as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.prefs.len(), |&e| e as usize);
        Some(&self.prefs[start..end])
    }

    /// The paths a distribution may follow down the paper: the product of
    /// its ranks' sizes (saturating).
    fn branches(&self) -> u64 {
        (0..self.starts.len())
            .filter_map(|i| self.rank(i))
            .fold(1u64, |p, r| p.saturating_mul(r.len() as u64))
    }
}

/// The most paths one paper ranking candidates equal may split along, and
/// the most all such papers may together (`specs/limits.md`): each path is
/// walked at every iteration.
pub(crate) const MAX_EQUAL_BRANCHES: u64 = 1 << 16;
/// See [`MAX_EQUAL_BRANCHES`].
pub(crate) const MAX_EQUAL_BRANCHES_IN_ALL: u64 = 1 << 24;

/// A splice is made once the visits through defeated candidates' nodes
/// since the last one reach `nodes / SPLICE_RATIO`: rent until the rent
/// paid would have bought it (the ski-rental rule), where a visit,
/// scattered through a large tree, costs a few times what a node costs to
/// splice in order. 3 to 8 measured about equally on the long-ranking
/// file, 1 and 2 worse.
const SPLICE_RATIO: u64 = 4;

/// Below this many node visits in the last distribution, one thread does
/// the next: starting a thread costs more than such a pass.
const PARALLEL_VISITS: u64 = 30_000;

/// Below this many distinct rankings, one thread builds the tree.
const PARALLEL_RANKINGS: usize = 20_000;

/// Below this many nodes, one thread splices the tree.
const PARALLEL_NODES: usize = 100_000;

/// The distinct rankings (standing candidates only) as a prefix tree in
/// depth-first order; the roots are the first preferences. Siblings are in
/// increasing candidate order.
#[derive(Clone, Debug)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) valid: u64,
    pub(crate) invalid: u64,
    /// Papers whose every candidate has been spliced out.
    bare: u64,
    /// Candidates defeated whose nodes are still in the tree.
    pending: Vec<bool>,
    /// Whether any candidate is pending.
    any_pending: bool,
    /// Visits through defeated candidates' nodes since the last splice.
    wasted: u64,
    /// Node visits of the last distribution.
    last_visits: u64,
    /// Threads a large tree is spliced and distributed on (a small one
    /// takes one, whatever this says).
    pub(crate) threads: usize,
    /// The papers ranking candidates equal, distributed apart.
    tied: Vec<TiedPaper>,
}

impl Tree {
    pub(crate) fn new(contest: &Contest) -> Tree {
        Tree::on_threads(contest, crate::record::DEFAULT_THREADS)
    }

    fn on_threads(contest: &Contest, threads: usize) -> Tree {
        let n = contest.candidates().len();
        let mut standing = vec![true; n];
        for w in contest.withdrawn() {
            standing[w.index()] = false;
        }
        // The rankings less withdrawn candidates, end to end in one buffer:
        // `(start, end, papers)` of each in `prefs`.
        let mut prefs: Vec<u16> = Vec::with_capacity(contest.ballots().stored_preferences());
        let mut rankings: Vec<(u32, u32, u64)> = Vec::with_capacity(contest.ballots().len());
        let mut invalid = contest.ballots().blank().0;
        let mut valid = 0;
        for b in contest.ballots().iter() {
            let start = prefs.len();
            prefs.extend(
                b.ranking
                    .iter()
                    .filter(|c| standing[c.index()])
                    .map(|c| c.index() as u16),
            );
            if prefs.len() == start {
                invalid += b.count.0;
            } else {
                valid += b.count.0;
                rankings.push((start as u32, prefs.len() as u32, b.count.0));
            }
        }
        // Bucketed by first preference, each bucket is sorted and built into
        // its root's subtrees on its own, so that the buckets can be shared
        // among threads.
        let mut starts = vec![0usize; n + 1];
        for &(start, _, _) in &rankings {
            starts[usize::from(prefs[start as usize]) + 1] += 1;
        }
        for c in 0..n {
            starts[c + 1] += starts[c];
        }
        let mut sorted = vec![(0, 0, 0); rankings.len()];
        let mut cursor = starts.clone();
        for r in rankings {
            let c = usize::from(prefs[r.0 as usize]);
            sorted[cursor[c]] = r;
            cursor[c] += 1;
        }
        let shared = if sorted.len() < PARALLEL_RANKINGS {
            1
        } else {
            threads.max(1)
        };
        let sizes: Vec<u64> = (0..n)
            .map(|c| {
                let bucket = &sorted[starts[c]..starts[c + 1]];
                bucket.iter().map(|&(s, e, _)| u64::from(e - s)).sum()
            })
            .collect();
        let mut parts = Vec::with_capacity(shared);
        let mut rest: &mut [(u32, u32, u64)] = &mut sorted;
        for (first, last) in balance(&sizes, shared) {
            let (part, tail) = rest.split_at_mut(starts[last] - starts[first]);
            let bounds: Vec<usize> = starts[first..=last]
                .iter()
                .map(|&b| b - starts[first])
                .collect();
            parts.push((part, bounds));
            rest = tail;
        }
        let prefs = &prefs;
        let built = apart(parts, |(part, bounds)| {
            let slice = |&(s, e, _): &(u32, u32, u64)| &prefs[s as usize..e as usize];
            for b in bounds.windows(2) {
                part[b[0]..b[1]].sort_unstable_by(|x, y| slice(x).cmp(slice(y)));
            }
            build(prefs, part)
        });
        let nodes = joined(built);
        let mut tied = Vec::with_capacity(contest.ballots().equal_rankings().len());
        for r in contest.ballots().equal_rankings() {
            let mut paper = TiedPaper {
                prefs: Vec::with_capacity(r.candidates().len()),
                starts: Vec::new(),
                papers: r.count.0,
            };
            for rank in r.ranks() {
                let start = paper.prefs.len();
                paper.prefs.extend(
                    rank.iter()
                        .filter(|c| standing[c.index()])
                        .map(|c| c.index() as u16),
                );
                if paper.prefs.len() > start {
                    paper.starts.push(start as u32);
                }
            }
            if paper.prefs.is_empty() {
                invalid += paper.papers;
            } else {
                valid += paper.papers;
                tied.push(paper);
            }
        }
        Tree {
            nodes,
            valid,
            invalid,
            bare: 0,
            pending: vec![false; n],
            any_pending: false,
            wasted: 0,
            last_visits: 0,
            threads,
            tied,
        }
    }

    /// The paths of the paper ranking candidates equal that splits along
    /// the most, and of all of them together (saturating).
    pub(crate) fn tied_branches(&self) -> (u64, u64) {
        self.tied.iter().fold((0, 0), |(most, all), p| {
            let b = p.branches();
            (most.max(b), all.saturating_add(b))
        })
    }

    /// Notes that `c` keeps nothing from now on, so that its nodes may be
    /// spliced out.
    pub(crate) fn defeated(&mut self, c: usize) {
        self.pending[c] = true;
        self.any_pending = true;
    }

    /// Removes the nodes of every pending candidate, merging the siblings
    /// that then share a candidate.
    fn splice(&mut self) {
        let old = std::mem::take(&mut self.nodes);
        let mut gone = std::mem::take(&mut self.pending);
        let mut roots: Vec<u32> = Vec::new();
        let mut ranges = Vec::new();
        let mut bare = 0;
        gather(
            &old,
            &gone,
            (0, old.len()),
            &mut roots,
            &mut ranges,
            &mut bare,
        );
        sort_by_candidate(&old, &mut roots);
        // The new roots' subtrees are independent: shared among threads by
        // the nodes they are made from.
        let mut groups: Vec<usize> = vec![0];
        for k in 1..roots.len() {
            if old[roots[k] as usize].candidate != old[roots[k - 1] as usize].candidate {
                groups.push(k);
            }
        }
        groups.push(roots.len());
        let sizes: Vec<u64> = groups
            .windows(2)
            .map(|g| {
                roots[g[0]..g[1]]
                    .iter()
                    .map(|&r| u64::from(old[r as usize].skip - r))
                    .sum()
            })
            .collect();
        let threads = if old.len() < PARALLEL_NODES {
            1
        } else {
            self.threads.max(1)
        };
        let parts: Vec<&[u32]> = balance(&sizes, threads)
            .into_iter()
            .map(|(first, last)| &roots[groups[first]..groups[last]])
            .collect();
        let built = apart(parts, |top| merged(&old, &gone, top));
        // Freed before the parts are joined, the old tree and the new are
        // never held twice.
        drop(roots);
        drop(old);
        self.nodes = joined(built);
        self.bare += bare;
        gone.fill(false);
        self.pending = gone;
        self.any_pending = false;
        self.wasted = 0;
    }

    /// Every paper from weight 1 through the tree with the keep values of
    /// `weights`.
    pub(crate) fn distribute<N: Weigh>(&mut self, weights: &Weights<N>) -> Tally<N> {
        if self.any_pending && self.wasted.saturating_mul(SPLICE_RATIO) >= self.nodes.len() as u64 {
            self.splice();
        }
        let kernel = Kernel::new(weights);
        let mut acc = Acc::new(weights.kf.len());
        if self.bare > 0 {
            acc.exhausted = weights.one.mul_count(self.bare);
        }
        let threads = if self.last_visits < PARALLEL_VISITS {
            1
        } else {
            self.threads.max(1)
        };
        let top = (0, self.nodes.len());
        if threads == 1 {
            kernel.walk(&self.nodes, top, weights.one, &mut acc);
        } else {
            let tasks = kernel.split(&self.nodes, top, weights.one, threads, &mut acc);
            let next = AtomicUsize::new(0);
            let work = |acc: &mut Acc<N>| {
                while let Some((range, w)) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    kernel.walk(&self.nodes, *range, w, acc);
                }
            };
            let parts: Vec<Acc<N>> = std::thread::scope(|s| {
                let helpers: Vec<_> = (1..threads)
                    .map(|_| {
                        s.spawn(|| {
                            let mut a = Acc::new(weights.kf.len());
                            work(&mut a);
                            a
                        })
                    })
                    .collect();
                work(&mut acc);
                helpers
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for part in parts {
                acc.absorb(part);
            }
        }
        if !self.tied.is_empty() {
            kernel.tied(&self.tied, &mut acc);
        }
        self.last_visits = acc.visits;
        self.wasted = self.wasted.saturating_add(acc.passed);
        Tally {
            votes: acc.votes,
            exhausted: acc.exhausted,
            loss: acc.loss,
        }
    }
}

/// Appends to `out` the nodes of the sibling range `range` whose candidate
/// is not gone, and in place of each gone one its own children (again
/// looking through gone ones); the papers ending at a gone node are added
/// to `ending`, since they now end at its parent.
fn gather(
    old: &[Node],
    gone: &[bool],
    range: (usize, usize),
    out: &mut Vec<u32>,
    ranges: &mut Vec<(usize, usize)>,
    ending: &mut u64,
) {
    let (mut j, mut end) = range;
    loop {
        while j < end {
            let n = old[j];
            let next = n.skip as usize;
            if gone[usize::from(n.candidate)] {
                *ending += n.ending;
                if next > j + 1 {
                    ranges.push((j + 1, next));
                }
            } else {
                out.push(j as u32);
            }
            j = next;
        }
        match ranges.pop() {
            Some(r) => (j, end) = r,
            None => return,
        }
    }
}

/// The tree of `rankings`, sorted, in depth-first order.
fn build(prefs: &[u16], rankings: &[(u32, u32, u64)]) -> Vec<Node> {
    let slice = |&(s, e, _): &(u32, u32, u64)| &prefs[s as usize..e as usize];
    // At most one node a preference: reserving that avoids copying a
    // growing tree (the pages beyond its final size are never touched).
    let most = rankings.iter().map(|&(s, e, _)| (e - s) as usize).sum();
    let mut nodes: Vec<Node> = Vec::with_capacity(most);
    // The open path: node indices of the previous ranking's prefix.
    let mut path: Vec<usize> = Vec::new();
    let mut prev: &[u16] = &[];
    for ranking in rankings {
        let (r, papers) = (slice(ranking), ranking.2);
        let common = r.iter().zip(prev).take_while(|(a, b)| a == b).count();
        for &open in &path[common..] {
            nodes[open].skip = nodes.len() as u32;
        }
        path.truncate(common);
        for &i in &path {
            nodes[i].papers += papers;
        }
        for &c in &r[common..] {
            path.push(nodes.len());
            nodes.push(Node {
                candidate: c,
                papers,
                ending: 0,
                skip: 0,
            });
        }
        if let Some(&last) = path.last() {
            nodes[last].ending += papers;
        }
        prev = r;
    }
    for &open in &path {
        nodes[open].skip = nodes.len() as u32;
    }
    nodes.shrink_to_fit();
    nodes
}

/// The subtrees of the sorted sibling list `top` of `old` (old node
/// indices, a candidate's nodes together), without the gone candidates'
/// nodes, nodes of the same candidate under the same parent merged.
fn merged(old: &[Node], gone: &[bool], top: &[u32]) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::new();
    // The children lists of the open path, each sorted by candidate and
    // taken group by group: old node indices.
    let mut scratch: Vec<u32> = top.to_vec();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    struct Frame {
        node: Option<usize>,
        base: usize,
        pos: usize,
        end: usize,
    }
    let mut frames = vec![Frame {
        node: None,
        base: 0,
        pos: 0,
        end: scratch.len(),
    }];
    while let Some(top) = frames.last_mut() {
        if top.pos == top.end {
            scratch.truncate(top.base);
            if let Some(i) = top.node {
                out[i].skip = out.len() as u32;
            }
            frames.pop();
            continue;
        }
        let start = top.pos;
        let candidate = old[scratch[start] as usize].candidate;
        let mut stop = start + 1;
        while stop < top.end && old[scratch[stop] as usize].candidate == candidate {
            stop += 1;
        }
        top.pos = stop;
        let (mut papers, mut ending) = (0, 0);
        let base = scratch.len();
        for k in start..stop {
            let s = scratch[k] as usize;
            papers += old[s].papers;
            ending += old[s].ending;
            let children = (s + 1, old[s].skip as usize);
            gather(old, gone, children, &mut scratch, &mut ranges, &mut ending);
        }
        let i = out.len();
        out.push(Node {
            candidate,
            papers,
            ending,
            skip: 0,
        });
        if scratch.len() > base {
            sort_by_candidate(old, &mut scratch[base..]);
            frames.push(Frame {
                node: Some(i),
                base,
                pos: base,
                end: scratch.len(),
            });
        } else {
            out[i].skip = out.len() as u32;
        }
    }
    out.shrink_to_fit();
    out
}

/// Builds each part on a thread of its own (the first on this one).
fn apart<T: Send>(parts: Vec<T>, work: impl Fn(T) -> Vec<Node> + Sync) -> Vec<Vec<Node>> {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let work = &work;
    std::thread::scope(|s| {
        let helpers: Vec<_> = parts.map(|p| s.spawn(move || work(p))).collect();
        let mut built = vec![work(first)];
        for h in helpers {
            built.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        built
    })
}

/// The trees `apart` built, end to end, each one's `skip`s moved past the
/// nodes before it.
fn joined(built: Vec<Vec<Node>>) -> Vec<Node> {
    let mut built = built.into_iter();
    let mut nodes = built.next().unwrap_or_default();
    for part in built {
        let offset = nodes.len() as u32;
        nodes.extend(part.into_iter().map(|n| Node {
            skip: n.skip + offset,
            ..n
        }));
    }
    nodes
}

/// `weights` cut into `parts` runs (some maybe empty) of about equal sums,
/// as `(first, end)` index pairs.
fn balance(weights: &[u64], parts: usize) -> Vec<(usize, usize)> {
    let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let mut out = Vec::with_capacity(parts);
    let (mut first, mut sum) = (0, 0u128);
    for (i, &w) in weights.iter().enumerate() {
        sum += u128::from(w);
        let cut = out.len() + 1;
        if cut < parts && sum * parts as u128 >= total * cut as u128 {
            out.push((first, i + 1));
            first = i + 1;
        }
    }
    out.push((first, weights.len()));
    out
}

fn sort_by_candidate(old: &[Node], list: &mut [u32]) {
    if list.len() > 1 {
        list.sort_unstable_by_key(|&j| old[j as usize].candidate);
    }
}

/// The keep values and rules of one distribution.
pub(crate) struct Weights<'a, N: Weigh> {
    pub(crate) kf: &'a [N],
    pub(crate) one: &'a N,
    pub(crate) method: IterativeMethod,
    pub(crate) keep_rounding: Rounding,
    pub(crate) remainder: Remainder,
    pub(crate) ctx: &'a N::Ctx,
}

/// What a distribution found.
pub(crate) struct Tally<N> {
    pub(crate) votes: Vec<N>,
    pub(crate) exhausted: N,
    pub(crate) loss: N,
}

/// What a candidate's node does with the weight reaching it.
#[derive(Clone, Copy)]
enum Role {
    /// Keeps nothing (defeated): passes it all on.
    Pass,
    /// Keeps it all (a hopeful under Meek): the subtree is spent.
    Spend,
    /// Keeps part.
    Share,
}

struct Kernel<'a, N: Weigh> {
    roles: Vec<Role>,
    /// `1 − kf` of each candidate, where the rest is rounded on its own.
    complements: Vec<N>,
    weights: &'a Weights<'a, N>,
}

/// One thread's running sums.
struct Acc<N> {
    votes: Vec<N>,
    exhausted: N,
    loss: N,
    visits: u64,
    passed: u64,
}

impl<N: Weigh> Acc<N> {
    fn new(candidates: usize) -> Acc<N> {
        Acc {
            votes: vec![N::zero(); candidates],
            exhausted: N::zero(),
            loss: N::zero(),
            visits: 0,
            passed: 0,
        }
    }

    fn absorb(&mut self, other: Acc<N>) {
        for (v, o) in self.votes.iter_mut().zip(&other.votes) {
            if !o.is_zero() {
                *v = v.add(o);
            }
        }
        self.exhausted = self.exhausted.add(&other.exhausted);
        self.loss = self.loss.add(&other.loss);
        self.visits += other.visits;
        self.passed += other.passed;
    }
}

impl<'a, N: Weigh> Kernel<'a, N> {
    fn new(weights: &'a Weights<'a, N>) -> Kernel<'a, N> {
        let roles = weights
            .kf
            .iter()
            .map(|kf| {
                if !kf.positive() {
                    Role::Pass
                } else if kf == weights.one && weights.method == IterativeMethod::Meek {
                    Role::Spend
                } else {
                    Role::Share
                }
            })
            .collect();
        let complements = match (weights.remainder, weights.method) {
            (Remainder::Complement { .. }, IterativeMethod::Meek) => {
                weights.kf.iter().map(|kf| weights.one.sub(kf)).collect()
            }
            _ => Vec::new(),
        };
        Kernel {
            roles,
            complements,
            weights,
        }
    }

    /// Counts `node` at weight `w`; the weight its children get, if any is
    /// left.
    #[inline]
    fn step(&self, node: &Node, w: &N, acc: &mut Acc<N>) -> Option<N> {
        let c = usize::from(node.candidate);
        acc.visits += 1;
        let rest = match self.roles[c] {
            Role::Pass => {
                acc.passed += 1;
                w.clone()
            }
            Role::Spend => {
                acc.votes[c] = acc.votes[c].add(&w.mul_count(node.papers));
                return None;
            }
            Role::Share => {
                let rest = self.pay(c, w, node.papers, acc);
                if !rest.positive() {
                    return None;
                }
                rest
            }
        };
        if node.ending > 0 {
            acc.exhausted = acc.exhausted.add(&rest.mul_count(node.ending));
        }
        Some(rest)
    }

    /// A candidate who keeps part of weight `w` on `papers` papers: its
    /// part is added to its votes (and any rounding residue to the loss);
    /// the weight passed on.
    #[inline]
    fn pay(&self, c: usize, w: &N, papers: u64, acc: &mut Acc<N>) -> N {
        let wt = self.weights;
        let kf = &wt.kf[c];
        let keep = match wt.method {
            IterativeMethod::Meek => N::times(w, kf, wt.keep_rounding, wt.ctx),
            IterativeMethod::Warren => {
                if kf < w {
                    kf.clone()
                } else {
                    w.clone()
                }
            }
        };
        acc.votes[c] = acc.votes[c].add(&keep.mul_count(papers));
        match (wt.remainder, self.complements.get(c)) {
            (Remainder::Complement { rounding }, Some(one_less)) => {
                let r = N::times(w, one_less, rounding, wt.ctx);
                acc.loss = acc.loss.add(&w.sub(&keep).sub(&r).mul_count(papers));
                r
            }
            _ => w.sub(&keep),
        }
    }

    /// The papers ranking candidates equal, each from weight 1
    /// ([`EqualPreferences::Split`](crate::rules::EqualPreferences)): at a
    /// rank, the weight is shared equally among its candidates still
    /// keeping votes (truncated in fixed point, the residue lost); each
    /// pays from its share as from a rank of its own, and what each passes
    /// on goes down its own branch to the next rank (Droop's recursive
    /// descent). A rank with no such candidate is passed over; the weight
    /// left after the last rank is exhausted. Iterative, not recursive: a
    /// ranking may be as deep as there are candidates.
    fn tied(&self, papers: &[TiedPaper], acc: &mut Acc<N>) {
        let wt = self.weights;
        let mut open: Vec<(usize, N)> = Vec::new();
        let mut keeping: Vec<usize> = Vec::new();
        for paper in papers {
            open.push((0, wt.one.clone()));
            while let Some((mut i, w)) = open.pop() {
                // Ranks whose candidates all keep nothing are passed over.
                loop {
                    keeping.clear();
                    if let Some(rank) = paper.rank(i) {
                        keeping.extend(
                            rank.iter()
                                .map(|&c| usize::from(c))
                                .filter(|&c| !matches!(self.roles[c], Role::Pass)),
                        );
                        if keeping.is_empty() {
                            i += 1;
                            continue;
                        }
                    }
                    break;
                }
                acc.visits += 1;
                if keeping.is_empty() {
                    acc.exhausted = acc.exhausted.add(&w.mul_count(paper.papers));
                    continue;
                }
                let share = if keeping.len() == 1 {
                    w.clone()
                } else {
                    let share = N::div_count(&w, keeping.len() as u64, Rounding::Exact, wt.ctx);
                    let residue = w.sub(&share.mul_count(keeping.len() as u64));
                    if !residue.is_zero() {
                        acc.loss = acc.loss.add(&residue.mul_count(paper.papers));
                    }
                    share
                };
                for &c in &keeping {
                    let rest = self.pay(c, &share, paper.papers, acc);
                    if rest.positive() {
                        open.push((i + 1, rest));
                    }
                }
            }
        }
    }

    /// The sibling range `range` and everything below it, reached with
    /// weight `w`. Iterative: a ranking may be as deep as there are
    /// candidates, more than a thread's stack would hold as recursion.
    fn walk(&self, nodes: &[Node], range: (usize, usize), w: &N, acc: &mut Acc<N>) {
        let (mut i, mut end) = range;
        let mut w = w.clone();
        let mut open: Vec<(usize, N)> = Vec::new();
        loop {
            if i >= end {
                match open.pop() {
                    Some((e, pw)) => {
                        (end, w) = (e, pw);
                        continue;
                    }
                    None => return,
                }
            }
            let node = &nodes[i];
            let next = node.skip as usize;
            match self.step(node, &w, acc) {
                Some(rest) if next > i + 1 => {
                    open.push((end, std::mem::replace(&mut w, rest)));
                    end = next;
                    i += 1;
                }
                _ => i = next,
            }
        }
    }

    /// Counts the top levels of `range` here and returns the subtrees below
    /// them as tasks for `threads` threads, largest first: deep enough that
    /// no task is a large share of the whole.
    fn split(
        &self,
        nodes: &[Node],
        range: (usize, usize),
        w: &N,
        threads: usize,
        acc: &mut Acc<N>,
    ) -> Vec<((usize, usize), N)> {
        let mut tasks = vec![(range, w.clone())];
        let total = range.1 - range.0;
        // A task above this many nodes is opened up into its children.
        let most = total / (8 * threads);
        for _ in 0..3 {
            if tasks.iter().all(|(r, _)| r.1 - r.0 <= most) {
                break;
            }
            let mut deeper = Vec::with_capacity(tasks.len());
            for (r, w) in tasks {
                if r.1 - r.0 <= most {
                    deeper.push((r, w));
                    continue;
                }
                let mut i = r.0;
                while i < r.1 {
                    let node = &nodes[i];
                    let next = node.skip as usize;
                    if let Some(rest) = self.step(node, &w, acc)
                        && next > i + 1
                    {
                        deeper.push(((i + 1, next), rest));
                    }
                    i = next;
                }
            }
            tasks = deeper;
        }
        tasks.sort_by_key(|(r, _)| std::cmp::Reverse(r.1 - r.0));
        tasks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::{Fixed, FixedCtx, Number, Rational};
    use ballot::{BallotsBuilder, Candidate, CandidateId};
    use proptest::prelude::*;

    const CANDIDATES: usize = 6;

    fn contest(rankings: &[(Vec<usize>, u64)], withdrawn: &[usize]) -> Contest {
        let id = |i: usize| CandidateId::new(i).expect("a small index");
        let mut b = BallotsBuilder::new(CANDIDATES);
        for (r, n) in rankings {
            let r: Vec<CandidateId> = r.iter().map(|&i| id(i)).collect();
            b.push(&r, *n).expect("a ranking");
        }
        let cands = (1..=CANDIDATES)
            .map(|i| Candidate::named(i, format!("c{i}")))
            .collect();
        Contest::new("x", "x", 1, cands, b.build())
            .expect("a contest")
            .with_withdrawn(withdrawn.iter().map(|&i| id(i)))
            .expect("withdrawn")
    }

    /// Up to 40 strict rankings of the six candidates, with their papers.
    fn rankings() -> impl Strategy<Value = Vec<(Vec<usize>, u64)>> {
        let ranking = (
            Just((0..CANDIDATES).collect::<Vec<_>>()).prop_shuffle(),
            1..=CANDIDATES,
            1..4u64,
        )
            .prop_map(|(mut r, len, n)| {
                r.truncate(len);
                (r, n)
            });
        proptest::collection::vec(ranking, 0..40)
    }

    /// Keep values in units of 10^-9, mostly the special 0 and 1.
    fn keeps() -> impl Strategy<Value = Vec<i128>> {
        let kf = prop_oneof![Just(0i128), Just(1_000_000_000i128), 1..=1_000_000_000i128,];
        proptest::collection::vec(kf, CANDIDATES)
    }

    fn rules() -> impl Strategy<Value = (IterativeMethod, Remainder)> {
        (
            prop_oneof![Just(IterativeMethod::Meek), Just(IterativeMethod::Warren)],
            prop_oneof![
                Just(Remainder::Subtract),
                Just(Remainder::Complement {
                    rounding: Rounding::up(9)
                }),
            ],
        )
    }

    /// The tally of `tree` with everything of keep value 0 defeated and
    /// spliced out, on `threads` threads even for a tiny tree.
    fn tally<N: Weigh>(
        tree: &mut Tree,
        weights: &Weights<N>,
        splice: bool,
        threads: usize,
    ) -> (Vec<N>, N, N) {
        if splice {
            for (c, kf) in weights.kf.iter().enumerate() {
                if kf.is_zero() {
                    tree.defeated(c);
                }
            }
            tree.splice();
        }
        tree.threads = threads;
        tree.last_visits = u64::MAX;
        let t = tree.distribute(weights);
        (t.votes, t.exhausted, t.loss)
    }

    #[test]
    fn trees_built_and_spliced_on_two_threads_are_those_built_on_one() {
        let spec = recount_testkit::Spec {
            candidates: 12,
            seats: 3,
            papers: 40_000,
            mean_length: 8.0,
        };
        let c = recount_testkit::contest(spec, 7);
        let mut one = Tree::on_threads(&c, 1);
        let mut two = Tree::on_threads(&c, 2);
        // Large enough for both to be shared among threads.
        assert!(c.ballots().len() >= PARALLEL_RANKINGS);
        assert!(two.nodes.len() >= PARALLEL_NODES);
        assert_eq!(one.nodes, two.nodes);
        for gone in [3, 7, 0] {
            one.defeated(gone);
            two.defeated(gone);
        }
        one.splice();
        two.splice();
        assert_eq!(one.nodes, two.nodes);
        assert_eq!(one.bare, two.bare);
        let without = Tree::on_threads(
            &c.with_withdrawn([3, 7, 0].map(|i| CandidateId::new(i).expect("an index")))
                .expect("withdrawn"),
            1,
        );
        assert_eq!(one.nodes, without.nodes);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn splicing_out_candidates_leaves_the_tree_built_without_them(
            rankings in rankings(),
            gone in proptest::collection::vec(any::<bool>(), CANDIDATES),
        ) {
            let out: Vec<usize> = (0..CANDIDATES).filter(|&c| gone[c]).collect();
            let mut tree = Tree::new(&contest(&rankings, &[]));
            for &c in &out {
                tree.defeated(c);
            }
            tree.splice();
            let without = Tree::new(&contest(&rankings, &out));
            prop_assert_eq!(&tree.nodes, &without.nodes);
            // Papers left with nobody are exhausted at once, still valid.
            prop_assert_eq!(tree.bare, without.invalid - tree.invalid);
            prop_assert_eq!(tree.valid, without.valid + tree.bare);
        }

        #[test]
        fn neither_splicing_nor_threads_change_a_fixed_point_tally(
            rankings in rankings(),
            kf in keeps(),
            (method, remainder) in rules(),
        ) {
            let ctx = FixedCtx { places: 9 };
            let kf: Vec<Fixed> = kf.into_iter().map(Fixed).collect();
            let one = Fixed::from_count(1, &ctx);
            let weights = Weights {
                kf: &kf,
                one: &one,
                method,
                keep_rounding: Rounding::up(9),
                remainder,
                ctx: &ctx,
            };
            let c = contest(&rankings, &[]);
            let plain = tally(&mut Tree::new(&c), &weights, false, 1);
            prop_assert_eq!(&tally(&mut Tree::new(&c), &weights, false, 2), &plain);
            prop_assert_eq!(&tally(&mut Tree::new(&c), &weights, true, 2), &plain);
        }

        #[test]
        fn neither_splicing_nor_threads_change_an_exact_tally(
            rankings in rankings(),
            kf in keeps(),
            (method, remainder) in rules(),
        ) {
            let kf: Vec<Rational> = kf
                .into_iter()
                .map(|k| Rational::div_count(&Rational::from_count(k as u64, &()), 1_000_000_000, Rounding::Exact, &()))
                .collect();
            let one = Rational::from_count(1, &());
            let weights = Weights {
                kf: &kf,
                one: &one,
                method,
                keep_rounding: Rounding::Exact,
                remainder,
                ctx: &(),
            };
            let c = contest(&rankings, &[]);
            let plain = tally(&mut Tree::new(&c), &weights, false, 1);
            prop_assert_eq!(&tally(&mut Tree::new(&c), &weights, false, 2), &plain);
            prop_assert_eq!(&tally(&mut Tree::new(&c), &weights, true, 2), &plain);
        }
    }
}
