//! The invariant suite (`specs/workbench.md`, "Properties"): each property
//! expected to hold for a preset holds on 300 mixed generated cases, and
//! the properties expected to fail are found failing. `just fuzz-long`
//! runs the same at 100,000 cases.

use count::Rules;
use workbench::fuzz::{Fuzz, Target, run};

const PRESETS: [&str; 9] = [
    "scottish-stv",
    "ers97",
    "wigm",
    "uig",
    "egm",
    "irv",
    "meek",
    "nz-meek",
    "warren",
];

/// Whether the spec expects `property` to hold for `preset`.
fn expected(property: &str, preset: &str) -> bool {
    match property {
        "no-created-votes" => preset != "nz-meek",
        "quota" => preset != "ers97",
        "droop-proportionality" => preset != "irv",
        "monotonicity" | "participation" => false,
        _ => true,
    }
}

fn fuzz(preset: &str, target: Target, cases: u64) -> workbench::fuzz::Summary {
    let f = Fuzz {
        rules: Rules::preset(preset).unwrap(),
        target,
        generator: "mixed".into(),
        params: None,
        seed: 2026,
        cases,
        keep: 1,
        shrink_budget: 500,
        allow_arbitrary_ties: false,
    };
    run(&f, &|_, _| {})
}

#[test]
fn every_property_expected_of_a_preset_holds_on_300_cases() {
    let mut broken = Vec::new();
    for preset in PRESETS {
        for property in workbench::properties::PROPERTIES {
            if !expected(property, preset) {
                continue;
            }
            let s = fuzz(preset, Target::Property(property.into()), 300);
            if s.found > 0 {
                let f = &s.findings[0];
                broken.push(format!(
                    "{preset} {property}: {} of 300 cases, e.g. case {} (seed {}): {}",
                    s.found, f.case, f.case_seed, f.what
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_exceptions_the_spec_names_are_found() {
    // nz-meek's text rounds both parts up (cl.10); ers97's exact quota can
    // be reached by one more candidate than seats (5.1.6); IRV is not
    // proportional.
    for (preset, property) in [
        ("nz-meek", "no-created-votes"),
        ("ers97", "quota"),
        ("irv", "droop-proportionality"),
    ] {
        let s = fuzz(preset, Target::Property(property.into()), 2_000);
        assert!(s.found > 0, "{preset} {property}: none found");
    }
}

#[test]
fn irv_monotonicity_fails_and_the_shrunk_case_replays() {
    let f = Fuzz {
        rules: Rules::preset("irv").unwrap(),
        target: Target::Property("monotonicity".into()),
        generator: "mixed".into(),
        params: None,
        seed: 1,
        cases: 2_000,
        keep: 1,
        shrink_budget: 4_000,
        allow_arbitrary_ties: false,
    };
    let s = run(&f, &|_, _| {});
    assert!(s.found > 0);
    let shrunk = &s.findings[0].shrunk;
    // Replayed: the property fails on the shrunk case itself.
    let v = workbench::properties::check("monotonicity", shrunk, &f.rules).unwrap();
    assert!(
        matches!(v, workbench::properties::Verdict::Fails(_)),
        "{v:?}"
    );
    assert!(shrunk.names.len() <= 6, "{shrunk:?}");
}

#[test]
fn a_rule_that_rounds_transfer_values_up_creates_votes() {
    let up = Rules::preset("scottish-stv")
        .unwrap()
        .with_override(r#"method.gregory.surplus.transfer_value.rounding={"to":"places","places":2,"mode":"up"}"#)
        .unwrap();
    let f = Fuzz {
        rules: up,
        target: Target::Property("no-created-votes".into()),
        generator: "mixed".into(),
        params: None,
        seed: 1,
        cases: 500,
        keep: 1,
        shrink_budget: 1_000,
        allow_arbitrary_ties: false,
    };
    let s = run(&f, &|_, _| {});
    assert!(s.found > 0);
    assert!(
        s.findings[0].what.contains("the valid votes are"),
        "{}",
        s.findings[0].what
    );
}

#[test]
fn a_run_is_a_function_of_its_seed() {
    let a = fuzz("wigm", Target::Against(Rules::preset("meek").unwrap()), 300);
    let b = fuzz("wigm", Target::Against(Rules::preset("meek").unwrap()), 300);
    assert_eq!((a.found, a.applicable), (b.found, b.applicable));
    assert_eq!(
        a.findings
            .iter()
            .map(|f| (f.case, f.shrunk.clone()))
            .collect::<Vec<_>>(),
        b.findings
            .iter()
            .map(|f| (f.case, f.shrunk.clone()))
            .collect::<Vec<_>>()
    );
}
