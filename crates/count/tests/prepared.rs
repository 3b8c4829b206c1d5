//! Cheap repeated counts (issue 8) give exactly what a fresh count gives:
//! an outcome-only count elects the same candidates by the same tie
//! decisions; new paper counts over a prepared contest's rankings count as
//! the contest built afresh with those counts; the thread count changes
//! nothing.

use ballot::{BallotsBuilder, Contest, Election};
use count::{Prepared, Rules};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

fn presets() -> Vec<Rules> {
    Rules::presets()
        .iter()
        .map(|p| Rules::preset(p.0).unwrap())
        // Exact Meek is slow on random contests and shares its code path.
        .filter(|r| r.name != "meek-exact")
        .collect()
}

/// `contest` with `counts`, built from nothing through the ballot builder.
fn rebuilt(contest: &Contest, counts: &[u64]) -> Contest {
    let ballots = contest.ballots();
    let mut b = BallotsBuilder::new(contest.candidates().len());
    for (paper, &count) in ballots.iter().zip(counts) {
        if count > 0 {
            b.push(paper.ranking, count).unwrap();
        }
    }
    if ballots.blank().0 > 0 {
        b.push(&[], ballots.blank().0).unwrap();
    }
    Contest::new(
        contest.id(),
        contest.title(),
        contest.seats(),
        contest.candidates().to_vec(),
        b.build(),
    )
    .and_then(|c| c.with_withdrawn(contest.withdrawn().iter().copied()))
    .unwrap()
    .with_import(*contest.policy(), *contest.irregularities())
}

fn full(contest: &Contest, rules: &Rules) -> Vec<count::ContestCount> {
    count::count(&Election::single(contest.clone()), rules)
        .unwrap()
        .contests
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_outcome_only_count_elects_and_decides_as_the_full_count(
        e in arb_election(Names::Printable)
    ) {
        let contest = &e.contests()[0];
        let prepared = Prepared::new(contest);
        for rules in presets() {
            let records = full(contest, &rules);
            let outcome = prepared.outcome(&rules).unwrap();
            let names: Vec<&str> = outcome
                .elected
                .iter()
                .map(|c| records[0].candidates[c.index()].as_str())
                .collect();
            prop_assert_eq!(&names, &records[0].elected, "{}", rules.name);
            let ties: Vec<_> = records[0].stages.iter().flat_map(|s| s.ties.clone()).collect();
            prop_assert_eq!(&outcome.ties, &ties, "{}", rules.name);
            // The prepared contest's full count is the count's own.
            prop_assert_eq!(&prepared.count(&rules).unwrap(), &records, "{}", rules.name);
        }
    }

    #[test]
    fn new_paper_counts_count_as_the_contest_built_with_them(
        e in arb_election(Names::Printable),
        seed in any::<u64>(),
    ) {
        let contest = &e.contests()[0];
        // Some rankings lose every paper, some gain, some keep theirs.
        let counts: Vec<u64> = contest
            .ballots()
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let r = seed.rotate_left(i as u32 * 7) % 5;
                match r {
                    0 => 0,
                    1 => b.count.0 + 3,
                    _ => b.count.0,
                }
            })
            .collect();
        let fresh = rebuilt(contest, &counts);
        let prepared = Prepared::new(contest);
        for rules in presets() {
            // The layout is built by the first count and reweighted after.
            let _ = prepared.count(&rules).unwrap();
            let changed = prepared.with_counts(&counts).unwrap();
            prop_assert_eq!(changed.count(&rules).unwrap(), full(&fresh, &rules), "{}", rules.name);
        }
    }
}

#[test]
fn the_thread_count_changes_no_count() {
    let contest = recount_testkit::contest(recount_testkit::Spec::senate(100_000), 3);
    let one = Prepared::new(&contest).threads(1);
    let four = Prepared::new(&contest).threads(4);
    // Meek's prefix tree of 100,000 distinct rankings is built, spliced
    // and distributed on the threads (above its one-thread thresholds); the
    // Gregory routing's own threshold is tested in gregory.rs.
    for name in ["wigm", "ers97", "meek"] {
        let rules = Rules::preset(name).unwrap();
        assert_eq!(
            one.count(&rules).unwrap(),
            four.count(&rules).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn counts_for_other_rankings_are_refused() {
    let contest = recount_testkit::contest(recount_testkit::Spec::senate(1_000), 3);
    let err = Prepared::new(&contest).with_counts(&[1, 2]).unwrap_err();
    assert!(err.to_string().contains("2 paper counts for"), "{err}");
}
