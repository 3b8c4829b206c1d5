//! Making a bundle's files from an election and its rules: the metadata
//! and rules texts, each contest's ballots file (streamed into a writer the
//! caller gives), then `MANIFEST` and the signed `statement`. The caller
//! (the binary) owns the directory, the temporary name and the rename.
//!
//! Everything written is a function of the election, the rules and the
//! key: Ed25519 signatures are deterministic, so publishing the same inputs
//! with the same key twice gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use ballot::{Contest, Election};
use unicode_normalization::{UnicodeNormalization, is_nfc};

use crate::error::{Error, ErrorKind, PublishProblem};
use crate::keys::Signer;
use crate::layout::{
    self, BLANK_PAPER, CandidateMeta, ConstraintMeta, ContestMeta, ELECTION_FILE, ElectionMeta,
    FORMAT, RULES_FILE, Status,
};
use crate::manifest::{Digest, FileHasher, ManifestBuilder};
use crate::meta::{Meta, MetaContest};
use crate::note::{self, Note};
use crate::records::{self, ContestResult, ContestTurnout, DeclaredResult, Turnout};
use crate::statement::{ContestLine, ContestTreeBuilder, MAX_PAPERS, Statement};

/// The metadata, rules and records of a bundle to be written, checked to
/// fit the bundle's grammar.
#[derive(Clone, Debug)]
pub struct Draft {
    election_id: String,
    election_json: String,
    rules_json: String,
    contests: Vec<String>,
    records: BTreeMap<String, String>,
}

fn refuse(problem: PublishProblem) -> Error {
    Error::new(ErrorKind::Publish(problem))
}

fn fact(message: String) -> Error {
    refuse(PublishProblem::MetaFact(message))
}

impl Draft {
    /// The draft of `election` counted under `rules`, with no META.
    pub fn new(election: &Election, rules: &count::Rules) -> Result<Draft, Error> {
        Draft::with_meta(election, rules, None, &BTreeMap::new())
    }

    /// The draft of `election` counted under `rules`, with `meta`'s facts
    /// and records applied; `files` holds the bytes of each path
    /// [`Meta::paths`] names. Refuses what a `recount-bundle/1` cannot carry
    /// (ids outside its alphabets, names not in NFC, more than 2^53 − 1
    /// papers in a contest) and META facts that do not fit the source.
    pub fn with_meta(
        election: &Election,
        rules: &count::Rules,
        meta: Option<&Meta>,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<Draft, Error> {
        let mut contests = Vec::new();
        for c in election.contests() {
            contests.push(contest_meta(c)?);
        }
        contests.sort_by(|a, b| a.id.cmp(&b.id));
        let mut em = ElectionMeta {
            contests,
            format: FORMAT.into(),
            id: election.id.clone(),
            nomination: None,
            title: election.title.clone(),
            voting: None,
        };
        let mut records = BTreeMap::new();
        if let Some(meta) = meta {
            apply_meta(&mut em, meta, files, &mut records)?;
        }
        check_nfc(&em)?;
        let draft = Draft {
            election_id: em.id.clone(),
            election_json: layout::canonical_json(&em),
            rules_json: layout::canonical_json(rules),
            contests: em.contests.iter().map(|c| c.id.clone()).collect(),
            records,
        };
        // The election id and contest ids are the statement's rules.
        let lines = em
            .contests
            .iter()
            .map(|c| ContestLine {
                id: c.id.clone(),
                papers: 0,
                root: crate::merkle::EMPTY_ROOT,
            })
            .collect();
        Statement::new(&em.id, [0; 32], lines).map_err(|e| {
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

    /// The record files (roll, nominations, turnout, result): each path in
    /// the bundle and its text, sorted by path.
    pub fn records(&self) -> &BTreeMap<String, String> {
        &self.records
    }
}

fn apply_meta(
    em: &mut ElectionMeta,
    meta: &Meta,
    files: &BTreeMap<String, Vec<u8>>,
    records: &mut BTreeMap<String, String>,
) -> Result<(), Error> {
    if let Some(id) = &meta.id {
        em.id.clone_from(id);
    }
    if let Some(title) = &meta.title {
        em.title.clone_from(title);
    }
    em.nomination.clone_from(&meta.nomination);
    em.voting.clone_from(&meta.voting);
    let mut turnout = Vec::new();
    let mut result = Vec::new();
    let mut seen = BTreeSet::new();
    for mc in &meta.contests {
        if !seen.insert(mc.id.as_str()) {
            return Err(fact(format!("META names contest {} twice", mc.id)));
        }
        let ids: Vec<&str> = em.contests.iter().map(|c| c.id.as_str()).collect();
        let known = ids.join(", ");
        let Some(cm) = em.contests.iter_mut().find(|c| c.id == mc.id) else {
            return Err(fact(format!(
                "META names contest {:?}, which the source does not have (it has {known})",
                mc.id
            )));
        };
        apply_contest(cm, mc)?;
        let read = |path: &str, canonical: fn(&str) -> Result<String, layout::TextFault>| {
            let bytes = files
                .get(path)
                .ok_or_else(|| fact(format!("{path}: not read")))?;
            let text = std::str::from_utf8(bytes).map_err(|_| {
                refuse(PublishProblem::Record {
                    file: path.to_owned(),
                    line: 1,
                    message: "not UTF-8".into(),
                })
            })?;
            canonical(text).map_err(|f| {
                refuse(PublishProblem::Record {
                    file: path.to_owned(),
                    line: f.line.unwrap_or(1),
                    message: f.message,
                })
            })
        };
        if let Some(path) = &mc.roll {
            records.insert(
                records::roll_path(&mc.id),
                read(path, records::canonical_roll)?,
            );
        }
        if let Some(path) = &mc.nominations {
            records.insert(
                records::nominations_path(&mc.id),
                read(path, records::canonical_nominations)?,
            );
        }
        if let Some(t) = mc.turnout {
            turnout.push(ContestTurnout {
                blank: t.blank,
                id: mc.id.clone(),
                links_sent: t.links_sent,
                papers: t.papers,
                rejected: t.rejected,
            });
        }
        if let Some(elected) = &mc.elected {
            result.push(ContestResult {
                elected: elected.clone(),
                id: mc.id.clone(),
            });
        }
    }
    let all = em.contests.len();
    for (what, given, file) in [
        ("turnout", turnout.len(), records::TURNOUT_FILE),
        ("elected", result.len(), records::RESULT_FILE),
    ] {
        if given != 0 && given != all {
            return Err(fact(format!(
                "META gives {what} for {given} of the {all} contests; {file} needs every contest or none"
            )));
        }
    }
    turnout.sort_by(|a, b| a.id.cmp(&b.id));
    result.sort_by(|a, b| a.id.cmp(&b.id));
    if !turnout.is_empty() {
        let t = Turnout { contests: turnout };
        records.insert(records::TURNOUT_FILE.into(), layout::canonical_json(&t));
    }
    if !result.is_empty() {
        let r = DeclaredResult { contests: result };
        records.insert(records::RESULT_FILE.into(), layout::canonical_json(&r));
    }
    Ok(())
}

fn apply_contest(cm: &mut ContestMeta, mc: &MetaContest) -> Result<(), Error> {
    if let Some(title) = &mc.title {
        cm.title.clone_from(title);
    }
    for m in &mc.candidates {
        let here = cm.candidates.iter_mut().find(|c| c.id == m.id);
        match here {
            Some(c) => {
                if let Some(status) = m.status {
                    if !status.on_ballot() {
                        return Err(fact(format!(
                            "contest {}: candidate {} is on the source's ballot paper, so its \
                             status is standing or withdrawn, not {}",
                            cm.id,
                            m.id,
                            status.as_str()
                        )));
                    }
                    c.status = status;
                }
                if let Some(name) = &m.name {
                    c.name.clone_from(name);
                }
                if m.affiliation.is_some() {
                    c.affiliation.clone_from(&m.affiliation);
                }
                c.attributes
                    .extend(m.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
                if m.vetted.is_some() {
                    c.vetted.clone_from(&m.vetted);
                }
            }
            None => {
                let (Some(name), Some(status)) = (&m.name, m.status) else {
                    return Err(fact(format!(
                        "contest {}: candidate {:?} is not in the source; a candidate kept off \
                         the ballot needs a name and a status (not-vetted or insufficient-nominations)",
                        cm.id, m.id
                    )));
                };
                if status.on_ballot() {
                    return Err(fact(format!(
                        "contest {}: candidate {} is not in the source, so not on the ballot \
                         paper; its status is not-vetted or insufficient-nominations, not {}",
                        cm.id,
                        m.id,
                        status.as_str()
                    )));
                }
                if let Err(why) = layout::candidate_id_rule(&m.id) {
                    return Err(refuse(PublishProblem::CandidateId {
                        contest: cm.id.clone(),
                        id: m.id.clone(),
                        reason: why,
                    }));
                }
                cm.candidates.push(CandidateMeta {
                    affiliation: m.affiliation.clone(),
                    attributes: m.attributes.clone(),
                    id: m.id.clone(),
                    name: name.clone(),
                    status,
                    vetted: m.vetted.clone(),
                });
            }
        }
    }
    if let Some(constraints) = &mc.constraints {
        cm.constraints.clone_from(constraints);
    }
    if let Some(order) = &mc.tie_order {
        cm.tie_order = Some(order.clone());
    }
    Ok(())
}

/// Refuses a name that is not in NFC rather than change it: the bundle's
/// names must be the source's.
fn check_nfc(em: &ElectionMeta) -> Result<(), Error> {
    let mut texts: Vec<(String, &str)> = vec![("the election title".into(), &em.title)];
    for c in &em.contests {
        texts.push((format!("contest {}'s title", c.id), &c.title));
        for k in &c.candidates {
            let who = format!("contest {}: candidate {}'s", c.id, k.id);
            texts.push((format!("{who} name"), &k.name));
            if let Some(a) = &k.affiliation {
                texts.push((format!("{who} affiliation"), a));
            }
            for (key, value) in &k.attributes {
                texts.push((format!("{who} attribute"), key));
                texts.push((format!("{who} attribute {key}"), value));
            }
        }
        for k in &c.constraints {
            texts.push((
                format!("contest {}: a constraint's attribute", c.id),
                &k.attribute,
            ));
            texts.push((format!("contest {}: a constraint's value", c.id), &k.value));
        }
    }
    for (what, text) in texts {
        if !is_nfc(text) {
            return Err(refuse(PublishProblem::NotNfc {
                what,
                name: text.to_owned(),
                nfc: text.nfc().collect(),
            }));
        }
    }
    Ok(())
}

fn contest_meta(c: &Contest) -> Result<ContestMeta, Error> {
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
            attributes: cand.attributes.clone(),
            id: cand.id.clone(),
            name: cand.name.clone(),
            status: if withdrawn {
                Status::Withdrawn
            } else {
                Status::Standing
            },
            vetted: None,
        });
    }
    let tie_order = c
        .tie_order()
        .map(|order| order.iter().map(|&id| c.candidate(id).id.clone()).collect());
    Ok(ContestMeta {
        candidates,
        constraints: c.constraints().iter().map(ConstraintMeta::from).collect(),
        id: c.id().into(),
        seats: c.seats(),
        tie_order,
        title: c.title().into(),
    })
}

/// A contest's distinct ballot lines, sorted bytewise, each with its paper
/// count: one buffer of line bytes and a 24-byte entry a line, not a
/// string each (a 5-million-paper contest has about 4 million distinct
/// lines, which as strings took more memory than the ballot file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BallotLines {
    bytes: Vec<u8>,
    /// (start in `bytes`, length, papers), sorted by the line's bytes.
    lines: Vec<(usize, usize, u64)>,
}

impl BallotLines {
    /// The lines, in order, each with its papers.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u64)> + '_ {
        self.lines
            .iter()
            .map(|&(start, len, n)| (&self.bytes[start..start + len], n))
    }

    /// Distinct lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// A contest's distinct ballot lines, sorted bytewise ([`BallotLines`]).
pub fn ballot_lines(contest: &Contest) -> BallotLines {
    let ids: Vec<&[u8]> = contest
        .candidates()
        .iter()
        .map(|c| c.id.as_bytes())
        .collect();
    // Sized exactly first: a buffer grown by doubling would hold twice its
    // size while it is copied.
    let blank = contest.ballots().blank().0;
    let mut size = if blank > 0 { BLANK_PAPER.len() } else { 0 };
    for b in contest.ballots().iter() {
        size += b
            .ranking
            .iter()
            .map(|id| ids[id.index()].len())
            .sum::<usize>();
        size += b.ranking.len().saturating_sub(1);
    }
    let mut out = BallotLines {
        bytes: Vec::with_capacity(size),
        lines: Vec::with_capacity(contest.ballots().len() + 1),
    };
    for b in contest.ballots().iter() {
        let start = out.bytes.len();
        for (k, id) in b.ranking.iter().enumerate() {
            if k > 0 {
                out.bytes.push(b',');
            }
            out.bytes.extend_from_slice(ids[id.index()]);
        }
        out.lines.push((start, out.bytes.len() - start, b.count.0));
    }
    if blank > 0 {
        let start = out.bytes.len();
        out.bytes.extend_from_slice(BLANK_PAPER.as_bytes());
        out.lines.push((start, BLANK_PAPER.len(), blank));
    }
    let bytes = &out.bytes;
    out.lines
        .sort_unstable_by(|a, b| bytes[a.0..a.0 + a.1].cmp(&bytes[b.0..b.0 + b.1]));
    // Two rankings cannot give one line (ids are distinct), but merge to be sure.
    out.lines.dedup_by(|later, earlier| {
        if bytes[later.0..later.0 + later.1] == bytes[earlier.0..earlier.0 + earlier.1] {
            earlier.2 += later.2;
            true
        } else {
            false
        }
    });
    out
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
    lines: &BallotLines,
    out: &mut impl Write,
) -> io::Result<WrittenBallots> {
    let mut hasher = FileHasher::new();
    let mut tree = ContestTreeBuilder::new();
    let mut buf = Vec::with_capacity(64 * 1024);
    for (line, count) in lines.iter() {
        for _ in 0..count {
            buf.extend_from_slice(line);
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
    for (path, text) in &draft.records {
        files.add(path, text.as_bytes())?;
    }
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
