//! NIST SP 1500-103 Common Data Format cast-vote records, JSON: a
//! `CVR.CastVoteRecordReport` of one or more contests, read into one
//! contest of the election each. This module owns which parts of the
//! report are read and what each mark means; how irregular papers
//! (skipped ranks, overvotes, repeats) become rankings is
//! [`crate::policy`]'s, and JSON itself is serde_json's. The same report
//! in XML is [`crate::cdf_xml`]'s, which builds the structures below from
//! its elements and reads them through the same steps.
//!
//! # Grammar
//!
//! Only the members below are read; every other member of the report
//! (`GpUnit`, `ReportingDevice`, `Party`, `BallotStyleId`, images…) is
//! passed over, as are the `@type`s of the objects inside.
//!
//! ```text
//! report    = { "@type": "CVR.CastVoteRecordReport",      ; required
//!               "Election": [election],                  ; at least one
//!               "CVR": [cvr] }                           ; optional: no papers
//! election  = { "Name": string?,                         ; the election's title (the first's)
//!               "Candidate": [{ "@id": id, "Name": string? }],
//!               "Contest": [contest] }
//! contest   = { "@id": id, "@type": string?, "Name": string?,
//!               "NumberElected": integer?,               ; the seats
//!               "ContestSelection": [selection] }
//! selection = { "@id": id, "CandidateIds": [id]?, "IsWriteIn": boolean? }
//! cvr       = { "CurrentSnapshotId": id?, "CVRSnapshot": [snapshot] }
//! snapshot  = { "@id": id, "Type": "original" | "modified" | "interpreted",
//!               "CVRContest": [cvr-contest]? }
//! cvr-contest   = { "ContestId": id, "CVRContestSelection": [cvr-selection]? }
//! cvr-selection = { "ContestSelectionId": id, "Rank": integer?,
//!                   "SelectionPosition": [position] }    ; at least one
//! position  = { "Rank": integer?, "HasIndication": "yes" | "no"?,
//!               "IsAllocable": "yes" | "no"?, "NumberVotes": integer? }
//! ```
//!
//! **Contests.** Every `CVR.CandidateContest` of every election (a contest
//! with no `@type` is taken for one; ballot measures and other kinds are
//! passed over, and so are their marks), in file order, with its `@id` as
//! the contest's id and its `Name` (else the id) as its title.
//! [`crate::read_contest`] keeps one, named by `@id` or else by `Name`: the
//! others' marks are then not read at all. A name the file lacks is an
//! error listing its contests ([`ErrorKind::NoSuchContest`]).
//!
//! **Candidates** of a contest are those of its selections, in selection
//! order (the ballot's order): a selection names one candidate by its
//! `CandidateIds` (a `Candidate` `@id` of any election; two selections of
//! one candidate are one candidate). Every selection with `IsWriteIn: true`
//! is the one write-in candidate, named [`WRITE_IN`] and listed last, so
//! that write-ins are pooled as one candidate as RCTab pools them. A
//! selection naming no candidate and not a write-in, or several (a
//! ticket), is an error. The candidates are numbered 1, 2, … as their ids.
//!
//! **Seats** are the contest's `NumberElected`; without one,
//! [`ReadOptions::seats`] (`--seats`) is required. Both given, they must
//! agree.
//!
//! **Papers.** Each `CVR` is one paper of each contest it has a
//! `CVRContest` for (a contest it lacks was not on its ballot, so the CVR
//! is not a paper of it; a `CVRContest` with no marks is a blank paper). Of
//! its snapshots, the one its `CurrentSnapshotId` names is read (the
//! adjudicated `modified` one, when the device says so); without an id, it
//! must have one snapshot.
//!
//! **Marks.** A `SelectionPosition` is a mark of its selection at its
//! `Rank` (else the `CVRContestSelection`'s `Rank`, else rank 1: an unranked
//! contest's mark is a first choice), from 1 to [`MAX_RANK`]. It counts as
//! follows. `IsAllocable`, when given, decides: `yes` is a mark, `no` is
//! none (the indication was judged not to be a vote, whatever
//! `HasIndication` says). Without it, `HasIndication` decides: `yes` (or
//! absent) is a mark, `no` is none (a position recorded unmarked). Any
//! other value (`unknown`) is an error at the position: which way it goes
//! is an adjudicator's decision, not the reader's. `NumberVotes`, when
//! given, is 1 (a mark) or 0 (none); more is an error (a rank holds one
//! vote).
//!
//! **Ranks → slots.** Ranks 1 up to the paper's highest marked rank become
//! the paper's [`Slot`]s: a rank marked for one selection is that
//! selection's candidate; a rank marked for two or more selections (two
//! write-ins included) is an overvote naming them ([`Slot::Overvote`]); a rank marked
//! for none is skipped ([`Slot::Skipped`]); one selection at two ranks is a
//! candidate ranked twice. Each paper then goes through the
//! [`crate::ImportPolicy`] (by default refusing any such irregularity,
//! naming the option to set), which is recorded in the contest.
//!
//! **Errors** are [`ErrorKind::JsonValue`]s: the JSON path of the value
//! (`CVR[12].CVRSnapshot[0].CVRContest[0].CVRContestSelection[1]`, indices
//! from 0), its line and column, and the CVR's number (from 1) as the
//! ballot. Every bad CVR is reported, up to [`Error::MAX_REPORTED`].
//!
//! **Memory.** The document is held whole (as the other JSON reader holds
//! it) and each CVR is parsed into borrowed text, read into rankings and
//! dropped before the next, so memory is the input plus the distinct
//! rankings, never a tree of the whole report.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::describe_found;
use crate::json::{Seg, locate, position_at_line_column, show};
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{Irregularities, Normalizer, Slot};
use crate::preflib::policy_expected;
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::Cdf;

/// The `@type` of the report, at its top.
pub const REPORT_TYPE: &str = "CVR.CastVoteRecordReport";

/// The name of the candidate pooling every write-in selection of a contest.
pub const WRITE_IN: &str = "Write-in";

/// The highest rank read; a higher one is an error (each rank up to a
/// paper's highest is a slot, so this bounds the work a paper costs).
pub const MAX_RANK: u64 = 1024;

#[derive(Deserialize)]
struct ReportDto<'a> {
    #[serde(rename = "@type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "Election", borrow, default)]
    election: Vec<ElectionDto<'a>>,
    #[serde(rename = "CVR", borrow, default)]
    cvr: Vec<&'a RawValue>,
}

// The parts of a report that are read, as plain structs: the JSON reader
// deserializes them, the XML reader ([`crate::cdf_xml`]) builds them from
// its elements, and both read them through the same steps
// ([`plan_contests`], [`read_cvr`], [`finish`]).

#[derive(Deserialize)]
pub(crate) struct ElectionDto<'a> {
    #[serde(rename = "Name", borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(rename = "Candidate", borrow, default)]
    pub(crate) candidate: Vec<CandidateDto<'a>>,
    #[serde(rename = "Contest", borrow, default)]
    pub(crate) contest: Vec<ContestDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct CandidateDto<'a> {
    #[serde(rename = "@id", borrow)]
    pub(crate) id: Cow<'a, str>,
    #[serde(rename = "Name", borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(crate) struct ContestDto<'a> {
    #[serde(rename = "@id", borrow)]
    pub(crate) id: Cow<'a, str>,
    #[serde(rename = "@type", borrow, default)]
    pub(crate) kind: Option<Cow<'a, str>>,
    #[serde(rename = "Name", borrow, default)]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(rename = "NumberElected", default)]
    pub(crate) number_elected: Option<u64>,
    #[serde(rename = "ContestSelection", borrow, default)]
    pub(crate) selection: Vec<SelectionDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct SelectionDto<'a> {
    #[serde(rename = "@id", borrow)]
    pub(crate) id: Cow<'a, str>,
    #[serde(rename = "CandidateIds", borrow, default)]
    pub(crate) candidate_ids: Vec<Cow<'a, str>>,
    #[serde(rename = "IsWriteIn", default)]
    pub(crate) is_write_in: Option<bool>,
}

#[derive(Deserialize)]
pub(crate) struct CvrDto<'a> {
    #[serde(rename = "CurrentSnapshotId", borrow, default)]
    pub(crate) current: Option<Cow<'a, str>>,
    #[serde(rename = "CVRSnapshot", borrow, default)]
    pub(crate) snapshot: Vec<SnapshotDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct SnapshotDto<'a> {
    #[serde(rename = "@id", borrow, default)]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(rename = "Type", borrow, default)]
    pub(crate) kind: Option<Cow<'a, str>>,
    #[serde(rename = "CVRContest", borrow, default)]
    pub(crate) contest: Vec<CvrContestDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct CvrContestDto<'a> {
    #[serde(rename = "ContestId", borrow)]
    pub(crate) contest_id: Cow<'a, str>,
    #[serde(rename = "CVRContestSelection", borrow, default)]
    pub(crate) selection: Vec<CvrSelectionDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct CvrSelectionDto<'a> {
    #[serde(rename = "ContestSelectionId", borrow, default)]
    pub(crate) selection_id: Option<Cow<'a, str>>,
    #[serde(rename = "Rank", default)]
    pub(crate) rank: Option<u64>,
    #[serde(rename = "SelectionPosition", borrow, default)]
    pub(crate) position: Vec<PositionDto<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct PositionDto<'a> {
    #[serde(rename = "Rank", default)]
    pub(crate) rank: Option<u64>,
    #[serde(rename = "HasIndication", borrow, default)]
    pub(crate) has_indication: Option<Cow<'a, str>>,
    #[serde(rename = "IsAllocable", borrow, default)]
    pub(crate) is_allocable: Option<Cow<'a, str>>,
    #[serde(rename = "NumberVotes", default)]
    pub(crate) number_votes: Option<u64>,
}

/// How a form of the report names what its errors mention: the format,
/// an object's id (`@id` in JSON, the `ObjectId` attribute in XML) and a
/// candidate contest's type.
pub(crate) struct Dialect {
    pub(crate) format: Format,
    pub(crate) id: &'static str,
    pub(crate) candidate_contest: &'static str,
}

const JSON_DIALECT: Dialect = Dialect {
    format: FORMAT,
    id: "@id",
    candidate_contest: "CVR.CandidateContest",
};

/// An error at a path of the report (indices from 0, as JSON counts),
/// with the ballot it is in, what was wanted and what was found: each
/// form places the path in its own text.
pub(crate) type At<'p> = dyn Fn(&[Seg<'_>], Option<u64>, String, String) -> Error + 'p;

/// A contest being read.
struct Plan<'a> {
    id: String,
    title: String,
    seats: Option<u32>,
    candidates: Vec<String>,
    /// Each selection's order in the contest and candidate, by `@id`.
    selections: HashMap<&'a str, (usize, CandidateId)>,
    builder: BallotsBuilder,
    norm: Normalizer<(u64, Option<usize>)>,
    seen: Irregularities,
}

/// The contests being read, as [`plan_contests`] found them in the
/// elections, with the papers read into them so far.
pub(crate) struct Contests<'a> {
    plans: Vec<Plan<'a>>,
    /// Each contest id: the index of its plan, or none when not read.
    contest_index: HashMap<&'a str, Option<usize>>,
    /// A paper's marks, reused from one to the next.
    marks: Vec<(u64, usize, CandidateId, usize)>,
}

/// A paper's marks, sorted by rank, as its slots from rank 1 to the
/// highest marked: no mark at a rank is a skipped rank, one is that
/// candidate, several an overvote naming them; each slot placed at its rank and its
/// first mark (`part` gives a mark's rank, candidate and place). Shared
/// with the Dominion reader, whose marks have the same meaning.
pub(crate) fn push_ranks<M>(
    norm: &mut Normalizer<(u64, Option<usize>)>,
    marks: &[M],
    part: impl Fn(&M) -> (u64, CandidateId, usize),
) {
    norm.start();
    let mut m = 0;
    let top = marks.last().map_or(0, |x| part(x).0);
    for r in 1..=top {
        let first = m;
        while m < marks.len() && part(&marks[m]).0 == r {
            m += 1;
        }
        let here = &marks[first..m];
        let at = (r, here.first().map(|x| part(x).2));
        match here {
            [] => norm.push(Slot::Skipped, at),
            [one] => norm.push(Slot::One(part(one).1), at),
            // The candidates marked there, for the overvote rules that
            // need them (overvotes are rare: the list is made for each).
            many => {
                let marked: Vec<CandidateId> = many.iter().map(|x| part(x).1).collect();
                norm.push(Slot::Overvote(&marked), at);
            }
        }
    }
}

/// Reads every candidate contest of a CDF report (see the module documentation).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_contest(input, opts, None)
}

/// Reads one candidate contest of a CDF report, by `@id` or else `Name`
/// (every one when `contest` is none): the others' marks are not read.
pub fn read_contest(
    input: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    let report =
        parse::<ReportDto<'_>>(FORMAT, WHAT, input, input, &[], None, &mut Lines::default())?;
    let at = |path: &[Seg<'_>], ballot: Option<u64>, expected: String, found: String| {
        value_error(FORMAT, input, path, ballot, expected, found)
    };
    if report.kind.as_deref() != Some(REPORT_TYPE) {
        let found = report.kind.as_deref().map_or("none".into(), describe_found);
        return Err(at(
            &[Seg::Key("@type")],
            None,
            format!("\"@type\": {REPORT_TYPE:?}"),
            found,
        ));
    }
    let mut contests = plan_contests(&JSON_DIALECT, &report.election, opts, contest, &at)?;

    // The papers, one CVR at a time.
    let mut errors = Vec::new();
    let lines = RefCell::new(Lines::default());
    for (i, raw) in report.cvr.iter().enumerate() {
        if errors.len() >= Error::MAX_REPORTED {
            break;
        }
        let ballot = i as u64 + 1;
        let base = [Seg::Key("CVR"), Seg::Index(i)];
        let elem = raw.get().as_bytes();
        // Placed within the CVR's own text: linear in the input in all.
        let at = |path: &[Seg<'_>], ballot: Option<u64>, expected: String, found: String| {
            let rel = path.get(base.len()..).unwrap_or_default();
            let wrong = (expected, found);
            value_error_in(FORMAT, input, elem, path, rel, ballot, wrong, &lines)
        };
        let cvr = match parse::<CvrDto<'_>>(
            FORMAT,
            WHAT,
            input,
            elem,
            &base,
            Some(ballot),
            &mut lines.borrow_mut(),
        ) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        read_cvr(
            &JSON_DIALECT,
            &mut contests,
            &cvr,
            ballot,
            &base,
            &at,
            &mut errors,
        );
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    finish(&JSON_DIALECT, contests, &report.election, opts)
}

/// The candidate contests of a report's elections (`Election` at least
/// one), and which are read: the one `contest` names by id, else by
/// `Name`, or every one; with their candidates, selections and seats.
pub(crate) fn plan_contests<'a>(
    d: &Dialect,
    elections: &'a [ElectionDto<'a>],
    opts: &ReadOptions,
    contest: Option<&str>,
    at: &At<'_>,
) -> Result<Contests<'a>, Error> {
    let id_key = d.id;
    if elections.is_empty() {
        return Err(at(
            &[Seg::Key("Election")],
            None,
            "at least one Election".into(),
            "none".into(),
        ));
    }

    // Every candidate, by id.
    let mut people: HashMap<&str, &str> = HashMap::new();
    for (e, election) in elections.iter().enumerate() {
        for (k, c) in election.candidate.iter().enumerate() {
            let name = c.name.as_deref().unwrap_or(&c.id);
            if people.insert(&c.id, name).is_some() {
                let path = [
                    Seg::Key("Election"),
                    Seg::Index(e),
                    Seg::Key("Candidate"),
                    Seg::Index(k),
                    Seg::Key("@id"),
                ];
                return Err(at(
                    &path,
                    None,
                    format!("a candidate {id_key} used once"),
                    describe_found(&c.id),
                ));
            }
        }
    }

    // The candidate contests, and which are read.
    let all: Vec<(usize, usize, &ContestDto<'_>)> = elections
        .iter()
        .enumerate()
        .flat_map(|(e, el)| el.contest.iter().enumerate().map(move |(c, k)| (e, c, k)))
        .filter(|(_, _, c)| c.kind.as_deref().is_none_or(|k| k == d.candidate_contest))
        .collect();
    let wanted: Option<usize> = match contest {
        None => None,
        Some(w) => Some(
            all.iter()
                .position(|(_, _, c)| c.id == w)
                .or_else(|| {
                    all.iter()
                        .position(|(_, _, c)| c.name.as_deref() == Some(w))
                })
                .ok_or_else(|| {
                    Error::new(ErrorKind::NoSuchContest {
                        format: d.format,
                        wanted: w.to_owned(),
                        have: all
                            .iter()
                            .map(|(_, _, c)| match c.name.as_deref() {
                                Some(n) if n != c.id => format!("{} ({n})", c.id),
                                _ => c.id.to_string(),
                            })
                            .collect(),
                    })
                })?,
        ),
    };
    if all.is_empty() {
        return Err(at(
            &[Seg::Key("Election")],
            None,
            format!("a {}", d.candidate_contest),
            "none".into(),
        ));
    }
    // Each contest id: the index of its plan, or none when not read.
    let mut contest_index: HashMap<&str, Option<usize>> = HashMap::new();
    for election in elections {
        for c in &election.contest {
            contest_index.insert(&c.id, None);
        }
    }
    let mut plans: Vec<Plan<'_>> = Vec::new();
    for (i, &(e, ci, c)) in all.iter().enumerate() {
        if wanted.is_some_and(|w| w != i) {
            continue;
        }
        let path = |rest: &[Seg<'static>]| {
            let mut p = vec![
                Seg::Key("Election"),
                Seg::Index(e),
                Seg::Key("Contest"),
                Seg::Index(ci),
            ];
            p.extend_from_slice(rest);
            p
        };
        let seats = match c.number_elected {
            None => None,
            Some(n) => {
                let Some(n) = u32::try_from(n).ok().filter(|&n| n >= 1) else {
                    return Err(at(
                        &path(&[Seg::Key("NumberElected")]),
                        None,
                        "a number of seats from 1".into(),
                        n.to_string(),
                    ));
                };
                if let Some(s) = opts.seats
                    && s != n
                {
                    return Err(at(
                        &path(&[Seg::Key("NumberElected")]),
                        None,
                        format!("the seats given ({s})"),
                        n.to_string(),
                    ));
                }
                Some(n)
            }
        };
        let mut candidates: Vec<String> = Vec::new();
        let mut by_person: HashMap<&str, CandidateId> = HashMap::new();
        let mut selections = HashMap::new();
        let mut write_ins = Vec::new();
        for (j, s) in c.selection.iter().enumerate() {
            let sel_path = path(&[Seg::Key("ContestSelection"), Seg::Index(j)]);
            if selections.contains_key(s.id.as_ref()) || write_ins.contains(&s.id.as_ref()) {
                let mut p = sel_path.clone();
                p.push(Seg::Key("@id"));
                return Err(at(
                    &p,
                    None,
                    format!("a selection {id_key} used once in its contest"),
                    describe_found(&s.id),
                ));
            }
            if s.is_write_in == Some(true) {
                write_ins.push(s.id.as_ref());
                continue;
            }
            let person = match s.candidate_ids.as_slice() {
                [one] => one,
                [] => {
                    return Err(at(
                        &sel_path,
                        None,
                        "a selection naming a candidate (CandidateIds) or a write-in (IsWriteIn)"
                            .into(),
                        "neither".into(),
                    ));
                }
                more => {
                    let mut p = sel_path.clone();
                    p.push(Seg::Key("CandidateIds"));
                    return Err(at(
                        &p,
                        None,
                        "one candidate a selection (tickets are not read)".into(),
                        format!("{} candidates", more.len()),
                    ));
                }
            };
            let Some(&name) = people.get(person.as_ref()) else {
                let mut p = sel_path.clone();
                p.extend([Seg::Key("CandidateIds"), Seg::Index(0)]);
                return Err(at(
                    &p,
                    None,
                    format!("the {id_key} of a Candidate of the election"),
                    describe_found(person),
                ));
            };
            let id = match by_person.get(person.as_ref()) {
                Some(&id) => id,
                None => {
                    let id = CandidateId::new(candidates.len()).ok_or_else(|| {
                        Error::new(ErrorKind::Model(format!(
                            "more than {} candidates",
                            CandidateId::MAX_CANDIDATES
                        )))
                    })?;
                    candidates.push(name.to_owned());
                    by_person.insert(person, id);
                    id
                }
            };
            selections.insert(s.id.as_ref(), (j, id));
        }
        if !write_ins.is_empty() {
            let id = CandidateId::new(candidates.len()).ok_or_else(|| {
                Error::new(ErrorKind::Model(format!(
                    "more than {} candidates",
                    CandidateId::MAX_CANDIDATES
                )))
            })?;
            candidates.push(WRITE_IN.to_owned());
            for (j, s) in c.selection.iter().enumerate() {
                if s.is_write_in == Some(true) {
                    selections.insert(s.id.as_ref(), (j, id));
                }
            }
        }
        if candidates.is_empty() {
            return Err(at(
                &path(&[Seg::Key("ContestSelection")]),
                None,
                "at least one selection".into(),
                "none".into(),
            ));
        }
        contest_index.insert(&c.id, Some(plans.len()));
        plans.push(Plan {
            id: c.id.to_string(),
            title: c.name.as_deref().unwrap_or(&c.id).to_owned(),
            seats,
            builder: BallotsBuilder::new(candidates.len()),
            candidates,
            selections,
            norm: Normalizer::new(opts.policy),
            seen: Irregularities::default(),
        });
    }
    Ok(Contests {
        plans,
        contest_index,
        marks: Vec::new(),
    })
}

/// Reads one CVR, the `ballot`th (from 1) at `base` (its path), into the
/// contests it is a paper of; what is wrong in it goes to `errors`.
pub(crate) fn read_cvr(
    d: &Dialect,
    contests: &mut Contests<'_>,
    cvr: &CvrDto<'_>,
    ballot: u64,
    base: &[Seg<'static>],
    at: &At<'_>,
    errors: &mut Vec<Error>,
) {
    let Contests {
        plans,
        contest_index,
        marks,
    } = contests;
    let path = |rest: &[Seg<'static>]| {
        let mut p = base.to_vec();
        p.extend_from_slice(rest);
        p
    };
    let s = match cvr.current.as_deref() {
        Some(id) => cvr
            .snapshot
            .iter()
            .position(|s| s.id.as_deref() == Some(id)),
        None if cvr.snapshot.len() == 1 => Some(0),
        None => None,
    };
    let Some(s) = s else {
        let (p, found) = match cvr.current.as_deref() {
            Some(id) => (path(&[Seg::Key("CurrentSnapshotId")]), describe_found(id)),
            None => (path(&[]), "no CurrentSnapshotId".into()),
        };
        errors.push(at(
            &p,
            Some(ballot),
            format!(
                "the {} of one of its {} CVRSnapshots",
                d.id,
                cvr.snapshot.len()
            ),
            found,
        ));
        return;
    };
    let snapshot = &cvr.snapshot[s];
    let snap_path = |rest: &[Seg<'static>]| {
        let mut p = path(&[Seg::Key("CVRSnapshot"), Seg::Index(s)]);
        p.extend_from_slice(rest);
        p
    };
    if let Some(kind) = snapshot.kind.as_deref()
        && !matches!(kind, "original" | "modified" | "interpreted")
    {
        errors.push(at(
            &snap_path(&[Seg::Key("Type")]),
            Some(ballot),
            "a snapshot Type: original, modified or interpreted".into(),
            describe_found(kind),
        ));
        return;
    }
    let mut done: Vec<usize> = Vec::new();
    for (c, contest) in snapshot.contest.iter().enumerate() {
        let c_path = |rest: &[Seg<'static>]| {
            let mut p = snap_path(&[Seg::Key("CVRContest"), Seg::Index(c)]);
            p.extend_from_slice(rest);
            p
        };
        let plan_index = match contest_index.get(contest.contest_id.as_ref()) {
            None => {
                errors.push(at(
                    &c_path(&[Seg::Key("ContestId")]),
                    Some(ballot),
                    format!("the {} of a Contest of the election", d.id),
                    describe_found(&contest.contest_id),
                ));
                break;
            }
            Some(None) => continue,
            Some(Some(p)) => *p,
        };
        if done.contains(&plan_index) {
            errors.push(at(
                &c_path(&[Seg::Key("ContestId")]),
                Some(ballot),
                "each contest once in a snapshot".into(),
                format!("{} again", describe_found(&contest.contest_id)),
            ));
            break;
        }
        done.push(plan_index);
        let plan = &mut plans[plan_index];
        match read_marks(d.id, contest, plan, marks) {
            Ok(()) => {}
            Err((rest, expected, found)) => {
                errors.push(at(&c_path(&rest), Some(ballot), expected, found));
                break;
            }
        }
        push_ranks(&mut plan.norm, marks, |m| (m.0, m.2, m.3));
        let ranking = match plan.norm.finish(1, &mut plan.seen) {
            Ok(r) => r,
            Err((refused, (r, k))) => {
                let mut rest = Vec::new();
                if let Some(k) = k {
                    rest.extend([Seg::Key("CVRContestSelection"), Seg::Index(k)]);
                }
                errors.push(at(
                    &c_path(&rest),
                    Some(ballot),
                    policy_expected(&refused),
                    format!("{} at rank {r}", refused.irregularity),
                ));
                continue;
            }
        };
        if let Err((expected, found)) = push_paper(&mut plan.builder, ranking) {
            errors.push(at(&c_path(&[]), Some(ballot), expected, found));
        }
    }
}

/// Adds one CVR's paper to `builder`; the refusal as (expected, found),
/// for the reader to place. Shared by every one-paper-a-record reader.
pub(crate) fn push_paper(
    builder: &mut BallotsBuilder,
    ranking: crate::store::Ranked<'_>,
) -> Result<(), (String, String)> {
    let so_far = builder.papers();
    builder.push_ranked(ranking, 1).map_err(|e| match e {
        RankingError::TooManyPapers => (
            "a total of papers below 2^64".to_string(),
            papers_past_limit(so_far, 1),
        ),
        other => ("a valid ranking".to_string(), other.to_string()),
    })
}

/// The election of the contests read: titled by the first election's
/// `Name`, else [`ReadOptions::id`].
pub(crate) fn finish(
    d: &Dialect,
    contests: Contests<'_>,
    elections: &[ElectionDto<'_>],
    opts: &ReadOptions,
) -> Result<Election, Error> {
    let title = elections
        .first()
        .and_then(|e| e.name.as_deref())
        .unwrap_or(opts.id.as_str())
        .to_owned();
    let mut out = Vec::with_capacity(contests.plans.len());
    for plan in contests.plans {
        out.push(read_contest_of(
            d.format,
            opts,
            (plan.id, plan.title, plan.seats),
            plan.candidates,
            plan.builder,
            plan.seen,
        )?);
    }
    Election::new(opts.id.clone(), title, out)
}

/// A contest read from a CVR file: seats from the file, else `--seats`;
/// the candidates by name in order, the write-in pool ([`WRITE_IN`])
/// marked as such; the import policy recorded. Shared with the Dominion
/// reader.
pub(crate) fn read_contest_of(
    format: Format,
    opts: &ReadOptions,
    (id, title, seats): (String, String, Option<u32>),
    names: Vec<String>,
    builder: BallotsBuilder,
    seen: Irregularities,
) -> Result<Contest, Error> {
    let seats = seats
        .or(opts.seats)
        .ok_or_else(|| Error::new(ErrorKind::SeatsNotRecorded { format }))?;
    let candidates = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            if n == WRITE_IN {
                Candidate::undeclared_write_ins(i + 1, n)
            } else {
                Candidate::named(i + 1, n)
            }
        })
        .collect();
    Ok(Contest::new(id, title, seats, candidates, builder.build())?.with_import(opts.policy, seen))
}

/// What is wrong inside a `CVRContest`: the path below it, what was
/// wanted, what was found.
type Wrong = (Vec<Seg<'static>>, String, String);

/// The marks of one `CVRContest` into `marks` as (rank, selection order in
/// the contest, candidate, index of the `CVRContestSelection`), sorted by
/// rank, one a selection and rank.
fn read_marks(
    id_key: &str,
    contest: &CvrContestDto<'_>,
    plan: &Plan<'_>,
    marks: &mut Vec<(u64, usize, CandidateId, usize)>,
) -> Result<(), Wrong> {
    marks.clear();
    for (k, sel) in contest.selection.iter().enumerate() {
        let here = |rest: &[Seg<'static>]| {
            let mut p = vec![Seg::Key("CVRContestSelection"), Seg::Index(k)];
            p.extend_from_slice(rest);
            p
        };
        let Some(id) = sel.selection_id.as_deref() else {
            return Err((here(&[]), "a ContestSelectionId".into(), "none".into()));
        };
        let Some(&(order, candidate)) = plan.selections.get(id) else {
            return Err((
                here(&[Seg::Key("ContestSelectionId")]),
                format!(
                    "the {id_key} of a ContestSelection of contest {:?}",
                    plan.id
                ),
                describe_found(id),
            ));
        };
        if sel.position.is_empty() {
            return Err((
                here(&[]),
                "at least one SelectionPosition".into(),
                "none".into(),
            ));
        }
        for (p, pos) in sel.position.iter().enumerate() {
            let at = |key: &'static str| {
                here(&[Seg::Key("SelectionPosition"), Seg::Index(p), Seg::Key(key)])
            };
            let yes_no = |v: Option<&str>, key: &'static str| match v {
                None => Ok(None),
                Some("yes") => Ok(Some(true)),
                Some("no") => Ok(Some(false)),
                Some(other) => Err((
                    at(key),
                    format!(
                        "{key} \"yes\" or \"no\" (an undecided mark is an adjudicator's to decide)"
                    ),
                    describe_found(other),
                )),
            };
            let allocable = yes_no(pos.is_allocable.as_deref(), "IsAllocable")?;
            let indicated = yes_no(pos.has_indication.as_deref(), "HasIndication")?;
            let votes = match pos.number_votes {
                None | Some(1) => true,
                Some(0) => false,
                Some(n) => {
                    return Err((
                        at("NumberVotes"),
                        "0 or 1 (a rank holds one vote)".into(),
                        n.to_string(),
                    ));
                }
            };
            let rank = pos.rank.or(sel.rank).unwrap_or(1);
            if !(1..=MAX_RANK).contains(&rank) {
                let key = if pos.rank.is_some() {
                    at("Rank")
                } else {
                    here(&[Seg::Key("Rank")])
                };
                return Err((
                    key,
                    format!("a rank from 1 to {MAX_RANK}"),
                    rank.to_string(),
                ));
            }
            if allocable.unwrap_or(indicated.unwrap_or(true)) && votes {
                marks.push((rank, order, candidate, k));
            }
        }
    }
    marks.sort_unstable_by_key(|m| (m.0, m.1));
    marks.dedup_by_key(|m| (m.0, m.1));
    Ok(())
}

/// What a document that does not parse was expected to be.
const WHAT: &str = "a NIST CDF cast-vote-record report";

/// An error of `format` at the value at `path` of `input` (a member that
/// is absent, a default, is placed at its object).
pub(crate) fn value_error(
    format: Format,
    input: &[u8],
    path: &[Seg<'_>],
    ballot: Option<u64>,
    expected: String,
    found: String,
) -> Error {
    let mut pos = (0..=path.len())
        .rev()
        .find_map(|n| locate(input, &path[..n]))
        .unwrap_or_default();
    pos.ballot = ballot;
    Error::new(ErrorKind::JsonValue {
        format,
        path: if path.is_empty() {
            String::new()
        } else {
            show(path)
        },
        pos,
        expected,
        found,
    })
}

/// [`value_error`] for a value inside `elem`, a part of `input` (one CVR),
/// found from `elem`'s start by `rel`, its path below it, and placed by
/// `lines`, so that errors met in file order cost time linear in the input
/// in all, however far into a large file they are.
#[allow(clippy::too_many_arguments)]
pub(crate) fn value_error_in(
    format: Format,
    input: &[u8],
    elem: &[u8],
    path: &[Seg<'_>],
    rel: &[Seg<'_>],
    ballot: Option<u64>,
    (expected, found): (String, String),
    lines: &RefCell<Lines>,
) -> Error {
    let within = (0..=rel.len())
        .rev()
        .find_map(|n| locate(elem, &rel[..n]))
        .map_or(0, |p| p.byte as usize);
    let offset = (elem.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
    let mut pos = lines.borrow_mut().position(input, offset + within);
    pos.ballot = ballot;
    Error::new(ErrorKind::JsonValue {
        format,
        path: show(path),
        pos,
        expected,
        found,
    })
}

/// The positions of bytes asked for in increasing order, each found from
/// the last: linear in the input in all (from the start each time, the
/// errors of a CVR file of hundreds of MB, minified to one line, would cost
/// the whole prefix each). Columns count characters, as
/// [`crate::Position`] says (the input is UTF-8: it parsed).
#[derive(Default)]
pub(crate) struct Lines {
    byte: usize,
    line: u64,
    column: u64,
}

impl Lines {
    pub(crate) fn position(&mut self, input: &[u8], byte: usize) -> Position {
        let byte = byte.min(input.len());
        if self.line == 0 || byte < self.byte {
            *self = Lines {
                byte: 0,
                line: 1,
                column: 1,
            };
        }
        for &b in &input[self.byte..byte] {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.byte = byte;
        Position {
            byte: byte as u64,
            line: self.line,
            column: self.column,
            ballot: None,
        }
    }
}

/// Parses `text` (the whole input, or the part of it at `base`) as `T`,
/// naming a failure by its path from the top and its place in `input`;
/// `what` is what the document should have been.
pub(crate) fn parse<'a, T: Deserialize<'a>>(
    format: Format,
    what: &str,
    input: &[u8],
    text: &'a [u8],
    base: &[Seg<'_>],
    ballot: Option<u64>,
    lines: &mut Lines,
) -> Result<T, Error> {
    // Tracking the path slows parsing down: only to explain a failure.
    let plain = match serde_json::from_slice::<T>(text) {
        Ok(t) => return Ok(t),
        Err(e) => e,
    };
    let mut de = serde_json::Deserializer::from_slice(text);
    let (inner_path, err) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        Ok(_) => (String::new(), plain),
    };
    if err.is_io() {
        return Err(Error::new(ErrorKind::Io(std::io::Error::other(err))));
    }
    let mut path = if base.is_empty() {
        String::new()
    } else {
        show(base)
    };
    if !matches!(inner_path.as_str(), "" | "." | "?") {
        if !path.is_empty() && !inner_path.starts_with('[') {
            path.push('.');
        }
        path.push_str(&inner_path);
    }
    let within = position_at_line_column(text, err.line() as u64, err.column() as u64).byte;
    let offset = (text.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
    let mut pos: Position = lines.position(input, offset + within as usize);
    pos.ballot = ballot;
    let message = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    let found = message
        .strip_suffix(&suffix)
        .unwrap_or(&message)
        .to_string();
    Err(Error::new(ErrorKind::JsonValue {
        format,
        path,
        pos,
        expected: what.into(),
        found,
    }))
}
