//! The format specification mini-language:
//! `[[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]`.

use super::FormatError;
use crate::numeric::decimal_value;

/// Where padding goes: `<`, `>`, `^`, or `=` (between sign and digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
    AfterSign,
}

/// `-` (the default: only negatives get a sign), `+`, or ` `.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Minus,
    Plus,
    Space,
}

/// A parsed format specification; unset fields keep the formatted type's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormatSpec {
    /// Fill character, only given together with an alignment.
    pub fill: Option<char>,
    pub align: Option<Align>,
    pub sign: Option<Sign>,
    /// `z`: coerce negative zero to zero (floats only).
    pub no_neg_zero: bool,
    /// `#`: alternate form.
    pub alternate: bool,
    /// A `0` before the width with no explicit fill: zero padding.
    pub zero_pad: bool,
    pub width: Option<usize>,
    /// `,` or `_`.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// Presentation type such as `d`, `f`, `s`; `None` when omitted.
    pub ty: Option<char>,
}

impl FormatSpec {
    /// The fill character in effect: explicit, `0` for zero padding, or a space.
    pub(crate) fn fill_char(&self) -> char {
        self.fill.unwrap_or(if self.zero_pad { '0' } else { ' ' })
    }

    /// The alignment in effect; zero padding turns right alignment into `=`.
    pub(crate) fn align_or(&self, default: Align) -> Align {
        match self.align {
            Some(align) => align,
            None if self.zero_pad && default == Align::Right => Align::AfterSign,
            None => default,
        }
    }
}

fn align_of(c: char) -> Option<Align> {
    match c {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        '=' => Some(Align::AfterSign),
        _ => None,
    }
}

/// Parses a specification as CPython's `parse_internal_render_format_spec` does.
pub fn parse_format_spec(spec: &str) -> Result<FormatSpec, FormatError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut pos = 0;
    let mut out = FormatSpec::default();
    let peek = |pos: usize| chars.get(pos).copied();

    if let Some(align) = peek(1).and_then(align_of) {
        out.fill = Some(chars[0]);
        out.align = Some(align);
        pos = 2;
    } else if let Some(align) = peek(0).and_then(align_of) {
        out.align = Some(align);
        pos = 1;
    }
    out.sign = match peek(pos) {
        Some('+') => Some(Sign::Plus),
        Some('-') => Some(Sign::Minus),
        Some(' ') => Some(Sign::Space),
        _ => None,
    };
    if out.sign.is_some() {
        pos += 1;
    }
    if peek(pos) == Some('z') {
        out.no_neg_zero = true;
        pos += 1;
    }
    if peek(pos) == Some('#') {
        out.alternate = true;
        pos += 1;
    }
    if out.fill.is_none() && peek(pos) == Some('0') {
        out.zero_pad = true;
        pos += 1;
    }
    out.width = parse_count(&chars, &mut pos)?;
    if peek(pos) == Some(',') {
        out.grouping = Some(',');
        pos += 1;
    }
    if peek(pos) == Some('_') {
        if out.grouping.is_some() {
            return Err(FormatError::BothSeparators);
        }
        out.grouping = Some('_');
        pos += 1;
    }
    if peek(pos) == Some(',') && out.grouping == Some('_') {
        return Err(FormatError::BothSeparators);
    }
    if peek(pos) == Some('.') {
        pos += 1;
        out.precision = parse_count(&chars, &mut pos)?;
        if out.precision.is_none() {
            return Err(FormatError::MissingPrecision);
        }
    }
    match chars.len() - pos {
        0 => {}
        1 => out.ty = Some(chars[pos]),
        _ => return Err(FormatError::InvalidSpecifier(spec.into())),
    }
    if let (Some(separator), Some(ty)) = (out.grouping, out.ty) {
        let allowed = match ty {
            'd' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F' => true,
            'b' | 'o' | 'x' | 'X' => separator == '_',
            _ => false,
        };
        if !allowed {
            return Err(FormatError::SeparatorWithType { separator, ty });
        }
    }
    Ok(out)
}

/// Reads a run of decimal digits (of any script); `None` when there are none.
fn parse_count(chars: &[char], pos: &mut usize) -> Result<Option<usize>, FormatError> {
    let mut value: Option<usize> = None;
    while let Some(digit) = chars.get(*pos).copied().and_then(decimal_value) {
        let next = value
            .unwrap_or(0)
            .checked_mul(10)
            .and_then(|v| v.checked_add(digit as usize))
            .filter(|&v| v <= isize::MAX as usize)
            .ok_or(FormatError::TooManyDigits)?;
        value = Some(next);
        *pos += 1;
    }
    Ok(value)
}
