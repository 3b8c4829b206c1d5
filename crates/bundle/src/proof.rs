//! The proof file: that one paper is in a contest's signed tree.
//!
//! Grammar (printable ASCII and LF only; canonical-or-reject):
//!
//! ```text
//! proof     = "recount-proof/1" LF
//!             "statement" SP hex64 LF      ; SHA-256 of the statement's note text
//!             "contest" SP contest-id LF
//!             "index" SP number LF         ; the paper's 0-based line in the ballots file
//!             "size" SP number LF          ; the contest's papers
//!             "leaf" SP paper LF           ; the ballots line, without its LF
//!             *("path" SP hex64 LF)        ; the audit path, leaf level first
//! number    = "0" / (NZDIGIT *DIGIT)       ; at most 2^53 - 1
//! ```
//!
//! `paper` is the ballots line grammar of `specs/bundle.md` §7. The
//! statement hash is of the note's *text* (the signed body bytes, without
//! the empty line and signature lines), so a co-signature added later does
//! not change any proof.
//!
//! This module owns the text, [`Proof::make`] (from a [`VerifiedBundle`]
//! and the contest's ballots bytes, so only a bundle that verified gives a
//! proof) and [`check`], which takes the signed statement and trusted keys.
//! Reading files is the caller's.

use crate::error::{Error, ErrorKind, Position, ProofCheckProblem, ProofFileProblem};
use crate::hex;
use crate::keys::VerifierKey;
use crate::layout;
use crate::manifest::sha256;
use crate::merkle::{self, Hash, InclusionProof};
use crate::note::{self, Note};
use crate::statement::{self, Statement};
use crate::verify::VerifiedBundle;

/// The first line: the proof type and version.
pub const TYPE_LINE: &str = "recount-proof/1";

/// An inclusion proof of one paper, as its file holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// SHA-256 of the statement's note text.
    pub statement: Hash,
    /// The contest id.
    pub contest: String,
    /// The paper's 0-based index (its line in the ballots file, less one).
    pub index: u64,
    /// The tree size: the contest's papers.
    pub size: u64,
    /// The ballots line, without its LF.
    pub leaf: String,
    /// The audit path, leaf level first.
    pub path: Vec<Hash>,
}

/// The proof file's line of each field, for messages.
const STATEMENT_LINE: u64 = 2;
const INDEX_LINE: u64 = 4;
const SIZE_LINE: u64 = 5;
const LEAF_LINE: u64 = 6;

fn file_error(line: u64, column: u64, problem: ProofFileProblem) -> Error {
    Error::new(ErrorKind::ProofFile {
        pos: Position::at(line, column),
        problem,
    })
}

fn check_error(problem: ProofCheckProblem) -> Error {
    Error::new(ErrorKind::ProofCheck(problem))
}

impl Proof {
    /// The proof of paper `index` of `contest` in a verified bundle, whose
    /// ballots file for that contest is `ballots` (its bytes, which must
    /// give the statement's root: a file changed since it was verified is
    /// refused).
    pub fn make(
        bundle: &VerifiedBundle,
        contest: &str,
        ballots: &[u8],
        index: u64,
    ) -> Result<Proof, Error> {
        let statement = bundle.statement();
        let Some(line) = statement.contests().iter().find(|c| c.id == contest) else {
            return Err(check_error(ProofCheckProblem::NoContest {
                contest: contest.to_owned(),
            }));
        };
        let text = std::str::from_utf8(ballots).map_err(|_| {
            check_error(ProofCheckProblem::Changed {
                contest: contest.to_owned(),
            })
        })?;
        let lines: Vec<&str> = text.lines().collect();
        let hashes: Vec<Hash> = lines
            .iter()
            .map(|l| merkle::leaf_hash(l.as_bytes()))
            .collect();
        let mut tree = merkle::TreeBuilder::new();
        for h in &hashes {
            tree.push_leaf_hash(*h);
        }
        if tree.len() != line.papers || tree.root() != line.root {
            return Err(check_error(ProofCheckProblem::Changed {
                contest: contest.to_owned(),
            }));
        }
        let inclusion = merkle::inclusion_proof(&hashes, index)?;
        Ok(Proof {
            statement: sha256(statement.to_text().as_bytes()),
            contest: contest.to_owned(),
            index,
            size: inclusion.size,
            leaf: lines[index as usize].to_owned(),
            path: inclusion.path,
        })
    }

    /// The proof file's text.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "{TYPE_LINE}\nstatement {}\ncontest {}\nindex {}\nsize {}\nleaf {}\n",
            hex::encode(&self.statement),
            self.contest,
            self.index,
            self.size,
            self.leaf
        );
        for p in &self.path {
            s.push_str("path ");
            s.push_str(&hex::encode(p));
            s.push('\n');
        }
        s
    }

    /// Reads a proof file. A text whose first line is not
    /// `recount-proof/1` is [`ProofFileProblem::NotAProof`]; any other
    /// fault names its line and column.
    pub fn parse(bytes: &[u8]) -> Result<Proof, Error> {
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        if first != TYPE_LINE.as_bytes() {
            return Err(file_error(1, 1, ProofFileProblem::NotAProof));
        }
        let (mut line, mut col) = (1u64, 1u64);
        for &b in bytes {
            if b == b'\n' {
                line += 1;
                col = 1;
                continue;
            }
            if !(0x20..=0x7e).contains(&b) {
                return Err(file_error(line, col, ProofFileProblem::NotAscii(b)));
            }
            col += 1;
        }
        let text = std::str::from_utf8(bytes).expect("checked ASCII");
        let Some(body) = text.strip_suffix('\n') else {
            return Err(file_error(line, col, ProofFileProblem::MissingFinalNewline));
        };
        let lines: Vec<(&str, u64)> = body.split('\n').zip(1u64..).skip(1).collect();
        let last = line;
        let mut at = 0;
        let mut field = |name: &'static str, expected: &'static str| {
            let Some(&(l, n)) = lines.get(at) else {
                return Err(file_error(last, 1, ProofFileProblem::Expected { expected }));
            };
            at += 1;
            match l.strip_prefix(name).and_then(|r| r.strip_prefix(' ')) {
                Some(value) => Ok((value, n)),
                None => Err(file_error(n, 1, ProofFileProblem::Expected { expected })),
            }
        };
        let bad = |n: u64, col: usize, field: &'static str, reason: &'static str| {
            file_error(n, col as u64, ProofFileProblem::BadField { field, reason })
        };
        let hex64 = |n: u64, col: usize, field: &'static str, value: &str| {
            hex::decode::<32>(value.as_bytes())
                .map_err(|_| bad(n, col, field, "expected 64 lowercase hex digits"))
        };
        let number = |n: u64, col: usize, field: &'static str, value: &str| {
            statement::papers_rule(value).map_err(|r| bad(n, col, field, r))
        };

        let (v, n) = field("statement", "statement <sha256 hex>")?;
        let statement = hex64(n, 11, "statement hash", v)?;
        let (v, n) = field("contest", "contest <id>")?;
        statement::contest_id_rule(v).map_err(|r| bad(n, 9, "contest id", r))?;
        let contest = v.to_owned();
        let (v, n) = field("index", "index <number>")?;
        let index = number(n, 7, "index", v)?;
        let (v, n) = field("size", "size <number>")?;
        let size = number(n, 6, "size", v)?;
        let (v, n) = field("leaf", "leaf <ballots line>")?;
        if let Err(why) = layout::paper_ids(v) {
            return Err(file_error(n, 6, ProofFileProblem::BadLeaf(why)));
        }
        let leaf = v.to_owned();
        let mut path = Vec::new();
        for _ in 5..lines.len() {
            let (v, n) = field("path", "path <sha256 hex> or the end of the proof")?;
            // 2^53 leaves need at most 53 levels.
            if path.len() == 53 {
                return Err(bad(n, 1, "path", "more than 53 path lines"));
            }
            path.push(hex64(n, 6, "path hash", v)?);
        }
        Ok(Proof {
            statement,
            contest,
            index,
            size,
            leaf,
            path,
        })
    }
}

/// A proof that [`check`] accepted.
#[derive(Clone, Debug)]
pub struct CheckedProof {
    proof: Proof,
    signers: Vec<VerifierKey>,
}

impl CheckedProof {
    /// The proof.
    pub fn proof(&self) -> &Proof {
        &self.proof
    }

    /// The trusted keys whose signatures on the statement verified.
    pub fn signers(&self) -> &[VerifierKey] {
        &self.signers
    }
}

/// Checks `proof` against the signed statement `statement` (the bytes of a
/// bundle's `statement` file): the statement verifies under `trusted` with
/// at least `require` distinct keys, its text hashes to the proof's
/// statement hash, its contest line gives the proof's size, and the audit
/// path leads from the leaf to that line's root.
pub fn check(
    proof: &Proof,
    statement: &[u8],
    trusted: &[VerifierKey],
    require: usize,
) -> Result<CheckedProof, Error> {
    let statement_fault = |e: Error| check_error(ProofCheckProblem::Statement(e.to_string()));
    let note = Note::parse(statement).map_err(statement_fault)?;
    let verified = note::verify(&note, trusted, require).map_err(statement_fault)?;
    let text = verified.text().as_bytes();
    let parsed = Statement::parse(text).map_err(statement_fault)?;
    if sha256(text) != proof.statement {
        return Err(check_error(ProofCheckProblem::StatementHash {
            line: STATEMENT_LINE,
        }));
    }
    let Some(contest) = parsed.contests().iter().find(|c| c.id == proof.contest) else {
        return Err(check_error(ProofCheckProblem::NoContest {
            contest: proof.contest.clone(),
        }));
    };
    if contest.papers != proof.size {
        return Err(check_error(ProofCheckProblem::Size {
            line: SIZE_LINE,
            proof: proof.size,
            statement: contest.papers,
        }));
    }
    if proof.index >= proof.size {
        return Err(check_error(ProofCheckProblem::Index {
            line: INDEX_LINE,
            index: proof.index,
            size: proof.size,
        }));
    }
    let inclusion = InclusionProof {
        index: proof.index,
        size: proof.size,
        path: proof.path.clone(),
    };
    merkle::verify_inclusion(
        &merkle::leaf_hash(proof.leaf.as_bytes()),
        &inclusion,
        &contest.root,
    )
    .map_err(|e| {
        let problem = match e.into_kind() {
            ErrorKind::Proof(p) => p,
            other => unreachable!("verify_inclusion gives proof errors, not {other:?}"),
        };
        check_error(ProofCheckProblem::Path {
            line: LEAF_LINE,
            contest: proof.contest.clone(),
            problem,
        })
    })?;
    Ok(CheckedProof {
        proof: proof.clone(),
        signers: verified.signers().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProofFileProblem as P;

    const GOOD: &str = "recount-proof/1\nstatement 0000000000000000000000000000000000000000000000000000000000000000\ncontest north\nindex 1\nsize 2\nleaf c07,c03\npath 1111111111111111111111111111111111111111111111111111111111111111\n";

    #[test]
    fn a_proof_round_trips_byte_for_byte() {
        let p = Proof::parse(GOOD.as_bytes()).unwrap();
        assert_eq!(
            (p.index, p.size, p.leaf.as_str(), p.path.len()),
            (1, 2, "c07,c03", 1)
        );
        assert_eq!(p.to_text(), GOOD);
    }

    /// (what is changed, into what, the line and column, the problem).
    #[test]
    fn each_malformed_proof_names_its_line_and_column() {
        let rows: &[(&str, &str, u64, u64, P)] = &[
            ("recount-proof/1", "recount-bundle/1", 1, 1, P::NotAProof),
            (
                "index 1",
                "index 01",
                4,
                7,
                P::BadField {
                    field: "index",
                    reason: "no leading zero",
                },
            ),
            (
                "size 2",
                "size -2",
                5,
                6,
                P::BadField {
                    field: "size",
                    reason: "a decimal number",
                },
            ),
            (
                "leaf c07,c03",
                "leaf c07,,c03",
                6,
                6,
                P::BadLeaf(String::new()),
            ),
            (
                "contest north",
                "contest North",
                3,
                9,
                P::BadField {
                    field: "contest id",
                    reason: "",
                },
            ),
            (
                "index 1",
                "size 1",
                4,
                1,
                P::Expected {
                    expected: "index <number>",
                },
            ),
            (
                "path 1111",
                "path 1A11",
                7,
                6,
                P::BadField {
                    field: "path hash",
                    reason: "expected 64 lowercase hex digits",
                },
            ),
            ("\npath", "\r\npath", 6, 13, P::NotAscii(b'\r')),
        ];
        for (from, to, line, column, problem) in rows {
            let text = GOOD.replacen(from, to, 1);
            let e = Proof::parse(text.as_bytes()).unwrap_err();
            assert_eq!(
                e.position(),
                Some(Position::at(*line, *column)),
                "{to}: {e}"
            );
            let ErrorKind::ProofFile { problem: got, .. } = e.kind() else {
                panic!("{e}")
            };
            // The reasons are the statement's rules; pin the variant and field.
            match (got, problem) {
                (P::BadField { field: a, .. }, P::BadField { field: b, .. }) => assert_eq!(a, b),
                (P::BadLeaf(_), P::BadLeaf(_)) => {}
                (a, b) => assert_eq!(a, b, "{to}"),
            }
        }
        let no_lf = GOOD.strip_suffix('\n').unwrap();
        let e = Proof::parse(no_lf.as_bytes()).unwrap_err();
        assert!(matches!(
            e.kind(),
            ErrorKind::ProofFile {
                problem: P::MissingFinalNewline,
                ..
            }
        ));
    }
}
