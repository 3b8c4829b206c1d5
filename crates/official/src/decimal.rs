//! Exact published decimals, and how a sheet shortened them.
//!
//! Grammar of a [`Decimal`] (what result sheets and transcripts write):
//!
//! ```text
//! decimal = ["-"] digit+ ["." digit+]
//! ```
//!
//! No exponent, no thousands separator, no sign `+`. A decimal is held as
//! an exact scaled integer (`mantissa / 10^places`), never a float, and it
//! remembers how many places it was written with: a sheet cell `"393"` and a
//! cell `"393.00000"` are the same number published at different precisions,
//! which is what [`Shortening`] needs.
//!
//! This module owns the arithmetic of comparing at the published precision;
//! which cells to compare is [`mod@crate::compare`]'s business.

use std::cmp::Ordering;
use std::fmt;

/// The most decimal places a [`Decimal`] may have.
pub const MAX_PLACES: u32 = 18;

/// An exact decimal number with the number of places it was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    mantissa: i128,
    places: u32,
}

impl Decimal {
    /// Reads `text` by the grammar above; `None` when it does not follow it
    /// or has more than [`MAX_PLACES`] places or too many digits.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match body.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (body, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
            return None;
        }
        let fraction = fraction.unwrap_or("");
        let places = u32::try_from(fraction.len()).ok()?;
        if places > MAX_PLACES {
            return None;
        }
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(b - b'0'))?;
        }
        Some(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            places,
        })
    }

    /// A whole number.
    pub fn from_integer(n: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(n),
            places: 0,
        }
    }

    /// The number of decimal places it was written with.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The same value written with `places` places, when that loses nothing
    /// (`places` at least [`Self::places`] and within [`MAX_PLACES`]).
    pub fn widened(&self, places: u32) -> Option<Decimal> {
        if places < self.places || places > MAX_PLACES {
            return None;
        }
        let mantissa = self
            .mantissa
            .checked_mul(10i128.checked_pow(places - self.places)?)?;
        Some(Decimal { mantissa, places })
    }

    /// This value shortened to `places` places by `rounding` (itself when it
    /// already has no more places).
    pub fn shortened(&self, places: u32, rounding: Rounding) -> Decimal {
        if places >= self.places {
            return *self;
        }
        let Some(unit) = 10i128.checked_pow(self.places - places) else {
            return Decimal {
                mantissa: 0,
                places,
            };
        };
        // Sheets publish non-negative totals; for negative transfers both
        // rules work on the magnitude (toward zero / half away from zero),
        // which is how a printed figure loses its digits.
        let magnitude = self.mantissa.abs();
        let kept = match rounding {
            Rounding::Down => magnitude / unit,
            Rounding::HalfUp => (magnitude + unit / 2) / unit,
        };
        Decimal {
            mantissa: if self.mantissa < 0 { -kept } else { kept },
            places,
        }
    }

    /// The exact sum, at the larger of the two places; `None` on overflow.
    pub fn checked_add(&self, other: &Decimal) -> Option<Decimal> {
        let places = self.places.max(other.places);
        let (a, b) = (self.widened(places)?, other.widened(places)?);
        Some(Decimal {
            mantissa: a.mantissa.checked_add(b.mantissa)?,
            places,
        })
    }

    /// Compares the values, whatever the places they were written with.
    pub fn cmp_value(&self, other: &Decimal) -> Ordering {
        let places = self.places.max(other.places);
        match (self.widened(places), other.widened(places)) {
            (Some(a), Some(b)) => a.mantissa.cmp(&b.mantissa),
            // Only reachable for values near i128's limit: compare the
            // whole parts, then the fractions widened to MAX_PLACES (a
            // fraction below 1 always fits).
            _ => {
                let split = |d: &Decimal| {
                    let unit = 10i128.pow(d.places);
                    let fraction = (d.mantissa % unit) * 10i128.pow(MAX_PLACES - d.places);
                    (d.mantissa / unit, fraction)
                };
                split(self).cmp(&split(other))
            }
        }
    }

    /// Whether the two have the same value (`"393"` equals `"393.00000"`).
    pub fn same_value(&self, other: &Decimal) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let magnitude = self.mantissa.unsigned_abs();
        if self.places == 0 {
            return write!(f, "{sign}{magnitude}");
        }
        let unit = 10u128.pow(self.places);
        write!(
            f,
            "{sign}{}.{:0width$}",
            magnitude / unit,
            magnitude % unit,
            width = self.places as usize
        )
    }
}

/// One way of dropping decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rounding {
    /// Cut off (toward zero): the statute's "any remainder being ignored".
    Down,
    /// To the nearest, a half going away from zero: what a spreadsheet's
    /// number format does.
    HalfUp,
}

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

    /// The rounding applied to a cell of `places` places.
    pub fn rounding_for(&self, places: u32) -> Rounding {
        match *self {
            Shortening::HalfUp => Rounding::HalfUp,
            Shortening::Down => Rounding::Down,
            Shortening::Mixed { rounded_up_to } if places <= rounded_up_to => Rounding::HalfUp,
            Shortening::Mixed { .. } => Rounding::Down,
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
    fn parses_by_the_grammar() {
        for (text, ok) in [
            ("393", true),
            ("0", true),
            ("832.84154", true),
            ("-549", true),
            ("-0.00940", true),
            ("1337.00", true),
            ("", false),
            ("-", false),
            (".5", false),
            ("5.", false),
            ("+5", false),
            ("1e3", false),
            ("1,302.94", false),
            (" 12", false),
            ("12.3.4", false),
            ("0.1234567890123456789", false),
            ("99999999999999999999999999999999999999999", false),
        ] {
            assert_eq!(Decimal::parse(text).is_some(), ok, "{text:?}");
        }
    }

    #[test]
    fn writes_back_with_its_places() {
        for text in ["393", "1337.00", "-0.00940", "832.84154", "0.5"] {
            assert_eq!(d(text).to_string(), text);
        }
        assert_eq!(d("393").widened(5).unwrap().to_string(), "393.00000");
        assert_eq!(d("393.5").widened(0), None);
    }

    #[test]
    fn sums_are_exact_at_the_larger_places() {
        assert_eq!(
            d("7.35").checked_add(&d("-0.5")).unwrap().to_string(),
            "6.85"
        );
        assert_eq!(
            d("1").checked_add(&d("0.00001")).unwrap().to_string(),
            "1.00001"
        );
        let big = Decimal::parse(&i128::MAX.to_string()).unwrap();
        assert_eq!(big.checked_add(&d("1")), None);
    }

    #[test]
    fn values_compare_across_places() {
        assert!(d("393").same_value(&d("393.00000")));
        assert!(!d("393").same_value(&d("393.00001")));
        assert_eq!(d("-1.5").cmp_value(&d("1")), Ordering::Less);
    }

    #[test]
    fn shortening_rounds_or_cuts() {
        // (value, places, rounding, result)
        for (value, places, rounding, result) in [
            ("998.53286", 4, Rounding::Down, "998.5328"),
            ("998.53286", 4, Rounding::HalfUp, "998.5329"),
            ("1516.04082", 2, Rounding::HalfUp, "1516.04"),
            ("680.66808", 2, Rounding::HalfUp, "680.67"),
            ("680.66500", 2, Rounding::HalfUp, "680.67"),
            ("680.66499", 2, Rounding::HalfUp, "680.66"),
            ("-258.56786", 2, Rounding::HalfUp, "-258.57"),
            ("-258.56786", 2, Rounding::Down, "-258.56"),
            ("303.00000", 0, Rounding::Down, "303"),
            ("12.5", 3, Rounding::Down, "12.5"),
        ] {
            assert_eq!(
                d(value).shortened(places, rounding).to_string(),
                result,
                "{value} to {places} {rounding:?}"
            );
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
}
