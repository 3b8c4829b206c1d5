//! Helpers shared by the constrained-count test files: small elections
//! built by name, constraints attached, random constrained contests, and
//! checks of a result against its constraints.

// Each test file compiles this module on its own and uses a part of it.
#![allow(dead_code)]

use ballot::constraints::Constraint;
use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};
use count::ContestCount;
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

/// A one-contest election from (name, gender) candidates and
/// (papers, ranking by name) rows.
pub fn election(seats: u32, cands: &[(&str, &str)], rows: &[(u64, &[&str])]) -> Election {
    let candidates = cands
        .iter()
        .enumerate()
        .map(|(i, (name, gender))| {
            let mut c = Candidate::named(i + 1, *name);
            c.attributes.insert("gender".into(), (*gender).into());
            c
        })
        .collect();
    let mut b = BallotsBuilder::new(cands.len());
    for (papers, ranking) in rows {
        let ids: Vec<CandidateId> = ranking
            .iter()
            .map(|n| CandidateId::new(cands.iter().position(|c| c.0 == *n).unwrap()).unwrap())
            .collect();
        b.push(&ids, *papers).unwrap();
    }
    Election::single(Contest::new("w", "Ward", seats, candidates, b.build()).unwrap())
}

pub fn constrain(e: &Election, cs: Vec<Constraint>) -> Election {
    let mut e = e.clone();
    e.contests_mut()[0].set_constraints(cs).unwrap();
    e
}

/// Women and BAME members among a contest's elected, from the attributes.
pub fn tally(e: &Election, c: &ContestCount) -> (u32, u32) {
    let contest = e.contest(&c.contest).unwrap();
    let has = |name: &str, a: &str, v: &str| {
        let id = contest.find_by_name(name).unwrap();
        contest.candidate(id).attributes.get(a).map(String::as_str) == Some(v)
    };
    let women = c
        .elected
        .iter()
        .filter(|n| has(n, "gender", "woman"))
        .count();
    let bame = c.elected.iter().filter(|n| has(n, "bame", "yes")).count();
    (women as u32, bame as u32)
}

/// A random election with a `gender` of `w` or `m` for each candidate and
/// one or two constraints on it (a minimum of women, perhaps a maximum of
/// men).
pub fn arb_constrained() -> impl Strategy<Value = (Election, Vec<Constraint>)> {
    arb_election(Names::Printable).prop_flat_map(|e| {
        let n = e.contests()[0].candidates().len();
        let seats = e.contests()[0].seats();
        (
            Just(e),
            proptest::collection::vec(any::<bool>(), n),
            0..=seats,
            proptest::option::of(0..=seats),
        )
            .prop_map(|(mut e, women, min, max)| {
                let c = &mut e.contests_mut()[0];
                for (cand, w) in c.candidates_mut().iter_mut().zip(women) {
                    let g = if w { "w" } else { "m" };
                    cand.attributes.insert("gender".into(), g.into());
                }
                let mut cs = vec![Constraint::at_least("gender", "w", min)];
                if let Some(max) = max {
                    cs.push(Constraint::at_most("gender", "m", max));
                }
                (e, cs)
            })
    })
}

/// The election with the constraints, if the contest accepts them and
/// some result can meet them.
pub fn feasible(e: &Election, cs: &[Constraint]) -> Option<Election> {
    let mut e = e.clone();
    let c = &mut e.contests_mut()[0];
    c.set_constraints(cs.to_vec()).ok()?;
    let cc = count::constraints::ContestConstraints::new(c, cs.to_vec()).ok()?;
    cc.check_feasible().ok()?;
    Some(e)
}

pub fn conforms(e: &Election, c: &ContestCount, cs: &[Constraint]) -> bool {
    let contest = &e.contests()[0];
    cs.iter().all(|k| {
        let n = c
            .elected
            .iter()
            .filter(|name| {
                let id = contest.find_by_name(name).unwrap();
                contest.candidate(id).attributes.get(&k.attribute) == Some(&k.value)
            })
            .count();
        k.allows(n as u32)
    })
}
