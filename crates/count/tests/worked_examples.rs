//! Hand-worked counts, one per preset, with the arithmetic in comments; the
//! tie vectors of RULES.md §11.6; and the published figures of Glasgow Linn
//! 2007 and the ERS97 model election that the shared ballot files reproduce.
//!
//! Every expected figure here was worked by hand from the rule text (or is
//! quoted from the rule book / RULES.md), never copied from our own output.

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election, Format, ReadOptions};
use count::rules::{Arithmetic, Criterion, QuotaIncrement, Rounding, TieBreak, ZeroSurplus};
use count::{Action, ContestCount, Rules, TieMethod, TiePurpose};

fn dec(text: &str) -> count::decimal::Decimal {
    count::decimal::Decimal::parse(text).expect("a decimal")
}

/// An election from `(papers, "A B C")` rows; candidates are single letters.
fn election(names: &str, seats: u32, rows: &[(u64, &str)]) -> Election {
    let names: Vec<&str> = names.split_whitespace().collect();
    let candidates: Vec<Candidate> = names
        .iter()
        .enumerate()
        .map(|(i, n)| Candidate::named(i + 1, *n))
        .collect();
    let mut b = BallotsBuilder::new(names.len());
    for (count, ranking) in rows {
        let ids: Vec<CandidateId> = ranking
            .split_whitespace()
            .map(|n| CandidateId::new(names.iter().position(|x| x == &n).unwrap()).unwrap())
            .collect();
        b.push(&ids, *count).unwrap();
    }
    Election::single(Contest::new("t", "T", seats, candidates, b.build()).unwrap())
}

fn run(e: &Election, rules: &Rules) -> ContestCount {
    count::count(e, rules).unwrap().contests.remove(0)
}

/// The totals of stage `i` (0-based) for the named candidates, in order.
fn totals(c: &ContestCount, i: usize, names: &str) -> Vec<String> {
    names
        .split_whitespace()
        .map(|n| c.stages[i].totals.text(n).unwrap().clone())
        .collect()
}

fn shared() -> Option<std::path::PathBuf> {
    recount_testkit::shared_data()
}

fn read_blt(path: &std::path::Path) -> Election {
    ballot::read(
        Format::Blt,
        &std::fs::read(path).unwrap(),
        &ReadOptions::default(),
    )
    .unwrap()
}

/// The mixed-value election on which WIGM, UIG and EGM part ways.
///
/// 12×(A B C), 5×(B D), 3×(C), 4×(D), 2×(E); 3 seats; V = 26,
/// quota ⌊26/4⌋+1 = 7. Stage 1 elects A (12, surplus 5).
/// Stage 2, A's surplus, all papers worth 1, TV = T(5/12, 5) = 0.41666 under
/// every method: B +12×0.41666 = 4.99992 → 9.99992 (elected, surplus
/// 2.99992); loss 5 − 4.99992 = 0.00008.
fn gregory_split() -> Election {
    election(
        "A B C D E",
        3,
        &[(12, "A B C"), (5, "B D"), (3, "C"), (4, "D"), (2, "E")],
    )
}

#[test]
fn scottish_wigm_weights_each_value_class_gregory_split() {
    // Stage 3, B's surplus 2.99992 over B's total 9.99992 (SSI r.48(3)):
    //   papers worth 1:       T(2.99992×1/9.99992, 5)       = T(0.2999944, 5) = 0.29999
    //   papers worth 0.41666: T(2.99992×0.41666/9.99992, 5) = T(0.1249956, 5) = 0.12499
    //   D + 5×0.29999 = 1.49995 → 5.49995; C + 12×0.12499 = 1.49988 → 4.49988
    //   loss 2.99992 − 1.49995 − 1.49988 = 0.00009 (+0.00008 before = 0.00017)
    // Stage 4 excludes E (2, exhausted); stage 5 excludes C (4.49988 < 5.49995),
    // whose papers have no later preference; D is then the one continuing
    // candidate for the one place (r.52).
    let c = run(&gregory_split(), &Rules::scottish_stv());
    assert_eq!(c.quota, "7.00000");
    assert_eq!(totals(&c, 1, "A B C"), ["7.00000", "9.99992", "3.00000"]);
    assert_eq!(c.stages[1].loss_by_fraction, "0.00008");
    assert_eq!(totals(&c, 2, "B C D"), ["7.00000", "4.49988", "5.49995"]);
    assert_eq!(c.stages[2].loss_by_fraction, "0.00017");
    assert_eq!(
        c.stages[2].action,
        Action::Surplus {
            candidate: "B".into(),
            surplus: dec("2.99992"),
            transfer_value: None
        }
    );
    assert_eq!(c.excluded, ["E", "C"]);
    assert_eq!(c.elected, ["A", "B", "D"]);
}

#[test]
fn uig_spreads_the_surplus_over_papers_whatever_their_value_gregory_split() {
    // Stage 3, unweighted: TV = T(2.99992/17 papers, 5) = T(0.1764658, 5) = 0.17646
    //   D + 5×0.17646 = 0.88230 → 4.88230; C + 12×0.17646 = 2.11752 → 5.11752
    //   loss 2.99992 − 0.88230 − 2.11752 = 0.00010 (+0.00008 = 0.00018)
    // Stage 4 excludes E; stage 5 excludes D (4.88230 < 5.11752); C elected.
    let c = run(&gregory_split(), &Rules::uig());
    assert_eq!(totals(&c, 2, "B C D"), ["7.00000", "5.11752", "4.88230"]);
    assert_eq!(c.stages[2].loss_by_fraction, "0.00018");
    assert_eq!(c.excluded, ["E", "D"]);
    assert_eq!(c.elected, ["A", "B", "C"]);
}

#[test]
fn egm_takes_the_last_parcel_only_gregory_split() {
    // Stage 3, exclusive: B's last parcel is the 12 papers at 0.41666 from
    // stage 2, all transferable (to C): TV = T(2.99992/12, 5) = T(0.2499933, 5)
    // = 0.24999 ≤ 0.41666; C + 12×0.24999 = 2.99988 → 5.99988; D unchanged at 4;
    // loss 2.99992 − 2.99988 = 0.00004 (+0.00008 = 0.00012).
    let c = run(&gregory_split(), &Rules::egm());
    assert_eq!(totals(&c, 2, "B C D"), ["7.00000", "5.99988", "4.00000"]);
    assert_eq!(c.stages[2].loss_by_fraction, "0.00012");
    assert_eq!(c.elected, ["A", "B", "C"]);
}

#[test]
fn wigm_prf_truncates_after_every_operation() {
    // 6×(A B), 3×(A C), 2×(B), 4×(C), 3×(D C); 2 seats; V = 18.
    // PRF A.1: quota = T(18/3, 4) + 0.0001 = 6.0001. Stage 1 elects A (9).
    // B.3: surplus 2.9999; weight T(T(1×2.9999, 4)/9, 4) = T(0.33332, 4) = 0.3333
    //   B + 6×0.3333 = 1.9998 → 3.9998; C + 3×0.3333 = 0.9999 → 4.9999;
    //   residual 2.9999 − 2.9997 = 0.0002.
    // B.4: exclude D (3) → C + 3 = 7.9999 ≥ 6.0001: elected; places filled.
    let e = election(
        "A B C D",
        2,
        &[(6, "A B"), (3, "A C"), (2, "B"), (4, "C"), (3, "D C")],
    );
    let c = run(&e, &Rules::wigm());
    assert_eq!(c.quota, "6.0001");
    assert_eq!(
        totals(&c, 1, "A B C D"),
        ["6.0001", "3.9998", "4.9999", "3.0000"]
    );
    assert_eq!(c.stages[1].loss_by_fraction, "0.0002");
    assert_eq!(totals(&c, 2, "C D"), ["7.9999", "0.0000"]);
    assert_eq!(c.elected, ["A", "C"]);
    assert_eq!(c.stages.len(), 3);
}

#[test]
fn irv_elects_on_a_majority_of_continuing_votes() {
    // 8×(A), 7×(B A), 5×(C B), 3×(D C); 1 seat; V = 23.
    // Stage 1: nobody has more than 23/2. Stage 2 excludes D (3) → C 8.
    // Stage 3: C and A tie on 8 at the lowest? No: B has 7, the lowest; B's
    // papers go to A → A 15 > 23/2 = 11.5: elected.
    let e = election(
        "A B C D",
        1,
        &[(8, "A"), (7, "B A"), (5, "C B"), (3, "D C")],
    );
    let c = run(&e, &Rules::irv());
    assert_eq!(totals(&c, 1, "A B C D"), ["8", "7", "8", "0"]);
    assert_eq!(totals(&c, 2, "A B C"), ["15", "0", "8"]);
    assert_eq!(c.excluded, ["D", "B"]);
    assert_eq!(c.elected, ["A"]);
    // Exhausted papers leave the majority: 4×(A), 3×(B), 2×(C B); after C's 2
    // go to B, A 4 vs B 5 of 9 continuing: B wins on 5 > 4.5.
    let e = election("A B C", 1, &[(4, "A"), (3, "B"), (2, "C B")]);
    let c = run(&e, &Rules::irv());
    assert_eq!(c.elected, ["B"]);
}

#[test]
fn scottish_stv_weak_defeat_backward_tie_excludes_b() {
    // RULES.md §11.6, vectors/weak-defeat.blt: 1,2,3,4,5 first preferences,
    // A's paper goes to B; B and C tie on 3 and B had fewer at stage 1.
    let Some(data) = shared() else { return };
    let c = run(
        &read_blt(&data.join("vectors/weak-defeat.blt")),
        &Rules::scottish_stv(),
    );
    assert_eq!(c.quota, "6.00000");
    assert_eq!(c.excluded[..2], ["A", "B"]);
    let tie = &c.stages[2].ties[0];
    assert_eq!(tie.purpose, TiePurpose::Exclusion);
    assert_eq!(names(&tie.between), ["B", "C"]);
    assert_eq!(tie.method, TieMethod::Backward { stage: 1 });
    assert_eq!(tie.chosen, "B");
}

#[test]
fn weak_surplus_backward_tie_for_the_largest_surplus_picks_b() {
    // RULES.md §11.6, vectors/weak-surplus.blt: quota ⌊35/5⌋+1 = 8; A 10 and
    // B 8 elected; A's surplus 2 at 0.2 makes C 6 + 2 = 8. B and C then both
    // hold exactly the quota. The statute transfers only a surplus that
    // exceeds the quota (r.48(1)), so scottish-stv has no surplus tie here;
    // with zero surpluses transferred (as Droop does), B and C tie and the
    // backward rule picks B (8 at stage 1 against C's 6).
    let Some(data) = shared() else { return };
    let e = read_blt(&data.join("vectors/weak-surplus.blt"));
    let statute = run(&e, &Rules::scottish_stv());
    assert!(
        statute
            .stages
            .iter()
            .flat_map(|s| &s.ties)
            .all(|t| t.purpose != TiePurpose::SurplusOrder)
    );
    let mut rules = Rules::scottish_stv();
    rules.gregory_mut().unwrap().surplus.zero_surplus = ZeroSurplus::TransferAsStage;
    let c = run(&e, &rules);
    let tie = c
        .stages
        .iter()
        .flat_map(|s| &s.ties)
        .find(|t| t.purpose == TiePurpose::SurplusOrder)
        .expect("a surplus tie");
    assert_eq!(names(&tie.between), ["B", "C"]);
    assert_eq!(tie.method, TieMethod::Backward { stage: 1 });
    assert_eq!(tie.chosen, "B");
    // The later exclusion tie, E and F on 3 at every stage, falls to lot.
    let lot = statute
        .stages
        .iter()
        .flat_map(|s| &s.ties)
        .find(|t| t.purpose == TiePurpose::Exclusion)
        .expect("an exclusion tie");
    assert_eq!(names(&lot.between), ["E", "F"]);
    assert_eq!(lot.method, TieMethod::Lot { draw: 0 });
    // The lot is recorded with its seed and is reproducible.
    assert_eq!(statute.rules.ties.seed.as_deref(), Some("0"));
    assert_eq!(run(&e, &statute.rules), statute);
}

#[test]
fn lots_follow_the_seed() {
    // Two candidates tied at every stage: the seed decides, the same seed
    // decides the same way, and over a few seeds both outcomes occur.
    let e = election("A B C", 1, &[(4, "C"), (2, "A"), (2, "B")]);
    let mut chosen = std::collections::BTreeSet::new();
    for seed in ["1", "2", "3", "4", "5", "6", "7", "8"] {
        let mut rules = Rules::scottish_stv();
        rules.ties.seed = Some(seed.into());
        let a = run(&e, &rules);
        assert_eq!(a, run(&e, &rules));
        let tie = &a.stages[1].ties[0];
        assert!(matches!(tie.method, TieMethod::Lot { draw: 0 }));
        chosen.insert(tie.chosen.clone());
    }
    assert_eq!(chosen.len(), 2, "{chosen:?}");
}

#[test]
fn pollux_and_helen_tie_under_exact_droop_42() {
    // vectors/42.blt: 4×(Castor Pollux), 2×(Helen); 2 seats; exact Droop
    // quota 6/3 = 2 with the strict criterion. Castor 4 > 2: surplus 2 at
    // 2/4 = 0.5 gives Pollux 2 = Helen 2: "Pollux and Helen should tie".
    // Backward: Pollux had 0 at stage 1, so Pollux is excluded. An explicit
    // order naming Pollux strongest excludes Helen instead.
    let Some(data) = shared() else { return };
    let e = read_blt(&data.join("vectors/42.blt"));
    let mut exact = Rules::scottish_stv();
    exact.arithmetic = Arithmetic::Rational;
    exact.quota.rounding = Rounding::Exact;
    exact.quota.increment = QuotaIncrement::Nothing;
    exact.election.criterion = Criterion::Exceeds;
    exact.gregory_mut().unwrap().surplus.transfer_value.rounding = Rounding::Exact;
    let c = run(&e, &exact);
    assert_eq!(totals(&c, 1, "Pollux Helen"), ["2.00000", "2.00000"]);
    let tie = &c.stages[2].ties[0];
    assert_eq!(names(&tie.between), ["Pollux", "Helen"]);
    assert_eq!(tie.method, TieMethod::Backward { stage: 1 });
    assert_eq!(c.elected, ["Castor", "Helen"]);
    let mut ordered = exact.clone();
    ordered.ties.chain = vec![TieBreak::Order];
    ordered.ties.order = Some(vec!["Pollux".into(), "Helen".into(), "Castor".into()]);
    let c = run(&e, &ordered);
    assert_eq!(c.stages[2].ties[0].method, TieMethod::Order);
    assert_eq!(c.elected, ["Castor", "Pollux"]);
}

#[test]
fn scottish_stv_glasgow_2007_linn_first_transfer() {
    // RULES.md §11.3 (OpenTally validated against the official Linn 2007
    // sheet): 9567 papers, 4 seats, quota 1914; Ritchie's surplus 129 at
    // T(129/2043, 5) = 0.06314 gives M. Clark 1302.94200, Docherty 1789.19796,
    // McKenzie 1389.27134, non-transferable 36.17922, residual 0.00498;
    // later Docherty's surplus is 33.35496.
    let Some(data) = shared() else { return };
    let c = run(
        &read_blt(&data.join("droop/blt/scotland/Linn-2007.blt")),
        &Rules::scottish_stv(),
    );
    assert_eq!(
        (c.valid_papers, c.quota.to_string()),
        (9567, "1914.00000".into())
    );
    let s = &c.stages[1];
    assert_eq!(
        s.action,
        Action::Surplus {
            candidate: "David Ritchie".into(),
            surplus: dec("129.00000"),
            transfer_value: Some(dec("0.06314"))
        }
    );
    assert_eq!(s.totals.text("Margot Clark").unwrap(), "1302.94200");
    assert_eq!(s.totals.text("Sadie Docherty").unwrap(), "1789.19796");
    assert_eq!(s.totals.text("John McKenzie").unwrap(), "1389.27134");
    assert_eq!(s.exhausted, "36.17922");
    assert_eq!(s.loss_by_fraction, "0.00498");
    let docherty = c
        .stages
        .iter()
        .find_map(|s| match &s.action {
            Action::Surplus {
                candidate, surplus, ..
            } if candidate == "Sadie Docherty" => Some(*surplus),
            _ => None,
        })
        .unwrap();
    assert_eq!(docherty, "33.35496");
    assert_eq!(
        c.elected,
        [
            "David Ritchie",
            "Sadie Docherty",
            "John McKenzie",
            "Margot Clark"
        ]
    );
}

#[test]
fn scottish_stv_glasgow_2007_govan_first_transfer() {
    // RULES.md §11.3: 9560 papers, quota 1913; Hunter's surplus 781 at
    // T(781/2694, 5) = 0.28990; Butt 1412.45570, NT 284.68180, residual 0.00940.
    let Some(data) = shared() else { return };
    let c = run(
        &read_blt(&data.join("droop/blt/scotland/Govan-2007.blt")),
        &Rules::scottish_stv(),
    );
    assert_eq!(c.quota, "1913.00000");
    let s = &c.stages[1];
    match &s.action {
        Action::Surplus {
            surplus,
            transfer_value,
            ..
        } => {
            assert_eq!(surplus, "781.00000");
            assert_eq!(
                transfer_value.map(|t| t.to_string()).as_deref(),
                Some("0.28990")
            );
        }
        other => panic!("{other:?}"),
    }
    let butt = s.totals.iter().find(|(k, _)| k.contains("Butt")).unwrap().1;
    assert_eq!(butt.to_string(), "1412.45570");
    assert_eq!(s.exhausted, "284.68180");
    assert_eq!(s.loss_by_fraction, "0.00940");
}

#[test]
fn ers97_model_election_first_surplus() {
    // RULES.md §11.1 (ERS97 §8.2): 753 valid, 6 places, quota 107.58; Smith
    // 134, surplus 26.42 over 123 transferable papers, TV 0.21, NT difference
    // 0.59. The shared ers97.blt is a reverse-engineered ballot set that
    // reproduces these book figures (not the later stages): a smoke test.
    let Some(data) = shared() else { return };
    let c = run(
        &read_blt(&data.join("nzstv-ocaml/ers97.blt")),
        &Rules::ers97(),
    );
    assert_eq!(
        (c.valid_papers, c.quota.to_string()),
        (753, "107.58".into())
    );
    let s = &c.stages[1];
    assert_eq!(
        s.action,
        Action::Surplus {
            candidate: "Smith".into(),
            surplus: dec("26.42"),
            transfer_value: Some(dec("0.21"))
        }
    );
    assert_eq!(s.exhausted, "0.59");
    assert_eq!(s.totals.text("Smith").unwrap(), "107.58");
    // Exclusions are divided into sub-stages by value, highest first (5.4.2).
    let sub: Vec<(u32, Option<u32>)> = c.stages.iter().map(|s| (s.number, s.sub_stage)).collect();
    assert!(
        sub.contains(&(3, Some(1))) && sub.contains(&(3, Some(2))),
        "{sub:?}"
    );
    assert_eq!(c.elected.len(), 6);
}

#[test]
fn ers97_quota_is_reduced_by_non_transferable_votes_before_the_first_election() {
    // 5.4.8: 2×(A), 2×(B), 2×(C), 1×(D); 2 places; quota Up(7/3, 2) = 2.34,
    // nobody reaches it. D (1) is excluded; its paper has no further
    // preference: non-transferable 1.00, and before any election the quota is
    // recomputed without it: Up(6/3, 2) = 2.00.
    // 5.6.2: A, B and C all reach 2.00 for 2 places, equal at every point, so
    // none of them is deemed elected at that stage. The next exclusion (a lot
    // among the three, 5.2.3/5.4.4 forward then lot) would leave 2 continuing
    // for 2 places: 5.5.1 elects them without a transfer.
    let e = election("A B C D", 2, &[(2, "A"), (2, "B"), (2, "C"), (1, "D")]);
    let c = run(&e, &Rules::ers97());
    assert_eq!(c.quota, "2.34");
    assert_eq!(c.stages[1].quota, "2.00");
    assert_eq!(c.stages[1].exhausted, "1.00");
    assert!(c.stages[1].elected.is_empty());
    let last = c.stages.last().unwrap();
    assert_eq!(last.action, Action::ElectRemaining);
    assert_eq!(last.excluded.len(), 1);
    assert_eq!(last.ties[0].purpose, TiePurpose::Exclusion);
    assert!(matches!(last.ties[0].method, TieMethod::Lot { .. }));
    assert_eq!(c.elected.len(), 2);
}

#[test]
fn three_way_ties_narrow_or_look_for_a_unique_lowest_rules_md_10_8() {
    // 10×(A), 11×(B), 9×(C), 1×(X A), 3×(X C), 2×(Y A), 2×(Y B), 1×(Y C);
    // 1 seat, quota ⌊39/2⌋+1 = 20, nobody reaches it.
    //   stage 1: A 10, B 11, C 9, X 4, Y 5
    //   stage 2 (X out): A 11, B 11, C 12, Y 5
    //   stage 3 (Y out): A 13, B 13, C 13 — a three-way tie for exclusion.
    // Backward, narrowing (default): stage 2 is not all equal; its lowest
    // are A and B (11); at stage 1 A (10) < B (11): A is excluded.
    // Droop's reading (unique lowest over all three): stage 2 has no unique
    // lowest; at stage 1 C (9) is: C is excluded. "All different": stage 1.
    let e = election(
        "A B C X Y",
        1,
        &[
            (10, "A"),
            (11, "B"),
            (9, "C"),
            (1, "X A"),
            (3, "X C"),
            (2, "Y A"),
            (2, "Y B"),
            (1, "Y C"),
        ],
    );
    let tie_at_stage_4 = |rules: &Rules| {
        let c = run(&e, rules);
        assert_eq!(totals(&c, 2, "A B C"), ["13.00000", "13.00000", "13.00000"]);
        c.stages[3].ties[0].clone()
    };
    let narrow = tie_at_stage_4(&Rules::scottish_stv());
    assert_eq!(names(&narrow.between), ["A", "B", "C"]);
    assert_eq!(
        (narrow.chosen.as_str(), &narrow.method),
        ("A", &TieMethod::Backward { stage: 1 })
    );
    let mut droop = Rules::scottish_stv();
    droop.ties.multiway = count::rules::Multiway::UniqueExtreme;
    let unique = tie_at_stage_4(&droop);
    assert_eq!(
        (unique.chosen.as_str(), &unique.method),
        ("C", &TieMethod::Backward { stage: 1 })
    );
    let mut all = Rules::scottish_stv();
    all.ties.multiway = count::rules::Multiway::AllDifferent;
    assert_eq!(tie_at_stage_4(&all).chosen, "C");
    // Forward (ERS97 style) looks at stage 1 first, where C is lowest.
    let mut forward = Rules::scottish_stv();
    forward.ties.chain = vec![TieBreak::Forward, TieBreak::Lot];
    let f = tie_at_stage_4(&forward);
    assert_eq!(
        (f.chosen.as_str(), &f.method),
        ("C", &TieMethod::Forward { stage: 1 })
    );
}

/// Tie-record names as plain strings.
fn names(list: &count::NameList) -> Vec<&str> {
    list.iter().collect()
}
