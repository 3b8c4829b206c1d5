//! A [`Case`]: one contest as plain data (names, seats, rankings with
//! counts, constraints), easy to change and shrink, and turned back into a
//! [`ballot::Contest`] to count.

use std::collections::BTreeMap;

use ballot::constraints::Constraint;
use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};

/// One contest as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// The candidates' names, in ballot-paper order.
    pub names: Vec<String>,
    /// Each candidate's attributes.
    pub attributes: Vec<BTreeMap<String, String>>,
    /// Seats.
    pub seats: u32,
    /// Distinct rankings (candidate indices, first preference first) and
    /// their papers.
    pub rankings: Vec<(Vec<usize>, u64)>,
    /// Representation constraints.
    pub constraints: Vec<Constraint>,
}

impl Case {
    /// The case of a contest (withdrawn candidates are dropped from it).
    pub fn of(contest: &Contest) -> Case {
        let keep: Vec<usize> = (0..contest.candidates().len())
            .filter(|&i| !contest.withdrawn().iter().any(|w| w.index() == i))
            .collect();
        let new_index = |i: usize| keep.iter().position(|&k| k == i);
        Case {
            names: keep
                .iter()
                .map(|&i| contest.candidates()[i].name.clone())
                .collect(),
            attributes: keep
                .iter()
                .map(|&i| contest.candidates()[i].attributes.clone())
                .collect(),
            seats: contest.seats(),
            rankings: contest
                .ballots()
                .iter()
                .map(|b| {
                    (
                        b.ranking
                            .iter()
                            .filter_map(|c| new_index(c.index()))
                            .collect(),
                        b.count.0,
                    )
                })
                .filter(|(r, _): &(Vec<usize>, u64)| !r.is_empty())
                .collect(),
            constraints: contest.constraints().to_vec(),
        }
    }

    /// The contest, or `None` when the case is not one (no candidate, no
    /// seat, seats not fewer than the candidates, constraints it cannot hold).
    pub fn contest(&self) -> Option<Contest> {
        let n = self.names.len();
        if n < 2 || self.seats == 0 || self.seats as usize >= n {
            return None;
        }
        let mut b = BallotsBuilder::new(n);
        let mut paper = Vec::new();
        for (r, count) in &self.rankings {
            if *count == 0 || r.is_empty() {
                continue;
            }
            paper.clear();
            paper.extend(r.iter().filter_map(|&c| CandidateId::new(c)));
            b.push(&paper, *count).ok()?;
        }
        let candidates = self
            .names
            .iter()
            .zip(&self.attributes)
            .enumerate()
            .map(|(i, (name, attrs))| {
                let mut c = Candidate::named(i + 1, name.clone());
                c.attributes = attrs.clone();
                c
            })
            .collect();
        let contest = Contest::new("case", "case", self.seats, candidates, b.build()).ok()?;
        if self.constraints.is_empty() {
            Some(contest)
        } else {
            contest.with_constraints(self.constraints.clone()).ok()
        }
    }

    /// The case as an election of one contest.
    pub fn election(&self) -> Option<Election> {
        Some(Election::single(self.contest()?))
    }

    /// Papers in all.
    pub fn papers(&self) -> u64 {
        self.rankings.iter().map(|(_, c)| c).sum()
    }

    /// Without candidate `c`: their preferences struck out, the others
    /// renumbered; rankings left empty are dropped.
    pub fn without_candidate(&self, c: usize) -> Case {
        let mut out = self.clone();
        out.names.remove(c);
        out.attributes.remove(c);
        out.rankings = self
            .rankings
            .iter()
            .map(|(r, n)| {
                (
                    r.iter()
                        .filter(|&&x| x != c)
                        .map(|&x| if x > c { x - 1 } else { x })
                        .collect::<Vec<usize>>(),
                    *n,
                )
            })
            .filter(|(r, _)| !r.is_empty())
            .collect();
        out.merge();
        out
    }

    /// Equal rankings merged (their counts added), in a stable order.
    pub fn merge(&mut self) {
        let mut merged: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
        for (r, n) in self.rankings.drain(..) {
            *merged.entry(r).or_default() += n;
        }
        self.rankings = merged.into_iter().filter(|(_, n)| *n > 0).collect();
    }
}
