//! Making a bundle's files from an election and its rules: the metadata
//! and rules texts, each contest's ballots file (streamed into a writer the
//! caller gives), then `MANIFEST` and the signed `statement`. The caller
//! (the binary) owns the directory, the temporary name and the rename.
//!
//! Everything written is a function of the election, the rules and the
//! key: Ed25519 signatures are deterministic, so publishing the same inputs
//! with the same key twice gives the same bytes.

use std::io::{self, Write};

use ballot::{Contest, Election};

use crate::error::{Error, ErrorKind, PublishProblem};
use crate::keys::Signer;
use crate::layout::{
    self, BLANK_PAPER, CandidateMeta, ContestMeta, ELECTION_FILE, ElectionMeta, FORMAT, RULES_FILE,
    Status,
};
use crate::manifest::{Digest, FileHasher, ManifestBuilder};
use crate::note::{self, Note};
use crate::statement::{ContestLine, ContestTreeBuilder, MAX_PAPERS, Statement};

/// The metadata and rules of a bundle to be written, checked to fit the
/// bundle's grammar.
#[derive(Clone, Debug)]
pub struct Draft {
    election_id: String,
    election_json: String,
    rules_json: String,
    contests: Vec<String>,
}

fn refuse(problem: PublishProblem) -> Error {
    Error::new(ErrorKind::Publish(problem))
}

impl Draft {
    /// The draft of `election` counted under `rules`. Refuses what a
    /// `recount-bundle/1` cannot carry: ids outside its alphabets, a tie
    /// order or constraints (the count would silently lose them), more than
    /// 2^53 − 1 papers in a contest.
    pub fn new(election: &Election, rules: &count::Rules) -> Result<Draft, Error> {
        let mut contests = Vec::new();
        for c in election.contests() {
            contests.push(contest_meta(c)?);
        }
        contests.sort_by(|a, b| a.id.cmp(&b.id));
        let meta = ElectionMeta {
            contests,
            format: FORMAT.into(),
            id: election.id.clone(),
            title: election.title.clone(),
        };
        let draft = Draft {
            election_id: meta.id.clone(),
            election_json: layout::canonical_json(&meta),
            rules_json: layout::canonical_json(rules),
            contests: meta.contests.iter().map(|c| c.id.clone()).collect(),
        };
        // The election id and contest ids are the statement's rules.
        let lines = meta
            .contests
            .iter()
            .map(|c| ContestLine {
                id: c.id.clone(),
                papers: 0,
                root: crate::merkle::EMPTY_ROOT,
            })
            .collect();
        Statement::new(&meta.id, [0; 32], lines).map_err(|e| {
            refuse(PublishProblem::Id {
                reason: e.to_string(),
            })
        })?;
        Ok(draft)
    }

    /// The text of `election.json`.
    pub fn election_json(&self) -> &str {
        &self.election_json
    }

    /// The text of `rules.json`.
    pub fn rules_json(&self) -> &str {
        &self.rules_json
    }

    /// The contest ids, sorted.
    pub fn contests(&self) -> &[String] {
        &self.contests
    }
}

fn contest_meta(c: &Contest) -> Result<ContestMeta, Error> {
    if c.tie_order().is_some() {
        return Err(refuse(PublishProblem::Unsupported {
            contest: c.id().into(),
            what: "a tie order",
        }));
    }
    if !c.constraints().is_empty() {
        return Err(refuse(PublishProblem::Unsupported {
            contest: c.id().into(),
            what: "constraints",
        }));
    }
    if c.ballots().total_papers() > MAX_PAPERS {
        return Err(refuse(PublishProblem::TooManyPapers {
            contest: c.id().into(),
        }));
    }
    let mut candidates = Vec::new();
    for (i, cand) in c.candidates().iter().enumerate() {
        if let Err(why) = layout::candidate_id_rule(&cand.id) {
            return Err(refuse(PublishProblem::CandidateId {
                contest: c.id().into(),
                id: cand.id.clone(),
                reason: why,
            }));
        }
        let withdrawn = c.withdrawn().iter().any(|w| w.index() == i);
        candidates.push(CandidateMeta {
            affiliation: cand.affiliation.clone(),
            id: cand.id.clone(),
            name: cand.name.clone(),
            status: if withdrawn {
                Status::Withdrawn
            } else {
                Status::Standing
            },
        });
    }
    Ok(ContestMeta {
        candidates,
        id: c.id().into(),
        seats: c.seats(),
        title: c.title().into(),
    })
}

/// A contest's distinct ballot lines, sorted bytewise, each with its paper
/// count. Memory is one string per distinct ranking, not per paper.
pub fn ballot_lines(contest: &Contest) -> Vec<(String, u64)> {
    let mut lines: Vec<(String, u64)> = contest
        .ballots()
        .iter()
        .map(|b| {
            let ids: Vec<&str> = b
                .ranking
                .iter()
                .map(|&id| contest.candidate(id).id.as_str())
                .collect();
            (ids.join(","), b.count.0)
        })
        .collect();
    let blank = contest.ballots().blank().0;
    if blank > 0 {
        lines.push((BLANK_PAPER.to_owned(), blank));
    }
    lines.sort_unstable();
    // Two rankings cannot give one line (ids are distinct), but merge to be sure.
    lines.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 += later.1;
            true
        } else {
            false
        }
    });
    lines
}

/// What writing one ballots file gives: its contest line and its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenBallots {
    /// The statement's line for the contest.
    pub line: ContestLine,
    /// The SHA-256 of the file's bytes.
    pub digest: Digest,
}

/// Writes contest `id`'s ballots file (each line `count` times, in the
/// order given, which [`ballot_lines`] sorts) into `out`, computing its
/// digest and Merkle root as it goes.
pub fn write_ballots(
    id: &str,
    lines: &[(String, u64)],
    out: &mut impl Write,
) -> io::Result<WrittenBallots> {
    let mut hasher = FileHasher::new();
    let mut tree = ContestTreeBuilder::new();
    let mut buf = Vec::with_capacity(64 * 1024);
    for (line, count) in lines {
        for _ in 0..*count {
            buf.extend_from_slice(line.as_bytes());
            buf.push(b'\n');
            if buf.len() >= 60 * 1024 {
                hasher.update(&buf);
                tree.write(&buf);
                out.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    hasher.update(&buf);
    tree.write(&buf);
    out.write_all(&buf)?;
    let line = tree
        .finish(id)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    Ok(WrittenBallots {
        line,
        digest: hasher.finish(),
    })
}

/// The two files made last: `MANIFEST` and `statement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The MANIFEST text.
    pub manifest: String,
    /// The signed statement: a C2SP signed note.
    pub statement: String,
}

/// Makes MANIFEST over the draft's texts and the written ballots files,
/// and the statement over them, signed by `signer`.
pub fn seal(draft: &Draft, ballots: &[WrittenBallots], signer: &Signer) -> Result<Sealed, Error> {
    let mut files = ManifestBuilder::new();
    files.add(ELECTION_FILE, draft.election_json.as_bytes())?;
    files.add(RULES_FILE, draft.rules_json.as_bytes())?;
    for b in ballots {
        files.add_digest(&layout::ballots_path(&b.line.id), b.digest)?;
    }
    let manifest = files.build();
    let statement = Statement::new(
        &draft.election_id,
        manifest.digest(),
        ballots.iter().map(|b| b.line.clone()).collect(),
    )?;
    let signed = note::sign(&Note::new(&statement.to_text())?, signer)?;
    Ok(Sealed {
        manifest: manifest.to_text(),
        statement: signed.to_text(),
    })
}
