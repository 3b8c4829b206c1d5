//! Representation constraints: "at least `min` / at most `max` elected among
//! the candidates whose attribute `attribute` has value `value`", their two
//! CSV files, the exact feasibility check, and the Grey–Fitzgerald
//! guard/doom sets a constrained count consults after every stage.
//!
//! This module owns everything about constraints that does not need a count:
//! it never looks at ballots. The engine (`recount-count`) asks
//! [`ContestConstraints::guard_doom`] which hopeful candidates are guarded
//! (must be elected) or doomed (must not be); how it acts on the answer is
//! written down in `specs/constraints.md`. For the two named alternatives
//! it gives the engine-free halves: the sequence of counts of the
//! reserved-places method ([`ContestConstraints::reserved_plan`]) and the
//! swaps of the substitution method ([`ContestConstraints::substitute`]).
//!
//! ```
//! use ballot::constraints::{Status, read_attributes, read_constraints};
//! use ballot::{BallotsBuilder, Candidate, Contest, Election};
//!
//! let names = ["Ann", "Bob", "Cy", "Di"];
//! let cands = names.iter().enumerate().map(|(i, n)| Candidate::named(i + 1, *n)).collect();
//! let contest = Contest::new("w", "Ward", 2, cands, BallotsBuilder::new(4).build()).unwrap();
//! let mut election = Election::single(contest);
//! read_attributes(b"name,gender\nAnn,woman\nBob,man\nCy,man\nDi,woman\n", &mut election).unwrap();
//! let cons = read_constraints(b"attribute,value,min,max\ngender,woman,1,\n", &election).unwrap();
//! cons[0].check_feasible().unwrap();
//!
//! // Bob elected, Cy excluded: one place left, and it must go to a woman,
//! // but either woman will do.
//! let state = [Status::Hopeful, Status::Elected, Status::Excluded, Status::Hopeful];
//! assert!(cons[0].guard_doom(&state).unwrap().is_empty());
//! // After Ann's exclusion Di, the only woman left, is guarded; the other
//! // place is open to either man.
//! let state = [Status::Excluded, Status::Hopeful, Status::Hopeful, Status::Hopeful];
//! let gd = cons[0].guard_doom(&state).unwrap();
//! assert_eq!(gd.guarded.len(), 1);
//! assert_eq!(gd.guarded[0].candidate.number(), 4);
//! assert!(gd.doomed.is_empty());
//!
//! // A name that matches no candidate is refused at its row and field.
//! let err = read_attributes(b"name,gender\nZed,woman\n", &mut election).unwrap_err();
//! assert_eq!(err.position().map(|p| (p.line, p.column)), Some((2, 1)));
//! ```
//!
//! # Attributes file
//!
//! ```text
//! file    = header row*
//! header  = ["contest" ","] "name" ("," attribute)+
//! row     = [contest ","] name ("," value)+      ; as many fields as the header
//! ```
//!
//! - `contest` (optional first column): the id of the contest the candidate
//!   stands in. Without it a name must identify one candidate in the whole
//!   election; a name standing in two contests then needs the column.
//! - `name`: the candidate's name exactly as in the ballot file.
//! - each further column is an attribute (`gender`, `bame`, …); its cell is
//!   the candidate's value. An empty cell leaves the attribute unknown, which
//!   is an error later only if a constraint needs it.
//!
//! # Constraints file
//!
//! ```text
//! file    = header row*
//! header  = ["contest" ","] "attribute" "," "value" "," "min" "," "max"
//! row     = [contest ","] attribute "," value "," [min] "," [max]
//! ```
//!
//! - `contest` (optional first column): the contest the row binds. Without
//!   it every row binds every contest of the election.
//! - `attribute`, `value`: the group of candidates counted (`gender`,`woman`).
//! - `min`: at least this many of the group are elected; empty means 0.
//! - `max`: at most this many; empty means no maximum.
//!
//! In both files fields are trimmed of surrounding spaces, blank lines are
//! skipped, and a UTF-8 byte-order mark is ignored.
//!
//! # Positions
//!
//! Errors in either file are [`ErrorKind::Syntax`]
//! errors of format [`Format::Csv`] whose [`Position`] has the **line** of the
//! file where the record starts (from 1), the **1-based field number** as its
//! `column` (not a character column), the byte offset of the record's start,
//! and no ballot number. Every bad row is reported, not just the first.
//!
//! # Feasibility
//!
//! Candidates with the same values of every constrained attribute are
//! interchangeable as far as constraints go, so the search runs over these
//! *types* and how many of each to elect: an exact depth-first search with
//! bounds and a memo of failed partial choices. It is complete, so a "no" is
//! a proof that no conformant set of candidates exists.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Position, describe_found};
use crate::format::Format;
use crate::model::{CandidateId, Contest, Election};

/// A constraint's index within its contest's [`ContestConstraints`], from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConstraintId(u16);

impl ConstraintId {
    /// The most constraints one contest may have.
    pub const MAX_CONSTRAINTS: usize = 64;

    /// The 0-based index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The 1-based number used in messages.
    pub fn number(self) -> usize {
        self.index() + 1
    }
}

impl fmt::Display for ConstraintId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "constraint {}", self.number())
    }
}

/// At least `min` and at most `max` elected among the candidates whose
/// attribute `attribute` is `value`. Serialised as
/// `{"attribute": "gender", "value": "woman", "min": 3}` (`max` omitted when
/// unbounded, `min` when 0).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Constraint {
    /// The attribute, e.g. `gender`.
    pub attribute: String,
    /// The value that puts a candidate in the group, e.g. `woman`.
    pub value: String,
    /// The fewest of the group to elect (0 for no minimum).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min: u32,
    /// The most of the group to elect, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Constraint {
    /// At least `min` elected with `attribute` = `value`.
    pub fn at_least(attribute: impl Into<String>, value: impl Into<String>, min: u32) -> Self {
        Constraint {
            attribute: attribute.into(),
            value: value.into(),
            min,
            max: None,
        }
    }

    /// At most `max` elected with `attribute` = `value`.
    pub fn at_most(attribute: impl Into<String>, value: impl Into<String>, max: u32) -> Self {
        Constraint {
            attribute: attribute.into(),
            value: value.into(),
            min: 0,
            max: Some(max),
        }
    }

    /// The same constraint with a maximum.
    pub fn with_max(mut self, max: u32) -> Self {
        self.max = Some(max);
        self
    }

    /// The group, as `attribute=value`.
    pub fn group(&self) -> String {
        format!("{}={}", self.attribute, self.value)
    }

    /// True when `count` elected members of the group satisfy it.
    pub fn allows(&self, count: u32) -> bool {
        count >= self.min && self.max.is_none_or(|m| count <= m)
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.group())?;
        match (self.min, self.max) {
            (0, None) => write!(f, "no bound"),
            (min, None) => write!(f, "at least {min}"),
            (0, Some(max)) => write!(f, "at most {max}"),
            (min, Some(max)) if min == max => write!(f, "exactly {min}"),
            (min, Some(max)) => write!(f, "between {min} and {max}"),
        }
    }
}

/// Why constraints cannot be used for a contest. Each variant names the contest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConstraintError {
    /// The minimum exceeds the maximum.
    MinAboveMax {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
    },
    /// The minimum exceeds the seats.
    MinAboveSeats {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// Seats of the contest.
        seats: u32,
    },
    /// No candidate of the contest has the attribute at all (a misspelling?).
    UnknownAttribute {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// The attributes the contest's candidates do have, sorted.
        known: Vec<String>,
    },
    /// A standing candidate's value of a constrained attribute is unknown.
    MissingAttribute {
        /// Contest id.
        contest: String,
        /// The constraint that needs it.
        constraint: Constraint,
        /// The candidate.
        candidate: CandidateId,
        /// The candidate's name.
        name: String,
    },
    /// Fewer standing candidates are in the group than its minimum.
    TooFewCandidates {
        /// Contest id.
        contest: String,
        /// The constraint.
        constraint: Constraint,
        /// Standing (non-withdrawn) candidates in the group.
        standing: u32,
    },
    /// The same group is constrained twice.
    Repeated {
        /// Contest id.
        contest: String,
        /// The second constraint on the group.
        constraint: Constraint,
    },
    /// More than [`ConstraintId::MAX_CONSTRAINTS`] constraints.
    TooMany {
        /// Contest id.
        contest: String,
        /// How many were given.
        count: usize,
    },
    /// A count state does not fit the contest.
    BadState {
        /// Contest id.
        contest: String,
        /// What is wrong.
        what: String,
    },
    /// No set of candidates that the count can still elect meets the
    /// constraints. `unmet` is a smallest set of constraints that already
    /// cannot be met together (empty: the seats cannot be filled at all).
    Infeasible {
        /// Contest id.
        contest: String,
        /// Places to fill: the seats, or fewer if fewer candidates stand.
        places: u32,
        /// Candidates already elected when this was found (none before the count).
        elected: u32,
        /// A smallest set of constraints that cannot be met together.
        unmet: Vec<(ConstraintId, Constraint)>,
    },
    /// The substitution method found no allowed swap for an unmet constraint.
    NoSubstitution {
        /// Contest id.
        contest: String,
        /// The constraint left unmet.
        constraint: (ConstraintId, Constraint),
    },
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstraintError::MinAboveMax {
                contest,
                constraint,
            } => write!(
                f,
                "contest {contest}: {constraint}: the minimum {} is above the maximum {}",
                constraint.min,
                constraint.max.unwrap_or(0)
            ),
            ConstraintError::MinAboveSeats {
                contest,
                constraint,
                seats,
            } => write!(
                f,
                "contest {contest}: {constraint}: the minimum is above the {seats} seats"
            ),
            ConstraintError::UnknownAttribute {
                contest,
                constraint,
                known,
            } => write!(
                f,
                "contest {contest}: {constraint}: no candidate has an attribute {:?} (known: {})",
                constraint.attribute,
                list_or_none(known)
            ),
            ConstraintError::MissingAttribute {
                contest,
                constraint,
                candidate,
                name,
            } => write!(
                f,
                "contest {contest}: {constraint}: candidate {} {name:?} has no {:?}",
                candidate.number(),
                constraint.attribute
            ),
            ConstraintError::TooFewCandidates {
                contest,
                constraint,
                standing,
            } => write!(
                f,
                "contest {contest}: {constraint}: only {standing} standing candidates have {}",
                constraint.group()
            ),
            ConstraintError::Repeated {
                contest,
                constraint,
            } => write!(
                f,
                "contest {contest}: {} is constrained twice",
                constraint.group()
            ),
            ConstraintError::TooMany { contest, count } => write!(
                f,
                "contest {contest}: {count} constraints; at most {}",
                ConstraintId::MAX_CONSTRAINTS
            ),
            ConstraintError::BadState { contest, what } => {
                write!(f, "contest {contest}: count state: {what}")
            }
            ConstraintError::NoSubstitution {
                contest,
                constraint: (id, c),
            } => write!(
                f,
                "contest {contest}: no substitution can meet {id} ({c}) without breaking a constraint already met"
            ),
            ConstraintError::Infeasible {
                contest,
                places,
                elected,
                unmet,
            } => {
                write!(f, "contest {contest}: no {places} candidates")?;
                if *elected > 0 {
                    write!(f, " including the {elected} already elected")?;
                }
                if unmet.is_empty() {
                    return write!(f, " can be elected: too few candidates remain");
                }
                write!(f, " can meet ")?;
                if unmet.len() > 1 {
                    write!(f, "together ")?;
                }
                for (i, (id, c)) in unmet.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    write!(f, "{id} ({c})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ConstraintError {}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Where a candidate stands in a count, as guard/doom sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Elected (or deemed elected, surplus pending).
    Elected,
    /// Excluded, or withdrawn before the count.
    Excluded,
    /// Neither: still continuing.
    Hopeful,
}

/// A guarded or doomed candidate and the constraints that force it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forced {
    /// The candidate.
    pub candidate: CandidateId,
    /// A smallest set of constraints that, with the seats, forces the
    /// verdict: together they cannot be met if the candidate is excluded
    /// (guarded) or elected (doomed). Empty when the number of places alone
    /// forces it (every remaining hopeful is needed to fill the seats).
    pub by: Vec<ConstraintId>,
}

/// The Grey–Fitzgerald sets for one count state, in candidate order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GuardDoom {
    /// Hopefuls in every conformant completion: they must not be excluded.
    pub guarded: Vec<Forced>,
    /// Hopefuls in no conformant completion: they must not be elected.
    pub doomed: Vec<Forced>,
}

impl GuardDoom {
    /// True when the candidate is guarded.
    pub fn is_guarded(&self, c: CandidateId) -> bool {
        self.guarded.iter().any(|f| f.candidate == c)
    }

    /// True when the candidate is doomed.
    pub fn is_doomed(&self, c: CandidateId) -> bool {
        self.doomed.iter().any(|f| f.candidate == c)
    }

    /// True when nobody is guarded or doomed.
    pub fn is_empty(&self) -> bool {
        self.guarded.is_empty() && self.doomed.is_empty()
    }
}

/// The validated constraints of one contest, ready to check feasibility and
/// compute guard/doom. Built from a [`Contest`] whose candidates carry their
/// attributes; it keeps no reference to the contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContestConstraints {
    contest: String,
    seats: u32,
    places: u32,
    candidates: usize,
    constraints: Vec<Constraint>,
    /// Attribute index of each constraint (into the sorted distinct attributes).
    constraint_attribute: Vec<usize>,
    /// Type of each candidate; `None` for the withdrawn.
    candidate_type: Vec<Option<usize>>,
    /// `members[c][t]`: type `t` is in constraint `c`'s group.
    members: Vec<Vec<bool>>,
    types: usize,
}

impl ContestConstraints {
    /// A contest with no constraints: everything is feasible, nobody is ever
    /// guarded or doomed except by the number of places.
    pub fn unconstrained(contest: &Contest) -> ContestConstraints {
        ContestConstraints::build(contest, Vec::new())
    }

    /// Validates `constraints` against the contest: each minimum at most its
    /// maximum and the seats; each attribute held by some candidate and known
    /// for every standing (non-withdrawn) one; no group constrained twice; at
    /// least `min` standing candidates in each group. Feasibility of all the
    /// constraints together is [`ContestConstraints::check_feasible`].
    pub fn new(
        contest: &Contest,
        constraints: Vec<Constraint>,
    ) -> Result<ContestConstraints, ConstraintError> {
        if constraints.len() > ConstraintId::MAX_CONSTRAINTS {
            return Err(ConstraintError::TooMany {
                contest: contest.id().to_owned(),
                count: constraints.len(),
            });
        }
        for (i, c) in constraints.iter().enumerate() {
            validate(contest, c)?;
            if constraints[..i]
                .iter()
                .any(|d| d.attribute == c.attribute && d.value == c.value)
            {
                return Err(ConstraintError::Repeated {
                    contest: contest.id().to_owned(),
                    constraint: c.clone(),
                });
            }
        }
        Ok(ContestConstraints::build(contest, constraints))
    }

    fn build(contest: &Contest, constraints: Vec<Constraint>) -> ContestConstraints {
        let attributes: Vec<&str> = constraints
            .iter()
            .map(|c| c.attribute.as_str())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let constraint_attribute = constraints
            .iter()
            .map(|c| {
                attributes
                    .iter()
                    .position(|a| *a == c.attribute)
                    .unwrap_or(0)
            })
            .collect();
        let mut keys: Vec<Vec<Option<&str>>> = Vec::new();
        let mut candidate_type = Vec::with_capacity(contest.candidates().len());
        for id in contest.candidate_ids() {
            if contest.withdrawn().contains(&id) {
                candidate_type.push(None);
                continue;
            }
            let cand = contest.candidate(id);
            let key: Vec<Option<&str>> = attributes
                .iter()
                .map(|a| cand.attributes.get(*a).map(String::as_str))
                .collect();
            let t = match keys.iter().position(|k| *k == key) {
                Some(t) => t,
                None => {
                    keys.push(key);
                    keys.len() - 1
                }
            };
            candidate_type.push(Some(t));
        }
        let members = constraints
            .iter()
            .map(|c| {
                let a = attributes
                    .iter()
                    .position(|x| *x == c.attribute)
                    .unwrap_or(0);
                keys.iter()
                    .map(|k| k[a] == Some(c.value.as_str()))
                    .collect()
            })
            .collect();
        let standing = candidate_type.iter().flatten().count();
        ContestConstraints {
            contest: contest.id().to_owned(),
            seats: contest.seats(),
            places: contest
                .seats()
                .min(u32::try_from(standing).unwrap_or(u32::MAX)),
            candidates: contest.candidates().len(),
            constraints,
            constraint_attribute,
            candidate_type,
            members,
            types: keys.len(),
        }
    }

    /// The contest's id.
    pub fn contest(&self) -> &str {
        &self.contest
    }

    /// The contest's seats.
    pub fn seats(&self) -> u32 {
        self.seats
    }

    /// Places the count fills: the seats, or the number of standing
    /// candidates if fewer stand.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The constraints, in order.
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// The constraint with this id.
    ///
    /// # Panics
    /// If the id is not one of this contest's.
    pub fn constraint(&self, id: ConstraintId) -> &Constraint {
        &self.constraints[id.index()]
    }

    /// The ids of the constraints, in order.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = ConstraintId> + use<> {
        (0..self.constraints.len()).map(|i| ConstraintId(i as u16))
    }

    /// True when there are no constraints.
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty()
    }

    /// True when `candidate` is in the group of constraint `id`.
    pub fn in_group(&self, id: ConstraintId, candidate: CandidateId) -> bool {
        match self
            .candidate_type
            .get(candidate.index())
            .copied()
            .flatten()
        {
            Some(t) => self.members.get(id.index()).is_some_and(|m| m[t]),
            None => false,
        }
    }

    /// The constraints a final result breaks, in order (empty: it conforms).
    /// Only the groups' counts are checked, not the number elected.
    pub fn unmet_by(&self, elected: &[CandidateId]) -> Vec<ConstraintId> {
        self.ids()
            .filter(|&id| {
                let n = elected.iter().filter(|&&c| self.in_group(id, c)).count();
                !self
                    .constraint(id)
                    .allows(u32::try_from(n).unwrap_or(u32::MAX))
            })
            .collect()
    }

    /// Before the count: can some `places` of the standing candidates meet
    /// every constraint? If not, the error names a smallest set of
    /// constraints that cannot be met together.
    pub fn check_feasible(&self) -> Result<(), ConstraintError> {
        let state: Vec<Status> = self
            .candidate_type
            .iter()
            .map(|t| match t {
                Some(_) => Status::Hopeful,
                None => Status::Excluded,
            })
            .collect();
        self.check(&state)
    }

    /// During the count: can the hopefuls still complete a conformant
    /// result with the candidates already elected? `state` has one entry per
    /// candidate of the contest; withdrawn candidates count as excluded
    /// whatever their entry says.
    pub fn check(&self, state: &[Status]) -> Result<(), ConstraintError> {
        let tally = self.tally(state)?;
        if self.feasible(&tally.elected, &tally.hopeful, None) {
            Ok(())
        } else {
            Err(ConstraintError::Infeasible {
                contest: self.contest.clone(),
                places: self.places,
                elected: tally.elected.iter().sum(),
                unmet: self
                    .explain(&tally.elected, &tally.hopeful)
                    .into_iter()
                    .map(|id| (id, self.constraint(id).clone()))
                    .collect(),
            })
        }
    }

    /// The Grey–Fitzgerald sets for a count state: a hopeful is **guarded**
    /// when no conformant completion leaves them out, **doomed** when none
    /// takes them in. Exact: each is decided by the feasibility search, once
    /// per type of candidate (candidates with the same constrained
    /// attributes share their verdict). Errors when the state itself cannot
    /// be completed conformantly.
    pub fn guard_doom(&self, state: &[Status]) -> Result<GuardDoom, ConstraintError> {
        self.check(state)?;
        let tally = self.tally(state)?;
        // Per type: None = free, Some((guarded?, reason)).
        let mut verdict: Vec<Option<(bool, Vec<ConstraintId>)>> = vec![None; self.types];
        for t in 0..self.types {
            if tally.hopeful[t] == 0 {
                continue;
            }
            let mut hopeful = tally.hopeful.clone();
            hopeful[t] -= 1;
            if !self.feasible(&tally.elected, &hopeful, None) {
                verdict[t] = Some((true, self.explain(&tally.elected, &hopeful)));
                continue;
            }
            let mut elected = tally.elected.clone();
            elected[t] += 1;
            if !self.feasible(&elected, &hopeful, None) {
                verdict[t] = Some((false, self.explain(&elected, &hopeful)));
            }
        }
        let mut out = GuardDoom::default();
        for (i, s) in state.iter().enumerate() {
            let Some(t) = self.candidate_type[i] else {
                continue;
            };
            if *s != Status::Hopeful {
                continue;
            }
            if let (Some((guarded, by)), Some(candidate)) = (&verdict[t], CandidateId::new(i)) {
                let forced = Forced {
                    candidate,
                    by: by.clone(),
                };
                if *guarded {
                    out.guarded.push(forced);
                } else {
                    out.doomed.push(forced);
                }
            }
        }
        Ok(out)
    }

    fn tally(&self, state: &[Status]) -> Result<Tally, ConstraintError> {
        if state.len() != self.candidates {
            return Err(ConstraintError::BadState {
                contest: self.contest.clone(),
                what: format!("{} entries for {} candidates", state.len(), self.candidates),
            });
        }
        let mut tally = Tally {
            elected: vec![0; self.types],
            hopeful: vec![0; self.types],
        };
        for (s, t) in state.iter().zip(&self.candidate_type) {
            match (s, t) {
                (Status::Elected, Some(t)) => tally.elected[*t] += 1,
                (Status::Hopeful, Some(t)) => tally.hopeful[*t] += 1,
                _ => {}
            }
        }
        Ok(tally)
    }

    /// Exact feasibility over types with the constraints in `active` (all
    /// when `None`).
    fn feasible(&self, elected: &[u32], hopeful: &[u32], active: Option<&[ConstraintId]>) -> bool {
        let all: Vec<ConstraintId>;
        let active = match active {
            Some(a) => a,
            None => {
                all = self.ids().collect();
                &all
            }
        };
        let done: u32 = elected.iter().sum();
        let Some(remaining) = self.places.checked_sub(done) else {
            return false;
        };
        let mut groups = Vec::with_capacity(active.len());
        for &id in active {
            let c = self.constraint(id);
            let members = &self.members[id.index()];
            let have: u32 = (0..self.types)
                .filter(|&t| members[t])
                .map(|t| elected[t])
                .sum();
            let cap = match c.max {
                Some(max) => match max.checked_sub(have) {
                    Some(cap) => cap,
                    None => return false,
                },
                None => u32::MAX,
            };
            groups.push(Group {
                members,
                need: c.min.saturating_sub(have),
                cap,
                attribute: self.constraint_attribute[id.index()],
            });
        }
        let mut search = Search::new(hopeful, groups, remaining);
        let mut sums = vec![0; search.groups.len()];
        search.go(0, &mut sums, 0)
    }

    /// A smallest set of constraints that cannot be met together in the
    /// (infeasible) problem; subsets are tried by size, then in order.
    fn explain(&self, elected: &[u32], hopeful: &[u32]) -> Vec<ConstraintId> {
        let ids: Vec<ConstraintId> = self.ids().collect();
        for size in 0..=ids.len() {
            let mut found = None;
            for_each_subset(&ids, size, &mut |subset| {
                if found.is_none() && !self.feasible(elected, hopeful, Some(subset)) {
                    found = Some(subset.to_vec());
                }
                found.is_none()
            });
            if let Some(f) = found {
                return f;
            }
            // Enumerating every subset is fine for the handful of
            // constraints real contests have; beyond that, a deletion filter
            // still gives an irreducible (if not smallest) set.
            if size >= 3 && ids.len() > 12 {
                return self.deletion_filter(elected, hopeful, ids);
            }
        }
        ids
    }

    fn deletion_filter(
        &self,
        elected: &[u32],
        hopeful: &[u32],
        mut ids: Vec<ConstraintId>,
    ) -> Vec<ConstraintId> {
        let mut i = 0;
        while i < ids.len() {
            let mut without = ids.clone();
            without.remove(i);
            if self.feasible(elected, hopeful, Some(&without)) {
                i += 1;
            } else {
                ids = without;
            }
        }
        ids
    }
}

/// Calls `f` on each `size`-subset of `items` in lexicographic order until it returns false.
fn for_each_subset<T: Copy>(items: &[T], size: usize, f: &mut dyn FnMut(&[T]) -> bool) {
    fn rec<T: Copy>(
        items: &[T],
        start: usize,
        size: usize,
        acc: &mut Vec<T>,
        f: &mut dyn FnMut(&[T]) -> bool,
    ) -> bool {
        if acc.len() == size {
            return f(acc);
        }
        for i in start..items.len() {
            if items.len() - i < size - acc.len() {
                break;
            }
            acc.push(items[i]);
            let go_on = rec(items, i + 1, size, acc, f);
            acc.pop();
            if !go_on {
                return false;
            }
        }
        true
    }
    rec(items, 0, size, &mut Vec::with_capacity(size), f);
}

struct Tally {
    elected: Vec<u32>,
    hopeful: Vec<u32>,
}

struct Group<'a> {
    members: &'a [bool],
    need: u32,
    cap: u32,
    attribute: usize,
}

/// Depth-first search over how many hopefuls of each type to elect.
struct Search<'a> {
    hopeful: &'a [u32],
    groups: Vec<Group<'a>>,
    remaining: u32,
    /// `rest[g][t]`: hopefuls of types `t..` in group `g`.
    rest: Vec<Vec<u32>>,
    rest_total: Vec<u32>,
    attributes: usize,
    failed: HashSet<(usize, Vec<u32>, u32)>,
}

impl<'a> Search<'a> {
    fn new(hopeful: &'a [u32], groups: Vec<Group<'a>>, remaining: u32) -> Search<'a> {
        let n = hopeful.len();
        let suffix = |pick: &dyn Fn(usize) -> bool| {
            let mut v = vec![0u32; n + 1];
            for t in (0..n).rev() {
                v[t] = v[t + 1] + if pick(t) { hopeful[t] } else { 0 };
            }
            v
        };
        let rest = groups.iter().map(|g| suffix(&|t| g.members[t])).collect();
        let rest_total = suffix(&|_| true);
        let attributes = groups.iter().map(|g| g.attribute + 1).max().unwrap_or(0);
        Search {
            hopeful,
            groups,
            remaining,
            rest,
            rest_total,
            attributes,
            failed: HashSet::new(),
        }
    }

    fn go(&mut self, t: usize, sums: &mut Vec<u32>, total: u32) -> bool {
        if total > self.remaining || total + self.rest_total[t] < self.remaining {
            return false;
        }
        let free = self.remaining - total;
        let mut deficit = vec![0u32; self.attributes];
        for (g, group) in self.groups.iter().enumerate() {
            if sums[g] > group.cap || sums[g] + self.rest[g][t] < group.need {
                return false;
            }
            // Groups on one attribute are disjoint, so their shortfalls need
            // distinct places.
            deficit[group.attribute] += group.need.saturating_sub(sums[g]);
        }
        if deficit.iter().any(|&d| d > free) {
            return false;
        }
        if t == self.hopeful.len() {
            return true;
        }
        let key = (t, sums.clone(), total);
        if self.failed.contains(&key) {
            return false;
        }
        let most = self.hopeful[t].min(free);
        for x in (0..=most).rev() {
            for (g, group) in self.groups.iter().enumerate() {
                if group.members[t] {
                    sums[g] += x;
                }
            }
            let ok = self.go(t + 1, sums, total + x);
            for (g, group) in self.groups.iter().enumerate() {
                if group.members[t] {
                    sums[g] -= x;
                }
            }
            if ok {
                return true;
            }
        }
        self.failed.insert(key);
        false
    }
}

/// Checks one constraint against a contest, as [`ContestConstraints::new`] does.
fn validate(contest: &Contest, c: &Constraint) -> Result<(), ConstraintError> {
    let id = || contest.id().to_owned();
    if c.max.is_some_and(|max| c.min > max) {
        return Err(ConstraintError::MinAboveMax {
            contest: id(),
            constraint: c.clone(),
        });
    }
    if c.min > contest.seats() {
        return Err(ConstraintError::MinAboveSeats {
            contest: id(),
            constraint: c.clone(),
            seats: contest.seats(),
        });
    }
    if !contest
        .candidates()
        .iter()
        .any(|k| k.attributes.contains_key(&c.attribute))
    {
        let known: BTreeSet<&String> = contest
            .candidates()
            .iter()
            .flat_map(|k| k.attributes.keys())
            .collect();
        return Err(ConstraintError::UnknownAttribute {
            contest: id(),
            constraint: c.clone(),
            known: known.into_iter().cloned().collect(),
        });
    }
    let mut standing = 0u32;
    for cid in contest.candidate_ids() {
        if contest.withdrawn().contains(&cid) {
            continue;
        }
        let cand = contest.candidate(cid);
        match cand.attributes.get(&c.attribute) {
            None => {
                return Err(ConstraintError::MissingAttribute {
                    contest: id(),
                    constraint: c.clone(),
                    candidate: cid,
                    name: cand.name.clone(),
                });
            }
            Some(v) if *v == c.value => standing += 1,
            Some(_) => {}
        }
    }
    if standing < c.min {
        return Err(ConstraintError::TooFewCandidates {
            contest: id(),
            constraint: c.clone(),
            standing,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The named alternatives to guard/doom: the parts that need no count.

/// One swap made by [`ContestConstraints::substitute`]: `out` loses the
/// seat to `incoming` to bring `constraint` closer to being met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substitution {
    /// The elected candidate who loses the seat.
    pub out: CandidateId,
    /// The unelected candidate who takes it.
    pub incoming: CandidateId,
    /// The constraint the swap serves.
    pub constraint: ConstraintId,
}

/// One count of the reserved-places method: count the ballots among
/// `eligible` only (every other candidate withdrawn) for `places` seats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReservedCount {
    /// The minimum this count fills, or `None` for the open count.
    pub constraint: Option<ConstraintId>,
    /// The candidates who may be elected in it, in candidate order.
    pub eligible: Vec<CandidateId>,
    /// Seats to fill in it.
    pub places: u32,
}

/// The sequence of counts of the reserved-places method; see
/// [`ContestConstraints::reserved_plan`].
#[derive(Clone, Debug)]
pub struct ReservedPlan<'a> {
    constraints: &'a ContestConstraints,
    next: usize,
}

impl ReservedPlan<'_> {
    /// The next count to run, given everyone elected by the counts so far,
    /// or `None` when the plan is finished. A count is skipped when its
    /// minimum is already met; the open count comes last and fills the
    /// places left. Candidates doomed by the constraints (exactly, as in
    /// [`ContestConstraints::guard_doom`]) are not eligible.
    pub fn next_count(
        &mut self,
        elected: &[CandidateId],
    ) -> Result<Option<ReservedCount>, ConstraintError> {
        let cc = self.constraints;
        let state = cc.state_of(elected)?;
        let doomed = cc.guard_doom(&state)?;
        let hopeful = |c: CandidateId| state[c.index()] == Status::Hopeful && !doomed.is_doomed(c);
        let n = cc.constraints.len();
        while self.next < n {
            let id = ConstraintId(self.next as u16);
            self.next += 1;
            let have = elected.iter().filter(|&&c| cc.in_group(id, c)).count();
            let places = cc.constraint(id).min.saturating_sub(count_u32(have));
            if places > 0 {
                return Ok(Some(ReservedCount {
                    constraint: Some(id),
                    eligible: cc
                        .all_ids()
                        .filter(|&c| hopeful(c) && cc.in_group(id, c))
                        .collect(),
                    places,
                }));
            }
        }
        if self.next == n {
            self.next += 1;
            let places = cc.places.saturating_sub(count_u32(elected.len()));
            if places > 0 {
                return Ok(Some(ReservedCount {
                    constraint: None,
                    eligible: cc.all_ids().filter(|&c| hopeful(c)).collect(),
                    places,
                }));
            }
        }
        Ok(None)
    }
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ContestConstraints {
    fn all_ids(&self) -> impl Iterator<Item = CandidateId> + use<> {
        (0..self.candidates).filter_map(CandidateId::new)
    }

    /// The count state with `elected` elected and every other standing
    /// candidate hopeful; errors on an id out of range, repeated or withdrawn.
    fn state_of(&self, elected: &[CandidateId]) -> Result<Vec<Status>, ConstraintError> {
        let mut state: Vec<Status> = self
            .candidate_type
            .iter()
            .map(|t| match t {
                Some(_) => Status::Hopeful,
                None => Status::Excluded,
            })
            .collect();
        for &c in elected {
            match state.get(c.index()) {
                Some(Status::Hopeful) => state[c.index()] = Status::Elected,
                _ => {
                    return Err(ConstraintError::BadState {
                        contest: self.contest.clone(),
                        what: format!(
                            "candidate {} is repeated, withdrawn or not in the contest",
                            c.number()
                        ),
                    });
                }
            }
        }
        Ok(state)
    }

    /// The reserved-places method: a count per minimum, in constraint
    /// order, among the group's members only, for the places the group
    /// still lacks; then an open count for the rest. The caller (the
    /// engine) runs each [`ReservedCount`] and passes back everyone elected
    /// so far.
    pub fn reserved_plan(&self) -> ReservedPlan<'_> {
        ReservedPlan {
            constraints: self,
            next: 0,
        }
    }

    /// The substitution method, applied to an unconstrained result.
    ///
    /// `elected` is the result in order of election (first elected first);
    /// `runners_up` are the unelected standing candidates best first (the
    /// engine's order: hopefuls left at the end by votes, then the excluded,
    /// last excluded first). While a constraint is unmet (the first in
    /// order), one swap is made:
    ///
    /// - a minimum short: the best runner-up in the group comes in, and the
    ///   latest-elected candidate outside it goes out;
    /// - a maximum exceeded: the latest-elected member goes out, and the
    ///   best runner-up outside the group comes in;
    ///
    /// each time taking the first pair (in those orders) that leaves every
    /// constraint already met still met. A candidate swapped out never comes
    /// back. Returns the final result (a swapped-in candidate takes the
    /// place of the one swapped out) and the swaps; errors when no allowed
    /// swap serves the unmet constraint (the method is greedy: it can fail
    /// where [`ContestConstraints::check_feasible`] succeeds).
    pub fn substitute(
        &self,
        elected: &[CandidateId],
        runners_up: &[CandidateId],
    ) -> Result<(Vec<CandidateId>, Vec<Substitution>), ConstraintError> {
        self.state_of(elected)?;
        let mut set = elected.to_vec();
        let mut pool: Vec<CandidateId> = runners_up
            .iter()
            .copied()
            .filter(|&c| {
                self.candidate_type
                    .get(c.index())
                    .is_some_and(Option::is_some)
                    && !elected.contains(&c)
            })
            .collect();
        let mut swaps = Vec::new();
        loop {
            let unmet = self.unmet_by(&set);
            let Some(&id) = unmet.first() else {
                return Ok((set, swaps));
            };
            let met: Vec<ConstraintId> = self.ids().filter(|c| !unmet.contains(c)).collect();
            let keeps_met = |set: &[CandidateId]| {
                let broken = self.unmet_by(set);
                met.iter().all(|c| !broken.contains(c))
            };
            let constraint = self.constraint(id);
            let have = set.iter().filter(|&&c| self.in_group(id, c)).count();
            let short = count_u32(have) < constraint.min;
            let mut found = None;
            'search: {
                if short {
                    for (p, &inc) in pool.iter().enumerate() {
                        if !self.in_group(id, inc) {
                            continue;
                        }
                        for pos in (0..set.len()).rev() {
                            if self.in_group(id, set[pos]) {
                                continue;
                            }
                            let mut trial = set.clone();
                            trial[pos] = inc;
                            if keeps_met(&trial) {
                                found = Some((pos, p));
                                break 'search;
                            }
                        }
                    }
                } else {
                    for pos in (0..set.len()).rev() {
                        if !self.in_group(id, set[pos]) {
                            continue;
                        }
                        for (p, &inc) in pool.iter().enumerate() {
                            if self.in_group(id, inc) {
                                continue;
                            }
                            let mut trial = set.clone();
                            trial[pos] = inc;
                            if keeps_met(&trial) {
                                found = Some((pos, p));
                                break 'search;
                            }
                        }
                    }
                }
            }
            let Some((pos, p)) = found else {
                return Err(ConstraintError::NoSubstitution {
                    contest: self.contest.clone(),
                    constraint: (id, constraint.clone()),
                });
            };
            let incoming = pool.remove(p);
            swaps.push(Substitution {
                out: set[pos],
                incoming,
                constraint: id,
            });
            set[pos] = incoming;
        }
    }
}

// ---------------------------------------------------------------------------
// The CSV readers.

/// One CSV record with its position.
struct Row {
    fields: Vec<String>,
    line: u64,
    byte: u64,
}

impl Row {
    fn pos(&self, field: usize) -> Position {
        Position {
            byte: self.byte,
            line: self.line,
            column: field as u64 + 1,
            ballot: None,
        }
    }

    fn error(&self, field: usize, expected: impl Into<String>, found: impl Into<String>) -> Error {
        Error::syntax(Format::Csv, self.pos(field), expected, found)
    }
}

fn records(input: &[u8]) -> Result<Vec<Row>, Error> {
    // Positions count bytes of the file as given, byte-order mark included.
    let (input, skipped) = match input.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (input, 0),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let pos = record.position();
                rows.push(Row {
                    fields: record.iter().map(str::to_owned).collect(),
                    line: pos.map_or(0, csv::Position::line),
                    byte: pos.map_or(0, csv::Position::byte) + skipped,
                });
            }
            Err(e) => return Err(csv_error(e, skipped)),
        }
    }
    Ok(rows)
}

fn csv_error(e: csv::Error, skipped: u64) -> Error {
    let pos = e.position().cloned();
    let mut at = Position::at(pos.as_ref().map_or(0, csv::Position::line), 1);
    at.byte = pos.as_ref().map_or(0, csv::Position::byte) + skipped;
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::new(ErrorKind::Io(io)),
        csv::ErrorKind::Utf8 { err, .. } => {
            at.column = err.field() as u64 + 1;
            Error::syntax(Format::Csv, at, "UTF-8 text", "invalid UTF-8")
        }
        other => Error::syntax(Format::Csv, at, "a CSV record", format!("{other:?}")),
    }
}

/// Checks a data row has the header's number of fields.
fn check_width(row: &Row, width: usize) -> Result<(), Error> {
    if row.fields.len() == width {
        Ok(())
    } else {
        Err(row.error(
            row.fields.len().min(width),
            format!("{width} fields as in the header"),
            format!("{} fields", row.fields.len()),
        ))
    }
}

fn contest_ids(election: &Election) -> String {
    election
        .contests()
        .iter()
        .map(Contest::id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an attributes file (grammar in the module header) and sets each
/// named candidate's attributes. Nothing is changed unless the whole file is
/// good; every bad row is reported.
pub fn read_attributes(input: &[u8], election: &mut Election) -> Result<(), Error> {
    let rows = records(input)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(Error::syntax(
            Format::Csv,
            Position::at(1, 1),
            "a header `name,<attribute>,…`",
            "an empty file",
        ));
    };
    let has_contest = header.fields.first().is_some_and(|f| f == "contest");
    let name_col = usize::from(has_contest);
    let mut errors = Vec::new();
    if header.fields.get(name_col).map(String::as_str) != Some("name") {
        let found = header
            .fields
            .get(name_col)
            .map_or("nothing", String::as_str);
        return Err(header.error(
            name_col,
            "the column `name` (after an optional `contest`)",
            describe_found(found),
        ));
    }
    let attributes = &header.fields[name_col + 1..];
    if attributes.is_empty() {
        return Err(header.error(
            name_col + 1,
            "at least one attribute column",
            "end of header",
        ));
    }
    for (i, a) in attributes.iter().enumerate() {
        let field = name_col + 1 + i;
        if a.is_empty() || a == "name" || a == "contest" {
            errors.push(header.error(field, "an attribute name", describe_found(a)));
        } else if attributes[..i].contains(a) {
            errors.push(header.error(field, "a new attribute name", describe_found(a)));
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }

    // (contest index, candidate, attribute, value)
    let mut updates: Vec<(usize, CandidateId, usize, String)> = Vec::new();
    let mut seen: BTreeMap<(usize, CandidateId), u64> = BTreeMap::new();
    for row in data {
        if let Err(e) = check_width(row, header.fields.len()) {
            errors.push(e);
            continue;
        }
        let name = &row.fields[name_col];
        let found: Vec<(usize, CandidateId)> = if has_contest {
            let cid = &row.fields[0];
            match election.contests().iter().position(|c| c.id() == cid) {
                None => {
                    errors.push(row.error(
                        0,
                        format!("a contest id ({})", contest_ids(election)),
                        describe_found(cid),
                    ));
                    continue;
                }
                Some(k) => election.contests()[k]
                    .find_by_name(name)
                    .map(|c| (k, c))
                    .into_iter()
                    .collect(),
            }
        } else {
            election
                .contests()
                .iter()
                .enumerate()
                .filter_map(|(k, c)| c.find_by_name(name).map(|id| (k, id)))
                .collect()
        };
        let (k, cand) = match found[..] {
            [one] => one,
            [] => {
                let whose = if has_contest {
                    format!("contest {}", row.fields[0])
                } else {
                    "the ballot file".to_owned()
                };
                errors.push(row.error(
                    name_col,
                    format!("the name of a candidate of {whose}"),
                    describe_found(name),
                ));
                continue;
            }
            _ => {
                errors.push(row.error(
                    name_col,
                    "a name standing in one contest only (add a `contest` column)",
                    format!(
                        "{} standing in {} contests",
                        describe_found(name),
                        found.len()
                    ),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert((k, cand), row.line) {
            errors.push(row.error(
                name_col,
                format!("a candidate not already listed (line {first})"),
                describe_found(name),
            ));
            continue;
        }
        for (i, value) in row.fields[name_col + 1..].iter().enumerate() {
            if !value.is_empty() {
                updates.push((k, cand, i, value.clone()));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let contests = election.contests_mut();
    for (k, cand, i, value) in updates {
        contests[k].candidates_mut()[cand.index()]
            .attributes
            .insert(attributes[i].clone(), value);
    }
    Ok(())
}

/// Reads a constraints file (grammar in the module header) against an
/// election whose candidates already carry their attributes, giving one
/// [`ContestConstraints`] per contest in the election's order (empty for a
/// contest no row binds). Each row is checked as
/// [`ContestConstraints::new`] checks it, with the error at the row's field
/// concerned; joint feasibility is left to
/// [`ContestConstraints::check_feasible`].
pub fn read_constraints(
    input: &[u8],
    election: &Election,
) -> Result<Vec<ContestConstraints>, Error> {
    let rows = records(input)?;
    let Some((header, data)) = rows.split_first() else {
        return Err(Error::syntax(
            Format::Csv,
            Position::at(1, 1),
            "a header `attribute,value,min,max`",
            "an empty file",
        ));
    };
    let has_contest = header.fields.first().is_some_and(|f| f == "contest");
    let off = usize::from(has_contest);
    for (i, want) in ["attribute", "value", "min", "max"].iter().enumerate() {
        let got = header.fields.get(off + i).map_or("", String::as_str);
        if got != *want {
            let found = if header.fields.len() <= off + i {
                "end of header".to_owned()
            } else {
                describe_found(got)
            };
            return Err(header.error(off + i, format!("the column `{want}`"), found));
        }
    }
    if header.fields.len() > off + 4 {
        return Err(header.error(
            off + 4,
            "end of header after `max`",
            describe_found(&header.fields[off + 4]),
        ));
    }

    let contests = election.contests();
    let mut per_contest: Vec<Vec<Constraint>> = vec![Vec::new(); contests.len()];
    // Line of the row that set each (contest, attribute, value).
    let mut seen: BTreeMap<(usize, String, String), u64> = BTreeMap::new();
    let mut errors = Vec::new();
    for row in data {
        if let Err(e) = check_width(row, header.fields.len()) {
            errors.push(e);
            continue;
        }
        let targets: Vec<usize> = if has_contest {
            match contests.iter().position(|c| c.id() == row.fields[0]) {
                Some(k) => vec![k],
                None => {
                    errors.push(row.error(
                        0,
                        format!("a contest id ({})", contest_ids(election)),
                        describe_found(&row.fields[0]),
                    ));
                    continue;
                }
            }
        } else {
            (0..contests.len()).collect()
        };
        let [attribute, value, min, max] = [0, 1, 2, 3].map(|i| row.fields[off + i].as_str());
        if attribute.is_empty() {
            errors.push(row.error(off, "an attribute name", "nothing"));
            continue;
        }
        if value.is_empty() {
            errors.push(row.error(off + 1, "a value", "nothing"));
            continue;
        }
        let number = |field: usize, text: &str| -> Result<Option<u32>, Error> {
            if text.is_empty() {
                Ok(None)
            } else {
                text.parse::<u32>().map(Some).map_err(|_| {
                    row.error(
                        field,
                        "a whole number of seats or nothing",
                        describe_found(text),
                    )
                })
            }
        };
        let (min, max) = match (number(off + 2, min), number(off + 3, max)) {
            (Ok(None), Ok(None)) => {
                errors.push(row.error(off + 2, "a min or a max", "both empty"));
                continue;
            }
            (Ok(min), Ok(max)) => (min.unwrap_or(0), max),
            (a, b) => {
                errors.extend(a.err());
                errors.extend(b.err());
                continue;
            }
        };
        let constraint = Constraint {
            attribute: attribute.to_owned(),
            value: value.to_owned(),
            min,
            max,
        };
        for k in targets {
            let key = (k, attribute.to_owned(), value.to_owned());
            if let Some(first) = seen.get(&key) {
                errors.push(row.error(
                    off + 1,
                    format!(
                        "a group not constrained already (line {first}, contest {})",
                        contests[k].id()
                    ),
                    describe_found(&constraint.group()),
                ));
                continue;
            }
            seen.insert(key, row.line);
            match validate(&contests[k], &constraint) {
                Ok(()) => per_contest[k].push(constraint.clone()),
                Err(e) => errors.push(positioned(row, off, &contests[k], e)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    contests
        .iter()
        .zip(per_contest)
        .map(|(c, cs)| {
            ContestConstraints::new(c, cs).map_err(|e| Error::new(ErrorKind::Model(e.to_string())))
        })
        .collect()
}

/// A row's validation failure as a positioned error at the field concerned.
fn positioned(row: &Row, off: usize, contest: &Contest, e: ConstraintError) -> Error {
    let id = contest.id();
    match e {
        ConstraintError::MinAboveMax { constraint, .. } => row.error(
            off + 3,
            format!("a max of at least the min {}", constraint.min),
            constraint.max.unwrap_or(0).to_string(),
        ),
        ConstraintError::MinAboveSeats {
            constraint, seats, ..
        } => row.error(
            off + 2,
            format!("a min of at most the {seats} seats of contest {id}"),
            constraint.min.to_string(),
        ),
        ConstraintError::UnknownAttribute {
            constraint, known, ..
        } => row.error(
            off,
            format!(
                "an attribute of the candidates of contest {id} ({})",
                list_or_none(&known)
            ),
            describe_found(&constraint.attribute),
        ),
        ConstraintError::MissingAttribute {
            constraint, name, ..
        } => row.error(
            off,
            format!(
                "an attribute known for every candidate of contest {id}, but {name:?} has no {:?}",
                constraint.attribute
            ),
            describe_found(&constraint.attribute),
        ),
        ConstraintError::TooFewCandidates {
            constraint,
            standing,
            ..
        } => row.error(
            off + 2,
            format!(
                "a min of at most the {standing} candidates of contest {id} with {}",
                constraint.group()
            ),
            constraint.min.to_string(),
        ),
        other => Error::new(ErrorKind::Model(other.to_string())),
    }
}
