//! Clear Ballot ClearVote cast-vote-record exports, CSV: a row a paper,
//! a column a choice at a rank, marked 1 or 0, read into one contest of the
//! election per contest the header names. This module owns which columns
//! are read and what each mark means; how irregular papers become
//! rankings is [`crate::policy`]'s.
//!
//! # Grammar
//!
//! ```text
//! file     = [bom] header-row data-row*       ; RFC 4180 rows, parsed by csv_core
//! choice   = "Choice_" tag ":" contest ":" rank ":" vote-for ":" name ":" party
//!          | "Choice_" tag ":" contest ":" vote-for ":" name ":" party    ; unranked: rank 1
//! rank     = integer                          ; from 1 to 1024
//! vote-for = "Vote For " integer | integer | text
//! mark     = "1" | "0" | ""                   ; after trimming spaces
//! ```
//!
//! **Columns.** A header cell starting `Choice_` is a choice column; every
//! other column (ClearVote's `RowNumber`, `BoxID`, `BoxPosition`,
//! `BallotID`, `PrecinctID`, `BallotStyleID`, `PrecinctStyleName`,
//! `ScanComputerName`, `Status`, `Remade`) is passed over, wherever it is.
//! A choice cell is split at each `:` (so no field may hold one) into six
//! fields: the column's tag (`Choice_<id>_<n>`, not read), the contest's
//! name, the rank, the contest's vote-for, the choice's name and its party
//! (not read); or into five, without the rank, for a contest that is not
//! ranked (ClearVote's plurality layout), whose marks are first choices.
//! Any other number of fields, an empty contest or choice name, or a rank
//! that is not a whole number from 1 to [`MAX_RANK`] is an error at its
//! header cell. A header without a choice column is an error.
//!
//! **Contests** are the contest names of the choice columns, in header
//! order; a contest's id and title are its name. [`crate::read_contest`]
//! keeps one, by name: the others' cells are then not read. **Seats** are
//! the vote-for, `Vote For N` (any case) or `N`, which every column of the
//! contest must give alike; any other text records no seats, and then
//! [`ReadOptions::seats`] (`--seats`) is required. Both given, they must
//! agree.
//!
//! **Candidates** of a contest are the choice names of its columns, in
//! header order of first appearance; one name must not have two columns at
//! one rank. Columns named `Write-in` (any case, with or without the
//! hyphen or a space: ClearVote's write-in line) are the one write-in
//! candidate, [`crate::cdf::WRITE_IN`], listed last and marked as the
//! undeclared write-ins (pooled, as RCTab pools them).
//!
//! **Papers and marks.** Each data row is one paper of each contest of
//! which it has a non-empty cell: a row whose cells of a contest are all
//! empty was not given that contest (a ballot style without it), so is not
//! a paper of it; one whose cells are all `0` is a blank paper. A row may
//! be shorter than the header: the missing cells are empty. A cell `1` is
//! a mark of its choice at its rank, `0` or empty none; anything else is an
//! error at the cell. Marks then become slots as in [`crate::hart`]: two
//! or more choices marked at one rank are an overvote naming their
//! candidates ([`Slot::Overvote`], `--overvotes`), two write-in lines an
//! overvote naming nobody, a rank without a mark
//! before a later one skipped, one candidate at two ranks a repeat; each
//! paper goes through the [`crate::ImportPolicy`].
//!
//! **Row filter.** With [`ReadOptions::rows`] (`recount whatif --remove
//! BoxID=7`), only the rows whose cell in the filter's column (named
//! without case after trimming, any column: `BoxID`, `PrecinctID`,
//! `ScanComputerName`…) equals its value after trimming are read as
//! papers (`keep`), or every row but those; a row left out is not read,
//! so its cells are not checked. The candidates are the header's either
//! way. A header without the column is an error listing those it has.
//!
//! **Positions** follow [`crate::csvrank`]'s: the line and the character
//! column of the cell, and the data row's number from 1 as the ballot
//! (the header row is not counted). Every bad row is reported, up to
//! [`Error::MAX_REPORTED`].
//!
//! **Memory.** The file is held whole (the caller's bytes) and read a row
//! at a time, each row's cells past the last choice column dropped as
//! they are parsed.
//!
//! [`Slot::Overvote`]: crate::policy::Slot::Overvote

use std::collections::{HashMap, HashSet};

use crate::cdf::{MAX_RANK, WRITE_IN, read_contest_of};
use crate::csvrank::{Row, Rows, Source, end_of, ends_in_open_quote, text};
use crate::error::describe_found;
use crate::hart::push_marks;
use crate::model::{CandidateId, Election};
use crate::policy::{Irregularities, Normalizer};
use crate::preflib::policy_expected;
use crate::store::BallotsBuilder;
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::ClearBallot;

/// The start of a choice column's header cell.
pub const CHOICE_PREFIX: &str = "Choice_";

/// Whether `head`, the start of a CSV file, is a Clear Ballot export: a
/// cell of its first line starts `Choice_` (quoted or not) and holds a `:`.
pub(crate) fn looks_like_export(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    line.split(|&b| b == b',').any(|cell| {
        let cell = cell.trim_ascii();
        let cell = cell.strip_prefix(b"\"").unwrap_or(cell);
        cell.starts_with(CHOICE_PREFIX.as_bytes()) && cell.contains(&b':')
    })
}

/// Whether a choice's name is ClearVote's write-in line.
fn is_write_in(name: &str) -> bool {
    let squeezed: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    squeezed == "writein"
}

/// Reads every contest of an export (see the module documentation).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_contest(input, opts, None)
}

/// A contest being read.
struct Plan {
    name: String,
    /// Seats from the vote-for of every column, if a number.
    seats: Option<u32>,
    /// The first column of the contest.
    first: usize,
    /// The named candidates, in order, and each one's number.
    names: Vec<String>,
    name_index: HashMap<String, usize>,
    /// The (rank, candidate) of each named choice's column.
    taken: HashSet<(u64, usize)>,
    write_in: bool,
    /// Each choice column: its field, rank, and candidate (none: the
    /// write-in pool, numbered last once the candidates are known).
    columns: Vec<(usize, u64, Option<usize>)>,
    /// The same, with the pool's number.
    read: Vec<(usize, u64, CandidateId)>,
    builder: BallotsBuilder,
    norm: Normalizer<(u64, Option<usize>)>,
    seen: Irregularities,
}

/// Reads one contest of an export, by name (every one when `contest` is
/// none): the others' cells are not read.
pub fn read_contest(
    input: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    let skip = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let src = Source {
        input,
        body_at: skip,
        first_line: 1,
    };
    let body = &input[skip..];
    let mut rows = Rows::new(body);
    let mut header = Row::default();
    rows.read(&mut header, usize::MAX);
    let at_header = |col: usize, expected: String, found: String| {
        Error::syntax(FORMAT, src.field_pos(&header, col), expected, found)
    };

    // The choice columns.
    let mut plans: Vec<Plan> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut errors = Vec::new();
    for col in 0..header.len {
        let cell = match text(&header, col) {
            Ok(t) => t.trim(),
            Err((c, expected, found)) => {
                errors.push(at_header(c, expected, found));
                continue;
            }
        };
        if !cell.starts_with(CHOICE_PREFIX) {
            continue;
        }
        if let Err((expected, found)) = choice(cell, col, &mut plans, &mut by_name, opts) {
            errors.push(at_header(col, expected, found));
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let filter = match &opts.rows {
        None => None,
        Some(f) => {
            let want = f.column.trim();
            let found = (0..header.len)
                .find(|&c| text(&header, c).is_ok_and(|t| t.trim().eq_ignore_ascii_case(want)));
            let Some(col) = found else {
                let present: Vec<String> = header
                    .iter()
                    .map(|c| String::from_utf8_lossy(c).trim().to_owned())
                    .collect();
                return Err(Error::syntax(
                    FORMAT,
                    Position::at(1, 1),
                    format!(
                        "a column named {:?} to filter rows by; the columns are: {}",
                        f.column,
                        present.join(", ")
                    ),
                    "no such column",
                ));
            };
            Some((col, f))
        }
    };
    if plans.is_empty() {
        return Err(Error::syntax(
            FORMAT,
            Position::at(1, 1),
            "a header with a Choice_ column (Choice_<id>_<n>:contest:rank:Vote For N:choice:party)",
            if header.len == 0 {
                "an empty file".to_string()
            } else {
                format!("{} columns, none a choice", header.len)
            },
        ));
    }
    let wanted = match contest {
        None => None,
        Some(w) => Some(plans.iter().position(|p| p.name == w).ok_or_else(|| {
            Error::new(ErrorKind::NoSuchContest {
                format: FORMAT,
                wanted: w.to_owned(),
                have: plans.iter().map(|p| p.name.clone()).collect(),
            })
        })?),
    };
    let mut keep = 0;
    for (i, plan) in plans.iter_mut().enumerate() {
        if wanted.is_some_and(|w| w != i) {
            continue;
        }
        let pool = plan.names.len();
        let count = pool + usize::from(plan.write_in);
        if count > CandidateId::MAX_CANDIDATES {
            return Err(Error::new(ErrorKind::Model(format!(
                "more than {} candidates",
                CandidateId::MAX_CANDIDATES
            ))));
        }
        plan.read = plan
            .columns
            .iter()
            .filter_map(|&(col, rank, c)| {
                CandidateId::new(c.unwrap_or(pool)).map(|id| (col, rank, id))
            })
            .collect();
        plan.builder = BallotsBuilder::new(count);
        keep = plan
            .read
            .iter()
            .fold(keep, |k, &(col, _, _)| k.max(col + 1));
    }
    if let Some((col, _)) = filter {
        keep = keep.max(col + 1);
    }

    // The papers, a row at a time.
    let mut record = Row::default();
    let mut marks: Vec<(u64, CandidateId, usize)> = Vec::new();
    let mut tied: Vec<CandidateId> = Vec::new();
    let mut row = 0u64;
    let mut last_start = 0u64;
    while rows.read(&mut record, keep) {
        row += 1;
        last_start = record.byte;
        let at = |col: usize| src.field_pos(&record, col).in_ballot(row);
        let result = (|| {
            if let Some((col, f)) = filter
                && (text(&record, col)?.trim() == f.value.trim()) != f.keep
            {
                return Ok(());
            }
            for (i, plan) in plans.iter_mut().enumerate() {
                if wanted.is_some_and(|w| w != i) {
                    continue;
                }
                marks.clear();
                let mut on_paper = false;
                for &(col, rank, candidate) in &plan.read {
                    let cell = text(&record, col)?.trim();
                    match cell {
                        "1" => marks.push((rank, candidate, col)),
                        "0" => {}
                        "" => continue,
                        other => {
                            return Err((
                                col,
                                "a mark: 1, 0 or nothing".to_string(),
                                describe_found(other),
                            ));
                        }
                    }
                    on_paper = true;
                }
                if !on_paper {
                    continue;
                }
                marks.sort_unstable_by_key(|m| (m.0, m.1));
                push_marks(&mut plan.norm, &marks, &mut tied);
                let ranking =
                    plan.norm
                        .finish(1, &mut plan.seen)
                        .map_err(|(refused, (r, col))| {
                            (
                                col.unwrap_or(plan.first),
                                policy_expected(&refused),
                                format!("{} at rank {r}", refused.irregularity),
                            )
                        })?;
                crate::cdf::push_paper(&mut plan.builder, ranking)
                    .map_err(|(expected, found)| (plan.first, expected, found))?;
            }
            Ok(())
        })();
        if let Err((col, expected, found)) = result {
            errors.push(Error::syntax(FORMAT, at(col), expected, found));
            if errors.len() >= Error::MAX_REPORTED {
                break;
            }
        }
    }
    // csv_core ends a quoted field left open at the end of the input
    // quietly; a truncated file must not load.
    if ends_in_open_quote(body.get(last_start as usize..).unwrap_or(&[])) {
        errors.push(Error::syntax(
            FORMAT,
            end_of(input),
            "a closing '\"'",
            "the end of the file",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let mut out = Vec::new();
    for (i, plan) in plans.into_iter().enumerate() {
        if wanted.is_some_and(|w| w != i) {
            continue;
        }
        let mut names = plan.names;
        if plan.write_in {
            names.push(WRITE_IN.to_owned());
        }
        if let (Some(n), Some(s)) = (plan.seats, opts.seats)
            && n != s
        {
            return Err(at_header(
                plan.first,
                format!("the seats given ({s})"),
                format!("Vote For {n}"),
            ));
        }
        out.push(read_contest_of(
            FORMAT,
            opts,
            (plan.name.clone(), plan.name, plan.seats),
            names,
            plan.builder,
            plan.seen,
        )?);
    }
    Election::new(opts.id.clone(), opts.id.clone(), out)
}

/// Reads the choice column `col` of the header, `cell`, into its contest's
/// plan: what was wanted and found, when it is not one.
fn choice(
    cell: &str,
    col: usize,
    plans: &mut Vec<Plan>,
    by_name: &mut HashMap<String, usize>,
    opts: &ReadOptions,
) -> Result<(), (String, String)> {
    let fields: Vec<&str> = cell.split(':').map(str::trim).collect();
    let (contest, rank, vote_for, name) = match fields.as_slice() {
        [_, contest, rank, vote_for, name, _] => (*contest, Some(*rank), *vote_for, *name),
        [_, contest, vote_for, name, _] => (*contest, None, *vote_for, *name),
        _ => {
            return Err((
                "a choice column Choice_<id>_<n>:contest:rank:vote-for:choice:party (or, unranked, without the rank), no field holding a ':'".into(),
                format!("{} fields in {}", fields.len(), describe_found(cell)),
            ));
        }
    };
    if contest.is_empty() || name.is_empty() {
        let which = if contest.is_empty() {
            "contest"
        } else {
            "choice"
        };
        return Err((
            format!("a {which} name in {}", describe_found(cell)),
            "nothing".into(),
        ));
    }
    let rank = match rank {
        None => 1,
        Some(r) => match r.parse::<u64>() {
            Ok(n) if (1..=MAX_RANK).contains(&n) => n,
            _ => {
                return Err((
                    format!("a rank from 1 to {MAX_RANK} as the third field"),
                    describe_found(r),
                ));
            }
        },
    };
    let seats = {
        let lower = vote_for.to_ascii_lowercase();
        let n = lower.strip_prefix("vote for").unwrap_or(&lower).trim();
        n.parse::<u32>().ok()
    };
    if seats == Some(0) {
        return Err(("a vote-for from 1".into(), describe_found(vote_for)));
    }
    let p = *by_name.entry(contest.to_owned()).or_insert_with(|| {
        plans.push(Plan {
            name: contest.to_owned(),
            seats,
            first: col,
            names: Vec::new(),
            name_index: HashMap::new(),
            taken: HashSet::new(),
            write_in: false,
            columns: Vec::new(),
            read: Vec::new(),
            builder: BallotsBuilder::new(0),
            norm: Normalizer::new(opts.policy),
            seen: Irregularities::default(),
        });
        plans.len() - 1
    });
    let plan = &mut plans[p];
    if plan.seats != seats {
        return Err((
            format!(
                "the vote-for of the contest's first column ({})",
                plan.seats
                    .map_or("no number".to_string(), |n| format!("Vote For {n}"))
            ),
            describe_found(vote_for),
        ));
    }
    let candidate = if is_write_in(name) {
        plan.write_in = true;
        None
    } else {
        let next = plan.names.len();
        let i = *plan.name_index.entry(name.to_owned()).or_insert(next);
        if i == next {
            plan.names.push(name.to_owned());
        }
        if !plan.taken.insert((rank, i)) {
            return Err((
                format!("one column for {} at rank {rank}", describe_found(name)),
                "a second".into(),
            ));
        }
        Some(i)
    };
    plan.columns.push((col, rank, candidate));
    Ok(())
}
