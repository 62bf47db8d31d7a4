//! Float to decimal text, ported from CPython's `PyOS_double_to_string`.
//!
//! Rust's formatter supplies correctly rounded decimal digits (shortest
//! round-trip for `{:e}`, round-half-even on the exact binary value for
//! explicit precisions); this module lays them out the way CPython does.

/// How many digits to produce and where the decimal point goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FloatMode {
    /// Shortest round-trip digits, exponent when exp < -4 or exp >= 16 (`repr`).
    Repr,
    /// `'e'`: exponent notation with this many digits after the point.
    Exp(usize),
    /// `'f'`: fixed notation with this many digits after the point.
    Fixed(usize),
    /// `'g'`: this many significant digits, trailing zeros removed.
    General(usize),
}

/// Options of `PyOS_double_to_string` that `format()` and `%` use.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FloatStyle {
    pub mode: FloatMode,
    /// `'E'`, `'F'`, `'G'`: upper-case exponent marker, `INF` and `NAN`.
    pub upper: bool,
    /// Keep at least one digit after the point when there is no exponent.
    pub add_dot_0: bool,
    /// `'#'`: keep the point and, for `'g'`, the trailing zeros.
    pub alt: bool,
    /// `'z'`: a value that rounds to zero loses its minus sign.
    pub no_neg_zero: bool,
}

impl FloatStyle {
    pub(crate) fn new(mode: FloatMode) -> Self {
        FloatStyle { mode, upper: false, add_dot_0: false, alt: false, no_neg_zero: false }
    }
}

/// `repr(x)` and `str(x)` of a Python float: `'1.0'`, `'1e+16'`, `'5e-324'`, `'nan'`.
pub fn float_repr(x: f64) -> String {
    let style = FloatStyle { add_dot_0: true, ..FloatStyle::new(FloatMode::Repr) };
    float_to_string(x, &style)
}

/// Enough decimal places for the exact value of any double (at most 767 significant
/// digits, 1074 after the point): more are zeros, so precisions are capped here, below the
/// 65535 that Rust's formatter accepts, and the padding zeros added afterwards.
const EXACT: usize = 1100;

/// Decimal digits `d1 d2 d3 ...` of a finite value `0.d1d2d3... × 10^decpt`,
/// with no leading or trailing zeros; zero is `"0"` with `decpt == 1`.
struct Digits {
    digits: String,
    decpt: i64,
}

impl Digits {
    /// Digits of the absolute value of `x` for the given mode.
    fn new(x: f64, mode: FloatMode) -> Digits {
        let x = x.abs();
        match mode {
            FloatMode::Repr => {
                // Rust gives the shortest digits that round-trip, but when two such strings
                // are equally short it may not pick the one closest to the exact value, as
                // CPython does; rounding correctly to that many digits does.
                let shortest = format!("{x:e}");
                let mantissa = shortest.split('e').next().unwrap_or("");
                let n = mantissa.chars().filter(char::is_ascii_digit).count();
                Self::from_exp_form(&format!("{:.*e}", n.max(1) - 1, x))
            }
            FloatMode::Exp(after_point) => Self::from_exp_form(&format!("{:.*e}", after_point.min(EXACT), x)),
            FloatMode::General(significant) => {
                Self::from_exp_form(&format!("{:.*e}", significant.clamp(1, EXACT) - 1, x))
            }
            FloatMode::Fixed(after_point) => {
                let text = format!("{:.*}", after_point.min(EXACT), x);
                let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
                Self::normalized(format!("{int_part}{frac_part}"), int_part.len() as i64)
            }
        }
    }

    /// Parses Rust's `d.ddde-7` form.
    fn from_exp_form(text: &str) -> Digits {
        let (mantissa, exp) = text.split_once('e').expect("exponent form");
        let exp: i64 = exp.parse().expect("exponent");
        Self::normalized(mantissa.replace('.', ""), exp + 1)
    }

    fn normalized(raw: String, decpt: i64) -> Digits {
        let trimmed_left = raw.trim_start_matches('0');
        let decpt = decpt - (raw.len() - trimmed_left.len()) as i64;
        let digits = trimmed_left.trim_end_matches('0');
        if digits.is_empty() {
            Digits { digits: "0".into(), decpt: 1 }
        } else {
            Digits { digits: digits.into(), decpt }
        }
    }
}

/// Port of CPython's `format_float_short`: sign, digits, point and exponent.
pub(crate) fn float_to_string(x: f64, style: &FloatStyle) -> String {
    if x.is_nan() {
        return if style.upper { "NAN" } else { "nan" }.into();
    }
    let negative = x.is_sign_negative();
    if x.is_infinite() {
        let inf = if style.upper { "INF" } else { "inf" };
        return if negative { format!("-{inf}") } else { inf.into() };
    }
    let Digits { digits, mut decpt } = Digits::new(x, style.mode);
    let n_digits = digits.len() as i64;

    // The output is a window [start, end) on the digits padded with zeros
    // on both sides, with the point placed after position `decpt`.
    let mut use_exp = false;
    let mut end = n_digits;
    match style.mode {
        FloatMode::Repr => use_exp = decpt <= -4 || decpt > 16,
        FloatMode::Exp(after_point) => {
            use_exp = true;
            end = after_point as i64 + 1;
        }
        FloatMode::Fixed(after_point) => end = decpt + after_point as i64,
        FloatMode::General(significant) => {
            let significant = significant.max(1) as i64;
            let limit = if style.add_dot_0 { significant - 1 } else { significant };
            use_exp = decpt <= -4 || decpt > limit;
            if style.alt {
                end = significant;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let start = if decpt <= 0 { decpt - 1 } else { 0 };
    let min_end = if !use_exp && style.add_dot_0 { decpt + 1 } else { decpt };
    end = end.max(min_end);

    let mut out = String::new();
    if negative && !(style.no_neg_zero && digits == "0") {
        out.push('-');
    }
    let zeros = |out: &mut String, n: i64| out.extend((0..n).map(|_| '0'));
    if decpt <= 0 {
        zeros(&mut out, decpt - start);
        out.push('.');
        zeros(&mut out, -decpt);
        out.push_str(&digits);
    } else if decpt <= n_digits {
        let (int_part, frac_part) = digits.split_at(decpt as usize);
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else {
        out.push_str(&digits);
    }
    if n_digits < decpt {
        zeros(&mut out, decpt - n_digits);
        out.push('.');
        zeros(&mut out, end - decpt);
    } else {
        zeros(&mut out, end - n_digits);
    }
    if out.ends_with('.') && !style.alt {
        out.pop();
    }
    if use_exp {
        out.push(if style.upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

#[cfg(test)]
mod tie_tests {
    use super::float_repr;

    #[test]
    // The literal is exactly representable; the test is about its repr.
    #[allow(clippy::excessive_precision)]
    fn equally_short_candidates_resolve_to_the_closest_as_cpython_does() {
        // python3 -c "print(repr(789365282862985.25), repr(2.5e-7))"
        assert_eq!(float_repr(789365282862985.25), "789365282862985.2");
        assert_eq!(float_repr(2.5e-7), "2.5e-07");
    }
}
