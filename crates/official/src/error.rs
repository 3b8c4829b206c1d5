//! Errors of the result-sheet readers and of candidate matching.
//!
//! The shape follows `ballot::Error` (and the `csv` crate): an [`Error`] is a
//! box around a `#[non_exhaustive]` [`ErrorKind`], and every error about input
//! carries the [`Position`] where it was found. The file name is not known
//! here: the caller prefixes it (`file:line:column: message`).

use std::fmt;

/// Where in a result sheet something was found.
///
/// Conventions (as `ballot::Position`): `byte` counts from 0 at the start of
/// the file; `line` and `column` count from 1, the column in characters of
/// that line; `record` is the 0-based index of the record the position is
/// in (the entry of a JSON `countGroup` array, or the data row of a dump,
/// counting from 0 at the first row after the header), where there is one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Position {
    /// Byte offset from the start of the input, from 0.
    pub byte: u64,
    /// Line number, from 1.
    pub line: u64,
    /// Column (in characters) within the line, from 1.
    pub column: u64,
    /// The record the position is in, from 0, if any.
    pub record: Option<u64>,
}

impl Position {
    /// A position at the given line and column, with no byte offset known.
    pub fn at(line: u64, column: u64) -> Position {
        Position {
            byte: 0,
            line,
            column,
            record: None,
        }
    }

    /// The position of byte `byte` of `text` (line and column counted in
    /// characters up to it).
    pub fn of_byte(text: &str, byte: usize) -> Position {
        let byte = byte.min(text.len());
        let before = text.get(..byte).unwrap_or(text);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
        let column = before.get(line_start..).map_or(0, |l| l.chars().count()) as u64 + 1;
        Position {
            byte: byte as u64,
            line,
            column,
            record: None,
        }
    }

    /// The same position, marked as inside record `n`.
    pub fn in_record(mut self, n: u64) -> Position {
        self.record = Some(n);
        self
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The sheet formats this crate reads, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SheetFormat {
    /// Scottish council results as `ResultsJson.json` (see [`crate::scottish_json`]).
    ScottishJson,
    /// Droop's stage dumps (see [`crate::droop_dump`]).
    DroopDump,
    /// The project's stage table (see [`crate::recount_sheet`]).
    RecountSheet,
    /// The Scottish 2022 one-row-per-candidate CSV (see [`crate::scottish_csv`]).
    ScottishCsv,
    /// RCTab's detailed result report JSON (see [`crate::rctab_json`]).
    RctabJson,
    /// RCTab's detailed result report CSV (see [`crate::rctab_csv`]).
    RctabCsv,
}

impl SheetFormat {
    /// Every format, in the order [`crate::detect`] tries them.
    pub const ALL: [SheetFormat; 6] = [
        SheetFormat::RecountSheet,
        SheetFormat::ScottishCsv,
        SheetFormat::ScottishJson,
        SheetFormat::RctabJson,
        SheetFormat::RctabCsv,
        SheetFormat::DroopDump,
    ];

    /// The name `--official-format` takes.
    pub fn name(self) -> &'static str {
        match self {
            SheetFormat::ScottishJson => "scottish-json",
            SheetFormat::DroopDump => "droop-dump",
            SheetFormat::RecountSheet => "recount-sheet",
            SheetFormat::ScottishCsv => "scottish-csv",
            SheetFormat::RctabJson => "rctab-json",
            SheetFormat::RctabCsv => "rctab-csv",
        }
    }
}

impl fmt::Display for SheetFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SheetFormat::ScottishJson => "Scottish results JSON",
            SheetFormat::DroopDump => "Droop dump",
            SheetFormat::RecountSheet => "recount-sheet/1",
            SheetFormat::ScottishCsv => "Scottish 2022 CSV",
            SheetFormat::RctabJson => "RCTab detailed report JSON",
            SheetFormat::RctabCsv => "RCTab detailed report CSV",
        })
    }
}

/// An error reading a result sheet or matching its candidates.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// The kinds of [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input does not follow the sheet format.
    Syntax {
        /// Which format was being read.
        format: SheetFormat,
        /// Where the problem is.
        pos: Position,
        /// What the format wanted there, e.g. `"a decimal number"`.
        expected: String,
        /// What was there instead.
        found: String,
    },
    /// Several input errors in one sheet, in file order.
    Many(Vec<Error>),
    /// A file of several contests, and none or several match the choice.
    Contest {
        /// What was asked (`--official-contest`), or `None` when chosen by
        /// candidate names.
        asked: Option<String>,
        /// Each contest of the file: (id, name).
        contests: Vec<(String, String)>,
        /// Why none was chosen.
        why: String,
    },
    /// Candidates of the sheet and of the count that could not be paired by
    /// name; nothing is guessed (see [`crate::names`]).
    Unmatched {
        /// Sheet names left without a partner.
        official: Vec<String>,
        /// Count (ballot-paper) names left without a partner.
        ours: Vec<String>,
    },
}

impl Error {
    /// Builds an error from its kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// An input error at `pos`.
    pub fn syntax(
        format: SheetFormat,
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
    pub fn join(mut errors: Vec<Error>) -> Error {
        if errors.len() == 1 {
            if let Some(e) = errors.pop() {
                return e;
            }
        }
        Error::new(ErrorKind::Many(errors))
    }

    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Where the (first) problem is, for errors about input.
    pub fn position(&self) -> Option<&Position> {
        match &*self.0 {
            ErrorKind::Syntax { pos, .. } => Some(pos),
            ErrorKind::Many(errors) => errors.first().and_then(Error::position),
            ErrorKind::Unmatched { .. } | ErrorKind::Contest { .. } => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Syntax {
                format,
                pos,
                expected,
                found,
            } => {
                write!(f, "{pos}: {format} error")?;
                if let Some(n) = pos.record {
                    write!(f, " in record {n}")?;
                }
                write!(f, ": expected {expected}, found {found}")
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
            ErrorKind::Contest {
                asked,
                contests,
                why,
            } => {
                match asked {
                    Some(a) => write!(f, "--official-contest {a:?}: {why}")?,
                    None => write!(f, "{why}")?,
                }
                let list: Vec<String> = contests
                    .iter()
                    .map(|(id, name)| format!("{id} ({name})"))
                    .collect();
                write!(f, "; the file's contests: {}", list.join(", "))
            }
            ErrorKind::Unmatched { official, ours } => write!(
                f,
                "candidates could not be paired by name: on the sheet {official:?}, in the count {ours:?}"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Describes a found token for an error message: quoted and shortened.
pub(crate) fn describe_found(token: &str) -> String {
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
    fn positions_count_lines_and_characters_from_one() {
        let text = "ab\ncé d\n";
        assert_eq!(
            Position::of_byte(text, 0),
            Position {
                byte: 0,
                ..Position::at(1, 1)
            }
        );
        // 'é' is two bytes but one column.
        assert_eq!(
            Position::of_byte(text, 7),
            Position {
                byte: 7,
                ..Position::at(2, 4)
            }
        );
        assert_eq!(Position::of_byte(text, 99).line, 3);
    }

    #[test]
    fn syntax_errors_read_position_record_expected_found() {
        let e = Error::syntax(
            SheetFormat::ScottishJson,
            Position::at(20, 9).in_record(17),
            "a decimal number",
            "\"12,5\"",
        );
        assert_eq!(
            e.to_string(),
            "20:9: Scottish results JSON error in record 17: expected a decimal number, found \"12,5\""
        );
        assert_eq!(e.position().map(|p| (p.line, p.column)), Some((20, 9)));
    }
}
