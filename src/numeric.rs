//! Python's numeric semantics on Rust primitives: floor division and modulo,
//! rounding, int/float conversions, parsing, `**` on floats and hashing.
//!
//! Callers raise the Python exceptions; each function documents which
//! `None`/`Err` result maps to which error.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{FromPrimitive, Signed, ToPrimitive, Zero};

pub mod bigwork;
pub mod complex;
mod unicode_digits;

pub(crate) use unicode_digits::decimal_value;

/// `a // b` on ints; `None` on overflow (`i64::MIN // -1`) or `b == 0` (caller raises first).
pub fn floor_div_i64(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    Some(if a % b != 0 && (a < 0) != (b < 0) { q - 1 } else { q })
}

/// `a % b` on ints, with the sign of the divisor; `b` must be nonzero.
pub fn mod_i64(a: i64, b: i64) -> i64 {
    let r = a.wrapping_rem(b);
    if r != 0 && (r < 0) != (b < 0) {
        r + b
    } else {
        r
    }
}

/// `divmod(a, b)` on floats, ported from CPython's `_float_div_mod`; `b` must be nonzero.
pub fn divmod_f64(a: f64, b: f64) -> (f64, f64) {
    let mut rem = a % b;
    // a - rem is mathematically a multiple of b; the division may be inexact.
    let mut div = (a - rem) / b;
    if rem != 0.0 {
        if (b < 0.0) != (rem < 0.0) {
            rem += b;
            div -= 1.0;
        }
    } else {
        rem = 0.0f64.copysign(b);
    }
    let floor_div = if div != 0.0 {
        let floor = div.floor();
        if div - floor > 0.5 {
            floor + 1.0
        } else {
            floor
        }
    } else {
        0.0f64.copysign(a / b)
    };
    (floor_div, rem)
}

/// `a // b` on floats (`b` nonzero): `-1.0 // inf == -1.0`, `inf // 1 == nan`.
pub fn floor_div_f64(a: f64, b: f64) -> f64 {
    divmod_f64(a, b).0
}

/// `a % b` on floats (`b` nonzero), with the sign of the divisor: `-1.0 % inf == inf`.
pub fn mod_f64(a: f64, b: f64) -> f64 {
    divmod_f64(a, b).1
}

/// `round(x)` before conversion to int: halfway cases go to the even neighbour.
pub fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

/// `round(x, ndigits)` on floats, correctly rounded on the exact binary value;
/// `None` → OverflowError "rounded value too large to represent".
pub fn round_f64_ndigits(x: f64, ndigits: i64) -> Option<f64> {
    // Beyond these bounds every finite float rounds to itself or to zero.
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Some(x);
    }
    if ndigits < NDIGITS_MIN {
        return Some(0.0 * x);
    }
    if ndigits >= 0 {
        // Rust's fixed-precision output is the exact value rounded half-even.
        return Some(format!("{:.*}", ndigits as usize, x).parse().expect("float text"));
    }
    let int_part = f64_to_bigint(x)?;
    let has_fraction = x.fract() != 0.0;
    let unit = BigUint::from(10u32).pow((-ndigits) as u32);
    let (quotient, rem) = int_part.magnitude().div_rem(&unit);
    // A nonzero fraction breaks a tie in favour of rounding away from zero.
    let round_up = match (rem * 2u32).cmp(&unit) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => has_fraction || quotient.is_odd(),
        std::cmp::Ordering::Less => false,
    };
    let quotient = if round_up { quotient + 1u32 } else { quotient };
    let magnitude = bigint_to_f64(&BigInt::from(quotient * unit))?;
    Some(magnitude.copysign(x))
}

/// `round(v, ndigits)` on ints: half-even to a multiple of `10**-ndigits`; `round(1250, -2) == 1200`.
pub fn round_int_ndigits(v: &BigInt, ndigits: i64) -> BigInt {
    if ndigits >= 0 {
        return v.clone();
    }
    // Once 10**k > 2**(bits + 1) > 2*|v|, the nearest multiple is 0.
    if ndigits.unsigned_abs() > v.bits() {
        return BigInt::zero();
    }
    let unit = BigInt::from(10u32).pow(ndigits.unsigned_abs() as u32);
    // CPython's divmod_near: floor division, then move to the nearer multiple.
    let (mut quotient, rem) = v.div_mod_floor(&unit);
    let twice_rem: BigInt = rem * 2;
    if twice_rem > unit || (twice_rem == unit && quotient.is_odd()) {
        quotient += 1;
    }
    quotient * unit
}

/// `int(x)` for a float, truncating; `None` for inf (OverflowError
/// "cannot convert float infinity to integer") or nan (ValueError
/// "cannot convert float NaN to integer").
pub fn f64_to_bigint(x: f64) -> Option<BigInt> {
    BigInt::from_f64(x)
}

/// `float(v)` for an int, rounded half-even; `None` → OverflowError "int too large to convert to float".
pub fn bigint_to_f64(v: &BigInt) -> Option<f64> {
    v.to_f64().filter(|x| x.is_finite())
}

/// `a / b` on ints, correctly rounded; `b` must be nonzero;
/// `None` → OverflowError "integer division result too large for a float".
pub fn true_div_bigint(a: &BigInt, b: &BigInt) -> Option<f64> {
    // Ints up to 2**53 are exact floats, and IEEE division rounds correctly.
    let exact = |v: &BigInt| v.to_i64().filter(|v| v.unsigned_abs() <= 1 << 53);
    if let (Some(x), Some(y)) = (exact(a), exact(b)) {
        return Some(x as f64 / y as f64);
    }
    let magnitude = if a.is_zero() { 0.0 } else { div_magnitudes(a.magnitude(), b.magnitude())? };
    let negative = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    Some(if negative { -magnitude } else { magnitude })
}

/// `n / d` for positive `n`, `d`, rounded half-even to a double (subnormals included).
fn div_magnitudes(n: &BigUint, d: &BigUint) -> Option<f64> {
    let bit_diff = n.bits() as i64 - d.bits() as i64;
    // n / d < 2**(bit_diff + 1): far enough out, the answer is known.
    if bit_diff > 1025 {
        return None;
    }
    if bit_diff < -1080 {
        return Some(0.0);
    }
    // Scale so the integer quotient has 55 or 56 bits: two more than a
    // double keeps, plus the remainder as a sticky bit, decide the rounding.
    let shift = 55 - bit_diff;
    let (num, den) = if shift >= 0 { (n << shift as usize, d.clone()) } else { (n.clone(), d << (-shift) as usize) };
    let (q, r) = num.div_rem(&den);
    let q = q.to_u64().expect("quotient below 2**57");
    let q_bits = 64 - i64::from(q.leading_zeros());
    // The value lies in [2**(top - 1), 2**top); subnormals keep fewer bits.
    let top = q_bits - shift;
    let kept = (top + 1074).min(53);
    let dropped = q_bits - kept;
    if dropped >= 64 {
        return Some(0.0);
    }
    let mut mantissa = q >> dropped;
    let rest = q - (mantissa << dropped);
    let half = 1u64 << (dropped - 1);
    if rest > half || (rest == half && (!r.is_zero() || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    Some(ldexp(mantissa as f64, dropped - shift)).filter(|x| x.is_finite())
}

/// `x * 2**k`, exact whenever the result is representable.
fn ldexp(x: f64, k: i64) -> f64 {
    let pow2 = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    // Split the scale so that no factor leaves the range of normal doubles.
    let step = k.clamp(-1000, 1000);
    x * pow2(step) * pow2(k - step)
}

/// Python's `isspace` for the characters `int()` and `float()` strip.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The text `int()` and `float()` parse: decimal digits of any script become
/// ASCII digits, surrounding whitespace goes.
fn numeric_text(s: &str) -> std::borrow::Cow<'_, str> {
    let s = s.trim_matches(is_py_space);
    if s.is_ascii() {
        return s.into();
    }
    s.chars()
        .map(|c| match decimal_value(c) {
            Some(d) => char::from_digit(d, 10).expect("decimal digit"),
            None => c,
        })
        .collect::<String>()
        .into()
}

/// `int(s, base)` for base 0 (infer from prefix) or 2..=36: surrounding
/// whitespace, a sign, `0x`/`0o`/`0b` prefixes, single underscores between
/// digits. `Err(None)` → ValueError "invalid literal for int() with base 10: 'x'";
/// `Err(Some(msg))` → ValueError `msg`, for more digits than the conversion limit. The
/// outer `Err` is `check`'s, which a long text is parsed between steps of.
#[allow(clippy::type_complexity)]
pub fn parse_int<E>(
    s: &str,
    base: u32,
    check: &mut impl FnMut() -> Result<(), E>,
) -> Result<Result<BigInt, Option<String>>, E> {
    let text = match int_digits(s, base) {
        Ok(text) => text,
        Err(e) => return Ok(Err(e)),
    };
    let Some(magnitude) = bigwork::parse_digits(text.digits.as_bytes(), text.base, check)? else {
        return Ok(Err(None));
    };
    if text.c_octal && !magnitude.is_zero() {
        return Ok(Err(None));
    }
    let sign = if text.negative { Sign::Minus } else { Sign::Plus };
    Ok(Ok(BigInt::from_biguint(sign, magnitude)))
}

/// The parts of an int's text that `parse_int` turns into its value.
struct IntDigits {
    negative: bool,
    base: u32,
    digits: String,
    /// Base 0 rejects C-style octal such as "010"; zeros alone are fine.
    c_octal: bool,
}

/// Splits `int(s, base)`'s text into sign, base and digits (checked, underscores removed).
fn int_digits(s: &str, base: u32) -> Result<IntDigits, Option<String>> {
    let inferred = base == 0;
    let text = numeric_text(s);
    let s = text.as_ref();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let prefix_base = match s.get(..2).map(str::to_ascii_lowercase).as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 0,
    };
    let (base, body) = match base {
        0 if prefix_base == 0 => (10, s),
        0 => (prefix_base, &s[2..]),
        _ if base == prefix_base => (base, &s[2..]),
        _ => (base, s),
    };
    // One underscore may follow a prefix.
    let body = match body.len() < s.len() {
        true => body.strip_prefix('_').unwrap_or(body),
        false => body,
    };
    let is_digit = |c: char| c.is_digit(base);
    let digits = remove_underscores(body, is_digit).ok_or(None)?;
    if digits.is_empty() || !digits.chars().all(is_digit) {
        return Err(None);
    }
    check_int_parse_digits(digits.len(), base).map_err(Some)?;
    let c_octal = inferred && base == 10 && s.starts_with('0');
    Ok(IntDigits { negative, base, digits, c_octal })
}

/// `float(s)`: surrounding whitespace, sign, decimal or exponent notation,
/// `inf`/`infinity`/`nan` in any case, single underscores between digits;
/// `None` → ValueError "could not convert string to float: 'x'".
pub fn parse_float(s: &str) -> Option<f64> {
    let text = remove_underscores(&numeric_text(s), |c| c.is_ascii_digit())?;
    text.parse().ok()
}

/// Drops each underscore that sits between two characters accepted by
/// `is_digit`; `None` if an underscore sits anywhere else.
fn remove_underscores(text: &str, is_digit: impl Fn(char) -> bool) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut prev = None;
    for c in text.chars() {
        if c == '_' {
            if !prev.is_some_and(&is_digit) {
                return None;
            }
        } else {
            if prev == Some('_') && !is_digit(c) {
                return None;
            }
            out.push(c);
        }
        prev = Some(c);
    }
    (prev != Some('_')).then_some(out)
}

/// Why a float power has no float result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowError {
    /// ZeroDivisionError "0.0 cannot be raised to a negative power".
    ZeroToNegative,
    /// A negative base with a fractional exponent: Python returns a complex.
    Complex,
    /// OverflowError "(34, 'Numerical result out of range')".
    Overflow,
}

impl PowError {
    /// CPython's message (empty for `Complex`, which is not an error).
    pub fn message(self) -> &'static str {
        match self {
            PowError::ZeroToNegative => "0.0 cannot be raised to a negative power",
            PowError::Complex => "",
            PowError::Overflow => "(34, 'Numerical result out of range')",
        }
    }
}

/// `a ** b` on floats, with CPython's special cases from `float_pow`.
pub fn pow_f64(a: f64, b: f64) -> Result<f64, PowError> {
    let is_odd_integer = |y: f64| y % 2.0 == 1.0 || y % 2.0 == -1.0;
    if b == 0.0 {
        return Ok(1.0);
    }
    if a.is_nan() {
        return Ok(a);
    }
    if b.is_nan() {
        return Ok(if a == 1.0 { 1.0 } else { b });
    }
    if b.is_infinite() {
        let a = a.abs();
        return Ok(if a == 1.0 {
            1.0
        } else if (b > 0.0) == (a > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    if a.is_infinite() {
        let odd = is_odd_integer(b);
        return Ok(match (b > 0.0, odd) {
            (true, true) => a,
            (true, false) => a.abs(),
            (false, true) => 0.0f64.copysign(a),
            (false, false) => 0.0,
        });
    }
    if a == 0.0 {
        if b < 0.0 {
            return Err(PowError::ZeroToNegative);
        }
        return Ok(if is_odd_integer(b) { a } else { 0.0 });
    }
    let (base, negate) = if a < 0.0 {
        if b != b.floor() {
            return Err(PowError::Complex);
        }
        (-a, is_odd_integer(b))
    } else {
        (a, false)
    };
    let magnitude = if base == 1.0 { 1.0 } else { base.powf(b) };
    if magnitude.is_infinite() {
        return Err(PowError::Overflow);
    }
    Ok(if negate { -magnitude } else { magnitude })
}

/// Modulus of CPython's numeric hash: equal numbers of any type hash equally.
const HASH_MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314_159;

/// Applies the sign and avoids -1, which CPython reserves for errors.
fn signed_hash(magnitude: u64, negative: bool) -> i64 {
    let h = if negative { -(magnitude as i64) } else { magnitude as i64 };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(x)` for a float; equals `hash(int(x))` when x is integral. NaN
/// returns 0: CPython 3.10+ hashes a NaN by object identity instead.
pub fn hash_f64(x: f64) -> i64 {
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    if x.is_nan() || x == 0.0 {
        return 0;
    }
    // x = mantissa * 2**exp exactly, and 2**61 == 1 modulo the modulus.
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exp) = match raw_exp {
        0 => (fraction, -1074),
        _ => (fraction | (1 << 52), raw_exp - 1075),
    };
    let shift = exp.rem_euclid(i64::from(HASH_BITS)) as u32;
    let h = (u128::from(mantissa) << shift) % u128::from(HASH_MODULUS);
    signed_hash(h as u64, x < 0.0)
}

/// `hash(v)` for an int: `|v|` modulo 2**61 - 1, with v's sign.
pub fn hash_bigint(v: &BigInt) -> i64 {
    let h = (v.magnitude() % HASH_MODULUS).to_u64().expect("below the modulus");
    signed_hash(h, v.is_negative())
}

/// `hash(v)` for an int that fits in an `i64`; same as [`hash_bigint`].
pub fn hash_i64(v: i64) -> i64 {
    signed_hash(v.unsigned_abs() % HASH_MODULUS, v < 0)
}

// ---- CPython 3.11's limit on int/str conversion (`sys.set_int_max_str_digits`) ----

/// The default limit on the decimal digits of an int converted to or from a string.
pub const DEFAULT_MAX_STR_DIGITS: usize = 4300;
/// The smallest nonzero limit `sys.set_int_max_str_digits` accepts.
pub const STR_DIGITS_CHECK_THRESHOLD: usize = 640;

thread_local! {
    /// The interpreter's limit; 0 means none.
    static MAX_STR_DIGITS: std::cell::Cell<usize> = const { std::cell::Cell::new(DEFAULT_MAX_STR_DIGITS) };
}

pub fn max_str_digits() -> usize {
    MAX_STR_DIGITS.with(|m| m.get())
}

/// Sets the limit; `Err` holds the ValueError message for a value CPython refuses.
pub fn set_max_str_digits(n: i64) -> Result<(), &'static str> {
    if n != 0 && n < STR_DIGITS_CHECK_THRESHOLD as i64 {
        return Err("maxdigits must be 0 or larger than 640");
    }
    MAX_STR_DIGITS.with(|m| m.set(n as usize));
    Ok(())
}

/// The decimal text of `v`, or the ValueError message when it has more digits than the limit.
pub fn int_to_decimal(v: &BigInt) -> Result<String, String> {
    let limit = max_str_digits();
    let too_many = || {
        format!(
            "Exceeds the limit ({} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
            limit
        )
    };
    // A number of `bits` bits has at least floor((bits - 1) * log10(2)) + 1 digits: refuse
    // without converting when that is already over the limit (conversion is quadratic).
    let bits = v.bits();
    if limit != 0 && bits > 1 && ((bits - 1) as f64 * std::f64::consts::LOG10_2) as usize + 1 > limit {
        return Err(too_many());
    }
    let text = v.to_string();
    let digits = text.len() - usize::from(v.is_negative());
    if limit != 0 && digits > limit {
        return Err(too_many());
    }
    Ok(text)
}

/// Checks the digit count of a string about to be parsed as an int in `base` (only bases
/// that are not powers of two are limited, as in CPython): the ValueError message if over.
pub fn check_int_parse_digits(digits: usize, base: u32) -> Result<(), String> {
    let limit = max_str_digits();
    if limit == 0 || base.is_power_of_two() || digits <= limit {
        return Ok(());
    }
    Err(format!(
        "Exceeds the limit ({} digits) for integer string conversion: value has {} digits; \
         use sys.set_int_max_str_digits() to increase the limit",
        limit, digits
    ))
}
