//! Which file format a source is in, and the single entry points that read
//! and write any of them.
//!
//! Each format has its own module holding its grammar, its reader and (where
//! the format can hold an election) its writer; this module only names the
//! formats, recognises them, and dispatches.

use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::model::Election;
use crate::policy::ImportPolicy;

/// The ballot file formats recount reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// The BLT format of Hill, Wichmann and Woodall, as found in the wild.
    Blt,
    /// PrefLib strict orders, incomplete (`.soi`).
    PreflibSoi,
    /// PrefLib orders with ties, incomplete (`.toi`).
    PreflibToi,
    /// Rank-position "ballot format" `.dat` files (a rank per candidate).
    Dat,
    /// CSV with `rank1..rankN` columns of candidate names.
    Csv,
    /// recount's own lossless JSON election.
    Json,
    /// An ES&S cast-vote-record export: an Excel workbook (`.xlsx`) with a
    /// row per paper and a column per choice ([`crate::ess`]).
    #[serde(rename = "ess")]
    EssXlsx,
    /// A NIST SP 1500-103 Common Data Format cast-vote-record report, JSON
    /// ([`crate::cdf`]): any number of contests.
    Cdf,
    /// The same report, XML ([`crate::cdf_xml`]).
    CdfXml,
    /// A Dominion Democracy Suite CVR export, JSON (`CvrExport.json`), read
    /// with the contest and candidate manifests beside it
    /// ([`crate::dominion`]): any number of contests.
    Dominion,
    /// A Hart Verity CVR export: one XML file a paper, a directory or a
    /// zip archive of them ([`crate::hart`]): any number of contests.
    Hart,
    /// A Clear Ballot ClearVote CVR export, CSV: a row a paper, a column
    /// a choice and rank ([`crate::clearballot`]): any number of contests.
    ClearBallot,
}

impl Format {
    /// The formats [`write`] writes (canonical BLT, CSV with a metadata
    /// header, recount's lossless JSON); the others are read only.
    pub const WRITTEN: [Format; 3] = [Format::Blt, Format::Csv, Format::Json];

    /// Every format, in the order `recount` lists them.
    pub const ALL: [Format; 12] = [
        Format::Blt,
        Format::PreflibSoi,
        Format::PreflibToi,
        Format::Dat,
        Format::Csv,
        Format::Json,
        Format::EssXlsx,
        Format::Cdf,
        Format::CdfXml,
        Format::Dominion,
        Format::Hart,
        Format::ClearBallot,
    ];

    /// The format a file name's extension suggests, if any.
    pub fn from_extension(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "blt" => Format::Blt,
            "soi" => Format::PreflibSoi,
            "toi" => Format::PreflibToi,
            "dat" => Format::Dat,
            "csv" => Format::Csv,
            "json" => Format::Json,
            "xlsx" => Format::EssXlsx,
            _ => return None,
        })
    }

    /// Recognises a format from a file name and its first bytes: the
    /// extension wins; otherwise the content is sniffed.
    ///
    /// `.json` names several formats: a document whose first bytes give the
    /// top-level `"@type": "CVR.CastVoteRecordReport"` is a NIST CDF report,
    /// one with a `"Sessions": [` member a Dominion export, any other is
    /// recount's own JSON (whose reader refuses what is not). `.csv` names
    /// two: a header with a `Choice_…:` cell is a Clear Ballot export, any
    /// other recount's CSV. An XML document whose first bytes have a `<Cvr`
    /// element in Hart's namespace ([`crate::hart::NAMESPACE`]) is one paper
    /// of a Hart export (a zip archive of them is not recognised: pass the
    /// format); one whose root is a `CastVoteRecordReport` with NIST's
    /// namespace ([`crate::cdf_xml::NAMESPACE`]) a CDF XML report.
    pub fn detect(name: &str, head: &[u8]) -> Option<Format> {
        if let Some(f) = Format::from_extension(name) {
            if f == Format::Json {
                return Some(json_kind(head));
            }
            if f == Format::Csv && crate::clearballot::looks_like_export(head) {
                return Some(Format::ClearBallot);
            }
            return Some(f);
        }
        // An .xlsx workbook is a zip archive; the only zip recount reads is
        // an ES&S export, so a zip whose first entries are a workbook's is one.
        if head.starts_with(b"PK\x03\x04")
            && (memchr::memmem::find(head, b"[Content_Types].xml").is_some()
                || memchr::memmem::find(head, b"xl/").is_some())
        {
            return Some(Format::EssXlsx);
        }
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            return Some(json_kind(head));
        }
        if trimmed.starts_with('<') && crate::hart::looks_like_paper(head) {
            return Some(Format::Hart);
        }
        if trimmed.starts_with('<') && crate::cdf_xml::looks_like_report(head) {
            return Some(Format::CdfXml);
        }
        if text.contains("# NUMBER ALTERNATIVES") || text.contains("# DATA TYPE: soi") {
            return Some(if text.contains("DATA TYPE: toi") {
                Format::PreflibToi
            } else {
                Format::PreflibSoi
            });
        }
        let first = trimmed.lines().find(|l| !l.trim_start().starts_with('#'))?;
        let nums: Vec<&str> = first.split_whitespace().collect();
        if nums.len() == 2 && nums.iter().all(|t| t.parse::<u64>().is_ok()) {
            return Some(Format::Blt);
        }
        if crate::clearballot::looks_like_export(head) {
            return Some(Format::ClearBallot);
        }
        if first.to_ascii_lowercase().contains("rank1") {
            return Some(Format::Csv);
        }
        None
    }

    /// True when the format can be written as well as read.
    pub fn writable(self) -> bool {
        matches!(self, Format::Blt | Format::Csv | Format::Json)
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Blt => "blt",
            Format::PreflibSoi => "soi",
            Format::PreflibToi => "toi",
            Format::Dat => "dat",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::EssXlsx => "ess",
            Format::Cdf => "cdf",
            Format::CdfXml => "cdf-xml",
            Format::Dominion => "dominion",
            Format::Hart => "hart",
            Format::ClearBallot => "clear-ballot",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Blt => "BLT",
            Format::PreflibSoi => "PrefLib SOI",
            Format::PreflibToi => "PrefLib TOI",
            Format::Dat => "DAT",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::EssXlsx => "ES&S Excel",
            Format::Cdf => "NIST CDF JSON",
            Format::CdfXml => "NIST CDF XML",
            Format::Dominion => "Dominion JSON",
            Format::Hart => "Hart XML",
            Format::ClearBallot => "Clear Ballot CSV",
        })
    }
}

/// Which JSON format a document is, from its first bytes: a NIST CDF
/// report names its type at the top (`"@type": "CVR.CastVoteRecordReport"`,
/// spaces allowed around the colon); recount's own JSON has no `@type` key.
fn json_kind(head: &[u8]) -> Format {
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&head[at..], b"\"@type\"") {
        let rest = &head[at + i + 7..];
        let rest = rest.trim_ascii_start();
        if let Some(rest) = rest.strip_prefix(b":")
            && rest
                .trim_ascii_start()
                .starts_with(b"\"CVR.CastVoteRecordReport\"")
        {
            return Format::Cdf;
        }
        at += i + 7;
    }
    if crate::dominion::looks_like_export(head) {
        return Format::Dominion;
    }
    Format::Json
}

/// How to read a source: the import policy and what the file cannot say itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// How irregular papers are read.
    pub policy: ImportPolicy,
    /// Seats, for formats that do not record them (PrefLib; CSV without a
    /// header comment). When the file records seats too, the two must agree.
    pub seats: Option<u32>,
    /// The election id to use (by default the caller passes the file stem).
    pub id: String,
    /// CSV: the column holding each row's paper count, if any.
    pub weight_column: Option<String>,
    /// CSV: read only some rows, by the cell of one column (a batch,
    /// precinct or region), recount's CSV or a Clear Ballot export. The
    /// model keeps distinct rankings, not papers, so per-paper columns can
    /// only be used while reading. Every other format holds no columns and
    /// refuses a filter
    /// ([`ErrorKind::RowsNotRecorded`]).
    pub rows: Option<RowFilter>,
}

/// Which rows of a CSV file are read as papers ([`ReadOptions::rows`]).
///
/// The column is named as the others are, without case after trimming
/// spaces; the cell is compared with `value` after trimming spaces, case
/// and all. The candidates are still found from every row, so a filtered
/// read has the same candidates as an unfiltered one.
///
/// ```
/// use ballot::{Format, ReadOptions, RowFilter};
///
/// let csv = b"batch,rank1,rank2\n1,A,B\n2,B,A\n2,B,\n";
/// let opts = |keep| ReadOptions {
///     seats: Some(1),
///     rows: Some(RowFilter { column: "Batch".into(), value: "2".into(), keep }),
///     ..ReadOptions::default()
/// };
/// let kept = ballot::read(Format::Csv, csv, &opts(true)).unwrap();
/// assert_eq!(kept.contests()[0].ballots().ranked_papers(), 2);
/// let rest = ballot::read(Format::Csv, csv, &opts(false)).unwrap();
/// assert_eq!(rest.contests()[0].ballots().ranked_papers(), 1);
///
/// // A column the file lacks is an error listing those it has.
/// let bad = ReadOptions {
///     seats: Some(1),
///     rows: Some(RowFilter { column: "ward".into(), value: "2".into(), keep: true }),
///     ..ReadOptions::default()
/// };
/// let err = ballot::read(Format::Csv, csv, &bad).unwrap_err();
/// assert!(err.to_string().contains("the columns are: batch, rank1, rank2"), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowFilter {
    /// The column read.
    pub column: String,
    /// The cell's value.
    pub value: String,
    /// True: only the rows whose cell equals `value`; false: every row but those.
    pub keep: bool,
}

impl fmt::Display for RowFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.keep { "=" } else { "!=" };
        write!(f, "{}{op}{}", self.column, self.value)
    }
}

/// Reads an election from `input` in the given format: every contest the
/// file holds.
pub fn read(format: Format, input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_contest(format, input, opts, None)
}

/// Reads only one contest of `input`, by its id or (failing that) its
/// title, or every contest when `contest` is none.
///
/// A file of several contests (NIST CDF, recount JSON) reads the one
/// named (a CDF reader does not even read the others' marks), and any file
/// errors with [`ErrorKind::NoSuchContest`], listing the contests it holds,
/// when it holds no such contest. A format of one contest is read, then
/// kept only when its id (the [`ReadOptions::id`] the caller gave, the
/// file's stem) or its title matches: a name it lacks is refused rather
/// than ignored, so that a command never counts a contest other than the
/// one asked for.
///
/// ```
/// use ballot::{ErrorKind, Format, ReadOptions};
///
/// let blt = b"2 1\n3 1 2 0\n0\n\"A\"\n\"B\"\n\"Mayor\"\n";
/// let opts = ReadOptions { id: "ward-1".into(), ..ReadOptions::default() };
/// let by_title = ballot::read_contest(Format::Blt, blt, &opts, Some("Mayor")).unwrap();
/// assert_eq!(by_title.contests()[0].id(), "ward-1");
/// let err = ballot::read_contest(Format::Blt, blt, &opts, Some("Council")).unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::NoSuchContest { .. }));
/// assert_eq!(err.to_string(), "no contest \"Council\"; its contests are: ward-1");
/// ```
pub fn read_contest(
    format: Format,
    input: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    refuse_rows(format, opts)?;
    match format {
        Format::Blt => crate::blt::read(input, opts),
        Format::PreflibSoi | Format::PreflibToi => crate::preflib::read(input, format, opts),
        Format::Dat => crate::dat::read(input, opts),
        Format::Csv => crate::csvrank::read(input, opts),
        Format::Json => crate::json::read(input, opts),
        Format::EssXlsx => crate::ess::read(input, opts),
        // Reads only the contest asked for, skipping the others' papers.
        Format::Cdf => return crate::cdf::read_contest(input, opts, contest),
        Format::CdfXml => return crate::cdf_xml::read_contest(input, opts, contest),
        // The manifests are other files: `crate::dominion::read` takes them.
        Format::Dominion => Err(crate::dominion::refuse_alone()),
        // A zip archive of papers, or one paper's document; a directory's
        // files are `crate::hart::read_contest`'s.
        Format::Hart => return crate::hart::read_bytes_contest(input, opts, contest),
        Format::ClearBallot => return crate::clearballot::read_contest(input, opts, contest),
    }
    .and_then(|e| keep_contest(format, e, contest))
}

/// `election` with only the contest `wanted` names, by id, else by title
/// (all of it when none is wanted).
fn keep_contest(
    format: Format,
    election: Election,
    wanted: Option<&str>,
) -> Result<Election, Error> {
    let Some(wanted) = wanted else {
        return Ok(election);
    };
    let contests = election.contests();
    let found = contests
        .iter()
        .position(|c| c.id() == wanted)
        .or_else(|| contests.iter().position(|c| c.title() == wanted));
    match found {
        Some(i) if contests.len() == 1 && i == 0 => Ok(election),
        Some(i) => Election::new(
            election.id.clone(),
            election.title.clone(),
            vec![contests[i].clone()],
        ),
        None => Err(Error::new(ErrorKind::NoSuchContest {
            format,
            wanted: wanted.to_owned(),
            have: contests.iter().map(|c| c.id().to_owned()).collect(),
        })),
    }
}

/// Reads an election from a stream in the given format: the same election,
/// or the same error, as [`read`] over the stream's bytes.
///
/// BLT is read as it streams in, a window at a time, so that a large file
/// is never held whole ([`crate::blt::read_from`]); the other formats are
/// read whole first. `len` is the input's length when known (a file's
/// size), only to size what is built up front. A failure of `input` is an
/// [`ErrorKind::Io`]. The stream may be left unread past what the format
/// ends with (a BLT file's free notes).
pub fn read_from(
    format: Format,
    input: &mut dyn io::Read,
    len: Option<u64>,
    opts: &ReadOptions,
) -> Result<Election, Error> {
    refuse_rows(format, opts)?;
    if format == Format::Blt {
        return crate::blt::read_from(input, len, opts);
    }
    let mut bytes = Vec::with_capacity(len.map_or(0, |n| usize::try_from(n).unwrap_or(0)));
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(ErrorKind::Io(e)))?;
    read(format, &bytes, opts)
}

/// A row filter is for CSV only (recount's and Clear Ballot's): the other
/// formats have no columns.
fn refuse_rows(format: Format, opts: &ReadOptions) -> Result<(), Error> {
    match &opts.rows {
        Some(filter) if !matches!(format, Format::Csv | Format::ClearBallot) => {
            Err(Error::new(ErrorKind::RowsNotRecorded {
                format,
                filter: filter.to_string(),
            }))
        }
        _ => Ok(()),
    }
}

/// Writes an election in one of the writable formats.
///
/// Errors with [`ErrorKind::Unrepresentable`] when the format cannot hold
/// the election (for example BLT and CSV hold a single contest).
///
/// [`Format::WRITTEN`] lists the formats it writes.
pub fn write(format: Format, election: &Election, out: &mut dyn io::Write) -> Result<(), Error> {
    match format {
        Format::Blt => crate::blt::write(election, out),
        Format::Csv => crate::csvrank::write(election, out),
        Format::Json => crate::json::write(election, out),
        other => Err(Error::new(ErrorKind::Unrepresentable {
            format: other,
            what: "this format is read-only in recount".into(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_wins_then_content_is_sniffed() {
        let cases: &[(&str, &[u8], Option<Format>)] = &[
            ("a.BLT", b"", Some(Format::Blt)),
            ("x.soi", b"", Some(Format::PreflibSoi)),
            ("x.toi", b"", Some(Format::PreflibToi)),
            ("w.dat", b"", Some(Format::Dat)),
            ("v.csv", b"", Some(Format::Csv)),
            ("e.json", b"", Some(Format::Json)),
            (
                "cvr.json",
                b"{\"CVR\": [], \"@type\" : \"CVR.CastVoteRecordReport\"}",
                Some(Format::Cdf),
            ),
            (
                "noext",
                b" {\"@type\":\"CVR.CastVoteRecordReport\"",
                Some(Format::Cdf),
            ),
            (
                "e.json",
                b"{\"format\": \"recount-election/1\", \"title\": \"@type\"}",
                Some(Format::Json),
            ),
            (
                "CvrExport.json",
                b"{\"Version\": \"5.10\", \"ElectionId\": \"x\", \"Sessions\" : [",
                Some(Format::Dominion),
            ),
            (
                "e.json",
                b"{\"format\": \"recount-election/1\", \"title\": \"Sessions\"}",
                Some(Format::Json),
            ),
            ("noext", b"  {\"format\": 1}", Some(Format::Json)),
            ("noext", b"# comment\n10 4\n1 1 0\n", Some(Format::Blt)),
            ("noext", b"\xEF\xBB\xBF3 2\n", Some(Format::Blt)),
            (
                "noext",
                b"# FILE NAME: x\n# NUMBER ALTERNATIVES: 3\n",
                Some(Format::PreflibSoi),
            ),
            ("noext", b"weight,rank1,rank2\n", Some(Format::Csv)),
            ("noext", b"hello world again\n", None),
            ("cvr.XLSX", b"", Some(Format::EssXlsx)),
            (
                "noext",
                b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
                Some(Format::EssXlsx),
            ),
            ("noext", b"PK\x03\x04\x14\x00other.txt", None),
            (
                "cvr.csv",
                b"RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade,Choice_1_1:Mayor:1:Vote For 1:Ann:Non-Partisan\n",
                Some(Format::ClearBallot),
            ),
            (
                "noext",
                b"\xEF\xBB\xBFRowNumber,\"Choice_1_1:Mayor:1:Vote For 1:Ann:NP\"\n",
                Some(Format::ClearBallot),
            ),
            ("v.csv", b"id,Choice_1,Choice_2\n", Some(Format::Csv)),
            (
                "noext",
                b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Cvr xmlns=\"http://tempuri.org/CVRDesign.xsd\">",
                Some(Format::Hart),
            ),
            ("1_abc.xml", b"<Cvr xmlns=\"http://tempuri.org/CVRDesign.xsd\"><Contests>", Some(Format::Hart)),
            ("other.xml", b"<?xml version=\"1.0\"?><Cvr>", None),
        ];
        for (name, head, want) in cases {
            assert_eq!(
                Format::detect(name, head),
                *want,
                "{name} {:?}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn a_row_filter_is_refused_by_every_format_without_columns() {
        let opts = ReadOptions {
            seats: Some(1),
            rows: Some(RowFilter {
                column: "batch".into(),
                value: "7".into(),
                keep: false,
            }),
            ..ReadOptions::default()
        };
        let blt = b"2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"t\"\n";
        let with_columns = [Format::Csv, Format::ClearBallot];
        for format in Format::ALL
            .into_iter()
            .filter(|f| !with_columns.contains(f))
        {
            let err = read(format, blt, &opts).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::RowsNotRecorded { format: f, .. } if *f == format),
                "{format}: {err}"
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "{format} files have no columns to filter rows by (batch!=7); only CSV records do"
                )
            );
            let streamed = read_from(format, &mut &blt[..], None, &opts).unwrap_err();
            assert!(matches!(streamed.kind(), ErrorKind::RowsNotRecorded { .. }));
        }
    }
}
