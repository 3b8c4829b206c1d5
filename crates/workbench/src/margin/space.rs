//! The space a margin search moves papers in: the contest's distinct
//! rankings, the bullet papers, the exchanged rankings of `between` and,
//! for a small contest, every ranking, laid out once so that each trial
//! only sets paper counts.

use std::collections::{BTreeSet, HashMap};

use ballot::{BallotsBuilder, CandidateId, Contest};
use count::{CountError, Prepared, Rules};

use super::{MarginError, Options, Step};

/// The distinct rankings a search moves papers between, prepared once.
pub(super) struct Space<'r> {
    pub(super) rankings: Vec<Vec<usize>>,
    pub(super) index: HashMap<Vec<usize>, usize>,
    pub(super) base: Vec<u64>,
    pub(super) movable: Vec<u64>,
    pub(super) prepared: Prepared<'static>,
    pub(super) rules: &'r Rules,
    pub(super) elected: BTreeSet<CandidateId>,
}

impl Space<'_> {
    /// The elected under `counts`, when they differ from the original's.
    pub(super) fn other(&self, counts: &[u64]) -> Result<Option<Vec<CandidateId>>, MarginError> {
        let outcome = self.prepared.with_counts(counts)?.outcome(self.rules)?;
        let set: BTreeSet<CandidateId> = outcome.elected.iter().copied().collect();
        Ok((set != self.elected).then_some(outcome.elected))
    }

    pub(super) fn counts(&self, steps: &[Step]) -> Option<Vec<u64>> {
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

/// Candidates' rankings, the bullet papers and (for small contests) every
/// ranking, prepared once.
pub(super) fn build_space<'r>(
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

pub(super) fn swapped(r: &[usize], a: usize, b: usize) -> Vec<usize> {
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
pub(super) fn all_rankings(of: &[usize]) -> Vec<Vec<usize>> {
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
