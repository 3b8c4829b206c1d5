//! The shared tie options act under the iterative family too (issue 8:
//! `ties.multiway` and `election.unseparated_at_last_place` used to be
//! ignored by the Meek engine).

use ballot::{Format, ReadOptions};
use count::rules::{Multiway, QuotaDivisor, QuotaIncrement, Rounding, UnseparatedTie};
use count::{Action, ContestCount, Rules, TiePurpose};

fn count_blt(blt: &str, rules: &Rules) -> ContestCount {
    let e = ballot::read(Format::Blt, blt.as_bytes(), &ReadOptions::default()).expect("a BLT");
    let t = count::count(&e, rules).expect("a count");
    t.contests.into_iter().next().expect("one contest")
}

/// Three candidates of one paper each for two seats, with a Hare quota
/// truncated to whole votes: ⌊3 ÷ 2⌋ = 1, so all three reach it in the
/// first round and tie for the two places; no earlier stage separates them.
const THREE_FOR_TWO: &str = "3 2\n1 1 0\n1 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

fn hare_whole_votes(unseparated: UnseparatedTie) -> Rules {
    let mut r = Rules::meek();
    r.quota.divisor = QuotaDivisor::Seats;
    r.quota.rounding = Rounding::truncate(0);
    r.quota.increment = QuotaIncrement::Nothing;
    r.election.unseparated_at_last_place = unseparated;
    r
}

#[test]
fn ers97_5_6_2_none_elected_acts_under_meek() {
    // The tie chain (PRF: the earliest in the tie order) elects A then B.
    let chain = count_blt(THREE_FOR_TWO, &hare_whole_votes(UnseparatedTie::Chain));
    assert_eq!(chain.elected, ["A", "B"]);
    let first_round = &chain.stages[1];
    assert_eq!(first_round.elected, ["A", "B"]);
    assert!(
        first_round
            .ties
            .iter()
            .all(|t| t.purpose == TiePurpose::Election)
    );
    // 5.6.2: only earlier stages may separate them, and none does, so none
    // is elected that round; the round defeats one of them (the tie order
    // picks A) and B and C fill the places.
    let none = count_blt(
        THREE_FOR_TWO,
        &hare_whole_votes(UnseparatedTie::NoneElected),
    );
    let first_round = &none.stages[1];
    assert!(first_round.elected.is_empty(), "{first_round:?}");
    assert_eq!(first_round.excluded, ["A"]);
    assert!(
        first_round
            .ties
            .iter()
            .all(|t| t.purpose == TiePurpose::Exclusion)
    );
    assert_eq!(none.elected, ["B", "C"]);
}

/// Two seats. E (20 papers, no later preference) is elected at once; D (2)
/// goes next, one paper to A and one to B, leaving A, B and C on 5 each.
/// At the first stage A and B had 4 and C 5: A and B were lowest together,
/// so no single candidate was.
const THREE_WAY: &str = "5 2\n4 1 0\n4 2 0\n5 3 0\n1 4 1 0\n1 4 2 0\n20 5 0\n0\n\
                         \"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"t\"\n";

/// The candidate defeated in the round after D's, under `multiway` and the
/// lot seeded `seed`.
fn defeated_after_d(multiway: Multiway, seed: u32) -> String {
    let mut r = Rules::nz_meek();
    r.ties.multiway = multiway;
    r.ties.seed = Some(format!("{seed:x}"));
    let c = count_blt(THREE_WAY, &r);
    let defeats: Vec<&String> = c
        .stages
        .iter()
        .filter(|s| matches!(s.action, Action::Round))
        .flat_map(|s| s.excluded.iter())
        .collect();
    assert_eq!(defeats[0], "D", "{defeats:?}");
    defeats[1].clone()
}

#[test]
fn multiway_ties_narrow_or_look_for_a_unique_lowest_under_meek() {
    // Narrow (OpenSTV): at the first stage the lowest of the three are A
    // and B, so C is out of it and the lot is between A and B.
    // Unique extreme (Droop) and all different: no stage has one of the
    // three alone lowest, so the lot is among all three.
    let seeds = 0..24;
    let narrow: Vec<String> = seeds
        .clone()
        .map(|s| defeated_after_d(Multiway::Narrow, s))
        .collect();
    assert!(narrow.iter().all(|c| c == "A" || c == "B"), "{narrow:?}");
    assert!(narrow.iter().any(|c| c == "A") && narrow.iter().any(|c| c == "B"));
    for multiway in [Multiway::UniqueExtreme, Multiway::AllDifferent] {
        let wide: Vec<String> = seeds
            .clone()
            .map(|s| defeated_after_d(multiway, s))
            .collect();
        assert!(wide.iter().any(|c| c == "C"), "{multiway:?}: {wide:?}");
    }
}
