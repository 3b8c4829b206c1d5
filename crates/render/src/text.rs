//! The text result sheet (`specs/report.md`): per contest a header, then a
//! table with candidates as rows and stages as columns, as on an official
//! result sheet, and a line per stage saying what it did.

use std::fmt::Write as _;

use count::transcript::{
    Action, ContestCount, ExclusionReason, LotDraw, Lots, Stage, TieMethod, TiePurpose, Transcript,
};
/// How a text sheet is laid out, and what the program that wrote it says
/// of itself.
#[derive(Clone, Debug)]
pub struct TextOptions {
    /// Columns the stage table may take: wider tables are split into
    /// blocks of stages.
    pub width: usize,
    /// The program and command line that made the sheet (`recount 0.1.0:
    /// recount count …`), for its header; not part of the transcript.
    pub made_by: Option<String>,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            width: 100,
            made_by: None,
        }
    }
}

/// The result sheet as plain text, 100 columns wide.
pub fn text(t: &Transcript) -> String {
    text_with(t, &TextOptions::default())
}

/// The result sheet as plain text, laid out as `opts` says.
pub fn text_with(t: &Transcript, opts: &TextOptions) -> String {
    let mut out = String::new();
    for (i, c) in t.contests.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        contest_text(t, c, opts, &mut out);
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

use crate::sheet::stage_label;

/// The header lines saying what the count was made from: the ballot file
/// (name, size, format, SHA-256), the import policy with the papers each
/// choice changed, the seed of any lot, and the program that wrote it.
fn provenance(t: &Transcript, c: &ContestCount, opts: &TextOptions, out: &mut String) {
    if let Some(i) = &t.input {
        let _ = writeln!(
            out,
            "Ballots: {} ({} bytes, {}, SHA-256 {})",
            i.file, i.bytes, i.format, i.sha256
        );
    }
    if let Some(import) = &c.import {
        use ballot::Choice;
        let (p, n) = (&import.policy, &import.changed);
        let max_skipped = p.max_skipped_ranks.map(|m| m.to_string());
        let max_ranks = p.max_ranks.map(|m| m.to_string());
        let parts: Vec<String> = [
            ("equal-rankings", p.equal_rankings.name(), n.equal_rankings),
            ("skipped-ranks", p.skipped_ranks.name(), n.skipped_ranks),
            (
                "repeated-candidates",
                p.repeated_candidates.name(),
                n.repeated_candidates,
            ),
            ("overvotes", p.overvotes.name(), n.overvotes),
        ]
        .into_iter()
        // The gap limit changes no count of its own: its papers are among
        // the skipped ranks'.
        .chain(max_skipped.as_deref().map(|m| ("max-skipped-ranks", m, 0)))
        .chain(max_ranks.as_deref().map(|m| ("max-ranks", m, 0)))
        .map(|(k, v, papers)| match papers {
            0 => format!("{k}={v}"),
            1 => format!("{k}={v}: 1 paper"),
            _ => format!("{k}={v}: {papers} papers"),
        })
        .collect();
        let _ = writeln!(out, "Import: {}", parts.join(", "));
    }
    if let Some(seed) = &c.rules.ties.seed {
        let default = t
            .lots
            .iter()
            .any(|l| l.contest == c.contest && l.default_seed);
        let note = if default {
            " (the default: no seed given)"
        } else {
            ""
        };
        let _ = writeln!(out, "Seed: {seed}{note}");
    }
    if let Some(by) = &opts.made_by {
        let _ = writeln!(out, "Made by: {by}");
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

fn contest_text(t: &Transcript, c: &ContestCount, opts: &TextOptions, out: &mut String) {
    // One title when the contest's is the election's (a one-ward file).
    if t.title == c.title || t.title.is_empty() {
        let _ = writeln!(out, "{}", c.title);
    } else {
        let _ = writeln!(out, "{} — {}", t.title, c.title);
    }
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
    let passes = c.rules.passes == count::rules::Passes::OnePerSeat;
    if !c.withdrawn.is_empty() {
        let label = if passes {
            "Withdrawn (winners of earlier passes, and any withdrawn before)"
        } else if reserved {
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
        let kind = if passes {
            "Pass (one a seat)"
        } else {
            "Reserved-places count"
        };
        let _ = writeln!(out, "{kind}: {p}");
    }
    provenance(t, c, opts, out);
    out.push('\n');
    for line in crate::sheet::table(c).lines(opts.width) {
        let _ = writeln!(out, "{line}");
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
            let (verdict, by) = crate::sheet::verdict(d);
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
    // Issue 9 bug 9: every lot drawn, and whether another draw would have
    // changed the winners (after the contest's last count).
    if let Some(lots) = crate::sheet::contest_lots(t, c) {
        for draw in lots.sensitivity.draws.iter().take(MAX_LOT_LINES) {
            let _ = writeln!(out, "Lot: {}", lot_text(lots, draw));
        }
        if let Some(more) = more_lots_text(lots) {
            let _ = writeln!(out, "Lot: {more}");
        }
    }
}

/// Tied candidates named in a lot's line; a larger tie is given by its size.
const MAX_NAMES: usize = 12;

/// Lot lines shown per contest on the text and HTML sheets (and as
/// warnings); the rest are counted in one line, and every draw is in the
/// JSON transcript and the CSV.
pub const MAX_LOT_LINES: usize = 20;

/// The line closing a contest's lot lines when there were more than
/// [`MAX_LOT_LINES`] draws.
pub fn more_lots_text(lots: &Lots) -> Option<String> {
    let draws = &lots.sensitivity.draws;
    let more = draws.len().checked_sub(MAX_LOT_LINES).filter(|&m| m > 0)?;
    let changing = draws[MAX_LOT_LINES..]
        .iter()
        .filter(|d| d.changes_winners)
        .count();
    Some(format!(
        "… and {more} more draws, {changing} of them changing the winners (every draw is in the JSON transcript and the CSV)"
    ))
}

/// One draw of the lot in words: what it chose, from which seed, and
/// whether another result would have changed the winners.
pub fn lot_text(lots: &Lots, draw: &LotDraw) -> String {
    let seed = if lots.default_seed {
        format!("seed {} (the default: no seed given)", lots.seed)
    } else {
        format!("seed {}", lots.seed)
    };
    let purpose = match draw.purpose {
        TiePurpose::SurplusOrder => "surplus order",
        TiePurpose::Exclusion => "exclusion",
        TiePurpose::Election => "election",
    };
    let among = match draw.between.len() {
        0 => "; a later choice from the same tie".to_string(),
        n if n > MAX_NAMES => format!(" among {n} candidates"),
        _ => format!(" among {}", draw.between.join(", ")),
    };
    let mut line = format!(
        "stage {}, draw {} of {seed}: {} chosen for {purpose}{among}",
        draw.stage, draw.draw, draw.chosen,
    );
    let changes: Vec<String> = draw
        .others
        .iter()
        .filter(|o| lots.sensitivity.changes(o))
        .map(|o| format!("{} chosen elects {}", o.chosen, o.elected.join(", ")))
        .collect();
    let untried = draw.options.saturating_sub(1) - draw.others.len() as u64;
    if draw.others.is_empty() && untried > 0 {
        let _ = write!(
            line,
            "; its {untried} other results were not tried (raise --lot-recounts)"
        );
        return line;
    }
    if !changes.is_empty() {
        let _ = write!(
            line,
            "; another draw changes the winners ({})",
            changes.join("; ")
        );
    } else if untried == 0 {
        line.push_str("; no other draw changes the winners");
    } else {
        line.push_str("; no other draw tried changes the winners");
    }
    if untried > 0 {
        let _ = write!(
            line,
            " ({untried} of {} other results not tried)",
            draw.options - 1
        );
    }
    line
}

fn is_zero(v: &str) -> bool {
    v.chars().all(|ch| ch == '0' || ch == '.')
}

fn is_one(v: &str) -> bool {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    int == "1" && frac.chars().all(|ch| ch == '0')
}

#[cfg(test)]
mod tests {
    use super::*;

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
