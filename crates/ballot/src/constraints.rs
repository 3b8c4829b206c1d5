//! Representation constraints as data: "at least `min` / at most `max`
//! elected among the candidates whose attribute `attribute` has value
//! `value`", the checks one constraint needs against a contest's candidates
//! ([`check`]), and their two CSV files.
//!
//! Counting with constraints (the feasibility solver, Grey–Fitzgerald
//! guard/doom, reserved places and substitution) is not done here: it is
//! `count::constraints`, which reads these values.
//!
//! ```
//! use ballot::constraints::{read_attributes, read_constraints};
//! use ballot::{BallotsBuilder, Candidate, Contest, Election};
//!
//! let names = ["Ann", "Bob", "Cy", "Di"];
//! let cands = names.iter().enumerate().map(|(i, n)| Candidate::named(i + 1, *n)).collect();
//! let contest = Contest::new("w", "Ward", 2, cands, BallotsBuilder::new(4).build()).unwrap();
//! let mut election = Election::single(contest);
//! read_attributes(b"name,gender\nAnn,woman\nBob,man\nCy,man\nDi,woman\n", &mut election).unwrap();
//! let per_contest = read_constraints(b"attribute,value,min,max\ngender,woman,1,\n", &election).unwrap();
//! assert_eq!(per_contest[0][0].to_string(), "gender=woman: at least 1");
//!
//! // A name that matches no candidate is refused at its row and field.
//! let err = read_attributes(b"name,gender\nZed,woman\n", &mut election).unwrap_err();
//! assert_eq!(err.position().map(|p| (p.line, p.column)), Some((2, 1)));
//! ```
//!
//! # Attributes file
//!
//! ```text
//! file    = header row*
//! header  = ["contest" ","] "name" ("," attribute)+
//! row     = [contest ","] name ("," value)+      ; as many fields as the header
//! ```
//!
//! - `contest` (optional first column): the id of the contest the candidate
//!   stands in. Without it a name must identify one candidate in the whole
//!   election; a name standing in two contests then needs the column.
//! - `name`: the candidate's name exactly as in the ballot file.
//! - each further column is an attribute (`gender`, `bame`, …); its cell is
//!   the candidate's value. An empty cell leaves the attribute unknown, which
//!   is an error later only if a constraint needs it.
//!
//! # Constraints file
//!
//! ```text
//! file    = header row*
//! header  = ["contest" ","] "attribute" "," "value" "," "min" "," "max"
//! row     = [contest ","] attribute "," value "," [min] "," [max]
//! ```
//!
//! - `contest` (optional first column): the contest the row binds. Without
//!   it every row binds every contest of the election.
//! - `attribute`, `value`: the group of candidates counted (`gender`,`woman`).
//! - `min`: at least this many of the group are elected; empty means 0.
//! - `max`: at most this many; empty means no maximum.
//!
//! In both files fields are trimmed of surrounding spaces, blank lines are
//! skipped, and a UTF-8 byte-order mark is ignored.
//!
//! # Positions
//!
//! Errors in either file are [`ErrorKind::Syntax`]
//! errors of format [`Format::Csv`] whose [`Position`] has the **line** of the
//! file where the record starts (from 1), the **1-based field number** as its
//! `column` (not a character column), the byte offset of the record's start,
//! and no ballot number. Every bad row is reported, not just the first.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Position, describe_found};
use crate::format::Format;
use crate::model::{CandidateId, Contest, Election};

/// A constraint's index within its contest's list, from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConstraintId(u16);

impl ConstraintId {
    /// The most constraints one contest may have.
    pub const MAX_CONSTRAINTS: usize = 64;

    /// The constraint at this 0-based index of a contest's list, if a
    /// contest may have that many.
    pub fn new(index: usize) -> Option<ConstraintId> {
        (index < Self::MAX_CONSTRAINTS).then_some(ConstraintId(index as u16))
    }

    /// The 0-based index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The 1-based number used in messages.
    pub fn number(self) -> usize {
        self.index() + 1
    }
}

impl fmt::Display for ConstraintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "constraint {}", self.number())
    }
}

/// At least `min` and at most `max` elected among the candidates whose
/// attribute `attribute` is `value`. Serialised as
/// `{"attribute": "gender", "value": "woman", "min": 3}` (`max` omitted when
/// unbounded, `min` when 0).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint {
    /// The attribute, e.g. `gender`.
    pub attribute: String,
    /// The value that puts a candidate in the group, e.g. `woman`.
    pub value: String,
    /// The fewest of the group to elect (0 for no minimum).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min: u32,
    /// The most of the group to elect, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Constraint {
    /// At least `min` elected with `attribute` = `value`.
    pub fn at_least(attribute: impl Into<String>, value: impl Into<String>, min: u32) -> Self {
        Constraint {
            attribute: attribute.into(),
            value: value.into(),
            min,
            max: None,
        }
    }

    /// At most `max` elected with `attribute` = `value`.
    pub fn at_most(attribute: impl Into<String>, value: impl Into<String>, max: u32) -> Self {
        Constraint {
            attribute: attribute.into(),
            value: value.into(),
            min: 0,
            max: Some(max),
        }
    }

    /// The same constraint with a maximum.
    pub fn with_max(mut self, max: u32) -> Self {
        self.max = Some(max);
        self
    }

    /// The group, as `attribute=value`.
    pub fn group(&self) -> String {
        format!("{}={}", self.attribute, self.value)
    }

    /// True when `count` elected members of the group satisfy it.
    pub fn allows(&self, count: u32) -> bool {
        count >= self.min && self.max.is_none_or(|m| count <= m)
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.group())?;
        match (self.min, self.max) {
            (0, None) => write!(f, "no bound"),
            (min, None) => write!(f, "at least {min}"),
            (0, Some(max)) => write!(f, "at most {max}"),
            (min, Some(max)) if min == max => write!(f, "exactly {min}"),
            (min, Some(max)) => write!(f, "between {min} and {max}"),
        }
    }
}

/// Why constraints cannot be used for a contest. Each variant names the contest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConstraintError {
    /// The minimum exceeds the maximum.
    MinAboveMax {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
    },
    /// The minimum exceeds the seats.
    MinAboveSeats {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// Seats of the contest.
        seats: u32,
    },
    /// No candidate of the contest has the attribute at all (a misspelling?).
    UnknownAttribute {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// The attributes the contest's candidates do have, sorted.
        known: Vec<String>,
    },
    /// A standing candidate's value of a constrained attribute is unknown.
    MissingAttribute {
        /// Contest id.
        contest: String,
        /// The constraint that needs it.
        constraint: Constraint,
        /// The candidate.
        candidate: CandidateId,
        /// The candidate's name.
        name: String,
    },
    /// Fewer standing candidates are in the group than its minimum.
    TooFewCandidates {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// Standing (non-withdrawn) candidates in the group.
        standing: u32,
    },
    /// The same group is constrained twice.
    Repeated {
        /// Contest id.
        contest: String,
        /// The second constraint on the group.
        constraint: Constraint,
    },
    /// More than [`ConstraintId::MAX_CONSTRAINTS`] constraints.
    TooMany {
        /// Contest id.
        contest: String,
        /// How many were given.
        count: usize,
    },
    /// A count state does not fit the contest.
    BadState {
        /// Contest id.
        contest: String,
        /// What is wrong.
        what: String,
    },
    /// No set of candidates that the count can still elect meets the
    /// constraints. `unmet` is a smallest set of constraints that already
    /// cannot be met together (empty: the seats cannot be filled at all).
    Infeasible {
        /// Contest id.
        contest: String,
        /// Places to fill: the seats, or fewer if fewer candidates stand.
        places: u32,
        /// Candidates already elected when this was found (none before the count).
        elected: u32,
        /// A smallest set of constraints that cannot be met together.
        unmet: Vec<(ConstraintId, Constraint)>,
    },
    /// The substitution method found no allowed swap for an unmet constraint.
    NoSubstitution {
        /// Contest id.
        contest: String,
        /// The constraint left unmet.
        constraint: (ConstraintId, Constraint),
    },
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstraintError::MinAboveMax {
                contest,
                constraint,
            } => write!(
                f,
                "contest {contest}: {constraint}: the minimum {} is above the maximum {}",
                constraint.min,
                constraint.max.unwrap_or(0)
            ),
            ConstraintError::MinAboveSeats {
                contest,
                constraint,
                seats,
            } => write!(
                f,
                "contest {contest}: {constraint}: the minimum is above the {seats} seats"
            ),
            ConstraintError::UnknownAttribute {
                contest,
                constraint,
                known,
            } => write!(
                f,
                "contest {contest}: {constraint}: no candidate has an attribute {:?} (known: {})",
                constraint.attribute,
                list_or_none(known)
            ),
            ConstraintError::MissingAttribute {
                contest,
                constraint,
                candidate,
                name,
            } => write!(
                f,
                "contest {contest}: {constraint}: candidate {} {name:?} has no {:?}",
                candidate.number(),
                constraint.attribute
            ),
            ConstraintError::TooFewCandidates {
                contest,
                constraint,
                standing,
            } => write!(
                f,
                "contest {contest}: {constraint}: only {standing} standing candidates have {}",
                constraint.group()
            ),
            ConstraintError::Repeated {
                contest,
                constraint,
            } => write!(
                f,
                "contest {contest}: {} is constrained twice",
                constraint.group()
            ),
            ConstraintError::TooMany { contest, count } => write!(
                f,
                "contest {contest}: {count} constraints; at most {}",
                ConstraintId::MAX_CONSTRAINTS
            ),
            ConstraintError::BadState { contest, what } => {
                write!(f, "contest {contest}: count state: {what}")
            }
            ConstraintError::NoSubstitution {
                contest,
                constraint: (id, c),
            } => write!(
                f,
                "contest {contest}: no substitution can meet {id} ({c}) without breaking a constraint already met"
            ),
            ConstraintError::Infeasible {
                contest,
                places,
                elected,
                unmet,
            } => {
                write!(f, "contest {contest}: no {places} candidates")?;
                if *elected > 0 {
                    write!(f, " including the {elected} already elected")?;
                }
                if unmet.is_empty() {
                    return write!(f, " can be elected: too few candidates remain");
                }
                write!(f, " can meet ")?;
                if unmet.len() > 1 {
                    write!(f, "together ")?;
                }
                for (i, (id, c)) in unmet.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{id} ({c})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConstraintError {}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Checks `constraints` against the contest: at most
/// [`ConstraintId::MAX_CONSTRAINTS`]; each minimum at most its maximum and
/// the seats; each attribute held by some candidate and known for every
/// standing (non-withdrawn) one; no group constrained twice; at least `min`
/// standing candidates in each group. Whether they can all be met together
/// is the count's question (`count::constraints`).
pub fn check(contest: &Contest, constraints: &[Constraint]) -> Result<(), ConstraintError> {
    if constraints.len() > ConstraintId::MAX_CONSTRAINTS {
        return Err(ConstraintError::TooMany {
            contest: contest.id().to_owned(),
            count: constraints.len(),
        });
    }
    for (i, c) in constraints.iter().enumerate() {
        validate(contest, c)?;
        if constraints[..i]
            .iter()
            .any(|d| d.attribute == c.attribute && d.value == c.value)
        {
            return Err(ConstraintError::Repeated {
                contest: contest.id().to_owned(),
                constraint: c.clone(),
            });
        }
    }
    Ok(())
}

/// Checks one constraint against a contest, as [`check`] does.
fn validate(contest: &Contest, c: &Constraint) -> Result<(), ConstraintError> {
    let id = || contest.id().to_owned();
    if c.max.is_some_and(|max| c.min > max) {
        return Err(ConstraintError::MinAboveMax {
            contest: id(),
            constraint: c.clone(),
        });
    }
    if c.min > contest.seats() {
        return Err(ConstraintError::MinAboveSeats {
            contest: id(),
            constraint: c.clone(),
            seats: contest.seats(),
        });
    }
    if !contest
        .candidates()
        .iter()
        .any(|k| k.attributes.contains_key(&c.attribute))
    {
        let known: BTreeSet<&String> = contest
            .candidates()
            .iter()
            .flat_map(|k| k.attributes.keys())
            .collect();
        return Err(ConstraintError::UnknownAttribute {
            contest: id(),
            constraint: c.clone(),
            known: known.into_iter().cloned().collect(),
        });
    }
    let mut standing = 0u32;
    for cid in contest.candidate_ids() {
        if contest.withdrawn().contains(&cid) {
            continue;
        }
        let cand = contest.candidate(cid);
        match cand.attributes.get(&c.attribute) {
            None => {
                return Err(ConstraintError::MissingAttribute {
                    contest: id(),
                    constraint: c.clone(),
                    candidate: cid,
                    name: cand.name.clone(),
                });
            }
            Some(v) if *v == c.value => standing += 1,
            Some(_) => {}
        }
    }
    if standing < c.min {
        return Err(ConstraintError::TooFewCandidates {
            contest: id(),
            constraint: c.clone(),
            standing,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The CSV readers.

/// One CSV record with its position.
struct Row {
    fields: Vec<String>,
    line: u64,
    byte: u64,
}

impl Row {
    fn pos(&self, field: usize) -> Position {
        Position {
            byte: self.byte,
            line: self.line,
            column: field as u64 + 1,
            ballot: None,
        }
    }

    fn error(&self, field: usize, expected: impl Into<String>, found: impl Into<String>) -> Error {
        Error::syntax(Format::Csv, self.pos(field), expected, found)
    }
}

fn records(input: &[u8]) -> Result<Vec<Row>, Error> {
    // Positions count bytes of the file as given, byte-order mark included.
    let (input, skipped) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (input, 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let pos = record.position();
                rows.push(Row {
                    fields: record.iter().map(str::to_owned).collect(),
                    line: pos.map_or(0, csv::Position::line),
                    byte: pos.map_or(0, csv::Position::byte) + skipped,
                });
            }
            Err(e) => return Err(csv_error(e, skipped)),
        }
    }
    Ok(rows)
}

fn csv_error(e: csv::Error, skipped: u64) -> Error {
    let pos = e.position().cloned();
    let mut at = Position::at(pos.as_ref().map_or(0, csv::Position::line), 1);
    at.byte = pos.as_ref().map_or(0, csv::Position::byte) + skipped;
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::new(ErrorKind::Io(io)),
        csv::ErrorKind::Utf8 { err, .. } => {
            at.column = err.field() as u64 + 1;
            Error::syntax(Format::Csv, at, "UTF-8 text", "invalid UTF-8")
        }
        other => Error::syntax(Format::Csv, at, "a CSV record", format!("{other:?}")),
    }
}

/// Checks a data row has the header's number of fields.
fn check_width(row: &Row, width: usize) -> Result<(), Error> {
    if row.fields.len() == width {
        Ok(())
    } else {
        Err(row.error(
            row.fields.len().min(width),
            format!("{width} fields as in the header"),
            format!("{} fields", row.fields.len()),
        ))
    }
}

fn contest_ids(election: &Election) -> String {
    election
        .contests()
        .iter()
        .map(Contest::id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an attributes file (grammar in the module header) and sets each
/// named candidate's attributes. Nothing is changed unless the whole file is
/// good; every bad row is reported.
pub fn read_attributes(input: &[u8], election: &mut Election) -> Result<(), Error> {
    let rows = records(input)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(Error::syntax(
            Format::Csv,
            Position::at(1, 1),
            "a header `name,<attribute>,…`",
            "an empty file",
        ));
    };
    let has_contest = header.fields.first().is_some_and(|f| f == "contest");
    let name_col = usize::from(has_contest);
    let mut errors = Vec::new();
    if header.fields.get(name_col).map(String::as_str) != Some("name") {
        let found = header
            .fields
            .get(name_col)
            .map_or("nothing", String::as_str);
        return Err(header.error(
            name_col,
            "the column `name` (after an optional `contest`)",
            describe_found(found),
        ));
    }
    let attributes = &header.fields[name_col + 1..];
    if attributes.is_empty() {
        return Err(header.error(
            name_col + 1,
            "at least one attribute column",
            "end of header",
        ));
    }
    for (i, a) in attributes.iter().enumerate() {
        let field = name_col + 1 + i;
        if a.is_empty() || a == "name" || a == "contest" {
            errors.push(header.error(field, "an attribute name", describe_found(a)));
        } else if attributes[..i].contains(a) {
            errors.push(header.error(field, "a new attribute name", describe_found(a)));
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }

    // (contest index, candidate, attribute, value)
    let mut updates: Vec<(usize, CandidateId, usize, String)> = Vec::new();
    let mut seen: BTreeMap<(usize, CandidateId), u64> = BTreeMap::new();
    for row in data {
        if let Err(e) = check_width(row, header.fields.len()) {
            errors.push(e);
            continue;
        }
        let name = &row.fields[name_col];
        let found: Vec<(usize, CandidateId)> = if has_contest {
            let cid = &row.fields[0];
            match election.contests().iter().position(|c| c.id() == cid) {
                None => {
                    errors.push(row.error(
                        0,
                        format!("a contest id ({})", contest_ids(election)),
                        describe_found(cid),
                    ));
                    continue;
                }
                Some(k) => election.contests()[k]
                    .find_by_name(name)
                    .map(|c| (k, c))
                    .into_iter()
                    .collect(),
            }
        } else {
            election
                .contests()
                .iter()
                .enumerate()
                .filter_map(|(k, c)| c.find_by_name(name).map(|id| (k, id)))
                .collect()
        };
        let (k, cand) = match found[..] {
            [one] => one,
            [] => {
                let whose = if has_contest {
                    format!("contest {}", row.fields[0])
                } else {
                    "the ballot file".to_owned()
                };
                errors.push(row.error(
                    name_col,
                    format!("the name of a candidate of {whose}"),
                    describe_found(name),
                ));
                continue;
            }
            _ => {
                errors.push(row.error(
                    name_col,
                    "a name standing in one contest only (add a `contest` column)",
                    format!(
                        "{} standing in {} contests",
                        describe_found(name),
                        found.len()
                    ),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert((k, cand), row.line) {
            errors.push(row.error(
                name_col,
                format!("a candidate not already listed (line {first})"),
                describe_found(name),
            ));
            continue;
        }
        for (i, value) in row.fields[name_col + 1..].iter().enumerate() {
            if !value.is_empty() {
                updates.push((k, cand, i, value.clone()));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let contests = election.contests_mut();
    for (k, cand, i, value) in updates {
        contests[k].candidates_mut()[cand.index()]
            .attributes
            .insert(attributes[i].clone(), value);
    }
    Ok(())
}

/// Reads a constraints file (grammar in the module header) against an
/// election whose candidates already carry their attributes, giving one
/// [`ContestConstraints`] per contest in the election's order (empty for a
/// contest no row binds). Each row is checked as
/// [`ContestConstraints::new`] checks it, with the error at the row's field
/// concerned; joint feasibility is left to
/// [`ContestConstraints::check_feasible`].
pub fn read_constraints(input: &[u8], election: &Election) -> Result<Vec<Vec<Constraint>>, Error> {
    let rows = records(input)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(Error::syntax(
            Format::Csv,
            Position::at(1, 1),
            "a header `attribute,value,min,max`",
            "an empty file",
        ));
    };
    let has_contest = header.fields.first().is_some_and(|f| f == "contest");
    let off = usize::from(has_contest);
    for (i, want) in ["attribute", "value", "min", "max"].iter().enumerate() {
        let got = header.fields.get(off + i).map_or("", String::as_str);
        if got != *want {
            let found = if header.fields.len() <= off + i {
                "end of header".to_owned()
            } else {
                describe_found(got)
            };
            return Err(header.error(off + i, format!("the column `{want}`"), found));
        }
    }
    if header.fields.len() > off + 4 {
        return Err(header.error(
            off + 4,
            "end of header after `max`",
            describe_found(&header.fields[off + 4]),
        ));
    }

    let contests = election.contests();
    let mut per_contest: Vec<Vec<Constraint>> = vec![Vec::new(); contests.len()];
    // Line of the row that set each (contest, attribute, value).
    let mut seen: BTreeMap<(usize, String, String), u64> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in data {
        if let Err(e) = check_width(row, header.fields.len()) {
            errors.push(e);
            continue;
        }
        let targets: Vec<usize> = if has_contest {
            match contests.iter().position(|c| c.id() == row.fields[0]) {
                Some(k) => vec![k],
                None => {
                    errors.push(row.error(
                        0,
                        format!("a contest id ({})", contest_ids(election)),
                        describe_found(&row.fields[0]),
                    ));
                    continue;
                }
            }
        } else {
            (0..contests.len()).collect()
        };
        let [attribute, value, min, max] = [0, 1, 2, 3].map(|i| row.fields[off + i].as_str());
        if attribute.is_empty() {
            errors.push(row.error(off, "an attribute name", "nothing"));
            continue;
        }
        if value.is_empty() {
            errors.push(row.error(off + 1, "a value", "nothing"));
            continue;
        }
        let number = |field: usize, text: &str| -> Result<Option<u32>, Error> {
            if text.is_empty() {
                Ok(None)
            } else {
                text.parse::<u32>().map(Some).map_err(|_| {
                    row.error(
                        field,
                        "a whole number of seats or nothing",
                        describe_found(text),
                    )
                })
            }
        };
        let (min, max) = match (number(off + 2, min), number(off + 3, max)) {
            (Ok(None), Ok(None)) => {
                errors.push(row.error(off + 2, "a min or a max", "both empty"));
                continue;
            }
            (Ok(min), Ok(max)) => (min.unwrap_or(0), max),
            (a, b) => {
                errors.extend(a.err());
                errors.extend(b.err());
                continue;
            }
        };
        let constraint = Constraint {
            attribute: attribute.to_owned(),
            value: value.to_owned(),
            min,
            max,
        };
        for k in targets {
            let key = (k, attribute.to_owned(), value.to_owned());
            if let Some(first) = seen.get(&key) {
                errors.push(row.error(
                    off + 1,
                    format!(
                        "a group not constrained already (line {first}, contest {})",
                        contests[k].id()
                    ),
                    describe_found(&constraint.group()),
                ));
                continue;
            }
            seen.insert(key, row.line);
            match validate(&contests[k], &constraint) {
                Ok(()) => per_contest[k].push(constraint.clone()),
                Err(e) => errors.push(positioned(row, off, &contests[k], e)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    for (c, cs) in contests.iter().zip(&per_contest) {
        check(c, cs).map_err(|e| Error::new(ErrorKind::Model(e.to_string())))?;
    }
    Ok(per_contest)
}

/// A row's validation failure as a positioned error at the field concerned.
fn positioned(row: &Row, off: usize, contest: &Contest, e: ConstraintError) -> Error {
    let id = contest.id();
    match e {
        ConstraintError::MinAboveMax { constraint, .. } => row.error(
            off + 3,
            format!("a max of at least the min {}", constraint.min),
            constraint.max.unwrap_or(0).to_string(),
        ),
        ConstraintError::MinAboveSeats {
            constraint, seats, ..
        } => row.error(
            off + 2,
            format!("a min of at most the {seats} seats of contest {id}"),
            constraint.min.to_string(),
        ),
        ConstraintError::UnknownAttribute {
            constraint, known, ..
        } => row.error(
            off,
            format!(
                "an attribute of the candidates of contest {id} ({})",
                list_or_none(&known)
            ),
            describe_found(&constraint.attribute),
        ),
        ConstraintError::MissingAttribute {
            constraint, name, ..
        } => row.error(
            off,
            format!(
                "an attribute known for every candidate of contest {id}, but {name:?} has no {:?}",
                constraint.attribute
            ),
            describe_found(&constraint.attribute),
        ),
        ConstraintError::TooFewCandidates {
            constraint,
            standing,
            ..
        } => row.error(
            off + 2,
            format!(
                "a min of at most the {standing} candidates of contest {id} with {}",
                constraint.group()
            ),
            constraint.min.to_string(),
        ),
        other => Error::new(ErrorKind::Model(other.to_string())),
    }
}
