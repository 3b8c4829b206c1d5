//! Whether a [`Rules`] value's options fit together: roundings no finer
//! than the arithmetic holds, a tie chain that can end a tie, a seed that
//! is hexadecimal. Each refusal is a [`RulesError`] naming the field by its
//! key path in the rules format (`specs/rules/README.md`).

use std::fmt;

use super::*;

/// Fixed-point arithmetic holds at most this many places (scaled `i128`
/// products of two values must not overflow).
pub const MAX_FIXED_PLACES: u32 = 18;

/// Why a [`Rules`] value cannot be counted with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RulesError {
    /// A rounding or unit finer than the fixed-point arithmetic holds.
    FinerThanArithmetic {
        /// The field, by key path.
        field: &'static str,
        /// The places it asks for.
        places: u32,
        /// The places the arithmetic holds.
        held: u32,
    },
    /// More places than can be held or written.
    TooManyPlaces {
        /// The field, by key path.
        field: &'static str,
        /// The places asked for.
        places: u32,
        /// The most allowed.
        most: u32,
    },
    /// `ties.chain` is empty: a tie could not be broken.
    EmptyTieChain,
    /// A tie-breaking method is listed twice in `ties.chain`.
    RepeatedTieBreak(TieBreak),
    /// `ties.seed` is not 1 to 64 hexadecimal digits.
    BadSeed(String),
    /// `method.gregory.exclusion.sure_losers.smallest_group` is 0: a defeat
    /// of no candidate.
    EmptySureLosers,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulesError::FinerThanArithmetic {
                field,
                places,
                held,
            } => write!(
                f,
                "{field} is {places} places but the arithmetic holds {held} (arithmetic.places)"
            ),
            RulesError::TooManyPlaces {
                field,
                places,
                most,
            } => write!(f, "{field} is {places}; at most {most}"),
            RulesError::EmptyTieChain => {
                write!(f, "ties.chain is empty: a tie could not be broken")
            }
            RulesError::RepeatedTieBreak(t) => {
                let name = serde_json::to_value(t)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                write!(f, "ties.chain lists {name:?} twice")
            }
            RulesError::BadSeed(seed) => {
                write!(f, "ties.seed {seed:?}: expected 1 to 64 hexadecimal digits")
            }
            RulesError::EmptySureLosers => write!(
                f,
                "method.gregory.exclusion.sure_losers.smallest_group is 0; at least 1"
            ),
        }
    }
}

impl std::error::Error for RulesError {}

/// Checks `rules`; the first problem found is returned.
pub(super) fn validate(rules: &Rules) -> Result<(), RulesError> {
    if rules.display_places > crate::decimal::MAX_PLACES {
        return Err(RulesError::TooManyPlaces {
            field: "display_places",
            places: rules.display_places,
            most: crate::decimal::MAX_PLACES,
        });
    }
    if rules.ties.chain.is_empty() {
        return Err(RulesError::EmptyTieChain);
    }
    for (i, t) in rules.ties.chain.iter().enumerate() {
        if rules.ties.chain[..i].contains(t) {
            return Err(RulesError::RepeatedTieBreak(*t));
        }
    }
    if let Some(seed) = &rules.ties.seed {
        seed_bytes(seed).map_err(|_| RulesError::BadSeed(seed.clone()))?;
    }
    if let Method::Gregory(g) = &rules.method
        && g.exclusion
            .sure_losers
            .is_some_and(|s| s.smallest_group == 0)
    {
        return Err(RulesError::EmptySureLosers);
    }
    let Some(held) = rules.fixed_places() else {
        return Ok(());
    };
    if held > MAX_FIXED_PLACES {
        return Err(RulesError::TooManyPlaces {
            field: "arithmetic.places",
            places: held,
            most: MAX_FIXED_PLACES,
        });
    }
    let mut places: Vec<(&'static str, Option<u32>)> = vec![
        (
            "quota.rounding.places",
            rounding_places(rules.quota.rounding),
        ),
        (
            "quota.increment.places",
            match rules.quota.increment {
                QuotaIncrement::Unit { places } => Some(places),
                _ => None,
            },
        ),
    ];
    match &rules.method {
        Method::Gregory(g) => {
            places.push((
                "method.gregory.surplus.transfer_value.rounding.places",
                rounding_places(g.surplus.transfer_value.rounding),
            ));
            places.push((
                "method.gregory.active_vote_threshold.places",
                g.active_vote_threshold.and_then(rounding_places),
            ));
        }
        Method::Iterative(it) => {
            places.push((
                "method.iterative.keep_rounding.places",
                rounding_places(it.keep_rounding),
            ));
            places.push((
                "method.iterative.keep_value_update.rounding.places",
                rounding_places(it.keep_value_update.rounding),
            ));
            if let Remainder::Complement { rounding } = it.remainder {
                places.push((
                    "method.iterative.remainder.rounding.places",
                    rounding_places(rounding),
                ));
            }
            // ω = 10^-places must be a positive figure of the arithmetic.
            places.push((
                "method.iterative.convergence.omega_places",
                Some(it.convergence.omega_places),
            ));
        }
    }
    for (field, p) in places {
        if let Some(places) = p
            && places > held
        {
            return Err(RulesError::FinerThanArithmetic {
                field,
                places,
                held,
            });
        }
    }
    Ok(())
}

fn rounding_places(r: Rounding) -> Option<u32> {
    match r {
        Rounding::Places { places, .. } => Some(places),
        Rounding::Exact => None,
    }
}
