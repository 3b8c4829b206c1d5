//! IRV that goes on until two candidates remain
//! (`method.gregory.completion.continue_until_two`, RCTab's
//! `continueUntilTwoCandidatesRemain`): the winner is the one a plain IRV
//! count elects, the rounds after it exclude the lowest one at a time, and
//! the winner's total grows by the papers that reach them.

use ballot::{Format, ReadOptions};
use count::{Action, Rules};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

fn until_two() -> Rules {
    Rules::preset("irv")
        .unwrap()
        .with_override("method.gregory.completion.continue_until_two=true")
        .unwrap()
}

/// 11 papers: A 6, B 3, C>B 2. A has a majority at once (6 of 11).
const PAPERS: &[u8] = b"3 1\n6 1 0\n3 2 0\n2 3 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"Two\"\n";

#[test]
fn the_majority_winner_stands_and_the_count_goes_on_to_the_final_two() {
    let e = ballot::read(Format::Blt, PAPERS, &ReadOptions::default()).unwrap();
    let plain = count::count(&e, &Rules::preset("irv").unwrap()).unwrap();
    assert_eq!(plain.contests[0].elected, ["A"]);
    assert_eq!(plain.contests[0].stages.len(), 1);

    let t = count::count(&e, &until_two()).unwrap();
    let c = &t.contests[0];
    assert_eq!(c.elected, ["A"]);
    assert_eq!(c.stages.len(), 2);
    let last = &c.stages[1];
    assert!(matches!(&last.action, Action::Exclusion { candidates, .. } if candidates == &["C"]));
    assert_eq!(last.totals.text("A").as_deref(), Some("6"));
    assert_eq!(last.totals.text("B").as_deref(), Some("5"));
    // The option is written with the rules, so the transcript says so.
    let json = serde_json::to_string(&c.rules).unwrap();
    assert!(json.contains("\"continue_until_two\":true"), "{json}");
    // Left out when false: every earlier rules file reads and hashes alike.
    let plain_json = serde_json::to_string(&plain.contests[0].rules).unwrap();
    assert!(!plain_json.contains("continue_until_two"), "{plain_json}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// On any one-seat election: the same winner; the plain count's stages
    /// first, unchanged; two left standing where it goes on; the winner's
    /// total never falls.
    #[test]
    fn continuing_to_two_changes_no_winner(e in arb_election(Names::Printable)) {
        let c0 = &e.contests()[0];
        let contest = ballot::Contest::new(
            c0.id(),
            c0.title(),
            1,
            c0.candidates().to_vec(),
            c0.ballots().clone(),
        )
        .unwrap()
        .with_withdrawn(c0.withdrawn().iter().copied())
        .unwrap();
        let one = ballot::Election::single(contest);
        let plain = count::count(&one, &Rules::preset("irv").unwrap()).unwrap();
        let t = count::count(&one, &until_two()).unwrap();
        let (p, c) = (&plain.contests[0], &t.contests[0]);
        prop_assert_eq!(&p.elected, &c.elected);
        // The plain count's stages are the first stages, unchanged.
        prop_assert!(c.stages.len() >= p.stages.len());
        for (a, b) in p.stages.iter().zip(&c.stages) {
            prop_assert_eq!(&a.totals, &b.totals);
        }
        // Where it goes on, it stops with two standing.
        if c.stages.len() > p.stages.len() {
            let standing = c.candidates.len() - c.withdrawn.len();
            prop_assert_eq!(standing - c.excluded.len(), 2);
        }
        for w in &c.elected {
            let mut before = None;
            for s in &c.stages {
                let now = s.totals.get(w);
                if let (Some(b), Some(n)) = (&before, &now) {
                    prop_assert!(n.cmp_value(b).is_ge(), "{} fell from {} to {}", w, b, n);
                }
                before = now;
            }
        }
    }
}
