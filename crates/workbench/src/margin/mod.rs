//! Margins (`recount margin`, `specs/changes.md`): the fewest papers whose
//! change changes who is elected, as an interval. The upper bound is a
//! concrete change found and verified by a full recount; the lower bound
//! is what is proven cheaply: every change of fewer papers tried without
//! success when the space is small enough to try them all, and for the
//! Gregory family the reach of a change through the count's decisions
//! ([`bound`]).
//!
//! The search ([`search`]) runs families of changes, each a way of moving
//! papers (from candidate a's first preferences to a paper for b alone,
//! papers for a removed, papers for b added, or with `between` only a and
//! b exchanged on a paper), and finds each family's fewest papers by
//! doubling then bisection; the best is then cut down paper by paper. When
//! every change of k papers can be counted within the budget, they are:
//! the interval closes from below. Counts are outcome-only recounts of one
//! prepared layout with new paper counts ([`count::Prepared::with_counts`]).

pub mod bound;
pub mod change;

use std::collections::{BTreeSet, HashMap};

use ballot::{BallotsBuilder, CandidateId, Contest};
use count::{CountError, Prepared, Rules};

/// Why a margin search failed.
#[derive(Debug, thiserror::Error)]
pub enum MarginError {
    /// A count failed.
    #[error("{0}")]
    Count(Box<CountError>),
    /// The search contradicted itself: a bug.
    #[error("{0}: a bug in recount, please report it")]
    Bug(String),
}

impl From<CountError> for MarginError {
    fn from(e: CountError) -> MarginError {
        MarginError::Count(Box::new(e))
    }
}

use rayon::prelude::*;

pub use change::{ApplyError, ChangeFile, apply};

/// Which changes of papers are searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changes {
    /// A paper's ranking changed to another (not to a blank paper).
    Changed,
    /// Papers added.
    Added,
    /// Papers removed.
    Removed,
    /// Any of the three, each paper touched counting one.
    Any,
}

impl Changes {
    /// The name `--changes` takes.
    pub fn name(self) -> &'static str {
        match self {
            Changes::Changed => "changed",
            Changes::Added => "added",
            Changes::Removed => "removed",
            Changes::Any => "any",
        }
    }
}

/// What the search may do and spend.
#[derive(Clone, Debug)]
pub struct Options {
    /// Which changes.
    pub changes: Changes,
    /// Only votes moved between these two: a paper changed has them
    /// exchanged; papers added or removed have one of them first.
    pub between: Option<(CandidateId, CandidateId)>,
    /// Only these papers may be changed or removed (a batch), per ranking
    /// (candidate indices): at most that many of each. `None`: any paper.
    pub within: Option<HashMap<Vec<usize>, u64>>,
    /// Changes of at most this many papers.
    pub max_papers: Option<u64>,
    /// Recounts the families may spend.
    pub budget: u64,
    /// Recounts the exhaustive levels may spend.
    pub exhaustive_budget: u64,
}

impl Options {
    /// Any paper, `changes`, with default budgets.
    pub fn new(changes: Changes) -> Options {
        Options {
            changes,
            between: None,
            within: None,
            max_papers: None,
            budget: 20_000,
            exhaustive_budget: 200_000,
        }
    }
}

/// One step of a found change, in candidate indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Papers.
    pub papers: u64,
    /// The ranking taken from (none: papers added).
    pub from: Option<Vec<usize>>,
    /// The ranking given (none: papers removed).
    pub to: Option<Vec<usize>>,
}

/// A change found to change the winners, verified by a full recount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Papers touched.
    pub papers: u64,
    /// The steps.
    pub steps: Vec<Step>,
    /// Who the changed papers elect, in order.
    pub elected: Vec<CandidateId>,
    /// Elected before, not after.
    pub displaced: Vec<CandidateId>,
    /// Elected after, not before.
    pub by: Vec<CandidateId>,
}

/// Where the lower bound comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerBound {
    /// Every change of fewer papers was counted.
    Exhaustive,
    /// The reach of a change through the count's decisions ([`bound`]).
    Decisions(bound::Closest),
    /// Only that some paper must change.
    Trivial(&'static str),
}

/// A margin search's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Margin {
    /// Who the papers as they are elect, in order.
    pub elected: Vec<CandidateId>,
    /// Changes found, fewest papers first, one per outcome (at most 10);
    /// the first is the upper bound.
    pub findings: Vec<Finding>,
    /// No change of fewer papers changes the winners.
    pub lower_bound: u64,
    /// Why.
    pub lower_bound_from: LowerBound,
    /// Every change of at most this many papers was counted (0: none).
    pub exhaustive_through: u64,
    /// Recounts made.
    pub recounts: u64,
    /// Families not run for want of budget.
    pub untried: usize,
}

impl Margin {
    /// The fewest papers found to change the winners.
    pub fn upper_bound(&self) -> Option<u64> {
        self.findings.first().map(|f| f.papers)
    }
}

/// Standing candidates beyond which exhaustive levels are not tried: 6
/// make 1,956 rankings.
const EXHAUSTIVE_CANDIDATES: usize = 6;
/// Candidates beyond which families run only among the winners and the
/// losers who went furthest.
const ALL_PAIRS: usize = 12;
const LOSERS_KEPT: usize = 6;

/// The distinct rankings a search moves papers between, prepared once.
struct Space<'r> {
    rankings: Vec<Vec<usize>>,
    index: HashMap<Vec<usize>, usize>,
    base: Vec<u64>,
    movable: Vec<u64>,
    prepared: Prepared<'static>,
    rules: &'r Rules,
    elected: BTreeSet<CandidateId>,
}

impl Space<'_> {
    /// The elected under `counts`, when they differ from the original's.
    fn other(&self, counts: &[u64]) -> Result<Option<Vec<CandidateId>>, MarginError> {
        let outcome = self.prepared.with_counts(counts)?.outcome(self.rules)?;
        let set: BTreeSet<CandidateId> = outcome.elected.iter().copied().collect();
        Ok((set != self.elected).then_some(outcome.elected))
    }

    fn counts(&self, steps: &[Step]) -> Option<Vec<u64>> {
        let mut c = self.base.clone();
        let mut taken = vec![0u64; c.len()];
        for s in steps {
            if let Some(f) = &s.from {
                let i = *self.index.get(f)?;
                taken[i] += s.papers;
                if taken[i] > self.movable[i] {
                    return None;
                }
                c[i] -= s.papers;
            }
            if let Some(t) = &s.to {
                let i = *self.index.get(t)?;
                c[i] = c[i].checked_add(s.papers)?;
            }
        }
        Some(c)
    }
}

/// A family: papers taken in order from `moves`' sources, each to its
/// target (or removed), or added to one target.
#[derive(Clone, Debug)]
enum Family {
    Take(Vec<(usize, Option<usize>)>),
    Add(usize),
}

impl Family {
    fn capacity(&self, space: &Space) -> u64 {
        match self {
            Family::Take(moves) => moves.iter().map(|&(s, _)| space.movable[s]).sum(),
            // As many papers as there are: enough to elect anyone.
            Family::Add(_) => space.base.iter().sum::<u64>().max(1),
        }
    }

    fn steps(&self, space: &Space, k: u64) -> Vec<Step> {
        match self {
            Family::Add(t) => vec![Step {
                papers: k,
                from: None,
                to: Some(space.rankings[*t].clone()),
            }],
            Family::Take(moves) => {
                let mut left = k;
                let mut steps = Vec::new();
                for &(s, t) in moves {
                    if left == 0 {
                        break;
                    }
                    let n = space.movable[s].min(left);
                    if n == 0 {
                        continue;
                    }
                    left -= n;
                    steps.push(Step {
                        papers: n,
                        from: Some(space.rankings[s].clone()),
                        to: t.map(|t| space.rankings[t].clone()),
                    });
                }
                steps
            }
        }
    }
}

/// Progress: recounts done and the most the search will make.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// The margin of `contest` under `rules` (see the module documentation).
pub fn search(
    contest: &Contest,
    rules: &Rules,
    options: &Options,
    progress: Progress<'_>,
) -> Result<Margin, MarginError> {
    let records = Prepared::new(contest).count(rules)?;
    let elected_order: Vec<CandidateId> = {
        let outcome = Prepared::new(contest).outcome(rules)?;
        outcome.elected
    };
    let standing: Vec<usize> = (0..contest.candidates().len())
        .filter(|i| !contest.withdrawn().iter().any(|w| w.index() == *i))
        .collect();
    let exhaustive = standing.len() <= EXHAUSTIVE_CANDIDATES;
    let space = build_space(
        contest,
        rules,
        options,
        &standing,
        exhaustive,
        &elected_order,
    )?;
    let cap_all = options.max_papers.unwrap_or(u64::MAX);
    let total_budget = options.budget + options.exhaustive_budget;
    let done = std::sync::atomic::AtomicU64::new(0);
    let tick = |n: u64| {
        let d = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        progress(d, total_budget);
    };

    // Families, most promising first.
    let families = families(contest, &space, options, &records, &standing);
    let mut best: Option<Found> = None;
    let mut by_outcome: HashMap<BTreeSet<CandidateId>, Found> = HashMap::new();
    let mut spent = 0u64;
    let mut untried = 0usize;
    let chunk = rayon::current_num_threads().max(1) * 2;
    for group in families.chunks(chunk) {
        if spent >= options.budget {
            untried += group.len();
            continue;
        }
        let cap = best.as_ref().map_or(cap_all, |b| (b.0 - 1).min(cap_all));
        if cap == 0 {
            break;
        }
        let results: Vec<Result<(u64, Option<Found>), MarginError>> = group
            .par_iter()
            .map(|f| {
                let r = family_min(&space, f, cap);
                if let Ok((n, _)) = &r {
                    tick(*n);
                }
                r
            })
            .collect();
        for r in results {
            let (n, found) = r?;
            spent += n;
            if let Some(found) = found {
                note(&mut by_outcome, &found);
                if best.as_ref().is_none_or(|b| found.0 < b.0) {
                    best = Some(found);
                }
            }
        }
    }

    // Cut the best down a paper at a time.
    if let Some(b) = best.take() {
        // A tenth of the budget: each try is a recount, and a change spread
        // over many rankings has a try per ranking each round.
        let (found, n) = minimise(&space, b, (options.budget / 10).clamp(1, 500))?;
        tick(n);
        spent += n;
        note(&mut by_outcome, &found);
        best = Some(found);
    }

    // Lower bounds.
    let mut lower = 1u64;
    let mut from = LowerBound::Trivial("a change of no papers changes nothing");
    let upper = best.as_ref().map(|b| b.0);
    if let Some(why) = bound::unsupported(rules, &records) {
        from = LowerBound::Trivial(why);
    } else if let Some(record) = records.first() {
        let cap = upper.unwrap_or(cap_all.min(space.base.iter().sum::<u64>().max(1)));
        match bound::lower_bound(rules, record, options.changes, cap) {
            Some((k, closest)) => {
                if k > lower {
                    lower = k;
                    from = LowerBound::Decisions(closest);
                }
            }
            None => {
                lower = cap.saturating_add(1);
                from = LowerBound::Decisions(bound::Closest {
                    stage: 0,
                    what: format!("no decision within reach of {cap} papers"),
                    gap: String::new(),
                });
            }
        }
    }
    let mut exhaustive_through = 0u64;
    let mut exhaustive_left = options.exhaustive_budget;
    if exhaustive {
        let moves = exhaustive_moves(&space, options);
        let mut k = 1u64;
        loop {
            let limit = upper_now(&best).min(cap_all.saturating_add(1));
            if k >= limit {
                break;
            }
            let Some(size) = multisets(moves.len() as u64, k).filter(|&s| s <= exhaustive_left)
            else {
                break;
            };
            exhaustive_left -= size;
            let (n, hit) = level(&space, &moves, k)?;
            tick(n);
            spent += n;
            match hit {
                Some(found) => {
                    note(&mut by_outcome, &found);
                    best = Some(found);
                    break;
                }
                None => {
                    exhaustive_through = k;
                    k += 1;
                }
            }
        }
        if exhaustive_through + 1 > lower {
            lower = exhaustive_through + 1;
            from = LowerBound::Exhaustive;
        }
    }
    if let Some(b) = &best
        && b.0 < lower
    {
        return Err(MarginError::Bug(format!(
            "the margin's lower bound ({lower} papers) is above a change of {} papers that was verified",
            b.0
        )));
    }

    let elected_set: BTreeSet<CandidateId> = elected_order.iter().copied().collect();
    let mut findings: Vec<Finding> = by_outcome
        .into_values()
        .map(|(papers, steps, elected)| {
            let after: BTreeSet<CandidateId> = elected.iter().copied().collect();
            Finding {
                papers,
                steps,
                displaced: elected_set.difference(&after).copied().collect(),
                by: after.difference(&elected_set).copied().collect(),
                elected,
            }
        })
        .collect();
    findings.sort_by(|a, b| (a.papers, &a.displaced, &a.by).cmp(&(b.papers, &b.displaced, &b.by)));
    if let Some(b) = &best {
        // The best first, whichever outcome ties with it.
        if let Some(i) = findings.iter().position(|f| f.steps == b.1) {
            let f = findings.remove(i);
            findings.insert(0, f);
        }
    }
    findings.truncate(10);
    findings
        .par_iter()
        .try_for_each(|f| verify(contest, rules, f))?;
    Ok(Margin {
        elected: elected_order,
        findings,
        lower_bound: lower,
        lower_bound_from: from,
        exhaustive_through,
        recounts: spent,
        untried,
    })
}

fn upper_now(best: &Option<Found>) -> u64 {
    best.as_ref().map_or(u64::MAX, |b| b.0)
}

fn note(by_outcome: &mut HashMap<BTreeSet<CandidateId>, Found>, found: &Found) {
    let key: BTreeSet<CandidateId> = found.2.iter().copied().collect();
    let better = by_outcome.get(&key).is_none_or(|b| found.0 < b.0);
    if better {
        by_outcome.insert(key, found.clone());
    }
}

/// A finding's change made to the contest as a change file makes it, and
/// counted in full: it must elect what the search saw.
fn verify(contest: &Contest, rules: &Rules, f: &Finding) -> Result<(), MarginError> {
    let changed = apply_steps(contest, &f.steps)
        .map_err(|e| MarginError::Bug(format!("a change the search found cannot be made: {e}")))?;
    let records = Prepared::new(&changed).count(rules)?;
    let names: Vec<&String> = records.iter().flat_map(|r| r.elected.iter()).collect();
    let want: Vec<&String> = f
        .elected
        .iter()
        .map(|c| &contest.candidates()[c.index()].name)
        .collect();
    if names != want {
        return Err(MarginError::Bug(format!(
            "a change the search found elects {names:?} when recounted in full, not {want:?}"
        )));
    }
    Ok(())
}

/// The finding as a change file (the file [`apply`] reads), with its claim.
pub fn change_file(
    contest: &Contest,
    rules: &Rules,
    elected: &[CandidateId],
    f: &Finding,
) -> ChangeFile {
    let name = |c: &CandidateId| contest.candidates()[c.index()].name.clone();
    let mut file = steps_file(contest, &f.steps);
    file.claim = change::Claim {
        rules: rules.name.clone(),
        elected_before: elected.iter().map(name).collect(),
        elected_after: f.elected.iter().map(name).collect(),
        displaced: f.displaced.iter().map(name).collect(),
        by: f.by.iter().map(name).collect(),
    };
    file
}

/// Steps as a change file with an empty claim.
fn steps_file(contest: &Contest, steps: &[Step]) -> ChangeFile {
    ChangeFile {
        format: change::FORMAT.into(),
        contest: contest.id().to_owned(),
        candidates: contest
            .candidates()
            .iter()
            .map(|c| c.name.clone())
            .collect(),
        papers: steps.iter().map(|s| s.papers).sum(),
        steps: steps
            .iter()
            .map(|s| change::Step {
                papers: s.papers,
                from: s.from.as_ref().map(|r| change::names(contest, r)),
                to: s.to.as_ref().map(|r| change::names(contest, r)),
            })
            .collect(),
        claim: change::Claim {
            rules: String::new(),
            elected_before: Vec::new(),
            elected_after: Vec::new(),
            displaced: Vec::new(),
            by: Vec::new(),
        },
    }
}

/// The steps made to `contest` through their change file: the path a
/// replay takes.
pub fn apply_steps(contest: &Contest, steps: &[Step]) -> Result<Contest, ApplyError> {
    apply(contest, &steps_file(contest, steps))
}

/// Candidates' rankings, the bullet papers and (for small contests) every
/// ranking, prepared once.
fn build_space<'r>(
    contest: &Contest,
    rules: &'r Rules,
    options: &Options,
    standing: &[usize],
    every_ranking: bool,
    elected: &[CandidateId],
) -> Result<Space<'r>, MarginError> {
    let mut rankings: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut base: Vec<u64> = Vec::new();
    let mut add =
        |r: Vec<usize>, n: u64, rankings: &mut Vec<Vec<usize>>, base: &mut Vec<u64>| match index
            .get(&r)
        {
            Some(&i) => base[i] += n,
            None => {
                index.insert(r.clone(), rankings.len());
                rankings.push(r);
                base.push(n);
            }
        };
    for b in contest.ballots().iter() {
        add(
            b.ranking.iter().map(|c| c.index()).collect(),
            b.count.0,
            &mut rankings,
            &mut base,
        );
    }
    for &c in standing {
        add(vec![c], 0, &mut rankings, &mut base);
    }
    if let Some((a, b)) = options.between {
        let (a, b) = (a.index(), b.index());
        let present = rankings.len();
        for i in 0..present {
            let r = &rankings[i];
            if r.contains(&a) || r.contains(&b) {
                let s = swapped(r, a, b);
                add(s, 0, &mut rankings, &mut base);
            }
        }
    }
    if every_ranking {
        for r in all_rankings(standing) {
            add(r, 0, &mut rankings, &mut base);
        }
    }
    let movable: Vec<u64> = rankings
        .iter()
        .zip(&base)
        .map(|(r, &n)| match &options.within {
            Some(w) => w.get(r).copied().unwrap_or(0).min(n),
            None => n,
        })
        .collect();
    // The layout holds every ranking (absent ones with a placeholder paper)
    // so that each trial only sets counts.
    let mut builder = BallotsBuilder::new(contest.candidates().len());
    let blank = contest.ballots().blank().0;
    let fail = |e: ballot::RankingError| {
        MarginError::from(CountError::Contest {
            contest: contest.id().to_owned(),
            message: e.to_string(),
        })
    };
    if blank > 0 {
        builder.push(&[], blank).map_err(fail)?;
    }
    let mut paper = Vec::new();
    for (r, &n) in rankings.iter().zip(&base) {
        paper.clear();
        paper.extend(r.iter().filter_map(|&c| CandidateId::new(c)));
        builder.push(&paper, n.max(1)).map_err(fail)?;
    }
    let laid = contest.with_ballots(builder.build()).map_err(|e| {
        MarginError::from(CountError::Contest {
            contest: contest.id().to_owned(),
            message: e.to_string(),
        })
    })?;
    let prepared = Prepared::new(&laid).threads(1);
    prepared.outcome(rules)?;
    // Owned, with the layout built above.
    let prepared = prepared.with_counts(&base.iter().map(|&n| n.max(1)).collect::<Vec<_>>())?;
    Ok(Space {
        rankings,
        index,
        base,
        movable,
        prepared,
        rules,
        elected: elected.iter().copied().collect(),
    })
}

fn swapped(r: &[usize], a: usize, b: usize) -> Vec<usize> {
    r.iter()
        .map(|&c| {
            if c == a {
                b
            } else if c == b {
                a
            } else {
                c
            }
        })
        .collect()
}

/// Every non-empty ranking of `of`, shortest first.
fn all_rankings(of: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut frontier: Vec<Vec<usize>> = vec![Vec::new()];
    for _ in 0..of.len() {
        let mut next = Vec::new();
        for r in &frontier {
            for &c in of {
                if !r.contains(&c) {
                    let mut s = r.clone();
                    s.push(c);
                    next.push(s);
                }
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}

/// The families for `options`, most promising first: from the weakest
/// winners to the strongest losers, then the other ways round.
fn families(
    contest: &Contest,
    space: &Space,
    options: &Options,
    records: &[count::ContestCount],
    standing: &[usize],
) -> Vec<Family> {
    // Rank: winners last-elected first, then losers last-excluded first.
    let by_name = |name: &str| contest.candidates().iter().position(|c| c.name == name);
    let mut order: Vec<usize> = Vec::new();
    let mut winners: Vec<usize> = Vec::new();
    for r in records {
        for e in &r.elected {
            if let Some(i) = by_name(e) {
                winners.push(i);
            }
        }
    }
    winners.reverse();
    order.extend(&winners);
    let mut losers: Vec<usize> = standing
        .iter()
        .copied()
        .filter(|c| !winners.contains(c))
        .collect();
    let excluded_at = |c: usize| {
        records
            .iter()
            .flat_map(|r| r.excluded.iter())
            .position(|e| by_name(e) == Some(c))
            .unwrap_or(usize::MAX)
    };
    losers.sort_by_key(|&c| std::cmp::Reverse(excluded_at(c)));
    if standing.len() > ALL_PAIRS {
        losers.truncate(LOSERS_KEPT);
    }
    order.extend(&losers);
    let is_winner = |c: usize| winners.contains(&c);
    let bullet = |c: usize| space.index.get(&vec![c]).copied();
    // Sources: rankings with `a` first, those that rank `b` late or not at
    // all first, then the most papers.
    let sources = |a: usize, b: Option<usize>| {
        let mut s: Vec<usize> = (0..space.rankings.len())
            .filter(|&i| space.movable[i] > 0 && space.rankings[i].first() == Some(&a))
            .collect();
        s.sort_by_key(|&i| {
            let r = &space.rankings[i];
            let late = b
                .and_then(|b| r.iter().position(|&x| x == b))
                .map_or(usize::MAX, |p| p);
            (
                std::cmp::Reverse(late),
                std::cmp::Reverse(space.movable[i]),
                i,
            )
        });
        s
    };
    let mut out: Vec<(u8, Family)> = Vec::new();
    let changes = options.changes;
    let take = matches!(changes, Changes::Changed | Changes::Any);
    let add = matches!(changes, Changes::Added | Changes::Any);
    let remove = matches!(changes, Changes::Removed | Changes::Any);
    if let Some((a, b)) = options.between {
        let (a, b) = (a.index(), b.index());
        for (x, y) in [(a, b), (b, a)] {
            if take {
                let mut s: Vec<usize> = (0..space.rankings.len())
                    .filter(|&i| space.movable[i] > 0 && space.rankings[i].contains(&x))
                    .collect();
                s.sort_by_key(|&i| {
                    let r = &space.rankings[i];
                    let at = r.iter().position(|&c| c == x).unwrap_or(usize::MAX);
                    (at, std::cmp::Reverse(space.movable[i]), i)
                });
                let moves = s
                    .into_iter()
                    .filter_map(|i| {
                        let t = space.index.get(&swapped(&space.rankings[i], x, y))?;
                        Some((i, Some(*t)))
                    })
                    .collect();
                out.push((0, Family::Take(moves)));
            }
            if add && let Some(t) = bullet(y) {
                out.push((0, Family::Add(t)));
            }
            if remove {
                out.push((
                    0,
                    Family::Take(sources(x, Some(y)).into_iter().map(|i| (i, None)).collect()),
                ));
            }
        }
    } else {
        for &a in &order {
            for &b in &order {
                if a == b {
                    continue;
                }
                let class = match (is_winner(a), is_winner(b)) {
                    (true, false) => 0,
                    (false, true) => 1,
                    _ => 2,
                };
                if take && let Some(t) = bullet(b) {
                    let moves = sources(a, Some(b))
                        .into_iter()
                        .filter(|&i| i != t)
                        .map(|i| (i, Some(t)))
                        .collect();
                    out.push((class, Family::Take(moves)));
                }
            }
            if remove {
                let class = if is_winner(a) { 0 } else { 1 };
                out.push((
                    class,
                    Family::Take(sources(a, None).into_iter().map(|i| (i, None)).collect()),
                ));
            }
            if add && let Some(t) = bullet(a) {
                let class = if is_winner(a) { 1 } else { 0 };
                out.push((class, Family::Add(t)));
            }
        }
    }
    // A stable sort keeps the weakest-winner, strongest-loser order within a class.
    out.sort_by_key(|(class, _)| *class);
    out.into_iter().map(|(_, f)| f).collect()
}

type Found = (u64, Vec<Step>, Vec<CandidateId>);

/// A family's fewest papers, at most `cap`, found by doubling then
/// bisection (which assumes more papers of one family do no less: a
/// family where they do may be found above its true least); with the
/// recounts it made.
fn family_min(space: &Space, f: &Family, cap: u64) -> Result<(u64, Option<Found>), MarginError> {
    let cap = f.capacity(space).min(cap);
    let mut recounts = 0u64;
    let mut test = |k: u64| -> Result<Option<Found>, MarginError> {
        let steps = f.steps(space, k);
        let Some(counts) = space.counts(&steps) else {
            return Ok(None);
        };
        recounts += 1;
        Ok(space.other(&counts)?.map(|e| (k, steps, e)))
    };
    if cap == 0 {
        return Ok((0, None));
    }
    let mut lo = 0u64;
    let mut k = 1u64;
    let mut hit;
    loop {
        let kk = k.min(cap);
        hit = test(kk)?;
        if hit.is_some() {
            k = kk;
            break;
        }
        if kk == cap {
            return Ok((recounts, None));
        }
        lo = kk;
        k = k.saturating_mul(2);
    }
    let mut hi = k;
    let mut best = hit.expect("a hit");
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match test(mid)? {
            Some(h) => {
                hi = mid;
                best = h;
            }
            None => lo = mid,
        }
    }
    Ok((recounts, Some(best)))
}

/// Steps dropped, then papers taken off one at a time, while the winners
/// still change; at most `budget` recounts.
fn minimise(space: &Space, found: Found, budget: u64) -> Result<(Found, u64), MarginError> {
    let (mut papers, mut steps, mut elected) = found;
    let mut spent = 0u64;
    let mut improved = true;
    while improved && spent < budget {
        improved = false;
        for i in 0..steps.len() {
            if spent >= budget {
                break;
            }
            let mut trial = steps.clone();
            if trial[i].papers > 1 {
                trial[i].papers -= 1;
            } else {
                trial.remove(i);
            }
            if trial.is_empty() {
                continue;
            }
            let Some(counts) = space.counts(&trial) else {
                continue;
            };
            spent += 1;
            if let Some(e) = space.other(&counts)? {
                steps = trial;
                elected = e;
                papers -= 1;
                improved = true;
                break;
            }
        }
    }
    Ok(((papers, steps, elected), spent))
}

/// One move of the exhaustive levels: a paper from a ranking, to a ranking.
type Move = (Option<usize>, Option<usize>);

fn exhaustive_moves(space: &Space, options: &Options) -> Vec<Move> {
    let n = space.rankings.len();
    let sources: Vec<usize> = (0..n).filter(|&i| space.movable[i] > 0).collect();
    let mut moves = Vec::new();
    let between = options.between.map(|(a, b)| (a.index(), b.index()));
    let take = matches!(options.changes, Changes::Changed | Changes::Any);
    let add = matches!(options.changes, Changes::Added | Changes::Any);
    let remove = matches!(options.changes, Changes::Removed | Changes::Any);
    let first_is = |i: usize, (a, b): (usize, usize)| matches!(space.rankings[i].first(), Some(&c) if c == a || c == b);
    if take {
        for &s in &sources {
            match between {
                Some((a, b)) => {
                    let r = &space.rankings[s];
                    if r.contains(&a) || r.contains(&b) {
                        let t = space.index[&swapped(r, a, b)];
                        moves.push((Some(s), Some(t)));
                    }
                }
                None => {
                    for t in 0..n {
                        if t != s {
                            moves.push((Some(s), Some(t)));
                        }
                    }
                }
            }
        }
    }
    if add {
        for t in 0..n {
            if between.is_none_or(|ab| space.rankings[t].len() == 1 && first_is(t, ab)) {
                moves.push((None, Some(t)));
            }
        }
    }
    if remove {
        for &s in &sources {
            if between.is_none_or(|ab| first_is(s, ab)) {
                moves.push((Some(s), None));
            }
        }
    }
    moves
}

/// Multisets of `k` from `n`, if below 2^64.
fn multisets(n: u64, k: u64) -> Option<u64> {
    // C(n + k - 1, k), computed in u128 step by step.
    if n == 0 {
        return Some(0);
    }
    let mut c: u128 = 1;
    for i in 0..k {
        c = c.checked_mul(u128::from(n + i))? / u128::from(i + 1);
        if c > u128::from(u64::MAX) {
            return None;
        }
    }
    u64::try_from(c).ok()
}

/// Every change of `k` moves counted; the first (in order) that changes
/// the winners.
fn level(space: &Space, moves: &[Move], k: u64) -> Result<(u64, Option<Found>), MarginError> {
    let mut all: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::with_capacity(k as usize);
    let mut used = vec![0u64; space.rankings.len()];
    enumerate(
        space,
        moves,
        k as usize,
        0,
        &mut current,
        &mut used,
        &mut all,
    );
    let n = all.len() as u64;
    let hit = all
        .par_iter()
        .map(|picks| -> Result<Option<Found>, MarginError> {
            let steps = picks_to_steps(space, moves, picks);
            let counts = space.counts(&steps).expect("enumerated within the papers");
            Ok(space.other(&counts)?.map(|e| (k, steps, e)))
        })
        .find_first(|r| !matches!(r, Ok(None)));
    match hit {
        Some(r) => Ok((n, r?)),
        None => Ok((n, None)),
    }
}

fn enumerate(
    space: &Space,
    moves: &[Move],
    left: usize,
    from: usize,
    current: &mut Vec<usize>,
    used: &mut [u64],
    out: &mut Vec<Vec<usize>>,
) {
    if left == 0 {
        out.push(current.clone());
        return;
    }
    for m in from..moves.len() {
        if let Some(s) = moves[m].0 {
            if used[s] >= space.movable[s] {
                continue;
            }
            used[s] += 1;
        }
        current.push(m);
        enumerate(space, moves, left - 1, m, current, used, out);
        current.pop();
        if let Some(s) = moves[m].0 {
            used[s] -= 1;
        }
    }
}

fn picks_to_steps(space: &Space, moves: &[Move], picks: &[usize]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for &m in picks {
        let (s, t) = moves[m];
        let from = s.map(|s| space.rankings[s].clone());
        let to = t.map(|t| space.rankings[t].clone());
        match steps.iter_mut().find(|x| x.from == from && x.to == to) {
            Some(x) => x.papers += 1,
            None => steps.push(Step {
                papers: 1,
                from,
                to,
            }),
        }
    }
    steps
}
