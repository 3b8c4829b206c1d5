//! The statement: the note text a bundle's signers sign.
//!
//! Grammar (printable ASCII and LF only; canonical-or-reject):
//!
//! ```text
//! statement     = "recount-bundle/1" LF
//!                 "election" SP election-id LF
//!                 "manifest" SP hex64 LF            ; SHA-256 of the MANIFEST file
//!                 1*("contest" SP contest-id SP papers SP hex64 LF)
//!                 "contests-root" SP hex64 LF
//! election-id   = 1*128(ALNUM / "." / "_" / "-" / "/" / ":")
//! contest-id    = (LOWER / DIGIT) *63(LOWER / DIGIT / "_" / "-")
//! papers        = "0" / (NZDIGIT *DIGIT)           ; at most 2^53 - 1
//! hex64         = 64 lowercase hex digits
//! ```
//!
//! Contest lines are sorted bytewise by contest id, each id once. A
//! contest line's hash is the RFC 9162 root of the lines of
//! `ballots/<contest-id>.csv` without their LF, `papers` the number of those
//! lines. `contests-root` is the RFC 9162 root over the contest lines'
//! bytes, without their LF. This module owns the text and
//! [`ContestTreeBuilder`], which streams a ballots file into its contest
//! line (refusing CR and a missing final LF; the ballots file's own grammar
//! is not checked here). Signing the text is [`crate::note`]'s, and checking
//! the files against it is the verifier's.

use crate::error::{BallotsProblem, Error, ErrorKind, Position, StatementProblem};
use crate::hex;
use crate::manifest::Digest;
use crate::merkle::{Hash, TreeBuilder, root_of_leaves};

/// The first line: the statement type and version, inside the signed bytes.
pub const TYPE_LINE: &str = "recount-bundle/1";

/// The largest paper count accepted, 2^53 − 1 (exact in every language's numbers).
pub const MAX_PAPERS: u64 = (1 << 53) - 1;

/// One contest's commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestLine {
    /// The contest id, which names `ballots/<id>.csv`.
    pub id: String,
    /// The number of ballot lines (leaves).
    pub papers: u64,
    /// The RFC 9162 root over the ballot lines.
    pub root: Hash,
}

impl ContestLine {
    fn render(&self) -> String {
        format!(
            "contest {} {} {}",
            self.id,
            self.papers,
            hex::encode(&self.root)
        )
    }
}

/// Builds a [`ContestLine`] from a ballots file streamed in chunks of any
/// size: each line without its LF is a leaf, in file order. Memory is the
/// tree's O(log n) hashes and one line.
///
/// ```
/// use bundle::statement::ContestTreeBuilder;
///
/// let mut t = ContestTreeBuilder::new();
/// t.write(b"1:c07;2:c0");
/// t.write(b"3\n1:c03\n");
/// let line = t.finish("north").unwrap();
/// assert_eq!(line.papers, 2);
///
/// let mut t = ContestTreeBuilder::new();
/// t.write(b"1:c07\r\n");
/// assert_eq!(t.finish("north").unwrap_err().position().map(|p| (p.line, p.column)), Some((1, 6)));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ContestTreeBuilder {
    tree: TreeBuilder,
    partial: Vec<u8>,
    fault: Option<(u64, u64, BallotsProblem)>,
}

impl ContestTreeBuilder {
    /// A tree of no lines yet.
    pub fn new() -> ContestTreeBuilder {
        ContestTreeBuilder::default()
    }

    /// Adds the next bytes of the file.
    pub fn write(&mut self, mut chunk: &[u8]) {
        if self.fault.is_some() {
            return;
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n') {
            self.partial.extend_from_slice(&chunk[..end]);
            chunk = &chunk[end + 1..];
            if !self.check_partial() {
                return;
            }
            if self.tree.len() == MAX_PAPERS {
                self.fault = Some((self.tree.len() + 1, 1, BallotsProblem::TooManyLines));
                return;
            }
            self.tree.push(&self.partial);
            self.partial.clear();
        }
        self.partial.extend_from_slice(chunk);
        self.check_partial();
    }

    /// Records a CR in the unfinished line as the fault; false if one is.
    fn check_partial(&mut self) -> bool {
        if let Some(at) = self.partial.iter().position(|&b| b == b'\r') {
            self.fault = Some((self.tree.len() + 1, at as u64 + 1, BallotsProblem::Cr));
            return false;
        }
        true
    }

    /// The contest line of contest `id`, or the first fault of the file.
    /// The id itself is checked when the statement is made.
    pub fn finish(self, id: &str) -> Result<ContestLine, Error> {
        let ballots = |(line, column, problem)| {
            Error::new(ErrorKind::Ballots {
                pos: Position::at(line, column),
                problem,
            })
        };
        if let Some(fault) = self.fault {
            return Err(ballots(fault));
        }
        if !self.partial.is_empty() {
            return Err(ballots((
                self.tree.len() + 1,
                self.partial.len() as u64 + 1,
                BallotsProblem::MissingFinalNewline,
            )));
        }
        Ok(ContestLine {
            id: id.to_owned(),
            papers: self.tree.len(),
            root: self.tree.root(),
        })
    }
}

/// A parsed, canonical statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    election: String,
    manifest: Digest,
    contests: Vec<ContestLine>,
}

fn election_id_rule(id: &str) -> Result<(), &'static str> {
    if id.is_empty() || id.len() > 128 {
        return Err("must be 1 to 128 characters");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':'))
    {
        return Err("characters are A-Z a-z 0-9 . _ - / :");
    }
    Ok(())
}

pub(crate) fn contest_id_rule(id: &str) -> Result<(), &'static str> {
    let b = id.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return Err("must be 1 to 64 characters");
    }
    if !(b[0].is_ascii_lowercase() || b[0].is_ascii_digit()) {
        return Err("must start with a-z or 0-9");
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
    {
        return Err("characters are a-z 0-9 _ -");
    }
    Ok(())
}

pub(crate) fn papers_rule(text: &str) -> Result<u64, &'static str> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not a decimal number");
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err("leading zero");
    }
    match text.parse::<u64>() {
        Ok(n) if n <= MAX_PAPERS => Ok(n),
        _ => Err("above 2^53 - 1"),
    }
}

impl Statement {
    /// A statement of these values, contests in any order. It is written
    /// and read back, so it refuses exactly what [`Statement::parse`]
    /// refuses, with positions in the text it would be.
    pub fn new(
        election: &str,
        manifest: Digest,
        mut contests: Vec<ContestLine>,
    ) -> Result<Statement, Error> {
        contests.sort_by(|a, b| a.id.cmp(&b.id));
        let draft = Statement {
            election: election.to_owned(),
            manifest,
            contests,
        };
        Statement::parse(draft.to_text().as_bytes())
    }

    /// The election id.
    pub fn election(&self) -> &str {
        &self.election
    }

    /// The SHA-256 of the MANIFEST file.
    pub fn manifest(&self) -> &Digest {
        &self.manifest
    }

    /// The contests, sorted by id.
    pub fn contests(&self) -> &[ContestLine] {
        &self.contests
    }

    /// The RFC 9162 root over the contest lines (without LF).
    pub fn contests_root(&self) -> Hash {
        root_of_leaves(self.contests.iter().map(ContestLine::render))
    }

    /// The canonical text, the bytes to sign.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{TYPE_LINE}\nelection {}\nmanifest {}\n",
            self.election,
            hex::encode(&self.manifest)
        );
        for c in &self.contests {
            out.push_str(&c.render());
            out.push('\n');
        }
        out.push_str(&format!(
            "contests-root {}\n",
            hex::encode(&self.contests_root())
        ));
        out
    }

    /// Reads a statement, refusing anything but the canonical text.
    pub fn parse(bytes: &[u8]) -> Result<Statement, Error> {
        let mut line = 1u64;
        let mut col = 1u64;
        for &b in bytes {
            if b == b'\n' {
                line += 1;
                col = 1;
                continue;
            }
            if !(0x20..=0x7e).contains(&b) {
                return Err(Error::statement(line, col, StatementProblem::NotAscii(b)));
            }
            col += 1;
        }
        let text = std::str::from_utf8(bytes).expect("checked ASCII");
        let Some(body) = text.strip_suffix('\n') else {
            return Err(Error::statement(
                line,
                col,
                StatementProblem::MissingFinalNewline,
            ));
        };
        let mut lines = body.split('\n').zip(1u64..).peekable();
        let mut next = |expected: &'static str| {
            lines
                .next()
                .ok_or_else(|| Error::statement(line, 1, StatementProblem::Expected { expected }))
        };
        let expected =
            |n, expected| Error::statement(n, 1, StatementProblem::Expected { expected });
        let bad = |n, col: usize, field, reason| {
            Error::statement(n, col as u64, StatementProblem::BadField { field, reason })
        };
        let hex64 = |n, col: usize, field, text: &str| {
            hex::decode::<32>(text.as_bytes())
                .map_err(|_| bad(n, col, field, "expected 64 lowercase hex digits"))
        };

        let (l, n) = next("the type line recount-bundle/1")?;
        if l != TYPE_LINE {
            return Err(expected(n, "the type line recount-bundle/1"));
        }
        let (l, n) = next("election <id>")?;
        let election = l
            .strip_prefix("election ")
            .ok_or_else(|| expected(n, "election <id>"))?;
        election_id_rule(election).map_err(|r| bad(n, 10, "election id", r))?;
        let (l, n) = next("manifest <sha256 hex>")?;
        let manifest = l
            .strip_prefix("manifest ")
            .ok_or_else(|| expected(n, "manifest <sha256 hex>"))?;
        let manifest = hex64(n, 10, "manifest digest", manifest)?;

        let mut contests: Vec<ContestLine> = Vec::new();
        let root_line = loop {
            let (l, n) = next("contest <id> <papers> <root hex> or contests-root <hex>")?;
            let Some(rest) = l.strip_prefix("contest ") else {
                if contests.is_empty() {
                    return Err(expected(n, "contest <id> <papers> <root hex>"));
                }
                break (l, n);
            };
            let fields: Vec<&str> = rest.split(' ').collect();
            let [id, papers, root] = fields[..] else {
                return Err(expected(
                    n,
                    "contest <id> <papers> <root hex>, one space apart",
                ));
            };
            contest_id_rule(id).map_err(|r| bad(n, 9, "contest id", r))?;
            let papers_col = 9 + id.len() + 1;
            let papers = papers_rule(papers).map_err(|r| bad(n, papers_col, "papers", r))?;
            let root_col = papers_col + fields[1].len() + 1;
            let root = hex64(n, root_col, "contest root", root)?;
            if let Some(prev) = contests.last() {
                if id <= prev.id.as_str() {
                    return Err(Error::statement(
                        n,
                        9,
                        StatementProblem::ContestOrder {
                            id: id.to_owned(),
                            previous: prev.id.clone(),
                        },
                    ));
                }
            }
            contests.push(ContestLine {
                id: id.to_owned(),
                papers,
                root,
            });
        };
        let (l, n) = root_line;
        let root = l.strip_prefix("contests-root ").ok_or_else(|| {
            expected(n, "contest <id> <papers> <root hex> or contests-root <hex>")
        })?;
        let root = hex64(n, 15, "contests-root", root)?;
        if let Some((_, n)) = lines.next() {
            return Err(Error::statement(n, 1, StatementProblem::TrailingLine));
        }
        let statement = Statement {
            election: election.to_owned(),
            manifest,
            contests,
        };
        if statement.contests_root() != root {
            return Err(Error::statement(n, 15, StatementProblem::ContestsRoot));
        }
        Ok(statement)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::sha256;
    use crate::merkle::leaf_hash;

    fn sample() -> Statement {
        let north = ["1:c07;2:c03", "1:c03", "1:c11;2:c07;3:c03"];
        Statement::new(
            "elections.example.gov/2026-05-council",
            sha256(b"MANIFEST bytes"),
            vec![
                ContestLine {
                    id: "south".into(),
                    papers: 0,
                    root: root_of_leaves(Vec::<&[u8]>::new()),
                },
                ContestLine {
                    id: "north".into(),
                    papers: 3,
                    root: root_of_leaves(north),
                },
            ],
        )
        .unwrap()
    }

    fn problem(text: &str) -> (u64, u64, StatementProblem) {
        let err = Statement::parse(text.as_bytes()).unwrap_err();
        let pos = err.position().unwrap();
        match err.into_kind() {
            ErrorKind::Statement { problem, .. } => (pos.line, pos.column, problem),
            other => panic!("not a statement error: {other:?}"),
        }
    }

    #[test]
    fn statement_lines_in_the_issue_order_and_round_trip() {
        let s = sample();
        let text = s.to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "recount-bundle/1");
        assert_eq!(lines[1], "election elections.example.gov/2026-05-council");
        assert!(lines[2].starts_with("manifest "));
        assert!(lines[3].starts_with("contest north 3 "));
        assert_eq!(
            lines[4],
            "contest south 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(lines[5].starts_with("contests-root "));
        assert_eq!(lines.len(), 6);
        assert_eq!(Statement::parse(text.as_bytes()).unwrap(), s);
        // contests-root is the RFC 9162 root over the contest lines' bytes.
        let root = crate::merkle::node_hash(
            &leaf_hash(lines[3].as_bytes()),
            &leaf_hash(lines[4].as_bytes()),
        );
        assert_eq!(lines[5], format!("contests-root {}", hex::encode(&root)));
    }

    #[test]
    fn statement_malformations_are_refused_with_positions() {
        let good = sample().to_text();
        let lines: Vec<&str> = good.lines().collect();
        let with = |i: usize, new: &str| {
            let mut l = lines.clone();
            l[i] = new;
            l.iter().map(|l| format!("{l}\n")).collect::<String>()
        };
        let h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let expected = |e| StatementProblem::Expected { expected: e };
        let field = |field, reason| StatementProblem::BadField { field, reason };
        let cases: Vec<(String, u64, u64, StatementProblem)> = vec![
            (
                good.trim_end().to_owned(),
                6,
                79,
                StatementProblem::MissingFinalNewline,
            ),
            (
                good.replace('\n', "\r\n"),
                1,
                17,
                StatementProblem::NotAscii(b'\r'),
            ),
            (
                format!("\u{feff}{good}"),
                1,
                1,
                StatementProblem::NotAscii(0xef),
            ),
            (
                with(0, "recount-bundle/2"),
                1,
                1,
                expected("the type line recount-bundle/1"),
            ),
            (
                with(1, "election  x"),
                2,
                10,
                field("election id", "characters are A-Z a-z 0-9 . _ - / :"),
            ),
            (with(1, "elections x"), 2, 1, expected("election <id>")),
            (
                with(2, &format!("manifest {}", h.to_uppercase())),
                3,
                10,
                field("manifest digest", "expected 64 lowercase hex digits"),
            ),
            (
                with(3, &format!("contest North 3 {h}")),
                4,
                9,
                field("contest id", "must start with a-z or 0-9"),
            ),
            (
                with(3, &format!("contest nOrth 3 {h}")),
                4,
                9,
                field("contest id", "characters are a-z 0-9 _ -"),
            ),
            (
                with(3, &format!("contest north 03 {h}")),
                4,
                15,
                field("papers", "leading zero"),
            ),
            (
                with(3, &format!("contest north 9007199254740992 {h}")),
                4,
                15,
                field("papers", "above 2^53 - 1"),
            ),
            (
                with(3, &format!("contest north 3 {h} ")),
                4,
                1,
                expected("contest <id> <papers> <root hex>, one space apart"),
            ),
            (
                with(3, &format!("contest north 3 {}", &h[..63])),
                4,
                17,
                field("contest root", "expected 64 lowercase hex digits"),
            ),
            (
                with(3, &format!("contest south 3 {h}")),
                5,
                9,
                StatementProblem::ContestOrder {
                    id: "south".into(),
                    previous: "south".into(),
                },
            ),
            (
                with(3, &format!("contest zz 3 {h}")),
                5,
                9,
                StatementProblem::ContestOrder {
                    id: "south".into(),
                    previous: "zz".into(),
                },
            ),
            (
                with(5, &format!("contests-root {h}")),
                6,
                15,
                StatementProblem::ContestsRoot,
            ),
            (
                format!("{good}extra\n"),
                7,
                1,
                StatementProblem::TrailingLine,
            ),
            (
                format!(
                    "{}{}",
                    lines[..3]
                        .iter()
                        .map(|l| format!("{l}\n"))
                        .collect::<String>(),
                    lines[5]
                ) + "\n",
                4,
                1,
                expected("contest <id> <papers> <root hex>"),
            ),
            (
                lines[..5].iter().map(|l| format!("{l}\n")).collect(),
                6,
                1,
                expected("contest <id> <papers> <root hex> or contests-root <hex>"),
            ),
            (
                format!("{}\n{}", lines[0], &good[lines[0].len() + 1..]).replacen(
                    "\nelection",
                    "\n\nelection",
                    1,
                ),
                2,
                1,
                expected("election <id>"),
            ),
        ];
        for (text, line, col, want) in cases {
            assert_eq!(problem(&text), (line, col, want), "{text:?}");
        }
    }

    #[test]
    fn contest_tree_leaves_are_the_lines_without_lf_in_any_chunking() {
        let file = b"ballot_id,marks\n0001,1:c07;2:c03\n0002,\n0003,1:c03\n";
        let want = root_of_leaves(["ballot_id,marks", "0001,1:c07;2:c03", "0002,", "0003,1:c03"]);
        for size in 1..=file.len() {
            let mut t = ContestTreeBuilder::new();
            for chunk in file.chunks(size) {
                t.write(chunk);
            }
            let line = t.finish("north").unwrap();
            assert_eq!((line.papers, line.root), (4, want), "chunks of {size}");
        }
        let empty = ContestTreeBuilder::new().finish("south").unwrap();
        assert_eq!((empty.papers, empty.root), (0, crate::merkle::EMPTY_ROOT));
        // An empty line is a leaf (the empty string); whether the ballots
        // grammar allows one is that grammar's business.
        let mut t = ContestTreeBuilder::new();
        t.write(b"\n");
        assert_eq!(t.finish("x").unwrap().root, leaf_hash(b""));
    }

    #[test]
    fn contest_tree_refuses_cr_and_a_missing_final_lf_with_positions() {
        let fault = |bytes: &[u8]| {
            let mut t = ContestTreeBuilder::new();
            t.write(bytes);
            let err = t.finish("x").unwrap_err();
            let pos = err.position().unwrap();
            match err.into_kind() {
                ErrorKind::Ballots { problem, .. } => (pos.line, pos.column, problem),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(fault(b"a\nbc"), (2, 3, BallotsProblem::MissingFinalNewline));
        assert_eq!(fault(b"a\nb\rc\n"), (2, 2, BallotsProblem::Cr));
        assert_eq!(fault(b"a\r"), (1, 2, BallotsProblem::Cr));
        assert_eq!(fault(b"a\r\nb\n"), (1, 2, BallotsProblem::Cr));
    }

    #[test]
    fn statement_new_refuses_duplicate_contests_and_bad_ids() {
        let c = |id: &str| ContestLine {
            id: id.into(),
            papers: 1,
            root: [0; 32],
        };
        assert!(Statement::new("e", [0; 32], vec![c("a"), c("a")]).is_err());
        assert!(Statement::new("e", [0; 32], vec![]).is_err());
        assert!(Statement::new("e", [0; 32], vec![c("../x")]).is_err());
        assert!(Statement::new("two words", [0; 32], vec![c("a")]).is_err());
        assert!(Statement::new("e", [0; 32], vec![c("b"), c("a")]).is_ok());
    }
}
