//! The text sheet of counts whose records are pinned elsewhere: what a
//! person reads must say what the transcript says.

use ballot::constraints::{Constraint, read_attributes};
use ballot::{Format, ReadOptions};

/// Two seats, at least one woman: the election of the hand count below.
fn hand_count() -> ballot::Election {
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
    e
}

/// The Grey–Fitzgerald count worked by hand in
/// `crates/count/tests/constraints.rs` (SSI 2007/42, 2 seats, at least one
/// woman): Ed is excluded passing over the guarded Cy, and Al is doomed.
#[test]
fn a_guard_doom_sheet_names_its_constraint_the_passed_over_and_the_doomed() {
    let e = hand_count();
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
    let e = hand_count();
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
    // The candidate's rows in every block of stages (the Result column
    // closes the last).
    let row = |name: &str| {
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with(name)).collect();
        assert!(!rows.is_empty(), "{name} in\n{text}");
        rows.join("\n")
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
    let e = hand_count();
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

fn demo() -> ballot::Election {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    let bytes = std::fs::read(path).expect("the demo ward");
    ballot::read(Format::Blt, &bytes, &ReadOptions::default()).unwrap()
}

/// Every value cell of a table line, with the row's label.
fn cells(line: &str) -> (String, Vec<String>) {
    let mut parts = line.split(" | ");
    let label = parts.next().unwrap_or_default().trim().to_string();
    (
        label,
        parts
            .flat_map(|p| p.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect(),
    )
}

#[test]
fn issue_9_sheets_fit_the_width_in_blocks_with_stage_headings_and_a_total_row() {
    let t = count::count(&demo(), &count::Rules::scottish_stv()).unwrap();
    let c = &t.contests[0];
    for width in [60, 100, 200] {
        let opts = render::TextOptions {
            width,
            made_by: None,
        };
        let text = render::text_with(&t, &opts);
        let table: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(" | ") || l.starts_with("---"))
            .collect();
        // Every line of the table's stage blocks fits (at 60 columns the
        // Result column is a block of its own, as wide as its words).
        let result_only = |l: &str| l.matches(" | ").count() == 1 && !l.contains("Stage");
        for l in table
            .iter()
            .filter(|l| !result_only(l) && !l.starts_with("---"))
        {
            assert!(l.chars().count() <= width, "{width}: {l:?}");
        }
        if width == 60 {
            assert!(
                table
                    .iter()
                    .any(|l| result_only(l) && l.contains("elected at"))
            );
        }
        // Each stage is headed once by what it did, in some block.
        for s in &c.stages[1..] {
            let heading = render::sheet::stage_heading(s);
            assert_eq!(
                text.lines()
                    .filter(|l| l.contains(&format!("| {heading}")))
                    .count(),
                1,
                "{heading} in\n{text}"
            );
        }
        // The Total row is the valid votes at every stage: the candidates,
        // the non-transferable and the loss together (an invariant of the
        // count, read back from the printed figures).
        let totals: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("Total "))
            .flat_map(|l| cells(l).1)
            .collect();
        let valid = c.valid_votes.to_string();
        let stage_totals: Vec<&String> = totals
            .iter()
            .filter(|x| **x != "0.00000" && count::decimal::Decimal::parse(x).is_some())
            .collect();
        assert_eq!(stage_totals.len(), c.stages.len(), "{totals:?}");
        assert!(stage_totals.iter().all(|x| **x == valid), "{totals:?}");
    }
}

#[test]
fn issue_9_an_excluded_candidates_cells_are_blank_after_the_exclusion() {
    let t = count::count(&demo(), &count::Rules::scottish_stv()).unwrap();
    let c = &t.contests[0];
    let text = render::text_with(
        &t,
        &render::TextOptions {
            width: 1000,
            made_by: None,
        },
    );
    for name in &c.excluded {
        let at = c
            .stages
            .iter()
            .position(|s| s.excluded.contains(name))
            .unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        // Stage 1 has one cell, every later stage two: the cells up to the
        // exclusion's, then the Result words only.
        let (_, cells) = cells(line);
        let figures: Vec<&String> = cells
            .iter()
            .take_while(|x| count::decimal::Decimal::parse(x).is_some())
            .collect();
        assert_eq!(figures.len(), 1 + 2 * at, "{name}: {line}");
        assert_eq!(figures.last().unwrap().as_str(), "0.00000", "{line}");
        assert!(line.contains(&format!("excluded at {}", at + 1)), "{line}");
    }
}

#[test]
fn issue_9_results_give_the_reason_with_the_figures_and_the_clause() {
    let t = count::count(&demo(), &count::Rules::scottish_stv()).unwrap();
    let c = &t.contests[0];
    let results = render::sheet::results(c);
    for name in &c.elected {
        let s = c.stages.iter().find(|s| s.elected.contains(name)).unwrap();
        let votes = s.totals.get(name).unwrap();
        assert!(votes.cmp_value(&s.quota).is_ge());
        assert_eq!(
            results[name.as_str()],
            format!(
                "elected at {} ({votes} ≥ {}, SSI 2007/42 r.47)",
                s.number, s.quota
            )
        );
    }
    // Last vacancies (r.52): two places, three candidates, nobody reaches
    // the quota after the one exclusion.
    let blt = b"3 2\n4 1 0\n3 2 0\n2 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
    let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::scottish_stv()).unwrap();
    let c = &t.contests[0];
    let results = render::sheet::results(c);
    assert_eq!(c.elected.len(), 2);
    let last = c.stages.last().unwrap();
    let label = render::sheet::stage_label(last);
    for name in &last.elected {
        let s = last.totals.get(name).unwrap();
        assert!(s.cmp_value(&last.quota).is_lt(), "{name} below the quota");
        assert_eq!(
            results[name.as_str()],
            format!("elected at {label} (last vacancies, r.52)")
        );
    }
}

#[test]
fn issue_9_the_party_stands_beside_the_name_and_one_title_serves_a_one_ward_file() {
    let blt = b"3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"Ann Lee\" \"Green\"\n\"Bo Ng\" \"Labour\"\n\"Cy Ox\"\n\"Ward 7\"\n";
    let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::scottish_stv()).unwrap();
    let text = render::text(&t);
    assert!(
        text.lines().any(|l| l.starts_with("Ann Lee (Green) ")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.starts_with("Bo Ng (Labour) ")),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("Cy Ox ")), "{text}");
    assert_eq!(text.lines().next(), Some(c_title(&t)));
    fn c_title(t: &count::Transcript) -> &str {
        &t.contests[0].title
    }
}

#[test]
fn issue_9_a_bulk_exclusion_is_summarised_in_its_heading() {
    // Nobody reaches the quota (2.5001 of 5); the four candidates without
    // a vote go together (candidates_without_votes).
    let blt =
        b"7 1\n2 1 0\n2 2 0\n1 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"F\"\n\"G\"\n\"t\"\n";
    let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::preset("wigm").unwrap()).unwrap();
    let text = render::text(&t);
    assert!(text.contains("| Exclusion of 4 without votes"), "{text}");
    // The stage line under the table still names them all.
    assert!(text.contains("Exclusion of D, E, F, G"), "{text}");
}

#[test]
fn issue_9_the_wide_csv_is_candidates_by_stages_with_the_text_sheets_cells() {
    let t = count::count(&demo(), &count::Rules::scottish_stv()).unwrap();
    let c = &t.contests[0];
    let wide = render::csv_wide(&t);
    let mut r = csv::Reader::from_reader(wide.as_bytes());
    let header = r.headers().unwrap().clone();
    // contest, row, party, result, then 1 + 2 × (stages − 1) figures.
    assert_eq!(header.len(), 4 + 1 + 2 * (c.stages.len() - 1));
    assert_eq!(&header[4], "stage_1_total");
    assert_eq!(&header[5], "stage_2_transfer");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // The action row, each candidate, then the four summary rows.
    assert_eq!(rows.len(), 1 + c.candidates.len() + 4);
    assert_eq!(&rows[0][1], "(action)");
    assert_eq!(&rows[0][4], "First preferences");
    for (i, name) in c.candidates.iter().enumerate() {
        let row = &rows[1 + i];
        assert_eq!(&row[1], name.as_str());
        // Every stage's total is the transcript's, blank after exclusion.
        let out = c.stages.iter().position(|s| s.excluded.contains(name));
        for (k, s) in c.stages.iter().enumerate() {
            let col = if k == 0 { 4 } else { 4 + 2 * k };
            let want = match out {
                Some(o) if k > o => String::new(),
                _ => s.totals.text(name).unwrap_or_default(),
            };
            assert_eq!(&row[col], want.as_str(), "{name} stage {}", k + 1);
        }
    }
    let total = rows.iter().find(|r| &r[1] == "Total").unwrap();
    assert_eq!(&total[4], c.valid_votes.to_string().as_str());
}

#[test]
fn issue_9_the_html_sheet_is_self_contained_and_escapes_names() {
    let blt = b"3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"<b>Ann</b> & Co\" \"Green\"\n\"Bo\"\n\"Cy\"\n\"Ward <7>\"\n";
    let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::scottish_stv()).unwrap();
    let html = render::html(&t, &render::TextOptions::default());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "no external style sheets or fonts");
    assert!(!html.contains("src="), "no external images");
    for url in ["http://", "https://"] {
        let uses: Vec<&str> = html.matches(url).collect();
        // Only the SVG namespace, which is a name, not a fetch.
        assert!(
            uses.len() <= 1
                && (uses.is_empty() || html.contains("xmlns=\"http://www.w3.org/2000/svg\"")),
            "{url}"
        );
    }
    assert!(
        html.contains("&lt;b&gt;Ann&lt;/b&gt; &amp; Co (Green)"),
        "escaped with the party"
    );
    assert!(!html.contains("<b>Ann</b>"));
    assert!(html.contains("<svg class=\"chart\""));
    assert!(html.contains(&format!("<dt>Quota</dt><dd>{}</dd>", t.contests[0].quota)));
    for name in &t.contests[0].elected {
        assert!(html.contains(&format!("<strong>{}</strong>", render::escape(name))));
    }
}

#[test]
fn sheets_of_twenty_thousand_candidates_take_linear_time() {
    // specs/limits.md: a sheet's cost follows what it shows. Every column
    // width was measured again for every row (128 s for the 65,535
    // candidates of the hostile file a); measured once, this takes well
    // under a second even unoptimised.
    let n = 20_000;
    let mut blt = format!("{n} 2\n1 1 0\n1 2 0\n0\n");
    for i in 1..=n {
        blt.push_str(&format!("\"C{i}\"\n"));
    }
    blt.push_str("\"many\"\n");
    let e = ballot::read(Format::Blt, blt.as_bytes(), &ReadOptions::default()).unwrap();
    let t = count::count(&e, &count::Rules::preset("wigm").unwrap()).unwrap();
    let start = std::time::Instant::now();
    let text = render::text(&t);
    let html = render::html(&t, &render::TextOptions::default());
    let wide = render::csv_wide(&t);
    assert!(text.lines().count() > n && html.contains("C20000") && wide.lines().count() > n);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
