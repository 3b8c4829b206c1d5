//! The entry point: [`count`] recounts every contest of an election under
//! one [`Rules`] value, each contest prepared (`prepared.rs`) and handed to
//! its method family's strategy, or under the reserved-places constraint
//! method to the driver of its separate counts (`reserved.rs`).

use ballot::Election;

use crate::error::CountError;
use crate::prepared::Prepared;
use crate::progress::Observer;
use crate::rules::Rules;
use crate::transcript::{FORMAT, Transcript};

/// Counts every contest of `election` under `rules`.
pub fn count(election: &Election, rules: &Rules) -> Result<Transcript, CountError> {
    count_with(election, rules, Observer::default())
}

/// [`count`], telling `observer` after each stage (`progress.rs`).
pub(crate) fn count_with(
    election: &Election,
    rules: &Rules,
    observer: Observer<'_>,
) -> Result<Transcript, CountError> {
    rules.validate().map_err(CountError::Rules)?;
    for id in rules.ties.order_by_contest.keys() {
        if !election.contests().iter().any(|c| c.id() == id) {
            return Err(CountError::TieOrderContest {
                contest: id.clone(),
                contests: election
                    .contests()
                    .iter()
                    .map(|c| c.id().to_owned())
                    .collect(),
            });
        }
    }
    let mut contests = Vec::with_capacity(election.contests().len());
    for contest in election.contests() {
        contests.extend(
            Prepared::new(contest)
                .observer(observer)
                .count_once(rules)?,
        );
    }
    Ok(Transcript {
        format: FORMAT.to_owned(),
        election: election.id.clone(),
        title: election.title.clone(),
        input: None,
        contests,
        lots: Vec::new(),
    })
}
