//! `repr(complex)` and `format(complex, spec)`, as CPython's `complex_repr` and
//! `format_complex_internal` lay them out.

use super::float_repr::{float_to_string, FloatMode, FloatStyle};
use super::{format_str, Align, FormatError, FormatSpec, Sign};

/// `(1+2j)`, `2j`, `(-0-1j)`, `(nan+infj)`: the parts as float reprs without `.0`, and no
/// parentheses or real part when the real part is +0.
pub fn complex_repr(re: f64, im: f64) -> String {
    let style = FloatStyle::new(FloatMode::Repr);
    if re == 0.0 && re.is_sign_positive() {
        return format!("{}j", float_to_string(im, &style));
    }
    format!("({}{}j)", float_to_string(re, &style), signed(float_to_string(im, &style), Sign::Plus))
}

fn signed(text: String, sign: Sign) -> String {
    match sign {
        _ if text.starts_with('-') => text,
        Sign::Plus => format!("+{text}"),
        Sign::Space => format!(" {text}"),
        Sign::Minus => text,
    }
}

/// `format(z, spec)`: types `'' e E f F g G n`; no type is like `str` (or `g` with a
/// precision), with parentheses.
pub fn format_complex(re: f64, im: f64, spec: &FormatSpec) -> Result<String, FormatError> {
    if let Some(other) = spec.ty.filter(|c| !"eEfFgGn".contains(*c)) {
        return Err(FormatError::UnknownCode(other));
    }
    if spec.zero_pad {
        return Err(FormatError::ComplexZeroPadding);
    }
    if spec.align == Some(Align::AfterSign) {
        return Err(FormatError::ComplexAlignment);
    }
    let precision = spec.precision.unwrap_or(6);
    let mode = match spec.ty {
        None => spec.precision.map_or(FloatMode::Repr, FloatMode::General),
        Some('e' | 'E') => FloatMode::Exp(precision),
        Some('f' | 'F') => FloatMode::Fixed(precision),
        _ => FloatMode::General(precision),
    };
    let style = FloatStyle {
        mode,
        upper: matches!(spec.ty, Some('E' | 'F' | 'G')),
        add_dot_0: false,
        alt: spec.alternate,
        no_neg_zero: spec.no_neg_zero,
    };
    // No type: like `repr`, the real part is left out when it is +0, and with it the
    // parentheses.
    let skip_re = spec.ty.is_none() && re == 0.0 && re.is_sign_positive();
    let parens = spec.ty.is_none() && !skip_re;
    let sign = spec.sign.unwrap_or(Sign::Minus);
    let mut text = String::new();
    if parens {
        text.push('(');
    }
    if skip_re {
        text.push_str(&signed(float_to_string(im, &style), sign));
    } else {
        text.push_str(&signed(float_to_string(re, &style), sign));
        text.push_str(&signed(float_to_string(im, &style), Sign::Plus));
    }
    text.push('j');
    if parens {
        text.push(')');
    }
    let layout = FormatSpec {
        fill: spec.fill,
        align: Some(spec.align.unwrap_or(Align::Right)),
        width: spec.width,
        ..FormatSpec::default()
    };
    format_str(&text, &layout)
}
