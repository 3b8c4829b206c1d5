//! A lower bound on a margin from one count's record, for the Gregory
//! family (`specs/changes.md` §3): no change of fewer papers can change
//! any decision of the count, so none can change the winners.
//!
//! The argument. Count the changed election with the same decisions as
//! the original, and let D bound the sum over papers of how much each
//! paper's value differs between the two (a paper changed is one removed
//! and one added, worth at most 1 each, so D starts at 2 per changed paper
//! and 1 per paper added or removed). Every candidate's total then differs
//! by at most D, and any two candidates' by at most D together. Moving
//! papers at their values (an exclusion) leaves D as it was. A weighted
//! surplus transfer at t = S / V (surplus over the value transferred)
//! moves W's papers at v·t; with S and V each off by at most D (and the
//! quota's change), the papers' new values differ by at most
//! t'·D + |Δt|·V ≤ (1 + 2t')·D + 2|Δq| in all, t' the changed count's
//! value, itself bounded by (S + D + 2|Δq|) / (V − D) and by 1. Rules whose
//! papers take a value that ignores the one they had (unweighted, last
//! parcel) get the cruder 3D + 2K + 2|Δq|, K the papers changed. Rounding
//! adds at most a few units of the last place per candidate and transfer,
//! and the transfer value's rounding up to four of its units on every
//! paper (by value, when weighted) the surplus moves.
//! A decision can only change once some gap it compared (a total against
//! the quota, the excluded against the lowest kept, one surplus against
//! the next) is within that reach: the bound is the fewest papers for
//! which some gap is.
//!
//! Only for rules whose decisions are those comparisons: no deferred
//! surpluses, no bulk exclusion, no constraints, one count. Otherwise
//! there is no cheap bound and the search says so.

use count::decimal::Decimal;
use count::rules::{
    Arithmetic, Method, QuotaDivisor, QuotaRecompute, QuotaVotes, Rounding, SurplusMethod,
    Threshold,
};
use count::{Action, ContestCount, Rules};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::Changes;

/// The closest decision: where the fewest papers could first reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    /// The stage whose totals the decision was made on.
    pub stage: u32,
    /// What the gap was, in words.
    pub what: String,
    /// The gap, in votes, at the rule's display places.
    pub gap: String,
}

/// Why no analytic bound is given.
pub fn unsupported(rules: &Rules, records: &[ContestCount]) -> Option<&'static str> {
    let Method::Gregory(g) = &rules.method else {
        return Some("no cheap bound for an iterative method (keep values move every paper)");
    };
    if records.len() != 1 {
        return Some("no cheap bound for the reserved-places method");
    }
    if !records[0].constraints.is_empty() {
        return Some("no cheap bound for a count with constraints (guards and dooms)");
    }
    if g.surplus.deferral != Threshold::Never || g.exclusion.bulk != Threshold::Never {
        return Some("no cheap bound for rules that defer surpluses or exclude in bulk");
    }
    if g.exclusion.sure_losers.is_some() || g.surplus.receive_until_transferred {
        return Some(
            "no cheap bound for rules that defeat sure losers first or elect at the transfer",
        );
    }
    None
}

/// The fewest papers (from 1) whose change might change a decision of
/// `record`, at most `cap`; with the decision first within reach. `None`
/// when the rules are [`unsupported`] or no decision is within reach of
/// `cap` papers (the bound is then above `cap`).
pub fn lower_bound(
    rules: &Rules,
    record: &ContestCount,
    changes: Changes,
    cap: u64,
) -> Option<(u64, Closest)> {
    if unsupported(rules, std::slice::from_ref(record)).is_some() {
        return None;
    }
    let reach = |k: u64| within_reach(rules, record, changes, k);
    reach(cap)?;
    // The reach grows with k: the least k within reach, by bisection.
    let (mut lo, mut hi) = (0u64, cap);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reach(mid).is_some() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some((hi, reach(hi)?))
}

fn rational(d: &Decimal) -> BigRational {
    BigRational::new(
        BigInt::from(d.mantissa()),
        BigInt::from(10u8).pow(d.places()),
    )
}

fn unit(places: u32) -> BigRational {
    BigRational::new(BigInt::one(), BigInt::from(10u8).pow(places))
}

/// The first decision a change of `k` papers might reach, if any.
fn within_reach(rules: &Rules, record: &ContestCount, changes: Changes, k: u64) -> Option<Closest> {
    let Method::Gregory(g) = &rules.method else {
        return None;
    };
    let k_big = BigRational::from_integer(BigInt::from(k));
    let two = BigRational::from_integer(BigInt::from(2));
    let (d0, votes_moved) = match changes {
        Changes::Changed => (two.clone() * &k_big, BigRational::zero()),
        Changes::Added | Changes::Removed => (k_big.clone(), k_big.clone()),
        Changes::Any => (two.clone() * &k_big, k_big.clone()),
    };
    let papers_changed = d0.clone();
    let divisor = BigRational::from_integer(BigInt::from(match rules.quota.divisor {
        QuotaDivisor::SeatsPlusOne => record.seats + 1,
        QuotaDivisor::Seats => record.seats.max(1),
    }));
    let quota_unit = match (rules.quota.rounding, rules.arithmetic) {
        (Rounding::Places { places, .. }, _) => unit(places),
        // Fixed-point arithmetic truncates an exact quotient at its places.
        (Rounding::Exact, Arithmetic::Fixed { places }) => unit(places),
        (Rounding::Exact, Arithmetic::Rational) => BigRational::zero(),
    };
    let candidates = BigRational::from_integer(BigInt::from(record.candidates.len()));
    // A surplus transfer's rounding of what each candidate receives, both
    // counts', with room for stepwise rounding (moving papers at their
    // values, an exclusion, rounds nothing).
    let slack = match rules.arithmetic {
        Arithmetic::Fixed { places } => {
            BigRational::from_integer(BigInt::from(4)) * &candidates * unit(places)
        }
        Arithmetic::Rational => BigRational::zero(),
    };
    // The figures are read as written, truncated at the display places: a
    // gap between two of them is off by less than two units.
    let shown_unit = &two * unit(rules.display_places);
    // One unit of the transfer value's rounding.
    let tv_unit = match (g.surplus.transfer_value.rounding, rules.arithmetic) {
        (Rounding::Places { places, .. }, _) => unit(places),
        (Rounding::Exact, Arithmetic::Fixed { places }) => unit(places),
        (Rounding::Exact, Arithmetic::Rational) => BigRational::zero(),
    };
    let valid_votes = rational(&record.valid_votes) + &votes_moved;
    let valid_papers = BigRational::from_integer(BigInt::from(record.valid_papers)) + &votes_moved;
    let static_quota =
        g.quota.votes == QuotaVotes::Valid && g.quota.recompute == QuotaRecompute::Never;
    let weighted = g.surplus.method == SurplusMethod::WeightedInclusive;

    let names = &record.candidates;
    let index = |n: &str| names.iter().position(|x| x == n);
    let mut gone = vec![false; names.len()]; // elected or excluded before the stage
    for w in &record.withdrawn {
        if let Some(i) = index(w) {
            gone[i] = true;
        }
    }
    let mut pending: Vec<usize> = Vec::new(); // elected, surplus not yet transferred
    let mut d = d0;
    let shown = |r: &BigRational| {
        let scale = BigInt::from(10u8).pow(rules.display_places);
        let m = (r * BigRational::from_integer(scale)).floor().to_integer();
        Decimal::new(i128::try_from(m).unwrap_or(i128::MAX), rules.display_places)
            .map_or_else(|| "?".into(), |d| d.to_string())
    };
    for (i, stage) in record.stages.iter().enumerate() {
        let q = rational(&stage.quota);
        let dq = if static_quota {
            &votes_moved / &divisor + &quota_unit
        } else {
            (&votes_moved + &d) / &divisor + &quota_unit
        };
        let total = |c: usize| stage.totals.at(c).map(|v| rational(&v));
        let deciding: Vec<usize> = (0..names.len()).filter(|&c| !gone[c]).collect();
        for &c in &deciding {
            let Some(t) = total(c) else { continue };
            let gap = (&t - &q).abs();
            if gap <= &d + &dq + &shown_unit {
                return Some(Closest {
                    stage: stage.number,
                    what: format!("{}'s votes against the quota", names[c]),
                    gap: shown(&gap),
                });
            }
        }
        for e in &stage.elected {
            if let Some(c) = index(e) {
                gone[c] = true;
                pending.push(c);
            }
        }
        for e in &stage.excluded {
            if let Some(c) = index(e) {
                gone[c] = true;
            }
        }
        let Some(next) = record.stages.get(i + 1) else {
            break;
        };
        match &next.action {
            Action::Exclusion { candidates: ex, .. } => {
                let ex: Vec<usize> = ex.iter().filter_map(|n| index(n)).collect();
                let highest = ex.iter().filter_map(|&c| total(c)).max();
                let kept = (0..names.len())
                    .filter(|c| !gone[*c] && !ex.contains(c))
                    .filter_map(|c| total(c).map(|t| (t, c)))
                    .min();
                if let (Some(h), Some((t, c))) = (highest, kept) {
                    let gap = &t - &h;
                    if gap <= &d + &shown_unit {
                        return Some(Closest {
                            stage: stage.number,
                            what: format!(
                                "the exclusion of {}: {} was ahead by",
                                ex.iter()
                                    .map(|&e| names[e].as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                                names[c]
                            ),
                            gap: shown(&gap),
                        });
                    }
                }
            }
            Action::Surplus {
                candidate,
                surplus,
                transfer_value,
            } => {
                let s = rational(surplus);
                if let Some(w) = index(candidate) {
                    // Which surplus went first (largest first).
                    for &p in pending.iter().filter(|&&p| p != w) {
                        if let Some(t) = total(p) {
                            let other = &t - &q;
                            let gap = &s - &other;
                            if gap <= &d + &shown_unit {
                                return Some(Closest {
                                    stage: stage.number,
                                    what: format!(
                                        "the order of surpluses: {candidate}'s was larger than {}'s by",
                                        names[p]
                                    ),
                                    gap: shown(&gap),
                                });
                            }
                        }
                    }
                    pending.retain(|&p| p != w);
                }
                let value_moved = transfer_value
                    .as_ref()
                    .map(rational)
                    .filter(|t| t.is_positive())
                    .map(|t| &s / t);
                let t_bound = match &value_moved {
                    Some(v) if weighted && *v > d => {
                        let t = (&s + &d + &two * &dq + &slack) / (v - &d);
                        if t > BigRational::one() {
                            BigRational::one()
                        } else {
                            t
                        }
                    }
                    _ => BigRational::one(),
                };
                // The transfer value's own rounding, in both counts: at most
                // its unit (twice, stepwise) on every paper moved, so the
                // papers' value (weighted) or number (otherwise) times it.
                let moved = if weighted {
                    value_moved.map_or_else(|| valid_votes.clone(), |v| v + &d)
                } else {
                    valid_papers.clone()
                };
                let slack = &slack + &two * &two * &tv_unit * moved;
                d = if weighted {
                    &d + &two * &t_bound * &d + &two * &dq + &slack
                } else {
                    BigRational::from_integer(BigInt::from(3)) * &d
                        + &two * &papers_changed
                        + &two * &dq
                        + &slack
                };
            }
            Action::FirstPreferences | Action::ElectRemaining | Action::Round => {}
        }
    }
    None
}
