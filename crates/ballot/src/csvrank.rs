//! CSV ballot records with `rank1..rankN` columns of candidate names: the
//! reader (Cambridge MA style records and recount's own CSV) and the writer
//! of recount's canonical CSV.
//!
//! # Grammar
//!
//! ```text
//! file     = [bom] meta* header-row data-row*       ; RFC 4180 rows, parsed by csv_core
//! meta     = "#" text EOL                           ; leading lines only
//! ```
//!
//! **Metadata.** Lines starting with `#` before the header row are read here,
//! not by the csv crate (whose comment character would also swallow a data
//! row whose first cell starts with `#`). When the first is exactly
//! `# recount-csv/1`, the block is recount's metadata, one `# key: value`
//! line each, the value a JSON literal (so any name, quotes and line breaks
//! included, fits on one line):
//!
//! | key | value | default |
//! |---|---|---|
//! | `contest` | string: the contest id | [`ReadOptions::id`] |
//! | `title` | string: the contest title | the contest id |
//! | `election`, `election-title` | strings, when they differ from the contest's | the contest's |
//! | `seats` | number | [`ReadOptions::seats`] (required then) |
//! | `candidate` | a name, or a [`Candidate`] object `{"id","name","affiliation","attributes"}`; one line per candidate, in order | names from the rows |
//! | `withdrawn` | a candidate's name, one line each | none |
//! | `tie-order` | array of names, strongest first | none |
//! | `policy` | the [`ImportPolicy`] object the papers were read with; the rows below are read with it too | [`ReadOptions::policy`] |
//! | `irregularities` | the [`Irregularities`] object of that import | none |
//!
//! A name given as a plain string has id `"i"` (its 1-based number). Other
//! keys are errors. A leading `#` block that does not start with
//! `# recount-csv/1` is a free comment and is skipped.
//!
//! **Columns** (names compared without case, after trimming spaces):
//! `rankN` for N from 1, each exactly once and with no number missing, in
//! any order (Cambridge 2019 has `rank1, rank10, …, rank2`); the weight
//! column ([`ReadOptions::weight_column`], else one named `weight` or
//! `count`) holding each row's paper count, a whole number from 1 (1 when
//! there is no weight column); a `valid` or `invalid` flag column holding
//! `true/false`, `t/f`, `yes/no`, `y/n` or `1/0`. Other columns (`ballot_ID`,
//! `Precinct`, `pile`…) are ignored. Rows may be shorter than the header:
//! missing cells are empty.
//!
//! **RCTab's generic CSV** (`cvrFileSources` provider `csv`) names its
//! rank columns by position, not by header: [`CsvLayout::first_rank_column`]
//! (RCTab `firstVoteColumnIndex`, from 1) makes that column and every one
//! after it, to the header's last, ranks 1, 2, … whatever the header calls
//! them (only the columns before it are looked at for a weight, a flag or
//! `rankN`); [`CsvLayout::first_row`] (RCTab `firstVoteRowIndex`, from 1,
//! the header being row 1) is the row of the first paper, the rows between
//! the header and it being passed over (not papers, not counted as
//! ballots). RCTab's `idColumnIndex` and `precinctColumnIndex` name columns
//! recount does not need: an id column is ignored, and a precinct column
//! is one a row filter can name. Its labels are this reader's: an empty
//! cell or `undervote` is skipped, `overvote` an overvote, any other text a
//! candidate (an undeclared write-in label such as `UWI` pooled as one
//! candidate of that name).
//!
//! **Row filter.** With [`ReadOptions::rows`] (`recount whatif --remove
//! batch=7`), only some rows are read as papers: those whose cell in the
//! filter's column (named as the others are, without case after trimming)
//! equals its value after trimming spaces, case kept (`keep`), or every row
//! but those. A row left out is not read at all, so its other cells are
//! not checked. The candidates are still the names of every row, so a
//! filtered read has the same candidates, in the same order, as the whole
//! file. A header without the column is an error at the header row that
//! lists the columns it has. Per-paper columns (batch, precinct, region)
//! are lost once the papers are stored as distinct rankings, which is why
//! the filter is a reading option and not an operation on the model.
//!
//! **Cells.** A cell exactly equal to a candidate's name is that candidate
//! (so a declared candidate may be called `Overvote`). Otherwise, after trimming spaces: empty or `undervote` (any
//! case) is an empty rank ([`Slot::Skipped`]); `overvote` (any case) is
//! [`Slot::Overvote`]; anything else is a candidate's name — write-in
//! markers such as `Write-In 1` are candidates named as written. When no
//! `# candidate:` line declares them, the candidates are the distinct names
//! in the rank cells, sorted by bytes, so that the list does not depend on
//! the order of the rows; when declared, a name not declared is an error. Each row's slots go
//! through [`crate::ImportPolicy::normalize`] (by default, gaps, repeats and
//! overvotes are refused naming the option to set).
//!
//! **Rejected papers.** The model holds valid papers and blank ones, and no
//! rejected papers with marks. So a row flagged invalid (`invalid=True`,
//! `valid=f`) is loaded as a *blank paper* when it ranks nobody (as all 173
//! such rows of Cambridge 2023 do), counted in [`crate::Ballots::blank`]
//! and so visible in every report; a row flagged invalid that ranks someone
//! is refused with an error at its flag: recount will not guess whether to
//! count it or not. Delete the row or clear its flag.
//!
//! **Seats** come from the metadata or [`ReadOptions::seats`]; when both are
//! given they must agree.
//!
//! **Positions** follow [`crate::Position`]: `line` and `byte` where the
//! record starts (as the csv crate counts them), shifted past the metadata block; `column` is the
//! character column of the cell's first character (its opening quote when
//! quoted), found by rescanning the record's raw bytes; `ballot` is the data
//! row's number from 1 (the header row is not counted).
//!
//! **Long rows.** A row may have more cells than the header; the cells past
//! the last column read are parsed and dropped as they come, so a row costs
//! the bytes of its first cells, not a bound per cell (see `Rows`).
//!
//! # Writer
//!
//! Writes the metadata block (every key whose value is not the default),
//! then the header `weight,rank1,…,rankK` (K the longest ranking) and one row
//! per distinct ranking in store order, then one row of blank papers (weight
//! and K empty cells) if there are any. Quoting is the csv crate's, so names
//! holding commas, quotes or line breaks survive. It refuses an election of
//! several contests, and a contest whose names repeat or are empty (a CSV
//! cell names a candidate by name, and an empty cell is an empty rank).

use std::collections::{BTreeMap, HashMap};
use std::io;

use crate::error::describe_found;
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{ImportPolicy, Irregularities, Normalizer, Refused, Slot};
use crate::preflib::policy_expected;
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::Csv;
const MAGIC: &str = "# recount-csv/1";

/// Where a CSV file's ranks and papers are, when not in `rankN` columns
/// from the row after the header: RCTab's generic CSV layout.
///
/// ```
/// use ballot::csvrank::{self, CsvLayout};
/// use ballot::ReadOptions;
///
/// // RCTab: ranks from column 3 (firstVoteColumnIndex), papers from row 3
/// // (firstVoteRowIndex); row 2 is a note under the header.
/// let csv = b"id,precinct,Choice A,Choice B\n,,(first),(second)\n1,P1,Ann,Bob\n2,P2,Bob,\n";
/// let layout = CsvLayout { first_rank_column: Some(3), first_row: Some(3) };
/// let opts = ReadOptions { seats: Some(1), ..ReadOptions::default() };
/// let e = csvrank::read_with(csv, &opts, &layout).unwrap();
/// assert_eq!(e.contests()[0].ballots().first_preferences(), vec![1, 1]);
///
/// // A first rank column past the header's last is refused.
/// let far = CsvLayout { first_rank_column: Some(9), first_row: None };
/// assert!(csvrank::read_with(csv, &opts, &far).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvLayout {
    /// The column, from 1, of rank 1 (RCTab `firstVoteColumnIndex`): it
    /// and every later column of the header are ranks 1, 2, …. None: the
    /// columns named `rankN`.
    pub first_rank_column: Option<usize>,
    /// The row, from 1 (the header is row 1, after any leading `#` lines),
    /// of the first paper (RCTab `firstVoteRowIndex`); at least 2. None: 2.
    pub first_row: Option<u64>,
}

/// Reads CSV ballot records (see the module documentation).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_with(input, opts, &CsvLayout::default())
}

/// Reads CSV ballot records laid out as `layout` says.
pub fn read_with(input: &[u8], opts: &ReadOptions, layout: &CsvLayout) -> Result<Election, Error> {
    let skip = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let (meta, body_at) = read_meta(input, skip)?;
    let src = Source {
        input,
        body_at: body_at.byte as usize,
        first_line: body_at.line,
    };
    let body = &input[src.body_at..];

    let mut rows = Rows::new(body);
    let mut header = Row::default();
    rows.read(&mut header, usize::MAX);
    let columns = Columns::find(&header, opts, layout, &src)?;
    columns.pass_over(&mut rows);

    let seats = match (meta.as_ref().and_then(|m| m.seats), opts.seats) {
        (Some((file, pos)), Some(given)) if file != given => {
            return Err(Error::syntax(
                FORMAT,
                pos,
                format!("{given} seats, as the options say"),
                file.to_string(),
            ));
        }
        (Some((file, _)), _) => file,
        (None, Some(given)) => given,
        (None, None) => {
            return Err(Error::new(ErrorKind::SeatsNotRecorded {
                format: Format::Csv,
            }));
        }
    };

    let declared = meta.as_ref().is_some_and(|m| !m.candidates.is_empty());
    let candidates: Vec<Candidate> = if declared {
        meta.as_ref()
            .map(|m| m.candidates.clone())
            .unwrap_or_default()
    } else {
        collect_names(body, &columns, &src)?
            .into_iter()
            .enumerate()
            .map(|(i, name)| Candidate::named(i + 1, name))
            .collect()
    };
    if candidates.len() > CandidateId::MAX_CANDIDATES {
        return Err(Error::new(ErrorKind::Model(format!(
            "{} candidates; at most {}",
            candidates.len(),
            CandidateId::MAX_CANDIDATES
        ))));
    }
    // Every cell is looked up here: a fast hasher matters.
    let by_name: HashMap<&str, CandidateId, foldhash::fast::RandomState> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| CandidateId::new(i).map(|id| (c.name.as_str(), id)))
        .collect();
    let policy = meta.as_ref().and_then(|m| m.policy).unwrap_or(opts.policy);

    let mut builder = BallotsBuilder::new(candidates.len());
    let mut seen = meta
        .as_ref()
        .and_then(|m| m.irregularities)
        .unwrap_or_default();
    let mut errors = Vec::new();
    let mut record = Row::default();
    let mut norm: Normalizer<usize> = Normalizer::new(policy);
    let mut row = 0u64;
    let mut last_start = 0u64;
    while rows.read(&mut record, columns.keep()) {
        row += 1;
        last_start = record.byte;
        let at = |field: usize| src.field_pos(&record, field).in_ballot(row);
        let result = (|| {
            if !columns.passes(&record, opts.rows.as_ref())? {
                return Ok(());
            }
            let weight = columns.weight(&record)?;
            norm.start();
            for &col in &columns.ranks {
                let cell = text(&record, col)?;
                let slot = match by_name.get(cell) {
                    Some(&id) => Slot::One(id),
                    None => match classify(cell) {
                        Cell::Skipped => Slot::Skipped,
                        Cell::Overvote => Slot::Overvote(&[]),
                        Cell::Name(name) => match by_name.get(name) {
                            Some(&id) => Slot::One(id),
                            None => {
                                return Err((
                                    col,
                                    "a candidate declared in the \"# candidate:\" lines"
                                        .to_string(),
                                    describe_found(cell),
                                ));
                            }
                        },
                    },
                };
                norm.push(slot, col);
            }
            let ranking =
                norm.finish(weight, &mut seen)
                    .map_err(|(r, col): (Refused, usize)| {
                        (col, policy_expected(&r), r.irregularity.to_string())
                    })?;
            if let Some(col) = columns.flag
                && columns.rejected(&record)?
                && !ranking.is_empty()
            {
                return Err((
                    col,
                    "a valid paper, or a rejected one that ranks nobody (recount keeps rejected papers only as blank papers; delete the row or clear its flag)".to_string(),
                    "a rejected paper with preferences".to_string(),
                ));
            }
            let so_far = builder.papers();
            builder.push_ranked(ranking, weight).map_err(|e| {
                let col = columns.weight.unwrap_or(0);
                match e {
                    RankingError::TooManyPapers => (
                        col,
                        "a total of papers below 2^64".to_string(),
                        papers_past_limit(so_far, weight),
                    ),
                    other => (col, "a valid ranking".to_string(), other.to_string()),
                }
            })
        })();
        if let Err((col, expected, found)) = result {
            errors.push(Error::syntax(FORMAT, at(col), expected, found));
            if errors.len() >= Error::MAX_REPORTED {
                break;
            }
        }
    }
    // The csv crate ends a quoted field left open at the end of the input
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

    let (contest_id, title, election_id, election_title) = match &meta {
        Some(m) => {
            let cid = m.contest.clone().unwrap_or_else(|| opts.id.clone());
            let title = m.title.clone().unwrap_or_else(|| cid.clone());
            let eid = m.election.clone().unwrap_or_else(|| cid.clone());
            let et = m.election_title.clone().unwrap_or_else(|| title.clone());
            (cid, title, eid, et)
        }
        None => (
            opts.id.clone(),
            opts.id.clone(),
            opts.id.clone(),
            opts.id.clone(),
        ),
    };
    let mut contest = Contest::new(contest_id, title, seats, candidates, builder.build())?;
    if let Some(m) = &meta {
        let find = |name: &str, pos: Position| {
            contest.find_by_name(name).ok_or_else(|| {
                Error::syntax(
                    FORMAT,
                    pos,
                    "the name of a declared candidate",
                    describe_found(name),
                )
            })
        };
        let withdrawn = m
            .withdrawn
            .iter()
            .map(|(name, pos)| find(name, *pos))
            .collect::<Result<Vec<_>, _>>()?;
        let tie_order = match &m.tie_order {
            Some((names, pos)) => Some(
                names
                    .iter()
                    .map(|name| find(name, *pos))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        contest = contest.with_withdrawn(withdrawn)?;
        if let Some(order) = tie_order {
            contest = contest.with_tie_order(order)?;
        }
    }
    let contest = contest.with_import(policy, seen);
    Election::new(election_id, election_title, vec![contest])
}

/// Writes one contest as recount's canonical CSV (see the module documentation).
pub fn write(election: &Election, out: &mut dyn io::Write) -> Result<(), Error> {
    let unrepresentable = |what: String| {
        Err(Error::new(ErrorKind::Unrepresentable {
            format: FORMAT,
            what,
        }))
    };
    let [contest] = election.contests() else {
        return unrepresentable(format!(
            "{} contests; a CSV file holds one",
            election.contests().len()
        ));
    };
    if contest.ballots().has_equal_rankings() {
        return unrepresentable(format!(
            "{} papers rank candidates equal, which a CSV rank column cannot hold; \
             write BLT or JSON",
            contest.ballots().equal_ranked_papers()
        ));
    }
    let mut names = BTreeMap::new();
    for c in contest.candidates() {
        if c.name.is_empty() {
            return unrepresentable(format!("candidate {:?} has an empty name", c.id));
        }
        if names.insert(c.name.as_str(), ()).is_some() {
            return unrepresentable(format!("two candidates are named {:?}", c.name));
        }
    }

    let json = |s: &str| serde_json::to_string(s).map_err(io::Error::other);
    let mut head = format!("{MAGIC}\n");
    let mut line = |key: &str, value: String| {
        head.push_str("# ");
        head.push_str(key);
        head.push_str(": ");
        head.push_str(&value);
        head.push('\n');
    };
    line("contest", json(contest.id())?);
    line("title", json(contest.title())?);
    if election.id != contest.id() {
        line("election", json(&election.id)?);
    }
    if election.title != contest.title() {
        line("election-title", json(&election.title)?);
    }
    line("seats", contest.seats().to_string());
    for (i, c) in contest.candidates().iter().enumerate() {
        if *c == Candidate::named(i + 1, c.name.clone()) {
            line("candidate", json(&c.name)?);
        } else {
            line(
                "candidate",
                serde_json::to_string(c).map_err(io::Error::other)?,
            );
        }
    }
    for &w in contest.withdrawn() {
        line("withdrawn", json(&contest.candidate(w).name)?);
    }
    if let Some(order) = contest.tie_order() {
        let names: Vec<&str> = order
            .iter()
            .map(|&c| contest.candidate(c).name.as_str())
            .collect();
        line(
            "tie-order",
            serde_json::to_string(&names).map_err(io::Error::other)?,
        );
    }
    if *contest.policy() != ImportPolicy::default() {
        line(
            "policy",
            serde_json::to_string(contest.policy()).map_err(io::Error::other)?,
        );
    }
    if !contest.irregularities().is_empty() {
        line(
            "irregularities",
            serde_json::to_string(contest.irregularities()).map_err(io::Error::other)?,
        );
    }
    out.write_all(head.as_bytes())?;

    let ballots = contest.ballots();
    let k = ballots.iter().map(|b| b.ranking.len()).max().unwrap_or(0);
    let mut w = csv::WriterBuilder::new().from_writer(out);
    let csv_err = |e: csv::Error| Error::from(io::Error::other(e));
    let header: Vec<String> = std::iter::once("weight".to_string())
        .chain((1..=k).map(|i| format!("rank{i}")))
        .collect();
    w.write_record(&header).map_err(csv_err)?;
    // The weight is written as a field of its own so that the row can
    // borrow the names.
    let mut row: Vec<&str> = Vec::with_capacity(k);
    for b in ballots.iter() {
        row.clear();
        row.extend(
            b.ranking
                .iter()
                .map(|&c| contest.candidate(c).name.as_str()),
        );
        row.resize(k, "");
        w.write_field(b.count.0.to_string()).map_err(csv_err)?;
        w.write_record(&row).map_err(csv_err)?;
    }
    if ballots.blank().0 > 0 {
        row.clear();
        row.resize(k, "");
        w.write_field(ballots.blank().0.to_string())
            .map_err(csv_err)?;
        w.write_record(&row).map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}

/// True when the record (or records) in `raw` end inside a quoted field.
pub(crate) fn ends_in_open_quote(raw: &[u8]) -> bool {
    let mut i = 0;
    let mut field_start = true;
    while let Some(&b) = raw.get(i) {
        if field_start && b == b'"' {
            i += 1;
            loop {
                match raw.get(i) {
                    None => return true,
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            field_start = false;
            continue;
        }
        field_start = matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    false
}

/// The position just after the last byte of `input`.
pub(crate) fn end_of(input: &[u8]) -> Position {
    let line_start = input.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Position {
        byte: input.len() as u64,
        line: input.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
        column: String::from_utf8_lossy(&input[line_start..])
            .chars()
            .count() as u64
            + 1,
        ballot: None,
    }
}

/// Cell `col` of a row as text (empty when the row is short).
pub(crate) fn text(record: &Row, col: usize) -> Result<&str, CellError> {
    std::str::from_utf8(record.get(col).unwrap_or(b"")).map_err(|e| {
        (
            col,
            "UTF-8 text".to_string(),
            format!(
                "the byte 0x{:02X}",
                record.get(col).unwrap_or(b"")[e.valid_up_to()]
            ),
        )
    })
}

/// The records of the CSV body, parsed by `csv_core` (RFC 4180 with the
/// csv crate's defaults: `,`, `"` doubled inside quotes, CR, LF or CRLF
/// ending a record, blank lines skipped).
///
/// Read here rather than by the csv crate, which holds a whole record with
/// a `usize` bound per field: a row of 12 million empty cells cost 9 times
/// its size. [`Rows::read`] keeps only the fields a caller can use and
/// parses the rest of a longer row into a scratch buffer on the stack, so
/// a row costs at most the bytes of its kept fields.
pub(crate) struct Rows<'a> {
    input: &'a [u8],
    /// Bytes of `input` consumed.
    at: usize,
    core: csv_core::Reader,
    done: bool,
}

/// One record: its first fields, and where it starts.
#[derive(Default)]
pub(crate) struct Row {
    /// The kept fields' bytes, unescaped, one after another (the tail is
    /// spare room for the parser).
    fields: Vec<u8>,
    /// Where each kept field ends in `fields`; only `len` are in use.
    ends: Vec<usize>,
    pub(crate) len: usize,
    /// Where the record starts in the body, as the csv crate's record
    /// position gives it: just past the previous record's last byte read.
    pub(crate) byte: u64,
    /// The line of `byte`, from 1.
    pub(crate) line: u64,
}

impl Row {
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.fields.get(start..self.ends[i])
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len).filter_map(|i| self.get(i))
    }
}

impl<'a> Rows<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Rows {
            input,
            at: 0,
            core: csv_core::Reader::new(),
            done: false,
        }
    }

    /// Reads the next record into `row`, keeping its first `keep` fields
    /// (at least one); false at the end of the input.
    pub(crate) fn read(&mut self, row: &mut Row, keep: usize) -> bool {
        use csv_core::ReadRecordResult as R;
        row.len = 0;
        row.byte = self.at as u64;
        row.line = self.core.line();
        if self.done {
            return false;
        }
        let keep = keep.max(1);
        if row.fields.is_empty() {
            row.fields.resize(64, 0);
        }
        if row.ends.is_empty() {
            row.ends.resize(keep.min(16), 0);
        }
        let mut out = 0;
        // Set once `keep` fields are read: the rest of the row goes here.
        let mut rest: Option<([u8; 1024], [usize; 256])> = None;
        loop {
            let input = &self.input[self.at..];
            let (res, nin, nout, nend) = match rest.as_mut() {
                Some((fields, ends)) => self.core.read_record(input, fields, ends),
                None => {
                    let room = row.ends.len().min(keep);
                    self.core.read_record(
                        input,
                        &mut row.fields[out..],
                        &mut row.ends[row.len..room],
                    )
                }
            };
            self.at += nin;
            if rest.is_none() {
                out += nout;
                row.len += nend;
            }
            match res {
                R::InputEmpty => {}
                R::OutputFull if rest.is_none() => {
                    let n = row.fields.len() * 2;
                    row.fields.resize(n, 0);
                }
                R::OutputEndsFull if rest.is_none() => {
                    if row.len >= keep {
                        rest = Some(([0; 1024], [0; 256]));
                    } else {
                        let n = (row.ends.len() * 2).min(keep);
                        row.ends.resize(n, 0);
                    }
                }
                R::OutputFull | R::OutputEndsFull => {}
                R::Record => return true,
                R::End => {
                    self.done = true;
                    return false;
                }
            }
        }
    }
}

/// What a rank cell holds, by its text alone.
enum Cell<'a> {
    Skipped,
    Overvote,
    Name(&'a str),
}

fn classify(cell: &str) -> Cell<'_> {
    let t = cell.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("undervote") {
        Cell::Skipped
    } else if t.eq_ignore_ascii_case("overvote") {
        Cell::Overvote
    } else {
        Cell::Name(t)
    }
}

/// Where the CSV body starts inside the whole input.
pub(crate) struct Source<'a> {
    pub(crate) input: &'a [u8],
    pub(crate) body_at: usize,
    pub(crate) first_line: u64,
}

impl Source<'_> {
    /// The position of field `field` of the record starting at `rec`.
    pub(crate) fn field_pos(&self, rec: &Row, field: usize) -> Position {
        let start = self.body_at + rec.byte as usize;
        let bytes = self.input.get(start..).unwrap_or(&[]);
        let (mut line, mut col, mut i) = (rec.line, 1u64, 0usize);
        let advance = |b: u8, line: &mut u64, col: &mut u64| {
            // Count characters, not bytes: skip UTF-8 continuation bytes.
            if b == b'\n' {
                *line += 1;
                *col = 1;
            } else if b & 0xC0 != 0x80 {
                *col += 1;
            }
        };
        // After a CRLF line end the parser stops past the CR, and before
        // blank lines it skips: the record starts past those line ends.
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\n' => {
                    line += 1;
                    col = 1;
                }
                b'\r' => {}
                _ => break,
            }
            i += 1;
        }
        for _ in 0..field {
            // Skip one field and its delimiter.
            if bytes.get(i) == Some(&b'"') {
                advance(b'"', &mut line, &mut col);
                i += 1;
                while let Some(&b) = bytes.get(i) {
                    i += 1;
                    if b == b'"' {
                        if bytes.get(i) == Some(&b'"') {
                            advance(b, &mut line, &mut col);
                            advance(b, &mut line, &mut col);
                            i += 1;
                            continue;
                        }
                        advance(b, &mut line, &mut col);
                        break;
                    }
                    advance(b, &mut line, &mut col);
                }
            }
            while let Some(&b) = bytes.get(i) {
                if b == b',' || b == b'\n' || b == b'\r' {
                    break;
                }
                advance(b, &mut line, &mut col);
                i += 1;
            }
            if bytes.get(i) == Some(&b',') {
                advance(b',', &mut line, &mut col);
                i += 1;
            } else {
                break;
            }
        }
        Position {
            byte: (start + i) as u64,
            line: line + self.first_line - 1,
            column: col,
            ballot: None,
        }
    }
}

/// Which columns hold what.
struct Columns {
    /// Field index of rank 1, rank 2, …
    ranks: Vec<usize>,
    weight: Option<usize>,
    flag: Option<usize>,
    /// True when the flag column is `valid` (false means rejected).
    flag_is_valid: bool,
    /// The column of [`ReadOptions::rows`], when given.
    filter: Option<usize>,
    /// Rows after the header that are not papers ([`CsvLayout::first_row`]).
    passed: u64,
}

pub(crate) type CellError = (usize, String, String);

impl Columns {
    fn find(
        header: &Row,
        opts: &ReadOptions,
        layout: &CsvLayout,
        src: &Source<'_>,
    ) -> Result<Columns, Error> {
        let at = |field: usize| src.field_pos(header, field);
        let mut ranks: BTreeMap<u64, usize> = BTreeMap::new();
        let mut weight = None;
        let mut flag = None;
        let mut flag_is_valid = false;
        let mut filter = None;
        let wanted = opts
            .rows
            .as_ref()
            .map(|f| f.column.trim().to_ascii_lowercase());
        for (i, name) in header.iter().enumerate() {
            let name = &*String::from_utf8_lossy(name);
            let key = name.trim().to_ascii_lowercase();
            // The filter's column may also be one read for itself (a
            // filter on `weight` is odd but well defined).
            if wanted.as_deref() == Some(key.as_str()) && filter.replace(i).is_some() {
                return Err(Error::syntax(
                    FORMAT,
                    at(i),
                    format!("one column named {:?} to filter rows by", key),
                    describe_found(name),
                ));
            }
            // From the first rank column on, the header names nothing.
            if layout.first_rank_column.is_some_and(|k| i + 1 >= k) {
                continue;
            }
            let twice = |what: &str| {
                Error::syntax(
                    FORMAT,
                    at(i),
                    format!("one {what} column"),
                    describe_found(name),
                )
            };
            let is_weight = match &opts.weight_column {
                Some(w) => name.trim() == w.trim(),
                None => key == "weight" || key == "count",
            };
            if is_weight {
                if weight.replace(i).is_some() {
                    return Err(twice("weight"));
                }
            } else if key == "valid" || key == "invalid" {
                if flag.replace(i).is_some() {
                    return Err(twice("valid/invalid"));
                }
                flag_is_valid = key == "valid";
            } else if let Some(n) = key.strip_prefix("rank") {
                // `rank01` is not `rank1`: only canonical numbers count.
                if let Ok(v) = n.parse::<u64>()
                    && v >= 1
                    && n == v.to_string()
                    && ranks.insert(v, i).is_some()
                {
                    return Err(twice(&format!("rank{v}")));
                }
            }
        }
        if let (Some(w), None) = (&opts.weight_column, weight) {
            return Err(Error::syntax(
                FORMAT,
                at(0),
                format!("a weight column named {w:?}"),
                "no such column",
            ));
        }
        if let (Some(f), None) = (&opts.rows, filter) {
            let present: Vec<String> = header
                .iter()
                .map(|c| String::from_utf8_lossy(c).trim().to_owned())
                .collect();
            return Err(Error::syntax(
                FORMAT,
                at(0),
                format!(
                    "a column named {:?} to filter rows by; the columns are: {}",
                    f.column,
                    present.join(", ")
                ),
                "no such column",
            ));
        }
        let passed = match layout.first_row {
            Some(r) if r < 2 => {
                return Err(Error::syntax(
                    FORMAT,
                    at(0),
                    "a first paper row from 2 (row 1 is the header)",
                    r.to_string(),
                ));
            }
            Some(r) => r - 2,
            None => 0,
        };
        if let Some(k) = layout.first_rank_column {
            let width = header.iter().count();
            if k == 0 || k > width {
                return Err(Error::syntax(
                    FORMAT,
                    at(0),
                    format!("a first rank column from 1 to {width} (the header's columns)"),
                    k.to_string(),
                ));
            }
            if let Some((_, &col)) = ranks.iter().next() {
                return Err(Error::syntax(
                    FORMAT,
                    at(col),
                    format!("no rankN column before the first rank column, {k}"),
                    describe_found(&String::from_utf8_lossy(
                        header.iter().nth(col).unwrap_or_default(),
                    )),
                ));
            }
            ranks = (k - 1..width).zip(1..).map(|(col, n)| (n, col)).collect();
        }
        if ranks.is_empty() && weight.is_none() {
            return Err(Error::syntax(
                FORMAT,
                at(0),
                "a header row with columns rank1, rank2, …",
                describe_found(
                    &header
                        .iter()
                        .map(String::from_utf8_lossy)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
            ));
        }
        if let Some(missing) = (1..).zip(ranks.keys()).find(|(want, have)| want != *have) {
            return Err(Error::syntax(
                FORMAT,
                at(0),
                format!(
                    "a column rank{} (rank columns are numbered from 1 without gaps)",
                    missing.0
                ),
                format!("rank{} after rank{}", missing.1, missing.0 - 1),
            ));
        }
        Ok(Columns {
            ranks: ranks.into_values().collect(),
            weight,
            flag,
            flag_is_valid,
            filter,
            passed,
        })
    }

    /// Reads past the rows between the header and the first paper.
    fn pass_over(&self, rows: &mut Rows<'_>) {
        let mut row = Row::default();
        for _ in 0..self.passed {
            if !rows.read(&mut row, 0) {
                break;
            }
        }
    }

    /// How many leading fields of a row hold a column read here.
    fn keep(&self) -> usize {
        let last = self
            .ranks
            .iter()
            .chain(&self.weight)
            .chain(&self.flag)
            .chain(&self.filter)
            .max();
        last.map_or(0, |&i| i + 1)
    }

    fn weight(&self, record: &Row) -> Result<u64, CellError> {
        let Some(col) = self.weight else {
            return Ok(1);
        };
        let cell = text(record, col)?;
        match cell.trim().parse::<u64>() {
            Ok(w) if w >= 1 => Ok(w),
            _ => Err((
                col,
                "a paper count (a whole number from 1)".into(),
                describe_found(cell),
            )),
        }
    }

    /// True when the row is read as a paper under `rows` (always without one).
    fn passes(&self, record: &Row, rows: Option<&crate::RowFilter>) -> Result<bool, CellError> {
        let (Some(col), Some(rows)) = (self.filter, rows) else {
            return Ok(true);
        };
        let cell = text(record, col)?;
        Ok((cell.trim() == rows.value.trim()) == rows.keep)
    }

    /// True when the row is flagged as a rejected paper.
    fn rejected(&self, record: &Row) -> Result<bool, CellError> {
        let Some(col) = self.flag else {
            return Ok(false);
        };
        let cell = text(record, col)?;
        let yes = match cell.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "1" => true,
            "false" | "f" | "no" | "n" | "0" => false,
            _ => {
                return Err((
                    col,
                    "true or false (t/f, yes/no, 1/0)".into(),
                    describe_found(cell),
                ));
            }
        };
        Ok(yes != self.flag_is_valid)
    }
}

/// The distinct candidate names in the rank cells, sorted by bytes.
fn collect_names(body: &[u8], columns: &Columns, src: &Source<'_>) -> Result<Vec<String>, Error> {
    let mut rows = Rows::new(body);
    let mut names = std::collections::BTreeSet::new();
    let mut record = Row::default();
    // The header, already read by the caller.
    rows.read(&mut record, 1);
    columns.pass_over(&mut rows);
    let mut row = 0;
    while rows.read(&mut record, columns.keep()) {
        row += 1;
        for &col in &columns.ranks {
            let cell = text(&record, col).map_err(|(col, expected, found)| {
                let pos = src.field_pos(&record, col).in_ballot(row);
                Error::syntax(FORMAT, pos, expected, found)
            })?;
            if let Cell::Name(name) = classify(cell) {
                if !names.contains(name) {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    Ok(names.into_iter().collect())
}

/// recount's metadata block, when the file has one.
#[derive(Default)]
struct Meta {
    contest: Option<String>,
    title: Option<String>,
    election: Option<String>,
    election_title: Option<String>,
    seats: Option<(u32, Position)>,
    candidates: Vec<Candidate>,
    withdrawn: Vec<(String, Position)>,
    tie_order: Option<(Vec<String>, Position)>,
    policy: Option<ImportPolicy>,
    irregularities: Option<Irregularities>,
}

/// Reads the leading `#` lines; gives the metadata (if recount's) and where the CSV body starts.
fn read_meta(input: &[u8], skip: usize) -> Result<(Option<Meta>, Position), Error> {
    let mut at = skip;
    let mut line_no = 1u64;
    let mut meta: Option<Meta> = None;
    while input.get(at) == Some(&b'#') {
        let end = input[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |i| at + i);
        let raw = &input[at..end];
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let pos = |offset: usize, text: &str| Position {
            byte: (at + offset) as u64,
            line: line_no,
            column: text.get(..offset).map_or(offset, |p| p.chars().count()) as u64 + 1,
            ballot: None,
        };
        let text = std::str::from_utf8(raw).map_err(|e| {
            Error::syntax(
                FORMAT,
                Position {
                    byte: (at + e.valid_up_to()) as u64,
                    line: line_no,
                    column: 1,
                    ballot: None,
                },
                "UTF-8 text",
                "invalid UTF-8 in a comment line",
            )
        })?;
        if line_no == 1 && text.trim_end() == MAGIC {
            meta = Some(Meta::default());
        } else if let Some(m) = meta.as_mut() {
            m.read_line(text, &|offset| pos(offset, text))?;
        }
        line_no += 1;
        at = end + 1;
    }
    let at = at.min(input.len());
    Ok((
        meta,
        Position {
            byte: at as u64,
            line: line_no,
            column: 1,
            ballot: None,
        },
    ))
}

impl Meta {
    fn read_line(&mut self, text: &str, pos: &dyn Fn(usize) -> Position) -> Result<(), Error> {
        let body = &text[1..];
        let Some(colon) = body.find(':') else {
            return Err(Error::syntax(
                FORMAT,
                pos(0),
                "a metadata line \"# key: value\"",
                describe_found(text),
            ));
        };
        let key = body[..colon].trim();
        let raw = &body[colon + 1..];
        let value = raw.trim();
        let value_at = 1 + colon + 1 + (raw.len() - raw.trim_start().len());
        let vpos = pos(value_at);
        let bad = |what: &str| Error::syntax(FORMAT, vpos, what.to_string(), describe_found(value));
        let string = || serde_json::from_str::<String>(value).map_err(|_| bad("a JSON string"));
        let once = |slot: &mut Option<String>, v: String| {
            if slot.replace(v).is_some() {
                Err(Error::syntax(
                    FORMAT,
                    pos(0),
                    format!("one \"# {key}:\" line"),
                    "a second one",
                ))
            } else {
                Ok(())
            }
        };
        match key {
            "contest" => once(&mut self.contest, string()?)?,
            "title" => once(&mut self.title, string()?)?,
            "election" => once(&mut self.election, string()?)?,
            "election-title" => once(&mut self.election_title, string()?)?,
            "seats" => {
                let seats = value
                    .parse::<u32>()
                    .ok()
                    .filter(|&s| s >= 1)
                    .ok_or_else(|| bad("a number of seats from 1"))?;
                if self.seats.replace((seats, vpos)).is_some() {
                    return Err(Error::syntax(
                        FORMAT,
                        pos(0),
                        "one \"# seats:\" line",
                        "a second one",
                    ));
                }
            }
            "candidate" => {
                let number = self.candidates.len() + 1;
                let c = if value.starts_with('{') {
                    serde_json::from_str::<Candidate>(value)
                        .map_err(|_| bad("a candidate object {\"id\", \"name\", …}"))?
                } else {
                    Candidate::named(number, string()?)
                };
                if let Some(other) = self.candidates.iter().find(|o| o.name == c.name) {
                    return Err(Error::syntax(
                        FORMAT,
                        vpos,
                        "a name no other candidate has",
                        format!("{:?} again (candidate {})", other.name, other.id),
                    ));
                }
                self.candidates.push(c);
            }
            "withdrawn" => self.withdrawn.push((string()?, vpos)),
            "tie-order" => {
                let names = serde_json::from_str::<Vec<String>>(value)
                    .map_err(|_| bad("a JSON array of names"))?;
                if self.tie_order.replace((names, vpos)).is_some() {
                    return Err(Error::syntax(
                        FORMAT,
                        pos(0),
                        "one \"# tie-order:\" line",
                        "a second one",
                    ));
                }
            }
            "policy" => {
                let p = serde_json::from_str::<ImportPolicy>(value)
                    .map_err(|_| bad("an import policy object"))?;
                self.policy = Some(p);
            }
            "irregularities" => {
                let i = serde_json::from_str::<Irregularities>(value)
                    .map_err(|_| bad("an irregularities object"))?;
                self.irregularities = Some(i);
            }
            _ => {
                return Err(Error::syntax(
                    FORMAT,
                    pos(1 + body.len() - body.trim_start().len()),
                    "a key contest, title, election, election-title, seats, candidate, withdrawn, tie-order, policy or irregularities",
                    describe_found(key),
                ));
            }
        }
        Ok(())
    }
}
