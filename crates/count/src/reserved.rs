//! The reserved-places constraint method (`specs/constraints.md` §5a): the
//! separate counts of a contest's plan, each of the same ballots with every
//! ineligible candidate withdrawn, for the places the plan gives it.

use ballot::{CandidateId, Contest};

use crate::constrained;
use crate::error::CountError;
use crate::standing::Standing;
use crate::transcript::ContestCount;

/// The reserved-places method (`specs/constraints.md` §5a): the counts of
/// the contest's plan, each a contest count of the same ballots with every
/// ineligible candidate withdrawn, for the plan's places, without
/// constraints; after each, the constraints must still be possible.
///
/// `count_one` counts one contest without constraints by its family's
/// strategy.
pub(crate) fn reserved_places(
    contest: &Contest,
    count_one: impl Fn(&Contest) -> Result<ContestCount, CountError>,
) -> Result<Vec<ContestCount>, CountError> {
    let broken = |e| CountError::Constraints(e);
    let Some(cc) = constrained::checked(contest).map_err(broken)? else {
        return Ok(vec![count_one(contest)?]);
    };
    let mut plan = cc.reserved_plan();
    let mut elected: Vec<CandidateId> = Vec::new();
    let mut records = Vec::new();
    while let Some(rc) = plan.next_count(&elected).map_err(broken)? {
        let withdrawn = contest.candidate_ids().filter(|c| !rc.eligible.contains(c));
        let model = |e: ballot::Error| CountError::Contest {
            contest: contest.id().to_owned(),
            message: e.to_string(),
        };
        let mut sub = Contest::new(
            contest.id(),
            contest.title(),
            rc.places,
            contest.candidates().to_vec(),
            contest.ballots().clone(),
        )
        .and_then(|c| c.with_withdrawn(withdrawn))
        .map_err(model)?
        .with_import(*contest.policy(), *contest.irregularities());
        if let Some(order) = contest.tie_order() {
            sub = sub.with_tie_order(order.to_vec()).map_err(model)?;
        }
        let mut record = count_one(&sub)?;
        for name in &record.elected {
            if let Some(i) = record.candidates.iter().position(|n| n == name) {
                elected.extend(CandidateId::new(i));
            }
        }
        // Two places of one count can together break a maximum that the
        // count's eligibility could not foresee.
        let state: Vec<Standing> = contest
            .candidate_ids()
            .map(|c| {
                if elected.contains(&c) {
                    Standing::Elected
                } else if contest.withdrawn().contains(&c) {
                    Standing::Excluded
                } else {
                    Standing::Hopeful
                }
            })
            .collect();
        cc.check(&state).map_err(broken)?;
        record.purpose = Some(match rc.constraint {
            Some(id) => cc.constraint(id).to_string(),
            None => "open".to_owned(),
        });
        record.constraints = contest
            .constraints()
            .iter()
            .map(ToString::to_string)
            .collect();
        records.push(record);
    }
    Ok(records)
}
