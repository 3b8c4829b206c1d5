//! Tie sensitivity of the lot: for every draw a count makes, the count
//! again with each other result of that draw (later draws as the seed
//! makes them), and who would then be elected. What tells a reader
//! whether a lot decided the winners, not only a tie.
//!
//! Each recount is an outcome-only count of the prepared contest
//! ([`Prepared`]) with one draw's result given (`ties.rs`, `ForcedDraw`),
//! so the cost is one cheap count per other result tried, within a budget
//! the caller sets.

use crate::error::CountError;
use crate::prepared::Prepared;
use crate::record::Counted;
use crate::rules::Rules;
use crate::ties::ForcedDraw;
use crate::transcript::{LotDraw, LotSensitivity, OtherDraw, TieMethod, TiePurpose};

impl Prepared<'_> {
    /// The contest's lots under `rules`, each other result of each draw
    /// tried by a recount, at most `budget` recounts in all (in the order
    /// the draws were made).
    pub fn lot_sensitivity(
        &self,
        rules: &Rules,
        budget: u64,
    ) -> Result<LotSensitivity, CountError> {
        let base = self.counted(rules, true, true, None)?;
        let winners = elected(&base);
        let mut draws = Vec::new();
        let mut untried = 0u64;
        let mut left = budget;
        for (count, counted) in base.iter().enumerate() {
            for (draw, drawn) in counted.drawn.iter().enumerate() {
                let draw = draw as u64;
                let Some(made) = decision_of(counted, draw) else {
                    continue;
                };
                let mut others = Vec::new();
                for value in (0..drawn.options).filter(|&v| v != drawn.value) {
                    if left == 0 {
                        untried += 1;
                        continue;
                    }
                    left -= 1;
                    let forced = ForcedDraw { draw, value };
                    let other = self.counted(rules, true, true, Some((count, forced)))?;
                    let chosen = other
                        .get(count)
                        .and_then(|c| decision_of(c, draw))
                        .map(|d| d.chosen)
                        .unwrap_or_default();
                    others.push(OtherDraw {
                        chosen,
                        elected: elected(&other),
                    });
                }
                let changes_winners = others.iter().any(|o| !same_winners(&o.elected, &winners));
                draws.push(LotDraw {
                    count,
                    draw,
                    stage: made.stage,
                    purpose: made.purpose,
                    between: made.between,
                    options: drawn.options,
                    chosen: made.chosen,
                    changes_winners,
                    others,
                });
            }
        }
        Ok(LotSensitivity {
            elected: winners,
            draws,
            untried,
        })
    }
}

/// The same candidates elected, in whatever order.
pub(crate) fn same_winners(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Who a contest's counts elect (every count's, in turn).
fn elected(counted: &[Counted]) -> Vec<String> {
    counted
        .iter()
        .flat_map(|c| c.record.elected.iter().cloned())
        .collect()
}

/// The tie decision a draw made, as its count recorded it.
struct Made {
    stage: u32,
    purpose: TiePurpose,
    between: Vec<String>,
    chosen: String,
}

/// Draw `draw` of a count: the lot decision that made it (a decision of
/// several choices in turn makes one draw each, `then` after `chosen`).
fn decision_of(counted: &Counted, draw: u64) -> Option<Made> {
    for stage in &counted.record.stages {
        for tie in &stage.ties {
            let TieMethod::Lot { draw: first } = tie.method else {
                continue;
            };
            let choices = 1 + tie.then.len() as u64;
            if (first..first + choices).contains(&draw) {
                let j = (draw - first) as usize;
                let chosen = if j == 0 {
                    tie.chosen.clone()
                } else {
                    tie.then.iter().nth(j - 1)?.to_owned()
                };
                return Some(Made {
                    stage: stage.number,
                    purpose: tie.purpose,
                    between: tie.between.iter().map(str::to_owned).collect(),
                    chosen,
                });
            }
        }
    }
    None
}
