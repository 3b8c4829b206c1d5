//! Vote values: the one [`Number`] abstraction and its two arithmetics.
//!
//! Owns how votes, quotas and transfer values are represented and rounded.
//! It knows nothing of rules: the engine asks for each operation with the
//! [`Rounding`] its rule prescribes, so that every truncation in a count is
//! written at the place where the rule book puts it.
//!
//! - [`Fixed`]: a decimal with a runtime number of places, held as a scaled
//!   `i128` (value × 10^places). Sums and products by paper counts are exact;
//!   divisions round as asked. Overflow of the fast path falls back to big
//!   integers, so a result is never silently wrong.
//! - [`Rational`]: an exact fraction of big integers (`num-rational`), for the
//!   "exact" variants; a [`Rounding`] to places is still honoured when a rule
//!   asks for one, so a rational count of a fixed-point rule agrees with the
//!   fixed count.
//!
//! Never floating point (see `specs/numbers.md`).

use std::fmt::Debug;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde::{Deserialize, Serialize};

use crate::decimal::{self, Decimal};

pub use crate::decimal::RoundMode;

/// How one operation's result is rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Rounding {
    /// No rounding asked by the rule: exact in rational arithmetic; in
    /// fixed-point arithmetic, truncated at the arithmetic's own places
    /// (the only thing a fixed-point machine can do).
    Exact,
    /// Rounded to `places` decimal places in direction `mode`.
    Places {
        /// Decimal places kept.
        places: u32,
        /// Direction of rounding.
        mode: RoundMode,
    },
}

impl Rounding {
    /// Truncation to `places` decimal places.
    pub const fn truncate(places: u32) -> Rounding {
        Rounding::Places {
            places,
            mode: RoundMode::Truncate,
        }
    }

    /// Rounding up to `places` decimal places.
    pub const fn up(places: u32) -> Rounding {
        Rounding::Places {
            places,
            mode: RoundMode::Up,
        }
    }
}

/// A vote value in one arithmetic.
///
/// Operations that need the arithmetic's precision take its context
/// (`Fixed`: the number of places; `Rational`: nothing).
pub trait Number: Clone + Ord + Debug {
    /// The arithmetic's parameters.
    type Ctx: Clone + Debug;

    /// Zero.
    fn zero() -> Self;
    /// A whole number of votes.
    fn from_count(n: u64, ctx: &Self::Ctx) -> Self;
    /// `self + other`, exact.
    fn add(&self, other: &Self) -> Self;
    /// `self - other`, exact.
    fn sub(&self, other: &Self) -> Self;
    /// `self × n` for a paper count `n`, exact.
    fn mul_count(&self, n: u64) -> Self;
    /// `a × b ÷ c`, computed exactly and rounded once. `c` must not be zero
    /// (the engine never divides by an empty total).
    fn mul_div(a: &Self, b: &Self, c: &Self, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// `a × b`, rounded.
    fn mul(a: &Self, b: &Self, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// `a ÷ b`, rounded; `b` not zero.
    fn div(a: &Self, b: &Self, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// `a ÷ n` for a count `n ≥ 1`, rounded.
    fn div_count(a: &Self, n: u64, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// `self` rounded.
    fn round(&self, r: Rounding, ctx: &Self::Ctx) -> Self;
    /// One unit in the last of `places` decimal places (`10^-places`).
    fn unit(places: u32, ctx: &Self::Ctx) -> Self;
    /// The value written with `places` decimals, truncated toward zero, with
    /// a leading `-` when negative (`"-690.00000"`).
    fn decimal(&self, places: u32, ctx: &Self::Ctx) -> String;
    /// The value as a typed [`Decimal`] of `places` places, truncated toward
    /// zero: the same text as [`Number::decimal`] (`"-690.00000"`, and
    /// `"0.00"` for a negative value above -0.01). `None` when `places` is
    /// beyond [`decimal::MAX_PLACES`] or the truncated value is outside a
    /// decimal's range (its mantissa beyond `i128::MAX` in magnitude).
    fn to_decimal(&self, places: u32, ctx: &Self::Ctx) -> Option<Decimal>;
    /// True when zero.
    fn is_zero(&self) -> bool {
        *self == Self::zero()
    }
    /// True when below zero.
    fn is_negative(&self) -> bool {
        *self < Self::zero()
    }
    /// The larger of `self` and zero.
    fn clamp_zero(&self) -> Self {
        if self.is_negative() {
            Self::zero()
        } else {
            self.clone()
        }
    }
}

/// `10^n` as an `i128` (n ≤ 38).
fn pow10(n: u32) -> i128 {
    10i128.pow(n)
}

fn pow10_big(n: u32) -> BigInt {
    num_traits::pow(BigInt::from(10), n as usize)
}

/// Divides `num / den` (den > 0) rounding by `mode`.
fn div_round_i128(num: i128, den: i128, mode: RoundMode) -> i128 {
    let (q, r) = (num.div_euclid(den), num.rem_euclid(den));
    // q is the floor; adjust toward the wanted direction by sign.
    if r == 0 {
        return q;
    }
    let negative = num < 0;
    match mode {
        RoundMode::Truncate => {
            if negative {
                q + 1
            } else {
                q
            }
        }
        RoundMode::Up => {
            if negative {
                q
            } else {
                q + 1
            }
        }
        RoundMode::HalfUp => {
            // Compare 2r with den: at or above half rounds away from zero.
            let twice = 2 * r;
            if negative {
                // floor is q; value = q + r/den with r/den in (0,1); away from zero is q.
                if twice <= den { q } else { q + 1 }
            } else if twice >= den {
                q + 1
            } else {
                q
            }
        }
    }
}

fn div_round_big(num: &BigInt, den: &BigInt, mode: RoundMode) -> BigInt {
    let (q, r) = num.div_mod_floor(den);
    if r.is_zero() {
        return q;
    }
    let negative = num.is_negative();
    match mode {
        RoundMode::Truncate => {
            if negative {
                q + 1
            } else {
                q
            }
        }
        RoundMode::Up => {
            if negative {
                q
            } else {
                q + 1
            }
        }
        RoundMode::HalfUp => {
            let twice: BigInt = &r * 2;
            if negative {
                if &twice <= den { q } else { q + 1 }
            } else if &twice >= den {
                q + 1
            } else {
                q
            }
        }
    }
}

/// A fixed-point decimal: the value × 10^places as an `i128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed(pub i128);

/// The context of [`Fixed`]: its number of decimal places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedCtx {
    /// Decimal places held.
    pub places: u32,
}

impl Fixed {
    /// Rounds the exact fraction `num / den` (in units of the value itself,
    /// i.e. `num/den` is the real number × 10^ctx.places) to `r`.
    fn from_ratio(num: i128, den: i128, r: Rounding, ctx: &FixedCtx) -> Option<Fixed> {
        let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
        match r {
            Rounding::Exact => Some(Fixed(div_round_i128(num, den, RoundMode::Truncate))),
            Rounding::Places { places, mode } => {
                let p = places.min(ctx.places);
                let shrink = pow10(ctx.places - p);
                let d = den.checked_mul(shrink)?;
                Some(Fixed(div_round_i128(num, d, mode).checked_mul(shrink)?))
            }
        }
    }

    fn from_ratio_big(num: BigInt, den: BigInt, r: Rounding, ctx: &FixedCtx) -> Fixed {
        let (num, den) = if den.is_negative() {
            (-num, -den)
        } else {
            (num, den)
        };
        let v = match r {
            Rounding::Exact => div_round_big(&num, &den, RoundMode::Truncate),
            Rounding::Places { places, mode } => {
                let p = places.min(ctx.places);
                let shrink = pow10_big(ctx.places - p);
                div_round_big(&num, &(&den * &shrink), mode) * shrink
            }
        };
        Fixed(v.to_i128().expect("a vote value beyond 10^38 units"))
    }

    fn ratio(num_a: i128, num_b: i128, den: i128, r: Rounding, ctx: &FixedCtx) -> Fixed {
        num_a
            .checked_mul(num_b)
            .and_then(|n| Fixed::from_ratio(n, den, r, ctx))
            .unwrap_or_else(|| {
                Fixed::from_ratio_big(
                    BigInt::from(num_a) * BigInt::from(num_b),
                    BigInt::from(den),
                    r,
                    ctx,
                )
            })
    }
}

impl Number for Fixed {
    type Ctx = FixedCtx;

    fn zero() -> Self {
        Fixed(0)
    }

    fn from_count(n: u64, ctx: &FixedCtx) -> Self {
        Fixed(i128::from(n) * pow10(ctx.places))
    }

    fn add(&self, other: &Self) -> Self {
        Fixed(self.0 + other.0)
    }

    fn sub(&self, other: &Self) -> Self {
        Fixed(self.0 - other.0)
    }

    fn mul_count(&self, n: u64) -> Self {
        Fixed(self.0 * i128::from(n))
    }

    fn mul_div(a: &Self, b: &Self, c: &Self, r: Rounding, ctx: &FixedCtx) -> Self {
        // (a/s)(b/s)/(c/s) = ab/(cs) real; in units of 1/s that is ab/c.
        Fixed::ratio(a.0, b.0, c.0, r, ctx)
    }

    fn mul(a: &Self, b: &Self, r: Rounding, ctx: &FixedCtx) -> Self {
        Fixed::ratio(a.0, b.0, pow10(ctx.places), r, ctx)
    }

    fn div(a: &Self, b: &Self, r: Rounding, ctx: &FixedCtx) -> Self {
        Fixed::ratio(a.0, pow10(ctx.places), b.0, r, ctx)
    }

    fn div_count(a: &Self, n: u64, r: Rounding, ctx: &FixedCtx) -> Self {
        Fixed::ratio(a.0, 1, i128::from(n), r, ctx)
    }

    fn round(&self, r: Rounding, ctx: &FixedCtx) -> Self {
        Fixed::ratio(self.0, 1, 1, r, ctx)
    }

    fn unit(places: u32, ctx: &FixedCtx) -> Self {
        Fixed(pow10(ctx.places - places.min(ctx.places)))
    }

    fn decimal(&self, places: u32, ctx: &FixedCtx) -> String {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let scale = 10u128.pow(ctx.places);
        let whole = abs / scale;
        let frac = abs % scale;
        let mut s = String::new();
        if negative
            && (whole != 0
                || frac_digits(frac, ctx.places, places)
                    .bytes()
                    .any(|b| b != b'0'))
        {
            s.push('-');
        }
        s.push_str(&whole.to_string());
        if places > 0 {
            s.push('.');
            s.push_str(&frac_digits(frac, ctx.places, places));
        }
        s
    }

    fn to_decimal(&self, places: u32, ctx: &FixedCtx) -> Option<Decimal> {
        let mantissa = if places <= ctx.places {
            // Division truncates toward zero; a divisor beyond i128 leaves
            // nothing of a value below it.
            10i128
                .checked_pow(ctx.places - places)
                .map_or(0, |shrink| self.0 / shrink)
        } else {
            self.0
                .checked_mul(10i128.checked_pow(places - ctx.places)?)?
        };
        Decimal::new(mantissa, places)
    }
}

/// The first `want` digits of a fraction held with `have` digits.
fn frac_digits(frac: u128, have: u32, want: u32) -> String {
    let full = if have == 0 {
        String::new()
    } else {
        format!("{:0width$}", frac, width = have as usize)
    };
    let mut digits: String = full.chars().take(want as usize).collect();
    while digits.len() < want as usize {
        digits.push('0');
    }
    digits
}

/// An exact rational vote value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rational(pub BigRational);

impl Rational {
    fn rounded(x: BigRational, r: Rounding) -> Rational {
        match r {
            Rounding::Exact => Rational(x),
            Rounding::Places { places, mode } => {
                let scale = pow10_big(places);
                let scaled = x * BigRational::from_integer(scale.clone());
                let n = div_round_big(scaled.numer(), scaled.denom(), mode);
                Rational(BigRational::new(n, scale))
            }
        }
    }
}

impl Number for Rational {
    type Ctx = ();

    fn zero() -> Self {
        Rational(BigRational::zero())
    }

    fn from_count(n: u64, _: &()) -> Self {
        Rational(BigRational::from_integer(BigInt::from(n)))
    }

    fn add(&self, other: &Self) -> Self {
        Rational(&self.0 + &other.0)
    }

    fn sub(&self, other: &Self) -> Self {
        Rational(&self.0 - &other.0)
    }

    fn mul_count(&self, n: u64) -> Self {
        Rational(&self.0 * BigRational::from_integer(BigInt::from(n)))
    }

    fn mul_div(a: &Self, b: &Self, c: &Self, r: Rounding, _: &()) -> Self {
        Rational::rounded(&a.0 * &b.0 / &c.0, r)
    }

    fn mul(a: &Self, b: &Self, r: Rounding, _: &()) -> Self {
        Rational::rounded(&a.0 * &b.0, r)
    }

    fn div(a: &Self, b: &Self, r: Rounding, _: &()) -> Self {
        Rational::rounded(&a.0 / &b.0, r)
    }

    fn div_count(a: &Self, n: u64, r: Rounding, _: &()) -> Self {
        Rational::rounded(&a.0 / BigRational::from_integer(BigInt::from(n)), r)
    }

    fn round(&self, r: Rounding, _: &()) -> Self {
        Rational::rounded(self.0.clone(), r)
    }

    fn unit(places: u32, _: &()) -> Self {
        Rational(BigRational::new(BigInt::one(), pow10_big(places)))
    }

    fn to_decimal(&self, places: u32, _: &()) -> Option<Decimal> {
        if places > decimal::MAX_PLACES {
            return None;
        }
        let scaled = &self.0 * BigRational::from_integer(pow10_big(places));
        // BigInt division truncates toward zero.
        Decimal::new((scaled.numer() / scaled.denom()).to_i128()?, places)
    }

    fn decimal(&self, places: u32, _: &()) -> String {
        let scale = pow10_big(places);
        let scaled = &self.0 * BigRational::from_integer(scale.clone());
        // Truncate toward zero.
        let t = scaled.numer() / scaled.denom();
        let negative = self.0.is_negative() && !t.is_zero();
        let abs = t.abs();
        let (whole, frac) = abs.div_rem(&scale);
        let mut s = String::new();
        if negative {
            s.push('-');
        }
        s.push_str(&whole.to_string());
        if places > 0 {
            s.push('.');
            s.push_str(&format!(
                "{:0>width$}",
                frac.to_string(),
                width = places as usize
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P5: FixedCtx = FixedCtx { places: 5 };
    const P2: FixedCtx = FixedCtx { places: 2 };

    fn fx(s: &str, ctx: &FixedCtx) -> Fixed {
        // Test helper: parse a decimal literal.
        let (w, f) = s.split_once('.').unwrap_or((s, ""));
        let mut f = f.to_string();
        while f.len() < ctx.places as usize {
            f.push('0');
        }
        Fixed(format!("{w}{f}").parse().unwrap())
    }

    #[test]
    fn scottish_tv_glasgow_2007_linn_ritchie_surplus_per_paper() {
        // RULES.md §11.3: Ritchie 2043 first preferences, quota 1914,
        // surplus 129: TV = T(129 × 1 / 2043, 5) = 0.06314 (129/2043 = 0.0631424…).
        let tv = Fixed::mul_div(
            &Fixed::from_count(129, &P5),
            &Fixed::from_count(1, &P5),
            &Fixed::from_count(2043, &P5),
            Rounding::truncate(5),
            &P5,
        );
        assert_eq!(tv.decimal(5, &P5), "0.06314");
    }

    #[test]
    fn per_paper_tv_differs_from_tv_times_value() {
        // RULES.md §10.1: T(s·v/t,5) is not T(s/t,5)·v. s=33.35496, v=0.06314, t=1947.35496.
        let s = fx("33.35496", &P5);
        let v = fx("0.06314", &P5);
        let t = fx("1947.35496", &P5);
        let per_paper = Fixed::mul_div(&s, &v, &t, Rounding::truncate(5), &P5);
        let once = Fixed::div(&s, &t, Rounding::truncate(5), &P5);
        let wrong = Fixed::mul(&once, &v, Rounding::truncate(5), &P5);
        // s·v/t = 2.10603…/1947.35 = 0.0010815… → 0.00108; T(s/t)=0.01712, ×v = 0.00108096 → 0.00108.
        assert_eq!(per_paper.decimal(5, &P5), "0.00108");
        assert_eq!(wrong.decimal(5, &P5), "0.00108");
        // A value class where they do differ: s=129, v=0.5, t=2043:
        // exact 129·0.5/2043 = 0.031571… → 0.03157; T(129/2043)=0.06314 ×0.5 = 0.03157.
        // and s=100, v=0.33333, t=300: exact 0.111110 → 0.11111; T(1/3)=0.33333×0.33333=0.1111088 → 0.11110.
        let a = Fixed::mul_div(
            &fx("100", &P5),
            &fx("0.33333", &P5),
            &fx("300", &P5),
            Rounding::truncate(5),
            &P5,
        );
        let b = Fixed::mul(
            &Fixed::div(&fx("100", &P5), &fx("300", &P5), Rounding::truncate(5), &P5),
            &fx("0.33333", &P5),
            Rounding::truncate(5),
            &P5,
        );
        assert_eq!(a.decimal(5, &P5), "0.11111");
        assert_eq!(b.decimal(5, &P5), "0.11110");
    }

    #[test]
    fn ers97_model_election_quota_tv_and_nt_difference() {
        // ERS97 §8.2 (RULES.md §11.1): 753 valid, 6 places → Up(753/7, 2) = 107.58;
        // Smith 134 − 107.58 = 26.42 over 123 transferable papers → T(0.2148,2) = 0.21;
        // transferred 0.21 × 123 = 25.83, NT difference 0.59.
        let quota = Fixed::div_count(&Fixed::from_count(753, &P2), 7, Rounding::up(2), &P2);
        assert_eq!(quota.decimal(2, &P2), "107.58");
        let surplus = Fixed::from_count(134, &P2).sub(&quota);
        assert_eq!(surplus.decimal(2, &P2), "26.42");
        let tv = Fixed::div_count(&surplus, 123, Rounding::truncate(2), &P2);
        assert_eq!(tv.decimal(2, &P2), "0.21");
        let moved = tv.mul_count(123);
        assert_eq!(moved.decimal(2, &P2), "25.83");
        assert_eq!(surplus.sub(&moved).decimal(2, &P2), "0.59");
    }

    #[test]
    fn ers97_exercise_9_2_quotas() {
        // RULES.md §11.2, 9.2: Up(V/(S+1), 2).
        for (v, s, q) in [
            (5334, 6, "762.00"),
            (698, 7, "87.25"),
            (28625, 5, "4770.84"),
            (731, 20, "34.81"),
            (25, 2, "8.34"),
        ] {
            let quota = Fixed::div_count(&Fixed::from_count(v, &P2), s + 1, Rounding::up(2), &P2);
            assert_eq!(quota.decimal(2, &P2), q, "{v} votes, {s} places");
        }
    }

    #[test]
    fn rounding_modes_at_every_sign() {
        let cases = [
            // (num, den, truncate, half-up, up) in units of 10^-2 at 2 places.
            (1, 3, 0, 0, 1),
            (1, 2, 0, 1, 1),
            (-1, 2, 0, -1, -1),
            (-1, 3, 0, 0, -1),
            (5, 1, 5, 5, 5),
            (2, 3, 0, 1, 1),
        ];
        for (n, d, t, h, u) in cases {
            assert_eq!(div_round_i128(n, d, RoundMode::Truncate), t, "{n}/{d}");
            assert_eq!(div_round_i128(n, d, RoundMode::HalfUp), h, "{n}/{d}");
            assert_eq!(div_round_i128(n, d, RoundMode::Up), u, "{n}/{d}");
            let (bn, bd) = (BigInt::from(n), BigInt::from(d));
            assert_eq!(
                div_round_big(&bn, &bd, RoundMode::Truncate),
                BigInt::from(t)
            );
            assert_eq!(div_round_big(&bn, &bd, RoundMode::HalfUp), BigInt::from(h));
            assert_eq!(div_round_big(&bn, &bd, RoundMode::Up), BigInt::from(u));
        }
    }

    #[test]
    fn overflowing_products_fall_back_to_big_integers() {
        let ctx = FixedCtx { places: 18 };
        let big = Fixed::from_count(1_000_000_000, &ctx); // 10^27 units
        let r = Fixed::mul_div(&big, &big, &big, Rounding::Exact, &ctx);
        assert_eq!(r, big);
    }

    #[test]
    fn rationals_round_like_fixed_when_asked() {
        let a = Rational::from_count(129, &());
        let b = Rational::from_count(2043, &());
        let one = Rational::from_count(1, &());
        let tv = Rational::mul_div(&a, &one, &b, Rounding::truncate(5), &());
        assert_eq!(tv.decimal(5, &()), "0.06314");
        let exact = Rational::div(&a, &b, Rounding::Exact, &());
        assert_eq!(exact.decimal(8, &()), "0.06314243");
        assert_eq!(
            Rational::from_count(0, &()).sub(&tv).decimal(5, &()),
            "-0.06314"
        );
        assert_eq!(Rational::unit(4, &()).decimal(4, &()), "0.0001");
    }

    #[test]
    fn decimals_truncate_toward_zero_and_pad() {
        assert_eq!(fx("1302.942", &P5).decimal(5, &P5), "1302.94200");
        assert_eq!(fx("1302.94299", &P5).decimal(2, &P5), "1302.94");
        assert_eq!(Fixed(-69000000).decimal(5, &P5), "-690.00000");
        assert_eq!(Fixed(-1).decimal(2, &P5), "0.00");
        assert_eq!(Fixed(7).decimal(0, &FixedCtx { places: 0 }), "7");
        assert_eq!(Fixed(7).decimal(2, &FixedCtx { places: 0 }), "7.00");
    }

    #[test]
    fn typed_decimals_write_what_decimal_writes() {
        let text = |d: Option<Decimal>| d.map(|d| d.to_string());
        for (x, places, ctx, want) in [
            (fx("1302.942", &P5), 5, P5, "1302.94200"),
            (fx("1302.94299", &P5), 2, P5, "1302.94"),
            (Fixed(-69000000), 5, P5, "-690.00000"),
            (Fixed(-300), 2, P2, "-3.00"),
            (Fixed(-1), 2, P5, "0.00"),
            (Fixed(12), 0, FixedCtx { places: 0 }, "12"),
            (Fixed(7), 2, FixedCtx { places: 0 }, "7.00"),
        ] {
            assert_eq!(x.decimal(places, &ctx), want);
            assert_eq!(text(x.to_decimal(places, &ctx)).as_deref(), Some(want));
        }
        assert_eq!(
            Fixed(i128::MIN).to_decimal(0, &FixedCtx { places: 0 }),
            None
        );
        assert_eq!(Fixed(1).to_decimal(19, &P5), None);
        let third = Rational(BigRational::new(BigInt::from(-1), BigInt::from(3)));
        assert_eq!(text(third.to_decimal(5, &())).as_deref(), Some("-0.33333"));
        assert_eq!(third.decimal(5, &()), "-0.33333");
        let tiny = Rational(BigRational::new(BigInt::from(-1), BigInt::from(1000)));
        assert_eq!(text(tiny.to_decimal(2, &())).as_deref(), Some("0.00"));
    }

    mod to_decimal {
        use proptest::prelude::*;

        use super::*;

        /// Values near zero, near the ends of i128, or anywhere.
        fn scaled() -> impl Strategy<Value = i128> {
            prop_oneof![
                -100_000_000i128..=100_000_000,
                (0..=1_000_000i128).prop_map(|k| i128::MAX - k),
                (0..=1_000_000i128).prop_map(|k| i128::MIN + k),
                any::<i128>(),
            ]
        }

        /// `Some` with the very text of `decimal()`, or `None` exactly when
        /// that text is not a decimal in range.
        fn agrees(typed: Option<Decimal>, text: &str) -> Result<(), TestCaseError> {
            match typed {
                Some(d) => prop_assert_eq!(d.to_string(), text),
                None => prop_assert_eq!(Decimal::parse(text), None, "{} refused", text),
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn fixed(value in scaled(), held in 0..=18u32, places in 0..=20u32) {
                let ctx = FixedCtx { places: held };
                let x = Fixed(value);
                agrees(x.to_decimal(places, &ctx), &x.decimal(places, &ctx))?;
            }

            #[test]
            fn rational(
                numer in scaled(),
                factor in prop_oneof![Just(1i128), any::<i64>().prop_map(i128::from)],
                denom in prop_oneof![1..=1_000i128, 1..=i128::MAX],
                places in 0..=20u32,
            ) {
                let x = Rational(BigRational::new(
                    BigInt::from(numer) * BigInt::from(factor),
                    BigInt::from(denom),
                ));
                agrees(x.to_decimal(places, &()), &x.decimal(places, &()))?;
            }
        }
    }
}
