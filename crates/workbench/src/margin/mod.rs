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
mod exhaustive;
mod families;
mod space;

use std::collections::{BTreeSet, HashMap};

use ballot::{CandidateId, Contest};
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
    /// Papers rank candidates equal: the search changes strict rankings
    /// only, so it would leave those papers out of every change.
    #[error(
        "{papers} papers rank candidates equal; a margin search changes strict rankings only \
         (read them with another --equal-rankings)"
    )]
    EqualRankings {
        /// Papers with equal preferences.
        papers: u64,
    },
}

impl From<CountError> for MarginError {
    fn from(e: CountError) -> MarginError {
        MarginError::Count(Box::new(e))
    }
}

use rayon::prelude::*;

pub use change::{ApplyError, ChangeFile, apply, rules_sha256};

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

/// A change found: its papers, steps and the elected.
type Found = (u64, Vec<Step>, Vec<CandidateId>);

/// Progress: recounts done and the most the search will make.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// The margin of `contest` under `rules` (see the module documentation).
pub fn search(
    contest: &Contest,
    rules: &Rules,
    options: &Options,
    progress: Progress<'_>,
) -> Result<Margin, MarginError> {
    if contest.ballots().has_equal_rankings() {
        return Err(MarginError::EqualRankings {
            papers: contest.ballots().equal_ranked_papers(),
        });
    }
    let records = Prepared::new(contest).count(rules)?;
    let elected_order: Vec<CandidateId> = {
        let outcome = Prepared::new(contest).outcome(rules)?;
        outcome.elected
    };
    let standing: Vec<usize> = (0..contest.candidates().len())
        .filter(|i| !contest.withdrawn().iter().any(|w| w.index() == *i))
        .collect();
    let exhaustive = standing.len() <= EXHAUSTIVE_CANDIDATES;
    let space = space::build_space(
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
    let families = families::families(contest, &space, options, &records, &standing);
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
                let r = families::family_min(&space, f, cap);
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
        let (found, n) = families::minimise(&space, b, (options.budget / 10).clamp(1, 500))?;
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
        let moves = exhaustive::moves(&space, options);
        let mut k = 1u64;
        loop {
            let limit = upper_now(&best).min(cap_all.saturating_add(1));
            if k >= limit {
                break;
            }
            let Some(size) =
                exhaustive::multisets(moves.len() as u64, k).filter(|&s| s <= exhaustive_left)
            else {
                break;
            };
            exhaustive_left -= size;
            let (n, hit) = exhaustive::level(&space, &moves, k)?;
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
        rules_sha256: change::rules_sha256(rules),
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
            rules_sha256: String::new(),
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
