//! Invariants of the iterative presets (`meek`, `nz-meek`, `warren`,
//! `meek-exact`) on random elections, beyond those every preset keeps
//! (`properties.rs`): each stage conserves the valid votes at the declared
//! precision, shows every candidate's keep value and its iterations, keep
//! values are 1 for the hopeful, 0 for the defeated and withdrawn and in
//! (0, 1] for the elected, the PRF quota is recomputed from the stage's own
//! votes (B.2.b), and the count does not depend on the order of the ballots.

use ballot::{BallotsBuilder, Contest, Election};
use count::{Action, ContestCount, Rules};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

const ITERATIVE: [&str; 4] = ["meek", "nz-meek", "warren", "meek-exact"];

/// A decimal string as units of its last place.
fn units(s: &str) -> i128 {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let v: i128 = digits.parse().expect("a decimal");
    if s.starts_with('-') { -v } else { v }
}

fn check(e: &Election, rules: &Rules, c: &ContestCount) {
    let contest = &e.contests()[0];
    let one = 10i128.pow(rules.display_places);
    let valid = units(&c.valid_votes.to_string());
    let withdrawn: Vec<String> = c.withdrawn.clone();
    let mut defeated: Vec<String> = Vec::new();
    let mut elected: Vec<String> = Vec::new();
    for s in &c.stages {
        let name = &rules.name;
        // Conservation at the declared precision, exactly.
        let sum: i128 = s
            .totals
            .values()
            .map(|v| units(&v.to_string()))
            .sum::<i128>()
            + units(&s.exhausted.to_string())
            + units(&s.loss_by_fraction.to_string());
        assert_eq!(sum, valid, "{name}: stage {}", s.number);
        let keep = s.keep_values.as_ref().expect("keep values every stage");
        assert_eq!(keep.len(), c.candidates.len(), "{name}");
        let iterations = s.iterations.expect("iterations every stage");
        if matches!(s.action, Action::Round) {
            assert!(iterations >= 1, "{name}: stage {}", s.number);
        }
        for (cand, kf) in keep.iter() {
            let cand = &cand.to_owned();
            let k = units(&kf.to_string());
            if withdrawn.contains(cand) || defeated.contains(cand) {
                assert_eq!(k, 0, "{name}: {cand} stage {}", s.number);
                assert_eq!(units(&s.totals.text(cand).unwrap()), 0, "{name}: {cand}");
            } else if elected.contains(cand) {
                // An exact keep value can fall below the displayed places (a
                // candidate whose papers go no further: kf → others' votes
                // ÷ (own papers × seats)); rounded up to 9 places it cannot.
                let exact = rules.fixed_places().is_none();
                assert!((k > 0 || exact) && k <= one, "{name}: {cand} kf {kf}");
            } else {
                assert_eq!(k, one, "{name}: hopeful {cand} kf {kf}");
            }
        }
        // PRF B.2.b: q = T(Σ votes / (seats + 1), 9) + 10^-9 (display = arithmetic).
        if rules.name == "meek" || rules.name == "warren" {
            let total: i128 = s.totals.values().map(|v| units(&v.to_string())).sum();
            let q = total / (i128::from(contest.seats()) + 1) + 1;
            assert_eq!(
                units(&s.quota.to_string()),
                q,
                "{name}: stage {} quota",
                s.number
            );
        }
        elected.extend(s.elected.iter().cloned());
        defeated.extend(s.excluded.iter().cloned());
    }
    let standing = contest.candidates().len() - contest.withdrawn().len();
    assert_eq!(
        c.elected.len(),
        standing.min(contest.seats() as usize),
        "{}",
        rules.name
    );
}

/// The same contest with its rankings added in reverse order.
fn reversed(e: &Election) -> Election {
    let c = &e.contests()[0];
    let mut b = BallotsBuilder::new(c.candidates().len());
    let rows: Vec<_> = c.ballots().iter().collect();
    for r in rows.iter().rev() {
        b.push(r.ranking, r.count.0).expect("a ranking");
    }
    if c.ballots().blank().0 > 0 {
        b.push(&[], c.ballots().blank().0).expect("blank papers");
    }
    let contest = Contest::new(
        c.id(),
        c.title(),
        c.seats(),
        c.candidates().to_vec(),
        b.build(),
    )
    .expect("a contest")
    .with_withdrawn(c.withdrawn().iter().copied())
    .expect("withdrawn");
    Election::new(e.id.clone(), e.title.clone(), vec![contest]).expect("an election")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn iterative_presets_keep_their_invariants(e in arb_election(Names::Printable)) {
        for name in ITERATIVE {
            let rules = Rules::preset(name).expect(name);
            let t = count::count(&e, &rules).expect("a count");
            check(&e, &rules, &t.contests[0]);
            let again = count::count(&e, &rules).expect("a count");
            prop_assert_eq!(&again, &t);
            let r = count::count(&reversed(&e), &rules).expect("a count");
            prop_assert_eq!(&r.contests[0], &t.contests[0], "{}", name);
        }
    }
}
