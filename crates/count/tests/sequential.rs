//! Sequential multi-winner IRV (`passes: one-per-seat`, issue 15; RCTab's
//! `multiPassIrv`): a pass a seat, each a single-seat count with the
//! earlier passes' winners withdrawn.

use ballot::{Format, ReadOptions};
use count::Rules;

/// 100 papers, 2 seats: A>C 40, B>C 31, C>B 20, C>A 9.
///
/// Pass 1 (IRV): A 40, B 31, C 29; C goes, 20 to B and 9 to A: B 51 of
/// 100, a majority. Pass 2, B withdrawn: A 40, C 31 + 20 + 9 = 60: C.
/// STV fills both seats in one count instead: quota 34, A elected at once
/// and A's surplus of 6 takes C over it: A and C.
const PAPERS: &[u8] =
    b"3 2\n40 1 3 0\n31 2 3 0\n20 3 2 0\n9 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"Passes\"\n";

fn election() -> ballot::Election {
    ballot::read(Format::Blt, PAPERS, &ReadOptions::default()).unwrap()
}

#[test]
fn sequential_irv_fills_a_seat_a_pass_with_the_winners_withdrawn() {
    let rules = Rules::preset("irv")
        .unwrap()
        .with_override("passes=one-per-seat")
        .unwrap();
    let t = count::count(&election(), &rules).unwrap();
    assert_eq!(t.contests.len(), 2);
    assert_eq!(t.contests[0].elected, ["B"]);
    assert_eq!(t.contests[0].purpose.as_deref(), Some("seat 1 of 2"));
    assert!(t.contests[0].withdrawn.is_empty());
    assert_eq!(t.contests[1].elected, ["C"]);
    assert_eq!(t.contests[1].withdrawn, ["B"]);
    assert_eq!(
        t.contests[1].purpose.as_deref(),
        Some("seat 2 of 2, 1 withdrawn")
    );
    // Pass 2's first stage: A 40, C 60.
    let first = &t.contests[1].stages[0].totals;
    assert_eq!(first.get("A").unwrap().to_string(), "40");
    assert_eq!(first.get("C").unwrap().to_string(), "60");
    // The outcome of a prepared count is the passes' winners in turn.
    let e = election();
    let outcome = count::Prepared::new(&e.contests()[0])
        .outcome(&rules)
        .unwrap();
    let names: Vec<usize> = outcome.elected.iter().map(|c| c.index()).collect();
    assert_eq!(names, [1, 2]);
}

#[test]
fn one_count_for_every_seat_is_the_default_and_elects_otherwise() {
    let stv = Rules::preset("scottish-stv").unwrap();
    let t = count::count(&election(), &stv).unwrap();
    assert_eq!(t.contests.len(), 1);
    let mut elected = t.contests[0].elected.clone();
    elected.sort();
    assert_eq!(elected, ["A", "C"]);
    // The default is left out of a rules file, so presets read as before.
    let json = serde_json::to_string(&stv).unwrap();
    assert!(!json.contains("passes"), "{json}");
}

#[test]
fn passes_refuse_constraints() {
    let rules = Rules::preset("irv")
        .unwrap()
        .with_override("passes=one-per-seat")
        .unwrap();
    let mut e = election();
    let c = &mut e.contests_mut()[0];
    for cand in c.candidates_mut() {
        cand.attributes.insert("g".into(), "x".into());
    }
    c.set_constraints(vec![ballot::constraints::Constraint::at_least("g", "x", 1)])
        .unwrap();
    let err = count::count(&e, &rules).unwrap_err();
    assert!(
        err.to_string()
            .contains("do not take representation constraints"),
        "{err}"
    );
}
