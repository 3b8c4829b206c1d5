//! The transcript as CSV (RFC 4180 through the `csv` crate): one row per
//! stage × candidate, columns as `specs/report.md` lists them.

use std::collections::HashSet;

use count::transcript::{Action, ExclusionReason, Transcript};

/// The header row's columns.
pub const COLUMNS: [&str; 14] = [
    "contest",
    "count",
    "stage",
    "sub_stage",
    "action",
    "subject",
    "transfer_value",
    "candidate",
    "transfer",
    "total",
    "status",
    "quota",
    "non_transferable",
    "loss_by_fraction",
];

/// The transcript as CSV, one row per stage × candidate.
pub fn csv(t: &Transcript) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a record of fixed width cannot either.
    let mut row = |fields: &[&str]| {
        w.write_record(fields)
            .expect("a CSV record written to memory");
    };
    row(&COLUMNS);
    for (i, c) in t.contests.iter().enumerate() {
        // The reserved-places method's counts, told apart by their purpose.
        let count = c.purpose.as_deref().unwrap_or_default();
        for s in &c.stages {
            let (kind, subject, tv) = match &s.action {
                Action::FirstPreferences => ("first-preferences", String::new(), None),
                Action::Surplus {
                    candidate,
                    transfer_value,
                    ..
                } => ("surplus", candidate.clone(), *transfer_value),
                // Candidates without votes excluded together: their rows say
                // `excluded`; naming them all on every row would make the
                // sheet grow with the square of the candidates.
                Action::Exclusion {
                    reason: Some(ExclusionReason::NoVotes),
                    transfer_value,
                    ..
                } => ("exclusion", "no-votes".to_owned(), *transfer_value),
                Action::Exclusion {
                    candidates,
                    transfer_value,
                    ..
                } => ("exclusion", candidates.join("; "), *transfer_value),
                Action::ElectRemaining => ("elect-remaining", String::new(), None),
                Action::Round => ("round", String::new(), None),
            };
            let elected: HashSet<&str> = s.elected.iter().map(String::as_str).collect();
            let excluded: HashSet<&str> = s.excluded.iter().map(String::as_str).collect();
            let tv = tv.map(|d| d.to_string()).unwrap_or_default();
            let (quota, exhausted, loss) = (
                s.quota.to_string(),
                s.exhausted.to_string(),
                s.loss_by_fraction.to_string(),
            );
            let (number, sub_stage) = (
                s.number.to_string(),
                s.sub_stage.map(|k| k.to_string()).unwrap_or_default(),
            );
            for name in &c.candidates {
                let status = if elected.contains(name.as_str()) {
                    "elected"
                } else if excluded.contains(name.as_str()) {
                    "excluded"
                } else {
                    ""
                };
                let transfer = s.transfers.text(name).unwrap_or_default();
                let total = s.totals.text(name).unwrap_or_default();
                row(&[
                    &c.contest, count, &number, &sub_stage, kind, &subject, &tv, name, &transfer,
                    &total, status, &quota, &exhausted, &loss,
                ]);
            }
        }
        // Issue 9 bug 2: after a contest's reserved-places counts, its one
        // result: a `result` row for each candidate elected, in order.
        let last_of_contest = t.contests.get(i + 1).is_none_or(|n| n.contest != c.contest);
        if c.purpose.is_some() && last_of_contest {
            let elected = t
                .contests
                .iter()
                .filter(|k| k.contest == c.contest && k.purpose.is_some())
                .flat_map(|k| k.elected.iter());
            for name in elected {
                row(&[
                    &c.contest, "combined", "", "", "result", "", "", name, "", "", "elected", "",
                    "", "",
                ]);
            }
        }
        // Issue 9 bug 1: the substitution method's swaps, after the stages:
        // a row for the candidate who takes the seat (`elected`) and one
        // for the one who loses it (`replaced`), the constraint as subject.
        for swap in &c.substitutions {
            for (name, status) in [(&swap.incoming, "elected"), (&swap.out, "replaced")] {
                row(&[
                    &c.contest,
                    count,
                    "",
                    "",
                    "substitution",
                    &swap.constraint,
                    "",
                    name,
                    "",
                    "",
                    status,
                    "",
                    "",
                    "",
                ]);
            }
        }
    }
    // Issue 9 bug 9: a `lot` row per draw of the lot, after the contests:
    // the chosen as candidate, the seed, draw and tied as subject, and as
    // status whether another result changes the winners
    // (`changes-winners`, `same-winners`, or `same-winners-of-those-tried`).
    for lots in &t.lots {
        let seed = if lots.default_seed {
            format!("seed={} (default)", lots.seed)
        } else {
            format!("seed={}", lots.seed)
        };
        for d in &lots.sensitivity.draws {
            let subject = format!("{seed}; draw={}; between={}", d.draw, d.between.join("; "));
            let untried = d.options.saturating_sub(1) > d.others.len() as u64;
            let status = match (d.changes_winners, untried) {
                (true, _) => "changes-winners",
                (false, false) => "same-winners",
                (false, true) => "same-winners-of-those-tried",
            };
            let count = t
                .contests
                .iter()
                .filter(|c| c.contest == lots.contest)
                .nth(d.count)
                .and_then(|c| c.purpose.as_deref())
                .unwrap_or_default();
            let stage = d.stage.to_string();
            row(&[
                &lots.contest,
                count,
                &stage,
                "",
                "lot",
                &subject,
                "",
                &d.chosen,
                "",
                "",
                status,
                "",
                "",
                "",
            ]);
        }
    }
    let bytes = w.into_inner().expect("a CSV buffer in memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4180_quotes_a_field_only_when_it_needs_it() {
        let blt = b"2 1\n3 1 0\n1 2 0\n0\n\"Smith, J\"\n\"Plain\"\n\"t\"\n";
        let e = ballot::read(ballot::Format::Blt, blt, &ballot::ReadOptions::default()).unwrap();
        let t = count::count(&e, &count::Rules::preset("wigm").unwrap()).unwrap();
        let sheet = csv(&t);
        let mut lines = sheet.lines();
        assert_eq!(lines.next().unwrap(), COLUMNS.join(","));
        let rows: Vec<&str> = lines.collect();
        assert!(rows.iter().any(|r| r.contains(",\"Smith, J\",")), "{sheet}");
        assert!(rows.iter().any(|r| r.contains(",Plain,")), "{sheet}");
        // Every row has the header's width, read back by a CSV reader.
        let mut r = csv::Reader::from_reader(sheet.as_bytes());
        for rec in r.records() {
            assert_eq!(rec.unwrap().len(), COLUMNS.len());
        }
    }
}
