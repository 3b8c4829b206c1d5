//! recount's own election format, JSON: the reader and the writer. It holds
//! everything the model holds, for any number of contests and any names, so
//! `read(write(e)) == e` for every [`Election`].
//!
//! # Schema (`recount-election/1`)
//!
//! ```text
//! {
//!   "format": "recount-election/1",        // required, first by convention
//!   "id": string, "title": string,
//!   "contests": [                          // at least one; ids distinct
//!     {
//!       "id": string, "title": string,
//!       "seats": integer >= 1,
//!       "candidates": [                    // at least one; ids distinct
//!         {"id": string, "name": string,
//!          "affiliation": string,          // optional
//!          "attributes": {string: string}} // optional
//!       ],
//!       "withdrawn": [candidate id],       // optional, default []; a repeated id counts once
//!       "tie_order": [candidate id],       // optional: every candidate once, strongest first
//!       "constraints": [                   // optional, default []: representation
//!         {"attribute": string,            //   constraints (specs/constraints.md),
//!          "value": string,                //   checked against the candidates'
//!          "min": integer,                 //   attributes; min optional (0),
//!          "max": integer}                 //   max optional (no maximum)
//!       ],
//!       "policy": {"equal-rankings": "reject" | "end-at-tie" | "end-if-several-continuing" | "keep",
//!                  "skipped-ranks": "reject" | "close-up" | "end-at-gap",
//!                  "repeated-candidates": "reject" | "keep-first" | "end-at-repeat",
//!                  "overvotes": "reject" | "end-at-overvote" | "skip-rank" | "end-if-several-continuing",
//!                  "max-skipped-ranks": integer,   // only with a gap limit
//!                  "max-ranks": integer},          // only with a rank limit
//!                                          // optional; a missing field is "reject"
//!       "irregularities": {"equal_rankings": n, "skipped_ranks": n,
//!                          "repeated_candidates": n, "overvotes": n},
//!                                          // optional; a missing field is 0
//!       "blank": integer >= 0,             // optional, default 0: papers ranking nobody
//!       "ballots": [{"count": integer >= 1, "ranking": [rank, …]}]
//!                                          // rank = candidate id | [candidate id, …]
//!     }
//!   ]
//! }
//! ```
//!
//! Rankings name candidates by their `id`: no unknown id, no id twice. A
//! rank is one id, or an array of the ids ranked equal there (a paper read
//! with `equal-rankings: keep`; an array of one id is that id alone, an
//! empty one is refused). An entry with an empty ranking adds blank papers; entries
//! with the same ranking are merged (the writer never produces either).
//! Unknown fields are errors, so a misspelt key is never silently ignored.
//! Counts are exact integers up to 2⁶⁴−1.
//!
//! The file records the import policy its papers were read with; the
//! reader does not apply [`ReadOptions::policy`] (the rankings are already
//! strict) and does not use [`ReadOptions::id`] (the file has its own). When
//! [`ReadOptions::seats`] is given, every contest's seats must equal it.
//!
//! # Errors
//!
//! Every error names the JSON path of the value (`contests[0].ballots[3].ranking[1]`)
//! and its position. For a document that serde_json cannot parse into the
//! schema the position is serde_json's (where it detected the problem,
//! usually just after the offending token), with the path from
//! `serde_path_to_error` (a JSON syntax error inside a `ballots` array is
//! named by the array's path only: the array is first read as raw text, see
//! below); for a well-formed document that breaks a rule above, it is the
//! start of the offending value, found by walking the text along the path.
//! Columns count characters, as [`crate::Position`] says.
//!
//! # Reading ballots
//!
//! Each contest's `ballots` array is kept as raw text while the document is
//! parsed, then deserialized straight into the ballot arena once the
//! contest's candidates are known, so memory stays near the input's size
//! plus the arena, whatever the order of the fields.
//!
//! # Writer layout
//!
//! Two-space indentation, one candidate and one ballot per line, fields in
//! schema order; `withdrawn`, `tie_order`, `constraints`, `affiliation` and
//! `attributes` only when present; `policy`, `irregularities` and `blank` always.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Write};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use crate::constraints::Constraint;
use crate::error::describe_found;
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{
    EqualRankings, ImportPolicy, Irregularities, Overvotes, RepeatedCandidates, SkippedRanks,
};
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::Json;
/// The value of the `format` field this module reads and writes.
pub const VERSION: &str = "recount-election/1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElectionDto<'a> {
    #[allow(dead_code)]
    format: Version,
    id: String,
    title: String,
    #[serde(borrow)]
    contests: Vec<ContestDto<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContestDto<'a> {
    id: String,
    title: String,
    seats: u32,
    candidates: Vec<CandidateDto>,
    #[serde(default)]
    withdrawn: Vec<String>,
    #[serde(default)]
    tie_order: Option<Vec<String>>,
    #[serde(default)]
    constraints: Vec<ConstraintDto>,
    #[serde(default)]
    policy: PolicyDto,
    #[serde(default)]
    irregularities: IrregularitiesDto,
    #[serde(default)]
    blank: u64,
    #[serde(borrow)]
    ballots: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CandidateDto {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    affiliation: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, String>,
}

/// A [`Constraint`], with unknown fields refused.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintDto {
    attribute: String,
    value: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    min: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The model's [`ImportPolicy`], with unknown fields refused.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
struct PolicyDto {
    equal_rankings: EqualRankings,
    skipped_ranks: SkippedRanks,
    repeated_candidates: RepeatedCandidates,
    overvotes: Overvotes,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_skipped_ranks: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_ranks: Option<u32>,
}

/// The model's [`Irregularities`], with unknown fields refused.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct IrregularitiesDto {
    equal_rankings: u64,
    skipped_ranks: u64,
    repeated_candidates: u64,
    overvotes: u64,
}

/// The `format` field: deserializes only from [`VERSION`].
struct Version;

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        if s == VERSION {
            Ok(Version)
        } else {
            Err(serde::de::Error::custom(format!(
                "format {s:?}; this recount reads {VERSION:?}"
            )))
        }
    }
}

/// Reads a `recount-election/1` JSON document (see the module documentation).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    // Tracking the path slows parsing down, so it is done only to explain
    // a document that failed without it.
    let dto: ElectionDto<'_> = match serde_json::from_slice(input) {
        Ok(dto) => dto,
        Err(plain) => {
            let mut de = serde_json::Deserializer::from_slice(input);
            return Err(
                match serde_path_to_error::deserialize::<_, ElectionDto<'_>>(&mut de) {
                    Err(e) => {
                        let path = e.path().to_string();
                        parse_error(input, &path, e.into_inner())
                    }
                    // Only trailing characters fail after a complete document.
                    Ok(_) => parse_error(input, "", plain),
                },
            );
        }
    };
    let at = |path: &[Seg<'_>], expected: &str, found: String| {
        let pos = locate(input, path).unwrap_or_default();
        Error::syntax(FORMAT, pos, format!("{expected} at {}", show(path)), found)
    };

    if dto.contests.is_empty() {
        return Err(at(
            &[Seg::Key("contests")],
            "at least one contest",
            "none".into(),
        ));
    }
    let mut contest_ids = HashMap::new();
    let mut contests = Vec::with_capacity(dto.contests.len());
    for (ci, c) in dto.contests.into_iter().enumerate() {
        let path = |rest: &[Seg<'static>]| {
            let mut p = vec![Seg::Key("contests"), Seg::Index(ci)];
            p.extend_from_slice(rest);
            p
        };
        if let Some(first) = contest_ids.insert(c.id.clone(), ci) {
            return Err(at(
                &path(&[Seg::Key("id")]),
                "a contest id no other contest has",
                format!("{:?}, the id of contest {first}", c.id),
            ));
        }
        if c.seats == 0 {
            return Err(at(
                &path(&[Seg::Key("seats")]),
                "a number of seats from 1",
                "0".into(),
            ));
        }
        if let Some(want) = opts.seats.filter(|&s| s != c.seats) {
            return Err(at(
                &path(&[Seg::Key("seats")]),
                &format!("{want} seats, as the options say"),
                c.seats.to_string(),
            ));
        }
        let n = c.candidates.len();
        if n == 0 || n > CandidateId::MAX_CANDIDATES {
            return Err(at(
                &path(&[Seg::Key("candidates")]),
                &format!("from 1 to {} candidates", CandidateId::MAX_CANDIDATES),
                n.to_string(),
            ));
        }
        // Every preference is looked up here: a fast hasher matters.
        let mut ids: IdMap<'_> = HashMap::with_capacity_and_hasher(n, Default::default());
        // n is at most MAX_CANDIDATES, so every index has an id.
        let indexed = (0..n).filter_map(CandidateId::new);
        for (k, (cand, id)) in c.candidates.iter().zip(indexed).enumerate() {
            if let Some(first) = ids.insert(cand.id.as_str(), id) {
                return Err(at(
                    &path(&[Seg::Key("candidates"), Seg::Index(k), Seg::Key("id")]),
                    "a candidate id no other candidate of the contest has",
                    format!("{:?}, the id of candidate {}", cand.id, first.index()),
                ));
            }
        }
        let lookup = |id: &str, p: Vec<Seg<'_>>| {
            ids.get(id).copied().ok_or_else(|| {
                at(
                    &p,
                    "the id of one of the contest's candidates",
                    describe_found(id),
                )
            })
        };
        let withdrawn = c
            .withdrawn
            .iter()
            .enumerate()
            .map(|(k, id)| lookup(id, path(&[Seg::Key("withdrawn"), Seg::Index(k)])))
            .collect::<Result<Vec<_>, _>>()?;
        let tie_order = match &c.tie_order {
            Some(order) => {
                let order = order
                    .iter()
                    .enumerate()
                    .map(|(k, id)| lookup(id, path(&[Seg::Key("tie_order"), Seg::Index(k)])))
                    .collect::<Result<Vec<_>, _>>()?;
                let mut seen = vec![false; n];
                for (k, id) in order.iter().enumerate() {
                    if std::mem::replace(&mut seen[id.index()], true) {
                        return Err(at(
                            &path(&[Seg::Key("tie_order"), Seg::Index(k)]),
                            "each candidate once",
                            format!("{:?} again", c.candidates[id.index()].id),
                        ));
                    }
                }
                if order.len() != n {
                    return Err(at(
                        &path(&[Seg::Key("tie_order")]),
                        &format!("all {n} candidates"),
                        format!("{} of them", order.len()),
                    ));
                }
                Some(order)
            }
            None => None,
        };

        // The ballots were kept as raw text: now that the candidates are
        // known they stream straight into the arena, with no per-ballot copy.
        let raw = c.ballots.get();
        let raw_at = (raw.as_ptr() as usize).saturating_sub(input.as_ptr() as usize);
        let mut builder = BallotsBuilder::new(n);
        let mut problems = Vec::new();
        if let Err(plain) = load_ballots(raw, &ids, &mut builder, &mut problems, None) {
            // Parse again, tracking the path, only to explain the error.
            let mut track = serde_path_to_error::Track::new();
            let mut scratch = BallotsBuilder::new(n);
            let result = load_ballots(raw, &ids, &mut scratch, &mut Vec::new(), Some(&mut track));
            let inner = result.err().unwrap_or(plain);
            let inner_path = track.path().to_string();
            let mut full = show(&path(&[Seg::Key("ballots")]));
            if !matches!(inner_path.as_str(), "" | "." | "?") {
                if !inner_path.starts_with('[') {
                    full.push('.');
                }
                full.push_str(&inner_path);
            }
            let local =
                position_at_line_column(raw.as_bytes(), inner.line() as u64, inner.column() as u64);
            let pos = position_of_byte(input, raw_at + local.byte as usize);
            return Err(serde_error(&full, pos, &inner));
        }
        let errors: Vec<Error> = problems
            .into_iter()
            .map(|p| {
                let bpath = |bi: usize, rest: &[Seg<'static>]| {
                    let mut v = path(&[Seg::Key("ballots"), Seg::Index(bi)]);
                    v.extend_from_slice(rest);
                    v
                };
                match p {
                    Problem::Unknown { ballot, rank, id } => at(
                        &bpath(ballot, &[Seg::Key("ranking"), Seg::Index(rank)]),
                        "the id of one of the contest's candidates",
                        describe_found(&id),
                    ),
                    Problem::Ranking {
                        ballot,
                        error,
                        count,
                    } => match error {
                        RankingError::Repeated { rank, candidate } => at(
                            &bpath(ballot, &[Seg::Key("ranking"), Seg::Index(rank)]),
                            "a candidate not ranked before on this ballot",
                            describe_found(&c.candidates[candidate.index()].id),
                        ),
                        RankingError::ZeroCount => at(
                            &bpath(ballot, &[Seg::Key("count")]),
                            "a count of papers from 1",
                            "0".into(),
                        ),
                        RankingError::TooManyPapers => at(
                            &bpath(ballot, &[Seg::Key("count")]),
                            "a total of papers below 2^64",
                            count.to_string(),
                        ),
                        other => at(&bpath(ballot, &[]), "a valid ballot", other.to_string()),
                    },
                }
            })
            .collect();
        if !errors.is_empty() {
            return Err(Error::join(errors));
        }

        if c.blank > 0 {
            let so_far = builder.papers();
            builder.push(&[], c.blank).map_err(|_| {
                at(
                    &path(&[Seg::Key("blank")]),
                    "a total of papers below 2^64",
                    papers_past_limit(so_far, c.blank),
                )
            })?;
        }
        let policy = ImportPolicy {
            equal_rankings: c.policy.equal_rankings,
            skipped_ranks: c.policy.skipped_ranks,
            repeated_candidates: c.policy.repeated_candidates,
            overvotes: c.policy.overvotes,
            max_skipped_ranks: c.policy.max_skipped_ranks,
            max_ranks: c.policy.max_ranks,
        };
        let irr = Irregularities {
            equal_rankings: c.irregularities.equal_rankings,
            skipped_ranks: c.irregularities.skipped_ranks,
            repeated_candidates: c.irregularities.repeated_candidates,
            overvotes: c.irregularities.overvotes,
        };
        let candidates = c
            .candidates
            .into_iter()
            .map(|k| Candidate {
                id: k.id,
                name: k.name,
                affiliation: k.affiliation,
                attributes: k.attributes,
            })
            .collect();
        let mut contest = Contest::new(c.id, c.title, c.seats, candidates, builder.build())?
            .with_withdrawn(withdrawn)?;
        if let Some(order) = tie_order {
            contest = contest.with_tie_order(order)?;
        }
        let constraints: Vec<Constraint> = c
            .constraints
            .into_iter()
            .map(|k| Constraint {
                attribute: k.attribute,
                value: k.value,
                min: k.min,
                max: k.max,
            })
            .collect();
        // Each constraint is checked with those before it, so that the
        // error names the first one the contest refuses.
        for k in 0..constraints.len() {
            if let Err(e) = crate::constraints::check(&contest, &constraints[..=k]) {
                return Err(at(
                    &path(&[Seg::Key("constraints"), Seg::Index(k)]),
                    "a constraint the contest's candidates can be held to",
                    e.to_string(),
                ));
            }
        }
        contest = contest.with_constraints(constraints)?;
        contests.push(contest.with_import(policy, irr));
    }
    Election::new(dto.id, dto.title, contests)
}

/// Writes an election as `recount-election/1` JSON (see the module documentation).
pub fn write(election: &Election, out: &mut dyn Write) -> Result<(), Error> {
    let mut w = io::BufWriter::new(out);
    let j = |v: &dyn erased::Json| v.json();
    writeln!(w, "{{")?;
    writeln!(w, "  \"format\": {},", j(&VERSION)?)?;
    writeln!(w, "  \"id\": {},", j(&election.id.as_str())?)?;
    writeln!(w, "  \"title\": {},", j(&election.title.as_str())?)?;
    writeln!(w, "  \"contests\": [")?;
    for (ci, c) in election.contests().iter().enumerate() {
        writeln!(w, "    {{")?;
        writeln!(w, "      \"id\": {},", j(&c.id())?)?;
        writeln!(w, "      \"title\": {},", j(&c.title())?)?;
        writeln!(w, "      \"seats\": {},", c.seats())?;
        writeln!(w, "      \"candidates\": [")?;
        let last = c.candidates().len().saturating_sub(1);
        for (k, cand) in c.candidates().iter().enumerate() {
            let dto = CandidateDto {
                id: cand.id.clone(),
                name: cand.name.clone(),
                affiliation: cand.affiliation.clone(),
                attributes: cand.attributes.clone(),
            };
            let comma = if k == last { "" } else { "," };
            writeln!(w, "        {}{comma}", j(&dto)?)?;
        }
        writeln!(w, "      ],")?;
        let id_of = |id: &CandidateId| c.candidate(*id).id.as_str();
        if !c.withdrawn().is_empty() {
            let ids: Vec<&str> = c.withdrawn().iter().map(id_of).collect();
            writeln!(w, "      \"withdrawn\": {},", j(&ids)?)?;
        }
        if let Some(order) = c.tie_order() {
            let ids: Vec<&str> = order.iter().map(id_of).collect();
            writeln!(w, "      \"tie_order\": {},", j(&ids)?)?;
        }
        if !c.constraints().is_empty() {
            let dtos: Vec<ConstraintDto> = c
                .constraints()
                .iter()
                .map(|k| ConstraintDto {
                    attribute: k.attribute.clone(),
                    value: k.value.clone(),
                    min: k.min,
                    max: k.max,
                })
                .collect();
            writeln!(w, "      \"constraints\": {},", j(&dtos)?)?;
        }
        let p = c.policy();
        let policy = PolicyDto {
            equal_rankings: p.equal_rankings,
            skipped_ranks: p.skipped_ranks,
            repeated_candidates: p.repeated_candidates,
            overvotes: p.overvotes,
            max_skipped_ranks: p.max_skipped_ranks,
            max_ranks: p.max_ranks,
        };
        writeln!(w, "      \"policy\": {},", j(&policy)?)?;
        let i = c.irregularities();
        let irr = IrregularitiesDto {
            equal_rankings: i.equal_rankings,
            skipped_ranks: i.skipped_ranks,
            repeated_candidates: i.repeated_candidates,
            overvotes: i.overvotes,
        };
        writeln!(w, "      \"irregularities\": {},", j(&irr)?)?;
        writeln!(w, "      \"blank\": {},", c.ballots().blank().0)?;
        writeln!(w, "      \"ballots\": [")?;
        let equal = c.ballots().equal_rankings();
        let last = (c.ballots().len() + equal.len()).saturating_sub(1);
        let mut ids: Vec<&str> = Vec::new();
        for (bi, b) in c.ballots().iter().enumerate() {
            ids.clear();
            ids.extend(b.ranking.iter().map(id_of));
            let comma = if bi == last { "" } else { "," };
            writeln!(
                w,
                "        {{\"count\": {}, \"ranking\": {}}}{comma}",
                b.count.0,
                j(&ids)?
            )?;
        }
        // Rankings with equal preferences last: a rank of several is an array.
        for (k, r) in equal.iter().enumerate() {
            let ranks: Vec<serde_json::Value> = r
                .ranks()
                .map(|rank| match rank {
                    [one] => serde_json::Value::from(id_of(one)),
                    many => many
                        .iter()
                        .map(|c| serde_json::Value::from(id_of(c)))
                        .collect(),
                })
                .collect();
            let comma = if c.ballots().len() + k == last {
                ""
            } else {
                ","
            };
            writeln!(
                w,
                "        {{\"count\": {}, \"ranking\": {}}}{comma}",
                r.count.0,
                j(&ranks)?
            )?;
        }
        writeln!(w, "      ]")?;
        let comma = if ci + 1 == election.contests().len() {
            ""
        } else {
            ","
        };
        writeln!(w, "    }}{comma}")?;
    }
    writeln!(w, "  ]")?;
    writeln!(w, "}}")?;
    w.flush()?;
    Ok(())
}

mod erased {
    //! Serializes a value to a JSON string, as an I/O error when it cannot.
    pub(super) trait Json {
        fn json(&self) -> std::io::Result<String>;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> std::io::Result<String> {
            serde_json::to_string(self).map_err(std::io::Error::other)
        }
    }
}

/// Candidate ids of a contest.
type IdMap<'a> = HashMap<&'a str, CandidateId, foldhash::fast::RandomState>;

/// A ballot the model refuses, found while streaming; positioned afterwards.
enum Problem {
    Unknown {
        ballot: usize,
        rank: usize,
        id: String,
    },
    Ranking {
        ballot: usize,
        error: RankingError,
        count: u64,
    },
}

/// Parses a contest's `ballots` array into `builder`; the model's
/// objections go to `problems` (at most [`Error::MAX_REPORTED`]).
fn load_ballots(
    raw: &str,
    ids: &IdMap<'_>,
    builder: &mut BallotsBuilder,
    problems: &mut Vec<Problem>,
    track: Option<&mut serde_path_to_error::Track>,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(raw);
    let mut ranking = Vec::new();
    let mut starts = Vec::new();
    let seed = BallotsSeed {
        ids,
        builder,
        problems,
        ranking: &mut ranking,
        starts: &mut starts,
    };
    match track {
        None => seed.deserialize(&mut de)?,
        Some(t) => seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, t))?,
    }
    de.end()
}

struct BallotsSeed<'s, 'i> {
    ids: &'s IdMap<'i>,
    builder: &'s mut BallotsBuilder,
    problems: &'s mut Vec<Problem>,
    ranking: &'s mut Vec<CandidateId>,
    starts: &'s mut Vec<u32>,
}

impl<'de> DeserializeSeed<'de> for BallotsSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BallotsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of ballots")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while seq
            .next_element_seed(BallotSeed {
                ids: self.ids,
                builder: &mut *self.builder,
                problems: &mut *self.problems,
                ranking: &mut *self.ranking,
                starts: &mut *self.starts,
                index,
            })?
            .is_some()
        {
            index += 1;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum BallotField {
    Count,
    Ranking,
}

struct BallotSeed<'s, 'i> {
    ids: &'s IdMap<'i>,
    builder: &'s mut BallotsBuilder,
    problems: &'s mut Vec<Problem>,
    ranking: &'s mut Vec<CandidateId>,
    starts: &'s mut Vec<u32>,
    index: usize,
}

impl<'de> DeserializeSeed<'de> for BallotSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_struct("Ballot", &["count", "ranking"], self)
    }
}

impl<'de> Visitor<'de> for BallotSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ballot {\"count\", \"ranking\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut count: Option<u64> = None;
        let mut ranked = false;
        let mut unknown: Option<Problem> = None;
        self.ranking.clear();
        self.starts.clear();
        while let Some(field) = map.next_key::<BallotField>()? {
            match field {
                BallotField::Count => {
                    if count.replace(map.next_value()?).is_some() {
                        return Err(de::Error::duplicate_field("count"));
                    }
                }
                BallotField::Ranking => {
                    if std::mem::replace(&mut ranked, true) {
                        return Err(de::Error::duplicate_field("ranking"));
                    }
                    map.next_value_seed(RankingSeed {
                        ids: self.ids,
                        ranking: &mut *self.ranking,
                        starts: &mut *self.starts,
                        unknown: &mut unknown,
                        ballot: self.index,
                    })?;
                }
            }
        }
        let count = count.ok_or_else(|| de::Error::missing_field("count"))?;
        if !ranked {
            return Err(de::Error::missing_field("ranking"));
        }
        let problem = match unknown {
            Some(p) => Some(p),
            None => self
                .builder
                .push_ranked(
                    crate::store::Ranked {
                        candidates: self.ranking,
                        rank_starts: self.starts,
                    },
                    count,
                )
                .err()
                .map(|error| Problem::Ranking {
                    ballot: self.index,
                    // The position in the file's ranking: its rank, where
                    // ranks may hold several candidates.
                    error: match error {
                        RankingError::Repeated { rank, candidate } => RankingError::Repeated {
                            rank: self
                                .starts
                                .partition_point(|&s| s as usize <= rank)
                                .saturating_sub(1),
                            candidate,
                        },
                        other => other,
                    },
                    count,
                }),
        };
        if let Some(p) = problem
            && self.problems.len() < Error::MAX_REPORTED
        {
            self.problems.push(p);
        }
        Ok(())
    }
}

struct RankingSeed<'s, 'i> {
    ids: &'s IdMap<'i>,
    ranking: &'s mut Vec<CandidateId>,
    /// Where each rank starts in `ranking` (every rank's, even when all
    /// hold one candidate: the builder treats that as strict).
    starts: &'s mut Vec<u32>,
    unknown: &'s mut Option<Problem>,
    ballot: usize,
}

impl<'de> DeserializeSeed<'de> for RankingSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RankingSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of candidate ids (a rank of several: an array of ids)")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut rank = 0;
        loop {
            let start = self.ranking.len() as u32;
            let seed = RankSeed {
                ids: self.ids,
                ranking: &mut *self.ranking,
                unknown: &mut *self.unknown,
                ballot: self.ballot,
                rank,
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            if self.ranking.len() as u32 > start {
                self.starts.push(start);
            }
            rank += 1;
        }
        Ok(())
    }
}

/// One rank of a ranking: an id, or an array of ids ranked equal.
struct RankSeed<'s, 'i> {
    ids: &'s IdMap<'i>,
    ranking: &'s mut Vec<CandidateId>,
    unknown: &'s mut Option<Problem>,
    ballot: usize,
    rank: usize,
}

impl RankSeed<'_, '_> {
    fn id(&mut self, id: &str) {
        match self.ids.get(id) {
            Some(&c) => self.ranking.push(c),
            None => {
                if self.unknown.is_none() {
                    *self.unknown = Some(Problem::Unknown {
                        ballot: self.ballot,
                        rank: self.rank,
                        id: id.to_owned(),
                    });
                }
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for RankSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RankSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a candidate id, or an array of the ids ranked equal")
    }
    fn visit_str<E: de::Error>(mut self, id: &str) -> Result<(), E> {
        self.id(id);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut any = false;
        while let Some(id) = seq.next_element::<Cow<'de, str>>()? {
            self.id(&id);
            any = true;
        }
        if any {
            Ok(())
        } else {
            Err(de::Error::invalid_length(0, &"at least one candidate id"))
        }
    }
}

/// One step of a JSON path.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

pub(crate) fn show(path: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    if s.is_empty() { "the top".into() } else { s }
}

/// A serde_json error on the whole input as ours, with its path and position.
fn parse_error(input: &[u8], path: &str, inner: serde_json::Error) -> Error {
    if inner.is_io() {
        return Error::new(ErrorKind::Io(io::Error::other(inner)));
    }
    let pos = position_at_line_column(input, inner.line() as u64, inner.column() as u64);
    serde_error(path, pos, &inner)
}

/// A serde_json error at `pos` as ours.
fn serde_error(path: &str, pos: Position, inner: &serde_json::Error) -> Error {
    let message = inner.to_string();
    let suffix = format!(" at line {} column {}", inner.line(), inner.column());
    let message = message
        .strip_suffix(&suffix)
        .unwrap_or(&message)
        .to_string();
    // serde_path_to_error writes "." for the top and "?" for an unknown step.
    let expected = if matches!(path, "" | "." | "?") {
        format!("a {VERSION} document")
    } else {
        format!("a {VERSION} document at {path}")
    };
    Error::syntax(FORMAT, pos, expected, message)
}

/// Our position for serde_json's (line, byte column).
pub(crate) fn position_at_line_column(input: &[u8], line: u64, column: u64) -> Position {
    let mut start = 0usize;
    for _ in 1..line.max(1) {
        match input[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let end = (start + column.saturating_sub(1) as usize).min(input.len());
    let chars = String::from_utf8_lossy(&input[start..end]).chars().count() as u64;
    Position {
        byte: end as u64,
        line: line.max(1),
        column: chars + 1,
        ballot: None,
    }
}

/// Where the value at `path` starts in a well-formed JSON document.
pub(crate) fn locate(input: &[u8], path: &[Seg<'_>]) -> Option<Position> {
    let mut i = ws(input, 0);
    for seg in path {
        match *seg {
            Seg::Key(key) => {
                if input.get(i) != Some(&b'{') {
                    return None;
                }
                i = ws(input, i + 1);
                loop {
                    if input.get(i) != Some(&b'"') {
                        return None;
                    }
                    let end = skip(input, i)?;
                    let name: String = serde_json::from_slice(&input[i..end]).ok()?;
                    i = ws(input, end);
                    if input.get(i) != Some(&b':') {
                        return None;
                    }
                    i = ws(input, i + 1);
                    if name == key {
                        break;
                    }
                    i = ws(input, skip(input, i)?);
                    if input.get(i) != Some(&b',') {
                        return None;
                    }
                    i = ws(input, i + 1);
                }
            }
            Seg::Index(n) => {
                if input.get(i) != Some(&b'[') {
                    return None;
                }
                i = ws(input, i + 1);
                for _ in 0..n {
                    i = ws(input, skip(input, i)?);
                    if input.get(i) != Some(&b',') {
                        return None;
                    }
                    i = ws(input, i + 1);
                }
            }
        }
    }
    Some(position_of_byte(input, i))
}

/// The position of byte `i` of the input.
pub(crate) fn position_of_byte(input: &[u8], i: usize) -> Position {
    let before = &input[..i.min(input.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    Position {
        byte: before.len() as u64,
        line: before.iter().filter(|&&b| b == b'\n').count() as u64 + 1,
        column: String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u64
            + 1,
        ballot: None,
    }
}

fn ws(input: &[u8], mut i: usize) -> usize {
    while matches!(input.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The end of the JSON value starting at `i`.
fn skip(input: &[u8], i: usize) -> Option<usize> {
    match *input.get(i)? {
        b'"' => {
            let mut j = i + 1;
            loop {
                match *input.get(j)? {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *input.get(j)? {
                    b'"' => {
                        j = skip(input, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while !matches!(
                input.get(j),
                None | Some(b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r')
            ) {
                j += 1;
            }
            Some(j)
        }
    }
}
