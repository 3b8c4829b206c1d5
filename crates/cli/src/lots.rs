//! What `recount count` says when a lot is drawn (issue 9, bug 9): every
//! draw named on standard error and in the output (the transcript's
//! `lots`), with whether another result would change the winners; a lot
//! from the default seed that changes them is refused unless
//! `--allow-default-seed` is given.
//!
//! The recounts are `count::Prepared::lot_sensitivity`; this module picks
//! their budget and words the warnings.

use ballot::Election;
use count::transcript::{Lots, TieMethod, Transcript};

use crate::Failure;

/// Recounts tried per contest unless `--lot-recounts` says: as many as
/// keep the work near 20 million units, between 1 and 1,000. A count's
/// cost follows its distinct rankings, and its candidates times its stages
/// (each stage looks at every candidate), with 300 units a candidate for
/// what a stage costs however few there are: measured on the hostile
/// files, 65,535 candidates in 3 stages and 10,000 candidates in 7,500
/// stages both get one recount, the demo ward 1,000.
pub fn default_budget(distinct_rankings: usize, candidates: usize, stages: usize) -> u64 {
    let cost = (distinct_rankings as u64)
        .saturating_add((candidates as u64).saturating_mul(stages as u64 + 300));
    (20_000_000 / cost.max(1)).clamp(1, 1_000)
}

/// The lots of every contest of `transcript` that drew one.
pub fn sensitivity(
    election: &Election,
    rules: &count::Rules,
    transcript: &Transcript,
    budget: Option<u64>,
) -> Result<Vec<Lots>, Failure> {
    let mut all = Vec::new();
    for contest in election.contests() {
        let drew = transcript
            .contests
            .iter()
            .filter(|c| c.contest == contest.id())
            .flat_map(|c| c.stages.iter().flat_map(|s| s.ties.iter()))
            .any(|t| matches!(t.method, TieMethod::Lot { .. }));
        if !drew {
            continue;
        }
        let stages = transcript
            .contests
            .iter()
            .filter(|c| c.contest == contest.id())
            .map(|c| c.stages.len())
            .sum();
        let budget = budget.unwrap_or_else(|| {
            default_budget(contest.ballots().len(), contest.candidates().len(), stages)
        });
        let sensitivity = count::Prepared::new(contest)
            .lot_sensitivity(rules, budget)
            .map_err(|e| Failure::Input(format!("contest {}: {e}", contest.id())))?;
        all.push(Lots {
            contest: contest.id().to_owned(),
            seed: rules.ties.seed.clone().unwrap_or_else(|| "0".into()),
            default_seed: rules.ties.seed.is_none(),
            sensitivity,
        });
    }
    Ok(all)
}

/// Warns of every draw; refuses a lot from the default seed that changes
/// the winners unless allowed.
pub fn report(all: &[Lots], allow_default_seed: bool) -> Result<(), Failure> {
    for lots in all {
        for draw in lots.sensitivity.draws.iter().take(render::MAX_LOT_LINES) {
            eprintln!(
                "recount: warning: contest {}: lot at {}",
                lots.contest,
                render::lot_text(lots, draw)
            );
        }
        if let Some(more) = render::more_lots_text(lots) {
            eprintln!("recount: warning: contest {}: {more}", lots.contest);
        }
    }
    let deciding: Vec<&Lots> = all
        .iter()
        .filter(|l| l.default_seed && l.sensitivity.changes_winners())
        .collect();
    if !allow_default_seed && !deciding.is_empty() {
        let contests: Vec<&str> = deciding.iter().map(|l| l.contest.as_str()).collect();
        return Err(Failure::Input(format!(
            "a lot drawn from the default seed decides the winners of contest {}; give the seed fixed before the count with --seed HEX, or accept seed 0 with --allow-default-seed",
            contests.join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_follows_the_distinct_rankings_within_bounds() {
        // The demo ward: 1,282 rankings, 9 candidates, 9 stages.
        assert_eq!(default_budget(1_282, 9, 9), 1_000);
        assert_eq!(default_budget(100_000, 100, 95), 143);
        assert_eq!(default_budget(5_000_000, 100, 95), 3);
        assert_eq!(default_budget(usize::MAX / 2, 0, 0), 1);
        // The hostile files a (65,535 candidates, no papers, 3 stages) and
        // e (10,000 candidates, 100,000 papers, about 7,500 stages).
        assert_eq!(default_budget(0, 65_535, 3), 1);
        assert_eq!(default_budget(100_000, 10_000, 7_500), 1);
    }
}
