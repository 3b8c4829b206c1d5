//! Reader of `recount-sheet/1` (`specs/official-results.md`), the
//! project's stage-table CSV: what `recount count --format sheet` writes,
//! and what a short script can make of any other program's sheet.
//!
//! ```text
//! header  = "contest,stage,kind,candidate,action,subject,transfer,total,status"
//! row     = contest "," [stage] "," kind "," [candidate] "," [action] ","
//!           [subject] "," [transfer] "," [total] "," [status]
//! kind    = "seats" / "valid-poll" / "quota"        ; facts: no stage, the figure in total
//!         / "candidate"                            ; one per candidate per stage
//!         / "non-transferable" / "loss"            ; per stage, cumulative totals
//! action  = "first-preferences" / "surplus" / "exclusion" / "elect-remaining" / "round"
//! subject = the surplus's candidate, or the excluded joined by "; "
//! status  = "" / "elected" / "excluded"            ; what happened at that stage
//! ```
//!
//! Stages are numbered from 1 without gaps; every stage has one row per
//! candidate, in any order; the candidates are those of stage 1, in the
//! order of their rows. The rows of one stage give one action and subject.
//! Figures are decimals at any places, read by [`crate::cells`] (an empty
//! cell is unpublished; a malformed one is a warning and left unknown).
//! A file may hold several contests, told apart by `contest`.

use std::collections::{BTreeMap, HashMap};

use crate::cells::{self, field_position};
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, StageAction, Warning};

const FORMAT: SheetFormat = SheetFormat::RecountSheet;

/// The header row, exactly.
pub const HEADER: &str = "contest,stage,kind,candidate,action,subject,transfer,total,status";

fn syntax(pos: Position, expected: impl Into<String>, found: impl Into<String>) -> Error {
    Error::syntax(FORMAT, pos, expected, found)
}

struct Row {
    line: u64,
    start: u64,
    fields: Vec<String>,
}

#[derive(Default)]
struct Contest {
    name: String,
    rows: Vec<Row>,
}

/// Reads every contest of a `recount-sheet/1` file, in file order.
pub fn read(input: &[u8]) -> Result<Vec<OfficialSheet>, Error> {
    let text = std::str::from_utf8(input).map_err(|e| {
        syntax(
            Position::of_byte("", e.valid_up_to()),
            "UTF-8",
            "other bytes",
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    if first.trim_end_matches('\r') != HEADER {
        return Err(syntax(
            Position::at(1, 1),
            format!("the header {HEADER:?}"),
            describe_found(first),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut contests: Vec<Contest> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let pos = e
                .position()
                .map(|p| Position::at(p.line(), 1))
                .unwrap_or_default();
            syntax(pos, "a CSV record", e.to_string())
        })?;
        let p = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        if record.len() != 9 {
            return Err(syntax(
                Position::at(p.line(), 1),
                "9 fields",
                format!("{} fields", record.len()),
            ));
        }
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        let k = *index.entry(fields[0].clone()).or_insert_with(|| {
            contests.push(Contest {
                name: fields[0].clone(),
                rows: Vec::new(),
            });
            contests.len() - 1
        });
        contests[k].rows.push(Row {
            line: p.line(),
            start: p.byte(),
            fields,
        });
    }
    if contests.is_empty() {
        return Err(syntax(Position::at(2, 1), "at least one row", "none"));
    }
    contests.iter().map(|c| contest(text, c)).collect()
}

/// A stage's candidate rows, and its non-transferable and loss rows.
type StageRows<'a> = (Vec<&'a Row>, Option<&'a Row>, Option<&'a Row>);

fn contest(text: &str, c: &Contest) -> Result<OfficialSheet, Error> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let at = |r: &Row, field: usize| field_position(text, r.start, r.line, field);
    let read_cell = |r: &Row, field: usize, warnings: &mut Vec<Warning>| -> Option<Cell> {
        cells::cell(&r.fields[field], at(r, field), warnings)
    };
    let (mut seats, mut valid_poll, mut quota) = (None, None, None);
    // stage → rows of candidates, and its non-transferable and loss rows.
    let mut stages: BTreeMap<u32, StageRows<'_>> = BTreeMap::new();
    for r in &c.rows {
        let kind = r.fields[2].as_str();
        let stage = r.fields[1].trim();
        let number = if stage.is_empty() {
            None
        } else {
            match stage.parse::<u32>() {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    errors.push(syntax(
                        at(r, 1),
                        "a stage number from 1",
                        describe_found(stage),
                    ));
                    continue;
                }
            }
        };
        match (kind, number) {
            ("seats", None) => match r.fields[7].trim().parse::<u32>() {
                Ok(n) => seats = Some(n),
                Err(_) => errors.push(syntax(
                    at(r, 7),
                    "a number of seats",
                    describe_found(&r.fields[7]),
                )),
            },
            ("valid-poll", None) => valid_poll = read_cell(r, 7, &mut warnings),
            ("quota", None) => quota = read_cell(r, 7, &mut warnings),
            ("candidate", Some(n)) => stages.entry(n).or_default().0.push(r),
            ("non-transferable", Some(n)) => stages.entry(n).or_default().1 = Some(r),
            ("loss", Some(n)) => stages.entry(n).or_default().2 = Some(r),
            ("seats" | "valid-poll" | "quota", Some(_)) => errors.push(syntax(
                at(r, 1),
                format!("no stage for a {kind} row"),
                stage.to_owned(),
            )),
            ("candidate" | "non-transferable" | "loss", None) => errors.push(syntax(
                at(r, 1),
                format!("a stage for a {kind} row"),
                "nothing",
            )),
            _ => errors.push(syntax(
                at(r, 2),
                "a kind: seats, valid-poll, quota, candidate, non-transferable or loss",
                describe_found(kind),
            )),
        }
    }
    let Some((first_rows, _, _)) = stages.get(&1) else {
        errors.push(syntax(
            Position::at(c.rows[0].line, 1),
            format!("candidate rows of stage 1 for contest {:?}", c.name),
            "none",
        ));
        return Err(Error::join(errors));
    };
    let candidates: Vec<OfficialCandidate> = first_rows
        .iter()
        .map(|r| OfficialCandidate {
            name: r.fields[3].trim().to_owned(),
            surname: None,
            party: None,
            pos: Some(at(r, 3)),
        })
        .collect();
    let by_name: HashMap<&str, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, k)| (k.name.as_str(), i))
        .collect();
    let n = candidates.len();
    let mut out = Vec::new();
    let mut elected: Vec<usize> = Vec::new();
    let mut excluded: Vec<usize> = Vec::new();
    for (expected, (&number, (rows, nt, loss))) in (1u32..).zip(&stages) {
        if number != expected {
            errors.push(syntax(
                Position::at(rows.first().map_or(0, |r| r.line), 2),
                format!("stage {expected} (stages are numbered without gaps)"),
                format!("stage {number}"),
            ));
            break;
        }
        let mut totals = vec![None; n];
        let mut transfers = vec![None; n];
        let mut seen = vec![false; n];
        let mut action: Option<(String, String, &Row)> = None;
        for r in rows {
            let name = r.fields[3].trim();
            let Some(&k) = by_name.get(name) else {
                errors.push(syntax(
                    at(r, 3),
                    "a candidate of stage 1",
                    describe_found(name),
                ));
                continue;
            };
            if std::mem::replace(&mut seen[k], true) {
                errors.push(syntax(
                    at(r, 3),
                    format!("one row for {name} at stage {number}"),
                    "a second",
                ));
            }
            totals[k] = read_cell(r, 7, &mut warnings);
            transfers[k] = read_cell(r, 6, &mut warnings);
            match r.fields[8].trim() {
                "" => {}
                "elected" if !elected.contains(&k) => elected.push(k),
                "excluded" if !excluded.contains(&k) => excluded.push(k),
                "elected" | "excluded" => {}
                other => errors.push(syntax(
                    at(r, 8),
                    "a status: empty, elected or excluded",
                    describe_found(other),
                )),
            }
            let this = (r.fields[4].trim().to_owned(), r.fields[5].trim().to_owned());
            match &action {
                None => action = Some((this.0, this.1, r)),
                Some((a, s, _)) if (a, s) != (&this.0, &this.1) => errors.push(syntax(
                    at(r, 4),
                    format!("the stage's action {a:?} {s:?}, as its other rows give"),
                    format!("{:?} {:?}", this.0, this.1),
                )),
                Some(_) => {}
            }
        }
        if let Some(missing) = seen.iter().position(|s| !s) {
            errors.push(syntax(
                Position::at(rows.first().map_or(0, |r| r.line), 1),
                format!("a row for every candidate at stage {number}"),
                format!("none for {}", candidates[missing].name),
            ));
        }
        let action = match action {
            None => None,
            Some((a, subject, r)) => stage_action(&a, &subject, &by_name)
                .map_err(|(field, expected, found)| {
                    errors.push(syntax(at(r, field), expected, found))
                })
                .ok()
                .flatten(),
        };
        let mut stage = OfficialStage::new(number, totals);
        stage.transfers = transfers;
        stage.action = action;
        stage.non_transferable = nt.and_then(|r| read_cell(r, 7, &mut warnings));
        stage.loss = loss.and_then(|r| read_cell(r, 7, &mut warnings));
        let mut e = elected.clone();
        e.sort_unstable();
        stage.elected = e;
        let mut x = excluded.clone();
        x.sort_unstable();
        stage.excluded = x;
        out.push(stage);
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let final_elected = out.last().map(|s| s.elected.clone()).unwrap_or_default();
    Ok(OfficialSheet {
        format: FORMAT,
        name: Some(c.name.clone()),
        code: Some(c.name.clone()),
        seats,
        valid_poll,
        quota,
        candidates,
        stages: out,
        elected: final_elected,
        warnings,
    })
}

type Refusal = (usize, String, String);

fn stage_action(
    action: &str,
    subject: &str,
    by_name: &HashMap<&str, usize>,
) -> Result<Option<StageAction>, Refusal> {
    let find = |name: &str| {
        by_name
            .get(name)
            .copied()
            .ok_or_else(|| (5, "a candidate of stage 1".to_owned(), describe_found(name)))
    };
    match action {
        "first-preferences" => Ok(Some(StageAction::FirstPreferences)),
        "surplus" => Ok(Some(StageAction::Surplus(find(subject)?))),
        "exclusion" => {
            let mut list = subject
                .split("; ")
                .map(find)
                .collect::<Result<Vec<usize>, Refusal>>()?;
            list.sort_unstable();
            Ok(Some(StageAction::Exclusion(list)))
        }
        // Not compared as actions: their figures are.
        "elect-remaining" | "round" | "" => Ok(None),
        other => Err((
            4,
            "an action: first-preferences, surplus, exclusion, elect-remaining or round".into(),
            describe_found(other),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "\
contest,stage,kind,candidate,action,subject,transfer,total,status
w,,seats,,,,,1,
w,,valid-poll,,,,,\"1,000\",
w,,quota,,,,,501,
w,1,candidate,Ann,first-preferences,,,600,elected
w,1,candidate,Bob,first-preferences,,,400,
w,1,non-transferable,,,,,0,
w,2,candidate,Bob,surplus,Ann,462.466.26,450,
w,2,candidate,Ann,surplus,Ann,-99,501,
w,2,non-transferable,,,,,49,
";

    #[test]
    fn a_sheet_reads_with_its_facts_actions_and_warnings() {
        let sheets = read(SHEET.as_bytes()).unwrap();
        let s = &sheets[0];
        assert_eq!(s.seats, Some(1));
        assert_eq!(s.valid_poll.unwrap().text(), "1000");
        assert_eq!(s.candidates[1].name, "Bob");
        assert_eq!(s.stages[1].action, Some(StageAction::Surplus(0)));
        assert_eq!(s.stages[1].totals[1].unwrap().text(), "450");
        assert_eq!(s.stages[1].non_transferable.unwrap().text(), "49");
        assert_eq!(s.elected, vec![0]);
        // The malformed transfer is a warning at its line and column, and unknown.
        assert_eq!(s.stages[1].transfers[1], None);
        assert_eq!(s.warnings.len(), 1);
        let w = &s.warnings[0];
        assert_eq!((w.pos.line, w.pos.column), (8, 31));
        assert!(w.message.contains("\"462.466.26\" is not a figure"));
    }

    #[test]
    fn each_fault_is_refused_at_its_place() {
        let cases = [
            ("contest,stage\n", "1:1", "the header"),
            (
                &SHEET.replace("w,2,candidate,Ann,surplus", "w,3,candidate,Ann,surplus") as &str,
                "",
                "a row for every candidate at stage 2",
            ),
            (&SHEET.replace(",elected\n", ",won\n"), "5:", "a status"),
            (
                &SHEET.replace("Bob,surplus,Ann", "Bob,surplus,Cy"),
                "8:",
                "a candidate of stage 1",
            ),
            (&SHEET.replace("w,,quota", "w,,quotum"), "4:", "a kind"),
        ];
        for (text, at, what) in cases {
            let e = read(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(what) && e.contains(at), "{what}: {e}");
        }
    }
}
