//! Errors of the ballot readers and of the model's constructors.
//!
//! The shape follows the `csv` crate: an [`Error`] is a box around a
//! `#[non_exhaustive]` [`ErrorKind`], and every error about input carries the
//! [`Position`] where it was found. The file name is not known here: the
//! caller (the `recount` binary) prefixes it, giving the conventional
//! `file:line:column: message` form.

use std::fmt;

use crate::format::Format;

/// Where in a source something was found.
///
/// Conventions: `byte` counts from 0 at the start of the file (after any
/// byte-order mark is *not* skipped: it is byte 0); `line` and `column` count
/// from 1, the column in characters (Unicode scalar values) of that line;
/// `ballot` is the 1-based number of the ballot record (line of
/// preferences, CSV row…) in file order, where the position is inside one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset from the start of the input, from 0.
    pub byte: u64,
    /// Line number, from 1.
    pub line: u64,
    /// Column (in characters) within the line, from 1.
    pub column: u64,
    /// Number of the ballot record the position is in, from 1, if any.
    pub ballot: Option<u64>,
}

impl Position {
    /// A position at the given line and column, with no byte offset known.
    pub fn at(line: u64, column: u64) -> Position {
        Position {
            byte: 0,
            line,
            column,
            ballot: None,
        }
    }

    /// The same position, marked as inside ballot record `n`.
    pub fn in_ballot(mut self, n: u64) -> Position {
        self.ballot = Some(n);
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// An error reading or building an election.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// The kinds of [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    Io(std::io::Error),
    /// The input does not follow its format's grammar or the model's rules.
    Syntax {
        /// Which format was being read.
        format: Format,
        /// Where the problem is.
        pos: Position,
        /// What the grammar wanted there, e.g. `"a candidate number from 1 to 7"`.
        expected: String,
        /// What was there instead, e.g. `"9"` or `"end of file"`.
        found: String,
    },
    /// An input error in a spreadsheet (an ES&S `.xlsx` export): at a cell
    /// of a named sheet, or (`sheet` none) in the workbook as a whole.
    Cell {
        /// Which format was being read.
        format: Format,
        /// The sheet's name as the workbook gives it; none when the problem
        /// is the workbook's (not a zip, no sheet).
        sheet: Option<String>,
        /// `line` is the sheet's row and `column` its column, both from 1
        /// (cell `B7` is line 7, column 2); `ballot` the data row's number
        /// from 1 (the header row is not counted); `byte` is 0 (cells are
        /// compressed XML, so a byte offset would point at nothing).
        pos: Position,
        /// What the grammar wanted there.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// An input error in a JSON document whose values are named by their
    /// paths (a NIST CDF or Dominion cast-vote record): at a value, or (path
    /// empty) in the document as a whole.
    JsonValue {
        /// Which format was being read.
        format: Format,
        /// The value's path from the top, as `CVR[12].CVRSnapshot[0].CVRContest[0]`
        /// (indices from 0, as in the file); empty for the document itself.
        path: String,
        /// Where the value starts (or, for a document that does not parse,
        /// where the parser stopped); `ballot` the number, from 1, of the
        /// cast-vote record the value is in, if any.
        pos: Position,
        /// What the format wanted there.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// An input error in an XML document (a Hart cast-vote record, one
    /// file a paper, read from a directory or an archive of them, or a
    /// NIST CDF XML report): at an element, or (path empty) in the
    /// document as a whole.
    Element {
        /// Which format was being read.
        format: Format,
        /// The document's name in its source (a file of the export's
        /// directory or archive); empty when the source is the document.
        file: String,
        /// The element's path from the root, as
        /// `Cvr/Contests/Contest[2]/Options/Option[1]/Value` (each
        /// `Contest` and `Option` numbered from 1 among its like, as XPath
        /// counts); empty for the document itself.
        path: String,
        /// Where the element starts (its `<`), or for a document that does
        /// not parse, where the parser stopped; `ballot` the number, from 1,
        /// of the document in the source's name order.
        pos: Position,
        /// What the format wanted there.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// A contest was asked for ([`crate::read_contest`]) that the
    /// file does not hold.
    NoSuchContest {
        /// Which format was being read.
        format: Format,
        /// The id or name asked for.
        wanted: String,
        /// The contests the file holds, as the reader names them.
        have: Vec<String>,
    },
    /// Several input errors in one file, in file order (at most
    /// [`Error::MAX_REPORTED`]). Readers report every bad ballot rather than
    /// stopping at the first.
    Many(Vec<Error>),
    /// A model invariant was broken by a caller of a constructor (not by
    /// input): for example a contest with no seats.
    Model(String),
    /// The input's format could not be recognised.
    UnknownFormat(String),
    /// The file does not record how many seats are to be filled and
    /// [`crate::ReadOptions::seats`] was not given (PrefLib, CSV without a
    /// `# seats:` line).
    SeatsNotRecorded {
        /// Which format was being read.
        format: Format,
    },
    /// A row filter ([`crate::ReadOptions::rows`]) was given for a format
    /// that has no columns (every format but CSV).
    RowsNotRecorded {
        /// Which format was being read.
        format: Format,
        /// The filter, as `column=value` or `column!=value`.
        filter: String,
    },
    /// A writer cannot express this election in its format.
    Unrepresentable {
        /// The format being written.
        format: Format,
        /// What it cannot hold.
        what: String,
    },
}

impl Error {
    /// The most input errors one [`ErrorKind::Many`] holds.
    pub const MAX_REPORTED: usize = 100;

    /// Builds an error from its kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// An input error at `pos`.
    pub fn syntax(
        format: Format,
        pos: Position,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::new(ErrorKind::Syntax {
            format,
            pos,
            expected: expected.into(),
            found: found.into(),
        })
    }

    /// Joins input errors: one stays itself, several become [`ErrorKind::Many`].
    ///
    /// # Panics
    /// Never; an empty list gives a `Model` error saying so.
    pub fn join(mut errors: Vec<Error>) -> Error {
        match errors.len() {
            0 => Error::new(ErrorKind::Model("no errors to report".into())),
            1 => errors.pop().expect("one error"),
            _ => {
                errors.truncate(Error::MAX_REPORTED);
                Error::new(ErrorKind::Many(errors))
            }
        }
    }

    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, giving its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Where the (first) problem is, for errors about input.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::Syntax { pos, .. } => Some(pos),
            ErrorKind::Cell {
                sheet: Some(_),
                pos,
                ..
            } => Some(pos),
            ErrorKind::JsonValue { pos, .. } => Some(pos),
            ErrorKind::Element { pos, .. } => Some(pos),
            ErrorKind::Many(errors) => errors.first().and_then(Error::position),
            _ => None,
        }
    }

    /// Each input error inside this one, in order (itself if it is not `Many`).
    pub fn each(&self) -> Vec<&Error> {
        match &*self.0 {
            ErrorKind::Many(errors) => errors.iter().collect(),
            _ => vec![self],
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        Error::new(ErrorKind::Io(err))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io(err) => write!(f, "I/O error: {err}"),
            ErrorKind::Syntax {
                format,
                pos,
                expected,
                found,
            } => {
                write!(f, "{pos}: {format} error")?;
                if let Some(n) = pos.ballot {
                    write!(f, " in ballot {n}")?;
                }
                write!(f, ": expected {expected}, found {found}")
            }
            ErrorKind::Cell {
                format,
                sheet,
                pos,
                expected,
                found,
            } => {
                if let Some(sheet) = sheet {
                    write!(f, "sheet {sheet:?}, cell {}: ", cell_name(pos))?;
                }
                write!(f, "{format} error")?;
                if let Some(n) = pos.ballot {
                    write!(f, " in ballot {n}")?;
                }
                write!(f, ": expected {expected}, found {found}")
            }
            ErrorKind::JsonValue {
                format,
                path,
                pos,
                expected,
                found,
            } => {
                write!(f, "{pos}: {format} error")?;
                if let Some(n) = pos.ballot {
                    write!(f, " in ballot {n}")?;
                }
                if !path.is_empty() {
                    write!(f, " at {path}")?;
                }
                write!(f, ": expected {expected}, found {found}")
            }
            ErrorKind::Element {
                format,
                file,
                path,
                pos,
                expected,
                found,
            } => {
                if !file.is_empty() {
                    write!(f, "{file}:")?;
                }
                write!(f, "{pos}: {format} error")?;
                if let Some(n) = pos.ballot {
                    write!(f, " in ballot {n}")?;
                }
                if !path.is_empty() {
                    write!(f, " at {path}")?;
                }
                write!(f, ": expected {expected}, found {found}")
            }
            ErrorKind::NoSuchContest { wanted, have, .. } => {
                write!(
                    f,
                    "no contest {wanted:?}; its contests are: {}",
                    have.join(", ")
                )
            }
            ErrorKind::Many(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            ErrorKind::Model(msg) => write!(f, "invalid election: {msg}"),
            ErrorKind::UnknownFormat(msg) => write!(f, "unrecognised ballot file: {msg}"),
            ErrorKind::SeatsNotRecorded {
                format: Format::Csv,
            } => write!(
                f,
                "this CSV file does not record seats (no \"# seats:\" line); pass --seats N"
            ),
            ErrorKind::SeatsNotRecorded {
                format: Format::PreflibSoi | Format::PreflibToi,
            } => {
                write!(f, "PrefLib files do not record seats; pass --seats N")
            }
            ErrorKind::SeatsNotRecorded { format } => {
                write!(f, "{format} files do not record seats; pass --seats N")
            }
            ErrorKind::RowsNotRecorded { format, filter } => write!(
                f,
                "{format} files have no columns to filter rows by ({filter}); only CSV records do"
            ),
            ErrorKind::Unrepresentable { format, what } => {
                write!(f, "cannot write this election as {format}: {what}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io(err) => Some(err),
            _ => None,
        }
    }
}

/// A spreadsheet cell's name from its row (`line`) and column, both from
/// 1: column 1 is `A`, 26 `Z`, 27 `AA` (as Excel names them).
pub fn cell_name(pos: &Position) -> String {
    let mut letters = Vec::new();
    let mut n = pos.column;
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), pos.line)
}

/// Describes a found token for an error message: quoted and shortened.
pub fn describe_found(token: &str) -> String {
    if token.is_empty() {
        return "nothing".into();
    }
    let mut s: String = token.chars().take(40).collect();
    if s.len() < token.len() {
        s.push('…');
    }
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_reads_line_column_format_ballot_expected_found() {
        let e = Error::syntax(
            Format::Blt,
            Position::at(20, 9).in_ballot(17),
            "a candidate number from 1 to 7",
            "9",
        );
        assert_eq!(
            e.to_string(),
            "20:9: BLT error in ballot 17: expected a candidate number from 1 to 7, found 9"
        );
        assert_eq!(
            e.position().map(|p| (p.line, p.column, p.ballot)),
            Some((20, 9, Some(17)))
        );
    }

    #[test]
    fn join_keeps_a_single_error_and_caps_many() {
        let one = Error::join(vec![Error::syntax(
            Format::Csv,
            Position::at(1, 1),
            "x",
            "y",
        )]);
        assert!(matches!(one.kind(), ErrorKind::Syntax { .. }));
        let many: Vec<Error> = (0..150)
            .map(|i| Error::syntax(Format::Csv, Position::at(i, 1), "x", "y"))
            .collect();
        let joined = Error::join(many);
        assert_eq!(joined.each().len(), Error::MAX_REPORTED);
        assert_eq!(joined.position().map(|p| p.line), Some(0));
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        let cases = [
            (1, 1, "A1"),
            (7, 2, "B7"),
            (3, 26, "Z3"),
            (9, 27, "AA9"),
            (2, 52, "AZ2"),
            (1, 703, "AAA1"),
        ];
        for (row, col, want) in cases {
            assert_eq!(cell_name(&Position::at(row, col)), want);
        }
        let e = Error::new(ErrorKind::Cell {
            format: Format::EssXlsx,
            sheet: Some("Marked Sheet".into()),
            pos: Position::at(7, 2).in_ballot(6),
            expected: "a candidate".into(),
            found: "\"X\"".into(),
        });
        assert_eq!(
            e.to_string(),
            "sheet \"Marked Sheet\", cell B7: ES&S Excel error in ballot 6: expected a candidate, found \"X\""
        );
        assert_eq!(e.position().map(|p| (p.line, p.column)), Some((7, 2)));
    }

    #[test]
    fn json_value_errors_read_position_format_ballot_path_expected_found() {
        let e = Error::new(ErrorKind::JsonValue {
            format: Format::Cdf,
            path: "CVR[12].CVRSnapshot[0].CVRContest[0]".into(),
            pos: Position::at(40, 7).in_ballot(13),
            expected: "a contest of the election".into(),
            found: "\"c-9\"".into(),
        });
        assert_eq!(
            e.to_string(),
            "40:7: NIST CDF JSON error in ballot 13 at CVR[12].CVRSnapshot[0].CVRContest[0]: expected a contest of the election, found \"c-9\""
        );
        assert_eq!(e.position().map(|p| (p.line, p.column)), Some((40, 7)));
    }

    #[test]
    fn element_errors_read_file_position_format_ballot_path_expected_found() {
        let e = Error::new(ErrorKind::Element {
            format: Format::Hart,
            file: "cvr-3.xml".into(),
            path: "Cvr/Contests/Contest[1]/Options/Option[2]/Value".into(),
            pos: Position::at(9, 11).in_ballot(3),
            expected: "a string of 0s and 1s".into(),
            found: "\"01x\"".into(),
        });
        assert_eq!(
            e.to_string(),
            "cvr-3.xml:9:11: Hart XML error in ballot 3 at Cvr/Contests/Contest[1]/Options/Option[2]/Value: expected a string of 0s and 1s, found \"01x\""
        );
        assert_eq!(e.position().map(|p| (p.line, p.column)), Some((9, 11)));
        let whole = Error::new(ErrorKind::Element {
            format: Format::Hart,
            file: String::new(),
            path: String::new(),
            pos: Position::at(1, 1),
            expected: "XML".into(),
            found: "nothing".into(),
        });
        assert_eq!(
            whole.to_string(),
            "1:1: Hart XML error: expected XML, found nothing"
        );
    }

    #[test]
    fn found_tokens_are_quoted_and_shortened() {
        assert_eq!(describe_found(""), "nothing");
        assert_eq!(describe_found("abc"), "\"abc\"");
        assert_eq!(describe_found(&"x".repeat(50)).chars().count(), 40 + 3);
    }
}
