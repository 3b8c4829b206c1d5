//! Dominion Democracy Suite cast-vote-record exports, JSON: a
//! `CvrExport.json` read with the `ContestManifest.json` and
//! `CandidateManifest.json` exported beside it, one contest of the
//! election per contest of the manifest. This module owns which members
//! are read and what each mark means; how irregular papers become rankings
//! is [`crate::policy`]'s. It does no I/O: the caller reads the three files
//! (the `recount` binary takes the manifests from the export's directory).
//! A large export comes split into `CvrExport_1.json`, `CvrExport_2.json`…
//! beside one set of manifests: [`read_exports`] reads them in the order
//! given as one export (the binary, given the directory, in the order of
//! their numbers), an error's path naming its file.
//!
//! # Grammar
//!
//! Only the members below are read; every other one (`TabulatorId`,
//! `BatchId`, `ImageMask`, `MarkDensity`, `OutstackConditionIds`…) is
//! passed over.
//!
//! ```text
//! ContestManifest   = { "List": [{ "Id": integer, "Description": string,
//!                                  "VoteFor": integer?, "NumOfRanks": integer? }] }
//! CandidateManifest = { "List": [{ "Id": integer, "Description": string,
//!                                  "ContestId": integer, "Type": string? }] }
//! CvrExport = { "Sessions": [session] }
//! session   = { "Original": record, "Modified": record? }
//! record    = { "IsCurrent": boolean?,
//!               "Cards": [{ "Contests": [contest] }]     ; or, in older exports,
//!             | "Contests": [contest] }                   ; the contests directly
//! contest   = { "Id": integer, "Marks": [mark] }
//! mark      = { "CandidateId": integer, "Rank": integer?,
//!               "IsVote": boolean?, "IsAmbiguous": boolean? }
//! ```
//!
//! **Contests** are those of the contest manifest that have candidates, in
//! its order; the id is the manifest's `Id` (as text), the title its
//! `Description`. [`crate::read_contest`] keeps one, by `Id` or else
//! `Description`; the others' marks are then not read. **Seats** are the
//! contest's `VoteFor`; without one, [`ReadOptions::seats`] is required
//! (both given, they must agree). `NumOfRanks`, when given, is the highest
//! rank a mark may have (else [`crate::cdf::MAX_RANK`]).
//!
//! **Candidates** of a contest are the candidate manifest's entries with
//! its `ContestId`, in manifest order, named by `Description`. Entries of
//! `Type` `Writein` (any case: exports and documents spell it `WriteIn`
//! too) are the one write-in candidate, [`crate::cdf::WRITE_IN`], listed
//! last (write-ins pooled, as RCTab pools them); a `QualifiedWriteIn` is a
//! candidate of its own, and so is any other type (`Regular`,
//! `NoPreference`: a "no preference" choice is a candidate a paper can
//! rank, which a count may then exclude; recount does not guess that it
//! ends the paper).
//!
//! **Papers.** Each session is one paper of each contest its record holds
//! (a contest it lacks was not on its ballot; one without marks is a blank
//! paper). The record read is `Modified` when the session has one marked
//! `IsCurrent` (the adjudicated record), else `Original`.
//!
//! **Marks.** A mark is a vote for its candidate at its `Rank` (rank 1 when
//! it has none: an unranked contest's mark is a first choice) when its
//! `IsVote` is true or absent; a mark with `IsVote` false is not a vote (the
//! tabulator judged it, by its thresholds, not to be one). `IsAmbiguous`
//! does not change this: an ambiguous mark's fate is the tabulator's
//! `IsVote`, or the adjudicator's in the `Modified` record. Ranks then
//! become slots as in [`crate::cdf`]: two candidates at one rank are an
//! overvote, a rank with none is skipped, one candidate at two ranks is a
//! repeat; each paper goes through the [`crate::ImportPolicy`].
//!
//! **Errors** are [`ErrorKind::JsonValue`]s at the value's path
//! (`Sessions[4].Modified.Cards[0].Contests[1].Marks[2]`), its line and
//! column in the export and the session's number (from 1) as the ballot;
//! an error in a manifest names the manifest after the path
//! (`List[3].ContestId of CandidateManifest.json`), with the line and
//! column in it. Every bad session is reported, up to
//! [`Error::MAX_REPORTED`].
//!
//! **Memory.** The export is held whole and each session is parsed, read
//! into rankings and dropped before the next.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::cdf::{
    Lines, MAX_RANK, WRITE_IN, parse, push_ranks, read_contest_of, value_error, value_error_in,
};
use crate::json::Seg;
use crate::model::{CandidateId, Election};
use crate::policy::{Irregularities, Normalizer};
use crate::preflib::policy_expected;
use crate::store::BallotsBuilder;
use crate::{Error, ErrorKind, Format, ReadOptions};

const FORMAT: Format = Format::Dominion;

/// The file name of the contest manifest, beside the export.
pub const CONTEST_MANIFEST: &str = "ContestManifest.json";
/// The file name of the candidate manifest, beside the export.
pub const CANDIDATE_MANIFEST: &str = "CandidateManifest.json";

/// The manifests an export is read with: the bytes of each file.
#[derive(Clone, Copy, Debug)]
pub struct Manifests<'a> {
    /// `ContestManifest.json`.
    pub contests: &'a [u8],
    /// `CandidateManifest.json`.
    pub candidates: &'a [u8],
}

#[derive(Deserialize)]
struct ContestManifestDto<'a> {
    #[serde(rename = "List", borrow)]
    list: Vec<ContestEntry<'a>>,
}

#[derive(Deserialize)]
struct ContestEntry<'a> {
    #[serde(rename = "Id")]
    id: u64,
    #[serde(rename = "Description", borrow)]
    description: Cow<'a, str>,
    #[serde(rename = "VoteFor", default)]
    vote_for: Option<u64>,
    #[serde(rename = "NumOfRanks", default)]
    ranks: Option<u64>,
}

#[derive(Deserialize)]
struct CandidateManifestDto<'a> {
    #[serde(rename = "List", borrow)]
    list: Vec<CandidateEntry<'a>>,
}

#[derive(Deserialize)]
struct CandidateEntry<'a> {
    #[serde(rename = "Id")]
    id: u64,
    #[serde(rename = "Description", borrow)]
    description: Cow<'a, str>,
    #[serde(rename = "ContestId")]
    contest_id: u64,
    #[serde(rename = "Type", borrow, default)]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct ExportDto<'a> {
    #[serde(rename = "Sessions", borrow)]
    sessions: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct SessionDto {
    #[serde(rename = "Original", default)]
    original: Option<RecordDto>,
    #[serde(rename = "Modified", default)]
    modified: Option<RecordDto>,
}

#[derive(Deserialize)]
struct RecordDto {
    #[serde(rename = "IsCurrent", default)]
    is_current: Option<bool>,
    #[serde(rename = "Cards", default)]
    cards: Option<Vec<CardDto>>,
    #[serde(rename = "Contests", default)]
    contests: Option<Vec<ContestDto>>,
}

#[derive(Deserialize)]
struct CardDto {
    #[serde(rename = "Contests", default)]
    contests: Vec<ContestDto>,
}

#[derive(Deserialize)]
struct ContestDto {
    #[serde(rename = "Id")]
    id: u64,
    #[serde(rename = "Marks", default)]
    marks: Vec<MarkDto>,
}

#[derive(Deserialize)]
struct MarkDto {
    #[serde(rename = "CandidateId")]
    candidate: u64,
    #[serde(rename = "Rank", default)]
    rank: Option<u64>,
    #[serde(rename = "IsVote", default)]
    is_vote: Option<bool>,
}

/// A contest being read.
struct Plan {
    id: String,
    title: String,
    seats: Option<u32>,
    max_rank: u64,
    candidates: Vec<String>,
    /// The candidate of each manifest `Id` of the contest.
    by_id: HashMap<u64, CandidateId>,
    builder: BallotsBuilder,
    norm: Normalizer<(u64, Option<usize>)>,
    seen: Irregularities,
}

/// A Dominion export cannot be read alone: [`read`] with [`Manifests`].
pub(crate) fn refuse_alone() -> Error {
    Error::new(ErrorKind::JsonValue {
        format: FORMAT,
        path: String::new(),
        pos: crate::Position::at(1, 1),
        expected: format!(
            "a Dominion export read with its {CONTEST_MANIFEST} and {CANDIDATE_MANIFEST}"
        ),
        found: "the export alone".into(),
    })
}

/// Reads every contest of an export (see the module documentation).
pub fn read(
    export: &[u8],
    manifests: Manifests<'_>,
    opts: &ReadOptions,
) -> Result<Election, Error> {
    read_contest(export, manifests, opts, None)
}

/// Reads one contest of an export, by manifest `Id` or else `Description`
/// (every one when `contest` is none): the others' marks are not read.
pub fn read_contest(
    export: &[u8],
    manifests: Manifests<'_>,
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    read_exports(&[("CvrExport.json", export)], manifests, opts, contest)
}

/// [`read_contest`] over an export split into several files (`CvrExport_1.json`,
/// `CvrExport_2.json`… beside one set of manifests), each given with its
/// name: their sessions are read in the order given, as one export. An
/// error's JSON path then ends `of NAME`, naming its file.
pub fn read_exports(
    exports: &[(&str, &[u8])],
    manifests: Manifests<'_>,
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    if let Some(filter) = &opts.rows {
        return Err(Error::new(ErrorKind::RowsNotRecorded {
            format: FORMAT,
            filter: filter.to_string(),
        }));
    }
    let in_manifest = |name: &'static str, e: Error| in_manifest_named(name, e);
    let contest_what = "a Dominion contest manifest";
    let contests: ContestManifestDto<'_> = parse(
        FORMAT,
        contest_what,
        manifests.contests,
        manifests.contests,
        &[],
        None,
        &mut Lines::default(),
    )
    .map_err(|e| in_manifest(CONTEST_MANIFEST, e))?;
    let candidate_what = "a Dominion candidate manifest";
    let people: CandidateManifestDto<'_> = parse(
        FORMAT,
        candidate_what,
        manifests.candidates,
        manifests.candidates,
        &[],
        None,
        &mut Lines::default(),
    )
    .map_err(|e| in_manifest(CANDIDATE_MANIFEST, e))?;
    let manifest_error =
        |name: &'static str, input: &[u8], path: &[Seg<'_>], expected: String, found: String| {
            in_manifest(
                name,
                value_error(FORMAT, input, path, None, expected, found),
            )
        };

    // The contests that have candidates, and which are read.
    let with_candidates: Vec<(usize, &ContestEntry<'_>)> = contests
        .list
        .iter()
        .enumerate()
        .filter(|(_, c)| people.list.iter().any(|p| p.contest_id == c.id))
        .collect();
    let wanted = match contest {
        None => None,
        Some(w) => Some(
            with_candidates
                .iter()
                .position(|(_, c)| c.id.to_string() == w)
                .or_else(|| with_candidates.iter().position(|(_, c)| c.description == w))
                .ok_or_else(|| {
                    Error::new(ErrorKind::NoSuchContest {
                        format: FORMAT,
                        wanted: w.to_owned(),
                        have: with_candidates
                            .iter()
                            .map(|(_, c)| format!("{} ({})", c.id, c.description))
                            .collect(),
                    })
                })?,
        ),
    };
    if with_candidates.is_empty() {
        return Err(manifest_error(
            CONTEST_MANIFEST,
            manifests.contests,
            &[Seg::Key("List")],
            "a contest with candidates in the candidate manifest".into(),
            "none".into(),
        ));
    }
    let mut index: HashMap<u64, Option<usize>> =
        contests.list.iter().map(|c| (c.id, None)).collect();
    let mut plans: Vec<Plan> = Vec::new();
    for (i, &(k, c)) in with_candidates.iter().enumerate() {
        if wanted.is_some_and(|w| w != i) {
            continue;
        }
        let path = |key: &'static str| [Seg::Key("List"), Seg::Index(k), Seg::Key(key)];
        if index.get(&c.id).is_some_and(Option::is_some) {
            return Err(manifest_error(
                CONTEST_MANIFEST,
                manifests.contests,
                &path("Id"),
                "a contest Id used once".into(),
                c.id.to_string(),
            ));
        }
        let seats = match c.vote_for {
            None => None,
            Some(n) => {
                let Some(n) = u32::try_from(n).ok().filter(|&n| n >= 1) else {
                    return Err(manifest_error(
                        CONTEST_MANIFEST,
                        manifests.contests,
                        &path("VoteFor"),
                        "a number of seats from 1".into(),
                        n.to_string(),
                    ));
                };
                if let Some(s) = opts.seats
                    && s != n
                {
                    return Err(manifest_error(
                        CONTEST_MANIFEST,
                        manifests.contests,
                        &path("VoteFor"),
                        format!("the seats given ({s})"),
                        n.to_string(),
                    ));
                }
                Some(n)
            }
        };
        let max_rank = match c.ranks {
            None => MAX_RANK,
            Some(n) if (1..=MAX_RANK).contains(&n) => n,
            Some(n) => {
                return Err(manifest_error(
                    CONTEST_MANIFEST,
                    manifests.contests,
                    &path("NumOfRanks"),
                    format!("a number of ranks from 1 to {MAX_RANK}"),
                    n.to_string(),
                ));
            }
        };
        let mut candidates = Vec::new();
        let mut by_id = HashMap::new();
        let mut write_ins = Vec::new();
        for (j, p) in people.list.iter().enumerate() {
            if p.contest_id != c.id {
                continue;
            }
            if by_id.contains_key(&p.id) || write_ins.contains(&p.id) {
                return Err(manifest_error(
                    CANDIDATE_MANIFEST,
                    manifests.candidates,
                    &[Seg::Key("List"), Seg::Index(j), Seg::Key("Id")],
                    "a candidate Id used once in its contest".into(),
                    p.id.to_string(),
                ));
            }
            if p.kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("writein"))
            {
                write_ins.push(p.id);
                continue;
            }
            let id = candidate_id(candidates.len())?;
            candidates.push(p.description.to_string());
            by_id.insert(p.id, id);
        }
        if !write_ins.is_empty() {
            let id = candidate_id(candidates.len())?;
            candidates.push(WRITE_IN.to_owned());
            by_id.extend(write_ins.iter().map(|&w| (w, id)));
        }
        index.insert(c.id, Some(plans.len()));
        plans.push(Plan {
            id: c.id.to_string(),
            title: c.description.to_string(),
            seats,
            max_rank,
            builder: BallotsBuilder::new(candidates.len()),
            candidates,
            by_id,
            norm: Normalizer::new(opts.policy),
            seen: Irregularities::default(),
        });
    }

    // The papers, one session at a time.
    let what = "a Dominion CVR export";
    let mut errors = Vec::new();
    let mut marks: Vec<(u64, CandidateId, usize)> = Vec::new();
    // Each export of a split one in turn; an error in one of several names
    // it, as a manifest's errors name the manifest.
    let several = exports.len() > 1;
    for &(name, input) in exports {
        let named = |e: Error| {
            if several {
                in_manifest_named(name, e)
            } else {
                e
            }
        };
        let dto: ExportDto<'_> =
            parse(FORMAT, what, input, input, &[], None, &mut Lines::default()).map_err(named)?;
        let lines = RefCell::new(Lines::default());
        let mut file_errors = Vec::new();
        for (i, raw) in dto.sessions.iter().enumerate() {
            if errors.len() + file_errors.len() >= Error::MAX_REPORTED {
                break;
            }
            let ballot = i as u64 + 1;
            let base = [Seg::Key("Sessions"), Seg::Index(i)];
            let elem = raw.get().as_bytes();
            let session: SessionDto = match parse(
                FORMAT,
                what,
                input,
                elem,
                &base,
                Some(ballot),
                &mut lines.borrow_mut(),
            ) {
                Ok(s) => s,
                Err(e) => {
                    file_errors.push(e);
                    continue;
                }
            };
            // Placed within the session's own text: linear in the input in all.
            let at = |rest: &[Seg<'_>], expected: String, found: String| {
                let mut p = base.to_vec();
                p.extend_from_slice(rest);
                let wrong = (expected, found);
                value_error_in(FORMAT, input, elem, &p, rest, Some(ballot), wrong, &lines)
            };
            let (key, record) = match (&session.modified, &session.original) {
                (Some(m), _) if m.is_current == Some(true) => ("Modified", m),
                (_, Some(o)) => ("Original", o),
                (Some(m), None) => ("Modified", m),
                (None, None) => {
                    file_errors.push(at(&[], "an Original record".into(), "none".into()));
                    continue;
                }
            };
            // Each contest of the record, with its path below the session.
            let mut found: Vec<(Vec<Seg<'static>>, &ContestDto)> = Vec::new();
            match (&record.cards, &record.contests) {
                (Some(cards), _) => {
                    for (c, card) in cards.iter().enumerate() {
                        for (k, contest) in card.contests.iter().enumerate() {
                            let p = vec![
                                Seg::Key(key),
                                Seg::Key("Cards"),
                                Seg::Index(c),
                                Seg::Key("Contests"),
                                Seg::Index(k),
                            ];
                            found.push((p, contest));
                        }
                    }
                }
                (None, Some(contests)) => {
                    for (k, contest) in contests.iter().enumerate() {
                        found.push((
                            vec![Seg::Key(key), Seg::Key("Contests"), Seg::Index(k)],
                            contest,
                        ));
                    }
                }
                (None, None) => {}
            }
            let mut done: Vec<usize> = Vec::new();
            for (c_path, contest) in found {
                let with = |rest: &[Seg<'static>]| {
                    let mut p = c_path.clone();
                    p.extend_from_slice(rest);
                    p
                };
                let plan_index = match index.get(&contest.id) {
                    None => {
                        file_errors.push(at(
                            &with(&[Seg::Key("Id")]),
                            format!("the Id of a contest of the {CONTEST_MANIFEST}"),
                            contest.id.to_string(),
                        ));
                        break;
                    }
                    Some(None) => continue,
                    Some(Some(p)) => *p,
                };
                if done.contains(&plan_index) {
                    file_errors.push(at(
                        &with(&[Seg::Key("Id")]),
                        "each contest once in a session".into(),
                        format!("{} again", contest.id),
                    ));
                    break;
                }
                done.push(plan_index);
                let plan = &mut plans[plan_index];
                marks.clear();
                let mut bad = None;
                for (m, mark) in contest.marks.iter().enumerate() {
                    let m_path = |key: &'static str| {
                        with(&[Seg::Key("Marks"), Seg::Index(m), Seg::Key(key)])
                    };
                    let Some(&candidate) = plan.by_id.get(&mark.candidate) else {
                        bad = Some((
                            m_path("CandidateId"),
                            format!(
                                "the Id of a candidate of contest {} in the {CANDIDATE_MANIFEST}",
                                plan.id
                            ),
                            mark.candidate.to_string(),
                        ));
                        break;
                    };
                    let rank = mark.rank.unwrap_or(1);
                    if !(1..=plan.max_rank).contains(&rank) {
                        bad = Some((
                            m_path("Rank"),
                            format!("a rank from 1 to {}", plan.max_rank),
                            rank.to_string(),
                        ));
                        break;
                    }
                    if mark.is_vote != Some(false) {
                        marks.push((rank, candidate, m));
                    }
                }
                if let Some((p, expected, found)) = bad {
                    file_errors.push(at(&p, expected, found));
                    break;
                }
                marks.sort_unstable_by_key(|m| (m.0, m.1));
                marks.dedup_by_key(|m| (m.0, m.1));
                push_ranks(&mut plan.norm, &marks, |m| *m);
                let ranking = match plan.norm.finish(1, &mut plan.seen) {
                    Ok(r) => r,
                    Err((refused, (r, m))) => {
                        let mut rest = Vec::new();
                        if let Some(m) = m {
                            rest.extend([Seg::Key("Marks"), Seg::Index(m)]);
                        }
                        file_errors.push(at(
                            &with(&rest),
                            policy_expected(&refused),
                            format!("{} at rank {r}", refused.irregularity),
                        ));
                        continue;
                    }
                };
                if let Err((expected, found)) = crate::cdf::push_paper(&mut plan.builder, ranking) {
                    file_errors.push(at(&with(&[]), expected, found));
                }
            }
        }
        errors.extend(file_errors.into_iter().map(named));
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let mut out = Vec::with_capacity(plans.len());
    for plan in plans {
        out.push(read_contest_of(
            FORMAT,
            opts,
            (plan.id, plan.title, plan.seats),
            plan.candidates,
            plan.builder,
            plan.seen,
        )?);
    }
    Election::new(opts.id.clone(), opts.id.clone(), out)
}

/// An error in the file `name` of several (a manifest, or one export of a
/// split one): its JSON path ends `of NAME`.
fn in_manifest_named(name: &str, e: Error) -> Error {
    match e.into_kind() {
        ErrorKind::JsonValue {
            format,
            path,
            pos,
            expected,
            found,
        } => Error::new(ErrorKind::JsonValue {
            format,
            path: if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path} of {name}")
            },
            pos,
            expected,
            found,
        }),
        other => Error::new(other),
    }
}

fn candidate_id(i: usize) -> Result<CandidateId, Error> {
    CandidateId::new(i).ok_or_else(|| {
        Error::new(ErrorKind::Model(format!(
            "more than {} candidates",
            CandidateId::MAX_CANDIDATES
        )))
    })
}

/// Whether `head`, the start of a JSON document, is a Dominion export: it
/// has a `"Sessions"` array member (recount's own JSON has no such key).
pub(crate) fn looks_like_export(head: &[u8]) -> bool {
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&head[at..], b"\"Sessions\"") {
        let rest = head[at + i + 10..].trim_ascii_start();
        if let Some(rest) = rest.strip_prefix(b":")
            && rest.trim_ascii_start().starts_with(b"[")
        {
            return true;
        }
        at += i + 10;
    }
    false
}
