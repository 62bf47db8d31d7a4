//! `coro::numeric` against outputs recorded from CPython 3.11 (see tests/gen/).

#[rustfmt::skip]
mod cases;

use coro::numeric::*;
use coro::pyfmt::float_repr;
use num_bigint::BigInt;

fn big(text: &str) -> BigInt {
    text.parse().unwrap()
}

fn float(bits: u64) -> f64 {
    f64::from_bits(bits)
}

#[test]
fn int_floor_div_and_mod() {
    for &(a, b, quotient, rem) in cases::INT_DIV {
        assert_eq!(floor_div_i64(a, b), quotient, "{a} // {b}");
        assert_eq!(mod_i64(a, b), rem, "{a} % {b}");
    }
}

#[test]
fn float_divmod() {
    for &(a, b, quotient, rem) in cases::FLOAT_DIVMOD {
        let (a, b) = (float(a), float(b));
        assert_eq!(float_repr(floor_div_f64(a, b)), quotient, "{a:?} // {b:?}");
        assert_eq!(float_repr(mod_f64(a, b)), rem, "{a:?} % {b:?}");
        let (q, r) = divmod_f64(a, b);
        assert_eq!((float_repr(q), float_repr(r)), (quotient.into(), rem.into()));
    }
}

#[test]
fn round_to_integer() {
    for &(bits, expected) in cases::ROUND_HALF_EVEN {
        let rounded = f64_to_bigint(round_half_even(float(bits))).unwrap();
        assert_eq!(rounded.to_string(), expected, "round({:?})", float(bits));
    }
}

#[test]
fn round_float_to_ndigits() {
    for &(bits, ndigits, expected) in cases::ROUND_NDIGITS {
        let got = round_f64_ndigits(float(bits), ndigits).map(float_repr);
        assert_eq!(got.as_deref(), expected, "round({:?}, {ndigits})", float(bits));
    }
}

#[test]
fn round_int_to_ndigits() {
    for &(value, ndigits, expected) in cases::ROUND_INT {
        let got = round_int_ndigits(&big(value), ndigits);
        assert_eq!(got.to_string(), expected, "round({value}, {ndigits})");
    }
}

#[test]
fn float_to_int() {
    for &(bits, expected) in cases::FLOAT_TO_INT {
        let got = f64_to_bigint(float(bits)).map(|v| v.to_string());
        assert_eq!(got.as_deref(), expected, "int({:?})", float(bits));
    }
}

#[test]
fn int_to_float() {
    for &(value, expected) in cases::INT_TO_FLOAT {
        let got = bigint_to_f64(&big(value)).map(float_repr);
        assert_eq!(got.as_deref(), expected, "float({value})");
    }
}

#[test]
fn int_true_division() {
    for &(a, b, expected) in cases::TRUE_DIV {
        let got = true_div_bigint(&big(a), &big(b)).map(float_repr);
        assert_eq!(got.as_deref(), expected, "{a} / {b}");
    }
}

#[test]
fn parse_int_literals() {
    for &(text, base, expected) in cases::PARSE_INT {
        let got = parse_int(text, base, &mut || Ok::<(), ()>(())).unwrap().ok().map(|v| v.to_string());
        assert_eq!(got.as_deref(), expected, "int({text:?}, {base})");
    }
}

#[test]
fn parse_float_literals() {
    for &(text, expected) in cases::PARSE_FLOAT {
        let got = parse_float(text).map(float_repr);
        assert_eq!(got.as_deref(), expected, "float({text:?})");
    }
}

#[test]
fn float_power() {
    for &(a, b, expected) in cases::POW {
        let (a, b) = (float(a), float(b));
        let got = match pow_f64(a, b) {
            Ok(x) => float_repr(x),
            Err(PowError::Complex) => "complex".into(),
            Err(PowError::ZeroToNegative) => "ZeroDivisionError".into(),
            Err(PowError::Overflow) => "OverflowError".into(),
        };
        assert_eq!(got, expected, "{a:?} ** {b:?}");
    }
}

#[test]
fn numeric_hashes() {
    for &(bits, expected) in cases::HASH_FLOAT {
        assert_eq!(hash_f64(float(bits)), expected, "hash({:?})", float(bits));
    }
    for &(value, expected) in cases::HASH_INT {
        let v = big(value);
        assert_eq!(hash_bigint(&v), expected, "hash({value})");
        if let Ok(small) = i64::try_from(&v) {
            assert_eq!(hash_i64(small), expected, "hash({value})");
        }
    }
}

#[test]
fn integral_floats_hash_like_ints() {
    for x in [1.0, -1.0, 2.0f64.powi(61), 1e300, -12345.0] {
        let v = f64_to_bigint(x).unwrap();
        assert_eq!(hash_f64(x), hash_bigint(&v), "{x:?}");
    }
}

#[test]
fn pow_error_messages() {
    assert_eq!(PowError::ZeroToNegative.message(), "0.0 cannot be raised to a negative power");
    assert_eq!(PowError::Overflow.message(), "(34, 'Numerical result out of range')");
}

/// Big-int work done in checked steps gives what num-bigint gives at once, and stops at
/// the first failed check.
#[test]
fn stepwise_big_int_work_matches_direct_work() {
    let mut go_on = || Ok::<(), ()>(());
    let a = BigInt::from(3).pow(2_500_000u32) - BigInt::from(17);
    let b = -(BigInt::from(7).pow(1_000_000u32) + BigInt::from(5));
    assert_eq!(bigwork::mul(&a, &b, &mut go_on), Ok(&a * &b));
    assert_eq!(bigwork::mul(&a, &a, &mut go_on), Ok(&a * &a));
    assert_eq!(bigwork::pow(&b, 3, &mut go_on), Ok(b.pow(3)));
    let digits = a.to_string();
    let parsed = bigwork::parse_digits(digits.as_bytes(), 10, &mut go_on);
    assert_eq!(parsed, Ok(Some(a.magnitude().clone())));
    assert_eq!(bigwork::parse_digits(b"12x4", 10, &mut go_on), Ok(None));
    let mut checks = 0;
    let mut stop_at_third = || {
        checks += 1;
        if checks < 3 {
            Ok(())
        } else {
            Err("stopped")
        }
    };
    assert_eq!(bigwork::mul(&a, &a, &mut stop_at_third), Err("stopped"));
}
