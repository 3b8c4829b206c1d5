//! `recount diff`'s outputs for people: the text report for a terminal and
//! a self-contained HTML page (no network, no scripts) that lays the sheet
//! out as published, with each differing cell marked and the explanations
//! beside the table. The JSON is `official::diff::Diff` itself.

use std::collections::HashMap;
use std::fmt::Write as _;

use official::diff::{Diff, Difference, Field};
use official::{OfficialSheet, StageAction};

use crate::html::escape;

/// What a diff report shows besides the diff.
#[derive(Clone, Copy, Debug)]
pub struct DiffReport<'a> {
    /// The sheet as read.
    pub sheet: &'a OfficialSheet,
    /// The diff.
    pub diff: &'a Diff,
    /// The sheet's file, as named.
    pub sheet_file: &'a str,
    /// The ballots' file or bundle, as named.
    pub ballots_file: &'a str,
    /// The rules counted (a preset name or a file).
    pub rules: &'a str,
    /// The tool and command line, for the header.
    pub made_by: Option<&'a str>,
}

fn place(d: &Difference) -> String {
    let what = match d.field {
        Field::Seats => "seats".to_owned(),
        Field::ValidPoll => "valid poll".to_owned(),
        Field::Quota => "quota".to_owned(),
        Field::Stages => "number of stages".to_owned(),
        Field::Action => "action".to_owned(),
        Field::Total => "total".to_owned(),
        Field::Transfer => "transfer".to_owned(),
        Field::NonTransferable => "non-transferable".to_owned(),
        Field::Loss => "loss".to_owned(),
        Field::Elected => "elected".to_owned(),
    };
    let mut s = String::new();
    if let Some(stage) = d.stage {
        let _ = write!(s, "stage {stage}, ");
    }
    if let Some(c) = &d.candidate {
        let _ = write!(s, "{c}, ");
    }
    s.push_str(&what);
    s
}

/// The text report.
pub fn diff_text(r: &DiffReport<'_>) -> String {
    let d = r.diff;
    let mut s = String::new();
    let contest = r
        .sheet
        .name
        .as_deref()
        .or(r.sheet.code.as_deref())
        .unwrap_or("(unnamed)");
    let _ = writeln!(
        s,
        "Sheet:   {} ({}, contest {contest})",
        r.sheet_file, r.sheet.format
    );
    let _ = writeln!(s, "Ballots: {} counted under {}", r.ballots_file, r.rules);
    if let Some(m) = r.made_by {
        let _ = writeln!(s, "Made by: {m}");
    }
    let _ = writeln!(s, "Compared: {} stages, {} figures", d.stages, d.cells);
    let real = d.differences.iter().filter(|x| !x.rounding_only).count();
    let _ = writeln!(s);
    if d.differences.is_empty() {
        let _ = writeln!(s, "Differences: none");
    } else {
        let _ = writeln!(
            s,
            "Differences: {real} real, {} of rounding only (the first marked >)",
            d.differences.len() - real
        );
        for (i, x) in d.differences.iter().enumerate() {
            let mark = if Some(i) == d.first { ">" } else { " " };
            let at =
                x.at.map(|p| format!("  ({}:{}:{})", r.sheet_file, p.line, p.column))
                    .unwrap_or_default();
            let minor = if x.rounding_only {
                " [rounding only]"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "{mark} {}: sheet {}, ballots {}{minor}{at}",
                place(x),
                x.official,
                x.ours
            );
        }
    }
    if !d.explanations.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Explanations:");
        for e in &d.explanations {
            let _ = writeln!(s, "- {}", e.text);
        }
    }
    let _ = writeln!(s);
    let mut a = d.official_elected.clone();
    let mut b = d.ours_elected.clone();
    a.sort();
    b.sort();
    if d.official_elected == d.ours_elected {
        let _ = writeln!(s, "Elected (both): {}", d.ours_elected.join(", "));
    } else if a == b {
        let _ = writeln!(
            s,
            "Elected (both, in the ballots' order of election): {}",
            d.ours_elected.join(", ")
        );
    } else {
        let _ = writeln!(
            s,
            "Elected by the sheet:   {}",
            d.official_elected.join(", ")
        );
        let _ = writeln!(s, "Elected by the ballots: {}", d.ours_elected.join(", "));
    }
    if !d.loose_pairs.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Names paired by a rule other than the same spelling:");
        for p in &d.loose_pairs {
            let _ = writeln!(s, "  {:?} = {:?} ({})", p.official, p.ours, p.rule);
        }
    }
    if !d.warnings.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(s, "Warnings:");
        for (at, w) in &d.warnings {
            match at {
                Some(p) => {
                    let _ = writeln!(s, "  {}:{}:{}: {w}", r.sheet_file, p.line, p.column);
                }
                None => {
                    let _ = writeln!(s, "  {w}");
                }
            }
        }
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "Verdict: {}",
        if d.agrees() {
            "the sheet agrees with the ballots".to_owned()
        } else {
            format!(
                "the sheet differs from the ballots ({real} difference{})",
                if real == 1 { "" } else { "s" }
            )
        }
    );
    s
}

const STYLE: &str = "
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1f24; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.45rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; border-bottom: 2px solid #d0d7de; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
.verdict { padding: .6rem .8rem; border-radius: 6px; font-weight: 600; }
.agree { background: #dafbe1; } .differ { background: #ffebe9; }
.scroll { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; white-space: nowrap; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; }
thead th { background: #f6f8fa; }
td.num { text-align: right; }
th.name { text-align: left; position: sticky; left: 0; background: #fff; }
td.diff { background: #ffd8d3; outline: 2px solid #cf222e; font-weight: 700; }
td.minor { background: #fff8c5; }
td.first { outline-width: 3px; }
small.ours { display: block; color: #57606a; font-weight: 400; }
tr.action td { color: #57606a; font-size: .9em; white-space: normal; }
ol li { margin: .25rem 0; }
@media print { .scroll { overflow: visible; } }
";

/// The HTML report.
pub fn diff_html(r: &DiffReport<'_>) -> String {
    let d = r.diff;
    let sheet = r.sheet;
    let mut s = String::new();
    let contest = sheet
        .name
        .as_deref()
        .or(sheet.code.as_deref())
        .unwrap_or("(unnamed)");
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Diff: {}</title><style>{STYLE}</style></head><body><main>\n",
        escape(contest)
    );
    let _ = writeln!(
        s,
        "<h1>Official sheet against the ballots: {}</h1>",
        escape(contest)
    );
    let real = d.differences.iter().filter(|x| !x.rounding_only).count();
    let (class, verdict) = if d.agrees() {
        ("agree", "The sheet agrees with the ballots.".to_owned())
    } else {
        (
            "differ",
            format!(
                "The sheet differs from the ballots: {real} difference{}.",
                if real == 1 { "" } else { "s" }
            ),
        )
    };
    let _ = writeln!(s, "<p class=\"verdict {class}\">{}</p>", escape(&verdict));
    let _ = writeln!(s, "<dl>");
    for (k, v) in [
        ("Sheet", format!("{} ({})", r.sheet_file, sheet.format)),
        ("Ballots", r.ballots_file.to_owned()),
        ("Rules", r.rules.to_owned()),
        (
            "Compared",
            format!("{} stages, {} figures", d.stages, d.cells),
        ),
    ] {
        let _ = writeln!(s, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(&v));
    }
    if let Some(m) = r.made_by {
        let _ = writeln!(s, "<dt>Made by</dt><dd>{}</dd>", escape(m));
    }
    let _ = writeln!(s, "</dl>");
    if !d.explanations.is_empty() {
        let _ = writeln!(s, "<h2>What the differences mean</h2><ol>");
        for e in &d.explanations {
            let _ = writeln!(s, "<li>{}</li>", escape(&e.text));
        }
        let _ = writeln!(s, "</ol>");
    }
    let _ = writeln!(s, "<h2>The sheet as published</h2>");
    published_table(sheet, d, &mut s);
    if !d.differences.is_empty() {
        let _ = writeln!(s, "<h2>Every difference</h2><ol>");
        for (i, x) in d.differences.iter().enumerate() {
            let at =
                x.at.map(|p| format!(" (line {}, column {})", p.line, p.column))
                    .unwrap_or_default();
            let first = if Some(i) == d.first {
                " — the first"
            } else {
                ""
            };
            let minor = if x.rounding_only {
                " — rounding only"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<li>{}: sheet {}, ballots {}{}{}{}</li>",
                escape(&place(x)),
                escape(&x.official),
                escape(&x.ours),
                escape(&at),
                first,
                minor
            );
        }
        let _ = writeln!(s, "</ol>");
    }
    let _ = writeln!(s, "<h2>Elected</h2><dl>");
    let _ = writeln!(
        s,
        "<dt>By the sheet</dt><dd>{}</dd><dt>By the ballots</dt><dd>{}</dd></dl>",
        escape(&d.official_elected.join(", ")),
        escape(&d.ours_elected.join(", "))
    );
    if !d.warnings.is_empty() {
        let _ = writeln!(s, "<h2>Warnings</h2><ul>");
        for (at, w) in &d.warnings {
            let at = at
                .map(|p| format!("line {}, column {}: ", p.line, p.column))
                .unwrap_or_default();
            let _ = writeln!(s, "<li>{}{}</li>", escape(&at), escape(w));
        }
        let _ = writeln!(s, "</ul>");
    }
    s.push_str("</main></body></html>\n");
    s
}

/// The sheet as published (candidates × stages, with an action row), each
/// cell that differs from the recount marked with the recount's figure.
pub(crate) fn published_table(sheet: &OfficialSheet, d: &Diff, s: &mut String) {
    // The sheet as published, differing cells marked.
    let mut marks: HashMap<(u32, String), (usize, &Difference)> = HashMap::new();
    for (i, x) in d.differences.iter().enumerate() {
        if let (Field::Total, Some(stage), Some(c)) = (x.field, x.stage, &x.candidate) {
            marks.insert((stage, c.clone()), (i, x));
        }
    }
    // Sheet names → the ballots' names, as the diff paired them.
    let ours_name = |o: usize| -> String {
        let name = &sheet.candidates[o].name;
        d.loose_pairs
            .iter()
            .find(|p| &p.official == name)
            .map_or_else(|| name.clone(), |p| p.ours.clone())
    };
    let _ = writeln!(
        s,
        "<h2>The sheet as published</h2><div class=\"scroll\"><table><thead><tr><th class=\"name\">Candidate</th>"
    );
    for st in &sheet.stages {
        let _ = write!(s, "<th>Stage {}</th>", st.number);
    }
    let _ = writeln!(s, "</tr></thead><tbody>");
    let _ = write!(s, "<tr class=\"action\"><th class=\"name\">Action</th>");
    for i in 0..sheet.stages.len() {
        let words = match sheet.inferred_action(i) {
            Some(StageAction::FirstPreferences) => "first preferences".to_owned(),
            Some(StageAction::Surplus(c)) => format!("surplus of {}", sheet.candidates[c].name),
            Some(StageAction::Exclusion(list)) => format!(
                "exclusion of {}",
                list.iter()
                    .map(|&c| sheet.candidates[c].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => String::new(),
        };
        let action_diff = d
            .differences
            .iter()
            .find(|x| x.field == Field::Action && x.stage == Some(sheet.stages[i].number));
        match action_diff {
            Some(x) => {
                let _ = write!(
                    s,
                    "<td class=\"diff\">{}<small class=\"ours\">ballots: {}</small></td>",
                    escape(&words),
                    escape(&x.ours)
                );
            }
            None => {
                let _ = write!(s, "<td>{}</td>", escape(&words));
            }
        }
    }
    let _ = writeln!(s, "</tr>");
    for (o, c) in sheet.candidates.iter().enumerate() {
        let _ = write!(s, "<tr><th class=\"name\">{}</th>", escape(&c.name));
        let ours = ours_name(o);
        for st in &sheet.stages {
            let text = st
                .totals
                .get(o)
                .copied()
                .flatten()
                .map(|cell| cell.text())
                .unwrap_or_default();
            match marks.get(&(st.number, ours.clone())) {
                Some((i, x)) => {
                    let class = if x.rounding_only { "minor" } else { "diff" };
                    let first = if Some(*i) == d.first { " first" } else { "" };
                    let _ = write!(
                        s,
                        "<td class=\"num {class}{first}\" title=\"ballots: {}\">{}<small class=\"ours\">ballots: {}</small></td>",
                        escape(&x.ours),
                        escape(&text),
                        escape(&x.ours)
                    );
                }
                None => {
                    let _ = write!(s, "<td class=\"num\">{}</td>", escape(&text));
                }
            }
        }
        let _ = writeln!(s, "</tr>");
    }
    let _ = writeln!(s, "</tbody></table></div>");
}
