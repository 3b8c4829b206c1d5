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

/// Issue 9 bug 2: the reserved-places method's counts were not told apart
/// in the CSV, the candidates outside a reserved count were "withdrawn" and
/// their papers "invalid", and no line gave the contest's one result.
#[test]
fn issue_9_bug_2_reserved_places_counts_are_told_apart_and_combined() {
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
    rules.constraint_method = count::rules::ConstraintMethod::ReservedPlaces;
    let t = count::count(&e, &rules).unwrap();
    assert_eq!(t.contests.len(), 2);
    let elected: Vec<&str> = t
        .contests
        .iter()
        .flat_map(|c| c.elected.iter().map(String::as_str))
        .collect();
    let text = render::text(&t);
    assert!(
        text.contains("Reserved-places count: gender=woman: at least 1"),
        "{text}"
    );
    assert!(text.contains("Reserved-places count: open"), "{text}");
    assert!(
        text.contains("Not eligible for this reserved count: Al, Bo, Ed"),
        "{text}"
    );
    assert!(text.contains("Papers for no eligible candidate"), "{text}");
    assert!(!text.contains("withdrawn"), "{text}");
    assert!(!text.contains("Invalid papers"), "{text}");
    let combined = format!(
        "Result of {} (2 reserved-places counts): elected {}",
        t.contests[0].contest,
        elected.join(", ")
    );
    assert!(text.contains(&combined), "{text}");
    let csv = render::csv(&t);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // Every row says which count it belongs to.
    let counts: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[1]).collect();
    assert_eq!(
        counts,
        ["combined", "gender=woman: at least 1", "open"]
            .into_iter()
            .collect()
    );
    let result: Vec<&str> = rows
        .iter()
        .filter(|r| &r[1] == "combined")
        .map(|r| &r[7])
        .collect();
    assert_eq!(result, elected);
}
