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
use crate::ties::{ForcedDraw, Forcing};
use crate::transcript::{LotDraw, LotSensitivity, OtherDraw, TieMethod, TiePurpose, same_winners};

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
            let made = decisions(counted, true);
            for (draw, drawn) in counted.drawn.iter().enumerate() {
                let Some(made) = made.get(draw).cloned().flatten() else {
                    continue;
                };
                let draw = draw as u64;
                let mut others = Vec::new();
                let alternatives = drawn.options.saturating_sub(1);
                let tried = alternatives.min(left);
                untried += alternatives - tried;
                left -= tried;
                for value in (0..drawn.options)
                    .filter(|&v| v != drawn.value)
                    .take(tried as usize)
                {
                    let forced = Forcing {
                        draw: Some(ForcedDraw { draw, value }),
                        ..Forcing::default()
                    };
                    let other = self.counted(rules, true, true, Some((count, &forced)))?;
                    let chosen = other
                        .get(count)
                        .and_then(|c| decisions(c, false).into_iter().nth(draw as usize).flatten())
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

/// Who a contest's counts elect (every count's, in turn).
pub(crate) fn elected(counted: &[Counted]) -> Vec<String> {
    counted
        .iter()
        .flat_map(|c| c.record.elected.iter().cloned())
        .collect()
}

/// The tie decision a draw made, as its count recorded it.
#[derive(Clone)]
struct Made {
    stage: u32,
    purpose: TiePurpose,
    /// The tied, for a decision's first draw; empty for its later ones (a
    /// run of choices from one tied set, `then`), whose tied are the first
    /// draw's less those already chosen: listing them again for each of
    /// thousands of draws would make the record grow with their square.
    between: Vec<String>,
    chosen: String,
}

/// Per draw of a count (by its number), the lot decision that made it;
/// `between` only when asked (a recount needs just whom a draw chose).
fn decisions(counted: &Counted, with_between: bool) -> Vec<Option<Made>> {
    let mut made = vec![None; counted.drawn.len()];
    for stage in &counted.record.stages {
        for tie in &stage.ties {
            let TieMethod::Lot { draw: first } = tie.method else {
                continue;
            };
            let chosen = std::iter::once(tie.chosen.as_str()).chain(tie.then.iter());
            for (j, name) in chosen.enumerate() {
                if let Some(slot) = usize::try_from(first + j as u64)
                    .ok()
                    .and_then(|d| made.get_mut(d))
                {
                    *slot = Some(Made {
                        stage: stage.number,
                        purpose: tie.purpose,
                        between: if j == 0 && with_between {
                            tie.between.iter().map(str::to_owned).collect()
                        } else {
                            Vec::new()
                        },
                        chosen: name.to_owned(),
                    });
                }
            }
        }
    }
    made
}
