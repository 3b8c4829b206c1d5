//! `recount-sheet/1`, the project's stage-table CSV
//! (`specs/official-results.md`): what `recount count --format sheet`
//! writes and `official::recount_sheet` reads, so that a sheet from any
//! program can be converted to it and two recounts diffed with each other.
//!
//! The stages written are the stages as a result sheet shows them: a stage
//! divided into sub-stages is its last sub-stage (the state at the end of
//! the stage), and the last places filled with no transfer (SSI 2007/42
//! r.52) are no stage of their own: those candidates are marked elected at
//! the last stage written.

use count::transcript::{Action, Stage, Transcript};

/// The header row.
pub const HEADER: [&str; 9] = [
    "contest",
    "stage",
    "kind",
    "candidate",
    "action",
    "subject",
    "transfer",
    "total",
    "status",
];

/// The transcript as a `recount-sheet/1` file.
pub fn recount_sheet(t: &Transcript) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut row = |fields: [&str; 9]| {
        w.write_record(fields)
            .expect("a CSV record written to memory");
    };
    row(HEADER);
    for c in &t.contests {
        let contest = match &c.purpose {
            Some(p) => format!("{}#{p}", c.contest),
            None => c.contest.clone(),
        };
        let seats = c.seats.to_string();
        let valid = c.valid_papers.to_string();
        let quota = c.quota.to_string();
        for (kind, value) in [("seats", &seats), ("valid-poll", &valid), ("quota", &quota)] {
            row([&contest, "", kind, "", "", "", "", value, ""]);
        }
        let stages = c.sheet_stages();
        let mut before: Option<&Stage> = None;
        for shown in &stages {
            let stage = shown.stage;
            let number = stage.number.to_string();
            let (action, subject) = match &stage.action {
                Action::FirstPreferences => ("first-preferences", String::new()),
                Action::Surplus { candidate, .. } => ("surplus", candidate.clone()),
                Action::Exclusion { candidates, .. } => ("exclusion", candidates.join("; ")),
                Action::ElectRemaining => ("elect-remaining", String::new()),
                Action::Round => ("round", String::new()),
            };
            for (name, total) in stage.totals.iter() {
                // The change over the whole stage (all its sub-stages).
                let transfer = before
                    .and_then(|b| b.totals.get(name))
                    .and_then(|b| total.checked_sub(&b))
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                let status = if shown.elected.iter().any(|e| e == name) {
                    "elected"
                } else if shown.excluded.iter().any(|e| e == name) {
                    "excluded"
                } else {
                    ""
                };
                row([
                    &contest,
                    &number,
                    "candidate",
                    name,
                    action,
                    &subject,
                    &transfer,
                    &total.to_string(),
                    status,
                ]);
            }
            let exhausted = stage.exhausted.to_string();
            let loss = stage.loss_by_fraction.to_string();
            for (kind, total) in [("non-transferable", &exhausted), ("loss", &loss)] {
                row([&contest, &number, kind, "", "", "", "", total, ""]);
            }
            before = Some(stage);
        }
    }
    String::from_utf8(w.into_inner().expect("a CSV written to memory"))
        .expect("CSV of UTF-8 fields is UTF-8")
}
