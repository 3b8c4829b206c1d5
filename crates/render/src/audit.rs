//! `recount audit`'s HTML report: one self-contained page (no network, no
//! fonts or scripts; readable with scripts off, on a phone, and printed).
//! At the top, the verdict, then the election's summary (papers, turnout,
//! nominations) and every verification check. Per contest, the result
//! sheet of [`crate::html`] (the order of election with reasons, the stage
//! table with transfers, exclusions and guards, the chart with the quota
//! line, the stages in words), its agreement with the declared result, and
//! the official sheet's differences marked in the sheet as published, with
//! their explanations.
//!
//! The page is made from plain values ([`AuditView`]) that the binary fills
//! from the bundle and the count, so this crate needs neither.

use std::fmt::Write as _;

use count::transcript::Transcript;
use official::OfficialSheet;
use official::diff::Diff;

use crate::html::{STYLE as SHEET_STYLE, contest, escape};

/// One verification check as the report shows it.
#[derive(Clone, Debug)]
pub struct CheckView {
    /// Its number.
    pub number: u8,
    /// Its name.
    pub name: String,
    /// `pass`, `FAIL`, `not run` or `n/a`.
    pub outcome: String,
    /// Its faults, or why it did not run.
    pub details: Vec<String>,
}

/// One candidate's nominations: (name, status, supporters, what was not
/// counted and why).
pub type NominationRow = (String, String, u32, String);

/// One contest's comparisons.
#[derive(Clone, Debug)]
pub struct ContestView<'a> {
    /// The contest id.
    pub id: String,
    /// The declared result (names, in order), when the bundle has one.
    pub declared: Option<Vec<String>>,
    /// What the comparison with the declared result found, in words.
    pub declared_finding: Option<String>,
    /// Whether the recount agrees with the declared result.
    pub declared_agrees: Option<bool>,
    /// The official sheet of the contest and its diff, with the file.
    pub official: Option<(&'a OfficialSheet, &'a Diff, String)>,
    /// The ties the count decided and what their other outcomes elect,
    /// when they were tried (`recount ties`).
    pub ties: Option<TiesView>,
}

/// One contest's ties, in words (the `cli` words them, as `recount ties`).
#[derive(Clone, Debug, Default)]
pub struct TiesView {
    /// A sentence: how many ties and whether any other outcome changes the
    /// winners ("No tie was decided." when none).
    pub summary: String,
    /// One line per tie: what was tied, how it was decided, what its other
    /// outcomes elect.
    pub lines: Vec<String>,
    /// True when some tie's other outcome changes the winners.
    pub changes_winners: bool,
}

/// Everything the report shows.
#[derive(Clone, Debug)]
pub struct AuditView<'a> {
    /// The election's title.
    pub title: String,
    /// The bundle, as named.
    pub bundle: String,
    /// Whether everything holds.
    pub passed: bool,
    /// What failed, first thing first (empty when it passed).
    pub failures: Vec<String>,
    /// The election's summary: (term, value).
    pub summary: Vec<(String, String)>,
    /// The checks.
    pub checks: Vec<CheckView>,
    /// Per contest, each candidate's supporting nominations.
    pub nominations: Vec<(String, Vec<NominationRow>)>,
    /// The recount, when the bundle verified.
    pub transcript: Option<&'a Transcript>,
    /// Per contest, in the transcript's order.
    pub contests: Vec<ContestView<'a>>,
    /// The tool and command line.
    pub made_by: Option<String>,
}

const STYLE: &str = "
.verdict { padding: .7rem .9rem; border-radius: 6px; font-weight: 600; font-size: 1.05rem; }
.verdict.pass { background: #dafbe1; border: 1px solid #1a7f37; }
.verdict.fail { background: #ffebe9; border: 1px solid #cf222e; }
.verdict ul { margin: .3rem 0 0; font-weight: 400; }
table.checks { border-collapse: collapse; width: 100%; }
table.checks td, table.checks th { padding: .3rem .5rem; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
td.pass { color: #1a7f37; font-weight: 600; } td.FAIL { color: #cf222e; font-weight: 700; }
td.na, td.notrun { color: #57606a; }
table.published { border-collapse: collapse; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.published th, table.published td { padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; }
table.published thead th { background: #f6f8fa; }
table.published td.num { text-align: right; }
table.published th.name { text-align: left; position: sticky; left: 0; background: #fff; }
td.diff { background: #ffd8d3; outline: 2px solid #cf222e; font-weight: 700; }
td.minor { background: #fff8c5; }
small.ours { display: block; color: #57606a; font-weight: 400; }
tr.action td { color: #57606a; font-size: .9em; white-space: normal; }
.agree { color: #1a7f37; font-weight: 600; } .differ { color: #cf222e; font-weight: 700; }
details { margin: .3rem 0; } summary { cursor: pointer; font-weight: 600; }
nav.toc a { margin-right: .8rem; }
";

/// The audit report.
pub fn audit_html(v: &AuditView<'_>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Audit: {}</title>\n<style>{SHEET_STYLE}{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(&v.title)
    );
    let _ = writeln!(out, "<h1>Audit: {}</h1>", escape(&v.title));
    if v.passed {
        out.push_str(
            "<div class=\"verdict pass\" id=\"verdict\">Everything holds: the bundle verifies, and the recount agrees with the declared result.</div>\n",
        );
    } else {
        out.push_str("<div class=\"verdict fail\" id=\"verdict\">The audit failed:<ul>\n");
        for f in &v.failures {
            let _ = writeln!(out, "<li>{}</li>", escape(f));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("<dl class=\"facts\">\n");
    let _ = writeln!(out, "<dt>Bundle</dt><dd>{}</dd>", escape(&v.bundle));
    for (k, val) in &v.summary {
        let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(val));
    }
    if let Some(m) = &v.made_by {
        let _ = writeln!(out, "<dt>Made by</dt><dd>{}</dd>", escape(m));
    }
    out.push_str("</dl>\n");
    if !v.contests.is_empty() {
        out.push_str("<nav class=\"toc\">Contests: ");
        for (i, c) in v.contests.iter().enumerate() {
            let _ = write!(out, "<a href=\"#contest-{i}\">{}</a>", escape(&c.id));
        }
        out.push_str("</nav>\n");
    }

    out.push_str("<h2>Verification</h2>\n<div class=\"scroll\"><table class=\"checks\"><thead><tr><th>Check</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>\n");
    for c in &v.checks {
        let class = match c.outcome.as_str() {
            "pass" => "pass",
            "FAIL" => "FAIL",
            "n/a" => "na",
            _ => "notrun",
        };
        let details: Vec<String> = c.details.iter().map(|d| escape(d)).collect();
        let _ = writeln!(
            out,
            "<tr><td>{}. {}</td><td class=\"{class}\">{}</td><td>{}</td></tr>",
            c.number,
            escape(&c.name),
            escape(&c.outcome),
            details.join("<br>")
        );
    }
    out.push_str("</tbody></table></div>\n");

    if !v.nominations.is_empty() {
        out.push_str("<h2>Nominations</h2>\n");
        for (contest, rows) in &v.nominations {
            let _ = writeln!(
                out,
                "<details><summary>{} ({} candidates)</summary><div class=\"scroll\"><table class=\"checks\"><thead><tr><th>Candidate</th><th>Status</th><th>Supporters</th><th>Not counted</th></tr></thead><tbody>",
                escape(contest),
                rows.len()
            );
            for (name, status, n, not) in rows {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{n}</td><td>{}</td></tr>",
                    escape(name),
                    escape(status),
                    escape(not)
                );
            }
            out.push_str("</tbody></table></div></details>\n");
        }
    }

    if let Some(t) = v.transcript {
        for (i, (c, view)) in t.contests.iter().zip(&v.contests).enumerate() {
            contest(t, c, i, &mut out);
            if let (Some(declared), Some(agrees)) = (&view.declared, view.declared_agrees) {
                let class = if agrees { "agree" } else { "differ" };
                let _ = writeln!(
                    out,
                    "<h3>Declared result</h3>\n<p class=\"{class}\">{}</p>\n<p>Declared: {}</p>",
                    escape(view.declared_finding.as_deref().unwrap_or_default()),
                    escape(&declared.join(", "))
                );
            }
            if let Some(ties) = &view.ties {
                let class = if ties.changes_winners {
                    "differ"
                } else {
                    "agree"
                };
                let _ = writeln!(
                    out,
                    "<h3>Ties</h3>\n<p class=\"{class}\">{}</p>",
                    escape(&ties.summary)
                );
                if !ties.lines.is_empty() {
                    out.push_str("<ul>\n");
                    for line in &ties.lines {
                        let _ = writeln!(out, "<li>{}</li>", escape(line));
                    }
                    out.push_str("</ul>\n");
                }
            }
            if let Some((sheet, diff, file)) = &view.official {
                let class = if diff.agrees() { "agree" } else { "differ" };
                let _ = writeln!(
                    out,
                    "<h3>Official sheet {}</h3>\n<p class=\"{class}\">{}</p>",
                    escape(file),
                    if diff.agrees() {
                        "The sheet agrees with the recount.".to_owned()
                    } else {
                        let real = diff.differences.iter().filter(|d| !d.rounding_only).count();
                        format!(
                            "The sheet differs from the recount: {real} difference{}.",
                            if real == 1 { "" } else { "s" }
                        )
                    }
                );
                if !diff.explanations.is_empty() {
                    out.push_str("<ol>\n");
                    for e in &diff.explanations {
                        let _ = writeln!(out, "<li>{}</li>", escape(&e.text));
                    }
                    out.push_str("</ol>\n");
                }
                crate::diff::published_table(sheet, diff, &mut out);
            }
        }
    }
    out.push_str(
        "<footer>Verified and recounted from the signed bundle by recount; every figure is the \
         recount's own transcript (recount-transcript/1).</footer>\n</main>\n</body>\n</html>\n",
    );
    out
}
