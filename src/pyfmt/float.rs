//! `format(float, spec)`.

use super::float_repr::{float_to_string, FloatMode, FloatStyle};
use super::layout::{layout_number, NumberParts};
use super::{FormatError, FormatSpec};

/// `format(v, spec)` for a Python float: types `'' e E f F g G n %`.
pub fn format_float(v: f64, spec: &FormatSpec) -> Result<String, FormatError> {
    let ty = spec.ty;
    if let Some(other) = ty.filter(|c| !"eEfFgGn%".contains(*c)) {
        return Err(FormatError::UnknownCode(other));
    }
    let precision = spec.precision;
    if precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err(FormatError::PrecisionTooBig);
    }
    let default = precision.unwrap_or(6);
    let mode = match ty {
        // No type: repr, or 'g' keeping a ".0" when a precision is given.
        None => precision.map_or(FloatMode::Repr, FloatMode::General),
        Some('e' | 'E') => FloatMode::Exp(default),
        Some('f' | 'F' | '%') => FloatMode::Fixed(default),
        _ => FloatMode::General(default),
    };
    let style = FloatStyle {
        mode,
        upper: matches!(ty, Some('E' | 'F' | 'G')),
        add_dot_0: ty.is_none(),
        alt: spec.alternate,
        no_neg_zero: spec.no_neg_zero,
    };
    let text = if ty == Some('%') { float_to_string(v * 100.0, &style) + "%" } else { float_to_string(v, &style) };
    // 'n' uses the C locale, which has no thousands separator.
    let grouping = spec.grouping.filter(|_| ty != Some('n')).map(|sep| (sep, 3));
    Ok(layout_number(&NumberParts::split(&text), spec, grouping))
}
