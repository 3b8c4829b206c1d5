//! The exhaustive levels of a margin search: every change of k papers
//! counted, for a contest small enough, so that the interval closes from
//! below.

use rayon::prelude::*;

use super::space::{Space, swapped};
use super::{Changes, Found, MarginError, Options, Step};

/// One move of the exhaustive levels: a paper from a ranking, to a ranking.
pub(super) type Move = (Option<usize>, Option<usize>);

pub(super) fn moves(space: &Space, options: &Options) -> Vec<Move> {
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
pub(super) fn multisets(n: u64, k: u64) -> Option<u64> {
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
pub(super) fn level(
    space: &Space,
    moves: &[Move],
    k: u64,
) -> Result<(u64, Option<Found>), MarginError> {
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
