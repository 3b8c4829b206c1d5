//! The pool of undeclared write-ins under RCTab's rule
//! (`method.gregory.exclusion.undeclared_write_ins_first`): never elected,
//! excluded first, whatever its votes; an ordinary candidate otherwise.

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};
use count::{Action, Rules};

/// A 5 (A only), B 2 (B>A), UWI 3 (UWI>B), or with `uwi` first
/// preferences for the pool instead.
fn election(uwi: u64) -> Election {
    let mut pool = Candidate::named(3, "UWI");
    pool.attributes
        .insert(Candidate::WRITE_IN.into(), Candidate::UNDECLARED.into());
    let candidates = vec![Candidate::named(1, "A"), Candidate::named(2, "B"), pool];
    let id = |i| CandidateId::new(i).unwrap();
    let mut b = BallotsBuilder::new(3);
    b.push(&[id(0)], 5).unwrap();
    b.push(&[id(1), id(0)], 2).unwrap();
    b.push(&[id(2), id(1)], uwi).unwrap();
    Election::single(Contest::new("c", "Write-ins", 1, candidates, b.build()).unwrap())
}

fn rctab() -> Rules {
    Rules::preset("irv")
        .unwrap()
        .with_override("method.gregory.exclusion.undeclared_write_ins_first=true")
        .unwrap()
}

fn first_exclusion(rules: &Rules, uwi: u64) -> (Vec<String>, Vec<String>) {
    let t = count::count(&election(uwi), rules).unwrap();
    let c = &t.contests[0];
    let Action::Exclusion { candidates, .. } = &c.stages[1].action else {
        panic!("{:?}", c.stages[1].action)
    };
    (candidates.clone(), c.elected.clone())
}

#[test]
fn the_pool_goes_first_though_it_is_not_lowest() {
    // Ordinary: B (2) is lowest and goes; the pool's 3 stay.
    assert_eq!(first_exclusion(&Rules::irv(), 3).0, ["B"]);
    // RCTab: the pool goes first; its papers go to B.
    let (out, elected) = first_exclusion(&rctab(), 3);
    assert_eq!(out, ["UWI"]);
    assert_eq!(elected, ["A"]);
}

#[test]
fn the_pool_is_never_elected_even_with_a_majority() {
    // 12 of 19 first preferences for the pool: a majority, yet it goes.
    let t = count::count(&election(12), &rctab()).unwrap();
    let c = &t.contests[0];
    assert!(c.stages[0].elected.is_empty());
    assert!(
        matches!(&c.stages[1].action, Action::Exclusion { candidates, .. } if candidates == &["UWI"])
    );
    assert_eq!(c.elected, ["B"]);
    // Counted as any candidate, the pool wins.
    let plain = count::count(&election(12), &Rules::irv()).unwrap();
    assert_eq!(plain.contests[0].elected, ["UWI"]);
}
