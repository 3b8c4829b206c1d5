//! The HTML result sheet (`--format html`): one self-contained file (no
//! network, no fonts, no scripts), readable on a phone and printable. Per
//! contest: the provenance and figures of the count, the order of
//! election with reasons, the stage table of [`sheet::table`] (stage
//! headings, elected and excluded cells marked, the Total row), an inline
//! SVG chart of each candidate's votes by stage with the quota line, the
//! stages in words, and the lots.
//!
//! Every figure is the transcript's own; the chart's coordinates are
//! integers computed from the decimals, never through floating point.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use count::decimal::Decimal;
use count::transcript::{ContestCount, Transcript};

use crate::sheet::{self, stage_label};
use crate::text::{MAX_LOT_LINES, TextOptions, lot_text, more_lots_text, stage_text};

/// Text made safe inside HTML elements and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

pub(crate) const STYLE: &str = "
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1f24; margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .2rem 0 .6rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .4rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .4rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; }
table.sheet { border-collapse: collapse; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.sheet th, table.sheet td { padding: .25rem .5rem; border-bottom: 1px solid #eaeef2; }
table.sheet thead th { background: #f6f8fa; text-align: center; vertical-align: bottom; }
table.sheet th.name, table.sheet td.name { text-align: left; position: sticky; left: 0; background: #fff; }
table.sheet thead th.name { background: #f6f8fa; }
table.sheet td.num { text-align: right; }
table.sheet td.change { color: #57606a; }
table.sheet td.elected { background: #dafbe1; font-weight: 600; }
table.sheet td.excluded { background: #ffebe9; }
table.sheet tr.summary td { background: #f6f8fa; }
table.sheet tr.total td { font-weight: 600; border-top: 2px solid #8c959f; }
table.sheet td.result { text-align: left; white-space: normal; min-width: 16rem; }
ol.order li, ol.stages li { margin: .15rem 0; }
.lot { border-left: 4px solid #bf8700; padding: .3rem .6rem; background: #fff8c5; margin: .4rem 0; }
.lot.decides { border-color: #cf222e; background: #ffebe9; }
figure { margin: .8rem 0; }
svg.chart { width: 100%; max-width: 760px; height: auto; background: #fff; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1rem; font-size: .9rem; }
ul.legend span { display: inline-block; width: .9rem; height: .9rem; border-radius: 2px; vertical-align: -2px; margin-right: .3rem; }
footer { color: #57606a; font-size: .85rem; margin-top: 2rem; }
@media print { .scroll { overflow: visible; border: 0; } table.sheet { font-size: 9pt; } h2 { break-before: page; } h2:first-of-type { break-before: auto; } }
";

/// Line colours, distinct on screen and in print.
const PALETTE: [&str; 10] = [
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#0550ae", "#a40e26", "#116329",
    "#6e7781", "#953800",
];

/// The transcript as one self-contained HTML page.
pub fn html(t: &Transcript, opts: &TextOptions) -> String {
    let mut out = String::new();
    let title = if t.title.is_empty() {
        &t.election
    } else {
        &t.title
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — result sheet</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        escape(title)
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(title));
    out.push_str("<dl class=\"facts\">\n");
    if let Some(i) = &t.input {
        fact(
            &mut out,
            "Ballots",
            &format!("{} ({} bytes, {})", i.file, i.bytes, i.format),
        );
        let _ = writeln!(
            out,
            "<dt>SHA-256</dt><dd><code>{}</code></dd>",
            escape(&i.sha256)
        );
    }
    if let Some(by) = &opts.made_by {
        fact(&mut out, "Made by", by);
    }
    fact(&mut out, "Contests", &t.contests.len().to_string());
    out.push_str("</dl>\n");
    for (i, c) in t.contests.iter().enumerate() {
        contest(t, c, i, &mut out);
    }
    out.push_str(
        "<footer>Recounted from the ballots by recount; every figure is the count's own \
         transcript (recount-transcript/1).</footer>\n</main>\n</body>\n</html>\n",
    );
    out
}

fn fact(out: &mut String, term: &str, value: &str) {
    let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(term), escape(value));
}

pub(crate) fn contest(t: &Transcript, c: &ContestCount, index: usize, out: &mut String) {
    let heading = match &c.purpose {
        Some(p) => format!("{} — reserved-places count: {p}", c.title),
        None => c.title.clone(),
    };
    let _ = writeln!(out, "<h2 id=\"contest-{index}\">{}</h2>", escape(&heading));
    out.push_str("<dl class=\"facts\">\n");
    fact(out, "Rules", &c.rules.name);
    fact(out, "Seats", &c.seats.to_string());
    fact(out, "Valid papers", &c.valid_papers.to_string());
    fact(out, "Invalid papers", &c.invalid_papers.to_string());
    fact(out, "Valid votes", &c.valid_votes.to_string());
    fact(out, "Quota", &c.quota.to_string());
    if let Some(seed) = &c.rules.ties.seed {
        fact(out, "Seed of the lot", seed);
    }
    if !c.withdrawn.is_empty() {
        fact(out, "Withdrawn", &c.withdrawn.join(", "));
    }
    if !c.constraints.is_empty() {
        fact(out, "Constraints", &c.constraints.join("; "));
    }
    out.push_str("</dl>\n");

    let results = sheet::results(c);
    out.push_str("<h3>Elected, in order</h3>\n<ol class=\"order\">\n");
    for name in &c.elected {
        let why = results.get(name.as_str()).cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> — {}</li>",
            escape(name),
            escape(&why)
        );
    }
    out.push_str("</ol>\n");

    stage_table(c, out);
    chart(c, out);

    out.push_str("<h3>Stages</h3>\n<ol class=\"stages\">\n");
    for s in &c.stages {
        let mut line = format!("{}: {}", stage_label(s), stage_text(s));
        if !s.elected.is_empty() {
            let _ = write!(line, "; elected {}", s.elected.join(", "));
        }
        if !s.excluded.is_empty() {
            let _ = write!(line, "; excluded {}", s.excluded.join(", "));
        }
        let _ = writeln!(out, "<li>{}</li>", escape(&line));
    }
    out.push_str("</ol>\n");
    for s in &c.substitutions {
        let _ = writeln!(
            out,
            "<p>Substitution: {} in for {} ({})</p>",
            escape(&s.incoming),
            escape(&s.out),
            escape(&s.constraint)
        );
    }
    if let Some(lots) = sheet::contest_lots(t, c) {
        out.push_str("<h3>Lots</h3>\n");
        for d in lots.sensitivity.draws.iter().take(MAX_LOT_LINES) {
            let class = if d.changes_winners {
                "lot decides"
            } else {
                "lot"
            };
            let _ = writeln!(
                out,
                "<p class=\"{class}\">{}</p>",
                escape(&lot_text(lots, d))
            );
        }
        if let Some(more) = more_lots_text(lots) {
            let _ = writeln!(out, "<p class=\"lot\">{}</p>", escape(&more));
        }
    }
}

fn stage_table(c: &ContestCount, out: &mut String) {
    let table = sheet::table(c);
    out.push_str("<h3>Stage by stage</h3>\n<div class=\"scroll\">\n<table class=\"sheet\">\n<thead>\n<tr><th class=\"name\" rowspan=\"3\">Candidate</th>");
    for s in &table.stages {
        let span = if s.has_change { 2 } else { 1 };
        let _ = write!(out, "<th colspan=\"{span}\">{}</th>", escape(&s.label));
    }
    out.push_str("<th rowspan=\"3\">Result</th></tr>\n<tr>");
    for s in &table.stages {
        let span = if s.has_change { 2 } else { 1 };
        let _ = write!(out, "<th colspan=\"{span}\">{}</th>", escape(&s.heading));
    }
    out.push_str("</tr>\n<tr>");
    for s in &table.stages {
        if s.has_change {
            out.push_str("<th>+/−</th>");
        }
        out.push_str("<th>total</th>");
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    // (stage, row) of each election and exclusion, found once: a bulk
    // exclusion may name tens of thousands.
    let row_of: HashMap<&str, usize> = c
        .candidates
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut marks: HashMap<(usize, usize), &str> = HashMap::new();
    for (k, s) in c.stages.iter().enumerate() {
        for (names, mark) in [(&s.excluded, " excluded"), (&s.elected, " elected")] {
            for n in names {
                if let Some(&i) = row_of.get(n.as_str()) {
                    marks.insert((k, i), mark);
                }
            }
        }
    }
    for (i, label) in table.rows.iter().enumerate() {
        let candidate = i < table.candidate_rows;
        let class = match (candidate, label.as_str()) {
            (true, _) => "",
            (false, "Total") => " class=\"summary total\"",
            (false, _) => " class=\"summary\"",
        };
        let _ = write!(out, "<tr{class}><td class=\"name\">{}</td>", escape(label));
        for (k, s) in table.stages.iter().enumerate() {
            let mark = match marks.get(&(k, i)) {
                Some(m) if candidate => *m,
                _ => "",
            };
            let (change, total) = &s.cells[i];
            if s.has_change {
                let _ = write!(
                    out,
                    "<td class=\"num change{mark}\">{}</td>",
                    escape(change)
                );
            }
            let _ = write!(out, "<td class=\"num{mark}\">{}</td>", escape(total));
        }
        let _ = writeln!(
            out,
            "<td class=\"result\">{}</td></tr>",
            escape(&table.result[i])
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
}

/// `d` in units of `10^-places`, as an integer (for chart coordinates).
fn scaled(d: &Decimal, places: u32) -> i128 {
    d.widened(places).map(|w| w.mantissa()).unwrap_or_else(|| {
        d.shortened(places, count::decimal::RoundMode::Truncate)
            .mantissa()
    })
}

fn chart(c: &ContestCount, out: &mut String) {
    let n = c.stages.len();
    if n == 0 {
        return;
    }
    let places = c
        .stages
        .iter()
        .map(|s| s.quota.places())
        .max()
        .unwrap_or(0)
        .min(9);
    let mut max = c
        .stages
        .iter()
        .map(|s| scaled(&s.quota, places))
        .max()
        .unwrap_or(1);
    for s in &c.stages {
        for name in &c.candidates {
            if let Some(v) = s.totals.get(name) {
                max = max.max(scaled(&v, places));
            }
        }
    }
    let max = max.max(1);
    let (w, h, left, right, top, bottom) = (720i128, 300i128, 56i128, 16i128, 12i128, 28i128);
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let x = |k: usize| {
        if n == 1 {
            left + plot_w / 2
        } else {
            left + plot_w * k as i128 / (n as i128 - 1)
        }
    };
    let y = |v: i128| top + plot_h - (plot_h * v.max(0)) / max;
    let _ = writeln!(
        out,
        "<h3>Votes by stage</h3>\n<figure>\n<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"Each candidate's votes at each stage, with the quota\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8c959f\"/>",
        top + plot_h,
        w - right,
        top + plot_h
    );
    for (k, s) in c.stages.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">{}</text>",
            x(k),
            h - 8,
            escape(&stage_label(s))
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#57606a\">0</text>",
        top + plot_h
    );
    // The quota, a dashed line through its value at each stage.
    let quota: Vec<String> = c
        .stages
        .iter()
        .enumerate()
        .map(|(k, s)| format!("{},{}", x(k), y(scaled(&s.quota, places))))
        .collect();
    let _ = writeln!(
        out,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#1b1f24\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>Quota {}</title></polyline>",
        quota.join(" "),
        escape(&c.quota.to_string())
    );
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"{}\" font-size=\"11\" fill=\"#1b1f24\">quota</text>",
        y(scaled(&c.stages[0].quota, places)) + 4
    );
    let withdrawn: HashSet<&str> = c.withdrawn.iter().map(String::as_str).collect();
    let mut excluded_at: HashMap<&str, usize> = HashMap::new();
    for (k, s) in c.stages.iter().enumerate() {
        for n in &s.excluded {
            excluded_at.entry(n.as_str()).or_insert(k);
        }
    }
    for (i, name) in c.candidates.iter().enumerate() {
        if withdrawn.contains(name.as_str()) {
            continue;
        }
        let colour = PALETTE[i % PALETTE.len()];
        let mut points = Vec::new();
        for (k, s) in c.stages.iter().enumerate() {
            let Some(v) = s.totals.get(name) else { break };
            points.push(format!("{},{}", x(k), y(scaled(&v, places))));
            if excluded_at.get(name.as_str()) == Some(&k) {
                break;
            }
        }
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"><title>{}</title></polyline>",
            points.join(" "),
            escape(name)
        );
    }
    out.push_str("</svg>\n<figcaption><ul class=\"legend\">");
    for (i, name) in c.candidates.iter().enumerate() {
        if withdrawn.contains(name.as_str()) {
            continue;
        }
        let _ = write!(
            out,
            "<li><span style=\"background:{}\"></span>{}</li>",
            PALETTE[i % PALETTE.len()],
            escape(name)
        );
    }
    out.push_str("<li><span style=\"background:repeating-linear-gradient(90deg,#1b1f24 0 6px,#fff 6px 10px)\"></span>quota</li></ul></figcaption>\n</figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(
            escape("<b>\"O'Neil\" & co</b>"),
            "&lt;b&gt;&quot;O&#39;Neil&quot; &amp; co&lt;/b&gt;"
        );
    }
}
