//! Constrained counts under the iterative presets (issue 5,
//! `specs/constraints.md` §4 duty 7 and §5b, `specs/rules/meek.md`): two
//! Meek counts worked by hand (a doom and a guard), infeasible constraints
//! refused before the count, substitution after a plain Meek count, the
//! eight Momentum NCG 2022 regions on generated ballots under every
//! iterative preset, and properties on random elections: under the four
//! presets a feasible constrained result fills its places, meets its
//! constraints and obeys its own verdicts, and a count in which no
//! constraint forces a verdict is the unconstrained count stage for stage;
//! under `meek`, substitution keeps a conformant result and otherwise
//! conforms or says it cannot.

mod common;

use ballot::constraints::{Constraint, ConstraintError};

use common::{arb_constrained, conforms, constrain, election, feasible, tally};
use count::rules::ConstraintMethod;
use count::{Action, ContestCount, CountError, ExclusionReason, Rules, Verdict};
use proptest::prelude::*;
use recount_testkit::{MOMENTUM_2022_REGIONS, momentum_2022};

const ITERATIVE: [&str; 4] = ["meek", "nz-meek", "warren", "meek-exact"];

fn preset(name: &str) -> Rules {
    Rules::preset(name).unwrap()
}

fn verdicts(s: &count::Stage) -> Vec<(String, Verdict, Vec<String>)> {
    s.constraints
        .iter()
        .map(|d| (d.candidate.clone(), d.verdict, d.by.clone()))
        .collect()
}

/// Two seats, "at least one woman"; 100 papers, PRF quota
/// T(100 ÷ 3, 9) + 10^-9 = 33.333333334:
///
/// | stage | unconstrained | constrained |
/// |---|---|---|
/// | 1 | Al 40 Bo 35 Cy 15 Di 10 | same; two women for one place: no verdict |
/// | 2 | Al and Bo both reach the quota: elected | Al elected first (most votes); one place left for a woman dooms Bo, so Bo is passed over at the quota |
/// | 3 | — | Bo defeated, doomed |
/// | 4 | — | Al's surplus exhausts (his second choice Bo is out): the total and the quota fall; quota = (Al + 25) ÷ 3 with Al at the quota converges to 12.5, so Cy (15) reaches it and is elected |
#[test]
fn meek_worked_by_hand_a_doomed_candidate_at_the_quota_is_defeated() {
    let plain = election(
        2,
        &[
            ("Al", "man"),
            ("Bo", "man"),
            ("Cy", "woman"),
            ("Di", "woman"),
        ],
        &[
            (40, &["Al", "Bo"]),
            (35, &["Bo", "Al"]),
            (15, &["Cy", "Di"]),
            (10, &["Di", "Cy"]),
        ],
    );
    let held = constrain(&plain, vec![Constraint::at_least("gender", "woman", 1)]);
    let rules = preset("meek");
    let f = count::count(&plain, &rules).unwrap();
    assert_eq!(f.contests[0].elected, ["Al", "Bo"], "plain Meek: no woman");
    assert_eq!(f.contests[0].stages[1].elected, ["Al", "Bo"]);

    let t = count::count(&held, &rules).unwrap();
    let c = &t.contests[0];
    assert_eq!(c.elected, ["Al", "Cy"]);
    assert_eq!(c.excluded, ["Bo", "Di"]);
    assert_eq!(c.constraints, ["gender=woman: at least 1"]);
    let s = &c.stages;
    assert_eq!(s.len(), 5, "{s:#?}");
    assert_eq!(s[0].quota, "33.333333334");
    assert!(s[0].constraints.is_empty());
    assert_eq!(s[1].elected, ["Al"]);
    assert_eq!(
        verdicts(&s[1]),
        [(
            "Bo".to_owned(),
            Verdict::Doomed,
            vec!["gender=woman: at least 1".to_owned()]
        )]
    );
    assert_eq!(
        s[1].totals.text("Bo").unwrap(),
        "35.000000000",
        "Bo at the quota, not elected"
    );
    match &s[2].action {
        Action::Exclusion {
            candidates, reason, ..
        } => {
            assert_eq!(candidates, &["Bo"]);
            assert_eq!(*reason, Some(ExclusionReason::Doomed));
        }
        other => panic!("stage 3 is {other:?}"),
    }
    assert_eq!(s[2].excluded, ["Bo"]);
    assert_eq!(s[3].elected, ["Cy"]);
    // Cy elected when the falling quota met her 15 votes.
    assert_eq!(s[3].totals.text("Cy").unwrap(), "15.000000000");
    let fifteen = count::decimal::Decimal::from_integer(15);
    assert!(s[3].quota.cmp_value(&fifteen).is_le(), "{}", s[3].quota);
    // C: Di, the one hopeful left with no place, is defeated.
    assert_eq!(s[4].excluded, ["Di"]);
}

/// Two seats, "at least one woman", Wy the only woman, and the lowest;
/// 100 papers, quota 33.333333334, nobody at it at first:
///
/// | stage | unconstrained | constrained |
/// |---|---|---|
/// | 1 | Al 30 Bo 28 Cy 25 Wy 17 | same; Wy guarded (the only woman) |
/// | 2 | Wy defeated (17, lowest) | Wy passed over: Cy defeated (25) |
/// | 3 | Wy's papers: Al 47 elected | Cy's papers: Bo 53 elected; Al doomed (the last place is a woman's) |
/// | 4 | Al's surplus exhausts; quota (Al + 53) ÷ 3 falls to 26.5: Bo (28) elected | Al defeated, doomed |
/// | 5 | — | Wy fills the last place |
#[test]
fn meek_worked_by_hand_a_guarded_candidate_is_passed_over_at_the_bottom() {
    let plain = election(
        2,
        &[("Al", "man"), ("Bo", "man"), ("Cy", "man"), ("Wy", "woman")],
        &[
            (30, &["Al"]),
            (28, &["Bo"]),
            (25, &["Cy", "Bo"]),
            (17, &["Wy", "Al"]),
        ],
    );
    let held = constrain(&plain, vec![Constraint::at_least("gender", "woman", 1)]);
    for name in ITERATIVE {
        let rules = preset(name);
        let f = count::count(&plain, &rules).unwrap();
        assert_eq!(f.contests[0].elected, ["Al", "Bo"], "{name}");
        assert_eq!(f.contests[0].excluded[0], "Wy", "{name}");

        let t = count::count(&held, &rules).unwrap();
        let c = &t.contests[0];
        assert_eq!(c.elected, ["Bo", "Wy"], "{name}");
        assert_eq!(c.excluded, ["Cy", "Al"], "{name}");
        let s = &c.stages;
        let by = vec!["gender=woman: at least 1".to_owned()];
        assert_eq!(
            verdicts(&s[0]),
            [("Wy".to_owned(), Verdict::Guarded, by.clone())],
            "{name}"
        );
        assert_eq!(s[1].excluded, ["Cy"], "{name}");
        assert_eq!(s[2].elected, ["Bo"], "{name}");
        assert_eq!(
            verdicts(&s[2]),
            [("Al".to_owned(), Verdict::Doomed, by.clone())],
            "{name}"
        );
        assert!(
            matches!(
                &s[3].action,
                Action::Exclusion { candidates, reason: Some(ExclusionReason::Doomed), .. }
                    if candidates == &["Al"]
            ),
            "{name}: {:?}",
            s[3].action
        );
        assert_eq!(s[4].elected, ["Wy"], "{name}");
        check_verdicts_obeyed(c, name);
    }
}

/// Infeasible constraints are refused before the count, as under Gregory:
/// two seats, three candidates; "at least two women" and "at least one
/// man" can each be met alone but not together.
#[test]
fn meek_refuses_infeasible_constraints_before_counting() {
    let plain = election(
        2,
        &[("Al", "man"), ("Bea", "woman"), ("Cy", "woman")],
        &[(3, &["Al"]), (2, &["Bea"]), (1, &["Cy"])],
    );
    let held = constrain(
        &plain,
        vec![
            Constraint::at_least("gender", "woman", 2),
            Constraint::at_least("gender", "man", 1),
        ],
    );
    for name in ITERATIVE {
        let err = count::count(&held, &preset(name)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "constraints: contest w: no 2 candidates can meet together constraint 1 \
             (gender=woman: at least 2); constraint 2 (gender=man: at least 1)",
            "{name}"
        );
    }
}

/// Substitution after a plain Meek count: in the first hand-worked
/// election, plain Meek elects Al then Bo; the latest-elected man (Bo)
/// gives his place to the best-placed woman among the runners-up (Cy, 15
/// at the end, against Di's 10).
#[test]
fn meek_substitution_swaps_the_latest_elected_man_for_the_best_placed_woman() {
    let plain = election(
        2,
        &[
            ("Al", "man"),
            ("Bo", "man"),
            ("Cy", "woman"),
            ("Di", "woman"),
        ],
        &[
            (40, &["Al", "Bo"]),
            (35, &["Bo", "Al"]),
            (15, &["Cy", "Di"]),
            (10, &["Di", "Cy"]),
        ],
    );
    let held = constrain(&plain, vec![Constraint::at_least("gender", "woman", 1)]);
    let rules = Rules {
        constraint_method: ConstraintMethod::Substitution,
        ..preset("meek")
    };
    let t = count::count(&held, &rules).unwrap();
    let c = &t.contests[0];
    let mut elected = c.elected.clone();
    elected.sort();
    assert_eq!(elected, ["Al", "Cy"]);
    assert_eq!(c.substitutions.len(), 1);
    assert_eq!(
        (
            c.substitutions[0].out.as_str(),
            c.substitutions[0].incoming.as_str()
        ),
        ("Bo", "Cy")
    );
}

// ---------------------------------------------------------------------------
// Momentum NCG 2022.

#[test]
fn momentum_2022_guard_doom_meets_every_minimum_under_every_iterative_preset() {
    let plain = momentum_2022(2022);
    // The minimums from issue 5's table (as the testkit carries it), not
    // from the shipped constraints file.
    let mut held = plain.clone();
    for c in held.contests_mut() {
        let (_, _, seats, women, bame) = MOMENTUM_2022_REGIONS
            .iter()
            .copied()
            .find(|r| r.0 == c.id())
            .unwrap();
        assert_eq!(c.seats(), seats);
        let mut cs = Vec::new();
        if women > 0 {
            cs.push(Constraint::at_least("gender", "woman", women));
        }
        if bame > 0 {
            cs.push(Constraint::at_least("bame", "yes", bame));
        }
        c.set_constraints(cs).unwrap();
    }
    for name in ITERATIVE {
        let rules = preset(name);
        let free = count::count(&plain, &rules).unwrap();
        let t = count::count(&held, &rules).unwrap();
        let mut broken = 0;
        for (f, h) in free.contests.iter().zip(&t.contests) {
            let (_, _, seats, women, bame) = MOMENTUM_2022_REGIONS
                .iter()
                .copied()
                .find(|r| r.0 == h.contest)
                .unwrap();
            assert_eq!(h.elected.len(), seats as usize, "{name} {}", h.contest);
            let (fw, fb) = tally(&plain, f);
            if fw < women || fb < bame {
                broken += 1;
            }
            if women + bame == 0 {
                assert_eq!(f.elected, h.elected, "{name} {}", h.contest);
            }
            let (hw, hb) = tally(&held, h);
            assert!(
                hw >= women && hb >= bame,
                "{name} {}: {hw} women, {hb} BAME; minimums {women}, {bame}",
                h.contest
            );
            check_verdicts_obeyed(h, name);
        }
        // The generated ballots make plain STV elect white men: the
        // constraints have work to do in every region with a minimum.
        assert_eq!(broken, 7, "{name}");
    }
}

/// Duties 3–5 on a transcript: a doomed candidate is never elected, a
/// guarded one never defeated, and every defeat for doom defeats
/// candidates recorded as doomed at an earlier stage.
fn check_verdicts_obeyed(c: &ContestCount, name: &str) {
    let mut doomed = Vec::new();
    let mut guarded = Vec::new();
    for s in &c.stages {
        if let Action::Exclusion {
            candidates,
            reason: Some(ExclusionReason::Doomed),
            ..
        } = &s.action
        {
            for n in candidates {
                assert!(doomed.contains(n), "{name}: {n} defeated as doomed");
            }
        }
        for n in &s.excluded {
            assert!(!guarded.contains(n), "{name}: guarded {n} defeated");
        }
        for n in &s.elected {
            assert!(!doomed.contains(n), "{name}: doomed {n} elected");
        }
        for d in &s.constraints {
            match d.verdict {
                Verdict::Doomed => doomed.push(d.candidate.clone()),
                Verdict::Guarded => guarded.push(d.candidate.clone()),
            }
        }
    }
    for n in &c.elected {
        assert!(!doomed.contains(n), "{name}: doomed {n} elected");
    }
    for n in &guarded {
        assert!(c.elected.contains(n), "{name}: guarded {n} not elected");
    }
}

// ---------------------------------------------------------------------------
// Properties on random elections.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn meek_constrained_results_fill_the_places_and_meet_the_constraints(
        (e, cs) in arb_constrained()
    ) {
        let Some(held) = feasible(&e, &cs) else { return Ok(()) };
        let contest = &held.contests()[0];
        let standing = contest.candidates().len() - contest.withdrawn().len();
        for name in ITERATIVE {
            let t = count::count(&held, &preset(name)).unwrap();
            let c = &t.contests[0];
            prop_assert_eq!(c.elected.len(), standing.min(contest.seats() as usize), "{}", name);
            prop_assert!(conforms(&held, c, &cs), "{}: {:?}", name, c.elected);
            check_verdicts_obeyed(c, name);
        }
    }

    #[test]
    fn meek_count_where_no_constraint_forces_a_verdict_is_the_unconstrained_count(
        (e, cs) in arb_constrained()
    ) {
        let Some(held) = feasible(&e, &cs) else { return Ok(()) };
        for name in ITERATIVE {
            let rules = preset(name);
            let h = count::count(&held, &rules).unwrap();
            let h = &h.contests[0];
            let forced = h.stages.iter().flat_map(|s| &s.constraints).any(|d| !d.by.is_empty());
            if forced {
                continue;
            }
            // Constrained counts defeat candidates without votes one a
            // round: compare with the unconstrained count that does the same.
            let apart = Rules {
                candidates_without_votes: count::rules::WithoutVotes::OneAtATime,
                ..rules.clone()
            };
            let f = count::count(&e, &apart).unwrap();
            let f = &f.contests[0];
            prop_assert_eq!(&h.elected, &f.elected, "{}", name);
            prop_assert_eq!(&h.excluded, &f.excluded);
            prop_assert_eq!(h.stages.len(), f.stages.len());
            for (a, b) in h.stages.iter().zip(&f.stages) {
                let mut a = a.clone();
                a.constraints.clear();
                prop_assert_eq!(&a, b, "{}", name);
            }
        }
    }

    /// Substitution after a plain Meek count: the stages are the plain
    /// count's; a conformant plain result is kept with no swap; otherwise
    /// the swaps conform, or the method says no swap serves.
    #[test]
    fn meek_substitution_keeps_a_conformant_result_and_otherwise_conforms(
        (e, cs) in arb_constrained()
    ) {
        let Some(held) = feasible(&e, &cs) else { return Ok(()) };
        let rules = preset("meek");
        let free = count::count(&e, &rules).unwrap();
        let f = &free.contests[0];
        let sub = Rules { constraint_method: ConstraintMethod::Substitution, ..rules };
        match count::count(&held, &sub) {
            Ok(t) => {
                let h = &t.contests[0];
                prop_assert_eq!(&h.stages, &f.stages);
                prop_assert!(conforms(&held, h, &cs));
                prop_assert_eq!(h.elected.len(), f.elected.len());
                if conforms(&e, f, &cs) {
                    prop_assert_eq!(&h.elected, &f.elected);
                    prop_assert!(h.substitutions.is_empty());
                } else {
                    prop_assert!(!h.substitutions.is_empty());
                }
            }
            Err(CountError::Constraints(ConstraintError::NoSubstitution { .. })) => {
                prop_assert!(!conforms(&e, f, &cs));
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}
