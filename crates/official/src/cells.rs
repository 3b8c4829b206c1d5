//! Figures as people publish them in CSV sheets, and where a CSV field is.
//!
//! A figure cell is read exactly (`crate::decimal`), after two spellings
//! people use: surrounding spaces, and thousands separators (a comma, a
//! space or a no-break space between groups of exactly three digits:
//! `1,234.56`, `12 345`). Anything else that is not a decimal (`462.466.26`,
//! a decimal comma `12,5`, `n/a`) is no figure: the reader leaves the cell
//! unknown and says so in a [`crate::Warning`], never guessing what was
//! meant. An empty cell, `-` or `–` is a cell the sheet left blank.

use crate::decimal::Decimal;
use crate::error::Position;
use crate::sheet::{Cell, Warning};

/// What a figure cell holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Figure {
    /// Left blank by the sheet.
    Blank,
    /// A figure.
    Value(Decimal),
    /// Not a figure: why.
    Bad(String),
}

/// Reads a figure cell.
pub(crate) fn figure(text: &str) -> Figure {
    let t = text.trim();
    if t.is_empty() || t == "-" || t == "–" {
        return Figure::Blank;
    }
    let plain = without_thousands(t);
    match Decimal::parse(plain.as_deref().unwrap_or(t)) {
        Some(d) => Figure::Value(d),
        None => Figure::Bad(format!(
            "{t:?} is not a figure (digits, at most one decimal point, \
             thousands separators between groups of three digits); left unknown"
        )),
    }
}

/// The cell at `pos` whose text is `text`: `None` when blank, or when it
/// is no figure, which is then a warning in `warnings`.
pub(crate) fn cell(text: &str, pos: Position, warnings: &mut Vec<Warning>) -> Option<Cell> {
    match figure(text) {
        Figure::Blank => None,
        Figure::Value(value) => Some(Cell { value, pos }),
        Figure::Bad(message) => {
            warnings.push(Warning { pos, message });
            None
        }
    }
}

/// `t` without its thousands separators, when it is written with them.
fn without_thousands(t: &str) -> Option<String> {
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", t),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let groups: Vec<&str> = whole.split([',', ' ', '\u{a0}', '\u{202f}']).collect();
    if groups.len() < 2 {
        return None;
    }
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(groups[0])
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3 && digits(g));
    if !ok {
        return None;
    }
    let mut s = format!("{sign}{}", groups.concat());
    if let Some(f) = fraction {
        s.push('.');
        s.push_str(f);
    }
    Some(s)
}

/// The position of field `field` (from 0) of the CSV record that starts at
/// byte `start` of `text` on line `line`: its column counts characters from
/// the line's start, quotes respected.
pub(crate) fn field_position(text: &str, start: u64, line: u64, field: usize) -> Position {
    let start = (start as usize).min(text.len());
    let rest = &text[start..];
    let mut column = 1u64;
    let mut seen = 0usize;
    let mut quoted = false;
    let mut byte = start;
    if field > 0 {
        for (i, c) in rest.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    seen += 1;
                    if seen == field {
                        column += 1;
                        byte = start + i + 1;
                        break;
                    }
                }
                '\n' if !quoted => break,
                _ => {}
            }
            column += 1;
        }
    }
    Position {
        byte: byte as u64,
        line,
        column,
        record: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(t: &str) -> String {
        match figure(t) {
            Figure::Value(d) => d.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn figures_as_published() {
        assert_eq!(value("393"), "393");
        assert_eq!(value(" 832.84152 "), "832.84152");
        assert_eq!(value("1,234.56"), "1234.56");
        assert_eq!(value("12 345"), "12345");
        assert_eq!(value("-1,000"), "-1000");
        assert_eq!(figure(""), Figure::Blank);
        assert_eq!(figure("-"), Figure::Blank);
        for bad in ["462.466.26", "12,5", "1,23", "n/a", "1,,000", "12,3456"] {
            assert!(matches!(figure(bad), Figure::Bad(_)), "{bad}");
        }
    }

    #[test]
    fn a_field_is_found_past_quoted_commas() {
        let text = "a,b\nx,\"y, z\",w\n";
        let p = field_position(text, 4, 2, 2);
        assert_eq!((p.line, p.column), (2, 10));
        assert_eq!(&text[p.byte as usize..p.byte as usize + 1], "w");
        assert_eq!(field_position(text, 4, 2, 0).column, 1);
    }
}
