//! Tie sensitivity of every decision, not only of the lot: each tie a
//! count decides, by lot or by an arbitrary rule (a look back at earlier
//! stages, the candidates' order), counted again with that one decision
//! forced each other way (`ties.rs`, [`ForcedTie`]; the rest of the count
//! as the rules then make it), and who is then elected; and the
//! probability that the lot elects the declared winners, from the tree of
//! its draws (`recount ties`, `specs/ties.md`).
//!
//! The tree: the count's first draw has `n` equally likely results; each
//! is counted (the draws before it given, later ones as that course makes
//! them, [`Forcing::draws`]), and each such count's next draw splits it
//! again, until a count makes no more draws. A path weighs the product of
//! `1/n` of its draws. Within the budget every path is counted and the
//! probability is exact; past it, the mass of the paths not counted is
//! unknown and the probability is an interval. Arithmetic is exact
//! (rationals), never floating point.
//!
//! Rendering is the `cli`'s; lots alone are `lots.rs`.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use serde::{Deserialize, Serialize};

use ballot::CandidateId;

use crate::error::CountError;
use crate::lots::elected;
use crate::prepared::Prepared;
use crate::rules::Rules;
use crate::ties::{ForcedTie, Forcing};
use crate::transcript::{TieMethod, TiePurpose, same_winners};

/// Every tie decision of a contest's count and what its other outcomes
/// elect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieSensitivity {
    /// Who the count elects, in order.
    pub elected: Vec<String>,
    /// Every tie decision, in the transcript's order.
    pub ties: Vec<TieOutcomes>,
    /// Other outcomes not tried because the budget ran out (0: all were).
    pub untried: u64,
    /// The probability that the lot elects the declared winners; `None`
    /// when no lot was drawn.
    pub probability: Option<Probability>,
}

impl TieSensitivity {
    /// The ties some other outcome of which elects other candidates.
    pub fn deciding(&self) -> impl Iterator<Item = &TieOutcomes> {
        self.ties.iter().filter(|t| t.changes_winners)
    }
}

/// One tie decision and its other outcomes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieOutcomes {
    /// Which of the contest's counts made it (0; under the reserved-places
    /// method, the position of its count).
    pub count: usize,
    /// Its number among that count's decisions, from 0.
    pub decision: u64,
    /// The stage whose tie it decided.
    pub stage: u32,
    /// What the tie was for.
    pub purpose: TiePurpose,
    /// The tied candidates.
    pub between: Vec<String>,
    /// How it was decided.
    pub method: TieMethod,
    /// The candidate chosen.
    pub chosen: String,
    /// For a run of choices from one tied set, the later ones (only the
    /// first is forced).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub then: Vec<String>,
    /// Whether some other outcome tried elects a different set.
    pub changes_winners: bool,
    /// Each other outcome tried: whom it chooses and who is then elected.
    pub others: Vec<crate::transcript::OtherDraw>,
    /// A lot: of its equally likely results, how many keep the declared
    /// winners (with the others as they then fall), and how many results
    /// it had (the tied the draw chose among).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot: Option<LotShare>,
}

/// Of a draw's results, those that keep the declared winners.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotShare {
    /// Results that keep them (the one drawn included).
    pub keeping: u64,
    /// All its results.
    pub options: u64,
}

/// The probability of the declared winners over the tree of draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probability {
    /// The mass of the paths counted that elect the declared winners, as
    /// a fraction `p/q` (or `1`, `0`): the least the probability can be.
    pub at_least: String,
    /// That plus the mass of the paths not counted: the most it can be.
    pub at_most: String,
    /// True when every path was counted (then `at_least == at_most`).
    pub exact: bool,
    /// Paths counted (leaves of the tree).
    pub paths: u64,
    /// Why no tree was counted, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Probability {
    fn of(kept: &BigRational, unknown: &BigRational, paths: u64) -> Probability {
        Probability {
            at_least: kept.to_string(),
            at_most: (kept + unknown).to_string(),
            exact: unknown.is_zero(),
            paths,
            note: None,
        }
    }
}

impl Prepared<'_> {
    /// The elected and the tie decisions of the count with its decision
    /// number `forced.decision` (in count `count` of the contest's counts:
    /// 0 but under the reserved-places method) choosing `forced.candidate`.
    pub fn outcome_forcing(
        &self,
        rules: &Rules,
        count: usize,
        forced: ForcedTie,
    ) -> Result<crate::Outcome, CountError> {
        let forcing = Forcing {
            tie: Some(forced),
            ..Forcing::default()
        };
        let counted = self.counted(rules, true, true, Some((count, &forcing)))?;
        let mut out = crate::Outcome {
            elected: Vec::new(),
            ties: Vec::new(),
        };
        for c in counted {
            for name in &c.record.elected {
                if let Some(i) = c.record.candidates.iter().position(|n| n == name) {
                    out.elected.extend(CandidateId::new(i));
                }
            }
            out.ties
                .extend(c.record.stages.into_iter().flat_map(|s| s.ties));
        }
        Ok(out)
    }

    /// Every tie decision of the count under `rules`, each other outcome
    /// tried by a recount (at most `budget` recounts, in the order of the
    /// decisions), and the probability of the declared winners over the
    /// tree of draws (at most `budget` more recounts).
    pub fn tie_sensitivity(
        &self,
        rules: &Rules,
        budget: u64,
    ) -> Result<TieSensitivity, CountError> {
        let base = self.counted(rules, true, true, None)?;
        let winners = elected(&base);
        let mut ties = Vec::new();
        let mut untried = 0u64;
        let mut left = budget;
        for (count, counted) in base.iter().enumerate() {
            let record = &counted.record;
            let decisions = record
                .stages
                .iter()
                .flat_map(|s| s.ties.iter().map(move |t| (s.number, t)));
            for (number, (stage, tie)) in decisions.enumerate() {
                let between: Vec<String> = tie.between.iter().map(str::to_owned).collect();
                let mut others = Vec::new();
                let mut lot = None;
                if let TieMethod::Lot { draw } = tie.method {
                    // The draw's results, which may be fewer than the tied
                    // when a look back narrowed them first.
                    let drawn = usize::try_from(draw)
                        .ok()
                        .and_then(|d| counted.drawn.get(d))
                        .copied();
                    if let Some(drawn) = drawn {
                        let mut keeping = 1;
                        for value in (0..drawn.options).filter(|&v| v != drawn.value) {
                            if left == 0 {
                                untried += 1;
                                continue;
                            }
                            left -= 1;
                            let forcing = Forcing {
                                draw: Some(crate::ties::ForcedDraw { draw, value }),
                                ..Forcing::default()
                            };
                            let other = self.counted(rules, true, true, Some((count, &forcing)))?;
                            let chosen = nth_decision(&other, count, number)
                                .map(|t| t.chosen.clone())
                                .unwrap_or_default();
                            let elected = elected(&other);
                            if same_winners(&elected, &winners) {
                                keeping += 1;
                            }
                            others.push(crate::transcript::OtherDraw { chosen, elected });
                        }
                        lot = Some(LotShare {
                            keeping,
                            options: drawn.options,
                        });
                    }
                } else {
                    for name in between.iter().filter(|n| **n != tie.chosen) {
                        let Some(candidate) = record
                            .candidates
                            .iter()
                            .position(|n| n == name)
                            .and_then(CandidateId::new)
                        else {
                            continue;
                        };
                        if left == 0 {
                            untried += 1;
                            continue;
                        }
                        left -= 1;
                        let forcing = Forcing {
                            tie: Some(ForcedTie {
                                decision: number as u64,
                                candidate,
                            }),
                            ..Forcing::default()
                        };
                        let other = self.counted(rules, true, true, Some((count, &forcing)))?;
                        others.push(crate::transcript::OtherDraw {
                            chosen: name.clone(),
                            elected: elected(&other),
                        });
                    }
                }
                let changes_winners = others.iter().any(|o| !same_winners(&o.elected, &winners));
                ties.push(TieOutcomes {
                    count,
                    decision: number as u64,
                    stage,
                    purpose: tie.purpose,
                    between,
                    method: tie.method.clone(),
                    chosen: tie.chosen.clone(),
                    then: tie.then.iter().map(str::to_owned).collect(),
                    changes_winners,
                    others,
                    lot,
                });
            }
        }
        let probability = self.lot_tree(rules, &base, &winners, budget)?;
        Ok(TieSensitivity {
            elected: winners,
            ties,
            untried,
            probability,
        })
    }

    /// The probability of `winners` over the tree of draws of `base`'s
    /// count, at most `budget` recounts.
    fn lot_tree(
        &self,
        rules: &Rules,
        base: &[crate::record::Counted],
        winners: &[String],
        budget: u64,
    ) -> Result<Option<Probability>, CountError> {
        let drawing: Vec<usize> = (0..base.len())
            .filter(|&i| !base[i].drawn.is_empty())
            .collect();
        let count = match drawing.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            _ => {
                let zero = BigRational::zero();
                let mut p = Probability::of(&zero, &BigRational::one(), 0);
                p.note = Some(
                    "lots were drawn in several counts of the reserved-places method; their tree is not counted".into(),
                );
                return Ok(Some(p));
            }
        };
        let mut kept = BigRational::zero();
        let mut unknown = BigRational::zero();
        let mut paths = 0u64;
        let mut left = budget;
        // (the draws given, the path's weight, that count's draws and winners)
        type Node = (Vec<u64>, BigRational, Vec<crate::ties::Drawn>, Vec<String>);
        let mut stack: Vec<Node> = vec![(
            Vec::new(),
            BigRational::one(),
            base[count].drawn.clone(),
            winners.to_vec(),
        )];
        while let Some((path, weight, drawn, elected_here)) = stack.pop() {
            let Some(next) = drawn.get(path.len()).copied() else {
                paths += 1;
                if same_winners(&elected_here, winners) {
                    kept += weight;
                }
                continue;
            };
            let share = &weight / BigRational::from_integer(BigInt::from(next.options));
            for value in (0..next.options).rev() {
                let mut child = path.clone();
                child.push(value);
                if value == next.value {
                    // The draw as it fell: the same count.
                    stack.push((child, share.clone(), drawn.clone(), elected_here.clone()));
                    continue;
                }
                if left == 0 {
                    unknown += &share;
                    continue;
                }
                left -= 1;
                let forcing = Forcing {
                    draws: child.clone(),
                    ..Forcing::default()
                };
                let other = self.counted(rules, true, true, Some((count, &forcing)))?;
                let elected = elected(&other);
                let drawn = other[count].drawn.clone();
                stack.push((child, share.clone(), drawn, elected));
            }
        }
        Ok(Some(Probability::of(&kept, &unknown, paths)))
    }
}

/// Decision `number` of count `count` of `counted`.
fn nth_decision(
    counted: &[crate::record::Counted],
    count: usize,
    number: usize,
) -> Option<&crate::transcript::TieDecision> {
    counted
        .get(count)?
        .record
        .stages
        .iter()
        .flat_map(|s| s.ties.iter())
        .nth(number)
}
