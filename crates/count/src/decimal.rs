//! Exact written decimals: the one typed decimal of transcripts and of
//! published result sheets.
//!
//! Grammar of a [`Decimal`]:
//!
//! ```text
//! decimal = ["-"] digit+ ["." digit{1,18}]
//! ```
//!
//! No exponent, no thousands separator, no sign `+`. Accepted range: at most
//! [`MAX_PLACES`] (18) places, and the digits read as one integer with the
//! point removed (the *mantissa*) at most [`i128::MAX`]
//! (170141183460469231731687303715884105727) in magnitude, so from
//! `-i128::MAX / 10^places` to `i128::MAX / 10^places`. Text beyond that range
//! is refused, never rounded; nothing inside it is refused. `-0` and `-0.00`
//! are read as zero and written without the sign.
//!
//! A decimal is held as that exact scaled integer (`mantissa / 10^places`),
//! never a float, and it remembers how many places it was written with: a
//! sheet cell `"393"` and a cell `"393.00000"` are the same number written at
//! different precisions. `==` compares the writing (value *and* places);
//! [`Decimal::same_value`] and [`Decimal::cmp_value`] compare values.
//! [`Display`](fmt::Display) writes exactly `places` places (`"1302.94200"`,
//! `"-3.00"`, `"12"`), so parsing then writing gives back the text whenever
//! the text has no leading zeros and is not a negative zero. Serde writes
//! and reads the same text as a JSON string, never a JSON number.
//!
//! Every operation is total on the accepted range or says `None`: the
//! mantissa is never `i128::MIN`, so negation and magnitude cannot overflow;
//! shortening works on the `u128` magnitude, which has room for the half
//! unit it adds; comparisons across places split whole part and fraction
//! instead of widening; sums and widenings are checked and refuse exactly the
//! results outside the range (a sum that overflows `i128` on the way is
//! redone in big integers).
//!
//! This module owns the number and its rounding to fewer places (by a
//! [`RoundMode`], the same directions as the engine's
//! [`Rounding`](crate::numbers::Rounding)); converting an engine value is
//! [`Number::to_decimal`](crate::numbers::Number::to_decimal), and how a
//! published sheet shortened its figures belongs to the `official` crate.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Neg;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// Which way a division's remainder goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundMode {
    /// Toward zero: "any remainder being ignored" (SSI 2007/42 r.48(3)).
    Truncate,
    /// To nearest, a half going away from zero.
    HalfUp,
    /// Away from zero: "drop the remainder and add 0.01" (ERS97 5.1.6).
    Up,
}

/// The most decimal places a [`Decimal`] may have.
pub const MAX_PLACES: u32 = 18;

/// An exact decimal number with the number of places it was written with.
///
/// ```
/// use count::decimal::Decimal;
/// use count::numbers::RoundMode;
///
/// let ours: Decimal = "680.66808".parse().unwrap();
/// assert_eq!(ours.shortened(2, RoundMode::HalfUp).to_string(), "680.67");
/// assert_eq!(Decimal::new(-300, 2).unwrap().to_string(), "-3.00");
/// assert!(ours.checked_sub(&ours).unwrap().same_value(&Decimal::from_integer(0)));
/// // Outside the grammar or the range: refused.
/// assert!(Decimal::parse("1,302.94").is_none());
/// assert!(Decimal::new(i128::MIN, 0).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// Never `i128::MIN`: `|mantissa| <= i128::MAX`.
    mantissa: i128,
    /// At most [`MAX_PLACES`].
    places: u32,
}

/// Why a text is not a [`Decimal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParseDecimalError {
    /// The text does not follow the grammar.
    Syntax,
    /// More than [`MAX_PLACES`] places.
    TooManyPlaces,
    /// The mantissa's magnitude is beyond `i128::MAX`.
    OutOfRange,
}

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseDecimalError::Syntax => "not a decimal ([-]digits[.digits])",
            ParseDecimalError::TooManyPlaces => "more than 18 decimal places",
            ParseDecimalError::OutOfRange => {
                "digits (without the point) beyond 170141183460469231731687303715884105727"
            }
        })
    }
}

impl std::error::Error for ParseDecimalError {}

/// `10^n` for `n <= MAX_PLACES`, which always fits.
fn unit(n: u32) -> i128 {
    debug_assert!(n <= MAX_PLACES);
    10i128.pow(n)
}

impl Decimal {
    /// `mantissa / 10^places`; `None` when `places` is beyond [`MAX_PLACES`]
    /// or `mantissa` is `i128::MIN` (outside the symmetric range).
    pub fn new(mantissa: i128, places: u32) -> Option<Decimal> {
        (places <= MAX_PLACES && mantissa != i128::MIN).then_some(Decimal { mantissa, places })
    }

    /// Reads `text` by the grammar above; `None` when it does not follow it
    /// or is outside the accepted range ([`str::parse`] says why).
    pub fn parse(text: &str) -> Option<Decimal> {
        text.parse().ok()
    }

    /// A whole number.
    pub fn from_integer(n: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(n),
            places: 0,
        }
    }

    /// The scaled integer: the value × 10^[`places`](Self::places).
    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    /// The number of decimal places it was written with.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// True when below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The same value written with `places` places, when that loses nothing
    /// (`places` at least [`Self::places`] and within [`MAX_PLACES`]) and
    /// the widened mantissa stays in range.
    pub fn widened(&self, places: u32) -> Option<Decimal> {
        if places < self.places || places > MAX_PLACES {
            return None;
        }
        let mantissa = self.mantissa.checked_mul(unit(places - self.places))?;
        Decimal::new(mantissa, places)
    }

    /// This value shortened to `places` places in direction `mode`: toward
    /// zero, half away from zero, or away from zero, working on the
    /// magnitude, which is how a printed figure loses its digits (itself when
    /// it already has no more places). Total on the accepted range.
    pub fn shortened(&self, places: u32, mode: RoundMode) -> Decimal {
        if places >= self.places {
            return *self;
        }
        // `self.places <= MAX_PLACES`, so `unit <= 10^18`; the magnitude is
        // at most `i128::MAX = 2^127 - 1`, so adding `unit - 1` stays far
        // below `u128::MAX = 2^128 - 1`, and the quotient (divided by at
        // least 10) is far below `i128::MAX` again.
        let unit = unit(self.places - places).unsigned_abs();
        let magnitude = self.mantissa.unsigned_abs();
        let kept = match mode {
            RoundMode::Truncate => magnitude / unit,
            RoundMode::HalfUp => (magnitude + unit / 2) / unit,
            RoundMode::Up => magnitude.div_ceil(unit),
        };
        let kept = i128::try_from(kept).expect("a shortened magnitude is smaller");
        Decimal {
            mantissa: if self.mantissa < 0 { -kept } else { kept },
            places,
        }
    }

    /// The exact sum, at the larger of the two places; `None` exactly when
    /// it is outside the range.
    pub fn checked_add(&self, other: &Decimal) -> Option<Decimal> {
        let places = self.places.max(other.places);
        let widen = |d: &Decimal| d.mantissa.checked_mul(unit(places - d.places));
        let fast = widen(self)
            .zip(widen(other))
            .and_then(|(a, b)| a.checked_add(b));
        let mantissa = match fast {
            Some(m) => m,
            // An operand near the limit widened beyond i128, or the sum did:
            // redo it in big integers (the sum may still be in range, as in
            // `i128::MAX + (0.1 - i128::MAX)`).
            None => {
                let widen =
                    |d: &Decimal| BigInt::from(d.mantissa) * BigInt::from(unit(places - d.places));
                (widen(self) + widen(other)).to_i128()?
            }
        };
        Decimal::new(mantissa, places)
    }

    /// The exact difference `self - other`, at the larger of the two places;
    /// `None` exactly when it is outside the range.
    pub fn checked_sub(&self, other: &Decimal) -> Option<Decimal> {
        self.checked_add(&-*other)
    }

    /// Compares the values, whatever the places they were written with.
    /// Total: never widens, so never overflows.
    pub fn cmp_value(&self, other: &Decimal) -> Ordering {
        // (whole part toward zero, fraction at MAX_PLACES with the value's
        // sign): the fraction is below 10^18 in magnitude, and ordering the
        // pairs lexicographically orders the values, since a fraction never
        // reaches a whole unit.
        let split = |d: &Decimal| {
            let unit = unit(d.places);
            (
                d.mantissa / unit,
                (d.mantissa % unit) * self::unit(MAX_PLACES - d.places),
            )
        };
        split(self).cmp(&split(other))
    }

    /// Whether the two have the same value (`"393"` equals `"393.00000"`).
    pub fn same_value(&self, other: &Decimal) -> bool {
        self.cmp_value(other) == Ordering::Equal
    }
}

/// A decimal equals the text it is written as (`"6.00000"` is not `"6"`):
/// what a transcript's reader compares on the wire.
impl PartialEq<str> for Decimal {
    fn eq(&self, other: &str) -> bool {
        // Text is canonical (`Display`), so equal text is equal mantissa
        // at equal places.
        Decimal::parse(other)
            .is_some_and(|d| d.mantissa() == self.mantissa() && d.places() == self.places())
    }
}

impl PartialEq<&str> for Decimal {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl Neg for Decimal {
    type Output = Decimal;

    /// Total: the range is symmetric.
    fn neg(self) -> Decimal {
        Decimal {
            mantissa: -self.mantissa,
            places: self.places,
        }
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Decimal, ParseDecimalError> {
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
            return Err(ParseDecimalError::Syntax);
        }
        let fraction = fraction.unwrap_or("");
        let places = u32::try_from(fraction.len())
            .ok()
            .filter(|&p| p <= MAX_PLACES)
            .ok_or(ParseDecimalError::TooManyPlaces)?;
        // Accumulated as a magnitude up to i128::MAX, so that negating it
        // below is in range.
        let mut mantissa: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            mantissa = mantissa
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(b - b'0')))
                .ok_or(ParseDecimalError::OutOfRange)?;
        }
        Ok(Decimal {
            mantissa: if negative { -mantissa } else { mantissa },
            places,
        })
    }
}

impl fmt::Display for Decimal {
    /// Exactly [`Decimal::places`] places, a `-` only when below zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let magnitude = self.mantissa.unsigned_abs();
        if self.places == 0 {
            return write!(f, "{sign}{magnitude}");
        }
        let unit = unit(self.places).unsigned_abs();
        write!(
            f,
            "{sign}{}.{:0width$}",
            magnitude / unit,
            magnitude % unit,
            width = self.places as usize
        )
    }
}

impl Serialize for Decimal {
    /// As a JSON string holding the [`Display`](fmt::Display) text.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    /// From a string by the grammar; a JSON number is refused (it may have
    /// been through a float).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        struct DecimalText;

        impl Visitor<'_> for DecimalText {
            type Value = Decimal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal written as a string, such as \"1302.94200\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
                text.parse()
                    .map_err(|e| E::custom(format_args!("{text:?}: {e}")))
            }
        }

        deserializer.deserialize_str(DecimalText)
    }
}

#[cfg(test)]
mod tests {
    use num_integer::Integer;
    use num_traits::{Signed, Zero};
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).unwrap()
    }

    #[test]
    fn parses_by_the_grammar() {
        use ParseDecimalError::{OutOfRange, Syntax, TooManyPlaces};
        for (text, result) in [
            ("393", Ok(())),
            ("0", Ok(())),
            ("832.84154", Ok(())),
            ("-549", Ok(())),
            ("-0.00940", Ok(())),
            ("1337.00", Ok(())),
            ("0.123456789012345678", Ok(())),
            ("170141183460469231731687303715884105727", Ok(())),
            ("-170141183460469231731687303715884105727", Ok(())),
            ("170141183460469231731.687303715884105727", Ok(())),
            ("", Err(Syntax)),
            ("-", Err(Syntax)),
            ("--5", Err(Syntax)),
            (".5", Err(Syntax)),
            ("5.", Err(Syntax)),
            ("+5", Err(Syntax)),
            ("1e3", Err(Syntax)),
            ("1,302.94", Err(Syntax)),
            (" 12", Err(Syntax)),
            ("12.3.4", Err(Syntax)),
            ("0.1234567890123456789", Err(TooManyPlaces)),
            ("170141183460469231731687303715884105728", Err(OutOfRange)),
            // i128::MIN's digits: outside the symmetric range.
            ("-170141183460469231731687303715884105728", Err(OutOfRange)),
            ("99999999999999999999999999999999999999999", Err(OutOfRange)),
        ] {
            assert_eq!(text.parse::<Decimal>().map(|_| ()), result, "{text:?}");
        }
    }

    #[test]
    fn writes_exactly_its_places() {
        for text in [
            "393",
            "1337.00",
            "-0.00940",
            "832.84154",
            "0.5",
            "1302.94200",
            "-3.00",
            "12",
        ] {
            assert_eq!(d(text).to_string(), text);
        }
        assert_eq!(d("-0.00").to_string(), "0.00");
        assert_eq!(d("007.5").to_string(), "7.5");
        assert_eq!(d("393").widened(5).unwrap().to_string(), "393.00000");
        assert_eq!(d("393.5").widened(0), None);
        assert_eq!(
            Decimal::new(130294200, 5).unwrap().to_string(),
            "1302.94200"
        );
        assert_eq!(Decimal::new(1, 19), None);
        assert_eq!(Decimal::new(i128::MIN, 0), None);
    }

    #[test]
    fn serde_uses_a_json_string() {
        let value = d("-1302.94200");
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"-1302.94200\"");
        let back: Decimal = serde_json::from_str("\"-1302.94200\"").unwrap();
        assert_eq!(back, value);
        assert!(serde_json::from_str::<Decimal>("1302.942").is_err());
        let err = serde_json::from_str::<Decimal>("\"1,302\"").unwrap_err();
        assert!(err.to_string().contains("not a decimal"), "{err}");
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
        assert_eq!(
            d("1302.94200").checked_sub(&d("2")).unwrap().to_string(),
            "1300.94200"
        );
        let big = Decimal::parse(&i128::MAX.to_string()).unwrap();
        assert_eq!(big.checked_add(&d("1")), None);
        assert_eq!((-big).checked_sub(&d("1")), None, "would be i128::MIN");
        assert_eq!(big.checked_add(&d("0.1")), None, "widening overflows");
        assert_eq!(big.checked_sub(&big).unwrap().to_string(), "0");
        // An operand widens beyond i128, the sum does not.
        let tenth = d("17014118346046923173168730371588410573");
        assert_eq!(tenth.widened(1), None);
        assert_eq!(
            tenth.checked_add(&d("-0.3")).unwrap().to_string(),
            "17014118346046923173168730371588410572.7"
        );
        assert_eq!(tenth.checked_add(&d("-0.2")), None);
    }

    #[test]
    fn values_compare_across_places() {
        assert!(d("393").same_value(&d("393.00000")));
        assert!(!d("393").same_value(&d("393.00001")));
        assert_eq!(d("-1.5").cmp_value(&d("1")), Ordering::Less);
        assert_eq!(d("-0.5").cmp_value(&d("0")), Ordering::Less);
        assert_eq!(d("-0.5").cmp_value(&d("-1")), Ordering::Greater);
        let big = Decimal::new(i128::MAX, 0).unwrap();
        assert_eq!(big.cmp_value(&d("0.000000000000000001")), Ordering::Greater);
        assert_eq!((-big).cmp_value(&d("-0.5")), Ordering::Less);
    }

    #[test]
    fn shortening_rounds_or_cuts() {
        use RoundMode::{HalfUp, Truncate, Up};
        // (value, places, mode, result)
        for (value, places, mode, result) in [
            ("998.53286", 4, Truncate, "998.5328"),
            ("998.53286", 4, HalfUp, "998.5329"),
            ("1516.04082", 2, HalfUp, "1516.04"),
            ("680.66808", 2, HalfUp, "680.67"),
            ("680.66500", 2, HalfUp, "680.67"),
            ("680.66499", 2, HalfUp, "680.66"),
            ("-258.56786", 2, HalfUp, "-258.57"),
            ("-258.56786", 2, Truncate, "-258.56"),
            ("-258.56186", 2, Up, "-258.57"),
            ("107.571428", 2, Up, "107.58"),
            ("107.570000", 2, Up, "107.57"),
            ("303.00000", 0, Truncate, "303"),
            ("12.5", 3, Truncate, "12.5"),
        ] {
            assert_eq!(
                d(value).shortened(places, mode).to_string(),
                result,
                "{value} to {places} {mode:?}"
            );
        }
    }

    /// The overflow bug: half up added half a unit to a mantissa within half
    /// a unit of `i128::MAX` (a panic with overflow checks, a wrong answer
    /// without them).
    #[test]
    fn shortening_half_up_next_to_i128_max_does_not_overflow() {
        let value = d("17014118346046923173168730371588410572.7");
        assert_eq!(value.mantissa(), i128::MAX);
        assert_eq!(
            value.shortened(0, RoundMode::HalfUp).to_string(),
            "17014118346046923173168730371588410573"
        );
        assert_eq!(
            (-value).shortened(0, RoundMode::HalfUp).to_string(),
            "-17014118346046923173168730371588410573"
        );
        assert_eq!(
            value.shortened(0, RoundMode::Up).to_string(),
            "17014118346046923173168730371588410573"
        );
        let max18 = Decimal::new(i128::MAX, 18).unwrap();
        assert_eq!(
            max18.shortened(0, RoundMode::HalfUp).to_string(),
            "170141183460469231732"
        );
    }

    // Properties at the extremes, checked against big integers.

    fn big(d: &Decimal) -> BigInt {
        BigInt::from(d.mantissa())
    }

    fn pow10(n: u32) -> BigInt {
        num_traits::pow(BigInt::from(10), n as usize)
    }

    /// The value × 10^MAX_PLACES, exactly.
    fn at_max_places(d: &Decimal) -> BigInt {
        big(d) * pow10(MAX_PLACES - d.places())
    }

    /// A mantissa near zero, near ±i128::MAX, or anywhere in the range.
    fn mantissa() -> impl Strategy<Value = i128> {
        prop_oneof![
            (0..=1_000_000i128).prop_map(|k| i128::MAX - k),
            (0..=1_000_000i128).prop_map(|k| -(i128::MAX - k)),
            -1_000_000_000i128..=1_000_000_000,
            (i128::MIN + 1)..=i128::MAX,
        ]
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (mantissa(), 0..=MAX_PLACES).prop_map(|(m, p)| Decimal::new(m, p).unwrap())
    }

    fn mode() -> impl Strategy<Value = RoundMode> {
        prop_oneof![
            Just(RoundMode::Truncate),
            Just(RoundMode::HalfUp),
            Just(RoundMode::Up),
        ]
    }

    /// `n / den` (den > 0) rounded on the magnitude by `mode`.
    fn shorten_big(n: &BigInt, den: &BigInt, mode: RoundMode) -> BigInt {
        let (q, r) = n.abs().div_rem(den);
        let up = match mode {
            RoundMode::Truncate => false,
            RoundMode::HalfUp => &r * 2 >= *den,
            RoundMode::Up => !r.is_zero(),
        };
        let q = if up { q + 1 } else { q };
        if n.is_negative() { -q } else { q }
    }

    fn in_range(n: &BigInt) -> bool {
        n.abs() <= BigInt::from(i128::MAX)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn display_then_parse_gives_the_same_decimal(x in decimal()) {
            let text = x.to_string();
            prop_assert_eq!(Decimal::parse(&text), Some(x));
            let places = text.split_once('.').map_or(0, |(_, f)| f.len());
            prop_assert_eq!(places, x.places() as usize);
            prop_assert_eq!(serde_json::to_string(&x).unwrap(), format!("\"{text}\""));
            prop_assert_eq!(serde_json::from_str::<Decimal>(&format!("\"{text}\"")).unwrap(), x);
        }

        #[test]
        fn parse_then_display_gives_the_same_text(
            negative in any::<bool>(),
            whole in "[1-9][0-9]{0,38}|0",
            fraction in proptest::option::of("[0-9]{1,18}"),
        ) {
            let sign = if negative { "-" } else { "" };
            let text = match &fraction {
                Some(f) => format!("{sign}{whole}.{f}"),
                None => format!("{sign}{whole}"),
            };
            let digits: BigInt = format!("{whole}{}", fraction.as_deref().unwrap_or(""))
                .parse()
                .unwrap();
            match Decimal::parse(&text) {
                Some(x) => {
                    prop_assert!(in_range(&digits));
                    let zero = digits.is_zero();
                    if !(negative && zero) {
                        prop_assert_eq!(x.to_string(), text);
                    }
                }
                None => prop_assert!(!in_range(&digits), "{} refused", text),
            }
        }

        #[test]
        fn shortening_never_panics_and_is_exact(x in decimal(), places in 0..=MAX_PLACES, mode in mode()) {
            let short = x.shortened(places, mode);
            if places >= x.places() {
                prop_assert_eq!(short, x);
            } else {
                let want = shorten_big(&big(&x), &pow10(x.places() - places), mode);
                prop_assert_eq!(short.places(), places);
                prop_assert_eq!(big(&short), want);
            }
        }

        #[test]
        fn comparisons_are_exact_across_places(a in decimal(), b in decimal()) {
            let want = at_max_places(&a).cmp(&at_max_places(&b));
            prop_assert_eq!(a.cmp_value(&b), want);
            prop_assert_eq!(a.same_value(&b), want == Ordering::Equal);
        }

        #[test]
        fn widening_sums_and_differences_are_exact_or_none(a in decimal(), b in decimal(), places in 0..=MAX_PLACES) {
            match a.widened(places) {
                Some(w) => {
                    prop_assert_eq!(w.places(), places);
                    prop_assert_eq!(at_max_places(&w), at_max_places(&a));
                }
                None => prop_assert!(places < a.places()
                    || !in_range(&(big(&a) * pow10(places - a.places())))),
            }
            let p = a.places().max(b.places());
            let (wa, wb) = (big(&a) * pow10(p - a.places()), big(&b) * pow10(p - b.places()));
            for (got, want) in [(a.checked_add(&b), &wa + &wb), (a.checked_sub(&b), &wa - &wb)] {
                match got {
                    Some(s) => {
                        prop_assert_eq!(s.places(), p);
                        prop_assert_eq!(big(&s), want);
                    }
                    None => prop_assert!(!in_range(&want), "{} is in range", want),
                }
            }
            prop_assert_eq!(big(&-a), -big(&a));
            prop_assert_eq!(big(&a).to_i128(), Some(a.mantissa()));
        }
    }
}
