//! Invariants of every preset on random elections (`recount_testkit::arb_election`):
//! conservation at every stage, the quota rule, the number elected, no
//! candidate both elected and excluded, determinism, independence from the
//! order of the ballots, and from the order (labels) of the candidates;
//! and that excluding candidates without votes together changes nothing
//! but the numbering of the stages.
//!
//! Every preset displays the places its arithmetic holds, so the
//! transcript's decimal strings are the engine's numbers exactly and the
//! sums below are exact integer sums.

use std::collections::BTreeMap;

use ballot::{BallotsBuilder, CandidateId, Contest, Election};
use count::rules::{Criterion, WithoutVotes};
use count::{Action, ContestCount, Rules, TieMethod};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

/// A decimal string as an integer number of units of its last place.
fn units(s: &str) -> i128 {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let v: i128 = digits.parse().expect("a decimal");
    if s.starts_with('-') { -v } else { v }
}

fn presets() -> Vec<Rules> {
    Rules::presets()
        .iter()
        .map(|p| Rules::preset(p.0).unwrap())
        .collect()
}

fn check_invariants(e: &Election, rules: &Rules, c: &ContestCount) {
    let contest = &e.contests()[0];
    let valid = units(&c.valid_votes.to_string());
    assert_eq!(
        c.valid_papers + c.invalid_papers,
        contest.ballots().total_papers()
    );
    for s in &c.stages {
        // Conservation: totals + non-transferable + loss = valid votes, exactly.
        let sum: i128 = s
            .totals
            .values()
            .map(|v| units(&v.to_string()))
            .sum::<i128>()
            + units(&s.exhausted.to_string())
            + units(&s.loss_by_fraction.to_string());
        assert_eq!(
            sum, valid,
            "{}: stage {} {:?}",
            rules.name, s.number, s.sub_stage
        );
        for v in s.totals.values() {
            assert!(!v.is_negative(), "{}: negative total {v}", rules.name);
        }
        // Quota rule: whoever is elected on reaching the quota has reached it.
        if !matches!(s.action, Action::ElectRemaining)
            && rules
                .gregory()
                .is_none_or(|g| g.active_vote_threshold.is_none())
        {
            for name in &s.elected {
                let (v, q) = (
                    units(&s.totals.text(name).unwrap()),
                    units(&s.quota.to_string()),
                );
                match rules.election.criterion {
                    Criterion::AtLeast => assert!(v >= q, "{}: {name} {v} < {q}", rules.name),
                    Criterion::Exceeds => assert!(v > q, "{}: {name} {v} <= {q}", rules.name),
                }
            }
        }
    }
    // Number elected: every place filled, or every standing candidate elected.
    let standing = contest.candidates().len() - contest.withdrawn().len();
    assert_eq!(
        c.elected.len(),
        standing.min(contest.seats() as usize),
        "{}",
        rules.name
    );
    for name in &c.elected {
        assert!(!c.excluded.contains(name), "{}: {name} both", rules.name);
    }
    let mut seen = c.elected.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), c.elected.len());
}

/// The same contest with its rankings added in reverse order.
fn reversed(e: &Election) -> Election {
    let c = &e.contests()[0];
    let mut b = BallotsBuilder::new(c.candidates().len());
    let rows: Vec<_> = c.ballots().iter().collect();
    for r in rows.iter().rev() {
        b.push(r.ranking, r.count.0).unwrap();
    }
    if c.ballots().blank().0 > 0 {
        b.push(&[], c.ballots().blank().0).unwrap();
    }
    let contest = Contest::new(
        c.id(),
        c.title(),
        c.seats(),
        c.candidates().to_vec(),
        b.build(),
    )
    .unwrap()
    .with_withdrawn(c.withdrawn().iter().copied())
    .unwrap();
    Election::new(e.id.clone(), e.title.clone(), vec![contest]).unwrap()
}

/// The same contest with the candidates listed in reverse order.
fn relabelled(e: &Election) -> Election {
    let c = &e.contests()[0];
    let n = c.candidates().len();
    let map = |id: CandidateId| CandidateId::new(n - 1 - id.index()).unwrap();
    let mut candidates = c.candidates().to_vec();
    candidates.reverse();
    for (i, cand) in candidates.iter_mut().enumerate() {
        cand.id = (i + 1).to_string();
    }
    let mut b = BallotsBuilder::new(n);
    for r in c.ballots().iter() {
        let ranking: Vec<CandidateId> = r.ranking.iter().map(|&x| map(x)).collect();
        b.push(&ranking, r.count.0).unwrap();
    }
    if c.ballots().blank().0 > 0 {
        b.push(&[], c.ballots().blank().0).unwrap();
    }
    let contest = Contest::new(c.id(), c.title(), c.seats(), candidates, b.build())
        .unwrap()
        .with_withdrawn(c.withdrawn().iter().map(|&x| map(x)))
        .unwrap();
    Election::new(e.id.clone(), e.title.clone(), vec![contest]).unwrap()
}

/// Each stage's totals keyed by name, in name order.
fn by_name(c: &ContestCount) -> Vec<BTreeMap<String, String>> {
    c.stages
        .iter()
        .map(|s| {
            s.totals
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Every choice the tie decisions made, in order, with the lot draw that
/// made it (a run's later choices are the stream's next draws).
fn choices(c: &ContestCount) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    for t in c.stages.iter().flat_map(|s| &s.ties) {
        let draw = match t.method {
            TieMethod::Lot { draw } => Some(draw),
            _ => None,
        };
        out.push((t.chosen.clone(), draw));
        for (i, name) in t.then.iter().enumerate() {
            out.push((name.to_string(), draw.map(|d| d + 1 + i as u64)));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn candidates_without_votes_together_change_no_total_result_or_draw(
        e in arb_election(Names::Printable)
    ) {
        for rules in presets() {
            let together = count::count(&e, &rules).unwrap();
            let apart = Rules { candidates_without_votes: WithoutVotes::OneAtATime, ..rules.clone() };
            let apart = count::count(&e, &apart).unwrap();
            let (t, a) = (&together.contests[0], &apart.contests[0]);
            prop_assert_eq!(&t.elected, &a.elected, "{}", rules.name);
            prop_assert_eq!(&t.excluded, &a.excluded, "{}", rules.name);
            let (tl, al) = (t.stages.last().unwrap(), a.stages.last().unwrap());
            prop_assert_eq!(&tl.totals, &al.totals, "{}", rules.name);
            prop_assert_eq!(&tl.exhausted, &al.exhausted, "{}", rules.name);
            prop_assert_eq!(&tl.loss_by_fraction, &al.loss_by_fraction, "{}", rules.name);
            prop_assert_eq!(choices(t), choices(a), "{}", rules.name);
            prop_assert!(t.stages.len() <= a.stages.len());
        }
    }

    #[test]
    fn every_preset_keeps_its_invariants(e in arb_election(Names::Printable)) {
        for rules in presets() {
            let t = count::count(&e, &rules).unwrap();
            let c = &t.contests[0];
            check_invariants(&e, &rules, c);
            // Determinism, byte for byte.
            let again = count::count(&e, &rules).unwrap();
            prop_assert_eq!(
                serde_json::to_string(&t).unwrap(),
                serde_json::to_string(&again).unwrap()
            );
            // The order of the ballots does not matter.
            let r = count::count(&reversed(&e), &rules).unwrap();
            prop_assert_eq!(&r.contests[0], c);
            // Nor the order of the candidates, where no tie had to be broken
            // (a tie broken by ballot-paper order or lot may differ).
            if c.stages.iter().all(|s| s.ties.is_empty()) {
                let l = count::count(&relabelled(&e), &rules).unwrap();
                let l = &l.contests[0];
                let mut a = c.elected.clone();
                let mut b = l.elected.clone();
                a.sort();
                b.sort();
                prop_assert_eq!(a, b, "{}", rules.name);
                prop_assert_eq!(by_name(l), by_name(c), "{}", rules.name);
            }
        }
    }

    #[test]
    fn rational_arithmetic_agrees_with_fixed_where_every_rounding_is_explicit(
        e in arb_election(Names::Printable)
    ) {
        for rules in presets() {
            let mut exact = rules.clone();
            exact.arithmetic = count::rules::Arithmetic::Rational;
            let fixed = count::count(&e, &rules).unwrap();
            let rational = count::count(&e, &exact).unwrap();
            let (f, r) = (&fixed.contests[0], &rational.contests[0]);
            // irv leaves its (several-seat) transfer values unrounded: exact
            // arithmetic may rightly differ there.
            if rules.name != "irv" {
                // Every other rounding is explicit in the presets, so a rational
                // count rounding at the same places gives the same sheet.
                prop_assert_eq!(&f.stages, &r.stages, "{}", rules.name);
                prop_assert_eq!(&f.elected, &r.elected, "{}", rules.name);
            }
        }
    }
}
