//! `format(int, spec)`.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::float::format_float;
use super::layout::{layout_number, NumberParts};
use super::{FormatError, FormatSpec};
use crate::numeric::bigint_to_f64;

/// `format(v, spec)` for a Python int: types `d b o x X c n`, and `e E f F g G %` via float.
pub fn format_int(v: &BigInt, spec: &FormatSpec) -> Result<String, FormatError> {
    let ty = spec.ty.unwrap_or('d');
    let base = match ty {
        'd' | 'n' => 10,
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        'c' => return format_char(v, spec),
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let x = bigint_to_f64(v).ok_or(FormatError::IntTooLargeForFloat)?;
            return format_float(x, spec);
        }
        other => return Err(FormatError::UnknownCode(other)),
    };
    check_integer_spec(spec)?;
    let mut digits = match base {
        10 => {
            crate::numeric::int_to_decimal(&BigInt::from(v.magnitude().clone())).map_err(FormatError::IntDigitsLimit)?
        }
        _ => v.magnitude().to_str_radix(base),
    };
    let prefix = match (spec.alternate, ty) {
        (false, _) | (true, 'd' | 'n') => "",
        (true, 'b') => "0b",
        (true, 'o') => "0o",
        (true, 'x') => "0x",
        (true, _) => "0X",
    };
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    // Only ',' is rejected for b/o/x at parse time; '_' groups them by four.
    let grouping = spec.grouping.map(|sep| match ty {
        'b' | 'o' | 'x' | 'X' => (sep, 4),
        _ => (sep, 3),
    });
    let parts = NumberParts { negative: v.is_negative(), prefix, digits: &digits, remainder: "" };
    Ok(layout_number(&parts, spec, grouping))
}

/// Checks shared by every integer presentation type, in CPython's order.
fn check_integer_spec(spec: &FormatSpec) -> Result<(), FormatError> {
    if spec.precision.is_some() {
        return Err(FormatError::IntegerPrecision);
    }
    if spec.no_neg_zero {
        return Err(FormatError::IntegerNegativeZero);
    }
    Ok(())
}

/// The `c` type: the character with code point `v`, laid out like a number.
fn format_char(v: &BigInt, spec: &FormatSpec) -> Result<String, FormatError> {
    check_integer_spec(spec)?;
    if spec.sign.is_some() {
        return Err(FormatError::CharSign);
    }
    if spec.alternate {
        return Err(FormatError::CharAlternate);
    }
    let code = v.to_i64().ok_or(FormatError::CharTooLarge)?;
    let c = u32::try_from(code).ok().and_then(char::from_u32).ok_or(FormatError::CharRange)?;
    let text = c.to_string();
    let parts = NumberParts { negative: false, prefix: "", digits: "", remainder: &text };
    Ok(layout_number(&parts, spec, None))
}
