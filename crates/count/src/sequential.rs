//! Sequential passes ([`Passes::OnePerSeat`](crate::rules::Passes)): a
//! contest of S seats filled by S single-seat counts of the same ballots,
//! each with the winners of the passes before it withdrawn (RCTab's
//! `multiPassIrv`, sequential multi-winner IRV). Each pass is its own
//! record, its `purpose` naming the seat.

use ballot::{CandidateId, Contest};

use crate::error::CountError;
use crate::transcript::ContestCount;

/// The passes of `contest`; `count_one` counts one single-seat contest.
pub(crate) fn passes(
    contest: &Contest,
    count_one: impl Fn(&Contest) -> Result<ContestCount, CountError>,
) -> Result<Vec<ContestCount>, CountError> {
    let model = |message: String| CountError::Contest {
        contest: contest.id().to_owned(),
        message,
    };
    if !contest.constraints().is_empty() {
        return Err(model(
            "rules of one pass a seat do not take representation constraints".into(),
        ));
    }
    let seats = contest.seats();
    let mut elected: Vec<CandidateId> = Vec::new();
    let mut records = Vec::new();
    for seat in 1..=seats {
        let withdrawn = contest
            .withdrawn()
            .iter()
            .copied()
            .chain(elected.iter().copied());
        let mut sub = Contest::new(
            contest.id(),
            contest.title(),
            1,
            contest.candidates().to_vec(),
            contest.ballots().clone(),
        )
        .and_then(|c| c.with_withdrawn(withdrawn))
        .map_err(|e| model(e.to_string()))?
        .with_import(*contest.policy(), *contest.irregularities());
        if let Some(order) = contest.tie_order() {
            sub = sub
                .with_tie_order(order.to_vec())
                .map_err(|e| model(e.to_string()))?;
        }
        let standing = sub.candidates().len() - sub.withdrawn().len();
        if standing == 0 {
            break;
        }
        let mut record = count_one(&sub)?;
        for name in &record.elected {
            if let Some(i) = record.candidates.iter().position(|n| n == name) {
                elected.extend(CandidateId::new(i));
            }
        }
        record.purpose = Some(format!(
            "seat {seat} of {seats}{}",
            if seat == 1 {
                String::new()
            } else {
                format!(", {} withdrawn", seat - 1)
            }
        ));
        records.push(record);
    }
    Ok(records)
}
