//! Shrinking a counterexample to a minimal one: while the finding persists
//! (`keeps`), remove a candidate, remove a distinct ranking, shorten a
//! ranking by its last preference, halve or lower a ranking's papers, and
//! take a seat away. Each step is kept only if the finding still holds;
//! the loop ends when no step keeps it. Greedy, so minimal in the sense
//! that no single step shrinks it further.

use crate::case::Case;

/// The smallest case reached from `case` by single steps that keep `keeps`
/// true, within `budget` tries (each a recount or two).
pub fn shrink(case: &Case, keeps: &dyn Fn(&Case) -> bool, budget: usize) -> Case {
    let mut best = case.clone();
    let mut tries = 0usize;
    let attempt = |c: Case, best: &mut Case, tries: &mut usize| -> bool {
        *tries += 1;
        if c.contest().is_some() && keeps(&c) {
            *best = c;
            true
        } else {
            false
        }
    };
    loop {
        let mut changed = false;
        // Fewer candidates.
        let mut c = 0;
        while c < best.names.len() && tries < budget {
            if !attempt(best.without_candidate(c), &mut best, &mut tries) {
                c += 1;
            } else {
                changed = true;
            }
        }
        // A candidate and a seat together (a contest of one seat fewer than
        // its candidates cannot lose a candidate alone).
        let mut c = 0;
        while best.seats > 1 && c < best.names.len() && tries < budget {
            let mut fewer = best.without_candidate(c);
            fewer.seats -= 1;
            if !attempt(fewer, &mut best, &mut tries) {
                c += 1;
            } else {
                changed = true;
            }
        }
        // Fewer seats.
        if best.seats > 1 && tries < budget {
            let mut fewer = best.clone();
            fewer.seats -= 1;
            changed |= attempt(fewer, &mut best, &mut tries);
        }
        // Fewer distinct rankings.
        let mut k = 0;
        while k < best.rankings.len() && tries < budget {
            let mut fewer = best.clone();
            fewer.rankings.remove(k);
            if !attempt(fewer, &mut best, &mut tries) {
                k += 1;
            } else {
                changed = true;
            }
        }
        // Shorter rankings.
        let mut k = 0;
        while k < best.rankings.len() && tries < budget {
            if best.rankings[k].0.len() > 1 {
                let mut shorter = best.clone();
                shorter.rankings[k].0.pop();
                shorter.merge();
                if attempt(shorter, &mut best, &mut tries) {
                    changed = true;
                    continue;
                }
            }
            k += 1;
        }
        // Smaller counts: halve, then lower by one.
        let mut k = 0;
        while k < best.rankings.len() && tries < budget {
            let n = best.rankings[k].1;
            let mut done = false;
            for smaller in [n / 2, n.saturating_sub(1)] {
                if smaller >= 1 && smaller < n {
                    let mut fewer = best.clone();
                    fewer.rankings[k].1 = smaller;
                    if attempt(fewer, &mut best, &mut tries) {
                        changed = true;
                        done = true;
                        break;
                    }
                }
            }
            if !done {
                k += 1;
            }
        }
        if !changed || tries >= budget {
            return best;
        }
    }
}
