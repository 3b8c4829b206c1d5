//! The text result sheet (`specs/report.md`): per contest a header, then a
//! table with candidates as rows and stages as columns, as on an official
//! result sheet, and a line per stage saying what it did.

use std::fmt::Write as _;

use count::decimal::Decimal;
use count::transcript::{
    Action, ContestCount, ExclusionReason, Stage, TieMethod, TiePurpose, Transcript, Verdict,
};
/// The result sheet as plain text.
pub fn text(t: &Transcript) -> String {
    let mut out = String::new();
    for (i, c) in t.contests.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        contest_text(t, c, &mut out);
        // Issue 9 bug 2: the counts of the reserved-places method end with
        // the contest's one result.
        let last_of_contest = t.contests.get(i + 1).is_none_or(|n| n.contest != c.contest);
        if c.purpose.is_some() && last_of_contest {
            let counts: Vec<&ContestCount> = t
                .contests
                .iter()
                .filter(|k| k.contest == c.contest && k.purpose.is_some())
                .collect();
            let elected: Vec<&str> = counts
                .iter()
                .flat_map(|k| k.elected.iter().map(String::as_str))
                .collect();
            let _ = writeln!(
                out,
                "\nResult of {} ({} reserved-places counts): elected {}",
                c.contest,
                counts.len(),
                elected.join(", ")
            );
        }
    }
    out
}

fn stage_label(s: &Stage) -> String {
    match s.sub_stage {
        Some(k) => format!("{}.{}", s.number, k),
        None => s.number.to_string(),
    }
}

/// A short description of what a stage did.
/// What a stage did, in words: its action, and for the closing stage
/// whether it filled places or only excluded the rest (issue 9 bug 10: a
/// Meek count that filled every place used to say the remaining candidates
/// "fill the remaining places").
pub fn stage_text(s: &Stage) -> String {
    match (&s.action, s.elected.is_empty(), s.excluded.is_empty()) {
        (Action::ElectRemaining, true, false) => {
            "Every place is filled: the remaining candidates are excluded".into()
        }
        (Action::ElectRemaining, false, false) => {
            "Remaining candidates fill the remaining places; the others are excluded".into()
        }
        (action, _, _) => action_text(action),
    }
}

/// What an action did, in words.
pub fn action_text(a: &Action) -> String {
    match a {
        Action::FirstPreferences => "First preferences".into(),
        Action::Surplus {
            candidate,
            surplus,
            transfer_value,
        } => match transfer_value {
            Some(tv) => format!("Surplus of {candidate} ({surplus}) at {tv}"),
            None => format!("Surplus of {candidate} ({surplus})"),
        },
        Action::Exclusion {
            candidates,
            transfer_value,
            reason,
            passed_over_guarded,
        } => {
            let mut s = match transfer_value {
                Some(tv) => format!("Exclusion of {} (papers at {tv})", candidates.join(", ")),
                None => format!("Exclusion of {}", candidates.join(", ")),
            };
            match reason {
                Some(ExclusionReason::Doomed) => s.push_str(", doomed by the constraints"),
                Some(ExclusionReason::NoVotes) => s.push_str(", together: no votes"),
                None => {}
            }
            if !passed_over_guarded.is_empty() {
                let _ = write!(
                    s,
                    ", passing over guarded {}",
                    passed_over_guarded.join(", ")
                );
            }
            s
        }
        Action::ElectRemaining => "Remaining candidates fill the remaining places".into(),
        Action::Round => "Round".into(),
    }
}

fn contest_text(t: &Transcript, c: &ContestCount, out: &mut String) {
    let _ = writeln!(out, "{} — {}", t.title, c.title);
    // A reserved-places count is among its eligible candidates only: the
    // others are not "withdrawn", and papers for none of the eligible are
    // not "invalid".
    let reserved = c.purpose.is_some();
    let (places, invalid) = if reserved {
        ("Places", "Papers for no eligible candidate")
    } else {
        ("Seats", "Invalid papers")
    };
    let _ = writeln!(
        out,
        "Rules: {}   {places}: {}   Valid papers: {}   {invalid}: {}   Valid votes: {}   Quota: {}",
        c.rules.name, c.seats, c.valid_papers, c.invalid_papers, c.valid_votes, c.quota
    );
    if !c.withdrawn.is_empty() {
        let label = if reserved {
            "Not eligible for this reserved count"
        } else {
            "Withdrawn"
        };
        let _ = writeln!(out, "{label}: {}", c.withdrawn.join(", "));
    }
    if !c.constraints.is_empty() {
        let _ = writeln!(out, "Constraints: {}", c.constraints.join("; "));
    }
    if let Some(p) = &c.purpose {
        let _ = writeln!(out, "Reserved-places count: {p}");
    }
    out.push('\n');
    // Build the table as rows of cells, then pad columns.
    let mut header = vec!["Stage".to_string()];
    let mut sub = vec!["".to_string()];
    for (i, s) in c.stages.iter().enumerate() {
        if i > 0 {
            header.push(String::new());
            sub.push("+/-".into());
        }
        header.push(stage_label(s));
        sub.push("total".into());
    }
    header.push("Result".into());
    sub.push(String::new());
    let mut rows = vec![header, sub];
    // Each candidate's result, found in one pass over the stages (a sheet
    // may have tens of thousands of candidates and stages).
    let mut results: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for s in &c.stages {
        for n in &s.elected {
            results
                .entry(n.as_str())
                .or_insert_with(|| format!("elected at {}", stage_label(s)));
        }
        for n in &s.excluded {
            results
                .entry(n.as_str())
                .or_insert_with(|| format!("excluded at {}", stage_label(s)));
        }
    }
    for n in &c.withdrawn {
        results.entry(n.as_str()).or_insert_with(|| {
            if reserved {
                "not eligible for this reserved count".into()
            } else {
                "withdrawn".into()
            }
        });
    }
    // Issue 9 bug 1: the substitution method's swaps decide the winners;
    // the column shows the final result and who replaced whom.
    for swap in &c.substitutions {
        let was = results.remove(swap.out.as_str()).unwrap_or_default();
        results.insert(
            swap.out.as_str(),
            format!("{was}, replaced by {} ({})", swap.incoming, swap.constraint),
        );
        let was = results.remove(swap.incoming.as_str()).unwrap_or_default();
        let elected = format!("elected in place of {} ({})", swap.out, swap.constraint);
        results.insert(
            swap.incoming.as_str(),
            if was.is_empty() {
                elected
            } else {
                format!("{was}; {elected}")
            },
        );
    }
    let status = |name: &str| -> String { results.get(name).cloned().unwrap_or_default() };
    for name in &c.candidates {
        let mut row = vec![name.clone()];
        for (i, s) in c.stages.iter().enumerate() {
            if i > 0 {
                row.push(s.transfers.text(name).unwrap_or_default());
            }
            row.push(s.totals.text(name).unwrap_or_default());
        }
        row.push(status(name));
        rows.push(row);
    }
    let mut nt = vec!["Non-transferable".to_string()];
    let mut loss = vec!["Loss by fraction".to_string()];
    let mut quota = vec!["Quota".to_string()];
    let mut prev: Option<&Stage> = None;
    for s in &c.stages {
        if let Some(p) = prev {
            nt.push(diff(&p.exhausted, &s.exhausted));
            loss.push(diff(&p.loss_by_fraction, &s.loss_by_fraction));
            quota.push(String::new());
        }
        nt.push(s.exhausted.to_string());
        loss.push(s.loss_by_fraction.to_string());
        quota.push(s.quota.to_string());
        prev = Some(s);
    }
    nt.push(String::new());
    loss.push(String::new());
    quota.push(String::new());
    rows.push(nt);
    rows.push(loss);
    rows.push(quota);
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|j| {
            rows.iter()
                .map(|r| r.get(j).map(|x| x.chars().count()).unwrap_or(0))
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in &rows {
        let mut line = String::new();
        for (j, cell) in r.iter().enumerate() {
            let w = widths[j];
            let pad = w - cell.chars().count();
            if j == 0 || j + 1 == r.len() {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
            line.push_str("  ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
    for s in &c.stages {
        let _ = write!(out, "Stage {}: {}", stage_label(s), stage_text(s));
        if !s.elected.is_empty() {
            let _ = write!(out, "; elected {}", s.elected.join(", "));
        }
        if !s.excluded.is_empty() {
            let _ = write!(out, "; excluded {}", s.excluded.join(", "));
        }
        out.push('\n');
        if let Some(keep) = &s.keep_values {
            // Only the informative keep values: hopefuls keep everything (1)
            // and the defeated nothing (0).
            let shown: Vec<String> = keep
                .iter()
                .filter(|(_, v)| {
                    let v = v.to_string();
                    !is_zero(&v) && !is_one(&v)
                })
                .map(|(name, v)| format!("{name} {v}"))
                .collect();
            let _ = write!(out, "  iterations: {}", s.iterations.unwrap_or(0));
            if !shown.is_empty() {
                let _ = write!(out, "; keep values: {}", shown.join(", "));
            }
            out.push('\n');
        }
        for tie in &s.ties {
            let purpose = match tie.purpose {
                TiePurpose::SurplusOrder => "surplus order",
                TiePurpose::Exclusion => "exclusion",
                TiePurpose::Election => "election",
            };
            let how = match &tie.method {
                TieMethod::Backward { stage } => format!("backward, stage {stage}"),
                TieMethod::Forward { stage } => format!("forward, stage {stage}"),
                TieMethod::Order => "explicit order".into(),
                TieMethod::Lot { draw } => format!("lot, draw {draw}"),
            };
            let _ = write!(
                out,
                "  tie ({purpose}) between {}: {} ({how})",
                tie.between, tie.chosen
            );
            if !tie.then.is_empty() {
                // A run of choices from the same tied set (candidates
                // without votes excluded together): the later choices.
                let _ = write!(out, ", then {}", tie.then);
            }
            out.push('\n');
        }
        for d in &s.constraints {
            let verdict = match d.verdict {
                Verdict::Guarded => "guarded",
                Verdict::Doomed => "doomed",
            };
            let by = if d.by.is_empty() {
                "the places left".to_string()
            } else {
                d.by.join("; ")
            };
            let _ = writeln!(out, "  {verdict}: {} (by {by})", d.candidate);
        }
    }
    for s in &c.substitutions {
        let _ = writeln!(
            out,
            "Substitution: {} in for {} ({})",
            s.incoming, s.out, s.constraint
        );
    }
    let _ = writeln!(out, "Elected: {}", c.elected.join(", "));
}

fn is_zero(v: &str) -> bool {
    v.chars().all(|ch| ch == '0' || ch == '.')
}

fn is_one(v: &str) -> bool {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    int == "1" && frac.chars().all(|ch| ch == '0')
}

/// `b - a` for two decimal strings of the same places (exact, by integer digits).
fn diff(a: &Decimal, b: &Decimal) -> String {
    // Both are the transcript's decimals at its display places.
    b.checked_sub(a).map(|d| d.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_exact_on_decimal_strings() {
        let d = |a: &str, b: &str| diff(&Decimal::parse(a).unwrap(), &Decimal::parse(b).unwrap());
        assert_eq!(d("36.17922", "40.00000"), "3.82078");
        assert_eq!(d("1.00", "0.41"), "-0.59");
        assert_eq!(d("3", "5"), "2");
    }

    #[test]
    fn meek_sheets_show_iterations_and_the_keep_values_of_the_elected() {
        // RULES.md §11.4 (drmaciver 2016): Meek elects C0, C3 and C1.
        let blt = b"4 3\n1 4 1 2 3 0\n2 1 2 3 4 0\n3 4 1 3 2 0\n0\n\"C0\"\n\"C1\"\n\"C2\"\n\"C3\"\n\"maciver\"\n";
        let e = ballot::read(ballot::Format::Blt, blt, &ballot::ReadOptions::default()).unwrap();
        let t = count::count(&e, &count::Rules::preset("meek").unwrap()).unwrap();
        let sheet = text(&t);
        let c = &t.contests[0];
        let mut shown = 0;
        for s in &c.stages {
            let keep = s
                .keep_values
                .as_ref()
                .expect("Meek stages carry keep values");
            let line = format!("  iterations: {}", s.iterations.unwrap());
            assert!(sheet.contains(&line), "{line:?} in\n{sheet}");
            for (name, v) in keep.iter() {
                let entry = format!("{name} {v}");
                let v = v.to_string();
                let between = !is_zero(&v) && !is_one(&v);
                assert_eq!(sheet.contains(&entry), between, "{entry:?} in\n{sheet}");
                shown += usize::from(between);
            }
        }
        assert!(
            shown > 0,
            "an elected candidate with a surplus keeps less than all:\n{sheet}"
        );
        // Gregory sheets have no such lines.
        let g = count::count(&e, &count::Rules::preset("wigm").unwrap()).unwrap();
        assert!(!text(&g).contains("iterations:"));
    }
}
