//! The election model: an [`Election`] of one or more [`Contest`]s, each with
//! its [`Candidate`]s, seats and [`Ballots`].
//!
//! Everything a count needs is here and already checked: a contest has at
//! least one seat, its withdrawn candidates and tie order name real
//! candidates, and its ballots hold only strict rankings of its candidates.
//! File formats live in their own modules; the count lives in `recount-count`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::constraints::Constraint;
use crate::error::{Error, ErrorKind};
use crate::policy::{ImportPolicy, Irregularities};
use crate::store::Ballots;

/// A candidate's index within its contest, from 0. BLT files number
/// candidates from 1: see [`CandidateId::number`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CandidateId(u16);

impl CandidateId {
    /// The most candidates a contest may have.
    pub const MAX_CANDIDATES: usize = u16::MAX as usize;

    /// The id of the candidate at `index`, if it is below [`Self::MAX_CANDIDATES`].
    pub fn new(index: usize) -> Option<CandidateId> {
        if index < Self::MAX_CANDIDATES {
            u16::try_from(index).ok().map(CandidateId)
        } else {
            None
        }
    }

    /// The 0-based index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The 1-based number used by BLT files and result sheets.
    pub fn number(self) -> usize {
        self.index() + 1
    }
}

impl fmt::Display for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.number())
    }
}

/// A person standing in a contest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// A short stable identifier, unique within the contest (by default the
    /// 1-based candidate number as text).
    pub id: String,
    /// The name as printed on the ballot paper.
    pub name: String,
    /// Party or group, if the source gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Free attributes such as `gender=woman`, used by representation constraints.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl Candidate {
    /// The attribute a CVR reader sets on the candidate that pools every
    /// undeclared write-in (`write-in` = [`Candidate::UNDECLARED`]), so that
    /// rules treating such a pool apart (RCTab: never elected, excluded
    /// first) can find it; an attribute, so every format that keeps
    /// attributes keeps it.
    pub const WRITE_IN: &'static str = "write-in";
    /// The value of [`Candidate::WRITE_IN`] on the pool.
    pub const UNDECLARED: &'static str = "undeclared";

    /// The candidate pooling the undeclared write-ins, named so.
    pub fn undeclared_write_ins(number: usize, name: impl Into<String>) -> Candidate {
        let mut c = Candidate::named(number, name);
        c.attributes
            .insert(Self::WRITE_IN.into(), Self::UNDECLARED.into());
        c
    }

    /// Whether this candidate pools the undeclared write-ins.
    pub fn is_undeclared_write_ins(&self) -> bool {
        self.attributes.get(Self::WRITE_IN).map(String::as_str) == Some(Self::UNDECLARED)
    }

    /// A candidate with a name, no affiliation and no attributes; `number` is
    /// the 1-based candidate number used as the id.
    pub fn named(number: usize, name: impl Into<String>) -> Candidate {
        Candidate {
            id: number.to_string(),
            name: name.into(),
            affiliation: None,
            attributes: BTreeMap::new(),
        }
    }
}

/// One contest: a region electing some seats from a list of candidates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contest {
    id: String,
    title: String,
    seats: u32,
    candidates: Vec<Candidate>,
    withdrawn: BTreeSet<CandidateId>,
    tie_order: Option<Vec<CandidateId>>,
    ballots: Ballots,
    policy: ImportPolicy,
    irregularities: Irregularities,
    constraints: Vec<Constraint>,
}

impl Contest {
    /// A contest with nobody withdrawn, no tie order and the default import policy.
    ///
    /// Errors when there are no seats, no candidates, candidate ids repeat, or
    /// the ballots were built for a different number of candidates.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        seats: u32,
        candidates: Vec<Candidate>,
        ballots: Ballots,
    ) -> Result<Contest, Error> {
        let model = |msg: String| Err(Error::new(ErrorKind::Model(msg)));
        if seats == 0 {
            return model("a contest needs at least one seat".into());
        }
        if candidates.is_empty() {
            return model("a contest needs at least one candidate".into());
        }
        if candidates.len() > CandidateId::MAX_CANDIDATES {
            return model(format!(
                "{} candidates; at most {}",
                candidates.len(),
                CandidateId::MAX_CANDIDATES
            ));
        }
        if ballots.candidates() != candidates.len() {
            return model(format!(
                "ballots are for {} candidates but the contest has {}",
                ballots.candidates(),
                candidates.len()
            ));
        }
        let mut ids = BTreeSet::new();
        for c in &candidates {
            if !ids.insert(c.id.as_str()) {
                return model(format!("candidate id {:?} used twice", c.id));
            }
        }
        Ok(Contest {
            id: id.into(),
            title: title.into(),
            seats,
            candidates,
            withdrawn: BTreeSet::new(),
            tie_order: None,
            ballots,
            policy: ImportPolicy::default(),
            irregularities: Irregularities::default(),
            constraints: Vec::new(),
        })
    }

    /// Marks candidates as withdrawn (they stay on the list and in the
    /// rankings; a count passes over them).
    pub fn with_withdrawn(
        mut self,
        withdrawn: impl IntoIterator<Item = CandidateId>,
    ) -> Result<Contest, Error> {
        for c in withdrawn {
            self.check_id(c)?;
            self.withdrawn.insert(c);
        }
        Ok(self)
    }

    /// Sets an explicit order for breaking ties, strongest first: it must
    /// name every candidate exactly once.
    pub fn with_tie_order(mut self, order: Vec<CandidateId>) -> Result<Contest, Error> {
        let distinct: BTreeSet<_> = order.iter().copied().collect();
        if order.len() != self.candidates.len() || distinct.len() != order.len() {
            return Err(Error::new(ErrorKind::Model(format!(
                "a tie order must name each of the {} candidates once",
                self.candidates.len()
            ))));
        }
        for &c in &order {
            self.check_id(c)?;
        }
        self.tie_order = Some(order);
        Ok(self)
    }

    /// Records the import policy the ballots were read with, and the papers it changed.
    pub fn with_import(mut self, policy: ImportPolicy, irregularities: Irregularities) -> Contest {
        self.policy = policy;
        self.irregularities = irregularities;
        self
    }

    /// Sets the contest's representation constraints (`specs/constraints.md`),
    /// replacing any it had. Each is checked against the candidates as
    /// [`crate::constraints::check`] checks it (their attributes must already
    /// be set); joint feasibility is left to the count. An empty list
    /// removes them.
    pub fn with_constraints(mut self, constraints: Vec<Constraint>) -> Result<Contest, Error> {
        self.set_constraints(constraints)?;
        Ok(self)
    }

    /// [`Contest::with_constraints`] in place, for a contest inside an
    /// [`Election`]. On error the contest is unchanged.
    pub fn set_constraints(&mut self, constraints: Vec<Constraint>) -> Result<(), Error> {
        crate::constraints::check(self, &constraints)
            .map_err(|e| Error::new(ErrorKind::Model(e.to_string())))?;
        self.constraints = constraints;
        Ok(())
    }

    /// The representation constraints, in order (empty: none).
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    fn check_id(&self, c: CandidateId) -> Result<(), Error> {
        if c.index() < self.candidates.len() {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Model(format!(
                "candidate {} does not exist; there are {}",
                c.number(),
                self.candidates.len()
            ))))
        }
    }

    /// The contest's identifier, unique within the election.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The contest's title (the region's or ward's name).
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Number of seats to fill (at least 1).
    pub fn seats(&self) -> u32 {
        self.seats
    }

    /// The candidates, in ballot-paper order.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The candidates, mutably (names and attributes may change; the list may not).
    pub fn candidates_mut(&mut self) -> &mut [Candidate] {
        &mut self.candidates
    }

    /// Ids of all candidates, in order.
    pub fn candidate_ids(
        &self,
    ) -> impl ExactSizeIterator<Item = CandidateId> + DoubleEndedIterator + use<> {
        (0..self.candidates.len()).map(|i| CandidateId(i as u16))
    }

    /// The candidate with this id.
    ///
    /// # Panics
    /// If the id is not one of this contest's (ids come from the contest, so
    /// this means an id from another contest was used).
    pub fn candidate(&self, id: CandidateId) -> &Candidate {
        &self.candidates[id.index()]
    }

    /// The id of the candidate with this exact name, if any.
    pub fn find_by_name(&self, name: &str) -> Option<CandidateId> {
        self.candidates
            .iter()
            .position(|c| c.name == name)
            .and_then(CandidateId::new)
    }

    /// Candidates withdrawn before the count.
    pub fn withdrawn(&self) -> &BTreeSet<CandidateId> {
        &self.withdrawn
    }

    /// An explicit tie-breaking order from the source, strongest first.
    pub fn tie_order(&self) -> Option<&[CandidateId]> {
        self.tie_order.as_deref()
    }

    /// The same contest with new paper counts for its distinct rankings
    /// ([`Ballots::with_counts`]).
    pub fn with_counts(&self, counts: &[u64]) -> Result<Contest, crate::RankingError> {
        Ok(Contest {
            ballots: self.ballots.with_counts(counts)?,
            ..self.clone()
        })
    }

    /// The same contest (candidates, withdrawn, tie order, import record,
    /// constraints) with other ballots: what a change of papers (a margin's
    /// change file, a what-if) makes. Errors when `ballots` were built for
    /// another number of candidates.
    pub fn with_ballots(&self, ballots: Ballots) -> Result<Contest, Error> {
        if ballots.candidates() != self.candidates.len() {
            return Err(Error::new(ErrorKind::Model(format!(
                "ballots are for {} candidates but the contest has {}",
                ballots.candidates(),
                self.candidates.len()
            ))));
        }
        Ok(Contest {
            ballots,
            ..self.clone()
        })
    }

    /// The ballots.
    pub fn ballots(&self) -> &Ballots {
        &self.ballots
    }

    /// The import policy the ballots were read with.
    pub fn policy(&self) -> &ImportPolicy {
        &self.policy
    }

    /// How many papers the import policy changed.
    pub fn irregularities(&self) -> &Irregularities {
        &self.irregularities
    }
}

/// An election: one or more contests held together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Election {
    /// A short identifier (by default the source file's stem).
    pub id: String,
    /// The election's title.
    pub title: String,
    contests: Vec<Contest>,
}

impl Election {
    /// An election of these contests; errors when there are none or two share an id.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        contests: Vec<Contest>,
    ) -> Result<Election, Error> {
        if contests.is_empty() {
            return Err(Error::new(ErrorKind::Model(
                "an election needs at least one contest".into(),
            )));
        }
        let mut ids = BTreeSet::new();
        for c in &contests {
            if !ids.insert(c.id()) {
                return Err(Error::new(ErrorKind::Model(format!(
                    "contest id {:?} used twice",
                    c.id()
                ))));
            }
        }
        Ok(Election {
            id: id.into(),
            title: title.into(),
            contests,
        })
    }

    /// An election of a single contest, sharing its id and title.
    pub fn single(contest: Contest) -> Election {
        Election {
            id: contest.id().to_owned(),
            title: contest.title().to_owned(),
            contests: vec![contest],
        }
    }

    /// The contests, in order.
    pub fn contests(&self) -> &[Contest] {
        &self.contests
    }

    /// The contests, mutably (each keeps its own invariants).
    pub fn contests_mut(&mut self) -> &mut [Contest] {
        &mut self.contests
    }

    /// The contest with this id.
    pub fn contest(&self, id: &str) -> Option<&Contest> {
        self.contests.iter().find(|c| c.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::BallotsBuilder;

    fn three() -> Vec<Candidate> {
        (1..=3)
            .map(|i| Candidate::named(i, format!("C{i}")))
            .collect()
    }

    #[test]
    fn contests_refuse_broken_shapes() {
        let b = || BallotsBuilder::new(3).build();
        assert!(Contest::new("w", "W", 0, three(), b()).is_err());
        assert!(Contest::new("w", "W", 1, vec![], BallotsBuilder::new(0).build()).is_err());
        assert!(Contest::new("w", "W", 1, three(), BallotsBuilder::new(2).build()).is_err());
        let mut dup = three();
        dup[2].id = "1".into();
        assert!(Contest::new("w", "W", 1, dup, b()).is_err());
        let ok = Contest::new("w", "W", 2, three(), b()).unwrap();
        assert!(
            ok.clone()
                .with_withdrawn([CandidateId::new(3).unwrap()])
                .is_err()
        );
        assert!(
            ok.clone()
                .with_tie_order(vec![CandidateId::new(0).unwrap()])
                .is_err()
        );
        let ids: Vec<_> = ok.candidate_ids().rev().collect();
        assert_eq!(
            ok.with_tie_order(ids.clone()).unwrap().tie_order(),
            Some(&ids[..])
        );
    }

    #[test]
    fn elections_need_distinct_contests() {
        let c = Contest::new("w", "W", 1, three(), BallotsBuilder::new(3).build()).unwrap();
        assert!(Election::new("e", "E", vec![]).is_err());
        assert!(Election::new("e", "E", vec![c.clone(), c.clone()]).is_err());
        let e = Election::single(c);
        assert_eq!(e.contest("w").map(Contest::seats), Some(1));
        assert_eq!(e.contests()[0].find_by_name("C2"), CandidateId::new(1));
    }
}
