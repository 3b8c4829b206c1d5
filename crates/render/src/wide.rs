//! The wide CSV (`--format csv-wide`): candidates × stages, as RCTab and
//! councils publish results, from the same [`Table`](crate::sheet::Table)
//! as the text sheet (cells of excluded candidates blank after their
//! exclusion, then the non-transferable, loss, Total and quota rows).
//!
//! One header for the whole file, so contests of fewer stages leave their
//! later columns blank: `contest,row,party,result,stage_1_total,
//! stage_2_transfer,stage_2_total,…`; each contest's first row, `row` =
//! `(action)`, holds what each stage did.

use count::transcript::Transcript;

use crate::sheet;

/// The transcript as a wide CSV.
pub fn csv_wide(t: &Transcript) -> String {
    let stages = t.contests.iter().map(|c| c.stages.len()).max().unwrap_or(0);
    let mut header = vec![
        "contest".to_string(),
        "row".into(),
        "party".into(),
        "result".into(),
    ];
    for k in 1..=stages {
        if k > 1 {
            header.push(format!("stage_{k}_transfer"));
        }
        header.push(format!("stage_{k}_total"));
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let width = header.len();
    let mut row = |mut fields: Vec<String>| {
        fields.resize(width, String::new());
        w.write_record(&fields)
            .expect("a CSV record written to memory");
    };
    row(header);
    for c in &t.contests {
        let table = sheet::table(c);
        let contest = match &c.purpose {
            Some(p) => format!("{} ({p})", c.contest),
            None => c.contest.clone(),
        };
        let mut action = vec![
            contest.clone(),
            "(action)".into(),
            String::new(),
            String::new(),
        ];
        for (k, s) in table.stages.iter().enumerate() {
            if k > 0 {
                action.push(String::new());
            }
            action.push(s.heading.clone());
        }
        row(action);
        for (i, label) in table.rows.iter().enumerate() {
            let candidate = i < table.candidate_rows;
            let (name, party) = if candidate {
                let party = c.affiliations.get(i).cloned().unwrap_or_default();
                (c.candidates[i].clone(), party)
            } else {
                (label.clone(), String::new())
            };
            let mut fields = vec![contest.clone(), name, party, table.result[i].clone()];
            for (k, s) in table.stages.iter().enumerate() {
                let (change, total) = &s.cells[i];
                if k > 0 {
                    fields.push(change.clone());
                }
                fields.push(total.clone());
            }
            row(fields);
        }
    }
    let bytes = w.into_inner().expect("a CSV buffer in memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}
