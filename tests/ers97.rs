//! Smoke tests on small published elections (issue 3): the ERS97 model
//! election's ballot set and the discriminating vectors of RULES.md §11.4
//! and §11.5.
//!
//! `nzstv-ocaml/ers97.blt` is a reverse-engineered ballot set for the ERS97
//! model election; it does not reproduce the book's full result sheet, so
//! only the first stage and the first surplus (which follow from the file
//! by hand, worked below) and the invariants are checked, never later stages.

use std::path::Path;

use ballot::{Format, ReadOptions};
use count::{Action, ContestCount, TieMethod, TiePurpose};
use official::Decimal;

fn count_file(path: &Path, preset: &str) -> ContestCount {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let election = ballot::read(Format::Blt, &bytes, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rules = count::Rules::preset(preset).expect("a preset");
    let mut transcript =
        count::count(&election, &rules).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(transcript.contests.len(), 1);
    transcript.contests.remove(0)
}

fn dec(text: &str) -> Decimal {
    Decimal::parse(text).unwrap_or_else(|| panic!("{text:?} is not a decimal"))
}

/// The exact sum of decimal strings.
fn sum<'a>(values: impl IntoIterator<Item = &'a String>) -> Decimal {
    values.into_iter().fold(Decimal::from_integer(0), |acc, v| {
        acc.checked_add(&dec(v)).expect("no overflow")
    })
}

/// Invariants every stage of every count keeps: conservation (totals +
/// exhausted + loss = valid votes, exactly), the number elected, nobody both
/// elected and excluded.
fn assert_invariants(c: &ContestCount) {
    let valid = c.valid_votes;
    for s in &c.stages {
        let mut all: Vec<String> = s.totals.values().map(|v| v.to_string()).collect();
        all.push(s.exhausted.to_string());
        all.push(s.loss_by_fraction.to_string());
        assert!(
            sum(&all).same_value(&valid),
            "{} stage {}: not conserved",
            c.contest,
            s.number
        );
    }
    assert_eq!(c.elected.len(), c.seats as usize, "{}", c.contest);
    for e in &c.elected {
        assert!(!c.excluded.contains(e), "{e} both elected and excluded");
    }
}

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

#[test]
fn ers97_model_election_first_stage_and_smiths_surplus() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let c = count_file(&data.join("nzstv-ocaml/ers97.blt"), "ers97");
    // 753 valid papers, 6 places: quota Up(753/7, 2) = Up(107.571…) = 107.58
    // (ERS97 5.1.7; the book's model election, RULES.md §11.1).
    assert_eq!(c.valid_papers, 753);
    assert!(c.quota.same_value(&dec("107.58")), "quota {}", c.quota);

    // First preferences, counted by hand from the file's lines.
    let first = &c.stages[0];
    let expected = [
        ("Smith", "134"),
        ("Carpenter", "81"),
        ("Wright", "27"),
        ("Glazier", "24"),
        ("Duke", "105"),
        ("Prince", "91"),
        ("Baron", "64"),
        ("Abbot", "59"),
        ("Vicar", "55"),
        ("Monk", "23"),
        ("Freeman", "90"),
    ];
    for (name, votes) in expected {
        assert!(
            dec(&first.totals.text(name).unwrap()).same_value(&dec(votes)),
            "{name}: {}",
            first.totals.text(name).unwrap()
        );
    }

    // Smith's surplus 134 - 107.58 = 26.42 goes first: it exceeds the gap
    // between the two lowest (Glazier 24 - Monk 23 = 1), so no deferral.
    // Smith's 134 papers: 11 name nobody else (NT); 123 are transferable,
    // TV = T(26.42 / 123, 2) = T(0.2147…) = 0.21. By next preference:
    // Carpenter 35, Wright 3+11+5+6 = 25, Glazier 20+7+4 = 31, Duke 8,
    // Abbot 4, Monk 1+1 = 2, Freeman 18; at 0.21 each: 7.35, 5.25, 6.51,
    // 1.68, 0.84, 0.42, 3.78 = 25.83, and the non-transferable difference
    // is 26.42 - 25.83 = 0.59 (RULES.md §11.1: TV 0.21, difference 0.59).
    let second = &c.stages[1];
    match &second.action {
        Action::Surplus {
            candidate,
            surplus,
            transfer_value,
        } => {
            assert_eq!(candidate, "Smith");
            assert!(surplus.same_value(&dec("26.42")), "surplus {surplus}");
            assert!(
                transfer_value.is_some_and(|tv| tv.same_value(&dec("0.21"))),
                "TV {transfer_value:?}"
            );
        }
        other => panic!("stage 2 is {other:?}"),
    }
    for (name, gain) in [
        ("Carpenter", "7.35"),
        ("Wright", "5.25"),
        ("Glazier", "6.51"),
        ("Duke", "1.68"),
        ("Abbot", "0.84"),
        ("Monk", "0.42"),
        ("Freeman", "3.78"),
        ("Prince", "0"),
        ("Baron", "0"),
        ("Vicar", "0"),
    ] {
        let t = second.transfers.text(name).unwrap_or_else(|| "0".into());
        assert!(dec(&t).same_value(&dec(gain)), "{name} gains {t}");
    }
    assert!(dec(&second.totals.text("Smith").unwrap()).same_value(&dec("107.58")));
    let lost = sum([
        &second.exhausted.to_string(),
        &second.loss_by_fraction.to_string(),
    ]);
    assert!(
        lost.same_value(&dec("0.59")),
        "non-transferable difference {lost}"
    );

    assert_invariants(&c);
}

/// RULES.md §11.4, drmaciver 2016: 1×(C3,C0,C1,C2), 2×(C0,C1,C2,C3),
/// 3×(C3,C0,C2,C1), 3 seats. Quota ⌊6/4⌋+1 = 2. C3 (4) and C0 (2) are
/// elected at stage 1; C3's surplus 2 over 4 papers, TV 0.5, skips C0: 0.5
/// to C1, 1.5 to C2. C1 (0.5) is excluded and C2 elected: C0, C3, C2
/// (Meek would elect C1).
#[test]
fn scottish_stv_maciver_elects_c2_where_meek_elects_c1() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let c = count_file(&data.join("vectors/maciver.blt"), "scottish-stv");
    assert_eq!(c.quota.to_string().split('.').next(), Some("2"));
    assert!(dec(&c.stages[1].totals.text("C1").unwrap()).same_value(&dec("0.5")));
    assert!(dec(&c.stages[1].totals.text("C2").unwrap()).same_value(&dec("1.5")));
    assert_eq!(sorted(c.elected.clone()), ["C0", "C2", "C3"]);
    assert_invariants(&c);
}

/// RULES.md §11.4, Voting Matters 12: A and B have exactly the quota 1001;
/// X, Y and Z have 667 each at every stage, so who is excluded is decided
/// by lot (r.51(2)(b)). RULES.md's "Scottish: A, B, Z" is Droop's draw;
/// the rules fix only A and B, and that the lot was drawn.
#[test]
fn scottish_stv_voting_matters_12_elects_a_and_b_and_draws_lots() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let c = count_file(&data.join("vectors/SC-Vm-12.blt"), "scottish-stv");
    assert_eq!(c.quota.to_string().split('.').next(), Some("1001"));
    assert!(c.elected.contains(&"A".to_owned()) && c.elected.contains(&"B".to_owned()));
    let third: Vec<&String> = c
        .elected
        .iter()
        .filter(|n| *n != "A" && *n != "B")
        .collect();
    assert!(
        matches!(third[..], [t] if ["X", "Y", "Z"].contains(&t.as_str())),
        "{:?}",
        c.elected
    );
    let lots = c
        .stages
        .iter()
        .flat_map(|s| &s.ties)
        .filter(|t| t.purpose == TiePurpose::Exclusion && matches!(t.method, TieMethod::Lot { .. }))
        .count();
    assert_eq!(lots, 2, "two exclusions among X, Y, Z by lot");
    assert_invariants(&c);
}

/// RULES.md §11.4, GPUS Steering Committee 2005 (Droop `SC.blt`), 94
/// ballots, 4 seats, quota 19: Scottish STV elects LaMarche, Rotzler,
/// Kramer and Sevigny, Sevigny as one of the remaining with 18.59172
/// (Meek and Warren elect Olsen instead).
#[test]
fn scottish_stv_gpus_2005_elects_sevigny_below_the_quota() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let c = count_file(&data.join("droop/blt/SC.blt"), "scottish-stv");
    assert_eq!(c.quota.to_string().split('.').next(), Some("19"));
    assert_eq!(
        sorted(c.elected.clone()),
        [
            "Pat LaMarche",
            "Rebecca Rotzler",
            "Steve Kramer",
            "Tom Sevigny"
        ]
    );
    let last = c.stages.last().expect("stages");
    assert_eq!(last.totals.text("Tom Sevigny").unwrap(), "18.59172");
    assert_invariants(&c);
}

/// RULES.md §11.5, Algorithm 123 §8: Basil withdrawn; the one paper for
/// Basil alone becomes empty, leaving 12 valid papers and the Scottish
/// quota ⌊12/3⌋+1 = 5. Adam 7 (3 ACD + 4 ACB), Donald 4 (2 DAC + 2 BDCA),
/// Charlotte 1. Adam's surplus 2 over 7 papers, TV T(2/7, 5) = 0.28571,
/// all to Charlotte: 1 + 7 × 0.28571 = 2.99997. Charlotte (lowest) is
/// excluded; Adam and Donald are elected.
#[test]
fn scottish_stv_algorithm_123_withdrawn_example() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let c = count_file(&data.join("vectors/a123ex.blt"), "scottish-stv");
    assert_eq!(c.withdrawn, ["Basil"]);
    assert_eq!((c.valid_papers, c.invalid_papers), (12, 1));
    assert_eq!(c.quota.to_string().split('.').next(), Some("5"));
    assert!(dec(&c.stages[0].totals.text("Adam").unwrap()).same_value(&dec("7")));
    assert!(dec(&c.stages[0].totals.text("Donald").unwrap()).same_value(&dec("4")));
    assert_eq!(c.stages[1].totals.text("Charlotte").unwrap(), "2.99997");
    assert_eq!(sorted(c.elected.clone()), ["Adam", "Donald"]);
    assert_eq!(c.excluded, ["Charlotte"]);
    assert_invariants(&c);
}
