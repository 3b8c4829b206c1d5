//! Tie sensitivity of the lot (issue 9, bug 9: a lot drawn with no word
//! even where it decides the winners). Each other result of a draw is
//! counted again; the elections are small enough to check by hand.

use ballot::{Format, ReadOptions};
use count::rules::TieBreak;
use count::{Prepared, Rules, TiePurpose};

fn election(blt: &str) -> ballot::Election {
    ballot::read(Format::Blt, blt.as_bytes(), &ReadOptions::default()).expect("a BLT")
}

/// `preset` with its ties decided by the lot alone, from `seed`.
fn seeded(preset: &str, seed: &str) -> Rules {
    let mut rules = Rules::preset(preset).expect("a preset");
    rules.ties.chain = vec![TieBreak::Lot];
    rules.ties.seed = Some(seed.into());
    rules
}

/// One seat, quota 6 of 11: A and B tie on 3 at the first exclusion and
/// each one's papers go to the other, so whoever the lot keeps wins.
const LOT_DECIDES: &str = "3 1\n3 1 2 0\n3 2 1 0\n5 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

/// The same tie, but A's and B's papers both go on to C: C wins whoever
/// the lot excludes first.
const LOT_DECIDES_NOTHING: &str = "3 1\n3 1 3 0\n3 2 0\n4 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

#[test]
fn a_lot_between_the_two_who_would_win_changes_the_winner_under_every_family() {
    for preset in ["wigm", "scottish-stv", "meek"] {
        for seed in ["0", "2", "ff"] {
            let e = election(LOT_DECIDES);
            let prepared = Prepared::new(&e.contests()[0]);
            let s = prepared
                .lot_sensitivity(&seeded(preset, seed), 100)
                .expect("a count");
            assert_eq!(s.draws.len(), 1, "{preset} {seed}: one draw");
            let draw = &s.draws[0];
            assert_eq!(draw.purpose, TiePurpose::Exclusion);
            assert_eq!(draw.between, ["A", "B"]);
            assert_eq!(draw.options, 2);
            assert_eq!(draw.others.len(), 1);
            // The lot excludes one of A and B; the other then wins.
            let kept = if draw.chosen == "A" { "B" } else { "A" };
            assert_eq!(s.elected, [kept], "{preset} {seed}");
            assert_eq!(draw.others[0].chosen, kept);
            assert_eq!(draw.others[0].elected, [draw.chosen.as_str()]);
            assert!(s.changes_winners());
            assert_eq!(s.untried, 0);
        }
    }
}

#[test]
fn a_lot_whose_every_result_elects_the_same_does_not_change_the_winners() {
    let e = election(LOT_DECIDES_NOTHING);
    let prepared = Prepared::new(&e.contests()[0]);
    let s = prepared
        .lot_sensitivity(&seeded("wigm", "0"), 100)
        .expect("a count");
    assert_eq!(s.elected, ["C"]);
    assert_eq!(s.draws.len(), 1);
    assert_eq!(s.draws[0].others[0].elected, ["C"]);
    assert!(!s.changes_winners());
}

#[test]
fn no_lot_no_draws_and_a_spent_budget_counts_what_it_left() {
    // No tie: nothing drawn.
    let e = election("3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n");
    let s = Prepared::new(&e.contests()[0])
        .lot_sensitivity(&seeded("wigm", "0"), 100)
        .expect("a count");
    assert!(s.draws.is_empty());
    assert!(!s.changes_winners());
    // A budget of nothing tries nothing and says so.
    let e = election(LOT_DECIDES);
    let s = Prepared::new(&e.contests()[0])
        .lot_sensitivity(&seeded("wigm", "0"), 0)
        .expect("a count");
    assert_eq!(s.draws.len(), 1);
    assert!(s.draws[0].others.is_empty());
    assert_eq!(s.untried, 1);
}

#[test]
fn the_other_result_is_what_a_seed_drawing_it_counts() {
    // Over many seeds the one draw falls both ways; a seed whose draw
    // excludes B counts what the forced result "exclude B" counts.
    let e = election(LOT_DECIDES);
    let prepared = Prepared::new(&e.contests()[0]);
    let mut seen = std::collections::BTreeMap::new();
    for seed in 0..16u32 {
        let rules = seeded("wigm", &format!("{seed:x}"));
        let s = prepared.lot_sensitivity(&rules, 10).expect("a count");
        let d = &s.draws[0];
        seen.insert(d.chosen.clone(), s.elected.clone());
        seen.insert(d.others[0].chosen.clone(), d.others[0].elected.clone());
        let full = count::count(&e, &rules).expect("a count");
        assert_eq!(full.contests[0].elected, s.elected, "seed {seed:x}");
    }
    assert_eq!(seen.len(), 2);
    assert_eq!(seen["A"], ["B"]);
    assert_eq!(seen["B"], ["A"]);
}
