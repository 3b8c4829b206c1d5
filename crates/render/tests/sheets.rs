//! The text sheet of counts whose records are pinned elsewhere: what a
//! person reads must say what the transcript says.

use ballot::constraints::{Constraint, read_attributes};
use ballot::{Format, ReadOptions};

/// The Grey–Fitzgerald count worked by hand in
/// `crates/count/tests/constraints.rs` (SSI 2007/42, 2 seats, at least one
/// woman): Ed is excluded passing over the guarded Cy, and Al is doomed.
#[test]
fn a_guard_doom_sheet_names_its_constraint_the_passed_over_and_the_doomed() {
    let blt = b"5 2\n25 1 0\n24 2 0\n20 5 2 0\n16 3 0\n15 4 0\n0\n\
                \"Al\"\n\"Bo\"\n\"Cy\"\n\"Di\"\n\"Ed\"\n\"hand\"\n";
    let mut e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    read_attributes(
        b"name,gender\nAl,man\nBo,man\nCy,woman\nDi,woman\nEd,man\n",
        &mut e,
    )
    .unwrap();
    e.contests_mut()[0]
        .set_constraints(vec![Constraint::at_least("gender", "woman", 1)])
        .unwrap();
    let t = count::count(&e, &count::Rules::scottish_stv()).unwrap();
    assert_eq!(t.contests[0].elected, ["Bo", "Cy"]);
    let text = render::text(&t);
    assert!(
        text.contains("Constraints: gender=woman: at least 1"),
        "{text}"
    );
    assert!(text.contains("passing over guarded Cy"), "{text}");
    assert!(
        text.contains("  doomed: Al (by gender=woman: at least 1)"),
        "{text}"
    );
}

/// Issue 9 bug 10: a Meek count whose rounds filled every place closes by
/// excluding the rest, and its sheet said they "fill the remaining places".
#[test]
fn issue_9_bug_10_a_closing_stage_that_only_excludes_says_so() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    let bytes = std::fs::read(path).unwrap();
    let e = ballot::read(Format::Blt, &bytes, &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::meek()).unwrap();
    let last = t.contests[0].stages.last().unwrap();
    assert_eq!(last.action, count::Action::ElectRemaining);
    assert!(last.elected.is_empty() && !last.excluded.is_empty());
    let text = render::text(&t);
    assert!(
        text.contains("Every place is filled: the remaining candidates are excluded"),
        "{text}"
    );
    assert!(!text.contains("fill the remaining places"), "{text}");
}

/// Issue 9 bug 1: under `--constraint-method substitution` the Result
/// column and the CSV `status` marked the substituted-out candidate
/// elected and never marked the one who replaced them.
#[test]
fn issue_9_bug_1_substitution_sheets_show_the_final_winners_and_each_swap() {
    let blt = b"5 2\n25 1 0\n24 2 0\n20 5 2 0\n16 3 0\n15 4 0\n0\n\
                \"Al\"\n\"Bo\"\n\"Cy\"\n\"Di\"\n\"Ed\"\n\"hand\"\n";
    let mut e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    read_attributes(
        b"name,gender\nAl,man\nBo,man\nCy,woman\nDi,woman\nEd,man\n",
        &mut e,
    )
    .unwrap();
    e.contests_mut()[0]
        .set_constraints(vec![Constraint::at_least("gender", "woman", 1)])
        .unwrap();
    let mut rules = count::Rules::scottish_stv();
    rules.constraint_method = count::rules::ConstraintMethod::Substitution;
    let t = count::count(&e, &rules).unwrap();
    let c = &t.contests[0];
    assert_eq!(c.substitutions.len(), 1, "{:?}", c.substitutions);
    let swap = &c.substitutions[0];
    let (out, incoming) = (swap.out.as_str(), swap.incoming.as_str());
    assert!(c.elected.iter().any(|n| n == incoming));
    assert!(!c.elected.iter().any(|n| n == out));
    let text = render::text(&t);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in\n{text}"))
            .to_string()
    };
    assert!(
        row(out).contains(&format!(
            "replaced by {incoming} (gender=woman: at least 1)"
        )),
        "{text}"
    );
    assert!(
        row(incoming).contains(&format!("elected in place of {out}")),
        "{text}"
    );
    let csv = render::csv(&t);
    let last: Vec<&str> = csv.lines().rev().take(2).collect();
    assert!(
        last.iter().any(|l| l.contains(&format!(
            ",substitution,gender=woman: at least 1,,{incoming},,,elected,"
        ))),
        "{csv}"
    );
    assert!(
        last.iter()
            .any(|l| l.contains(&format!(",{out},,,replaced,"))),
        "{csv}"
    );
}
