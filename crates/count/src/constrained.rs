//! The engine's side of representation constraints: keeps the current
//! Grey–Fitzgerald guard/doom sets of a contest being counted, and the
//! decisions not yet written into a stage; and applies the substitution
//! method to a finished unconstrained count.
//!
//! The sets themselves are computed by `constraints.rs` (exactly, from the
//! candidates' standings only); this module remembers which verdicts have
//! already been recorded, and answers the strategies' questions (is this
//! candidate guarded? doomed? may this batch be excluded?). What they do
//! with the answers is `specs/constraints.md` §4, in `gregory.rs` and
//! `meek.rs`.

use ballot::constraints::ConstraintError;
use ballot::{CandidateId, Contest};

use crate::constraints::{ContestConstraints, Forced, GuardDoom};
use crate::standing::Standing as Status;

use crate::rules::ConstraintMethod;
use crate::transcript::{ConstraintDecision, SubstitutionRecord, Verdict};

/// The guard/doom state of one contest during its count.
#[derive(Debug)]
pub(crate) struct Guard {
    constraints: ContestConstraints,
    current: GuardDoom,
    /// The verdict last recorded for each candidate.
    recorded: Vec<Option<Verdict>>,
    /// Decisions made since the last stage was written.
    pending: Vec<ConstraintDecision>,
}

impl Guard {
    /// The guard for a contest with constraints, checked feasible before
    /// the count; `Ok(None)` when the contest has none.
    pub(crate) fn new(contest: &Contest) -> Result<Option<Guard>, ConstraintError> {
        let Some(constraints) = checked(contest)? else {
            return Ok(None);
        };
        Ok(Some(Guard {
            constraints,
            current: GuardDoom::default(),
            recorded: vec![None; contest.candidates().len()],
            pending: Vec::new(),
        }))
    }

    /// Recomputes the sets for `state` (one entry per candidate) and notes
    /// every candidate whose verdict is new. `names` are the transcript's.
    pub(crate) fn update(
        &mut self,
        state: &[Status],
        names: &[String],
    ) -> Result<(), ConstraintError> {
        self.current = self.constraints.guard_doom(state)?;
        let mut fresh = Vec::new();
        for (verdict, list) in [
            (Verdict::Guarded, &self.current.guarded),
            (Verdict::Doomed, &self.current.doomed),
        ] {
            for f in list {
                fresh.push((f.candidate.index(), verdict, self.describe(f)));
            }
        }
        // Candidate order, as guard_doom lists them.
        fresh.sort_by_key(|f| f.0);
        for (c, verdict, by) in fresh {
            if self.recorded[c] != Some(verdict) {
                self.recorded[c] = Some(verdict);
                self.pending.push(ConstraintDecision {
                    candidate: names[c].clone(),
                    verdict,
                    by,
                });
            }
        }
        Ok(())
    }

    fn describe(&self, f: &Forced) -> Vec<String> {
        f.by.iter()
            .map(|&id| self.constraints.constraint(id).to_string())
            .collect()
    }

    /// True when candidate `c` is guarded now.
    pub(crate) fn is_guarded(&self, c: usize) -> bool {
        self.current
            .guarded
            .iter()
            .any(|f| f.candidate.index() == c)
    }

    /// True when candidate `c` is doomed now.
    pub(crate) fn is_doomed(&self, c: usize) -> bool {
        self.current.doomed.iter().any(|f| f.candidate.index() == c)
    }

    /// The candidates doomed now, in candidate order.
    pub(crate) fn doomed(&self) -> Vec<usize> {
        self.current
            .doomed
            .iter()
            .map(|f| f.candidate.index())
            .collect()
    }

    /// True when the constraints can still be met with `batch` excluded
    /// from `state` as well.
    pub(crate) fn allows_excluding(&self, state: &[Status], batch: &[usize]) -> bool {
        let mut state = state.to_vec();
        for &c in batch {
            state[c] = Status::Excluded;
        }
        self.constraints.check(&state).is_ok()
    }

    /// The decisions made since the last call, for the stage being written.
    pub(crate) fn take_decisions(&mut self) -> Vec<ConstraintDecision> {
        std::mem::take(&mut self.pending)
    }
}

/// Recomputes guard/doom after a change of status (duty 2), if the count
/// has constraints; the first state that cannot be completed is kept in
/// `broken` and stops the count.
pub(crate) fn changed(
    guard: &mut Option<Guard>,
    state: &[Status],
    names: &[String],
    broken: &mut Option<ConstraintError>,
) {
    if let Some(guard) = guard
        && let Err(e) = guard.update(state, names)
        && broken.is_none()
    {
        *broken = Some(e);
    }
}

/// Whether the candidate is guarded (never excluded).
pub(crate) fn guarded(guard: Option<&Guard>, c: usize) -> bool {
    guard.is_some_and(|g| g.is_guarded(c))
}

/// Whether the candidate is doomed (never elected).
pub(crate) fn doomed(guard: Option<&Guard>, c: usize) -> bool {
    guard.is_some_and(|g| g.is_doomed(c))
}

/// What one count needs for its contest's constraints under `method`: a
/// [`Guard`] for guard/doom, the checked constraints for substitution (applied
/// after a plain count), nothing for reserved places (whose counts each run
/// unconstrained). Shared by both engines so the choice is made in one place;
/// feasibility is checked here, before stage 1 (`specs/constraints.md` §4).
pub(crate) fn setup(
    contest: &Contest,
    method: ConstraintMethod,
) -> Result<(Option<Guard>, Option<ContestConstraints>), ConstraintError> {
    Ok(match method {
        ConstraintMethod::GuardDoom => (Guard::new(contest)?, None),
        ConstraintMethod::Substitution => (None, checked(contest)?),
        ConstraintMethod::ReservedPlaces => (None, None),
    })
}

/// A contest's constraints, validated and checked feasible before the
/// count (duty 1); `Ok(None)` when it has none.
pub(crate) fn checked(contest: &Contest) -> Result<Option<ContestConstraints>, ConstraintError> {
    if contest.constraints().is_empty() {
        return Ok(None);
    }
    let constraints = ContestConstraints::new(contest, contest.constraints().to_vec())?;
    constraints.check_feasible()?;
    Ok(Some(constraints))
}

/// The substitution method (`specs/constraints.md` §5b) on an
/// unconstrained result: `elected` in order of election, `runners_up` best
/// first (candidate indices). Returns the result after the swaps, and the
/// swaps as the transcript records them.
pub(crate) fn substitute(
    constraints: &ContestConstraints,
    elected: &[usize],
    runners_up: &[usize],
    names: &[String],
) -> Result<(Vec<usize>, Vec<SubstitutionRecord>), ConstraintError> {
    let ids = |v: &[usize]| -> Vec<CandidateId> {
        v.iter().filter_map(|&c| CandidateId::new(c)).collect()
    };
    let (result, swaps) = constraints.substitute(&ids(elected), &ids(runners_up))?;
    let records = swaps
        .iter()
        .map(|s| SubstitutionRecord {
            out: names[s.out.index()].clone(),
            incoming: names[s.incoming.index()].clone(),
            constraint: constraints.constraint(s.constraint).to_string(),
        })
        .collect();
    Ok((result.iter().map(|c| c.index()).collect(), records))
}
