//! Reader of the Scottish council results JSON (`ResultsJson.json`), the
//! stage-by-stage sheets of the 2012 and 2017 council elections transcribed
//! by Gerry Mulvenna (`council17`, CC BY-SA 4.0).
//!
//! Grammar (JSON; field order free, unknown fields ignored):
//!
//! ```text
//! file       = { "Constituency": { "countInfo": info, "countGroup": [ record, … ] } }
//! info       = { "Valid_Poll": int, "Quota": int, "Number_Of_Seats": int,
//!                "Constituency_Name": text, "Constituency_Number": text|int, … }
//! record     = { "Count_Number": int, "Firstname": text, "Surname": text,
//!                "Party_Name": text, "Candidate_Id": text|int,
//!                "Total_Votes": figure, "Status": status, … }
//! int        = a JSON integer, or a JSON string holding one
//! figure     = a JSON number, or a JSON string holding a decimal
//!              (`crate::decimal` grammar), or "" / null for a blank cell
//! status     = "Elected" | "Excluded" | "" | null
//! ```
//!
//! One record per candidate per stage (`Count_Number` from 1); a candidate
//! is known by `(Candidate_Id, Firstname, Surname)`. Every stage must have
//! exactly one record for each candidate of stage 1. Figures are read from
//! their exact text (a JSON number `1988.9274` stays four places), never
//! through a float. `Transfers`, `Occurred_On_Count`,
//! `Candidate_First_Pref_Votes` and the poll counts other than the valid
//! poll are not read: `specs/official-scottish.md` says why.
//!
//! Every bad record is reported (not only the first), each with the line
//! and column of the offending value and the record's index in `countGroup`.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::decimal::Decimal;
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, Warning};

#[derive(Deserialize)]
struct Root<'a> {
    #[serde(rename = "Constituency", borrow)]
    constituency: Constituency<'a>,
}

#[derive(Deserialize)]
struct Constituency<'a> {
    #[serde(rename = "countInfo", borrow)]
    count_info: &'a RawValue,
    #[serde(rename = "countGroup", borrow)]
    count_group: Vec<&'a RawValue>,
}

type Object<'a> = BTreeMap<String, &'a RawValue>;

/// A JSON scalar as written.
enum Scalar<'a> {
    Text(String),
    Number(&'a str),
    Null,
    Other(&'a str),
}

/// Reads one ward's `ResultsJson.json`.
///
/// ```
/// let json = br#"{"Constituency": {
///   "countInfo": {"Valid_Poll": "5", "Quota": 3, "Number_Of_Seats": "1",
///                 "Constituency_Name": "Tiny", "Constituency_Number": "S1"},
///   "countGroup": [
///     {"Count_Number": 1, "Firstname": "Ann", "Surname": "Ash", "Party_Name": "",
///      "Candidate_Id": "1", "Total_Votes": "3", "Status": "Elected"},
///     {"Count_Number": 1, "Firstname": "Bo", "Surname": "Birch", "Party_Name": "",
///      "Candidate_Id": "2", "Total_Votes": "2.50", "Status": ""}]}}"#;
/// let sheet = official::scottish_json::read(json).unwrap();
/// assert_eq!(sheet.stages[0].totals[1].unwrap().text(), "2.50");
/// assert_eq!(sheet.elected, vec![0]);
///
/// // A total that is no figure is a warning with its place, and unknown.
/// let bad = String::from_utf8_lossy(json).replace("2.50", "2,50");
/// let sheet = official::scottish_json::read(bad.as_bytes()).unwrap();
/// assert_eq!(sheet.stages[0].totals[1], None);
/// let w = &sheet.warnings[0].pos;
/// assert_eq!((w.line, w.column, w.record), (8, 42, Some(1)));
/// ```
pub fn read(bytes: &[u8]) -> Result<OfficialSheet, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let good = std::str::from_utf8(good).unwrap_or_default();
        let mut pos = Position::of_byte(good, good.len());
        pos.byte = e.valid_up_to() as u64;
        syntax(pos, "UTF-8 text", "an invalid byte")
    })?;
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = text.get(bom..).unwrap_or(text);
    let root: Root = serde_json::from_str(body).map_err(|e| json_error(text, bom, &e))?;
    let reader = Reader {
        text,
        warnings: Default::default(),
    };
    reader.sheet(root.constituency)
}

fn syntax(pos: Position, expected: impl Into<String>, found: impl Into<String>) -> Error {
    Error::syntax(SheetFormat::ScottishJson, pos, expected, found)
}

/// Turns serde_json's line and byte column into a [`Position`].
fn json_error(text: &str, bom: usize, e: &serde_json::Error) -> Error {
    let line_start = text
        .match_indices('\n')
        .nth(e.line().saturating_sub(2))
        .map_or(bom, |(i, _)| i + 1);
    let line_start = if e.line() <= 1 { bom } else { line_start };
    let pos = Position::of_byte(text, line_start + e.column().saturating_sub(1));
    let message = e.to_string();
    // serde_json appends " at line L column C"; the position says it already.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    syntax(pos, "the results JSON layout", message)
}

struct Reader<'t> {
    text: &'t str,
    /// Totals that are no figure: left unknown, and said.
    warnings: std::cell::RefCell<Vec<Warning>>,
}

/// One `countGroup` record, read.
struct Record {
    stage: u32,
    key: (String, String, String),
    candidate: OfficialCandidate,
    total: Option<Cell>,
    elected: bool,
    excluded: bool,
    pos: Position,
}

impl<'t> Reader<'t> {
    /// Where `raw` (a slice of the input) starts.
    fn pos(&self, raw: &RawValue) -> Position {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        Position::of_byte(self.text, offset)
    }

    fn object<'a>(&self, raw: &'a RawValue, record: Option<u64>) -> Result<Object<'a>, Error> {
        serde_json::from_str(raw.get()).map_err(|_| {
            let mut pos = self.pos(raw);
            pos.record = record;
            syntax(pos, "a JSON object", describe_found(raw.get()))
        })
    }

    fn field<'a>(
        &self,
        object: &Object<'a>,
        whole: &RawValue,
        name: &str,
        record: Option<u64>,
    ) -> Result<&'a RawValue, Error> {
        object.get(name).copied().ok_or_else(|| {
            let mut pos = self.pos(whole);
            pos.record = record;
            syntax(pos, format!("a field {name:?}"), "none")
        })
    }

    fn scalar<'a>(raw: &'a RawValue) -> Scalar<'a> {
        let s = raw.get();
        match s.as_bytes().first() {
            Some(b'"') => match serde_json::from_str::<String>(s) {
                Ok(t) => Scalar::Text(t),
                Err(_) => Scalar::Other(s),
            },
            Some(b'-' | b'0'..=b'9') => Scalar::Number(s),
            _ if s == "null" => Scalar::Null,
            _ => Scalar::Other(s),
        }
    }

    /// A figure cell: a decimal, or blank.
    fn figure(&self, raw: &RawValue, record: Option<u64>) -> Result<Option<Cell>, Error> {
        let mut pos = self.pos(raw);
        pos.record = record;
        let (written, shown) = match Self::scalar(raw) {
            Scalar::Null => return Ok(None),
            Scalar::Text(t) if t.is_empty() => return Ok(None),
            Scalar::Text(t) => (t.clone(), describe_found(&t)),
            Scalar::Number(n) => (n.to_owned(), n.to_owned()),
            Scalar::Other(o) => (String::new(), describe_found(o)),
        };
        match Decimal::parse(&written) {
            Some(value) => Ok(Some(Cell { value, pos })),
            None => Err(syntax(pos, "a decimal number or a blank", shown)),
        }
    }

    /// A non-negative whole number (JSON integer or a string holding one).
    fn whole(&self, raw: &RawValue, what: &str, record: Option<u64>) -> Result<Cell, Error> {
        let mut pos = self.pos(raw);
        pos.record = record;
        let expected = || format!("{what}: a whole number");
        match self.figure(raw, record) {
            Ok(Some(cell)) if cell.value.places() == 0 && !cell.text().starts_with('-') => Ok(cell),
            _ => Err(syntax(pos, expected(), describe_found(raw.get()))),
        }
    }

    fn text_field(&self, raw: &RawValue, what: &str, record: Option<u64>) -> Result<String, Error> {
        match Self::scalar(raw) {
            Scalar::Text(t) => Ok(t),
            Scalar::Number(n) => Ok(n.to_owned()),
            _ => {
                let mut pos = self.pos(raw);
                pos.record = record;
                Err(syntax(
                    pos,
                    format!("{what}: text"),
                    describe_found(raw.get()),
                ))
            }
        }
    }

    fn record(&self, raw: &RawValue, index: u64) -> Result<Record, Vec<Error>> {
        let at = Some(index);
        let object = self.object(raw, at).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let mut take = |name: &str| match self.field(&object, raw, name, at) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let fields = [
            "Count_Number",
            "Firstname",
            "Surname",
            "Party_Name",
            "Candidate_Id",
            "Total_Votes",
            "Status",
        ]
        .map(&mut take);
        let [
            Some(stage),
            Some(first),
            Some(surname),
            Some(party),
            Some(id),
            Some(total),
            Some(status),
        ] = fields
        else {
            return Err(errors);
        };
        let stage = self.whole(stage, "Count_Number", at).and_then(|c| {
            c.text()
                .parse::<u32>()
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| syntax(c.pos, "a stage number from 1", c.text()))
        });
        let first = self.text_field(first, "Firstname", at);
        let surname = self.text_field(surname, "Surname", at);
        let party = self.text_field(party, "Party_Name", at);
        let id = self.text_field(id, "Candidate_Id", at);
        // A total that is no figure is a warning and unknown (a sheet as
        // people publish it); the other fields are the file's structure.
        let total = match self.figure(total, at) {
            Err(e) => {
                let pos = e.position().copied().unwrap_or_default();
                self.warnings.borrow_mut().push(Warning {
                    pos,
                    message: format!(
                        "Total_Votes {} is not a figure; left unknown",
                        describe_found(total.get())
                    ),
                });
                Ok(None)
            }
            ok => ok,
        };
        // (elected, excluded)
        let elected = match Self::scalar(status) {
            Scalar::Null => Ok((false, false)),
            Scalar::Text(t) if t.is_empty() => Ok((false, false)),
            Scalar::Text(t) if t == "Excluded" => Ok((false, true)),
            Scalar::Text(t) if t == "Elected" => Ok((true, false)),
            _ => {
                let mut pos = self.pos(status);
                pos.record = at;
                Err(syntax(
                    pos,
                    "a status \"Elected\", \"Excluded\", \"\" or null",
                    describe_found(status.get()),
                ))
            }
        };
        match (stage, first, surname, party, id, total, elected) {
            (
                Ok(stage),
                Ok(first),
                Ok(surname),
                Ok(party),
                Ok(id),
                Ok(total),
                Ok((elected, excluded)),
            ) => {
                let (first_t, surname_t) = (first.trim(), surname.trim());
                let name = [first_t, surname_t]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let party_t = party.trim();
                Ok(Record {
                    stage,
                    key: (id, first.clone(), surname.clone()),
                    candidate: OfficialCandidate {
                        name,
                        surname: (!surname_t.is_empty()).then(|| surname_t.to_owned()),
                        party: (!party_t.is_empty()).then(|| party_t.to_owned()),
                        pos: Some(self.pos(raw).in_record(index)),
                    },
                    total,
                    elected,
                    excluded,
                    pos: self.pos(raw).in_record(index),
                })
            }
            (a, b, c, d, e, f, g) => {
                errors.extend(
                    [
                        a.err(),
                        b.err(),
                        c.err(),
                        d.err(),
                        e.err(),
                        f.err(),
                        g.err(),
                    ]
                    .into_iter()
                    .flatten(),
                );
                Err(errors)
            }
        }
    }

    fn sheet(&self, constituency: Constituency<'_>) -> Result<OfficialSheet, Error> {
        let mut errors = Vec::new();
        let info_raw = constituency.count_info;
        let info = self.object(info_raw, None)?;
        let info_field = |name: &str| self.field(&info, info_raw, name, None);
        let valid_poll = info_field("Valid_Poll").and_then(|r| self.whole(r, "Valid_Poll", None));
        let quota = info_field("Quota").and_then(|r| self.whole(r, "Quota", None));
        let seats = info_field("Number_Of_Seats")
            .and_then(|r| self.whole(r, "Number_Of_Seats", None))
            .and_then(|c| {
                c.text()
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| syntax(c.pos, "a number of seats from 1", c.text()))
            });
        let name = info
            .get("Constituency_Name")
            .map(|r| self.text_field(r, "Constituency_Name", None))
            .transpose();
        let code = info
            .get("Constituency_Number")
            .map(|r| self.text_field(r, "Constituency_Number", None))
            .transpose();

        let mut records = Vec::new();
        for (i, raw) in constituency.count_group.iter().enumerate() {
            match self.record(raw, i as u64) {
                Ok(r) => records.push(r),
                Err(mut e) => errors.append(&mut e),
            }
        }
        let (valid_poll, quota, seats, name, code) = match (valid_poll, quota, seats, name, code) {
            (Ok(v), Ok(q), Ok(s), Ok(n), Ok(c)) => (v, q, s, n, c),
            (v, q, s, n, c) => {
                let mut head: Vec<Error> = [v.err(), q.err(), s.err(), n.err(), c.err()]
                    .into_iter()
                    .flatten()
                    .collect();
                head.append(&mut errors);
                return Err(Error::join(head));
            }
        };
        if !errors.is_empty() {
            return Err(Error::join(errors));
        }
        self.assemble(records, constituency.count_group.first().copied())
            .map(|(candidates, stages)| {
                let elected = stages.last().map(|s| s.elected.clone()).unwrap_or_default();
                OfficialSheet {
                    format: SheetFormat::ScottishJson,
                    name,
                    code,
                    seats: Some(seats),
                    valid_poll: Some(valid_poll),
                    quota: Some(quota),
                    candidates,
                    stages,
                    elected,
                    warnings: self.warnings.take(),
                }
            })
    }

    /// Puts the records into stages, checking that each stage has exactly
    /// one record for each candidate.
    fn assemble(
        &self,
        records: Vec<Record>,
        first: Option<&RawValue>,
    ) -> Result<(Vec<OfficialCandidate>, Vec<OfficialStage>), Error> {
        let Some(last) = records.iter().map(|r| r.stage).max() else {
            let pos = first.map_or_else(Position::default, |r| self.pos(r));
            return Err(syntax(pos, "at least one candidate record", "none"));
        };
        let mut index: HashMap<&(String, String, String), usize> = HashMap::new();
        let mut candidates = Vec::new();
        for r in records.iter().filter(|r| r.stage == 1) {
            if index.contains_key(&r.key) {
                return Err(syntax(
                    r.pos,
                    "one stage-1 record per candidate",
                    format!("a second record for {}", r.candidate.name),
                ));
            }
            index.insert(&r.key, candidates.len());
            candidates.push(r.candidate.clone());
        }
        let n = candidates.len();
        let mut grid: Vec<Vec<Option<&Record>>> = vec![vec![None; n]; last as usize];
        let mut errors = Vec::new();
        for r in &records {
            let Some(&c) = index.get(&r.key) else {
                errors.push(syntax(
                    r.pos,
                    "a candidate who has a stage-1 record",
                    describe_found(&r.candidate.name),
                ));
                continue;
            };
            let slot = &mut grid[(r.stage - 1) as usize][c];
            if slot.is_some() {
                errors.push(syntax(
                    r.pos,
                    format!("one record per candidate at stage {}", r.stage),
                    format!("a second record for {}", r.candidate.name),
                ));
            }
            *slot = Some(r);
        }
        let mut stages = Vec::with_capacity(grid.len());
        let mut marked_before = vec![false; n];
        for (s, row) in grid.iter().enumerate() {
            let number = s as u32 + 1;
            let missing: Vec<&str> = row
                .iter()
                .zip(&candidates)
                .filter(|(r, _)| r.is_none())
                .map(|(_, c)| c.name.as_str())
                .collect();
            if !missing.is_empty() {
                let pos = row.iter().flatten().next().map_or_else(
                    || first.map_or_else(Position::default, |r| self.pos(r)),
                    |r| r.pos,
                );
                errors.push(syntax(
                    pos,
                    format!("a record for every candidate at stage {number}"),
                    format!("none for {}", missing.join(", ")),
                ));
                continue;
            }
            let records: Vec<&Record> = row.iter().flatten().copied().collect();
            // The JSON has no non-transferable row, and no actions: they
            // are read from the figures and the statuses.
            let mut stage = OfficialStage::new(number, records.iter().map(|r| r.total).collect());
            stage.elected = (0..n).filter(|&c| records[c].elected).collect();
            // "Excluded" marks a candidate from the stage at whose end they
            // were excluded; their papers move in the next stage, which is
            // the stage that excludes them.
            stage.excluded = match stages.last() {
                Some(_) => (0..n).filter(|&c| marked_before[c]).collect(),
                None => Vec::new(),
            };
            for c in 0..n {
                marked_before[c] = records[c].excluded;
            }
            stages.push(stage);
        }
        if errors.is_empty() {
            Ok((candidates, stages))
        } else {
            Err(Error::join(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn ward(records: &str) -> String {
        format!(
            "{{\"Constituency\": {{\n\"countInfo\": {{\"Valid_Poll\": \"9\", \"Quota\": 4, \"Number_Of_Seats\": \"2\", \"Constituency_Name\": \"Test\", \"Constituency_Number\": \"S13000001\"}},\n\"countGroup\": [\n{records}\n]}}}}"
        )
    }

    fn rec(stage: &str, first: &str, total: &str, status: &str) -> String {
        format!(
            "{{\"Count_Number\": {stage}, \"Firstname\": \"{first}\", \"Surname\": \"X\", \"Party_Name\": \"P\", \"Candidate_Id\": \"{first}\", \"Total_Votes\": {total}, \"Status\": {status}}}"
        )
    }

    fn two_stages() -> Vec<String> {
        vec![
            rec("1", "A", "\"5\"", "\"Elected\""),
            rec("1", "B", "\"3\"", "\"\""),
            rec("1", "C", "\"1\"", "null"),
            rec("\"2\"", "A", "4", "\"Elected\""),
            rec("\"2\"", "B", "\"3.50000\"", "\"\""),
            rec("\"2\"", "C", "1.5", "\"Excluded\""),
        ]
    }

    #[test]
    fn reads_stages_cells_and_elected() {
        let sheet = read(ward(&two_stages().join(",\n")).as_bytes()).unwrap();
        assert_eq!(sheet.code.as_deref(), Some("S13000001"));
        assert_eq!(sheet.seats, Some(2));
        assert_eq!(sheet.quota.map(|c| c.text()), Some("4".into()));
        assert_eq!(sheet.valid_poll.map(|c| c.text()), Some("9".into()));
        let names: Vec<_> = sheet.candidates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["A X", "B X", "C X"]);
        assert_eq!(sheet.stages.len(), 2);
        let texts: Vec<_> = sheet.stages[1]
            .totals
            .iter()
            .map(|c| c.unwrap().text())
            .collect();
        assert_eq!(texts, ["4", "3.50000", "1.5"]);
        assert_eq!(sheet.elected, vec![0]);
        // Cells know their place: stage 2's "3.50000" is on line 8.
        let cell = sheet.stages[1].totals[1].unwrap();
        assert_eq!((cell.pos.line, cell.pos.record), (8, Some(4)));
    }

    #[test]
    fn blank_cells_are_none() {
        let mut recs = two_stages();
        recs[5] = rec("2", "C", "\"\"", "\"Excluded\"");
        let sheet = read(ward(&recs.join(",\n")).as_bytes()).unwrap();
        assert_eq!(sheet.stages[1].totals[2], None);
    }

    #[test]
    fn every_bad_record_is_reported_with_its_place() {
        let mut recs = two_stages();
        recs[3] = rec("2", "A", "\"1\"", "\"Lost\"");
        recs[4] = rec("2", "B", "\"1\"", "\"Won\"");
        let err = read(ward(&recs.join(",\n")).as_bytes()).unwrap_err();
        let ErrorKind::Many(list) = err.kind() else {
            panic!("{err}")
        };
        let places: Vec<_> = list
            .iter()
            .map(|e| e.position().map(|p| (p.line, p.record)))
            .collect();
        assert_eq!(places, [Some((7, Some(3))), Some((8, Some(4)))]);
        assert!(
            list[1].to_string().contains("found \"\\\"Won\\\"\""),
            "{}",
            list[1]
        );
    }

    #[test]
    fn a_total_that_is_no_figure_is_a_warning_and_unknown() {
        let mut recs = two_stages();
        recs[1] = rec("1", "B", "\"3,5\"", "\"\"");
        let sheet = read(ward(&recs.join(",\n")).as_bytes()).unwrap();
        assert_eq!(sheet.stages[0].totals[1], None);
        let w = &sheet.warnings[0];
        assert_eq!((w.pos.line, w.pos.column, w.pos.record), (5, 110, Some(1)));
        assert!(
            w.message.contains("\"\\\"3,5\\\"\" is not a figure"),
            "{}",
            w.message
        );
    }

    #[test]
    fn missing_and_duplicate_records_are_refused() {
        let mut recs = two_stages();
        recs.remove(5);
        let err = read(ward(&recs.join(",\n")).as_bytes()).unwrap_err();
        assert!(
            err.to_string()
                .contains("a record for every candidate at stage 2, found none for C X"),
            "{err}"
        );
        let mut recs = two_stages();
        recs.push(rec("2", "A", "\"4\"", "\"\""));
        let err = read(ward(&recs.join(",\n")).as_bytes()).unwrap_err();
        assert_eq!(
            err.position().map(|p| (p.line, p.record)),
            Some((10, Some(6)))
        );
    }

    #[test]
    fn missing_fields_and_broken_json_have_positions() {
        let recs = [r#"{"Count_Number": 1, "Firstname": "A"}"#.to_owned()];
        let err = read(ward(&recs.join(",")).as_bytes()).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "4:1: Scottish results JSON error in record 0: expected a field \"Surname\""
            ),
            "{err}"
        );
        let err = read(b"{\"Constituency\": {\n \"countInfo\": [1,}").unwrap_err();
        assert_eq!(err.position().map(|p| (p.line, p.column)), Some((2, 18)));
        let err = read(b"{\"Constituency\": \xff}").unwrap_err();
        assert_eq!(err.position().map(|p| (p.byte, p.column)), Some((17, 18)));
    }
}
