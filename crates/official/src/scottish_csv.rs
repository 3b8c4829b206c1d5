//! Reader of the Scottish 2022 council results CSV: one row per candidate,
//! several wards per file.
//!
//! ```text
//! header = "id,name,party_name,council_id,council_name,election,cand_ward_id,"
//!          "map_ward_id,ward_name,contested,elected,status,occurred_on_count,"
//!          "first_prefs," 12*("transfersNN,total_votesNN,")   ; NN = 02 … 13
//!          "electorate,total_poll,valid_poll,rejected,quota,seats,candidates"
//! row    = 45 fields, as the header names them
//! ```
//!
//! - The rows of one ward share `map_ward_id` (a GSS code such as
//!   `S13002835`) and `ward_name`; each is one candidate (`name`,
//!   `party_name`).
//! - `status` is `Elected`, `Excluded` or `Not elected`;
//!   `occurred_on_count` is the stage of election or exclusion (blank if
//!   neither). As in the Scottish results JSON, the stage of an exclusion
//!   is the stage at whose end the candidate was excluded: their papers
//!   move in the next stage, which is the stage that excludes them here.
//! - Stage 1's total is `first_prefs`; stage k's transfer and total are
//!   `transfersNN` and `total_votesNN` (NN = k, two digits). Cells after a
//!   ward's last stage are blank: its stages are those with any total.
//! - `valid_poll`, `quota` and `seats` are the ward's, on every row.
//! - Figures are read by [`crate::cells`]: integers or decimals at any
//!   places, thousands separators allowed; a malformed figure is a warning
//!   and the cell is unknown.

use std::collections::HashMap;

use crate::cells::{self, field_position};
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, Warning};

const FORMAT: SheetFormat = SheetFormat::ScottishCsv;

/// The stages the layout has room for.
pub const STAGES: u32 = 13;

/// The header's fields.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> = [
        "id",
        "name",
        "party_name",
        "council_id",
        "council_name",
        "election",
        "cand_ward_id",
        "map_ward_id",
        "ward_name",
        "contested",
        "elected",
        "status",
        "occurred_on_count",
        "first_prefs",
    ]
    .map(str::to_owned)
    .to_vec();
    for k in 2..=STAGES {
        h.push(format!("transfers{k:02}"));
        h.push(format!("total_votes{k:02}"));
    }
    for f in [
        "electorate",
        "total_poll",
        "valid_poll",
        "rejected",
        "quota",
        "seats",
        "candidates",
    ] {
        h.push(f.to_owned());
    }
    h
}

const NAME: usize = 1;
const PARTY: usize = 2;
const CODE: usize = 7;
const WARD: usize = 8;
const STATUS: usize = 11;
const OCCURRED: usize = 12;
const FIRST: usize = 13;

fn syntax(pos: Position, expected: impl Into<String>, found: impl Into<String>) -> Error {
    Error::syntax(FORMAT, pos, expected, found)
}

struct Row {
    line: u64,
    start: u64,
    fields: Vec<String>,
}

/// Reads every ward of the file, in file order.
pub fn read(input: &[u8]) -> Result<Vec<OfficialSheet>, Error> {
    let text = std::str::from_utf8(input)
        .map_err(|_| syntax(Position::at(1, 1), "UTF-8", "other bytes"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let want = header();
    let columns = want.len();
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    let got: Vec<&str> = first.split(',').collect();
    if got != want {
        let at = got
            .iter()
            .zip(&want)
            .position(|(g, w)| g != w)
            .unwrap_or(got.len().min(want.len()));
        return Err(syntax(
            field_position(text, 0, 1, at),
            format!(
                "the 2022 header, field {} {:?}",
                at + 1,
                want.get(at).map_or("(end)", |s| s.as_str())
            ),
            describe_found(got.get(at).copied().unwrap_or("")),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut wards: Vec<(String, Vec<Row>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            syntax(Position::at(line, 1), "a CSV record", e.to_string())
        })?;
        let p = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        if record.len() != columns {
            return Err(syntax(
                Position::at(p.line(), 1),
                format!("{columns} fields"),
                format!("{} fields", record.len()),
            ));
        }
        let fields: Vec<String> = record.iter().map(|f| f.trim().to_owned()).collect();
        let code = fields[CODE].clone();
        let k = *index.entry(code.clone()).or_insert_with(|| {
            wards.push((code, Vec::new()));
            wards.len() - 1
        });
        wards[k].1.push(Row {
            line: p.line(),
            start: p.byte(),
            fields,
        });
    }
    if wards.is_empty() {
        return Err(syntax(
            Position::at(2, 1),
            "at least one candidate row",
            "none",
        ));
    }
    wards
        .iter()
        .map(|(code, rows)| ward(text, code, rows))
        .collect()
}

fn ward(text: &str, code: &str, rows: &[Row]) -> Result<OfficialSheet, Error> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let at = |r: &Row, f: usize| field_position(text, r.start, r.line, f);
    let cell = |r: &Row, f: usize, warnings: &mut Vec<Warning>| -> Option<Cell> {
        cells::cell(&r.fields[f], at(r, f), warnings)
    };
    let header = header();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .expect("a header field")
    };
    // The ward's facts: the same on every row; a row that says otherwise is
    // a warning and the first row's figure stands.
    let fact = |name: &str, warnings: &mut Vec<Warning>| -> Option<Cell> {
        let f = column(name);
        let first = cell(&rows[0], f, warnings);
        for r in &rows[1..] {
            let this = cell(r, f, &mut Vec::new());
            if let (Some(a), Some(b)) = (first, this)
                && !a.value.same_value(&b.value)
            {
                warnings.push(Warning {
                    pos: b.pos,
                    message: format!(
                        "{name} {} differs from the ward's first row ({}); the first is used",
                        b.text(),
                        a.text()
                    ),
                });
            }
        }
        first
    };
    let valid_poll = fact("valid_poll", &mut warnings);
    let quota = fact("quota", &mut warnings);
    let seats_cell = fact("seats", &mut warnings);
    let seats = seats_cell.and_then(|c| {
        let s = c.text();
        match s.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(syntax(c.pos, "a whole number of seats", s));
                None
            }
        }
    });
    let candidates: Vec<OfficialCandidate> = rows
        .iter()
        .map(|r| OfficialCandidate {
            name: r.fields[NAME].clone(),
            surname: None,
            party: (!r.fields[PARTY].is_empty()).then(|| r.fields[PARTY].clone()),
            pos: Some(at(r, NAME)),
        })
        .collect();
    // totals[stage][candidate]
    let mut grid: Vec<Vec<Option<Cell>>> = Vec::new();
    let mut transfers: Vec<Vec<Option<Cell>>> = Vec::new();
    for k in 1..=STAGES {
        let (t, x) = if k == 1 {
            (FIRST, None)
        } else {
            (
                column(&format!("total_votes{k:02}")),
                Some(column(&format!("transfers{k:02}"))),
            )
        };
        grid.push(rows.iter().map(|r| cell(r, t, &mut warnings)).collect());
        transfers.push(
            rows.iter()
                .map(|r| x.and_then(|x| cell(r, x, &mut warnings)))
                .collect(),
        );
    }
    let last = grid
        .iter()
        .rposition(|stage| stage.iter().any(Option::is_some))
        .map_or(0, |i| i + 1);
    // Who was elected or excluded at which stage.
    let mut elected_at = Vec::new();
    let mut excluded_at = Vec::new();
    for (c, r) in rows.iter().enumerate() {
        let occurred = r.fields[OCCURRED].as_str();
        let stage = if occurred.is_empty() {
            None
        } else {
            match occurred.parse::<u32>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    errors.push(syntax(
                        at(r, OCCURRED),
                        "a stage number",
                        describe_found(occurred),
                    ));
                    None
                }
            }
        };
        match (r.fields[STATUS].as_str(), stage) {
            ("Elected", Some(n)) => elected_at.push((c, n)),
            ("Excluded", Some(n)) => excluded_at.push((c, n)),
            ("Elected" | "Excluded", None) => errors.push(syntax(
                at(r, OCCURRED),
                "the stage of election or exclusion",
                "nothing",
            )),
            ("Not elected", _) => {}
            (other, _) => errors.push(syntax(
                at(r, STATUS),
                "a status: Elected, Excluded or Not elected",
                describe_found(other),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let stages: Vec<OfficialStage> = (0..last)
        .map(|i| {
            let number = i as u32 + 1;
            let mut s = OfficialStage::new(number, grid[i].clone());
            if i > 0 {
                s.transfers = transfers[i].clone();
            }
            s.elected = elected_at
                .iter()
                .filter(|(_, n)| *n <= number)
                .map(|(c, _)| *c)
                .collect();
            s.elected.sort_unstable();
            s.excluded = excluded_at
                .iter()
                .filter(|(_, n)| *n < number)
                .map(|(c, _)| *c)
                .collect();
            s.excluded.sort_unstable();
            s
        })
        .collect();
    let mut elected: Vec<usize> = elected_at.iter().map(|(c, _)| *c).collect();
    elected.sort_unstable();
    Ok(OfficialSheet {
        format: FORMAT,
        name: Some(rows[0].fields[WARD].clone()),
        code: Some(code.to_owned()),
        seats,
        valid_poll,
        quota,
        candidates,
        stages,
        elected,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of the layout: the named fields set, the rest blank.
    fn row(set: &[(&str, &str)]) -> String {
        let h = header();
        h.iter()
            .map(|name| {
                let v = set.iter().find(|(k, _)| k == name).map_or("", |(_, v)| *v);
                if v.contains(',') {
                    format!("\"{v}\"")
                } else {
                    v.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    fn file(rows: &[String]) -> String {
        let mut s = header().join(",");
        s.push('\n');
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    fn cand(code: &str, ward: &str, name: &str, status: &str, on: &str, votes: &[&str]) -> String {
        let mut set = vec![
            ("name", name),
            ("map_ward_id", code),
            ("ward_name", ward),
            ("status", status),
            ("occurred_on_count", on),
            ("valid_poll", "1,000"),
            ("quota", "501"),
            ("seats", "1"),
        ];
        let names: Vec<String> = (2..=STAGES).map(|k| format!("total_votes{k:02}")).collect();
        set.push(("first_prefs", votes[0]));
        for (i, v) in votes.iter().enumerate().skip(1) {
            set.push((names[i - 1].as_str(), v));
        }
        row(&set)
    }

    #[test]
    fn wards_are_read_apart_with_their_stages_and_statuses() {
        let text = file(&[
            cand("S1", "North", "Ann Ash", "Elected", "2", &["450", "520"]),
            cand("S1", "North", "Bob Birch", "Excluded", "2", &["400", "0"]),
            cand(
                "S1",
                "North",
                "Cy Cole",
                "Not elected",
                "",
                &["150", "462.466.26"],
            ),
            cand("S2", "South", "Di Dunn", "Elected", "1", &["700.00"]),
            cand("S2", "South", "Ed Eyre", "Not elected", "", &["300.00"]),
        ]);
        let wards = read(text.as_bytes()).unwrap();
        assert_eq!(wards.len(), 2);
        let north = &wards[0];
        assert_eq!(north.code.as_deref(), Some("S1"));
        assert_eq!(north.name.as_deref(), Some("North"));
        assert_eq!(north.stages.len(), 2);
        assert_eq!(north.valid_poll.unwrap().text(), "1000");
        assert_eq!(north.stages[0].elected, Vec::<usize>::new());
        assert_eq!(north.stages[1].elected, vec![0]);
        // Excluded at the end of stage 2: moved in a stage 3 the sheet does not have.
        assert_eq!(north.stages[1].excluded, Vec::<usize>::new());
        assert_eq!(north.stages[1].totals[2], None);
        assert_eq!(north.warnings.len(), 1);
        assert_eq!(north.warnings[0].pos.line, 4);
        assert_eq!(wards[1].stages.len(), 1);
        assert_eq!(wards[1].stages[0].totals[0].unwrap().text(), "700.00");
    }

    #[test]
    fn a_wrong_header_or_status_is_refused_at_its_field() {
        let e = read(b"id,name,party\n").unwrap_err().to_string();
        assert!(e.contains("field 3 \"party_name\""), "{e}");
        let text = file(&[cand("S1", "North", "Ann", "Won", "1", &["1"])]);
        let e = read(text.as_bytes()).unwrap_err().to_string();
        assert!(e.starts_with("2:"), "{e}");
        assert!(
            e.contains("a status: Elected, Excluded or Not elected"),
            "{e}"
        );
    }
}
