//! Big-int work that can take seconds: products of million-digit numbers, powers, and
//! decimal text to int. It is done in steps with a `check` between them (the caller's
//! test of Ctrl-C and the run's limits), so that a deadline stops it; numbers below
//! `STEP_BITS` are worked on in one go, as before.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::Zero;

/// Operands with fewer bits than this are multiplied at once (some tens of milliseconds).
const STEP_BITS: u64 = 1 << 21;

/// Decimal digits parsed at once by `BigUint::parse_bytes` (quadratic, so kept short).
const PARSE_DIGITS: usize = 4096;

/// `a * b`, checking between the partial products of huge operands.
pub fn mul<E>(a: &BigInt, b: &BigInt, check: &mut impl FnMut() -> Result<(), E>) -> Result<BigInt, E> {
    if a.bits().min(b.bits()) < STEP_BITS {
        return Ok(a * b);
    }
    let sign = if a.sign() == b.sign() { Sign::Plus } else { Sign::Minus };
    Ok(BigInt::from_biguint(sign, mul_magnitude(a.magnitude(), b.magnitude(), check)?))
}

/// Karatsuba's split of the product down to operands below `STEP_BITS`, each of which is
/// multiplied after a `check`.
fn mul_magnitude<E>(a: &BigUint, b: &BigUint, check: &mut impl FnMut() -> Result<(), E>) -> Result<BigUint, E> {
    let (a, b) = if a.bits() >= b.bits() { (a, b) } else { (b, a) };
    if b.bits() < STEP_BITS {
        check()?;
        return Ok(a * b);
    }
    let half = (a.bits() / 2 / 32 * 32) as usize;
    let (a1, a0) = split(a, half);
    if b.bits() <= half as u64 {
        let hi = mul_magnitude(&a1, b, check)?;
        let lo = mul_magnitude(&a0, b, check)?;
        return Ok((hi << half) + lo);
    }
    let (b1, b0) = split(b, half);
    let z2 = mul_magnitude(&a1, &b1, check)?;
    let z0 = mul_magnitude(&a0, &b0, check)?;
    let z1 = mul_magnitude(&(&a1 + &a0), &(&b1 + &b0), check)? - &z2 - &z0;
    Ok((z2 << (2 * half)) + (z1 << half) + z0)
}

/// `x` as its bits from `bits` up and its low `bits` bits (a multiple of 32).
fn split(x: &BigUint, bits: usize) -> (BigUint, BigUint) {
    let digits = x.to_u32_digits();
    let k = (bits / 32).min(digits.len());
    (BigUint::from_slice(&digits[k..]), BigUint::from_slice(&digits[..k]))
}

/// `x ** e` by squaring, each product through `mul`.
pub fn pow<E>(x: &BigInt, e: u32, check: &mut impl FnMut() -> Result<(), E>) -> Result<BigInt, E> {
    if x.bits() * u64::from(e) < 2 * STEP_BITS {
        return Ok(num_traits::pow(x.clone(), e as usize));
    }
    let mut r = x.clone();
    for bit in (0..31 - e.leading_zeros()).rev() {
        r = mul(&r, &r, check)?;
        if e >> bit & 1 == 1 {
            r = mul(&r, x, check)?;
        }
    }
    Ok(r)
}

/// The product of `lo..hi` (`math.factorial`), halving the range so that the products
/// stay balanced.
pub fn range_product<E>(lo: u64, hi: u64, check: &mut impl FnMut() -> Result<(), E>) -> Result<BigInt, E> {
    Ok(match hi - lo {
        0 => BigInt::from(1),
        1 => BigInt::from(lo),
        2 => BigInt::from(lo) * BigInt::from(lo + 1),
        n => {
            if n >= 1 << 12 {
                check()?;
            }
            let mid = lo + n / 2;
            let (a, b) = (range_product(lo, mid, check)?, range_product(mid, hi, check)?);
            mul(&a, &b, check)?
        }
    })
}

/// The value of `digits` (ASCII digits of `base`, already checked) by halves: short runs
/// are parsed directly and joined by products, so that a long text takes less than
/// quadratic time and can be stopped. None if a digit is invalid.
pub fn parse_digits<E>(
    digits: &[u8],
    base: u32,
    check: &mut impl FnMut() -> Result<(), E>,
) -> Result<Option<BigUint>, E> {
    if digits.len() <= PARSE_DIGITS || base.is_power_of_two() {
        return Ok(BigUint::parse_bytes(digits, base));
    }
    check()?;
    let low_len = digits.len() / 2;
    let (high, low) = digits.split_at(digits.len() - low_len);
    let (Some(high), Some(low)) = (parse_digits(high, base, check)?, parse_digits(low, base, check)?) else {
        return Ok(None);
    };
    if high.is_zero() {
        return Ok(Some(low));
    }
    let scale = pow(&BigInt::from(base), low_len as u32, check)?;
    let high = mul(&BigInt::from(high), &scale, check)?;
    Ok(Some(high.magnitude() + low))
}
