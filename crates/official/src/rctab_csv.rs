//! Reader of RCTab's detailed result report as CSV (`*_summary.csv`, `CSV
//! Format Version` 1): the same report as [`crate::rctab_json`], laid out
//! as a table with a column group per round.
//!
//! ```text
//! file     = section*                          ; sections apart by empty lines
//! section  = info-row* | table
//! info-row = key "," value                     ; "Contest", "Number to be Elected", …
//! table    = "Rounds" ("," "Round " N " Votes" "," "% of vote" "," "transfer")+
//!            "Eliminated" ("," names "," "," )+    ; names joined by "; "
//!            "Elected" ("," names "," "," )+
//!            candidate-row+                     ; name, then votes, %, transfer per round
//!            "Active Ballots" … | "Current Round Threshold" … |
//!            "Inactive Ballots Total" … | other summary rows
//! ```
//!
//! Round r's votes are stage r's totals; the `Eliminated` and `Elected`
//! cells of round r say what was done at its end, so they are stage
//! r + 1's action (the eliminated excluded; a candidate elected in round r
//! with a transfer cell in that round has their surplus transferred) and
//! the elected are elected at stage r: as [`crate::rctab_json`] reads the
//! JSON. Unlike the JSON, the CSV writes a candidate's votes after their
//! elimination as `0`, and the reader keeps the published `0`. The
//! non-transferable value of a stage is its round's `Inactive Ballots
//! Total`; the quota is round 1's `Current Round Threshold`. Figures are
//! read exactly, never through a float; a figure that is not a decimal is
//! a warning with its position (line, and the column from 1), and the cell
//! is unknown.

use crate::cells;
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, StageAction, Warning};

const FORMAT: SheetFormat = SheetFormat::RctabCsv;

/// The first line of an RCTab CSV report, as [`crate::detect`] knows it.
pub const FIRST_LINE: &str = "Contest Information";

/// Rows of the table that are not candidates.
const SUMMARY_ROWS: [&str; 4] = [
    "Active Ballots",
    "Current Round Threshold",
    "Residual surplus",
    "Final Round Surplus",
];

struct Row {
    line: u64,
    fields: Vec<String>,
}

impl Row {
    fn pos(&self, field: usize) -> Position {
        Position::at(self.line, field as u64 + 1)
    }
}

/// A figure of the table; an empty field is a blank cell.
fn figure(row: &Row, field: usize, warnings: &mut Vec<Warning>) -> Option<Cell> {
    let text = row.fields.get(field)?;
    if text.is_empty() {
        return None;
    }
    cells::cell(text, row.pos(field), warnings)
}

/// Reads an RCTab detailed result report in CSV.
pub fn read(input: &[u8]) -> Result<OfficialSheet, Error> {
    let syntax = |pos, expected: &str, found: String| Error::syntax(FORMAT, pos, expected, found);
    let text = std::str::from_utf8(input)
        .map_err(|_| syntax(Position::at(1, 1), "UTF-8", "other bytes".into()))?;
    let body = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    // Lines are counted from the bytes: the csv crate's count passes over
    // the empty lines between sections.
    // A record's byte is where the reader went on from, before the empty
    // lines it passed over.
    let line_of = |byte: u64| {
        let bytes = body.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
            at += 1;
        }
        bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| line_of(p.byte()));
            syntax(Position::at(line, 1), "a CSV record", e.to_string())
        })?;
        let line = record.position().map_or(1, |p| line_of(p.byte()));
        rows.push(Row {
            line,
            fields: record.iter().map(|f| f.trim().to_string()).collect(),
        });
    }
    let first = rows.first().map(|r| r.fields[0].as_str()).unwrap_or("");
    if first != FIRST_LINE {
        return Err(syntax(
            Position::at(1, 1),
            "\"Contest Information\" (an RCTab CSV report)",
            describe_found(first),
        ));
    }
    let info = |key: &str| -> Option<&Row> { rows.iter().find(|r| r.fields[0] == key) };
    let header_at = rows
        .iter()
        .position(|r| r.fields[0] == "Rounds")
        .ok_or_else(|| {
            syntax(
                Position::at(rows.last().map_or(1, |r| r.line), 1),
                "a \"Rounds\" table",
                "the end of the file".into(),
            )
        })?;
    let header = &rows[header_at];
    // Round r's votes are in column 1 + 3(r − 1), its transfers two on.
    let mut rounds = 0usize;
    for (k, chunk) in header.fields[1..].chunks(3).enumerate() {
        let expected = format!("Round {} Votes", k + 1);
        if chunk[0].is_empty() {
            break;
        }
        if chunk[0] != expected {
            return Err(syntax(
                header.pos(1 + 3 * k),
                &format!("\"{expected}\""),
                describe_found(&chunk[0]),
            ));
        }
        rounds += 1;
    }
    if rounds == 0 {
        return Err(syntax(
            header.pos(1),
            "\"Round 1 Votes\"",
            describe_found(header.fields.get(1).map_or("", |s| s)),
        ));
    }
    let table: Vec<&Row> = rows[header_at + 1..]
        .iter()
        .take_while(|r| !(r.fields.len() == 1 && r.fields[0].is_empty()))
        .collect();
    let labelled = |label: &str| table.iter().find(|r| r.fields[0] == label).copied();
    let names_in = |row: Option<&Row>, r: usize| -> Vec<String> {
        row.and_then(|row| row.fields.get(1 + 3 * r))
            .map(|cell| {
                cell.split("; ")
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let eliminated_row = labelled("Eliminated");
    let elected_row = labelled("Elected");
    let candidate_rows: Vec<&Row> = table
        .iter()
        .copied()
        .filter(|r| {
            let label = r.fields[0].as_str();
            !label.is_empty()
                && label != "Eliminated"
                && label != "Elected"
                && !SUMMARY_ROWS.contains(&label)
                && !label.starts_with("Inactive Ballots")
        })
        .collect();
    if candidate_rows.is_empty() {
        return Err(syntax(
            Position::at(header.line + 1, 1),
            "a row per candidate",
            "none".into(),
        ));
    }
    let names: Vec<String> = candidate_rows.iter().map(|r| r.fields[0].clone()).collect();
    let index = |name: &str, pos: Position| {
        names.iter().position(|n| n == name).ok_or_else(|| {
            Error::syntax(
                FORMAT,
                pos,
                "a candidate of the table",
                describe_found(name),
            )
        })
    };
    let mut warnings: Vec<Warning> = Vec::new();
    let mut stages = Vec::new();
    let mut elected: Vec<usize> = Vec::new();
    let mut excluded: Vec<usize> = Vec::new();
    for r in 0..rounds {
        let totals: Vec<Option<Cell>> = candidate_rows
            .iter()
            .map(|row| figure(row, 1 + 3 * r, &mut warnings))
            .collect();
        let mut stage = OfficialStage::new(r as u32 + 1, totals);
        stage.action = if r == 0 {
            Some(StageAction::FirstPreferences)
        } else {
            let before = r - 1;
            let pos = |row: Option<&Row>| row.map_or(header.pos(0), |row| row.pos(1 + 3 * before));
            let mut out = Vec::new();
            for name in names_in(eliminated_row, before) {
                out.push(index(&name, pos(eliminated_row))?);
            }
            out.sort_unstable();
            excluded.extend(out.iter().copied());
            if !out.is_empty() {
                Some(StageAction::Exclusion(out))
            } else {
                let mut surplus = None;
                for name in names_in(elected_row, before) {
                    let k = index(&name, pos(elected_row))?;
                    // A surplus of nothing moves nothing: no stage of its
                    // own (the JSON report gives it no transfers).
                    let moved = candidate_rows[k]
                        .fields
                        .get(3 + 3 * before)
                        .and_then(|t| crate::Decimal::parse(t))
                        .is_some_and(|d| d.mantissa() != 0);
                    if moved && surplus.is_none() {
                        surplus = Some(k);
                    }
                }
                surplus.map(StageAction::Surplus)
            }
        };
        for name in names_in(elected_row, r) {
            let pos = elected_row.map_or(header.pos(0), |row| row.pos(1 + 3 * r));
            let k = index(&name, pos)?;
            if !elected.contains(&k) {
                elected.push(k);
            }
        }
        let mut e = elected.clone();
        e.sort_unstable();
        stage.elected = e;
        let mut x = excluded.clone();
        x.sort_unstable();
        stage.excluded = x;
        stage.non_transferable = labelled("Inactive Ballots Total")
            .and_then(|row| figure(row, 1 + 3 * r, &mut warnings));
        stages.push(stage);
    }
    let quota = labelled("Current Round Threshold").and_then(|row| figure(row, 1, &mut warnings));
    let seats = info("Number to be Elected")
        .and_then(|row| row.fields.get(1))
        .and_then(|s| s.parse().ok());
    let contest = info("Contest").and_then(|row| row.fields.get(1)).cloned();
    let mut final_elected = elected;
    final_elected.sort_unstable();
    Ok(OfficialSheet {
        format: FORMAT,
        name: contest.clone(),
        code: contest,
        seats,
        valid_poll: None,
        quota,
        candidates: candidate_rows
            .iter()
            .map(|row| OfficialCandidate {
                name: row.fields[0].clone(),
                surname: None,
                party: None,
                pos: Some(row.pos(0)),
            })
            .collect(),
        stages,
        elected: final_elected,
        warnings,
    })
}
