//! Hostile ballot files: small or plain inputs built to make a reader or a
//! count spend far more than the file's size, for the memory tests of
//! `crates/ballot/tests/bounded_memory.rs` and the `just hostile` recipe
//! (`specs/limits.md` says what recount promises about them).
//!
//! Everything is built in memory from its parameters, deterministically, so
//! that nothing large is checked in; [`write_all`] writes the recipe's set
//! to a directory (the `recount-hostile` binary of this crate calls it).
//! This module owns the shapes only: what the readers must do with them is
//! tested beside the readers.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::{Spec, write_blt};

/// A ballot line that the BLT reader's plain-digits path does not take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineShape {
    /// `1 1=2 1=2 …`: equal rankings (an irregularity for the policy).
    EqualRanks,
    /// `1 1 - - - …`: skipped ranks, all trailing (a blank gap).
    SkippedRanks,
    /// `1 1 1 1 … 0 # x`: plain digits closed by a comment.
    Comment,
    /// `1 1 1 1 … 0`: plain digits that repeat a candidate, which the
    /// plain path hands on to the general one.
    RepeatedCandidate,
    /// `1 1=1=1=…`: one token as long as the line.
    LongEqualToken,
    /// `1 a a a …` after `[nick a b c …]`: nicknames, and repeated.
    Nicknames,
    /// `(id) 1 1 1 1 … 0`: an OpenSTV ballot id before a repeating ranking.
    BallotId,
}

impl LineShape {
    /// Every shape, in declaration order.
    pub const ALL: [LineShape; 7] = [
        LineShape::EqualRanks,
        LineShape::SkippedRanks,
        LineShape::Comment,
        LineShape::RepeatedCandidate,
        LineShape::LongEqualToken,
        LineShape::Nicknames,
        LineShape::BallotId,
    ];

    /// A short name, used in file names.
    pub fn name(self) -> &'static str {
        match self {
            LineShape::EqualRanks => "equal-ranks",
            LineShape::SkippedRanks => "skipped-ranks",
            LineShape::Comment => "comment",
            LineShape::RepeatedCandidate => "repeated-candidate",
            LineShape::LongEqualToken => "long-equal-token",
            LineShape::Nicknames => "nicknames",
            LineShape::BallotId => "ballot-id",
        }
    }

    /// The line's start, the unit repeated to fill it, and its end (the
    /// newline included).
    fn parts(self, k: usize) -> (String, &'static str, &'static str) {
        match self {
            LineShape::EqualRanks => ("1 1".into(), " 1=2", " 0\n"),
            LineShape::SkippedRanks => ("1 1".into(), " -", " 0\n"),
            LineShape::Comment => ("1 1".into(), " 1", " 0 # comment\n"),
            LineShape::RepeatedCandidate => ("1 1".into(), " 1", " 0\n"),
            LineShape::LongEqualToken => ("1 1".into(), "=1", " 0\n"),
            LineShape::Nicknames => ("1 a".into(), " a", " 0\n"),
            LineShape::BallotId => (format!("({k}) 1 1"), " 1", " 0\n"),
        }
    }
}

/// The candidates of the long-line files.
pub const LONG_LINE_CANDIDATES: usize = 10;

/// The header (and for [`LineShape::Nicknames`] the `[nick]` option) of a
/// long-line file.
fn long_line_header(shape: LineShape, out: &mut Vec<u8>) {
    out.extend_from_slice(format!("{LONG_LINE_CANDIDATES} 2\n").as_bytes());
    if shape == LineShape::Nicknames {
        out.extend_from_slice(b"[nick a b c d e f g h i j]\n");
    }
}

/// The names, title and end marker of a long-line file.
fn long_line_footer(out: &mut Vec<u8>) {
    out.extend_from_slice(b"0\n");
    for i in 1..=LONG_LINE_CANDIDATES {
        out.extend_from_slice(format!("\"Candidate {i}\"\n").as_bytes());
    }
    out.extend_from_slice(b"\"Long lines\"\n");
}

/// Appends one ballot line of about `bytes` bytes in `shape` (the `k`-th
/// of its file, which matters for ballot ids).
fn push_line(shape: LineShape, bytes: usize, k: usize, out: &mut Vec<u8>) {
    let (start, unit, end) = shape.parts(k);
    let units = bytes.saturating_sub(start.len() + end.len()) / unit.len();
    out.reserve(start.len() + units * unit.len() + end.len());
    out.extend_from_slice(start.as_bytes());
    for _ in 0..units {
        out.extend_from_slice(unit.as_bytes());
    }
    out.extend_from_slice(end.as_bytes());
}

/// A BLT file of 10 candidates whose one ballot line, in `shape`, is about
/// `bytes` long (file c of the recipe: 50 MB).
pub fn long_line(shape: LineShape, bytes: usize) -> Vec<u8> {
    long_lines(shape, bytes, bytes)
}

/// A BLT file of 10 candidates and about `total` bytes of ballot lines in
/// `shape`, each about `line` bytes long (file d: 100 MB of 1 MB lines).
pub fn long_lines(shape: LineShape, total: usize, line: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(total + 512);
    long_line_header(shape, &mut out);
    let lines = (total / line.max(1)).max(1);
    for k in 0..lines {
        push_line(shape, line, k, &mut out);
    }
    long_line_footer(&mut out);
    out
}

/// A BLT file declaring `candidates` candidates and `seats` seats, naming
/// them all (`"C1"`, `"C2"` …) and holding no papers: files a (65,535
/// candidates, 1,000 seats, about 578 KB) and b (1,000 and 10).
pub fn wide_header(candidates: usize, seats: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(candidates * 9 + 64);
    out.extend_from_slice(format!("{candidates} {seats}\n0\n").as_bytes());
    for i in 1..=candidates {
        out.extend_from_slice(format!("\"C{i}\"\n").as_bytes());
    }
    out.extend_from_slice(format!("\"{candidates} candidates, no papers\"\n").as_bytes());
    out
}

/// A BLT file of `candidates` candidates and `seats` seats in which each
/// candidate has one paper ranking only them (file f at 65,535 and 1,000,
/// about 1 MB): everyone is tied on one vote, so no candidate can be
/// excluded without a stage of its own.
pub fn one_paper_each(candidates: usize, seats: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(candidates * 17 + 64);
    out.extend_from_slice(format!("{candidates} {seats}\n").as_bytes());
    for i in 1..=candidates {
        out.extend_from_slice(format!("1 {i} 0\n").as_bytes());
    }
    out.extend_from_slice(b"0\n");
    for i in 1..=candidates {
        out.extend_from_slice(format!("\"C{i}\"\n").as_bytes());
    }
    out.extend_from_slice(format!("\"{candidates} candidates, one paper each\"\n").as_bytes());
    out
}

/// The real-shaped large contest of file e: 10,000 candidates, 5 seats,
/// 100,000 papers of mean length 12, from the usual generator.
pub fn real_shaped_spec() -> Spec {
    Spec {
        candidates: 10_000,
        seats: 5,
        papers: 100_000,
        mean_length: 12.0,
    }
}

/// Writes the recipe's files into `dir` (created if need be) and returns
/// their paths, smallest first:
///
/// * `a-65535-candidates.blt`, `b-1000-candidates.blt` ([`wide_header`]);
/// * `c-long-line-<shape>.blt`: one 50 MB line per shape ([`long_line`]);
/// * `d-long-lines.blt`: 100 MB of 1 MB equal-ranking lines ([`long_lines`]);
/// * `e-10000-candidates.blt` ([`real_shaped_spec`], seed 1).
pub fn write_all(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut paths = Vec::new();
    let mut put = |name: String, bytes: &[u8]| -> io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, bytes)?;
        paths.push(path);
        Ok(())
    };
    put("a-65535-candidates.blt".into(), &wide_header(65_535, 1_000))?;
    put("b-1000-candidates.blt".into(), &wide_header(1_000, 10))?;
    for shape in LineShape::ALL {
        let name = format!("c-long-line-{}.blt", shape.name());
        put(name, &long_line(shape, 50_000_000))?;
    }
    put(
        "d-long-lines.blt".into(),
        &long_lines(LineShape::EqualRanks, 100_000_000, 1_000_000),
    )?;
    put(
        "f-65535-one-paper-each.blt".into(),
        &one_paper_each(65_535, 1_000),
    )?;
    let path = dir.join("e-10000-candidates.blt");
    let mut file = io::BufWriter::new(std::fs::File::create(&path)?);
    write_blt(real_shaped_spec(), 1, &mut file)?;
    file.flush()?;
    paths.push(path);
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_their_size_and_form() {
        for shape in LineShape::ALL {
            let file = long_line(shape, 10_000);
            let len = file.len();
            assert!((10_000..10_600).contains(&len), "{shape:?}: {len} bytes");
            let text = String::from_utf8(file).unwrap();
            assert_eq!(text.lines().filter(|l| l.len() > 1000).count(), 1);
        }
        let a = wide_header(65_535, 1_000);
        assert!((560_000..600_000).contains(&a.len()), "{}", a.len());
        assert!(a.starts_with(b"65535 1000\n0\n\"C1\"\n"));
        let d = long_lines(LineShape::EqualRanks, 100_000, 10_000);
        assert_eq!(
            String::from_utf8(d).unwrap().lines().count(),
            1 + 10 + 1 + 11
        );
    }
}
