//! The families of changes a margin search tries, most promising first,
//! each searched for its fewest papers by doubling and bisection, and the
//! best found cut down a paper at a time.

use ballot::Contest;

use super::space::{Space, swapped};
use super::{Changes, Found, MarginError, Options, Step};

/// Candidates beyond which families run only among the winners and the
/// losers who went furthest.
const ALL_PAIRS: usize = 12;
const LOSERS_KEPT: usize = 6;

/// A family: papers taken in order from `moves`' sources, each to its
/// target (or removed), or added to one target.
#[derive(Clone, Debug)]
pub(super) enum Family {
    Take(Vec<(usize, Option<usize>)>),
    Add(usize),
}

impl Family {
    pub(super) fn capacity(&self, space: &Space) -> u64 {
        match self {
            Family::Take(moves) => moves.iter().map(|&(s, _)| space.movable[s]).sum(),
            // As many papers as there are: enough to elect anyone.
            Family::Add(_) => space.base.iter().sum::<u64>().max(1),
        }
    }

    pub(super) fn steps(&self, space: &Space, k: u64) -> Vec<Step> {
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

/// The families for `options`, most promising first: from the weakest
/// winners to the strongest losers, then the other ways round.
pub(super) fn families(
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

/// A family's fewest papers, at most `cap`, found by doubling then
/// bisection (which assumes more papers of one family do no less: a
/// family where they do may be found above its true least); with the
/// recounts it made.
pub(super) fn family_min(
    space: &Space,
    f: &Family,
    cap: u64,
) -> Result<(u64, Option<Found>), MarginError> {
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
pub(super) fn minimise(
    space: &Space,
    found: Found,
    budget: u64,
) -> Result<(Found, u64), MarginError> {
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
