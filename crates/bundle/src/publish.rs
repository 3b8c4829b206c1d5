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
    FORMAT, MANIFEST_FILE, RULES_FILE, STATEMENT_FILE, Status,
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
            if c.ballots().has_equal_rankings() {
                return Err(refuse(PublishProblem::EqualRankings {
                    contest: c.id().to_owned(),
                    papers: c.ballots().equal_ranked_papers(),
                }));
            }
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
/// count: the order of the contest's rankings, 4 bytes a ranking, with the
/// lines' bytes made from the ballot store as they are compared and
/// written (a 5-million-paper contest has about 4 million distinct lines:
/// as strings they took more memory than the ballot file).
#[derive(Clone, Debug)]
pub struct BallotLines<'c> {
    contest: &'c Contest,
    ids: Vec<&'c [u8]>,
    /// Rankings by their index in the store, in line order; [`BLANK`] for
    /// the blank papers' line.
    order: Vec<u32>,
}

/// The place of the blank papers' line in [`BallotLines`]'s order.
const BLANK: u32 = u32::MAX;

impl BallotLines<'_> {
    /// The bytes of line `k` (a ranking's index, or [`BLANK`]), into `out`.
    fn line(&self, k: u32, out: &mut Vec<u8>) {
        if k == BLANK {
            out.extend_from_slice(BLANK_PAPER.as_bytes());
            return;
        }
        for (i, id) in self
            .contest
            .ballots()
            .ballot(k as usize)
            .ranking
            .iter()
            .enumerate()
        {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(self.ids[id.index()]);
        }
    }

    fn count(&self, k: u32) -> u64 {
        if k == BLANK {
            self.contest.ballots().blank().0
        } else {
            self.contest.ballots().ballot(k as usize).count.0
        }
    }

    /// Each line, in order, with its papers.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], u64)) {
        let mut buf = Vec::new();
        for &k in &self.order {
            buf.clear();
            self.line(k, &mut buf);
            f(&buf, self.count(k));
        }
    }

    /// Distinct lines.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// The bytewise order of two rankings' lines (their ids joined by `,`),
/// without making the lines: id by id, and where one id is a prefix of the
/// other, the next byte of each line decides (a `,` or the line's end,
/// which sorts first).
fn cmp_lines(
    a: &[ballot::CandidateId],
    b: &[ballot::CandidateId],
    ids: &[&[u8]],
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    for i in 0.. {
        match (a.get(i), b.get(i)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) => {
                let (x, y) = (ids[x.index()], ids[y.index()]);
                let m = x.iter().zip(y).take_while(|(p, q)| p == q).count();
                // The byte after the common part, or `None` at a line's end.
                let next = |id: &[u8], line: &[ballot::CandidateId]| {
                    id.get(m).copied().or((i + 1 < line.len()).then_some(b','))
                };
                return next(x, a).cmp(&next(y, b));
            }
        }
    }
    Ordering::Equal
}

/// A contest's distinct ballot lines, sorted bytewise ([`BallotLines`]).
/// Rankings are distinct and ids are distinct, so no two lines are equal.
pub fn ballot_lines(contest: &Contest) -> BallotLines<'_> {
    let ids: Vec<&[u8]> = contest
        .candidates()
        .iter()
        .map(|c| c.id.as_bytes())
        .collect();
    let ballots = contest.ballots();
    let rankings = u32::try_from(ballots.len()).expect("a store holds fewer than 2^32 rankings");
    let mut order: Vec<u32> = Vec::with_capacity(ballots.len() + 1);
    order.extend(0..rankings);
    if ballots.blank().0 > 0 {
        order.push(BLANK);
    }
    let ranking = |k: u32| -> &[ballot::CandidateId] {
        if k == BLANK {
            &[]
        } else {
            ballots.ballot(k as usize).ranking
        }
    };
    let cmp = |&a: &u32, &b: &u32| {
        if a == BLANK || b == BLANK {
            // "-" sorts before every id (ids start with a letter or digit).
            return (b == BLANK).cmp(&(a == BLANK));
        }
        cmp_lines(ranking(a), ranking(b), &ids)
    };
    // Two halves sorted on two threads, then merged: the comparisons are
    // most of publishing a large contest.
    if order.len() >= 1 << 16 {
        let mid = order.len() / 2;
        let (left, right) = order.split_at_mut(mid);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| right.sort_unstable_by(cmp));
            left.sort_unstable_by(cmp);
            if let Err(panic) = other.join() {
                std::panic::resume_unwind(panic);
            }
        });
        let mut merged = Vec::with_capacity(order.len());
        let (mut i, mut j) = (0, mid);
        while i < mid && j < order.len() {
            if cmp(&order[j], &order[i]).is_lt() {
                merged.push(order[j]);
                j += 1;
            } else {
                merged.push(order[i]);
                i += 1;
            }
        }
        merged.extend_from_slice(&order[i..mid]);
        merged.extend_from_slice(&order[j..]);
        order = merged;
    } else {
        order.sort_unstable_by(cmp);
    }
    BallotLines {
        contest,
        ids,
        order,
    }
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
    lines: &BallotLines<'_>,
    out: &mut impl Write,
) -> io::Result<WrittenBallots> {
    let mut hasher = FileHasher::new();
    let mut tree = ContestTreeBuilder::new();
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut failed = Ok(());
    lines.for_each(|line, count| {
        for _ in 0..count {
            buf.extend_from_slice(line);
            buf.push(b'\n');
            if buf.len() >= 60 * 1024 {
                hasher.update(&buf);
                tree.write(&buf);
                if failed.is_ok() {
                    failed = out.write_all(&buf);
                }
                buf.clear();
            }
        }
    });
    failed?;
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

/// The whole bundle of `draft` (made from `election`), signed by `signer`,
/// as the entries [`crate::verify::verify`] reads: every directory and file
/// a publisher writes, in memory (records included). For a caller that
/// keeps a bundle in memory, and for tests; `recount publish` writes the
/// same files to a directory.
pub fn in_memory(
    election: &Election,
    draft: &Draft,
    signer: &Signer,
) -> Result<Vec<crate::verify::Entry>, Error> {
    use crate::verify::Entry;
    let mut dirs = BTreeSet::from([layout::BALLOTS_DIR.to_owned()]);
    let mut files = vec![
        (
            ELECTION_FILE.to_owned(),
            draft.election_json.clone().into_bytes(),
        ),
        (RULES_FILE.to_owned(), draft.rules_json.clone().into_bytes()),
    ];
    for (path, text) in &draft.records {
        if let Some((dir, _)) = path.split_once('/') {
            dirs.insert(dir.to_owned());
        }
        files.push((path.clone(), text.clone().into_bytes()));
    }
    let mut written = Vec::new();
    for id in &draft.contests {
        let contest = election.contest(id).ok_or_else(|| {
            refuse(PublishProblem::MetaFact(format!(
                "the draft's contest {id} is not the election's"
            )))
        })?;
        let mut bytes = Vec::new();
        let w = write_ballots(id, &ballot_lines(contest), &mut bytes)
            .map_err(|e| refuse(PublishProblem::MetaFact(e.to_string())))?;
        written.push(w);
        files.push((layout::ballots_path(id), bytes));
    }
    let sealed = seal(draft, &written, signer)?;
    files.push((MANIFEST_FILE.to_owned(), sealed.manifest.into_bytes()));
    files.push((STATEMENT_FILE.to_owned(), sealed.statement.into_bytes()));
    let mut out: Vec<Entry> = dirs.into_iter().map(|path| Entry::Dir { path }).collect();
    out.extend(
        files
            .into_iter()
            .map(|(path, bytes)| Entry::File { path, bytes }),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines come out in the bytewise order of the joined strings,
    /// where one id is a prefix of another ("1" and "12") included.
    #[test]
    fn lines_sort_as_their_bytes() {
        let ids = ["1", "12", "2", "1a", "b"];
        let names: Vec<ballot::Candidate> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| ballot::Candidate {
                id: (*id).into(),
                ..ballot::Candidate::named(i + 1, format!("C{i}"))
            })
            .collect();
        let mut b = ballot::BallotsBuilder::new(5);
        let c = |i: usize| ballot::CandidateId::new(i).unwrap();
        let rankings: Vec<Vec<usize>> = vec![
            vec![0],
            vec![0, 1],
            vec![1],
            vec![1, 0],
            vec![0, 2, 1],
            vec![3],
            vec![2],
            vec![4, 0],
            vec![0, 3],
            vec![],
        ];
        for r in &rankings {
            let r: Vec<ballot::CandidateId> = r.iter().map(|&i| c(i)).collect();
            b.push(&r, 1).unwrap();
        }
        let contest = Contest::new("w", "W", 1, names, b.build()).unwrap();
        let mut got = Vec::new();
        ballot_lines(&contest).for_each(|line, n| {
            got.push((String::from_utf8(line.to_vec()).unwrap(), n));
        });
        let mut want: Vec<(String, u64)> = rankings
            .iter()
            .map(|r| {
                if r.is_empty() {
                    ("-".to_owned(), 1)
                } else {
                    (r.iter().map(|&i| ids[i]).collect::<Vec<_>>().join(","), 1)
                }
            })
            .collect();
        want.sort();
        assert_eq!(got, want);
    }
}
