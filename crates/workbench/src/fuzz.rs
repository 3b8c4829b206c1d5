//! Fuzzing rules (`recount fuzz`): generate elections from a seed, find
//! those where two rules elect differently or where a property fails, and
//! shrink each to a minimal counterexample. Cases run on every core
//! (rayon); case `i` of seed `s` is always the same election, so any
//! finding is reproduced by its seed alone.

use std::sync::atomic::{AtomicU64, Ordering};

use count::Rules;
use generate::shapes::{self, Params};
use rayon::prelude::*;

use crate::case::Case;
use crate::compare::{Parting, parting};
use crate::properties::{self, Verdict};
use crate::shrink::shrink;

/// What to look for.
#[derive(Clone, Debug)]
pub enum Target {
    /// Elections where these rules elect otherwise.
    Against(Rules),
    /// Elections where this property fails.
    Property(String),
}

/// A fuzzing run.
#[derive(Clone, Debug)]
pub struct Fuzz {
    /// The rules under test.
    pub rules: Rules,
    /// What to look for.
    pub target: Target,
    /// The generator's name (`generate::shapes::GENERATORS`).
    pub generator: String,
    /// Fixed parameters, or drawn per case when `None`.
    pub params: Option<Params>,
    /// The run's seed.
    pub seed: u64,
    /// Cases to try.
    pub cases: u64,
    /// Findings to keep and shrink (the first found, by case number).
    pub keep: usize,
    /// Recounts each shrink may spend.
    pub shrink_budget: usize,
    /// Whether a disagreement may rest on a tie decided by lot or by
    /// candidate order (arbitrary decisions, which any two rules may take
    /// otherwise); by default such cases do not count.
    pub allow_arbitrary_ties: bool,
}

/// Whether a count decided a tie by lot or by candidate order.
pub fn arbitrary_tie(c: &count::ContestCount) -> bool {
    c.stages.iter().flat_map(|s| &s.ties).any(|t| {
        matches!(
            t.method,
            count::transcript::TieMethod::Lot { .. } | count::transcript::TieMethod::Order
        )
    })
}

/// One counterexample.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The case's number in the run.
    pub case: u64,
    /// The case's own seed (with the generator and parameters, it makes
    /// the election again).
    pub case_seed: u64,
    /// Its parameters.
    pub params: Params,
    /// The election as generated.
    pub original: Case,
    /// The election shrunk.
    pub shrunk: Case,
    /// What the shrunk election shows, in words.
    pub what: String,
    /// Where the two counts part ways (against another rule).
    pub parting: Option<Parting>,
}

/// What a run found.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Cases tried.
    pub cases: u64,
    /// Cases the target applied to.
    pub applicable: u64,
    /// Cases that were counterexamples.
    pub found: u64,
    /// The first [`Fuzz::keep`] of them, shrunk.
    pub findings: Vec<Finding>,
}

/// The seed of case `i` of a run of seed `seed` (SplitMix64).
pub fn case_seed(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i + 1));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The case a run makes as its case `i`.
pub fn make_case(f: &Fuzz, i: u64) -> Option<(u64, Params, Case)> {
    let s = case_seed(f.seed, i);
    let params = f.params.unwrap_or_else(|| Params::draw(s));
    let e = shapes::election(&f.generator, params, s)?;
    Some((s, params, Case::of(&e.contests()[0])))
}

/// Whether the target applies to `case`, and what it shows when `case`
/// is a counterexample.
pub fn judge(f: &Fuzz, case: &Case) -> (bool, Option<String>) {
    match &f.target {
        Target::Property(p) => match properties::check(p, case, &f.rules) {
            Some(Verdict::Fails(why)) => (true, Some(why)),
            Some(Verdict::Holds) => (true, None),
            _ => (false, None),
        },
        Target::Against(other) => {
            let Some(contest) = case.contest() else {
                return (false, None);
            };
            let prepared = count::Prepared::new(&contest);
            let (Ok(mut a), Ok(mut b)) = (prepared.count(&f.rules), prepared.count(other)) else {
                return (false, None);
            };
            let (Some(a), Some(b)) = (a.pop(), b.pop()) else {
                return (false, None);
            };
            if !f.allow_arbitrary_ties && (arbitrary_tie(&a) || arbitrary_tie(&b)) {
                return (false, None);
            }
            let p = parting(&a, &b);
            if p.same_elected() {
                (true, None)
            } else {
                (
                    true,
                    Some(format!(
                        "{} elects {}; {} elects {}",
                        f.rules.name,
                        p.elected[0].join(", "),
                        other.name,
                        p.elected[1].join(", ")
                    )),
                )
            }
        }
    }
}

/// Where the two rules part ways on `case` (against another rule).
pub fn parting_of(f: &Fuzz, case: &Case) -> Option<Parting> {
    let Target::Against(other) = &f.target else {
        return None;
    };
    let contest = case.contest()?;
    let prepared = count::Prepared::new(&contest);
    let a = prepared.count(&f.rules).ok()?.pop()?;
    let b = prepared.count(other).ok()?.pop()?;
    Some(parting(&a, &b))
}

/// Runs `f`, telling `progress` (cases done, counterexamples found) as it goes.
pub fn run(f: &Fuzz, progress: &(dyn Fn(u64, u64) + Sync)) -> Summary {
    let done = AtomicU64::new(0);
    let found = AtomicU64::new(0);
    let applicable = AtomicU64::new(0);
    let mut hits: Vec<(u64, u64, Params, Case)> = (0..f.cases)
        .into_par_iter()
        .filter_map(|i| {
            let made = make_case(f, i);
            let hit = made.and_then(|(s, p, case)| {
                let (applies, what) = judge(f, &case);
                if applies {
                    applicable.fetch_add(1, Ordering::Relaxed);
                }
                what.map(|_| (i, s, p, case))
            });
            if hit.is_some() {
                found.fetch_add(1, Ordering::Relaxed);
            }
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            progress(n, found.load(Ordering::Relaxed));
            hit
        })
        .collect();
    hits.sort_by_key(|h| h.0);
    let total_found = hits.len() as u64;
    hits.truncate(f.keep);
    let findings: Vec<Finding> = hits
        .into_par_iter()
        .map(|(i, s, params, case)| {
            let keeps = |c: &Case| judge(f, c).1.is_some();
            let shrunk = shrink(&case, &keeps, f.shrink_budget);
            let what = judge(f, &shrunk).1.unwrap_or_default();
            let parting = parting_of(f, &shrunk);
            Finding {
                case: i,
                case_seed: s,
                params,
                original: case,
                shrunk,
                what,
                parting,
            }
        })
        .collect();
    Summary {
        cases: f.cases,
        applicable: applicable.into_inner(),
        found: total_found,
        findings,
    }
}
