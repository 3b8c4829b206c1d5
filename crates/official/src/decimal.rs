//! How a result sheet shortened the figures it published, and comparing a
//! cell with our figure at the cell's precision.
//!
//! The number itself is [`count::decimal::Decimal`] (grammar, accepted
//! range, exact arithmetic), re-exported here and as [`crate::Decimal`] so
//! that sheets and transcripts share one typed decimal; a sheet cell keeps
//! the places it was written with (`"393"` and `"393.00000"` are the same
//! number published at different precisions), which is what [`Shortening`]
//! needs. Dropping places goes in a [`RoundMode`] direction, the engine's own.
//!
//! This module owns the rule of comparing at the published precision;
//! which cells to compare is [`mod@crate::compare`]'s business.

pub use count::decimal::{Decimal, MAX_PLACES, ParseDecimalError};
pub use count::numbers::RoundMode;

/// How a result sheet shortened the figures it published with fewer decimal
/// places than the count keeps.
///
/// The count keeps, say, five places (`832.84152`); a sheet may print
/// `832.84`, `833` or `832.8415`. A published cell agrees with our value
/// when our value, shortened to the cell's number of places by this rule,
/// is the cell. A cell with at least as many places as ours must equal ours
/// exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shortening {
    /// Every shortened cell was rounded half up.
    HalfUp,
    /// Every shortened cell was cut off.
    Down,
    /// Cells with at most `rounded_up_to` places were rounded half up (a
    /// sheet's fixed display format); cells with more places than that were
    /// cut off (digits dropped when copied). This is what the Scottish 2017
    /// sheets show: see [`Shortening::SCOTTISH_COUNCILS`].
    Mixed {
        /// The most places a rounded cell has.
        rounded_up_to: u32,
    },
}

impl Shortening {
    /// The rule the Scottish council sheets of 2012 and 2017 follow, found by
    /// recounting all 356 wards (`specs/official-scottish.md`): 2-place cells
    /// are rounded (183 cells where rounding and cutting differ, all
    /// rounded), 3- and 4-place cells are cut off or are 5-place figures
    /// whose trailing zeros were dropped (one cell where the two differ:
    /// Glasgow 2017 Hillhead stage 2, `998.5328` for 998.53286).
    pub const SCOTTISH_COUNCILS: Shortening = Shortening::Mixed { rounded_up_to: 2 };

    /// How sheets in `format` shorten figures unless told otherwise: the
    /// Scottish councils' rule for Scottish sheets, half up for the rest.
    pub fn of_format(format: crate::SheetFormat) -> Shortening {
        match format {
            crate::SheetFormat::ScottishJson | crate::SheetFormat::ScottishCsv => {
                Shortening::SCOTTISH_COUNCILS
            }
            _ => Shortening::HalfUp,
        }
    }

    /// The rounding applied to a cell of `places` places.
    pub fn rounding_for(&self, places: u32) -> RoundMode {
        match *self {
            Shortening::HalfUp => RoundMode::HalfUp,
            Shortening::Down => RoundMode::Truncate,
            Shortening::Mixed { rounded_up_to } if places <= rounded_up_to => RoundMode::HalfUp,
            Shortening::Mixed { .. } => RoundMode::Truncate,
        }
    }

    /// Whether a `published` cell agrees with `ours` at the published precision.
    pub fn agrees(&self, published: &Decimal, ours: &Decimal) -> bool {
        let places = published.places();
        if places >= ours.places() {
            return published.same_value(ours);
        }
        published.same_value(&ours.shortened(places, self.rounding_for(places)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn each_shortening_names_a_rounding() {
        // (rule, places, rounding)
        for (rule, places, rounding) in [
            (Shortening::HalfUp, 4, RoundMode::HalfUp),
            (Shortening::Down, 2, RoundMode::Truncate),
            (Shortening::SCOTTISH_COUNCILS, 0, RoundMode::HalfUp),
            (Shortening::SCOTTISH_COUNCILS, 2, RoundMode::HalfUp),
            (Shortening::SCOTTISH_COUNCILS, 3, RoundMode::Truncate),
            (Shortening::SCOTTISH_COUNCILS, 4, RoundMode::Truncate),
        ] {
            assert_eq!(rule.rounding_for(places), rounding, "{rule:?} at {places}");
        }
    }

    #[test]
    fn scottish_cells_agree_at_their_published_precision() {
        let rule = Shortening::SCOTTISH_COUNCILS;
        // (published, ours, agrees)
        for (published, ours, agrees) in [
            ("1516.04", "1516.04082", true),
            ("680.67", "680.66808", true),
            ("680.66", "680.66808", false),
            ("998.5328", "998.53286", true),
            ("1988.9274", "1988.92740", true),
            ("393", "303.00000", false),
            ("393", "393.00000", true),
            ("832.84154", "832.84152", false),
            ("832.84152", "832.84152", true),
            ("2202", "2202.00000", true),
        ] {
            assert_eq!(
                rule.agrees(&d(published), &d(ours)),
                agrees,
                "{published} vs {ours}"
            );
        }
        assert!(!Shortening::HalfUp.agrees(&d("998.5328"), &d("998.53286")));
        assert!(!Shortening::Down.agrees(&d("680.67"), &d("680.66808")));
    }

    /// The overflow bug, through the comparison: a sheet cell rounded from
    /// a figure within half a unit of `i128::MAX` (a panic with overflow
    /// checks, a silent disagreement without them).
    #[test]
    fn a_cell_rounded_next_to_i128_max_agrees() {
        let ours = d("17014118346046923173168730371588410572.7");
        let published = d("17014118346046923173168730371588410573");
        assert!(Shortening::HalfUp.agrees(&published, &ours));
        assert!(Shortening::SCOTTISH_COUNCILS.agrees(&published, &ours));
        assert!(!Shortening::Down.agrees(&published, &ours));
        assert!(Shortening::Down.agrees(&d("17014118346046923173168730371588410572"), &ours));
        assert!(Shortening::HalfUp.agrees(&-published, &-ours));
    }

    mod extremes {
        use num_bigint::BigInt;
        use proptest::prelude::*;

        use super::*;

        fn mantissa() -> impl Strategy<Value = i128> {
            prop_oneof![
                (0..=1_000_000i128).prop_map(|k| i128::MAX - k),
                (0..=1_000_000i128).prop_map(|k| -(i128::MAX - k)),
                -1_000_000_000i128..=1_000_000_000,
                (i128::MIN + 1)..=i128::MAX,
            ]
        }

        fn rule() -> impl Strategy<Value = Shortening> {
            prop_oneof![
                Just(Shortening::HalfUp),
                Just(Shortening::Down),
                (0..=MAX_PLACES).prop_map(|rounded_up_to| Shortening::Mixed { rounded_up_to }),
            ]
        }

        /// `ours` (mantissa at `from` places) as published at `to` places by
        /// `rule`, in big integers: the independent computation.
        fn published(m: i128, from: u32, to: u32, rule: Shortening) -> BigInt {
            let pow = |n: u32| BigInt::from(10).pow(n);
            let m = BigInt::from(m);
            if to >= from {
                return m * pow(to - from);
            }
            let unit = pow(from - to);
            let zero = BigInt::from(0);
            let negative = m < zero;
            let magnitude = if negative { -m } else { m };
            let (q, r) = (&magnitude / &unit, &magnitude % &unit);
            let up = match rule.rounding_for(to) {
                RoundMode::Truncate => false,
                RoundMode::HalfUp => &r * 2 >= unit,
                RoundMode::Up => r != zero,
            };
            let q = q + BigInt::from(u8::from(up));
            if negative { -q } else { q }
        }

        fn cell(mantissa: &BigInt, places: u32) -> Option<Decimal> {
            Decimal::new(i128::try_from(mantissa).ok()?, places)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// Never panics; agrees with the cell the rule would print, and
            /// with no cell one unit either side of it.
            #[test]
            fn agrees_exactly_with_the_printed_cell(
                m in mantissa(),
                ours_places in 0..=MAX_PLACES,
                cell_places in 0..=MAX_PLACES,
                rule in rule(),
            ) {
                let ours = Decimal::new(m, ours_places).unwrap();
                let printed = published(m, ours_places, cell_places, rule);
                if let Some(c) = cell(&printed, cell_places) {
                    prop_assert!(rule.agrees(&c, &ours), "{} vs {}", c, ours);
                }
                for next in [&printed + 1, &printed - 1] {
                    if let Some(c) = cell(&next, cell_places) {
                        prop_assert!(!rule.agrees(&c, &ours), "{} vs {}", c, ours);
                    }
                }
            }
        }
    }
}
