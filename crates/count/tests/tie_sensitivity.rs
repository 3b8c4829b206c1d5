//! Tie sensitivity of every decision (issue 14): a tie decision forced the
//! other way ([`count::ForcedTie`]) is the count's own decision with the
//! other choice, and the rest of the count follows; the probability of the
//! declared winners over the tree of lots is exact on small elections
//! worked by hand (1/2, 1/3, 2/3), and an interval past the budget.

use ballot::{CandidateId, Format, ReadOptions};
use count::rules::TieBreak;
use count::{ForcedTie, Prepared, Rules, TieMethod, TiePurpose};

fn contest(blt: &str) -> ballot::Contest {
    ballot::read(Format::Blt, blt.as_bytes(), &ReadOptions::default())
        .expect("a BLT")
        .contests()[0]
        .clone()
}

/// `preset` with its ties decided by the lot alone.
fn by_lot(preset: &str, seed: &str) -> Rules {
    let mut rules = Rules::preset(preset).expect("a preset");
    rules.ties.chain = vec![TieBreak::Lot];
    rules.ties.seed = Some(seed.into());
    rules
}

fn names(c: &ballot::Contest, ids: &[CandidateId]) -> Vec<String> {
    ids.iter().map(|&i| c.candidate(i).name.clone()).collect()
}

/// RULES.md §11.6 weak-defeat: A is excluded, then B and C tie on 3 and
/// the backward look excludes B (lower at stage 1).
const WEAK_DEFEAT: &str =
    "5 2\n1 1 2 0\n2 2 0\n3 3 0\n4 4 0\n5 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"t\"\n";

#[test]
fn a_backward_decision_forced_the_other_way_chooses_the_other_and_the_count_follows() {
    let c = contest(WEAK_DEFEAT);
    let rules = Rules::preset("scottish-stv").unwrap();
    let prepared = Prepared::new(&c);
    let base = prepared.outcome(&rules).unwrap();
    let (number, tie) = base
        .ties
        .iter()
        .enumerate()
        .find(|(_, t)| matches!(t.method, TieMethod::Backward { .. }))
        .expect("a backward tie");
    assert_eq!(tie.chosen, "B");
    let cand = c.find_by_name("C").unwrap();
    let forced = prepared
        .outcome_forcing(
            &rules,
            0,
            ForcedTie {
                decision: number as u64,
                candidate: cand,
            },
        )
        .unwrap();
    // The same decision, of the same tied, now excludes C.
    assert_eq!(forced.ties[number].between, tie.between);
    assert_eq!(forced.ties[number].chosen, "C");
    assert_eq!(forced.ties[..number], base.ties[..number]);
    // A forced choice outside the tied is no choice: the count is as it was.
    let outside = prepared
        .outcome_forcing(
            &rules,
            0,
            ForcedTie {
                decision: number as u64,
                candidate: c.find_by_name("E").unwrap(),
            },
        )
        .unwrap();
    assert_eq!(outside, base);
}

#[test]
fn weak_defeat_other_outcome_is_tried_for_every_preset() {
    let c = contest(WEAK_DEFEAT);
    for preset in ["scottish-stv", "wigm", "meek", "ers97"] {
        let rules = Rules::preset(preset).unwrap();
        let s = Prepared::new(&c).tie_sensitivity(&rules, 100).unwrap();
        assert_eq!(s.untried, 0, "{preset}");
        for t in &s.ties {
            // Every other tied candidate was tried (or the lot's results).
            let want = match &t.lot {
                Some(l) => l.options - 1,
                None => t.between.len() as u64 - 1,
            };
            assert_eq!(t.others.len() as u64, want, "{preset} {t:?}");
            assert_eq!(
                t.changes_winners,
                t.others.iter().any(|o| {
                    let mut a = o.elected.clone();
                    let mut b = s.elected.clone();
                    a.sort();
                    b.sort();
                    a != b
                }),
                "{preset} {t:?}"
            );
        }
    }
}

/// One seat; A and B 1 paper each: the lot excludes one, the other wins.
const TWO_WAY: &str = "2 1\n1 1 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"t\"\n";

/// One seat; A, B and C 1 paper each: two lots, one winner of three.
const THREE_WAY_ONE_SEAT: &str = "3 1\n1 1 0\n1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

/// Two seats; A, B and C 1 paper each: one lot excludes one of three and
/// only the one it excluded keeps the declared pair out; the order of the
/// two elected is a second lot, which changes nothing.
const THREE_WAY_TWO_SEATS: &str = "3 2\n1 1 0\n1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

#[test]
fn a_two_way_lot_deciding_the_winner_gives_exactly_one_half() {
    for preset in ["scottish-stv", "wigm", "meek"] {
        for seed in ["0", "5"] {
            let c = contest(TWO_WAY);
            let s = Prepared::new(&c)
                .tie_sensitivity(&by_lot(preset, seed), 100)
                .unwrap();
            let p = s.probability.clone().expect("a lot was drawn");
            assert!(p.exact, "{preset} {seed}");
            assert_eq!((p.at_least.as_str(), p.at_most.as_str()), ("1/2", "1/2"));
            assert_eq!(p.paths, 2);
            let lot = s.ties.iter().find_map(|t| t.lot).expect("a lot tie");
            assert_eq!((lot.keeping, lot.options), (1, 2));
            assert!(s.deciding().count() == 1, "{preset} {seed}: {s:?}");
        }
    }
}

#[test]
fn three_way_lots_give_one_third() {
    for preset in ["scottish-stv", "wigm", "meek"] {
        let c = contest(THREE_WAY_ONE_SEAT);
        let s = Prepared::new(&c)
            .tie_sensitivity(&by_lot(preset, "1"), 100)
            .unwrap();
        let p = s.probability.unwrap();
        assert_eq!((p.at_least.as_str(), p.exact), ("1/3", true), "{preset}");
        // Three results of the first draw, two of each second.
        assert_eq!(p.paths, 6, "{preset}");

        let c = contest(THREE_WAY_TWO_SEATS);
        let s = Prepared::new(&c)
            .tie_sensitivity(&by_lot(preset, "1"), 100)
            .unwrap();
        let p = s.probability.unwrap();
        assert_eq!((p.at_least.as_str(), p.exact), ("1/3", true), "{preset}");
        let lot = s.ties.iter().find_map(|t| t.lot).unwrap();
        assert_eq!((lot.keeping, lot.options), (1, 3), "{preset}");
        // The declared pair's complement, two of three, is what the other
        // results elect.
        let other: Vec<bool> = s.ties[0]
            .others
            .iter()
            .map(|o| o.elected != s.elected)
            .collect();
        assert_eq!(other, [true, true], "{preset}");
    }
}

#[test]
fn past_the_budget_the_probability_is_an_interval() {
    let c = contest(THREE_WAY_ONE_SEAT);
    let s = Prepared::new(&c)
        .tie_sensitivity(&by_lot("wigm", "1"), 1)
        .unwrap();
    let p = s.probability.unwrap();
    assert!(!p.exact);
    assert_ne!(p.at_least, p.at_most);
    assert!(s.untried > 0);
}

#[test]
fn a_tie_whose_other_outcome_keeps_the_winners_does_not_change_them() {
    // A and B both reach the quota at stage 1: the tie is only for the
    // order of election.
    let c = contest("3 2\n3 1 0\n3 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n");
    let rules = Rules::preset("wigm").unwrap();
    let s = Prepared::new(&c).tie_sensitivity(&rules, 100).unwrap();
    let t = s
        .ties
        .iter()
        .find(|t| t.purpose == TiePurpose::Election)
        .expect("a tie for the order of election");
    assert_eq!(t.others.len(), 1);
    assert!(!t.changes_winners);
    assert_eq!(s.deciding().count(), 0);
    assert!(s.probability.is_none() || s.probability.as_ref().unwrap().exact);
    let base = Prepared::new(&c).outcome(&rules).unwrap();
    assert_eq!(names(&c, &base.elected).len(), 2);
}
