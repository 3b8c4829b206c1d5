//! ES&S cast-vote-record exports: an Excel workbook (`.xlsx`) with one row
//! per paper, read into one contest. This module owns the layout of the
//! sheet and what each cell means; how irregular papers (skipped ranks,
//! overvotes, repeats) become rankings is [`crate::policy`]'s, and the
//! workbook's zip and XML are the `calamine` crate's.
//!
//! # Grammar
//!
//! ```text
//! workbook = sheet ...                      ; only the first sheet is read
//! sheet    = header-row data-row*           ; rows in sheet order
//! header   = cell*                          ; text cells naming the columns
//! data-row = cell*                          ; a paper, or `count` papers
//! choice   = NTH " CHOICE" [" " contest]    ; header of rank N: 1ST, 2ND, 3RD, 4TH…
//! count    = "COUNT"                        ; header of the paper count, optional
//! cell     = skipped | overvote | write-in | name
//! ```
//!
//! **Header.** The first row holding a cell is the header. The choice
//! columns are found by their header, compared without case after trimming
//! spaces: `1ST CHOICE …`, `2ND CHOICE …` (any ordinal suffix is accepted
//! with its number), each rank once and none missing from 1, in any column
//! order. What follows `1ST CHOICE` is the contest's title (`PARK AND
//! RECREATION COMMISSIONER AT LARGE MINNEAPOLIS`). The count column is the
//! one headed `COUNT` (or [`ReadOptions::weight_column`]); without one, each
//! row is one paper. Other columns (`Precinct`, ids) are ignored.
//!
//! **Cells** of a choice column, as text after trimming spaces: empty, or
//! the skipped label (`undervote`, any case), is an empty rank
//! ([`Slot::Skipped`]); the overvote label (`overvote`, any case) is
//! [`Slot::Overvote`]; anything else is a candidate's name, the write-in
//! label (`UWI`, undeclared write-ins) included, so that all undeclared
//! write-ins are pooled as one candidate named as the label. Numbers are
//! names too (as their text). The labels can be changed ([`EssLayout`], as
//! an RCTab configuration does). Each row's slots go through the
//! [`crate::ImportPolicy`] (by default an overvote or a gap is refused,
//! naming the option to set), and the policy is recorded in the contest.
//!
//! **Count** cells hold a whole number from 1: an integer or a number cell
//! of integral value (Excel stores every number as a double; one that is
//! integral and below 2^53 is exact, and becomes a `u64` here), or text of
//! digits.
//!
//! **Rows** whose every cell is empty (left by formatting at a sheet's
//! end) are not papers; a paper left blank is a row of `undervote` cells.
//!
//! **Candidates.** Undeclared ([`EssLayout::candidates`] none): the distinct
//! names of the choice cells, sorted by bytes, so that the list does not
//! depend on the order of the rows. Declared: those, in order, and a name
//! that is neither declared nor the write-in label is an error at its cell;
//! the write-in candidate, when some cell holds its label, comes last.
//!
//! **Seats** are not in the file: [`ReadOptions::seats`] (`--seats`) is
//! required.
//!
//! **Positions** are cells ([`ErrorKind::Cell`]): the sheet's name, the row
//! and column from 1 (shown as `B7`), and the data row's number as the
//! ballot. Every bad cell is reported, up to [`Error::MAX_REPORTED`].
//!
//! **Memory.** The sheet is streamed cell by cell; a paper is kept as one
//! small code per rank until the candidates are known, so a sheet costs
//! about 2 bytes a cell, never a grid of cell values.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::error::describe_found;
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{Irregularities, Normalizer, Refused, Slot};
use crate::preflib::policy_expected;
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::EssXlsx;

/// What an ES&S export's cells and columns are called, where a file (or
/// an RCTab configuration) differs from the defaults.
///
/// ```
/// use ballot::ess::EssLayout;
///
/// let layout = EssLayout::default();
/// assert_eq!((layout.skipped.as_str(), layout.overvote.as_str(), layout.write_in.as_str()),
///            ("undervote", "overvote", "UWI"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EssLayout {
    /// The label of an empty rank (RCTab `skippedRankLabel`); an empty cell
    /// is an empty rank too.
    pub skipped: String,
    /// The label of an overvoted rank (RCTab `overvoteLabel`).
    pub overvote: String,
    /// The label of an undeclared write-in (RCTab `undeclaredWriteInLabel`):
    /// a candidate of that name.
    pub write_in: String,
    /// The candidates, when declared (RCTab `candidates`): a cell naming
    /// anyone else is an error.
    pub candidates: Option<Vec<String>>,
    /// The column (from 1) that must hold the first choice (RCTab
    /// `firstVoteColumnIndex`); none: wherever the header puts it.
    pub first_choice_column: Option<u32>,
    /// Read only the first this many ranks (RCTab `maxRankingsAllowed`).
    pub max_ranks: Option<usize>,
}

impl Default for EssLayout {
    fn default() -> Self {
        EssLayout {
            skipped: "undervote".into(),
            overvote: "overvote".into(),
            write_in: "UWI".into(),
            candidates: None,
            first_choice_column: None,
            max_ranks: None,
        }
    }
}

/// Reads an ES&S export with the default layout (see the module documentation).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_with(input, opts, &EssLayout::default())
}

/// The code of a rank before the candidates are known.
const SKIPPED: u16 = 0;
const OVERVOTE: u16 = 1;
/// Names are `FIRST_NAME + i`, `i` their order of first appearance.
const FIRST_NAME: u16 = 2;

/// Reads an ES&S export laid out as `layout` says.
pub fn read_with(input: &[u8], opts: &ReadOptions, layout: &EssLayout) -> Result<Election, Error> {
    let workbook_error = |expected: &str, found: String| {
        Error::new(ErrorKind::Cell {
            format: FORMAT,
            sheet: None,
            pos: Position::default(),
            expected: expected.into(),
            found,
        })
    };
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(input))
        .map_err(|e| workbook_error("an Excel workbook (.xlsx)", e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| workbook_error("a workbook with a sheet", "no sheet".into()))?;
    let cell_error = |row: u32, col: u32, ballot: Option<u64>, expected: String, found: String| {
        let mut pos = Position::at(u64::from(row) + 1, u64::from(col) + 1);
        pos.ballot = ballot;
        Error::new(ErrorKind::Cell {
            format: FORMAT,
            sheet: Some(sheet.clone()),
            pos,
            expected,
            found,
        })
    };
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| workbook_error("a readable sheet", e.to_string()))?;

    let mut header: Option<Header> = None;
    let mut names = Names::default();
    let mut papers = Papers::default();
    let mut errors = Vec::new();
    // The row being gathered: its index and its cells by column.
    let mut row: Option<u32> = None;
    let mut row_cells: Vec<(u32, Text)> = Vec::new();
    let mut data_rows = 0u64;
    loop {
        let next = cells
            .next_cell()
            .map_err(|e| workbook_error("a readable sheet", e.to_string()))?;
        let next_row = next.as_ref().map(|c| c.get_position().0);
        if row.is_some() && next_row != row {
            let r = row.take().unwrap_or_default();
            match &header {
                None => {
                    header = Some(Header::find(&row_cells, r, opts, layout, &cell_error)?);
                }
                Some(h) => {
                    if row_cells.iter().any(|(_, t)| !t.is_empty()) {
                        data_rows += 1;
                        let at = |col: u32, expected: String, found: String| {
                            cell_error(r, col, Some(data_rows), expected, found)
                        };
                        if let Err(e) =
                            papers.push(h, (r, data_rows), &row_cells, layout, &mut names, at)
                        {
                            errors.push(e);
                            if errors.len() >= Error::MAX_REPORTED {
                                break;
                            }
                        }
                    }
                }
            }
            row_cells.clear();
        }
        let Some(cell) = next else { break };
        let (r, c) = cell.get_position();
        if let Some(prev) = row
            && r < prev
        {
            return Err(cell_error(
                r,
                c,
                None,
                "cells in row order".into(),
                format!("row {} after row {}", r + 1, prev + 1),
            ));
        }
        row = Some(r);
        row_cells.push((c, Text::of(cell.get_value())));
    }
    let Some(header) = header else {
        return Err(workbook_error(
            "a header row naming the choice columns",
            format!("an empty sheet {sheet:?}"),
        ));
    };

    // The candidates, and each name's id.
    let declared = layout.candidates.is_some();
    let mut candidates: Vec<String> = layout.candidates.clone().unwrap_or_default();
    if !declared {
        candidates = names.list.clone();
        candidates.sort();
    } else if names.list.iter().any(|n| n == &layout.write_in)
        && !candidates.contains(&layout.write_in)
    {
        candidates.push(layout.write_in.clone());
    }
    if candidates.len() > CandidateId::MAX_CANDIDATES {
        return Err(Error::new(ErrorKind::Model(format!(
            "{} candidates; at most {}",
            candidates.len(),
            CandidateId::MAX_CANDIDATES
        ))));
    }
    let by_name: HashMap<&str, CandidateId> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, n)| CandidateId::new(i).map(|id| (n.as_str(), id)))
        .collect();
    // Names found only in rows already reported as errors have no id.
    let ids: Vec<Option<CandidateId>> = names
        .list
        .iter()
        .map(|n| by_name.get(n.as_str()).copied())
        .collect();

    let mut builder = BallotsBuilder::new(candidates.len());
    let mut seen = Irregularities::default();
    let mut norm: Normalizer<usize> = Normalizer::new(opts.policy);
    let k = header.ranks.len();
    for (p, (&(r, ballot), &weight)) in papers.rows.iter().zip(&papers.weights).enumerate() {
        if errors.len() >= Error::MAX_REPORTED {
            break;
        }
        norm.start();
        for (i, &code) in papers.codes[p * k..(p + 1) * k].iter().enumerate() {
            let slot = match code {
                SKIPPED => Slot::Skipped,
                OVERVOTE => Slot::Overvote(&[]),
                n => match ids[usize::from(n - FIRST_NAME)] {
                    Some(id) => Slot::One(id),
                    None => Slot::Skipped,
                },
            };
            norm.push(slot, i);
        }
        let ranking = match norm.finish(weight, &mut seen) {
            Ok(r) => r,
            Err((refused, i)) => {
                let refused: Refused = refused;
                errors.push(cell_error(
                    r,
                    header.ranks[i],
                    Some(ballot),
                    policy_expected(&refused),
                    refused.irregularity.to_string(),
                ));
                continue;
            }
        };
        let so_far = builder.papers();
        if let Err(e) = builder.push_ranked(ranking, weight) {
            let col = header.count.unwrap_or(header.ranks[0]);
            let (expected, found) = match e {
                RankingError::TooManyPapers => (
                    "a total of papers below 2^64".to_string(),
                    papers_past_limit(so_far, weight),
                ),
                other => ("a valid ranking".to_string(), other.to_string()),
            };
            errors.push(cell_error(r, col, Some(ballot), expected, found));
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let seats = opts
        .seats
        .ok_or_else(|| Error::new(ErrorKind::SeatsNotRecorded { format: FORMAT }))?;
    let title = if header.title.is_empty() {
        opts.id.clone()
    } else {
        header.title.clone()
    };
    let candidates = candidates
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            if n == layout.write_in {
                Candidate::undeclared_write_ins(i + 1, n)
            } else {
                Candidate::named(i + 1, n)
            }
        })
        .collect();
    let contest = Contest::new(
        opts.id.clone(),
        title.clone(),
        seats,
        candidates,
        builder.build(),
    )?
    .with_import(opts.policy, seen);
    Election::new(opts.id.clone(), title, vec![contest])
}

/// A cell's content as this reader needs it.
enum Text {
    Empty,
    Str(String),
    /// A number: kept whole when integral, so that a count is exact.
    Whole(i64),
    /// Anything else (a fraction, a date, an error value), as text.
    Other(String),
}

impl Text {
    fn of(value: &DataRef<'_>) -> Text {
        match value {
            DataRef::Empty => Text::Empty,
            DataRef::String(s) => Text::Str(s.trim().to_owned()),
            DataRef::SharedString(s) => Text::Str(s.trim().to_owned()),
            DataRef::Int(i) => Text::Whole(*i),
            // Exact: an integral double below 2^53 converts without loss.
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => {
                Text::Whole(*f as i64)
            }
            // Shown as calamine's debug form, only ever in an error.
            other => Text::Other(format!("{other:?}")),
        }
        .normal()
    }

    fn normal(self) -> Text {
        match self {
            Text::Str(s) if s.is_empty() => Text::Empty,
            t => t,
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Text::Empty)
    }

    fn as_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Text::Empty => "".into(),
            Text::Str(s) | Text::Other(s) => s.as_str().into(),
            Text::Whole(i) => i.to_string().into(),
        }
    }
}

/// The columns of the sheet, from its header row.
struct Header {
    /// Column (from 0) of rank 1, rank 2, …
    ranks: Vec<u32>,
    count: Option<u32>,
    title: String,
}

type CellError<'a> = dyn Fn(u32, u32, Option<u64>, String, String) -> Error + 'a;

impl Header {
    fn find(
        cells: &[(u32, Text)],
        row: u32,
        opts: &ReadOptions,
        layout: &EssLayout,
        err: &CellError<'_>,
    ) -> Result<Header, Error> {
        let mut by_rank: Vec<Option<u32>> = Vec::new();
        let mut count = None;
        let mut title = String::new();
        let weight = opts.weight_column.as_deref().map(str::trim);
        for (col, text) in cells {
            let t = text.as_text();
            if let Some((n, rest)) = choice_header(&t) {
                if n > by_rank.len() {
                    by_rank.resize(n, None);
                }
                if by_rank[n - 1].is_some() {
                    return Err(err(
                        row,
                        *col,
                        None,
                        format!("one column for choice {n}"),
                        describe_found(&t),
                    ));
                }
                by_rank[n - 1] = Some(*col);
                if n == 1 {
                    title = rest.to_owned();
                }
            } else if weight.map_or(t.eq_ignore_ascii_case("count"), |w| {
                t.eq_ignore_ascii_case(w)
            }) {
                count = Some(*col);
            }
        }
        let all: Vec<String> = cells
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(_, t)| t.as_text().into_owned())
            .collect();
        if let Some(w) = weight
            && count.is_none()
        {
            return Err(err(
                row,
                0,
                None,
                format!("a column named {w:?} (the columns are: {})", all.join(", ")),
                "no such column".into(),
            ));
        }
        if by_rank.is_empty() {
            return Err(err(
                row,
                0,
                None,
                format!(
                    "a header naming the choice columns (\"1ST CHOICE …\"); the columns are: {}",
                    all.join(", ")
                ),
                "no choice column".into(),
            ));
        }
        let mut ranks = Vec::with_capacity(by_rank.len());
        for (i, c) in by_rank.iter().enumerate() {
            match c {
                Some(c) => ranks.push(*c),
                None => {
                    return Err(err(
                        row,
                        0,
                        None,
                        format!(
                            "a column for choice {} (choices 1 to {})",
                            i + 1,
                            by_rank.len()
                        ),
                        "none".into(),
                    ));
                }
            }
        }
        if let Some(first) = layout.first_choice_column
            && ranks[0] + 1 != first
        {
            return Err(err(
                row,
                ranks[0],
                None,
                format!("the first choice in column {first}, as the layout says"),
                "it here".into(),
            ));
        }
        if let Some(max) = layout.max_ranks {
            if max > ranks.len() {
                return Err(err(
                    row,
                    0,
                    None,
                    format!("{max} choice columns, as the layout says"),
                    ranks.len().to_string(),
                ));
            }
            ranks.truncate(max);
        }
        Ok(Header {
            ranks,
            count,
            title,
        })
    }
}

/// `NTH CHOICE rest`: the rank and the rest, trimmed (without case).
fn choice_header(text: &str) -> Option<(usize, &str)> {
    let t = text.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let n: usize = t.get(..digits)?.parse().ok().filter(|&n| n >= 1)?;
    let rest = t.get(digits..)?;
    let suffix = rest.get(..2)?;
    if !["st", "nd", "rd", "th"]
        .iter()
        .any(|s| suffix.eq_ignore_ascii_case(s))
    {
        return None;
    }
    let rest = rest.get(2..)?.trim_start();
    let word = rest.get(..6)?;
    if !word.eq_ignore_ascii_case("choice") {
        return None;
    }
    let rest = rest.get(6..)?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((n, rest.trim()))
}

/// The distinct names met, in order of first appearance.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: HashMap<String, u16>,
}

/// The papers read so far, a code per rank.
#[derive(Default)]
struct Papers {
    /// `ranks` codes a paper, one after another.
    codes: Vec<u16>,
    weights: Vec<u64>,
    /// The sheet row (from 0) and data row number (from 1) of each paper.
    rows: Vec<(u32, u64)>,
}

impl Papers {
    /// Reads one data row into codes, or the first bad cell of it.
    fn push(
        &mut self,
        header: &Header,
        (row, ballot): (u32, u64),
        cells: &[(u32, Text)],
        layout: &EssLayout,
        names: &mut Names,
        err: impl Fn(u32, String, String) -> Error,
    ) -> Result<(), Error> {
        let cell = |col: u32| {
            cells
                .binary_search_by_key(&col, |(c, _)| *c)
                .ok()
                .map(|i| &cells[i].1)
        };
        let weight = match header.count {
            None => 1,
            Some(col) => match cell(col) {
                Some(Text::Whole(n)) if *n >= 1 => *n as u64,
                Some(Text::Str(s)) if s.parse::<u64>().is_ok_and(|n| n >= 1) => {
                    s.parse().unwrap_or(1)
                }
                other => {
                    let found = other.map_or_else(String::new, |t| t.as_text().into_owned());
                    return Err(err(
                        col,
                        "a paper count, a whole number from 1".into(),
                        describe_found(&found),
                    ));
                }
            },
        };
        let start = self.codes.len();
        for &col in &header.ranks {
            let text = cell(col).map(Text::as_text).unwrap_or_default();
            let code = if text.is_empty() || text.eq_ignore_ascii_case(&layout.skipped) {
                SKIPPED
            } else if text.eq_ignore_ascii_case(&layout.overvote) {
                OVERVOTE
            } else {
                let known = layout.candidates.as_ref().is_none_or(|c| {
                    c.iter().any(|n| n == text.as_ref()) || text == layout.write_in
                });
                if !known {
                    self.codes.truncate(start);
                    return Err(err(
                        col,
                        format!(
                            "a declared candidate, {:?}, {:?} or {:?}",
                            layout.skipped, layout.overvote, layout.write_in
                        ),
                        describe_found(&text),
                    ));
                }
                match names.index.get(text.as_ref()) {
                    Some(&i) => FIRST_NAME + i,
                    None => {
                        let i = u16::try_from(names.list.len())
                            .ok()
                            .filter(|&i| i < u16::MAX - FIRST_NAME)
                            .ok_or_else(|| {
                                err(
                                    col,
                                    format!("at most {} candidates", CandidateId::MAX_CANDIDATES),
                                    describe_found(&text),
                                )
                            })?;
                        names.list.push(text.clone().into_owned());
                        names.index.insert(text.into_owned(), i);
                        FIRST_NAME + i
                    }
                }
            };
            self.codes.push(code);
        }
        self.weights.push(weight);
        self.rows.push((row, ballot));
        Ok(())
    }
}
